//! The people who sign in ([`crate::sessions`]): the staff badge each links once, the
//! hand-over PIN each sets after signing in, and the PIN checks of a hand-over or of a
//! second checker.
//!
//! - **Badge.** A signed-in person links their staff badge by scanning it (once; an admin
//!   may set or clear it). It must be an active badge of the staff register and nobody
//!   else's. Afterwards the medicines check accepts only that badge as the giver's in their
//!   session (`staff_not_token_holder` otherwise).
//! - **PIN.** 4 to 8 digits, not one digit repeated and not a run (`1234`, `9876`),
//!   stored as an argon2id PHC string (the `argon2` crate, RustCrypto: a well-kept
//!   implementation of RFC 9106; parameters are its defaults, 19 MiB, 2 passes).
//!   [`MAX_PIN_FAILURES`] wrong PINs in a row lock the badge for [`PIN_LOCK_MS`]; every
//!   attempt, right or wrong, is audited (`pin.checked`), never with the PIN.
//! - **Hand-over.** On a PC where someone is signed in, another person takes over for one
//!   task with their linked badge and PIN ([`start_handover`]); requests then act as them
//!   (role, badge, audit actor) until the task is recorded, they end it, or
//!   `sessions.handover_idle_seconds` pass without a request.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sqlx::Row;

use crate::db::{Db, is_unique_violation};
use crate::sessions::Active;
use bedside_ward::access::Role;

/// Wrong PINs in a row that lock a badge.
pub const MAX_PIN_FAILURES: i64 = 5;
/// How long a locked badge refuses every PIN (ms): 15 minutes.
pub const PIN_LOCK_MS: i64 = 15 * 60_000;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Their id (`user_claim`, or `demo:<name>`).
    pub user_id: String,
    /// Their name.
    pub display_name: String,
    /// The role of their last sign-in.
    pub role: Option<Role>,
    /// Their linked badge.
    pub badge: Option<String>,
    /// Whether they have set a hand-over PIN.
    pub has_pin: bool,
    /// Until when their badge refuses PINs (ms), if locked.
    pub pin_locked_until: Option<i64>,
}

const COLUMNS: &str =
    "user_id, display_name, role, badge_gsrn, pin_hash IS NOT NULL, pin_locked_until";

fn user_of(row: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    let role: String = row.try_get(2)?;
    let has_pin: bool = match row.try_get::<bool, _>(4) {
        Ok(b) => b,
        Err(_) => row.try_get::<i64, _>(4)? != 0,
    };
    Ok(UserRow {
        user_id: row.try_get(0)?,
        display_name: row.try_get(1)?,
        role: Role::parse(&role),
        badge: row.try_get(3)?,
        has_pin,
        pin_locked_until: row.try_get(5)?,
    })
}

/// The person `user_id`, if they have ever signed in.
///
/// # Errors
/// Database errors.
pub async fn read(db: &Db, user_id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE user_id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(user_of)
        .transpose()
}

/// The names of the people `ids` (each read once; unknown ids are left out).
///
/// # Errors
/// Database errors.
pub async fn display_names(
    db: &Db,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for id in ids {
        if out.contains_key(*id) {
            continue;
        }
        if let Some(u) = read(db, id).await? {
            out.insert(u.user_id, u.display_name);
        }
    }
    Ok(out)
}

/// The person whose linked badge is `gsrn`.
///
/// # Errors
/// Database errors.
pub async fn by_badge(db: &Db, gsrn: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE badge_gsrn = $1"
    ))
    .bind(gsrn)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(user_of)
    .transpose()
}

/// Why a badge could not be linked.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The person has not signed in here yet.
    #[error("no such user: they must sign in once first")]
    NoUser,
    /// The person already linked a badge (only an admin can change it).
    #[error("a badge is already linked to this user; ask an admin to change it")]
    AlreadyLinked,
    /// The badge is not an active badge of the staff register.
    #[error("this badge is not an active badge of the staff register")]
    NotActive,
    /// Another person linked this badge.
    #[error("this badge is linked to another user")]
    Taken,
    /// Database.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Links `gsrn` to `user_id` (audited `user.badge_linked` as `actor`). The person
/// themself may link once (`replace` false); an admin may replace a link.
///
/// # Errors
/// [`LinkError`].
pub async fn link_badge(
    db: &Db,
    user_id: &str,
    gsrn: &str,
    replace: bool,
    actor: &str,
    now: i64,
) -> Result<(), LinkError> {
    let mut tx = db.pool.begin().await?;
    // Reads then writes: take the write lock first (on SQLite a deferred transaction
    // that reads and then writes can be refused outright by a concurrent writer).
    crate::db::lock_for_write(&mut tx, db.backend, crate::db::lock_key("users:badges")).await?;
    if !crate::staff::is_active_in(&mut tx, gsrn).await? {
        return Err(LinkError::NotActive);
    }
    let current = sqlx::query("SELECT badge_gsrn FROM users WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(current) = current else {
        return Err(LinkError::NoUser);
    };
    let current: Option<String> = current.try_get(0)?;
    if current.as_deref() == Some(gsrn) {
        return Ok(());
    }
    if current.is_some() && !replace {
        return Err(LinkError::AlreadyLinked);
    }
    let set =
        sqlx::query("UPDATE users SET badge_gsrn = $1, badge_linked_at = $2 WHERE user_id = $3")
            .bind(gsrn)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await;
    match set {
        Err(e) if is_unique_violation(&e) => return Err(LinkError::Taken),
        other => {
            other?;
        }
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "user.badge_linked",
        &serde_json::json!({"user": user_id, "staff": gsrn, "previous": current}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Clears `user_id`'s badge link (an admin's action, audited `user.badge_unlinked`).
/// Returns whether there was one.
///
/// # Errors
/// [`LinkError::NoUser`], database errors.
pub async fn unlink_badge(db: &Db, user_id: &str, actor: &str) -> Result<bool, LinkError> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(&mut tx, db.backend, crate::db::lock_key("users:badges")).await?;
    let row = sqlx::query("SELECT badge_gsrn FROM users WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(LinkError::NoUser)?;
    let current: Option<String> = row.try_get(0)?;
    let Some(current) = current else {
        return Ok(false);
    };
    sqlx::query("UPDATE users SET badge_gsrn = NULL, badge_linked_at = NULL WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    crate::audit::append_in(
        &mut tx,
        actor,
        "user.badge_unlinked",
        &serde_json::json!({"user": user_id, "staff": current}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Why a PIN is not acceptable as a new PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinRule {
    /// Not 4 to 8 ASCII digits.
    #[error("a PIN is 4 to 8 digits")]
    Digits,
    /// One digit repeated.
    #[error("a PIN must not be one digit repeated")]
    Repeated,
    /// An ascending or descending run.
    #[error("a PIN must not be a run of digits such as 1234 or 9876")]
    Run,
}

/// Whether `pin` has a PIN's form: 4 to 8 ASCII digits (what any PIN typed is held to
/// before it is checked or counted; [`check_pin_rules`] asks more of a new one).
///
/// ```
/// assert!(bedside::users::pin_form("0000") && !bedside::users::pin_form("12a4"));
/// ```
#[must_use]
pub fn pin_form(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a new PIN's form.
///
/// ```
/// use bedside::users::{check_pin_rules, PinRule};
/// assert!(check_pin_rules("4826").is_ok());
/// assert_eq!(check_pin_rules("123"), Err(PinRule::Digits));
/// assert_eq!(check_pin_rules("7777"), Err(PinRule::Repeated));
/// assert_eq!(check_pin_rules("3456"), Err(PinRule::Run));
/// assert_eq!(check_pin_rules("6543"), Err(PinRule::Run));
/// ```
///
/// # Errors
/// The rule broken.
pub fn check_pin_rules(pin: &str) -> Result<(), PinRule> {
    if !pin_form(pin) {
        return Err(PinRule::Digits);
    }
    let d = pin.as_bytes();
    if d.iter().all(|&c| c == d[0]) {
        return Err(PinRule::Repeated);
    }
    let steps: Vec<i16> = d
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(PinRule::Run);
    }
    Ok(())
}

/// Why a PIN could not be set.
#[derive(Debug, thiserror::Error)]
pub enum SetPinError {
    /// The PIN breaks a rule.
    #[error(transparent)]
    Rule(#[from] PinRule),
    /// The person has no linked badge (a PIN goes with a badge).
    #[error("link your staff badge before setting a PIN")]
    NoBadge,
    /// Hashing failed (no randomness for the salt).
    #[error("the PIN could not be hashed")]
    Hash,
    /// Database.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

fn hash_pin(pin: &str) -> Result<String, SetPinError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| SetPinError::Hash)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| SetPinError::Hash)?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| SetPinError::Hash)
}

fn pin_verifies(pin: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

/// Sets `user_id`'s hand-over PIN (audited `user.pin_set`, without the PIN); clears any
/// lock and count of wrong PINs.
///
/// # Errors
/// [`SetPinError`].
pub async fn set_pin(db: &Db, user_id: &str, pin: &str, now: i64) -> Result<(), SetPinError> {
    check_pin_rules(pin)?;
    let user = read(db, user_id).await?;
    if user.as_ref().and_then(|u| u.badge.as_ref()).is_none() {
        return Err(SetPinError::NoBadge);
    }
    let pin = pin.to_owned();
    let phc = tokio::task::spawn_blocking(move || hash_pin(&pin))
        .await
        .map_err(|_| SetPinError::Hash)??;
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE users SET pin_hash = $1, pin_set_at = $2, pin_failures = 0, pin_locked_until = NULL WHERE user_id = $3")
        .bind(phc)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    crate::audit::append_in(
        &mut tx,
        &format!("user:{user_id}"),
        "user.pin_set",
        &serde_json::json!({"user": user_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a badge-and-PIN check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// The PIN is right: the badge's person.
    Right(UserRow),
    /// Wrong; this many tries are left before the badge locks (0: it is locked now).
    Wrong {
        /// Tries left.
        attempts_left: i64,
        /// Until when it is locked (ms), when this try locked it.
        locked_until: Option<i64>,
    },
    /// The badge is locked until then (ms); the PIN was not checked.
    Locked(i64),
    /// The badge's person has not set a PIN.
    NoPin,
    /// No signed-in person linked this badge.
    UnknownBadge,
}

impl PinCheck {
    /// The audited outcome.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            PinCheck::Right(_) => "right",
            PinCheck::Wrong { .. } => "wrong",
            PinCheck::Locked(_) => "locked",
            PinCheck::NoPin => "no_pin",
            PinCheck::UnknownBadge => "unknown_badge",
        }
    }
}

/// Checks `pin` for the person who linked `gsrn`, counting wrong PINs and locking the
/// badge after [`MAX_PIN_FAILURES`]. Every attempt is audited (`pin.checked` with
/// `purpose`: `handover` or `checker`), as `actor`.
///
/// # Errors
/// Database errors (nothing is then counted).
pub async fn check_badge_pin(
    db: &Db,
    gsrn: &str,
    pin: &str,
    purpose: &str,
    actor: &str,
    now: i64,
) -> Result<PinCheck, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, pin_hash FROM users WHERE badge_gsrn = $1"
    ))
    .bind(gsrn)
    .fetch_optional(&db.pool)
    .await?;
    let outcome = match row {
        None => PinCheck::UnknownBadge,
        Some(row) => {
            let user = user_of(&row)?;
            let phc: Option<String> = row.try_get(6)?;
            match (user.pin_locked_until, phc) {
                (Some(until), _) if until > now => PinCheck::Locked(until),
                (_, None) => PinCheck::NoPin,
                (_, Some(phc)) => {
                    let pin = pin.to_owned();
                    let right = tokio::task::spawn_blocking(move || pin_verifies(&pin, &phc))
                        .await
                        .unwrap_or(false);
                    if right {
                        sqlx::query("UPDATE users SET pin_failures = 0, pin_locked_until = NULL WHERE user_id = $1")
                            .bind(&user.user_id)
                            .execute(&db.pool)
                            .await?;
                        PinCheck::Right(user)
                    } else {
                        wrong_pin(db, &user.user_id, now).await?
                    }
                }
            }
        }
    };
    let (attempts_left, locked_until) = match &outcome {
        PinCheck::Wrong {
            attempts_left,
            locked_until,
        } => (Some(*attempts_left), *locked_until),
        PinCheck::Locked(until) => (None, Some(*until)),
        _ => (None, None),
    };
    let user = match &outcome {
        PinCheck::Right(u) => Some(u.user_id.clone()),
        _ => None,
    };
    crate::audit::append(
        db,
        actor,
        "pin.checked",
        &serde_json::json!({
            "staff": gsrn,
            "user": user,
            "purpose": purpose,
            "outcome": outcome.as_str(),
            "attempts_left": attempts_left,
            "locked_until": locked_until,
        }),
    )
    .await?;
    Ok(outcome)
}

/// Counts one wrong PIN (atomically, so two PCs typing at once both count).
async fn wrong_pin(db: &Db, user_id: &str, now: i64) -> Result<PinCheck, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE users SET pin_failures = pin_failures + 1 WHERE user_id = $1 RETURNING pin_failures",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    let failures: i64 = row.try_get(0)?;
    if failures >= MAX_PIN_FAILURES {
        let until = now + PIN_LOCK_MS;
        sqlx::query("UPDATE users SET pin_failures = 0, pin_locked_until = $1 WHERE user_id = $2")
            .bind(until)
            .bind(user_id)
            .execute(&db.pool)
            .await?;
        return Ok(PinCheck::Wrong {
            attempts_left: 0,
            locked_until: Some(until),
        });
    }
    Ok(PinCheck::Wrong {
        attempts_left: MAX_PIN_FAILURES - failures,
        locked_until: None,
    })
}

/// How a hand-over request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoverStart {
    /// Started: the person now acting.
    Started(UserRow),
    /// The badge is the signed-in person's own.
    OwnBadge,
    /// The PIN check did not pass.
    Refused(PinCheck),
}

/// Starts a hand-over of `session` to the person who linked `gsrn`, if `pin` is theirs.
/// Audited: the PIN check (`pin.checked`), then `handover.started` naming both people.
///
/// # Errors
/// Database errors.
pub async fn start_handover(
    db: &Db,
    session: &Active,
    gsrn: &str,
    pin: &str,
    now: i64,
) -> Result<HandoverStart, sqlx::Error> {
    if session.badge.as_deref() == Some(gsrn) {
        return Ok(HandoverStart::OwnBadge);
    }
    let actor = format!("user:{}", session.user);
    match check_badge_pin(db, gsrn, pin, "handover", &actor, now).await? {
        PinCheck::Right(u) if u.user_id == session.user => Ok(HandoverStart::OwnBadge),
        PinCheck::Right(u) => {
            let mut tx = db.pool.begin().await?;
            sqlx::query(
                "UPDATE sessions SET handover_user = $1, handover_last_at = $2, last_seen_at = $2 WHERE id_hash = $3 AND ended_at IS NULL",
            )
            .bind(&u.user_id)
            .bind(now)
            .bind(&session.id_hash)
            .execute(&mut *tx)
            .await?;
            crate::audit::append_in(
                &mut tx,
                &format!("user:{}", u.user_id),
                "handover.started",
                &serde_json::json!({
                    "user": u.user_id,
                    "display_name": u.display_name,
                    "staff": gsrn,
                    "session_user": session.user,
                    "session_display_name": session.display_name,
                }),
            )
            .await?;
            tx.commit().await?;
            Ok(HandoverStart::Started(u))
        }
        other => Ok(HandoverStart::Refused(other)),
    }
}
