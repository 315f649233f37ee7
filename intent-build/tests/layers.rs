//! The crate's module graph, read from its sources: no module depends on
//! itself through others, and the layers point one way — judging never
//! imports generation, the report schema and the gate list import nothing
//! above them.
//!
//! A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`); a module depends
//! on another when one of its `use` declarations or paths names it or an
//! item in it. Test modules (`#[cfg(test)]`) and the crate root, which only
//! declares the modules and re-exports, are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module of `src` with its source.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        out.insert(parts.join("::"), std::fs::read_to_string(&path).unwrap());
    }
    out
}

/// The paths one file names, with the inline module each is named in
/// (relative to the file).
#[derive(Default)]
struct Names {
    /// (inline modules around it, the path's segments).
    paths: Vec<(Vec<String>, Vec<String>)>,
    inline: Vec<String>,
}

impl Names {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.push(prefix, &n.ident.to_string()),
            syn::UseTree::Rename(r) => self.push(prefix, &r.ident.to_string()),
            syn::UseTree::Glob(_) => self.push(prefix, "*"),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn push(&mut self, prefix: &[String], last: &str) {
        let mut path = prefix.to_vec();
        path.push(last.to_string());
        self.paths.push((self.inline.clone(), path));
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if is_test_only(&item.attrs) {
            return;
        }
        self.inline.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.inline.pop();
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    // `pub(super)` names a module it grants access to, not one it uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.paths.push((self.inline.clone(), segments));
        syn::visit::visit_path(self, path);
    }
}

/// The module a path names from module `at` (inside its inline modules
/// `inline`): the longest prefix that is a module of the crate.
fn resolve(
    modules: &BTreeMap<String, String>,
    at: &str,
    inline: &[String],
    path: &[String],
) -> Option<String> {
    let here: Vec<String> = at
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let (mut base, mut rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (here.clone(), &path[1..]),
        Some("super") => {
            // `super` in an inline module is the file's module or an inline
            // one inside it: no other file.
            if !inline.is_empty() {
                return None;
            }
            (here[..here.len().saturating_sub(1)].to_vec(), &path[1..])
        }
        // A child module of this one (`use child::X`, `child::f()`).
        Some(first) if inline.is_empty() && modules.contains_key(&join(&here, first)) => {
            (here.clone(), path)
        }
        _ => return None,
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    (0..=full.len())
        .rev()
        .map(|k| full[..k].join("::"))
        .find(|m| modules.contains_key(m))
}

fn join(here: &[String], last: &str) -> String {
    let mut parts = here.to_vec();
    parts.push(last.to_string());
    parts.join("::")
}

fn graph(src: &Path) -> Graph {
    let modules = modules(src);
    let mut graph = Graph::new();
    for (name, text) in &modules {
        if name.is_empty() {
            continue;
        }
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut names = Names::default();
        names.visit_file(&file);
        let deps = graph.entry(name.clone()).or_default();
        for (inline, path) in &names.paths {
            if let Some(dep) = resolve(&modules, name, inline, path) {
                if dep != *name && !dep.is_empty() {
                    deps.insert(dep);
                }
            }
        }
    }
    graph
}

/// Modules that depend on themselves through others, one cycle each.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        if done.contains(start) {
            continue;
        }
        // Depth-first from `start`, with the path so far.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for dep in graph.get(&at).into_iter().flatten() {
                if dep == start {
                    found.push(path.clone());
                } else if seen.insert(dep.clone()) {
                    let mut next = path.clone();
                    next.push(dep.clone());
                    stack.push((dep.clone(), next));
                }
            }
        }
        done.insert(start.clone());
        if found.len() > 5 {
            break;
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let cycles = cycles(&graph(&src()));
    assert!(
        cycles.is_empty(),
        "module cycles:\n{}",
        cycles
            .iter()
            .map(|c| format!("  {} -> (back)", c.join(" -> ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn layers_point_one_way() {
    let graph = graph(&src());
    let in_module = |m: &str, root: &str| m == root || m.starts_with(&format!("{root}::"));
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        for dep in deps {
            // Storage, progress and judging sit below generation and the
            // router: what they share lives down with them.
            let below_generation = ["judge", "store", "progress"]
                .iter()
                .any(|low| in_module(module, low))
                && (in_module(dep, "generate") || in_module(dep, "provider::router"));
            let forbidden = below_generation
                || ((module == "report" || module == "gate")
                    && [
                        "judge", "generate", "ops", "store", "provider", "project", "page",
                    ]
                    .iter()
                    .any(|upper| in_module(dep, upper)))
                || (in_module(module, "judge::gates::diagnostics")
                    && in_module(dep, "judge::variants"));
            if forbidden {
                wrong.push(format!("{module} -> {dep}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:?}");
}

fn cli_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cargo-intent/src")
}

#[test]
fn the_cli_has_no_module_cycle_and_its_commands_reach_the_library_through_ops() {
    let graph = graph(&cli_src());
    assert!(
        graph["commands::build"].contains("commands::lock"),
        "the reader sees the CLI's imports"
    );
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "module cycles in cargo-intent: {cycles:?}"
    );
    for (module, text) in modules(&cli_src()) {
        if !module.starts_with("commands::") {
            continue;
        }
        // Commands parse and print: they take the command enum from no one,
        // build no provider, and read no run's report to decide.
        assert!(
            !graph[&module].contains("cli"),
            "{module} imports the command enum"
        );
        assert!(
            !text.contains("intent_build::provider"),
            "{module} reaches the providers"
        );
        assert!(
            !text.contains("report.json"),
            "{module} reads the run's report"
        );
    }
}

/// The lines of each `.rs` file under `dir`, as (path, lines).
fn file_lengths(dir: &Path) -> Vec<(PathBuf, usize)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let lines = std::fs::read_to_string(&p).unwrap().lines().count();
            (p, lines)
        })
        .collect()
}

#[test]
fn the_lock_reads_as_stages_and_commands_stay_thin() {
    let stages = file_lengths(&src().join("ops/lock"));
    assert!(stages.len() >= 5, "{stages:?}");
    let long: Vec<_> = stages.iter().filter(|(_, n)| *n > 400).collect();
    assert!(long.is_empty(), "lock stages over 400 lines: {long:?}");
    let commands = file_lengths(&cli_src().join("commands"));
    assert!(commands.len() >= 15, "{commands:?}");
    let long: Vec<_> = commands.iter().filter(|(_, n)| *n > 100).collect();
    assert!(long.is_empty(), "command files over 100 lines: {long:?}");
    let lengths = function_lengths(&cli_src());
    assert!(
        lengths.len() > 50,
        "the reader found {} functions",
        lengths.len()
    );
    let long: Vec<_> = lengths.iter().filter(|(n, ..)| *n > 80).collect();
    assert!(
        long.is_empty(),
        "cargo-intent functions over 80 lines: {long:?}"
    );
}

#[test]
fn the_graph_sees_real_imports() {
    // Guards the reader itself: a graph that saw nothing would pass both
    // tests above.
    let graph = graph(&src());
    assert!(graph["generate"].contains("judge"));
    assert!(graph["judge::variants"].contains("judge::gates::diagnostics"));
    assert!(graph["report"].contains("gate"));
    assert!(graph["judge"].contains("provider::routed"));
}

/// The longest functions of `src` as (lines, file, name), longest first:
/// from a `fn` line to the closing brace at its indentation (rustfmt's
/// layout), signatures without a body left out.
fn function_lengths(src: &Path) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let Some(name) = fn_name(trimmed) else {
                continue;
            };
            let Some(open) =
                (i..lines.len()).find(|&j| lines[j].contains('{') || lines[j].ends_with(';'))
            else {
                continue;
            };
            if !lines[open].contains('{') {
                continue;
            }
            let close = format!("{indent}}}");
            let end = if lines[open].trim_end().ends_with('}') {
                open
            } else {
                (open + 1..lines.len())
                    .find(|&j| lines[j] == close)
                    .unwrap_or(open)
            };
            out.push((end - i + 1, path.display().to_string(), name));
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.0));
    out
}

/// The name of the function a line declares, if it declares one.
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line;
    for qualifier in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let name = rest.strip_prefix("fn ")?;
    Some(
        name.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let lengths = function_lengths(&src());
    assert!(
        lengths.len() > 500,
        "the reader found {} functions",
        lengths.len()
    );
    let long: Vec<_> = lengths.iter().filter(|(n, ..)| *n > 80).collect();
    assert!(long.is_empty(), "functions over 80 lines: {long:?}");
}
