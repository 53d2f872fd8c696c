//! GS1 DataMatrix (ECC 200): FNC1 in first position, GS (0x1D) between
//! variable-length elements (read back as `]d2` with GS, exactly as FNC1
//! separators are). `encoder` plans the codewords, `writer` lays out modules.
//!
//! ```
//! use bedside_barcode::datamatrix::{self, DataMatrixOptions};
//! let m = bedside_gs1::parse_bracketed("(01)09506000134352(17)261231(10)AB1(21)Xy9").unwrap();
//! let symbol = datamatrix::encode(&m, &DataMatrixOptions::default()).unwrap();
//! assert_eq!((symbol.width(), symbol.height()), (20, 20));
//! let svg = symbol.matrix().to_svg(&Default::default()).unwrap();
//! assert!(svg.starts_with("<?xml"));
//! ```

pub mod encoder;
pub mod writer;

pub use encoder::{DataMatrixOptions, DataMatrixSymbol, Shape, encode, encode_element_string};
