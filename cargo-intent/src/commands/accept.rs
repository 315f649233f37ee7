//! `cargo intent accept [NAME…]`: record pending results without a model.

use anyhow::Result;
use clap::Args;
use intent_build::project::Project;

use super::Status;
use crate::cli::Global;

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
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let store = project.store(&ws.intent_dir());
        for spec in project.specs()? {
            if !args.names.is_empty() && !args.names.contains(&spec.spec.name) {
                continue;
            }
            if let Some(pending) = store.pending(&spec) {
                store.adopt(&spec, &pending)?;
                accepted += 1;
                if !global.quiet {
                    eprintln!("{:>12} {}::{}", "Accepted", package.name, spec.spec.name);
                }
            }
        }
    }
    if accepted == 0 && !global.quiet {
        eprintln!("nothing is pending");
    }
    Ok(Status::Ok)
}
