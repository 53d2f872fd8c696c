//! HL7 v2.5 order messages (`RDE^O11`, `OMP^O09`) and `AL1` allergy segments, read into
//! the [`crate::model`] types.
//!
//! The ER7 codec is `bedside_pix::er7`: the caller parses the bytes with
//! [`bedside_pix::er7::Message::parse`] and hands the message here. Every field this module
//! reads is listed below and in the crate README; everything else is ignored. Any value
//! that cannot be read exactly is an [`Hl7Error`] naming the segment, its occurrence, the
//! field (and component), the HL7 table 0357 code and the rule broken. Nothing is guessed:
//! no rounding of amounts, no default administration times, no unknown route or coding
//! system taken on trust.
//!
//! | segment-field | read as |
//! | --- | --- |
//! | MSH-4.1 | [`OrderMessage::sending_facility`]; the order-number namespace when ORC-2.2 is empty |
//! | MSH-9.1 / MSH-9.2 | `RDE^O11` or `OMP^O09` (orders); `ADT^A01/A04/A05/A08/A28/A31` (allergies) |
//! | MSH-10 | [`OrderMessage::control_id`] (required) |
//! | PID-3 | the repetition with assigning authority `NHS` (CX.4.1, or the NHS number OID in CX.4.2) and type `NH` (CX.5): the NHS number, modulus-11 checked |
//! | AL1-1 | allergy id `AL1-<set id>` |
//! | AL1-2.1 | allergen type (table 0127): `DA`, `MA`, `MC` or empty kept; `FA`, `EA`, `AA`, `PA`, `LA` skipped |
//! | AL1-3 | substance (CE): code + system `DMD`/`dm+d`/`https://dmd.nhs.uk` (dm+d) or `SCT` (SNOMED), primary or alternate triplet; `409137002`/`716186003` = none known |
//! | AL1-4.1 | severity (table 0128): `SV` high, `MO`/`MI` low, `U`/empty unable to assess |
//! | AL1-5 | reactions (repeating) |
//! | ORC-1 | order control (table 0119): `NW`, `XO`, `RP`, `CA`, `DC`, `HD`, `RL` |
//! | ORC-2.1 / ORC-2.2 | placer order number / its namespace |
//! | ORC-9.1 | transaction date/time → `stated_at` |
//! | RXE-2 (RDE) / RXO-1 (OMP) | the dm+d id (CE, see [`DMD_SYSTEMS`]) and its name |
//! | RXE-3 / RXO-2 | dose (minimum), exact to a thousandth |
//! | RXE-4 / RXO-3 | dose maximum (range doses) |
//! | RXE-5 / RXO-4 | dose unit: UCUM (`UCUM`) or dm+d unit of measure (`SCT`/`DMD`) |
//! | RXE-7 / RXO-7 | administration instructions → `Order::text` (CE.2, else CE.1, of each repetition, joined by `; `) |
//! | RXE-19 | total daily dose (CQ): the maximum amount in 24 hours of an as-needed order |
//! | TQ1-3.1 | repeat pattern: `Q<n>H`/`Q<n>M`/`Q<n>D`, `PRN`, or an institution code (`BID`…) |
//! | TQ1-4 | explicit London times (`0800~1400~2000`) |
//! | TQ1-7.1 / TQ1-8.1 | start / end date-time |
//! | TQ1-9.1 | priority: `PRN` = as needed |
//! | TQ1-10 | as-needed reason |
//! | RXR-1 | route (CE): SNOMED (`SCT`, primary or alternate) or an HL7 table 0162 mnemonic |

use std::collections::BTreeMap;
use std::fmt;

use bedside_patient::{NhsNumber, TestData};
use bedside_pix::domain::Domain;
use bedside_pix::er7::{Er7Error, Message, Segment, Value};

use crate::model::{
    Allergy, AllergyClinicalStatus, AllergyStatement, Amount, Criticality, DmdId, Dose, DoseUnit,
    Max24h, Medication, NO_KNOWN_ALLERGY_CODES, Order, OrderControl, OrderEvent, OrderId,
    OrderStatus, Route, Schedule, SubstanceSystem, TimeOfDay, route_from_hl7_0162,
};

/// Coding-system labels (CE.3 / CE.6, compared case-insensitively) that mark a dm+d id.
pub const DMD_SYSTEMS: [&str; 4] = ["DMD", "dm+d", "SCT", "https://dmd.nhs.uk"];

/// HL7 table 0357 message error condition codes used in `ERR-3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 100: segment sequence error (a required segment missing or out of place).
    SegmentSequence,
    /// 101: required field missing.
    RequiredFieldMissing,
    /// 102: data type error (a value that does not read as its type).
    DataType,
    /// 103: table value not found (a code this reader does not accept).
    TableValueNotFound,
    /// 200: unsupported message type.
    UnsupportedMessageType,
    /// 201: unsupported event code.
    UnsupportedEventCode,
    /// 207: application internal error; used for business-rule refusals that no other
    /// 0357 value describes (contradictory allergy statements, disagreeing codes).
    ApplicationInternal,
}

impl ErrorCode {
    /// The numeric table 0357 value (`100`, `101`, …).
    ///
    /// ```
    /// assert_eq!(bedside_orders::hl7::ErrorCode::DataType.value(), 102);
    /// ```
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            ErrorCode::SegmentSequence => 100,
            ErrorCode::RequiredFieldMissing => 101,
            ErrorCode::DataType => 102,
            ErrorCode::TableValueNotFound => 103,
            ErrorCode::UnsupportedMessageType => 200,
            ErrorCode::UnsupportedEventCode => 201,
            ErrorCode::ApplicationInternal => 207,
        }
    }

    /// The table 0357 description, for `ERR-3.2`.
    ///
    /// ```
    /// assert_eq!(bedside_orders::hl7::ErrorCode::RequiredFieldMissing.text(), "Required field missing");
    /// ```
    #[must_use]
    pub const fn text(self) -> &'static str {
        match self {
            ErrorCode::SegmentSequence => "Segment sequence error",
            ErrorCode::RequiredFieldMissing => "Required field missing",
            ErrorCode::DataType => "Data type error",
            ErrorCode::TableValueNotFound => "Table value not found",
            ErrorCode::UnsupportedMessageType => "Unsupported message type",
            ErrorCode::UnsupportedEventCode => "Unsupported event code",
            ErrorCode::ApplicationInternal => "Application internal error",
        }
    }
}

/// The rule a message broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// MSH-9.1 is not a message type this reader takes (200).
    #[error("unsupported message type {found:?}")]
    UnsupportedMessageType {
        /// MSH-9.1 as sent.
        found: String,
    },
    /// MSH-9.2 is not a trigger event this reader takes for the message type (201).
    #[error("unsupported event {found:?}")]
    UnsupportedEvent {
        /// MSH-9.2 as sent.
        found: String,
    },
    /// A segment the structure requires is absent (100).
    #[error("required segment missing")]
    MissingSegment,
    /// A segment appears where the structure does not allow it, or twice where it may
    /// appear once (100).
    #[error("segment not allowed here")]
    UnexpectedSegment,
    /// A required field or component is empty (101).
    #[error("required value missing")]
    MissingValue,
    /// A value cannot be decoded in the message's character set, or has a broken escape
    /// sequence (102).
    #[error("cannot decode: {0}")]
    Undecodable(Er7Error),
    /// Not a decimal number (HL7 NM) (102).
    #[error("not a number: {found:?}")]
    NotANumber {
        /// The value as sent.
        found: String,
    },
    /// A number with a non-zero digit finer than a thousandth: never rounded (102).
    #[error("finer than a thousandth, not rounded: {found:?}")]
    TooPrecise {
        /// The value as sent.
        found: String,
    },
    /// A number too large to hold in thousandths, or zero where a dose is required (102).
    #[error("out of range: {found:?}")]
    OutOfRange {
        /// The value as sent.
        found: String,
    },
    /// The dose maximum (RXE-4 / RXO-3) is below the minimum (102).
    #[error("maximum below the minimum")]
    RangeInverted,
    /// The NHS number fails the format or modulus-11 check, or is a test-range number
    /// where test data is refused (102).
    #[error("not a valid NHS number: {0}")]
    BadNhsNumber(bedside_patient::NhsNumberError),
    /// PID-3 holds two different NHS numbers (102).
    #[error("two different NHS numbers")]
    ConflictingNhsNumbers,
    /// An HL7 order control code (table 0119) this reader does not act on (103).
    #[error("order control {found:?} not supported (table 0119)")]
    UnsupportedOrderControl {
        /// ORC-1 as sent.
        found: String,
    },
    /// A coded value whose coding system is not one this field accepts (103).
    #[error("coding system {found:?} not accepted here")]
    UnknownCodingSystem {
        /// The coding system (CE.3/CE.6) as sent, possibly empty.
        found: String,
    },
    /// A dm+d / SNOMED CT id that is not 6 to 18 digits (102).
    #[error("not a dm+d / SNOMED CT id (6 to 18 digits): {found:?}")]
    BadConceptId {
        /// The value as sent.
        found: String,
    },
    /// An HL7 table 0162 route mnemonic with no SNOMED CT route (103).
    #[error("route {found:?} is not mapped to a SNOMED CT route")]
    UnknownRoute {
        /// The mnemonic as sent.
        found: String,
    },
    /// The 0162 mnemonic and the SNOMED CT code of RXR-1 name different routes (207).
    #[error("route mnemonic {mnemonic:?} and SNOMED CT code {snomed:?} disagree")]
    RouteDisagrees {
        /// The 0162 mnemonic.
        mnemonic: String,
        /// The SNOMED CT code.
        snomed: String,
    },
    /// Not an HL7 TS date/time this reader takes (`YYYYMMDD[HH[MM[SS[.S…]]]][±ZZZZ]`) (102).
    #[error("not a date/time: {found:?}")]
    BadTimestamp {
        /// The value as sent.
        found: String,
    },
    /// A London local time that does not exist (clocks forward) or happens twice (clocks
    /// back), sent without an offset (102).
    #[error("London local time {found:?} is skipped or repeated by a clock change; send an offset")]
    AmbiguousLocalTime {
        /// The value as sent.
        found: String,
    },
    /// The end (TQ1-8) is before the start (TQ1-7) (102).
    #[error("ends before it starts")]
    EndBeforeStart,
    /// Not a time of day this reader takes (`HH[MM[00]]`, no offset) (102).
    #[error("not a time of day: {found:?}")]
    BadTimeOfDay {
        /// The value as sent.
        found: String,
    },
    /// A repeat pattern (table 0335) that cannot be used here (103).
    #[error("repeat pattern {found:?} not supported here")]
    UnsupportedRepeatPattern {
        /// TQ1-3 as sent.
        found: String,
    },
    /// An institution repeat code (`BID`…) without TQ1-4 explicit times, and the trust
    /// has not configured standard times for it (101).
    #[error(
        "no explicit times (TQ1-4) for repeat pattern {code:?} and no standard times configured for it: send TQ1-4 or configure the trust's standard times"
    )]
    StandardTimesNotConfigured {
        /// TQ1-3 as sent.
        code: String,
    },
    /// TQ1-4 lists a different number of times from what its repeat code says (`QID` with
    /// three times) (102).
    #[error("{count} explicit times, but repeat pattern {code:?} means {expected}")]
    TimesDisagreeWithPattern {
        /// TQ1-3.
        code: String,
        /// Times per day the code means.
        expected: usize,
        /// Times sent in TQ1-4.
        count: usize,
    },
    /// A table value this reader does not know (AL1-2 table 0127, AL1-4 table 0128) (103).
    #[error("value {found:?} not found in the table")]
    UnknownTableValue {
        /// The code as sent.
        found: String,
    },
    /// A "no known allergy" statement together with an allergy (207).
    #[error("\"no known allergy\" sent together with an allergy")]
    ContradictoryAllergies,
}

impl ErrorKind {
    /// The table 0357 code for this rule.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            ErrorKind::UnsupportedMessageType { .. } => ErrorCode::UnsupportedMessageType,
            ErrorKind::UnsupportedEvent { .. } => ErrorCode::UnsupportedEventCode,
            ErrorKind::MissingSegment | ErrorKind::UnexpectedSegment => ErrorCode::SegmentSequence,
            ErrorKind::MissingValue | ErrorKind::StandardTimesNotConfigured { .. } => {
                ErrorCode::RequiredFieldMissing
            }
            ErrorKind::Undecodable(_)
            | ErrorKind::NotANumber { .. }
            | ErrorKind::TooPrecise { .. }
            | ErrorKind::OutOfRange { .. }
            | ErrorKind::RangeInverted
            | ErrorKind::BadNhsNumber(_)
            | ErrorKind::ConflictingNhsNumbers
            | ErrorKind::BadConceptId { .. }
            | ErrorKind::BadTimestamp { .. }
            | ErrorKind::AmbiguousLocalTime { .. }
            | ErrorKind::EndBeforeStart
            | ErrorKind::BadTimeOfDay { .. }
            | ErrorKind::TimesDisagreeWithPattern { .. } => ErrorCode::DataType,
            ErrorKind::UnsupportedOrderControl { .. }
            | ErrorKind::UnknownCodingSystem { .. }
            | ErrorKind::UnknownRoute { .. }
            | ErrorKind::UnsupportedRepeatPattern { .. }
            | ErrorKind::UnknownTableValue { .. } => ErrorCode::TableValueNotFound,
            ErrorKind::RouteDisagrees { .. } | ErrorKind::ContradictoryAllergies => {
                ErrorCode::ApplicationInternal
            }
        }
    }
}

/// Why a message could not be read, and exactly where.
///
/// ```
/// use bedside_orders::hl7::{read_order_message, ReadOptions};
/// let raw = b"MSH|^~\\&|EPMA|RXX01|||20250301||RDE^O11|C1|P|2.5\r\
/// PID|1||9990000018^^^NHS^NH\rORC|NW|ORD-1\rRXE||900000011000001100^Paracetamol^SCT|abc||mg^mg^UCUM\r";
/// let msg = bedside_pix::er7::Message::parse(raw)?;
/// let opts = ReadOptions { nhs_test_numbers: bedside_patient::TestData::Allow, ..ReadOptions::default() };
/// let e = read_order_message(&msg, &opts).unwrap_err();
/// assert_eq!(e.to_string(), "RXE-3 (order 1): not a number: \"abc\"");
/// assert_eq!(e.err_location(), "RXE^1^3");
/// assert_eq!(e.code.value(), 102);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hl7Error {
    /// The segment id (`MSH`, `PID`, `AL1`, `ORC`, `RXE`, `RXO`, `TQ1`, `RXR`).
    pub segment: &'static str,
    /// Which occurrence of that segment in the message, from 1 (the 2nd `ORC` is 2). For a
    /// missing segment, the occurrence it would have had.
    pub occurrence: u32,
    /// The ORDER group (from 1) the segment belongs to, if any.
    pub order: Option<u32>,
    /// The field number, from 1; 0 when the error is about the whole segment.
    pub field: u32,
    /// The field repetition (from 1), when the error is about one repetition.
    pub repetition: Option<u32>,
    /// The component (from 1), when the error is about one component.
    pub component: Option<u32>,
    /// The HL7 table 0357 code for `ERR-3`.
    pub code: ErrorCode,
    /// The rule broken.
    pub kind: ErrorKind,
}

impl fmt::Display for Hl7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment)?;
        if self.field > 0 {
            write!(f, "-{}", self.field)?;
            if let Some(c) = self.component {
                write!(f, ".{c}")?;
            }
            if let Some(r) = self.repetition.filter(|r| *r > 1) {
                write!(f, " repetition {r}")?;
            }
        } else if self.occurrence > 1 && self.order.is_none() {
            write!(f, " #{}", self.occurrence)?;
        }
        if let Some(o) = self.order {
            write!(f, " (order {o})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for Hl7Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Undecodable(e) => Some(e),
            ErrorKind::BadNhsNumber(e) => Some(e),
            _ => None,
        }
    }
}

impl Hl7Error {
    /// The error location in HL7 `ERR-2` (ERL) form: `SEG^occurrence^field^repetition^component`,
    /// as far as known (`RXE^1^3`, `PID^1^3^2^1`, `RXE^2` for a whole segment).
    ///
    /// ```
    /// use bedside_orders::hl7::{ErrorKind, Hl7Error};
    /// let e = Hl7Error::new("TQ1", 2, Some(2), 4, None, ErrorKind::MissingValue);
    /// assert_eq!(e.err_location(), "TQ1^2^4");
    /// ```
    #[must_use]
    pub fn err_location(&self) -> String {
        let mut s = format!("{}^{}", self.segment, self.occurrence);
        if self.field > 0 {
            s.push_str(&format!("^{}", self.field));
            if let Some(c) = self.component {
                s.push_str(&format!("^{}^{c}", self.repetition.unwrap_or(1)));
            } else if let Some(r) = self.repetition {
                s.push_str(&format!("^{r}"));
            }
        }
        s
    }

    /// True when the error is about a whole segment (field 0): a missing or misplaced segment.
    #[must_use]
    pub fn is_segment_level(&self) -> bool {
        self.field == 0
    }

    /// An error at a place; the 0357 code follows from the kind.
    #[must_use]
    pub fn new(
        segment: &'static str,
        occurrence: u32,
        order: Option<u32>,
        field: u32,
        component: Option<u32>,
        kind: ErrorKind,
    ) -> Self {
        Hl7Error {
            segment,
            occurrence,
            order,
            field,
            repetition: None,
            component,
            code: kind.code(),
            kind,
        }
    }

    fn rep(mut self, r: usize) -> Self {
        self.repetition = Some(u32::try_from(r).unwrap_or(u32::MAX));
        self
    }
}

/// Reader settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The trust's standard administration times for institution repeat codes (TQ1-3
    /// `BID`, `TID`, `QID`, `QAM`, `QHS`…), used only when TQ1-4 is empty. Keys are
    /// compared exactly (upper case as HL7 writes them). Default empty: an order with a
    /// code and no explicit times is refused, never given guessed times.
    pub standard_times: BTreeMap<String, Vec<TimeOfDay>>,
    /// Whether NHS numbers from the test range (`999…`) are accepted. Default
    /// [`TestData::Reject`] (production).
    pub nhs_test_numbers: TestData,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            standard_times: BTreeMap::new(),
            nhs_test_numbers: TestData::Reject,
        }
    }
}

/// The order message types read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderMessageType {
    /// `RDE^O11`: pharmacy/treatment encoded order (drug from RXE).
    RdeO11,
    /// `OMP^O09`: pharmacy/treatment order (drug from RXO).
    OmpO09,
}

/// One order message, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderMessage {
    /// MSH-10: de-duplicate on it.
    pub control_id: String,
    /// MSH-4.1 (HD namespace id), possibly empty.
    pub sending_facility: String,
    /// MSH-9.
    pub message_type: OrderMessageType,
    /// PID-3: the NHS number (10 digits, modulus-11 checked).
    pub nhs_number: String,
    /// The AL1 segments of the PATIENT group; `None` when there are none (the message
    /// says nothing about allergies).
    pub allergies: Option<AllergyStatement>,
    /// One event per ORDER group, in message order.
    pub events: Vec<OrderEvent>,
}

/// A segment with its 1-based occurrence among segments of the same id.
#[derive(Clone, Copy)]
struct Seg<'m, 'a> {
    seg: &'m Segment<'a>,
    occ: u32,
    order: Option<u32>,
    name: &'static str,
}

impl<'a> Seg<'_, 'a> {
    fn err(&self, field: u32, component: Option<u32>, kind: ErrorKind) -> Hl7Error {
        Hl7Error::new(self.name, self.occ, self.order, field, component, kind)
    }

    fn field(&self, n: u32) -> Value<'a> {
        self.seg.field(n as usize)
    }

    /// Decoded text of a value at `field`/`component`.
    fn text(&self, v: Value<'a>, field: u32, component: Option<u32>) -> Result<String, Hl7Error> {
        v.text()
            .map(|t| t.into_owned())
            .map_err(|e| self.err(field, component, ErrorKind::Undecodable(e)))
    }

    /// Decoded text of component `c` of field `f` (first repetition).
    fn comp(&self, f: u32, c: u32) -> Result<String, Hl7Error> {
        self.text(self.field(f).component(c as usize), f, Some(c))
    }
}

fn static_name(id: &str) -> Option<&'static str> {
    ["MSH", "PID", "AL1", "ORC", "RXE", "RXO", "TQ1", "RXR"]
        .into_iter()
        .find(|n| *n == id)
}

/// One ORDER group.
struct Group<'m, 'a> {
    n: u32,
    orc: Seg<'m, 'a>,
    drug: Option<Seg<'m, 'a>>,
    tq1_before: Vec<Seg<'m, 'a>>,
    tq1_after: Vec<Seg<'m, 'a>>,
    rxr: Vec<Seg<'m, 'a>>,
}

/// The segments of an order message, placed in their groups.
struct Layout<'m, 'a> {
    pid: Option<Seg<'m, 'a>>,
    al1: Vec<Seg<'m, 'a>>,
    orders: Vec<Group<'m, 'a>>,
    counts: BTreeMap<&'static str, u32>,
}

fn layout<'m, 'a>(msg: &'m Message<'a>, drug_id: &'static str) -> Result<Layout<'m, 'a>, Hl7Error> {
    let mut out = Layout {
        pid: None,
        al1: Vec::new(),
        orders: Vec::new(),
        counts: BTreeMap::new(),
    };
    for seg in msg.segments().iter().skip(1) {
        let Some(name) = static_name(seg.id()) else {
            continue;
        };
        let occ = {
            let c = out.counts.entry(name).or_insert(0);
            *c += 1;
            *c
        };
        let order = out.orders.last().map(|g| g.n);
        let s = Seg {
            seg,
            occ,
            order,
            name,
        };
        let misplaced = || s.err(0, None, ErrorKind::UnexpectedSegment);
        match name {
            "PID" => {
                if out.pid.is_some() || order.is_some() {
                    return Err(misplaced());
                }
                out.pid = Some(s);
            }
            "AL1" => {
                if order.is_some() {
                    return Err(misplaced());
                }
                out.al1.push(s);
            }
            "ORC" => {
                let n = u32::try_from(out.orders.len() + 1).unwrap_or(u32::MAX);
                out.orders.push(Group {
                    n,
                    orc: Seg {
                        order: Some(n),
                        ..s
                    },
                    drug: None,
                    tq1_before: Vec::new(),
                    tq1_after: Vec::new(),
                    rxr: Vec::new(),
                });
            }
            _ => {
                let Some(g) = out.orders.last_mut() else {
                    return Err(misplaced());
                };
                match name {
                    "TQ1" if g.drug.is_some() => g.tq1_after.push(s),
                    "TQ1" => g.tq1_before.push(s),
                    "RXR" => g.rxr.push(s),
                    n if n == drug_id => {
                        if g.drug.is_some() {
                            return Err(misplaced());
                        }
                        g.drug = Some(s);
                    }
                    // RXO is allowed in RDE (ORDER_DETAIL) and not read; RXE in OMP is
                    // not part of the structure.
                    "RXO" => {}
                    _ => return Err(misplaced()),
                }
            }
        }
    }
    Ok(out)
}

impl Layout<'_, '_> {
    fn next_occ(&self, name: &'static str) -> u32 {
        self.counts.get(name).copied().unwrap_or(0) + 1
    }
}

fn msh<'m, 'a>(msg: &'m Message<'a>) -> Seg<'m, 'a> {
    Seg {
        seg: msg.msh(),
        occ: 1,
        order: None,
        name: "MSH",
    }
}

/// Reads an `RDE^O11` or `OMP^O09` message (MSH-9) into one [`OrderEvent`] per ORDER
/// group, with the patient's NHS number (PID-3) and allergies (AL1, PATIENT group).
///
/// Per ORDER group: ORC-1 `NW` → [`OrderEvent::Upsert`] `New`; `XO`/`RP` → `Upsert`
/// `Change`; `CA` → [`OrderEvent::SetStatus`] `Cancelled`; `DC` → `Stopped`; `HD` →
/// `OnHold`; `RL` → `Active`. An upsert needs the drug segment (RXE in RDE, RXO in OMP),
/// a TQ1 (the first after the drug segment, else the first of the group) and an RXR (the
/// first). A status change reads only ORC: its RXE/TQ1/RXR may be partial and are not
/// read, so a malformed detail never blocks a stop.
///
/// # Errors
/// The first [`Hl7Error`] found, in message order. Never panics.
pub fn read_order_message(msg: &Message<'_>, opts: &ReadOptions) -> Result<OrderMessage, Hl7Error> {
    let h = msh(msg);
    let (code, trigger, _) = msg.message_type();
    let (message_type, drug_id) = match code {
        "RDE" => (OrderMessageType::RdeO11, "RXE"),
        "OMP" => (OrderMessageType::OmpO09, "RXO"),
        _ => {
            return Err(h.err(
                9,
                Some(1),
                ErrorKind::UnsupportedMessageType {
                    found: code.to_owned(),
                },
            ));
        }
    };
    let wanted = match message_type {
        OrderMessageType::RdeO11 => "O11",
        OrderMessageType::OmpO09 => "O09",
    };
    if trigger != wanted {
        return Err(h.err(
            9,
            Some(2),
            ErrorKind::UnsupportedEvent {
                found: trigger.to_owned(),
            },
        ));
    }
    let control_id = h.text(h.field(10), 10, None)?;
    if control_id.is_empty() {
        return Err(h.err(10, None, ErrorKind::MissingValue));
    }
    let sending_facility = h.comp(4, 1)?;
    let lay = layout(msg, drug_id)?;
    let pid = lay
        .pid
        .ok_or_else(|| Hl7Error::new("PID", 1, None, 0, None, ErrorKind::MissingSegment))?;
    let nhs_number = read_nhs_number(&pid, opts.nhs_test_numbers)?;
    let allergies = allergies_from(&lay.al1)?;
    if lay.orders.is_empty() {
        return Err(Hl7Error::new(
            "ORC",
            1,
            None,
            0,
            None,
            ErrorKind::MissingSegment,
        ));
    }
    let mut events = Vec::with_capacity(lay.orders.len());
    for g in &lay.orders {
        events.push(read_group(
            g,
            &lay,
            message_type,
            &sending_facility,
            &nhs_number,
            opts,
        )?);
    }
    Ok(OrderMessage {
        control_id,
        sending_facility,
        message_type,
        nhs_number,
        allergies,
        events,
    })
}

/// Reads the NHS number from PID-3: the repetitions whose assigning authority (CX.4) is
/// the NHS number domain (namespace `NHS`, or its OID) and whose type (CX.5) is `NH`.
fn read_nhs_number(pid: &Seg<'_, '_>, test: TestData) -> Result<String, Hl7Error> {
    let nhs = Domain::nhs_number();
    let mut found: Option<String> = None;
    for (i, rep) in pid.field(3).repetitions().enumerate() {
        let cx4 = rep.component(4);
        let ns = pid.text(cx4.subcomponent(1), 3, Some(4))?;
        let uid = pid.text(cx4.subcomponent(2), 3, Some(4))?;
        let uid_type = pid.text(cx4.subcomponent(3), 3, Some(4))?;
        let ty = pid.text(rep.component(5), 3, Some(5))?;
        if ty != "NH" || !nhs.matches_hd(&ns, &uid, &uid_type) {
            continue;
        }
        let value = pid.text(rep.component(1), 3, Some(1))?;
        let n = NhsNumber::parse_compact(&value, test)
            .map_err(|e| pid.err(3, Some(1), ErrorKind::BadNhsNumber(e)).rep(i + 1))?;
        let n = n.as_str().to_owned();
        match &found {
            Some(f) if *f != n => {
                return Err(pid
                    .err(3, Some(1), ErrorKind::ConflictingNhsNumbers)
                    .rep(i + 1));
            }
            _ => found = Some(n),
        }
    }
    found.ok_or_else(|| pid.err(3, None, ErrorKind::MissingValue))
}

fn read_group(
    g: &Group<'_, '_>,
    lay: &Layout<'_, '_>,
    message_type: OrderMessageType,
    sending_facility: &str,
    nhs_number: &str,
    opts: &ReadOptions,
) -> Result<OrderEvent, Hl7Error> {
    let orc = &g.orc;
    let oc = orc.comp(1, 1)?;
    let control = match oc.as_str() {
        "NW" => OrderControl::New,
        "XO" | "RP" => OrderControl::Change,
        "CA" => OrderControl::Cancel,
        "DC" => OrderControl::Discontinue,
        "HD" => OrderControl::Hold,
        "RL" => OrderControl::Release,
        "" => return Err(orc.err(1, None, ErrorKind::MissingValue)),
        _ => {
            return Err(orc.err(1, None, ErrorKind::UnsupportedOrderControl { found: oc }));
        }
    };
    let number = orc.comp(2, 1)?;
    if number.is_empty() {
        return Err(orc.err(2, Some(1), ErrorKind::MissingValue));
    }
    let mut namespace = orc.comp(2, 2)?;
    if namespace.is_empty() {
        namespace = sending_facility.to_owned();
    }
    if namespace.is_empty() {
        return Err(orc.err(2, Some(2), ErrorKind::MissingValue));
    }
    let id = OrderId { namespace, number };
    let stated_at = read_ts(orc, 9)?;
    let status = match control {
        OrderControl::New | OrderControl::Change => None,
        OrderControl::Cancel => Some(OrderStatus::Cancelled),
        OrderControl::Discontinue => Some(OrderStatus::Stopped),
        OrderControl::Hold => Some(OrderStatus::OnHold),
        OrderControl::Release => Some(OrderStatus::Active),
    };
    if let Some(status) = status {
        return Ok(OrderEvent::SetStatus {
            control,
            id,
            nhs_number: nhs_number.to_owned(),
            status,
            stated_at,
        });
    }
    let drug_name = match message_type {
        OrderMessageType::RdeO11 => "RXE",
        OrderMessageType::OmpO09 => "RXO",
    };
    let missing = |name: &'static str| {
        Hl7Error::new(
            name,
            lay.next_occ(name),
            Some(g.n),
            0,
            None,
            ErrorKind::MissingSegment,
        )
    };
    let drug = g.drug.ok_or_else(|| missing(drug_name))?;
    // RXE field numbers, or RXO's for OMP.
    let (f_code, f_min, f_max, f_unit, f_text) = match message_type {
        OrderMessageType::RdeO11 => (2, 3, 4, 5, 7),
        OrderMessageType::OmpO09 => (1, 2, 3, 4, 7),
    };
    let medication = read_medication(&drug, f_code)?;
    let unit = read_unit(&drug, drug.field(f_unit), f_unit, Comp::Components)?;
    let min = read_amount(&drug, f_min, true)?
        .ok_or_else(|| drug.err(f_min, None, ErrorKind::MissingValue))?;
    let max_milli = match read_amount(&drug, f_max, false)? {
        Some(m) if m < min => return Err(drug.err(f_max, None, ErrorKind::RangeInverted)),
        Some(m) if m == min => None,
        other => other,
    };
    let text = read_instructions(&drug, f_text)?;
    let max_24h = match message_type {
        OrderMessageType::RdeO11 => read_total_daily_dose(&drug)?,
        OrderMessageType::OmpO09 => None,
    };
    let tq1 = g
        .tq1_after
        .first()
        .or_else(|| g.tq1_before.first())
        .ok_or_else(|| missing("TQ1"))?;
    let schedule = read_schedule(tq1, max_24h, opts)?;
    let starts_at = read_ts(tq1, 7)?;
    let ends_at = read_ts(tq1, 8)?;
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e < s
    {
        return Err(tq1.err(8, None, ErrorKind::EndBeforeStart));
    }
    let rxr = g.rxr.first().ok_or_else(|| missing("RXR"))?;
    let route = read_route(rxr)?;
    Ok(OrderEvent::Upsert {
        control,
        order: Order {
            id,
            nhs_number: nhs_number.to_owned(),
            status: OrderStatus::Active,
            medication,
            dose: Dose {
                min: Amount { milli: min, unit },
                max_milli,
            },
            route,
            schedule,
            starts_at,
            ends_at,
            stated_at,
            text,
        },
    })
}

/// Whether a CE's parts are components (`a^b^c`) or sub-components (`a&b&c`, inside a CQ).
#[derive(Clone, Copy)]
enum Comp {
    Components,
    Subcomponents,
}

/// A CE (coded element) as text: identifier, text, coding system, and the alternates.
struct Ce {
    parts: [String; 6],
}

impl Ce {
    fn read(s: &Seg<'_, '_>, v: Value<'_>, field: u32, how: Comp) -> Result<Ce, Hl7Error> {
        let mut parts: [String; 6] = Default::default();
        for (i, p) in parts.iter_mut().enumerate() {
            let n = i + 1;
            let part = match how {
                Comp::Components => v.component(n),
                Comp::Subcomponents => v.subcomponent(n),
            };
            let c = u32::try_from(n).unwrap_or(0);
            *p = s.text(part, field, Some(c))?;
        }
        Ok(Ce { parts })
    }
    fn id(&self) -> &str {
        &self.parts[0]
    }
    fn text(&self) -> &str {
        &self.parts[1]
    }
    fn system(&self) -> &str {
        &self.parts[2]
    }
    fn alt_id(&self) -> &str {
        &self.parts[3]
    }
    fn alt_text(&self) -> &str {
        &self.parts[4]
    }
    fn alt_system(&self) -> &str {
        &self.parts[5]
    }
    fn is_empty(&self) -> bool {
        self.parts.iter().all(String::is_empty)
    }
}

fn is_dmd_system(s: &str) -> bool {
    DMD_SYSTEMS.iter().any(|d| d.eq_ignore_ascii_case(s))
}

fn concept_id(s: &str) -> bool {
    (6..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// RXE-2 / RXO-1: the dm+d id in CE.1 when CE.3 names dm+d, else in CE.4 when CE.6 does.
fn read_medication(s: &Seg<'_, '_>, field: u32) -> Result<Medication, Hl7Error> {
    let ce = Ce::read(s, s.field(field), field, Comp::Components)?;
    if ce.is_empty() {
        return Err(s.err(field, None, ErrorKind::MissingValue));
    }
    let (id, display, comp) = if is_dmd_system(ce.system()) {
        (ce.id(), ce.text(), 1)
    } else if is_dmd_system(ce.alt_system()) {
        (ce.alt_id(), ce.alt_text(), 4)
    } else {
        return Err(s.err(
            field,
            Some(3),
            ErrorKind::UnknownCodingSystem {
                found: ce.system().to_owned(),
            },
        ));
    };
    if id.is_empty() {
        return Err(s.err(field, Some(comp), ErrorKind::MissingValue));
    }
    if !concept_id(id) {
        return Err(s.err(
            field,
            Some(comp),
            ErrorKind::BadConceptId {
                found: id.to_owned(),
            },
        ));
    }
    Ok(Medication {
        code: DmdId(id.to_owned()),
        display: non_empty(display).or_else(|| non_empty(ce.text())),
    })
}

/// A dose unit CE: UCUM code (system `UCUM`) or dm+d unit of measure (`SCT`/`DMD`…).
fn read_unit(s: &Seg<'_, '_>, v: Value<'_>, field: u32, how: Comp) -> Result<DoseUnit, Hl7Error> {
    let ce = Ce::read(s, v, field, how)?;
    if ce.id().is_empty() && ce.alt_id().is_empty() {
        return Err(s.err(field, None, ErrorKind::MissingValue));
    }
    for (id, system, comp) in [(ce.id(), ce.system(), 1), (ce.alt_id(), ce.alt_system(), 4)] {
        if id.is_empty() {
            continue;
        }
        if system.eq_ignore_ascii_case("UCUM") {
            return Ok(DoseUnit::Ucum(id.to_owned()));
        }
        if is_dmd_system(system) {
            if !concept_id(id) {
                return Err(s.err(
                    field,
                    Some(comp),
                    ErrorKind::BadConceptId {
                        found: id.to_owned(),
                    },
                ));
            }
            return Ok(DoseUnit::Dmd(id.to_owned()));
        }
    }
    Err(s.err(
        field,
        Some(3),
        ErrorKind::UnknownCodingSystem {
            found: ce.system().to_owned(),
        },
    ))
}

/// Parses an HL7 NM into thousandths: digits with an optional point, no sign, no
/// spaces; digits past the third decimal must be zero.
fn parse_milli(t: &str) -> Result<i64, ErrorKind> {
    let nan = || ErrorKind::NotANumber {
        found: t.to_owned(),
    };
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(nan());
    }
    let (kept, rest) = frac.split_at(frac.len().min(3));
    if rest.bytes().any(|b| b != b'0') {
        return Err(ErrorKind::TooPrecise {
            found: t.to_owned(),
        });
    }
    let big = || ErrorKind::OutOfRange {
        found: t.to_owned(),
    };
    let mut v: i64 = 0;
    for b in int.bytes() {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(big)?;
    }
    let mut f: i64 = 0;
    for i in 0..3 {
        let d = kept.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        f = f * 10 + d;
    }
    v.checked_mul(1000)
        .and_then(|v| v.checked_add(f))
        .ok_or_else(big)
}

/// An amount field (first component) in thousandths; `required` makes empty an error,
/// and refuses zero.
fn read_amount(s: &Seg<'_, '_>, field: u32, required: bool) -> Result<Option<i64>, Hl7Error> {
    let t = s.text(s.field(field).component(1), field, None)?;
    if t.is_empty() {
        return if required {
            Err(s.err(field, None, ErrorKind::MissingValue))
        } else {
            Ok(None)
        };
    }
    let v = parse_milli(&t).map_err(|k| s.err(field, None, k))?;
    if v == 0 {
        return Err(s.err(field, None, ErrorKind::OutOfRange { found: t }));
    }
    Ok(Some(v))
}

/// RXE-7 / RXO-7 (CE, repeating): each repetition's text (CE.2), or its identifier (CE.1)
/// when it has no text, joined with `; `.
fn read_instructions(s: &Seg<'_, '_>, field: u32) -> Result<Option<String>, Hl7Error> {
    let mut parts = Vec::new();
    for (i, rep) in s.field(field).repetitions().enumerate() {
        let t = s
            .text(rep.component(2), field, Some(2))
            .map_err(|e| e.rep(i + 1))?;
        let t = if t.is_empty() {
            s.text(rep.component(1), field, Some(1))
                .map_err(|e| e.rep(i + 1))?
        } else {
            t
        };
        if !t.is_empty() {
            parts.push(t);
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("; ")))
}

/// RXE-19 Total Daily Dose (CQ: `4000^mg&milligram&UCUM`): the 24-hour amount cap of an
/// as-needed order. Empty → `None`.
fn read_total_daily_dose(s: &Seg<'_, '_>) -> Result<Option<Max24h>, Hl7Error> {
    let f = s.field(19);
    let q = s.text(f.component(1), 19, Some(1))?;
    if q.is_empty() {
        if f.is_empty() {
            return Ok(None);
        }
        return Err(s.err(19, Some(1), ErrorKind::MissingValue));
    }
    let milli = parse_milli(&q).map_err(|k| s.err(19, Some(1), k))?;
    if milli == 0 {
        return Err(s.err(19, Some(1), ErrorKind::OutOfRange { found: q }));
    }
    let unit = read_unit(s, f.component(2), 19, Comp::Subcomponents).map_err(|mut e| {
        // The unit is CQ.2; its own parts are sub-components.
        e.component = Some(2);
        e
    })?;
    Ok(Some(Max24h::Amount(Amount { milli, unit })))
}

/// `Q<n>H` / `Q<n>M` / `Q<n>D` (table 0335 interval codes) in minutes.
fn interval_minutes(code: &str) -> Option<u32> {
    // ASCII only, so that splitting off the last byte is a character boundary.
    let rest = code.strip_prefix('Q').filter(|r| r.is_ascii())?;
    let (n, unit) = rest.split_at(rest.len().checked_sub(1)?);
    if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = n.parse().ok()?;
    let per = match unit {
        "M" => 1,
        "H" => 60,
        "D" => 1440,
        _ => return None,
    };
    n.checked_mul(per).filter(|m| *m > 0)
}

/// Times a day an institution code means, where the code itself says.
fn times_per_day(code: &str) -> Option<usize> {
    match code {
        "QD" | "QAM" | "QPM" | "QHS" => Some(1),
        "BID" => Some(2),
        "TID" => Some(3),
        "QID" => Some(4),
        _ => None,
    }
}

/// A TQ1-4 time (TM): `HH`, `HHMM` or `HHMMSS` with seconds `00`, no offset.
fn parse_tm(t: &str) -> Option<TimeOfDay> {
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|x| x.parse::<u8>().ok());
    let (hour, minute) = match t.len() {
        2 => (num(0..2)?, 0),
        4 => (num(0..2)?, num(2..4)?),
        6 if num(4..6)? == 0 => (num(0..2)?, num(2..4)?),
        _ => return None,
    };
    (hour < 24 && minute < 60).then_some(TimeOfDay { hour, minute })
}

/// The schedule from one TQ1 (see the module table).
fn read_schedule(
    tq1: &Seg<'_, '_>,
    max_24h: Option<Max24h>,
    opts: &ReadOptions,
) -> Result<Schedule, Hl7Error> {
    let f3 = tq1.field(3);
    let reps: Vec<Value<'_>> = f3.repetitions().filter(|r| !r.is_empty()).collect();
    if reps.len() > 1 {
        let t = tq1.text(f3, 3, None)?;
        return Err(tq1
            .err(3, None, ErrorKind::UnsupportedRepeatPattern { found: t })
            .rep(2));
    }
    let pattern = match reps.first() {
        Some(r) => tq1.text(r.component(1).subcomponent(1), 3, Some(1))?,
        None => String::new(),
    };
    let priority = tq1.comp(9, 1)?;
    if priority == "PRN" || pattern == "PRN" {
        let min_interval_minutes = match pattern.as_str() {
            "" | "PRN" => None,
            p => Some(interval_minutes(p).ok_or_else(|| {
                tq1.err(
                    3,
                    Some(1),
                    ErrorKind::UnsupportedRepeatPattern {
                        found: p.to_owned(),
                    },
                )
            })?),
        };
        let reason = non_empty(&tq1.text(tq1.field(10), 10, None)?);
        return Ok(Schedule::AsNeeded {
            min_interval_minutes,
            max_24h,
            reason,
        });
    }
    let mut times = Vec::new();
    for (i, rep) in tq1.field(4).repetitions().enumerate() {
        let t = tq1
            .text(rep.component(1), 4, None)
            .map_err(|e| e.rep(i + 1))?;
        if t.is_empty() {
            continue;
        }
        let tod = parse_tm(&t).ok_or_else(|| {
            tq1.err(4, None, ErrorKind::BadTimeOfDay { found: t })
                .rep(i + 1)
        })?;
        times.push(tod);
    }
    times.sort_unstable();
    times.dedup();
    if !times.is_empty() {
        if let Some(expected) = times_per_day(&pattern)
            && expected != times.len()
        {
            return Err(tq1.err(
                4,
                None,
                ErrorKind::TimesDisagreeWithPattern {
                    code: pattern,
                    expected,
                    count: times.len(),
                },
            ));
        }
        return Ok(Schedule::Times(times));
    }
    if pattern.is_empty() {
        return Err(tq1.err(3, None, ErrorKind::MissingValue));
    }
    if let Some(minutes) = interval_minutes(&pattern) {
        return Ok(Schedule::Every { minutes });
    }
    match opts.standard_times.get(&pattern) {
        Some(t) if !t.is_empty() => {
            let mut t = t.clone();
            t.sort_unstable();
            t.dedup();
            Ok(Schedule::Times(t))
        }
        _ => Err(tq1.err(
            4,
            None,
            ErrorKind::StandardTimesNotConfigured { code: pattern },
        )),
    }
}

/// An HL7 TS (first component of `field`) as Unix milliseconds: with an offset, exact;
/// without, Europe/London wall-clock time. Empty → `None`.
fn read_ts(s: &Seg<'_, '_>, field: u32) -> Result<Option<i64>, Hl7Error> {
    let t = s.text(s.field(field).component(1), field, None)?;
    if t.is_empty() {
        return Ok(None);
    }
    parse_ts(&t).map(Some).map_err(|k| s.err(field, None, k))
}

/// Europe/London from the bundled tzdb, looked up once.
fn london() -> Option<&'static jiff::tz::TimeZone> {
    static LONDON: std::sync::OnceLock<Option<jiff::tz::TimeZone>> = std::sync::OnceLock::new();
    LONDON
        .get_or_init(|| jiff::tz::TimeZone::get("Europe/London").ok())
        .as_ref()
}

fn parse_ts(t: &str) -> Result<i64, ErrorKind> {
    let bad = || ErrorKind::BadTimestamp {
        found: t.to_owned(),
    };
    let (body, offset) = match t.find(['+', '-']) {
        Some(i) => {
            let (b, o) = t.split_at(i);
            (b, Some(o))
        }
        None => (t, None),
    };
    let (digits, frac) = match body.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (body, None),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 8 | 10 | 12 | 14) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| -> Result<i32, ErrorKind> {
        digits
            .get(r)
            .map_or(Ok(0), |x| x.parse::<i32>().map_err(|_| bad()))
    };
    let ns = match frac {
        None => 0,
        Some(f) if digits.len() == 14 && (1..=4).contains(&f.len()) => {
            if !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let v: i32 = f.parse().map_err(|_| bad())?;
            v * 10_i32.pow(9 - u32::try_from(f.len()).map_err(|_| bad())?)
        }
        Some(_) => return Err(bad()),
    };
    let small = |v: i32| i8::try_from(v).map_err(|_| bad());
    let dt = jiff::civil::DateTime::new(
        i16::try_from(n(0..4)?).map_err(|_| bad())?,
        small(n(4..6)?)?,
        small(n(6..8)?)?,
        small(n(8..10)?)?,
        small(n(10..12)?)?,
        small(n(12..14)?)?,
        ns,
    )
    .map_err(|_| bad())?;
    let ts = match offset {
        Some(o) => {
            let (sign, hhmm) = o.split_at(1);
            if hhmm.len() != 4 || !hhmm.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let h: i32 = hhmm[..2].parse().map_err(|_| bad())?;
            let m: i32 = hhmm[2..].parse().map_err(|_| bad())?;
            if h > 14 || m > 59 {
                return Err(bad());
            }
            let secs = (h * 3600 + m * 60) * if sign == "-" { -1 } else { 1 };
            let off = jiff::tz::Offset::from_seconds(secs).map_err(|_| bad())?;
            off.to_timestamp(dt).map_err(|_| bad())?
        }
        None => {
            let local = london().ok_or_else(bad)?.to_ambiguous_timestamp(dt);
            if !matches!(
                local.offset(),
                jiff::tz::AmbiguousOffset::Unambiguous { .. }
            ) {
                return Err(ErrorKind::AmbiguousLocalTime {
                    found: t.to_owned(),
                });
            }
            local.unambiguous().map_err(|_| bad())?
        }
    };
    Ok(ts.as_millisecond())
}

/// RXR-1: SNOMED CT (CE.1 with CE.3 `SCT`, or CE.4 with CE.6 `SCT`) or an HL7 table 0162
/// mnemonic (CE.1 with CE.3 `HL70162` or empty). When both are sent they must agree.
fn read_route(rxr: &Seg<'_, '_>) -> Result<Route, Hl7Error> {
    let ce = Ce::read(rxr, rxr.field(1), 1, Comp::Components)?;
    if ce.id().is_empty() && ce.alt_id().is_empty() {
        return Err(rxr.err(1, None, ErrorKind::MissingValue));
    }
    let is_sct = |s: &str| s.eq_ignore_ascii_case("SCT");
    let is_0162 = |s: &str| s.is_empty() || s.eq_ignore_ascii_case("HL70162");
    let mut snomed: Option<(String, String, u32)> = None;
    let mut mnemonic: Option<(String, String)> = None;
    for (id, text, system, comp) in [
        (ce.id(), ce.text(), ce.system(), 1),
        (ce.alt_id(), ce.alt_text(), ce.alt_system(), 4),
    ] {
        if id.is_empty() {
            continue;
        }
        if is_sct(system) {
            if !concept_id(id) {
                return Err(rxr.err(
                    1,
                    Some(comp),
                    ErrorKind::BadConceptId {
                        found: id.to_owned(),
                    },
                ));
            }
            snomed.get_or_insert((id.to_owned(), text.to_owned(), comp));
        } else if is_0162(system) {
            mnemonic.get_or_insert((id.to_owned(), text.to_owned()));
        } else if comp == 1 {
            // A local code in the primary triplet: only an SCT alternate can save it.
            if !is_sct(ce.alt_system()) {
                return Err(rxr.err(
                    1,
                    Some(3),
                    ErrorKind::UnknownCodingSystem {
                        found: system.to_owned(),
                    },
                ));
            }
        } else {
            return Err(rxr.err(
                1,
                Some(6),
                ErrorKind::UnknownCodingSystem {
                    found: system.to_owned(),
                },
            ));
        }
    }
    let mapped = match &mnemonic {
        Some((m, _)) => Some(
            route_from_hl7_0162(m)
                .ok_or_else(|| rxr.err(1, Some(1), ErrorKind::UnknownRoute { found: m.clone() }))?,
        ),
        None => None,
    };
    match (snomed, mnemonic, mapped) {
        (Some((code, text, comp)), m, mapped) => {
            if let (Some((mn, _)), Some(mapped)) = (m, mapped)
                && mapped != code
            {
                return Err(rxr.err(
                    1,
                    Some(comp),
                    ErrorKind::RouteDisagrees {
                        mnemonic: mn,
                        snomed: code,
                    },
                ));
            }
            Ok(Route {
                snomed: code,
                display: non_empty(&text),
            })
        }
        (None, Some((_, text)), Some(mapped)) => Ok(Route {
            snomed: mapped.to_owned(),
            display: non_empty(&text),
        }),
        _ => Err(rxr.err(1, None, ErrorKind::MissingValue)),
    }
}

/// Reads the allergy statement of an `ADT^A01/A04/A05/A08/A28/A31` message (every AL1),
/// or of an `RDE^O11` / `OMP^O09` (the AL1s of the PATIENT group, before the first ORC).
///
/// `Ok(None)` when the message holds no AL1, or only AL1s that are not about drugs
/// (food, environmental, animal, plant, pollen): the message then says nothing about
/// drug allergies and the stored statement stands. A "no known allergy" AL1
/// ([`NO_KNOWN_ALLERGY_CODES`]) gives [`AllergyStatement::NoneKnown`]; together with a
/// drug allergy it is an error. Every allergy is `Active`, with id `AL1-<AL1-1>`.
///
/// # Errors
/// The first [`Hl7Error`] found. Never panics.
pub fn read_allergies(msg: &Message<'_>) -> Result<Option<AllergyStatement>, Hl7Error> {
    let h = msh(msg);
    let (code, trigger, _) = msg.message_type();
    let drug_id = match code {
        "ADT" => {
            if !matches!(trigger, "A01" | "A04" | "A05" | "A08" | "A28" | "A31") {
                return Err(h.err(
                    9,
                    Some(2),
                    ErrorKind::UnsupportedEvent {
                        found: trigger.to_owned(),
                    },
                ));
            }
            None
        }
        "RDE" if trigger == "O11" => Some("RXE"),
        "OMP" if trigger == "O09" => Some("RXO"),
        "RDE" | "OMP" => {
            return Err(h.err(
                9,
                Some(2),
                ErrorKind::UnsupportedEvent {
                    found: trigger.to_owned(),
                },
            ));
        }
        _ => {
            return Err(h.err(
                9,
                Some(1),
                ErrorKind::UnsupportedMessageType {
                    found: code.to_owned(),
                },
            ));
        }
    };
    match drug_id {
        Some(d) => allergies_from(&layout(msg, d)?.al1),
        None => {
            let al1: Vec<Seg<'_, '_>> = msg
                .segments()
                .iter()
                .filter(|s| s.id() == "AL1")
                .zip(1u32..)
                .map(|(seg, occ)| Seg {
                    seg,
                    occ,
                    order: None,
                    name: "AL1",
                })
                .collect();
            allergies_from(&al1)
        }
    }
}

fn allergies_from(al1: &[Seg<'_, '_>]) -> Result<Option<AllergyStatement>, Hl7Error> {
    let mut allergies: Vec<Allergy> = Vec::new();
    let mut none_known = false;
    for s in al1 {
        let kind = s.comp(2, 1)?;
        let drug_relevant = match kind.as_str() {
            "" | "DA" | "MA" | "MC" => true,
            "FA" | "EA" | "AA" | "PA" | "LA" => false,
            _ => {
                return Err(s.err(2, Some(1), ErrorKind::UnknownTableValue { found: kind }));
            }
        };
        let ce = Ce::read(s, s.field(3), 3, Comp::Components)?;
        if ce.id().is_empty() && ce.alt_id().is_empty() {
            return Err(s.err(3, None, ErrorKind::MissingValue));
        }
        if NO_KNOWN_ALLERGY_CODES.contains(&ce.id())
            || NO_KNOWN_ALLERGY_CODES.contains(&ce.alt_id())
        {
            if !allergies.is_empty() {
                return Err(s.err(3, None, ErrorKind::ContradictoryAllergies));
            }
            none_known = true;
            continue;
        }
        if !drug_relevant {
            continue;
        }
        let system_of = |sys: &str| {
            if sys.eq_ignore_ascii_case("SCT") {
                Some(SubstanceSystem::Snomed)
            } else if ["DMD", "dm+d", "https://dmd.nhs.uk"]
                .iter()
                .any(|d| d.eq_ignore_ascii_case(sys))
            {
                Some(SubstanceSystem::Dmd)
            } else {
                None
            }
        };
        let (system, code, display, comp) = match (
            system_of(ce.system()).filter(|_| !ce.id().is_empty()),
            system_of(ce.alt_system()).filter(|_| !ce.alt_id().is_empty()),
        ) {
            (Some(sys), _) => (sys, ce.id(), ce.text(), 1),
            (None, Some(sys)) => (sys, ce.alt_id(), ce.alt_text(), 4),
            (None, None) => {
                return Err(s.err(
                    3,
                    Some(3),
                    ErrorKind::UnknownCodingSystem {
                        found: ce.system().to_owned(),
                    },
                ));
            }
        };
        if !concept_id(code) {
            return Err(s.err(
                3,
                Some(comp),
                ErrorKind::BadConceptId {
                    found: code.to_owned(),
                },
            ));
        }
        if none_known {
            return Err(s.err(3, None, ErrorKind::ContradictoryAllergies));
        }
        let sev = s.comp(4, 1)?;
        let criticality = match sev.as_str() {
            "SV" => Criticality::High,
            "MO" | "MI" => Criticality::Low,
            "" | "U" => Criticality::UnableToAssess,
            _ => return Err(s.err(4, Some(1), ErrorKind::UnknownTableValue { found: sev })),
        };
        let mut reactions = Vec::new();
        for (i, rep) in s.field(5).repetitions().enumerate() {
            let t = s.text(rep, 5, None).map_err(|e| e.rep(i + 1))?;
            if !t.is_empty() {
                reactions.push(t);
            }
        }
        let set_id = s.text(s.field(1), 1, None)?;
        let set_id = if set_id.is_empty() {
            s.occ.to_string()
        } else {
            set_id
        };
        allergies.push(Allergy {
            id: format!("AL1-{set_id}"),
            system,
            code: code.to_owned(),
            display: non_empty(display).or_else(|| non_empty(ce.text())),
            clinical_status: AllergyClinicalStatus::Active,
            criticality,
            reactions,
        });
    }
    Ok(if none_known {
        Some(AllergyStatement::NoneKnown)
    } else if allergies.is_empty() {
        None
    } else {
        Some(AllergyStatement::Allergies(allergies))
    })
}
