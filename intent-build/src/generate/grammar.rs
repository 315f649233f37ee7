//! The GBNF grammar a candidate is decoded in: one fenced Rust block whose
//! imports stay inside what the gates accept.
//!
//! Small models reach for crates they know (`regex`, `itertools`) even when
//! a lesson says they are not available; every such candidate dies at the
//! compile gate having cost its whole decode. The grammar lets a line start
//! with `use` only when the path's first segment is one the candidate's
//! crate has: `std`, `core`, `alloc`, `self`, `super`, `crate`, a crate
//! the spec names in `crates`, or an item the spec's prelude (and so every
//! intent it uses) declares. Lines may not
//! start with `extern` (`extern crate`, FFI blocks) or `unsafe`, both of
//! which the policy refuses anyway.
//!
//! [`for_spec`] can also make the answer begin with the spec's own
//! signature, after any imports and comments (`pub fn name(args) -> T {`
//! written by the grammar, helpers after the function), so that the body is
//! decoded against the types it will be judged with. It is not the default
//! ([`super::GrammarKind::Signature`]): side by side on the dev set, fewer
//! candidates passed and more answers ran to the token limit.
//!
//! The grammar works on lines, not on Rust's tokens, so that every byte is
//! checked by a few small character classes: a whole-token grammar made
//! decoding several times slower. What it does not see — an import written
//! after other code on the same line, a crate path used without `use`
//! (`regex::Regex::new`) — the compile and policy gates still refuse.

use std::collections::BTreeSet;

use crate::judge::std_paths::{Module, StdPaths, CRATES};
use crate::spec::Spec;

/// The path roots every candidate may import from.
const STD_ROOTS: &[&str] = &["std", "core", "alloc", "self", "super", "crate"];

/// Words a line may not start with: `use` (allowed only through the rule
/// that checks its root), `pub` (allowed before an item, checked again
/// after it), and what the policy refuses outright.
const GUARDED_WORDS: &[&str] = &["use", "pub", "extern", "unsafe"];

/// Keywords after which the prelude names an item a candidate may import.
const ITEM_KEYWORDS: &[&str] = &[
    "fn", "struct", "enum", "trait", "type", "mod", "const", "static", "union",
];

/// The grammar for `spec`'s candidates: imports inside what its prelude
/// (as the gates compile it, used intents included) allows, and the answer
/// anchored at its signature.
pub fn for_spec(spec: &Spec, std: Option<&StdPaths>) -> String {
    anchored(&for_imports(&spec.prelude, &spec.crates, std), &spec.signature)
}

/// The grammar for candidates compiled after `prelude`, with no anchor:
/// any lines whose imports stay inside the crate.
pub fn for_prelude(prelude: &str) -> String {
    for_imports(prelude, &[], None)
}

/// As [`for_prelude`], with `crates` (the spec's) importable too, and with
/// `std`, a `use` of `std`, `core` or `alloc` names only modules and items
/// that exist there ([`StdPaths`]).
pub fn for_imports(prelude: &str, crates: &[String], std: Option<&StdPaths>) -> String {
    let mut roots: BTreeSet<String> = STD_ROOTS.iter().map(|r| r.to_string()).collect();
    if std.is_some() {
        for name in CRATES {
            roots.remove(name);
        }
    }
    roots.extend(declared_items(prelude));
    roots.extend(crates.iter().cloned());
    let mut text = grammar(&roots);
    if let Some(std) = std {
        text = text.replacen("import ::= \"::\"? (", "import ::= \"::\"? std-use | \"::\"? (", 1);
        text.push_str(&std_rules(std).join("\n"));
        text.push('\n');
    }
    text
}

/// The rules of `use` paths inside the std crates: `std-use` walks the
/// module tree one rule per module, so every segment is one that exists;
/// after an enum anything path-like may follow (its variants), after any
/// other item nothing, and groups (`{HashMap, HashSet}`), globs and `as` are allowed
/// on one line.
fn std_rules(std: &StdPaths) -> Vec<String> {
    let mut rules = Vec::new();
    let mut roots = Vec::new();
    for (name, module) in &std.crates {
        let id = module_rules(module, &mut rules);
        roots.push(format!("\"{name}::\" {id}"));
    }
    rules.push(format!("std-use ::= ({}) use-end", roots.join(" | ")));
    rules.push("use-end ::= alias? [ \\t]* \";\" rest".to_string());
    rules.push("alias ::= [ \\t]+ \"as\" [ \\t]+ [a-zA-Z_] [a-zA-Z0-9_]*".to_string());
    rules.push(
        "after-item ::= \"::\" ([a-zA-Z0-9_]+ (\"::\" [a-zA-Z0-9_]+)* (\"::\" (\"*\" | loose-group))? | \"*\" | loose-group)"
            .to_string(),
    );
    rules.push("loose-group ::= \"{\" [a-zA-Z0-9_, \\t]* \"}\"".to_string());
    rules
}

/// The rules for `module` and every module under it; the name of its own.
fn module_rules(module: &Module, rules: &mut Vec<String>) -> String {
    let id = format!("m{}", rules.len() / 3);
    // Reserve the three rule slots of this module before its children.
    let at = rules.len();
    rules.extend([String::new(), String::new(), String::new()]);
    let mut segments: Vec<String> = Vec::new();
    // An item named as a child module (the macro `env!` beside the module
    // `std::env`, `vec!` beside `alloc::vec`) is reached as the module:
    // as an item, anything path-like could follow it (`std::env::get`).
    // Only an enum's variants may follow an item (`use std::format::Write;`
    // reached past the macro `format!`).
    let (enums, others): (Vec<&String>, Vec<&String>) = module
        .items
        .iter()
        .filter(|i| !module.modules.contains_key(*i))
        .partition(|i| module.enums.contains(*i));
    let quoted = |names: &[&String]| {
        let names: Vec<String> = names.iter().map(|i| format!("\"{i}\"")).collect();
        format!("({})", names.join(" | "))
    };
    if !others.is_empty() {
        segments.push(quoted(&others));
    }
    if !enums.is_empty() {
        segments.push(format!("{} after-item?", quoted(&enums)));
    }
    for (name, child) in &module.modules {
        let child_id = module_rules(child, rules);
        segments.push(format!("\"{name}\" (\"::\" {child_id})?"));
    }
    if segments.is_empty() {
        // A module whose items are not documented here: any path below it.
        segments.push("[a-zA-Z0-9_]+ after-item?".to_string());
    }
    rules[at] = format!(
        "{id} ::= \"*\" | \"{{\" [ \\t]* {id}-g ([ \\t]* \",\" [ \\t]* {id}-g)* [ \\t]* \",\"? [ \\t]* \"}}\" | {id}-e"
    );
    rules[at + 1] = format!("{id}-g ::= (\"self\" | {id}-e) alias?");
    rules[at + 2] = format!("{id}-e ::= {}", segments.join(" | "));
    id
}

/// `grammar` (one of [`for_prelude`]'s) with its block made to open with
/// imports, comments or blank lines only, then `signature` and its brace.
pub fn anchored(grammar: &str, signature: &str) -> String {
    let root = format!(
        "root ::= \"```rust\\n\" head* \"{} {{\\n\" line* \"```\"",
        gbnf_escape(signature.trim())
    );
    let head = "head ::= [ \\t]* (\"use\" [ \\t]+ import | \"//\" rest)? \"\\n\"";
    let rules: Vec<&str> = grammar
        .lines()
        .filter(|l| !l.starts_with("root ::="))
        .collect();
    format!("{root}\n{head}\n{}\n", rules.join("\n"))
}

/// The grammar of a probe's answer ([`super::Options::probes`]): one fenced block
/// of one `assert_eq!` line for each of `calls`, in order, each call
/// written by the grammar, so that the model writes only the values.
pub fn for_values(calls: &[String]) -> String {
    let lines: Vec<String> = calls
        .iter()
        .map(|call| format!("\"assert_eq!({}, \" [^\\n]+ \"\\n\"", gbnf_escape(call)))
        .collect();
    format!("root ::= \"```rust\\n\" {} \"```\"\n", lines.join(" "))
}

/// `text` as the inside of a GBNF string literal.
fn gbnf_escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The names `prelude` declares as items (`enum Shape` → `Shape`).
fn declared_items(prelude: &str) -> Vec<String> {
    let words: Vec<&str> = prelude
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|pair| ITEM_KEYWORDS.contains(&pair[0]))
        .map(|pair| pair[1].to_string())
        .filter(|name| !name.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The grammar with `roots` as the allowed first segments of an import.
fn grammar(roots: &BTreeSet<String>) -> String {
    let alternatives: Vec<String> = roots.iter().map(|r| format!("\"{r}\"")).collect();
    let mut rules = vec![
        "root ::= \"```rust\\n\" line* \"```\"".to_string(),
        "line ::= [ \\t]* start? \"\\n\"".to_string(),
        // A line starts with a word, or with anything else but a blank.
        "start ::= [^a-zA-Z_ \\t\\n`] rest | word tail | \"pub\" vis | \"use\" [ \\t]+ import"
            .to_string(),
        "vis ::= (\"(\" [^)\\n`]* \")\")? [ \\t]+ start".to_string(),
        format!(
            "import ::= \"::\"? ({}) [^a-zA-Z0-9_\\n`] rest",
            alternatives.join(" | ")
        ),
        // After a word: nothing, or a character no identifier has, then
        // anything — so `word` is always the whole first word.
        "tail ::= ([^a-zA-Z0-9_\\n`] rest)?".to_string(),
        "rest ::= [^\\n`]*".to_string(),
        "ident ::= [a-zA-Z0-9_]*".to_string(),
    ];
    rules.extend(words_except(GUARDED_WORDS));
    rules.join("\n") + "\n"
}

/// Rules for `word`: any identifier but the `excluded` ones, spelled out
/// as a trie over their letters (GBNF has no negation).
fn words_except(excluded: &[&str]) -> Vec<String> {
    let mut rules = Vec::new();
    node(excluded, "", "word", &mut rules);
    rules
}

/// The rule `name` for the rest of a word that begins with `prefix`.
fn node(excluded: &[&str], prefix: &str, name: &str, rules: &mut Vec<String>) {
    let children: BTreeSet<char> = excluded
        .iter()
        .filter_map(|w| w.strip_prefix(prefix)?.chars().next())
        .collect();
    let first = prefix.is_empty();
    let others: String = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(std::iter::once('_'))
        .filter(|c| !(children.contains(c) || first && c.is_ascii_digit()))
        .collect();
    let mut alternatives = vec![format!("[{others}] ident")];
    for c in &children {
        let child = format!("{name}-{c}");
        alternatives.push(format!("\"{c}\" {child}"));
        node(excluded, &format!("{prefix}{c}"), &child, rules);
    }
    let body = alternatives.join(" | ");
    // A prefix that is itself a word, and not an excluded one, may end here.
    let may_end = !first && !excluded.contains(&prefix);
    rules.push(if may_end {
        format!("{name} ::= ({body})?")
    } else {
        format!("{name} ::= {body}")
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_probes_grammar_writes_each_call_and_leaves_the_values_to_the_model() {
        let calls = ["f(1)".to_string(), "f(\"a\\b\")".to_string()];
        assert_eq!(
            for_values(&calls),
            "root ::= \"```rust\\n\" \"assert_eq!(f(1), \" [^\\n]+ \"\\n\" \"assert_eq!(f(\\\"a\\\\b\\\"), \" [^\\n]+ \"\\n\" \"```\"\n"
        );
    }

    use super::*;

    #[test]
    fn prelude_items_are_importable_roots() {
        let items = declared_items("pub enum Shape { A }\nstruct Point(i32);\nfn helper() {}");
        assert_eq!(items, ["Shape", "Point", "helper"]);
    }

    #[test]
    fn the_anchored_grammar_opens_with_the_escaped_signature() {
        let grammar = anchored(&for_prelude(""), r#"pub fn f(s: &str) -> bool where "\" : Sized"#);
        let root = grammar.lines().next().unwrap();
        assert_eq!(
            root,
            r#"root ::= "```rust\n" head* "pub fn f(s: &str) -> bool where \"\\\" : Sized {\n" line* "```""#
        );
        // One root; the policy's rules are all still there.
        assert_eq!(grammar.matches("root ::=").count(), 1);
        for rule in ["head ::=", "line ::=", "import ::=", "word ::="] {
            assert!(grammar.contains(rule), "{rule} missing:\n{grammar}");
        }
    }

    #[test]
    fn std_imports_walk_the_module_tree_when_it_is_known() {
        let mut collections = Module::default();
        collections.items.insert("HashMap".into());
        collections.items.insert("Entry".into());
        collections.enums.insert("Entry".into());
        let mut root = Module::default();
        root.modules.insert("collections".into(), collections);
        let std = StdPaths {
            crates: CRATES
                .iter()
                .map(|c| (c.to_string(), root.clone()))
                .collect(),
        };
        let grammar = for_imports("", &[], Some(&std));
        // The crates are reached only through the tree…
        let import = grammar.lines().find(|l| l.starts_with("import ::=")).unwrap();
        assert!(import.contains("std-use"), "{import}");
        assert!(!import.contains("\"std\""), "{import}");
        assert!(grammar.contains("std-use ::= (\"alloc::\" m0 | \"core::\" m2 | \"std::\" m4) use-end"), "{grammar}");
        // …whose modules list what they hold, nothing else.
        assert!(grammar.contains("m5-e ::= (\"HashMap\") | (\"Entry\") after-item?"), "{grammar}");
        assert!(grammar.contains("m4-e ::= \"collections\" (\"::\" m5)?"), "{grammar}");
        // Without a tree, the first segment is all that is checked.
        assert!(for_prelude("").contains("\"std\""));
    }

    #[test]
    fn excluded_words_are_spelled_out_as_a_trie() {
        let rules = words_except(&["pub", "use"]);
        let text = rules.join("\n");
        // The first letter of an excluded word leads to its own rule…
        assert!(
            text.contains("word ::= [abcdefghijklmnoqrstvwxyzA"),
            "{text}"
        );
        assert!(text.contains("\"p\" word-p"), "{text}");
        // …`pu` may end as a word, `pub` must go on.
        assert!(text.contains("word-p-u ::= ("), "{text}");
        assert!(!text.contains("word-p-u-b ::= ("), "{text}");
        assert!(
            text.contains("word-p-u-b ::= [abcdefghijklmnopqrstuvwxyzA"),
            "{text}"
        );
    }
}
