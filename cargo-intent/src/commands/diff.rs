//! `cargo intent diff NAME`: the pending (or newest) candidate against the
//! accepted code, as a unified diff.

use anyhow::{bail, Result};
use clap::Args;
use intent_build::ops::{self, Found};

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent diff NAME`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &DiffArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project = ws.open(package)?;
        match ops::diff(&project, &ws.intent_dir(), &args.name)? {
            Found::Intent(diff) => {
                out!("{}", diff.diff)?;
                if !diff.behaviour.is_empty() {
                    outln!(
                        "behaviour changes on {} generated input(s) (accepted -> {}):",
                        diff.behaviour.len(),
                        diff.against.name()
                    )?;
                    for change in &diff.behaviour {
                        outln!("  {change}")?;
                    }
                }
                return Ok(if diff.diff.is_empty() && diff.behaviour.is_empty() {
                    Status::Ok
                } else {
                    Status::Failed
                });
            }
            Found::NoCode => bail!(
                "intent `{}` has no pending or generated candidate; run `cargo intent lock {}`",
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
