//! Typed GS1 keys and dates for healthcare, and views over a parsed message
//! for the two things a ward scans most: medicine packs and patient wristbands.
//!
//! These types check what the key *is* (length, digits, check digit). They do
//! not decide whether a key is trusted for a workflow: that is the caller's job
//! (for NHS numbers inside a GSRN, see the `bedside-patient` crate).

use core::fmt;

use crate::lint::gs1_check_digit;
use crate::{Ai, Message};

/// Why a key or date could not be built.
///
/// ```
/// use bedside_gs1::keys::{Gtin, KeyError};
/// assert_eq!(Gtin::parse("09506000134353"), Err(KeyError::CheckDigit { expected: b'2' }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Wrong number of characters.
    #[error("wrong length: {len} characters")]
    Length {
        /// The length given.
        len: usize,
    },
    /// A character that is not a digit where digits are required.
    #[error("character {position} is not a digit")]
    NotDigit {
        /// Zero-based position.
        position: usize,
    },
    /// The check digit is wrong.
    #[error("check digit is wrong (expected {})", char::from(*.expected))]
    CheckDigit {
        /// The expected check digit (ASCII).
        expected: u8,
    },
    /// A date that does not exist.
    #[error("not a real date")]
    Date,
    /// The message lacks the AI this key lives in.
    #[error("AI ({0}) is not in the message")]
    Missing(Ai),
}

fn digits<const N: usize>(s: &str) -> Result<[u8; N], KeyError> {
    let b = s.as_bytes();
    if b.len() != N {
        return Err(KeyError::Length { len: b.len() });
    }
    if let Some(position) = b.iter().position(|c| !c.is_ascii_digit()) {
        return Err(KeyError::NotDigit { position });
    }
    let mut out = [0u8; N];
    out.copy_from_slice(b);
    Ok(out)
}

fn checked<const N: usize>(s: &str) -> Result<[u8; N], KeyError> {
    let d = digits::<N>(s)?;
    let expected = gs1_check_digit(&d).ok_or(KeyError::Length { len: N })?;
    if d.last() != Some(&expected) {
        return Err(KeyError::CheckDigit { expected });
    }
    Ok(d)
}

fn text(d: &[u8]) -> &str {
    core::str::from_utf8(d).unwrap_or("")
}

macro_rules! numeric_key {
    ($(#[$doc:meta])* $name:ident, $n:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $n]);

        impl $name {
            /// The digits as text.
            pub fn as_str(&self) -> &str {
                text(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }

        /// Serialised as its digits.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

numeric_key!(
    /// A Global Trade Item Number, always held as GTIN-14.
    ///
    /// ```
    /// use bedside_gs1::keys::Gtin;
    /// let g = Gtin::parse("9506000134352").unwrap(); // GTIN-13
    /// assert_eq!(g.as_str(), "09506000134352");
    /// assert_eq!(Gtin::parse("09506000134352").unwrap(), g);
    /// ```
    Gtin, 14
);

impl Gtin {
    /// Parses a GTIN-8, -12, -13 or -14 and normalises it to 14 digits.
    ///
    /// ```
    /// use bedside_gs1::keys::Gtin;
    /// assert_eq!(Gtin::parse("96385074").unwrap().as_str(), "00000096385074");
    /// ```
    pub fn parse(s: &str) -> Result<Gtin, KeyError> {
        let n = s.len();
        if !matches!(n, 8 | 12 | 13 | 14) {
            return Err(KeyError::Length { len: n });
        }
        let mut padded = [b'0'; 14];
        padded[14 - n..].copy_from_slice(s.as_bytes());
        let p = text(&padded);
        checked::<14>(p).map(Gtin).map_err(|e| match e {
            KeyError::NotDigit { position } => KeyError::NotDigit {
                position: position - (14 - n),
            },
            other => other,
        })
    }
}

numeric_key!(
    /// A Global Service Relation Number (18 digits).
    ///
    /// ```
    /// use bedside_gs1::keys::Gsrn;
    /// assert!(Gsrn::parse("952000099900012352").is_ok());
    /// ```
    Gsrn, 18
);

impl Gsrn {
    /// Parses and checks a GSRN.
    ///
    /// ```
    /// use bedside_gs1::keys::Gsrn;
    /// assert!(Gsrn::parse("952000099900012353").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Gsrn, KeyError> {
        checked::<18>(s).map(Gsrn)
    }

    /// Builds a GSRN from its first 17 digits, computing the check digit.
    ///
    /// ```
    /// use bedside_gs1::keys::{Gsrn, KeyError};
    /// assert_eq!(Gsrn::from_body(b"95200009990001235")?.as_str(), "952000099900012352");
    /// assert_eq!(Gsrn::from_body(b"9520000999000123x"), Err(KeyError::NotDigit { position: 16 }));
    /// # Ok::<(), KeyError>(())
    /// ```
    pub fn from_body(body: &[u8; 17]) -> Result<Gsrn, KeyError> {
        if let Some(position) = body.iter().position(|c| !c.is_ascii_digit()) {
            return Err(KeyError::NotDigit { position });
        }
        let mut d = [b'0'; 18];
        d[..17].copy_from_slice(body);
        d[17] = gs1_check_digit(&d).ok_or(KeyError::Length { len: 17 })?;
        Ok(Gsrn(d))
    }
}

numeric_key!(
    /// A Global Location Number (13 digits), e.g. a ward or bed.
    ///
    /// ```
    /// use bedside_gs1::keys::Gln;
    /// assert!(Gln::parse("9520000000004").is_ok());
    /// ```
    Gln, 13
);

impl Gln {
    /// Parses and checks a GLN.
    ///
    /// ```
    /// use bedside_gs1::keys::Gln;
    /// assert!(Gln::parse("9520000000005").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Gln, KeyError> {
        checked::<13>(s).map(Gln)
    }
}

numeric_key!(
    /// A Serial Shipping Container Code (18 digits).
    ///
    /// ```
    /// use bedside_gs1::keys::Sscc;
    /// assert!(Sscc::parse("095060001343520000").is_ok());
    /// ```
    Sscc, 18
);

impl Sscc {
    /// Parses and checks an SSCC.
    ///
    /// ```
    /// use bedside_gs1::keys::Sscc;
    /// assert!(Sscc::parse("095060001343520001").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Sscc, KeyError> {
        checked::<18>(s).map(Sscc)
    }
}

/// A Global Returnable Asset Identifier (AI 8003): a zero, a 13-digit asset
/// type with check digit, and an optional serial.
///
/// ```
/// use bedside_gs1::keys::Grai;
/// assert!(Grai::parse("09506000134353PUMP1").is_err()); // asset type check digit
/// let g = Grai::parse("09520000000004PUMP1").unwrap();
/// assert_eq!(g.asset_type(), "9520000000004");
/// assert_eq!(g.serial(), "PUMP1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Grai {
    asset: [u8; 13],
    serial: [u8; 16],
    serial_len: u8,
}

impl Grai {
    /// Parses the AI (8003) value.
    ///
    /// ```
    /// use bedside_gs1::keys::Grai;
    /// assert!(Grai::parse("19520000000004").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Grai, KeyError> {
        let b = s.as_bytes();
        if b.len() < 14 || b.len() > 30 {
            return Err(KeyError::Length { len: b.len() });
        }
        if b[0] != b'0' {
            return Err(KeyError::NotDigit { position: 0 });
        }
        let asset = checked::<13>(text(&b[1..14])).map_err(|e| match e {
            KeyError::NotDigit { position } => KeyError::NotDigit {
                position: position + 1,
            },
            o => o,
        })?;
        let mut serial = [0u8; 16];
        let sl = b.len() - 14;
        serial[..sl].copy_from_slice(&b[14..]);
        Ok(Grai {
            asset,
            serial,
            serial_len: sl as u8,
        })
    }
    /// The 13-digit asset type.
    ///
    /// ```
    /// # use bedside_gs1::keys::Grai;
    /// assert_eq!(Grai::parse("09520000000004").unwrap().asset_type(), "9520000000004");
    /// ```
    pub fn asset_type(&self) -> &str {
        text(&self.asset)
    }
    /// The serial component (may be empty).
    ///
    /// ```
    /// # use bedside_gs1::keys::Grai;
    /// assert_eq!(Grai::parse("09520000000004").unwrap().serial(), "");
    /// ```
    pub fn serial(&self) -> &str {
        text(&self.serial[..usize::from(self.serial_len)])
    }
}

/// A Global Individual Asset Identifier (AI 8004): company prefix then an
/// individual asset reference, up to 30 CSET 82 characters (an infusion pump,
/// a bed). The syntax is checked by the parser; this type keeps it whole.
///
/// ```
/// use bedside_gs1::keys::Giai;
/// let g = Giai::parse("9520000PUMP-0042").unwrap();
/// assert_eq!(g.as_str(), "9520000PUMP-0042");
/// assert!(Giai::parse("").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Giai {
    bytes: [u8; 30],
    len: u8,
}

impl Giai {
    /// Takes an AI (8004) value: 1 to 30 characters, the first four digits.
    ///
    /// ```
    /// use bedside_gs1::keys::Giai;
    /// assert!(Giai::parse("95A0PUMP").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Giai, KeyError> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 30 {
            return Err(KeyError::Length { len: b.len() });
        }
        if let Some(position) = b.iter().take(4).position(|c| !c.is_ascii_digit()) {
            return Err(KeyError::NotDigit { position });
        }
        let mut bytes = [0u8; 30];
        bytes[..b.len()].copy_from_slice(b);
        Ok(Giai {
            bytes,
            len: b.len() as u8,
        })
    }

    /// The identifier as text.
    ///
    /// ```
    /// # use bedside_gs1::keys::Giai;
    /// assert_eq!(Giai::parse("9520000X1").unwrap().as_str(), "9520000X1");
    /// ```
    pub fn as_str(&self) -> &str {
        text(&self.bytes[..usize::from(self.len)])
    }
}

impl fmt::Debug for Giai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Giai({})", self.as_str())
    }
}

/// A staff badge: GSRN provider (8017) and optional service relation instance (8019).
///
/// ```
/// use bedside_gs1::{parse_scan, keys::StaffBadge};
/// let s = parse_scan(b"]d28017952000000000000033\x1d80191").unwrap();
/// let badge = StaffBadge::from_message(s.message().unwrap()).unwrap();
/// assert_eq!(badge.gsrn.as_str(), "952000000000000033");
/// assert_eq!(badge.srin, Some("1"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffBadge<'m> {
    /// GSRN provider (8017).
    pub gsrn: Gsrn,
    /// Service relation instance number (8019).
    pub srin: Option<&'m str>,
}

impl<'m> StaffBadge<'m> {
    /// Builds the view; the message must carry (8017).
    ///
    /// ```
    /// use bedside_gs1::{parse_bracketed, keys::StaffBadge};
    /// let band = parse_bracketed("(8018)952000099900012352").unwrap();
    /// assert!(StaffBadge::from_message(&band).is_err());
    /// ```
    pub fn from_message(m: &'m Message<'_>) -> Result<StaffBadge<'m>, KeyError> {
        let ai = Ai::from_code(8017, 4).ok_or(KeyError::Length { len: 4 })?;
        let gsrn = Gsrn::parse(m.get(ai).ok_or(KeyError::Missing(ai))?)?;
        Ok(StaffBadge {
            gsrn,
            srin: Ai::from_code(8019, 4).and_then(|a| m.get(a)),
        })
    }
}

/// A place: GLN (414) with an optional extension (254), e.g. a ward and bed.
///
/// ```
/// use bedside_gs1::{parse_scan, keys::Location};
/// let s = parse_scan(b"]d24149520000000004254WARD7-BED12").unwrap();
/// let here = Location::from_message(s.message().unwrap()).unwrap();
/// assert_eq!(here.gln.as_str(), "9520000000004");
/// assert_eq!(here.extension, Some("WARD7-BED12"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'m> {
    /// Physical location GLN (414).
    pub gln: Gln,
    /// GLN extension component (254).
    pub extension: Option<&'m str>,
}

impl<'m> Location<'m> {
    /// Builds the view; the message must carry (414).
    ///
    /// ```
    /// use bedside_gs1::{parse_bracketed, keys::Location};
    /// assert!(Location::from_message(&parse_bracketed("(01)09506000134352").unwrap()).is_err());
    /// ```
    pub fn from_message(m: &'m Message<'_>) -> Result<Location<'m>, KeyError> {
        let ai = Ai::from_code(414, 3).ok_or(KeyError::Length { len: 3 })?;
        let gln = Gln::parse(m.get(ai).ok_or(KeyError::Missing(ai))?)?;
        Ok(Location {
            gln,
            extension: Ai::from_code(254, 3).and_then(|a| m.get(a)),
        })
    }
}

/// A calendar date from a GS1 six-digit `YYMMDD` field, where day `00` means
/// "end of the month" (allowed only for the AIs whose linter is `yymmd0`, e.g.
/// expiry (17)).
///
/// The century follows the GS1 General Specifications sliding window (section
/// 7.12): relative to the reference year, a year 51 or more ahead is in the
/// previous century, 50 or more behind is in the next.
///
/// ```
/// use bedside_gs1::keys::Gs1Date;
/// let d = Gs1Date::from_yymmdd("260200", 2026).unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (2026, 2, None));
/// assert_eq!(d.last_valid_day(), (2026, 2, 28));
/// assert_eq!(Gs1Date::from_yymmdd("991231", 2026).unwrap().year(), 1999);
/// assert_eq!(Gs1Date::from_yymmdd("751231", 2026).unwrap().year(), 2075);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gs1Date {
    year: u16,
    month: u8,
    day: Option<u8>,
}

/// Whether `year` is a Gregorian leap year.
///
/// ```
/// assert!(bedside_gs1::keys::is_leap_year(2000));
/// assert!(!bedside_gs1::keys::is_leap_year(2100));
/// ```
pub const fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in a month (1-12) of a year; 0 for a month out of range.
///
/// ```
/// assert_eq!(bedside_gs1::keys::days_in_month(2028, 2), 29);
/// ```
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Gs1Date {
    /// Reads `YYMMDD` (day `00` allowed) with the century chosen around `reference_year`
    /// (normally the current year).
    ///
    /// ```
    /// use bedside_gs1::keys::Gs1Date;
    /// assert!(Gs1Date::from_yymmdd("270229", 2026).is_err());
    /// assert!(Gs1Date::from_yymmdd("280229", 2026).is_ok());
    /// ```
    pub fn from_yymmdd(s: &str, reference_year: u16) -> Result<Gs1Date, KeyError> {
        let d = digits::<6>(s)?;
        let n = |i: usize| u16::from(d[i] - b'0') * 10 + u16::from(d[i + 1] - b'0');
        let yy = n(0);
        let ref_century = reference_year / 100 * 100;
        let ref_yy = reference_year % 100;
        let diff = i32::from(yy) - i32::from(ref_yy);
        let year = if diff >= 51 {
            ref_century.saturating_sub(100) + yy
        } else if diff <= -50 {
            ref_century + 100 + yy
        } else {
            ref_century + yy
        };
        Gs1Date::new(year, n(2) as u8, n(4) as u8)
    }

    /// Reads `YYYYMMDD` (used by date of birth, AI 7250).
    ///
    /// ```
    /// use bedside_gs1::keys::Gs1Date;
    /// assert_eq!(Gs1Date::from_yyyymmdd("19800118").unwrap().year(), 1980);
    /// assert!(Gs1Date::from_yyyymmdd("19800132").is_err());
    /// ```
    pub fn from_yyyymmdd(s: &str) -> Result<Gs1Date, KeyError> {
        let d = digits::<8>(s)?;
        let v = |r: core::ops::Range<usize>| {
            d[r].iter().fold(0u16, |a, c| a * 10 + u16::from(c - b'0'))
        };
        let date = Gs1Date::new(v(0..4), v(4..6) as u8, v(6..8) as u8)?;
        if date.day.is_none() {
            return Err(KeyError::Date);
        }
        Ok(date)
    }

    fn new(year: u16, month: u8, day: u8) -> Result<Gs1Date, KeyError> {
        if !(1..=12).contains(&month) || day > days_in_month(year, month) {
            return Err(KeyError::Date);
        }
        Ok(Gs1Date {
            year,
            month,
            day: (day != 0).then_some(day),
        })
    }

    /// The four-digit year.
    ///
    /// ```
    /// # use bedside_gs1::keys::Gs1Date;
    /// assert_eq!(Gs1Date::from_yymmdd("261231", 2026).unwrap().year(), 2026);
    /// ```
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1 to 12.
    ///
    /// ```
    /// # use bedside_gs1::keys::Gs1Date;
    /// assert_eq!(Gs1Date::from_yymmdd("261231", 2026).unwrap().month(), 12);
    /// ```
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day, or `None` when the field said `00` (end of month).
    ///
    /// ```
    /// # use bedside_gs1::keys::Gs1Date;
    /// assert_eq!(Gs1Date::from_yymmdd("261200", 2026).unwrap().day(), None);
    /// ```
    pub fn day(&self) -> Option<u8> {
        self.day
    }
    /// The last day the date covers: the day itself, or the month's last day for `00`.
    /// An expiry date means the product may be used up to and including this day.
    ///
    /// ```
    /// # use bedside_gs1::keys::Gs1Date;
    /// assert_eq!(Gs1Date::from_yymmdd("280200", 2026).unwrap().last_valid_day(), (2028, 2, 29));
    /// ```
    pub fn last_valid_day(&self) -> (u16, u8, u8) {
        (
            self.year,
            self.month,
            self.day.unwrap_or(days_in_month(self.year, self.month)),
        )
    }
}

/// A medicine pack as scanned: GTIN (01), expiry (17), batch (10), serial (21)
/// and national healthcare reimbursement numbers (710-717).
///
/// ```
/// use bedside_gs1::{parse_scan, keys::MedicinePack};
/// let scan = parse_scan(b"]d201095060001343521727013110BATCH42\x1d21Ser1aL").unwrap();
/// let pack = MedicinePack::from_message(scan.message().unwrap(), 2026).unwrap();
/// assert_eq!(pack.gtin.as_str(), "09506000134352");
/// assert_eq!(pack.expiry.unwrap().last_valid_day(), (2027, 1, 31));
/// assert_eq!((pack.batch, pack.serial), (Some("BATCH42"), Some("Ser1aL")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MedicinePack<'m> {
    /// The product.
    pub gtin: Gtin,
    /// Expiry, when present.
    pub expiry: Option<Gs1Date>,
    /// Batch or lot.
    pub batch: Option<&'m str>,
    /// Pack serial number.
    pub serial: Option<&'m str>,
    /// National reimbursement numbers (AI 710-717) as (AI, value).
    pub nhrn: [Option<(Ai, &'m str)>; 8],
}

impl<'m> MedicinePack<'m> {
    /// Builds the view; the message must carry (01). `reference_year` sets the
    /// expiry century window (normally the current year).
    ///
    /// ```
    /// use bedside_gs1::{parse_bracketed, keys::{MedicinePack, KeyError}};
    /// let m = parse_bracketed("(8018)952000099900012352").unwrap();
    /// assert!(matches!(MedicinePack::from_message(&m, 2026), Err(KeyError::Missing(_))));
    /// ```
    pub fn from_message(
        m: &'m Message<'_>,
        reference_year: u16,
    ) -> Result<MedicinePack<'m>, KeyError> {
        let ai = |s: &[u8]| Ai::new(s).ok_or(KeyError::Length { len: s.len() });
        let gtin_ai = ai(b"01")?;
        let gtin = Gtin::parse(m.get(gtin_ai).ok_or(KeyError::Missing(gtin_ai))?)?;
        let expiry = match m.get(ai(b"17")?) {
            Some(v) => Some(Gs1Date::from_yymmdd(v, reference_year)?),
            None => None,
        };
        let mut nhrn = [None; 8];
        for (slot, code) in nhrn.iter_mut().zip(710u16..=717) {
            if let Some(a) = Ai::from_code(code, 3) {
                *slot = m.get(a).map(|v| (a, v));
            }
        }
        Ok(MedicinePack {
            gtin,
            expiry,
            batch: m.get(ai(b"10")?),
            serial: m.get(ai(b"21")?),
            nhrn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn century_window_follows_genspecs() {
        // Reference 2026: 76 and beyond go back a century; 25 and before stay.
        assert_eq!(Gs1Date::from_yymmdd("770101", 2026).unwrap().year(), 1977);
        assert_eq!(Gs1Date::from_yymmdd("760101", 2026).unwrap().year(), 2076);
        assert_eq!(Gs1Date::from_yymmdd("000101", 2026).unwrap().year(), 2000);
        assert_eq!(Gs1Date::from_yymmdd("000101", 2060).unwrap().year(), 2100);
    }

    #[test]
    fn gtin_forms_normalise() {
        for s in ["09506000134352", "9506000134352"] {
            assert_eq!(Gtin::parse(s).unwrap().as_str(), "09506000134352");
        }
        assert_eq!(
            Gtin::parse("950600013435a"),
            Err(KeyError::NotDigit { position: 12 })
        );
        assert!(matches!(
            Gtin::parse("123"),
            Err(KeyError::Length { len: 3 })
        ));
    }
}
