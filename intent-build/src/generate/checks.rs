//! The description's checks in a generation ([`crate::judge::checks`]).
//!
//! They are asked for only when an intent is about to accept — a round
//! where nothing passed needs none, so no decode is spent on them there —
//! in [`Options::check_sets`](super::Options::check_sets) independent answers to a prompt that shows
//! no candidate code ([`prompt::checks`]). Each set is read, its values
//! evaluated confined, and a set that contradicts a spec example or adds
//! no call beyond them is dropped. Every passing candidate then runs on the
//! agreed checks' calls; when the candidate about to be accepted fails one,
//! the acceptance stops and the intent ends as a question showing the
//! call, what the code returns and what the checks expect. Checks never
//! choose between candidates by themselves: they block, and the author
//! answers.

use super::pool::Pool;
use super::prompt;
use super::round;
use crate::judge::behaviour::CallOutcome;
use crate::judge::checks::{self, Agreed, CheckSet, Failure};
use crate::judge::gates::GateRunner;
use crate::judge::Judgement;
use crate::progress::Phase;
use crate::provider::router::Router;
use crate::provider::{Batching, Request};
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

/// Most calls one probe asks about: the first the passing candidates
/// split on, in the order of the generated inputs (smallest first).
const PROBE_CALLS: usize = 3;

/// Tokens a probe may take for each call: the value and the line's end.
const PROBE_TOKENS_PER_CALL: u32 = 32;

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
    /// With [`Options::seconded_checks`], how many other passing
    /// candidates must pass a check too few sets gave for it to stop the
    /// acceptance: the quorum, the evidence a reading needs to be accepted
    /// (`None`: such checks stop nothing).
    ///
    /// [`Options::seconded_checks`]: super::Options::seconded_checks
    pub seconded: Option<usize>,
    /// The early ends the sets' decode may be cut at.
    pub batching: Batching,
    /// How many sets to ask for ([`Options::check_sets`]).
    ///
    /// [`Options::check_sets`]: super::Options::check_sets
    pub sets: u32,
    /// Whether the calls the passing candidates split on are asked about
    /// when the sets stop nothing ([`Options::probes`]).
    ///
    /// [`Options::probes`]: super::Options::probes
    pub probes: bool,
}

/// Asks for the checks of `j`'s intent and judges every passing candidate
/// of its pool on them; the question is about the candidate at pool index
/// `accepted`, when it fails an agreed check, or else a check one set gave
/// that another passing candidate passes, or else (with probes) a value
/// the model gave for a call the passing candidates split on.
pub(super) fn judge(
    j: &Judging<'_>,
    accepted: usize,
    router: &Router,
    runner: &GateRunner,
    phase: &dyn Fn(Phase),
) -> Checked {
    let mut checked = judge_sets(j, accepted, router, runner, phase);
    if checked.question.is_none() && j.probes {
        checked.question = probe(j, accepted, router, runner, &mut checked.report);
    }
    checked
}

/// [`judge`] on the sets alone.
fn judge_sets(
    j: &Judging<'_>,
    accepted: usize,
    router: &Router,
    runner: &GateRunner,
    phase: &dyn Fn(Phase),
) -> Checked {
    let (gated, pool, floats) = (j.gated, j.pool, j.floats);
    phase(Phase::DescriptionChecks);
    let mut report = ask(j.prompted, router, j.batching, j.sets);
    let examples = evaluate(gated, runner, &mut report.sets);
    // A check of an example's own call says nothing the examples gate has
    // not: it is neither counted nor run.
    let mut claims = checks::uncontested(&report.sets);
    claims.retain(|a| !examples.iter().any(|e| e.call == a.call));
    let (agreed, lone): (Vec<Agreed>, Vec<Agreed>) = claims.into_iter().partition(checks::is_agreed);
    let lone = if j.seconded.is_some() { lone } else { Vec::new() };
    report.agreed = agreed;
    if report.agreed.is_empty() && lone.is_empty() {
        return Checked { report, question: None };
    }
    let run: Vec<Agreed> = report.agreed.iter().chain(&lone).cloned().collect();
    let outcomes = outcomes(pool, gated, runner, &run);
    let split = report.agreed.len();
    report.candidates = outcomes
        .iter()
        .map(|(i, o)| {
            let (round, index) = pool.origin[*i];
            CandidateChecks {
                round: round as u32,
                index: index as u32,
                failed: o.as_ref().map_or_else(Vec::new, |o| checks::failures(&report.agreed, &o[..split], floats)),
            }
        })
        .collect();
    let accepted_outcomes = outcomes.iter().find(|(i, _)| *i == accepted).and_then(|(_, o)| o.as_ref());
    let Some(own) = accepted_outcomes else {
        return Checked { report, question: None };
    };
    let failed = checks::failures(&report.agreed, &own[..split], floats);
    let (claims, failed, witnesses) = if failed.is_empty() {
        let witnesses = Witnesses { all: &outcomes, accepted, split, needed: j.seconded.unwrap_or(1) };
        let found = seconded(&lone, &own[split..], &witnesses, floats);
        if found.is_empty() {
            return Checked { report, question: None };
        }
        report.seconded = found.iter().map(|(f, _)| lone[f.check].clone()).collect();
        let witness = found[0].1;
        let failed: Vec<Failure> = found.into_iter().map(|(f, _)| f).collect();
        (lone, failed, Some(witness))
    } else {
        (report.agreed.clone(), failed, None)
    };
    let (round, index) = pool.origin[accepted];
    report.blocked = Some((round as u32, index as u32));
    let shown = Shown { claims: &claims, failed: &failed, outcomes: &outcomes, split };
    let question = question(pool, accepted, witnesses, &shown, floats);
    let stop = if witnesses.is_some() { Stop::Seconded } else { Stop::Agreed };
    let reason = reason(&question, failed.len(), claims.len(), stop);
    Checked {
        report,
        question: Some((question, reason)),
    }
}

/// When the sets stopped nothing: asks the model, in [`Judging::sets`]
/// independent answers, what the description says of the calls on which
/// the code at pool index `accepted` and another passing candidate answer
/// differently (the model writes only the values: the calls are the
/// grammar's). A value most answers give (at least two,
/// [`checks::majority`]) that the code fails and another passing candidate
/// returns stops the acceptance: the model's
/// reading of the description takes one side of a split the code already
/// shows, never a side no program took. The sets chose their calls
/// themselves and seldom wrote the limit that split the candidates
/// (`to_roman(4000)` in 1 set of 5 on the realistic set).
fn probe(
    j: &Judging<'_>,
    accepted: usize,
    router: &Router,
    runner: &GateRunner,
    report: &mut ChecksReport,
) -> Option<(Question, String)> {
    let (gated, pool, floats) = (j.gated, j.pool, j.floats);
    let arity = parameters_of(&gated.signature).len();
    let canonical = |call: &str| {
        checks::parse(&format!("assert_eq!({call}, ());"), &gated.name, arity, "")
            .pop()
            .map_or_else(|| call.to_string(), |c| c.call)
    };
    let known: Vec<String> = example_checks(gated).into_iter().map(|c| c.call).collect();
    let calls: Vec<String> = split_calls(pool, accepted, floats)
        .into_iter()
        .filter(|call| !known.contains(&canonical(call)))
        .take(PROBE_CALLS)
        .collect();
    if calls.is_empty() {
        return None;
    }
    let request = Request {
        system: prompt::CHECKS_SYSTEM.to_string(),
        history: Vec::new(),
        user: prompt::probes(j.prompted, &calls),
        stop: Vec::new(),
        max_tokens: PROBE_TOKENS_PER_CALL * calls.len() as u32 + 8,
        grammar: Some(super::grammar::for_values(&calls)),
        round: 0,
        candidate: 0,
        batching: j.batching,
    };
    let mut asked = answered(j.prompted, router, &request, j.sets);
    // A provider that ignores grammars may write other calls: only the
    // calls asked about count.
    let wanted: Vec<String> = calls.iter().map(|c| canonical(c)).collect();
    for set in &mut asked.sets {
        set.checks.retain(|c| wanted.contains(&c.call));
    }
    evaluate(gated, runner, &mut asked.sets);
    report.tokens += asked.tokens;
    report.seconds += asked.seconds;
    // The same calls were asked of every set: a majority of its answers is
    // the model's reading (at temperature 0.7 one answer in three often
    // strays: `to_roman(4096)` was None, None and Some("MMMM")).
    let claims = checks::majority(&asked.sets);
    report.probes = asked.sets;
    if claims.is_empty() {
        return None;
    }
    let outcomes = outcomes(pool, gated, runner, &claims);
    let own = outcomes.iter().find(|(i, _)| *i == accepted).and_then(|(_, o)| o.as_ref())?;
    let witnesses = Witnesses { all: &outcomes, accepted, split: 0, needed: 1 };
    let found = seconded(&claims, own, &witnesses, floats);
    let witness = found.first()?.1;
    report.probed = found.iter().map(|(f, _)| claims[f.check].clone()).collect();
    let failed: Vec<Failure> = found.into_iter().map(|(f, _)| f).collect();
    let (round, index) = pool.origin[accepted];
    report.blocked = Some((round as u32, index as u32));
    let shown = Shown { claims: &claims, failed: &failed, outcomes: &outcomes, split: 0 };
    let question = question(pool, accepted, Some(witness), &shown, floats);
    let reason = reason(&question, failed.len(), claims.len(), Stop::Probed);
    Some((question, reason))
}

/// The calls on which the code at pool index `accepted` and another
/// passing candidate did different things, in the order of the generated
/// inputs, each once.
fn split_calls(pool: &Pool, accepted: usize, floats: bool) -> Vec<String> {
    let behaviour = |i: usize| match &pool.all[i].judgement {
        Judgement::Passed { candidate } => candidate.behaviour.as_ref(),
        _ => None,
    };
    let Some(own) = behaviour(accepted) else {
        return Vec::new();
    };
    let mut calls: Vec<String> = Vec::new();
    for other in (0..pool.all.len()).filter(|&i| i != accepted).filter_map(behaviour) {
        for change in own.differences(other, floats) {
            if !calls.contains(&change.call) {
                calls.push(change.call);
            }
        }
    }
    calls
}

/// Each passing candidate's pool index and outcomes on the calls of
/// `run`, in order (`None` where its run failed).
type Outcomes = Vec<(usize, Option<Vec<CallOutcome>>)>;

/// Every passing candidate of `pool` run on the `run` checks' calls. Gates
/// that cannot run judge nothing, and stop no one.
fn outcomes(pool: &Pool, spec: &Spec, runner: &GateRunner, run: &[Agreed]) -> Outcomes {
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
        .run_on_checks(spec, &codes, run)
        .unwrap_or_else(|_| vec![None; codes.len()]);
    passing.into_iter().map(|(i, _)| i).zip(outcomes).collect()
}

/// The other passing candidates that may second a check: every passing
/// candidate's outcomes, the accepted one's pool index, where the lone
/// checks' outcomes start, and how many must pass a check.
struct Witnesses<'a> {
    all: &'a Outcomes,
    accepted: usize,
    split: usize,
    needed: usize,
}

/// The checks of `lone` (given by too few sets to be agreed) that the
/// accepted candidate fails (`own`, its outcomes on them) and at least
/// `w.needed` other passing candidates pass, each with the first such
/// candidate's pool index: a set and programs, written apart, against the
/// code. One wrong set and one stray program are not enough against a
/// quorum: on the MBPP sample a set that read "30 days" as "31 days" and
/// a lone `(6..=8).contains(&m)` stood against six right candidates.
fn seconded(lone: &[Agreed], own: &[CallOutcome], w: &Witnesses<'_>, floats: bool) -> Vec<(Failure, usize)> {
    checks::failures(lone, own, floats)
        .into_iter()
        .filter_map(|failure| {
            let check = &lone[failure.check];
            let passing: Vec<usize> = w
                .all
                .iter()
                .filter(|(i, o)| {
                    *i != w.accepted
                        && o.as_ref()
                            .is_some_and(|o| checks::passes(check, &o[w.split + failure.check], floats))
                })
                .map(|(i, _)| *i)
                .collect();
            (passing.len() >= w.needed).then(|| (failure, passing[0]))
        })
        .collect()
}

/// The sets the model wrote; each answer that could not be had or read is
/// a dropped set.
fn ask(spec: &Spec, router: &Router, batching: Batching, sets: u32) -> ChecksReport {
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
        batching,
    };
    answered(spec, router, &request, sets)
}

/// The `sets` answers to `request`, read as sets of checks of `spec`, with
/// their tokens and the batch's wall time.
fn answered(spec: &Spec, router: &Router, request: &Request, sets: u32) -> ChecksReport {
    let arity = parameters_of(&spec.signature).len();
    let mut report = ChecksReport::default();
    let started = std::time::Instant::now();
    let answers = router.complete_many(request, 0, sets);
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

/// What a question shows: the checks its failures index, the failures,
/// and every passing candidate's outcomes on the calls run (the agreed
/// checks' first, `split` of them, then the others').
struct Shown<'a> {
    claims: &'a [Agreed],
    failed: &'a [Failure],
    outcomes: &'a Outcomes,
    split: usize,
}

/// The question for the candidate at pool index `accepted`, which fails
/// `shown.failed`: the first three calls, its group's answers (and, for
/// checks one set gave, the answers of the `witness`'s group, which passes
/// them), what the checks expect.
fn question(pool: &Pool, accepted: usize, witness: Option<usize>, shown: &Shown<'_>, floats: bool) -> Question {
    let failed: Vec<&Failure> = shown.failed.iter().take(3).collect();
    let groups = round::groups(&pool.all, floats);
    let group_of = |member: usize| {
        groups
            .iter()
            .find(|g| g.members.contains(&(member as u32)))
            .cloned()
            .unwrap_or(crate::report::Group {
                members: vec![member as u32],
            })
    };
    let mut answers = vec![(group_of(accepted), failed.iter().map(|f| f.got.clone()).collect())];
    if let Some(witness) = witness {
        let outcomes = shown.outcomes.iter().find(|(i, _)| *i == witness).and_then(|(_, o)| o.as_ref());
        let at = |f: &Failure| outcomes.map_or_else(|| "?".to_string(), |o| o[shown.split + f.check].text());
        answers.push((group_of(witness), failed.iter().map(|f| at(f)).collect()));
    }
    Question {
        calls: failed.iter().map(|f| shown.claims[f.check].call.clone()).collect(),
        groups: answers,
        passing: pool.passed(),
        claims: failed.iter().map(|f| shown.claims[f.check].clone()).collect(),
    }
}

/// Which checks stopped an acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Checks the sets agree on.
    Agreed,
    /// Checks too few sets gave, seconded by other passing candidates.
    Seconded,
    /// Values the probes agree on, of calls the candidates split on.
    Probed,
}

/// The reason an intent the checks stopped gives, in one line.
fn reason(question: &Question, failed: usize, claims: usize, stop: Stop) -> String {
    let first = match (question.calls.first(), question.groups.first(), question.claims.first()) {
        (Some(call), Some((_, got)), Some(claim)) => format!(
            ": `{call}` returned {}, the checks expect {}",
            got.first().map_or("?", String::as_str),
            claim.value
        ),
        _ => String::new(),
    };
    match stop {
        Stop::Agreed => format!(
            "the code about to be accepted fails {failed} of {claims} agreed check(s) drawn from the description{first}"
        ),
        Stop::Seconded => format!(
            "the code about to be accepted fails {failed} check(s) drawn from the description that too few sets gave to be agreed, and that other passing candidates pass{first}"
        ),
        Stop::Probed => format!(
            "the code about to be accepted fails {failed} value(s) the description gives, asked of the calls the passing candidates split on, that other passing candidates return{first}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(call: &str, value: &str) -> Agreed {
        Agreed {
            call: call.into(),
            args: Vec::new(),
            expect: value.into(),
            value: value.into(),
            sets: 1,
            of: 3,
            quote: None,
        }
    }

    #[test]
    fn a_lone_check_stops_the_code_only_with_a_quorum_of_other_candidates_on_its_side() {
        let value = |v: &str| CallOutcome::Value(v.into());
        let lone = [claim("f(4000)", "None"), claim("f(0)", "None")];
        let own = [value("Some(\"MMMM\")"), value("None")];
        // Candidate 0 is the accepted one; 1 and 3 pass `f(4000)`, 2 does
        // not, 4's run failed. No agreed check comes first (`split` 0).
        let all: Outcomes = vec![
            (0, Some(own.to_vec())),
            (1, Some(vec![value("None"), value("None")])),
            (2, Some(vec![value("Some(\"MMMM\")"), value("None")])),
            (3, Some(vec![value("None"), CallOutcome::Panicked])),
            (4, None),
        ];
        let witnesses = |needed| Witnesses { all: &all, accepted: 0, split: 0, needed };
        let found = seconded(&lone, &own, &witnesses(2), false);
        assert_eq!(found, [(Failure { check: 0, got: "Some(\"MMMM\")".into() }, 1)]);
        assert!(seconded(&lone, &own, &witnesses(3), false).is_empty());
    }
}
