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

pub mod capability;
mod config;
mod docs;
mod error;
#[doc(hidden)]
pub mod files;
pub mod lock;
pub mod manifest;
pub mod snapshot;
pub mod spec;

// Support for `cargo intent`, public for it alone (as insta's
// `_cargo_insta_support`): not part of the API build scripts rely on.
#[doc(hidden)]
pub mod env;
#[doc(hidden)]
pub mod handoff;
#[doc(hidden)]
pub mod out;
#[doc(hidden)]
pub mod sandbox;
#[doc(hidden)]
pub mod state;

// What only `cargo intent` needs: model providers, the generation pipeline,
// confinement, model fetching, progress. A build script never compiles it.
#[cfg(feature = "engine")]
pub mod models;
#[cfg(feature = "engine")]
pub mod ops;
#[cfg(feature = "engine")]
pub mod pipeline;
#[cfg(feature = "engine")]
pub mod progress;
#[cfg(feature = "engine")]
pub mod project;
#[cfg(feature = "engine")]
pub mod provider;

pub use capability::Capability;
pub use config::{Config, Outcome};
pub use error::{Error, Result, SpecError};
pub use manifest::{CratePaths, DEFAULT_SPECS_DIR};
pub use spec::{Example, Expected, Spec, SpecFile};

/// Compiles the crate's intents with the default [`Config`].
///
/// # Errors
///
/// As [`Config::compile`].
pub fn compile() -> Result<()> {
    Config::new().compile()
}
