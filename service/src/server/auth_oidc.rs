//! Sign-in through the OpenID Connect provider ([`crate::oidc`]).
//!
//! Without `oidc` both answer 303 to `/ui/sign-in`.
//!
//! - `GET /auth/login[?next=/ui/…]` (no authentication): stores the login and answers 303
//!   to the provider's authorization endpoint, setting the `bedside_oidc` cookie
//!   (`Path=/auth; HttpOnly; SameSite=Lax; Max-Age=600`, `Secure` under TLS). `next` is
//!   kept only when it is a UI path (no open redirect); otherwise the browser lands on
//!   `/ui/`.
//! - `GET /auth/callback?code=…&state=…` (the redirect URI): checks the login and the ID
//!   token, starts the session ([`crate::sessions::start`], rotating any old session
//!   cookie) and answers 303 to `next` with the session cookies.
//!
//! Failures answer a server-rendered page in the UI's style (no script) with a "Try again"
//! link (an RFC 9457 problem with the reason as `code` when the request accepts
//! `application/json`), are audited as `auth.oidc_refused` (`{"reason", "client"}`, and for a role
//! refusal the claim looked at and the values it held; never a token, code or other
//! claim) and counted in `bedside_auth_failures_total{reason="oidc_<reason>"}` and in the
//! per-client failed-authentication limit (which, once reached, refuses sign-in from that
//! address with 429 until the minute is over).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::ClientAddr;
use super::problem::Problem;
use super::ui::{escape_html, server_page};
use crate::oidc::{LOGIN_COOKIE, Refusal};
use crate::sessions;

fn query_map(q: Option<&str>) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn login_cookie(value: &str, max_age: u32, secure: bool) -> Option<HeaderValue> {
    let sec = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={value}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age={max_age}{sec}"
    ))
    .ok()
}

fn page(status: StatusCode, title: &str, main: &str) -> Response {
    let mut r = server_page(title, main, None);
    *r.status_mut() = status;
    r
}

const TRY_AGAIN: &str = "<p><a class=\"button\" href=\"/auth/login\">Try again</a> <a href=\"/ui/sign-in\">Other ways to sign in</a></p>";

/// Without `oidc`: on to the sign-in page, which offers what this service has.
fn not_configured() -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, HeaderValue::from_static("/ui/sign-in"))],
    )
        .into_response()
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

fn too_many(wait: u64, headers: &HeaderMap) -> Response {
    if wants_json(headers) {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
            "too many failed sign-ins from this address; wait before trying again",
        );
        p.retry_after = Some(wait);
        return p.into_response();
    }
    let mut r = page(
        StatusCode::TOO_MANY_REQUESTS,
        "Sign-in",
        &format!(
            "<h1>Too many failed sign-ins</h1>\n<p>Too many sign-ins from this computer failed. \
             Wait {wait} seconds, then try again.</p>\n{TRY_AGAIN}"
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// `GET /auth/login`: on to the provider.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured();
    };
    if let Err(wait) = state.auth_failures.over(&client) {
        return too_many(wait, &headers);
    }
    let params = query_map(q.as_deref());
    let next = params.get("next").map_or("/ui/", String::as_str);
    match oidc.start(&state.db, next).await {
        Ok(start) => {
            let mut r = (
                StatusCode::SEE_OTHER,
                [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(start.url.as_str()) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            if let Some(c) = login_cookie(&start.browser, 600, state.tls) {
                r.headers_mut().append(header::SET_COOKIE, c);
            }
            r
        }
        Err(e) => refused(&state, &client, &e, &headers).await,
    }
}

/// `GET /auth/callback`: the provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured();
    };
    if let Err(wait) = state.auth_failures.over(&client) {
        return too_many(wait, &headers);
    }
    let params = query_map(q.as_deref());
    let browser = sessions::cookie(&headers, LOGIN_COOKIE);
    let st = params.get("state").map(String::as_str);
    if let Some(error) = params.get("error") {
        if let Some(s) = st {
            let _ = oidc.abandon(&state.db, s).await;
        }
        // Only a code of the protocol's shape is kept; the description is the provider's
        // free text and is not shown or stored.
        let code: String = error
            .chars()
            .filter(|c| c.is_ascii_lowercase() || *c == '_')
            .take(40)
            .collect();
        return refused(&state, &client, &Refusal::ProviderError(code), &headers).await;
    }
    let (Some(code), Some(st)) = (params.get("code"), st) else {
        return refused(&state, &client, &Refusal::Malformed, &headers).await;
    };
    let signed = match oidc.finish(&state.db, code, st, browser).await {
        Ok(s) => s,
        Err(e) => return refused(&state, &client, &e, &headers).await,
    };
    let started = match sessions::start(
        &state.db,
        &signed.sign_in,
        sessions::cookie_of(&headers),
        &client,
        &state.sessions,
    )
    .await
    {
        Ok(s) => s,
        Err(_) => return refused(&state, &client, &Refusal::Internal, &headers).await,
    };
    let mut r = (
        StatusCode::SEE_OTHER,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&signed.next) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    let mut r = super::account::with_cookies(
        r,
        sessions::set_cookies(&started, state.tls, &state.sessions),
    );
    if let Some(c) = login_cookie("", 0, state.tls) {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

fn values_list(values: &[String]) -> String {
    if values.is_empty() {
        return "<p>It held no values (the claim was absent or empty).</p>".to_owned();
    }
    let items: String = values
        .iter()
        .map(|v| format!("<li><code>{}</code></li>", escape_html(v)))
        .collect();
    format!("<p>It held:</p>\n<ul>{items}</ul>")
}

/// What the page says for a refusal (escaped HTML) and its status.
fn explain(r: &Refusal) -> (StatusCode, &'static str, String) {
    let refused = "Sign-in refused";
    let unfinished = "Sign-in did not finish";
    match r {
        Refusal::ProviderUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in service unavailable",
            "<p>Bedside cannot reach the sign-in service (the OpenID provider) just now. \
             Nothing was changed. Try again in a moment; if it keeps happening, tell the \
             service desk. Scanners and systems using API tokens are not affected.</p>"
                .into(),
        ),
        Refusal::ProviderError(code) => {
            let words = match code.as_str() {
                "access_denied" => {
                    "The sign-in was cancelled, or the sign-in service did not allow it."
                }
                "login_required" | "interaction_required" | "consent_required" => {
                    "The sign-in service needs you to sign in again."
                }
                "temporarily_unavailable" | "server_error" => {
                    "The sign-in service had a problem. Try again in a moment."
                }
                _ => "The sign-in service refused this sign-in.",
            };
            (
                StatusCode::FORBIDDEN,
                unfinished,
                format!(
                    "<p>{words}</p>\n<p>The service answered <code>{}</code>.</p>",
                    escape_html(code)
                ),
            )
        }
        Refusal::Malformed | Refusal::StateUnknown | Refusal::OtherBrowser => (
            StatusCode::BAD_REQUEST,
            unfinished,
            "<p>This sign-in was not started from this browser, or the link is incomplete. \
             Start again from Bedside.</p>"
                .into(),
        ),
        Refusal::StateReplayed => (
            StatusCode::BAD_REQUEST,
            unfinished,
            "<p>This sign-in link has already been used. Each sign-in can be finished once; \
             start again.</p>"
                .into(),
        ),
        Refusal::StateExpired => (
            StatusCode::BAD_REQUEST,
            unfinished,
            "<p>This sign-in took longer than 10 minutes and has expired. Start again.</p>".into(),
        ),
        Refusal::TokenExchange | Refusal::NoIdToken | Refusal::UserInfo => (
            StatusCode::BAD_GATEWAY,
            unfinished,
            "<p>The sign-in service did not confirm who you are. Nothing was changed. Try \
             again; if it keeps happening, tell the service desk.</p>"
                .into(),
        ),
        Refusal::Issuer
        | Refusal::Audience
        | Refusal::Expired
        | Refusal::Signature
        | Refusal::UnknownKey
        | Refusal::Nonce
        | Refusal::IdToken => (
            StatusCode::FORBIDDEN,
            refused,
            "<p>The identity the sign-in service sent failed Bedside's checks, so you have not \
             been signed in. Try again; if it keeps happening, tell the service desk (the \
             reason is in the audit trail).</p>"
                .into(),
        ),
        Refusal::Acr => (
            StatusCode::FORBIDDEN,
            refused,
            "<p>You signed in with a weaker method than Bedside requires (for example a \
             password instead of your smartcard). Sign in again with your smartcard or \
             the method your trust requires.</p>"
                .into(),
        ),
        Refusal::NoUser(claim) => (
            StatusCode::FORBIDDEN,
            refused,
            format!(
                "<p>The sign-in service did not say who you are: the claim <code>{}</code> \
                 was missing. Tell the service desk.</p>",
                escape_html(claim)
            ),
        ),
        Refusal::NoRole { claim, values } => (
            StatusCode::FORBIDDEN,
            refused,
            format!(
                "<p>Your account has no role that Bedside recognises, so you have not been \
                 signed in.</p>\n<p>Bedside looked at the role claim <code>{}</code>.</p>\n{}\n\
                 <p>Ask your system administrator to give you a Bedside role, or to map one \
                 of these values in Bedside's <code>role_map</code>.</p>",
                escape_html(claim),
                values_list(values)
            ),
        ),
        Refusal::SeveralRoles {
            claim,
            values,
            roles,
        } => (
            StatusCode::FORBIDDEN,
            refused,
            format!(
                "<p>Your account maps to more than one Bedside role ({}), and Bedside does not \
                 guess which one you are working in.</p>\n<p>Bedside looked at the role claim \
                 <code>{}</code>.</p>\n{}\n<p>Your administrator can have you choose one role \
                 when you sign in: with NHS CIS2, ask for the <code>selectedrole</code> scope \
                 and set <code>role_claim</code> to <code>selected_roleid</code>.</p>",
                escape_html(&roles.join(", ")),
                escape_html(claim),
                values_list(values)
            ),
        ),
        Refusal::Internal => (
            StatusCode::SERVICE_UNAVAILABLE,
            unfinished,
            "<p>Bedside could not record this sign-in. Nothing was changed. Try again in a \
             moment.</p>"
                .into(),
        ),
    }
}

/// Audits, counts and renders a refusal.
async fn refused(state: &AppState, client: &str, r: &Refusal, headers: &HeaderMap) -> Response {
    let blame_client = !matches!(r, Refusal::ProviderUnavailable | Refusal::Internal);
    if blame_client {
        state.auth_failures.note(client);
    }
    state
        .metrics
        .inc("bedside_auth_failures_total", "reason", &r.metric());
    let mut detail = serde_json::json!({"reason": r.code(), "client": client});
    match r {
        Refusal::NoRole { claim, values } | Refusal::SeveralRoles { claim, values, .. } => {
            detail["claim"] = claim.clone().into();
            detail["values"] = values.clone().into();
        }
        Refusal::ProviderError(code) => detail["error"] = code.clone().into(),
        _ => {}
    }
    if let Err(e) = crate::audit::append(
        &state.db,
        &format!("client:{client}"),
        "auth.oidc_refused",
        &detail,
    )
    .await
    {
        tracing::error!(error = %e, "cannot audit a refused sign-in");
    }
    tracing::info!(reason = r.code(), "OpenID sign-in refused");
    let (status, title, body) = explain(r);
    let mut resp = if wants_json(headers) {
        let detail = match r {
            Refusal::NoRole { claim, values } | Refusal::SeveralRoles { claim, values, .. } => {
                format!("{r}: the role claim {claim} held {values:?}")
            }
            _ => r.to_string(),
        };
        Problem::new(status, r.code(), title, detail).into_response()
    } else {
        page(
            status,
            title,
            &format!("<h1>{title}</h1>\n{body}\n{TRY_AGAIN}"),
        )
    };
    if sessions::cookie(headers, LOGIN_COOKIE).is_some()
        && let Some(c) = login_cookie("", 0, state.tls)
    {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}
