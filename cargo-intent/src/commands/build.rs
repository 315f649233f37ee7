//! `cargo intent build`: `lock`, then `cargo build` with the same exit status.

use anyhow::{Context, Result};
use clap::Args;

use super::lock::{lock, LockArgs};
use crate::exit::Status;
use crate::global::Global;

/// `cargo intent build [-- CARGO BUILD ARGS]`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub generation: super::lock::GenerationArgs,
    /// Arguments passed to `cargo build`
    #[arg(last = true)]
    pub cargo_args: Vec<String>,
}

pub fn exec(global: &Global, args: &BuildArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let status = lock(
        global,
        &ws,
        &LockArgs {
            generation: args.generation.clone(),
            ..LockArgs::default()
        },
    )?;
    if status != Status::Ok {
        return Ok(status);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.arg("build");
    if let Some(path) = &global.manifest_path {
        cmd.arg("--manifest-path").arg(path);
    }
    for p in &global.packages {
        cmd.args(["-p", p]);
    }
    for (flag, on) in [
        ("--workspace", global.workspace),
        ("--locked", global.locked),
        ("--offline", global.offline),
        ("--frozen", global.frozen),
        ("--quiet", global.quiet),
    ] {
        if on {
            cmd.arg(flag);
        }
    }
    cmd.args(&args.cargo_args);
    let status = cmd.status().context("cannot run `cargo build`")?;
    Ok(match status.code() {
        Some(0) => Status::Ok,
        Some(code) => Status::Code(u8::try_from(code).unwrap_or(1)),
        None => Status::Failed,
    })
}
