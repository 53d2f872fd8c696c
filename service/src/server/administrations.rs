//! `POST /v1/administrations/{id}/entered-in-error`: a nurse or pharmacist marks a recorded
//! dose as recorded in error ([`crate::administrations::mark_entered_in_error`]). The record
//! is kept; from then on it reads `entered-in-error`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{EnteredInErrorAnswer, EnteredInErrorRequest};
use super::extract::StrictJson;
use super::problem::Problem;
use crate::administrations::MarkError;

/// `POST /v1/administrations/{id}/entered-in-error`
///
/// # Errors
/// 403 for other roles, 404 for an unknown id, 422 for an id that is not a number or an
/// empty or too long reason, 503 when the change or its audit row cannot be written.
pub async fn entered_in_error(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<EnteredInErrorRequest>,
) -> Result<Json<EnteredInErrorAnswer>, Problem> {
    caller.require(&[Role::Nurse, Role::Pharmacist])?;
    let id: i64 =
        id.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            Problem::invalid("id: an administration id is a positive whole number")
        })?;
    let marked = crate::administrations::mark_entered_in_error(
        &state.db,
        id,
        &body.reason,
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    .map_err(|_| {
        Problem::unavailable(
            "database_unavailable",
            "the record cannot be corrected now; nothing was changed",
        )
    })?;
    match marked {
        Ok(m) => Ok(Json(EnteredInErrorAnswer::from(&m))),
        Err(MarkError::NotFound) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such administration",
            "no recorded dose has this id",
        )),
        Err(e @ MarkError::Reason) => Err(Problem::invalid(e.to_string())),
    }
}
