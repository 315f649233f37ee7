//! What accepted code may not reach: the file system, the network,
//! processes, the environment, OS handles, FFI, inline assembly and `unsafe`.
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
//! Each refusal names the item and the candidate's line: it is the repair
//! evidence the next round sees.

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

/// Paths (by definition) that reach outside the process, and what they reach.
const DENIED: &[(&str, &str)] = &[
    ("std::fs::", "the file system"),
    ("std::net::", "the network"),
    ("std::process::", "processes"),
    ("std::env::", "the environment"),
    ("std::os::", "operating-system handles"),
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
];

/// The first compile-time macro named anywhere in `code`, as a refusal.
pub fn refusal_in_tokens(code: &str) -> Option<String> {
    let tokens: proc_macro2::TokenStream = code.parse().ok()?;
    first_denied_ident(tokens)
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
                    return Some(format!(
                        "line {}: `{name}!` {what}, which generated code may not do",
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
/// when it reaches nothing denied. The harness's test bodies
/// (`…__intent_tests::…`) and other candidates' bodies are not judged; the
/// candidate's source file is `{module}.rs`.
pub fn refusal_in_mir(mir: &str, module: &str) -> Option<String> {
    let candidate_file = format!("{module}.rs");
    // Each denied path once, with the first candidate line that names it.
    let mut found: Vec<(String, &str, Option<usize>)> = Vec::new();
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
                && owner(header).is_none_or(|owner| owner == module);
            continue;
        }
        if !judged {
            continue;
        }
        for (path, what) in denied_paths(line) {
            let at = span_line(line, &candidate_file);
            match found.iter_mut().find(|(p, _, _)| *p == path) {
                Some(seen) => seen.2 = seen.2.or(at),
                None => found.push((path, what, at)),
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    let items: Vec<String> = found
        .iter()
        .take(3)
        .map(|(path, what, at)| match at {
            Some(line) => format!("`{path}` reaches {what} (line {line})"),
            None => format!("`{path}` reaches {what}"),
        })
        .collect();
    Some(format!(
        "the code {}; generated code may use only computation (no file system, network, processes or environment)",
        items.join("; ")
    ))
}

/// The candidate module a MIR body belongs to: `candidate3::f`, or an impl
/// block's body named by its file (`<impl at candidate3.rs:2:1: 4:2>::f`).
fn owner(header: &str) -> Option<&str> {
    let at = header.find(super::gates::CANDIDATE_MODULE)?;
    let rest = &header[at..];
    let digits = rest[super::gates::CANDIDATE_MODULE.len()..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len() - super::gates::CANDIDATE_MODULE.len());
    let module = &rest[..super::gates::CANDIDATE_MODULE.len() + digits];
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

/// Every denied definition path on one MIR line, without generic arguments.
fn denied_paths(line: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("std::") {
        // `alloc::`/`core::` never reach outside; only a path that starts here.
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
        if let Some((_, what)) = DENIED.iter().find(|(p, _)| path.starts_with(p)) {
            out.push((path.to_string(), *what));
        } else if let Some(method) = path
            .strip_prefix("std::path::Path::")
            .or_else(|| path.strip_prefix("std::path::PathBuf::"))
        {
            if PATH_DISK_METHODS.contains(&method) {
                out.push((path.to_string(), "the file system"));
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
        let refusal = refusal_in_mir(MIR, "candidate").unwrap();
        // A `main` is judged like any other body.
        let main = "fn main() -> () {\n        _1 = std::env::args() -> bb1;\n}\n";
        assert!(refusal_in_mir(main, "candidate")
            .unwrap()
            .starts_with("the code `std::env::args` reaches the environment;"));
        assert_eq!(
            refusal,
            "the code `std::fs::write` reaches the file system (line 6); `std::path::Path::read_dir` reaches the file system (line 3); `std::env::temp_dir` reaches the environment (line 11); generated code may use only computation (no file system, network, processes or environment)"
        );
    }

    #[test]
    fn pure_code_and_lookalike_paths_pass() {
        let mir = "fn f(_1: &str) -> usize {\n        _2 = std::path::Path::new::<str>(copy _1) -> bb1; // scope 0 at candidate.rs:1:1: 1:2\n        _3 = my_std::fs::write(copy _1) -> bb2;\n        _4 = core::net::Ipv4Addr::new(const 1_u8) -> bb3;\n}\n";
        assert_eq!(refusal_in_mir(mir, "candidate"), None);
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
}
