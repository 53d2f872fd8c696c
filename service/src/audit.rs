//! The append-only, hash-chained audit trail.
//!
//! Each row stores the previous row's hash and its own: `hash = SHA-256(seq "\n" at "\n"
//! actor "\n" action "\n" detail "\n" prev_hash)`, with `detail` the JSON text exactly as
//! stored. The chain tip lives in `audit_head`; writers lock it first, so rows from several
//! instances on one PostgreSQL still form one chain. [`verify`] recomputes every link and
//! reports the first broken one. The audit trail is the only place patient data is written.
//!
//! Group commit: a service appends through one [`Writer`], which takes every row waiting
//! and writes them together, then answers each caller with its sequence number. On a
//! SQLite database file it is a thread with its own connection ([`crate::sqlite_direct`])
//! committing each batch in one `BEGIN IMMEDIATE` transaction; otherwise a tokio task on
//! the pool (on SQLite one multi-row INSERT after the tip it last wrote; on PostgreSQL one
//! transaction holding the tip's row lock). A caller still gets its answer only after its own row is
//! committed — batching changes how many rows share a commit and its fsync, never whether
//! a decision has its row. The `audit_advance_head` trigger moves the tip with each row.

use serde::Serialize;
use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot};

use crate::clock::now_ms;
use crate::db::Db;
use bedside_ward::audit::row_hash;

pub use bedside_ward::audit::{BrokenLink, GENESIS, VerifyReport, canonical};

/// A row's facts as the JSON text stored and hashed.
fn detail_json(detail: &(impl serde::Serialize + ?Sized)) -> Result<String, sqlx::Error> {
    serde_json::to_string(detail).map_err(|e| sqlx::Error::Encode(Box::new(e)))
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
    detail: &(impl serde::Serialize + ?Sized),
) -> Result<i64, sqlx::Error> {
    let detail = detail_json(detail)?;
    // Take the chain-tip lock first (row lock on PostgreSQL, write lock on SQLite) and
    // read the tip in the same statement.
    let head = sqlx::query(LOCK_HEAD).fetch_one(&mut *conn).await?;
    let prev_seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let seq = prev_seq + 1;
    let at = now_ms();
    let hash = row_hash(seq, at, actor, action, &detail, &prev_hash);
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
    // The `audit_advance_head` trigger has moved the tip to this row.
    Ok(seq)
}

/// Locks the chain tip (row lock on PostgreSQL, write lock on SQLite) and reads it.
const LOCK_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash";

/// Appends one event: through the group-commit [`Writer`] when the handle has one,
/// otherwise in its own transaction. Returns once the row is committed.
///
/// # Errors
/// Database errors (the row is then not written).
pub async fn append(
    db: &Db,
    actor: &str,
    action: &str,
    detail: &(impl serde::Serialize + ?Sized),
) -> Result<i64, sqlx::Error> {
    if let Some(w) = &db.audit_writer {
        return w.append(actor, action, detail).await;
    }
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

/// The audit table's columns in the order [`event_from_row`] reads them.
const EVENT_COLUMNS: &str = "seq, at, actor, action, detail, prev_hash, hash";

/// One row selected with [`EVENT_COLUMNS`], as stored.
pub(crate) fn event_from_row(r: &sqlx::any::AnyRow) -> Result<StoredEvent, sqlx::Error> {
    Ok(StoredEvent {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        detail: r.try_get(4)?,
        prev_hash: r.try_get(5)?,
        hash: r.try_get(6)?,
    })
}

/// Rows selected with [`EVENT_COLUMNS`] by `filter` (a `WHERE … ORDER BY … LIMIT …` tail
/// whose placeholders `binds` fill, in order).
pub(crate) async fn select_events(
    db: &Db,
    filter: &str,
    binds: &[i64],
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM audit {filter}");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
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
    select_events(
        db,
        "WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
        &[before.unwrap_or(i64::MAX), limit],
    )
    .await
}

struct Job {
    actor: String,
    action: String,
    detail: String,
    done: oneshot::Sender<Result<i64, sqlx::Error>>,
}

/// Largest batch one commit carries.
pub const MAX_BATCH: usize = 256;

/// The group-commit audit writer (see the module documentation). Cloning shares it.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("action", &self.action).finish()
    }
}

impl Writer {
    /// Starts the writer. On a SQLite database file with direct connections
    /// ([`Db::start_hot_paths`]) it is a thread of its own with one connection (see
    /// [`crate::sqlite_direct`]); otherwise a task on the current tokio runtime using the
    /// pool. Either ends when every clone of the returned handle is gone.
    #[must_use]
    pub fn start(db: Db) -> Writer {
        if let Some(readers) = db.direct.clone() {
            match crate::sqlite_direct::open(readers.path(), true) {
                Ok(conn) => {
                    let (tx, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
                    let spawned = std::thread::Builder::new()
                        .name("bedside-audit".into())
                        .spawn(move || run_direct(&readers, conn, rx));
                    if spawned.is_ok() {
                        return Writer { tx };
                    }
                    // No thread (resource limits): the pool-based task serves instead.
                }
                Err(e) => {
                    tracing::warn!(error = %e, "audit writer: no direct connection; using the pool");
                }
            }
        }
        let (tx, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        Writer::start_task(db, tx, rx)
    }

    fn start_task(db: Db, tx: mpsc::Sender<Job>, mut rx: mpsc::Receiver<Job>) -> Writer {
        tokio::spawn(async move {
            // The chain tip as this writer last left it (SQLite), so that a batch is a
            // single INSERT; another writer's rows make that INSERT fail on the sequence
            // number's primary key, and the tip is then read again.
            let mut tip: Option<(i64, String)> = None;
            while let Some(first) = rx.recv().await {
                write_batch(&db, take_batch(first, &mut rx), &mut tip).await;
            }
        });
        Writer { tx }
    }

    /// Queues one row and waits until it is committed, for at most [`APPEND_DEADLINE`]
    /// (then the caller refuses to answer, as for any other audit failure; the row may
    /// still be committed later — audited but unanswered, never the reverse).
    ///
    /// # Errors
    /// Database errors, the deadline (`PoolTimedOut`), or the writer has stopped.
    pub async fn append(
        &self,
        actor: &str,
        action: &str,
        detail: &(impl serde::Serialize + ?Sized),
    ) -> Result<i64, sqlx::Error> {
        let (done, wait) = oneshot::channel();
        let job = Job {
            actor: actor.to_owned(),
            action: action.to_owned(),
            detail: detail_json(detail)?,
            done,
        };
        let queued = async {
            self.tx
                .send(job)
                .await
                .map_err(|_| sqlx::Error::PoolClosed)?;
            wait.await.map_err(|_| sqlx::Error::PoolClosed)?
        };
        tokio::time::timeout(APPEND_DEADLINE, queued)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    /// Whether the writer still runs (its task or thread has not ended).
    #[must_use]
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }
}

/// Longest a caller waits for its audit row (the writer may be waiting for another
/// process's write lock): past it the decision is refused, not given unaudited.
pub const APPEND_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// `first` and every row already waiting behind it, up to [`MAX_BATCH`]: one commit's
/// worth, for either writer.
fn take_batch(first: Job, rx: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(j) => batch.push(j),
            Err(_) => break,
        }
    }
    batch
}

/// One commit's size, time and outcome in the debug log (never row content).
fn log_batch(rows: usize, started: std::time::Instant, ok: bool) {
    tracing::debug!(
        rows,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        ok,
        "audit batch"
    );
}

/// Answers each job of a committed batch with its row's sequence number.
fn answer_committed(jobs: Vec<Job>, seqs: Vec<i64>) {
    for (job, seq) in jobs.into_iter().zip(seqs) {
        let _ = job.done.send(Ok(seq));
    }
}

/// The SQLite writer thread: takes every waiting row, commits them in one transaction on
/// its own connection, answers each caller only after that commit. No row can fail on its
/// own here (the sequence numbers are taken under the write lock, and the audit table has
/// no other constraint), so a failed batch — busy, I/O, a full disk — fails every caller in
/// it at once (each refuses its answer); the connection is then reopened for the next.
/// After [`Db::close`] it writes nothing and drops its connection.
fn run_direct(
    readers: &crate::sqlite_direct::Readers,
    conn: rusqlite::Connection,
    mut rx: mpsc::Receiver<Job>,
) {
    let mut conn = Some(conn);
    while let Some(first) = rx.blocking_recv() {
        let batch = take_batch(first, &mut rx);
        if readers.is_closed() {
            conn = None;
            for job in batch {
                let _ = job.done.send(Err(sqlx::Error::PoolClosed));
            }
            continue;
        }
        let started = std::time::Instant::now();
        let result = write_direct(&mut conn, readers, &batch);
        log_batch(batch.len(), started, result.is_ok());
        match result {
            Ok(seqs) => answer_committed(batch, seqs),
            Err(e) => {
                tracing::warn!(rows = batch.len(), error = %e, "audit batch not written");
                for job in batch {
                    let _ = job
                        .done
                        .send(Err(sqlx::Error::Database(Box::new(e.duplicate()))));
                }
            }
        }
    }
}

/// One batch on the writer thread's connection (opened when missing, dropped on error).
fn write_direct(
    conn: &mut Option<rusqlite::Connection>,
    readers: &crate::sqlite_direct::Readers,
    jobs: &[Job],
) -> Result<Vec<i64>, crate::sqlite_direct::DirectError> {
    let c = match conn {
        Some(c) => c,
        None => conn.insert(crate::sqlite_direct::open(readers.path(), true)?),
    };
    let result = commit_direct(c, jobs);
    if result.is_err() {
        *conn = None;
    }
    Ok(result?)
}

/// `BEGIN IMMEDIATE` takes the write lock before the tip is read, so no other writer (an
/// administration's transaction, the feed, another process) can move the tip while this
/// batch builds on it; the `audit_advance_head` trigger moves it with each row.
fn commit_direct(c: &mut rusqlite::Connection, jobs: &[Job]) -> Result<Vec<i64>, rusqlite::Error> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (seq, hash): (i64, String) = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let rows = chain(jobs, seq, hash);
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO audit (seq, at, actor, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (seq, at, actor, action, detail, prev, hash) in &rows {
            insert.execute(rusqlite::params![
                seq, at, actor, action, detail, prev, hash
            ])?;
        }
    }
    tx.commit()?;
    Ok(rows.iter().map(|r| r.0).collect())
}

/// Writes a batch, in slices that are each one atomic step (see [`commit_slice`]); if a
/// slice fails, each of its rows is tried on its own, so one bad row cannot take the
/// others with it. Every job is answered, only after its row is committed.
async fn write_batch(db: &Db, mut jobs: Vec<Job>, tip: &mut Option<(i64, String)>) {
    while !jobs.is_empty() {
        let n = match db.backend {
            // One multi-row INSERT per step on SQLite: a size the statement cache knows.
            crate::db::Backend::Sqlite => CHUNKS
                .iter()
                .copied()
                .find(|c| *c <= jobs.len())
                .unwrap_or(1),
            crate::db::Backend::Postgres => jobs.len(),
        };
        let slice: Vec<Job> = jobs.drain(..n).collect();
        let started = std::time::Instant::now();
        let result = commit_slice(db, &slice, tip).await;
        log_batch(slice.len(), started, result.is_ok());
        match result {
            Ok(seqs) => answer_committed(slice, seqs),
            Err(_) if slice.len() > 1 => {
                for job in slice {
                    let r = commit_slice(db, std::slice::from_ref(&job), tip)
                        .await
                        .map(|s| s.first().copied().unwrap_or_default());
                    let _ = job.done.send(r);
                }
            }
            Err(e) => {
                for job in slice {
                    let _ = job.done.send(Err(sqlx::Error::Protocol(e.to_string())));
                }
            }
        }
    }
}

/// Multi-row insert sizes (few distinct statements for the statement cache).
const CHUNKS: [usize; 6] = [32, 16, 8, 4, 2, 1];

/// A row ready to insert: (seq, at, actor, action, detail, prev_hash, hash).
type Chained<'a> = (i64, i64, &'a str, &'a str, &'a str, String, String);

fn chain<'a>(jobs: &'a [Job], head_seq: i64, head_hash: String) -> Vec<Chained<'a>> {
    let mut seq = head_seq;
    let mut prev = head_hash;
    let mut rows = Vec::with_capacity(jobs.len());
    for j in jobs {
        seq += 1;
        let at = now_ms();
        let hash = row_hash(seq, at, &j.actor, &j.action, &j.detail, &prev);
        rows.push((
            seq,
            at,
            j.actor.as_str(),
            j.action.as_str(),
            j.detail.as_str(),
            prev,
            hash.clone(),
        ));
        prev = hash;
    }
    rows
}

fn insert_sql(n: usize) -> String {
    let mut sql =
        String::from("INSERT INTO audit (seq, at, actor, action, detail, prev_hash, hash) VALUES ");
    for i in 0..n {
        let b = i * 7;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7
        ));
    }
    sql
}

fn bind_rows<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    rows: &'q [Chained<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for (seq, at, actor, action, detail, prev, hash) in rows {
        q = q
            .bind(*seq)
            .bind(*at)
            .bind(*actor)
            .bind(*action)
            .bind(*detail)
            .bind(prev.as_str())
            .bind(hash.as_str());
    }
    q
}

/// Appends `jobs` as one atomic step and returns their sequence numbers.
///
/// - SQLite (one writer at a time, no row locks): one multi-row INSERT (autocommit: one
///   statement, one commit) after the tip this writer last wrote (read from `audit_head`
///   when unknown); the `audit_advance_head` trigger moves the tip in the same statement.
///   If another writer appended meanwhile, the INSERT hits the sequence number's primary
///   key (rows are never changed, so a known tip is only ever stale by having successors)
///   and the step is retried from a freshly read tip.
/// - PostgreSQL: one transaction that locks the tip row first, so several instances and
///   in-transaction appends ([`append_in`]) queue on it instead of racing.
async fn commit_slice(
    db: &Db,
    jobs: &[Job],
    tip: &mut Option<(i64, String)>,
) -> Result<Vec<i64>, sqlx::Error> {
    match db.backend {
        crate::db::Backend::Sqlite => {
            let sql = insert_sql(jobs.len());
            for _ in 0..16 {
                let (seq, hash) = match tip.take() {
                    Some(t) => t,
                    None => {
                        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                            .fetch_one(&db.pool)
                            .await?;
                        (head.try_get(0)?, head.try_get(1)?)
                    }
                };
                let rows = chain(jobs, seq, hash);
                match bind_rows(sqlx::query(&sql), &rows).execute(&db.pool).await {
                    Ok(_) => {
                        *tip = rows.last().map(|r| (r.0, r.6.clone()));
                        return Ok(rows.iter().map(|r| r.0).collect());
                    }
                    // Another writer appended: read the tip again.
                    Err(e) if crate::db::is_unique_violation(&e) => {}
                    Err(e) => return Err(e),
                }
            }
            Err(sqlx::Error::Protocol(
                "the audit chain tip kept moving; rows not written".into(),
            ))
        }
        crate::db::Backend::Postgres => {
            let mut tx = db.pool.begin().await?;
            let head = sqlx::query(LOCK_HEAD).fetch_one(&mut *tx).await?;
            let rows = chain(jobs, head.try_get(0)?, head.try_get(1)?);
            let mut rest = &rows[..];
            while !rest.is_empty() {
                let n = CHUNKS
                    .iter()
                    .copied()
                    .find(|c| *c <= rest.len())
                    .unwrap_or(1);
                let (now, later) = rest.split_at(n);
                let sql = insert_sql(n);
                bind_rows(sqlx::query(&sql), now).execute(&mut *tx).await?;
                rest = later;
            }
            tx.commit().await?;
            Ok(rows.iter().map(|r| r.0).collect())
        }
    }
}

/// Recomputes the whole chain in sequence order.
///
/// # Errors
/// Database errors (a broken chain is a report, not an error).
pub async fn verify(db: &Db) -> Result<VerifyReport, sqlx::Error> {
    let mut check = bedside_ward::audit::ChainCheck::default();
    let page = 1000i64;
    loop {
        let batch = select_events(
            db,
            "WHERE seq >= $1 ORDER BY seq LIMIT $2",
            &[check.next_seq(), page],
        )
        .await?;
        let n = batch.len();
        for r in &batch {
            let row = bedside_ward::audit::RowRef {
                seq: r.seq,
                at: r.at,
                actor: &r.actor,
                action: &r.action,
                detail: &r.detail,
                prev_hash: &r.prev_hash,
                hash: &r.hash,
            };
            if let Err(report) = check.push(row) {
                return Ok(report);
            }
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
    Ok(check.finish(head_seq, &head_hash))
}
