//! Fuzzes `Parser::digital_link` (`https://id.gs1.org/01/…/10/…?17=…`), with
//! the default options and with zero-suppressed GTINs permitted.
//!
//! Asserts: no panic; an error's offset is within the input; a message that
//! parses survives every rendering round trip (see
//! `bedside_fuzz::check_roundtrips`; the Digital Link leg compares element
//! sets and that re-rendering the parsed URI is stable). Non-UTF-8 inputs are
//! skipped.
#![no_main]

use bedside_gs1::{Options, Parser, dict::Dictionary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Parser::default().digital_link(text) {
        Ok(m) => bedside_fuzz::check_roundtrips(&m, "digital_link"),
        Err(e) => bedside_fuzz::check_error(&e, data, "digital_link"),
    }
    let opts = Options {
        permit_zero_suppressed_gtin_in_dl: true,
        ..Options::default()
    };
    match Parser::new(Dictionary::embedded(), opts).digital_link(text) {
        Ok(m) => bedside_fuzz::check_roundtrips(&m, "digital_link zero-suppressed"),
        Err(e) => bedside_fuzz::check_error(&e, data, "digital_link zero-suppressed"),
    }
});
