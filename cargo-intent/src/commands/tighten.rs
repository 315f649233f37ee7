//! `cargo intent tighten [NAME…]`: pin what the specs of accepted intents
//! leave open (`intent_build::ops::tighten`). At a terminal each open input
//! is one keystroke: its answer confirmed becomes an example, a corrected
//! one too, and the intent is locked again from the candidates the last run
//! judged. Off a terminal, in CI or with `--no-input`, the inputs are
//! printed and nothing is written. `cargo intent lock` runs the same after
//! an acceptance at a terminal.

use anyhow::Result;
use clap::Args;
use intent_build::env::Env;
use intent_build::generate::replay::Answered;
use intent_build::judge::gates::GateRunner;
use intent_build::ops::asker::{Asker, Confirmation, Offer};
use intent_build::ops::tighten::{self, Tightened};
use intent_build::progress::Progress;
use intent_build::project::Project;
use intent_build::report::Question;
use intent_build::spec::edit::NewExample;
use intent_build::spec::SpecFile;

use super::Status;
use crate::cli::Global;
use crate::workspace::Workspace;

/// `cargo intent tighten`.
#[derive(Debug, Default, Args)]
pub struct TightenArgs {
    /// Only these intents (default: every accepted one)
    pub names: Vec<String>,
}

pub fn exec(global: &Global, args: &TightenArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let mut ok = true;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        ok &= run(global, &ws, &project, &env, &args.names)?;
    }
    Ok(if ok { Status::Ok } else { Status::Failed })
}

/// Tightens `names` of `project` (every accepted intent when empty): asks
/// at a terminal, else prints the open inputs. Whether everything ended
/// accepted.
pub fn run(
    global: &Global,
    ws: &Workspace,
    project: &Project,
    env: &Env,
    names: &[String],
) -> Result<bool> {
    let intent_dir = ws.intent_dir();
    let done = if crate::ask::enabled(global, env) {
        tighten::tighten(project, env, &intent_dir, names, &mut crate::ask::Terminal)?
    } else {
        tighten::tighten(project, env, &intent_dir, names, &mut Printer)?
    };
    let mut stale = Vec::new();
    for (name, tightened) in &done {
        let name_in = format!("{}::{name}", project.name);
        match tightened {
            Tightened::NothingOpen {
                figure: Some((r, n)),
            } => {
                eprintln!(
                    "{:>12} {name_in} (adequacy {r}/{n}: nothing open to pin)",
                    "Adequate"
                );
            }
            Tightened::NothingOpen { figure: None } => {}
            Tightened::Unanswered => {
                eprintln!("{:>12} {name_in}: its open inputs are unanswered", "Open")
            }
            Tightened::Kept {
                added,
                figure: ((r, n), after),
            } => {
                let after = after.map_or_else(|| "-".to_string(), |(r, n)| format!("{r}/{n}"));
                eprintln!(
                    "{:>12} {name_in}: {added} example(s), adequacy {r}/{n} → {after}",
                    "Tightened"
                );
            }
            Tightened::Stale { added, why } => {
                eprintln!(
                    "{:>12} {name_in}: {added} example(s); the accepted code fails them ({why})",
                    "Corrected"
                );
                stale.push((name.clone(), *added));
            }
        }
    }
    if stale.is_empty() {
        return Ok(true);
    }
    relock(global, ws, project, env, &stale)
}

/// Locks the corrected intents again, from the candidates the last run
/// judged before any is decoded.
fn relock(
    global: &Global,
    ws: &Workspace,
    project: &Project,
    env: &Env,
    stale: &[(String, usize)],
) -> Result<bool> {
    let args = super::lock::LockArgs {
        names: stale.iter().map(|(n, _)| n.clone()).collect(),
        ..Default::default()
    };
    let mut options = super::lock::lock_options(global, ws, &args);
    let reports =
        intent_build::report::read_report(&ws.intent_dir().join("report.json")).unwrap_or_default();
    for (name, added) in stale {
        if let Some(report) = reports.iter().find(|r| &r.name == name) {
            options
                .answered
                .insert(name.clone(), Answered::from_report(report, *added));
        }
    }
    let summary =
        intent_build::ops::lock::lock(project, &options, env, &Progress::new(global.quiet))?;
    crate::summary::report(global, project, &summary)
}

/// Off a terminal: each open input printed, none answered.
struct Printer;

impl Asker for Printer {
    type Error = anyhow::Error;

    fn ask(&mut self, _: &SpecFile, _: &Question, _: &GateRunner) -> Result<Vec<NewExample>> {
        Ok(Vec::new())
    }

    fn confirm(&mut self, file: &SpecFile, offer: &Offer, _: &GateRunner) -> Result<Confirmation> {
        eprintln!(
            "note: intent `{}` ({}): the spec does not say what `{}` returns; the accepted code gives `{}` and {} mutant(s) another answer; `cargo intent tighten {}` at a terminal pins it",
            file.spec.name,
            file.path.display(),
            offer.call,
            offer.accepted,
            offer.open,
            file.spec.name
        );
        Ok(Confirmation::Skip)
    }

    fn added(&mut self, _: &std::path::Path, _: usize) {}
}
