//! The audit trail's group commit on real SQLite and real PostgreSQL: many identifications
//! at once, while doses are recorded (their rows appended inside their own transactions)
//! and another process appends through the command line, still give every decision its
//! own committed, chained row — unique decision ids, no gaps, the chain and its tip
//! verified, each id naming an `identify` row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::json;
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

async fn concurrent_appends_keep_one_chain(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let before = app.audit_rows().await;
    let addr = app.addr;
    let nurse = common::token("nurse");

    // 12 clients × 25 identifications.
    let mut clients = Vec::new();
    for c in 0..12 {
        let scan = d.patients[c % d.patients.len()].wristband_scan.clone();
        let nurse = nurse.clone();
        clients.push(tokio::task::spawn_blocking(move || {
            let mut ids = Vec::new();
            for _ in 0..25 {
                let body = json!({ "scan": scan }).to_string();
                let r = common::http(
                    addr,
                    "POST",
                    "/v1/identify",
                    Some(&nurse),
                    Some("application/json"),
                    body.as_bytes(),
                );
                assert_eq!(r.status, 200, "{}", r.text());
                ids.push(r.json()["decision_id"].as_i64().unwrap());
            }
            ids
        }));
    }
    // Meanwhile: doses recorded (each audit row appended inside the dose's own
    // transaction) and another process creating tokens (a second writer on the same
    // database).
    let now = bedside::clock::now_ms();
    {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        for i in 0..10 {
            let o =
                common::paracetamol_order(&format!("GC-{i}"), &bedside::clock::london_hhmm(now));
            bedside::demo::insert_order(&mut conn, &o, now - 60_000)
                .await
                .unwrap();
        }
    }
    let recorded = {
        let d = d.clone();
        let nurse = nurse.clone();
        tokio::task::spawn_blocking(move || {
            for i in 0..10 {
                let body = json!({
                    "patient_scan": d.patients[0].wristband_scan,
                    "product_scan": format!("]d201{}1728123110PA2811\u{1d}21GC{i}", d.medicines[0].gtin),
                    "staff_scan": d.staff[0].badge_scan,
                    "quantity": 2, "route": "oral", "order_id": format!("GC-{i}"),
                    // Ten doses of one medicine minutes apart: from the second on the
                    // service warns `too_soon_after_last_dose`; the reason records them.
                    "override_reason": "clinical_need_documented",
                })
                .to_string();
                let r = common::http(
                    addr,
                    "POST",
                    "/v1/administrations",
                    Some(&nurse),
                    Some("application/json"),
                    body.as_bytes(),
                );
                assert_eq!(r.status, 201, "{}", r.text());
            }
        })
    };
    let url = db.url.clone();
    let cli = tokio::task::spawn_blocking(move || {
        for i in 0..4 {
            let o = Command::new(BIN)
                .args(["token", "create", "--role", "nurse", "--name"])
                .arg(format!("scanner {i}"))
                .args(["--database-url", &url])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    });
    let mut ids = Vec::new();
    for c in clients {
        ids.extend(c.await.unwrap());
    }
    recorded.await.unwrap();
    cli.await.unwrap();

    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "every decision has its own row");
    let after = app.audit_rows().await;
    assert_eq!(after, before + 300 + 10 + 4, "no row lost, none doubled");
    let rows = sqlx::query("SELECT seq, action FROM audit WHERE seq > $1 ORDER BY seq")
        .bind(before)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let mut identify = BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        let seq: i64 = r.try_get(0).unwrap();
        assert_eq!(seq, before + 1 + i as i64, "no gaps");
        if r.try_get::<String, _>(1).unwrap() == "identify" {
            identify.insert(seq);
        }
    }
    assert_eq!(identify, unique, "each decision id is its identify row");
    let v = bedside::audit::verify(&app.state.db).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.rows, after);
    app.stop().await;
}
both_backends!(group_commit, concurrent_appends_keep_one_chain);

/// The writer appends after the tip it last wrote; a row appended meanwhile by someone
/// else (here: inside another transaction) must make it read the tip again, not fork the
/// chain or fail the caller.
async fn writer_follows_other_writers(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let dbh = &app.state.db;
    let detail = json!({"n": 1});
    let a = bedside::audit::append(dbh, "test", "test.writer", &detail)
        .await
        .unwrap();
    let mut tx = dbh.pool.begin().await.unwrap();
    let b = bedside::audit::append_in(&mut tx, "test", "test.direct", &detail)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(b, a + 1);
    let c = bedside::audit::append(dbh, "test", "test.writer", &detail)
        .await
        .unwrap();
    assert_eq!(c, b + 1, "the writer read the moved tip");
    // A rolled-back append leaves no trace and does not confuse the writer.
    let mut tx = dbh.pool.begin().await.unwrap();
    bedside::audit::append_in(&mut tx, "test", "test.rolled_back", &detail)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let d = bedside::audit::append(dbh, "test", "test.writer", &detail)
        .await
        .unwrap();
    assert_eq!(d, c + 1);
    let v = bedside::audit::verify(dbh).await.unwrap();
    assert!(v.ok, "{v:?}");
    app.stop().await;
}
both_backends!(writer_tip, writer_follows_other_writers);
