//! Behaviour beyond the examples: every candidate that passes its examples
//! runs on the inputs of [`super::inputs`] (confined, each input on its own
//! thread with its own time limit, panics caught), the spec's `properties`
//! are checked on every input, and the outcomes are compared: between
//! candidates (consensus, or a question when they disagree) and with the
//! behaviour pinned when the intent was last accepted.
//!
//! The harness is Rust text compiled into the round's test binary: a shared
//! module `__intent_behaviour` (the inputs, `assume`, the properties and the
//! loop) in `behaviour.rs`, and an ignored test per candidate that calls its
//! function. Each candidate's run is its own process, so one that hangs or
//! aborts is resumed after the input that stopped it, and no candidate can
//! write another's lines: the harness marks its lines with a nonce the
//! candidate cannot read (the policy refuses `std::env`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::inputs::{Pass, Plan};
use crate::files::sha256_hex;
pub use crate::report::{Change, Group};
use crate::spec::Spec;

/// Wall-clock limit for one input.
pub const INPUT_LIMIT: Duration = Duration::from_secs(1);
/// How often a run stopped by a hang or a crash is resumed after that input.
pub const RESUMES: usize = 4;
/// The harness file in a round's scratch folder.
pub(crate) const HARNESS_FILE: &str = "behaviour.rs";
/// The shared harness module's name.
pub(crate) const HARNESS_MODULE: &str = "__intent_behaviour";
/// How MIR names the harness's bodies: from the crate root.
pub(crate) const HARNESS_PATH: &str = "__intent_behaviour::";
/// Longest outcome text kept whole; longer ones keep a prefix and a hash.
const MAX_SHOWN: usize = 240;
/// First line of a pinned behaviour file.
const FILE_HEADER: &str = "# intent-behaviour/1";

/// What one call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallOutcome {
    /// It returned this (its `Debug`; with `&mut` parameters, the pair of
    /// the result and their values after the call).
    Value(String),
    /// It panicked.
    Panicked,
    /// `assume` rejected the input.
    Skipped,
    /// It ran past [`INPUT_LIMIT`].
    TimedOut,
    /// The process died on it (stack overflow, out of memory).
    Crashed,
    /// Never reached.
    NotRun,
}

impl CallOutcome {
    /// Whether the outcome says something about meaning: time limits and
    /// crashes depend on the machine, so they are never compared.
    pub fn comparable(&self) -> bool {
        matches!(
            self,
            CallOutcome::Value(_) | CallOutcome::Panicked | CallOutcome::Skipped
        )
    }

    /// As shown to people and written in the pinned file.
    pub fn text(&self) -> String {
        match self {
            CallOutcome::Value(v) => v.clone(),
            CallOutcome::Panicked => "panicked".into(),
            CallOutcome::Skipped => "skipped (assume)".into(),
            CallOutcome::TimedOut => "timed out".into(),
            CallOutcome::Crashed => "crashed".into(),
            CallOutcome::NotRun => "not run".into(),
        }
    }

    /// The outcome [`CallOutcome::text`] wrote.
    pub(crate) fn parse(text: &str) -> CallOutcome {
        match text {
            "panicked" => CallOutcome::Panicked,
            "skipped (assume)" => CallOutcome::Skipped,
            "timed out" => CallOutcome::TimedOut,
            "crashed" => CallOutcome::Crashed,
            "not run" => CallOutcome::NotRun,
            other => CallOutcome::Value(other.to_string()),
        }
    }
}

/// One candidate's outcomes on the generated inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behaviour {
    /// Each input's call, as an example would write it.
    pub calls: Vec<String>,
    /// What each call did.
    pub outcomes: Vec<CallOutcome>,
}

/// A property that failed: the first (smallest) input it failed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Index of the property in the spec.
    pub property: usize,
    /// The call.
    pub call: String,
    /// What it returned.
    pub result: String,
}

impl Violation {
    /// The evidence line for the report and the next round's lessons.
    pub fn evidence(&self, spec: &Spec) -> String {
        format!(
            "property `{}` does not hold for `{}`, which returned {}",
            spec.properties
                .get(self.property)
                .map_or("?", String::as_str),
            self.call,
            self.result
        )
    }
}

/// The shared harness module (`behaviour.rs`): inputs, `assume`, the
/// properties and the loop. Every check expression sits on lines of its
/// own, listed in the returned spans, so a compile error in one can be
/// traced back to the spec key it came from.
pub(crate) fn harness(spec: &Spec, plan: &Plan) -> (String, Vec<CheckSpan>) {
    let mut out = String::new();
    let mut spans = Vec::new();
    let line = |out: &String| out.lines().count() + 1;
    out.push_str("#![allow(unused, clippy::all)]\nuse super::*;\n");
    let _ = writeln!(out, "pub const INPUTS: usize = {};", plan.inputs.len());
    let owned: Vec<&str> = plan.params.iter().map(|p| p.owned.as_str()).collect();
    let _ = writeln!(
        out,
        "pub fn input(k: usize) -> ({}) {{\n    match k {{",
        tuple(&owned)
    );
    spans.extend(input_arms(&mut out, plan));
    out.push_str("        _ => unreachable!(),\n    }\n}\n");
    let params: Vec<String> = plan
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, p.ty))
        .collect();
    let _ = writeln!(out, "pub fn assume({}) -> bool {{", params.join(", "));
    match &spec.assume {
        Some(expr) => {
            let start = line(&out);
            let _ = writeln!(out, "{expr}");
            spans.push(CheckSpan {
                check: Check::Assume,
                lines: start..line(&out),
            });
        }
        None => out.push_str("true\n"),
    }
    out.push_str("}\n");
    let _ = writeln!(
        out,
        "pub fn assumed(k: usize) -> bool {{\n    let {} = input(k);\n    assume({})\n}}",
        bindings(plan, "a"),
        arguments(plan, "a")
    );
    // The function under test comes in as a value bound to its own name,
    // so a property may call it (`result == distance(b, a)`) and this
    // module compiles without any candidate (the spec check).
    let types: Vec<&str> = plan.params.iter().map(|p| p.ty.as_str()).collect();
    let mut with_result = vec![format!(
        "{FUNCTION_PARAM}: fn({}) -> {}",
        types.join(", "),
        plan.returns
    )];
    with_result.extend(params.iter().cloned());
    with_result.push(format!("result: {}", plan.returns));
    let _ = writeln!(
        out,
        "pub fn properties({}) -> Option<usize> {{\nlet {} = {FUNCTION_PARAM};",
        with_result.join(", "),
        spec.name
    );
    for (i, property) in spec.properties.iter().enumerate() {
        // A typed binding, so a non-`bool` property is reported at its own
        // lines ("expected `bool`"), not at the `!` around it.
        let _ = writeln!(out, "let holds: bool = {{");
        let start = line(&out);
        let _ = writeln!(out, "{property}");
        spans.push(CheckSpan {
            check: Check::Property(i),
            lines: start..line(&out),
        });
        let _ = writeln!(out, "}};\nif !holds {{ return Some({i}); }}");
    }
    out.push_str("None\n}\n");
    out.push_str(
        &HARNESS_LOOP
            .replace("LIMIT_MS", &INPUT_LIMIT.as_millis().to_string())
            .replace("MAX_SHOWN", &MAX_SHOWN.to_string()),
    );
    (out, spans)
}

/// Each input's arm of `input(k)`, one line each (where an input that does
/// not build as its parameters — a model's check — is told by its line).
fn input_arms(out: &mut String, plan: &Plan) -> Vec<CheckSpan> {
    let mut spans = Vec::new();
    for (k, input) in plan.inputs.iter().enumerate() {
        let start = out.lines().count() + 1;
        let _ = writeln!(out, "        {k} => ({}),", tuple(&input.values));
        spans.push(CheckSpan {
            check: Check::Input(k),
            lines: start..out.lines().count() + 1,
        });
    }
    spans
}

/// The parameter of the harness's `properties` that holds the function
/// under test.
const FUNCTION_PARAM: &str = "__intent_function";

/// The loop and helpers of the harness; `LIMIT_MS` and `MAX_SHOWN` are replaced.
const HARNESS_LOOP: &str = r#"
pub fn show(text: String) -> String {
    let text = text.replace('\n', "\\n");
    if text.len() <= MAX_SHOWN {
        return text;
    }
    let mut cut = 160;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = text.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    format!("{}…#{:016x}", &text[..cut], hash)
}

fn nonce() -> String {
    std::env::var("INTENT_BEHAVIOUR_NONCE").unwrap_or_default()
}

pub fn run(each: fn(usize) -> (String, Option<usize>)) {
    let nonce = nonce();
    let from: usize = std::env::var("INTENT_BEHAVIOUR_FROM").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    std::panic::set_hook(Box::new(|_| {}));
    for k in from..INPUTS {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            if !assumed(k) {
                let _ = tx.send(None);
                return;
            }
            let _ = tx.send(Some(each(k)));
        });
        match rx.recv_timeout(std::time::Duration::from_millis(LIMIT_MS)) {
            Ok(None) => println!("\n{nonce} {k} skip"),
            Ok(Some((shown, None))) => println!("\n{nonce} {k} = {shown}"),
            Ok(Some((shown, Some(p)))) => println!("\n{nonce} {k} ! {p} {shown}"),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                // The thread cannot be stopped; the host resumes after it
                // in a new process.
                println!("\n{nonce} {k} timeout");
                return;
            }
            Err(_) => println!("\n{nonce} {k} panicked"),
        }
    }
    println!("\n{nonce} done");
}

#[test]
#[ignore]
fn intent_assumed() {
    let nonce = nonce();
    std::panic::set_hook(Box::new(|_| {}));
    let n = (0..INPUTS).filter(|&k| std::panic::catch_unwind(|| assumed(k)).unwrap_or(false)).count();
    println!("\n{nonce} assumed {n}");
}
"#;

/// Which spec key a line range of the harness holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    Assume,
    Property(usize),
    /// Input `k`'s values.
    Input(usize),
    /// The expected value of check `k` (`GateRunner::expected_values`).
    Expected(usize),
}

/// Lines `lines` of the harness hold `check`.
#[derive(Debug, Clone)]
pub(crate) struct CheckSpan {
    pub check: Check,
    pub lines: std::ops::Range<usize>,
}

/// The ignored test each candidate's test module gets: its function on
/// every input, the outcome's `Debug`, then the properties.
pub(crate) fn candidate_test(spec: &Spec, plan: &Plan, function: &str) -> String {
    let h = format!("crate::{HARNESS_MODULE}");
    let shown = if plan.params.iter().any(|p| p.pass == Pass::RefMut) {
        let after: Vec<String> = plan
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.pass == Pass::RefMut)
            .map(|(i, _)| format!("&a{i}"))
            .collect();
        format!("(&result, {})", after.join(", "))
    } else {
        "result".into()
    };
    let properties = if spec.properties.is_empty() {
        "None".to_string()
    } else {
        let arguments = arguments(plan, "b");
        let arguments: Vec<&str> = [function, arguments.as_str(), "result"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        format!(
            "{{ let {} = {h}::input(k); {h}::properties({}) }}",
            bindings(plan, "b"),
            arguments.join(", ")
        )
    };
    format!(
        "    #[test]\n    #[ignore]\n    fn intent_behaviour() {{\n        {h}::run(|k| {{\n            \
         let {} = {h}::input(k);\n            let result = {function}({});\n            \
         let shown = {h}::show(::std::format!(\"{{:?}}\", {shown}));\n            \
         let violated = {properties};\n            (shown, violated)\n        }});\n    }}\n",
        bindings(plan, "a"),
        arguments(plan, "a"),
    )
}

/// `(mut a0, mut a1,)`: the input's values bound by name.
fn bindings(plan: &Plan, prefix: &str) -> String {
    let names: Vec<String> = (0..plan.params.len())
        .map(|i| format!("mut {prefix}{i}"))
        .collect();
    format!("({})", tuple(&names))
}

/// `a0, &a1, &mut a2`: each value as its parameter takes it.
fn arguments(plan: &Plan, prefix: &str) -> String {
    plan.params
        .iter()
        .enumerate()
        .map(|(i, p)| match p.pass {
            Pass::Value => format!("{prefix}{i}"),
            Pass::Ref => format!("&{prefix}{i}"),
            Pass::RefMut => format!("&mut {prefix}{i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inside of a tuple with a trailing comma, so one element stays a tuple.
fn tuple(items: &[impl AsRef<str>]) -> String {
    items.iter().map(|i| format!("{}, ", i.as_ref())).collect()
}

/// What one run of a candidate's behaviour test printed.
#[derive(Debug, Default)]
pub(crate) struct RunLines {
    /// Outcomes by input index.
    pub outcomes: BTreeMap<usize, CallOutcome>,
    /// The first property violation: (input, property, result).
    pub violation: Option<(usize, usize, String)>,
    /// Whether the loop reached its end.
    pub done: bool,
    /// The input whose time limit ran out, where the run stopped.
    pub timed_out: Option<usize>,
}

/// Reads the lines marked with `nonce`, ignoring everything else.
pub(crate) fn read_run(stdout: &str, nonce: &str) -> RunLines {
    let mut run = RunLines::default();
    for line in stdout.lines() {
        let Some(at) = line.find(nonce) else {
            continue;
        };
        let rest = &line[at + nonce.len()..];
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        if rest == "done" {
            run.done = true;
            continue;
        }
        let Some((k, what)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(k) = k.parse::<usize>() else {
            continue;
        };
        let outcome = if let Some(value) = what.strip_prefix("= ") {
            CallOutcome::Value(value.to_string())
        } else if let Some(rest) = what.strip_prefix("! ") {
            let (p, value) = rest.split_once(' ').unwrap_or((rest, ""));
            if run.violation.is_none() {
                if let Ok(p) = p.parse() {
                    run.violation = Some((k, p, value.to_string()));
                }
            }
            CallOutcome::Value(value.to_string())
        } else {
            match what {
                "skip" => CallOutcome::Skipped,
                "panicked" => CallOutcome::Panicked,
                "timeout" => {
                    run.timed_out = Some(k);
                    CallOutcome::TimedOut
                }
                _ => continue,
            }
        };
        run.outcomes.entry(k).or_insert(outcome);
    }
    run
}

/// A fresh nonce for one run's lines.
pub(crate) fn nonce() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let hash = sha256_hex(format!("{now}-{n}-{}", std::process::id()).as_bytes());
    format!("\u{1}ib{}", &hash[7..23])
}

/// Rounds every decimal number in `text` to 9 significant digits (and
/// `-0.0` to `0.0`), so float results that differ only in their last bits
/// compare equal.
pub fn round_floats(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts_number {
            let c = text[i..].chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_digit()
                || bytes[j] == b'.'
                || bytes[j] == b'e'
                || ((bytes[j] == b'-' || bytes[j] == b'+') && bytes[j - 1] == b'e'))
        {
            j += 1;
        }
        let number = &text[i..j];
        match number.parse::<f64>() {
            Ok(value) if number.contains(['.', 'e']) => {
                let rounded = format!("{value:.8e}").parse::<f64>().unwrap_or(value);
                if rounded == 0.0 && out.ends_with('-') {
                    out.pop();
                }
                let _ = write!(out, "{rounded:?}");
            }
            _ => out.push_str(number),
        }
        i = j;
    }
    out
}

impl Behaviour {
    /// The outcomes as compared: floats rounded when `floats`.
    pub fn normalised(&self, floats: bool) -> Vec<CallOutcome> {
        self.outcomes
            .iter()
            .map(|o| match o {
                CallOutcome::Value(v) if floats => CallOutcome::Value(round_floats(v)),
                other => other.clone(),
            })
            .collect()
    }

    /// The pinned file's text: one `call => outcome` line per input.
    pub fn render(&self, agreement: Option<(usize, usize)>) -> String {
        let mut out = format!(
            "{FILE_HEADER}: what the accepted code did on generated inputs.\n\
             # Read by `cargo intent lock` to keep behaviour across model upgrades.\n"
        );
        if let Some((agree, of)) = agreement {
            let _ = writeln!(out, "# agreement: {agree} of {of} passing candidates");
        }
        for (call, outcome) in self.calls.iter().zip(&self.outcomes) {
            let _ = writeln!(out, "{call} => {}", outcome.text());
        }
        out
    }

    /// Parses [`Behaviour::render`]'s text; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Behaviour> {
        if !text.starts_with(FILE_HEADER) {
            return None;
        }
        let mut behaviour = Behaviour {
            calls: Vec::new(),
            outcomes: Vec::new(),
        };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (call, outcome) = line.split_once(" => ")?;
            behaviour.calls.push(call.to_string());
            behaviour.outcomes.push(CallOutcome::parse(outcome));
        }
        Some(behaviour)
    }

    /// The agreement a pinned file records.
    pub fn agreement_in(text: &str) -> Option<(usize, usize)> {
        let line = text.lines().find_map(|l| l.strip_prefix("# agreement: "))?;
        let (agree, rest) = line.split_once(" of ")?;
        Some((agree.parse().ok()?, rest.split(' ').next()?.parse().ok()?))
    }

    /// `sha256:` of the outcome lines: the lock's `functional-hash`.
    pub fn hash(&self) -> String {
        let lines: Vec<String> = self
            .calls
            .iter()
            .zip(&self.outcomes)
            .map(|(c, o)| format!("{c} => {}", o.text()))
            .collect();
        sha256_hex(lines.join("\n").as_bytes())
    }

    /// Inputs both ran where the outcomes differ (compared as
    /// [`CallOutcome::comparable`], floats rounded).
    pub fn differences(&self, after: &Behaviour, floats: bool) -> Vec<Change> {
        let before: BTreeMap<&str, CallOutcome> = self
            .calls
            .iter()
            .map(String::as_str)
            .zip(self.normalised(floats))
            .collect();
        after
            .calls
            .iter()
            .zip(after.normalised(floats))
            .filter_map(|(call, new)| {
                let old = before.get(call.as_str())?;
                (old.comparable() && new.comparable() && *old != new).then(|| Change {
                    call: call.clone(),
                    before: old.text(),
                    after: new.text(),
                })
            })
            .collect()
    }
}

/// Groups `behaviours` (candidate index, behaviour) by their outcomes on
/// the inputs where every one of them has a comparable outcome; largest
/// group first, ties by their lowest candidate index. Also returns those
/// inputs' indices.
pub fn group(behaviours: &[(u32, &Behaviour)], floats: bool) -> (Vec<Group>, Vec<usize>) {
    let normalised: Vec<(u32, Vec<CallOutcome>)> = behaviours
        .iter()
        .map(|(i, b)| (*i, b.normalised(floats)))
        .collect();
    let inputs = normalised.first().map_or(0, |(_, o)| o.len());
    let shared: Vec<usize> = (0..inputs)
        .filter(|&k| {
            normalised
                .iter()
                .all(|(_, o)| o.get(k).is_some_and(CallOutcome::comparable))
        })
        .collect();
    let mut groups: Vec<(Vec<&CallOutcome>, Vec<u32>)> = Vec::new();
    for (i, outcomes) in &normalised {
        let key: Vec<&CallOutcome> = shared.iter().map(|&k| &outcomes[k]).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(*i),
            None => groups.push((key, vec![*i])),
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(_, members)| Group { members })
        .collect();
    groups.sort_by_key(|g| (std::cmp::Reverse(g.members.len()), g.members[0]));
    (groups, shared)
}

/// Whether the largest group settles the behaviour: it holds more than
/// `threshold` of the candidates and more than the next group.
pub fn settled(groups: &[Group], threshold: f64) -> bool {
    let total: usize = groups.iter().map(|g| g.members.len()).sum();
    match groups {
        [] => false,
        [only] => !only.members.is_empty(),
        [first, second, ..] => {
            first.members.len() > second.members.len()
                && first.members.len() as f64 > threshold * total as f64
        }
    }
}

/// `answer` with each string literal made a `String`: how `Some("a")`
/// becomes an expression an `Option<String>` equals.
pub fn owned_strings(answer: &str) -> String {
    let mut out = String::new();
    let mut chars = answer.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // A char literal, which may hold a quote: copied as it is.
                out.push(c);
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    if c == '\'' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
            }
            '"' => {
                out.push_str("String::from(\"");
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push(')');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_become_owned() {
        assert_eq!(owned_strings("Some(\"a\\\"b\")"), "Some(String::from(\"a\\\"b\"))");
        assert_eq!(owned_strings("('\"', \"x\")"), "('\"', String::from(\"x\"))");
        assert_eq!(owned_strings("[1, 2]"), "[1, 2]");
    }

    fn behaviour(outcomes: &[&str]) -> Behaviour {
        Behaviour {
            calls: (0..outcomes.len()).map(|k| format!("f({k})")).collect(),
            outcomes: outcomes.iter().map(|o| CallOutcome::parse(o)).collect(),
        }
    }

    #[test]
    fn floats_are_rounded_but_names_and_integers_kept() {
        assert_eq!(
            round_floats("[0.30000000000000004, 1e-20, x1.5, 7, -0.0]"),
            "[0.3, 1e-20, x1.5, 7, 0.0]"
        );
        assert_eq!(round_floats("Some(2.0000000001)"), "Some(2.0)");
    }

    #[test]
    fn groups_ignore_time_limits_and_order_by_size_then_index() {
        let a = behaviour(&["1", "2", "timed out"]);
        let b = behaviour(&["1", "3", "5"]);
        let c = behaviour(&["1", "2", "6"]);
        let (groups, shared) = group(&[(0, &b), (1, &a), (2, &c)], false);
        assert_eq!(shared, [0, 1]);
        let members: Vec<Vec<u32>> = groups.into_iter().map(|g| g.members).collect();
        assert_eq!(members, [vec![1, 2], vec![0]]);
    }

    #[test]
    fn a_majority_settles_and_a_tie_does_not() {
        let g = |sizes: &[usize]| -> Vec<Group> {
            let mut next = 0;
            sizes
                .iter()
                .map(|&n| Group {
                    members: (0..n)
                        .map(|_| {
                            next += 1;
                            next
                        })
                        .collect(),
                })
                .collect()
        };
        assert!(settled(&g(&[1]), 0.5));
        assert!(settled(&g(&[2, 1]), 0.5));
        assert!(!settled(&g(&[1, 1]), 0.5));
        assert!(!settled(&g(&[3, 3, 2]), 0.5));
        assert!(!settled(&g(&[4, 2, 2]), 0.5));
        assert!(settled(&g(&[4, 2, 2]), 0.4));
    }

    #[test]
    fn pinned_files_round_trip_and_hash_only_outcomes() {
        let b = behaviour(&["1", "panicked", "skipped (assume)", "\"a => b\""]);
        let text = b.render(Some((6, 8)));
        assert_eq!(Behaviour::parse(&text).unwrap(), b);
        assert_eq!(Behaviour::agreement_in(&text), Some((6, 8)));
        assert_eq!(
            Behaviour::parse(&b.render(None)).unwrap().hash(),
            b.hash(),
            "the agreement line is not behaviour"
        );
    }

    #[test]
    fn differences_leave_out_time_limits_and_unknown_inputs() {
        let old = behaviour(&["1", "2", "timed out", "4"]);
        let mut new = behaviour(&["1", "3", "9", "4", "5"]);
        new.calls[3] = "g(3)".into();
        assert_eq!(
            old.differences(&new, false),
            [Change {
                call: "f(1)".into(),
                before: "2".into(),
                after: "3".into()
            }]
        );
    }

    #[test]
    fn only_lines_with_the_nonce_count() {
        let run = read_run(
            "x\n\u{1}n 0 = 1\nforged 1 = 9\n\u{1}n 1 ! 0 7\n\u{1}n 2 timeout\n",
            "\u{1}n",
        );
        assert_eq!(run.outcomes.len(), 3);
        assert_eq!(run.violation, Some((1, 0, "7".into())));
        assert_eq!(run.timed_out, Some(2));
        assert!(!run.done);
    }
}
