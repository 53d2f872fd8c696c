//! Token management with the real binary (`bedside token create|list|revoke`) against a
//! running service, on real SQLite and real PostgreSQL: a created token works at once, is
//! listed without its secret, stops working when revoked or expired (401 within the
//! one-second token cache, the attempt audited), and every change is audited; failed authentications are limited per client
//! address (429 from 127.0.0.1 while 127.0.0.2 is still served).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::Command;

use serde_json::{Value, json};
use sqlx::Row;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

fn token_cli(db: &common::TestDb, args: &[&str]) -> (i32, Value, String) {
    let o = Command::new(BIN)
        .arg("token")
        .args(args)
        .args(["--database-url", &db.url])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_str(out.trim()).unwrap_or(Value::Null),
        out + &String::from_utf8_lossy(&o.stderr),
    )
}

/// Waits until every cached token row has been read again.
async fn settle() {
    tokio::time::sleep(
        bedside::server::auth::TOKEN_CACHE_TTL + std::time::Duration::from_millis(100),
    )
    .await;
}

async fn audit_count(app: &common::TestApp, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

async fn create_use_list_revoke_expire(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let scan = common::demo().patients[0].wristband_scan.clone();

    let (code, t, out) = token_cli(
        &db,
        &[
            "create",
            "--role",
            "nurse",
            "--name",
            "Ward 7 scanner 3",
            "--expires",
            "30",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("shown only this once"), "{out}");
    let token = t["token"].as_str().unwrap().to_owned();
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(token.split('.').nth(1), Some(id.as_str()));
    assert!(token.len() > 60, "a long random secret: {token}");
    assert_eq!(
        (t["role"].as_str(), t["name"].as_str()),
        (Some("nurse"), Some("Ward 7 scanner 3"))
    );
    assert!(t["expires_at"].as_str().unwrap().ends_with('Z'));
    // It works at once, in its role only.
    assert_eq!(app.identify(&token, &scan).await["status"], "match");
    app.req("GET", "/v1/audit/verify", Some(&token), None, b"")
        .await
        .assert_problem(403, "forbidden");
    // The database holds no secret.
    let secret = token.rsplit('.').next().unwrap();
    let stored: String = sqlx::query("SELECT salt || secret_hash FROM tokens WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert!(!stored.contains(secret));

    // Listed, never with its secret.
    let (code, l, out) = token_cli(&db, &["list"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(secret) && !out.contains("secret_hash") && !out.contains("salt"));
    let mine = l["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine["status"], "active");
    assert_eq!(mine["revoked_at"], Value::Null);
    assert!(
        l["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "demo-admin"),
        "demo tokens are listed too"
    );

    // Revoked: refused once the token cache has turned over (at most TOKEN_CACHE_TTL);
    // the attempt is audited; revoking again changes nothing.
    let (code, r, out) = token_cli(&db, &["revoke", &id]);
    assert_eq!(code, 0, "{out}");
    settle().await;
    assert_eq!(
        (r["revoked"].as_str(), &r["already"]),
        (Some(id.as_str()), &json!(false))
    );
    let resp = app
        .post_json("/v1/identify", &token, &json!({"scan": scan}))
        .await;
    resp.assert_problem(401, "unauthorized");
    let (code, r, _) = token_cli(&db, &["revoke", &id]);
    assert_eq!((code, &r["already"]), (0, &json!(true)));
    let (code, _, out) = token_cli(&db, &["revoke", "no-such-token"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(audit_count(&app, "token.revoked").await, 1);
    let (_, l, _) = token_cli(&db, &["list"]);
    let mine = l["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine["status"], "revoked");

    // Expired: refused like revoked.
    let (code, t2, out) = token_cli(&db, &["create", "--role", "admin", "--name", "auditor"]);
    assert_eq!(code, 0, "{out}");
    let admin = t2["token"].as_str().unwrap().to_owned();
    assert_eq!(t2["expires_at"], Value::Null);
    let r = app
        .req("GET", "/v1/audit/verify", Some(&admin), None, b"")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    sqlx::query("UPDATE tokens SET expires_at = $1 WHERE id = $2")
        .bind(bedside::clock::now_ms() - 1)
        .bind(t2["id"].as_str().unwrap())
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    settle().await;
    app.req("GET", "/v1/audit/verify", Some(&admin), None, b"")
        .await
        .assert_problem(401, "unauthorized");
    let (_, l, _) = token_cli(&db, &["list"]);
    assert!(
        l["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == t2["id"] && x["status"] == "expired")
    );
    // A wrong secret for a real id is refused and audited too; a made-up id is not audited.
    let wrong = format!("bsd.{}.{}", t2["id"].as_str().unwrap(), "0".repeat(48));
    app.req("GET", "/v1/audit/verify", Some(&wrong), None, b"")
        .await
        .assert_problem(401, "unauthorized");
    app.req("GET", "/v1/audit/verify", Some("bsd.madeup.abc"), None, b"")
        .await
        .assert_problem(401, "unauthorized");
    let refused: Vec<String> =
        sqlx::query("SELECT detail FROM audit WHERE action = 'auth.refused' ORDER BY seq")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>(0).unwrap())
            .collect();
    let reasons: Vec<String> = refused
        .iter()
        .map(|d| {
            serde_json::from_str::<Value>(d).unwrap()["reason"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(reasons, ["revoked", "expired", "bad_secret"]);
    assert!(
        refused.iter().all(|d| !d.contains(secret)),
        "no secret in the audit trail"
    );
    assert_eq!(audit_count(&app, "token.created").await, 2);

    // Usage errors.
    for bad in [
        vec!["create", "--role", "root", "--name", "x"],
        vec!["create", "--role", "nurse", "--name", " "],
        vec!["create", "--role", "nurse", "--name", "x", "--expires", "0"],
        vec![
            "create",
            "--role",
            "nurse",
            "--name",
            "x",
            "--expires",
            "4000",
        ],
    ] {
        let (code, _, out) = token_cli(&db, &bad);
        assert_eq!(code, 2, "{bad:?}: {out}");
    }
    assert_eq!(
        audit_count(&app, "token.created").await,
        2,
        "nothing created by a usage error"
    );
    let m = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(
        m.contains("bedside_auth_failures_total{reason=\"revoked\"} 1"),
        "{m}"
    );
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
    app.stop().await;
}
both_backends!(lifecycle, create_use_list_revoke_expire);

/// One request from a chosen loopback source address; returns the status and headers.
async fn from(src: &str, app: &common::TestApp, token: &str) -> (u16, String) {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind(format!("{src}:0").parse().unwrap()).unwrap();
    let mut s = sock.connect(app.addr).await.unwrap();
    let req = format!(
        "GET /v1/audit/verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    (status, text)
}

async fn failed_authentications_are_limited_per_address(db: common::TestDb) {
    let mut cfg = db.config();
    cfg.auth_failures_per_minute = 3;
    let app = common::TestApp::start(cfg).await;
    let admin = common::token("admin");
    for i in 0..3 {
        let (status, text) = from("127.0.0.1", &app, &format!("bsd.guess.{i}")).await;
        assert_eq!(status, 401, "{text}");
    }
    // The fourth guess is not even checked; nor is a good token from the same address.
    let (status, text) = from("127.0.0.1", &app, "bsd.guess.4").await;
    assert_eq!(status, 429, "{text}");
    assert!(text.to_ascii_lowercase().contains("retry-after:"), "{text}");
    assert!(text.contains("rate_limited"), "{text}");
    let (status, _) = from("127.0.0.1", &app, &admin).await;
    assert_eq!(status, 429);
    // Another address is served.
    let (status, text) = from("127.0.0.2", &app, &admin).await;
    assert_eq!(status, 200, "{text}");
    // Public endpoints stay open.
    assert_eq!(
        app.req("GET", "/healthz", None, None, b"").await.status,
        200
    );
    app.stop().await;
}
both_backends!(guessing, failed_authentications_are_limited_per_address);
