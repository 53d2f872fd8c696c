//! Contract: every route in the router is documented in `/openapi.json`, and every
//! documented operation is a route; the document served is the one in the repo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

#[test]
fn router_and_openapi_agree_both_ways() {
    let doc: serde_json::Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, _) in ops.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = bedside::server::routes()
        .into_iter()
        .map(|(m, p, _)| (m.as_str().to_owned(), p.to_owned()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "openapi.json documents routes that do not exist: {unrouted:?}"
    );
}

/// The web UI's routes are documents (HTML, CSS, JavaScript), deliberately not API
/// operations: they are all `GET`, all at `/`, `/ui` or under `/ui/`, none of them is in
/// `openapi.json` or in the API's route list, and no API route lives under `/ui`.
#[test]
fn ui_routes_are_documents_apart_from_the_api() {
    let doc: serde_json::Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let api: BTreeSet<&str> = bedside::server::routes()
        .into_iter()
        .map(|(_, p, _)| p)
        .collect();
    let ui = bedside::server::ui::routes();
    assert!(ui.len() > bedside::server::ui::ASSETS.len());
    let mut seen = BTreeSet::new();
    for (method, path, _) in &ui {
        assert_eq!(*method, axum::http::Method::GET, "{path}");
        assert!(
            *path == "/" || *path == "/ui" || path.starts_with("/ui/"),
            "UI route outside /ui: {path}"
        );
        assert!(
            !documented.contains(path),
            "UI route in openapi.json: {path}"
        );
        assert!(!api.contains(path), "UI route also an API route: {path}");
        assert!(seen.insert(*path), "UI route listed twice: {path}");
    }
    for path in &api {
        assert!(!path.starts_with("/ui"), "API route under /ui: {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_document_and_ops_endpoints() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let r = app.req("GET", "/openapi.json", None, None, b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        serde_json::from_str::<serde_json::Value>(bedside::server::OPENAPI).unwrap()
    );
    // Every documented route answers something other than "no such route".
    let doc = r.json();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, _) in ops.as_object().unwrap() {
            let r = app.req(&method.to_uppercase(), path, None, None, b"").await;
            assert_ne!(r.status, 404, "{method} {path}");
        }
    }
    assert_eq!(
        app.req("GET", "/healthz", None, None, b"").await.json()["status"],
        "ok"
    );
    let ready = app.req("GET", "/readyz", None, None, b"").await.json();
    assert_eq!(ready["database"], "sqlite");
    assert_eq!(ready["pix"], "not_configured");
    app.identify(
        &common::token("nurse"),
        &common::demo().patients[0].wristband_scan,
    )
    .await;
    app.identify(&common::token("nurse"), "]d1HELLO").await;
    let m = app.req("GET", "/metrics", None, None, b"").await;
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    let text = m.text();
    assert!(
        text.contains("bedside_identify_total{status=\"match\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("bedside_identify_reasons_total{reason=\"not_gs1\"} 1"),
        "{text}"
    );
    let p = &common::demo().patients[0];
    for secret in [p.nhs_number.as_str(), &p.family, &p.mrn, "9990001235"] {
        assert!(!text.contains(secret), "metrics leak {secret}");
    }
    app.stop().await;
}
