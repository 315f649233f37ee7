//! Evaluating the description's checks before any candidate meets them:
//! each check's arguments must build as the signature's parameters and its
//! expected value as the function's result, and that value is evaluated —
//! confined, like every piece of model output — to the `Debug` text
//! results are compared by, so `None` and `Option::None` agree.

use std::fmt::Write as _;
use std::io;

use super::diagnostics::check_errors;
use super::runner::GateRunner;
use super::scratch::crate_root;
use crate::judge::behaviour::{self, owned_strings, CallOutcome, Check as Span, HARNESS_FILE, HARNESS_MODULE};
use super::Verdict;
use crate::judge::checks::{Agreed, Check};
use crate::judge::inputs::{self, Pass, Plan};
use crate::judge::calls;
use crate::sandbox;
use crate::spec::Spec;

/// Compiles tried before giving up on a set of checks: each drops the
/// checks the last one's errors point at.
const ATTEMPTS: usize = 4;

/// How one check's expected value is written into the program.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// As the model wrote it.
    Written,
    /// With its string literals made `String`s (`Some("IV")` for an
    /// `Option<String>`), as people write examples.
    Owned,
    /// Left out: it did not compile either way.
    Dropped,
}

impl GateRunner {
    /// Each check's expected value as results are shown (its `Debug`), in
    /// order; `None` for a check whose call or value does not compile
    /// against the signature, whose value panics, or whose input the
    /// spec's `assume` rejects. All `None` when the signature's inputs
    /// cannot be built (a `&mut` parameter, a type without a generator).
    ///
    /// # Errors
    ///
    /// When the gates cannot run (as [`GateRunner::check`]).
    pub fn expected_values(&self, spec: &Spec, checks: &[Check]) -> io::Result<Vec<Option<String>>> {
        let none = vec![None; checks.len()];
        let Ok(mut plan) = inputs::plan(spec) else {
            return Ok(none);
        };
        if checks.is_empty() || plan.params.iter().any(|p| p.pass == Pass::RefMut) {
            return Ok(none);
        }
        sandbox::ensure(self.sandbox).map_err(io::Error::other)?;
        let dir = self.scratch.join(format!("{}-checks", spec.name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let dir = dir.canonicalize()?;
        let binary = dir.join("check-values");
        let mut forms = vec![Form::Written; checks.len()];
        for _ in 0..ATTEMPTS {
            let alive: Vec<usize> = (0..checks.len()).filter(|&k| forms[k] != Form::Dropped).collect();
            if alive.is_empty() {
                return Ok(none);
            }
            let args: Vec<Vec<String>> = alive.iter().map(|&k| checks[k].args.clone()).collect();
            plan.inputs = calls::inputs(&plan, &spec.name, &args);
            let (mut harness, mut spans) = behaviour::harness(spec, &plan);
            let values: Vec<String> = alive
                .iter()
                .map(|&k| match forms[k] {
                    Form::Owned => owned_strings(&checks[k].expect),
                    _ => checks[k].expect.clone(),
                })
                .collect();
            spans.extend(expected_module(&mut harness, &plan, &values));
            std::fs::write(dir.join(HARNESS_FILE), harness)?;
            std::fs::write(dir.join("main.rs"), crate_root(spec, &[], true))?;
            let Some(diagnostics) = self.compile(&dir, &binary, &spec.crates)? else {
                return self.run_expected(&dir, &binary, &alive, checks.len());
            };
            let errors = check_errors(&diagnostics, &spans);
            if errors.is_empty() {
                // Errors no check owns: nothing to drop that would help.
                return Ok(none);
            }
            for (span, _) in errors {
                match span {
                    Span::Input(i) => forms[alive[i]] = Form::Dropped,
                    Span::Expected(i) => {
                        let k = alive[i];
                        let owned = owned_strings(&checks[k].expect) != checks[k].expect;
                        forms[k] = if forms[k] == Form::Written && owned { Form::Owned } else { Form::Dropped };
                    }
                    Span::Assume | Span::Property(_) => return Ok(none),
                }
            }
        }
        Ok(none)
    }

    /// Each of `codes` (candidates, or accepted code) judged with the calls
    /// of `agreed` run before the generated inputs: its outcome on each
    /// agreed call, in order; `None` for code that did not pass the gates
    /// or whose inputs cannot be built.
    ///
    /// # Errors
    ///
    /// When the gates cannot run (as [`GateRunner::check`]).
    pub fn run_on_checks(
        &self,
        spec: &Spec,
        codes: &[String],
        agreed: &[Agreed],
    ) -> io::Result<Vec<Option<Vec<CallOutcome>>>> {
        let Ok(plan) = inputs::plan(spec) else {
            return Ok(vec![None; codes.len()]);
        };
        let args: Vec<Vec<String>> = agreed.iter().map(|a| a.args.clone()).collect();
        let first = calls::inputs(&plan, &spec.name, &args);
        let tag = format!("{}-on-checks", spec.name);
        Ok(self
            .check_with_inputs(spec, codes, &tag, &first)?
            .into_iter()
            .map(|verdict| match verdict {
                Verdict::Passed {
                    behaviour: Some(b), ..
                } if b.outcomes.len() >= agreed.len() => Some(b.outcomes[..agreed.len()].to_vec()),
                _ => None,
            })
            .collect())
    }

    /// Runs the compiled program: the value of each `alive` check.
    fn run_expected(
        &self,
        dir: &std::path::Path,
        binary: &std::path::Path,
        alive: &[usize],
        total: usize,
    ) -> io::Result<Vec<Option<String>>> {
        let nonce = behaviour::nonce();
        let test = format!("{HARNESS_MODULE}::intent_expected");
        let output = self.run_harness(dir, binary, &test, &nonce, 0)?;
        let run = behaviour::read_run(&output.stdout, &nonce);
        let mut values = vec![None; total];
        for (i, outcome) in run.outcomes {
            if let (Some(&k), CallOutcome::Value(value)) = (alive.get(i), outcome) {
                values[k] = Some(value);
            }
        }
        Ok(values)
    }
}

/// Appends to the harness the function giving each expected value (one
/// arm a line, so an error points at its check) and the ignored test that
/// prints them; the spans of the arms.
fn expected_module(harness: &mut String, plan: &Plan, values: &[String]) -> Vec<behaviour::CheckSpan> {
    let mut spans = Vec::new();
    let _ = writeln!(harness, "pub fn expected(k: usize) -> String {{\n    match k {{");
    for (k, value) in values.iter().enumerate() {
        let line = harness.lines().count() + 1;
        let _ = writeln!(
            harness,
            "        {k} => show(::std::format!(\"{{:?}}\", {{ let e: {} = {value}; e }})),",
            plan.returns
        );
        spans.push(behaviour::CheckSpan {
            check: Span::Expected(k),
            lines: line..line + 1,
        });
    }
    let _ = writeln!(
        harness,
        "        _ => String::new(),\n    }}\n}}\n{}",
        EXPECTED_TEST.replace("COUNT", &values.len().to_string())
    );
    spans
}

/// Prints each check's value: `k = value`, `k panicked` (its value or its
/// arguments panicked), or `k skip` (`assume` rejects its input).
const EXPECTED_TEST: &str = r#"
#[test]
#[ignore]
fn intent_expected() {
    let nonce = nonce();
    std::panic::set_hook(Box::new(|_| {}));
    for k in 0..COUNT {
        match std::panic::catch_unwind(|| assumed(k).then(|| expected(k))) {
            Ok(Some(shown)) => println!("\n{nonce} {k} = {shown}"),
            Ok(None) => println!("\n{nonce} {k} skip"),
            Err(_) => println!("\n{nonce} {k} panicked"),
        }
    }
    println!("\n{nonce} done");
}
"#;
