//! Benchmarks: NHS number parsing and the wristband view.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use bedside_patient::synthetic::Generator;
use bedside_patient::{GsrnPrefix, NameKey, NhsNumber, Policy, TestData, Wristband};
use criterion::{Criterion, criterion_group, criterion_main};

fn nhs(c: &mut Criterion) {
    c.bench_function("NhsNumber::parse compact", |b| {
        b.iter(|| NhsNumber::parse(black_box("9434765919"), TestData::Reject))
    });
    c.bench_function("NhsNumber::parse spaced", |b| {
        b.iter(|| NhsNumber::parse(black_box("943 476 5919"), TestData::Reject))
    });
    c.bench_function("NhsNumber::parse invalid check", |b| {
        b.iter(|| NhsNumber::parse(black_box("943 476 5918"), TestData::Reject))
    });
    let n = NhsNumber::parse("9434765919", TestData::Reject).unwrap();
    c.bench_function("NhsNumber display", |b| {
        b.iter(|| black_box(&n).to_string())
    });
}

fn wristband(c: &mut Criterion) {
    let elements = [
        ("8018", "952000099900012352"),
        ("8019", "1"),
        ("7250", "19800118"),
        ("7252", "2"),
        ("7253", "Nguy%E1%BB%85n"),
        ("7254", "Zo%C3%AB"),
    ];
    let policy = Policy::demo();
    c.bench_function("Wristband::from_elements (6 AIs)", |b| {
        b.iter(|| Wristband::from_elements(black_box(elements), &policy))
    });
    let rejected = [
        ("8018", "952000099900012345"),
        ("7253", "X"),
        ("7250", "20000101"),
    ];
    c.bench_function("Wristband::from_elements (bad mod 11)", |b| {
        b.iter(|| Wristband::from_elements(black_box(rejected), &policy))
    });
    let p = Generator::new(1).next().unwrap();
    let owned = p.wristband_elements(&GsrnPrefix::EXAMPLE);
    let band =
        Wristband::from_elements(owned.iter().map(|(a, v)| (*a, v.as_str())), &policy).unwrap();
    c.bench_function("Demographics::confirm", |b| {
        b.iter(|| black_box(band.demographics()).confirm(black_box(&p.demographics)))
    });
    c.bench_function("NameKey::new (Nguyễn)", |b| {
        b.iter(|| NameKey::new(black_box("Nguyễn")))
    });
}

criterion_group!(benches, nhs, wristband);
criterion_main!(benches);
