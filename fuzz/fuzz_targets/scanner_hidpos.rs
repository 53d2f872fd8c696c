//! Fuzzes `bedside_scanner::decode::hidpos::HidPosDecoder::push` with a stream
//! of input reports (the input is cut into reports at each 0xFF 0xFF pair, so
//! the fuzzer controls report lengths, including zero-length completions), and
//! `has_usage_page` on the raw input as a report descriptor.
//!
//! Asserts: no panic; a frame never exceeds `MAX_SCAN_LEN`; a frame's data is
//! a concatenation of report data (its length is at most the sum of the
//! declared lengths); after `abort()` a clean single-report scan decodes
//! exactly (no state leaks from garbage into the next scan).
#![no_main]

use bedside_scanner::decode::MAX_SCAN_LEN;
use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosLayout, encode_reports, has_usage_page};
use bedside_scanner::decode::{Aim, Frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = has_usage_page(data, 0x8C);
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    let mut declared = 0usize;
    for report in data.split(|&b| b == 0xFF).filter(|r| r.len() != 1) {
        if let Some(&len) = report.get(1) {
            declared += usize::from(len);
        }
        match d.push(report) {
            Ok(Some(f)) => {
                assert!(f.data.len() <= MAX_SCAN_LEN);
                assert!(f.data.len() <= declared, "frame longer than the data declared");
                declared = 0;
            }
            Ok(None) | Err(_) => {}
        }
    }
    d.abort();
    let aim = Aim::parse(b"]d2").ok();
    let reports = encode_reports(&HidPosLayout::STANDARD, aim, b"8018952000099900012352\x1d80191");
    let mut out = None;
    for r in &reports {
        out = d.push(r).expect("clean report after abort");
    }
    assert_eq!(
        out,
        Some(Frame { aim, data: b"8018952000099900012352\x1d80191".to_vec() })
    );
});
