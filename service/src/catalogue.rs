//! The medicines catalogue: NHSBSA dm+d releases loaded whole (`bedside import dmd`, in
//! [`crate::catalogue_import`]), the trust's own packs missing from dm+d (`bedside import
//! products`) and high-risk list (`bedside import high-risk`), and a scanned GTIN resolved
//! to the [`Product`] the medicines check judges.
//!
//! Resolution climbs GTIN → AMPP → AMP → VMP (→ VTM) in the current release only
//! (`catalogue_current`), so a check never sees half of a release. A local row wins over
//! dm+d for its GTIN and the answer says so. A GTIN that dm+d lists under two different
//! packs is not guessed between: it resolves to nothing, and the check refuses the pack.

use bedside_ward::medicines::{Product, ProductSource, Substance};
use sqlx::Row;

use crate::db::Db;

/// The dm+d concept a local pack row maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalLevel {
    /// An actual medicinal product pack (APPID).
    Ampp,
    /// An actual medicinal product (APID).
    Amp,
    /// A virtual medicinal product (VPID).
    Vmp,
}

impl LocalLevel {
    /// `ampp`, `amp` or `vmp`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LocalLevel::Ampp => "ampp",
            LocalLevel::Amp => "amp",
            LocalLevel::Vmp => "vmp",
        }
    }
}

/// The current release's version number and name, if any release was loaded.
///
/// # Errors
/// Database errors.
pub async fn current(db: &Db) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.version, r.release FROM catalogue_current c JOIN dmd_releases r ON r.version = c.version WHERE c.id = 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// The VMP-level facts of one pack, before strengths and routes are added.
struct Resolved {
    name: String,
    apid: Option<String>,
    vpid: String,
    vmp_name: String,
    vtmid: Option<String>,
    unit_dose_uom: Option<String>,
    invalid: bool,
    source: ProductSource,
}

/// The product a scanned GTIN-14 is, from the local list or the current dm+d release.
/// `None` when neither knows it, or dm+d lists it under more than one pack.
///
/// # Errors
/// Database errors.
pub async fn product_for_gtin(db: &Db, gtin: &str) -> Result<Option<Product>, sqlx::Error> {
    // Without a dm+d release even a local row cannot be resolved to a medicine.
    let Some((version, release)) = current(db).await? else {
        return Ok(None);
    };
    let resolved = match local(db, version, gtin).await? {
        Some(r) => Some(r),
        None => from_dmd(db, version, &release, gtin).await?,
    };
    let Some(r) = resolved else {
        return Ok(None);
    };
    Ok(Some(finish(db, version, r).await?))
}

const VMP_COLS: &str = "v.vpid, v.name, v.vtmid, v.unit_dose_uom, v.invalid";

/// The VMP columns of a resolution query.
struct VmpPart {
    vpid: String,
    name: String,
    vtmid: Option<String>,
    unit_dose_uom: Option<String>,
    invalid: bool,
}

fn vmp_part(r: &sqlx::any::AnyRow, at: usize) -> Result<VmpPart, sqlx::Error> {
    Ok(VmpPart {
        vpid: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        vtmid: r.try_get(at + 2)?,
        unit_dose_uom: r.try_get(at + 3)?,
        invalid: r.try_get::<i64, _>(at + 4)? != 0,
    })
}

async fn local(db: &Db, version: i64, gtin: &str) -> Result<Option<Resolved>, sqlx::Error> {
    let Some(row) =
        sqlx::query("SELECT level, dmd_id, name, note FROM local_products WHERE gtin = $1")
            .bind(gtin)
            .fetch_optional(&db.pool)
            .await?
    else {
        return Ok(None);
    };
    let level: String = row.try_get(0)?;
    let id: String = row.try_get(1)?;
    let name: String = row.try_get(2)?;
    let note: String = row.try_get(3)?;
    let (sql, apid_known) = match level.as_str() {
        "ampp" => (
            format!(
                "SELECT a.apid, p.invalid + a.invalid, {VMP_COLS} FROM dmd_ampp p CROSS JOIN dmd_amp a CROSS JOIN dmd_vmp v WHERE p.version = $1 AND p.appid = $2 AND a.version = p.version AND a.apid = p.apid AND v.version = a.version AND v.vpid = a.vpid"
            ),
            true,
        ),
        "amp" => (
            format!(
                "SELECT a.apid, a.invalid, {VMP_COLS} FROM dmd_amp a CROSS JOIN dmd_vmp v WHERE a.version = $1 AND a.apid = $2 AND v.version = a.version AND v.vpid = a.vpid"
            ),
            true,
        ),
        _ => (
            format!(
                "SELECT NULL, 0, {VMP_COLS} FROM dmd_vmp v WHERE v.version = $1 AND v.vpid = $2"
            ),
            false,
        ),
    };
    let Some(r) = sqlx::query(&sql)
        .bind(version)
        .bind(&id)
        .fetch_optional(&db.pool)
        .await?
    else {
        // The row names a concept this release does not have: not resolvable, so unknown.
        return Ok(None);
    };
    let apid: Option<String> = if apid_known { r.try_get(0)? } else { None };
    let pack_invalid = r.try_get::<i64, _>(1)? != 0;
    let v = vmp_part(&r, 2)?;
    Ok(Some(Resolved {
        name,
        apid,
        vpid: v.vpid,
        vmp_name: v.name,
        vtmid: v.vtmid,
        unit_dose_uom: v.unit_dose_uom,
        invalid: pack_invalid || v.invalid,
        source: ProductSource::Local { note },
    }))
}

async fn from_dmd(
    db: &Db,
    version: i64,
    release: &str,
    gtin: &str,
) -> Result<Option<Resolved>, sqlx::Error> {
    // An ended GTIN still identifies its pack (old stock stays in cupboards).
    let rows = sqlx::query(&format!(
        // CROSS JOIN: SQLite joins in the order written (from the GTIN's key down the
        // primary keys), whatever its statistics say; PostgreSQL reads it as a plain join.
        "SELECT DISTINCT p.appid, p.name, a.apid, p.invalid + a.invalid, {VMP_COLS} FROM dmd_gtin g CROSS JOIN dmd_ampp p CROSS JOIN dmd_amp a CROSS JOIN dmd_vmp v WHERE g.version = $1 AND g.gtin = $2 AND p.version = g.version AND p.appid = g.appid AND a.version = p.version AND a.apid = p.apid AND v.version = a.version AND v.vpid = a.vpid"
    ))
    .bind(version)
    .bind(gtin)
    .fetch_all(&db.pool)
    .await?;
    let [r] = rows.as_slice() else {
        // None, or several packs under one GTIN: never guess between them.
        return Ok(None);
    };
    let v = vmp_part(r, 4)?;
    Ok(Some(Resolved {
        name: r.try_get(1)?,
        apid: Some(r.try_get(2)?),
        invalid: r.try_get::<i64, _>(3)? != 0 || v.invalid,
        vpid: v.vpid,
        vmp_name: v.name,
        vtmid: v.vtmid,
        unit_dose_uom: v.unit_dose_uom,
        source: ProductSource::Dmd {
            release: release.to_owned(),
        },
    }))
}

async fn lookup(
    db: &Db,
    version: i64,
    table: &str,
    code: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT description FROM dmd_lookup WHERE version = $1 AND tbl = $2 AND code = $3")
        .bind(version)
        .bind(table)
        .bind(code)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

/// What the product is made of, for the allergy check: the VMP's ingredients (`VPI`),
/// then the AMP's excipients, then the VTM, each followed by the ids dm+d says it replaced
/// (`dmd_previous`), so an allergy recorded under an old id still matches. Names from
/// `dmd_ingredient` and `dmd_vtm`.
async fn substances(db: &Db, version: i64, r: &Resolved) -> Result<Vec<Substance>, sqlx::Error> {
    let mut out: Vec<Substance> = Vec::new();
    let mut add = |id: String, name: &str| {
        if !out.iter().any(|s| s.id == id) {
            out.push(Substance {
                id,
                name: name.to_owned(),
            });
        }
    };
    let rows = sqlx::query(
        "SELECT s.isid, i.name, p.previous FROM (SELECT 0 AS k, isid FROM dmd_vpi WHERE version = $1 AND vpid = $2 UNION ALL SELECT 1 AS k, isid FROM dmd_amp_excipient WHERE version = $1 AND apid = $3) s LEFT JOIN dmd_ingredient i ON i.version = $1 AND i.isid = s.isid LEFT JOIN dmd_previous p ON p.version = $1 AND p.kind = 'ingredient' AND p.current = s.isid ORDER BY s.k, s.isid, p.previous",
    )
    .bind(version)
    .bind(&r.vpid)
    .bind(r.apid.as_deref().unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    for row in &rows {
        let id: String = row.try_get(0)?;
        let name = row
            .try_get::<Option<String>, _>(1)?
            .unwrap_or_else(|| format!("an ingredient (dm+d {id})"));
        add(id, &name);
        if let Some(previous) = row.try_get::<Option<String>, _>(2)? {
            add(previous, &name);
        }
    }
    if let Some(vtmid) = &r.vtmid {
        let rows = sqlx::query(
            "SELECT v.name, p.previous FROM dmd_vtm v LEFT JOIN dmd_previous p ON p.version = v.version AND p.kind = 'vtm' AND p.current = v.vtmid WHERE v.version = $1 AND v.vtmid = $2 ORDER BY p.previous",
        )
        .bind(version)
        .bind(vtmid)
        .fetch_all(&db.pool)
        .await?;
        let name = match rows.first() {
            Some(row) => row.try_get::<String, _>(0)?,
            None => format!("the medicine (dm+d {vtmid})"),
        };
        add(vtmid.clone(), &name);
        for row in &rows {
            if let Some(previous) = row.try_get::<Option<String>, _>(1)? {
                add(previous, &name);
            }
        }
    }
    Ok(out)
}

/// Adds the strength (one active ingredient with an exact strength per handled unit),
/// the routes (dm+d `DROUTE`, by name), whether a second checker is needed, and the
/// substances (for the allergy check).
async fn finish(db: &Db, version: i64, r: Resolved) -> Result<Product, sqlx::Error> {
    let vpis = sqlx::query("SELECT strength_milli, strength_uom, per_uom FROM dmd_vpi WHERE version = $1 AND vpid = $2")
        .bind(version)
        .bind(&r.vpid)
        .fetch_all(&db.pool)
        .await?;
    let (strength_milli, strength_uom, per_uom) = match vpis.as_slice() {
        [one] => (
            one.try_get::<Option<i64>, _>(0)?,
            one.try_get::<Option<String>, _>(1)?,
            one.try_get::<Option<String>, _>(2)?,
        ),
        _ => (None, None, None),
    };
    let strength_unit = match &strength_uom {
        Some(code) => lookup(db, version, "UNIT_OF_MEASURE", code).await?,
        None => None,
    };
    let per_unit = match per_uom.as_ref().or(r.unit_dose_uom.as_ref()) {
        Some(code) => lookup(db, version, "UNIT_OF_MEASURE", code).await?,
        None => None,
    };
    let routes = sqlx::query(
        "SELECT l.description FROM dmd_vmp_route r CROSS JOIN dmd_lookup l WHERE r.version = $1 AND r.vpid = $2 AND l.version = r.version AND l.tbl = 'ROUTE' AND l.code = r.route ORDER BY l.description",
    )
    .bind(version)
    .bind(&r.vpid)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| row.try_get::<String, _>(0).map(|d| d.to_lowercase()))
    .collect::<Result<Vec<_>, _>>()?;
    let control = sqlx::query(
        "SELECT l.description FROM dmd_vmp_control c CROSS JOIN dmd_lookup l WHERE c.version = $1 AND c.vpid = $2 AND l.version = c.version AND l.tbl = 'CONTROL_DRUG_CATEGORY' AND l.code = c.category",
    )
    .bind(version)
    .bind(&r.vpid)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| row.try_get::<String, _>(0))
    .transpose()?;
    let controlled = control
        .as_deref()
        .is_some_and(|d| d.starts_with("Schedule 2") || d.starts_with("Schedule 3"));
    let listed = sqlx::query(
        "SELECT COUNT(*) FROM high_risk_medicines WHERE dmd_id = $1 OR dmd_id = $2 OR dmd_id = $3",
    )
    .bind(&r.vpid)
    .bind(r.vtmid.as_deref().unwrap_or(""))
    .bind(r.apid.as_deref().unwrap_or(""))
    .fetch_one(&db.pool)
    .await?
    .try_get::<i64, _>(0)?
        > 0;
    let substances = substances(db, version, &r).await?;
    Ok(Product {
        name: r.name,
        vmp_id: r.vpid,
        vtm_id: r.vtmid,
        amp_id: r.apid,
        vmp_name: r.vmp_name,
        strength_milli: strength_milli.filter(|_| strength_unit.is_some()),
        strength_unit: strength_unit.unwrap_or_default(),
        per_unit: per_unit.unwrap_or_else(|| "unit".to_owned()),
        routes,
        high_risk: controlled || listed,
        invalid: r.invalid,
        source: r.source,
        substances,
    })
}

/// One local pack row, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalProduct {
    /// The CSV line it came from.
    pub line: usize,
    /// GTIN-14.
    pub gtin: String,
    /// The level of `dmd_id`.
    pub level: LocalLevel,
    /// The dm+d id it maps to.
    pub dmd_id: String,
    /// The pack's name as the ward should see it.
    pub name: String,
    /// Pharmacy's note (shown in the check's answer as the source).
    pub note: String,
}

/// The header of `bedside import products`.
pub const PRODUCTS_HEADER: &str = "gtin,level,dmd_id,name,note";
/// The header of `bedside import high-risk`.
pub const HIGH_RISK_HEADER: &str = "dmd_id,note";

fn dmd_id_ok(s: &str) -> bool {
    (6..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn text_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// Reads a CSV file's rows after checking its header; blank lines are skipped.
fn csv_rows(
    text: &str,
    header: &str,
    width: usize,
    errors: &mut Vec<crate::import::LineError>,
) -> Vec<(usize, Vec<String>)> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == header => {}
        _ => {
            errors.push(crate::import::LineError {
                line: 1,
                error: format!("the first line must be the header {header}"),
            });
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        match crate::import::fields(line.trim_end_matches('\r')) {
            Ok(f) if f.len() == width => out.push((i + 1, f)),
            Ok(_) => errors.push(crate::import::LineError {
                line: i + 1,
                error: format!("expected {width} fields"),
            }),
            Err(e) => errors.push(crate::import::LineError {
                line: i + 1,
                error: e.to_owned(),
            }),
        }
    }
    out
}

/// Parses `bedside import products` CSV (`gtin,level,dmd_id,name,note`): GTIN-8/12/13/14
/// with a correct check digit (held as GTIN-14), level `ampp`, `amp` or `vmp`, a dm+d id
/// of 6 to 18 digits, a name of 1 to 200 characters, each GTIN once.
///
/// # Errors
/// Every faulty line (or the header), naming the line and the rule.
pub fn parse_products(text: &str) -> Result<Vec<LocalProduct>, Vec<crate::import::LineError>> {
    let mut errors = Vec::new();
    let rows = csv_rows(text, PRODUCTS_HEADER, 5, &mut errors);
    let mut out: Vec<LocalProduct> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, f) in rows {
        let mut err = |e: &str| {
            errors.push(crate::import::LineError {
                line,
                error: e.to_owned(),
            });
        };
        let Ok(gtin) = bedside_gs1::keys::Gtin::parse(f[0].trim()) else {
            err("gtin is not a GTIN-8, -12, -13 or -14 with a correct check digit");
            continue;
        };
        let level = match f[1].trim() {
            "ampp" => LocalLevel::Ampp,
            "amp" => LocalLevel::Amp,
            "vmp" => LocalLevel::Vmp,
            _ => {
                err("level must be ampp, amp or vmp");
                continue;
            }
        };
        let dmd_id = f[2].trim();
        if !dmd_id_ok(dmd_id) {
            err("dmd_id must be a dm+d id of 6 to 18 digits");
            continue;
        }
        let name = f[3].trim();
        if name.is_empty() || !text_ok(name, 200) || !text_ok(&f[4], 500) {
            err(
                "name must be 1 to 200 characters and note at most 500, without control characters",
            );
            continue;
        }
        if !seen.insert(gtin.as_str().to_owned()) {
            err("this GTIN is already on an earlier line");
            continue;
        }
        out.push(LocalProduct {
            line,
            gtin: gtin.as_str().to_owned(),
            level,
            dmd_id: dmd_id.to_owned(),
            name: name.to_owned(),
            note: f[4].trim().to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parses `bedside import high-risk` CSV (`dmd_id,note`): VTM, VMP or AMP ids.
///
/// # Errors
/// Every faulty line (or the header).
pub fn parse_high_risk(
    text: &str,
) -> Result<Vec<(usize, String, String)>, Vec<crate::import::LineError>> {
    let mut errors = Vec::new();
    let rows = csv_rows(text, HIGH_RISK_HEADER, 2, &mut errors);
    let mut out: Vec<(usize, String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, f) in rows {
        let id = f[0].trim();
        let error = if !dmd_id_ok(id) {
            Some("dmd_id must be a dm+d id of 6 to 18 digits")
        } else if !text_ok(&f[1], 500) {
            Some("note must be at most 500 characters without control characters")
        } else if !seen.insert(id.to_owned()) {
            Some("this dmd_id is already on an earlier line")
        } else {
            None
        };
        match error {
            Some(e) => errors.push(crate::import::LineError {
                line,
                error: e.to_owned(),
            }),
            None => out.push((line, id.to_owned(), f[1].trim().to_owned())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Why a local list was not stored.
#[derive(Debug, thiserror::Error)]
pub enum LocalImportError {
    /// No dm+d release is loaded, so no row can be checked against it.
    #[error("no dm+d release is loaded: run `bedside import dmd` first")]
    NoRelease,
    /// Rows name concepts the current release does not have.
    #[error("{} line(s) name concepts not in the current dm+d release", .0.len())]
    Unknown(Vec<crate::import::LineError>),
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

async fn exists(
    tx: &mut sqlx::AnyConnection,
    version: i64,
    table: &str,
    col: &str,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) FROM {table} WHERE version = $1 AND {col} = $2"
    ))
    .bind(version)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}

/// Replaces the local pack list in one transaction, with an audit row. Every row must
/// name a concept of its level in the current dm+d release.
///
/// # Errors
/// [`LocalImportError`]; nothing is written then.
pub async fn apply_products(
    db: &Db,
    rows: &[LocalProduct],
    actor: &str,
) -> Result<usize, LocalImportError> {
    let mut tx = db.pool.begin().await?;
    let version: Option<i64> = sqlx::query("SELECT version FROM catalogue_current WHERE id = 1")
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let Some(version) = version else {
        return Err(LocalImportError::NoRelease);
    };
    let mut unknown = Vec::new();
    for r in rows {
        let (table, col) = match r.level {
            LocalLevel::Ampp => ("dmd_ampp", "appid"),
            LocalLevel::Amp => ("dmd_amp", "apid"),
            LocalLevel::Vmp => ("dmd_vmp", "vpid"),
        };
        if !exists(&mut tx, version, table, col, &r.dmd_id).await? {
            unknown.push(crate::import::LineError {
                line: r.line,
                error: format!(
                    "dmd_id is not an {} of the current dm+d release",
                    r.level.as_str().to_uppercase()
                ),
            });
        }
    }
    if !unknown.is_empty() {
        return Err(LocalImportError::Unknown(unknown));
    }
    sqlx::query("DELETE FROM local_products")
        .execute(&mut *tx)
        .await?;
    for r in rows {
        sqlx::query("INSERT INTO local_products (gtin, level, dmd_id, name, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(&r.gtin)
            .bind(r.level.as_str())
            .bind(&r.dmd_id)
            .bind(&r.name)
            .bind(&r.note)
            .execute(&mut *tx)
            .await?;
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "catalogue.local_products",
        &bedside_ward::audit::CatalogueFacts {
            release: None,
            counts: [("products".to_owned(), rows.len() as u64)].into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Replaces the high-risk list in one transaction, with an audit row. Every id must be a
/// VTM, VMP or AMP of the current dm+d release.
///
/// # Errors
/// [`LocalImportError`]; nothing is written then.
pub async fn apply_high_risk(
    db: &Db,
    rows: &[(usize, String, String)],
    actor: &str,
) -> Result<usize, LocalImportError> {
    let mut tx = db.pool.begin().await?;
    let version: Option<i64> = sqlx::query("SELECT version FROM catalogue_current WHERE id = 1")
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let Some(version) = version else {
        return Err(LocalImportError::NoRelease);
    };
    let mut unknown = Vec::new();
    for (line, id, _) in rows {
        let known = exists(&mut tx, version, "dmd_vtm", "vtmid", id).await?
            || exists(&mut tx, version, "dmd_vmp", "vpid", id).await?
            || exists(&mut tx, version, "dmd_amp", "apid", id).await?;
        if !known {
            unknown.push(crate::import::LineError {
                line: *line,
                error: "dmd_id is not a VTM, VMP or AMP of the current dm+d release".to_owned(),
            });
        }
    }
    if !unknown.is_empty() {
        return Err(LocalImportError::Unknown(unknown));
    }
    sqlx::query("DELETE FROM high_risk_medicines")
        .execute(&mut *tx)
        .await?;
    for (_, id, note) in rows {
        sqlx::query("INSERT INTO high_risk_medicines (dmd_id, note) VALUES ($1, $2)")
            .bind(id)
            .bind(note)
            .execute(&mut *tx)
            .await?;
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "catalogue.high_risk",
        &bedside_ward::audit::CatalogueFacts {
            release: None,
            counts: [("medicines".to_owned(), rows.len() as u64)].into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}
