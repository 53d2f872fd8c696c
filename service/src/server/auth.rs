//! Bearer-token authentication, roles and the per-token rate limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::{StatusCode, header, request::Parts};
use sqlx::Row;

use super::AppState;
use super::problem::Problem;
use crate::crypto::{ct_eq, split_token, token_hash};

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Ward nurse: identify, check and record administrations.
    Nurse,
    /// Pharmacist: identify, check administrations.
    Pharmacist,
    /// Admissions: identify.
    Admissions,
    /// System integration (feeds, imports).
    Integrator,
    /// Administration: audit.
    Admin,
}

impl Role {
    /// Parses a stored role name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "nurse" => Role::Nurse,
            "pharmacist" => Role::Pharmacist,
            "admissions" => Role::Admissions,
            "integrator" => Role::Integrator,
            "admin" => Role::Admin,
            _ => return None,
        })
    }

    /// The name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Nurse => "nurse",
            Role::Pharmacist => "pharmacist",
            Role::Admissions => "admissions",
            Role::Integrator => "integrator",
            Role::Admin => "admin",
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token id (recorded in the audit trail as the actor).
    pub token_id: String,
    /// Role.
    pub role: Role,
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

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| Problem::unauthorized("send Authorization: Bearer <token>"))?;
        let value = value
            .to_str()
            .map_err(|_| Problem::unauthorized("malformed Authorization header"))?;
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| Problem::unauthorized("use the Bearer scheme"))?;
        let presented =
            split_token(token.trim()).ok_or_else(|| Problem::unauthorized("unknown token"))?;
        let row = sqlx::query(
            "SELECT role, salt, secret_hash FROM tokens WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(presented.id)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(|_| {
            Problem::unavailable("database_unavailable", "the token store cannot be read")
        })?;
        let row = row.ok_or_else(|| Problem::unauthorized("unknown token"))?;
        let field = |i: usize| -> Result<String, Problem> {
            row.try_get::<String, _>(i).map_err(|_| {
                Problem::unavailable("database_unavailable", "the token store cannot be read")
            })
        };
        let (role, salt, hash) = (field(0)?, field(1)?, field(2)?);
        if !ct_eq(&token_hash(&salt, presented.secret), &hash) {
            return Err(Problem::unauthorized("unknown token"));
        }
        let role = Role::parse(&role).ok_or_else(|| Problem::unauthorized("unknown token"))?;
        if let Err(wait) = state.limiter.check(presented.id) {
            let mut p = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
                "this token has sent too many requests; slow down",
            );
            p.retry_after = Some(wait);
            return Err(p);
        }
        Ok(Caller {
            token_id: presented.id.to_owned(),
            role,
        })
    }
}
