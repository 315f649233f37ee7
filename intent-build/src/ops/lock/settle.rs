//! A lock as `cargo intent lock` runs it at a terminal, after the lock
//! itself: its questions asked and the answered intents locked again in the
//! same run; the run's page; then the inputs the new acceptances' specs
//! leave open offered for confirmation, and the intents whose answer was
//! corrected locked again from the candidates the run judged. Each step is
//! handed to the caller as it ends, to show it; off a terminal (no asker)
//! only the lock and the page run.

use std::collections::BTreeMap;
use std::path::Path;

use super::{lock, LockOptions, LockSummary};
use crate::env::Env;
use crate::generate::replay::Answered;
use crate::ops::asker::Asker;
use crate::ops::tighten::Tightened;
use crate::ops::{questions, tighten};
use crate::progress::Progress;
use crate::project::Project;

/// A step of [`run`], as it ends.
#[derive(Debug)]
pub enum Step<'a> {
    /// A lock ended: the first, or one after answers or corrections.
    Locked(&'a LockSummary),
    /// The run's page was written.
    Page(&'a Path),
    /// Open inputs were offered: what became of each intent.
    Tightened(&'a [(String, Tightened)]),
}

/// Locks `project`, then (with an `asker`) settles its questions and
/// tightens what it accepted, telling `on` each step as it ends.
///
/// # Errors
///
/// As [`lock`], the asker's and `on`'s errors, and a page that cannot be
/// written.
pub fn run<A: Asker>(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    progress: &Progress,
    mut asker: Option<&mut A>,
    on: &mut dyn FnMut(Step<'_>) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut summary = lock(project, options, env, progress)?;
    let cancelled = options.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
    if cancelled {
        // Interrupted: nothing more is asked or written.
        return on(Step::Locked(&summary));
    }
    let page = summary.report.clone();
    let again = match asker.as_deref_mut() {
        Some(asker) if summary.questions().next().is_some() => {
            questions::answer(project, options, env, &summary, asker)?
        }
        _ => None,
    };
    let mut ran = summary.clone();
    if let Some(again) = again {
        questions::set_aside(&mut summary, &again);
        on(Step::Locked(&summary))?;
        let later = lock(project, &again, env, progress)?;
        on(Step::Locked(&later))?;
        ran.merge(later);
    } else {
        on(Step::Locked(&summary))?;
    }
    if let Some(json) = page {
        on(Step::Page(&crate::page::write(project, &json)?))?;
    }
    match asker {
        Some(asker) if !ran.open.is_empty() => {
            let tightening = Tightening { names: &ran.open, judged: &ran.judged };
            tighten_and_relock(project, options, env, progress, tightening, asker, on)
        }
        _ => Ok(()),
    }
}

/// What to tighten: these intents (every accepted one when empty), and
/// the candidates each was accepted from, which a correction judges again.
#[derive(Debug, Clone, Copy)]
pub struct Tightening<'a> {
    /// The intents.
    pub names: &'a [String],
    /// Their passing candidates: this run's, or for `cargo intent tighten`
    /// the last run's ([`tighten::last_judged`]).
    pub judged: &'a BTreeMap<String, Answered>,
}

/// Offers the open inputs of `tightening`'s intents, then locks the
/// intents whose accepted answer was corrected again (with `options`),
/// their candidates judged before anything is decoded.
///
/// # Errors
///
/// As [`run`].
pub fn tighten_and_relock<A: Asker>(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    progress: &Progress,
    tightening: Tightening<'_>,
    asker: &mut A,
    on: &mut dyn FnMut(Step<'_>) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let done = tighten::tighten(project, env, &options.intent_dir, tightening.names, asker)?;
    on(Step::Tightened(&done))?;
    let mut again = options.clone();
    again.names.clear();
    for (name, tightened) in &done {
        if let Tightened::Stale { added, .. } = tightened {
            again.names.push(name.clone());
            if let Some(judged) = tightening.judged.get(name) {
                again.answered.insert(name.clone(), judged.with_answers(*added));
            }
        }
    }
    if again.names.is_empty() {
        return Ok(());
    }
    on(Step::Locked(&lock(project, &again, env, progress)?))
}
