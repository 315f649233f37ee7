//! `cargo intent lock --check`: every stale intent named with why, and the
//! notes on what a newer intent would do otherwise; no model, no network.

use anyhow::Result;
use intent_build::env::Env;

use super::args::LockArgs;
use crate::exit::Status;
use crate::global::Global;
use crate::workspace::Workspace;

/// Exits 1 naming each stale intent (those `args` names, or all).
pub fn exec(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let mut stale_count = 0;
    for package in &ws.packages {
        let project = ws.open(package)?;
        let expectation = project.expectation(&env, &ws.intent_dir())?;
        if !global.quiet {
            for note in project.tool_notes(&expectation)? {
                eprintln!("note: {}: {note}", package.name);
            }
        }
        for stale in project.check(&expectation)? {
            if !args.names.is_empty() && !args.names.contains(&stale.name) {
                continue;
            }
            stale_count += 1;
            outln!(
                "{}: intent `{}` is {}: {}",
                package.name,
                stale.name,
                stale.stale,
                stale.reason
            )?;
        }
    }
    if stale_count > 0 {
        if !global.quiet {
            eprintln!("error: {stale_count} intent(s) need regeneration; run `cargo intent lock` and commit Intent.lock and intents/snapshots/");
        }
        return Ok(Status::Failed);
    }
    if !global.quiet {
        eprintln!("all intents are fresh");
    }
    Ok(Status::Ok)
}
