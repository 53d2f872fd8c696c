//! An independent FHIR implementation judges this crate's output and writes its input:
//! PyPI `fhir.resources` (pinned in `.ci/requirements.txt`; its R4B models, which are R4's
//! for these resources) through `tests/peers/validate_fhir.py`.
//!
//! A missing `python3` or `fhir.resources` fails these tests: they are never skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fhir_common;

use std::io::Write;
use std::process::{Command, Stdio};

use bedside_orders::fhir::{
    AllergyEntry, AllergyResource, operation_outcome, read_allergy_intolerance,
    read_medication_request, search_bundle, write_allergy_intolerance, write_medication_request,
};
use bedside_orders::model::{
    Allergy, AllergyClinicalStatus, Criticality, DoseUnit, Max24h, OrderStatus, Schedule,
    SubstanceSystem, TimeOfDay,
};
use fhir_common::{amoxicillin, bytes, prn, prn_as_printed, regular};
use serde_json::{Value, json};

/// Runs the peer with `args`, `stdin`; its stdout and whether it exited 0.
fn peer(args: &[&str], stdin: &[u8]) -> (String, bool) {
    let script = format!(
        "{}/tests/peers/validate_fhir.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut child = Command::new("python3")
        .arg(&script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it and `pip install -r .ci/requirements.txt`")
        });
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if stdout.trim().is_empty() {
        panic!(
            "the peer printed nothing (is fhir.resources installed? `pip install -r .ci/requirements.txt`):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (stdout, out.status.success())
}

fn validate(resources: &[Value]) -> (Value, bool) {
    let (out, ok) = peer(&[], &bytes(&Value::Array(resources.to_vec())));
    (serde_json::from_str(out.trim()).unwrap(), ok)
}

#[test]
fn everything_written_validates_as_r4() {
    let mut orders = Vec::new();
    for (v, id) in [(regular(), "ord-778899"), (prn(), "ord-778899")] {
        orders.push(read_medication_request(&bytes(&v), id).unwrap());
    }
    for status in [
        OrderStatus::OnHold,
        OrderStatus::Cancelled,
        OrderStatus::Stopped,
        OrderStatus::Completed,
        OrderStatus::EnteredInError,
    ] {
        let mut o = orders[0].clone();
        o.status = status;
        o.id.number = format!("s-{}", status.as_str());
        orders.push(o);
    }
    let mut every = orders[0].clone();
    every.id.number = "every".into();
    every.schedule = Schedule::Every { minutes: 90 };
    every.dose.min.unit = DoseUnit::Dmd("428673006".into());
    every.text = None;
    every.medication.display = None;
    every.route.display = None;
    orders.push(every);
    let mut bare_prn = orders[1].clone();
    bare_prn.id.number = "bare-prn".into();
    bare_prn.schedule = Schedule::AsNeeded {
        min_interval_minutes: None,
        max_24h: Some(Max24h::Amount(orders[1].dose.min.clone())),
        reason: None,
    };
    bare_prn.starts_at = Some(0);
    bare_prn.stated_at = Some(1_741_000_000_123);
    orders.push(bare_prn);

    let written: Vec<Value> = orders.iter().map(write_medication_request).collect();

    let allergy = Allergy {
        id: "alg-1".into(),
        system: SubstanceSystem::Dmd,
        code: "39732311000001104".into(),
        display: Some("Amoxicillin 500mg capsules".into()),
        clinical_status: AllergyClinicalStatus::Resolved,
        criticality: Criticality::High,
        reactions: vec!["anaphylaxis".into(), "rash".into()],
    };
    let allergies: Vec<Value> = [
        AllergyEntry::Allergy(allergy),
        AllergyEntry::NoneKnown,
        AllergyEntry::EnteredInError,
    ]
    .into_iter()
    .map(|statement| {
        write_allergy_intolerance(&AllergyResource {
            id: "alg-1".into(),
            nhs_number: "9434765919".into(),
            statement,
        })
    })
    .collect();

    let mut outcomes = vec![operation_outcome(&[])];
    for body in [
        bytes(&prn_as_printed()),
        b"{".to_vec(),
        br#"{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"plan"}"#
            .to_vec(),
    ] {
        outcomes.push(operation_outcome(
            &read_medication_request(&body, "x").unwrap_err(),
        ));
    }
    let mut bad_allergy = amoxicillin();
    bad_allergy["criticality"] = json!("medium");
    outcomes.push(operation_outcome(
        &read_allergy_intolerance(&bytes(&bad_allergy), "alg-1").unwrap_err(),
    ));

    let bundle = search_bundle(&written, "https://bedside.example.nhs.uk/fhir");
    let empty = search_bundle(&[], "https://bedside.example.nhs.uk/fhir");

    let mut all = written.clone();
    all.extend(allergies);
    all.extend(outcomes);
    all.push(bundle);
    all.push(empty);
    let (report, ok) = validate(&all);
    assert!(ok, "{report:#}");
    // Every resource, and the bundle's entries again.
    let n = all.len() + written.len();
    assert_eq!(report["resources"], n, "{report:#}");
}

#[test]
fn the_peer_is_not_vacuous() {
    let o = read_medication_request(&bytes(&regular()), "ord-778899").unwrap();
    let good = write_medication_request(&o);
    let mut no_status = good.clone();
    no_status.as_object_mut().unwrap().remove("status");
    let mut r5_shape = good.clone();
    let concept = r5_shape
        .as_object_mut()
        .unwrap()
        .remove("medicationCodeableConcept")
        .unwrap();
    r5_shape["medication"] = json!({ "concept": concept });
    let mut bad_issue = operation_outcome(&[]);
    bad_issue["issue"][0]["code"] = json!("oops");
    for bad in [no_status, r5_shape, bad_issue] {
        let (report, ok) = validate(&[good.clone(), bad.clone()]);
        assert!(!ok, "accepted {bad:#}");
        assert!(!report["errors"].as_array().unwrap().is_empty());
    }
}

#[test]
fn resources_built_by_fhir_resources_are_read() {
    let (out, ok) = peer(&["build"], b"");
    assert!(ok, "{out}");
    let built: Vec<Value> = serde_json::from_str(out.trim()).unwrap();
    let by_id = |id: &str| {
        built
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {out}"))
    };

    let o = read_medication_request(&bytes(by_id("py-regular")), "py-regular").unwrap();
    assert_eq!(o.nhs_number, "9434765919");
    assert_eq!(o.medication.code.0, "39720311000001101");
    assert_eq!(o.dose.min.milli, 1_000_000);
    assert_eq!(
        o.schedule,
        Schedule::Times(vec![
            TimeOfDay { hour: 8, minute: 0 },
            TimeOfDay {
                hour: 20,
                minute: 0
            }
        ])
    );
    assert_eq!(o.starts_at, Some(fhir_common::ms("2025-03-01T10:00:00Z")));
    assert_eq!(o.stated_at, Some(fhir_common::ms("2025-03-01T09:12:00Z")));

    let o = read_medication_request(&bytes(by_id("py-prn")), "py-prn").unwrap();
    assert_eq!(o.status, OrderStatus::OnHold);
    assert_eq!((o.dose.min.milli, o.dose.max_milli), (2_500, Some(5_000)));
    assert_eq!(
        o.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: Some(240),
            max_24h: Some(Max24h::Doses(6)),
            reason: Some("for pain".into())
        }
    );

    let o = read_medication_request(&bytes(by_id("py-every")), "py-every").unwrap();
    assert_eq!(o.schedule, Schedule::Every { minutes: 480 });
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("258684004".into()));
    assert_eq!(o.route.snomed, "47625008");

    let a = read_allergy_intolerance(&bytes(by_id("py-allergy")), "py-allergy").unwrap();
    let AllergyEntry::Allergy(a) = a.statement else {
        panic!("not an allergy")
    };
    assert_eq!(
        (a.system, a.code.as_str(), a.criticality),
        (SubstanceSystem::Snomed, "372687004", Criticality::High)
    );
    assert_eq!(a.reactions, ["Urticaria"]);
}
