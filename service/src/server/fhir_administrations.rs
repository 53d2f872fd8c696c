//! FHIR R4 UK Core `MedicationAdministration` over HTTP, for the EPR (role `integrator`):
//! the doses Bedside recorded, read-only.
//!
//! - `GET /fhir/MedicationAdministration/{id}`: one record (`id` is the administration's
//!   id, as `POST /v1/administrations` answered it), or 404.
//! - `GET /fhir/MedicationAdministration?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|N[&_lastUpdated=…]`:
//!   a `searchset` Bundle of the patient's records (empty for an unknown patient), in the
//!   order they were given. `_lastUpdated` takes the prefixes `eq` (the default), `ge`,
//!   `gt`, `le` and `lt` and may be repeated: the records must satisfy every one (a range).
//!   A record's last update is when it was given, or when it was marked entered in error.
//!
//! The resource is written by [`bedside_orders::fhir::write_medication_administration`]
//! from what [`crate::administrations`] reads. Reads are audited
//! (`administrations.read`) before anything is returned. Answers and refusals are as on
//! the other FHIR endpoints ([`super::fhir_http`]): `application/fhir+json`, an
//! `OperationOutcome` for a 4xx/503, problem details for 401, 403 and 429.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use bedside_orders::fhir::{
    IssueType, last_updated_range, search_bundle, write_medication_administration,
};
use serde_json::{Value, json};

use super::AppState;
use super::auth::{Caller, Role};
use super::fhir::percent_decode;
use super::fhir_http::{FhirResource, Refusal, fhir_json, path_id};
use super::fhir_orders::{base_url, search_nhs_number};
use super::problem::Problem;

const MEDICATION_ADMINISTRATION: FhirResource = FhirResource {
    id_expression: "MedicationAdministration.id",
    refused_code: "invalid_request",
    refused_title: "Invalid request",
};

const PATIENT_IDENTIFIER: &str = "patient.identifier";
const LAST_UPDATED: &str = "_lastUpdated";

fn audit_failed() -> Refusal {
    Refusal::unavailable(
        "the read could not be audited, so nothing is returned; try again or use the downtime procedure",
    )
}

fn read_failed() -> Refusal {
    Refusal::unavailable("the database failed: the administrations cannot be read; try again")
}

/// What a search asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// The patient's NHS number.
    pub nhs_number: String,
    /// Records last updated at or after this instant (Unix ms).
    pub from: i64,
    /// … and before this one.
    pub to: i64,
    /// The `_lastUpdated` values as sent (decoded), for the audit trail.
    pub last_updated: Vec<String>,
}

/// Reads a search's query: `patient.identifier` exactly once
/// (`https://fhir.nhs.uk/Id/nhs-number|` and ten digits, `|` may be `%7C`), and
/// `_lastUpdated` any number of times (see
/// [`bedside_orders::fhir::last_updated_range`]), intersected into one range. Any other
/// parameter is refused: a search the server would answer by ignoring part of it could
/// return records the client did not ask for, or miss ones it did.
///
/// # Errors
/// The parameter at fault and what is wrong, for the 400.
///
/// ```
/// use bedside::server::fhir_administrations::search_params;
/// let q = "patient.identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919&_lastUpdated=ge2026-01-15&_lastUpdated=lt2026-01-16";
/// let s = search_params(Some(q)).unwrap();
/// assert_eq!(s.nhs_number, "9434765919");
/// assert_eq!(s.to - s.from, 86_400_000);
/// assert!(search_params(Some("_lastUpdated=ge2026-01-15")).is_err());
/// assert!(search_params(Some(&format!("{q}&_count=10"))).is_err());
/// ```
pub fn search_params(query: Option<&str>) -> Result<Search, (String, String)> {
    let mut nhs = None;
    let (mut from, mut to) = (i64::MIN, i64::MAX);
    let mut last_updated = Vec::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k);
        match key.as_deref() {
            Some(PATIENT_IDENTIFIER) => {
                if nhs.is_some() {
                    return Err((
                        PATIENT_IDENTIFIER.to_owned(),
                        "give patient.identifier once".to_owned(),
                    ));
                }
                nhs = Some(
                    search_nhs_number(Some(pair))
                        .map_err(|d| (PATIENT_IDENTIFIER.to_owned(), d.to_owned()))?,
                );
            }
            Some(LAST_UPDATED) => {
                let v = percent_decode(v)
                    .ok_or((LAST_UPDATED.to_owned(), "bad percent-encoding".to_owned()))?;
                let (f, t) = last_updated_range(&v)
                    .map_err(|d| (LAST_UPDATED.to_owned(), format!("{v:?}: {d}")))?;
                from = from.max(f);
                to = to.min(t);
                last_updated.push(v);
            }
            _ => {
                return Err((
                    key.unwrap_or_else(|| k.to_owned()),
                    "the search parameters supported are patient.identifier (required) and _lastUpdated"
                        .to_owned(),
                ));
            }
        }
    }
    let nhs_number = nhs.ok_or((
        PATIENT_IDENTIFIER.to_owned(),
        "patient.identifier=https://fhir.nhs.uk/Id/nhs-number|<NHS number> is required".to_owned(),
    ))?;
    Ok(Search {
        nhs_number,
        from,
        to,
        last_updated,
    })
}

/// `GET /fhir/MedicationAdministration/{id}`.
pub(crate) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match read_inner(&state, &caller, id).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers, &MEDICATION_ADMINISTRATION),
    })
}

async fn read_inner(
    state: &AppState,
    caller: &Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Refusal> {
    let id = path_id(id, &MEDICATION_ADMINISTRATION)?;
    let not_found = || {
        Refusal::one(
            StatusCode::NOT_FOUND,
            IssueType::NotFound,
            "MedicationAdministration.id",
            "no MedicationAdministration has this id",
        )
    };
    // Bedside's ids are positive integers without leading zeros: any other id names
    // nothing here.
    let Some(number) = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && n.to_string() == id)
    else {
        return Err(not_found());
    };
    let mut conn = state.db.pool.acquire().await.map_err(|_| read_failed())?;
    let record = crate::administrations::fhir_record(&mut conn, number)
        .await
        .map_err(|_| read_failed())?;
    drop(conn);
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "administrations.read",
        &json!({
            "via": "fhir",
            "administration_id": number,
            "found": record.is_some(),
            "nhs_number": record.as_ref().map(|r| r.nhs_number.clone()),
        }),
    )
    .await
    .map_err(|_| audit_failed())?;
    match record {
        Some(rec) => Ok(fhir_json(
            StatusCode::OK,
            write_medication_administration(&rec).to_string(),
        )),
        None => Err(not_found()),
    }
}

/// `GET /fhir/MedicationAdministration?patient.identifier=…[&_lastUpdated=…]`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, Problem> {
    caller.require(&[Role::Integrator])?;
    Ok(match search_inner(&state, &caller, &headers, &uri).await {
        Ok(r) => r,
        Err(r) => r.answer(&headers, &MEDICATION_ADMINISTRATION),
    })
}

async fn search_inner(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Response, Refusal> {
    let search = search_params(uri.query())
        .map_err(|(at, d)| Refusal::one(StatusCode::BAD_REQUEST, IssueType::Value, &at, &d))?;
    let mut conn = state.db.pool.acquire().await.map_err(|_| read_failed())?;
    let records = crate::administrations::fhir_records_for(
        &mut conn,
        &search.nhs_number,
        search.from,
        search.to,
    )
    .await
    .map_err(|_| read_failed())?;
    drop(conn);
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "administrations.read",
        &json!({
            "via": "fhir-search",
            "nhs_number": search.nhs_number,
            "last_updated": search.last_updated,
            "count": records.len(),
            "administration_ids": records.iter().map(|r| r.id).collect::<Vec<_>>(),
        }),
    )
    .await
    .map_err(|_| audit_failed())?;
    let entries: Vec<Value> = records
        .iter()
        .map(write_medication_administration)
        .collect();
    let bundle = search_bundle(&entries, &base_url(state, headers));
    Ok(fhir_json(StatusCode::OK, bundle.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "patient.identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919";

    fn refused(q: &str) -> (String, String) {
        search_params(Some(q)).err().unwrap_or_default()
    }

    #[test]
    fn ranges_intersect_and_values_are_kept_for_the_audit() {
        let q = format!("{P}&_lastUpdated=ge2026-01-15T08:00:00Z&_lastUpdated=le2026-01-15");
        let s = search_params(Some(&q)).ok();
        assert_eq!(
            s,
            Some(Search {
                nhs_number: "9434765919".into(),
                from: 1_768_464_000_000,
                // The end of 15 January in London (GMT in winter).
                to: 1_768_521_600_000,
                last_updated: vec!["ge2026-01-15T08:00:00Z".into(), "le2026-01-15".into()],
            })
        );
        let s = search_params(Some(P)).ok();
        assert_eq!(s.map(|s| (s.from, s.to)), Some((i64::MIN, i64::MAX)));
        // `+` in an offset must be percent-encoded: a plain `+` is a space.
        let q = format!("{P}&_lastUpdated=ge2026-01-15T09:00:00%2B01:00");
        assert_eq!(
            search_params(Some(&q)).ok().map(|s| s.from),
            Some(1_768_464_000_000)
        );
        let q = format!("{P}&_lastUpdated=ge2026-01-15T09:00:00+01:00");
        assert_eq!(refused(&q).0, LAST_UPDATED);
    }

    #[test]
    fn refusals_name_the_parameter() {
        assert_eq!(refused("").0, PATIENT_IDENTIFIER);
        assert_eq!(refused(&format!("{P}&{P}")).0, PATIENT_IDENTIFIER);
        assert_eq!(refused(&format!("{P}&_count=5")).0, "_count");
        assert_eq!(refused(&format!("{P}&_sort%3D=x")).0, "_sort=");
        assert_eq!(
            refused(&format!("{P}&_lastUpdated=ne2026-01-15")).0,
            LAST_UPDATED
        );
        assert_eq!(refused(&format!("{P}&_lastUpdated=%ZZ")).0, LAST_UPDATED);
        assert_eq!(
            refused("patient.identifier=9434765919").0,
            PATIENT_IDENTIFIER
        );
    }
}
