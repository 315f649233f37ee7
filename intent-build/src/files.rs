//! Helpers every stage shares, and that import no stage: atomic writes and
//! content hashes (as cargo-util's `paths` serves cargo).

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it
/// over `path`, so readers see the old content or the new, never a mixture.
///
/// # Errors
///
/// [`Error::Io`] when any step fails; `path` is then unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    // Unique among this process's writers by the counter, among processes by
    // the pid; `create_new` never reuses a file left by a killed writer.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (tmp, mut file) = loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".intent-tmp-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&tmp, e)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// `sha256:` + hex digest of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Writes `content` to `path` unless the file already holds exactly that.
/// Returns whether it wrote.
///
/// # Errors
///
/// [`Error::Io`] when reading or writing fails.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool> {
    if let Ok(existing) = std::fs::read(path) {
        if existing == content.as_bytes() {
            return Ok(false);
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    write_atomic(path, content.as_bytes())?;
    Ok(true)
}

/// The most bytes a spec file may have: far above any spec a person writes.
pub const MAX_SPEC_BYTES: u64 = 1 << 20;

/// The most bytes `Intent.lock` may have: tens of thousands of entries.
pub const MAX_LOCK_BYTES: u64 = 64 << 20;

/// The bytes of the file at `path`, reading at most `cap` + 1 of them: a
/// longer file is an [`std::io::ErrorKind::InvalidData`] error saying so.
///
/// # Errors
///
/// The file cannot be read, or is longer than `cap`.
pub fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {cap} bytes, more than this file ever holds"),
        ));
    }
    Ok(bytes)
}

/// [`read_capped`] as UTF-8 text.
///
/// # Errors
///
/// As [`read_capped`], and text that is not UTF-8.
pub fn read_to_string_capped(path: &Path, cap: u64) -> std::io::Result<String> {
    String::from_utf8(read_capped(path, cap)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod capped_tests {
    use super::*;

    #[test]
    fn a_file_past_the_cap_is_refused_and_one_at_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "abcd").unwrap();
        assert_eq!(read_to_string_capped(&path, 4).unwrap(), "abcd");
        let error = read_to_string_capped(&path, 3).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("larger than 3 bytes"), "{error}");
    }
}
