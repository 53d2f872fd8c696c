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
