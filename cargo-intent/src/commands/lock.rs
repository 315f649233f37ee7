//! `cargo intent lock`: regenerate what is stale and record it; `--check`
//! says what is stale without a model or a network.

use anyhow::{Context, Result};
use clap::Args;
use intent_build::env::Env;
use intent_build::handoff::HandoffLine;
use intent_build::manifest::CratePaths;
use intent_build::ops;
use intent_build::ops::lock::{settle, Cores, LockOptions, Settled};
use intent_build::progress::Progress;
use intent_build::project::Project;

use crate::exit::Status;
use crate::global::Global;
use crate::workspace::{self, Package, Workspace};

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

pub fn exec(global: &Global, args: &LockArgs) -> Result<Status> {
    if args.handoff.build_script {
        return handoff(global, args);
    }
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

/// `lock --build-script`: regenerate the named intents of one crate whose
/// paths are given, keep the results pending (or record them with
/// `update-lock = true`), print each verified intent's code as a JSON line.
fn handoff(global: &Global, args: &LockArgs) -> Result<Status> {
    let given = |what: &Option<std::path::PathBuf>, flag: &str| {
        what.clone()
            .with_context(|| format!("--build-script needs {flag}"))
    };
    let h = &args.handoff;
    let manifest = given(&global.manifest_path, "--manifest-path")?;
    let intent_dir = given(&h.intent_dir, "--intent-dir")?;
    let package = Package {
        name: h
            .package_name
            .clone()
            .context("--build-script needs --package-name")?,
        manifest: manifest.clone(),
    };
    let root = manifest.parent().unwrap_or(std::path::Path::new("."));
    let paths = CratePaths::with(root, h.specs_dir.as_deref(), h.lockfile.as_deref());
    let project = Project::open(&package.name, &manifest)?.with_paths(paths);
    let ws = Workspace {
        packages: vec![package],
        target_dir: intent_dir.parent().map(Into::into).unwrap_or_default(),
    };
    let options = LockOptions {
        intent_dir,
        pending_only: !project.settings.update_lock,
        // cargo compiles other crates beside a build script.
        cores: Cores::Half,
        ..lock_options(global, &ws, args)
    };
    let env = Env::from_process()?;
    let summary = ops::lock::lock(&project, &options, &env, &Progress::new(global.quiet))?;
    if let Some(json) = &summary.report {
        intent_build::page::write(&project, json)?;
    }
    for (name, code) in &summary.code {
        let line = HandoffLine {
            name: name.clone(),
            code: code.clone(),
            recorded: !summary.is(name, |s| *s == Settled::KeptPending),
        };
        outln!("{}", serde_json::to_string(&line)?)?;
    }
    crate::summary::print_failures("", &summary);
    for (name, _) in summary.questions() {
        eprintln!("error: intent `{name}`: the passing candidates disagree or too few agree; `cargo intent lock {name}` asks which answers are right");
    }
    Ok(if summary.is_success() {
        Status::Ok
    } else {
        Status::Failed
    })
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

/// Runs `lock` on every selected package; shared with `build`. At a
/// terminal its questions are asked there and the answered intents decided
/// again in the same run, and the open inputs of what it accepted offered
/// for confirmation (`ops::lock::settle`).
pub fn lock(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let progress = Progress::new(global.quiet);
    let mut ok = true;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
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
