//! One round's decisions: choosing the round's outcome from its judged
//! candidates ([`super::judge`]), and what the next round asks.
//!
//! The pure parts — [`decide`], [`Next::after`] and [`lessons`] — hold the
//! policy of the loop in [`super::generate`] and are unit-tested here.

use super::prompt;
use crate::gate::Teaching;
use crate::judge::behaviour::{self, Behaviour, Group};
use crate::judge::gates::diagnostics::error_lessons;
use crate::judge::{furthest, is_truncated, Judged, Judgement};
use crate::report::{Question, StoppedAt};
use crate::settings::Repair;
use crate::spec::Spec;

/// Most lessons a prompt carries: a small model loses the thread in long
/// prompts, and the newest lessons matter most.
const MAX_LESSONS: usize = 8;

/// A round's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundOutcome {
    /// Accept the candidate at this index.
    Accept(usize),
    /// The passing candidates disagree on generated inputs: ask the user.
    Ask(Question),
    /// Every passing candidate behaves differently from the pinned
    /// behaviour: where the first of them differs.
    Changed(Vec<behaviour::Change>),
    /// Ask again: the furthest gate reached, and why it failed.
    Retry {
        /// The gate (or the model).
        gate: StoppedAt,
        /// The failure, one line.
        reason: String,
    },
    /// Give up: asking again cannot help.
    Stop {
        /// The gate (or the model, or the gates that could not run).
        gate: StoppedAt,
        /// Why.
        reason: String,
    },
}

/// How the passing candidates of a round are chosen between.
#[derive(Debug, Clone, Default)]
pub struct Choice<'a> {
    /// Share of the passing candidates the largest behaviour group must
    /// exceed ([`behaviour::settled`]).
    pub threshold: f64,
    /// Whether outcomes hold floats (compared rounded).
    pub floats: bool,
    /// The behaviour the accepted candidate must keep, if any.
    pub pinned: Option<&'a Behaviour>,
}

/// Passing candidates by behaviour: the first passing one by index when
/// behaviour is unknown; with a pinned behaviour (and no leave to change
/// it), the first that keeps it; otherwise the lowest index of the largest
/// group, when that group is a clear majority ([`behaviour::settled`]).
/// The same answers always give the same lock, whatever order they
/// finished in. Without a passing candidate: stop when the gates cannot run
/// or no provider answered at all (except for over-long answers, which a
/// new round may shorten), else retry.
pub fn decide(judged: &[Judged], choice: &Choice<'_>) -> RoundOutcome {
    if let Some(first) = judged
        .iter()
        .position(|j| matches!(j.judgement, Judgement::Passed { .. }))
    {
        let Some(known) = known_behaviours(judged) else {
            return RoundOutcome::Accept(first);
        };
        if let Some(pinned) = choice.pinned {
            let mut changes = Vec::new();
            for (i, behaviour) in &known {
                let differences = pinned.differences(behaviour, choice.floats);
                if differences.is_empty() {
                    return RoundOutcome::Accept(*i as usize);
                }
                if changes.is_empty() {
                    changes = differences;
                }
            }
            return RoundOutcome::Changed(changes);
        }
        let (groups, shared) = behaviour::group(&known, choice.floats);
        if behaviour::settled(&groups, choice.threshold) {
            return RoundOutcome::Accept(groups[0].members[0] as usize);
        }
        return RoundOutcome::Ask(question(&known, &groups, &shared, choice.floats));
    }
    if let Some(reason) = judged.iter().find_map(|j| match &j.judgement {
        Judgement::Broken(e) => Some(format!("cannot run the gates: {e}")),
        _ => None,
    }) {
        return RoundOutcome::Stop {
            gate: StoppedAt::Gates,
            reason,
        };
    }
    match furthest(judged) {
        Some(Judged {
            judgement: Judgement::Refused { gate, evidence, .. },
            ..
        }) => RoundOutcome::Retry {
            gate: (*gate).into(),
            reason: first_line(evidence),
        },
        _ => {
            let error = judged
                .iter()
                .find_map(|j| match &j.judgement {
                    Judgement::NoAnswer(e) => Some(e.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| "no candidate was asked for".into());
            if judged.iter().any(Judged::truncated) {
                RoundOutcome::Retry {
                    gate: StoppedAt::Model,
                    reason: error,
                }
            } else {
                RoundOutcome::Stop {
                    gate: StoppedAt::Model,
                    reason: error,
                }
            }
        }
    }
}

/// The passing candidates of a round grouped by behaviour (empty when
/// any passing candidate's behaviour is unknown).
pub fn groups(judged: &[Judged], floats: bool) -> Vec<Group> {
    known_behaviours(judged).map_or_else(Vec::new, |known| behaviour::group(&known, floats).0)
}

/// Every passing candidate's behaviour with its index; `None` when none
/// passed or one passed whose behaviour is unknown.
fn known_behaviours(judged: &[Judged]) -> Option<Vec<(u32, &Behaviour)>> {
    let mut known = Vec::new();
    for (i, j) in judged.iter().enumerate() {
        if let Judgement::Passed { candidate } = &j.judgement {
            known.push((i as u32, candidate.behaviour.as_ref()?));
        }
    }
    (!known.is_empty()).then_some(known)
}

/// The inputs that split the passing candidates of `judged` into behaviour
/// groups, with each group's outcomes there; `None` with fewer than two
/// groups (or a passing candidate whose behaviour is unknown).
pub fn split(judged: &[Judged], floats: bool) -> Option<Question> {
    let known = known_behaviours(judged)?;
    let (groups, shared) = behaviour::group(&known, floats);
    (groups.len() > 1).then(|| question(&known, &groups, &shared, floats))
}

/// The agreement among a round's passing candidates with known behaviour:
/// (size of the accepted candidate's group, candidates compared).
pub fn agreement(judged: &[Judged], accepted: usize, floats: bool) -> Option<(usize, usize)> {
    let known = known_behaviours(judged)?;
    let (groups, _) = behaviour::group(&known, floats);
    let group = groups
        .iter()
        .find(|g| g.members.contains(&(accepted as u32)))?;
    Some((group.members.len(), known.len()))
}

/// The question when the candidate at `index` of `judged` is supported by
/// too few others: its group alone, on the first three inputs where it has
/// a comparable outcome (what the user confirms or corrects). `None` when
/// its behaviour is unknown.
pub fn lone_question(judged: &[Judged], index: usize, floats: bool) -> Option<Question> {
    let known = known_behaviours(judged)?;
    let (groups, _) = behaviour::group(&known, floats);
    let group = groups
        .iter()
        .find(|g| g.members.contains(&(index as u32)))?;
    let (_, behaviour) = known.iter().find(|(i, _)| *i as usize == index)?;
    let outcomes = behaviour.normalised(floats);
    let shown: Vec<usize> = (0..outcomes.len())
        .filter(|&k| outcomes[k].comparable())
        .take(3)
        .collect();
    Some(Question {
        calls: shown.iter().map(|&k| behaviour.calls[k].clone()).collect(),
        groups: vec![(
            group.clone(),
            shown.iter().map(|&k| outcomes[k].text()).collect(),
        )],
        passing: known.len(),
        claims: Vec::new(),
    })
}

/// The calls that split the two largest groups (or any two), smallest
/// first, and each group's outcomes for them.
fn question(
    known: &[(u32, &Behaviour)],
    groups: &[Group],
    shared: &[usize],
    floats: bool,
) -> Question {
    let behaviour_of = |g: &Group| {
        known
            .iter()
            .find(|(i, _)| *i == g.members[0])
            .map(|(_, b)| (*b, b.normalised(floats)))
            .expect("every group member is known")
    };
    let shown: Vec<&Group> = groups.iter().take(3).collect();
    let outcomes: Vec<(&Behaviour, Vec<behaviour::CallOutcome>)> =
        shown.iter().map(|g| behaviour_of(g)).collect();
    let splits = |a: usize, b: usize| -> Vec<usize> {
        shared
            .iter()
            .copied()
            .filter(|&k| outcomes[a].1[k] != outcomes[b].1[k])
            .collect()
    };
    let mut inputs = splits(0, 1.min(outcomes.len() - 1));
    if outcomes.len() > 2 {
        for k in splits(0, 2).into_iter().chain(splits(1, 2)) {
            if !inputs.contains(&k) {
                inputs.push(k);
            }
        }
    }
    // The smallest splitting input of the two largest groups first, then
    // the smallest that also tells the third group apart.
    let mut calls: Vec<usize> = inputs.iter().copied().take(2).collect();
    if let Some(k) = inputs.iter().skip(2).find(|&&k| !calls.contains(&k)) {
        calls.push(*k);
    }
    calls.sort_unstable();
    let call_text = |k: usize| outcomes[0].0.calls[k].clone();
    Question {
        calls: calls.iter().map(|&k| call_text(k)).collect(),
        groups: shown
            .iter()
            .zip(&outcomes)
            .map(|(g, (b, _))| {
                (
                    (*g).clone(),
                    calls.iter().map(|&k| b.outcomes[k].text()).collect(),
                )
            })
            .collect(),
        passing: known.len(),
        claims: Vec::new(),
    }
}

/// What the next round asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// Earlier turns (conversation repair only).
    pub history: Vec<(String, String)>,
    /// The user message.
    pub user: String,
    /// The lessons `user` carries.
    pub lessons: Vec<String>,
}

impl Next {
    /// Round 0: the first prompt.
    pub fn first(spec: &Spec) -> Next {
        Next {
            history: Vec::new(),
            user: prompt::first(spec, &[]),
            lessons: Vec::new(),
        }
    }

    /// The request after a failed round.
    ///
    /// With [`Repair::Lessons`] the first prompt again, with this round's
    /// lessons added to the earlier ones. With [`Repair::Conversation`] the
    /// furthest-got answer and its evidence (only a shorter answer is asked
    /// for when every answer was cut).
    pub fn after(&self, spec: &Spec, judged: &[Judged], repair: Repair) -> Next {
        match repair {
            Repair::Lessons => {
                let mut all = self.lessons.clone();
                for lesson in lessons(judged) {
                    all.retain(|l| l != &lesson);
                    all.push(lesson);
                }
                let keep = all.len().saturating_sub(MAX_LESSONS);
                let all = all.split_off(keep);
                Next {
                    history: Vec::new(),
                    user: prompt::first(spec, &all),
                    lessons: all,
                }
            }
            Repair::Conversation => {
                let first = prompt::first(spec, &[]);
                match furthest(judged).map(|j| &j.judgement) {
                    Some(Judgement::Refused {
                        gate,
                        evidence,
                        code,
                        ..
                    }) => {
                        // The answer as the gates saw it: extracted code in
                        // a fence, or the raw reply that had none.
                        let answer = if gate.judges_the_reply() {
                            code.clone()
                        } else {
                            format!("```rust\n{code}\n```")
                        };
                        let evidence = if gate.judges_the_reply() {
                            format!("It could not be used: {evidence}.")
                        } else {
                            evidence.clone()
                        };
                        Next {
                            history: vec![(first, answer)],
                            user: prompt::repair(spec, &evidence),
                            lessons: Vec::new(),
                        }
                    }
                    _ => Next {
                        history: Vec::new(),
                        user: format!("{first}\n\n{}", prompt::SHORTER),
                        lessons: Vec::new(),
                    },
                }
            }
        }
    }
}

/// What a round's failures teach, in candidate order, without their code:
/// a small model shown its own code copies it, while a rule it can follow
/// ("the `regex` crate is not available") changes every later candidate.
pub fn lessons(judged: &[Judged]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for j in judged {
        let taught: Vec<String> = match &j.judgement {
            Judgement::NoAnswer(e) if is_truncated(e) => vec![prompt::SHORTER.to_string()],
            Judgement::NoAnswer(_) | Judgement::Broken(_) | Judgement::Passed { .. } => Vec::new(),
            Judgement::Refused {
                gate,
                evidence,
                diagnostics,
                ..
            } => match (gate.teaches(), diagnostics) {
                (Teaching::CompilerErrors, Some(diagnostics)) => error_lessons(diagnostics),
                (Teaching::Unusable, _) => vec![format!(
                    "An earlier answer could not be used: {}",
                    first_line(evidence)
                )],
                (Teaching::ComputeOnly, _) => vec![format!(
                    "Use only computation in memory: an earlier answer was refused because it {}",
                    first_line(evidence).trim_start_matches("the code ")
                )],
                (Teaching::CompilerErrors | Teaching::FailedChecks, _) => evidence
                    .lines()
                    .take(3)
                    .map(|line| example_lesson(line).unwrap_or_else(|| line.trim().to_string()))
                    .collect(),
            },
        };
        for lesson in taught {
            if !lesson.is_empty() && !out.contains(&lesson) {
                out.push(lesson);
            }
        }
    }
    out
}

/// `example 0: `f(2)` returned 6, expected 5` → `` `f(2)` must return 5, not 6. ``
fn example_lesson(line: &str) -> Option<String> {
    let (_, rest) = line.split_once(": `")?;
    let (call, rest) = rest.split_once("` returned ")?;
    let (got, expected) = rest.split_once(", expected ")?;
    Some(format!("`{call}` must return {expected}, not {got}."))
}

/// The first non-empty line, trimmed, at most 200 characters.
pub(crate) fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::gate::Gate;
    use crate::judge::PassingCandidate as Candidate;
    use crate::report::CandidateReport;
    use super::*;
    use crate::provider::router::RouterError;
    use crate::provider::{ErrorKind, ProviderError};

    fn refused(index: u32, gate: Gate, evidence: &str) -> Judged {
        Judged {
            report: CandidateReport {
                index,
                ..CandidateReport::default()
            },
            judgement: Judgement::Refused {
                gate,
                evidence: evidence.into(),
                diagnostics: None,
                code: format!("fn f() {{ /* candidate {index} */ }}"),
            },
        }
    }

    fn no_answer(index: u32, kind: ErrorKind) -> Judged {
        Judged {
            report: CandidateReport {
                index,
                ..CandidateReport::default()
            },
            judgement: Judgement::NoAnswer(RouterError {
                failures: vec![("p".into(), ProviderError::new(kind, "p: failed"))],
            }),
        }
    }

    fn passed(index: u32) -> Judged {
        Judged {
            report: CandidateReport {
                index,
                ..CandidateReport::default()
            },
            judgement: Judgement::Passed {
                candidate: Box::new(Candidate {
                    code: format!("fn f() {{ /* {index} */ }}"),
                    identity: crate::lockfile::ModelIdentity {
                        provider: "p".into(),
                        name: "m".into(),
                        digest: "d".into(),
                        note: None,
                    },
                    prompt: String::new(),
                    params_hash: String::new(),
                    functional_hash: String::new(),
                    gates: Vec::new(),
                    behaviour: None,
                    agreement: None,
                    confidence: None,
                    uses: Default::default(),
                    crates: Default::default(),
                    checks: None,
                }),
            },
        }
    }

    fn spec() -> Spec {
        crate::spec::parse_str(
            "signature = \"pub fn f(a: i32) -> i32\"\ndescription = \"Twice a.\"\nexamples = [{ call = \"f(2)\", expect = \"4\" }]\n",
            std::path::Path::new("f.intent.toml"),
        )
        .unwrap()
        .spec
    }

    #[test]
    fn the_lowest_passing_index_is_accepted() {
        let round = [refused(0, Gate::Examples, "x"), passed(1), passed(2)];
        assert_eq!(decide(&round, &Choice::default()), RoundOutcome::Accept(1));
    }

    #[test]
    fn a_failed_round_is_named_by_its_furthest_candidate() {
        let round = [
            refused(0, Gate::Compile, "error: a"),
            refused(
                1,
                Gate::Examples,
                "example 0: `f(2)` returned 5, expected 4",
            ),
            refused(2, Gate::Examples, "example 0: later"),
        ];
        assert_eq!(
            decide(&round, &Choice::default()),
            RoundOutcome::Retry {
                gate: StoppedAt::Gate(Gate::Examples),
                reason: "example 0: `f(2)` returned 5, expected 4".into()
            }
        );
    }

    #[test]
    fn no_answer_stops_unless_an_answer_was_only_too_long() {
        let down = [no_answer(0, ErrorKind::Unreachable)];
        assert!(
            matches!(decide(&down, &Choice::default()), RoundOutcome::Stop { gate, .. } if gate == StoppedAt::Model)
        );
        let long = [
            no_answer(0, ErrorKind::Unreachable),
            no_answer(1, ErrorKind::Truncated),
        ];
        assert!(
            matches!(decide(&long, &Choice::default()), RoundOutcome::Retry { gate, .. } if gate == StoppedAt::Model)
        );
        // One usable failure is enough to go on.
        let some = [
            no_answer(0, ErrorKind::Unreachable),
            refused(1, Gate::Parse, "no fn"),
        ];
        assert!(
            matches!(decide(&some, &Choice::default()), RoundOutcome::Retry { gate, .. } if gate == StoppedAt::Gate(Gate::Parse))
        );
        let broken = [
            refused(0, Gate::Examples, "x"),
            Judged {
                report: CandidateReport::default(),
                judgement: Judgement::Broken(std::sync::Arc::new(std::io::Error::other("no rustc"))),
            },
        ];
        assert!(
            matches!(decide(&broken, &Choice::default()), RoundOutcome::Stop { gate, .. } if gate == StoppedAt::Gates)
        );
    }

    #[test]
    fn lessons_state_results_and_never_quote_code() {
        let round = [
            refused(
                0,
                Gate::Examples,
                "example 0: `f(2)` returned 5, expected 4",
            ),
            refused(
                1,
                Gate::Examples,
                "example 0: `f(2)` returned 5, expected 4",
            ),
            refused(
                2,
                Gate::Policy,
                "the code uses `std::fs::read` (the file system) on line 2",
            ),
            no_answer(3, ErrorKind::Truncated),
        ];
        let taught = lessons(&round);
        assert_eq!(
            taught,
            [
                "`f(2)` must return 4, not 5.",
                "Use only computation in memory: an earlier answer was refused because it uses `std::fs::read` (the file system) on line 2",
                prompt::SHORTER,
            ]
        );
        assert!(taught.iter().all(|l| !l.contains("candidate")));
    }

    #[test]
    fn lessons_accumulate_newest_last_and_are_bounded() {
        let spec = spec();
        let mut next = Next::first(&spec);
        for i in 0..(MAX_LESSONS + 3) {
            let evidence = format!("example 0: `f({i})` returned 0, expected {}", 2 * i);
            next = next.after(
                &spec,
                &[refused(0, Gate::Examples, &evidence)],
                Repair::Lessons,
            );
        }
        assert_eq!(next.lessons.len(), MAX_LESSONS);
        assert!(next
            .lessons
            .last()
            .unwrap()
            .contains(&format!("f({})", MAX_LESSONS + 2)));
        assert!(next.history.is_empty());
        assert!(next.user.contains(next.lessons.last().unwrap()));
        // The same lesson again moves to the end instead of repeating.
        let again = next.after(
            &spec,
            &[refused(
                0,
                Gate::Examples,
                "example 0: `f(5)` returned 0, expected 10",
            )],
            Repair::Lessons,
        );
        assert_eq!(again.user.matches("`f(5)` must return 10").count(), 1);
        assert!(again.lessons.last().unwrap().contains("f(5)"));
    }

    #[test]
    fn conversation_repair_shows_the_furthest_answer_and_its_evidence() {
        let spec = spec();
        let round = [
            refused(0, Gate::Compile, "error: cannot find value"),
            refused(
                1,
                Gate::Examples,
                "example 0: `f(2)` returned 5, expected 4",
            ),
        ];
        let next = Next::first(&spec).after(&spec, &round, Repair::Conversation);
        assert_eq!(next.history.len(), 1);
        assert!(
            next.history[0].1.contains("candidate 1"),
            "{:?}",
            next.history
        );
        assert!(next.user.contains("returned 5, expected 4"));
        let cut = [no_answer(0, ErrorKind::Truncated)];
        let next = Next::first(&spec).after(&spec, &cut, Repair::Conversation);
        assert!(next.history.is_empty() && next.user.ends_with(prompt::SHORTER));
    }

    fn behaving(index: u32, outcomes: &[&str]) -> Judged {
        let mut judged = passed(index);
        if let Judgement::Passed { candidate } = &mut judged.judgement {
            candidate.behaviour = Some(Behaviour {
                calls: (0..outcomes.len()).map(|k| format!("f({k})")).collect(),
                outcomes: outcomes
                    .iter()
                    .map(|o| behaviour::CallOutcome::Value((*o).into()))
                    .collect(),
            });
        }
        judged
    }

    #[test]
    fn the_largest_agreeing_group_wins_by_its_lowest_index() {
        let round = vec![
            behaving(0, &["1", "2"]),
            refused(1, Gate::Examples, "x"),
            behaving(2, &["1", "3"]),
            behaving(3, &["1", "3"]),
        ];
        let choice = Choice {
            threshold: 0.5,
            ..Choice::default()
        };
        assert_eq!(decide(&round, &choice), RoundOutcome::Accept(2));
        assert_eq!(agreement(&round, 2, false), Some((2, 3)));
    }

    #[test]
    fn a_split_asks_about_the_smallest_inputs_that_differ() {
        let round = vec![behaving(0, &["1", "2", "5"]), behaving(1, &["1", "3", "6"])];
        let choice = Choice {
            threshold: 0.5,
            ..Choice::default()
        };
        let RoundOutcome::Ask(question) = decide(&round, &choice) else {
            panic!("expected a question");
        };
        assert_eq!(question.calls, ["f(1)", "f(2)"]);
        assert_eq!(question.groups[0].1, ["2", "5"]);
        assert_eq!(question.groups[1].1, ["3", "6"]);
        assert_eq!(
            question.example_lines(crate::spec::SpecFormat::Toml)[0],
            "{ call = \"f(1)\", expect = \"?\" },"
        );
    }

    #[test]
    fn a_pinned_behaviour_is_kept_unless_a_change_is_allowed() {
        let pinned = Behaviour {
            calls: vec!["f(0)".into(), "f(1)".into()],
            outcomes: vec![
                behaviour::CallOutcome::Value("1".into()),
                behaviour::CallOutcome::Value("3".into()),
            ],
        };
        let round = vec![
            behaving(0, &["1", "2"]),
            behaving(1, &["1", "2"]),
            behaving(2, &["1", "3"]),
        ];
        let mut choice = Choice {
            threshold: 0.5,
            pinned: Some(&pinned),
            ..Choice::default()
        };
        assert_eq!(decide(&round, &choice), RoundOutcome::Accept(2));
        let changed = vec![behaving(0, &["1", "2"])];
        assert_eq!(
            decide(&changed, &choice),
            RoundOutcome::Changed(vec![behaviour::Change {
                call: "f(1)".into(),
                before: "3".into(),
                after: "2".into()
            }])
        );
        // With no behaviour to keep (a change allowed), the largest group wins.
        choice.pinned = None;
        assert_eq!(decide(&round, &choice), RoundOutcome::Accept(0));
    }
}
