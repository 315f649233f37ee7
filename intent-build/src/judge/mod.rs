//! A candidate's way through the gates, one typed stage after another:
//!
//! 1. *extract* — an answer becomes `Parsed::Code` (the parse
//!    gate; a block `syn` cannot read goes to rustc once, for its
//!    suggestions), or is judged there (no answer, no code);
//! 2. *check* — a round's extracted candidates go through the policy, one
//!    shared compile, the batched repairs of [`variants`], the examples,
//!    tests, behaviour and properties together ([`GateRunner::check_all`]),
//!    each ending as a [`Attempt`];
//! 3. *conclude* — each check becomes a [`Judged`], the candidate's line in
//!    the report and its judgement.
//!
//! No stage calls back into an earlier one; what a round does with its
//! judged candidates is `generate::round`'s: judging never imports generation.

pub mod behaviour;
pub(crate) mod calls;
pub mod checks;
pub mod extract;
pub mod gates;
pub mod inputs;
pub mod mutants;
pub mod near_miss;
pub mod policy;
pub mod std_paths;
mod rescue;
pub mod variants;

use behaviour::Behaviour;
use gates::{GateRunner, Verdict};
use variants::{Attempt, Mending, Repairs};
use crate::files::sha256_hex;
use crate::gate::Gate;
use crate::lockfile::{Confidence, ModelIdentity};
use crate::report::{CandidateReport, GateRecord};
use crate::provider::routed::{Routed, RouterError};
use crate::provider::ErrorKind;
use crate::spec::{Spec, SpecFile};

/// A candidate that passed every gate: what acceptance records.
#[derive(Debug, Clone)]
pub struct PassingCandidate {
    /// The formatted code.
    pub code: String,
    /// The model that wrote it.
    pub identity: ModelIdentity,
    /// The prompt template that asked for it (`intent-prompt/2`), set by
    /// the generation that accepts it; empty for code no prompt asked for.
    pub prompt: String,
    /// `params-hash` of the provider's generation parameters.
    pub params_hash: String,
    /// `sha256:` of the examples' results' `Debug` output.
    pub functional_hash: String,
    /// Gates passed, in order.
    pub gates: Vec<Gate>,
    /// What it did on the generated inputs (`None`: no inputs for its types).
    pub behaviour: Option<Behaviour>,
    /// Its group's size and the passing candidates compared.
    pub agreement: Option<(usize, usize)>,
    /// What vouched for it, once accepted.
    pub confidence: Option<Confidence>,
    /// The `output-hash` of each used intent it was verified with.
    pub uses: std::collections::BTreeMap<String, String>,
    /// The version of each crate its spec names, as the gates built it.
    pub crates: std::collections::BTreeMap<String, String>,
    /// `snapshots/NAME.checks`' text: the checks drawn from the description
    /// that it passed, once accepted; `None` when none was agreed.
    pub checks: Option<String>,
}


/// What the gates made of one candidate.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Its line in the report.
    pub report: CandidateReport,
    pub(super) judgement: Judgement,
}

#[derive(Debug, Clone)]
pub(super) enum Judgement {
    /// The model gave no answer.
    NoAnswer(RouterError),
    /// A gate refused it.
    Refused {
        gate: Gate,
        evidence: String,
        /// rustc's JSON diagnostics when it did not compile.
        diagnostics: Option<String>,
        /// The code judged, or the raw reply when no code came out of it.
        code: String,
    },
    /// The gates themselves could not run (no rustc, unwritable scratch):
    /// the one error every candidate of the batch shares.
    Broken(std::sync::Arc<std::io::Error>),
    /// Every gate passed.
    Passed { candidate: Box<PassingCandidate> },
}

impl Judged {
    /// The accepted candidate, when this one passed.
    pub fn into_candidate(self) -> Option<PassingCandidate> {
        match self.judgement {
            Judgement::Passed { candidate } => Some(*candidate),
            _ => None,
        }
    }

    /// How far it got: a later gate failed means a better candidate to
    /// repair from. `None` for no answer.
    fn progress(&self) -> Option<usize> {
        match &self.judgement {
            Judgement::Refused { gate, .. } => Some(gate.rank()),
            _ => None,
        }
    }

    pub(super) fn truncated(&self) -> bool {
        matches!(&self.judgement, Judgement::NoAnswer(e) if is_truncated(e))
    }

    /// Whether it passed every gate.
    pub fn passed(&self) -> bool {
        matches!(self.judgement, Judgement::Passed { .. })
    }
}

/// The refused candidate that got furthest through the gates (the lowest
/// index among equals): what names a failed round, and what conversation
/// repair shows the model.
pub(super) fn furthest(judged: &[Judged]) -> Option<&Judged> {
    judged
        .iter()
        .filter(|j| j.progress().is_some())
        .max_by_key(|j| (j.progress(), std::cmp::Reverse(j.report.index)))
}

pub(super) fn is_truncated(error: &RouterError) -> bool {
    error
        .failures
        .last()
        .is_some_and(|(_, e)| e.kind == ErrorKind::Truncated)
}

/// What the parse gate made of an answer.
enum Parsed {
    /// Code, waiting for the round's shared check.
    Code(Extracted),
    /// Judged already: no answer, or no code in it.
    Judged(Judged),
}

/// An answer the parse gate took: its code, waiting for the round's shared
/// check.
struct Extracted {
    report: CandidateReport,
    code: String,
    routed: Routed,
}

/// Judges a round's answers through the stages: `extract_one` each (the
/// parse gate; an answer that fails it is judged there), then
/// `check_and_repair` every extracted candidate together, then `conclude`
/// each. Judgements in candidate order.
pub fn judge_all(
    runner: &GateRunner,
    spec: &SpecFile,
    round: u32,
    answers: Vec<Result<Routed, RouterError>>,
    tag: &str,
    mending: Mending,
) -> Vec<Judged> {
    let parsed: Vec<Parsed> = answers
        .into_iter()
        .enumerate()
        .map(|(index, answer)| {
            extract_one(runner, spec, (round, index as u32), answer, tag)
        })
        .collect();
    let codes: Vec<String> = parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::Code(extracted) => Some(extracted.code.clone()),
            Parsed::Judged(_) => None,
        })
        .collect();
    // Extraction is timed per candidate; this is the shared compile and
    // run, and the shared compiles of the variants of those that failed.
    let started = std::time::Instant::now();
    let checked = check_and_repair(runner, &spec.spec, codes, tag, mending);
    // The shared runs' time, split evenly: what each candidate cost.
    let share = started.elapsed().as_secs_f64() / checked.len().max(1) as f64;
    let mut checked = checked.into_iter();
    parsed
        .into_iter()
        .map(|parsed| match parsed {
            Parsed::Judged(judged) => judged,
            Parsed::Code(mut extracted) => {
                let checked = checked.next().expect("one verdict per extracted candidate");
                extracted.report.gate_seconds += share;
                conclude(spec, extracted, checked)
            }
        })
        .collect()
}

/// The gates for every extracted candidate in one shared compile and run,
/// then the batched repairs of those that did not compile
/// ([`Repairs`]): one batched walk of the gates per pass.
fn check_and_repair(
    runner: &GateRunner,
    spec: &Spec,
    codes: Vec<String>,
    tag: &str,
    mending: Mending,
) -> Vec<Result<Attempt, std::sync::Arc<std::io::Error>>> {
    if codes.is_empty() {
        return Vec::new();
    }
    let judged = runner.check_all(spec, &codes, tag).and_then(|verdicts| {
        let mut judged: Vec<Attempt> = codes
            .iter()
            .zip(verdicts)
            .map(|(code, verdict)| Attempt {
                code: code.clone(),
                verdict,
                fixes: Vec::new(),
            })
            .collect();
        // Variants that import what std does not have die at compile; the
        // toolchain's own list leaves them out (as the grammar does for
        // decoded candidates).
        let std = runner.sysroot().ok().and_then(|s| std_paths::StdPaths::of_sysroot(&s));
        let mut repairs = Repairs::new(mending.rewrites).with_std(std);
        while let Some(fresh) = repairs.propose(&judged) {
            if fresh.is_empty() {
                // Every variant was judged in an earlier pass.
                repairs.settle(&mut judged, fresh, Vec::new());
                continue;
            }
            let pass_tag = format!("{tag}-fix{}", repairs.pass() - 1);
            let checked = runner.check_all(spec, &fresh, &pass_tag)?;
            repairs.settle(&mut judged, fresh, checked);
        }
        if mending.near_misses {
            near_miss::mend(runner, spec, &mut judged, tag)?;
        }
        Ok(judged)
    });
    match judged {
        Ok(judged) => judged.into_iter().map(Ok).collect(),
        Err(e) => {
            let e = std::sync::Arc::new(e);
            codes.iter().map(|_| Err(e.clone())).collect()
        }
    }
}

/// The report line and parse gate of one answer.
fn extract_one(
    runner: &GateRunner,
    spec: &SpecFile,
    (round, index): (u32, u32),
    answer: Result<Routed, RouterError>,
    tag: &str,
) -> Parsed {
    let mut report = CandidateReport {
        index,
        ..CandidateReport::default()
    };
    let routed = match answer {
        Ok(routed) => routed,
        Err(error) => {
            report.failure = Some(error.to_string());
            report.code = error.failures.last().and_then(|(_, e)| e.partial.clone());
            return Parsed::Judged(Judged {
                report,
                judgement: Judgement::NoAnswer(error),
            });
        }
    };
    let sampling = routed.params.sampling(round, index);
    report.seed = (sampling.temperature > 0.0).then_some(sampling.seed);
    report.provider = Some(routed.label.clone());
    report.model = Some(routed.identity.clone());
    report.prompt_tokens = routed.completion.prompt_tokens;
    report.completion_tokens = routed.completion.completion_tokens;
    report.model_seconds = routed.completion.elapsed.as_secs_f64();
    report.cached = routed.cached;

    let started = std::time::Instant::now();
    let reply = routed.completion.text.clone();
    let extracted = extract::extract(&reply, &spec.spec).or_else(|reason| {
        let tag = format!("{tag}-c{index}-raw");
        rescue::rescue_unparsable(runner, spec, &reply, &tag, reason, &mut report.rustfix_applied)
    });
    report.gate_seconds = started.elapsed().as_secs_f64();
    match extracted {
        Ok(code) => {
            report.gates.push(GateRecord::of(Gate::Parse, true));
            Parsed::Code(Extracted {
                report,
                code,
                routed,
            })
        }
        Err(unrescued) => {
            let reason = unrescued.to_string();
            report.gates.push(GateRecord::of(Gate::Parse, false));
            report.failure = Some(reason.clone());
            report.code = Some(reply.clone());
            Parsed::Judged(Judged {
                report,
                judgement: Judgement::Refused {
                    gate: Gate::Parse,
                    evidence: reason,
                    diagnostics: None,
                    code: reply,
                },
            })
        }
    }
}

/// The judgement of an extracted candidate from its final verdict.
fn conclude(
    spec: &SpecFile,
    extracted: Extracted,
    checked: Result<Attempt, std::sync::Arc<std::io::Error>>,
) -> Judged {
    let Extracted {
        mut report, routed, ..
    } = extracted;
    let (code, verdict) = match checked {
        Ok(judging) => {
            report.rustfix_applied |= !judging.fixes.is_empty();
            report.fixes = judging.fixes;
            (judging.code, judging.verdict)
        }
        Err(e) => {
            report.failure = Some(format!("cannot run the gates: {e}"));
            return Judged {
                report,
                judgement: Judgement::Broken(e),
            };
        }
    };
    report.code = Some(code.clone());
    let judgement = match verdict {
        Verdict::Passed { results, behaviour } => {
            report.rustfix_saved |= report.rustfix_applied;
            let passed = Gate::passed(&spec.spec, behaviour.is_some());
            report
                .gates
                .extend(passed.iter().filter(|g| g.rank() > Gate::Parse.rank()).map(|g| GateRecord::of(*g, true)));
            Judgement::Passed {
                candidate: Box::new(PassingCandidate {
                    code,
                    identity: routed.identity,
                    prompt: String::new(),
                    params_hash: routed.params.hash(),
                    // The behaviour on generated inputs says more than the
                    // examples' results, when there is one.
                    functional_hash: behaviour.as_ref().map_or_else(
                        || sha256_hex(results.join("\n").as_bytes()),
                        Behaviour::hash,
                    ),
                    gates: passed,
                    behaviour,
                    agreement: None,
                    confidence: None,
                    uses: Default::default(),
                    crates: Default::default(),
                    checks: None,
                }),
            }
        }
        Verdict::Failed {
            gate,
            evidence,
            diagnostics,
        } => {
            report.gates.extend(
                gate.verdicts_after_parse()
                    .into_iter()
                    .map(|(g, passed)| GateRecord::of(g, passed)),
            );
            report.failure = Some(evidence.clone());
            Judgement::Refused {
                gate,
                evidence,
                diagnostics,
                code,
            }
        }
    };
    Judged { report, judgement }
}
