//! Recorded administrations after the fact: correcting a record that should not have been
//! made (entered in error). A record is never deleted or changed otherwise; the correction
//! is kept beside it, audited in the same transaction, and the record then reads
//! `entered-in-error` everywhere (FHIR `MedicationAdministration.status`, the HL7 feed to
//! the EPR). Recording itself is [`crate::medicines::record`].
//!
//! Reading them back for the EPR: [`fhir_record`] and [`fhir_records_for`] give what
//! [`bedside_orders::fhir::write_medication_administration`] writes as FHIR.

use std::collections::HashMap;

use bedside_orders::fhir::{
    AdministeredMedicine, AdministeredRoute, AdministrationRecord, EnteredInErrorMark, StaffMember,
};
use bedside_orders::model::ROUTES_0162;
use bedside_ward::medicines::OverrideReason;
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
        "SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason, nhs_number FROM administrations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let _ = tx.rollback().await;
        return Ok(Err(MarkError::NotFound));
    };
    let nhs_number: String = row.try_get(3)?;
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
        &serde_json::json!({"administration_id": id, "nhs_number": nhs_number, "reason": reason}),
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

/// The columns [`record_from_row`] reads, for [`fhir_record`] and [`fhir_records_for`].
const RECORD_SELECT: &str = "SELECT a.id, a.order_id, a.nhs_number, a.given_at, a.updated_at, a.medicine_id, a.medicine_name, a.gtin, a.batch, a.expiry, a.dose_milli, a.dose_unit, a.route, a.staff_gsrn, g.name, a.checker_gsrn, c.name, a.override_reason, a.entered_in_error_at, a.entered_in_error_by, a.entered_in_error_reason FROM administrations a LEFT JOIN staff g ON g.gsrn = a.staff_gsrn LEFT JOIN staff c ON c.gsrn = a.checker_gsrn";

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<AdministrationRecord, sqlx::Error> {
    let medicine = match (
        row.try_get::<Option<String>, _>(5)?,
        row.try_get::<Option<String>, _>(6)?,
    ) {
        (Some(code), Some(name)) => Some(AdministeredMedicine { code, name }),
        _ => None,
    };
    let override_reason = row.try_get::<Option<String>, _>(17)?.map(|code| {
        let words =
            OverrideReason::parse(&code).map_or_else(|| code.clone(), |r| r.words().to_owned());
        (code, words)
    });
    let entered_in_error = match row.try_get::<Option<i64>, _>(18)? {
        Some(at) => Some(EnteredInErrorMark {
            at,
            by: row.try_get::<Option<String>, _>(19)?.unwrap_or_default(),
            reason: row.try_get::<Option<String>, _>(20)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(AdministrationRecord {
        id: row.try_get(0)?,
        order_id: row.try_get(1)?,
        nhs_number: row.try_get(2)?,
        given_at: row.try_get(3)?,
        updated_at: row.try_get(4)?,
        medicine,
        gtin: row.try_get(7)?,
        batch: row.try_get(8)?,
        expiry: row.try_get(9)?,
        dose_milli: row.try_get(10)?,
        dose_unit: row.try_get(11)?,
        route: row
            .try_get::<Option<String>, _>(12)?
            .map(|text| AdministeredRoute { text, snomed: None }),
        giver: StaffMember {
            gsrn: row.try_get(13)?,
            name: row.try_get(14)?,
        },
        checker: row
            .try_get::<Option<String>, _>(15)?
            .map(|gsrn| -> Result<StaffMember, sqlx::Error> {
                Ok(StaffMember {
                    gsrn,
                    name: row.try_get(16)?,
                })
            })
            .transpose()?,
        override_reason,
        entered_in_error,
    })
}

/// Fills in each record's route code: the SNOMED CT code whose dm+d `ROUTE` name is the
/// recorded route (the newest release that has it), else the HL7 table 0162 route of that
/// name; a route neither knows keeps only its text.
async fn route_codes(
    conn: &mut sqlx::AnyConnection,
    records: &mut [AdministrationRecord],
) -> Result<(), sqlx::Error> {
    let mut known: HashMap<String, Option<(String, String)>> = HashMap::new();
    for rec in records.iter_mut() {
        let Some(route) = rec.route.as_mut() else {
            continue;
        };
        let key = route.text.to_lowercase();
        if !known.contains_key(&key) {
            let found = sqlx::query("SELECT code, description FROM dmd_lookup WHERE tbl = 'ROUTE' AND LOWER(description) = $1 ORDER BY version DESC, code LIMIT 1")
                .bind(&key)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| -> Result<(String, String), sqlx::Error> { Ok((r.try_get(0)?, r.try_get(1)?)) })
                .transpose()?
                .or_else(|| {
                    ROUTES_0162
                        .iter()
                        .find(|(_, _, name)| name.to_lowercase() == key)
                        .map(|(_, code, name)| ((*code).to_owned(), (*name).to_owned()))
                });
            known.insert(key.clone(), found);
        }
        route.snomed = known.get(&key).cloned().flatten();
    }
    Ok(())
}

/// One administration record, for `GET /fhir/MedicationAdministration/{id}`; `None` when
/// no record has this id.
///
/// # Errors
/// Database errors.
pub async fn fhir_record(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<AdministrationRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("{RECORD_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut records = [record_from_row(&row)?];
    route_codes(conn, &mut records).await?;
    let [rec] = records;
    Ok(Some(rec))
}

/// A patient's administration records whose last change (`updated_at`, Unix ms) is in
/// `[from, to)`, in the order they were given (then by id), for
/// `GET /fhir/MedicationAdministration?patient.identifier=…&_lastUpdated=…`.
///
/// # Errors
/// Database errors.
pub async fn fhir_records_for(
    conn: &mut sqlx::AnyConnection,
    nhs_number: &str,
    from: i64,
    to: i64,
) -> Result<Vec<AdministrationRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{RECORD_SELECT} WHERE a.nhs_number = $1 AND a.updated_at >= $2 AND a.updated_at < $3 ORDER BY a.given_at, a.id"
    ))
    .bind(nhs_number)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let mut records = rows
        .iter()
        .map(record_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    route_codes(conn, &mut records).await?;
    Ok(records)
}
