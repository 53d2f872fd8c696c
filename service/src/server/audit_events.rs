//! `GET /v1/audit/events`: the audit trail for people (admin role), newest first, paged
//! backwards by sequence number, each row as stored with its hash-chain fields, and the
//! result of recomputing the whole chain ([`crate::audit::verify`]).
//!
//! Reading the trail is itself audited (`audit.read`, with the paging parameters) before
//! any row is returned: the trail holds patient data, and who looked at it is part of it.

use axum::extract::State;
use axum::http::Uri;
use serde_json::json;

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{AuditEvent, AuditEvents, AuditReport};
use super::problem::Problem;
use crate::audit::MAX_PAGE;

/// Rows per page when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;

/// The query of `GET /v1/audit/events`.
///
/// ```
/// use bedside::server::audit_events::EventsQuery;
/// let q = EventsQuery::parse(Some("before=120&limit=20&verify=false")).unwrap();
/// assert_eq!((q.before, q.limit, q.verify), (Some(120), 20, false));
/// assert_eq!(EventsQuery::parse(None).unwrap().limit, 50);
/// assert!(EventsQuery::parse(Some("limit=0")).is_err());
/// assert!(EventsQuery::parse(Some("offset=3")).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventsQuery {
    /// Only rows with a smaller sequence number (the previous page's last `seq`).
    pub before: Option<i64>,
    /// Rows to return, 1 to [`MAX_PAGE`].
    pub limit: i64,
    /// Whether to recompute the whole chain (default true).
    pub verify: bool,
}

/// Why a query string was refused (a 422 `invalid_request`).
///
/// ```
/// use bedside::server::audit_events::{EventsQuery, QueryError};
/// assert_eq!(
///     EventsQuery::parse(Some("limit=1&limit=2")),
///     Err(QueryError::Repeated("limit"))
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A parameter this endpoint does not know (name cut to 40 safe characters).
    #[error("unknown query parameter `{0}`: use before, limit, verify")]
    Unknown(String),
    /// A parameter given twice.
    #[error("query parameter `{0}` given more than once")]
    Repeated(&'static str),
    /// A value out of range or of the wrong form.
    #[error("{0}")]
    Invalid(&'static str),
}

impl EventsQuery {
    /// Parses the raw query string strictly: only `before` (integer ≥ 1), `limit` (1 to
    /// [`MAX_PAGE`]) and `verify` (`true`/`false`), each at most once, no percent-escapes.
    ///
    /// # Errors
    /// [`QueryError`] naming the parameter and the rule.
    pub fn parse(query: Option<&str>) -> Result<EventsQuery, QueryError> {
        let mut before = None;
        let mut limit = None;
        let mut verify = None;
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "before" => {
                    let v = value
                        .parse::<i64>()
                        .ok()
                        .filter(|v| *v >= 1 && value.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or(QueryError::Invalid(
                            "before must be a sequence number (an integer of at least 1)",
                        ))?;
                    if before.replace(v).is_some() {
                        return Err(QueryError::Repeated("before"));
                    }
                }
                "limit" => {
                    let v = value
                        .parse::<i64>()
                        .ok()
                        .filter(|v| (1..=MAX_PAGE).contains(v))
                        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or(QueryError::Invalid(
                            "limit must be an integer from 1 to 200",
                        ))?;
                    if limit.replace(v).is_some() {
                        return Err(QueryError::Repeated("limit"));
                    }
                }
                "verify" => {
                    let v = match value {
                        "true" => true,
                        "false" => false,
                        _ => return Err(QueryError::Invalid("verify must be true or false")),
                    };
                    if verify.replace(v).is_some() {
                        return Err(QueryError::Repeated("verify"));
                    }
                }
                other => {
                    let safe: String = other
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .take(40)
                        .collect();
                    return Err(QueryError::Unknown(safe));
                }
            }
        }
        Ok(EventsQuery {
            before,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            verify: verify.unwrap_or(true),
        })
    }
}

fn unreadable() -> Problem {
    Problem::unavailable("database_unavailable", "the audit trail cannot be read")
}

/// The handler.
pub(crate) async fn audit_events(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<axum::Json<AuditEvents>, Problem> {
    caller.require(&[Role::Admin])?;
    let q = EventsQuery::parse(uri.query()).map_err(|e| Problem::invalid(e.to_string()))?;
    // No read without its audit row.
    crate::audit::append(
        &state.db,
        &caller.actor(),
        "audit.read",
        &json!({ "before": q.before, "limit": q.limit, "verify": q.verify }),
    )
    .await
    .map_err(|_| {
        Problem::unavailable(
            "audit_unavailable",
            "this read could not be audited, so the trail is not shown",
        )
    })?;
    let verification = if q.verify {
        Some(
            crate::audit::verify(&state.db)
                .await
                .map_err(|_| unreadable())?,
        )
    } else {
        None
    };
    let events = crate::audit::newest(&state.db, q.before, q.limit)
        .await
        .map_err(|_| unreadable())?;
    let full = i64::try_from(events.len()).unwrap_or(i64::MAX) >= q.limit;
    let next_before = events.last().map(|e| e.seq).filter(|seq| full && *seq > 1);
    let people: Vec<&str> = events
        .iter()
        .filter_map(|e| e.actor.strip_prefix("user:"))
        .collect();
    let names = crate::users::display_names(&state.db, &people)
        .await
        .map_err(|_| unreadable())?;
    Ok(axum::Json(AuditEvents {
        events: events
            .iter()
            .map(|e| {
                let mut out = AuditEvent::from(e);
                out.actor_name = e
                    .actor
                    .strip_prefix("user:")
                    .and_then(|u| names.get(u).cloned());
                out
            })
            .collect(),
        next_before,
        verification: verification.as_ref().map(AuditReport::from),
    }))
}
