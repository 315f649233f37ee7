//! Spec → prompt → candidate → gates → repair → candidate ready to accept.
//!
//! Each round asks the router for a completion, extracts the function (parse
//! gate), compiles and runs it against the examples and extra tests. A
//! compile failure first gets rustc's machine-applicable suggestions, as
//! `cargo fix` does; what still fails goes back to the model as evidence.
//! Rounds are bounded, and every one is recorded in the report.

pub mod accept;
pub mod extract;
pub mod gates;
pub mod policy;
pub mod prompt;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::lock::ModelIdentity;
use crate::provider::router::Router;
use crate::provider::Request;
use crate::spec::{sha256_hex, SpecFile};
use gates::{Gate, GateRunner, Verdict};

/// A GBNF grammar confining output to one fenced Rust block. Backticks cannot
/// appear inside the block, which Rust code rarely needs.
pub const RUST_BLOCK_GRAMMAR: &str = "root ::= \"```rust\\n\" [^`]* \"```\"\n";

/// How generation runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Repair rounds after the first candidate.
    pub repair_rounds: u32,
    /// Constrain output with [`RUST_BLOCK_GRAMMAR`] where the provider supports it.
    pub grammar: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            repair_rounds: 3,
            grammar: true,
        }
    }
}

/// One gate's verdict in a round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateVerdict {
    /// The gate's name ([`Gate::name`]).
    pub gate: String,
    /// Whether it passed.
    pub passed: bool,
}

impl GateVerdict {
    fn of(gate: Gate, passed: bool) -> GateVerdict {
        GateVerdict {
            gate: gate.name().into(),
            passed,
        }
    }
}

/// One round in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoundReport {
    /// 0 for the first candidate.
    pub round: u32,
    /// The provider that answered.
    pub provider: Option<String>,
    /// Its model identity.
    pub model: Option<ModelIdentity>,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
    /// Seconds the model took.
    pub model_seconds: f64,
    /// Seconds the gates took.
    pub gate_seconds: f64,
    /// Whether the completion came from the response cache.
    pub cached: bool,
    /// Gate verdicts in order.
    pub gates: Vec<GateVerdict>,
    /// Whether rustc's suggestions were applied, and whether that alone made it pass.
    pub rustfix_applied: bool,
    /// Whether the suggestions alone made the candidate pass.
    pub rustfix_saved: bool,
    /// Why the round failed.
    pub failure: Option<String>,
    /// The code the gates judged (after rustc's fixes), or the raw answer
    /// when no code could be extracted from it.
    pub code: Option<String>,
}

/// A candidate that passed every gate.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The formatted code.
    pub code: String,
    /// The model that wrote it.
    pub identity: ModelIdentity,
    /// `params-hash` of the provider's generation parameters.
    pub params_hash: String,
    /// `sha256:` of the examples' results' `Debug` output.
    pub functional_hash: String,
    /// Gates passed.
    pub gates: Vec<String>,
}

/// What happened to one intent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntentReport {
    /// Intent name.
    pub name: String,
    /// Every round.
    pub rounds: Vec<RoundReport>,
    /// `accepted`, `pending`, `unchanged`, `failed`.
    pub outcome: String,
    /// The last gate reached when it failed.
    pub last_gate: Option<String>,
    /// Why it failed.
    pub reason: Option<String>,
}

/// Phases shown by progress displays.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Waiting for the model in a round.
    Generating(u32),
    /// Running gates in a round.
    Checking(u32),
    /// A completion arrived: tokens and tokens/s.
    Generated {
        /// Tokens generated.
        tokens: u32,
        /// Speed.
        per_second: f64,
    },
}

/// Generates and verifies code for `spec`, repairing up to `options.repair_rounds` times.
pub fn generate(
    spec: &SpecFile,
    router: &Router,
    runner: &GateRunner,
    options: &Options,
    phase: &dyn Fn(Phase),
) -> (IntentReport, Option<Candidate>) {
    let name = spec.spec.name.clone();
    let mut report = IntentReport {
        name: name.clone(),
        rounds: Vec::new(),
        outcome: "failed".into(),
        last_gate: None,
        reason: None,
    };
    let first = prompt::first(&spec.spec);
    // Repairs continue the conversation: the first request, the previous
    // answer (as the gates saw it), then what failed. Small models fix their
    // own answer far more often this way than from one long message.
    let mut history: Vec<(String, String)> = Vec::new();
    let mut user = first.clone();
    for round in 0..=options.repair_rounds {
        phase(Phase::Generating(round));
        let request = Request {
            system: prompt::SYSTEM.to_string(),
            history: history.clone(),
            user: user.clone(),
            stop: Vec::new(),
            // Each provider's own `max-tokens`; the router sets it.
            max_tokens: 0,
            grammar: options.grammar.then(|| RUST_BLOCK_GRAMMAR.to_string()),
            round,
        };
        let mut rr = RoundReport {
            round,
            provider: None,
            model: None,
            prompt_tokens: 0,
            completion_tokens: 0,
            model_seconds: 0.0,
            gate_seconds: 0.0,
            cached: false,
            gates: Vec::new(),
            rustfix_applied: false,
            rustfix_saved: false,
            failure: None,
            code: None,
        };
        let routed = match router.complete(&request, round) {
            Ok(routed) => routed,
            Err(err) => {
                rr.failure = Some(err.to_string());
                report.rounds.push(rr);
                report.last_gate = Some("model".into());
                report.reason = Some(err.to_string());
                // A rambling answer is the model's failure, not the provider's:
                // ask again in the next round. Anything else ends generation.
                let truncated = err
                    .failures
                    .last()
                    .is_some_and(|(_, e)| e.kind == crate::provider::ErrorKind::Truncated);
                if !truncated {
                    return (report, None);
                }
                history = Vec::new();
                user = format!("{first}\n\nKeep the answer short: only the function, no explanations or tests.");
                continue;
            }
        };
        phase(Phase::Generated {
            tokens: routed.completion.completion_tokens,
            per_second: routed.completion.tokens_per_second(),
        });
        rr.provider = Some(routed.label.clone());
        rr.model = Some(routed.identity.clone());
        rr.prompt_tokens = routed.completion.prompt_tokens;
        rr.completion_tokens = routed.completion.completion_tokens;
        rr.model_seconds = routed.completion.elapsed.as_secs_f64();
        rr.cached = routed.cached;
        let params_hash = router.providers()[routed.provider].params().hash();

        phase(Phase::Checking(round));
        let started = std::time::Instant::now();
        let extracted = extract::extract(&routed.completion.text, &spec.spec).or_else(|reason| {
            rescue_unparsable(
                runner,
                spec,
                &routed.completion.text,
                &format!("{name}-r{round}-raw"),
                reason,
                &mut rr,
            )
        });
        let code = match extracted {
            Ok(code) => code,
            Err(reason) => {
                rr.gates.push(GateVerdict::of(Gate::Parse, false));
                rr.failure = Some(reason.clone());
                rr.code = Some(routed.completion.text.clone());
                report.last_gate = Some(Gate::Parse.name().into());
                report.reason = Some(reason.clone());
                history = vec![(first.clone(), routed.completion.text.clone())];
                user = prompt::repair(&spec.spec, &format!("It could not be used: {reason}."));
                rr.gate_seconds = started.elapsed().as_secs_f64();
                report.rounds.push(rr);
                continue;
            }
        };
        rr.gates.push(GateVerdict::of(Gate::Parse, true));
        let tag = format!("{name}-r{round}");
        let (code, verdict) = match check_with_fixes(runner, spec, code, &tag, &mut rr) {
            Ok(pair) => pair,
            Err(e) => {
                let reason = format!("cannot run the gates: {e}");
                rr.failure = Some(reason.clone());
                report.rounds.push(rr);
                report.reason = Some(reason);
                return (report, None);
            }
        };
        rr.gate_seconds = started.elapsed().as_secs_f64();
        rr.code = Some(code.clone());
        match verdict {
            Verdict::Passed { results } => {
                rr.rustfix_saved |= rr.rustfix_applied;
                let mut passed = vec![Gate::Compile, Gate::Policy, Gate::Examples];
                if !spec.spec.tests.is_empty() {
                    passed.push(Gate::Tests);
                }
                for gate in &passed {
                    rr.gates.push(GateVerdict::of(*gate, true));
                }
                let gates: Vec<String> = std::iter::once(Gate::Parse)
                    .chain(passed)
                    .map(|g| g.name().to_string())
                    .collect();
                report.rounds.push(rr);
                report.outcome = "generated".into();
                report.last_gate = None;
                report.reason = None;
                let candidate = Candidate {
                    code,
                    identity: routed.identity,
                    params_hash,
                    functional_hash: sha256_hex(results.join("\n").as_bytes()),
                    gates,
                };
                return (report, Some(candidate));
            }
            Verdict::Failed { gate, evidence, .. } => {
                // A policy refusal may come before or after compiling (it
                // judges compile-time macros first): record the refusal alone.
                let order: &[Gate] = if gate == Gate::Policy {
                    &[Gate::Policy]
                } else {
                    &[Gate::Compile, Gate::Policy, Gate::Examples, Gate::Tests]
                };
                for &g in order {
                    if g == gate {
                        rr.gates.push(GateVerdict::of(g, false));
                        break;
                    }
                    rr.gates.push(GateVerdict::of(g, true));
                }
                rr.failure = Some(evidence.clone());
                report.last_gate = Some(gate.to_string());
                report.reason = Some(first_line(&evidence));
                history = vec![(first.clone(), format!("```rust\n{code}\n```"))];
                user = prompt::repair(&spec.spec, &evidence);
                report.rounds.push(rr);
            }
        }
    }
    (report, None)
}

/// A block `syn` cannot read (a multi-character `'IV'` literal, say) goes
/// to rustc as it is: its machine-applicable suggestions may make it valid,
/// and otherwise its diagnostics are far better repair evidence than the
/// parser's message.
fn rescue_unparsable(
    runner: &GateRunner,
    spec: &SpecFile,
    reply: &str,
    tag: &str,
    reason: String,
    rr: &mut RoundReport,
) -> Result<String, String> {
    if !reason.starts_with("the code does not parse") {
        return Err(reason);
    }
    let Some(block) = extract::primary_block(reply, &spec.spec.name) else {
        return Err(reason);
    };
    let Ok(Verdict::Failed {
        gate: Gate::Compile,
        diagnostics: Some(diagnostics),
        ..
    }) = runner.check(&spec.spec, &block, tag)
    else {
        return Err(reason);
    };
    let fixed =
        gates::apply_suggestions(&block, &diagnostics, gates::Suggestions::MachineApplicable)
            .or_else(|| gates::apply_suggestions(&block, &diagnostics, gates::Suggestions::Any));
    if let Some(fixed) = fixed {
        rr.rustfix_applied = true;
        if let Ok(code) = extract::extract(&fixed, &spec.spec) {
            return Ok(code);
        }
    }
    Err(format!(
        "{reason}\n{}",
        gates::rendered_errors(&diagnostics)
    ))
}

/// Runs the gates; on a compile failure applies rustc's machine-applicable
/// suggestions and re-checks, keeping the fix only if it got further.
fn check_with_fixes(
    runner: &GateRunner,
    spec: &SpecFile,
    code: String,
    tag: &str,
    rr: &mut RoundReport,
) -> std::io::Result<(String, Verdict)> {
    let verdict = runner.check(&spec.spec, &code, tag)?;
    let Verdict::Failed {
        gate: Gate::Compile,
        diagnostics: Some(diagnostics),
        ..
    } = &verdict
    else {
        return Ok((code, verdict));
    };
    let errors = |d: &str| {
        d.lines()
            .filter(|l| l.contains("\"level\":\"error\"") && !l.contains("aborting due to"))
            .count()
    };
    let mut best = (errors(diagnostics), code.clone(), verdict.clone());
    let mut current = code.clone();
    let mut current_diagnostics = diagnostics.clone();
    // Like cargo fix: a few rounds, each re-verified, stopping when nothing applies.
    // Machine-applicable suggestions first, as `cargo fix`; then any
    // suggestion, since the gates check the result either way.
    for attempt in 0..4 {
        let fixed = gates::apply_suggestions(
            &current,
            &current_diagnostics,
            gates::Suggestions::MachineApplicable,
        )
        .or_else(|| {
            gates::apply_suggestions(&current, &current_diagnostics, gates::Suggestions::Any)
        });
        let Some(fixed) = fixed else {
            break;
        };
        rr.rustfix_applied = true;
        let fixed_verdict = runner.check(&spec.spec, &fixed, &format!("{tag}-fix{attempt}"))?;
        match fixed_verdict {
            Verdict::Failed {
                gate: Gate::Compile,
                diagnostics: Some(d),
                ..
            } => {
                let count = errors(&d);
                if count < best.0 {
                    best = (
                        count,
                        fixed.clone(),
                        Verdict::Failed {
                            gate: Gate::Compile,
                            evidence: gates::rendered_errors(&d),
                            diagnostics: Some(d.clone()),
                        },
                    );
                }
                current = fixed;
                current_diagnostics = d;
            }
            other => {
                rr.rustfix_saved = matches!(other, Verdict::Passed { .. });
                return Ok((fixed, other));
            }
        }
    }
    // Still not compiling: keep whichever version has the fewest errors (the
    // original unless a fix helped), so the model repairs the better one.
    Ok((best.1, best.2))
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect()
}

impl IntentReport {
    /// Model and gate seconds over every round: the last generation's cost.
    pub fn seconds(&self) -> f64 {
        self.rounds
            .iter()
            .map(|r| r.model_seconds + r.gate_seconds)
            .sum()
    }
}

/// The reports in the report file, or `None` when there is none (or it is
/// from an incompatible version: it is a log, not an input).
pub fn read_report(path: &std::path::Path) -> Option<Vec<IntentReport>> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The report file, `target/intent/report.json`.
pub fn write_report(path: &std::path::Path, reports: &[IntentReport]) -> crate::Result<()> {
    let text =
        serde_json::to_string_pretty(reports).map_err(|e| crate::Error::Config(e.to_string()))?;
    crate::lock::write_atomic(path, text.as_bytes())
}

/// Default wall-clock limit per gate step.
pub const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(10);
