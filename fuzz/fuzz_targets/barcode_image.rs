//! Fuzzes the barcode image reader of `bedside-barcode`: arbitrary bytes as a
//! PNG/JPEG file (`GrayImage::decode`), and the same bytes as a raw greyscale
//! frame, through `Reader::read` (whose first step is the cheap gate) and
//! through `reader::gate` directly.
//!
//! Asserts: no panic (rxing's own panics are contained and only counted); a
//! `Gs1Symbol` has a GS1 AIM identifier and its message renders back to the
//! symbol's exact data; a symbol that is not GS1-flagged never yields one.
#![no_main]

use std::time::Duration;

use bedside_barcode::reader::{GrayImage, NoSymbol, Reader, ReaderOptions, gate};
use libfuzzer_sys::fuzz_target;

fn check(out: &bedside_barcode::reader::Decoded) {
    for s in &out.symbols {
        match s.gs1() {
            Ok(g) => {
                assert!(
                    ["]d2", "]C1", "]Q3"].contains(&g.aim()),
                    "GS1 symbol with AIM {}",
                    g.aim()
                );
                assert_eq!(
                    g.message().to_element_string(),
                    g.data(),
                    "message does not render back to the data"
                );
            }
            Err(_) => assert!(!s.is_gs1()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let reader = Reader::new(ReaderOptions {
        budget: Duration::from_millis(200),
        ..ReaderOptions::default()
    });
    if let Ok(img) = GrayImage::decode(data) {
        // Decoding is what is fuzzed for huge images; reading them is only slow.
        if img.width() * img.height() <= 1 << 20 {
            check(&reader.read(&img));
        }
    }
    // The bytes as a raw frame: width from the first byte.
    if let Some((&w, rest)) = data.split_first() {
        let w = usize::from(w).max(1);
        let h = rest.len() / w;
        if h > 0 {
            if let Ok(img) = GrayImage::from_raw(w, h, rest[..w * h].to_vec()) {
                // The gate on any frame shape: no panic, and a frame it calls
                // flat has no edge cell.
                let g = gate(&img);
                if g.verdict(true, true) == Some(NoSymbol::Flat) {
                    assert_eq!(g.edge_cells, 0);
                }
                let out = reader.read(&img);
                // A frame the gate turned away yields nothing.
                assert!(out.no_symbol.is_none() || out.symbols.is_empty());
                check(&out);
            }
        }
    }
});
