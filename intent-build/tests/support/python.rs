//! llama-cpp-python's OpenAI-compatible server with the test model, for
//! the tests of both test crates (included by path).

use std::path::PathBuf;
use std::process::Command;
/// A llama-cpp-python OpenAI-compatible server with the test model
/// (SmolLM2) on a free loopback port, its log (uvicorn's access lines
/// included) in a file; killed when dropped.
pub struct PythonServer {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: tempfile::NamedTempFile,
}

impl PythonServer {
    /// Starts one serving the model as `alias` with `threads`, and waits
    /// until it accepts connections (at most 60 s).
    pub fn start(alias: &str, threads: i32) -> PythonServer {
        PythonServer::start_with(alias, threads, &[])
    }

    /// As [`PythonServer::start`], with more of the server's own flags.
    pub fn start_with(alias: &str, threads: i32, flags: &[&str]) -> PythonServer {
        let python = std::env::var("INTENT_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| intent_build::models::home().join("venv/bin/python"));
        assert!(
            python.is_file(),
            "{} is missing: run `scripts/test`, which installs llama-cpp-python[server] there",
            python.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let model = intent_build::models::known(intent_build::models::TEST_MODEL).unwrap();
        let file = intent_build::models::models_dir(&intent_build::models::home()).join(model.file);
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new(&python)
            .args(["-m", "llama_cpp.server", "--model"])
            .arg(&file)
            .args(["--model_alias", alias, "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg("--n_threads")
            .arg(threads.to_string())
            .args(["--n_ctx", "2048"])
            .args(flags)
            .stdout(log.reopen().unwrap())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let server = PythonServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(60) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("llama-cpp-python's server did not start within 60 s");
    }

    /// Completions it answered, counted from its own access log.
    pub fn completions(&self) -> usize {
        std::fs::read_to_string(self.log.path())
            .unwrap_or_default()
            .matches("\"POST /v1/chat/completions HTTP/1.1\" 200")
            .count()
    }

    /// Requests it began (answered or not), from its access log.
    pub fn requests(&self) -> usize {
        std::fs::read_to_string(self.log.path())
            .unwrap_or_default()
            .matches("POST /v1/chat/completions")
            .count()
    }

    /// Kills it at once (SIGKILL), as a crashed server dies.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        self.kill();
    }
}
