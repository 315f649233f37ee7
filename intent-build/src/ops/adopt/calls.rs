//! The calls a crate's own tests make of a function, with arguments that
//! stand alone (literals, `vec![…]`, `Some(…)`, `"a".to_string()`), read
//! from every `.rs` file under `src/` and `tests/` — inside `assert_eq!`
//! and its kin too. They are the readable first inputs an adopted
//! function's examples come from.

use std::path::Path;

use syn::punctuated::Punctuated;
use syn::visit::Visit;

use crate::judge::calls::{closed, expression_text};

/// Most test calls kept per function.
const MOST: usize = 40;

/// The argument lists (each argument as Rust source) of the calls of
/// `name` with `arity` arguments in the crate at `root`'s sources and
/// tests, first seen first, each once.
pub(super) fn test_calls(root: &Path, name: &str, arity: usize) -> Vec<Vec<String>> {
    let mut finder = Finder {
        name,
        arity,
        found: Vec::new(),
    };
    for dir in ["src", "tests"] {
        let files = walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"));
        for entry in files {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            if let Ok(file) = syn::parse_file(&text) {
                finder.visit_file(&file);
            }
        }
    }
    finder.found.truncate(MOST);
    finder.found
}

struct Finder<'n> {
    name: &'n str,
    arity: usize,
    found: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let named = p.path.segments.last().is_some_and(|s| s.ident == self.name);
            if named && call.args.len() == self.arity && call.args.iter().all(closed) {
                let args: Vec<String> = call.args.iter().map(expression_text).collect();
                if !self.found.contains(&args) {
                    self.found.push(args);
                }
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    /// `assert_eq!(f(1), 2)` and other macros whose arguments are
    /// expressions: their calls count too.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Ok(exprs) = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_with_literal_arguments_are_found_in_macros_and_tests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(
            dir.path().join("src/lib.rs"),
            "pub fn f(s: &str, n: usize) -> usize { n }\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() {\n        let s = \"x\";\n        assert_eq!(f(\"ab\", 2), 2);\n        let r = f(s, 1);\n        assert_eq!(crate::f(\"ab\", 2), 2);\n        f(&String::from(\"c\"), vec![1, 2].len());\n    }\n}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("tests/t.rs"), "#[test]\nfn u() { assert!(mycrate::f(\"z\", usize::MAX) > 0); }\n").unwrap();
        let calls = test_calls(dir.path(), "f", 2);
        assert_eq!(
            calls,
            [
                vec!["\"ab\"".to_string(), "2".into()],
                vec!["&String::from(\"c\")".into(), "vec![1, 2].len()".into()],
                vec!["\"z\"".into(), "usize::MAX".into()],
            ]
        );
    }
}
