//! `GET /v1/patients/{nhs_number}/medications` on real SQLite and PostgreSQL: the ward's
//! chart shows the allergy statement first ("none known" and "not recorded" never
//! confused), then the demo patient's orders with their dm+d names, doses, routes, times,
//! next due and the last dose given and by whom; an on-hold order is shown as such, a
//! stopped one not at all; every read is audited; other roles, bad and unknown NHS
//! numbers are refused. Every answer is held to openapi.json by the test client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::{Value, json};
use sqlx::Row;

async fn get(app: &common::TestApp, path: &str, role: &str) -> common::Resp {
    app.req("GET", path, Some(&common::token(role)), None, b"")
        .await
}

async fn chart(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let n0 = d.patients[0].nhs_number.clone();
    let path = format!("/v1/patients/{n0}/medications");

    let r = get(&app, &path, "nurse").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json();
    assert_eq!(c["nhs_number"], n0.as_str());
    assert_eq!(c["allergies"]["status"], "none_known", "{c}");
    let orders = c["orders"].as_array().unwrap();
    let by_id = |id: &str| -> Value {
        orders
            .iter()
            .find(|o| o["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not on the chart: {c}"))
    };
    let para = by_id("EPMA:ORD-0001");
    assert_eq!(para["medicine"], "Paracetamol 500mg tablets");
    assert_eq!(para["level"], "vmp");
    assert_eq!(para["dose"], "1 g");
    assert_eq!(para["route"], "oral");
    assert_eq!(para["kind"], "prn");
    assert_eq!(para["min_interval_minutes"], 240);
    assert_eq!(para["max_per_24h"], Value::Null);
    assert_eq!(para["max_amount_24h"], "4 g");
    assert_eq!(
        para["next_due"],
        Value::Null,
        "nothing given yet: give when needed"
    );
    let amox = by_id("EPMA:ORD-0002");
    assert_eq!(amox["times"], json!(["06:00", "14:00", "22:00"]));
    assert!(amox["next_due"].is_string(), "{amox}");
    assert!(
        amox["next_due_display"].as_str().unwrap().contains(" on "),
        "{amox}"
    );

    // A dose given shows as the last given, with the giver's name, and moves the PRN's next.
    let body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
    });
    let r = app
        .post_json("/v1/administrations", &common::token("nurse"), &body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let c = get(&app, &path, "pharmacist").await.json();
    let para = c["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "EPMA:ORD-0001")
        .unwrap()
        .clone();
    assert_eq!(para["last_given"]["by"], d.staff[0].name.as_str(), "{para}");
    assert!(para["next_due"].is_string(), "{para}");

    // On hold: shown and marked; stopped: gone.
    sqlx::query("UPDATE orders SET status = 'on-hold' WHERE id = 'EPMA:ORD-0002'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET status = 'stopped' WHERE id = 'EPMA:ORD-0004'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let c = get(&app, &path, "nurse").await.json();
    let ids: Vec<(&str, &str)> = c["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [
            ("EPMA:ORD-0001", "active"),
            ("EPMA:ORD-0002", "on-hold"),
            ("EPMA:ORD-0003", "active")
        ]
    );

    // The second demo patient's amoxicillin allergy; the sixth has no statement at all.
    let c = get(
        &app,
        &format!("/v1/patients/{}/medications", d.patients[1].nhs_number),
        "nurse",
    )
    .await
    .json();
    assert_eq!(c["allergies"]["status"], "recorded", "{c}");
    assert_eq!(
        c["allergies"]["entries"][0]["code"], "900000021000001100",
        "{c}"
    );
    assert_eq!(c["allergies"]["entries"][0]["criticality"], "high", "{c}");
    let c = get(
        &app,
        &format!("/v1/patients/{}/medications", d.patients[5].nhs_number),
        "nurse",
    )
    .await
    .json();
    assert_eq!(c["allergies"]["status"], "not_recorded", "{c}");

    // Refusals.
    assert_eq!(get(&app, &path, "admin").await.status, 403);
    assert_eq!(
        get(&app, "/v1/patients/1234567890/medications", "nurse")
            .await
            .status,
        422
    );
    let unknown = (0..100_000u32)
        .map(|i| format!("999{:06}", 200_000 + i))
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
        .unwrap();
    let r = get(
        &app,
        &format!("/v1/patients/{unknown}/medications"),
        "nurse",
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.text());

    // Every read (and the miss) is in the audit trail.
    let reads: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'patient.medications.read'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(reads, 6);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_on_sqlite() {
    chart(common::TestDb::new(common::Backend::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_on_postgres() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    chart(db).await;
}
