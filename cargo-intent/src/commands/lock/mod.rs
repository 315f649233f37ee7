//! `cargo intent lock`: regenerate what is stale and record it; `--check`
//! says what is stale without a model or a network.

mod args;
mod check;
mod handoff;

use anyhow::Result;
pub use args::{lock_options, GenerationArgs, LockArgs};
use intent_build::env::Env;
use intent_build::ops::lock::settle;
use intent_build::progress::Progress;

use crate::exit::Status;
use crate::global::Global;
use crate::workspace::{self, Workspace};

pub fn exec(global: &Global, args: &LockArgs) -> Result<Status> {
    if args.handoff.build_script {
        return handoff::exec(global, args);
    }
    let ws = workspace::load(global)?;
    if args.check {
        return check::exec(global, &ws, args);
    }
    lock(global, &ws, args)
}

/// Runs `lock` on every selected package; shared with `build`. At a
/// terminal its questions are asked there and the answered intents decided
/// again in the same run, and the open inputs of what it accepted offered
/// for confirmation (`ops::lock::settle`).
pub fn lock(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let progress = Progress::new(global.quiet);
    let mut ok = true;
    for package in &ws.packages {
        let project = ws.open(package)?;
        let options = lock_options(global, ws, args);
        let mut shown = crate::summary::Shown::new(global, &project);
        let mut terminal = crate::ask::Terminal;
        let asker = crate::ask::enabled(global, &env).then_some(&mut terminal);
        settle::run(&project, &options, &env, &progress, asker, &mut |step| {
            shown.step(step)
        })?;
        if crate::interrupt::requested() {
            eprintln!("interrupted: Intent.lock and snapshots hold only fully accepted results");
            return Ok(Status::Failed);
        }
        ok &= shown.ok;
    }
    Ok(if ok { Status::Ok } else { Status::Failed })
}
