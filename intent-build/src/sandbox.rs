//! OS confinement for generated code. Every `rustc` that compiles a
//! candidate and every run of its tests starts inside:
//!
//! - a **Landlock** domain (Linux ≥ 5.13, ABI 1; later ABIs add to it):
//!   writes only under the candidate's scratch folder; reads only the
//!   toolchain's sysroot, the system's programs and libraries (compile) or
//!   the scratch folder alone (run); with ABI 4 no TCP `bind` or `connect`,
//!   with ABI 6 no signals to processes outside the domain;
//! - a **seccomp** filter: no socket of any family (Landlock does not cover
//!   UDP or Unix sockets), no `io_uring` (which can open sockets around
//!   seccomp), no path-based `truncate`, no `ptrace`; the test binary also
//!   creates no process (`fork`,
//!   `vfork`, `clone` without `CLONE_THREAD`; `clone3` answers `ENOSYS` so the
//!   C library falls back to `clone` for threads);
//! - **resource limits**: CPU time, file size, no core dumps, and for the
//!   tests an address-space limit.
//!
//! The test binary is linked statically and is the only file the run may
//! execute, so it cannot start another program either (a dynamic loader it
//! could execute would load any readable program).
//!
//! The restrictions are built in the parent and applied in the child between
//! `fork` and `exec` (`pre_exec`), where only async-signal-safe calls are
//! allowed: `setrlimit`, `prctl`, `landlock_restrict_self` and `seccomp`,
//! none of which allocates. That is the crate's only `unsafe`.
//!
//! Where this cannot be had (another OS, an old kernel, Landlock disabled),
//! generated code is not run unless the user opts out with
//! `sandbox = "off"` or `INTENT_SANDBOX=off`; see [`SandboxMode`].

use std::fmt;
#[cfg(feature = "engine")]
use std::path::{Path, PathBuf};
#[cfg(feature = "engine")]
use std::process::Command;

/// Whether generated code must be confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SandboxMode {
    /// Confine every compile and run; refuse to run where confinement is
    /// unavailable (the default).
    #[default]
    Required,
    /// Run generated code with the user's full rights (only resource limits
    /// and the semantic policy apply). Set by `sandbox = "off"` in
    /// `[package.metadata.intent]` or `INTENT_SANDBOX=off`.
    Off,
}

impl SandboxMode {
    /// Parses `required` or `off`.
    pub fn parse(value: &str) -> Option<SandboxMode> {
        match value {
            "required" => Some(SandboxMode::Required),
            "off" => Some(SandboxMode::Off),
            _ => None,
        }
    }
}

/// The confinement this machine gives, as `cargo intent models` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confinement {
    /// Landlock with this ABI, seccomp and resource limits.
    Active {
        /// The Landlock ABI in use.
        landlock_abi: u8,
    },
    /// Confinement cannot be had here, and why.
    Unavailable(String),
}

impl fmt::Display for Confinement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Confinement::Active { landlock_abi } => write!(
                f,
                "Landlock ABI {landlock_abi} (file system{}), seccomp (no sockets, no new processes from tests), resource limits",
                match landlock_abi {
                    6.. => ", TCP, signals",
                    4 | 5 => ", TCP",
                    _ => "",
                }
            ),
            Confinement::Unavailable(why) => write!(f, "unavailable: {why}"),
        }
    }
}

/// Why generated code will not run here, and how to opt out.
fn unavailable_message(why: impl fmt::Display) -> String {
    format!("cannot confine generated code on this machine: {why}\n{OPT_OUT_HELP}")
}

/// The help line for a machine without confinement.
pub const OPT_OUT_HELP: &str = "help: generated code is compiled and run only inside an OS sandbox (Landlock and seccomp: Linux 5.13 or later with Landlock enabled); to run it with your full rights instead, set `sandbox = \"off\"` under [package.metadata.intent] or INTENT_SANDBOX=off";

/// Set to `1` by tests to make [`probe`] report confinement as unavailable,
/// as on a machine without Landlock. It can only make the gates stricter.
pub const SIMULATE_UNAVAILABLE: &str = "__INTENT_TEST_NO_CONFINEMENT";

/// Whether confinement works here: confines a throwaway thread the way a
/// compile is confined and reports what the kernel enforced. Probed once per
/// process.
pub fn probe() -> Confinement {
    static PROBE: std::sync::OnceLock<Confinement> = std::sync::OnceLock::new();
    if std::env::var_os(SIMULATE_UNAVAILABLE).is_some_and(|v| v == "1") {
        return Confinement::Unavailable(format!("{SIMULATE_UNAVAILABLE}=1 is set"));
    }
    PROBE.get_or_init(imp::probe).clone()
}

/// `Ok` when generated code may run under `mode`: confinement is active, or
/// the user opted out.
///
/// # Errors
///
/// Where confinement is required but unavailable: why, and how to opt out.
pub fn ensure(mode: SandboxMode) -> crate::Result<()> {
    match (mode, probe()) {
        (SandboxMode::Off, _) | (SandboxMode::Required, Confinement::Active { .. }) => Ok(()),
        (SandboxMode::Required, Confinement::Unavailable(why)) => {
            Err(crate::Error::Confinement(unavailable_message(why)))
        }
    }
}

/// Resource limits for one confined process.
#[cfg(feature = "engine")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Largest file it may write, in bytes (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Address space in bytes (`RLIMIT_AS`), if limited.
    pub address_space: Option<u64>,
}

/// What one confined process may touch.
#[cfg(feature = "engine")]
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// Full access beneath these folders (the scratch folder).
    pub(crate) writable: Vec<PathBuf>,
    /// Read and execute beneath these (sysroot, system programs and libraries).
    pub(crate) readable: Vec<PathBuf>,
    /// Files it may execute when nothing else may be (the test binary).
    pub(crate) executable: Vec<PathBuf>,
    /// Whether it may create processes (rustc runs the linker; tests may not).
    pub(crate) may_fork: bool,
    pub(crate) limits: Limits,
    /// Whether Landlock and seccomp apply; without them only the limits do.
    pub(crate) confined: bool,
}

/// Folders of system programs and libraries the compile step needs: the
/// linker and the C runtime live here.
#[cfg(feature = "engine")]
const SYSTEM_DIRS: &[&str] = &["/usr", "/lib", "/lib64", "/bin", "/sbin"];
/// Single system files the compile step reads: the dynamic loader's cache
/// and the random source.
#[cfg(feature = "engine")]
const SYSTEM_FILES: &[&str] = &["/etc/ld.so.cache", "/dev/urandom"];
/// The null device, which the compiler's children open for writing.
#[cfg(feature = "engine")]
const NULL_DEVICE: &str = "/dev/null";

#[cfg(feature = "engine")]
impl Sandbox {
    /// For `rustc` compiling a candidate in `scratch`, with the toolchain at
    /// `sysroot`.
    pub fn compile(scratch: &Path, sysroot: &Path, limits: Limits) -> Sandbox {
        let mut readable: Vec<PathBuf> = SYSTEM_DIRS
            .iter()
            .chain(SYSTEM_FILES)
            .map(PathBuf::from)
            .filter(|p| p.exists())
            .collect();
        readable.push(sysroot.to_path_buf());
        Sandbox {
            writable: vec![scratch.to_path_buf(), PathBuf::from(NULL_DEVICE)],
            readable,
            executable: Vec::new(),
            may_fork: true,
            limits,
            confined: true,
        }
    }

    /// The same sandbox, also reading beneath `dir` (the libraries of the
    /// crates a spec names).
    pub fn reading(mut self, dir: PathBuf) -> Sandbox {
        self.readable.push(dir);
        self
    }

    /// For running the statically linked test `binary` in `scratch`.
    pub fn run(scratch: &Path, binary: &Path, limits: Limits) -> Sandbox {
        Sandbox {
            writable: vec![scratch.to_path_buf()],
            readable: Vec::new(),
            executable: vec![binary.to_path_buf()],
            may_fork: false,
            limits,
            confined: true,
        }
    }

    /// The same resource limits with no Landlock or seccomp: what
    /// `sandbox = "off"` leaves.
    pub fn limits_only(mut self) -> Sandbox {
        self.confined = false;
        self
    }

    /// Makes `cmd` start inside this sandbox.
    ///
    /// # Errors
    ///
    /// When the kernel cannot enforce it; the message ends with
    /// [`OPT_OUT_HELP`].
    pub fn confine(&self, cmd: &mut Command) -> std::io::Result<()> {
        imp::confine(self, cmd)
    }
}

#[cfg(all(target_os = "linux", feature = "engine"))]
mod imp {
    use std::collections::BTreeMap;
    use std::io;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    use landlock::{
        path_beneath_rules, Access, AccessFs, AccessNet, CompatLevel, Compatible, LandlockStatus,
        Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
    };
    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule, TargetArch,
    };

    use super::{Confinement, Sandbox};

    fn unavailable(why: impl std::fmt::Display) -> io::Error {
        io::Error::other(super::unavailable_message(why))
    }

    /// The Landlock ruleset: every file-system right handled (so denied
    /// unless a rule grants it). ABI 1 (Linux 5.13) is required; what later
    /// ABIs add is used where the kernel has it: truncation (3), TCP (4; the
    /// seccomp filter refuses every socket anyway), signals and abstract Unix
    /// sockets outside the domain (6).
    fn ruleset_for(sandbox: &Sandbox) -> Result<RulesetCreated, landlock::RulesetError> {
        let abi = ABI::V6;
        let read = AccessFs::from_read(abi);
        let mut created = Ruleset::default()
            .set_compatibility(CompatLevel::HardRequirement)
            .handle_access(AccessFs::from_all(ABI::V1))?
            .set_compatibility(CompatLevel::BestEffort)
            .handle_access(AccessFs::from_all(abi))?
            .handle_access(AccessNet::from_all(abi))?
            .scope(Scope::from_all(abi))?
            .create()?
            .add_rules(path_beneath_rules(
                &sandbox.writable,
                AccessFs::from_all(abi),
            ))?
            .add_rules(path_beneath_rules(&sandbox.readable, read))?;
        if !sandbox.executable.is_empty() {
            created = created.add_rules(path_beneath_rules(
                &sandbox.executable,
                AccessFs::Execute | AccessFs::ReadFile,
            ))?;
        }
        Ok(created)
    }

    fn arch() -> io::Result<TargetArch> {
        TargetArch::try_from(std::env::consts::ARCH).map_err(unavailable)
    }

    /// Syscalls answered with `EPERM`: new sockets, io_uring, tracing; and for
    /// the tests every way of creating a process.
    fn denied(may_fork: bool) -> io::Result<BpfProgram> {
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
        // `socketpair` stays allowed: a connected pair inside the process
        // reaches nothing, and std's `Command::spawn` uses one.
        // `truncate` takes a path, which Landlock before ABI 3 does not
        // judge; nothing a test needs uses it.
        for call in [
            libc::SYS_socket,
            libc::SYS_truncate,
            libc::SYS_io_uring_setup,
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
        ] {
            rules.insert(call, Vec::new());
        }
        if !may_fork {
            #[cfg(target_arch = "x86_64")]
            for call in [libc::SYS_fork, libc::SYS_vfork] {
                rules.insert(call, Vec::new());
            }
            // `clone` without CLONE_THREAD makes a process; threads stay allowed.
            let new_process = SeccompCondition::new(
                0,
                SeccompCmpArgLen::Qword,
                SeccompCmpOp::MaskedEq(libc::CLONE_THREAD as u64),
                0,
            )
            .map_err(unavailable)?;
            rules.insert(
                libc::SYS_clone,
                vec![SeccompRule::new(vec![new_process]).map_err(unavailable)?],
            );
        }
        let filter = SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EPERM as u32),
            arch()?,
        )
        .map_err(unavailable)?;
        filter.try_into().map_err(unavailable)
    }

    /// `clone3` passes its flags in memory, where seccomp cannot look:
    /// answer `ENOSYS`, and the C library creates threads with `clone`.
    fn no_clone3() -> io::Result<BpfProgram> {
        let filter = SeccompFilter::new(
            BTreeMap::from([(libc::SYS_clone3, Vec::new())]),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::ENOSYS as u32),
            arch()?,
        )
        .map_err(unavailable)?;
        filter.try_into().map_err(unavailable)
    }

    pub fn confine(sandbox: &Sandbox, cmd: &mut Command) -> io::Result<()> {
        let mut ruleset = None;
        let mut filters = Vec::new();
        if sandbox.confined {
            ruleset = Some(ruleset_for(sandbox).map_err(unavailable)?);
            filters.push(denied(sandbox.may_fork)?);
            if !sandbox.may_fork {
                filters.push(no_clone3()?);
            }
        }
        let confined = sandbox.confined;
        let limits = sandbox.limits;
        let closure = move || -> io::Result<()> {
            set_limit(libc::RLIMIT_CPU, limits.cpu_seconds)?;
            set_limit(libc::RLIMIT_FSIZE, limits.file_bytes)?;
            set_limit(libc::RLIMIT_CORE, 0)?;
            if let Some(bytes) = limits.address_space {
                set_limit(libc::RLIMIT_AS, bytes)?;
            }
            if !confined {
                return Ok(());
            }
            // The child takes the ruleset from its own copy of the parent's
            // memory; a missing one (never expected) fails closed.
            let status = ruleset
                .take()
                .ok_or(io::ErrorKind::PermissionDenied)?
                .restrict_self()
                .map_err(|_| io::Error::from(io::ErrorKind::PermissionDenied))?;
            if status.ruleset == RulesetStatus::NotEnforced {
                return Err(io::Error::from(io::ErrorKind::Unsupported));
            }
            for filter in &filters {
                seccompiler::apply_filter(filter)
                    .map_err(|_| io::Error::from(io::ErrorKind::PermissionDenied))?;
            }
            Ok(())
        };
        // SAFETY: the closure runs in the forked child before `exec`, where
        // only async-signal-safe work is allowed. It makes system calls only
        // (setrlimit, prctl, landlock_restrict_self, seccomp) on data built
        // in the parent, allocates nothing on its success path, and its
        // errors are plain `io::ErrorKind`s, which do not allocate either.
        unsafe {
            cmd.pre_exec(closure);
        }
        Ok(())
    }

    #[cfg(target_env = "gnu")]
    type Resource = libc::__rlimit_resource_t;
    #[cfg(not(target_env = "gnu"))]
    type Resource = libc::c_int;

    fn set_limit(resource: Resource, value: u64) -> io::Result<()> {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct it is given and nothing else.
        if unsafe { libc::setrlimit(resource, &limit) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    pub fn probe() -> Confinement {
        let scratch = std::env::temp_dir();
        let sandbox = Sandbox::compile(
            &scratch,
            &scratch,
            super::Limits {
                cpu_seconds: 1,
                file_bytes: 0,
                address_space: None,
            },
        );
        // Restricting a throwaway thread leaves the rest of the process alone.
        let outcome = std::thread::spawn(move || {
            let ruleset = ruleset_for(&sandbox).map_err(|e| e.to_string())?;
            let status = ruleset.restrict_self().map_err(|e| e.to_string())?;
            denied(true)
                .and_then(|f| seccompiler::apply_filter(&f).map_err(unavailable))
                .map_err(|e| format!("seccomp: {e}"))?;
            Ok::<_, String>(status)
        })
        .join();
        match outcome {
            Ok(Ok(status)) => match status.landlock {
                LandlockStatus::Available { effective_abi, .. }
                    if status.ruleset != RulesetStatus::NotEnforced =>
                {
                    Confinement::Active {
                        landlock_abi: effective_abi as u8,
                    }
                }
                LandlockStatus::NotEnabled => {
                    Confinement::Unavailable("Landlock is built into the kernel but not enabled (add `landlock` to the `lsm=` boot parameter)".into())
                }
                LandlockStatus::NotImplemented => Confinement::Unavailable(
                    "the kernel has no Landlock (Linux 5.13 or later is needed)".into(),
                ),
                _ => Confinement::Unavailable("Landlock enforced nothing".into()),
            },
            Ok(Err(why)) => Confinement::Unavailable(format!("Landlock: {why}")),
            Err(_) => Confinement::Unavailable("the probe thread panicked".into()),
        }
    }
}

// Without the engine nothing runs generated code; elsewhere than Linux
// there is no confinement.
#[cfg(not(all(target_os = "linux", feature = "engine")))]
mod imp {
    #[cfg(feature = "engine")]
    use std::io;

    use super::Confinement;

    fn why() -> String {
        if cfg!(target_os = "linux") {
            "intent-build was built without its `engine` feature".into()
        } else {
            format!(
                "confinement needs Linux (Landlock and seccomp); this is {}",
                std::env::consts::OS
            )
        }
    }

    #[cfg(feature = "engine")]
    pub fn confine(sandbox: &super::Sandbox, _: &mut std::process::Command) -> io::Result<()> {
        if !sandbox.confined {
            return Err(io::Error::other(
                "resource limits need Linux and the `engine` feature",
            ));
        }
        Err(io::Error::other(super::unavailable_message(why())))
    }

    pub fn probe() -> Confinement {
        Confinement::Unavailable(why())
    }
}
