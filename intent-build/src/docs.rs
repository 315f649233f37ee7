//! The spec as the function's documentation: what `cargo doc` shows for an
//! intent, and what `cargo test --doc` runs.
//!
//! The doc comment is written into `OUT_DIR` only; the snapshot keeps the
//! bare accepted code, so editing a description never churns snapshots.

use crate::spec::{rust, Example, Expected, Spec, SpecFile};

/// `code` with the spec's doc comment on its function: the description,
/// the constraints, and the examples as doctests that `use CRATE::*;`
/// (`crate_name` as Rust spells it: `example_project`).
pub fn document(spec: &SpecFile, code: &str, crate_name: &str) -> String {
    place(code, &doc_comment(spec, crate_name), &spec.spec.name)
}

/// `code` with `comment` (`///` lines) above function `name`'s declaration
/// and its attributes.
pub(crate) fn place(code: &str, comment: &str, name: &str) -> String {
    let mut out = String::with_capacity(code.len() + comment.len());
    let mut placed = false;
    let lines: Vec<&str> = code.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !placed && declares(line, name) {
            // Above the function's own attributes, if it has any.
            let start = lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.trim_start().starts_with("#["))
                .count();
            let at = out.len()
                - lines[i - start..i]
                    .iter()
                    .map(|l| l.len() + 1)
                    .sum::<usize>();
            let indent = &line[..line.len() - line.trim_start().len()];
            let doc: String = comment.lines().map(|l| format!("{indent}{l}\n")).collect();
            out.insert_str(at, &doc);
            placed = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Whether `line` starts the declaration of function `name`.
fn declares(line: &str, name: &str) -> bool {
    let mut rest = line.trim_start();
    for prefix in ["pub(crate) ", "pub ", "const ", "async ", "unsafe "] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    rest.strip_prefix("fn ")
        .and_then(|r| r.strip_prefix(name))
        .is_some_and(|r| r.starts_with('(') || r.starts_with('<'))
}

/// The spec's description and constraints as documentation lines (an
/// empty line between paragraphs).
pub(crate) fn prose(spec: &Spec) -> Vec<String> {
    let mut doc: Vec<String> = Vec::new();
    for (i, paragraph) in spec.description.split("\n\n").enumerate() {
        if i > 0 {
            doc.push(String::new());
        }
        doc.push(paragraph.to_string());
    }
    if !spec.constraints.is_empty() {
        doc.push(String::new());
        doc.push("Constraints:".into());
        doc.push(String::new());
        doc.extend(spec.constraints.iter().map(|c| format!("- {c}")));
    }
    doc
}

/// `lines` as a `///` comment.
pub(crate) fn comment(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                "///\n".to_string()
            } else {
                format!("/// {l}\n")
            }
        })
        .collect()
}

/// The doc comment, as `///` lines.
fn doc_comment(file: &SpecFile, crate_name: &str) -> String {
    let spec = &file.spec;
    let mut doc = prose(spec);
    let public = spec.signature.starts_with("pub fn") || spec.signature.starts_with("pub const");
    // A crate-private function cannot be called from a doctest.
    let fence = if public { "```" } else { "```text" };
    let header = format!("use {crate_name}::*;");
    let returning: Vec<&Example> = spec
        .examples
        .iter()
        .filter(|e| e.expected != Expected::Panics)
        .collect();
    // A blank line, the fence, and (when the doctest runs) the `use` line.
    let open = |doc: &mut Vec<String>, fence: &str| {
        doc.push(String::new());
        doc.push(fence.to_string());
        if public {
            doc.push(header.clone());
            doc.push(String::new());
        }
    };
    doc.push(String::new());
    doc.push("# Examples".into());
    if !returning.is_empty() {
        open(&mut doc, fence);
        let float = returns_float(spec);
        for example in returning {
            doc.extend(assertion(example, float).lines().map(str::to_string));
        }
        doc.push("```".into());
    }
    for example in spec
        .examples
        .iter()
        .filter(|e| e.expected == Expected::Panics)
    {
        open(&mut doc, if public { "```should_panic" } else { fence });
        doc.push(format!("let _ = {};", example.call));
        doc.push("```".into());
    }
    doc.push(String::new());
    doc.push(format!(
        "*Written by a language model from `{}` and accepted by intent's gates.*",
        file.path.display().to_string().replace('\\', "/")
    ));
    comment(&doc)
}

/// One returning example as doctest lines: `assert_eq!`, or within its
/// tolerance for a float result; other approximate results are shown, not
/// compared (the gates' approximate comparison is not the user's API).
pub(crate) fn assertion(example: &Example, float: bool) -> String {
    let Expected::Returns(expected) = &example.expected else {
        return String::new();
    };
    match example.tolerance {
        None => format!("assert_eq!({}, {expected});", example.call),
        Some(tolerance) if float => format!(
            "assert!((({}) - ({expected})).abs() <= {tolerance:e});",
            example.call
        ),
        Some(tolerance) => {
            let shown = expected.lines().collect::<Vec<_>>().join(" ");
            format!(
                "let result = {}; // about {shown}, within {tolerance:e}",
                example.call
            )
        }
    }
}

/// Whether the function returns a bare `f32` or `f64`.
pub(crate) fn returns_float(spec: &Spec) -> bool {
    rust::parse_signature(&spec.signature).is_ok_and(|sig| match &sig.sig.output {
        syn::ReturnType::Type(_, ty) => {
            matches!(&**ty, syn::Type::Path(p) if p.path.is_ident("f64") || p.path.is_ident("f32"))
        }
        syn::ReturnType::Default => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn spec(text: &str) -> SpecFile {
        crate::spec::parse_str(text, Path::new("intents/area.intent.toml")).unwrap()
    }

    #[test]
    fn the_doc_comment_goes_above_the_function_and_its_attributes() {
        let file = spec(
            "signature = \"pub fn area(w: f64, h: f64) -> f64\"\ndescription = \"The area.\"\nconstraints = [\"Never panic.\"]\nexamples = [{ call = \"area(2.0, 3.0)\", expect = \"6.0\" }, { call = \"area(0.1, 3.0)\", expect = \"0.3\", tolerance = 1e-9 }, { call = \"area(-1.0, 1.0)\", panics = true }]\n",
        );
        let code = "use std::f64;\n#[inline]\npub fn area(w: f64, h: f64) -> f64 {\n    w * h\n}\n";
        let documented = document(&file, code, "shapes");
        assert_eq!(
            documented,
            "use std::f64;\n\
             /// The area.\n///\n/// Constraints:\n///\n/// - Never panic.\n///\n/// # Examples\n///\n\
             /// ```\n/// use shapes::*;\n///\n/// assert_eq!(area(2.0, 3.0), 6.0);\n\
             /// assert!(((area(0.1, 3.0)) - (0.3)).abs() <= 1e-9);\n/// ```\n///\n\
             /// ```should_panic\n/// use shapes::*;\n///\n/// let _ = area(-1.0, 1.0);\n/// ```\n///\n\
             /// *Written by a language model from `intents/area.intent.toml` and accepted by intent's gates.*\n\
             #[inline]\npub fn area(w: f64, h: f64) -> f64 {\n    w * h\n}\n"
        );
    }

    #[test]
    fn a_crate_private_function_gets_examples_that_are_not_run() {
        let file = spec(
            "signature = \"pub(crate) fn area(w: f64) -> f64\"\ndescription = \"d\"\nexamples = [{ call = \"area(2.0)\", expect = \"4.0\" }]\n",
        );
        let documented = document(
            &file,
            "pub(crate) fn area(w: f64) -> f64 { w * w }",
            "shapes",
        );
        assert!(documented.contains("/// ```text\n/// assert_eq!(area(2.0), 4.0);\n"));
        assert!(!documented.contains("use shapes"));
    }
}
