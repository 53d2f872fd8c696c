//! Authentication: bearer API tokens (machines) or a browser session's cookie (people,
//! [`crate::sessions`]), with the CSRF defence for state-changing requests made with a
//! session; roles; the per-token (per-person) rate limit; and the per-client-IP limit on
//! failed authentications that bounds token guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, StatusCode, Uri, header, request::Parts};

use super::AppState;
use super::problem::Problem;
use crate::crypto::{ct_eq, split_token, token_hash};

pub use bedside_ward::access::Role;

/// Who made a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// An API token (a machine, or a person's device): its id.
    Token(String),
    /// A person signed in through the browser ([`crate::sessions`]).
    Session(Box<crate::sessions::Active>),
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
    /// Role (in a hand-over, the role of the person who took over).
    pub role: Role,
    /// The staff badge (GSRN) of the person acting: the token's (`bedside token create
    /// --badge`), or the one the signed-in person linked (in a hand-over, theirs).
    pub badge: Option<String>,
}

impl Caller {
    /// Refuses roles not in `allowed` (403).
    ///
    /// # Errors
    /// [`Problem::forbidden`].
    pub fn require(&self, allowed: &[Role]) -> Result<(), Problem> {
        if allowed.contains(&self.role) {
            Ok(())
        } else {
            Err(Problem::forbidden(self.role.as_str()))
        }
    }

    /// The audit actor: `token:<id>`, or `user:<user id>` of the person acting (in a
    /// hand-over, the person who took over).
    #[must_use]
    pub fn actor(&self) -> String {
        match &self.principal {
            Principal::Token(id) => format!("token:{id}"),
            Principal::Session(s) => match &s.handover {
                Some(h) => format!("user:{}", h.user),
                None => format!("user:{}", s.user),
            },
        }
    }

    /// The caller a live session makes: the person signed in, or during a hand-over the
    /// person who took over (with their role and badge).
    #[must_use]
    pub fn of_session(s: Box<crate::sessions::Active>) -> Caller {
        let (role, badge) = match &s.handover {
            Some(h) => (h.role, h.badge.clone()),
            None => (s.role, s.badge.clone()),
        };
        Caller {
            principal: Principal::Session(s),
            role,
            badge,
        }
    }

    /// The session, when the caller is a signed-in person.
    #[must_use]
    pub fn session(&self) -> Option<&crate::sessions::Active> {
        match &self.principal {
            Principal::Session(s) => Some(s),
            Principal::Token(_) => None,
        }
    }

    /// The person acting, when a person is signed in: (user id, display name).
    #[must_use]
    pub fn person(&self) -> Option<(&str, &str)> {
        let s = self.session()?;
        Some(match &s.handover {
            Some(h) => (h.user.as_str(), h.display_name.as_str()),
            None => (s.user.as_str(), s.display_name.as_str()),
        })
    }
}

/// Fixed one-minute windows per token (per instance).
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per token per minute.
    #[must_use]
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` is over the limit, without counting; `Err(seconds to wait)` when it is.
    ///
    /// ```
    /// let l = bedside::server::auth::RateLimiter::new(1);
    /// assert!(l.over("127.0.0.1").is_ok());
    /// l.note("127.0.0.1");
    /// assert!(l.over("127.0.0.1").is_err());
    /// ```
    ///
    /// # Errors
    /// Over the limit.
    pub fn over(&self, key: &str) -> Result<(), u64> {
        let Ok(w) = self.windows.lock() else {
            return Err(1);
        };
        match w.get(key) {
            Some((start, n)) => {
                let age = Instant::now().duration_since(*start).as_secs();
                if age < 60 && *n >= self.per_minute {
                    Err(60u64.saturating_sub(age).max(1))
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        }
    }

    /// Counts one event for `key` (whatever the limit).
    pub fn note(&self, key: &str) {
        let Ok(mut w) = self.windows.lock() else {
            return;
        };
        if w.len() > 100_000 {
            w.clear();
        }
        let now = Instant::now();
        let e = w.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(e.0).as_secs() >= 60 {
            *e = (now, 0);
        }
        e.1 = e.1.saturating_add(1);
    }

    /// Counts one request; `Err(seconds to wait)` when over the limit.
    ///
    /// # Errors
    /// Over the limit.
    pub fn check(&self, token_id: &str) -> Result<(), u64> {
        let Ok(mut w) = self.windows.lock() else {
            return Err(1);
        };
        if w.len() > 100_000 {
            w.clear();
        }
        let now = Instant::now();
        let e = w.entry(token_id.to_owned()).or_insert((now, 0));
        let age = now.duration_since(e.0).as_secs();
        if age >= 60 {
            *e = (now, 0);
        }
        if e.1 >= self.per_minute {
            return Err(60u64.saturating_sub(age).max(1));
        }
        e.1 += 1;
        Ok(())
    }
}

/// How long a token's stored row is reused before it is read again: revoking or expiring
/// a token takes effect on every instance within this time.
pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

use crate::tokens::TokenRow;

/// Recently read token rows (per instance), so that a busy scanner's token costs one
/// database read per [`TOKEN_CACHE_TTL`], not one per request. Unknown ids are never
/// cached.
#[derive(Debug, Default)]
pub struct TokenCache {
    rows: Mutex<HashMap<String, (Instant, TokenRow)>>,
}

impl TokenCache {
    /// Forgets every row (a revocation elsewhere: read them again).
    pub fn clear(&self) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.clear();
        }
    }

    fn get(&self, id: &str) -> Option<TokenRow> {
        let rows = self.rows.lock().ok()?;
        let (at, row) = rows.get(id)?;
        (at.elapsed() < TOKEN_CACHE_TTL).then(|| row.clone())
    }

    fn put(&self, id: &str, row: TokenRow) {
        if let Ok(mut rows) = self.rows.lock() {
            if rows.len() > 10_000 {
                rows.clear();
            }
            rows.insert(id.to_owned(), (Instant::now(), row));
        }
    }
}

/// The client's address (for the audit of sign-ins and refusals): `unknown` when the
/// connection's address is not known.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// A token's stored row (per-instance cache of [`TOKEN_CACHE_TTL`]).
///
/// # Errors
/// 503 when the token store cannot be read.
pub async fn token_row(state: &AppState, id: &str) -> Result<Option<TokenRow>, Problem> {
    if let Some(r) = state.token_cache.get(id) {
        return Ok(Some(r));
    }
    let row = crate::tokens::row(&state.db, id).await.map_err(|_| {
        Problem::unavailable("database_unavailable", "the token store cannot be read")
    })?;
    let Some(r) = row else { return Ok(None) };
    state.token_cache.put(id, r.clone());
    Ok(Some(r))
}

/// Why authentication failed (for metrics and, when a real token was named, the audit
/// trail; the caller always sees the same `unauthorized` problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Missing,
    Malformed,
    Unknown,
    BadSecret,
    Revoked,
    Expired,
    Session,
    Csrf,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Failure::Missing => "missing",
            Failure::Malformed => "malformed",
            Failure::Unknown => "unknown",
            Failure::BadSecret => "bad_secret",
            Failure::Revoked => "revoked",
            Failure::Expired => "expired",
            Failure::Session => "session",
            Failure::Csrf => "csrf",
        }
    }
}

fn too_many(wait: u64, detail: &str) -> Problem {
    let mut p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Too many requests",
        detail,
    );
    p.retry_after = Some(wait);
    p
}

/// Counts a failed authentication from `client`; audits it when it named a real token.
async fn failed(
    state: &AppState,
    client: &str,
    why: Failure,
    token_id: Option<&str>,
    problem: Problem,
) -> Problem {
    state.auth_failures.note(client);
    state
        .metrics
        .inc("bedside_auth_failures_total", "reason", why.as_str());
    if let Some(id) = token_id {
        // A revoked, expired or mis-typed real token is a security event worth keeping;
        // the per-client limit bounds how many of these rows anyone can cause.
        let _ = crate::audit::append(
            &state.db,
            &format!("client:{client}"),
            "auth.refused",
            &serde_json::json!({"token_id": id, "reason": why.as_str(), "client": client}),
        )
        .await;
    }
    problem
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let client = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        if let Err(wait) = state.auth_failures.over(&client) {
            return Err(too_many(
                wait,
                "too many failed authentications from this address; wait before trying again",
            ));
        }
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            if let Some(cookie) = crate::sessions::cookie_of(&parts.headers) {
                let cookie = cookie.to_owned();
                return session_caller(parts, state, &client, &cookie).await;
            }
            let p = Problem::unauthorized("send Authorization: Bearer <token>, or sign in");
            return Err(failed(state, &client, Failure::Missing, None, p).await);
        };
        let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
            let p = Problem::unauthorized("use the Bearer scheme");
            return Err(failed(state, &client, Failure::Malformed, None, p).await);
        };
        let unknown = || Problem::unauthorized("unknown token");
        let Some(presented) = split_token(token.trim()) else {
            return Err(failed(state, &client, Failure::Malformed, None, unknown()).await);
        };
        let Some(TokenRow {
            role,
            salt,
            hash,
            revoked_at,
            expires_at,
            staff_gsrn,
            ..
        }) = token_row(state, presented.id).await?
        else {
            return Err(failed(state, &client, Failure::Unknown, None, unknown()).await);
        };
        let id = Some(presented.id);
        if !ct_eq(&token_hash(&salt, presented.secret), &hash) {
            return Err(failed(state, &client, Failure::BadSecret, id, unknown()).await);
        }
        if revoked_at.is_some() {
            return Err(failed(state, &client, Failure::Revoked, id, unknown()).await);
        }
        if expires_at.is_some_and(|e| e <= crate::clock::now_ms()) {
            return Err(failed(state, &client, Failure::Expired, id, unknown()).await);
        }
        let Some(role) = Role::parse(&role) else {
            return Err(failed(state, &client, Failure::Unknown, None, unknown()).await);
        };
        if let Err(wait) = state.limiter.check(presented.id) {
            return Err(too_many(
                wait,
                "this token has sent too many requests; slow down",
            ));
        }
        Ok(Caller {
            principal: Principal::Token(presented.id.to_owned()),
            role,
            badge: staff_gsrn,
        })
    }
}

/// Whether a request changes state (and so, from a session, needs the CSRF defence).
fn changes_state(m: &axum::http::Method) -> bool {
    !matches!(
        *m,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    )
}

/// This service's origin as the request names it (`Host`, and TLS or not), and the
/// configured public origins.
fn origin_allowed(headers: &HeaderMap, uri: &Uri, state: &AppState, origin: &str) -> bool {
    let scheme = if state.tls { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(axum::http::uri::Authority::as_str));
    if host.is_some_and(|h| origin == format!("{scheme}://{h}")) {
        return true;
    }
    state.public_origins.iter().any(|o| o.as_str() == origin)
}

/// The CSRF defence for a state-changing request made with a session: it must come from
/// this origin (`Origin`, or `Sec-Fetch-Site: same-origin` when a browser sends no
/// `Origin` or `Origin: null`) and echo the session's token in `X-CSRF-Token` (or, for the sign-out form,
/// the form field the handler reads itself: see [`csrf_matches`]).
fn csrf_ok(parts: &Parts, state: &AppState, csrf: &str) -> bool {
    let token_ok = parts
        .headers
        .get(crate::sessions::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| csrf_matches(v, csrf));
    same_origin(&parts.headers, &parts.uri, state) && token_ok
}

/// Whether `presented` is the session's CSRF token (constant time).
#[must_use]
pub fn csrf_matches(presented: &str, csrf: &str) -> bool {
    !csrf.is_empty() && ct_eq(presented, csrf)
}

/// Whether a request's `Origin` (or `Sec-Fetch-Site`) says it came from this service's own
/// pages; for forms the handler checks itself (sign-out).
#[must_use]
pub fn same_origin(headers: &HeaderMap, uri: &Uri, state: &AppState) -> bool {
    // A form posted from a page whose Referrer-Policy is `no-referrer` (ours) carries
    // `Origin: null`; the browser's own `Sec-Fetch-Site` then says where it came from.
    match headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| *o != "null")
    {
        Some(o) => origin_allowed(headers, uri, state, o),
        None => headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin"),
    }
}

async fn session_caller(
    parts: &Parts,
    state: &AppState,
    client: &str,
    cookie: &str,
) -> Result<Caller, Problem> {
    let now = crate::clock::now_ms();
    let found = crate::sessions::lookup(&state.db, cookie, &state.sessions, now)
        .await
        .map_err(|_| {
            Problem::unavailable("database_unavailable", "the session store cannot be read")
        })?;
    let crate::sessions::Lookup::Active(s) = found else {
        let p = Problem::unauthorized("your session has ended: sign in again");
        return Err(failed(state, client, Failure::Session, None, p).await);
    };
    if changes_state(&parts.method) && !csrf_ok(parts, state, &s.csrf) {
        state.auth_failures.note(client);
        state.metrics.inc(
            "bedside_auth_failures_total",
            "reason",
            Failure::Csrf.as_str(),
        );
        let _ = crate::audit::append(
            &state.db,
            &format!("client:{client}"),
            "auth.refused",
            &serde_json::json!({"user": s.user, "reason": Failure::Csrf.as_str(), "client": client}),
        )
        .await;
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "csrf_refused",
            "Request refused",
            "this request did not come from this service's own pages (Origin or X-CSRF-Token missing or wrong); reload the page",
        ));
    }
    if let Err(wait) = state.limiter.check(&format!("user:{}", s.user)) {
        return Err(too_many(
            wait,
            "too many requests from this session; slow down",
        ));
    }
    Ok(Caller::of_session(s))
}
