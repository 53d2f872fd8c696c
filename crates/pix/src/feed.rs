//! ITI-10 PIX Update Notification and ITI-8 Patient Identity Feed, receiver side: turn an
//! `ADT` message into a typed [`FeedEvent`] and build the original-mode `ACK`.
//!
//! Pure: the listener in `net` frames, calls [`interpret_feed`], delivers the event, and
//! only then acknowledges with [`build_ack`] (AA), so an event is never acknowledged
//! before the service has it.
//!
//! | message | event |
//! | --- | --- |
//! | ADT^A01 / A04 / A05, ADT^A28 (add person, IHE PAM) | [`FeedEvent::Link`] |
//! | ADT^A08, ADT^A31 (ITI-10) | [`FeedEvent::Update`] |
//! | ADT^A40 | [`FeedEvent::Merge`] with MRG-1 as the subsumed identifier |
//!
//! ```
//! use bedside_pix::feed::{build_ack, interpret_feed, AckCode, AckSender, FeedEvent};
//! let a31 = b"MSH|^~\\&|PIX_MGR|HIE|BEDSIDE|RXX|20250314101500+0000||ADT^A31^ADT_A05|N1|P|2.5\r\
//! EVN|A31|20250314101500+0000\rPID|||K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR~9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||~^^^^^^S\rPV1||N\r";
//! let msg = bedside_pix::er7::Message::parse(a31)?;
//! let event = interpret_feed(&msg)?;
//! assert!(matches!(&event, FeedEvent::Update { identifiers, .. } if identifiers.len() == 2));
//! let ack = build_ack(Some(&msg), AckCode::Accept, None, &AckSender::default(), "A1", "20250314101501+0000");
//! assert!(String::from_utf8_lossy(&ack).contains("\rMSA|AA|N1\r"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::er7::{Message, OwnedField, OwnedMessage, OwnedSegment, Segment, Separators};
use std::borrow::Cow;

/// One identifier from PID-3 or MRG-1.
///
/// ```
/// let c = bedside_pix::feed::Cx { value: "K1".into(), namespace: "M".into(), universal_id: "2.999.1".into(), universal_id_type: "ISO".into(), type_code: "MR".into() };
/// assert_eq!(c.authority(), "M&2.999.1&ISO");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cx {
    /// CX.1.
    pub value: String,
    /// CX.4.1.
    pub namespace: String,
    /// CX.4.2.
    pub universal_id: String,
    /// CX.4.3.
    pub universal_id_type: String,
    /// CX.5.
    pub type_code: String,
}

impl Cx {
    /// CX.4 as `namespace&universal id&type`.
    ///
    /// ```
    /// let c = bedside_pix::feed::Cx { value: "1".into(), namespace: "N".into(), universal_id: String::new(), universal_id_type: String::new(), type_code: String::new() };
    /// assert_eq!(c.authority(), "N&&");
    /// ```
    #[must_use]
    pub fn authority(&self) -> String {
        format!(
            "{}&{}&{}",
            self.namespace, self.universal_id, self.universal_id_type
        )
    }
}

/// The trigger events accepted.
///
/// ```
/// assert_eq!(bedside_pix::feed::Trigger::parse("A40"), Some(bedside_pix::feed::Trigger::A40));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Admit inpatient (ITI-8).
    A01,
    /// Register outpatient (ITI-8).
    A04,
    /// Pre-admit (ITI-8).
    A05,
    /// Update patient information (ITI-8).
    A08,
    /// Add person information (IHE PAM ITI-30), read as a link like A04.
    A28,
    /// Update person information (ITI-10 PIX Update Notification).
    A31,
    /// Merge patient identifier list (ITI-8).
    A40,
}

impl Trigger {
    /// Parses a trigger event code.
    ///
    /// ```
    /// assert!(bedside_pix::feed::Trigger::parse("A02").is_none());
    /// ```
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "A01" => Self::A01,
            "A04" => Self::A04,
            "A05" => Self::A05,
            "A08" => Self::A08,
            "A28" => Self::A28,
            "A31" => Self::A31,
            "A40" => Self::A40,
            _ => return None,
        })
    }

    /// The code, e.g. `A31`.
    ///
    /// ```
    /// assert_eq!(bedside_pix::feed::Trigger::A31.as_str(), "A31");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A01 => "A01",
            Self::A04 => "A04",
            Self::A05 => "A05",
            Self::A08 => "A08",
            Self::A28 => "A28",
            Self::A31 => "A31",
            Self::A40 => "A40",
        }
    }
}

/// A typed identity event for the service's index.
///
/// ```
/// use bedside_pix::feed::{FeedEvent, Trigger};
/// let e = FeedEvent::Link { trigger: Trigger::A04, control_id: "1".into(), identifiers: vec![] };
/// assert_eq!(e.control_id(), "1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedEvent {
    /// A01/A04/A05/A28: a patient registered; these identifiers belong together.
    Link {
        /// The trigger event.
        trigger: Trigger,
        /// MSH-10 of the notification.
        control_id: String,
        /// PID-3 repetitions.
        identifiers: Vec<Cx>,
    },
    /// A08 or A31 (ITI-10): the identifiers now linked for this person (replace cached ones).
    Update {
        /// The trigger event.
        trigger: Trigger,
        /// MSH-10 of the notification.
        control_id: String,
        /// PID-3 repetitions.
        identifiers: Vec<Cx>,
    },
    /// A40: `subsumed` (MRG-1) merged into `survivor` (PID-3); the subsumed ids stop resolving.
    Merge {
        /// MSH-10 of the notification.
        control_id: String,
        /// PID-3 repetitions (surviving identifiers).
        survivor: Vec<Cx>,
        /// MRG-1 repetitions (identifiers that no longer resolve).
        subsumed: Vec<Cx>,
    },
}

impl FeedEvent {
    /// MSH-10 of the message that carried this event.
    ///
    /// ```
    /// let e = bedside_pix::feed::FeedEvent::Merge { control_id: "M".into(), survivor: vec![], subsumed: vec![] };
    /// assert_eq!(e.control_id(), "M");
    /// ```
    #[must_use]
    pub fn control_id(&self) -> &str {
        match self {
            Self::Link { control_id, .. }
            | Self::Update { control_id, .. }
            | Self::Merge { control_id, .. } => control_id,
        }
    }
}

/// MSA-1 of an original-mode acknowledgement.
///
/// ```
/// assert_eq!(bedside_pix::feed::AckCode::Reject.as_str(), "AR");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// AA: accepted.
    Accept,
    /// AE: application error.
    Error,
    /// AR: rejected.
    Reject,
}

impl AckCode {
    /// `AA`, `AE` or `AR`.
    ///
    /// ```
    /// assert_eq!(bedside_pix::feed::AckCode::Accept.as_str(), "AA");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "AA",
            Self::Error => "AE",
            Self::Reject => "AR",
        }
    }
}

/// Why a feed message is not accepted; maps to the ACK code and ERR content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// MSH-9.1 is not ADT (HL7 table 0357 code 200).
    #[error("MSH-9.1: unsupported message type {found:?}")]
    UnsupportedMessageType {
        /// MSH-9.1.
        found: String,
    },
    /// The trigger is not A01/A04/A05/A08/A28/A31/A40 (code 201).
    #[error("MSH-9.2: unsupported event code {found:?}")]
    UnsupportedEvent {
        /// MSH-9.2.
        found: String,
    },
    /// MSH-12 is not a 2.x version (code 203).
    #[error("MSH-12: unsupported version {found:?}")]
    UnsupportedVersion {
        /// MSH-12.
        found: String,
    },
    /// A required segment is missing (code 100).
    #[error("required segment {segment} is missing")]
    MissingSegment {
        /// The segment id.
        segment: &'static str,
    },
    /// A required field or component is empty (code 101).
    #[error("{segment}-{field} repetition {repetition}: required component {component} is empty")]
    MissingComponent {
        /// The segment id.
        segment: &'static str,
        /// Field number.
        field: u32,
        /// 1-based repetition.
        repetition: u32,
        /// Component number (1 = value, 4 = assigning authority).
        component: u32,
    },
    /// The frame is not parseable ER7 (AR, code 102).
    #[error("message is not valid ER7: {0}")]
    Unparseable(crate::er7::Er7Error),
    /// The frame exceeded the receiver's size cap (AR, code 100).
    #[error("message exceeds the receiver's size cap")]
    TooLarge,
    /// The event could not be handed to the application (AE, code 207).
    #[error("application internal error: event not delivered")]
    NotDelivered,
    /// The application did not confirm that it stored the event: its store refused the
    /// write, or did not answer in time (AE, code 207). Nothing of the event was kept;
    /// the sender should send the same message (same MSH-10) again.
    #[error("application internal error: event not stored, send it again")]
    NotStored,
    /// This sender already used this MSH-10 for a different message (AE, code 205). The
    /// earlier message stands and this one is not applied: a sender that reuses control
    /// ids would otherwise have its later messages dropped as repeats.
    #[error(
        "MSH-10: control id {control_id:?} was already used by this sender for another message"
    )]
    ControlIdReused {
        /// MSH-10.
        control_id: String,
    },
    /// A value could not be decoded (code 102).
    #[error("{segment}-{field}: {source}")]
    BadValue {
        /// The segment id.
        segment: &'static str,
        /// Field number.
        field: u32,
        /// The decode error.
        source: crate::er7::Er7Error,
    },
    /// The application read the message itself (an order, or a segment the listener does
    /// not interpret such as AL1) and found it unusable (AE). The ACK's ERR segment
    /// carries ERR-2 = `location`, ERR-3 = `code^text^HL70357`, ERR-4 = `E` and
    /// ERR-8 = `message`; for v2.3.x senders the location and code go in ERR-1 (ELD),
    /// which has no place for the message.
    ///
    /// ```
    /// use bedside_pix::feed::{AckCode, FeedError};
    /// let e = FeedError::Application { code: 103, location: "RXE^1^2".into(), message: "unknown product code".into() };
    /// assert_eq!(e.ack_code(), AckCode::Error);
    /// assert_eq!(e.err_fields().1, "103");
    /// ```
    #[error("{location}: application error {code}: {message}")]
    Application {
        /// HL7 table 0357 code, e.g. 101 (required field missing), 102 (data type error),
        /// 103 (table value not found), 204 (unknown key identifier), 207 (application
        /// internal error).
        code: u16,
        /// ERR-2 in ERL form `SEG^seq^field^rep^comp^sub`, e.g. `RXE^1^2`; empty when the
        /// error has no single place.
        location: String,
        /// ERR-8, a user message for the sender's staff. It is sent to the sender as is
        /// (escaped): it must not carry patient data.
        message: String,
    },
}

/// The HL7 table 0357 text for a code, as ERR-3.2 carries it; codes outside the table
/// read as application errors.
fn table_0357_text(code: u16) -> &'static str {
    match code {
        0 => "Message accepted",
        100 => "Segment sequence error",
        101 => "Required field missing",
        102 => "Data type error",
        103 => "Table value not found",
        104 => "Value too long",
        200 => "Unsupported message type",
        201 => "Unsupported event code",
        202 => "Unsupported processing id",
        203 => "Unsupported version id",
        204 => "Unknown key identifier",
        205 => "Duplicate key identifier",
        206 => "Application record locked",
        _ => "Application internal error",
    }
}

impl FeedError {
    /// The MSA-1 this error calls for: AR for message type, event and version, AE otherwise.
    ///
    /// ```
    /// use bedside_pix::feed::{AckCode, FeedError};
    /// assert_eq!(FeedError::MissingSegment { segment: "PID" }.ack_code(), AckCode::Error);
    /// ```
    #[must_use]
    pub fn ack_code(&self) -> AckCode {
        match self {
            Self::UnsupportedMessageType { .. }
            | Self::UnsupportedEvent { .. }
            | Self::UnsupportedVersion { .. }
            | Self::Unparseable(_)
            | Self::TooLarge => AckCode::Reject,
            _ => AckCode::Error,
        }
    }

    /// The ERR content: (location `SEG^seq^field^rep^comp`, HL7 table 0357 code, text).
    ///
    /// ```
    /// let e = bedside_pix::feed::FeedError::UnsupportedEvent { found: "A02".into() };
    /// assert_eq!(e.err_fields().1, "201");
    /// ```
    #[must_use]
    pub fn err_fields(&self) -> (String, Cow<'static, str>, &'static str) {
        let (location, code, text) = match self {
            Self::Application {
                code,
                location,
                message: _,
            } => {
                return (
                    location.clone(),
                    Cow::Owned(code.to_string()),
                    table_0357_text(*code),
                );
            }
            Self::UnsupportedMessageType { .. } => {
                ("MSH^1^9^1^1".into(), "200", "Unsupported message type")
            }
            Self::UnsupportedEvent { .. } => {
                ("MSH^1^9^1^2".into(), "201", "Unsupported event code")
            }
            Self::UnsupportedVersion { .. } => ("MSH^1^12".into(), "203", "Unsupported version id"),
            Self::MissingSegment { segment } => {
                (format!("{segment}^1"), "100", "Segment sequence error")
            }
            Self::MissingComponent {
                segment,
                field,
                repetition,
                component,
            } => (
                format!("{segment}^1^{field}^{repetition}^{component}"),
                "101",
                "Required field missing",
            ),
            Self::Unparseable(_) => ("MSH^1".into(), "102", "Data type error"),
            Self::TooLarge => ("MSH^1".into(), "100", "Segment sequence error"),
            Self::NotDelivered | Self::NotStored => {
                (String::new(), "207", "Application internal error")
            }
            Self::ControlIdReused { .. } => ("MSH^1^10".into(), "205", "Duplicate key identifier"),
            Self::BadValue { segment, field, .. } => {
                (format!("{segment}^1^{field}"), "102", "Data type error")
            }
        };
        (location, Cow::Borrowed(code), text)
    }

    /// ERR-8 (user message) of the ACK, when this error carries one
    /// ([`FeedError::Application`]).
    ///
    /// ```
    /// use bedside_pix::feed::FeedError;
    /// let e = FeedError::Application { code: 101, location: "RXE^1^1".into(), message: "no give code".into() };
    /// assert_eq!(e.user_message(), Some("no give code"));
    /// assert_eq!(FeedError::NotStored.user_message(), None);
    /// ```
    #[must_use]
    pub fn user_message(&self) -> Option<&str> {
        match self {
            Self::Application { message, .. } => Some(message),
            _ => None,
        }
    }
}

fn cx_list(seg: &Segment<'_>, field: u32) -> Result<Vec<Cx>, FeedError> {
    let sid: &'static str = match seg.id() {
        "PID" => "PID",
        _ => "MRG",
    };
    let bad = |source| FeedError::BadValue {
        segment: sid,
        field,
        source,
    };
    let mut out = Vec::new();
    for (i, rep) in seg.field(field as usize).repetitions().enumerate() {
        if rep.is_empty() {
            continue;
        }
        let value = rep.component(1).text().map_err(bad)?;
        let cx4 = rep.component(4);
        let namespace = cx4.subcomponent(1).text().map_err(bad)?;
        let universal_id = cx4.subcomponent(2).text().map_err(bad)?;
        let missing = |component| FeedError::MissingComponent {
            segment: sid,
            field,
            repetition: (i + 1) as u32,
            component,
        };
        if value.is_empty() {
            return Err(missing(1));
        }
        if namespace.is_empty() && universal_id.is_empty() {
            return Err(missing(4));
        }
        out.push(Cx {
            value: value.into_owned(),
            namespace: namespace.into_owned(),
            universal_id: universal_id.into_owned(),
            universal_id_type: cx4.subcomponent(3).text().map_err(bad)?.into_owned(),
            type_code: rep.component(5).text().map_err(bad)?.into_owned(),
        });
    }
    if out.is_empty() {
        return Err(FeedError::MissingComponent {
            segment: sid,
            field,
            repetition: 1,
            component: 1,
        });
    }
    Ok(out)
}

/// Interprets an ITI-8 or ITI-10 ADT message. Never panics.
///
/// ```
/// use bedside_pix::feed::{interpret_feed, FeedError, FeedEvent};
/// let a40 = b"MSH|^~\\&|PAS|RXX|PIX|HIE|20250314||ADT^A40^ADT_A39|M1|P|2.3.1\rEVN|A40\r\
/// PID|||K7654321^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\rMRG|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\r";
/// let msg = bedside_pix::er7::Message::parse(a40)?;
/// match interpret_feed(&msg)? {
///     FeedEvent::Merge { subsumed, survivor, .. } => {
///         assert_eq!(subsumed[0].value, "K1234567");
///         assert_eq!(survivor[0].value, "K7654321");
///     }
///     other => panic!("{other:?}"),
/// }
/// let a02 = bedside_pix::er7::Message::parse(b"MSH|^~\\&|PAS||||||ADT^A02|X|P|2.5\r")?;
/// assert!(matches!(interpret_feed(&a02), Err(FeedError::UnsupportedEvent { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interpret_feed(msg: &Message<'_>) -> Result<FeedEvent, FeedError> {
    let (code, trigger, _) = msg.message_type();
    if code != "ADT" {
        return Err(FeedError::UnsupportedMessageType {
            found: code.to_owned(),
        });
    }
    let trigger = Trigger::parse(trigger).ok_or_else(|| FeedError::UnsupportedEvent {
        found: trigger.to_owned(),
    })?;
    let version = msg.version();
    if !version.starts_with("2.") {
        return Err(FeedError::UnsupportedVersion {
            found: version.to_owned(),
        });
    }
    let control_id = msg
        .control_id()
        .map_err(|source| FeedError::BadValue {
            segment: "MSH",
            field: 10,
            source,
        })?
        .into_owned();
    let pid = msg
        .segment("PID")
        .ok_or(FeedError::MissingSegment { segment: "PID" })?;
    let identifiers = cx_list(pid, 3)?;
    Ok(match trigger {
        Trigger::A01 | Trigger::A04 | Trigger::A05 | Trigger::A28 => FeedEvent::Link {
            trigger,
            control_id,
            identifiers,
        },
        Trigger::A08 | Trigger::A31 => FeedEvent::Update {
            trigger,
            control_id,
            identifiers,
        },
        Trigger::A40 => {
            let mrg = msg
                .segment("MRG")
                .ok_or(FeedError::MissingSegment { segment: "MRG" })?;
            FeedEvent::Merge {
                control_id,
                survivor: identifiers,
                subsumed: cx_list(mrg, 1)?,
            }
        }
    })
}

/// The demographics in a PID segment, as sent (unescaped, not validated): the first
/// legal name of PID-5 (XPN.7 `L`), else its first name; PID-7 and PID-8 as text.
///
/// ```
/// use bedside_pix::feed::pid_demographics;
/// let raw = b"MSH|^~\\&|PAS|RXX|||20250314||ADT^A28^ADT_A05|P1|P|2.5\rEVN|A28\r\
/// PID|||K1^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR||Nickname^Jo^^^^^N~O\\T\\Brien^Mary^Ann^^^^L||19800118|F\r";
/// let d = pid_demographics(&bedside_pix::er7::Message::parse(raw)?)?;
/// assert_eq!((d.family.as_str(), d.given.as_str()), ("O&Brien", "Mary"));
/// assert_eq!((d.birth_date.as_str(), d.sex.as_str()), ("19800118", "F"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PidDemographics {
    /// XPN.1.1 (surname).
    pub family: String,
    /// XPN.2 (given name).
    pub given: String,
    /// PID-7.1 (date/time of birth, `YYYY[MM[DD[…]]]`).
    pub birth_date: String,
    /// PID-8 (administrative sex, HL7 table 0001).
    pub sex: String,
}

/// Reads [`PidDemographics`] from the message's PID segment. Never panics.
///
/// # Errors
/// [`FeedError::MissingSegment`] without PID, [`FeedError::BadValue`] for a value that
/// cannot be decoded in the message's character set.
pub fn pid_demographics(msg: &Message<'_>) -> Result<PidDemographics, FeedError> {
    let pid = msg
        .segment("PID")
        .ok_or(FeedError::MissingSegment { segment: "PID" })?;
    let bad = |field: u32| {
        move |source| FeedError::BadValue {
            segment: "PID",
            field,
            source,
        }
    };
    let names: Vec<_> = pid
        .field(5)
        .repetitions()
        .filter(|r| !r.is_empty())
        .collect();
    let name = names
        .iter()
        .find(|r| r.component(7).as_str() == "L")
        .or_else(|| names.first())
        .copied();
    let (family, given) = match name {
        Some(n) => (
            n.component(1)
                .subcomponent(1)
                .text()
                .map_err(bad(5))?
                .into_owned(),
            n.component(2).text().map_err(bad(5))?.into_owned(),
        ),
        None => (String::new(), String::new()),
    };
    Ok(PidDemographics {
        family,
        given,
        birth_date: pid
            .field(7)
            .component(1)
            .text()
            .map_err(bad(7))?
            .into_owned(),
        sex: pid.field(8).text().map_err(bad(8))?.into_owned(),
    })
}

/// MSH-3/MSH-4 of the acknowledgements we send.
///
/// ```
/// assert_eq!(bedside_pix::feed::AckSender::default().application, "BEDSIDE_PPID");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckSender {
    /// MSH-3.
    pub application: String,
    /// MSH-4.
    pub facility: String,
}

impl Default for AckSender {
    fn default() -> Self {
        Self {
            application: "BEDSIDE_PPID".to_owned(),
            facility: "BEDSIDE".to_owned(),
        }
    }
}

/// Builds an original-mode `ACK` (MSH, MSA, and ERR when `error` is given). `original`
/// is the message being acknowledged, or `None` when it could not be parsed (then MSA-2
/// is empty and the version is 2.5). For v2.3.x the error goes in ERR-1 (ELD), for later
/// versions in ERR-2/3/4, plus ERR-8 (user message) for [`FeedError::Application`].
///
/// ```
/// use bedside_pix::feed::{build_ack, AckCode, AckSender, FeedError};
/// let e = FeedError::UnsupportedEvent { found: "A02".into() };
/// let ack = build_ack(None, AckCode::Reject, Some(&e), &AckSender::default(), "A9", "20250314101501+0000");
/// let text = String::from_utf8(ack)?;
/// assert!(text.contains("\rMSA|AR|\r"));
/// assert!(text.contains("ERR||MSH^1^9^1^2|201^Unsupported event code^HL70357|E"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn build_ack(
    original: Option<&Message<'_>>,
    code: AckCode,
    error: Option<&FeedError>,
    sender: &AckSender,
    control_id: &str,
    timestamp: &str,
) -> Vec<u8> {
    let (their_app, their_fac, trigger, their_ctrl, version, processing) = match original {
        Some(m) => {
            let msh = m.msh();
            (
                msh.field(3)
                    .text()
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
                msh.field(4)
                    .text()
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
                m.message_type().1.to_owned(),
                m.control_id().map(|c| c.into_owned()).unwrap_or_default(),
                match m.version() {
                    "" => "2.5".to_owned(),
                    v => v.to_owned(),
                },
                match msh.field(11).component(1).as_str() {
                    "" => "P".to_owned(),
                    p => p.to_owned(),
                },
            )
        }
        None => (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "2.5".to_owned(),
            "P".to_owned(),
        ),
    };
    // Echo the trigger when it looks like one; MSH-9.3 lets parsers pick the ACK structure.
    let trigger = if trigger.len() == 3 && trigger.bytes().all(|b| b.is_ascii_alphanumeric()) {
        trigger
    } else {
        String::new()
    };
    let msg_type = OwnedField::components(&["ACK", &trigger, "ACK"]);
    let msh = OwnedSegment::new("MSH")
        .with(3, OwnedField::text(&sender.application))
        .with(4, OwnedField::text(&sender.facility))
        .with(5, OwnedField::text(&their_app))
        .with(6, OwnedField::text(&their_fac))
        .with(7, OwnedField::text(timestamp))
        .with(9, msg_type)
        .with(10, OwnedField::text(control_id))
        .with(11, OwnedField::text(&processing))
        .with(12, OwnedField::text(&version));
    let msa = OwnedSegment::new("MSA")
        .with(1, OwnedField::text(code.as_str()))
        .with(2, OwnedField::text(&their_ctrl));
    let mut segments = vec![msh, msa];
    if let Some(e) = error {
        let (loc, c, text) = e.err_fields();
        let loc_parts: Vec<&str> = loc.split('^').collect();
        let err = if version.starts_with("2.3") {
            // ELD: seg^seq^field^code&text&table
            let mut comps: Vec<Vec<String>> = loc_parts
                .iter()
                .take(3)
                .map(|p| vec![(*p).to_owned()])
                .collect();
            while comps.len() < 3 {
                comps.push(vec![String::new()]);
            }
            comps.push(vec![c.into_owned(), text.to_owned(), "HL70357".to_owned()]);
            OwnedSegment::new("ERR").with(
                1,
                OwnedField {
                    repetitions: vec![comps],
                },
            )
        } else {
            let err = OwnedSegment::new("ERR")
                .with(2, OwnedField::components(&loc_parts))
                .with(3, OwnedField::components(&[&c, text, "HL70357"]))
                .with(4, OwnedField::text("E"));
            // ERR-8 user message (v2.5 field position), escaped like every other value.
            match e.user_message() {
                Some(m) if !m.is_empty() => err.with(8, OwnedField::text(m)),
                _ => err,
            }
        };
        segments.push(err);
    }
    OwnedMessage { segments }.encode(&Separators::default())
}
