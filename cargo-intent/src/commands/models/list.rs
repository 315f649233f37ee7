//! `cargo intent models`: what each package's providers are, and the
//! models `models fetch` installs.

use anyhow::Result;
use intent_build::models;

use crate::exit::Status;
use crate::global::Global;

/// The models `models fetch` installs: name, size, the disk a fetch needs,
/// whether it is installed under `home`, and what it is for.
pub(super) fn known_models(home: &std::path::Path) -> Result<()> {
    outln!(
        "{:<20} {:>8} {:>11}  {:<13} what it is for",
        "model",
        "size",
        "fetch needs",
        "installed"
    )?;
    for m in models::KNOWN_MODELS {
        let installed = std::fs::metadata(models::models_dir(home).join(m.file))
            .is_ok_and(|f| f.len() == m.size);
        outln!(
            "{:<20} {:>5} MB {:>8} MB  {:<13} {}",
            m.name,
            m.size / 1_000_000,
            m.disk_needed() / 1_000_000,
            if installed { "yes" } else { "no" },
            m.description
        )?;
    }
    Ok(())
}

/// `models`: each package's providers, confinement and imports, then the
/// models that can be fetched.
pub(super) fn exec(global: &Global) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = intent_build::env::Env::from_process()?;
    for package in &ws.packages {
        let project = ws.open(package)?;
        let offline = global.is_offline();
        let described =
            intent_build::ops::models::describe(&project, &env, &ws.intent_dir(), offline)?;
        outln!("{}:", package.name)?;
        for (label, identity) in &described.providers {
            match identity {
                Ok(id) => outln!("  {label:<50} ok     {} {}", id.name, id.digest)?,
                Err(e) => outln!("  {label:<50} error  {e}")?,
            }
        }
        outln!("  confinement: {}", described.confinement)?;
        outln!("  imports: {}", described.imports)?;
    }
    let home = models::home();
    outln!(
        "\nmodels `cargo intent models fetch NAME` installs (in {}):",
        models::models_dir(&home).display()
    )?;
    known_models(&home)?;
    Ok(Status::Ok)
}
