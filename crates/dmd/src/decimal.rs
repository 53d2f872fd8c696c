//! Exact decimals as dm+d writes them (`0.5`, `1000`, `2.5`).

use std::fmt;
use std::str::FromStr;

/// Largest number of fraction digits a [`Decimal`] keeps.
const MAX_SCALE: u8 = 30;

/// An exact decimal number: `mantissa × 10^-scale`.
///
/// Always kept in its shortest form (no trailing fraction zeros), so the
/// derived equality is equality of value: `"2.50"` and `"2.5"` are equal.
/// There are no floats anywhere in this crate.
///
/// ```
/// use bedside_dmd::Decimal;
/// let three: Decimal = "3".parse()?;
/// let two: Decimal = "2".parse()?;
/// let per_ml: Decimal = "1".parse()?;
/// let dose = three.checked_mul(two).and_then(|d| d.checked_div(per_ml));
/// assert_eq!(dose.and_then(|d| d.to_milli()), Some(6_000));
/// assert_eq!("0.5".parse::<Decimal>()?.to_milli(), Some(500));
/// assert!("1e3".parse::<Decimal>().is_err());
/// # Ok::<(), bedside_dmd::DecimalError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u8,
}

/// Why a text is not a dm+d decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Empty, or no digit at all.
    #[error("no digits")]
    Empty,
    /// A character that is not a digit, one leading sign or one `.` (exponents
    /// and thousands separators are refused).
    #[error("unexpected character")]
    Character,
    /// Too many digits to hold exactly.
    #[error("too many digits")]
    Overflow,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`, brought to its shortest form; `None` if `scale`
    /// is over 30.
    ///
    /// ```
    /// use bedside_dmd::Decimal;
    /// assert_eq!(Decimal::new(250, 2), "2.5".parse().ok());
    /// ```
    #[must_use]
    pub fn new(mantissa: i128, scale: u8) -> Option<Decimal> {
        if scale > MAX_SCALE {
            return None;
        }
        Some(Decimal { mantissa, scale }.normalized())
    }

    /// The whole number `n`.
    #[must_use]
    pub fn from_int(n: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(n),
            scale: 0,
        }
    }

    /// The digits, without the decimal point (shortest form).
    #[must_use]
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// How many digits follow the decimal point (shortest form).
    #[must_use]
    pub fn scale(&self) -> u8 {
        self.scale
    }

    /// Whether the value is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    fn normalized(mut self) -> Decimal {
        if self.mantissa == 0 {
            return Decimal::ZERO;
        }
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    /// The exact product, or `None` if it does not fit.
    #[must_use]
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let mantissa = self.mantissa.checked_mul(other.mantissa)?;
        let scale = self.scale.checked_add(other.scale)?;
        Decimal::new(mantissa, scale)
    }

    /// The exact quotient, or `None` if `other` is zero, the quotient has no
    /// finite decimal form (`1 / 3`), or it does not fit.
    ///
    /// ```
    /// use bedside_dmd::Decimal;
    /// let d = |s: &str| s.parse::<Decimal>().ok();
    /// assert_eq!(d("40").zip(d("0.4")).and_then(|(a, b)| a.checked_div(b)), d("100"));
    /// assert_eq!(d("1").zip(d("3")).and_then(|(a, b)| a.checked_div(b)), None);
    /// ```
    #[must_use]
    pub fn checked_div(self, other: Decimal) -> Option<Decimal> {
        if other.mantissa == 0 {
            return None;
        }
        // a / 10^sa ÷ b / 10^sb = (a × 10^k / b) / 10^(sa - sb + k)
        let mut num = self.mantissa;
        let mut scale = i32::from(self.scale) - i32::from(other.scale);
        while scale < 0 {
            num = num.checked_mul(10)?;
            scale += 1;
        }
        loop {
            if num % other.mantissa == 0 {
                let scale = u8::try_from(scale).ok()?;
                return Decimal::new(num / other.mantissa, scale);
            }
            if scale >= i32::from(MAX_SCALE) {
                return None;
            }
            num = num.checked_mul(10)?;
            scale += 1;
        }
    }

    /// The value in thousandths (`0.5` → `500`), or `None` if it has more
    /// than three fraction digits or does not fit an `i64`.
    #[must_use]
    pub fn to_milli(&self) -> Option<i64> {
        if self.scale > 3 {
            return None;
        }
        let factor = 10_i128.pow(u32::from(3 - self.scale));
        i64::try_from(self.mantissa.checked_mul(factor)?).ok()
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    /// The `xs:decimal` lexical form: optional sign, digits, at most one `.`.
    fn from_str(s: &str) -> Result<Decimal, DecimalError> {
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let mut mantissa: i128 = 0;
        let mut scale: u32 = 0;
        let mut digits = 0_u32;
        let mut seen_point = false;
        for b in body.bytes() {
            match b {
                b'0'..=b'9' => {
                    digits += 1;
                    mantissa = mantissa
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(i128::from(b - b'0')))
                        .ok_or(DecimalError::Overflow)?;
                    if seen_point {
                        scale += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => return Err(DecimalError::Character),
            }
        }
        if digits == 0 {
            return Err(DecimalError::Empty);
        }
        let scale = u8::try_from(scale)
            .ok()
            .filter(|s| *s <= MAX_SCALE)
            .ok_or(DecimalError::Overflow)?;
        let mantissa = if negative { -mantissa } else { mantissa };
        Decimal::new(mantissa, scale).ok_or(DecimalError::Overflow)
    }
}

impl fmt::Display for Decimal {
    /// Shortest form: `2.5`, `1000`, `0.04`, `-1.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return f.write_str(&digits);
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{int}.{frac}")
        } else {
            write!(f, "0.{}{digits}", "0".repeat(scale - digits.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or(Decimal::ZERO)
    }

    #[test]
    fn parses_dmd_numbers() {
        assert_eq!(d("0.5").to_string(), "0.5");
        assert_eq!(d("1000").to_string(), "1000");
        assert_eq!(d("2.50"), d("2.5"));
        assert_eq!(d("0.040").to_string(), "0.04");
        assert_eq!(d("-1.5").to_string(), "-1.5");
        assert_eq!(d(".5"), d("0.5"));
        assert_eq!(d("5."), d("5"));
        assert_eq!(d("0.000"), Decimal::ZERO);
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "", "-", ".", "1,5", "1e3", "1E3", "1.2.3", " 1", "0x10", "1_000",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "9".repeat(60).parse::<Decimal>(),
            Err(DecimalError::Overflow)
        );
        assert_eq!(
            format!("0.{}", "1".repeat(31)).parse::<Decimal>(),
            Err(DecimalError::Overflow)
        );
    }

    #[test]
    fn exact_arithmetic() {
        assert_eq!(d("3").checked_mul(d("2")), Some(d("6")));
        assert_eq!(d("0.4").checked_mul(d("100")), Some(d("40")));
        assert_eq!(d("40").checked_div(d("0.4")), Some(d("100")));
        assert_eq!(d("10").checked_div(d("5")), Some(d("2")));
        assert_eq!(d("1").checked_div(d("8")), Some(d("0.125")));
        assert_eq!(d("1").checked_div(d("3")), None);
        assert_eq!(d("1").checked_div(Decimal::ZERO), None);
        assert_eq!(d("0.001").checked_div(d("1000")), Some(d("0.000001")));
    }

    #[test]
    fn milli() {
        assert_eq!(d("0.5").to_milli(), Some(500));
        assert_eq!(d("500").to_milli(), Some(500_000));
        assert_eq!(d("0.125").to_milli(), Some(125));
        assert_eq!(d("0.0005").to_milli(), None);
        assert_eq!(d(&"9".repeat(30)).to_milli(), None);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        (-10_i128.pow(15)..10_i128.pow(15), 0_u8..=9)
            .prop_map(|(m, s)| Decimal::new(m, s).unwrap_or(Decimal::ZERO))
    }

    proptest! {
        #[test]
        fn display_parses_back(d in decimal()) {
            prop_assert_eq!(d.to_string().parse::<Decimal>(), Ok(d));
        }

        #[test]
        fn division_undoes_multiplication(a in decimal(), b in decimal()) {
            prop_assume!(!b.is_zero());
            let product = a.checked_mul(b).unwrap();
            prop_assert_eq!(product.checked_div(b), Some(a));
        }

        #[test]
        fn milli_is_exact(d in decimal()) {
            match d.to_milli() {
                Some(m) => prop_assert_eq!(Decimal::new(i128::from(m), 3), Some(d)),
                None => prop_assert!(d.scale() > 3),
            }
        }

        #[test]
        fn any_text_parses_or_errs(s in "[-+0-9.,eE ]{0,24}") {
            let _ = s.parse::<Decimal>();
        }
    }
}
