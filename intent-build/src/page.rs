//! `target/intent/report.html`: a run as one page a reviewer can skim, as
//! `cargo build --timings` writes one. An index of the run's intents
//! (outcome, time, confidence), then per intent its spec, the accepted
//! code, the behaviour groups over the inputs that split them, what changed
//! against the pinned behaviour, and every round's candidates with their
//! verdicts and evidence. Self-contained (inline style, no script, no
//! external asset), rendered from `report.json` with `maud`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use crate::error::{Error, Result};
use crate::compression::Compression;
use crate::lockfile::{Author, Lockfile};
use crate::report::Question;
use crate::report::{CandidateReport, IntentOutcome, IntentReport, RoundReport};
use crate::project::Project;

/// The page's file name, beside `report.json`.
pub const FILE: &str = "report.html";

/// One spec as the page shows it: where it is and what it says.
#[derive(Debug, Clone)]
pub struct SpecText {
    /// The file, relative to the crate root.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// What a page is made of.
#[derive(Debug)]
pub struct Run<'a> {
    /// The package the intents belong to.
    pub package: &'a str,
    /// When the run ended.
    pub at: SystemTime,
    /// Every intent of the run.
    pub reports: &'a [IntentReport],
    /// The specs by intent name (those still on disk).
    pub specs: BTreeMap<String, SpecText>,
    /// Who wrote each intent's accepted code, from the lock.
    pub authors: BTreeMap<String, Author>,
    /// Each accepted intent's seed over its code (see `compression`).
    pub compression: BTreeMap<String, Compression>,
}

/// The last run's page (in `intent_dir`) drawn again with today's lock and
/// specs, so it says who wrote what is accepted now; `None` when no run
/// has written a report there.
///
/// # Errors
///
/// As [`write`].
pub fn redraw(project: &Project, intent_dir: &Path) -> Result<Option<PathBuf>> {
    let json = intent_dir.join("report.json");
    if !json.is_file() {
        return Ok(None);
    }
    write(project, &json).map(Some)
}

/// Renders `report.json` beside it as `report.html`, with the specs of
/// `project`; the page's path.
///
/// # Errors
///
/// `report.json` cannot be read, or the page cannot be written.
pub fn write(project: &Project, report_json: &Path) -> Result<PathBuf> {
    let reports = crate::report::read_report(report_json).ok_or_else(|| {
        Error::io(
            report_json,
            std::io::Error::other("cannot read the run's report"),
        )
    })?;
    let run = Run {
        package: &project.name,
        at: SystemTime::now(),
        specs: spec_texts(project),
        reports: &reports,
        authors: Lockfile::load(&project.lockfile())
            .map(|lock| lock.entries.into_iter().map(|(name, e)| (name, e.author)).collect())
            .unwrap_or_default(),
        compression: project
            .statuses()
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Some((s.spec.spec.name.clone(), crate::ops::compression(project, s)?)))
            .collect(),
    };
    let path = report_json.with_file_name(FILE);
    crate::files::write_atomic(&path, render(&run).as_bytes())?;
    Ok(path)
}

/// The specs of `project` by name; a spec that cannot be read is left out
/// (its intent shows no spec).
fn spec_texts(project: &Project) -> BTreeMap<String, SpecText> {
    let Ok(specs) = project.specs() else {
        return BTreeMap::new();
    };
    specs
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(project.root.join(&file.path)).ok()?;
            Some((
                file.spec.name,
                SpecText {
                    path: file.path,
                    text,
                },
            ))
        })
        .collect()
}

/// The whole page.
pub fn render(run: &Run<'_>) -> String {
    let at = humantime::format_rfc3339_seconds(run.at);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "intent: " (run.package) " — " (at) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "intent run: " (run.package) }
                p.when { "Ended " (at) " · " (run.reports.len()) " intent(s)" }
                (index(run.reports, &run.authors))
                (written_by_people(&run.authors))
                @if !run.compression.is_empty() {
                    p.compression { "The seed's compression (spec, model identity and functional hash over the accepted code), for the crate: "
                        (Compression::total(run.compression.values()).shown()) }
                }
                @for report in run.reports {
                    (intent(report, run.specs.get(&report.name), run.compression.get(&report.name)))
                }
            }
        }
    }
    .into_string()
}

/// The table of every intent: outcome, author, time, model calls, confidence.
fn index(reports: &[IntentReport], authors: &BTreeMap<String, Author>) -> Markup {
    html! {
        table.index {
            thead { tr { th { "intent" } th { "outcome" } th { "author" } th.num { "seconds" } th.num { "model calls" } th { "confidence" } th { "why" } } }
            tbody {
                @for r in reports {
                    tr {
                        td { a href={ "#" (r.name) } { (r.name) } }
                        td { span class={ "outcome " (outcome_word(r.outcome)) } { (outcome_word(r.outcome)) } }
                        td { (authors.get(&r.name).map_or("-", |a| a.name())) }
                        td.num { (format!("{:.1}", r.seconds())) }
                        td.num { (r.model_calls()) }
                        td { (r.confidence.as_ref().map(|c| c.summary()).unwrap_or_else(|| "-".into())) }
                        td.why { (r.reason.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

/// The intents of the lock whose code a person wrote or the crate had
/// before (`hand`, `adopted`), which a run of the model does not list.
fn written_by_people(authors: &BTreeMap<String, Author>) -> Markup {
    let of = |author: Author| -> Vec<&str> {
        authors.iter().filter(|(_, a)| **a == author).map(|(n, _)| n.as_str()).collect()
    };
    let (hand, adopted) = (of(Author::Hand), of(Author::Adopted));
    html! {
        @if !hand.is_empty() {
            p.authors { "Written by hand: " (hand.join(", ")) }
        }
        @if !adopted.is_empty() {
            p.authors { "Adopted from the crate: " (adopted.join(", ")) }
        }
    }
}

/// One intent's section.
fn intent(report: &IntentReport, spec: Option<&SpecText>, compression: Option<&Compression>) -> Markup {
    let accepted = report
        .rounds
        .iter()
        .flat_map(|r| &r.candidates)
        .find(|c| c.accepted)
        .and_then(|c| c.code.as_deref());
    html! {
        section.intent id=(report.name) {
            h2 { (report.name) " " span class={ "outcome " (outcome_word(report.outcome)) } { (outcome_word(report.outcome)) } }
            @if let Some(reason) = &report.reason { p.reason { (reason) } }
            @if let Some(c) = compression { p.compression { "Seed over code: " (c.shown()) } }
            @if let Some(why) = &report.behaviour_unchecked { p.note { "Judged on its examples alone: " (why) } }
            @if let Some(question) = &report.question {
                h3 { "Question" }
                p { (question.headline()) }
                (groups_table(question, "question"))
            }
            @if let Some(split) = report.split.as_ref().filter(|s| Some(*s) != report.question.as_ref()) {
                h3 { "Behaviour groups" }
                p { "The passing candidates split on these inputs (largest group first):" }
                (groups_table(split, "groups"))
            }
            @if !report.behaviour_change.is_empty() {
                h3 { "Behaviour change against the pinned behaviour" }
                table.change {
                    thead { tr { th { "input" } th { "before" } th { "now" } } }
                    tbody { @for c in &report.behaviour_change { tr { td { code { (c.call) } } td { code { (c.before) } } td { code { (c.after) } } } } }
                }
            }
            @if let Some(spec) = spec {
                details open[accepted.is_none()] {
                    summary { "Spec " code { (spec.path.display()) } }
                    pre { (spec.text) }
                }
            }
            @if let Some(code) = accepted {
                h3 { "Accepted code" }
                pre.code { (code) }
            }
            @if let Some(adequacy) = report.adequacy.as_ref().filter(|a| !a.open.is_empty()) {
                h3 { "Where the spec is silent: adequacy " (adequacy.figure()) }
                p { "These mutants of the accepted code pass every example, test and property, yet answer otherwise on these inputs. An example on one of them rules its mutant out." }
                table.change {
                    thead { tr { th { "input" } th { "accepted" } th { "mutant" } th { "what the mutant changed" } } }
                    tbody { @for o in &adequacy.open { tr { td { code { (o.call) } } td { code { (o.accepted) } } td { code { (o.mutated) } } td { (o.mutant) } } } }
                }
            }
            @if let Some(checks) = &report.checks { (checks_section(checks)) }
            @for round in &report.rounds { (round_section(round, offset(report, round.round))) }
        }
    }
}

/// The checks drawn from the description: each set and who wrote it, the
/// agreed checks, and what each passing candidate did on them.
fn checks_section(checks: &crate::report::ChecksReport) -> Markup {
    let set_word = |n: usize| if n == 1 { "set" } else { "sets" };
    html! {
        h3 { "Checks drawn from the description: " (checks.agreed.len()) " agreed" }
        @if !checks.agreed.is_empty() {
            table.checks {
                thead { tr { th { "call" } th { "expected" } th { "agreed by" } th { "failed by" } } }
                tbody {
                    @for (k, a) in checks.agreed.iter().enumerate() {
                        tr {
                            td { code { (a.call) } }
                            td { code { (a.value) } @if let Some(q) = &a.quote { br; q { (q) } } }
                            td { (a.sets) " of " (a.of) " " (set_word(a.of)) }
                            td { (failed_by(checks, k)) }
                        }
                    }
                }
            }
        }
        @if !checks.seconded.is_empty() {
            p { "Given by too few sets to be agreed, failed by the code about to be accepted and \
                 passed by other candidates, so they stopped it:" }
            ul.checks { @for a in &checks.seconded {
                li { code { (a.call) " == " (a.value) } " (" (a.sets) " of " (a.of) " " (set_word(a.of)) ")"
                     @if let Some(q) = &a.quote { br; q { (q) } } }
            } }
        }
        @if !checks.probed.is_empty() {
            p { "Values the model gave for calls the passing candidates split on, failed by the \
                 code about to be accepted and returned by other candidates, so they stopped it:" }
            ul.checks { @for a in &checks.probed {
                li { code { (a.call) " == " (a.value) } " (" (a.sets) " of " (a.of) " " (set_word(a.of)) ")" }
            } }
        }
        (sets("Set", &checks.sets))
        (sets("Probe", &checks.probes))
    }
}

/// Each of `sets` folded: who wrote it, its checks, why it was dropped.
fn sets(word: &str, sets: &[crate::report::CheckSet]) -> Markup {
    html! {
        @for (n, set) in sets.iter().enumerate() {
            details {
                summary { (word) " " (n + 1) " by " (set.author) ": " (set.checks.len()) " check(s)"
                          @if let Some(why) = &set.dropped { " — dropped: " (why) } }
                ul { @for c in &set.checks {
                    li { code { (c.call) " == " (c.expect) }
                         @if c.value.is_none() { " (does not compile against the signature)" } }
                } }
            }
        }
    }
}

/// The candidates that failed agreed check `k`, as `round.index: returned`.
fn failed_by(checks: &crate::report::ChecksReport, k: usize) -> String {
    let failed: Vec<String> = checks
        .candidates
        .iter()
        .filter_map(|c| {
            let f = c.failed.iter().find(|f| f.check == k)?;
            Some(format!("#{}.{}: {}", c.round, c.index, f.got))
        })
        .collect();
    if failed.is_empty() {
        "none".into()
    } else {
        failed.join("; ")
    }
}

/// Where `round`'s candidates start among all the intent's candidates (the
/// numbering the groups use).
fn offset(report: &IntentReport, round: u32) -> usize {
    report
        .rounds
        .iter()
        .take_while(|r| r.round != round)
        .map(|r| r.candidates.len())
        .sum()
}

/// Inputs down, groups across: what each group returned where they split.
fn groups_table(question: &Question, class: &str) -> Markup {
    html! {
        table class=(class) {
            thead {
                tr {
                    th { "input" }
                    @for (group, _) in &question.groups {
                        th { (group.members.len()) " of " (question.passing) " candidates"
                             br; span.members { "#" (members(&group.members)) } }
                    }
                    @if !question.claims.is_empty() { th { "the description's checks" } }
                }
            }
            tbody {
                @for (k, call) in question.calls.iter().enumerate() {
                    tr {
                        td { code { (call) } }
                        @for (_, outcomes) in &question.groups { td { code { (outcomes[k]) } } }
                        @if let Some(claim) = question.claims.get(k) {
                            td { code { (claim.value) } " (" (claim.sets) " of " (claim.of) " sets)"
                                 @if let Some(quote) = &claim.quote { br; q { (quote) } } }
                        }
                    }
                }
            }
        }
    }
}

/// `0, 2, 5`.
fn members(members: &[u32]) -> String {
    members
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", #")
}

/// One round: its lessons and every candidate.
fn round_section(round: &RoundReport, first: usize) -> Markup {
    let passed = round.candidates.iter().filter(|c| c.passed()).count();
    html! {
        h3 { "Round " (round.round) }
        p.when { (round.candidates.len()) " decoded, " (passed) " passed · model "
                 (format!("{:.1}", round.model_seconds())) " s, gates " (format!("{:.1}", round.gate_seconds())) " s" }
        @if !round.lessons.is_empty() {
            details { summary { "Lessons (" (round.lessons.len()) ")" } ul { @for l in &round.lessons { li { (l) } } } }
        }
        table.candidates {
            thead { tr { th { "#" } th { "verdict" } th.num { "tokens" } th.num { "seconds" } th { "notes" } th { "evidence and code" } } }
            tbody { @for (i, c) in round.candidates.iter().enumerate() { (candidate_row(first + i, c)) } }
        }
    }
}

/// One candidate: its verdict, cost, and the evidence against it.
fn candidate_row(number: usize, c: &CandidateReport) -> Markup {
    let failed_gate = c.gates.iter().find(|g| !g.passed).map(|g| g.gate.name());
    let verdict = match (c.passed(), failed_gate) {
        (true, _) if c.accepted => "accepted".to_string(),
        (true, _) => "passed".to_string(),
        (false, Some(gate)) => format!("failed: {gate}"),
        (false, None) => "no answer".to_string(),
    };
    let mut notes = Vec::new();
    if c.replayed {
        notes.push("replayed after an answer".to_string());
    } else if c.cached {
        notes.push("from cache".to_string());
    }
    if let Some(seed) = c.seed {
        notes.push(format!("seed {seed}"));
    }
    for fix in &c.fixes {
        notes.push(format!("repaired: {fix:?}"));
    }
    html! {
        tr class=(if c.passed() { "pass" } else { "fail" }) {
            td.num { (number) }
            td { (verdict) }
            td.num { (c.completion_tokens) }
            td.num { (format!("{:.1}", c.model_seconds + c.gate_seconds)) }
            td { (notes.join(" · ")) }
            td {
                @if let Some(failure) = &c.failure { details { summary { (first_line(failure)) } pre { (failure) } } }
                @if let Some(code) = &c.code { details { summary { "code" } pre.code { (code) } } }
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn outcome_word(outcome: IntentOutcome) -> &'static str {
    match outcome {
        IntentOutcome::Generated => "generated",
        IntentOutcome::Accepted => "accepted",
        IntentOutcome::Unchanged => "unchanged",
        IntentOutcome::Pending => "pending",
        IntentOutcome::Failed => "refused",
        IntentOutcome::Question => "question",
    }
}

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { border-top: 1px solid #ccc; padding-top: .8em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.why { max-width: 30em; color: #555; }
pre { background: #f7f7f7; padding: .6em; overflow-x: auto; max-width: 100%; }
.outcome { padding: .05em .45em; border-radius: .3em; font-size: .85em; font-weight: 600; }
.outcome.accepted, .outcome.unchanged { background: #d9f2d9; color: #14591b; }
.outcome.refused { background: #f8d7d7; color: #7a1010; }
.outcome.question, .outcome.pending, .outcome.generated { background: #fcefc7; color: #6b4a00; }
tr.fail td:nth-child(2) { color: #7a1010; } tr.pass td:nth-child(2) { color: #14591b; }
.members, .when, .note { color: #666; } .reason { font-weight: 600; }
";
