//! Confined runs of a compiled candidate: its examples and tests (together,
//! then alone when the shared run fails), the behaviour harness, and what
//! their bounded output says.

use super::*;

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

    /// The test binary, confined: every test, or candidate `only`'s.
    pub(super) fn run_tests(
        &self,
        dir: &Path,
        binary: &Path,
        only: Option<usize>,
    ) -> std::io::Result<Bounded> {
        let mut cmd = Command::new(binary);
        cmd.current_dir(dir)
            .env_clear()
            .env("HOME", dir)
            .env("RUST_BACKTRACE", "0")
            .args(["--test-threads=1", "--nocapture", "--quiet"]);
        if let Some(i) = only {
            cmd.arg(format!("{}::", module(i)));
        }
        let limits = self.run_limits();
        self.confine(&mut cmd, Sandbox::run(dir, binary, limits))?;
        run_bounded(cmd, self.timeout, OUTPUT_LIMIT)
    }

    /// Candidate `i` on every generated input, confined, in as many runs as
    /// it takes: a run stopped by an input that hangs or crashes the process
    /// is resumed after that input (at most [`behaviour::RESUMES`] times).
    pub(super) fn behaviour(
        &self,
        plan: &Plan,
        dir: &Path,
        binary: &Path,
        i: usize,
    ) -> std::io::Result<(Behaviour, Option<Violation>)> {
        let n = plan.inputs.len();
        let mut outcomes = vec![behaviour::Outcome::NotRun; n];
        let mut violation = None;
        let mut from = 0;
        let test = format!("{}::__intent_tests::intent_behaviour", module(i));
        for _ in 0..=behaviour::RESUMES {
            let nonce = behaviour::nonce();
            let output = self.run_harness(dir, binary, &test, &nonce, from)?;
            let run = behaviour::read_run(&output.stdout, &nonce);
            let stopped = run
                .timed_out
                .or_else(|| run.outcomes.keys().max().map(|k| k + 1))
                .unwrap_or(from);
            for (k, outcome) in run.outcomes {
                if k < n {
                    outcomes[k] = outcome;
                }
            }
            if violation.is_none() {
                violation = run.violation.map(|(k, property, result)| Violation {
                    property,
                    call: plan
                        .inputs
                        .get(k)
                        .map_or_else(String::new, |i| i.call.clone()),
                    result,
                });
            }
            if run.done || stopped >= n {
                break;
            }
            if outcomes[stopped] == behaviour::Outcome::NotRun {
                outcomes[stopped] = if output.timed_out {
                    behaviour::Outcome::TimedOut
                } else {
                    behaviour::Outcome::Crashed
                };
            }
            from = stopped + 1;
        }
        let calls = plan.inputs.iter().map(|i| i.call.clone()).collect();
        Ok((Behaviour { calls, outcomes }, violation))
    }

    /// One ignored harness test, confined, its lines marked with `nonce`.
    pub(super) fn run_harness(
        &self,
        dir: &Path,
        binary: &Path,
        test: &str,
        nonce: &str,
        from: usize,
    ) -> std::io::Result<Bounded> {
        let mut cmd = Command::new(binary);
        cmd.current_dir(dir)
            .env_clear()
            .env("HOME", dir)
            .env("RUST_BACKTRACE", "0")
            .env("INTENT_BEHAVIOUR_NONCE", nonce)
            .env("INTENT_BEHAVIOUR_FROM", from.to_string())
            .args(["--ignored", "--exact", test])
            .args(["--test-threads=1", "--nocapture", "--quiet"]);
        let limits = self.run_limits();
        self.confine(&mut cmd, Sandbox::run(dir, binary, limits))?;
        run_bounded(cmd, self.timeout, OUTPUT_LIMIT)
    }

    pub(super) fn run_limits(&self) -> Limits {
        Limits {
            cpu_seconds: self.timeout.as_secs() + 1,
            file_bytes: FILE_LIMIT,
            address_space: Some(MEMORY_LIMIT_KIB * 1024),
        }
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

/// Signal numbers of the resource limits (the same on every Linux
/// architecture this runs on).
pub(super) mod libc_signal {
    /// `SIGXCPU`: the CPU-time limit.
    pub const XCPU: i32 = 24;
    /// `SIGXFSZ`: the file-size limit.
    pub const XFSZ: i32 = 25;
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

pub(super) struct Bounded {
    pub(super) success: bool,
    /// The signal that ended it, if one did.
    pub(super) signal: Option<i32>,
    pub(super) timed_out: bool,
    pub(super) truncated: bool,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Runs `cmd` with a wall-clock timeout, keeping at most `limit` bytes of
/// each stream; past the limit or the timeout the process is killed.
pub(super) fn run_bounded(
    mut cmd: Command,
    timeout: Duration,
    limit: usize,
) -> std::io::Result<Bounded> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let over_limit = Arc::new(AtomicBool::new(false));
    let reader = |mut stream: Box<dyn Read + Send>| {
        let over_limit = Arc::clone(&over_limit);
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buffer = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if kept.len() + n > limit {
                    over_limit.store(true, Ordering::SeqCst);
                    break;
                }
                kept.extend_from_slice(&buffer[..n]);
            }
            kept
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped")));
    let err = reader(Box::new(child.stderr.take().expect("piped")));
    let start = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        let late = start.elapsed() > timeout;
        if late || over_limit.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            break (None, late);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let truncated = over_limit.load(Ordering::SeqCst);
    Ok(Bounded {
        success: status.is_some_and(|s| s.success()) && !truncated,
        signal: status.and_then(exit_signal),
        timed_out: timed_out && !truncated,
        truncated,
        stdout: String::from_utf8_lossy(&stdout).to_string(),
        stderr: String::from_utf8_lossy(&stderr).to_string(),
    })
}

/// A test run's output as one candidate sees it: its own test names and
/// result lines in the harness's plain form, every other candidate's left
/// in a form the parsers skip.
pub(super) struct RunView {
    stdout: String,
    stderr: String,
}

impl Bounded {
    pub(super) fn view(&self, i: usize) -> RunView {
        let tests = format!("{}::__intent_tests::", module(i));
        let marker = format!("{RESULT_MARKER}:{i} ");
        let rewrite = |text: &str| {
            text.replace(&tests, "__intent_tests::")
                .replace(&marker, &format!("{RESULT_MARKER} "))
        };
        RunView {
            stdout: rewrite(&self.stdout),
            stderr: rewrite(&self.stderr),
        }
    }
}

pub(super) fn exit_signal(status: std::process::ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal()
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}
