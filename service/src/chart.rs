//! The ward's chart of one patient (`GET /v1/patients/{nhs_number}/medications`): the
//! allergy status and allergies first, then every order that is active or on hold, with
//! its medicine as dm+d names it, dose, route, times (or as-needed with its interval),
//! the next due time and the last dose given and by whom. Reading it is a record view:
//! audited (`patient.medications.read`) before anything is answered.

use bedside_ward::medicines::{OrderKind, amount, nearest_due};
use sqlx::Row;

use crate::db::Db;

/// One allergy on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartAllergy {
    /// The substance's name as recorded (or its code when none was sent).
    pub substance: String,
    /// `dmd` or `snomed`.
    pub system: String,
    /// The substance's code.
    pub code: String,
    /// `low`, `high` or `unable-to-assess`.
    pub criticality: String,
    /// `active`, `inactive` or `resolved`.
    pub clinical_status: String,
    /// Reactions as recorded.
    pub reactions: Vec<String>,
}

/// The last dose given under an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastGiven {
    /// When (Unix ms).
    pub at: i64,
    /// Who gave it: the badge holder's name, or their badge number if the badge register
    /// no longer has them.
    pub by: String,
}

/// One order on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartOrder {
    /// Order id (as `order_id` in the administration check).
    pub id: String,
    /// The medicine as dm+d names it in the current release (the id when it does not).
    pub medicine: String,
    /// `vtm`, `vmp` or `amp`.
    pub level: String,
    /// The dm+d id.
    pub dmd_id: String,
    /// The dose in words (`1 g`, `2.5 mg to 5 mg`).
    pub dose: String,
    /// Route.
    pub route: String,
    /// Regular or as needed.
    pub kind: OrderKind,
    /// Regular: London `HH:MM` times.
    pub times: Vec<String>,
    /// As needed: minimum minutes between doses, when set.
    pub min_interval_minutes: Option<i64>,
    /// As needed: most doses in 24 hours, when set.
    pub max_per_24h: Option<i64>,
    /// As needed: most amount in 24 hours (`4 g`), when set.
    pub max_amount_24h: Option<String>,
    /// `active` or `on-hold`.
    pub status: String,
    /// Regular: the nearest due time (Unix ms); as needed: the earliest next dose after
    /// the minimum interval, when one was given.
    pub next_due: Option<i64>,
    /// The last dose given under this order.
    pub last_given: Option<LastGiven>,
}

/// A patient's chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// NHS number.
    pub nhs_number: String,
    /// `not_recorded`, `none_known` or `recorded`.
    pub allergy_status: String,
    /// Allergies, active first.
    pub allergies: Vec<ChartAllergy>,
    /// Orders active or on hold.
    pub orders: Vec<ChartOrder>,
}

/// Audit facts of a chart read.
#[derive(Debug, serde::Serialize)]
struct ChartRead<'a> {
    nhs_number: &'a str,
    orders: usize,
    allergy_status: &'a str,
}

/// Reads the chart of `nhs_number`, audits the read (actor `actor`) and returns it;
/// `None` when no patient record has this NHS number (the miss is audited too).
///
/// # Errors
/// Database errors (nothing is returned then).
pub async fn read(
    db: &Db,
    nhs_number: &str,
    actor: &str,
    now: i64,
) -> Result<Option<Chart>, sqlx::Error> {
    let known = sqlx::query("SELECT COUNT(*) FROM patients WHERE nhs_number = $1")
        .bind(nhs_number)
        .fetch_one(&db.pool)
        .await?
        .try_get::<i64, _>(0)?
        > 0;
    if !known {
        crate::audit::append(
            db,
            actor,
            "patient.medications.read",
            &ChartRead {
                nhs_number,
                orders: 0,
                allergy_status: "unknown_patient",
            },
        )
        .await?;
        return Ok(None);
    }
    let allergy_status = sqlx::query("SELECT status FROM allergy_status WHERE nhs_number = $1")
        .bind(nhs_number)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()?
        .unwrap_or_else(|| "not_recorded".to_owned());
    let allergies = sqlx::query("SELECT display, system, code, criticality, clinical_status, reactions FROM allergies WHERE nhs_number = $1 ORDER BY CASE clinical_status WHEN 'active' THEN 0 ELSE 1 END, code")
        .bind(nhs_number)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            let code: String = r.try_get(2)?;
            Ok(ChartAllergy {
                substance: r.try_get::<Option<String>, _>(0)?.unwrap_or_else(|| code.clone()),
                system: r.try_get(1)?,
                code,
                criticality: r.try_get(3)?,
                clinical_status: r.try_get(4)?,
                reactions: serde_json::from_str(&r.try_get::<String, _>(5)?).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let version: Option<i64> = sqlx::query("SELECT version FROM catalogue_current WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let rows = sqlx::query("SELECT id, level, dmd_id, dose_milli, dose_max_milli, dose_unit, route, kind, times, min_interval_minutes, max_per_24h, status, max_amount_24h_milli FROM orders WHERE nhs_number = $1 AND status IN ('active', 'on-hold') ORDER BY id")
        .bind(nhs_number)
        .fetch_all(&db.pool)
        .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get(0)?;
        let level: String = r.try_get(1)?;
        let dmd_id: String = r.try_get(2)?;
        let medicine = match (version, level.as_str()) {
            (Some(v), "vtm" | "vmp" | "amp") => {
                let (table, col) = match level.as_str() {
                    "vtm" => ("dmd_vtm", "vtmid"),
                    "vmp" => ("dmd_vmp", "vpid"),
                    _ => ("dmd_amp", "apid"),
                };
                sqlx::query(&format!(
                    "SELECT name FROM {table} WHERE version = $1 AND {col} = $2"
                ))
                .bind(v)
                .bind(&dmd_id)
                .fetch_optional(&db.pool)
                .await?
                .map(|r| r.try_get::<String, _>(0))
                .transpose()?
            }
            _ => None,
        }
        .unwrap_or_else(|| dmd_id.clone());
        let dose_milli: i64 = r.try_get(3)?;
        let dose_max: Option<i64> = r.try_get(4)?;
        let unit: String = r.try_get(5)?;
        let dose = match dose_max {
            Some(m) if m != dose_milli => {
                format!("{} to {}", amount(dose_milli, &unit), amount(m, &unit))
            }
            _ => amount(dose_milli, &unit),
        };
        let kind = OrderKind::parse(&r.try_get::<String, _>(7)?);
        let times_text: String = r.try_get(8)?;
        let min_interval: i64 = r.try_get(9)?;
        let max_24h: i64 = r.try_get(10)?;
        let max_amount: Option<i64> = r.try_get(12)?;
        let last = sqlx::query("SELECT a.given_at, s.name, a.staff_gsrn FROM administrations a LEFT JOIN staff s ON s.gsrn = a.staff_gsrn WHERE a.order_id = $1 ORDER BY a.given_at DESC LIMIT 1")
            .bind(&id)
            .fetch_optional(&db.pool)
            .await?;
        let last_given = last
            .map(|l| {
                Ok::<_, sqlx::Error>(LastGiven {
                    at: l.try_get(0)?,
                    by: match l.try_get::<Option<String>, _>(1)? {
                        Some(name) => name,
                        None => format!("badge {}", l.try_get::<String, _>(2)?),
                    },
                })
            })
            .transpose()?;
        let next_due = match kind {
            OrderKind::Regular => nearest_due(&times_text, now).map(|s| s.at),
            OrderKind::Prn => last_given
                .as_ref()
                .filter(|_| min_interval > 0)
                .map(|l| l.at + min_interval * crate::clock::MINUTE_MS),
        };
        orders.push(ChartOrder {
            id,
            medicine,
            level,
            dmd_id,
            dose,
            route: r.try_get(6)?,
            kind,
            times: times_text
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            min_interval_minutes: (min_interval > 0).then_some(min_interval),
            max_per_24h: (max_24h > 0).then_some(max_24h),
            max_amount_24h: max_amount.map(|m| amount(m, &unit)),
            status: r.try_get(11)?,
            next_due,
            last_given,
        });
    }
    crate::audit::append(
        db,
        actor,
        "patient.medications.read",
        &ChartRead {
            nhs_number,
            orders: orders.len(),
            allergy_status: &allergy_status,
        },
    )
    .await?;
    Ok(Some(Chart {
        nhs_number: nhs_number.to_owned(),
        allergy_status,
        allergies,
        orders,
    }))
}
