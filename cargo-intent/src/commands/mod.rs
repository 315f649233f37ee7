//! One module per subcommand, each with its own arguments and an `exec`
//! that calls into `intent-build`.

pub mod accept;
pub mod adopt;
pub mod build;
pub mod diff;
pub mod edit;
pub mod eject;
pub mod lock;
pub mod models;
pub mod new;
pub mod report;
pub mod show;
pub mod status;
pub mod tighten;
pub mod verify;
pub mod watch;
