//! `cargo intent eject NAME`: turn an intent back into ordinary Rust in
//! the crate's sources (`intent_build::ops::eject`).

use anyhow::{bail, Result};
use clap::Args;
use intent_build::ops::eject;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent eject NAME`.
#[derive(Debug, Args)]
pub struct EjectArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &EjectArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project = ws.open(package)?;
        if !project.specs()?.iter().any(|s| s.spec.name == args.name) {
            continue;
        }
        let ejected = eject::eject(&project, &args.name)?;
        eprintln!("{:>12} {}", "Wrote", ejected.module.display());
        let name = &args.name;
        if ejected.declared {
            eprintln!(
                "{:>12} src/lib.rs (mod {name}; pub use {name}::*;)",
                "Declared"
            );
        }
        for file in &ejected.removed {
            eprintln!("{:>12} {}", "Removed", file.display());
        }
        return Ok(Status::Ok);
    }
    bail!(
        "no intent named `{}`; `cargo intent status` lists them",
        args.name
    )
}
