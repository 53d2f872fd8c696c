//! Fuzzes `Parser::element_string` (raw AI data with GS 0x1D separators, as a
//! reader sends it without an AIM identifier), with the default options and
//! with a `<GS>` substitute and line-ending stripping off.
//!
//! Asserts: no panic; an error's offset is within the input; a message that
//! parses survives every rendering round trip (see
//! `bedside_fuzz::check_roundtrips`).
#![no_main]

use bedside_gs1::{Options, Parser, dict::Dictionary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Parser::default().element_string(data) {
        Ok(m) => bedside_fuzz::check_roundtrips(&m, "element_string"),
        Err(e) => bedside_fuzz::check_error(&e, data, "element_string"),
    }
    let opts = Options {
        gs_substitute: Some("<GS>"),
        strip_line_endings: false,
        ..Options::default()
    };
    match Parser::new(Dictionary::embedded(), opts).element_string(data) {
        Ok(m) => bedside_fuzz::check_roundtrips(&m, "element_string <GS>"),
        Err(e) => bedside_fuzz::check_error(&e, data, "element_string <GS>"),
    }
});
