//! Written next: real-socket tests (see crate README).
