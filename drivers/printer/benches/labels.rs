//! Label generation throughput: band composition and validation, layout, and each output
//! (ZPL, PDF, PNG) for a typical adult band, at 300 dpi.
//!
//! `cargo bench -p bedside-printer --bench labels`
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use bedside_patient::{Date, DateOfBirth, NhsNumber, Sex, TestData};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::{pdf, png, zpl};
use criterion::{Criterion, criterion_group, criterion_main};

fn request(family: &str, given: &str) -> BandRequest {
    let mut r = BandRequest::new(
        NhsNumber::parse("9434765919", TestData::Reject).unwrap(),
        family,
        given,
    );
    r.date_of_birth = Some(DateOfBirth {
        date: Date::new(1980, 1, 18).unwrap(),
        time: None,
    });
    r.sex = Some(Sex::Female);
    r.hospital_number = Some("K1234567".into());
    r
}

fn bench(c: &mut Criterion) {
    let latin = request("O'Brien", "Zoë");
    let vietnamese = request("Nguyễn", "Thị Minh");
    let band = Band::new(&latin).unwrap();
    let layout = Layout::new(&band, BandSize::Adult, Resolution::Dpi300).unwrap();
    let vband = Band::new(&vietnamese).unwrap();
    let vlayout = Layout::new(&vband, BandSize::Adult, Resolution::Dpi300).unwrap();

    let mut g = c.benchmark_group("band");
    g.bench_function("compose+validate", |b| {
        b.iter(|| Band::new(black_box(&latin)).unwrap())
    });
    g.bench_function("layout", |b| {
        b.iter(|| Layout::new(black_box(&band), BandSize::Adult, Resolution::Dpi300).unwrap())
    });
    g.bench_function("zpl", |b| {
        b.iter(|| zpl::render(black_box(&layout), &Default::default()).unwrap())
    });
    g.bench_function("zpl (graphic text line)", |b| {
        b.iter(|| zpl::render(black_box(&vlayout), &Default::default()).unwrap())
    });
    g.bench_function("end-to-end zpl", |b| {
        b.iter(|| {
            let band = Band::new(black_box(&latin)).unwrap();
            let l = Layout::new(&band, BandSize::Adult, Resolution::Dpi300).unwrap();
            zpl::render(&l, &Default::default()).unwrap()
        })
    });
    g.bench_function("pdf", |b| {
        b.iter(|| pdf::render(black_box(&layout), &Default::default()).unwrap())
    });
    g.bench_function("png", |b| {
        b.iter(|| png::render(black_box(&layout), &Default::default()).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
