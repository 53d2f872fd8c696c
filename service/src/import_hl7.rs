//! Bulk import of HL7 v2 ADT files for go-live: the patient administration system's
//! `ADT` messages, one after another (segments ending in CR, LF or CRLF), wrapped in a
//! `FHS`/`BHS` … `BTS`/`FTS` batch or not, or each in an MLLP frame.
//!
//! The file is split by `bedside-pix`'s batch reader, every message parsed by its ER7
//! codec and read by its feed interpreter (the same code as the live ITI-8/ITI-10
//! listener) and its PID demographics reader:
//!
//! | message | effect |
//! |---|---|
//! | ADT^A01 / A04 / A05 / A28 (link), A08 / A31 (update) | the patient (exactly one NHS number in PID-3, name from PID-5, date of birth from PID-7, sex from PID-8) is created or updated, and each trust hospital number in PID-3 is linked to that NHS number alone (replacing earlier links) |
//! | ADT^A40 (merge) | each hospital number in MRG-1 is marked merged (its bands stop resolving); a subsumed NHS number's record is marked merged into the survivor's |
//! | AL1 in ADT^A01 / A04 / A08 / A31 | the patient's HL7 allergy list is replaced by the message's (read by `bedside-orders`, as the live feed reads it): `409137002`/`716186003` state "no known drug allergy"; a message without a drug AL1 leaves the stored list alone |
//!
//! All or nothing: every message is checked first; any fault rejects the file and names
//! the message (1-based, in file order), the segment and the field — never the data. The
//! messages are then applied in file order in one transaction with one audit row.

use bedside_orders::model::AllergyStatement;
use bedside_patient::{Date, NhsNumber, Sex, TestData};
use bedside_pix::batch::BatchError;
use bedside_pix::domain::Domain;
use bedside_pix::er7::Message;
use bedside_pix::feed::{Cx, FeedError, FeedEvent, interpret_feed, pid_demographics};
use serde::Serialize;

use crate::clock::now_ms;
use crate::db::Db;

/// The two file formats `bedside import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `nhs_number,family,given,date_of_birth,sex,mrn` CSV ([`crate::import`]).
    Csv,
    /// HL7 v2 ADT messages (this module).
    Hl7,
}

/// Recognises an HL7 file by its content ([`bedside_pix::batch::looks_like_hl7`]): after
/// a byte-order mark and white space, an MLLP start block (0x0B) or a segment `MSH`, `FHS`
/// or `BHS` followed by its field separator. Anything else is CSV.
///
/// ```
/// use bedside::import_hl7::{detect, Format};
/// assert_eq!(detect(b"MSH|^~\\&|PAS|RXX"), Format::Hl7);
/// assert_eq!(detect(b"\x0bMSH|^~\\&|"), Format::Hl7);
/// assert_eq!(detect(b"FHS|^~\\&|"), Format::Hl7);
/// assert_eq!(detect(b"nhs_number,family,given,date_of_birth,sex,mrn\n"), Format::Csv);
/// assert_eq!(detect(b"MSHx"), Format::Csv);
/// ```
#[must_use]
pub fn detect(bytes: &[u8]) -> Format {
    if bedside_pix::batch::looks_like_hl7(bytes) {
        Format::Hl7
    } else {
        Format::Csv
    }
}

/// A fault in the file. `message` is 1-based in file order (0: the file as a whole);
/// `segment` and `field` say where, when known. Messages never quote the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hl7Error {
    /// Message number (0 = the file or batch envelope).
    pub message: usize,
    /// Segment id, e.g. `PID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<&'static str>,
    /// Field number, e.g. 3 for PID-3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<u32>,
    /// What is wrong.
    pub error: String,
}

impl Hl7Error {
    fn at(message: usize, segment: &'static str, field: u32, error: impl Into<String>) -> Self {
        Hl7Error {
            message,
            segment: Some(segment),
            field: Some(field),
            error: error.into(),
        }
    }
    fn whole(message: usize, error: impl Into<String>) -> Self {
        Hl7Error {
            message,
            segment: None,
            field: None,
            error: error.into(),
        }
    }
}

fn batch_error(e: &BatchError) -> Hl7Error {
    let (segment, field) = match e {
        BatchError::CountMismatch { .. } => (Some("BTS"), Some(1)),
        BatchError::MisplacedHeader { segment, .. } => (Some(*segment), None),
        _ => (None, None),
    };
    Hl7Error {
        message: e.message(),
        segment,
        field,
        error: e.to_string(),
    }
}

/// One checked change, applied in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Create or update the patient and link the hospital numbers to their NHS number.
    Upsert {
        /// NHS number, 10 digits.
        nhs_number: String,
        /// Family name.
        family: String,
        /// Given name.
        given: String,
        /// `YYYY-MM-DD`.
        date_of_birth: String,
        /// ISO 5218 code, when given.
        sex: Option<String>,
        /// Trust hospital numbers.
        mrns: Vec<String>,
        /// The message's AL1 allergy statement, replacing the patient's HL7 allergy
        /// list; `None` when the message has no drug AL1.
        allergies: Option<AllergyStatement>,
    },
    /// A40: the subsumed identifiers stop resolving.
    Merge {
        /// Surviving NHS number (PID-3), if any.
        survivor_nhs: Vec<String>,
        /// Surviving hospital numbers (PID-3).
        survivor_mrns: Vec<String>,
        /// Subsumed NHS number (MRG-1), if any.
        old_nhs: Vec<String>,
        /// Subsumed hospital numbers (MRG-1).
        old_mrns: Vec<String>,
    },
}

fn feed_error(n: usize, e: &FeedError) -> Hl7Error {
    let (segment, field): (Option<&'static str>, Option<u32>) = match e {
        FeedError::UnsupportedMessageType { .. } | FeedError::UnsupportedEvent { .. } => {
            (Some("MSH"), Some(9))
        }
        FeedError::UnsupportedVersion { .. } => (Some("MSH"), Some(12)),
        FeedError::MissingSegment { segment } => (Some(segment), None),
        FeedError::MissingComponent { segment, field, .. }
        | FeedError::BadValue { segment, field, .. } => (Some(segment), Some(*field)),
        _ => (None, None),
    };
    Hl7Error {
        message: n,
        segment,
        field,
        error: match e {
            // The found values are message codes, never patient data; say them plainly.
            FeedError::UnsupportedEvent { .. } => {
                "unsupported event (use A01, A04, A05, A08, A28, A31 or A40)".into()
            }
            FeedError::UnsupportedMessageType { .. } => "not an ADT message".into(),
            other => other.to_string(),
        },
    }
}

struct Ids {
    nhs: Vec<String>,
    mrns: Vec<String>,
}

/// NHS numbers and hospital numbers of this trust in a CX list (other domains ignored).
fn ids(
    n: usize,
    segment: &'static str,
    field: u32,
    list: &[Cx],
    test_data: TestData,
    mrn_domain: &Domain,
) -> Result<Ids, Hl7Error> {
    let nhs_domain = Domain::nhs_number();
    let mut out = Ids {
        nhs: Vec::new(),
        mrns: Vec::new(),
    };
    for cx in list {
        if nhs_domain.matches_hd(&cx.namespace, &cx.universal_id, &cx.universal_id_type) {
            let v = NhsNumber::parse_compact(&cx.value, test_data).map_err(|_| {
                Hl7Error::at(
                    n,
                    segment,
                    field,
                    "an NHS number is not valid (modulus 11, or a test number refused in production)",
                )
            })?;
            if !out.nhs.iter().any(|x| x == v.as_str()) {
                out.nhs.push(v.as_str().to_owned());
            }
        } else if mrn_domain.matches_hd(&cx.namespace, &cx.universal_id, &cx.universal_id_type) {
            let ok = cx.value.len() <= 64
                && cx
                    .value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/');
            if !ok {
                return Err(Hl7Error::at(
                    n,
                    segment,
                    field,
                    "a hospital number must be up to 64 letters, digits, '-' or '/'",
                ));
            }
            if !out.mrns.contains(&cx.value) {
                out.mrns.push(cx.value.clone());
            }
        }
    }
    if out.nhs.len() > 1 {
        return Err(Hl7Error::at(
            n,
            segment,
            field,
            "two different NHS numbers for one patient",
        ));
    }
    Ok(out)
}

/// An AL1 the allergy reader refused, located; the words never quote the data.
fn allergy_error(n: usize, e: &bedside_orders::hl7::Hl7Error) -> Hl7Error {
    use bedside_orders::hl7::ErrorKind;
    let error = match &e.kind {
        ErrorKind::UnknownTableValue { .. } => {
            "a value not in its HL7 table (AL1-2: table 0127, AL1-4: table 0128)"
        }
        ErrorKind::UnknownCodingSystem { .. } => "the substance's coding system must be DMD or SCT",
        ErrorKind::BadConceptId { .. } => "the substance code is not a SNOMED CT / dm+d id",
        ErrorKind::MissingValue => "a required value is missing",
        ErrorKind::ContradictoryAllergies => {
            "\"no known drug allergy\" sent together with an allergy"
        }
        _ => "the allergy segment cannot be read",
    };
    Hl7Error {
        message: n,
        segment: Some(e.segment),
        field: (e.field > 0).then_some(e.field),
        error: error.into(),
    }
}

fn text_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= 100 && !s.chars().any(char::is_control)
}

fn check_message(
    n: usize,
    raw: &[u8],
    test_data: TestData,
    mrn_domain: &Domain,
) -> Result<Op, Hl7Error> {
    let msg = Message::parse(raw).map_err(|e| Hl7Error::whole(n, e.to_string()))?;
    let event = interpret_feed(&msg).map_err(|e| feed_error(n, &e))?;
    match event {
        FeedEvent::Link { identifiers, .. } | FeedEvent::Update { identifiers, .. } => {
            let ids = ids(n, "PID", 3, &identifiers, test_data, mrn_domain)?;
            let Some(nhs) = ids.nhs.first().cloned() else {
                return Err(Hl7Error::at(
                    n,
                    "PID",
                    3,
                    "no NHS number (domain 2.16.840.1.113883.2.1.4.1): a patient cannot be imported without one",
                ));
            };
            let d = pid_demographics(&msg).map_err(|e| feed_error(n, &e))?;
            if !text_ok(&d.family) || !text_ok(&d.given) {
                return Err(Hl7Error::at(
                    n,
                    "PID",
                    5,
                    "family and given names must be 1 to 100 characters without control characters",
                ));
            }
            let digits = d.birth_date.get(..8).unwrap_or("");
            let dob = if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
                Date::parse_iso8601(&format!(
                    "{}-{}-{}",
                    &digits[..4],
                    &digits[4..6],
                    &digits[6..8]
                ))
                .ok()
            } else {
                None
            };
            let Some(dob) = dob else {
                return Err(Hl7Error::at(
                    n,
                    "PID",
                    7,
                    "date of birth must be a full date YYYYMMDD",
                ));
            };
            let sex = match d.sex.trim() {
                "" => None,
                "M" => Some(Sex::Male),
                "F" => Some(Sex::Female),
                "U" => Some(Sex::NotKnown),
                "O" | "A" | "N" => Some(Sex::NotApplicable),
                _ => {
                    return Err(Hl7Error::at(
                        n,
                        "PID",
                        8,
                        "administrative sex must be M, F, U, O, A, N or empty (HL7 table 0001)",
                    ));
                }
            };
            // AL1 replaces the list in admissions, registrations and updates; a pre-admission
            // (A05) or a person added (A28) is not read for allergies.
            let (_, trigger, _) = msg.message_type();
            let allergy_event = matches!(trigger, "A01" | "A04" | "A08" | "A31");
            let allergies = if allergy_event {
                match bedside_orders::hl7::read_allergies(&msg) {
                    Ok(a) => a,
                    // A message the allergy reader does not take carries no allergy list.
                    Err(e)
                        if matches!(
                            e.code,
                            bedside_orders::hl7::ErrorCode::UnsupportedEventCode
                                | bedside_orders::hl7::ErrorCode::UnsupportedMessageType
                        ) =>
                    {
                        None
                    }
                    Err(e) => return Err(allergy_error(n, &e)),
                }
            } else {
                None
            };
            Ok(Op::Upsert {
                nhs_number: nhs,
                family: d.family.trim().to_owned(),
                given: d.given.trim().to_owned(),
                date_of_birth: dob.to_iso8601(),
                sex: sex.map(|s| s.iso5218().to_string()),
                mrns: ids.mrns,
                allergies,
            })
        }
        FeedEvent::Merge {
            survivor, subsumed, ..
        } => {
            let s = ids(n, "PID", 3, &survivor, test_data, mrn_domain)?;
            let old = ids(n, "MRG", 1, &subsumed, test_data, mrn_domain)?;
            if old.nhs.is_empty() && old.mrns.is_empty() {
                return Err(Hl7Error::at(
                    n,
                    "MRG",
                    1,
                    "no hospital number of this trust and no NHS number to merge",
                ));
            }
            if s.nhs.is_empty() && s.mrns.is_empty() {
                return Err(Hl7Error::at(
                    n,
                    "PID",
                    3,
                    "no surviving hospital number of this trust and no NHS number",
                ));
            }
            if old.mrns.iter().any(|m| s.mrns.contains(m)) {
                return Err(Hl7Error::at(
                    n,
                    "MRG",
                    1,
                    "a hospital number cannot be merged into itself",
                ));
            }
            Ok(Op::Merge {
                survivor_nhs: s.nhs,
                survivor_mrns: s.mrns,
                old_nhs: old.nhs,
                old_mrns: old.mrns,
            })
        }
        // The interpreter may learn new events; an import does not guess what they mean.
        _ => Err(Hl7Error::at(n, "MSH", 9, "unsupported event")),
    }
}

/// Splits and checks a whole file.
///
/// # Errors
/// Every faulty message (or the envelope fault that stopped splitting).
///
/// ```
/// use bedside_patient::TestData;
/// use bedside_pix::domain::Domain;
/// let mrn = Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?;
/// let file = "MSH|^~\\&|PAS|RXX|BEDSIDE|RXX|20260101||ADT^A28^ADT_A05|1|P|2.5\rEVN|A28\r\
///     PID|||K1^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR~9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||SMITH^John||19800118|M\r";
/// let ops = bedside::import_hl7::parse(file.as_bytes(), TestData::Allow, &mrn).unwrap();
/// assert_eq!(ops.len(), 1);
/// let bad = file.replace("19800118", "1980");
/// let errs = bedside::import_hl7::parse(bad.as_bytes(), TestData::Allow, &mrn).unwrap_err();
/// assert_eq!((errs[0].message, errs[0].segment, errs[0].field), (1, Some("PID"), Some(7)));
/// # Ok::<(), bedside_pix::domain::DomainError>(())
/// ```
pub fn parse(
    bytes: &[u8],
    test_data: TestData,
    mrn_domain: &Domain,
) -> Result<Vec<Op>, Vec<Hl7Error>> {
    let messages = bedside_pix::batch::split(bytes).map_err(|e| vec![batch_error(&e)])?;
    let mut ops = Vec::with_capacity(messages.len());
    let mut errors = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        match check_message(i + 1, m, test_data, mrn_domain) {
            Ok(op) => ops.push(op),
            Err(e) => {
                errors.push(e);
                if errors.len() >= 1000 {
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(ops)
    } else {
        Err(errors)
    }
}

/// What an HL7 import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Patients created or updated (distinct NHS numbers).
    pub imported: usize,
    /// A40 merges applied.
    pub merged: usize,
    /// Messages in the file.
    pub messages: usize,
}

/// Applies checked operations in order, in one transaction, with one audit row.
///
/// # Errors
/// Database errors (nothing is written then).
pub async fn apply(db: &Db, ops: &[Op], actor: &str) -> Result<Summary, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let Applied {
        patients,
        merged_nhs,
        merged,
    } = apply_in(&mut tx, ops, now).await?;
    let mut all = patients.clone();
    for n in &merged_nhs {
        if !all.contains(n) {
            all.push(n);
        }
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "index.import",
        &bedside_ward::audit::IndexFacts {
            format: Some("hl7".into()),
            messages: Some(ops.len() as u64),
            patients: Some(patients.len() as u64),
            merges: Some(merged as u64),
            nhs_numbers: Some(all.iter().map(|n| (*n).to_owned()).collect()),
            ..Default::default()
        },
    )
    .await?;
    crate::notify::announce_in(&mut tx, db.backend, crate::notify::Invalidation::Pix).await?;
    tx.commit().await?;
    Ok(Summary {
        imported: patients.len(),
        merged,
        messages: ops.len(),
    })
}

/// What [`apply_in`] changed.
pub(crate) struct Applied<'a> {
    /// NHS numbers created or updated, in file order.
    pub patients: Vec<&'a str>,
    /// NHS numbers an A40 touched.
    pub merged_nhs: Vec<&'a str>,
    /// A40 merges applied.
    pub merged: usize,
}

/// Applies checked operations in order, in the caller's transaction (no audit row, no
/// invalidation: the caller writes its own).
///
/// # Errors
/// Database errors.
pub(crate) async fn apply_in<'a>(
    tx: &mut sqlx::AnyConnection,
    ops: &'a [Op],
    now: i64,
) -> Result<Applied<'a>, sqlx::Error> {
    let mut patients: Vec<&str> = Vec::new();
    let mut merged_nhs: Vec<&str> = Vec::new();
    let mut merged = 0usize;
    for op in ops {
        match op {
            Op::Upsert {
                nhs_number,
                family,
                given,
                date_of_birth,
                sex,
                mrns,
                allergies,
            } => {
                sqlx::query("INSERT INTO patients (nhs_number, family, given, birth_date, sex, merged_into, updated_at) VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (nhs_number) DO UPDATE SET family = excluded.family, given = excluded.given, birth_date = excluded.birth_date, sex = excluded.sex, updated_at = excluded.updated_at")
                    .bind(nhs_number).bind(family).bind(given).bind(date_of_birth).bind(sex.clone()).bind(now)
                    .execute(&mut *tx).await?;
                crate::feed::link_in(
                    &mut *tx,
                    mrns,
                    std::slice::from_ref(nhs_number),
                    "import",
                    now,
                )
                .await?;
                if let Some(statement) = allergies {
                    crate::allergies::replace_hl7(&mut *tx, nhs_number, statement, now).await?;
                }
                if !patients.contains(&nhs_number.as_str()) {
                    patients.push(nhs_number);
                }
            }
            Op::Merge {
                survivor_nhs,
                survivor_mrns,
                old_nhs,
                old_mrns,
            } => {
                crate::feed::merge_in(
                    &mut *tx,
                    survivor_nhs,
                    survivor_mrns,
                    old_nhs,
                    old_mrns,
                    "import",
                    now,
                )
                .await?;
                merged += 1;
                for n in survivor_nhs.iter().chain(old_nhs) {
                    if !merged_nhs.contains(&n.as_str()) {
                        merged_nhs.push(n);
                    }
                }
            }
        }
    }
    Ok(Applied {
        patients,
        merged_nhs,
        merged,
    })
}
