//! Fuzzes `Parser::scan`: reader scan data with an AIM symbology identifier
//! (`]d2…`, `]Q3…`, `]C1…`, `]e0…`, `]J1…`, plain `]d1`/`]Q1`/`]J0` data or
//! Digital Link URIs, EAN/UPC `]E0`/`]E4` with a `|]e0` composite), with the
//! default options and with a `<GS>` substitute and no requisite checks.
//!
//! Asserts: no panic; an error's offset is within the input; EAN/UPC primary
//! data is 8 or 13 digits; any GS1 message in the scan survives every
//! rendering round trip (see `bedside_fuzz::check_roundtrips`).
#![no_main]

use bedside_gs1::{Options, Parser, dict::Dictionary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let res = Parser::default().scan(data);
    bedside_fuzz::check_scan_result(&res, data, "scan");
    let opts = Options {
        gs_substitute: Some("<GS>"),
        validate_requisites: false,
        ..Options::default()
    };
    let res = Parser::new(Dictionary::embedded(), opts).scan(data);
    match &res {
        // Without requisite checks a message may be one that the strict
        // parsers refuse, so only the error offsets are checked here.
        Err(e) => bedside_fuzz::check_error(e, data, "scan <GS>"),
        Ok(scan) => {
            if let Some(m) = scan.message() {
                let _ = m.to_bracketed();
                let _ = m.to_digital_link(Dictionary::embedded(), Some("https://example.nhs.uk/"));
            }
        }
    }
});
