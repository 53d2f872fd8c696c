//! GS1 Syntax Tests ("linters"): the content checks that the GS1 Barcode
//! Syntax Dictionary names for each AI component.
//!
//! Each [`Linter`] checks the bytes of **one component** of an AI value (the
//! dictionary's length and component split have already been applied by the
//! caller). A linter either accepts the component or returns a [`LintError`]:
//! a stable [`LintCode`] plus the offset and length of the offending bytes
//! within the component, so that a user interface can highlight them, as in
//! `(17)2502|30|`.
//!
//! The behaviour (which failure, where, for which input) follows the GS1
//! Barcode Syntax Engine, the reference implementation of the dictionary.
//! Its own unit-test cases are ported in this module's tests. Places where the
//! engine does something a reader might not expect are documented on the
//! linter concerned.
//!
//! Every linter is pure, allocation-free and panic-free for any input,
//! including bytes that are not ASCII. Offsets and lengths are reported as
//! `u16` and saturate at `u16::MAX` for (absurdly) long inputs.
//!
//! ```
//! use bedside_gs1::lint::{LintCode, LintError, Linter};
//!
//! // (17) expiry 2025-02-30 does not exist: the day is highlighted.
//! let err = Linter::from_name("yymmd0").unwrap().check(b"250230").unwrap_err();
//! assert_eq!(err, LintError { code: LintCode::IllegalDay, offset: 4, len: 2 });
//! ```

mod checksum;
mod code;
mod coupon;
mod cset;
mod datetime;
mod lists;
mod value;

#[cfg(test)]
mod engine_cases;
#[cfg(test)]
mod tests;

pub use checksum::{csum_alpha_pair, gs1_check_digit};
pub use code::LintCode;
pub(crate) use cset::{cset39_admits, cset82_admits, first_non_digit};

/// A linter's verdict against a component: what is wrong and where.
///
/// `offset` and `len` locate the offending bytes within the component, as
/// the GS1 Barcode Syntax Engine reports them. `len` may be 0 (for example
/// for an empty component), and `offset + len` never exceeds the component
/// length (unless the component is longer than `u16::MAX` bytes, where both
/// values saturate).
///
/// ```
/// use bedside_gs1::{LintCode, LintError, Linter};
/// let err = Linter::Csum.check(b"416000336109").unwrap_err();
/// assert_eq!(err, LintError { code: LintCode::IncorrectCheckDigit, offset: 11, len: 1 });
/// assert_eq!(err.to_string(), "check digit is wrong (at offset 11, length 1)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LintError {
    /// What is wrong.
    pub code: LintCode,
    /// Offset of the first offending byte within the component.
    pub offset: u16,
    /// Number of offending bytes.
    pub len: u16,
}

impl LintError {
    /// Builds an error from `usize` positions, saturating at `u16::MAX`.
    pub(crate) const fn at(code: LintCode, offset: usize, len: usize) -> LintError {
        LintError {
            code,
            offset: saturate(offset),
            len: saturate(len),
        }
    }

    /// The same error, moved `by` bytes to the right (for a linter that
    /// checks a sub-slice of its component).
    pub(crate) const fn shifted(self, by: usize) -> LintError {
        LintError {
            code: self.code,
            offset: saturate((self.offset as usize).saturating_add(by)),
            len: self.len,
        }
    }

    /// The class of the failure; shorthand for `self.code.class()`.
    ///
    /// ```
    /// use bedside_gs1::{ErrorClass, Linter};
    /// let err = Linter::Hh.check(b"24").unwrap_err();
    /// assert_eq!(err.class(), ErrorClass::BadTime);
    /// ```
    pub const fn class(&self) -> crate::ErrorClass {
        self.code.class()
    }
}

const fn saturate(n: usize) -> u16 {
    if n > u16::MAX as usize {
        u16::MAX
    } else {
        n as u16
    }
}

impl core::fmt::Display for LintError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} (at offset {}, length {})",
            self.code.message(),
            self.offset,
            self.len
        )
    }
}

impl core::error::Error for LintError {}

/// Result of one linter run.
type LintResult = Result<(), LintError>;

/// Always passes: the behaviour of the deprecated linter names.
fn stub(_: &[u8]) -> LintResult {
    Ok(())
}

/// Declares [`Linter`] and its name and dispatch tables from one list.
macro_rules! linters {
    ($( $(#[doc = $doc:literal])* $var:ident => $name:literal, $func:path; )*) => {
        /// One GS1 Syntax Test, named as in the GS1 Barcode Syntax Dictionary.
        ///
        /// There is one variant per linter name the dictionary uses, plus the
        /// four character-set linters implied by the component types
        /// (`N`, `X`, `Y`, `Z`), `yyyymmd0`, and the six deprecated names that
        /// always pass (`key`, `keyoff1`, `hhmm`, `iso3166list`, `mmoptss`,
        /// `yymmddhh`).
        ///
        /// ```
        /// use bedside_gs1::{LintCode, Linter};
        /// let l = Linter::from_name("csum").unwrap();
        /// assert_eq!(l, Linter::Csum);
        /// assert!(l.check(b"09506000134352").is_ok());
        /// assert_eq!(l.check(b"09506000134353").unwrap_err().code, LintCode::IncorrectCheckDigit);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Linter {
            $( $(#[doc = $doc])* $var, )*
        }

        impl Linter {
            /// Every linter, in declaration order.
            ///
            /// ```
            /// use bedside_gs1::Linter;
            /// assert!(Linter::ALL.iter().all(|l| Linter::from_name(l.name()) == Some(*l)));
            /// ```
            pub const ALL: &'static [Linter] = &[ $( Linter::$var, )* ];

            /// The linter's name exactly as the dictionary spells it.
            ///
            /// ```
            /// use bedside_gs1::Linter;
            /// assert_eq!(Linter::CsumAlpha.name(), "csumalpha");
            /// assert_eq!(Linter::Iso3166Alpha2.name(), "iso3166alpha2");
            /// ```
            pub const fn name(self) -> &'static str {
                match self {
                    $( Linter::$var => $name, )*
                }
            }

            /// Looks a linter up by its dictionary name (exact and
            /// case-sensitive, as in the dictionary file).
            ///
            /// ```
            /// use bedside_gs1::Linter;
            /// assert_eq!(Linter::from_name("yyyymmdd"), Some(Linter::Yyyymmdd));
            /// assert_eq!(Linter::from_name("YYYYMMDD"), None);
            /// assert_eq!(Linter::from_name("nosuchlinter"), None);
            /// ```
            pub fn from_name(name: &str) -> Option<Linter> {
                match name {
                    $( $name => Some(Linter::$var), )*
                    _ => None,
                }
            }

            /// Runs the linter over one component's bytes.
            ///
            /// Never panics and never allocates, whatever the input.
            ///
            /// ```
            /// use bedside_gs1::{LintCode, LintError, Linter};
            /// assert!(Linter::Iso5218.check(b"2").is_ok());
            /// assert_eq!(
            ///     Linter::Iso5218.check(b"3"),
            ///     Err(LintError { code: LintCode::InvalidBiologicalSexCode, offset: 0, len: 1 })
            /// );
            /// ```
            pub fn check(self, value: &[u8]) -> Result<(), LintError> {
                match self {
                    $( Linter::$var => $func(value), )*
                }
            }
        }
    };
}

linters! {
    /// Digits only (implied by component type `N`).
    CsetNumeric => "csetnumeric", cset::numeric;
    /// GS1 character set 82 (implied by component type `X`).
    Cset82 => "cset82", cset::cset82;
    /// GS1 character set 39: `0-9 A-Z # - /` (implied by component type `Y`).
    Cset39 => "cset39", cset::cset39;
    /// GS1 character set 64, file-safe base64 with optional `=` padding
    /// (implied by component type `Z`). As in the engine, at most two `=`
    /// may end the value, and only if the whole length is a multiple of 3.
    Cset64 => "cset64", cset::cset64;
    /// GS1 mod-10 check digit in the last position.
    Csum => "csum", checksum::csum;
    /// GS1 check-character pair (CSET 32) in the last two positions.
    CsumAlpha => "csumalpha", checksum::csumalpha;
    /// Starts with a plausible GS1 Company Prefix (4 digits).
    GcpPos1 => "gcppos1", value::gcppos1;
    /// Starts with a plausible GS1 Company Prefix from the second position.
    GcpPos2 => "gcppos2", value::gcppos2;
    /// Contains at least one non-digit.
    HasNonDigit => "hasnondigit", cset::hasnondigit;
    /// Digits, not all zero.
    NonZero => "nonzero", value::nonzero;
    /// Zeros only.
    Zero => "zero", value::zero;
    /// Digits, not starting with `0`.
    NoZeroPrefix => "nozeroprefix", value::nozeroprefix;
    /// Calendar date `YYMMDD` (day `00` is not allowed).
    ///
    /// Two-digit years follow the engine: for the February 29 check, YY 00
    /// to 71 is read as 20YY and 72 to 99 as 19YY (a window fixed around
    /// 2021, not the current date). In effect Feb 29 is valid exactly when
    /// YY is a multiple of 4. No other check depends on the century.
    Yymmdd => "yymmdd", datetime::yymmdd;
    /// Calendar date `YYMMDD`, where day `00` ("day not given") is also
    /// allowed; two-digit years as for [`Linter::Yymmdd`].
    Yymmd0 => "yymmd0", datetime::yymmd0;
    /// Calendar date `YYYYMMDD` (Gregorian leap years; day `00` is not
    /// allowed). Any year from 0000 to 9999 passes.
    Yyyymmdd => "yyyymmdd", datetime::yyyymmdd;
    /// Calendar date `YYYYMMDD`, where day `00` is also allowed.
    Yyyymmd0 => "yyyymmd0", datetime::yyyymmd0;
    /// Time of day `HHMM` (the dictionary's `HHMI`).
    Hhmi => "hhmi", datetime::hhmi;
    /// Hour `HH`, 00 to 23.
    Hh => "hh", datetime::hh;
    /// Minute `MM`, 00 to 59.
    Mi => "mi", datetime::mi;
    /// Second `SS`, 00 to 59.
    Ss => "ss", datetime::ss;
    /// ISO 3166-1 numeric country code.
    Iso3166 => "iso3166", lists::iso3166;
    /// ISO 3166-1 numeric country code, or `999`.
    Iso3166999 => "iso3166999", lists::iso3166999;
    /// ISO 3166-1 alpha-2 country code.
    Iso3166Alpha2 => "iso3166alpha2", lists::iso3166alpha2;
    /// ISO 4217 numeric currency code.
    Iso4217 => "iso4217", lists::iso4217;
    /// ISO/IEC 5218 sex code: 0, 1, 2 or 9.
    Iso5218 => "iso5218", lists::iso5218;
    /// IBAN: a known ISO 3166 alpha-2 country code, 11 to 34 characters of
    /// `0-9A-Z`, and the mod-97 check digits. As in the engine, there is no
    /// per-country length check.
    Iban => "iban", checksum::iban;
    /// EU importer index: one character of `-0-9A-Z_a-z`.
    ImporterIdx => "importeridx", lists::importeridx;
    /// Latitude: 10 digits, at most 1800000000.
    Latitude => "latitude", value::latitude;
    /// Longitude: 10 digits, at most 3600000000.
    Longitude => "longitude", value::longitude;
    /// AIDC media type: 01 to 10 or 80 to 99.
    MediaType => "mediatype", lists::mediatype;
    /// Package type code (UN/ECE Recommendation 21 plus GS1 additions).
    PackageType => "packagetype", lists::packagetype;
    /// Every `%` starts a `%hh` hexadecimal escape.
    PcEnc => "pcenc", cset::pcenc;
    /// Piece number and total of equal width, both non-zero, piece <= total.
    PieceOfTotal => "pieceoftotal", value::pieceoftotal;
    /// `<position>/<total>` without zero prefixes, position <= total.
    PosInSeqSlash => "posinseqslash", value::posinseqslash;
    /// Winding direction: 0, 1 or 9.
    Winding => "winding", lists::winding;
    /// Flag: 0 or 1.
    YesNo => "yesno", lists::yesno;
    /// Hyphens only.
    Hyphen => "hyphen", value::hyphen;
    /// North American coupon code structure (AI 8110). As in the engine,
    /// "expiration before start" compares the two `YYMMDD` dates as digit
    /// strings, without any century window.
    CouponCode => "couponcode", coupon::couponcode;
    /// Positive offer file coupon structure (AI 8112).
    CouponPosOffer => "couponposoffer", coupon::couponposoffer;
    /// Deprecated; always passes (replaced by `gcppos1` with `csum`).
    Key => "key", stub;
    /// Deprecated; always passes (replaced by `gcppos2` with `csum`).
    KeyOff1 => "keyoff1", stub;
    /// Deprecated; always passes.
    Hhmm => "hhmm", stub;
    /// Deprecated; always passes.
    Iso3166List => "iso3166list", stub;
    /// Deprecated; always passes.
    MmOptSs => "mmoptss", stub;
    /// Deprecated; always passes.
    Yymmddhh => "yymmddhh", stub;
}

impl Linter {
    /// True for the deprecated names that always pass.
    ///
    /// ```
    /// use bedside_gs1::Linter;
    /// assert!(Linter::Key.is_deprecated_stub());
    /// assert!(!Linter::Csum.is_deprecated_stub());
    /// ```
    pub const fn is_deprecated_stub(self) -> bool {
        matches!(
            self,
            Linter::Key
                | Linter::KeyOff1
                | Linter::Hhmm
                | Linter::Iso3166List
                | Linter::MmOptSs
                | Linter::Yymmddhh
        )
    }

    /// The character-set linter implied by a dictionary component type:
    /// `N` numeric, `X` CSET 82, `Y` CSET 39, `Z` CSET 64.
    ///
    /// ```
    /// use bedside_gs1::Linter;
    /// assert_eq!(Linter::for_component_type(b'X'), Some(Linter::Cset82));
    /// assert_eq!(Linter::for_component_type(b'Q'), None);
    /// ```
    pub const fn for_component_type(kind: u8) -> Option<Linter> {
        match kind {
            b'N' => Some(Linter::CsetNumeric),
            b'X' => Some(Linter::Cset82),
            b'Y' => Some(Linter::Cset39),
            b'Z' => Some(Linter::Cset64),
            _ => None,
        }
    }
}
