//! `cargo intent edit NAME`: write an intent's code by hand. Opens
//! `$VISUAL` or `$EDITOR` on its accepted code (else the best candidate of
//! the last run, else a stub of its signature), writes what is saved as
//! its snapshot, and judges it at once as `lock` does: through every gate,
//! with no model call, recorded as `author = "hand"` when it passes.

use anyhow::{bail, Context, Result};
use clap::Args;
use intent_build::ops::hand;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent edit NAME`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &EditArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project = ws.open(package)?;
        let specs = project.specs()?;
        let Some(spec) = specs.iter().find(|s| s.spec.name == args.name) else {
            continue;
        };
        let draft = hand::draft(&project, &ws.intent_dir(), spec)?;
        let edited = edit(&ws.intent_dir().join("edit"), &args.name, &draft)?;
        if edited.trim() == draft.trim() {
            eprintln!("nothing changed: intent `{}` is as it was", args.name);
            return Ok(Status::Ok);
        }
        let path = hand::write(&project, spec, &edited)?;
        eprintln!("{:>12} {}", "Wrote", path.display());
        let lock = crate::commands::lock::LockArgs {
            names: vec![args.name.clone()],
            ..Default::default()
        };
        return crate::commands::lock::exec(global, &lock);
    }
    bail!(
        "no intent named `{}`; `cargo intent status` lists them",
        args.name
    )
}

/// `text` as the user leaves it after editing it as `dir/NAME.rs`.
fn edit(dir: &std::path::Path, name: &str, text: &str) -> Result<String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    std::fs::create_dir_all(dir)?;
    let file = dir.join(format!("{name}.rs"));
    std::fs::write(&file, format!("{}\n", text.trim_end()))?;
    // `$EDITOR` may carry arguments (`code --wait`), as git allows.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&file)
        .status()
        .with_context(|| format!("cannot run the editor `{editor}`"))?;
    if !status.success() {
        bail!("the editor `{editor}` failed ({status}); nothing was written");
    }
    Ok(std::fs::read_to_string(&file)?)
}
