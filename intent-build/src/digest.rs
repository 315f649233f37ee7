//! The sha256 of model files, cached by (path, size, mtime).
//!
//! Hashing a 500 MB GGUF takes seconds; the identity is needed on every
//! `cargo intent lock`, so the digest is remembered until the file changes.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// File name of the digest cache inside the cache folder.
const CACHE_FILE: &str = "model-digests.json";

/// `sha256:…` of the file at `path`, using and updating the cache in `cache_dir`.
///
/// # Errors
///
/// [`Error::Io`](crate::Error::Io) naming the file that cannot be read.
pub fn file_digest(path: &Path, cache_dir: Option<&Path>) -> crate::Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| crate::Error::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let key = format!("{}|{}|{mtime}", absolute.display(), meta.len());
    let cache_path = cache_dir.map(|d| d.join(CACHE_FILE));
    let mut cache: BTreeMap<String, String> = cache_path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    if let Some(digest) = cache.get(&key) {
        return Ok(digest.clone());
    }
    let digest = hash_file(path).map_err(|e| crate::Error::io(path, e))?;
    if let Some(cache_path) = cache_path {
        cache.retain(|k, _| !k.starts_with(&format!("{}|", absolute.display())));
        cache.insert(key, digest.clone());
        if let Ok(text) = serde_json::to_string_pretty(&cache) {
            // A failed write only costs a re-hash next time.
            let _ = crate::files::write_atomic(&cache_path, text.as_bytes());
        }
    }
    Ok(digest)
}

/// `sha256:…` of a file, streamed.
///
/// # Errors
///
/// When the file cannot be read.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("sha256:{hex}"))
}
