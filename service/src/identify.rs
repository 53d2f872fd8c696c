//! The identification decision: scan → who is this, or a clear "cannot tell".
//!
//! Resolution order: the NHS number embedded in the band's GSRN (GS1 syntax by
//! `bedside-gs1`, wristband and modulus-11 rules by `bedside-patient`), then the local
//! identity index (GSRN and hospital number ↔ NHS number, merges, expiry), then the PIX
//! manager when configured (`bedside-pix`, answers cached for a short TTL), then the
//! patient's record (demographics the nurse confirms) and the record open on the caller's
//! screen. Every source must agree with the band; any doubt is a reason, and any reason
//! means no match.
//!
//! Type-level rule: [`Decision::Match`] holds a [`VerifiedMatch`], which has a private
//! field and is built in exactly one place ([`Evidence::decide`]) from a verified NHS
//! number with its recorded demographics and no reason against it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Options, Parser};
use bedside_patient::{
    Confirmation, Date, DateOfBirth, Demographics, NhsNumber, Policy, Sex, TestData, Wristband,
    WristbandError,
};
use bedside_pix::client::{AttemptError, PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::outcome::PixOutcome;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::clock::now_ms;
use crate::db::Db;

/// The four answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exactly one verified NHS number; every source agrees.
    Match,
    /// Not a usable wristband, or the evidence points elsewhere / refuses it.
    NoMatch,
    /// More than one candidate NHS number.
    Ambiguous,
    /// The evidence needed could not be had now (identity service down, slow, stale).
    Unavailable,
}

impl Status {
    /// The stable name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::NoMatch => "no_match",
            Status::Ambiguous => "ambiguous",
            Status::Unavailable => "unavailable",
        }
    }
}

/// Machine-readable reasons. Names are a contract (`reasons[].code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Plain data, EAN/UPC or a Digital Link URI: not GS1 AI scan data.
    NotGs1,
    /// GS1 syntax or validation failure (class, offset, AI given).
    Gs1Invalid,
    /// Valid GS1, but not a patient wristband (no 8018, or other AIs).
    NotAWristband,
    /// The NHS number embedded in the GSRN fails modulus 11 (or is refused).
    NhsNumberCheckFailed,
    /// The GSRN company prefix is not one this trust prints under.
    GsrnPrefixNotAllowed,
    /// Any other wristband rule broken.
    WristbandInvalid,
    /// The identifier or NHS number is not known.
    UnknownIdentifier,
    /// The identifier or NHS number was merged away: reprint the band.
    MergedIdentifier,
    /// The index entry has expired and cannot be refreshed.
    StaleIndexEntry,
    /// The local index links the band's identifier to another NHS number.
    IndexDisagreesWithBand,
    /// The identifier is linked to more than one NHS number.
    MultipleNhsNumbers,
    /// The PIX manager returned a different NHS number.
    PixDisagreesWithBand,
    /// The PIX manager knows the identifier but has no NHS number for it.
    PixNotFound,
    /// The PIX manager rejected the query (domain configuration or error).
    PixRejected,
    /// The PIX manager did not answer in time.
    PixTimeout,
    /// The PIX manager is unreachable, its circuit is open, or its answer was unusable.
    PixUnavailable,
    /// The band's NHS number is not the one of the record open on screen.
    OpenRecordMismatch,
    /// Name or date of birth on the band differs from the record.
    DemographicsMismatch,
    /// The record lacks a name or date of birth needed to confirm.
    DemographicsIncomplete,
    /// The local index could not be read.
    IndexUnavailable,
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

    /// The stable snake_case name.
    #[must_use]
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
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
    fn new(code: ReasonCode, message: impl Into<String>) -> Self {
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

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seal;

/// A verified, unique identification. Only [`Evidence::decide`] can build one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedMatch {
    nhs_number: NhsNumber,
    demographics: Demographics,
    sources: Vec<&'static str>,
    _seal: Seal,
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

/// What the resolver has gathered so far.
#[derive(Debug, Default)]
pub struct Evidence {
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
    pub fn decide(self) -> Decision {
        if self.reasons.is_empty() {
            if let (Some(nhs_number), Some(demographics)) = (self.band, self.record) {
                return Decision::Match(VerifiedMatch {
                    nhs_number,
                    demographics,
                    sources: self.sources,
                    _seal: Seal,
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
            .min()
            .unwrap_or(Status::NoMatch);
        match worst {
            Status::Ambiguous => Decision::Ambiguous(self.reasons),
            Status::Unavailable => Decision::Unavailable(self.reasons),
            Status::NoMatch | Status::Match => Decision::NoMatch(self.reasons),
        }
    }
}

#[derive(Debug, Clone)]
enum PixCached {
    Found(String),
    Other(PixOutcome),
}

/// The PIX manager as the resolver uses it: client, hospital-number domain, answer cache.
pub struct PixResolver {
    client: Arc<dyn PixClient>,
    domain: Domain,
    ttl: Duration,
    budget: Duration,
    cache: Mutex<PixCache>,
}

/// Cached PIX answers and a generation that every invalidation bumps: an answer whose
/// query started before an invalidation is not stored after it.
#[derive(Debug, Default)]
struct PixCache {
    generation: u64,
    answers: HashMap<String, (Instant, PixCached)>,
}

impl std::fmt::Debug for PixResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PixResolver")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl PixResolver {
    /// A resolver over `client`. `budget` bounds one whole query (attempt + retry).
    #[must_use]
    pub fn new(
        client: Arc<dyn PixClient>,
        domain: Domain,
        ttl: Duration,
        budget: Duration,
    ) -> Self {
        PixResolver {
            client,
            domain,
            ttl,
            budget,
            cache: Mutex::new(PixCache::default()),
        }
    }

    /// Drops every cached answer (e.g. on an ITI-10 notification), including answers to
    /// queries still in flight: they are not stored when they arrive.
    pub fn invalidate(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.generation = c.generation.wrapping_add(1);
            c.answers.clear();
        }
    }

    async fn lookup(&self, mrn: &str) -> (Result<PixCached, PixError>, bool) {
        let generation = match self.cache.lock() {
            Ok(c) => {
                if let Some((at, v)) = c.answers.get(mrn)
                    && at.elapsed() < self.ttl
                {
                    return (Ok(v.clone()), true);
                }
                Some(c.generation)
            }
            Err(_) => None,
        };
        let q = PixQuery::nhs_number_for(mrn, self.domain.clone());
        let result = match tokio::time::timeout(self.budget, self.client.query(&q)).await {
            Ok(Ok(PixOutcome::Found { nhs_number, .. })) => Ok(PixCached::Found(nhs_number)),
            Ok(Ok(other)) => Ok(PixCached::Other(other)),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(PixError::CannotConfirm {
                transport: bedside_pix::client::Transport::Mllp,
                first: AttemptError::ResponseTimeout,
                retry: None,
            }),
        };
        if let Ok(v @ PixCached::Found(_)) = &result
            && !self.ttl.is_zero()
            && let Ok(mut c) = self.cache.lock()
            && Some(c.generation) == generation
        {
            if c.answers.len() > 10_000 {
                c.answers.clear();
            }
            c.answers
                .insert(mrn.to_owned(), (Instant::now(), v.clone()));
        }
        (result, false)
    }
}

/// Everything the resolver needs, shared by all requests.
#[derive(Debug)]
pub struct Identifier {
    /// Database.
    pub db: Db,
    /// Wristband policy (prefixes, test data).
    pub policy: Policy,
    /// Keyboard-wedge GS substitute.
    pub gs_substitute: Option<String>,
    /// Read the hospital number from (91).
    pub mrn_from_ai91: bool,
    /// PIX manager, when configured.
    pub pix: Option<PixResolver>,
}

/// A decision plus what the audit trail records about it (patient data allowed there,
/// never in logs).
#[derive(Debug)]
pub struct Identification {
    /// The decision.
    pub decision: Decision,
    /// Audit facts: what was scanned (keys, not the raw payload), what each source said.
    pub facts: serde_json::Value,
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

fn demographics_from_row(
    family: String,
    given: String,
    dob: &str,
    sex: Option<String>,
) -> Demographics {
    let mut d = Demographics::new(family, given);
    d.date_of_birth = Date::parse_iso8601(dob).ok().map(DateOfBirth::from_date);
    d.sex = sex.as_deref().and_then(|s| Sex::from_iso5218(s).ok());
    d
}

impl Identifier {
    /// Decides who a scan identifies. `open_record` is the NHS number of the record open
    /// on the caller's screen, if any. Never errors: a database failure is a reason
    /// (`index_unavailable`).
    pub async fn identify(&self, scan: &str, open_record: Option<&NhsNumber>) -> Identification {
        let mut ev = Evidence::default();
        let mut facts = serde_json::Map::new();
        self.resolve(scan, open_record, &mut ev, &mut facts).await;
        let decision = ev.decide();
        facts.insert("status".into(), json!(decision.status()));
        if let Decision::Match(m) = &decision {
            // What agreed, as the answer says it: the audit row alone shows why.
            facts.insert("sources".into(), json!(m.sources()));
        }
        facts.insert(
            "reasons".into(),
            json!(
                decision
                    .reasons()
                    .iter()
                    .map(|r| r.code)
                    .collect::<Vec<_>>()
            ),
        );
        Identification {
            decision,
            facts: serde_json::Value::Object(facts),
        }
    }

    async fn resolve(
        &self,
        scan: &str,
        open_record: Option<&NhsNumber>,
        ev: &mut Evidence,
        facts: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        let opts = Options {
            gs_substitute: self.gs_substitute.as_deref(),
            ..Options::default()
        };
        let parser = Parser::new(Dictionary::embedded(), opts);
        if !scan.starts_with(']') {
            facts.insert("scan".into(), json!("no_symbology_identifier"));
            ev.refuse(Reason::new(
                ReasonCode::NotGs1,
                "No barcode symbology identifier: this is not scanner data. Scan the wristband (set the scanner to send AIM identifiers).",
            ));
            return;
        }
        let parsed = match parser.scan(scan.as_bytes()) {
            Ok(p) => p,
            Err(e) => {
                facts.insert("scan".into(), json!("gs1_invalid"));
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
                ev.refuse(r);
                return;
            }
        };
        let msg = match &parsed.content {
            Content::Gs1(m) => m,
            _ => {
                facts.insert("scan".into(), json!("not_gs1"));
                ev.refuse(Reason::new(
                    ReasonCode::NotGs1,
                    "This barcode does not carry GS1 data. Scan the patient's wristband.",
                ));
                return;
            }
        };
        let now = now_ms();
        // The ward's date, not UTC's: a baby born just after midnight BST has today's
        // date of birth, which is not in the future.
        let today = crate::clock::london_date(now);
        let mut policy = self.policy.clone();
        if let Ok(t) = Date::new(
            u16::try_from(today.year).unwrap_or(9999),
            today.month,
            today.day,
        ) {
            policy = policy.with_today(t);
        }
        let band = match Wristband::from_message(msg, &policy) {
            Ok(b) => b,
            Err(e) => {
                facts.insert("scan".into(), json!("gs1"));
                facts.insert("wristband_error".into(), json!(e.to_string()));
                ev.refuse(wristband_reason(&e));
                return;
            }
        };
        let nhs = *band.nhs_number();
        let gsrn = band.gsrn().as_str().to_owned();
        let mrn = if self.mrn_from_ai91 {
            band.internal()
                .iter()
                .find(|(ai, _)| *ai == bedside_patient::InternalAi::HospitalIdentifiers)
                .map(|(_, v)| v.clone())
        } else {
            None
        };
        facts.insert("scan".into(), json!("wristband"));
        facts.insert("gsrn".into(), json!(gsrn));
        facts.insert("band_nhs_number".into(), json!(nhs.as_str()));
        facts.insert("mrn".into(), json!(mrn));
        ev.band = Some(nhs);
        ev.sources.push("band");

        // The record open on screen.
        if let Some(open) = open_record {
            facts.insert("open_record_nhs_number".into(), json!(open.as_str()));
            if open != &nhs {
                ev.refuse(Reason::new(
                    ReasonCode::OpenRecordMismatch,
                    "STOP: this wristband belongs to a different patient from the record open on screen.",
                ));
            } else {
                ev.sources.push("open_record");
            }
        }

        // The patient record and the index rows of the GSRN and hospital number, read in
        // one round trip.
        let looked = match self.lookup(&nhs, &gsrn, mrn.as_deref(), now).await {
            Ok(l) => l,
            Err(_) => {
                ev.refuse(Reason::new(
                    ReasonCode::IndexUnavailable,
                    "The identity index cannot be read right now. Use the downtime procedure.",
                ));
                return;
            }
        };
        let Lookup {
            patient,
            gsrn_rows,
            mrn_rows,
        } = looked;

        // The patient record.
        match patient {
            Some((d, None)) => {
                let band_d = band.demographics();
                match band_d.confirm(&d) {
                    Confirmation::Confirmed => {
                        ev.record = Some(d);
                        ev.sources.push("record");
                    }
                    Confirmation::Mismatch { fields } => {
                        facts.insert(
                            "demographics_mismatch".into(),
                            json!(fields.iter().map(ToString::to_string).collect::<Vec<_>>()),
                        );
                        ev.refuse(Reason::new(
                            ReasonCode::DemographicsMismatch,
                            format!("The {} on the wristband differs from the patient record. Do not proceed: check the band.", fields.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")),
                        ));
                    }
                    Confirmation::Incomplete { .. } => ev.refuse(Reason::new(
                        ReasonCode::DemographicsIncomplete,
                        "The patient record lacks the name or date of birth needed to confirm.",
                    )),
                }
            }
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
        for (domain, value, rows) in [
            ("gsrn", Some(&gsrn), gsrn_rows),
            ("mrn", mrn.as_ref(), mrn_rows),
        ] {
            if value.is_none() {
                continue;
            }
            let verdict = judge_summary(&rows, &nhs);
            facts.insert(format!("index_{domain}"), json!(verdict.as_str()));
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
                    // The GSRN's NHS number is already verified by the band; an
                    // unknown hospital number needs the PIX manager.
                    if domain == "mrn" && self.pix.is_none() {
                        ev.refuse(Reason::new(
                            ReasonCode::UnknownIdentifier,
                            "The hospital number on this wristband is not known here. Reprint the band.",
                        ));
                    }
                }
                IndexVerdict::Stale => {
                    if self.pix.is_none() || domain != "mrn" {
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
        if let (Some(pix), Some(mrn)) = (&self.pix, &mrn) {
            let (result, cached) = pix.lookup(mrn).await;
            facts.insert("pix_cached".into(), json!(cached));
            match result {
                Ok(PixCached::Found(n)) => {
                    facts.insert("pix".into(), json!({"outcome": "found", "nhs_number": n}));
                    if n == nhs.as_str() {
                        ev.sources.push("pix");
                    } else {
                        ev.refuse(Reason::new(
                            ReasonCode::PixDisagreesWithBand,
                            "STOP: the regional identity service links this hospital number to a different NHS number.",
                        ));
                    }
                }
                Ok(PixCached::Other(o)) => {
                    facts.insert(
                        "pix".into(),
                        json!({"outcome": o.kind().as_str(), "detail": o.detail()}),
                    );
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
                    facts.insert(
                        "pix".into(),
                        json!({"outcome": "unavailable", "detail": e.to_string()}),
                    );
                    ev.refuse(if is_timeout(&e) {
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
    }

    /// In one round trip and one row: the patient's recorded demographics (and the
    /// survivor if the number was merged), and what the index holds for the band's GSRN and
    /// hospital number as of `now`. On a SQLite database file the statement runs on this
    /// thread over a direct connection ([`crate::sqlite_direct`]); otherwise through the
    /// pool. Both read the committed database at the moment of the statement: no cache.
    async fn lookup(
        &self,
        nhs: &NhsNumber,
        gsrn: &str,
        mrn: Option<&str>,
        now: i64,
    ) -> Result<Lookup, sqlx::Error> {
        if let Some(readers) = &self.db.direct {
            return readers.read(|c| lookup_direct(c, nhs, gsrn, mrn, now));
        }
        let r = sqlx::query(LOOKUP_SQL)
            .bind(nhs.as_str())
            .bind(gsrn)
            .bind(mrn)
            .bind(now)
            .fetch_one(&self.db.pool)
            .await?;
        let patient = match r.try_get::<Option<String>, _>(0)? {
            None => None,
            Some(_) => Some((
                demographics_from_row(
                    r.try_get(1)?,
                    r.try_get(2)?,
                    &r.try_get::<String, _>(3)?,
                    r.try_get(4)?,
                ),
                r.try_get(5)?,
            )),
        };
        let summary = |at: usize| -> Result<IndexSummary, sqlx::Error> {
            Ok(IndexSummary {
                rows: r.try_get(at)?,
                merged: r.try_get::<Option<i64>, _>(at + 1)?.unwrap_or(0),
                distinct_nhs: r.try_get(at + 2)?,
                nhs_number: r.try_get(at + 3)?,
                fresh: r.try_get::<Option<i64>, _>(at + 4)?.unwrap_or(0),
            })
        };
        Ok(Lookup {
            patient,
            gsrn_rows: summary(6)?,
            mrn_rows: summary(11)?,
        })
    }
}

/// [`Identifier::lookup`] on a direct SQLite connection: one statement (so one consistent
/// snapshot) returning the patient row tagged 0 and every index row of the GSRN (tag 1)
/// and hospital number (tag 2), summarised here exactly as [`LOOKUP_SQL`] summarises them
/// in SQL ([`IndexSummary::of`]). Plain indexed row reads: no temporary b-trees.
fn lookup_direct(
    c: &rusqlite::Connection,
    nhs: &NhsNumber,
    gsrn: &str,
    mrn: Option<&str>,
    now: i64,
) -> Result<Lookup, rusqlite::Error> {
    const ROWS_SQL: &str = "SELECT 0, nhs_number, family, given, birth_date, sex, merged_into \
         FROM patients WHERE nhs_number = ?1 \
         UNION ALL SELECT 1, nhs_number, status, NULL, NULL, NULL, expires_at \
         FROM identifiers WHERE domain = 'gsrn' AND value = ?2 \
         UNION ALL SELECT 2, nhs_number, status, NULL, NULL, NULL, expires_at \
         FROM identifiers WHERE domain = 'mrn' AND value = ?3";
    let mut st = c.prepare_cached(ROWS_SQL)?;
    let mut rows = st.query(rusqlite::params![nhs.as_str(), gsrn, mrn])?;
    let mut patient = None;
    let (mut g, mut m) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        match r.get::<_, i64>(0)? {
            0 => {
                patient = Some((
                    demographics_from_row(r.get(2)?, r.get(3)?, &r.get::<_, String>(4)?, r.get(5)?),
                    r.get(6)?,
                ));
            }
            tag => {
                let entry = IndexEntry {
                    nhs_number: r.get(1)?,
                    merged: r.get::<_, String>(2)? == "merged",
                    expires_at: r.get(6)?,
                };
                if tag == 1 {
                    g.push(entry)
                } else {
                    m.push(entry)
                }
            }
        }
    }
    Ok(Lookup {
        patient,
        gsrn_rows: IndexSummary::of(&g, now),
        mrn_rows: IndexSummary::of(&m, now),
    })
}

/// What the index holds for one identifier, as one row of [`LOOKUP_SQL`] (`$4` = now).
macro_rules! index_summary {
    ($domain:literal, $value:literal) => {
        concat!(
            "(SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'merged' THEN 1 ELSE 0 END) AS merged, ",
            "COUNT(DISTINCT nhs_number) AS nhs_count, MIN(nhs_number) AS nhs, ",
            "SUM(CASE WHEN expires_at IS NULL OR expires_at > $4 THEN 1 ELSE 0 END) AS fresh ",
            "FROM identifiers WHERE domain = '",
            $domain,
            "' AND value = ",
            $value,
            ")"
        )
    };
}

/// [`Identifier::lookup`]'s statement: `$1` NHS number, `$2` GSRN, `$3` hospital number
/// (or NULL), `$4` now (Unix ms). Always exactly one row. Bind it only by number (sqlx
/// does): SQLite numbers `$N` parameters by first appearance (`$1`, `$4`, `$2`, `$3` here),
/// so binding it positionally would silently swap the values.
const LOOKUP_SQL: &str = concat!(
    "SELECT p.nhs_number, p.family, p.given, p.birth_date, p.sex, p.merged_into, ",
    "g.n, g.merged, g.nhs_count, g.nhs, g.fresh, m.n, m.merged, m.nhs_count, m.nhs, m.fresh ",
    "FROM (SELECT 1 AS one) AS k LEFT JOIN patients p ON p.nhs_number = $1 ",
    "CROSS JOIN ",
    index_summary!("gsrn", "$2"),
    " AS g CROSS JOIN ",
    index_summary!("mrn", "$3"),
    " AS m"
);

/// What [`Identifier::lookup`] read.
struct Lookup {
    patient: Option<(Demographics, Option<String>)>,
    gsrn_rows: IndexSummary,
    mrn_rows: IndexSummary,
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

/// What the index says about one identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn as_str(self) -> &'static str {
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
/// (the service reads these straight from the database in the decision's one query).
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
    /// use bedside::identify::{IndexEntry, IndexSummary};
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
/// use bedside::identify::{judge_summary, IndexSummary, IndexVerdict};
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

/// Parses the `open_patient_nhs_number` a caller sends.
///
/// # Errors
/// The NHS number error (malformed input is the caller's fault: 422).
pub fn parse_open_record(
    s: &str,
    test_data: TestData,
) -> Result<NhsNumber, bedside_patient::NhsNumberError> {
    NhsNumber::parse(s, test_data)
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
