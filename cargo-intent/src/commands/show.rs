//! `cargo intent show NAME`: the accepted code.

use anyhow::{bail, Result};
use clap::Args;
use intent_build::ops::{self, Found};

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent show NAME`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &ShowArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project = ws.open(package)?;
        match ops::show(&project, &args.name)? {
            Found::Intent(code) => {
                outln!("{code}")?;
                return Ok(Status::Ok);
            }
            Found::NoCode => bail!(
                "intent `{}` has no accepted code yet; run `cargo intent lock {}`",
                args.name,
                args.name
            ),
            Found::Missing => {}
        }
    }
    bail!(
        "no intent named `{}`; `cargo intent status` lists them",
        args.name
    )
}
