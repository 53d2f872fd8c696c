//! Fuzzes the HL7 v2.5 order and allergy reader of `bedside-orders`: bytes →
//! `bedside_pix::er7::Message::parse` → `hl7::read_order_message` (default options,
//! and with test NHS numbers allowed and standard times configured for `BID`) and
//! `hl7::read_allergies`.
//!
//! Asserts: no panic; every error names one of the segments the reader reads, its
//! occurrence is at least 1, its field is at least 1 except for a segment-level error
//! (missing or misplaced segment), which has field 0 and no component; its 0357 code is
//! the one its kind calls for; and `Display` and `err_location` render and start with
//! the segment id. An accepted order message has a non-empty control id, a 10-digit NHS
//! number, one event per ORC, non-empty order ids, and doses above zero.
#![no_main]

use std::collections::BTreeMap;

use bedside_orders::hl7::{Hl7Error, ReadOptions, read_allergies, read_order_message};
use bedside_orders::model::{OrderEvent, TimeOfDay};
use bedside_patient::TestData;
use bedside_pix::er7::Message;
use libfuzzer_sys::fuzz_target;

fn check_error(e: &Hl7Error, data: &[u8]) {
    assert!(
        ["MSH", "PID", "AL1", "ORC", "RXE", "RXO", "TQ1", "RXR"].contains(&e.segment),
        "unnamed segment {e:?}\n  input: {data:?}"
    );
    assert!(e.occurrence >= 1, "occurrence 0: {e:?}\n  input: {data:?}");
    if e.is_segment_level() {
        assert_eq!(e.component, None, "{e:?}\n  input: {data:?}");
        assert_eq!(e.code.value(), 100, "{e:?}\n  input: {data:?}");
    } else {
        assert!(e.field >= 1, "{e:?}\n  input: {data:?}");
        assert_ne!(e.code.value(), 100, "{e:?}\n  input: {data:?}");
    }
    assert_eq!(e.code, e.kind.code(), "{e:?}\n  input: {data:?}");
    assert!(e.to_string().starts_with(e.segment));
    assert!(e.err_location().starts_with(e.segment));
}

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    let mut standard_times = BTreeMap::new();
    standard_times.insert(
        "BID".to_owned(),
        vec![
            TimeOfDay { hour: 8, minute: 0 },
            TimeOfDay {
                hour: 20,
                minute: 0,
            },
        ],
    );
    let lenient = ReadOptions {
        standard_times,
        nhs_test_numbers: TestData::Allow,
    };
    for opts in [ReadOptions::default(), lenient] {
        match read_order_message(&msg, &opts) {
            Err(e) => check_error(&e, data),
            Ok(m) => {
                assert!(!m.control_id.is_empty());
                assert_eq!(m.nhs_number.len(), 10);
                let orcs = msg.segments_by_id("ORC").count();
                assert_eq!(m.events.len(), orcs, "input: {data:?}");
                for ev in &m.events {
                    match ev {
                        OrderEvent::Upsert { order, .. } => {
                            assert!(!order.id.number.is_empty() && !order.id.namespace.is_empty());
                            assert!(order.dose.min.milli > 0);
                            assert!(
                                order
                                    .dose
                                    .max_milli
                                    .is_none_or(|m| m > order.dose.min.milli)
                            );
                        }
                        OrderEvent::SetStatus { id, .. } => {
                            assert!(!id.number.is_empty() && !id.namespace.is_empty());
                        }
                    }
                }
            }
        }
    }
    if let Err(e) = read_allergies(&msg) {
        check_error(&e, data);
    }
});
