//! Pinning what the spec leaves open: the accepted code's open mutants
//! (see [`crate::judge::mutants`]) turned into confirmations — "`round_half(2.5)`
//! gives `3`: right?" — whose answers become examples. `cargo intent lock`
//! offers them at a terminal right after an acceptance, and `cargo intent
//! tighten` for intents accepted before.
//!
//! A confirmed answer is what the accepted code gives, so the code is judged
//! again against the spec with its new examples, with no model, and kept
//! under the new spec hash (its author and model identity unchanged). A
//! corrected answer refuses the accepted code: the intent is stale, and the
//! command locks it again from the candidates the last run judged.

use super::hand;
pub use super::asker::{Asker, Confirmation, Offer};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::generate::{gated, uses, Used};
use crate::judge::behaviour::CallOutcome;
use crate::judge::gates::GateRunner;
use crate::judge::mutants;
use crate::lockfile::{Lockfile, LockEntry};
use crate::project::{pinned_behaviour, Project};
use crate::report::Adequacy;
use crate::spec::edit::{add_examples, NewExample};
use crate::spec::SpecFile;
use crate::state::State;

/// Most inputs offered per intent.
pub const MOST_OFFERS: usize = 3;

/// What tightening did to one intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tightened {
    /// Its adequacy could not be judged (no behaviour to compare, no
    /// mutants) or nothing is open: nothing to ask.
    NothingOpen {
        /// Ruled out and judged, when judged.
        figure: Option<(usize, usize)>,
    },
    /// Every offer was skipped.
    Unanswered,
    /// Answers became examples and the accepted code passes them: kept.
    Kept {
        /// Examples added.
        added: usize,
        /// The adequacy before and after.
        figure: ((usize, usize), Option<(usize, usize)>),
    },
    /// An answer corrected the accepted code, which now fails: the intent
    /// is stale and must be locked again.
    Stale {
        /// Examples added.
        added: usize,
        /// Why the accepted code fails.
        why: String,
    },
}

/// The inputs to offer for `adequacy`: each call where open mutants answer
/// otherwise than the accepted code, those that rule out the most first
/// (so the fewest mutants agree with the accepted code there), at most
/// [`MOST_OFFERS`]. Only a value is offered (not a panic, a time-out or a
/// crash): an example says what a call returns.
pub fn offers(adequacy: &Adequacy) -> Vec<Offer> {
    let mut offers: Vec<Offer> = Vec::new();
    for open in &adequacy.open {
        if !matches!(CallOutcome::parse(&open.accepted), CallOutcome::Value(_)) {
            continue;
        }
        match offers.iter_mut().find(|o| o.call == open.call) {
            Some(offer) => offer.open += 1,
            None => offers.push(Offer {
                call: open.call.clone(),
                accepted: open.accepted.clone(),
                open: 1,
            }),
        }
    }
    offers.sort_by(|a, b| b.open.cmp(&a.open).then(a.call.len().cmp(&b.call.len())));
    offers.truncate(MOST_OFFERS);
    offers
}

/// Offers the open inputs of each accepted intent in `names` (every
/// accepted, fresh intent when empty) to `asker`, writes the answers into
/// the specs and judges the accepted code against them.
///
/// # Errors
///
/// The asker's errors; the specs, lock or snapshots cannot be read or
/// written; the gates cannot run.
pub fn tighten<A: Asker>(
    project: &Project,
    env: &Env,
    intent_dir: &std::path::Path,
    names: &[String],
    asker: &mut A,
) -> std::result::Result<Vec<(String, Tightened)>, A::Error> {
    let statuses = project.statuses()?;
    let known = super::lock::Known::of(&statuses);
    let runner = project.gate_runner(env, intent_dir, None);
    let specs = statuses.iter().map(|s| &s.spec);
    let runner = project.with_crates(runner, specs, intent_dir, env.offline())?;
    let mut done = Vec::new();
    for status in &statuses {
        let name = &status.spec.spec.name;
        let wanted = names.is_empty() || names.contains(name);
        let (Some(snapshot), true, State::Fresh) = (&status.snapshot, wanted, &status.state) else {
            continue;
        };
        let Ok(used) = uses::resolve(&status.spec.spec, None, &known.specs, &known.accepted) else {
            continue;
        };
        let one = One {
            project,
            intent_dir,
            runner: &runner,
            file: &status.spec,
            code: &snapshot.code,
            used: &used,
        };
        done.push((name.clone(), one.tighten(asker)?));
    }
    Ok(done)
}

/// The candidates each intent of the last run (`report.json` in
/// `intent_dir`) passed with: what `cargo intent tighten`, which runs
/// after that run ended, judges again for a corrected answer. Empty when
/// there was no run.
pub fn last_judged(intent_dir: &std::path::Path) -> std::collections::BTreeMap<String, crate::generate::replay::Answered> {
    crate::report::read_report(&intent_dir.join("report.json"))
        .unwrap_or_default()
        .iter()
        .map(|r| (r.name.clone(), crate::generate::replay::Answered::from_report(r, 0)))
        .collect()
}

/// One accepted intent being tightened.
struct One<'a> {
    project: &'a Project,
    intent_dir: &'a std::path::Path,
    runner: &'a GateRunner,
    file: &'a SpecFile,
    code: &'a str,
    used: &'a [Used],
}

impl One<'_> {
    fn tighten<A: Asker>(&self, asker: &mut A) -> std::result::Result<Tightened, A::Error> {
        let Some(adequacy) = self.adequacy(self.file)? else {
            return Ok(Tightened::NothingOpen { figure: None });
        };
        let before = figure(&adequacy);
        let offers = offers(&adequacy);
        if offers.is_empty() {
            return Ok(Tightened::NothingOpen { figure: Some(before) });
        }
        let examples = self.ask(&offers, asker)?;
        if examples.is_empty() {
            return Ok(Tightened::Unanswered);
        }
        let path = self.project.root.join(&self.file.path);
        add_examples(&path, &self.file.path, &examples)?;
        asker.added(&self.file.path, examples.len());
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&self.file.path, e))?;
        let file = crate::spec::parse_str(&text, &self.file.path)?;
        let added = examples.len();
        match self.keep(&file)? {
            Ok(after) => Ok(Tightened::Kept { added, figure: (before, after) }),
            Err(why) => Ok(Tightened::Stale { added, why }),
        }
    }

    /// The accepted code's adequacy under `file`, against its pinned
    /// behaviour.
    fn adequacy(&self, file: &SpecFile) -> Result<Option<Adequacy>> {
        let pinned = pinned_behaviour(&self.project.specs_dir(), &file.spec.name);
        let spec = gated(file, self.used).spec;
        mutants::adequacy(self.runner, &spec, self.code, pinned.as_ref())
            .map_err(|e| Error::setting(format!("cannot run the gates: {e}")))
    }

    /// Each offer asked in turn until one says stop: the examples to add.
    fn ask<A: Asker>(&self, offers: &[Offer], asker: &mut A) -> std::result::Result<Vec<NewExample>, A::Error> {
        let mut examples = Vec::new();
        for offer in offers {
            let expect = match asker.confirm(self.file, offer, self.runner)? {
                Confirmation::Right => self.expression(offer)?,
                Confirmation::Returns(value) => Some(value),
                Confirmation::Skip => None,
                Confirmation::Stop => break,
            };
            if let Some(expect) = expect {
                examples.push(NewExample { call: offer.call.clone(), expect });
            }
        }
        Ok(examples)
    }

    /// The accepted answer as an expression the call's result equals: as
    /// printed, else with its strings owned; `None` when neither compiles.
    fn expression(&self, offer: &Offer) -> Result<Option<String>> {
        for form in [offer.accepted.clone(), crate::judge::behaviour::owned_strings(&offer.accepted)] {
            let error = self
                .runner
                .check_answer(&self.file.spec, &offer.call, &form)
                .map_err(|e| Error::setting(format!("cannot run the compiler: {e}")))?;
            if error.is_none() {
                return Ok(Some(form));
            }
        }
        Ok(None)
    }

    /// Judges the accepted code against `file` (the spec with its new
    /// examples) and, when it passes, records it under the new spec with
    /// its author, model and confidence kept: the adequacy after, or why
    /// it fails.
    fn keep(&self, file: &SpecFile) -> Result<std::result::Result<Option<(usize, usize)>, String>> {
        let judged = match hand::judge(self.runner, file, self.code, self.used)? {
            Ok(judged) => judged,
            Err((gate, evidence)) => return Ok(Err(format!("the {} gate: {evidence}", gate.name()))),
        };
        let after = self.adequacy(file)?.map(|a| figure(&a));
        let lock = Lockfile::load(&self.project.lockfile())?;
        let Some(entry) = lock.entries.get(&file.spec.name) else {
            return Ok(Err("it has no lock entry".into()));
        };
        let entry = LockEntry {
            spec_hash: file.hash.clone(),
            functional_hash: judged.functional_hash,
            gates: judged.gates,
            confidence: entry.confidence.map(|mut c| {
                c.examples = file.spec.examples.len();
                c.adequacy = after;
                c
            }),
            ..entry.clone()
        };
        let text = judged.behaviour.as_ref().map(|b| b.render(None));
        let store = self.project.store(self.intent_dir);
        store.record(file, self.code, entry, text)?;
        Ok(Ok(after))
    }
}

/// Ruled out and judged.
fn figure(adequacy: &Adequacy) -> (usize, usize) {
    (adequacy.ruled_out, adequacy.ruled_out + adequacy.open.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::OpenInput;

    fn open(call: &str, accepted: &str) -> OpenInput {
        OpenInput {
            mutant: "m".into(),
            call: call.into(),
            accepted: accepted.into(),
            mutated: "x".into(),
        }
    }

    #[test]
    fn the_inputs_most_mutants_answer_otherwise_come_first() {
        let adequacy = Adequacy {
            ruled_out: 3,
            open: vec![
                open("f(1, 2)", "3"),
                open("f(-1, 0)", "-1"),
                open("f(-1, 0)", "-1"),
                open("f(9, 9)", "panicked"),
                open("f(8, 8)", "timed out"),
                open("f(0, 0)", "0"),
                open("f(5, 50)", "55"),
            ],
            equivalent: 0,
            unviable: 0,
        };
        let calls: Vec<(String, usize)> = offers(&adequacy).into_iter().map(|o| (o.call, o.open)).collect();
        assert_eq!(calls, [("f(-1, 0)".into(), 2), ("f(1, 2)".into(), 1), ("f(0, 0)".into(), 1)]);
    }
}
