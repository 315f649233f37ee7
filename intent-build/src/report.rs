//! The schema of `target/intent/report.json`: what happened to each intent,
//! round and candidate. At the bottom of the crate: generation writes it,
//! judging fills its candidates' lines, and the CLI, the page and the
//! benches read it; it imports none of them.

use serde::{Deserialize, Serialize};

pub use crate::gate::Gate;
use crate::lockfile::{Confidence, ModelIdentity};
use crate::spec::{SpecFile, SpecFormat};

/// One gate's verdict for a candidate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateRecord {
    /// The gate (its [`Gate::name`] in `report.json`).
    pub gate: Gate,
    /// Whether it passed.
    pub passed: bool,
}

impl GateRecord {
    pub fn of(gate: Gate, passed: bool) -> GateRecord {
        GateRecord { gate, passed }
    }
}

/// One candidate of a round in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CandidateReport {
    /// Its index in the round (0: greedy in round 0).
    pub index: u32,
    /// The seed it was sampled with (`None`: greedy, or no answer).
    pub seed: Option<u32>,
    /// The provider that answered.
    pub provider: Option<String>,
    /// Its model identity.
    pub model: Option<ModelIdentity>,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
    /// Seconds the model took for the whole batch this candidate was in.
    pub model_seconds: f64,
    /// Seconds the gates took for this candidate.
    pub gate_seconds: f64,
    /// Whether the completion came from the response cache.
    pub cached: bool,
    /// Whether it was decoded before the user answered a question and
    /// judged again after (`generate::replay`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
    /// Gate verdicts in order.
    pub gates: Vec<GateRecord>,
    /// Whether rustc's suggestions were applied.
    pub rustfix_applied: bool,
    /// Whether the suggestions alone made the candidate pass.
    pub rustfix_saved: bool,
    /// The mechanical repairs that made the judged code from the decoded
    /// one (`judge::variants`); empty when it was judged as decoded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
    /// Why it failed.
    pub failure: Option<String>,
    /// The code the gates judged (after rustc's fixes), or the raw answer
    /// when no code could be extracted from it.
    pub code: Option<String>,
    /// Whether this candidate was the one accepted.
    pub accepted: bool,
}

impl CandidateReport {
    /// Whether it passed every gate.
    pub fn passed(&self) -> bool {
        self.failure.is_none() && self.gates.iter().all(|g| g.passed) && self.code.is_some()
    }
}

/// One round in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoundReport {
    /// 0 for the first round.
    pub round: u32,
    /// The lessons its prompt carried (empty in round 0).
    #[serde(default)]
    pub lessons: Vec<String>,
    /// Every candidate, in index order.
    pub candidates: Vec<CandidateReport>,
    /// The passing candidates grouped by behaviour, largest group first
    /// (empty when fewer than one passed or behaviour is unknown).
    #[serde(default)]
    pub groups: Vec<Group>,
}

impl RoundReport {
    /// Model seconds (candidates of one batch share them: the longest) plus
    /// every candidate's gate seconds.
    pub fn seconds(&self) -> f64 {
        self.model_seconds() + self.gate_seconds()
    }

    /// Seconds the model took: one batch's, shared by its candidates.
    pub fn model_seconds(&self) -> f64 {
        self.candidates
            .iter()
            .map(|c| c.model_seconds)
            .fold(0.0, f64::max)
    }

    /// Seconds every candidate's gates took.
    pub fn gate_seconds(&self) -> f64 {
        self.candidates.iter().map(|c| c.gate_seconds).sum()
    }

    /// Model calls made (candidates not answered from the cache).
    pub fn model_calls(&self) -> usize {
        self.candidates
            .iter()
            .filter(|c| c.provider.is_some() && !c.cached)
            .count()
    }
}

/// How an intent's generation ended, in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntentOutcome {
    /// A candidate passed the gates (not yet recorded).
    Generated,
    /// Recorded in the lock and snapshot.
    Accepted,
    /// Passed, and the same code was already accepted.
    Unchanged,
    /// Waiting for review.
    Pending,
    /// No candidate passed.
    Failed,
    /// Candidates passed but disagree: the user is asked.
    Question,
}

/// How much of the accepted code's behaviour the spec pins down: its
/// mutants judged by the spec (see `judge::mutants`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Adequacy {
    /// Mutants the spec's examples, tests or properties refused.
    pub ruled_out: usize,
    /// Mutants that pass the whole spec yet answer otherwise on a
    /// generated input: where the spec is silent.
    pub open: Vec<OpenInput>,
    /// Mutants that answer as the accepted code on every input.
    pub equivalent: usize,
    /// Mutants that do not compile (or the policy refuses).
    pub unviable: usize,
}

impl Adequacy {
    /// `ruled out / (ruled out + open)`, as `14/20`.
    pub fn figure(&self) -> String {
        format!("{}/{}", self.ruled_out, self.ruled_out + self.open.len())
    }
}

/// An input on which an open mutant answers otherwise than the accepted code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenInput {
    /// What the mutant changed (`line 3: \`+\` → \`-\``).
    pub mutant: String,
    /// The call, as an example would write it.
    pub call: String,
    /// What the accepted code answers.
    pub accepted: String,
    /// What the mutant answers.
    pub mutated: String,
}

/// What happened to one intent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntentReport {
    /// Intent name.
    pub name: String,
    /// Every round.
    pub rounds: Vec<RoundReport>,
    /// How it ended.
    pub outcome: IntentOutcome,
    /// Where generation stopped: the furthest gate a candidate of the last
    /// round reached and failed, or another reason.
    pub last_gate: Option<StoppedAt>,
    /// Why it failed.
    pub reason: Option<String>,
    /// The question, when the passing candidates disagreed.
    #[serde(default)]
    pub question: Option<Question>,
    /// The accepted candidate's agreement: its group, of the passing.
    #[serde(default)]
    pub agreement: Option<(usize, usize)>,
    /// Why behaviour was not judged (no generator for a type).
    #[serde(default)]
    pub behaviour_unchecked: Option<String>,
    /// What vouched for the accepted candidate.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// When the passing candidates of every round fell into more than one
    /// behaviour group: the inputs that split them and each group's
    /// outcomes there (groups' members are positions among all the
    /// intent's candidates, rounds in order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Question>,
    /// Where the new behaviour differs from the one pinned before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviour_change: Vec<Change>,
    /// The intent it uses that has no accepted code, when that kept it
    /// from being generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// How much of the accepted code's behaviour the spec pins down, when
    /// its mutants could be judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adequacy: Option<Adequacy>,
    /// The checks drawn from the description, when any were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<ChecksReport>,
    /// How much of its decoding budget the intent used, and why it
    /// stopped there; absent when nothing was generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoding: Option<Decoding>,
}

/// Candidates decoded against the budget, and why decoding stopped where
/// it did: a lock that stops early says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoding {
    /// Candidates decoded, every round together (a candidate judged again
    /// from an earlier run counts as the decode it was).
    pub decoded: u32,
    /// The most the intent could decode (`max-candidates`).
    pub budget: u32,
    /// Why no more were decoded.
    pub stopped: DecodingStop,
}

/// Why an intent decoded no more candidates. Written in `report.json` in
/// kebab case (`decided`, `budget-spent`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecodingStop {
    /// A behaviour had the quorum and a clear majority, with broad support
    /// or after a rival was sought: more candidates could not change it.
    Decided,
    /// New code behaved as the pinned code did, which is evidence of its own.
    PinnedKept,
    /// Groups that each met the quorum split: a question, not more votes.
    Split,
    /// The candidates changed the pinned behaviour.
    Changed,
    /// Every candidate of the budget was decoded.
    BudgetSpent,
    /// No candidate passed within the repair rounds.
    RoundsSpent,
    /// A provider gave no answer, or the gates could not run.
    Stopped,
}

/// Where an intent's generation stopped without an accepted candidate.
/// Written in `report.json` as its name (`compile`, `quorum`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoppedAt {
    /// A gate the furthest candidate failed.
    Gate(Gate),
    /// No answer came from any provider.
    Model,
    /// The gates could not run.
    Gates,
    /// Passing candidates split, or behave other than the pinned behaviour.
    Behaviour,
    /// Too few candidates agreed, and no question could be asked.
    Quorum,
    /// The code about to be accepted fails checks drawn from the description.
    Checks,
    /// A used intent has no accepted code.
    Uses,
    /// The verified result could not be recorded.
    Accept,
}

impl StoppedAt {
    /// Everything but a gate, for reading names back.
    const OTHERS: [StoppedAt; 7] = [
        StoppedAt::Model,
        StoppedAt::Gates,
        StoppedAt::Behaviour,
        StoppedAt::Quorum,
        StoppedAt::Checks,
        StoppedAt::Uses,
        StoppedAt::Accept,
    ];

    /// Its name in reports and messages.
    pub fn name(self) -> &'static str {
        match self {
            StoppedAt::Gate(gate) => gate.name(),
            StoppedAt::Model => "model",
            StoppedAt::Gates => "gates",
            StoppedAt::Behaviour => "behaviour",
            StoppedAt::Quorum => "quorum",
            StoppedAt::Checks => "checks",
            StoppedAt::Uses => "uses",
            StoppedAt::Accept => "accept",
        }
    }

    /// The place named `name`, if any.
    pub fn parse(name: &str) -> Option<StoppedAt> {
        Gate::ORDER
            .iter()
            .map(|g| StoppedAt::Gate(*g))
            .chain(StoppedAt::OTHERS)
            .find(|s| s.name() == name)
    }
}

impl From<Gate> for StoppedAt {
    fn from(gate: Gate) -> StoppedAt {
        StoppedAt::Gate(gate)
    }
}

impl Serialize for StoppedAt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for StoppedAt {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        StoppedAt::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown stopping place `{name}`")))
    }
}

impl std::fmt::Display for StoppedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl IntentReport {
    /// The report of an intent before its first round: failed, for now.
    pub fn new(name: &str) -> IntentReport {
        IntentReport {
            name: name.to_string(),
            rounds: Vec::new(),
            outcome: IntentOutcome::Failed,
            last_gate: None,
            reason: None,
            question: None,
            agreement: None,
            behaviour_unchecked: None,
            confidence: None,
            split: None,
            behaviour_change: Vec::new(),
            blocked_by: None,
            adequacy: None,
            checks: None,
            decoding: None,
        }
    }

    /// The report of an intent not generated because `by`, which it uses,
    /// has no accepted code.
    pub fn blocked(name: &str, by: &str) -> IntentReport {
        IntentReport {
            last_gate: Some(StoppedAt::Uses),
            blocked_by: Some(by.to_string()),
            reason: Some(format!(
                "blocked: it uses `{by}`, which has no accepted code"
            )),
            ..IntentReport::new(name)
        }
    }

    /// Model and gate seconds over every round: the last generation's cost.
    pub fn seconds(&self) -> f64 {
        self.rounds.iter().map(RoundReport::seconds).sum()
    }

    /// Model calls over every round (cached answers are not calls).
    pub fn model_calls(&self) -> usize {
        self.rounds.iter().map(RoundReport::model_calls).sum()
    }
}

/// The reports in the report file, or `None` when there is none (or it is
/// from an incompatible version: it is a log, not an input).
pub fn read_report(path: &std::path::Path) -> Option<Vec<IntentReport>> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The report file, `target/intent/report.json`.
pub fn write_report(path: &std::path::Path, reports: &[IntentReport]) -> crate::Result<()> {
    let text = serde_json::to_string_pretty(reports).map_err(|e| crate::Error::Serialize {
        what: "the report",
        message: e.to_string(),
    })?;
    crate::files::write_atomic(path, text.as_bytes())
}

/// One mechanical edit that made a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// rustc's machine-applicable suggestions, as `cargo fix` applies them.
    MachineApplicable,
    /// Every rustc suggestion, "maybe incorrect" ones included (a borrow,
    /// a deref, a similar name): the gates judge the result.
    Suggested,
    /// An integer that is not `usize` used as an index: `v[i]` → `v[i as usize]`.
    IndexCast,
    /// A `sum()`/`product()` into a type its items do not add up to:
    /// summed as the items' own type, then cast (`sum::<i32>() as i64`).
    SumCast,
    /// A `collect()` of references into a collection of values:
    /// `cloned().collect()`.
    CollectCloned,
    /// A reference pattern over owned items: `for &c in s.chars()` →
    /// `for c in s.chars()`.
    RefPattern,
    /// A `str` indexed by an integer, meaning its character there:
    /// `s[i]` → `s.chars().nth(i).unwrap()`.
    StrIndex,
    /// An iterator sorted as if it were a `Vec` (`v.into_iter().sorted()`,
    /// `….sort_unstable()`): collected, sorted, and iterated again.
    IterSort,
    /// A `collect()` of `&str`s into a collection of `String`s:
    /// `map(|s| s.to_string()).collect()`.
    CollectOwned,
    /// A `collect()` of tuples whose parts are not the ones asked for,
    /// each converted: `(&str, &usize)` into `(String, usize)` by
    /// `map(|(x0, x1)| (x0.to_string(), x1.clone())).collect()`.
    CollectTuple,
    /// A method called as a function of a std module that has no such
    /// function, called on its first argument: `cmp::clamp(t, 0.0, 1.0)` →
    /// `t.clamp(0.0, 1.0)`.
    MethodCall,
    /// A character's case changed in two branches (`ToUppercase` against
    /// `ToLowercase`, two iterator types): each change made a `String`.
    CaseString,
    /// A number of one primitive type where another is expected, cast:
    /// `m % n` with `m: isize`, `n: usize` → `m % (n as isize)`.
    NumericCast,
    /// A `String` method for characters given a string, or the other way
    /// round: `s.push(word)` → `s.push_str(&word)`, `s.push_str(c)` →
    /// `s.push(c)` (and `insert`/`insert_str`).
    StringMethod,
    /// A collection's declared type that the values put in it contradict,
    /// dropped so that they decide it: `let mut m: HashMap<char, char> =
    /// HashMap::new(); m.insert('&', "&amp;")` → `let mut m = …`.
    Undeclared,
    /// An iterator used as a `Vec` (a slice method, an index, a `Vec`
    /// expected), collected first: `let p = s.split('.'); p.len()` →
    /// `let p = s.split('.').collect::<Vec<_>>();`.
    CollectFirst,
    /// An integer beside a float (or two integer types) in arithmetic:
    /// the other operand cast, `sum / v.len()` → `sum / (v.len() as f64)`.
    OperandCast,
    /// Floats sorted or compared with `Ord`'s methods, which they lack:
    /// by `f64::total_cmp`, which never panics (a NaN sorts last):
    /// `v.sort()` → `v.sort_by(|a, b| a.total_cmp(b))`, `max` → `max_by(…)`.
    TotalOrder,
    /// A float raised with the integers' `pow`: `x.pow(n)` →
    /// `x.powi(n as i32)`.
    FloatPow,
    /// Branches of two text types (`'&' => "&amp;"` beside `_ => c`),
    /// each made a `String` with `.to_string()`.
    OwnedBranches,
    /// A parameter borrowed as `&[T]` and changed in place (`xs.sort()`),
    /// or a clone declared `&mut [T]`: the function's own copy,
    /// `let mut xs = xs.to_owned();` (a `Vec<T>`).
    OwnedCopy,
    /// A value used but never bound, whose first use says what it is:
    /// `out.push(x)` → `let mut out = Vec::new();` first in the body.
    Declare,
    /// A `VecDeque` used as a `Vec` (sorted, sliced) in code that uses
    /// nothing only a deque has: a `Vec`, `push_back` → `push`.
    DequeAsVec,
    /// A candidate that failed an example, one edit from passing (an
    /// operator, a `!`, a literal ±1, a condition): that edit
    /// (`crate::judge::near_miss`).
    NearMiss,
}


/// A question for the user: inputs on which the passing candidates split.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    /// The calls that split the groups, smallest first (at most three).
    pub calls: Vec<String>,
    /// Each group (largest first, at most three): its candidates and its
    /// outcome for each call.
    pub groups: Vec<(Group, Vec<String>)>,
    /// How many candidates passed the examples.
    pub passing: usize,
    /// For a question the description's checks raised: the agreed check
    /// of each call, in the order of `calls` (what it expects, how many
    /// sets agree, the description's words it quoted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Agreed>,
}

impl Question {
    /// The lines to add to the spec's examples, one per call, in the spec's
    /// own form, with `?` where the user's answer goes.
    pub fn example_lines(&self, format: SpecFormat) -> Vec<String> {
        self.calls
            .iter()
            .map(|call| match format {
                SpecFormat::Toml => {
                    format!("{{ call = {}, expect = \"?\" }},", toml_string(call))
                }
                SpecFormat::Markdown => format!("- {call} == ?"),
            })
            .collect()
    }

    /// What is asked, in one line: which group is right, or, for a lone
    /// behaviour below the quorum, whether its answers are.
    pub fn headline(&self) -> String {
        if !self.claims.is_empty() {
            return format!(
                "the code about to be accepted answers {} call(s) otherwise than the checks drawn from the description; which is right?",
                self.calls.len()
            );
        }
        match self.groups.as_slice() {
            [(group, _)] => format!(
                "only {} of the {} passing candidates gave these answers, fewer than the quorum; are they right?",
                group.members.len(),
                self.passing
            ),
            _ => format!(
                "the {} passing candidates disagree; which is right?",
                self.passing
            ),
        }
    }

    /// The question as printed: each splitting call with every group's
    /// answer, then the example lines to add.
    pub fn render(&self, spec: &SpecFile) -> String {
        let mut out = String::new();
        for (k, call) in self.calls.iter().enumerate() {
            out.push_str(&format!("  {call}\n"));
            for (group, outcomes) in &self.groups {
                let members: Vec<String> = group.members.iter().map(u32::to_string).collect();
                out.push_str(&format!(
                    "      {} of {} (candidate {}): {}\n",
                    group.members.len(),
                    self.passing,
                    members.join(", "),
                    outcomes[k]
                ));
            }
            if let Some(claim) = self.claims.get(k) {
                out.push_str(&format!("      the description's checks ({} of {} sets): {}\n", claim.sets, claim.of, claim.value));
                if let Some(quote) = &claim.quote {
                    out.push_str(&format!("        from \"{quote}\"\n"));
                }
            }
        }
        out.push_str(&format!(
            "help: add the right answer to the examples of {}, then run `cargo intent lock` again:\n",
            spec.path.display()
        ));
        for line in self.example_lines(spec.format) {
            out.push_str(&format!("    {line}\n"));
        }
        out
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    // JSON string escapes are valid TOML basic-string escapes.
    serde_json::Value::String(text.to_string()).to_string()
}


/// One input where two behaviours differ.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// The call.
    pub call: String,
    /// What it did before (the pinned behaviour).
    pub before: String,
    /// What it does now.
    pub after: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} -> {}", self.call, self.before, self.after)
    }
}

/// Candidates with the same outcomes, largest group first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Candidate indices (in the round), ascending.
    pub members: Vec<u32>,
}

/// One check a model wrote: a call and the value the description implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The call as an example writes it, canonical: `to_roman(4000)`.
    pub call: String,
    /// Each argument, canonical.
    pub args: Vec<String>,
    /// The expected value as the model wrote it: `None`.
    pub expect: String,
    /// The description's words the model quoted for this check, only when
    /// they are an exact part of the description (never a paraphrase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The expected value as the harness prints results (its `Debug`);
    /// `None` when the call or the value did not compile against the
    /// signature, and the check was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One independent set of checks: one answer to the checks prompt.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckSet {
    /// The model that wrote it.
    pub author: String,
    /// Its checks, in the order written.
    pub checks: Vec<Check>,
    /// Why the whole set was left out, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<String>,
}

impl CheckSet {
    /// Whether the set counts: not dropped, and at least one check compiled.
    pub fn compiled(&self) -> bool {
        self.dropped.is_none() && self.checks.iter().any(|c| c.value.is_some())
    }
}

/// A check the sets agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreed {
    /// The call, canonical.
    pub call: String,
    /// Its arguments, canonical.
    pub args: Vec<String>,
    /// The expected value as the first agreeing set wrote it.
    pub expect: String,
    /// Its `Debug`, as results are compared.
    pub value: String,
    /// Sets that gave this value.
    pub sets: usize,
    /// Sets whose checks compiled.
    pub of: usize,
    /// The description's words quoted for it, by the first set that quoted any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// An agreed check that code fails: what it returned instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Index into the agreed checks.
    pub check: usize,
    /// What the code did (`Some("MMMM")`, `panicked`).
    pub got: String,
}

/// The checks drawn from an intent's description: every set the model
/// wrote, which checks were agreed, and what each passing candidate did on
/// them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChecksReport {
    /// Each set as written, with each check's evaluated value.
    pub sets: Vec<CheckSet>,
    /// The checks the sets agree on.
    pub agreed: Vec<Agreed>,
    /// Each passing candidate (round, index in its round) and the agreed
    /// checks it failed; empty when no check was agreed.
    pub candidates: Vec<CandidateChecks>,
    /// The candidate (round, index in its round) whose acceptance the
    /// checks stopped, if they stopped one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<(u32, u32)>,
    /// Checks too few sets gave to be agreed that stopped the acceptance:
    /// the code failed each, and another passing candidate passed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seconded: Vec<Agreed>,
    /// The sets of values asked for the calls the passing candidates split
    /// on ([`crate::generate::Options::probes`]), when they were asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<CheckSet>,
    /// Values of those calls the probe sets agree on that stopped the
    /// acceptance: the code failed each, and another passing candidate
    /// passed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probed: Vec<Agreed>,
    /// Tokens the sets (and probes) took to decode.
    pub tokens: u32,
    /// Wall seconds asking for them took (the batch of sets together;
    /// nothing when the response cache held them).
    pub seconds: f64,
}

impl ChecksReport {
    /// (agreed checks the accepted candidate passed, agreed checks), or
    /// `None` when nothing was agreed.
    pub fn score(&self, failed: usize) -> Option<(usize, usize)> {
        let agreed = self.agreed.len();
        (agreed > 0).then(|| (agreed.saturating_sub(failed), agreed))
    }
}

/// One passing candidate on the agreed checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateChecks {
    /// Its round.
    pub round: u32,
    /// Its index in the round.
    pub index: u32,
    /// The agreed checks it failed, and what it returned for each.
    pub failed: Vec<Failure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_generation_stopped_reads_back_from_its_name() {
        for at in Gate::ORDER
            .iter()
            .map(|g| StoppedAt::Gate(*g))
            .chain(StoppedAt::OTHERS)
        {
            let json = serde_json::to_string(&at).unwrap();
            assert_eq!(json, format!("\"{}\"", at.name()));
            assert_eq!(serde_json::from_str::<StoppedAt>(&json).unwrap(), at);
        }
        assert!(serde_json::from_str::<StoppedAt>("\"nowhere\"").is_err());
    }
}
