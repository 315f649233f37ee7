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
use crate::report::{CandidateChecks, ChecksReport, Claim, Question};
use crate::spec::{parameters_of, Expected, Spec};

/// What the checks said of the candidate about to be accepted.
pub(super) struct Checked {
    /// The sets, the agreed checks and every passing candidate's failures.
    pub report: ChecksReport,
    /// The question when that candidate fails agreed checks, and how many
    /// it fails.
    pub question: Option<(Question, usize)>,
}

/// Asks for the checks of `gated` (prompted as `prompt_spec` shows it) and
/// judges every passing candidate of `pool` on the agreed ones, `accepted`
/// (a pool index) first among them.
pub(super) fn judge(
    gated: &Spec,
    prompt_spec: &Spec,
    pool: &Pool,
    accepted: usize,
    router: &Router,
    runner: &GateRunner,
    floats: bool,
    phase: &dyn Fn(Phase),
) -> Checked {
    phase(Phase::DescriptionChecks);
    let mut report = ask(prompt_spec, router);
    evaluate(gated, runner, &mut report.sets);
    report.agreed = checks::agreed(&report.sets);
    if report.agreed.is_empty() {
        return Checked { report, question: None };
    }
    let passing: Vec<(usize, &str)> = pool
        .all
        .iter()
        .enumerate()
        .filter_map(|(i, j)| match &j.judgement {
            Judgement::Passed { candidate } => Some((i, candidate.code.as_str())),
            _ => None,
        })
        .collect();
    let codes: Vec<String> = passing.iter().map(|(_, code)| code.to_string()).collect();
    // Gates that cannot run judge nothing: no candidate is stopped.
    let outcomes = runner
        .run_on_checks(gated, &codes, &report.agreed)
        .unwrap_or_else(|_| vec![None; codes.len()]);
    let mut failed_here = Vec::new();
    for ((i, _), outcomes) in passing.iter().zip(outcomes) {
        let failed = outcomes.map_or_else(Vec::new, |o| checks::failures(&report.agreed, &o, floats));
        let (round, index) = pool.origin[*i];
        if *i == accepted && !failed.is_empty() {
            failed_here = failed.clone();
            report.blocked = Some((round as u32, index as u32));
        }
        report.candidates.push(CandidateChecks {
            round: round as u32,
            index: index as u32,
            failed,
        });
    }
    let question = (!failed_here.is_empty())
        .then(|| (question(pool, accepted, &report.agreed, &failed_here, floats), failed_here.len()));
    Checked { report, question }
}

/// The sets the model wrote; each answer that could not be had or read is
/// a dropped set.
fn ask(spec: &Spec, router: &Router) -> ChecksReport {
    let request = Request {
        system: prompt::CHECKS_SYSTEM.to_string(),
        history: Vec::new(),
        user: prompt::checks(spec),
        stop: Vec::new(),
        // Each provider's own `max-tokens`; the router sets it.
        max_tokens: 0,
        grammar: None,
        round: 0,
        candidate: 0,
    };
    let arity = parameters_of(&spec.signature).len();
    let mut report = ChecksReport::default();
    for answer in router.complete_many(&request, 0, DESCRIPTION_CHECK_SETS) {
        let set = match answer {
            Ok(routed) => {
                report.tokens += routed.completion.completion_tokens;
                report.seconds = report.seconds.max(routed.completion.elapsed.as_secs_f64());
                let read = checks::parse(&routed.completion.text, &spec.name, arity, &spec.description);
                CheckSet {
                    author: routed.identity.name.clone(),
                    dropped: read.is_empty().then(|| "no check could be read from the answer".into()),
                    checks: read,
                }
            }
            Err(error) => CheckSet {
                dropped: Some(format!("no answer: {error}")),
                ..CheckSet::default()
            },
        };
        report.sets.push(set);
    }
    report
}

/// Evaluates every check's expected value (confined), then drops each set
/// that contradicts an example of `spec` or makes no call beyond them.
fn evaluate(spec: &Spec, runner: &GateRunner, sets: &mut [CheckSet]) {
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
        claims: shown
            .iter()
            .map(|f| {
                let check = &agreed[f.check];
                Claim {
                    expect: check.expect.clone(),
                    value: check.value.clone(),
                    sets: check.sets,
                    of: check.of,
                    quote: check.quote.clone(),
                }
            })
            .collect(),
    }
}

/// The reason an intent the checks stopped gives, in one line.
pub(super) fn reason(question: &Question, failed: usize, agreed: usize) -> String {
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
