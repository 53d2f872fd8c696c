//! Fuzzes the printer status-reply parsers of `bedside-printer`:
//! `parse_host_status` (`~HS`) and `parse_error_status` (`~HQES`).
//!
//! Asserts: no panic; an error's offset is inside the input (or at its end); a
//! reply that parses as `~HS` and reports no problem really has none of the
//! fault flags set, so garbage can never read as "ready".
#![no_main]

use bedside_printer::status::{parse_error_status, parse_host_status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_host_status(data) {
        Ok(s) => {
            if s.problems().is_empty() {
                assert!(!s.paper_out && !s.paused && !s.head_open && !s.buffer_full);
                assert!(!s.corrupt_ram && !s.under_temperature && !s.over_temperature);
            }
        }
        Err(e) => assert!(e.offset <= data.len(), "offset {} past {}", e.offset, data.len()),
    }
    match parse_error_status(data) {
        Ok(s) => {
            if s.errors_group1 != 0 || s.errors_group2 != 0 || s.error_flag {
                assert!(!s.problems().is_empty(), "an error bit without a problem");
            }
        }
        Err(e) => assert!(e.offset <= data.len()),
    }
});
