//! One cache truth across instances: on PostgreSQL, a change that makes an instance's
//! cached answers stale is announced with `NOTIFY` in the transaction that commits it, and
//! every instance `LISTEN`s and drops the cache it names within milliseconds of the
//! commit. No extra server: the database carries the message.
//!
//! - [`Invalidation::Pix`]: identity feed events and go-live imports (the PIX answer
//!   cache; the identity index itself is never cached).
//! - [`Invalidation::Tokens`]: token revocations (the token cache).
//!
//! `NOTIFY` is transactional: a rolled-back change announces nothing, and a committed
//! one is announced exactly when it becomes visible. Notifications sent while a
//! listener's connection was down are lost, so a listener that loses its connection drops
//! every cache before it listens again. SQLite serves one instance, whose own changes drop
//! its caches directly; these functions do nothing there.

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyConnection;

use crate::db::Backend;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "bedside_invalidate";

/// Which cache a committed change makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidation {
    /// PIX answers (identity feed, import).
    Pix,
    /// Token rows (revocation).
    Tokens,
}

impl Invalidation {
    /// The notification payload: `pix` or `tokens`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Invalidation::Pix => "pix",
            Invalidation::Tokens => "tokens",
        }
    }

    /// The invalidation a payload names; `None` for anything else (which a listener
    /// treats as "drop everything").
    #[must_use]
    pub fn parse(payload: &str) -> Option<Self> {
        match payload {
            "pix" => Some(Invalidation::Pix),
            "tokens" => Some(Invalidation::Tokens),
            _ => None,
        }
    }
}

/// Announces `what` to every instance when the caller's transaction commits (PostgreSQL;
/// nothing on SQLite).
///
/// # Errors
/// Database errors (the caller's transaction then fails as a whole).
pub async fn announce_in(
    conn: &mut AnyConnection,
    backend: Backend,
    what: Invalidation,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        // The payload is one of two constants: no quoting concerns.
        let sql = match what {
            Invalidation::Pix => "NOTIFY bedside_invalidate, 'pix'",
            Invalidation::Tokens => "NOTIFY bedside_invalidate, 'tokens'",
        };
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// What a listener does with what it hears: `Some(what)` drops that cache, `None` drops
/// every cache (a payload it does not know, or notifications possibly missed while its
/// connection was down).
pub type OnInvalidation = Arc<dyn Fn(Option<Invalidation>) + Send + Sync>;

/// Listens on [`CHANNEL`] of the PostgreSQL database at `url` for as long as the
/// runtime runs, reconnecting after a failure (and then dropping every cache, since
/// announcements may have been missed). The receiver says whether it listens now.
pub fn spawn_listener(url: String, on: OnInvalidation) -> tokio::sync::watch::Receiver<bool> {
    let (listening, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(e) = listener.listen(CHANNEL).await {
                        tracing::warn!(error = %e, "cache invalidation: cannot LISTEN; retrying");
                    } else {
                        // Anything committed before LISTEN took effect was not heard.
                        on(None);
                        let _ = listening.send(true);
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(n)) => {
                                    let _ =
                                        listening.send_if_modified(|l| !std::mem::replace(l, true));
                                    on(Invalidation::parse(n.payload()));
                                }
                                // The connection was lost; the next try_recv reconnects
                                // and listens again, but what was sent meanwhile is gone.
                                Ok(None) => {
                                    tracing::warn!(
                                        "cache invalidation: connection lost; caches dropped"
                                    );
                                    let _ = listening.send(false);
                                    on(None);
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "cache invalidation: listener failed; reconnecting");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cache invalidation: cannot connect; retrying");
                }
            }
            let _ = listening.send(false);
            on(None);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    rx
}
