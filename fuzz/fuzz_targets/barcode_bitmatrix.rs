//! Fuzzes Data Matrix decoding from module grids (`decode_datamatrix_modules`,
//! rxing's decoder behind `catch_unwind`) and Code 128 codeword
//! interpretation (`gs1_128::decode_codewords`).
//!
//! Input: first byte = grid width (8..=151), second = height, then bits.
//! Asserts: no panic; a decoded symbol is GS1 only with a GS1 AIM identifier
//! and a message that renders back to its data; Code 128 data that decodes
//! as `]C1` and validates renders back the same way.
#![no_main]

use bedside_barcode::ModuleMatrix;
use bedside_barcode::reader::{Symbol, Symbology, decode_datamatrix_modules};
use libfuzzer_sys::fuzz_target;

fn check(s: &Symbol) {
    if let Ok(g) = s.gs1() {
        assert!(["]d2", "]C1", "]Q3"].contains(&g.aim()));
        assert_eq!(g.message().to_element_string(), g.data());
    }
}

fuzz_target!(|data: &[u8]| {
    if let [w, h, bits @ ..] = data {
        let (w, h) = (8 + usize::from(*w) % 144, 8 + usize::from(*h) % 144);
        let modules: Vec<bool> = (0..w * h)
            .map(|i| bits.get(i / 8).is_some_and(|b| b >> (i % 8) & 1 == 1))
            .collect();
        if let Some(m) = ModuleMatrix::from_modules(w, modules) {
            if let Some(s) = decode_datamatrix_modules(&m) {
                check(&s);
            }
        }
    }
    if let Some((aim, bytes)) = bedside_barcode::gs1_128::decode_codewords(data) {
        check(&Symbol::new(Symbology::Code128, &aim, bytes, Vec::new()));
    }
});
