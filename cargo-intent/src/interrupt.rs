//! Ctrl-C: the first one lets the current step finish (so a snapshot and its
//! lock entry are never half-written) and stops before the next; a second
//! one exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The flag long operations poll.
pub fn flag() -> Arc<AtomicBool> {
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone()
}

/// Whether Ctrl-C was pressed.
pub fn requested() -> bool {
    flag().load(Ordering::SeqCst)
}

/// Installs the handler; without one (an unusual platform) Ctrl-C kills the
/// process, and atomic writes still keep each file whole.
pub fn install() {
    let flag = flag();
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("interrupted: finishing the current step (Ctrl-C again to stop now)");
    });
}
