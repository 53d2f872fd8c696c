//! The identification decision in process, on SQLite with the demo data set:
//!
//! - `identify/decision` — `Identifier::identify` for a matching band (GS1 parse,
//!   wristband rules, patient record, GSRN and hospital-number index look-ups), as the
//!   service runs it: the look-up on a direct SQLite connection (`sqlite_direct`);
//! - `identify/decision_pooled` — the same through the sqlx pool (the path PostgreSQL
//!   takes), to show what the thread hand-offs cost;
//! - `identify/decision+audit` — the decision and its hash-chained audit row (what
//!   `POST /v1/identify` does besides HTTP and the token check);
//! - `identify/audit_append` — one audit row alone (one transaction, one fsync);
//! - `identify/select_1` — the peer floor: one `SELECT 1` round trip through the same
//!   sqlx pool, to read the others against.
//!
//! `cargo bench -p bedside --bench identify`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!(
        "bedside-bench-{}",
        bedside::crypto::random_hex(6).unwrap()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = bedside::config::Config {
        data_dir: dir.clone(),
        ..bedside::config::Config::default()
    };
    let state = rt.block_on(bedside::server::build_state(cfg)).unwrap();
    let d = bedside::demo::data();
    let scan = d.patients[0].wristband_scan.clone();
    let ident = state.identifier.clone();
    let r = rt.block_on(ident.identify(&scan, None));
    assert_eq!(r.decision.status().as_str(), "match");

    let mut g = c.benchmark_group("identify");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("decision", |b| {
        b.iter(|| rt.block_on(ident.identify(&scan, None)))
    });
    let pooled = bedside::identify::Identifier {
        db: rt
            .block_on(bedside::db::Db::connect(
                &state.cfg.effective_database_url(),
                2,
            ))
            .unwrap(),
        policy: ident.policy.clone(),
        gs_substitute: ident.gs_substitute.clone(),
        mrn_from_ai91: ident.mrn_from_ai91,
        pix: None,
    };
    g.bench_function("decision_pooled", |b| {
        b.iter(|| rt.block_on(pooled.identify(&scan, None)))
    });
    g.bench_function("decision+audit", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = ident.identify(&scan, None).await;
                bedside::audit::append(&state.db, "token:bench", "identify", &r.facts)
                    .await
                    .unwrap()
            })
        })
    });
    let facts = r.facts.clone();
    g.bench_function("audit_append", |b| {
        b.iter(|| {
            rt.block_on(bedside::audit::append(
                &state.db,
                "token:bench",
                "identify",
                &facts,
            ))
            .unwrap()
        })
    });
    g.bench_function("select_1", |b| {
        b.iter(|| rt.block_on(state.db.ping()).unwrap())
    });
    g.finish();
    rt.block_on(state.db.close());
    rt.block_on(pooled.db.close());
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
