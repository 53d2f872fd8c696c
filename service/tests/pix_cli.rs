//! `bedside pix query` end to end: the built binary against the Python PIX Manager
//! (ITI-9/MLLP) and PIXm (ITI-83/HTTP) peers from `crates/pix/tests/peers/`.
//! Checks the scripted contract: flags, one JSON object with exactly the keys
//! outcome / nhs_number / detail, and exit codes 0 (found) / 1 (other) / 2 (usage).
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

struct Peer {
    child: Child,
    port: u16,
}

impl Peer {
    fn start(script: &str) -> Self {
        let path = format!(
            "{}/../crates/pix/tests/peers/{script}",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = Command::new("python3")
            .arg("-u")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 for {script}: {e}; install Python 3 and `pip install -r .ci/requirements.txt`"));
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let Some(port) = first
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
        else {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            let _ = child.kill();
            panic!("peer {script} did not start: {err}\n(`pip install -r .ci/requirements.txt`)");
        };
        std::thread::spawn(move || for _ in reader.lines() {});
        Self { child, port }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bedside(args: &[&str], token: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bedside"));
    cmd.args(args).env_remove("BEDSIDE_PIX_TOKEN");
    if let Some(t) = token {
        cmd.env("BEDSIDE_PIX_TOKEN", t);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn json_query(
    exchange: &str,
    id: &str,
    domain: &str,
    extra: &[&str],
    token: Option<&str>,
) -> (i32, serde_json::Value) {
    let mut args = vec![
        "pix",
        "query",
        "--id",
        id,
        "--domain",
        domain,
        "--exchange",
        exchange,
        "--json",
        "--timeout-ms",
        "1000",
    ];
    args.extend_from_slice(extra);
    let (code, out) = bedside(&args, token);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one JSON line expected: {out}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["outcome", "nhs_number", "detail"], "{out}");
    assert!(v["detail"].is_string());
    (code, v)
}

const MRN: &str = "TRUST_MRN&2.999.826.0.1.1&ISO";

#[test]
fn mllp_outcomes_and_exit_codes() {
    let peer = Peer::start("pix_manager.py");
    let ex = format!("mllp://127.0.0.1:{}", peer.port);
    let (code, v) = json_query(&ex, "K1234567", MRN, &[], None);
    assert_eq!(
        (code, v["outcome"].as_str(), v["nhs_number"].as_str()),
        (0, Some("found"), Some("9990001235"))
    );
    // The OID alone names the same domain.
    assert_eq!(
        json_query(&ex, "K1234567", "2.999.826.0.1.1", &[], None).1["outcome"],
        "found"
    );
    for (id, domain, extra, want) in [
        ("K0000002", MRN, &[][..], "not_found"),
        ("K9999999", MRN, &[], "unknown_identifier"),
        ("K1234567", "urn:oid:2.999.1", &[], "unknown_source_domain"),
        (
            "K1234567",
            MRN,
            &["--target-domain", "2.999.77"],
            "unknown_target_domain",
        ),
        ("K0000005", MRN, &[], "ambiguous"),
        ("K0000006", MRN, &[], "ambiguous"),
        ("REJECT", MRN, &[], "rejected"),
        ("DROP", MRN, &[], "unavailable"),
        ("GARBAGE", MRN, &[], "unavailable"),
    ] {
        let (code, v) = json_query(&ex, id, domain, extra, None);
        assert_eq!(v["outcome"], want, "{id}: {v}");
        assert_eq!(code, 1, "{id}");
        assert!(v["nhs_number"].is_null(), "{id}: {v}");
    }
    // Human-readable output shows the NHS number 3-3-4.
    let (code, out) = bedside(
        &[
            "pix",
            "query",
            "--id",
            "K1234567",
            "--domain",
            MRN,
            "--exchange",
            &ex,
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("found: NHS number 999 000 1235"), "{out}");
}

#[test]
fn pixm_outcomes_with_bearer_token() {
    let peer = Peer::start("pixm_server.py");
    let ex = format!("http://127.0.0.1:{}/fhir", peer.port);
    let (code, v) = json_query(
        &ex,
        "K1234567",
        "urn:oid:2.999.826.0.1.1",
        &[],
        Some("test-token"),
    );
    assert_eq!(
        (code, v["outcome"].as_str(), v["nhs_number"].as_str()),
        (0, Some("found"), Some("9990001235"))
    );
    for (id, domain, want) in [
        ("K0000002", "2.999.826.0.1.1", "not_found"),
        ("K9999999", "2.999.826.0.1.1", "unknown_identifier"),
        ("K1234567", "urn:oid:2.999.1", "unknown_source_domain"),
        ("K0000005", "2.999.826.0.1.1", "ambiguous"),
        ("MALFORMED", "2.999.826.0.1.1", "unavailable"),
    ] {
        let (code, v) = json_query(&ex, id, domain, &[], Some("test-token"));
        assert_eq!((code, v["outcome"].as_str()), (1, Some(want)), "{id}: {v}");
    }
    let (code, v) = json_query(
        &ex,
        "K1234567",
        "2.999.826.0.1.1",
        &["--target-domain", "urn:oid:2.999.77"],
        Some("test-token"),
    );
    assert_eq!(
        (code, v["outcome"].as_str()),
        (1, Some("unknown_target_domain"))
    );
    // No token: the manager says 401, which is rejected, never found.
    let (code, v) = json_query(&ex, "K1234567", "2.999.826.0.1.1", &[], None);
    assert_eq!((code, v["outcome"].as_str()), (1, Some("rejected")));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[
            "pix",
            "query",
            "--id",
            "K1",
            "--domain",
            "not a domain",
            "--exchange",
            "mllp://127.0.0.1:1",
        ][..],
        &[
            "pix",
            "query",
            "--id",
            "K1",
            "--domain",
            "2.999.1",
            "--exchange",
            "ftp://host",
        ],
        &[
            "pix",
            "query",
            "--id",
            "K1",
            "--domain",
            "2.999.1",
            "--exchange",
            "mllp://",
        ],
        &[
            "pix",
            "query",
            "--domain",
            "2.999.1",
            "--exchange",
            "mllp://127.0.0.1:1",
        ],
        &[
            "pix",
            "query",
            "--id",
            "",
            "--domain",
            "2.999.1",
            "--exchange",
            "mllp://127.0.0.1:1",
        ],
        // PIXm names every domain by a URI or an OID; a namespace alone cannot be sent.
        &[
            "pix",
            "query",
            "--id",
            "K1",
            "--domain",
            "TRUST_MRN&&",
            "--exchange",
            "http://127.0.0.1:1/fhir",
        ],
    ] {
        let (code, _) = bedside(args, None);
        assert_eq!(code, 2, "{args:?}");
    }
}
