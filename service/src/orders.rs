//! Prescriptions from the EPMA, stored: an order read by `bedside-orders` (HL7 `RDE^O11` /
//! `OMP^O09` over the feed listener, or FHIR `MedicationRequest` over HTTP) is checked
//! against the patient index and the current dm+d catalogue and written in the caller's
//! transaction, so that the caller's acknowledgement (HL7 `AA`, HTTP 2xx) follows the
//! commit. Anything that cannot be stored faithfully is refused with the element it came
//! from, never guessed: an unknown patient or dm+d code, a unit or route the catalogue
//! does not know, a regular order without clock times, a 24-hour cap by amount.

use bedside_orders::model::{DoseUnit, Max24h, Order, OrderId, OrderStatus, Schedule};
use sqlx::{AnyConnection, Row};

/// Where a refused element is, in both wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// The patient (HL7 PID-3; FHIR `subject.identifier`).
    Patient,
    /// The medicine (HL7 RXE-2; FHIR `medicationCodeableConcept`).
    Medication,
    /// The dose unit (HL7 RXE-5; FHIR `doseAndRate[0].doseQuantity`).
    DoseUnit,
    /// The route (HL7 RXR-1; FHIR `dosageInstruction[0].route`).
    Route,
    /// The timing (HL7 TQ1; FHIR `dosageInstruction[0].timing`).
    Timing,
    /// The 24-hour cap (HL7 RXE-19; FHIR `maxDosePerPeriod`).
    Max24h,
    /// The order's identity (HL7 ORC-2; FHIR `id`).
    Order,
    /// What is asked of the order's status (HL7 ORC-1; FHIR `status`).
    Status,
}

impl Element {
    /// HL7 ERR-2 location for the order's `occurrence` (1-based) in its message.
    #[must_use]
    pub fn hl7_location(self, occurrence: usize) -> String {
        match self {
            Element::Patient => "PID^1^3".to_owned(),
            Element::Medication => format!("RXE^{occurrence}^2"),
            Element::DoseUnit => format!("RXE^{occurrence}^5"),
            Element::Route => format!("RXR^{occurrence}^1"),
            Element::Timing => format!("TQ1^{occurrence}"),
            Element::Max24h => format!("RXE^{occurrence}^19"),
            Element::Order => format!("ORC^{occurrence}^2"),
            Element::Status => format!("ORC^{occurrence}^1"),
        }
    }

    /// FHIRPath of the element in a `MedicationRequest`.
    #[must_use]
    pub fn fhir_expression(self) -> &'static str {
        match self {
            Element::Patient => "MedicationRequest.subject.identifier",
            Element::Medication => "MedicationRequest.medicationCodeableConcept",
            Element::DoseUnit => "MedicationRequest.dosageInstruction[0].doseAndRate[0]",
            Element::Route => "MedicationRequest.dosageInstruction[0].route",
            Element::Timing => "MedicationRequest.dosageInstruction[0].timing",
            Element::Max24h => "MedicationRequest.dosageInstruction[0].maxDosePerPeriod",
            Element::Order => "MedicationRequest.id",
            Element::Status => "MedicationRequest.status",
        }
    }
}

/// Why an order was not stored.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The order cannot be stored as sent (an HL7 `AE` with ERR; FHIR 422). Messages carry
    /// codes and rules, never patient data.
    #[error("{message}")]
    Refused {
        /// Which element.
        element: Element,
        /// HL7 table 0357 code: 204 unknown key, 103 table value not found, 207 other.
        code: u16,
        /// What is wrong, in words.
        message: String,
    },
    /// The database failed (HL7 `AE`, HTTP 503): nothing was kept.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn refuse(element: Element, code: u16, message: impl Into<String>) -> OrderError {
    OrderError::Refused {
        element,
        code,
        message: message.into(),
    }
}

/// Where a stored order came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// HL7 v2 over the feed listener.
    Hl7,
    /// FHIR over HTTP.
    Fhir,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Hl7 => "hl7",
            Source::Fhir => "fhir",
        }
    }
}

/// The id the ward sees for an EPMA order: `namespace:number`.
#[must_use]
pub fn order_key(id: &OrderId) -> String {
    format!("{}:{}", id.namespace, id.number)
}

/// What storing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new order.
    Created,
    /// The stored order replaced.
    Replaced,
    /// The stored version is newer (its stated time is later): left alone.
    Stale,
}

async fn current_version(conn: &mut AnyConnection) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT version FROM catalogue_current WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

/// The level and current id of a dm+d id in the current release (a previous VTM or VMP
/// id maps to its current one).
async fn resolve_medicine(
    conn: &mut AnyConnection,
    version: i64,
    id: &str,
) -> Result<Option<(&'static str, String)>, sqlx::Error> {
    let mut id = id.to_owned();
    if let Some(r) = sqlx::query(
        "SELECT current FROM dmd_previous WHERE version = $1 AND previous = $2 AND kind IN ('vtm', 'vmp')",
    )
    .bind(version)
    .bind(&id)
    .fetch_optional(&mut *conn)
    .await?
    {
        id = r.try_get(0)?;
    }
    for (level, table, col) in [
        ("vtm", "dmd_vtm", "vtmid"),
        ("vmp", "dmd_vmp", "vpid"),
        ("amp", "dmd_amp", "apid"),
    ] {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {table} WHERE version = $1 AND {col} = $2 AND invalid = 0"
        ))
        .bind(version)
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        if n > 0 {
            return Ok(Some((level, id)));
        }
    }
    Ok(None)
}

async fn lookup(
    conn: &mut AnyConnection,
    version: i64,
    table: &str,
    code: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT description FROM dmd_lookup WHERE version = $1 AND tbl = $2 AND code = $3")
        .bind(version)
        .bind(table)
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

/// The unit name the catalogue's strengths use (dm+d `UNIT_OF_MEASURE` descriptions) for a
/// UCUM code, for the units a ward doses by.
/// `milli` thousandths of `from` in thousandths of `to`: the same unit, or two units of
/// mass (or of volume) converted exactly; `None` for units that cannot be compared or an
/// amount that is not a whole number of thousandths of `to`.
fn in_unit(milli: i64, from: &str, to: &str) -> Option<i64> {
    if from == to {
        return Some(milli);
    }
    // Nanograms and microlitres per unit.
    let scale = |u: &str| -> Option<(char, i128)> {
        Some(match u {
            "gram" => ('m', 1_000_000_000),
            "mg" => ('m', 1_000_000),
            "microgram" => ('m', 1_000),
            "nanogram" => ('m', 1),
            "litre" => ('v', 1_000_000),
            "ml" => ('v', 1_000),
            _ => return None,
        })
    };
    let ((kf, f), (kt, t)) = (scale(from)?, scale(to)?);
    if kf != kt {
        return None;
    }
    let scaled = i128::from(milli) * f;
    if scaled % t != 0 {
        return None;
    }
    i64::try_from(scaled / t).ok()
}

fn ucum_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "mg" => "mg",
        "ug" | "mcg" => "microgram",
        "g" => "gram",
        "ng" => "nanogram",
        "mL" | "ml" => "ml",
        "L" | "l" => "litre",
        _ => return None,
    })
}

/// London `HH:MM` times every `minutes` from `start`'s time of day, for an "every N hours"
/// order without clock times; `None` unless `minutes` divides the day.
fn times_every(minutes: u32, start: i64) -> Option<String> {
    if minutes == 0 || 1440 % minutes != 0 {
        return None;
    }
    let first = crate::clock::london_hhmm(start);
    let (h, m) = first.split_once(':')?;
    let base = h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?;
    let mut all: Vec<u32> = (0..1440 / minutes)
        .map(|i| (base + i * minutes) % 1440)
        .collect();
    all.sort_unstable();
    Some(
        all.iter()
            .map(|t| format!("{:02}:{:02}", t / 60, t % 60))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Checks `order` against the index and the catalogue and writes it (replacing a stored
/// version of the same `(namespace, number)` unless that one was stated later), in the
/// caller's transaction. `resource` is the FHIR form kept for `GET` (FHIR orders).
///
/// # Errors
/// [`OrderError::Refused`] naming the element; [`OrderError::Db`].
pub async fn upsert(
    conn: &mut AnyConnection,
    order: &Order,
    source: Source,
    resource: Option<&str>,
    now: i64,
) -> Result<Stored, OrderError> {
    let patient = sqlx::query("SELECT merged_into FROM patients WHERE nhs_number = $1")
        .bind(&order.nhs_number)
        .fetch_optional(&mut *conn)
        .await?;
    match patient {
        None => {
            return Err(refuse(
                Element::Patient,
                204,
                "unknown patient: no record has this NHS number",
            ));
        }
        Some(r) if r.try_get::<Option<String>, _>(0)?.is_some() => {
            return Err(refuse(
                Element::Patient,
                204,
                "this NHS number was merged into another record: send the order for the surviving number",
            ));
        }
        Some(_) => {}
    }
    let Some(version) = current_version(conn).await? else {
        return Err(refuse(
            Element::Medication,
            207,
            "no dm+d release is loaded: orders cannot be checked against the catalogue",
        ));
    };
    let Some((level, dmd_id)) = resolve_medicine(conn, version, &order.medication.code.0).await?
    else {
        return Err(refuse(
            Element::Medication,
            103,
            "not a valid dm+d VTM, VMP or AMP id in the current release",
        ));
    };
    let dose_unit = match &order.dose.min.unit {
        DoseUnit::Ucum(code) => ucum_name(code).map(str::to_owned),
        DoseUnit::Dmd(code) => lookup(conn, version, "UNIT_OF_MEASURE", code).await?,
    };
    let Some(dose_unit) = dose_unit else {
        return Err(refuse(
            Element::DoseUnit,
            103,
            "a dose unit the catalogue does not know",
        ));
    };
    let Some(route) = lookup(conn, version, "ROUTE", &order.route.snomed).await? else {
        return Err(refuse(
            Element::Route,
            103,
            "a route not in the dm+d route list",
        ));
    };
    let route = route.to_lowercase();
    let starts_at = order.starts_at.or(order.stated_at).unwrap_or(now);
    let mut max_amount_24h: Option<i64> = None;
    let (kind, times, min_interval, max_24h) = match &order.schedule {
        Schedule::Times(t) => (
            "regular",
            t.iter()
                .map(|x| format!("{:02}:{:02}", x.hour, x.minute))
                .collect::<Vec<_>>()
                .join(","),
            0_i64,
            0_i64,
        ),
        Schedule::Every { minutes } => match times_every(*minutes, starts_at) {
            Some(t) => ("regular", t, 0, 0),
            None => {
                return Err(refuse(
                    Element::Timing,
                    207,
                    "a regular order needs clock times (TQ1-4 / timeOfDay), or an interval that divides the day",
                ));
            }
        },
        Schedule::AsNeeded {
            min_interval_minutes,
            max_24h,
            ..
        } => {
            let max = match max_24h {
                None => 0,
                Some(Max24h::Doses(n)) => i64::from(*n),
                Some(Max24h::Amount(cap)) => {
                    let unit = match &cap.unit {
                        DoseUnit::Ucum(code) => ucum_name(code).map(str::to_owned),
                        DoseUnit::Dmd(code) => {
                            lookup(conn, version, "UNIT_OF_MEASURE", code).await?
                        }
                    };
                    let Some(unit) = unit else {
                        return Err(refuse(
                            Element::Max24h,
                            103,
                            "the 24-hour maximum's unit is not one the catalogue knows",
                        ));
                    };
                    let Some(milli) = in_unit(cap.milli, &unit, &dose_unit) else {
                        return Err(refuse(
                            Element::Max24h,
                            207,
                            format!(
                                "the 24-hour maximum is in {unit}, which cannot be compared with the dose's {dose_unit}"
                            ),
                        ));
                    };
                    if milli < order.dose.min.milli {
                        return Err(refuse(
                            Element::Max24h,
                            207,
                            "the 24-hour maximum is less than one dose",
                        ));
                    }
                    max_amount_24h = Some(milli);
                    0
                }
            };
            (
                "prn",
                String::new(),
                i64::from(min_interval_minutes.unwrap_or(0)),
                max,
            )
        }
    };
    let key = order_key(&order.id);
    let stored = sqlx::query(
        "SELECT nhs_number, stated_at, status FROM orders WHERE namespace = $1 AND number = $2",
    )
    .bind(&order.id.namespace)
    .bind(&order.id.number)
    .fetch_optional(&mut *conn)
    .await?;
    let mut status = order.status.as_str().to_owned();
    let existed = match stored {
        Some(r) => {
            let nhs: String = r.try_get(0)?;
            if nhs != order.nhs_number {
                return Err(refuse(
                    Element::Patient,
                    204,
                    "this order id belongs to another patient's order",
                ));
            }
            let stated: Option<i64> = r.try_get(1)?;
            if let (Some(old), Some(new)) = (stated, order.stated_at)
                && old > new
            {
                return Ok(Stored::Stale);
            }
            let current: String = r.try_get(2)?;
            if is_final(&current) && current != status {
                return Err(refuse(
                    Element::Status,
                    207,
                    format!("the order is {current}: it cannot be changed back; send a new order"),
                ));
            }
            // HL7 NW/XO change what is prescribed, not whether it may be given: a held or
            // stopped order stays so until HD/RL/CA/DC say otherwise. FHIR states the
            // status in every version of the resource.
            if source == Source::Hl7 {
                status = current;
            }
            true
        }
        None => false,
    };
    sqlx::query("INSERT INTO orders (id, namespace, number, source, nhs_number, level, dmd_id, dose_milli, dose_max_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, status, starts_at, ends_at, stated_at, resource, updated_at, max_amount_24h_milli) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 60, $14, $15, $16, $17, $18, $19, $20, $21, $22) ON CONFLICT (namespace, number) DO UPDATE SET max_amount_24h_milli = excluded.max_amount_24h_milli, level = excluded.level, dmd_id = excluded.dmd_id, dose_milli = excluded.dose_milli, dose_max_milli = excluded.dose_max_milli, dose_unit = excluded.dose_unit, route = excluded.route, kind = excluded.kind, times = excluded.times, min_interval_minutes = excluded.min_interval_minutes, max_per_24h = excluded.max_per_24h, status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at, stated_at = excluded.stated_at, resource = excluded.resource, updated_at = excluded.updated_at")
        .bind(&key)
        .bind(&order.id.namespace)
        .bind(&order.id.number)
        .bind(source.as_str())
        .bind(&order.nhs_number)
        .bind(level)
        .bind(&dmd_id)
        .bind(order.dose.min.milli)
        .bind(order.dose.max_milli)
        .bind(&dose_unit)
        .bind(&route)
        .bind(kind)
        .bind(&times)
        .bind(min_interval)
        .bind(max_24h)
        .bind(&status)
        .bind(starts_at)
        .bind(order.ends_at)
        .bind(order.stated_at)
        .bind(resource)
        .bind(now)
        .bind(max_amount_24h)
        .execute(&mut *conn)
        .await?;
    Ok(if existed {
        Stored::Replaced
    } else {
        Stored::Created
    })
}

/// Whether an order status is final: a cancelled, stopped, completed or entered-in-error
/// order is never given against again, whatever arrives later.
fn is_final(status: &str) -> bool {
    matches!(
        status,
        "cancelled" | "stopped" | "completed" | "entered-in-error"
    )
}

/// Sets a stored order's status (HL7 `CA`, `DC`, `HD`, `RL`), in the caller's transaction.
/// `RL` releases only a held order; `HD`, `CA` and `DC` apply only to a live (active or
/// held) one; a final status never changes.
///
/// # Errors
/// [`OrderError::Refused`] when there is no such order for this patient, or the change is
/// not allowed from the order's status.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: &OrderId,
    nhs_number: &str,
    status: OrderStatus,
    stated_at: Option<i64>,
    now: i64,
) -> Result<Stored, OrderError> {
    let stored = sqlx::query(
        "SELECT nhs_number, stated_at, status FROM orders WHERE namespace = $1 AND number = $2",
    )
    .bind(&id.namespace)
    .bind(&id.number)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = stored else {
        return Err(refuse(Element::Order, 204, "no such order"));
    };
    if r.try_get::<String, _>(0)? != nhs_number {
        return Err(refuse(
            Element::Order,
            204,
            "this order is another patient's",
        ));
    }
    let old: Option<i64> = r.try_get(1)?;
    if let (Some(old), Some(new)) = (old, stated_at)
        && old > new
    {
        return Ok(Stored::Stale);
    }
    let current: String = r.try_get(2)?;
    let target = status.as_str();
    if current == target {
        // Said again (a resend under a new MSH-10): nothing changes.
        return Ok(Stored::Replaced);
    }
    let allowed = match status {
        // Release only what is held.
        OrderStatus::Active => current == "on-hold",
        // Hold, cancel or discontinue only what is still live.
        _ => current == "active" || current == "on-hold",
    };
    if !allowed {
        return Err(refuse(
            Element::Status,
            207,
            format!("the order is {current}: it cannot become {target}"),
        ));
    }
    sqlx::query("UPDATE orders SET status = $1, stated_at = COALESCE($2, stated_at), updated_at = $3 WHERE namespace = $4 AND number = $5")
        .bind(status.as_str())
        .bind(stated_at)
        .bind(now)
        .bind(&id.namespace)
        .bind(&id.number)
        .execute(&mut *conn)
        .await?;
    Ok(Stored::Replaced)
}

/// The FHIR resource kept for a FHIR-sourced order.
///
/// # Errors
/// Database errors.
pub async fn fhir_resource(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query(
        "SELECT resource FROM orders WHERE namespace = $1 AND number = $2 AND resource IS NOT NULL",
    )
    .bind(bedside_orders::fhir::FHIR_ORDER_NAMESPACE)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get(0))
    .transpose()
}

/// The FHIR resources of a patient's FHIR-sourced orders, by id.
///
/// # Errors
/// Database errors.
pub async fn fhir_resources_for(
    conn: &mut AnyConnection,
    nhs_number: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT resource FROM orders WHERE namespace = $1 AND nhs_number = $2 AND resource IS NOT NULL ORDER BY number")
        .bind(bedside_orders::fhir::FHIR_ORDER_NAMESPACE)
        .bind(nhs_number)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_n_hours_from_the_first_dose() {
        // 2026-01-15 08:00 GMT.
        let start = crate::clock::parse_instant("2026-01-15T08:00:00Z").unwrap_or(0);
        assert_eq!(
            times_every(360, start).as_deref(),
            Some("02:00,08:00,14:00,20:00")
        );
        assert_eq!(times_every(7 * 60, start), None);
        assert_eq!(times_every(0, start), None);
    }

    #[test]
    fn amounts_in_the_dose_unit() {
        assert_eq!(in_unit(4_000, "gram", "mg"), Some(4_000_000));
        assert_eq!(in_unit(4_000_000, "mg", "mg"), Some(4_000_000));
        assert_eq!(in_unit(500_000, "mg", "gram"), Some(500));
        assert_eq!(
            in_unit(500, "mg", "gram"),
            None,
            "half a thousandth of a gram"
        );
        assert_eq!(in_unit(1_500, "mg", "microgram"), Some(1_500_000));
        assert_eq!(
            in_unit(1, "microgram", "mg"),
            None,
            "not a whole thousandth of a mg"
        );
        assert_eq!(in_unit(20_000, "ml", "litre"), Some(20));
        assert_eq!(in_unit(1_000, "gram", "ml"), None, "mass and volume");
        assert_eq!(in_unit(1_000, "tablet", "mg"), None);
    }

    #[test]
    fn hl7_locations() {
        assert_eq!(Element::Medication.hl7_location(2), "RXE^2^2");
        assert_eq!(Element::Patient.hl7_location(1), "PID^1^3");
    }
}
