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
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;

use super::{
    Completion, Batching, ErrorKind, Finish, GenerationParams, ModelIdentity, Provider, ProviderError,
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

/// The thread count for `cores`: physical cores (llama.cpp's threads gain
/// nothing from a core's second hardware thread), within what this process
/// may use.
pub fn threads(cores: super::cores::Cores) -> i32 {
    let usable = std::thread::available_parallelism().map_or(1, |n| n.get());
    let physical = num_cpus::get_physical().clamp(1, usable);
    match cores {
        super::cores::Cores::Half => (physical / 2).max(1) as i32,
        super::cores::Cores::All => physical as i32,
    }
}

/// Picks each token of one sequence, within its grammar.
///
/// Checking a whole vocabulary (151,000 tokens for Qwen) against a grammar
/// costs about 60 ms per token on these CPUs, more than decoding it; so the
/// token is picked first and only checked, and only a rejected pick is made
/// again with the grammar applied to every candidate — as llama.cpp's own
/// `common_sampler` does. For greedy decoding the result is the same token.
struct Sampler {
    grammar: Option<LlamaSampler>,
    pick: LlamaSampler,
}

impl Sampler {
    fn sample(&mut self, ctx: &LlamaContext<'_>, at: i32) -> LlamaToken {
        let mut all = ctx.token_data_array_ith(at);
        all.apply_sampler(&mut self.pick);
        let picked = all.selected_token().unwrap_or(LlamaToken(0));
        let Some(grammar) = self.grammar.as_mut() else {
            return picked;
        };
        let mut one = LlamaTokenDataArray::new(vec![LlamaTokenData::new(picked, 1.0, 0.0)], false);
        one.apply_sampler(grammar);
        let token = if one.data[0].logit().is_finite() {
            picked
        } else {
            let mut all = ctx.token_data_array_ith(at);
            all.apply_sampler(grammar);
            all.apply_sampler(&mut self.pick);
            all.selected_token().unwrap_or(picked)
        };
        grammar.accept(token);
        token
    }
}

/// A batch runs until its longest sequence ends, so one candidate that
/// rambles would hold every other one back: once half of the candidates
/// have finished, one still going at twice the longest finished answer
/// (and at least [`STRAGGLER_FLOOR`] tokens) is cut. Small models' correct
/// answers to one prompt differ in length far less than that.
fn straggler_limit(generated: &[u32], finish: &[Option<Finish>]) -> u32 {
    let done: Vec<u32> = generated
        .iter()
        .zip(finish)
        .filter(|(_, f)| **f == Some(Finish::Stop))
        .map(|(g, _)| *g)
        .collect();
    if generated.len() < 2 || done.len() * 2 < generated.len() {
        return u32::MAX;
    }
    (done.iter().max().copied().unwrap_or(0) * 2).max(STRAGGLER_FLOOR)
}

/// The answer in a reply that was cut while it wrote a `main` after it.
/// Small models end many answers with a `main` of their own checks, which
/// extraction drops; when the cut falls inside that `main`, the code
/// before it is an answer like any other, for the gates to judge.
fn answer_before_main(text: &str) -> Option<&str> {
    let at = text.rfind("\nfn main(")?;
    let before = &text[..at];
    before.contains("fn ").then_some(before)
}

/// The shortest answer [`straggler_limit`] ever cuts.
const STRAGGLER_FLOOR: u32 = 96;

/// How many times in a row an answer may write one line before it is
/// stopped ([`repeated_line`]). Over 1,648 decoded candidates of the dev
/// sets, 12 wrote a line of 8 or more characters three times in a row
/// (`nums.pop_back();`, a chain of `.collect()` calls, the same
/// `assert_eq!`); none of them passed, and 7 ran until they were cut.
const REPEATS: usize = 3;

/// The shortest line, spaces trimmed, that [`repeated_line`] counts: a
/// closing brace or `break;` may well repeat in right code.
const REPEATED_LINE_FLOOR: usize = 8;

/// The line `text` has just written [`REPEATS`] times in a row, if it has:
/// a small model in that loop never leaves it, and a batch waits for its
/// longest sequence. Only complete lines count (a token may hold a line's
/// end and the next one's indentation).
fn repeated_line(text: &str) -> Option<&str> {
    let mut lines = text[..text.rfind('\n')?].rsplit('\n').map(str::trim);
    let last = lines.next()?;
    let repeated = last.len() >= REPEATED_LINE_FLOOR
        && lines.take(REPEATS - 1).filter(|line| *line == last).count() == REPEATS - 1;
    repeated.then_some(last)
}

/// Why a sequence was ended before its answer was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Cut {
    /// It was not: it finished, or reached the token limit.
    #[default]
    Not,
    /// It ran far longer than the answers already finished ([`straggler_limit`]).
    Straggler,
    /// It wrote this line [`REPEATS`] times in a row ([`repeated_line`]).
    Repeated(String),
}

/// The sequences of one batched decode: each one's text so far, tokens,
/// how it ended, and where its logits are in the last batch.
struct Sequences {
    texts: Vec<Vec<u8>>,
    generated: Vec<u32>,
    finish: Vec<Option<Finish>>,
    cut: Vec<Cut>,
    logits_at: Vec<i32>,
    /// Each sequence's group: the sequences whose answers so far are the
    /// same (named by one of them; every answer starts empty, after one
    /// shared prompt).
    joined: Vec<usize>,
    /// Batch rows decoded after the prompt: one per token, or one per
    /// group that shared it.
    rows: u32,
}

impl Sequences {
    /// `n` sequences whose logits are at `last` (the prompt's last token).
    fn new(n: usize, last: i32) -> Sequences {
        Sequences {
            texts: vec![Vec::new(); n],
            generated: vec![0; n],
            finish: vec![None; n],
            cut: vec![Cut::Not; n],
            logits_at: vec![last; n],
            joined: vec![0; n],
            rows: 0,
        }
    }

    /// Picks the next token of every unfinished sequence, ending those
    /// that reached the limit, a straggler's cut, end of generation, a
    /// stop string or a repeated line; the (sequence, token) pairs to
    /// decode next.
    fn pick(
        &mut self,
        ctx: &LlamaContext<'_>,
        model: &LlamaModel,
        samplers: &mut [Sampler],
        request: &Request,
    ) -> Vec<(usize, LlamaToken)> {
        let vocab = model.vocab();
        let mut next = Vec::new();
        for (seq, sampler) in samplers.iter_mut().enumerate() {
            if self.finish[seq].is_some() {
                continue;
            }
            if self.generated[seq] >= request.max_tokens {
                self.finish[seq] = Some(Finish::Length);
                continue;
            }
            if self.straggling(seq, request.batching) {
                self.cut[seq] = Cut::Straggler;
                self.finish[seq] = Some(Finish::Length);
                continue;
            }
            let token = sampler.sample(ctx, self.logits_at[seq]);
            if vocab.is_eog(token) {
                self.finish[seq] = Some(Finish::Stop);
                continue;
            }
            self.generated[seq] += 1;
            self.texts[seq].extend(vocab.token_to_piece(token, false, None));
            let text = String::from_utf8_lossy(&self.texts[seq]);
            if let Some(cut) = request
                .stop
                .iter()
                .filter_map(|s| text.find(s.as_str()))
                .min()
            {
                self.texts[seq].truncate(cut);
                self.finish[seq] = Some(Finish::Stop);
                continue;
            }
            if let Some(line) = self.repeating(seq, request.batching) {
                self.cut[seq] = Cut::Repeated(line);
                self.finish[seq] = Some(Finish::Length);
                continue;
            }
            next.push((seq, token));
        }
        next
    }

    /// The next batch's rows for the picked `(sequence, token)` pairs, each
    /// a token and the sequences it is decoded for; where each sequence's
    /// logits will be. With `share`, sequences of one group that picked
    /// the same token get one row ([`Batching::shared_prefixes`]); the
    /// group splits where their picks differ, and never joins again.
    fn rows(&mut self, next: &[(usize, LlamaToken)], share: bool) -> Vec<(LlamaToken, Vec<i32>)> {
        let mut rows: Vec<(LlamaToken, Vec<i32>)> = Vec::new();
        let mut keys: Vec<(usize, LlamaToken)> = Vec::new();
        for &(seq, token) in next {
            let key = (self.joined[seq], token);
            let row = match keys.iter().position(|k| *k == key).filter(|_| share) {
                Some(row) => {
                    rows[row].1.push(seq as i32);
                    row
                }
                None => {
                    keys.push(key);
                    rows.push((token, vec![seq as i32]));
                    rows.len() - 1
                }
            };
            self.logits_at[seq] = row as i32;
        }
        for (_, seqs) in &rows {
            for seq in seqs {
                self.joined[*seq as usize] = seqs[0] as usize;
            }
        }
        self.rows += rows.len() as u32;
        rows
    }

    /// Whether sequence `seq` is a straggler to cut now, when `batching` allows.
    fn straggling(&self, seq: usize, batching: Batching) -> bool {
        batching.stragglers && self.generated[seq] >= straggler_limit(&self.generated, &self.finish)
    }

    /// The line sequence `seq` has written [`REPEATS`] times in a row,
    /// when it has and `batching` allows stopping it there.
    fn repeating(&self, seq: usize, batching: Batching) -> Option<String> {
        if !batching.repeats {
            return None;
        }
        repeated_line(&String::from_utf8_lossy(&self.texts[seq])).map(str::to_string)
    }

    /// Each sequence's answer: complete, or cut (with its partial text).
    fn completions(
        self,
        label: &str,
        prompt_tokens: u32,
        request: &Request,
        elapsed: std::time::Duration,
    ) -> Vec<Result<Completion, ProviderError>> {
        let ends = self
            .generated
            .into_iter()
            .zip(self.finish)
            .zip(self.cut);
        self.texts
            .into_iter()
            .zip(ends)
            .map(|(bytes, ((generated, finish), cut))| {
                let text = String::from_utf8_lossy(&bytes).to_string();
                let answer = |text: String| Completion {
                    text,
                    prompt_tokens,
                    completion_tokens: generated,
                    elapsed,
                    finish: Finish::Stop,
                };
                if finish == Some(Finish::Stop) {
                    return Ok(answer(text));
                }
                if let Some(kept) = answer_before_main(&text) {
                    return Ok(answer(kept.to_string()));
                }
                let why = match cut {
                    Cut::Straggler => format!("{label}: the answer was cut at {generated} tokens, far longer than the other candidates' answers"),
                    Cut::Repeated(line) => format!("{label}: the answer was stopped at {generated} tokens: it wrote `{line}` {REPEATS} times in a row"),
                    Cut::Not => format!(
                        "{label}: the answer was cut at {} tokens; raise `max-tokens`",
                        request.max_tokens
                    ),
                };
                Err(ProviderError::truncated(why, text))
            })
            .collect()
    }
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
    kv: KvLayout,
    flash: FlashAttention,
    /// Batch rows decoded after prompts ([`Embedded::rows_decoded`]).
    rows: std::sync::atomic::AtomicU64,
}

/// Whether attention is computed by llama.cpp's fused flash-attention
/// kernel. Measured by the `candidates` bench; see [`FlashAttention::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlashAttention {
    /// llama.cpp decides (it turns it on where the backend supports it, as
    /// the CPU does).
    #[default]
    Auto,
    /// Always the fused kernel.
    On,
    /// Never: attention as separate matrix products and a softmax.
    Off,
}

/// How a batch's sequences keep their attention state. The `candidates`
/// bench measures both: on 2 cores, 8 sequences of 48 tokens after the
/// prompt took 6.3–6.8 s either way over two runs (medians of 3, the same
/// answers): no gain to measure at these lengths, so unified stays the
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KvLayout {
    /// One stream shared by every sequence: the prompt's cells are shared,
    /// and each sequence computes attention over the others' tokens and
    /// masks it.
    #[default]
    Unified,
    /// A KV stream per sequence: each attends to the prompt and itself
    /// only, and the prompt, decoded once, is copied to every stream.
    PerSequence,
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
            threads: threads
                .filter(|t| *t > 0)
                .unwrap_or_else(|| self::threads(super::cores::Cores::Half)),
            params,
            verbose,
            digest_cache,
            model: OnceLock::new(),
            context_lock: Mutex::new(()),
            concurrency: 1,
            kv: KvLayout::default(),
            flash: FlashAttention::default(),
            rows: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The same provider with its batches' sequences kept in `kv`.
    #[must_use]
    pub fn with_kv(mut self, kv: KvLayout) -> Self {
        self.kv = kv;
        self
    }

    /// The same provider with attention computed as `flash` says.
    #[must_use]
    pub fn with_flash_attention(mut self, flash: FlashAttention) -> Self {
        self.flash = flash;
        self
    }

    /// Batch rows decoded after the prompts, over this provider's life:
    /// one per generated token, less what shared prefixes saved
    /// ([`Batching::shared_prefixes`]).
    pub fn rows_decoded(&self) -> u64 {
        self.rows.load(std::sync::atomic::Ordering::Relaxed)
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

    /// Whether `grammar` lets this model write `text`, token by token as
    /// the model would pick it: `Ok(None)` when it does, else the text it
    /// allowed and the first token it refused. What a grammar keeps out
    /// is checked this way, with the real vocabulary.
    ///
    /// # Errors
    ///
    /// The model cannot be loaded, or the grammar does not parse.
    pub fn grammar_refuses(
        &self,
        grammar: &str,
        text: &str,
    ) -> Result<Option<(String, String)>, ProviderError> {
        let model = self.model()?;
        let mut sampler = LlamaSampler::grammar(model, grammar, "root").map_err(|e| {
            ProviderError::new(ErrorKind::Config, format!("invalid GBNF grammar: {e}"))
        })?;
        let mut written = Vec::new();
        let vocab = model.vocab();
        for token in vocab.tokenize(text.as_bytes(), false, false) {
            let piece = vocab.token_to_piece(token, false, None);
            let mut one =
                LlamaTokenDataArray::new(vec![LlamaTokenData::new(token, 1.0, 0.0)], false);
            one.apply_sampler(&mut sampler);
            if !one.data[0].logit().is_finite() {
                let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
                return Ok(Some((text(&written), text(&piece))));
            }
            sampler.accept(token);
            written.extend(piece);
        }
        Ok(None)
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

    /// Decodes `requests` (one prompt; candidates differ in sampling only)
    /// as sequences `0..n` of one context. One sequence's failure (a cut
    /// answer) is its own; a failure of the context fails them all.
    fn decode_together(&self, requests: &[Request]) -> Vec<Result<Completion, ProviderError>> {
        match self.try_decode_together(requests) {
            Ok(answers) => answers,
            Err(error) => requests.iter().map(|_| Err(error.clone())).collect(),
        }
    }

    fn try_decode_together(
        &self,
        requests: &[Request],
    ) -> Result<Vec<Result<Completion, ProviderError>>, ProviderError> {
        let start = Instant::now();
        let Some(request) = requests.first() else {
            return Ok(Vec::new());
        };
        let n = requests.len();
        let model = self.model()?;
        let prompt = self.prompt(model, request)?;
        // The chat template writes special tokens as text; parse them as tokens.
        let tokens = model.vocab().tokenize(prompt.as_bytes(), true, true);
        self.check_fits(model, tokens.len() as u32, request.max_tokens)?;
        let prompt_tokens = tokens.len() as u32;
        let cells = match self.kv {
            KvLayout::PerSequence => (prompt_tokens + request.max_tokens) * n as u32,
            KvLayout::Unified => prompt_tokens + request.max_tokens * n as u32,
        };
        let mut ctx = self.context(model, cells, n)?;
        let last = self.decode_prompt(&mut ctx, &tokens, n)?;
        let mut batch = LlamaBatch::new(n, n as i32);
        let mut samplers = requests
            .iter()
            .map(|r| self.sampler(model, r))
            .collect::<Result<Vec<_>, _>>()?;
        let mut state = Sequences::new(n, last);
        let mut position = tokens.len() as i32;
        loop {
            let next = state.pick(&ctx, model, &mut samplers, request);
            if next.is_empty() {
                break;
            }
            batch.clear();
            // Only one unified cache can hold a cell for several sequences.
            let share = request.batching.shared_prefixes && self.kv == KvLayout::Unified;
            for (token, seqs) in state.rows(&next, share) {
                batch
                    .add(token, position, &seqs, true)
                    .map_err(|e| self.config(e.to_string()))?;
            }
            position += 1;
            ctx.decode(&mut batch)
                .map_err(|e| self.config(format!("decoding failed: {e}")))?;
        }
        self.rows
            .fetch_add(u64::from(state.rows), std::sync::atomic::Ordering::Relaxed);
        Ok(state.completions(&self.label(), tokens.len() as u32, request, start.elapsed()))
    }

    /// Decodes the prompt for `n` sequences; the index of its last token,
    /// whose logits every sequence samples its first token from. Per
    /// sequence, the prompt is decoded once, in sequence 0, and its cells
    /// copied to the other streams; unified, its cells belong to every
    /// sequence.
    fn decode_prompt(&self, ctx: &mut LlamaContext<'_>, tokens: &[LlamaToken], n: usize) -> Result<i32, ProviderError> {
        let mut batch = LlamaBatch::new(tokens.len(), n as i32);
        let every: Vec<i32> = (0..n as i32).collect();
        let owners: &[i32] = match self.kv {
            KvLayout::PerSequence => &[0],
            KvLayout::Unified => &every,
        };
        let last = tokens.len() as i32 - 1;
        for (i, token) in tokens.iter().enumerate() {
            batch
                .add(*token, i as i32, owners, i as i32 == last)
                .map_err(|e| self.config(e.to_string()))?;
        }
        ctx.decode(&mut batch)
            .map_err(|e| self.config(format!("decoding the prompt failed: {e}")))?;
        if self.kv == KvLayout::PerSequence {
            for seq in 1..n as i32 {
                ctx.copy_kv_cache_seq(0, seq, None, None)
                    .map_err(|e| self.config(format!("copying the prompt failed: {e}")))?;
            }
        }
        Ok(last)
    }

    /// A configuration error naming this provider.
    fn config(&self, e: String) -> ProviderError {
        ProviderError::new(ErrorKind::Config, format!("{}: {e}", self.label()))
    }

    /// The prompt's cells are shared (unified KV cache); each sequence
    /// needs room for its own answer only: the prompt and one answer must
    /// fit the context.
    fn check_fits(
        &self,
        model: &LlamaModel,
        prompt_tokens: u32,
        max_tokens: u32,
    ) -> Result<(), ProviderError> {
        let needed = prompt_tokens + max_tokens;
        let limit = self.params.num_ctx.min(model.n_ctx_train());
        if needed <= limit {
            return Ok(());
        }
        Err(ProviderError::new(
            ErrorKind::ContextOverflow,
            format!(
                "{}: the prompt ({prompt_tokens} tokens) plus up to {max_tokens} generated tokens needs a context of {needed}, but the limit is {limit}; shorten the spec or raise `ctx`",
                self.label()
            ),
        ))
    }

    /// A context of `cells` for `n` sequences, laid out as its [`KvLayout`] says.
    fn context<'m>(
        &self,
        model: &'m LlamaModel,
        cells: u32,
        n: usize,
    ) -> Result<LlamaContext<'m>, ProviderError> {
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(cells))
            .with_n_batch(cells)
            .with_n_seq_max(n as u32)
            .with_kv_unified(self.kv == KvLayout::Unified)
            .with_n_threads(self.threads)
            .with_n_threads_batch(self.threads)
            .with_flash_attention_policy(match self.flash {
                FlashAttention::Auto => llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_AUTO,
                FlashAttention::On => llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_ENABLED,
                FlashAttention::Off => llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_DISABLED,
            });
        let _guard = self.context_lock.lock().unwrap_or_else(|e| e.into_inner());
        model
            .new_context(backend(self.verbose)?, params)
            .map_err(|e| self.config(format!("cannot create a context: {e}")))
    }
    /// The sampler for one request: its grammar, and greedy or seeded
    /// sampling as [`GenerationParams::sampling`] says.
    fn sampler(&self, model: &LlamaModel, request: &Request) -> Result<Sampler, ProviderError> {
        let grammar = match &request.grammar {
            Some(grammar) => Some(LlamaSampler::grammar(model, grammar, "root").map_err(|e| {
                ProviderError::new(
                    ErrorKind::Config,
                    format!("{}: invalid GBNF grammar: {e}", self.label()),
                )
            })?),
            None => None,
        };
        let sampling = self.params.sampling(request.round, request.candidate);
        let pick = if sampling.temperature <= 0.0 {
            LlamaSampler::greedy()
        } else {
            let mut chain = vec![LlamaSampler::top_k(sampling.top_k)];
            if sampling.min_p > 0.0 {
                chain.push(LlamaSampler::min_p(sampling.min_p, 1));
            }
            chain.push(LlamaSampler::temp(sampling.temperature));
            chain.push(LlamaSampler::dist(sampling.seed));
            LlamaSampler::chain_simple(chain)
        };
        Ok(Sampler { grammar, pick })
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
            crate::digest::file_digest(&self.path, self.digest_cache.as_deref()).map_err(|e| {
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
        self.decode_together(std::slice::from_ref(request))
            .pop()
            .unwrap_or_else(|| Err(ProviderError::new(ErrorKind::Config, "no request")))
    }

    /// Every candidate of one prompt in one llama.cpp batch: the prompt is
    /// evaluated once for all sequences (its KV cells shared), then each
    /// step decodes one token of every unfinished sequence together. On
    /// two cores a step is bound by arithmetic, not by reading the weights:
    /// 8 tokens a step cost about 3.8 times one (the `candidates` bench), so
    /// the batch saves the prompt and a third of the steps' cost, not 8×.
    fn complete_batch(&self, requests: &[Request]) -> Vec<Result<Completion, ProviderError>> {
        let same_prompt = requests.windows(2).all(|w| {
            Request {
                candidate: 0,
                ..w[0].clone()
            } == Request {
                candidate: 0,
                ..w[1].clone()
            }
        });
        if !same_prompt {
            return requests.iter().map(|r| self.complete(r)).collect();
        }
        self.decode_together(requests)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A request with no prompt, stops or grammar, for the sequences' own rules.
    fn plain_request(max_tokens: u32) -> Request {
        Request {
            system: String::new(),
            history: Vec::new(),
            user: String::new(),
            stop: Vec::new(),
            max_tokens,
            grammar: None,
            round: 0,
            candidate: 0,
            batching: Batching::ALL,
        }
    }

    #[test]
    fn a_reply_cut_inside_its_own_main_keeps_the_code_before_it() {
        let cut = "```rust\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\nfn main() {\n    assert_eq!(add(1, 2), 3);\n    assert_eq!(add(";
        assert_eq!(
            answer_before_main(cut),
            Some("```rust\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n")
        );
        // Cut in the answer itself, or a `main` with nothing before it: no answer.
        assert_eq!(answer_before_main("```rust\npub fn add(a: i32, b: i32) -> i32 {\n    a +"), None);
        assert_eq!(answer_before_main("```rust\nfn main() {\n    let x = add("), None);
    }

    #[test]
    fn a_cut_sequence_with_an_answer_before_its_main_is_an_answer() {
        let mut sequences = Sequences::new(2, 0);
        let cut_in_main = "```rust\npub fn one() -> i32 {\n    1\n}\nfn main() {\n    assert_eq!(one(";
        sequences.texts = vec![cut_in_main.as_bytes().to_vec(), b"```rust\npub fn one() -> i32 {".to_vec()];
        sequences.generated = vec![40, 40];
        sequences.finish = vec![Some(Finish::Length), Some(Finish::Length)];
        let request = plain_request(40);
        let done = sequences.completions("m", 10, &request, std::time::Duration::ZERO);
        let kept = done[0].as_ref().expect("the code before the main");
        assert_eq!(kept.text, "```rust\npub fn one() -> i32 {\n    1\n}");
        assert_eq!(kept.completion_tokens, 40);
        assert!(done[1].is_err(), "cut in the answer itself");
    }

    #[test]
    fn a_line_written_three_times_in_a_row_stops_the_answer() {
        let looping = "```rust\npub fn f(mut v: Vec<i32>) {\n    v.pop();\n    nums.pop_back();\n    nums.pop_back();\n    nums.pop_back();\n    nu";
        assert_eq!(repeated_line(looping), Some("nums.pop_back();"));
        // The third line counts once it is complete, whatever follows its end.
        assert_eq!(repeated_line(&looping[..looping.len() - 7]), None);
        // Short lines repeat in right code; lines apart are not a loop.
        assert_eq!(repeated_line("    }\n    }\n    }\n"), None);
        assert_eq!(repeated_line("    total += x;\n    y += 1;\n    total += x;\n    total += x;\n"), None);
    }

    #[test]
    fn a_repeated_line_stops_a_sequence_only_where_batching_allows() {
        let mut sequences = Sequences::new(1, 0);
        sequences.texts = vec![b"```rust\npub fn f() {\n    a.pop_back();\n    a.pop_back();\n    a.pop_back();\n".to_vec()];
        assert_eq!(sequences.repeating(0, Batching::ALL).as_deref(), Some("a.pop_back();"));
        assert_eq!(sequences.repeating(0, Batching::NONE), None);
        let stragglers_only = Batching { repeats: false, ..Batching::ALL };
        assert_eq!(sequences.repeating(0, stragglers_only), None);
    }

    #[test]
    fn a_sequence_stopped_for_a_repeated_line_says_so() {
        let mut sequences = Sequences::new(1, 0);
        sequences.texts = vec![b"```rust\npub fn f() {\n    a.pop();\n    a.pop();\n    a.pop();\n".to_vec()];
        sequences.generated = vec![30];
        sequences.finish = vec![Some(Finish::Length)];
        sequences.cut = vec![Cut::Repeated("a.pop();".into())];
        let request = plain_request(400);
        let done = sequences.completions("m", 10, &request, std::time::Duration::ZERO);
        let error = done[0].as_ref().expect_err("a loop is no answer");
        assert_eq!(error.kind, ErrorKind::Truncated);
        assert!(error.message.contains("it wrote `a.pop();` 3 times in a row"), "{error}");
        assert!(!error.message.contains("max-tokens"), "{error}");
    }

    #[test]
    fn sequences_share_a_row_while_their_answers_are_the_same() {
        let (a, b) = (LlamaToken(7), LlamaToken(9));
        let mut sequences = Sequences::new(4, 0);
        // Every answer starts the same: equal picks share one row.
        let rows = sequences.rows(&[(0, a), (1, a), (2, b), (3, a)], true);
        assert_eq!(rows, vec![(a, vec![0, 1, 3]), (b, vec![2])]);
        assert_eq!(sequences.logits_at, vec![0, 0, 1, 0]);
        // 2 left the group: the same pick no longer joins it to the others.
        let rows = sequences.rows(&[(0, a), (1, b), (2, a), (3, b)], true);
        assert_eq!(rows, vec![(a, vec![0]), (b, vec![1, 3]), (a, vec![2])]);
        assert_eq!(sequences.logits_at, vec![0, 1, 2, 1]);
        assert_eq!(sequences.rows, 5);
        // Unshared, every pick is a row of its own.
        let mut apart = Sequences::new(2, 0);
        assert_eq!(apart.rows(&[(0, a), (1, a)], false), vec![(a, vec![0]), (a, vec![1])]);
    }

    #[test]
    fn a_straggler_is_cut_only_where_batching_allows() {
        let mut sequences = Sequences::new(4, 0);
        sequences.generated = vec![80, 70, 200, 100];
        sequences.finish = vec![Some(Finish::Stop), Some(Finish::Stop), None, None];
        assert!(sequences.straggling(2, Batching::ALL));
        assert!(!sequences.straggling(3, Batching::ALL), "within twice the longest finished");
        assert!(!sequences.straggling(2, Batching::NONE));
        let repeats_only = Batching { stragglers: false, ..Batching::ALL };
        assert!(!sequences.straggling(2, repeats_only));
    }

    #[test]
    fn stragglers_are_cut_only_once_half_have_finished() {
        let running = None;
        let done = Some(Finish::Stop);
        // A single sequence is never cut, nor any before half are done.
        assert_eq!(straggler_limit(&[500], &[running]), u32::MAX);
        assert_eq!(
            straggler_limit(&[80, 300, 300, 300], &[done, running, running, running]),
            u32::MAX
        );
        // Half done: twice the longest finished answer…
        assert_eq!(
            straggler_limit(&[80, 70, 300, 300], &[done, done, running, running]),
            160
        );
        // …but never below the floor.
        assert_eq!(
            straggler_limit(&[20, 30, 300, 300], &[done, done, running, running]),
            STRAGGLER_FLOOR
        );
    }
}
