//! `read_medication_request`: the notes' two worked examples, every status, and every
//! refusal as a table of (change, issue type, exact FHIRPath).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fhir_common;

use bedside_orders::fhir::{IssueType, http_status, operation_outcome, read_medication_request};
use bedside_orders::model::{
    Amount, DmdId, Dose, DoseUnit, Max24h, Medication, Order, OrderId, OrderStatus, Route,
    Schedule, TimeOfDay,
};
use fhir_common::{bytes, ms, prn, prn_as_printed, regular, set, where_};
use serde_json::{Value, json};

fn mg(milli: i64) -> Amount {
    Amount {
        milli,
        unit: DoseUnit::Ucum("mg".into()),
    }
}

fn expected_regular() -> Order {
    Order {
        id: OrderId {
            namespace: "fhir".into(),
            number: "ord-778899".into(),
        },
        nhs_number: "9990000018".into(),
        status: OrderStatus::Active,
        medication: Medication {
            code: DmdId("900000011000001100".into()),
            display: Some("Paracetamol 500mg tablets".into()),
        },
        dose: Dose {
            min: mg(1_000_000),
            max_milli: None,
        },
        route: Route {
            snomed: "26643006".into(),
            display: Some("Oral".into()),
        },
        schedule: Schedule::Times(
            [(6, 0), (12, 0), (18, 0), (22, 0)]
                .map(|(hour, minute)| TimeOfDay { hour, minute })
                .to_vec(),
        ),
        starts_at: Some(ms("2025-03-01T10:00:00Z")),
        ends_at: Some(ms("2025-03-08T10:00:00Z")),
        stated_at: Some(ms("2025-03-01T09:12:00Z")),
        text: Some("1 g four times a day, oral".into()),
    }
}

#[test]
fn the_notes_regular_order() {
    let o = read_medication_request(&bytes(&regular()), "ord-778899").unwrap();
    assert_eq!(o, expected_regular());
}

#[test]
fn the_notes_prn_order_with_a_route() {
    let o = read_medication_request(&bytes(&prn()), "ord-778899").unwrap();
    let mut want = expected_regular();
    want.dose = Dose {
        min: mg(2_500),
        max_milli: Some(5_000),
    };
    want.schedule = Schedule::AsNeeded {
        min_interval_minutes: Some(240),
        max_24h: Some(Max24h::Doses(6)),
        reason: Some("for pain".into()),
    };
    want.starts_at = None;
    want.ends_at = None;
    want.text =
        Some("2.5 to 5 mg every 4 hours when required for pain, max 6 doses in 24 hours".into());
    assert_eq!(o, want);
}

#[test]
fn the_notes_prn_dosage_as_printed_lacks_the_required_route() {
    let e = read_medication_request(&bytes(&prn_as_printed()), "ord-778899").unwrap_err();
    assert_eq!(
        where_(&e),
        [(
            IssueType::Required,
            "MedicationRequest.dosageInstruction[0].route"
        )]
    );
}

#[test]
fn prn_variants() {
    // asNeededBoolean, no interval, a cap in mg over 1 d.
    let mut v = prn();
    let d = &mut v["dosageInstruction"][0];
    d.as_object_mut().unwrap().remove("asNeededCodeableConcept");
    d.as_object_mut().unwrap().remove("timing");
    d["asNeededBoolean"] = json!(true);
    d["maxDosePerPeriod"] = json!({
        "numerator": { "value": 20, "system": "http://unitsofmeasure.org", "code": "mg" },
        "denominator": { "value": 1, "system": "http://unitsofmeasure.org", "code": "d" } });
    let o = read_medication_request(&bytes(&v), "ord-778899").unwrap();
    assert_eq!(
        o.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: None,
            max_24h: Some(Max24h::Amount(mg(20_000))),
            reason: None,
        }
    );
    // The reason from a coding's display when there is no text; `{dose}` in UCUM.
    let mut v = prn();
    let d = &mut v["dosageInstruction"][0];
    d["asNeededCodeableConcept"] = json!({ "coding": [{ "system": "http://snomed.info/sct", "code": "22253000", "display": "Pain" }] });
    d["maxDosePerPeriod"]["numerator"] =
        json!({ "value": 4, "system": "http://unitsofmeasure.org", "code": "{dose}" });
    let o = read_medication_request(&bytes(&v), "ord-778899").unwrap();
    assert_eq!(
        o.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: Some(240),
            max_24h: Some(Max24h::Doses(4)),
            reason: Some("Pain".into()),
        }
    );
}

#[test]
fn an_interval_order_and_dmd_units() {
    let mut v = regular();
    let d = &mut v["dosageInstruction"][0];
    d["timing"] = json!({ "repeat": { "frequency": 1, "period": 0.5, "periodUnit": "d" } });
    d["doseAndRate"][0]["doseQuantity"] =
        json!({ "value": 2, "system": "https://dmd.nhs.uk", "code": "428673006" });
    d["maxDosePerPeriod"] = json!({ "numerator": { "value": 2, "unit": "dose" },
        "denominator": { "value": 24, "system": "http://unitsofmeasure.org", "code": "h" } });
    let o = read_medication_request(&bytes(&v), "ord-778899").unwrap();
    assert_eq!(o.schedule, Schedule::Every { minutes: 720 });
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("428673006".into()));
    assert_eq!(o.dose.min.milli, 2_000);
    assert_eq!((o.starts_at, o.ends_at), (None, None));
    // SNOMED unit system too; a date-only bound is the start of that London day (BST).
    let d = &mut v["dosageInstruction"][0];
    d["doseAndRate"][0]["doseQuantity"]["system"] = json!("http://snomed.info/sct");
    d["timing"]["repeat"]["boundsPeriod"] = json!({ "start": "2025-07-01" });
    let o = read_medication_request(&bytes(&v), "ord-778899").unwrap();
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("428673006".into()));
    assert_eq!(o.starts_at, Some(ms("2025-06-30T23:00:00Z")));
}

#[test]
fn every_status() {
    for (code, status) in [
        ("active", OrderStatus::Active),
        ("on-hold", OrderStatus::OnHold),
        ("cancelled", OrderStatus::Cancelled),
        ("stopped", OrderStatus::Stopped),
        ("completed", OrderStatus::Completed),
        ("entered-in-error", OrderStatus::EnteredInError),
    ] {
        let mut v = regular();
        v["status"] = json!(code);
        let o = read_medication_request(&bytes(&v), "ord-778899").unwrap();
        assert_eq!(o.status, status, "{code}");
    }
}

#[test]
fn original_order_intent_is_accepted() {
    let mut v = regular();
    v["intent"] = json!("original-order");
    assert!(read_medication_request(&bytes(&v), "ord-778899").is_ok());
}

/// (what changes at which JSON pointer — `None` removes it — issue type, expression).
type Case = (&'static str, Option<Value>, IssueType, &'static str);

fn cases() -> Vec<Case> {
    use IssueType::*;
    vec![
        (
            "/resourceType",
            Some(json!("Patient")),
            Structure,
            "MedicationRequest.resourceType",
        ),
        (
            "/resourceType",
            None,
            Required,
            "MedicationRequest.resourceType",
        ),
        (
            "/id",
            Some(json!("ord-1")),
            Invariant,
            "MedicationRequest.id",
        ),
        ("/id", Some(json!("ord 1")), Value, "MedicationRequest.id"),
        ("/id", None, Required, "MedicationRequest.id"),
        (
            "/status",
            Some(json!("draft")),
            NotSupported,
            "MedicationRequest.status",
        ),
        (
            "/status",
            Some(json!("unknown")),
            NotSupported,
            "MedicationRequest.status",
        ),
        (
            "/status",
            Some(json!("Active")),
            CodeInvalid,
            "MedicationRequest.status",
        ),
        (
            "/status",
            Some(json!(1)),
            Structure,
            "MedicationRequest.status",
        ),
        (
            "/status",
            Some(json!("")),
            Value,
            "MedicationRequest.status",
        ),
        ("/status", None, Required, "MedicationRequest.status"),
        (
            "/intent",
            Some(json!("plan")),
            NotSupported,
            "MedicationRequest.intent",
        ),
        (
            "/intent",
            Some(json!("instance-order")),
            NotSupported,
            "MedicationRequest.intent",
        ),
        (
            "/intent",
            Some(json!("filler-order")),
            NotSupported,
            "MedicationRequest.intent",
        ),
        (
            "/intent",
            Some(json!("orders")),
            CodeInvalid,
            "MedicationRequest.intent",
        ),
        ("/intent", None, Required, "MedicationRequest.intent"),
        (
            "/doNotPerform",
            Some(json!(true)),
            NotSupported,
            "MedicationRequest.doNotPerform",
        ),
        (
            "/doNotPerform",
            Some(json!("true")),
            Structure,
            "MedicationRequest.doNotPerform",
        ),
        (
            "/modifierExtension",
            Some(json!([{ "url": "https://example.org/x", "valueBoolean": true }])),
            NotSupported,
            "MedicationRequest.modifierExtension",
        ),
        (
            "/medicationReference",
            Some(json!({ "reference": "Medication/m1" })),
            NotSupported,
            "MedicationRequest.medicationReference",
        ),
        (
            "/medicationCodeableConcept",
            None,
            Required,
            "MedicationRequest.medicationCodeableConcept",
        ),
        (
            "/medicationCodeableConcept",
            Some(json!("paracetamol")),
            Structure,
            "MedicationRequest.medicationCodeableConcept",
        ),
        (
            "/medicationCodeableConcept/coding",
            None,
            Required,
            "MedicationRequest.medicationCodeableConcept.coding",
        ),
        (
            "/medicationCodeableConcept/coding",
            Some(json!([])),
            Structure,
            "MedicationRequest.medicationCodeableConcept.coding",
        ),
        (
            "/medicationCodeableConcept/coding/0/system",
            Some(json!("http://snomed.info/sct")),
            CodeInvalid,
            "MedicationRequest.medicationCodeableConcept.coding",
        ),
        (
            "/medicationCodeableConcept/coding/1",
            Some(json!({ "system": "https://dmd.nhs.uk", "code": "39720311000001101" })),
            Invariant,
            "MedicationRequest.medicationCodeableConcept.coding[1]",
        ),
        (
            "/medicationCodeableConcept/coding/1",
            Some(json!("x")),
            Structure,
            "MedicationRequest.medicationCodeableConcept.coding[1]",
        ),
        (
            "/medicationCodeableConcept/coding/0/code",
            Some(json!("01234567")),
            Value,
            "MedicationRequest.medicationCodeableConcept.coding[0].code",
        ),
        (
            "/medicationCodeableConcept/coding/0/code",
            Some(json!("12345")),
            Value,
            "MedicationRequest.medicationCodeableConcept.coding[0].code",
        ),
        (
            "/medicationCodeableConcept/coding/0/code",
            None,
            Required,
            "MedicationRequest.medicationCodeableConcept.coding[0].code",
        ),
        ("/subject", None, Required, "MedicationRequest.subject"),
        (
            "/subject/identifier",
            None,
            Required,
            "MedicationRequest.subject.identifier",
        ),
        (
            "/subject/identifier/system",
            Some(json!("https://fhir.example-trust.nhs.uk/Id/mrn")),
            Value,
            "MedicationRequest.subject.identifier.system",
        ),
        (
            "/subject/identifier/value",
            Some(json!("9990000019")),
            Value,
            "MedicationRequest.subject.identifier.value",
        ),
        (
            "/subject/identifier/value",
            Some(json!("999 000 0018")),
            Value,
            "MedicationRequest.subject.identifier.value",
        ),
        (
            "/subject/identifier/value",
            None,
            Required,
            "MedicationRequest.subject.identifier.value",
        ),
        (
            "/authoredOn",
            Some(json!("2025-03-01T09:12:00")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("2025-03-01 09:12:00Z")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("2025-03")),
            NotSupported,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("2025-02-30")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("0001-01-01T00:00:00+01:00")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("9999-12-31T23:00:00-01:00")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/authoredOn",
            Some(json!("2025-03-01T09:12:00.0001+00:00")),
            Value,
            "MedicationRequest.authoredOn",
        ),
        (
            "/dosageInstruction",
            None,
            Required,
            "MedicationRequest.dosageInstruction",
        ),
        (
            "/dosageInstruction",
            Some(json!([])),
            Structure,
            "MedicationRequest.dosageInstruction",
        ),
        (
            "/dosageInstruction/1",
            Some(regular()["dosageInstruction"][0].clone()),
            NotSupported,
            "MedicationRequest.dosageInstruction[1]",
        ),
        (
            "/dosageInstruction/0/modifierExtension",
            Some(json!([{ "url": "https://example.org/x" }])),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].modifierExtension",
        ),
        (
            "/dosageInstruction/0/maxDosePerAdministration",
            Some(json!({ "value": 1, "system": "http://unitsofmeasure.org", "code": "g" })),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].maxDosePerAdministration",
        ),
        (
            "/dosageInstruction/0/timing",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].timing",
        ),
        (
            "/dosageInstruction/0/timing/repeat",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].timing.repeat",
        ),
        (
            "/dosageInstruction/0/timing/event",
            Some(json!(["2025-03-01T10:00:00Z"])),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.event",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay/1",
            Some(json!("12:00:30")),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[1]",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay/1",
            Some(json!("24:00:00")),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[1]",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay/1",
            Some(json!("12:00")),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[1]",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay/1",
            Some(json!(1200)),
            Structure,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[1]",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay/3",
            Some(json!("06:00:00")),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[3]",
        ),
        (
            "/dosageInstruction/0/timing/repeat/frequency",
            Some(json!(3)),
            Invariant,
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequency",
        ),
        (
            "/dosageInstruction/0/timing/repeat/frequency",
            Some(json!(0)),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequency",
        ),
        (
            "/dosageInstruction/0/timing/repeat/frequency",
            Some(json!(1.5)),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequency",
        ),
        (
            "/dosageInstruction/0/timing/repeat/period",
            Some(json!(2)),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.period",
        ),
        (
            "/dosageInstruction/0/timing/repeat/period",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].timing.repeat.period",
        ),
        (
            "/dosageInstruction/0/timing/repeat/periodUnit",
            Some(json!("wk")),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit",
        ),
        (
            "/dosageInstruction/0/timing/repeat/periodUnit",
            Some(json!("day")),
            CodeInvalid,
            "MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay",
        ),
        (
            "/dosageInstruction/0/timing/repeat/when",
            Some(json!(["MORN"])),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.when",
        ),
        (
            "/dosageInstruction/0/timing/repeat/dayOfWeek",
            Some(json!(["mon"])),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.dayOfWeek",
        ),
        (
            "/dosageInstruction/0/timing/repeat/count",
            Some(json!(3)),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.count",
        ),
        (
            "/dosageInstruction/0/timing/repeat/boundsPeriod/end",
            Some(json!("2025-02-28T10:00:00Z")),
            Invariant,
            "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end",
        ),
        (
            "/dosageInstruction/0/timing/repeat/boundsPeriod/start",
            Some(json!("1 March")),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start",
        ),
        (
            "/dosageInstruction/0/asNeededBoolean",
            Some(json!("yes")),
            Structure,
            "MedicationRequest.dosageInstruction[0].asNeededBoolean",
        ),
        (
            "/dosageInstruction/0/route",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].route",
        ),
        (
            "/dosageInstruction/0/route/coding/0/system",
            Some(json!("http://terminology.hl7.org/CodeSystem/v2-0162")),
            CodeInvalid,
            "MedicationRequest.dosageInstruction[0].route.coding",
        ),
        (
            "/dosageInstruction/0/route/coding/1",
            Some(json!({ "system": "http://snomed.info/sct", "code": "47625008" })),
            Invariant,
            "MedicationRequest.dosageInstruction[0].route.coding[1]",
        ),
        (
            "/dosageInstruction/0/route/coding/0/code",
            Some(json!("PO")),
            Value,
            "MedicationRequest.dosageInstruction[0].route.coding[0].code",
        ),
        (
            "/dosageInstruction/0/doseAndRate",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate",
        ),
        (
            "/dosageInstruction/0/doseAndRate/1",
            Some(json!({ "doseQuantity": { "value": 1 } })),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].doseAndRate[1]",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/rateQuantity",
            Some(json!({ "value": 1, "system": "http://unitsofmeasure.org", "code": "mL/h" })),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].rateQuantity",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseRange",
            Some(json!({ "low": { "value": 1 } })),
            Structure,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!(1000.0001)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!(0)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!(-5)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!(1e300)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!(u64::MAX)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            Some(json!("1000")),
            Structure,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/value",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/system",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.system",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/system",
            Some(json!("https://example.org/units")),
            CodeInvalid,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.system",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/code",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity/comparator",
            Some(json!("<")),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.comparator",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/numerator/value",
            Some(json!(3000)),
            Invariant,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/numerator/code",
            Some(json!("g")),
            Invariant,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.numerator",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/denominator/value",
            Some(json!(12)),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.denominator",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/denominator/system",
            Some(json!("https://example.org/time")),
            CodeInvalid,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.denominator.system",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/denominator",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.denominator",
        ),
    ]
}

#[test]
fn each_refusal_names_its_element_and_type() {
    let mut failures = Vec::new();
    for (pointer, new, code, expression) in cases() {
        let mut v = regular();
        set(&mut v, pointer, new.clone());
        match read_medication_request(&bytes(&v), "ord-778899") {
            Ok(_) => failures.push(format!("{pointer} = {new:?}: accepted")),
            Err(issues) => {
                let got = where_(&issues);
                if got != [(code, expression)] {
                    failures.push(format!(
                        "{pointer} = {new:?}: want [{code:?} {expression}], got {issues:#?}"
                    ));
                }
                assert!(issues.iter().all(|i| !i.diagnostics.is_empty()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn prn_cases() -> Vec<Case> {
    use IssueType::*;
    vec![
        (
            "/dosageInstruction/0/doseAndRate/0/doseRange/high/value",
            Some(json!(2)),
            Invariant,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange.high.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseRange/high/code",
            Some(json!("g")),
            Invariant,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange.high",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseRange/low",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange.low",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseRange/low/value",
            Some(json!(0)),
            Value,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange.low.value",
        ),
        (
            "/dosageInstruction/0/doseAndRate/0/doseQuantity",
            Some(json!({ "value": 5, "system": "http://unitsofmeasure.org", "code": "mg" })),
            Structure,
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseRange",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/numerator/value",
            Some(json!(6.5)),
            Value,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.numerator.value",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/numerator/unit",
            Some(json!("tablets")),
            Required,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.numerator.system",
        ),
        (
            "/dosageInstruction/0/maxDosePerPeriod/denominator/code",
            Some(json!("wk")),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.denominator",
        ),
        (
            "/dosageInstruction/0/timing/repeat/frequency",
            Some(json!(2)),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequency",
        ),
        (
            "/dosageInstruction/0/timing/repeat/period",
            Some(json!(0)),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.period",
        ),
        (
            "/dosageInstruction/0/timing/repeat/period",
            Some(json!(0.001)),
            Value,
            "MedicationRequest.dosageInstruction[0].timing.repeat.period",
        ),
        (
            "/dosageInstruction/0/timing/repeat/periodUnit",
            None,
            Required,
            "MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit",
        ),
        (
            "/dosageInstruction/0/timing/repeat/timeOfDay",
            Some(json!(["08:00:00"])),
            NotSupported,
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[0]",
        ),
        (
            "/dosageInstruction/0/asNeededBoolean",
            Some(json!(true)),
            Structure,
            "MedicationRequest.dosageInstruction[0].asNeededCodeableConcept",
        ),
        (
            "/dosageInstruction/0/asNeededCodeableConcept",
            Some(json!("for pain")),
            Structure,
            "MedicationRequest.dosageInstruction[0].asNeededCodeableConcept",
        ),
    ]
}

#[test]
fn each_prn_refusal_names_its_element_and_type() {
    let mut failures = Vec::new();
    for (pointer, new, code, expression) in prn_cases() {
        let mut v = prn();
        set(&mut v, pointer, new.clone());
        match read_medication_request(&bytes(&v), "ord-778899") {
            Ok(_) => failures.push(format!("{pointer} = {new:?}: accepted")),
            Err(issues) => {
                if where_(&issues) != [(code, expression)] {
                    failures.push(format!(
                        "{pointer} = {new:?}: want [{code:?} {expression}], got {issues:#?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_issue_is_reported_not_only_the_first() {
    let mut v = regular();
    v["status"] = json!("draft");
    v["subject"]["identifier"]["value"] = json!("9990000019");
    v["dosageInstruction"][0]["timing"]["repeat"]["timeOfDay"][2] = json!("18:00:01");
    v["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = json!(0.0005);
    let e = read_medication_request(&bytes(&v), "ord-778899").unwrap_err();
    assert_eq!(
        where_(&e),
        [
            (IssueType::NotSupported, "MedicationRequest.status"),
            (
                IssueType::Value,
                "MedicationRequest.subject.identifier.value"
            ),
            (
                IssueType::Value,
                "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.value"
            ),
            (
                IssueType::Value,
                "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[2]"
            ),
        ]
    );
    assert_eq!(http_status(&e), 400);
    let oo = operation_outcome(&e);
    assert_eq!(oo["resourceType"], "OperationOutcome");
    assert_eq!(oo["issue"].as_array().unwrap().len(), 4);
    assert_eq!(oo["issue"][0]["severity"], "error");
    assert_eq!(oo["issue"][0]["code"], "not-supported");
    assert_eq!(oo["issue"][0]["expression"][0], "MedicationRequest.status");
}

#[test]
fn http_status_is_422_for_rule_refusals() {
    let mut v = regular();
    v["status"] = json!("draft");
    let e = read_medication_request(&bytes(&v), "ord-778899").unwrap_err();
    assert_eq!(http_status(&e), 422);
    let mut v = regular();
    v["intent"] = json!(7);
    let e = read_medication_request(&bytes(&v), "ord-778899").unwrap_err();
    assert_eq!(http_status(&e), 400);
}

#[test]
fn the_url_id_must_be_a_fhir_id_and_match() {
    let e = read_medication_request(&bytes(&regular()), "ord/778899").unwrap_err();
    assert_eq!(
        where_(&e),
        [
            (IssueType::Value, "MedicationRequest.id"),
            (IssueType::Invariant, "MedicationRequest.id")
        ]
    );
}

#[test]
fn bodies_that_are_not_a_resource() {
    for (body, code, expr) in [
        (&b""[..], IssueType::Structure, "$"),
        (b"{", IssueType::Structure, "$"),
        (b"\xff\xfe", IssueType::Structure, "$"),
        (b"[1, 2]", IssueType::Structure, "MedicationRequest"),
        (b"null", IssueType::Structure, "MedicationRequest"),
        (b"{}", IssueType::Required, "MedicationRequest.resourceType"),
        (
            br#"{"resourceType": 1}"#,
            IssueType::Structure,
            "MedicationRequest.resourceType",
        ),
    ] {
        let e = read_medication_request(body, "x").unwrap_err();
        assert_eq!(where_(&e), [(code, expr)], "{body:?}");
    }
    // FHIR JSON has no duplicate keys; serde_json alone would keep the last `status`.
    let twice =
        br#"{"resourceType":"MedicationRequest","id":"x","status":"active","status":"stopped"}"#;
    let e = read_medication_request(twice, "x").unwrap_err();
    assert_eq!(where_(&e), [(IssueType::Structure, "$")]);
    assert!(
        e[0].diagnostics.contains("duplicate key \"status\""),
        "{e:?}"
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = read_medication_request(deep.as_bytes(), "x").unwrap_err();
    assert_eq!(where_(&e), [(IssueType::Structure, "$")]);
    let mut v = regular();
    v["dosageInstruction"][0]["text"] = json!("x".repeat(1_000_000));
    assert!(read_medication_request(&bytes(&v), "ord-778899").is_ok());
    let big = br#"{"resourceType":"MedicationRequest","id":"a","status":"active","intent":"order","dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":1e999999}}]}]}"#;
    let e = read_medication_request(big, "a").unwrap_err();
    assert_eq!(where_(&e), [(IssueType::Structure, "$")]);
}

#[test]
fn exact_decimals() {
    for (value, milli) in [
        (json!(2.5), Some(2_500)),
        (json!(0.125), Some(125)),
        (json!(0.1), Some(100)),
        (json!(12.345), Some(12_345)),
        (json!(2.50), Some(2_500)),
        (
            json!(9_000_000_000_000_000i64),
            Some(9_000_000_000_000_000_000),
        ),
        (json!(10_000_000_000_000_000i64), None),
    ] {
        let mut v = regular();
        let d = &mut v["dosageInstruction"][0];
        d.as_object_mut().unwrap().remove("maxDosePerPeriod");
        d["doseAndRate"][0]["doseQuantity"]["value"] = value.clone();
        let r = read_medication_request(&bytes(&v), "ord-778899");
        match milli {
            Some(m) => assert_eq!(r.unwrap().dose.min.milli, m, "{value}"),
            None => assert!(r.is_err(), "{value}"),
        }
    }
    // Text the reader sees: 0.1 + 0.2 is not written by anyone, but 0.30000000000000004 is
    // finer than a thousandth and refused.
    let mut v = regular();
    v["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = json!(0.1 + 0.2);
    assert!(read_medication_request(&bytes(&v), "ord-778899").is_err());
}
