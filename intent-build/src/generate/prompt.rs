//! The prompt: short, because small local models lose the thread in long ones.
//!
//! Its version goes into the lock (`prompt = "intent-prompt/2"`): change the
//! text, bump the version, and every intent is reported stale.

use crate::spec::{Expected, Spec};

/// The template version recorded in the lock.
pub const TEMPLATE_VERSION: &str = "intent-prompt/2";

/// The system message.
pub const SYSTEM: &str =
    "You are an expert Rust programmer. You write one complete, correct Rust function \
using only the standard library. Reply with a single ```rust code block and nothing else.";

/// The examples as the assertions they will become.
pub fn assertions(spec: &Spec) -> String {
    spec.examples
        .iter()
        .map(|e| match &e.expected {
            Expected::Returns(v) => match e.tolerance {
                Some(t) => format!("assert!(({} - {}).abs() <= {t:e});", e.call, v),
                None => format!("assert_eq!({}, {});", e.call, v),
            },
            Expected::Panics => format!("// panics: {};", e.call),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Added when an answer ran past the token limit.
pub const SHORTER: &str = "Keep the answer short: only the function, no explanations or tests.";

/// The first request for a spec; later rounds add what earlier ones taught
/// (`lessons`) before the closing instruction.
pub fn first(spec: &Spec, lessons: &[String]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Write this Rust function:\n\n```rust\n{} {{\n    // ...\n}}\n```\n\n",
        spec.signature
    ));
    out.push_str(&format!("It must: {}\n", spec.description));
    if !spec.constraints.is_empty() {
        out.push_str("\nRules:\n");
        for c in &spec.constraints {
            out.push_str(&format!("- {c}\n"));
        }
    }
    if !spec.crates.is_empty() {
        // Only for specs that name crates: every other prompt, and so every
        // lock entry's prompt version, stays as it was.
        out.push_str(&format!(
            "\nBesides the standard library you may use these crates: {}.\n",
            spec.crates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !spec.prelude.is_empty() {
        out.push_str(&format!(
            "\nThese items already exist; use them, do not repeat them:\n```rust\n{}\n```\n",
            spec.prelude
        ));
    }
    out.push_str(&format!(
        "\nThese must pass:\n```rust\n{}\n```\n",
        assertions(spec)
    ));
    if !spec.tests.is_empty() {
        out.push_str(&format!("```rust\n{}\n```\n", spec.tests));
    }
    if !lessons.is_empty() {
        out.push_str("\nEarlier answers failed. Learn from them:\n");
        for lesson in lessons {
            out.push_str(&format!("- {lesson}\n"));
        }
    }
    out.push_str(&format!(
        "\nReply with the complete function `{}` in one ```rust block.",
        spec.name
    ));
    out
}

/// The follow-up message of a repair round: what went wrong with the
/// previous answer, which stays in the conversation before it.
pub fn repair(spec: &Spec, evidence: &str) -> String {
    format!(
        "That code is wrong:\n{}\n\nThink about why, then reply with the complete corrected function `{}` in one ```rust block.",
        evidence.trim(),
        spec.name
    )
}

/// The system message of the checks request ([`checks`]): what the
/// function must return, from its description, with no code to copy a
/// misreading from.
pub const CHECKS_SYSTEM: &str =
    "You are an expert Rust tester. From a function's description alone, without implementing it, \
you write checks of what it must return. Reply with a single ```rust code block and nothing else.";

/// Whether `request` asks for checks rather than code (a bench replaying
/// recorded code answers sends these to a model).
pub fn asks_for_checks(request: &crate::provider::Request) -> bool {
    request.system == CHECKS_SYSTEM
}

/// The checks request for a spec: rule by rule, the sentences that set a
/// boundary first, each check after a comment quoting its sentence, and
/// calls the examples do not make yet. It shows no candidate: checks
/// written after seeing code repeat its misreading.
pub fn checks(spec: &Spec) -> String {
    let mut out = checks_head(spec);
    out.push_str(&format!(
        "\nGo through the description sentence by sentence. For each rule it states, above all a limit or \
an exception (sentences with \"if\", \"unless\", \"only\", \"above\", \"below\", \"at most\", \"at least\", \
\"invalid\", \"empty\" or \"None\"), write a comment that copies the sentence word for word, then one or two \
checks of the exact cases it names: the value at its limit and the first one past it. Each check is one line:\n\
```rust\n// \"<the sentence>\"\nassert_eq!({}(<arguments>), <the value it must return>);\n```\n\
Use literal arguments and values only. Do not repeat the examples above. At most six checks.\n\n\
Reply with one ```rust block of checks.",
        spec.name
    ));
    out
}

/// The probes request for a spec ([`super::Options::probes`]): what the checks
/// request shows, then calls whose values the model is asked for, one
/// line each, none of them chosen by it.
pub fn probes(spec: &Spec, calls: &[String]) -> String {
    let mut out = checks_head(spec);
    out.push_str(&format!(
        "\nWrite what each of these calls must return, as the description says, one assert_eq! line each:\n\
```rust\n{}\n```\n\nReply with one ```rust block of checks.",
        calls.join("\n")
    ));
    out
}

/// What the checks and probes requests show of a spec: its signature,
/// description, rules, prelude and examples, and no candidate.
fn checks_head(spec: &Spec) -> String {
    let mut out = format!(
        "Write checks for this Rust function. Do not implement it.\n\n```rust\n{}\n```\n\nIts description: {}\n",
        spec.signature, spec.description
    );
    if !spec.constraints.is_empty() {
        out.push_str("\nRules:\n");
        for c in &spec.constraints {
            out.push_str(&format!("- {c}\n"));
        }
    }
    if !spec.prelude.is_empty() {
        out.push_str(&format!("\nThese items exist:\n```rust\n{}\n```\n", spec.prelude));
    }
    out.push_str(&format!(
        "\nThese examples are already known:\n```rust\n{}\n```\n",
        assertions(spec)
    ));
    out
}
