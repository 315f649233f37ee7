//! `cargo intent models use NAME`: the crate's owner moves it to another
//! model. Until then a crate that names no model keeps the one its lock
//! records (see [`Project::open`]), so upgrading intent never regenerates
//! its code; naming one makes exactly its model-written entries stale.

use crate::env::Env;
use crate::error::{Error, Result};
use crate::project::Project;

/// What `models use` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The manifest written.
    pub manifest: std::path::PathBuf,
    /// The model the crate names now.
    pub model: String,
    /// Its model-written intents that are stale now, which `cargo intent
    /// lock` writes with the new model (hand-written and adopted code stays).
    pub stale: Vec<String>,
}

/// Names `model` in `project`'s manifest (`[package.metadata.intent]
/// model = "NAME"`, layout and comments kept).
///
/// # Errors
///
/// A model that is neither known, registered nor a GGUF file; a crate
/// that lists providers or takes its settings from the workspace (the key
/// goes there, by hand); a manifest that cannot be read or written.
pub fn use_model(project: &Project, env: &Env, intent_dir: &std::path::Path, model: &str) -> Result<Moved> {
    let home = crate::models::home();
    let registered = crate::models::models_dir(&home).join(format!("{model}.path")).is_file();
    if crate::models::known(model).is_none() && !registered && !std::path::Path::new(model).is_file() {
        let names: Vec<&str> = crate::models::KNOWN_MODELS.iter().map(|m| m.name).collect();
        return Err(Error::setting_help(
            format!("`{model}` is no model intent knows, registered or a file"),
            format!("name one of {}, a GGUF path, or register one with `cargo intent models fetch NAME --path FILE`", names.join(", ")),
        ));
    }
    if !project.settings.providers.is_empty() {
        return Err(Error::setting_help(
            "this crate lists its providers: the model is the first one's `model`".to_string(),
            "set `model` in the first `[[package.metadata.intent.providers]]` table",
        ));
    }
    let manifest = project.root.join("Cargo.toml");
    if crate::manifest::intent_metadata(&manifest)?.is_some_and(|(_, prefix)| prefix != "package.metadata") {
        return Err(Error::setting_help(
            "this crate takes its settings from `[workspace.metadata.intent]`".to_string(),
            format!("set `model = \"{model}\"` there"),
        ));
    }
    write_model(&manifest, model)?;
    let moved = Project::open(&project.name, &manifest)?.with_paths(project.paths.clone());
    let expectation = moved.expectation(env, intent_dir)?;
    let stale = moved
        .check(&expectation)?
        .into_iter()
        .filter(|s| s.stale == crate::project::Stale::Model)
        .map(|s| s.name)
        .collect();
    Ok(Moved { manifest, model: model.to_string(), stale })
}

/// The known models `project`'s embedded providers decode with — each
/// one's `model`, else the model the crate names, else the one its lock
/// records, else intent's default — in order, each once: what `cargo intent
/// models fetch` without a name installs for it. A GGUF path or a
/// registered name is not fetched and not listed.
///
/// # Errors
///
/// An unknown `INTENT_PROVIDER`.
pub fn wanted(project: &Project, env: &Env) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for provider in project.settings.effective_providers(env, None)? {
        if provider.kind != crate::settings::ProviderKind::Embedded {
            continue;
        }
        let name = provider.model.unwrap_or_else(|| crate::models::DEFAULT_MODEL.to_string());
        if crate::models::known(&name).is_some() && !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// What `cargo intent models` says of one crate: each configured provider
/// (its label, and its model's identity or why it has none), whether
/// generated code will be confined, and what candidates may import.
#[derive(Debug)]
pub struct Described {
    /// Each provider in order: label, identity or the error asking for it.
    pub providers: Vec<(String, std::result::Result<crate::lockfile::ModelIdentity, String>)>,
    /// The confinement generated code runs under, in words.
    pub confinement: String,
    /// What the grammar lets a candidate import from std, in words.
    pub imports: String,
}

/// Describes `project`'s providers (only those without network when
/// `offline`), confinement and imports.
///
/// # Errors
///
/// Configuration errors.
pub fn describe(project: &Project, env: &Env, intent_dir: &std::path::Path, offline: bool) -> Result<Described> {
    let router = project.router(env, intent_dir, offline, false, crate::provider::factory::Cores::All)?;
    let providers = router
        .providers()
        .iter()
        .map(|p| (p.label(), p.identity().map_err(|e| e.to_string())))
        .collect();
    use crate::sandbox::{Confinement, SandboxMode};
    let confinement = match project.settings.sandbox_mode(env) {
        SandboxMode::Off => {
            "off (`sandbox = \"off\"` or INTENT_SANDBOX=off): generated code runs with your rights".to_string()
        }
        SandboxMode::Required => match crate::sandbox::probe() {
            active @ Confinement::Active { .. } => active.to_string(),
            unavailable => format!("{unavailable}; generated code will not be run"),
        },
    };
    Ok(Described { providers, confinement, imports: std_paths(project, env, intent_dir) })
}

/// What the grammar lets a candidate import from std: the toolchain's
/// module tree, or the crate roots alone when its documentation is missing.
fn std_paths(project: &Project, env: &Env, intent_dir: &std::path::Path) -> String {
    let runner = project.gate_runner(env, intent_dir, None);
    let Ok(sysroot) = runner.sysroot() else {
        return "std, core and alloc by their first segment (no rustc to ask)".to_string();
    };
    match crate::judge::std_paths::StdPaths::of_sysroot(&sysroot) {
        Some(paths) => {
            let (modules, items) = paths
                .crates
                .values()
                .map(|m| m.size())
                .fold((0, 0), |(m, i), (cm, ci)| (m + cm, i + ci));
            format!("std, core and alloc paths that exist ({modules} modules, {items} items, from the toolchain's documentation)")
        }
        None => "std, core and alloc by their first segment: the toolchain has no documentation (`rustup component add rust-docs` lets the grammar check whole paths)".to_string(),
    }
}

/// `model = "NAME"` in the manifest's `[package.metadata.intent]`.
fn write_model(manifest: &std::path::Path, model: &str) -> Result<()> {
    let text = std::fs::read_to_string(manifest).map_err(|e| Error::io(manifest, e))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| Error::Manifest {
        path: manifest.to_path_buf(),
        message: e.message().to_string(),
    })?;
    let table = |item: &mut toml_edit::Item| -> Option<()> {
        if item.is_none() {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            *item = toml_edit::Item::Table(t);
        }
        item.is_table_like().then_some(())
    };
    let package = &mut doc["package"];
    table(&mut package["metadata"]);
    table(&mut package["metadata"]["intent"]);
    package["metadata"]["intent"]["model"] = toml_edit::value(model);
    crate::files::write_atomic(manifest, doc.to_string().as_bytes())
}
