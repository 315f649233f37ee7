//! The docs' examples, run as written. Every `console` block of `README.md`
//! and of the book under `docs/src/` is a script: each `$ ` line runs in a
//! shell in a fresh crate (the page's fixture, under `tests/docs/`) with
//! `cargo-intent` of this build on `PATH` and a scripted model (answering
//! from `tests/docs/answers/`), and what it
//! prints must match the lines under it (snapbox's `[..]` and `...` elide
//! what varies; `[ROOT]` is the crate's folder). A page says what it needs
//! in HTML comments, which the book does not show:
//!
//! - `<!-- doc-test: fixture NAME -->`: the crate it runs in;
//! - `<!-- doc-test: write PATH -->` just before a block: the block's text
//!   is written to that file of the crate before the next command
//!   (`append PATH`: added at its end);
//! - `<!-- doc-test: $ COMMAND -->`: a step the page does not show, which
//!   must succeed.
//!
//! Every other `cargo intent` line in a code block must be in [`NOT_RUN`],
//! with the reason no page can run it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use intent_tests::{run_full, workspace_root, Fixture, ScriptedModel};

/// `cargo intent` lines the docs show but no page runs, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo intent models fetch",
        "downloads a model from the package index: scripts/demo runs it, tests/cli.rs its errors",
    ),
    (
        "cargo intent edit",
        "opens $VISUAL or $EDITOR: tests/hand.rs runs it with a scripted editor",
    ),
    (
        "cargo intent watch",
        "runs until stopped: tests/cli.rs watches a spec change",
    ),
    (
        "cargo intent tighten",
        "asks at a terminal: tests/adequacy.rs answers it in a pseudo-terminal",
    ),
    (
        "cargo intent report --open",
        "opens a browser: tests/ships.rs draws the page in headless Chromium",
    ),
    (
        "cargo intent models use",
        "writes a model a real lock would regenerate with: tests/cli.rs runs it",
    ),
    (
        "cargo install",
        "installs from the registry or this checkout: scripts/demo runs it",
    ),
];

/// One fenced code block of a page.
#[derive(Debug)]
struct Block {
    /// The info string (`console`, `toml`, …).
    info: String,
    /// Its text, without the fences.
    body: String,
    /// The line of its opening fence, from 1.
    line: usize,
    /// The `doc-test: write PATH` or `append PATH` directive just before
    /// it, if any.
    write: Option<Write>,
}

/// A block's text goes into a file of the crate.
#[derive(Debug, Clone)]
struct Write {
    path: String,
    append: bool,
}

/// What a page asks for, in order.
#[derive(Debug)]
enum Step {
    Write {
        to: Write,
        text: String,
    },
    Run {
        command: String,
        expected: Option<String>,
        line: usize,
    },
}

/// Every file under `dir` whose name ends in `.EXT`, sorted.
fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `README.md` and every Markdown page of the book.
fn pages() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut pages = vec![root.join("README.md")];
    pages.extend(files_under(&root.join("docs/src"), "md"));
    pages
}

fn directive(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!-- doc-test:")?
        .strip_suffix("-->")
        .map(str::trim)
}

/// The fenced blocks of `text` (backticks or tildes, three or more).
fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let fence: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        if fence.len() < 3 {
            i += 1;
            continue;
        }
        let write = i
            .checked_sub(1)
            .and_then(|p| directive(lines[p]))
            .and_then(|d| {
                let (verb, path) = d.split_once(' ')?;
                let append = match verb {
                    "write" => false,
                    "append" => true,
                    _ => return None,
                };
                let path = path.trim().to_string();
                Some(Write { path, append })
            });
        let start = i;
        let mut body = String::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with(&fence) {
            body.push_str(lines[i]);
            body.push('\n');
            i += 1;
        }
        out.push(Block {
            info: trimmed[fence.len()..].trim().to_string(),
            body,
            line: start + 1,
            write,
        });
        i += 1;
    }
    out
}

/// The page's steps: its `write` blocks, hidden commands and console
/// commands, in the order they appear.
fn steps(text: &str) -> Vec<Step> {
    let blocks = blocks(text);
    let mut steps = Vec::new();
    let mut next = blocks.iter().peekable();
    for (n, line) in text.lines().enumerate() {
        if let Some(command) = directive(line).and_then(|d| d.strip_prefix("$ ")) {
            steps.push(Step::Run {
                command: command.trim().to_string(),
                expected: None,
                line: n + 1,
            });
        }
        while let Some(block) = next.next_if(|b| b.line == n + 1) {
            steps.extend(block_steps(block));
        }
    }
    steps
}

fn block_steps(block: &Block) -> Vec<Step> {
    if let Some(to) = &block.write {
        return vec![Step::Write {
            to: to.clone(),
            text: block.body.clone(),
        }];
    }
    if block.info != "console" {
        return Vec::new();
    }
    let mut steps = Vec::new();
    for (k, line) in block.body.lines().enumerate() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step::Run {
                command: command.to_string(),
                expected: Some(String::new()),
                line: block.line + 1 + k,
            });
        } else if let Some(Step::Run {
            expected: Some(expected),
            ..
        }) = steps.last_mut()
        {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    steps
}

/// A fresh copy of the fixture `name`: its `crate/` files over a library
/// crate whose `[package.metadata.intent]` holds its `metadata.toml`, and a
/// scripted model answering each intent with `tests/docs/answers/NAME.rs`
/// (or with `NAME.0.rs`, `NAME.1.rs`, … in turn), shared by every page.
fn fixture(name: &str) -> (Fixture, ScriptedModel) {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs");
    let source = docs.join(name);
    let mut answers: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in files_under(&docs.join("answers"), "rs") {
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        let name = stem.split('.').next().unwrap().to_string();
        let code = std::fs::read_to_string(&file).unwrap();
        answers.entry(name).or_default().push(code);
    }
    let pairs: Vec<(&str, Vec<&str>)> = answers
        .iter()
        .map(|(n, codes)| (n.as_str(), codes.iter().map(String::as_str).collect()))
        .collect();
    let model = ScriptedModel::answering_by_name_in_turn(&pairs);
    // The page's settings (`metadata.toml`) go in `[package.metadata.intent]`.
    let settings = std::fs::read_to_string(source.join("metadata.toml")).unwrap_or_default();
    let manifest = format!(
        "\n[package.metadata.intent]\n{settings}\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest(name, &manifest, "[workspace]\n");
    copy_tree(&source.join("crate"), &f.root);
    (f, model)
}

fn copy_tree(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Runs `command` as a user would in the crate: in `sh`, this build's
/// `cargo-intent` first on `PATH`, stdout and stderr as one stream.
fn shell(f: &Fixture, command: &str) -> (i32, String) {
    let bin_dir = common::bin().parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd: Command = f.command(Path::new("sh"));
    cmd.arg("-c")
        .arg(format!("{command} 2>&1"))
        .env("PATH", path);
    let (code, stdout, _) = run_full(&mut cmd);
    (code, stdout)
}

/// Runs one page; returns what did not match, each naming its line.
fn run_page(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(page).unwrap();
    let steps = steps(&text);
    if !steps.iter().any(|s| matches!(s, Step::Run { .. })) {
        return Vec::new();
    }
    let name = text
        .lines()
        .find_map(|l| directive(l)?.strip_prefix("fixture ").map(str::trim))
        .unwrap_or_else(|| panic!("{}: runs commands but names no fixture", page.display()));
    let (f, _model) = fixture(name);
    let mut redactions = snapbox::Redactions::new();
    redactions.insert("[ROOT]", f.root.clone()).unwrap();
    let assert = snapbox::Assert::new()
        .redact_with(redactions)
        .action(snapbox::assert::Action::Verify)
        .palette(snapbox::report::Palette::plain());
    let mut failures = Vec::new();
    for step in steps {
        match step {
            Step::Write { to, text } if to.append => {
                let before = std::fs::read_to_string(f.root.join(&to.path)).unwrap_or_default();
                f.write(&to.path, &format!("{before}{text}"));
            }
            Step::Write { to, text } => f.write(&to.path, &text),
            Step::Run {
                command,
                expected,
                line,
            } => {
                let (code, actual) = shell(&f, &command);
                let at = format!("{}:{line}: `{command}`", page.display());
                // Shown with `--nocapture`, for writing a page's expected output.
                println!("{at} (exit {code}):\n{actual}");
                match expected {
                    None if code != 0 => failures.push(format!("{at} failed:\n{actual}")),
                    None => {}
                    Some(expected) => {
                        if let Err(e) = assert.try_eq(Some(&at), actual.into(), expected.into()) {
                            failures.push(format!("{at}:\n{e}"));
                        }
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn every_console_example_in_the_readme_and_the_book_prints_what_it_shows() {
    let failures: Vec<String> = pages().iter().flat_map(|p| run_page(p)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_cargo_intent_line_in_the_docs_is_run_or_says_why_not() {
    let mut unrun = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for block in blocks(&text) {
            for (k, line) in block.body.lines().enumerate() {
                let command = line.trim();
                let run = block.info == "console" && command.starts_with("$ ");
                let command = command.trim_start_matches("$ ");
                let shown =
                    command.starts_with("cargo intent") || command.starts_with("cargo install");
                if shown && !run && !NOT_RUN.iter().any(|(p, _)| command.starts_with(p)) {
                    unrun.push(format!(
                        "{}:{}: {command}",
                        page.display(),
                        block.line + 1 + k
                    ));
                }
            }
        }
    }
    assert!(
        unrun.is_empty(),
        "these commands are shown but not run; make them `$ ` lines of a console block, \
         or add them to NOT_RUN with the reason:\n{}",
        unrun.join("\n")
    );
}

#[test]
fn a_page_is_read_into_steps_in_order() {
    let page = "<!-- doc-test: fixture tour -->\n<!-- doc-test: write a.txt -->\n```text\nA\n```\n\
                <!-- doc-test: $ true -->\n```console\n$ cat a.txt\nA\n$ echo b\nb\n```\n";
    let steps = steps(page);
    let shown: Vec<String> = steps.iter().map(|s| format!("{s:?}")).collect();
    assert_eq!(steps.len(), 4, "{shown:#?}");
    assert!(
        matches!(&steps[0], Step::Write { to, text } if to.path == "a.txt" && !to.append && text == "A\n")
    );
    assert!(matches!(&steps[1], Step::Run { command, expected: None, .. } if command == "true"));
    assert!(
        matches!(&steps[2], Step::Run { command, expected: Some(e), line: 8 } if command == "cat a.txt" && e == "A\n")
    );
    assert!(matches!(&steps[3], Step::Run { expected: Some(e), .. } if e == "b\n"));
}

/// `docs/src/reference/NAME.md`.
fn reference(name: &str) -> String {
    let path = workspace_root().join(format!("docs/src/reference/{name}.md"));
    std::fs::read_to_string(path).unwrap()
}

/// The subcommands `cargo intent` (or one of its commands) lists in its
/// `--help`, `help` left out.
fn subcommands(path: &[&str]) -> Vec<String> {
    let mut cmd = Command::new(common::bin());
    cmd.arg("intent").args(path).arg("--help");
    let (code, help, _) = run_full(&mut cmd);
    assert_eq!(code, 0, "{help}");
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_its_reference_section_and_an_example_in_its_help() {
    let page = reference("cli");
    let mut commands: Vec<Vec<String>> = subcommands(&[]).into_iter().map(|c| vec![c]).collect();
    commands.extend(
        subcommands(&["models"])
            .into_iter()
            .map(|c| vec!["models".to_string(), c]),
    );
    assert!(commands.len() >= 15, "{commands:?}");
    let mut missing = Vec::new();
    for path in &commands {
        let name = format!("cargo intent {}", path.join(" "));
        if !page
            .lines()
            .any(|l| l.starts_with('#') && l.contains(&format!("`{name}`")))
        {
            missing.push(format!(
                "docs/src/reference/cli.md has no section for `{name}`"
            ));
        }
        let mut cmd = Command::new(common::bin());
        cmd.arg("intent").args(path).arg("--help");
        let (_, help, _) = run_full(&mut cmd);
        let examples = help.split("Examples:").nth(1).unwrap_or("");
        if !examples.lines().any(|l| l.trim().starts_with(&name)) {
            missing.push(format!("`{name} --help` shows no example of it"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_configuration_key_and_environment_variable_is_in_the_reference() {
    let configuration = reference("configuration");
    let environment = reference("environment");
    let row = |page: &str, key: &str| page.lines().any(|l| l.starts_with(&format!("| `{key}`")));
    let mut missing: Vec<String> = Vec::new();
    for key in intent_build::settings::KEYS
        .iter()
        .chain(intent_build::settings::PROVIDER_KEYS)
    {
        if !row(&configuration, key) {
            missing.push(format!("configuration.md has no row for `{key}`"));
        }
    }
    for var in intent_build::env::WATCHED {
        if !environment.contains(&format!("`{var}`")) {
            missing.push(format!("environment.md does not name `{var}`"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_module_is_on_the_architecture_map() {
    let map = std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for krate in ["intent-build", "cargo-intent"] {
        let heading = format!("## `{krate}/src`");
        let section = map
            .split(&heading)
            .nth(1)
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no section {heading}"));
        let section = section.split("\n## ").next().unwrap();
        let src = workspace_root().join(krate).join("src");
        for path in files_under(&src, "rs") {
            let rel = path.strip_prefix(&src).unwrap().display().to_string();
            if !section.contains(&format!("| `{rel}` |")) {
                missing.push(format!("{krate}/src/{rel}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules missing from ARCHITECTURE.md (one line each):\n{}",
        missing.join("\n")
    );
}

/// mdBook's id for a heading: lowercase, spaces to `-`, only letters,
/// digits, `-` and `_` kept (`mdbook::utils::normalize_id`), of the text
/// without Markdown marks.
fn anchor(heading: &str) -> String {
    heading
        .replace(['`', '*'], "")
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The lines of `text` outside fenced blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marks: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        match &fence {
            Some(open) if marks.len() >= 3 && marks.starts_with(open.as_str()) => fence = None,
            Some(_) => {}
            None if marks.len() >= 3 => fence = Some(marks),
            None => out.push(line),
        }
    }
    out
}

/// The anchors a page's headings get (a repeated one gets `-1`, `-2`, …).
fn anchors(text: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for line in prose(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let id = anchor(heading.trim_start_matches('#').trim());
        let n = seen
            .iter()
            .filter(|s| s.as_str() == id || s.starts_with(&format!("{id}-")))
            .count();
        seen.push(if n == 0 { id } else { format!("{id}-{n}") });
    }
    seen
}

/// Every `](target)` of a page's prose, inline code left out.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let outside: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = outside.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn every_link_between_the_docs_reaches_a_page_and_an_anchor() {
    let root = workspace_root();
    let mut pages = pages();
    pages.push(root.join("ARCHITECTURE.md"));
    pages.push(root.join("BENCHMARKS.md"));
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            if !target.exists() {
                broken.push(format!("{}: `{link}`: no such file", page.display()));
                continue;
            }
            let is_page = target.extension().is_some_and(|e| e == "md");
            if !fragment.is_empty() && is_page {
                let there = std::fs::read_to_string(&target).unwrap();
                if !anchors(&there).iter().any(|a| a == fragment) {
                    broken.push(format!(
                        "{}: `{link}`: no heading with that anchor",
                        page.display()
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_link_check_reads_anchors_and_links_as_mdbook_makes_them() {
    let page = "# Intro\n## `cargo intent lock`\n```\n# not a heading\n```\n## The seed's compression\n## Intro\n\
                see [a](b.md#c) and `[x](not-a-link)`\n";
    assert_eq!(
        anchors(page),
        [
            "intro",
            "cargo-intent-lock",
            "the-seeds-compression",
            "intro-1"
        ]
    );
    assert_eq!(links(page), ["b.md#c"]);
}

#[test]
fn the_readme_is_a_front_door() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    assert!(
        readme.lines().count() <= 150,
        "README.md has {} lines",
        readme.lines().count()
    );
    let first = blocks(&readme).into_iter().next().unwrap();
    let commands: Vec<&str> = first
        .body
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        commands,
        ["scripts/demo", "scripts/test"],
        "the two commands come first"
    );
    let guide = pages()
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("/design/"));
    for page in guide {
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(
            !text.contains("not adopted"),
            "{}: trials belong in design",
            page.display()
        );
    }
}
