//! Intentions as build inputs.
//!
//! A crate describes functions as *intents*, small specs in `intents/`:
//!
//! ```toml
//! # intents/add.intent.toml
//! signature = "pub fn add(a: i32, b: i32) -> i32"
//! description = "The sum of a and b."
//! examples = [{ call = "add(2, 3)", expect = "5" }]
//! ```
//!
//! `cargo intent lock` turns each intent into code through a local language
//! model, verifies it against its examples, and records it in `Intent.lock`
//! and `intents/snapshots/NAME.snap`. The build script then compiles the
//! accepted code without any model:
//!
//! ```toml
//! # Cargo.toml
//! [build-dependencies]
//! intent-build = "0.1"
//! ```
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     intent_build::compile()?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs: brings in every intent's function (and its prelude types).
//! include!(concat!(env!("OUT_DIR"), "/intents.rs"));
//! ```
//!
//! When a spec changes and regeneration is not allowed (`CI`, `DOCS_RS`,
//! `INTENT_OFFLINE=1`, `cargo --offline`), the build fails with an error that
//! names the intent, what changed, and the command that fixes it.

#![warn(missing_docs)]
// Without `engine`, the support modules serve the build script alone and
// some of what they hold is for `cargo intent` only.
#![cfg_attr(not(feature = "engine"), allow(dead_code))]

mod config;
mod docs;
mod error;

/// Declares support modules: public (but hidden from the docs) for
/// `cargo intent` when the `engine` feature is on, private otherwise — a
/// build script sees only the page below. As insta keeps its CLI support
/// out of its documented API.
macro_rules! support {
    ($($name:ident;)*) => {$(
        #[cfg(feature = "engine")]
        #[doc(hidden)]
        pub mod $name;
        #[cfg(not(feature = "engine"))]
        mod $name;
    )*};
}

support! {
    capability;
    dependencies;
    env;
    files;
    handoff;
    lockfile;
    manifest;
    out;
    sandbox;
    snapshot;
    spec;
    state;
}

/// Declares what only `cargo intent` needs — model providers, the
/// generation pipeline, confinement, model fetching, progress, settings —
/// compiled with the `engine` feature alone: a build script never compiles it.
macro_rules! engine {
    ($($name:ident;)*) => {$(
        #[cfg(feature = "engine")]
        #[doc(hidden)]
        pub mod $name;
    )*};
}

engine! {
    compression;
    digest;
    externs;
    gate;
    generate;
    judge;
    models;
    ops;
    page;
    progress;
    project;
    provider;
    report;
    settings;
    store;
}

#[doc(hidden)]
pub use config::BuildRun;
pub use config::Config;
pub use error::{Error, Result, SpecError};

/// Compiles the crate's intents with the default [`Config`].
///
/// # Errors
///
/// As [`Config::compile`].
pub fn compile() -> Result<()> {
    Config::new().compile()
}
