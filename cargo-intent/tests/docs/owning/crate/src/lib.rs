include!(concat!(env!("OUT_DIR"), "/intents.rs"));

pub mod text;
