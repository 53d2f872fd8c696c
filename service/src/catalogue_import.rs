//! `bedside import dmd DIR`: loads an unpacked NHSBSA dm+d weekly release (a full
//! snapshot) into a new catalogue version and switches checks to it in the same
//! transaction, so a check reads the whole new release or the whole previous one. A
//! malformed file changes nothing and is reported with its file, line and element.
//!
//! The files are read by `bedside-dmd` on a blocking thread and streamed to the database
//! in multi-row batches through a small bounded channel, so memory stays flat whatever
//! the release's size; older versions are deleted after the switch is committed.

use std::collections::HashMap;
use std::path::Path;

use bedside_dmd::{FileKind, Record};
use sqlx::Row;

use crate::db::Db;

/// What a load read, by kind: the JSON line `bedside import dmd` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// The release (`YYYY-MM-DD`, from the file names).
    pub release: String,
    /// VTMs.
    pub vtm: u64,
    /// VMPs.
    pub vmp: u64,
    /// AMPs.
    pub amp: u64,
    /// VMPPs.
    pub vmpp: u64,
    /// AMPPs.
    pub ampp: u64,
    /// GTINs.
    pub gtin: u64,
    /// Ingredient substances.
    pub ingredients: u64,
}

/// Why a release was not loaded. Nothing is changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum DmdImportError {
    /// The directory does not hold one release's files.
    #[error(transparent)]
    Release(#[from] bedside_dmd::ReleaseError),
    /// A file is malformed (file, line, element and rule).
    #[error(transparent)]
    File(bedside_dmd::DmdError),
    /// A file could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::sync::Arc<std::io::Error>,
    },
    /// The database refused the load.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// The reading thread stopped without an answer.
    #[error("the release reader stopped unexpectedly")]
    Reader,
}

/// A value bound into a batch.
#[derive(Debug, Clone)]
enum Val {
    Text(String),
    Opt(Option<String>),
    Int(i64),
}

/// A table written by the load: its name and columns after `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Table {
    Lookup,
    Ingredient,
    Vtm,
    Vmp,
    Vpi,
    VmpRoute,
    VmpForm,
    VmpControl,
    Amp,
    AmpExcipient,
    AmpRoute,
    Vmpp,
    Ampp,
    Gtin,
    Previous,
}

impl Table {
    const ALL: [Table; 15] = [
        Table::Lookup,
        Table::Ingredient,
        Table::Vtm,
        Table::Vmp,
        Table::Vpi,
        Table::VmpRoute,
        Table::VmpForm,
        Table::VmpControl,
        Table::Amp,
        Table::AmpExcipient,
        Table::AmpRoute,
        Table::Vmpp,
        Table::Ampp,
        Table::Gtin,
        Table::Previous,
    ];

    fn spec(self) -> (&'static str, &'static [&'static str], &'static str) {
        // (table, columns after version, conflict clause)
        match self {
            Table::Lookup => ("dmd_lookup", &["tbl", "code", "description"], ""),
            Table::Ingredient => ("dmd_ingredient", &["isid", "name", "invalid"], ""),
            Table::Vtm => ("dmd_vtm", &["vtmid", "name", "invalid"], ""),
            Table::Vmp => (
                "dmd_vmp",
                &[
                    "vpid",
                    "vtmid",
                    "name",
                    "invalid",
                    "df_ind",
                    "udfs",
                    "udfs_uom",
                    "unit_dose_uom",
                ],
                "",
            ),
            Table::Vpi => (
                "dmd_vpi",
                &[
                    "vpid",
                    "isid",
                    "numerator",
                    "numerator_uom",
                    "denominator",
                    "denominator_uom",
                    "strength_milli",
                    "strength_uom",
                    "per_uom",
                ],
                "",
            ),
            Table::VmpRoute => ("dmd_vmp_route", &["vpid", "route"], ""),
            Table::VmpForm => ("dmd_vmp_form", &["vpid", "form"], ""),
            Table::VmpControl => ("dmd_vmp_control", &["vpid", "category"], ""),
            Table::Amp => (
                "dmd_amp",
                &["apid", "vpid", "name", "description", "invalid"],
                "",
            ),
            Table::AmpExcipient => (
                "dmd_amp_excipient",
                &["apid", "isid"],
                " ON CONFLICT DO NOTHING",
            ),
            Table::AmpRoute => (
                "dmd_amp_route",
                &["apid", "route"],
                " ON CONFLICT DO NOTHING",
            ),
            Table::Vmpp => (
                "dmd_vmpp",
                &["vppid", "vpid", "name", "qty", "qty_uom", "invalid"],
                "",
            ),
            Table::Ampp => (
                "dmd_ampp",
                &["appid", "apid", "vppid", "name", "invalid"],
                "",
            ),
            // The same GTIN may be listed twice for one pack and start date; once is enough.
            Table::Gtin => (
                "dmd_gtin",
                &["gtin", "appid", "start_date", "end_date"],
                " ON CONFLICT DO NOTHING",
            ),
            // Two concepts that both name one previous id: the first one wins, as a
            // retired id cannot mean two things.
            Table::Previous => (
                "dmd_previous",
                &["kind", "previous", "current"],
                " ON CONFLICT DO NOTHING",
            ),
        }
    }
}

/// Rows per INSERT statement (SQLite allows 32 766 bound values; the widest table binds 9
/// per row).
const BATCH_ROWS: usize = 400;
/// Records per message from the reading thread.
const CHUNK: usize = 2_000;

async fn flush(
    conn: &mut sqlx::AnyConnection,
    version: i64,
    table: Table,
    rows: &mut Vec<Vec<Val>>,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let (name, cols, conflict) = table.spec();
    let width = cols.len() + 1;
    let mut sql = format!("INSERT INTO {name} (version, {}) VALUES ", cols.join(", "));
    let mut n = 1;
    for (i, _) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&n.to_string());
            n += 1;
        }
        sql.push(')');
    }
    sql.push_str(conflict);
    let mut q = sqlx::query(&sql);
    for row in rows.drain(..) {
        q = q.bind(version);
        for v in row {
            q = match v {
                Val::Text(s) => q.bind(s),
                Val::Opt(s) => q.bind(s),
                Val::Int(i) => q.bind(i),
            };
        }
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

fn flag(b: bool) -> Val {
    Val::Int(i64::from(b))
}

fn dec(d: Option<&bedside_dmd::Decimal>) -> Val {
    Val::Opt(d.map(ToString::to_string))
}

/// Turns one record into table rows. `vmps` keeps every VMP of the release (about 20 000
/// on the real one) so that each VPI's strength per handled unit can be computed from
/// its VMP's unit dose.
fn rows_of(rec: Record, vmps: &mut HashMap<String, bedside_dmd::Vmp>) -> Vec<(Table, Vec<Val>)> {
    match rec {
        Record::Lookup(l) => vec![(
            Table::Lookup,
            vec![Val::Text(l.table), Val::Text(l.code), Val::Text(l.desc)],
        )],
        Record::Ingredient(i) => {
            let mut out = vec![(
                Table::Ingredient,
                vec![
                    Val::Text(i.isid.clone()),
                    Val::Text(i.name),
                    flag(i.invalid),
                ],
            )];
            if let Some(p) = i.isid_prev {
                out.push(previous("ingredient", p, i.isid));
            }
            out
        }
        Record::Vtm(v) => {
            let mut out = vec![(
                Table::Vtm,
                vec![
                    Val::Text(v.vtmid.clone()),
                    Val::Text(v.name),
                    flag(v.invalid),
                ],
            )];
            if let Some(p) = v.vtmid_prev {
                out.push(previous("vtm", p, v.vtmid));
            }
            out
        }
        Record::Vmp(v) => {
            let mut out = vec![(
                Table::Vmp,
                vec![
                    Val::Text(v.vpid.clone()),
                    Val::Opt(v.vtmid.clone()),
                    Val::Text(v.name.clone()),
                    flag(v.invalid),
                    Val::Opt(v.df_ind.clone()),
                    dec(v.udfs.as_ref()),
                    Val::Opt(v.udfs_uom.clone()),
                    Val::Opt(v.unit_dose_uom.clone()),
                ],
            )];
            if let Some(p) = &v.vpid_prev {
                out.push(previous("vmp", p.clone(), v.vpid.clone()));
            }
            vmps.insert(v.vpid.clone(), v);
            out
        }
        Record::Vpi(p) => {
            let (milli, uom, per) = match vmps.get(&p.vpid).map(|vmp| handled_unit(vmp, &p)) {
                Some(Some((milli, uom, per))) => (Some(milli), Some(uom), Some(per)),
                _ => (None, None, None),
            };
            vec![(
                Table::Vpi,
                vec![
                    Val::Text(p.vpid),
                    Val::Text(p.isid),
                    dec(p.numerator.as_ref()),
                    Val::Opt(p.numerator_uom),
                    dec(p.denominator.as_ref()),
                    Val::Opt(p.denominator_uom),
                    milli.map_or(Val::Opt(None), Val::Int),
                    Val::Opt(uom),
                    Val::Opt(per),
                ],
            )]
        }
        Record::VmpForm(f) => vec![(Table::VmpForm, vec![Val::Text(f.vpid), Val::Text(f.form)])],
        Record::VmpRoute(r) => vec![(Table::VmpRoute, vec![Val::Text(r.vpid), Val::Text(r.route)])],
        Record::ControlInfo(c) => vec![(
            Table::VmpControl,
            vec![Val::Text(c.vpid), Val::Text(c.category)],
        )],
        Record::Amp(a) => vec![(
            Table::Amp,
            vec![
                Val::Text(a.apid),
                Val::Text(a.vpid),
                Val::Text(a.name),
                Val::Text(a.desc),
                flag(a.invalid),
            ],
        )],
        Record::ApIngredient(i) => vec![(
            Table::AmpExcipient,
            vec![Val::Text(i.apid), Val::Text(i.isid)],
        )],
        Record::LicensedRoute(r) => {
            vec![(Table::AmpRoute, vec![Val::Text(r.apid), Val::Text(r.route)])]
        }
        Record::Vmpp(v) => vec![(
            Table::Vmpp,
            vec![
                Val::Text(v.vppid),
                Val::Text(v.vpid),
                Val::Text(v.name),
                dec(v.qty.as_ref()),
                Val::Opt(v.qty_uom),
                flag(v.invalid),
            ],
        )],
        Record::Ampp(a) => vec![(
            Table::Ampp,
            vec![
                Val::Text(a.appid),
                Val::Text(a.apid),
                Val::Text(a.vppid),
                Val::Text(a.name),
                flag(a.invalid),
            ],
        )],
        Record::Gtin(g) => vec![(
            Table::Gtin,
            vec![
                Val::Text(g.gtin),
                Val::Text(g.amppid),
                Val::Text(g.start.to_string()),
                Val::Opt(g.end.map(|d| d.to_string())),
            ],
        )],
    }
}

/// The amount of one ingredient in one handled unit, exactly, in thousandths:
/// `(amount, its unit, the handled unit)`. Discrete forms (a UDFS): numerator /
/// denominator × UDFS per the VMP's unit dose. Continuous forms (no UDFS) with a
/// denominator: numerator / denominator per denominator unit (2 mg per ml). Anything
/// else, or a value that is not a whole number of thousandths, has no such amount.
fn handled_unit(vmp: &bedside_dmd::Vmp, vpi: &bedside_dmd::Vpi) -> Option<(i64, String, String)> {
    if let Ok(s) = bedside_dmd::strength_per_unit(vmp, vpi) {
        return Some((s.amount.to_milli()?, s.amount_uom, s.per_uom));
    }
    if vmp.udfs.is_some() {
        return None;
    }
    let ratio = vpi.numerator?.checked_div(vpi.denominator?)?;
    Some((
        ratio.to_milli()?,
        vpi.numerator_uom.clone()?,
        vpi.denominator_uom.clone()?,
    ))
}

fn previous(kind: &str, previous: String, current: String) -> (Table, Vec<Val>) {
    (
        Table::Previous,
        vec![
            Val::Text(kind.to_owned()),
            Val::Text(previous),
            Val::Text(current),
        ],
    )
}

/// Loads the release in `dir` and makes it current, with a `catalogue.import` audit row,
/// then deletes older versions.
///
/// # Errors
/// [`DmdImportError`]; the database is then unchanged.
pub async fn import_dmd(db: &Db, dir: &Path, actor: &str) -> Result<Summary, DmdImportError> {
    load(db, dir, actor, false)
        .await?
        .ok_or(DmdImportError::Reader)
}

/// As [`import_dmd`], but only when no release is current yet (checked under the load's
/// lock, so of several instances starting together exactly one loads it). `None` when a
/// release was already current.
///
/// # Errors
/// [`DmdImportError`]; the database is then unchanged.
pub async fn import_dmd_if_none(
    db: &Db,
    dir: &Path,
    actor: &str,
) -> Result<Option<Summary>, DmdImportError> {
    load(db, dir, actor, true).await
}

/// Serialises loads on PostgreSQL (one transaction-scoped advisory lock); on SQLite the
/// first statement of the load is a write, which takes the database's write lock.
const LOAD_LOCK: i64 = 0x6264_5f64_6d64; // "bd_dmd"

async fn load(
    db: &Db,
    dir: &Path,
    actor: &str,
    only_if_none: bool,
) -> Result<Option<Summary>, DmdImportError> {
    let release = bedside_dmd::Release::find(dir)?;
    let mut tx = db.pool.begin().await?;
    if db.backend == crate::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LOAD_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let now = crate::clock::now_ms();
    let version: i64 = sqlx::query(
        "INSERT INTO dmd_releases (version, release, imported_at, summary) SELECT COALESCE(MAX(version), 0) + 1, $1, $2, '' FROM dmd_releases RETURNING version",
    )
    .bind(&release.release)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    if only_if_none {
        let current = sqlx::query("SELECT COUNT(*) FROM catalogue_current")
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if current > 0 {
            tx.rollback().await?;
            return Ok(None);
        }
    }

    let mut totals = bedside_dmd::Counts::default();
    let mut vmps: HashMap<String, bedside_dmd::Vmp> = HashMap::new();
    for kind in LOAD_ORDER {
        let path = release.path(kind);
        let counts = load_file(&mut tx, version, kind, path, &mut vmps).await?;
        totals = add(totals, counts);
    }
    let summary = Summary {
        release: release.release.clone(),
        vtm: totals.vtm,
        vmp: totals.vmp,
        amp: totals.amp,
        vmpp: totals.vmpp,
        ampp: totals.ampp,
        gtin: totals.gtin,
        ingredients: totals.ingredient,
    };
    let summary_json = serde_json::to_string(&summary).unwrap_or_default();
    sqlx::query("UPDATE dmd_releases SET summary = $1 WHERE version = $2")
        .bind(&summary_json)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO catalogue_current (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
    )
    .bind(version)
    .execute(&mut *tx)
    .await?;
    let mut counts = std::collections::BTreeMap::new();
    for (k, v) in [
        ("vtm", summary.vtm),
        ("vmp", summary.vmp),
        ("amp", summary.amp),
        ("vmpp", summary.vmpp),
        ("ampp", summary.ampp),
        ("gtin", summary.gtin),
        ("ingredients", summary.ingredients),
    ] {
        counts.insert(k.to_owned(), v);
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "catalogue.import",
        &bedside_ward::audit::CatalogueFacts {
            release: Some(summary.release.clone()),
            counts,
        },
    )
    .await?;
    tx.commit().await?;
    // The switch is committed; what is left of older versions is unreachable. A failure
    // here leaves rows the next load deletes.
    if let Err(e) = delete_older(db, version).await {
        tracing::warn!(error = %e, "older catalogue versions not deleted yet");
    }
    // Fresh statistics for the planner (hundreds of thousands of rows just changed).
    if let Err(e) = sqlx::query("ANALYZE").execute(&db.pool).await {
        tracing::warn!(error = %e, "catalogue statistics not refreshed");
    }
    Ok(Some(summary))
}

/// The order NHSBSA documents for referential integrity.
const LOAD_ORDER: [FileKind; 8] = [
    FileKind::Lookup,
    FileKind::Ingredient,
    FileKind::Vtm,
    FileKind::Vmp,
    FileKind::Amp,
    FileKind::Vmpp,
    FileKind::Ampp,
    FileKind::Gtin,
];

fn add(a: bedside_dmd::Counts, b: bedside_dmd::Counts) -> bedside_dmd::Counts {
    bedside_dmd::Counts {
        lookup: a.lookup + b.lookup,
        ingredient: a.ingredient + b.ingredient,
        vtm: a.vtm + b.vtm,
        vmp: a.vmp + b.vmp,
        vpi: a.vpi + b.vpi,
        vmp_form: a.vmp_form + b.vmp_form,
        vmp_route: a.vmp_route + b.vmp_route,
        control_info: a.control_info + b.control_info,
        amp: a.amp + b.amp,
        ap_ingredient: a.ap_ingredient + b.ap_ingredient,
        licensed_route: a.licensed_route + b.licensed_route,
        vmpp: a.vmpp + b.vmpp,
        ampp: a.ampp + b.ampp,
        gtin: a.gtin + b.gtin,
    }
}

async fn load_file(
    tx: &mut sqlx::AnyConnection,
    version: i64,
    kind: FileKind,
    path: &Path,
    vmps: &mut HashMap<String, bedside_dmd::Vmp>,
) -> Result<bedside_dmd::Counts, DmdImportError> {
    let (send, mut recv) = tokio::sync::mpsc::channel::<Vec<Record>>(4);
    let path = path.to_owned();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reader = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(|e| DmdImportError::Io {
            file: name.clone(),
            source: std::sync::Arc::new(e),
        })?;
        let input = std::io::BufReader::with_capacity(1 << 16, file);
        let mut chunk = Vec::with_capacity(CHUNK);
        let result = bedside_dmd::read(kind, &name, input, |rec| {
            chunk.push(rec);
            if chunk.len() >= CHUNK {
                // The receiver is gone only when the load already failed.
                send.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .map_err(|_| ())?;
            }
            Ok::<(), ()>(())
        });
        let counts = match result {
            Ok(c) => c,
            Err(bedside_dmd::ReadError::Dmd(e)) => return Err(DmdImportError::File(e)),
            Err(bedside_dmd::ReadError::Io { file, source }) => {
                return Err(DmdImportError::Io { file, source });
            }
            Err(bedside_dmd::ReadError::Sink(())) => return Err(DmdImportError::Reader),
        };
        if !chunk.is_empty() {
            send.blocking_send(chunk)
                .map_err(|_| DmdImportError::Reader)?;
        }
        Ok(counts)
    });
    let mut buffers: HashMap<Table, Vec<Vec<Val>>> = HashMap::new();
    let mut db_error = None;
    while let Some(records) = recv.recv().await {
        for rec in records {
            for (table, row) in rows_of(rec, vmps) {
                let buf = buffers.entry(table).or_default();
                buf.push(row);
                if buf.len() >= BATCH_ROWS
                    && let Err(e) = flush(tx, version, table, buf).await
                {
                    db_error = Some(e);
                    break;
                }
            }
            if db_error.is_some() {
                break;
            }
        }
        if db_error.is_some() {
            break;
        }
    }
    // Closing the channel stops the reader if the database failed first.
    drop(recv);
    let counts = reader.await.map_err(|_| DmdImportError::Reader);
    if let Some(e) = db_error {
        return Err(e.into());
    }
    let counts = counts??;
    for table in Table::ALL {
        if let Some(buf) = buffers.get_mut(&table) {
            flush(tx, version, table, buf).await?;
        }
    }
    Ok(counts)
}

/// Deletes every catalogue row of versions other than `keep`.
async fn delete_older(db: &Db, keep: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for table in Table::ALL {
        let (name, _, _) = table.spec();
        sqlx::query(&format!("DELETE FROM {name} WHERE version <> $1"))
            .bind(keep)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM dmd_releases WHERE version <> $1")
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
