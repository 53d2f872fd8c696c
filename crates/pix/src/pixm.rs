//! ITI-83 PIXm (FHIR R4) `$ihe-pix`: build the request target, parse and interpret the
//! response. Pure; the HTTP client lives in `net`.
//!
//! | HTTP | body | outcome |
//! | --- | --- | --- |
//! | 200 | `Parameters` | decided from `targetIdentifier`s by [`crate::outcome::decide`] (none = `NotFound`) |
//! | 400 | `OperationOutcome` | `UnknownSourceDomain` |
//! | 403 | `OperationOutcome` | `UnknownTargetDomain` |
//! | 404 | `OperationOutcome` | `UnknownIdentifier` |
//! | 400/403/404 without an `OperationOutcome`, 401, other 4xx | - | `Rejected` |
//! | 5xx, malformed JSON on 200, other | - | error (retry, then `unavailable`) |
//!
//! ```
//! use bedside_pix::domain::{Domain, PixQuery};
//! use bedside_pix::pixm::{interpret_response, request_target};
//! let q = PixQuery::nhs_number_for("K1234567", Domain::parse("urn:oid:2.999.826.0.1.1")?);
//! assert_eq!(request_target("/fhir", &q),
//!   "/fhir/Patient/$ihe-pix?sourceIdentifier=urn%3Aoid%3A2.999.826.0.1.1%7CK1234567&targetSystem=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number");
//! let body = br#"{"resourceType":"Parameters","parameter":[{"name":"targetIdentifier",
//!   "valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990001235"}}]}"#;
//! assert_eq!(interpret_response(200, body, &q)?.nhs_number(), Some("9990001235"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::domain::{Domain, PixQuery};
use crate::outcome::{PixOutcome, ReturnedIdentifier, decide};
use serde_json::Value;

/// Errors parsing a PIXm response body or using an HTTP status. Each names its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PixmError {
    /// The body is not JSON.
    #[error("line {line}, column {column}: body is not valid JSON")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON is not a FHIR resource object with a `resourceType`.
    #[error("body is not a FHIR resource (missing resourceType)")]
    NotAResource,
    /// A resource of an unexpected type.
    #[error("expected {expected}, got resourceType {found:?}")]
    WrongResourceType {
        /// What the status called for.
        expected: &'static str,
        /// What was received.
        found: String,
    },
    /// An element has the wrong JSON type or a required element is missing.
    #[error("{path}: {rule}")]
    BadElement {
        /// JSON path, e.g. `Parameters.parameter[0].valueIdentifier`.
        path: String,
        /// The broken rule.
        rule: &'static str,
    },
    /// An HTTP status that is not an answer (5xx, 1xx, 3xx…).
    #[error("HTTP status {status} is not a PIXm answer")]
    UnexpectedStatus {
        /// The status code.
        status: u16,
    },
}

/// A FHIR Identifier from a `targetIdentifier` parameter.
///
/// ```
/// let i = bedside_pix::pixm::FhirIdentifier { system: "s".into(), value: "v".into() };
/// assert_eq!(i.value, "v");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirIdentifier {
    /// `system` (may be empty if the manager omitted it).
    pub system: String,
    /// `value`.
    pub value: String,
}

/// One OperationOutcome issue.
///
/// ```
/// let i = bedside_pix::pixm::Issue { severity: "error".into(), code: "not-found".into(), diagnostics: String::new() };
/// assert_eq!(i.code, "not-found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// `severity`.
    pub severity: String,
    /// `code`.
    pub code: String,
    /// `diagnostics`, or `details.text` when diagnostics is absent.
    pub diagnostics: String,
}

/// A parsed PIXm response body.
///
/// ```
/// use bedside_pix::pixm::{parse_response, PixmBody};
/// let b = parse_response(br#"{"resourceType":"Parameters"}"#)?;
/// assert_eq!(b, PixmBody::Parameters { target_identifiers: vec![], target_ids: vec![] });
/// # Ok::<(), bedside_pix::pixm::PixmError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PixmBody {
    /// `Parameters` with its `targetIdentifier` and `targetId` values.
    Parameters {
        /// `targetIdentifier.valueIdentifier`s.
        target_identifiers: Vec<FhirIdentifier>,
        /// `targetId.valueReference.reference`s.
        target_ids: Vec<String>,
    },
    /// `OperationOutcome` issues.
    OperationOutcome {
        /// The issues.
        issues: Vec<Issue>,
    },
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters kept).
///
/// ```
/// assert_eq!(bedside_pix::pixm::percent_encode("a|b c/é"), "a%7Cb%20c%2F%C3%A9");
/// ```
#[must_use]
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `query` can be sent as a PIXm query at all: an identifier value, and a FHIR
/// system (a URI or an OID) for the source domain and for every target domain. A domain
/// known only by an HL7 v2 namespace can be asked over ITI-9 but not over PIXm, where
/// [`request_target`] would send an empty system. The PIXm client calls this before it
/// spends a circuit-breaker trial or a request on the query, so that a configuration
/// mistake is reported as such and never trips the breaker for every other query.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// use bedside_pix::iti9::BuildError;
/// use bedside_pix::pixm::check_query;
/// let ok = PixQuery::nhs_number_for("K1234567", Domain::parse("urn:oid:2.999.826.0.1.1")?);
/// assert_eq!(check_query(&ok), Ok(()));
/// let hl7_only = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&&")?);
/// assert_eq!(check_query(&hl7_only), Err(BuildError::NoSourceSystem));
/// let mut empty = ok.clone();
/// empty.value.clear();
/// assert_eq!(check_query(&empty), Err(BuildError::EmptyIdentifier));
/// # Ok::<(), bedside_pix::domain::DomainError>(())
/// ```
///
/// # Errors
/// The first rule the query breaks.
pub fn check_query(query: &PixQuery) -> Result<(), crate::iti9::BuildError> {
    use crate::iti9::BuildError;
    if query.value.is_empty() {
        return Err(BuildError::EmptyIdentifier);
    }
    if query.source_domain.fhir_system().is_empty() {
        return Err(BuildError::NoSourceSystem);
    }
    if let Some(i) = query
        .target_domains
        .iter()
        .position(|d| d.fhir_system().is_empty())
    {
        return Err(BuildError::NoTargetSystem { repetition: i + 1 });
    }
    Ok(())
}

/// The request target (path and query) for `GET [base]/Patient/$ihe-pix`: one
/// `sourceIdentifier=system|value` and one `targetSystem` per target domain. It does
/// not judge the query: [`check_query`] says whether it can be sent.
/// `base_path` is the server base path (e.g. `/fhir`, or `` for the root).
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// let q = PixQuery { value: "K1".into(), source_domain: Domain::parse("https://trust.example/mrn")?, target_domains: vec![] };
/// assert_eq!(bedside_pix::pixm::request_target("/", &q), "/Patient/$ihe-pix?sourceIdentifier=https%3A%2F%2Ftrust.example%2Fmrn%7CK1");
/// # Ok::<(), bedside_pix::domain::DomainError>(())
/// ```
#[must_use]
pub fn request_target(base_path: &str, query: &PixQuery) -> String {
    let base = base_path.trim_end_matches('/');
    let mut t = format!(
        "{base}/Patient/$ihe-pix?sourceIdentifier={}",
        percent_encode(&format!(
            "{}|{}",
            query.source_domain.fhir_system(),
            query.value
        ))
    );
    for d in &query.target_domains {
        t.push_str("&targetSystem=");
        t.push_str(&percent_encode(&d.fhir_system()));
    }
    t
}

fn str_at<'v>(v: &'v Value, key: &str, path: &str) -> Result<&'v str, PixmError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(PixmError::BadElement {
            path: format!("{path}.{key}"),
            rule: "must be a string",
        }),
    }
}

/// Parses a PIXm response body (`Parameters` or `OperationOutcome`). Never panics; this
/// is the fuzzing entry point for the JSON side.
///
/// ```
/// use bedside_pix::pixm::{parse_response, PixmError};
/// assert!(matches!(parse_response(b"{"), Err(PixmError::Json { .. })));
/// assert!(matches!(parse_response(b"[]"), Err(PixmError::NotAResource)));
/// ```
pub fn parse_response(body: &[u8]) -> Result<PixmBody, PixmError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| PixmError::Json {
        line: e.line(),
        column: e.column(),
    })?;
    let rt = v
        .get("resourceType")
        .and_then(Value::as_str)
        .ok_or(PixmError::NotAResource)?;
    match rt {
        "Parameters" => {
            let mut target_identifiers = Vec::new();
            let mut target_ids = Vec::new();
            let params = match v.get("parameter") {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(a)) => a.as_slice(),
                Some(_) => {
                    return Err(PixmError::BadElement {
                        path: "Parameters.parameter".into(),
                        rule: "must be an array",
                    });
                }
            };
            for (i, p) in params.iter().enumerate() {
                let path = format!("Parameters.parameter[{i}]");
                if !p.is_object() {
                    return Err(PixmError::BadElement {
                        path,
                        rule: "must be an object",
                    });
                }
                let name = str_at(p, "name", &path)?;
                match name {
                    "targetIdentifier" => {
                        let id = p.get("valueIdentifier").filter(|x| x.is_object()).ok_or(
                            PixmError::BadElement {
                                path: format!("{path}.valueIdentifier"),
                                rule: "targetIdentifier needs a valueIdentifier object",
                            },
                        )?;
                        let ipath = format!("{path}.valueIdentifier");
                        target_identifiers.push(FhirIdentifier {
                            system: str_at(id, "system", &ipath)?.to_owned(),
                            value: str_at(id, "value", &ipath)?.to_owned(),
                        });
                    }
                    "targetId" => {
                        let r = p.get("valueReference").filter(|x| x.is_object()).ok_or(
                            PixmError::BadElement {
                                path: format!("{path}.valueReference"),
                                rule: "targetId needs a valueReference object",
                            },
                        )?;
                        target_ids.push(
                            str_at(r, "reference", &format!("{path}.valueReference"))?.to_owned(),
                        );
                    }
                    "" => {
                        return Err(PixmError::BadElement {
                            path: format!("{path}.name"),
                            rule: "parameter name is required",
                        });
                    }
                    _ => {}
                }
            }
            Ok(PixmBody::Parameters {
                target_identifiers,
                target_ids,
            })
        }
        "OperationOutcome" => {
            let mut issues = Vec::new();
            if let Some(arr) = v.get("issue") {
                let arr = arr.as_array().ok_or(PixmError::BadElement {
                    path: "OperationOutcome.issue".into(),
                    rule: "must be an array",
                })?;
                for (i, it) in arr.iter().enumerate() {
                    let path = format!("OperationOutcome.issue[{i}]");
                    if !it.is_object() {
                        return Err(PixmError::BadElement {
                            path,
                            rule: "must be an object",
                        });
                    }
                    let mut diagnostics = str_at(it, "diagnostics", &path)?.to_owned();
                    if diagnostics.is_empty()
                        && let Some(d) = it.get("details").filter(|d| d.is_object())
                    {
                        diagnostics = str_at(d, "text", &format!("{path}.details"))?.to_owned();
                    }
                    issues.push(Issue {
                        severity: str_at(it, "severity", &path)?.to_owned(),
                        code: str_at(it, "code", &path)?.to_owned(),
                        diagnostics,
                    });
                }
            }
            Ok(PixmBody::OperationOutcome { issues })
        }
        other => Err(PixmError::WrongResourceType {
            expected: "Parameters or OperationOutcome",
            found: other.to_owned(),
        }),
    }
}

fn issues_text(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| {
            let mut s = format!("{}/{}", i.severity, i.code);
            if !i.diagnostics.is_empty() {
                s.push_str(": ");
                s.push_str(&i.diagnostics);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Interprets an ITI-83 response. Never panics; never returns `Found` unless the status
/// is 200, the body is a valid `Parameters`, and [`decide`] finds exactly one valid NHS number.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// use bedside_pix::outcome::OutcomeKind;
/// use bedside_pix::pixm::interpret_response;
/// let q = PixQuery::nhs_number_for("K1", Domain::parse("urn:oid:2.999.1")?);
/// let oo = br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}"#;
/// assert_eq!(interpret_response(404, oo, &q)?.kind(), OutcomeKind::UnknownIdentifier);
/// assert_eq!(interpret_response(404, b"<html>", &q)?.kind(), OutcomeKind::Rejected);
/// assert!(interpret_response(503, b"", &q).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interpret_response(
    status: u16,
    body: &[u8],
    query: &PixQuery,
) -> Result<PixOutcome, PixmError> {
    match status {
        200 => {
            let PixmBody::Parameters {
                target_identifiers,
                target_ids,
            } = parse_response(body)?
            else {
                return Err(PixmError::WrongResourceType {
                    expected: "Parameters",
                    found: "OperationOutcome".into(),
                });
            };
            let mut kept = Vec::new();
            let mut notes = Vec::new();
            let (mut src, mut dom, mut nosys) = (0usize, 0usize, 0usize);
            for ti in target_identifiers {
                if ti.system.is_empty() {
                    nosys += 1;
                    continue;
                }
                if ti.value == query.value && query.source_domain.matches_system(&ti.system) {
                    src += 1;
                    continue;
                }
                if !query.target_domains.is_empty()
                    && !query
                        .target_domains
                        .iter()
                        .any(|d| d.matches_system(&ti.system))
                {
                    dom += 1;
                    continue;
                }
                let is_nhs = Domain::nhs_number().matches_system(&ti.system);
                kept.push(ReturnedIdentifier {
                    value: ti.value,
                    authority: ti.system,
                    is_nhs_number: is_nhs,
                });
            }
            if src > 0 {
                notes.push("dropped the queried identifier echoed as a targetIdentifier".into());
            }
            if dom > 0 {
                notes.push(format!(
                    "dropped {dom} targetIdentifier(s) in systems not asked for"
                ));
            }
            if nosys > 0 {
                notes.push(format!(
                    "dropped {nosys} targetIdentifier(s) without a system"
                ));
            }
            if !target_ids.is_empty() {
                notes.push(format!("targetId: {}", target_ids.join(", ")));
            }
            Ok(decide(kept, notes))
        }
        400 | 403 | 404 => {
            let issues = match parse_response(body) {
                Ok(PixmBody::OperationOutcome { issues }) => issues,
                _ => {
                    return Ok(PixOutcome::Rejected {
                        detail: format!(
                            "HTTP {status} without an OperationOutcome (wrong base URL or proxy?)"
                        ),
                    });
                }
            };
            let detail = format!("HTTP {status}: {}", issues_text(&issues));
            Ok(match status {
                400 => PixOutcome::UnknownSourceDomain { detail },
                403 => PixOutcome::UnknownTargetDomain { detail },
                _ => PixOutcome::UnknownIdentifier { detail },
            })
        }
        401 | 405..=499 | 402 => {
            let text = match parse_response(body) {
                Ok(PixmBody::OperationOutcome { issues }) => issues_text(&issues),
                _ => String::new(),
            };
            Ok(PixOutcome::Rejected {
                detail: format!("HTTP {status} {text}").trim().to_owned(),
            })
        }
        _ => Err(PixmError::UnexpectedStatus { status }),
    }
}
