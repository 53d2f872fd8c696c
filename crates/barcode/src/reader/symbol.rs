//! What the reader found: any symbol ([`Symbol`]), and the only kind an
//! identification path may accept ([`Gs1Symbol`]).

use bedside_gs1::{Content, Message, Options, Parser};

/// The symbologies the reader decodes.
///
/// ```
/// use bedside_barcode::reader::Symbology;
/// assert_ne!(Symbology::DataMatrix, Symbology::Code128);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Symbology {
    /// Data Matrix ECC 200 (`]d1`, `]d2`, …).
    DataMatrix,
    /// Code 128 (`]C0`, and `]C1` for GS1-128).
    Code128,
}

/// A point in image pixel coordinates.
///
/// ```
/// let p = bedside_barcode::reader::Point { x: 1.5, y: 2.0 };
/// assert_eq!(p.x, 1.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Column.
    pub x: f32,
    /// Row.
    pub y: f32,
}

/// Why a symbol is not a [`Gs1Symbol`].
///
/// ```
/// use bedside_barcode::reader::{Gs1Rejection, Symbol, Symbology};
/// let s = Symbol::new(Symbology::DataMatrix, "]d1", b"9434765919".to_vec(), vec![]);
/// assert!(matches!(s.gs1(), Err(Gs1Rejection::NotGs1Aim(_))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Gs1Rejection {
    /// The AIM identifier does not announce GS1 data (only `]d2`, `]C1`, `]Q3` do).
    #[error("symbology identifier {0} does not carry GS1 data")]
    NotGs1Aim(String),
    /// The data failed GS1 validation.
    #[error("GS1 validation failed: {0}")]
    Invalid(bedside_gs1::Error),
}

/// A decoded symbol, GS1 or not. Its data is for display and logging of the
/// symbology only; identification takes a [`Gs1Symbol`].
///
/// ```
/// use bedside_barcode::reader::{Symbol, Symbology};
/// let s = Symbol::new(Symbology::DataMatrix, "]d2", b"8018952000099900012352\x1d80191".to_vec(), vec![]);
/// assert!(s.is_gs1());
/// assert_eq!(s.scan_data(), b"]d28018952000099900012352\x1d80191");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    symbology: Symbology,
    aim: String,
    data: Vec<u8>,
    position: Vec<Point>,
    gs1: Result<Message<'static>, Gs1Rejection>,
}

/// The GS1 AIM identifiers an identification path accepts.
const GS1_AIMS: [&str; 3] = ["]d2", "]C1", "]Q3"];

fn validate(aim: &str, data: &[u8]) -> Result<Message<'static>, Gs1Rejection> {
    if !GS1_AIMS.contains(&aim) {
        return Err(Gs1Rejection::NotGs1Aim(aim.to_owned()));
    }
    let mut scan = Vec::with_capacity(aim.len() + data.len());
    scan.extend_from_slice(aim.as_bytes());
    scan.extend_from_slice(data);
    // Line endings are data here, not scanner suffixes: keep them so they fail.
    let parser = Parser::new(
        bedside_gs1::dict::Dictionary::embedded(),
        Options {
            strip_line_endings: false,
            ..Options::default()
        },
    );
    let parsed = parser.scan(&scan).map_err(Gs1Rejection::Invalid)?;
    match parsed.into_owned().content {
        Content::Gs1(m) => Ok(m),
        _ => Err(Gs1Rejection::NotGs1Aim(aim.to_owned())),
    }
}

impl Symbol {
    /// A symbol from decoded parts; GS1 validation runs here, once.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let s = Symbol::new(Symbology::Code128, "]C1", b"0109506000134352".to_vec(), vec![]);
    /// assert!(s.gs1().is_ok());
    /// ```
    pub fn new(symbology: Symbology, aim: &str, data: Vec<u8>, position: Vec<Point>) -> Symbol {
        let gs1 = validate(aim, &data);
        Symbol {
            symbology,
            aim: aim.to_owned(),
            data,
            position,
            gs1,
        }
    }

    /// The symbology.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert_eq!(Symbol::new(Symbology::DataMatrix, "]d1", vec![], vec![]).symbology(), Symbology::DataMatrix);
    /// ```
    pub fn symbology(&self) -> Symbology {
        self.symbology
    }

    /// The AIM symbology identifier, e.g. `]d2`.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert_eq!(Symbol::new(Symbology::DataMatrix, "]d1", vec![], vec![]).aim(), "]d1");
    /// ```
    pub fn aim(&self) -> &str {
        &self.aim
    }

    /// The data after the AIM identifier, GS (0x1D) for FNC1 separators.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert_eq!(Symbol::new(Symbology::DataMatrix, "]d1", b"x".to_vec(), vec![]).data(), b"x");
    /// ```
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// What a scanner would transmit: AIM identifier then data.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert_eq!(Symbol::new(Symbology::DataMatrix, "]d1", b"x".to_vec(), vec![]).scan_data(), b"]d1x");
    /// ```
    pub fn scan_data(&self) -> Vec<u8> {
        let mut v = self.aim.as_bytes().to_vec();
        v.extend_from_slice(&self.data);
        v
    }

    /// Corners (Data Matrix) or the scan line's ends (Code 128), in pixels.
    ///
    /// ```
    /// use bedside_barcode::reader::{Point, Symbol, Symbology};
    /// let s = Symbol::new(Symbology::Code128, "]C0", vec![], vec![Point { x: 1.0, y: 2.0 }]);
    /// assert_eq!(s.position().len(), 1);
    /// ```
    pub fn position(&self) -> &[Point] {
        &self.position
    }

    /// Whether the data is GS1-flagged *and* passed full GS1 validation.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert!(!Symbol::new(Symbology::DataMatrix, "]d2", b"0112".to_vec(), vec![]).is_gs1());
    /// ```
    pub fn is_gs1(&self) -> bool {
        self.gs1.is_ok()
    }

    /// The validated GS1 view, or why there is none.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let s = Symbol::new(Symbology::DataMatrix, "]d2", b"0109506000134352".to_vec(), vec![]);
    /// assert_eq!(s.gs1().unwrap().message().get_str("01"), Some("09506000134352"));
    /// ```
    pub fn gs1(&self) -> Result<Gs1Symbol, Gs1Rejection> {
        match &self.gs1 {
            Ok(m) => Ok(Gs1Symbol {
                symbol: self.clone(),
                message: m.clone(),
            }),
            Err(e) => Err(e.clone()),
        }
    }

    /// The GS1 validation error, if the symbol is GS1-flagged but invalid.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// assert!(Symbol::new(Symbology::DataMatrix, "]d2", b"0112".to_vec(), vec![]).gs1_error().is_some());
    /// ```
    pub fn gs1_error(&self) -> Option<&Gs1Rejection> {
        self.gs1.as_ref().err()
    }
}

/// A symbol whose AIM identifier is `]d2`, `]C1` or `]Q3` and whose data
/// passed full GS1 validation (dictionary, linters, `req=`/`ex=` rules). It
/// can only be made by [`Symbol::gs1`] (or `TryFrom<Symbol>`), so holding
/// one proves both.
///
/// ```
/// use bedside_barcode::reader::{Gs1Symbol, Symbol, Symbology};
/// let s = Symbol::new(Symbology::DataMatrix, "]d2", b"8018952000099900012352".to_vec(), vec![]);
/// let g = Gs1Symbol::try_from(s).unwrap();
/// assert_eq!(g.message().to_bracketed(), "(8018)952000099900012352");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Gs1Symbol {
    symbol: Symbol,
    message: Message<'static>,
}

impl TryFrom<Symbol> for Gs1Symbol {
    type Error = Gs1Rejection;

    fn try_from(symbol: Symbol) -> Result<Gs1Symbol, Gs1Rejection> {
        match symbol.gs1.clone() {
            Ok(message) => Ok(Gs1Symbol { symbol, message }),
            Err(e) => Err(e),
        }
    }
}

impl Gs1Symbol {
    /// The validated GS1 message.
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let g = Symbol::new(Symbology::Code128, "]C1", b"0109506000134352".to_vec(), vec![]).gs1().unwrap();
    /// assert_eq!(g.message().len(), 1);
    /// ```
    pub fn message(&self) -> &Message<'static> {
        &self.message
    }

    /// The AIM identifier (`]d2`, `]C1` or `]Q3`).
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let g = Symbol::new(Symbology::Code128, "]C1", b"0109506000134352".to_vec(), vec![]).gs1().unwrap();
    /// assert_eq!(g.aim(), "]C1");
    /// ```
    pub fn aim(&self) -> &str {
        self.symbol.aim()
    }

    /// The raw data bytes (GS separators).
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let g = Symbol::new(Symbology::Code128, "]C1", b"0109506000134352".to_vec(), vec![]).gs1().unwrap();
    /// assert_eq!(g.data(), b"0109506000134352");
    /// ```
    pub fn data(&self) -> &[u8] {
        self.symbol.data()
    }

    /// The underlying symbol (symbology, position).
    ///
    /// ```
    /// use bedside_barcode::reader::{Symbol, Symbology};
    /// let g = Symbol::new(Symbology::Code128, "]C1", b"0109506000134352".to_vec(), vec![]).gs1().unwrap();
    /// assert_eq!(g.symbol().symbology(), Symbology::Code128);
    /// ```
    pub fn symbol(&self) -> &Symbol {
        &self.symbol
    }
}
