//! RFC 9457 problem details: every error the service returns is one of these, as
//! `application/problem+json`, with a stable `code`. No stack traces, no patient data.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::dto::{ProblemBody, ProblemExtras};

/// One problem response.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code, also the tail of `type`.
    pub code: &'static str,
    /// Short summary.
    pub title: &'static str,
    /// Explanation for this occurrence.
    pub detail: String,
    /// Extra members.
    pub extra: Option<Box<ProblemExtras>>,
    /// `Retry-After` seconds, for 429/503.
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem.
    #[must_use]
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            code,
            title,
            detail: detail.into(),
            extra: None,
            retry_after: None,
        }
    }

    /// 401: no or bad credentials.
    #[must_use]
    pub fn unauthorized(detail: &str) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    /// 403: role not allowed.
    #[must_use]
    pub fn forbidden(role: &str) -> Self {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Role not allowed here",
            format!("the {role} role may not use this endpoint"),
        )
    }

    /// 400 `invalid_path`: a path parameter that cannot be read.
    #[must_use]
    pub fn bad_path(e: &axum::extract::rejection::PathRejection) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "Invalid path",
            format!("the path cannot be read: {e}"),
        )
    }

    /// 422: request understood but invalid.
    #[must_use]
    pub fn invalid(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "Invalid request",
            detail,
        )
    }

    /// 503: a dependency (database, audit trail) failed; nothing was decided.
    #[must_use]
    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            code,
            "Service unavailable",
            detail,
        );
        p.retry_after = Some(5);
        p
    }

    /// Adds extra members (`f` sets them).
    #[must_use]
    pub fn with(mut self, f: impl FnOnce(&mut ProblemExtras)) -> Self {
        f(self.extra.get_or_insert_with(Box::default));
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("urn:bedside:problem:{}", self.code),
            title: self.title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
            extra: self.extra.map(|e| *e).unwrap_or_default(),
        };
        // Serialising plain strings, numbers and lists cannot fail; if it ever did, the
        // answer is still a problem with the status, never a success.
        let text = serde_json::to_string(&body).unwrap_or_else(|_| {
            format!(
                r#"{{"type":"urn:bedside:problem:{0}","title":"Error","status":{1},"detail":"","code":"{0}"}}"#,
                body.code,
                body.status
            )
        });
        let mut resp = (self.status, text).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}
