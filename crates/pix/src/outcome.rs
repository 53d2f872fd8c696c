//! Typed outcomes shared by ITI-9 (MLLP) and ITI-83 (PIXm), and the one rule that turns
//! returned identifiers into a decision.
//!
//! Only [`PixOutcome::Found`] is a match, and it is produced in exactly one place
//! ([`decide`]): exactly one distinct NHS number, passing the modulus-11 check, and no
//! other NHS-number candidate (valid or not). Errors, timeouts and "cannot confirm" are
//! not outcomes at all but [`crate::client::PixError`]s, reported as `unavailable`.
//!
//! ```
//! use bedside_pix::outcome::{decide, OutcomeKind, ReturnedIdentifier};
//! let one = vec![ReturnedIdentifier::nhs("9990001235")];
//! assert_eq!(decide(one, Vec::new()).kind(), OutcomeKind::Found);
//! let two = vec![ReturnedIdentifier::nhs("9990001235"), ReturnedIdentifier::nhs("9990000018")];
//! assert_eq!(decide(two, Vec::new()).kind(), OutcomeKind::Ambiguous);
//! ```

/// The outcome of a PIX query that the manager answered.
///
/// ```
/// use bedside_pix::outcome::{OutcomeKind, PixOutcome};
/// let o = PixOutcome::NotFound { detail: "no link".into() };
/// assert_eq!(o.kind().as_str(), "not_found");
/// assert!(o.nhs_number().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PixOutcome {
    /// Exactly one valid NHS number corresponds to the queried identifier.
    Found {
        /// The NHS number, 10 digits.
        nhs_number: String,
        /// Every identifier kept after filtering (requested domains only, source id dropped).
        identifiers: Vec<ReturnedIdentifier>,
        /// Diagnostics (what was dropped, the manager's transaction ids).
        detail: String,
    },
    /// The identifier is known but has no NHS number in the requested domains (ITI-9 case 2,
    /// PIXm 200 without a target identifier).
    NotFound {
        /// Diagnostics.
        detail: String,
    },
    /// The identifier is not known in its domain (ITI-9 case 3, PIXm 404), e.g. merged away.
    UnknownIdentifier {
        /// Diagnostics.
        detail: String,
    },
    /// The source assigning authority is not recognised (ITI-9 case 4, PIXm 400).
    UnknownSourceDomain {
        /// Diagnostics.
        detail: String,
    },
    /// A requested target domain is not recognised (ITI-9 case 5, PIXm 403).
    UnknownTargetDomain {
        /// Diagnostics.
        detail: String,
    },
    /// More than one NHS number candidate, or a candidate failing the modulus-11 check.
    Ambiguous {
        /// Every distinct NHS-number candidate returned.
        nhs_numbers: Vec<String>,
        /// Diagnostics.
        detail: String,
    },
    /// The manager rejected the query (AR), or answered with an error we cannot classify.
    Rejected {
        /// Diagnostics.
        detail: String,
    },
}

/// The outcome names of the CLI JSON contract.
///
/// ```
/// assert_eq!(bedside_pix::outcome::OutcomeKind::UnknownTargetDomain.as_str(), "unknown_target_domain");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// `found`
    Found,
    /// `not_found`
    NotFound,
    /// `unknown_identifier`
    UnknownIdentifier,
    /// `unknown_source_domain`
    UnknownSourceDomain,
    /// `unknown_target_domain`
    UnknownTargetDomain,
    /// `ambiguous`
    Ambiguous,
    /// `rejected`
    Rejected,
    /// `unavailable` (a [`crate::client::PixError`]: no usable answer)
    Unavailable,
}

impl OutcomeKind {
    /// The stable snake_case name.
    ///
    /// ```
    /// assert_eq!(bedside_pix::outcome::OutcomeKind::Unavailable.as_str(), "unavailable");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::NotFound => "not_found",
            Self::UnknownIdentifier => "unknown_identifier",
            Self::UnknownSourceDomain => "unknown_source_domain",
            Self::UnknownTargetDomain => "unknown_target_domain",
            Self::Ambiguous => "ambiguous",
            Self::Rejected => "rejected",
            Self::Unavailable => "unavailable",
        }
    }
}

impl core::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PixOutcome {
    /// The outcome's kind.
    ///
    /// ```
    /// use bedside_pix::outcome::{OutcomeKind, PixOutcome};
    /// assert_eq!(PixOutcome::Rejected { detail: String::new() }.kind(), OutcomeKind::Rejected);
    /// ```
    #[must_use]
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Self::Found { .. } => OutcomeKind::Found,
            Self::NotFound { .. } => OutcomeKind::NotFound,
            Self::UnknownIdentifier { .. } => OutcomeKind::UnknownIdentifier,
            Self::UnknownSourceDomain { .. } => OutcomeKind::UnknownSourceDomain,
            Self::UnknownTargetDomain { .. } => OutcomeKind::UnknownTargetDomain,
            Self::Ambiguous { .. } => OutcomeKind::Ambiguous,
            Self::Rejected { .. } => OutcomeKind::Rejected,
        }
    }

    /// The NHS number, only for [`PixOutcome::Found`].
    ///
    /// ```
    /// let o = bedside_pix::outcome::decide(vec![bedside_pix::outcome::ReturnedIdentifier::nhs("9990001235")], vec![]);
    /// assert_eq!(o.nhs_number(), Some("9990001235"));
    /// ```
    #[must_use]
    pub fn nhs_number(&self) -> Option<&str> {
        match self {
            Self::Found { nhs_number, .. } => Some(nhs_number),
            _ => None,
        }
    }

    /// The diagnostic text.
    ///
    /// ```
    /// assert_eq!(bedside_pix::outcome::PixOutcome::NotFound { detail: "x".into() }.detail(), "x");
    /// ```
    #[must_use]
    pub fn detail(&self) -> &str {
        match self {
            Self::Found { detail, .. }
            | Self::NotFound { detail }
            | Self::UnknownIdentifier { detail }
            | Self::UnknownSourceDomain { detail }
            | Self::UnknownTargetDomain { detail }
            | Self::Ambiguous { detail, .. }
            | Self::Rejected { detail } => detail,
        }
    }

    /// True only for [`PixOutcome::Found`].
    ///
    /// ```
    /// assert!(!bedside_pix::outcome::PixOutcome::NotFound { detail: String::new() }.is_match());
    /// ```
    #[must_use]
    pub fn is_match(&self) -> bool {
        matches!(self, Self::Found { .. })
    }

    /// Appends diagnostic text.
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        if note.is_empty() {
            return self;
        }
        let d = match &mut self {
            Self::Found { detail, .. }
            | Self::NotFound { detail }
            | Self::UnknownIdentifier { detail }
            | Self::UnknownSourceDomain { detail }
            | Self::UnknownTargetDomain { detail }
            | Self::Ambiguous { detail, .. }
            | Self::Rejected { detail } => detail,
        };
        if !d.is_empty() {
            d.push_str("; ");
        }
        d.push_str(note);
        self
    }
}

/// One identifier the manager returned, after filtering.
///
/// ```
/// let r = bedside_pix::outcome::ReturnedIdentifier::nhs("9990001235");
/// assert!(r.is_nhs_number);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedIdentifier {
    /// The identifier value.
    pub value: String,
    /// Its assigning authority as received (HL7 v2 `NS&OID&ISO` or a FHIR system).
    pub authority: String,
    /// True when the authority is the NHS number domain.
    pub is_nhs_number: bool,
}

impl ReturnedIdentifier {
    /// An NHS number with the canonical FHIR system.
    ///
    /// ```
    /// assert_eq!(bedside_pix::outcome::ReturnedIdentifier::nhs("1").authority, "https://fhir.nhs.uk/Id/nhs-number");
    /// ```
    #[must_use]
    pub fn nhs(value: &str) -> Self {
        Self {
            value: value.to_owned(),
            authority: crate::domain::NHS_NUMBER_URI.to_owned(),
            is_nhs_number: true,
        }
    }
}

/// Modulus-11 check of an NHS number (NHS Data Dictionary): 10 ASCII digits, weights
/// 10..2 on the first nine, check = 11 − (sum mod 11), 11 → 0, 10 → invalid; repdigits
/// (which always pass the arithmetic) are rejected as dummy values.
///
/// Private stand-in until `bedside-patient` (the owner of NHS number rules) is ready.
///
/// ```
/// use bedside_pix::outcome::nhs_number_is_valid;
/// assert!(nhs_number_is_valid("9434765919"));
/// assert!(nhs_number_is_valid("9990001235"));
/// assert!(!nhs_number_is_valid("9990001236"));
/// assert!(!nhs_number_is_valid("4444444444"));
/// assert!(!nhs_number_is_valid("999 000 1235"));
/// ```
#[must_use]
pub fn nhs_number_is_valid(s: &str) -> bool {
    // Exactly ten digits as the exchange sends them (no spaces); the 999 test
    // range is syntactically valid here, and whether test data is acceptable is
    // the caller's policy. bedside-patient owns the modulus-11 and repdigit rules.
    s.len() == 10 && bedside_patient::NhsNumber::parse(s, bedside_patient::TestData::Allow).is_ok()
}

/// Turns the (already filtered) identifiers a manager returned into an outcome. This is
/// the only constructor of [`PixOutcome::Found`] in the crate.
///
/// `notes` are appended to the detail (e.g. which repetitions were dropped and why).
///
/// ```
/// use bedside_pix::outcome::{decide, OutcomeKind, ReturnedIdentifier};
/// assert_eq!(decide(vec![], vec![]).kind(), OutcomeKind::NotFound);
/// let bad = decide(vec![ReturnedIdentifier::nhs("9990001236")], vec![]);
/// assert_eq!(bad.kind(), OutcomeKind::Ambiguous);
/// assert!(bad.detail().contains("modulus-11"));
/// ```
#[must_use]
pub fn decide(identifiers: Vec<ReturnedIdentifier>, notes: Vec<String>) -> PixOutcome {
    let mut candidates: Vec<String> = Vec::new();
    for id in identifiers.iter().filter(|i| i.is_nhs_number) {
        if !candidates.contains(&id.value) {
            candidates.push(id.value.clone());
        }
    }
    let invalid: Vec<&String> = candidates
        .iter()
        .filter(|c| !nhs_number_is_valid(c))
        .collect();
    let mut detail_parts = notes;
    for i in &invalid {
        detail_parts.push(format!(
            "returned NHS number {i:?} fails the modulus-11 check and is never a match"
        ));
    }
    let outcome = match (candidates.len(), invalid.is_empty()) {
        (0, _) => PixOutcome::NotFound {
            detail: "the manager returned no NHS number in the requested domains".to_owned(),
        },
        (1, true) => PixOutcome::Found {
            nhs_number: candidates[0].clone(),
            identifiers,
            detail: String::new(),
        },
        (n, _) => PixOutcome::Ambiguous {
            detail: if n > 1 {
                format!("the manager returned {n} distinct NHS numbers")
            } else {
                "the only NHS number returned is not valid".to_owned()
            },
            nhs_numbers: candidates,
        },
    };
    outcome.with_note(&detail_parts.join("; "))
}
