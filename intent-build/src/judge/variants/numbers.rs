//! Rewrites for numbers of two kinds in one expression: an integer beside
//! a float in arithmetic, floats sorted or compared as if totally ordered,
//! a float raised with the integers' `pow`.

use super::source::{closing_paren, expression_end, expression_start, fixed, operand};
use crate::judge::gates::diagnostics::Edit;
use crate::judge::gates::errors::{code as rustc, CandidateError};
use crate::report::Fix;

/// `t` as a type to cast to: an unsuffixed float literal is an `f64`.
fn concrete(t: &str) -> &str {
    if t == "{float}" {
        "f64"
    } else {
        t
    }
}

/// The number types rustc names in an operator's message (`{float}` is an
/// unsuffixed literal).
const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    "f32", "f64", "{float}", "{integer}",
];

/// The rewrite of this module for `error`, if it is one of theirs.
///
/// An operator without an implementation for its operands is an `E0277`
/// whose label quotes the operation alone (`f64 / usize`); a float without
/// `Ord`, an `E0277` quoting the bound (`f64: Ord`); a float's `pow`, an
/// `E0599` quoting the method and the type.
pub(super) fn rewrite(code: &str, error: &CandidateError) -> Option<Edit> {
    let floats = ["f32", "f64", "{float}"];
    if error.is(rustc::UNIMPLEMENTED) {
        if let [used] = error.label.as_slice() {
            if used.split(' ').count() == 3 {
                return operand_cast(code, error, used);
            }
        }
        let bound = error.quotes.first()?;
        if bound.starts_with("f64: ") || bound.starts_with("f32: ") {
            return total_order(code, error);
        }
    }
    match error.quotes.as_slice() {
        [method, on] if error.is(rustc::NO_METHOD) && method == "pow" && floats.contains(&on.as_str()) => {
            float_pow(code, error)
        }
        _ => None,
    }
}

/// `a / n` with `a: f64`, `n: usize` (rustc: "no implementation for
/// `f64 / usize`", its span the operator) as `a / (n as f64)`: the
/// operand that is not of the wanted type cast to it. The wanted type is
/// the float one, else the left one's. Both operands are postfix
/// expressions (`v.len()`), which `as` needs no parentheses around.
fn operand_cast(code: &str, error: &CandidateError, used: &str) -> Option<Edit> {
    let mut parts = used.split(' ');
    let (left, _, right) = (parts.next()?, parts.next()?, parts.next()?);
    let (left, right) = (left.trim_start_matches('&'), right.trim_start_matches('&'));
    if !NUMBERS.contains(&left) || !NUMBERS.contains(&right) || left == right {
        return None;
    }
    let float = |t: &str| t.starts_with('f') || t == "{float}";
    if float(left) || !float(right) {
        let after = code.get(error.end..)?;
        let start = error.end + (after.len() - after.trim_start().len());
        let end = expression_end(code, start)?;
        let text = format!("({} as {})", code.get(start..end)?, concrete(left));
        return fixed(start, end, text, Fix::OperandCast);
    }
    let end = code.get(..error.start)?.trim_end().len();
    let start = expression_start(code, end)?;
    let text = format!("({} as {})", code.get(start..end)?, concrete(right));
    fixed(start, end, text, Fix::OperandCast)
}

/// `v.sort()`, `it.max()` and `it.min()` over floats, which lack `Ord`,
/// by their total order: `sort_by(|a, b| a.total_cmp(b))`. Not
/// `partial_cmp(b).unwrap()`, which panics on a NaN that a spec promising
/// never to panic is judged on.
fn total_order(code: &str, error: &CandidateError) -> Option<Edit> {
    let method = code.get(error.start..error.end)?;
    let by = match method {
        "sort" | "sort_unstable" | "max" | "min" => format!("{method}_by"),
        _ => return None,
    };
    if !code.get(error.end..)?.starts_with("()") {
        return None;
    }
    fixed(
        error.start,
        error.end + 2,
        format!("{by}(|a, b| a.total_cmp(b))"),
        Fix::TotalOrder,
    )
}

/// `x.pow(n)` on a float, which has no `pow`, as `x.powi(n as i32)`.
fn float_pow(code: &str, error: &CandidateError) -> Option<Edit> {
    let after = code.get(error.end..)?;
    let args_end = error.end + closing_paren(after)?;
    let argument = code.get(error.end + 1..args_end - 1)?.trim();
    if argument.is_empty() || argument.contains(',') {
        return None;
    }
    let text = format!("powi({} as i32)", operand(argument));
    fixed(error.start, args_end, text, Fix::FloatPow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: &str, at: &str, message: &str) -> CandidateError {
        let start = code.rfind(at).unwrap();
        CandidateError::example(message, start, start + at.len())
    }

    fn mended(code: &str, at: &str, message: &str) -> Option<String> {
        let edit = rewrite(code, &error(code, at, message))?;
        Some(format!("{}{}{}", &code[..edit.start], edit.text, &code[edit.end..]))
    }

    #[test]
    fn an_integer_beside_a_float_is_cast_to_the_float() {
        let message = |used: &str| format!("E0277: cannot divide (no implementation for `{used}`)");
        let code = "fn f(v: &[f64]) -> f64 { v.iter().sum::<f64>() / v.len() }";
        assert_eq!(
            mended(code, "/", &message("f64 / usize")).unwrap(),
            "fn f(v: &[f64]) -> f64 { v.iter().sum::<f64>() / (v.len() as f64) }"
        );
        // The integer on the left, the float a literal.
        let code = "fn f(n: usize) -> f64 { n * 2.5 }";
        assert_eq!(
            mended(code, "*", &message("usize * {float}")).unwrap(),
            "fn f(n: usize) -> f64 { (n as f64) * 2.5 }"
        );
        // Two integers: the right one takes the left one's type.
        let code = "fn f(a: u32, n: usize) -> u32 { a + n }";
        assert_eq!(
            mended(code, "+", &message("u32 + usize")).unwrap(),
            "fn f(a: u32, n: usize) -> u32 { a + (n as u32) }"
        );
        // Not numbers: not this rewrite.
        assert!(mended(code, "+", &message("String + usize")).is_none());
    }

    #[test]
    fn floats_are_sorted_and_compared_by_their_total_order() {
        let message = "E0277: the trait bound `f64: Ord` is not satisfied (the trait `Ord` is not implemented for `f64`)";
        let code = "fn f(mut v: Vec<f64>) -> f64 { v.sort(); *v.iter().max().unwrap() }";
        assert_eq!(
            mended(code, "sort", message).unwrap(),
            "fn f(mut v: Vec<f64>) -> f64 { v.sort_by(|a, b| a.total_cmp(b)); *v.iter().max().unwrap() }"
        );
        assert_eq!(
            mended(code, "max", message).unwrap(),
            "fn f(mut v: Vec<f64>) -> f64 { v.sort(); *v.iter().max_by(|a, b| a.total_cmp(b)).unwrap() }"
        );
        let code = "fn f(v: Vec<f64>) -> Vec<f64> { v.sort_by_key(|x| x) }";
        assert!(mended(code, "sort_by_key", message).is_none());
    }

    #[test]
    fn a_float_raised_to_an_integer_uses_powi() {
        let message = "E0599: no method named `pow` found for type `f64` in the current scope";
        let code = "fn f(x: f64, n: u32) -> f64 { x.pow(n - 1) }";
        assert_eq!(
            mended(code, "pow", message).unwrap(),
            "fn f(x: f64, n: u32) -> f64 { x.powi((n - 1) as i32) }"
        );
    }
}
