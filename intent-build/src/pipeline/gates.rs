//! The gates a candidate passes before it is accepted: policy, compile,
//! examples, extra tests (parse runs in `extract`, the snapshot gate at
//! acceptance).
//!
//! Each candidate is compiled with plain `rustc --test` in its own scratch
//! folder under `target/intent/` (about 0.1 s for one function; a Cargo
//! project per candidate costs several times that). Generated code is
//! hostile until proven otherwise: the compile and the test run each start
//! inside the OS sandbox of [`crate::sandbox`] (writes only in that folder,
//! no network, no other program, resource limits), the test binary with a
//! cleared environment, a wall-clock timeout and bounded output; and the
//! semantic [`policy`](super::policy) refuses code that reaches outside the
//! process before it runs at all.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::behaviour::{self, Behaviour, Violation, HARNESS_FILE, HARNESS_MODULE};
use super::inputs::{self, Plan};
use super::policy;
use crate::error::SpecError;
use crate::sandbox::{self, Limits, Sandbox, SandboxMode};
use crate::spec::{Expected, Spec, SpecFile};

/// Most bytes of output a test run may print before it is stopped.
pub const OUTPUT_LIMIT: usize = 256 * 1024;
/// Address-space limit for test runs, in KiB.
pub const MEMORY_LIMIT_KIB: u64 = 4 * 1024 * 1024;
/// Largest file a test run may write (into its scratch folder), in bytes.
pub const FILE_LIMIT: u64 = 16 * 1024 * 1024;
/// Largest file the compiler may write (the test binary), in bytes.
const COMPILE_FILE_LIMIT: u64 = 512 * 1024 * 1024;
/// Marker for example results printed by the harness.
const RESULT_MARKER: &str = "\u{1}intent-result";
/// Candidate `i` is module `candidate{i}`, in `candidate{i}.rs`, as spans in
/// rustc's output name it.
pub(crate) const CANDIDATE_MODULE: &str = "candidate";
/// The MIR the compile gate writes for the policy.
const MIR_FILE: &str = "candidates.mir";
/// The first line of each candidate file starts with this, so the module
/// sees the spec's prelude without moving the candidate's line numbers.
/// rustc's suggestions land in the candidate's own file (a missing `use`
/// goes to the top of its module), and are applied to the candidate's text.
const FILE_PREFIX: &str = "use super::*; ";

/// The gates a candidate passes, in the order they judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// The answer holds the spec's function (`extract`).
    Parse,
    /// It compiles (confined, with `unsafe` forbidden).
    Compile,
    /// It reaches nothing outside the process ([`super::policy`]).
    Policy,
    /// The spec's examples hold (confined run).
    Examples,
    /// The spec's extra tests pass.
    Tests,
    /// The spec's properties hold on every generated input.
    Properties,
}

impl Gate {
    /// Its name in reports and in `Intent.lock`.
    pub fn name(self) -> &'static str {
        match self {
            Gate::Parse => "parse",
            Gate::Compile => "compile",
            Gate::Policy => "policy",
            Gate::Examples => "examples",
            Gate::Tests => "tests",
            Gate::Properties => "properties",
        }
    }
}

/// The gates a candidate of `spec` that passed them all went through, in
/// order (`properties` only when its behaviour was judged).
pub fn passed(spec: &Spec, behaviour_judged: bool) -> Vec<Gate> {
    let mut passed = vec![Gate::Parse, Gate::Compile, Gate::Policy, Gate::Examples];
    if !spec.tests.is_empty() {
        passed.push(Gate::Tests);
    }
    if !spec.properties.is_empty() && behaviour_judged {
        passed.push(Gate::Properties);
    }
    passed
}

impl std::fmt::Display for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a gate run found.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Every check passed; the `Debug` output of each example result, in order.
    Passed {
        /// `Debug` of each example's result (`panicked` for expected panics).
        results: Vec<String>,
        /// What it did on the generated inputs; `None` when they could not
        /// be generated for the signature.
        behaviour: Option<Behaviour>,
    },
    /// A gate failed.
    Failed {
        /// Which gate.
        gate: Gate,
        /// What went wrong, trimmed for a repair prompt.
        evidence: String,
        /// rustc's JSON diagnostics when the compile gate failed.
        diagnostics: Option<String>,
    },
}

impl Verdict {
    fn policy(evidence: String) -> Verdict {
        Verdict::Failed {
            gate: Gate::Policy,
            evidence,
            diagnostics: None,
        }
    }

    fn examples(evidence: String) -> Verdict {
        Verdict::Failed {
            gate: Gate::Examples,
            evidence,
            diagnostics: None,
        }
    }
}

/// Where and how gates run.
#[derive(Debug, Clone)]
pub struct GateRunner {
    /// Scratch folder; each candidate gets a subfolder.
    pub scratch: PathBuf,
    /// Wall-clock limit for compiling and for running.
    pub timeout: Duration,
    /// The `rustc` to use.
    pub rustc: PathBuf,
    /// Whether generated code must run confined (the default) or may run
    /// with the user's rights (`sandbox = "off"`).
    pub sandbox: SandboxMode,
    /// Whether the semantic policy judges candidates. Always on in the
    /// product; the sandbox's own tests turn it off to show that the OS
    /// confinement holds by itself.
    pub policy: bool,
    toolchain: OnceLock<Result<Toolchain, String>>,
}

/// The compiler the gates run and the folder it reads its libraries from.
#[derive(Debug, Clone)]
struct Toolchain {
    /// The real `rustc` in the sysroot (not a rustup proxy, which reads
    /// `~/.rustup`: outside what the sandbox lets the compile read).
    rustc: PathBuf,
    sysroot: PathBuf,
}

impl GateRunner {
    /// A runner in `scratch` with `timeout` per step, using `$RUSTC` or
    /// `rustc`, confined and judged by the policy.
    pub fn new(scratch: impl Into<PathBuf>, timeout: Duration) -> Self {
        GateRunner {
            scratch: scratch.into(),
            timeout,
            rustc: std::env::var_os("RUSTC")
                .map(PathBuf::from)
                .unwrap_or_else(|| "rustc".into()),
            sandbox: SandboxMode::Required,
            policy: true,
            toolchain: OnceLock::new(),
        }
    }

    /// The same runner with `mode` for the sandbox.
    pub fn with_sandbox(mut self, mode: SandboxMode) -> Self {
        self.sandbox = mode;
        self
    }

    fn toolchain(&self) -> std::io::Result<&Toolchain> {
        self.toolchain
            .get_or_init(|| {
                let output = Command::new(&self.rustc)
                    .args(["--print", "sysroot"])
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", self.rustc.display()))?;
                if !output.status.success() {
                    return Err(format!(
                        "`{} --print sysroot` failed: {}",
                        self.rustc.display(),
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
                let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
                let real = sysroot.join("bin").join("rustc");
                Ok(Toolchain {
                    rustc: if real.is_file() {
                        real
                    } else {
                        self.rustc.clone()
                    },
                    sysroot,
                })
            })
            .as_ref()
            .map_err(|e| std::io::Error::other(e.clone()))
    }

    /// A sandbox for one step, confined unless the user opted out.
    fn confine(&self, cmd: &mut Command, sandbox: Sandbox) -> std::io::Result<()> {
        let sandbox = if self.sandbox == SandboxMode::Off {
            sandbox.limits_only()
        } else {
            sandbox
        };
        sandbox.confine(cmd)
    }

    /// Judges `code` with the spec's prelude and tests: policy, compile,
    /// then the examples and tests.
    ///
    /// # Errors
    ///
    /// When the gates cannot run: no confinement where it is required, no
    /// `rustc`, or the scratch folder cannot be written.
    pub fn check(&self, spec: &Spec, code: &str, tag: &str) -> std::io::Result<Verdict> {
        let mut verdicts = self.check_all(spec, &[code.to_string()], tag)?;
        Ok(verdicts.pop().expect("one verdict per candidate"))
    }

    /// Judges every candidate of a round together: one `rustc` for all of
    /// them (each in its own module with its own examples) and one run of
    /// the test binary, so N candidates cost about one. A candidate whose
    /// errors break the shared compile is judged by its own diagnostics and
    /// left out of the next compile; a run that does not succeed (a failing
    /// example, a hang, an abort) is repeated per candidate, so no candidate
    /// is judged by another's behaviour. Verdicts in candidate order.
    ///
    /// # Errors
    ///
    /// As [`GateRunner::check`].
    pub fn check_all(
        &self,
        spec: &Spec,
        codes: &[String],
        tag: &str,
    ) -> std::io::Result<Vec<Verdict>> {
        // Callers check this before asking a model; checked again here so
        // that no path runs generated code unconfined by mistake.
        sandbox::ensure(self.sandbox).map_err(std::io::Error::other)?;
        let mut verdicts: Vec<Option<Verdict>> = codes
            .iter()
            .map(|code| {
                self.policy
                    .then(|| policy::refusal_in_tokens(code).map(Verdict::policy))
                    .flatten()
            })
            .collect();
        let dir = self.scratch.join(tag);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        // Landlock rules name canonical folders; a symlinked scratch would not match.
        let dir = dir.canonicalize()?;
        let mut plan = inputs::plan(spec).ok();
        let write_tests = |plan: Option<&Plan>| -> std::io::Result<()> {
            if let Some(plan) = plan {
                std::fs::write(dir.join(HARNESS_FILE), behaviour::harness(spec, plan).0)?;
            }
            for i in 0..codes.len() {
                std::fs::write(
                    dir.join(format!("{}_tests.rs", module(i))),
                    tests(spec, i, plan),
                )?;
            }
            Ok(())
        };
        for (i, code) in codes.iter().enumerate() {
            std::fs::write(dir.join(candidate_file(i)), candidate_text(code, i))?;
        }
        write_tests(plan.as_ref())?;
        let binary = dir.join("candidate-tests");
        // Compile what is left until it compiles; each failed compile
        // settles at least one candidate or hands the rest to single runs.
        let compiled = loop {
            let open: Vec<usize> = (0..codes.len())
                .filter(|&i| verdicts[i].is_none())
                .collect();
            if open.is_empty() {
                break Vec::new();
            }
            std::fs::write(dir.join("main.rs"), crate_root(spec, &open, plan.is_some()))?;
            let Some(diagnostics) = self.compile(&dir, &binary)? else {
                break open;
            };
            if plan.is_some() && !errors_in(&diagnostics, |f| f == HARNESS_FILE).is_empty() {
                // The inputs do not fit the types (a generator's gap, or a
                // prelude type it misread): judge without behaviour rather
                // than refuse every candidate.
                plan = None;
                write_tests(None)?;
                continue;
            }
            let mut settled = false;
            for &i in &open {
                if let Some(own) = diagnostics_of(&diagnostics, i) {
                    let gate = if self.policy && own.contains("\"code\":\"unsafe_code\"") {
                        Gate::Policy
                    } else {
                        Gate::Compile
                    };
                    verdicts[i] = Some(Verdict::Failed {
                        gate,
                        evidence: rendered_errors(&own),
                        diagnostics: Some(own),
                    });
                    settled = true;
                }
            }
            if !settled {
                // Errors no candidate owns (a timeout, a linker failure):
                // alone, each candidate gets its own answer.
                if open.len() == 1 {
                    verdicts[open[0]] = Some(Verdict::Failed {
                        gate: Gate::Compile,
                        evidence: rendered_errors(&diagnostics),
                        diagnostics: Some(diagnostics),
                    });
                } else {
                    for &i in &open {
                        verdicts[i] = Some(self.check(spec, &codes[i], &format!("{tag}-{i}"))?);
                    }
                }
                break Vec::new();
            }
        };
        if !compiled.is_empty() {
            if self.policy {
                let mir = std::fs::read_to_string(dir.join(MIR_FILE))?;
                for &i in &compiled {
                    if let Some(refusal) =
                        policy::refusal_in_mir(&mir, &module(i), &spec.capabilities)
                    {
                        verdicts[i] = Some(Verdict::policy(refusal));
                    }
                }
            }
            let runnable: Vec<usize> = compiled
                .into_iter()
                .filter(|&i| verdicts[i].is_none())
                .collect();
            for (i, mut verdict) in self.run_all(spec, &dir, &binary, &runnable)? {
                if let (Some(plan), Verdict::Passed { behaviour, .. }) = (&plan, &mut verdict) {
                    let (seen, violation) = self.behaviour(plan, &dir, &binary, i)?;
                    match violation {
                        Some(violation) => {
                            verdict = Verdict::Failed {
                                gate: Gate::Properties,
                                evidence: violation.evidence(spec),
                                diagnostics: None,
                            }
                        }
                        None => *behaviour = Some(seen),
                    }
                }
                verdicts[i] = Some(verdict);
            }
        }
        Ok(verdicts
            .into_iter()
            .map(|v| v.expect("every candidate judged"))
            .collect())
    }

    /// Runs the tests of `candidates` in one process; when that run did not
    /// succeed, once per candidate.
    fn run_all(
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
    fn run(&self, spec: &Spec, dir: &Path, binary: &Path, i: usize) -> std::io::Result<Verdict> {
        let output = self.run_tests(dir, binary, Some(i))?;
        Ok(judge_run(&output.view(i), spec, self.timeout, &output))
    }

    /// `None` when it compiled, else rustc's JSON diagnostics.
    fn compile(&self, dir: &Path, binary: &Path) -> std::io::Result<Option<String>> {
        let toolchain = self.toolchain()?;
        let mut cmd = Command::new(&toolchain.rustc);
        cmd.current_dir(dir)
            .env_clear()
            // The linker is found on PATH; temporary files stay in scratch.
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", dir)
            .env("TMPDIR", dir)
            // For the policy's `-Z` flags on a stable toolchain: this rustc only.
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "--edition",
                "2021",
                "--test",
                "--crate-name",
                "intent_candidate",
                "--error-format=json",
                "-A",
                "warnings",
                "-C",
                "debuginfo=0",
                "-C",
                "opt-level=0",
            ])
            .arg(format!("--emit=link,mir={MIR_FILE}"));
        if self.policy {
            cmd.args(policy::RUSTC_FLAGS);
        }
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            // A static test binary needs no dynamic loader, so the run may
            // execute that one file and nothing else.
            cmd.args(["-C", "target-feature=+crt-static"]);
        }
        cmd.arg("main.rs").arg("-o").arg(binary);
        let limits = Limits {
            cpu_seconds: self.timeout.as_secs() + 1,
            file_bytes: COMPILE_FILE_LIMIT,
            address_space: None,
        };
        self.confine(&mut cmd, Sandbox::compile(dir, &toolchain.sysroot, limits))?;
        let output = run_bounded(cmd, self.timeout, OUTPUT_LIMIT * 4)?;
        if output.timed_out {
            return Ok(Some(format!(
                "{{\"rendered\":\"error: compiling took longer than {} s\"}}",
                self.timeout.as_secs()
            )));
        }
        Ok(if output.success {
            None
        } else {
            Some(output.stderr)
        })
    }

    /// The test binary, confined: every test, or candidate `only`'s.
    fn run_tests(
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
    fn behaviour(
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
    fn run_harness(
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
        if let Some(diagnostics) = self.compile(&dir, &binary)? {
            let mut errors = Vec::new();
            for (check, message) in check_errors(&diagnostics, &spans) {
                let (at, what) = match check {
                    behaviour::Check::Assume => (file.locations.assume, "`assume`".to_string()),
                    behaviour::Check::Property(i) => (
                        file.locations.properties.get(i).copied(),
                        format!("property {i}"),
                    ),
                };
                let error = file.error_at(
                    at.unwrap_or_default(),
                    format!("{what} does not compile: {message}"),
                    match check {
                        behaviour::Check::Assume => "a `bool` expression over the parameters, e.g. `n > 0`",
                        behaviour::Check::Property(_) => "a `bool` expression over the parameters and `result`, e.g. `result.len() <= s.len()`",
                    },
                );
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
                    "an assumption some ordinary inputs meet (the README lists the values generated per type)",
                )]);
            }
        }
        Ok(Vec::new())
    }

    fn run_limits(&self) -> Limits {
        Limits {
            cpu_seconds: self.timeout.as_secs() + 1,
            file_bytes: FILE_LIMIT,
            address_space: Some(MEMORY_LIMIT_KIB * 1024),
        }
    }
}

/// One candidate's verdict from a test run: `view` is the run's output as
/// that candidate sees it ([`Bounded::view`]), `whole` the run itself.
fn judge_run(view: &RunView, spec: &Spec, timeout: Duration, whole: &Bounded) -> Verdict {
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
mod libc_signal {
    /// `SIGXCPU`: the CPU-time limit.
    pub const XCPU: i32 = 24;
    /// `SIGXFSZ`: the file-size limit.
    pub const XFSZ: i32 = 25;
}

/// Candidate `i`'s module name.
fn module(i: usize) -> String {
    format!("{CANDIDATE_MODULE}{i}")
}

/// Candidate `i`'s file name.
fn candidate_file(i: usize) -> String {
    format!("{}.rs", module(i))
}

/// Candidate `i`'s file: the prelude import on its first line (so line
/// numbers are the candidate's own), the code, then its tests.
fn candidate_text(code: &str, i: usize) -> String {
    format!(
        "{FILE_PREFIX}{code}\n#[cfg(test)]\ninclude!(\"{}_tests.rs\");\n",
        module(i)
    )
}

/// `main.rs`: the spec's prelude, the behaviour harness when there is one,
/// and one module per candidate in `open`.
fn crate_root(spec: &Spec, open: &[usize], harness: bool) -> String {
    let mut out = String::from("#![allow(unused, clippy::all)]\n");
    out.push_str(&spec.prelude);
    out.push('\n');
    if harness {
        out.push_str(&format!(
            "#[path = \"{HARNESS_FILE}\"]\npub mod {HARNESS_MODULE};\n"
        ));
    }
    for &i in open {
        out.push_str(&format!(
            "#[path = \"{}\"]\nmod {};\n",
            candidate_file(i),
            module(i)
        ));
    }
    out
}

/// Candidate `i`'s test module: one test per example, the extra tests, and
/// (ignored, run alone) the behaviour test when there is a `plan`. Each
/// example prints its result with the candidate's index, so one run serves
/// every candidate.
///
/// The module sits in the candidate's file, where a `macro_rules!` of the
/// candidate's is in scope: the macros the harness itself calls are named
/// by their full paths (`::core::assert_eq!`), so a candidate cannot make
/// an example pass by redefining `assert_eq!` to do nothing.
pub fn tests(spec: &Spec, candidate: usize, plan: Option<&Plan>) -> String {
    let marker = format!("{RESULT_MARKER}:{candidate}");
    let mut out = String::from("mod __intent_tests {\n    use super::*;\n");
    out.push_str(APPROX);
    for (i, example) in spec.examples.iter().enumerate() {
        let call = &example.call;
        match (&example.expected, example.tolerance) {
            (Expected::Panics, _) => out.push_str(&format!(
                "    #[test]\n    #[should_panic]\n    fn example_{i}() {{\n        let _ = {call};\n    }}\n"
            )),
            (Expected::Returns(expected), None) => out.push_str(&format!(
                "    #[test]\n    fn example_{i}() {{\n        let actual = {call};\n        ::std::println!(\"{marker} {i} {{:?}}\", actual);\n        \
                 ::core::assert_eq!(actual, {expected}, \"example {i}: `{}`\");\n    }}\n",
                call.escape_default()
            )),
            (Expected::Returns(expected), Some(tolerance)) => out.push_str(&format!(
                "    #[test]\n    fn example_{i}() {{\n        let actual = {call};\n        ::std::println!(\"{marker} {i} {{:?}}\", actual);\n        \
                 let expected = {expected};\n        ::core::assert!(Approx::approx(&actual, &expected, {tolerance:e}), \"example {i}: `{}`: expected {{:?}} (± {tolerance:e}), got {{:?}}\", expected, actual);\n    }}\n",
                call.escape_default()
            )),
        }
    }
    if !spec.tests.is_empty() {
        out.push_str("    #[test]\n    fn extra_tests() {\n");
        for line in spec.tests.lines() {
            out.push_str(&format!("        {line}\n"));
        }
        out.push_str("    }\n");
    }
    if let Some(plan) = plan {
        out.push_str(&behaviour::candidate_test(spec, plan, &spec.name));
    }
    out.push_str("}\n");
    out
}

/// rustc's error diagnostics (`--error-format=json`, one per line): each
/// line with its parsed value; warnings, notes and unparsable lines skipped.
fn error_diagnostics(json: &str) -> impl Iterator<Item = (&str, serde_json::Value)> {
    json.lines().filter_map(|line| {
        let value = serde_json::from_str::<serde_json::Value>(line).ok()?;
        (value["level"] == "error").then_some((line, value))
    })
}

/// The lines of rustc's errors with a span in a file `wanted` accepts.
fn errors_in(json: &str, wanted: impl Fn(&str) -> bool) -> Vec<&str> {
    error_diagnostics(json)
        .filter(|(_, value)| spans(value).any(|s| s["file_name"].as_str().is_some_and(&wanted)))
        .map(|(line, _)| line)
        .collect()
}

/// Errors whose primary span lies in one of the harness's check lines:
/// which check, and rustc's message with its label.
fn check_errors(json: &str, spans_of: &[behaviour::CheckSpan]) -> Vec<(behaviour::Check, String)> {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        let Some(span) = spans(&value)
            .find(|s| s["file_name"].as_str() == Some(HARNESS_FILE) && s["is_primary"] == true)
        else {
            continue;
        };
        let line_no = span["line_start"].as_u64().unwrap_or(0) as usize;
        let Some(check) = spans_of.iter().find(|c| c.lines.contains(&line_no)) else {
            continue;
        };
        let mut message = value["message"].as_str().unwrap_or_default().to_string();
        if let Some(label) = span["label"].as_str().filter(|l| !l.is_empty()) {
            message = format!("{message} ({label})");
        }
        out.push((check.check, message));
    }
    out
}

/// The errors of candidate `i` (their spans in its file or its tests'), as
/// rustc's JSON lines; `None` when it has none.
fn diagnostics_of(json: &str, i: usize) -> Option<String> {
    let file = candidate_file(i);
    let tests = format!("{}_tests.rs", module(i));
    let own = errors_in(json, |f| f == file || f == tests);
    (!own.is_empty()).then(|| own.join("\n"))
}

const APPROX: &str = r#"    trait Approx { fn approx(&self, other: &Self, tolerance: f64) -> bool; }
    impl Approx for f64 { fn approx(&self, o: &Self, t: f64) -> bool { (self - o).abs() <= t || self == o } }
    impl Approx for f32 { fn approx(&self, o: &Self, t: f64) -> bool { ((self - o).abs() as f64) <= t || self == o } }
    impl<T: Approx> Approx for Vec<T> { fn approx(&self, o: &Self, t: f64) -> bool { self.len() == o.len() && self.iter().zip(o).all(|(a, b)| a.approx(b, t)) } }
    impl<T: Approx> Approx for Option<T> { fn approx(&self, o: &Self, t: f64) -> bool { match (self, o) { (Some(a), Some(b)) => a.approx(b, t), (None, None) => true, _ => false } } }
    impl<A: Approx, B: Approx> Approx for (A, B) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) } }
    impl<A: Approx, B: Approx, C: Approx> Approx for (A, B, C) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) && self.2.approx(&o.2, t) } }
"#;

/// The `Debug` of each example's result, in example order.
fn results(stdout: &str, spec: &Spec) -> Vec<String> {
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

fn failing_tests(text: &str) -> Vec<String> {
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
fn failure_evidence(text: &str, spec: &Spec, failing: &[String]) -> String {
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
fn panic_messages(text: &str) -> Vec<(String, Vec<String>)> {
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
fn assert_eq_sides(message: &[String]) -> Option<(String, String)> {
    let side = |prefix: &str| {
        message
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_string()))
    };
    Some((side("left:")?, side("right:")?))
}

/// rustc's errors, compactly: for each (at most four) the line of the
/// candidate it points at, the message and its label, and rustc's help.
/// Notes that point into the standard library's source are left out: they
/// name files the model never saw.
pub fn rendered_errors(json: &str) -> String {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        let message = value["message"].as_str().unwrap_or_default();
        if message.starts_with("aborting due to") {
            continue;
        }
        let mut text = format!("error: {message}");
        let primary = spans(&value).find(|span| span["is_primary"] == true);
        if let Some(span) = primary {
            if let Some(label) = span["label"].as_str() {
                text.push_str(&format!(" ({label})"));
            }
            if let Some(source) = span["text"][0]["text"].as_str() {
                let source = source.trim();
                // Line 1 as the model wrote it, without the prelude import.
                let source = source
                    .strip_prefix(FILE_PREFIX.trim_end())
                    .unwrap_or(source);
                text.push_str(&format!(
                    "\n  line {}: {}",
                    span["line_start"],
                    source.trim()
                ));
            }
        }
        for child in value["children"].as_array().into_iter().flatten() {
            let Some(help) = child["message"].as_str() else {
                continue;
            };
            let in_std = spans(child).any(|span| {
                span["file_name"]
                    .as_str()
                    .is_some_and(|f| f.starts_with('/'))
            });
            if child["level"] != "help" || in_std {
                continue;
            }
            let replacement = spans(child).find_map(|span| span["suggested_replacement"].as_str());
            text.push_str(&format!("\n  help: {help}"));
            if let Some(r) = replacement.filter(|r| !r.is_empty()) {
                text.push_str(&format!(": `{}`", r.trim()));
            }
        }
        out.push(text);
        if out.len() >= 4 {
            break;
        }
    }
    if out.is_empty() {
        json.chars().take(2000).collect()
    } else {
        out.join("\n")
    }
}

/// How many errors rustc reported (its closing "aborting" line aside).
pub fn error_count(json: &str) -> usize {
    json.lines()
        .filter(|l| l.contains("\"level\":\"error\"") && !l.contains("aborting due to"))
        .count()
}

/// What rustc's errors teach a later round, without the candidate's code:
/// each error's message with its first help or note, and for a crate that
/// is not there, that only the standard library is (at most three).
pub fn error_lessons(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        let message = value["message"].as_str().unwrap_or_default();
        if message.starts_with("aborting due to") {
            continue;
        }
        let mut said = vec![message.to_string()];
        said.extend(spans(&value).filter_map(|s| s["label"].as_str().map(str::to_string)));
        let children = value["children"].as_array().into_iter().flatten();
        said.extend(
            children
                .clone()
                .filter_map(|c| c["message"].as_str().map(str::to_string)),
        );
        let missing_crate = said.iter().find_map(|text| {
            ["unlinked crate `", "missing a crate named `"]
                .iter()
                .find_map(|marker| text.split(marker).nth(1)?.split('`').next())
        });
        let lesson = match missing_crate {
            Some(name) => {
                format!("Only the standard library is available: the `{name}` crate is not.")
            }
            None => {
                let hint = children
                    .filter(|c| c["level"] == "help" || c["level"] == "note")
                    .filter(|c| {
                        !spans(c)
                            .any(|s| s["file_name"].as_str().is_some_and(|f| f.starts_with('/')))
                    })
                    .find_map(|c| {
                        let text = c["message"].as_str()?.lines().next()?.to_string();
                        let replacement = spans(c)
                            .find_map(|s| s["suggested_replacement"].as_str())
                            .filter(|r| !r.trim().is_empty());
                        Some(match replacement {
                            Some(r) => format!("{text}: `{}`", r.trim()),
                            None => text,
                        })
                    });
                match hint {
                    Some(hint) => format!("Avoid this error: {message}; {hint}."),
                    None => format!("Avoid this error: {message}."),
                }
            }
        };
        if !out.contains(&lesson) {
            out.push(lesson);
        }
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// The spans of a rustc diagnostic (or of one of its children).
fn spans(diagnostic: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    diagnostic["spans"].as_array().into_iter().flatten()
}

/// Which of rustc's suggestions to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggestions {
    /// Only machine-applicable ones, as `cargo fix` applies them.
    MachineApplicable,
    /// Every suggestion, "maybe incorrect" ones included: `cargo fix` cannot
    /// check those, but the gates re-run the examples on the result, so a
    /// wrong guess is caught like any wrong candidate.
    Any,
}

/// Applies rustc's suggestions for a candidate's file to its `code`. `None`
/// when there were none to apply.
///
/// The diagnostics are one candidate's (as [`Verdict::Failed`] holds them);
/// their byte offsets are in its file, whose first line starts with the
/// prelude import, so the suggestions are applied to that text and the
/// import taken out again. A suggestion outside the code (in the tests the
/// file includes) is not the candidate's to take.
pub fn apply_suggestions(code: &str, diagnostics: &str, which: Suggestions) -> Option<String> {
    let text = format!("{FILE_PREFIX}{code}");
    let ours = own_suggestions(&text, diagnostics, which);
    if ours.is_empty() {
        return None;
    }
    let fixed = rustfix::apply_suggestions(&text, &ours).ok()?;
    // An inserted `use` may come before the prelude import.
    let fixed = fixed.replacen(FILE_PREFIX, "", 1);
    (fixed != code).then_some(fixed)
}

/// rustc's suggestions whose every replacement lies in the candidate's
/// own `text` (its file: prelude import and code).
fn own_suggestions(text: &str, diagnostics: &str, which: Suggestions) -> Vec<rustfix::Suggestion> {
    let filter = match which {
        Suggestions::MachineApplicable => rustfix::Filter::MachineApplicableOnly,
        Suggestions::Any => rustfix::Filter::Everything,
    };
    let Ok(suggestions) = rustfix::get_suggestions_from_json(diagnostics, &HashSet::new(), filter)
    else {
        return Vec::new();
    };
    let in_code = |r: &rustfix::Replacement| {
        in_candidate_file(&r.snippet.file_name) && r.snippet.range.end <= text.len()
    };
    suggestions
        .into_iter()
        .filter(|s| {
            s.solutions
                .iter()
                .all(|sol| sol.replacements.iter().all(in_code))
        })
        .collect()
}

/// Whether rustc's `file` is a candidate's code (not the tests it includes).
fn in_candidate_file(file: &str) -> bool {
    file.starts_with(CANDIDATE_MODULE) && file.ends_with(".rs") && !file.ends_with("_tests.rs")
}

/// Every rustc suggestion for the candidate as edits of `code` (offsets in
/// `code`; an insertion before the prelude import goes to its start).
pub(crate) fn suggested_edits(code: &str, diagnostics: &str) -> Vec<super::variants::Edit> {
    let text = format!("{FILE_PREFIX}{code}");
    let offset = |at: usize| at.saturating_sub(FILE_PREFIX.len());
    own_suggestions(&text, diagnostics, Suggestions::Any)
        .iter()
        .flat_map(|s| s.solutions.first())
        .flat_map(|sol| &sol.replacements)
        .filter(|r| r.snippet.range.start >= FILE_PREFIX.len() || r.snippet.range.is_empty())
        .map(|r| super::variants::Edit {
            start: offset(r.snippet.range.start),
            end: offset(r.snippet.range.end),
            text: r.replacement.clone(),
            fix: None,
        })
        .collect()
}

/// Each error's message and primary span in the candidate's `code` (byte
/// offsets in `code`), for the errors whose span is in it.
pub(crate) fn candidate_errors(diagnostics: &str, code: &str) -> Vec<(String, usize, usize)> {
    error_diagnostics(diagnostics)
        .filter_map(|(_, value)| {
            let message = value["message"].as_str()?.to_string();
            let span = spans(&value).find(|span| span["is_primary"] == true)?;
            if !in_candidate_file(span["file_name"].as_str()?) {
                return None;
            }
            let in_code = |key: &str| {
                let at = span[key].as_u64()? as usize;
                at.checked_sub(FILE_PREFIX.len())
                    .filter(|at| *at <= code.len())
            };
            Some((message, in_code("byte_start")?, in_code("byte_end")?))
        })
        .collect()
}

struct Bounded {
    success: bool,
    /// The signal that ended it, if one did.
    signal: Option<i32>,
    timed_out: bool,
    truncated: bool,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` with a wall-clock timeout, keeping at most `limit` bytes of
/// each stream; past the limit or the timeout the process is killed.
fn run_bounded(mut cmd: Command, timeout: Duration, limit: usize) -> std::io::Result<Bounded> {
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
struct RunView {
    stdout: String,
    stderr: String,
}

impl Bounded {
    fn view(&self, i: usize) -> RunView {
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

fn exit_signal(status: std::process::ExitStatus) -> Option<i32> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One rustc JSON diagnostic line.
    fn diagnostic(message: &str, children: serde_json::Value) -> String {
        serde_json::json!({
            "level": "error",
            "message": message,
            "spans": [{
                "file_name": "candidate0.rs", "is_primary": true, "line_start": 3,
                "label": "expected `char`, found `i32`",
                "text": [{ "text": "    s.push(a);" }]
            }],
            "children": children,
        })
        .to_string()
    }

    #[test]
    fn rendered_errors_keep_line_message_and_help_but_not_std_notes() {
        let json = [
            diagnostic(
                "mismatched types",
                serde_json::json!([
                    { "level": "note", "message": "method defined here",
                      "spans": [{ "file_name": "/rustc/abc/library/alloc/src/string.rs" }] },
                    { "level": "help", "message": "try converting",
                      "spans": [{ "file_name": "candidate0.rs", "suggested_replacement": "char::from(a)" }] }
                ]),
            ),
            r#"{"level":"error","message":"aborting due to 1 previous error","spans":[],"children":[]}"#.into(),
        ]
        .join("\n");
        assert_eq!(
            rendered_errors(&json),
            "error: mismatched types (expected `char`, found `i32`)\n  line 3: s.push(a);\n  help: try converting: `char::from(a)`"
        );
        assert_eq!(error_count(&json), 1);
    }

    #[test]
    fn at_most_four_errors_are_rendered() {
        let json: Vec<String> = (0..6)
            .map(|i| diagnostic(&format!("error number {i}"), serde_json::json!([])))
            .collect();
        let rendered = rendered_errors(&json.join("\n"));
        assert_eq!(rendered.matches("error: ").count(), 4);
        assert!(!rendered.contains("error number 4"));
    }

    #[test]
    fn error_lessons_leave_the_code_out_and_name_missing_crates() {
        let crate_missing = serde_json::json!({
            "level": "error", "message": "unresolved import `regex`",
            "spans": [{ "file_name": "candidate0.rs", "is_primary": true,
                        "label": "use of unresolved module or unlinked crate `regex`" }],
            "children": [],
        })
        .to_string();
        let json = [crate_missing, diagnostic("mismatched types", serde_json::json!([
            { "level": "help", "message": "try converting",
              "spans": [{ "file_name": "candidate0.rs", "suggested_replacement": "char::from(a)" }] }
        ]))]
        .join("\n");
        assert_eq!(
            error_lessons(&json),
            [
                "Only the standard library is available: the `regex` crate is not.",
                "Avoid this error: mismatched types; try converting: `char::from(a)`.",
            ]
        );
    }
}
