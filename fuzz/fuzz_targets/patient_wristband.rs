//! Fuzzes the DCB1077 wristband view, `Wristband::from_elements`, the way the
//! service builds it: from the elements of a scanned GS1 message.
//!
//! Input: if it starts with `]`, `(`, `^`, `h` or a digit it is parsed with
//! `bedside_gs1::Parser::parse` and the message's elements are used;
//! otherwise it is read as `AI=value` lines, so the fuzzer can also reach the
//! wristband checks with values the GS1 parser would refuse. Both the demo
//! policy and one that also allows local AIs and no name/date of birth are
//! tried.
//!
//! Asserts: no panic; an accepted wristband carries an NHS number that is the
//! one embedded in its GSRN (GSRN digits 8..17) and re-parses on its own.
#![no_main]

use bedside_gs1::Parser;
use bedside_patient::{NhsNumber, Policy, TestData, Wristband};
use libfuzzer_sys::fuzz_target;

fn check(pairs: &[(String, String)]) {
    let relaxed = Policy::demo()
        .with_local_ais(true)
        .with_require_name(false)
        .with_require_date_of_birth(false);
    for policy in [Policy::demo(), relaxed] {
        match Wristband::from_elements(pairs.iter().map(|(a, v)| (a, v)), &policy) {
            Err(e) => {
                let _ = e.to_string();
            }
            Ok(band) => {
                let nhs = band.nhs_number();
                assert_eq!(
                    NhsNumber::parse_compact(nhs.as_str(), TestData::Allow).as_ref(),
                    Ok(nhs),
                    "wristband NHS number does not re-parse"
                );
                let gsrn = band.gsrn().as_str();
                assert_eq!(gsrn.get(7..17), Some(nhs.as_str()), "NHS number is not the one in the GSRN {gsrn}");
                let _ = band.demographics().display_name();
                let _ = band.srin();
                let _ = band.internal();
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let gs1 = matches!(data.first(), Some(b']' | b'(' | b'^' | b'h' | b'0'..=b'9'));
    let pairs: Vec<(String, String)> = if gs1 {
        let Ok(scan) = Parser::default().parse(data) else { return };
        let Some(m) = scan.message() else { return };
        m.iter().map(|e| (e.ai().to_string(), e.value().to_string())).collect()
    } else {
        let Ok(text) = std::str::from_utf8(data) else { return };
        text.lines()
            .map(|l| match l.split_once('=') {
                Some((a, v)) => (a.to_string(), v.to_string()),
                None => (l.to_string(), String::new()),
            })
            .collect()
    };
    check(&pairs);
});
