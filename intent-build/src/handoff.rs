//! The build script's door to regeneration: it hands the work to the one
//! engine, the installed `cargo-intent`, as cargo-insta and sqlx-cli drive
//! theirs, and compiles the verified result.
//!
//! When `cargo build` finds stale intents and regeneration is allowed (not
//! CI, not docs.rs, not offline), the build script runs
//! `cargo-intent intent lock --build-script` with the crate's paths given
//! explicitly. That command generates, gates (confined) and verifies each
//! stale intent with the crate's configured model — the default embedded
//! model when none is configured — keeps each result as a pending record
//! under `target/intent/pending/` for `cargo intent lock` to adopt without a
//! model call (or records it, with `update-lock = true`), and prints one JSON
//! line per intent with its verified code, which goes to `OUT_DIR`. The
//! build script itself compiles no model, HTTP client or sandbox.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::env::{Env, INTENT_CARGO_INTENT};
use crate::manifest::CratePaths;
use crate::state::{IntentStatus, State};

/// Code the engine produced for a stale intent.
pub(crate) struct Regenerated {
    pub name: String,
    pub code: String,
    /// What the build should tell the user.
    pub note: String,
}

/// One line of `cargo-intent intent lock --build-script` output.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[doc(hidden)]
pub struct HandoffLine {
    /// The intent.
    pub name: String,
    /// Its verified code.
    pub code: String,
    /// Whether it was recorded in the lock (`update-lock = true`), rather
    /// than kept pending.
    pub recorded: bool,
}

/// The target folder, from `OUT_DIR`: `<target>/<profile>/build/<pkg>-<hash>/out`,
/// or `<target>/<triple>/<profile>/build/…` when Cargo was given `--target`.
fn target_dir(out_dir: &Path, triple: Option<&str>) -> Option<PathBuf> {
    let build = out_dir
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))?;
    let above_profile = build.parent()?.parent()?;
    match triple {
        Some(t) if above_profile.file_name().is_some_and(|n| n == t) => {
            above_profile.parent().map(Path::to_path_buf)
        }
        _ => Some(above_profile.to_path_buf()),
    }
}

/// `$INTENT_CARGO_INTENT`, else `cargo-intent` on `PATH`.
///
/// # Errors
///
/// Where neither is there, what to install or fix.
fn engine(env: &Env) -> Result<PathBuf, String> {
    if let Some(path) = &env.cargo_intent {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{INTENT_CARGO_INTENT} names {}, which is not a file",
                path.display()
            ))
        };
    }
    let name = format!("cargo-intent{}", std::env::consts::EXE_SUFFIX);
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(&name))
                .find(|p| p.is_file())
        })
        .ok_or_else(|| format!(
            "regenerating in `cargo build` needs the `cargo-intent` command, which is not installed (install it with `cargo install cargo-intent`, or set {INTENT_CARGO_INTENT} to its path)"
        ))
}

/// Regenerates `stale` intents through the installed `cargo-intent`.
///
/// # Errors
///
/// A sentence saying why regeneration could not happen, used in the
/// stale-intent error.
pub(crate) fn regenerate(
    env: &Env,
    paths: &CratePaths,
    out_dir: &Path,
    stale: &[&IntentStatus],
    package: &str,
) -> Result<Vec<Regenerated>, String> {
    if let Some(edited) = stale
        .iter()
        .find(|s| matches!(s.state, State::Edited { .. }))
    {
        return Err(format!(
            "the build does not overwrite hand-edited code (`{}`)",
            edited.spec.spec.name
        ));
    }
    let program = engine(env)?;
    let intent_dir = target_dir(out_dir, env.target.as_deref())
        .ok_or("cannot find the target folder from OUT_DIR")?
        .join("intent");
    let mut cmd = Command::new(&program);
    cmd.args(["intent", "lock", "--build-script", "--quiet"])
        .arg("--manifest-path")
        .arg(paths.root.join("Cargo.toml"))
        .arg("--package-name")
        .arg(package)
        .arg("--specs-dir")
        .arg(&paths.specs_dir)
        .arg("--lockfile")
        .arg(&paths.lockfile)
        .arg("--intent-dir")
        .arg(&intent_dir)
        .args(stale.iter().map(|s| s.spec.spec.name.as_str()));
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    // Its progress and errors appear in the build script's output
    // (`cargo build -vv`, or when the build fails).
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("error: "))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(if why.is_empty() {
            format!("`cargo intent` failed ({})", output.status)
        } else {
            format!("`cargo intent` could not regenerate it: {why}")
        });
    }
    let mut done = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let line: HandoffLine = serde_json::from_str(line)
            .map_err(|e| format!("`cargo intent` answered something unexpected ({e}): {line}"))?;
        done.push(Regenerated {
            note: note(&line.name, line.recorded, package),
            name: line.name,
            code: line.code,
        });
    }
    Ok(done)
}

fn note(name: &str, recorded: bool, package: &str) -> String {
    if recorded {
        format!("intent `{name}` was regenerated and recorded in Intent.lock (update-lock = true); review and commit it")
    } else {
        format!("intent `{name}` was regenerated by this build but not recorded; run `cargo intent lock -p {package}` to record it (no model call) and commit Intent.lock and the snapshots")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_folder_is_found_with_and_without_a_target_triple() {
        let host = Path::new("/p/target/debug/build/crate-0123/out");
        assert_eq!(
            target_dir(host, Some("x86_64-unknown-linux-gnu")),
            Some(PathBuf::from("/p/target"))
        );
        let cross = Path::new("/p/target/aarch64-unknown-linux-gnu/release/build/crate-0123/out");
        assert_eq!(
            target_dir(cross, Some("aarch64-unknown-linux-gnu")),
            Some(PathBuf::from("/p/target"))
        );
    }
}
