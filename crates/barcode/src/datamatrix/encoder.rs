//! Codeword planning for GS1 DataMatrix, on top of the `datamatrix` crate's
//! optimising encodation (ASCII, C40, Text, X12, EDIFACT, Base256).
//!
//! Each request is planned several times — all encodations together, and
//! restricted sets that steer the planner away from a locally attractive but
//! globally longer choice — and the smallest symbol wins. Every call runs
//! under `catch_unwind`, so a fault in the planner is an [`EncodeError`], never
//! a panic in the caller.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bedside_gs1::{GS, Message};
use datamatrix::{DataMatrix, DataMatrixBuilder, EncodationType, SymbolList};
use flagset::FlagSet;

use crate::error::EncodeError;
use crate::matrix::ModuleMatrix;

/// Which symbol shapes may be chosen.
///
/// ```
/// use bedside_barcode::datamatrix::Shape;
/// assert_eq!(Shape::default(), Shape::Square);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shape {
    /// Square symbols only (10×10 … 144×144), the GS1 default.
    #[default]
    Square,
    /// The six ECC 200 rectangles (8×18 … 16×48).
    Rectangular,
    /// Rectangles including the ISO/IEC 21471 DMRE sizes (8×48 … 26×64).
    RectangularDmre,
    /// Square or rectangular, whichever is smaller.
    Any,
    /// Square, rectangular or DMRE, whichever is smaller.
    AnyDmre,
}

/// Symbol size options.
///
/// ```
/// use bedside_barcode::datamatrix::{DataMatrixOptions, Shape};
/// let o = DataMatrixOptions { shape: Shape::Rectangular, min_width: 26, ..DataMatrixOptions::default() };
/// let m = bedside_gs1::parse_bracketed("(8018)952000099900012352").unwrap();
/// let s = bedside_barcode::datamatrix::encode(&m, &o).unwrap();
/// assert!(s.width() >= 26 && s.height() < s.width());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DataMatrixOptions {
    /// Allowed shapes.
    pub shape: Shape,
    /// Smallest allowed width in modules.
    pub min_width: usize,
    /// Largest allowed width in modules.
    pub max_width: usize,
    /// Smallest allowed height in modules.
    pub min_height: usize,
    /// Largest allowed height in modules.
    pub max_height: usize,
}

impl Default for DataMatrixOptions {
    fn default() -> Self {
        DataMatrixOptions {
            shape: Shape::Square,
            min_width: 0,
            max_width: 144,
            min_height: 0,
            max_height: 144,
        }
    }
}

impl DataMatrixOptions {
    fn symbol_list(&self) -> SymbolList {
        let base = match self.shape {
            Shape::Square => SymbolList::default().enforce_square(),
            Shape::Rectangular => SymbolList::default().enforce_rectangular(),
            Shape::RectangularDmre => SymbolList::with_extended_rectangles().enforce_rectangular(),
            Shape::Any => SymbolList::default(),
            Shape::AnyDmre => SymbolList::with_extended_rectangles(),
        };
        base.enforce_width_in(self.min_width..=self.max_width)
            .enforce_height_in(self.min_height..=self.max_height)
    }
}

/// An encoded GS1 DataMatrix symbol.
///
/// ```
/// let m = bedside_gs1::parse_bracketed("(8018)952000099900012352(8019)1").unwrap();
/// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
/// assert_eq!(s.matrix().width(), s.width());
/// assert!(s.data_codewords() <= 18);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataMatrixSymbol {
    width: usize,
    height: usize,
    dmre: bool,
    codewords: Vec<u8>,
    data_codewords: usize,
    matrix: ModuleMatrix,
}

impl DataMatrixSymbol {
    /// Width in modules (finder pattern included, quiet zone not).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert_eq!(bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap().width(), 16);
    /// ```
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in modules.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert_eq!(bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap().height(), 16);
    /// ```
    pub fn height(&self) -> usize {
        self.height
    }

    /// Whether the size is an ISO/IEC 21471 DMRE rectangle (not every reader knows them).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert!(!bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap().is_dmre());
    /// ```
    pub fn is_dmre(&self) -> bool {
        self.dmre
    }

    /// Data and error-correction codewords as placed in the symbol.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
    /// assert_eq!(s.codewords()[0], 232); // FNC1 in first position
    /// ```
    pub fn codewords(&self) -> &[u8] {
        &self.codewords
    }

    /// How many of the codewords carry data (including padding).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert_eq!(bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap().data_codewords(), 12);
    /// ```
    pub fn data_codewords(&self) -> usize {
        self.data_codewords
    }

    /// The module matrix (quiet zone 2 recommended).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
    /// assert!(s.matrix().get(0, 15)); // the solid L of the finder pattern
    /// ```
    pub fn matrix(&self) -> &ModuleMatrix {
        &self.matrix
    }

    /// Takes the module matrix.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let matrix = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap().into_matrix();
    /// assert_eq!(matrix.height(), 16);
    /// ```
    pub fn into_matrix(self) -> ModuleMatrix {
        self.matrix
    }
}

/// Encodes a validated GS1 message.
///
/// ```
/// use bedside_barcode::datamatrix::{encode, DataMatrixOptions, Shape};
/// let m = bedside_gs1::parse_bracketed("(01)09506000134352(17)261231(10)AB1").unwrap();
/// let sq = encode(&m, &DataMatrixOptions::default()).unwrap();
/// let any = encode(&m, &DataMatrixOptions { shape: Shape::AnyDmre, ..Default::default() }).unwrap();
/// assert!(any.width() * any.height() <= sq.width() * sq.height());
/// ```
pub fn encode(
    message: &Message<'_>,
    opts: &DataMatrixOptions,
) -> Result<DataMatrixSymbol, EncodeError> {
    if message.composite_index().is_some() {
        return Err(EncodeError::Composite);
    }
    if message.is_empty() {
        return Err(EncodeError::Empty);
    }
    encode_element_string(&message.to_element_string(), opts)
}

/// The largest number of data codewords in any size (144×144).
const MAX_DATA_CODEWORDS: usize = 1558;

/// Encodes a GS1 element string (GS between elements, no leading FNC1) that
/// the caller has already validated; [`encode`] is the safe entry point. Only
/// printable ASCII and GS are accepted.
///
/// ```
/// let s = bedside_barcode::datamatrix::encode_element_string(b"8018952000099900012352\x1d80191", &Default::default()).unwrap();
/// assert_eq!(s.width(), 18);
/// assert!(bedside_barcode::datamatrix::encode_element_string(b"\xff", &Default::default()).is_err());
/// ```
pub fn encode_element_string(
    data: &[u8],
    opts: &DataMatrixOptions,
) -> Result<DataMatrixSymbol, EncodeError> {
    if data.is_empty() {
        return Err(EncodeError::Empty);
    }
    if let Some((offset, &byte)) = data
        .iter()
        .enumerate()
        .find(|(_, b)| !(b.is_ascii_graphic() || **b == GS || **b == b' '))
    {
        return Err(EncodeError::UnsupportedByte { offset, byte });
    }
    let list = opts.symbol_list();
    if list.is_empty() {
        return Err(EncodeError::NoSizeAllowed);
    }
    use EncodationType::{Ascii, Base256, C40, Edifact, Text, X12};
    let plans: [FlagSet<EncodationType>; 6] = [
        FlagSet::full(),
        Ascii.into(),
        Ascii | C40,
        Ascii | Text,
        Ascii | X12 | Edifact,
        Ascii | C40 | Text | Base256,
    ];
    let mut best = smallest(data, &plans, list.clone(), None);
    if best.is_none() {
        // The `datamatrix` crate (0.3.3) sizes its codeword buffer from the
        // smallest listed symbol whose *worst-case* (Base256) capacity holds
        // the input, and gives up with "symbol list empty" when no listed
        // symbol is that large — even though the data fits a listed size
        // with a denser encodation. So a size limit at or near the data's
        // natural size failed. A list of one size takes another path in the
        // crate; try the allowed sizes one at a time, keeping the smallest.
        for size in list.iter() {
            best = smallest(data, &plans, size.into(), best);
        }
    }
    let Some((_, dm)) = best else {
        return Err(EncodeError::TooLong {
            len: data.len(),
            max: MAX_DATA_CODEWORDS,
        });
    };
    let matrix = super::writer::place(&dm)?;
    Ok(DataMatrixSymbol {
        width: matrix.width(),
        height: matrix.height(),
        dmre: dm.size.is_dmre(),
        codewords: dm.codewords().to_vec(),
        data_codewords: dm.data_codewords().len(),
        matrix,
    })
}

/// The smallest symbol (by module area) any of `plans` encodes `data` into within
/// `symbols`, or `best` if none beats it. A panic inside the `datamatrix` crate counts
/// as that plan failing.
fn smallest(
    data: &[u8],
    plans: &[FlagSet<EncodationType>],
    symbols: SymbolList,
    mut best: Option<(usize, DataMatrix)>,
) -> Option<(usize, DataMatrix)> {
    for &types in plans {
        let attempt = catch_unwind(AssertUnwindSafe(|| {
            DataMatrixBuilder::new()
                .with_encodation_types(types)
                .with_symbol_list(symbols.clone())
                .with_fnc1_start(true)
                .with_macros(false)
                .encode(data)
                .map(|dm| {
                    let b = dm.bitmap();
                    (b.width() * b.height(), dm)
                })
        }));
        if let Ok(Ok((area, dm))) = attempt
            && best.as_ref().is_none_or(|(a, _)| area < *a)
        {
            best = Some((area, dm));
        }
    }
    best
}

#[cfg(test)]
mod size_limit_tests {
    use super::*;

    #[test]
    fn a_limit_equal_to_the_natural_size_is_honoured() {
        // Payloads whose unrestricted square symbol is 32, 36, 40 and 44 wide.
        for len in (40..140).step_by(3) {
            let data: Vec<u8> = core::iter::once(b'9')
                .chain(core::iter::once(b'1'))
                .chain((0..len).map(|i| b"ABCDEFGHJK0123456789abcdefg"[i % 27]))
                .collect();
            let natural = encode_element_string(&data, &DataMatrixOptions::default()).unwrap();
            let w = natural.width();
            let limited = DataMatrixOptions {
                max_width: w,
                max_height: w,
                ..DataMatrixOptions::default()
            };
            let s = encode_element_string(&data, &limited)
                .unwrap_or_else(|e| panic!("{len} bytes, natural {w}x{w}: {e}"));
            assert_eq!(s.width(), w, "{len}");
            // One size smaller than it needs: refused, never truncated.
            let tight = DataMatrixOptions {
                max_width: w - 2,
                max_height: w - 2,
                ..DataMatrixOptions::default()
            };
            assert!(
                matches!(
                    encode_element_string(&data, &tight),
                    Err(EncodeError::TooLong { .. })
                ),
                "{len}"
            );
        }
    }
}
