//! Candidates that do not compile, repaired without the model.
//!
//! A candidate that fails only on a type rustc explains precisely is one
//! mechanical edit from compiling; decoding a new one costs seconds of the
//! model. Each failing candidate gets a few *variants* — rustc's own
//! suggestions (machine-applicable ones, then every one), and rewrites for
//! the errors rustc offers nothing for (an integer that is not `usize` used
//! as an index; a `sum()` or `collect()` over references or into a wider
//! type) — and every variant of the round is compiled in one batched
//! `rustc` (`GateRunner::check_all`, called by the judge), like the round's
//! candidates were. This module only proposes variants and keeps the
//! better ones: it never runs the gates itself.
//!
//! A variant stands in for its parent: a parent yields at most one judged
//! candidate, whichever of its variants got furthest, so one decode is
//! still one vote for the quorum. The variant records what made it
//! ([`Fix`]); the gates judge it like any candidate.

use super::gates::diagnostics::{apply_suggestions, error_count, suggested_edits, Edit, Suggestions};
use super::gates::errors::{candidate_errors, code as rustc, CandidateError};
use super::gates::Verdict;
use super::std_paths::{StdPaths, CRATES};
use crate::gate::Gate;
pub use crate::report::Fix;
use source::{closing_paren, expression_start, fixed, operand, INTEGERS};

mod bindings;
mod calls;
mod collects;
mod numbers;
mod source;
mod strings;

/// Which repairs without the model a round's candidates get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mending {
    /// Besides rustc's suggestions, the rewrites of this module for
    /// candidates that do not compile.
    pub rewrites: bool,
    /// For candidates that fail an example, one-edit mutants
    /// ([`crate::judge::near_miss`]).
    pub near_misses: bool,
}

/// How often the variants of a still-failing variant are tried, as
/// `cargo fix` re-runs rustc until nothing applies.
const PASSES: usize = 3;

/// A candidate's code on its way through the repairs.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The code judged.
    pub code: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The edits that made it from the decoded candidate, in order.
    pub fixes: Vec<Fix>,
}

impl Attempt {
    /// rustc's diagnostics when it failed to compile.
    fn compile_errors(&self) -> Option<&str> {
        match &self.verdict {
            Verdict::Failed {
                gate: Gate::Compile,
                diagnostics: Some(diagnostics),
                ..
            } => Some(diagnostics),
            _ => None,
        }
    }

    /// How far it got: a pass beats any failure, a later gate an earlier
    /// one, and among compile failures fewer errors.
    fn progress(&self) -> (usize, std::cmp::Reverse<usize>) {
        match &self.verdict {
            Verdict::Passed { .. } => (usize::MAX, std::cmp::Reverse(0)),
            Verdict::Failed {
                gate, diagnostics, ..
            } => (
                gate.rank(),
                std::cmp::Reverse(diagnostics.as_deref().map_or(0, error_count)),
            ),
        }
    }
}

/// The repairs of one round's candidates that failed to compile, pass by
/// pass: [`Repairs::propose`] makes the variants to judge, the judge runs
/// the gates over them (one batched walk per pass, as for the round's
/// candidates), and [`Repairs::settle`] lets a variant that got further than
/// its parent take its place. At most three passes (`PASSES`).
///
/// Each (parent, variant) is tried once; each variant's code is judged
/// once, and its verdict serves every parent it came from: sampled
/// candidates often repeat, and every copy is a vote of its own.
#[derive(Debug, Default)]
pub struct Repairs {
    rewrites: bool,
    passes: usize,
    tried: std::collections::HashSet<(usize, String)>,
    verdicts: std::collections::HashMap<String, Verdict>,
    tries: Vec<(usize, Attempt)>,
    /// What `std` has, when the toolchain documents it.
    std: Option<std::sync::Arc<StdPaths>>,
}

impl Repairs {
    /// Repairs with rustc's suggestions, and the rewrites with `rewrites`.
    pub fn new(rewrites: bool) -> Repairs {
        Repairs {
            rewrites,
            ..Repairs::default()
        }
    }

    /// The same, proposing no variant that imports a `std`, `core` or
    /// `alloc` path `std` (the toolchain's list) does not have.
    pub fn with_std(mut self, std: Option<std::sync::Arc<StdPaths>>) -> Repairs {
        self.std = std;
        self
    }

    /// The next pass's variants of every attempt in `judged` that failed to
    /// compile: the code not judged yet, to go through the gates. `None`
    /// when there is nothing left to try or the passes are spent.
    pub fn propose(&mut self, judged: &[Attempt]) -> Option<Vec<String>> {
        if self.passes == PASSES {
            return None;
        }
        self.passes += 1;
        self.tries.clear();
        for (parent, candidate) in judged.iter().enumerate() {
            let Some(diagnostics) = candidate.compile_errors() else {
                continue;
            };
            let variants = variants(&candidate.code, diagnostics, self.rewrites);
            let real = |code: &String| self.std.as_deref().is_none_or(|std| imports_exist(code, std));
            for (code, fixes) in variants.into_iter().filter(|(code, _)| real(code)) {
                if self.tried.insert((parent, code.clone())) {
                    let fixes = candidate.fixes.iter().copied().chain(fixes).collect();
                    let verdict = candidate.verdict.clone();
                    self.tries.push((parent, Attempt { code, verdict, fixes }));
                }
            }
        }
        if self.tries.is_empty() {
            return None;
        }
        let mut fresh: Vec<String> = Vec::new();
        for (_, t) in &self.tries {
            if !self.verdicts.contains_key(&t.code) && !fresh.contains(&t.code) {
                fresh.push(t.code.clone());
            }
        }
        Some(fresh)
    }

    /// Takes the verdicts of the code [`Repairs::propose`] gave, in its
    /// order, and puts each variant in its parent's place when it got at
    /// least as far.
    pub fn settle(&mut self, judged: &mut [Attempt], fresh: Vec<String>, checked: Vec<Verdict>) {
        self.verdicts.extend(fresh.into_iter().zip(checked));
        for (parent, mut variant) in self.tries.drain(..) {
            variant.verdict = self.verdicts[&variant.code].clone();
            // As far as its parent counts too: rustc reports some errors
            // only once others are mended (a type error hides the next
            // one), so a variant that traded one error for another is the
            // next pass's starting point. The passes and `tried` bound it.
            if variant.progress() >= judged[parent].progress() {
                judged[parent] = variant;
            }
        }
    }

    /// The pass [`Repairs::propose`] last made (1 for the first).
    pub fn pass(&self) -> usize {
        self.passes
    }
}

/// Whether every `use` of `code` that starts at `std`, `core` or `alloc`
/// names a path `std` has (a glob, its module). Code that does not parse is
/// left to the gates.
pub fn imports_exist(code: &str, std: &StdPaths) -> bool {
    let Ok(file) = syn::parse_file(code) else {
        return true;
    };
    let mut paths = Vec::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            use_paths(&mut Vec::new(), &u.tree, &mut paths);
        }
    }
    paths
        .iter()
        .filter(|p| p.first().is_some_and(|root| CRATES.contains(&root.as_str())))
        .all(|p| std.contains(&p.join("::")))
}

/// Each path a `use` tree names, `self` and globs as their module.
fn use_paths(prefix: &mut Vec<String>, tree: &syn::UseTree, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(prefix, &p.tree, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) if n.ident == "self" => out.push(prefix.clone()),
        syn::UseTree::Name(n) => out.push([prefix.clone(), vec![n.ident.to_string()]].concat()),
        syn::UseTree::Rename(r) => out.push([prefix.clone(), vec![r.ident.to_string()]].concat()),
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_paths(prefix, t, out)),
    }
}

/// The variants of `code` that `diagnostics` (its failed compile) point
/// to, each with the edits that made it; none equal to `code`. The
/// rewrites only with `rewrites`.
pub fn variants(code: &str, diagnostics: &str, rewrites: bool) -> Vec<(String, Vec<Fix>)> {
    let mut variants: Vec<(String, Vec<Fix>)> = Vec::new();
    let mut add = |text: Option<String>, fixes: Vec<Fix>| {
        if let Some(text) = text {
            if text != code && variants.iter().all(|(v, _)| *v != text) {
                variants.push((text, fixes));
            }
        }
    };
    let machine = apply_suggestions(code, diagnostics, Suggestions::MachineApplicable);
    let suggested = apply_suggestions(code, diagnostics, Suggestions::Any);
    add(machine, vec![Fix::MachineApplicable]);
    add(suggested.clone(), vec![Fix::Suggested]);
    if !rewrites {
        return variants;
    }
    let (rewritten, rewrites) = rewrite(code, diagnostics);
    if !rewrites.is_empty() {
        add(Some(rewritten.clone()), rewrites.clone());
        // rustc's suggestions and the rewrites mend different errors: a
        // candidate with both kinds needs both.
        if suggested.is_some() {
            let mut fixes = vec![Fix::Suggested];
            fixes.extend(rewrites);
            add(apply_both(code, diagnostics), fixes);
        }
    }
    variants
}

/// rustc's suggestions and the rewrites applied together: the rewrites'
/// edits and the suggestions' replacements sorted by offset, so that
/// neither moves the other's spans.
fn apply_both(code: &str, diagnostics: &str) -> Option<String> {
    let mut edits = rewrites(code, diagnostics);
    edits.extend(suggested_edits(code, diagnostics));
    apply(code, edits)
}

/// `code` with every rewrite the diagnostics call for, and which ones.
fn rewrite(code: &str, diagnostics: &str) -> (String, Vec<Fix>) {
    let edits = rewrites(code, diagnostics);
    let mut fixes: Vec<Fix> = edits.iter().filter_map(|e| e.fix).collect();
    fixes.dedup();
    match apply(code, edits) {
        Some(text) => (text, fixes),
        None => (code.to_string(), Vec::new()),
    }
}

/// Applies non-overlapping `edits` (overlapping ones: the first by offset
/// wins). `None` when there is nothing to apply.
fn apply(code: &str, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut text = String::with_capacity(code.len() + 32);
    let mut at = 0;
    let mut applied = 0;
    for edit in edits {
        if edit.start < at || edit.end > code.len() {
            continue;
        }
        text.push_str(code.get(at..edit.start)?);
        text.push_str(&edit.text);
        at = edit.end;
        applied += 1;
    }
    text.push_str(code.get(at..)?);
    (applied > 0).then_some(text)
}

/// The rewrites for errors rustc offers no suggestion for.
fn rewrites(code: &str, diagnostics: &str) -> Vec<Edit> {
    let errors = candidate_errors(diagnostics, code);
    let cases = errors.iter().any(|e| {
        e.branch_types().is_some()
            && e.label.iter().any(|t| t == "ToUppercase" || t == "ToLowercase")
    });
    let mut edits: Vec<Edit> = errors
        .iter()
        .filter_map(|e| {
            strings::argument_rewrite(code, e)
                .or_else(|| strings::collect_first(code, e))
                .or_else(|| bindings::owned_copy(code, e))
                .or_else(|| bindings::owned_slice(code, e))
                .or_else(|| bindings::declare(code, e))
                .or_else(|| numbers::rewrite(code, e))
                .or_else(|| rewrite_one(code, e))
                .or_else(|| bindings::declared_type(code, e))
        })
        .collect();
    edits.extend(errors.iter().flat_map(|e| strings::owned_branches(code, e)));
    edits.extend(bindings::deque_as_vec(code, &errors));
    // Errors at each use of one binding ask for the same edit of it.
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup();
    if cases {
        edits.extend(case_strings(code));
    }
    edits
}

/// Every `.to_uppercase()` and `.to_lowercase()` in `code` followed by
/// `.to_string()`: a `char`'s are iterators of two types, which two
/// branches cannot both return; as `String`s they can (a `str`'s already
/// are, and stay so).
fn case_strings(code: &str) -> Vec<Edit> {
    [".to_uppercase()", ".to_lowercase()"]
        .iter()
        .flat_map(|call| code.match_indices(call))
        .map(|(at, call)| at + call.len())
        .filter(|end| !code[*end..].starts_with(".to_string()"))
        .map(|end| Edit {
            start: end,
            end,
            text: ".to_string()".to_string(),
            fix: Some(Fix::CaseString),
        })
        .collect()
}


/// The rewrite for one error, by its code and what it quotes.
fn rewrite_one(code: &str, error: &CandidateError) -> Option<Edit> {
    let (start, end) = (error.start, error.end);
    let span = code.get(start..end)?;
    if let (true, [name, module]) = (error.is(rustc::NOT_FOUND), error.quotes.as_slice()) {
        return calls::method_call(code, name, module, start, end);
    }
    if let Some((indexed, by)) = indexing(error) {
        return match indexed {
            "str" => str_index(code, by, start, end),
            _ => index_cast(span, by, start, end),
        };
    }
    if error.is(rustc::NO_METHOD) {
        return iterator_sort(code, error);
    }
    if let Some(cast) = numeric_cast(error) {
        return fixed(start, end, format!("({} as {cast})", operand(span)), Fix::NumericCast);
    }
    if error.mismatch().is_some_and(|(_, found)| found == "&_") {
        // The pattern takes a reference apart; the items are values.
        let pattern = span.strip_prefix('&')?;
        if pattern.starts_with("mut ") || pattern.is_empty() {
            return None;
        }
        return fixed(start, end, pattern.to_string(), Fix::RefPattern);
    }
    collects::from_iterator(code, error)
}

/// For an index of a type that cannot index (`E0277` naming `Index` or
/// `SliceIndex`): the type indexed and the index's type, as the message
/// quotes them ("the type `[i32]` cannot be indexed by `i32`").
fn indexing(error: &CandidateError) -> Option<(&str, &str)> {
    let index = error.names_trait("SliceIndex") || error.names_trait("Index");
    match error.quotes.as_slice() {
        [indexed, by] if error.is(rustc::UNIMPLEMENTED) && index => Some((indexed, by)),
        _ => None,
    }
}

/// An index of another integer type than `usize` cast to it. Ranges of
/// another integer type need each end cast; not done.
fn index_cast(span: &str, by: &str, start: usize, end: usize) -> Option<Edit> {
    if !INTEGERS.contains(&by) || span.contains("..") {
        return None;
    }
    fixed(start, end, format!("{} as usize", operand(span)), Fix::IndexCast)
}

/// `receiver.sort_unstable(args)` on an iterator, which has no such
/// method, as a sorted `Vec` iterated again. The error's span is the
/// method's name.
fn iterator_sort(code: &str, error: &CandidateError) -> Option<Edit> {
    let [method, on, ..] = error.quotes.as_slice() else {
        return None;
    };
    let (start, end) = (error.start, error.end);
    let sort = match method.as_str() {
        "sorted" => "sort",
        "sorted_by" => "sort_by",
        "sorted_by_key" => "sort_by_key",
        "sorted_unstable" => "sort_unstable",
        "sort" | "sort_by" | "sort_by_key" | "sort_unstable" | "sort_unstable_by"
        | "sort_unstable_by_key" => method,
        _ => return None,
    };
    let iterator = on.contains("Iter") || on.contains("std::iter::");
    let dot = code.get(..start)?.strip_suffix('.')?.len();
    let after = code.get(end..)?;
    if !iterator || !after.starts_with('(') {
        return None;
    }
    let args_end = end + closing_paren(after)?;
    let receiver_start = expression_start(code, dot)?;
    let receiver = code.get(receiver_start..dot)?;
    let args = code.get(end..args_end)?;
    Some(Edit {
        start: receiver_start,
        end: args_end,
        text: format!(
            "{{ let mut sorted: Vec<_> = {receiver}.collect(); sorted.{sort}{args}; sorted }}.into_iter()"
        ),
        fix: Some(Fix::IterSort),
    })
}

/// The type to cast to when `error` is a mismatch of two primitive
/// number types (expected `isize`, found `usize`).
fn numeric_cast(error: &CandidateError) -> Option<&str> {
    let (expected, found) = error.mismatch()?;
    let numeric = |t: &str| INTEGERS.contains(&t) || t == "usize" || t == "f32" || t == "f64";
    (numeric(expected) && numeric(found) && expected != found).then_some(expected)
}

/// `base[index]` on a `str` (the error's span is `index`) as the character
/// at that position: what a model that indexes a string means.
fn str_index(code: &str, typed: &str, start: usize, end: usize) -> Option<Edit> {
    let index = code.get(start..end)?;
    let open = code.get(..start)?.trim_end().strip_suffix('[')?.len();
    let close = end + code.get(end..)?.find(']')?;
    if index.contains("..") || !code.get(end..close)?.trim().is_empty() {
        return None;
    }
    let base_start = expression_start(code, open)?;
    let base = code.get(base_start..open)?;
    let position = match typed {
        "usize" | "{integer}" => index.to_string(),
        t if INTEGERS.contains(&t) => format!("{} as usize", operand(index)),
        _ => return None,
    };
    Some(Edit {
        start: base_start,
        end: close + 1,
        text: format!("{base}.chars().nth({position}).unwrap()"),
        fix: Some(Fix::StrIndex),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::std_paths::Module;

    #[test]
    fn a_variant_importing_what_std_lacks_is_not_proposed() {
        let mut collections = Module::default();
        collections.items.insert("HashMap".into());
        let mut root = Module::default();
        root.modules.insert("collections".into(), collections);
        root.items.insert("env".into());
        let std = StdPaths {
            crates: CRATES.iter().map(|c| (c.to_string(), root.clone())).collect(),
        };
        let real = "use std::collections::{self, HashMap};\nuse std::collections::*;\nuse regex::Regex;\nfn f() {}";
        assert!(imports_exist(real, &std));
        assert!(!imports_exist("use std::env::get;\nfn f() {}", &std));
        assert!(!imports_exist("use std::{collections::HashMap, str::Trim};\nfn f() {}", &std));
    }

    fn one(code: &str, needle: &str, message: &str) -> Option<String> {
        let start = code.find(needle).unwrap();
        let edit = rewrite_one(code, &CandidateError::example(message, start, start + needle.len()))?;
        apply(code, vec![edit])
    }

    /// The rewrite for `message` (rustc's, as `CandidateError::example`
    /// reads it) at `start..end` of `code`.
    fn rewrite_at(code: &str, message: &str, start: usize, end: usize) -> Option<Edit> {
        rewrite_one(code, &CandidateError::example(message, start, end))
    }

    #[test]
    fn an_integer_index_is_cast_to_usize() {
        let code = "pub fn f(v: &[i32], i: i32) -> i32 { v[i - 1] + v[i] }";
        let message = "E0277: the type `[i32]` cannot be indexed by `i32` | the trait `SliceIndex<[i32]>` is not implemented for `i32`";
        assert_eq!(
            one(code, "i - 1", message).unwrap(),
            "pub fn f(v: &[i32], i: i32) -> i32 { v[(i - 1) as usize] + v[i] }"
        );
        let code = "pub fn f(v: &[i32], i: i32) -> i32 { v[i] }";
        let start = code.find("i]").unwrap();
        let edit = rewrite_at(code, message, start, start + 1).unwrap();
        assert_eq!(
            apply(code, vec![edit]).unwrap(),
            "pub fn f(v: &[i32], i: i32) -> i32 { v[i as usize] }"
        );
        let ranged = "E0277: the type `[i32]` cannot be indexed by `std::ops::Range<i32>` | the trait `SliceIndex<[i32]>` is not implemented for `std::ops::Range<i32>`";
        assert!(one("fn f() { v[a..b] }", "a..b", ranged).is_none());
    }

    #[test]
    fn a_sum_into_a_wider_type_sums_the_items_then_casts() {
        let code = "pub fn g(v: &[i32]) -> i64 { v.iter().sum() }";
        let message = "E0277: a value of type `i64` cannot be made by summing an iterator over elements of type `&i32` | the trait `Sum<&i32>` is not implemented for `i64`";
        assert_eq!(
            one(code, "sum", message).unwrap(),
            "pub fn g(v: &[i32]) -> i64 { v.iter().sum::<i32>() as i64 }"
        );
        // A method called on the sum would bind to the cast: left alone.
        let chained = "pub fn g(v: &[i32]) -> i64 { v.iter().sum().abs() }";
        assert!(one(chained, "sum", message).is_none());
    }

    #[test]
    fn a_collect_of_references_clones_them() {
        let code = "pub fn h(v: &[i32]) -> Vec<i32> { v.iter().filter(|x| **x > 0).collect() }";
        let message = "E0277: a value of type `Vec<i32>` cannot be built from an iterator over elements of type `&i32` | the trait `FromIterator<&_>` is not implemented for `Vec<i32>`";
        assert_eq!(
            one(code, "collect", message).unwrap(),
            "pub fn h(v: &[i32]) -> Vec<i32> { v.iter().filter(|x| **x > 0).cloned().collect() }"
        );
        let owned = "E0277: a value of type `Vec<u8>` cannot be built from an iterator over elements of type `char` | the trait `FromIterator<char>` is not implemented for `Vec<u8>`";
        assert!(one(code, "collect", owned).is_none());
    }

    #[test]
    fn a_number_of_another_primitive_type_is_cast() {
        let message = "E0308: mismatched types (expected `isize`, found `usize`)";
        let code = "pub fn f(list: Vec<isize>, m: isize) -> isize { let n = list.len(); m % n }";
        let at = code.rfind('n').unwrap();
        let edit = rewrite_at(code, message, at, at + 1).unwrap();
        assert_eq!(
            apply(code, vec![edit]).unwrap(),
            "pub fn f(list: Vec<isize>, m: isize) -> isize { let n = list.len(); m % (n as isize) }"
        );
        // A compound expression keeps its own parentheses inside the cast.
        let code = "pub fn g(v: &[i32]) -> i64 { v.len() - 1 }";
        assert_eq!(
            one(code, "v.len() - 1", "E0308: mismatched types (expected `i64`, found `usize`)").unwrap(),
            "pub fn g(v: &[i32]) -> i64 { ((v.len() - 1) as i64) }"
        );
        // Not between a number and anything else.
        assert!(one(code, "v.len()", "E0308: mismatched types (expected `String`, found `usize`)").is_none());
        assert!(one(code, "v.len()", "E0308: mismatched types (expected `i64`, found `i64`)").is_none());
    }

    #[test]
    fn an_iterator_sorted_like_a_vec_is_collected_sorted_and_iterated() {
        let message = "E0599: no method named `sort_unstable` found for struct `std::vec::IntoIter<T, A>` in the current scope";
        let code = "pub fn f(v: Vec<Vec<i32>>) -> Vec<Vec<i32>> { v.into_iter().map(|s| s.into_iter().sort_unstable().collect()).collect() }";
        assert_eq!(
            one(code, "sort_unstable", message).unwrap(),
            "pub fn f(v: Vec<Vec<i32>>) -> Vec<Vec<i32>> { v.into_iter().map(|s| { let mut sorted: Vec<_> = s.into_iter().collect(); sorted.sort_unstable(); sorted }.into_iter().collect()).collect() }"
        );
        // itertools' spelling, with arguments.
        let code = "pub fn g(v: Vec<i32>) -> Vec<i32> { v.into_iter().sorted_by(|a, b| b.cmp(a)).collect() }";
        let message = "E0599: no method named `sorted_by` found for struct `std::vec::IntoIter<T, A>` in the current scope";
        assert_eq!(
            one(code, "sorted_by", message).unwrap(),
            "pub fn g(v: Vec<i32>) -> Vec<i32> { { let mut sorted: Vec<_> = v.into_iter().collect(); sorted.sort_by(|a, b| b.cmp(a)); sorted }.into_iter().collect() }"
        );
        // Another missing method, or not on an iterator: not this rewrite.
        assert!(one(code, "sorted_by", "E0599: no method named `sorted_by` found for struct `Foo` in the current scope").is_none());
        assert!(one(code, "sorted_by", "E0599: no method named `frobnicate` found for struct `std::vec::IntoIter<T, A>`").is_none());
    }

    #[test]
    fn strs_collected_into_strings_are_owned_first() {
        let message = "E0277: a value of type `std::vec::Vec<std::string::String>` cannot be built from an iterator over elements of type `&str` (value of type `std::vec::Vec<std::string::String>` cannot be built from `std::iter::Iterator<Item=&str>`) | the trait `FromIterator<&str>` is not implemented for `Vec<String>`";
        let code = "pub fn f(s: String) -> Vec<String> { s.split(' ').filter(|w| w.len() > 2).collect() }";
        assert_eq!(
            one(code, "collect", message).unwrap(),
            "pub fn f(s: String) -> Vec<String> { s.split(' ').filter(|w| w.len() > 2).map(|s| s.to_string()).collect() }"
        );
    }

    #[test]
    fn case_changes_in_two_branches_become_strings() {
        let code = "pub fn t(s: String) -> String { s.chars().map(|c| if c.is_lowercase() { c.to_uppercase() } else { c.to_lowercase() }).collect() }";
        let edits = case_strings(code);
        assert_eq!(
            apply(code, edits).unwrap(),
            "pub fn t(s: String) -> String { s.chars().map(|c| if c.is_lowercase() { c.to_uppercase().to_string() } else { c.to_lowercase().to_string() }).collect() }"
        );
        assert!(case_strings("fn u(s: &str) -> String { s.to_uppercase().to_string() }").is_empty());
    }

    #[test]
    fn a_reference_pattern_over_owned_items_takes_them_by_value() {
        let code = "pub fn f(s: &str) -> usize { let mut n = 0; for &c in s.chars() { if c == 'a' { n += 1; } } n }";
        let message = "E0308: mismatched types (expected `char`, found `&_`)";
        assert_eq!(
            one(code, "&c", message).unwrap(),
            "pub fn f(s: &str) -> usize { let mut n = 0; for c in s.chars() { if c == 'a' { n += 1; } } n }"
        );
        // Another mismatch, or a `&mut` pattern: not this rewrite.
        assert!(one(code, "&c", "E0308: mismatched types (expected `char`, found `u8`)").is_none());
        assert!(one("fn f() { for &mut c in v {} }", "&mut c", message).is_none());
    }

    #[test]
    fn a_str_indexed_by_an_integer_takes_the_character_there() {
        let message = |t: &str| format!("E0277: the type `str` cannot be indexed by `{t}` (string indices are ranges of `usize`) | the trait `SliceIndex<str>` is not implemented for `{t}`");
        let code = "pub fn f(s: String, i: usize) -> bool { s[i] == '0' }";
        let at = code.find("s[i]").unwrap() + 2;
        let edit = rewrite_at(code, &message("usize"), at, at + 1).unwrap();
        assert_eq!(
            apply(code, vec![edit]).unwrap(),
            "pub fn f(s: String, i: usize) -> bool { s.chars().nth(i).unwrap() == '0' }"
        );
        // A call before it, and an index of another integer type.
        let code = "pub fn g(s: &str, i: i32) -> char { s.trim()[i - 1] }";
        let at = code.find("i - 1").unwrap();
        let edit = rewrite_at(code, &message("i32"), at, at + 5).unwrap();
        assert_eq!(
            apply(code, vec![edit]).unwrap(),
            "pub fn g(s: &str, i: i32) -> char { s.trim().chars().nth((i - 1) as usize).unwrap() }"
        );
        // A range is a slice, not a character.
        let code = "pub fn h(s: &str, i: i32) -> &str { &s[0..i] }";
        let at = code.find("0..i").unwrap();
        assert!(rewrite_at(code, &message("std::ops::Range<i32>"), at, at + 4).is_none());
    }

    #[test]
    fn edits_apply_in_offset_order_and_overlaps_are_skipped() {
        let edit = |start, end, text: &str| Edit {
            start,
            end,
            text: text.into(),
            fix: None,
        };
        let code = "abcdef";
        assert_eq!(
            apply(
                code,
                vec![edit(4, 5, "E"), edit(0, 1, "A"), edit(0, 2, "X")]
            )
            .unwrap(),
            "AbcdEf"
        );
        assert_eq!(apply(code, Vec::new()), None);
    }
}
