//! The notes' worked examples (docs/notes medicines-integration §2.7) and helpers shared
//! by the FHIR tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use bedside_orders::fhir::{Issue, IssueType};
use serde_json::{Value, json};

/// The regular order of §2.7, as written there.
pub fn regular() -> Value {
    json!({ "resourceType": "MedicationRequest", "id": "ord-778899",
      "meta": { "profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationRequest"] },
      "identifier": [{ "system": "https://fhir.example-trust.nhs.uk/Id/epma-order", "value": "ORD-778899" }],
      "status": "active", "intent": "order",
      "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "inpatient" }] }],
      "medicationCodeableConcept": { "coding": [{ "system": "https://dmd.nhs.uk", "code": "900000011000001100",
                                                  "display": "Paracetamol 500mg tablets" }], "text": "Paracetamol 500mg tablets" },
      "subject": { "reference": "Patient/p-1", "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018" } },
      "authoredOn": "2025-03-01T09:12:00+00:00",
      "requester": { "identifier": { "system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "C1234567" } },
      "dosageInstruction": [{
        "text": "1 g four times a day, oral",
        "timing": { "repeat": { "boundsPeriod": { "start": "2025-03-01T10:00:00+00:00", "end": "2025-03-08T10:00:00+00:00" },
          "frequency": 4, "period": 1, "periodUnit": "d", "timeOfDay": ["06:00:00", "12:00:00", "18:00:00", "22:00:00"] } },
        "route": { "coding": [{ "system": "http://snomed.info/sct", "code": "26643006", "display": "Oral" }] },
        "doseAndRate": [{ "doseQuantity": { "value": 1000, "unit": "milligram", "system": "http://unitsofmeasure.org", "code": "mg" } }],
        "maxDosePerPeriod": { "numerator": { "value": 4000, "system": "http://unitsofmeasure.org", "code": "mg" },
                              "denominator": { "value": 24, "system": "http://unitsofmeasure.org", "code": "h" } } }],
      "substitution": { "allowedBoolean": false } })
}

/// The PRN `dosageInstruction[0]` of §2.7, as written there (it has no route).
pub fn prn_dosage() -> Value {
    json!({ "text": "2.5 to 5 mg every 4 hours when required for pain, max 6 doses in 24 hours",
      "timing": { "repeat": { "frequency": 1, "period": 4, "periodUnit": "h" } },
      "asNeededCodeableConcept": { "text": "for pain" },
      "doseAndRate": [{ "doseRange": { "low":  { "value": 2.5, "system": "http://unitsofmeasure.org", "code": "mg" },
                                        "high": { "value": 5,   "system": "http://unitsofmeasure.org", "code": "mg" } } }],
      "maxDosePerPeriod": { "numerator": { "value": 6, "unit": "dose" }, "denominator": { "value": 24, "system": "http://unitsofmeasure.org", "code": "h" } } })
}

/// The regular order with the PRN dosage, as printed (no route).
pub fn prn_as_printed() -> Value {
    let mut v = regular();
    v["dosageInstruction"][0] = prn_dosage();
    v
}

/// The regular order with the PRN dosage and the regular one's oral route.
pub fn prn() -> Value {
    let mut v = prn_as_printed();
    v["dosageInstruction"][0]["route"] = regular()["dosageInstruction"][0]["route"].clone();
    v
}

/// Sets (or with `None` removes) the element at a JSON pointer; the parent must exist.
pub fn set(v: &mut Value, pointer: &str, new: Option<Value>) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let p = v
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent {parent}"));
    match (p, new) {
        (Value::Object(m), Some(n)) => {
            m.insert(key.to_owned(), n);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(n)) => {
            let i: usize = key.parse().unwrap();
            if i == a.len() {
                a.push(n);
            } else {
                a[i] = n;
            }
        }
        (Value::Array(a), None) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{parent} is not a container"),
    }
}

/// Unix ms of an RFC 3339 instant.
pub fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// `(code, expression)` of each issue.
pub fn where_(issues: &[Issue]) -> Vec<(IssueType, &str)> {
    issues
        .iter()
        .map(|i| (i.code, i.expression.as_str()))
        .collect()
}

/// A body.
pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// An AllergyIntolerance with a SNOMED substance (the UK Core amoxicillin example's
/// shape), active.
pub fn amoxicillin() -> Value {
    json!({ "resourceType": "AllergyIntolerance", "id": "alg-1",
      "meta": { "profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-AllergyIntolerance"] },
      "clinicalStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active" }] },
      "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed" }] },
      "type": "allergy", "category": ["medication"], "criticality": "high",
      "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "372687004", "display": "Amoxicillin" }] },
      "patient": { "reference": "Patient/p-1", "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" } },
      "reaction": [{ "manifestation": [{ "coding": [{ "system": "http://snomed.info/sct", "code": "247472004", "display": "Urticaria" }] }],
                     "severity": "mild" }] })
}
