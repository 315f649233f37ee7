//! rustc's errors in one candidate's code, as data: the error code, the
//! code fragments rustc quotes (types, names, traits) and the spans.
//!
//! The repairs (`judge::variants`) decide on these alone, never on rustc's
//! wording, which changes between releases and says nothing a code and a
//! quoted type do not: `E0308` with the label quoting `char` and `&str` is
//! a mismatch of those two types however the sentence around them reads.
//! A test rewrites every word outside the backticks of real rustc output
//! and finds the same repairs (`intent-build/tests/repairs.rs`).

use super::diagnostics::{error_diagnostics, in_candidate_file, spans};
pub(crate) use super::diagnostics::quoted;
use super::scratch::FILE_PREFIX;

/// One of rustc's errors in a candidate's code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CandidateError {
    /// rustc's error code (`E0308`); empty when it gave none.
    pub code: String,
    /// What the message quotes, in order: `["*xs", "&"]` for "cannot
    /// borrow `*xs` as mutable, as it is behind a `&` reference".
    pub quotes: Vec<String>,
    /// What the primary span's label quotes: `["char", "&str"]` for
    /// "expected `char`, found `&str`".
    pub label: Vec<String>,
    /// What the notes and help under it quote, in order (the traits an
    /// `E0277` is about: `FromIterator<&str>`, `Sum<&u32>`).
    pub notes: Vec<String>,
    /// The primary span's start, a byte offset in the candidate's code.
    pub start: usize,
    /// The primary span's end, a byte offset in the candidate's code.
    pub end: usize,
    /// For an argument of the wrong type: the method it was passed to.
    pub method: Option<MethodCall>,
    /// For branches of incompatible types (`match` arms): the spans of the
    /// earlier ones, of the type expected.
    pub branches: Vec<(usize, usize)>,
}

/// The method an argument of the wrong type was passed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MethodCall {
    /// Its name's span in the candidate's code.
    pub start: usize,
    /// Its name's span in the candidate's code.
    pub end: usize,
    /// The library source that defines it (`…/library/alloc/src/string.rs`):
    /// whose method it is, which the code alone does not say.
    pub home: String,
}

/// rustc's codes for the errors the repairs read.
pub(crate) mod code {
    /// Mismatched types (a plain mismatch, or branches of two types).
    pub const MISMATCH: &str = "E0308";
    /// A trait not implemented: an operator, an index, `collect`, `sum`.
    pub const UNIMPLEMENTED: &str = "E0277";
    /// A name not found: a value, or a function in a module.
    pub const NOT_FOUND: &str = "E0425";
    /// A mutable borrow of what is behind a shared reference.
    pub const BORROWED_MUT: &str = "E0596";
    /// No such method on the type.
    pub const NO_METHOD: &str = "E0599";
    /// An index into a type that has none.
    pub const NOT_INDEXABLE: &str = "E0608";
}

impl CandidateError {
    /// Whether rustc gave it `code`.
    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }

    /// The expected and found types of a plain mismatch (`E0308` whose
    /// message quotes nothing, unlike "`match` arms have incompatible
    /// types"), from its label: `("char", "&str")`.
    pub fn mismatch(&self) -> Option<(&str, &str)> {
        if !self.is(code::MISMATCH) || !self.quotes.is_empty() {
            return None;
        }
        self.expected_found()
    }

    /// The expected and found types of branches of two types (`E0308`
    /// whose message quotes the `match`, or the `if` and `else`).
    pub fn branch_types(&self) -> Option<(&str, &str)> {
        if !self.is(code::MISMATCH) || self.quotes.is_empty() {
            return None;
        }
        self.expected_found()
    }

    /// The label's two quoted types, expected first.
    fn expected_found(&self) -> Option<(&str, &str)> {
        match self.label.as_slice() {
            [expected, found, ..] => Some((expected, found)),
            _ => None,
        }
    }

    /// Whether a note or help names `trait_name` (`Sum`, `FromIterator`),
    /// with or without its path and parameters (`std::iter::Sum<&u32>`).
    pub fn names_trait(&self, trait_name: &str) -> bool {
        self.notes.iter().any(|n| {
            let path = n.split('<').next().unwrap_or(n);
            path.rsplit("::").next() == Some(trait_name)
        })
    }

    /// Whether anything it quotes contains `text` (a type's name).
    pub fn quotes_contain(&self, text: &str) -> bool {
        self.quotes.iter().chain(&self.label).any(|q| q.contains(text))
    }
}

/// Each error whose primary span is in the candidate's `code`, as data.
pub(crate) fn candidate_errors(diagnostics: &str, code: &str) -> Vec<CandidateError> {
    error_diagnostics(diagnostics)
        .filter_map(|(_, value)| one_error(&value, code))
        .collect()
}

/// `value` as a [`CandidateError`] when its primary span is in `code`.
fn one_error(value: &serde_json::Value, code: &str) -> Option<CandidateError> {
    let span = spans(value).find(|span| span["is_primary"] == true)?;
    if !in_candidate_file(span["file_name"].as_str()?) {
        return None;
    }
    let (start, end) = in_code(span, code)?;
    let label = quoted(span["label"].as_str().unwrap_or_default());
    let children = value["children"].as_array().into_iter().flatten();
    let notes = children
        .clone()
        .flat_map(|c| quoted(c["message"].as_str().unwrap_or_default()))
        .collect();
    let error_code = value["code"]["code"].as_str().unwrap_or_default();
    let quotes = quoted(value["message"].as_str().unwrap_or_default());
    let branches = match label.first() {
        Some(expected) if error_code == code::MISMATCH && !quotes.is_empty() => {
            earlier_branches(value, code, expected)
        }
        _ => Vec::new(),
    };
    Some(CandidateError {
        code: error_code.to_string(),
        quotes,
        label,
        notes,
        start,
        end,
        method: method_called(value, code),
        branches,
    })
}

/// A span's bytes as offsets in the candidate's `code`.
fn in_code(span: &serde_json::Value, code: &str) -> Option<(usize, usize)> {
    let offset = |key: &str| {
        let at = span[key].as_u64()? as usize;
        at.checked_sub(FILE_PREFIX.len())
            .filter(|at| *at <= code.len())
    };
    Some((offset("byte_start")?, offset("byte_end")?))
}

/// For an argument of the wrong type, the method it went to: the other
/// span in the candidate that is a name called (`push` in `s.push(w)`),
/// and the library file a note points at, where that method is defined.
fn method_called(value: &serde_json::Value, code: &str) -> Option<MethodCall> {
    let (start, end) = spans(value)
        .filter(|s| s["is_primary"] != true)
        .filter_map(|s| in_code(s, code))
        .find(|&(start, end)| is_called_name(code, start, end))?;
    let home = value["children"]
        .as_array()?
        .iter()
        .flat_map(spans)
        .filter_map(|s| s["file_name"].as_str())
        .find(|file| !in_candidate_file(file))?;
    Some(MethodCall {
        start,
        end,
        home: home.to_string(),
    })
}

/// Whether `code[start..end]` is a name followed by its call's `(`.
fn is_called_name(code: &str, start: usize, end: usize) -> bool {
    let Some(name) = code.get(start..end) else {
        return false;
    };
    let is_name = name.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    is_name && code[end..].starts_with('(')
}

/// The spans rustc marks as of the `expected` type beside the primary
/// one: the earlier arms of a `match` whose arms differ.
fn earlier_branches(value: &serde_json::Value, code: &str, expected: &str) -> Vec<(usize, usize)> {
    spans(value)
        .filter(|s| s["is_primary"] != true)
        .filter(|s| quoted(s["label"].as_str().unwrap_or_default()) == [expected])
        .filter_map(|s| in_code(s, code))
        .collect()
}

#[cfg(test)]
impl CandidateError {
    /// An error as rustc gives it, `text` as "CODE: message (label)" with
    /// notes after ` | ` ("E0277: … | the trait `Sum<&u32>` is not
    /// implemented"), its span `start..end` of the candidate's code.
    pub(crate) fn example(text: &str, start: usize, end: usize) -> CandidateError {
        let (code, text) = text.split_once(": ").expect("CODE: message");
        let mut parts = text.split(" | ");
        let head = parts.next().unwrap_or_default();
        let (message, label) = split_label(head);
        CandidateError {
            code: code.to_string(),
            quotes: quoted(message),
            label: quoted(label),
            notes: parts.flat_map(quoted).collect(),
            start,
            end,
            ..CandidateError::default()
        }
    }
}

/// "message (label)" split at the first ` (` outside backticks.
#[cfg(test)]
fn split_label(text: &str) -> (&str, &str) {
    let mut in_quote = false;
    for (i, c) in text.char_indices() {
        match c {
            '`' => in_quote = !in_quote,
            ' ' if !in_quote && text[i..].starts_with(" (") && text.ends_with(')') => {
                return (&text[..i], &text[i + 2..text.len() - 1]);
            }
            _ => {}
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fragments_are_read_in_order() {
        assert_eq!(
            quoted("cannot borrow `*xs` as mutable, as it is behind a `&` reference"),
            ["*xs", "&"]
        );
        assert!(quoted("mismatched types").is_empty());
    }

    #[test]
    fn a_method_argument_of_the_wrong_type_is_read_as_data() {
        let code = "pub fn f(s: &str) -> String { let mut o = String::new(); o.push(s); o }";
        let at = |text: &str| FILE_PREFIX.len() + code.find(text).unwrap();
        let json = serde_json::json!({
            "level": "error", "message": "xx", "code": { "code": "E0308" },
            "spans": [
                { "file_name": "candidate0.rs", "is_primary": true, "label": "xx `char` xx `&str`",
                  "byte_start": at("s);"), "byte_end": at("s);") + 1 },
                { "file_name": "candidate0.rs", "is_primary": false, "label": "xx",
                  "byte_start": at("push"), "byte_end": at("push") + 4 },
            ],
            "children": [{ "level": "note", "message": "xx",
                           "spans": [{ "file_name": "/rustc/library/alloc/src/string.rs" }] }],
        })
        .to_string();
        let errors = candidate_errors(&json, code);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].mismatch(), Some(("char", "&str")));
        let method = errors[0].method.as_ref().unwrap();
        assert_eq!(&code[method.start..method.end], "push");
        assert!(method.home.ends_with("/string.rs"));
    }

    #[test]
    fn test_errors_split_message_label_and_notes() {
        let e = CandidateError::example(
            "E0277: a value of type `u64` cannot be made by summing (value of type `u64`) | the trait `Sum<&u32>` is not implemented for `u64`",
            0,
            1,
        );
        assert_eq!(e.quotes, ["u64"]);
        assert_eq!(e.label, ["u64"]);
        assert!(e.names_trait("Sum") && !e.names_trait("FromIterator"));
        let qualified = CandidateError::example("E0277: x | `std::slice::SliceIndex<str>`", 0, 1);
        assert!(qualified.names_trait("SliceIndex") && !qualified.names_trait("Index"));
    }
}
