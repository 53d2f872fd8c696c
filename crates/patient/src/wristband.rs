//! The DCB1077 patient wristband view over a parsed GS1 message.
//!
//! Input is the message's `(AI, value)` pairs, as produced by a GS1 parser that has already
//! checked GS1 syntax. The view re-checks everything it relies on (cheaply, so a bug or a
//! different parser upstream cannot weaken it) and adds the NHS / clinical rules:
//!
//! - a band is **(8018)** plus allowed patient AIs only: 8019, 7250-7259, the DCB1077
//!   internal AIs 91, 92, 93 and, only if the policy allows, the local-use AIs 98 and 99.
//!   Anything else (a GTIN, a staff GSRN 8017, batch, 94-97, ...) is rejected;
//! - the GSRN check digit, the company prefix (allow-list in [`Policy`]), the NHS number
//!   embedded in GSRN digits 8-17 (modulus 11, repdigits, test range per policy);
//! - GS1 association rules among the patient AIs and conflicting repeats;
//! - value rules: 8019 `N..10`, 7250 `YYYYMMDD`, 7251 `YYYYMMDDHHMI`, 7252 ISO 5218,
//!   percent-encoded CSET 82 names decoded to UTF-8, 7258 `n/m`;
//! - a name and a date of birth must be present (policy), and the date of birth must not be
//!   after "today" when the caller supplies it.
//!
//! The DCB1077 internal AIs 91-93 are kept as opaque raw text: their sub-field layout
//! (ODS code, MRN, names, DOB) has not been verified from the DCB1077 specification, so
//! nothing is read out of them.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use thiserror::Error;

use crate::date::{Date, DateError, DateOfBirth};
use crate::demographics::{Demographics, Sex, SexError};
use crate::gsrn::{Gsrn, GsrnError, GsrnPrefix, NhsGsrn, parse_gsrn};
use crate::nhs::{NhsNumber, NhsNumberError, TestData};
use crate::text::{TextError, check_cset82, percent_decode};

/// Why a [`Policy`] could not be built.
///
/// ```
/// use bedside_patient::{Policy, PolicyError};
/// assert_eq!(Policy::new([]).err(), Some(PolicyError::NoGsrnPrefix));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The allow-list of GSRN company prefixes is empty: no band could ever be accepted.
    #[error("wristband policy: no GSRN company prefix allowed")]
    NoGsrnPrefix,
}

/// What a wristband must satisfy beyond the fixed rules. Production policies are built with
/// [`Policy::new`] (test data refused); [`Policy::demo`] is for demos and tests.
///
/// ```
/// use bedside_patient::{GsrnPrefix, Policy, TestData};
/// let p = Policy::new([GsrnPrefix::new("9520000")?])?.with_test_data(TestData::Allow);
/// assert_eq!(p.test_data(), TestData::Allow);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    prefixes: Vec<GsrnPrefix>,
    test_data: TestData,
    require_name: bool,
    require_date_of_birth: bool,
    allow_local_ais: bool,
    today: Option<Date>,
}

impl Policy {
    /// A production policy: the GSRN company prefixes under which the NHS number is
    /// embedded, test data refused, name and date of birth required, local AIs 98/99
    /// refused, no "today" check.
    ///
    /// ```
    /// # use bedside_patient::{GsrnPrefix, Policy, TestData};
    /// let p = Policy::new([GsrnPrefix::EXAMPLE])?;
    /// assert_eq!(p.test_data(), TestData::Reject);
    /// # Ok::<(), bedside_patient::PolicyError>(())
    /// ```
    pub fn new(prefixes: impl IntoIterator<Item = GsrnPrefix>) -> Result<Self, PolicyError> {
        let prefixes: Vec<GsrnPrefix> = prefixes.into_iter().collect();
        if prefixes.is_empty() {
            return Err(PolicyError::NoGsrnPrefix);
        }
        Ok(Policy {
            prefixes,
            test_data: TestData::Reject,
            require_name: true,
            require_date_of_birth: true,
            allow_local_ais: false,
            today: None,
        })
    }

    /// Demo / test policy: prefix `9520000` (GS1 example range), test data allowed,
    /// otherwise as [`Policy::new`].
    ///
    /// ```
    /// # use bedside_patient::{Policy, TestData};
    /// assert_eq!(Policy::demo().test_data(), TestData::Allow);
    /// ```
    #[must_use]
    pub fn demo() -> Self {
        Policy {
            prefixes: alloc::vec![GsrnPrefix::EXAMPLE],
            test_data: TestData::Allow,
            require_name: true,
            require_date_of_birth: true,
            allow_local_ais: false,
            today: None,
        }
    }

    /// Sets whether test-range NHS numbers are accepted.
    ///
    /// ```
    /// # use bedside_patient::{Policy, TestData};
    /// assert_eq!(Policy::demo().with_test_data(TestData::Reject).test_data(), TestData::Reject);
    /// ```
    #[must_use]
    pub fn with_test_data(mut self, test_data: TestData) -> Self {
        self.test_data = test_data;
        self
    }

    /// Sets whether a name (7253, 7256, 7259 or DCB1077 93) is required.
    ///
    /// ```
    /// # use bedside_patient::Policy;
    /// let p = Policy::demo().with_require_name(false);
    /// # let _ = p;
    /// ```
    #[must_use]
    pub fn with_require_name(mut self, required: bool) -> Self {
        self.require_name = required;
        self
    }

    /// Sets whether a date of birth (7250, 7251 or DCB1077 93) is required.
    ///
    /// ```
    /// # use bedside_patient::Policy;
    /// let p = Policy::demo().with_require_date_of_birth(false);
    /// # let _ = p;
    /// ```
    #[must_use]
    pub fn with_require_date_of_birth(mut self, required: bool) -> Self {
        self.require_date_of_birth = required;
        self
    }

    /// Sets whether the local-use internal AIs 98 and 99 are tolerated (kept raw).
    ///
    /// ```
    /// # use bedside_patient::Policy;
    /// let p = Policy::demo().with_local_ais(true);
    /// # let _ = p;
    /// ```
    #[must_use]
    pub fn with_local_ais(mut self, allowed: bool) -> Self {
        self.allow_local_ais = allowed;
        self
    }

    /// Sets today's date so that a date of birth in the future is rejected (the crate does
    /// no I/O, so the caller supplies the clock).
    ///
    /// ```
    /// # use bedside_patient::{Date, Policy};
    /// let p = Policy::demo().with_today(Date::new(2026, 11, 25)?);
    /// # let _ = p;
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// Whether test-range NHS numbers are accepted.
    ///
    /// ```
    /// # use bedside_patient::{Policy, TestData};
    /// assert_eq!(Policy::demo().test_data(), TestData::Allow);
    /// ```
    #[must_use]
    pub fn test_data(&self) -> TestData {
        self.test_data
    }

    /// The allowed GSRN company prefixes.
    ///
    /// ```
    /// # use bedside_patient::{GsrnPrefix, Policy};
    /// assert_eq!(Policy::demo().gsrn_prefixes(), &[GsrnPrefix::EXAMPLE]);
    /// ```
    #[must_use]
    pub fn gsrn_prefixes(&self) -> &[GsrnPrefix] {
        &self.prefixes
    }
}

/// Why one element value is not acceptable. Positions are 0-based in the value as given.
///
/// ```
/// use bedside_patient::{Policy, ValueError, Wristband, WristbandError};
/// let e = Wristband::from_elements(
///     [("8018", "952000099900012352"), ("8019", "12a")],
///     &Policy::demo().with_require_name(false).with_require_date_of_birth(false),
/// );
/// assert_eq!(
///     e.err(),
///     Some(WristbandError::InvalidValue { ai: "8019", index: 1, reason: ValueError::NonDigit { position: 2 } })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Length outside the AI's format.
    #[error("length {found}, allowed {min}-{max}")]
    Length {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Length given (characters).
        found: usize,
    },
    /// A non-digit in a numeric value.
    #[error("non-digit at position {position}")]
    NonDigit {
        /// 0-based position.
        position: usize,
    },
    /// CSET 82 / percent-encoding / UTF-8 problem.
    #[error(transparent)]
    Text(#[from] TextError),
    /// Not a valid date or time.
    #[error(transparent)]
    Date(#[from] DateError),
    /// Not an ISO 5218 code.
    #[error(transparent)]
    Sex(#[from] SexError),
    /// Birth sequence not `<pos>/<total>` with digits 1-9 and pos ≤ total.
    #[error("birth sequence must be n/m with digits 1-9 and n <= m, wrong at position {position}")]
    BirthSequence {
        /// 0-based position.
        position: usize,
    },
}

/// Why a GS1 message is not an acceptable patient wristband. `index` is the 0-based
/// position of the element in the message. Messages never contain names, dates of birth or
/// NHS numbers.
///
/// ```
/// use bedside_patient::{Policy, Wristband, WristbandError};
/// let e = Wristband::from_elements([("01", "09506000134352")], &Policy::demo());
/// assert_eq!(e.err(), Some(WristbandError::UnexpectedAi { ai: "01".into(), index: 0 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WristbandError {
    /// No (8018) GSRN: not a patient wristband.
    #[error("wristband: no (8018) GSRN-recipient, so this is not a patient wristband")]
    MissingGsrn,
    /// An AI that is not allowed on a patient wristband.
    #[error("wristband: AI ({ai}) at element {index} is not allowed on a patient wristband")]
    UnexpectedAi {
        /// The AI (replaced by `?` if it is not 2-4 digits).
        ai: String,
        /// 0-based element index.
        index: usize,
    },
    /// The same AI twice with different values.
    #[error("wristband: AI ({ai}) repeated at element {index} with a different value")]
    ConflictingRepeat {
        /// The AI.
        ai: &'static str,
        /// 0-based index of the second occurrence.
        index: usize,
    },
    /// Two AIs that exclude each other.
    #[error("wristband: AI ({ai}) at element {index} may not appear together with ({other})")]
    Exclusive {
        /// The AI found second.
        ai: &'static str,
        /// The AI it excludes.
        other: &'static str,
        /// 0-based index of `ai`.
        index: usize,
    },
    /// An AI whose required companion is missing.
    #[error("wristband: AI ({ai}) at element {index} requires ({requires})")]
    MissingRequisite {
        /// The AI present.
        ai: &'static str,
        /// The AI it requires.
        requires: &'static str,
        /// 0-based index of `ai`.
        index: usize,
    },
    /// A value that breaks the AI's format.
    #[error("wristband: AI ({ai}) at element {index}: {reason}")]
    InvalidValue {
        /// The AI.
        ai: &'static str,
        /// 0-based element index.
        index: usize,
        /// What is wrong.
        reason: ValueError,
    },
    /// The (8018) value is not a valid GSRN.
    #[error("wristband: (8018) at element {index}: {reason}")]
    InvalidGsrn {
        /// 0-based element index.
        index: usize,
        /// What is wrong.
        reason: GsrnError,
    },
    /// The GSRN's company prefix (digits 1-7) is not in the policy's allow-list.
    #[error(
        "wristband: (8018) at element {index}: company prefix (positions 0-6) is not an allowed NHS wristband prefix"
    )]
    GsrnPrefixNotAllowed {
        /// 0-based element index.
        index: usize,
    },
    /// The NHS number embedded in GSRN digits 8-17 is not valid (modulus 11, repdigit, test
    /// range refused...). Positions in `reason` are relative to the NHS number, which
    /// starts at GSRN position 7.
    #[error(
        "wristband: (8018) at element {index}: embedded NHS number (GSRN positions 7-16) rejected: {reason}"
    )]
    EmbeddedNhsNumber {
        /// 0-based element index.
        index: usize,
        /// Why the NHS number was rejected.
        reason: NhsNumberError,
    },
    /// No name (7253, 7256, 7259 or 93) while the policy requires one.
    #[error("wristband: no patient name (7253, 7256, 7259 or 93) but the policy requires one")]
    MissingName,
    /// No date of birth (7250, 7251 or 93) while the policy requires one.
    #[error("wristband: no date of birth (7250, 7251 or 93) but the policy requires one")]
    MissingDateOfBirth,
    /// The date of birth is after the caller's "today".
    #[error("wristband: date of birth at element {index} is in the future")]
    DateOfBirthInFuture {
        /// 0-based element index.
        index: usize,
    },
}

/// The DCB1077 internal AIs kept as opaque text.
///
/// ```
/// use bedside_patient::InternalAi;
/// assert_eq!(InternalAi::HospitalIdentifiers.ai(), "91");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum InternalAi {
    /// (91): ODS code of the provider, local patient identifier (MRN), optional GLN.
    HospitalIdentifiers,
    /// (92): baby details (number of babies, mother's names).
    BabyDetails,
    /// (93): patient descriptive data (family name, given name, date and time of birth).
    PatientDescriptive,
    /// (98): local use (only with [`Policy::with_local_ais`]).
    Local98,
    /// (99): local use (only with [`Policy::with_local_ais`]).
    Local99,
}

impl InternalAi {
    /// The AI digits.
    ///
    /// ```
    /// # use bedside_patient::InternalAi;
    /// assert_eq!(InternalAi::PatientDescriptive.ai(), "93");
    /// ```
    #[must_use]
    pub const fn ai(self) -> &'static str {
        match self {
            InternalAi::HospitalIdentifiers => "91",
            InternalAi::BabyDetails => "92",
            InternalAi::PatientDescriptive => "93",
            InternalAi::Local98 => "98",
            InternalAi::Local99 => "99",
        }
    }
}

/// GS1 7258 birth sequence `<position>/<total>` (e.g. twin 2 of 2 is `2/2`).
///
/// ```
/// use bedside_patient::BirthSequence;
/// let b = BirthSequence::parse("2/3")?;
/// assert_eq!((b.position(), b.total()), (2, 3));
/// assert_eq!(b.to_string(), "2 of 3");
/// assert!(BirthSequence::parse("3/2").is_err());
/// # Ok::<(), bedside_patient::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BirthSequence {
    position: u8,
    total: u8,
}

impl BirthSequence {
    /// Parses the GS1 `X3` `posinseqslash` form: digit 1-9, `/`, digit 1-9, position ≤ total.
    ///
    /// ```
    /// # use bedside_patient::{BirthSequence, ValueError};
    /// assert_eq!(BirthSequence::parse("0/2"), Err(ValueError::BirthSequence { position: 0 }));
    /// ```
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let found = s.chars().count();
        if found != 3 {
            return Err(ValueError::Length {
                min: 3,
                max: 3,
                found,
            });
        }
        let b = s.as_bytes();
        let digit = |i: usize| match b.get(i) {
            Some(&d @ b'1'..=b'9') => Ok(d - b'0'),
            _ => Err(ValueError::BirthSequence { position: i }),
        };
        let position = digit(0)?;
        if b.get(1) != Some(&b'/') {
            return Err(ValueError::BirthSequence { position: 1 });
        }
        let total = digit(2)?;
        if position > total {
            return Err(ValueError::BirthSequence { position: 0 });
        }
        Ok(BirthSequence { position, total })
    }

    /// Position in the sequence (1-based).
    ///
    /// ```
    /// # use bedside_patient::BirthSequence;
    /// assert_eq!(BirthSequence::parse("1/2")?.position(), 1);
    /// # Ok::<(), bedside_patient::ValueError>(())
    /// ```
    #[must_use]
    pub const fn position(&self) -> u8 {
        self.position
    }

    /// Number of babies.
    ///
    /// ```
    /// # use bedside_patient::BirthSequence;
    /// assert_eq!(BirthSequence::parse("1/2")?.total(), 2);
    /// # Ok::<(), bedside_patient::ValueError>(())
    /// ```
    #[must_use]
    pub const fn total(&self) -> u8 {
        self.total
    }
}

impl fmt::Display for BirthSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {}", self.position, self.total)
    }
}

/// A validated DCB1077 / GS1 patient wristband.
///
/// ```
/// use bedside_patient::{Policy, Sex, Wristband};
/// let band = Wristband::from_elements(
///     [
///         ("8018", "952000099900012352"),
///         ("8019", "1"),
///         ("7250", "19800118"),
///         ("7252", "1"),
///         ("7253", "O'Brien"),
///         ("7254", "Zo%C3%AB"),
///     ],
///     &Policy::demo(),
/// )?;
/// assert_eq!(band.nhs_number().to_string(), "999 000 1235");
/// assert_eq!(band.demographics().display_name(), "O'BRIEN, Zoë");
/// assert_eq!(band.demographics().display_date_of_birth().as_deref(), Some("18-Jan-1980"));
/// assert_eq!(band.demographics().sex, Some(Sex::Male));
/// assert_eq!(band.srin(), Some("1"));
/// # Ok::<(), bedside_patient::WristbandError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Wristband {
    gsrn: Gsrn,
    nhs_number: NhsNumber,
    srin: Option<String>,
    demographics: Demographics,
    suffix: Option<String>,
    full_name: Option<String>,
    address: Option<String>,
    birth_sequence: Option<BirthSequence>,
    baby_of: Option<String>,
    internal: Vec<(InternalAi, String)>,
}

/// The AIs a patient wristband may carry (besides 98/99 under policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BandAi {
    Gsrn,
    Srin,
    Dob,
    DobTime,
    Sex,
    Family,
    Given,
    Suffix,
    FullName,
    Address,
    BirthSeq,
    Baby,
    Internal(InternalAi),
}

impl BandAi {
    const ALL: [BandAi; 17] = [
        BandAi::Gsrn,
        BandAi::Srin,
        BandAi::Dob,
        BandAi::DobTime,
        BandAi::Sex,
        BandAi::Family,
        BandAi::Given,
        BandAi::Suffix,
        BandAi::FullName,
        BandAi::Address,
        BandAi::BirthSeq,
        BandAi::Baby,
        BandAi::Internal(InternalAi::HospitalIdentifiers),
        BandAi::Internal(InternalAi::BabyDetails),
        BandAi::Internal(InternalAi::PatientDescriptive),
        BandAi::Internal(InternalAi::Local98),
        BandAi::Internal(InternalAi::Local99),
    ];

    fn ai(self) -> &'static str {
        match self {
            BandAi::Gsrn => "8018",
            BandAi::Srin => "8019",
            BandAi::Dob => "7250",
            BandAi::DobTime => "7251",
            BandAi::Sex => "7252",
            BandAi::Family => "7253",
            BandAi::Given => "7254",
            BandAi::Suffix => "7255",
            BandAi::FullName => "7256",
            BandAi::Address => "7257",
            BandAi::BirthSeq => "7258",
            BandAi::Baby => "7259",
            BandAi::Internal(i) => i.ai(),
        }
    }

    fn slot(self) -> usize {
        BandAi::ALL.iter().position(|&b| b == self).unwrap_or(0)
    }

    fn lookup(ai: &str, policy: &Policy) -> Option<BandAi> {
        let found = BandAi::ALL.into_iter().find(|b| b.ai() == ai)?;
        match found {
            BandAi::Internal(InternalAi::Local98 | InternalAi::Local99)
                if !policy.allow_local_ais =>
            {
                None
            }
            other => Some(other),
        }
    }
}

/// Exclusion pairs (GS1 `ex=`) among the patient AIs.
const EXCLUSIVE: [(BandAi, BandAi); 8] = [
    (BandAi::Dob, BandAi::DobTime),
    (BandAi::Family, BandAi::FullName),
    (BandAi::Given, BandAi::FullName),
    (BandAi::Suffix, BandAi::FullName),
    (BandAi::Family, BandAi::Baby),
    (BandAi::Given, BandAi::Baby),
    (BandAi::Suffix, BandAi::Baby),
    (BandAi::Baby, BandAi::FullName),
];

fn check_len(value: &str, min: usize, max: usize) -> Result<(), ValueError> {
    let found = value.chars().count();
    if found < min || found > max {
        Err(ValueError::Length { min, max, found })
    } else {
        Ok(())
    }
}

fn check_digits(value: &str) -> Result<(), ValueError> {
    match value.chars().position(|c| !c.is_ascii_digit()) {
        Some(position) => Err(ValueError::NonDigit { position }),
        None => Ok(()),
    }
}

fn pcenc_text(value: &str, max: usize) -> Result<String, ValueError> {
    check_len(value, 1, max)?;
    Ok(percent_decode(value)?)
}

fn raw_text(value: &str, max: usize) -> Result<String, ValueError> {
    check_len(value, 1, max)?;
    check_cset82(value)?;
    Ok(String::from(value))
}

fn sanitize_ai(ai: &str) -> String {
    if (2..=4).contains(&ai.len()) && ai.bytes().all(|b| b.is_ascii_digit()) {
        String::from(ai)
    } else {
        String::from("?")
    }
}

impl Wristband {
    /// Builds the wristband view from a validated GS1 message (see `bedside-gs1`):
    /// the syntax is already proven there; this adds the NHS rules on top.
    ///
    /// ```
    /// use bedside_patient::{Policy, Wristband};
    /// let scan = bedside_gs1::parse_scan(b"]d28018952000099900012352\x1d80191\x1d725019800118\x1d7253SMITH\x1d7254John").unwrap();
    /// let band = Wristband::from_message(scan.message().unwrap(), &Policy::demo()).unwrap();
    /// assert_eq!(band.nhs_number().to_string(), "999 000 1235");
    /// ```
    pub fn from_message(
        message: &bedside_gs1::Message<'_>,
        policy: &Policy,
    ) -> Result<Wristband, WristbandError> {
        Wristband::from_elements(message.iter().map(|e| (e.ai(), e.value())), policy)
    }

    /// Builds the wristband view from a GS1 message's `(AI, value)` pairs (in message
    /// order). Accepts `(&str, &str)`, `(String, String)` or anything `AsRef<str>`, so a GS1
    /// message type can feed its element iterator straight in.
    ///
    /// ```
    /// use bedside_patient::{NhsNumberError, Policy, Wristband, WristbandError};
    /// // GSRN check digit valid, but the embedded 9990001234 fails modulus 11.
    /// let e = Wristband::from_elements([("8018", "952000099900012345")], &Policy::demo());
    /// assert!(matches!(
    ///     e,
    ///     Err(WristbandError::EmbeddedNhsNumber { index: 0, reason: NhsNumberError::CheckDigitMismatch { .. } })
    /// ));
    /// ```
    pub fn from_elements<I, A, V>(elements: I, policy: &Policy) -> Result<Wristband, WristbandError>
    where
        I: IntoIterator<Item = (A, V)>,
        A: AsRef<str>,
        V: AsRef<str>,
    {
        // First occurrence (index, value) per allowed AI.
        let mut seen: [Option<(usize, String)>; 17] = Default::default();
        for (index, (ai, value)) in elements.into_iter().enumerate() {
            let (ai, value) = (ai.as_ref(), value.as_ref());
            let band_ai =
                BandAi::lookup(ai, policy).ok_or_else(|| WristbandError::UnexpectedAi {
                    ai: sanitize_ai(ai),
                    index,
                })?;
            let slot = seen
                .get_mut(band_ai.slot())
                .ok_or(WristbandError::UnexpectedAi {
                    ai: sanitize_ai(ai),
                    index,
                })?;
            match slot {
                Some((_, first)) if first.as_str() != value => {
                    return Err(WristbandError::ConflictingRepeat {
                        ai: band_ai.ai(),
                        index,
                    });
                }
                Some(_) => {}
                None => *slot = Some((index, String::from(value))),
            }
        }
        let get = |b: BandAi| -> Option<(usize, &str)> {
            seen.get(b.slot())
                .and_then(Option::as_ref)
                .map(|(i, v)| (*i, v.as_str()))
        };

        // Association rules.
        for (a, b) in EXCLUSIVE {
            if let (Some((ia, _)), Some((ib, _))) = (get(a), get(b)) {
                let (ai, other, index) = if ia > ib { (a, b, ia) } else { (b, a, ib) };
                return Err(WristbandError::Exclusive {
                    ai: ai.ai(),
                    other: other.ai(),
                    index,
                });
            }
        }
        if let (Some((index, _)), None) = (get(BandAi::BirthSeq), get(BandAi::Baby)) {
            return Err(WristbandError::MissingRequisite {
                ai: "7258",
                requires: "7259",
                index,
            });
        }

        // GSRN and the embedded NHS number.
        let (gsrn_index, gsrn_value) = get(BandAi::Gsrn).ok_or(WristbandError::MissingGsrn)?;
        let gsrn = parse_gsrn(gsrn_value).map_err(|reason| WristbandError::InvalidGsrn {
            index: gsrn_index,
            reason,
        })?;
        if !policy
            .prefixes
            .iter()
            .any(|p| p.as_str() == gsrn.company_prefix())
        {
            return Err(WristbandError::GsrnPrefixNotAllowed { index: gsrn_index });
        }
        let nhs_number = NhsNumber::parse_compact(gsrn.service_reference(), policy.test_data)
            .map_err(|reason| WristbandError::EmbeddedNhsNumber {
                index: gsrn_index,
                reason,
            })?;

        let invalid = |b: BandAi, index: usize| {
            move |reason: ValueError| WristbandError::InvalidValue {
                ai: b.ai(),
                index,
                reason,
            }
        };
        let text = |b: BandAi, max: usize, pcenc: bool| -> Result<Option<String>, WristbandError> {
            get(b)
                .map(|(i, v)| {
                    if pcenc {
                        pcenc_text(v, max)
                    } else {
                        raw_text(v, max)
                    }
                    .map_err(invalid(b, i))
                })
                .transpose()
        };

        let srin = get(BandAi::Srin)
            .map(|(i, v)| {
                check_len(v, 1, 10)
                    .and_then(|()| check_digits(v))
                    .map(|()| String::from(v))
                    .map_err(invalid(BandAi::Srin, i))
            })
            .transpose()?;

        let dob = match (get(BandAi::Dob), get(BandAi::DobTime)) {
            (Some((i, v)), _) => Some((
                i,
                DateOfBirth::parse_gs1_7250(v).map_err(|e| invalid(BandAi::Dob, i)(e.into()))?,
            )),
            (None, Some((i, v))) => Some((
                i,
                DateOfBirth::parse_gs1_7251(v)
                    .map_err(|e| invalid(BandAi::DobTime, i)(e.into()))?,
            )),
            (None, None) => None,
        };
        if let (Some((index, d)), Some(today)) = (dob, policy.today)
            && d.date > today
        {
            return Err(WristbandError::DateOfBirthInFuture { index });
        }
        let sex = get(BandAi::Sex)
            .map(|(i, v)| Sex::from_iso5218(v).map_err(|e| invalid(BandAi::Sex, i)(e.into())))
            .transpose()?;

        let family = text(BandAi::Family, 40, true)?;
        let given = text(BandAi::Given, 40, true)?;
        let suffix = text(BandAi::Suffix, 10, false)?;
        let full_name = text(BandAi::FullName, 90, true)?;
        let address = text(BandAi::Address, 70, true)?;
        let baby_of = text(BandAi::Baby, 40, true)?;
        let birth_sequence = get(BandAi::BirthSeq)
            .map(|(i, v)| BirthSequence::parse(v).map_err(invalid(BandAi::BirthSeq, i)))
            .transpose()?;

        let mut internal = Vec::new();
        for ia in [
            InternalAi::HospitalIdentifiers,
            InternalAi::BabyDetails,
            InternalAi::PatientDescriptive,
            InternalAi::Local98,
            InternalAi::Local99,
        ] {
            if let Some(v) = text(BandAi::Internal(ia), 90, false)? {
                internal.push((ia, v));
            }
        }

        let has_93 = get(BandAi::Internal(InternalAi::PatientDescriptive)).is_some();
        if policy.require_name
            && !(family.is_some() || full_name.is_some() || baby_of.is_some() || has_93)
        {
            return Err(WristbandError::MissingName);
        }
        if policy.require_date_of_birth && dob.is_none() && !has_93 {
            return Err(WristbandError::MissingDateOfBirth);
        }

        Ok(Wristband {
            gsrn,
            nhs_number,
            srin,
            demographics: Demographics {
                family,
                given,
                date_of_birth: dob.map(|(_, d)| d),
                sex,
            },
            suffix,
            full_name,
            address,
            birth_sequence,
            baby_of,
            internal,
        })
    }

    /// The GSRN (8018).
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "X"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.gsrn().as_str(), "952000099900012352");
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn gsrn(&self) -> &Gsrn {
        &self.gsrn
    }

    /// The NHS number embedded in the GSRN (valid, test range only if the policy allowed).
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "X"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.nhs_number().as_str(), "9990001235");
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn nhs_number(&self) -> &NhsNumber {
        &self.nhs_number
    }

    /// The SRIN (8019), digits.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "X"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.srin(), None);
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn srin(&self) -> Option<&str> {
        self.srin.as_deref()
    }

    /// Family (7253), given (7254), date of birth (7250/7251) and sex (7252), names decoded.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "Nguy%E1%BB%85n"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.demographics().family.as_deref(), Some("Nguyễn"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn demographics(&self) -> &Demographics {
        &self.demographics
    }

    /// Name suffix (7255), raw CSET 82.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "X"), ("7255", "Jr"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.suffix(), Some("Jr"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn suffix(&self) -> Option<&str> {
        self.suffix.as_deref()
    }

    /// Full name (7256), decoded.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7256", "John%20Smith"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.full_name(), Some("John Smith"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn full_name(&self) -> Option<&str> {
        self.full_name.as_deref()
    }

    /// Address (7257), decoded.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7253", "X"), ("7257", "1%20High%20St"), ("7250", "20000101")], &Policy::demo())?;
    /// assert_eq!(b.address(), Some("1 High St"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// Birth sequence (7258).
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7259", "Smith"), ("7258", "1/2"), ("7251", "202603141205")], &Policy::demo())?;
    /// assert_eq!(b.birth_sequence().map(|s| s.to_string()).as_deref(), Some("1 of 2"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn birth_sequence(&self) -> Option<BirthSequence> {
        self.birth_sequence
    }

    /// "Baby of" family name (7259), decoded.
    ///
    /// ```
    /// # use bedside_patient::{Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("7259", "Smith"), ("7251", "202603141205")], &Policy::demo())?;
    /// assert_eq!(b.baby_of(), Some("Smith"));
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn baby_of(&self) -> Option<&str> {
        self.baby_of.as_deref()
    }

    /// DCB1077 internal AIs (91, 92, 93; 98/99 if allowed) as raw CSET 82 text, in AI order.
    ///
    /// ```
    /// # use bedside_patient::{InternalAi, Policy, Wristband};
    /// let b = Wristband::from_elements([("8018", "952000099900012352"), ("91", "RXXK1234567"), ("93", "SMITH")], &Policy::demo())?;
    /// assert_eq!(b.internal(), &[(InternalAi::HospitalIdentifiers, "RXXK1234567".to_string()), (InternalAi::PatientDescriptive, "SMITH".to_string())]);
    /// # Ok::<(), bedside_patient::WristbandError>(())
    /// ```
    #[must_use]
    pub fn internal(&self) -> &[(InternalAi, String)] {
        &self.internal
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use alloc::vec;

    const GSRN: &str = "952000099900012352";

    fn band(extra: &[(&str, &str)]) -> Result<Wristband, WristbandError> {
        let mut v = vec![
            ("8018", GSRN),
            ("7253", "Smith"),
            ("7254", "John"),
            ("7250", "19800118"),
        ];
        v.extend_from_slice(extra);
        Wristband::from_elements(v, &Policy::demo())
    }

    fn gsrn_for(nhs10: &str) -> String {
        let body = alloc::format!("9520000{nhs10}");
        let check = crate::gsrn::gs1_check_digit(body.as_bytes());
        alloc::format!("{body}{check}")
    }

    #[test]
    fn domain_notes_example() {
        let b = band(&[("8019", "1")]);
        let b = b.as_ref().map_err(|e| alloc::format!("{e}"));
        assert_eq!(b.map(|b| b.nhs_number().as_str()), Ok("9990001235"));
    }

    #[test]
    fn second_test_number() {
        let g = gsrn_for("9990000018");
        let b = Wristband::from_elements(
            [
                ("8018", g.as_str()),
                ("7253", "Jones"),
                ("7250", "20010203"),
            ],
            &Policy::demo(),
        );
        assert_eq!(
            b.map(|b| b.nhs_number().to_string()),
            Ok("999 000 0018".into())
        );
    }

    #[test]
    fn embedded_nhs_failures() {
        // Valid GS1 check digit, NHS number fails modulus 11.
        let g = gsrn_for("9990001234");
        assert!(parse_gsrn(&g).is_ok());
        let e = Wristband::from_elements(
            [("8018", g.as_str()), ("7253", "X"), ("7250", "20000101")],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::EmbeddedNhsNumber {
                index: 0,
                reason: NhsNumberError::CheckDigitMismatch {
                    position: 9,
                    expected: 5,
                    found: 4
                }
            })
        );
        // Repdigit.
        let g = gsrn_for("1111111111");
        let e = Wristband::from_elements([("8018", g.as_str())], &Policy::demo());
        assert_eq!(
            e.err(),
            Some(WristbandError::EmbeddedNhsNumber {
                index: 0,
                reason: NhsNumberError::Repdigit { digit: 1 }
            })
        );
        // Test number under a production policy.
        let prod = Policy::new([GsrnPrefix::EXAMPLE]);
        let e = prod.map(|p| {
            Wristband::from_elements([("8018", GSRN), ("7253", "X"), ("7250", "20000101")], &p)
        });
        assert_eq!(
            e.map(Result::err),
            Ok(Some(WristbandError::EmbeddedNhsNumber {
                index: 0,
                reason: NhsNumberError::TestNumberNotAllowed
            }))
        );
        // A real-format number is accepted under the production policy.
        let g = gsrn_for("9434765919");
        let ok = Policy::new([GsrnPrefix::EXAMPLE]).map(|p| {
            Wristband::from_elements(
                [("8018", g.as_str()), ("7253", "X"), ("7250", "20000101")],
                &p,
            )
            .is_ok()
        });
        assert_eq!(ok, Ok(true));
    }

    #[test]
    fn gsrn_failures() {
        let e = Wristband::from_elements(
            [("7253", "X"), ("8018", "952000099900012353")],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::InvalidGsrn {
                index: 1,
                reason: GsrnError::CheckDigit {
                    position: 17,
                    expected: 2,
                    found: 3
                }
            })
        );
        let other_prefix = {
            let body = "95200019990001235";
            let c = crate::gsrn::gs1_check_digit(body.as_bytes());
            alloc::format!("{body}{c}")
        };
        let e = Wristband::from_elements([("8018", other_prefix.as_str())], &Policy::demo());
        assert_eq!(
            e.err(),
            Some(WristbandError::GsrnPrefixNotAllowed { index: 0 })
        );
        assert_eq!(
            Wristband::from_elements([("7253", "X")], &Policy::demo()).err(),
            Some(WristbandError::MissingGsrn)
        );
        assert_eq!(
            Wristband::from_elements(Vec::<(&str, &str)>::new(), &Policy::demo()).err(),
            Some(WristbandError::MissingGsrn)
        );
    }

    #[test]
    fn unexpected_ais() {
        for (ai, v) in [
            ("01", "09506000134352"),
            ("8017", GSRN),
            ("10", "ABC"),
            ("94", "x"),
            ("95", "x"),
            ("98", "x"),
            ("7241", "01"),
            ("", "x"),
            ("8018x", "1"),
        ] {
            let e = band(&[(ai, v)]);
            let want = if ai.is_empty() || ai.len() > 4 {
                "?"
            } else {
                ai
            };
            assert_eq!(
                e.err(),
                Some(WristbandError::UnexpectedAi {
                    ai: want.into(),
                    index: 4
                }),
                "{ai}"
            );
        }
        let p = Policy::demo().with_local_ais(true);
        let b = Wristband::from_elements([("8018", GSRN), ("93", "x"), ("98", "LOCAL")], &p);
        assert_eq!(b.map(|b| b.internal().len()), Ok(2));
    }

    #[test]
    fn repeats() {
        assert!(band(&[("7253", "Smith")]).is_ok());
        assert_eq!(
            band(&[("7253", "Smyth")]).err(),
            Some(WristbandError::ConflictingRepeat {
                ai: "7253",
                index: 4
            })
        );
        let other = gsrn_for("9990000018");
        assert_eq!(
            band(&[("8018", other.as_str())]).err(),
            Some(WristbandError::ConflictingRepeat {
                ai: "8018",
                index: 4
            })
        );
    }

    #[test]
    fn association_rules() {
        assert_eq!(
            band(&[("7251", "198001181200")]).err(),
            Some(WristbandError::Exclusive {
                ai: "7251",
                other: "7250",
                index: 4
            })
        );
        assert_eq!(
            band(&[("7256", "John%20Smith")]).err(),
            Some(WristbandError::Exclusive {
                ai: "7256",
                other: "7253",
                index: 4
            })
        );
        assert_eq!(
            band(&[("7259", "Smith")]).err(),
            Some(WristbandError::Exclusive {
                ai: "7259",
                other: "7253",
                index: 4
            })
        );
        let e = Wristband::from_elements(
            [("8018", GSRN), ("7256", "A"), ("7259", "B")],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::Exclusive {
                ai: "7259",
                other: "7256",
                index: 2
            })
        );
        let e = Wristband::from_elements(
            [
                ("8018", GSRN),
                ("7253", "A"),
                ("7250", "20000101"),
                ("7258", "1/2"),
            ],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::MissingRequisite {
                ai: "7258",
                requires: "7259",
                index: 3
            })
        );
    }

    #[test]
    fn values() {
        let inv = |ai: &'static str, reason| {
            Some(WristbandError::InvalidValue {
                ai,
                index: 4,
                reason,
            })
        };
        assert_eq!(
            band(&[("8019", "")]).err(),
            inv(
                "8019",
                ValueError::Length {
                    min: 1,
                    max: 10,
                    found: 0
                }
            )
        );
        assert_eq!(
            band(&[("8019", "12345678901")]).err(),
            inv(
                "8019",
                ValueError::Length {
                    min: 1,
                    max: 10,
                    found: 11
                }
            )
        );
        assert_eq!(
            band(&[("7252", "3")]).err(),
            inv(
                "7252",
                ValueError::Sex(SexError::InvalidCode { found: '3' })
            )
        );
        for ok in ["0", "1", "2", "9"] {
            assert!(band(&[("7252", ok)]).is_ok());
        }
        assert_eq!(
            band(&[("7255", "Jr.#")]).err(),
            inv(
                "7255",
                ValueError::Text(TextError::NotCset82 {
                    position: 3,
                    found: '#'
                })
            )
        );
        assert_eq!(
            band(&[("7257", "1%2")]).err(),
            inv(
                "7257",
                ValueError::Text(TextError::BadEscape { position: 1 })
            )
        );
        let long = "A".repeat(71);
        assert_eq!(
            band(&[("7257", long.as_str())]).err(),
            inv(
                "7257",
                ValueError::Length {
                    min: 1,
                    max: 70,
                    found: 71
                }
            )
        );
        let e = Wristband::from_elements(
            [("8018", GSRN), ("7253", "Zo%C3"), ("7250", "20000101")],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::InvalidValue {
                ai: "7253",
                index: 1,
                reason: ValueError::Text(TextError::InvalidUtf8 { position: 2 })
            })
        );
        let e = Wristband::from_elements(
            [("8018", GSRN), ("7253", "X"), ("7250", "20230229")],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::InvalidValue {
                ai: "7250",
                index: 2,
                reason: ValueError::Date(DateError::DayOutOfRange {
                    position: 6,
                    day: 29,
                    max: 28
                })
            })
        );
        let e = Wristband::from_elements(
            [
                ("8018", GSRN),
                ("7259", "X"),
                ("7258", "2/1"),
                ("7251", "202603141205"),
            ],
            &Policy::demo(),
        );
        assert_eq!(
            e.err(),
            Some(WristbandError::InvalidValue {
                ai: "7258",
                index: 2,
                reason: ValueError::BirthSequence { position: 0 }
            })
        );
        assert_eq!(
            BirthSequence::parse("1-2"),
            Err(ValueError::BirthSequence { position: 1 })
        );
        assert_eq!(
            BirthSequence::parse("1/0"),
            Err(ValueError::BirthSequence { position: 2 })
        );
        assert_eq!(
            BirthSequence::parse("10/12"),
            Err(ValueError::Length {
                min: 3,
                max: 3,
                found: 5
            })
        );
    }

    #[test]
    fn required_content() {
        let e = Wristband::from_elements([("8018", GSRN), ("7250", "20000101")], &Policy::demo());
        assert_eq!(e.err(), Some(WristbandError::MissingName));
        let e = Wristband::from_elements(
            [("8018", GSRN), ("7254", "John"), ("7250", "20000101")],
            &Policy::demo(),
        );
        assert_eq!(e.err(), Some(WristbandError::MissingName));
        let e = Wristband::from_elements([("8018", GSRN), ("7253", "Smith")], &Policy::demo());
        assert_eq!(e.err(), Some(WristbandError::MissingDateOfBirth));
        let lax = Policy::demo()
            .with_require_name(false)
            .with_require_date_of_birth(false);
        assert!(Wristband::from_elements([("8018", GSRN)], &lax).is_ok());
        // DCB1077 (93) satisfies both requirements but is not interpreted.
        let b = Wristband::from_elements(
            [("8018", GSRN), ("91", "RXX"), ("93", "SMITH")],
            &Policy::demo(),
        );
        assert_eq!(b.map(|b| b.demographics().family.clone()), Ok(None));
    }

    #[test]
    fn future_dob() {
        let p = Date::new(2026, 11, 25).map(|d| Policy::demo().with_today(d));
        let p = p.unwrap_or_else(|_| Policy::demo());
        let e = Wristband::from_elements([("8018", GSRN), ("7253", "X"), ("7250", "20261126")], &p);
        assert_eq!(
            e.err(),
            Some(WristbandError::DateOfBirthInFuture { index: 2 })
        );
        assert!(
            Wristband::from_elements([("8018", GSRN), ("7253", "X"), ("7250", "20261125")], &p)
                .is_ok()
        );
    }

    #[test]
    fn readme_example() {
        let b = Wristband::from_elements(
            [
                ("8018", GSRN),
                ("7253", "O%E2%80%99Brien"),
                ("7254", "Zo%C3%AB"),
                ("7250", "19800118"),
            ],
            &Policy::demo(),
        )
        .unwrap();
        assert_eq!(b.demographics().display_name(), "O\u{2019}BRIEN, Zoë");
        let record = Demographics::new("OBrien", "Zoe")
            .with_date_of_birth(DateOfBirth::parse_gs1_7250("19800118").unwrap());
        assert!(b.demographics().confirm(&record).is_confirmed());
    }

    #[test]
    fn owned_pairs_accepted() {
        let v: Vec<(String, String)> = vec![
            ("8018".into(), GSRN.into()),
            ("7253".into(), "Nguy%E1%BB%85n".into()),
            ("7254".into(), "Zo%C3%AB".into()),
            ("7250".into(), "19800118".into()),
        ];
        let b = Wristband::from_elements(v, &Policy::demo());
        assert_eq!(
            b.map(|b| b.demographics().display_name()),
            Ok("NGUYỄN, Zoë".into())
        );
    }

    #[test]
    fn error_messages_say_where_and_leak_nothing() {
        let e = band(&[("7253", "Smyth")])
            .err()
            .map(|e| alloc::format!("{e}"))
            .unwrap_or_default();
        assert!(
            e.contains("element 4") && e.contains("7253") && !e.contains("Smyth"),
            "{e}"
        );
        let g = gsrn_for("9990001234");
        let e = Wristband::from_elements([("8018", g.as_str())], &Policy::demo())
            .err()
            .map(|e| alloc::format!("{e}"))
            .unwrap_or_default();
        assert!(e.contains("modulus-11") && !e.contains("999000123"), "{e}");
    }
}
