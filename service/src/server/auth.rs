//! Bearer-token authentication, roles, the per-token rate limit, and the per-client-IP
//! limit on failed authentications that bounds token guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{StatusCode, header, request::Parts};

use super::AppState;
use super::problem::Problem;
use crate::crypto::{ct_eq, split_token, token_hash};

pub use bedside_ward::access::Role;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token id (recorded in the audit trail as the actor).
    pub token_id: String,
    /// Role.
    pub role: Role,
    /// The staff badge (GSRN) the token is tied to (`bedside token create --badge`).
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

    /// The audit actor string.
    #[must_use]
    pub fn actor(&self) -> String {
        format!("token:{}", self.token_id)
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

async fn token_row(state: &AppState, id: &str) -> Result<Option<TokenRow>, Problem> {
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
            let p = Problem::unauthorized("send Authorization: Bearer <token>");
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
            token_id: presented.id.to_owned(),
            role,
            badge: staff_gsrn,
        })
    }
}
