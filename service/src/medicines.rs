//! The medicines check as the service runs it: the reads around the judgement of
//! [`bedside_ward::medicines`], and the record of a dose given.
//!
//! [`evaluate`] validates the request, identifies the wristband, reads the badge,
//! location and pack scans (pure), reads what they refer to from the store in one place
//! ([`load`]), then judges (pure). [`record`] stores a checked dose: the insert and its
//! audit row commit together, under a lock on the patient's orders for the medicine; the
//! `(order_id, due_at)` unique constraint lets exactly one of two concurrent records land.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

pub use bedside_ward::medicines::{
    AdministrationRequest, AllergyCriticality, AllergyEntry, AllergyInputs, CheckFacts,
    CheckInputs, DoseState, DueSlot, Evaluation, GivenDose, Internal, MedicineLevel, Order,
    OrderInfo, OrderKind, Orders, Outcome, OverrideReason, PackFacts, PackInfo, PackScan, Problem,
    ProblemCode, Product, ProductSource, Recall, RefusalCode, RequestError, Right, Scans, Severity,
    Substance, amount, check, choose_order, may_record, nearest_due, override_answers, read_scans,
    select_recall, shortest_gap_minutes, validate,
};

use crate::identify::{Decision, Identifier};

/// Override reason codes accepted for `warn` problems.
pub const OVERRIDE_REASONS: &[&str] = OverrideReason::NAMES;

/// Why checking failed for the service's own reasons (503).
#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct CheckError(#[from] pub sqlx::Error);

/// [`DoseState`] for `$1` (NHS number), `$2` (level) and `$3` (dm+d id): the doses given
/// under any of the patient's orders for the same medicine.
const DOSES_SQL: &str = "SELECT COUNT(*), MAX(a.given_at) FROM administrations a JOIN orders o ON o.id = a.order_id WHERE o.nhs_number = $1 AND o.level = $2 AND o.dmd_id = $3";

fn dose_state(r: &sqlx::any::AnyRow) -> Result<DoseState, sqlx::Error> {
    Ok((r.try_get(0)?, r.try_get(1)?))
}

const ORDER_COLS: &str = "id, nhs_number, dmd_id, dose_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, status, starts_at, ends_at, level, dose_max_milli, max_amount_24h_milli";

fn order_from_row(r: &sqlx::any::AnyRow) -> Result<Order, sqlx::Error> {
    let level: String = r.try_get(14)?;
    Ok(Order {
        id: r.try_get(0)?,
        nhs_number: r.try_get(1)?,
        level: MedicineLevel::parse(&level).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "level".into(),
            source: format!("not a dm+d level: {level:?}").into(),
        })?,
        dmd_id: r.try_get(2)?,
        dose_max_milli: r.try_get(15)?,
        dose_milli: r.try_get(3)?,
        dose_unit: r.try_get(4)?,
        route: r.try_get(5)?,
        kind: OrderKind::parse(&r.try_get::<String, _>(6)?),
        times: r.try_get(7)?,
        window_minutes: r.try_get(8)?,
        min_interval_minutes: r.try_get(9)?,
        max_per_24h: r.try_get(10)?,
        max_amount_24h_milli: r.try_get(16)?,
        active: r.try_get::<String, _>(11)? == "active",
        starts_at: r.try_get(12)?,
        ends_at: r.try_get(13)?,
    })
}

/// The patient's allergy statement and allergies. Any allergy row makes the record
/// `Recorded` (an allergy is never hidden by a status); otherwise the status row says
/// "none known", and no row at all is "not recorded".
async fn allergies_of(db: &crate::db::Db, nhs: &str) -> Result<AllergyInputs, sqlx::Error> {
    let status: Option<String> =
        sqlx::query("SELECT status FROM allergy_status WHERE nhs_number = $1")
            .bind(nhs)
            .fetch_optional(&db.pool)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
    let list = sqlx::query(
        "SELECT code, display, criticality, clinical_status FROM allergies WHERE nhs_number = $1 ORDER BY source, id",
    )
    .bind(nhs)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let criticality: String = r.try_get(2)?;
        Ok(AllergyEntry {
            code: r.try_get(0)?,
            display: r.try_get(1)?,
            implies: Vec::new(),
            // The table's CHECK allows only the three names; anything else is treated
            // as the least informative one, never as "low".
            criticality: AllergyCriticality::parse(&criticality)
                .unwrap_or(AllergyCriticality::UnableToAssess),
            active: r.try_get::<String, _>(3)? == "active",
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut list = list;
    if let Some((version, _)) = crate::catalogue::current(db).await? {
        for a in &mut list {
            a.implies = product_substances(db, version, &a.code).await?;
        }
    }
    Ok(match (status.as_deref(), list.is_empty()) {
        (_, false) => AllergyInputs::Recorded(list),
        (None, true) => AllergyInputs::NotRecorded,
        (Some("none_known"), true) => AllergyInputs::NoneKnown,
        (Some(_), true) => AllergyInputs::Recorded(Vec::new()),
    })
}

/// When `code` is a VMP or an AMP of catalogue `version`: what the product is made of (its
/// VMP's active ingredients and its VTM), so an allergy recorded against one product
/// catches every other product of the same substances. Empty for any other code.
async fn product_substances(
    db: &crate::db::Db,
    version: i64,
    code: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let vmp = sqlx::query(
        "SELECT v.vpid, v.vtmid FROM dmd_vmp v WHERE v.version = $1 AND (v.vpid = $2 OR v.vpid = (SELECT a.vpid FROM dmd_amp a WHERE a.version = $1 AND a.apid = $2))",
    )
    .bind(version)
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    let Some(vmp) = vmp else {
        return Ok(Vec::new());
    };
    let vpid: String = vmp.try_get(0)?;
    let mut out: Vec<String> =
        sqlx::query("SELECT isid FROM dmd_vpi WHERE version = $1 AND vpid = $2 ORDER BY isid")
            .bind(version)
            .bind(&vpid)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
    if let Some(vtm) = vmp.try_get::<Option<String>, _>(1)? {
        out.push(vtm);
    }
    Ok(out)
}

async fn count<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    db: &crate::db::Db,
) -> Result<i64, sqlx::Error> {
    q.fetch_one(&db.pool).await?.try_get::<i64, _>(0)
}

/// Reads from the store everything the scans call for, as [`CheckInputs`] for
/// [`check`]. The only place the check's SQL lives. The staff and locations registers are
/// read here on every check, never cached: a badge or place deactivated on any instance
/// counts as unknown at once. `acting` says whose badge the caller's token or session
/// holds and how the second checker confirmed.
///
/// # Errors
/// Database failures.
pub async fn load(
    db: &crate::db::Db,
    req: &AdministrationRequest,
    scans: &Scans,
    identification: crate::identify::Identification,
    acting: &Acting<'_>,
    now: i64,
) -> Result<CheckInputs, sqlx::Error> {
    let staff_known = |gsrn: String| async move {
        Ok::<_, sqlx::Error>(
            count(
                sqlx::query("SELECT COUNT(*) FROM staff WHERE gsrn = $1 AND active = 1").bind(gsrn),
                db,
            )
            .await?
                > 0,
        )
    };
    let mut inputs = CheckInputs {
        identification,
        staff_known: false,
        checker_known: false,
        location_known: false,
        token_badge: acting.badge.map(str::to_owned),
        checker_confirmation: acting.checker,
        recall: None,
        product_recalled: None,
        serial_used: false,
        product: None,
        orders: Orders::ForMedicine(Vec::new()),
        doses: (0, None),
        order_doses: Vec::new(),
        allergies: AllergyInputs::NotRecorded,
    };
    if let Some(g) = &scans.staff {
        inputs.staff_known = staff_known(g.clone()).await?;
    }
    if let Some(Some(c)) = &scans.checker
        && Some(c) != scans.staff.as_ref()
    {
        inputs.checker_known = staff_known(c.clone()).await?;
    }
    if let Some(Some((gln, ext))) = &scans.location {
        inputs.location_known = count(
            sqlx::query(
                "SELECT COUNT(*) FROM locations WHERE gln = $1 AND extension = $2 AND active = 1",
            )
            .bind(gln)
            .bind(ext),
            db,
        )
        .await?
            > 0;
    }
    let Some(pack) = &scans.pack else {
        return Ok(inputs);
    };
    // The active recalls covering the GTIN (through its AMPP and AMP in the current
    // release too); which one applies to this batch is the rules' choice.
    let candidates = crate::recalls::covering(db, &pack.gtin).await?;
    (inputs.recall, inputs.product_recalled) = select_recall(pack.batch.as_deref(), &candidates);
    if let Some(serial) = &pack.serial {
        inputs.serial_used = count(
            sqlx::query("SELECT COUNT(*) FROM administrations WHERE gtin = $1 AND serial = $2")
                .bind(&pack.gtin)
                .bind(serial),
            db,
        )
        .await?
            > 0;
    }
    let Some(product) = crate::catalogue::product_for_gtin(db, &pack.gtin).await? else {
        return Ok(inputs);
    };
    let nhs = match &inputs.identification.decision {
        Decision::Match(m) => m.nhs_number().as_str().to_owned(),
        _ => {
            inputs.product = Some(product);
            return Ok(inputs);
        }
    };
    inputs.allergies = allergies_of(db, &nhs).await?;
    inputs.orders = match &req.order_id {
        Some(oid) => Orders::Named(
            sqlx::query(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"))
                .bind(oid)
                .fetch_optional(&db.pool)
                .await?
                .map(|r| order_from_row(&r).map(Box::new))
                .transpose()?,
        ),
        None => Orders::ForMedicine(
            sqlx::query(&format!(
                "SELECT {ORDER_COLS} FROM orders WHERE nhs_number = $1 AND status = 'active' AND ((level = 'vmp' AND dmd_id = $2) OR (level = 'vtm' AND dmd_id = $3) OR (level = 'amp' AND dmd_id = $4))"
            ))
            .bind(&nhs)
            .bind(&product.vmp_id)
            .bind(product.vtm_id.as_deref().unwrap_or(""))
            .bind(product.amp_id.as_deref().unwrap_or(""))
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(order_from_row)
            .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    inputs.product = Some(product);
    let Ok(order) = choose_order(&inputs.orders, &nhs) else {
        return Ok(inputs);
    };
    let (order_id, level, dmd_id) = (order.id.clone(), order.level, order.dmd_id.clone());
    // Every dose of the medicine the patient has had, from any of their orders, and the
    // chosen order's doses of the last three days (its due slots lie within a day of
    // now, its 24-hour count within one).
    inputs.doses = dose_state(
        &sqlx::query(DOSES_SQL)
            .bind(&nhs)
            .bind(level.as_str())
            .bind(&dmd_id)
            .fetch_one(&db.pool)
            .await?,
    )?;
    let since = now - 3 * crate::clock::DAY_MS;
    inputs.order_doses = sqlx::query(
        "SELECT due_at, given_at, dose_milli FROM administrations WHERE order_id = $1 AND (due_at >= $2 OR given_at >= $2)",
    )
    .bind(&order_id)
    .bind(since)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(GivenDose {
            due_at: r.try_get(0)?,
            given_at: r.try_get(1)?,
            dose_milli: r.try_get(2)?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(inputs)
}

/// Who is asking for a check, as far as the check cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Acting<'a> {
    /// The staff badge the caller holds: the token's (`bedside token create --badge`) or
    /// the one the signed-in person linked; the giver's badge must be this one.
    pub badge: Option<&'a str>,
    /// How the second checker confirmed who they are.
    pub checker: bedside_ward::medicines::CheckerConfirmation,
}

/// Runs every check for `acting`; `now` is the server clock.
///
/// # Errors
/// [`RequestError`] for unusable input (422), [`CheckError`] for database failures.
pub async fn evaluate(
    ident: &Identifier,
    req: &AdministrationRequest,
    open_record: Option<&bedside_patient::NhsNumber>,
    acting: &Acting<'_>,
    now: i64,
) -> Result<Result<Evaluation, RequestError>, CheckError> {
    let quantity_milli = match validate(req) {
        Ok(q) => q,
        Err(e) => return Ok(Err(e)),
    };
    let identification = ident.identify(&req.patient_scan, open_record).await;
    let scans = read_scans(req, ident.gs_substitute.as_deref(), now);
    let inputs = load(&ident.db, req, &scans, identification, acting, now).await?;
    Ok(Ok(check(req, quantity_milli, &scans, &inputs, now)))
}

/// What recording did.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// The administration row id.
    pub administration_id: i64,
    /// True when this was a retry of an already recorded dose (same pack, order, due time).
    pub replayed: bool,
    /// The audit row.
    pub decision_id: i64,
}

/// Why recording was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordRefusal {
    /// The checks refuse it.
    Refused(Evaluation, RefusalCode),
    /// The dose was recorded by someone else meanwhile (unique constraint).
    Duplicate(Evaluation),
    /// Another dose of this medicine was recorded for the patient after the checks read
    /// its doses (another nurse, another instance): the time checks no longer hold.
    RecordedMeanwhile(Evaluation),
}

/// Records a checked dose: the insert and its audit row commit together; the
/// `(order_id, due_at)` unique constraint lets exactly one of two concurrent records land.
///
/// # Errors
/// Database failures.
pub async fn record(
    ident: &Identifier,
    mut ev: Evaluation,
    override_reason: Option<&str>,
    actor: &str,
    now: i64,
) -> Result<Result<(Evaluation, Recorded), RecordRefusal>, sqlx::Error> {
    let db = &ident.db;
    // Idempotent retry: the same pack already recorded for this order and due time.
    if let (Some(order), Some(due), Some(pack)) = (&ev.order, ev.due_at, &ev.pack) {
        let row = sqlx::query("SELECT id, gtin, serial, staff_gsrn FROM administrations WHERE order_id = $1 AND due_at = $2")
            .bind(&order.id)
            .bind(due)
            .fetch_optional(&db.pool)
            .await?;
        if let Some(r) = row {
            let gtin: String = r.try_get(1)?;
            let serial: Option<String> = r.try_get(2)?;
            let staff: String = r.try_get(3)?;
            if gtin == pack.gtin
                && serial.is_some()
                && serial == pack.serial
                && Some(&staff) == ev.internal.staff_gsrn.as_ref()
            {
                let id: i64 = r.try_get(0)?;
                let seq = crate::audit::append(
                    db,
                    actor,
                    "administration.replayed",
                    &json!({"administration_id": id}),
                )
                .await?;
                return Ok(Ok((
                    ev,
                    Recorded {
                        administration_id: id,
                        replayed: true,
                        decision_id: seq,
                    },
                )));
            }
        }
    }
    let override_reason = match may_record(&ev, override_reason) {
        Ok(r) => r,
        Err(code) => return Ok(Err(RecordRefusal::Refused(ev, code))),
    };
    let (Some(order), Some(due), Some(pack), Some(nhs), Some(staff)) = (
        ev.order.clone(),
        ev.due_at,
        ev.pack.clone(),
        ev.internal.nhs_number.clone(),
        ev.internal.staff_gsrn.clone(),
    ) else {
        return Ok(Err(RecordRefusal::Refused(
            ev,
            RefusalCode::AdministrationRefused,
        )));
    };
    ev.internal.facts.override_reason = Some(override_reason);
    let mut tx = db.pool.begin().await?;
    // The time checks read the patient's doses of this medicine before this transaction.
    // Take their orders for it as a lock (a second record waits here, on any instance),
    // read the doses again, and refuse if one was recorded meanwhile: two PRN doses either
    // side of a slot boundary, or two regular doses of overlapping windows, would
    // otherwise both pass their checks and both be stored.
    let lock = match db.backend {
        crate::db::Backend::Postgres => {
            "SELECT id FROM orders WHERE nhs_number = $1 AND level = $2 AND dmd_id = $3 ORDER BY id FOR UPDATE"
        }
        // SQLite has one writer: a write as the transaction's first statement takes it.
        crate::db::Backend::Sqlite => {
            "UPDATE orders SET status = status WHERE nhs_number = $1 AND level = $2 AND dmd_id = $3"
        }
    };
    sqlx::query(lock)
        .bind(&nhs)
        .bind(order.level.as_str())
        .bind(&order.vmp_id)
        .execute(&mut *tx)
        .await?;
    let doses = dose_state(
        &sqlx::query(DOSES_SQL)
            .bind(&nhs)
            .bind(order.level.as_str())
            .bind(&order.vmp_id)
            .fetch_one(&mut *tx)
            .await?,
    )?;
    if Some(doses) != ev.internal.doses_seen {
        // The same dose (this order, this due time) is a duplicate; any other dose of
        // the medicine changes what the time checks said.
        let same_dose =
            sqlx::query("SELECT 1 FROM administrations WHERE order_id = $1 AND due_at = $2")
                .bind(&order.id)
                .bind(due)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        let _ = tx.rollback().await;
        return Ok(Err(if same_dose {
            RecordRefusal::Duplicate(ev)
        } else {
            RecordRefusal::RecordedMeanwhile(ev)
        }));
    }
    // What was given, as the catalogue says today: the AMP when the pack is known at that
    // level, else its VMP.
    let medicine = ev.internal.product.as_ref().map(|p| match &p.amp_id {
        Some(amp) => ("amp", amp.clone(), p.name.clone()),
        None => ("vmp", p.vmp_id.clone(), p.vmp_name.clone()),
    });
    let dose_unit = ev
        .internal
        .product
        .as_ref()
        .map(|p| p.strength_unit.clone());
    let inserted = sqlx::query("INSERT INTO administrations (order_id, nhs_number, due_at, given_at, gtin, batch, expiry, serial, quantity_milli, dose_milli, staff_gsrn, checker_gsrn, location_gln, location_ext, override_reason, token_id, medicine_level, medicine_id, medicine_name, dose_unit, route, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $4) RETURNING id")
        .bind(&order.id)
        .bind(&nhs)
        .bind(due)
        .bind(now)
        .bind(&pack.gtin)
        .bind(pack.batch.clone())
        .bind(pack.expiry.clone())
        .bind(pack.serial.clone())
        .bind(ev.internal.quantity_milli)
        .bind(ev.internal.dose_milli)
        .bind(&staff)
        .bind(ev.internal.checker_gsrn.clone())
        .bind(ev.internal.location.as_ref().map(|l| l.0.clone()))
        .bind(ev.internal.location.as_ref().map(|l| l.1.clone()))
        .bind(override_reason.map(OverrideReason::as_str))
        .bind(actor)
        .bind(medicine.as_ref().map(|m| m.0))
        .bind(medicine.as_ref().map(|m| m.1.clone()))
        .bind(medicine.as_ref().map(|m| m.2.clone()))
        .bind(dose_unit)
        .bind(ev.internal.route.clone())
        .fetch_one(&mut *tx)
        .await;
    let id: i64 = match inserted {
        Ok(r) => r.try_get(0)?,
        Err(e) if crate::db::is_unique_violation(&e) => {
            let _ = tx.rollback().await;
            return Ok(Err(RecordRefusal::Duplicate(ev)));
        }
        Err(e) => return Err(e),
    };
    let mut facts = ev.internal.facts.clone();
    facts.administration_id = Some(id);
    let seq = crate::audit::append_in(&mut tx, actor, "administration.recorded", &facts).await?;
    // The EPR is told from the outbox, queued here so that it exists exactly when the
    // record does (a record made while no EPR is configured is never queued).
    if let Some(epr) = db.epr() {
        crate::outbox::enqueue(&mut tx, epr, id, crate::outbox::Action::Add, now).await?;
    }
    tx.commit().await?;
    Ok(Ok((
        ev,
        Recorded {
            administration_id: id,
            replayed: false,
            decision_id: seq,
        },
    )))
}
