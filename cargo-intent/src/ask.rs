//! Answering a question at the terminal, as `cargo insta review` asks about
//! a snapshot: one decision per splitting call, with every group's answer
//! and how many candidates gave it, "other…" to type the right value, and
//! "skip". What the user picks becomes an example in the spec; `lock` then
//! decides the intent again from the candidates it already judged.

use std::io::IsTerminal;

use anyhow::Result;
use dialoguer::{Confirm, Input, Select};
use intent_build::env::Env;
use intent_build::judge::gates::GateRunner;
use intent_build::ops::asker::{Confirmation, Offer};
use intent_build::report::Question;
use intent_build::spec::edit::NewExample;
use intent_build::spec::SpecFile;

use crate::global::Global;

/// Whether questions may be asked: stdin and stderr are a terminal, not in
/// CI, and not `--no-input`. Otherwise the question is printed and `lock`
/// exits 1, as a script expects.
pub fn enabled(global: &Global, env: &Env) -> bool {
    !global.no_input && !env.ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Outcomes a group can have that are not a returned value
/// (`behaviour::Outcome::text`): they cannot become `== value` examples.
const NOT_VALUES: [&str; 4] = ["panicked", "skipped (assume)", "timed out", "crashed"];

/// One decision about one call.
enum Choice {
    /// This expression is what the call returns.
    Returns(String),
    /// No answer for this call.
    Skip,
    /// No answer for this call or any later one (Esc or `q`).
    Stop,
}

/// Asks about each call of `question` (the intent of `file`); the examples
/// the user gave, none when every call was skipped. Each answer compiles
/// as the call's result (`runner` checks it) before it is taken.
///
/// # Errors
///
/// The terminal cannot be read or written, or the checking compiler could
/// not run.
pub fn ask(file: &SpecFile, question: &Question, runner: &GateRunner) -> Result<Vec<NewExample>> {
    eprintln!(
        "\nintent `{}` ({}): {}",
        file.spec.name,
        file.path.display(),
        question.headline()
    );
    let mut examples = Vec::new();
    for (k, call) in question.calls.iter().enumerate() {
        match choose(file, question, k, runner)? {
            Choice::Returns(expect) => examples.push(NewExample {
                call: call.clone(),
                expect,
            }),
            Choice::Skip => {}
            Choice::Stop => break,
        }
    }
    Ok(examples)
}

/// The decision about call `k`: a group's answer, one typed, or none.
fn choose(file: &SpecFile, question: &Question, k: usize, runner: &GateRunner) -> Result<Choice> {
    let call = &question.calls[k];
    // Only returned values can be examples of this form; a group that
    // panicked or timed out is shown, but the user types what is right.
    let answers: Vec<(&str, usize)> = question
        .groups
        .iter()
        .map(|(group, outcomes)| (outcomes[k].as_str(), group.members.len()))
        .collect();
    let mut items: Vec<String> = answers
        .iter()
        .map(|(answer, n)| {
            let word = if *n == 1 { "candidate" } else { "candidates" };
            format!("{answer}    ({n} of {} {word})", question.passing)
        })
        .collect();
    // What the description's checks expect, as one more answer to pick.
    let claim = question.claims.get(k);
    if let Some(claim) = claim {
        let quote = claim
            .quote
            .as_ref()
            .map_or_else(String::new, |q| format!(": \"{q}\""));
        items.push(format!(
            "{}    (the description's checks, {} of {} sets{quote})",
            claim.value, claim.sets, claim.of
        ));
    }
    items.push("other…".into());
    items.push("skip".into());
    // The checks raised this question: their answer is highlighted, so
    // one keystroke takes it, and the code's answer is one line above.
    let highlighted = if claim.is_some() { answers.len() } else { 0 };
    let picked = Select::new()
        .with_prompt(format!("{call} returns"))
        .items(&items)
        .default(highlighted)
        .interact_opt()?;
    let Some(picked) = picked else {
        return Ok(Choice::Stop);
    };
    if picked == items.len() - 1 {
        return Ok(Choice::Skip);
    }
    if let Some(claim) = claim.filter(|_| picked == answers.len()) {
        return match runner.check_answer(&file.spec, call, &claim.expect)? {
            None => Ok(Choice::Returns(claim.expect.clone())),
            Some(_) => typed(file, call, &claim.expect, runner).map(Choice::Returns),
        };
    }
    let offered = answers.get(picked).map(|(answer, _)| *answer);
    match offered {
        Some(answer) if NOT_VALUES.contains(&answer) => {
            eprintln!("note: an example says what the call returns; type the value it should return instead");
            return typed(file, call, "", runner).map(Choice::Returns);
        }
        Some(answer) => match runner.check_answer(&file.spec, call, answer)? {
            None => return Ok(Choice::Returns(answer.to_string())),
            Some(error) => eprintln!(
                "note: `{answer}` is how the candidates printed it, not a Rust expression of the result ({error}); type it as one"
            ),
        },
        None => {}
    }
    typed(file, call, offered.unwrap_or_default(), runner).map(Choice::Returns)
}

/// A value typed by the user, checked as the result of `call`.
fn typed(file: &SpecFile, call: &str, initial: &str, runner: &GateRunner) -> Result<String> {
    let answer: String = Input::new()
        .with_prompt(format!("{call} =="))
        .with_initial_text(initial)
        .validate_with(|text: &String| -> std::result::Result<(), String> {
            match runner.check_answer(&file.spec, call, text) {
                Ok(None) => Ok(()),
                Ok(Some(error)) => Err(error),
                Err(error) => Err(format!("could not check it: {error}")),
            }
        })
        .interact_text()?;
    Ok(answer.trim().to_string())
}

/// One keystroke per input where the spec is silent: Enter or `y` takes
/// the accepted code's answer as an example; `n` asks for the right value
/// (checked as the call's result; empty skips); Esc or `q` stops.
fn confirm(file: &SpecFile, offer: &Offer, runner: &GateRunner) -> Result<Confirmation> {
    let right = Confirm::new()
        .with_prompt(format!(
            "`{}` gives `{}`: right?",
            offer.call, offer.accepted
        ))
        .default(true)
        .wait_for_newline(false)
        .interact_opt()?;
    Ok(match right {
        Some(true) => Confirmation::Right,
        None => Confirmation::Stop,
        Some(false) => {
            let typed = typed_or_empty(file, &offer.call, runner)?;
            if typed.is_empty() {
                Confirmation::Skip
            } else {
                Confirmation::Returns(typed)
            }
        }
    })
}

/// The value `call` should return, typed and checked; empty to skip.
fn typed_or_empty(file: &SpecFile, call: &str, runner: &GateRunner) -> Result<String> {
    let answer: String = Input::new()
        .with_prompt(format!("{call} == (empty: skip)"))
        .allow_empty(true)
        .validate_with(|text: &String| -> std::result::Result<(), String> {
            if text.trim().is_empty() {
                return Ok(());
            }
            match runner.check_answer(&file.spec, call, text) {
                Ok(None) => Ok(()),
                Ok(Some(error)) => Err(error),
                Err(error) => Err(format!("could not check it: {error}")),
            }
        })
        .interact_text()?;
    Ok(answer.trim().to_string())
}

/// The terminal, as the asker of `cargo intent lock`'s questions.
pub struct Terminal;

impl intent_build::ops::asker::Asker for Terminal {
    type Error = anyhow::Error;

    fn ask(
        &mut self,
        file: &SpecFile,
        question: &Question,
        runner: &GateRunner,
    ) -> Result<Vec<NewExample>> {
        ask(file, question, runner)
    }

    fn confirm(
        &mut self,
        file: &SpecFile,
        offer: &Offer,
        runner: &GateRunner,
    ) -> Result<Confirmation> {
        confirm(file, offer, runner)
    }

    fn added(&mut self, path: &std::path::Path, count: usize) {
        eprintln!("{:>12} {count} example(s) to {}", "Added", path.display());
    }
}
