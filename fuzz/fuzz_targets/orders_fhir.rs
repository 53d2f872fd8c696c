//! Fuzzes the FHIR side of `bedside-orders`: `fhir::read_medication_request` and
//! `fhir::read_allergy_intolerance` on arbitrary bodies, with the URL id taken from the
//! body's `id` when it has one (so accepted resources are reached), else `x`.
//!
//! Asserts: no panic; every issue has non-empty diagnostics and an expression that
//! starts with the resource type read, or is exactly `$` (the body is not JSON);
//! `operation_outcome` renders them and `http_status` is a 4xx; an accepted resource,
//! written back with `write_*`, reads back equal.
#![no_main]

use bedside_orders::fhir::{
    Issue, http_status, operation_outcome, read_allergy_intolerance, read_medication_request,
    write_allergy_intolerance, write_medication_request,
};
use libfuzzer_sys::fuzz_target;

fn check_issues(issues: &[Issue], resource_type: &str) {
    assert!(!issues.is_empty(), "refused without an issue");
    for i in issues {
        assert!(!i.diagnostics.is_empty(), "{i:?}");
        let e = i.expression.as_str();
        let typed = e == resource_type
            || e.strip_prefix(resource_type)
                .is_some_and(|rest| rest.starts_with('.'));
        assert!(e == "$" || typed, "{i:?}");
    }
    let oo = operation_outcome(issues);
    assert_eq!(
        oo["issue"].as_array().map(Vec::len),
        Some(issues.len()),
        "{oo}"
    );
    assert!((400..500).contains(&http_status(issues)));
}

fuzz_target!(|data: &[u8]| {
    let id = serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "x".to_owned());
    match read_medication_request(data, &id) {
        Ok(order) => {
            let body = serde_json::to_vec(&write_medication_request(&order)).unwrap_or_default();
            assert_eq!(read_medication_request(&body, &id), Ok(order));
        }
        Err(issues) => check_issues(&issues, "MedicationRequest"),
    }
    match read_allergy_intolerance(data, &id) {
        Ok(res) => {
            let body = serde_json::to_vec(&write_allergy_intolerance(&res)).unwrap_or_default();
            assert_eq!(read_allergy_intolerance(&body, &id), Ok(res));
        }
        Err(issues) => check_issues(&issues, "AllergyIntolerance"),
    }
});
