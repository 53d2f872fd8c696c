//! The NHS number (and the CHI and H&C numbers that share its format).

use core::fmt;
use core::str::FromStr;

use thiserror::Error;

/// Whether numbers from the test range `999 000 0000`-`999 999 9999` are accepted.
///
/// The range is reserved for testing and never issued; seeing one in production means test
/// data has leaked, so production callers use [`TestData::Reject`].
///
/// ```
/// use bedside_patient::{NhsNumber, TestData};
/// assert!(NhsNumber::parse("999 000 1235", TestData::Reject).is_err());
/// assert!(NhsNumber::parse("999 000 1235", TestData::Allow).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TestData {
    /// Refuse test-range numbers (production; the default).
    #[default]
    Reject,
    /// Accept test-range numbers (demos, training systems, tests).
    Allow,
}

/// Why a string is not an acceptable NHS number.
///
/// Positions are 0-based character positions in the input as given. Messages never repeat
/// the digits (the number is personal data).
///
/// ```
/// use bedside_patient::{NhsNumber, NhsNumberError, TestData};
/// assert_eq!(
///     NhsNumber::parse("943 476 5918", TestData::Reject),
///     Err(NhsNumberError::CheckDigitMismatch { position: 11, expected: 9, found: 8 })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NhsNumberError {
    /// The input was empty.
    #[error("NHS number is empty")]
    Empty,
    /// A character other than an ASCII digit or a grouping space.
    #[error(
        "NHS number: invalid character {found:?} at position {position} (only digits and single spaces in the 3 3 4 grouping)"
    )]
    InvalidCharacter {
        /// 0-based character position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// A space somewhere other than after the 3rd or 6th digit, or two spaces in a row.
    #[error(
        "NHS number: space at position {position} is not at a 3 3 4 group boundary (after digit 3 or 6)"
    )]
    MisplacedSpace {
        /// 0-based character position of the space.
        position: usize,
    },
    /// Fewer than 10 digits.
    #[error("NHS number: {found} digits, exactly 10 are required")]
    TooFewDigits {
        /// Number of digits seen.
        found: usize,
    },
    /// More than 10 digits.
    #[error("NHS number: an 11th digit at position {position}, exactly 10 are required")]
    TooManyDigits {
        /// 0-based character position of the 11th digit.
        position: usize,
    },
    /// Modulus 11 gives a check value of 10: such numbers are never issued.
    #[error(
        "NHS number: modulus-11 check value is 10, which is never issued (invalid number), check digit at position {position}"
    )]
    CheckValueTen {
        /// 0-based character position of the check digit.
        position: usize,
    },
    /// The 10th digit differs from the modulus-11 check value.
    #[error(
        "NHS number: modulus-11 check digit at position {position} is {found}, expected {expected}"
    )]
    CheckDigitMismatch {
        /// 0-based character position of the check digit.
        position: usize,
        /// The check digit computed from digits 1-9.
        expected: u8,
        /// The 10th digit as given.
        found: u8,
    },
    /// All ten digits are the same (`0000000000` ... `9999999999`): every such number passes
    /// modulus 11, and they are classic dummy values.
    #[error("NHS number: all ten digits are {digit}, a dummy value that is rejected")]
    Repdigit {
        /// The repeated digit.
        digit: u8,
    },
    /// A number from the 999 test range while test data is not allowed.
    #[error(
        "NHS number: from the 999 test range, which is never issued; refused because test data is not allowed"
    )]
    TestNumberNotAllowed,
}

/// The published number ranges, by the first nine digits. Informational only: sources
/// disagree in places, so nothing is rejected on range except the test range.
///
/// ```
/// use bedside_patient::{IssuingRange, NhsNumber, TestData};
/// let n = NhsNumber::parse("401 023 2137", TestData::Reject)?;
/// assert_eq!(n.issuing_range(), IssuingRange::EnglandWalesIsleOfMan);
/// # Ok::<(), bedside_patient::NhsNumberError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum IssuingRange {
    /// `400 000 000`-`499 999 999` and `600 000 000`-`799 999 999` (first nine digits).
    EnglandWalesIsleOfMan,
    /// Scottish CHI numbers, `010 100 0000`-`311 299 9999` (date-of-birth based).
    ScotlandChi,
    /// Northern Ireland Health and Care numbers, `320 000 001`-`399 999 999` (first nine
    /// digits). Some newer English numbers are reported in 3xx too: do not rely on this.
    NorthernIrelandHealthAndCare,
    /// `999 000 0000`-`999 999 9999`: reserved for testing, never issued.
    Test,
    /// None of the published ranges (not an error: ranges are not authoritative).
    Unlisted,
}

/// A valid NHS number: 10 digits, modulus-11 check digit correct (a check value of 10 is
/// invalid), not a repdigit. Test-range numbers exist only if the parser was allowed to
/// accept them ([`TestData::Allow`]).
///
/// Displayed as `943 476 5919` (3 3 4, single spaces); stored and serialised as the
/// 10-character string `9434765919`, never as an integer (leading zeros are real).
///
/// ```
/// use bedside_patient::{NhsNumber, TestData};
/// let n: NhsNumber = "9434765919".parse()?;
/// assert_eq!(format!("{n}"), "943 476 5919");
/// assert_eq!(n, NhsNumber::parse("943 476 5919", TestData::Reject)?);
/// # Ok::<(), bedside_patient::NhsNumberError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber([u8; 10]);

/// Weights for digits 1..9 (NHS Data Dictionary, NHS NUMBER).
const WEIGHTS: [u32; 9] = [10, 9, 8, 7, 6, 5, 4, 3, 2];

impl NhsNumber {
    /// Parses an NHS number typed or scanned by a person.
    ///
    /// Accepted: exactly 10 ASCII digits, optionally with single ASCII spaces at the 3 3 4
    /// group boundaries (`9434765919`, `943 476 5919`, also `943 4765919`). Nothing else: no
    /// leading or trailing whitespace, no hyphens, no other separators.
    ///
    /// ```
    /// use bedside_patient::{NhsNumber, NhsNumberError, TestData};
    /// assert!(NhsNumber::parse("943 476 5919", TestData::Reject).is_ok());
    /// assert_eq!(
    ///     NhsNumber::parse("943-476-5919", TestData::Reject),
    ///     Err(NhsNumberError::InvalidCharacter { position: 3, found: '-' })
    /// );
    /// ```
    pub fn parse(input: &str, test_data: TestData) -> Result<Self, NhsNumberError> {
        if input.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        let mut digits = [0u8; 10];
        let mut count = 0usize;
        let mut last_was_space = false;
        let mut check_position = 0usize;
        for (position, c) in input.chars().enumerate() {
            match c {
                '0'..='9' => {
                    let slot = digits
                        .get_mut(count)
                        .ok_or(NhsNumberError::TooManyDigits { position })?;
                    *slot = c as u8;
                    if count == 9 {
                        check_position = position;
                    }
                    count += 1;
                    last_was_space = false;
                }
                ' ' => {
                    if last_was_space || !(count == 3 || count == 6) {
                        return Err(NhsNumberError::MisplacedSpace { position });
                    }
                    last_was_space = true;
                }
                found => return Err(NhsNumberError::InvalidCharacter { position, found }),
            }
        }
        if count < 10 {
            return Err(NhsNumberError::TooFewDigits { found: count });
        }
        Self::from_digits(digits, check_position, test_data)
    }

    /// Validates 10 ASCII digits; `check_position` is only used for error reporting.
    fn from_digits(
        digits: [u8; 10],
        check_position: usize,
        test_data: TestData,
    ) -> Result<Self, NhsNumberError> {
        let [d0, rest @ ..] = digits;
        if rest.iter().all(|&d| d == d0) {
            return Err(NhsNumberError::Repdigit { digit: d0 - b'0' });
        }
        let [first9 @ .., check] = digits;
        match check_value(&first9) {
            None => {
                return Err(NhsNumberError::CheckValueTen {
                    position: check_position,
                });
            }
            Some(expected) if expected != check - b'0' => {
                return Err(NhsNumberError::CheckDigitMismatch {
                    position: check_position,
                    expected,
                    found: check - b'0',
                });
            }
            Some(_) => {}
        }
        let n = NhsNumber(digits);
        if n.is_test() && test_data == TestData::Reject {
            return Err(NhsNumberError::TestNumberNotAllowed);
        }
        Ok(n)
    }

    /// Parses exactly 10 ASCII digits with no spaces (machine-to-machine form, e.g. the
    /// digits embedded in a GSRN or an HL7 CX.1). Positions in errors are 0-based in `input`.
    ///
    /// ```
    /// use bedside_patient::{NhsNumber, TestData};
    /// assert!(NhsNumber::parse_compact("9434765919", TestData::Reject).is_ok());
    /// assert!(NhsNumber::parse_compact("943 476 5919", TestData::Reject).is_err());
    /// ```
    pub fn parse_compact(input: &str, test_data: TestData) -> Result<Self, NhsNumberError> {
        if input.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        let mut digits = [0u8; 10];
        let mut count = 0usize;
        for (position, c) in input.chars().enumerate() {
            if !c.is_ascii_digit() {
                return Err(NhsNumberError::InvalidCharacter { position, found: c });
            }
            let slot = digits
                .get_mut(count)
                .ok_or(NhsNumberError::TooManyDigits { position })?;
            *slot = c as u8;
            count += 1;
        }
        if count < 10 {
            return Err(NhsNumberError::TooFewDigits { found: count });
        }
        Self::from_digits(digits, 9, test_data)
    }

    /// Builds the number from its first nine digits by computing the check digit. Returns
    /// `None` if any byte is not an ASCII digit, the check value is 10, or the result is a
    /// repdigit. Test-range numbers are returned (this is a constructor for generators and
    /// tests, not for input).
    ///
    /// ```
    /// use bedside_patient::NhsNumber;
    /// let n = NhsNumber::from_first_nine(*b"999000123").ok_or("no valid check digit")?;
    /// assert_eq!(n.as_str(), "9990001235");
    /// assert!(NhsNumber::from_first_nine(*b"999999999").is_none()); // repdigit
    /// # Ok::<(), &'static str>(())
    /// ```
    #[must_use]
    pub fn from_first_nine(first9: [u8; 9]) -> Option<Self> {
        if !first9.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let check = check_value(&first9)?;
        let mut digits = [0u8; 10];
        digits[..9].copy_from_slice(&first9);
        digits[9] = b'0' + check;
        Self::from_digits(digits, 9, TestData::Allow).ok()
    }

    /// The 10 digits, no spaces (`9434765919`).
    ///
    /// ```
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let n = NhsNumber::parse("943 476 5919", TestData::Reject)?;
    /// assert_eq!(n.as_str(), "9434765919");
    /// # Ok::<(), bedside_patient::NhsNumberError>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        // The array only ever holds ASCII digits (checked on construction), so this never
        // takes the fallback branch.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 10 digits as ASCII bytes.
    ///
    /// ```
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let n = NhsNumber::parse("9434765919", TestData::Reject)?;
    /// assert_eq!(&n.digits(), b"9434765919");
    /// # Ok::<(), bedside_patient::NhsNumberError>(())
    /// ```
    #[must_use]
    pub const fn digits(&self) -> [u8; 10] {
        self.0
    }

    /// True for the `999 000 0000`-`999 999 9999` test range.
    ///
    /// ```
    /// # use bedside_patient::{NhsNumber, TestData};
    /// assert!(NhsNumber::parse("999 000 0018", TestData::Allow)?.is_test());
    /// assert!(!NhsNumber::parse("943 476 5919", TestData::Allow)?.is_test());
    /// # Ok::<(), bedside_patient::NhsNumberError>(())
    /// ```
    #[must_use]
    pub fn is_test(&self) -> bool {
        self.0.starts_with(b"999")
    }

    /// The published range the number falls in (informational, see [`IssuingRange`]).
    ///
    /// ```
    /// # use bedside_patient::{IssuingRange, NhsNumber, TestData};
    /// let chi = NhsNumber::parse("0101011234", TestData::Reject);
    /// # let _ = chi;
    /// let n = NhsNumber::parse("999 000 1235", TestData::Allow)?;
    /// assert_eq!(n.issuing_range(), IssuingRange::Test);
    /// # Ok::<(), bedside_patient::NhsNumberError>(())
    /// ```
    #[must_use]
    pub fn issuing_range(&self) -> IssuingRange {
        let first9 = self.0[..9]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
        match first9 {
            999_000_000..=999_999_999 => IssuingRange::Test,
            400_000_000..=499_999_999 | 600_000_000..=799_999_999 => {
                IssuingRange::EnglandWalesIsleOfMan
            }
            10_100_000..=311_299_999 => IssuingRange::ScotlandChi,
            320_000_001..=399_999_999 => IssuingRange::NorthernIrelandHealthAndCare,
            _ => IssuingRange::Unlisted,
        }
    }
}

/// Modulus-11 check value of the first nine digits, `None` when it is 10 (invalid).
fn check_value(first9: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first9
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        // 1..=9 fits a u8.
        v => u8::try_from(v).ok(),
    }
}

impl fmt::Display for NhsNumber {
    /// `943 476 5919`: 3 3 4 with single spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_str();
        match (s.get(..3), s.get(3..6), s.get(6..)) {
            (Some(a), Some(b), Some(c)) => write!(f, "{a} {b} {c}"),
            _ => f.write_str(s),
        }
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("NhsNumber").field(&self.as_str()).finish()
    }
}

impl FromStr for NhsNumber {
    type Err = NhsNumberError;

    /// Same as [`NhsNumber::parse`] with [`TestData::Reject`] (fail closed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s, TestData::Reject)
    }
}

impl AsRef<str> for NhsNumber {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for NhsNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for NhsNumber {
    /// Accepts exactly the 10-character form; test-range numbers are refused (use
    /// [`allow_test_data`] with `#[serde(with = ...)]` where they are wanted).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, TestData::Reject)
    }
}

#[cfg(feature = "serde")]
fn deserialize_with<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    test_data: TestData,
) -> Result<NhsNumber, D::Error> {
    struct V(TestData);
    impl serde::de::Visitor<'_> for V {
        type Value = NhsNumber;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 10-digit NHS number string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NhsNumber, E> {
            NhsNumber::parse_compact(v, self.0).map_err(E::custom)
        }
    }
    deserializer.deserialize_str(V(test_data))
}

/// Serde adapter that also accepts test-range NHS numbers, for demo and test data:
/// `#[serde(with = "bedside_patient::allow_test_data")]`.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use bedside_patient::NhsNumber;
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Demo {
///     #[serde(with = "bedside_patient::allow_test_data")]
///     nhs: NhsNumber,
/// }
/// let d: Demo = serde_json::from_str(r#"{"nhs":"9990001235"}"#).unwrap();
/// assert!(d.nhs.is_test());
/// assert!(serde_json::from_str::<NhsNumber>(r#""9990001235""#).is_err());
/// # }
/// ```
#[cfg(feature = "serde")]
pub mod allow_test_data {
    use super::{NhsNumber, TestData};

    /// Serialises as the 10-character string.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let n = NhsNumber::parse("9990001235", TestData::Allow).unwrap();
    /// let mut out = Vec::new();
    /// bedside_patient::allow_test_data::serialize(&n, &mut serde_json::Serializer::new(&mut out)).unwrap();
    /// assert_eq!(out, b"\"9990001235\"");
    /// # }
    /// ```
    pub fn serialize<S: serde::Serializer>(n: &NhsNumber, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(n, s)
    }

    /// Deserialises the 10-character string, test-range numbers accepted.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// let n = bedside_patient::allow_test_data::deserialize(
    ///     &mut serde_json::Deserializer::from_str(r#""9990000018""#),
    /// ).unwrap();
    /// assert!(n.is_test());
    /// # }
    /// ```
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NhsNumber, D::Error> {
        super::deserialize_with(d, TestData::Allow)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn ok(s: &str) -> NhsNumber {
        match NhsNumber::parse(s, TestData::Allow) {
            Ok(n) => n,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn known_good_numbers() {
        for s in [
            "9434765919",
            "943 476 5919",
            "9990001235",
            "999 000 1235",
            "9990000018",
            "999 000 0018",
            "943 4765919",
        ] {
            ok(s);
        }
        assert_eq!(ok("943 476 5919").as_str(), "9434765919");
        assert_eq!(ok("9990001235").to_string(), "999 000 1235");
        assert_eq!(ok("9990000018").to_string(), "999 000 0018");
    }

    #[test]
    fn worked_example_check_digit() {
        assert_eq!(check_value(b"943476591"), Some(9));
        assert_eq!(check_value(b"999000123"), Some(5));
        assert_eq!(check_value(b"999000001"), Some(8));
    }

    #[test]
    fn check_value_ten_is_invalid() {
        // Find a prefix whose check value is 10 and make sure every final digit fails.
        let prefix = *b"123456780";
        // 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+0*2 = 192; 192 % 11 = 5; 11-5 = 6: not it.
        assert_eq!(check_value(&prefix), Some(6));
        let mut found = None;
        for last in b'0'..=b'9' {
            let mut p = prefix;
            p[8] = last;
            if check_value(&p).is_none() {
                found = Some(p);
            }
        }
        let p = found.unwrap_or_else(|| panic!("no check-10 prefix"));
        for d in b'0'..=b'9' {
            let mut s = alloc::string::String::from_utf8_lossy(&p).into_owned();
            s.push(char::from(d));
            assert_eq!(
                NhsNumber::parse(&s, TestData::Allow),
                Err(NhsNumberError::CheckValueTen { position: 9 }),
                "{s}"
            );
        }
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            NhsNumber::parse("9434765918", TestData::Allow),
            Err(NhsNumberError::CheckDigitMismatch {
                position: 9,
                expected: 9,
                found: 8
            })
        );
        // Transposition of two adjacent digits is caught.
        assert!(NhsNumber::parse("4934765919", TestData::Allow).is_err());
    }

    #[test]
    fn repdigits_rejected() {
        for d in 0..=9u8 {
            let s: alloc::string::String = core::iter::repeat_n(char::from(b'0' + d), 10).collect();
            assert_eq!(
                NhsNumber::parse(&s, TestData::Allow),
                Err(NhsNumberError::Repdigit { digit: d })
            );
        }
    }

    #[test]
    fn test_range_policy() {
        assert_eq!(
            NhsNumber::parse("9990001235", TestData::Reject),
            Err(NhsNumberError::TestNumberNotAllowed)
        );
        assert_eq!(
            "999 000 1235".parse::<NhsNumber>(),
            Err(NhsNumberError::TestNumberNotAllowed)
        );
        assert!(ok("9990001235").is_test());
        assert_eq!(ok("9990001235").issuing_range(), IssuingRange::Test);
    }

    #[test]
    fn spacing_rules() {
        use NhsNumberError::*;
        let p = |s| NhsNumber::parse(s, TestData::Allow);
        assert_eq!(p(""), Err(Empty));
        assert_eq!(p(" 9434765919"), Err(MisplacedSpace { position: 0 }));
        assert_eq!(p("9434765919 "), Err(MisplacedSpace { position: 10 }));
        assert_eq!(p("943  4765919"), Err(MisplacedSpace { position: 4 }));
        assert_eq!(p("94 34765919"), Err(MisplacedSpace { position: 2 }));
        assert_eq!(
            p("943\t476 5919"),
            Err(InvalidCharacter {
                position: 3,
                found: '\t'
            })
        );
        assert_eq!(
            p("943-476-5919"),
            Err(InvalidCharacter {
                position: 3,
                found: '-'
            })
        );
        assert_eq!(
            p("94347659１9"),
            Err(InvalidCharacter {
                position: 8,
                found: '１'
            })
        );
        assert_eq!(p("943 476 591"), Err(TooFewDigits { found: 9 }));
        assert_eq!(p("943 476 59190"), Err(TooManyDigits { position: 12 }));
        assert_eq!(
            p("943 476 5918"),
            Err(CheckDigitMismatch {
                position: 11,
                expected: 9,
                found: 8
            })
        );
    }

    #[test]
    fn compact_parse() {
        assert!(NhsNumber::parse_compact("9434765919", TestData::Reject).is_ok());
        assert_eq!(
            NhsNumber::parse_compact("943 4765919", TestData::Reject),
            Err(NhsNumberError::InvalidCharacter {
                position: 3,
                found: ' '
            })
        );
        assert_eq!(
            NhsNumber::parse_compact("94347659190", TestData::Reject),
            Err(NhsNumberError::TooManyDigits { position: 10 })
        );
    }

    #[test]
    fn ranges() {
        let n = |first9: &[u8; 9]| NhsNumber::from_first_nine(*first9);
        let chi = n(b"010180123").or_else(|| n(b"010180124"));
        assert_eq!(
            chi.map(|c| c.issuing_range()),
            Some(IssuingRange::ScotlandChi)
        );
        let hc = n(b"320000010").or_else(|| n(b"320000011"));
        assert_eq!(
            hc.map(|c| c.issuing_range()),
            Some(IssuingRange::NorthernIrelandHealthAndCare)
        );
        // The widely used example 943 476 5919 lies outside every published range.
        assert_eq!(ok("9434765919").issuing_range(), IssuingRange::Unlisted);
        let e = n(b"401023213").or_else(|| n(b"401023214"));
        assert_eq!(
            e.map(|c| c.issuing_range()),
            Some(IssuingRange::EnglandWalesIsleOfMan)
        );
        let other = n(b"500000000").or_else(|| n(b"500000001"));
        assert_eq!(
            other.map(|c| c.issuing_range()),
            Some(IssuingRange::Unlisted)
        );
    }

    #[test]
    fn error_messages_do_not_leak_digits() {
        let e = NhsNumber::parse("9434765918", TestData::Allow)
            .err()
            .map(|e| alloc::format!("{e}"))
            .unwrap_or_default();
        assert!(!e.contains("943476591"), "{e}");
        assert!(e.contains("position 9"), "{e}");
    }
}
