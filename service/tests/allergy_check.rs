//! The allergy check on real SQLite and real PostgreSQL, with the demo's allergies as
//! seeded through the HL7 importer: an active allergy to what a pack is made of (its VTM,
//! an ingredient, a brand's excipient) stops the dose and comes first; "no known drug
//! allergy" says nothing; no statement at all warns `allergies_not_recorded`, which
//! asking the patient answers, and the dose is then recorded with that reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use bedside::demo::DemoOrder;
use serde_json::{Value, json};
use sqlx::Row;

const GS: char = '\u{1d}';
const NHS_DOMAIN: &str = "NHS&2.16.840.1.113883.2.1.4.1&ISO";

fn pack(gtin: &str, batch: &str, serial: &str) -> String {
    format!("]d201{gtin}1728123110{batch}{GS}21{serial}")
}

fn order(id: &str, nhs: &str, vmp: &str, dose_milli: i64) -> DemoOrder {
    DemoOrder {
        id: id.into(),
        nhs_number: nhs.into(),
        vmp_id: vmp.into(),
        dose_milli,
        dose_unit: "mg".into(),
        route: "oral".into(),
        kind: "prn".into(),
        times: String::new(),
        window_minutes: 60,
        min_interval_minutes: 240,
        max_per_24h: 4,
        max_amount_24h_milli: None,
    }
}

fn request(d: &bedside::demo::DemoData, patient: usize, product_scan: &str, q: f64) -> Value {
    json!({
        "patient_scan": d.patients[patient].wristband_scan,
        "product_scan": product_scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": q,
        "route": "oral",
    })
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

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

async fn scenario(tdb: common::TestDb) {
    let app = common::TestApp::start(tdb.config()).await;
    let db = app.state.db.clone();
    let d = common::demo();
    let nurse = common::token("nurse");
    let now = bedside::clock::now_ms();
    let amox_gtin = d.medicines[1].gtin.clone();
    let para_gtin = d.medicines[0].gtin.clone();

    // The second demo patient is allergic to amoxicillin (VTM, severity SV): with an
    // order for it, the pack is still stopped, and the allergy alone says why.
    let allergic = d.patients[1].nhs_number.clone();
    app.insert_order(
        &order(
            "T-AMOX-ALLERGIC",
            &allergic,
            bedside::demo::AMOXICILLIN_500_CAPSULES,
            500_000,
        ),
        now - 60_000,
    )
    .await;
    let amox = request(&d, 1, &pack(&amox_gtin, "AM2812", "ALG1"), 1.0);
    let v = verify(&app, &amox).await;
    assert_eq!(v["outcome"], "stop", "{v}");
    assert_eq!(codes(&v), ["allergy"], "{v}");
    assert_eq!(v["problems"][0]["right"], "medicine", "{v}");
    assert_eq!(v["problems"][0]["severity"], "block", "{v}");
    assert_eq!(
        v["problems"][0]["message"],
        "Allergy: this patient is allergic to amoxicillin (high criticality). Do not give; ask the prescriber.",
        "{v}"
    );
    assert!(v.get("override_reasons").is_none(), "{v}");
    app.post_json(
        "/v1/administrations",
        &nurse,
        &with(
            amox.clone(),
            "override_reason",
            json!("clinical_need_documented"),
        ),
    )
    .await
    .assert_problem(409, "administration_refused");
    assert_eq!(app.administrations("T-AMOX-ALLERGIC").await, 0);
    // Paracetamol is nothing to them: no allergy problem (only the missing order).
    let v = verify(
        &app,
        &request(&d, 1, &pack(&para_gtin, "PA2811", "ALG2"), 2.0),
    )
    .await;
    assert_eq!(codes(&v), ["no_active_order"], "{v}");

    // "No known drug allergy" (the first demo patient) is a statement: nothing to say.
    let v = verify(
        &app,
        &request(&d, 0, &pack(&para_gtin, "PA2811", "ALG3"), 2.0),
    )
    .await;
    assert_eq!(v["outcome"], "give", "{v}");
    assert!(codes(&v).is_empty(), "{v}");

    // The sixth demo patient has no statement at all: not recorded, listed first.
    let v = verify(
        &app,
        &request(&d, 5, &pack(&para_gtin, "PA2811", "ALG4"), 2.0),
    )
    .await;
    assert_eq!(
        codes(&v),
        ["allergies_not_recorded", "no_active_order"],
        "{v}"
    );

    // A patient whose statement is removed is "not recorded", never "none known": a
    // warning that asking the patient answers, and the dose is recorded with it.
    let third = d.patients[2].nhs_number.clone();
    for table in ["allergy_status", "allergies"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE nhs_number = $1"))
            .bind(&third)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    app.insert_order(
        &order(
            "T-PARA-UNRECORDED",
            &third,
            bedside::demo::PARACETAMOL_500_TABLETS,
            1_000_000,
        ),
        now - 60_000,
    )
    .await;
    let para = request(&d, 2, &pack(&para_gtin, "PA2811", "ALG5"), 2.0);
    let v = verify(&app, &para).await;
    assert_eq!(v["outcome"], "warn", "{v}");
    assert_eq!(codes(&v), ["allergies_not_recorded"], "{v}");
    assert_eq!(v["problems"][0]["severity"], "warn", "{v}");
    assert_eq!(
        v["override_reasons"],
        json!(["clinical_need_documented", "allergies_checked_with_patient"]),
        "{v}"
    );
    app.post_json("/v1/administrations", &nurse, &para)
        .await
        .assert_problem(409, "override_required");
    app.post_json(
        "/v1/administrations",
        &nurse,
        &with(
            para.clone(),
            "override_reason",
            json!("prescriber_consulted"),
        ),
    )
    .await
    .assert_problem(409, "override_reason_not_applicable");
    let r = app
        .post_json(
            "/v1/administrations",
            &nurse,
            &with(
                para.clone(),
                "override_reason",
                json!("allergies_checked_with_patient"),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let row = sqlx::query("SELECT override_reason FROM administrations WHERE order_id = $1")
        .bind("T-PARA-UNRECORDED")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        row.try_get::<Option<String>, _>(0).unwrap().as_deref(),
        Some("allergies_checked_with_patient")
    );

    // An ADT file with an AL1 (the go-live importer's path) records a low-criticality
    // allergy to the amoxicillin VTM for that patient: their amoxicillin is stopped.
    let p = &d.patients[2];
    let adt = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE|RXX|20261201100000||ADT^A08^ADT_A01|ALG-1|P|2.5|||||GBR|UNICODE UTF-8\rEVN|A08|20261201100000\rPID|||{}^^^{NHS_DOMAIN}^NH||{}^{}||{}|{}\rAL1|1|DA|900000021000001100^Amoxicillin^DMD|MO|Rash\r",
        p.nhs_number,
        p.family,
        p.given,
        p.date_of_birth.replace('-', ""),
        if p.sex == "2" { "F" } else { "M" },
    );
    let domain = bedside_pix::domain::Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap();
    let ops = bedside::import_hl7::parse(adt.as_bytes(), bedside_patient::TestData::Allow, &domain)
        .unwrap();
    bedside::import_hl7::apply(&db, &ops, "test").await.unwrap();
    let v = verify(
        &app,
        &request(&d, 2, &pack(&amox_gtin, "AM2812", "ALG6"), 1.0),
    )
    .await;
    assert_eq!(codes(&v), ["allergy", "no_active_order"], "{v}");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("allergic to amoxicillin (low criticality)"),
        "{v}"
    );

    // An excipient of a brand: a pack of the Amoxidemo brand (arachis oil) for a patient
    // with an arachis oil allergy recorded in SNOMED CT terms.
    sqlx::query("INSERT INTO local_products (gtin, level, dmd_id, name, note) VALUES ('09520000000134', 'amp', '900002121000001100', 'Amoxidemo 500mg capsules (special order)', 'test')")
        .execute(&db.pool)
        .await
        .unwrap();
    let p = &d.patients[3];
    sqlx::query("INSERT INTO allergies (nhs_number, id, source, system, code, display, clinical_status, criticality, reactions, updated_at) VALUES ($1, 'AL1-9', 'hl7', 'snomed', '900000571000001100', 'Peanut oil', 'active', 'high', '[]', $2)")
        .bind(&p.nhs_number)
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE allergy_status SET status = 'recorded' WHERE nhs_number = $1")
        .bind(&p.nhs_number)
        .execute(&db.pool)
        .await
        .unwrap();
    let v = verify(
        &app,
        &request(&d, 3, &pack("09520000000134", "AM2812", "ALG7"), 1.0),
    )
    .await;
    assert_eq!(codes(&v)[0], "allergy", "{v}");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("allergic to arachis oil (high criticality)"),
        "{v}"
    );
    // The generic amoxicillin (no arachis oil) is not stopped for them by an allergy.
    let v = verify(
        &app,
        &request(&d, 3, &pack(&amox_gtin, "AM2812", "ALG8"), 1.0),
    )
    .await;
    assert!(!codes(&v).contains(&"allergy".to_owned()), "{v}");

    // An allergy recorded against a product (the 250 mg capsule's VMP) is to what it is
    // made of: the 500 mg capsule, another product of the same ingredient, is stopped.
    let p = &d.patients[4];
    let adt = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE|RXX|20261201100000||ADT^A08^ADT_A01|ALG-2|P|2.5|||||GBR|UNICODE UTF-8\rEVN|A08|20261201100000\rPID|||{}^^^{NHS_DOMAIN}^NH||{}^{}||{}|{}\rAL1|1|DA|900001121000001100^Amoxicillin 250mg capsules^DMD|SV|Anaphylaxis\r",
        p.nhs_number,
        p.family,
        p.given,
        p.date_of_birth.replace('-', ""),
        if p.sex == "2" { "F" } else { "M" },
    );
    let ops = bedside::import_hl7::parse(adt.as_bytes(), bedside_patient::TestData::Allow, &domain)
        .unwrap();
    bedside::import_hl7::apply(&db, &ops, "test").await.unwrap();
    let v = verify(
        &app,
        &request(&d, 4, &pack(&amox_gtin, "AM2812", "ALG9"), 1.0),
    )
    .await;
    assert_eq!(codes(&v)[0], "allergy", "{v}");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("allergic to amoxicillin (high criticality)"),
        "{v}"
    );
    // Paracetamol is not stopped by it.
    let v = verify(
        &app,
        &request(&d, 4, &d.medicines[0].packs[0].scan.clone(), 2.0),
    )
    .await;
    assert!(!codes(&v).contains(&"allergy".to_owned()), "{v}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allergy_check_on_sqlite() {
    scenario(common::TestDb::new(common::Backend::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allergy_check_on_postgres() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    scenario(db).await;
}

/// The go-live importer reads AL1 in A01/A04/A08/A31 only, and a faulty AL1 rejects the
/// file naming the segment and field, never the data.
#[test]
fn the_hl7_importer_reads_al1_and_refuses_a_faulty_one() {
    use bedside::import_hl7::{Op, parse};
    use bedside_orders::model::AllergyStatement;
    let domain = bedside_pix::domain::Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap();
    let msg = |trigger: &str, al1: &str| {
        format!(
            "MSH|^~\\&|PAS|RXX|BEDSIDE|RXX|20261201100000||ADT^{trigger}^ADT_A01|X1|P|2.5\rEVN|{trigger}|20261201100000\rPID|||9990001235^^^{NHS_DOMAIN}^NH||Smith^John||19800118|M\r{al1}"
        )
    };
    let read = |trigger: &str, al1: &str| {
        parse(
            msg(trigger, al1).as_bytes(),
            bedside_patient::TestData::Allow,
            &domain,
        )
    };
    let allergies = |ops: Vec<Op>| match ops.into_iter().next() {
        Some(Op::Upsert { allergies, .. }) => allergies,
        other => panic!("{other:?}"),
    };
    let nkda = "AL1|1|DA|716186003^No known allergy^SCT\r";
    assert_eq!(
        allergies(read("A08", nkda).unwrap()),
        Some(AllergyStatement::NoneKnown)
    );
    assert_eq!(allergies(read("A28", nkda).unwrap()), None);
    assert_eq!(allergies(read("A08", "").unwrap()), None);
    let errs = read("A01", "AL1|1|DA|900000021000001100^Amoxicillin^DMD|XX\r").unwrap_err();
    assert_eq!(
        (errs[0].message, errs[0].segment, errs[0].field),
        (1, Some("AL1"), Some(4))
    );
    assert!(!errs[0].error.contains("XX"), "{}", errs[0].error);
}
