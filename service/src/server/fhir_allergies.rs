//! FHIR R4 `AllergyIntolerance` over HTTP, for the EPR (role `integrator`):
//!
//! - `PUT /fhir/AllergyIntolerance/{id}` states one allergy (201 with `Location` when the
//!   id is new, else 200), a positive "no known drug allergy" (409 while allergies are
//!   recorded for the patient), or withdraws what the id held (`verificationStatus`
//!   entered-in-error, 200). The body is read by
//!   [`bedside_orders::fhir::read_allergy_intolerance`] and stored by
//!   [`crate::allergies::put_fhir`]; the change and its audit row (`allergies.fhir`)
//!   commit in one transaction before the answer.
//! - `GET /fhir/AllergyIntolerance/{id}`: the stored resource, or 404; audited
//!   (`allergies.read`) before anything is returned.
//!
//! Answers are `application/fhir+json`; refusals an `OperationOutcome` with a 4xx (503
//! when the database fails). Authentication and role refusals (401, 403, 429) are problem
//! details, decided before the endpoint is reached; a client whose `Accept` names
//! `application/problem+json` and not `application/fhir+json` gets every refusal as
//! problem details, as on `/fhir/MedicationRequest`.

use axum::body::{Body, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bedside_orders::fhir::{
    CONTENT_TYPE, Issue, IssueType, http_status, operation_outcome, read_allergy_intolerance,
};
use serde_json::{Value, json};

use super::AppState;
use super::auth::{Caller, Role};
use super::problem::Problem;
use crate::allergies::{AllergyError, Outcome};

/// Largest `PUT` body: 1 MiB.
pub const MAX_BODY: usize = 1 << 20;

const R: &str = "AllergyIntolerance";

/// A refusal: the status and its `OperationOutcome`.
struct Refusal {
    status: StatusCode,
    outcome: Value,
}

impl Refusal {
    fn issues(status: StatusCode, issues: &[Issue]) -> Refusal {
        Refusal {
            status,
            outcome: operation_outcome(issues),
        }
    }

    fn one(status: StatusCode, code: IssueType, expression: &str, diagnostics: &str) -> Refusal {
        Refusal::issues(status, &[Issue::error(code, expression, diagnostics)])
    }

    /// An issue type the reader's [`IssueType`] has no variant for, at no element.
    fn coded(status: StatusCode, code: &str, diagnostics: &str) -> Refusal {
        Refusal {
            status,
            outcome: json!({
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
            }),
        }
    }

    fn unavailable(diagnostics: &str) -> Refusal {
        Refusal::coded(StatusCode::SERVICE_UNAVAILABLE, "exception", diagnostics)
    }

    fn answer(self, headers: &HeaderMap) -> Response {
        if wants_problem(headers) {
            return self.problem().into_response();
        }
        let mut resp = fhir_json(self.status, self.outcome.to_string());
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp
    }

    fn problem(&self) -> Problem {
        let detail = self.outcome["issue"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|i| {
                        let d = i["diagnostics"].as_str().unwrap_or_default();
                        match i["expression"][0].as_str() {
                            Some(at) => format!("{at}: {d}"),
                            None => d.to_owned(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        match self.status.as_u16() {
            404 => Problem::new(self.status, "not_found", "Not found", detail),
            409 => Problem::new(self.status, "conflict", "Conflicts with the record", detail),
            413 => Problem::new(
                self.status,
                "payload_too_large",
                "Request body too large",
                detail,
            ),
            415 => Problem::new(
                self.status,
                "unsupported_media_type",
                "Unsupported media type",
                detail,
            ),
            422 => Problem::new(self.status, "allergy_refused", "Allergy refused", detail),
            503 => Problem::unavailable("database_unavailable", detail),
            _ => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_resource",
                "Invalid request",
                detail,
            ),
        }
    }
}

/// Whether the client asked for problem details rather than FHIR.
fn wants_problem(headers: &HeaderMap) -> bool {
    let accept: Vec<String> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(media_type)
        .collect();
    accept.iter().any(|m| m == "application/problem+json")
        && !accept.iter().any(|m| m == CONTENT_TYPE)
}

/// A media type without parameters, lower case.
fn media_type(v: &str) -> String {
    v.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn fhir_json(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    resp
}

/// A FHIR resource id (`[A-Za-z0-9\-\.]{1,64}`).
fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, Refusal> {
    id.map(|Path(id)| id).map_err(|_| {
        Refusal::one(
            StatusCode::BAD_REQUEST,
            IssueType::Value,
            "AllergyIntolerance.id",
            "the id in the URL is not readable (percent-encoding or UTF-8)",
        )
    })
}

fn db_failed() -> Refusal {
    Refusal::unavailable("the database failed: nothing was stored; try again")
}

/// `PUT /fhir/AllergyIntolerance/{id}`.
pub(crate) async fn put(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match put_inner(&state, &caller, &headers, id, body).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers),
    })
}

async fn put_inner(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, Refusal> {
    let id = path_id(id)?;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(media_type);
    if !matches!(media.as_deref(), Some(CONTENT_TYPE | "application/json")) {
        return Err(Refusal::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IssueType::NotSupported,
            R,
            "send Content-Type: application/fhir+json",
        ));
    }
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| {
        Refusal::coded(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-long",
            "the body must be at most 1 MiB",
        )
    })?;
    let res = read_allergy_intolerance(&bytes, &id).map_err(|issues| {
        // The body's id not being the URL's is a 400 (FHIR's update interaction); and a
        // body the reader could not read is the client's fault: 4xx only.
        let id_mismatch = issues
            .iter()
            .any(|i| i.code == IssueType::Invariant && i.expression == "AllergyIntolerance.id");
        let status = StatusCode::from_u16(http_status(&issues))
            .ok()
            .filter(StatusCode::is_client_error)
            .filter(|_| !id_mismatch)
            .unwrap_or(StatusCode::BAD_REQUEST);
        Refusal::issues(status, &issues)
    })?;
    let now = crate::clock::now_ms();
    let mut tx = state.db.pool.begin().await.map_err(|_| db_failed())?;
    // Serialise writers of this id, so that of two concurrent PUTs of a new id one
    // creates and the other replaces (as for MedicationRequest): SQLite's one write lock,
    // taken first; PostgreSQL, an advisory lock on the id.
    crate::db::lock_for_write(&mut tx, state.db.backend, lock_key(&res.id))
        .await
        .map_err(|_| db_failed())?;
    let stored = match crate::allergies::put_fhir(&mut tx, &res, now).await {
        Ok(s) => s,
        Err(e) => {
            let _ = tx.rollback().await;
            let message = e.to_string();
            return Err(match e {
                AllergyError::Patient(_) => Refusal::one(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    IssueType::NotFound,
                    "AllergyIntolerance.patient.identifier",
                    &message,
                ),
                AllergyError::UnknownCode => Refusal::one(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    IssueType::CodeInvalid,
                    "AllergyIntolerance.code",
                    &message,
                ),
                AllergyError::NoCatalogue => Refusal::one(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    IssueType::Processing,
                    "AllergyIntolerance.code",
                    &message,
                ),
                AllergyError::AllergiesRecorded => Refusal::one(
                    StatusCode::CONFLICT,
                    IssueType::Conflict,
                    "AllergyIntolerance.code",
                    &message,
                ),
                AllergyError::Db(_) => db_failed(),
            });
        }
    };
    crate::audit::append_in(
        &mut tx,
        &caller.actor(),
        "allergies.fhir",
        &json!({
            "id": res.id,
            "nhs_number": res.nhs_number,
            "statement": crate::allergies::entry_name(&res.statement),
            "outcome": stored.outcome.as_str(),
        }),
    )
    .await
    .map_err(|_| db_failed())?;
    tx.commit().await.map_err(|_| db_failed())?;
    if stored.outcome == Outcome::Created {
        let mut resp = fhir_json(StatusCode::CREATED, stored.resource);
        if let Ok(v) = HeaderValue::from_str(&format!("/fhir/AllergyIntolerance/{id}")) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        Ok(resp)
    } else {
        Ok(fhir_json(StatusCode::OK, stored.resource))
    }
}

/// A PostgreSQL advisory lock key for an allergy id (the first 8 bytes of the SHA-256 of
/// `allergy:{id}`, apart from the MedicationRequest keys).
fn lock_key(id: &str) -> i64 {
    let hex = crate::crypto::sha256_hex(format!("allergy:{id}").as_bytes());
    u64::from_str_radix(hex.get(..16).unwrap_or("0"), 16)
        .map_or(0, |n| i64::from_ne_bytes(n.to_ne_bytes()))
}

/// `GET /fhir/AllergyIntolerance/{id}`.
pub(crate) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match read_inner(&state, &caller, id).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers),
    })
}

async fn read_inner(
    state: &AppState,
    caller: &Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let id = path_id(id)?;
    let not_found = || {
        Refusal::one(
            StatusCode::NOT_FOUND,
            IssueType::NotFound,
            "AllergyIntolerance.id",
            "no AllergyIntolerance has this id",
        )
    };
    if !is_fhir_id(&id) {
        return Err(not_found());
    }
    let read_failed =
        || Refusal::unavailable("the database failed: the allergy cannot be read; try again");
    let mut conn = state.db.pool.acquire().await.map_err(|_| read_failed())?;
    let stored = crate::allergies::fhir_resource(&mut conn, &id)
        .await
        .map_err(|_| read_failed())?;
    drop(conn);
    let resource = stored
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok());
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "allergies.read",
        &json!({
            "via": "fhir",
            "id": id,
            "found": resource.is_some(),
            "nhs_number": resource
                .as_ref()
                .and_then(|r| r.pointer("/patient/identifier/value"))
                .and_then(Value::as_str),
        }),
    )
    .await
    .map_err(|_| {
        Refusal::unavailable(
            "the read could not be audited, so nothing is returned; try again or use the downtime procedure",
        )
    })?;
    match (stored, resource) {
        (Some(text), Some(_)) => Ok(fhir_json(StatusCode::OK, text)),
        _ => Err(not_found()),
    }
}
