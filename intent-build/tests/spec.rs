//! Spec parsing: both forms, every bad input with its position, and the hash.

use std::path::Path;

use intent_build::spec::parse_str;
use intent_build::spec::Expected;
use intent_build::Error;

const TOML: &str = r#"
name = "normalize2d"
signature = "pub fn normalize2d(x: f64, y: f64) -> Normalized"
description = """Normalise a 2D vector:
return its length and the unit vector."""
constraints = ["Use only std.", "Never panic."]
prelude = """
#[derive(Debug, PartialEq)]
pub struct Normalized { pub mag: f64, pub nx: f64, pub ny: f64 }
"""
examples = [
  { call = "normalize2d(3.0, 4.0)", expect = "Normalized { mag: 5.0, nx: 0.6, ny: 0.8 }" },
  { call = "normalize2d(0.0, 2.0)", expect = "Normalized { mag: 2.0, nx: 0.0, ny: 1.0 }" },
]
tests = """assert_eq!(normalize2d(1.0, 0.0).mag, 1.0);"""
"#;

const MARKDOWN: &str = r#"# Normalising vectors

# name: normalize2d
# target: rust
# description: Normalise a 2D vector:
  return its length and the unit vector.
# signature: pub fn normalize2d(x: f64, y: f64) -> Normalized
# prelude:
```rust
#[derive(Debug, PartialEq)]
pub struct Normalized { pub mag: f64, pub nx: f64, pub ny: f64 }
```
# constraints:
- Use only std.
- Never panic.
# examples:
- in: {"x":3,"y":4} out: {"mag":5,"nx":0.6,"ny":0.8}
- normalize2d(0.0, 2.0) == Normalized { mag: 2.0, nx: 0.0, ny: 1.0 }
# tests:
```rust
assert_eq!(normalize2d(1.0, 0.0).mag, 1.0);
```
"#;

#[test]
fn toml_and_markdown_forms_give_the_same_spec_and_hash() {
    let toml = parse_str(TOML, Path::new("intents/normalize2d.intent.toml")).unwrap();
    let md = parse_str(MARKDOWN, Path::new("intents/normalize2d.intent.md")).unwrap();
    assert_eq!(toml.spec, md.spec);
    assert_eq!(toml.hash, md.hash);
    assert_eq!(
        toml.spec.signature,
        "pub fn normalize2d(x: f64, y: f64) -> Normalized"
    );
    assert_eq!(
        toml.spec.description,
        "Normalise a 2D vector: return its length and the unit vector."
    );
    assert_eq!(
        toml.spec.examples[0].expected,
        Expected::Returns("Normalized {\n    mag: 5.0,\n    nx: 0.6,\n    ny: 0.8,\n}".into())
    );
}

#[test]
fn the_issue_example_parses_with_panics_and_tests() {
    let text = r#"
name = "has_close_elements"
signature = "pub fn has_close_elements(numbers: Vec<f64>, threshold: f64) -> bool"
description = """Whether any two numbers are closer to each other than threshold."""
constraints = ["Use only std.", "Never panic."]
prelude = ""
examples = [
  { call = "has_close_elements(vec![1.0, 2.0, 3.0], 0.5)", expect = "false" },
  { call = "has_close_elements(vec![1.0, 2.8, 3.0], 0.3)", expect = "true" },
  { call = "has_close_elements(vec![], -1.0)", panics = true },
  { call = "1.0_f64.sqrt()", expect = "1.0", tolerance = 1e-9 },
]
tests = """assert!(has_close_elements(vec![1.0, 1.05], 0.1));"""
"#;
    let file = parse_str(text, Path::new("intents/has_close_elements.intent.toml")).unwrap();
    assert_eq!(file.spec.examples.len(), 4);
    assert_eq!(file.spec.examples[2].expected, Expected::Panics);
    assert_eq!(file.spec.examples[3].tolerance, Some(1e-9));
    assert_eq!(file.spec.prelude, "");
    assert_eq!(
        file.spec.tests,
        "assert!(has_close_elements(vec![1.0, 1.05], 0.1));"
    );
}

const BASE: &str = r#"signature = "pub fn add(a: i32, b: i32) -> i32"
description = "The sum of a and b."
examples = [{ call = "add(2, 3)", expect = "5" }]
"#;

fn hash(text: &str) -> String {
    parse_str(text, Path::new("intents/add.intent.toml"))
        .unwrap()
        .hash
}

#[test]
fn hash_ignores_layout_comments_and_key_order() {
    let base = hash(BASE);
    let reformatted = r#"
# a comment
examples = [
    { expect = "5", call = "add( 2,3 )" },   # spacing and key order
]
description = """
The   sum of a
and b.
"""
signature = 'pub fn add(a:i32,b:i32)->i32'
"#;
    assert_eq!(hash(reformatted), base);
}

#[test]
fn hash_changes_with_any_edit_of_meaning() {
    let base = hash(BASE);
    let edits = [
        BASE.replace("a: i32, b: i32", "a: i64, b: i32"),
        BASE.replace("The sum", "The difference"),
        BASE.replace("expect = \"5\"", "expect = \"6\""),
        BASE.replace("add(2, 3)", "add(3, 2)"),
        format!("{BASE}constraints = [\"Use only std.\"]\n"),
        format!("{BASE}prelude = \"use std::fmt;\"\n"),
        format!("{BASE}tests = \"assert_eq!(add(0, 0), 0);\"\n"),
        BASE.replace("expect = \"5\"", "expect = \"5\", tolerance = 0.5"),
        BASE.replace("expect = \"5\"", "panics = true"),
    ];
    for edit in &edits {
        assert_ne!(hash(edit), base, "edit did not change the hash:\n{edit}");
    }
}

/// Parses `text` as `path` and returns its single error rendered as text.
fn error(path: &str, text: &str) -> String {
    match parse_str(text, Path::new(path)) {
        Ok(_) => panic!("{path} parsed, but should not have:\n{text}"),
        Err(Error::Spec(errors)) => {
            assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
            errors[0].to_string()
        }
        Err(other) => panic!("not a spec error: {other}"),
    }
}

const T: &str = "intents/add.intent.toml";
const M: &str = "intents/add.intent.md";

#[test]
fn bad_toml_syntax() {
    let e = error(T, "signature = \"pub fn add()\ndescription = 1\n");
    assert!(e.starts_with("intents/add.intent.toml:1:"), "{e}");
}

#[test]
fn unknown_key() {
    let e = error(T, &format!("{BASE}descripton = \"typo\"\n"));
    assert!(
        e.starts_with("intents/add.intent.toml:4:1: unknown field `descripton`"),
        "{e}"
    );
    assert!(
        e.contains("(expected one of the keys `name`, `signature`"),
        "{e}"
    );
}

#[test]
fn an_example_that_is_not_a_table_says_what_an_example_is() {
    // Where the error is decides what was expected, whatever the words:
    // a string, a misspelt key and a missing `call`, all inside `examples`.
    for (body, column) in [
        ("examples = [\"add(1, 2)\"]\n", 13),
        ("examples = [{ cal = \"add(1, 2)\", expect = \"3\" }]\n", 15),
        ("examples = [{ expect = \"3\" }]\n", 13),
    ] {
        let e = error(
            T,
            &format!(
                "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"Add.\"\n{body}"
            ),
        );
        assert!(
            e.starts_with(&format!("intents/add.intent.toml:3:{column}: ")),
            "{e}"
        );
        assert!(e.contains("(expected an example table `{ call = "), "{e}");
    }
}

#[test]
fn missing_signature() {
    let e = error(
        T,
        "description = \"x\"\nexamples = [{ call = \"add(1, 2)\", expect = \"3\" }]\n",
    );
    assert_eq!(e, "intents/add.intent.toml:1:1: missing `signature` (expected a function signature such as `pub fn name(x: i32) -> i32`)\nhelp: add the function's signature: `signature = \"pub fn name(x: i32) -> i32\"` (Markdown: `# signature: pub fn …`)");
}

#[test]
fn signature_that_does_not_parse() {
    let e = error(
        T,
        &BASE.replace(
            "pub fn add(a: i32, b: i32) -> i32",
            "pub fn add(a: i32, b i32) -> i32",
        ),
    );
    assert!(
        e.starts_with("intents/add.intent.toml:1:35: signature does not parse: expected `:`"),
        "{e}"
    );
}

#[test]
fn signature_with_a_body() {
    let e = error(T, &BASE.replace("-> i32\"", "-> i32 { a + b }\""));
    assert!(e.starts_with("intents/add.intent.toml:1:"), "{e}");
    assert!(e.contains("has no body"), "{e}");
}

#[test]
fn private_signature() {
    let e = error(T, &BASE.replace("pub fn", "fn"));
    assert_eq!(e, "intents/add.intent.toml:1:14: function `add` has no visibility, so the crate could not call it (expected `pub fn` or `pub(crate) fn`)\nhelp: write `pub fn add` (or `pub(crate) fn add`)");
}

#[test]
fn name_that_is_not_an_identifier() {
    let e = error(T, &format!("name = \"add-two\"\n{BASE}"));
    assert!(
        e.starts_with("intents/add.intent.toml:1:9: `add-two` is not a Rust identifier"),
        "{e}"
    );
}

#[test]
fn name_that_differs_from_the_signature() {
    let e = error(T, &format!("name = \"sum\"\n{BASE}"));
    assert_eq!(e, "intents/add.intent.toml:1:9: name `sum` differs from the signature's function name `add` (expected the same name in both places)\nhelp: rename one of them: `name = \"add\"`, or `fn sum` in the signature");
}

#[test]
fn file_name_that_differs_from_the_signature() {
    let e = error("intents/plus.intent.toml", BASE);
    assert!(
        e.starts_with(
            "intents/plus.intent.toml:1:14: function `add` differs from the intent name `plus`"
        ),
        "{e}"
    );
}

#[test]
fn example_call_that_does_not_parse() {
    let e = error(T, &BASE.replace("add(2, 3)", "add(2, 3"));
    assert!(e.starts_with("intents/add.intent.toml:3:"), "{e}");
    assert!(e.contains("example 0: `call` does not parse"), "{e}");
}

#[test]
fn example_expect_that_does_not_parse() {
    let e = error(T, &BASE.replace("expect = \"5\"", "expect = \"5 +\""));
    assert!(e.starts_with("intents/add.intent.toml:3:"), "{e}");
    assert!(e.contains("example 0: `expect` does not parse"), "{e}");
}

#[test]
fn example_with_expect_and_panics() {
    let e = error(
        T,
        &BASE.replace("expect = \"5\"", "expect = \"5\", panics = true"),
    );
    assert_eq!(e, "intents/add.intent.toml:3:13: example 0 has both `expect` and `panics = true` (expected one of them)\nhelp: keep `expect` for the value the call returns, or `panics = true` for a call that must panic");
}

#[test]
fn example_with_neither_expect_nor_panics() {
    let e = error(T, &BASE.replace(", expect = \"5\"", ""));
    assert!(
        e.starts_with("intents/add.intent.toml:3:13: example 0 has neither"),
        "{e}"
    );
}

#[test]
fn unknown_key_in_an_example() {
    let e = error(T, &BASE.replace("expect = \"5\"", "expected = \"5\""));
    assert!(e.starts_with("intents/add.intent.toml:3:"), "{e}");
    assert!(e.contains("unknown field `expected`"), "{e}");
}

#[test]
fn negative_tolerance() {
    let e = error(
        T,
        &BASE.replace("expect = \"5\"", "expect = \"5\", tolerance = -1.0"),
    );
    assert!(e.starts_with("intents/add.intent.toml:3:61: example 0: tolerance -1 is not a finite non-negative number"), "{e}");
}

#[test]
fn prelude_that_does_not_parse() {
    let e = error(
        T,
        &format!("{BASE}prelude = \"\"\"\nstruct P {{ x: i32 \n\"\"\"\n"),
    );
    assert!(e.starts_with("intents/add.intent.toml:"), "{e}");
    assert!(e.contains("prelude does not parse"), "{e}");
}

#[test]
fn tests_that_do_not_parse() {
    let e = error(
        T,
        &format!("{BASE}tests = \"\"\"\nassert!(add(1, 1) == 2;\n\"\"\"\n"),
    );
    assert!(e.starts_with("intents/add.intent.toml:5:"), "{e}");
    assert!(e.contains("tests do not parse"), "{e}");
}

#[test]
fn no_examples() {
    let e = error(
        T,
        "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"x\"\n",
    );
    assert!(e.contains("no examples"), "{e}");
}

const MD_BASE: &str = "# signature: pub fn add(a: i32, b: i32) -> i32\n# description: The sum.\n# examples:\n- in: {\"a\": 2, \"b\": 3} out: 5\n";

#[test]
fn markdown_target_that_names_no_rust() {
    let e = error(M, &format!("# target: python\n{MD_BASE}"));
    assert_eq!(
        e,
        "intents/add.intent.md:1:11: target `python` names no Rust (expected `# target: rust`)"
    );
}

#[test]
fn markdown_unknown_section() {
    let e = error(M, &format!("{MD_BASE}# notes: none\n"));
    assert!(
        e.starts_with("intents/add.intent.md:5:1: unknown section `# notes:`"),
        "{e}"
    );
}

#[test]
fn markdown_example_json_that_does_not_parse() {
    let e = error(M, &MD_BASE.replace("\"b\": 3}", "\"b\": 3"));
    assert!(e.starts_with("intents/add.intent.md:4:"), "{e}");
    assert!(e.contains("example input is not JSON"), "{e}");
}

#[test]
fn markdown_example_with_an_unknown_parameter() {
    let e = error(M, &MD_BASE.replace("\"b\"", "\"c\""));
    assert_eq!(e, "intents/add.intent.md:4:7: `add` has no parameter `c` (expected argument names from the signature)");
}

#[test]
fn markdown_example_output_of_the_wrong_type() {
    let e = error(M, &MD_BASE.replace("out: 5", "out: \"five\""));
    assert!(e.starts_with("intents/add.intent.md:4:29: example output: JSON value `\"five\"` does not fit type `i32`"), "{e}");
}

#[test]
fn markdown_rust_example_that_is_not_a_comparison() {
    let e = error(
        M,
        &MD_BASE.replace("- in: {\"a\": 2, \"b\": 3} out: 5", "- add(2, 3)"),
    );
    assert!(
        e.starts_with("intents/add.intent.md:4:3: example is neither"),
        "{e}"
    );
}

#[test]
fn duplicate_names_in_one_crate() {
    let dir = tempfile::tempdir().unwrap();
    let intents = dir.path().join("intents");
    std::fs::create_dir_all(intents.join("more")).unwrap();
    std::fs::write(intents.join("add.intent.toml"), BASE).unwrap();
    std::fs::write(intents.join("more/add.intent.md"), MD_BASE).unwrap();
    let err = intent_build::spec::discover(&intents, dir.path()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("duplicate intent name `add`, also declared in intents/"),
        "{text}"
    );
}

#[test]
fn all_errors_in_a_file_are_reported_together() {
    let text = "name = \"x-y\"\nsignature = \"fn (\"\ndescription = \"\"\nexamples = [{ call = \"(\", expect = \")\" }]\n";
    let Err(Error::Spec(errors)) = parse_str(text, Path::new(T)) else {
        panic!("expected spec errors");
    };
    assert!(errors.len() >= 4, "{errors:#?}");
}

#[test]
fn assume_and_properties_in_both_forms_with_their_positions() {
    let toml = format!(
        "{TOML}assume = \"x.abs() < 1e6\"\nproperties = [\n  \"result.mag >= 0.0\",\n  \"result.nx.abs() <= 1.0\",\n]\n"
    );
    let md = format!(
        "{MARKDOWN}# assume: `x.abs() < 1e6`\n# properties:\n- `result.mag >= 0.0`\n- result.nx.abs() <= 1.0\n"
    );
    let toml = parse_str(&toml, Path::new("intents/normalize2d.intent.toml")).unwrap();
    let md = parse_str(&md, Path::new("intents/normalize2d.intent.md")).unwrap();
    assert_eq!(toml.spec, md.spec);
    assert_eq!(toml.hash, md.hash);
    assert_eq!(toml.spec.assume.as_deref(), Some("x.abs() < 1e6"));
    assert_eq!(toml.spec.properties.len(), 2);
    // Where each starts, for errors found when they are compiled.
    let at = |l: &intent_build::spec::Location| (l.line, l.column);
    assert_eq!(toml.locations.assume.as_ref().map(at), Some((16, 11)));
    assert_eq!(
        toml.locations.properties.iter().map(at).collect::<Vec<_>>(),
        [(18, 4), (19, 4)]
    );
    assert_eq!(md.locations.assume.as_ref().map(at), Some((23, 12)));
    assert_eq!(
        md.locations.properties.iter().map(at).collect::<Vec<_>>(),
        [(25, 4), (26, 3)]
    );
    // Checks are part of the meaning; a spec without them keeps its hash.
    let plain = parse_str(TOML, Path::new("intents/normalize2d.intent.toml")).unwrap();
    assert_ne!(plain.hash, toml.hash);
    assert!(!plain.spec.canonical().contains("assume"));
    assert!(!plain.spec.canonical().contains("properties"));
}

#[test]
fn a_property_that_does_not_parse_is_located() {
    let text = "signature = \"pub fn add(a: i32) -> i32\"\ndescription = \"d\"\nexamples = [{ call = \"add(1)\", expect = \"1\" }]\nproperties = [\"result >\"]\n";
    let e = error(T, text);
    assert!(e.starts_with("intents/add.intent.toml:4:"), "{e}");
    assert!(e.contains("property 0 does not parse"), "{e}");
    assert!(e.contains("expected a Rust boolean expression"), "{e}");
    let e = error(M, "# signature: pub fn add(a: i32) -> i32\n# description: d\n# examples:\n- add(1) == 1\n# assume: a >>> 0\n");
    assert!(e.starts_with("intents/add.intent.md:5:"), "{e}");
    assert!(e.contains("`assume` does not parse"), "{e}");
}

#[test]
fn uses_in_both_forms_and_naming_itself() {
    let toml = "signature = \"pub fn lcm(a: u64, b: u64) -> u64\"\ndescription = \"d\"\nuses = [\"gcd\", \"abs_diff\"]\nexamples = [{ call = \"lcm(4, 6)\", expect = \"12\" }]\n";
    let md = "# signature: pub fn lcm(a: u64, b: u64) -> u64\n# description: d\n# uses: gcd, `abs_diff`\n# examples:\n- lcm(4, 6) == 12\n";
    let toml = parse_str(toml, Path::new("intents/lcm.intent.toml")).unwrap();
    let md = parse_str(md, Path::new("intents/lcm.intent.md")).unwrap();
    assert_eq!(toml.spec.uses, ["gcd", "abs_diff"]);
    assert_eq!(toml.spec, md.spec);
    assert_eq!(toml.hash, md.hash);
    let at = |l: &intent_build::spec::Location| (l.line, l.column);
    assert_eq!(
        md.locations.uses.iter().map(at).collect::<Vec<_>>(),
        [(3, 9), (3, 15)]
    );
    let e = error(
        T,
        "signature = \"pub fn add(a: i32) -> i32\"\ndescription = \"d\"\nuses = [\"add\"]\nexamples = [{ call = \"add(1)\", expect = \"1\" }]\n",
    );
    assert_eq!(
        e,
        "intents/add.intent.toml:3:10: `uses` names `add` itself (expected names of other intents in this crate)"
    );
}

#[test]
fn capabilities_in_both_forms_are_sorted_hashed_and_checked() {
    let toml = "signature = \"pub fn stamp(a: u64) -> u64\"\ndescription = \"d\"\ncapabilities = [\"threads\", \"clock\"]\nexamples = [{ call = \"stamp(4)\", expect = \"4\" }]\n";
    let md = "# signature: pub fn stamp(a: u64) -> u64\n# description: d\n# capabilities: clock, `threads`\n# examples:\n- stamp(4) == 4\n";
    let toml = parse_str(toml, Path::new("intents/stamp.intent.toml")).unwrap();
    let md = parse_str(md, Path::new("intents/stamp.intent.md")).unwrap();
    use intent_build::capability::Capability;
    assert_eq!(
        toml.spec.capabilities,
        [Capability::Clock, Capability::Threads]
    );
    assert_eq!(toml.spec, md.spec);
    assert_eq!(toml.hash, md.hash);
    assert!(toml
        .spec
        .canonical()
        .ends_with(",\"capabilities\":[\"clock\",\"threads\"]}"));
    // Declaring one changes the hash; declaring none keeps older hashes.
    let bare = parse_str(
        "signature = \"pub fn stamp(a: u64) -> u64\"\ndescription = \"d\"\nexamples = [{ call = \"stamp(4)\", expect = \"4\" }]\n",
        Path::new("intents/stamp.intent.toml"),
    )
    .unwrap();
    assert_ne!(bare.hash, toml.hash);
    assert!(!bare.spec.canonical().contains("capabilities"));

    let e = error(
        T,
        "signature = \"pub fn add(a: i32) -> i32\"\ndescription = \"d\"\ncapabilities = [\"network\"]\nexamples = [{ call = \"add(1)\", expect = \"1\" }]\n",
    );
    assert_eq!(
        e,
        "intents/add.intent.toml:3:18: `network` is not a capability (expected one of `clock`, `random`, `threads`, `stdio`)"
    );
    let e = error(
        M,
        "# signature: pub fn add(a: i32) -> i32\n# description: d\n# capabilities: clock, clock\n# examples:\n- add(1) == 1\n",
    );
    assert_eq!(
        e,
        "intents/add.intent.md:3:24: `capabilities` names `clock` twice (expected each capability once)"
    );
}
