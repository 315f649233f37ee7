//! The function to adopt, as its source file holds it: where it is, what
//! keeps it from being an intent, and the spec fields its text gives
//! (signature, description, prelude, code).

use std::ops::Range;
use std::path::Path;

use syn::spanned::Spanned;

/// A free function of a source file that can become an intent.
#[derive(Debug, Clone)]
pub(super) struct Function {
    /// Its name.
    pub name: String,
    /// Its signature as the spec writes it; a private function is
    /// `pub(crate)`, so the crate still reaches it where intents live.
    pub signature: String,
    /// Its doc comment, without the `///` and the one space after it;
    /// empty when it has none.
    pub doc: String,
    /// Its code: attributes other than docs, the signature and the body,
    /// as written, with `\n` line endings.
    pub code: String,
    /// Its visibility as written (`pub`, `pub(crate)`, or empty).
    pub visibility: String,
    /// The bytes of the file it spans, doc comment included.
    pub span: Range<usize>,
    /// The number of parameters.
    pub arity: usize,
}

/// Why a function cannot be adopted, with what would work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unfit {
    /// The line of the function (1-based), 0 when it was not found.
    pub line: usize,
    /// The column (1-based).
    pub column: usize,
    /// What keeps it out.
    pub why: String,
    /// What would work.
    pub help: String,
}

/// The file's syntax tree, or its parse error with where it is.
pub(super) fn parse(text: &str) -> Result<syn::File, Unfit> {
    syn::parse_file(text).map_err(|e| {
        let at = e.span().start();
        Unfit {
            line: at.line,
            column: at.column + 1,
            why: format!("the file does not parse: {e}"),
            help: "fix the file so that `cargo build` accepts it".into(),
        }
    })
}

/// The free functions of `file` (top level, not in `mod` blocks), by name.
pub(super) fn free_functions(file: &syn::File) -> Vec<&syn::ItemFn> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// Function `name` of `file` (whose text is `text`), checked for adoption.
pub(super) fn find(file: &syn::File, text: &str, name: &str) -> Result<Function, Unfit> {
    if let Some(f) = free_functions(file).into_iter().find(|f| f.sig.ident == name) {
        return function(f, text);
    }
    if let Some(method) = method_named(file, name) {
        let at = method.span().start();
        return Err(Unfit {
            line: at.line,
            column: at.column + 1,
            why: format!("`{name}` is a method: an intent is a free function"),
            help: format!("write a free function `{name}` the method calls, and adopt that"),
        });
    }
    Err(Unfit {
        line: 0,
        column: 0,
        why: format!("no free function `{name}` at the top level of the file"),
        help: "name a `fn` of the file outside `impl` and `mod` blocks".into(),
    })
}

/// A method called `name` in one of the file's `impl` blocks.
fn method_named<'f>(file: &'f syn::File, name: &str) -> Option<&'f syn::ImplItemFn> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Impl(block) => block.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        }),
        _ => None,
    })
}

/// `f` as an intent's fields, or why it cannot be one.
pub(super) fn function(f: &syn::ItemFn, text: &str) -> Result<Function, Unfit> {
    check_fit(f)?;
    let offsets = Offsets::of(text);
    let docs: Vec<&syn::Attribute> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
    // The item's own tokens start at its visibility, else its signature.
    let own = match &f.vis {
        syn::Visibility::Inherited => f.sig.span().start(),
        vis => vis.span().start(),
    };
    let start = f.attrs.first().map_or(own, |a| a.span().start());
    let code_start = f
        .attrs
        .iter()
        .find(|a| !a.path().is_ident("doc"))
        .map_or(own, |a| a.span().start());
    let code_start = offsets.at(code_start);
    let end = offsets.at(f.block.span().end());
    let visibility = visibility(&f.vis);
    let mut code = text[code_start..end].trim_end().replace("\r\n", "\n");
    if visibility.is_empty() {
        let own = offsets.at(own) - code_start;
        // Offsets in the text count the `\r`s the code no longer has.
        let own = own - text[code_start..code_start + own].matches("\r\n").count();
        code.insert_str(own, "pub(crate) ");
    }
    let shown = if visibility.is_empty() { "pub(crate)" } else { visibility.as_str() };
    Ok(Function {
        name: f.sig.ident.to_string(),
        signature: format!("{shown} {}", signature_text(&f.sig)),
        doc: doc_text(&docs),
        code,
        visibility,
        span: offsets.at(start)..end,
        arity: f.sig.inputs.len(),
    })
}

/// What keeps `f` from being an intent: generics, `async`, `unsafe`, an
/// `extern` ABI, `impl Trait` or `&mut` parameters.
fn check_fit(f: &syn::ItemFn) -> Result<(), Unfit> {
    let sig = &f.sig;
    let at = sig.ident.span().start();
    let unfit = |why: String, help: &str| Unfit {
        line: at.line,
        column: at.column + 1,
        why,
        help: help.to_string(),
    };
    let name = &sig.ident;
    let generic = sig.generics.params.iter().any(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
    if generic || sig.generics.where_clause.is_some() {
        return Err(unfit(
            format!("`{name}` is generic: a spec's signature names concrete types"),
            "write a function over the concrete types the crate calls it with, and adopt that",
        ));
    }
    if sig.asyncness.is_some() {
        return Err(unfit(format!("`{name}` is `async`"), "adopt the synchronous function it awaits, if there is one"));
    }
    if sig.unsafety.is_some() || sig.abi.is_some() {
        return Err(unfit(
            format!("`{name}` is `unsafe` or `extern`: the gates judge safe Rust"),
            "keep it as it is, outside intents",
        ));
    }
    for input in &sig.inputs {
        let syn::FnArg::Typed(arg) = input else { continue };
        let ty = quote::ToTokens::to_token_stream(&arg.ty).to_string();
        if ty.contains("impl ") {
            return Err(unfit(
                format!("`{name}` takes `{ty}`: a spec's signature names concrete types"),
                "give the parameter a concrete type",
            ));
        }
        if let syn::Type::Reference(r) = &*arg.ty {
            if r.mutability.is_some() {
                return Err(unfit(
                    format!("`{name}` takes `{ty}`: an example says what a call returns, not what it changes"),
                    "return the new value instead of changing the argument, and adopt that",
                ));
            }
        }
    }
    Ok(())
}

/// The signature's text, without visibility: `fn f(a: &str) -> String`.
fn signature_text(sig: &syn::Signature) -> String {
    let item = syn::ItemFn {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig: sig.clone(),
        block: Box::new(syn::parse_quote!({})),
    };
    let text = prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![syn::Item::Fn(item)],
    });
    let text = text.trim_end();
    let text = text.strip_suffix("{}").unwrap_or(text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pub`, `pub(crate)`, … as written; empty for a private item.
fn visibility(vis: &syn::Visibility) -> String {
    match vis {
        syn::Visibility::Inherited => String::new(),
        vis => quote::ToTokens::to_token_stream(vis)
            .to_string()
            .replace(" (", "(")
            .replace("( ", "(")
            .replace(" )", ")"),
    }
}

/// The doc comment's text: one line per `///` line, the space after `///`
/// removed and nothing else (trailing spaces are Markdown hard breaks).
fn doc_text(docs: &[&syn::Attribute]) -> String {
    let lines: Vec<String> = docs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(&line);
            line.strip_prefix(' ').unwrap_or(line).to_string()
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// The `use` items of `file` a function may rely on: those of `std`,
/// `core` and `alloc`, and of the crates in `crates`, as written.
pub(super) fn uses(file: &syn::File, crates: &[String]) -> (Vec<String>, Vec<String>) {
    let mut kept = Vec::new();
    let mut named = Vec::new();
    for item in &file.items {
        let syn::Item::Use(u) = item else { continue };
        let root = match &u.tree {
            syn::UseTree::Path(p) => p.ident.to_string(),
            _ => continue,
        };
        let is_std = ["std", "core", "alloc"].contains(&root.as_str());
        if !is_std && !crates.contains(&root) {
            continue;
        }
        if !is_std && !named.contains(&root) {
            named.push(root);
        }
        let mut u = u.clone();
        u.attrs.clear();
        u.vis = syn::Visibility::Inherited;
        kept.push(quote::ToTokens::to_token_stream(&u).to_string());
    }
    let kept = kept
        .iter()
        .map(|u| prettyplease::unparse(&syn::parse_file(u).expect("a `use` item re-parses")).trim().to_string())
        .collect();
    (kept, named)
}

/// The single-segment names `f`'s body calls (`helper(x)`), which may be
/// other intents of the crate.
pub(super) fn called_names(code: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(code) else {
        return Vec::new();
    };
    free_functions(&file).into_iter().flat_map(calls_of).collect()
}

/// The single-segment names `f`'s body calls, each once.
pub(super) fn calls_of(f: &syn::ItemFn) -> Vec<String> {
    let mut names = Vec::new();
    collect_calls(&quote::ToTokens::to_token_stream(&f.block), &mut names);
    names
}

/// Idents directly followed by a parenthesised group, in `tokens`.
fn collect_calls(tokens: &proc_macro2::TokenStream, names: &mut Vec<String>) {
    let tokens: Vec<proc_macro2::TokenTree> = tokens.clone().into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                let called = matches!(tokens.get(i + 1), Some(proc_macro2::TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis);
                let after_path = i > 0 && matches!(&tokens[i - 1], proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' || p.as_char() == '.');
                let name = ident.to_string();
                if called && !after_path && !names.contains(&name) {
                    names.push(name);
                }
            }
            proc_macro2::TokenTree::Group(g) => collect_calls(&g.stream(), names),
            _ => {}
        }
    }
}

/// Byte offsets of a text's line starts, for turning the (line, column)
/// of a span into a byte offset. Columns count chars, as proc-macro2 does.
struct Offsets<'t> {
    text: &'t str,
    lines: Vec<usize>,
}

impl<'t> Offsets<'t> {
    fn of(text: &'t str) -> Offsets<'t> {
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Offsets { text, lines }
    }

    /// The byte offset of `at`.
    fn at(&self, at: proc_macro2::LineColumn) -> usize {
        let start = self.lines.get(at.line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let line = &self.text[start..];
        start + line.char_indices().nth(at.column).map_or(line.len(), |(i, _)| i)
    }
}

/// Where `path` is relative to `root`, as errors and specs name it.
pub(super) fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "use std::collections::HashMap;\nuse crate::other::Thing;\n\n/// Snake case.\n///\n/// More.\n#[inline]\npub fn snake(input: &str) -> String {\n    helper(input).to_lowercase()\n}\n\nfn private(n: u32) -> u32 { n + 1 }\n\npub fn generic<T: Clone>(t: T) -> T { t }\n\nstruct S;\nimpl S {\n    pub fn method(&self) {}\n}\n";

    #[test]
    fn a_function_gives_its_signature_doc_code_and_span() {
        let file = parse(FILE).unwrap();
        let f = find(&file, FILE, "snake").unwrap();
        assert_eq!(f.signature, "pub fn snake(input: &str) -> String");
        assert_eq!(f.doc, "Snake case.\n\nMore.");
        assert!(f.code.starts_with("#[inline]\npub fn snake("), "{}", f.code);
        assert!(f.code.ends_with("to_lowercase()\n}"), "{}", f.code);
        assert!(FILE[f.span.clone()].starts_with("/// Snake case."));
        assert!(FILE[f.span.clone()].ends_with('}'));
        assert_eq!(called_names(&f.code), ["helper"]);
        let p = find(&file, FILE, "private").unwrap();
        assert_eq!(p.signature, "pub(crate) fn private(n: u32) -> u32");
        assert_eq!(p.code, "pub(crate) fn private(n: u32) -> u32 { n + 1 }");
        assert_eq!(p.visibility, "");
    }

    #[test]
    fn what_cannot_be_adopted_says_why_and_where() {
        let file = parse(FILE).unwrap();
        let generic = find(&file, FILE, "generic").unwrap_err();
        assert!(generic.why.contains("generic"), "{generic:?}");
        assert_eq!(generic.line, 14);
        let method = find(&file, FILE, "method").unwrap_err();
        assert!(method.why.contains("is a method"), "{method:?}");
        assert_eq!(method.line, 18);
        assert!(find(&file, FILE, "missing").unwrap_err().why.contains("no free function"));
    }

    #[test]
    fn only_uses_of_std_and_named_crates_are_kept() {
        let file = parse(FILE).unwrap();
        let (kept, named) = uses(&file, &[]);
        assert_eq!(kept, ["use std::collections::HashMap;"]);
        assert!(named.is_empty());
    }
}
