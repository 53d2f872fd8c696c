//! Recorded administrations after the fact: correcting a record that should not have been
//! made (entered in error). A record is never deleted or changed otherwise; the correction
//! is kept beside it, audited in the same transaction, and the record then reads
//! `entered-in-error` everywhere (FHIR `MedicationAdministration.status`, the HL7 feed to
//! the EPR). Recording itself is [`crate::medicines::record`].

use sqlx::Row;

/// The longest reason accepted, in characters.
pub const REASON_MAX_CHARS: usize = 500;

/// A record marked entered in error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredInError {
    /// The administration's id.
    pub administration_id: i64,
    /// When it was marked (Unix ms).
    pub at: i64,
    /// Who marked it (the audit actor).
    pub by: String,
    /// Why, in the words of the person who marked it.
    pub reason: String,
    /// True when it was already marked before this request (the first marking stands).
    pub already: bool,
}

/// Why a record cannot be marked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MarkError {
    /// No administration has this id.
    #[error("no administration has this id")]
    NotFound,
    /// The reason is empty (after trimming) or longer than [`REASON_MAX_CHARS`].
    #[error("reason: give why the record is wrong, 1 to {REASON_MAX_CHARS} characters")]
    Reason,
}

/// Marks administration `id` entered in error, with `reason`, as `actor` at `now`: the
/// change and its audit row (`administration.entered_in_error`) commit together. A second
/// marking changes nothing and answers the first (`already`), so a retried request is
/// harmless.
///
/// # Errors
/// Database failures; the inner [`MarkError`] for an unknown id or an unusable reason.
pub async fn mark_entered_in_error(
    db: &crate::db::Db,
    id: i64,
    reason: &str,
    actor: &str,
    now: i64,
) -> Result<Result<EnteredInError, MarkError>, sqlx::Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Ok(Err(MarkError::Reason));
    }
    let mut tx = db.pool.begin().await?;
    // The conditional update is the lock: of two concurrent markings one changes the row,
    // the other then reads the first's marking.
    let changed = sqlx::query(
        "UPDATE administrations SET entered_in_error_at = $1, entered_in_error_by = $2, entered_in_error_reason = $3, updated_at = $1 WHERE id = $4 AND entered_in_error_at IS NULL",
    )
    .bind(now)
    .bind(actor)
    .bind(reason)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let row = sqlx::query(
        "SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason FROM administrations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let _ = tx.rollback().await;
        return Ok(Err(MarkError::NotFound));
    };
    let marked = EnteredInError {
        administration_id: id,
        at: row.try_get::<Option<i64>, _>(0)?.unwrap_or(now),
        by: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
        reason: row.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
        already: changed == 0,
    };
    if marked.already {
        let _ = tx.rollback().await;
        return Ok(Ok(marked));
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "administration.entered_in_error",
        &serde_json::json!({"administration_id": id, "reason": reason}),
    )
    .await?;
    // The EPR hears of the correction (RXA-21 `D`) from the outbox, after the `A` — if
    // the `A` was queued for it at all.
    if let Some(epr) = db.epr() {
        crate::outbox::enqueue_correction(&mut tx, epr, id, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(marked))
}
