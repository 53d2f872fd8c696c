//! An as-needed order capped by amount in 24 hours (FHIR `maxDosePerPeriod` with a
//! quantity; HL7 RXE-19 reads into the same cap), on real SQLite and PostgreSQL: the cap is
//! stored in the order's dose unit and the check stops
//! a dose that would take the last 24 hours' total over it, saying how much was given; a
//! cap below one dose, or in a unit that cannot be compared with the dose's, is refused
//! with an OperationOutcome naming `maxDosePerPeriod` and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::{Value, json};
use sqlx::Row;

const FHIR: &str = "application/fhir+json";

/// Paracetamol 500 mg tablets, 1 g by mouth when needed, at most `cap` (value, UCUM code)
/// in 24 hours.
fn capped(id: &str, nhs: &str, cap: (f64, &str)) -> Value {
    json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": { "coding": [{ "system": "https://dmd.nhs.uk",
            "code": bedside::demo::PARACETAMOL_500_TABLETS, "display": "Paracetamol 500mg tablets" }] },
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs } },
        "authoredOn": "2026-01-01T09:00:00+00:00",
        "dosageInstruction": [{
            "text": "1 g by mouth when needed for pain",
            "asNeededBoolean": true,
            "route": { "coding": [{ "system": "http://snomed.info/sct", "code": "26643006", "display": "Oral" }] },
            "doseAndRate": [{ "doseQuantity": { "value": 1000, "unit": "milligram",
                "system": "http://unitsofmeasure.org", "code": "mg" } }],
            "maxDosePerPeriod": {
                "numerator": { "value": cap.0, "system": "http://unitsofmeasure.org", "code": cap.1 },
                "denominator": { "value": 24, "system": "http://unitsofmeasure.org", "code": "h" }
            }
        }]
    })
}

async fn amount_cap(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    // A patient with no demo orders and "no known drug allergy" stated.
    let patient = &d.patients[2];
    let integrator = common::token("integrator");
    let put = |id: &'static str, body: Value| {
        let app = &app;
        let integrator = integrator.clone();
        async move {
            app.req(
                "PUT",
                &format!("/fhir/MedicationRequest/{id}"),
                Some(&integrator),
                Some(FHIR),
                body.to_string().as_bytes(),
            )
            .await
        }
    };

    // Refused: a cap below one dose, and a cap by volume for a dose by mass.
    for (id, cap) in [("cap-low", (500.0, "mg")), ("cap-volume", (20.0, "mL"))] {
        let r = put(id, capped(id, &patient.nhs_number, cap)).await;
        assert_eq!(r.status, 422, "{id}: {}", r.text());
        let outcome = r.json();
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert!(
            outcome.to_string().contains("maxDosePerPeriod"),
            "{id}: {outcome}"
        );
    }
    let stored: i64 = sqlx::query("SELECT COUNT(*) FROM orders WHERE nhs_number = $1")
        .bind(&patient.nhs_number)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(stored, 0, "a refused order stores nothing");

    // 1500 mg in 24 hours.
    let r = put(
        "cap-1",
        capped("cap-1", &patient.nhs_number, (1500.0, "mg")),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let cap: Option<i64> = sqlx::query(
        "SELECT max_amount_24h_milli FROM orders WHERE nhs_number = $1 AND number = 'cap-1'",
    )
    .bind(&patient.nhs_number)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(cap, Some(1_500_000));

    // The chart says it.
    let chart = app
        .req(
            "GET",
            &format!("/v1/patients/{}/medications", patient.nhs_number),
            Some(&common::token("nurse")),
            None,
            b"",
        )
        .await;
    assert_eq!(chart.status, 200, "{}", chart.text());
    let c = chart.json();
    let o = c["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "fhir:cap-1")
        .unwrap_or_else(|| panic!("not on the chart: {c}"))
        .clone();
    assert!(
        o["max_amount_24h"].as_str().unwrap().contains("1.5 g") || o["max_amount_24h"] == "1500 mg",
        "{o}"
    );

    // The first 1 g is within the cap and is recorded.
    let body = json!({
        "patient_scan": patient.wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
    });
    let nurse = common::token("nurse");
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());

    // A second 1 g would make 2 g in 24 hours: stopped, saying how much was given.
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let ev = r.json();
    assert_eq!(ev["outcome"], "stop", "{ev}");
    let max = ev["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "max_24h_reached")
        .unwrap_or_else(|| panic!("no max_24h_reached: {ev}"))
        .clone();
    let message = max["message"].as_str().unwrap();
    assert!(message.contains("in the last 24 hours"), "{message}");
    assert!(
        message.contains("1 g") || message.contains("1000 mg"),
        "{message}"
    );
}
both_backends!(amount_cap, amount_cap);
