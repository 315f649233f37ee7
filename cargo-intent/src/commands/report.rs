//! `cargo intent report`: where the last run's page is, and `--open` to
//! open it in the browser, as `cargo build --timings` links its own.

use anyhow::{bail, Result};
use clap::Args;

use crate::exit::Status;
use crate::global::Global;
use crate::workspace;

/// `cargo intent report [--open]`.
#[derive(Debug, Default, Args)]
pub struct ReportArgs {
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn exec(global: &Global, args: &ReportArgs) -> Result<Status> {
    let ws = workspace::load(global)?;
    let mut page = ws.intent_dir().join(intent_build::page::FILE);
    if let [package] = ws.packages.as_slice() {
        let project = ws.open(package)?;
        page = intent_build::page::redraw(&project, &ws.intent_dir())?.unwrap_or(page);
    }
    if !page.is_file() {
        bail!(
            "{}: no run has written a page yet\nhelp: run `cargo intent lock`; every run that generates writes it",
            page.display()
        );
    }
    outln!("{}", page.display())?;
    if args.open {
        opener::open(&page)
            .map_err(|e| anyhow::anyhow!("{}: cannot open it: {e}", page.display()))?;
    }
    Ok(Status::Ok)
}
