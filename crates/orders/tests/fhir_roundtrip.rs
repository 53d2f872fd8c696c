//! `read_medication_request(write_medication_request(o)) == o` for generated orders,
//! and the written resource's shape (UK Core profile, intent, substitution).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fhir_common;

use bedside_orders::fhir::{
    MEDICATION_REQUEST_PROFILE, read_medication_request, search_bundle, write_medication_request,
};
use bedside_orders::model::{
    Amount, DmdId, Dose, DoseUnit, Max24h, Medication, Order, OrderId, OrderStatus, Route,
    Schedule, TimeOfDay,
};
use fhir_common::{bytes, regular};
use proptest::prelude::*;
use serde_json::json;

fn status() -> impl Strategy<Value = OrderStatus> {
    prop_oneof![
        Just(OrderStatus::Active),
        Just(OrderStatus::OnHold),
        Just(OrderStatus::Cancelled),
        Just(OrderStatus::Stopped),
        Just(OrderStatus::Completed),
        Just(OrderStatus::EnteredInError),
    ]
}

fn unit() -> impl Strategy<Value = DoseUnit> {
    prop_oneof![
        prop::sample::select(vec!["mg", "ug", "g", "mL", "[iU]", "{tablet}"])
            .prop_map(|u| DoseUnit::Ucum(u.into())),
        prop::sample::select(vec!["258684004", "428673006", "258773002"])
            .prop_map(|u| DoseUnit::Dmd(u.into())),
    ]
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[A-Za-z0-9 ,./()éü-]{0,30}[A-Za-z0-9]")
}

prop_compose! {
    fn order()(
        number in "[A-Za-z0-9.-]{1,64}",
        status in status(),
        code in "[1-9][0-9]{5,17}",
        display in text(),
        min in 1i64..10_000_000_000,
        spread in prop::option::of(0i64..1_000_000),
        unit in unit(),
        route in prop::sample::select(vec!["26643006", "47625008", "18679011000001101"]),
        route_display in text(),
        kind in 0u8..3,
        times in prop::collection::btree_set((0u8..24, 0u8..60), 1..8),
        minutes in 1u32..100_000,
        interval in prop::option::of(1u32..5000),
        cap in prop::option::of(prop_oneof![
            (1u32..100).prop_map(|n| (true, i64::from(n))),
            (1i64..1_000_000_000).prop_map(|m| (false, m)),
        ]),
        reason in text(),
        start in prop::option::of(0i64..4_000_000_000_000),
        length in prop::option::of(0i64..1_000_000_000_000),
        stated in prop::option::of(0i64..4_000_000_000_000),
        instruction in text(),
        nine in 100_000_000u32..999_999_999,
    ) -> Option<Order> {
        let nhs = bedside_patient::NhsNumber::from_first_nine(format!("{nine:09}").as_bytes().try_into().unwrap())?;
        let schedule = match kind {
            0 => Schedule::Times(times.into_iter().map(|(hour, minute)| TimeOfDay { hour, minute }).collect()),
            1 => Schedule::Every { minutes },
            _ => Schedule::AsNeeded {
                min_interval_minutes: interval,
                max_24h: cap.map(|(doses, n)| if doses {
                    Max24h::Doses(u32::try_from(n).unwrap())
                } else {
                    Max24h::Amount(Amount { milli: n, unit: unit.clone() })
                }),
                reason,
            },
        };
        Some(Order {
            id: OrderId { namespace: "fhir".into(), number },
            nhs_number: nhs.as_str().into(),
            status,
            medication: Medication { code: DmdId(code), display },
            dose: Dose { min: Amount { milli: min, unit }, max_milli: spread.map(|s| min + s) },
            route: Route { snomed: route.into(), display: route_display },
            schedule,
            starts_at: start,
            ends_at: start.zip(length).map(|(s, l)| s + l).or(length),
            stated_at: stated,
            text: instruction,
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn written_orders_read_back(o in order()) {
        let Some(o) = o else { return Ok(()) };
        let v = write_medication_request(&o);
        let back = read_medication_request(&bytes(&v), &o.id.number);
        prop_assert_eq!(back.as_ref(), Ok(&o), "{}", v);
    }
}

#[test]
fn the_notes_order_reads_writes_and_reads_the_same() {
    let o = read_medication_request(&bytes(&regular()), "ord-778899").unwrap();
    let v = write_medication_request(&o);
    assert_eq!(v["meta"]["profile"], json!([MEDICATION_REQUEST_PROFILE]));
    assert_eq!(v["intent"], "order");
    assert_eq!(v["substitution"], json!({ "allowedBoolean": false }));
    assert_eq!(
        v["subject"]["identifier"],
        json!({ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018" })
    );
    assert_eq!(
        v["medicationCodeableConcept"]["coding"][0],
        json!({ "system": "https://dmd.nhs.uk", "code": "900000011000001100", "display": "Paracetamol 500mg tablets" })
    );
    assert_eq!(
        v["dosageInstruction"][0]["timing"]["repeat"]["timeOfDay"],
        json!(["06:00:00", "12:00:00", "18:00:00", "22:00:00"])
    );
    assert_eq!(v["authoredOn"], "2025-03-01T09:12:00Z");
    assert_eq!(
        read_medication_request(&bytes(&v), "ord-778899").unwrap(),
        o
    );
}

#[test]
fn decimals_are_written_exactly() {
    let mut o = read_medication_request(&bytes(&regular()), "ord-778899").unwrap();
    o.dose.min.milli = 2_500;
    o.dose.max_milli = Some(12_345);
    o.schedule = Schedule::Every { minutes: 90 };
    let v = write_medication_request(&o);
    let d = &v["dosageInstruction"][0];
    assert_eq!(
        d["doseAndRate"][0]["doseRange"]["low"]["value"].to_string(),
        "2.5"
    );
    assert_eq!(
        d["doseAndRate"][0]["doseRange"]["high"]["value"].to_string(),
        "12.345"
    );
    assert_eq!(
        d["timing"]["repeat"],
        json!({ "boundsPeriod": { "start": "2025-03-01T10:00:00Z", "end": "2025-03-08T10:00:00Z" },
        "frequency": 1, "period": 90, "periodUnit": "min" })
    );
}

#[test]
fn a_search_bundle() {
    let o = read_medication_request(&bytes(&regular()), "ord-778899").unwrap();
    let b = search_bundle(
        &[write_medication_request(&o)],
        "https://bedside.example.nhs.uk/fhir/",
    );
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "searchset");
    assert_eq!(b["total"], 1);
    assert_eq!(
        b["entry"][0]["fullUrl"],
        "https://bedside.example.nhs.uk/fhir/MedicationRequest/ord-778899"
    );
    assert_eq!(b["entry"][0]["search"]["mode"], "match");
    let empty = search_bundle(&[], "https://bedside.example.nhs.uk/fhir");
    assert_eq!(
        empty,
        json!({ "resourceType": "Bundle", "type": "searchset", "total": 0 })
    );
}
