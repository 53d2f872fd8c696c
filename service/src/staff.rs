//! The staff register: who a badge (GSRN, AI 8017) belongs to, their professional role and
//! registration number, and whether the badge may be used. The medicines check reads it
//! on every scan ([`crate::medicines::load`], no cache), so a badge deactivated here is
//! `unknown_staff` at once on every instance.
//!
//! Rows are never deleted: `DELETE /v1/staff/{gsrn}` and an import that leaves a badge out
//! deactivate it, so the GSRNs the audit trail names keep their meaning.
//!
//! `bedside import staff FILE.csv` ([`parse_csv`], [`import`]) **replaces** the register:
//! the file is the whole list of valid badges (an HR or badge-office export), so a badge
//! absent from it is deactivated. A leaver left out of the file must stop working; an
//! upsert would keep every leaver's badge valid until someone remembered to remove it.
//! Every row is checked before anything is written; one transaction; one audit row
//! (`staff.imported`) with the counts. `PUT`/`DELETE` ([`put`], [`deactivate`]) correct
//! single rows between imports (audited `staff.put`, `staff.deactivated`).

use bedside_gs1::keys::{Gsrn, KeyError};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::Db;
use crate::import::LineError;
pub use bedside_ward::access::StaffRole;

/// The header of `bedside import staff`.
pub const HEADER: &str = "badge_gsrn,display_name,role,professional_id,active";
/// Longest display name (characters).
pub const MAX_NAME: usize = 100;
/// Longest professional registration number (letters and digits).
pub const MAX_PROFESSIONAL_ID: usize = 20;

/// One checked register entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEntry {
    /// The badge's GSRN (18 digits, check digit verified).
    pub gsrn: String,
    /// The name the ward sees (chart "given by", audit views).
    pub display_name: String,
    /// Professional role.
    pub role: StaffRole,
    /// NMC PIN, GPhC or GMC number; empty when none.
    pub professional_id: String,
    /// Whether the badge may be used.
    pub active: bool,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffRow {
    /// GSRN.
    pub gsrn: String,
    /// Display name.
    pub display_name: String,
    /// Role name (a [`StaffRole`] name for every row written since migration 0011).
    pub role: String,
    /// Professional registration number, or empty.
    pub professional_id: String,
    /// Whether the badge may be used.
    pub active: bool,
    /// Last change, Unix ms (0: before migration 0011).
    pub updated_at: i64,
}

/// Why an entry is not acceptable (each names its rule, never the data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// Not an 18-digit GSRN with a correct GS1 check digit.
    #[error("badge_gsrn is not a GSRN: {0}")]
    Gsrn(KeyError),
    /// Empty, too long or control characters.
    #[error("display_name must be 1 to {MAX_NAME} characters without control characters")]
    DisplayName,
    /// Not a known role.
    #[error("role must be one of: {}", StaffRole::NAMES.join(", "))]
    Role,
    /// Not letters and digits, or too long.
    #[error("professional_id must be empty or up to {MAX_PROFESSIONAL_ID} letters and digits")]
    ProfessionalId,
    /// Not `true` or `false`.
    #[error("active must be true or false")]
    Active,
}

/// Parses a GSRN (18 digits, check digit verified).
///
/// # Errors
/// [`EntryError::Gsrn`].
pub fn gsrn(s: &str) -> Result<Gsrn, EntryError> {
    Gsrn::parse(s.trim()).map_err(EntryError::Gsrn)
}

/// Checks one entry's fields.
///
/// # Errors
/// The first rule broken, in column order.
pub fn entry(
    badge: &str,
    display_name: &str,
    role: &str,
    professional_id: &str,
    active: bool,
) -> Result<StaffEntry, EntryError> {
    let g = gsrn(badge)?;
    let display_name = display_name.trim();
    if display_name.is_empty() || !crate::import::plain_text(display_name, MAX_NAME) {
        return Err(EntryError::DisplayName);
    }
    let role = StaffRole::parse(role.trim()).ok_or(EntryError::Role)?;
    let professional_id = professional_id.trim();
    if professional_id.len() > MAX_PROFESSIONAL_ID
        || !professional_id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(EntryError::ProfessionalId);
    }
    Ok(StaffEntry {
        gsrn: g.as_str().to_owned(),
        display_name: display_name.to_owned(),
        role,
        professional_id: professional_id.to_owned(),
        active,
    })
}

/// Parses and checks a whole `bedside import staff` file
/// (`badge_gsrn,display_name,role,professional_id,active`): every line is checked (GSRN
/// check digit, display name, role, professional id, `active` `true`/`false`, each badge
/// once) before anything can be written.
///
/// # Errors
/// Every faulty line (or the header), each naming the line and the rule.
pub fn parse_csv(text: &str) -> Result<Vec<StaffEntry>, Vec<LineError>> {
    let mut errors = Vec::new();
    let rows = crate::import::register_rows(text, HEADER, &mut errors);
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, f) in rows {
        let checked = crate::import::active_flag(&f[4])
            .ok_or(EntryError::Active)
            .and_then(|active| entry(&f[0], &f[1], &f[2], &f[3], active));
        match checked {
            Err(e) => errors.push(LineError {
                line,
                error: e.to_string(),
            }),
            Ok(e) => match seen.insert(e.gsrn.clone(), line) {
                Some(first) => errors.push(LineError {
                    line,
                    error: format!("badge_gsrn is already on line {first}"),
                }),
                None => out.push(e),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Rows in the file.
    pub staff: u64,
    /// Badges new to the register.
    pub created: u64,
    /// Badges whose row changed.
    pub updated: u64,
    /// Badges already exactly as the file says.
    pub unchanged: u64,
    /// Active badges absent from the file, now deactivated.
    pub deactivated: u64,
}

const COLS: &str = "gsrn, name, role, professional_id, active, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<StaffRow, sqlx::Error> {
    Ok(StaffRow {
        gsrn: r.try_get(0)?,
        display_name: r.try_get(1)?,
        role: r.try_get(2)?,
        professional_id: r.try_get(3)?,
        active: r.try_get::<i64, _>(4)? != 0,
        updated_at: r.try_get(5)?,
    })
}

fn same(row: &StaffRow, e: &StaffEntry) -> bool {
    row.display_name == e.display_name
        && row.role == e.role.as_str()
        && row.professional_id == e.professional_id
        && row.active == e.active
}

/// The key serialising writers of the register (import, PUT, DELETE) on PostgreSQL.
fn lock_key() -> i64 {
    crate::db::lock_key("register:staff")
}

async fn upsert(
    conn: &mut sqlx::AnyConnection,
    e: &StaffEntry,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO staff (gsrn, name, role, professional_id, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (gsrn) DO UPDATE SET name = excluded.name, role = excluded.role, professional_id = excluded.professional_id, active = excluded.active, updated_at = excluded.updated_at")
        .bind(&e.gsrn)
        .bind(&e.display_name)
        .bind(e.role.as_str())
        .bind(&e.professional_id)
        .bind(i64::from(e.active))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replaces the register with `entries` (from [`parse_csv`]) in one transaction: new
/// badges are created, changed ones updated, and active badges absent from the file
/// deactivated (never deleted). One audit row `staff.imported` with the counts.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn import(
    db: &Db,
    entries: &[StaffEntry],
    actor: &str,
    now: i64,
) -> Result<ImportSummary, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let s = import_in(&mut tx, db.backend, entries, actor, now).await?;
    tx.commit().await?;
    Ok(s)
}

/// [`import`] inside the caller's transaction (the demo seed).
///
/// # Errors
/// Database errors.
pub async fn import_in(
    tx: &mut sqlx::AnyConnection,
    backend: crate::db::Backend,
    entries: &[StaffEntry],
    actor: &str,
    now: i64,
) -> Result<ImportSummary, sqlx::Error> {
    crate::db::lock_for_write(&mut *tx, backend, lock_key()).await?;
    let existing: std::collections::HashMap<String, StaffRow> =
        sqlx::query(&format!("SELECT {COLS} FROM staff"))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| from_row(r).map(|s| (s.gsrn.clone(), s)))
            .collect::<Result<_, _>>()?;
    let mut s = ImportSummary {
        staff: entries.len() as u64,
        created: 0,
        updated: 0,
        unchanged: 0,
        deactivated: 0,
    };
    let mut in_file = std::collections::HashSet::new();
    for e in entries {
        in_file.insert(e.gsrn.as_str());
        match existing.get(&e.gsrn) {
            Some(row) if same(row, e) => s.unchanged += 1,
            Some(_) => {
                s.updated += 1;
                upsert(&mut *tx, e, now).await?;
            }
            None => {
                s.created += 1;
                upsert(&mut *tx, e, now).await?;
            }
        }
    }
    for row in existing.values() {
        if row.active && !in_file.contains(row.gsrn.as_str()) {
            sqlx::query("UPDATE staff SET active = 0, updated_at = $1 WHERE gsrn = $2")
                .bind(now)
                .bind(&row.gsrn)
                .execute(&mut *tx)
                .await?;
            s.deactivated += 1;
        }
    }
    crate::audit::append_in(&mut *tx, actor, "staff.imported", &s).await?;
    Ok(s)
}

/// Every row (or only the active or inactive ones), by GSRN.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, active: Option<bool>) -> Result<Vec<StaffRow>, sqlx::Error> {
    let rows = match active {
        None => {
            sqlx::query(&format!("SELECT {COLS} FROM staff ORDER BY gsrn"))
                .fetch_all(&db.pool)
                .await?
        }
        Some(a) => {
            sqlx::query(&format!(
                "SELECT {COLS} FROM staff WHERE active = $1 ORDER BY gsrn"
            ))
            .bind(i64::from(a))
            .fetch_all(&db.pool)
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// One row.
///
/// # Errors
/// Database errors.
pub async fn get(db: &Db, gsrn: &str) -> Result<Option<StaffRow>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLS} FROM staff WHERE gsrn = $1"))
        .bind(gsrn)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Whether `gsrn` is in the register and active (read now, no cache).
///
/// # Errors
/// Database errors.
pub async fn is_active(db: &Db, gsrn: &str) -> Result<bool, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    is_active_in(&mut conn, gsrn).await
}

/// [`is_active`] on the caller's connection (inside its transaction).
///
/// # Errors
/// Database errors.
pub async fn is_active_in(conn: &mut sqlx::AnyConnection, gsrn: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM staff WHERE gsrn = $1 AND active = 1")
        .bind(gsrn)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

/// Creates or replaces one row (`PUT /v1/staff/{gsrn}`), audited `staff.put` with the
/// actor. Returns the row and whether it was created.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn put(
    db: &Db,
    e: &StaffEntry,
    actor: &str,
    now: i64,
) -> Result<(StaffRow, bool), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(&mut tx, db.backend, lock_key()).await?;
    let before = sqlx::query(&format!("SELECT {COLS} FROM staff WHERE gsrn = $1"))
        .bind(&e.gsrn)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?;
    let created = before.is_none();
    let row = match before {
        Some(row) if same(&row, e) => row,
        _ => {
            upsert(&mut tx, e, now).await?;
            crate::audit::append_in(
                &mut tx,
                actor,
                "staff.put",
                &json!({
                    "gsrn": e.gsrn,
                    "display_name": e.display_name,
                    "role": e.role.as_str(),
                    "professional_id": e.professional_id,
                    "active": e.active,
                    "created": created,
                }),
            )
            .await?;
            StaffRow {
                gsrn: e.gsrn.clone(),
                display_name: e.display_name.clone(),
                role: e.role.as_str().to_owned(),
                professional_id: e.professional_id.clone(),
                active: e.active,
                updated_at: now,
            }
        }
    };
    tx.commit().await?;
    Ok((row, created))
}

/// Deactivates a badge (`DELETE /v1/staff/{gsrn}`; never deletes), audited
/// `staff.deactivated` with the actor when it was active. `None` when no row has it.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn deactivate(
    db: &Db,
    gsrn: &str,
    actor: &str,
    now: i64,
) -> Result<Option<StaffRow>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(&mut tx, db.backend, lock_key()).await?;
    let changed =
        sqlx::query("UPDATE staff SET active = 0, updated_at = $1 WHERE gsrn = $2 AND active = 1")
            .bind(now)
            .bind(gsrn)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed > 0 {
        crate::audit::append_in(
            &mut tx,
            actor,
            "staff.deactivated",
            &json!({ "gsrn": gsrn }),
        )
        .await?;
    }
    let row = sqlx::query(&format!("SELECT {COLS} FROM staff WHERE gsrn = $1"))
        .bind(gsrn)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?;
    tx.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: &str = "952000000000000019";

    #[test]
    fn every_rule_names_its_line() {
        let good = format!("{HEADER}\n{ADA},Ada Okafor,nurse,12A3456E,true\n");
        let rows = parse_csv(&good).unwrap();
        assert_eq!(rows[0].role, StaffRole::Nurse);
        assert!(rows[0].active);
        let cases = [
            ("952000000000000018,A,nurse,,true", "check digit"),
            (&format!("{ADA},,nurse,,true"), "display_name"),
            (&format!("{ADA},A,porter,,true"), "role must be"),
            (&format!("{ADA},A,nurse,12-34,true"), "professional_id"),
            (&format!("{ADA},A,nurse,,yes"), "active must be"),
            (&format!("{ADA},A,nurse,true"), "missing column active"),
        ];
        for (line, rule) in cases {
            let errs = parse_csv(&format!("{HEADER}\n\n{line}\n")).unwrap_err();
            assert_eq!(errs.len(), 1, "{line}");
            assert_eq!(errs[0].line, 3, "{line}");
            assert!(errs[0].error.contains(rule), "{line}: {}", errs[0].error);
        }
        let dup = format!("{HEADER}\n{ADA},A,nurse,,true\n{ADA},B,nurse,,false\n");
        let errs = parse_csv(&dup).unwrap_err();
        assert_eq!(
            (errs[0].line, errs[0].error.as_str()),
            (3, "badge_gsrn is already on line 2")
        );
        let errs = parse_csv(&format!("{HEADER}\n\n")).unwrap_err();
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].error.contains("no rows"), "{}", errs[0].error);
        let errs = parse_csv("badge_gsrn,display_name,professional_id,active\n").unwrap_err();
        assert!(
            errs[0].error.contains("missing column role"),
            "{}",
            errs[0].error
        );
    }
}
