//! FHIR R4 UK Core `MedicationAdministration` over HTTP (`GET
//! /fhir/MedicationAdministration/{id}`, search by NHS number and `_lastUpdated`) on real
//! SQLite and real PostgreSQL. Doses are ordered through `PUT /fhir/MedicationRequest`
//! and recorded through `POST /v1/administrations` (one plain, one high-risk with a second
//! checker and an override reason), then read and searched: every element asserted, the
//! `request` resolved through `GET /fhir/MedicationRequest/{id}`, `_lastUpdated` ranges,
//! entered in error, refusals, the audit rows, and every FHIR body judged by the
//! independent peer (`crates/orders/tests/peers/validate_fhir.py`, PyPI `fhir.resources`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::fhir_orders::{check_templated, order, peer_validate};

use serde_json::{Value, json};
use sqlx::Row;

const FHIR: &str = "application/fhir+json";
const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
const FUNCTION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function";

struct Client<'a> {
    app: &'a common::TestApp,
    token: String,
    /// Every FHIR body answered, for the peer.
    seen: Vec<Value>,
}

impl Client<'_> {
    async fn get(&mut self, path: &str, template: &str) -> common::Resp {
        let r = self
            .app
            .req("GET", path, Some(&self.token), None, b"")
            .await;
        if template.contains('{') {
            check_templated("GET", template, &r);
        } else {
            common::contract::check("GET", template, r.status, r.header("content-type"), &r.body);
        }
        if r.header("content-type") == Some(FHIR) {
            self.seen.push(r.json());
        }
        r
    }

    async fn read(&mut self, id: &str) -> common::Resp {
        self.get(
            &format!("/fhir/MedicationAdministration/{id}"),
            "/fhir/MedicationAdministration/{id}",
        )
        .await
    }

    async fn search(&mut self, query: &str) -> common::Resp {
        self.get(
            &format!("/fhir/MedicationAdministration?{query}"),
            "/fhir/MedicationAdministration",
        )
        .await
    }

    /// The ids of a search's entries, in order (asserting a 200 searchset Bundle whose
    /// total is its number of entries).
    async fn ids(&mut self, query: &str) -> Vec<String> {
        let r = self.search(query).await;
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        let b = r.json();
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "searchset");
        let entries = b["entry"].as_array().cloned().unwrap_or_default();
        assert_eq!(b["total"], entries.len(), "{b}");
        entries
            .iter()
            .map(|e| {
                let id = e["resource"]["id"].as_str().unwrap().to_owned();
                assert!(
                    e["fullUrl"]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("/fhir/MedicationAdministration/{id}")),
                    "{e}"
                );
                id
            })
            .collect()
    }
}

fn assert_outcome(r: &common::Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR), "{}", r.text());
    let v = r.json();
    assert_eq!(v["resourceType"], "OperationOutcome", "{v}");
    assert_eq!(v["issue"][0]["code"], code, "{v}");
}

fn codes(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

fn gsrn_uri(gsrn: &str) -> Value {
    json!({ "system": "urn:ietf:rfc:3986", "value": format!("https://id.gs1.org/8017/{gsrn}") })
}

async fn medication_administration_over_http(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let nhs = d.patients[0].nhs_number.clone();
    let integrator = common::token("integrator");
    let nurse = common::token("nurse");
    let mut c = Client {
        app: &app,
        token: integrator.clone(),
        seen: Vec::new(),
    };

    // The orders, from the EPMA over FHIR: paracetamol 1 g due now, morphine 5 mg due
    // in three hours (too early: a warning the nurse overrides), both by mouth.
    let put = |id: &'static str, body: Value| {
        let app = &app;
        let token = integrator.clone();
        async move {
            let r = app
                .req(
                    "PUT",
                    &format!("/fhir/MedicationRequest/{id}"),
                    Some(&token),
                    Some(FHIR),
                    body.to_string().as_bytes(),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text());
        }
    };
    put(
        "ma-para",
        order(
            "ma-para",
            "active",
            bedside::demo::PARACETAMOL_500_TABLETS,
            &nhs,
        ),
    )
    .await;
    let mut morph = order(
        "ma-morph",
        "active",
        bedside::demo::MORPHINE_10MG_5ML_SOLUTION,
        &nhs,
    );
    morph["medicationCodeableConcept"]["coding"][0]["display"] =
        json!("Morphine sulfate 10mg/5ml oral solution");
    morph["dosageInstruction"][0]["text"] = json!("5 mg once a day, oral");
    morph["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = json!({ "value": 5, "unit": "milligram", "system": "http://unitsofmeasure.org", "code": "mg" });
    let later = bedside::clock::london_hhmm(bedside::clock::now_ms() + 180 * 60_000);
    morph["dosageInstruction"][0]["timing"]["repeat"]["timeOfDay"] = json!([format!("{later}:00")]);
    put("ma-morph", morph).await;

    // Recorded through the ward's API.
    let para_body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
        "order_id": "fhir:ma-para",
    });
    let r = app
        .post_json("/v1/administrations", &nurse, &para_body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let para_id = r.json()["administration_id"].as_i64().unwrap().to_string();
    // The doses must be recorded at different milliseconds for the range checks below.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut morph_body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[2].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "checker_scan": d.staff[1].badge_scan,
        "quantity": 2.5,
        "route": "oral",
        "order_id": "fhir:ma-morph",
    });
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &morph_body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["outcome"], "warn", "{v}");
    assert!(
        codes(&v)
            .iter()
            .all(|c| c == "too_early" || c == "too_late"),
        "{v}"
    );
    morph_body["override_reason"] = json!("timing_agreed_with_prescriber");
    let r = app
        .post_json("/v1/administrations", &nurse, &morph_body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let morph_id = r.json()["administration_id"].as_i64().unwrap().to_string();

    // Read: the checked, overridden dose, every element.
    let r = c.read(&morph_id).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR));
    let m = r.json();
    let row = sqlx::query(
        "SELECT given_at, medicine_id, medicine_name, gtin FROM administrations WHERE id = $1",
    )
    .bind(morph_id.parse::<i64>().unwrap())
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let given_at: i64 = row.try_get(0).unwrap();
    let med_code: String = row.try_get(1).unwrap();
    let med_name: String = row.try_get(2).unwrap();
    let gtin: String = row.try_get(3).unwrap();
    let instant = |ms: i64| jiff::Timestamp::from_millisecond(ms).unwrap().to_string();
    assert_eq!(m["resourceType"], "MedicationAdministration");
    assert_eq!(m["id"], morph_id.as_str());
    assert_eq!(
        m["meta"]["profile"],
        json!(["https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationAdministration"])
    );
    assert_eq!(m["meta"]["lastUpdated"], instant(given_at));
    assert_eq!(m["status"], "completed");
    assert_eq!(m["medicationReference"], json!({ "reference": "#med" }));
    let med = &m["contained"][0];
    assert_eq!(med["resourceType"], "Medication");
    assert_eq!(med["id"], "med");
    assert_eq!(
        med["code"]["coding"],
        json!([{ "system": "https://dmd.nhs.uk", "code": med_code, "display": med_name }])
    );
    assert!(med_name.starts_with("Morphine"), "{med_name}");
    assert_eq!(
        med["batch"],
        json!({ "lotNumber": "MO2812", "expirationDate": "2028-12-31" })
    );
    assert_eq!(
        med["identifier"],
        json!([{ "system": "urn:ietf:rfc:3986", "value": format!("https://id.gs1.org/01/{gtin}") }])
    );
    assert_eq!(
        m["subject"],
        json!({ "identifier": { "system": NHS_SYSTEM, "value": nhs } })
    );
    assert_eq!(m["effectiveDateTime"], instant(given_at));
    assert_eq!(
        m["performer"],
        json!([
            { "function": { "coding": [{ "system": FUNCTION_SYSTEM, "code": "performer" }] },
              "actor": { "type": "Practitioner", "identifier": gsrn_uri(&d.staff[0].gsrn),
                         "display": d.staff[0].name } },
            { "function": { "coding": [{ "system": FUNCTION_SYSTEM, "code": "verifier" }] },
              "actor": { "type": "Practitioner", "identifier": gsrn_uri(&d.staff[1].gsrn),
                         "display": d.staff[1].name } },
        ])
    );
    assert_eq!(
        m["request"],
        json!({ "reference": "MedicationRequest/ma-morph" })
    );
    assert_eq!(
        m["dosage"],
        json!({
            "text": "5 mg oral",
            "route": { "coding": [{ "system": "http://snomed.info/sct", "code": "26643006", "display": "Oral" }],
                       "text": "oral" },
            "dose": { "value": 5, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg" },
        })
    );
    assert_eq!(
        m["note"],
        json!([{ "time": instant(given_at),
            "text": "Given despite a warning. Override reason: Timing agreed with the prescriber (timing_agreed_with_prescriber)." }])
    );
    // The request is what the MedicationRequest endpoint serves.
    let r = c
        .get(
            "/fhir/MedicationRequest/ma-morph",
            "/fhir/MedicationRequest/{id}",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], "ma-morph");

    // The plain dose: one performer, no note, paracetamol 1 g.
    let p = c.read(&para_id).await.json();
    assert_eq!(p["status"], "completed");
    assert_eq!(p["performer"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(
        p["performer"][0]["function"]["coding"][0]["code"],
        "performer"
    );
    assert!(p.get("note").is_none(), "{p}");
    assert_eq!(p["request"]["reference"], "MedicationRequest/ma-para");
    assert_eq!(
        p["dosage"]["dose"],
        json!({ "value": 1000, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg" })
    );
    assert_eq!(p["contained"][0]["batch"]["lotNumber"], "PA2811");

    // Search: by patient, in the order given; `|` plain or encoded.
    let patient = format!("patient.identifier={NHS_SYSTEM}|{nhs}");
    let both = vec![para_id.clone(), morph_id.clone()];
    assert_eq!(c.ids(&patient).await, both);
    assert_eq!(
        c.ids(&format!(
            "patient.identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C{nhs}"
        ))
        .await,
        both
    );
    let r = c.search(&patient).await;
    assert_eq!(r.json()["entry"][1]["resource"], m, "search and read agree");
    // Another patient, and an unknown one: nothing.
    assert!(
        c.ids(&format!(
            "patient.identifier={NHS_SYSTEM}|{}",
            d.patients[1].nhs_number
        ))
        .await
        .is_empty()
    );
    assert!(
        c.ids(&format!("patient.identifier={NHS_SYSTEM}|9990000018"))
            .await
            .is_empty()
    );

    // _lastUpdated: exact instants, ranges, days.
    let t_para = p["meta"]["lastUpdated"].as_str().unwrap().to_owned();
    let t_morph = m["meta"]["lastUpdated"].as_str().unwrap().to_owned();
    let lu = |q: &str| format!("{patient}&{q}");
    assert_eq!(c.ids(&lu(&format!("_lastUpdated=ge{t_para}"))).await, both);
    assert_eq!(
        c.ids(&lu(&format!("_lastUpdated=ge{t_morph}"))).await,
        vec![morph_id.clone()]
    );
    assert_eq!(
        c.ids(&lu(&format!("_lastUpdated=lt{t_morph}"))).await,
        vec![para_id.clone()]
    );
    assert_eq!(c.ids(&lu(&format!("_lastUpdated=le{t_morph}"))).await, both);
    assert!(
        c.ids(&lu(&format!("_lastUpdated=gt{t_morph}")))
            .await
            .is_empty()
    );
    assert_eq!(
        c.ids(&lu(&format!(
            "_lastUpdated=ge{t_para}&_lastUpdated=lt{t_morph}"
        )))
        .await,
        vec![para_id.clone()]
    );
    let today = bedside::clock::now_ms();
    let day = |ms: i64| {
        jiff::tz::TimeZone::get("Europe/London")
            .unwrap()
            .to_datetime(jiff::Timestamp::from_millisecond(ms).unwrap())
            .date()
            .to_string()
    };
    let given_day = day(given_at);
    let para_day = day(t_para.parse::<jiff::Timestamp>().unwrap().as_millisecond());
    // Both on one London day, unless the test ran across midnight.
    if para_day == given_day {
        assert_eq!(
            c.ids(&lu(&format!("_lastUpdated={given_day}"))).await.len(),
            2
        );
        assert_eq!(
            c.ids(&lu(&format!("_lastUpdated=eq{given_day}")))
                .await
                .len(),
            2
        );
        assert!(
            c.ids(&lu(&format!("_lastUpdated=gt{given_day}")))
                .await
                .is_empty()
        );
        assert!(
            c.ids(&lu(&format!("_lastUpdated=lt{given_day}")))
                .await
                .is_empty()
        );
    }
    assert!(
        c.ids(&lu(&format!(
            "_lastUpdated=ge{}",
            day(today + 2 * 86_400_000)
        )))
        .await
        .is_empty()
    );
    // An offset instead of Z (`+` percent-encoded, as a query's `+` is a space).
    let plus = format!(
        "{}%2B02:00",
        jiff::tz::Offset::constant(2)
            .to_datetime(jiff::Timestamp::from_millisecond(given_at).unwrap())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f")
    );
    assert_eq!(
        c.ids(&lu(&format!("_lastUpdated=ge{plus}"))).await,
        vec![morph_id.clone()]
    );

    // Entered in error: the status changes, the correction is a note, lastUpdated moves.
    let reason = "recorded against the wrong order";
    let r = app
        .post_json(
            &format!("/v1/administrations/{para_id}/entered-in-error"),
            &common::token("pharmacist"),
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let marked = r.json();
    let at = marked["entered_in_error_at"].as_i64().unwrap();
    let e = c.read(&para_id).await.json();
    assert_eq!(e["status"], "entered-in-error");
    assert_eq!(e["meta"]["lastUpdated"], instant(at));
    assert_eq!(
        e["effectiveDateTime"], p["effectiveDateTime"],
        "when given stays"
    );
    assert_eq!(
        e["note"],
        json!([{ "authorString": marked["entered_in_error_by"], "time": instant(at),
            "text": format!("Entered in error: {reason}") }])
    );
    assert!(at >= given_at);
    // It now counts as updated after the morphine dose (or at the same instant).
    let after = c.ids(&lu(&format!("_lastUpdated=ge{}", instant(at)))).await;
    assert!(after.contains(&para_id), "{after:?}");
    let before = c.ids(&lu(&format!("_lastUpdated=lt{t_morph}"))).await;
    assert!(before.is_empty(), "{before:?}");

    // A dose against an order the FHIR API does not serve (the demo's amoxicillin): the
    // request is an identifier. Then the same record as one made before migration 9,
    // which kept only the GTIN: no dm+d coding is invented for it.
    let mut amox_body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[1].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 1.0,
        "route": "oral",
        "order_id": d.orders[1].id,
    });
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &amox_body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    if v["outcome"] == "warn" {
        amox_body["override_reason"] = json!("clinical_need_documented");
    } else {
        assert_eq!(v["outcome"], "give", "{v}");
    }
    let r = app
        .post_json("/v1/administrations", &nurse, &amox_body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let amox_id = r.json()["administration_id"].as_i64().unwrap();
    let row = sqlx::query("SELECT order_id, gtin FROM administrations WHERE id = $1")
        .bind(amox_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let amox_order: String = row.try_get(0).unwrap();
    let amox_gtin: String = row.try_get(1).unwrap();
    assert!(!amox_order.starts_with("fhir:"), "{amox_order}");
    let a = c.read(&amox_id.to_string()).await.json();
    assert_eq!(
        a["request"],
        json!({ "type": "MedicationRequest",
            "identifier": { "system": "urn:bedside:order", "value": amox_order } })
    );
    assert_eq!(
        a["contained"][0]["code"]["coding"][0]["system"],
        "https://dmd.nhs.uk"
    );
    sqlx::query("UPDATE administrations SET medicine_level = NULL, medicine_id = NULL, medicine_name = NULL WHERE id = $1")
        .bind(amox_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let old = c.read(&amox_id.to_string()).await.json();
    let med = &old["contained"][0];
    assert!(med["code"].get("coding").is_none(), "{med}");
    assert!(
        med["code"]["text"].as_str().unwrap().contains(&amox_gtin),
        "{med}"
    );
    assert_eq!(
        med["identifier"][0]["value"],
        format!("https://id.gs1.org/01/{amox_gtin}")
    );
    assert_eq!(med["batch"]["lotNumber"], "AM2812");
    assert_eq!(old["dosage"]["dose"]["code"], "mg");

    // Refusals: other roles (problem details, decided before the endpoint), unknown ids,
    // bad searches.
    for role in ["nurse", "pharmacist", "admissions", "admin"] {
        let t = common::token(role);
        for path in [
            format!("/fhir/MedicationAdministration/{morph_id}"),
            format!("/fhir/MedicationAdministration?{patient}"),
        ] {
            let r = app.req("GET", &path, Some(&t), None, b"").await;
            r.assert_problem(403, "forbidden");
        }
    }
    let r = app
        .req(
            "GET",
            &format!("/fhir/MedicationAdministration/{morph_id}"),
            None,
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text());
    for id in ["999999", "abc", "0", "-1", &format!("0{morph_id}")] {
        assert_outcome(&c.read(id).await, 404, "not-found");
    }
    for bad in [
        String::new(),
        format!("patient={nhs}"),
        format!("patient.identifier={nhs}"),
        format!("patient.identifier={NHS_SYSTEM}|123"),
        format!("{patient}&{patient}"),
        format!("{patient}&_count=5"),
        format!("{patient}&_lastUpdated=ne{given_day}"),
        format!("{patient}&_lastUpdated=2026-01"),
        format!("{patient}&_lastUpdated=2026-01-15T08:00:00"),
        format!("{patient}&_lastUpdated="),
        format!("_lastUpdated=ge{given_day}"),
    ] {
        assert_outcome(&c.search(&bad).await, 400, "value");
    }

    // Every read and search is audited, with the patient, before the answer.
    let audited: Vec<Value> =
        sqlx::query("SELECT detail FROM audit WHERE action = 'administrations.read' ORDER BY seq")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_str(&r.try_get::<String, _>(0).unwrap()).unwrap())
            .collect();
    let first = audited.first().unwrap();
    assert_eq!(first["via"], "fhir");
    assert_eq!(first["administration_id"], morph_id.parse::<i64>().unwrap());
    assert_eq!(first["found"], true);
    assert_eq!(first["nhs_number"], nhs.as_str());
    assert!(
        audited.iter().any(|a| a["via"] == "fhir-search"
            && a["nhs_number"] == nhs.as_str()
            && a["count"] == 2)
    );
    assert!(audited.iter().any(|a| a["found"] == false));

    // The independent peer judges every FHIR body the service answered.
    assert!(c.seen.len() > 20);
    peer_validate(&c.seen);
}
both_backends!(
    medication_administration,
    medication_administration_over_http
);
