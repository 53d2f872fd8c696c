//! Every answer the tests receive from an operation `openapi.json` documents is held to the
//! document: its status is one the operation lists, its media type one that status lists,
//! and a JSON body validates against the schema given for them (JSON Schema 2020-12, the
//! dialect of OpenAPI 3.1). The tests then check the document against real answers of
//! every kind they provoke — matches, refusals, PIX failures, problems — not only the
//! fuzzer's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(bedside::server::OPENAPI).expect("openapi.json"))
}

/// A JSON pointer token.
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The validator of the schema at `pointer` (resolving references within the document).
fn validator(pointer: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(v) = cache.lock().unwrap().get(pointer) {
        return v.clone();
    }
    let mut root = document().clone();
    // A URI fragment: the braces of templated paths (`/fhir/MedicationRequest/{id}`)
    // must be percent-encoded there.
    let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Value::String(format!("#{fragment}")));
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .unwrap_or_else(|e| {
                panic!("openapi.json: the schema at {pointer} does not compile: {e}")
            }),
    );
    cache.lock().unwrap().insert(pointer.to_owned(), v.clone());
    v
}

/// Whether `concrete` is an instance of the path template `template`.
fn template_matches(template: &str, concrete: &str) -> bool {
    let (t, c): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), concrete.split('/').collect());
    t.len() == c.len()
        && t.iter()
            .zip(&c)
            .all(|(t, c)| (t.starts_with('{') && t.ends_with('}') && !c.is_empty()) || t == c)
}

/// Panics when this answer breaks `openapi.json` (answers from routes it does not document
/// — the web UI, unknown paths or methods — are not its business).
pub fn check(method: &str, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) {
    let concrete = path.split('?').next().unwrap_or(path);
    let method = method.to_ascii_lowercase();
    let doc = document();
    // The documented path: the concrete one, or a template whose `{name}` segments
    // match any one segment (`/v1/patients/{nhs_number}/medications`).
    let Some(path) = doc["paths"].as_object().and_then(|paths| {
        paths
            .keys()
            .find(|k| k.as_str() == concrete)
            .or_else(|| paths.keys().find(|k| template_matches(k, concrete)))
    }) else {
        return;
    };
    let path = path.as_str();
    if doc["paths"][path].get(&method).is_none() {
        return;
    }
    let text = String::from_utf8_lossy(body);
    let mut at = format!("/paths/{}/{method}/responses/{status}", token(path));
    let response = doc.pointer(&at).unwrap_or_else(|| {
        panic!(
            "{method} {path} answered {status}, a status openapi.json does not list for it: {text}"
        )
    });
    if let Some(r) = response.get("$ref").and_then(Value::as_str) {
        at = r.trim_start_matches('#').to_owned();
    }
    let Some(media) = content_type.map(|c| {
        c.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }) else {
        assert!(
            body.is_empty(),
            "{method} {path} {status}: a body without a media type: {text}"
        );
        return;
    };
    let listed = doc
        .pointer(&format!("{at}/content"))
        .and_then(Value::as_object)
        .is_some_and(|c| c.contains_key(&media));
    assert!(
        listed,
        "{method} {path} answered {status} as {media}, which openapi.json does not list"
    );
    if !(media == "application/json" || media.ends_with("+json")) {
        return;
    }
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!("{method} {path} {status}: {media} that is not JSON ({e}): {text}")
    });
    let pointer = format!("{at}/content/{}/schema", token(&media));
    let v = validator(&pointer);
    let errors: Vec<String> = v
        .iter_errors(&value)
        .map(|e| format!("{} (at {})", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: the answer breaks openapi.json ({pointer}):\n  {}\n{value}",
        errors.join("\n  ")
    );
}
