//! `GET /v1/audit/events` (admin only) and `GET /v1/me`: roles, newest-first paging that
//! visits every row exactly once, rows exactly as stored (their hashes recompute and link),
//! the chain verification (and a tampered row reported), the read itself audited before
//! any row is returned, and strict query parameters — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::Value;

async fn get(app: &common::TestApp, path: &str, token: Option<&str>) -> common::Resp {
    app.req("GET", path, token, None, b"").await
}

fn seqs(page: &Value) -> Vec<i64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect()
}

/// Each row's hash recomputes from its stored fields, and (newest first) each row's
/// `prev_hash` is the next row's `hash`.
fn assert_rows_hash_and_link(events: &[Value]) {
    for (i, e) in events.iter().enumerate() {
        let canonical = bedside::audit::canonical(
            e["seq"].as_i64().unwrap(),
            e["at"].as_i64().unwrap(),
            e["actor"].as_str().unwrap(),
            e["action"].as_str().unwrap(),
            e["detail"].as_str().unwrap(),
            e["prev_hash"].as_str().unwrap(),
        );
        assert_eq!(
            bedside::crypto::sha256_hex(canonical.as_bytes()),
            e["hash"].as_str().unwrap(),
            "row {e}"
        );
        if let Some(older) = events.get(i + 1) {
            assert_eq!(
                e["prev_hash"], older["hash"],
                "link {} → {}",
                e["seq"], older["seq"]
            );
        }
    }
}

async fn events_and_me(db: common::TestDb) {
    let backend = db.backend;
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let admin = common::token("admin");
    let nurse = common::token("nurse");

    // Who am I: any role, no patient data, 401 without a token.
    for &role in bedside::demo::ROLES {
        let r = get(&app, "/v1/me", Some(&common::token(role))).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["role"], role);
        assert_eq!(r.json()["token_id"], format!("demo-{role}"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    get(&app, "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");

    // Roles.
    get(&app, "/v1/audit/events", None)
        .await
        .assert_problem(401, "unauthorized");
    for role in ["nurse", "pharmacist", "admissions", "integrator"] {
        get(&app, "/v1/audit/events", Some(&common::token(role)))
            .await
            .assert_problem(403, "forbidden");
    }

    // Some decisions to read.
    for b in d.wristbands.iter().take(7) {
        app.identify(&nurse, &b.scan).await;
    }
    let before_read = app.audit_rows().await;

    // The newest page: the read itself comes first, audited before any row was returned.
    let r = get(&app, "/v1/audit/events?limit=3", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let page = r.json();
    assert_eq!(app.audit_rows().await, before_read + 1);
    let events = page["events"].as_array().unwrap();
    assert_eq!(seqs(&page), [before_read + 1, before_read, before_read - 1]);
    assert_eq!(events[0]["action"], "audit.read");
    assert_eq!(events[0]["actor"], "token:demo-admin");
    let read: Value = serde_json::from_str(events[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        read,
        serde_json::json!({"before": null, "limit": 3, "verify": true})
    );
    assert_eq!(events[1]["action"], "identify");
    assert_eq!(events[1]["actor"], "token:demo-nurse");
    let detail: Value = serde_json::from_str(events[1]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["status"], d.wristbands[6].expect_status.as_str());
    assert_rows_hash_and_link(events);
    assert_eq!(page["next_before"], before_read - 1);
    let v = &page["verification"];
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["rows"], before_read + 1);
    assert!(v["first_broken"].is_null());

    // Paging back visits every row once, newest first, down to row 1.
    let mut all = seqs(&page);
    let mut next = page["next_before"].as_i64();
    let mut pages = 1;
    while let Some(before) = next {
        let r = get(
            &app,
            &format!("/v1/audit/events?before={before}&limit=4&verify=false"),
            Some(&admin),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let p = r.json();
        assert!(p["verification"].is_null());
        assert!(seqs(&p).iter().all(|s| *s < before));
        assert_rows_hash_and_link(p["events"].as_array().unwrap());
        all.extend(seqs(&p));
        next = p["next_before"].as_i64();
        pages += 1;
        assert!(pages < 100, "paging does not end");
    }
    let newest = before_read + 1;
    assert_eq!(all, (1..=newest).rev().collect::<Vec<_>>());
    // Each page read was audited too.
    assert_eq!(app.audit_rows().await, newest + pages - 1);
    // The default page size is 50, at most 200.
    let r = get(&app, "/v1/audit/events?verify=false", Some(&admin)).await;
    assert_eq!(
        seqs(&r.json()).len(),
        50.min(app.audit_rows().await as usize)
    );

    // Strict parameters: refused before anything is read or audited.
    let rows = app.audit_rows().await;
    for q in [
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=",
        "limit=%35",
        "before=0",
        "before=-1",
        "before=%2B5",
        "before=1.5",
        "verify=yes",
        "verify=1",
        "offset=10",
        "limit=5&limit=6",
        "before=5&before=5",
        "verify=true&verify=false",
    ] {
        get(&app, &format!("/v1/audit/events?{q}"), Some(&admin))
            .await
            .assert_problem(422, "invalid_request");
    }
    let r = get(&app, "/v1/audit/events?%3Cscript%3E=1", Some(&admin)).await;
    r.assert_problem(422, "invalid_request");
    assert!(!r.text().contains("<script>"), "{}", r.text());
    assert_eq!(
        app.audit_rows().await,
        rows,
        "refused reads are not audited"
    );

    // A tampered row: shown as stored, and the verification says where the chain breaks.
    let drop = match backend {
        common::Backend::Sqlite => "DROP TRIGGER audit_no_update",
        common::Backend::Postgres => "DROP TRIGGER audit_no_update ON audit",
    };
    sqlx::query(drop).execute(&app.state.db.pool).await.unwrap();
    sqlx::query("UPDATE audit SET detail = '{\"status\":\"match\"}' WHERE seq = 4")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = get(&app, "/v1/audit/events?before=5&limit=1", Some(&admin)).await;
    let p = r.json();
    assert_eq!(p["events"][0]["seq"], 4);
    assert_eq!(p["events"][0]["detail"], "{\"status\":\"match\"}");
    assert_eq!(p["verification"]["ok"], false, "{p}");
    assert_eq!(p["verification"]["first_broken"]["seq"], 4, "{p}");
    app.stop().await;
}

both_backends!(events_and_me_on, events_and_me);
