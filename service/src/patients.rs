//! The patient record as the service stores it: the reads that are not identification's
//! own (which reads record and index in one statement, see [`crate::identify`]).

use sqlx::Row;

use crate::db::Db;

/// A patient's record and their active hospital numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRecord {
    /// Family name as recorded.
    pub family: String,
    /// Given name as recorded.
    pub given: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// ISO 5218 sex code, if recorded.
    pub sex: Option<String>,
    /// The NHS number this record was merged into, if it was.
    pub merged_into: Option<String>,
    /// Active hospital numbers linked to the NHS number, in order.
    pub active_mrns: Vec<String>,
}

/// Reads the record of an NHS number (10 digits), or `None` when there is none.
///
/// # Errors
/// Database errors (an unreadable row is an error, never a record without it).
pub async fn read(db: &Db, nhs_number: &str) -> Result<Option<PatientRecord>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT family, given, birth_date, sex, merged_into FROM patients WHERE nhs_number = $1",
    )
    .bind(nhs_number)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let active_mrns = sqlx::query(
        "SELECT value FROM identifiers WHERE domain = 'mrn' AND nhs_number = $1 AND status = 'active' ORDER BY value",
    )
    .bind(nhs_number)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(PatientRecord {
        family: row.try_get(0)?,
        given: row.try_get(1)?,
        birth_date: row.try_get(2)?,
        sex: row.try_get(3)?,
        merged_into: row.try_get(4)?,
        active_mrns,
    }))
}
