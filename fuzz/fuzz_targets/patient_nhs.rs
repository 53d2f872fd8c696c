//! Fuzzes the patient identifier parsers of `bedside-patient`:
//! `NhsNumber::parse` (both test-data policies), `NhsNumber::parse_compact`,
//! `NhsNumber::from_str` and `parse_gsrn`.
//!
//! Asserts: no panic; an accepted NHS number is 10 ASCII digits, re-parses
//! from both its display and compact forms to the same number, and is
//! accepted with test data allowed whenever it is accepted with test data
//! refused (and then is not a test number); `from_str` agrees with
//! `parse(.., Reject)`; an accepted GSRN re-parses from its own text.
//! Non-UTF-8 inputs are skipped.
#![no_main]

use bedside_patient::{NhsGsrn, NhsNumber, TestData, parse_gsrn};
use libfuzzer_sys::fuzz_target;

fn check_nhs(n: &NhsNumber) {
    let s = n.as_str();
    assert!(s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()), "NHS number {s:?} is not 10 digits");
    assert_eq!(NhsNumber::parse_compact(s, TestData::Allow), Ok(*n), "compact form does not re-parse");
    assert_eq!(NhsNumber::parse(&n.to_string(), TestData::Allow), Ok(*n), "display form does not re-parse");
    let _ = n.issuing_range();
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let reject = NhsNumber::parse(text, TestData::Reject);
    let allow = NhsNumber::parse(text, TestData::Allow);
    assert_eq!(text.parse::<NhsNumber>(), reject, "from_str disagrees with parse(Reject)");
    if let Ok(n) = &reject {
        assert!(!n.is_test(), "a test-range number passed with TestData::Reject");
        assert_eq!(allow.as_ref(), Ok(n), "accepted with Reject but not with Allow");
    }
    if let Ok(n) = &allow {
        check_nhs(n);
    }
    for policy in [TestData::Reject, TestData::Allow] {
        if let Ok(n) = NhsNumber::parse_compact(text, policy) {
            check_nhs(&n);
            assert_eq!(n.as_str(), text, "compact parse changed the digits");
        }
    }
    if let Ok(g) = parse_gsrn(text) {
        assert_eq!(parse_gsrn(g.as_str()), Ok(g), "GSRN does not re-parse from its text");
        let _ = g.company_prefix();
        let _ = g.service_reference();
    }
});
