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

mod answer;
mod run;
mod rustc;
mod scratch;

use run::*;
use rustc::*;
pub use rustc::{apply_suggestions, error_count, error_lessons, rendered_errors, Suggestions};
pub(crate) use rustc::{candidate_errors, suggested_edits};
pub use scratch::tests;
use scratch::*;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
    /// Every gate, in the order they judge a candidate.
    pub const ALL: [Gate; 6] = [
        Gate::Parse,
        Gate::Compile,
        Gate::Policy,
        Gate::Examples,
        Gate::Tests,
        Gate::Properties,
    ];

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
        let mut scratch = Scratch::write(&self.scratch.join(tag), spec, codes)?;
        let compiled = self.compile_open(spec, codes, tag, &mut scratch, &mut verdicts)?;
        self.judge_compiled(spec, &scratch, &compiled, &mut verdicts)?;
        Ok(verdicts
            .into_iter()
            .map(|v| v.expect("every candidate judged"))
            .collect())
    }

    /// Compiles the candidates without a verdict until what is left
    /// compiles; each failed compile settles at least one candidate (by its
    /// own diagnostics) or hands the rest to single runs. Returns the
    /// candidates in the compiled binary.
    fn compile_open(
        &self,
        spec: &Spec,
        codes: &[String],
        tag: &str,
        scratch: &mut Scratch,
        verdicts: &mut [Option<Verdict>],
    ) -> std::io::Result<Vec<usize>> {
        loop {
            let open: Vec<usize> = (0..codes.len())
                .filter(|&i| verdicts[i].is_none())
                .collect();
            if open.is_empty() {
                return Ok(Vec::new());
            }
            scratch.write_root(spec, &open)?;
            let Some(diagnostics) = self.compile(&scratch.dir, &scratch.binary())? else {
                return Ok(open);
            };
            if scratch.plan.is_some() && !errors_in(&diagnostics, |f| f == HARNESS_FILE).is_empty()
            {
                // The inputs do not fit the types (a generator's gap, or a
                // prelude type it misread): judge without behaviour rather
                // than refuse every candidate.
                scratch.drop_plan(spec)?;
                continue;
            }
            let mut settled = false;
            for &i in &open {
                if let Some(own) = diagnostics_of(&diagnostics, i) {
                    verdicts[i] = Some(self.compile_failure(own));
                    settled = true;
                }
            }
            if !settled {
                // Errors no candidate owns (a timeout, a linker failure):
                // alone, each candidate gets its own answer.
                if let [only] = open[..] {
                    verdicts[only] = Some(Verdict::Failed {
                        gate: Gate::Compile,
                        evidence: rendered_errors(&diagnostics),
                        diagnostics: Some(diagnostics),
                    });
                } else {
                    for &i in &open {
                        verdicts[i] = Some(self.check(spec, &codes[i], &format!("{tag}-{i}"))?);
                    }
                }
                return Ok(Vec::new());
            }
        }
    }

    /// A candidate's own compile errors: the policy's when `unsafe` was
    /// what failed, the compile gate's otherwise.
    fn compile_failure(&self, own: String) -> Verdict {
        let gate = if self.policy && own.contains("\"code\":\"unsafe_code\"") {
            Gate::Policy
        } else {
            Gate::Compile
        };
        Verdict::Failed {
            gate,
            evidence: rendered_errors(&own),
            diagnostics: Some(own),
        }
    }

    /// The gates after the compile, for the `compiled` candidates: the MIR
    /// policy, then the examples and tests, then behaviour and properties.
    fn judge_compiled(
        &self,
        spec: &Spec,
        scratch: &Scratch,
        compiled: &[usize],
        verdicts: &mut [Option<Verdict>],
    ) -> std::io::Result<()> {
        if compiled.is_empty() {
            return Ok(());
        }
        if self.policy {
            let mir = std::fs::read_to_string(scratch.dir.join(MIR_FILE))?;
            for &i in compiled {
                if let Some(refusal) = policy::refusal_in_mir(&mir, &module(i), &spec.capabilities)
                {
                    verdicts[i] = Some(Verdict::policy(refusal));
                }
            }
        }
        let runnable: Vec<usize> = compiled
            .iter()
            .copied()
            .filter(|&i| verdicts[i].is_none())
            .collect();
        let binary = scratch.binary();
        for (i, mut verdict) in self.run_all(spec, &scratch.dir, &binary, &runnable)? {
            if let (Some(plan), Verdict::Passed { behaviour, .. }) = (&scratch.plan, &mut verdict) {
                let (seen, violation) = self.behaviour(plan, &scratch.dir, &binary, i)?;
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
        Ok(())
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
}
