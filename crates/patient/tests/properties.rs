//! Property tests: generated valid numbers always parse, no input panics, display -> parse
//! and serde round trips, wristband view never panics and fails closed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedside_patient::synthetic::Generator;
use bedside_patient::{
    DomainTable, GsrnPrefix, IdentifierDomain, NameKey, NhsNumber, NhsNumberError, Policy,
    TestData, Wristband, percent_decode, percent_encode,
};
use proptest::prelude::*;

/// Modulus-11 check value computed independently of the crate (None = 10, invalid).
fn reference_check(first9: &[u8]) -> Option<u8> {
    let sum: u32 = first9
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        v => Some(v as u8),
    }
}

fn digits_string(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every 9-digit prefix with a check value other than 10 yields a number that parses
    /// (unless repdigit); every other final digit is rejected.
    #[test]
    fn mod11_generated_numbers_parse(first9 in proptest::collection::vec(0u8..10, 9)) {
        let s9 = digits_string(&first9);
        match reference_check(&first9) {
            None => {
                for d in 0..10u8 {
                    let s = format!("{s9}{d}");
                    let rejected = matches!(
                        NhsNumber::parse(&s, TestData::Allow),
                        Err(NhsNumberError::CheckValueTen { .. } | NhsNumberError::Repdigit { .. })
                    );
                    prop_assert!(rejected, "{}", s);
                }
            }
            Some(c) => {
                let s = format!("{s9}{c}");
                let repdigit = s.bytes().all(|b| b == s.as_bytes()[0]);
                let parsed = NhsNumber::parse(&s, TestData::Allow);
                if repdigit {
                    prop_assert!(matches!(parsed, Err(NhsNumberError::Repdigit { .. })), "{}", s);
                } else {
                    let n = parsed.unwrap();
                    prop_assert_eq!(n.as_str(), s.as_str());
                    prop_assert_eq!(n.is_test(), s.starts_with("999"));
                    // The test range is refused without permission, and only it.
                    let strict = NhsNumber::parse(&s, TestData::Reject);
                    prop_assert_eq!(strict.is_err(), n.is_test());
                }
                for wrong in (0..10u8).filter(|&d| d != c) {
                    let s = format!("{s9}{wrong}");
                    prop_assert!(NhsNumber::parse(&s, TestData::Allow).is_err());
                }
            }
        }
    }

    /// Display -> parse is the identity, compact and spaced.
    #[test]
    fn display_parse_round_trip(seed in any::<u64>()) {
        let n = Generator::new(seed).nhs_number();
        let shown = n.to_string();
        prop_assert_eq!(shown.len(), 12);
        prop_assert_eq!(NhsNumber::parse(&shown, TestData::Allow).unwrap(), n);
        prop_assert_eq!(NhsNumber::parse(n.as_str(), TestData::Allow).unwrap(), n);
        prop_assert_eq!(NhsNumber::parse_compact(n.as_str(), TestData::Allow).unwrap(), n);
    }

    /// No input panics the parsers.
    #[test]
    fn no_panic_on_any_string(s in "\\PC*") {
        let _ = NhsNumber::parse(&s, TestData::Allow);
        let _ = NhsNumber::parse_compact(&s, TestData::Reject);
        let _ = bedside_patient::parse_gsrn(&s);
        let _ = GsrnPrefix::new(&s);
        let _ = percent_decode(&s);
        let _ = NameKey::new(&s);
        let _ = bedside_patient::upper_case(&s);
        let _ = bedside_patient::title_case(&s);
        let _ = bedside_patient::Date::parse_yyyymmdd(&s);
        let _ = bedside_patient::DateOfBirth::parse_gs1_7251(&s);
        let _ = bedside_patient::Date::parse_iso8601(&s);
        let _ = bedside_patient::Sex::from_iso5218(&s);
        let _ = bedside_patient::BirthSequence::parse(&s);
        let _ = bedside_patient::Oid::new(&s);
        let _ = bedside_patient::IdentifierTypeCode::new(&s);
        let _ = bedside_patient::AssigningAuthority::new(&s, &s);
        let _ = bedside_patient::HospitalNumber::new(&s, &IdentifierDomain::example_trust_mrn());
        let t = DomainTable::with_nhs_number();
        let _ = t.resolve(&s);
        let _ = t.by_v2_assigning_authority(&s);
    }

    /// Near-miss inputs (digits, spaces, a few symbols) never panic either.
    #[test]
    fn no_panic_on_digitish_strings(s in "[0-9 %&/.:-]{0,24}") {
        let _ = NhsNumber::parse(&s, TestData::Allow);
        let _ = bedside_patient::parse_gsrn(&s);
        let _ = percent_decode(&s);
        let _ = bedside_patient::Date::parse_yyyymmdd(&s);
        let _ = bedside_patient::DateOfBirth::parse_gs1_7251(&s);
        let _ = DomainTable::with_nhs_number().resolve(&s);
    }

    /// The wristband view never panics, whatever the pairs.
    #[test]
    fn wristband_no_panic(pairs in proptest::collection::vec(
        (prop_oneof![
            Just("8018".to_string()), Just("8019".to_string()), Just("7250".to_string()),
            Just("7251".to_string()), Just("7252".to_string()), Just("7253".to_string()),
            Just("7254".to_string()), Just("7255".to_string()), Just("7256".to_string()),
            Just("7257".to_string()), Just("7258".to_string()), Just("7259".to_string()),
            Just("91".to_string()), Just("93".to_string()), "\\PC{0,5}",
        ], "\\PC{0,20}"),
        0..8,
    )) {
        let _ = Wristband::from_elements(pairs.iter().map(|(a, v)| (a.as_str(), v.as_str())), &Policy::demo());
    }

    /// Any synthetic patient survives band encoding and confirms against itself; flipping
    /// one GSRN digit (other than to itself) is always rejected.
    #[test]
    fn synthetic_band_round_trip(seed in any::<u64>(), pos in 0usize..18, delta in 1u8..10) {
        let p = Generator::new(seed).next().unwrap();
        let elements = p.wristband_elements(&GsrnPrefix::EXAMPLE);
        let band = Wristband::from_elements(elements.iter().map(|(a, v)| (*a, v.as_str())), &Policy::demo()).unwrap();
        prop_assert_eq!(band.nhs_number(), &p.nhs_number);
        prop_assert!(band.demographics().confirm(&p.demographics).is_confirmed());

        let mut gsrn: Vec<u8> = elements[0].1.bytes().collect();
        gsrn[pos] = b'0' + (gsrn[pos] - b'0' + delta) % 10;
        let gsrn = String::from_utf8(gsrn).unwrap();
        let mut tampered = elements.clone();
        tampered[0].1 = gsrn;
        let r = Wristband::from_elements(tampered.iter().map(|(a, v)| (*a, v.as_str())), &Policy::demo());
        prop_assert!(r.is_err());
    }

    /// Percent encoding round-trips any text.
    #[test]
    fn percent_round_trip(s in "\\PC{0,30}") {
        prop_assert_eq!(percent_decode(&percent_encode(&s)).unwrap(), s);
    }

    /// Name keys are idempotent, for any text.
    #[test]
    fn name_key_idempotent(s in "\\PC{0,30}") {
        let k = NameKey::new(&s);
        prop_assert_eq!(NameKey::new(k.as_str()), k);
    }

    /// Name keys ignore case for Latin names. (Not claimed for every script: compatibility
    /// characters such as the Kelvin sign do not round-trip through case mapping, and then
    /// the keys differ, which fails closed.)
    #[test]
    fn name_key_case_insensitive(s in "[A-Za-z\u{C0}-\u{17F}\u{1E00}-\u{1EFF}' -]{0,30}") {
        prop_assert_eq!(NameKey::new(&s.to_lowercase()), NameKey::new(&s.to_uppercase()));
        prop_assert!(NameKey::new(&s).as_str().chars().all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-'
            || !c.is_alphabetic()), "{}", s);
    }
}

#[cfg(feature = "serde")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Serde: a 10-character JSON string, and back.
    #[test]
    fn serde_round_trip(first9 in proptest::collection::vec(0u8..10, 9)) {
        let mut a = [0u8; 9];
        for (dst, &d) in a.iter_mut().zip(&first9) {
            *dst = b'0' + d;
        }
        if let Some(n) = NhsNumber::from_first_nine(a) {
            let json = serde_json::to_string(&n).unwrap();
            prop_assert_eq!(json.len(), 12);
            prop_assert_eq!(&json[1..11], n.as_str());
            let back: Result<NhsNumber, _> = serde_json::from_str(&json);
            if n.is_test() {
                prop_assert!(back.is_err());
                let back = bedside_patient::allow_test_data::deserialize(
                    &mut serde_json::Deserializer::from_str(&json),
                ).unwrap();
                prop_assert_eq!(back, n);
            } else {
                prop_assert_eq!(back.unwrap(), n);
            }
        }
    }
}
