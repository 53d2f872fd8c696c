//! `GET /v1/patients/{nhs_number}/medications`: the ward's chart of one patient, for the
//! medicines page after the wristband scan: allergies (or "not recorded") first, then the
//! orders active or on hold. Nurses and pharmacists; a record view, audited before the
//! answer ([`crate::chart::read`]).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bedside_patient::NhsNumber;

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::PatientMedications;
use super::problem::Problem;

/// `GET /v1/patients/{nhs_number}/medications`
///
/// # Errors
/// 403 for other roles, 422 for an NHS number that is not valid, 404 when no record has
/// it, 503 when the record or its audit row cannot be read or written.
pub async fn medications(
    State(state): State<AppState>,
    caller: Caller,
    Path(nhs_number): Path<String>,
) -> Result<Json<PatientMedications>, Problem> {
    caller.require(&[Role::Nurse, Role::Pharmacist])?;
    let nhs = NhsNumber::parse(&nhs_number, state.identifier.policy.test_data())
        .map_err(|e| Problem::invalid(format!("nhs_number: {e}")))?;
    let chart = crate::chart::read(
        &state.db,
        nhs.as_str(),
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    .map_err(|_| {
        Problem::unavailable(
            "database_unavailable",
            "the patient's medicines cannot be read",
        )
    })?;
    match chart {
        Some(c) => Ok(Json(PatientMedications::from(&c))),
        None => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such patient",
            "no patient record has this NHS number",
        )),
    }
}
