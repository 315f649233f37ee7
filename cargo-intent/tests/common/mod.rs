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

/// Leaves every offer still to come at a terminal (`q` at each `right?`)
/// until the program ends, and asserts that it exited with 0; the screen
/// read meanwhile.
pub fn leave_offers(
    session: &mut expectrl::Session<expectrl::session::OsProcess, expectrl::session::OsStream>,
) -> String {
    use expectrl::{Eof, Expect};
    let mut screen = String::new();
    loop {
        let next = session
            .expect(expectrl::Any(vec![
                Box::new("right?") as Box<dyn expectrl::Needle>,
                Box::new(Eof),
            ]))
            .unwrap();
        screen.push_str(&String::from_utf8_lossy(next.before()));
        let matched = String::from_utf8_lossy(next.as_bytes()).to_string();
        screen.push_str(&matched);
        if !matched.contains("right?") {
            break;
        }
        session.send("q").unwrap();
    }
    let status = session.get_process().wait().unwrap();
    assert!(
        matches!(status, expectrl::process::unix::WaitStatus::Exited(_, 0)),
        "{status:?}: {screen}"
    );
    screen
}
