//! Identification, judged: a scan and what the sources said → who this is, or a clear
//! "cannot tell" with every reason.
//!
//! The service reads the sources (the identity index, the PIX manager) and this module
//! judges, in two pure steps with the I/O between them:
//!
//! 1. [`read_band`]: the scan's GS1 syntax (`bedside-gs1`) and wristband rules
//!    (`bedside-patient`, modulus 11, the trust's GSRN prefixes, the ward's date) give a
//!    [`ScannedBand`], or already the final [`Identification`] (not a wristband).
//! 2. [`judge`]: the band, the record open on screen, the index [`Lookup`] and the PIX
//!    manager's answer ([`PixEvidence`]) give the [`Identification`]. Every source must
//!    agree with the band; any doubt is a [`Reason`], and any reason means no match.
//!
//! Type-level rule: [`Decision::Match`] holds a [`VerifiedMatch`], whose fields are
//! private and which only [`judge`] builds, from a verified NHS number with its recorded
//! demographics and no reason against it.

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Options, Parser};
use bedside_patient::{
    Confirmation, Date, Demographics, NhsNumber, Policy, TestData, Wristband, WristbandError,
};
use bedside_pix::client::{AttemptError, PixError};
use bedside_pix::outcome::PixOutcome;
use serde::{Deserialize, Serialize};

use crate::names::named_enum;

use crate::time::london_date;

named_enum! {
    /// The four answers.
    pub enum Status {
        /// Exactly one verified NHS number; every source agrees.
        Match = "match",
        /// Not a usable wristband, or the evidence points elsewhere / refuses it.
        NoMatch = "no_match",
        /// More than one candidate NHS number.
        Ambiguous = "ambiguous",
        /// The evidence needed could not be had now (identity service down, slow, stale).
        Unavailable = "unavailable",
    }
}

impl Status {
    /// How serious a refusal with this status is, most serious first: a reason that says
    /// "not this patient" outranks "two candidates", which outranks "cannot tell now".
    /// (`Match` is never a refusal's status.)
    #[must_use]
    pub const fn gravity(self) -> u8 {
        match self {
            Status::NoMatch => 0,
            Status::Ambiguous => 1,
            Status::Unavailable => 2,
            Status::Match => 3,
        }
    }
}

named_enum! {
    /// Machine-readable reasons. Names are a contract (`reasons[].code`).
    pub enum ReasonCode {
        /// Plain data, EAN/UPC or a Digital Link URI: not GS1 AI scan data.
        NotGs1 = "not_gs1",
        /// GS1 syntax or validation failure (class, offset, AI given).
        Gs1Invalid = "gs1_invalid",
        /// Valid GS1, but not a patient wristband (no 8018, or other AIs).
        NotAWristband = "not_a_wristband",
        /// The NHS number embedded in the GSRN fails modulus 11 (or is refused).
        NhsNumberCheckFailed = "nhs_number_check_failed",
        /// The GSRN company prefix is not one this trust prints under.
        GsrnPrefixNotAllowed = "gsrn_prefix_not_allowed",
        /// Any other wristband rule broken.
        WristbandInvalid = "wristband_invalid",
        /// The identifier or NHS number is not known.
        UnknownIdentifier = "unknown_identifier",
        /// The identifier or NHS number was merged away: reprint the band.
        MergedIdentifier = "merged_identifier",
        /// The index entry has expired and cannot be refreshed.
        StaleIndexEntry = "stale_index_entry",
        /// The local index links the band's identifier to another NHS number.
        IndexDisagreesWithBand = "index_disagrees_with_band",
        /// The identifier is linked to more than one NHS number.
        MultipleNhsNumbers = "multiple_nhs_numbers",
        /// The PIX manager returned a different NHS number.
        PixDisagreesWithBand = "pix_disagrees_with_band",
        /// The PIX manager knows the identifier but has no NHS number for it.
        PixNotFound = "pix_not_found",
        /// The PIX manager rejected the query (domain configuration or error).
        PixRejected = "pix_rejected",
        /// The PIX manager did not answer in time.
        PixTimeout = "pix_timeout",
        /// The PIX manager is unreachable, its circuit is open, or its answer was unusable.
        PixUnavailable = "pix_unavailable",
        /// The band's NHS number is not the one of the record open on screen.
        OpenRecordMismatch = "open_record_mismatch",
        /// Name or date of birth on the band differs from the record.
        DemographicsMismatch = "demographics_mismatch",
        /// The record lacks a name or date of birth needed to confirm.
        DemographicsIncomplete = "demographics_incomplete",
        /// The local index could not be read.
        IndexUnavailable = "index_unavailable",
    }
}

impl ReasonCode {
    /// The status this reason forces.
    #[must_use]
    pub fn status(self) -> Status {
        use ReasonCode::*;
        match self {
            MultipleNhsNumbers => Status::Ambiguous,
            StaleIndexEntry | PixRejected | PixTimeout | PixUnavailable | IndexUnavailable => {
                Status::Unavailable
            }
            _ => Status::NoMatch,
        }
    }
}

/// The GS1 fault behind [`ReasonCode::Gs1Invalid`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gs1Fault {
    /// Stable class name (`BAD_CHECK_DIGIT`, …).
    pub class: &'static str,
    /// Byte offset in the scan.
    pub offset: usize,
    /// The AI at fault, if any.
    pub ai: Option<String>,
}

/// One reason, for machines (`code`) and for a tired nurse (`message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Machine code.
    pub code: ReasonCode,
    /// Plain words. Never contains patient data.
    pub message: String,
    /// GS1 details for `gs1_invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gs1: Option<Gs1Fault>,
}

impl Reason {
    /// A reason without GS1 details.
    pub fn new(code: ReasonCode, message: impl Into<String>) -> Self {
        Reason {
            code,
            message: message.into(),
            gs1: None,
        }
    }
}

/// The identity to confirm with the patient, in NPSA display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfirmPatient {
    /// 10 digits.
    pub nhs_number: String,
    /// `943 476 5919`.
    pub nhs_number_display: String,
    /// FAMILY.
    pub family: String,
    /// Given.
    pub given: String,
    /// `18-Jan-1980`.
    pub date_of_birth: String,
    /// `FAMILY, Given`.
    pub display_name: String,
}

/// A verified, unique identification. Its fields are private and it is built in one
/// place, the judgement's last step: only [`judge`] hands one out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedMatch {
    nhs_number: NhsNumber,
    demographics: Demographics,
    sources: Vec<&'static str>,
}

impl VerifiedMatch {
    /// The NHS number.
    #[must_use]
    pub fn nhs_number(&self) -> &NhsNumber {
        &self.nhs_number
    }
    /// The sources that agreed (`band`, `index`, `pix`, `record`, `open_record`).
    #[must_use]
    pub fn sources(&self) -> &[&'static str] {
        &self.sources
    }
    /// The identity for the nurse to confirm.
    #[must_use]
    pub fn confirm(&self) -> ConfirmPatient {
        let d = &self.demographics;
        ConfirmPatient {
            nhs_number: self.nhs_number.as_str().to_owned(),
            nhs_number_display: self.nhs_number.to_string(),
            family: d.display_family().unwrap_or_default(),
            given: d.display_given().unwrap_or_default(),
            date_of_birth: d.display_date_of_birth().unwrap_or_default(),
            display_name: d.display_name(),
        }
    }
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Exactly one verified NHS number.
    Match(VerifiedMatch),
    /// Refused: see reasons.
    NoMatch(Vec<Reason>),
    /// More than one candidate.
    Ambiguous(Vec<Reason>),
    /// Cannot confirm now.
    Unavailable(Vec<Reason>),
}

impl Decision {
    /// The status.
    #[must_use]
    pub fn status(&self) -> Status {
        match self {
            Decision::Match(_) => Status::Match,
            Decision::NoMatch(_) => Status::NoMatch,
            Decision::Ambiguous(_) => Status::Ambiguous,
            Decision::Unavailable(_) => Status::Unavailable,
        }
    }
    /// The reasons (empty for a match).
    #[must_use]
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Decision::Match(_) => &[],
            Decision::NoMatch(r) | Decision::Ambiguous(r) | Decision::Unavailable(r) => r,
        }
    }
}

/// What the judgement has gathered so far.
#[derive(Debug, Default)]
struct Evidence {
    band: Option<NhsNumber>,
    record: Option<Demographics>,
    reasons: Vec<Reason>,
    sources: Vec<&'static str>,
}

impl Evidence {
    fn refuse(&mut self, r: Reason) {
        if !self.reasons.iter().any(|x| x.code == r.code) {
            self.reasons.push(r);
        }
    }

    /// The only constructor of [`Decision::Match`]: a band NHS number, its record's
    /// demographics, and no reason against it. Otherwise the most serious status among
    /// the reasons (no match before ambiguous before unavailable), all reasons listed.
    #[must_use]
    fn decide(self) -> Decision {
        if self.reasons.is_empty() {
            if let (Some(nhs_number), Some(demographics)) = (self.band, self.record) {
                return Decision::Match(VerifiedMatch {
                    nhs_number,
                    demographics,
                    sources: self.sources,
                });
            }
            return Decision::NoMatch(vec![Reason::new(
                ReasonCode::UnknownIdentifier,
                "No verified patient record for this wristband.",
            )]);
        }
        let worst = self
            .reasons
            .iter()
            .map(|r| r.code.status())
            .min_by_key(|s| s.gravity())
            .unwrap_or(Status::NoMatch);
        match worst {
            Status::Ambiguous => Decision::Ambiguous(self.reasons),
            Status::Unavailable => Decision::Unavailable(self.reasons),
            Status::NoMatch | Status::Match => Decision::NoMatch(self.reasons),
        }
    }
}

/// What was scanned, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanKind {
    /// No AIM symbology identifier: keyboard text, not scanner data.
    NoSymbologyIdentifier,
    /// GS1 data that failed syntax or validation.
    Gs1Invalid,
    /// A barcode without GS1 data.
    NotGs1,
    /// Valid GS1 data that is not a wristband.
    Gs1,
    /// A wristband.
    Wristband,
}

/// What the PIX manager said, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixFact {
    /// `found`, an outcome kind (`not_found`, `unknown_identifier`, …) or `unavailable`.
    pub outcome: String,
    /// The NHS number found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// The manager's detail, or why it could not be asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The band's keys, for the audit trail (present once a wristband was read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandFacts {
    /// GSRN (8018).
    pub gsrn: String,
    /// The NHS number embedded in the GSRN.
    pub band_nhs_number: String,
    /// The hospital number read from (91), when configured.
    pub mrn: Option<String>,
}

/// The audit facts of one identification (action `identify`): what was scanned (keys,
/// never the raw payload) and what each source said. Patient data belongs here and never
/// in logs. Field names are the stored JSON keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifyFacts {
    /// What was scanned.
    pub scan: ScanKind,
    /// The wristband rule broken, when a GS1 message was not a usable band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wristband_error: Option<String>,
    /// The band's keys.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub band: Option<BandFacts>,
    /// The NHS number of the record open on screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_record_nhs_number: Option<String>,
    /// Which demographic fields differed from the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demographics_mismatch: Option<Vec<String>>,
    /// The index's verdict on the GSRN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_gsrn: Option<IndexVerdict>,
    /// The index's verdict on the hospital number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_mrn: Option<IndexVerdict>,
    /// Whether the PIX answer came from the cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pix_cached: Option<bool>,
    /// The PIX manager's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pix: Option<PixFact>,
    /// The decision's status.
    pub status: Status,
    /// For a match, the sources that agreed, as the answer says them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<String>>,
    /// The reasons' codes.
    pub reasons: Vec<ReasonCode>,
}

impl IdentifyFacts {
    fn new(scan: ScanKind) -> Self {
        IdentifyFacts {
            scan,
            wristband_error: None,
            band: None,
            open_record_nhs_number: None,
            demographics_mismatch: None,
            index_gsrn: None,
            index_mrn: None,
            pix_cached: None,
            pix: None,
            status: Status::NoMatch,
            sources: None,
            reasons: Vec::new(),
        }
    }

    /// Every NHS number these facts are about: the band's and the open record's.
    #[must_use]
    pub fn nhs_numbers(&self) -> Vec<&str> {
        let mut out = Vec::new();
        if let Some(b) = &self.band {
            out.push(b.band_nhs_number.as_str());
        }
        if let Some(o) = &self.open_record_nhs_number
            && !out.contains(&o.as_str())
        {
            out.push(o.as_str());
        }
        out
    }
}

/// A decision and what the audit trail records about it.
#[derive(Debug, Clone)]
pub struct Identification {
    /// The decision.
    pub decision: Decision,
    /// The audit facts.
    pub facts: IdentifyFacts,
}

fn finish(ev: Evidence, mut facts: IdentifyFacts) -> Identification {
    let decision = ev.decide();
    facts.status = decision.status();
    if let Decision::Match(m) = &decision {
        // What agreed, as the answer says it: the audit row alone shows why.
        facts.sources = Some(m.sources().iter().map(|s| (*s).to_owned()).collect());
    }
    facts.reasons = decision.reasons().iter().map(|r| r.code).collect();
    Identification { decision, facts }
}

/// What a scan must satisfy to be read as this trust's wristband.
#[derive(Debug, Clone)]
pub struct BandRules<'a> {
    /// The wristband policy (GSRN prefixes, test data).
    pub policy: &'a Policy,
    /// The keyboard-wedge substitute for GS, if any.
    pub gs_substitute: Option<&'a str>,
    /// Read the hospital number from (91).
    pub mrn_from_ai91: bool,
}

/// A wristband read from a scan, ready to be checked against the sources.
#[derive(Debug, Clone)]
pub struct ScannedBand {
    nhs: NhsNumber,
    gsrn: String,
    mrn: Option<String>,
    demographics: Demographics,
}

impl ScannedBand {
    /// The NHS number embedded in the band's GSRN (modulus 11 checked).
    #[must_use]
    pub fn nhs_number(&self) -> &NhsNumber {
        &self.nhs
    }
    /// The GSRN.
    #[must_use]
    pub fn gsrn(&self) -> &str {
        &self.gsrn
    }
    /// The hospital number, when the band carries one and the rules read it.
    #[must_use]
    pub fn mrn(&self) -> Option<&str> {
        self.mrn.as_deref()
    }
}

fn wristband_reason(e: &WristbandError) -> Reason {
    match e {
        WristbandError::MissingGsrn | WristbandError::UnexpectedAi { .. } => Reason::new(
            ReasonCode::NotAWristband,
            "This barcode is not a patient wristband. Scan the wristband.",
        ),
        WristbandError::EmbeddedNhsNumber { .. } => Reason::new(
            ReasonCode::NhsNumberCheckFailed,
            "The NHS number on this wristband is not valid. Do not use it: reprint the band.",
        ),
        WristbandError::GsrnPrefixNotAllowed { .. } => Reason::new(
            ReasonCode::GsrnPrefixNotAllowed,
            "This wristband was not printed for this trust. Reprint the band.",
        ),
        other => Reason::new(
            ReasonCode::WristbandInvalid,
            format!("This wristband is not valid ({other}). Reprint the band."),
        ),
    }
}

fn refused(scan: ScanKind, reason: Reason) -> Box<Identification> {
    let mut ev = Evidence::default();
    ev.refuse(reason);
    Box::new(finish(ev, IdentifyFacts::new(scan)))
}

/// Reads a scan as a wristband under `rules`, judged on the London date of `now` (a baby
/// born just after midnight BST has today's date of birth, which is not in the future).
///
/// # Errors
/// The final [`Identification`] (never a match) when the scan is not scanner data, not
/// GS1, not valid, or not this trust's wristband.
pub fn read_band(
    scan: &str,
    rules: &BandRules<'_>,
    now: i64,
) -> Result<ScannedBand, Box<Identification>> {
    let opts = Options {
        gs_substitute: rules.gs_substitute,
        ..Options::default()
    };
    let parser = Parser::new(Dictionary::embedded(), opts);
    if !scan.starts_with(']') {
        return Err(refused(
            ScanKind::NoSymbologyIdentifier,
            Reason::new(
                ReasonCode::NotGs1,
                "No barcode symbology identifier: this is not scanner data. Scan the wristband (set the scanner to send AIM identifiers).",
            ),
        ));
    }
    let parsed = match parser.scan(scan.as_bytes()) {
        Ok(p) => p,
        Err(e) => {
            let mut r = Reason::new(
                ReasonCode::Gs1Invalid,
                format!(
                    "The barcode could not be read as GS1 data ({}). Rescan; if it fails again, reprint the band.",
                    e.class().as_str()
                ),
            );
            r.gs1 = Some(Gs1Fault {
                class: e.class().as_str(),
                offset: e.offset,
                ai: e.ai.map(|a| a.to_string()),
            });
            return Err(refused(ScanKind::Gs1Invalid, r));
        }
    };
    let Content::Gs1(msg) = &parsed.content else {
        return Err(refused(
            ScanKind::NotGs1,
            Reason::new(
                ReasonCode::NotGs1,
                "This barcode does not carry GS1 data. Scan the patient's wristband.",
            ),
        ));
    };
    let today = london_date(now);
    let mut policy = rules.policy.clone();
    if let Ok(t) = Date::new(
        u16::try_from(today.year()).unwrap_or(9999),
        u8::try_from(today.month()).unwrap_or(1),
        u8::try_from(today.day()).unwrap_or(1),
    ) {
        policy = policy.with_today(t);
    }
    let band = match Wristband::from_message(msg, &policy) {
        Ok(b) => b,
        Err(e) => {
            let mut id = refused(ScanKind::Gs1, wristband_reason(&e));
            id.facts.wristband_error = Some(e.to_string());
            return Err(id);
        }
    };
    let mrn = if rules.mrn_from_ai91 {
        band.internal()
            .iter()
            .find(|(ai, _)| *ai == bedside_patient::InternalAi::HospitalIdentifiers)
            .map(|(_, v)| v.clone())
    } else {
        None
    };
    Ok(ScannedBand {
        nhs: *band.nhs_number(),
        gsrn: band.gsrn().as_str().to_owned(),
        mrn,
        demographics: band.demographics().clone(),
    })
}

/// What the index read (in one consistent snapshot) for a band.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookup {
    /// The record of the band's NHS number: its demographics, and the survivor's NHS
    /// number when it was merged away.
    pub patient: Option<(Demographics, Option<String>)>,
    /// The index rows of the band's GSRN.
    pub gsrn_rows: IndexSummary,
    /// The index rows of the band's hospital number (none when the band has none).
    pub mrn_rows: IndexSummary,
}

/// The index could not be read (the store failed or timed out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexUnreadable;

/// What the PIX manager said about the band's hospital number.
#[derive(Debug, Clone)]
pub enum PixEvidence {
    /// No PIX manager is configured.
    NotConfigured,
    /// A manager is configured but the band has no hospital number to ask about.
    NoHospitalNumber,
    /// The manager's answer (`cached`: from the answer cache), or why there is none.
    Answer {
        /// The outcome, or the failure to get one.
        result: Result<PixOutcome, PixError>,
        /// Served from the answer cache.
        cached: bool,
    },
}

fn is_timeout(e: &PixError) -> bool {
    let t = |a: &AttemptError| {
        matches!(
            a,
            AttemptError::ConnectTimeout | AttemptError::ResponseTimeout
        )
    };
    match e {
        PixError::CannotConfirm { first, retry, .. } => t(first) || retry.as_ref().is_some_and(t),
        _ => false,
    }
}

/// Judges a band against the record open on screen, the index and the PIX manager.
/// `lookup` is `Err` when the index could not be read (then the PIX manager is not
/// consulted: pass [`PixEvidence::NotConfigured`] or anything, it is not looked at).
#[must_use]
pub fn judge(
    band: &ScannedBand,
    open_record: Option<&NhsNumber>,
    lookup: Result<&Lookup, IndexUnreadable>,
    pix: &PixEvidence,
) -> Identification {
    let nhs = band.nhs;
    let mut facts = IdentifyFacts::new(ScanKind::Wristband);
    facts.band = Some(BandFacts {
        gsrn: band.gsrn.clone(),
        band_nhs_number: nhs.as_str().to_owned(),
        mrn: band.mrn.clone(),
    });
    let mut ev = Evidence {
        band: Some(nhs),
        ..Evidence::default()
    };
    ev.sources.push("band");

    // The record open on screen.
    if let Some(open) = open_record {
        facts.open_record_nhs_number = Some(open.as_str().to_owned());
        if open != &nhs {
            ev.refuse(Reason::new(
                ReasonCode::OpenRecordMismatch,
                "STOP: this wristband belongs to a different patient from the record open on screen.",
            ));
        } else {
            ev.sources.push("open_record");
        }
    }

    let Ok(looked) = lookup else {
        ev.refuse(Reason::new(
            ReasonCode::IndexUnavailable,
            "The identity index cannot be read right now. Use the downtime procedure.",
        ));
        return finish(ev, facts);
    };
    let pix_configured = !matches!(pix, PixEvidence::NotConfigured);

    // The patient record.
    match &looked.patient {
        Some((d, None)) => match band.demographics.confirm(d) {
            Confirmation::Confirmed => {
                ev.record = Some(d.clone());
                ev.sources.push("record");
            }
            Confirmation::Mismatch { fields } => {
                let names: Vec<String> = fields.iter().map(ToString::to_string).collect();
                ev.refuse(Reason::new(
                    ReasonCode::DemographicsMismatch,
                    format!(
                        "The {} on the wristband differs from the patient record. Do not proceed: check the band.",
                        names.join(" and ")
                    ),
                ));
                facts.demographics_mismatch = Some(names);
            }
            Confirmation::Incomplete { .. } => ev.refuse(Reason::new(
                ReasonCode::DemographicsIncomplete,
                "The patient record lacks the name or date of birth needed to confirm.",
            )),
        },
        Some((_, Some(_survivor))) => ev.refuse(Reason::new(
            ReasonCode::MergedIdentifier,
            "This NHS number was merged into another record. Reprint the wristband.",
        )),
        None => ev.refuse(Reason::new(
            ReasonCode::UnknownIdentifier,
            "This patient is not known to this hospital's identity index.",
        )),
    }

    // The local index: GSRN and hospital number.
    for (domain, present, rows) in [
        ("gsrn", true, &looked.gsrn_rows),
        ("mrn", band.mrn.is_some(), &looked.mrn_rows),
    ] {
        if !present {
            continue;
        }
        let verdict = judge_summary(rows, &nhs);
        if domain == "mrn" {
            facts.index_mrn = Some(verdict);
        } else {
            facts.index_gsrn = Some(verdict);
        }
        let number = if domain == "mrn" {
            "hospital number"
        } else {
            "wristband number (GSRN)"
        };
        match verdict {
            IndexVerdict::Agrees => {
                if !ev.sources.contains(&"index") {
                    ev.sources.push("index");
                }
            }
            IndexVerdict::Absent => {
                // The GSRN's NHS number is already verified by the band; an unknown
                // hospital number needs the PIX manager.
                if domain == "mrn" && !pix_configured {
                    ev.refuse(Reason::new(
                        ReasonCode::UnknownIdentifier,
                        "The hospital number on this wristband is not known here. Reprint the band.",
                    ));
                }
            }
            IndexVerdict::Stale => {
                if !pix_configured || domain != "mrn" {
                    ev.refuse(Reason::new(
                        ReasonCode::StaleIndexEntry,
                        format!("The link for this {number} is out of date and cannot be refreshed now. Use the downtime procedure."),
                    ));
                }
            }
            IndexVerdict::Merged => ev.refuse(Reason::new(
                ReasonCode::MergedIdentifier,
                format!("This wristband's {number} was merged into another record. Reprint the wristband."),
            )),
            IndexVerdict::Several => ev.refuse(Reason::new(
                ReasonCode::MultipleNhsNumbers,
                format!("This {number} is linked to more than one NHS number. Do not proceed: report it."),
            )),
            IndexVerdict::Disagrees => ev.refuse(Reason::new(
                ReasonCode::IndexDisagreesWithBand,
                "STOP: the hospital records link this wristband to a different NHS number.",
            )),
        }
    }

    // The PIX manager, for the hospital number.
    if let (PixEvidence::Answer { result, cached }, Some(_)) = (pix, &band.mrn) {
        facts.pix_cached = Some(*cached);
        match result {
            Ok(PixOutcome::Found { nhs_number: n, .. }) => {
                facts.pix = Some(PixFact {
                    outcome: "found".into(),
                    nhs_number: Some(n.clone()),
                    detail: None,
                });
                if n == nhs.as_str() {
                    ev.sources.push("pix");
                } else {
                    ev.refuse(Reason::new(
                        ReasonCode::PixDisagreesWithBand,
                        "STOP: the regional identity service links this hospital number to a different NHS number.",
                    ));
                }
            }
            Ok(o) => {
                facts.pix = Some(PixFact {
                    outcome: o.kind().as_str().to_owned(),
                    nhs_number: None,
                    detail: Some(o.detail().to_owned()),
                });
                ev.refuse(match o {
                    PixOutcome::Ambiguous { .. } => Reason::new(
                        ReasonCode::MultipleNhsNumbers,
                        "The regional identity service links this hospital number to more than one NHS number. Do not proceed.",
                    ),
                    PixOutcome::UnknownIdentifier { .. } => Reason::new(
                        ReasonCode::UnknownIdentifier,
                        "The regional identity service does not know this hospital number (merged?). Reprint the band.",
                    ),
                    PixOutcome::NotFound { .. } => Reason::new(
                        ReasonCode::PixNotFound,
                        "The regional identity service has no NHS number for this hospital number.",
                    ),
                    _ => Reason::new(
                        ReasonCode::PixRejected,
                        "The regional identity service refused the query. Use the downtime procedure and report it.",
                    ),
                });
            }
            Err(e) => {
                facts.pix = Some(PixFact {
                    outcome: "unavailable".into(),
                    nhs_number: None,
                    detail: Some(e.to_string()),
                });
                ev.refuse(if is_timeout(e) {
                    Reason::new(
                        ReasonCode::PixTimeout,
                        "The regional identity service did not answer in time. Try again, or use the downtime procedure.",
                    )
                } else {
                    Reason::new(
                        ReasonCode::PixUnavailable,
                        "The regional identity service is unavailable. Use the downtime procedure.",
                    )
                });
            }
        }
    }
    finish(ev, facts)
}

/// Parses the `open_patient_nhs_number` a caller sends.
///
/// # Errors
/// The NHS number error (malformed input is the caller's fault).
pub fn parse_open_record(
    s: &str,
    test_data: TestData,
) -> Result<NhsNumber, bedside_patient::NhsNumberError> {
    NhsNumber::parse(s, test_data)
}

/// One index row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The linked NHS number.
    pub nhs_number: String,
    /// Merged away.
    pub merged: bool,
    /// Expiry (Unix ms), if any.
    pub expires_at: Option<i64>,
}

/// What the index says about one identifier (serialised as its [`IndexVerdict::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexVerdict {
    /// One fresh link, to the band's NHS number.
    Agrees,
    /// No row.
    Absent,
    /// Merged away.
    Merged,
    /// Links to more than one NHS number.
    Several,
    /// One fresh link, to another NHS number.
    Disagrees,
    /// Only expired links.
    Stale,
}

impl IndexVerdict {
    /// Name for the audit trail.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            IndexVerdict::Agrees => "agrees",
            IndexVerdict::Absent => "absent",
            IndexVerdict::Merged => "merged",
            IndexVerdict::Several => "several",
            IndexVerdict::Disagrees => "disagrees",
            IndexVerdict::Stale => "stale",
        }
    }
}

/// What the index holds for one identifier, in the few numbers [`judge_summary`] needs
/// (a store may compute these in its query, or summarise rows with [`IndexSummary::of`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    /// Rows.
    pub rows: i64,
    /// Rows marked merged.
    pub merged: i64,
    /// Distinct NHS numbers.
    pub distinct_nhs: i64,
    /// The (smallest) linked NHS number.
    pub nhs_number: Option<String>,
    /// Rows not expired at the time of judging.
    pub fresh: i64,
}

impl IndexSummary {
    /// Summarises rows as of `now`.
    ///
    /// ```
    /// use bedside_ward::identify::{IndexEntry, IndexSummary};
    /// let row = |n: &str, exp| IndexEntry { nhs_number: n.into(), merged: false, expires_at: exp };
    /// let s = IndexSummary::of(&[row("9990001235", Some(5)), row("9990000018", None)], 10);
    /// assert_eq!((s.rows, s.distinct_nhs, s.fresh), (2, 2, 1));
    /// ```
    #[must_use]
    pub fn of(rows: &[IndexEntry], now: i64) -> IndexSummary {
        let mut distinct: Vec<&str> = rows.iter().map(|r| r.nhs_number.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        IndexSummary {
            rows: count(rows.len()),
            merged: count(rows.iter().filter(|r| r.merged).count()),
            distinct_nhs: count(distinct.len()),
            nhs_number: distinct.first().map(|s| (*s).to_owned()),
            fresh: count(
                rows.iter()
                    .filter(|r| r.expires_at.is_none_or(|e| e > now))
                    .count(),
            ),
        }
    }
}

/// Judges what the index holds for one identifier against the band's NHS number: no row
/// is `Absent`; any merged row `Merged`; two NHS numbers `Several`; only expired rows
/// `Stale`; else `Agrees` or `Disagrees`.
///
/// ```
/// use bedside_ward::identify::{judge_summary, IndexSummary, IndexVerdict};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = NhsNumber::parse("9990001235", TestData::Allow)?;
/// let one = IndexSummary { rows: 1, merged: 0, distinct_nhs: 1, nhs_number: Some("9990001235".into()), fresh: 1 };
/// assert_eq!(judge_summary(&one, &band), IndexVerdict::Agrees);
/// assert_eq!(judge_summary(&IndexSummary { fresh: 0, ..one.clone() }, &band), IndexVerdict::Stale);
/// assert_eq!(judge_summary(&IndexSummary::default(), &band), IndexVerdict::Absent);
/// # Ok::<(), bedside_patient::NhsNumberError>(())
/// ```
#[must_use]
pub fn judge_summary(s: &IndexSummary, band: &NhsNumber) -> IndexVerdict {
    if s.rows == 0 {
        IndexVerdict::Absent
    } else if s.merged > 0 {
        IndexVerdict::Merged
    } else if s.distinct_nhs > 1 {
        IndexVerdict::Several
    } else if s.fresh == 0 {
        IndexVerdict::Stale
    } else if s.nhs_number.as_deref() == Some(band.as_str()) {
        IndexVerdict::Agrees
    } else {
        IndexVerdict::Disagrees
    }
}

/// Judges the index rows of one identifier against the band's NHS number
/// ([`judge_summary`] of their [`IndexSummary`]).
#[must_use]
pub fn judge_index(rows: &[IndexEntry], band: &NhsNumber, now: i64) -> IndexVerdict {
    judge_summary(&IndexSummary::of(rows, now), band)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nhs(s: &str) -> NhsNumber {
        NhsNumber::parse(s, TestData::Allow).unwrap()
    }

    #[test]
    fn index_verdicts() {
        let band = nhs("9990001235");
        let e = |n: &str, merged, exp| IndexEntry {
            nhs_number: n.into(),
            merged,
            expires_at: exp,
        };
        assert_eq!(judge_index(&[], &band, 10), IndexVerdict::Absent);
        assert_eq!(
            judge_index(&[e("9990001235", false, None)], &band, 10),
            IndexVerdict::Agrees
        );
        assert_eq!(
            judge_index(&[e("9990001235", false, Some(5))], &band, 10),
            IndexVerdict::Stale
        );
        assert_eq!(
            judge_index(&[e("9990001235", true, None)], &band, 10),
            IndexVerdict::Merged
        );
        assert_eq!(
            judge_index(&[e("9990000018", false, None)], &band, 10),
            IndexVerdict::Disagrees
        );
        assert_eq!(
            judge_index(
                &[
                    e("9990001235", false, None),
                    e("9990000018", false, Some(1))
                ],
                &band,
                10
            ),
            IndexVerdict::Several
        );
    }

    #[test]
    fn no_reasons_without_a_record_is_not_a_match() {
        let ev = Evidence {
            band: Some(nhs("9990001235")),
            ..Evidence::default()
        };
        assert_eq!(ev.decide().status(), Status::NoMatch);
    }

    #[test]
    fn worst_reason_wins() {
        let mut ev = Evidence {
            band: Some(nhs("9990001235")),
            record: Some(Demographics::new("A", "B")),
            ..Evidence::default()
        };
        ev.refuse(Reason::new(ReasonCode::PixTimeout, ""));
        assert_eq!(ev.decide().status(), Status::Unavailable);
        let mut ev = Evidence::default();
        ev.refuse(Reason::new(ReasonCode::PixTimeout, ""));
        ev.refuse(Reason::new(ReasonCode::MultipleNhsNumbers, ""));
        assert_eq!(ev.decide().status(), Status::Ambiguous);
        ev = Evidence::default();
        ev.refuse(Reason::new(ReasonCode::MultipleNhsNumbers, ""));
        ev.refuse(Reason::new(ReasonCode::OpenRecordMismatch, ""));
        assert_eq!(ev.decide().status(), Status::NoMatch);
    }
}
