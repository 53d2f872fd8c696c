//! `bedside gs1 check` end to end: real bytes on stdin, one JSON object per line out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bedside");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn check_prints_one_verdict_per_line() {
    let input = b"]d28018952000099900012352\x1d80191\r\n\
(01)09506000134353\n\
]d1 9434765919\n\
]d201095060001343521727013110BATCH42\x1d21Ser1aL\n\
https://id.gs1.org/01/09506000134352?10=AB1\n";
    let (code, out) = run(&["gs1", "check"], input);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[0]["verdict"], "valid");
    assert_eq!(lines[0]["hri"], "(8018)952000099900012352(8019)1");
    assert_eq!(lines[0]["elements"][0][1], "952000099900012352");
    assert_eq!(lines[1]["verdict"], "invalid");
    assert_eq!(lines[1]["class"], "BAD_CHECK_DIGIT");
    assert_eq!(lines[1]["ai"], "01");
    assert_eq!(lines[1]["offset"], 17);
    assert_eq!(lines[2]["verdict"], "non-gs1");
    assert_eq!(lines[3]["elements"][3], serde_json::json!(["21", "Ser1aL"]));
    assert_eq!(lines[4]["class"], "DL_KEY_QUALIFIER");
    assert_eq!(code, 1, "an invalid line makes the exit status 1");
    // Key order is part of what people read: verdict first.
    assert!(out.lines().all(|l| l.starts_with("{\"verdict\":")));
}

#[test]
fn gs_substitute_and_exit_status() {
    let (code, out) = run(
        &["gs1", "check", "--gs-substitute", "<GS>"],
        b"]d20109506000134352<GS>17261231\n",
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("\"hri\":\"(01)09506000134352(17)261231\""),
        "{out}"
    );
}

#[test]
fn dl_converts_both_ways() {
    let (code, out) = run(&["gs1", "dl", "(01)09506000134352(10)AB1(17)261231"], b"");
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        "https://id.gs1.org/01/09506000134352/10/AB1?17=261231"
    );
    let (_, back) = run(&["gs1", "dl", out.trim()], b"");
    assert_eq!(back.trim(), "(01)09506000134352(10)AB1(17)261231");
}

#[test]
fn parse_explains_errors_with_the_place() {
    let (code, out) = run(&["gs1", "parse", "(01)09506000134352(17)250230"], b"");
    assert_eq!(code, 1);
    assert!(out.contains("INVALID [BAD_DATE]"), "{out}");
    assert!(out.contains("(17)2502|30|"), "{out}");
}
