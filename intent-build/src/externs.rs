//! The crates specs name, built for the gates: compiled once by cargo, at
//! the versions the package's `Cargo.lock` holds and with the features its
//! manifest asks for, then handed to the gates' `rustc` as `--extern`.
//!
//! Cargo builds them in a package of their own under
//! `target/intent/crates/`, whose manifest copies the package's entries
//! for those crates and whose `Cargo.lock` starts as a copy of the
//! package's, so the versions are the user's build's (checked after the
//! build, not assumed). What was built is recorded there under a key of
//! everything that decides it (the entries, the lock, the compiler), so
//! later rounds and runs reuse it without running cargo.
//!
//! These crates are the user's own dependencies, built as the user's build
//! builds them; the candidate that calls them is compiled and run confined,
//! as every candidate is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::dependencies::{find_upward, Dependencies};
use crate::error::{Error, Result};
use crate::files::{sha256_hex, write_atomic};

/// Crates built for the gates, by the name code uses.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Externs {
    /// Each crate's library file (`.rlib`, or the `.so` of a proc-macro).
    pub crates: BTreeMap<String, Extern>,
    /// Where their own dependencies are (`-L dependency=`).
    pub deps_dir: PathBuf,
    /// Every crate of the package's `[dependencies]`, which a spec could
    /// declare: a candidate naming one its spec does not is refused with
    /// the key that would allow it.
    #[serde(default)]
    pub available: Vec<String>,
}

/// One built crate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Extern {
    /// The library file rustc links.
    pub path: PathBuf,
    /// The version built (`1.10.2`).
    pub version: String,
}

impl Externs {
    /// `rustc` flags that make exactly `names` available (an empty list
    /// for none).
    ///
    /// # Errors
    ///
    /// A name that was not built: the run's list of crates to build missed it.
    pub fn rustc_args(&self, names: &[String]) -> std::io::Result<Vec<String>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec!["-L".to_string(), format!("dependency={}", self.deps_dir.display())];
        for name in names {
            let built = self.crates.get(name).ok_or_else(|| {
                std::io::Error::other(format!("the crate `{name}` was not built for the gates"))
            })?;
            args.push("--extern".into());
            args.push(format!("{name}={}", built.path.display()));
        }
        Ok(args)
    }

    /// The version of each of `names`, as the lock records them.
    pub fn versions(&self, names: &[String]) -> BTreeMap<String, String> {
        names
            .iter()
            .filter_map(|n| Some((n.clone(), self.crates.get(n)?.version.clone())))
            .collect()
    }
}

/// How to build: where, with which compiler, and whether cargo may reach
/// the registry.
#[derive(Debug, Clone)]
pub struct BuildCrates<'a> {
    /// The package root (the folder of its `Cargo.toml`).
    pub root: &'a Path,
    /// `target/intent`.
    pub intent_dir: &'a Path,
    /// The real `rustc` the gates run, so the libraries fit it.
    pub rustc: &'a Path,
    /// Only what is on disk already (`--offline`).
    pub offline: bool,
}

impl BuildCrates<'_> {
    /// `names` (crates of the package's `[dependencies]`) built for the
    /// gates, reusing an earlier build of the same crates when it is there.
    ///
    /// # Errors
    ///
    /// A name the package does not depend on, cargo failing (its own
    /// message), or a version that differs from the package's lock.
    pub fn build(&self, dependencies: &Dependencies, names: &[String]) -> Result<Externs> {
        let available = dependencies
            .listed
            .values()
            .filter(|d| !d.optional)
            .map(|d| d.name.clone())
            .collect();
        Ok(Externs {
            available,
            ..self.built(dependencies, names)?
        })
    }

    fn built(&self, dependencies: &Dependencies, names: &[String]) -> Result<Externs> {
        if names.is_empty() {
            return Ok(Externs::default());
        }
        let manifest = self.manifest(dependencies, names)?;
        let lock = find_upward(self.root, "Cargo.lock")
            .map(|p| std::fs::read(&p).map_err(|e| Error::io(&p, e)))
            .transpose()?;
        let key = sha256_hex(
            format!(
                "{manifest}\n{}\n{}",
                self.rustc.display(),
                sha256_hex(lock.as_deref().unwrap_or_default())
            )
            .as_bytes(),
        );
        let crates_dir = self.intent_dir.join("crates");
        let dir = crates_dir.join(&key["sha256:".len()..][..16]);
        let record = dir.join("built.json");
        if let Some(built) = read_record(&record) {
            return Ok(built);
        }
        let io = |path: &Path, e| Error::io(path, e);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        write_atomic(&dir.join("Cargo.toml"), manifest.as_bytes())?;
        write_atomic(&dir.join("lib.rs"), b"")?;
        if let Some(lock) = &lock {
            write_atomic(&dir.join("Cargo.lock"), lock)?;
        }
        let packages: Vec<(String, String)> = names
            .iter()
            .filter_map(|n| Some((n.clone(), dependencies.listed.get(n)?.package.clone())))
            .collect();
        let built = self.cargo_build(&dir, &crates_dir.join("target"), &packages)?;
        let wanted = dependencies.locked_versions(self.root, names)?;
        for (name, version) in &wanted {
            let got = built.crates.get(name).map(|e| e.version.as_str());
            if got != Some(version.as_str()) {
                return Err(Error::Setting {
                    message: format!(
                        "the gates would build `{name}` {}, but {} uses {version}",
                        got.unwrap_or("(nothing)"),
                        dependencies.package
                    ),
                    help: Some("run `cargo update` or `cargo build` for the package first".into()),
                });
            }
        }
        let json = serde_json::to_vec_pretty(&built).expect("plain data");
        write_atomic(&record, &json)?;
        Ok(built)
    }

    /// The manifest of the package cargo builds the crates in.
    fn manifest(&self, dependencies: &Dependencies, names: &[String]) -> Result<String> {
        let mut deps = toml::Table::new();
        for name in names {
            let dependency = dependencies.listed.get(name).ok_or_else(|| Error::Setting {
                message: format!("`{name}` is not a dependency of {}", dependencies.package),
                help: None,
            })?;
            let mut table = dependency.table.clone();
            if dependency.package != dependency.name {
                table.insert("package".into(), dependency.package.clone().into());
            }
            deps.insert(dependency.name.clone(), table.into());
        }
        let manifest = toml::Table::from_iter([
            (
                "package".to_string(),
                toml::Value::Table(toml::Table::from_iter([
                    ("name".to_string(), "intent-crates".into()),
                    ("version".to_string(), "0.0.0".into()),
                    ("edition".to_string(), "2021".into()),
                    ("publish".to_string(), false.into()),
                ])),
            ),
            (
                "lib".to_string(),
                toml::Value::Table(toml::Table::from_iter([(
                    "path".to_string(),
                    "lib.rs".into(),
                )])),
            ),
            ("dependencies".to_string(), deps.into()),
            // Its own workspace: never a member of one above it.
            ("workspace".to_string(), toml::Table::new().into()),
        ]);
        Ok(toml::to_string(&manifest).expect("plain data"))
    }

    /// Runs cargo on the package in `dir`: the libraries of `packages`
    /// (each crate's name in code and its package).
    fn cargo_build(
        &self,
        dir: &Path,
        target: &Path,
        packages: &[(String, String)],
    ) -> Result<Externs> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(dir)
            .args(["build", "--lib", "--message-format=json", "--quiet"])
            .arg("--target-dir")
            .arg(target)
            .env("RUSTC", self.rustc)
            // A build script's handoff passes its own settings down; these
            // crates are built for the gates' host compile, as a plain build.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTFLAGS");
        if self.offline {
            cmd.arg("--offline");
        }
        let output = cmd.output().map_err(|e| Error::io(dir, e))?;
        if !output.status.success() {
            return Err(Error::Setting {
                message: format!(
                    "cargo could not build {} for the gates:\n{}",
                    packages.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(", "),
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
                help: Some(if self.offline {
                    "build the package once with network (`cargo build`) so its dependencies are downloaded".into()
                } else {
                    "check that the package itself builds (`cargo build`)".into()
                }),
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap_or_default();
        Ok(from_messages(&stdout, &lock, packages, target))
    }
}

/// What cargo's JSON messages say it built for `packages`: the direct
/// dependencies of the crates package (the `dependencies` of its entry in
/// its `Cargo.lock`), matched to artifacts by package and version.
fn from_messages(
    stdout: &str,
    lock: &str,
    packages: &[(String, String)],
    target: &Path,
) -> Externs {
    let mut crates = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let Some((package, version)) = package_of(message["package_id"].as_str().unwrap_or(""))
        else {
            continue;
        };
        let library = message["filenames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .find(|f| f.ends_with(".rlib") || f.ends_with(".so"));
        let Some(library) = library else { continue };
        if !direct_dependency(lock, &package, &version) {
            continue;
        }
        for (name, _) in packages.iter().filter(|(_, p)| *p == package) {
            crates.insert(
                    name.clone(),
                Extern {
                    path: PathBuf::from(library),
                    version: version.clone(),
                },
            );
        }
    }
    Externs {
        crates,
        deps_dir: target.join("debug").join("deps"),
        available: Vec::new(),
    }
}

/// `(package, version)` from a cargo package id, in either of its forms:
/// `registry+https://…#regex@1.10.2` or `regex 1.10.2 (registry+…)`.
fn package_of(id: &str) -> Option<(String, String)> {
    if let Some((_, fragment)) = id.rsplit_once('#') {
        return match fragment.split_once('@') {
            Some((name, version)) => Some((name.to_string(), version.to_string())),
            // `path+file:///…/name#1.0.0`: the name is the folder's.
            None => {
                let name = id.split('#').next()?.rsplit('/').next()?;
                Some((name.to_string(), fragment.to_string()))
            }
        };
    }
    let mut words = id.split_whitespace();
    Some((words.next()?.to_string(), words.next()?.to_string()))
}

/// Whether the crates package's own entry in its `Cargo.lock` lists
/// `package` at `version` (as `package` alone when only one version is locked).
fn direct_dependency(lock: &str, package: &str, version: &str) -> bool {
    let Ok(lock) = toml::from_str::<toml::Table>(lock) else {
        return false;
    };
    let packages = lock.get("package").and_then(toml::Value::as_array);
    let own = packages
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(toml::Value::as_str) == Some("intent-crates"));
    own.and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .any(|d| {
            let mut words = d.split_whitespace();
            words.next() == Some(package) && words.next().is_none_or(|v| v == version)
        })
}

/// An earlier build's record, when every file it names is still there.
fn read_record(path: &Path) -> Option<Externs> {
    let built: Externs = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    built
        .crates
        .values()
        .all(|e| e.path.is_file())
        .then_some(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_of_both_forms() {
        assert_eq!(
            package_of("registry+https://github.com/rust-lang/crates.io-index#regex@1.10.2"),
            Some(("regex".into(), "1.10.2".into()))
        );
        assert_eq!(
            package_of("path+file:///work/local#0.1.0"),
            Some(("local".into(), "0.1.0".into()))
        );
        assert_eq!(
            package_of("regex 1.10.2 (registry+https://github.com/rust-lang/crates.io-index)"),
            Some(("regex".into(), "1.10.2".into()))
        );
    }
}
