//! FHIR R4 `MedicationRequest` over HTTP (`PUT`/`GET /fhir/MedicationRequest/{id}`, search
//! by NHS number) on real SQLite and real PostgreSQL: create, replace, read back, search,
//! status changes reaching the administration check, refusals as `OperationOutcome`, and
//! every FHIR body the service answered judged by the independent peer
//! (`crates/orders/tests/peers/validate_fhir.py`, PyPI `fhir.resources`). A missing
//! `python3` or `fhir.resources` fails the test: it is never skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const FHIR: &str = "application/fhir+json";
const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// Runs the peer validator over these resources; panics with its report unless all pass.
pub(crate) fn peer_validate(resources: &[Value]) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/orders/tests/peers/validate_fhir.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it and `pip install -r .ci/requirements.txt`")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(resources.to_vec()).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        !stdout.trim().is_empty(),
        "the peer printed nothing (is fhir.resources installed? `pip install -r .ci/requirements.txt`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(out.status.success(), "the peer refused: {report}");
    assert!(report["resources"].as_u64().unwrap() >= resources.len() as u64);
}

/// A regular paracetamol 1 g by mouth order for the first demo patient, due now.
pub(crate) fn order(id: &str, status: &str, code: &str, nhs: &str) -> Value {
    let now = bedside::clock::now_ms();
    let hhmm = bedside::clock::london_hhmm(now);
    json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "identifier": [{ "system": "https://fhir.example-trust.nhs.uk/Id/epma-order", "value": id }],
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": { "coding": [{ "system": "https://dmd.nhs.uk", "code": code,
            "display": "Paracetamol 500mg tablets" }] },
        "subject": { "identifier": { "system": NHS_SYSTEM, "value": nhs } },
        "authoredOn": "2026-01-01T09:00:00+00:00",
        "dosageInstruction": [{
            "text": "1 g once a day, oral",
            "timing": { "repeat": { "boundsPeriod": { "start": "2026-01-01T09:00:00+00:00" },
                "frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": [format!("{hhmm}:00")] } },
            "route": { "coding": [{ "system": "http://snomed.info/sct", "code": "26643006", "display": "Oral" }] },
            "doseAndRate": [{ "doseQuantity": { "value": 1000, "unit": "milligram",
                "system": "http://unitsofmeasure.org", "code": "mg" } }]
        }],
        "substitution": { "allowedBoolean": false }
    })
}

/// `common::contract::check` for a templated path (its `{id}` cannot be in the schema
/// reference that check builds): the status and media type are listed for the operation
/// and the body validates against the schema, which for these operations is always a
/// reference into `components`.
pub(crate) fn check_templated(method: &str, template: &str, r: &common::Resp) {
    let doc: Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    let path = template.replace('~', "~0").replace('/', "~1");
    let at = format!(
        "/paths/{path}/{}/responses/{}",
        method.to_ascii_lowercase(),
        r.status
    );
    let mut response = doc
        .pointer(&at)
        .unwrap_or_else(|| panic!("{method} {template} answered {}, not listed", r.status));
    let mut shared = None;
    if let Some(target) = response["$ref"].as_str() {
        response = doc.pointer(target.trim_start_matches('#')).unwrap();
        shared = Some(target.to_owned());
    }
    let media = r
        .header("content-type")
        .unwrap_or_else(|| panic!("{method} {template} {}: no media type", r.status));
    let schema = response["content"].get(media).unwrap_or_else(|| {
        panic!(
            "{method} {template} answered {} as {media}, which openapi.json does not list",
            r.status
        )
    });
    let target = match (schema["schema"]["$ref"].as_str(), shared) {
        (Some(t), _) => t.to_owned(),
        (None, Some(r)) => format!("{r}/content/{}/schema", media.replace('/', "~1")),
        (None, None) => panic!("{method} {template} {}: an inline schema", r.status),
    };
    let mut root = doc.clone();
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Value::String(target));
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .unwrap();
    let body = r.json();
    let errors: Vec<String> = v.iter_errors(&body).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{method} {template} {}: breaks openapi.json: {errors:?}\n{body}",
        r.status
    );
}

struct Client<'a> {
    app: &'a common::TestApp,
    token: String,
    /// Every FHIR body answered, for the peer.
    seen: Vec<Value>,
}

impl Client<'_> {
    /// Checks the answer against openapi.json under the route's template, keeps a FHIR
    /// body for the peer.
    fn keep(&mut self, method: &str, template: &str, r: &common::Resp) {
        if template.contains('{') {
            check_templated(method, template, r);
        } else {
            common::contract::check(
                method,
                template,
                r.status,
                r.header("content-type"),
                &r.body,
            );
        }
        if r.header("content-type") == Some(FHIR) {
            self.seen.push(r.json());
        }
    }

    async fn put_raw(&mut self, id: &str, ctype: Option<&str>, body: &[u8]) -> common::Resp {
        let r = self
            .app
            .req(
                "PUT",
                &format!("/fhir/MedicationRequest/{id}"),
                Some(&self.token),
                ctype,
                body,
            )
            .await;
        self.keep("PUT", "/fhir/MedicationRequest/{id}", &r);
        r
    }

    async fn put(&mut self, id: &str, body: &Value) -> common::Resp {
        self.put_raw(id, Some(FHIR), body.to_string().as_bytes())
            .await
    }

    async fn get(&mut self, id: &str) -> common::Resp {
        let r = self
            .app
            .req(
                "GET",
                &format!("/fhir/MedicationRequest/{id}"),
                Some(&self.token),
                None,
                b"",
            )
            .await;
        self.keep("GET", "/fhir/MedicationRequest/{id}", &r);
        r
    }

    async fn search(&mut self, query: &str) -> common::Resp {
        let r = self
            .app
            .req(
                "GET",
                &format!("/fhir/MedicationRequest?{query}"),
                Some(&self.token),
                None,
                b"",
            )
            .await;
        self.keep("GET", "/fhir/MedicationRequest", &r);
        r
    }
}

/// Asserts an OperationOutcome with this status whose first issue has this code and,
/// when given, this expression.
fn assert_outcome(r: &common::Resp, status: u16, code: &str, expression: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR), "{}", r.text());
    let v = r.json();
    assert_eq!(v["resourceType"], "OperationOutcome", "{v}");
    assert_eq!(v["issue"][0]["code"], code, "{v}");
    if let Some(e) = expression {
        assert_eq!(v["issue"][0]["expression"][0], e, "{v}");
    }
}

async fn verify(app: &common::TestApp, order_id: &str) -> Value {
    let d = common::demo();
    let body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
        "order_id": order_id,
    });
    let r = app
        .post_json("/v1/administrations/verify", &common::token("nurse"), &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn codes(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_actions(app: &common::TestApp, action: &str) -> Vec<Value> {
    use sqlx::Row;
    sqlx::query("SELECT detail FROM audit WHERE action = $1 ORDER BY seq")
        .bind(action)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.try_get::<String, _>(0).unwrap()).unwrap())
        .collect()
}

async fn medication_request_over_http(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let nhs = d.patients[0].nhs_number.clone();
    let vmp = bedside::demo::PARACETAMOL_500_TABLETS;
    let mut c = Client {
        app: &app,
        token: common::token("integrator"),
        seen: Vec::new(),
    };

    // Create, then the identical retry and a replacement are 200.
    let first = order("ord-1", "active", vmp, &nhs);
    let r = c.put("ord-1", &first).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR));
    assert_eq!(r.header("location"), Some("/fhir/MedicationRequest/ord-1"));
    let created = r.json();
    assert_eq!(created["id"], "ord-1");
    assert_eq!(created["status"], "active");
    assert_eq!(created["subject"]["identifier"]["value"], nhs.as_str());
    let r = c.put("ord-1", &first).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        created,
        "an identical retry answers the same resource"
    );
    let mut second = first.clone();
    second["dosageInstruction"][0]["text"] = json!("1 g daily by mouth");
    let r = c.put("ord-1", &second).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let replaced = r.json();
    assert_eq!(
        replaced["dosageInstruction"][0]["text"],
        "1 g daily by mouth"
    );

    // Read back: what was stored.
    let r = c.get("ord-1").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR));
    assert_eq!(r.json(), replaced);
    assert_outcome(&c.get("no-such-order").await, 404, "not-found", None);

    // Search: by NHS number, `|` plain or encoded; an unknown patient's bundle is empty.
    for q in [
        format!("patient.identifier={NHS_SYSTEM}|{nhs}"),
        format!("patient.identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C{nhs}"),
    ] {
        let r = c.search(&q).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let b = r.json();
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "searchset");
        assert_eq!(b["total"], 1, "{b}");
        assert_eq!(b["entry"][0]["resource"], replaced);
        assert!(
            b["entry"][0]["fullUrl"]
                .as_str()
                .unwrap()
                .ends_with("/fhir/MedicationRequest/ord-1")
        );
    }
    let r = c
        .search(&format!("patient.identifier={NHS_SYSTEM}|9990000018"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["total"], 0);
    assert!(r.json().get("entry").is_none());
    for bad in [
        String::new(),
        format!("patient={nhs}"),
        format!("patient.identifier={nhs}"),
        format!("patient.identifier=http://example.org|{nhs}"),
        format!("patient.identifier={NHS_SYSTEM}|123"),
        format!("patient.identifier={NHS_SYSTEM}|{nhs}&_count=5"),
    ] {
        assert_outcome(&c.search(&bad).await, 400, "value", None);
    }

    // The ward checks against the FHIR order.
    let v = verify(&app, "fhir:ord-1").await;
    assert!(!codes(&v).contains(&"wrong_medicine".to_owned()), "{v}");
    assert!(!codes(&v).contains(&"order_not_active".to_owned()), "{v}");
    assert_eq!(v["order"]["id"], "fhir:ord-1", "{v}");

    // On hold: the check says so; then cancelled.
    let mut held = second.clone();
    held["status"] = json!("on-hold");
    let r = c.put("ord-1", &held).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "on-hold");
    let v = verify(&app, "fhir:ord-1").await;
    assert!(codes(&v).contains(&"order_not_active".to_owned()), "{v}");
    let mut cancelled = second.clone();
    cancelled["status"] = json!("cancelled");
    let r = c.put("ord-1", &cancelled).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(c.get("ord-1").await.json()["status"], "cancelled");

    // A version stated earlier than the stored one is not applied: the stored one answers.
    let mut later = cancelled.clone();
    later["authoredOn"] = json!("2026-02-01T09:00:00+00:00");
    assert_eq!(c.put("ord-1", &later).await.status, 200);
    let r = c.put("ord-1", &held).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["status"],
        "cancelled",
        "a stale PUT changed nothing"
    );

    // Refusals.
    let r = c
        .put(
            "ord-2",
            &order("ord-2", "active", "900009999000001100", &nhs),
        )
        .await;
    assert_outcome(
        &r,
        422,
        "code-invalid",
        Some("MedicationRequest.medicationCodeableConcept"),
    );
    let r = c
        .put("ord-2", &order("ord-2", "active", vmp, "9990000018"))
        .await;
    assert_outcome(
        &r,
        422,
        "not-found",
        Some("MedicationRequest.subject.identifier"),
    );
    assert!(!r.text().contains("9990000018"), "{}", r.text());
    assert_outcome(
        &c.put_raw("ord-2", Some(FHIR), b"{\"resourceType\": ").await,
        400,
        "structure",
        Some("$"),
    );
    assert_outcome(
        &c.put("ord-3", &order("ord-2", "active", vmp, &nhs)).await,
        400,
        "invariant",
        None,
    );
    let r = c
        .put_raw("ord-2", Some("text/plain"), first.to_string().as_bytes())
        .await;
    assert_outcome(&r, 415, "not-supported", None);
    let big = vec![b' '; (1 << 20) + 10];
    let r = c.put_raw("ord-2", Some(FHIR), &big).await;
    assert_outcome(&r, 413, "too-long", None);
    // Nothing was stored for the refused ids.
    assert_outcome(&c.get("ord-2").await, 404, "not-found", None);
    assert_outcome(&c.get("ord-3").await, 404, "not-found", None);

    // A client asking for problem details gets them.
    let r = app
        .req("GET", "/fhir/MedicationRequest/ord-9", None, None, b"")
        .await;
    r.assert_problem(401, "unauthorized");
    for role in ["nurse", "admin", "pharmacist"] {
        let t = common::token(role);
        let r = app
            .req(
                "PUT",
                "/fhir/MedicationRequest/ord-9",
                Some(&t),
                Some(FHIR),
                first.to_string().as_bytes(),
            )
            .await;
        r.assert_problem(403, "forbidden");
        let r = app
            .req("GET", "/fhir/MedicationRequest/ord-1", Some(&t), None, b"")
            .await;
        r.assert_problem(403, "forbidden");
    }

    // Audited: every write with its outcome, every read.
    let writes = audit_actions(&app, "orders.fhir").await;
    let outcomes: Vec<&str> = writes
        .iter()
        .map(|w| w["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "created", "replaced", "replaced", "replaced", "replaced", "replaced", "stale"
        ]
    );
    assert_eq!(writes[0]["order_id"], "fhir:ord-1");
    assert_eq!(writes[0]["nhs_number"], nhs.as_str());
    assert_eq!(writes[0]["status"], "active");
    let reads = audit_actions(&app, "orders.read").await;
    assert!(reads.len() >= 8, "{reads:?}");

    peer_validate(&c.seen);
    app.stop().await;
}

both_backends!(medication_request, medication_request_over_http);

/// A client whose `Accept` names problem details and not FHIR gets a refusal as a problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_as_problem_details_on_request() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let addr = app.addr;
    let token = common::token("integrator");
    let r = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET /fhir/MedicationRequest/none HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: application/problem+json\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut s, &mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(r.starts_with("HTTP/1.1 404"), "{r}");
    assert!(
        r.to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{r}"
    );
    assert!(r.contains("\"code\":\"not_found\""), "{r}");
    app.stop().await;
}

/// Concurrent PUTs of one new id: exactly one creates, the others replace, and one order
/// is stored.
async fn concurrent_puts(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let nhs = common::demo().patients[0].nhs_number.clone();
    let body = order(
        "ord-race",
        "active",
        bedside::demo::PARACETAMOL_500_TABLETS,
        &nhs,
    )
    .to_string();
    let token = common::token("integrator");
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (addr, body, token) = (app.addr, body.clone(), token.clone());
        tasks.push(tokio::task::spawn_blocking(move || {
            common::http(
                addr,
                "PUT",
                "/fhir/MedicationRequest/ord-race",
                Some(&token),
                Some(FHIR),
                body.as_bytes(),
            )
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 201]);
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM orders WHERE id = 'fhir:ord-race'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(n, 1);
    app.stop().await;
}

both_backends!(race, concurrent_puts);
