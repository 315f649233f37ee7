//! The build script's fast path: every intent fresh, nothing to regenerate.
//!
//! Run with `cargo bench -p intent-build --bench fast_path`. For 1, 100 and
//! 1,000 intents it builds a crate in a temporary folder with accepted
//! snapshots and a lock, runs the build script's work once to fill `OUT_DIR`,
//! then reports the median of repeated runs (what every `cargo build` after a
//! spec or lock touch pays). Target: under 20 ms for 100 intents.

use std::path::Path;
use std::time::{Duration, Instant};

use intent_build::env::Env;
use intent_build::lock::{LockEntry, Lockfile, ModelIdentity};
use intent_build::snapshot::{snapshot_path, Snapshot};
use intent_build::Config;

fn make_crate(root: &Path, count: usize) {
    let intents = root.join("intents");
    std::fs::create_dir_all(intents.join("snapshots")).unwrap();
    let mut lock = Lockfile::default();
    for i in 0..count {
        let name = format!("scale_{i}");
        let rel = format!("intents/{name}.intent.toml");
        let text = format!(
            "signature = \"pub fn {name}(values: Vec<f64>, factor: f64) -> Vec<f64>\"\n\
             description = \"Multiply every value by factor; an empty input gives an empty output.\"\n\
             constraints = [\"Use only std.\"]\n\
             examples = [\n  {{ call = \"{name}(vec![1.0, 2.0], 2.0)\", expect = \"vec![2.0, 4.0]\" }},\n  \
             {{ call = \"{name}(vec![], 3.0)\", expect = \"vec![]\" }},\n]\n"
        );
        std::fs::write(root.join(&rel), &text).unwrap();
        let spec = intent_build::spec::parse_str(&text, Path::new(&rel)).unwrap();
        let snapshot = Snapshot {
            source: rel.clone(),
            expression: spec.spec.signature.clone(),
            code: format!("pub fn {name}(values: Vec<f64>, factor: f64) -> Vec<f64> {{\n    values.into_iter().map(|v| v * factor).collect()\n}}"),
        };
        std::fs::write(snapshot_path(&intents, &name), snapshot.render()).unwrap();
        lock.entries.insert(
            name.clone(),
            LockEntry {
                name,
                spec: rel,
                spec_hash: spec.hash,
                model: ModelIdentity {
                    provider: "bench".into(),
                    name: "none".into(),
                    digest: "none".into(),
                    note: None,
                },
                prompt: "intent-prompt/1".into(),
                params_hash: "sha256:00".into(),
                output_hash: snapshot.output_hash(),
                functional_hash: "sha256:00".into(),
                gates: vec!["parse".into()],
            },
        );
    }
    std::fs::write(root.join("Intent.lock"), lock.render()).unwrap();
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    println!("build-script fast path (all intents fresh), median of repeated runs:");
    let mut per_100 = None;
    for count in [1usize, 100, 1000] {
        let dir = tempfile::tempdir().unwrap();
        make_crate(dir.path(), count);
        let out = dir.path().join("out");
        let mut config = Config::new();
        config.crate_root(dir.path()).out_dir(&out).package("bench");
        let env = || Env::from_lookup(|_| None);
        let (outcome, result) = config.run(env());
        result.unwrap();
        assert_eq!(outcome.compiled.len(), count);
        let runs = if count >= 1000 { 11 } else { 31 };
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let (_, result) = config.run(env());
                result.unwrap();
                start.elapsed()
            })
            .collect();
        let m = median(samples);
        if count == 100 {
            per_100 = Some(m);
        }
        println!("  {count:>5} intents: {:>8.2} ms", m.as_secs_f64() * 1e3);
    }
    let m = per_100.unwrap().as_secs_f64() * 1e3;
    println!(
        "  100 intents against the 20 ms target: {m:.2} ms = {:.2}x of target",
        m / 20.0
    );
}
