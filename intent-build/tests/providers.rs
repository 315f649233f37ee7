//! Providers against real models and servers, and their error paths against
//! a loopback server that replays responses in each protocol's shapes.

mod support;

use std::time::Duration;

use intent_build::provider::cache::ResponseCache;
use intent_build::provider::ollama::Ollama;
use intent_build::provider::openai::OpenAi;
use intent_build::provider::router::Router;
use intent_build::provider::{
    Batching, ErrorKind, GenerationParams, Provider, ProviderError, Request,
};
use serde_json::json;
use support::python::PythonServer;
use support::{refused_url, ReplayServer, Reply};

fn request(user: &str) -> Request {
    Request {
        system: "You are a helpful assistant.".into(),
        history: Vec::new(),
        user: user.into(),
        stop: Vec::new(),
        max_tokens: 48,
        grammar: None,
        round: 0,
        candidate: 0,
        batching: Batching::ALL,
    }
}

fn params() -> GenerationParams {
    GenerationParams {
        max_tokens: 48,
        ..GenerationParams::default()
    }
}

// ---- real models: assertions that hold for any answer ----
//
// Greedy output depends on the CPU, the thread count and the build, so these
// tests never look at what the model said: an answer arrived within its limits
// or a typed truncation came back, and the same request gave the same outcome
// twice in one process. Every test whose name starts with `real_model` runs
// twice in `scripts/test`, with 1 and with 2 threads.

/// What holds for any outcome of `request` with a `max_tokens` limit: a
/// completion within the limit, or a truncation that says so and keeps the
/// text generated so far. Returns the text either way.
fn any_answer(
    outcome: &Result<intent_build::provider::Completion, ProviderError>,
    max_tokens: u32,
) -> String {
    match outcome {
        Ok(completion) => {
            assert!(completion.completion_tokens <= max_tokens, "{completion:?}");
            completion.text.clone()
        }
        Err(err) => {
            assert_eq!(err.kind, ErrorKind::Truncated, "{err}");
            assert!(
                err.message.contains(&format!("cut at {max_tokens} tokens")),
                "{err}"
            );
            err.partial
                .clone()
                .expect("a truncation keeps the partial text")
        }
    }
}

#[cfg(feature = "embedded")]
mod embedded {
    use super::*;
    use intent_build::generate::RUST_BLOCK_GRAMMAR;
    use intent_build::provider::embedded::Embedded;

    fn smol(params: GenerationParams) -> Embedded {
        let path = support::model_file(intent_build::models::TEST_MODEL);
        Embedded::new(
            path,
            "smollm2-135m",
            Some(support::model_threads()),
            params,
            false,
            None,
        )
    }

    #[test]
    fn real_model_answers_or_truncates_and_repeats_itself_with_greedy_decoding() {
        let provider = smol(params());
        assert!(
            !provider.is_loaded(),
            "no model is loaded before the first generation"
        );
        let first = provider.complete(&request("Name three colours."));
        let text = any_answer(&first, 48);
        assert!(provider.is_loaded());
        if let Ok(completion) = &first {
            assert!(completion.prompt_tokens > 0, "{completion:?}");
            assert_eq!(completion.finish, intent_build::provider::Finish::Stop);
        }
        let second = provider.complete(&request("Name three colours."));
        assert_eq!(
            any_answer(&second, 48),
            text,
            "greedy decoding repeats in one process"
        );
        assert_eq!(first.is_ok(), second.is_ok());
    }

    #[test]
    fn real_model_min_p_sampling_answers_within_its_limit_and_repeats_its_seed() {
        // The min-p sampler sits in the real llama.cpp chain of a sampled
        // candidate: it answers (or truncates) and its seed still repeats.
        let provider = smol(GenerationParams {
            min_p: 0.1,
            ..params()
        });
        let sampled = Request {
            candidate: 1,
            ..request("Name three colours.")
        };
        let first = any_answer(&provider.complete(&sampled), 48);
        let again = any_answer(&provider.complete(&sampled), 48);
        assert_eq!(first, again, "a seeded sample repeats in one process");
    }

    #[test]
    fn real_model_grammar_confines_output_to_one_fenced_rust_block() {
        let provider = smol(params());
        let mut req = request("Write a Rust function that adds two numbers.");
        req.grammar = Some(RUST_BLOCK_GRAMMAR.into());
        req.max_tokens = 256;
        let outcome = provider.complete(&req);
        let text = any_answer(&outcome, 256);
        // Complete or cut, the grammar allowed nothing before the fence.
        assert!(text.starts_with("```rust\n"), "{text:?}");
        if outcome.is_ok() {
            assert!(text.ends_with("```"), "{text:?}");
            assert_eq!(text.matches("```").count(), 2, "{text:?}");
        } else {
            assert_eq!(text.matches("```").count(), 1, "{text:?}");
        }
    }

    #[test]
    fn real_model_decodes_a_rounds_candidates_in_one_batch_within_the_grammar() {
        let provider = smol(params());
        let requests: Vec<Request> = (0..4)
            .map(|candidate| Request {
                grammar: Some(intent_build::generate::grammar::for_prelude("")),
                max_tokens: 64,
                candidate,
                ..request("Write a Rust function that adds two numbers.")
            })
            .collect();
        let answers = provider.complete_batch(&requests);
        assert_eq!(answers.len(), 4);
        let mut prompt_tokens = std::collections::HashSet::new();
        for outcome in &answers {
            let text = any_answer(outcome, 64);
            // Every sequence has its own grammar state: each starts its own fence.
            assert!(text.starts_with("```rust\n"), "{text:?}");
            if let Ok(completion) = outcome {
                assert!(text.ends_with("```"), "{text:?}");
                prompt_tokens.insert(completion.prompt_tokens);
            }
        }
        // One prompt for all of them.
        assert!(prompt_tokens.len() <= 1, "{prompt_tokens:?}");
    }

    #[test]
    fn real_model_equal_answers_in_a_batch_are_decoded_once() {
        // Four greedy requests of one prompt: the same answer, whatever the
        // CPU. Shared, every step is one row for the four; apart, four.
        let provider = smol(params());
        let same = |batching: Batching| -> Vec<Request> {
            (0..4)
                .map(|_| Request {
                    max_tokens: 24,
                    batching,
                    ..request("Name three colours.")
                })
                .collect()
        };
        let tokens =
            |answers: &[Result<intent_build::provider::Completion, ProviderError>]| -> Vec<u32> {
                answers
                    .iter()
                    .map(|a| a.as_ref().map_or(24, |c| c.completion_tokens))
                    .collect()
            };
        let before = provider.rows_decoded();
        let shared = provider.complete_batch(&same(Batching::ALL));
        let texts: Vec<String> = shared.iter().map(|a| any_answer(a, 24)).collect();
        assert!(texts.iter().all(|t| *t == texts[0]), "{texts:?}");
        let each = tokens(&shared)[0];
        assert_eq!(provider.rows_decoded() - before, u64::from(each));
        let before = provider.rows_decoded();
        let apart = provider.complete_batch(&same(Batching {
            shared_prefixes: false,
            ..Batching::ALL
        }));
        let decoded: u32 = tokens(&apart).iter().sum();
        assert_eq!(provider.rows_decoded() - before, u64::from(decoded));
        assert!(decoded >= 4, "{decoded}");
    }

    /// Asserts a grammar refused `refused` at the word `at`, found at byte
    /// `word`: everything before it was allowed, and the token refused is in
    /// it or right after it (where an excluded word must end).
    fn assert_cut_at(refusal: Option<(String, String)>, refused: &str, word: usize, at: &str) {
        let (allowed, token) = refusal.unwrap_or_else(|| panic!("{refused} was accepted"));
        assert!(
            word < allowed.len() + token.len() && allowed.len() <= word + at.len(),
            "{refused}: allowed {allowed:?}, refused {token:?}, not at `{at}`"
        );
    }

    #[test]
    fn real_model_probes_grammar_writes_the_calls_and_leaves_only_the_values() {
        let provider = smol(params());
        let calls = [
            "to_roman(4000)".to_string(),
            "to_roman(4294967295)".to_string(),
        ];
        let grammar = intent_build::generate::grammar::for_values(&calls);
        let accepts = |text: &str| provider.grammar_refuses(&grammar, text).unwrap();
        let answer = "```rust\nassert_eq!(to_roman(4000), None);\nassert_eq!(to_roman(4294967295), Some(\"M\".into()));\n```";
        assert_eq!(accepts(answer), None);
        // Another call, or a third line, is cut where it starts.
        let refused = "```rust\nassert_eq!(to_roman(5), None);\n```";
        assert_cut_at(accepts(refused), refused, refused.find('5').unwrap(), "5");
        let refused = "```rust\nassert_eq!(to_roman(4000), None);\nassert_eq!(to_roman(4294967295), None);\nassert!(true);\n```";
        assert_cut_at(
            accepts(refused),
            refused,
            refused.find("assert!").unwrap(),
            "assert!",
        );
    }

    #[test]
    fn real_model_policy_grammar_keeps_imports_inside_the_crate() {
        let provider = smol(params());
        let grammar =
            intent_build::generate::grammar::for_prelude("pub enum Shape { Square(f64) }");
        let accepts = |text: &str| provider.grammar_refuses(&grammar, text).unwrap();
        // What the gates accept is never refused.
        for allowed in [
            "```rust\nuse std::collections::HashMap;\npub fn area(s: &Shape) -> f64 {\n    0.0\n}\n```",
            "```rust\n    use core::cmp::Ordering;\npub(crate) use Shape::*;\nuser_input();\npublic();\n```",
            "```rust\n// use regex::Regex;\nfn f() -> &'static str { \"use regex\" }\n```",
        ] {
            assert_eq!(accepts(allowed), None, "{allowed}");
        }
        // A crate the candidate's crate does not have, or what the policy
        // refuses, is cut where it starts.
        for (refused, at) in [
            ("```rust\nuse regex::Regex;\n```", "regex"),
            (
                "```rust\nfn f() {\n    use itertools::Itertools;\n}\n```",
                "itertools",
            ),
            ("```rust\npub use rand::random;\n```", "rand"),
            ("```rust\nextern crate regex;\n```", "extern"),
            ("```rust\nunsafe fn f() {}\n```", "unsafe"),
        ] {
            assert_cut_at(accepts(refused), refused, refused.find(at).unwrap(), at);
        }
    }

    #[test]
    fn real_model_std_grammar_imports_only_what_the_toolchain_has() {
        let provider = smol(params());
        let runner = intent_build::judge::gates::GateRunner::new(
            std::env::temp_dir(),
            Duration::from_secs(10),
        );
        let std = intent_build::judge::std_paths::StdPaths::of_sysroot(
            &runner.sysroot().unwrap(),
        )
        .expect("the toolchain's documentation (`rustup component add rust-docs`; scripts/test adds it)");
        let grammar = intent_build::generate::grammar::for_imports(
            "pub enum Shape { Square(f64) }",
            &[],
            Some(&std),
        );
        let accepts = |text: &str| provider.grammar_refuses(&grammar, text).unwrap();
        for allowed in [
            "```rust\nuse std::collections::HashMap;\n```",
            "```rust\nuse std::collections::{HashMap, HashSet};\n```",
            "```rust\nuse std::io::{self, Read as _};\n```",
            "```rust\nuse std::cmp::Ordering::{Less, Greater};\n```",
            "```rust\nuse std::collections::hash_map::Entry;\n```",
            "```rust\n    use core::fmt::Write;\nuse alloc::vec::Vec;\nuse std::fmt::*;\n```",
            "```rust\npub(crate) use Shape::*;\nuse self::helpers::x;\n```",
        ] {
            assert_eq!(accepts(allowed), None, "{allowed}");
        }
        // A module or item std does not have is cut where it starts.
        for (refused, at) in [
            ("```rust\nuse std::regex::Regex;\n```", "regex"),
            ("```rust\nuse std::str::Trim;\n```", "Trim"),
            // The realistic run's one import of what std lacks.
            ("```rust\nuse std::env::get;\n```", "get"),
            ("```rust\nmod m {\n    use std::env::get;\n}\n```", "get"),
            // Past a macro (`format!`), not an enum: nothing follows.
            ("```rust\nuse std::format::Write;\n```", "::Write"),
            (
                "```rust\nuse std::collections::HashMap::Entry;\n```",
                "::Entry",
            ),
            ("```rust\nuse std::collections::HashMapEntry;\n```", "Entry"),
            (
                "```rust\nuse std::collections::{HashMap, Counter};\n```",
                "Counter",
            ),
            ("```rust\nuse regex::Regex;\n```", "regex"),
        ] {
            assert_cut_at(accepts(refused), refused, refused.rfind(at).unwrap(), at);
        }
    }

    #[test]
    fn real_model_signature_grammar_opens_the_block_with_the_spec_signature() {
        let provider = smol(params());
        let grammar = intent_build::generate::grammar::anchored(
            &intent_build::generate::grammar::for_prelude(""),
            "pub fn add(a: i32, b: i32) -> i32",
        );
        let refuses = |text: &str| provider.grammar_refuses(&grammar, text).unwrap();
        // Imports and comments may come first, helpers after.
        let allowed = "```rust\nuse std::cmp::max;\n// adds\n\npub fn add(a: i32, b: i32) -> i32 {\n    max(a, b) + helper()\n}\n\nfn helper() -> i32 { 0 }\n```";
        assert_eq!(refuses(allowed), None, "{allowed}");
        // Anything else before the signature, or another signature, is cut
        // where it departs from the spec's.
        for (refused, at) in [
            ("```rust\nfn add(a: i32, b: i32) -> i32 {\n", "fn add"),
            ("```rust\npub fn add(a: i64, b: i64) -> i64 {\n", "i64"),
            (
                "```rust\nfn helper() {}\npub fn add(a: i32, b: i32) -> i32 {\n",
                "fn helper",
            ),
            (
                "```rust\nuse regex::Regex;\npub fn add(a: i32, b: i32) -> i32 {\n",
                "regex",
            ),
        ] {
            let (allowed, token) =
                refuses(refused).unwrap_or_else(|| panic!("{refused} was accepted"));
            let at = refused.find(at).unwrap();
            assert!(
                allowed.len() <= at + 1 && at < allowed.len() + token.len(),
                "{refused}: allowed {allowed:?}, refused {token:?}"
            );
        }
    }

    #[test]
    fn real_model_a_batch_of_different_prompts_is_answered_one_by_one() {
        let provider = smol(params());
        let requests = [
            request("Name three colours."),
            request("Name three animals."),
        ];
        let answers = provider.complete_batch(&requests);
        assert_eq!(answers.len(), 2);
        for outcome in &answers {
            any_answer(outcome, 48);
        }
    }

    #[test]
    fn real_model_prompt_beyond_the_context_is_a_clear_error() {
        let provider = smol(GenerationParams {
            num_ctx: 64,
            ..params()
        });
        let err = provider
            .complete(&request(&"word ".repeat(200)))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ContextOverflow);
        assert!(err.message.contains("needs a context of"), "{err}");
        assert!(err.message.contains("but the limit is 64"), "{err}");
    }

    #[test]
    fn a_missing_model_says_how_to_fetch_it() {
        let provider = Embedded::new(
            "/nonexistent/x.gguf".into(),
            "qwen2.5-coder-0.5b",
            Some(1),
            params(),
            false,
            None,
        );
        let err = provider.complete(&request("hi")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::ModelMissing);
        assert!(
            err.message
                .contains("run `cargo intent models fetch qwen2.5-coder-0.5b`"),
            "{err}"
        );
    }

    #[test]
    fn real_model_identity_is_the_file_sha256_and_changes_with_the_file() {
        let provider = smol(params());
        let identity = provider.identity().unwrap();
        assert_eq!(
            identity.digest,
            intent_build::models::known("smollm2-135m").unwrap().sha256
        );
        assert_eq!(identity.provider, "embedded");

        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("m.gguf");
        std::fs::write(&copy, b"GGUF one").unwrap();
        let cache = dir.path().join("cache");
        let digest = |p: &std::path::Path| {
            Embedded::new(p.into(), "m", Some(1), params(), false, Some(cache.clone()))
                .identity()
                .unwrap()
                .digest
        };
        let before = digest(&copy);
        assert_eq!(before, intent_build::files::sha256_hex(b"GGUF one"));
        std::fs::write(&copy, b"GGUF two!").unwrap();
        assert_ne!(digest(&copy), before);
    }
}

// ---- Ollama's protocol, replayed on loopback ----

fn ollama_server(chat: Reply) -> ReplayServer {
    ReplayServer::start(vec![
        (
            "/api/tags",
            Reply::json(
                200,
                json!({"models": [{"name": "qwen2.5-coder:0.5b", "model": "qwen2.5-coder:0.5b", "digest": "abc123", "size": 1}]}),
            ),
        ),
        (
            "/api/version",
            Reply::json(200, json!({"version": "0.12.0"})),
        ),
        ("/api/chat", chat),
    ])
}

fn ollama(url: &str, timeout: Duration) -> Ollama {
    Ollama::new(url, "qwen2.5-coder:0.5b", params(), timeout, 1)
}

fn chat_ok(text: &str) -> Reply {
    Reply::json(
        200,
        json!({"model": "qwen2.5-coder:0.5b", "message": {"role": "assistant", "content": text}, "done": true, "done_reason": "stop", "prompt_eval_count": 12, "eval_count": 5}),
    )
}

#[test]
fn ollama_completes_sending_every_option_and_reports_the_digest() {
    let server = ollama_server(chat_ok("hello"));
    let provider = ollama(&server.url, Duration::from_secs(5));
    assert_eq!(provider.version().unwrap(), "0.12.0");
    let identity = provider.identity().unwrap();
    assert_eq!(identity.digest, "sha256:abc123");
    let completion = provider.complete(&request("hi")).unwrap();
    assert_eq!(completion.text, "hello");
    assert_eq!(
        (completion.prompt_tokens, completion.completion_tokens),
        (12, 5)
    );
    let body: serde_json::Value = serde_json::from_str(
        &server
            .requests
            .lock()
            .unwrap()
            .iter()
            .find(|(p, _)| p == "/api/chat")
            .unwrap()
            .1,
    )
    .unwrap();
    for option in [
        "temperature",
        "top_k",
        "min_p",
        "seed",
        "num_ctx",
        "num_predict",
        "stop",
    ] {
        assert!(
            body["options"].get(option).is_some(),
            "option {option} not sent: {body}"
        );
    }
    assert_eq!(body["think"], false);
    assert_eq!(body["stream"], false);
}

#[test]
fn ollama_unknown_model_says_to_pull_it() {
    let server = ollama_server(Reply::json(
        404,
        json!({"error": "model 'qwen2.5-coder:0.5b' not found"}),
    ));
    let err = ollama(&server.url, Duration::from_secs(5))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ModelMissing);
    assert_eq!(
        err.message,
        format!(
            "model qwen2.5-coder:0.5b is not pulled on {}: run `ollama pull qwen2.5-coder:0.5b`",
            server.url
        )
    );
    let empty = ReplayServer::start(vec![("/api/tags", Reply::json(200, json!({"models": []})))]);
    assert_eq!(
        ollama(&empty.url, Duration::from_secs(5))
            .identity()
            .unwrap_err()
            .kind,
        ErrorKind::ModelMissing
    );
}

#[test]
fn ollama_server_error_timeout_length_and_malformed_json() {
    let server = ollama_server(Reply::json(
        500,
        json!({"error": "llama runner process has terminated"}),
    ));
    let err = ollama(&server.url, Duration::from_secs(5))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server);
    assert!(
        err.message.contains("llama runner process has terminated"),
        "{err}"
    );

    server.set("/api/chat", chat_ok("late").delayed(Duration::from_secs(3)));
    let err = ollama(&server.url, Duration::from_millis(500))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");

    server.set(
        "/api/chat",
        Reply::json(
            200,
            json!({"message": {"content": "cut"}, "done": true, "done_reason": "length"}),
        ),
    );
    let err = ollama(&server.url, Duration::from_secs(5))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Truncated);

    server.set("/api/chat", Reply::raw(200, "{\"message\": {\"content\": "));
    let err = ollama(&server.url, Duration::from_secs(5))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadResponse);
    assert!(err.message.contains("malformed JSON"), "{err}");
}

#[test]
fn ollama_connection_refused_and_cloud_models() {
    let err = ollama(&refused_url(), Duration::from_secs(2))
        .complete(&request("hi"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unreachable);
    let cloud = ReplayServer::start(vec![(
        "/api/tags",
        Reply::json(
            200,
            json!({"models": [{"name": "qwen2.5-coder:0.5b", "digest": "d", "remote_host": "https://ollama.com"}]}),
        ),
    )]);
    let err = ollama(&cloud.url, Duration::from_secs(2))
        .identity()
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Refused);
    assert!(err.message.contains("not local"), "{err}");
}

// ---- OpenAI-compatible: a real llama-cpp-python server, and error paths ----

/// llama-cpp-python's server with the SmolLM2 GGUF, on a free loopback port.
fn llama_cpp_python() -> PythonServer {
    PythonServer::start("smol", support::model_threads())
}

#[test]
fn real_model_openai_provider_against_a_llama_cpp_python_server() {
    let server = llama_cpp_python();
    let dead = refused_url();
    // A dead endpoint first: requests go on to the live one.
    let provider = OpenAi::new(
        vec![dead, format!("{}/v1", server.url)],
        "smol",
        params(),
        Duration::from_secs(60),
        1,
        None,
    );
    let identity = provider.identity().unwrap();
    assert_eq!(identity.provider, "openai");
    assert!(identity.note.unwrap().contains("no weights digest"));
    let first = provider.complete(&request("Name three colours."));
    any_answer(&first, 48);
    if let Ok(completion) = &first {
        assert!(completion.prompt_tokens > 0, "{completion:?}");
    }
    // No equality check here: the server reuses its KV cache for a repeated
    // prompt, and a prefix decoded in another batch shape may change the
    // greedy answer. Both outcomes must still be well-formed.
    any_answer(&provider.complete(&request("Name three colours.")), 48);
    // The policy grammar the pipeline sends is one the server parses and
    // applies: the answer starts with the fence, whatever it says after.
    let mut confined = request("Write a Rust function using the regex crate.");
    confined.grammar = Some(intent_build::generate::grammar::for_prelude(""));
    let text = any_answer(&provider.complete(&confined), 48);
    assert!(text.starts_with("```rust\n"), "{text:?}");
    assert!(!text.contains("use regex"), "{text:?}");
    let missing = OpenAi::new(
        vec![server.url.clone()],
        "no-such-model",
        params(),
        Duration::from_secs(10),
        1,
        None,
    );
    assert_eq!(
        missing.identity().unwrap_err().kind,
        ErrorKind::ModelMissing
    );
}

#[test]
fn an_endpoint_that_fails_hands_its_request_to_another_and_all_failing_name_each() {
    let answer = Reply::json(
        200,
        json!({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}),
    );
    let sick = ReplayServer::start(vec![(
        "/v1/chat/completions",
        Reply::json(503, json!({"error": {"message": "loading model"}})),
    )]);
    let well = ReplayServer::start(vec![("/v1/chat/completions", answer)]);
    let dead = refused_url();
    let provider = OpenAi::new(
        vec![sick.url.clone(), dead.clone(), well.url.clone()],
        "m",
        params(),
        Duration::from_secs(5),
        1,
        None,
    );
    // Every request is answered, by the one endpoint that can.
    for _ in 0..3 {
        assert_eq!(provider.complete(&request("hi")).unwrap().text, "ok");
    }
    assert_eq!(well.requests.lock().unwrap().len(), 3);
    // The failing endpoint rests after failing, and is not forgotten: it
    // is asked again once its rest is over.
    let asked_sick = sick.requests.lock().unwrap().len();
    assert!(asked_sick >= 1, "the 5xx endpoint was never asked");
    std::thread::sleep(Duration::from_secs(2));
    provider.complete(&request("hi")).unwrap();
    assert!(
        sick.requests.lock().unwrap().len() > asked_sick,
        "forgotten"
    );

    // No endpoint answers: one error, each endpoint with what it answered.
    let down = OpenAi::new(
        vec![sick.url.clone(), dead.clone()],
        "m",
        params(),
        Duration::from_secs(5),
        1,
        None,
    );
    let err = down.complete(&request("hi")).unwrap_err();
    assert!(err.try_next(), "{err:?}");
    let lines: Vec<&str> = err.message.lines().collect();
    assert!(lines[0].ends_with("every endpoint failed:"), "{err}");
    assert!(
        lines[1].contains(&sick.url) && lines[1].contains("answered 503 (loading model)"),
        "{err}"
    );
    assert!(
        lines[2].contains(&dead) && lines[2].contains("cannot connect"),
        "{err}"
    );
}

#[test]
fn openai_error_paths() {
    let server = ReplayServer::start(vec![(
        "/v1/chat/completions",
        Reply::json(500, json!({"error": {"message": "out of memory"}})),
    )]);
    let provider = OpenAi::new(
        vec![server.url.clone()],
        "m",
        params(),
        Duration::from_secs(5),
        1,
        None,
    );
    let err = provider.complete(&request("hi")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server);
    assert!(err.message.contains("out of memory"), "{err}");
    server.set("/v1/chat/completions", Reply::raw(200, "not json"));
    assert_eq!(
        provider.complete(&request("hi")).unwrap_err().kind,
        ErrorKind::BadResponse
    );
    server.set(
        "/v1/chat/completions",
        Reply::json(
            200,
            json!({"choices": [{"message": {"content": "x"}, "finish_reason": "length"}]}),
        ),
    );
    assert_eq!(
        provider.complete(&request("hi")).unwrap_err().kind,
        ErrorKind::Truncated
    );
    let refused = OpenAi::new(
        vec![refused_url()],
        "m",
        params(),
        Duration::from_secs(2),
        1,
        None,
    );
    assert_eq!(
        refused.complete(&request("hi")).unwrap_err().kind,
        ErrorKind::Unreachable
    );
}

/// A loopback server that answers one request with a `200` whose body
/// never ends, counting the bytes it got to write before the client left.
fn endless_server() -> (String, std::sync::mpsc::Receiver<u64>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sent, written) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 65536];
        let _ = stream.read(&mut request);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
        );
        let chunk = [b' '; 65536];
        let mut total = 0u64;
        // Bounded: it stops at 4 GiB even if nothing ever stops reading.
        while total < 4 << 30 && stream.write_all(&chunk).is_ok() {
            total += chunk.len() as u64;
        }
        let _ = sent.send(total);
    });
    (url, written)
}

#[test]
fn a_server_that_never_stops_sending_is_cut_off_at_the_cap() {
    let (url, written) = endless_server();
    let provider = OpenAi::new(vec![url], "m", params(), Duration::from_secs(30), 1, None)
        .max_response_bytes(1 << 20);
    let started = std::time::Instant::now();
    let err = provider.complete(&request("hi")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadResponse, "{err}");
    assert!(
        err.message
            .contains("more than 1048576 bytes (`max-response-bytes`)"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cut off at the cap, not the timeout"
    );
    drop(provider);
    // The client closed the connection: what the server could write past
    // the cap is what the sockets' buffers held, not the endless rest.
    let total = written
        .recv_timeout(Duration::from_secs(10))
        .expect("the server's writes fail once the client is gone");
    assert!(total < 64 << 20, "{total} bytes written");

    // A body of exactly the cap is read whole.
    let server = ReplayServer::start(vec![("/v1/chat/completions", Reply::raw(200, "x"))]);
    let body =
        json!({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}).to_string();
    server.set("/v1/chat/completions", Reply::raw(200, &body));
    let exact = OpenAi::new(
        vec![server.url.clone()],
        "m",
        params(),
        Duration::from_secs(5),
        1,
        None,
    )
    .max_response_bytes(body.len() as u64);
    assert_eq!(exact.complete(&request("hi")).unwrap().text, "ok");
    let short = OpenAi::new(
        vec![server.url.clone()],
        "m",
        params(),
        Duration::from_secs(5),
        1,
        None,
    )
    .max_response_bytes(body.len() as u64 - 1);
    assert_eq!(
        short.complete(&request("hi")).unwrap_err().kind,
        ErrorKind::BadResponse
    );
}

#[test]
fn openai_sends_min_p_only_when_configured() {
    let server = openai_replay("x");
    let body_for = |params: GenerationParams| -> serde_json::Value {
        let provider = OpenAi::new(
            vec![server.url.clone()],
            "m",
            params,
            Duration::from_secs(5),
            1,
            None,
        );
        // A sampled candidate: greedy requests never carry a cut-off.
        let sampled = Request {
            candidate: 1,
            ..request("hi")
        };
        provider.complete(&sampled).unwrap();
        let requests = server.requests.lock().unwrap();
        let (_, body) = requests
            .iter()
            .rev()
            .find(|(p, _)| p == "/v1/chat/completions")
            .unwrap();
        serde_json::from_str(body).unwrap()
    };
    // Unset, the server keeps its own default (llama-server's is 0.05).
    assert!(body_for(params()).get("min_p").is_none());
    let configured = body_for(GenerationParams {
        min_p: 0.1,
        ..params()
    });
    assert!((configured["min_p"].as_f64().unwrap() - 0.1).abs() < 1e-6);
}

// ---- router and cache ----

fn openai_replay(text: &str) -> ReplayServer {
    ReplayServer::start(vec![
        (
            "/v1/models",
            Reply::json(
                200,
                json!({"data": [{"id": "m", "object": "model", "created": 1}]}),
            ),
        ),
        (
            "/v1/chat/completions",
            Reply::json(
                200,
                json!({"choices": [{"message": {"content": text}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}),
            ),
        ),
    ])
}

#[test]
fn router_falls_back_in_order_and_names_who_answered() {
    let live = openai_replay("from the second");
    let router = Router::new(
        vec![
            Box::new(ollama(&refused_url(), Duration::from_secs(2))),
            Box::new(OpenAi::new(
                vec![live.url.clone()],
                "m",
                params(),
                Duration::from_secs(5),
                1,
                None,
            )),
        ],
        None,
    );
    let routed = router.complete(&request("hi"), 0).unwrap();
    assert_eq!(routed.provider, 1);
    assert_eq!(routed.completion.text, "from the second");
}

#[test]
fn router_lists_every_provider_when_all_fail() {
    let down = refused_url();
    let broken = ReplayServer::start(vec![(
        "/api/tags",
        Reply::json(500, json!({"error": "boom"})),
    )]);
    let router = Router::new(
        vec![
            Box::new(ollama(&down, Duration::from_secs(2))),
            Box::new(ollama(&broken.url, Duration::from_secs(2))),
        ],
        None,
    );
    let err = router.complete(&request("hi"), 0).err().unwrap();
    let text = err.to_string();
    assert!(text.starts_with("every model provider failed:"), "{text}");
    assert!(
        text.contains(&format!("cannot connect to {down}")),
        "{text}"
    );
    assert!(text.contains("answered 500 (boom)"), "{text}");
    assert_eq!(err.failures.len(), 2);
}

#[test]
fn router_escalates_after_failed_rounds() {
    let small = openai_replay("small");
    let big = openai_replay("big");
    let router = Router::new(
        vec![
            Box::new(OpenAi::new(
                vec![small.url.clone()],
                "m",
                params(),
                Duration::from_secs(5),
                1,
                None,
            )),
            Box::new(OpenAi::new(
                vec![big.url.clone()],
                "m",
                params(),
                Duration::from_secs(5),
                1,
                None,
            )),
        ],
        Some(2),
    );
    assert_eq!(router.order(0), [0, 1]);
    assert_eq!(router.order(1), [0, 1]);
    assert_eq!(router.order(2), [1, 0]);
    assert_eq!(
        router.complete(&request("hi"), 1).unwrap().completion.text,
        "small"
    );
    assert_eq!(
        router.complete(&request("hi"), 2).unwrap().completion.text,
        "big"
    );
}

#[test]
fn a_cache_hit_makes_no_model_call() {
    let server = openai_replay("cached answer");
    let dir = tempfile::tempdir().unwrap();
    let make = || {
        Router::new(
            vec![Box::new(OpenAi::new(
                vec![server.url.clone()],
                "m",
                params(),
                Duration::from_secs(5),
                1,
                None,
            ))],
            None,
        )
        .with_cache(ResponseCache::new(dir.path()))
    };
    let first = make().complete(&request("hi"), 0).unwrap();
    assert!(!first.cached);
    assert_eq!(server.hits("/v1/chat/completions"), 1);
    let second = make().complete(&request("hi"), 0).unwrap();
    assert!(second.cached);
    assert_eq!(second.completion.text, "cached answer");
    assert_eq!(
        server.hits("/v1/chat/completions"),
        1,
        "the cache hit reached the server"
    );
    // A different prompt is a miss.
    make().complete(&request("other"), 0).unwrap();
    assert_eq!(server.hits("/v1/chat/completions"), 2);
}

#[test]
fn max_tokens_from_the_settings_reaches_the_providers_requests() {
    let server = ollama_server(chat_ok("```rust\nfn f() {}\n```"));
    let metadata = json!({"intent": {
        "providers": [{"kind": "ollama", "model": "qwen2.5-coder:0.5b", "url": server.url, "max-tokens": 123}],
    }});
    let settings = intent_build::settings::Settings::from_metadata(&metadata, "package")
        .unwrap()
        .unwrap();
    let router = settings
        .router(
            &intent_build::env::Env::default(),
            &intent_build::provider::factory::RouterOptions {
                home: std::env::temp_dir(),
                cache_dir: None,
                offline: false,
                verbose: false,
                cores: Default::default(),
            },
        )
        .unwrap();
    // The provider's own limit applies to a request that names none or a
    // larger one; a request may ask for less (the description's checks do).
    for (asked, sent) in [(0, 123), (1000, 123), (48, 48)] {
        let request = Request {
            max_tokens: asked,
            ..request(&format!("hi {asked}"))
        };
        router.complete(&request, 0).unwrap();
        let requests = server.requests.lock().unwrap();
        let (_, body) = requests
            .iter()
            .rfind(|(path, _)| path == "/api/chat")
            .unwrap();
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["options"]["num_predict"], sent, "{body}");
    }
}
