//! The identification judgement as a table: one row per situation, each naming the
//! status and the reason codes it must give. Every `ReasonCode` is reached by a row (the
//! last test proves it), and a match comes only from the one row where every source
//! agrees.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use bedside_patient::{Date, DateOfBirth, Demographics, NhsNumber, Policy, TestData};
use bedside_pix::client::{AttemptError, PixError, Transport};
use bedside_pix::outcome::PixOutcome;
use bedside_ward::identify::{
    BandRules, Decision, IndexSummary, IndexUnreadable, Lookup, PixEvidence, ReasonCode, ScanKind,
    Status, judge, read_band,
};

/// 2026-01-15T14:00:00Z.
const NOW: i64 = 1_768_485_600_000;
const NHS: &str = "9990001235";
const OTHER_NHS: &str = "9990000018";
const GS: char = '\u{1d}';

fn check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
}

/// A GSRN under `prefix` embedding `nhs`, with a correct GS1 check digit.
fn gsrn(prefix: &str, nhs: &str) -> String {
    let body = format!("{prefix}{nhs}");
    format!("{body}{}", check_digit(&body))
}

/// A DCB1077 band: GSRN, date of birth, name, hospital number.
fn band_scan(prefix: &str, nhs: &str) -> String {
    format!(
        "]d28018{}{GS}725019800118{GS}7253Smith{GS}7254John{GS}91K1234567",
        gsrn(prefix, nhs)
    )
}

fn good_band() -> String {
    band_scan("9520000", NHS)
}

fn record(family: &str, dob: Option<&str>) -> Demographics {
    let mut d = Demographics::new(family, "John");
    d.date_of_birth = dob
        .and_then(|s| Date::parse_iso8601(s).ok())
        .map(DateOfBirth::from_date);
    d
}

fn rows(nhs: &str, n: i64, merged: i64, distinct: i64, fresh: i64) -> IndexSummary {
    IndexSummary {
        rows: n,
        merged,
        distinct_nhs: distinct,
        nhs_number: (n > 0).then(|| nhs.to_owned()),
        fresh,
    }
}

fn agreeing() -> Lookup {
    Lookup {
        patient: Some((record("SMITH", Some("1980-01-18")), None)),
        gsrn_rows: rows(NHS, 1, 0, 1, 1),
        mrn_rows: rows(NHS, 1, 0, 1, 1),
    }
}

fn found(nhs: &str) -> PixEvidence {
    PixEvidence::Answer {
        result: Ok(PixOutcome::Found {
            nhs_number: nhs.into(),
            identifiers: Vec::new(),
            detail: String::new(),
        }),
        cached: false,
    }
}

fn pix_outcome(o: PixOutcome) -> PixEvidence {
    PixEvidence::Answer {
        result: Ok(o),
        cached: true,
    }
}

fn pix_error(e: PixError) -> PixEvidence {
    PixEvidence::Answer {
        result: Err(e),
        cached: false,
    }
}

/// One situation: the scan, the record open on screen, the index and the PIX answer.
struct Case {
    name: &'static str,
    scan: String,
    open: Option<&'static str>,
    lookup: Result<Lookup, IndexUnreadable>,
    pix: PixEvidence,
    status: Status,
    reasons: &'static [ReasonCode],
}

fn case(name: &'static str) -> Case {
    Case {
        name,
        scan: good_band(),
        open: None,
        lookup: Ok(agreeing()),
        pix: found(NHS),
        status: Status::Match,
        reasons: &[],
    }
}

fn table() -> Vec<Case> {
    use ReasonCode::*;
    let refuse = |c: Case, status: Status, reasons: &'static [ReasonCode]| Case {
        status,
        reasons,
        ..c
    };
    let no = Status::NoMatch;
    vec![
        case("every source agrees"),
        Case {
            open: Some(NHS),
            ..case("the open record is this patient's")
        },
        Case {
            pix: PixEvidence::NotConfigured,
            ..case("no PIX manager, the index agrees")
        },
        refuse(
            Case {
                scan: good_band().trim_start_matches("]d2").to_owned(),
                ..case("typed text, no AIM identifier")
            },
            no,
            &[NotGs1],
        ),
        refuse(
            Case {
                scan: format!("]d28018{}", &gsrn("9520000", NHS)[..17]) + "0",
                ..case("GSRN check digit wrong")
            },
            no,
            &[Gs1Invalid],
        ),
        refuse(
            Case {
                scan: "]Q1hello".into(),
                ..case("a QR code of plain text")
            },
            no,
            &[NotGs1],
        ),
        refuse(
            Case {
                scan: "]d20109506000134352".into(),
                ..case("a medicine pack, not a band")
            },
            no,
            &[NotAWristband],
        ),
        refuse(
            Case {
                scan: band_scan("9520000", "9990001234"),
                ..case("embedded NHS number fails modulus 11")
            },
            no,
            &[NhsNumberCheckFailed],
        ),
        refuse(
            Case {
                scan: band_scan("9530000", NHS),
                ..case("printed under another trust's prefix")
            },
            no,
            &[GsrnPrefixNotAllowed],
        ),
        refuse(
            Case {
                scan: format!("]d28018{}{GS}7253Smith{GS}7254John", gsrn("9520000", NHS)),
                ..case("no date of birth on the band")
            },
            no,
            &[WristbandInvalid],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    patient: None,
                    ..agreeing()
                }),
                ..case("no record of the NHS number")
            },
            no,
            &[UnknownIdentifier],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    patient: Some((record("SMITH", Some("1980-01-18")), Some(OTHER_NHS.into()))),
                    ..agreeing()
                }),
                ..case("the NHS number was merged away")
            },
            no,
            &[MergedIdentifier],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    gsrn_rows: rows(NHS, 1, 0, 1, 0),
                    ..agreeing()
                }),
                ..case("the GSRN's index entry expired")
            },
            Status::Unavailable,
            &[StaleIndexEntry],
        ),
        Case {
            lookup: Ok(Lookup {
                mrn_rows: rows(NHS, 1, 0, 1, 0),
                ..agreeing()
            }),
            ..case("a stale hospital number refreshed by PIX")
        },
        refuse(
            Case {
                lookup: Ok(Lookup {
                    gsrn_rows: rows(OTHER_NHS, 1, 0, 1, 1),
                    ..agreeing()
                }),
                ..case("the index links the GSRN elsewhere")
            },
            no,
            &[IndexDisagreesWithBand],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    mrn_rows: rows(NHS, 2, 0, 2, 2),
                    ..agreeing()
                }),
                ..case("the hospital number has two NHS numbers")
            },
            Status::Ambiguous,
            &[MultipleNhsNumbers],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    mrn_rows: rows(NHS, 1, 1, 1, 1),
                    ..agreeing()
                }),
                ..case("the hospital number was merged")
            },
            no,
            &[MergedIdentifier],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    mrn_rows: IndexSummary::default(),
                    ..agreeing()
                }),
                pix: PixEvidence::NotConfigured,
                ..case("unknown hospital number, no PIX to ask")
            },
            no,
            &[UnknownIdentifier],
        ),
        Case {
            lookup: Ok(Lookup {
                mrn_rows: IndexSummary::default(),
                ..agreeing()
            }),
            ..case("unknown hospital number, PIX knows it")
        },
        refuse(
            Case {
                pix: found(OTHER_NHS),
                ..case("PIX links the hospital number elsewhere")
            },
            no,
            &[PixDisagreesWithBand],
        ),
        refuse(
            Case {
                pix: pix_outcome(PixOutcome::NotFound {
                    detail: String::new(),
                }),
                ..case("PIX has no NHS number for it")
            },
            no,
            &[PixNotFound],
        ),
        refuse(
            Case {
                pix: pix_outcome(PixOutcome::UnknownIdentifier {
                    detail: String::new(),
                }),
                ..case("PIX does not know the hospital number")
            },
            no,
            &[UnknownIdentifier],
        ),
        refuse(
            Case {
                pix: pix_outcome(PixOutcome::Ambiguous {
                    nhs_numbers: vec![NHS.into(), OTHER_NHS.into()],
                    detail: String::new(),
                }),
                ..case("PIX gives two NHS numbers")
            },
            Status::Ambiguous,
            &[MultipleNhsNumbers],
        ),
        refuse(
            Case {
                pix: pix_outcome(PixOutcome::UnknownSourceDomain {
                    detail: String::new(),
                }),
                ..case("PIX refuses the domain")
            },
            Status::Unavailable,
            &[PixRejected],
        ),
        refuse(
            Case {
                pix: pix_error(PixError::CannotConfirm {
                    transport: Transport::Mllp,
                    first: AttemptError::ResponseTimeout,
                    retry: None,
                }),
                ..case("PIX too slow")
            },
            Status::Unavailable,
            &[PixTimeout],
        ),
        refuse(
            Case {
                pix: pix_error(PixError::CircuitOpen {
                    retry_after_ms: 1000,
                }),
                ..case("PIX circuit open")
            },
            Status::Unavailable,
            &[PixUnavailable],
        ),
        refuse(
            Case {
                open: Some(OTHER_NHS),
                ..case("another patient's record is open")
            },
            no,
            &[OpenRecordMismatch],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    patient: Some((record("JONES", Some("1980-01-18")), None)),
                    ..agreeing()
                }),
                ..case("the band's name differs from the record")
            },
            no,
            &[DemographicsMismatch],
        ),
        refuse(
            Case {
                lookup: Ok(Lookup {
                    patient: Some((record("SMITH", None), None)),
                    ..agreeing()
                }),
                ..case("the record has no date of birth")
            },
            no,
            &[DemographicsIncomplete],
        ),
        refuse(
            Case {
                lookup: Err(IndexUnreadable),
                ..case("the index cannot be read")
            },
            Status::Unavailable,
            &[IndexUnavailable],
        ),
        refuse(
            Case {
                open: Some(OTHER_NHS),
                pix: pix_error(PixError::CircuitOpen { retry_after_ms: 1 }),
                lookup: Ok(Lookup {
                    mrn_rows: rows(NHS, 2, 0, 2, 2),
                    ..agreeing()
                }),
                ..case("no match outranks ambiguous outranks unavailable")
            },
            no,
            &[OpenRecordMismatch, MultipleNhsNumbers, PixUnavailable],
        ),
    ]
}

fn run(c: &Case) -> bedside_ward::identify::Identification {
    let policy = Policy::demo();
    let rules = BandRules {
        policy: &policy,
        gs_substitute: None,
        mrn_from_ai91: true,
    };
    let open = c
        .open
        .map(|n| NhsNumber::parse(n, TestData::Allow).unwrap());
    match read_band(&c.scan, &rules, NOW) {
        Err(refused) => *refused,
        Ok(band) => judge(
            &band,
            open.as_ref(),
            c.lookup.as_ref().map_err(|e| *e),
            &c.pix,
        ),
    }
}

#[test]
fn every_row_gives_its_status_and_reasons() {
    for c in table() {
        let id = run(&c);
        let codes: Vec<ReasonCode> = id.decision.reasons().iter().map(|r| r.code).collect();
        assert_eq!(id.decision.status(), c.status, "{}: {codes:?}", c.name);
        assert_eq!(codes, c.reasons, "{}", c.name);
        // The audit facts say the same as the answer.
        assert_eq!(id.facts.status, c.status, "{}", c.name);
        assert_eq!(id.facts.reasons, c.reasons, "{}", c.name);
        // Every reason has plain words, and none carries the patient's identifiers.
        for r in id.decision.reasons() {
            assert!(!r.message.is_empty(), "{}", c.name);
            assert!(
                !r.message.contains(NHS) && !r.message.contains("K1234567"),
                "{}: {}",
                c.name,
                r.message
            );
        }
        match &id.decision {
            Decision::Match(m) => {
                assert_eq!(m.nhs_number().as_str(), NHS, "{}", c.name);
                let p = m.confirm();
                assert_eq!(
                    (p.family.as_str(), p.date_of_birth.as_str()),
                    ("SMITH", "18-Jan-1980"),
                    "{}",
                    c.name
                );
                assert_eq!(
                    id.facts.sources.as_deref().map(<[String]>::len),
                    Some(m.sources().len())
                );
            }
            _ => assert!(id.facts.sources.is_none(), "{}", c.name),
        }
    }
}

#[test]
fn every_reason_code_is_reached_by_a_row() {
    let reached: BTreeSet<&str> = table()
        .iter()
        .flat_map(|c| c.reasons.iter().map(|r| r.as_str()))
        .collect();
    for &code in ReasonCode::ALL {
        assert!(reached.contains(code.as_str()), "no row reaches {code:?}");
    }
}

#[test]
fn names_are_the_contract() {
    for &code in ReasonCode::ALL {
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::json!(code.as_str())
        );
    }
    for (s, name) in [
        (Status::Match, "match"),
        (Status::NoMatch, "no_match"),
        (Status::Ambiguous, "ambiguous"),
        (Status::Unavailable, "unavailable"),
    ] {
        assert_eq!(s.as_str(), name);
        assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(name));
    }
}

#[test]
fn facts_keep_the_stored_keys_and_read_back() {
    let id = run(&case("every source agrees"));
    let v = serde_json::to_value(&id.facts).unwrap();
    for key in [
        "scan",
        "gsrn",
        "band_nhs_number",
        "mrn",
        "index_gsrn",
        "index_mrn",
        "pix_cached",
        "pix",
        "status",
        "sources",
        "reasons",
    ] {
        assert!(v.get(key).is_some(), "{key} missing from {v}");
    }
    assert_eq!(v["scan"], "wristband");
    assert_eq!(v["band_nhs_number"], NHS);
    assert_eq!(v["pix"]["outcome"], "found");
    let back: bedside_ward::identify::IdentifyFacts = serde_json::from_value(v).unwrap();
    assert_eq!(back, id.facts);
    let refused = run(&Case {
        scan: "]Q1hello".into(),
        ..case("plain")
    });
    assert_eq!(refused.facts.scan, ScanKind::NotGs1);
    let v = serde_json::to_value(&refused.facts).unwrap();
    assert!(v.get("band_nhs_number").is_none(), "{v}");
}
