//! The band layout model shared by every output.
//!
//! A [`BandRequest`] is what admissions enters. [`Band::new`] validates it and composes the
//! DCB1077 GS1 content — (8018) GSRN embedding the NHS number, (8019) SRIN, the patient AIs
//! 7250-7259 and the hospital number in (91) — then proves, before anything is printed, that
//! this content parses as GS1 scan data (`bedside-gs1`) *and* is accepted as a wristband by
//! the same view the service uses on a scan (`bedside-patient`). [`Layout::new`] places the
//! human-readable lines, the repeated GS1 DataMatrix and the optional GS1-128 on a
//! [`BandSize`]'s media at a print [`Resolution`], in printer dots. [`crate::zpl`],
//! [`crate::pdf`] and [`crate::png`] only draw a `Layout`.
//!
//! Geometry: `x` runs across the band (0 at one edge, `width_dots` at the other), `y` along
//! it (0 at the clasp end). Text and the GS1-128 run along the band; a text line's glyph tops
//! face `+x`, so the first line is the one with the largest `x`.
//!
//! Text never gets cut: a line too long for the space first shrinks (down to a legible
//! minimum height), then wraps at a space or hyphen; if it still cannot fit the layout fails
//! with [`BandError::DoesNotFit`] naming the field.

use std::fmt;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use bedside_barcode::ModuleMatrix;
use bedside_barcode::datamatrix::{self, DataMatrixOptions};
use bedside_barcode::gs1_128::{self, Gs1_128Options};
use bedside_gs1::GS;
use bedside_patient::{
    BirthSequence, DateOfBirth, Gsrn, GsrnPrefix, NhsGsrn, NhsNumber, Policy, Sex, TestData,
    Wristband, WristbandError, percent_encode, title_case, upper_case,
};
use thiserror::Error;

/// The typeface every output measures and (for PDF and PNG) draws with: DejaVu Sans
/// Condensed Bold, cut down to Latin (with Latin Extended and Vietnamese) — see
/// `fonts/LICENSE-DejaVu.txt`.
pub(crate) const FONT_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold-subset.ttf");

/// GS1 limit on the percent-encoded value of (7253), (7254) and (7259).
const NAME_AI_MAX: usize = 40;

/// Why a band could not be composed or laid out.
///
/// ```
/// use bedside_printer::layout::{Band, BandError, BandRequest};
/// use bedside_patient::{NhsNumber, TestData};
/// let nhs = NhsNumber::parse("9990001235", TestData::Allow)?;
/// let mut r = BandRequest::new(nhs, "", "John");
/// assert_eq!(Band::new(&r).err(), Some(BandError::EmptyName { field: "family" }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BandError {
    /// A required name is empty.
    #[error("{field} name is empty")]
    EmptyName {
        /// `family`, `given` or `baby_of`.
        field: &'static str,
    },
    /// A name whose GS1 form (percent-encoded CSET 82) exceeds the AI's 40 characters. It is
    /// never shortened: a band whose barcode carries a cut name would not confirm on a scan.
    #[error(
        "{field} name is {encoded} characters in the barcode's GS1 form; GS1 allows at most {max}"
    )]
    NameTooLongForBarcode {
        /// `family`, `given` or `baby_of`.
        field: &'static str,
        /// Length of the percent-encoded value.
        encoded: usize,
        /// The AI's limit.
        max: usize,
    },
    /// A control character (tab, newline, ...) in a name.
    #[error("{field} name: control character at position {position}")]
    ControlCharacter {
        /// `family`, `given`, `baby_of` or `mother`.
        field: &'static str,
        /// 0-based character position (after trimming).
        position: usize,
    },
    /// A birth sequence without "baby of": GS1 (7258) requires (7259).
    #[error("a birth sequence (7258) needs the baby-of name (7259)")]
    BirthSequenceWithoutBabyOf,
    /// A hospital number that is empty or not GS1 CSET 82 printable text.
    #[error("hospital number: character {found:?} at position {position} is not allowed")]
    HospitalNumber {
        /// 0-based character position.
        position: usize,
        /// The character.
        found: char,
    },
    /// A value empty where one is required.
    #[error("{field} is empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// The composed content is not valid GS1 (a bug guard: every value was checked before).
    #[error("the band's GS1 content is invalid: {0}")]
    Gs1(#[from] bedside_gs1::Error),
    /// The composed content would be refused as a wristband on a scan.
    #[error("the band would be refused on a scan: {0}")]
    Wristband(#[from] WristbandError),
    /// The symbol could not be encoded.
    #[error("barcode: {0}")]
    Encode(#[from] bedside_barcode::EncodeError),
    /// Something does not fit on the media even at the smallest legible size.
    #[error(
        "{what} does not fit on the {media} band ({needed_mm:.1} mm needed, {available_mm:.1} mm available)"
    )]
    DoesNotFit {
        /// What did not fit (`family name`, `text`, `GS1-128`, ...).
        what: &'static str,
        /// The media.
        media: BandSize,
        /// Space needed.
        needed_mm: f32,
        /// Space available.
        available_mm: f32,
    },
    /// The embedded font could not be read (a build defect).
    #[error("the embedded font could not be read")]
    Font,
}

/// Band media. Sizes are the common wristband cartridge sizes; a trust with other media
/// uses [`Media`] directly through [`Layout::with_media`].
///
/// ```
/// use bedside_printer::layout::BandSize;
/// assert_eq!(BandSize::Adult.media().length_mm, 279.4);
/// assert_eq!("neonate".parse::<BandSize>(), Ok(BandSize::Neonate));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BandSize {
    /// Adult band, 1 in × 11 in.
    Adult,
    /// Paediatric band, 1 in × 7 in.
    Child,
    /// Neonate band, 0.75 in × 6 in.
    Neonate,
}

impl BandSize {
    /// The default media of this size.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::BandSize::Neonate.media().width_mm, 19.05);
    /// ```
    #[must_use]
    pub fn media(self) -> Media {
        match self {
            BandSize::Adult => Media {
                size: self,
                width_mm: 25.4,
                length_mm: 279.4,
                lead_mm: 32.0,
                tail_mm: 28.0,
                margin_mm: 1.6,
            },
            BandSize::Child => Media {
                size: self,
                width_mm: 25.4,
                length_mm: 177.8,
                lead_mm: 25.0,
                tail_mm: 18.0,
                margin_mm: 1.6,
            },
            BandSize::Neonate => Media {
                size: self,
                width_mm: 19.05,
                length_mm: 152.4,
                lead_mm: 22.0,
                tail_mm: 14.0,
                margin_mm: 1.2,
            },
        }
    }

    /// The name used on the command line and in the API.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::BandSize::Child.as_str(), "child");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BandSize::Adult => "adult",
            BandSize::Child => "child",
            BandSize::Neonate => "neonate",
        }
    }
}

impl fmt::Display for BandSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A band size name that is not `adult`, `child` or `neonate`.
///
/// ```
/// assert!("giant".parse::<bedside_printer::layout::BandSize>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("band size {0:?}: expected adult, child or neonate")]
pub struct UnknownBandSize(pub String);

impl std::str::FromStr for BandSize {
    type Err = UnknownBandSize;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "adult" => Ok(BandSize::Adult),
            "child" | "paediatric" | "pediatric" => Ok(BandSize::Child),
            "neonate" | "infant" => Ok(BandSize::Neonate),
            other => Err(UnknownBandSize(other.to_owned())),
        }
    }
}

/// Physical media: the band and the parts of it that must stay clear.
///
/// ```
/// let m = bedside_printer::layout::BandSize::Adult.media();
/// assert!(m.printable_length_mm() > 200.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Media {
    /// The size this media is (or is closest to).
    pub size: BandSize,
    /// Band width, across (mm).
    pub width_mm: f32,
    /// Band length (mm).
    pub length_mm: f32,
    /// Kept clear at the clasp end (mm): the clasp and the part that overlaps the wrist.
    pub lead_mm: f32,
    /// Kept clear at the tail end (mm): trimmed or tucked away.
    pub tail_mm: f32,
    /// Kept clear along both edges (mm).
    pub margin_mm: f32,
}

impl Media {
    /// Length available for printing.
    ///
    /// ```
    /// let m = bedside_printer::layout::BandSize::Child.media();
    /// assert_eq!(m.printable_length_mm(), 177.8 - 25.0 - 18.0);
    /// ```
    #[must_use]
    pub fn printable_length_mm(&self) -> f32 {
        self.length_mm - self.lead_mm - self.tail_mm
    }
}

/// Print resolution. Zebra's "300 dpi" heads are 12 dots/mm.
///
/// ```
/// use bedside_printer::layout::Resolution;
/// assert_eq!(Resolution::Dpi300.dots_per_mm(), 12);
/// assert_eq!(Resolution::from_dpi(203), Some(Resolution::Dpi203));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// 203 dpi, 8 dots/mm.
    Dpi203,
    /// 300 dpi, 12 dots/mm.
    Dpi300,
}

impl Resolution {
    /// `203` or `300`.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::Resolution::from_dpi(600), None);
    /// ```
    #[must_use]
    pub fn from_dpi(dpi: u32) -> Option<Self> {
        match dpi {
            203 => Some(Resolution::Dpi203),
            300 => Some(Resolution::Dpi300),
            _ => None,
        }
    }

    /// Dots per millimetre.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::Resolution::Dpi203.dots_per_mm(), 8);
    /// ```
    #[must_use]
    pub fn dots_per_mm(self) -> u32 {
        match self {
            Resolution::Dpi203 => 8,
            Resolution::Dpi300 => 12,
        }
    }

    /// Nominal dots per inch.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::Resolution::Dpi300.dpi(), 300);
    /// ```
    #[must_use]
    pub fn dpi(self) -> u32 {
        match self {
            Resolution::Dpi203 => 203,
            Resolution::Dpi300 => 300,
        }
    }

    /// GS1 DataMatrix module size in dots: the smallest whole number of dots at or above
    /// the GS1 healthcare minimum X-dimension of 0.254 mm, plus margin for dot gain —
    /// 3 dots (0.375 mm) at 203 dpi, 4 dots (0.333 mm) at 300 dpi.
    ///
    /// ```
    /// use bedside_printer::layout::Resolution;
    /// for r in [Resolution::Dpi203, Resolution::Dpi300] {
    ///     assert!(r.datamatrix_module_dots() as f32 / r.dots_per_mm() as f32 >= 0.254);
    /// }
    /// ```
    #[must_use]
    pub fn datamatrix_module_dots(self) -> u32 {
        match self {
            Resolution::Dpi203 => 3,
            Resolution::Dpi300 => 4,
        }
    }

    /// GS1-128 narrow bar in dots: at least 0.250 mm — 3 dots at either resolution (2 dots
    /// at 203 dpi would be 0.246 mm, under the minimum).
    ///
    /// ```
    /// use bedside_printer::layout::Resolution;
    /// assert!(3.0 / Resolution::Dpi300.dots_per_mm() as f32 >= 0.25);
    /// assert_eq!(Resolution::Dpi300.linear_module_dots(), 3);
    /// ```
    #[must_use]
    pub fn linear_module_dots(self) -> u32 {
        3
    }
}

/// What admissions enters for one band.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest};
/// use bedside_patient::{Date, DateOfBirth, NhsNumber, Sex, TestData};
/// let nhs = NhsNumber::parse("999 000 1235", TestData::Allow)?;
/// let mut r = BandRequest::new(nhs, "Smith", "John");
/// r.date_of_birth = Some(DateOfBirth { date: Date::new(1980, 1, 18)?, time: None });
/// r.sex = Some(Sex::Male);
/// r.hospital_number = Some("K1234567".into());
/// let band = Band::new(&r)?;
/// assert_eq!(band.scan_data(), "]d28018952000099900012352\u{1d}80191\u{1d}725019800118\u{1d}72521\u{1d}7253Smith\u{1d}7254John\u{1d}91K1234567");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandRequest {
    /// The NHS number, embedded in the GSRN.
    pub nhs_number: NhsNumber,
    /// Family name as registered (printed in capitals, encoded as entered).
    pub family: String,
    /// Given name(s) as registered.
    pub given: String,
    /// Date of birth; with a time of birth for neonates (encoded as (7251)).
    pub date_of_birth: Option<DateOfBirth>,
    /// Biological sex.
    pub sex: Option<Sex>,
    /// The trust hospital number, encoded in (91) and printed.
    pub hospital_number: Option<String>,
    /// The trust's GSRN company prefix.
    pub gsrn_prefix: GsrnPrefix,
    /// (8019) service relation instance number.
    pub srin: u32,
    /// An unknown patient: printed `UNKNOWN` with the sex as the given name.
    pub unknown: bool,
    /// A newborn not yet named: the mother's family name, printed `BABY OF …` and encoded
    /// in (7259) instead of (7253)/(7254).
    pub baby_of: Option<String>,
    /// Neonates: the mother's name (printed only).
    pub mother_name: Option<String>,
    /// Multiple births: position and total (7258; needs `baby_of`).
    pub birth_sequence: Option<BirthSequence>,
    /// Alert band (allergy or other alert): the media is red; the layout says `ALERT`.
    pub alert: bool,
    /// Also print a GS1-128 of (8018)(8019) along the band.
    pub linear: bool,
}

impl BandRequest {
    /// A request with the given names and defaults for everything else (prefix
    /// [`GsrnPrefix::EXAMPLE`], SRIN 1, no alert, no GS1-128).
    ///
    /// ```
    /// use bedside_patient::{NhsNumber, TestData};
    /// let r = bedside_printer::layout::BandRequest::new(NhsNumber::parse("9434765919", TestData::Reject)?, "O'Brien", "Zoë");
    /// assert_eq!(r.srin, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(nhs_number: NhsNumber, family: &str, given: &str) -> Self {
        BandRequest {
            nhs_number,
            family: family.to_owned(),
            given: given.to_owned(),
            date_of_birth: None,
            sex: None,
            hospital_number: None,
            gsrn_prefix: GsrnPrefix::EXAMPLE,
            srin: 1,
            unknown: false,
            baby_of: None,
            mother_name: None,
            birth_sequence: None,
            alert: false,
            linear: false,
        }
    }

    /// An unknown patient's request: family `UNKNOWN`, given name from the sex
    /// (`Male`, `Female`, `Person`).
    ///
    /// ```
    /// use bedside_patient::{NhsNumber, Sex, TestData};
    /// let r = bedside_printer::layout::BandRequest::unknown(NhsNumber::parse("9990001235", TestData::Allow)?, Sex::Male);
    /// assert_eq!((r.family.as_str(), r.given.as_str()), ("UNKNOWN", "Male"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn unknown(nhs_number: NhsNumber, sex: Sex) -> Self {
        let given = match sex {
            Sex::Male => "Male",
            Sex::Female => "Female",
            _ => "Person",
        };
        let mut r = BandRequest::new(nhs_number, "UNKNOWN", given);
        r.sex = Some(sex);
        r.unknown = true;
        r
    }
}

/// One human-readable line's role.
///
/// ```
/// assert_eq!(bedside_printer::layout::Field::Nhs.as_str(), "NHS number");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `TEST PATIENT` marker for 999-range NHS numbers.
    Test,
    /// `ALERT` marker.
    Alert,
    /// Family name (or `BABY OF …`, `UNKNOWN`).
    Family,
    /// Given name.
    Given,
    /// Date of birth and sex.
    DateOfBirth,
    /// NHS number.
    Nhs,
    /// Hospital number.
    HospitalNumber,
    /// Mother's name (neonates).
    Mother,
    /// Birth sequence (neonates).
    BirthSequence,
}

impl Field {
    /// A name for error messages.
    ///
    /// ```
    /// assert_eq!(bedside_printer::layout::Field::Family.as_str(), "family name");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Test => "test marker",
            Field::Alert => "alert marker",
            Field::Family => "family name",
            Field::Given => "given name",
            Field::DateOfBirth => "date of birth",
            Field::Nhs => "NHS number",
            Field::HospitalNumber => "hospital number",
            Field::Mother => "mother's name",
            Field::BirthSequence => "birth sequence",
        }
    }

    /// Preferred and minimum text height (mm).
    fn heights(self) -> (f32, f32) {
        match self {
            Field::Family => (4.6, 2.4),
            Field::Given => (3.8, 2.2),
            Field::Nhs => (3.4, 2.4),
            Field::Test | Field::Alert => (2.6, 1.9),
            _ => (3.0, 2.0),
        }
    }

    /// Lines that may go in a second block when the first is full.
    fn secondary(self) -> bool {
        matches!(
            self,
            Field::HospitalNumber | Field::Mother | Field::BirthSequence
        )
    }

    fn wraps(self) -> bool {
        matches!(
            self,
            Field::Family | Field::Given | Field::Mother | Field::Test | Field::Alert
        )
    }
}

/// A validated band: its GS1 content and its human-readable lines.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = Band::new(&BandRequest::new(NhsNumber::parse("9434765919", TestData::Reject)?, "Nguyễn", "Zoë"))?;
/// assert_eq!(band.lines()[0].1, "NGUYỄN");
/// assert!(band.element_string().starts_with(b"8018"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    nhs_number: NhsNumber,
    element_string: Vec<u8>,
    linear_element_string: Option<Vec<u8>>,
    lines: Vec<(Field, String)>,
    alert: bool,
    test: bool,
}

fn name_value(field: &'static str, text: &str) -> Result<String, BandError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(BandError::EmptyName { field });
    }
    if let Some((position, _)) = trimmed.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(BandError::ControlCharacter { field, position });
    }
    // `_` is CSET 82, but ZPL's `^BX` escape character is `_` and renderers disagree on
    // `__`; `%5F` decodes to the same name and keeps every symbol unambiguous.
    let enc = percent_encode(trimmed).replace('_', "%5F");
    if enc.len() > NAME_AI_MAX {
        return Err(BandError::NameTooLongForBarcode {
            field,
            encoded: enc.len(),
            max: NAME_AI_MAX,
        });
    }
    Ok(enc)
}

/// GS1 CSET 82 without the characters ZPL or the bracketed form treat specially is not
/// needed here: (91) is CSET 82, and the hospital number must also be plain text people
/// can read back from the band, so letters, digits and `-` `/` only.
fn check_hospital_number(mrn: &str) -> Result<(), BandError> {
    if mrn.is_empty() {
        return Err(BandError::Empty {
            field: "hospital number",
        });
    }
    if let Some((position, found)) = mrn
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '/'))
    {
        return Err(BandError::HospitalNumber { position, found });
    }
    Ok(())
}

fn sex_word(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Male",
        Sex::Female => "Female",
        Sex::NotKnown => "Sex not known",
        Sex::NotApplicable => "Sex not applicable",
    }
}

impl Band {
    /// Validates a request and composes the band's content.
    ///
    /// The content is parsed back as `]d2` scan data and checked as a wristband with the
    /// request's GSRN prefix (test-range NHS numbers allowed, so a demo band can be printed;
    /// such a band says `TEST PATIENT` on it).
    ///
    /// ```
    /// use bedside_printer::layout::{Band, BandError, BandRequest};
    /// use bedside_patient::{NhsNumber, TestData};
    /// let long = "Abcdefghijklmnopqrstuvwxyzabcdefghijklmn"; // 40 letters fit
    /// let r = BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, long, "Ann");
    /// assert!(Band::new(&r).is_ok());
    /// let r = BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Zoë-Zoë-Zoë-Zoë-Zoë-Zoë", "Ann");
    /// assert!(matches!(Band::new(&r), Err(BandError::NameTooLongForBarcode { field: "family", .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(req: &BandRequest) -> Result<Band, BandError> {
        let gsrn = Gsrn::for_nhs_number(&req.gsrn_prefix, &req.nhs_number);
        let mut elements: Vec<(&'static str, String)> = vec![
            ("8018", gsrn.as_str().to_owned()),
            ("8019", req.srin.to_string()),
        ];
        if let Some(dob) = req.date_of_birth {
            let d = dob.date;
            match dob.time {
                Some(t) => elements.push((
                    "7251",
                    format!(
                        "{:04}{:02}{:02}{:02}{:02}",
                        d.year(),
                        d.month(),
                        d.day(),
                        t.hour(),
                        t.minute()
                    ),
                )),
                None => elements.push((
                    "7250",
                    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
                )),
            }
        }
        if let Some(sex) = req.sex {
            elements.push(("7252", sex.iso5218().to_string()));
        }
        let mut lines = Vec::new();
        let test = req.nhs_number.is_test();
        match (req.alert, test) {
            (true, true) => lines.push((Field::Alert, "ALERT · TEST PATIENT".to_owned())),
            (true, false) => lines.push((Field::Alert, "ALERT - CHECK ALERT RECORD".to_owned())),
            (false, true) => lines.push((
                Field::Test,
                "TEST PATIENT - NOT FOR CLINICAL USE".to_owned(),
            )),
            (false, false) => {}
        }
        match &req.baby_of {
            Some(mother_family) => {
                elements.push(("7259", name_value("baby_of", mother_family)?));
                if let Some(seq) = req.birth_sequence {
                    elements.push(("7258", format!("{}/{}", seq.position(), seq.total())));
                }
                lines.push((
                    Field::Family,
                    format!("BABY OF {}", upper_case(mother_family.trim())),
                ));
            }
            None => {
                if req.birth_sequence.is_some() {
                    return Err(BandError::BirthSequenceWithoutBabyOf);
                }
                elements.push(("7253", name_value("family", &req.family)?));
                elements.push(("7254", name_value("given", &req.given)?));
                lines.push((Field::Family, upper_case(req.family.trim())));
                lines.push((Field::Given, title_case(req.given.trim())));
            }
        }
        if let Some(mrn) = &req.hospital_number {
            check_hospital_number(mrn)?;
            elements.push(("91", mrn.clone()));
        }
        let mut dob_line = match req.date_of_birth {
            Some(d) => format!("DOB {d}"),
            None => "DOB not known".to_owned(),
        };
        if let Some(sex) = req.sex {
            dob_line.push_str("  ");
            dob_line.push_str(sex_word(sex));
        }
        lines.push((Field::DateOfBirth, dob_line));
        lines.push((Field::Nhs, format!("NHS {}", req.nhs_number)));
        if let Some(mrn) = &req.hospital_number {
            lines.push((Field::HospitalNumber, format!("Hosp No {mrn}")));
        }
        if let Some(m) = &req.mother_name {
            let m = m.trim();
            if let Some((position, _)) = m.chars().enumerate().find(|(_, c)| c.is_control()) {
                return Err(BandError::ControlCharacter {
                    field: "mother",
                    position,
                });
            }
            if m.is_empty() {
                return Err(BandError::Empty {
                    field: "mother's name",
                });
            }
            lines.push((Field::Mother, format!("Mother: {m}")));
        }
        if let Some(seq) = req.birth_sequence {
            lines.push((Field::BirthSequence, format!("Birth {seq}")));
        }

        let element_string = join_elements(&elements);
        // What we print is what a scanner reads: check it the way a scan is checked.
        let mut scan = b"]d2".to_vec();
        scan.extend_from_slice(&element_string);
        let parsed = bedside_gs1::parse_scan(&scan)?;
        let Some(message) = parsed.message() else {
            return Err(BandError::Empty {
                field: "GS1 content",
            });
        };
        let policy = Policy::new([req.gsrn_prefix])
            .map_err(|_| BandError::Empty {
                field: "GSRN prefix",
            })?
            .with_test_data(TestData::Allow)
            .with_require_date_of_birth(req.date_of_birth.is_some());
        Wristband::from_message(message, &policy)?;

        let linear_element_string = req.linear.then(|| join_elements(&elements[..2]));
        Ok(Band {
            nhs_number: req.nhs_number,
            element_string,
            linear_element_string,
            lines,
            alert: req.alert,
            test,
        })
    }

    /// The DataMatrix content: GS1 element string, GS between elements, no leading FNC1.
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(b.element_string(), b"8018952000099900012352\x1d80191\x1d7253Smith\x1d7254John");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn element_string(&self) -> &[u8] {
        &self.element_string
    }

    /// The content as a scanner reports it: `]d2` + element string.
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert!(b.scan_data().starts_with("]d28018"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn scan_data(&self) -> String {
        format!("]d2{}", String::from_utf8_lossy(&self.element_string))
    }

    /// The GS1-128 content ((8018)(8019)), when requested.
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let mut r = BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John");
    /// r.linear = true;
    /// assert_eq!(Band::new(&r)?.linear_element_string(), Some(&b"8018952000099900012352\x1d80191"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn linear_element_string(&self) -> Option<&[u8]> {
        self.linear_element_string.as_deref()
    }

    /// The human-readable lines, in order (first = outermost).
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest, Field};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9434765919", TestData::Reject)?, "o'brien", "mary-jane"))?;
    /// assert_eq!(b.lines()[0], (Field::Family, "O'BRIEN".to_owned()));
    /// assert_eq!(b.lines()[1], (Field::Given, "Mary-Jane".to_owned()));
    /// assert!(b.lines().iter().any(|l| l.1 == "NHS 943 476 5919"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lines(&self) -> &[(Field, String)] {
        &self.lines
    }

    /// The NHS number.
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(b.nhs_number().as_str(), "9990001235");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn nhs_number(&self) -> &NhsNumber {
        &self.nhs_number
    }

    /// Whether this is an alert band.
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert!(!b.is_alert());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_alert(&self) -> bool {
        self.alert
    }

    /// Whether the NHS number is in the 999 test range (the band says so).
    ///
    /// ```
    /// # use bedside_printer::layout::{Band, BandRequest};
    /// # use bedside_patient::{NhsNumber, TestData};
    /// let b = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert!(b.is_test());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_test(&self) -> bool {
        self.test
    }
}

fn join_elements(elements: &[(&'static str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (ai, value)) in elements.iter().enumerate() {
        if i > 0 {
            out.push(GS);
        }
        out.extend_from_slice(ai.as_bytes());
        out.extend_from_slice(value.as_bytes());
    }
    out
}

/// A GS1 DataMatrix placed on the band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMatrixItem {
    /// Left edge of the symbol (finder pattern, quiet zone outside), dots.
    pub x: u32,
    /// Top edge, dots.
    pub y: u32,
    /// Module size, dots.
    pub module_dots: u32,
    /// Symbol size in modules as printed by a ZPL printer (`^BX` columns and rows): the
    /// smallest square that holds the data even in plain ASCII encodation, so any
    /// printer's encoder fits it.
    pub zpl_size: u32,
    /// Our optimally encoded symbol, centred in the same box, for PDF and PNG.
    pub matrix: ModuleMatrix,
    /// The element string (GS separators).
    pub data: Vec<u8>,
}

/// A GS1-128 placed along the band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearItem {
    /// Left edge of the bars (across), dots.
    pub x: u32,
    /// Start of the symbol along the band (after its quiet zone), dots.
    pub y: u32,
    /// Narrow bar, dots.
    pub module_dots: u32,
    /// Bar height (across the band), dots.
    pub bar_dots: u32,
    /// Symbol characters (start, FNC1, data, check, stop).
    pub codewords: Vec<u8>,
    /// Bars: `true` = dark, one entry per module along the band.
    pub modules: Vec<bool>,
    /// The element string.
    pub data: Vec<u8>,
}

/// A line of text running along the band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextItem {
    /// Field.
    pub field: Field,
    /// Lower edge across the band (descender side), dots; glyph tops face `+x`.
    pub x: u32,
    /// Start along the band, dots.
    pub y: u32,
    /// Text height (cell), dots.
    pub height_dots: u32,
    /// Measured length along the band, dots.
    pub length_dots: u32,
    /// The text.
    pub text: String,
    /// Drawn light on a dark box (the alert and test markers).
    pub reverse: bool,
}

/// Everything placed on one band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// GS1 DataMatrix.
    DataMatrix(DataMatrixItem),
    /// GS1-128.
    Linear(LinearItem),
    /// Text.
    Text(TextItem),
}

/// A band laid out on media at a resolution.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest, BandSize, Item, Layout, Resolution};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
/// let l = Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?;
/// assert_eq!(l.width_dots(), 305);
/// assert!(l.items().iter().filter(|i| matches!(i, Item::DataMatrix(_))).count() >= 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    media: Media,
    resolution: Resolution,
    width_dots: u32,
    length_dots: u32,
    items: Vec<Item>,
    alert: bool,
    scan_data: String,
}

/// Smallest ECC 200 square that holds `n` data codewords: (size, capacity).
const SQUARES: [(u32, usize); 16] = [
    (10, 3),
    (12, 5),
    (14, 8),
    (16, 12),
    (18, 18),
    (20, 22),
    (22, 30),
    (24, 36),
    (26, 44),
    (32, 62),
    (36, 86),
    (40, 114),
    (44, 144),
    (48, 174),
    (52, 204),
    (64, 280),
];

/// Data codewords in ASCII encodation (FNC1 first, digit pairs packed, GS as FNC1).
fn ascii_codewords(data: &[u8]) -> usize {
    let mut n = 1;
    let mut i = 0;
    while i < data.len() {
        if data[i].is_ascii_digit() && data.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 2;
        } else {
            i += 1;
        }
        n += 1;
    }
    n
}

fn zpl_square(data: &[u8]) -> Option<u32> {
    let need = ascii_codewords(data);
    SQUARES
        .iter()
        .find(|(_, cap)| *cap >= need)
        .map(|(size, _)| *size)
}

/// Measures text in the embedded font.
pub(crate) struct Measure {
    font: FontRef<'static>,
}

impl Measure {
    pub(crate) fn new() -> Result<Self, BandError> {
        Ok(Measure {
            font: FontRef::try_from_slice(FONT_TTF).map_err(|_| BandError::Font)?,
        })
    }

    pub(crate) fn font(&self) -> &FontRef<'static> {
        &self.font
    }

    /// Advance width of `text` at cell height `h` (any unit), kerning included.
    pub(crate) fn width(&self, text: &str, h: f32) -> f32 {
        let scaled = self.font.as_scaled(PxScale::from(h));
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let g = scaled.glyph_id(c);
            if let Some(p) = prev {
                w += scaled.kern(p, g);
            }
            w += scaled.h_advance(g);
            prev = Some(g);
        }
        w
    }
}

/// One physical line after fitting: (field, text, height mm).
type Fitted = (Field, String, f32);

fn wrap_two(text: &str) -> Option<(String, String)> {
    // Break at the space or hyphen nearest the middle.
    let mid = text.chars().count() / 2;
    let mut best: Option<(usize, usize)> = None; // (distance, char index)
    for (i, c) in text.chars().enumerate() {
        if c == ' ' || c == '-' {
            let d = i.abs_diff(mid);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
    }
    let (_, at) = best?;
    let chars: Vec<char> = text.chars().collect();
    let keep_hyphen = chars.get(at) == Some(&'-');
    let first: String = chars[..at + usize::from(keep_hyphen)].iter().collect();
    let second: String = chars[at + 1..].iter().collect();
    Some((first.trim().to_owned(), second.trim().to_owned()))
}

const LINE_GAP: f32 = 0.22; // × height between lines
const MARGIN_FACTOR: f32 = 1.06; // measured length × this must fit (font substitution slack)

fn fit_lines(
    m: &Measure,
    lines: &[(Field, String)],
    along_mm: f32,
    across_mm: f32,
    media: BandSize,
) -> Result<Vec<Fitted>, BandError> {
    let mut scale = 1.0_f32;
    loop {
        let mut out: Vec<Fitted> = Vec::new();
        for (field, text) in lines {
            let (pref, min) = field.heights();
            let mut h = (pref * scale).max(min);
            let fits = |t: &str, h: f32| m.width(t, h) * MARGIN_FACTOR <= along_mm;
            while !fits(text, h) && h > min {
                h = (h - 0.1).max(min);
            }
            if fits(text, h) {
                out.push((*field, text.clone(), h));
                continue;
            }
            // Wrap onto two lines at the preferred size again, shrinking if needed.
            let wrapped = if field.wraps() { wrap_two(text) } else { None };
            let Some((a, b)) = wrapped else {
                return Err(BandError::DoesNotFit {
                    what: field.as_str(),
                    media,
                    needed_mm: m.width(text, min) * MARGIN_FACTOR,
                    available_mm: along_mm,
                });
            };
            let mut h2 = (pref * scale).max(min);
            while !(fits(&a, h2) && fits(&b, h2)) && h2 > min {
                h2 = (h2 - 0.1).max(min);
            }
            if !(fits(&a, h2) && fits(&b, h2)) {
                return Err(BandError::DoesNotFit {
                    what: field.as_str(),
                    media,
                    needed_mm: m.width(&a, min).max(m.width(&b, min)) * MARGIN_FACTOR,
                    available_mm: along_mm,
                });
            }
            out.push((*field, a, h2));
            out.push((*field, b, h2));
        }
        let total: f32 = out.iter().map(|(_, _, h)| h * (1.0 + LINE_GAP)).sum();
        if total <= across_mm {
            return Ok(out);
        }
        let at_min = out
            .iter()
            .all(|(f, _, h)| (*h - f.heights().1).abs() < 0.05);
        if at_min {
            return Err(BandError::DoesNotFit {
                what: "text",
                media,
                needed_mm: total,
                available_mm: across_mm,
            });
        }
        scale *= 0.93;
    }
}

const GAP_MM: f32 = 3.0;

impl Layout {
    /// Lays a band out on one of the standard sizes.
    ///
    /// ```
    /// use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
    /// use bedside_patient::{NhsNumber, TestData};
    /// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// let l = Layout::new(&band, BandSize::Neonate, Resolution::Dpi203)?;
    /// assert_eq!(l.length_dots(), 1219);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(band: &Band, size: BandSize, resolution: Resolution) -> Result<Layout, BandError> {
        Layout::with_media(band, size.media(), resolution)
    }

    /// Lays a band out on any media.
    ///
    /// ```
    /// use bedside_printer::layout::{Band, BandError, BandRequest, BandSize, Layout, Resolution};
    /// use bedside_patient::{NhsNumber, TestData};
    /// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// let mut tiny = BandSize::Neonate.media();
    /// tiny.length_mm = 60.0;
    /// assert!(matches!(Layout::with_media(&band, tiny, Resolution::Dpi203), Err(BandError::DoesNotFit { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_media(
        band: &Band,
        media: Media,
        resolution: Resolution,
    ) -> Result<Layout, BandError> {
        let dpmm = resolution.dots_per_mm() as f32;
        let dots = |mm: f32| (mm * dpmm).round().max(0.0) as u32;
        let width_dots = dots(media.width_mm);
        let length_dots = dots(media.length_mm);
        let across_mm = media.width_mm - 2.0 * media.margin_mm;

        // The DataMatrix box: the ZPL size plus a one-module quiet zone on each side.
        let module = resolution.datamatrix_module_dots();
        let zpl_size = zpl_square(&band.element_string).ok_or(BandError::Encode(
            bedside_barcode::EncodeError::TooLong {
                len: band.element_string.len(),
                max: 280,
            },
        ))?;
        let symbol =
            datamatrix::encode_element_string(&band.element_string, &DataMatrixOptions::default())?;
        // Never smaller than our own (optimal) symbol.
        let zpl_size = zpl_size.max(symbol.width() as u32);
        let box_dots = (zpl_size + 2) * module;
        let box_mm = box_dots as f32 / dpmm;
        if box_mm > across_mm {
            return Err(BandError::DoesNotFit {
                what: "GS1 DataMatrix",
                media: media.size,
                needed_mm: box_mm,
                available_mm: across_mm,
            });
        }

        // The GS1-128, if any: quiet zones of 10 modules at both ends.
        let linear = match &band.linear_element_string {
            Some(data) => {
                // Validate with the optimal encoder, then draw the plan every ZPL
                // implementation renders identically, so ZPL, PDF and PNG match.
                gs1_128::encode_element_string(data, &Gs1_128Options::default())?;
                let codewords = crate::zpl::gs1_128_plan(data).map_err(|_| BandError::Empty {
                    field: "GS1-128 data",
                })?;
                let lm = resolution.linear_module_dots();
                let modules = gs1_128::writer::modules(&codewords);
                let len_dots = (modules.len() as u32 + 20) * lm;
                Some((data.clone(), codewords, modules, lm, len_dots))
            }
            None => None,
        };
        let linear_mm = linear.as_ref().map_or(0.0, |l| l.4 as f32 / dpmm + GAP_MM);

        let printable = media.printable_length_mm();
        let text_budget = printable - 2.0 * box_mm - 2.0 * GAP_MM - linear_mm;
        let needed_min = 2.0 * box_mm + 2.0 * GAP_MM + linear_mm + 20.0;
        if text_budget < 20.0 {
            return Err(BandError::DoesNotFit {
                what: if linear.is_some() {
                    "GS1-128 with two DataMatrix symbols and the text"
                } else {
                    "two DataMatrix symbols and the text"
                },
                media: media.size,
                needed_mm: needed_min,
                available_mm: printable,
            });
        }
        let measure = Measure::new()?;
        // The core identifiers (and the markers) go in block A, between the first two
        // DataMatrix symbols. The hospital number and the neonate details join them when
        // everything fits across the band; otherwise they get a block B of their own.
        let primary: Vec<(Field, String)> = band
            .lines
            .iter()
            .filter(|(f, _)| !f.secondary())
            .cloned()
            .collect();
        let secondary: Vec<(Field, String)> = band
            .lines
            .iter()
            .filter(|(f, _)| f.secondary())
            .cloned()
            .collect();
        let block_len = |lines: &[Fitted]| {
            lines
                .iter()
                .map(|(_, t, h)| measure.width(t, *h) * MARGIN_FACTOR)
                .fold(0.0_f32, f32::max)
        };
        let (block_a, block_b) =
            match fit_lines(&measure, &band.lines, text_budget, across_mm, media.size) {
                Ok(all) => (all, Vec::new()),
                Err(BandError::DoesNotFit { what: "text", .. }) if !secondary.is_empty() => {
                    let b = fit_lines(&measure, &secondary, text_budget, across_mm, media.size)?;
                    let budget_a = text_budget - block_len(&b) - GAP_MM;
                    let a = fit_lines(&measure, &primary, budget_a, across_mm, media.size)?;
                    (a, b)
                }
                Err(e) => return Err(e),
            };

        let mut items = Vec::new();
        let dm_x = (width_dots.saturating_sub(box_dots)) / 2 + module;
        let mut y_mm = media.lead_mm;
        let place_dm = |items: &mut Vec<Item>, y_mm: f32| {
            items.push(Item::DataMatrix(DataMatrixItem {
                x: dm_x,
                y: dots(y_mm) + module,
                module_dots: module,
                zpl_size,
                matrix: symbol.matrix().clone(),
                data: band.element_string.clone(),
            }));
        };
        let place_text = |items: &mut Vec<Item>, y_mm: f32, lines: &[Fitted]| {
            // The first line outermost (largest x), the block centred across the band.
            let total: f32 = lines.iter().map(|(_, _, h)| h * (1.0 + LINE_GAP)).sum();
            let mut top_mm = media.width_mm - media.margin_mm - (across_mm - total) / 2.0;
            for (field, text, h) in lines {
                let x_mm = top_mm - h;
                items.push(Item::Text(TextItem {
                    field: *field,
                    x: dots(x_mm),
                    y: dots(y_mm),
                    height_dots: dots(*h),
                    length_dots: dots(measure.width(text, *h) * MARGIN_FACTOR),
                    text: text.clone(),
                    reverse: matches!(field, Field::Alert | Field::Test),
                }));
                top_mm = x_mm - h * LINE_GAP;
            }
        };
        place_dm(&mut items, y_mm);
        y_mm += box_mm + GAP_MM;
        place_text(&mut items, y_mm, &block_a);
        y_mm += block_len(&block_a) + GAP_MM;
        place_dm(&mut items, y_mm);
        y_mm += box_mm + GAP_MM;
        if !block_b.is_empty() {
            place_text(&mut items, y_mm, &block_b);
            y_mm += block_len(&block_b) + GAP_MM;
        }

        if let Some((data, codewords, modules, lm, len_dots)) = linear {
            let bar_mm = (across_mm * 0.6).min(12.0);
            let bar_dots = dots(bar_mm);
            items.push(Item::Linear(LinearItem {
                x: (width_dots.saturating_sub(bar_dots)) / 2,
                y: dots(y_mm) + 10 * lm,
                module_dots: lm,
                bar_dots,
                codewords,
                modules,
                data,
            }));
            y_mm += len_dots as f32 / dpmm + GAP_MM;
        }
        // Repeat the DataMatrix in what is left, so it scans wherever the band curves.
        let end_mm = media.length_mm - media.tail_mm;
        while y_mm + box_mm <= end_mm {
            place_dm(&mut items, y_mm);
            y_mm += box_mm + 4.0 * GAP_MM;
        }

        Ok(Layout {
            media,
            resolution,
            width_dots,
            length_dots,
            items,
            alert: band.alert,
            scan_data: band.scan_data(),
        })
    }

    /// The media.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// let l = Layout::new(&band, BandSize::Child, Resolution::Dpi203)?;
    /// assert_eq!(l.media().size, BandSize::Child);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn media(&self) -> &Media {
        &self.media
    }

    /// The resolution.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(Layout::new(&band, BandSize::Adult, Resolution::Dpi203)?.resolution(), Resolution::Dpi203);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// Band width in dots (`^PW`).
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(Layout::new(&band, BandSize::Adult, Resolution::Dpi203)?.width_dots(), 203);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn width_dots(&self) -> u32 {
        self.width_dots
    }

    /// Band length in dots (`^LL`).
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?.length_dots(), 3353);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn length_dots(&self) -> u32 {
        self.length_dots
    }

    /// Everything placed.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// let l = Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?;
    /// assert!(l.items().iter().any(|i| matches!(i, Item::Text(t) if t.text == "SMITH")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Whether this is an alert band.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert!(!Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?.is_alert());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_alert(&self) -> bool {
        self.alert
    }

    /// The scan data every DataMatrix on this band decodes to.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?.scan_data(), band.scan_data());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn scan_data(&self) -> &str {
        &self.scan_data
    }

    /// Millimetres for a dot count at this resolution.
    ///
    /// ```
    /// # use bedside_printer::layout::*;
    /// # use bedside_patient::{NhsNumber, TestData};
    /// # let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
    /// assert_eq!(Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?.mm(12), 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn mm(&self, dots: u32) -> f32 {
        dots as f32 / self.resolution.dots_per_mm() as f32
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use bedside_patient::Date;

    fn req(family: &str, given: &str) -> BandRequest {
        let mut r = BandRequest::new(
            NhsNumber::parse("9990001235", TestData::Allow).unwrap(),
            family,
            given,
        );
        r.date_of_birth = Some(DateOfBirth {
            date: Date::new(1980, 1, 18).unwrap(),
            time: None,
        });
        r.sex = Some(Sex::Male);
        r.hospital_number = Some("K1234567".into());
        r
    }

    #[test]
    fn ascii_bound_and_squares() {
        assert_eq!(ascii_codewords(b"12"), 2);
        assert_eq!(ascii_codewords(b"1A"), 3);
        let b = Band::new(&req("Smith", "John")).unwrap();
        let size = zpl_square(b.element_string()).unwrap();
        let ours = datamatrix::encode_element_string(b.element_string(), &Default::default())
            .unwrap()
            .width() as u32;
        assert!(ours <= size, "{ours} > {size}");
    }

    #[test]
    fn items_inside_the_band_and_clear_of_the_ends() {
        for size in [BandSize::Adult, BandSize::Child, BandSize::Neonate] {
            for res in [Resolution::Dpi203, Resolution::Dpi300] {
                let mut r = req("Featherstonehaugh-Wolfeschlegel", "Mary-Jane Elizabeth");
                r.alert = true;
                r.linear = size == BandSize::Adult;
                let b = Band::new(&r).unwrap();
                let l = Layout::new(&b, size, res).unwrap();
                let lead = (l.media().lead_mm * res.dots_per_mm() as f32) as u32;
                let end = l.length_dots() - (l.media().tail_mm * res.dots_per_mm() as f32) as u32;
                for item in l.items() {
                    let (x0, x1, y0, y1) = match item {
                        Item::DataMatrix(d) => (
                            d.x,
                            d.x + d.zpl_size * d.module_dots,
                            d.y,
                            d.y + d.zpl_size * d.module_dots,
                        ),
                        Item::Linear(li) => (
                            li.x,
                            li.x + li.bar_dots,
                            li.y,
                            li.y + li.modules.len() as u32 * li.module_dots,
                        ),
                        Item::Text(t) => (t.x, t.x + t.height_dots, t.y, t.y + t.length_dots),
                    };
                    assert!(x1 <= l.width_dots() && x0 < x1, "{size} {res:?} {item:?}");
                    assert!(y0 >= lead && y1 <= end, "{size} {res:?} {item:?}");
                }
                let dms = l
                    .items()
                    .iter()
                    .filter(|i| matches!(i, Item::DataMatrix(_)))
                    .count();
                assert!(dms >= 2, "{size}: {dms} DataMatrix symbols");
            }
        }
    }

    #[test]
    fn long_names_wrap_never_cut() {
        let r = req("Abcdefgh Ijklmnop Qrstuvwx Yzab", "Anne");
        let b = Band::new(&r).unwrap();
        let l = Layout::new(&b, BandSize::Neonate, Resolution::Dpi203).unwrap();
        let family: Vec<&str> = l
            .items()
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) if t.field == Field::Family => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(family.join(" "), "ABCDEFGH IJKLMNOP QRSTUVWX YZAB");
    }

    #[test]
    fn unbreakable_overlong_name_is_an_error() {
        let mut media = BandSize::Neonate.media();
        media.length_mm = 95.0;
        let mut r = req("Abcdefghijklmnopqrstuvwxyzabcdefghijk", "Anne");
        r.nhs_number = NhsNumber::parse("9434765919", TestData::Reject).unwrap();
        let b = Band::new(&r).unwrap();
        let r = Layout::with_media(&b, media, Resolution::Dpi203);
        assert!(
            matches!(
                r,
                Err(BandError::DoesNotFit {
                    what: "family name",
                    ..
                })
            ),
            "{r:?}"
        );
    }

    #[test]
    fn neonate_baby_of_and_sequence() {
        let mut r = req("x", "y");
        r.baby_of = Some("Smith".into());
        r.birth_sequence = Some(BirthSequence::parse("2/3").unwrap());
        r.mother_name = Some("Jane Smith".into());
        let b = Band::new(&r).unwrap();
        let s = String::from_utf8(b.element_string().to_vec()).unwrap();
        assert!(s.contains("7259Smith") && s.contains("72582/3") && !s.contains("7253"));
        assert!(b.lines().iter().any(|l| l.1 == "BABY OF SMITH"));
        r.baby_of = None;
        assert_eq!(Band::new(&r), Err(BandError::BirthSequenceWithoutBabyOf));
    }

    #[test]
    fn bad_hospital_number() {
        let mut r = req("Smith", "John");
        r.hospital_number = Some("K12^45".into());
        assert_eq!(
            Band::new(&r),
            Err(BandError::HospitalNumber {
                position: 3,
                found: '^'
            })
        );
    }
}
