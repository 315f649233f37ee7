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
use intent_build::judge::gates::GateRunner;
use intent_build::ops::asker::{Asker, Confirmation, Offer};
use intent_build::ops::lock::settle::{tighten_and_relock, Step, Tightening};
use intent_build::ops::tighten;
use intent_build::progress::Progress;
use intent_build::report::Question;
use intent_build::spec::edit::NewExample;
use intent_build::spec::SpecFile;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent tighten`.
#[derive(Debug, Default, Args)]
pub struct TightenArgs {
    /// Only these intents (default: every accepted one)
    pub names: Vec<String>,
}

pub fn exec(global: &Global, args: &TightenArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let progress = Progress::new(global.quiet);
    let options = super::lock::lock_options(global, &ws, &super::lock::LockArgs::default());
    // This runs after the run whose candidates a correction judges again.
    let judged = tighten::last_judged(&ws.intent_dir());
    let tightening = Tightening {
        names: &args.names,
        judged: &judged,
    };
    let mut ok = true;
    for package in &ws.packages {
        let project = ws.open(package)?;
        let mut shown = crate::summary::Shown::new(global, &project);
        let on = &mut |step: Step<'_>| shown.step(step);
        if crate::ask::enabled(global, &env) {
            tighten_and_relock(
                &project,
                &options,
                &env,
                &progress,
                tightening,
                &mut crate::ask::Terminal,
                on,
            )?;
        } else {
            tighten_and_relock(
                &project,
                &options,
                &env,
                &progress,
                tightening,
                &mut Printer,
                on,
            )?;
        }
        ok &= shown.ok;
    }
    Ok(if ok { Status::Ok } else { Status::Failed })
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
