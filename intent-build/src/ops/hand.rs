//! Code a person wrote: an intent's snapshot edited by hand (or written
//! with `cargo intent edit`) is a candidate like any other. `lock` judges
//! it through every gate — parse, compile, policy and capabilities,
//! examples, tests, properties, behaviour on generated inputs — with no
//! model call, and records it with `author = "hand"` and empty model
//! fields; code that fails is refused with the gate's evidence and nothing
//! is written. A model change never replaces it, and a spec change judges
//! it against the new spec before any model is asked.

use crate::error::{Error, Result};
use crate::gate::Gate;
use crate::generate::{gated, Used};
use crate::judge::gates::{GateRunner, Verdict};
use crate::lockfile::{Author, Confidence, LockEntry, ModelIdentity};
use crate::snapshot::output_hash;
use crate::spec::SpecFile;
use crate::store::Store;

/// What every gate said of code judged without a model.
pub(crate) struct Judged {
    /// The gates it passed, by name.
    pub gates: Vec<String>,
    /// The hash of its behaviour (else of its example results).
    pub functional_hash: String,
    /// Its behaviour on the generated inputs, when they could be run.
    pub behaviour: Option<crate::judge::behaviour::Behaviour>,
}

/// Judges `code` for `spec` (with the accepted code of the intents it
/// `used`) through every gate: what they said, or the gate that refused it
/// and its evidence.
///
/// # Errors
///
/// The gates cannot run.
pub(crate) fn judge(
    runner: &GateRunner,
    spec: &SpecFile,
    code: &str,
    used: &[Used],
) -> Result<std::result::Result<Judged, (Gate, String)>> {
    let name = &spec.spec.name;
    let verdict = runner
        .check(&gated(spec, used).spec, code, &format!("{name}-hand"))
        .map_err(|e| Error::setting(format!("cannot run the gates: {e}")))?;
    let (results, behaviour) = match verdict {
        Verdict::Failed { gate, evidence, .. } => {
            return Ok(Err((gate, evidence.trim().to_string())));
        }
        Verdict::Passed { results, behaviour } => (results, behaviour),
    };
    let functional_hash = behaviour.as_ref().map_or_else(
        || crate::files::sha256_hex(results.join("\n").as_bytes()),
        |b| b.hash(),
    );
    let gates = Gate::passed(&spec.spec, behaviour.is_some())
        .iter()
        .map(|g| g.name().to_string())
        .collect();
    Ok(Ok(Judged {
        gates,
        functional_hash,
        behaviour,
    }))
}

/// Judges `code`, written by `author` (a person, or the crate before the
/// intent was adopted) for `spec` (with the accepted code of the intents
/// it `used`), and records it when every gate passes: `Ok(())`, or the gate
/// that refused it and its evidence.
///
/// # Errors
///
/// The gates cannot run, or the snapshot, behaviour file or lock cannot be
/// written.
pub(crate) fn judge_and_record(
    runner: &GateRunner,
    store: &Store,
    spec: &SpecFile,
    code: &str,
    used: &[Used],
    author: Author,
) -> Result<std::result::Result<(), (Gate, String)>> {
    let judged = match judge(runner, spec, code, used)? {
        Ok(judged) => judged,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let behaviour = judged.behaviour;
    let entry = LockEntry {
        name: spec.spec.name.clone(),
        spec: spec.path.display().to_string().replace('\\', "/"),
        spec_hash: spec.hash.clone(),
        author,
        model: ModelIdentity {
            provider: String::new(),
            name: String::new(),
            digest: String::new(),
            note: None,
        },
        prompt: String::new(),
        params_hash: String::new(),
        output_hash: output_hash(code),
        functional_hash: judged.functional_hash,
        gates: judged.gates,
        uses: Used::hashes(used),
        crates: runner.externs.versions(&spec.spec.crates),
        capabilities: spec
            .spec
            .capabilities
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
        checks_hash: None,
        confidence: Some(Confidence::verified(
            spec.spec.examples.len(),
            spec.spec.properties.len(),
            behaviour.as_ref().map_or(0, |b| b.calls.len()),
        )),
    };
    let text = behaviour.as_ref().map(|b| b.render(None));
    store.record(spec, code, entry, text)?;
    Ok(Ok(()))
}

/// The code `cargo intent edit` opens for `spec`: its snapshot's, else the
/// candidate of the last run that passed the most gates, else a stub of
/// its signature.
pub fn draft(project: &crate::project::Project, intent_dir: &std::path::Path, spec: &SpecFile) -> Result<String> {
    let name = &spec.spec.name;
    let path = crate::snapshot::snapshot_path(&project.specs_dir(), name);
    if let Some(snapshot) = crate::snapshot::Snapshot::read(&path)? {
        return Ok(snapshot.code);
    }
    let reports = crate::report::read_report(&intent_dir.join("report.json")).unwrap_or_default();
    let best = reports
        .iter()
        .filter(|r| r.name == *name)
        .flat_map(|r| r.rounds.iter().flat_map(|round| &round.candidates))
        .filter(|c| c.code.is_some())
        .max_by_key(|c| c.gates.iter().filter(|g| g.passed).count());
    Ok(match best.and_then(|c| c.code.clone()) {
        Some(code) => code,
        None => format!("{} {{\n    todo!()\n}}", spec.spec.signature),
    })
}

/// Writes `code` as `spec`'s snapshot, for the next `lock` to judge: what
/// `cargo intent edit` does with the edited text.
///
/// # Errors
///
/// The snapshot cannot be written.
pub fn write(project: &crate::project::Project, spec: &SpecFile, code: &str) -> Result<std::path::PathBuf> {
    let path = crate::snapshot::snapshot_path(&project.specs_dir(), &spec.spec.name);
    let snapshot = Store::snapshot(spec, code);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::files::write_atomic(&path, snapshot.render().as_bytes())?;
    Ok(path)
}
