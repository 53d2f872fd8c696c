//! Scan data: what a barcode reader transmits, an AIM symbology identifier
//! (ISO/IEC 15424) followed by the symbol's data.

use alloc::borrow::Cow;

use super::Parser;
use crate::error::{Error, ErrorKind};
use crate::message::{MAX_INPUT, Message};

/// The symbologies whose scan data this crate understands.
///
/// ```
/// use bedside_gs1::Symbology;
/// assert_eq!(Symbology::DataMatrix.gs1_aim(), Some("]d2"));
/// assert_eq!(Symbology::Ean13.gs1_aim(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Symbology {
    /// Data Matrix (`]d1` plain, `]d2` GS1).
    DataMatrix,
    /// QR Code (`]Q1` plain, `]Q3` GS1).
    QrCode,
    /// Code 128 with FNC1 in first position: GS1-128 (`]C1`).
    Gs1_128,
    /// GS1 DataBar (`]e0`), also the composite component of a linear symbol.
    DataBar,
    /// DotCode (`]J0` plain, `]J1` GS1).
    DotCode,
    /// EAN-13 / UPC-A (`]E0`).
    Ean13,
    /// EAN-8 (`]E4`).
    Ean8,
}

impl Symbology {
    /// The AIM identifier a reader sends for GS1 data in this symbology.
    ///
    /// ```
    /// use bedside_gs1::Symbology;
    /// assert_eq!(Symbology::Gs1_128.gs1_aim(), Some("]C1"));
    /// ```
    pub const fn gs1_aim(self) -> Option<&'static str> {
        match self {
            Symbology::DataMatrix => Some("]d2"),
            Symbology::QrCode => Some("]Q3"),
            Symbology::Gs1_128 => Some("]C1"),
            Symbology::DataBar => Some("]e0"),
            Symbology::DotCode => Some("]J1"),
            Symbology::Ean13 | Symbology::Ean8 => None,
        }
    }

    /// The AIM identifier for plain (non-GS1) data, where the symbology has one.
    ///
    /// ```
    /// use bedside_gs1::Symbology;
    /// assert_eq!(Symbology::DataMatrix.plain_aim(), Some("]d1"));
    /// ```
    pub const fn plain_aim(self) -> Option<&'static str> {
        match self {
            Symbology::DataMatrix => Some("]d1"),
            Symbology::QrCode => Some("]Q1"),
            Symbology::DotCode => Some("]J0"),
            Symbology::Ean13 => Some("]E0"),
            Symbology::Ean8 => Some("]E4"),
            Symbology::Gs1_128 | Symbology::DataBar => None,
        }
    }

    /// Reads an AIM identifier's two characters after `]`: the symbology and
    /// whether the data is GS1. Unknown identifiers give `None`.
    ///
    /// ```
    /// use bedside_gs1::Symbology;
    /// assert_eq!(Symbology::from_aim(b"d2"), Some((Symbology::DataMatrix, true)));
    /// assert_eq!(Symbology::from_aim(b"C0"), None);
    /// ```
    pub fn from_aim(id: &[u8]) -> Option<(Symbology, bool)> {
        Some(match id {
            b"d1" => (Symbology::DataMatrix, false),
            b"d2" => (Symbology::DataMatrix, true),
            b"Q1" => (Symbology::QrCode, false),
            b"Q3" => (Symbology::QrCode, true),
            b"C1" => (Symbology::Gs1_128, true),
            b"e0" => (Symbology::DataBar, true),
            b"J0" => (Symbology::DotCode, false),
            b"J1" => (Symbology::DotCode, true),
            b"E0" => (Symbology::Ean13, false),
            b"E4" => (Symbology::Ean8, false),
            _ => return None,
        })
    }
}

/// What a scan carried.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Content<'a> {
    /// A GS1 message (AI element string).
    Gs1(Message<'a>),
    /// A GS1 Digital Link URI in a plain-data symbol, with its AIs.
    DigitalLink(Message<'a>),
    /// Plain data that is not GS1: never to be read as AIs.
    Plain(Cow<'a, [u8]>),
    /// EAN/UPC primary data (13 or 8 digits), with its composite component if any.
    Primary {
        /// The digits.
        digits: Cow<'a, str>,
        /// The GS1 composite component (`|]e0…`).
        composite: Option<Message<'a>>,
    },
}

/// A decoded scan: symbology, and what it carried.
///
/// ```
/// use bedside_gs1::{parse_scan, Symbology, Content};
/// let s = parse_scan(b"]d2010950600013435210AB1\x1d17261231").unwrap();
/// assert_eq!(s.symbology, Some(Symbology::DataMatrix));
/// assert!(s.is_gs1());
/// let plain = parse_scan(b"]d19434765919").unwrap();
/// assert!(matches!(plain.content, Content::Plain(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan<'a> {
    /// The symbology, when the input had an AIM identifier.
    pub symbology: Option<Symbology>,
    /// The content.
    pub content: Content<'a>,
}

impl<'a> Scan<'a> {
    /// The GS1 message, for GS1 data, a Digital Link URI or a composite component.
    ///
    /// ```
    /// let s = bedside_gs1::parse_scan(b"]Q3010950600013435210AB1").unwrap();
    /// assert_eq!(s.message().unwrap().len(), 2);
    /// ```
    pub fn message(&self) -> Option<&Message<'a>> {
        match &self.content {
            Content::Gs1(m) | Content::DigitalLink(m) => Some(m),
            Content::Primary { composite, .. } => composite.as_ref(),
            Content::Plain(_) => None,
        }
    }

    /// Takes the GS1 message out of the scan.
    ///
    /// ```
    /// let m = bedside_gs1::parse_scan(b"]C1010950600013435210AB1").unwrap().into_message().unwrap();
    /// assert_eq!(m.get_str("10"), Some("AB1"));
    /// ```
    pub fn into_message(self) -> Option<Message<'a>> {
        match self.content {
            Content::Gs1(m) | Content::DigitalLink(m) => Some(m),
            Content::Primary { composite, .. } => composite,
            Content::Plain(_) => None,
        }
    }

    /// Whether the scan carried GS1 AI data (an AI element string, not a URI).
    ///
    /// ```
    /// assert!(!bedside_gs1::parse_scan(b"]d1HELLO").unwrap().is_gs1());
    /// ```
    pub fn is_gs1(&self) -> bool {
        matches!(self.content, Content::Gs1(_))
    }

    /// Detaches the scan from its input.
    ///
    /// ```
    /// let s = bedside_gs1::parse_scan(b"]d1HELLO").unwrap().into_owned();
    /// assert!(s.message().is_none());
    /// ```
    pub fn into_owned(self) -> Scan<'static> {
        Scan {
            symbology: self.symbology,
            content: match self.content {
                Content::Gs1(m) => Content::Gs1(m.into_owned()),
                Content::DigitalLink(m) => Content::DigitalLink(m.into_owned()),
                Content::Plain(p) => Content::Plain(Cow::Owned(p.into_owned())),
                Content::Primary { digits, composite } => Content::Primary {
                    digits: Cow::Owned(digits.into_owned()),
                    composite: composite.map(Message::into_owned),
                },
            },
        }
    }
}

fn is_uri(data: &[u8]) -> bool {
    data.starts_with(b"https://")
        || data.starts_with(b"HTTPS://")
        || data.starts_with(b"http://")
        || data.starts_with(b"HTTP://")
}

impl<'d> Parser<'d> {
    /// Parses scan data: an AIM symbology identifier then the data, with GS
    /// (0x1D) for FNC1. `]d2 ]Q3 ]C1 ]e0 ]J1` carry GS1 AI data; `]d1 ]Q1 ]J0`
    /// carry plain data or a Digital Link URI; `]E0`/`]E4` EAN/UPC with an
    /// optional `|]e0` composite. Any other identifier is refused.
    ///
    /// ```
    /// use bedside_gs1::{Parser, ErrorClass};
    /// let p = Parser::default();
    /// assert!(p.scan(b"]d2801895200009990001235\x1d80191").is_err()); // 17 digits: too short
    /// assert_eq!(p.scan(b"]X0abc").unwrap_err().class(), ErrorClass::ScanAim);
    /// ```
    pub fn scan<'a>(&self, input: &'a [u8]) -> Result<Scan<'a>, Error> {
        let input = self.prepare(input);
        let aim = match input.get(..3) {
            Some([b']', a, b]) => [*a, *b],
            _ => {
                return Err(Error::new(
                    ErrorKind::MissingAim,
                    None,
                    0,
                    input.len().min(3),
                ));
            }
        };
        let (symbology, gs1) = Symbology::from_aim(&aim)
            .ok_or_else(|| Error::new(ErrorKind::UnsupportedAim, None, 0, 3))?;
        if input.len() - 3 >= MAX_INPUT {
            return Err(Error::new(
                ErrorKind::InputTooLong { max: MAX_INPUT - 1 },
                None,
                MAX_INPUT,
                input.len() - MAX_INPUT,
            ));
        }
        if gs1 {
            // Built in place: a message is a few hundred bytes, and each move
            // of it is a copy.
            let mut scan = Scan {
                symbology: Some(symbology),
                content: Content::Gs1(Message::empty(input)),
            };
            if let Content::Gs1(msg) = &mut scan.content {
                self.gs_message(msg, 3)?;
            }
            return Ok(scan);
        }
        let content = match symbology {
            Symbology::Ean13 | Symbology::Ean8 => self.primary(input, symbology)?,
            _ => {
                if is_uri(&input[3..]) {
                    Content::DigitalLink(self.dl_from(input, 3)?)
                } else {
                    Content::Plain(match input {
                        Cow::Borrowed(b) => Cow::Borrowed(&b[3..]),
                        Cow::Owned(v) => Cow::Owned(v[3..].to_vec()),
                    })
                }
            }
        };
        Ok(Scan {
            symbology: Some(symbology),
            content,
        })
    }

    /// GS1 AI data from `input[start..]` with GS separators.
    fn gs1_scan<'a>(&self, input: Cow<'a, [u8]>, start: usize) -> Result<Message<'a>, Error> {
        let mut msg = Message::empty(input);
        self.gs_message(&mut msg, start)?;
        Ok(msg)
    }

    fn primary<'a>(&self, input: Cow<'a, [u8]>, sym: Symbology) -> Result<Content<'a>, Error> {
        let want = if sym == Symbology::Ean13 { 13 } else { 8 };
        let data = &input[3..];
        if data.len() < want {
            return Err(Error::new(ErrorKind::PrimaryTooShort, None, 3, data.len()));
        }
        let has_cc = data.len() > want + 3 && &data[want..want + 4] == b"|]e0";
        if data.len() > want && !has_cc {
            return Err(Error::new(
                ErrorKind::PrimaryTooLong,
                None,
                3 + want,
                data.len() - want,
            ));
        }
        let digits = &data[..want];
        if let Some(i) = digits.iter().position(|b| !b.is_ascii_digit()) {
            return Err(Error::new(ErrorKind::PrimaryNotDigits, None, 3 + i, 1));
        }
        if crate::lint::gs1_check_digit(digits) != digits.last().copied() {
            return Err(Error::new(
                ErrorKind::PrimaryCheckDigit,
                None,
                3 + want - 1,
                1,
            ));
        }
        let digits_owned: Cow<'a, str> = Cow::Owned(crate::message::ascii(digits).into());
        let composite = if has_cc {
            Some(self.gs1_scan(input, 3 + want + 4)?)
        } else {
            None
        };
        Ok(Content::Primary {
            digits: digits_owned,
            composite,
        })
    }

    /// Parses any supported input form, telling them apart by their first bytes:
    /// `]` scan data, `(` bracketed, `^` unbracketed, `http(s)://` a Digital Link
    /// URI, a digit a raw element string (and `|` a composite component alone,
    /// bracketed or `^` form).
    ///
    /// ```
    /// let p = bedside_gs1::Parser::default();
    /// for input in [
    ///     &b"(01)09506000134352(10)AB1"[..],
    ///     b"^010950600013435210AB1",
    ///     b"]d2010950600013435210AB1",
    ///     b"010950600013435210AB1",
    ///     b"https://id.gs1.org/01/09506000134352/10/AB1",
    /// ] {
    ///     assert_eq!(p.parse(input).unwrap().message().unwrap().to_bracketed(), "(01)09506000134352(10)AB1");
    /// }
    /// ```
    pub fn parse<'a>(&self, input: &'a [u8]) -> Result<Scan<'a>, Error> {
        let text = || {
            core::str::from_utf8(self.trim_line_endings(input))
                .map_err(|e| Error::new(ErrorKind::UnrecognisedInput, None, e.valid_up_to(), 1))
        };
        let gs1 = |m| {
            Ok(Scan {
                symbology: None,
                content: Content::Gs1(m),
            })
        };
        match input.first() {
            Some(b']') => self.scan(input),
            // A composite component alone (`|(10)…`, `|^10…`) is told apart by what follows.
            Some(b'^') => gs1(self.unbracketed(text()?)?),
            Some(b'|') if input.get(1) == Some(&b'^') => gs1(self.unbracketed(text()?)?),
            Some(b'(' | b'|') => gs1(self.bracketed(text()?)?),
            Some(b'h' | b'H') if is_uri(input) => Ok(Scan {
                symbology: None,
                content: Content::DigitalLink(self.digital_link(text()?)?),
            }),
            Some(b) if b.is_ascii_digit() => Ok(Scan {
                symbology: None,
                content: Content::Gs1(self.element_string(input)?),
            }),
            _ => Err(Error::new(
                ErrorKind::UnrecognisedInput,
                None,
                0,
                input.len().min(1),
            )),
        }
    }
}
