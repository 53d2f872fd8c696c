//! The one model both wire formats are read into.
//!
//! Amounts are exact: thousandths of a unit in an `i64` (`2.5 mg` is `2_500` milli-mg),
//! the unit the service already stores doses in. A value with finer precision than a
//! thousandth is refused by the readers, never rounded.
//!
//! Instants are Unix milliseconds (UTC); wall-clock administration times are London
//! local times of day, as a ward reads them.

use serde::{Deserialize, Serialize};

/// An order's identity: the placer order number (HL7 ORC-2.1, FHIR `identifier.value`)
/// within its namespace (HL7 ORC-2.2 namespace id, or MSH-4 sending facility when ORC-2.2
/// is empty; FHIR `identifier.system`). Two EPMAs may both issue `ORD-1`: the pair is
/// the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrderId {
    /// Namespace (never empty).
    pub namespace: String,
    /// Placer order number (never empty).
    pub number: String,
}

/// What an HL7 order message asks for (ORC-1, HL7 table 0119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderControl {
    /// `NW`: a new order.
    New,
    /// `XO` (or `RP`): the order is changed (dose, timing, route…); replaces the stored one.
    Change,
    /// `CA`: cancelled before any dose.
    Cancel,
    /// `DC`: discontinued; no further doses.
    Discontinue,
    /// `HD`: on hold; doses refused until released.
    Hold,
    /// `RL`: hold released.
    Release,
}

/// An order's status (FHIR `MedicationRequest.status` names). Only `Active` orders can
/// be given against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderStatus {
    /// Doses may be given.
    Active,
    /// Suspended: refuse with "on hold".
    OnHold,
    /// Withdrawn before any dose.
    Cancelled,
    /// Permanently halted.
    Stopped,
    /// Finished.
    Completed,
    /// Recorded in error: as if it never existed.
    EnteredInError,
}

impl OrderStatus {
    /// The FHIR code (`active`, `on-hold`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Active => "active",
            OrderStatus::OnHold => "on-hold",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Stopped => "stopped",
            OrderStatus::Completed => "completed",
            OrderStatus::EnteredInError => "entered-in-error",
        }
    }

    /// The status a FHIR code stands for (`draft` and `unknown` are not accepted).
    #[must_use]
    pub fn parse(s: &str) -> Option<OrderStatus> {
        [
            OrderStatus::Active,
            OrderStatus::OnHold,
            OrderStatus::Cancelled,
            OrderStatus::Stopped,
            OrderStatus::Completed,
            OrderStatus::EnteredInError,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A dm+d concept id as written in the message (a SNOMED CT id, 6 to 18 digits). Whether
/// it is a VTM, VMP or AMP, current or previous, is for the catalogue to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DmdId(pub String);

/// The medicine ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    /// The dm+d id (HL7 RXE-2.1 / RXO-1.1 with coding system `DMD`, `dm+d`, `SCT` or
    /// `https://dmd.nhs.uk`; FHIR the `https://dmd.nhs.uk` coding).
    pub code: DmdId,
    /// The name the prescriber saw (HL7 CE.2 / FHIR `display` or `text`), if sent.
    pub display: Option<String>,
}

/// A unit of a dose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DoseUnit {
    /// A UCUM code (`mg`, `ug`, `mL`, `g`, `[iU]`…).
    Ucum(String),
    /// A dm+d unit of measure (a SNOMED CT id from the `UNIT_OF_MEASURE` lookup, e.g.
    /// `258684004` mg, `428673006` tablet).
    Dmd(String),
}

/// An amount: thousandths of `unit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// Thousandths of the unit (`2.5 mg` = `2_500`).
    pub milli: i64,
    /// The unit.
    pub unit: DoseUnit,
}

/// The dose to give each time: an amount, or a range (HL7 RXE-3/RXE-4, FHIR
/// `doseQuantity` / `doseRange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dose {
    /// The dose (or the low end of a range).
    pub min: Amount,
    /// The high end of a range, same unit, not below `min`.
    pub max_milli: Option<i64>,
}

/// A route (HL7 RXR-1; FHIR `dosageInstruction.route`): the SNOMED CT code from the
/// ePrescribing route refset (dm+d `ROUTE`), read from either coding system. An HL7 table
/// 0162 mnemonic is mapped ([`crate::model::route_from_hl7_0162`]); an unmapped one is an
/// error, never a guess.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Route {
    /// SNOMED CT route code, e.g. `26643006` (oral).
    pub snomed: String,
    /// The text sent with it, if any.
    pub display: Option<String>,
}

/// A London wall-clock time of day (`08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeOfDay {
    /// 0-23.
    pub hour: u8,
    /// 0-59.
    pub minute: u8,
}

/// The 24-hour cap of an as-needed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Max24h {
    /// At most this many doses in any 24 hours.
    Doses(u32),
    /// At most this amount in any 24 hours.
    Amount(Amount),
}

/// When doses are due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schedule {
    /// Regular, at these London times each day (HL7 TQ1-4; FHIR `timing.repeat.timeOfDay`).
    Times(Vec<TimeOfDay>),
    /// Regular, every so many minutes (HL7 TQ1-3 `Q4H`; FHIR `frequency` 1 per `period`
    /// `periodUnit`) with no fixed clock times.
    Every {
        /// Minutes between doses.
        minutes: u32,
    },
    /// As needed (HL7 TQ1-9 `PRN`; FHIR `asNeededBoolean` / `asNeededCodeableConcept`).
    AsNeeded {
        /// Minimum minutes between doses (from `Q4H` / `period`), if given.
        min_interval_minutes: Option<u32>,
        /// The 24-hour cap (FHIR `maxDosePerPeriod` over 24 h), if given.
        max_24h: Option<Max24h>,
        /// Why (HL7 TQ1-10; FHIR `asNeededCodeableConcept.text`), if given.
        reason: Option<String>,
    },
}

/// An order as the EPMA states it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Its identity.
    pub id: OrderId,
    /// The patient's NHS number (10 digits, modulus 11 checked; HL7 PID-3 with
    /// assigning authority `NHS` and type `NH`; FHIR `subject.identifier` with system
    /// `https://fhir.nhs.uk/Id/nhs-number`).
    pub nhs_number: String,
    /// Status.
    pub status: OrderStatus,
    /// The medicine.
    pub medication: Medication,
    /// The dose each time.
    pub dose: Dose,
    /// The route.
    pub route: Route,
    /// When doses are due.
    pub schedule: Schedule,
    /// First dose not before (Unix ms; HL7 TQ1-7; FHIR `timing.repeat.boundsPeriod.start`).
    pub starts_at: Option<i64>,
    /// No dose after (Unix ms; HL7 TQ1-8; FHIR `boundsPeriod.end`).
    pub ends_at: Option<i64>,
    /// When the EPMA made this version (Unix ms; HL7 ORC-9; FHIR `authoredOn`), used to
    /// ignore a message older than the stored version.
    pub stated_at: Option<i64>,
    /// The human-readable instruction (FHIR `dosageInstruction.text`; HL7 RXE-7 text), if sent.
    pub text: Option<String>,
}

/// One order in an HL7 order message: what to do, and the order as stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// An `Upsert` is the common case and a message holds a handful of events: boxing the
// order would only add an allocation and change the shape both readers build.
#[allow(clippy::large_enum_variant)]
pub enum OrderEvent {
    /// `NW` or `XO`/`RP`: store this order (replacing any stored version).
    Upsert {
        /// `New` or `Change`.
        control: OrderControl,
        /// The whole order.
        order: Order,
    },
    /// `CA`, `DC`, `HD`, `RL`: change the status of a stored order.
    SetStatus {
        /// The control code.
        control: OrderControl,
        /// The order.
        id: OrderId,
        /// Its patient (must be the stored order's).
        nhs_number: String,
        /// The new status (`Cancelled`, `Stopped`, `OnHold`, `Active`).
        status: OrderStatus,
        /// ORC-9, if sent.
        stated_at: Option<i64>,
    },
}

/// How sure the record is about an allergy (FHIR `clinicalStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllergyClinicalStatus {
    /// Current.
    Active,
    /// No longer current.
    Inactive,
    /// Resolved.
    Resolved,
}

/// How dangerous a reaction could be (FHIR `criticality`; HL7 AL1-4 `SV` → high, `MO`/`MI` → low,
/// `U`/absent → unable to assess).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criticality {
    /// Low risk of a serious reaction.
    Low,
    /// High risk.
    High,
    /// Not known.
    UnableToAssess,
}

/// The coding system of an allergy's substance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstanceSystem {
    /// A dm+d concept (VTM, VMP, AMP or ingredient), `https://dmd.nhs.uk` / HL7 `DMD`.
    Dmd,
    /// A SNOMED CT concept (`http://snomed.info/sct` / HL7 `SCT`): matched to dm+d
    /// ingredients by id (dm+d ids are SNOMED ids).
    Snomed,
}

/// One allergy or intolerance to a substance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allergy {
    /// The FHIR resource id, or for HL7 the AL1 set id within its message.
    pub id: String,
    /// The substance's coding system.
    pub system: SubstanceSystem,
    /// The substance's code.
    pub code: String,
    /// Its name as sent, if any.
    pub display: Option<String>,
    /// Clinical status.
    pub clinical_status: AllergyClinicalStatus,
    /// Criticality.
    pub criticality: Criticality,
    /// Reactions as sent (HL7 AL1-5; FHIR `reaction[].manifestation` text/display).
    pub reactions: Vec<String>,
}

/// What a source says about a patient's allergies. "No statement at all" is not a
/// variant: it is the absence of a statement, and it means **not recorded**, never
/// "none known".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllergyStatement {
    /// A positive "no known drug allergy" (SNOMED `409137002` or `716186003`).
    NoneKnown,
    /// These allergies (at least one).
    Allergies(Vec<Allergy>),
}

/// SNOMED CT codes that state "no known (drug) allergy".
pub const NO_KNOWN_ALLERGY_CODES: [&str; 2] = ["409137002", "716186003"];

/// The SNOMED CT route for an HL7 table 0162 mnemonic, for the routes a ward gives by.
///
/// ```
/// use bedside_orders::model::route_from_hl7_0162;
/// assert_eq!(route_from_hl7_0162("PO"), Some("26643006"));
/// assert_eq!(route_from_hl7_0162("XX"), None);
/// ```
#[must_use]
pub fn route_from_hl7_0162(mnemonic: &str) -> Option<&'static str> {
    ROUTES_0162
        .iter()
        .find(|(m, _, _)| *m == mnemonic)
        .map(|(_, sct, _)| *sct)
}

/// HL7 table 0162 mnemonic, SNOMED CT route (dm+d `ROUTE`), and the route's name.
pub const ROUTES_0162: [(&str, &str, &str); 13] = [
    ("PO", "26643006", "Oral"),
    ("IV", "47625008", "Intravenous"),
    ("IM", "78421000", "Intramuscular"),
    ("SC", "34206005", "Subcutaneous"),
    ("PR", "37161004", "Rectal"),
    ("IH", "18679011000001101", "Inhalation"),
    ("NS", "46713006", "Nasal"),
    ("B", "54471007", "Buccal"),
    ("SL", "37839007", "Sublingual"),
    ("TP", "6064005", "Topical"),
    ("ID", "372464004", "Intradermal"),
    ("IT", "72607000", "Intrathecal"),
    ("EP", "404820008", "Epidural"),
];
