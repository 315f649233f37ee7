//! Helpers for the end-to-end tests: fixture crates in temporary folders.
