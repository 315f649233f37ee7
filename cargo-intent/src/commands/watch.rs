//! `cargo intent watch`: regenerate intents whenever their specs change, one
//! line per result, and keep running after a failure.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use intent_build::env::Env;
use intent_build::ops;
use intent_build::progress::Progress;

use super::lock::LockArgs;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// How often to look for changes, in milliseconds
    #[arg(long, default_value_t = 500)]
    pub interval: u64,
    /// Stop after this many rounds of changes (for scripts and tests)
    #[arg(long, hide = true)]
    pub exit_after: Option<usize>,
    #[command(flatten)]
    pub generation: super::lock::GenerationArgs,
}

/// An error on one line, so each watch event stays one line.
fn one_line(text: &str) -> String {
    text.replace('\n', "; ")
}

pub fn exec(global: &Global, args: &WatchArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let mut seen: BTreeMap<String, BTreeMap<PathBuf, Vec<u8>>> = BTreeMap::new();
    let mut rounds = 0;
    eprintln!(
        "watching {} package(s) for spec changes; Ctrl-C to stop",
        ws.packages.len()
    );
    loop {
        let mut changed = false;
        for package in &ws.packages {
            let project = match ws.open(package) {
                Ok(p) => p.with_spec_cache(ws.intent_dir()),
                Err(e) => {
                    eprintln!("{}: error: {}", package.name, one_line(&e.to_string()));
                    continue;
                }
            };
            let now = intent_build::ops::specs_fingerprint(&project.specs_dir());
            if seen.get(&package.name) == Some(&now) {
                continue;
            }
            seen.insert(package.name.clone(), now);
            changed = true;
            let lock = LockArgs {
                generation: args.generation.clone(),
                ..LockArgs::default()
            };
            let options = super::lock::lock_options(global, &ws, &lock);
            match ops::lock::lock(&project, &options, &env, &Progress::hidden()) {
                Ok(summary) => crate::summary::watched(&package.name, &summary)?,
                // A bad spec is reported (on stderr, as every error) and
                // watching goes on.
                Err(e) => eprintln!("{}: error: {}", package.name, one_line(&e.to_string())),
            }
        }
        if changed {
            rounds += 1;
            if args.exit_after.is_some_and(|n| rounds >= n) {
                return Ok(Status::Ok);
            }
        }
        if crate::interrupt::requested() {
            return Ok(Status::Ok);
        }
        std::thread::sleep(Duration::from_millis(args.interval));
    }
}
