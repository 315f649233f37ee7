//! The crates an intent may use: its package's own `[dependencies]`, read
//! from `Cargo.toml`, at the versions `Cargo.lock` resolves them to.
//!
//! A spec names crates with `crates = ["regex"]`; this module checks that
//! the package depends on each one (a located spec error otherwise) and
//! says which version the user's build compiles, which the lock records so
//! that a dependency upgrade marks the intent for a check. Building them for
//! the gates is `externs`' job (`cargo intent` only).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One entry of the package's `[dependencies]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The name code uses (`serde_json`; the key, or its rename).
    pub name: String,
    /// The package's name in the registry (`serde_json`, or `package = …`).
    pub package: String,
    /// Its table with workspace inheritance resolved and `path`s made
    /// absolute: what a manifest elsewhere may copy to get the same crate.
    pub table: toml::Table,
    /// Whether it is `optional`: then not every build of the package has it.
    pub optional: bool,
}

/// The package's `[dependencies]`, by the name code uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependencies {
    /// The package's name.
    pub package: String,
    /// Each dependency by [`Dependency::name`].
    pub listed: BTreeMap<String, Dependency>,
}

impl Dependencies {
    /// The `[dependencies]` of the package whose manifest is `root/Cargo.toml`.
    ///
    /// # Errors
    ///
    /// An unreadable or invalid manifest, or a `workspace = true` entry the
    /// workspace does not define.
    pub fn of_package(root: &Path) -> Result<Dependencies> {
        let manifest = root.join("Cargo.toml");
        let table = read_toml(&manifest)?;
        let package = table
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut listed = BTreeMap::new();
        let Some(deps) = table.get("dependencies").and_then(toml::Value::as_table) else {
            return Ok(Dependencies { package, listed });
        };
        let workspace = workspace_dependencies(root)?;
        for (key, value) in deps {
            let dependency = resolve(key, value, root, workspace.as_ref(), &manifest)?;
            listed.insert(dependency.name.clone(), dependency);
        }
        Ok(Dependencies { package, listed })
    }

    /// The version `Cargo.lock` resolves each of `names` to for this
    /// package, for those it resolves; empty without a `Cargo.lock`.
    ///
    /// # Errors
    ///
    /// A `Cargo.lock` that cannot be read or is not TOML.
    pub fn locked_versions(&self, root: &Path, names: &[String]) -> Result<BTreeMap<String, String>> {
        let Some(lockfile) = find_upward(root, "Cargo.lock") else {
            return Ok(BTreeMap::new());
        };
        let lock = read_toml(&lockfile)?;
        let packages: Vec<&toml::Table> = lock
            .get("package")
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
            .unwrap_or_default();
        let field = |p: &toml::Table, key: &str| {
            p.get(key).and_then(toml::Value::as_str).unwrap_or_default().to_string()
        };
        // The package's own entry says which version of each dependency it
        // uses: `"regex"` when one is in the lock, `"regex 1.10.2"` when several.
        let own: Vec<String> = packages
            .iter()
            .find(|p| field(p, "name") == self.package && p.get("source").is_none())
            .and_then(|p| p.get("dependencies"))
            .and_then(toml::Value::as_array)
            .map(|deps| deps.iter().filter_map(|d| d.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let mut versions = BTreeMap::new();
        for name in names {
            let Some(dependency) = self.listed.get(name) else {
                continue;
            };
            let mut words = own
                .iter()
                .map(|d| d.split_whitespace().collect::<Vec<_>>())
                .filter(|w| w.first() == Some(&dependency.package.as_str()));
            let version = match words.next().and_then(|w| w.get(1).map(|v| v.to_string())) {
                Some(version) => Some(version),
                None => packages
                    .iter()
                    .find(|p| field(p, "name") == dependency.package)
                    .map(|p| field(p, "version")),
            };
            if let Some(version) = version {
                versions.insert(name.clone(), version);
            }
        }
        Ok(versions)
    }
}

/// `key = value` of `[dependencies]` as a [`Dependency`].
fn resolve(
    key: &str,
    value: &toml::Value,
    root: &Path,
    workspace: Option<&(PathBuf, toml::Table)>,
    manifest: &Path,
) -> Result<Dependency> {
    let mut table = match value {
        toml::Value::String(version) => {
            toml::Table::from_iter([("version".to_string(), version.clone().into())])
        }
        toml::Value::Table(table) => table.clone(),
        _ => toml::Table::new(),
    };
    let optional = table.remove("optional").and_then(|v| v.as_bool()) == Some(true);
    let mut base = root.to_path_buf();
    if table.remove("workspace").and_then(|v| v.as_bool()) == Some(true) {
        let inherited = workspace
            .and_then(|(dir, deps)| Some((dir, deps.get(key)?)))
            .ok_or_else(|| Error::Manifest {
                path: manifest.to_path_buf(),
                message: format!(
                    "`{key}` inherits from the workspace, whose `[workspace.dependencies]` lacks it"
                ),
            })?;
        base = inherited.0.clone();
        let extra_features = table.remove("features");
        table = match inherited.1 {
            toml::Value::String(version) => {
                toml::Table::from_iter([("version".to_string(), version.clone().into())])
            }
            toml::Value::Table(t) => t.clone(),
            _ => toml::Table::new(),
        };
        if let Some(toml::Value::Array(extra)) = extra_features {
            let features = table
                .entry("features")
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            if let toml::Value::Array(all) = features {
                all.extend(extra);
            }
        }
    }
    if let Some(toml::Value::String(path)) = table.get("path") {
        let absolute = base.join(path);
        table.insert("path".into(), absolute.display().to_string().into());
    }
    let package = table
        .get("package")
        .and_then(toml::Value::as_str)
        .unwrap_or(key)
        .to_string();
    Ok(Dependency {
        name: key.replace('-', "_"),
        package,
        table,
        optional,
    })
}

/// The nearest workspace's `[workspace.dependencies]` above `root` (or in
/// it), with the workspace's folder.
fn workspace_dependencies(root: &Path) -> Result<Option<(PathBuf, toml::Table)>> {
    let mut dir = Some(root);
    while let Some(d) = dir {
        let manifest = d.join("Cargo.toml");
        if manifest.is_file() {
            let table = read_toml(&manifest)?;
            if let Some(workspace) = table.get("workspace") {
                let deps = workspace
                    .get("dependencies")
                    .and_then(toml::Value::as_table)
                    .cloned()
                    .unwrap_or_default();
                return Ok(Some((d.to_path_buf(), deps)));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// `name` in `dir` or the nearest folder above it that has one.
pub(crate) fn find_upward(dir: &Path, name: &str) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(name)).find(|p| p.is_file())
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| Error::Manifest {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(manifest: &str, lock: Option<&str>) -> (tempfile::TempDir, Dependencies) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        if let Some(lock) = lock {
            std::fs::write(dir.path().join("Cargo.lock"), lock).unwrap();
        }
        let deps = Dependencies::of_package(dir.path()).unwrap();
        (dir, deps)
    }

    const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nregex = \"1\"\nserde-json = { package = \"serde_json\", version = \"1\" }\nlocal = { path = \"../local\" }\nmaybe = { version = \"1\", optional = true }\n\n[dev-dependencies]\ntempfile = \"3\"\n";

    #[test]
    fn reads_names_as_code_uses_them_and_only_normal_dependencies() {
        let (dir, deps) = package(MANIFEST, None);
        let names: Vec<&str> = deps.listed.keys().map(String::as_str).collect();
        assert_eq!(names, ["local", "maybe", "regex", "serde_json"]);
        assert_eq!(deps.listed["serde_json"].package, "serde_json");
        assert!(deps.listed["maybe"].optional);
        let path = deps.listed["local"].table["path"].as_str().unwrap();
        assert_eq!(Path::new(path), dir.path().join("../local"));
    }

    #[test]
    fn versions_come_from_the_packages_own_entry_in_the_lock() {
        let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"regex 1.10.2\", \"serde_json\"]\n\n[[package]]\nname = \"regex\"\nversion = \"0.2.0\"\nsource = \"registry+x\"\n\n[[package]]\nname = \"regex\"\nversion = \"1.10.2\"\nsource = \"registry+x\"\n\n[[package]]\nname = \"serde_json\"\nversion = \"1.0.100\"\nsource = \"registry+x\"\n";
        let (dir, deps) = package(MANIFEST, Some(lock));
        let versions = deps
            .locked_versions(dir.path(), &["regex".into(), "serde_json".into()])
            .unwrap();
        assert_eq!(versions["regex"], "1.10.2");
        assert_eq!(versions["serde_json"], "1.0.100");
    }
}
