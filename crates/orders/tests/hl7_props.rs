//! Properties of the HL7 reader: any amount written to a thousandth reads back exactly,
//! in any of the decimal spellings HL7 NM allows, and any explicit TQ1-4 times read back
//! as the sorted set of times.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_orders::hl7::{ReadOptions, read_order_message};
use bedside_orders::model::{OrderEvent, Schedule, TimeOfDay};
use bedside_patient::TestData;
use bedside_pix::er7::Message;
use proptest::prelude::*;

fn read(rxe3: &str, tq1_4: &str) -> Result<(i64, Schedule), String> {
    let raw = format!(
        "MSH|^~\\&|EPMA|RXX01|||20250301||RDE^O11|C1|P|2.5\rPID|1||9990000018^^^NHS^NH\r\
ORC|NW|ORD-1^EPMA\rRXE||900000011000001100^P^SCT|{rxe3}||mg^mg^UCUM\rTQ1|1|||{tq1_4}\rRXR|PO\r"
    );
    let msg = Message::parse(raw.as_bytes()).map_err(|e| e.to_string())?;
    let opts = ReadOptions {
        nhs_test_numbers: TestData::Allow,
        ..ReadOptions::default()
    };
    match read_order_message(&msg, &opts)
        .map_err(|e| e.to_string())?
        .events
        .pop()
    {
        Some(OrderEvent::Upsert { order, .. }) => Ok((order.dose.min.milli, order.schedule)),
        other => Err(format!("{other:?}")),
    }
}

/// `milli` as a decimal: the integer part (with `lead` leading zeros), and the
/// thousandths with trailing zeros trimmed then `pad` zeros added.
fn spell(milli: i64, lead: usize, pad: usize) -> String {
    let int = milli / 1000;
    let frac = format!("{:03}", milli % 1000);
    let frac = frac.trim_end_matches('0');
    let mut s = "0".repeat(lead) + &int.to_string();
    if !frac.is_empty() || pad > 0 {
        s.push('.');
        s.push_str(frac);
        s.push_str(&"0".repeat(pad));
    }
    s
}

proptest! {
    #[test]
    fn amounts_read_back_exactly(milli in 1i64..1_000_000_000_000, lead in 0usize..3, pad in 0usize..4) {
        let t = spell(milli, lead, pad);
        let (got, _) = read(&t, "0800").map_err(TestCaseError::fail)?;
        prop_assert_eq!(got, milli, "{}", t);
    }

    #[test]
    fn a_non_zero_fourth_decimal_is_refused(milli in 0i64..1_000_000_000, d in 1u8..10) {
        let t = format!("{}.{:03}{d}", milli / 1000, milli % 1000);
        let e = read(&t, "0800").expect_err("finer than a thousandth");
        prop_assert!(e.starts_with("RXE-3 (order 1): finer than a thousandth"), "{}", e);
    }

    #[test]
    fn explicit_times_read_as_a_sorted_set(times in proptest::collection::vec((0u8..24, 0u8..60), 1..8)) {
        let tq1_4: Vec<String> = times.iter().map(|(h, m)| format!("{h:02}{m:02}")).collect();
        let (_, schedule) = read("1", &tq1_4.join("~")).map_err(TestCaseError::fail)?;
        let mut want: Vec<TimeOfDay> = times.iter().map(|&(hour, minute)| TimeOfDay { hour, minute }).collect();
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(schedule, Schedule::Times(want));
    }
}
