//! A small text and units toolkit. Each function is written from an intent in
//! `intents/`, accepted through `cargo intent lock`, and pinned in `Intent.lock`.

include!(concat!(env!("OUT_DIR"), "/intents.rs"));
