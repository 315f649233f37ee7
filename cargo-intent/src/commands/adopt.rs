//! `cargo intent adopt FILE::FUNCTION` (or `--all FILE`): bring existing
//! functions of the crate under specs (`intent_build::ops::adopt`).

use anyhow::Result;
use clap::Args;
use intent_build::env::Env;
use intent_build::ops::adopt::{self, Target};

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// FILE::FUNCTION (e.g. `src/text.rs::slugify`), or with --all, FILE
    pub target: String,
    /// Every free function of the file that can be adopted
    #[arg(long)]
    pub all: bool,
}

pub fn exec(global: &Global, args: &AdoptArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let target = Target::parse(&args.target, args.all)?;
    let project = ws.only("adopt")?;
    let mut status = Status::Ok;
    for (name, outcome) in adopt::adopt(&project, &env, &ws.intent_dir(), &target)? {
        match outcome {
            Ok(adopted) => {
                eprintln!(
                    "{:>12} {}::{name} as {} ({} examples, {} from its tests; {:.1} s)",
                    "Adopted",
                    project.name,
                    adopted.spec.display(),
                    adopted.examples,
                    adopted.from_tests,
                    adopted.seconds
                );
                if !adopted.described {
                    eprintln!(
                        "warning: `{name}` has no doc comment: its description in {} is a TODO; say what it must do before a model writes it",
                        adopted.spec.display()
                    );
                }
            }
            Err(why) => {
                status = Status::Failed;
                eprintln!("{:>12} {name}: {why}", "Skipped");
            }
        }
    }
    Ok(status)
}
