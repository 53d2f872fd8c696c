//! The table of pharmacy scenarios, end to end, on real SQLite and PostgreSQL:
//! the running service with the demo data (demo dm+d release `examples/data/dmd`), orders
//! arriving as `RDE^O11` over the MLLP feed (built and strictly validated by the hl7apy
//! peer `tests/peers/build_scenarios.py`), allergies as FHIR `AllergyIntolerance` over
//! HTTP, and each row's pack scan judged by `POST /v1/administrations/verify` (nurse):
//! the outcome and the exact set of problem codes. Every id and GTIN is the one
//! `examples/data/dmd/README.md` gives for the scenario.
//!
//! Rows share a patient only where nothing they do is remembered (a check records
//! nothing); the allergy rows and the one row that tries to record have their own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Row;

const FHIR: &str = "application/fhir+json";
const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// Demo dm+d: ingredient #057 arachis oil, the excipient of AMP #212 Amoxidemo.
const ARACHIS_OIL: &str = "900000571000001100";
/// Demo dm+d: VMP #101 paracetamol 500mg tablets (its `VPIDPREV` is #199).
const PARACETAMOL_500_TABLETS: &str = "900001011000001100";

// The packs, as the GTIN of AI 01 (README "Products" table).
/// #411 amoxicillin 500mg capsules, Demo Generics.
const AMOX_GENERIC: &str = "09520000000028";
/// #412 Amoxidemo 500mg capsules (arachis oil).
const AMOXIDEMO: &str = "09520000000059";
/// #413 amoxicillin 250mg capsules.
const AMOX_250: &str = "09520000000066";
/// #402 paracetamol 1g/100ml infusion vials, IV only.
const PARA_INFUSION: &str = "09520000000073";
/// #401 paracetamol 500mg tablets, current GTIN.
const PARA_TABLETS: &str = "09520000000011";
/// #401 paracetamol 500mg tablets, GTIN ended 2024-04-30.
const PARA_TABLETS_ENDED: &str = "09520000000110";
/// #403 paracetamol 500mg caplets, VMP #103 `INVALID`.
const PARA_CAPLETS_INVALID: &str = "09520000000103";
/// #422 morphine 10mg/1ml ampoules, Schedule 2.
const MORPHINE_AMPOULES: &str = "09520000000080";

/// One row of the table.
struct Scenario {
    name: &'static str,
    /// Peer messages sent over MLLP, in order, before the scan.
    orders: &'static [&'static str],
    /// FHIR `AllergyIntolerance` resources PUT before the scan: (id, patient, code, clinical status).
    allergies: &'static [(&'static str, usize, &'static str, &'static str)],
    /// The demo patient (index into `common::demo().patients`) whose wristband is scanned.
    patient: usize,
    /// The order checked against (`EPMA:` + placer number).
    order: &'static str,
    gtin: &'static str,
    quantity: f64,
    route: &'static str,
    /// Whether the second registered nurse scans their badge as checker.
    checker: bool,
    outcome: &'static str,
    codes: &'static [&'static str],
}

const ROWS: &[Scenario] = &[
    Scenario {
        name: "VTM order met by the generic (#411)",
        orders: &["vtm_generic"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-1",
        gtin: AMOX_GENERIC,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "VTM order met by the Amoxidemo brand (#412)",
        orders: &["vtm_brand"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-2",
        gtin: AMOXIDEMO,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        // A VTM order names no strength: the 250 mg capsule is amoxicillin, so only the
        // dose (1 × 250 mg against 500 mg) is wrong.
        name: "wrong strength against a VTM order",
        orders: &["strength_vtm"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-3",
        gtin: AMOX_250,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["wrong_dose"],
    },
    Scenario {
        // A VMP order names the strength: #112 is not #111, and the dose is short too.
        name: "wrong strength against a VMP order",
        orders: &["strength_vmp"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-4",
        gtin: AMOX_250,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["wrong_medicine", "wrong_dose"],
    },
    Scenario {
        name: "wrong form for the route (IV infusion against an oral VTM order)",
        orders: &["form_route"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-5",
        gtin: PARA_INFUSION,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["product_route_mismatch"],
    },
    Scenario {
        name: "ended GTIN still identifies the pack",
        orders: &["ended_gtin"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-6",
        gtin: PARA_TABLETS_ENDED,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "invalid VMP (caplets #103)",
        orders: &["invalid_vmp"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-7",
        gtin: PARA_CAPLETS_INVALID,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["invalid_product"],
    },
    Scenario {
        name: "order naming the previous VPID (#199) met by the #101 pack",
        orders: &["previous_vpid"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-8",
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "Schedule 2 (morphine ampoules) without a checker",
        orders: &["schedule2"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-9",
        gtin: MORPHINE_AMPOULES,
        quantity: 1.0,
        route: "intravenous",
        checker: false,
        outcome: "stop",
        codes: &["second_checker_required"],
    },
    Scenario {
        name: "Schedule 2 (morphine ampoules) with a registered checker",
        orders: &[],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-9",
        gtin: MORPHINE_AMPOULES,
        quantity: 1.0,
        route: "intravenous",
        checker: true,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "allergy to an excipient (arachis oil): the Amoxidemo brand",
        orders: &["excipient"],
        allergies: &[("sc-arachis", 2, ARACHIS_OIL, "active")],
        patient: 2,
        order: "EPMA:SC-10",
        gtin: AMOXIDEMO,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["allergy"],
    },
    Scenario {
        name: "allergy to an excipient (arachis oil): the generic",
        orders: &[],
        allergies: &[],
        patient: 2,
        order: "EPMA:SC-10",
        gtin: AMOX_GENERIC,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "allergy resolved (arachis oil, clinicalStatus resolved)",
        orders: &["resolved"],
        allergies: &[("sc-arachis-resolved", 3, ARACHIS_OIL, "resolved")],
        patient: 3,
        order: "EPMA:SC-11",
        gtin: AMOXIDEMO,
        quantity: 1.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "no known drug allergy (AL1 in the RDE)",
        orders: &["nkda"],
        allergies: &[],
        patient: 4,
        order: "EPMA:SC-12",
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
    Scenario {
        name: "allergies not recorded",
        orders: &["not_recorded"],
        allergies: &[],
        patient: 5,
        order: "EPMA:SC-13",
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "warn",
        codes: &["allergies_not_recorded"],
    },
    Scenario {
        name: "order discontinued (DC) then a scan",
        orders: &["dc_new", "dc"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-14",
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["order_not_active"],
    },
    Scenario {
        name: "order on hold (HD)",
        orders: &["hold_new", "hold"],
        allergies: &[],
        patient: 0,
        order: "EPMA:SC-15",
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "stop",
        codes: &["order_not_active"],
    },
    Scenario {
        // The check before the change; the XO and the record follow the table.
        name: "order changed by XO between check and record: the check",
        orders: &["xo_new"],
        allergies: &[],
        patient: 3,
        order: XO_ORDER,
        gtin: PARA_TABLETS,
        quantity: 2.0,
        route: "oral",
        checker: false,
        outcome: "give",
        codes: &[],
    },
];

/// The order the last row checks and XO then changes from 1 g to 500 mg.
const XO_ORDER: &str = "EPMA:SC-16";

fn messages(nhs: &Value) -> BTreeMap<String, String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/build_scenarios.py"
    );
    let out = std::process::Command::new("python3")
        .args([script, &nhs.to_string()])
        .output()
        .expect("python3 must be installed (the hl7apy peer builds the messages)");
    assert!(
        out.status.success(),
        "build_scenarios.py failed (pip install -r .ci/requirements.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Sends one peer message over MLLP and insists on `AA`.
async fn feed(addr: std::net::SocketAddr, m: &BTreeMap<String, String>, key: &str) {
    let msg = m.get(key).unwrap_or_else(|| panic!("no message {key}"));
    let ack = common::mllp_send(addr, msg, Duration::from_secs(10)).await;
    assert!(ack.contains("MSA|AA|"), "{key}: {ack}");
}

fn allergy(id: &str, nhs: &str, code: &str, clinical: &str) -> Value {
    json!({
        "resourceType": "AllergyIntolerance",
        "id": id,
        "clinicalStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": clinical }] },
        "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed" }] },
        "type": "allergy",
        "category": ["medication"],
        "criticality": "high",
        "code": { "coding": [{ "system": "https://dmd.nhs.uk", "code": code, "display": "Arachis oil" }] },
        "patient": { "identifier": { "system": NHS_SYSTEM, "value": nhs } },
        "reaction": [{ "manifestation": [{ "text": "Anaphylaxis" }] }]
    })
}

async fn put_allergy(app: &common::TestApp, body: &Value) {
    let id = body["id"].as_str().unwrap();
    let r = app
        .req(
            "PUT",
            &format!("/fhir/AllergyIntolerance/{id}"),
            Some(&common::token("integrator")),
            Some(FHIR),
            body.to_string().as_bytes(),
        )
        .await;
    assert!(r.status == 201 || r.status == 200, "{id}: {}", r.text());
}

/// The check's request for `row`: the pack as `]d2` with expiry, batch and `serial`.
fn request(d: &bedside::demo::DemoData, row: &Scenario, serial: &str) -> Value {
    let gs = bedside::demo::GS;
    let mut body = json!({
        "patient_scan": d.patients[row.patient].wristband_scan,
        "product_scan": format!("]d201{}1728123110SCN2812{gs}21{serial}", row.gtin),
        "staff_scan": d.staff[0].badge_scan,
        "quantity": row.quantity,
        "route": row.route,
        "order_id": row.order,
    });
    if row.checker {
        body["checker_scan"] = json!(d.staff[1].badge_scan);
    }
    body
}

async fn verify(app: &common::TestApp, body: &Value) -> Value {
    let r = app
        .post_json("/v1/administrations/verify", &common::token("nurse"), body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn codes(v: &Value) -> BTreeSet<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn order_row(app: &common::TestApp, id: &str) -> (String, String, i64, String) {
    let r = sqlx::query("SELECT level, dmd_id, dose_milli, route FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (
        r.try_get(0).unwrap(),
        r.try_get(1).unwrap(),
        r.try_get(2).unwrap(),
        r.try_get(3).unwrap(),
    )
}

async fn scenarios(tdb: common::TestDb) {
    let app = common::TestApp::start(tdb.config()).await;
    let addr = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let d = common::demo();
    assert!(d.patients.len() >= 6, "the rows need six demo patients");
    let nhs = |i: usize| d.patients[i].nhs_number.clone();
    let m = messages(&json!({
        "p0": nhs(0), "p2": nhs(2), "p3": nhs(3), "p4": nhs(4), "p5": nhs(5),
    }));

    let mut failures = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        for key in row.orders {
            feed(addr, &m, key).await;
        }
        for (id, p, code, clinical) in row.allergies {
            put_allergy(&app, &allergy(id, &nhs(*p), code, clinical)).await;
        }
        let body = request(&d, row, &format!("SCN{i:04}"));
        let v = verify(&app, &body).await;
        let want: BTreeSet<String> = row.codes.iter().map(|c| (*c).to_owned()).collect();
        if v["outcome"] != row.outcome || codes(&v) != want {
            failures.push(format!(
                "{}: expected {} {:?}, got {} {:?}\n  {v}",
                row.name,
                row.outcome,
                want,
                v["outcome"],
                codes(&v)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The previous VPID is stored as the current one, at VMP level.
    let (level, dmd_id, _, _) = order_row(&app, "EPMA:SC-8").await;
    assert_eq!(
        (level.as_str(), dmd_id.as_str()),
        ("vmp", PARACETAMOL_500_TABLETS)
    );

    // Changed by XO between the check and the record: the last row's check gave for the
    // 1 g order; XO makes it 500 mg; recording the same two tablets with the same body is
    // refused, and nothing is recorded against the order.
    let row = ROWS.last().unwrap();
    let body = request(&d, row, &format!("SCN{:04}", ROWS.len() - 1));
    let v = verify(&app, &body).await;
    assert_eq!(v["outcome"], "give", "{v}");
    assert_eq!(v["dose_given"], "1 g", "{v}");
    feed(addr, &m, "xo").await;
    assert_eq!(order_row(&app, XO_ORDER).await.2, 500_000);
    let v = verify(&app, &body).await;
    assert_eq!(codes(&v), BTreeSet::from(["wrong_dose".to_owned()]), "{v}");
    app.post_json("/v1/administrations", &common::token("nurse"), &body)
        .await
        .assert_problem(409, "administration_refused");
    assert_eq!(app.administrations(XO_ORDER).await, 0);
    // The record path itself works: one tablet, the changed order's 500 mg, is recorded
    // once, against the changed dose.
    let mut one = body.clone();
    one["quantity"] = json!(1.0);
    let r = app
        .post_json("/v1/administrations", &common::token("nurse"), &one)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(app.administrations(XO_ORDER).await, 1);
    let dose: i64 = sqlx::query("SELECT dose_milli FROM administrations WHERE order_id = $1")
        .bind(XO_ORDER)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(dose, 500_000);

    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pharmacy_scenarios_on_sqlite() {
    scenarios(common::TestDb::new(common::Backend::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pharmacy_scenarios_on_postgres() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    scenarios(db).await;
}
