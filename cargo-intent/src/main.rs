//! `cargo intent`: the command-line front of `intent-build`.

fn main() {
    eprintln!("cargo-intent: not implemented yet");
    std::process::exit(2);
}
