//! Test support: a loopback HTTP server that replays canned responses and
//! counts what it was asked, and where the test models live.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod python;

/// A canned answer: status, body, and a delay before answering.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Routes = Arc<Mutex<Vec<(String, Reply)>>>;

/// A server on 127.0.0.1 answering `(path prefix → reply)` routes.
pub struct ReplayServer {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<(String, String)>>>,
    routes: Routes,
}

impl ReplayServer {
    pub fn start(routes: Vec<(&str, Reply)>) -> ReplayServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let routes: Routes = Arc::new(Mutex::new(
            routes
                .into_iter()
                .map(|(p, r)| (p.to_string(), r))
                .collect(),
        ));
        let (c, q, r) = (connections.clone(), requests.clone(), routes.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                c.fetch_add(1, Ordering::SeqCst);
                let (q, r) = (q.clone(), r.clone());
                std::thread::spawn(move || serve(stream, &q, &r));
            }
        });
        ReplayServer {
            url,
            connections,
            requests,
            routes,
        }
    }

    /// How many requests went to paths starting with `prefix`.
    pub fn hits(&self, prefix: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .count()
    }

    pub fn set(&self, prefix: &str, reply: Reply) {
        let mut routes = self.routes.lock().unwrap();
        routes.retain(|(p, _)| p != prefix);
        routes.insert(0, (prefix.to_string(), reply));
    }
}

fn serve(stream: TcpStream, requests: &Mutex<Vec<(String, String)>>, routes: &Routes) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        let _ = reader.read_exact(&mut body);
        requests
            .lock()
            .unwrap()
            .push((path.clone(), String::from_utf8_lossy(&body).to_string()));
        let reply = routes
            .lock()
            .unwrap()
            .iter()
            .find(|(p, _)| path.starts_with(p.as_str()))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| Reply::raw(404, "{\"error\":\"no route\"}"));
        std::thread::sleep(reply.delay);
        let mut out = stream.try_clone().unwrap();
        let text = format!(
            "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            reply.status,
            reply.body.len(),
            reply.body
        );
        if out.write_all(text.as_bytes()).is_err() {
            return;
        }
    }
}

/// A loopback port with nothing listening.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// The installed test model, or a panic saying how to install it.
pub fn model_file(name: &str) -> PathBuf {
    let model = intent_build::models::known(name).unwrap();
    let path = intent_build::models::models_dir(&intent_build::models::home()).join(model.file);
    assert!(
        path.is_file(),
        "{} is not installed at {}: run `scripts/test`, or `cargo run -p cargo-intent -- intent models fetch {name}`",
        name,
        path.display()
    );
    path
}

/// Threads for real-model tests: `INTENT_TEST_THREADS` (`scripts/test` runs
/// them with 1 and again with 2, which changes greedy output), else 1.
pub fn model_threads() -> i32 {
    std::env::var("INTENT_TEST_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
}

// ---- a scripted model ----

use std::collections::VecDeque;

use intent_build::lockfile::ModelIdentity;
use intent_build::provider::{
    Completion, Finish, GenerationParams, Provider, ProviderError, Request,
};

/// A scripted reply that stands for an answer cut at the token limit.
pub const TRUNCATED: &str = "<truncated>";

/// A provider that returns fixed replies in order and records every request.
/// Tests only: it stands in for a model so gate behaviour is deterministic.
pub struct Scripted {
    replies: Mutex<VecDeque<String>>,
    /// When set, the reply to candidate `c` of round `r` is `grid[r][c]`,
    /// whatever order requests arrive in.
    grid: Option<Vec<Vec<String>>>,
    /// Candidate 0 of each round answers this much later than the others.
    first_delay: Duration,
    concurrency: usize,
    requests: std::sync::Arc<Mutex<Vec<Request>>>,
    params: GenerationParams,
}

impl Scripted {
    pub fn new(replies: &[&str]) -> (Self, std::sync::Arc<Mutex<Vec<Request>>>) {
        let requests = std::sync::Arc::new(Mutex::new(Vec::new()));
        let provider = Scripted {
            replies: Mutex::new(replies.iter().map(|r| r.to_string()).collect()),
            grid: None,
            first_delay: Duration::ZERO,
            concurrency: 1,
            requests: requests.clone(),
            params: GenerationParams::default(),
        };
        (provider, requests)
    }

    /// Replies by round and candidate, answered `concurrency` at a time,
    /// candidate 0 last by `first_delay`.
    pub fn grid(
        grid: &[&[&str]],
        concurrency: usize,
        first_delay: Duration,
    ) -> (Self, std::sync::Arc<Mutex<Vec<Request>>>) {
        let (mut provider, requests) = Scripted::new(&[]);
        provider.grid = Some(
            grid.iter()
                .map(|round| round.iter().map(|r| r.to_string()).collect())
                .collect(),
        );
        provider.concurrency = concurrency;
        provider.first_delay = first_delay;
        (provider, requests)
    }
}

impl Provider for Scripted {
    fn label(&self) -> String {
        "scripted".into()
    }
    fn identity(&self) -> Result<ModelIdentity, ProviderError> {
        Ok(ModelIdentity {
            provider: "scripted".into(),
            name: "replies".into(),
            digest: "none".into(),
            note: None,
        })
    }
    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        // Asked for checks drawn from a description, it writes none: its
        // replies and request log are for code.
        if intent_build::generate::prompt::asks_for_checks(request) {
            return Ok(Completion {
                text: "```rust\n```".into(),
                prompt_tokens: 1,
                completion_tokens: 1,
                elapsed: Duration::from_millis(1),
                finish: Finish::Stop,
            });
        }
        self.requests.lock().unwrap().push(request.clone());
        let text = match &self.grid {
            Some(grid) => {
                if request.candidate == 0 {
                    std::thread::sleep(self.first_delay);
                }
                grid[request.round as usize][request.candidate as usize].clone()
            }
            None => self
                .replies
                .lock()
                .unwrap()
                .pop_front()
                .expect("the test scripted too few replies"),
        };
        if text == TRUNCATED {
            return Err(ProviderError::new(
                intent_build::provider::ErrorKind::Truncated,
                "scripted: the answer was cut at 768 tokens",
            ));
        }
        Ok(Completion {
            text,
            prompt_tokens: 1,
            completion_tokens: 1,
            elapsed: Duration::from_millis(1),
            finish: Finish::Stop,
        })
    }
    fn params(&self) -> &GenerationParams {
        &self.params
    }
    fn concurrency(&self) -> usize {
        self.concurrency
    }
    fn uses_network(&self) -> bool {
        false
    }
}
