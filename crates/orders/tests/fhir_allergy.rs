//! `read_allergy_intolerance`: substances in dm+d and SNOMED CT, "no known drug allergy"
//! as a positive statement (never confused with nothing recorded), entered-in-error,
//! every clinical status, and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fhir_common;

use bedside_orders::fhir::{
    AllergyEntry, AllergyResource, IssueType, read_allergy_intolerance, write_allergy_intolerance,
};
use bedside_orders::model::{Allergy, AllergyClinicalStatus, Criticality, SubstanceSystem};
use fhir_common::{amoxicillin, bytes, set, where_};
use serde_json::{Value, json};

fn read(v: &Value) -> Result<AllergyResource, Vec<bedside_orders::fhir::Issue>> {
    read_allergy_intolerance(&bytes(v), "alg-1")
}

#[test]
fn a_snomed_substance() {
    let r = read(&amoxicillin()).unwrap();
    assert_eq!(
        r,
        AllergyResource {
            id: "alg-1".into(),
            nhs_number: "9434765919".into(),
            statement: AllergyEntry::Allergy(Allergy {
                id: "alg-1".into(),
                system: SubstanceSystem::Snomed,
                code: "372687004".into(),
                display: Some("Amoxicillin".into()),
                clinical_status: AllergyClinicalStatus::Active,
                criticality: Criticality::High,
                reactions: vec!["Urticaria".into()],
            }),
        }
    );
}

#[test]
fn a_dmd_substance_wins_over_a_snomed_coding() {
    let mut v = amoxicillin();
    v["code"]["coding"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "system": "https://dmd.nhs.uk", "code": "39732311000001104", "display": "Amoxicillin 500mg capsules" }));
    v["reaction"] = json!([
        { "manifestation": [{ "text": "rash" }, { "coding": [{ "system": "http://snomed.info/sct", "code": "39579001" }] }] },
        { "manifestation": [{ "text": "wheeze" }] }]);
    v.as_object_mut().unwrap().remove("criticality");
    let AllergyEntry::Allergy(a) = read(&v).unwrap().statement else {
        panic!("not an allergy")
    };
    assert_eq!(a.system, SubstanceSystem::Dmd);
    assert_eq!(a.code, "39732311000001104");
    assert_eq!(a.display.as_deref(), Some("Amoxicillin 500mg capsules"));
    assert_eq!(a.criticality, Criticality::UnableToAssess);
    assert_eq!(a.reactions, ["rash", "39579001", "wheeze"]);
}

#[test]
fn inactive_and_resolved() {
    for (code, status) in [
        ("inactive", AllergyClinicalStatus::Inactive),
        ("resolved", AllergyClinicalStatus::Resolved),
    ] {
        let mut v = amoxicillin();
        v["clinicalStatus"]["coding"][0]["code"] = json!(code);
        let AllergyEntry::Allergy(a) = read(&v).unwrap().statement else {
            panic!("not an allergy")
        };
        assert_eq!(a.clinical_status, status);
    }
}

#[test]
fn no_known_drug_allergy_is_a_positive_statement() {
    for code in ["409137002", "716186003"] {
        let mut v = amoxicillin();
        v["code"] = json!({ "coding": [{ "system": "http://snomed.info/sct", "code": code }] });
        v.as_object_mut().unwrap().remove("reaction");
        let r = read(&v).unwrap();
        assert_eq!(r.statement, AllergyEntry::NoneKnown, "{code}");
        assert_eq!(r.nhs_number, "9434765919");
    }
}

#[test]
fn nothing_coded_is_never_none_known() {
    // No code at all: refused, not read as "none known".
    let mut v = amoxicillin();
    v.as_object_mut().unwrap().remove("code");
    let e = read(&v).unwrap_err();
    assert_eq!(
        where_(&e),
        [(IssueType::Required, "AllergyIntolerance.code")]
    );
    // Text only ("NKDA" typed by a person): refused; only the SNOMED codes say "none known".
    v["code"] = json!({ "text": "NKDA" });
    let e = read(&v).unwrap_err();
    assert_eq!(
        where_(&e),
        [(IssueType::CodeInvalid, "AllergyIntolerance.code.coding")]
    );
    // The no-known-allergy code in dm+d's system, or beside a dm+d substance: contradictory.
    v["code"] = json!({ "coding": [{ "system": "https://dmd.nhs.uk", "code": "409137002" }] });
    let e = read(&v).unwrap_err();
    assert_eq!(
        where_(&e),
        [(IssueType::Invariant, "AllergyIntolerance.code.coding")]
    );
    v["code"] = json!({ "coding": [
        { "system": "https://dmd.nhs.uk", "code": "39732311000001104" },
        { "system": "http://snomed.info/sct", "code": "716186003" }] });
    let e = read(&v).unwrap_err();
    assert_eq!(
        where_(&e),
        [(IssueType::Invariant, "AllergyIntolerance.code.coding")]
    );
}

#[test]
fn an_inactive_none_known_is_refused() {
    let mut v = amoxicillin();
    v["code"] = json!({ "coding": [{ "system": "http://snomed.info/sct", "code": "409137002" }] });
    v["clinicalStatus"]["coding"][0]["code"] = json!("inactive");
    let e = read(&v).unwrap_err();
    assert_eq!(
        where_(&e),
        [(IssueType::NotSupported, "AllergyIntolerance.clinicalStatus")]
    );
}

#[test]
fn entered_in_error_needs_no_code_or_clinical_status() {
    let v = json!({ "resourceType": "AllergyIntolerance", "id": "alg-1",
        "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "entered-in-error" }] },
        "patient": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" } } });
    let r = read(&v).unwrap();
    assert_eq!(r.statement, AllergyEntry::EnteredInError);
    // Still needs the patient and the matching id.
    let mut w = v.clone();
    w["patient"]["identifier"]["value"] = json!("9434765918");
    assert_eq!(
        where_(&read(&w).unwrap_err()),
        [(
            IssueType::Value,
            "AllergyIntolerance.patient.identifier.value"
        )]
    );
    assert_eq!(
        where_(&read_allergy_intolerance(&bytes(&v), "alg-2").unwrap_err()),
        [(IssueType::Invariant, "AllergyIntolerance.id")]
    );
}

type Case = (&'static str, Option<Value>, IssueType, &'static str);

fn cases() -> Vec<Case> {
    use IssueType::*;
    vec![
        (
            "/resourceType",
            Some(json!("MedicationRequest")),
            Structure,
            "AllergyIntolerance.resourceType",
        ),
        ("/id", None, Required, "AllergyIntolerance.id"),
        ("/patient", None, Required, "AllergyIntolerance.patient"),
        (
            "/patient/identifier",
            None,
            Required,
            "AllergyIntolerance.patient.identifier",
        ),
        (
            "/patient/identifier/system",
            Some(json!("https://example.org/mrn")),
            Value,
            "AllergyIntolerance.patient.identifier.system",
        ),
        (
            "/clinicalStatus",
            None,
            Required,
            "AllergyIntolerance.clinicalStatus",
        ),
        (
            "/clinicalStatus/coding/0/code",
            Some(json!("current")),
            CodeInvalid,
            "AllergyIntolerance.clinicalStatus.coding[0].code",
        ),
        (
            "/clinicalStatus/coding/0/system",
            Some(json!("https://example.org/status")),
            CodeInvalid,
            "AllergyIntolerance.clinicalStatus.coding",
        ),
        (
            "/verificationStatus/coding/0/code",
            Some(json!("refuted")),
            NotSupported,
            "AllergyIntolerance.verificationStatus.coding[0].code",
        ),
        (
            "/verificationStatus/coding/0/code",
            Some(json!("presumed")),
            CodeInvalid,
            "AllergyIntolerance.verificationStatus.coding[0].code",
        ),
        (
            "/criticality",
            Some(json!("medium")),
            CodeInvalid,
            "AllergyIntolerance.criticality",
        ),
        (
            "/code/coding/0/system",
            Some(json!("http://read.info/ctv3")),
            CodeInvalid,
            "AllergyIntolerance.code.coding",
        ),
        (
            "/code/coding/0/code",
            Some(json!("amoxicillin")),
            Value,
            "AllergyIntolerance.code.coding[0].code",
        ),
        (
            "/code/coding",
            Some(json!([])),
            Structure,
            "AllergyIntolerance.code.coding",
        ),
        (
            "/reaction/0/manifestation",
            None,
            Required,
            "AllergyIntolerance.reaction[0].manifestation",
        ),
        (
            "/reaction/0/manifestation/0",
            Some(json!({ "coding": [{ "system": "http://snomed.info/sct" }] })),
            Required,
            "AllergyIntolerance.reaction[0].manifestation[0]",
        ),
        (
            "/modifierExtension",
            Some(json!([{ "url": "https://example.org/x" }])),
            NotSupported,
            "AllergyIntolerance.modifierExtension",
        ),
    ]
}

#[test]
fn each_refusal_names_its_element_and_type() {
    let mut failures = Vec::new();
    for (pointer, new, code, expression) in cases() {
        let mut v = amoxicillin();
        set(&mut v, pointer, new.clone());
        match read(&v) {
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
fn written_allergies_read_back() {
    let allergy = |system, clinical_status, criticality, reactions: Vec<String>| Allergy {
        id: "alg-9".into(),
        system,
        code: "39732311000001104".into(),
        display: Some("Amoxicillin 500mg capsules".into()),
        clinical_status,
        criticality,
        reactions,
    };
    let statements = [
        AllergyEntry::NoneKnown,
        AllergyEntry::EnteredInError,
        AllergyEntry::Allergy(allergy(
            SubstanceSystem::Dmd,
            AllergyClinicalStatus::Active,
            Criticality::High,
            vec!["anaphylaxis".into(), "rash".into()],
        )),
        AllergyEntry::Allergy(allergy(
            SubstanceSystem::Snomed,
            AllergyClinicalStatus::Resolved,
            Criticality::Low,
            vec![],
        )),
        AllergyEntry::Allergy(allergy(
            SubstanceSystem::Dmd,
            AllergyClinicalStatus::Inactive,
            Criticality::UnableToAssess,
            vec!["nausea".into()],
        )),
    ];
    for statement in statements {
        let res = AllergyResource {
            id: "alg-9".into(),
            nhs_number: "9434765919".into(),
            statement,
        };
        let v = write_allergy_intolerance(&res);
        assert_eq!(
            read_allergy_intolerance(&bytes(&v), "alg-9").unwrap(),
            res,
            "{v}"
        );
    }
}
