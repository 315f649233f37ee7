//! The repairs without the model read rustc's error codes, the code it
//! quotes and its spans — never its wording. Real rustc output for one
//! broken candidate per rewrite, judged again with every word outside the
//! backticks rewritten, proposes the same variants.

use std::path::Path;
use std::time::Duration;

use intent_build::judge::gates::{GateRunner, Verdict};
use intent_build::judge::variants::{Attempt, Repairs};
use intent_build::spec::parse_str;

const SPEC: &str = r#"signature = "pub fn add(a: i32, b: i32) -> i32"
description = "The sum of a and b."

[[examples]]
call = "add(1, 2)"
expect = "3"
"#;

/// A passing `add` with one broken helper per rewrite of
/// `judge::variants` (each is an error rustc offers no fix for, or one
/// it offers a different fix for).
const BROKEN: &[&str] = &[
    "fn h(xs: &[i64]) -> Vec<i64> { xs.sort(); xs.to_vec() }",
    "fn h(values: &[f64]) -> f64 { let mut v: &mut [f64] = values.clone(); v[0] }",
    "fn h(v: &[i32]) -> Vec<i32> { for x in v { out.push(*x); } out }",
    "fn h(v: &[i32]) -> i32 { let mut d = std::collections::VecDeque::from(v.to_vec()); d.sort(); d[0] }",
    "fn h() -> usize { let m: [(char, u32); 2] = [(\"CM\", 900), (\"D\", 500)]; m.len() }",
    "fn h(c: char) -> String { [c].iter().map(|&c| match c { '&' => \"&amp;\", _ => c }).collect() }",
    "fn h(s: &str) -> usize { let p = s.split('.'); p.len() }",
    "fn h(a: f64, n: usize) -> f64 { a / n }",
    "fn h(mut v: Vec<f64>) -> Vec<f64> { v.sort(); v }",
    "fn h(x: f64) -> f64 { x.pow(2) }",
    "fn h(s: String) -> String { s.chars().map(|c| if c.is_lowercase() { c.to_uppercase() } else { c.to_lowercase() }).collect() }",
    "fn h(t: f64) -> f64 { std::cmp::clamp(t, 0.0, 1.0) }",
    "fn h(s: String, i: usize) -> bool { s[i] == '0' }",
    "fn h(v: Vec<i32>) -> Vec<i32> { v.into_iter().sorted_by(|a, b| b.cmp(a)).collect() }",
    "fn h(list: Vec<isize>, m: isize) -> isize { let n = list.len(); m % n }",
    "fn h(s: &str) -> usize { let mut n = 0; for &c in s.chars() { if c == 'a' { n += 1; } } n }",
    "fn h(v: &[i32], i: i32) -> i32 { v[i] }",
    "fn h(s: String) -> Vec<String> { s.split(' ').filter(|w| w.len() > 2).collect() }",
    "fn h(v: &[u32]) -> u64 { v.iter().sum() }",
    "fn h(v: &[i32]) -> Vec<i32> { v.iter().filter(|x| **x > 0).collect() }",
];

/// `text` with every letter outside backticks rotated by 13: the same
/// quoted code, none of the same words.
fn reworded(text: &str) -> String {
    let mut quoted = false;
    text.chars()
        .map(|c| match c {
            '`' => {
                quoted = !quoted;
                c
            }
            'a'..='z' if !quoted => (b'a' + (c as u8 - b'a' + 13) % 26) as char,
            'A'..='Z' if !quoted => (b'A' + (c as u8 - b'A' + 13) % 26) as char,
            _ => c,
        })
        .collect()
}

/// Every message, label and rendering in a rustc JSON value, reworded.
fn reword(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    serde_json::Value::String(text)
                        if matches!(key.as_str(), "message" | "label" | "rendered") =>
                    {
                        *text = reworded(text);
                    }
                    _ => reword(field),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(reword),
        _ => {}
    }
}

/// The attempt with its diagnostics reworded.
fn reworded_attempt(attempt: &Attempt) -> Attempt {
    let mut verdict = attempt.verdict.clone();
    if let Verdict::Failed {
        diagnostics: Some(diagnostics),
        ..
    } = &mut verdict
    {
        *diagnostics = diagnostics
            .lines()
            .map(
                |line| match serde_json::from_str::<serde_json::Value>(line) {
                    Ok(mut value) => {
                        reword(&mut value);
                        value.to_string()
                    }
                    Err(_) => line.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("\n");
    }
    Attempt {
        verdict,
        ..attempt.clone()
    }
}

/// The variants the first pass proposes for `attempt`.
fn proposed(attempt: &Attempt, rewrites: bool) -> Vec<String> {
    Repairs::new(rewrites)
        .propose(std::slice::from_ref(attempt))
        .unwrap_or_default()
}

#[test]
fn repairs_read_rustcs_codes_and_quotes_not_its_wording() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(20));
    let spec = parse_str(SPEC, Path::new("intents/add.intent.toml")).unwrap();
    let codes: Vec<String> = BROKEN
        .iter()
        .map(|helper| format!("pub fn add(a: i32, b: i32) -> i32 {{ a + b }}\n{helper}"))
        .collect();
    let verdicts = runner.check_all(&spec.spec, &codes, "wording").unwrap();
    for (code, verdict) in codes.iter().zip(verdicts) {
        let attempt = Attempt {
            code: code.clone(),
            verdict,
            fixes: Vec::new(),
        };
        let reworded = reworded_attempt(&attempt);
        assert_ne!(
            format!("{:?}", attempt.verdict),
            format!("{:?}", reworded.verdict),
            "{code}: rustc said nothing to reword"
        );
        let read = proposed(&attempt, true);
        // The case exercises a rewrite: rustc's suggestions alone differ.
        assert_ne!(
            read,
            proposed(&attempt, false),
            "{code}: no rewrite applies"
        );
        assert_eq!(
            read,
            proposed(&reworded, true),
            "{code}: the wording decided"
        );
    }
}

#[test]
fn rewording_keeps_what_backticks_quote() {
    assert_eq!(
        reworded("expected `char`, found `&str`"),
        "rkcrpgrq `char`, sbhaq `&str`"
    );
}
