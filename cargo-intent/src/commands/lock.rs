//! `cargo intent lock`: regenerate what is stale and record it; `--check`
//! says what is stale without a model or a network.

use anyhow::{Context, Result};
use clap::Args;
use intent_build::env::Env;
use intent_build::handoff::HandoffLine;
use intent_build::manifest::CratePaths;
use intent_build::ops;
use intent_build::ops::lock::{LockOptions, LockSummary};
use intent_build::progress::Progress;
use intent_build::project::Project;
use intent_build::provider::settings::Cores;

use super::Status;
use crate::cli::Global;
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
    /// Accept new code whose behaviour differs from the pinned behaviour when only the model changed
    #[arg(long)]
    pub allow_behaviour_change: bool,
    #[command(flatten)]
    pub handoff: HandoffArgs,
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
    let mut options = lock_options(global, &ws, args);
    options.intent_dir = intent_dir;
    options.pending_only = !project.settings.update_lock;
    // cargo compiles other crates beside a build script.
    options.cores = Cores::Half;
    let env = Env::from_process()?;
    let summary = ops::lock::lock(&project, &options, &env, &Progress::new(global.quiet))?;
    if let Some(json) = &summary.report {
        intent_build::page::write(&project, json)?;
    }
    for (name, code) in &summary.code {
        let line = HandoffLine {
            name: name.clone(),
            code: code.clone(),
            recorded: !summary.kept_pending.contains(name),
        };
        outln!("{}", serde_json::to_string(&line)?)?;
    }
    print_failures("", &summary);
    for (name, _) in &summary.questions {
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
        allow_behaviour_change: args.allow_behaviour_change,
        cores: Cores::All,
        answered: Default::default(),
    }
}

/// Runs `lock` on every selected package; shared with `build` and `watch`.
/// On a terminal, a question is asked there and the intent decided again in
/// the same run ([`settle`]).
pub fn lock(global: &Global, ws: &Workspace, args: &LockArgs) -> Result<Status> {
    let env = Env::from_process()?;
    let progress = Progress::new(global.quiet);
    let mut ok = true;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let options = lock_options(global, ws, args);
        let summary = ops::lock::lock(&project, &options, &env, &progress)?;
        if crate::interrupt::requested() {
            eprintln!("interrupted: Intent.lock and snapshots hold only fully accepted results");
            return Ok(Status::Failed);
        }
        let asking = crate::ask::enabled(global, &env) && !summary.questions.is_empty();
        let generated = summary.report.clone();
        let settled = if asking {
            settle(global, &project, &options, &env, &progress, summary)?
        } else {
            report(global, &project, &summary)?
        };
        if let Some(json) = generated {
            let page = intent_build::page::write(&project, &json)?;
            if !settled {
                eprintln!(
                    "note: the run, every candidate and round, is in {}",
                    page.display()
                );
            }
        }
        ok &= settled;
    }
    Ok(if ok { Status::Ok } else { Status::Failed })
}

/// Asks each question of `summary` at the terminal, writes the answers into
/// the specs, and locks the answered intents again (and those they
/// blocked): their passing candidates are judged again with the new
/// examples before anything is decoded. Whether everything ended settled.
fn settle(
    global: &Global,
    project: &Project,
    options: &LockOptions,
    env: &Env,
    progress: &Progress,
    mut summary: LockSummary,
) -> Result<bool> {
    let specs = project.specs()?;
    let runner = project.gate_runner(env, &options.intent_dir, None);
    let mut again = options.clone();
    again.names.clear();
    for (name, question) in &summary.questions {
        let Some(file) = specs.iter().find(|s| &s.spec.name == name) else {
            continue;
        };
        let examples = crate::ask::ask(file, question, &runner)?;
        if examples.is_empty() {
            continue;
        }
        let path = project.root.join(&file.path);
        intent_build::spec::edit::add_examples(&path, &file.path, &examples)?;
        eprintln!(
            "{:>12} {} example(s) to {}",
            "Added",
            examples.len(),
            file.path.display()
        );
        let mut judged = summary.judged.get(name).cloned().unwrap_or_default();
        judged.answers = examples.len();
        again.answered.insert(name.clone(), judged);
        again.names.push(name.clone());
    }
    if again.names.is_empty() {
        return report(global, project, &summary);
    }
    // Intents that waited for an answered one are generated now too.
    for blocked in &summary.blocked {
        if again.names.contains(&blocked.by) && !again.names.contains(&blocked.name) {
            again.names.push(blocked.name.clone());
        }
    }
    summary
        .questions
        .retain(|(name, _)| !again.names.contains(name));
    summary.blocked.retain(|b| !again.names.contains(&b.name));
    let first = report(global, project, &summary)?;
    let later = ops::lock::lock(project, &again, env, progress)?;
    Ok(report(global, project, &later)? && first)
}

/// Prints what `summary` says for one package; whether all is settled.
fn report(global: &Global, project: &Project, summary: &LockSummary) -> Result<bool> {
    let package = &project.name;
    print_done(global, package, summary);
    print_errors(package, summary);
    if !global.quiet {
        print_notes(summary);
    }
    print_questions(project, package, summary)?;
    if !summary.pending.is_empty() {
        eprintln!(
            "note: review pending results with `cargo intent accept` or `cargo insta review`"
        );
    }
    Ok(summary.is_success())
}

/// One line per intent the run settled, as cargo reports what it did.
fn print_done(global: &Global, package: &str, summary: &LockSummary) {
    if global.quiet {
        return;
    }
    let say = |verb: &str, names: &[String]| {
        for name in names {
            eprintln!("{verb:>12} {package}::{name}");
        }
    };
    say("Recorded", &summary.recorded);
    say("Unchanged", &summary.unchanged);
    say("Adopted", &summary.adopted);
    say("Reverified", &summary.reverified);
    say("Pending", &summary.pending);
    say("Removed", &summary.removed);
    if global.verbose > 0 {
        say("Fresh", &summary.fresh);
    }
}

/// What is left stale: refused, failed, blocked.
fn print_errors(package: &str, summary: &LockSummary) {
    for refused in &summary.refused {
        eprintln!("error: intent `{}` in {package} is stale ({}) and --locked forbids regenerating it; run `cargo intent lock` without --locked", refused.name, refused.stale);
    }
    print_failures(&format!(" in {package}"), summary);
}

/// Intents no candidate passed for, and those blocked by one they use;
/// `place` follows each name (` in PACKAGE`, or nothing).
fn print_failures(place: &str, summary: &LockSummary) {
    for failure in &summary.failed {
        eprintln!(
            "error: intent `{}`{place}: no candidate passed (last gate: {}): {}",
            failure.name, failure.at, failure.reason
        );
    }
    for blocked in &summary.blocked {
        eprintln!(
            "error: intent `{}`{place} was not generated: blocked: {blocked}",
            blocked.name
        );
    }
}

/// What was accepted with less than the usual evidence, or changed.
fn print_notes(summary: &LockSummary) {
    for (name, why) in &summary.unchecked {
        eprintln!("note: intent `{name}` was judged on its examples alone: {why}");
    }
    for (name, confidence) in &summary.thin {
        eprintln!(
            "note: intent `{name}` was accepted on thin support ({}): fewer than {} candidates agreed, the kind of acceptance that is wrong most often; read it with `cargo intent show {name}`, or add an example or a property",
            confidence.summary(),
            intent_build::lock::BROAD_SUPPORT
        );
    }
    for (name, changes) in &summary.behaviour_changes {
        eprintln!(
            "note: intent `{name}` behaves differently from before on {} generated input(s):",
            changes.len()
        );
        for change in changes.iter().take(5) {
            eprintln!("      {change}");
        }
    }
}

/// Each question: its headline, then the inputs and the examples to add.
fn print_questions(project: &Project, package: &str, summary: &LockSummary) -> Result<()> {
    if summary.questions.is_empty() {
        return Ok(());
    }
    let specs = project.specs()?;
    for (name, question) in &summary.questions {
        eprintln!(
            "error: intent `{name}` in {package}: {}",
            question.headline()
        );
        if let Some(spec) = specs.iter().find(|s| &s.spec.name == name) {
            eprint!("{}", question.render(spec));
        }
    }
    Ok(())
}
