//! The audit trail exported as FHIR R4 AuditEvent resources — `GET /v1/audit/fhir` (a
//! searchset Bundle, paged) and `bedside audit export` (NDJSON) — on real SQLite and real
//! PostgreSQL. Every exported resource is validated by an independent FHIR implementation
//! (PyPI `fhir.resources`, R4B models) and the hash chain is recomputed from the export
//! alone by `tests/peers/validate_auditevents.py`; a row altered in the database is caught
//! in the export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

/// Runs the Python validator on a file; returns its report and whether it passed.
fn validate(file: &Path) -> (Value, bool) {
    let script = format!(
        "{}/tests/peers/validate_auditevents.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new("python3")
        .arg(&script)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it and `pip install -r .ci/requirements.txt`")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "validator crashed (is fhir.resources installed? `pip install -r .ci/requirements.txt`):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.success())
}

async fn some_traffic(app: &common::TestApp) {
    let d = common::demo();
    let nurse = common::token("nurse");
    for b in &d.wristbands {
        app.identify(&nurse, &b.scan).await;
    }
    // A check (staff agent, pack entity, location) and a refused record.
    let body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": format!("]d201{}1728123110PA2811\u{1d}21FHIR1", d.medicines[0].gtin),
        "staff_scan": d.staff[0].badge_scan,
        "location_scan": d.locations[0].scan,
        "quantity": 7, "route": "oral",
    });
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 409, "{}", r.text());
}

async fn export_over_http(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    some_traffic(&app).await;
    // Every row the service wrote reads back as its action's typed facts: the export
    // never falls back to looking keys up by name for the service's own rows.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT action, detail FROM audit ORDER BY seq")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert!(rows.iter().any(|(a, _)| a == "administration.refused"));
    for (action, detail) in &rows {
        let fact = bedside_ward::audit::Fact::read(action, detail)
            .unwrap_or_else(|e| panic!("{action}: {e}: {detail}"));
        if detail.contains("nhs_number\":\"") {
            assert!(!fact.patients().is_empty(), "{action}: {detail}");
        }
    }
    let admin = common::token("admin");

    // Roles: admin and integrator only.
    app.req("GET", "/v1/audit/fhir", None, None, b"")
        .await
        .assert_problem(401, "unauthorized");
    app.req(
        "GET",
        "/v1/audit/fhir",
        Some(&common::token("nurse")),
        None,
        b"",
    )
    .await
    .assert_problem(403, "forbidden");
    let r = app
        .req(
            "GET",
            "/v1/audit/fhir",
            Some(&common::token("integrator")),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Bad parameters are refused, never ignored.
    for q in [
        "_count=0",
        "_count=1001",
        "after=-1",
        "since=yesterday",
        "patient=9990001235",
        "_count=5&_count=6",
    ] {
        app.req(
            "GET",
            &format!("/v1/audit/fhir?{q}"),
            Some(&admin),
            None,
            b"",
        )
        .await
        .assert_problem(422, "invalid_request");
    }

    // Page through everything, five at a time, following the next links.
    let rows_before = app.audit_rows().await;
    let dir = common::tempdir::TempDir::new("fhir");
    let mut url = "/v1/audit/fhir?_count=5".to_owned();
    let mut pages = 0;
    let mut last_hash: Option<String> = None;
    let mut seen = Vec::new();
    let mut patients = serde_json::Map::new();
    loop {
        let r = app.req("GET", &url, Some(&admin), None, b"").await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("content-type"), Some("application/fhir+json"));
        let bundle = r.json();
        let file = dir.path().join(format!("page{pages}.json"));
        std::fs::write(&file, &r.body).unwrap();
        let (report, ok) = validate(&file);
        assert!(ok, "page {pages} failed validation: {report}");
        let entries = bundle["entry"].as_array().unwrap();
        // The chain continues across pages.
        if let (Some(prev), Some(first)) = (&last_hash, entries.first()) {
            let d = record_details(&first["resource"]);
            assert_eq!(&d["prev_hash"], prev, "chain broken between pages");
        }
        if let Some(last) = entries.last() {
            last_hash = Some(record_details(&last["resource"])["hash"].clone());
        }
        for e in entries {
            seen.push(
                record_details(&e["resource"])["seq"]
                    .parse::<i64>()
                    .unwrap(),
            );
        }
        patients.extend(report["patients"].as_object().unwrap().clone());
        pages += 1;
        let next = bundle["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "next")
            .map(|l| l["url"].as_str().unwrap().to_owned());
        match next {
            Some(n) => url = n,
            None => break,
        }
        assert!(pages < 100, "paging does not end");
    }
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(seen, (1..=seen.len() as i64).collect::<Vec<_>>(), "no gaps");
    assert!(seen.len() as i64 >= rows_before);

    // The demo patient's identification names them by NHS number; the refused record and
    // the check are exported with their patient too.
    let d = common::demo();
    let p0 = &d.patients[0].nhs_number;
    let resources = all_resources(&app, &admin).await;
    let identify = resources
        .iter()
        .find(|r| {
            r["subtype"][0]["code"] == "identify"
                && r["entity"].as_array().unwrap().iter().any(|e| {
                    e["what"]["identifier"]["value"] == p0.as_str() && e["role"]["code"] == "1"
                })
        })
        .expect("an identify event for the first demo patient");
    assert_eq!(identify["type"]["code"], "110112");
    assert_eq!(identify["action"], "E");
    assert_eq!(identify["outcome"], "0");
    let user = &identify["agent"][0];
    assert_eq!(user["requestor"], true);
    assert_eq!(user["role"][0]["coding"][0]["code"], "nurse");
    assert_eq!(user["who"]["identifier"]["value"], "demo-nurse");
    let refused = resources
        .iter()
        .find(|r| r["subtype"][0]["code"] == "administration.refused")
        .unwrap();
    assert_eq!(refused["outcome"], "4");
    assert_eq!(refused["type"]["code"], "110110");
    let staff = refused["agent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"]["coding"][0]["code"] == "PRF")
        .expect("the giver's badge as performer");
    assert_eq!(
        staff["who"]["identifier"]["value"],
        format!("https://id.gs1.org/8017/{}", d.staff[0].gsrn)
    );
    assert!(
        staff["location"]["identifier"]["value"]
            .as_str()
            .unwrap()
            .starts_with("https://id.gs1.org/414/")
    );
    assert!(refused["entity"].as_array().unwrap().iter().any(|e| {
        e["what"]["identifier"]["value"].as_str().is_some_and(|v| {
            v.starts_with(&format!("https://id.gs1.org/01/{}", d.medicines[0].gtin))
        })
    }));
    let unavailable = resources.iter().find(|r| {
        r["subtype"][0]["code"] == "identify"
            && r["outcomeDesc"].as_str().unwrap().contains("unavailable")
    });
    if let Some(u) = unavailable {
        assert_eq!(
            u["outcome"], "4",
            "an unavailable decision is a minor failure"
        );
    }
    // Every read of the audit trail was itself audited.
    assert!(
        resources
            .iter()
            .filter(|r| r["subtype"][0]["code"] == "audit.exported")
            .count()
            >= pages
    );
    // A filter in the future finds nothing; the export rows are there.
    let r = app
        .req(
            "GET",
            "/v1/audit/fhir?since=2999-01-01",
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!(r.json()["entry"], json!([]));
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);

    // The CLI writes the same events as NDJSON; each validates and the chain holds.
    let out = dir.path().join("audit.ndjson");
    let o = Command::new(BIN)
        .args(["audit", "export", "--database-url", &db.url, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let n: Value = serde_json::from_slice(&o.stdout).unwrap();
    let (report, ok) = validate(&out);
    assert!(ok, "{report}");
    assert_eq!(report["first_seq"], 1);
    assert_eq!(n["exported"], report["resources"]);
    assert!(report["resources"].as_i64().unwrap() >= seen.len() as i64);
    // --since in the future: nothing; a bad --since is a usage error.
    let o = Command::new(BIN)
        .args([
            "audit",
            "export",
            "--database-url",
            &db.url,
            "--since",
            "2999-01-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = Command::new(BIN)
        .args([
            "audit",
            "export",
            "--database-url",
            &db.url,
            "--since",
            "last tuesday",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));

    // Someone with database access alters a decision: the export shows it.
    tamper(&app.state.db, 3).await;
    let o = Command::new(BIN)
        .args(["audit", "export", "--database-url", &db.url, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let (report, ok) = validate(&out);
    assert!(!ok, "a tampered row must fail the chain check: {report}");
    assert!(
        report["errors"][0]
            .as_str()
            .unwrap()
            .contains("bedside-audit-3"),
        "{report}"
    );
    app.stop().await;
}
both_backends!(http_and_cli, export_over_http);

fn record_details(resource: &Value) -> std::collections::HashMap<String, String> {
    let e = resource["entity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "bedside-audit-record")
        .unwrap();
    e["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let v = x
                .get("valueString")
                .or_else(|| x.get("valueBase64Binary"))
                .unwrap();
            (
                x["type"].as_str().unwrap().to_owned(),
                v.as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn all_resources(app: &common::TestApp, token: &str) -> Vec<Value> {
    let r = app
        .req("GET", "/v1/audit/fhir?_count=1000", Some(token), None, b"")
        .await;
    r.json()["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect()
}

async fn tamper(db: &bedside::db::Db, seq: i64) {
    let drop = match db.backend {
        bedside::db::Backend::Sqlite => "DROP TRIGGER audit_no_update",
        bedside::db::Backend::Postgres => "DROP TRIGGER audit_no_update ON audit",
    };
    sqlx::query(drop).execute(&db.pool).await.unwrap();
    sqlx::query("UPDATE audit SET detail = '{\"status\":\"match\"}' WHERE seq = $1")
        .bind(seq)
        .execute(&db.pool)
        .await
        .unwrap();
}
