//! Generation: spec → prompt → candidates → judged → lessons → a candidate
//! ready to accept.
//!
//! Each round asks the router for several *independent* candidates of one
//! prompt (the first greedy, the others sampled with seeds of their own),
//! has every one judged ([`crate::judge`]), and accepts by behaviour and
//! candidate index, never by which finished first. When none passes, what
//! the failures teach goes into the next round's prompt as lessons ("the
//! `regex` crate is not available"), never as failed code for a small model
//! to copy; the older conversation repair, which shows the model its own
//! answer, stays an option ([`Repair`]). Rounds are bounded, and every
//! candidate of every round is recorded in the report ([`crate::report`]).
//!
//! Passing the examples is not the end: every passing candidate runs on
//! inputs generated from the signature, the spec's properties must hold on
//! all of them, and the candidates are grouped by what they did. The largest
//! group wins when it is a clear majority; otherwise the user is asked about
//! the inputs that split them. When only the model changed, the behaviour
//! pinned at the last acceptance must be kept.
//!
//! Generation imports judging; judging never imports generation.

mod checks;
pub mod grammar;
pub mod options;
mod pool;
pub mod prompt;
pub mod replay;
pub mod round;
pub mod uses;

pub use crate::lockfile::Confidence;
use crate::provider::router::Router;
use crate::provider::Request;
use crate::judge::inputs;
use crate::report::{Decoding, DecodingStop, IntentReport, RoundReport};
pub use crate::settings::{Repair, DEFAULT_GATE_TIMEOUT};
use crate::judge::gates::GateRunner;
use crate::judge::{self, Judged, PassingCandidate};
use crate::spec::SpecFile;
pub use options::{
    GrammarKind, Options, DEFAULT_AGREEMENT, DEFAULT_MAX_CANDIDATES, DEFAULT_QUORUM,
    DEFAULT_SEEK_RIVAL, RUST_BLOCK_GRAMMAR,
};
use pool::{Pool, Unaccepted};
use round::{Next, RoundOutcome};
use uses::prompted;
pub use uses::{gated, Used};

pub use crate::progress::Phase;

/// Generates and verifies code for `spec`. Each round asks the router for
/// its candidates of one prompt and judges them; every passing candidate of
/// every round joins one pool, grouped by behaviour. A candidate is
/// accepted when its group is a clear majority of the pool and holds at
/// least `options.quorum` candidates. With fewer, the next round samples
/// more from the same prompt (new seeds), up to `options.max_candidates`;
/// then the lone behaviour becomes a question. A round where none passed
/// is followed by one with lessons, at most `options.repair_rounds` times.
pub fn generate(
    spec: &SpecFile,
    router: &Router,
    runner: &GateRunner,
    options: &Options,
    phase: &dyn Fn(Phase),
) -> (IntentReport, Option<PassingCandidate>) {
    let mut g = Generation::new(spec, router, options);
    let mut replay = options.answered.as_ref();
    for round in 0.. {
        let (want, judged) = match replay.take().and_then(|a| replay_round(&g, router, runner, options, a, phase)) {
            Some(replayed) => replayed,
            None => {
                let budget = options.max_candidates.saturating_sub(g.pool.decoded).max(1);
                let want = router.candidates(round).min(budget);
                let judged = ask_round(
                    &g.gated, router, runner, options, &g.next, round, want, phase,
                );
                (want, judged)
            }
        };
        let latest = g.record(round, want, judged);
        phase(Phase::Judged {
            round,
            decoded: g.pool.decoded,
            passed: g.pool.passed(),
        });
        let flow = g.after(latest, options);
        g.report.decoding = g.stopped(&flow, options);
        match flow {
            Flow::Again => continue,
            Flow::Accept(index) => {
                let floats = g.choice.floats;
                g.report.split = round::split(&g.pool.all, floats);
                if let Some((question, reason)) = g.check_description(index, router, runner, options, phase) {
                    Unaccepted::Checks(question, reason).conclude(&mut g.report, &g.pool, g.quorum, floats);
                    return (g.report, None);
                }
                return g.pool.accept(g.report, index, &g.gated, options, floats);
            }
            Flow::End(step) => {
                g.report.split = round::split(&g.pool.all, g.choice.floats);
                if let Some(step) = step {
                    step.conclude(&mut g.report, &g.pool, g.quorum, g.choice.floats);
                }
                return (g.report, None);
            }
        }
    }
    unreachable!("the rounds end by returning")
}

/// One intent's generation: what every round reads and what they gathered.
struct Generation<'a> {
    report: IntentReport,
    /// The spec as prompts show it (used intents by signature).
    prompt_spec: crate::spec::Spec,
    /// The spec as the gates judge it (used intents' code in the prelude).
    gated: SpecFile,
    choice: round::Choice<'a>,
    /// Candidates that must agree; one when a round asks for one (a
    /// greedy, repeatable setting whose later rounds would only echo it).
    quorum: usize,
    pool: Pool,
    /// What the next round asks.
    next: Next,
    failed_rounds: u32,
}

/// What the loop does after a round.
enum Flow {
    /// Ask another round.
    Again,
    /// Accept the candidate at this pool index.
    Accept(usize),
    /// Stop without accepting, and how (`None`: the report says it).
    End(Option<Unaccepted>),
}

impl<'a> Generation<'a> {
    fn new(spec: &SpecFile, router: &Router, options: &'a Options) -> Generation<'a> {
        let mut report = IntentReport::new(&spec.spec.name);
        let gated = gated(spec, &options.used);
        let plan = inputs::plan(&gated.spec);
        report.behaviour_unchecked = plan.as_ref().err().map(ToString::to_string);
        let prompt_spec = prompted(&spec.spec, &options.used);
        Generation {
            report,
            next: Next::first(&prompt_spec),
            prompt_spec,
            gated,
            choice: round::Choice {
                threshold: options.agreement,
                floats: plan.as_ref().is_ok_and(|p| p.floats),
                pinned: options.pinned.as_ref(),
            },
            quorum: if router.candidates(0) > 1 {
                // The user's answers count as one vote beside the candidates'.
                let user = options.answered.as_ref().map_or(0, |a| a.answers.min(1));
                options.quorum.saturating_sub(user).max(1)
            } else {
                1
            },
            pool: Pool::default(),
            failed_rounds: 0,
        }
    }

    /// The checks drawn from the description, before the candidate at pool
    /// index `index` is accepted: the question (and the reason the intent
    /// gives) when it fails any. They do not apply with checks off, to
    /// a behaviour pinned at the last acceptance (the user reviewed it; the
    /// checks are a model's word), or where no input can be built.
    fn check_description(
        &mut self,
        index: usize,
        router: &Router,
        runner: &GateRunner,
        options: &Options,
        phase: &dyn Fn(Phase),
    ) -> Option<(crate::report::Question, String)> {
        if !options.description_checks || self.choice.pinned.is_some() || self.report.behaviour_unchecked.is_some() {
            return None;
        }
        let judging = checks::Judging {
            gated: &self.gated.spec,
            prompted: &self.prompt_spec,
            pool: &self.pool,
            floats: self.choice.floats,
            seconded: options.seconded_checks.then_some(self.quorum),
            batching: options.batching,
            sets: options.check_sets,
            probes: options.probes,
        };
        let checked = checks::judge(&judging, index, router, runner, phase);
        self.report.checks = Some(checked.report);
        checked.question
    }

    /// What the decoding budget came to after a round that ends the
    /// intent (`None` while it goes on).
    fn stopped(&self, flow: &Flow, options: &Options) -> Option<Decoding> {
        let spent = self.pool.decoded >= options.max_candidates;
        let stopped = match flow {
            Flow::Again => return None,
            Flow::Accept(_) if self.choice.pinned.is_some() => DecodingStop::PinnedKept,
            Flow::Accept(_) => DecodingStop::Decided,
            // The checks' question comes after the vote decided.
            Flow::End(Some(Unaccepted::Checks(..))) => DecodingStop::Decided,
            Flow::End(Some(Unaccepted::Changed(_))) => DecodingStop::Changed,
            Flow::End(Some(Unaccepted::Thin(..))) => DecodingStop::BudgetSpent,
            Flow::End(Some(Unaccepted::Ask(_))) if !spent => DecodingStop::Split,
            Flow::End(None) if self.failed_rounds > options.repair_rounds => DecodingStop::RoundsSpent,
            Flow::End(None) if !spent => DecodingStop::Stopped,
            Flow::End(_) => DecodingStop::BudgetSpent,
        };
        Some(Decoding {
            decoded: self.pool.decoded,
            budget: options.max_candidates,
            stopped,
        })
    }

    /// Adds a round's `want` judged candidates to the report and the pool;
    /// their indices in the pool.
    fn record(&mut self, round: u32, want: u32, judged: Vec<Judged>) -> std::ops::Range<usize> {
        self.pool.decoded += want;
        self.report.rounds.push(RoundReport {
            round,
            lessons: self.next.lessons.clone(),
            candidates: judged.iter().map(|j| j.report.clone()).collect(),
            groups: round::groups(&judged, self.choice.floats),
        });
        self.pool.add(round, judged)
    }

    /// Decides over the pool (or the latest round, while nothing passed)
    /// what comes after the round at `latest`.
    fn after(&mut self, latest: std::ops::Range<usize>, options: &Options) -> Flow {
        let outcome = if self.pool.any_passed() {
            round::decide(&self.pool.all, &self.choice)
        } else {
            round::decide(&self.pool.all[latest.clone()], &self.choice)
        };
        let more = self.pool.decoded < options.max_candidates;
        match outcome {
            RoundOutcome::Accept(index) => {
                let support = self.pool.support(index, self.choice.floats);
                // Keeping the pinned behaviour is evidence of its own.
                let kept_pin = self.choice.pinned.is_some();
                // Seeking needs independent samples, as the quorum does: with
                // a quorum of 1 (the rule before quorums, or one candidate a
                // round) a thin acceptance stands. Without generated inputs
                // no rival could show itself: nothing compares them.
                let seek = options.seek_rival
                    && self.quorum > 1
                    && self.report.behaviour_unchecked.is_none()
                    && support < crate::lockfile::BROAD_SUPPORT
                    && more;
                if kept_pin || (support >= self.quorum && !seek) {
                    Flow::Accept(index)
                } else if more {
                    Flow::Again
                } else {
                    Flow::End(Some(Unaccepted::Thin(index, support)))
                }
            }
            RoundOutcome::Ask(question) => {
                let largest = question.groups.first().map_or(0, |(g, _)| g.members.len());
                if largest < self.quorum && more {
                    Flow::Again
                } else {
                    Flow::End(Some(Unaccepted::Ask(question)))
                }
            }
            RoundOutcome::Retry { gate, reason } => {
                self.failed_rounds += 1;
                self.report.last_gate = Some(gate);
                self.report.reason = Some(reason);
                if self.failed_rounds > options.repair_rounds || !more {
                    return Flow::End(None);
                }
                let failed = &self.pool.all[latest];
                self.next = self.next.after(&self.prompt_spec, failed, options.repair);
                Flow::Again
            }
            RoundOutcome::Changed(changes) => Flow::End(Some(Unaccepted::Changed(changes))),
            RoundOutcome::Stop { gate, reason } => {
                self.report.last_gate = Some(gate);
                self.report.reason = Some(reason);
                Flow::End(None)
            }
        }
    }
}

/// Round 0 of an intent the user answered about: the candidates that passed
/// before, judged again against the spec as it now reads; what they cost in
/// decodes, and their judgements. `None` when they cannot be replayed (a
/// provider that wrote one is gone), and the round decodes instead.
fn replay_round(
    g: &Generation<'_>,
    router: &Router,
    runner: &GateRunner,
    options: &Options,
    answered: &replay::Answered,
    phase: &dyn Fn(Phase),
) -> Option<(u32, Vec<Judged>)> {
    let answers = answered.answers(router)?;
    phase(Phase::Checking(0));
    let tag = format!("{}-replay", g.gated.spec.name);
    let mut judged = judge::judge_all(runner, &g.gated, 0, answers, &tag, options.mending());
    for j in &mut judged {
        j.report.replayed = true;
    }
    Some((answered.decoded.max(judged.len() as u32), judged))
}

/// One round: the request for `next`, `want` candidates decoded, every
/// one judged.
#[allow(clippy::too_many_arguments)]
fn ask_round(
    spec: &SpecFile,
    router: &Router,
    runner: &GateRunner,
    options: &Options,
    next: &Next,
    round: u32,
    want: u32,
    phase: &dyn Fn(Phase),
) -> Vec<Judged> {
    phase(Phase::Generating(round));
    // What std really has, from the toolchain the gates compile with.
    let std = options
        .std_paths
        .then(|| runner.sysroot().ok())
        .flatten()
        .and_then(|sysroot| crate::judge::std_paths::StdPaths::of_sysroot(&sysroot));
    let request = Request {
        system: prompt::SYSTEM.to_string(),
        history: next.history.clone(),
        user: next.user.clone(),
        stop: if options.answer_stops {
            options::ANSWER_STOPS.iter().map(|s| s.to_string()).collect()
        } else {
            Vec::new()
        },
        // Each provider's own `max-tokens`; the router sets it.
        max_tokens: 0,
        grammar: match options.grammar {
            GrammarKind::Off => None,
            GrammarKind::Fence => Some(RUST_BLOCK_GRAMMAR.to_string()),
            GrammarKind::Policy => Some(grammar::for_imports(&spec.spec.prelude, &spec.spec.crates, std.as_deref())),
            GrammarKind::Signature => Some(grammar::for_spec(&spec.spec, std.as_deref())),
        },
        round,
        candidate: 0,
        batching: options.batching,
    };
    let answers = router.complete_many(&request, round, want);
    // One line for the round: every candidate's tokens over the batch's time.
    let (tokens, seconds) = answers.iter().flatten().fold((0u32, 0f64), |(t, s), r| {
        (
            t + r.completion.completion_tokens,
            s.max(r.completion.elapsed.as_secs_f64()),
        )
    });
    if tokens > 0 {
        phase(Phase::Generated {
            tokens,
            per_second: if seconds > 0.0 {
                f64::from(tokens) / seconds
            } else {
                0.0
            },
        });
    }
    phase(Phase::Checking(round));
    let tag = format!("{}-r{round}", spec.spec.name);
    judge::judge_all(runner, spec, round, answers, &tag, options.mending())
}

