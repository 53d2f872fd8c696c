//! `POST /v1/administrations/verify` and `POST /v1/administrations` on real SQLite and real
//! PostgreSQL: each of the five rights and the product-safety checks refuses what it
//! should with words a nurse understands; recording is idempotent, needs an override
//! reason for warnings, never records a blocked dose, and two service instances racing on
//! one dose record it exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use bedside::demo::DemoOrder;
use serde_json::{Value, json};
use sqlx::Row;

const GS: char = '\u{1d}';

/// London wall-clock `HH:MM`, `offset_minutes` from now (regular order times are local).
fn hhmm_now(offset_minutes: i64) -> String {
    bedside::clock::london_hhmm(bedside::clock::now_ms() + offset_minutes * 60_000)
}

async fn add_order(
    app: &common::TestApp,
    id: &str,
    vmp: &str,
    dose_milli: i64,
    route: &str,
    kind: &str,
    times: &str,
) {
    let nhs = common::demo().patients[0].nhs_number.clone();
    let o = DemoOrder {
        id: id.into(),
        nhs_number: nhs,
        vmp_id: vmp.into(),
        dose_milli,
        dose_unit: "mg".into(),
        route: route.into(),
        kind: kind.into(),
        times: times.into(),
        window_minutes: 60,
        min_interval_minutes: 240,
        max_per_24h: 4,
        max_amount_24h_milli: None,
    };
    app.insert_order(&o, bedside::clock::now_ms() - 60_000)
        .await;
}

fn pack(gtin: &str, batch: &str, serial: &str) -> String {
    format!("]d201{gtin}1728123110{batch}{GS}21{serial}")
}

struct Fx {
    d: bedside::demo::DemoData,
}

impl Fx {
    fn req(&self, product_scan: &str, quantity: f64, route: &str) -> Value {
        json!({
            "patient_scan": self.d.patients[0].wristband_scan,
            "product_scan": product_scan,
            "staff_scan": self.d.staff[0].badge_scan,
            "quantity": quantity,
            "route": route,
        })
    }
    fn gtin(&self, i: usize) -> String {
        self.d.medicines[i].gtin.clone()
    }
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

fn with(mut v: Value, k: &str, x: Value) -> Value {
    v.as_object_mut().unwrap().insert(k.into(), x);
    v
}

async fn five_rights(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let fx = Fx { d: common::demo() };
    let nurse = common::token("nurse");
    let para_ok = fx.d.medicines[0].packs[0].scan.clone();

    // The happy path: paracetamol PRN 1 g = 2 × 500 mg tablets, by mouth.
    let body = with(
        fx.req(&para_ok, 2.0, "oral"),
        "location_scan",
        json!(fx.d.locations[0].scan),
    );
    let v = verify(&app, &body).await;
    assert_eq!(v["outcome"], "give", "{v}");
    assert_eq!(v["dose_given"], "1 g");
    assert_eq!(v["patient"]["family"], "SMITH");
    assert_eq!(v["order"]["id"], "EPMA:ORD-0001");
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let first = r.json();
    // A retry of the same pack, order and due time is a replay, not a second dose.
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["replayed"], true);
    assert_eq!(r.json()["administration_id"], first["administration_id"]);
    // Another pack straight away: too soon for a PRN with a 4-hour interval.
    let v = verify(&app, &fx.req(&fx.d.medicines[0].packs[1].scan, 2.0, "oral")).await;
    assert_eq!(v["outcome"], "stop");
    assert!(codes(&v).contains(&"prn_too_soon".to_owned()), "{v}");
    let r = app
        .post_json(
            "/v1/administrations",
            &nurse,
            &fx.req(&fx.d.medicines[0].packs[1].scan, 2.0, "oral"),
        )
        .await;
    r.assert_problem(409, "administration_refused");
    // The same pack serial again: already used.
    let v = verify(&app, &fx.req(&para_ok, 2.0, "oral")).await;
    assert!(codes(&v).contains(&"serial_already_used".to_owned()), "{v}");

    // Product safety.
    let v = verify(&app, &fx.req(&fx.d.medicines[0].packs[2].scan, 2.0, "oral")).await;
    let expired = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "expired")
        .unwrap();
    assert_eq!(expired["message"], "Expired on 31-Jan-2026 — do not give");
    assert_eq!(expired["severity"], "block");
    let v = verify(&app, &fx.req(&fx.d.medicines[0].packs[3].scan, 2.0, "oral")).await;
    assert!(codes(&v).contains(&"batch_recalled".to_owned()), "{v}");
    let v = verify(&app, &fx.req("]d20109506000134352", 2.0, "oral")).await;
    assert_eq!(
        codes(&v),
        [
            "expiry_not_in_barcode",
            "batch_not_in_barcode",
            "unknown_product"
        ],
        "{v}"
    );
    // A pack of a product with a recalled batch, but no batch in its barcode: the recall
    // list cannot clear it, so it is stopped, not merely warned about.
    let v = verify(
        &app,
        &fx.req(&format!("]d201{}21NOBATCH1", fx.gtin(0)), 2.0, "oral"),
    )
    .await;
    assert_eq!(v["outcome"], "stop", "{v}");
    assert!(
        codes(&v).contains(&"batch_unknown_product_recalled".to_owned()),
        "{v}"
    );
    assert!(
        !codes(&v).contains(&"batch_not_in_barcode".to_owned()),
        "{v}"
    );
    let v = verify(&app, &fx.req(&fx.d.patients[1].wristband_scan, 2.0, "oral")).await;
    assert_eq!(codes(&v), ["not_a_medicine_pack"]);

    // Right dose and route.
    let v = verify(
        &app,
        &fx.req(&pack(&fx.gtin(0), "PA2811", "DOSE1"), 1.0, "oral"),
    )
    .await;
    let p = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "wrong_dose")
        .expect("wrong_dose");
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("prescribed 1 g, this is 500 mg"),
        "{p}"
    );
    let v = verify(
        &app,
        &fx.req(&pack(&fx.gtin(0), "PA2811", "ROUTE1"), 2.0, "intravenous"),
    )
    .await;
    assert!(codes(&v).contains(&"wrong_route".to_owned()), "{v}");

    // Right patient: another patient has no order; a bad band; the open record.
    let mut other = fx.req(&pack(&fx.gtin(0), "PA2811", "PAT1"), 2.0, "oral");
    other["patient_scan"] = json!(fx.d.patients[1].wristband_scan);
    assert!(codes(&verify(&app, &other).await).contains(&"no_active_order".to_owned()));
    let mut bad = fx.req(&pack(&fx.gtin(0), "PA2811", "PAT2"), 2.0, "oral");
    bad["patient_scan"] = json!("]d1HELLO");
    let v = verify(&app, &bad).await;
    assert_eq!(v["problems"][0]["code"], "patient_not_confirmed");
    assert_eq!(v["problems"][0]["reasons"][0]["code"], "not_gs1");
    assert!(v["patient"].is_null());
    let open = with(
        fx.req(&pack(&fx.gtin(0), "PA2811", "PAT3"), 2.0, "oral"),
        "open_patient_nhs_number",
        json!(fx.d.patients[1].nhs_number),
    );
    assert_eq!(
        verify(&app, &open).await["problems"][0]["reasons"][0]["code"],
        "open_record_mismatch"
    );

    // Staff and the second checker for high-risk medicines (morphine 5 mg = 2.5 ml).
    let morph = fx.d.medicines[2].packs[0].scan.clone();
    let v = verify(&app, &fx.req(&morph, 2.5, "oral")).await;
    assert_eq!(codes(&v), ["second_checker_required"], "{v}");
    let same = with(
        fx.req(&morph, 2.5, "oral"),
        "checker_scan",
        json!(fx.d.staff[0].badge_scan),
    );
    assert!(codes(&verify(&app, &same).await).contains(&"checker_same_as_giver".to_owned()));
    let unknown = with(
        fx.req(&morph, 2.5, "oral"),
        "checker_scan",
        json!(fx.d.staff[3].badge_scan),
    );
    assert!(codes(&verify(&app, &unknown).await).contains(&"unknown_checker".to_owned()));
    let checked = with(
        fx.req(&morph, 2.5, "oral"),
        "checker_scan",
        json!(fx.d.staff[1].badge_scan),
    );
    let v = verify(&app, &checked).await;
    assert_eq!(v["outcome"], "give", "{v}");
    assert_eq!(v["dose_given"], "5 mg");
    let mut stranger = fx.req(&pack(&fx.gtin(0), "PA2811", "STAFF1"), 2.0, "oral");
    stranger["staff_scan"] = json!(fx.d.staff[3].badge_scan);
    assert!(codes(&verify(&app, &stranger).await).contains(&"unknown_staff".to_owned()));
    stranger["staff_scan"] = json!(fx.d.patients[0].wristband_scan);
    assert!(codes(&verify(&app, &stranger).await).contains(&"not_a_staff_badge".to_owned()));

    // Right time for a regular order, and a warning that needs an override reason.
    add_order(
        &app,
        "T-AMOX-LATER",
        bedside::demo::AMOXICILLIN_500_CAPSULES,
        500_000,
        "oral",
        "regular",
        &hhmm_now(180),
    )
    .await;
    let amox_later = with(
        fx.req(&pack(&fx.gtin(1), "AM2812", "TIME1"), 1.0, "oral"),
        "order_id",
        json!("T-AMOX-LATER"),
    );
    let v = verify(&app, &amox_later).await;
    assert_eq!(v["outcome"], "warn", "{v}");
    assert_eq!(codes(&v), ["too_early"]);
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Not due now: due at")
    );
    assert_eq!(
        v["override_reasons"],
        json!([
            "prescriber_consulted",
            "clinical_need_documented",
            "timing_agreed_with_prescriber"
        ]),
        "{v}"
    );
    add_order(
        &app,
        "T-AMOX-NOW",
        bedside::demo::AMOXICILLIN_500_CAPSULES,
        500_000,
        "oral",
        "regular",
        &hhmm_now(0),
    )
    .await;
    let warned = with(
        fx.req(&fx.d.medicines[1].packs[1].scan, 1.0, "oral"),
        "order_id",
        json!("T-AMOX-NOW"),
    );
    let v = verify(&app, &warned).await;
    assert_eq!(
        (v["outcome"].as_str(), codes(&v)),
        (Some("warn"), vec!["batch_warning".to_owned()]),
        "{v}"
    );
    assert_eq!(
        v["override_reasons"],
        json!(["clinical_need_documented", "recall_notice_checked"]),
        "{v}"
    );
    app.post_json("/v1/administrations", &nurse, &warned)
        .await
        .assert_problem(409, "override_required");
    // A reason about something else (the timing) does not answer a recall warning.
    app.post_json(
        "/v1/administrations",
        &nurse,
        &with(
            warned.clone(),
            "override_reason",
            json!("timing_agreed_with_prescriber"),
        ),
    )
    .await
    .assert_problem(409, "override_reason_not_applicable");
    assert_eq!(
        app.administrations("T-AMOX-NOW").await,
        0,
        "a refused override stores nothing"
    );
    app.post_json(
        "/v1/administrations",
        &nurse,
        &with(warned.clone(), "override_reason", json!("because")),
    )
    .await
    .assert_problem(422, "invalid_request");
    let r = app
        .post_json(
            "/v1/administrations",
            &nurse,
            &with(
                warned.clone(),
                "override_reason",
                json!("recall_notice_checked"),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // The dose is given: the same due time again is a duplicate.
    let again = with(
        fx.req(&pack(&fx.gtin(1), "AM2812", "TIME2"), 1.0, "oral"),
        "order_id",
        json!("T-AMOX-NOW"),
    );
    assert!(codes(&verify(&app, &again).await).contains(&"already_given".to_owned()));
    // Order of another medicine: wrong medicine.
    let wrong = with(
        fx.req(&pack(&fx.gtin(0), "PA2811", "MED1"), 2.0, "oral"),
        "order_id",
        json!("T-AMOX-NOW"),
    );
    assert!(codes(&verify(&app, &wrong).await).contains(&"wrong_medicine".to_owned()));

    // Roles and strictness.
    let body = fx.req(&pack(&fx.gtin(0), "PA2811", "ROLE1"), 2.0, "oral");
    assert_eq!(
        app.post_json(
            "/v1/administrations/verify",
            &common::token("pharmacist"),
            &body
        )
        .await
        .status,
        200
    );
    app.post_json("/v1/administrations", &common::token("pharmacist"), &body)
        .await
        .assert_problem(403, "forbidden");
    app.post_json(
        "/v1/administrations/verify",
        &common::token("admissions"),
        &body,
    )
    .await
    .assert_problem(403, "forbidden");
    app.post_json(
        "/v1/administrations/verify",
        &nurse,
        &with(
            body.clone(),
            "override_reason",
            json!("prescriber_consulted"),
        ),
    )
    .await
    .assert_problem(422, "invalid_request");
    app.post_json(
        "/v1/administrations/verify",
        &nurse,
        &with(body.clone(), "quantity", json!(-1)),
    )
    .await
    .assert_problem(422, "invalid_request");

    // Everything above is in the audit trail, and the chain holds.
    let rows = sqlx::query("SELECT action, detail FROM audit WHERE action LIKE 'administration.%'")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let actions: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect();
    for a in [
        "administration.verify",
        "administration.recorded",
        "administration.replayed",
        "administration.refused",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
    assert!(rows.iter().any(|r| {
        r.try_get::<String, _>(1)
            .unwrap()
            .contains("recall_notice_checked")
    }));
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
    app.stop().await;
}
both_backends!(rights, five_rights);

/// Several concurrent records of one dose (different packs) through two service instances
/// sharing one database: exactly one lands.
async fn one_dose_recorded_once(db: common::TestDb) {
    let a = common::TestApp::start(db.config()).await;
    let b = common::TestApp::start(db.config()).await;
    add_order(
        &a,
        "T-RACE",
        bedside::demo::PARACETAMOL_500_TABLETS,
        1_000_000,
        "oral",
        "regular",
        &hhmm_now(0),
    )
    .await;
    let fx = Fx { d: common::demo() };
    let mut tasks = Vec::new();
    for i in 0..8 {
        let body = with(
            fx.req(
                &pack(&fx.gtin(0), "PA2811", &format!("RACE{i}")),
                2.0,
                "oral",
            ),
            "order_id",
            json!("T-RACE"),
        );
        let (addr, token) = (
            if i % 2 == 0 { a.addr } else { b.addr },
            common::token("nurse"),
        );
        tasks.push(tokio::task::spawn_blocking(move || {
            common::http(
                addr,
                "POST",
                "/v1/administrations",
                Some(&token),
                Some("application/json"),
                body.to_string().as_bytes(),
            )
        }));
    }
    let mut created = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            201 => created += 1,
            409 => {
                let code = r.json()["code"].as_str().unwrap().to_owned();
                // The same dose: refused as a duplicate, whether the loser checked
                // before or after the winner recorded.
                assert!(
                    code == "duplicate_administration" || code == "administration_refused",
                    "{code}"
                );
            }
            s => panic!("unexpected {s}: {}", r.text()),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(a.administrations("T-RACE").await, 1);
    assert!(bedside::audit::verify(&a.state.db).await.unwrap().ok);
    a.stop().await;
    b.stop().await;
}
both_backends!(race, one_dose_recorded_once);
