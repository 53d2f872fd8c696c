//! Error classes shared by every layer of the crate.

/// The stable, machine-readable class of a GS1 syntax or validation failure.
///
/// The names (see [`ErrorClass::as_str`]) are part of Bedside's command-line and
/// HTTP contracts: scripts match on them, so they never change.
///
/// ```
/// use bedside_gs1::ErrorClass;
/// assert_eq!(ErrorClass::BadCheckDigit.as_str(), "BAD_CHECK_DIGIT");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The AI is not in the dictionary (or cannot be delimited in raw data).
    UnknownAi,
    /// A component or the whole value is too short, too long or empty.
    BadLength,
    /// A character outside the component's character set (N, CSET 82/39/64).
    BadCharset,
    /// A check digit or check-character pair is wrong.
    BadCheckDigit,
    /// A date that does not exist on the calendar, or a bad date format.
    BadDate,
    /// A time of day out of range.
    BadTime,
    /// A value that is not in a code list (country, currency, sex, media type, ...).
    BadCode,
    /// Any other value rule broken (zero/non-zero, piece of total, coupon, ...).
    BadValue,
    /// Two AIs that must not appear together (`ex=`).
    InvalidPair,
    /// An AI whose required companions (`req=`) are missing.
    MissingRequisite,
    /// The same AI appears twice with different values.
    ConflictingRepeat,
    /// A DigSig (8030) is present but a key lacks its serial component.
    DigsigSerial,
    /// A GS1 Digital Link URI that is not well formed.
    DlSyntax,
    /// A Digital Link path whose key/qualifier sequence is not allowed.
    DlKeyQualifier,
    /// A missing, malformed or unsupported AIM symbology identifier.
    ScanAim,
    /// Input that is not well formed in its syntax (brackets, separators, escapes).
    Syntax,
    /// A fixed limit was exceeded (input size, number of AIs, value size).
    Limit,
}

impl ErrorClass {
    /// Every class, in declaration order.
    pub const ALL: [ErrorClass; 17] = [
        ErrorClass::UnknownAi,
        ErrorClass::BadLength,
        ErrorClass::BadCharset,
        ErrorClass::BadCheckDigit,
        ErrorClass::BadDate,
        ErrorClass::BadTime,
        ErrorClass::BadCode,
        ErrorClass::BadValue,
        ErrorClass::InvalidPair,
        ErrorClass::MissingRequisite,
        ErrorClass::ConflictingRepeat,
        ErrorClass::DigsigSerial,
        ErrorClass::DlSyntax,
        ErrorClass::DlKeyQualifier,
        ErrorClass::ScanAim,
        ErrorClass::Syntax,
        ErrorClass::Limit,
    ];

    /// The stable upper-case name used in JSON output.
    ///
    /// ```
    /// use bedside_gs1::ErrorClass;
    /// assert_eq!(ErrorClass::MissingRequisite.as_str(), "MISSING_REQUISITE");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorClass::UnknownAi => "UNKNOWN_AI",
            ErrorClass::BadLength => "BAD_LENGTH",
            ErrorClass::BadCharset => "BAD_CHARSET",
            ErrorClass::BadCheckDigit => "BAD_CHECK_DIGIT",
            ErrorClass::BadDate => "BAD_DATE",
            ErrorClass::BadTime => "BAD_TIME",
            ErrorClass::BadCode => "BAD_CODE",
            ErrorClass::BadValue => "BAD_VALUE",
            ErrorClass::InvalidPair => "INVALID_PAIR",
            ErrorClass::MissingRequisite => "MISSING_REQUISITE",
            ErrorClass::ConflictingRepeat => "CONFLICTING_REPEAT",
            ErrorClass::DigsigSerial => "DIGSIG_SERIAL",
            ErrorClass::DlSyntax => "DL_SYNTAX",
            ErrorClass::DlKeyQualifier => "DL_KEY_QUALIFIER",
            ErrorClass::ScanAim => "SCAN_AIM",
            ErrorClass::Syntax => "SYNTAX",
            ErrorClass::Limit => "LIMIT",
        }
    }

    /// Parses a class from its stable name.
    ///
    /// ```
    /// use bedside_gs1::ErrorClass;
    /// assert_eq!(ErrorClass::from_name("BAD_DATE"), Some(ErrorClass::BadDate));
    /// assert_eq!(ErrorClass::from_name("bad_date"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ErrorClass> {
        ErrorClass::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl core::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

use alloc::string::String;

use crate::Ai;
use crate::lint::LintCode;

/// What exactly went wrong; [`Error::class`] gives the stable class.
///
/// ```
/// use bedside_gs1::{ErrorKind, ErrorClass};
/// assert_eq!(ErrorKind::UnknownAi.class(), ErrorClass::UnknownAi);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- input structure ----
    /// The input exceeds the 8,191-byte limit.
    #[error("input is longer than {max} bytes")]
    InputTooLong {
        /// The limit.
        max: usize,
    },
    /// More than 64 AIs in one message.
    #[error("more than {max} AIs in one message")]
    TooManyAis {
        /// The limit.
        max: usize,
    },
    /// No AI data at all.
    #[error("there is no AI data")]
    NoData,
    /// Bracketed input that is not `(AI)value(AI)value...`.
    #[error("expected `(AI)value`")]
    BadBracketSyntax,
    /// Unbracketed input must start with `^` (FNC1).
    #[error("unbracketed AI data must start with `^` (FNC1)")]
    MissingFnc1,
    /// Nothing follows `(AI)` at the end of bracketed input.
    #[error("AI has no value")]
    MissingValue,
    /// An AI value that is empty.
    #[error("AI value is empty")]
    EmptyValue,
    /// A `^` inside a value, where it would be read as FNC1.
    #[error("`^` is not allowed in AI data")]
    IllegalCaret,
    /// The input form could not be recognised.
    #[error("not bracketed, unbracketed, scan data, an element string or a Digital Link URI")]
    UnrecognisedInput,

    // ---- AIs and values ----
    /// The AI is not in the dictionary, or no AI matches the data at this point.
    #[error("unknown AI")]
    UnknownAi,
    /// The value is shorter than the AI allows.
    #[error("value is too short (at least {min} characters)")]
    ValueTooShort {
        /// Minimum length.
        min: usize,
    },
    /// The value is longer than the AI allows (a separator may be missing).
    #[error("value is too long (at most {max} characters; a separator may be missing)")]
    ValueTooLong {
        /// Maximum length.
        max: usize,
    },
    /// A component of the value has the wrong length.
    #[error("a component of the value has the wrong length")]
    ComponentLength,
    /// A syntax test (linter) failed.
    #[error("{}", .0.message())]
    Lint(LintCode),

    // ---- message rules ----
    /// Two AIs that must not appear together.
    #[error("({0}) must not appear together with this AI")]
    InvalidPair(Ai),
    /// Required companion AIs are missing; the rule as written in the dictionary.
    #[error("required AIs are missing: needs {0}")]
    MissingRequisite(String),
    /// The same AI twice with different values.
    #[error("the AI appears more than once with different values")]
    ConflictingRepeat,
    /// A key without its serial component alongside a DigSig (8030).
    #[error("with a digital signature (8030) this key must carry its serial component")]
    DigsigSerial,

    // ---- Digital Link ----
    /// A character that may not appear in a URI.
    #[error("character not allowed in a URI")]
    DlIllegalCharacter,
    /// The scheme is not http:// or https://.
    #[error("URI scheme must be http:// or https://")]
    DlScheme,
    /// The domain contains an illegal character.
    #[error("domain contains an illegal character")]
    DlDomain,
    /// No domain or no path.
    #[error("URI has no domain or no path")]
    DlMissingPath,
    /// No primary key in the path.
    #[error("no GS1 Digital Link primary key in the path")]
    DlNoPrimaryKey,
    /// A path element with no value.
    #[error("AI path element has no value")]
    DlEmptyPathValue,
    /// A query parameter AI with an empty value.
    #[error("AI query parameter has no value")]
    DlEmptyQueryValue,
    /// A `%` not followed by two hexadecimal digits (RFC 3986 section 2.1).
    #[error("`%` must be followed by two hexadecimal digits")]
    DlBadPercentEncoding,
    /// A percent-decoded value containing NUL.
    #[error("decoded value contains NUL")]
    DlNulInValue,
    /// A numeric query parameter that is not a known AI.
    #[error("unknown AI in query parameters")]
    DlUnknownQueryAi,
    /// The key and qualifiers are not in an allowed order.
    #[error("key and qualifiers are not a valid Digital Link path sequence")]
    DlKeyQualifierSequence,
    /// An AI given twice in one URI.
    #[error("AI appears more than once in the URI")]
    DlDuplicateAi,
    /// An AI that may not be a query attribute.
    #[error("AI is not allowed as a Digital Link query attribute")]
    DlNotAttribute,
    /// A qualifier given in the query instead of the path.
    #[error("AI ({0}) should be in the path, not the query")]
    DlShouldBeInPath(Ai),

    // ---- scan data ----
    /// Scan data without a `]Xn` symbology identifier.
    #[error("scan data must start with an AIM symbology identifier such as ]d2")]
    MissingAim,
    /// An AIM identifier that does not carry GS1 or plain data we accept.
    #[error("unsupported AIM symbology identifier")]
    UnsupportedAim,
    /// EAN/UPC primary data too short.
    #[error("primary data is too short")]
    PrimaryTooShort,
    /// EAN/UPC primary data too long.
    #[error("primary data is too long")]
    PrimaryTooLong,
    /// EAN/UPC primary data not all digits.
    #[error("primary data must be digits")]
    PrimaryNotDigits,
    /// EAN/UPC primary check digit wrong.
    #[error("primary data check digit is wrong")]
    PrimaryCheckDigit,
}

impl ErrorKind {
    /// The stable class of this error.
    ///
    /// ```
    /// use bedside_gs1::{ErrorKind, ErrorClass};
    /// assert_eq!(ErrorKind::DlDuplicateAi.class(), ErrorClass::DlSyntax);
    /// ```
    pub fn class(&self) -> ErrorClass {
        use ErrorKind as K;
        match self {
            K::InputTooLong { .. } | K::TooManyAis { .. } => ErrorClass::Limit,
            K::BadBracketSyntax | K::MissingFnc1 | K::MissingValue | K::UnrecognisedInput => {
                ErrorClass::Syntax
            }
            K::NoData
            | K::DlEmptyPathValue
            | K::DlEmptyQueryValue
            | K::EmptyValue
            | K::ValueTooShort { .. }
            | K::ValueTooLong { .. }
            | K::ComponentLength => ErrorClass::BadLength,
            K::IllegalCaret | K::DlNulInValue => ErrorClass::BadCharset,
            K::UnknownAi | K::DlUnknownQueryAi => ErrorClass::UnknownAi,
            K::Lint(code) => code.class(),
            K::InvalidPair(_) => ErrorClass::InvalidPair,
            K::MissingRequisite(_) => ErrorClass::MissingRequisite,
            K::ConflictingRepeat => ErrorClass::ConflictingRepeat,
            K::DigsigSerial => ErrorClass::DigsigSerial,
            K::DlIllegalCharacter
            | K::DlScheme
            | K::DlDomain
            | K::DlMissingPath
            | K::DlNoPrimaryKey
            | K::DlBadPercentEncoding
            | K::DlDuplicateAi => ErrorClass::DlSyntax,
            K::DlKeyQualifierSequence | K::DlNotAttribute | K::DlShouldBeInPath(_) => {
                ErrorClass::DlKeyQualifier
            }
            K::MissingAim | K::UnsupportedAim => ErrorClass::ScanAim,
            K::PrimaryTooShort | K::PrimaryTooLong => ErrorClass::BadLength,
            K::PrimaryNotDigits => ErrorClass::BadCharset,
            K::PrimaryCheckDigit => ErrorClass::BadCheckDigit,
        }
    }
}

/// A GS1 parse or validation failure: what rule, which AI, where.
///
/// `offset` is the byte offset in the input as given (including any AIM prefix)
/// where the problem starts; `len` is how many bytes are at fault (0 when the
/// problem is a position, such as a missing separator). For values that were
/// unescaped (`\(` or `%hh`) the offset is that of the value's start plus the
/// position inside the decoded value.
///
/// ```
/// use bedside_gs1::{parse_bracketed, ErrorClass};
/// let err = parse_bracketed("(01)09506000134353").unwrap_err();
/// assert_eq!(err.class(), ErrorClass::BadCheckDigit);
/// assert_eq!(err.ai.unwrap().as_str(), "01");
/// assert_eq!(err.offset, 17);
/// assert_eq!(err.markup().unwrap(), "(01)0950600013435|3|");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind} (at byte {offset})", match .ai { Some(ai) => alloc::format!("AI ({ai}): "), None => String::new() })]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The AI concerned, when there is one.
    pub ai: Option<Ai>,
    /// Byte offset in the input.
    pub offset: usize,
    /// Number of bytes at fault.
    pub len: usize,
    /// For syntax-test failures: the AI's value with the fault marked, `(17)2502|30|`.
    pub(crate) markup: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, ai: Option<Ai>, offset: usize, len: usize) -> Error {
        Error {
            kind,
            ai,
            offset,
            len,
            markup: None,
        }
    }

    /// The stable class of the error.
    ///
    /// ```
    /// use bedside_gs1::{parse_bracketed, ErrorClass};
    /// assert_eq!(parse_bracketed("(99)").unwrap_err().class(), ErrorClass::Syntax);
    /// ```
    pub fn class(&self) -> ErrorClass {
        self.kind.class()
    }

    /// The AI value with the offending bytes between bars, `(17)2502|30|`, for
    /// syntax-test failures (as the GS1 reference engine marks them).
    ///
    /// ```
    /// use bedside_gs1::parse_bracketed;
    /// let err = parse_bracketed("(01)09506000134352(17)250230").unwrap_err();
    /// assert_eq!(err.markup().unwrap(), "(17)2502|30|");
    /// ```
    pub fn markup(&self) -> Option<&str> {
        self.markup.as_deref()
    }

    /// Renders `input` with the faulty bytes between bars, whatever the error;
    /// for a position-only error a single bar marks the place.
    ///
    /// ```
    /// use bedside_gs1::parse_bracketed;
    /// let input = "(01)09506000134352(17)250230";
    /// let err = parse_bracketed(input).unwrap_err();
    /// assert_eq!(err.mark_input(input.as_bytes()), "(01)09506000134352(17)2502|30|");
    /// ```
    pub fn mark_input(&self, input: &[u8]) -> String {
        let start = self.offset.min(input.len());
        let end = (self.offset + self.len).min(input.len());
        let mut out = printable(&input[..start]);
        out.push('|');
        if end > start {
            out.push_str(&printable(&input[start..end]));
            out.push('|');
        }
        out.push_str(&printable(&input[end..]));
        out
    }
}

/// Renders scan bytes for a person: printable ASCII as is, GS as `<GS>`, any
/// other byte as `<XX>` in hex, so nothing invisible hides in a log or a screen.
///
/// ```
/// assert_eq!(bedside_gs1::printable(b"10AB\x1d21\r"), "10AB<GS>21<0D>");
/// ```
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0x1d => out.push_str("<GS>"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&alloc::format!("<{b:02X}>")),
        }
    }
    out
}
