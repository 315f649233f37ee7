//! Rewrites for a `sum()`, `product()` or `collect()` whose items do not
//! make the type asked for: rustc says which items and which type
//! (`a value of type … cannot be built from an iterator over elements of
//! type …`) and offers no edit.

use super::source::{fixed, INTEGERS};
use crate::judge::gates::diagnostics::Edit;
use crate::judge::gates::errors::{code as rustc, CandidateError};
use crate::report::Fix;

/// The edit for a `sum()`, `product()` or `collect()` whose items do not
/// make the type asked for (`E0277` quoting the type and the items' type,
/// its notes naming `Sum`, `Product` or `FromIterator`). The error's span
/// is the method's name, or the type in its turbofish
/// (`collect::<Vec<String>>()`).
pub(super) fn from_iterator(code: &str, error: &CandidateError) -> Option<Edit> {
    let (start, end) = (error.start, error.end);
    let span = code.get(start..end)?;
    let [target, item] = error.quotes.as_slice() else {
        return None;
    };
    let (target, item) = (target.as_str(), item.as_str());
    let owned = item.trim_start_matches('&');
    if !error.is(rustc::UNIMPLEMENTED) {
        return None;
    }
    if error.names_trait("Sum") || error.names_trait("Product") {
        return summed(code, span, target, owned, start, end);
    }
    if !error.names_trait("FromIterator") {
        return None;
    }
    let at = collect_at(code, span, start)?;
    let call = at..at + "collect".len();
    if item == "&str" && target.contains("String") {
        return fixed(
            call.start,
            call.end,
            "map(|s| s.to_string()).collect".to_string(),
            Fix::CollectOwned,
        );
    }
    if item.starts_with('(') {
        let map = tuple_map(item, target)?;
        return fixed(call.start, call.end, format!("{map}.collect"), Fix::CollectTuple);
    }
    if item != owned {
        return fixed(
            call.start,
            call.end,
            "cloned().collect".to_string(),
            Fix::CollectCloned,
        );
    }
    None
}

/// `sum()` as written, without a turbofish, into a wider number type:
/// summed as the items' own type, then cast.
fn summed(code: &str, span: &str, target: &str, owned: &str, start: usize, end: usize) -> Option<Edit> {
    let call_end = end + 2;
    if code.get(end..call_end)? != "()" {
        return None;
    }
    let after = code.get(call_end..)?.trim_start();
    let numeric = |t: &str| INTEGERS.contains(&t) || t == "f32" || t == "f64";
    // `… as T` would bind to a method called after it.
    let sums = span == "sum" || span == "product";
    if sums && numeric(target) && numeric(owned) && !after.starts_with(['.', '?']) {
        return fixed(
            start,
            call_end,
            format!("{span}::<{owned}>() as {target}"),
            Fix::SumCast,
        );
    }
    None
}

/// Where the `collect` the error is about starts: the span itself, or the
/// call before a turbofish whose type is the span.
fn collect_at(code: &str, span: &str, start: usize) -> Option<usize> {
    if span == "collect" {
        return Some(start);
    }
    code.get(..start)?
        .strip_suffix("collect::<")
        .map(str::len)
}

/// `map(|(x0, x1)| (…, …))` turning tuples of `item`'s parts into the
/// parts `target` holds (a `Vec` of tuples, or a map's keys and values):
/// a text borrowed or a `char` becomes a `String`, any other borrowed part
/// a clone of it. `None` when a part cannot be converted so.
fn tuple_map(item: &str, target: &str) -> Option<String> {
    let items = parts(item.strip_prefix('(')?.strip_suffix(')')?);
    let wanted = target_parts(target)?;
    if items.len() != wanted.len() || items.len() < 2 {
        return None;
    }
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (i, (have, want)) in items.iter().zip(&wanted).enumerate() {
        let (have, want) = (short(have), short(want));
        let name = format!("x{i}");
        let value = if have == want || have == "{integer}" || have == "{float}" {
            name.clone()
        } else if want == "String" && matches!(have.as_str(), "&str" | "&&str" | "&String" | "char") {
            format!("{name}.to_string()")
        } else if have.strip_prefix('&') == Some(want.as_str()) || have == "&{integer}" {
            format!("{name}.clone()")
        } else {
            return None;
        };
        names.push(name);
        values.push(value);
    }
    Some(format!(
        "map(|({})| ({}))",
        names.join(", "),
        values.join(", ")
    ))
}

/// The parts of the tuples `target` is built from: a collection's tuple
/// (`Vec<(String, usize)>`) or a map's key and value (`HashMap<K, V>`).
fn target_parts(target: &str) -> Option<Vec<String>> {
    if let Some(open) = target.find('(') {
        let inner = &target[open + 1..];
        let close = closing_at(inner)?;
        return Some(parts(&inner[..close]));
    }
    let map = ["HashMap<", "BTreeMap<"]
        .iter()
        .find_map(|m| target.find(m).map(|at| at + m.len()))?;
    let inner = target.get(map..)?.strip_suffix('>')?;
    let parts = parts(inner);
    // A map's third parameter is its hasher.
    Some(parts.into_iter().take(2).collect())
}

/// Where the `)` closing an already opened parenthesis in `text` is.
fn closing_at(text: &str) -> Option<usize> {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` split at its commas outside brackets of any kind, each trimmed.
fn parts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            ')' | '>' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text[from..i].trim().to_string());
                from = i + 1;
            }
            _ => {}
        }
    }
    let last = text[from..].trim();
    if !last.is_empty() {
        out.push(last.to_string());
    }
    out
}

/// A type as written in code: `std::string::String` → `String`.
fn short(ty: &str) -> String {
    ["std::string::", "alloc::string::", "std::vec::", "alloc::vec::"]
        .iter()
        .fold(ty.to_string(), |t, path| t.replace(path, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `message` as rustc's `E0277` for a `collect()`, whose note names
    /// `FromIterator`.
    fn one(code: &str, needle: &str, message: &str) -> Option<String> {
        let start = code.find(needle).unwrap();
        let text = format!("E0277: {message} | the trait `FromIterator<_>` is not implemented");
        let error = CandidateError::example(&text, start, start + needle.len());
        let edit = from_iterator(code, &error)?;
        super::super::apply(code, vec![edit])
    }

    #[test]
    fn a_turbofish_collect_is_rewritten_at_its_call() {
        let message = "a value of type `Vec<String>` cannot be built from an iterator over elements of type `&str`";
        let code = "pub fn f(s: &str) -> String { s.split_whitespace().collect::<Vec<String>>().join(\" \") }";
        assert_eq!(
            one(code, "Vec<String>>", message).unwrap(),
            "pub fn f(s: &str) -> String { s.split_whitespace().map(|s| s.to_string()).collect::<Vec<String>>().join(\" \") }"
        );
        let message = "a value of type `std::string::String` cannot be built from an iterator over elements of type `&std::string::String`";
        let code = "pub fn g(v: &[String]) -> String { v.iter().collect::<String>() }";
        assert_eq!(
            one(code, "String>", message).unwrap(),
            "pub fn g(v: &[String]) -> String { v.iter().cloned().collect::<String>() }"
        );
        // A type elsewhere (a `let`'s annotation) is not a turbofish.
        let code = "pub fn h(s: &str) -> usize { let v: Vec<String> = s.split(' ').collect(); v.len() }";
        assert!(one(code, "Vec<String>", message).is_none());
    }

    #[test]
    fn tuples_are_converted_part_by_part() {
        let message = "a value of type `std::vec::Vec<(std::string::String, usize)>` cannot be built from an iterator over elements of type `(&str, {integer})`";
        let code = "pub fn f(m: HashMap<&str, usize>) -> Vec<(String, usize)> { m.into_iter().collect() }";
        assert_eq!(
            one(code, "collect", message).unwrap(),
            "pub fn f(m: HashMap<&str, usize>) -> Vec<(String, usize)> { m.into_iter().map(|(x0, x1)| (x0.to_string(), x1)).collect() }"
        );
        let message = "a value of type `std::vec::Vec<(std::string::String, usize)>` cannot be built from an iterator over elements of type `(&std::string::String, &usize)`";
        let code = "pub fn g(m: &HashMap<String, usize>) -> Vec<(String, usize)> { m.iter().collect() }";
        assert_eq!(
            one(code, "collect", message).unwrap(),
            "pub fn g(m: &HashMap<String, usize>) -> Vec<(String, usize)> { m.iter().map(|(x0, x1)| (x0.to_string(), x1.clone())).collect() }"
        );
        let message = "a value of type `std::collections::HashMap<char, usize>` cannot be built from an iterator over elements of type `(&char, &usize)`";
        let code = "pub fn h(m: &[(char, usize)]) -> HashMap<char, usize> { m.iter().collect() }";
        assert_eq!(
            one(code, "collect", message).unwrap(),
            "pub fn h(m: &[(char, usize)]) -> HashMap<char, usize> { m.iter().map(|(x0, x1)| (x0.clone(), x1.clone())).collect() }"
        );
        // A part that no conversion makes (a text where a `char` is wanted).
        let message = "a value of type `std::collections::HashMap<char, char>` cannot be built from an iterator over elements of type `(char, &str)`";
        assert!(one(code, "collect", message).is_none());
    }
}
