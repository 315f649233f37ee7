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
use crate::spec::{Example, Expected, Spec};

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
    let marks = Marks::read(&view.stdout);
    let failing = marks.failing(spec);
    let gate = if failing.iter().all(|t| t == "extra_tests") && !failing.is_empty() {
        Gate::Tests
    } else {
        Gate::Examples
    };
    Verdict::Failed {
        gate,
        evidence: failure_evidence(&text, spec, &marks, &failing),
        diagnostics: None,
    }
}

/// The `Debug` of each example's result, in example order.
pub(super) fn results(stdout: &str, spec: &Spec) -> Vec<String> {
    let marks = Marks::read(stdout);
    (0..spec.examples.len())
        .map(|i| marks.returned.get(&i).cloned().unwrap_or_else(|| "panicked".into()))
        .collect()
}

/// What the harness printed about one candidate's tests, as data: the
/// tests that started and finished, what each example returned and, when
/// that was wrong, what it expected (see `scratch::tests`). Libtest's own
/// report, whose wording can change between Rust versions, decides nothing.
#[derive(Debug, Default)]
pub(super) struct Marks {
    started: Vec<String>,
    done: Vec<String>,
    returned: std::collections::BTreeMap<usize, String>,
    expected: std::collections::BTreeMap<usize, String>,
}

impl Marks {
    /// Reads the marker lines of `stdout` (as [`RunView`] shows them).
    pub(super) fn read(stdout: &str) -> Marks {
        let mut marks = Marks::default();
        for line in stdout.lines() {
            let Some(rest) = line.split(RESULT_MARKER).nth(1) else {
                continue;
            };
            let rest = rest.trim_start();
            let (word, value) = rest.split_once(' ').unwrap_or((rest, ""));
            let indexed = |value: &str| {
                let (i, v) = value.split_once(' ')?;
                Some((i.parse::<usize>().ok()?, v.to_string()))
            };
            match word {
                "start" => marks.started.push(value.to_string()),
                "done" => marks.done.push(value.to_string()),
                "expected" => marks.expected.extend(indexed(value)),
                _ => marks.returned.extend(indexed(rest)),
            }
        }
        marks
    }

    /// The tests that started and did not do what they must: finish, or,
    /// for an example that expects a panic, panic. A test the run never
    /// reached (it aborted first) is not among them.
    pub(super) fn failing(&self, spec: &Spec) -> Vec<String> {
        let panics = |test: &str| {
            example_index(test)
                .and_then(|i| spec.examples.get(i))
                .is_some_and(|e| e.expected == Expected::Panics)
        };
        self.started
            .iter()
            .filter(|t| self.done.contains(t) == panics(t))
            .cloned()
            .collect()
    }
}

fn example_index(test: &str) -> Option<usize> {
    test.strip_prefix("example_")?.parse().ok()
}

/// What each failing test did, one line per example in the words a small
/// model repairs best from: the call, what it returned, what was expected.
pub(super) fn failure_evidence(text: &str, spec: &Spec, marks: &Marks, failing: &[String]) -> String {
    let panics = panic_messages(text);
    let out: Vec<String> = failing
        .iter()
        .map(|name| {
            let message = panics
                .iter()
                .find(|(test, _)| test == name)
                .map(|(_, lines)| lines.as_slice())
                .unwrap_or_default();
            let example = example_index(name).and_then(|i| spec.examples.get(i).map(|e| (i, e)));
            match example {
                Some((i, e)) => example_evidence(i, e, marks, message),
                None if message.is_empty() => "the extra tests failed".to_string(),
                None => format!("the extra tests failed: {}", message.join(" ")),
            }
        })
        .collect();
    if out.is_empty() {
        let tail: Vec<&str> = text.lines().rev().take(10).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    } else {
        out.join("\n")
    }
}

/// One failing example's evidence, from what the harness printed.
fn example_evidence(i: usize, e: &Example, marks: &Marks, message: &[String]) -> String {
    if e.expected == Expected::Panics {
        return format!("example {i}: `{}` should panic but returned normally", e.call);
    }
    match (marks.returned.get(&i), marks.expected.get(&i)) {
        (Some(actual), Some(expected)) => match e.tolerance {
            Some(t) => format!(
                "example {i}: `{}`: expected {expected} (± {t:e}), got {actual}",
                e.call
            ),
            None => format!("example {i}: `{}` returned {actual}, expected {expected}", e.call),
        },
        _ => format!("example {i}: `{}` panicked: {}", e.call, message.join(" ")),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        crate::spec::parse_str(
            "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"Sum.\"\n\
             examples = [{ call = \"add(2, 3)\", expect = \"5\" }, { call = \"add(1, 1)\", expect = \"2\" }, \
             { call = \"add(i32::MAX, 1)\", panics = true }]\ntests = \"assert!(add(0, 0) == 0);\"\n",
            std::path::Path::new("add.intent.toml"),
        )
        .unwrap()
        .spec
    }

    /// A run's stdout as `RunView` shows it: marker lines only.
    fn run(lines: &[&str]) -> String {
        lines.iter().map(|l| format!("{RESULT_MARKER} {l}\n")).collect()
    }

    #[test]
    fn failing_tests_and_their_evidence_come_from_the_harness_lines_alone() {
        let spec = spec();
        // example_0 returned 6 for 5; example_1 passed; example_2 returned
        // normally where it must panic; the extra tests never finished; no
        // libtest report at all.
        let stdout = run(&[
            "start example_0",
            "0 6",
            "expected 0 5",
            "start example_1",
            "1 2",
            "done example_1",
            "start example_2",
            "done example_2",
            "start extra_tests",
        ]);
        let marks = Marks::read(&stdout);
        let failing = marks.failing(&spec);
        assert_eq!(failing, ["example_0", "example_2", "extra_tests"]);
        let evidence = failure_evidence(&stdout, &spec, &marks, &failing);
        assert_eq!(
            evidence,
            "example 0: `add(2, 3)` returned 6, expected 5\n\
             example 2: `add(i32::MAX, 1)` should panic but returned normally\n\
             the extra tests failed"
        );
        assert_eq!(results(&stdout, &spec), ["6", "2", "panicked"]);
    }

    #[test]
    fn libtest_lines_decide_nothing_and_a_test_never_reached_is_not_failing() {
        let spec = spec();
        // What libtest would print for a failure, with no harness line
        // behind it, and a run that stopped after example_0 started.
        let stdout = format!(
            "---- __intent_tests::example_1 stdout ----\nfailures:\n    __intent_tests::example_1\n{}",
            run(&["start example_0"])
        );
        let marks = Marks::read(&stdout);
        assert_eq!(marks.failing(&spec), ["example_0"]);
    }
}
