//! Reading the notes' worked RDE^O11 (two orders, one AL1; `rde_o11.er7`): ER7 parse
//! alone, the reader alone on a parsed message, and both. In the same run the peer,
//! hl7apy, parses the same message (`hl7_peer.py`, timeit) so the two are measured on
//! the same machine at the same time.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::process::Command;
use std::time::Duration;

use bedside_orders::hl7::{ReadOptions, read_allergies, read_order_message};
use bedside_patient::TestData;
use bedside_pix::er7::Message;
use criterion::{Criterion, black_box};

fn message() -> Vec<u8> {
    include_str!("rde_o11.er7").replace('\n', "\r").into_bytes()
}

fn bench(c: &mut Criterion) {
    let raw = message();
    let opts = ReadOptions {
        nhs_test_numbers: TestData::Allow,
        ..ReadOptions::default()
    };
    let parsed = Message::parse(&raw).expect("the worked message parses");
    read_order_message(&parsed, &opts).expect("the worked message reads");
    c.bench_function("hl7_er7_parse_rde_o11", |b| {
        b.iter(|| Message::parse(black_box(&raw)).map(|m| m.segments().len()))
    });
    c.bench_function("hl7_read_order_message_parsed", |b| {
        b.iter(|| read_order_message(black_box(&parsed), &opts).map(|m| m.events.len()))
    });
    c.bench_function("hl7_parse_and_read_rde_o11", |b| {
        b.iter(|| {
            let m = Message::parse(black_box(&raw)).expect("parses");
            read_order_message(&m, &opts).map(|m| m.events.len())
        })
    });
    c.bench_function("hl7_read_allergies_parsed", |b| {
        b.iter(|| read_allergies(black_box(&parsed)).map(|a| a.is_some()))
    });
}

/// Runs the hl7apy peer on the same message and prints its timings.
fn peer() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/hl7_peer.py");
    match Command::new("python3").arg(script).output() {
        Ok(out) if out.status.success() => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        Ok(out) => eprintln!(
            "hl7apy peer failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("hl7apy peer not run: python3: {e}"),
    }
}

fn main() {
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500))
        .configure_from_args();
    bench(&mut c);
    c.final_summary();
    peer();
}
