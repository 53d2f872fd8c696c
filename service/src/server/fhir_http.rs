//! What the FHIR endpoints (`/fhir/MedicationRequest`, `/fhir/AllergyIntolerance`) share:
//! refusals as `OperationOutcome` (or problem details when the client asks for them),
//! `application/fhir+json` answers, the resource id rules, and the key of the per-id write
//! lock.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bedside_orders::fhir::{CONTENT_TYPE, Issue, IssueType, operation_outcome};
use serde_json::{Value, json};

use super::problem::Problem;

/// Largest `PUT` body: 1 MiB.
pub const MAX_BODY: usize = 1 << 20;

/// What differs between the resources in a refusal.
pub(super) struct FhirResource {
    /// FHIRPath of the resource's id (`MedicationRequest.id`).
    pub(super) id_expression: &'static str,
    /// The problem code of a 422 as problem details (`order_refused`).
    pub(super) refused_code: &'static str,
    /// Its title.
    pub(super) refused_title: &'static str,
}

/// A PostgreSQL advisory lock key for a resource id: the first 8 bytes of the SHA-256 of
/// `{scope}:{id}`, the scope keeping each resource's keys apart.
pub(super) fn lock_key(scope: &str, id: &str) -> i64 {
    let hex = crate::crypto::sha256_hex(format!("{scope}:{id}").as_bytes());
    u64::from_str_radix(hex.get(..16).unwrap_or("0"), 16)
        .map_or(0, |n| i64::from_ne_bytes(n.to_ne_bytes()))
}

/// A refusal: the status and its `OperationOutcome`.
pub(super) struct Refusal {
    status: StatusCode,
    outcome: Value,
}

impl Refusal {
    pub(super) fn issues(status: StatusCode, issues: &[Issue]) -> Refusal {
        Refusal {
            status,
            outcome: operation_outcome(issues),
        }
    }

    pub(super) fn one(
        status: StatusCode,
        code: IssueType,
        expression: &str,
        diagnostics: &str,
    ) -> Refusal {
        Refusal::issues(status, &[Issue::error(code, expression, diagnostics)])
    }

    /// An issue type the reader's [`IssueType`] has no variant for, at no element.
    pub(super) fn coded(status: StatusCode, code: &str, diagnostics: &str) -> Refusal {
        Refusal {
            status,
            outcome: json!({
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
            }),
        }
    }

    pub(super) fn unavailable(diagnostics: &str) -> Refusal {
        Refusal::coded(StatusCode::SERVICE_UNAVAILABLE, "exception", diagnostics)
    }

    /// The answer, as the client asked: an `OperationOutcome`, or problem details when
    /// its `Accept` names `application/problem+json` and not `application/fhir+json`.
    pub(super) fn answer(self, headers: &HeaderMap, resource: &FhirResource) -> Response {
        if wants_problem(headers) {
            return self.problem(resource).into_response();
        }
        let mut resp = fhir_json(self.status, self.outcome.to_string());
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp
    }

    fn problem(&self, resource: &FhirResource) -> Problem {
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
            422 => Problem::new(
                self.status,
                resource.refused_code,
                resource.refused_title,
                detail,
            ),
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
pub(super) fn media_type(v: &str) -> String {
    v.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn fhir_json(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    resp
}

/// A FHIR resource id (`[A-Za-z0-9\-\.]{1,64}`).
pub(super) fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// The id in the URL, or a 400 at `{resource}.id` when it is not readable.
pub(super) fn path_id(
    id: Result<Path<String>, PathRejection>,
    resource: &FhirResource,
) -> Result<String, Refusal> {
    id.map(|Path(id)| id).map_err(|_| {
        Refusal::one(
            StatusCode::BAD_REQUEST,
            IssueType::Value,
            resource.id_expression,
            "the id in the URL is not readable (percent-encoding or UTF-8)",
        )
    })
}

pub(super) fn db_failed() -> Refusal {
    Refusal::unavailable("the database failed: nothing was stored; try again")
}
