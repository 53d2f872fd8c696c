//! Fuzzes the ITI-83 PIXm response side of `bedside-pix`: `pixm::parse_response`
//! on arbitrary bodies and `pixm::interpret_response` for the HTTP statuses
//! the client handles.
//!
//! Asserts: no panic, whatever the PIX Manager sends back.
#![no_main]

use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::pixm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pixm::parse_response(data);
    let Ok(domain) = Domain::parse("2.999.826.0.1.1") else { return };
    let q = PixQuery::nhs_number_for("K1234567", domain);
    for status in [200, 400, 404, 500] {
        if let Ok(outcome) = pixm::interpret_response(status, data, &q) {
            let _ = outcome.kind();
        }
    }
});
