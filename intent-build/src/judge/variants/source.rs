//! Reading a candidate's source and rustc's messages about it, for the
//! rewrites: where an expression starts and ends, what it operates on.

use crate::judge::gates::diagnostics::Edit;
use crate::report::Fix;

/// The integer types an index may wrongly have.
pub(super) const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
];

/// A rewrite replacing `start..end` with `text`.
pub(super) fn fixed(start: usize, end: usize, text: String, fix: Fix) -> Option<Edit> {
    Some(Edit {
        start,
        end,
        text,
        fix: Some(fix),
    })
}

/// The length of the balanced `( … )` that `text` starts with.
pub(super) fn closing_paren(text: &str) -> Option<usize> {
    closing(text, '(', ')')
}

/// Where the simple expression ending at `end` starts: a path of names,
/// fields, calls, indexes and macros (`s`, `self.name`, `line.trim()`,
/// `vec![1, 2].into_iter()`); `None` for anything else.
pub(super) fn expression_start(code: &str, end: usize) -> Option<usize> {
    let bytes = code.as_bytes();
    let mut at = end;
    while at > 0 {
        let c = bytes[at - 1];
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'!' {
            at -= 1;
        } else if c == b')' || c == b']' {
            // Skip a balanced call's arguments, an index, a `vec![…]`.
            let open = if c == b')' { b'(' } else { b'[' };
            let mut depth = 0;
            loop {
                at = at.checked_sub(1)?;
                match bytes[at] {
                    b if b == c => depth += 1,
                    b if b == open => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            break;
        }
    }
    let base = code.get(at..end)?;
    let starts_well = base
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well.then_some(at)
}

/// `expr` as the operand of `as`: bare when it is one name or literal.
pub(super) fn operand(expr: &str) -> String {
    let simple = expr
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if simple {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

/// Where the simple expression starting at `start` ends: a name, a number
/// literal, or a path of fields, calls and indexes (`n`, `2.0`,
/// `v.len()`, `xs[i].abs()`); `None` for anything else.
pub(super) fn expression_end(code: &str, start: usize) -> Option<usize> {
    let rest = code.get(start..)?;
    if !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let mut at = 0;
    while let Some(c) = rest[at..].chars().next() {
        if c.is_alphanumeric() || c == '_' || c == '.' || c == ':' {
            at += c.len_utf8();
        } else if c == '(' || c == '[' {
            at += closing(&rest[at..], c, if c == '(' { ')' } else { ']' })?;
        } else {
            break;
        }
    }
    // A trailing `.` is a range's or a method's start, not the operand's.
    let end = rest[..at].trim_end_matches('.').len();
    Some(start + end)
}

/// The length of the balanced `open … close` that `text` starts with.
fn closing(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// `expr` as the receiver of a method call: bare when it is a literal or
/// a postfix expression (`"&amp;"`, `c`, `v.len()`), else in parentheses.
pub(super) fn receiver(expr: &str) -> String {
    let quoted = |q: char| {
        expr.len() >= 2
            && expr.starts_with(q)
            && expr.ends_with(q)
            && !expr[1..expr.len() - 1].contains(q)
    };
    if quoted('"') || quoted('\'') || expression_end(expr, 0) == Some(expr.len()) {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}
