//! The scratch crate the gates compile: each candidate's file in its own
//! module, its examples and tests beside it, and the crate root that
//! includes what is still open.

use std::path::{Path, PathBuf};

use crate::judge::behaviour::{self, HARNESS_FILE, HARNESS_MODULE};
use crate::judge::inputs::{self, Plan};
use crate::spec::{Example, Expected, Spec};

/// Marker for example results printed by the harness.
pub(super) const RESULT_MARKER: &str = "\u{1}intent-result";

/// Candidate `i` is module `candidate{i}`, in `candidate{i}.rs`, as spans in
/// rustc's output name it.
pub(crate) const CANDIDATE_MODULE: &str = "candidate";

/// The MIR the compile gate writes for the policy.
pub(super) const MIR_FILE: &str = "candidates.mir";

/// The first line of each candidate file starts with this, so the module
/// sees the spec's prelude without moving the candidate's line numbers.
/// rustc's suggestions land in the candidate's own file (a missing `use`
/// goes to the top of its module), and are applied to the candidate's text.
pub(super) const FILE_PREFIX: &str = "use super::*; ";

/// One check's scratch crate: its folder (canonical, as Landlock rules
/// name folders), the candidates' files and tests, and the plan of
/// generated inputs while the harness still compiles.
pub(super) struct Scratch {
    pub(super) dir: PathBuf,
    pub(super) plan: Option<Plan>,
    count: usize,
}

impl Scratch {
    /// Writes a fresh folder at `dir` with every candidate's file and tests;
    /// `first` are inputs called before the generated ones.
    pub(super) fn write(
        dir: &Path,
        spec: &Spec,
        codes: &[String],
        first: &[inputs::Input],
    ) -> std::io::Result<Scratch> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        for (i, code) in codes.iter().enumerate() {
            std::fs::write(dir.join(candidate_file(i)), candidate_text(code, i))?;
        }
        let scratch = Scratch {
            dir,
            plan: inputs::plan(spec).ok().map(|mut plan| {
                plan.inputs.splice(0..0, first.iter().cloned());
                plan
            }),
            count: codes.len(),
        };
        scratch.write_tests(spec)?;
        Ok(scratch)
    }

    /// The behaviour harness (when there is a plan) and each candidate's tests.
    fn write_tests(&self, spec: &Spec) -> std::io::Result<()> {
        if let Some(plan) = &self.plan {
            std::fs::write(
                self.dir.join(HARNESS_FILE),
                behaviour::harness(spec, plan).0,
            )?;
        }
        for i in 0..self.count {
            std::fs::write(
                self.dir.join(format!("{}_tests.rs", module(i))),
                tests(spec, i, self.plan.as_ref()),
            )?;
        }
        Ok(())
    }

    /// Judges without behaviour from now on: the harness does not compile.
    pub(super) fn drop_plan(&mut self, spec: &Spec) -> std::io::Result<()> {
        self.plan = None;
        self.write_tests(spec)
    }

    /// The crate root compiling the `open` candidates.
    pub(super) fn write_root(&self, spec: &Spec, open: &[usize]) -> std::io::Result<()> {
        std::fs::write(
            self.dir.join("main.rs"),
            crate_root(spec, open, self.plan.is_some()),
        )
    }

    /// The test binary.
    pub(super) fn binary(&self) -> PathBuf {
        self.dir.join("candidate-tests")
    }
}

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
        out.push_str(&example_test(&marker, i, example));
    }
    if !spec.tests.is_empty() {
        out.push_str("    #[test]\n    fn extra_tests() {\n");
        out.push_str(&format!("        ::std::println!(\"{marker} start extra_tests\");\n"));
        for line in spec.tests.lines() {
            out.push_str(&format!("        {line}\n"));
        }
        out.push_str(&format!("        ::std::println!(\"{marker} done extra_tests\");\n    }}\n"));
    }
    if let Some(plan) = plan {
        out.push_str(&behaviour::candidate_test(spec, plan, &spec.name));
    }
    out.push_str("}\n");
    out
}

/// Example `i`'s test. Besides passing or failing, it says what the gates
/// need as data, on lines that start with the candidate's marker: that it
/// started and finished (`start`/`done example_I`), what the call returned
/// (`I VALUE`) and, when that was wrong, what was expected (`expected I
/// VALUE`). The comparison is `assert_eq!`'s own (`match (&a, &e)`), so the
/// expected value's type is inferred as it was.
fn example_test(marker: &str, i: usize, example: &Example) -> String {
    let call = &example.call;
    let head = format!("    #[test]\n    fn example_{i}() {{\n        ::std::println!(\"{marker} start example_{i}\");\n");
    let done = format!("        ::std::println!(\"{marker} done example_{i}\");\n    }}\n");
    let fail = format!(
        "::std::println!(\"{marker} expected {i} {{:?}}\", expected); ::core::panic!(\"{{}}\", \"example {i}: `{}`\");",
        call.escape_default()
    );
    let body = match (&example.expected, example.tolerance) {
        (Expected::Panics, _) => {
            return format!("    #[should_panic]\n{head}        let _ = {call};\n{done}");
        }
        (Expected::Returns(expected), None) => format!(
            "        match (&actual, &{expected}) {{ (actual, expected) => if !(*actual == *expected) {{ {fail} }} }}\n"
        ),
        (Expected::Returns(expected), Some(tolerance)) => format!(
            "        let expected = {expected};\n        if !Approx::approx(&actual, &expected, {tolerance:e}) {{ {fail} }}\n"
        ),
    };
    format!(
        "{head}        let actual = {call};\n        ::std::println!(\"{marker} {i} {{:?}}\", actual);\n{body}{done}"
    )
}

pub(super) const APPROX: &str = r#"    trait Approx { fn approx(&self, other: &Self, tolerance: f64) -> bool; }
    impl Approx for f64 { fn approx(&self, o: &Self, t: f64) -> bool { (self - o).abs() <= t || self == o } }
    impl Approx for f32 { fn approx(&self, o: &Self, t: f64) -> bool { ((self - o).abs() as f64) <= t || self == o } }
    impl<T: Approx> Approx for Vec<T> { fn approx(&self, o: &Self, t: f64) -> bool { self.len() == o.len() && self.iter().zip(o).all(|(a, b)| a.approx(b, t)) } }
    impl<T: Approx> Approx for Option<T> { fn approx(&self, o: &Self, t: f64) -> bool { match (self, o) { (Some(a), Some(b)) => a.approx(b, t), (None, None) => true, _ => false } } }
    impl<A: Approx, B: Approx> Approx for (A, B) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) } }
    impl<A: Approx, B: Approx, C: Approx> Approx for (A, B, C) { fn approx(&self, o: &Self, t: f64) -> bool { self.0.approx(&o.0, t) && self.1.approx(&o.1, t) && self.2.approx(&o.2, t) } }
"#;
