//! The one door from the build script to the generation pipeline.
//!
//! The build script calls [`in_build_script`] for stale intents when the
//! environment allows regeneration. Until the pipeline and a configured model
//! can run here, it explains why it cannot, and the build fails with the same
//! stale-intent errors as in CI, naming the command that fixes them.

use crate::env::Env;

/// Tries to regenerate stale intents inside a build script.
///
/// # Errors
///
/// A sentence saying why regeneration could not happen, used in the
/// stale-intent error.
pub(crate) fn in_build_script(env: &Env) -> Result<(), String> {
    if env.model.is_none() && env.provider.is_none() {
        return Err("no model is configured for the build script (set INTENT_MODEL, or use `cargo intent lock`, which uses the default model)".into());
    }
    Err("this version of intent-build does not regenerate inside `cargo build`".into())
}
