//! `cargo intent accept [NAME…]`: record pending results without a model.

use anyhow::Result;
use clap::Args;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent accept [NAME…]`.
#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// Only these intents
    pub names: Vec<String>,
}

pub fn exec(global: &Global, args: &AcceptArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let mut accepted = 0;
    for package in &ws.packages {
        let project = ws.open(package)?;
        for name in intent_build::ops::accept(&project, &ws.intent_dir(), &args.names)? {
            accepted += 1;
            if !global.quiet {
                eprintln!("{:>12} {}::{name}", "Accepted", package.name);
            }
        }
    }
    if accepted == 0 && !global.quiet {
        eprintln!("nothing is pending");
    }
    Ok(Status::Ok)
}
