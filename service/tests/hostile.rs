//! Hostile inputs on every endpoint: oversized, malformed JSON, invalid UTF-8, unknown
//! fields, wrong types and media types, injection strings → typed 4xx problem+json, and
//! nothing stored (the audit trail and the index are unchanged).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::json;
use sqlx::Row;

async fn counts(app: &common::TestApp) -> (i64, i64, i64) {
    let one = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    (
        one("SELECT COUNT(*) FROM audit").await,
        one("SELECT COUNT(*) FROM identifiers").await,
        one("SELECT COUNT(*) FROM patients").await,
    )
}

async fn hostile_requests_are_typed_4xx_and_store_nothing(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let nurse = common::token("nurse");
    let before = counts(&app).await;
    let post = |path: &'static str, ctype: Option<&'static str>, body: Vec<u8>| {
        let nurse = nurse.clone();
        let app = &app;
        async move { app.req("POST", path, Some(&nurse), ctype, &body).await }
    };
    let json_ct = Some("application/json");
    // Every POST endpoint gets the same battery.
    for path in ["/v1/identify"] {
        post(path, json_ct, vec![b'{'; 100_000])
            .await
            .assert_problem(413, "payload_too_large");
        post(path, json_ct, br#"{"scan": "]d2"#.to_vec())
            .await
            .assert_problem(400, "malformed_json");
        post(path, json_ct, b"".to_vec())
            .await
            .assert_problem(400, "malformed_json");
        post(path, json_ct, b"{\"scan\": \"\xff\xfe\"}".to_vec())
            .await
            .assert_problem(400, "invalid_utf8");
        post(path, Some("text/plain"), br#"{"scan":"x"}"#.to_vec())
            .await
            .assert_problem(415, "unsupported_media_type");
        post(path, None, br#"{"scan":"x"}"#.to_vec())
            .await
            .assert_problem(415, "unsupported_media_type");
        post(path, json_ct, br#"{"scan":"]d1x","extra":1}"#.to_vec())
            .await
            .assert_problem(422, "invalid_request");
        post(path, json_ct, br#"{"scan":42}"#.to_vec())
            .await
            .assert_problem(422, "invalid_request");
        post(path, json_ct, br#"[]"#.to_vec())
            .await
            .assert_problem(422, "invalid_request");
        post(path, json_ct, br#"{}"#.to_vec())
            .await
            .assert_problem(422, "invalid_request");
        post(path, json_ct, br#"{"scan":""}"#.to_vec())
            .await
            .assert_problem(422, "invalid_request");
        let long = json!({"scan": "]d2".to_owned() + &"9".repeat(5000)}).to_string();
        post(path, json_ct, long.into_bytes())
            .await
            .assert_problem(422, "invalid_request");
    }
    // Injection strings in the open-record field: refused, not executed, not echoed.
    for inj in [
        "'; DROP TABLE patients; --",
        "<script>alert(1)</script>",
        "999 000 1235' OR '1'='1",
        "\u{0}",
    ] {
        let r = app
            .post_json("/v1/identify", &nurse, &json!({"scan": common::demo().patients[0].wristband_scan, "open_patient_nhs_number": inj}))
            .await;
        r.assert_problem(422, "invalid_request");
        assert!(
            !r.text().contains("DROP TABLE") && !r.text().contains("<script>"),
            "{}",
            r.text()
        );
    }
    // Unknown routes and methods are problems too.
    app.req("GET", "/v1/nothing", Some(&nurse), None, b"")
        .await
        .assert_problem(404, "not_found");
    app.req("GET", "/v1/identify", Some(&nurse), None, b"")
        .await
        .assert_problem(405, "method_not_allowed");
    app.req("DELETE", "/healthz", None, None, b"")
        .await
        .assert_problem(405, "method_not_allowed");
    assert_eq!(
        counts(&app).await,
        before,
        "a refused request stored something"
    );

    // Injection strings inside scan data are data: decided (and audited) as not a band,
    // and the tables are intact.
    for inj in [
        "]d2'; DROP TABLE patients; --",
        "]d1<script>",
        "]d27253Robert%27)%3B%20DROP%20TABLE%20Students%3B--",
    ] {
        let r = app.identify(&nurse, inj).await;
        assert_eq!(r["status"], "no_match", "{r}");
    }
    let after = counts(&app).await;
    assert_eq!((after.1, after.2), (before.1, before.2));
    assert_eq!(after.0, before.0 + 3, "each decision audited once");
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
    app.stop().await;
}
both_backends!(hostile, hostile_requests_are_typed_4xx_and_store_nothing);
