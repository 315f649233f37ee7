//! `cargo intent models use NAME`: the crate's owner moves it to a model.

use anyhow::Result;

use crate::exit::Status;
use crate::global::Global;

/// `models use NAME`: the manifest names the model; the model-written
/// intents it makes stale are listed.
pub(super) fn exec(global: &Global, name: &str) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = intent_build::env::Env::from_process()?;
    let project = ws.only("models use")?;
    let moved = intent_build::ops::models::use_model(&project, &env, &ws.intent_dir(), name)?;
    if !global.quiet {
        eprintln!(
            "{:>12} {} to {} ({})",
            "Moved",
            project.name,
            moved.model,
            moved.manifest.display()
        );
        match moved.stale.len() {
            0 => eprintln!("no model-written intent is stale"),
            n => eprintln!(
                "{n} model-written intent(s) are stale now ({}): `cargo intent lock` writes them with {}",
                moved.stale.join(", "),
                moved.model
            ),
        }
    }
    Ok(Status::Ok)
}
