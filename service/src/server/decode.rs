//! `POST /v1/decode`: one camera frame (JPEG or PNG, at most 2 MiB) in, the symbols the
//! reader found out. The web UI's "Use camera" button sends frames here and puts the first
//! valid GS1 read into the page's ordinary scan flow.
//!
//! Frames are never stored, logged or audited (the request log line names the route,
//! status and latency only); see [`crate::camera`] for the bounded decoder.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{DecodeAnswer, DecodedSymbol};
use super::problem::Problem;
use crate::camera::{DecodeError, FrameFormat, MAX_FRAME_BYTES};

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Request body too large",
        format!("a frame must be at most {MAX_FRAME_BYTES} bytes (2 MiB): send a smaller JPEG"),
    )
}

/// `POST /v1/decode` (roles: nurse, pharmacist, admissions — those of the pages with the
/// camera button).
pub async fn decode(
    State(state): State<AppState>,
    caller: Caller,
    req: Request,
) -> Result<Response, Problem> {
    let start = std::time::Instant::now();
    caller.require(&[Role::Nurse, Role::Pharmacist, Role::Admissions])?;
    let format = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(FrameFormat::from_content_type)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "send one frame as Content-Type: image/jpeg or image/png",
            )
        })?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FRAME_BYTES as u64) {
        return Err(too_large());
    }
    let body: Body = req.into_body();
    let frame = to_bytes(body, MAX_FRAME_BYTES)
        .await
        .map_err(|_| too_large())?;
    if frame.is_empty() {
        return Err(unreadable("the body is empty: send one JPEG or PNG frame"));
    }
    let read = state
        .frames
        .decode(format, frame.to_vec())
        .await
        .map_err(|e| match e {
            DecodeError::Busy => {
                state
                    .metrics
                    .inc("bedside_decode_frames_total", "outcome", "busy");
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "decoder_busy",
                    "Service unavailable",
                    "every frame decoder is busy: send the next frame in a moment",
                );
                p.retry_after = Some(1);
                p
            }
            DecodeError::Stopped => Problem::unavailable(
                "decoder_unavailable",
                "the frame decoder stopped before answering",
            ),
            e @ (DecodeError::WrongFormat { .. } | DecodeError::Image(_)) => {
                unreadable(e.to_string())
            }
        })?;
    let answer = DecodeAnswer {
        symbols: read
            .decoded
            .symbols
            .iter()
            .map(DecodedSymbol::from)
            .collect(),
        timed_out: read.decoded.timed_out,
        width: u32::try_from(read.size.0).unwrap_or(u32::MAX),
        height: u32::try_from(read.size.1).unwrap_or(u32::MAX),
    };
    let outcome = if read.decoded.gs1_symbols().next().is_some() {
        "gs1"
    } else if !read.decoded.symbols.is_empty() {
        "symbol"
    } else if read.decoded.timed_out {
        "timed_out"
    } else {
        "none"
    };
    state
        .metrics
        .inc("bedside_decode_frames_total", "outcome", outcome);
    let mut resp = axum::Json(answer).into_response();
    // Times only, for load measurement (service/benches/README.md): the slot wait, the
    // image decode plus read, and the handler's whole time after authentication.
    let timing = format!(
        "queue;dur={:.3}, decode;dur={:.3}, total;dur={:.3}",
        read.waited.as_secs_f64() * 1000.0,
        read.work.as_secs_f64() * 1000.0,
        start.elapsed().as_secs_f64() * 1000.0
    );
    if let Ok(v) = HeaderValue::from_str(&timing) {
        resp.headers_mut().insert("server-timing", v);
    }
    Ok(resp)
}

fn unreadable(detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unreadable_frame",
        "The frame is not a readable image",
        detail,
    )
}
