//! Local hospital numbers (MRN) with their assigning authority.

use alloc::string::String;
use core::fmt;

use thiserror::Error;

use crate::domain::{AssigningAuthority, IdentifierDomain};

/// Maximum length of a hospital number value.
const MAX_LEN: usize = 20;

/// Why a hospital number value is not acceptable. Positions are 0-based characters.
///
/// ```
/// use bedside_patient::{HospitalNumber, HospitalNumberError, IdentifierDomain};
/// let d = IdentifierDomain::example_trust_mrn();
/// assert_eq!(
///     HospitalNumber::new("K123 4567", &d),
///     Err(HospitalNumberError::InvalidCharacter { position: 4, found: ' ' })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HospitalNumberError {
    /// Empty value.
    #[error("hospital number is empty")]
    Empty,
    /// Longer than 20 characters.
    #[error("hospital number: {found} characters, at most {max}")]
    TooLong {
        /// Characters given.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside `A-Z a-z 0-9 - / .`, or a separator in first place.
    #[error(
        "hospital number: character {found:?} at position {position} not allowed (A-Z a-z 0-9, and - / . after the first)"
    )]
    InvalidCharacter {
        /// 0-based position.
        position: usize,
        /// The character.
        found: char,
    },
    /// The domain given is not a hospital-number domain (its type code is not `MR`).
    #[error("hospital number: domain type code is {found:?}, expected MR")]
    NotAnMrnDomain {
        /// The domain's type code.
        found: String,
    },
}

/// A local hospital number (medical record number, HL7 type `MR`) with the assigning
/// authority that issued it. The value is kept exactly as given (case-sensitive, no
/// normalisation); it is 1-20 characters of `A-Z a-z 0-9` with `-`, `/`, `.` allowed after
/// the first character, so it can be placed in HL7 v2 CX.1 and FHIR `Identifier.value`
/// without escaping.
///
/// ```
/// use bedside_patient::{HospitalNumber, IdentifierDomain};
/// let mrn = HospitalNumber::new("K1234567", &IdentifierDomain::example_trust_mrn())?;
/// assert_eq!(mrn.to_v2_cx(), "K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR");
/// assert_eq!(mrn.to_string(), "K1234567 (TRUST_MRN)");
/// # Ok::<(), bedside_patient::HospitalNumberError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HospitalNumber {
    value: String,
    authority: AssigningAuthority,
}

impl HospitalNumber {
    /// Validates `value` and binds it to `domain`, which must have type code `MR`.
    ///
    /// ```
    /// # use bedside_patient::{HospitalNumber, IdentifierDomain};
    /// assert!(HospitalNumber::new("K1234567", &IdentifierDomain::nhs_number()).is_err());
    /// ```
    pub fn new(value: &str, domain: &IdentifierDomain) -> Result<Self, HospitalNumberError> {
        if domain.type_code().as_str() != "MR" {
            return Err(HospitalNumberError::NotAnMrnDomain {
                found: String::from(domain.type_code().as_str()),
            });
        }
        Self::with_authority(value, domain.authority().clone())
    }

    /// Validates `value` and binds it to an assigning authority directly.
    ///
    /// ```
    /// # use bedside_patient::{AssigningAuthority, HospitalNumber};
    /// let a = AssigningAuthority::new("PAS", "2.999.1")?;
    /// let mrn = HospitalNumber::with_authority("RXX/123", a)?;
    /// assert_eq!(mrn.value(), "RXX/123");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_authority(
        value: &str,
        authority: AssigningAuthority,
    ) -> Result<Self, HospitalNumberError> {
        if value.is_empty() {
            return Err(HospitalNumberError::Empty);
        }
        for (position, c) in value.chars().enumerate() {
            let ok = c.is_ascii_alphanumeric() || (position > 0 && matches!(c, '-' | '/' | '.'));
            if !ok {
                return Err(HospitalNumberError::InvalidCharacter { position, found: c });
            }
        }
        let found = value.chars().count();
        if found > MAX_LEN {
            return Err(HospitalNumberError::TooLong {
                found,
                max: MAX_LEN,
            });
        }
        Ok(HospitalNumber {
            value: String::from(value),
            authority,
        })
    }

    /// The value as issued.
    ///
    /// ```
    /// # use bedside_patient::{HospitalNumber, IdentifierDomain};
    /// let mrn = HospitalNumber::new("K1234567", &IdentifierDomain::example_trust_mrn())?;
    /// assert_eq!(mrn.value(), "K1234567");
    /// # Ok::<(), bedside_patient::HospitalNumberError>(())
    /// ```
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The assigning authority.
    ///
    /// ```
    /// # use bedside_patient::{HospitalNumber, IdentifierDomain};
    /// let mrn = HospitalNumber::new("K1234567", &IdentifierDomain::example_trust_mrn())?;
    /// assert_eq!(mrn.authority().namespace(), "TRUST_MRN");
    /// # Ok::<(), bedside_patient::HospitalNumberError>(())
    /// ```
    #[must_use]
    pub fn authority(&self) -> &AssigningAuthority {
        &self.authority
    }

    /// HL7 v2 CX: `value^^^namespace&OID&ISO^MR`.
    ///
    /// ```
    /// # use bedside_patient::{HospitalNumber, IdentifierDomain};
    /// let mrn = HospitalNumber::new("K1", &IdentifierDomain::example_trust_mrn())?;
    /// assert_eq!(mrn.to_v2_cx(), "K1^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR");
    /// # Ok::<(), bedside_patient::HospitalNumberError>(())
    /// ```
    #[must_use]
    pub fn to_v2_cx(&self) -> String {
        alloc::format!("{}^^^{}^MR", self.value, self.authority.to_hd())
    }
}

impl fmt::Display for HospitalNumber {
    /// `K1234567 (TRUST_MRN)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.value, self.authority.namespace())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for HospitalNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            value: String,
            authority: AssigningAuthority,
        }
        let r = Raw::deserialize(d)?;
        HospitalNumber::with_authority(&r.value, r.authority).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let d = IdentifierDomain::example_trust_mrn();
        assert!(HospitalNumber::new("K1234567", &d).is_ok());
        assert_eq!(HospitalNumber::new("", &d), Err(HospitalNumberError::Empty));
        assert_eq!(
            HospitalNumber::new("-K1", &d),
            Err(HospitalNumberError::InvalidCharacter {
                position: 0,
                found: '-'
            })
        );
        assert_eq!(
            HospitalNumber::new("K1^", &d),
            Err(HospitalNumberError::InvalidCharacter {
                position: 2,
                found: '^'
            })
        );
        assert_eq!(
            HospitalNumber::new("K123456789012345678901", &d),
            Err(HospitalNumberError::TooLong { found: 22, max: 20 })
        );
        assert_eq!(
            HospitalNumber::new("K1", &IdentifierDomain::nhs_number()),
            Err(HospitalNumberError::NotAnMrnDomain { found: "NH".into() })
        );
        // Case is significant: no normalisation.
        let a = HospitalNumber::new("k1", &d);
        let b = HospitalNumber::new("K1", &d);
        assert!(a.is_ok() && b.is_ok() && a != b);
    }
}
