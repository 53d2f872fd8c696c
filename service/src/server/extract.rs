//! Strict JSON request bodies: `application/json` only, a size cap, UTF-8, unknown fields
//! rejected (`deny_unknown_fields` on every request type), every failure a problem.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::AppState;
use super::problem::Problem;

/// A JSON body parsed strictly.
#[derive(Debug)]
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for StrictJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Problem> {
        let ok_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            })
            .unwrap_or(false);
        if !ok_type {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "send Content-Type: application/json",
            ));
        }
        let limit = state.cfg.body_limit_bytes;
        let bytes = to_bytes(req.into_body(), limit).await.map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Request body too large",
                format!("the body must be at most {limit} bytes"),
            )
        })?;
        if std::str::from_utf8(&bytes).is_err() {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_utf8",
                "Body is not UTF-8",
                "the request body must be UTF-8 JSON",
            ));
        }
        serde_json::from_slice::<T>(&bytes)
            .map(StrictJson)
            .map_err(|e| {
                use serde_json::error::Category;
                match e.classify() {
                    Category::Data => Problem::invalid(format!(
                        "{} (line {}, column {})",
                        sanitize(&e.to_string()),
                        e.line(),
                        e.column()
                    )),
                    _ => Problem::new(
                        StatusCode::BAD_REQUEST,
                        "malformed_json",
                        "Malformed JSON",
                        format!(
                            "the body is not well-formed JSON (line {}, column {})",
                            e.line(),
                            e.column()
                        ),
                    ),
                }
            })
    }
}

/// serde messages quote the offending field name or value; keep only the message shape
/// (field names are ours, values may be patient data).
fn sanitize(msg: &str) -> String {
    // "unknown field `x`, expected one of …" / "missing field `scan`" / "invalid type: …"
    let cut = msg.find(" at line").map_or(msg, |i| &msg[..i]);
    if cut.starts_with("invalid type")
        || cut.starts_with("invalid value")
        || cut.starts_with("invalid length")
    {
        return cut.split(':').next().unwrap_or("invalid value").to_owned();
    }
    if let Some(rest) = cut.strip_prefix("unknown field `") {
        let name: String = rest
            .chars()
            .take_while(|c| *c != '`')
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect();
        return format!("unknown field `{name}`");
    }
    cut.chars().take(200).collect()
}
