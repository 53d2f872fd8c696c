//! Messages built by an independent HL7 implementation — hl7apy, which writes the
//! delimiters and escape sequences and validates each message strictly against the
//! HL7 v2.5 structure (`tests/peers/build_rde.py`) — read by our reader, with the
//! expected values written here. A missing python3 or hl7apy is a test FAILURE with a
//! clear message, never a skip.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::Command;

use bedside_orders::hl7::{OrderMessageType, ReadOptions, read_allergies, read_order_message};
use bedside_orders::model::{
    AllergyStatement, Amount, Criticality, DoseUnit, Max24h, OrderControl, OrderEvent, OrderStatus,
    Schedule, SubstanceSystem, TimeOfDay,
};
use bedside_patient::TestData;
use bedside_pix::er7::Message;

fn peer_messages() -> BTreeMap<String, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/build_rde.py");
    let out = Command::new("python3").arg(script).output().unwrap_or_else(|e| {
        panic!(
            "cannot run python3 for the test peer {script}: {e}. Install Python 3 and `pip install -r .ci/requirements.txt`"
        )
    });
    assert!(
        out.status.success(),
        "the hl7apy peer failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    list.into_iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["er7"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

#[test]
fn hl7apy_messages_read_as_built() {
    let msgs = peer_messages();
    assert_eq!(msgs.len(), 4, "{:?}", msgs.keys());
    let opts = ReadOptions {
        nhs_test_numbers: TestData::Allow,
        ..ReadOptions::default()
    };
    let read = |name: &str| {
        let raw = &msgs[name];
        let msg = Message::parse(raw.as_bytes()).unwrap();
        read_order_message(&msg, &opts).unwrap_or_else(|e| panic!("{name}: {e}\n{raw}"))
    };

    let m = read("rde_two_orders");
    assert_eq!(m.control_id, "PEER-RDE-1");
    assert_eq!(m.nhs_number, "9990000018");
    let Some(AllergyStatement::Allergies(a)) = &m.allergies else {
        panic!("{:?}", m.allergies)
    };
    assert_eq!(a.len(), 1, "the food allergy is not kept: {a:?}");
    assert_eq!(
        (
            a[0].id.as_str(),
            a[0].system,
            a[0].code.as_str(),
            a[0].criticality
        ),
        (
            "AL1-1",
            SubstanceSystem::Snomed,
            "372687004",
            Criticality::High
        )
    );
    assert_eq!(a[0].reactions, vec!["Anaphylaxis", "Rash | hives & wheals"]);

    let OrderEvent::Upsert { control, order } = &m.events[0] else {
        panic!("{:?}", m.events)
    };
    assert_eq!(*control, OrderControl::New);
    assert_eq!(
        (order.id.namespace.as_str(), order.id.number.as_str()),
        ("EPMA", "ORD-PEER-1")
    );
    assert_eq!(order.status, OrderStatus::Active);
    assert_eq!(order.medication.code.0, "42109611000001109");
    assert_eq!(
        order.medication.display.as_deref(),
        Some("Paracetamol 500mg tablets")
    );
    assert_eq!(
        order.dose.min,
        Amount {
            milli: 1_000_000,
            unit: DoseUnit::Ucum("mg".into())
        }
    );
    let t = |hour, minute| TimeOfDay { hour, minute };
    assert_eq!(
        order.schedule,
        Schedule::Times(vec![t(8, 0), t(14, 0), t(20, 0)])
    );
    assert_eq!(order.starts_at, Some(ms("2025-06-01T09:00:00Z")));
    // No offset: London, which is on summer time in June.
    assert_eq!(order.ends_at, Some(ms("2025-06-08T09:00:00Z")));
    assert_eq!(order.stated_at, Some(ms("2025-06-01T08:12:00Z")));
    assert_eq!(order.route.snomed, "26643006");
    assert_eq!(
        order.text.as_deref(),
        Some("Swallow whole; 4 g max ^ day & no alcohol")
    );

    let OrderEvent::Upsert { control, order } = &m.events[1] else {
        panic!("{:?}", m.events)
    };
    assert_eq!(*control, OrderControl::Change);
    assert_eq!(order.id.number, "ORD-PEER-2");
    assert_eq!(order.dose.min.unit, DoseUnit::Dmd("258684004".into()));
    assert_eq!(
        (order.dose.min.milli, order.dose.max_milli),
        (2_500, Some(5_000))
    );
    assert_eq!(
        order.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: Some(240),
            max_24h: Some(Max24h::Amount(Amount {
                milli: 30_000,
                unit: DoseUnit::Ucum("mg".into())
            })),
            reason: Some("pain ^ breathlessness & distress".into()),
        }
    );
    assert_eq!(order.route.snomed, "26643006");

    let m = read("rde_discontinue");
    assert_eq!(m.allergies, None);
    assert!(
        matches!(
            &m.events[..],
            [OrderEvent::SetStatus { control: OrderControl::Discontinue, status: OrderStatus::Stopped, id, stated_at: Some(at), .. }]
                if id.number == "ORD-PEER-1" && *at == ms("2025-06-03T10:59:00Z")
        ),
        "{:?}",
        m.events
    );

    let m = read("omp");
    assert_eq!(m.message_type, OrderMessageType::OmpO09);
    let OrderEvent::Upsert { order, .. } = &m.events[0] else {
        panic!("{:?}", m.events)
    };
    // No ORC-2.2: the namespace is MSH-4.
    assert_eq!(
        (order.id.namespace.as_str(), order.id.number.as_str()),
        ("RXX01", "ORD-PEER-3")
    );
    assert_eq!(order.medication.code.0, "3153111000001108");
    assert_eq!(order.dose.min.milli, 500_000);
    assert_eq!(order.schedule, Schedule::Every { minutes: 360 });
    assert_eq!(order.route.snomed, "47625008");

    let adt = Message::parse(msgs["adt_nkda"].as_bytes()).unwrap();
    assert_eq!(
        read_allergies(&adt).unwrap(),
        Some(AllergyStatement::NoneKnown)
    );
}
