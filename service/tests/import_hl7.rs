//! `bedside import` of HL7 v2 ADT files (the real binary) on real SQLite and real
//! PostgreSQL: a batch file (FHS/BHS … BTS/FTS, CRLF) and an MLLP-framed file create and
//! update patients, link hospital numbers and merge (A40) so that the printed bands then
//! match or refuse as they should; hostile files are refused whole, naming the message,
//! segment and field, never the data, and write nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::Command;

use bedside_patient::{Gsrn, GsrnPrefix, NhsGsrn, NhsNumber, TestData, percent_encode};
use serde_json::Value;
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");
const MRN: &str = "TRUST_MRN&2.999.826.0.1.1&ISO";
const NHS: &str = "NHS&2.16.840.1.113883.2.1.4.1&ISO";

/// A valid test-range NHS number from nine digits (modulus 11), skipping check digit 10.
fn nhs(first9: u64) -> String {
    (first9..)
        .map(|n| format!("{n:09}"))
        .find_map(|d| {
            let sum: u32 = d
                .bytes()
                .zip((2..=10).rev())
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            match 11 - sum % 11 {
                11 => Some(format!("{d}0")),
                10 => None,
                c => Some(format!("{d}{c}")),
            }
        })
        .unwrap()
}

fn msh(trigger: &str, structure: &str, id: &str) -> String {
    format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE|RXX|20261125120000||ADT^{trigger}^{structure}|{id}|P|2.5|||||GBR|UNICODE UTF-8"
    )
}

fn pid(nhs: &str, mrn: &str, family: &str, given: &str, dob: &str, sex: &str) -> String {
    format!("PID|||{mrn}^^^{MRN}^MR~{nhs}^^^{NHS}^NH||{family}^{given}^^^^^L||{dob}|{sex}")
}

fn import(db: &common::TestDb, file: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let o = Command::new(BIN)
        .arg("import")
        .arg(file)
        .args(["--database-url", &db.url])
        .args(extra)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let v = serde_json::from_str(out.trim()).unwrap_or(Value::Null);
    (
        o.status.code().unwrap_or(-1),
        v,
        out + &String::from_utf8_lossy(&o.stderr),
    )
}

fn band(nhs: &str, dob: &str, sex: &str, family: &str, given: &str, mrn: &str) -> String {
    let n = NhsNumber::parse(nhs, TestData::Allow).unwrap();
    let gsrn = Gsrn::for_nhs_number(&GsrnPrefix::EXAMPLE, &n);
    format!(
        "]d28018{}\u{1d}7250{dob}\u{1d}7252{sex}\u{1d}7253{}\u{1d}7254{}\u{1d}91{mrn}",
        gsrn.as_str(),
        percent_encode(family),
        percent_encode(given)
    )
}

async fn count(db: &bedside::db::Db, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

async fn adt_files_import_and_hostile_files_do_not(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let dir = common::tempdir::TempDir::new("hl7");
    let (a, b, c) = (nhs(999_100_001), nhs(999_100_101), nhs(999_100_201));

    // A batch: A28 adds A, A04 registers B, A08 renames A, A40 merges B's hospital number
    // into A's. CRLF line ends, UTF-8 names with an escaped '&'.
    let batch = [
        "FHS|^~\\&|PAS|RXX|BEDSIDE|RXX|20261125120000".to_owned(),
        "BHS|^~\\&|PAS|RXX|BEDSIDE|RXX|20261125120000".to_owned(),
        msh("A28", "ADT_A05", "B1"),
        "EVN|A28|20261125120000".to_owned(),
        pid(&a, "H100001", "NGUYỄN", "Thị", "19900506", "F"),
        msh("A04", "ADT_A01", "B2"),
        "EVN|A04|20261125120000".to_owned(),
        pid(&b, "H100002", "Smith\\T\\Jones", "Alex", "20010203", "U"),
        "PV1||O".to_owned(),
        msh("A08", "ADT_A01", "B3"),
        "EVN|A08|20261125120000".to_owned(),
        pid(&a, "H100001", "NGUYỄN-LÊ", "Thị", "19900506", "F"),
        msh("A40", "ADT_A39", "B4"),
        "EVN|A40|20261125120000".to_owned(),
        format!("PID|||H100001^^^{MRN}^MR~{a}^^^{NHS}^NH"),
        format!("MRG|H100002^^^{MRN}^MR"),
        "BTS|4".to_owned(),
        "FTS|1".to_owned(),
    ]
    .join("\r\n")
        + "\r\n";
    let f = dir.path().join("go-live.hl7");
    std::fs::write(&f, &batch).unwrap();
    let audit_before = app.audit_rows().await;
    let (code, v, out) = import(&db, &f, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        v,
        serde_json::json!({"imported": 2, "merged": 1, "messages": 4})
    );
    assert_eq!(app.audit_rows().await, audit_before + 1, "one audit row");
    let row = sqlx::query("SELECT actor, action, detail FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>(1).unwrap(), "index.import");
    let detail: Value = serde_json::from_str(&row.try_get::<String, _>(2).unwrap()).unwrap();
    assert_eq!(detail["format"], "hl7");
    assert_eq!(detail["nhs_numbers"], serde_json::json!([a, b]));

    let nurse = common::token("nurse");
    // A's band, printed after the rename, matches; the name came from the A08.
    let r = app
        .identify(
            &nurse,
            &band(&a, "19900506", "2", "NGUYỄN-LÊ", "Thị", "H100001"),
        )
        .await;
    assert_eq!(r["status"], "match", "{r}");
    assert_eq!(r["patient"]["family"], "NGUYỄN-LÊ");
    // A band printed with the old name refuses.
    let r = app
        .identify(
            &nurse,
            &band(&a, "19900506", "2", "NGUYỄN", "Thị", "H100001"),
        )
        .await;
    assert_eq!(r["reasons"][0]["code"], "demographics_mismatch", "{r}");
    // B's hospital number was merged away: B's band must be reprinted.
    let r = app
        .identify(
            &nurse,
            &band(&b, "20010203", "0", "Smith&Jones", "Alex", "H100002"),
        )
        .await;
    assert_eq!(r["status"], "no_match", "{r}");
    assert_eq!(r["reasons"][0]["code"], "merged_identifier", "{r}");

    // MLLP-framed messages (as a capture of a live feed) with blank lines between frames.
    let mut framed = Vec::new();
    for (i, m) in [
        format!(
            "{}\r{}\r",
            msh("A01", "ADT_A01", "M1"),
            pid(&c, "H100003", "DOE", "Sam", "19751231", "M")
        ),
        format!(
            "{}\r{}\r",
            msh("A31", "ADT_A05", "M2"),
            pid(&c, "H100004", "DOE", "Samuel", "19751231", "M")
        ),
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            framed.extend_from_slice(b"\r\n");
        }
        framed.push(0x0b);
        framed.extend_from_slice(m.as_bytes());
        framed.extend_from_slice(&[0x1c, 0x0d]);
    }
    let f = dir.path().join("capture.mllp");
    std::fs::write(&f, &framed).unwrap();
    let (code, v, out) = import(&db, &f, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["imported"], 1);
    let r = app
        .identify(
            &nurse,
            &band(&c, "19751231", "1", "DOE", "Samuel", "H100004"),
        )
        .await;
    assert_eq!(r["status"], "match", "{r}");

    // Hostile files: each refused whole, naming where, quoting nothing, writing nothing.
    let good = format!(
        "{}\r{}\r",
        msh("A04", "ADT_A01", "G1"),
        pid(&nhs(999_100_301), "H1", "GOOD", "One", "19600101", "F")
    );
    let bad_nhs = {
        let n = nhs(999_100_401);
        let wrong = format!("{}{}", &n[..9], (n.as_bytes()[9] - b'0' + 1) % 10);
        pid(&wrong, "H2", "BAD", "Two", "19600101", "F")
    };
    let cases: Vec<(&str, Vec<u8>, Vec<&str>, Value)> = vec![
        (
            "bad check digit in message 2",
            format!("{good}{}\r{bad_nhs}\r", msh("A04", "ADT_A01", "X2")).into_bytes(),
            vec![],
            serde_json::json!({"message": 2, "segment": "PID", "field": 3}),
        ),
        (
            "year-only date of birth",
            format!(
                "{}\r{}\r",
                msh("A04", "ADT_A01", "X"),
                pid(&nhs(999_100_501), "H3", "A", "B", "1960", "F")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 1, "segment": "PID", "field": 7}),
        ),
        (
            "unsupported event",
            format!(
                "{good}{}\r{}\r",
                msh("A02", "ADT_A02", "X"),
                pid(&nhs(999_100_601), "H4", "A", "B", "19600101", "F")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 2, "segment": "MSH", "field": 9}),
        ),
        (
            "not ADT",
            format!(
                "MSH|^~\\&|LAB|RXX|||20261125||ORU^R01^ORU_R01|X|P|2.5\r{}\r",
                pid(&nhs(999_100_701), "H5", "A", "B", "19600101", "F")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 1, "segment": "MSH", "field": 9}),
        ),
        (
            "no NHS number",
            format!(
                "{}\rPID|||H6^^^{MRN}^MR||A^B||19600101|F\r",
                msh("A04", "ADT_A01", "X")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 1, "segment": "PID", "field": 3}),
        ),
        (
            "two NHS numbers",
            format!(
                "{}\rPID|||{}^^^{NHS}^NH~{}^^^{NHS}^NH||A^B||19600101|F\r",
                msh("A04", "ADT_A01", "X"),
                nhs(999_100_801),
                nhs(999_100_901)
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 1, "segment": "PID", "field": 3}),
        ),
        (
            "A40 without MRG",
            format!(
                "{good}{}\rPID|||H1^^^{MRN}^MR\r",
                msh("A40", "ADT_A39", "X")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 2, "segment": "MRG"}),
        ),
        (
            "control byte",
            format!(
                "{good}{}\r{}\u{1}\r",
                msh("A04", "ADT_A01", "X"),
                pid(&nhs(999_101_001), "H7", "A", "B", "19600101", "F")
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 2}),
        ),
        (
            "invalid UTF-8 under MSH-18 UNICODE UTF-8",
            [
                format!("{}\r", msh("A04", "ADT_A01", "X")).into_bytes(),
                b"PID|||H8^^^".to_vec(),
                MRN.as_bytes().to_vec(),
                b"^MR||\xff\xfe^B||19600101|F\r".to_vec(),
            ]
            .concat(),
            vec![],
            serde_json::json!({"message": 1}),
        ),
        (
            "a name a megabyte long",
            format!(
                "{}\r{}\r",
                msh("A04", "ADT_A01", "X"),
                pid(
                    &nhs(999_101_101),
                    "H9",
                    &"A".repeat(1 << 20),
                    "B",
                    "19600101",
                    "F"
                )
            )
            .into_bytes(),
            vec![],
            serde_json::json!({"message": 1, "segment": "PID", "field": 5}),
        ),
        (
            "batch count mismatch",
            format!("BHS|^~\\&|PAS\r{good}BTS|7\r").into_bytes(),
            vec![],
            serde_json::json!({"message": 0, "segment": "BTS", "field": 1}),
        ),
        (
            "message after the file trailer",
            format!("FHS|^~\\&|PAS\r{good}FTS|1\r{good}").into_bytes(),
            vec![],
            serde_json::json!({"message": 0}),
        ),
        (
            "MLLP frame cut off",
            [
                vec![0x0b],
                good.clone().into_bytes(),
                vec![0x1c, 0x0d, 0x0b],
                good.clone().into_bytes(),
            ]
            .concat(),
            vec![],
            serde_json::json!({"message": 2}),
        ),
        (
            "segment before MSH (forced HL7)",
            format!("EVN|A04\r{good}").into_bytes(),
            vec!["--format", "hl7"],
            serde_json::json!({"message": 0}),
        ),
        (
            "empty file (forced HL7)",
            b"\r\n\r\n".to_vec(),
            vec!["--format", "hl7"],
            serde_json::json!({"message": 0}),
        ),
        (
            "binary garbage (forced HL7)",
            (0u8..=255).cycle().take(4096).collect(),
            vec!["--format", "hl7"],
            serde_json::json!({"message": 0}),
        ),
        (
            "an HL7 file read as CSV",
            good.clone().into_bytes(),
            vec!["--format", "csv"],
            serde_json::json!({"line": 1}),
        ),
    ];
    let patients = count(&app.state.db, "SELECT COUNT(*) FROM patients").await;
    let links = count(&app.state.db, "SELECT COUNT(*) FROM identifiers").await;
    let audit = app.audit_rows().await;
    for (label, bytes, extra, want) in cases {
        let f = dir.path().join("hostile.hl7");
        std::fs::write(&f, &bytes).unwrap();
        let (code, v, out) = import(&db, &f, &extra);
        assert_eq!(code, 1, "{label}: {out}");
        let e = &v["errors"][0];
        for (k, w) in want.as_object().unwrap() {
            assert_eq!(&e[k], w, "{label}: {v}");
        }
        assert!(
            e["error"].as_str().is_some_and(|s| !s.is_empty()),
            "{label}: {v}"
        );
        for secret in ["GOOD", "BAD", "H1", "H2", "H6", "19600101", "1960"] {
            assert!(
                !out.contains(secret),
                "{label}: the error quotes data: {out}"
            );
        }
        assert!(
            !out.contains("9991"),
            "{label}: an NHS number is quoted: {out}"
        );
    }
    // Production refuses test-range numbers in HL7 too.
    let cfg = dir.path().join("prod.json");
    std::fs::write(&cfg, r#"{"allow_test_nhs_numbers": false}"#).unwrap();
    let f = dir.path().join("one.hl7");
    std::fs::write(&f, &good).unwrap();
    let (code, v, out) = import(&db, &f, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(v["errors"][0]["field"], 3);
    assert_eq!(
        count(&app.state.db, "SELECT COUNT(*) FROM patients").await,
        patients,
        "nothing written"
    );
    assert_eq!(
        count(&app.state.db, "SELECT COUNT(*) FROM identifiers").await,
        links
    );
    assert_eq!(app.audit_rows().await, audit);
    // The good message alone imports; the chain holds.
    let (code, v, out) = import(&db, &f, &[]);
    assert_eq!((code, &v["imported"]), (0, &Value::from(1)), "{out}");
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
    app.stop().await;
}
both_backends!(adt_files, adt_files_import_and_hostile_files_do_not);
