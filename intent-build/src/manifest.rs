//! A crate's intent settings in its `Cargo.toml`, and the paths they decide.
//!
//! `[package.metadata.intent]` wins; without it, the nearest workspace's
//! `[workspace.metadata.intent]`. This is the one reader of that table, for
//! the build script (which needs only the paths) and for `cargo intent`
//! (which needs everything: `provider::factory::Settings`).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::lockfile::LOCKFILE_NAME;
use crate::snapshot::SNAPSHOT_DIR;

/// Folder of specs, relative to the crate root.
pub const DEFAULT_SPECS_DIR: &str = "intents";

/// The `metadata` table that holds the crate's `intent` table, with where it
/// was found (`package.metadata` or `workspace.metadata`), or `None`.
///
/// # Errors
///
/// [`Error::Io`] for an unreadable manifest, [`Error::Manifest`] for one
/// that is not TOML.
pub fn intent_metadata(manifest: &Path) -> Result<Option<(toml::Value, &'static str)>> {
    let read = |path: &Path| -> Result<toml::Table> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        toml::from_str(&text).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
    };
    let table = read(manifest)?;
    let package_meta = table.get("package").and_then(|p| p.get("metadata"));
    if let Some(meta) = package_meta.filter(|m| m.get("intent").is_some()) {
        return Ok(Some((meta.clone(), "package.metadata")));
    }
    let mut dir = manifest.parent().and_then(Path::parent);
    while let Some(d) = dir {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            let table = read(&candidate)?;
            if let Some(workspace) = table.get("workspace") {
                return Ok(workspace
                    .get("metadata")
                    .filter(|m| m.get("intent").is_some())
                    .map(|meta| (meta.clone(), "workspace.metadata")));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// Where a crate keeps its intents, resolved once — builder, then
/// `specs-dir`/`lockfile` in the intent settings, then the defaults — and
/// used by the build script and by every `cargo intent` command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CratePaths {
    /// The crate root (the folder of its `Cargo.toml`).
    pub root: PathBuf,
    /// The spec folder (`intents/`).
    pub specs_dir: PathBuf,
    /// The lockfile (`Intent.lock`).
    pub lockfile: PathBuf,
    /// Whether the code in `OUT_DIR` carries each spec as its function's
    /// documentation, doctests included (`docs`, default `true`).
    pub docs: bool,
}

impl CratePaths {
    /// The paths of the crate rooted at `root`, from its manifest's settings.
    ///
    /// # Errors
    ///
    /// As [`intent_metadata`]; [`Error::Setting`] when `specs-dir` or
    /// `lockfile` is not a string.
    pub fn from_root(root: &Path) -> Result<CratePaths> {
        let meta = intent_metadata(&root.join("Cargo.toml"))?;
        let setting = |key: &str| -> Result<Option<PathBuf>> {
            let Some((meta, prefix)) = &meta else {
                return Ok(None);
            };
            match meta.get("intent").and_then(|i| i.get(key)) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(PathBuf::from(s))),
                Some(other) => Err(Error::setting(format!(
                    "`{prefix}.intent.{key}`: expected a path (a string), found {}",
                    other.type_str()
                ))),
            }
        };
        let specs_dir = setting("specs-dir")?;
        let lockfile = setting("lockfile")?;
        let docs = match meta
            .as_ref()
            .and_then(|(meta, prefix)| Some((meta.get("intent")?.get("docs")?, prefix)))
        {
            None => true,
            Some((toml::Value::Boolean(docs), _)) => *docs,
            Some((other, prefix)) => {
                return Err(Error::setting(format!(
                    "`{prefix}.intent.docs`: expected `true` or `false`, found {}",
                    other.type_str()
                )))
            }
        };
        Ok(CratePaths {
            docs,
            ..CratePaths::with(root, specs_dir.as_deref(), lockfile.as_deref())
        })
    }

    /// The paths of the crate at `root`, `specs_dir` and `lockfile` relative
    /// to it (absolute ones stay as they are); defaults where `None`.
    pub fn with(root: &Path, specs_dir: Option<&Path>, lockfile: Option<&Path>) -> CratePaths {
        CratePaths {
            root: root.to_path_buf(),
            specs_dir: root.join(specs_dir.unwrap_or(Path::new(DEFAULT_SPECS_DIR))),
            lockfile: root.join(lockfile.unwrap_or(Path::new(LOCKFILE_NAME))),
            docs: true,
        }
    }

    /// The accepted code's folder (`intents/snapshots/`).
    pub fn snapshots_dir(&self) -> PathBuf {
        self.specs_dir.join(SNAPSHOT_DIR)
    }

    /// The spec folder as the crate's users write it (`intents`), for messages.
    pub fn specs_dir_display(&self) -> String {
        self.relative(&self.specs_dir)
    }

    /// The lockfile as the crate's users write it (`Intent.lock`), for messages.
    pub fn lockfile_display(&self) -> String {
        self.relative(&self.lockfile)
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_the_package_then_the_workspace_then_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"a\", \"b\"]\n[workspace.metadata.intent]\nspecs-dir = \"specs\"\n",
        )
        .unwrap();
        for (name, extra) in [
            (
                "a",
                "[package.metadata.intent]\nlockfile = \"locks/Intent.lock\"\n",
            ),
            ("b", ""),
        ] {
            std::fs::create_dir_all(ws.join(name)).unwrap();
            std::fs::write(
                ws.join(name).join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n{extra}"),
            )
            .unwrap();
        }
        // `a` has its own table, so the workspace's does not apply.
        let a = CratePaths::from_root(&ws.join("a")).unwrap();
        assert_eq!(a.specs_dir, ws.join("a/intents"));
        assert_eq!(a.lockfile, ws.join("a/locks/Intent.lock"));
        let b = CratePaths::from_root(&ws.join("b")).unwrap();
        assert_eq!(b.specs_dir, ws.join("b/specs"));
        assert_eq!(b.lockfile, ws.join("b/Intent.lock"));
        assert_eq!(b.snapshots_dir(), ws.join("b/specs/snapshots"));
    }

    #[test]
    fn a_path_that_is_not_a_string_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\n[package.metadata.intent]\nspecs-dir = 3\n",
        )
        .unwrap();
        assert_eq!(
            CratePaths::from_root(dir.path()).unwrap_err().to_string(),
            "`package.metadata.intent.specs-dir`: expected a path (a string), found integer"
        );
    }
}
