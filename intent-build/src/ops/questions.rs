//! Settling a run's questions in the same run: each question asked (the
//! command's [`Asker`], a terminal in `cargo intent lock`), the answers
//! written into the spec as examples, and the answered intents locked again
//! with their earlier passing candidates judged before anything is decoded.

use super::lock::LockOptions;
#[cfg(doc)]
use super::lock::lock;
use super::summary::{LockSummary, Settled};
use crate::env::Env;
use crate::project::Project;
use crate::spec::edit::add_examples;

pub use super::asker::Asker;

/// Asks each question of `summary` and writes the answers into the specs;
/// the options of the run that locks the answered intents again (with
/// those that waited for them), `None` when nothing was answered. The
/// command runs it ([`lock`]) after [`set_aside`] took those intents out of
/// `summary`.
///
/// # Errors
///
/// The asker's errors; the specs cannot be read or written.
pub fn answer<A: Asker>(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    summary: &LockSummary,
    asker: &mut A,
) -> Result<Option<LockOptions>, A::Error> {
    let again = answers(project, options, env, summary, asker)?;
    Ok((!again.names.is_empty()).then_some(again))
}

/// `summary` without the questions and blocked intents `again` settles.
pub fn set_aside(summary: &mut LockSummary, again: &LockOptions) {
    summary.intents.retain(|(name, settled)| {
        let settled_again = matches!(settled, Settled::Asked(_) | Settled::Blocked { .. });
        !(settled_again && again.names.contains(name))
    });
}

/// The options of the run that settles what was answered: the answered
/// intents, and those they blocked.
fn answers<A: Asker>(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    summary: &LockSummary,
    asker: &mut A,
) -> Result<LockOptions, A::Error> {
    let specs = project.specs()?;
    let runner = project.gate_runner(env, &options.intent_dir, None);
    let runner = project.with_crates(runner, specs.iter(), &options.intent_dir, env.offline())?;
    let mut again = options.clone();
    again.names.clear();
    for (name, question) in summary.questions() {
        let Some(file) = specs.iter().find(|s| s.spec.name == name) else {
            continue;
        };
        let examples = asker.ask(file, question, &runner)?;
        if examples.is_empty() {
            continue;
        }
        add_examples(&project.root.join(&file.path), &file.path, &examples)?;
        asker.added(&file.path, examples.len());
        let mut judged = summary.judged.get(name).cloned().unwrap_or_default();
        judged.answers = examples.len();
        again.answered.insert(name.to_string(), judged);
        again.names.push(name.to_string());
    }
    if again.names.is_empty() {
        return Ok(again);
    }
    // Intents that waited for an answered one are generated now too.
    for (name, settled) in &summary.intents {
        if let Settled::Blocked { by } = settled {
            if again.names.contains(by) && !again.names.contains(name) {
                again.names.push(name.clone());
            }
        }
    }
    Ok(again)
}
