//! Getting the function out of whatever the model said.
//!
//! Models wrap code in prose, write several blocks, repeat the prelude, add a
//! `main` or tests, drop `pub`, or leave a `todo!()`. The spec's signature is
//! authoritative: the candidate keeps its body, parameter names and helper
//! items, takes the spec's visibility, and fails the parse gate when its types
//! cannot be reconciled with the spec's.

use proc_macro2::{Group, Ident, TokenTree};
use syn::visit::Visit;

use crate::spec::rust::{canonical, parse_items, parse_signature};
use crate::spec::Spec;

/// The code blocks of a reply, fenced ones first; the whole reply when there are none.
fn blocks(reply: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in reply.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            match current.take() {
                Some(lines) => blocks.push(lines.join("\n")),
                None => current = Some(Vec::new()),
            }
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some(lines) = current {
        // An unclosed fence (the model stopped at the closing ```).
        blocks.push(lines.join("\n"));
    }
    if blocks.is_empty() {
        blocks.push(strip_prose(reply));
    }
    blocks
}

/// For unfenced replies: drop leading lines until one that starts Rust code.
fn strip_prose(reply: &str) -> String {
    let starts_code = |l: &str| {
        let l = l.trim_start();
        [
            "pub ", "fn ", "use ", "#[", "///", "//", "impl ", "struct ", "enum ", "const ",
        ]
        .iter()
        .any(|p| l.starts_with(p))
    };
    let lines: Vec<&str> = reply.lines().collect();
    let start = lines.iter().position(|l| starts_code(l)).unwrap_or(0);
    let mut end = lines.len();
    // Trailing prose after the last closing brace.
    while end > start
        && !lines[end - 1].trim_end().ends_with('}')
        && !lines[end - 1].trim().is_empty()
    {
        end -= 1;
    }
    lines[start..end].join("\n")
}

/// The code block of `reply` most likely to hold the function, as written.
pub fn primary_block(reply: &str, name: &str) -> Option<String> {
    let all = blocks(reply);
    let wanted = format!("fn {name}");
    all.iter()
        .find(|b| b.contains(&wanted))
        .or(all.first())
        .cloned()
}

/// Why no function came out of a reply. Shown to people (and to the
/// model, as a lesson) through its `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The spec's own signature or prelude does not parse.
    Spec(String),
    /// The reply holds no Rust code at all.
    NoCode,
    /// No block of the reply parses as Rust: the parser's message and where.
    Unparsable(String),
    /// A block parses but does not hold the spec's function as asked.
    NotAsAsked(NotAsAsked),
}

/// How a block that parses falls short of the function the spec asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAsAsked {
    /// It defines the function twice.
    #[error("the code defines `{0}` twice")]
    Twice(String),
    /// It has no function of that name (these others instead).
    #[error("the code has no function `{name}`{}", found_instead(found))]
    Missing {
        /// The spec's function.
        name: String,
        /// The functions it has.
        found: Vec<String>,
    },
    /// Another number of parameters.
    #[error("`{name}` takes {got} parameter(s) in the candidate but {want} in the spec: `{signature}`")]
    Arity {
        /// The spec's function.
        name: String,
        /// The candidate's count.
        got: usize,
        /// The spec's count.
        want: usize,
        /// The spec's signature.
        signature: String,
    },
    /// A parameter of another type.
    #[error("parameter {position} of `{name}` is `{got}` in the candidate but `{want}` in the spec")]
    Parameter {
        /// The spec's function.
        name: String,
        /// Which parameter, from 1.
        position: usize,
        /// The candidate's type.
        got: String,
        /// The spec's type.
        want: String,
    },
    /// Another return type.
    #[error("`{name}` returns `{got}` in the candidate but `{want}` in the spec")]
    Returns {
        /// The spec's function.
        name: String,
        /// The candidate's type.
        got: String,
        /// The spec's type.
        want: String,
    },
    /// Other generics.
    #[error("the generics of `{name}` differ from the spec's `{want}`")]
    Generics {
        /// The spec's function.
        name: String,
        /// The spec's generics.
        want: String,
    },
    /// `todo!()` or `unimplemented!()` left in it.
    #[error("the code still contains `{0}!()`; write the implementation")]
    Unfinished(String),
    /// A module read from another file (`mod x;`, `#[path]`).
    #[error("the code reads module `{0}` from another file; write everything in one block")]
    ModuleFile(String),
}

/// " (found `a`, `b`)" for the functions a candidate has instead.
fn found_instead(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!(" (found `{}`)", found.join("`, `"))
    }
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtractError::Spec(why) => f.write_str(why),
            ExtractError::NotAsAsked(why) => write!(f, "{why}"),
            ExtractError::NoCode => f.write_str("the reply contains no Rust code"),
            ExtractError::Unparsable(why) => write!(f, "the code does not parse: {why}"),
        }
    }
}

/// Finds, checks and formats the function for `spec` in `reply`.
///
/// # Errors
///
/// A message for the parse gate saying what is wrong, to be fed back to the
/// model in a repair round.
pub fn extract(reply: &str, spec: &Spec) -> Result<String, ExtractError> {
    let wanted = parse_signature(&spec.signature)
        .map_err(|e| ExtractError::Spec(format!("the spec's signature does not parse: {e}")))?;
    let prelude = parse_items(&spec.prelude)
        .map_err(|e| ExtractError::Spec(format!("the spec's prelude does not parse: {e}")))?;
    let prelude_names: Vec<String> = prelude.items.iter().filter_map(item_name).collect();

    let mut last_error = ExtractError::NoCode;
    let candidates = blocks(reply);
    // Prefer the block that defines the function; otherwise try them in order.
    let mut ordered: Vec<&String> = candidates
        .iter()
        .filter(|b| b.contains(&format!("fn {}", spec.name)))
        .collect();
    ordered.extend(
        candidates
            .iter()
            .filter(|b| !b.contains(&format!("fn {}", spec.name))),
    );
    for block in ordered {
        let file = match syn::parse_file(block) {
            Ok(file) => file,
            Err(e) => {
                let start = e.span().start();
                last_error = ExtractError::Unparsable(format!(
                    "{e} (line {}, column {})",
                    start.line,
                    start.column + 1
                ));
                continue;
            }
        };
        let file = without_docs(file);
        match reconcile(file.clone(), spec, &wanted, &prelude_names) {
            Ok(code) => return Ok(code),
            Err(e) => last_error = ExtractError::NotAsAsked(e),
        }
        // Spec names keep their author's spelling (`cummulative_sum`); a
        // model tends to correct it. One function with the spec's types
        // under another name is the function asked for, renamed everywhere
        // (its recursive calls too).
        if let Some(renamed) = sole_function_renamed(&file, spec, &wanted) {
            if let Ok(code) = reconcile(renamed, spec, &wanted, &prelude_names) {
                return Ok(code);
            }
        }
    }
    Err(last_error)
}

/// `file` without doc comments and `#[doc]` attributes, wherever they are
/// (on items, statements, fields, inside macro input). The spec alone
/// documents the accepted function: a model's doc comment could hold a
/// doctest, which the user's `cargo test` would run unconfined. Stripped,
/// not refused, because small models write doc comments on most answers
/// and the comment changes nothing the gates judge. What no token scan can
/// strip (a `#` inside a macro) the policy refuses.
fn without_docs(file: syn::File) -> syn::File {
    let tokens = strip_docs(quote::ToTokens::into_token_stream(file.clone()));
    syn::parse2(tokens).unwrap_or(file)
}

/// Whether `code` holds a doc comment or `#[doc]` attribute anywhere that
/// extraction strips.
pub fn has_docs(code: &str) -> bool {
    code.parse::<proc_macro2::TokenStream>()
        .is_ok_and(|tokens| strip_docs(tokens.clone()).to_string() != tokens.to_string())
}

/// `tokens` without `#[doc …]` and `#![doc …]`, at every depth.
fn strip_docs(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let TokenTree::Punct(p) = &trees[i] {
            let bang = matches!(trees.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
            let at = i + 1 + usize::from(bang);
            if p.as_char() == '#' && trees.get(at).is_some_and(is_doc_group) {
                i = at + 1;
                continue;
            }
        }
        out.push(match &trees[i] {
            TokenTree::Group(group) => {
                let mut stripped = Group::new(group.delimiter(), strip_docs(group.stream()));
                stripped.set_span(group.span());
                TokenTree::Group(stripped)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// Whether `tree` is an attribute's `[doc …]`.
fn is_doc_group(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Group(g)
        if g.delimiter() == proc_macro2::Delimiter::Bracket
            && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc"))
}

/// `file` with its one non-`main` function renamed to the spec's name, when
/// it has exactly one and that one has the spec's parameter types.
fn sole_function_renamed(
    file: &syn::File,
    spec: &Spec,
    wanted: &crate::spec::rust::FnSignature,
) -> Option<syn::File> {
    let fns: Vec<&syn::ItemFn> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident != "main" && !is_test_module(item) => Some(f),
            _ => None,
        })
        .collect();
    let [only] = fns.as_slice() else {
        return None;
    };
    check_signature(&only.sig, &wanted.sig).ok()?;
    let from = only.sig.ident.to_string();
    let tokens = rename(quote::ToTokens::to_token_stream(file), &from, &spec.name);
    syn::parse2(tokens).ok()
}

/// Every identifier `from` in `tokens` as `to`.
fn rename(tokens: proc_macro2::TokenStream, from: &str, to: &str) -> proc_macro2::TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == from => {
                TokenTree::Ident(Ident::new(to, ident.span()))
            }
            TokenTree::Group(group) => {
                let mut renamed = Group::new(group.delimiter(), rename(group.stream(), from, to));
                renamed.set_span(group.span());
                TokenTree::Group(renamed)
            }
            other => other,
        })
        .collect()
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(i) => Some(i.ident.to_string()),
        syn::Item::Enum(i) => Some(i.ident.to_string()),
        syn::Item::Type(i) => Some(i.ident.to_string()),
        syn::Item::Const(i) => Some(i.ident.to_string()),
        syn::Item::Fn(i) => Some(i.sig.ident.to_string()),
        syn::Item::Trait(i) => Some(i.ident.to_string()),
        _ => None,
    }
}

fn is_test_module(item: &syn::Item) -> bool {
    match item {
        syn::Item::Mod(m) => {
            m.ident == "tests" || m.attrs.iter().any(|a| canonical(a).contains("cfg (test)"))
        }
        syn::Item::Fn(f) => f.attrs.iter().any(|a| canonical(a).contains("test")),
        // The model's checks written where items go (`assert_eq!(f(1), 2);`
        // after the function): they would not compile there, and they are
        // tests, like a `main`'s.
        syn::Item::Macro(m) => m.mac.path.get_ident().is_some_and(|name| {
            TOP_LEVEL_CHECKS.contains(&name.to_string().as_str())
        }),
        _ => false,
    }
}

/// Macros a model calls at the top level to check or show its answer.
const TOP_LEVEL_CHECKS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "println",
    "print",
    "eprintln",
    "dbg",
];

/// Small models sometimes wrap the whole answer in a `mod tests`. When the
/// function is found only inside a module, the module's items take its
/// place, without its tests and its `use super::*`.
fn hoist_from_module(items: Vec<syn::Item>, name: &str) -> Vec<syn::Item> {
    let defines = |item: &syn::Item| matches!(item, syn::Item::Fn(f) if f.sig.ident == name);
    if items.iter().any(defines) {
        return items;
    }
    items
        .into_iter()
        .flat_map(|item| match item {
            syn::Item::Mod(syn::ItemMod {
                content: Some((_, inner)),
                ..
            }) if inner.iter().any(defines) => inner
                .into_iter()
                .filter(|i| match i {
                    syn::Item::Use(u) => !canonical(u).contains("super"),
                    syn::Item::Fn(_) => !is_test_module(i),
                    _ => true,
                })
                .collect(),
            other => vec![other],
        })
        .collect()
}

fn reconcile(
    file: syn::File,
    spec: &Spec,
    wanted: &crate::spec::rust::FnSignature,
    prelude_names: &[String],
) -> Result<String, NotAsAsked> {
    let mut items = Vec::new();
    let mut found = false;
    let mut other_fns = Vec::new();
    for item in hoist_from_module(file.items, &spec.name) {
        if is_test_module(&item) {
            continue;
        }
        let name = item_name(&item);
        match item {
            syn::Item::Fn(f) if f.sig.ident == "main" => {}
            syn::Item::Fn(mut f) if f.sig.ident == spec.name.as_str() => {
                if found {
                    return Err(NotAsAsked::Twice(spec.name.clone()));
                }
                found = true;
                check_signature(&f.sig, &wanted.sig)?;
                f.vis = wanted.vis.clone();
                // Keep the candidate's parameter names (its body uses them), take the spec's types.
                f.sig.output = wanted.sig.output.clone();
                items.push(syn::Item::Fn(f));
            }
            // The model repeated a prelude item: the prelude's version wins.
            _ if name.as_ref().is_some_and(|n| prelude_names.contains(n)) => {}
            item => {
                if let syn::Item::Fn(f) = &item {
                    other_fns.push(f.sig.ident.to_string());
                }
                items.push(item);
            }
        }
    }
    if !found {
        return Err(NotAsAsked::Missing {
            name: spec.name.clone(),
            found: other_fns,
        });
    }
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items,
    };
    let mut checker = Forbidden::default();
    checker.visit_file(&file);
    if let Some(problem) = checker.problem {
        return Err(problem);
    }
    Ok(prettyplease::unparse(&file).trim_end().to_string())
}

fn check_signature(got: &syn::Signature, want: &syn::Signature) -> Result<(), NotAsAsked> {
    let name = want.ident.to_string();
    let types = |sig: &syn::Signature| -> Vec<String> {
        sig.inputs
            .iter()
            .map(|arg| match arg {
                syn::FnArg::Typed(t) => canonical(&t.ty),
                syn::FnArg::Receiver(r) => canonical(r),
            })
            .collect()
    };
    let (got_types, want_types) = (types(got), types(want));
    if got_types.len() != want_types.len() {
        return Err(NotAsAsked::Arity {
            name,
            got: got_types.len(),
            want: want_types.len(),
            signature: canonical(want),
        });
    }
    for (i, (g, w)) in got_types.iter().zip(&want_types).enumerate() {
        if g != w {
            return Err(NotAsAsked::Parameter {
                name,
                position: i + 1,
                got: g.clone(),
                want: w.clone(),
            });
        }
    }
    let output = |sig: &syn::Signature| match &sig.output {
        syn::ReturnType::Default => "()".to_string(),
        syn::ReturnType::Type(_, t) => canonical(t),
    };
    if output(got) != output(want) {
        return Err(NotAsAsked::Returns {
            name,
            got: output(got),
            want: output(want),
        });
    }
    if canonical(&got.generics) != canonical(&want.generics) {
        return Err(NotAsAsked::Generics {
            name,
            want: canonical(&want.generics),
        });
    }
    Ok(())
}

/// What extraction refuses before any gate: unfinished code, and modules
/// read from another file (`#[path]`, `mod x;`), which would compile other
/// files into the user's crate. What code may *reach* is judged after
/// expansion by the gates' [`policy`](super::policy), not here by spelling.
#[derive(Default)]
struct Forbidden {
    problem: Option<NotAsAsked>,
}

impl<'ast> Visit<'ast> for Forbidden {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) {
            if matches!(name.as_str(), "todo" | "unimplemented") {
                self.problem.get_or_insert(NotAsAsked::Unfinished(name));
            }
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        let path_attr = node.attrs.iter().any(|a| a.path().is_ident("path"));
        if node.content.is_none() || path_attr {
            self.problem
                .get_or_insert(NotAsAsked::ModuleFile(node.ident.to_string()));
        }
        syn::visit::visit_item_mod(self, node);
    }
}

#[cfg(test)]
mod rename_tests {
    use super::*;

    #[test]
    fn a_respelled_name_is_taken_with_its_recursive_calls() {
        let spec = crate::spec::parse_str(
            "signature = \"pub fn cummulative_sum(n: u64) -> u64\"\ndescription = \"Sum 1..=n.\"\nexamples = [{ call = \"cummulative_sum(3)\", expect = \"6\" }]\n",
            std::path::Path::new("cummulative_sum.intent.toml"),
        )
        .unwrap()
        .spec;
        let reply = "```rust\nfn cumulative_sum(n: u64) -> u64 { if n == 0 { 0 } else { n + cumulative_sum(n - 1) } }\n```";
        let code = extract(reply, &spec).unwrap();
        assert!(
            code.starts_with("pub fn cummulative_sum(n: u64) -> u64"),
            "{code}"
        );
        assert!(code.contains("n + cummulative_sum(n - 1)"), "{code}");
        // Two candidates for the name, or other types: not guessed.
        let two = "```rust\nfn a(n: u64) -> u64 { n }\nfn b(n: u64) -> u64 { n }\n```";
        assert!(extract(two, &spec).unwrap_err().to_string().contains("has no function"));
        let other = "```rust\nfn a(n: &str) -> u64 { 0 }\n```";
        assert!(extract(other, &spec).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn spec() -> Spec {
        let text = "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"Sum.\"\nprelude = \"pub struct Unit;\"\nexamples = [{ call = \"add(1, 2)\", expect = \"3\" }]\n";
        crate::spec::parse_str(text, Path::new("intents/add.intent.toml"))
            .unwrap()
            .spec
    }

    const GOOD: &str = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}";

    #[test]
    fn fenced_block_with_prose_around_it() {
        let reply = "Sure! Here it is:\n```rust\npub fn add(a: i32, b: i32) -> i32 { a + b }\n```\nThis adds numbers.";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn unfenced_code_with_prose_before_and_after() {
        let reply =
            "Here you go\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\nHope it helps.";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn several_blocks_pick_the_one_with_the_function() {
        let reply = "```rust\nfn main() { println!(\"{}\", add(1, 2)); }\n```\nand\n```rust\npub fn add(a: i32, b: i32) -> i32 { a + b }\n```";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn missing_pub_takes_the_spec_visibility() {
        let reply = "```rust\nfn add(a: i32, b: i32) -> i32 { a + b }\n```";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn checks_written_at_the_top_level_are_dropped() {
        let reply = "```rust\npub fn add(a: i32, b: i32) -> i32 { a + b }\nassert_eq!(add(1, 2), 3);\nprintln!(\"{}\", add(1, 2));\n```";
        let code = extract(reply, &spec()).unwrap();
        assert_eq!(code, GOOD);
        // A macro the model defines and calls is its own, and stays.
        let reply = "```rust\nmacro_rules! two { () => { fn two() -> i32 { 2 } } }\ntwo!();\npub fn add(a: i32, b: i32) -> i32 { a + b }\n```";
        assert!(extract(reply, &spec()).unwrap().contains("two!();"));
    }

    #[test]
    fn main_tests_and_repeated_prelude_are_dropped() {
        let reply = "```rust\npub struct Unit;\npub fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() {}\n#[cfg(test)]\nmod tests { #[test] fn t() {} }\n#[test]\nfn loose() {}\n```";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn a_function_wrapped_in_a_test_module_is_lifted_out() {
        let reply = "```rust\n#[cfg(test)]\nmod test {\n    use super::*;\n    fn add(a: i32, b: i32) -> i32 { a + b }\n    #[test]\n    fn t() { assert_eq!(add(1, 2), 3); }\n}\n```";
        let code = extract(reply, &spec()).unwrap();
        assert_eq!(code, GOOD);
    }

    #[test]
    fn helpers_are_kept() {
        let reply = "```rust\nfn helper(x: i32) -> i32 { x }\npub fn add(a: i32, b: i32) -> i32 { helper(a) + b }\n```";
        let code = extract(reply, &spec()).unwrap();
        assert!(code.contains("fn helper(x: i32)"), "{code}");
    }

    #[test]
    fn unclosed_fence_is_read_to_the_end() {
        let reply = "```rust\npub fn add(a: i32, b: i32) -> i32 { a + b }\n";
        assert_eq!(extract(reply, &spec()).unwrap(), GOOD);
    }

    #[test]
    fn repeated_definition_is_refused() {
        let reply = "```rust\npub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn add(a: i32, b: i32) -> i32 { b + a }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "the code defines `add` twice"
        );
    }

    #[test]
    fn different_parameter_type_says_how_it_differs() {
        let reply = "```rust\npub fn add(a: i64, b: i32) -> i32 { a as i32 + b }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "parameter 1 of `add` is `i64` in the candidate but `i32` in the spec"
        );
    }

    #[test]
    fn different_return_type_says_how_it_differs() {
        let reply = "```rust\npub fn add(a: i32, b: i32) -> i64 { (a + b) as i64 }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "`add` returns `i64` in the candidate but `i32` in the spec"
        );
    }

    #[test]
    fn leftover_todo_fails() {
        let reply = "```rust\npub fn add(a: i32, b: i32) -> i32 { todo!() }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "the code still contains `todo!()`; write the implementation"
        );
    }

    #[test]
    fn wrong_function_name_is_named() {
        // One function of the spec's types is renamed (see rename_tests);
        // with two, neither is guessed.
        let reply = "```rust\npub fn sum(a: i32, b: i32) -> i32 { a + b }\npub fn total(a: i32, b: i32) -> i32 { a + b }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "the code has no function `add` (found `sum`, `total`)"
        );
    }

    #[test]
    fn a_module_from_another_file_is_refused() {
        let reply = "```rust\n#[path = \"/etc/passwd\"]\nmod secrets;\npub fn add(a: i32, b: i32) -> i32 { a + b }\n```";
        assert_eq!(
            extract(reply, &spec()).unwrap_err().to_string(),
            "the code reads module `secrets` from another file; write everything in one block"
        );
    }

    #[test]
    fn prose_only_is_a_parse_failure() {
        assert_eq!(
            extract("I cannot help with that.", &spec()).unwrap_err().to_string(),
            "the code has no function `add`"
        );
    }
}
