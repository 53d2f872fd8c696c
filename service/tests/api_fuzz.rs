//! The HTTP contract under a property-based fuzzer: the real `bedside serve` binary on a
//! fresh SQLite data directory with the demo data, and PyPI `schemathesis` (pinned in
//! `.ci/requirements.txt`) run against the `/openapi.json` it serves, with every check,
//! positive and negative examples, a fixed seed and a bounded number of examples per
//! operation. It must find nothing: no 5xx, no schema-valid request refused, no
//! schema-violating request accepted, no response that breaks the document.
//!
//! Two passes, because roles decide what a token may do: a nurse's token over every
//! operation but the audit trail, and the admin's over the audit trail. The `nhs-number`
//! format is taught to the fuzzer by `api_fuzz/bedside_hooks.py`; `api_fuzz/schemathesis.toml`
//! counts 413 (body too large) as a refusal any request may get, and says why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

/// Examples per operation and phase; the whole test stays well under 3 minutes on 2 cores.
const MAX_EXAMPLES: &str = "60";
/// The fuzzer's seed: every run sends the same requests.
const SEED: &str = "20261207";

/// The schemathesis command line (program and leading arguments) at the version pinned in
/// `.ci/requirements.txt`, or a failure saying how to install it.
fn schemathesis() -> (String, Vec<String>) {
    let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/requirements.txt");
    let pinned = std::fs::read_to_string(requirements)
        .unwrap()
        .lines()
        .find_map(|l| l.trim().strip_prefix("schemathesis==").map(str::to_owned))
        .expect("schemathesis pinned in .ci/requirements.txt");
    let candidates: [(&str, &[&str]); 3] = [
        ("st", &[]),
        ("schemathesis", &[]),
        ("python3", &["-m", "schemathesis.cli"]),
    ];
    for (program, args) in candidates {
        let Ok(out) = Command::new(program).args(args).arg("--version").output() else {
            continue;
        };
        if !out.status.success() {
            continue;
        }
        let version = String::from_utf8_lossy(&out.stdout);
        assert!(
            version.trim_end().ends_with(&format!("version {pinned}")),
            "schemathesis {} is installed, the tests need {pinned}: \
             `pip install -r .ci/requirements.txt`",
            version.trim()
        );
        return (
            program.to_owned(),
            args.iter().map(|a| (*a).to_owned()).collect(),
        );
    }
    panic!(
        "schemathesis is not installed: `pip install -r .ci/requirements.txt` \
         (the API fuzz test needs it; it is never skipped)"
    );
}

fn fuzz(
    st: &(String, Vec<String>),
    base: &str,
    token: &str,
    select: (&str, &str),
    numbers: &str,
    dir: &Path,
    report: &Path,
) -> (bool, String) {
    let hooks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api_fuzz");
    let out = Command::new(&st.0)
        .args(&st.1)
        .arg("--config-file")
        .arg(format!("{hooks}/schemathesis.toml"))
        .arg("run")
        .arg(format!("{base}/openapi.json"))
        .args(["--checks", "all"])
        .args(["--max-examples", MAX_EXAMPLES])
        .args(["--seed", SEED])
        .args(["--generation-database", "none"])
        .args(["--workers", "1"])
        .args(["--request-timeout", "20"])
        // Hypothesis' "too slow" health check times the fuzzer's own data generation, not
        // the service; on a busy 2-core CI machine it would fail runs that found nothing.
        .args(["--suppress-health-check", "too_slow"])
        .args([select.0, select.1])
        .arg("--no-color")
        .args(["--report", "junit"])
        .arg("--report-junit-path")
        .arg(report)
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .env("SCHEMATHESIS_HOOKS", "bedside_hooks")
        .env("PYTHONPATH", hooks)
        .env("BEDSIDE_FUZZ_NHS_NUMBERS", numbers)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        // Its cache of crashes goes in the test's directory, not the source tree.
        .current_dir(dir)
        .output()
        .expect("run schemathesis");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn schemathesis_finds_nothing() {
    let st = schemathesis();
    let dir = common::tempdir::TempDir::new("api-fuzz");
    // The fuzzer sends thousands of requests, many without a valid token on purpose: the
    // per-token and per-address limits would turn the rest into 429s and test nothing.
    let config = dir.path().join("bedside.json");
    std::fs::write(
        &config,
        r#"{"rate_limit_per_minute": 1000000, "auth_failures_per_minute": 1000000}"#,
    )
    .unwrap();
    let demo = Command::new(BIN)
        .args(["demo", "list", "--json"])
        .output()
        .unwrap();
    assert!(demo.status.success());
    let demo: Value = serde_json::from_slice(&demo.stdout).unwrap();
    let token = |role: &str| {
        demo["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["role"] == role)
            .and_then(|t| t["token"].as_str())
            .unwrap()
            .to_owned()
    };
    let numbers: Vec<&str> = demo["patients"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["nhs_number"].as_str())
        .collect();
    assert!(!numbers.is_empty());
    let mut cmd = Command::new(BIN);
    cmd.arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(&config)
        .env_remove("BEDSIDE_DATABASE_URL")
        .env_remove("BEDSIDE_DATA_DIR")
        .env_remove("BEDSIDE_CONFIG")
        .env("BEDSIDE_LOG", "warn");
    let (mut child, addr, stderr) = common::spawn_serve(cmd);
    let base = format!("http://{addr}");
    let started = Instant::now();
    let passes = [
        ("nurse", ("--exclude-path-regex", "^/v1/audit/")),
        ("admin", ("--include-path-regex", "^/v1/audit/")),
    ];
    let mut failures = Vec::new();
    for (role, select) in passes {
        let report = dir.path().join(format!("{role}.xml"));
        let (ok, text) = fuzz(
            &st,
            &base,
            &token(role),
            select,
            &numbers.join(","),
            dir.path(),
            &report,
        );
        eprintln!("----- schemathesis as {role} -----\n{text}");
        let junit = std::fs::read_to_string(&report).unwrap_or_default();
        assert!(
            junit.contains("<testsuite"),
            "schemathesis ({role}) wrote no report: {text}"
        );
        if !ok {
            failures.push(format!("as {role}:\n{text}"));
        }
    }
    let elapsed = started.elapsed();
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(100));
    let log = stderr.lock().unwrap().clone();
    assert!(alive, "the service died under the fuzzer:\n{log}");
    assert!(!log.contains("panicked"), "the service panicked:\n{log}");
    assert!(
        failures.is_empty(),
        "schemathesis found failures:\n{}",
        failures.join("\n")
    );
    eprintln!("api fuzz: {elapsed:?}");
}
