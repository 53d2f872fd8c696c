//! Prescriptions from the EPMA over a real MLLP socket, on real SQLite and PostgreSQL:
//! `RDE^O11` messages built by an independent peer (PyPI `hl7apy`, strictly validated)
//! are stored and acknowledged `AA` only after the commit; the ward's check then judges a
//! scanned pack against the stored order (a VTM-level order met by a product of the
//! moiety); hold, release and discontinue change what the check says; the same message
//! sent again is applied once; an MSH-10 reused for other content, an unknown patient and
//! an unknown dm+d code get `AE` with ERR naming the segment and field, and store
//! nothing; AL1 segments (in the RDE and in an ADT^A08) record the allergy status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Row;

async fn send(addr: std::net::SocketAddr, msg: &str) -> String {
    common::mllp_send(addr, msg, Duration::from_secs(10)).await
}

/// A valid NHS number (modulus 11) in the test range that no demo patient has.
fn stranger(d: &bedside::demo::DemoData) -> String {
    (0..10_000u32)
        .map(|i| format!("999{:06}", 100_000 + i))
        .filter_map(|body| {
            let sum: u32 = body
                .bytes()
                .zip((2..=10).rev())
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            let check = (11 - sum % 11) % 11;
            (check != 10).then(|| format!("{body}{check}"))
        })
        .find(|n| d.patients.iter().all(|p| &p.nhs_number != n))
        .unwrap()
}

fn messages(nhs: &str, start: &str, unknown: &str) -> BTreeMap<String, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/build_orders.py");
    let out = std::process::Command::new("python3")
        .args([script, nhs, start, unknown])
        .output()
        .expect("python3 must be installed (the hl7apy peer builds the messages)");
    assert!(
        out.status.success(),
        "build_orders.py failed (pip install -r .ci/requirements.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn one(db: &bedside::db::Db, sql: &str) -> Value {
    let r = sqlx::query(sql).fetch_optional(&db.pool).await.unwrap();
    match r {
        None => Value::Null,
        Some(r) => {
            let mut o = serde_json::Map::new();
            for (i, c) in sqlx::Row::columns(&r).iter().enumerate() {
                let name = sqlx::Column::name(c).to_owned();
                let v = r
                    .try_get::<Option<i64>, _>(i)
                    .map(|x| json!(x))
                    .or_else(|_| r.try_get::<Option<String>, _>(i).map(|x| json!(x)))
                    .unwrap();
                o.insert(name, v);
            }
            Value::Object(o)
        }
    }
}

async fn count(db: &bedside::db::Db, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn verify(app: &common::TestApp, body: &Value) -> Value {
    let r = app
        .post_json("/v1/administrations/verify", &common::token("nurse"), body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn codes(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn scenario(tdb: common::TestDb) {
    let app = common::TestApp::start(tdb.config()).await;
    let feed = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let db = app.state.db.clone();
    let d = common::demo();
    let nhs = d.patients[0].nhs_number.clone();
    let m = messages(&nhs, "20261201080000", &stranger(&d));

    // NW: a VTM-level paracetamol order, with "no known drug allergy".
    let ack = send(feed, &m["new"]).await;
    assert!(ack.contains("MSA|AA|RX-1"), "{ack}");
    let o = one(&db, "SELECT id, source, level, dmd_id, dose_milli, dose_unit, route, kind, times, status FROM orders WHERE namespace = 'EPMA' AND number = 'ORD-1'").await;
    assert_eq!(
        o,
        json!({
            "id": "EPMA:ORD-1", "source": "hl7", "level": "vtm", "dmd_id": "900000011000001100",
            "dose_milli": 1_000_000, "dose_unit": "mg", "route": "oral", "kind": "regular",
            "times": "08:00,14:00,20:00", "status": "active"
        })
    );
    let status = one(
        &db,
        &format!("SELECT status FROM allergy_status WHERE nhs_number = '{nhs}'"),
    )
    .await;
    assert_eq!(status["status"], "none_known");

    // The ward's check: two paracetamol 500 mg tablets meet the VTM order for 1 g.
    let para = d.medicines[0].packs[0].scan.clone();
    let req = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": para,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
        "order_id": "EPMA:ORD-1",
    });
    let v = verify(&app, &req).await;
    let c = codes(&v);
    assert!(!c.contains(&"wrong_medicine".to_owned()), "{v}");
    assert!(!c.contains(&"wrong_dose".to_owned()), "{v}");
    assert_eq!(v["order"]["level"], "vtm", "{v}");
    assert_eq!(v["dose_given"], "1 g", "{v}");

    // Sent again after a lost ACK: AA, applied once.
    let audits = count(
        &db,
        "SELECT COUNT(*) FROM audit WHERE action = 'orders.feed'",
    )
    .await;
    let ack = send(feed, &m["new"]).await;
    assert!(ack.contains("MSA|AA|RX-1"), "{ack}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit WHERE action = 'orders.feed'"
        )
        .await,
        audits
    );
    // The same MSH-10 for other content: refused, nothing changed.
    let ack = send(feed, &m["new_reused_id"]).await;
    assert!(ack.contains("MSA|AE|RX-1"), "{ack}");
    assert!(ack.contains("205"), "{ack}");
    assert_eq!(
        one(&db, "SELECT dose_milli FROM orders WHERE id = 'EPMA:ORD-1'").await["dose_milli"],
        1_000_000
    );

    // HD: the check refuses; RL: it gives again; DC: refused for good.
    let ack = send(feed, &m["hold"]).await;
    assert!(ack.contains("MSA|AA|RX-2"), "{ack}");
    assert_eq!(
        one(&db, "SELECT status FROM orders WHERE id = 'EPMA:ORD-1'").await["status"],
        "on-hold"
    );
    assert!(codes(&verify(&app, &req).await).contains(&"order_not_active".to_owned()));
    // XO changes what is prescribed, not whether it may be given: still on hold.
    let ack = send(feed, &m["change_while_held"]).await;
    assert!(ack.contains("MSA|AA|RX-21"), "{ack}");
    let o = one(
        &db,
        "SELECT status, dose_milli FROM orders WHERE id = 'EPMA:ORD-1'",
    )
    .await;
    assert_eq!(o, json!({"status": "on-hold", "dose_milli": 500_000}));
    assert!(codes(&verify(&app, &req).await).contains(&"order_not_active".to_owned()));
    let ack = send(feed, &m["release"]).await;
    assert!(ack.contains("MSA|AA|RX-3"), "{ack}");
    assert!(!codes(&verify(&app, &req).await).contains(&"order_not_active".to_owned()));
    let ack = send(feed, &m["discontinue"]).await;
    assert!(ack.contains("MSA|AA|RX-4"), "{ack}");
    assert_eq!(
        one(&db, "SELECT status FROM orders WHERE id = 'EPMA:ORD-1'").await["status"],
        "stopped"
    );
    assert!(codes(&verify(&app, &req).await).contains(&"order_not_active".to_owned()));
    // Discontinued is final: neither RL nor XO brings it back.
    for (name, ctrl) in [
        ("release_after_stop", "RX-41"),
        ("change_after_stop", "RX-42"),
    ] {
        let ack = send(feed, &m[name]).await;
        assert!(ack.contains(&format!("MSA|AE|{ctrl}")), "{ack}");
        assert!(ack.contains("ORC^1^1"), "{ack}");
        assert_eq!(
            one(&db, "SELECT status FROM orders WHERE id = 'EPMA:ORD-1'").await["status"],
            "stopped"
        );
    }
    assert!(codes(&verify(&app, &req).await).contains(&"order_not_active".to_owned()));

    // PRN, Q4H: a minimum interval of four hours.
    let ack = send(feed, &m["prn"]).await;
    assert!(ack.contains("MSA|AA|RX-5"), "{ack}");
    let o = one(
        &db,
        "SELECT level, kind, min_interval_minutes FROM orders WHERE id = 'EPMA:ORD-2'",
    )
    .await;
    assert_eq!(
        o,
        json!({"level": "vmp", "kind": "prn", "min_interval_minutes": 240})
    );

    // Refusals name the segment and field, and store nothing.
    let orders = count(&db, "SELECT COUNT(*) FROM orders").await;
    let ack = send(feed, &m["unknown_code"]).await;
    assert!(ack.contains("MSA|AE|RX-6"), "{ack}");
    assert!(ack.contains("ERR||RXE^1^2|103"), "{ack}");
    let ack = send(feed, &m["unknown_patient"]).await;
    assert!(ack.contains("MSA|AE|RX-7"), "{ack}");
    assert!(ack.contains("ERR||PID^1^3|204"), "{ack}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM orders").await, orders);

    // AL1 in an ADT^A08: the allergy is recorded and the status is no longer "none known".
    let ack = send(feed, &m["adt_allergy"]).await;
    assert!(ack.contains("MSA|AA|ADT-1"), "{ack}");
    let a = one(&db, &format!("SELECT system, code, criticality, clinical_status FROM allergies WHERE nhs_number = '{nhs}'")).await;
    assert_eq!(
        a,
        json!({"system": "dmd", "code": "900000021000001100", "criticality": "high", "clinical_status": "active"})
    );
    let status = one(
        &db,
        &format!("SELECT status FROM allergy_status WHERE nhs_number = '{nhs}'"),
    )
    .await;
    assert_eq!(status["status"], "recorded");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_over_mllp_on_sqlite() {
    scenario(common::TestDb::new(common::Backend::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_over_mllp_on_postgres() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    scenario(db).await;
}
