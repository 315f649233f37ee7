//! The HTTP plumbing shared by the Ollama and OpenAI-compatible providers:
//! one blocking client per provider, and transport errors mapped to
//! [`ErrorKind`]s the router understands.

use std::time::Duration;

use serde_json::Value;

use super::{ErrorKind, ProviderError};

/// A blocking client with the provider's timeout and no proxy: providers are
/// local, and a system proxy must not intercept loopback traffic.
pub(crate) fn client(timeout: Duration) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .no_proxy()
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new())
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

pub(crate) fn get(
    client: &reqwest::blocking::Client,
    label: &str,
    url: &str,
    bearer: Option<&str>,
) -> Result<Reply, ProviderError> {
    let mut request = client.get(url);
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    read(request.send(), label, url)
}

pub(crate) fn post(
    client: &reqwest::blocking::Client,
    label: &str,
    url: &str,
    body: &Value,
    bearer: Option<&str>,
) -> Result<Reply, ProviderError> {
    let mut request = client.post(url).json(body);
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    read(request.send(), label, url)
}

fn read(
    result: reqwest::Result<reqwest::blocking::Response>,
    label: &str,
    url: &str,
) -> Result<Reply, ProviderError> {
    let response = result.map_err(|e| send_error(label, url, &e))?;
    let status = response.status().as_u16();
    let body = response.text().map_err(|e| send_error(label, url, &e))?;
    Ok(Reply { status, body })
}
