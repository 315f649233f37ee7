//! A cache of parsed specs keyed by the bytes of each file, kept in `OUT_DIR`.
//!
//! Parsing and normalising a spec costs about 0.1 ms, mostly in formatting
//! its Rust fragments; reading and hashing the file costs a few microseconds.
//! Like lalrpop, the build script records the input hash with its own version
//! and skips the work when both match, so the fresh path stays fast in crates
//! with hundreds of intents.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::SpecFile;
use super::parse::parse_str;
use crate::error::{Error, Result};
use crate::files::sha256_hex;

/// Changes whenever the parse of a spec could change.
const CACHE_VERSION: &str = concat!("intent-build ", env!("CARGO_PKG_VERSION"), " spec-cache/3");

/// Parsed specs by file, with the hash of the bytes they were parsed from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SpecCache {
    version: String,
    entries: HashMap<PathBuf, (String, SpecFile)>,
    #[serde(skip)]
    used: HashSet<PathBuf>,
    #[serde(skip)]
    changed: bool,
}

impl SpecCache {
    /// Loads the cache at `path`; a missing, unreadable or other-version
    /// cache is an empty one (it is only ever an optimisation).
    pub fn load(path: &Path) -> SpecCache {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<SpecCache>(&bytes).ok())
            .filter(|cache| cache.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// Writes the cache to `path` (only what this run used), if it changed.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        let used = std::mem::take(&mut self.used);
        let before = self.entries.len();
        self.entries.retain(|k, _| used.contains(k));
        if !self.changed && self.entries.len() == before && self.version == CACHE_VERSION {
            return Ok(());
        }
        self.version = CACHE_VERSION.to_string();
        let text = serde_json::to_string(self).map_err(|e| Error::Serialize {
            what: "the spec cache",
            message: e.to_string(),
        })?;
        crate::files::write_if_changed(path, &text)?;
        Ok(())
    }

    /// Parses `path` unless its bytes match the cached parse.
    ///
    /// # Errors
    ///
    /// As [`super::parse_file`]; failures are not cached.
    pub fn parse_file(&mut self, path: &Path, display_path: &Path) -> Result<SpecFile> {
        let bytes = crate::files::read_capped(path, crate::files::MAX_SPEC_BYTES)
            .map_err(|e| Error::io(display_path, e))?;
        let hash = sha256_hex(&bytes);
        self.used.insert(path.to_path_buf());
        if let Some((cached_hash, spec)) = self.entries.get(path) {
            if *cached_hash == hash && spec.path == display_path {
                return Ok(spec.clone());
            }
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::io(
                display_path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "spec is not UTF-8"),
            )
        })?;
        let spec = parse_str(&text, display_path)?;
        self.entries
            .insert(path.to_path_buf(), (hash, spec.clone()));
        Ok(spec)
    }
}
