//! Rewrites for strings, characters and iterators taken one for another:
//! a `String` method for characters given a string, a collection declared
//! with a type its values contradict.

use super::source::{between, expression_start, fixed, mismatch, operand};
use crate::judge::gates::diagnostics::{CandidateError, Edit};
use crate::report::Fix;

/// The rewrite for an argument of the wrong type: a `String` method for
/// characters given a string, or the other way round
/// ([`string_method`]); for a collection's method, the type its binding
/// was declared with, which the values put in it contradict
/// ([`undeclared`]).
pub(super) fn argument_rewrite(code: &str, error: &CandidateError) -> Option<Edit> {
    let method = error.method.as_ref()?;
    let (expected, found) = mismatch(&error.message)?;
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
pub(super) fn collect_first(code: &str, error: &CandidateError) -> Option<Edit> {
    let message = error.message.as_str();
    if let Some((expected, found)) = mismatch(message) {
        let wanted = expected.starts_with("Vec<");
        let at = error.end;
        return (wanted && is_iterator(found))
            .then(|| fixed(at, at, ".collect()".to_string(), Fix::CollectFirst))?;
    }
    let receiver_end = if let Some(method) = between(message, "no method named `", "`") {
        let on = between(message, "` found for struct `", "`")?;
        if !SLICE_METHODS.contains(&method) || !is_iterator(on) {
            return None;
        }
        code.get(..error.start)?.strip_suffix('.')?.len()
    } else {
        let on = between(message, "cannot index into a value of type `", "`")?;
        is_iterator(on).then_some(error.start)?
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
