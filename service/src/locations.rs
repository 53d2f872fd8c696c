//! The locations register: the places (GLN, AI 414, with the optional extension AI 254)
//! a location scan may name, where they are (site, ward, bed), and whether they are in
//! use. The medicines check reads it on every scan ([`crate::medicines::load`], no cache):
//! a place that is not registered, or deactivated, is the warning `unknown_location` at
//! once on every instance.
//!
//! Rows are never deleted: `DELETE /v1/locations/{gln}[/{extension}]` and an import that
//! leaves a place out deactivate it, so the locations the audit trail names keep their
//! meaning.
//!
//! `bedside import locations FILE.csv` ([`parse_csv`], [`import`]) **replaces** the
//! register, like `bedside import staff` and for the same reason: the file is the estates
//! export of every place in use, and a closed bay left out of it must stop being accepted.
//! Checked whole before anything is written; one transaction; one audit row
//! (`locations.imported`) with the counts.

use bedside_gs1::keys::{Gln, KeyError};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::Db;
use crate::import::LineError;

/// The header of `bedside import locations`.
pub const HEADER: &str = "gln,extension,site,ward,bed,active";
/// Longest extension (AI 254 is `X..20`).
pub const MAX_EXTENSION: usize = 20;
/// Longest site or ward (characters).
pub const MAX_PLACE: usize = 100;
/// Longest bed (characters).
pub const MAX_BED: usize = 20;

/// One checked register entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationEntry {
    /// GLN (13 digits, check digit verified).
    pub gln: String,
    /// GLN extension (AI 254), empty for the GLN alone.
    pub extension: String,
    /// Site (hospital or ODS site code).
    pub site: String,
    /// Ward (or department), may be empty for a whole site.
    pub ward: String,
    /// Bed, bay or room, may be empty.
    pub bed: String,
    /// Whether scans of it are accepted.
    pub active: bool,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationRow {
    /// GLN.
    pub gln: String,
    /// Extension, or empty.
    pub extension: String,
    /// Site.
    pub site: String,
    /// Ward.
    pub ward: String,
    /// Bed.
    pub bed: String,
    /// Whether scans of it are accepted.
    pub active: bool,
    /// Last change, Unix ms (0: before migration 0011).
    pub updated_at: i64,
}

/// Why an entry is not acceptable (each names its rule, never the data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// Not a 13-digit GLN with a correct GS1 check digit.
    #[error("gln is not a GLN: {0}")]
    Gln(KeyError),
    /// Too long or outside the GS1 character set 82.
    #[error(
        "extension must be empty or up to {MAX_EXTENSION} characters of the GS1 character set 82"
    )]
    Extension,
    /// Empty, too long or control characters.
    #[error("site must be 1 to {MAX_PLACE} characters without control characters")]
    Site,
    /// Too long or control characters.
    #[error("ward must be at most {MAX_PLACE} characters without control characters")]
    Ward,
    /// Too long or control characters.
    #[error("bed must be at most {MAX_BED} characters without control characters")]
    Bed,
    /// Not `true` or `false`.
    #[error("active must be true or false")]
    Active,
}

/// Parses a GLN (13 digits, check digit verified).
///
/// # Errors
/// [`EntryError::Gln`].
pub fn gln(s: &str) -> Result<Gln, EntryError> {
    Gln::parse(s.trim()).map_err(EntryError::Gln)
}

/// Checks an extension: empty, or 1 to 20 characters of the GS1 character set 82 (what
/// AI 254 may carry, so what a scan can name).
///
/// # Errors
/// [`EntryError::Extension`].
pub fn extension(s: &str) -> Result<String, EntryError> {
    if s.is_empty() {
        return Ok(String::new());
    }
    if s.len() > MAX_EXTENSION || bedside_gs1::Linter::Cset82.check(s.as_bytes()).is_err() {
        return Err(EntryError::Extension);
    }
    Ok(s.to_owned())
}

/// Checks one entry's fields.
///
/// # Errors
/// The first rule broken, in column order.
pub fn entry(
    g: &str,
    ext: &str,
    site: &str,
    ward: &str,
    bed: &str,
    active: bool,
) -> Result<LocationEntry, EntryError> {
    let g = gln(g)?;
    let extension = extension(ext.trim())?;
    let (site, ward, bed) = (site.trim(), ward.trim(), bed.trim());
    if site.is_empty() || !crate::import::plain_text(site, MAX_PLACE) {
        return Err(EntryError::Site);
    }
    if !crate::import::plain_text(ward, MAX_PLACE) {
        return Err(EntryError::Ward);
    }
    if !crate::import::plain_text(bed, MAX_BED) {
        return Err(EntryError::Bed);
    }
    Ok(LocationEntry {
        gln: g.as_str().to_owned(),
        extension,
        site: site.to_owned(),
        ward: ward.to_owned(),
        bed: bed.to_owned(),
        active,
    })
}

/// Parses and checks a whole `bedside import locations` file
/// (`gln,extension,site,ward,bed,active`): GLN check digit, extension, site, ward, bed,
/// `active` `true`/`false`, each (GLN, extension) once.
///
/// # Errors
/// Every faulty line (or the header), each naming the line and the rule.
pub fn parse_csv(text: &str) -> Result<Vec<LocationEntry>, Vec<LineError>> {
    let mut errors = Vec::new();
    let rows = crate::import::register_rows(text, HEADER, &mut errors);
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, f) in rows {
        let checked = crate::import::active_flag(&f[5])
            .ok_or(EntryError::Active)
            .and_then(|active| entry(&f[0], &f[1], &f[2], &f[3], &f[4], active));
        match checked {
            Err(e) => errors.push(LineError {
                line,
                error: e.to_string(),
            }),
            Ok(e) => match seen.insert((e.gln.clone(), e.extension.clone()), line) {
                Some(first) => errors.push(LineError {
                    line,
                    error: format!("gln and extension are already on line {first}"),
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
    pub locations: u64,
    /// Places new to the register.
    pub created: u64,
    /// Places whose row changed.
    pub updated: u64,
    /// Places already exactly as the file says.
    pub unchanged: u64,
    /// Active places absent from the file, now deactivated.
    pub deactivated: u64,
}

const COLS: &str = "gln, extension, site, ward, bed, active, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<LocationRow, sqlx::Error> {
    Ok(LocationRow {
        gln: r.try_get(0)?,
        extension: r.try_get(1)?,
        site: r.try_get(2)?,
        ward: r.try_get(3)?,
        bed: r.try_get(4)?,
        active: r.try_get::<i64, _>(5)? != 0,
        updated_at: r.try_get(6)?,
    })
}

fn same(row: &LocationRow, e: &LocationEntry) -> bool {
    row.site == e.site && row.ward == e.ward && row.bed == e.bed && row.active == e.active
}

/// The label kept in `locations.name`: site, ward and bed as people say them
/// (`Demo Hospital, Ward 7, bed 1`).
#[must_use]
pub fn label(e: &LocationEntry) -> String {
    let bed = (!e.bed.is_empty()).then(|| format!("bed {}", e.bed));
    [Some(e.site.clone()), Some(e.ward.clone()), bed]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn lock_key() -> i64 {
    crate::db::lock_key("register:locations")
}

async fn upsert(
    conn: &mut sqlx::AnyConnection,
    e: &LocationEntry,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO locations (gln, extension, name, site, ward, bed, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (gln, extension) DO UPDATE SET name = excluded.name, site = excluded.site, ward = excluded.ward, bed = excluded.bed, active = excluded.active, updated_at = excluded.updated_at")
        .bind(&e.gln)
        .bind(&e.extension)
        .bind(label(e))
        .bind(&e.site)
        .bind(&e.ward)
        .bind(&e.bed)
        .bind(i64::from(e.active))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replaces the register with `entries` (from [`parse_csv`]) in one transaction (see the
/// module documentation). One audit row `locations.imported` with the counts.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn import(
    db: &Db,
    entries: &[LocationEntry],
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
    entries: &[LocationEntry],
    actor: &str,
    now: i64,
) -> Result<ImportSummary, sqlx::Error> {
    crate::db::lock_for_write(&mut *tx, backend, lock_key()).await?;
    let existing: std::collections::HashMap<(String, String), LocationRow> =
        sqlx::query(&format!("SELECT {COLS} FROM locations"))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| from_row(r).map(|l| ((l.gln.clone(), l.extension.clone()), l)))
            .collect::<Result<_, _>>()?;
    let mut s = ImportSummary {
        locations: entries.len() as u64,
        created: 0,
        updated: 0,
        unchanged: 0,
        deactivated: 0,
    };
    let mut in_file = std::collections::HashSet::new();
    for e in entries {
        let key = (e.gln.clone(), e.extension.clone());
        match existing.get(&key) {
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
        in_file.insert(key);
    }
    for (key, row) in &existing {
        if row.active && !in_file.contains(key) {
            sqlx::query(
                "UPDATE locations SET active = 0, updated_at = $1 WHERE gln = $2 AND extension = $3",
            )
            .bind(now)
            .bind(&row.gln)
            .bind(&row.extension)
            .execute(&mut *tx)
            .await?;
            s.deactivated += 1;
        }
    }
    crate::audit::append_in(&mut *tx, actor, "locations.imported", &s).await?;
    Ok(s)
}

/// Every row (or only the active or inactive ones), by GLN and extension.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, active: Option<bool>) -> Result<Vec<LocationRow>, sqlx::Error> {
    let rows = match active {
        None => {
            sqlx::query(&format!(
                "SELECT {COLS} FROM locations ORDER BY gln, extension"
            ))
            .fetch_all(&db.pool)
            .await?
        }
        Some(a) => {
            sqlx::query(&format!(
                "SELECT {COLS} FROM locations WHERE active = $1 ORDER BY gln, extension"
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
pub async fn get(db: &Db, gln: &str, extension: &str) -> Result<Option<LocationRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLS} FROM locations WHERE gln = $1 AND extension = $2"
    ))
    .bind(gln)
    .bind(extension)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Creates or replaces one row (`PUT /v1/locations/{gln}[/{extension}]`), audited
/// `locations.put` with the actor when it changed. Returns the row and whether it was
/// created.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn put(
    db: &Db,
    e: &LocationEntry,
    actor: &str,
    now: i64,
) -> Result<(LocationRow, bool), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(&mut tx, db.backend, lock_key()).await?;
    let before = sqlx::query(&format!(
        "SELECT {COLS} FROM locations WHERE gln = $1 AND extension = $2"
    ))
    .bind(&e.gln)
    .bind(&e.extension)
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
                "locations.put",
                &json!({
                    "gln": e.gln,
                    "extension": e.extension,
                    "site": e.site,
                    "ward": e.ward,
                    "bed": e.bed,
                    "active": e.active,
                    "created": created,
                }),
            )
            .await?;
            LocationRow {
                gln: e.gln.clone(),
                extension: e.extension.clone(),
                site: e.site.clone(),
                ward: e.ward.clone(),
                bed: e.bed.clone(),
                active: e.active,
                updated_at: now,
            }
        }
    };
    tx.commit().await?;
    Ok((row, created))
}

/// Deactivates a place (never deletes), audited `locations.deactivated` with the actor
/// when it was active. `None` when no row has it.
///
/// # Errors
/// Database errors; nothing is written then.
pub async fn deactivate(
    db: &Db,
    gln: &str,
    extension: &str,
    actor: &str,
    now: i64,
) -> Result<Option<LocationRow>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    crate::db::lock_for_write(&mut tx, db.backend, lock_key()).await?;
    let changed = sqlx::query(
        "UPDATE locations SET active = 0, updated_at = $1 WHERE gln = $2 AND extension = $3 AND active = 1",
    )
    .bind(now)
    .bind(gln)
    .bind(extension)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed > 0 {
        crate::audit::append_in(
            &mut tx,
            actor,
            "locations.deactivated",
            &json!({ "gln": gln, "extension": extension }),
        )
        .await?;
    }
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM locations WHERE gln = $1 AND extension = $2"
    ))
    .bind(gln)
    .bind(extension)
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

    const GLN: &str = "9520000000004";

    #[test]
    fn every_rule_names_its_line() {
        let good = format!(
            "{HEADER}\n{GLN},WARD7-BED1,Demo Hospital,Ward 7,1,true\n{GLN},,Demo Hospital,,,false\n"
        );
        let rows = parse_csv(&good).unwrap();
        assert_eq!(label(&rows[0]), "Demo Hospital, Ward 7, bed 1");
        assert_eq!(rows[1].extension, "");
        assert!(!rows[1].active);
        let long = "X".repeat(21);
        let cases = [
            ("9520000000005,,S,W,1,true", "check digit"),
            (&format!("{GLN},{long},S,W,1,true"), "extension"),
            (&format!("{GLN},BED 1,S,W,1,true"), "extension"),
            (&format!("{GLN},B1,,W,1,true"), "site"),
            (&format!("{GLN},B1,S,W,1,maybe"), "active must be"),
            (&format!("{GLN},B1,S,W,true"), "missing column active"),
        ];
        for (line, rule) in cases {
            let errs = parse_csv(&format!("{HEADER}\n{line}\n")).unwrap_err();
            assert_eq!(errs.len(), 1, "{line}");
            assert_eq!(errs[0].line, 2, "{line}");
            assert!(errs[0].error.contains(rule), "{line}: {}", errs[0].error);
        }
        let dup = format!("{HEADER}\n{GLN},B1,S,W,1,true\n{GLN},B1,S,W,2,true\n");
        let errs = parse_csv(&dup).unwrap_err();
        assert_eq!(
            (errs[0].line, errs[0].error.as_str()),
            (3, "gln and extension are already on line 2")
        );
    }
}
