//! Rewrites of a binding a candidate got wrong as a whole: a borrowed
//! parameter it sorts in place, a value it never declared, a `VecDeque`
//! it uses as a `Vec`, a type it declared that its value contradicts.

use super::source::fixed;
use crate::judge::gates::diagnostics::Edit;
use crate::judge::gates::errors::{code as rustc, CandidateError};
use crate::report::Fix;

/// `xs.sort()` on a parameter `xs: &[T]` (rustc: "cannot borrow `*xs` as
/// mutable, as it is behind a `&` reference") as a sort of the function's
/// own copy: `let mut xs = xs.to_owned();` first in its body. rustc's own
/// help changes the signature, which the spec fixes.
pub(super) fn owned_copy(code: &str, error: &CandidateError) -> Option<Edit> {
    let [borrowed, reference] = error.quotes.as_slice() else {
        return None;
    };
    let name = borrowed.strip_prefix('*')?;
    if !error.is(rustc::BORROWED_MUT) || reference != "&" || !is_name(name) {
        return None;
    }
    let (signature, body) = enclosing_fn(code, error.start)?;
    let parameters = code.get(signature..body)?;
    if !parameters.contains(&format!("{name}: &")) || parameters.contains(&format!("{name}: &mut")) {
        return None;
    }
    let copy = format!("\n    let mut {name} = {name}.to_owned();");
    fixed(body, body, copy, Fix::OwnedCopy)
}

/// `let mut v: &mut [f64] = values.clone();` (rustc: "types differ in
/// mutability": a clone of a shared slice is not a mutable one) as the
/// `Vec` it meant: `let mut v: Vec<f64> = values.to_vec();`. The error's
/// span is the value.
pub(super) fn owned_slice(code: &str, error: &CandidateError) -> Option<Edit> {
    let differ_in_mutability = matches!(error.notes.as_slice(),
        [expected, found, ..] if expected.starts_with("&mut ") && found.starts_with('&') && !found.starts_with("&mut"));
    if !error.is(rustc::MISMATCH) || !error.label.is_empty() || !differ_in_mutability {
        return None;
    }
    let value = code.get(error.start..error.end)?;
    let before = code.get(..error.start)?.trim_end().strip_suffix('=')?;
    let declared = before.rfind(": &mut [")?;
    let item = before.get(declared + ": &mut [".len()..)?.trim_end().strip_suffix(']')?;
    if item.contains([';', '=']) {
        return None;
    }
    let owned = match value.strip_suffix(".clone()").or_else(|| value.strip_suffix(".to_owned()")) {
        Some(source) => format!("{source}.to_vec()"),
        None if is_name(value.trim_start_matches('&')) => format!("{}.to_vec()", value.trim_start_matches('&')),
        None => return None,
    };
    fixed(declared, error.end, format!(": Vec<{item}> = {owned}"), Fix::OwnedCopy)
}

/// A value used but never bound, where its first use says what it is:
/// `result.push(x)` with no `let result` anywhere as `let mut result =
/// Vec::new();` first in the function's body (`push_str`: a `String`).
/// A name bound in another scope is left alone: where to bind it is not
/// clear from the use.
pub(super) fn declare(code: &str, error: &CandidateError) -> Option<Edit> {
    let [name] = error.quotes.as_slice() else {
        return None;
    };
    if !error.is(rustc::NOT_FOUND) || !is_name(name) || code.get(error.start..error.end)? != name {
        return None;
    }
    let bound = [format!("let {name}"), format!("let mut {name}"), format!("({name},"), format!(" {name} in ")];
    if bound.iter().any(|b| code.contains(b.as_str())) {
        return None;
    }
    let after = code.get(error.end..)?;
    let value = if after.starts_with(".push(") {
        "Vec::new()"
    } else if after.starts_with(".push_str(") {
        "String::new()"
    } else {
        return None;
    };
    let (_, body) = enclosing_fn(code, error.start)?;
    fixed(body, body, format!("\n    let mut {name} = {value};"), Fix::Declare)
}

/// Methods a `VecDeque` has and a `Vec` lacks: code calling one of them
/// means the deque.
const DEQUE_ONLY: &[&str] = &[
    ".push_front(", ".pop_front(", ".make_contiguous(", ".rotate_left(", ".rotate_right(",
    ".as_slices(", ".range(", ".swap_remove_back(", ".swap_remove_front(",
];

/// A `VecDeque` used as a `Vec` (sorted, sliced, built `From` a slice —
/// any error that names it) in code that uses nothing only a deque has:
/// every `VecDeque` a `Vec`, its own `push_back`, `pop_back`, `back` and
/// `front` the `Vec`'s names, and its import dropped.
pub(super) fn deque_as_vec(code: &str, errors: &[CandidateError]) -> Vec<Edit> {
    let named = errors.iter().any(|e| e.quotes_contain("VecDeque"));
    if !named || DEQUE_ONLY.iter().any(|m| code.contains(m)) {
        return Vec::new();
    }
    let renames = [
        ("VecDeque", "Vec"),
        (".push_back(", ".push("),
        (".pop_back(", ".pop("),
        (".back(", ".last("),
        (".back_mut(", ".last_mut("),
        (".front(", ".first("),
        (".front_mut(", ".first_mut("),
    ];
    let mut edits = Vec::new();
    let mut line_start = 0;
    for line in code.split_inclusive('\n') {
        if line.trim_start().starts_with("use ") {
            if let Some(edit) = unimport(line, line_start) {
                edits.push(edit);
            }
        } else {
            for (from, to) in renames {
                edits.extend(line.match_indices(from).map(|(at, _)| Edit {
                    start: line_start + at,
                    end: line_start + at + from.len(),
                    text: to.to_string(),
                    fix: Some(Fix::DequeAsVec),
                }));
            }
        }
        line_start += line.len();
    }
    edits
}

/// The edit that drops `VecDeque` from the `use` line at `start`: the line
/// when it imports nothing else, else the name from its braces.
fn unimport(line: &str, start: usize) -> Option<Edit> {
    let at = line.find("VecDeque")?;
    let edit = |from: usize, to: usize| Edit {
        start: start + from,
        end: start + to,
        text: String::new(),
        fix: Some(Fix::DequeAsVec),
    };
    if !line.contains('{') {
        return Some(edit(0, line.len()));
    }
    let end = at + "VecDeque".len();
    if line[end..].trim_start().starts_with(',') {
        let comma = end + line[end..].find(',')? + 1;
        let next = comma + (line[comma..].len() - line[comma..].trim_start().len());
        return Some(edit(at, next));
    }
    let comma = line[..at].rfind(',')?;
    Some(edit(comma, end))
}

/// A mismatch inside the value of `let NAME: TYPE = …` where `TYPE`
/// holds the type rustc expected (`let m: [(char, u32); 7] = [("CM",
/// 900), …]`): the declared type is what is wrong, so `: TYPE` is dropped
/// and the value says what it is.
pub(super) fn declared_type(code: &str, error: &CandidateError) -> Option<Edit> {
    let (expected, _) = error.mismatch()?;
    let before = code.get(..error.start)?;
    let binding = before.rfind("let ")?;
    let statement = &before[binding..];
    // Still inside that statement's value: no `;` or block since.
    let equals = statement.find('=')?;
    let (head, value) = statement.split_at(equals);
    if value.contains([';', '{', '}']) || value.starts_with("==") {
        return None;
    }
    let colon = head.find(':')?;
    let declared = &head[colon + 1..];
    let named = declared
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == expected);
    if !named || !is_name(head[4..colon].trim().trim_start_matches("mut ").trim()) {
        return None;
    }
    fixed(binding + colon, binding + equals, " ".to_string(), Fix::Undeclared)
}

/// Whether `text` is a plain identifier.
fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The function around `at`: where its signature starts (its `fn`) and
/// the offset just inside its body's `{`.
fn enclosing_fn(code: &str, at: usize) -> Option<(usize, usize)> {
    let signature = code.get(..at)?.rfind("fn ")?;
    let body = signature + code.get(signature..)?.find('{')? + 1;
    (body <= at).then_some((signature, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: &str, span: &str, message: &str) -> CandidateError {
        let start = code.find(span).unwrap();
        CandidateError::example(message, start, start + span.len())
    }

    fn applied(code: &str, edits: Vec<Edit>) -> String {
        super::super::apply(code, edits).unwrap()
    }

    #[test]
    fn a_borrowed_slice_sorted_in_place_is_copied_first() {
        let code = "pub fn f(xs: &[(i64, i64)]) -> Vec<(i64, i64)> {\n    xs.sort();\n    xs.to_vec()\n}";
        let e = error(code, "xs.sort", "E0596: cannot borrow `*xs` as mutable, as it is behind a `&` reference (`xs` is a `&` reference, so it cannot be borrowed as mutable)");
        let text = applied(code, vec![owned_copy(code, &e).unwrap()]);
        assert!(text.starts_with("pub fn f(xs: &[(i64, i64)]) -> Vec<(i64, i64)> {\n    let mut xs = xs.to_owned();\n    xs.sort();"), "{text}");
        // Not a parameter of the function: left alone.
        let local = "pub fn f(v: &[i32]) {\n    let ys = &v[1..];\n    ys.sort();\n}";
        let e = error(local, "ys.sort", "E0596: cannot borrow `*ys` as mutable, as it is behind a `&` reference (x)");
        assert!(owned_copy(local, &e).is_none());
    }

    #[test]
    fn a_clone_declared_as_a_mutable_slice_becomes_a_vec() {
        let code = "pub fn f(values: &[f64]) {\n    let mut s: &mut [f64] = values.clone();\n}";
        let e = error(code, "values.clone()", "E0308: mismatched types (types differ in mutability) | expected mutable reference `&mut _` found reference `&_`");
        let text = applied(code, vec![owned_slice(code, &e).unwrap()]);
        assert!(text.contains("let mut s: Vec<f64> = values.to_vec();"), "{text}");
    }

    #[test]
    fn a_vector_pushed_to_but_never_bound_is_declared() {
        let code = "pub fn f(v: &[i32]) -> Vec<i32> {\n    for x in v {\n        out.push(*x);\n    }\n    out\n}";
        let e = error(code, "out", "E0425: cannot find value `out` in this scope (not found in this scope)");
        let text = applied(code, vec![declare(code, &e).unwrap()]);
        assert!(text.starts_with("pub fn f(v: &[i32]) -> Vec<i32> {\n    let mut out = Vec::new();\n"), "{text}");
        // Bound in another scope: where to bind it is not clear.
        let scoped = "pub fn f() -> String {\n    if true { let mut out = String::new(); }\n    out.push_str(\"a\");\n    out\n}";
        let e = error(scoped, "out.push_str", "E0425: cannot find value `out` in this scope");
        let e = CandidateError { end: e.start + 3, ..e };
        assert!(declare(scoped, &e).is_none());
    }

    #[test]
    fn a_deque_used_as_a_vec_becomes_one() {
        let code = "use std::collections::{HashMap, VecDeque};\npub fn f(v: &[f64]) -> f64 {\n    let mut d: VecDeque<f64> = VecDeque::from(v.to_vec());\n    d.push_back(1.0);\n    d.sort_by(|a, b| a.partial_cmp(b).unwrap());\n    *d.back().unwrap()\n}";
        let e = error(code, "sort_by", "E0599: no method named `sort_by` found for struct `std::collections::VecDeque<T, A>` in the current scope");
        let text = applied(code, deque_as_vec(code, std::slice::from_ref(&e)));
        assert!(text.starts_with("use std::collections::{HashMap};\n"), "{text}");
        assert!(text.contains("let mut d: Vec<f64> = Vec::from(v.to_vec());\n    d.push(1.0);"), "{text}");
        assert!(text.contains("*d.last().unwrap()"), "{text}");
        // A deque's own method in use: it is a deque.
        let front = code.replace("d.push_back(1.0)", "d.push_front(1.0)");
        assert!(deque_as_vec(&front, &[e]).is_empty());
        let alone = "use std::collections::VecDeque;\nfn g() {}\n";
        assert_eq!(unimport(alone.lines().next().unwrap(), 0).map(|e| e.end), Some(31));
    }

    #[test]
    fn a_declared_type_its_value_contradicts_is_dropped() {
        let code = "pub fn f(s: &str) -> u32 {\n    let table: [(char, u32); 2] = [(\"CM\", 900), (\"M\", 1000)];\n    0\n}";
        let e = error(code, "\"CM\"", "E0308: mismatched types (expected `char`, found `&str`)");
        let text = applied(code, vec![declared_type(code, &e).unwrap()]);
        assert!(text.contains("let table = [(\"CM\", 900)"), "{text}");
        // The type rustc expected is not the declared one's: left alone.
        let other = "pub fn f() {\n    let n: u32 = g(\"x\");\n}";
        let e = error(other, "\"x\"", "E0308: mismatched types (expected `char`, found `&str`)");
        assert!(declared_type(other, &e).is_none());
    }
}
