//! ITI-9 interpretation without sockets: the IHE expected-action table, vendor deviations,
//! filtering and correlation. (The same cases run over real sockets in `iti9_peer.rs`.)
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::iti9::{ControlIds, ResponseError, interpret_response};
use bedside_pix::outcome::OutcomeKind;

const NHS: &str = "NHS&2.16.840.1.113883.2.1.4.1&ISO";
const MRN: &str = "K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR";

fn query() -> PixQuery {
    let mut d =
        Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap_or_else(|_| Domain::nhs_number());
    d.type_code = "MR".into();
    PixQuery::nhs_number_for("K1234567", d)
}

fn ids() -> ControlIds {
    ControlIds {
        message_control_id: "PPID-000123".into(),
        query_tag: "Q-000123".into(),
    }
}

fn rsp(msa: &str, err: Option<&str>, qak2: &str, pid3: Option<&str>) -> Vec<u8> {
    let mut s = format!(
        "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|W7|20250314101501+0000||RSP^K23^RSP_K23|HIE-1|P|2.5\rMSA|{msa}|PPID-000123\r"
    );
    if let Some(e) = err {
        s.push_str(e);
        s.push('\r');
    }
    s.push_str(&format!(
        "QAK|Q-000123|{qak2}\rQPD|IHE PIX Query|Q-000123|{MRN}|^^^{NHS}\r"
    ));
    if let Some(p) = pid3 {
        s.push_str(&format!("PID|||{p}||~^^^^^^S\r"));
    }
    s.into_bytes()
}

fn kind(bytes: &[u8]) -> OutcomeKind {
    match interpret_response(bytes, &ids(), &query()) {
        Ok(o) => o.kind(),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn five_cases_and_ar() {
    assert_eq!(
        kind(&rsp(
            "AA",
            None,
            "OK",
            Some(&format!("9990001235^^^{NHS}^NH"))
        )),
        OutcomeKind::Found
    );
    assert_eq!(kind(&rsp("AA", None, "NF", None)), OutcomeKind::NotFound);
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR||QPD^1^3^1^1|204^Unknown key identifier^HL70357|E"),
            "AE",
            None
        )),
        OutcomeKind::UnknownIdentifier
    );
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR||QPD^1^3^1^4|204^Unknown key identifier^HL70357|E"),
            "AE",
            None
        )),
        OutcomeKind::UnknownSourceDomain
    );
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR||QPD^1^4^1|204^Unknown key identifier^HL70357|E"),
            "AE",
            None
        )),
        OutcomeKind::UnknownTargetDomain
    );
    assert_eq!(
        kind(&rsp(
            "AR",
            Some("ERR||MSH^1^9|200^Unsupported message type^HL70357|E"),
            "AR",
            None
        )),
        OutcomeKind::Rejected
    );
}

#[test]
fn vendor_deviations() {
    // Deprecated ERR-1 with field 3 only, and QPD^1^4^ without a repetition.
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR|QPD^1^3^204&Unknown key identifier&HL70357"),
            "AE",
            None
        )),
        OutcomeKind::UnknownIdentifier
    );
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR||QPD^1^4^|204^Unknown key identifier^HL70357|E"),
            "AE",
            None
        )),
        OutcomeKind::UnknownTargetDomain
    );
    // No location at all: cannot tell which case, so rejected (never found).
    assert_eq!(
        kind(&rsp(
            "AE",
            Some("ERR|||204^Unknown key identifier^HL70357|E"),
            "AE",
            None
        )),
        OutcomeKind::Rejected
    );
    // AA with an error QAK-2: contradiction, rejected.
    assert_eq!(
        kind(&rsp(
            "AA",
            None,
            "AE",
            Some(&format!("9990001235^^^{NHS}^NH"))
        )),
        OutcomeKind::Rejected
    );
    // OK without PID: not found.
    assert_eq!(kind(&rsp("AA", None, "OK", None)), OutcomeKind::NotFound);
    // CRLF separators tolerated.
    let crlf: Vec<u8> = rsp("AA", None, "NF", None)
        .iter()
        .flat_map(|b| {
            if *b == b'\r' {
                vec![b'\r', b'\n']
            } else {
                vec![*b]
            }
        })
        .collect();
    assert_eq!(kind(&crlf), OutcomeKind::NotFound);
}

#[test]
fn filtering_and_ambiguity() {
    // Echoed source id (OpenHIE style) and an unrequested domain are dropped.
    let pid3 = format!("{MRN}~X9^^^OTHER&2.999.7&ISO~9990001235^^^{NHS}^NH");
    let o = interpret_response(&rsp("AA", None, "OK", Some(&pid3)), &ids(), &query())
        .map_err(|e| e.to_string());
    let o = o.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.nhs_number(), Some("9990001235"));
    assert!(o.detail().contains("echoed"), "{}", o.detail());
    // The same NHS number twice is one candidate.
    assert_eq!(
        kind(&rsp(
            "AA",
            None,
            "OK",
            Some(&format!("9990001235^^^{NHS}^NH~9990001235^^^{NHS}^NH"))
        )),
        OutcomeKind::Found
    );
    // Two NHS numbers: ambiguous.
    assert_eq!(
        kind(&rsp(
            "AA",
            None,
            "OK",
            Some(&format!("9990001235^^^{NHS}^NH~9990000018^^^{NHS}^NH"))
        )),
        OutcomeKind::Ambiguous
    );
    // Bad check digit: never a match.
    let bad = interpret_response(
        &rsp("AA", None, "OK", Some(&format!("9990001236^^^{NHS}^NH"))),
        &ids(),
        &query(),
    );
    let bad = bad.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.kind(), OutcomeKind::Ambiguous);
    assert!(bad.detail().contains("modulus-11"));
    // NHS number with only the namespace (no OID) still recognised by namespace.
    assert_eq!(
        kind(&rsp("AA", None, "OK", Some("9990001235^^^NHS^NH"))),
        OutcomeKind::Found
    );
    // An identifier without an assigning authority is dropped.
    assert_eq!(
        kind(&rsp("AA", None, "OK", Some("9990001235"))),
        OutcomeKind::NotFound
    );
    // NHS domain named by another OID is not the NHS number.
    assert_eq!(
        kind(&rsp(
            "AA",
            None,
            "OK",
            Some("9990001235^^^NHS&2.999.5&ISO^NH")
        )),
        OutcomeKind::NotFound
    );
}

#[test]
fn correlation_failures_are_errors() {
    let ok = rsp("AA", None, "OK", Some(&format!("9990001235^^^{NHS}^NH")));
    let text = String::from_utf8_lossy(&ok).into_owned();
    let wrong_msa = text.replace("MSA|AA|PPID-000123", "MSA|AA|PPID-000122");
    assert!(matches!(
        interpret_response(wrong_msa.as_bytes(), &ids(), &query()),
        Err(ResponseError::ControlIdMismatch { .. })
    ));
    let wrong_qak = text.replace("QAK|Q-000123", "QAK|Q-000122");
    assert!(matches!(
        interpret_response(wrong_qak.as_bytes(), &ids(), &query()),
        Err(ResponseError::QueryTagMismatch { .. })
    ));
    let wrong_type = text.replace("RSP^K23^RSP_K23", "RSP^K22^RSP_K21");
    assert!(matches!(
        interpret_response(wrong_type.as_bytes(), &ids(), &query()),
        Err(ResponseError::WrongMessageType { .. })
    ));
    let wrong_echo = text.replace("|K1234567^^^TRUST", "|K7654321^^^TRUST");
    assert!(matches!(
        interpret_response(wrong_echo.as_bytes(), &ids(), &query()),
        Err(ResponseError::EchoMismatch { .. })
    ));
    let weird_ack = text.replace("MSA|AA", "MSA|CA");
    assert!(matches!(
        interpret_response(weird_ack.as_bytes(), &ids(), &query()),
        Err(ResponseError::UnknownAckCode { .. })
    ));
    assert!(matches!(
        interpret_response(b"garbage", &ids(), &query()),
        Err(ResponseError::Parse(_))
    ));
}
