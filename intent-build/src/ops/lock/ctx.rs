//! What every stage of a lock reads: the run's options and one context
//! over the crate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::env::Env;
use crate::generate::replay::Answered;
use crate::progress::Progress;
use crate::project::Project;
use crate::provider::factory::Cores;

/// How `cargo intent lock` runs.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// Only these intents (all when empty).
    pub names: Vec<String>,
    /// Regenerate fresh intents too.
    pub force: bool,
    /// Fail instead of regenerating.
    pub locked: bool,
    /// Only providers without network.
    pub offline: bool,
    /// llama.cpp logs.
    pub verbose: bool,
    /// `target/intent`.
    pub intent_dir: PathBuf,
    /// Set (e.g. by a Ctrl-C handler) to stop before the next intent or
    /// acceptance; what was accepted stays, nothing is half-written.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Keep verified results pending under `target/intent/pending/` instead
    /// of recording them, and touch neither the lock nor the snapshots: what
    /// `cargo build` asks for (unless `update-lock = true`).
    pub pending_only: bool,
    /// Accept code whose behaviour differs from the pinned behaviour when
    /// only the model changed.
    pub allow_behaviour_change: bool,
    /// The cores an embedded model decodes with: all of them for
    /// `cargo intent lock`, half for a build script's handoff.
    pub cores: Cores,
    /// Intents whose question the user answered (the answer is in the spec
    /// now): their earlier passing candidates are judged again before
    /// anything is decoded.
    pub answered: BTreeMap<String, Answered>,
}


/// One crate's `lock`: what every stage reads.
pub(super) struct LockCtx<'a> {
    pub(super) project: &'a Project,
    pub(super) options: &'a LockOptions,
    pub(super) env: &'a Env,
    pub(super) progress: &'a Progress,
}
