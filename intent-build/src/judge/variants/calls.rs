//! A method called as a free function of a std module: `cmp::clamp(t, 0.0,
//! 1.0)` after `use std::cmp;`, `f64::round(x)` through a module that has
//! no such function. rustc finds no function there and suggests none.

use super::source::{closing_paren, fixed, receiver};
use crate::judge::gates::diagnostics::Edit;
use crate::report::Fix;

/// `module::name(first, rest…)` as `first.name(rest…)`, for a name not
/// found in a module (`E0425` quoting `name` and `module`) whose span is
/// `name`. The gates judge whether the method exists on `first`'s type.
pub(super) fn method_call(code: &str, name: &str, module: &str, start: usize, end: usize) -> Option<Edit> {
    if code.get(start..end)? != name {
        return None;
    }
    let path_start = path_start(code, start);
    let path = code.get(path_start..start)?;
    if !path.ends_with(&format!("{module}::")) {
        return None;
    }
    let after = code.get(end..)?;
    if !after.starts_with('(') {
        return None;
    }
    let close = end + closing_paren(after)?;
    let args = code.get(end + 1..close - 1)?;
    let (first, others) = match first_argument(args) {
        Some((first, others)) => (first, others.trim()),
        None => (args, ""),
    };
    let first = first.trim();
    if first.is_empty() {
        return None;
    }
    fixed(
        path_start,
        close,
        format!("{}.{name}({others})", receiver(first)),
        Fix::MethodCall,
    )
}

/// Where the path ending at `end` (`std::cmp::`) starts.
fn path_start(code: &str, end: usize) -> usize {
    let before = &code[..end];
    let kept = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    kept.len()
}

/// `args` split at its first comma outside brackets and quotes.
fn first_argument(args: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut quoted = None;
    let mut escaped = false;
    for (i, c) in args.char_indices() {
        if let Some(q) = quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quoted = None;
            }
            continue;
        }
        match c {
            '"' => quoted = Some('"'),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some((&args[..i], &args[i + 1..])),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(code: &str, message: &str) -> Option<String> {
        let [name, module] = <[String; 2]>::try_from(crate::judge::gates::errors::quoted(message)).unwrap();
        let start = code.find(&format!("{name}(")).unwrap();
        let edit = method_call(code, &name, &module, start, start + name.len())?;
        super::super::apply(code, vec![edit])
    }

    #[test]
    fn a_method_called_through_a_module_is_called_on_its_first_argument() {
        let message = "cannot find function `clamp` in module `cmp`";
        let code = "use std::cmp;\npub fn f(a: f64, t: f64) -> f64 { a * cmp::clamp(t, 0.0, 1.0) }";
        assert_eq!(
            one(code, message).unwrap(),
            "use std::cmp;\npub fn f(a: f64, t: f64) -> f64 { a * t.clamp(0.0, 1.0) }"
        );
        let message = "cannot find function `round` in module `cmp`";
        let code = "pub fn g(n: usize, k: usize) -> f64 { std::cmp::round((n as f64) / k as f64) }";
        assert_eq!(
            one(code, message).unwrap(),
            "pub fn g(n: usize, k: usize) -> f64 { ((n as f64) / k as f64).round() }"
        );
        // Another module than the path's, or nothing to call it on.
        assert!(one(code, "cannot find function `round` in module `mem`").is_none());
        assert!(one("fn h() -> u32 { cmp::zero() }", "cannot find function `zero` in module `cmp`").is_none());
    }

    #[test]
    fn the_first_argument_ends_at_a_comma_outside_brackets_and_quotes() {
        assert_eq!(first_argument("f(a, b), c"), Some(("f(a, b)", " c")));
        assert_eq!(first_argument("\"a, b\", c"), Some(("\"a, b\"", " c")));
        assert_eq!(first_argument("x"), None);
    }
}
