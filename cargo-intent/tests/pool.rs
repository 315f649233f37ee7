//! A pool of model servers, for real: two llama-cpp-python servers with
//! the test model behind one `openai` provider. Requests spread over both;
//! one killed mid-lock leaves the run to the other; both down stop the run
//! with each endpoint named and the lock untouched. What the model answers
//! differs between machines, so each run is compared with a run through
//! one server on the same machine, never with a fixed answer.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture, PythonServer};

/// Intents small enough for the test model to answer quickly.
const SPECS: &[(&str, &str)] = &[
    (
        "double",
        "signature = \"pub fn double(x: i32) -> i32\"\ndescription = \"Return x multiplied by 2.\"\nexamples = [{ call = \"double(2)\", expect = \"4\" }]\n",
    ),
    (
        "negate",
        "signature = \"pub fn negate(x: i32) -> i32\"\ndescription = \"Return -x.\"\nexamples = [{ call = \"negate(2)\", expect = \"-2\" }]\n",
    ),
    (
        "is_even",
        "signature = \"pub fn is_even(n: u32) -> bool\"\ndescription = \"Whether n is even.\"\nexamples = [{ call = \"is_even(4)\", expect = \"true\" }]\n",
    ),
];

/// A crate whose one provider is the model served at `urls`.
fn pooled(name: &str, urls: &[&str]) -> Fixture {
    let urls: Vec<String> = urls.iter().map(|u| format!("{u:?}")).collect();
    let meta = format!(
        "\n[package.metadata.intent]\ncandidates = 2\nmax-candidates = 2\nrepair-rounds = 0\nseek-rival = false\n\n\
         [[package.metadata.intent.providers]]\nkind = \"openai\"\nmodel = \"smol\"\nurls = [{}]\nconcurrency = 1\nmax-tokens = 96\ntimeout = 120\n",
        urls.join(", ")
    );
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    for (intent, text) in SPECS {
        f.write(&format!("intents/{intent}.intent.toml"), text);
    }
    f
}

/// What a lock wrote and what the model answered: the lock, the snapshot
/// folder, and every candidate's code in the run's report (in order).
type Outcome = (String, Vec<(std::path::PathBuf, Vec<u8>)>, Vec<String>);

/// The [`Outcome`] of the lock of `f` whose target folder is `target`.
fn outcome(f: &Fixture, target: &std::path::Path) -> Outcome {
    let lock = std::fs::read_to_string(f.root.join("Intent.lock")).unwrap_or_default();
    let dir = f.root.join("intents/snapshots");
    let snapshots = if dir.is_dir() {
        intent_tests::tree(&dir)
    } else {
        Vec::new()
    };
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("intent/report.json")).unwrap())
            .unwrap();
    let mut codes = Vec::new();
    for intent in report.as_array().unwrap() {
        for round in intent["rounds"].as_array().into_iter().flatten() {
            for candidate in round["candidates"].as_array().into_iter().flatten() {
                codes.push(format!(
                    "{}: {}",
                    intent["name"],
                    // Not the failure: it names the endpoint, whose port differs.
                    candidate["code"].as_str().unwrap_or("-")
                ));
            }
        }
    }
    (lock, snapshots, codes)
}

/// Locks `f` with a target folder of its own; exit code and stderr.
fn lock(f: &Fixture, target: &std::path::Path) -> (i32, String) {
    let (code, _, err) = run_full(intent(f, &["lock"]).env("CARGO_TARGET_DIR", target));
    (code, err)
}

/// A lock of `SPECS` through one fresh server: what a pool must equal.
/// Fresh, because llama-cpp-python reuses the cache of its last prompt.
fn through_one_server(name: &str) -> (i32, Outcome) {
    let server = server();
    let f = pooled(name, &[&server.url]);
    let target = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let (code, err) = lock(&f, target.path());
    eprintln!(
        "lock through one server: {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let single = outcome(&f, target.path());
    assert!(!single.2.is_empty(), "nothing was decoded: {err}");
    eprintln!(
        "one server: exit {code}, {} requests for {} candidates, {} accepted\n{err}",
        server.completions(),
        single.2.len(),
        single.1.len()
    );
    (code, single)
}

#[test]
fn real_model_pool_a_lock_through_two_servers_spreads_its_requests_and_equals_the_lock_through_one()
{
    let (code_one, single) = through_one_server("pool_one");
    let (a, b) = (server(), server());
    let two = pooled("pool_two", &[&a.url, &b.url]);
    let target = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let (code_two, err) = lock(&two, target.path());
    // Reported, not asserted: on two cores two servers gain little.
    eprintln!(
        "lock through two servers: {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(code_two, code_one, "{err}");
    let (a_served, b_served) = (a.completions(), b.completions());
    assert!(
        a_served > 0 && b_served > 0,
        "not spread: {a_served} and {b_served}"
    );
    eprintln!("requests served: {a_served} by the first server, {b_served} by the second");
    assert_eq!(outcome(&two, target.path()), single, "{err}");
}

#[test]
fn real_model_pool_a_server_killed_mid_lock_leaves_the_run_to_the_other_and_both_down_stop_it() {
    let (code_one, single) = through_one_server("kill_one_ref");
    let (mut a, b) = (server(), server());

    let two = pooled("kill_one", &[&a.url, &b.url]);
    let target_two = tempfile::tempdir().unwrap();
    let run = {
        let mut cmd = intent(&two, &["lock"]);
        cmd.env("CARGO_TARGET_DIR", target_two.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap()
    };
    // Killed once it has answered one request (others may be in flight).
    let start = std::time::Instant::now();
    while a.completions() == 0 && start.elapsed() < std::time::Duration::from_secs(300) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    a.kill();
    let output = run.wait_with_output().unwrap();
    eprintln!(
        "killed after {} answer(s); the other served {}",
        a.completions(),
        b.completions()
    );
    assert!(
        b.completions() > 0,
        "the run never reached the other server"
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code_one), "{err}");
    // Nothing lost, nothing duplicated: the same candidates, the same lock.
    assert_eq!(outcome(&two, target_two.path()), single, "{err}");
    if code_one == 0 {
        let (code, _, check) = run_full(&mut intent(&two, &["lock", "--check"]));
        assert_eq!(code, 0, "{check}");
    }

    // Both down: one error naming each endpoint, and the lock's bytes kept.
    drop(b);
    let down = pooled(
        "both_down",
        &[&a.url, &format!("http://127.0.0.1:{}", free_port())],
    );
    down.accept(
        "intents/double.intent.toml",
        "pub fn double(x: i32) -> i32 {\n    x * 2\n}",
    );
    let before = std::fs::read(down.root.join("Intent.lock")).unwrap();
    let target = tempfile::tempdir().unwrap();
    std::fs::write(
        down.root.join("intents/double.intent.toml"),
        SPECS[0].1.replace("by 2.", "by two."),
    )
    .unwrap();
    let (code, err) = lock(&down, target.path());
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains(&a.url) && err.contains("cannot connect"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(down.root.join("Intent.lock")).unwrap(),
        before
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server of the test model whose answers do not depend on what it was
/// asked before: llama-cpp-python reuses the cache of the prompt before
/// (its prefix), and a prefix computed in another batch shape changes the
/// greedy answer; evaluated one token at a time, every prompt is computed
/// the same way whatever came before it.
fn server() -> PythonServer {
    PythonServer::start_with("smol", 1, &["--n_batch", "1"])
}
