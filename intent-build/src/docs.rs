//! The spec as the function's documentation: what `cargo doc` shows for an
//! intent, and what `cargo test --doc` runs.
//!
//! The doc comment is written into `OUT_DIR` only; the snapshot keeps the
//! bare accepted code, so editing a description never churns snapshots.
//! The description is Markdown as the spec writes it (a fenced block in it
//! is a doctest, as in any doc comment); a fence it leaves open is closed
//! before anything follows, so nothing after it is read as code.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use crate::lockfile::Author;
use crate::spec::{rust, Example, Expected, Spec, SpecFile};

/// `code` with the spec's doc comment on its function: the description,
/// the constraints, the examples as doctests that `use CRATE::*;`
/// (`crate_name` as Rust spells it: `example_project`), and who wrote it.
pub fn document(spec: &SpecFile, code: &str, crate_name: &str, author: Author) -> String {
    place(
        code,
        &doc_comment(spec, crate_name, author),
        &spec.spec.name,
    )
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

/// The spec's description as written and its constraints as
/// documentation lines (an empty line between paragraphs).
pub(crate) fn prose(file: &SpecFile) -> Vec<String> {
    let spec = &file.spec;
    // A spec built in memory has no written form: its folded one serves.
    let written = match file.description_as_written.is_empty() {
        true => &spec.description,
        false => &file.description_as_written,
    };
    let mut doc: Vec<String> = closed(written).lines().map(str::to_string).collect();
    if !spec.constraints.is_empty() {
        doc.push(String::new());
        doc.push("Constraints:".into());
        doc.push(String::new());
        doc.extend(spec.constraints.iter().map(|c| format!("- {c}")));
    }
    doc
}

/// Text no description holds, placed after one to see how it is read.
const PROBE: &str = "intent-docs-probe-5e1f";

/// `markdown`, with a closing fence added when it ends inside a fenced
/// code block; when that does not leave what follows outside every code
/// block (raw HTML left open, say), the whole text shown verbatim in a
/// fence of its own.
pub(crate) fn closed(markdown: &str) -> String {
    let text = match closing_fence(markdown) {
        Some(closer) => format!("{markdown}\n{closer}"),
        None => markdown.to_string(),
    };
    if !swallows(&text) {
        return text;
    }
    let longest = markdown
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{markdown}\n{fence}")
}

/// Whether a paragraph after `markdown` (past a blank line) would not be a
/// paragraph of its own at the top level.
fn swallows(markdown: &str) -> bool {
    let text = format!("{markdown}\n\n{PROBE}\n");
    // Whether each open element is a paragraph.
    let mut open: Vec<bool> = Vec::new();
    for event in Parser::new(&text) {
        match event {
            Event::Start(tag) => open.push(matches!(tag, Tag::Paragraph)),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) if t.contains(PROBE) => return open != [true],
            _ => {}
        }
    }
    true
}

/// The fence that closes the fenced code block `markdown` ends in, when
/// its closing fence is missing: the opening fence, after the same
/// blockquote markers and indentation.
fn closing_fence(markdown: &str) -> Option<String> {
    let block = Parser::new(markdown)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => Some(range),
            _ => None,
        })
        .last()?;
    if !markdown[block.end..].trim().is_empty() {
        return None;
    }
    let line_start = markdown[..block.start].rfind('\n').map_or(0, |i| i + 1);
    let lines: Vec<&str> = markdown[line_start..block.end].trim_end().lines().collect();
    let opening = lines.first()?;
    let at = opening.find(['`', '~'])?;
    let mark = opening[at..].chars().next()?;
    let run = opening[at..].chars().take_while(|&c| c == mark).count();
    let last = lines.last()?.trim_start_matches([' ', '>']).trim_end();
    if lines.len() > 1 && last.len() >= run && last.chars().all(|c| c == mark) {
        return None;
    }
    let prefix: String = opening[..at]
        .chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect();
    Some(format!("{prefix}{}", mark.to_string().repeat(run)))
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
fn doc_comment(file: &SpecFile, crate_name: &str, author: Author) -> String {
    let spec = &file.spec;
    let mut doc = prose(file);
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
    doc.push(attribution(
        author,
        &file.path.display().to_string().replace('\\', "/"),
    ));
    comment(&doc)
}

/// The doc comment's last line: who wrote the code, under which spec.
pub(crate) fn attribution(author: Author, spec: &str) -> String {
    match author {
        Author::Model => {
            format!("*Written by a language model from `{spec}` and accepted by intent's gates.*")
        }
        Author::Hand => format!("*Written by hand under `{spec}` and accepted by intent's gates.*"),
        Author::Adopted => {
            format!(
                "*The crate's own code, adopted under `{spec}` and accepted by intent's gates.*"
            )
        }
    }
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
        let documented = document(&file, code, "shapes", Author::Model);
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
            Author::Model,
        );
        assert!(documented.contains("/// ```text\n/// assert_eq!(area(2.0), 4.0);\n"));
        assert!(!documented.contains("use shapes"));
    }

    /// Every fenced block of `doc` (`///` lines) as (opening line, closed),
    /// and whether the attribution is a paragraph outside any block.
    fn blocks(doc: &str) -> (Vec<(String, bool)>, bool) {
        let text: String = doc
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("///"))
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect();
        let mut found = Vec::new();
        let mut open: Vec<bool> = Vec::new();
        let mut footer_outside = false;
        for (event, range) in Parser::new(&text).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                    let block = text[range].trim_end();
                    let first = block
                        .lines()
                        .next()
                        .unwrap()
                        .trim_start_matches([' ', '>', '-']);
                    let mark: String = first
                        .chars()
                        .take_while(|c| *c == '`' || *c == '~')
                        .collect();
                    let last = block.lines().last().unwrap().trim_start_matches([' ', '>']);
                    let closed = block.lines().count() > 1 && last.trim_end().starts_with(&mark);
                    found.push((first.to_string(), closed));
                    open.push(false);
                }
                Event::Start(tag) => open.push(matches!(tag, Tag::Paragraph)),
                Event::End(_) => {
                    open.pop();
                }
                Event::Text(t) if t.contains("accepted by intent's gates") => {
                    footer_outside = open == [true, false]; // a paragraph, then emphasis
                }
                _ => {}
            }
        }
        (found, footer_outside)
    }

    #[test]
    fn no_description_leaves_a_fence_open_in_the_generated_docs() {
        let cases = [
            ("a fence at the end", "Doubles.\n\n```"),
            (
                "a fence with code, never closed",
                "Doubles.\n\n```rust\nassert_eq!(f(1), 2);",
            ),
            (
                "a fence inside a list",
                "Doubles:\n\n- one\n- two:\n\n  ```\n  let x = 1;",
            ),
            ("a fence on a list marker", "Doubles:\n\n- ```text\n  x"),
            (
                "four backticks, closed by three",
                "Doubles.\n\n````\n```\nnot the end",
            ),
            ("tildes", "Doubles.\n\n~~~\nlet x = 1;"),
            ("a fence in a quote", "Doubles.\n\n> ```\n> let x = 1;"),
            ("raw HTML left open", "Doubles.\n\n<pre>\nlet x = 1;"),
            ("balanced", "Doubles.\n\n```\nlet x = 1;\n```\n\nMore."),
        ];
        for (what, description) in cases {
            let toml = format!(
                "signature = \"pub fn area(x: i32) -> i32\"\ndescription = '''\n{description}\n'''\nexamples = [{{ call = \"area(1)\", expect = \"2\" }}]\n"
            );
            let documented = document(
                &spec(&toml),
                "pub fn area(x: i32) -> i32 { x * 2 }",
                "shapes",
                Author::Model,
            );
            let (blocks, footer_outside) = blocks(&documented);
            assert!(
                footer_outside,
                "{what}: the attribution is swallowed:\n{documented}"
            );
            assert!(
                blocks.iter().all(|(_, closed)| *closed),
                "{what}: {blocks:?}\n{documented}"
            );
            assert!(
                blocks.iter().any(|(first, _)| first == "```"),
                "{what}: the examples are a doctest:\n{documented}"
            );
        }
    }

    #[test]
    fn the_description_keeps_its_markdown_and_the_footer_names_the_author() {
        let description = "Turns `s` into a slug.\nWrapped line,  \nafter a hard break.\n\n- a [link](https://example.com)\n- a list\n\n```should_panic\n# use shapes::f;\nf(-1);\n```";
        let toml = format!(
            "signature = \"pub fn area(x: i32) -> i32\"\ndescription = '''\n    {}\n'''\nexamples = [{{ call = \"area(1)\", expect = \"2\" }}]\n",
            description.replace('\n', "\n    ")
        );
        let file = spec(&toml);
        assert_eq!(
            file.description_as_written, description,
            "the shared indentation goes"
        );
        let documented = document(
            &file,
            "pub fn area(x: i32) -> i32 { x * 2 }",
            "shapes",
            Author::Adopted,
        );
        let expected: String = description
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "///\n".to_string()
                } else {
                    format!("/// {l}\n")
                }
            })
            .collect();
        assert!(documented.starts_with(&expected), "{documented}");
        assert!(documented
            .contains("/// *The crate's own code, adopted under `intents/area.intent.toml`"));
        let hand = document(
            &file,
            "pub fn area(x: i32) -> i32 { x * 2 }",
            "shapes",
            Author::Hand,
        );
        assert!(
            hand.contains("/// *Written by hand under `intents/area.intent.toml`"),
            "{hand}"
        );
    }
}
