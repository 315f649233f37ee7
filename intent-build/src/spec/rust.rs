//! Parsing and normalising the Rust fragments a spec contains.
//!
//! Each fragment has two normal forms: a *pretty* one (rustfmt-like, from
//! `prettyplease`) that is stored in [`Spec`](super::Spec) and shown to models
//! and people, and a *canonical* one (the token stream's text) that goes into
//! the spec hash. Tokens ignore layout and comments, and do not change when
//! `prettyplease` changes its formatting.

use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};

/// A function signature with its visibility, e.g. `pub fn f(x: i32) -> i32`.
pub(crate) struct FnSignature {
    pub vis: syn::Visibility,
    pub sig: syn::Signature,
}

impl Parse for FnSignature {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let vis: syn::Visibility = input.parse()?;
        let sig: syn::Signature = input.parse()?;
        if input.peek(syn::token::Brace) {
            return Err(input.error("a signature has no body; remove `{ ... }`"));
        }
        if input.peek(syn::Token![;]) {
            let _: syn::Token![;] = input.parse()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the signature"));
        }
        Ok(FnSignature { vis, sig })
    }
}

impl FnSignature {
    fn as_item(&self) -> syn::ItemFn {
        syn::ItemFn {
            attrs: Vec::new(),
            vis: self.vis.clone(),
            sig: self.sig.clone(),
            block: Box::new(syn::parse_quote!({})),
        }
    }

    /// The signature as rustfmt would lay it out, without a body.
    pub fn pretty(&self) -> String {
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![syn::Item::Fn(self.as_item())],
        };
        let text = prettyplease::unparse(&file);
        text.trim_end()
            .trim_end_matches("{}")
            .trim_end()
            .to_string()
    }
}

/// Parses a signature.
pub(crate) fn parse_signature(text: &str) -> syn::Result<FnSignature> {
    syn::parse_str(text)
}

/// Parses a block of items (a prelude).
pub(crate) fn parse_items(text: &str) -> syn::Result<syn::File> {
    syn::parse_str(text)
}

/// Parses an expression.
pub(crate) fn parse_expr(text: &str) -> syn::Result<syn::Expr> {
    syn::parse_str(text)
}

/// Parses a sequence of statements (a spec's extra tests).
pub(crate) fn parse_stmts(text: &str) -> syn::Result<Vec<syn::Stmt>> {
    syn::Block::parse_within.parse_str(text)
}

/// Canonical text of anything that has tokens.
pub(crate) fn canonical(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

/// A type as a person writes it (`HashSet<i32>`, not the canonical
/// `HashSet < i32 >`), for messages; hashes and comparisons keep
/// [`canonical`].
pub(crate) fn shown(ty: &syn::Type) -> String {
    let alias: syn::Item = syn::parse_quote!(type T = #ty;);
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![alias],
    };
    let text = prettyplease::unparse(&file);
    let one_line = text.trim_end().strip_prefix("type T = ").and_then(|t| t.strip_suffix(';'));
    match one_line {
        Some(ty) if !ty.contains('\n') => ty.to_string(),
        // Too long for one line: the canonical text, still one line.
        _ => canonical(ty),
    }
}

/// Canonical text of a statement list.
pub(crate) fn canonical_stmts(stmts: &[syn::Stmt]) -> String {
    let mut stream = proc_macro2::TokenStream::new();
    for stmt in stmts {
        stmt.to_tokens(&mut stream);
    }
    stream.to_string()
}

/// Pretty text of a prelude.
pub(crate) fn pretty_items(file: &syn::File) -> String {
    prettyplease::unparse(file).trim_end().to_string()
}

/// Pretty text of an expression.
pub(crate) fn pretty_expr(expr: &syn::Expr) -> String {
    let stmts = vec![syn::Stmt::Expr(expr.clone(), None)];
    pretty_stmts(&stmts)
}

/// Pretty text of statements: formatted as a function body, then dedented.
pub(crate) fn pretty_stmts(stmts: &[syn::Stmt]) -> String {
    if stmts.is_empty() {
        return String::new();
    }
    let item: syn::ItemFn = syn::ItemFn {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig: syn::parse_quote!(fn __intent_body()),
        block: Box::new(syn::Block {
            brace_token: Default::default(),
            stmts: stmts.to_vec(),
        }),
    };
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![syn::Item::Fn(item)],
    };
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    // First line is `fn __intent_body() {`, last is `}`.
    lines[1..lines.len().saturating_sub(1)]
        .iter()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `text` is a Rust identifier that can name a function.
pub(crate) fn is_identifier(text: &str) -> bool {
    syn::parse_str::<syn::Ident>(text).is_ok() && !text.starts_with("r#")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_shown_as_written() {
        let ty: syn::Type = syn::parse_str("std::collections::HashSet<  i32 >").unwrap();
        assert_eq!(canonical(&ty), "std :: collections :: HashSet < i32 >");
        assert_eq!(shown(&ty), "std::collections::HashSet<i32>");
        let ty: syn::Type = syn::parse_str("&mut [(u8, Option<&'static str>)]").unwrap();
        assert_eq!(shown(&ty), "&mut [(u8, Option<&'static str>)]");
    }

    #[test]
    fn pretty_signature_drops_the_body_and_normalises_spacing() {
        let sig = parse_signature("pub   fn f( x :i32 )->i32").unwrap();
        assert_eq!(sig.pretty(), "pub fn f(x: i32) -> i32");
    }

    #[test]
    fn signature_with_body_is_refused() {
        let err = parse_signature("fn f() {}").err().unwrap();
        assert!(err.to_string().contains("no body"), "{err}");
    }

    #[test]
    fn pretty_expr_is_rustfmt_like() {
        let expr = parse_expr("f( vec ! [1.0,2.0] ,0.5 )").unwrap();
        assert_eq!(pretty_expr(&expr), "f(vec![1.0, 2.0], 0.5)");
    }
}
