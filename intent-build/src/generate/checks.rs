//! The description's checks in a generation ([`crate::judge::checks`]).
//!
//! They are asked for only when an intent is about to accept — a round
//! where nothing passed needs none, so no decode is spent on them there —
//! in [`DESCRIPTION_CHECK_SETS`] independent answers to a prompt that shows
//! no candidate code ([`prompt::checks`]). Each set is read, its values
//! evaluated confined, and a set that contradicts a spec example or adds
//! no call beyond them is dropped. Every passing candidate then runs on the
//! agreed checks' calls; when the candidate about to be accepted fails one,
//! the acceptance stops and the intent ends as a question showing the
//! call, what the code returns and what the checks expect. Checks never
//! choose between candidates by themselves: they block, and the author
//! answers.

use super::options::DESCRIPTION_CHECK_SETS;
use super::pool::Pool;
use super::prompt;
use super::round;
use crate::judge::checks::{self, Agreed, CheckSet, Failure};
use crate::judge::gates::GateRunner;
use crate::judge::Judgement;
use crate::progress::Phase;
use crate::provider::router::Router;
use crate::provider::Request;
use crate::report::{CandidateChecks, ChecksReport, Question};
use crate::spec::{parameters_of, Expected, Spec};

/// Most tokens one set of checks may take, however long the description.
/// 192 rather than 256: on the 1.5B's 15 realistic intents that ask, the
/// same checks stopped the same acceptances for 17% fewer tokens (the
/// checks that decide come early in a set; `BENCHMARKS.md`).
const MOST_CHECK_TOKENS: u32 = 192;
/// Fewest: a one-sentence description's one or two checks and their quote.
const FEWEST_CHECK_TOKENS: u32 = 96;

/// Tokens one set of checks may take for `spec`: about half a token per
/// character of its description beyond a base, within the bounds above.
/// The checks are asked rule by rule, so a short description has little
/// to check, and a set that runs on mostly repeats itself: with the 1.5B
/// a flat 256 added about half the wall time of an MBPP intent (whose
/// descriptions are one sentence) against about a quarter of a realistic
/// one (`BENCHMARKS.md`).
fn check_tokens(spec: &Spec) -> u32 {
    let sized = 64 + spec.description.len() / 2;
    (sized as u32).clamp(FEWEST_CHECK_TOKENS, MOST_CHECK_TOKENS)
}

/// What the checks said of the candidate about to be accepted.
pub(super) struct Checked {
    /// The sets, the agreed checks and every passing candidate's failures.
    pub report: ChecksReport,
    /// The question when that candidate fails agreed checks, and the
    /// reason the intent gives.
    pub question: Option<(Question, String)>,
}

/// One intent's generation as the checks judge it.
pub(super) struct Judging<'a> {
    /// The spec as the gates judge it.
    pub gated: &'a Spec,
    /// The spec as prompts show it.
    pub prompted: &'a Spec,
    /// Every candidate judged so far.
    pub pool: &'a Pool,
    /// Whether outcomes hold floats (compared rounded).
    pub floats: bool,
}

/// Asks for the checks of `j`'s intent and judges every passing candidate
/// of its pool on the agreed ones; the question is about the candidate at
/// pool index `accepted`.
pub(super) fn judge(
    j: &Judging<'_>,
    accepted: usize,
    router: &Router,
    runner: &GateRunner,
    phase: &dyn Fn(Phase),
) -> Checked {
    let (gated, pool, floats) = (j.gated, j.pool, j.floats);
    phase(Phase::DescriptionChecks);
    let mut report = ask(j.prompted, router);
    let examples = evaluate(gated, runner, &mut report.sets);
    // A check of an example's own call says nothing the examples gate has
    // not: it is neither counted nor run.
    report.agreed = checks::agreed(&report.sets);
    report.agreed.retain(|a| !examples.iter().any(|e| e.call == a.call));
    if report.agreed.is_empty() {
        return Checked { report, question: None };
    }
    report.candidates = score(pool, gated, runner, &report.agreed, floats);
    let failed: Vec<Failure> = report
        .candidates
        .iter()
        .find(|c| pool.origin[accepted] == (c.round as usize, c.index as usize))
        .map_or_else(Vec::new, |c| c.failed.clone());
    if failed.is_empty() {
        return Checked { report, question: None };
    }
    let (round, index) = pool.origin[accepted];
    report.blocked = Some((round as u32, index as u32));
    let question = question(pool, accepted, &report.agreed, &failed, floats);
    let reason = reason(&question, failed.len(), report.agreed.len());
    Checked {
        report,
        question: Some((question, reason)),
    }
}

/// Every passing candidate of `pool` run on the `agreed` checks: the ones
/// each failed. Gates that cannot run judge nothing, and stop no one.
fn score(pool: &Pool, spec: &Spec, runner: &GateRunner, agreed: &[Agreed], floats: bool) -> Vec<CandidateChecks> {
    let passing: Vec<(usize, String)> = pool
        .all
        .iter()
        .enumerate()
        .filter_map(|(i, j)| match &j.judgement {
            Judgement::Passed { candidate } => Some((i, candidate.code.clone())),
            _ => None,
        })
        .collect();
    let codes: Vec<String> = passing.iter().map(|(_, code)| code.clone()).collect();
    let outcomes = runner
        .run_on_checks(spec, &codes, agreed)
        .unwrap_or_else(|_| vec![None; codes.len()]);
    passing
        .iter()
        .zip(outcomes)
        .map(|((i, _), outcomes)| {
            let (round, index) = pool.origin[*i];
            CandidateChecks {
                round: round as u32,
                index: index as u32,
                failed: outcomes.map_or_else(Vec::new, |o| checks::failures(agreed, &o, floats)),
            }
        })
        .collect()
}

/// The sets the model wrote; each answer that could not be had or read is
/// a dropped set.
fn ask(spec: &Spec, router: &Router) -> ChecksReport {
    let request = Request {
        system: prompt::CHECKS_SYSTEM.to_string(),
        history: Vec::new(),
        user: prompt::checks(spec),
        stop: Vec::new(),
        // A set is useful cut short (its complete lines are read), and one
        // that rambles on costs no more than this.
        max_tokens: check_tokens(spec),
        grammar: None,
        round: 0,
        candidate: 0,
    };
    let arity = parameters_of(&spec.signature).len();
    let mut report = ChecksReport::default();
    let started = std::time::Instant::now();
    let answers = router.complete_many(&request, 0, DESCRIPTION_CHECK_SETS);
    // The batch's wall time: what the checks added to the intent.
    report.seconds = started.elapsed().as_secs_f64();
    for answer in answers {
        let set = match answer {
            Ok(routed) => {
                report.tokens += routed.completion.completion_tokens;
                let read = checks::parse(&routed.completion.text, &spec.name, arity, &spec.description);
                CheckSet {
                    author: routed.identity.name.clone(),
                    dropped: read.is_empty().then(|| "no check could be read from the answer".into()),
                    checks: read,
                }
            }
            // Cut at the token limit: its complete checks count.
            Err(error) => match error.failures.last().and_then(|(_, e)| e.partial.clone()) {
                Some(partial) => {
                    report.tokens += request.max_tokens;
                    let read = checks::parse(&partial, &spec.name, arity, &spec.description);
                    CheckSet {
                        author: error.failures.last().map(|(label, _)| label.clone()).unwrap_or_default(),
                        dropped: read.is_empty().then(|| "cut at the token limit before a check could be read".into()),
                        checks: read,
                    }
                }
                None => CheckSet {
                    dropped: Some(format!("no answer: {error}")),
                    ..CheckSet::default()
                },
            },
        };
        report.sets.push(set);
    }
    report
}

/// Evaluates every check's expected value (confined), then drops each set
/// that contradicts an example of `spec` or makes no call beyond them; the
/// examples, read as checks.
fn evaluate(spec: &Spec, runner: &GateRunner, sets: &mut [CheckSet]) -> Vec<checks::Check> {
    let examples = example_checks(spec);
    let mut all: Vec<checks::Check> = examples.clone();
    for set in sets.iter() {
        all.extend(set.checks.iter().cloned());
    }
    // Gates that cannot run leave every value unknown: no check is agreed.
    let values = runner.expected_values(spec, &all).unwrap_or_else(|_| vec![None; all.len()]);
    let (known, mut values) = (values[..examples.len()].to_vec(), values[examples.len()..].iter().cloned());
    for set in sets.iter_mut() {
        for check in &mut set.checks {
            check.value = values.next().flatten();
        }
        if set.dropped.is_some() {
            continue;
        }
        let contradiction = set.checks.iter().find_map(|check| {
            let k = examples.iter().position(|e| e.call == check.call)?;
            let (Some(expected), Some(value)) = (&known[k], &check.value) else { return None };
            (expected != value).then(|| format!("it expects {value} of `{}`, an example says {expected}", check.call))
        });
        let new = set
            .checks
            .iter()
            .any(|c| c.value.is_some() && !examples.iter().any(|e| e.call == c.call));
        set.dropped = match (contradiction, new) {
            (Some(why), _) => Some(format!("contradicts an example: {why}")),
            (None, false) => Some("no check that compiled makes a call beyond the examples".into()),
            (None, true) => None,
        };
    }
    examples
}

/// The spec's value examples, read as checks (canonical calls), so a set
/// that contradicts one can be told.
fn example_checks(spec: &Spec) -> Vec<checks::Check> {
    let arity = parameters_of(&spec.signature).len();
    spec.examples
        .iter()
        .filter(|e| e.tolerance.is_none())
        .filter_map(|e| match &e.expected {
            Expected::Returns(v) => {
                let text = format!("assert_eq!({}, {v});", e.call);
                checks::parse(&text, &spec.name, arity, "").pop()
            }
            Expected::Panics => None,
        })
        .collect()
}

/// The question for the candidate at pool index `accepted`, which fails
/// `failed`: the first three calls, its group's answers, what the checks
/// expect.
fn question(pool: &Pool, accepted: usize, agreed: &[Agreed], failed: &[Failure], floats: bool) -> Question {
    let shown: Vec<&Failure> = failed.iter().take(3).collect();
    let group = round::groups(&pool.all, floats)
        .into_iter()
        .find(|g| g.members.contains(&(accepted as u32)))
        .unwrap_or(crate::report::Group {
            members: vec![accepted as u32],
        });
    Question {
        calls: shown.iter().map(|f| agreed[f.check].call.clone()).collect(),
        groups: vec![(group, shown.iter().map(|f| f.got.clone()).collect())],
        passing: pool.passed(),
        claims: shown.iter().map(|f| agreed[f.check].clone()).collect(),
    }
}

/// The reason an intent the checks stopped gives, in one line.
fn reason(question: &Question, failed: usize, agreed: usize) -> String {
    let first = match (question.calls.first(), question.groups.first(), question.claims.first()) {
        (Some(call), Some((_, got)), Some(claim)) => format!(
            ": `{call}` returned {}, the checks expect {}",
            got.first().map_or("?", String::as_str),
            claim.value
        ),
        _ => String::new(),
    };
    format!(
        "the code about to be accepted fails {failed} of {agreed} agreed check(s) drawn from the description{first}"
    )
}
