//! How a `lock` run's summary reads at the terminal: one line per intent
//! settled (as cargo reports what it did), the errors with what fixes them,
//! the notes on what was accepted on less evidence, and each question.

use anyhow::Result;
use intent_build::ops::lock::settle::Step;
use intent_build::ops::lock::{LockSummary, Note, Settled};
use intent_build::ops::tighten::Tightened;
use intent_build::project::Project;

use crate::global::Global;

/// Shows the steps of one package's run (`ops::lock::settle`) as they end,
/// and remembers whether every one ended settled.
pub struct Shown<'a> {
    global: &'a Global,
    project: &'a Project,
    /// Whether everything shown so far ended settled.
    pub ok: bool,
}

impl<'a> Shown<'a> {
    /// Nothing shown yet for `project`.
    pub fn new(global: &'a Global, project: &'a Project) -> Shown<'a> {
        Shown {
            global,
            project,
            ok: true,
        }
    }

    /// Shows `step`; a lock interrupted by Ctrl-C is not shown (the
    /// command says it was interrupted).
    pub fn step(&mut self, step: Step<'_>) -> Result<()> {
        match step {
            Step::Locked(_) if crate::interrupt::requested() => {}
            Step::Locked(summary) => self.ok &= report(self.global, self.project, summary)?,
            Step::Page(page) if !self.ok => {
                eprintln!(
                    "note: the run, every candidate and round, is in {}",
                    page.display()
                )
            }
            Step::Page(_) => {}
            Step::Tightened(done) => tightened(&self.project.name, done),
        }
        Ok(())
    }
}

/// One line per intent whose open inputs were offered and answered.
fn tightened(package: &str, done: &[(String, Tightened)]) {
    for (name, tightened) in done {
        let name_in = format!("{package}::{name}");
        match tightened {
            Tightened::NothingOpen {
                figure: Some((r, n)),
            } => {
                eprintln!(
                    "{:>12} {name_in} (adequacy {r}/{n}: nothing open to pin)",
                    "Adequate"
                );
            }
            Tightened::NothingOpen { figure: None } => {}
            Tightened::Unanswered => {
                eprintln!("{:>12} {name_in}: its open inputs are unanswered", "Open")
            }
            Tightened::Kept {
                added,
                figure: ((r, n), after),
            } => {
                let after = after.map_or_else(|| "-".to_string(), |(r, n)| format!("{r}/{n}"));
                eprintln!(
                    "{:>12} {name_in}: {added} example(s), adequacy {r}/{n} → {after}",
                    "Tightened"
                );
            }
            Tightened::Stale { added, why } => {
                eprintln!(
                    "{:>12} {name_in}: {added} example(s); the accepted code fails them ({why})",
                    "Corrected"
                );
            }
        }
    }
}

/// Prints what `summary` says for one package; whether all is settled.
pub fn report(global: &Global, project: &Project, summary: &LockSummary) -> Result<bool> {
    let package = &project.name;
    print_done(global, package, summary);
    print_errors(package, summary);
    if !global.quiet {
        print_notes(summary);
    }
    print_questions(project, package, summary)?;
    if summary.names(|s| *s == Settled::Pending).next().is_some() {
        eprintln!(
            "note: review pending results with `cargo intent accept` or `cargo insta review`"
        );
    }
    Ok(summary.is_success())
}

/// One line per intent the run settled, as cargo reports what it did.
fn print_done(global: &Global, package: &str, summary: &LockSummary) {
    if global.quiet {
        return;
    }
    let mut said = vec![
        ("Recorded", Settled::Recorded),
        ("Unchanged", Settled::Unchanged),
        ("Adopted", Settled::Adopted),
        ("Reverified", Settled::Reverified),
        ("Judged", Settled::Hand),
        ("Pending", Settled::Pending),
        ("Removed", Settled::Removed),
    ];
    if global.verbose > 0 {
        said.push(("Fresh", Settled::Fresh));
    }
    for (verb, kind) in &said {
        for name in summary.names(|s| s == kind) {
            eprintln!("{verb:>12} {package}::{name}");
        }
    }
}

/// What is left stale: refused, failed, blocked.
fn print_errors(package: &str, summary: &LockSummary) {
    for (name, settled) in &summary.intents {
        if let Settled::Refused { stale } = settled {
            eprintln!("error: intent `{name}` in {package} is stale ({stale}) and --locked forbids regenerating it; run `cargo intent lock` without --locked");
        }
    }
    print_failures(&format!(" in {package}"), summary);
}

/// Intents no candidate passed for, and those blocked by one they use;
/// `place` follows each name (` in PACKAGE`, or nothing).
pub fn print_failures(place: &str, summary: &LockSummary) {
    for (name, settled) in &summary.intents {
        if let Settled::Failed { at, reason } = settled {
            eprintln!(
                "error: intent `{name}`{place}: no candidate passed (last gate: {at}): {reason}"
            );
        }
    }
    for (name, settled) in &summary.intents {
        if let Settled::Blocked { by } = settled {
            eprintln!("error: intent `{name}`{place} was not generated: blocked: it uses `{by}`, which has no accepted code");
        }
    }
}

/// What was accepted with less than the usual evidence, or changed.
fn print_notes(summary: &LockSummary) {
    for (name, note) in &summary.notes {
        if let Note::Unchecked(why) = note {
            eprintln!("note: intent `{name}` was judged on its examples alone: {why}");
        }
    }
    for (name, note) in &summary.notes {
        if let Note::Thin(confidence) = note {
            eprintln!(
                "note: intent `{name}` was accepted on thin support ({}): fewer than {} candidates agreed, the kind of acceptance that is wrong most often; read it with `cargo intent show {name}`, or add an example or a property",
                confidence.summary(),
                intent_build::lockfile::BROAD_SUPPORT
            );
        }
    }
    for (name, note) in &summary.notes {
        if let Note::BehaviourChanged(changes) = note {
            eprintln!(
                "note: intent `{name}` behaves differently from before on {} generated input(s):",
                changes.len()
            );
            for change in changes.iter().take(5) {
                eprintln!("      {change}");
            }
        }
    }
}

/// Each question: its headline, then the inputs and the examples to add.
fn print_questions(project: &Project, package: &str, summary: &LockSummary) -> Result<()> {
    if summary.questions().next().is_none() {
        return Ok(());
    }
    let specs = project.specs()?;
    for (name, question) in summary.questions() {
        eprintln!(
            "error: intent `{name}` in {package}: {}",
            question.headline()
        );
        if let Some(spec) = specs.iter().find(|s| s.spec.name == name) {
            eprint!("{}", question.render(spec));
        }
    }
    Ok(())
}

/// What `watch` prints of a run: one line per intent settled (or one
/// saying all are fresh), so each event stays one line.
pub fn watched(package: &str, summary: &LockSummary) -> Result<()> {
    let accepted = [Settled::Recorded, Settled::Unchanged, Settled::Adopted];
    for kind in &accepted {
        for name in summary.names(|s| s == kind) {
            outln!("{package}::{name}: accepted")?;
        }
    }
    for name in summary.names(|s| *s == Settled::Pending) {
        outln!("{package}::{name}: pending review")?;
    }
    for (name, settled) in &summary.intents {
        if let Settled::Failed { at, reason } = settled {
            outln!("{package}::{name}: failed at {at}: {reason}")?;
        }
    }
    for (name, settled) in &summary.intents {
        if let Settled::Refused { stale } = settled {
            outln!("{package}::{name}: stale ({stale}), not regenerated under --locked")?;
        }
    }
    let settled_now = |s: &Settled| {
        accepted.contains(s) || matches!(s, Settled::Pending | Settled::Failed { .. })
    };
    if summary.names(settled_now).next().is_none() {
        outln!("{package}: all intents fresh")?;
    }
    Ok(())
}
