//! What accepted code may not reach: the file system, the network,
//! processes, the environment, OS handles, FFI, inline assembly and `unsafe`;
//! nor, unless its spec declares the [`Capability`], the clock, the OS's
//! randomness, threads and shared state, or the standard streams. And what
//! it may not depend on: the build's configuration.
//!
//! Judged after macro expansion and name resolution, so no spelling gets
//! past it — not an alias (`use std::fs as f`), a glob import, an `extern
//! crate` rename, a re-export, a `macro_rules!` body, a macro's arguments or
//! a function passed as a value:
//!
//! - the compile gate builds the candidate with `-F unsafe_code`, which
//!   rustc checks on expanded code; calling FFI and inline assembly need
//!   `unsafe`, and `#[no_mangle]`, `#[export_name]` and `#[link_section]` are
//!   refused by the same lint;
//! - the same rustc invocation writes the crate's MIR with full paths and
//!   source spans ([`RUSTC_FLAGS`]), at no measurable cost; [`refusal_in_mir`] reads the bodies of
//!   the candidate's own functions, closures and constants, where every call,
//!   every function value and every type is spelled by its definition path
//!   (`std::fs::write`, whatever the source called it);
//! - macros that act at compile time on the machine (`env!`,
//!   `option_env!`, `include_str!` and friends, `global_asm!`) leave no trace
//!   in MIR, so [`refusal_in_tokens`] refuses their names wherever they occur
//!   in the token stream. A macro cannot be invoked, aliased or re-exported
//!   without its name appearing as an identifier, so this is not a spelling
//!   list that aliases get around.
//!
//! # The build the gates judge is the build the user gets
//!
//! The gates compile the candidate once, inside a `rustc --test` harness with
//! debug assertions on; the user's crate compiles the same text without
//! `cfg(test)` (for its binaries and integration tests), in release for
//! `--release`, and `cargo test` runs doc comments as doctests. So that no
//! part of the candidate exists only in a build nobody judged,
//! [`refusal_in_tokens`] refuses:
//!
//! - configuration predicates: `#[cfg]`, `#[cfg_attr]`, `cfg!`,
//!   `cfg_select!`, and `debug_assert!` and its kin (which expand to
//!   `cfg!(debug_assertions)` inside std). Without them the candidate's code is
//!   the same in every configuration: what the gates ran is what ships;
//! - every attribute outside a short list that changes nothing at run time
//!   ([`ALLOWED_ATTRIBUTES`]): `#[test]` would run in the user's `cargo test`,
//!   `#[macro_export]` would reach the user's crate root;
//! - documentation: doc comments are stripped when a candidate is extracted
//!   (the spec alone documents the function, see `docs.rs`), so one that
//!   remains was put where extraction cannot strip it;
//! - any `#` inside a macro's input or a `macro_rules!` body: a macro could
//!   otherwise assemble an attribute (`#[$a]`) that no scan sees written.
//!   So every attribute of the expanded code is written out in the source.
//!
//! Catching a panic (`catch_unwind`) is refused in MIR: arithmetic overflow
//! panics in debug and wraps in release, so a caught panic would tell the
//! code which build it is in.
//!
//! Each refusal names the item and the candidate's line: it is the repair
//! evidence the next round sees.

use crate::capability::Capability;

/// Flags the compile gate adds to `rustc`: forbid `unsafe` code (checked on
/// expanded code, so no macro hides it), and write MIR with full paths and
/// spans. The `-Z` flags need `RUSTC_BOOTSTRAP=1` on a stable toolchain,
/// which the gate sets for its own rustc only; MIR's text is not a stable
/// format, so [`refusal_in_mir`] reads nothing but paths and `file:line`.
pub const RUSTC_FLAGS: &[&str] = &[
    "-F",
    "unsafe_code",
    "-Z",
    "trim-diagnostic-paths=false",
    "-Z",
    "mir-include-spans=on",
];

/// Paths (by definition) that generated code may not name, what each
/// reaches, and the capability that allows it (none: never allowed). The
/// first prefix that matches decides, so the narrow ones come first.
const DENIED: &[(&str, &str, Option<Capability>)] = &[
    ("std::fs::", "the file system", None),
    ("std::net::", "the network", None),
    ("std::process::", "processes", None),
    ("std::env::", "the environment", None),
    ("std::os::", "operating-system handles", None),
    (
        "std::panic::catch_unwind",
        "a caught panic (which differs between debug and release builds)",
        None,
    ),
    ("std::panic::resume_unwind", "the panic machinery", None),
    ("std::panic::set_hook", "the panic machinery", None),
    ("std::panic::take_hook", "the panic machinery", None),
    ("std::panic::update_hook", "the panic machinery", None),
    (
        "std::time::SystemTime::now",
        "the clock",
        Some(Capability::Clock),
    ),
    (
        "std::time::SystemTime::elapsed",
        "the clock",
        Some(Capability::Clock),
    ),
    (
        "std::time::Instant::now",
        "the clock",
        Some(Capability::Clock),
    ),
    (
        "std::time::Instant::elapsed",
        "the clock",
        Some(Capability::Clock),
    ),
    ("std::thread::sleep", "the clock", Some(Capability::Clock)),
    (
        "std::hash::RandomState::new",
        "the OS's randomness",
        Some(Capability::Random),
    ),
    (
        "std::collections::hash_map::RandomState::new",
        "the OS's randomness",
        Some(Capability::Random),
    ),
    (
        "std::random::",
        "the OS's randomness",
        Some(Capability::Random),
    ),
    ("std::thread::", "threads", Some(Capability::Threads)),
    ("std::sync::Arc", "", None),
    ("std::sync::Weak", "", None),
    (
        "std::sync::",
        "state shared between calls or threads",
        Some(Capability::Threads),
    ),
    (
        "core::sync::atomic::",
        "state shared between calls or threads",
        Some(Capability::Threads),
    ),
    (
        "std::io::_print",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::_eprint",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::stdin",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::stdout",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::stderr",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::Stdin",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::Stdout",
        "the standard streams",
        Some(Capability::Stdio),
    ),
    (
        "std::io::Stderr",
        "the standard streams",
        Some(Capability::Stdio),
    ),
];

/// `std::path::Path` methods that touch the disk (a `PathBuf` derefs to them).
const PATH_DISK_METHODS: &[&str] = &[
    "canonicalize",
    "exists",
    "is_dir",
    "is_file",
    "is_symlink",
    "metadata",
    "read_dir",
    "read_link",
    "symlink_metadata",
    "try_exists",
];

/// Macros that read the machine while compiling, or place assembly.
const COMPILE_TIME_MACROS: &[(&str, &str)] = &[
    ("env", "reads the build's environment"),
    ("option_env", "reads the build's environment"),
    ("include", "reads a file while compiling"),
    ("include_str", "reads a file while compiling"),
    ("include_bytes", "reads a file while compiling"),
    ("asm", "is inline assembly"),
    ("global_asm", "is inline assembly"),
    ("naked_asm", "is inline assembly"),
    // Configuration predicates: code under them exists in some builds only.
    ("cfg", CONFIGURATION),
    ("cfg_attr", CONFIGURATION),
    ("cfg_select", CONFIGURATION),
    ("cfg_match", CONFIGURATION),
    ("debug_assert", CONFIGURATION),
    ("debug_assert_eq", CONFIGURATION),
    ("debug_assert_ne", CONFIGURATION),
];

const CONFIGURATION: &str = "is a configuration predicate: code under it differs between the build \
     the gates judge and the user's (test or not, debug or release), so generated code may not use it";

/// Attributes generated code may carry: none of them runs anything, names a
/// configuration or reaches outside the item. Every other one is refused.
pub const ALLOWED_ATTRIBUTES: &[&str] = &[
    "allow",
    "cold",
    "default",
    "derive",
    "inline",
    "must_use",
    "repr",
    "track_caller",
];

/// The first compile-time macro, configuration predicate or attribute
/// generated code may not carry, named anywhere in `code`, as a refusal.
pub fn refusal_in_tokens(code: &str) -> Option<String> {
    let tokens: proc_macro2::TokenStream = code.parse().ok()?;
    first_denied_attribute(tokens.clone(), false).or_else(|| first_denied_ident(tokens))
}

/// The first crate `code` names that its spec does not declare, as a
/// refusal with the key that would allow it: a crate of the package's
/// dependencies (`available`) outside `declared`, or any crate but std's
/// named by `extern crate` or a `::`-rooted path. A spec's `crates` are the
/// author vouching for those crates, as `capabilities` vouch for what they
/// allow: calls into them are the crate's business, not the policy's.
pub fn refusal_of_crates(code: &str, declared: &[String], available: &[String]) -> Option<String> {
    let tokens: proc_macro2::TokenStream = code.parse().ok()?;
    let allowed = |name: &str| {
        matches!(name, "std" | "core" | "alloc" | "crate" | "self" | "super")
            || declared.iter().any(|d| d == name)
    };
    let (name, line) = first_crate(tokens, &allowed, available)?;
    let key = declared
        .iter()
        .map(|d| format!("\"{d}\", "))
        .collect::<String>();
    Some(if available.contains(&name) {
        format!(
            "line {line}: the crate `{name}`, which the spec does not declare; \
             `crates = [{key}\"{name}\"]` in the spec would allow it"
        )
    } else {
        format!(
            "line {line}: the crate `{name}`: generated code uses std and the crates its spec \
             declares in `crates`, which must be dependencies of the package"
        )
    })
}

/// The first crate named in `tokens` that `allowed` does not allow, with
/// its line (see [`refusal_of_crates`]).
fn first_crate(
    tokens: proc_macro2::TokenStream,
    allowed: &dyn Fn(&str) -> bool,
    available: &[String],
) -> Option<(String, usize)> {
    let trees: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
    let colons = |i: usize| {
        matches!(
            (trees.get(i), trees.get(i + 1)),
            (Some(proc_macro2::TokenTree::Punct(a)), Some(proc_macro2::TokenTree::Punct(b)))
                if a.as_char() == ':' && b.as_char() == ':'
        )
    };
    let word = |i: usize| match trees.get(i) {
        Some(proc_macro2::TokenTree::Ident(id)) => Some(id.to_string()),
        _ => None,
    };
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            proc_macro2::TokenTree::Group(group) => {
                if let Some(found) = first_crate(group.stream(), allowed, available) {
                    return Some(found);
                }
            }
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let line = ident.span().start().line;
                let after_colons = i >= 2 && colons(i - 2);
                let extern_crate = i >= 1
                    && word(i - 1).as_deref() == Some("crate")
                    && i >= 2
                    && word(i - 2).as_deref() == Some("extern");
                // `::name::…`: a crate, whatever the package has. Not
                // after a path (`Vec::<u8>::new`, `<T as Tr>::f`, `a::b`).
                let global = after_colons && (i < 3 || starts_path(&trees[i - 3]));
                let root = !after_colons && colons(i + 1);
                let names_crate = extern_crate
                    || global
                    || (root && available.contains(&name));
                if names_crate && !allowed(&name) {
                    return Some((name, line));
                }
            }
            _ => {}
        }
    }
    None
}
/// Whether a `::` after `before` starts a path (`= ::std`, `use ::std`)
/// rather than continuing one (`Vec::<u8>::new`, `a::b`, `f()::x`).
fn starts_path(before: &proc_macro2::TokenTree) -> bool {
    match before {
        proc_macro2::TokenTree::Punct(p) => p.as_char() != '>',
        proc_macro2::TokenTree::Ident(id) => {
            matches!(id.to_string().as_str(), "use" | "return" | "in" | "let" | "mut" | "as" | "else" | "match" | "if" | "while" | "break")
        }
        proc_macro2::TokenTree::Group(_) | proc_macro2::TokenTree::Literal(_) => false,
    }
}

/// The first attribute that is not written out in the open or not on the
/// allowed list; `in_macro` when `tokens` are a macro's input or body.
fn first_denied_attribute(tokens: proc_macro2::TokenStream, in_macro: bool) -> Option<String> {
    use proc_macro2::{Delimiter, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut macro_group = false;
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let line = p.span().start().line;
                if in_macro {
                    return Some(format!(
                        "line {line}: a `#` inside a macro: an attribute a macro puts together is \
                         seen by no check, so generated code writes its attributes out"
                    ));
                }
                let group = match (trees.get(i + 1), trees.get(i + 2)) {
                    (Some(TokenTree::Group(g)), _) => Some(g),
                    (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g)))
                        if bang.as_char() == '!' =>
                    {
                        Some(g)
                    }
                    _ => None,
                };
                match group.filter(|g| g.delimiter() == Delimiter::Bracket) {
                    Some(group) => {
                        if let Some(refusal) = attribute_refusal(group, line) {
                            return Some(refusal);
                        }
                    }
                    None => return Some(format!("line {line}: a `#` that starts no attribute")),
                }
            }
            TokenTree::Punct(p) if p.as_char() == '!' => {
                // `name!(…)` and `macro_rules! name {…}`, not `!=` or `if !(…)`.
                let after_name = i > 0
                    && matches!(&trees[i - 1], TokenTree::Ident(id) if !KEYWORDS.contains(&id.to_string().as_str()));
                let not_equal =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == '=');
                macro_group = after_name && !not_equal;
            }
            TokenTree::Group(group) => {
                let inside = in_macro || macro_group;
                macro_group = false;
                if let Some(found) = first_denied_attribute(group.stream(), inside) {
                    return Some(found);
                }
            }
            // `macro_rules! name {…}`: the name sits between `!` and the body.
            TokenTree::Ident(_) if macro_group => {}
            _ => macro_group = false,
        }
    }
    None
}

/// Keywords that may precede a `!` that is a negation, not a macro call.
const KEYWORDS: &[&str] = &[
    "if", "while", "match", "return", "in", "break", "else", "let", "move", "mut",
];

/// Why the attribute in `group` (`[doc = "…"]`, `[test]`) is refused, if it is.
fn attribute_refusal(group: &proc_macro2::Group, line: usize) -> Option<String> {
    let name = match group.stream().into_iter().next() {
        Some(proc_macro2::TokenTree::Ident(ident)) => ident.to_string(),
        _ => String::new(),
    };
    if name == "doc" {
        return Some(format!(
            "line {line}: a doc comment or `#[doc]` attribute: model-written documentation \
             could run as a doctest in the user's crate; the spec documents the function"
        ));
    }
    if ALLOWED_ATTRIBUTES.contains(&name.as_str()) {
        return None;
    }
    if let Some((_, what)) = COMPILE_TIME_MACROS.iter().find(|(m, _)| *m == name) {
        return Some(format!("line {line}: `#[{name}]` {what}"));
    }
    Some(format!(
        "line {line}: `#[{name}]` is an attribute that tooling acts on; generated code may \
         carry only {}",
        ALLOWED_ATTRIBUTES
            .iter()
            .map(|a| format!("`#[{a}]`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// A macro's name anywhere but as a path's leading segments (`std::env::var`
/// is a module path, judged in MIR): invoked (`env!`), renamed (`use
/// std::env as e`) or handed to another macro (`call!(env)`).
fn first_denied_ident(tokens: proc_macro2::TokenStream) -> Option<String> {
    let trees: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name);
                let path_segment = matches!(
                    (trees.get(i + 1), trees.get(i + 2)),
                    (
                        Some(proc_macro2::TokenTree::Punct(a)),
                        Some(proc_macro2::TokenTree::Punct(b))
                    ) if a.as_char() == ':' && b.as_char() == ':'
                );
                if path_segment {
                    continue;
                }
                if let Some((_, what)) = COMPILE_TIME_MACROS.iter().find(|(m, _)| *m == name) {
                    let what = if *what == CONFIGURATION {
                        CONFIGURATION.to_string()
                    } else {
                        format!("{what}, which generated code may not do")
                    };
                    return Some(format!(
                        "line {}: `{name}!` {what}",
                        ident.span().start().line
                    ));
                }
            }
            proc_macro2::TokenTree::Group(group) => {
                if let Some(found) = first_denied_ident(group.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// What candidate module `module`'s own code reaches, from rustc's MIR of
/// the gate's crate (every candidate of a round and the harness); `None`
/// when it reaches nothing denied to a spec that declares `capabilities`.
/// The harness's test bodies (`…__intent_tests::…`) and other candidates'
/// bodies are not judged; the candidate's source file is `{module}.rs`.
pub fn refusal_in_mir(mir: &str, module: &str, capabilities: &[Capability]) -> Option<String> {
    let candidate_file = format!("{module}.rs");
    // Every candidate module is this prefix and a number (`candidate3`).
    let prefix = module.trim_end_matches(|c: char| c.is_ascii_digit());
    // Each denied path once, with the first candidate line that names it.
    let mut found: Vec<(String, Denial, Option<usize>)> = Vec::new();
    let mut judged = false;
    for line in mir.lines() {
        if let Some(header) = body_header(line) {
            // A candidate cannot define a module of the harness's name (it
            // would clash), while a `main` it defines is judged like any
            // function. A body outside every candidate module (the
            // harness's `main`, the spec's prelude) is judged for each.
            // The behaviour harness is a crate-root module (a candidate's
            // own module of that name would start with `candidateN::`).
            judged = !header.contains("__intent_tests::")
                && !header.starts_with(super::behaviour::HARNESS_PATH)
                && owner(header, prefix).is_none_or(|owner| owner == module);
            continue;
        }
        if !judged {
            continue;
        }
        for (path, denial) in denied_paths(line).into_iter().chain(address_leak(line)) {
            if denial.allowed_by.is_some_and(|c| capabilities.contains(&c)) {
                continue;
            }
            let at = span_line(line, &candidate_file);
            match found.iter_mut().find(|(p, _, _)| *p == path) {
                Some(seen) => seen.2 = seen.2.or(at),
                None => found.push((path, denial, at)),
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    // What no capability allows first: it is what the next round must drop.
    found.sort_by_key(|(_, denial, _)| denial.allowed_by.is_some());
    let items: Vec<String> = found
        .iter()
        .take(3)
        .map(|(path, denial, at)| {
            let at = at.map(|line| format!(" (line {line})")).unwrap_or_default();
            let help = denial
                .allowed_by
                .map(|c| format!(", which only a spec with `capabilities = [\"{c}\"]` allows"))
                .unwrap_or_default();
            let item = if path.contains("::") {
                format!("`{path}`")
            } else {
                path.clone()
            };
            format!("{item} reaches {}{at}{help}", denial.what)
        })
        .collect();
    Some(format!(
        "the code {}; generated code may only compute, beyond what its spec's `capabilities` declare",
        items.join("; ")
    ))
}

/// Why a path is denied: what it reaches and the capability that allows it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Denial {
    what: &'static str,
    allowed_by: Option<Capability>,
}

/// The candidate module (`prefix` and a number) a MIR body belongs to:
/// `candidate3::f`, or an impl block's body named by its file
/// (`<impl at candidate3.rs:2:1: 4:2>::f`).
fn owner<'h>(header: &'h str, prefix: &str) -> Option<&'h str> {
    let at = header.find(prefix)?;
    let rest = &header[at..];
    let digits = rest[prefix.len()..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len() - prefix.len());
    let module = &rest[..prefix.len() + digits];
    let after = &rest[module.len()..];
    (digits > 0 && (after.starts_with("::") || after.starts_with(".rs"))).then_some(module)
}

/// The name of a MIR body that starts on `line` (`fn add(…`, `const X: …`,
/// `static X: …`), unindented as rustc writes them.
fn body_header(line: &str) -> Option<&str> {
    let rest = ["fn ", "const ", "static ", "static mut "]
        .iter()
        .find_map(|p| line.strip_prefix(p))?;
    // Up to the parameters or the type, keeping module paths (`a::b`) and
    // impl names (`<impl at candidate0.rs:2:1: 4:2>::f`) whole.
    let end = rest.find(['(', '{']).unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

/// A memory address turned into a value on one MIR line: a pointer cast to
/// an integer, `addr()`, `{:p}`, or a raw pointer formatted or hashed. The
/// OS places memory at random (ASLR), so such a value is randomness the
/// spec did not declare, and differs from the gates' run to the user's.
fn address_leak(line: &str) -> Option<(String, Denial)> {
    let raw_pointer =
        line.contains("<*const ") || line.contains("<*mut ") || line.contains("<&*const ");
    let what = if line.contains("(PointerExposeProvenance)") {
        "a pointer cast to an integer"
    } else if line.contains("::new_pointer::<") {
        "an address formatted with `{:p}`"
    } else if (line.contains("ptr::const_ptr::<impl") || line.contains("ptr::mut_ptr::<impl"))
        && (line.contains(">::addr") || line.contains(">::expose_provenance"))
    {
        "a pointer's address"
    } else if raw_pointer
        && (line.contains("::new_debug::<")
            || line.contains("Debug>::fmt")
            || line.contains("Hash>::hash"))
    {
        "a raw pointer formatted or hashed"
    } else {
        return None;
    };
    let denial = Denial {
        what: "a memory address (which the OS randomises from run to run)",
        allowed_by: Some(Capability::Random),
    };
    Some((what.to_string(), denial))
}

/// Every denied definition path on one MIR line, without generic arguments.
fn denied_paths(line: &str) -> Vec<(String, Denial)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = ["std::", "core::sync::"]
        .iter()
        .filter_map(|root| rest.find(root))
        .min()
    {
        // `alloc::`/`core::` never reach outside (but core's atomics hold
        // state); only a path that starts here.
        let preceded = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        let tail = &rest[at..];
        let len = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(tail.len());
        let path = tail[..len].trim_end_matches(':');
        rest = &tail[len.max(5)..];
        if preceded {
            continue;
        }
        if let Some((_, what, allowed_by)) = DENIED.iter().find(|(p, _, _)| path.starts_with(p)) {
            if !what.is_empty() {
                let denial = Denial {
                    what,
                    allowed_by: *allowed_by,
                };
                out.push((path.to_string(), denial));
            }
        } else if let Some(method) = path
            .strip_prefix("std::path::Path::")
            .or_else(|| path.strip_prefix("std::path::PathBuf::"))
        {
            if PATH_DISK_METHODS.contains(&method) {
                let denial = Denial {
                    what: "the file system",
                    allowed_by: None,
                };
                out.push((path.to_string(), denial));
            }
        }
    }
    out
}

/// The candidate line a MIR statement's span comment names
/// (`// scope 1 at candidate.rs:6:13: 6:36`).
fn span_line(line: &str, candidate_file: &str) -> Option<usize> {
    let needle = format!("{candidate_file}:");
    let at = line.rfind(&needle)?;
    let digits: String = line[at + needle.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_outside_the_spec_are_refused_with_the_key_that_allows_them() {
        let available = ["regex".to_string(), "itoa".to_string()];
        let declared = ["itoa".to_string()];
        let refuse = |code: &str| refusal_of_crates(code, &declared, &available);
        let used = refuse("use regex::Regex;\nfn f() {}").unwrap();
        assert!(used.contains(r#"`crates = ["itoa", "regex"]`"#), "{used}");
        assert!(refuse("fn f() -> bool { regex::Regex::new(\"a\").is_ok() }").is_some());
        assert!(refuse("fn f() { let _ = itoa::Buffer::new(); }").is_none());
        // Crates of the sysroot or elsewhere, by `extern crate` or `::`.
        assert!(refuse("extern crate proc_macro;").unwrap().contains("`proc_macro`"));
        assert!(refuse("fn f() { ::getopts::Options::new(); }").is_some());
        // Not crates: std's, local items, associated items after `::`.
        for fine in [
            "use std::collections::HashMap;",
            "fn f() -> u32 { u32::MAX.min(Self::X) }",
            "fn f() { let _ = ::std::mem::size_of::<u8>(); crate::g(); }",
            "mod regexes { pub fn g() {} } fn f() { regexes::g() }",
            "fn f() -> Vec<f64> { let v = Vec::<f64>::new(); v }",
            "fn f() -> u8 { <u8 as Default>::default() + u8::default() }",
            "fn f() -> u8 { let x = HashMap::<u8, u8>::new(); x.len() as u8 }",
        ] {
            assert_eq!(refuse(fine), None, "{fine}");
        }
    }

    const MIR: &str = "\
fn add(_1: i32, _2: i32) -> i32 {
    let _3: std::result::Result<(), std::io::Error>;
    bb0: {
        _3 = std::fs::write::<&str, &str>(const \"/tmp/x\", const \"\") -> [return: bb1, unwind continue]; // scope 1 at candidate.rs:6:13: 6:36
        _4 = std::path::Path::read_dir(copy _11) -> [return: bb2, unwind continue]; // scope 0 at candidate.rs:3:26: 3:55
        _5 = std::collections::hash_map::Entry::<'_, i32, std::path::PathBuf>::or_insert_with::<fn() -> std::path::PathBuf {std::env::temp_dir}>(move _25, std::env::temp_dir) -> [return: bb20, unwind: bb24]; // scope 8 at candidate.rs:11:5: 11:50
        _6 = std::path::Path::new::<str>(move _12) -> [return: bb1, unwind continue]; // scope 0 at candidate.rs:2:1: 2:2
    }
}

fn __intent_tests::example_0() -> () {
        _1 = <() as std::process::Termination>::report(move _2) -> bb1;
}

fn main() -> () {
        _1 = test::test_main_static(move _2) -> bb1;
}
";

    #[test]
    fn mir_names_each_denied_item_with_its_line_and_skips_the_harness() {
        let refusal = refusal_in_mir(MIR, "candidate", &[]).unwrap();
        // A `main` is judged like any other body.
        let main = "fn main() -> () {\n        _1 = std::env::args() -> bb1;\n}\n";
        assert!(refusal_in_mir(main, "candidate", &[])
            .unwrap()
            .starts_with("the code `std::env::args` reaches the environment;"));
        assert_eq!(
            refusal,
            "the code `std::fs::write` reaches the file system (line 6); `std::path::Path::read_dir` reaches the file system (line 3); `std::env::temp_dir` reaches the environment (line 11); generated code may only compute, beyond what its spec's `capabilities` declare"
        );
    }

    #[test]
    fn pure_code_and_lookalike_paths_pass() {
        let mir = "fn f(_1: &str) -> usize {\n        _2 = std::path::Path::new::<str>(copy _1) -> bb1; // scope 0 at candidate.rs:1:1: 1:2\n        _3 = my_std::fs::write(copy _1) -> bb2;\n        _4 = core::net::Ipv4Addr::new(const 1_u8) -> bb3;\n}\n";
        assert_eq!(refusal_in_mir(mir, "candidate", &[]), None);
    }

    #[test]
    fn compile_time_macros_are_refused_wherever_they_are_named() {
        for (code, line) in [
            ("pub fn f() -> &'static str { include_str!(\"/etc/passwd\") }", 1),
            ("use std::option_env as oe;\npub fn f() -> Option<&'static str> { oe!(\"HOME\") }", 1),
            ("macro_rules! m { () => {\n  env!(\"HOME\") } }\npub fn f() -> &'static str { m!() }", 2),
            ("pub fn f() -> u8 { let x = [r#include_bytes!(\"x\")]; 0 }", 1),
        ] {
            let refusal = refusal_in_tokens(code).unwrap_or_else(|| panic!("{code}"));
            assert!(refusal.starts_with(&format!("line {line}: `")), "{refusal}");
        }
        assert_eq!(
            refusal_in_tokens("pub fn f(environment: u8) -> u8 { environment }"),
            None
        );
        // A module path is MIR's to judge, not the token scan's.
        assert_eq!(
            refusal_in_tokens("pub fn f() -> bool { std::env::var(\"X\").is_ok() }"),
            None
        );
        for code in [
            "use std::env as e;\npub fn f() -> &'static str { e!(\"HOME\") }",
            "macro_rules! call { ($m:ident) => { $m!(\"HOME\") } }\npub fn f() -> &'static str { call!(env) }",
        ] {
            assert!(refusal_in_tokens(code).is_some(), "{code}");
        }
    }

    #[test]
    fn configuration_predicates_are_refused_wherever_they_are_named() {
        for (code, what) in [
            (
                "pub fn f() -> i32 {\n    #[cfg(not(test))]\n    { }\n    1\n}",
                "`#[cfg]`",
            ),
            (
                "#[cfg_attr(test, inline)]\npub fn f() -> i32 { 1 }",
                "`#[cfg_attr]`",
            ),
            (
                "pub fn f() -> i32 { if cfg!(test) { 1 } else { 2 } }",
                "`cfg!`",
            ),
            (
                "pub fn f() -> i32 { debug_assert!(true); 1 }",
                "`debug_assert!`",
            ),
            (
                "use core::cfg as c;\npub fn f() -> bool { c!(test) }",
                "`cfg!`",
            ),
        ] {
            let refusal = refusal_in_tokens(code).unwrap_or_else(|| panic!("{code}"));
            assert!(refusal.contains(what), "{code}: {refusal}");
            assert!(refusal.contains("configuration predicate"), "{refusal}");
        }
    }

    #[test]
    fn attributes_outside_the_list_and_attributes_built_by_macros_are_refused() {
        let refusal = refusal_in_tokens("#[test]\nfn t() {}\npub fn f() {}").unwrap();
        assert!(
            refusal.starts_with("line 1: `#[test]` is an attribute that tooling acts on"),
            "{refusal}"
        );
        assert!(refusal_in_tokens("#[macro_export]\nmacro_rules! m { () => {} }").is_some());
        assert!(refusal_in_tokens("/// Doc.\npub fn f() {}")
            .unwrap()
            .contains("a doc comment or `#[doc]` attribute"));
        for code in [
            "macro_rules! m { ($a:meta) => { #[$a] pub fn g() {} } }\nm!(test);",
            "macro_rules! m { ($($t:tt)*) => { $($t)* } }\nm! { #[test] fn g() {} }",
        ] {
            let refusal = refusal_in_tokens(code).unwrap_or_else(|| panic!("{code}"));
            assert!(refusal.contains("a `#` inside a macro"), "{refusal}");
        }
        // Ordinary code: derives, inline, negations and `!=` are no macros.
        let fine = "#[derive(Debug, Clone, PartialEq)]\npub struct P { x: i32 }\n#[inline]\n#[allow(dead_code)]\npub fn f(a: i32, b: Vec<i32>) -> bool {\n    if !(a > 0) && a != 2 { return !b.is_empty(); }\n    let v = vec![#[allow(unused)] 1];\n    !matches!(a, 1 | 2) || format!(\"{:#?}\", v).len() > 0\n}";
        // `vec![#[allow] …]` puts an attribute inside a macro: refused too.
        assert!(refusal_in_tokens(fine).unwrap().contains("inside a macro"));
        let fine = fine.replace("#[allow(unused)] ", "");
        assert_eq!(refusal_in_tokens(&fine), None);
    }

    #[test]
    fn capabilities_allow_exactly_what_they_name() {
        let mir = "fn f() -> u64 {\n        _1 = std::time::SystemTime::now() -> bb1; // scope 0 at candidate.rs:2:1: 2:9\n        _2 = std::thread::spawn::<{closure}, ()>(move _3) -> bb2; // scope 0 at candidate.rs:3:1: 3:9\n        _3 = core::sync::atomic::AtomicUsize::fetch_add(copy _4) -> bb3;\n        _4 = std::sync::Arc::<i32>::new(const 1_i32) -> bb4;\n}\n";
        let refusal = refusal_in_mir(mir, "candidate", &[]).unwrap();
        assert!(refusal.contains("`std::time::SystemTime::now` reaches the clock (line 2), which only a spec with `capabilities = [\"clock\"]` allows"), "{refusal}");
        assert!(
            refusal.contains("`std::thread::spawn` reaches threads (line 3)"),
            "{refusal}"
        );
        assert!(
            refusal.contains("`core::sync::atomic::AtomicUsize::fetch_add` reaches state shared"),
            "{refusal}"
        );
        assert!(!refusal.contains("Arc"), "{refusal}");
        let refusal = refusal_in_mir(mir, "candidate", &[Capability::Clock]).unwrap();
        assert!(!refusal.contains("clock"), "{refusal}");
        assert_eq!(
            refusal_in_mir(mir, "candidate", &[Capability::Clock, Capability::Threads]),
            None
        );
        let caught = "fn f() -> bool {\n        _1 = std::panic::catch_unwind::<{closure}, u8>(move _2) -> bb1;\n}\n";
        let refusal = refusal_in_mir(caught, "candidate", &Capability::ALL).unwrap();
        assert!(refusal.contains("a caught panic"), "{refusal}");
    }

    #[test]
    fn memory_addresses_are_randomness() {
        let mir = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/addresses.mir"
        ))
        .unwrap();
        let refusal = refusal_in_mir(&mir, "candidate", &[]).unwrap();
        assert!(refusal.starts_with("the code a pointer cast to an integer reaches a memory address (which the OS randomises from run to run) (line 2), which only a spec with `capabilities = [\"random\"]` allows; an address formatted with `{:p}` reaches"), "{refusal}");
        assert!(refusal.contains("a pointer's address"), "{refusal}");
        assert_eq!(
            refusal_in_mir(&mir, "candidate", &[Capability::Random]),
            None
        );
    }
}
