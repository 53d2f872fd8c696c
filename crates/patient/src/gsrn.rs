//! GSRN (Global Service Relation Number), the key of GS1 AI 8018 on a patient wristband.
//!
//! Layout assumed for NHS wristbands (DCB1077, as summarised in the project's domain notes;
//! the split is inferred from the lengths, 18 = 7 + 10 + 1):
//!
//! ```text
//! digit:  1 ..... 7 | 8 ............ 17 | 18
//!         NHS GS1    | NHS number        | GS1 mod-10
//!         company    | (10 digits, its   | check digit over
//!         prefix     |  own mod-11 check)| digits 1-17
//! ```
//!
//! Example: `952000099900012352` = prefix `9520000` + NHS number `9990001235` + check `2`.

use core::fmt;

pub use bedside_gs1::keys::Gsrn;
use bedside_gs1::keys::KeyError;
use thiserror::Error;

use crate::nhs::NhsNumber;

/// Why a GSRN or a GSRN company prefix is not acceptable. Positions are 0-based.
///
/// ```
/// use bedside_patient::{parse_gsrn, GsrnError};
/// assert_eq!(
///     parse_gsrn("952000099900012353"),
///     Err(GsrnError::CheckDigit { position: 17, expected: 2, found: 3 })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GsrnError {
    /// Not exactly 18 characters.
    #[error("GSRN: {found} characters, exactly 18 digits required")]
    Length {
        /// Characters given.
        found: usize,
    },
    /// A non-digit character.
    #[error("GSRN: non-digit at position {position}")]
    NonDigit {
        /// 0-based position.
        position: usize,
    },
    /// The GS1 mod-10 check digit (digit 18) is wrong.
    #[error("GSRN: GS1 mod-10 check digit at position {position} is {found}, expected {expected}")]
    CheckDigit {
        /// 0-based position of the check digit (17).
        position: usize,
        /// Computed check digit.
        expected: u8,
        /// Digit given.
        found: u8,
    },
    /// A company prefix that is not exactly 7 digits.
    #[error("GSRN company prefix: {found} characters, exactly 7 digits required")]
    PrefixLength {
        /// Characters given.
        found: usize,
    },
    /// A company prefix with a non-digit.
    #[error("GSRN company prefix: non-digit at position {position}")]
    PrefixNonDigit {
        /// 0-based position.
        position: usize,
    },
}

/// GS1 mod-10 check digit (0-9) for `digits`, the key without its check position.
/// Delegates to `bedside-gs1`, which owns the algorithm.
#[cfg(test)]
pub(crate) fn gs1_check_digit(digits: &[u8]) -> u8 {
    let mut key = [b'0'; 32];
    let n = digits.len().min(key.len() - 1);
    key[..n].copy_from_slice(&digits[..n]);
    bedside_gs1::lint::gs1_check_digit(&key[..=n]).map_or(0, |c| c.wrapping_sub(b'0'))
}

/// Parses 18 digits into a [`Gsrn`] (the one GSRN type, owned by `bedside-gs1`) and checks
/// the GS1 mod-10 check digit, with an error that names the position and both digits.
///
/// ```
/// use bedside_patient::{parse_gsrn, GsrnError};
/// assert_eq!(parse_gsrn("95200009990001235"), Err(GsrnError::Length { found: 17 }));
/// assert_eq!(parse_gsrn("952000099900012352")?.as_str(), "952000099900012352");
/// # Ok::<(), GsrnError>(())
/// ```
pub fn parse_gsrn(s: &str) -> Result<Gsrn, GsrnError> {
    // Characters, not bytes: "17 characters" is what a person counts on the band.
    let found = s.chars().count();
    if found != 18 {
        return Err(GsrnError::Length { found });
    }
    Gsrn::parse(s).map_err(|e| match e {
        KeyError::NotDigit { position } => GsrnError::NonDigit { position },
        KeyError::CheckDigit { expected } => GsrnError::CheckDigit {
            position: 17,
            expected: expected.wrapping_sub(b'0'),
            found: s.as_bytes().get(17).map_or(0, |c| c.wrapping_sub(b'0')),
        },
        _ => GsrnError::Length { found },
    })
}

/// The NHS wristband layout of a GSRN (7-digit company prefix + 10-digit NHS number + check
/// digit), as an extension of the one [`Gsrn`] type.
///
/// ```
/// use bedside_patient::{parse_gsrn, NhsGsrn};
/// let g = parse_gsrn("952000099900012352")?;
/// assert_eq!(g.company_prefix(), "9520000");
/// assert_eq!(g.service_reference(), "9990001235");
/// # Ok::<(), bedside_patient::GsrnError>(())
/// ```
pub trait NhsGsrn: Sized {
    /// Builds the GSRN that carries `nhs` under `prefix`, computing the check digit.
    ///
    /// ```
    /// # use bedside_patient::{Gsrn, GsrnPrefix, NhsGsrn, NhsNumber, TestData};
    /// let nhs = NhsNumber::parse("9990001235", TestData::Allow)?;
    /// let g = Gsrn::for_nhs_number(&GsrnPrefix::EXAMPLE, &nhs);
    /// assert_eq!(g.as_str(), "952000099900012352");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn for_nhs_number(prefix: &GsrnPrefix, nhs: &NhsNumber) -> Self;
    /// Digits 1-7: the GS1 company prefix under the 7 + 10 + 1 layout.
    fn company_prefix(&self) -> &str;
    /// Digits 8-17: the service reference, which on an NHS band is the NHS number.
    fn service_reference(&self) -> &str;
}

impl NhsGsrn for Gsrn {
    fn for_nhs_number(prefix: &GsrnPrefix, nhs: &NhsNumber) -> Self {
        let mut body = [b'0'; 17];
        body[..7].copy_from_slice(&prefix.0);
        body[7..].copy_from_slice(&nhs.digits());
        // `GsrnPrefix` and `NhsNumber` hold ASCII digits only (their constructors check),
        // and `from_body` fails only on a non-digit.
        Gsrn::from_body(&body).unwrap_or_else(|_| unreachable!("prefix and NHS number are digits"))
    }

    fn company_prefix(&self) -> &str {
        self.as_str().get(..7).unwrap_or_default()
    }

    fn service_reference(&self) -> &str {
        self.as_str().get(7..17).unwrap_or_default()
    }
}

/// A 7-digit GS1 company prefix under which the trust's wristband GSRNs are issued. Which
/// prefix the NHS uses is an open question (see the domain notes), so it is configuration:
/// [`crate::Policy`] holds the allow-list.
///
/// ```
/// use bedside_patient::GsrnPrefix;
/// let p = GsrnPrefix::new("9520000")?;
/// assert_eq!(p, GsrnPrefix::EXAMPLE);
/// assert!(GsrnPrefix::new("952").is_err());
/// # Ok::<(), bedside_patient::GsrnError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GsrnPrefix([u8; 7]);

impl GsrnPrefix {
    /// `9520000`: GS1 prefix 952 is reserved for demonstrations and examples.
    pub const EXAMPLE: GsrnPrefix = GsrnPrefix(*b"9520000");

    /// Parses exactly 7 ASCII digits.
    ///
    /// ```
    /// # use bedside_patient::{GsrnError, GsrnPrefix};
    /// assert_eq!(GsrnPrefix::new("95200x0"), Err(GsrnError::PrefixNonDigit { position: 5 }));
    /// ```
    pub fn new(s: &str) -> Result<Self, GsrnError> {
        if let Some((position, _)) = s.char_indices().find(|&(_, c)| !c.is_ascii_digit()) {
            return Err(GsrnError::PrefixNonDigit { position });
        }
        let digits: [u8; 7] = s
            .as_bytes()
            .try_into()
            .map_err(|_| GsrnError::PrefixLength { found: s.len() })?;
        Ok(GsrnPrefix(digits))
    }

    /// The 7 digits.
    ///
    /// ```
    /// # use bedside_patient::GsrnPrefix;
    /// assert_eq!(GsrnPrefix::EXAMPLE.as_str(), "9520000");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for GsrnPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GsrnPrefix").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_examples() {
        // From the domain notes: 95200009990001235 -> 2.
        assert_eq!(gs1_check_digit(b"95200009990001235"), 2);
        // GTIN-13 example 400638133393(1).
        assert_eq!(gs1_check_digit(b"400638133393"), 1);
        // Digit 0 case.
        assert_eq!(gs1_check_digit(b"0"), 0);
    }

    #[test]
    fn parse_errors() {
        assert_eq!(parse_gsrn(""), Err(GsrnError::Length { found: 0 }));
        assert_eq!(
            parse_gsrn("95200009990001235x"),
            Err(GsrnError::NonDigit { position: 17 })
        );
        assert_eq!(
            parse_gsrn("9520000999000123é"),
            Err(GsrnError::Length { found: 17 })
        );
        assert_eq!(
            parse_gsrn("952000099900012359"),
            Err(GsrnError::CheckDigit {
                position: 17,
                expected: 2,
                found: 9
            })
        );
        assert!(parse_gsrn("952000099900012352").is_ok());
    }
}
