//! FHIR R4 UK Core `MedicationRequest` and `AllergyIntolerance`, read into the
//! [`crate::model`] and written back, and `MedicationAdministration` written from a
//! recorded dose ([`write_medication_administration`]).
//!
//! Everything here is a pure function over bytes and [`serde_json::Value`]: the service
//! does HTTP (`PUT /fhir/MedicationRequest/{id}`, `GET …`, search, `PUT
//! /fhir/AllergyIntolerance/{id}`, content type [`CONTENT_TYPE`]) and storage.
//!
//! # Errors
//!
//! A reader either returns the typed value or **every** [`Issue`] it found (not only the
//! first), each naming the exact element as a FHIRPath expression
//! (`MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[1]`) and a FHIR
//! issue type ([`IssueType`]). [`operation_outcome`] turns them into the
//! `OperationOutcome` the service answers with, and [`http_status`] picks its 4xx.
//!
//! Every expression starts with the resource type the endpoint reads
//! (`MedicationRequest` or `AllergyIntolerance`), except one case: a body that is not
//! JSON at all (not UTF-8, a syntax error, a key twice in one object — FHIR JSON forbids
//! it and serde_json alone would keep the last — or nested deeper than serde_json's
//! limit of 128) has no element to point at, and its single issue's expression is `$` (the JSON
//! root), with the parser's line and column in the diagnostics.
//!
//! # What the readers refuse rather than ignore
//!
//! A FHIR element that changes what may be given — `doNotPerform: true`, a
//! `modifierExtension`, a second `dosageInstruction`, `timing.repeat.when`/`dayOfWeek`/
//! `count`, a rate, `maxDosePerAdministration` — is refused with `not-supported`, never
//! dropped: a dose the ward would allow must be the dose the prescriber ordered.
//! Elements that only describe (category, requester, `dispenseRequest`, `note`,
//! `dosageInstruction.site`/`method`/`patientInstruction`) are ignored.
//!
//! # Numbers
//!
//! FHIR decimals are read through `serde_json` without its `arbitrary_precision`
//! feature (a workspace-wide switch this crate does not flip), so a value is first an
//! `f64`: integers are exact up to 2^63, and a decimal is taken as the shortest text that
//! reads back as the same `f64` (`2.5`, `0.125`), which is the text sent for any value
//! of up to 15 significant digits. Finer than a thousandth is refused, never rounded.
//! A value sent with more than 17 significant digits loses them before this crate sees it.

mod allergy;
mod json;
mod medication_administration;
mod medication_request;

use serde_json::{Value, json};

pub use allergy::{
    AllergyEntry, AllergyResource, read_allergy_intolerance, write_allergy_intolerance,
};
pub use medication_administration::{
    ADMINISTRATION_SYSTEM, AdministeredMedicine, AdministeredRoute, AdministrationRecord,
    EnteredInErrorMark, MEDICATION_ADMINISTRATION_PROFILE, MEDICATION_PROFILE, ORDER_SYSTEM,
    PERFORM_FUNCTION_SYSTEM, StaffMember, URI_SYSTEM, expiry_as_fhir_date, last_updated_range,
    ucum_for_dmd_unit, write_medication_administration,
};
pub use medication_request::{
    FHIR_ORDER_NAMESPACE, read_medication_request, write_medication_request,
};

/// The FHIR JSON media type every request and answer uses.
pub const CONTENT_TYPE: &str = "application/fhir+json";
/// The UK Core MedicationRequest profile (written in `meta.profile`).
pub const MEDICATION_REQUEST_PROFILE: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationRequest";
/// The UK Core AllergyIntolerance profile (written in `meta.profile`).
pub const ALLERGY_INTOLERANCE_PROFILE: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-AllergyIntolerance";
/// The dm+d code system.
pub const DMD_SYSTEM: &str = "https://dmd.nhs.uk";
/// The SNOMED CT code system.
pub const SNOMED_SYSTEM: &str = "http://snomed.info/sct";
/// The UCUM code system.
pub const UCUM_SYSTEM: &str = "http://unitsofmeasure.org";
/// The NHS number identifier system.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// How bad an issue is (`OperationOutcome.issue.severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueSeverity {
    /// The request could not be processed at all.
    Fatal,
    /// The request was refused because of this issue (every reader issue is an error).
    Error,
    /// Processed, but worth knowing.
    Warning,
    /// For information only.
    Information,
}

impl IssueSeverity {
    /// The FHIR code (`error`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueSeverity::Fatal => "fatal",
            IssueSeverity::Error => "error",
            IssueSeverity::Warning => "warning",
            IssueSeverity::Information => "information",
        }
    }
}

/// What kind of problem (`OperationOutcome.issue.code`, FHIR value set `issue-type`).
///
/// The readers use `structure`, `required`, `value`, `invariant`, `code-invalid` and
/// `not-supported`; `not-found`, `conflict` and `processing` are for the service (an
/// unknown id, a stale version, a storage failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueType {
    /// `invalid`: content invalid in a way no finer code says.
    Invalid,
    /// `structure`: not JSON, the wrong resource, the wrong JSON type, an empty array.
    Structure,
    /// `required`: a required element is missing.
    Required,
    /// `value`: an element's value is malformed or out of range.
    Value,
    /// `invariant`: two elements (or the body and the URL) contradict each other.
    Invariant,
    /// `code-invalid`: a code or coding system that is not one of the allowed ones.
    CodeInvalid,
    /// `not-supported`: valid FHIR that Bedside deliberately does not accept.
    NotSupported,
    /// `not-found`: the resource does not exist.
    NotFound,
    /// `conflict`: the request conflicts with the stored state.
    Conflict,
    /// `processing`: the server failed to process a valid request.
    Processing,
    /// `informational`: no problem.
    Informational,
}

impl IssueType {
    /// The FHIR code (`not-supported`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueType::Invalid => "invalid",
            IssueType::Structure => "structure",
            IssueType::Required => "required",
            IssueType::Value => "value",
            IssueType::Invariant => "invariant",
            IssueType::CodeInvalid => "code-invalid",
            IssueType::NotSupported => "not-supported",
            IssueType::NotFound => "not-found",
            IssueType::Conflict => "conflict",
            IssueType::Processing => "processing",
            IssueType::Informational => "informational",
        }
    }

    /// The HTTP status an issue of this type alone calls for: `400` for a body that is
    /// not a well-formed resource (`invalid`, `structure`, `required`, `value`), `422`
    /// for a well-formed resource Bedside's rules refuse (`invariant`, `code-invalid`,
    /// `not-supported`, as FHIR's update interaction describes "Unprocessable Entity"),
    /// `404`, `409`, `500` for the service's own, `200` for `informational`.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            IssueType::Invalid | IssueType::Structure | IssueType::Required | IssueType::Value => {
                400
            }
            IssueType::Invariant | IssueType::CodeInvalid | IssueType::NotSupported => 422,
            IssueType::NotFound => 404,
            IssueType::Conflict => 409,
            IssueType::Processing => 500,
            IssueType::Informational => 200,
        }
    }
}

/// One problem with a resource (`OperationOutcome.issue`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    /// How bad.
    pub severity: IssueSeverity,
    /// What kind.
    pub code: IssueType,
    /// Where: a FHIRPath expression starting with the resource type, or `$` for a body
    /// that is not JSON.
    pub expression: String,
    /// What is wrong, for a person.
    pub diagnostics: String,
}

impl Issue {
    /// An error-severity issue.
    #[must_use]
    pub fn error(
        code: IssueType,
        expression: impl Into<String>,
        diagnostics: impl Into<String>,
    ) -> Issue {
        Issue {
            severity: IssueSeverity::Error,
            code,
            expression: expression.into(),
            diagnostics: diagnostics.into(),
        }
    }
}

/// The `OperationOutcome` for these issues (one `issue` each, in order). With no issues
/// it holds one `information`/`informational` issue, because R4 requires at least one.
#[must_use]
pub fn operation_outcome(issues: &[Issue]) -> Value {
    let list: Vec<Value> = if issues.is_empty() {
        vec![json!({
            "severity": IssueSeverity::Information.as_str(),
            "code": IssueType::Informational.as_str(),
            "diagnostics": "no issues",
        })]
    } else {
        issues
            .iter()
            .map(|i| {
                json!({
                    "severity": i.severity.as_str(),
                    "code": i.code.as_str(),
                    "diagnostics": i.diagnostics,
                    "expression": [i.expression],
                })
            })
            .collect()
    };
    json!({ "resourceType": "OperationOutcome", "issue": list })
}

/// The HTTP status for a refusal with these issues: the lowest 4xx of
/// [`IssueType::http_status`] among them (a malformed body is reported as `400` even if
/// some rule is also broken), `500` if only the service's own failures, `400` if empty.
#[must_use]
pub fn http_status(issues: &[Issue]) -> u16 {
    let statuses = issues.iter().map(|i| i.code.http_status());
    statuses
        .clone()
        .filter(|s| (400..500).contains(s))
        .min()
        .or_else(|| statuses.max().filter(|s| *s >= 500))
        .unwrap_or(400)
}

/// A `searchset` Bundle of these resources (`GET /fhir/MedicationRequest?…`): `total` is
/// the number of entries, each entry's `fullUrl` is `{base_url}/{resourceType}/{id}`
/// (`base_url` is the service's FHIR base, e.g. `https://bedside.example.nhs.uk/fhir`;
/// a trailing `/` is dropped) and its `search.mode` is `match`. An entry without a
/// `resourceType` and `id` gets no `fullUrl`.
#[must_use]
pub fn search_bundle(entries: &[Value], base_url: &str) -> Value {
    let base = base_url.trim_end_matches('/');
    let list: Vec<Value> = entries
        .iter()
        .map(|r| {
            let mut e = serde_json::Map::new();
            if let (Some(t), Some(id)) = (
                r.get("resourceType").and_then(Value::as_str),
                r.get("id").and_then(Value::as_str),
            ) {
                e.insert("fullUrl".into(), Value::String(format!("{base}/{t}/{id}")));
            }
            e.insert("resource".into(), r.clone());
            e.insert("search".into(), json!({ "mode": "match" }));
            Value::Object(e)
        })
        .collect();
    let mut b = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": entries.len(),
    });
    if !list.is_empty()
        && let Some(o) = b.as_object_mut()
    {
        o.insert("entry".into(), Value::Array(list));
    }
    b
}
