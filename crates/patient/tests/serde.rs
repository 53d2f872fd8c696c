//! Serde round trips of the public types (run with `--features serde`, as CI does with
//! `--all-features`).
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedside_patient::synthetic::Generator;
use bedside_patient::{
    Date, DateOfBirth, Demographics, DomainTable, GsrnPrefix, HospitalNumber, IdentifierDomain,
    NhsNumber, Policy, TestData, Wristband,
};

#[test]
fn nhs_number_is_a_ten_character_string() {
    let n = NhsNumber::parse("943 476 5919", TestData::Reject).unwrap();
    assert_eq!(serde_json::to_string(&n).unwrap(), r#""9434765919""#);
    assert_eq!(
        serde_json::from_str::<NhsNumber>(r#""9434765919""#).unwrap(),
        n
    );
    // Only the compact form, no integers, no spaces, no test numbers by default.
    assert!(serde_json::from_str::<NhsNumber>("9434765919").is_err());
    assert!(serde_json::from_str::<NhsNumber>(r#""943 476 5919""#).is_err());
    assert!(serde_json::from_str::<NhsNumber>(r#""9434765918""#).is_err());
    assert!(serde_json::from_str::<NhsNumber>(r#""9990001235""#).is_err());
}

#[test]
fn demographics_round_trip_and_validate() {
    for p in Generator::new(7).take(50) {
        let json = serde_json::to_string(&p.demographics).unwrap();
        let back: Demographics = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p.demographics);
    }
    let bad = r#"{"family":"A","given":"B","date_of_birth":{"date":{"year":2023,"month":2,"day":29},"time":null},"sex":"Male"}"#;
    assert!(serde_json::from_str::<Demographics>(bad).is_err());
    let dob = DateOfBirth::from_date(Date::new(1980, 1, 18).unwrap());
    let json = serde_json::to_string(&dob).unwrap();
    assert_eq!(serde_json::from_str::<DateOfBirth>(&json).unwrap(), dob);
}

#[test]
fn domain_table_round_trip_rejects_conflicts() {
    let mut t = DomainTable::with_nhs_number();
    t.insert(IdentifierDomain::example_trust_mrn()).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let back: DomainTable = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    // The same domain twice is refused on load.
    let nhs = serde_json::to_string(&IdentifierDomain::nhs_number()).unwrap();
    let dup = format!(r#"{{"domains":[{nhs},{nhs}]}}"#);
    assert!(serde_json::from_str::<DomainTable>(&dup).is_err());
    // Invalid OIDs are refused on load.
    let bad = json.replace("2.999.826.0.1.1", "2.999.826.01.1");
    assert!(serde_json::from_str::<DomainTable>(&bad).is_err());
}

#[test]
fn hospital_number_round_trip() {
    let m = HospitalNumber::new("K1234567", &IdentifierDomain::example_trust_mrn()).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(serde_json::from_str::<HospitalNumber>(&json).unwrap(), m);
    let bad = json.replace("K1234567", "K12^4567");
    assert!(serde_json::from_str::<HospitalNumber>(&bad).is_err());
}

#[test]
fn wristband_serialises_without_panicking() {
    let p = Generator::new(3).next().unwrap();
    let els = p.wristband_elements(&GsrnPrefix::EXAMPLE);
    let band = Wristband::from_elements(els.iter().map(|(a, v)| (*a, v.as_str())), &Policy::demo())
        .unwrap();
    let json = serde_json::to_string(&band).unwrap();
    assert!(json.contains(p.nhs_number.as_str()));
}
