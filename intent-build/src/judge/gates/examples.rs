//! The examples and tests gates: one confined run of the compiled binary
//! for every candidate, then alone for each when that run did not succeed.
//! The spec's extra tests are in the same binary as its examples and run in
//! the same run: one run judges both gates.

use std::io;
use std::path::Path;
use std::time::Duration;

use super::runner::{libc_signal, Bounded, GateRunner, RunView, FILE_LIMIT, MEMORY_LIMIT_KIB, OUTPUT_LIMIT};
use super::scratch::RESULT_MARKER;
use super::verdict::{Batch, Stage, Verdict};
use crate::gate::Gate;
use crate::spec::{Expected, Spec};

/// The examples gate's stage, which runs the tests gate's checks too.
pub(super) struct Examples;

impl Stage for Examples {
    fn judge(&self, runner: &GateRunner, batch: &mut Batch<'_>) -> io::Result<()> {
        let runnable = batch.open_compiled();
        let binary = batch.scratch.binary();
        for (i, verdict) in runner.run_all(batch.spec, &batch.scratch.dir, &binary, &runnable)? {
            batch.verdicts[i] = Some(verdict);
        }
        Ok(())
    }
}

/// The tests gate's stage: its checks ran with the examples (above), which
/// tell a failing extra test from a failing example.
pub(super) struct Tests;

impl Stage for Tests {
    fn judge(&self, _: &GateRunner, _: &mut Batch<'_>) -> io::Result<()> {
        Ok(())
    }
}

impl GateRunner {
    /// Runs the tests of `candidates` in one process; when that run did not
    /// succeed, once per candidate.
    pub(super) fn run_all(
        &self,
        spec: &Spec,
        dir: &Path,
        binary: &Path,
        candidates: &[usize],
    ) -> std::io::Result<Vec<(usize, Verdict)>> {
        match candidates {
            [] => return Ok(Vec::new()),
            [only] => return Ok(vec![(*only, self.run(spec, dir, binary, *only)?)]),
            _ => {}
        }
        let output = self.run_tests(dir, binary, None)?;
        // A run that succeeded passes every candidate. Otherwise each runs
        // alone: no verdict rests on output another candidate could have
        // printed (a forged failure line) or cut short (a hang, an abort),
        // and a test run costs milliseconds next to the shared compile.
        candidates
            .iter()
            .map(|&i| {
                Ok((
                    i,
                    if output.success {
                        judge_run(&output.view(i), spec, self.timeout, &output)
                    } else {
                        self.run(spec, dir, binary, i)?
                    },
                ))
            })
            .collect()
    }

    /// Runs candidate `i`'s tests alone.
    pub(super) fn run(
        &self,
        spec: &Spec,
        dir: &Path,
        binary: &Path,
        i: usize,
    ) -> std::io::Result<Verdict> {
        let output = self.run_tests(dir, binary, Some(i))?;
        Ok(judge_run(&output.view(i), spec, self.timeout, &output))
    }
}


/// One candidate's verdict from a test run: `view` is the run's output as
/// that candidate sees it ([`Bounded::view`]), `whole` the run itself.
pub(super) fn judge_run(
    view: &RunView,
    spec: &Spec,
    timeout: Duration,
    whole: &Bounded,
) -> Verdict {
    if whole.timed_out {
        return Verdict::examples(format!(
            "the tests did not finish within {} s (an infinite loop?)",
            timeout.as_secs()
        ));
    }
    if whole.truncated {
        return Verdict::examples(format!(
            "the tests printed more than {} KiB",
            OUTPUT_LIMIT / 1024
        ));
    }
    match whole.signal {
        Some(libc_signal::XFSZ) => {
            return Verdict::examples(format!(
                "the tests wrote a file larger than {} MiB",
                FILE_LIMIT / (1024 * 1024)
            ))
        }
        Some(libc_signal::XCPU) => {
            return Verdict::examples(format!(
                "the tests used more than {} s of CPU time",
                timeout.as_secs() + 1
            ))
        }
        _ => {}
    }
    let text = format!("{}\n{}", view.stdout, view.stderr);
    if !whole.success && view.stderr.contains("memory allocation of ") {
        // std's allocation-failure handler aborts the whole binary: no
        // test result follows, so say what stopped it.
        return Verdict::examples(format!(
            "the tests ran out of memory (the limit is {} GiB)",
            MEMORY_LIMIT_KIB / (1024 * 1024)
        ));
    }
    if whole.success {
        return Verdict::Passed {
            results: results(&view.stdout, spec),
            behaviour: None,
        };
    }
    let failing = failing_tests(&text);
    let gate = if failing.iter().all(|t| t == "extra_tests") && !failing.is_empty() {
        Gate::Tests
    } else {
        Gate::Examples
    };
    Verdict::Failed {
        gate,
        evidence: failure_evidence(&text, spec, &failing),
        diagnostics: None,
    }
}

/// The `Debug` of each example's result, in example order.
pub(super) fn results(stdout: &str, spec: &Spec) -> Vec<String> {
    let mut results = vec![String::from("panicked"); spec.examples.len()];
    for line in stdout.lines() {
        if let Some(rest) = line.split(RESULT_MARKER).nth(1) {
            let rest = rest.trim_start();
            if let Some((index, value)) = rest.split_once(' ') {
                if let Ok(i) = index.parse::<usize>() {
                    if i < results.len() {
                        results[i] = value.to_string();
                    }
                }
            }
        }
    }
    results
}

pub(super) fn failing_tests(text: &str) -> Vec<String> {
    let mut failing = Vec::new();
    for line in text.lines() {
        if let Some(name) = line
            .trim()
            .strip_prefix("---- __intent_tests::")
            .and_then(|l| l.split_whitespace().next())
        {
            failing.push(name.to_string());
        }
        // Listed under `failures:` as plain names.
        if let Some(name) = line.trim().strip_prefix("__intent_tests::") {
            if !failing.contains(&name.to_string()) && !name.contains(' ') {
                failing.push(name.to_string());
            }
        }
    }
    failing
}

/// What each failing test did, one line per example in the words a small
/// model repairs best from: the call, what it returned, what was expected.
pub(super) fn failure_evidence(text: &str, spec: &Spec, failing: &[String]) -> String {
    let panics = panic_messages(text);
    let mut out = Vec::new();
    for name in failing {
        let message = panics
            .iter()
            .find(|(test, _)| test == name)
            .map(|(_, lines)| lines.as_slice())
            .unwrap_or_default();
        let example = name
            .strip_prefix("example_")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| spec.examples.get(i).map(|e| (i, e)));
        out.push(match example {
            Some((i, e)) if e.expected == Expected::Panics => format!(
                "example {i}: `{}` should panic but returned normally",
                e.call
            ),
            Some((i, e)) => match assert_eq_sides(message) {
                Some((left, right)) => {
                    format!(
                        "example {i}: `{}` returned {left}, expected {right}",
                        e.call
                    )
                }
                // An approximate comparison states both values itself.
                None if message.first().is_some_and(|m| m.starts_with("example ")) => {
                    message[0].clone()
                }
                None => format!("example {i}: `{}` panicked: {}", e.call, message.join(" ")),
            },
            None if message.is_empty() => "the extra tests failed".to_string(),
            None => format!("the extra tests failed: {}", message.join(" ")),
        });
    }
    if out.is_empty() {
        text.lines()
            .rev()
            .take(10)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        out.join("\n")
    }
}

/// Each panicking test's name and the lines of its message, from the
/// `thread '__intent_tests::NAME' … panicked at …:` line on.
pub(super) fn panic_messages(text: &str) -> Vec<(String, Vec<String>)> {
    let mut panics: Vec<(String, Vec<String>)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("thread '__intent_tests::") {
            if l.contains("panicked") {
                let name = rest.split('\'').next().unwrap_or_default().to_string();
                panics.push((name, Vec::new()));
                current = Some(panics.len() - 1);
                continue;
            }
        }
        // Another test's panic (another candidate's, in a shared run) ends
        // this one's message too.
        let ends_message = l.is_empty()
            || l.starts_with("thread '")
            || l.starts_with("note: run with")
            || l.starts_with("test ")
            || l.starts_with("---- ")
            || l.starts_with(RESULT_MARKER)
            || l == "failures:";
        match current {
            _ if ends_message => current = None,
            Some(i) if panics[i].1.len() < 6 => panics[i].1.push(l.to_string()),
            _ => {}
        }
    }
    panics
}

/// `left` and `right` of a failed `assert_eq!`.
pub(super) fn assert_eq_sides(message: &[String]) -> Option<(String, String)> {
    let side = |prefix: &str| {
        message
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_string()))
    };
    Some((side("left:")?, side("right:")?))
}
