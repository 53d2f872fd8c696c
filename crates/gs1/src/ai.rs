//! The [`Ai`] type: a GS1 Application Identifier code.

use core::fmt;

/// A GS1 Application Identifier: two to four decimal digits, leading zeros significant.
///
/// `Ai` is `Copy` and four bytes wide, so messages can hold many of them without
/// allocating. Equality respects the length: `(01)` and `(001)` are different AIs.
///
/// ```
/// use bedside_gs1::Ai;
/// let ai: Ai = "01".parse().unwrap();
/// assert_eq!(ai.to_string(), "01");
/// assert_eq!(ai.len(), 2);
/// assert!("1".parse::<Ai>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ai {
    // Ordering by (code scaled to 4 digits, len) gives lexical order for
    // prefix-free AI sets; we keep the raw digits for exact printing.
    digits: [u8; 4],
    len: u8,
}

/// The error returned when text is not a well-formed AI (2 to 4 ASCII digits).
///
/// ```
/// use bedside_gs1::{Ai, AiSyntaxError};
/// assert_eq!("0x".parse::<Ai>(), Err(AiSyntaxError));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an Application Identifier is two to four digits")]
pub struct AiSyntaxError;

impl Ai {
    /// Builds an AI from its digits. Returns `None` unless `digits` is 2 to 4 ASCII digits.
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::new(b"8018").unwrap().as_str(), "8018");
    /// assert!(Ai::new(b"80180").is_none());
    /// ```
    pub const fn new(digits: &[u8]) -> Option<Ai> {
        if digits.len() < 2 || digits.len() > 4 {
            return None;
        }
        let mut out = [b'0'; 4];
        let mut i = 0;
        while i < digits.len() {
            if !digits[i].is_ascii_digit() {
                return None;
            }
            out[i] = digits[i];
            i += 1;
        }
        Some(Ai {
            digits: out,
            len: digits.len() as u8,
        })
    }

    /// An AI from digits already checked: `digits[..len]` ASCII digits, the
    /// rest `0`, `len` 2 to 4 (as [`Ai::new`] would build it).
    pub(crate) const fn from_digits(digits: [u8; 4], len: u8) -> Ai {
        Ai { digits, len }
    }

    /// Builds an AI from a number and a digit count (`from_code(1, 2)` is `(01)`).
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::from_code(1, 2).unwrap().as_str(), "01");
    /// assert!(Ai::from_code(100, 2).is_none());
    /// ```
    pub const fn from_code(code: u16, len: u8) -> Option<Ai> {
        let limit: u16 = match len {
            2 => 100,
            3 => 1000,
            4 => 10000,
            _ => return None,
        };
        if code >= limit {
            return None;
        }
        let mut digits = [b'0'; 4];
        let mut i = len as usize;
        let mut c = code;
        while i > 0 {
            i -= 1;
            digits[i] = b'0' + (c % 10) as u8;
            c /= 10;
        }
        Some(Ai { digits, len })
    }

    /// The number of digits (2, 3 or 4).
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::new(b"254").unwrap().len(), 3);
    /// ```
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(self) -> usize {
        self.len as usize
    }

    /// The numeric value of the digits (`(01)` is 1).
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::new(b"8018").unwrap().code(), 8018);
    /// ```
    pub const fn code(self) -> u16 {
        let mut v: u16 = 0;
        let mut i = 0;
        while i < self.len as usize {
            v = v * 10 + (self.digits[i] - b'0') as u16;
            i += 1;
        }
        v
    }

    /// The digits as bytes.
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::new(b"17").unwrap().as_bytes(), b"17");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[..self.len as usize]
    }

    /// A number unique to this AI, for fast comparison and pattern matching:
    /// the four digit bytes (unused ones `0`) with the length in the top two
    /// bits, which ASCII digits leave clear (2, 3 and 4 give 2, 3 and 0).
    pub(crate) const fn key(self) -> u32 {
        u32::from_le_bytes(self.digits) | (((self.len & 3) as u32) << 30)
    }

    /// The digits as text.
    ///
    /// ```
    /// use bedside_gs1::Ai;
    /// assert_eq!(Ai::new(b"7250").unwrap().as_str(), "7250");
    /// ```
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl fmt::Display for Ai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Ai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ai({})", self.as_str())
    }
}

impl AsRef<str> for Ai {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl core::str::FromStr for Ai {
    type Err = AiSyntaxError;
    fn from_str(s: &str) -> Result<Ai, AiSyntaxError> {
        Ai::new(s.as_bytes()).ok_or(AiSyntaxError)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ai {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_len_round_trip() {
        for len in 2..=4u8 {
            let limit = 10u16.pow(u32::from(len));
            for code in (0..limit).step_by(7) {
                let ai = Ai::from_code(code, len).unwrap();
                assert_eq!(ai.code(), code);
                assert_eq!(ai.len(), usize::from(len));
                assert_eq!(Ai::new(ai.as_bytes()), Some(ai));
            }
        }
    }

    #[test]
    fn leading_zeros_are_significant() {
        assert_ne!(Ai::new(b"01"), Ai::new(b"001"));
        assert!(Ai::new(b"").is_none());
        assert!(Ai::new(b"1").is_none());
        assert!(Ai::new(b"12a").is_none());
    }
}
