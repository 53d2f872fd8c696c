//! Encode bracketed GS1 data as a PNG, then read it back.
//!
//! `cargo run -p bedside-barcode --example encode -- '(8018)502000099900012359(8019)3' band.png [gs1-128] [MODULE_PX]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedside_barcode::reader::Reader;
use bedside_barcode::{RenderOptions, datamatrix, gs1_128};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(data), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: encode DATA OUT.png [datamatrix|gs1-128] [MODULE_PX]");
        std::process::exit(2);
    };
    let message = bedside_gs1::parse_bracketed(data).expect("valid GS1 data");
    let matrix = match args.get(2).map(String::as_str) {
        Some("gs1-128") => gs1_128::encode(&message, &Default::default())
            .expect("encodable")
            .into_matrix(),
        _ => datamatrix::encode(&message, &Default::default())
            .expect("encodable")
            .into_matrix(),
    };
    let module_px = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4);
    let png = matrix
        .to_png(&RenderOptions {
            module_px,
            quiet_zone: None,
        })
        .expect("renders");
    std::fs::write(out, &png).expect("writable");
    let found = Reader::default().read_bytes(&png).expect("readable");
    for s in &found.symbols {
        println!(
            "{} {:?} gs1={}",
            s.aim(),
            String::from_utf8_lossy(s.data()),
            s.is_gs1()
        );
    }
}
