//! Intent specs: the two file forms, validation, and the canonical hash.
//!
//! Both `NAME.intent.toml` and `NAME.intent.md` are read into a form-neutral
//! raw spec that remembers where each value came from, then validated once
//! here, so both forms give the same errors and the same [`Spec`].
//!
//! # Canonical form and spec hash
//!
//! The spec hash is `sha256:` followed by the hex SHA-256 of the text
//! `intent-spec/1\n` + a JSON object with these keys, in this order:
//!
//! | key | value |
//! | --- | --- |
//! | `name` | the intent name |
//! | `signature` | the signature's Rust tokens, space-separated |
//! | `description` | paragraphs with runs of white space folded to one space, joined by a blank line |
//! | `constraints` | each constraint, white space folded |
//! | `prelude` | the prelude's tokens |
//! | `examples` | `[call tokens, "returns" \| "panics", expected tokens or null, tolerance or null]` each |
//! | `tests` | the extra tests' tokens |
//! | `assume` | the `assume` expression's tokens (only when the spec has one) |
//! | `properties` | each property's tokens (only when the spec has any) |
//! | `uses` | the names of the intents it uses (only when it uses any) |
//! | `capabilities` | the declared capabilities' names, sorted (only when it declares any) |
//!
//! The last four keys are left out when empty, so specs written before they
//! existed keep their hashes.
//!
//! Tokens ignore layout and ordinary comments, and TOML key order or quoting
//! never reaches the JSON, so reformatting a spec keeps its hash; any change to
//! a token, a word of the description, an example or a constraint changes it.

mod cache;
mod discover;
#[cfg(feature = "engine")]
pub mod edit;
mod json;
mod markdown;
mod model;
mod parse;
pub(crate) mod rust;
mod text;
mod toml;

pub use cache::SpecCache;
#[cfg_attr(not(feature = "engine"), allow(unused_imports))]
pub use discover::{discover, discover_with, spec_files};
pub use model::*;
#[cfg_attr(not(feature = "engine"), allow(unused_imports))]
pub use parse::{check_signature, parse_file, parse_str};

