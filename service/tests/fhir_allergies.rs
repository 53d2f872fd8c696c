//! FHIR R4 `AllergyIntolerance` over HTTP (`PUT`/`GET /fhir/AllergyIntolerance/{id}`) on
//! real SQLite and real PostgreSQL: allergies created, replaced and read back; "no known
//! drug allergy" as a positive statement, refused while allergies are recorded;
//! entered-in-error withdrawing a statement and the patient's allergy status falling back
//! to what remains (to "not recorded", no `allergy_status` row, when nothing does);
//! refusals as `OperationOutcome`; audit rows; and every FHIR body the service answered
//! judged by the independent peer (`crates/orders/tests/peers/validate_fhir.py`, PyPI
//! `fhir.resources`). A missing `python3` or `fhir.resources` fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sqlx::Row;

const FHIR: &str = "application/fhir+json";
const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
const TEMPLATE: &str = "/fhir/AllergyIntolerance/{id}";
/// The demo catalogue's amoxicillin VTM and paracetamol ingredient.
const AMOXICILLIN_VTM: &str = "900000021000001100";
const PARACETAMOL_INGREDIENT: &str = "900000511000001100";

/// Runs the peer validator over these resources; panics with its report unless all pass.
fn peer_validate(resources: &[Value]) {
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
        "the peer printed nothing (is fhir.resources installed?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(out.status.success(), "the peer refused: {report}");
    assert!(report["resources"].as_u64().unwrap() >= resources.len() as u64);
}

fn clinical(code: &str) -> Value {
    json!({ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": code }] })
}

/// An allergy to `code` in `system` (`https://dmd.nhs.uk` or `http://snomed.info/sct`).
fn allergy(id: &str, nhs: &str, system: &str, code: &str, criticality: &str) -> Value {
    json!({
        "resourceType": "AllergyIntolerance",
        "id": id,
        "clinicalStatus": clinical("active"),
        "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed" }] },
        "type": "allergy",
        "category": ["medication"],
        "criticality": criticality,
        "code": { "coding": [{ "system": system, "code": code, "display": "Amoxicillin" }] },
        "patient": { "identifier": { "system": NHS_SYSTEM, "value": nhs } },
        "reaction": [{ "manifestation": [{ "text": "Urticaria" }] }]
    })
}

/// "No known drug allergy" (SNOMED `code`: 409137002 or 716186003).
fn none_known(id: &str, nhs: &str, code: &str) -> Value {
    json!({
        "resourceType": "AllergyIntolerance",
        "id": id,
        "clinicalStatus": clinical("active"),
        "code": { "coding": [{ "system": "http://snomed.info/sct", "code": code }] },
        "patient": { "identifier": { "system": NHS_SYSTEM, "value": nhs } }
    })
}

fn entered_in_error(id: &str, nhs: &str) -> Value {
    json!({
        "resourceType": "AllergyIntolerance",
        "id": id,
        "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "entered-in-error" }] },
        "patient": { "identifier": { "system": NHS_SYSTEM, "value": nhs } }
    })
}

/// Holds an answer to openapi.json under the route's template: the status and media type
/// are listed and the body validates against the (referenced) schema.
fn check_templated(method: &str, r: &common::Resp) {
    let doc: Value = serde_json::from_str(bedside::server::OPENAPI).unwrap();
    let path = TEMPLATE.replace('~', "~0").replace('/', "~1");
    let at = format!(
        "/paths/{path}/{}/responses/{}",
        method.to_ascii_lowercase(),
        r.status
    );
    let mut response = doc
        .pointer(&at)
        .unwrap_or_else(|| panic!("{method} {TEMPLATE} answered {}, not listed", r.status));
    let mut shared = None;
    if let Some(target) = response["$ref"].as_str() {
        response = doc.pointer(target.trim_start_matches('#')).unwrap();
        shared = Some(target.to_owned());
    }
    let media = r
        .header("content-type")
        .unwrap_or_else(|| panic!("{method} {TEMPLATE} {}: no media type", r.status));
    let schema = response["content"].get(media).unwrap_or_else(|| {
        panic!(
            "{method} {TEMPLATE} answered {} as {media}, which openapi.json does not list",
            r.status
        )
    });
    let target = match (schema["schema"]["$ref"].as_str(), shared) {
        (Some(t), _) => t.to_owned(),
        (None, Some(r)) => format!("{r}/content/{}/schema", media.replace('/', "~1")),
        (None, None) => panic!("{method} {TEMPLATE} {}: an inline schema", r.status),
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
        "{method} {TEMPLATE} {}: breaks openapi.json: {errors:?}\n{body}",
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
    fn keep(&mut self, method: &str, r: &common::Resp) {
        check_templated(method, r);
        if r.header("content-type") == Some(FHIR) {
            self.seen.push(r.json());
        }
    }

    async fn put_raw(&mut self, id: &str, ctype: Option<&str>, body: &[u8]) -> common::Resp {
        let r = self
            .app
            .req(
                "PUT",
                &format!("/fhir/AllergyIntolerance/{id}"),
                Some(&self.token),
                ctype,
                body,
            )
            .await;
        self.keep("PUT", &r);
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
                &format!("/fhir/AllergyIntolerance/{id}"),
                Some(&self.token),
                None,
                b"",
            )
            .await;
        self.keep("GET", &r);
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

/// The patient's `allergy_status`: `None` is "not recorded".
async fn status(app: &common::TestApp, nhs: &str) -> Option<String> {
    sqlx::query("SELECT status FROM allergy_status WHERE nhs_number = $1")
        .bind(nhs)
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap()
        .map(|r| r.try_get(0).unwrap())
}

/// The patient's FHIR allergy rows: (id, system, code, clinical status, criticality).
async fn rows(app: &common::TestApp, nhs: &str) -> Vec<(String, String, String, String, String)> {
    sqlx::query("SELECT id, system, code, clinical_status, criticality FROM allergies WHERE nhs_number = $1 AND source = 'fhir' ORDER BY id")
        .bind(nhs)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                r.try_get(2).unwrap(),
                r.try_get(3).unwrap(),
                r.try_get(4).unwrap(),
            )
        })
        .collect()
}

async fn audit_actions(app: &common::TestApp, action: &str) -> Vec<Value> {
    sqlx::query("SELECT detail FROM audit WHERE action = $1 ORDER BY seq")
        .bind(action)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.try_get::<String, _>(0).unwrap()).unwrap())
        .collect()
}

async fn allergy_intolerance_over_http(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let nhs = d.patients[0].nhs_number.clone();
    let other = d.patients[1].nhs_number.clone();
    let mut c = Client {
        app: &app,
        token: common::token("integrator"),
        seen: Vec::new(),
    };
    // Whatever the demo seeded for these two, they start "not recorded".
    for n in [&nhs, &other] {
        for table in ["allergies", "allergy_status"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE nhs_number = $1"))
                .bind(n)
                .execute(&app.state.db.pool)
                .await
                .unwrap();
        }
    }
    assert_eq!(status(&app, &nhs).await, None, "not recorded at the start");
    assert_eq!(status(&app, &other).await, None);

    // An allergy to the amoxicillin VTM: created, retried, replaced, read back.
    let first = allergy("al-1", &nhs, "https://dmd.nhs.uk", AMOXICILLIN_VTM, "low");
    let r = c.put("al-1", &first).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("location"), Some("/fhir/AllergyIntolerance/al-1"));
    let created = r.json();
    assert_eq!(created["id"], "al-1");
    assert_eq!(created["code"]["coding"][0]["code"], AMOXICILLIN_VTM);
    assert_eq!(created["patient"]["identifier"]["value"], nhs.as_str());
    let r = c.put("al-1", &first).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), created);
    let mut second = first.clone();
    second["criticality"] = json!("high");
    second["clinicalStatus"] = clinical("inactive");
    let r = c.put("al-1", &second).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let replaced = r.json();
    assert_eq!(replaced["criticality"], "high");
    let r = c.get("al-1").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(FHIR));
    assert_eq!(r.json(), replaced);
    assert_eq!(status(&app, &nhs).await.as_deref(), Some("recorded"));
    assert_eq!(
        rows(&app, &nhs).await,
        [(
            "al-1".into(),
            "dmd".into(),
            AMOXICILLIN_VTM.into(),
            "inactive".into(),
            "high".into()
        )]
    );

    // A SNOMED substance (a dm+d ingredient id) is stored as given.
    let r = c
        .put(
            "al-2",
            &allergy(
                "al-2",
                &nhs,
                "http://snomed.info/sct",
                PARACETAMOL_INGREDIENT,
                "low",
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(rows(&app, &nhs).await.len(), 2);

    // "No known drug allergy" while allergies are recorded: 409, nothing changes.
    let r = c.put("nk-0", &none_known("nk-0", &nhs, "409137002")).await;
    assert_outcome(&r, 409, "conflict", None);
    assert_outcome(&c.get("nk-0").await, 404, "not-found", None);
    assert_eq!(status(&app, &nhs).await.as_deref(), Some("recorded"));

    // On a patient without allergies it is a positive statement.
    let r = c
        .put("nk-1", &none_known("nk-1", &other, "716186003"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["code"]["coding"][0]["code"], "409137002");
    assert_eq!(status(&app, &other).await.as_deref(), Some("none_known"));
    assert_eq!(c.get("nk-1").await.status, 200);
    assert!(rows(&app, &other).await.is_empty());

    // An allergy for that patient later: recorded; withdrawn: back to none known.
    let al3 = allergy(
        "al-3",
        &other,
        "https://dmd.nhs.uk",
        PARACETAMOL_INGREDIENT,
        "high",
    );
    assert_eq!(c.put("al-3", &al3).await.status, 201);
    assert_eq!(status(&app, &other).await.as_deref(), Some("recorded"));
    let r = c.put("al-3", &entered_in_error("al-3", &other)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
    assert_outcome(&c.get("al-3").await, 404, "not-found", None);
    assert_eq!(status(&app, &other).await.as_deref(), Some("none_known"));
    // Withdrawing the statement itself: not recorded (no row), never "none known".
    assert_eq!(
        c.put("nk-1", &entered_in_error("nk-1", &other))
            .await
            .status,
        200
    );
    assert_eq!(status(&app, &other).await, None);

    // An allergy from HL7 counts too: "none known" is refused until HL7 withdraws it.
    let hl7 =
        bedside_orders::model::AllergyStatement::Allergies(vec![bedside_orders::model::Allergy {
            id: "1".into(),
            system: bedside_orders::model::SubstanceSystem::Dmd,
            code: AMOXICILLIN_VTM.into(),
            display: None,
            clinical_status: bedside_orders::model::AllergyClinicalStatus::Active,
            criticality: bedside_orders::model::Criticality::High,
            reactions: Vec::new(),
        }]);
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    bedside::allergies::replace_hl7(&mut conn, &other, &hl7, 1)
        .await
        .unwrap();
    let r = c
        .put("nk-2", &none_known("nk-2", &other, "409137002"))
        .await;
    assert_outcome(&r, 409, "conflict", None);
    bedside::allergies::replace_hl7(
        &mut conn,
        &other,
        &bedside_orders::model::AllergyStatement::NoneKnown,
        2,
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(status(&app, &other).await.as_deref(), Some("none_known"));
    // HL7's "none known" stands when a FHIR statement is withdrawn.
    assert_eq!(
        c.put("nk-2", &none_known("nk-2", &other, "409137002"))
            .await
            .status,
        201
    );
    assert_eq!(
        c.put("nk-2", &entered_in_error("nk-2", &other))
            .await
            .status,
        200
    );
    assert_eq!(status(&app, &other).await.as_deref(), Some("none_known"));
    sqlx::query("DELETE FROM allergy_status WHERE nhs_number = $1")
        .bind(&other)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    // Entered-in-error on the first patient: recorded while one remains, then no row.
    assert_eq!(
        c.put("al-1", &entered_in_error("al-1", &nhs)).await.status,
        200
    );
    assert_outcome(&c.get("al-1").await, 404, "not-found", None);
    assert_eq!(status(&app, &nhs).await.as_deref(), Some("recorded"));
    assert_eq!(
        c.put("al-2", &entered_in_error("al-2", &nhs)).await.status,
        200
    );
    assert_eq!(status(&app, &nhs).await, None);
    assert!(rows(&app, &nhs).await.is_empty());
    // Now "none known" is accepted for them.
    assert_eq!(
        c.put("nk-0", &none_known("nk-0", &nhs, "409137002"))
            .await
            .status,
        201
    );
    assert_eq!(status(&app, &nhs).await.as_deref(), Some("none_known"));

    // Refusals: nothing stored for them.
    let r = c
        .put(
            "al-9",
            &allergy(
                "al-9",
                &other,
                "https://dmd.nhs.uk",
                "900009999000001100",
                "low",
            ),
        )
        .await;
    assert_outcome(&r, 422, "code-invalid", Some("AllergyIntolerance.code"));
    let r = c
        .put(
            "al-9",
            &allergy(
                "al-9",
                "9990000018",
                "https://dmd.nhs.uk",
                AMOXICILLIN_VTM,
                "low",
            ),
        )
        .await;
    assert_outcome(
        &r,
        422,
        "not-found",
        Some("AllergyIntolerance.patient.identifier"),
    );
    assert!(!r.text().contains("9990000018"), "{}", r.text());
    assert_outcome(
        &c.put_raw("al-9", Some(FHIR), b"{\"resourceType\": ").await,
        400,
        "structure",
        Some("$"),
    );
    assert_outcome(&c.put("al-8", &al3).await, 400, "invariant", None);
    let r = c
        .put_raw("al-9", Some("text/plain"), first.to_string().as_bytes())
        .await;
    assert_outcome(&r, 415, "not-supported", None);
    let big = vec![b' '; (1 << 20) + 10];
    assert_outcome(
        &c.put_raw("al-9", Some(FHIR), &big).await,
        413,
        "too-long",
        None,
    );
    assert_outcome(&c.get("al-9").await, 404, "not-found", None);
    assert_outcome(&c.get("al-8").await, 404, "not-found", None);
    assert!(rows(&app, &other).await.is_empty());

    // Roles: problem details.
    let r = app
        .req("GET", "/fhir/AllergyIntolerance/nk-0", None, None, b"")
        .await;
    r.assert_problem(401, "unauthorized");
    for role in ["nurse", "admin", "pharmacist"] {
        let t = common::token(role);
        let r = app
            .req(
                "PUT",
                "/fhir/AllergyIntolerance/al-7",
                Some(&t),
                Some(FHIR),
                first.to_string().as_bytes(),
            )
            .await;
        r.assert_problem(403, "forbidden");
        let r = app
            .req("GET", "/fhir/AllergyIntolerance/nk-0", Some(&t), None, b"")
            .await;
        r.assert_problem(403, "forbidden");
    }

    // Audited: every change with its outcome, every read.
    let writes = audit_actions(&app, "allergies.fhir").await;
    let summary: Vec<(&str, &str, &str)> = writes
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap(),
                w["statement"].as_str().unwrap(),
                w["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("al-1", "allergy", "created"),
            ("al-1", "allergy", "replaced"),
            ("al-1", "allergy", "replaced"),
            ("al-2", "allergy", "created"),
            ("nk-1", "none_known", "created"),
            ("al-3", "allergy", "created"),
            ("al-3", "entered_in_error", "removed"),
            ("nk-1", "entered_in_error", "removed"),
            ("nk-2", "none_known", "created"),
            ("nk-2", "entered_in_error", "removed"),
            ("al-1", "entered_in_error", "removed"),
            ("al-2", "entered_in_error", "removed"),
            ("nk-0", "none_known", "created"),
        ]
    );
    assert_eq!(writes[0]["nhs_number"], nhs.as_str());
    let reads = audit_actions(&app, "allergies.read").await;
    assert_eq!(reads.len(), 7, "{reads:?}");
    assert!(reads.iter().any(|r| r["found"] == true));

    peer_validate(&c.seen);
    app.stop().await;
}

both_backends!(allergy_intolerance, allergy_intolerance_over_http);

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
            "GET /fhir/AllergyIntolerance/none HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: application/problem+json\r\nConnection: close\r\n\r\n"
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
