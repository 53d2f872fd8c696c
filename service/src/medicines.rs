//! The medicines administration check (the five rights and product safety) and the
//! record of a dose given.
//!
//! Checks, each a [`Problem`] with a machine code, a severity and words a tired nurse
//! understands: right patient (the full identification of [`crate::identify`]), right
//! medicine (GTIN → product catalogue → dm+d-style VMP → an active order for this
//! patient), right dose (strength × quantity), right route, right time (regular due window,
//! PRN minimum interval and 24-hour maximum, no duplicate), expiry (day `00` = end of
//! month, judged on the latest UK date), batch recall (block or warn), serial not already
//! used, staff badge known, second checker for high-risk medicines.
//!
//! Severity `block` can never be overridden; `warn` needs an override reason code to
//! record. A dose is identified by `(order, due time)`; the database's unique constraint on
//! that pair makes two concurrent records of one dose impossible.

use bedside_gs1::dict::Dictionary;
use bedside_gs1::keys::{Location, MedicinePack, StaffBadge};
use bedside_gs1::{Content, Options, Parser};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::clock::{LocalResolution, MINUTE_MS, Ymd, london_instant, uk_today_conservative};
use crate::identify::{ConfirmPatient, Decision, Identifier, Reason};

/// Override reason codes accepted for `warn` problems.
pub const OVERRIDE_REASONS: [&str; 5] = [
    "prescriber_consulted",
    "clinical_need_documented",
    "timing_agreed_with_prescriber",
    "recall_notice_checked",
    "expiry_checked_on_pack",
];

/// Whether override reason `reason` answers the warning `code`.
///
/// A documented clinical need answers every warning (the universal fallback, so a dose
/// with warnings of several kinds can always be recorded with a reason); the others
/// answer only the warnings they are about: the prescriber for timing and documentation,
/// the recall notice for batch warnings, the pack for a missing expiry. An override's
/// reason then says something true about what was overridden.
///
/// ```
/// use bedside::medicines::override_answers;
/// assert!(override_answers("recall_notice_checked", "batch_warning"));
/// assert!(!override_answers("recall_notice_checked", "too_early"));
/// assert!(override_answers("clinical_need_documented", "expiry_not_in_barcode"));
/// assert!(!override_answers("made_up", "too_early"));
/// ```
#[must_use]
pub fn override_answers(reason: &str, code: &str) -> bool {
    const TIME: [&str; 4] = [
        "too_early",
        "too_late",
        "clock_change",
        "too_soon_after_last_dose",
    ];
    match reason {
        "clinical_need_documented" => true,
        "prescriber_consulted" => TIME.contains(&code) || code == "unknown_location",
        "timing_agreed_with_prescriber" => TIME.contains(&code),
        "recall_notice_checked" => matches!(code, "batch_warning" | "batch_not_in_barcode"),
        "expiry_checked_on_pack" => code == "expiry_not_in_barcode",
        _ => false,
    }
}

/// The request of both administration endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdministrationRequest {
    /// Wristband scan.
    pub patient_scan: String,
    /// Medicine pack scan.
    pub product_scan: String,
    /// Giver's staff badge scan (8017).
    pub staff_scan: String,
    /// Second checker's badge scan (high-risk medicines).
    #[serde(default)]
    pub checker_scan: Option<String>,
    /// Location scan (414 + 254).
    #[serde(default)]
    pub location_scan: Option<String>,
    /// Units given (tablets, ml, syringes…), e.g. 2 or 2.5.
    pub quantity: f64,
    /// Route of administration.
    pub route: String,
    /// The order, when the patient has several for this medicine.
    #[serde(default)]
    pub order_id: Option<String>,
    /// NHS number of the record open on screen.
    #[serde(default)]
    pub open_patient_nhs_number: Option<String>,
    /// Reason code overriding `warn` problems (recording only).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Never give.
    Block,
    /// Give only with an override reason.
    Warn,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which right: patient, medicine, dose, route, time, product, staff.
    pub right: &'static str,
    /// Machine code.
    pub code: &'static str,
    /// Block or warn.
    pub severity: Severity,
    /// Plain words. No patient identifiers.
    pub message: String,
    /// For `patient_not_confirmed`: the identification reasons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
}

fn block(right: &'static str, code: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        right,
        code,
        severity: Severity::Block,
        message: message.into(),
        reasons: Vec::new(),
    }
}

fn warn(right: &'static str, code: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Warn,
        ..block(right, code, message)
    }
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed.
    Give,
    /// Only `warn` problems: give only with an override reason.
    Warn,
    /// At least one `block` problem: do not give.
    Stop,
}

/// The order the dose belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct OrderInfo {
    /// Order id.
    pub id: String,
    /// VMP.
    pub vmp_id: String,
    /// Prescribed dose, e.g. `1 g`.
    pub dose: String,
    /// Route.
    pub route: String,
    /// `regular` or `prn`.
    pub kind: String,
}

/// The product scanned.
#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    /// GTIN.
    pub gtin: String,
    /// Product name, when known.
    pub name: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Expiry (`DD-Mmm-YYYY`, last valid day).
    pub expiry: Option<String>,
    /// Serial.
    pub serial: Option<String>,
    /// High risk.
    pub high_risk: bool,
}

/// The result of all checks.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Give, warn or stop.
    pub outcome: Outcome,
    /// Failed checks.
    pub problems: Vec<Problem>,
    /// The identity to confirm (only when the patient was matched).
    pub patient: Option<ConfirmPatient>,
    /// The order.
    pub order: Option<OrderInfo>,
    /// The pack.
    pub pack: Option<PackInfo>,
    /// The dose the scanned quantity gives, e.g. `1 g`.
    pub dose_given: Option<String>,
    /// Due time (Unix ms) of the dose this would record.
    pub due_at: Option<i64>,
    /// Due time for people, in London (`14:00 GMT on 25-Nov-2026`).
    pub due_display: Option<String>,
    /// Said when the clocks change on the due day: the scheduled time did not exist and
    /// was moved, or happened twice and means its first occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_note: Option<String>,
    /// For `warn`: the override reason codes that answer every warning (see
    /// [`override_answers`]); recording needs one of them. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub override_reasons: Vec<&'static str>,
    #[serde(skip)]
    pub(crate) internal: Internal,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Internal {
    pub(crate) nhs_number: Option<String>,
    pub(crate) staff_gsrn: Option<String>,
    pub(crate) checker_gsrn: Option<String>,
    pub(crate) location: Option<(String, String)>,
    pub(crate) quantity_milli: i64,
    pub(crate) dose_milli: i64,
    /// The patient's doses of the ordered medicine (all their orders for its VMP) as the
    /// checks read them: how many, and the latest `given_at`. Recording reads them again
    /// under a lock and refuses if they changed.
    pub(crate) doses_seen: Option<DoseState>,
    pub(crate) facts: serde_json::Map<String, serde_json::Value>,
}

/// How many doses of one medicine (a VMP) a patient has had from any of their orders,
/// and when the latest was given.
pub(crate) type DoseState = (i64, Option<i64>);

/// [`DoseState`] for `$1` (NHS number) and `$2` (VMP id).
const DOSES_SQL: &str = "SELECT COUNT(*), MAX(a.given_at) FROM administrations a JOIN orders o ON o.id = a.order_id WHERE o.nhs_number = $1 AND o.vmp_id = $2";

fn dose_state(r: &sqlx::any::AnyRow) -> Result<DoseState, sqlx::Error> {
    Ok((r.try_get(0)?, r.try_get(1)?))
}

/// The `(hour, minute)` of each time in a regular order's comma-separated `HH:MM` list
/// (blank entries skipped), or `None` when any time is malformed.
fn schedule_times(times: &str) -> Option<Vec<(u8, u8)>> {
    times
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (h, m) = t.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60).then_some((h, m))
        })
        .collect()
}

/// The shortest time between two consecutive doses of a regular order (minutes, across
/// midnight too; a day for a single time), or `None` when `times` is not a valid list.
///
/// ```
/// use bedside::medicines::shortest_gap_minutes;
/// assert_eq!(shortest_gap_minutes("08:00,14:00,22:00"), Some(360));
/// assert_eq!(shortest_gap_minutes("22:00, 06:00"), Some(480));
/// assert_eq!(shortest_gap_minutes("09:00"), Some(1440));
/// assert_eq!(shortest_gap_minutes("9am"), None);
/// ```
#[must_use]
pub fn shortest_gap_minutes(times: &str) -> Option<i64> {
    let mut minutes: Vec<i64> = schedule_times(times)?
        .into_iter()
        .map(|(h, m)| i64::from(h) * 60 + i64::from(m))
        .collect();
    minutes.sort_unstable();
    minutes.dedup();
    let first = *minutes.first()?;
    let last = *minutes.last()?;
    let wrap = first + 1440 - last;
    Some(minutes.windows(2).map(|w| w[1] - w[0]).fold(wrap, i64::min))
}

/// Formats thousandths of a unit: 1_000_000 mg → `1 g`, 500_000 → `500 mg`, 2_500 → `2.5 mg`.
#[must_use]
pub fn amount(milli: i64, unit: &str) -> String {
    let (v, u) = if unit == "mg" && milli >= 1_000_000 && milli % 1_000 == 0 {
        (milli / 1000, "g")
    } else {
        (milli, unit)
    };
    let whole = v / 1000;
    let frac = (v % 1000).abs();
    if frac == 0 {
        format!("{whole} {u}")
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{} {u}", f.trim_end_matches('0'))
    }
}

fn when(ms: i64) -> String {
    crate::clock::london_when(ms)
}

fn duration_words(ms: i64) -> String {
    let m = ms.abs() / MINUTE_MS;
    if m >= 60 {
        format!("{} h {} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

/// Why a request could not even be checked (the caller's fault: 422).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RequestError {
    /// A field is out of range.
    #[error("{0}")]
    Invalid(String),
}

/// Why checking failed for the service's own reasons (503).
#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct CheckError(#[from] pub sqlx::Error);

fn parse_gs1<'a>(parser: &Parser<'_>, scan: &'a str) -> Option<bedside_gs1::Message<'a>> {
    match parser.scan(scan.as_bytes()).ok()?.content {
        Content::Gs1(m) => Some(m),
        _ => None,
    }
}

struct OrderRow {
    id: String,
    nhs: String,
    vmp_id: String,
    dose_milli: i64,
    dose_unit: String,
    route: String,
    kind: String,
    times: String,
    window: i64,
    min_interval: i64,
    max_24h: i64,
    status: String,
    starts_at: i64,
    ends_at: Option<i64>,
}

fn order_from_row(r: &sqlx::any::AnyRow) -> Result<OrderRow, sqlx::Error> {
    Ok(OrderRow {
        id: r.try_get(0)?,
        nhs: r.try_get(1)?,
        vmp_id: r.try_get(2)?,
        dose_milli: r.try_get(3)?,
        dose_unit: r.try_get(4)?,
        route: r.try_get(5)?,
        kind: r.try_get(6)?,
        times: r.try_get(7)?,
        window: r.try_get(8)?,
        min_interval: r.try_get(9)?,
        max_24h: r.try_get(10)?,
        status: r.try_get(11)?,
        starts_at: r.try_get(12)?,
        ends_at: r.try_get(13)?,
    })
}

const ORDER_COLS: &str = "id, nhs_number, vmp_id, dose_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, status, starts_at, ends_at";

/// One scheduled dose of a regular order, resolved to an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSlot {
    /// The instant (Unix ms); with the order, the dose's identity.
    pub at: i64,
    /// The prescribed wall-clock time, e.g. `01:30`.
    pub label: String,
    /// How the wall-clock time became the instant on its day.
    pub resolution: LocalResolution,
    /// Other prescribed times of the same day that fall on the same instant (only
    /// possible when the clocks go forward: `01:30` moves onto `02:30`).
    pub collides_with: Vec<String>,
}

impl DueSlot {
    /// The plain-words note for a clock change on the due day, if any.
    #[must_use]
    pub fn note(&self) -> Option<String> {
        let day = crate::clock::london_date(self.at).display();
        match self.resolution {
            LocalResolution::Unique => None,
            LocalResolution::Gap => Some(format!(
                "The clocks go forward on {day}: {} does not exist, so this dose is due at {}.",
                self.label,
                crate::clock::london_when(self.at)
            )),
            LocalResolution::Fold => Some(format!(
                "The clocks go back on {day}: {} happens twice; this dose is due once, at the first {} (BST).",
                self.label, self.label
            )),
        }
    }
}

/// The scheduled dose nearest to `now` for regular `times`: a comma-separated list of
/// Europe/London wall-clock `HH:MM`. Each time is resolved on the London dates of
/// yesterday, today and tomorrow with [`london_instant`]: a time that does not exist (the
/// spring clock change) moves forward by the gap, a time that happens twice (autumn) is
/// its first occurrence — so a dose is never skipped and never due twice. `None` when
/// any time is malformed or the list is empty.
#[must_use]
pub fn nearest_due(times: &str, now: i64) -> Option<DueSlot> {
    let parsed: Vec<(String, u8, u8)> = schedule_times(times)?
        .into_iter()
        .map(|(h, m)| (format!("{h:02}:{m:02}"), h, m))
        .collect();
    let today = crate::clock::london_date(now);
    let mut best: Option<DueSlot> = None;
    for d in [-1, 0, 1] {
        let date = crate::clock::civil_from_days(
            crate::clock::days_from_civil(today.year, today.month, today.day) + d,
        );
        let mut day: Vec<DueSlot> = Vec::new();
        for (label, h, m) in &parsed {
            let (at, resolution) = london_instant(date, *h, *m)?;
            day.push(DueSlot {
                at,
                label: label.clone(),
                resolution,
                collides_with: Vec::new(),
            });
        }
        for i in 0..day.len() {
            let others: Vec<String> = day
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.at == day[i].at && o.label != day[i].label)
                .map(|(_, o)| o.label.clone())
                .collect();
            day[i].collides_with = others;
        }
        for slot in day {
            let closer = best
                .as_ref()
                .is_none_or(|b| (slot.at - now).abs() < (b.at - now).abs());
            if closer {
                best = Some(slot);
            }
        }
    }
    best
}

/// Runs every check. `now` is the server clock.
///
/// # Errors
/// [`RequestError`] for unusable input (422), [`CheckError`] for database failures.
pub async fn evaluate(
    ident: &Identifier,
    req: &AdministrationRequest,
    open_record: Option<&bedside_patient::NhsNumber>,
    now: i64,
) -> Result<Result<Evaluation, RequestError>, CheckError> {
    if !req.quantity.is_finite() || req.quantity <= 0.0 || req.quantity > 1000.0 {
        return Ok(Err(RequestError::Invalid(
            "quantity must be more than 0 and at most 1000".into(),
        )));
    }
    let scans = [&req.patient_scan, &req.product_scan, &req.staff_scan];
    if scans
        .iter()
        .any(|s| s.is_empty() || s.chars().count() > 4096)
        || req
            .checker_scan
            .as_ref()
            .is_some_and(|s| s.chars().count() > 4096)
        || req
            .location_scan
            .as_ref()
            .is_some_and(|s| s.chars().count() > 4096)
        || req.route.is_empty()
        || req.route.len() > 40
        || req
            .order_id
            .as_ref()
            .is_some_and(|o| o.is_empty() || o.len() > 64)
    {
        return Ok(Err(RequestError::Invalid(
            "scans must be 1 to 4096 characters, route 1 to 40, order_id 1 to 64".into(),
        )));
    }
    let quantity_milli = (req.quantity * 1000.0).round() as i64;
    let db = &ident.db;
    let opts = Options {
        gs_substitute: ident.gs_substitute.as_deref(),
        ..Options::default()
    };
    let parser = Parser::new(Dictionary::embedded(), opts);
    let mut problems: Vec<Problem> = Vec::new();
    let mut internal = Internal {
        quantity_milli,
        ..Internal::default()
    };

    // Right patient.
    let id = ident.identify(&req.patient_scan, open_record).await;
    internal.facts.insert("identify".into(), id.facts.clone());
    let (patient, nhs) = match &id.decision {
        Decision::Match(m) => (Some(m.confirm()), Some(m.nhs_number().as_str().to_owned())),
        other => {
            let mut p = block(
                "patient",
                "patient_not_confirmed",
                format!(
                    "Patient not confirmed ({}): {}",
                    other.status().as_str(),
                    other
                        .reasons()
                        .first()
                        .map(|r| r.message.as_str())
                        .unwrap_or("")
                ),
            );
            p.reasons = other.reasons().to_vec();
            problems.push(p);
            (None, None)
        }
    };
    internal.nhs_number.clone_from(&nhs);

    // Staff and second checker.
    let staff_gsrn = parse_gs1(&parser, &req.staff_scan).and_then(|m| {
        StaffBadge::from_message(&m)
            .ok()
            .map(|b| b.gsrn.as_str().to_owned())
    });
    match &staff_gsrn {
        None => problems.push(block(
            "staff",
            "not_a_staff_badge",
            "The staff scan is not a staff badge. Scan your badge.",
        )),
        Some(g) => {
            if !staff_known(db, g).await? {
                problems.push(block(
                    "staff",
                    "unknown_staff",
                    "This staff badge is not registered. Ask the ward manager.",
                ));
            }
        }
    }
    internal.staff_gsrn.clone_from(&staff_gsrn);
    let checker_gsrn = match &req.checker_scan {
        None => None,
        Some(s) => {
            let g = parse_gs1(&parser, s).and_then(|m| {
                StaffBadge::from_message(&m)
                    .ok()
                    .map(|b| b.gsrn.as_str().to_owned())
            });
            match &g {
                None => problems.push(block(
                    "staff",
                    "checker_not_a_staff_badge",
                    "The second checker scan is not a staff badge.",
                )),
                Some(c) if Some(c) == staff_gsrn.as_ref() => problems.push(block(
                    "staff",
                    "checker_same_as_giver",
                    "The second checker must be a different person.",
                )),
                Some(c) => {
                    if !staff_known(db, c).await? {
                        problems.push(block(
                            "staff",
                            "unknown_checker",
                            "The second checker's badge is not registered.",
                        ));
                    }
                }
            }
            g
        }
    };
    internal.checker_gsrn.clone_from(&checker_gsrn);

    // Location (optional).
    if let Some(l) = &req.location_scan {
        let loc = parse_gs1(&parser, l).and_then(|m| {
            Location::from_message(&m).ok().map(|x| {
                (
                    x.gln.as_str().to_owned(),
                    x.extension.unwrap_or("").to_owned(),
                )
            })
        });
        match loc {
            Some((gln, ext)) if location_known(db, &gln, &ext).await? => {
                internal.location = Some((gln, ext))
            }
            _ => problems.push(warn(
                "documentation",
                "unknown_location",
                "This location barcode is not known here.",
            )),
        }
    }

    // The pack.
    let year = u16::try_from(Ymd::from_ms(now).year).unwrap_or(2026);
    let msg = parse_gs1(&parser, &req.product_scan);
    let pack = msg
        .as_ref()
        .and_then(|m| MedicinePack::from_message(m, year).ok());
    let Some(pack) = pack else {
        problems.push(block(
            "medicine",
            "not_a_medicine_pack",
            "This barcode is not a medicine pack. Scan the pack's 2D barcode.",
        ));
        return Ok(Ok(finish(
            problems, patient, None, None, None, None, internal,
        )));
    };
    let gtin = pack.gtin.as_str().to_owned();
    let mut info = PackInfo {
        gtin: gtin.clone(),
        name: None,
        batch: pack.batch.map(str::to_owned),
        expiry: pack.expiry.map(|e| {
            let (y, m, d) = e.last_valid_day();
            Ymd {
                year: i64::from(y),
                month: m,
                day: d,
            }
            .display()
        }),
        serial: pack.serial.map(str::to_owned),
        high_risk: false,
    };
    internal.facts.insert(
        "pack".into(),
        json!({"gtin": gtin, "batch": info.batch, "expiry": info.expiry, "serial": info.serial}),
    );

    // Product safety: expiry, recall, serial.
    match pack.expiry {
        None => problems.push(warn(
            "product",
            "expiry_not_in_barcode",
            "No expiry date in the barcode — check the pack by eye.",
        )),
        Some(e) => {
            let (y, m, d) = e.last_valid_day();
            let last = Ymd {
                year: i64::from(y),
                month: m,
                day: d,
            };
            if last < uk_today_conservative(now) {
                problems.push(block(
                    "product",
                    "expired",
                    format!("Expired on {} — do not give", last.display()),
                ));
            }
        }
    }
    if let Some(batch) = pack.batch {
        let row = sqlx::query("SELECT action, notice FROM recalls WHERE gtin = $1 AND batch = $2")
            .bind(&gtin)
            .bind(batch)
            .fetch_optional(&db.pool)
            .await?;
        if let Some(r) = row {
            let action: String = r.try_get(0)?;
            let notice: String = r.try_get(1)?;
            if action == "block" {
                problems.push(block(
                    "product",
                    "batch_recalled",
                    format!(
                        "This batch is recalled ({notice}) — do not give; return it to pharmacy"
                    ),
                ));
            } else {
                problems.push(warn(
                    "product",
                    "batch_warning",
                    format!("This batch has a safety notice ({notice}) — check before giving"),
                ));
            }
        }
    } else {
        // Without a batch the recall list cannot clear this pack: if any batch of the
        // product is recalled with a block, the pack in hand may be one of them.
        let recalled = sqlx::query(
            "SELECT notice FROM recalls WHERE gtin = $1 AND action = 'block' ORDER BY batch LIMIT 1",
        )
        .bind(&gtin)
        .fetch_optional(&db.pool)
        .await?;
        match recalled {
            Some(r) => {
                let notice: String = r.try_get(0)?;
                problems.push(block(
                    "product",
                    "batch_unknown_product_recalled",
                    format!(
                        "No batch in the barcode, and a batch of this product is recalled ({notice}) — do not give; ask pharmacy"
                    ),
                ));
            }
            None => problems.push(warn(
                "product",
                "batch_not_in_barcode",
                "No batch in the barcode: the recall list cannot be checked.",
            )),
        }
    }
    if let Some(serial) = pack.serial {
        let used =
            sqlx::query("SELECT COUNT(*) FROM administrations WHERE gtin = $1 AND serial = $2")
                .bind(&gtin)
                .bind(serial)
                .fetch_one(&db.pool)
                .await?
                .try_get::<i64, _>(0)?;
        if used > 0 {
            problems.push(block("product", "serial_already_used", "This pack (serial number) has already been used for a dose. Scan the pack in your hand."));
        }
    }

    // Right medicine: GTIN → product → VMP → an active order for this patient.
    let product = sqlx::query("SELECT name, vmp_id, vmp_name, strength_milli, strength_unit, per_unit, routes, high_risk FROM products WHERE gtin = $1")
        .bind(&gtin)
        .fetch_optional(&db.pool)
        .await?;
    let Some(product) = product else {
        problems.push(block(
            "medicine",
            "unknown_product",
            "This product is not in the catalogue. Do not give; ask pharmacy.",
        ));
        return Ok(Ok(finish(
            problems,
            patient,
            None,
            Some(info),
            None,
            None,
            internal,
        )));
    };
    let name: String = product.try_get(0)?;
    let vmp_id: String = product.try_get(1)?;
    let vmp_name: String = product.try_get(2)?;
    let strength: i64 = product.try_get(3)?;
    let strength_unit: String = product.try_get(4)?;
    let per_unit: String = product.try_get(5)?;
    let routes: String = product.try_get(6)?;
    let high_risk = product.try_get::<i64, _>(7)? != 0;
    info.name = Some(name);
    info.high_risk = high_risk;
    if high_risk && checker_gsrn.is_none() {
        problems.push(block(
            "staff",
            "second_checker_required",
            format!("{vmp_name} is a high-risk medicine: a second checker must scan their badge."),
        ));
    }
    let Some(nhs) = nhs else {
        return Ok(Ok(finish(
            problems,
            patient,
            None,
            Some(info),
            None,
            None,
            internal,
        )));
    };
    let order = match &req.order_id {
        Some(oid) => {
            let row = sqlx::query(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"))
                .bind(oid)
                .fetch_optional(&db.pool)
                .await?;
            match row.map(|r| order_from_row(&r)).transpose()? {
                Some(o) if o.nhs == nhs => Some(o),
                _ => {
                    problems.push(block(
                        "patient",
                        "order_not_for_patient",
                        "This order is not for this patient.",
                    ));
                    None
                }
            }
        }
        None => {
            let rows = sqlx::query(&format!("SELECT {ORDER_COLS} FROM orders WHERE nhs_number = $1 AND vmp_id = $2 AND status = 'active'"))
                .bind(&nhs)
                .bind(&vmp_id)
                .fetch_all(&db.pool)
                .await?;
            let mut orders = rows
                .iter()
                .map(order_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            match orders.len() {
                0 => {
                    problems.push(block(
                        "medicine",
                        "no_active_order",
                        format!(
                            "No active prescription for {vmp_name} for this patient — do not give."
                        ),
                    ));
                    None
                }
                1 => orders.pop(),
                _ => {
                    problems.push(block("medicine", "choose_order", "This patient has more than one prescription for this medicine: choose the order."));
                    None
                }
            }
        }
    };
    let Some(order) = order else {
        return Ok(Ok(finish(
            problems,
            patient,
            None,
            Some(info),
            None,
            None,
            internal,
        )));
    };
    let order_info = OrderInfo {
        id: order.id.clone(),
        vmp_id: order.vmp_id.clone(),
        dose: amount(order.dose_milli, &order.dose_unit),
        route: order.route.clone(),
        kind: order.kind.clone(),
    };
    if order.vmp_id != vmp_id {
        problems.push(block(
            "medicine",
            "wrong_medicine",
            format!(
                "Wrong medicine: the order is for {}, this pack is {vmp_name}.",
                order.vmp_id
            ),
        ));
    }
    if order.status != "active" || order.starts_at > now || order.ends_at.is_some_and(|e| e <= now)
    {
        problems.push(block(
            "medicine",
            "order_not_active",
            "This prescription is not active (stopped, suspended or not started) — do not give.",
        ));
    }

    // Right dose: strength × quantity.
    let given =
        i64::try_from(i128::from(strength) * i128::from(quantity_milli) / 1000).unwrap_or(i64::MAX);
    internal.dose_milli = given;
    let given_text = amount(given, &strength_unit);
    if strength_unit != order.dose_unit || given != order.dose_milli {
        problems.push(block(
            "dose",
            "wrong_dose",
            format!(
                "Wrong dose: prescribed {}, this is {given_text} ({} {per_unit} × {}).",
                amount(order.dose_milli, &order.dose_unit),
                amount(quantity_milli, "").trim_end(),
                amount(strength, &strength_unit)
            ),
        ));
    }

    // Right route.
    let product_routes: Vec<&str> = routes.split(',').map(str::trim).collect();
    if req.route != order.route {
        problems.push(block(
            "route",
            "wrong_route",
            format!(
                "Wrong route: prescribed {}, not {}.",
                order.route,
                route_words(&req.route)
            ),
        ));
    } else if !product_routes.contains(&order.route.as_str()) {
        problems.push(block(
            "route",
            "product_route_mismatch",
            format!("This product is not for the {} route.", order.route),
        ));
    }

    // Right time. Every dose of this medicine the patient has had, from any of their
    // orders: the minimum PRN interval and a regular dose given too soon after another
    // are about the medicine, not the order line.
    let doses = dose_state(
        &sqlx::query(DOSES_SQL)
            .bind(internal.nhs_number.as_deref().unwrap_or(order.nhs.as_str()))
            .bind(&order.vmp_id)
            .fetch_one(&db.pool)
            .await?,
    )?;
    internal.doses_seen = Some(doses);
    let last_dose = doses.1;
    let mut due_note = None;
    let due_at = if order.kind == "regular" {
        match nearest_due(&order.times, now) {
            None => {
                problems.push(block(
                    "time",
                    "no_schedule",
                    "This regular order has no valid times. Ask the prescriber.",
                ));
                None
            }
            Some(slot) => {
                let due = slot.at;
                due_note = slot.note();
                if !slot.collides_with.is_empty() {
                    problems.push(warn(
                        "time",
                        "clock_change",
                        format!(
                            "The clocks go forward today: the {} and {} doses fall at the same moment ({}), so only one of them can be recorded. Ask the prescriber.",
                            slot.label,
                            slot.collides_with.join(" and "),
                            when(due)
                        ),
                    ));
                }
                let off = now - due;
                if off.abs() > order.window * MINUTE_MS {
                    let early_late = if off < 0 { "early" } else { "late" };
                    problems.push(warn(
                        "time",
                        if off < 0 { "too_early" } else { "too_late" },
                        format!(
                            "Not due now: due at {}, this is {} {early_late}.",
                            when(due),
                            duration_words(off)
                        ),
                    ));
                }
                let given_row = sqlx::query(
                    "SELECT given_at FROM administrations WHERE order_id = $1 AND due_at = $2",
                )
                .bind(&order.id)
                .bind(due)
                .fetch_optional(&db.pool)
                .await?;
                if let Some(r) = given_row {
                    let at: i64 = r.try_get(0)?;
                    problems.push(block(
                        "time",
                        "already_given",
                        format!(
                            "Already given: the {} dose was recorded at {}.",
                            slot.label,
                            when(at)
                        ),
                    ));
                } else if let (Some(last), Some(gap)) =
                    (last_dose, shortest_gap_minutes(&order.times))
                {
                    // Due windows of close times overlap: the 08:00 dose given late and
                    // the 10:00 dose early can both be "due" minutes apart.
                    let since = now - last;
                    if (0..gap * MINUTE_MS / 2).contains(&since) {
                        problems.push(warn(
                            "time",
                            "too_soon_after_last_dose",
                            format!(
                                "Too soon: this medicine was last given at {}, {} ago; the doses are prescribed {} apart.",
                                when(last),
                                duration_words(since),
                                duration_words(gap * MINUTE_MS)
                            ),
                        ));
                    }
                }
                Some(due)
            }
        }
    } else {
        if let Some(last) = last_dose {
            let since = now - last;
            if order.min_interval > 0 && since < order.min_interval * MINUTE_MS {
                problems.push(block(
                    "time",
                    "prn_too_soon",
                    format!(
                        "Too soon: this medicine was last given at {}; the minimum interval is {}.",
                        when(last),
                        duration_words(order.min_interval * MINUTE_MS)
                    ),
                ));
            }
        }
        let in_24h = sqlx::query(
            "SELECT COUNT(*) FROM administrations WHERE order_id = $1 AND given_at > $2",
        )
        .bind(&order.id)
        .bind(now - crate::clock::DAY_MS)
        .fetch_one(&db.pool)
        .await?
        .try_get::<i64, _>(0)?;
        if order.max_24h > 0 && in_24h >= order.max_24h {
            problems.push(block(
                "time",
                "max_24h_reached",
                format!(
                    "Maximum reached: {in_24h} doses in the last 24 hours (limit {}).",
                    order.max_24h
                ),
            ));
        }
        // PRN doses are slotted by their minimum interval, so two records of one dose collide.
        let slot = (order.min_interval * MINUTE_MS).max(MINUTE_MS);
        Some(now.div_euclid(slot) * slot)
    };
    let mut ev = finish(
        problems,
        patient,
        Some(order_info),
        Some(info),
        Some(given_text),
        due_at,
        internal,
    );
    ev.due_note = due_note;
    Ok(Ok(ev))
}

impl Evaluation {
    /// What the audit trail records about this check.
    #[must_use]
    pub fn internal_facts(&self) -> serde_json::Map<String, serde_json::Value> {
        self.internal.facts.clone()
    }
}

fn route_words(r: &str) -> String {
    r.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .take(40)
        .collect()
}

fn finish(
    problems: Vec<Problem>,
    patient: Option<ConfirmPatient>,
    order: Option<OrderInfo>,
    pack: Option<PackInfo>,
    dose_given: Option<String>,
    due_at: Option<i64>,
    mut internal: Internal,
) -> Evaluation {
    let outcome = if problems.iter().any(|p| p.severity == Severity::Block) {
        Outcome::Stop
    } else if problems.is_empty() {
        Outcome::Give
    } else {
        Outcome::Warn
    };
    internal.facts.insert("outcome".into(), json!(outcome));
    internal.facts.insert(
        "problems".into(),
        json!(problems.iter().map(|p| p.code).collect::<Vec<_>>()),
    );
    internal
        .facts
        .insert("order".into(), json!(order.as_ref().map(|o| &o.id)));
    internal.facts.insert("due_at".into(), json!(due_at));
    internal
        .facts
        .insert("staff".into(), json!(internal.staff_gsrn));
    internal
        .facts
        .insert("checker".into(), json!(internal.checker_gsrn));
    internal
        .facts
        .insert("location".into(), json!(internal.location));
    internal
        .facts
        .insert("nhs_number".into(), json!(internal.nhs_number));
    internal
        .facts
        .insert("quantity_milli".into(), json!(internal.quantity_milli));
    let override_reasons = if outcome == Outcome::Warn {
        OVERRIDE_REASONS
            .into_iter()
            .filter(|r| problems.iter().all(|p| override_answers(r, p.code)))
            .collect()
    } else {
        Vec::new()
    };
    Evaluation {
        outcome,
        problems,
        override_reasons,
        patient,
        order,
        pack,
        dose_given,
        due_display: due_at.map(when),
        due_note: None,
        due_at,
        internal,
    }
}

async fn staff_known(db: &crate::db::Db, gsrn: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM staff WHERE gsrn = $1 AND active = 1")
            .bind(gsrn)
            .fetch_one(&db.pool)
            .await?
            .try_get::<i64, _>(0)?
            > 0,
    )
}

async fn location_known(db: &crate::db::Db, gln: &str, ext: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM locations WHERE gln = $1 AND extension = $2")
            .bind(gln)
            .bind(ext)
            .fetch_one(&db.pool)
            .await?
            .try_get::<i64, _>(0)?
            > 0,
    )
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
    /// Block problems (`administration_refused`), warn problems without an override
    /// reason (`override_required`) or with one that does not answer all of them
    /// (`override_reason_not_applicable`).
    Refused(Evaluation, &'static str),
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
    match ev.outcome {
        Outcome::Stop => return Ok(Err(RecordRefusal::Refused(ev, "administration_refused"))),
        Outcome::Warn => match override_reason {
            Some(r) if ev.override_reasons.contains(&r) => {}
            Some(_) => {
                return Ok(Err(RecordRefusal::Refused(
                    ev,
                    "override_reason_not_applicable",
                )));
            }
            None => return Ok(Err(RecordRefusal::Refused(ev, "override_required"))),
        },
        Outcome::Give => {}
    }
    let (Some(order), Some(due), Some(pack), Some(nhs), Some(staff)) = (
        ev.order.clone(),
        ev.due_at,
        ev.pack.clone(),
        ev.internal.nhs_number.clone(),
        ev.internal.staff_gsrn.clone(),
    ) else {
        return Ok(Err(RecordRefusal::Refused(ev, "administration_refused")));
    };
    let override_reason = if ev.outcome == Outcome::Warn {
        override_reason
    } else {
        None
    };
    ev.internal
        .facts
        .insert("override_reason".into(), json!(override_reason));
    let mut tx = db.pool.begin().await?;
    // The time checks read the patient's doses of this medicine before this transaction.
    // Take their orders for it as a lock (a second record waits here, on any instance),
    // read the doses again, and refuse if one was recorded meanwhile: two PRN doses either
    // side of a slot boundary, or two regular doses of overlapping windows, would
    // otherwise both pass their checks and both be stored.
    let lock = match db.backend {
        crate::db::Backend::Postgres => {
            "SELECT id FROM orders WHERE nhs_number = $1 AND vmp_id = $2 ORDER BY id FOR UPDATE"
        }
        // SQLite has one writer: a write as the transaction's first statement takes it.
        crate::db::Backend::Sqlite => {
            "UPDATE orders SET status = status WHERE nhs_number = $1 AND vmp_id = $2"
        }
    };
    sqlx::query(lock)
        .bind(&nhs)
        .bind(&order.vmp_id)
        .execute(&mut *tx)
        .await?;
    let doses = dose_state(
        &sqlx::query(DOSES_SQL)
            .bind(&nhs)
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
    let inserted = sqlx::query("INSERT INTO administrations (order_id, nhs_number, due_at, given_at, gtin, batch, expiry, serial, quantity_milli, dose_milli, staff_gsrn, checker_gsrn, location_gln, location_ext, override_reason, token_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id")
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
        .bind(override_reason)
        .bind(actor)
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
    facts.insert("administration_id".into(), json!(id));
    let seq = crate::audit::append_in(
        &mut tx,
        actor,
        "administration.recorded",
        &serde_json::Value::Object(facts),
    )
    .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_naturally() {
        assert_eq!(amount(1_000_000, "mg"), "1 g");
        assert_eq!(amount(500_000, "mg"), "500 mg");
        assert_eq!(amount(2_500, "mg"), "2.5 mg");
        assert_eq!(amount(1_250_000, "mg"), "1.25 g");
        assert_eq!(amount(2_000, ""), "2 ");
    }

    #[test]
    fn nearest_due_wraps_midnight() {
        use crate::clock::{DAY_MS, HOUR_MS};
        // A winter day: London is on GMT, wall clock = UTC.
        let day = crate::clock::days_from_civil(2026, 1, 15) * DAY_MS;
        let at = |h: i64, m: i64| day + h * HOUR_MS + m * MINUTE_MS;
        let due = |t: &str, now: i64| nearest_due(t, now).map(|s| s.at);
        assert_eq!(due("06:00,14:00,22:00", at(13, 10)), Some(at(14, 0)));
        assert_eq!(due("22:00", at(0, 30)), Some(at(22, 0) - DAY_MS));
        assert_eq!(due("25:00", at(1, 0)), None);
        assert_eq!(due("6:00", at(1, 0)), None);
        assert_eq!(due("", at(1, 0)), None);
        // A summer day: 14:00 in London is 13:00 UTC.
        let july = crate::clock::days_from_civil(2026, 7, 1) * DAY_MS;
        assert_eq!(due("14:00", july + 12 * HOUR_MS), Some(july + 13 * HOUR_MS));
    }

    #[test]
    fn clock_changes_never_skip_or_double_a_dose() {
        use crate::clock::{HOUR_MS, parse_instant};
        let t = |s: &str| parse_instant(s).unwrap();
        // Spring forward, 29 March 2026: 01:30 does not exist; the dose moves to 02:30 BST
        // (01:30 UTC), an hour after the 00:30 dose, and says so.
        let s = nearest_due("00:30,01:30", t("2026-03-29T01:20:00Z")).unwrap();
        assert_eq!(
            (s.at, s.label.as_str()),
            (t("2026-03-29T01:30:00Z"), "01:30")
        );
        assert_eq!(s.resolution, LocalResolution::Gap);
        assert!(
            s.note().unwrap().contains("does not exist"),
            "{:?}",
            s.note()
        );
        let first = nearest_due("00:30,01:30", t("2026-03-29T00:20:00Z")).unwrap();
        assert_eq!(s.at - first.at, HOUR_MS, "both doses kept, an hour apart");
        // A 01:30 and a 02:30 dose would fall together: said, not silently merged.
        let c = nearest_due("01:30,02:30", t("2026-03-29T01:30:00Z")).unwrap();
        assert_eq!(c.collides_with.len(), 1, "{c:?}");
        // Fall back, 25 October 2026: 01:30 happens twice; the dose is due once, at the
        // first (00:30 UTC). A scan at the second 01:30 finds that same dose.
        let f1 = nearest_due("01:30", t("2026-10-25T00:30:00Z")).unwrap();
        let f2 = nearest_due("01:30", t("2026-10-25T01:30:00Z")).unwrap();
        assert_eq!(f1.at, t("2026-10-25T00:30:00Z"));
        assert_eq!(f2.at, f1.at, "one dose, not two");
        assert_eq!(f1.resolution, LocalResolution::Fold);
        // Ordinary days either side are not affected.
        let n = nearest_due("01:30", t("2026-10-26T01:30:00Z")).unwrap();
        assert_eq!(
            (n.at, n.resolution),
            (t("2026-10-26T01:30:00Z"), LocalResolution::Unique)
        );
        assert!(n.note().is_none());
    }
}
