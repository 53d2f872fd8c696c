//! Examples of embedding Bedside's crates; run them with
//! `cargo run -p bedside-examples --example NAME`.
