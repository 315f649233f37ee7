//! How much of the machine an embedded model may decode with: chosen by the
//! command (a build script's decoding shares the cores with cargo), read by
//! the embedded provider.

/// The share of the machine an embedded model's decoding takes when its
/// `threads` setting is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cores {
    /// Half the physical cores, at least one: decoding for a build script,
    /// beside which cargo compiles other crates. On a busy 2-core machine
    /// every core measured about 6 s per token against 7 ms with one
    /// thread, because llama.cpp's threads spin against the build.
    #[default]
    Half,
    /// Every physical core: `cargo intent lock`, where nothing else runs —
    /// the gates run between decodes, never beside them.
    All,
}
