//! Reading the notes' worked MedicationRequest (regular, and the PRN variant with a
//! route), writing it back, and reading an AllergyIntolerance. In the same run the peer,
//! fhir.resources, parses and validates the same body (`fhir_peer.py`, timeit) so the two
//! are measured on the same machine at the same time.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use bedside_orders::fhir::{
    read_allergy_intolerance, read_medication_request, write_medication_request,
};
use criterion::{Criterion, black_box};

#[path = "../tests/fhir_common/mod.rs"]
mod fhir_common;

fn bench(c: &mut Criterion, regular: &[u8]) {
    let prn = fhir_common::bytes(&fhir_common::prn());
    let allergy = fhir_common::bytes(&fhir_common::amoxicillin());
    let order = read_medication_request(regular, "ord-778899").expect("the worked order reads");
    read_medication_request(&prn, "ord-778899").expect("the PRN variant reads");
    read_allergy_intolerance(&allergy, "alg-1").expect("the allergy reads");
    c.bench_function("fhir_serde_json_parse_only", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(regular)).is_ok())
    });
    c.bench_function("fhir_read_medication_request", |b| {
        b.iter(|| read_medication_request(black_box(regular), "ord-778899").is_ok())
    });
    c.bench_function("fhir_read_medication_request_prn", |b| {
        b.iter(|| read_medication_request(black_box(&prn), "ord-778899").is_ok())
    });
    c.bench_function("fhir_write_medication_request_to_bytes", |b| {
        b.iter(|| serde_json::to_vec(&write_medication_request(black_box(&order))).map(|v| v.len()))
    });
    c.bench_function("fhir_read_allergy_intolerance", |b| {
        b.iter(|| read_allergy_intolerance(black_box(&allergy), "alg-1").is_ok())
    });
}

/// Runs the fhir.resources peer on the same body and prints its timings.
fn peer(body: &[u8]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/fhir_peer.py");
    let child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return eprintln!("fhir.resources peer not run: python3: {e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(body);
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Ok(out) => eprintln!(
            "fhir.resources peer failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("fhir.resources peer not run: {e}"),
    }
}

fn main() {
    let regular = fhir_common::bytes(&fhir_common::regular());
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500))
        .configure_from_args();
    bench(&mut c, &regular);
    c.final_summary();
    println!("{}-byte MedicationRequest (notes §2.7)", regular.len());
    peer(&regular);
}
