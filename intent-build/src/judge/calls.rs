//! Calls written by someone other than the gates — a crate's own tests
//! (adopt) or the model's checks drawn from a description — made into
//! inputs the behaviour harness runs: which argument expressions stand
//! alone, how a call is written canonically, and how each argument is
//! built as its parameter's owned value.

use syn::punctuated::Punctuated;
use syn::visit::Visit;

use super::inputs::{Input, Pass, Plan};

/// Whether `expr` stands alone: no local variable, closure or macro other
/// than `vec!`.
pub(crate) fn closed(expr: &syn::Expr) -> bool {
    let mut check = Closed(true);
    check.visit_expr(expr);
    check.0
}

struct Closed(bool);

impl<'ast> Visit<'ast> for Closed {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        // `x` is a local; `None`, `i32::MAX` and `String::new` are not.
        let local = p.path.segments.len() == 1
            && p.qself.is_none()
            && p.path.segments[0].ident.to_string().starts_with(|c: char| c.is_lowercase() || c == '_');
        if local {
            self.0 = false;
        }
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
        self.0 = false;
    }

    fn visit_expr_block(&mut self, _: &'ast syn::ExprBlock) {
        self.0 = false;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let elements = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
        match elements {
            Ok(elements) if mac.path.is_ident("vec") => elements.iter().for_each(|e| self.visit_expr(e)),
            _ => self.0 = false,
        }
    }
}

/// Whether `expr` is a plain value a model may write in a check: literals,
/// `vec![…]`, arrays, tuples, struct literals, arithmetic, the variants
/// `Some`/`None`/`Ok`/`Err` and the prelude's types, constants such as
/// `i32::MAX`, and the conversions `String::from`, `.to_string()`,
/// `.to_owned()`, `.to_vec()`, `.into()`. Nothing else is called, so a
/// check's values cannot reach outside the process even before the
/// sandbox stops them (the policy gate judges only candidates' code).
pub(crate) fn plain_value(expr: &syn::Expr) -> bool {
    use syn::Expr;
    match expr {
        Expr::Lit(_) => true,
        Expr::Paren(e) => plain_value(&e.expr),
        Expr::Group(e) => plain_value(&e.expr),
        Expr::Reference(e) => plain_value(&e.expr),
        Expr::Unary(e) => plain_value(&e.expr),
        Expr::Binary(e) => plain_value(&e.left) && plain_value(&e.right),
        Expr::Array(e) => e.elems.iter().all(plain_value),
        Expr::Tuple(e) => e.elems.iter().all(plain_value),
        Expr::Repeat(e) => plain_value(&e.expr) && matches!(&*e.len, Expr::Lit(_)),
        Expr::Cast(e) => plain_value(&e.expr),
        Expr::Struct(e) => e.rest.is_none() && e.fields.iter().all(|f| plain_value(&f.expr)),
        Expr::Path(p) => p.qself.is_none() && plain_path(&p.path),
        Expr::Call(c) => {
            let Expr::Path(f) = &*c.func else { return false };
            f.qself.is_none() && plain_constructor(&f.path) && c.args.iter().all(plain_value)
        }
        Expr::MethodCall(m) => {
            const CONVERSIONS: [&str; 4] = ["to_string", "to_owned", "to_vec", "into"];
            m.args.is_empty() && m.turbofish.is_none()
                && CONVERSIONS.contains(&m.method.to_string().as_str())
                && plain_value(&m.receiver)
        }
        Expr::Macro(m) => {
            let elements = m.mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
            m.mac.path.is_ident("vec") && elements.is_ok_and(|e| e.iter().all(plain_value))
        }
        _ => false,
    }
}

/// `None`, `i32::MAX`, `Colour::Red`: a capitalised name or a constant of a type.
fn plain_path(path: &syn::Path) -> bool {
    plain_name(path, false)
}

/// `Some`, `Ok`, `Err`, a tuple struct or variant of the prelude, and
/// `String::from` / `Vec::from`: calls that only build a value.
fn plain_constructor(path: &syn::Path) -> bool {
    plain_name(path, true)
}

/// A capitalised name, or a type's capitalised item (a constant, a
/// variant); with `calls`, also `String::from` and `Vec::from`, and a
/// primitive's items only without.
fn plain_name(path: &syn::Path, calls: bool) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let capital = |s: &String| s.starts_with(|c: char| c.is_ascii_uppercase());
    match names.as_slice() {
        [one] => capital(one),
        [ty, item] if calls => capital(ty) && (capital(item) || (item == "from" && (ty == "String" || ty == "Vec"))),
        [ty, item] => (capital(ty) || is_primitive(ty)) && capital(item),
        _ => false,
    }
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "f32" | "f64" | "char"
    )
}

/// `expr` as rustfmt would write it.
pub(crate) fn expression_text(expr: &syn::Expr) -> String {
    let file: syn::File = syn::parse_quote!(fn f() { let _ = #expr; });
    let text = prettyplease::unparse(&file);
    let start = text.find("let _ = ").map_or(0, |i| i + "let _ = ".len());
    let end = text.rfind(';').unwrap_or(text.len());
    let inner = &text[start..end.max(start)];
    inner.lines().map(str::trim).collect::<Vec<_>>().join(" ").replace("[ ", "[").replace(" ]", "]")
}

/// The harness inputs for calls of `name` with `calls`' arguments: each
/// value built as the parameter's owned type (`"a"` for `&str` becomes
/// its `String`).
pub(crate) fn inputs(plan: &Plan, name: &str, calls: &[Vec<String>]) -> Vec<Input> {
    calls
        .iter()
        .filter(|args| args.len() == plan.params.len())
        .map(|args| Input {
            values: plan
                .params
                .iter()
                .zip(args)
                .map(|(param, arg)| match param.pass {
                    Pass::Ref | Pass::RefMut => format!(
                        "{{ let v: {} = {arg}; ::std::borrow::ToOwned::to_owned(v) }}",
                        without_lifetime(&param.ty)
                    ),
                    Pass::Value => arg.clone(),
                })
                .collect(),
            call: format!("{name}({})", args.join(", ")),
        })
        .collect()
}

/// `&'a str` as `&str`: a `let` in the harness names no lifetimes.
fn without_lifetime(ty: &str) -> String {
    match ty.strip_prefix("&'") {
        Some(rest) => format!("&{}", rest.split_once(' ').map_or("", |(_, t)| t)),
        None => ty.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_parameters_are_built_owned() {
        assert_eq!(without_lifetime("&'a str"), "&str");
        assert_eq!(without_lifetime("&[u8]"), "&[u8]");
    }

    #[test]
    fn plain_values_build_data_and_call_nothing_else() {
        let plain = [
            "None", "Some(\"MMMM\".to_string())", "vec![1, -2, 3]", "&[1u8, 2]", "i32::MAX", "(1, 'a')",
            "String::from(\"x\")", "Ok(2.5)", "-3", "\"a b\"", "[0; 4]", "P { x: 1 }",
        ];
        for text in plain {
            assert!(plain_value(&syn::parse_str(text).unwrap()), "{text}");
        }
        let called = [
            "std::fs::remove_file(\"x\")", "std::process::exit(1)", "{ 1 }", "x", "f(1)", "\"a\".repeat(3)",
            "loop {}", "|| 1", "format!(\"{}\", 1)", "Vec::with_capacity(1 << 40)",
        ];
        for text in called {
            assert!(!plain_value(&syn::parse_str(text).unwrap()), "{text}");
        }
    }
}
