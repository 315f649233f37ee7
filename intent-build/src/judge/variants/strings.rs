//! Rewrites for strings, characters and iterators taken one for another:
//! a `String` method for characters given a string, a collection declared
//! with a type its values contradict.

use super::source::{expression_start, fixed, operand, receiver};
use crate::judge::gates::diagnostics::Edit;
use crate::judge::gates::errors::{code as rustc, CandidateError};
use crate::report::Fix;

/// The rewrite for an argument of the wrong type: a `String` method for
/// characters given a string, or the other way round
/// ([`string_method`]); for a collection's method, the type its binding
/// was declared with, which the values put in it contradict
/// ([`undeclared`]).
pub(super) fn argument_rewrite(code: &str, error: &CandidateError) -> Option<Edit> {
    let method = error.method.as_ref()?;
    let (expected, found) = error.mismatch()?;
    if method.home.ends_with("/string.rs") {
        return string_method(code, error, expected, found);
    }
    let collection = ["/map.rs", "/set.rs", "/vec/mod.rs", "/vec_deque/mod.rs"];
    if collection.iter().any(|home| method.home.ends_with(home)) {
        return undeclared(code, method.start);
    }
    None
}

/// `s.push(word)` for a `String` that takes a `char`, given a string, as
/// `s.push_str(&word)` (and `insert` as `insert_str`); `s.push_str(c)`
/// given a `char` as `s.push(c)`. The edit runs from the method's name to
/// the end of the argument.
fn string_method(code: &str, error: &CandidateError, expected: &str, found: &str) -> Option<Edit> {
    let method = error.method.as_ref()?;
    let name = code.get(method.start..method.end)?;
    let between_them = code.get(method.end..error.start)?;
    let argument = code.get(error.start..error.end)?;
    let stringy = |t: &str| matches!(t.trim_start_matches('&'), "str" | "String" | "mut str");
    let (renamed, argument) = match (name, expected, found) {
        ("push" | "insert", "char", f) if stringy(f) => {
            let borrowed = if f == "&str" { argument.to_string() } else { format!("&{argument}") };
            (format!("{name}_str"), borrowed)
        }
        ("push_str" | "insert_str", "&str", "char") => (name.replace("_str", ""), argument.to_string()),
        ("push_str" | "insert_str", "&str", "&char") => {
            let owned = match argument.strip_prefix('&') {
                Some(value) => value.to_string(),
                None => format!("*{}", operand(argument)),
            };
            (name.replace("_str", ""), owned)
        }
        _ => return None,
    };
    fixed(
        method.start,
        error.end,
        format!("{renamed}{between_them}{argument}"),
        Fix::StringMethod,
    )
}

/// For a call on a collection bound by `let [mut] NAME: TYPE = …`, the
/// edit that drops `: TYPE`, so that the values the code puts in say what
/// it holds (`HashMap<char, char>` filled with `('&', "&amp;")`). The
/// binding is the last one of that name before the call.
fn undeclared(code: &str, method_start: usize) -> Option<Edit> {
    let before = code.get(..method_start)?.strip_suffix('.')?;
    let name_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = before.get(name_start..)?;
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let declared = [format!("let mut {name}:"), format!("let {name}:")]
        .iter()
        .filter_map(|pattern| before.get(..name_start)?.rfind(pattern.as_str()).map(|at| at + pattern.len() - 1))
        .max()?;
    // The type ends at the `=` of the binding; a type holds none (a `;`
    // first: declared without a value, and left alone).
    let equals = declared + code.get(declared..)?.find('=')?;
    if code.get(declared..equals)?.contains(';') {
        return None;
    }
    fixed(declared, equals, " ".to_string(), Fix::Undeclared)
}


/// The text types that become a `String` with `.to_string()`.
const TEXTS: &[&str] = &["&str", "char", "String", "&String", "&&str", "&char"];

/// Branches of incompatible text types — `'&' => "&amp;"` beside
/// `_ => c` — each made a `String` (`"&amp;".to_string()`,
/// `c.to_string()`): a `String` is what a `collect()` into a `String` or
/// a `String` result takes from each. The earlier branches are the ones
/// rustc names; a branch already a `String` is left as it is.
pub(super) fn owned_branches(code: &str, error: &CandidateError) -> Vec<Edit> {
    let Some((expected, found)) = error.branch_types() else {
        return Vec::new();
    };
    if !TEXTS.contains(&expected) || !TEXTS.contains(&found) || error.branches.is_empty() {
        return Vec::new();
    }
    let mut spans = Vec::new();
    if expected != "String" {
        spans.extend(error.branches.iter().copied());
    }
    if found != "String" {
        spans.push((error.start, error.end));
    }
    spans
        .into_iter()
        .filter_map(|(start, end)| {
            let branch = code.get(start..end)?;
            // A branch that is a block gets the call on its last value: not done.
            (!branch.trim_end().ends_with('}')).then(|| Edit {
                start,
                end,
                text: format!("{}.to_string()", receiver(branch)),
                fix: Some(Fix::OwnedBranches),
            })
        })
        .collect()
}

/// The iterators of `std` a model takes for a `Vec`: what `split`,
/// `lines`, `chars` and the adapters return.
const ITERATORS: &[&str] = &[
    "Split", "SplitWhitespace", "SplitAsciiWhitespace", "SplitN", "RSplit", "RSplitN",
    "SplitTerminator", "Lines", "Chars", "CharIndices", "Bytes", "Matches", "MatchIndices", "Map",
    "Filter", "FilterMap", "Rev", "Skip", "Take", "Enumerate", "Peekable", "Zip", "Chain",
    "Cloned", "Copied", "SkipWhile", "TakeWhile", "StepBy",
];

/// Methods of a slice or `Vec` that an iterator lacks. The sorts are
/// [`super::iterator_sort`]'s: a sorted temporary is lost.
const SLICE_METHODS: &[&str] = &[
    "len", "is_empty", "get", "iter", "iter_mut", "contains", "first", "join", "concat",
    "windows", "chunks", "to_vec", "split_at", "split_first", "split_last", "starts_with",
    "ends_with", "binary_search", "pop", "remove", "reverse", "swap", "truncate",
];

/// An iterator used as a `Vec` — a slice method called on it, indexed, or
/// where a `Vec` is expected — collected first: `let parts =
/// s.split('.'); parts.len()` → `let parts = s.split('.').collect::<Vec<_>>();`,
/// or `s.split('.').collect::<Vec<_>>().len()` without a binding.
///
/// rustc: a mismatch (`E0308`) of an iterator where a `Vec` is expected;
/// no such method (`E0599`) quoting the method and the iterator's type; no
/// index (`E0608`) quoting the iterator's type.
pub(super) fn collect_first(code: &str, error: &CandidateError) -> Option<Edit> {
    if let Some((expected, found)) = error.mismatch() {
        let wanted = expected.starts_with("Vec<");
        let at = error.end;
        return (wanted && is_iterator(found))
            .then(|| fixed(at, at, ".collect()".to_string(), Fix::CollectFirst))?;
    }
    let receiver_end = match error.quotes.as_slice() {
        [method, on, ..] if error.is(rustc::NO_METHOD) => {
            if !SLICE_METHODS.contains(&method.as_str()) || !is_iterator(on) {
                return None;
            }
            code.get(..error.start)?.strip_suffix('.')?.len()
        }
        [on] if error.is(rustc::NOT_INDEXABLE) => is_iterator(on).then_some(error.start)?,
        _ => return None,
    };
    let receiver_start = expression_start(code, receiver_end)?;
    let receiver = code.get(receiver_start..receiver_end)?;
    let at = if receiver.chars().all(|c| c.is_alphanumeric() || c == '_') {
        binding_end(code.get(..receiver_start)?, receiver)?
    } else {
        receiver_end
    };
    fixed(at, at, ".collect::<Vec<_>>()".to_string(), Fix::CollectFirst)
}

/// Whether `ty` (`std::str::Split<'a, P>`) is one of [`ITERATORS`].
fn is_iterator(ty: &str) -> bool {
    let name = ty.split('<').next().unwrap_or(ty);
    ITERATORS.contains(&name.rsplit("::").next().unwrap_or(name))
}

/// Where the value of the last `let [mut] name = …;` in `before` ends (at
/// its `;`), when it is one plain expression: no block, which could hold
/// a `;` of its own.
fn binding_end(before: &str, name: &str) -> Option<usize> {
    let value_start = [format!("let mut {name} ="), format!("let {name} =")]
        .iter()
        .filter_map(|pattern| before.rfind(pattern.as_str()).map(|at| at + pattern.len()))
        .max()?;
    let end = value_start + before.get(value_start..)?.find(';')?;
    (!before.get(value_start..end)?.contains('{')).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::gates::errors::MethodCall;

    /// The error rustc gives for `argument`, passed to `method` (defined in
    /// `home`), in `code`.
    fn argument(code: &str, method: &str, argument: &str, label: &str, home: &str) -> CandidateError {
        let call = code.find(&format!("{method}(")).unwrap();
        let start = call + code[call..].find(argument).unwrap();
        CandidateError {
            code: rustc::MISMATCH.into(),
            label: crate::judge::gates::errors::quoted(label),
            start,
            end: start + argument.len(),
            method: Some(MethodCall {
                start: call,
                end: call + method.len(),
                home: format!("/rustc/0/library/{home}"),
            }),
            ..CandidateError::default()
        }
    }

    fn mended(code: &str, edit: Option<Edit>) -> String {
        let edit = edit.unwrap();
        format!("{}{}{}", &code[..edit.start], edit.text, &code[edit.end..])
    }

    const STRING: &str = "alloc/src/string.rs";

    #[test]
    fn a_string_method_takes_the_kind_of_text_it_was_given() {
        let code = "fn f(s: &mut String, w: String) { s.push(w) }";
        let e = argument(code, "push", "w", "expected `char`, found `String`", STRING);
        assert_eq!(mended(code, argument_rewrite(code, &e)), "fn f(s: &mut String, w: String) { s.push_str(&w) }");
        // A `&str` is passed as it is, and the index of `insert` kept.
        let code = "fn f(s: &mut String) { s.insert(0, \"-\") }";
        let e = argument(code, "insert", "\"-\"", "expected `char`, found `&str`", STRING);
        assert_eq!(mended(code, argument_rewrite(code, &e)), "fn f(s: &mut String) { s.insert_str(0, \"-\") }");
        // A `char`, or a reference to one, for `push_str`.
        let code = "fn f(s: &mut String, c: char) { s.push_str(c) }";
        let e = argument(code, "push_str", "c", "expected `&str`, found `char`", STRING);
        assert_eq!(mended(code, argument_rewrite(code, &e)), "fn f(s: &mut String, c: char) { s.push(c) }");
        let code = "fn f(s: &mut String) { s.push_str(&'*') }";
        let e = argument(code, "push_str", "&'*'", "expected `&str`, found `&char`", STRING);
        assert_eq!(mended(code, argument_rewrite(code, &e)), "fn f(s: &mut String) { s.push('*') }");
        // Another mismatch of a `String` method: not this rewrite.
        let code = "fn f(s: &mut String) { s.push(1) }";
        let e = argument(code, "push", "1", "expected `char`, found integer", STRING);
        assert!(argument_rewrite(code, &e).is_none());
    }

    #[test]
    fn a_collection_declared_against_its_values_loses_the_declaration() {
        let code = "fn f() { let mut map: HashMap<char, char> = HashMap::new(); map.insert('&', \"&amp;\"); }";
        let e = argument(code, "insert", "\"&amp;\"", "expected `char`, found `&str`", "std/src/collections/hash/map.rs");
        assert_eq!(
            mended(code, argument_rewrite(code, &e)),
            "fn f() { let mut map = HashMap::new(); map.insert('&', \"&amp;\"); }"
        );
        // Declared without a value, or not declared here: left alone.
        let code = "fn f() { let mut v: Vec<char>; v = Vec::new(); v.push(\"a\"); }";
        let e = argument(code, "push", "\"a\"", "expected `char`, found `&str`", "alloc/src/vec/mod.rs");
        assert!(argument_rewrite(code, &e).is_none());
        let code = "fn f(v: &mut Vec<char>) { v.push(\"a\"); }";
        let e = argument(code, "push", "\"a\"", "expected `char`, found `&str`", "alloc/src/vec/mod.rs");
        assert!(argument_rewrite(code, &e).is_none());
    }

    fn error(code: &str, at: &str, message: &str) -> CandidateError {
        let start = code.rfind(at).unwrap();
        CandidateError::example(message, start, start + at.len())
    }

    #[test]
    fn branches_of_two_text_types_become_strings() {
        let code = "fn f(c: char) -> String { [c].iter().map(|&c| match c { '&' => \"&amp;\", _ => c }).collect() }";
        let mut e = error(code, "c }", "E0308: `match` arms have incompatible types (expected `&str`, found `char`)");
        e.end = e.start + 1;
        let arm = code.find("\"&amp;\"").unwrap();
        e.branches = vec![(arm, arm + 7)];
        let mut text = code.to_string();
        let mut edits = owned_branches(code, &e);
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        for edit in edits {
            text.replace_range(edit.start..edit.end, &edit.text);
        }
        assert_eq!(
            text,
            "fn f(c: char) -> String { [c].iter().map(|&c| match c { '&' => \"&amp;\".to_string(), _ => c.to_string() }).collect() }"
        );
        // Numbers, or no earlier branch named: nothing.
        e.label = vec!["&str".into(), "f64".into()];
        assert!(owned_branches(code, &e).is_empty());
    }

    #[test]
    fn an_iterator_used_as_a_vec_is_collected_where_it_is_made() {
        let no_len = "E0599: no method named `len` found for struct `std::str::Split<'a, P>` in the current scope";
        let code = "fn f(s: &str) -> usize { let parts = s.split('.'); parts.len() }";
        assert_eq!(
            mended(code, collect_first(code, &error(code, "len", no_len))),
            "fn f(s: &str) -> usize { let parts = s.split('.').collect::<Vec<_>>(); parts.len() }"
        );
        let code = "fn f(s: &str) -> usize { s.split_whitespace().len() }";
        let message = "E0599: no method named `len` found for struct `SplitWhitespace<'a>` in the current scope";
        assert_eq!(
            mended(code, collect_first(code, &error(code, "len", message))),
            "fn f(s: &str) -> usize { s.split_whitespace().collect::<Vec<_>>().len() }"
        );
        let code = "fn f(s: &str) -> &str { let p = s.split(','); p[1] }";
        let message = "E0608: cannot index into a value of type `std::str::Split<'_, char>`";
        assert_eq!(
            mended(code, collect_first(code, &error(code, "[1]", message))),
            "fn f(s: &str) -> &str { let p = s.split(',').collect::<Vec<_>>(); p[1] }"
        );
        // A sort is `iterator_sort`'s, a `Vec` has the method, a binding
        // made in a block is not followed.
        let sort = "E0599: no method named `sort` found for struct `std::str::Split<'a, P>` in the current scope";
        assert!(collect_first(code, &error(code, "p", sort)).is_none());
        let on_vec = "E0599: no method named `len` found for struct `Foo` in the current scope";
        assert!(collect_first(code, &error(code, "p", on_vec)).is_none());
        let code = "fn f(s: &str) -> usize { let p = { s.split(',') }; p.len() }";
        assert!(collect_first(code, &error(code, "len", no_len)).is_none());
    }
}
