//! The seed's compression: what must be kept to rebuild an intent's code
//! over the code it rebuilds, `seed_size / artifact_size`. The seed is the
//! spec file, the model's identity (provider, name, digest) and the
//! functional hash the code is held to; the artifact is the accepted code.
//! Code a person wrote or the crate had (`hand`, `adopted`) is not rebuilt
//! from its spec, so its seed holds the code too: its ratio is over 1.

use crate::lockfile::{Author, LockEntry};

/// One intent's (or a crate's) seed and artifact, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Compression {
    /// Bytes of the spec, the model identity and the functional hash (and
    /// the code, when no model can rebuild it).
    pub seed: usize,
    /// Bytes of the accepted code.
    pub artifact: usize,
}

impl Compression {
    /// The figure of an intent with spec text `spec`, lock `entry` and
    /// accepted `code`.
    pub fn of(spec: &str, entry: &LockEntry, code: &str) -> Compression {
        let model = &entry.model;
        let identity = model.provider.len() + model.name.len() + model.digest.len();
        let kept = if entry.author == Author::Model { 0 } else { code.len() };
        Compression {
            seed: spec.len() + identity + entry.functional_hash.len() + kept,
            artifact: code.len(),
        }
    }

    /// `seed / artifact` (0 for no code).
    pub fn ratio(&self) -> f64 {
        if self.artifact == 0 {
            return 0.0;
        }
        self.seed as f64 / self.artifact as f64
    }

    /// The crate's figure: every intent's bytes together.
    pub fn total<'a>(all: impl IntoIterator<Item = &'a Compression>) -> Compression {
        all.into_iter().fold(Compression::default(), |sum, c| Compression {
            seed: sum.seed + c.seed,
            artifact: sum.artifact + c.artifact,
        })
    }

    /// `1.8 (1 204 / 660 bytes)`.
    pub fn shown(&self) -> String {
        format!("{:.2} ({} / {} bytes)", self.ratio(), self.seed, self.artifact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::ModelIdentity;

    fn entry(author: Author) -> LockEntry {
        LockEntry {
            name: "f".into(),
            spec: "intents/f.intent.toml".into(),
            spec_hash: "sha256:x".into(),
            author,
            model: ModelIdentity {
                provider: "embedded".into(),
                name: "m".into(),
                digest: "sha256:d".into(),
                note: None,
            },
            prompt: String::new(),
            params_hash: String::new(),
            output_hash: String::new(),
            functional_hash: "sha256:f".into(),
            gates: Vec::new(),
            uses: Default::default(),
            crates: Default::default(),
            capabilities: Vec::new(),
            confidence: None,
            checks_hash: None,
        }
    }

    #[test]
    fn the_seed_is_the_spec_identity_and_hash_and_hand_code_keeps_its_code() {
        let code = "pub fn f() -> i32 { 1 }";
        let model = Compression::of("0123456789", &entry(Author::Model), code);
        assert_eq!(model, Compression { seed: 10 + 8 + 1 + 8 + 8, artifact: code.len() });
        let hand = Compression::of("0123456789", &entry(Author::Hand), code);
        assert_eq!(hand.seed, model.seed + code.len());
        assert!(hand.ratio() > 1.0);
        assert_eq!(Compression::total([&model, &hand]).artifact, 2 * code.len());
    }
}
