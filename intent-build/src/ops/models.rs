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
