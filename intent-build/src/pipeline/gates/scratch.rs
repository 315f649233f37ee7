//! The scratch crate the gates compile: each candidate's file in its own
//! module, its examples and tests beside it, and the crate root that
//! includes what is still open.

use super::*;

/// Candidate `i`'s module name.
pub(super) fn module(i: usize) -> String {
    format!("{CANDIDATE_MODULE}{i}")
}

/// Candidate `i`'s file name.
pub(super) fn candidate_file(i: usize) -> String {
    format!("{}.rs", module(i))
}

/// Candidate `i`'s file: the prelude import on its first line (so line
/// numbers are the candidate's own), the code, then its tests.
pub(super) fn candidate_text(code: &str, i: usize) -> String {
    format!(
        "{FILE_PREFIX}{code}\n#[cfg(test)]\ninclude!(\"{}_tests.rs\");\n",
        module(i)
    )
}

/// `main.rs`: the spec's prelude, the behaviour harness when there is one,
/// and one module per candidate in `open`.
pub(super) fn crate_root(spec: &Spec, open: &[usize], harness: bool) -> String {
    let mut out = String::from("#![allow(unused, clippy::all)]\n");
    out.push_str(&spec.prelude);
    out.push('\n');
    if harness {
        out.push_str(&format!(
            "#[path = \"{HARNESS_FILE}\"]\npub mod {HARNESS_MODULE};\n"
        ));
    }
    for &i in open {
        out.push_str(&format!(
            "#[path = \"{}\"]\nmod {};\n",
            candidate_file(i),
            module(i)
        ));
    }
    out
}

/// Candidate `i`'s test module: one test per example, the extra tests, and
/// (ignored, run alone) the behaviour test when there is a `plan`. Each
/// example prints its result with the candidate's index, so one run serves
/// every candidate.
///
/// The module sits in the candidate's file, where a `macro_rules!` of the
/// candidate's is in scope: the macros the harness itself calls are named
/// by their full paths (`::core::assert_eq!`), so a candidate cannot make
/// an example pass by redefining `assert_eq!` to do nothing.
pub fn tests(spec: &Spec, candidate: usize, plan: Option<&Plan>) -> String {
    let marker = format!("{RESULT_MARKER}:{candidate}");
    let mut out = String::from("mod __intent_tests {\n    use super::*;\n");
    out.push_str(APPROX);
    for (i, example) in spec.examples.iter().enumerate() {
        let call = &example.call;
        match (&example.expected, example.tolerance) {
            (Expected::Panics, _) => out.push_str(&format!(
                "    #[test]\n    #[should_panic]\n    fn example_{i}() {{\n        let _ = {call};\n    }}\n"
            )),
            (Expected::Returns(expected), None) => out.push_str(&format!(
                "    #[test]\n    fn example_{i}() {{\n        let actual = {call};\n        ::std::println!(\"{marker} {i} {{:?}}\", actual);\n        \
                 ::core::assert_eq!(actual, {expected}, \"example {i}: `{}`\");\n    }}\n",
                call.escape_default()
            )),
            (Expected::Returns(expected), Some(tolerance)) => out.push_str(&format!(
                "    #[test]\n    fn example_{i}() {{\n        let actual = {call};\n        ::std::println!(\"{marker} {i} {{:?}}\", actual);\n        \
                 let expected = {expected};\n        ::core::assert!(Approx::approx(&actual, &expected, {tolerance:e}), \"example {i}: `{}`: expected {{:?}} (± {tolerance:e}), got {{:?}}\", expected, actual);\n    }}\n",
                call.escape_default()
            )),
        }
    }
    if !spec.tests.is_empty() {
        out.push_str("    #[test]\n    fn extra_tests() {\n");
        for line in spec.tests.lines() {
            out.push_str(&format!("        {line}\n"));
        }
        out.push_str("    }\n");
    }
    if let Some(plan) = plan {
        out.push_str(&behaviour::candidate_test(spec, plan, &spec.name));
    }
    out.push_str("}\n");
    out
}

pub(super) const APPROX: &str = r#"    trait Approx { fn approx(&self, other: &Self, tolerance: f64) -> bool; }
    impl Approx for f64 { fn approx(&self, o: &Self, t: f64) -> bool { (self - o).abs() <= t || self == o } }
    impl Approx for f32 { fn approx(&self, o: &Self, t: f64) -> bool { ((self - o).abs() as f64) <= t || self == o } }
    impl<T: Approx> Approx for Vec<T> { fn approx(&self, o: &Self, t: f64) -> bool { self.len() == o.len() && self.iter().zip(o).all(|(a, b)| a.approx(b, t)) } }
    impl<T: Approx> Approx for Option<T> { fn approx(&self, o: &Self, t: f64) -> bool { match (self, o) { (Some(a), Some(b)) => a.approx(b, t), (None, None) => true, _ => false } } }
    impl<A: Approx, B: Approx> Approx for (A, B) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) } }
    impl<A: Approx, B: Approx, C: Approx> Approx for (A, B, C) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) && self.2.approx(&o.2, t) } }
"#;
