//! `POST /v1/identify` end to end on real SQLite and real PostgreSQL: every demo wristband
//! (one per status and reason) gives its documented answer, the open record is
//! cross-checked, roles are enforced, and the audit chain verifies afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::{Value, json};

async fn every_demo_band_gives_its_documented_answer(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let nurse = common::token("nurse");
    let d = common::demo();
    let mut statuses = std::collections::BTreeSet::new();
    for b in &d.wristbands {
        let r = app.identify(&nurse, &b.scan).await;
        assert_eq!(r["status"], b.expect_status.as_str(), "{}: {r}", b.label);
        statuses.insert(b.expect_status.clone());
        match &b.expect_reason {
            None => {
                assert_eq!(r["reasons"], json!([]));
                let p = &r["patient"];
                let want = d
                    .patients
                    .iter()
                    .find(|p2| p2.wristband_scan == b.scan)
                    .unwrap();
                assert_eq!(p["nhs_number"], want.nhs_number.as_str());
                assert_eq!(p["nhs_number_display"], want.nhs_number_display.as_str());
                assert_eq!(p["date_of_birth"], want.date_of_birth_display.as_str());
                assert_eq!(
                    p["family"].as_str().unwrap(),
                    p["family"].as_str().unwrap().to_uppercase()
                );
                assert!(
                    r["message"]
                        .as_str()
                        .unwrap()
                        .starts_with("Confirm with the patient")
                );
            }
            Some(reason) => {
                assert_eq!(r["reasons"][0]["code"], reason.as_str(), "{}: {r}", b.label);
                assert!(
                    r.get("patient").is_none(),
                    "no identity shown unless matched: {r}"
                );
                assert!(!r["message"].as_str().unwrap().is_empty());
            }
        }
        assert!(r["decision_id"].as_i64().unwrap() > 0);
    }
    // The GS1 fault carries class, offset and AI.
    let bad = d
        .wristbands
        .iter()
        .find(|b| b.expect_reason.as_deref() == Some("gs1_invalid"))
        .unwrap();
    let r = app.identify(&nurse, &bad.scan).await;
    assert_eq!(r["reasons"][0]["gs1"]["class"], "BAD_CHECK_DIGIT");
    assert_eq!(r["reasons"][0]["gs1"]["ai"], "8018");
    assert!(r["reasons"][0]["gs1"]["offset"].as_u64().unwrap() > 0);
    // No AIM identifier at all: not scanner data.
    let r = app.identify(&nurse, "8018952000099900012352").await;
    assert_eq!(r["reasons"][0]["code"], "not_gs1");
    assert_eq!(statuses.len(), 4, "every status is shown by a demo band");
    let v = bedside::audit::verify(&app.state.db).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert!(v.rows > i64::try_from(d.wristbands.len()).unwrap());
    app.stop().await;
}
both_backends!(demo_bands, every_demo_band_gives_its_documented_answer);

async fn open_record_is_cross_checked(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let nurse = common::token("nurse");
    let d = common::demo();
    let (a, b) = (&d.patients[0], &d.patients[1]);
    let ask = |open: &str| json!({"scan": a.wristband_scan, "open_patient_nhs_number": open});
    let r = app
        .post_json("/v1/identify", &nurse, &ask(&a.nhs_number_display))
        .await
        .json();
    assert_eq!(r["status"], "match", "{r}");
    assert!(
        r["sources"]
            .as_array()
            .unwrap()
            .contains(&json!("open_record"))
    );
    let r = app
        .post_json("/v1/identify", &nurse, &ask(&b.nhs_number))
        .await
        .json();
    assert_eq!(r["status"], "no_match");
    assert_eq!(r["reasons"][0]["code"], "open_record_mismatch");
    assert!(r["message"].as_str().unwrap().starts_with("STOP"));
    // A malformed open-record number is the caller's error, not a decision.
    let before = app.audit_rows().await;
    app.post_json("/v1/identify", &nurse, &ask("9990001234"))
        .await
        .assert_problem(422, "invalid_request");
    assert_eq!(app.audit_rows().await, before);
    app.stop().await;
}
both_backends!(open_record, open_record_is_cross_checked);

async fn roles_are_enforced(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let scan = common::demo().patients[0].wristband_scan.clone();
    let body = json!({"scan": scan});
    for role in ["nurse", "pharmacist", "admissions"] {
        let r = app
            .post_json("/v1/identify", &common::token(role), &body)
            .await;
        assert_eq!(r.status, 200, "{role}");
    }
    for role in ["integrator", "admin"] {
        app.post_json("/v1/identify", &common::token(role), &body)
            .await
            .assert_problem(403, "forbidden");
    }
    let r = app
        .req(
            "POST",
            "/v1/identify",
            None,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
        .await;
    r.assert_problem(401, "unauthorized");
    for bad in [
        "bsd.demo-nurse.0000",
        "bsd.nobody.abc",
        "nonsense",
        "bsd.demo-nurse.' OR 1=1 --",
    ] {
        app.post_json("/v1/identify", bad, &body)
            .await
            .assert_problem(401, "unauthorized");
    }
    // Admin-only audit endpoint.
    app.req(
        "GET",
        "/v1/audit/verify",
        Some(&common::token("nurse")),
        None,
        b"",
    )
    .await
    .assert_problem(403, "forbidden");
    let r = app
        .req(
            "GET",
            "/v1/audit/verify",
            Some(&common::token("admin")),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ok"], true);
    // Tokens are stored hashed: no plaintext secret anywhere in the table.
    use sqlx::Row;
    let rows = sqlx::query("SELECT id, salt, secret_hash FROM tokens")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
    for r in rows {
        let id: String = r.try_get(0).unwrap();
        let hash: String = r.try_get(2).unwrap();
        let secret = common::token(id.trim_start_matches("demo-"))
            .rsplit('.')
            .next()
            .unwrap()
            .to_owned();
        assert_ne!(hash, secret);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&secret));
    }
    app.stop().await;
}
both_backends!(roles, roles_are_enforced);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_wedge_substitute_and_rate_limit() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let mut cfg = db.config();
    cfg.gs_substitute = Some("~".into());
    cfg.rate_limit_per_minute = 5;
    let app = common::TestApp::start(cfg).await;
    let nurse = common::token("nurse");
    let wedge = common::demo().patients[0]
        .wristband_scan
        .replace('\u{1d}', "~");
    let r: Value = app.identify(&nurse, &wedge).await;
    assert_eq!(r["status"], "match", "{r}");
    for _ in 0..4 {
        app.identify(&nurse, &wedge).await;
    }
    let r = app
        .post_json("/v1/identify", &nurse, &json!({"scan": wedge}))
        .await;
    r.assert_problem(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
    // Another token has its own budget.
    assert_eq!(
        app.identify(&common::token("pharmacist"), &wedge).await["status"],
        "match"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_policy_refuses_test_numbers() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let mut cfg = db.config();
    cfg.allow_test_nhs_numbers = false;
    let app = common::TestApp::start(cfg).await;
    let r = app
        .identify(
            &common::token("nurse"),
            &common::demo().patients[0].wristband_scan,
        )
        .await;
    assert_eq!(r["status"], "no_match");
    assert_eq!(r["reasons"][0]["code"], "nhs_number_check_failed");
    app.stop().await;
}

/// The reasons the demo bands do not show: prefix, invalid band, incomplete record, and a
/// database failure — each refuses, never matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remaining_reasons_are_reachable() {
    use sqlx::Row as _;
    let d = common::demo();
    let nurse = common::token("nurse");

    // A trust that prints under another prefix refuses the demo bands.
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let mut cfg = db.config();
    cfg.gsrn_prefixes = vec!["9520001".into()];
    let app = common::TestApp::start(cfg).await;
    let r = app.identify(&nurse, &d.patients[0].wristband_scan).await;
    assert_eq!(
        (r["status"].as_str(), r["reasons"][0]["code"].as_str()),
        (Some("no_match"), Some("gsrn_prefix_not_allowed")),
        "{r}"
    );
    app.stop().await;

    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    // A date of birth in the future: valid GS1, not a valid band.
    let future = d.patients[0]
        .wristband_scan
        .replace("725019800118", "725020991231");
    let r = app.identify(&nurse, &future).await;
    assert_eq!(
        (r["status"].as_str(), r["reasons"][0]["code"].as_str()),
        (Some("no_match"), Some("wristband_invalid")),
        "{r}"
    );
    assert!(
        !r["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2099"),
        "no data in messages"
    );
    // A record without a given name cannot confirm.
    sqlx::query("UPDATE patients SET given = '' WHERE nhs_number = $1")
        .bind(&d.patients[1].nhs_number)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = app.identify(&nurse, &d.patients[1].wristband_scan).await;
    assert_eq!(
        (r["status"].as_str(), r["reasons"][0]["code"].as_str()),
        (Some("no_match"), Some("demographics_incomplete")),
        "{r}"
    );
    // The database goes away: the resolver says unavailable, and the HTTP answer is a 503
    // problem (no decision without an audit row).
    let before: i64 = sqlx::query("SELECT COUNT(*) FROM audit")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert!(before > 0);
    app.state.db.close().await;
    let id = app
        .state
        .identifier
        .identify(&d.patients[0].wristband_scan, None)
        .await;
    assert_eq!(id.decision.status(), bedside::identify::Status::Unavailable);
    assert_eq!(
        id.decision.reasons()[0].code,
        bedside::identify::ReasonCode::IndexUnavailable
    );
    let r = app
        .post_json(
            "/v1/identify",
            &nurse,
            &json!({"scan": d.patients[0].wristband_scan}),
        )
        .await;
    // The nurse's token was read a moment ago (token cache), so the request reaches the
    // decision — which cannot be audited, so it is not given.
    r.assert_problem(503, "audit_unavailable");
    assert!(r.header("retry-after").is_some());
    app.req("GET", "/readyz", None, None, b"")
        .await
        .assert_problem(503, "database_unavailable");
    app.stop().await;
}
