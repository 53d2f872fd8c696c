//! The medicines administration check (the five rights and product safety), judged.
//!
//! Checks, each a [`Problem`] with a typed [`ProblemCode`], the right it is about, a
//! severity and words a tired nurse understands: right patient (the full identification
//! of [`crate::identify`]), right medicine (GTIN → product catalogue → VMP → an active
//! order for this patient), right dose (strength × quantity), right route, right time
//! (regular due window, PRN minimum interval and 24-hour maximum, no duplicate), expiry
//! (day `00` = end of month, judged on the latest UK date), batch recall (block or warn),
//! serial not already used, staff badge known (and the caller's own, when their token is
//! tied to a badge), second checker for high-risk medicines,
//! and the patient's allergies (an active allergy to an ingredient, an excipient or the
//! VTM of the product blocks; no allergy statement at all warns).
//!
//! Problems are listed in the order the checks run (patient, staff, location, pack,
//! medicine, dose, route, time), except the allergy problems, which always come first:
//! the medicines page shows them before anything else.
//!
//! The service gathers, this module judges: [`read_scans`] reads the badge, location and
//! pack scans; the service reads what they refer to into [`CheckInputs`] (using
//! [`choose_order`] to know which order's doses to read); [`check`] decides. Severity
//! `block` can never be overridden; `warn` needs an [`OverrideReason`] that answers every
//! warning.

mod codes;
mod recall;
mod schedule;

pub use codes::{OverrideReason, ProblemCode, Right, Severity, override_answers};
pub use recall::{
    Recall, RecallAction, RecallCandidate, RecallClass, RecallNotice, batch_key, select_recall,
};
pub use schedule::{DueSlot, amount, nearest_due, shortest_gap_minutes};

use bedside_gs1::dict::Dictionary;
use bedside_gs1::keys::{Location, MedicinePack, StaffBadge};
use bedside_gs1::{Content, Options, Parser};
use serde::{Deserialize, Serialize};

use crate::identify::{ConfirmPatient, Decision, Identification, IdentifyFacts, Reason};
use crate::names::named_enum;
use crate::time::{
    DAY_MS, Date, MINUTE_MS, display_date, london_when, uk_today_conservative, utc_date,
};

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

/// Why a request could not even be checked (the caller's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// `quantity` is not a number above 0 and at most 1000.
    #[error("quantity must be more than 0 and at most 1000")]
    Quantity,
    /// A scan, the route or the order id is empty or too long.
    #[error("scans must be 1 to 4096 characters, route 1 to 40, order_id 1 to 64")]
    Lengths,
}

/// Checks the request's ranges; returns the quantity in thousandths of a unit.
///
/// # Errors
/// [`RequestError`] naming the range broken.
pub fn validate(req: &AdministrationRequest) -> Result<i64, RequestError> {
    if !req.quantity.is_finite() || req.quantity <= 0.0 || req.quantity > 1000.0 {
        return Err(RequestError::Quantity);
    }
    let too_long = |s: &String| s.chars().count() > 4096;
    let scans = [&req.patient_scan, &req.product_scan, &req.staff_scan];
    if scans.iter().any(|s| s.is_empty() || too_long(s))
        || req.checker_scan.as_ref().is_some_and(too_long)
        || req.location_scan.as_ref().is_some_and(too_long)
        || req.route.is_empty()
        || req.route.len() > 40
        || req
            .order_id
            .as_ref()
            .is_some_and(|o| o.is_empty() || o.len() > 64)
    {
        return Err(RequestError::Lengths);
    }
    // In range, so the product fits easily.
    Ok((req.quantity * 1000.0).round() as i64)
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which right it is about.
    pub right: Right,
    /// Machine code.
    pub code: ProblemCode,
    /// Block or warn.
    pub severity: Severity,
    /// Plain words. No patient identifiers.
    pub message: String,
    /// For `patient_not_confirmed`: the identification reasons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
}

impl Problem {
    /// A problem with its code's right and severity.
    #[must_use]
    pub fn new(code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            right: code.right(),
            code,
            severity: code.severity(),
            message: message.into(),
            reasons: Vec::new(),
        }
    }
}

named_enum! {
    /// The overall answer.
    pub enum Outcome {
        /// Every check passed.
        Give = "give",
        /// Only `warn` problems: give only with an override reason.
        Warn = "warn",
        /// At least one `block` problem: do not give.
        Stop = "stop",
    }
}

/// Regular (scheduled times) or as-needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// Given at the order's scheduled London times.
    Regular,
    /// Given when needed, within a minimum interval and a 24-hour maximum.
    Prn,
}

impl OrderKind {
    /// `regular` or `prn`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderKind::Regular => "regular",
            OrderKind::Prn => "prn",
        }
    }

    /// Reads a stored kind: `regular`, anything else is as-needed (`prn`).
    #[must_use]
    pub fn parse(s: &str) -> OrderKind {
        if s == "regular" {
            OrderKind::Regular
        } else {
            OrderKind::Prn
        }
    }
}

named_enum! {
    /// The dm+d level an order names its medicine at. A VTM order ("paracetamol") is met
    /// by any valid product of that moiety whose route fits, and its dose is the amount of
    /// substance (strength × quantity); a VMP order only by that product; an AMP order
    /// only by that brand.
    pub enum MedicineLevel {
        /// Virtual therapeutic moiety.
        Vtm = "vtm",
        /// Virtual medicinal product.
        Vmp = "vmp",
        /// Actual medicinal product (a brand).
        Amp = "amp",
    }
}

/// An order (prescription line) as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Order id.
    pub id: String,
    /// The patient's NHS number.
    pub nhs_number: String,
    /// The level [`Order::dmd_id`] is at.
    pub level: MedicineLevel,
    /// The medicine: a dm+d VTM, VMP or AMP id, as `level` says.
    pub dmd_id: String,
    /// Prescribed dose (or the low end of a range), thousandths of `dose_unit`.
    pub dose_milli: i64,
    /// The high end of a dose range, if the order gives one.
    pub dose_max_milli: Option<i64>,
    /// Unit of the dose.
    pub dose_unit: String,
    /// Route.
    pub route: String,
    /// Regular or as-needed.
    pub kind: OrderKind,
    /// Regular: comma-separated London `HH:MM` times.
    pub times: String,
    /// Regular: minutes either side of a due time.
    pub window_minutes: i64,
    /// As-needed: minimum minutes between doses (0: none).
    pub min_interval_minutes: i64,
    /// As-needed: most doses in 24 hours (0: no limit).
    pub max_per_24h: i64,
    /// As-needed: most amount in 24 hours, thousandths of `dose_unit` (`None`: no limit
    /// by amount).
    pub max_amount_24h_milli: Option<i64>,
    /// `active` or another status.
    pub active: bool,
    /// Start (Unix ms).
    pub starts_at: i64,
    /// End (Unix ms), if any.
    pub ends_at: Option<i64>,
}

/// A catalogue product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Product name.
    pub name: String,
    /// Its VMP.
    pub vmp_id: String,
    /// The VMP's VTM, if it has one.
    pub vtm_id: Option<String>,
    /// Its AMP (brand), when the pack is known at that level.
    pub amp_id: Option<String>,
    /// The VMP's name.
    pub vmp_name: String,
    /// Strength per unit handled, thousandths of `strength_unit`; `None` when the
    /// catalogue gives no single exact strength per handled unit (several active
    /// ingredients, a continuous form, or a ratio that is not a whole number of
    /// thousandths): the dose cannot then be checked.
    pub strength_milli: Option<i64>,
    /// Unit of the strength.
    pub strength_unit: String,
    /// The unit handled (tablet, ml…).
    pub per_unit: String,
    /// Routes the product is for.
    pub routes: Vec<String>,
    /// Needs a second checker.
    pub high_risk: bool,
    /// dm+d marks the pack, its product or its VMP invalid: it never satisfies an order.
    pub invalid: bool,
    /// Where the catalogue entry comes from.
    pub source: ProductSource,
    /// What the product is made of, for the allergy check: the VMP's ingredients, the
    /// AMP's excipients and the VTM, each by its dm+d id (a SNOMED CT id). An ingredient
    /// dm+d has replaced may be listed again under its previous id, with the same name.
    pub substances: Vec<Substance>,
}

/// A substance of a product (an ingredient, an excipient or the VTM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substance {
    /// dm+d id (a SNOMED CT concept id), compared exactly with allergy codes.
    pub id: String,
    /// Its dm+d name.
    pub name: String,
}

named_enum! {
    /// How serious a reaction to an allergen could be (FHIR `AllergyIntolerance.criticality`).
    pub enum AllergyCriticality {
        /// Unlikely to be life-threatening.
        Low = "low",
        /// Could be life-threatening.
        High = "high",
        /// Not assessed.
        UnableToAssess = "unable-to-assess",
    }
}

/// One allergy on the patient's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyEntry {
    /// The substance: a dm+d or SNOMED CT id (the same id space as [`Substance::id`]).
    pub code: String,
    /// The substance's name as recorded.
    pub display: Option<String>,
    /// When `code` names a product (a dm+d VMP or AMP) rather than a substance: what the
    /// product is made of, by dm+d id (its VMP's active ingredients and its VTM). Any
    /// other product of those is then caught too, not only the one recorded.
    pub implies: Vec<String>,
    /// How serious a reaction could be.
    pub criticality: AllergyCriticality,
    /// Clinically active; an inactive or resolved allergy never blocks.
    pub active: bool,
}

/// What the patient's record says about allergies. "No known drug allergy" is a
/// statement; no statement at all is "not recorded": the two are never the same.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllergyInputs {
    /// No statement from any source.
    #[default]
    NotRecorded,
    /// A positive statement of no known drug allergy.
    NoneKnown,
    /// Allergies are recorded (possibly only inactive or resolved ones).
    Recorded(Vec<AllergyEntry>),
}

/// Where a catalogue entry comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ProductSource {
    /// NHSBSA dm+d, the release named.
    Dmd {
        /// The release (`YYYY-MM-DD`).
        release: String,
    },
    /// The trust's own list of packs missing from dm+d (`bedside import products`),
    /// mapped to the dm+d concept named.
    Local {
        /// The pharmacy's note on the row.
        note: String,
    },
}

/// A dose already recorded under the chosen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenDose {
    /// The due time it was recorded for.
    pub due_at: i64,
    /// When it was given.
    pub given_at: i64,
    /// The dose given, thousandths of the unit recorded with it (the order's dose unit).
    pub dose_milli: i64,
}

/// How many doses of one medicine (a VMP) a patient has had from any of their orders,
/// and when the latest was given. Recording reads it again under a lock and refuses if
/// it changed.
pub type DoseState = (i64, Option<i64>);

/// The badge, location and pack scans, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scans {
    /// The giver's GSRN, when the staff scan is a badge.
    pub staff: Option<String>,
    /// `None`: no checker scanned; `Some(None)`: the scan is not a badge.
    pub checker: Option<Option<String>>,
    /// `None`: no location scanned; `Some(None)`: the scan is not a location.
    pub location: Option<Option<(String, String)>>,
    /// The pack, when the product scan is a medicine pack.
    pub pack: Option<PackScan>,
}

/// A medicine pack's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackScan {
    /// GTIN-14.
    pub gtin: String,
    /// Batch.
    pub batch: Option<String>,
    /// The last valid day of the expiry (day `00` = end of month).
    pub expiry: Option<Date>,
    /// Serial.
    pub serial: Option<String>,
}

fn gs1<'a>(parser: &Parser<'_>, scan: &'a str) -> Option<bedside_gs1::Message<'a>> {
    match parser.scan(scan.as_bytes()).ok()?.content {
        Content::Gs1(m) => Some(m),
        _ => None,
    }
}

/// The GSRN of a staff badge scan (AI 8017), or `None` when the scan is not one.
///
/// ```
/// let g = bedside_ward::medicines::read_badge("]d28017952000000000000019\u{1d}80191", None);
/// assert_eq!(g.as_deref(), Some("952000000000000019"));
/// assert_eq!(bedside_ward::medicines::read_badge("]d1HELLO", None), None);
/// ```
#[must_use]
pub fn read_badge(scan: &str, gs_substitute: Option<&str>) -> Option<String> {
    let parser = Parser::new(
        Dictionary::embedded(),
        Options {
            gs_substitute,
            ..Options::default()
        },
    );
    gs1(&parser, scan).and_then(|m| {
        StaffBadge::from_message(&m)
            .ok()
            .map(|b| b.gsrn.as_str().to_owned())
    })
}

/// Reads the staff, checker, location and pack scans (the expiry century window from
/// `now`'s year).
#[must_use]
pub fn read_scans(req: &AdministrationRequest, gs_substitute: Option<&str>, now: i64) -> Scans {
    let parser = Parser::new(
        Dictionary::embedded(),
        Options {
            gs_substitute,
            ..Options::default()
        },
    );
    let badge = |s: &str| {
        gs1(&parser, s).and_then(|m| {
            StaffBadge::from_message(&m)
                .ok()
                .map(|b| b.gsrn.as_str().to_owned())
        })
    };
    let year = u16::try_from(utc_date(now).year()).unwrap_or(2026);
    let pack = gs1(&parser, &req.product_scan).and_then(|m| {
        MedicinePack::from_message(&m, year).ok().map(|p| PackScan {
            gtin: p.gtin.as_str().to_owned(),
            batch: p.batch.map(str::to_owned),
            expiry: p.expiry.and_then(|e| {
                let (y, m, d) = e.last_valid_day();
                Date::new(
                    i16::try_from(y).ok()?,
                    i8::try_from(m).ok()?,
                    i8::try_from(d).ok()?,
                )
                .ok()
            }),
            serial: p.serial.map(str::to_owned),
        })
    });
    Scans {
        staff: badge(&req.staff_scan),
        checker: req.checker_scan.as_deref().map(badge),
        location: req.location_scan.as_deref().map(|l| {
            gs1(&parser, l).and_then(|m| {
                Location::from_message(&m).ok().map(|x| {
                    (
                        x.gln.as_str().to_owned(),
                        x.extension.unwrap_or("").to_owned(),
                    )
                })
            })
        }),
        pack,
    }
}

/// The orders the store found for the dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Orders {
    /// The caller named an order: it, if it exists.
    Named(Option<Box<Order>>),
    /// The patient's active orders for the pack's VMP.
    ForMedicine(Vec<Order>),
}

/// How the second checker proved who they are, where the check asks for it: in a
/// signed-in person's session a badge alone is not enough (a barcode can be copied), so
/// the checker also types their PIN. API tokens (machines, devices) are not asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CheckerConfirmation {
    /// Not asked for (an API token's check, or no checker scanned).
    #[default]
    NotAsked,
    /// The PIN of the badge's owner was right.
    Confirmed,
    /// No PIN was given.
    PinMissing,
    /// The PIN was wrong.
    PinWrong,
    /// The badge is locked after too many wrong PINs.
    Locked,
    /// Nobody linked the badge, or its owner set no PIN.
    CannotConfirm,
}

/// Everything the check reads from the store (and the identification), as of one moment.
/// Fields the scans did not call for are left at their defaults and not looked at.
#[derive(Debug, Clone)]
pub struct CheckInputs {
    /// The wristband's identification (right patient).
    pub identification: Identification,
    /// The giver's badge is registered and active.
    pub staff_known: bool,
    /// The checker's badge is registered and active.
    pub checker_known: bool,
    /// The location is registered and active.
    pub location_known: bool,
    /// The badge (GSRN) the caller's API token is tied to (`bedside token create
    /// --badge`), if any: the giver's badge must then be this one, and the second
    /// checker's must not.
    pub token_badge: Option<String>,
    /// How the second checker confirmed who they are ([`CheckerConfirmation`]).
    pub checker_confirmation: CheckerConfirmation,
    /// The recall that applies to the pack's (GTIN, batch) ([`select_recall`]).
    pub recall: Option<Recall>,
    /// Without a batch: a blocking recall of any batch of the GTIN.
    pub product_recalled: Option<RecallNotice>,
    /// The pack's (GTIN, serial) was already used for a dose.
    pub serial_used: bool,
    /// The catalogue entry of the pack's GTIN.
    pub product: Option<Product>,
    /// The orders found.
    pub orders: Orders,
    /// The patient's doses of the chosen order's medicine, from all their orders.
    pub doses: DoseState,
    /// Doses recorded under the chosen order in the last three days.
    pub order_doses: Vec<GivenDose>,
    /// The identified patient's allergies (looked at once the product is known).
    pub allergies: AllergyInputs,
}

/// The order the check will judge the dose against, as [`check`] chooses it: the named
/// order if it is the patient's, else the patient's only active order for the medicine.
/// The service uses it to know whose doses to read.
///
/// # Errors
/// The problem that stops the dose: `order_not_for_patient`, `no_active_order` or
/// `choose_order`.
pub fn choose_order<'a>(orders: &'a Orders, nhs: &str) -> Result<&'a Order, ProblemCode> {
    match orders {
        Orders::Named(Some(o)) if o.nhs_number == nhs => Ok(o),
        Orders::Named(_) => Err(ProblemCode::OrderNotForPatient),
        Orders::ForMedicine(list) => match list.as_slice() {
            [] => Err(ProblemCode::NoActiveOrder),
            [one] => Ok(one),
            _ => Err(ProblemCode::ChooseOrder),
        },
    }
}

/// The order the dose belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct OrderInfo {
    /// Order id.
    pub id: String,
    /// The dm+d id ordered (a VTM, VMP or AMP, as `level` says).
    pub vmp_id: String,
    /// The level of `vmp_id`.
    pub level: MedicineLevel,
    /// Prescribed dose, e.g. `1 g`.
    pub dose: String,
    /// Route.
    pub route: String,
    /// `regular` or `prn`.
    pub kind: OrderKind,
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
    /// Where the catalogue entry comes from (`None` when the GTIN is unknown).
    pub catalogue: Option<ProductSource>,
}

/// The pack's keys, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackFacts {
    /// GTIN.
    pub gtin: String,
    /// Batch.
    pub batch: Option<String>,
    /// Expiry (`DD-Mmm-YYYY`).
    pub expiry: Option<String>,
    /// Serial.
    pub serial: Option<String>,
}

/// The audit facts of one check (actions `administration.verify`, `.recorded`,
/// `.refused`). Field names are the stored JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckFacts {
    /// The wristband's identification.
    pub identify: IdentifyFacts,
    /// The pack's keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackFacts>,
    /// The outcome.
    pub outcome: Outcome,
    /// The problems' codes.
    pub problems: Vec<ProblemCode>,
    /// The order id.
    pub order: Option<String>,
    /// The due time (Unix ms).
    pub due_at: Option<i64>,
    /// The giver's GSRN.
    pub staff: Option<String>,
    /// The checker's GSRN.
    pub checker: Option<String>,
    /// The location (GLN, extension).
    pub location: Option<(String, String)>,
    /// The patient's NHS number, when identified.
    pub nhs_number: Option<String>,
    /// Units given, thousandths.
    pub quantity_milli: i64,
    /// Recording: the override reason given (`null` when none was needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<Option<OverrideReason>>,
    /// Recording: the administration's row id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administration_id: Option<i64>,
    /// A refused record: the refusal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The reference of the recall that stopped or warned about the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall: Option<String>,
}

/// What recording needs and the audit trail keeps; never sent to the caller.
#[derive(Debug, Clone)]
pub struct Internal {
    /// The patient's NHS number, when identified.
    pub nhs_number: Option<String>,
    /// The giver's GSRN.
    pub staff_gsrn: Option<String>,
    /// The checker's GSRN.
    pub checker_gsrn: Option<String>,
    /// The registered location.
    pub location: Option<(String, String)>,
    /// Units given, thousandths.
    pub quantity_milli: i64,
    /// The dose given, thousandths of the strength unit.
    pub dose_milli: i64,
    /// The patient's doses of the medicine as the checks read them.
    pub doses_seen: Option<DoseState>,
    /// The catalogue product the pack resolved to (kept with the record, so what was
    /// given is stated as the catalogue said on the day, whatever later releases say).
    pub product: Option<Product>,
    /// The route the dose is given by (the request's).
    pub route: Option<String>,
    /// The audit facts.
    pub facts: CheckFacts,
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
    /// For `warn`: the override reasons that answer every warning (see
    /// [`override_answers`]); recording needs one of them. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub override_reasons: Vec<OverrideReason>,
    /// What recording needs; never serialised.
    #[serde(skip)]
    pub internal: Internal,
}

named_enum! {
    /// Why the checks refuse to record a dose (the HTTP answer's problem code).
    pub enum RefusalCode {
        /// Block problems, or the dose cannot be placed (no order, pack, patient or badge).
        AdministrationRefused = "administration_refused",
        /// Warnings and no override reason.
        OverrideRequired = "override_required",
        /// Warnings and an override reason that does not answer all of them.
        OverrideReasonNotApplicable = "override_reason_not_applicable",
    }
}

/// Whether `product` is what `order` asks for, at the order's level.
#[must_use]
pub fn order_met_by(order: &Order, product: &Product) -> bool {
    match order.level {
        MedicineLevel::Vmp => order.dmd_id == product.vmp_id,
        MedicineLevel::Vtm => product.vtm_id.as_deref() == Some(order.dmd_id.as_str()),
        MedicineLevel::Amp => product.amp_id.as_deref() == Some(order.dmd_id.as_str()),
    }
}

/// The prescribed dose in words: `1 g`, or a range `2.5 mg to 5 mg`.
fn order_dose(order: &Order) -> String {
    match order.dose_max_milli {
        Some(max) if max != order.dose_milli => format!(
            "{} to {}",
            amount(order.dose_milli, &order.dose_unit),
            amount(max, &order.dose_unit)
        ),
        _ => amount(order.dose_milli, &order.dose_unit),
    }
}

/// Whether a checked dose may be recorded with the override reason given (by name),
/// and the reason to record with it (`None` when no warning needed one).
///
/// # Errors
/// The [`RefusalCode`]: a stop, warnings without a reason, a reason that does not answer
/// every warning (an unknown name answers none), or a dose the checks could not place.
pub fn may_record(
    ev: &Evaluation,
    override_reason: Option<&str>,
) -> Result<Option<OverrideReason>, RefusalCode> {
    let reason = match ev.outcome {
        Outcome::Stop => return Err(RefusalCode::AdministrationRefused),
        Outcome::Warn => match override_reason.map(OverrideReason::parse) {
            None => return Err(RefusalCode::OverrideRequired),
            Some(Some(r)) if ev.override_reasons.contains(&r) => Some(r),
            Some(_) => return Err(RefusalCode::OverrideReasonNotApplicable),
        },
        Outcome::Give => None,
    };
    let placed = ev.order.is_some()
        && ev.due_at.is_some()
        && ev.pack.is_some()
        && ev.internal.nhs_number.is_some()
        && ev.internal.staff_gsrn.is_some();
    if placed {
        Ok(reason)
    } else {
        Err(RefusalCode::AdministrationRefused)
    }
}

fn route_words(r: &str) -> String {
    r.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .take(40)
        .collect()
}

fn duration_words(ms: i64) -> String {
    let m = ms.abs() / MINUTE_MS;
    if m >= 60 {
        format!("{} h {} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

/// The substance's name in running text: `Amoxicillin` → `amoxicillin`, but an
/// abbreviation (`DNA`) is left alone.
fn substance_words(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_owned(),
    }
}

fn criticality_words(c: AllergyCriticality) -> &'static str {
    match c {
        AllergyCriticality::High => "high criticality",
        AllergyCriticality::Low => "low criticality",
        AllergyCriticality::UnableToAssess => "criticality not assessed",
    }
}

/// The allergy problems of giving `product` to a patient with `allergies`: one per
/// substance of the product (or the product's own VMP or AMP) an active allergy names,
/// compared by id exactly; or `allergies_not_recorded`.
fn allergy_problems(allergies: &AllergyInputs, product: &Product) -> Vec<Problem> {
    let list = match allergies {
        AllergyInputs::NoneKnown => return Vec::new(),
        AllergyInputs::NotRecorded => {
            return vec![Problem::new(
                ProblemCode::AllergiesNotRecorded,
                "Allergies not recorded: this patient has no allergy record, not even \"no known drug allergy\". Check allergies with the patient before giving.",
            )];
        }
        AllergyInputs::Recorded(list) => list,
    };
    let mut out: Vec<Problem> = Vec::new();
    // An allergy recorded against the product itself (its VMP or AMP) counts too.
    let whole = [
        Some((product.vmp_id.as_str(), product.vmp_name.as_str())),
        product
            .amp_id
            .as_deref()
            .map(|id| (id, product.vmp_name.as_str())),
    ];
    let named: Vec<(&str, &str)> = product
        .substances
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .chain(whole.into_iter().flatten())
        .collect();
    // One problem per allergy, naming what of the product it is to: the moiety (VTM) when
    // it matches, else the first ingredient, excipient or the product itself.
    for a in list.iter().filter(|a| a.active) {
        let hits = |id: &str| a.code == id || a.implies.iter().any(|x| x == id);
        let vtm = product
            .vtm_id
            .as_deref()
            .filter(|v| hits(v))
            .and_then(|v| named.iter().find(|(id, _)| id == &v));
        let Some((_, name)) = vtm.or_else(|| named.iter().find(|(id, _)| hits(id))) else {
            continue;
        };
        let message = format!(
            "Allergy: this patient is allergic to {} ({}). Do not give; ask the prescriber.",
            substance_words(name),
            criticality_words(a.criticality)
        );
        if !out.iter().any(|p| p.message == message) {
            out.push(Problem::new(ProblemCode::Allergy, message));
        }
    }
    out
}

/// The partial answer, filled in as the checks go.
struct Partial {
    /// Allergy problems, listed before every other problem.
    first: Vec<Problem>,
    problems: Vec<Problem>,
    patient: Option<ConfirmPatient>,
    order: Option<OrderInfo>,
    pack: Option<PackInfo>,
    dose_given: Option<String>,
    due_at: Option<i64>,
    due_note: Option<String>,
    internal: Internal,
}

impl Partial {
    fn push(&mut self, code: ProblemCode, message: impl Into<String>) {
        self.problems.push(Problem::new(code, message));
    }

    fn finish(self) -> Evaluation {
        let Partial {
            mut first,
            problems,
            patient,
            order,
            pack,
            dose_given,
            due_at,
            due_note,
            mut internal,
        } = self;
        first.extend(problems);
        let problems = first;
        let outcome = if problems.iter().any(|p| p.severity == Severity::Block) {
            Outcome::Stop
        } else if problems.is_empty() {
            Outcome::Give
        } else {
            Outcome::Warn
        };
        let f = &mut internal.facts;
        f.outcome = outcome;
        f.problems = problems.iter().map(|p| p.code).collect();
        f.order = order.as_ref().map(|o| o.id.clone());
        f.due_at = due_at;
        f.staff.clone_from(&internal.staff_gsrn);
        f.checker.clone_from(&internal.checker_gsrn);
        f.location.clone_from(&internal.location);
        f.nhs_number.clone_from(&internal.nhs_number);
        f.quantity_milli = internal.quantity_milli;
        let override_reasons = if outcome == Outcome::Warn {
            OverrideReason::ALL
                .iter()
                .copied()
                .filter(|r| problems.iter().all(|p| r.answers(p.code)))
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
            due_display: due_at.map(london_when),
            due_note,
            due_at,
            internal,
        }
    }
}

/// Runs every check on what was read. `quantity_milli` is [`validate`]'s result; `now`
/// the server clock.
#[must_use]
pub fn check(
    req: &AdministrationRequest,
    quantity_milli: i64,
    scans: &Scans,
    inputs: &CheckInputs,
    now: i64,
) -> Evaluation {
    let id = &inputs.identification;
    let mut ev = Partial {
        first: Vec::new(),
        problems: Vec::new(),
        patient: None,
        order: None,
        pack: None,
        dose_given: None,
        due_at: None,
        due_note: None,
        internal: Internal {
            nhs_number: None,
            staff_gsrn: scans.staff.clone(),
            checker_gsrn: scans.checker.clone().flatten(),
            location: None,
            quantity_milli,
            dose_milli: 0,
            doses_seen: None,
            product: None,
            route: None,
            facts: CheckFacts {
                identify: id.facts.clone(),
                pack: None,
                outcome: Outcome::Stop,
                problems: Vec::new(),
                order: None,
                due_at: None,
                staff: None,
                checker: None,
                location: None,
                nhs_number: None,
                quantity_milli,
                override_reason: None,
                administration_id: None,
                refused: None,
                recall: None,
            },
        },
    };

    // Right patient.
    let nhs = match &id.decision {
        Decision::Match(m) => {
            ev.patient = Some(m.confirm());
            Some(m.nhs_number().as_str().to_owned())
        }
        other => {
            let mut p = Problem::new(
                ProblemCode::PatientNotConfirmed,
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
            ev.problems.push(p);
            None
        }
    };
    ev.internal.nhs_number.clone_from(&nhs);

    // Staff and second checker.
    match &scans.staff {
        None => ev.push(
            ProblemCode::NotAStaffBadge,
            "The staff scan is not a staff badge. Scan your badge.",
        ),
        Some(_) if !inputs.staff_known => ev.push(
            ProblemCode::UnknownStaff,
            "This staff badge is not registered. Ask the ward manager.",
        ),
        Some(g) if inputs.token_badge.as_ref().is_some_and(|b| b != g) => ev.push(
            ProblemCode::StaffNotTokenHolder,
            "This badge is not yours: scan your own badge. Another person's badge may only be scanned as the second checker.",
        ),
        Some(_) => {}
    }
    match &scans.checker {
        None => {}
        Some(None) => ev.push(
            ProblemCode::CheckerNotAStaffBadge,
            "The second checker scan is not a staff badge.",
        ),
        // The token's holder is the one giving: their badge as the checker is a person
        // checking themself, whichever badge was scanned as the giver's.
        Some(Some(c))
            if Some(c) == scans.staff.as_ref() || Some(c) == inputs.token_badge.as_ref() =>
        {
            ev.push(
                ProblemCode::CheckerSameAsGiver,
                "The second checker must be a different person.",
            );
        }
        Some(Some(_)) if !inputs.checker_known => ev.push(
            ProblemCode::UnknownChecker,
            "The second checker's badge is not registered.",
        ),
        Some(Some(_)) => match inputs.checker_confirmation {
            CheckerConfirmation::NotAsked | CheckerConfirmation::Confirmed => {}
            CheckerConfirmation::PinMissing => ev.push(
                ProblemCode::CheckerPinRequired,
                "The second checker must type their PIN.",
            ),
            CheckerConfirmation::PinWrong => ev.push(
                ProblemCode::CheckerPinIncorrect,
                "The second checker's PIN is wrong. They type it again.",
            ),
            CheckerConfirmation::Locked => ev.push(
                ProblemCode::CheckerPinLocked,
                "The second checker's badge is locked for 15 minutes after wrong PINs. Ask another checker.",
            ),
            CheckerConfirmation::CannotConfirm => ev.push(
                ProblemCode::CheckerCannotConfirm,
                "The second checker has no PIN here: they sign in once, link their badge and set a PIN.",
            ),
        },
    }

    // Location (optional).
    match &scans.location {
        None => {}
        Some(Some(loc)) if inputs.location_known => ev.internal.location = Some(loc.clone()),
        Some(_) => ev.push(
            ProblemCode::UnknownLocation,
            "This location barcode is not known here.",
        ),
    }

    // The pack.
    let Some(pack) = &scans.pack else {
        ev.push(
            ProblemCode::NotAMedicinePack,
            "This barcode is not a medicine pack. Scan the pack's 2D barcode.",
        );
        return ev.finish();
    };
    let mut info = PackInfo {
        gtin: pack.gtin.clone(),
        name: None,
        batch: pack.batch.clone(),
        expiry: pack.expiry.map(display_date),
        serial: pack.serial.clone(),
        high_risk: false,
        catalogue: None,
    };
    ev.internal.facts.pack = Some(PackFacts {
        gtin: info.gtin.clone(),
        batch: info.batch.clone(),
        expiry: info.expiry.clone(),
        serial: info.serial.clone(),
    });

    // Product safety: expiry, recall, serial.
    match pack.expiry {
        None => ev.push(
            ProblemCode::ExpiryNotInBarcode,
            "No expiry date in the barcode — check the pack by eye.",
        ),
        Some(last) if last < uk_today_conservative(now) => ev.push(
            ProblemCode::Expired,
            format!("Expired on {} — do not give", display_date(last)),
        ),
        Some(_) => {}
    }
    if let Some(batch) = &pack.batch {
        let which = |n: &RecallNotice| {
            if n.every_batch {
                "every batch of this product".to_owned()
            } else {
                format!("batch {batch} of this product")
            }
        };
        if let Some(Recall::Block { notice } | Recall::Warn { notice }) = &inputs.recall {
            ev.internal.facts.recall = Some(notice.reference.clone());
        }
        match &inputs.recall {
            Some(Recall::Block { notice }) => ev.push(
                ProblemCode::BatchRecalled,
                format!(
                    "Recalled: {} — {} must not be used. Do not give; return it to pharmacy.",
                    notice.quoted(),
                    which(notice)
                ),
            ),
            Some(Recall::Warn { notice }) => ev.push(
                ProblemCode::BatchWarning,
                format!(
                    "Safety notice: {} — {}. Read the notice and check the pack before giving.",
                    notice.quoted(),
                    which(notice)
                ),
            ),
            None => {}
        }
    } else {
        // Without a batch the recall list cannot clear this pack: if any batch of the
        // product is recalled with a block, the pack in hand may be one of them.
        match &inputs.product_recalled {
            Some(notice) => {
                ev.internal.facts.recall = Some(notice.reference.clone());
                ev.push(
                ProblemCode::BatchUnknownProductRecalled,
                format!(
                    "No batch in the barcode, and this product is recalled: {} — do not give; ask pharmacy.",
                    notice.quoted()
                ),
            );
            }
            None => ev.push(
                ProblemCode::BatchNotInBarcode,
                "No batch in the barcode: the recall list cannot be checked.",
            ),
        }
    }
    if pack.serial.is_some() && inputs.serial_used {
        ev.push(
            ProblemCode::SerialAlreadyUsed,
            "This pack (serial number) has already been used for a dose. Scan the pack in your hand.",
        );
    }

    // Right medicine: GTIN → product → VMP → an active order for this patient.
    let Some(product) = &inputs.product else {
        ev.push(
            ProblemCode::UnknownProduct,
            "This product is not in the catalogue. Do not give; ask pharmacy.",
        );
        ev.pack = Some(info);
        return ev.finish();
    };
    ev.internal.product = Some(product.clone());
    ev.internal.route = Some(req.route.clone());
    info.name = Some(product.name.clone());
    info.high_risk = product.high_risk;
    info.catalogue = Some(product.source.clone());
    ev.pack = Some(info);
    if product.invalid {
        ev.push(
            ProblemCode::InvalidProduct,
            format!(
                "{} is marked invalid in the medicines dictionary (dm+d): do not give; ask pharmacy.",
                product.name
            ),
        );
    }
    if product.high_risk && ev.internal.checker_gsrn.is_none() {
        ev.push(
            ProblemCode::SecondCheckerRequired,
            format!(
                "{} is a high-risk medicine: a second checker must scan their badge.",
                product.vmp_name
            ),
        );
    }
    let Some(nhs) = nhs else {
        return ev.finish();
    };
    // The patient's allergies against what the product is made of.
    ev.first = allergy_problems(&inputs.allergies, product);
    let order = match choose_order(&inputs.orders, &nhs) {
        Ok(o) => o,
        Err(code) => {
            let message = match code {
                ProblemCode::OrderNotForPatient => "This order is not for this patient.".to_owned(),
                ProblemCode::NoActiveOrder => format!(
                    "No active prescription for {} for this patient — do not give.",
                    product.vmp_name
                ),
                _ => "This patient has more than one prescription for this medicine: choose the order.".to_owned(),
            };
            ev.push(code, message);
            return ev.finish();
        }
    };
    ev.order = Some(OrderInfo {
        id: order.id.clone(),
        vmp_id: order.dmd_id.clone(),
        level: order.level,
        dose: order_dose(order),
        route: order.route.clone(),
        kind: order.kind,
    });
    if !order_met_by(order, product) {
        ev.push(
            ProblemCode::WrongMedicine,
            format!(
                "Wrong medicine: the order is for {} {}, this pack is {}.",
                order.level.as_str().to_uppercase(),
                order.dmd_id,
                product.vmp_name
            ),
        );
    }
    if !order.active || order.starts_at > now || order.ends_at.is_some_and(|e| e <= now) {
        ev.push(
            ProblemCode::OrderNotActive,
            "This prescription is not active (stopped, suspended or not started) — do not give.",
        );
    }

    // Right dose: strength × quantity.
    if let Some(strength_milli) = product.strength_milli {
        let given = i64::try_from(i128::from(strength_milli) * i128::from(quantity_milli) / 1000)
            .unwrap_or(i64::MAX);
        ev.internal.dose_milli = given;
        let given_text = amount(given, &product.strength_unit);
        let max = order.dose_max_milli.unwrap_or(order.dose_milli);
        if product.strength_unit != order.dose_unit || given < order.dose_milli || given > max {
            ev.push(
                ProblemCode::WrongDose,
                format!(
                    "Wrong dose: prescribed {}, this is {given_text} ({} {} × {}).",
                    order_dose(order),
                    amount(quantity_milli, "").trim_end(),
                    product.per_unit,
                    amount(strength_milli, &product.strength_unit)
                ),
            );
        }
        ev.dose_given = Some(given_text);
    } else {
        ev.push(
            ProblemCode::StrengthUnknown,
            format!(
                "The dose cannot be checked: the medicines dictionary gives no single strength per {} for {}. Do not give; ask pharmacy.",
                product.per_unit, product.vmp_name
            ),
        );
    }

    // Right route.
    if req.route != order.route {
        ev.push(
            ProblemCode::WrongRoute,
            format!(
                "Wrong route: prescribed {}, not {}.",
                order.route,
                route_words(&req.route)
            ),
        );
    } else if !product.routes.iter().any(|r| r == &order.route) {
        ev.push(
            ProblemCode::ProductRouteMismatch,
            format!("This product is not for the {} route.", order.route),
        );
    }

    // Right time. Every dose of this medicine the patient has had, from any of their
    // orders: the minimum PRN interval and a regular dose given too soon after another
    // are about the medicine, not the order line.
    ev.internal.doses_seen = Some(inputs.doses);
    let last_dose = inputs.doses.1;
    ev.due_at = match order.kind {
        OrderKind::Regular => regular_time(&mut ev, order, inputs, last_dose, now),
        OrderKind::Prn => {
            if let Some(last) = last_dose {
                let since = now - last;
                if order.min_interval_minutes > 0 && since < order.min_interval_minutes * MINUTE_MS
                {
                    ev.push(
                        ProblemCode::PrnTooSoon,
                        format!(
                            "Too soon: this medicine was last given at {}; the minimum interval is {}.",
                            london_when(last),
                            duration_words(order.min_interval_minutes * MINUTE_MS)
                        ),
                    );
                }
            }
            let in_24h = i64::try_from(
                inputs
                    .order_doses
                    .iter()
                    .filter(|d| d.given_at > now - DAY_MS)
                    .count(),
            )
            .unwrap_or(i64::MAX);
            if order.max_per_24h > 0 && in_24h >= order.max_per_24h {
                ev.push(
                    ProblemCode::Max24hReached,
                    format!(
                        "Maximum reached: {in_24h} doses in the last 24 hours (limit {}).",
                        order.max_per_24h
                    ),
                );
            }
            if let Some(cap) = order.max_amount_24h_milli
                && !(order.max_per_24h > 0 && in_24h >= order.max_per_24h)
            {
                let had: i64 = inputs
                    .order_doses
                    .iter()
                    .filter(|d| d.given_at > now - DAY_MS)
                    .map(|d| d.dose_milli)
                    .fold(0, i64::saturating_add);
                // This dose as the scan gives it; when its strength is unknown the dose
                // check has already stopped, and the prescribed dose stands in.
                let this = if ev.internal.dose_milli > 0 {
                    ev.internal.dose_milli
                } else {
                    order.dose_milli
                };
                if had.saturating_add(this) > cap {
                    ev.push(
                        ProblemCode::Max24hReached,
                        format!(
                            "Maximum reached: {} given in the last 24 hours; this dose of {} would exceed the limit of {} in 24 hours.",
                            amount(had, &order.dose_unit),
                            amount(this, &order.dose_unit),
                            amount(cap, &order.dose_unit)
                        ),
                    );
                }
            }
            // PRN doses are slotted by their minimum interval, so two records of one
            // dose collide.
            let slot = (order.min_interval_minutes * MINUTE_MS).max(MINUTE_MS);
            Some(now.div_euclid(slot) * slot)
        }
    };
    ev.finish()
}

fn regular_time(
    ev: &mut Partial,
    order: &Order,
    inputs: &CheckInputs,
    last_dose: Option<i64>,
    now: i64,
) -> Option<i64> {
    let Some(slot) = nearest_due(&order.times, now) else {
        ev.push(
            ProblemCode::NoSchedule,
            "This regular order has no valid times. Ask the prescriber.",
        );
        return None;
    };
    let due = slot.at;
    ev.due_note = slot.note();
    if !slot.collides_with.is_empty() {
        ev.push(
            ProblemCode::ClockChange,
            format!(
                "The clocks go forward today: the {} and {} doses fall at the same moment ({}), so only one of them can be recorded. Ask the prescriber.",
                slot.label,
                slot.collides_with.join(" and "),
                london_when(due)
            ),
        );
    }
    let off = now - due;
    if off.abs() > order.window_minutes * MINUTE_MS {
        let (code, early_late) = if off < 0 {
            (ProblemCode::TooEarly, "early")
        } else {
            (ProblemCode::TooLate, "late")
        };
        ev.push(
            code,
            format!(
                "Not due now: due at {}, this is {} {early_late}.",
                london_when(due),
                duration_words(off)
            ),
        );
    }
    if let Some(d) = inputs.order_doses.iter().find(|d| d.due_at == due) {
        ev.push(
            ProblemCode::AlreadyGiven,
            format!(
                "Already given: the {} dose was recorded at {}.",
                slot.label,
                london_when(d.given_at)
            ),
        );
    } else if let (Some(last), Some(gap)) = (last_dose, shortest_gap_minutes(&order.times)) {
        // Due windows of close times overlap: the 08:00 dose given late and the 10:00
        // dose early can both be "due" minutes apart.
        let since = now - last;
        if (0..gap * MINUTE_MS / 2).contains(&since) {
            ev.push(
                ProblemCode::TooSoonAfterLastDose,
                format!(
                    "Too soon: this medicine was last given at {}, {} ago; the doses are prescribed {} apart.",
                    london_when(last),
                    duration_words(since),
                    duration_words(gap * MINUTE_MS)
                ),
            );
        }
    }
    Some(due)
}
