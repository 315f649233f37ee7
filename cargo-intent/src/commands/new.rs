//! `cargo intent new NAME --signature SIG`: scaffold a spec.

use anyhow::Result;
use clap::Args;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent new NAME --signature SIG`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The intent (and function) name
    pub name: String,
    /// The function signature, e.g. "pub fn add(a: i32, b: i32) -> i32"
    #[arg(long)]
    pub signature: String,
}

pub fn exec(global: &Global, args: &NewArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let project = ws.only("new")?;
    let path = intent_build::ops::new_spec(&project, &args.name, &args.signature)?;
    if !global.quiet {
        outln!(
            "created {}: fill in the description and examples, then run `cargo intent lock {}`",
            crate::workspace::shown(&path),
            args.name
        )?;
    }
    Ok(Status::Ok)
}
