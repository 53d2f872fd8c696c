//! Demographics, NPSA display rules and the strict comparison used for confirmation.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use thiserror::Error;

use crate::date::DateOfBirth;
use crate::fold::{Folded, fold_char};

/// Biological sex as coded by ISO/IEC 5218 (GS1 AI 7252).
///
/// ```
/// use bedside_patient::Sex;
/// assert_eq!(Sex::from_iso5218("2")?, Sex::Female);
/// assert_eq!(Sex::Female.iso5218(), '2');
/// assert!(Sex::from_iso5218("3").is_err());
/// # Ok::<(), bedside_patient::SexError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Sex {
    /// `0`: not known.
    NotKnown,
    /// `1`: male.
    Male,
    /// `2`: female.
    Female,
    /// `9`: not applicable.
    NotApplicable,
}

/// An ISO 5218 code that is not `0`, `1`, `2` or `9`.
///
/// ```
/// use bedside_patient::{Sex, SexError};
/// assert_eq!(Sex::from_iso5218("12"), Err(SexError::Length { found: 2 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SexError {
    /// Not exactly one character.
    #[error("sex (ISO 5218): {found} characters, exactly 1 required")]
    Length {
        /// Characters given.
        found: usize,
    },
    /// A character that is not one of the four codes.
    #[error("sex (ISO 5218): code {found:?} at position 0 is not 0, 1, 2 or 9")]
    InvalidCode {
        /// The character given.
        found: char,
    },
}

impl Sex {
    /// Parses the one-character ISO 5218 code.
    ///
    /// ```
    /// # use bedside_patient::Sex;
    /// assert_eq!(Sex::from_iso5218("9")?, Sex::NotApplicable);
    /// # Ok::<(), bedside_patient::SexError>(())
    /// ```
    pub fn from_iso5218(s: &str) -> Result<Self, SexError> {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => match c {
                '0' => Ok(Sex::NotKnown),
                '1' => Ok(Sex::Male),
                '2' => Ok(Sex::Female),
                '9' => Ok(Sex::NotApplicable),
                found => Err(SexError::InvalidCode { found }),
            },
            _ => Err(SexError::Length {
                found: s.chars().count(),
            }),
        }
    }

    /// The ISO 5218 code character.
    ///
    /// ```
    /// # use bedside_patient::Sex;
    /// assert_eq!(Sex::NotKnown.iso5218(), '0');
    /// ```
    #[must_use]
    pub const fn iso5218(self) -> char {
        match self {
            Sex::NotKnown => '0',
            Sex::Male => '1',
            Sex::Female => '2',
            Sex::NotApplicable => '9',
        }
    }

    /// True for male or female: the only values that take part in a comparison.
    ///
    /// ```
    /// # use bedside_patient::Sex;
    /// assert!(Sex::Male.is_specified());
    /// assert!(!Sex::NotKnown.is_specified());
    /// ```
    #[must_use]
    pub const fn is_specified(self) -> bool {
        matches!(self, Sex::Male | Sex::Female)
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::NotKnown => "Not known",
            Sex::Male => "Male",
            Sex::Female => "Female",
            Sex::NotApplicable => "Not applicable",
        })
    }
}

/// A name reduced to its comparison key. Two names are the same for confirmation exactly
/// when their keys are equal. Nothing fuzzy: no edit distance, no phonetics, no nicknames,
/// no prefix matching, no reordering.
///
/// The normalisation, in full:
///
/// 1. Apostrophes are removed: `'` U+0027, `‘` U+2018, `’` U+2019, `ʼ` U+02BC, `ʻ` U+02BB,
///    `ʾ` U+02BE, `ʿ` U+02BF (transliteration half rings), `` ` `` U+0060, `´` U+00B4,
///    `′` U+2032.
/// 2. Invisible characters are removed: soft hyphen U+00AD, zero-width space / non-joiner /
///    joiner U+200B-U+200D, word joiner U+2060, BOM U+FEFF; and combining diacritical marks
///    U+0300-U+036F (so decomposed `Zoe\u{308}` equals precomposed `Zoë`).
/// 3. Whitespace (any Unicode white space) is trimmed at both ends and each inner run becomes
///    one ASCII space.
/// 4. The hyphen characters U+2010 and U+2011 become `-` (other dashes are kept as they are).
/// 5. Latin letters with diacritics, and the letters Ø Ł Đ Ð Ħ ı ſ, fold to their base ASCII
///    letter; Æ → AE, Œ → OE, ß/ẞ → SS, Þ → TH, Ĳ → IJ, Ỻ → LL (table in the crate source, blocks
///    Latin-1, Latin Extended-A, selected Latin Extended-B, Latin Extended Additional).
/// 6. Everything is upper-cased (Unicode simple/full upper case for non-Latin scripts, which
///    are otherwise kept as they are, so a Cyrillic `А` never equals a Latin `A`).
///
/// Hyphens and inner spaces stay significant: `Smith-Jones` ≠ `Smith Jones` ≠ `SmithJones`.
///
/// ```
/// use bedside_patient::NameKey;
/// assert_eq!(NameKey::new("O'Brien"), NameKey::new("OBRIEN"));
/// assert_eq!(NameKey::new("O\u{2019}Brien"), NameKey::new("obrien"));
/// assert_eq!(NameKey::new("Zoë").as_str(), "ZOE");
/// assert_eq!(NameKey::new("Nguyễn").as_str(), "NGUYEN");
/// assert_eq!(NameKey::new("  van  der   Berg "), NameKey::new("VAN DER BERG"));
/// assert_ne!(NameKey::new("Smith-Jones"), NameKey::new("Smith Jones"));
/// assert_ne!(NameKey::new("Jon"), NameKey::new("John"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameKey(String);

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}'
            | '\u{2019}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BE}'
            | '\u{02BF}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
    )
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    ) || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn push_fold_result(out: &mut String, folded: Folded, original: char) {
    match folded {
        Folded::One(a) => out.push(char::from(a)),
        Folded::Two(a, b) => {
            out.push(char::from(a));
            out.push(char::from(b));
        }
        Folded::Unchanged => out.push(original),
    }
}

fn push_folded(out: &mut String, c: char) {
    push_fold_result(out, fold_char(c), c);
}

impl NameKey {
    /// Normalises a name as described on the type.
    ///
    /// ```
    /// # use bedside_patient::NameKey;
    /// assert_eq!(NameKey::new("Ærøskøbing-Straße").as_str(), "AEROSKOBING-STRASSE");
    /// ```
    #[must_use]
    pub fn new(name: &str) -> Self {
        let mut out = String::with_capacity(name.len());
        let mut pending_space = false;
        for c in name.chars() {
            if is_apostrophe(c) || is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match c {
                '\u{2010}' | '\u{2011}' => out.push('-'),
                _ => match fold_char(c) {
                    Folded::Unchanged => {
                        // Upper-casing can itself produce combining marks or foldable
                        // letters (e.g. Greek); apply the same rules to its output.
                        for u in c.to_uppercase() {
                            if !(is_apostrophe(u) || is_invisible(u)) {
                                push_folded(&mut out, u);
                            }
                        }
                    }
                    folded => push_fold_result(&mut out, folded, c),
                },
            }
        }
        NameKey(out)
    }

    /// The normalised key.
    ///
    /// ```
    /// # use bedside_patient::NameKey;
    /// assert_eq!(NameKey::new("d’Arcy").as_str(), "DARCY");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True if nothing is left after normalisation (such a name can never confirm).
    ///
    /// ```
    /// # use bedside_patient::NameKey;
    /// assert!(NameKey::new(" ' ").is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Upper-cases a name for display (NPSA: family name in capitals), keeping diacritics and
/// trimming / collapsing whitespace: `Nguyễn` → `NGUYỄN`.
///
/// ```
/// use bedside_patient::upper_case;
/// assert_eq!(upper_case(" o'Brien "), "O'BRIEN");
/// assert_eq!(upper_case("Nguyễn"), "NGUYỄN");
/// ```
#[must_use]
pub fn upper_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_uppercase));
    }
    out
}

/// Title-cases a name for display (NPSA: first name in title case): the first letter of each
/// part (after a space, hyphen or apostrophe) upper case, the rest lower case; whitespace
/// trimmed and collapsed. `MARY-JANE` → `Mary-Jane`, `zoë` → `Zoë`.
///
/// ```
/// use bedside_patient::title_case;
/// assert_eq!(title_case("MARY-JANE"), "Mary-Jane");
/// assert_eq!(title_case("  zoë  ann "), "Zoë Ann");
/// ```
#[must_use]
pub fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut start = true;
        for c in word.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = c == '-' || c == '\u{2010}' || c == '\u{2011}' || is_apostrophe(c);
        }
    }
    out
}

/// A demographic field, as named in a [`Confirmation`].
///
/// ```
/// use bedside_patient::Field;
/// assert_eq!(Field::DateOfBirth.to_string(), "date of birth");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Field {
    /// Family name (surname).
    FamilyName,
    /// Given (first) name(s).
    GivenName,
    /// Date of birth (and time of birth when both sides have one).
    DateOfBirth,
    /// Biological sex.
    Sex,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::FamilyName => "family name",
            Field::GivenName => "given name",
            Field::DateOfBirth => "date of birth",
            Field::Sex => "sex",
        })
    }
}

/// Outcome of a strict demographic comparison. Only [`Confirmation::Confirmed`] may be read
/// as agreement; the other two must stop the task.
///
/// ```
/// use bedside_patient::{Confirmation, Demographics, Field};
/// let a = Demographics::new("Smith", "John");
/// let b = Demographics::new("Smyth", "John");
/// assert_eq!(a.confirm(&b), Confirmation::Mismatch { fields: vec![Field::FamilyName] });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Confirmation {
    /// Family name, given name and date of birth are present on both sides and equal after
    /// normalisation, and sex does not contradict.
    Confirmed,
    /// At least one field differs (listed). Evidence of a different patient.
    Mismatch {
        /// The fields that differ.
        fields: Vec<Field>,
    },
    /// Nothing differs, but a required field is missing (or empty after normalisation) on
    /// one side (listed): cannot confirm.
    Incomplete {
        /// The fields that could not be compared.
        fields: Vec<Field>,
    },
}

impl Confirmation {
    /// True only for [`Confirmation::Confirmed`].
    ///
    /// ```
    /// # use bedside_patient::Confirmation;
    /// assert!(!Confirmation::Incomplete { fields: vec![] }.is_confirmed());
    /// ```
    #[must_use]
    pub fn is_confirmed(&self) -> bool {
        matches!(self, Confirmation::Confirmed)
    }
}

/// Family name, given name, date of birth and sex of one patient, as shown to the nurse and
/// compared for confirmation. Names are kept exactly as received (decoded UTF-8); the NPSA
/// display forms and the comparison keys are derived on demand.
///
/// ```
/// use bedside_patient::{Date, DateOfBirth, Demographics, Sex};
/// let d = Demographics::new("Nguyễn", "zoë")
///     .with_date_of_birth(DateOfBirth::from_date(Date::new(1980, 1, 18)?))
///     .with_sex(Sex::Female);
/// assert_eq!(d.display_name(), "NGUYỄN, Zoë");
/// assert_eq!(d.display_date_of_birth().as_deref(), Some("18-Jan-1980"));
/// # Ok::<(), bedside_patient::DateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Demographics {
    /// Family name (surname), as received.
    pub family: Option<String>,
    /// Given name(s), as received.
    pub given: Option<String>,
    /// Date of birth (with time of birth for neonates when known).
    pub date_of_birth: Option<DateOfBirth>,
    /// Biological sex.
    pub sex: Option<Sex>,
}

impl Demographics {
    /// Demographics with family and given name; date of birth and sex unset.
    ///
    /// ```
    /// # use bedside_patient::Demographics;
    /// let d = Demographics::new("Smith", "John");
    /// assert_eq!(d.family.as_deref(), Some("Smith"));
    /// ```
    #[must_use]
    pub fn new(family: impl Into<String>, given: impl Into<String>) -> Self {
        Demographics {
            family: Some(family.into()),
            given: Some(given.into()),
            date_of_birth: None,
            sex: None,
        }
    }

    /// Sets the date of birth.
    ///
    /// ```
    /// # use bedside_patient::{Date, DateOfBirth, Demographics};
    /// let d = Demographics::new("Smith", "John")
    ///     .with_date_of_birth(DateOfBirth::from_date(Date::new(1980, 1, 18)?));
    /// assert!(d.date_of_birth.is_some());
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub fn with_date_of_birth(mut self, dob: DateOfBirth) -> Self {
        self.date_of_birth = Some(dob);
        self
    }

    /// Sets the sex.
    ///
    /// ```
    /// # use bedside_patient::{Demographics, Sex};
    /// let d = Demographics::new("Smith", "John").with_sex(Sex::Male);
    /// assert_eq!(d.sex, Some(Sex::Male));
    /// ```
    #[must_use]
    pub fn with_sex(mut self, sex: Sex) -> Self {
        self.sex = Some(sex);
        self
    }

    /// Family name in capitals (NPSA), e.g. `O'BRIEN`.
    ///
    /// ```
    /// # use bedside_patient::Demographics;
    /// assert_eq!(Demographics::new("o'brien", "x").display_family().as_deref(), Some("O'BRIEN"));
    /// ```
    #[must_use]
    pub fn display_family(&self) -> Option<String> {
        self.family.as_deref().map(upper_case)
    }

    /// Given name in title case (NPSA), e.g. `Mary-Jane`.
    ///
    /// ```
    /// # use bedside_patient::Demographics;
    /// assert_eq!(Demographics::new("x", "MARY-JANE").display_given().as_deref(), Some("Mary-Jane"));
    /// ```
    #[must_use]
    pub fn display_given(&self) -> Option<String> {
        self.given.as_deref().map(title_case)
    }

    /// `FAMILY, Given` as printed on the band (family first). A missing part is omitted.
    ///
    /// ```
    /// # use bedside_patient::Demographics;
    /// assert_eq!(Demographics::new("smith", "john").display_name(), "SMITH, John");
    /// let mut d = Demographics::default();
    /// d.family = Some("Smith".into());
    /// assert_eq!(d.display_name(), "SMITH");
    /// ```
    #[must_use]
    pub fn display_name(&self) -> String {
        match (self.display_family(), self.display_given()) {
            (Some(f), Some(g)) if !g.is_empty() => alloc::format!("{f}, {g}"),
            (Some(f), _) => f,
            (None, Some(g)) => g,
            (None, None) => String::new(),
        }
    }

    /// Date of birth as `18-Jan-1980` (with ` HH:MM` when a time of birth is recorded).
    ///
    /// ```
    /// # use bedside_patient::{DateOfBirth, Demographics};
    /// let d = Demographics::new("a", "b").with_date_of_birth(DateOfBirth::parse_gs1_7250("19800118")?);
    /// assert_eq!(d.display_date_of_birth().as_deref(), Some("18-Jan-1980"));
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub fn display_date_of_birth(&self) -> Option<String> {
        self.date_of_birth.map(|d| alloc::format!("{d}"))
    }

    /// Strict comparison for confirmation.
    ///
    /// - Family name, given name and date of birth are required on both sides; each name is
    ///   compared by [`NameKey`] equality (exact after normalisation), the date exactly.
    /// - Times of birth are compared only when both sides carry one.
    /// - Sex is compared only when both sides are male or female; otherwise it is not
    ///   evidence either way (it is not one of the NPSA core identifiers).
    /// - Any difference gives [`Confirmation::Mismatch`]; otherwise any missing or empty
    ///   required field gives [`Confirmation::Incomplete`].
    ///
    /// ```
    /// use bedside_patient::{Confirmation, DateOfBirth, Demographics, Field};
    /// let dob = DateOfBirth::parse_gs1_7250("19800118")?;
    /// let band = Demographics::new("O’BRIEN", "ZOË").with_date_of_birth(dob);
    /// let record = Demographics::new("O'Brien", "Zoe").with_date_of_birth(dob);
    /// assert_eq!(band.confirm(&record), Confirmation::Confirmed);
    /// let no_dob = Demographics::new("OBrien", "Zoe");
    /// assert_eq!(band.confirm(&no_dob), Confirmation::Incomplete { fields: vec![Field::DateOfBirth] });
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub fn confirm(&self, other: &Demographics) -> Confirmation {
        let mut mismatched = Vec::new();
        let mut missing = Vec::new();
        for (field, a, b) in [
            (Field::FamilyName, &self.family, &other.family),
            (Field::GivenName, &self.given, &other.given),
        ] {
            let ka = a.as_deref().map(NameKey::new).filter(|k| !k.is_empty());
            let kb = b.as_deref().map(NameKey::new).filter(|k| !k.is_empty());
            match (ka, kb) {
                (Some(x), Some(y)) if x == y => {}
                (Some(_), Some(_)) => mismatched.push(field),
                _ => missing.push(field),
            }
        }
        match (self.date_of_birth, other.date_of_birth) {
            (Some(x), Some(y)) => {
                let times_differ = matches!((x.time, y.time), (Some(s), Some(t)) if s != t);
                if x.date != y.date || times_differ {
                    mismatched.push(Field::DateOfBirth);
                }
            }
            _ => missing.push(Field::DateOfBirth),
        }
        if let (Some(x), Some(y)) = (self.sex, other.sex)
            && x.is_specified()
            && y.is_specified()
            && x != y
        {
            mismatched.push(Field::Sex);
        }
        if !mismatched.is_empty() {
            Confirmation::Mismatch { fields: mismatched }
        } else if !missing.is_empty() {
            Confirmation::Incomplete { fields: missing }
        } else {
            Confirmation::Confirmed
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn k(s: &str) -> String {
        NameKey::new(s).0
    }

    #[test]
    fn name_key_rules() {
        assert_eq!(k("O'Brien"), "OBRIEN");
        assert_eq!(k("O\u{2019}Brien"), "OBRIEN");
        assert_eq!(k("OBrien"), "OBRIEN");
        assert_eq!(k("o`brien"), "OBRIEN");
        assert_eq!(k("Zoë"), "ZOE");
        assert_eq!(k("Zoe\u{308}"), "ZOE");
        assert_eq!(k("Nguyễn"), "NGUYEN");
        assert_eq!(k("NGUYE\u{302}\u{303}N"), "NGUYEN");
        assert_eq!(k("Łukasz"), "LUKASZ");
        assert_eq!(k("Søren"), "SOREN");
        assert_eq!(k("Groß"), "GROSS");
        assert_eq!(k("\t Mary \u{a0} Jane\n"), "MARY JANE");
        assert_eq!(k("Smith\u{2010}Jones"), "SMITH-JONES");
        assert_eq!(k("Smi\u{ad}th"), "SMITH");
        assert_eq!(k("Şahin"), "SAHIN");
        assert_eq!(k("Țepeș"), "TEPES");
        assert_eq!(k("Иван"), "ИВАН");
        assert_ne!(k("Иван"), k("NBAH"));
        assert_ne!(k("Smith-Jones"), k("Smith Jones"));
        assert_ne!(k("Smith Jones"), k("SmithJones"));
        assert_ne!(k("John"), k("Jon"));
        assert_ne!(k("Ann"), k("Anne"));
    }

    #[test]
    fn display_rules() {
        assert_eq!(upper_case("van der Berg"), "VAN DER BERG");
        assert_eq!(upper_case("straße"), "STRASSE");
        assert_eq!(title_case("o'neill"), "O'Neill");
        assert_eq!(title_case("JEAN-PAUL"), "Jean-Paul");
        assert_eq!(title_case(""), "");
        assert_eq!(Demographics::default().display_name(), "");
        let g = Demographics {
            given: Some("baby".into()),
            ..Demographics::default()
        };
        assert_eq!(g.display_name(), "Baby");
    }

    fn full(f: &str, g: &str, y: u16, sex: Sex) -> Demographics {
        let dob = Date::new(y, 1, 18).map(DateOfBirth::from_date).ok();
        let mut d = Demographics::new(f, g).with_sex(sex);
        d.date_of_birth = dob;
        d
    }

    #[test]
    fn confirmation() {
        let a = full("Nguyễn", "Zoë", 1980, Sex::Female);
        assert_eq!(
            a.confirm(&full("NGUYEN", "zoe", 1980, Sex::Female)),
            Confirmation::Confirmed
        );
        assert_eq!(
            a.confirm(&full("NGUYEN", "zoe", 1980, Sex::NotKnown)),
            Confirmation::Confirmed
        );
        assert_eq!(
            a.confirm(&full("NGUYEN", "zoe", 1980, Sex::Male)),
            Confirmation::Mismatch {
                fields: vec![Field::Sex]
            }
        );
        assert_eq!(
            a.confirm(&full("NGUYEN", "Zoey", 1981, Sex::Female)),
            Confirmation::Mismatch {
                fields: vec![Field::GivenName, Field::DateOfBirth]
            }
        );
        let mut partial = full("NGUYEN", "Zoe", 1980, Sex::Female);
        partial.given = Some("  ".into());
        assert_eq!(
            a.confirm(&partial),
            Confirmation::Incomplete {
                fields: vec![Field::GivenName]
            }
        );
        // Mismatch dominates incomplete.
        partial.family = Some("Smith".into());
        assert_eq!(
            a.confirm(&partial),
            Confirmation::Mismatch {
                fields: vec![Field::FamilyName]
            }
        );
        assert_eq!(
            Demographics::default().confirm(&Demographics::default()),
            Confirmation::Incomplete {
                fields: vec![Field::FamilyName, Field::GivenName, Field::DateOfBirth]
            }
        );
    }

    #[test]
    fn birth_times() {
        let d = |s: &str| {
            let mut x = Demographics::new("Baby", "A");
            x.date_of_birth = DateOfBirth::parse_gs1_7251(s).ok();
            x
        };
        assert!(d("202603141205").confirm(&d("202603141205")).is_confirmed());
        assert!(!d("202603141205").confirm(&d("202603141206")).is_confirmed());
        let mut date_only = d("202603141205");
        date_only.date_of_birth = date_only
            .date_of_birth
            .map(|x| DateOfBirth::from_date(x.date));
        assert!(d("202603141205").confirm(&date_only).is_confirmed());
    }
}
