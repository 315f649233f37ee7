//! A content-addressed response cache under `target/intent/cache/`.
//!
//! The key is the sha256 of the model identity, the generation parameters and
//! the full request, so a hit is exactly the answer that model gave to that
//! prompt, and costs no model call.

use std::path::{Path, PathBuf};

use super::{Completion, GenerationParams, ModelIdentity, Request};

/// A folder of cached completions.
#[derive(Debug, Clone)]
pub struct ResponseCache {
    dir: PathBuf,
}

impl ResponseCache {
    /// A cache in `dir` (normally `target/intent/cache`).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ResponseCache { dir: dir.into() }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a request to a model.
    pub fn key(identity: &ModelIdentity, params: &GenerationParams, request: &Request) -> String {
        let material = serde_json::json!({
            "identity": [&identity.provider, &identity.name, &identity.digest],
            "params": params,
            "request": request,
        });
        crate::files::sha256_hex(material.to_string().as_bytes())
            .trim_start_matches("sha256:")
            .to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The cached completion for `key`, if any (a corrupt entry is a miss).
    pub fn get(&self, key: &str) -> Option<Completion> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a completion; failures only cost a future miss, so they are ignored.
    pub fn put(&self, key: &str, completion: &Completion) {
        if let Ok(text) = serde_json::to_string(completion) {
            let _ = crate::files::write_atomic(&self.path(key), text.as_bytes());
        }
    }
}
