//! How the gates run things: the confined compiler and the confined test
//! binary, with their limits and bounded output. The stages decide what to
//! run; this module knows only how.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::scratch::{module, MIR_FILE, RESULT_MARKER};
use crate::externs::Externs;
use crate::judge::policy;
use crate::sandbox::{Limits, Sandbox, SandboxMode};

/// Most bytes of output a test run may print before it is stopped.
pub const OUTPUT_LIMIT: usize = 256 * 1024;

/// Address-space limit for test runs, in KiB.
pub const MEMORY_LIMIT_KIB: u64 = 4 * 1024 * 1024;

/// Largest file a test run may write (into its scratch folder), in bytes.
pub const FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// Largest file the compiler may write (the test binary), in bytes.
pub(super) const COMPILE_FILE_LIMIT: u64 = 512 * 1024 * 1024;

/// Where and how gates run.
#[derive(Debug, Clone)]
pub struct GateRunner {
    /// Scratch folder; each candidate gets a subfolder.
    pub scratch: PathBuf,
    /// Wall-clock limit for compiling and for running.
    pub timeout: Duration,
    /// The `rustc` to use.
    pub rustc: PathBuf,
    /// Whether generated code must run confined (the default) or may run
    /// with the user's rights (`sandbox = "off"`).
    pub sandbox: SandboxMode,
    /// Whether the semantic policy judges candidates. Always on in the
    /// product; the sandbox's own tests turn it off to show that the OS
    /// confinement holds by itself.
    pub policy: bool,
    /// The crates specs may name, built for this run (see `externs`).
    pub externs: std::sync::Arc<Externs>,
    toolchain: OnceLock<Result<Toolchain, String>>,
}

/// The compiler the gates run and the folder it reads its libraries from.
#[derive(Debug, Clone)]
pub(super) struct Toolchain {
    /// The real `rustc` in the sysroot (not a rustup proxy, which reads
    /// `~/.rustup`: outside what the sandbox lets the compile read).
    rustc: PathBuf,
    sysroot: PathBuf,
}

impl GateRunner {
    /// A runner in `scratch` with `timeout` per step, using `$RUSTC` or
    /// `rustc`, confined and judged by the policy.
    pub fn new(scratch: impl Into<PathBuf>, timeout: Duration) -> Self {
        GateRunner {
            scratch: scratch.into(),
            timeout,
            rustc: std::env::var_os("RUSTC")
                .map(PathBuf::from)
                .unwrap_or_else(|| "rustc".into()),
            sandbox: SandboxMode::Required,
            policy: true,
            externs: Default::default(),
            toolchain: OnceLock::new(),
        }
    }

    /// The same runner compiling specs that name crates against `externs`.
    pub fn with_externs(mut self, externs: Externs) -> Self {
        self.externs = std::sync::Arc::new(externs);
        self
    }

    /// The real `rustc` the gates run (the crates they link must be built by it).
    ///
    /// # Errors
    ///
    /// `rustc` cannot be run or does not say its sysroot.
    pub fn real_rustc(&self) -> std::io::Result<PathBuf> {
        Ok(self.toolchain()?.rustc.clone())
    }

    /// The same runner with `mode` for the sandbox.
    pub fn with_sandbox(mut self, mode: SandboxMode) -> Self {
        self.sandbox = mode;
        self
    }

    /// The sysroot of the compiler the gates run.
    ///
    /// # Errors
    ///
    /// `rustc` cannot be run or does not say.
    pub fn sysroot(&self) -> std::io::Result<PathBuf> {
        Ok(self.toolchain()?.sysroot.clone())
    }

    pub(super) fn toolchain(&self) -> std::io::Result<&Toolchain> {
        self.toolchain
            .get_or_init(|| {
                let output = Command::new(&self.rustc)
                    .args(["--print", "sysroot"])
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", self.rustc.display()))?;
                if !output.status.success() {
                    return Err(format!(
                        "`{} --print sysroot` failed: {}",
                        self.rustc.display(),
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
                let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
                let real = sysroot.join("bin").join("rustc");
                Ok(Toolchain {
                    rustc: if real.is_file() {
                        real
                    } else {
                        self.rustc.clone()
                    },
                    sysroot,
                })
            })
            .as_ref()
            .map_err(|e| std::io::Error::other(e.clone()))
    }

    /// A sandbox for one step, confined unless the user opted out.
    pub(super) fn confine(&self, cmd: &mut Command, sandbox: Sandbox) -> std::io::Result<()> {
        let sandbox = if self.sandbox == SandboxMode::Off {
            sandbox.limits_only()
        } else {
            sandbox
        };
        sandbox.confine(cmd)
    }

    /// `None` when it compiled, else rustc's JSON diagnostics; `crates`
    /// are the spec's, the only ones it can name.
    pub(super) fn compile(
        &self,
        dir: &Path,
        binary: &Path,
        crates: &[String],
    ) -> std::io::Result<Option<String>> {
        let toolchain = self.toolchain()?;
        let externs = self.externs.rustc_args(crates)?;
        let mut cmd = Command::new(&toolchain.rustc);
        cmd.current_dir(dir)
            .env_clear()
            // The linker is found on PATH; temporary files stay in scratch.
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", dir)
            .env("TMPDIR", dir)
            // For the policy's `-Z` flags on a stable toolchain: this rustc only.
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "--edition",
                "2021",
                "--test",
                "--crate-name",
                "intent_candidate",
                "--error-format=json",
                "-A",
                "warnings",
                "-C",
                "debuginfo=0",
                "-C",
                "opt-level=0",
            ])
            .arg(format!("--emit=link,mir={MIR_FILE}"));
        if self.policy {
            cmd.args(policy::RUSTC_FLAGS);
        }
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            // A static test binary needs no dynamic loader, so the run may
            // execute that one file and nothing else.
            cmd.args(["-C", "target-feature=+crt-static"]);
        }
        cmd.args(&externs);
        cmd.arg("main.rs").arg("-o").arg(binary);
        let limits = Limits {
            cpu_seconds: self.timeout.as_secs() + 1,
            file_bytes: COMPILE_FILE_LIMIT,
            address_space: None,
        };
        let mut sandbox = Sandbox::compile(dir, &toolchain.sysroot, limits);
        if !externs.is_empty() {
            sandbox = sandbox.reading(self.externs.deps_dir.clone());
        }
        self.confine(&mut cmd, sandbox)?;
        let output = run_bounded(cmd, self.timeout, OUTPUT_LIMIT * 4)?;
        if output.timed_out {
            return Ok(Some(format!(
                "{{\"rendered\":\"error: compiling took longer than {} s\"}}",
                self.timeout.as_secs()
            )));
        }
        Ok(if output.success {
            None
        } else {
            Some(output.stderr)
        })
    }

    /// The test binary, confined: every test, or candidate `only`'s.
    pub(super) fn run_tests(
        &self,
        dir: &Path,
        binary: &Path,
        only: Option<usize>,
    ) -> std::io::Result<Bounded> {
        let mut cmd = test_binary(dir, binary);
        cmd.args(["--test-threads=1", "--nocapture", "--quiet"]);
        if let Some(i) = only {
            cmd.arg(format!("{}::", module(i)));
        }
        self.run_confined(cmd, dir, binary)
    }

    /// One ignored harness test, confined, its lines marked with `nonce`.
    pub(super) fn run_harness(
        &self,
        dir: &Path,
        binary: &Path,
        test: &str,
        nonce: &str,
        from: usize,
    ) -> std::io::Result<Bounded> {
        let mut cmd = test_binary(dir, binary);
        cmd.env("INTENT_BEHAVIOUR_NONCE", nonce)
            .env("INTENT_BEHAVIOUR_FROM", from.to_string())
            .args(["--ignored", "--exact", test])
            .args(["--test-threads=1", "--nocapture", "--quiet"]);
        self.run_confined(cmd, dir, binary)
    }

    /// Runs `cmd`, a test binary in `dir`, confined, within the gates'
    /// limits and with its output bounded.
    fn run_confined(&self, mut cmd: Command, dir: &Path, binary: &Path) -> std::io::Result<Bounded> {
        let limits = self.run_limits();
        self.confine(&mut cmd, Sandbox::run(dir, binary, limits))?;
        run_bounded(cmd, self.timeout, OUTPUT_LIMIT)
    }

    pub(super) fn run_limits(&self) -> Limits {
        Limits {
            cpu_seconds: self.timeout.as_secs() + 1,
            file_bytes: FILE_LIMIT,
            address_space: Some(MEMORY_LIMIT_KIB * 1024),
        }
    }
}


/// A compiled test binary to run in `dir`, with a cleared environment.
fn test_binary(dir: &Path, binary: &Path) -> Command {
    let mut cmd = Command::new(binary);
    cmd.current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("RUST_BACKTRACE", "0");
    cmd
}

pub(super) struct Bounded {
    pub(super) success: bool,
    /// The signal that ended it, if one did.
    pub(super) signal: Option<i32>,
    pub(super) timed_out: bool,
    pub(super) truncated: bool,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Runs `cmd` with a wall-clock timeout, keeping at most `limit` bytes of
/// each stream; past the limit or the timeout the process is killed.
pub(super) fn run_bounded(
    mut cmd: Command,
    timeout: Duration,
    limit: usize,
) -> std::io::Result<Bounded> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let over_limit = Arc::new(AtomicBool::new(false));
    let reader = |mut stream: Box<dyn Read + Send>| {
        let over_limit = Arc::clone(&over_limit);
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buffer = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if kept.len() + n > limit {
                    over_limit.store(true, Ordering::SeqCst);
                    break;
                }
                kept.extend_from_slice(&buffer[..n]);
            }
            kept
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped")));
    let err = reader(Box::new(child.stderr.take().expect("piped")));
    let start = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        let late = start.elapsed() > timeout;
        if late || over_limit.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            break (None, late);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let truncated = over_limit.load(Ordering::SeqCst);
    Ok(Bounded {
        success: status.is_some_and(|s| s.success()) && !truncated,
        signal: status.and_then(exit_signal),
        timed_out: timed_out && !truncated,
        truncated,
        stdout: String::from_utf8_lossy(&stdout).to_string(),
        stderr: String::from_utf8_lossy(&stderr).to_string(),
    })
}

/// A test run's output as one candidate sees it: its own test names and
/// result lines in the harness's plain form, every other candidate's left
/// in a form the parsers skip.
pub(super) struct RunView {
    pub(super) stdout: String,
    pub(super) stderr: String,
}

impl Bounded {
    pub(super) fn view(&self, i: usize) -> RunView {
        let tests = format!("{}::__intent_tests::", module(i));
        let marker = format!("{RESULT_MARKER}:{i} ");
        let rewrite = |text: &str| {
            text.replace(&tests, "__intent_tests::")
                .replace(&marker, &format!("{RESULT_MARKER} "))
        };
        RunView {
            stdout: rewrite(&self.stdout),
            stderr: rewrite(&self.stderr),
        }
    }
}


pub(super) fn exit_signal(status: std::process::ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal()
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}

/// Signal numbers of the resource limits (the same on every Linux
/// architecture this runs on).
pub(super) mod libc_signal {
    /// `SIGXCPU`: the CPU-time limit.
    pub const XCPU: i32 = 24;
    /// `SIGXFSZ`: the file-size limit.
    pub const XFSZ: i32 = 25;
}
