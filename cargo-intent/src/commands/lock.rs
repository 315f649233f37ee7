//! `cargo intent lock`: regenerate what is stale and record it; `--check`
//! says what is stale without a model or a network.

use anyhow::Result;
use clap::Args;
use intent_build::env::Env;
use intent_build::progress::Progress;
use intent_build::project::{self, LockOptions, Project};

use super::Status;
use crate::cli::Global;
use crate::workspace::{self, Workspace};

/// `cargo intent lock [NAME…]`.
#[derive(Debug, Default, Args)]
pub struct LockArgs {
    /// Only these intents
    pub names: Vec<String>,
    /// Regenerate even fresh intents
    #[arg(long)]
    pub force: bool,
    /// Exit 1 if anything is stale, naming each intent and why; needs no model or network
    #[arg(long, conflicts_with = "force")]
    pub check: bool,
}

pub fn exec(global: &Global, args: &LockArgs) -> Result<Status> {
    let ws = workspace::load(global)?;
    if args.check {
        return check(global, &ws, args);
    }
    lock(global, &ws, args)
}

fn check(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let mut stale_count = 0;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let expectation = project.expectation(&env, &ws.intent_dir())?;
        for stale in project.check(&expectation)? {
            if !args.names.is_empty() && !args.names.contains(&stale.name) {
                continue;
            }
            stale_count += 1;
            outln!(
                "{}: intent `{}` is {}: {}",
                package.name,
                stale.name,
                stale.label,
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

/// The options `args` and the global flags give for `project`; shared with `watch`.
pub fn lock_options(
    global: &Global,
    ws: &Workspace,
    project: &Project,
    args: &LockArgs,
) -> LockOptions {
    LockOptions {
        names: args.names.clone(),
        force: args.force,
        locked: global.is_locked(),
        offline: global.is_offline(),
        verbose: global.verbose > 1,
        intent_dir: ws.intent_dir(),
        gate_timeout: project.settings.gate_time_limit(),
        cancel: Some(crate::interrupt::flag()),
    }
}

/// Runs `lock` on every selected package; shared with `build` and `watch`.
pub fn lock(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let progress = Progress::new(global.quiet);
    let mut ok = true;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let options = lock_options(global, ws, &project, args);
        let summary = project::lock(&project, &options, &env, &progress)?;
        if crate::interrupt::requested() {
            eprintln!("interrupted: Intent.lock and snapshots hold only fully accepted results");
            return Ok(Status::Failed);
        }
        let say = |verb: &str, names: &[String]| {
            if !global.quiet {
                for name in names {
                    eprintln!("{verb:>12} {}::{name}", package.name);
                }
            }
        };
        say("Recorded", &summary.recorded);
        say("Unchanged", &summary.unchanged);
        say("Adopted", &summary.adopted);
        say("Pending", &summary.pending);
        say("Removed", &summary.removed);
        if global.verbose > 0 {
            say("Fresh", &summary.fresh);
        }
        for (name, reason) in &summary.refused {
            eprintln!("error: intent `{name}` in {} is stale ({reason}) and --locked forbids regenerating it; run `cargo intent lock` without --locked", package.name);
        }
        for (name, gate, reason) in &summary.failed {
            eprintln!(
                "error: intent `{name}` in {}: no candidate passed (last gate: {gate}): {reason}",
                package.name
            );
        }
        if !summary.failed.is_empty() {
            if let Some(report) = &summary.report {
                eprintln!("note: every round is in {}", report.display());
            }
        }
        if !summary.pending.is_empty() {
            eprintln!(
                "note: review pending results with `cargo intent accept` or `cargo insta review`"
            );
        }
        ok &= summary.is_success();
    }
    Ok(if ok { Status::Ok } else { Status::Failed })
}
