//! The pure decisions' cost, without any I/O: reading a wristband scan and judging it
//! against an agreeing index (the identify hot path's CPU part).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use bedside_patient::{Policy, TestData};
use bedside_ward::identify::{BandRules, IndexSummary, Lookup, PixEvidence, judge, read_band};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

const BAND: &str = "]d28018952000099900012352\u{1d}80191\u{1d}725019800118\u{1d}72521\u{1d}7253Smith\u{1d}7254John\u{1d}91K1234567";

fn bench(c: &mut Criterion) {
    let policy = Policy::demo().with_test_data(TestData::Allow);
    let rules = BandRules {
        policy: &policy,
        gs_substitute: None,
        mrn_from_ai91: true,
    };
    let now = 1_780_000_000_000;
    let band = read_band(BAND, &rules, now).unwrap();
    let mut d = bedside_patient::Demographics::new("SMITH", "John");
    d.date_of_birth = bedside_patient::Date::parse_iso8601("1980-01-18")
        .ok()
        .map(bedside_patient::DateOfBirth::from_date);
    let agree = IndexSummary {
        rows: 1,
        merged: 0,
        distinct_nhs: 1,
        nhs_number: Some("9990001235".into()),
        fresh: 1,
    };
    let lookup = Lookup {
        patient: Some((d, None)),
        gsrn_rows: agree.clone(),
        mrn_rows: agree,
    };
    c.bench_function("read_band", |b| {
        b.iter(|| read_band(black_box(BAND), &rules, now).is_ok())
    });
    c.bench_function("judge (index agrees)", |b| {
        b.iter(|| {
            judge(
                black_box(&band),
                None,
                Ok(&lookup),
                &PixEvidence::NotConfigured,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
