//! Written next: ITI-9 loopback latency bench.
fn main() {}
