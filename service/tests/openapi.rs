//! Contract: every route in the router is documented in `/openapi.json`, and every
//! documented operation is a route; the document served is the one in the repo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

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
    // Every route is asked without a token below: more failed authentications from one
    // address than the default limit allows in a minute.
    let mut cfg = db.config();
    cfg.auth_failures_per_minute = 1_000;
    let app = common::TestApp::start(cfg).await;
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

/// Keywords that only annotate a schema: prose and examples, compared by nobody.
const ANNOTATIONS: [&str; 5] = ["description", "example", "examples", "title", "$schema"];

/// `schema` without its annotations, everywhere a subschema can be (property names are
/// kept: `Problem` has properties called `type` and `title`).
fn bare(schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, v) in map {
        if ANNOTATIONS.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("properties" | "patternProperties" | "$defs", Value::Object(m)) => {
                Value::Object(m.iter().map(|(name, s)| (name.clone(), bare(s))).collect())
            }
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Value::Array(a)) => {
                Value::Array(a.iter().map(bare).collect())
            }
            (
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedProperties",
                s,
            ) => bare(s),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

/// The generated schema with the document's prose and examples carried over, for
/// `BEDSIDE_BLESS_OPENAPI`.
fn annotated(generated: &serde_json::Value, old: Option<&serde_json::Value>) -> serde_json::Value {
    use serde_json::Value;
    let Value::Object(map) = generated else {
        return generated.clone();
    };
    let old = old.and_then(Value::as_object);
    let mut out = serde_json::Map::new();
    for (k, v) in map {
        if ANNOTATIONS.contains(&k.as_str()) {
            continue;
        }
        let sub = |key: &str| old.and_then(|o| o.get(key));
        let v = match (k.as_str(), v) {
            ("properties" | "patternProperties" | "$defs", Value::Object(m)) => Value::Object(
                m.iter()
                    .map(|(name, s)| {
                        let o = sub(k).and_then(|p| p.get(name));
                        (name.clone(), annotated(s, o))
                    })
                    .collect(),
            ),
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Value::Array(a)) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, s)| annotated(s, sub(k).and_then(|x| x.get(i))))
                    .collect(),
            ),
            (
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedProperties",
                s,
            ) => annotated(s, sub(k)),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    if let Some(old) = old {
        for key in ["description", "example", "examples"] {
            if let Some(v) = old.get(key) {
                out.insert(key.to_owned(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// Every body schema in `openapi.json` is the JSON Schema of the Rust type the service
/// reads or writes (`bedside::server::dto`), keyword by keyword: types, required members,
/// `additionalProperties`, enumerations, lengths, patterns, ranges, formats, defaults and
/// nullability. Only prose and examples are the document's own. With
/// `BEDSIDE_BLESS_OPENAPI=1` the test rewrites the components from the types (keeping the
/// prose) instead of comparing; review the diff before committing it.
#[test]
fn component_schemas_are_the_rust_types() {
    use serde_json::Value;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/server/openapi.json");
    let mut doc: Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    let generated: Vec<(String, Value)> = bedside::server::dto::components()
        .into_iter()
        .map(|(n, s)| (n, s.to_value()))
        .collect();
    if std::env::var_os("BEDSIDE_BLESS_OPENAPI").is_some() {
        let old = doc["components"]["schemas"].clone();
        let mut schemas = serde_json::Map::new();
        for (name, s) in &generated {
            schemas.insert(name.clone(), annotated(s, old.get(name)));
        }
        doc["components"]["schemas"] = Value::Object(schemas);
        let mut text = serde_json::to_string_pretty(&doc).unwrap();
        text.push('\n');
        std::fs::write(path, text).unwrap();
        eprintln!("rewrote {path}: review the diff");
        return;
    }
    let documented = doc["components"]["schemas"].as_object().unwrap();
    let names: BTreeSet<&str> = generated.iter().map(|(n, _)| n.as_str()).collect();
    let doc_names: BTreeSet<&str> = documented.keys().map(String::as_str).collect();
    assert_eq!(
        doc_names, names,
        "openapi.json's components and the Rust body types differ in name"
    );
    let mut wrong = Vec::new();
    for (name, schema) in &generated {
        let want = bare(schema);
        let have = bare(&documented[name.as_str()]);
        if want != have {
            wrong.push(format!(
                "{name}:\n  the type says     {}\n  openapi.json says {}",
                serde_json::to_string(&want).unwrap(),
                serde_json::to_string(&have).unwrap()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "openapi.json disagrees with the Rust types (BEDSIDE_BLESS_OPENAPI=1 cargo test -p bedside --test service openapi::component_schemas regenerates it):\n{}",
        wrong.join("\n")
    );
}

/// Each operation's bodies name the component of the type its handler reads or writes.
#[test]
fn operations_name_their_body_types() {
    let doc: serde_json::Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    let reference = |name: &str| format!("#/components/schemas/{name}");
    let cases = [
        ("/healthz", "get", "200", "application/json", "Health"),
        ("/readyz", "get", "200", "application/json", "Ready"),
        (
            "/v1/identify",
            "post",
            "200",
            "application/json",
            "IdentifyResponse",
        ),
        (
            "/v1/administrations/verify",
            "post",
            "200",
            "application/json",
            "AdministrationCheck",
        ),
        (
            "/v1/administrations",
            "post",
            "201",
            "application/json",
            "AdministrationCheck",
        ),
        (
            "/v1/administrations",
            "post",
            "200",
            "application/json",
            "AdministrationCheck",
        ),
        (
            "/v1/administrations",
            "post",
            "409",
            "application/problem+json",
            "Problem",
        ),
        (
            "/v1/audit/verify",
            "get",
            "200",
            "application/json",
            "AuditReport",
        ),
        ("/v1/me", "get", "200", "application/json", "Me"),
        (
            "/v1/audit/events",
            "get",
            "200",
            "application/json",
            "AuditEvents",
        ),
        (
            "/v1/wristbands",
            "post",
            "200",
            "application/json",
            "PrintConfirmation",
        ),
        ("/v1/printers", "get", "200", "application/json", "Printers"),
        (
            "/v1/decode",
            "post",
            "200",
            "application/json",
            "DecodeAnswer",
        ),
    ];
    for (path, method, status, media, name) in cases {
        let schema = &doc["paths"][path][method]["responses"][status]["content"][media]["schema"];
        assert_eq!(schema["$ref"], reference(name), "{method} {path} {status}");
    }
    let requests = [
        ("/v1/identify", "IdentifyRequest"),
        ("/v1/administrations/verify", "AdministrationCheckRequest"),
        ("/v1/administrations", "AdministrationRequest"),
        ("/v1/wristbands", "WristbandRequest"),
    ];
    for (path, name) in requests {
        let body = &doc["paths"][path]["post"]["requestBody"];
        assert_eq!(body["required"], true, "{path}");
        assert_eq!(
            body["content"]["application/json"]["schema"]["$ref"],
            reference(name),
            "{path}"
        );
    }
    // Every problem answer is the Problem component.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, resp) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let r = resp["$ref"].as_str().map_or_else(
                        || {
                            resp["content"]["application/problem+json"]["schema"]["$ref"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned()
                        },
                        |r| {
                            doc["components"]["responses"][r.rsplit('/').next().unwrap()]["content"]
                                ["application/problem+json"]["schema"]["$ref"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned()
                        },
                    );
                    assert_eq!(r, reference("Problem"), "{method} {path} {status}");
                }
            }
        }
    }
}

/// The check every integration test applies to the answers it receives
/// (`common::contract`) refuses what the document does not allow.
#[test]
fn the_answer_check_refuses_what_the_document_does_not_allow() {
    use common::contract::check;
    let json = Some("application/json");
    let refused = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    // A real no-match answer passes.
    check(
        "POST",
        "/v1/identify",
        200,
        json,
        br#"{"status":"no_match","reasons":[{"code":"not_gs1","message":"m"}],"decision_id":7,"message":"m"}"#,
    );
    // Another status, member value, missing member or media type does not.
    assert!(refused(&|| check(
        "POST",
        "/v1/identify",
        200,
        json,
        br#"{"status":"maybe","reasons":[],"decision_id":7,"message":"m"}"#
    )));
    assert!(refused(&|| check(
        "POST",
        "/v1/identify",
        200,
        json,
        br#"{"status":"no_match","reasons":[],"message":"m"}"#
    )));
    assert!(refused(&|| check("POST", "/v1/identify", 418, json, b"{}")));
    assert!(refused(&|| check(
        "POST",
        "/v1/identify",
        200,
        Some("text/html"),
        b"<p>"
    )));
    assert!(refused(&|| {
        check(
        "POST",
        "/v1/identify",
        422,
        Some("application/problem+json"),
        br#"{"type":"urn:bedside:problem:invalid_request","title":"t","status":422,"code":"invalid_request"}"#
    )
    }));
    // Routes the document does not hold are not its business.
    check("GET", "/ui/scan", 200, Some("text/html"), b"<p>");
}
