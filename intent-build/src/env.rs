//! The only place environment variables become behaviour.
//!
//! Each variable is a documented constant; [`Env::from_process`] reads them
//! all once, rejects values it does not understand (naming the variable), and
//! [`Env::regeneration_blocked_by`] decides the one policy question the build
//! script asks. Every variable listed in [`WATCHED`] is reported to Cargo with
//! `rerun-if-env-changed`.

use crate::error::{Error, Result};

/// Set by most CI systems; a CI build never regenerates or writes outside `OUT_DIR`.
pub const CI: &str = "CI";
/// Set by docs.rs; docs builds never regenerate.
pub const DOCS_RS: &str = "DOCS_RS";
/// `1`/`true`: never call a model or open a network connection.
pub const INTENT_OFFLINE: &str = "INTENT_OFFLINE";
/// Set by Cargo for `--offline`/`net.offline`; treated like `INTENT_OFFLINE=1`.
pub const CARGO_NET_OFFLINE: &str = "CARGO_NET_OFFLINE";
/// Overrides the configured model (a name or a GGUF path).
pub const INTENT_MODEL: &str = "INTENT_MODEL";
/// Overrides the configured provider kind.
pub const INTENT_PROVIDER: &str = "INTENT_PROVIDER";
/// Ollama's address, as the Ollama CLI reads it.
pub const OLLAMA_HOST: &str = "OLLAMA_HOST";
/// Where fetched models live (default `~/.cache/intent`).
pub const INTENT_HOME: &str = "INTENT_HOME";
/// Set by Cargo for build scripts: the triple being compiled for.
pub const TARGET: &str = "TARGET";
/// The `cargo-intent` the build script hands regeneration to; default: the
/// one on `PATH`.
pub const INTENT_CARGO_INTENT: &str = "INTENT_CARGO_INTENT";
/// `off` runs generated code unconfined; `required` (the default) refuses
/// to run it where the OS sandbox is unavailable. Overrides `sandbox`.
pub const INTENT_SANDBOX: &str = "INTENT_SANDBOX";

/// Variables whose change must re-run the build script.
pub const WATCHED: &[&str] = &[
    CI,
    DOCS_RS,
    INTENT_OFFLINE,
    CARGO_NET_OFFLINE,
    INTENT_MODEL,
    INTENT_PROVIDER,
    OLLAMA_HOST,
    INTENT_HOME,
    INTENT_SANDBOX,
    INTENT_CARGO_INTENT,
];

/// A snapshot of the variables that matter, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `CI` is set to something other than empty, `0` or `false`.
    pub ci: bool,
    /// `DOCS_RS` is set.
    pub docs_rs: bool,
    /// `INTENT_OFFLINE` is true.
    pub intent_offline: bool,
    /// `CARGO_NET_OFFLINE` is true.
    pub cargo_net_offline: bool,
    /// `INTENT_MODEL`, when set and non-empty.
    pub model: Option<String>,
    /// `INTENT_PROVIDER`, when set and non-empty.
    pub provider: Option<String>,
    /// `TARGET` (build scripts only): with `--target`, Cargo nests the
    /// build under `target/<triple>/`, which the build script must step over
    /// to reach the `target/intent/` folder `cargo intent` reads.
    pub target: Option<String>,
    /// `INTENT_SANDBOX`, when set.
    pub sandbox: Option<crate::sandbox::SandboxMode>,
    /// `INTENT_CARGO_INTENT`, when set and non-empty.
    pub cargo_intent: Option<String>,
}

impl Env {
    /// Whether cargo may not reach the registry: in CI, or with
    /// `INTENT_OFFLINE` or `CARGO_NET_OFFLINE`.
    pub fn offline(&self) -> bool {
        self.ci || self.intent_offline || self.cargo_net_offline
    }

    /// Reads the process environment.
    ///
    /// # Errors
    ///
    /// [`Error::Env`] naming the variable whose value is not understood.
    pub fn from_process() -> Result<Env> {
        Env::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, so tests need not touch the process
    /// environment.
    ///
    /// # Errors
    ///
    /// As [`Env::from_process`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Env> {
        let non_empty = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        Ok(Env {
            // Any value but empty/0/false counts: CI systems set `true`, `1` or a name.
            ci: non_empty(CI)
                .is_some_and(|v| !matches!(v.trim(), "0" | "false" | "FALSE" | "False")),
            docs_rs: non_empty(DOCS_RS).is_some(),
            intent_offline: flag(INTENT_OFFLINE, lookup(INTENT_OFFLINE))?,
            cargo_net_offline: flag(CARGO_NET_OFFLINE, lookup(CARGO_NET_OFFLINE))?,
            model: non_empty(INTENT_MODEL),
            provider: non_empty(INTENT_PROVIDER),
            target: non_empty(TARGET),
            cargo_intent: non_empty(INTENT_CARGO_INTENT),
            sandbox: non_empty(INTENT_SANDBOX)
                .map(|v| {
                    crate::sandbox::SandboxMode::parse(v.trim()).ok_or(Error::Env {
                        name: INTENT_SANDBOX,
                        value: v,
                        expected: "`required` or `off`",
                    })
                })
                .transpose()?,
        })
    }

    /// Why the build script may not regenerate, or `None` when it may.
    pub fn regeneration_blocked_by(&self) -> Option<&'static str> {
        if self.ci {
            Some("CI is set")
        } else if self.docs_rs {
            Some("DOCS_RS is set")
        } else if self.intent_offline {
            Some("INTENT_OFFLINE=1")
        } else if self.cargo_net_offline {
            Some("CARGO_NET_OFFLINE=true")
        } else {
            None
        }
    }
}

fn flag(name: &'static str, value: Option<String>) -> Result<bool> {
    match value.as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(other) => Err(Error::Env {
            name,
            value: other.to_string(),
            expected: "`1`, `true`, `0` or `false`",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Result<Env> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn sandbox_mode_is_read_and_a_bad_value_names_the_variable() {
        use crate::sandbox::SandboxMode;
        assert_eq!(env(&[]).unwrap().sandbox, None);
        assert_eq!(
            env(&[("INTENT_SANDBOX", "off")]).unwrap().sandbox,
            Some(SandboxMode::Off)
        );
        assert_eq!(
            env(&[("INTENT_SANDBOX", "required")]).unwrap().sandbox,
            Some(SandboxMode::Required)
        );
        assert_eq!(
            env(&[("INTENT_SANDBOX", "none")]).unwrap_err().to_string(),
            "invalid value \"none\" for environment variable `INTENT_SANDBOX` (expected `required` or `off`)"
        );
    }

    #[test]
    fn each_switch_blocks_regeneration() {
        assert_eq!(env(&[]).unwrap().regeneration_blocked_by(), None);
        assert_eq!(
            env(&[("CI", "true")]).unwrap().regeneration_blocked_by(),
            Some("CI is set")
        );
        assert_eq!(
            env(&[("CI", "false")]).unwrap().regeneration_blocked_by(),
            None
        );
        assert_eq!(
            env(&[("DOCS_RS", "1")]).unwrap().regeneration_blocked_by(),
            Some("DOCS_RS is set")
        );
        assert_eq!(
            env(&[("INTENT_OFFLINE", "1")])
                .unwrap()
                .regeneration_blocked_by(),
            Some("INTENT_OFFLINE=1")
        );
        assert_eq!(
            env(&[("CARGO_NET_OFFLINE", "true")])
                .unwrap()
                .regeneration_blocked_by(),
            Some("CARGO_NET_OFFLINE=true")
        );
    }

    #[test]
    fn a_bad_flag_names_the_variable() {
        let err = env(&[("INTENT_OFFLINE", "yes")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value \"yes\" for environment variable `INTENT_OFFLINE` (expected `1`, `true`, `0` or `false`)"
        );
    }
}
