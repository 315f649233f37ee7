//! `cargo intent new NAME --signature SIG`: scaffold a spec.

use anyhow::{bail, Context, Result};
use clap::Args;
use intent_build::project::Project;

use super::Status;
use crate::cli::Global;

/// `cargo intent new NAME --signature SIG`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The intent (and function) name
    pub name: String,
    /// The function signature, e.g. "pub fn add(a: i32, b: i32) -> i32"
    #[arg(long)]
    pub signature: String,
}

pub fn exec(global: &Global, args: &NewArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let [package] = ws.packages.as_slice() else {
        bail!("choose the package for the new intent with `-p NAME`");
    };
    let project = Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
    let path = project
        .specs_dir()
        .join(format!("{}.intent.toml", args.name));
    if path.exists() {
        bail!("{} already exists", path.display());
    }
    let quoted = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let text = format!(
        "signature = {}\n\
         description = \"\"\"TODO: say what `{}` must do, including edge cases.\"\"\"\n\
         constraints = [\"Use only std.\", \"Never panic.\"]\n\
         # Each example becomes a test: `expect` is a Rust expression, or use `panics = true`.\n\
         examples = [\n  {{ call = \"{}(/* arguments */)\", expect = \"/* expected value */\" }},\n]\n",
        quoted(&args.signature),
        args.name,
        args.name
    );
    // Check the signature and name now, with the same errors `lock` would give.
    let check = text
        .replace("/* arguments */", "")
        .replace("/* expected value */", "()");
    if let Err(intent_build::Error::Spec(errors)) = intent_build::spec::parse_str(&check, &path) {
        let relevant: Vec<String> = errors
            .iter()
            .filter(|e| !e.message.contains("example"))
            .map(|e| e.to_string())
            .collect();
        if !relevant.is_empty() {
            bail!("{}", relevant.join("\n"));
        }
    }
    std::fs::create_dir_all(project.specs_dir()).context("cannot create the spec folder")?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    if !global.quiet {
        outln!(
            "created {}: fill in the description and examples, then run `cargo intent lock {}`",
            path.display(),
            args.name
        )?;
    }
    Ok(Status::Ok)
}
