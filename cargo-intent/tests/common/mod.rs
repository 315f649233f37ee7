//! What the test binaries of `cargo-intent` share: the binary under test
//! and how Cargo runs it. Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use intent_tests::Fixture;

/// The `cargo-intent` binary Cargo built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_cargo-intent"))
}

/// `cargo-intent intent ARGS` as Cargo runs it.
pub fn intent(f: &Fixture, args: &[&str]) -> Command {
    let mut cmd = f.command(bin());
    cmd.arg("intent").args(args);
    cmd
}
