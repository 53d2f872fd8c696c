//! What the EPR says about a patient's allergies, stored. An HL7 AL1 set (in ADT or order
//! messages) replaces the HL7-sourced list; a "no known drug allergy" statement is stored
//! as such. A patient with no statement from any source has no `allergy_status` row:
//! "not recorded", never "none known".

use bedside_orders::model::{
    AllergyClinicalStatus, AllergyStatement, Criticality, SubstanceSystem,
};
use sqlx::AnyConnection;

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
