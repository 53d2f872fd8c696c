//! Server-side sessions for people signed in through a browser (OpenID Connect, or the
//! demo's users by name); API tokens stay for machines ([`crate::tokens`]).
//!
//! - The cookie `bedside_session` holds 32 random bytes (hex); the `sessions` table keeps
//!   only their SHA-256, so a copy of the database signs nobody in. The cookie is
//!   `HttpOnly`, `SameSite=Lax` (it must come back with the provider's redirect to
//!   `/auth/callback`'s landing page), `Path=/`, and `Secure` when the service runs TLS.
//! - Every session has a per-session CSRF token, also sent as the cookie `bedside_csrf`
//!   (readable by the page's script, `SameSite=Strict`): a state-changing request made
//!   with the session must echo it in `X-CSRF-Token` and come from this origin
//!   (`server::auth`).
//! - A session is in the database, so every instance serves it and signing out on one
//!   ends it on all, at once (nothing is cached).
//! - It ends on sign-out, when a new sign-in in the same browser replaces it (the cookie is
//!   rotated), after [`SessionSettings::idle_minutes`] without a request, and at its
//!   absolute end ([`SessionSettings::absolute_hours`], a shift). Each end is audited
//!   (`session.ended` with the reason).
//! - A hand-over ([`crate::users::start_handover`]) lets another person act in the session
//!   for one task; it is read here with the session and ends after
//!   [`SessionSettings::handover_idle_seconds`] without a request.

use axum::http::{HeaderMap, HeaderValue, header};
use sqlx::Row;

use crate::config::SessionSettings;
use crate::crypto::{RandomError, random_hex, sha256_hex};
use crate::db::Db;
use bedside_ward::access::Role;

/// The session cookie's name.
pub const COOKIE: &str = "bedside_session";
/// The CSRF cookie's name (its value is echoed in [`CSRF_HEADER`]).
pub const CSRF_COOKIE: &str = "bedside_csrf";
/// The request header carrying the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session's `last_seen_at` is written at most this often (ms): the idle clock's
/// resolution, so that a busy page does not write on every request.
pub const TOUCH_EVERY_MS: i64 = 15_000;

/// Ended or expired sessions are deleted this long after (ms): a week.
pub const PRUNE_AFTER_MS: i64 = 7 * 24 * 3_600_000;

/// How the person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Through the configured OpenID Connect provider.
    Oidc,
    /// By name, from the demo's users (only with demo data and no `oidc`).
    Demo,
}

impl Method {
    /// The stored and audited name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Oidc => "oidc",
            Method::Demo => "demo",
        }
    }

    fn parse(s: &str) -> Option<Method> {
        match s {
            "oidc" => Some(Method::Oidc),
            "demo" => Some(Method::Demo),
            _ => None,
        }
    }
}

/// Who signed in, as the sign-in established it.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The person's id: the configured `user_claim` (`sub`, CIS2's `nhsid_useruid`), or
    /// `demo:<name>`.
    pub user: String,
    /// The name shown and audited.
    pub display_name: String,
    /// The Bedside role the sign-in mapped to.
    pub role: Role,
    /// How.
    pub method: Method,
    /// The provider's ID token, kept for `end_session_endpoint`'s `id_token_hint`.
    pub id_token: Option<String>,
}

/// A session just started: the only time the cookie's value is known.
#[derive(Debug, Clone)]
pub struct Started {
    /// The `bedside_session` cookie's value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// When it ends at the latest (ms).
    pub expires_at: i64,
}

/// Why a session could not be started or read.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No randomness for the cookie.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Database.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Why a session ended (stored in `sessions.ended_reason` and audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The person signed out.
    SignedOut,
    /// A new sign-in in the same browser replaced it.
    Replaced,
    /// No request for `idle_minutes`.
    Idle,
    /// Its absolute lifetime ran out.
    Expired,
}

impl EndReason {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::SignedOut => "signed_out",
            EndReason::Replaced => "replaced",
            EndReason::Idle => "idle",
            EndReason::Expired => "expired",
        }
    }
}

/// The person acting in a session for one task (a hand-over), see [`crate::users`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// Their user id.
    pub user: String,
    /// Their name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Their linked badge.
    pub badge: Option<String>,
}

/// A live session, as a request sees it.
#[derive(Debug, Clone)]
pub struct Active {
    /// SHA-256 of the cookie (the row's key).
    pub id_hash: String,
    /// The signed-in person.
    pub user: String,
    /// Their name.
    pub display_name: String,
    /// Their role in this session.
    pub role: Role,
    /// How they signed in.
    pub method: Method,
    /// The session's CSRF token.
    pub csrf: String,
    /// The badge they linked, if any.
    pub badge: Option<String>,
    /// When the session ends at the latest (ms).
    pub expires_at: i64,
    /// Someone acting in it for one task, if anyone.
    pub handover: Option<Handover>,
}

/// What a cookie names.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// A live session.
    Active(Box<Active>),
    /// No live session: unknown, or ended (for any reason).
    None,
}

/// A session ended by [`end`].
#[derive(Debug, Clone)]
pub struct Ended {
    /// Who it was.
    pub user: String,
    /// How they had signed in.
    pub method: Method,
    /// The provider's ID token (for `id_token_hint`).
    pub id_token: Option<String>,
}

fn hash(cookie: &str) -> String {
    sha256_hex(cookie.as_bytes())
}

/// Records (or refreshes) the person in `users`, inside `tx`.
async fn upsert_user(
    conn: &mut sqlx::AnyConnection,
    s: &SignIn,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (user_id, display_name, role, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, last_seen_at = excluded.last_seen_at",
    )
    .bind(&s.user)
    .bind(&s.display_name)
    .bind(s.role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Starts a session (audited `session.started`), ending `replacing` (the browser's old
/// session cookie, if any: the cookie is rotated on every sign-in). `client` is the
/// client's address, for the audit.
///
/// # Errors
/// No randomness, database errors.
pub async fn start(
    db: &Db,
    s: &SignIn,
    replacing: Option<&str>,
    client: &str,
    cfg: &SessionSettings,
) -> Result<Started, SessionError> {
    let cookie = random_hex(32)?;
    let csrf = random_hex(32)?;
    let now = crate::clock::now_ms();
    let expires_at = now + i64::from(cfg.absolute_hours) * 3_600_000;
    let mut tx = db.pool.begin().await?;
    upsert_user(&mut tx, s, now).await?;
    if let Some(old) = replacing {
        let ended = sqlx::query(
            "UPDATE sessions SET ended_at = $1, ended_reason = 'replaced' WHERE id_hash = $2 AND ended_at IS NULL RETURNING user_id",
        )
        .bind(now)
        .bind(hash(old))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = ended {
            let user: String = row.try_get(0)?;
            crate::audit::append_in(
                &mut tx,
                &format!("user:{user}"),
                "session.ended",
                &serde_json::json!({"user": user, "reason": EndReason::Replaced.as_str()}),
            )
            .await?;
        }
    }
    // Sessions that ended (or ran out) a week ago serve nothing: their starts and ends
    // are in the audit trail. Pruned here, so the table stays the size of a week's
    // sign-ins without a job of its own.
    sqlx::query(
        "DELETE FROM sessions WHERE (ended_at IS NOT NULL AND ended_at < $1) OR expires_at < $1",
    )
    .bind(now - PRUNE_AFTER_MS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, role, method, csrf, id_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
    )
    .bind(hash(&cookie))
    .bind(&s.user)
    .bind(s.role.as_str())
    .bind(s.method.as_str())
    .bind(&csrf)
    .bind(s.id_token.clone())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    crate::audit::append_in(
        &mut tx,
        &format!("user:{}", s.user),
        "session.started",
        &serde_json::json!({
            "user": s.user,
            "display_name": s.display_name,
            "role": s.role.as_str(),
            "method": s.method.as_str(),
            "client": client,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Started {
        cookie,
        csrf,
        expires_at,
    })
}

fn cookie_header(text: String) -> Option<HeaderValue> {
    HeaderValue::from_str(&text).ok()
}

/// The `Set-Cookie` headers for a started session (`Secure` when `secure`).
#[must_use]
pub fn set_cookies(started: &Started, secure: bool, cfg: &SessionSettings) -> Vec<HeaderValue> {
    let age = u64::from(cfg.absolute_hours) * 3600;
    let sec = if secure { "; Secure" } else { "" };
    [
        format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{sec}",
            started.cookie
        ),
        format!(
            "{CSRF_COOKIE}={}; Path=/; SameSite=Strict; Max-Age={age}{sec}",
            started.csrf
        ),
    ]
    .into_iter()
    .filter_map(cookie_header)
    .collect()
}

/// `Set-Cookie` headers that remove both cookies.
#[must_use]
pub fn clear_cookies(secure: bool) -> Vec<HeaderValue> {
    let sec = if secure { "; Secure" } else { "" };
    [
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{sec}"),
        format!("{CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0{sec}"),
    ]
    .into_iter()
    .filter_map(cookie_header)
    .collect()
}

/// The value of cookie `name` in a request's `Cookie` headers.
///
/// ```
/// let mut h = axum::http::HeaderMap::new();
/// h.insert("cookie", "a=1; bedside_session=abc".parse().unwrap());
/// assert_eq!(bedside::sessions::cookie(&h, "bedside_session"), Some("abc"));
/// assert_eq!(bedside::sessions::cookie(&h, "b"), None);
/// ```
#[must_use]
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

/// The session cookie's value in a request's headers.
#[must_use]
pub fn cookie_of(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, COOKIE)
}

/// Marks a session ended, audited as `actor`'s. Returns whether it was live.
async fn end_row(
    db: &Db,
    id_hash: &str,
    user: &str,
    reason: EndReason,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let n = sqlx::query(
        "UPDATE sessions SET ended_at = $1, ended_reason = $2, handover_user = NULL, handover_last_at = NULL WHERE id_hash = $3 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(id_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n > 0 {
        crate::audit::append_in(
            &mut tx,
            &format!("user:{user}"),
            "session.ended",
            &serde_json::json!({"user": user, "reason": reason.as_str()}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n > 0)
}

/// Ends the session `cookie` names (sign-out). `None` when it was not live.
///
/// # Errors
/// Database errors.
pub async fn end(db: &Db, cookie: &str, reason: EndReason) -> Result<Option<Ended>, sqlx::Error> {
    let id_hash = hash(cookie);
    let row = sqlx::query(
        "SELECT user_id, method, id_token FROM sessions WHERE id_hash = $1 AND ended_at IS NULL",
    )
    .bind(&id_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user: String = row.try_get(0)?;
    let method: String = row.try_get(1)?;
    let id_token: Option<String> = row.try_get(2)?;
    if !end_row(db, &id_hash, &user, reason, crate::clock::now_ms()).await? {
        return Ok(None);
    }
    Ok(Some(Ended {
        user,
        method: Method::parse(&method).unwrap_or(Method::Oidc),
        id_token,
    }))
}

/// Ends a hand-over (audited `handover.ended` with `reason`). Returns whether one was on.
///
/// # Errors
/// Database errors.
pub async fn end_handover(
    db: &Db,
    id_hash: &str,
    session_user: &str,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(
        &mut tx,
        db.backend,
        crate::db::lock_key(&format!("session:{id_hash}")),
    )
    .await?;
    let row = sqlx::query(
        "SELECT handover_user FROM sessions WHERE id_hash = $1 AND handover_user IS NOT NULL",
    )
    .bind(id_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    let who: String = row.try_get(0)?;
    // Only if it is still this person's (another request may have ended it meanwhile).
    let n = sqlx::query(
        "UPDATE sessions SET handover_user = NULL, handover_last_at = NULL WHERE id_hash = $1 AND handover_user = $2",
    )
    .bind(id_hash)
    .bind(&who)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    crate::audit::append_in(
        &mut tx,
        &format!("user:{who}"),
        "handover.ended",
        &serde_json::json!({"user": who, "session_user": session_user, "reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

const LOOKUP: &str = "SELECT s.user_id, s.role, s.method, s.csrf, s.last_seen_at, s.expires_at, s.ended_at, \
     u.display_name, u.badge_gsrn, s.handover_user, s.handover_last_at, h.display_name, h.role, h.badge_gsrn \
     FROM sessions s JOIN users u ON u.user_id = s.user_id LEFT JOIN users h ON h.user_id = s.handover_user \
     WHERE s.id_hash = $1";

/// The live session `cookie` names at `now`. An idle or expired one is ended here (and
/// audited); an idle hand-over is ended and the session returned without it. A live
/// session's idle clock is restarted (written at most every [`TOUCH_EVERY_MS`]; a
/// hand-over's on every request).
///
/// # Errors
/// Database errors.
pub async fn lookup(
    db: &Db,
    cookie: &str,
    cfg: &SessionSettings,
    now: i64,
) -> Result<Lookup, sqlx::Error> {
    let id_hash = hash(cookie);
    let Some(row) = sqlx::query(LOOKUP)
        .bind(&id_hash)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(Lookup::None);
    };
    let user: String = row.try_get(0)?;
    let role: String = row.try_get(1)?;
    let method: String = row.try_get(2)?;
    let csrf: String = row.try_get(3)?;
    let last_seen: i64 = row.try_get(4)?;
    let expires_at: i64 = row.try_get(5)?;
    let ended_at: Option<i64> = row.try_get(6)?;
    if ended_at.is_some() {
        return Ok(Lookup::None);
    }
    if now >= expires_at {
        end_row(db, &id_hash, &user, EndReason::Expired, now).await?;
        return Ok(Lookup::None);
    }
    if now - last_seen >= i64::from(cfg.idle_minutes) * 60_000 {
        end_row(db, &id_hash, &user, EndReason::Idle, now).await?;
        return Ok(Lookup::None);
    }
    let (Some(role), Some(method)) = (Role::parse(&role), Method::parse(&method)) else {
        return Ok(Lookup::None);
    };
    let mut handover = None;
    let handover_user: Option<String> = row.try_get(9)?;
    if let Some(h) = handover_user {
        let last: Option<i64> = row.try_get(10)?;
        let live = last.is_some_and(|l| now - l < i64::from(cfg.handover_idle_seconds) * 1000);
        let h_role: Option<String> = row.try_get(12)?;
        match (live, h_role.as_deref().and_then(Role::parse)) {
            (true, Some(h_role)) => {
                handover = Some(Handover {
                    user: h,
                    display_name: row.try_get::<Option<String>, _>(11)?.unwrap_or_default(),
                    role: h_role,
                    badge: row.try_get(13)?,
                });
            }
            _ => {
                end_handover(db, &id_hash, &user, "idle").await?;
            }
        }
    }
    if handover.is_some() {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1, handover_last_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(&id_hash)
        .execute(&db.pool)
        .await?;
    } else if now - last_seen >= TOUCH_EVERY_MS {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(&id_hash)
        .execute(&db.pool)
        .await?;
    }
    Ok(Lookup::Active(Box::new(Active {
        id_hash,
        user,
        display_name: row.try_get(7)?,
        role,
        method,
        csrf,
        badge: row.try_get(8)?,
        expires_at,
        handover,
    })))
}
