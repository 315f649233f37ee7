//! The build-script entry point: [`Config`].

use std::path::{Path, PathBuf};

use crate::env::{self, Env};
use crate::error::{Error, Result};
use crate::lockfile::{Author, Lockfile};
use crate::manifest::CratePaths;
use crate::out::{self, INDEX_FILE, INTENTS_DIR};
use crate::snapshot::SNAPSHOT_DIR;
use crate::spec::{self, SpecFile};
use crate::state::{assess, IntentStatus, State};

/// Configures and runs intent compilation from a build script.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     intent_build::Config::new().compile()?;
///     Ok(())
/// }
/// ```
///
/// Then, in the crate:
///
/// ```ignore
/// include!(concat!(env!("OUT_DIR"), "/intents.rs"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub(crate) crate_root: Option<PathBuf>,
    pub(crate) specs_dir: Option<PathBuf>,
    pub(crate) lockfile: Option<PathBuf>,
    pub(crate) out_dir: Option<PathBuf>,
    pub(crate) offline: bool,
    pub(crate) package: Option<String>,
}

/// What a run of [`Config`] found and wrote.
#[derive(Debug, Clone, Default)]
pub struct BuildRun {
    /// Lines for Cargo (`cargo::rerun-if-changed=…`, `cargo::error=…`).
    pub directives: Vec<String>,
    /// Intents whose code was written to `OUT_DIR` (fresh ones included).
    pub compiled: Vec<String>,
    /// Files under `OUT_DIR` that were (re)written because their content changed.
    pub written: Vec<PathBuf>,
}

impl Config {
    /// A configuration with the defaults: `intents/` and `Intent.lock` in the
    /// crate root (`CARGO_MANIFEST_DIR`), output in `OUT_DIR`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The crate root; defaults to `CARGO_MANIFEST_DIR`.
    ///
    /// ```no_run
    /// intent_build::Config::new().crate_root("/path/to/crate").compile().unwrap();
    /// ```
    pub fn crate_root(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.crate_root = Some(path.into());
        self
    }

    /// The spec folder, relative to the crate root; defaults to `intents`.
    ///
    /// Deprecated: `cargo intent` reads the manifest and never sees
    /// `build.rs`, so a folder set only here is one every command misses
    /// (`lock --check` would call the crate fresh while its build fails).
    /// Set `specs-dir` under `[package.metadata.intent]` instead, which the
    /// build script reads too.
    #[deprecated(
        since = "0.1.0",
        note = "set `specs-dir` under [package.metadata.intent] in Cargo.toml: `cargo intent` reads the manifest and never sees build.rs"
    )]
    pub fn specs_dir(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs_dir = Some(path.into());
        self
    }

    /// The lockfile, relative to the crate root; defaults to `Intent.lock`.
    ///
    /// Deprecated for the reason [`Config::specs_dir`] is: set `lockfile`
    /// under `[package.metadata.intent]` instead.
    #[deprecated(
        since = "0.1.0",
        note = "set `lockfile` under [package.metadata.intent] in Cargo.toml: `cargo intent` reads the manifest and never sees build.rs"
    )]
    pub fn lockfile(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.lockfile = Some(path.into());
        self
    }

    /// Where generated code goes; defaults to `OUT_DIR`.
    ///
    /// ```no_run
    /// intent_build::Config::new().out_dir("target/gen").compile().unwrap();
    /// ```
    pub fn out_dir(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(path.into());
        self
    }

    /// Never regenerate, whatever the environment says (as `INTENT_OFFLINE=1`).
    ///
    /// ```no_run
    /// intent_build::Config::new().offline(true).compile().unwrap();
    /// ```
    pub fn offline(&mut self, yes: bool) -> &mut Self {
        self.offline = yes;
        self
    }

    /// The package name used in the fix commands of error messages; defaults
    /// to `CARGO_PKG_NAME`.
    ///
    /// ```no_run
    /// intent_build::Config::new().package("my-crate").compile().unwrap();
    /// ```
    pub fn package(&mut self, name: impl Into<String>) -> &mut Self {
        self.package = Some(name.into());
        self
    }

    pub(crate) fn resolved_crate_root(&self) -> Result<PathBuf> {
        match &self.crate_root {
            Some(root) => Ok(root.clone()),
            None => std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NotInBuildScript {
                    variable: "CARGO_MANIFEST_DIR",
                    call: "Config::crate_root",
                }),
        }
    }

    /// The crate's paths: this builder's, else the intent settings', else
    /// the defaults — what `cargo intent` resolves too.
    fn paths(&self) -> Result<CratePaths> {
        let root = self.resolved_crate_root()?;
        let from_manifest = CratePaths::from_root(&root)?;
        Ok(CratePaths {
            specs_dir: self
                .specs_dir
                .as_ref()
                .map_or(from_manifest.specs_dir, |d| root.join(d)),
            lockfile: self
                .lockfile
                .as_ref()
                .map_or(from_manifest.lockfile, |l| root.join(l)),
            ..from_manifest
        })
    }

    fn resolved_out_dir(&self) -> Result<PathBuf> {
        match &self.out_dir {
            Some(dir) => Ok(dir.clone()),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NotInBuildScript {
                    variable: "OUT_DIR",
                    call: "Config::out_dir",
                }),
        }
    }

    /// Compiles every intent into `OUT_DIR` and prints Cargo directives.
    ///
    /// Fresh intents are copied from their accepted snapshots without any
    /// model. Stale or missing ones are reported as `cargo::error` lines that
    /// say what changed and which command fixes it.
    ///
    /// # Errors
    ///
    /// [`Error::Spec`] for invalid specs, [`Error::Lock`] for an unreadable
    /// lock, [`Error::Stale`] when some intents have no usable accepted code,
    /// [`Error::Env`] for a bad environment variable, [`Error::Io`] when a file
    /// cannot be written.
    pub fn compile(&self) -> Result<()> {
        let (outcome, result) = match Env::from_process() {
            Ok(env) => self.run(&env),
            Err(err) => with_errors(BuildRun::watching_env(), Err(err)),
        };
        for line in &outcome.directives {
            println!("{line}");
        }
        result
    }

    /// Does the work of [`Config::compile`] without printing, in the
    /// environment `env`; returns the directives it would print.
    #[doc(hidden)]
    pub fn run(&self, env: &Env) -> (BuildRun, Result<()>) {
        let mut outcome = BuildRun::watching_env();
        let result = self.run_inner(env, &mut outcome);
        with_errors(outcome, result)
    }

    /// The build script's stages: read the specs (watching every file they
    /// come from), assess them against the lock, hand the stale ones to the
    /// engine where allowed, and write `OUT_DIR`.
    fn run_inner(&self, env: &Env, outcome: &mut BuildRun) -> Result<()> {
        let paths = self.paths()?;
        let out_dir = self.resolved_out_dir()?;
        let specs = read_specs(&paths, &out_dir, outcome)?;
        let lock = Lockfile::load(&paths.lockfile)?;
        let statuses = assess(specs, &lock, &paths.specs_dir, &paths.root)?;
        let regenerated = self.regenerate_stale(env, &paths, &out_dir, &statuses)?;
        for r in &regenerated {
            outcome
                .directives
                .push(format!("cargo::warning={}", r.note));
        }
        write_out_dir(&paths, &out_dir, &statuses, &regenerated, outcome)
    }

    /// The stale intents' code from the engine, when regeneration is
    /// allowed; otherwise the error that names each and its fix.
    fn regenerate_stale(
        &self,
        env: &Env,
        paths: &CratePaths,
        out_dir: &Path,
        statuses: &[IntentStatus],
    ) -> Result<Vec<crate::handoff::Regenerated>> {
        let stale: Vec<&IntentStatus> = statuses.iter().filter(|s| !s.state.is_fresh()).collect();
        if stale.is_empty() {
            return Ok(Vec::new());
        }
        let package = self
            .package
            .clone()
            .or_else(|| std::env::var("CARGO_PKG_NAME").ok());
        let blocked = if self.offline {
            Some("offline mode is on")
        } else {
            env.regeneration_blocked_by()
        };
        let result = match blocked {
            Some(why) => Err(format!("regeneration is off because {why}")),
            None => crate::handoff::regenerate(
                env,
                paths,
                out_dir,
                &stale,
                package.as_deref().unwrap_or("crate"),
            ),
        };
        result.map_err(|reason| {
            let p = package.map(|p| format!(" -p {p}")).unwrap_or_default();
            Error::Stale(
                stale
                    .iter()
                    .map(|s| stale_message(s, &reason, &p, paths))
                    .collect(),
            )
        })
    }
}

/// `cargo::rerun-if-changed` for `path`.
fn rerun(path: &Path) -> String {
    format!("cargo::rerun-if-changed={}", path.display())
}

/// Every spec of the crate (through the spec cache in `out_dir`), with a
/// rerun directive for the manifest (it holds `specs-dir` and `lockfile`),
/// the spec folder, the snapshots, the lock and each spec and snapshot, and
/// `Cargo.lock` when a spec names crates.
fn read_specs(paths: &CratePaths, out_dir: &Path, outcome: &mut BuildRun) -> Result<Vec<SpecFile>> {
    let (root, specs_dir) = (&paths.root, &paths.specs_dir);
    outcome.directives.push(rerun(&root.join("Cargo.toml")));
    outcome.directives.push(rerun(specs_dir));
    outcome
        .directives
        .push(rerun(&specs_dir.join(SNAPSHOT_DIR)));
    outcome.directives.push(rerun(&paths.lockfile));
    let cache_path = out_dir.join("intent-spec-cache.json");
    let mut cache = spec::SpecCache::load(&cache_path);
    let specs = spec::discover_with(specs_dir, root, Some(&mut cache))?;
    cache.save(&cache_path)?;
    // A dependency upgrade makes the intents that name it stale.
    if specs.iter().any(|s| !s.spec.crates.is_empty()) {
        if let Some(lock) = crate::dependencies::find_upward(root, "Cargo.lock") {
            outcome.directives.push(rerun(&lock));
        }
    }
    for spec in &specs {
        outcome.directives.push(rerun(&root.join(&spec.path)));
        outcome
            .directives
            .push(rerun(&crate::snapshot::snapshot_path(
                specs_dir,
                &spec.spec.name,
            )));
    }
    Ok(specs)
}

/// Writes each intent's module (its regenerated or accepted code) and the
/// index into `OUT_DIR`, and removes modules of intents that are gone.
fn write_out_dir(
    paths: &CratePaths,
    out_dir: &Path,
    statuses: &[IntentStatus],
    regenerated: &[crate::handoff::Regenerated],
    outcome: &mut BuildRun,
) -> Result<()> {
    let names: Vec<&str> = statuses.iter().map(|s| s.spec.spec.name.as_str()).collect();
    let intents_dir = out_dir.join(INTENTS_DIR);
    // Doctests reach the functions through the crate's root, where the
    // The guide says to include `intents.rs`.
    let crate_name = std::env::var("CARGO_PKG_NAME")
        .ok()
        .filter(|_| paths.docs)
        .map(|name| name.replace('-', "_"));
    for status in statuses {
        let name = &status.spec.spec.name;
        let (code, author) = match regenerated.iter().find(|r| &r.name == name) {
            Some(r) => (r.code.clone(), Author::Model),
            None => match &status.snapshot {
                Some(snapshot) => (
                    snapshot.code.clone(),
                    status.entry.as_ref().map(|e| e.author).unwrap_or_default(),
                ),
                None => continue,
            },
        };
        let path = intents_dir.join(format!("{name}.rs"));
        let source = out::module_source(
            &status.spec,
            &code,
            &crate::snapshot::output_hash(&code),
            crate_name.as_deref(),
            author,
        );
        if crate::files::write_if_changed(&path, &source)? {
            outcome.written.push(path);
        }
        outcome.compiled.push(status.spec.spec.name.clone());
    }
    remove_orphans(&intents_dir, &names)?;
    let index = out_dir.join(INDEX_FILE);
    if crate::files::write_if_changed(&index, &out::index_source(&names))? {
        outcome.written.push(index);
    }
    Ok(())
}

impl BuildRun {
    /// An outcome that asks Cargo to rerun when any variable that matters changes.
    fn watching_env() -> BuildRun {
        BuildRun {
            directives: env::WATCHED
                .iter()
                .map(|name| format!("cargo::rerun-if-env-changed={name}"))
                .collect(),
            ..BuildRun::default()
        }
    }
}

/// `outcome` with one `cargo::error` line per problem in `result`.
fn with_errors(mut outcome: BuildRun, result: Result<()>) -> (BuildRun, Result<()>) {
    if let Err(err) = &result {
        let lines = match err {
            Error::Spec(errors) => errors.iter().map(|e| e.to_string()).collect(),
            Error::Stale(lines) => lines.clone(),
            other => vec![other.to_string()],
        };
        for line in lines {
            outcome.directives.push(format!("cargo::error={line}"));
        }
    }
    (outcome, result)
}

/// Removes `OUT_DIR/intents/*.rs` files of intents that no longer exist.
/// The folder is ours alone, so this deletes nothing a user wrote.
fn remove_orphans(intents_dir: &Path, names: &[&str]) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(intents_dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let keep = path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|stem| names.contains(&stem));
        if !keep && path.extension().is_some_and(|e| e == "rs") {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

fn stale_message(
    status: &IntentStatus,
    reason: &str,
    package_flag: &str,
    paths: &CratePaths,
) -> String {
    let name = &status.spec.spec.name;
    match &status.state {
        State::Edited { path, .. } => format!(
            "intent `{name}`: {}; judge it with `cargo intent lock{package_flag} {name}` (every gate, no model: code written by hand is recorded as such), or restore it with `git checkout -- {}`",
            status.state.describe(),
            path.display()
        ),
        state => format!(
            "intent `{name}` is stale: {}; {reason}. Run `cargo intent lock{package_flag}` and commit {} and {}/{SNAPSHOT_DIR}/",
            state.describe(),
            paths.lockfile_display(),
            paths.specs_dir_display()
        ),
    }
}
