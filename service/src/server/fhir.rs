//! `GET /v1/audit/fhir`: the audit trail as a FHIR R4 `searchset` Bundle of `AuditEvent`
//! resources (`application/fhir+json`), paged by sequence number.
//!
//! Query parameters (anything else is a 422 problem): `_count` (1..=1000, default 100),
//! `after` (a sequence number: rows after it; default 0), `since` (RFC 3339 date-time or a
//! date: rows recorded at or after it). A full page links to the next one. Reading the
//! audit trail is itself audited (`audit.exported`); if that cannot be written, nothing is
//! returned.

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppState;
use super::auth::{Caller, Role};
use super::problem::Problem;
use crate::audit_fhir::{Context, audit_event, entry_urn, instance_name, read_rows};

/// Largest page.
pub const MAX_COUNT: i64 = 1000;
/// Page size when `_count` is not given.
pub const DEFAULT_COUNT: i64 = 100;

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuery {
    /// Page size.
    pub count: i64,
    /// Rows with a larger sequence number.
    pub after: i64,
    /// Rows recorded at or after this Unix millisecond.
    pub since: Option<i64>,
    /// `since` as given (echoed in links).
    pub since_text: Option<String>,
}

pub(super) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parses the query string strictly.
///
/// # Errors
/// A problem naming the parameter at fault.
///
/// ```
/// use bedside::server::fhir::parse_query;
/// let q = parse_query(Some("_count=5&after=10&since=2026-03-29T00%3A00%3A00Z")).unwrap();
/// assert_eq!((q.count, q.after), (5, 10));
/// assert!(parse_query(Some("_count=0")).is_err());
/// assert!(parse_query(Some("patient=1")).is_err());
/// ```
pub fn parse_query(q: Option<&str>) -> Result<ExportQuery, Problem> {
    let mut out = ExportQuery {
        count: DEFAULT_COUNT,
        after: 0,
        since: None,
        since_text: None,
    };
    let mut seen = Vec::new();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v)
            .ok_or_else(|| Problem::invalid(format!("{k}: bad percent-encoding")))?;
        if seen.contains(&k) {
            return Err(Problem::invalid(format!("{k} is given twice")));
        }
        seen.push(k);
        match k {
            "_count" => {
                out.count = v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or_else(|| Problem::invalid(format!("_count must be 1 to {MAX_COUNT}")))?;
            }
            "after" => {
                out.after = v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                    Problem::invalid("after must be a sequence number (0 or more)")
                })?;
            }
            "since" => {
                out.since = Some(
                    crate::clock::parse_instant(&v)
                        .map_err(|e| Problem::invalid(format!("since: {e}")))?,
                );
                out.since_text = Some(v);
            }
            _ => {
                return Err(Problem::invalid(
                    "unknown query parameter (use _count, after, since)",
                ));
            }
        }
    }
    Ok(out)
}

fn link(q: &ExportQuery, after: i64) -> String {
    let mut s = format!("/v1/audit/fhir?_count={}&after={after}", q.count);
    if let Some(t) = &q.since_text {
        s.push_str("&since=");
        s.push_str(&bedside_pix::pixm::percent_encode(t));
    }
    s
}

/// The handler.
pub(crate) async fn audit_fhir(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Response, Problem> {
    caller.require(&[Role::Admin, Role::Integrator])?;
    let q = parse_query(uri.query())?;
    let unreadable =
        || Problem::unavailable("database_unavailable", "the audit trail cannot be read");
    let rows = read_rows(&state.db, q.after, q.since, q.count)
        .await
        .map_err(|_| unreadable())?;
    let ctx = Context::load(&state.db, &instance_name())
        .await
        .map_err(|_| unreadable())?;
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "audit.exported",
        &json!({
            "via": "http", "format": "fhir-bundle", "after": q.after, "since": q.since,
            "count": rows.len(), "first_seq": rows.first().map(|r| r.seq),
            "last_seq": rows.last().map(|r| r.seq),
        }),
    )
    .await
    .map_err(|_| {
        Problem::unavailable(
            "audit_unavailable",
            "reading the audit trail could not itself be audited, so nothing is returned",
        )
    })?;
    let mut links = vec![json!({"relation": "self", "url": link(&q, q.after)})];
    if let Some(last) = rows.last()
        && i64::try_from(rows.len()).unwrap_or(0) == q.count
    {
        links.push(json!({"relation": "next", "url": link(&q, last.seq)}));
    }
    let entries: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "fullUrl": entry_urn(&r.hash),
                "resource": audit_event(r, &ctx),
                "search": {"mode": "match"},
            })
        })
        .collect();
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": crate::clock::rfc3339(crate::clock::now_ms()),
        "link": links,
        "entry": entries,
    });
    let mut resp = bundle.to_string().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    Ok(resp)
}
