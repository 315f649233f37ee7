//! Accepted code, stored per intent as an insta snapshot file.
//!
//! `intents/snapshots/NAME.snap` uses insta's format (a small YAML header
//! between `---` lines, then the content), so `cargo insta review` and
//! `cargo insta accept` work on pending `NAME.snap.new` files. The header holds
//! no line numbers or timestamps; the lock records the content's hash, which
//! is how a hand edit is noticed.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::sha256_hex;

/// Folder of snapshots, relative to the spec folder.
pub const SNAPSHOT_DIR: &str = "snapshots";

/// `snapshots/NAME.behaviour` under the spec folder: the accepted code's
/// outcomes on generated inputs, pinned for model upgrades.
pub fn behaviour_path(specs_dir: &Path, name: &str) -> PathBuf {
    specs_dir
        .join(SNAPSHOT_DIR)
        .join(format!("{name}.behaviour"))
}

/// `snapshots/NAME.checks` under the spec folder: the checks drawn from
/// the description that the accepted code passed, reviewed like its
/// snapshot and run again by `cargo intent verify`.
pub fn checks_path(specs_dir: &Path, name: &str) -> PathBuf {
    specs_dir.join(SNAPSHOT_DIR).join(format!("{name}.checks"))
}

/// One snapshot file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The spec file it was generated from, relative to the crate root.
    pub source: String,
    /// The function signature, shown by `cargo insta review`.
    pub expression: String,
    /// The accepted Rust code.
    pub code: String,
}

impl Snapshot {
    /// `sha256:…` of the code, as recorded in the lock's `output-hash`.
    pub fn output_hash(&self) -> String {
        output_hash(&self.code)
    }

    /// The file's exact text.
    pub fn render(&self) -> String {
        let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        format!(
            "---\nsource: {}\nexpression: {}\n---\n{}\n",
            q(&self.source),
            q(&self.expression),
            self.code.trim_end()
        )
    }

    /// Parses snapshot text; `path` is used in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Snapshot`] when the insta header is missing or malformed.
    pub fn parse(text: &str, path: &Path) -> Result<Snapshot> {
        let fail = |message: &str| Error::Snapshot {
            path: path.to_path_buf(),
            message: message.to_string(),
        };
        let rest = text
            .strip_prefix("---\n")
            .ok_or_else(|| fail("does not start with an insta header (`---`)"))?;
        let end = rest
            .find("\n---\n")
            .ok_or_else(|| fail("the insta header is not closed by `---`"))?;
        let (header, body) = (&rest[..end], &rest[end + 5..]);
        let mut source = String::new();
        let mut expression = String::new();
        for line in header.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            // Values are written as JSON strings; insta itself may write plain YAML scalars.
            let value = serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_string());
            match key.trim() {
                "source" => source = value,
                "expression" => expression = value,
                _ => {}
            }
        }
        Ok(Snapshot {
            source,
            expression,
            code: body.trim_end().to_string(),
        })
    }

    /// Reads a snapshot; `Ok(None)` when the file does not exist.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::parse`], or [`Error::Io`].
    pub fn read(path: &Path) -> Result<Option<Snapshot>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Snapshot::parse(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }
}

/// `sha256:…` of accepted code, ignoring trailing white space.
pub fn output_hash(code: &str) -> String {
    sha256_hex(code.trim_end().as_bytes())
}

/// `SPECS_DIR/snapshots/NAME.snap`.
pub fn snapshot_path(specs_dir: &Path, name: &str) -> PathBuf {
    specs_dir.join(SNAPSHOT_DIR).join(format!("{name}.snap"))
}

/// `SPECS_DIR/snapshots/NAME.snap.new`: a candidate waiting for review.
pub fn pending_path(specs_dir: &Path, name: &str) -> PathBuf {
    specs_dir
        .join(SNAPSHOT_DIR)
        .join(format!("{name}.snap.new"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_parse_round_trip() {
        let snap = Snapshot {
            source: "intents/f.intent.toml".into(),
            expression: "pub fn f(x: &str) -> String".into(),
            code: "pub fn f(x: &str) -> String {\n    x.to_string()\n}".into(),
        };
        let text = snap.render();
        assert!(text.starts_with("---\nsource: \"intents/f.intent.toml\"\n"));
        assert_eq!(Snapshot::parse(&text, Path::new("f.snap")).unwrap(), snap);
    }

    #[test]
    fn missing_header_is_an_error() {
        let err = Snapshot::parse("pub fn f() {}\n", Path::new("f.snap")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.snap: does not start with an insta header (`---`)"
        );
    }
}
