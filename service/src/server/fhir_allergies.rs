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
use axum::response::Response;
use bedside_orders::fhir::{CONTENT_TYPE, IssueType, http_status, read_allergy_intolerance};
use serde_json::{Value, json};

use super::AppState;
use super::auth::{Caller, Role};
use super::fhir_http::{
    FhirResource, MAX_BODY, Refusal, db_failed, fhir_json, is_fhir_id, lock_key, media_type,
    path_id,
};
use super::problem::Problem;
use crate::allergies::{AllergyError, Outcome};

const R: &str = "AllergyIntolerance";

const ALLERGY_INTOLERANCE: FhirResource = FhirResource {
    id_expression: "AllergyIntolerance.id",
    refused_code: "allergy_refused",
    refused_title: "Allergy refused",
};

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
        Err(r) => r.answer(&headers, &ALLERGY_INTOLERANCE),
    })
}

async fn put_inner(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, Refusal> {
    let id = path_id(id, &ALLERGY_INTOLERANCE)?;
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
    crate::db::lock_for_write(&mut tx, state.db.backend, lock_key("allergy", &res.id))
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
        Err(r) => r.answer(&headers, &ALLERGY_INTOLERANCE),
    })
}

async fn read_inner(
    state: &AppState,
    caller: &Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let id = path_id(id, &ALLERGY_INTOLERANCE)?;
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
