//! The demo's prescriptions arrive as a trust's do: `examples/data/demo-orders.hl7`
//! (`RDE^O11`) applied through the feed's reader and store at start-up, on real SQLite and
//! PostgreSQL. What is stored is what `demo::data()` describes; each message left its
//! audit row and its key, so applying the file again changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::json;
use sqlx::Row;

async fn demo_orders(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let pool = &app.state.db.pool;
    let d = common::demo();
    let rows = sqlx::query("SELECT id, nhs_number, level, dmd_id, dose_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, max_amount_24h_milli, status, source FROM orders ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), d.orders.len(), "only the file's orders");
    for (r, o) in rows.iter().zip(&d.orders) {
        let got = json!({
            "id": r.try_get::<String, _>(0).unwrap(),
            "nhs_number": r.try_get::<String, _>(1).unwrap(),
            "level": r.try_get::<String, _>(2).unwrap(),
            "dmd_id": r.try_get::<String, _>(3).unwrap(),
            "dose_milli": r.try_get::<i64, _>(4).unwrap(),
            "dose_unit": r.try_get::<String, _>(5).unwrap(),
            "route": r.try_get::<String, _>(6).unwrap(),
            "kind": r.try_get::<String, _>(7).unwrap(),
            "times": r.try_get::<String, _>(8).unwrap(),
            "window_minutes": r.try_get::<i64, _>(9).unwrap(),
            "min_interval_minutes": r.try_get::<i64, _>(10).unwrap(),
            "max_per_24h": r.try_get::<i64, _>(11).unwrap(),
            "max_amount_24h_milli": r.try_get::<Option<i64>, _>(12).unwrap(),
        });
        let want = json!({
            "id": o.id, "nhs_number": o.nhs_number, "level": "vmp", "dmd_id": o.vmp_id,
            "dose_milli": o.dose_milli, "dose_unit": o.dose_unit, "route": o.route,
            "kind": o.kind, "times": o.times, "window_minutes": o.window_minutes,
            "min_interval_minutes": o.min_interval_minutes, "max_per_24h": o.max_per_24h,
            "max_amount_24h_milli": o.max_amount_24h_milli,
        });
        assert_eq!(got, want);
        assert_eq!(r.try_get::<String, _>(13).unwrap(), "active");
        assert_eq!(r.try_get::<String, _>(14).unwrap(), "hl7");
    }
    let count = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM audit WHERE action = 'orders.feed'").await,
        4
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM feed_messages WHERE sender = 'EPMA|RXX'").await,
        4
    );

    // The same file again: every message is recognised by its key and nothing changes.
    let mut tx = pool.begin().await.unwrap();
    let opts = bedside_orders::hl7::ReadOptions {
        nhs_test_numbers: bedside_patient::TestData::Allow,
        ..Default::default()
    };
    let applied = bedside::feed_orders::apply_file_in(
        &mut tx,
        bedside::demo::DEMO_ORDERS_HL7.as_bytes(),
        &opts,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(applied, 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM audit WHERE action = 'orders.feed'").await,
        4
    );

    // A file that is not HL7 is a typed error naming the message.
    let mut tx = pool.begin().await.unwrap();
    let err = bedside::feed_orders::apply_file_in(
        &mut tx,
        b"MSH|^~\\&|EPMA|RXX|BEDSIDE|RXX|20261201090000||RDE^O11^RDE_O11|X-1|P|2.5\rPID|1\r",
        &opts,
    )
    .await
    .unwrap_err();
    let _ = tx.rollback().await;
    assert!(err.to_string().starts_with("message 1: "), "{err}");
}
both_backends!(demo_orders, demo_orders);
