//! ITI-9 PIX Query (HL7 v2.5): build `QBP^Q23^QBP_Q21`, interpret `RSP^K23^RSP_K23`.
//!
//! Pure functions, no I/O and no clock: the caller passes the control ids and the
//! timestamp, so the same query can be rebuilt with new ids for the retry.
//!
//! Interpretation follows the IHE expected actions, deciding on MSA-1 and QAK-2 and using
//! ERR only to tell the three AE cases apart:
//!
//! | MSA-1 / QAK-2 | ERR location | outcome |
//! | --- | --- | --- |
//! | AA / OK | - | decided from PID-3 by [`crate::outcome::decide`] |
//! | AA / NF | - | `NotFound` |
//! | AE / AE | `QPD^1^3^1^1` (or field 3, no component) | `UnknownIdentifier` |
//! | AE / AE | `QPD^1^3^1^4` | `UnknownSourceDomain` |
//! | AE / AE | `QPD^1^4[^n]` | `UnknownTargetDomain` |
//! | AE without a usable location, AR, contradictions | - | `Rejected` |
//!
//! A response that is not ours (MSA-2 ≠ our MSH-10, QAK-1 ≠ our QPD-2, MSH-9 not
//! `RSP^K23`, a different echoed QPD-3 value) is an error, never an outcome.
//!
//! ```
//! use bedside_pix::domain::{Domain, PixQuery};
//! use bedside_pix::iti9::{build_query, interpret_response, ControlIds, MessageHeader};
//! let q = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?);
//! let ids = ControlIds { message_control_id: "PPID-000123".into(), query_tag: "Q-000123".into() };
//! let msg = build_query(&MessageHeader::default(), &ids, &q, "20250314101500+0000")?;
//! assert!(msg.starts_with(b"MSH|^~\\&|BEDSIDE_PPID|"));
//! let rsp = b"MSH|^~\\&|PIX_MGR|REGIONAL_HIE|BEDSIDE_PPID|RXX_WARD7|20250314101501+0000||RSP^K23^RSP_K23|HIE-98765|P|2.5\r\
//! MSA|AA|PPID-000123\rQAK|Q-000123|OK\r\
//! QPD|IHE PIX Query|Q-000123|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR|^^^NHS&2.16.840.1.113883.2.1.4.1&ISO\r\
//! PID|||9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||~^^^^^^S\r";
//! let outcome = interpret_response(rsp, &ids, &q)?;
//! assert_eq!(outcome.nhs_number(), Some("9990001235"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::domain::{Domain, PixQuery};
use crate::er7::{Er7Error, Message, OwnedField, OwnedMessage, OwnedSegment, Separators, Value};
use crate::outcome::{PixOutcome, ReturnedIdentifier, decide};

/// The IHE value of QPD-1.
pub const QUERY_NAME: &str = "IHE PIX Query";

/// MSH-3..6 and MSH-11 of the messages we send.
///
/// ```
/// let h = bedside_pix::iti9::MessageHeader::default();
/// assert_eq!(h.sending_application, "BEDSIDE_PPID");
/// assert_eq!(h.processing_id, "P");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHeader {
    /// MSH-3.
    pub sending_application: String,
    /// MSH-4.
    pub sending_facility: String,
    /// MSH-5.
    pub receiving_application: String,
    /// MSH-6.
    pub receiving_facility: String,
    /// MSH-11: `P` production, `T` training, `D` debug.
    pub processing_id: String,
}

impl Default for MessageHeader {
    fn default() -> Self {
        Self {
            sending_application: "BEDSIDE_PPID".to_owned(),
            sending_facility: "BEDSIDE".to_owned(),
            receiving_application: "PIX_MGR".to_owned(),
            receiving_facility: "HIE".to_owned(),
            processing_id: "P".to_owned(),
        }
    }
}

/// The two ids that correlate a query with its response: MSH-10 (echoed in MSA-2) and
/// QPD-2 (echoed in QAK-1). Must be new for every attempt, including the retry.
///
/// ```
/// let ids = bedside_pix::iti9::ControlIds::generate(1_700_000_000_123, 7);
/// assert_ne!(ids.message_control_id, ids.query_tag);
/// assert!(ids.message_control_id.len() <= 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlIds {
    /// MSH-10 (ST, at most 20 characters).
    pub message_control_id: String,
    /// QPD-2 (ST, at most 32 characters).
    pub query_tag: String,
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl ControlIds {
    /// Ids from a millisecond clock value and a per-process counter (unique per process
    /// as long as the counter is).
    ///
    /// ```
    /// let a = bedside_pix::iti9::ControlIds::generate(1, 1);
    /// let b = bedside_pix::iti9::ControlIds::generate(1, 2);
    /// assert_ne!(a, b);
    /// ```
    #[must_use]
    pub fn generate(unix_millis: u64, counter: u64) -> Self {
        let t = base36(unix_millis);
        let c = base36(counter % 36u64.pow(6));
        Self {
            message_control_id: format!("BP{t}.{c}"),
            query_tag: format!("BQ{t}.{c}"),
        }
    }
}

/// Formats a Unix time as an HL7 TS with an explicit UTC offset: `YYYYMMDDHHMMSS+0000`.
///
/// ```
/// assert_eq!(bedside_pix::iti9::hl7_timestamp(1_741_947_300), "20250314101500+0000");
/// ```
#[must_use]
pub fn hl7_timestamp(unix_secs: u64) -> String {
    let secs = i64::try_from(unix_secs).unwrap_or(i64::MAX);
    let t = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::MAX);
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}+0000",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// Why a query could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// QPD-3 needs CX.1, the identifier value.
    #[error("QPD-3.1: the identifier value is empty")]
    EmptyIdentifier,
    /// QPD-3 needs CX.4 with a namespace or a universal id.
    #[error("QPD-3.4: the source domain has neither a namespace nor a universal id")]
    EmptySourceDomain,
    /// QPD-4 repetition `repetition` has neither a namespace nor a universal id.
    #[error(
        "QPD-4 repetition {repetition}: target domain has neither a namespace nor a universal id"
    )]
    EmptyTargetDomain {
        /// 1-based repetition.
        repetition: usize,
    },
    /// PIXm (ITI-83) only: `sourceIdentifier` is `system|value`, and the source domain has
    /// neither a URI nor an OID to be its system (an HL7 v2 namespace alone is not one).
    #[error("sourceIdentifier: the source domain has neither a URI nor an OID to name it in PIXm")]
    NoSourceSystem,
    /// PIXm (ITI-83) only: `targetSystem` number `repetition` (1-based) has neither a URI
    /// nor an OID.
    #[error(
        "targetSystem {repetition}: the target domain has neither a URI nor an OID to name it in PIXm"
    )]
    NoTargetSystem {
        /// 1-based position among the target domains.
        repetition: usize,
    },
    /// A control id is empty or too long (MSH-10 ≤ 20, QPD-2 ≤ 32 characters).
    #[error("{field}: control id must be 1..={max} characters")]
    BadControlId {
        /// `MSH-10` or `QPD-2`.
        field: &'static str,
        /// Maximum length.
        max: usize,
    },
}

fn hd_sub(d: &Domain) -> Vec<String> {
    let (ns, uid, ty) = d.hd();
    if uid.is_empty() {
        vec![ns.to_owned()]
    } else {
        vec![ns.to_owned(), uid, ty.to_owned()]
    }
}

fn domain_empty(d: &Domain) -> bool {
    let (ns, uid, _) = d.hd();
    ns.is_empty() && uid.is_empty()
}

/// Whether `query` can be sent as an ITI-9 query at all: an identifier value, a source
/// domain, and no empty target domain. [`build_query`] checks the same first; a client
/// calls this before spending a circuit-breaker trial or a connection on the query.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// use bedside_pix::iti9::{check_query, BuildError};
/// let q = PixQuery::nhs_number_for("", Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?);
/// assert_eq!(check_query(&q), Err(BuildError::EmptyIdentifier));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The first rule the query breaks.
pub fn check_query(query: &PixQuery) -> Result<(), BuildError> {
    if query.value.is_empty() {
        return Err(BuildError::EmptyIdentifier);
    }
    if domain_empty(&query.source_domain) {
        return Err(BuildError::EmptySourceDomain);
    }
    if let Some(i) = query.target_domains.iter().position(domain_empty) {
        return Err(BuildError::EmptyTargetDomain { repetition: i + 1 });
    }
    Ok(())
}

/// Builds the ITI-9 query `QBP^Q23^QBP_Q21` (MSH, QPD, RCP) exactly per the IHE profile,
/// with CR segment terminators. MSH-18 is `UNICODE UTF-8` only when a value is non-ASCII.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// use bedside_pix::iti9::{build_query, ControlIds, MessageHeader};
/// let h = MessageHeader { sending_facility: "RXX_WARD7".into(), receiving_facility: "REGIONAL_HIE".into(), ..MessageHeader::default() };
/// let ids = ControlIds { message_control_id: "PPID-000123".into(), query_tag: "Q-000123".into() };
/// let q = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?);
/// let mut q = q; q.source_domain.type_code = "MR".into();
/// let m = build_query(&h, &ids, &q, "20250314101500+0000")?;
/// assert_eq!(String::from_utf8(m)?, "MSH|^~\\&|BEDSIDE_PPID|RXX_WARD7|PIX_MGR|REGIONAL_HIE|20250314101500+0000||QBP^Q23^QBP_Q21|PPID-000123|P|2.5\r\
/// QPD|IHE PIX Query|Q-000123|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR|^^^NHS&2.16.840.1.113883.2.1.4.1&ISO\r\
/// RCP|I\r");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_query(
    header: &MessageHeader,
    ids: &ControlIds,
    query: &PixQuery,
    timestamp: &str,
) -> Result<Vec<u8>, BuildError> {
    check_query(query)?;
    let id_ok = |s: &str, max: usize| !s.is_empty() && s.chars().count() <= max;
    if !id_ok(&ids.message_control_id, 20) {
        return Err(BuildError::BadControlId {
            field: "MSH-10",
            max: 20,
        });
    }
    if !id_ok(&ids.query_tag, 32) {
        return Err(BuildError::BadControlId {
            field: "QPD-2",
            max: 32,
        });
    }
    let non_ascii = !query.value.is_ascii()
        || [
            &header.sending_application,
            &header.sending_facility,
            &header.receiving_application,
            &header.receiving_facility,
            &query.source_domain.namespace,
        ]
        .iter()
        .any(|s| !s.is_ascii());
    let mut msh = OwnedSegment::new("MSH")
        .with(3, OwnedField::text(&header.sending_application))
        .with(4, OwnedField::text(&header.sending_facility))
        .with(5, OwnedField::text(&header.receiving_application))
        .with(6, OwnedField::text(&header.receiving_facility))
        .with(7, OwnedField::text(timestamp))
        .with(9, OwnedField::components(&["QBP", "Q23", "QBP_Q21"]))
        .with(10, OwnedField::text(&ids.message_control_id))
        .with(11, OwnedField::text(&header.processing_id))
        .with(12, OwnedField::text("2.5"));
    if non_ascii {
        msh = msh.with(18, OwnedField::text("UNICODE UTF-8"));
    }
    let src = &query.source_domain;
    let qpd3 = OwnedField {
        repetitions: vec![vec![
            vec![query.value.clone()],
            vec![String::new()],
            vec![String::new()],
            hd_sub(src),
            vec![src.type_code.clone()],
        ]],
    };
    let mut qpd3 = qpd3;
    if src.type_code.is_empty()
        && let Some(r) = qpd3.repetitions.first_mut()
    {
        r.pop();
    }
    let qpd4 = OwnedField {
        repetitions: query
            .target_domains
            .iter()
            .map(|d| {
                vec![
                    vec![String::new()],
                    vec![String::new()],
                    vec![String::new()],
                    hd_sub(d),
                ]
            })
            .collect(),
    };
    let mut qpd = OwnedSegment::new("QPD")
        .with(1, OwnedField::text(QUERY_NAME))
        .with(2, OwnedField::text(&ids.query_tag))
        .with(3, qpd3);
    if !query.target_domains.is_empty() {
        qpd = qpd.with(4, qpd4);
    }
    let rcp = OwnedSegment::new("RCP").with(1, OwnedField::text("I"));
    Ok(OwnedMessage {
        segments: vec![msh, qpd, rcp],
    }
    .encode(&Separators::default()))
}

/// Why a response could not be used. Every variant means "not an answer to our query";
/// the client closes the connection and retries or reports `unavailable`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The frame is not valid ER7.
    #[error("response is not valid ER7: {0}")]
    Parse(#[from] Er7Error),
    /// MSH-9 is not `RSP^K23` (with structure `RSP_K23` if present).
    #[error("MSH-9: expected RSP^K23^RSP_K23, got {found:?}")]
    WrongMessageType {
        /// What MSH-9 held.
        found: String,
    },
    /// A required segment is absent.
    #[error("required segment {segment} is missing")]
    MissingSegment {
        /// The segment id.
        segment: &'static str,
    },
    /// MSA-2 is not our MSH-10.
    #[error("MSA-2 {found:?} does not match our MSH-10 {expected:?}")]
    ControlIdMismatch {
        /// Our MSH-10.
        expected: String,
        /// The received MSA-2.
        found: String,
    },
    /// QAK-1 is not our QPD-2.
    #[error("QAK-1 {found:?} does not match our QPD-2 {expected:?}")]
    QueryTagMismatch {
        /// Our QPD-2.
        expected: String,
        /// The received QAK-1.
        found: String,
    },
    /// The echoed QPD-2 or QPD-3.1 differs from what we sent.
    #[error("echoed {field} does not match the query")]
    EchoMismatch {
        /// `QPD-2` or `QPD-3.1`.
        field: &'static str,
    },
    /// MSA-1 is not AA, AE or AR.
    #[error("MSA-1: unknown acknowledgement code {found:?}")]
    UnknownAckCode {
        /// The received MSA-1.
        found: String,
    },
}

/// The decision-relevant parts of an RSP^K23, for diagnostics and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ErrLocation {
    segment: String,
    field: Option<u32>,
    repetition: Option<u32>,
    component: Option<u32>,
}

fn num(v: Value<'_>) -> Option<u32> {
    v.as_str().trim().parse().ok()
}

fn err_locations(msg: &Message<'_>) -> (Vec<ErrLocation>, Vec<String>) {
    let mut locs = Vec::new();
    let mut texts = Vec::new();
    for err in msg.segments_by_id("ERR") {
        // ERR-2 (ERL, v2.5): seg^seq^field^rep^comp^sub.
        for rep in err.field(2).repetitions() {
            if !rep.component(1).is_empty() {
                locs.push(ErrLocation {
                    segment: rep.component(1).as_str().to_owned(),
                    field: num(rep.component(3)),
                    repetition: num(rep.component(4)),
                    component: num(rep.component(5)),
                });
            }
        }
        // ERR-1 (ELD, deprecated): seg^seq^field^code.
        let eld = err.field(1).repetition(1);
        if !eld.component(1).is_empty() {
            locs.push(ErrLocation {
                segment: eld.component(1).as_str().to_owned(),
                field: num(eld.component(3)),
                repetition: None,
                component: None,
            });
            let code = eld.component(4);
            let t = code.subcomponent(2).text().unwrap_or_default();
            let c = code.subcomponent(1).as_str();
            if !c.is_empty() || !t.is_empty() {
                texts.push(format!("{c} {t}").trim().to_owned());
            }
        }
        let code = err.field(3);
        let c = code.component(1).as_str();
        let t = code.component(2).text().unwrap_or_default();
        if !c.is_empty() || !t.is_empty() {
            texts.push(format!("{c} {t}").trim().to_owned());
        }
        let diag = err.field(8).text().unwrap_or_default();
        if !diag.is_empty() {
            texts.push(diag.into_owned());
        }
    }
    (locs, texts)
}

fn classify_ae(locs: &[ErrLocation], detail: String) -> PixOutcome {
    for l in locs.iter().filter(|l| l.segment == "QPD") {
        match (l.field, l.component) {
            (Some(3), Some(4)) => return PixOutcome::UnknownSourceDomain { detail },
            (Some(3), Some(1) | None) => return PixOutcome::UnknownIdentifier { detail },
            (Some(4), _) => {
                let which = l
                    .repetition
                    .map(|r| format!(" (QPD-4 repetition {r})"))
                    .unwrap_or_default();
                return PixOutcome::UnknownTargetDomain {
                    detail: format!("{detail}{which}"),
                };
            }
            _ => {}
        }
    }
    PixOutcome::Rejected {
        detail: format!("application error without a recognised ERR location: {detail}"),
    }
}

fn hd_display(cx4: Value<'_>) -> String {
    let ns = cx4.subcomponent(1).text().unwrap_or_default();
    let uid = cx4.subcomponent(2).text().unwrap_or_default();
    let ty = cx4.subcomponent(3).text().unwrap_or_default();
    format!("{ns}&{uid}&{ty}")
}

/// Interprets a response frame to the query sent with `ids`. Never panics; never returns
/// `Found` unless correlation holds and [`decide`] finds exactly one valid NHS number.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// use bedside_pix::iti9::{interpret_response, ControlIds, ResponseError};
/// let q = PixQuery::nhs_number_for("K1", Domain::parse("M&2.999.1&ISO")?);
/// let ids = ControlIds { message_control_id: "C1".into(), query_tag: "T1".into() };
/// let late = b"MSH|^~\\&|M|H|B|B|20250314101501+0000||RSP^K23^RSP_K23|H1|P|2.5\rMSA|AA|C0\rQAK|T0|OK\r";
/// assert!(matches!(interpret_response(late, &ids, &q), Err(ResponseError::ControlIdMismatch { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interpret_response(
    frame: &[u8],
    ids: &ControlIds,
    query: &PixQuery,
) -> Result<PixOutcome, ResponseError> {
    let msg = Message::parse(frame)?;
    let (code, trigger, structure) = msg.message_type();
    if code != "RSP" || trigger != "K23" || !(structure.is_empty() || structure == "RSP_K23") {
        return Err(ResponseError::WrongMessageType {
            found: String::from_utf8_lossy(msg.msh().field(9).as_bytes()).into_owned(),
        });
    }
    let msa = msg
        .segment("MSA")
        .ok_or(ResponseError::MissingSegment { segment: "MSA" })?;
    let msa2 = msa.field(2).text()?;
    if msa2 != ids.message_control_id {
        return Err(ResponseError::ControlIdMismatch {
            expected: ids.message_control_id.clone(),
            found: msa2.into_owned(),
        });
    }
    let qak = msg
        .segment("QAK")
        .ok_or(ResponseError::MissingSegment { segment: "QAK" })?;
    let qak1 = qak.field(1).text()?;
    if qak1 != ids.query_tag {
        return Err(ResponseError::QueryTagMismatch {
            expected: ids.query_tag.clone(),
            found: qak1.into_owned(),
        });
    }
    if let Some(qpd) = msg.segment("QPD") {
        let tag = qpd.field(2).text()?;
        if !tag.is_empty() && tag != ids.query_tag {
            return Err(ResponseError::EchoMismatch { field: "QPD-2" });
        }
        let v = qpd.field(3).component(1).text()?;
        if !v.is_empty() && v != query.value {
            return Err(ResponseError::EchoMismatch { field: "QPD-3.1" });
        }
    }
    let msa1 = msa.field(1).as_str();
    let qak2 = qak.field(2).as_str();
    let control = msg.control_id().map(|c| c.into_owned()).unwrap_or_default();
    let (locs, texts) = err_locations(&msg);
    let err_text = if texts.is_empty() {
        format!("manager message {control:?}")
    } else {
        format!("{} (manager message {control:?})", texts.join("; "))
    };
    match msa1 {
        "AA" => {}
        "AE" => {
            if qak2 != "AE" && qak2 != "AR" {
                return Ok(PixOutcome::Rejected {
                    detail: format!("MSA-1 AE contradicts QAK-2 {qak2:?}: {err_text}"),
                });
            }
            return Ok(classify_ae(&locs, err_text));
        }
        "AR" => {
            return Ok(PixOutcome::Rejected {
                detail: format!("manager rejected the query (AR): {err_text}"),
            });
        }
        other => {
            return Err(ResponseError::UnknownAckCode {
                found: other.to_owned(),
            });
        }
    }
    match qak2 {
        "OK" => {}
        "NF" => {
            return Ok(PixOutcome::NotFound {
                detail: format!("identifier known, no identifier in the requested domains (NF, manager message {control:?})"),
            }
            .with_note(if msg.segment("PID").is_some() {
                "a PID segment sent with NF was ignored"
            } else {
                ""
            }));
        }
        other => {
            return Ok(PixOutcome::Rejected {
                detail: format!("MSA-1 AA contradicts QAK-2 {other:?}: {err_text}"),
            });
        }
    }
    // AA / OK: collect PID-3 from every PID, filter, decide.
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    let mut dropped_source = 0usize;
    let mut dropped_domain = 0usize;
    let mut dropped_no_authority = 0usize;
    for pid in msg.segments_by_id("PID") {
        for rep in pid.field(3).repetitions() {
            let value = rep.component(1).text()?;
            if value.is_empty() && rep.is_empty() {
                continue;
            }
            let cx4 = rep.component(4);
            let ns = cx4.subcomponent(1).text()?;
            let uid = cx4.subcomponent(2).text()?;
            let ty = cx4.subcomponent(3).text()?;
            if ns.is_empty() && uid.is_empty() {
                dropped_no_authority += 1;
                continue;
            }
            if value == query.value && query.source_domain.matches_hd(&ns, &uid, &ty) {
                dropped_source += 1;
                continue;
            }
            if !query.target_domains.is_empty()
                && !query
                    .target_domains
                    .iter()
                    .any(|d| d.matches_hd(&ns, &uid, &ty))
            {
                dropped_domain += 1;
                continue;
            }
            let is_nhs = Domain::nhs_number().matches_hd(&ns, &uid, &ty);
            kept.push(ReturnedIdentifier {
                value: value.into_owned(),
                authority: hd_display(cx4),
                is_nhs_number: is_nhs,
            });
        }
    }
    if dropped_source > 0 {
        notes.push("dropped the queried identifier echoed in PID-3".to_owned());
    }
    if dropped_domain > 0 {
        notes.push(format!(
            "dropped {dropped_domain} PID-3 identifier(s) in domains not asked for"
        ));
    }
    if dropped_no_authority > 0 {
        notes.push(format!(
            "dropped {dropped_no_authority} PID-3 identifier(s) without an assigning authority"
        ));
    }
    notes.push(format!("manager message {control:?}"));
    Ok(decide(kept, notes))
}
