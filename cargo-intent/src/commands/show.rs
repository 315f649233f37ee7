//! `cargo intent show NAME`: the accepted code.

use anyhow::{bail, Result};
use clap::Args;
use intent_build::project::Project;

use super::Status;
use crate::cli::Global;

/// `cargo intent show NAME`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &ShowArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        if let Some(status) = project
            .statuses()?
            .into_iter()
            .find(|s| s.spec.spec.name == args.name)
        {
            match status.snapshot {
                Some(snapshot) => {
                    outln!("{}", snapshot.code)?;
                    return Ok(Status::Ok);
                }
                None => bail!(
                    "intent `{}` has no accepted code yet; run `cargo intent lock {}`",
                    args.name,
                    args.name
                ),
            }
        }
    }
    bail!(
        "no intent named `{}`; `cargo intent status` lists them",
        args.name
    )
}
