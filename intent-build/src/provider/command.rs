//! Any command that reads a prompt on stdin and writes the completion on
//! stdout, started per request and gone after (llama.cpp's CLI, a script).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{
    Completion, ErrorKind, Finish, GenerationParams, ModelIdentity, Provider, ProviderError,
    Request,
};

/// A subprocess provider.
pub struct Command {
    argv: Vec<String>,
    model_file: Option<PathBuf>,
    digest_cache: Option<PathBuf>,
    params: GenerationParams,
    timeout: Duration,
}

impl Command {
    /// Runs `argv` per request. When `model_file` names the GGUF the command
    /// loads, its sha256 is the identity; otherwise the command line is.
    pub fn new(
        argv: Vec<String>,
        model_file: Option<PathBuf>,
        digest_cache: Option<PathBuf>,
        params: GenerationParams,
        timeout: Duration,
    ) -> Self {
        Command {
            argv,
            model_file,
            digest_cache,
            params,
            timeout,
        }
    }
}

/// The prompt as one text: system message, a blank line, user message.
pub fn prompt_text(request: &Request) -> String {
    request
        .messages()
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n\n")
}

impl Provider for Command {
    fn label(&self) -> String {
        format!("command `{}`", self.argv.join(" "))
    }

    fn identity(&self) -> Result<ModelIdentity, ProviderError> {
        match &self.model_file {
            Some(path) => {
                let digest = crate::digest::file_digest(path, self.digest_cache.as_deref())
                    .map_err(|e| {
                        ProviderError::new(
                            ErrorKind::ModelMissing,
                            format!("{}: {e}", self.label()),
                        )
                    })?;
                Ok(ModelIdentity {
                    provider: "command".into(),
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                    digest,
                    note: None,
                })
            }
            None => Ok(ModelIdentity {
                provider: "command".into(),
                name: self.argv.first().cloned().unwrap_or_default(),
                digest: crate::files::sha256_hex(self.argv.join("\0").as_bytes()),
                note: Some("no model file configured: hash of the command line".into()),
            }),
        }
    }

    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        let label = self.label();
        let Some((program, args)) = self.argv.split_first() else {
            return Err(ProviderError::new(
                ErrorKind::Config,
                "command provider: `command` is empty",
            ));
        };
        let start = Instant::now();
        let handle = duct::cmd(program, args)
            .stdin_bytes(prompt_text(request))
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .start()
            .map_err(|e| {
                ProviderError::new(ErrorKind::Process, format!("{label}: cannot start: {e}"))
            })?;
        let output = loop {
            match handle.try_wait() {
                Ok(Some(output)) => break output.clone(),
                Ok(None) if start.elapsed() > self.timeout => {
                    let _ = handle.kill();
                    return Err(ProviderError::new(
                        ErrorKind::Timeout,
                        format!(
                            "{label}: no result within {} s; killed",
                            self.timeout.as_secs()
                        ),
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    return Err(ProviderError::new(
                        ErrorKind::Process,
                        format!("{label}: {e}"),
                    ))
                }
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String = stderr
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            return Err(ProviderError::new(
                ErrorKind::Process,
                format!("{label}: exited with {}; stderr:\n{tail}", output.status),
            ));
        }
        let mut text = String::from_utf8_lossy(&output.stdout).to_string();
        for stop in &request.stop {
            if let Some(i) = text.find(stop.as_str()) {
                text.truncate(i);
            }
        }
        Ok(Completion {
            completion_tokens: 0,
            prompt_tokens: 0,
            text,
            elapsed: start.elapsed(),
            finish: Finish::Stop,
        })
    }

    fn params(&self) -> &GenerationParams {
        &self.params
    }

    fn uses_network(&self) -> bool {
        false
    }
}
