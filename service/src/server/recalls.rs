//! `POST /v1/recalls`, `GET /v1/recalls`, `GET /v1/recalls/{id}` and
//! `POST /v1/recalls/{id}/withdraw`: the medicine recalls the pharmacy manages (the use
//! case, its rules and its SQL are [`crate::recalls`]).
//!
//! Pharmacists enter and withdraw recalls; pharmacists and nurses read them (a nurse
//! stopped by a recall may need to see the notice). A second `POST` of a reference that an
//! active recall has is refused (409 `recall_exists`, with its id), so a double-click never
//! makes two notices. Every write is audited with the caller.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{FieldProblem, RecallBody, RecallList, RecallRequest, RecallWithdrawRequest};
use super::extract::StrictJson;
use super::problem::Problem;
use crate::recalls::{CreateError, FieldError, WithdrawError};

fn db_down(_: sqlx::Error) -> Problem {
    Problem::unavailable("database_unavailable", "the recall list cannot be read")
}

fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such recall",
        "no recall has this id",
    )
}

fn field_problem(errors: Vec<FieldError>) -> Problem {
    let detail = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    Problem::invalid(detail).with(|x| {
        x.fields = Some(
            errors
                .into_iter()
                .map(|e| FieldProblem {
                    field: e.field,
                    rule: e.rule,
                })
                .collect(),
        );
    })
}

fn parse_id(id: &str) -> Result<i64, Problem> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(not_found)
}

async fn read_one(state: &AppState, id: i64) -> Result<RecallBody, Problem> {
    crate::recalls::get(&state.db, id)
        .await
        .map_err(db_down)?
        .map(|r| RecallBody::from(&r))
        .ok_or_else(not_found)
}

/// `active=true|false` or nothing.
fn active_filter(query: Option<&str>) -> Result<Option<bool>, Problem> {
    let mut active = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("active", v)) if active.is_none() => {
                active = Some(match v {
                    "true" => true,
                    "false" => false,
                    _ => return Err(Problem::invalid("active: must be true or false")),
                });
            }
            Some(("active", _)) => return Err(Problem::invalid("active: given twice")),
            _ => {
                return Err(Problem::invalid(
                    "the only query parameter is active=true|false",
                ));
            }
        }
    }
    Ok(active)
}

/// `GET /v1/recalls[?active=true|false]`: every recall, newest first.
///
/// # Errors
/// 403 for other roles, 422 for another query, 503 when the list cannot be read.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<RecallList>, Problem> {
    caller.require(&[Role::Pharmacist, Role::Nurse])?;
    let active = active_filter(uri.query())?;
    let recalls = crate::recalls::list(&state.db, active)
        .await
        .map_err(db_down)?;
    Ok(Json(RecallList {
        recalls: recalls.iter().map(RecallBody::from).collect(),
    }))
}

/// `GET /v1/recalls/{id}`.
///
/// # Errors
/// 403, 404, 503.
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RecallBody>, Problem> {
    caller.require(&[Role::Pharmacist, Role::Nurse])?;
    Ok(Json(read_one(&state, parse_id(&id)?).await?))
}

/// `POST /v1/recalls`: 201 with the recall (and `Location`) once committed and audited.
///
/// # Errors
/// 403 for other roles; 422 naming every faulty field (`products[1].ampp`), including a
/// product the current dm+d release does not have; 409 `recall_exists` (with
/// `recall_id`) when an active recall has the reference; 503 when it cannot be stored.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<RecallRequest>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Pharmacist])?;
    let recall = crate::recalls::check(&body.into()).map_err(field_problem)?;
    let id = match crate::recalls::create(
        &state.db,
        &recall,
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    {
        Ok(id) => id,
        Err(CreateError::Unknown(errors)) => return Err(field_problem(errors)),
        Err(CreateError::Exists { id }) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "recall_exists",
                "Recall already entered",
                format!(
                    "recall {id} has this reference and is active: nothing was stored (withdraw it first to enter a corrected notice)"
                ),
            )
            .with(|x| x.recall_id = Some(id)));
        }
        Err(CreateError::Db(_)) => {
            return Err(Problem::unavailable(
                "database_unavailable",
                "the recall could not be stored: nothing was stored",
            ));
        }
    };
    let body = read_one(&state, id).await?;
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/recalls/{id}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// `POST /v1/recalls/{id}/withdraw`: the recall is kept, audited and no longer applied.
///
/// # Errors
/// 403, 404, 422 (reason), 409 `recall_withdrawn` when it already was, 503.
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<RecallWithdrawRequest>,
) -> Result<Json<RecallBody>, Problem> {
    caller.require(&[Role::Pharmacist])?;
    let id = parse_id(&id)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 || reason.chars().any(char::is_control) {
        return Err(field_problem(vec![FieldError {
            field: "reason".into(),
            rule: "must be 1 to 500 characters without control characters".into(),
        }]));
    }
    match crate::recalls::withdraw(
        &state.db,
        id,
        reason,
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    {
        Ok(()) => Ok(Json(read_one(&state, id).await?)),
        Err(WithdrawError::NotFound) => Err(not_found()),
        Err(WithdrawError::AlreadyWithdrawn) => Err(Problem::new(
            StatusCode::CONFLICT,
            "recall_withdrawn",
            "Recall already withdrawn",
            "this recall was already withdrawn",
        )),
        Err(WithdrawError::Db(_)) => Err(Problem::unavailable(
            "database_unavailable",
            "the withdrawal could not be stored: the recall still applies",
        )),
    }
}
