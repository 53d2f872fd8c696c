//! FHIR R4 `MedicationRequest` over HTTP, for the EPMA (role `integrator`):
//!
//! - `PUT /fhir/MedicationRequest/{id}` creates (201, `Location`) or replaces (200) the
//!   order `fhir:{id}`; a retried identical `PUT` is 200. The body is read by
//!   [`bedside_orders::fhir::read_medication_request`] and checked against the patient
//!   index and the current dm+d catalogue by [`crate::orders::upsert`]; the order and its
//!   audit row (`orders.fhir`) commit in one transaction before the answer.
//! - `GET /fhir/MedicationRequest/{id}`: the stored resource, or 404.
//! - `GET /fhir/MedicationRequest?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|N`:
//!   a `searchset` Bundle of the patient's FHIR orders (empty for an unknown patient).
//!
//! Reads are audited (`orders.read`) before anything is returned. Every answer is
//! `application/fhir+json`; refusals are an `OperationOutcome` with a 4xx (503 when the
//! database fails). Authentication and role refusals (401, 403, 429) are problem details,
//! as on every other endpoint including `GET /v1/audit/fhir`: they are decided before the
//! FHIR endpoint is reached. A client whose `Accept` names `application/problem+json` and
//! not `application/fhir+json` gets the other refusals as problem details too.

use axum::body::{Body, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use bedside_orders::fhir::{
    CONTENT_TYPE, FHIR_ORDER_NAMESPACE, IssueType, NHS_NUMBER_SYSTEM, http_status,
    read_medication_request, search_bundle, write_medication_request,
};
use serde_json::{Value, json};

use super::AppState;
use super::auth::{Caller, Role};
use super::fhir::percent_decode;
use super::fhir_http::{
    FhirResource, MAX_BODY, Refusal, db_failed, fhir_json, is_fhir_id, lock_key, media_type,
    path_id,
};
use super::problem::Problem;
use crate::orders::{OrderError, Source, Stored};

const MEDICATION_REQUEST: FhirResource = FhirResource {
    id_expression: "MedicationRequest.id",
    refused_code: "order_refused",
    refused_title: "Order refused",
};

/// The search parameter this endpoint understands.
const PATIENT_IDENTIFIER: &str = "patient.identifier";

/// The NHS number in a stored resource's `subject.identifier`.
fn subject_nhs(resource: &Value) -> Option<&str> {
    resource.pointer("/subject/identifier/value")?.as_str()
}

fn audit_failed() -> Refusal {
    Refusal::unavailable(
        "the read could not be audited, so nothing is returned; try again or use the downtime procedure",
    )
}

fn read_failed() -> Refusal {
    Refusal::unavailable("the database failed: the orders cannot be read; try again")
}

/// `PUT /fhir/MedicationRequest/{id}`.
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
        Err(r) => r.answer(&headers, &MEDICATION_REQUEST),
    })
}

async fn put_inner(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, Refusal> {
    let id = path_id(id, &MEDICATION_REQUEST)?;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(media_type);
    if !matches!(media.as_deref(), Some(CONTENT_TYPE | "application/json")) {
        return Err(Refusal::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IssueType::NotSupported,
            "MedicationRequest",
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
    let order = read_medication_request(&bytes, &id).map_err(|issues| {
        // A body whose id is not the URL's is a 400 (FHIR's update interaction), though
        // the reader calls it an invariant; and only 4xx: a resource the reader could not
        // read is the body's fault.
        let id_mismatch = issues
            .iter()
            .any(|i| i.code == IssueType::Invariant && i.expression == "MedicationRequest.id");
        let status = StatusCode::from_u16(http_status(&issues))
            .ok()
            .filter(StatusCode::is_client_error)
            .filter(|_| !id_mismatch)
            .unwrap_or(StatusCode::BAD_REQUEST);
        Refusal::issues(status, &issues)
    })?;
    let resource = write_medication_request(&order).to_string();
    let now = crate::clock::now_ms();
    let mut tx = state.db.pool.begin().await.map_err(|_| db_failed())?;
    // Serialise writers of this order, so that of two concurrent PUTs of a new id one
    // creates and the other replaces. SQLite: a write as the first statement takes the
    // database's one write lock (the audit row needs it anyway). PostgreSQL: a
    // transaction-scoped advisory lock on the order's id.
    crate::db::lock_for_write(
        &mut tx,
        state.db.backend,
        lock_key(FHIR_ORDER_NAMESPACE, &order.id.number),
    )
    .await
    .map_err(|_| db_failed())?;
    let stored =
        match crate::orders::upsert(&mut tx, &order, Source::Fhir, Some(&resource), now).await {
            Ok(s) => s,
            Err(OrderError::Refused {
                element,
                code,
                message,
            }) => {
                let _ = tx.rollback().await;
                let kind = match code {
                    204 => IssueType::NotFound,
                    103 => IssueType::CodeInvalid,
                    _ => IssueType::Processing,
                };
                return Err(Refusal::one(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    kind,
                    element.fhir_expression(),
                    &message,
                ));
            }
            Err(OrderError::Db(_)) => return Err(db_failed()),
        };
    let body = match stored {
        Stored::Created | Stored::Replaced => resource,
        Stored::Stale => crate::orders::fhir_resource(&mut tx, &order.id.number)
            .await
            .map_err(|_| db_failed())?
            .unwrap_or(resource),
    };
    let outcome = match stored {
        Stored::Created => "created",
        Stored::Replaced => "replaced",
        Stored::Stale => "stale",
    };
    crate::audit::append_in(
        &mut tx,
        &caller.actor(),
        "orders.fhir",
        &json!({
            "order_id": crate::orders::order_key(&order.id),
            "status": order.status.as_str(),
            "nhs_number": order.nhs_number,
            "outcome": outcome,
        }),
    )
    .await
    .map_err(|_| db_failed())?;
    tx.commit().await.map_err(|_| db_failed())?;
    if stored == Stored::Created {
        let mut resp = fhir_json(StatusCode::CREATED, body);
        if let Ok(v) = HeaderValue::from_str(&format!("/fhir/MedicationRequest/{id}")) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        Ok(resp)
    } else {
        Ok(fhir_json(StatusCode::OK, body))
    }
}

/// `GET /fhir/MedicationRequest/{id}`.
pub(crate) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match read_inner(&state, &caller, id).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers, &MEDICATION_REQUEST),
    })
}

async fn read_inner(
    state: &AppState,
    caller: &Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let id = path_id(id, &MEDICATION_REQUEST)?;
    let not_found = || {
        Refusal::one(
            StatusCode::NOT_FOUND,
            IssueType::NotFound,
            "MedicationRequest.id",
            "no MedicationRequest has this id",
        )
    };
    if !is_fhir_id(&id) {
        return Err(not_found());
    }
    let mut conn = state.db.pool.acquire().await.map_err(|_| read_failed())?;
    let stored = crate::orders::fhir_resource(&mut conn, &id)
        .await
        .map_err(|_| read_failed())?;
    drop(conn);
    let resource = stored
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok());
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "orders.read",
        &json!({
            "via": "fhir",
            "order_id": format!("{FHIR_ORDER_NAMESPACE}:{id}"),
            "found": resource.is_some(),
            "nhs_number": resource.as_ref().and_then(subject_nhs),
        }),
    )
    .await
    .map_err(|_| audit_failed())?;
    match (stored, resource) {
        (Some(text), Some(_)) => Ok(fhir_json(StatusCode::OK, text)),
        _ => Err(not_found()),
    }
}

/// Percent-decodes a query component (`+` is a space); `None` when malformed.
/// The NHS number a search asks for: exactly one parameter, `patient.identifier`, whose
/// value is `https://fhir.nhs.uk/Id/nhs-number|` and ten digits (`|` may be sent as `%7C`).
///
/// # Errors
/// The diagnostics of the 400.
///
/// ```
/// use bedside::server::fhir_orders::search_nhs_number;
/// let q = "patient.identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919";
/// assert_eq!(search_nhs_number(Some(q)).unwrap(), "9434765919");
/// assert!(search_nhs_number(Some("patient=9434765919")).is_err());
/// assert!(search_nhs_number(None).is_err());
/// ```
pub fn search_nhs_number(query: Option<&str>) -> Result<String, &'static str> {
    let pairs: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .collect();
    let [pair] = pairs.as_slice() else {
        return Err(
            "give exactly one search parameter: patient.identifier=https://fhir.nhs.uk/Id/nhs-number|<NHS number>",
        );
    };
    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
    if percent_decode(k).as_deref() != Some(PATIENT_IDENTIFIER) {
        return Err("the only search parameter supported is patient.identifier");
    }
    let v = percent_decode(v).ok_or("patient.identifier: bad percent-encoding")?;
    let number = v
        .strip_prefix(NHS_NUMBER_SYSTEM)
        .and_then(|rest| rest.strip_prefix('|'))
        .ok_or("patient.identifier must be https://fhir.nhs.uk/Id/nhs-number|<NHS number>")?;
    if number.len() != 10 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("patient.identifier: an NHS number is 10 digits");
    }
    Ok(number.to_owned())
}

/// The service's FHIR base URL as this request reached it (for `Bundle.entry.fullUrl`).
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.cfg.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or(state.cfg.listen.as_str());
    format!("{scheme}://{host}/fhir")
}

/// `GET /fhir/MedicationRequest?patient.identifier=…`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match search_inner(&state, &caller, &headers, &uri).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers, &MEDICATION_REQUEST),
    })
}

async fn search_inner(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Response, Refusal> {
    let nhs = search_nhs_number(uri.query()).map_err(|d| {
        Refusal::one(
            StatusCode::BAD_REQUEST,
            IssueType::Value,
            PATIENT_IDENTIFIER,
            d,
        )
    })?;
    let mut conn = state.db.pool.acquire().await.map_err(|_| read_failed())?;
    let stored = crate::orders::fhir_resources_for(&mut conn, &nhs)
        .await
        .map_err(|_| read_failed())?;
    drop(conn);
    let entries: Vec<Value> = stored
        .iter()
        .filter_map(|s| serde_json::from_str(s).ok())
        .collect();
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "orders.read",
        &json!({
            "via": "fhir-search",
            "nhs_number": nhs,
            "count": entries.len(),
            "order_ids": entries
                .iter()
                .filter_map(|r| r["id"].as_str())
                .map(|id| format!("{FHIR_ORDER_NAMESPACE}:{id}"))
                .collect::<Vec<_>>(),
        }),
    )
    .await
    .map_err(|_| audit_failed())?;
    let bundle = search_bundle(&entries, &base_url(state, headers));
    Ok(fhir_json(StatusCode::OK, bundle.to_string()))
}
