//! Does a pack look-up slow down as the catalogue grows? `catalogue::product_for_gtin`
//! (GTIN → AMPP → AMP → VMP, strength, routes, controlled-drug status, high-risk list: the
//! catalogue part of every `verify`) on SQLite, against:
//!
//! - `catalogue/demo` — the demo release (12 GTINs);
//! - `catalogue/full` — a synthetic release of dm+d's real size (≈ 120 000 GTINs, 170 000
//!   AMPPs, 150 000 AMPs, 20 000 VMPs; `bedside-dmd`'s `synth`), loaded by the same
//!   importer;
//! - `catalogue/select_1` — the floor: one `SELECT 1` through the same pool.
//!
//! `cargo bench -p bedside --bench catalogue` (the set-up writes and loads the full
//! release: about a minute).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

fn db_with(
    rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    release: &std::path::Path,
) -> bedside::db::Db {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bedside.db").display());
    rt.block_on(async {
        let db = bedside::db::Db::connect_migrated(&url, 4).await.unwrap();
        bedside::catalogue_import::import_dmd(&db, release, "bench")
            .await
            .unwrap();
        db
    })
}

fn first_gtin(release: &std::path::Path) -> String {
    let file = std::fs::read_dir(release)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("f_gtin")
        })
        .unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    let at = text.find("<GTIN>").unwrap() + "<GTIN>".len();
    let g = &text[at..at + text[at..].find('<').unwrap()];
    format!("{g:0>14}")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let root = std::env::temp_dir().join(format!(
        "bedside-bench-catalogue-{}",
        bedside::crypto::random_hex(6).unwrap()
    ));
    let (demo_dir, full_dir, full_release) =
        (root.join("demo"), root.join("full"), root.join("release"));
    for d in [&demo_dir, &full_dir, &full_release] {
        std::fs::create_dir_all(d).unwrap();
    }
    let demo_release =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/dmd");
    bedside_dmd::synth::write_release(&full_release, &bedside_dmd::synth::SynthSize::full())
        .unwrap();
    let demo = db_with(&rt, &demo_dir, &demo_release);
    let full = db_with(&rt, &full_dir, &full_release);
    let full_gtin = first_gtin(&full_release);
    let demo_gtin = "09520000000011".to_owned();
    assert!(
        rt.block_on(bedside::catalogue::product_for_gtin(&demo, &demo_gtin))
            .unwrap()
            .is_some()
    );
    assert!(
        rt.block_on(bedside::catalogue::product_for_gtin(&full, &full_gtin))
            .unwrap()
            .is_some()
    );

    let mut g = c.benchmark_group("catalogue");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("demo", |b| {
        b.iter(|| rt.block_on(bedside::catalogue::product_for_gtin(&demo, &demo_gtin)))
    });
    g.bench_function("full", |b| {
        b.iter(|| rt.block_on(bedside::catalogue::product_for_gtin(&full, &full_gtin)))
    });
    g.bench_function("select_1", |b| {
        b.iter(|| rt.block_on(sqlx::query("SELECT 1").execute(&full.pool)))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, bench);
criterion_main!(benches);
