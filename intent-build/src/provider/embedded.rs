//! llama.cpp inside the process, through `llama-cpp-2`: the default provider.
//!
//! Dormant until the first generation: building the provider opens no file.
//! The model is then loaded once and shared by every generation in the
//! process; each request gets a fresh context sized to fit its prompt and
//! completion (an error, never truncation, when that exceeds the configured
//! or trained context), so no prompt cache carries over between requests.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;

use super::{
    Completion, ErrorKind, Finish, GenerationParams, ModelIdentity, Provider, ProviderError,
    Request,
};

/// llama.cpp's backend may be initialised once per process.
static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();

fn backend(verbose: bool) -> Result<&'static LlamaBackend, ProviderError> {
    BACKEND
        .get_or_init(|| {
            let mut backend = LlamaBackend::init().map_err(|e| e.to_string())?;
            if !verbose {
                backend.void_logs();
            }
            Ok(backend)
        })
        .as_ref()
        .map_err(|e| ProviderError::new(ErrorKind::Config, format!("cannot start llama.cpp: {e}")))
}

/// The thread count used when none is configured: half the cores, at least one.
///
/// On a busy 2-core machine llama.cpp's own default (every core) measured
/// about 6 s per token against 7 ms with one thread, because its threads
/// spin against the rest of the build; half leaves room for rustc and cargo.
pub fn default_threads() -> i32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).max(1) as i32
}

/// A GGUF run in-process.
pub struct Embedded {
    path: PathBuf,
    name: String,
    threads: i32,
    params: GenerationParams,
    verbose: bool,
    digest_cache: Option<PathBuf>,
    model: OnceLock<Result<LlamaModel, ProviderError>>,
    /// Creating contexts from one model concurrently is unsound in llama.cpp.
    context_lock: Mutex<()>,
    concurrency: usize,
}

impl Embedded {
    /// A provider for the GGUF at `path`, called `name` in the lock.
    pub fn new(
        path: PathBuf,
        name: &str,
        threads: Option<i32>,
        params: GenerationParams,
        verbose: bool,
        digest_cache: Option<PathBuf>,
    ) -> Self {
        Embedded {
            path,
            name: name.to_string(),
            threads: threads.filter(|t| *t > 0).unwrap_or_else(default_threads),
            params,
            verbose,
            digest_cache,
            model: OnceLock::new(),
            context_lock: Mutex::new(()),
            concurrency: 1,
        }
    }

    /// The model file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The thread count generations use.
    pub fn threads(&self) -> i32 {
        self.threads
    }

    /// Whether the model has been loaded (it is not until the first generation).
    pub fn is_loaded(&self) -> bool {
        self.model.get().is_some()
    }

    fn missing(&self) -> ProviderError {
        ProviderError::new(
            ErrorKind::ModelMissing,
            format!(
                "embedded model {} not found at {}: run `cargo intent models fetch {}`",
                self.name,
                self.path.display(),
                self.name
            ),
        )
    }

    fn model(&self) -> Result<&LlamaModel, ProviderError> {
        self.model
            .get_or_init(|| {
                if !self.path.is_file() {
                    return Err(self.missing());
                }
                let backend = backend(self.verbose)?;
                LlamaModel::load_from_file(backend, &self.path, &LlamaModelParams::default())
                    .map_err(|e| {
                        ProviderError::new(
                            ErrorKind::Config,
                            format!("cannot load {}: {e}", self.path.display()),
                        )
                    })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn prompt(&self, model: &LlamaModel, request: &Request) -> Result<String, ProviderError> {
        let message = |role: &str, content: &str| {
            LlamaChatMessage::new(role.into(), content.into()).map_err(|e| {
                ProviderError::new(ErrorKind::Config, format!("bad chat message: {e}"))
            })
        };
        let chat = request
            .messages()
            .into_iter()
            .map(|(role, content)| message(role, content))
            .collect::<Result<Vec<_>, _>>()?;
        match model.chat_template(None) {
            Ok(template) => model
                .apply_chat_template(&template, &chat, true)
                .map_err(|e| {
                    ProviderError::new(
                        ErrorKind::Config,
                        format!(
                            "{}: cannot apply the GGUF's chat template: {e}",
                            self.label()
                        ),
                    )
                }),
            // A GGUF without a template: fall back to ChatML, which most instruct models use.
            Err(_) => Ok(request
                .messages()
                .into_iter()
                .map(|(role, content)| format!("<|im_start|>{role}\n{content}<|im_end|>\n"))
                .chain(std::iter::once("<|im_start|>assistant\n".to_string()))
                .collect()),
        }
    }
}

impl Provider for Embedded {
    fn label(&self) -> String {
        format!(
            "embedded {} ({} thread{})",
            self.name,
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )
    }

    fn identity(&self) -> Result<ModelIdentity, ProviderError> {
        if !self.path.is_file() {
            return Err(self.missing());
        }
        let digest =
            super::digest::file_digest(&self.path, self.digest_cache.as_deref()).map_err(|e| {
                ProviderError::new(ErrorKind::ModelMissing, format!("{}: {e}", self.label()))
            })?;
        Ok(ModelIdentity {
            provider: "embedded".into(),
            name: self.name.clone(),
            digest,
            note: None,
        })
    }

    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        let start = Instant::now();
        let label = self.label();
        let model = self.model()?;
        let prompt = self.prompt(model, request)?;
        let vocab = model.vocab();
        // The chat template writes special tokens as text; parse them as tokens.
        let tokens = vocab.tokenize(prompt.as_bytes(), true, true);
        let needed = tokens.len() as u32 + request.max_tokens;
        let limit = self.params.num_ctx.min(model.n_ctx_train());
        if needed > limit {
            return Err(ProviderError::new(
                ErrorKind::ContextOverflow,
                format!(
                    "{label}: the prompt ({} tokens) plus up to {} generated tokens needs a context of {needed}, but the limit is {limit}; shorten the spec or raise `ctx`",
                    tokens.len(),
                    request.max_tokens
                ),
            ));
        }
        let ctx_params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(needed))
            .with_n_batch(needed)
            .with_n_threads(self.threads)
            .with_n_threads_batch(self.threads);
        let mut ctx = {
            let _guard = self.context_lock.lock().unwrap_or_else(|e| e.into_inner());
            model
                .new_context(backend(self.verbose)?, ctx_params)
                .map_err(|e| {
                    ProviderError::new(
                        ErrorKind::Config,
                        format!("{label}: cannot create a context: {e}"),
                    )
                })?
        };
        let mut batch = LlamaBatch::new(needed as usize, 1);
        let last = tokens.len() as i32 - 1;
        for (i, token) in tokens.iter().enumerate() {
            batch
                .add(*token, i as i32, &[0], i as i32 == last)
                .map_err(|e| ProviderError::new(ErrorKind::Config, format!("{label}: {e}")))?;
        }
        ctx.decode(&mut batch).map_err(|e| {
            ProviderError::new(
                ErrorKind::Config,
                format!("{label}: decoding the prompt failed: {e}"),
            )
        })?;

        let mut samplers = Vec::new();
        if let Some(grammar) = &request.grammar {
            samplers.push(LlamaSampler::grammar(model, grammar, "root").map_err(|e| {
                ProviderError::new(
                    ErrorKind::Config,
                    format!("{label}: invalid GBNF grammar: {e}"),
                )
            })?);
        }
        let sampling = self.params.sampling(request.round, request.candidate);
        if sampling.temperature <= 0.0 {
            samplers.push(LlamaSampler::greedy());
        } else {
            samplers.push(LlamaSampler::top_k(sampling.top_k));
            samplers.push(LlamaSampler::temp(sampling.temperature));
            samplers.push(LlamaSampler::dist(sampling.seed));
        }
        let mut sampler = LlamaSampler::chain_simple(samplers);

        let mut bytes: Vec<u8> = Vec::new();
        let mut generated = 0u32;
        let mut position = tokens.len() as i32;
        let mut finish = Finish::Length;
        while generated < request.max_tokens {
            // `sample` also accepts the token into the chain (the grammar
            // advances); accepting it again would desynchronise the grammar.
            let token = sampler.sample(&ctx, batch.n_tokens() - 1);
            if vocab.is_eog(token) {
                finish = Finish::Stop;
                break;
            }
            generated += 1;
            bytes.extend(vocab.token_to_piece(token, false, None));
            let text = String::from_utf8_lossy(&bytes);
            if let Some(cut) = request
                .stop
                .iter()
                .filter_map(|s| text.find(s.as_str()))
                .min()
            {
                bytes.truncate(cut);
                finish = Finish::Stop;
                break;
            }
            batch.clear();
            batch
                .add(token, position, &[0], true)
                .map_err(|e| ProviderError::new(ErrorKind::Config, format!("{label}: {e}")))?;
            position += 1;
            ctx.decode(&mut batch).map_err(|e| {
                ProviderError::new(ErrorKind::Config, format!("{label}: decoding failed: {e}"))
            })?;
        }
        if finish == Finish::Length {
            return Err(ProviderError::truncated(
                format!(
                    "{label}: the answer was cut at {} tokens; raise `max-tokens`",
                    request.max_tokens
                ),
                String::from_utf8_lossy(&bytes),
            ));
        }
        Ok(Completion {
            text: String::from_utf8_lossy(&bytes).to_string(),
            prompt_tokens: tokens.len() as u32,
            completion_tokens: generated,
            elapsed: start.elapsed(),
            finish,
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
