//! Checking a spec's own `assume` and `properties` before any model is asked.

use super::diagnostics::check_errors;
use super::runner::GateRunner;
use super::scratch::crate_root;
use crate::error::SpecError;
use crate::judge::behaviour::{self, HARNESS_FILE, HARNESS_MODULE};
use crate::judge::inputs;
use crate::sandbox;
use crate::spec::SpecFile;

impl GateRunner {
    /// Checks a spec's `assume` and `properties` before any model is asked:
    /// they compile as boolean expressions over the parameters (and
    /// `result`), and `assume` keeps at least one generated input. Errors
    /// point at the spec key; an empty list means there is nothing to fix
    /// (also when the spec has neither, or its inputs cannot be generated).
    ///
    /// # Errors
    ///
    /// As [`GateRunner::check`].
    pub fn check_spec(&self, file: &SpecFile) -> std::io::Result<Vec<SpecError>> {
        let spec = &file.spec;
        if spec.assume.is_none() && spec.properties.is_empty() {
            return Ok(Vec::new());
        }
        let Ok(plan) = inputs::plan(spec) else {
            return Ok(Vec::new());
        };
        sandbox::ensure(self.sandbox).map_err(std::io::Error::other)?;
        let dir = self.scratch.join(format!("{}-spec", spec.name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let dir = dir.canonicalize()?;
        let (harness, spans) = behaviour::harness(spec, &plan);
        std::fs::write(dir.join(HARNESS_FILE), harness)?;
        std::fs::write(dir.join("main.rs"), crate_root(spec, &[], true))?;
        let binary = dir.join("spec-tests");
        if let Some(diagnostics) = self.compile(&dir, &binary, &spec.crates)? {
            let mut errors = Vec::new();
            for (check, message) in check_errors(&diagnostics, &spans) {
                let (at, what) = match check {
                    behaviour::Check::Assume => (file.locations.assume, "`assume`".to_string()),
                    behaviour::Check::Property(i) => (
                        file.locations.properties.get(i).copied(),
                        format!("property {i}"),
                    ),
                    // Generated inputs are the gates' own text, not the spec's.
                    behaviour::Check::Input(_) | behaviour::Check::Expected(_) => continue,
                };
                let error = file
                    .error_at(
                        at.unwrap_or_default(),
                        format!("{what} does not compile: {message}"),
                        match check {
                            behaviour::Check::Assume => "a `bool` expression over the parameters, e.g. `n > 0`",
                            _ => "a `bool` expression over the parameters and `result`, e.g. `result.len() <= s.len()`",
                        },
                    )
                    .with_help(in_scope(spec, check));
                if !errors.contains(&error) {
                    errors.push(error);
                }
            }
            errors.sort_by_key(|e| (e.line, e.column));
            return Ok(errors);
        }
        if spec.assume.is_some() {
            let nonce = behaviour::nonce();
            let test = format!("{HARNESS_MODULE}::intent_assumed");
            let output = self.run_harness(&dir, &binary, &test, &nonce, 0)?;
            let assumed = output.stdout.lines().find_map(|l| {
                l.split(nonce.as_str())
                    .nth(1)?
                    .trim()
                    .strip_prefix("assumed ")?
                    .parse::<usize>()
                    .ok()
            });
            if assumed == Some(0) {
                return Ok(vec![file.error_at(
                    file.locations.assume.unwrap_or_default(),
                    format!(
                        "`assume` rejects every one of the {} inputs generated for `{}`",
                        plan.inputs.len(),
                        spec.name
                    ),
                    "an assumption some ordinary inputs meet (docs/src/design/consensus.md lists the values generated per type)",
                )]);
            }
        }
        Ok(Vec::new())
    }
}

/// The fix of a check that does not compile: the names it may use.
fn in_scope(spec: &crate::spec::Spec, check: behaviour::Check) -> String {
    let mut names: Vec<String> = crate::spec::parameters_of(&spec.signature)
        .into_iter()
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    if !matches!(check, behaviour::Check::Assume) {
        names.push("`result`".into());
    }
    let names = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "no names".into(),
    };
    format!("it may use {names}, `{}` itself, the prelude's items and the intents it `uses`", spec.name)
}
