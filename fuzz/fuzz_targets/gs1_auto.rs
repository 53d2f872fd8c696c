//! Fuzzes `Parser::parse`, which tells the input forms apart by their first
//! bytes (`]` scan data, `(` bracketed, `^` unbracketed, `http(s)://` Digital
//! Link, a digit an element string).
//!
//! Asserts: no panic; an error's offset is within the input; any message
//! survives every rendering round trip (see `bedside_fuzz::check_roundtrips`).
#![no_main]

use bedside_gs1::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let res = Parser::default().parse(data);
    bedside_fuzz::check_scan_result(&res, data, "parse");
});
