//! Fuzzes the GS1 encoders of `bedside-barcode` on arbitrary GS1 messages:
//! the input (as bracketed data, or as an element string when the first
//! byte is odd) is parsed by `bedside-gs1`; every message that validates is
//! encoded as GS1 DataMatrix (shape and size limits from the second byte)
//! and as GS1-128.
//!
//! Asserts: no panic; an encoding error is a typed `EncodeError`; a Data
//! Matrix symbol (non-DMRE) decodes back as `]d2` with the exact element
//! string; a GS1-128 symbol's codewords decode back as `]C1` with the exact
//! element string; SVG and PNG rendering succeed at one pixel per module.
#![no_main]

use bedside_barcode::datamatrix::{self, DataMatrixOptions, Shape};
use bedside_barcode::reader::decode_datamatrix_modules;
use bedside_barcode::{RenderOptions, gs1_128};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let parsed = if mode & 1 == 1 {
        bedside_gs1::parse_element_string(rest)
    } else {
        match std::str::from_utf8(rest) {
            Ok(t) => bedside_gs1::parse_bracketed(t),
            Err(_) => return,
        }
    };
    let Ok(m) = parsed else { return };
    let expected = m.to_element_string();
    let shape = [
        Shape::Square,
        Shape::Rectangular,
        Shape::RectangularDmre,
        Shape::Any,
        Shape::AnyDmre,
    ][usize::from(mode >> 1) % 5];
    let min = usize::from(mode >> 4) * 8;
    let opts = DataMatrixOptions {
        shape,
        min_width: min,
        ..DataMatrixOptions::default()
    };
    let one = RenderOptions {
        module_px: 1,
        quiet_zone: None,
    };
    if let Ok(s) = datamatrix::encode(&m, &opts) {
        assert!(s.width() >= min, "size option ignored");
        if !s.is_dmre() {
            let back =
                decode_datamatrix_modules(s.matrix()).expect("our Data Matrix does not decode");
            assert_eq!(back.aim(), "]d2");
            assert_eq!(back.data(), expected.as_slice());
        }
        s.to_svg(&one).expect("svg");
        s.to_png(&one).expect("png");
    }
    if let Ok(s) = gs1_128::encode(&m, &Default::default()) {
        let (aim, back) =
            gs1_128::decode_codewords(s.codewords()).expect("our GS1-128 does not decode");
        assert_eq!(aim, "]C1");
        assert_eq!(back, expected);
        s.to_svg(&one).expect("svg");
    }
});
