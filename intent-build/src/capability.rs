//! What generated code may do beyond computing, when its spec says so.
//!
//! By default generated code may only compute: its result depends on its
//! arguments and nothing else. A spec declares what more it needs with
//! `capabilities = ["clock"]` (TOML) or `# capabilities: clock` (Markdown);
//! the names are a small closed set, part of the spec hash, shown in the
//! lock and by `cargo intent status`. The gates' policy then allows exactly
//! the declared ones. Files, the network, processes, the environment, FFI
//! and catching panics have no capability: generated code never gets them.

use std::fmt;

/// One thing generated code may do when its spec declares it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Read the wall clock or a monotonic clock, and sleep
    /// (`SystemTime::now`, `Instant::now`, `elapsed`, `thread::sleep`).
    Clock,
    /// Draw randomness from the operating system (`RandomState::new`,
    /// `std::random`, memory addresses turned into values).
    Random,
    /// Start threads and share state between calls or threads (`std::thread`,
    /// `std::sync` beyond `Arc`, atomics, `thread_local!`).
    Threads,
    /// Print to or read from the standard streams (`println!`, `dbg!`,
    /// `std::io::stdin`).
    Stdio,
}

impl Capability {
    /// Every capability, in the order the security reference documents them.
    pub const ALL: [Capability; 4] = [
        Capability::Clock,
        Capability::Random,
        Capability::Threads,
        Capability::Stdio,
    ];

    /// The name a spec writes.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Clock => "clock",
            Capability::Random => "random",
            Capability::Threads => "threads",
            Capability::Stdio => "stdio",
        }
    }

    /// The capability a spec names, if it is one.
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The names of all capabilities, quoted and joined for messages.
    pub fn names() -> String {
        Capability::ALL
            .iter()
            .map(|c| format!("`{}`", c.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
