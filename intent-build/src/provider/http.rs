//! The HTTP plumbing shared by the Ollama and OpenAI-compatible providers:
//! one blocking client per provider, and transport errors mapped to
//! [`ErrorKind`]s the router understands.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;

use super::{ErrorKind, ProviderError};

/// The default cap on one response body (`max-response-bytes`): far above
/// any completion, far below what would hurt the machine.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// A blocking client and the most bytes it reads of one response.
pub(crate) struct Client {
    inner: reqwest::blocking::Client,
    /// Bytes of a body past which the answer is dropped unread.
    pub max_response_bytes: u64,
}

/// A blocking client with the provider's timeout and no proxy (providers are
/// local, and a system proxy must not intercept loopback traffic), reading
/// at most [`DEFAULT_MAX_RESPONSE_BYTES`] of a response.
pub(crate) fn client(timeout: Duration) -> Client {
    let inner = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .no_proxy()
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new());
    Client { inner, max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES }
}

/// Maps a transport failure (no HTTP status) to an error naming the provider.
pub(crate) fn send_error(label: &str, url: &str, err: &reqwest::Error) -> ProviderError {
    if err.is_timeout() {
        ProviderError::new(
            ErrorKind::Timeout,
            format!("{label}: no answer from {url} within the timeout"),
        )
    } else if err.is_connect() {
        ProviderError::new(
            ErrorKind::Unreachable,
            format!("{label}: cannot connect to {url} (is the server running?)"),
        )
    } else if err.is_request() || err.is_body() {
        // The connection broke (reset, closed mid-answer): the server went
        // away as surely as one that refuses connections.
        ProviderError::new(
            ErrorKind::Unreachable,
            format!("{label}: the connection to {url} broke: {err}"),
        )
    } else {
        ProviderError::new(
            ErrorKind::BadResponse,
            format!("{label}: request to {url} failed: {err}"),
        )
    }
}

/// A response's status and body, read completely.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self, label: &str, url: &str) -> Result<Value, ProviderError> {
        serde_json::from_str(&self.body).map_err(|e| {
            let excerpt: String = self.body.chars().take(200).collect();
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("{label}: {url} answered with malformed JSON ({e}): {excerpt:?}"),
            )
        })
    }

    /// The `error` text of a JSON error body, or the body itself.
    pub fn error_text(&self) -> String {
        serde_json::from_str::<Value>(&self.body)
            .ok()
            .and_then(|v| match &v["error"] {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
                _ => None,
            })
            .unwrap_or_else(|| self.body.chars().take(200).collect())
    }

    /// A 5xx status as a [`ErrorKind::Server`] error.
    pub fn server_error(&self, label: &str, url: &str) -> ProviderError {
        ProviderError::new(
            ErrorKind::Server,
            format!(
                "{label}: {url} answered {} ({})",
                self.status,
                self.error_text()
            ),
        )
    }
}

pub(crate) fn get(client: &Client, label: &str, url: &str, bearer: Option<&str>) -> Result<Reply, ProviderError> {
    let mut request = client.inner.get(url);
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    read(request.send(), client.max_response_bytes, label, url)
}

pub(crate) fn post(
    client: &Client,
    label: &str,
    url: &str,
    body: &Value,
    bearer: Option<&str>,
) -> Result<Reply, ProviderError> {
    let mut request = client.inner.post(url).json(body);
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    read(request.send(), client.max_response_bytes, label, url)
}

/// The status and body of `result`, reading at most `cap` + 1 bytes: a
/// longer body is an error, and the rest of it is never read.
fn read(
    result: reqwest::Result<reqwest::blocking::Response>,
    cap: u64,
    label: &str,
    url: &str,
) -> Result<Reply, ProviderError> {
    let response = result.map_err(|e| send_error(label, url, &e))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    response.take(cap.saturating_add(1)).read_to_end(&mut body).map_err(|e| {
        match e.get_ref().and_then(|inner| inner.downcast_ref::<reqwest::Error>()) {
            Some(err) => send_error(label, url, err),
            None => ProviderError::new(ErrorKind::Unreachable, format!("{label}: the connection to {url} broke: {e}")),
        }
    })?;
    if body.len() as u64 > cap {
        return Err(ProviderError::new(
            ErrorKind::BadResponse,
            format!(
                "{label}: {url} sent a response of more than {cap} bytes (`max-response-bytes`); it was dropped unread"
            ),
        ));
    }
    Ok(Reply { status, body: String::from_utf8_lossy(&body).into_owned() })
}
