//! `cargo intent verify [NAME…]`: judge every accepted intent again with
//! today's gates, without a model; `--locked` changes nothing on disk.

use anyhow::Result;
use clap::Args;
use intent_build::env::Env;
use intent_build::ops::{self, Pin, Rerun, VerifyOutcome};

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent verify [NAME…]`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only these intents
    pub names: Vec<String>,
}

pub fn exec(global: &Global, args: &VerifyArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let (mut passed, mut failed) = (0usize, 0usize);
    for package in &ws.packages {
        let project = ws.open(package)?;
        let runner = project.gate_runner(&env, &ws.intent_dir(), None);
        let specs = project.specs()?;
        let runner = project.with_crates(runner, specs.iter(), &ws.intent_dir(), env.offline())?;
        let store = project.store(&ws.intent_dir());
        let locked = global.is_locked() || env.ci;
        for verified in ops::verify(&project, &runner, &store, &args.names, locked)? {
            let name = format!("{}::{}", package.name, verified.name);
            match &verified.outcome {
                VerifyOutcome::Passed {
                    pin,
                    stripped,
                    adequacy,
                    checks,
                } => {
                    passed += 1;
                    outln!(
                        "{:>12} {name}{}{}",
                        "Verified",
                        detail(*pin, *stripped, *adequacy),
                        rerun(*checks)
                    )?;
                    if *checks == Rerun::Missing {
                        eprintln!(
                            "warning: {name}: the lock records checks drawn from the description, but its \
                             snapshots/{}.checks is missing: they were not run",
                            verified.name
                        );
                    }
                }
                VerifyOutcome::Refused(why) | VerifyOutcome::NotAccepted(why) => {
                    failed += 1;
                    outln!("{:>12} {name}: {why}", "Refused")?;
                }
            }
        }
    }
    if !global.quiet {
        eprintln!("{passed} intent(s) pass today's gates, {failed} do not");
    }
    if failed > 0 {
        eprintln!("error: accepted code that today's gates refuse");
        eprintln!(
            "help: regenerate it with `cargo intent lock --force NAME`, or move its spec aside"
        );
        return Ok(Status::Failed);
    }
    Ok(Status::Ok)
}

/// What became of the behaviour and the documentation, in words.
fn detail(pin: Pin, stripped: bool, adequacy: Option<(usize, usize)>) -> String {
    let pin = match pin {
        Pin::Compared => " (behaviour as pinned)",
        Pin::Pinned => " (behaviour pinned now)",
        Pin::Unpinned => " (behaviour not pinned: run without --locked to pin it)",
        Pin::Unjudged => " (no inputs for its signature: examples and tests only)",
    };
    let docs = if stripped {
        "; model-written documentation stripped"
    } else {
        ""
    };
    let adequacy = adequacy.map_or_else(String::new, |(r, n)| format!("; adequacy {r}/{n}"));
    format!("{pin}{docs}{adequacy}")
}

/// The description's checks, in words.
fn rerun(checks: Rerun) -> String {
    match checks {
        Rerun::None => String::new(),
        Rerun::Passed(n) => format!("; checks {n}/{n}"),
        Rerun::Missing => "; checks file missing, not run".into(),
    }
}
