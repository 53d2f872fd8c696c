//! GS1 barcode symbols for Bedside: encode GS1 DataMatrix and GS1-128 from a
//! validated [`bedside_gs1::Message`], draw them (module matrix, SVG, PNG,
//! rectangles for PDF and ZPL renderers), and read them back from images.
//!
//! ```
//! use bedside_barcode::{datamatrix, reader::Reader};
//!
//! let band = bedside_gs1::parse_bracketed("(8018)952000099900012352(8019)1").unwrap();
//! let symbol = datamatrix::encode(&band, &Default::default()).unwrap();
//! let png = symbol.matrix().to_png(&Default::default()).unwrap();
//!
//! let found = Reader::default().read_bytes(&png).unwrap();
//! let gs1 = found.gs1_symbols().next().unwrap();
//! assert_eq!(gs1.aim(), "]d2");
//! assert_eq!(gs1.message().to_bracketed(), "(8018)952000099900012352(8019)1");
//! ```
//!
//! Only [`reader::Gs1Symbol`] — a `]d2`, `]C1` or `]Q3` symbol whose data
//! passed full GS1 validation — can feed an identification path; plain
//! symbols are reported as [`reader::Symbol`] and nothing more.
//!
//! The crate has no `unsafe`, and neither encoders nor the reader panic on any
//! input: the third-party planner and detector run under `catch_unwind`.
#![forbid(unsafe_code)]

pub mod datamatrix;
mod error;
pub mod gs1_128;
mod matrix;
pub mod reader;
mod render;
#[cfg(feature = "synth")]
pub mod synth;

pub use error::{EncodeError, ImageError, RenderError};
pub use matrix::{ModuleMatrix, Rect, Run};
pub use render::{MAX_PIXELS, RenderOptions};
