//! API token management: create (the secret is shown once), list (never secrets),
//! revoke. Every change is audited (`token.created`, `token.revoked`).
//!
//! A token is `bsd.<id>.<secret>`: a 16-hex-digit id (the database key and the audit
//! actor `token:<id>`) and a 48-hex-digit secret (192 bits from the operating system).
//! The database keeps a per-token salt and SHA-256 of salt and secret, never the secret.
//! An expired or revoked token is refused (401) like an unknown one.
//!
//! A token may be tied to a staff badge (`--badge GSRN`, stored in `tokens.staff_gsrn`):
//! the person the token was issued to. The medicines check then accepts only that badge as
//! the giver's (`staff_not_token_holder` otherwise); another person's badge may be scanned
//! as the second checker. The badge must be in the staff register and active when the
//! token is created.

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
    /// `--badge` is not a GSRN.
    #[error("--badge is not a GSRN: {0}")]
    Badge(bedside_gs1::keys::KeyError),
    /// `--badge` is not an active badge of the staff register.
    #[error("--badge is not an active badge of the staff register (bedside import staff)")]
    BadgeNotActive,
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
    /// The staff badge (GSRN) the token is tied to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
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
    /// The staff badge (GSRN) the token is tied to.
    pub staff_gsrn: Option<String>,
    /// Its label.
    pub label: String,
}

/// Reads one token's row for authentication.
///
/// # Errors
/// Database errors.
pub async fn row(db: &Db, id: &str) -> Result<Option<TokenRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT role, salt, secret_hash, revoked_at, expires_at, staff_gsrn, label FROM tokens WHERE id = $1",
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
        staff_gsrn: row.try_get(5)?,
        label: row.try_get(6)?,
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
    /// The staff badge (GSRN) the token is tied to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
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

/// Creates a token, tied to `badge` when given; returns it with its secret (shown once).
///
/// # Errors
/// A bad name or lifetime, a badge that is not a GSRN or not active in the staff
/// register, no randomness, database errors.
pub async fn create(
    db: &Db,
    role: Role,
    name: &str,
    expires_days: Option<u32>,
    badge: Option<&str>,
    actor: &str,
    now: i64,
) -> Result<NewToken, TokenError> {
    if !name_ok(name) {
        return Err(TokenError::Name);
    }
    let badge = badge
        .map(|b| bedside_gs1::keys::Gsrn::parse(b.trim()).map(|g| g.as_str().to_owned()))
        .transpose()
        .map_err(TokenError::Badge)?;
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
    if let Some(b) = &badge {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM staff WHERE gsrn = $1 AND active = 1")
            .bind(b)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if n == 0 {
            return Err(TokenError::BadgeNotActive);
        }
    }
    sqlx::query("INSERT INTO tokens (id, role, label, salt, secret_hash, staff_gsrn, created_at, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)")
        .bind(&id)
        .bind(role.as_str())
        .bind(&name)
        .bind(&salt)
        .bind(token_hash(&salt, &secret))
        .bind(badge.clone())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    crate::audit::append_in(
        &mut tx,
        actor,
        "token.created",
        &json!({"token_id": id, "role": role.as_str(), "name": name, "expires_at": expires_at, "badge": badge}),
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
        badge,
    })
}

/// Every token, oldest first, with its status at `now`.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, now: i64) -> Result<Vec<TokenInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, role, label, created_at, expires_at, revoked_at, staff_gsrn FROM tokens ORDER BY created_at, id",
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
                badge: r.try_get(6)?,
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
