//! The durable outbox: messages to other systems, written in the same transaction as what
//! they report, and sent from the database by a background task — today HL7 v2.5
//! `RAS^O17` to the EPR (`epr_mllp`).
//!
//! Invariants ("nothing acknowledged is lost, nothing sent twice after an AA"):
//! - [`enqueue`] runs inside the caller's transaction (the administration's insert in
//!   [`crate::medicines::record`], the entered-in-error update in
//!   [`crate::administrations::mark_entered_in_error`], through [`enqueue_correction`],
//!   which queues a `D` only when the record's `A` was queued): the message exists
//!   exactly when the record does. It is built there, whole, and its MSH-10 (`control_id`, unique) is
//!   fixed there; every retry sends the same bytes.
//! - A message is marked `sent` only after an `AA` whose MSA-2 is its MSH-10. A crash
//!   between sending and that update leaves it `pending`: it is sent again, with the
//!   same MSH-10, which the EPR uses to drop the duplicate.
//! - Per patient (`partition_key` = NHS number) messages go in `id` order: a message is
//!   sent only when every earlier message of the patient is `sent`. An `AE`/`AR` answer
//!   puts the message in `held`: kept, counted, audited (`outbox.rejected`), shown by
//!   `bedside outbox list`, and it blocks that patient's later messages (a `D` must not
//!   overtake the `A` it corrects) until `bedside outbox retry ID` re-queues it.
//! - On PostgreSQL several instances send from one table. Each claims a message with
//!   `SELECT … FOR UPDATE SKIP LOCKED` in a transaction held open while the message is
//!   sent and its answer stored. A row lock rather than a lease column: it needs no
//!   clocks to agree, and it is released the moment an instance dies (its connection
//!   closes), so a crashed sender's message is free at once without waiting for a lease
//!   to run out. Another instance skips the locked message, and skips the patient's later
//!   messages because their predecessor is not `sent` — one sender per message, order
//!   kept. On SQLite one instance runs one sender, and no transaction is held during the
//!   network exchange (it would hold the database's one write lock).
//!
//! Failures (cannot connect, no answer within `ack_timeout_ms`, an answer that is not an
//! acknowledgement of this message) are retried with exponential backoff from
//! `retry_min_ms` to `retry_max_ms` with ±20% jitter; each is counted
//! (`bedside_outbox_retries_total`) and audited (`outbox.retry`). Ordinary logs carry the
//! outbox id and the MSH-10 only, never patient data.

use std::sync::Arc;
use std::time::Duration;

pub use bedside_orders::hl7_out::Action;
use bedside_orders::hl7_out::{self, Header};
use serde::Serialize;
use sqlx::Row;

use crate::db::{Backend, Db};
use crate::server::metrics::Metrics;

/// The outbox's name for the EPR (the `destination` column).
pub const EPR: &str = "epr";

/// Audit actor of the sender.
pub const ACTOR: &str = "outbox";

/// Where and how messages go to the EPR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epr {
    /// `host:port` of its MLLP listener.
    pub addr: String,
    /// MSH-3 to MSH-6.
    pub header: Header,
    /// Connect and acknowledgement timeout.
    pub ack_timeout: Duration,
    /// First retry delay.
    pub retry_min: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Idle polling interval.
    pub poll: Duration,
}

impl Epr {
    /// The EPR destination the configuration names, if any.
    #[must_use]
    pub fn from_config(cfg: &crate::config::Config) -> Option<Epr> {
        let addr = cfg.epr_mllp.clone()?;
        let e = &cfg.epr;
        Some(Epr {
            addr,
            header: Header {
                sending_application: e.sending_application.clone(),
                sending_facility: e.sending_facility.clone(),
                receiving_application: e.receiving_application.clone(),
                receiving_facility: e.receiving_facility.clone(),
            },
            ack_timeout: Duration::from_millis(e.ack_timeout_ms),
            retry_min: Duration::from_millis(e.retry_min_ms),
            retry_max: Duration::from_millis(e.retry_max_ms),
            poll: Duration::from_millis(e.poll_ms),
        })
    }
}

/// A message's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// To be sent (at or after `next_attempt_at`, after its patient's earlier messages).
    Pending,
    /// The receiver answered `AA`; never sent again.
    Sent,
    /// The receiver answered `AE` or `AR`: kept and blocking the patient's later
    /// messages until re-queued.
    Held,
}

impl State {
    /// `pending`, `sent` or `held`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sent => "sent",
            State::Held => "held",
        }
    }

    /// The state a name gives.
    #[must_use]
    pub fn parse(s: &str) -> Option<State> {
        match s {
            "pending" => Some(State::Pending),
            "sent" => Some(State::Sent),
            "held" => Some(State::Held),
            _ => None,
        }
    }
}

/// The first key of the outbox's per-patient advisory locks (`outb` in ASCII); the
/// two-key lock space is apart from the one-key locks of [`crate::db::lock_for_write`].
const OUTBOX_LOCK_CLASS: i32 = 0x6F75_7462;

/// The backend of a connection.
fn conn_backend(conn: &sqlx::AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgres")
        || conn.backend_name().eq_ignore_ascii_case("postgresql")
    {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// A new control id (MSH-10): `BS` and 16 random hex digits (18 characters, within
/// HL7 2.5's 20 for ST in MSH-10), unique in the table.
fn control_id() -> Result<String, sqlx::Error> {
    crate::crypto::random_hex(8)
        .map(|h| format!("BS{}", h.to_uppercase()))
        .map_err(|e| sqlx::Error::Protocol(format!("no random control id: {e}")))
}

/// Queues the `RAS^O17` for administration `administration_id` (RXA-21 from `action`)
/// inside the caller's transaction `conn`, built from the row as it is in that
/// transaction. Returns the outbox id.
///
/// # Errors
/// Database errors (the caller's transaction then rolls back with them).
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    epr: &Epr,
    administration_id: i64,
    action: Action,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let r = sqlx::query(
        "SELECT a.nhs_number, a.given_at, COALESCE(a.medicine_id, o.dmd_id, ''), COALESCE(a.medicine_name, ''), \
         a.dose_milli, COALESCE(a.dose_unit, o.dose_unit, ''), a.override_reason, a.staff_gsrn, s.name, \
         a.checker_gsrn, c.name, a.location_gln, a.location_ext, a.batch, a.expiry, \
         COALESCE(a.route, o.route, ''), COALESCE(o.number, a.order_id), COALESCE(o.namespace, ''), COALESCE(pt.family, ''), COALESCE(pt.given, '') \
         FROM administrations a \
         LEFT JOIN orders o ON o.id = a.order_id \
         LEFT JOIN patients pt ON pt.nhs_number = a.nhs_number \
         LEFT JOIN staff s ON s.gsrn = a.staff_gsrn \
         LEFT JOIN staff c ON c.gsrn = a.checker_gsrn \
         WHERE a.id = $1",
    )
    .bind(administration_id)
    .fetch_one(&mut *conn)
    .await?;
    let nhs: String = r.try_get(0)?;
    let checker: Option<String> = r.try_get(9)?;
    let gln: Option<String> = r.try_get(11)?;
    let expiry: Option<String> = r.try_get(14)?;
    let control = control_id()?;
    let message = hl7_out::Administration {
        control_id: control.clone(),
        message_at_ms: now,
        nhs_number: nhs.clone(),
        family_name: r.try_get(18)?,
        given_name: r.try_get(19)?,
        placer_number: r.try_get(16)?,
        placer_namespace: r.try_get(17)?,
        given_at_ms: r.try_get(1)?,
        medicine_code: r.try_get(2)?,
        medicine_name: r.try_get(3)?,
        amount_milli: r.try_get(4)?,
        unit: r.try_get(5)?,
        override_reason: r.try_get(6)?,
        given_by: hl7_out::Staff {
            gsrn: r.try_get(7)?,
            name: r.try_get(8)?,
        },
        checker: match checker {
            Some(gsrn) => Some(hl7_out::Staff {
                gsrn,
                name: r.try_get(10)?,
            }),
            None => None,
        },
        location: match gln {
            Some(gln) => Some(hl7_out::Location {
                gln,
                extension: r.try_get::<Option<String>, _>(12)?.unwrap_or_default(),
            }),
            None => None,
        },
        batch: r.try_get(13)?,
        expiry: expiry.as_deref().and_then(hl7_out::expiry_dt),
        route: r.try_get(15)?,
        action,
    };
    let payload = String::from_utf8_lossy(&hl7_out::ras_o17(&epr.header, &message)).into_owned();
    // Per patient, ids must follow commit order: the sender sends a message once every
    // lower id of its patient is sent, so a higher id committed before a lower one would
    // overtake it. On PostgreSQL a transaction-scoped lock on the patient, taken before
    // the id is drawn and held to commit, serialises this patient's enqueues (the callers
    // also hold the audit chain's tip lock by now, which does the same for everyone; this
    // lock does not rely on it). SQLite has one writer.
    if let Backend::Postgres = conn_backend(conn) {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1, hashtext($2))) AS l")
            .bind(OUTBOX_LOCK_CLASS)
            .bind(&nhs)
            .execute(&mut *conn)
            .await?;
    }
    let kind = match action {
        Action::Add => "administration",
        Action::Delete => "entered_in_error",
    };
    let id: i64 = sqlx::query(
        "INSERT INTO outbox (destination, partition_key, control_id, kind, administration_id, payload, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7) RETURNING id",
    )
    .bind(EPR)
    .bind(&nhs)
    .bind(&control)
    .bind(kind)
    .bind(administration_id)
    .bind(&payload)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(id)
}

/// Queues the RXA-21 `D` for administration `administration_id`, marked entered in
/// error in the caller's transaction `conn` — only when its `A` was queued for the EPR
/// (a record made while no EPR was configured was never sent, so there is nothing to
/// correct there). Returns the outbox id, if queued.
///
/// # Errors
/// Database errors.
pub async fn enqueue_correction(
    conn: &mut sqlx::AnyConnection,
    epr: &Epr,
    administration_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sent_before = sqlx::query(
        "SELECT 1 FROM outbox WHERE administration_id = $1 AND kind = 'administration' AND destination = $2",
    )
    .bind(administration_id)
    .bind(EPR)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    if !sent_before {
        return Ok(None);
    }
    enqueue(conn, epr, administration_id, Action::Delete, now)
        .await
        .map(Some)
}

/// One outbox row, as `bedside outbox list` shows it (no payload: it carries patient data).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// Outbox id.
    pub id: i64,
    /// `epr`.
    pub destination: String,
    /// `administration` (RXA-21 `A`) or `entered_in_error` (RXA-21 `D`).
    pub kind: String,
    /// The administration it reports.
    pub administration_id: i64,
    /// MSH-10.
    pub control_id: String,
    /// `pending`, `sent` or `held`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Next attempt (Unix ms) while pending.
    pub next_attempt_at: i64,
    /// The last acknowledgement code received (`AA`, `AE`, `AR`), if any.
    pub last_ack_code: Option<String>,
    /// The last failure or rejection text, if any.
    pub last_error: Option<String>,
    /// Queued at (Unix ms).
    pub created_at: i64,
    /// Accepted at (Unix ms).
    pub sent_at: Option<i64>,
}

const ENTRY_COLS: &str = "id, destination, kind, administration_id, control_id, state, attempts, next_attempt_at, last_ack_code, last_error, created_at, sent_at";

fn entry(r: &sqlx::any::AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        id: r.try_get(0)?,
        destination: r.try_get(1)?,
        kind: r.try_get(2)?,
        administration_id: r.try_get(3)?,
        control_id: r.try_get(4)?,
        state: r.try_get(5)?,
        attempts: r.try_get::<i64, _>(6)?,
        next_attempt_at: r.try_get(7)?,
        last_ack_code: r.try_get(8)?,
        last_error: r.try_get(9)?,
        created_at: r.try_get(10)?,
        sent_at: r.try_get(11)?,
    })
}

/// The outbox, oldest first, optionally of one state.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, state: Option<State>) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = match state {
        Some(s) => {
            sqlx::query(&format!(
                "SELECT {ENTRY_COLS} FROM outbox WHERE state = $1 ORDER BY id"
            ))
            .bind(s.as_str())
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query(&format!("SELECT {ENTRY_COLS} FROM outbox ORDER BY id"))
                .fetch_all(&db.pool)
                .await?
        }
    };
    rows.iter().map(entry).collect()
}

/// Why a message cannot be re-queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RetryError {
    /// No outbox message has this id.
    #[error("no outbox message has id {0}")]
    NotFound(i64),
    /// The receiver accepted it (AA): sending it again could only duplicate it.
    #[error("outbox message {0} was accepted by the receiver (AA) and is never sent again")]
    AlreadySent(i64),
}

/// Re-queues message `id` (pending or held) to be sent now; audited (`outbox.requeued`).
///
/// # Errors
/// Database errors; the inner [`RetryError`] for an unknown or sent message.
pub async fn retry(
    db: &Db,
    id: i64,
    actor: &str,
    now: i64,
) -> Result<Result<Entry, RetryError>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let changed = sqlx::query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND state <> 'sent'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let row = sqlx::query(&format!("SELECT {ENTRY_COLS} FROM outbox WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        let _ = tx.rollback().await;
        return Ok(Err(RetryError::NotFound(id)));
    };
    let e = entry(&row)?;
    if changed == 0 {
        let _ = tx.rollback().await;
        return Ok(Err(RetryError::AlreadySent(id)));
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "outbox.requeued",
        &serde_json::json!({"outbox_id": id, "control_id": e.control_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(e))
}

/// What the receiver did with one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `AA` for this MSH-10.
    Accepted,
    /// `AE`, `AR` (or `CE`, `CR`) for this MSH-10, with MSA-3's text.
    Rejected {
        /// The acknowledgement code.
        code: String,
        /// MSA-3 (may be empty).
        text: String,
    },
    /// No usable answer: not connected, timed out, closed, or not an acknowledgement of
    /// this message. Retried.
    Failed(String),
}

/// Sends one framed message to `addr` and reads one acknowledgement.
pub async fn exchange(addr: &str, payload: &[u8], control_id: &str, timeout: Duration) -> Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let frame = match bedside_pix::mllp::encode(payload) {
        Ok(f) => f,
        Err(e) => return Answer::Failed(format!("cannot frame: {e}")),
    };
    let mut stream = match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await
    {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Answer::Failed(format!("connect: {}", e.kind())),
        Err(_) => return Answer::Failed("connect: timed out".into()),
    };
    let read = async {
        stream.write_all(&frame).await?;
        let mut dec = bedside_pix::mllp::Decoder::new(bedside_pix::mllp::DEFAULT_MAX_FRAME);
        let mut buf = [0u8; 4096];
        loop {
            if let Some(f) = dec.pop() {
                return Ok::<_, std::io::Error>(Some(f));
            }
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(None);
            }
            dec.push(&buf[..n]);
        }
    };
    let frame = match tokio::time::timeout(timeout, read).await {
        Err(_) => return Answer::Failed("no acknowledgement within the timeout".into()),
        Ok(Err(e)) => return Answer::Failed(format!("connection: {}", e.kind())),
        Ok(Ok(None)) => {
            return Answer::Failed("connection closed without an acknowledgement".into());
        }
        Ok(Ok(Some(Err(e)))) => return Answer::Failed(format!("framing: {e}")),
        Ok(Ok(Some(Ok(f)))) => f,
    };
    read_ack(&frame, control_id)
}

/// Reads an acknowledgement frame for `control_id`.
///
/// ```
/// use bedside::outbox::{read_ack, Answer};
/// let ack = b"MSH|^~\\&|EPR|EPR|BEDSIDE|BEDSIDE|20250101000000||ACK^O17|A1|P|2.5\rMSA|AA|BS1\r";
/// assert_eq!(read_ack(ack, "BS1"), Answer::Accepted);
/// assert!(matches!(read_ack(ack, "BS2"), Answer::Failed(_)));
/// ```
#[must_use]
pub fn read_ack(frame: &[u8], control_id: &str) -> Answer {
    let msg = match bedside_pix::er7::Message::parse(frame) {
        Ok(m) => m,
        Err(e) => return Answer::Failed(format!("acknowledgement: {e}")),
    };
    let Some(msa) = msg.segment("MSA") else {
        return Answer::Failed("acknowledgement has no MSA segment".into());
    };
    let code = msa.field(1).as_str().to_owned();
    let acked = msa.field(2).text().unwrap_or_default();
    if acked != control_id {
        return Answer::Failed("acknowledgement for another message (MSA-2)".into());
    }
    match code.as_str() {
        "AA" => Answer::Accepted,
        "AE" | "AR" | "CE" | "CR" => Answer::Rejected {
            code,
            text: msa.field(3).text().unwrap_or_default().into_owned(),
        },
        _ => Answer::Failed(format!(
            "acknowledgement code {:?} is not AA, AE or AR",
            code.chars().take(4).collect::<String>()
        )),
    }
}

/// The delay before attempt `attempts + 1`, after `attempts` failures: `min · 2^(n-1)`,
/// capped at `max`, times a jitter factor in 0.8..=1.2 (`jitter` in 0..=1).
#[must_use]
pub fn backoff(epr: &Epr, attempts: i64, jitter: f64) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
    let base = epr
        .retry_min
        .saturating_mul(1u32 << exp.min(20))
        .min(epr.retry_max);
    base.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
        .min(epr.retry_max)
}

fn jitter() -> f64 {
    crate::crypto::random_hex(2)
        .ok()
        .and_then(|h| u16::from_str_radix(&h, 16).ok())
        .map_or(0.5, |v| f64::from(v) / f64::from(u16::MAX))
}

/// The oldest sendable message: pending, due, and every earlier message of its patient
/// sent. On PostgreSQL the row is locked (skipping rows other instances hold).
fn claim_sql(backend: Backend) -> String {
    let base = "SELECT o.id, o.control_id, o.payload, o.attempts FROM outbox o \
                WHERE o.state = 'pending' AND o.next_attempt_at <= $1 \
                AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.partition_key = o.partition_key AND p.id < o.id AND p.state <> 'sent') \
                ORDER BY o.id LIMIT 1";
    match backend {
        Backend::Postgres => format!("{base} FOR UPDATE OF o SKIP LOCKED"),
        Backend::Sqlite => base.to_owned(),
    }
}

/// Stores the answer of one attempt on message `id` in `conn` (and audits it there).
async fn settle(
    conn: &mut sqlx::AnyConnection,
    epr: &Epr,
    (id, control, attempts): (i64, &str, i64),
    answer: &Answer,
    now: i64,
) -> Result<(), sqlx::Error> {
    let attempts = attempts + 1;
    match answer {
        Answer::Accepted => {
            sqlx::query("UPDATE outbox SET state = 'sent', attempts = $1, last_ack_code = 'AA', last_error = NULL, sent_at = $2, updated_at = $2 WHERE id = $3")
                .bind(attempts)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Answer::Rejected { code, text } => {
            sqlx::query("UPDATE outbox SET state = 'held', attempts = $1, last_ack_code = $2, last_error = $3, updated_at = $4 WHERE id = $5")
                .bind(attempts)
                .bind(code)
                .bind(text)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            crate::audit::append_in(
                conn,
                ACTOR,
                "outbox.rejected",
                &serde_json::json!({"outbox_id": id, "control_id": control, "ack_code": code, "text": text, "attempt": attempts}),
            )
            .await?;
        }
        Answer::Failed(reason) => {
            let delay = backoff(epr, attempts, jitter());
            let next = now + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
            sqlx::query("UPDATE outbox SET attempts = $1, last_error = $2, next_attempt_at = $3, updated_at = $4 WHERE id = $5")
                .bind(attempts)
                .bind(reason)
                .bind(next)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            crate::audit::append_in(
                conn,
                ACTOR,
                "outbox.retry",
                &serde_json::json!({"outbox_id": id, "control_id": control, "attempt": attempts, "error": reason, "next_attempt_at": next}),
            )
            .await?;
        }
    }
    Ok(())
}

fn count(metrics: &Metrics, answer: &Answer) {
    match answer {
        Answer::Accepted => {
            metrics.inc("bedside_outbox_ack_total", "code", "AA");
            metrics.inc0("bedside_outbox_sent_total");
        }
        Answer::Rejected { code, .. } => metrics.inc("bedside_outbox_ack_total", "code", code),
        Answer::Failed(_) => metrics.inc0("bedside_outbox_retries_total"),
    }
}

/// Sends the oldest sendable message, if any; `Ok(false)` when there was none.
///
/// # Errors
/// Database errors (the message stays pending).
pub async fn send_next(db: &Db, epr: &Epr, metrics: &Metrics) -> Result<bool, sqlx::Error> {
    let now = crate::clock::now_ms();
    let sql = claim_sql(db.backend);
    let claimed = |r: &sqlx::any::AnyRow| -> Result<(i64, String, String, i64), sqlx::Error> {
        Ok((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get::<i64, _>(3)?,
        ))
    };
    match db.backend {
        Backend::Postgres => {
            let mut tx = db.pool.begin().await?;
            let Some(row) = sqlx::query(&sql).bind(now).fetch_optional(&mut *tx).await? else {
                tx.commit().await?;
                return Ok(false);
            };
            let (id, control, payload, attempts) = claimed(&row)?;
            let answer = exchange(&epr.addr, payload.as_bytes(), &control, epr.ack_timeout).await;
            log(id, &control, attempts, &answer);
            settle(
                &mut tx,
                epr,
                (id, &control, attempts),
                &answer,
                crate::clock::now_ms(),
            )
            .await?;
            tx.commit().await?;
            count(metrics, &answer);
        }
        Backend::Sqlite => {
            let Some(row) = sqlx::query(&sql).bind(now).fetch_optional(&db.pool).await? else {
                return Ok(false);
            };
            let (id, control, payload, attempts) = claimed(&row)?;
            let answer = exchange(&epr.addr, payload.as_bytes(), &control, epr.ack_timeout).await;
            log(id, &control, attempts, &answer);
            let mut tx = db.pool.begin().await?;
            settle(
                &mut tx,
                epr,
                (id, &control, attempts),
                &answer,
                crate::clock::now_ms(),
            )
            .await?;
            tx.commit().await?;
            count(metrics, &answer);
        }
    }
    Ok(true)
}

fn log(id: i64, control: &str, attempts: i64, answer: &Answer) {
    match answer {
        Answer::Accepted => {
            tracing::info!(outbox_id = id, control_id = control, "outbox: sent (AA)")
        }
        Answer::Rejected { code, .. } => tracing::warn!(
            outbox_id = id,
            control_id = control,
            ack = code.as_str(),
            "outbox: rejected by the receiver; held until `bedside outbox retry`"
        ),
        Answer::Failed(reason) => tracing::warn!(
            outbox_id = id,
            control_id = control,
            attempt = attempts + 1,
            error = reason.as_str(),
            "outbox: not acknowledged; will retry"
        ),
    }
}

/// Refreshes the gauges: unsent messages and the age of the oldest, seconds.
async fn gauges(db: &Db, metrics: &Metrics) -> Result<(), sqlx::Error> {
    let r = sqlx::query("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state <> 'sent'")
        .fetch_one(&db.pool)
        .await?;
    let n: i64 = r.try_get(0)?;
    let oldest: Option<i64> = r.try_get(1)?;
    metrics.set_gauge("bedside_outbox_unsent", n);
    metrics.set_gauge(
        "bedside_outbox_oldest_unsent_age_seconds",
        oldest.map_or(0, |t| (crate::clock::now_ms() - t).max(0) / 1000),
    );
    Ok(())
}

/// Starts the sender: sends while there is something to send, otherwise looks again every
/// `poll`. Runs until the runtime stops; a stop mid-send leaves the message pending (sent
/// again, same MSH-10).
pub fn spawn_sender(db: Db, epr: Arc<Epr>, metrics: Arc<Metrics>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_gauges = std::time::Instant::now()
            .checked_sub(Duration::from_secs(10))
            .unwrap_or_else(std::time::Instant::now);
        loop {
            if last_gauges.elapsed() >= Duration::from_secs(1) {
                let _ = gauges(&db, &metrics).await;
                last_gauges = std::time::Instant::now();
            }
            match send_next(&db, &epr, &metrics).await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(epr.poll).await,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: database error; the message stays queued");
                    tokio::time::sleep(epr.poll.max(Duration::from_secs(1))).await;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epr() -> Epr {
        Epr {
            addr: "127.0.0.1:1".into(),
            header: Header::default(),
            ack_timeout: Duration::from_secs(1),
            retry_min: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            poll: Duration::from_millis(100),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let e = epr();
        assert_eq!(backoff(&e, 1, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(&e, 2, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(&e, 4, 0.5), Duration::from_secs(8));
        assert_eq!(backoff(&e, 4, 0.0), Duration::from_millis(6400));
        assert_eq!(backoff(&e, 4, 1.0), Duration::from_millis(9600));
        assert_eq!(backoff(&e, 9, 0.5), Duration::from_secs(256));
        assert_eq!(backoff(&e, 10, 0.5), Duration::from_secs(300));
        assert_eq!(backoff(&e, 1000, 1.0), Duration::from_secs(300));
    }

    #[test]
    fn acknowledgements() {
        let ack = |code: &str, id: &str| {
            format!(
                "MSH|^~\\&|EPR|EPR|B|B|20250101000000||ACK|X|P|2.5\rMSA|{code}|{id}|bad \\F\\ thing\r"
            )
        };
        assert_eq!(
            read_ack(ack("AA", "BS1").as_bytes(), "BS1"),
            Answer::Accepted
        );
        assert_eq!(
            read_ack(ack("AE", "BS1").as_bytes(), "BS1"),
            Answer::Rejected {
                code: "AE".into(),
                text: "bad | thing".into()
            }
        );
        assert!(matches!(
            read_ack(ack("AR", "BS9").as_bytes(), "BS1"),
            Answer::Failed(_)
        ));
        assert!(matches!(
            read_ack(ack("ZZ", "BS1").as_bytes(), "BS1"),
            Answer::Failed(_)
        ));
        assert!(matches!(read_ack(b"garbage", "BS1"), Answer::Failed(_)));
    }

    #[test]
    fn states() {
        for s in [State::Pending, State::Sent, State::Held] {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("lost"), None);
    }
}
