//! The arguments of the commands that lock (`lock`, its `--check` and
//! `--build-script` modes, `watch`, `build`), and the options they make.

use clap::Args;
use intent_build::ops::lock::{Cores, LockOptions};

use crate::global::Global;
use crate::workspace::Workspace;

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
    #[command(flatten)]
    pub generation: GenerationArgs,
    #[command(flatten)]
    pub handoff: HandoffArgs,
}

/// The options of every command that locks (`lock`, `watch`, `build`),
/// each read where it takes effect in `intent_build::ops::lock`.
#[derive(Debug, Default, Clone, Args)]
pub struct GenerationArgs {
    /// Accept new code whose behaviour differs from the pinned behaviour when only the model changed
    #[arg(long)]
    pub allow_behaviour_change: bool,
}

/// How a build script hands regeneration over (`intent_build::handoff`):
/// the crate's paths given explicitly, so no `cargo metadata` runs inside
/// the build; results stay pending unless `update-lock = true`; one JSON
/// line per verified intent on stdout.
#[derive(Debug, Default, Args)]
pub struct HandoffArgs {
    /// Run for a build script
    #[arg(long, hide = true, requires_all = ["package_name", "specs_dir", "lockfile", "intent_dir"], conflicts_with_all = ["check", "force"])]
    pub build_script: bool,
    /// The package's name
    #[arg(long, hide = true)]
    pub package_name: Option<String>,
    /// The spec folder
    #[arg(long, hide = true)]
    pub specs_dir: Option<std::path::PathBuf>,
    /// The lockfile
    #[arg(long, hide = true)]
    pub lockfile: Option<std::path::PathBuf>,
    /// `target/intent`
    #[arg(long, hide = true)]
    pub intent_dir: Option<std::path::PathBuf>,
}

/// The options `args` and the global flags give; shared with `watch`. The
/// crate's own settings (gate timeout, review, …) are read by the operation.
pub fn lock_options(global: &Global, ws: &Workspace, args: &LockArgs) -> LockOptions {
    LockOptions {
        names: args.names.clone(),
        force: args.force,
        locked: global.is_locked(),
        offline: global.is_offline(),
        verbose: global.verbose > 1,
        intent_dir: ws.intent_dir(),
        cancel: Some(crate::interrupt::flag()),
        pending_only: false,
        allow_behaviour_change: args.generation.allow_behaviour_change,
        cores: Cores::All,
        answered: Default::default(),
    }
}
