//! Finding a crate's specs: every spec file under the specs folder, parsed
//! (through the cache when there is one), the `uses` between them checked,
//! and the `crates` they name checked against the package's dependencies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cache::SpecCache;
use super::model::SpecFile;
use super::parse::parse_file;
use super::model::{MARKDOWN_SUFFIX, TOML_SUFFIX};
use crate::dependencies::Dependencies;
use crate::error::{Error, Result, SpecError};

/// Every spec file under `dir`, in subfolders too, sorted by path: what
/// [`discover`] parses and what `cargo intent watch` watches.
///
/// # Errors
///
/// [`Error::Io`] when a folder cannot be read.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Error::io(path, e.into())
            })?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file()
                && (name.ends_with(TOML_SUFFIX) || name.ends_with(MARKDOWN_SUFFIX))
            {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// Finds and parses every spec under `dir` (recursively), sorted by name.
///
/// Paths are reported relative to `crate_root`. Two specs with one name are
/// an error, as is any invalid spec; all errors are collected, not just the
/// first.
///
/// # Errors
///
/// [`Error::Spec`] listing every invalid spec and duplicate name.
pub fn discover(dir: &Path, crate_root: &Path) -> Result<Vec<SpecFile>> {
    discover_with(dir, crate_root, None)
}

/// [`discover`], reusing the parse of every file whose bytes are unchanged
/// since it was recorded in `cache`, and recording the others.
///
/// # Errors
///
/// As [`discover`].
pub fn discover_with(
    dir: &Path,
    crate_root: &Path,
    mut cache: Option<&mut SpecCache>,
) -> Result<Vec<SpecFile>> {
    let files = spec_files(dir)?;
    let mut errors = Vec::new();
    let mut specs: Vec<SpecFile> = Vec::new();
    for path in files {
        let display = path.strip_prefix(crate_root).unwrap_or(&path).to_path_buf();
        let parsed = match cache.as_deref_mut() {
            Some(cache) => cache.parse_file(&path, &display),
            None => parse_file(&path, &display),
        };
        match parsed {
            Ok(spec) => specs.push(spec),
            Err(Error::Spec(errs)) => errors.extend(errs),
            Err(other) => return Err(other),
        }
    }
    let mut seen: BTreeMap<&str, &SpecFile> = BTreeMap::new();
    for spec in &specs {
        if let Some(first) = seen.insert(&spec.spec.name, spec) {
            errors.push(SpecError {
                path: spec.path.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "duplicate intent name `{}`, also declared in {}",
                    spec.spec.name,
                    first.path.display()
                ),
                expected: "each intent name once per crate".into(),
                help: None,
            });
        }
    }
    errors.extend(check_uses(&specs));
    if specs.iter().any(|s| !s.spec.crates.is_empty()) {
        let dependencies = Dependencies::of_package(crate_root)?;
        errors.extend(specs.iter().flat_map(|s| check_crates(s, &dependencies)));
    }
    if !errors.is_empty() {
        return Err(Error::Spec(errors));
    }
    specs.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
    Ok(specs)
}

/// Every `uses` names an intent of the crate, and no intent uses itself
/// through others (each cycle is reported once, at the name that closes it).
fn check_uses(specs: &[SpecFile]) -> Vec<SpecError> {
    let by_name: BTreeMap<&str, &SpecFile> =
        specs.iter().map(|s| (s.spec.name.as_str(), s)).collect();
    let at = |spec: &SpecFile, i: usize| spec.locations.uses.get(i).copied().unwrap_or_default();
    let mut errors = Vec::new();
    for spec in specs {
        for (i, used) in spec.spec.uses.iter().enumerate() {
            if !by_name.contains_key(used.as_str()) {
                let known: Vec<&str> = by_name
                    .keys()
                    .copied()
                    .filter(|n| *n != spec.spec.name)
                    .collect();
                errors.push(spec.error_at(
                    at(spec, i),
                    format!("`uses` names `{used}`, which is not an intent of this crate"),
                    if known.is_empty() {
                        "an intent of this crate (it has no other)".to_string()
                    } else {
                        format!("one of: {}", known.join(", "))
                    },
                ));
            }
        }
    }
    // Depth-first search from each intent, in name order: a path that comes
    // back to its start is a cycle, reported once (from its smallest name).
    let mut reported: Vec<Vec<String>> = Vec::new();
    for start in by_name.values() {
        let mut stack: Vec<(String, Vec<String>)> =
            vec![(start.spec.name.clone(), vec![start.spec.name.clone()])];
        while let Some((current, path)) = stack.pop() {
            let Some(spec) = by_name.get(current.as_str()) else {
                continue;
            };
            for (i, used) in spec.spec.uses.iter().enumerate() {
                if *used == start.spec.name {
                    let mut cycle = path.clone();
                    cycle.sort();
                    if !reported.contains(&cycle) && path.iter().min() == Some(&start.spec.name) {
                        reported.push(cycle);
                        let shown: Vec<String> = path
                            .iter()
                            .chain(std::iter::once(used))
                            .map(|n| format!("`{n}`"))
                            .collect();
                        errors.push(spec.error_at(
                            at(spec, i),
                            format!("intents use each other in a cycle: {}", shown.join(" → ")),
                            "uses that end at intents which use nothing in turn",
                        ));
                    }
                } else if !path.contains(used) {
                    let mut next = path.clone();
                    next.push(used.clone());
                    stack.push((used.clone(), next));
                }
            }
        }
    }
    errors
}

/// Every name in a spec's `crates` that the package does not depend on
/// in every build, as located errors with the fix.
fn check_crates(spec: &SpecFile, dependencies: &Dependencies) -> Vec<SpecError> {
    let mut errors = Vec::new();
    for (i, name) in spec.spec.crates.iter().enumerate() {
        let at = spec.locations.crates.get(i).copied().unwrap_or_default();
        let error = match dependencies.listed.get(name) {
            None => spec
                .error_at(
                    at,
                    format!(
                        "`crates` names `{name}`, which is not in the `[dependencies]` of {}",
                        dependencies.package
                    ),
                    expected_crates(dependencies),
                )
                .with_help(format!(
                    "add it to the package (`cargo add {}`), or remove it from `crates`",
                    name.replace('_', "-")
                )),
            Some(dependency) if dependency.optional => spec
                .error_at(
                    at,
                    format!("`crates` names `{name}`, an optional dependency of {}", dependencies.package),
                    "a dependency every build of the package has",
                )
                .with_help(format!(
                    "make `{name}` a non-optional dependency, or remove it from `crates`"
                )),
            Some(_) => continue,
        };
        errors.push(error);
    }
    errors
}

/// What `crates` may name in this package, for the error.
fn expected_crates(dependencies: &Dependencies) -> String {
    let names: Vec<&str> = dependencies
        .listed
        .values()
        .filter(|d| !d.optional)
        .map(|d| d.name.as_str())
        .collect();
    if names.is_empty() {
        "a crate of the package's `[dependencies]` (it has none)".into()
    } else {
        format!("one of the package's dependencies: {}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nregex = \"1\"\nmaybe = { version = \"1\", optional = true }\n";

    #[test]
    fn a_crate_the_package_lacks_is_a_located_error_with_its_fix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
        let deps = Dependencies::of_package(dir.path()).unwrap();
        let spec_path = dir.path().join("intents/f.intent.toml");
        let source = "signature = \"pub fn f(s: &str) -> bool\"\ndescription = \"d\"\ncrates = [\"regex\", \"chrono\", \"maybe\"]\nexamples = [{ call = \"f(\\\"a\\\")\", expect = \"true\" }]\n";
        let spec = crate::spec::parse_str(source, &spec_path).unwrap();
        let errors = check_crates(&spec, &deps);
        assert_eq!(errors.len(), 2, "{errors:?}");
        let text = errors[0].to_string();
        assert!(text.contains(":3:21: `crates` names `chrono`"), "{text}");
        assert!(text.contains("\nhelp: add it to the package (`cargo add chrono`)"), "{text}");
        assert!(errors[1].to_string().contains("optional dependency"), "{}", errors[1]);
    }
}
