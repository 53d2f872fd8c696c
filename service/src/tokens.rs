//! API token management: create (the secret is shown once), list (never secrets),
//! revoke. Every change is audited (`token.created`, `token.revoked`).
//!
//! A token is `bsd.<id>.<secret>`: a 16-hex-digit id (the database key and the audit
//! actor `token:<id>`) and a 48-hex-digit secret (192 bits from the operating system).
//! The database keeps a per-token salt and SHA-256 of salt and secret, never the secret.
//! An expired or revoked token is refused (401) like an unknown one.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::clock::{DAY_MS, rfc3339};
use crate::crypto::{RandomError, random_hex, token_hash};
use crate::db::Db;
use bedside_ward::access::Role;

/// Longest label.
pub const MAX_NAME: usize = 100;
/// Longest lifetime, days (ten years).
pub const MAX_DAYS: u32 = 3650;

/// Why a token could not be managed.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The label is empty, too long or holds control characters.
    #[error("the name must be 1 to {MAX_NAME} characters without control characters")]
    Name,
    /// The lifetime is out of range.
    #[error("--expires must be 1 to {MAX_DAYS} days")]
    Expires,
    /// No such token id.
    #[error("no token has this id")]
    NotFound,
    /// No randomness.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Database.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// A token just created: the only time its secret is seen.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    /// Token id.
    pub id: String,
    /// Role.
    pub role: &'static str,
    /// Label.
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, or `null` for no expiry.
    pub expires_at: Option<String>,
    /// The bearer token `bsd.<id>.<secret>`.
    pub token: String,
}

/// A token's stored row, as authentication needs it.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Role name.
    pub role: String,
    /// Per-token salt.
    pub salt: String,
    /// The secret's salted hash.
    pub hash: String,
    /// Revoked at (Unix ms).
    pub revoked_at: Option<i64>,
    /// Expires at (Unix ms).
    pub expires_at: Option<i64>,
}

/// Reads one token's row for authentication.
///
/// # Errors
/// Database errors.
pub async fn row(db: &Db, id: &str) -> Result<Option<TokenRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT role, salt, secret_hash, revoked_at, expires_at FROM tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(TokenRow {
        role: row.try_get(0)?,
        salt: row.try_get(1)?,
        hash: row.try_get(2)?,
        revoked_at: row.try_get(3)?,
        expires_at: row.try_get(4)?,
    }))
}

/// A token as listed (no secret, no hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenInfo {
    /// Token id.
    pub id: String,
    /// Role.
    pub role: String,
    /// Label.
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339 or `null`.
    pub expires_at: Option<String>,
    /// RFC 3339 or `null`.
    pub revoked_at: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
}

/// What revoking did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Revoked {
    /// Token id.
    pub revoked: String,
    /// When it was (or had already been) revoked, RFC 3339.
    pub revoked_at: String,
    /// True when it had been revoked before (nothing changed).
    pub already: bool,
}

fn name_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= MAX_NAME && !s.chars().any(char::is_control)
}

/// Creates a token; returns it with its secret (shown once).
///
/// # Errors
/// A bad name or lifetime, no randomness, database errors.
pub async fn create(
    db: &Db,
    role: Role,
    name: &str,
    expires_days: Option<u32>,
    actor: &str,
    now: i64,
) -> Result<NewToken, TokenError> {
    if !name_ok(name) {
        return Err(TokenError::Name);
    }
    let expires_at = match expires_days {
        None => None,
        Some(d) if (1..=MAX_DAYS).contains(&d) => Some(now + i64::from(d) * DAY_MS),
        Some(_) => return Err(TokenError::Expires),
    };
    let id = random_hex(8)?;
    let secret = random_hex(24)?;
    let salt = random_hex(16)?;
    let name = name.trim().to_owned();
    let mut tx = db.pool.begin().await?;
    sqlx::query("INSERT INTO tokens (id, role, label, salt, secret_hash, staff_gsrn, created_at, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL, $7)")
        .bind(&id)
        .bind(role.as_str())
        .bind(&name)
        .bind(&salt)
        .bind(token_hash(&salt, &secret))
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    crate::audit::append_in(
        &mut tx,
        actor,
        "token.created",
        &json!({"token_id": id, "role": role.as_str(), "name": name, "expires_at": expires_at}),
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken {
        token: format!("bsd.{id}.{secret}"),
        id,
        role: role.as_str(),
        name,
        created_at: rfc3339(now),
        expires_at: expires_at.map(rfc3339),
    })
}

/// Every token, oldest first, with its status at `now`.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, now: i64) -> Result<Vec<TokenInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, role, label, created_at, expires_at, revoked_at FROM tokens ORDER BY created_at, id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let expires_at: Option<i64> = r.try_get(4)?;
            let revoked_at: Option<i64> = r.try_get(5)?;
            let status = if revoked_at.is_some() {
                "revoked"
            } else if expires_at.is_some_and(|e| e <= now) {
                "expired"
            } else {
                "active"
            };
            Ok(TokenInfo {
                id: r.try_get(0)?,
                role: r.try_get(1)?,
                name: r.try_get(2)?,
                created_at: rfc3339(r.try_get(3)?),
                expires_at: expires_at.map(rfc3339),
                revoked_at: revoked_at.map(rfc3339),
                status,
            })
        })
        .collect()
}

/// Revokes a token (idempotent: revoking twice keeps the first time and audits once).
///
/// # Errors
/// [`TokenError::NotFound`], database errors.
pub async fn revoke(db: &Db, id: &str, actor: &str, now: i64) -> Result<Revoked, TokenError> {
    let mut tx = db.pool.begin().await?;
    let changed =
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let row = sqlx::query("SELECT revoked_at FROM tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(TokenError::NotFound)?;
    let at: Option<i64> = row.try_get(0)?;
    if changed > 0 {
        crate::audit::append_in(&mut tx, actor, "token.revoked", &json!({"token_id": id})).await?;
        crate::notify::announce_in(&mut tx, db.backend, crate::notify::Invalidation::Tokens)
            .await?;
    }
    tx.commit().await?;
    Ok(Revoked {
        revoked: id.to_owned(),
        revoked_at: rfc3339(at.unwrap_or(now)),
        already: changed == 0,
    })
}
