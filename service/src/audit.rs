//! The append-only, hash-chained audit trail.
//!
//! Each row stores the previous row's hash and its own: `hash = SHA-256(seq "\n" at "\n"
//! actor "\n" action "\n" detail "\n" prev_hash)`, with `detail` the JSON text exactly as
//! stored. The chain tip lives in `audit_head`; writers lock it first, so rows from several
//! instances on one PostgreSQL still form one chain. [`verify`] recomputes every link and
//! reports the first broken one. The audit trail is the only place patient data is written.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::clock::now_ms;
use crate::crypto::sha256_hex;
use crate::db::Db;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical content hashed for one row.
#[must_use]
pub fn canonical(seq: i64, at: i64, actor: &str, action: &str, detail: &str, prev: &str) -> String {
    format!("{seq}\n{at}\n{actor}\n{action}\n{detail}\n{prev}")
}

/// Appends one event inside the caller's transaction (so a recorded administration and
/// its audit row commit together). Returns the row's sequence number.
///
/// # Errors
/// Database errors.
pub async fn append_in(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> Result<i64, sqlx::Error> {
    // Take the chain-tip lock first (row lock on PostgreSQL, write lock on SQLite).
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let prev_seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let seq = prev_seq + 1;
    let at = now_ms();
    let detail = detail.to_string();
    let hash = sha256_hex(canonical(seq, at, actor, action, &detail, &prev_hash).as_bytes());
    sqlx::query(
        "INSERT INTO audit (seq, at, actor, action, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(&detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

/// Appends one event in its own transaction.
///
/// # Errors
/// Database errors.
pub async fn append(
    db: &Db,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let seq = append_in(&mut tx, actor, action, detail).await?;
    tx.commit().await?;
    Ok(seq)
}

/// One audit row exactly as stored, with its hash-chain fields. `detail` is the JSON text
/// that was hashed, byte for byte, so a reader can recompute [`canonical`] and the hash.
///
/// ```
/// use bedside::audit::{GENESIS, StoredEvent, canonical};
/// let e = StoredEvent {
///     seq: 1, at: 0, actor: "system".into(), action: "demo.seeded".into(),
///     detail: "{}".into(), prev_hash: GENESIS.into(), hash: String::new(),
/// };
/// let hash = bedside::crypto::sha256_hex(
///     canonical(e.seq, e.at, &e.actor, &e.action, &e.detail, &e.prev_hash).as_bytes(),
/// );
/// assert_eq!(hash.len(), 64);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    /// Sequence number (1, 2, …; no gaps in an intact chain).
    pub seq: i64,
    /// When, Unix milliseconds.
    pub at: i64,
    /// Who (`token:<id>`, `feed`, `import`, …).
    pub actor: String,
    /// What (`identify`, `administration.recorded`, `audit.read`, …).
    pub action: String,
    /// The event's facts: JSON text as stored and hashed.
    pub detail: String,
    /// The previous row's hash ([`GENESIS`] for row 1).
    pub prev_hash: String,
    /// SHA-256 of [`canonical`] for this row.
    pub hash: String,
}

/// Most rows [`newest`] returns at once.
///
/// ```
/// assert_eq!(bedside::audit::MAX_PAGE, 200);
/// ```
pub const MAX_PAGE: i64 = 200;

/// Up to `limit` rows (1 to [`MAX_PAGE`]) newest first, only those with `seq < before`
/// when given: page backwards by passing the last row's `seq` as the next `before`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let db = bedside::db::Db::connect("sqlite::memory:", 1).await?;
/// db.migrate().await?;
/// for action in ["first", "second", "third"] {
///     bedside::audit::append(&db, "token:demo", action, &serde_json::json!({})).await?;
/// }
/// let page = bedside::audit::newest(&db, None, 2).await?;
/// assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2]);
/// let older = bedside::audit::newest(&db, Some(2), 2).await?;
/// assert_eq!(older[0].action, "first");
/// assert_eq!(older[0].hash, page[1].prev_hash);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
///
/// # Errors
/// Database errors.
pub async fn newest(
    db: &Db,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredEvent {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                action: r.try_get(3)?,
                detail: r.try_get(4)?,
                prev_hash: r.try_get(5)?,
                hash: r.try_get(6)?,
            })
        })
        .collect()
}

/// The first broken link found by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The row at fault (or the head's sequence number).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Rows checked.
    pub rows: i64,
    /// True when every link holds and the head matches the last row.
    pub ok: bool,
    /// The first broken link.
    pub first_broken: Option<BrokenLink>,
}

/// Recomputes the whole chain in sequence order.
///
/// # Errors
/// Database errors (a broken chain is a report, not an error).
pub async fn verify(db: &Db) -> Result<VerifyReport, sqlx::Error> {
    let mut rows = 0i64;
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut last_seq = 0i64;
    let page = 1000i64;
    loop {
        let batch = sqlx::query(
            "SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(expected_seq)
        .bind(page)
        .fetch_all(&db.pool)
        .await?;
        let n = batch.len();
        for r in batch {
            let seq: i64 = r.try_get(0)?;
            let at: i64 = r.try_get(1)?;
            let actor: String = r.try_get(2)?;
            let action: String = r.try_get(3)?;
            let detail: String = r.try_get(4)?;
            let prev: String = r.try_get(5)?;
            let hash: String = r.try_get(6)?;
            let broken = |reason: &str| VerifyReport {
                rows,
                ok: false,
                first_broken: Some(BrokenLink {
                    seq,
                    reason: reason.to_owned(),
                }),
            };
            if seq != expected_seq {
                return Ok(VerifyReport {
                    rows,
                    ok: false,
                    first_broken: Some(BrokenLink {
                        seq: expected_seq,
                        reason: format!("row {expected_seq} is missing"),
                    }),
                });
            }
            if prev != expected_prev {
                return Ok(broken("prev_hash does not equal the previous row's hash"));
            }
            let recomputed =
                sha256_hex(canonical(seq, at, &actor, &action, &detail, &prev).as_bytes());
            if recomputed != hash {
                return Ok(broken("content does not match its hash (row altered)"));
            }
            rows += 1;
            expected_prev = hash;
            expected_seq = seq + 1;
            last_seq = seq;
        }
        if i64::try_from(n).unwrap_or(0) < page {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    if head_seq != last_seq || head_hash != expected_prev {
        return Ok(VerifyReport {
            rows,
            ok: false,
            first_broken: Some(BrokenLink {
                seq: head_seq,
                reason: "chain head does not match the last row (rows removed at the end?)".into(),
            }),
        });
    }
    Ok(VerifyReport {
        rows,
        ok: true,
        first_broken: None,
    })
}
