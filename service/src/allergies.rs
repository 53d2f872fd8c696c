//! What the EPR says about a patient's allergies, stored. An HL7 AL1 set (in ADT or order
//! messages) replaces the HL7-sourced list; a "no known drug allergy" statement is stored
//! as such. A patient with no statement from any source has no `allergy_status` row:
//! "not recorded", never "none known".
//!
//! A FHIR `AllergyIntolerance` ([`put_fhir`]) stores one allergy under its resource id
//! (source `fhir`), or a "no known drug allergy" statement, or withdraws whatever the id
//! held (entered-in-error); the resource is kept in `allergy_resources` for `GET`.

use bedside_orders::fhir::{AllergyEntry, AllergyResource, write_allergy_intolerance};
use bedside_orders::model::{
    AllergyClinicalStatus, AllergyStatement, Criticality, SubstanceSystem,
};
use sqlx::{AnyConnection, Row};

/// `none_known` or `recorded`, the stored name of a statement.
#[must_use]
pub fn statement_name(s: &AllergyStatement) -> &'static str {
    match s {
        AllergyStatement::NoneKnown => "none_known",
        AllergyStatement::Allergies(_) => "recorded",
    }
}

fn clinical(s: AllergyClinicalStatus) -> &'static str {
    match s {
        AllergyClinicalStatus::Active => "active",
        AllergyClinicalStatus::Inactive => "inactive",
        AllergyClinicalStatus::Resolved => "resolved",
    }
}

fn criticality(c: Criticality) -> &'static str {
    match c {
        Criticality::Low => "low",
        Criticality::High => "high",
        Criticality::UnableToAssess => "unable-to-assess",
    }
}

fn system(s: SubstanceSystem) -> &'static str {
    match s {
        SubstanceSystem::Dmd => "dmd",
        SubstanceSystem::Snomed => "snomed",
    }
}

/// Replaces the patient's HL7-sourced allergies with `statement`, in the caller's
/// transaction, and records the statement as the patient's allergy status.
///
/// # Errors
/// Database errors.
pub async fn replace_hl7(
    conn: &mut AnyConnection,
    nhs_number: &str,
    statement: &AllergyStatement,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM allergies WHERE nhs_number = $1 AND source = 'hl7'")
        .bind(nhs_number)
        .execute(&mut *conn)
        .await?;
    if let AllergyStatement::Allergies(list) = statement {
        for a in list {
            let reactions = serde_json::to_string(&a.reactions).unwrap_or_else(|_| "[]".into());
            sqlx::query("INSERT INTO allergies (nhs_number, id, source, system, code, display, clinical_status, criticality, reactions, updated_at) VALUES ($1, $2, 'hl7', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (nhs_number, source, id) DO UPDATE SET system = excluded.system, code = excluded.code, display = excluded.display, clinical_status = excluded.clinical_status, criticality = excluded.criticality, reactions = excluded.reactions, updated_at = excluded.updated_at")
                .bind(nhs_number)
                .bind(&a.id)
                .bind(system(a.system))
                .bind(&a.code)
                .bind(a.display.as_deref())
                .bind(clinical(a.clinical_status))
                .bind(criticality(a.criticality))
                .bind(&reactions)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Allergies from another source still count: "none known" from HL7 does not erase a
    // FHIR-recorded allergy.
    let others: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) FROM allergies WHERE nhs_number = $1")
            .bind(nhs_number)
            .fetch_one(&mut *conn)
            .await?,
        0,
    )?;
    let status = if others > 0 {
        "recorded"
    } else {
        statement_name(statement)
    };
    sqlx::query("INSERT INTO allergy_status (nhs_number, status, source, updated_at) VALUES ($1, $2, 'hl7', $3) ON CONFLICT (nhs_number) DO UPDATE SET status = excluded.status, source = excluded.source, updated_at = excluded.updated_at")
        .bind(nhs_number)
        .bind(status)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What [`put_fhir`] did with the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No resource had this id.
    Created,
    /// The id's resource was replaced.
    Replaced,
    /// Entered-in-error: whatever the id held is gone (if it held anything).
    Removed,
}

impl Outcome {
    /// The audit name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Replaced => "replaced",
            Outcome::Removed => "removed",
        }
    }
}

/// The result of a stored FHIR `AllergyIntolerance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// What happened.
    pub outcome: Outcome,
    /// The resource as stored (for entered-in-error, the withdrawal as written back).
    pub resource: String,
}

/// Why [`put_fhir`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum AllergyError {
    /// No patient has the NHS number, or it was merged into another record.
    #[error("{0}")]
    Patient(&'static str),
    /// The dm+d code is no VTM, VMP, AMP or ingredient of the current release.
    #[error("not a dm+d VTM, VMP, AMP or ingredient id in the current release")]
    UnknownCode,
    /// A dm+d code cannot be checked: no release is loaded.
    #[error("no dm+d release is loaded: a dm+d substance cannot be checked")]
    NoCatalogue,
    /// "None known" while allergies are recorded for the patient.
    #[error("allergies are recorded for this patient; remove them first (entered-in-error)")]
    AllergiesRecorded,
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// The name of what a FHIR resource states, for the audit trail.
#[must_use]
pub fn entry_name(e: &AllergyEntry) -> &'static str {
    match e {
        AllergyEntry::Allergy(_) => "allergy",
        AllergyEntry::NoneKnown => "none_known",
        AllergyEntry::EnteredInError => "entered_in_error",
    }
}

/// The current dm+d id of a VTM, VMP, AMP or ingredient id (a previous id maps to its
/// current one), if the current release has it.
async fn current_dmd_id(conn: &mut AnyConnection, code: &str) -> Result<String, AllergyError> {
    let Some(version): Option<i64> =
        sqlx::query("SELECT version FROM catalogue_current WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
    else {
        return Err(AllergyError::NoCatalogue);
    };
    let mut id = code.to_owned();
    if let Some(r) = sqlx::query(
        "SELECT current FROM dmd_previous WHERE version = $1 AND previous = $2 AND kind IN ('vtm', 'vmp', 'ingredient')",
    )
    .bind(version)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?
    {
        id = r.try_get(0)?;
    }
    for (table, col) in [
        ("dmd_vtm", "vtmid"),
        ("dmd_vmp", "vpid"),
        ("dmd_amp", "apid"),
        ("dmd_ingredient", "isid"),
    ] {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {table} WHERE version = $1 AND {col} = $2"
        ))
        .bind(version)
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        if n > 0 {
            return Ok(id);
        }
    }
    Err(AllergyError::UnknownCode)
}

/// Sets the patient's allergy status from what is stored: `recorded` while any allergy
/// row remains, else `none_known` while a FHIR "none known" resource remains (or HL7
/// said none known), else no row: not recorded.
async fn refresh_status(
    conn: &mut AnyConnection,
    nhs_number: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let rows: i64 = sqlx::query("SELECT COUNT(*) FROM allergies WHERE nhs_number = $1")
        .bind(nhs_number)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let none_known: i64 = sqlx::query(
        "SELECT COUNT(*) FROM allergy_resources WHERE nhs_number = $1 AND kind = 'none_known'",
    )
    .bind(nhs_number)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let status = if rows > 0 {
        "recorded"
    } else if none_known > 0 {
        "none_known"
    } else {
        // An HL7 "none known" stands until HL7 says otherwise; anything else lapses to
        // "not recorded".
        sqlx::query(
            "DELETE FROM allergy_status WHERE nhs_number = $1 AND NOT (source = 'hl7' AND status = 'none_known')",
        )
        .bind(nhs_number)
        .execute(&mut *conn)
        .await?;
        return Ok(());
    };
    // A status that already holds keeps its source: HL7's "none known" stays HL7's, so
    // it still stands when a FHIR "none known" is withdrawn.
    sqlx::query("INSERT INTO allergy_status (nhs_number, status, source, updated_at) VALUES ($1, $2, 'fhir', $3) ON CONFLICT (nhs_number) DO UPDATE SET status = excluded.status, source = excluded.source, updated_at = excluded.updated_at WHERE allergy_status.status <> excluded.status")
        .bind(nhs_number)
        .bind(status)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores a FHIR `AllergyIntolerance` in the caller's transaction (the caller serialises
/// writers of one id): an allergy replaces the id's row (a dm+d code is checked against,
/// and stored as, the current release's id; a SNOMED code is stored as given); "none
/// known" is refused while the patient has any allergy; entered-in-error removes the id's
/// row and resource. The patient's `allergy_status` follows (see [`refresh_status`]).
///
/// # Errors
/// [`AllergyError`]; nothing is written on a refusal.
pub async fn put_fhir(
    conn: &mut AnyConnection,
    res: &AllergyResource,
    now: i64,
) -> Result<Stored, AllergyError> {
    let patient = sqlx::query("SELECT merged_into FROM patients WHERE nhs_number = $1")
        .bind(&res.nhs_number)
        .fetch_optional(&mut *conn)
        .await?;
    match patient {
        None => {
            return Err(AllergyError::Patient(
                "unknown patient: no record has this NHS number",
            ));
        }
        Some(r) if r.try_get::<Option<String>, _>(0)?.is_some() => {
            return Err(AllergyError::Patient(
                "this NHS number was merged into another record: send the allergy for the surviving number",
            ));
        }
        Some(_) => {}
    }
    let mut stated = res.clone();
    if let AllergyEntry::Allergy(a) = &mut stated.statement {
        if a.system == SubstanceSystem::Dmd {
            a.code = current_dmd_id(conn, &a.code).await?;
        }
        a.id.clone_from(&res.id);
    }
    let previous: Option<String> =
        sqlx::query("SELECT nhs_number FROM allergy_resources WHERE id = $1")
            .bind(&res.id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
    if stated.statement == AllergyEntry::NoneKnown {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM allergies WHERE nhs_number = $1")
            .bind(&res.nhs_number)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if n > 0 {
            return Err(AllergyError::AllergiesRecorded);
        }
    }
    // The id's earlier state goes, wherever (for whichever patient) it was.
    sqlx::query("DELETE FROM allergies WHERE source = 'fhir' AND id = $1")
        .bind(&res.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM allergy_resources WHERE id = $1")
        .bind(&res.id)
        .execute(&mut *conn)
        .await?;
    let resource = write_allergy_intolerance(&stated).to_string();
    let kind = match &stated.statement {
        AllergyEntry::Allergy(a) => {
            let reactions = serde_json::to_string(&a.reactions).unwrap_or_else(|_| "[]".into());
            sqlx::query("INSERT INTO allergies (nhs_number, id, source, system, code, display, clinical_status, criticality, reactions, updated_at) VALUES ($1, $2, 'fhir', $3, $4, $5, $6, $7, $8, $9)")
                .bind(&res.nhs_number)
                .bind(&res.id)
                .bind(system(a.system))
                .bind(&a.code)
                .bind(a.display.as_deref())
                .bind(clinical(a.clinical_status))
                .bind(criticality(a.criticality))
                .bind(&reactions)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            Some("allergy")
        }
        AllergyEntry::NoneKnown => Some("none_known"),
        AllergyEntry::EnteredInError => None,
    };
    if let Some(kind) = kind {
        sqlx::query("INSERT INTO allergy_resources (id, nhs_number, kind, resource, updated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&res.id)
            .bind(&res.nhs_number)
            .bind(kind)
            .bind(&resource)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    refresh_status(conn, &res.nhs_number, now).await?;
    if let Some(old) = previous.as_deref().filter(|o| *o != res.nhs_number) {
        refresh_status(conn, old, now).await?;
    }
    let outcome = match (kind, previous) {
        (None, _) => Outcome::Removed,
        (Some(_), None) => Outcome::Created,
        (Some(_), Some(_)) => Outcome::Replaced,
    };
    Ok(Stored { outcome, resource })
}

/// The stored FHIR `AllergyIntolerance` with this id, if any.
///
/// # Errors
/// Database errors.
pub async fn fhir_resource(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT resource FROM allergy_resources WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}
