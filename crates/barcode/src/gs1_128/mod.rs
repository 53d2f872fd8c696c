//! GS1-128 (Code 128 with FNC1 in first position, ISO/IEC 15417): `encoder`
//! plans the shortest codeword sequence across code sets A, B and C,
//! `writer` turns codewords into bars and spaces, `decoder` reads codewords
//! back (mod-103 check, FNC1, `]C1`).
//!
//! ```
//! use bedside_barcode::gs1_128;
//! let m = bedside_gs1::parse_bracketed("(414)5012345000015(254)WARD7").unwrap();
//! let s = gs1_128::encode(&m, &Default::default()).unwrap();
//! assert_eq!(s.codewords()[..2], [105, 102]); // START C, FNC1
//! let png = s.matrix().to_png(&Default::default()).unwrap();
//! assert!(png.len() > 100);
//! ```

pub mod decoder;
pub mod encoder;
pub mod writer;

pub use decoder::decode_codewords;
pub use encoder::{
    Gs1_128Options, Gs1_128Symbol, MAX_DATA_CHARACTERS, encode, encode_element_string,
};
