//! Fuzzes `Parser::unbracketed` (`^010950600013435210AB1^17…`, `|` composite).
//!
//! Asserts: no panic; an error's offset is within the input; a message that
//! parses survives every rendering round trip (see
//! `bedside_fuzz::check_roundtrips`). Non-UTF-8 inputs are skipped.
#![no_main]

use bedside_gs1::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Parser::default().unbracketed(text) {
        Ok(m) => bedside_fuzz::check_roundtrips(&m, "unbracketed"),
        Err(e) => bedside_fuzz::check_error(&e, data, "unbracketed"),
    }
});
