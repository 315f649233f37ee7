//! Which crates a command works on, found through `cargo metadata`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use intent_build::project::Project;

use crate::global::Global;

/// A crate with intents.
#[derive(Debug, Clone)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Its Cargo.toml.
    pub manifest: PathBuf,
}

/// The selected packages and where the workspace keeps build output.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Selected packages, in workspace order.
    pub packages: Vec<Package>,
    /// The workspace's target folder.
    pub target_dir: PathBuf,
}

impl Workspace {
    /// `target/intent`: the response cache, model digests, reports, scratch.
    pub fn intent_dir(&self) -> PathBuf {
        self.target_dir.join("intent")
    }

    /// `package` opened as the library sees a crate, reusing unchanged
    /// specs' parses from the workspace's cache: how every command opens
    /// the packages it works on.
    ///
    /// # Errors
    ///
    /// Its manifest or settings cannot be read.
    pub fn open(&self, package: &Package) -> Result<Project> {
        Ok(Project::open(&package.name, &package.manifest)?.with_spec_cache(self.intent_dir()))
    }

    /// The one package a command that works on one crate was given, opened;
    /// with several selected, an error saying how to choose (`what`: what
    /// the command does, `adopt`).
    ///
    /// # Errors
    ///
    /// Not exactly one package; as [`Workspace::open`].
    pub fn only(&self, what: &str) -> Result<Project> {
        match self.packages.as_slice() {
            [package] => self.open(package),
            _ => bail!("{what} works on one package; name it with `-p NAME`"),
        }
    }
}

/// Resolves `--manifest-path`, `-p` and `--workspace` like Cargo does.
pub fn load(global: &Global) -> Result<Workspace> {
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.no_deps();
    if let Some(path) = &global.manifest_path {
        cmd.manifest_path(path);
    }
    if global.is_offline() {
        cmd.other_options(vec!["--offline".to_string()]);
    }
    let metadata = cmd
        .exec()
        .context("cannot read the workspace (`cargo metadata` failed)")?;
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let selected: Vec<&cargo_metadata::Package> = if !global.packages.is_empty() {
        let mut out = Vec::new();
        for spec in &global.packages {
            match members.iter().find(|p| p.name.as_str() == spec.as_str()) {
                Some(p) => out.push(*p),
                None => {
                    let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
                    bail!(
                        "package `{spec}` is not in this workspace (members: {})",
                        names.join(", ")
                    );
                }
            }
        }
        out
    } else if global.workspace {
        members.clone()
    } else {
        // Like Cargo: the package whose manifest is given or nearest to the
        // current directory; in a virtual workspace's root, every member.
        let current = match &global.manifest_path {
            Some(path) => std::fs::canonicalize(path).ok(),
            None => nearest_manifest(),
        };
        let found: Vec<&cargo_metadata::Package> = members
            .iter()
            .copied()
            .filter(|p| {
                current.as_ref().is_some_and(|c| {
                    std::fs::canonicalize(&p.manifest_path).ok().as_ref() == Some(c)
                })
            })
            .collect();
        if found.is_empty() {
            members.clone()
        } else {
            found
        }
    };
    let packages = selected
        .into_iter()
        .map(|p| {
            let manifest: PathBuf = p.manifest_path.clone().into();
            Package {
                name: p.name.to_string(),
                manifest,
            }
        })
        .collect();
    Ok(Workspace {
        packages,
        target_dir: metadata.target_directory.into(),
    })
}

fn nearest_manifest() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file() {
            return std::fs::canonicalize(candidate).ok();
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// `path` as the user would type it: relative to the current directory when
/// it lies under it (paths from `cargo metadata` are absolute).
pub fn shown(path: &std::path::Path) -> String {
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    here.ok()
        .and_then(|here| {
            path.strip_prefix(here)
                .ok()
                .map(|p| p.display().to_string())
        })
        .unwrap_or_else(|| path.display().to_string())
}
