//! The HL7 v2.5 reader against the worked examples of the medicines integration notes
//! (§2.6, §4.3) and one message per rule: order control codes, dm+d coding-system
//! spellings, units, ranges, every kind of schedule, timestamps with and without an
//! offset either side of the London clock change, routes, and AL1 allergies.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_orders::hl7::{
    ErrorCode, ErrorKind, Hl7Error, OrderMessage, OrderMessageType, ReadOptions, read_allergies,
    read_order_message,
};
use bedside_orders::model::{
    AllergyClinicalStatus, AllergyStatement, Amount, Criticality, DoseUnit, Max24h, Order,
    OrderControl, OrderEvent, OrderId, OrderStatus, Schedule, SubstanceSystem, TimeOfDay,
};
use bedside_patient::TestData;
use bedside_pix::er7::Message;

const MSH: &str =
    "MSH|^~\\&|EPMA|RXX01|BEDSIDE|RXX01|20250301091500||RDE^O11^RDE_O11|EPMA-000123|P|2.5";
const PID: &str = "PID|1||9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH~K1234567^^^RXX01^MR||SMITH^JOHN^^^MR||19800118|M";

/// The first worked RDE^O11 of the notes (§2.6): two new orders.
pub const WORKED_1: &str = "MSH|^~\\&|EPMA|RXX01|BEDSIDE|RXX01|20250301091500||RDE^O11^RDE_O11|EPMA-000123|P|2.5\r\
PID|1||9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH~K1234567^^^RXX01^MR||SMITH^JOHN^^^MR||19800118|M\r\
PV1|1|I|WARD7^BAY2^BED4^RXX01||||||||||||||||V0000456\r\
AL1|1|DA^Drug allergy^HL70127|372687004^Amoxicillin^SCT|SV^Severe^HL70128|Anaphylaxis\r\
ORC|NW|ORD-778899^EPMA|||IP||||20250301091200|||C1234567^JONES^ANNA^^^DR^^^GMC|||20250301100000\r\
RXE||900000011000001100^Paracetamol 500mg tablets^SCT|1000||mg^milligram^UCUM|385055001^Tablet^SCT|||||||||||||4000^mg&milligram&UCUM\r\
TQ1|1||QID&Four times a day&HL70335|0600~1200~1800~2200|||20250301100000|20250308100000|R^Routine^HL70485\r\
RXR|PO^Oral^HL70162^26643006^Oral route^SCT\r\
ORC|NW|ORD-778900^EPMA|||IP||||20250301091200|||C1234567^JONES^ANNA^^^DR^^^GMC\r\
RXE||900000031000001100^Morphine sulfate 10mg/5ml oral solution^SCT|2.5|5|mg^milligram^UCUM|385023001^Oral solution^SCT|^Max 6 doses in 24 hours\r\
TQ1|1||Q4H&Every 4 hours&HL70335||||20250301100000||PRN^As needed^HL70485|for pain\r\
RXR|PO^Oral^HL70162^26643006^Oral route^SCT\r";

/// The second worked message (§2.6): a discontinue with partial RXE/TQ1/RXR.
pub const WORKED_DC: &str = "MSH|^~\\&|EPMA|RXX01|BEDSIDE|RXX01|20250303120000||RDE^O11^RDE_O11|EPMA-000199|P|2.5\r\
PID|1||9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH~K1234567^^^RXX01^MR||SMITH^JOHN^^^MR||19800118|M\r\
ORC|DC|ORD-778899^EPMA|||DC||||20250303115900|||C1234567^JONES^ANNA^^^DR^^^GMC||||^Course completed\r\
RXE||900000011000001100^Paracetamol 500mg tablets^SCT|1000||mg^milligram^UCUM\r\
TQ1|1||QID&Four times a day&HL70335|||||20250303115900\r\
RXR|PO^Oral^HL70162\r";

fn opts() -> ReadOptions {
    ReadOptions {
        nhs_test_numbers: TestData::Allow,
        ..ReadOptions::default()
    }
}

fn read_with(raw: &str, o: &ReadOptions) -> Result<OrderMessage, Hl7Error> {
    let msg = Message::parse(raw.as_bytes()).expect("test message must be valid ER7");
    read_order_message(&msg, o)
}

fn read(raw: &str) -> Result<OrderMessage, Hl7Error> {
    read_with(raw, &opts())
}

/// A one-order RDE^O11 from its ORDER group lines.
fn rde(order: &[&str]) -> String {
    let mut s = format!("{MSH}\r{PID}\r");
    for l in order {
        s.push_str(l);
        s.push('\r');
    }
    s
}

const ORC_NW: &str = "ORC|NW|ORD-1^EPMA|||||||20250301091200";
const RXE_OK: &str =
    "RXE||900000011000001100^Paracetamol 500mg tablets^SCT|1000||mg^milligram^UCUM";
const TQ1_OK: &str = "TQ1|1||QID|0600~1200~1800~2200";
const RXR_OK: &str = "RXR|PO^Oral^HL70162";

fn order(raw: &str) -> Order {
    let m = read(raw).unwrap_or_else(|e| panic!("{e}\n{raw}"));
    match m.events.into_iter().next() {
        Some(OrderEvent::Upsert { order, .. }) => order,
        other => panic!("expected an upsert, got {other:?}"),
    }
}

fn one(rxe: &str, tq1: &str, rxr: &str) -> Order {
    order(&rde(&[ORC_NW, rxe, tq1, rxr]))
}

fn err(raw: &str) -> Hl7Error {
    match read(raw) {
        Ok(m) => panic!("expected an error, got {m:?}\n{raw}"),
        Err(e) => e,
    }
}

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

fn tod(hour: u8, minute: u8) -> TimeOfDay {
    TimeOfDay { hour, minute }
}

#[test]
fn worked_example_two_new_orders() {
    let m = read(WORKED_1).unwrap();
    assert_eq!(m.control_id, "EPMA-000123");
    assert_eq!(m.sending_facility, "RXX01");
    assert_eq!(m.message_type, OrderMessageType::RdeO11);
    assert_eq!(m.nhs_number, "9990000018");
    let Some(AllergyStatement::Allergies(a)) = &m.allergies else {
        panic!("{:?}", m.allergies)
    };
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].id, "AL1-1");
    assert_eq!(a[0].code, "372687004");
    assert_eq!(a[0].system, SubstanceSystem::Snomed);
    assert_eq!(a[0].criticality, Criticality::High);
    assert_eq!(a[0].reactions, vec!["Anaphylaxis".to_owned()]);
    assert_eq!(m.events.len(), 2);

    let OrderEvent::Upsert { control, order: p } = &m.events[0] else {
        panic!()
    };
    assert_eq!(*control, OrderControl::New);
    assert_eq!(
        p.id,
        OrderId {
            namespace: "EPMA".into(),
            number: "ORD-778899".into()
        }
    );
    assert_eq!(p.nhs_number, "9990000018");
    assert_eq!(p.status, OrderStatus::Active);
    assert_eq!(p.medication.code.0, "900000011000001100");
    assert_eq!(
        p.medication.display.as_deref(),
        Some("Paracetamol 500mg tablets")
    );
    assert_eq!(p.dose.min.milli, 1_000_000);
    assert_eq!(p.dose.min.unit, DoseUnit::Ucum("mg".into()));
    assert_eq!(p.dose.max_milli, None);
    assert_eq!(p.route.snomed, "26643006");
    assert_eq!(
        p.schedule,
        Schedule::Times(vec![tod(6, 0), tod(12, 0), tod(18, 0), tod(22, 0)])
    );
    // 1 March is GMT.
    assert_eq!(p.starts_at, Some(ms("2025-03-01T10:00:00Z")));
    assert_eq!(p.ends_at, Some(ms("2025-03-08T10:00:00Z")));
    assert_eq!(p.stated_at, Some(ms("2025-03-01T09:12:00Z")));
    assert_eq!(p.text, None);

    let OrderEvent::Upsert { order: m2, .. } = &m.events[1] else {
        panic!()
    };
    assert_eq!(m2.id.number, "ORD-778900");
    assert_eq!(m2.dose.min.milli, 2_500);
    assert_eq!(m2.dose.max_milli, Some(5_000));
    assert_eq!(
        m2.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: Some(240),
            max_24h: None,
            reason: Some("for pain".into())
        }
    );
    assert_eq!(m2.text.as_deref(), Some("Max 6 doses in 24 hours"));
    assert_eq!(m2.ends_at, None);
}

#[test]
fn worked_example_discontinue() {
    let m = read(WORKED_DC).unwrap();
    assert_eq!(m.control_id, "EPMA-000199");
    assert_eq!(m.allergies, None, "no AL1 means the message says nothing");
    assert_eq!(
        m.events,
        vec![OrderEvent::SetStatus {
            control: OrderControl::Discontinue,
            id: OrderId {
                namespace: "EPMA".into(),
                number: "ORD-778899".into()
            },
            nhs_number: "9990000018".into(),
            status: OrderStatus::Stopped,
            stated_at: Some(ms("2025-03-03T11:59:00Z")),
        }]
    );
}

#[test]
fn every_order_control_code() {
    for (code, control) in [
        ("NW", OrderControl::New),
        ("XO", OrderControl::Change),
        ("RP", OrderControl::Change),
    ] {
        let orc = format!("ORC|{code}|ORD-1^EPMA");
        let m = read(&rde(&[&orc, RXE_OK, TQ1_OK, RXR_OK])).unwrap();
        assert!(
            matches!(&m.events[0], OrderEvent::Upsert { control: c, .. } if *c == control),
            "{code}: {:?}",
            m.events
        );
    }
    for (code, control, status) in [
        ("CA", OrderControl::Cancel, OrderStatus::Cancelled),
        ("DC", OrderControl::Discontinue, OrderStatus::Stopped),
        ("HD", OrderControl::Hold, OrderStatus::OnHold),
        ("RL", OrderControl::Release, OrderStatus::Active),
    ] {
        // No RXE, TQ1 or RXR at all: a status change does not need them.
        let orc = format!("ORC|{code}|ORD-1^EPMA|||||||20250301091200");
        let m = read(&rde(&[&orc])).unwrap();
        assert_eq!(
            m.events,
            vec![OrderEvent::SetStatus {
                control,
                id: OrderId {
                    namespace: "EPMA".into(),
                    number: "ORD-1".into()
                },
                nhs_number: "9990000018".into(),
                status,
                stated_at: Some(ms("2025-03-01T09:12:00Z")),
            }],
            "{code}"
        );
        // A malformed detail never blocks a status change.
        let m = read(&rde(&[&orc, "RXE||x^y^LOCAL|abc", "TQ1|1||BID"])).unwrap();
        assert!(
            matches!(m.events[0], OrderEvent::SetStatus { .. }),
            "{code}"
        );
    }
    for code in ["OK", "SC", "XX", "nw"] {
        let orc = format!("ORC|{code}|ORD-1^EPMA");
        let e = err(&rde(&[&orc, RXE_OK, TQ1_OK, RXR_OK]));
        assert_eq!(
            (e.segment, e.field, e.code),
            ("ORC", 1, ErrorCode::TableValueNotFound),
            "{code}"
        );
    }
}

#[test]
fn namespace_falls_back_to_msh4() {
    let o = order(&rde(&["ORC|NW|ORD-9", RXE_OK, TQ1_OK, RXR_OK]));
    assert_eq!(o.id.namespace, "RXX01");
    assert_eq!(o.stated_at, None);
}

#[test]
fn dmd_ids_with_each_coding_system_spelling() {
    // VTM (paracetamol), VMP and AMP shaped ids; primary and alternate triplets.
    for (ce, id) in [
        ("90332006^Paracetamol^SCT", "90332006"),
        (
            "42109611000001109^Paracetamol 500mg tablets^DMD",
            "42109611000001109",
        ),
        (
            "3153111000001108^Panadol 500mg tablets^dm+d",
            "3153111000001108",
        ),
        (
            "3153111000001108^Panadol^https://dmd.nhs.uk",
            "3153111000001108",
        ),
        (
            "3153111000001108^Panadol^HTTPS://DMD.NHS.UK",
            "3153111000001108",
        ),
        ("900000011000001100^Paracetamol^sct", "900000011000001100"),
        (
            "P500^Paracetamol^LOCAL^42109611000001109^Paracetamol 500mg tablets^DMD",
            "42109611000001109",
        ),
        (
            "P500^Paracetamol^99EPMA^90332006^Paracetamol^SCT",
            "90332006",
        ),
    ] {
        let rxe = format!("RXE||{ce}|1000||mg^milligram^UCUM");
        let o = one(&rxe, TQ1_OK, RXR_OK);
        assert_eq!(o.medication.code.0, id, "{ce}");
    }
    for (ce, comp, code) in [
        (
            "P500^Paracetamol^99EPMA",
            Some(3),
            ErrorCode::TableValueNotFound,
        ),
        ("P500^Paracetamol", Some(3), ErrorCode::TableValueNotFound),
        ("12345^Too short^SCT", Some(1), ErrorCode::DataType),
        (
            "1234567890123456789^Too long^SCT",
            Some(1),
            ErrorCode::DataType,
        ),
        ("9003X2006^Letters^DMD", Some(1), ErrorCode::DataType),
        ("^Name only^SCT", Some(1), ErrorCode::RequiredFieldMissing),
        ("", None, ErrorCode::RequiredFieldMissing),
    ] {
        let rxe = format!("RXE||{ce}|1000||mg^milligram^UCUM");
        let e = err(&rde(&[ORC_NW, &rxe, TQ1_OK, RXR_OK]));
        assert_eq!(
            (e.segment, e.occurrence, e.field, e.component, e.code),
            ("RXE", 1, 2, comp, code),
            "{ce}: {e}"
        );
    }
}

#[test]
fn ucum_and_dmd_units() {
    let o = one(
        "RXE||900000011000001100^Paracetamol^SCT|2||428673006^tablet^SCT",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("428673006".into()));
    assert_eq!(o.dose.min.milli, 2_000);
    let o = one(
        "RXE||900000011000001100^Paracetamol^SCT|500||258684004^milligram^DMD",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("258684004".into()));
    let o = one(
        "RXE||900000011000001100^Paracetamol^SCT|0.5||mL^millilitre^UCUM",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!(
        o.dose.min,
        Amount {
            milli: 500,
            unit: DoseUnit::Ucum("mL".into())
        }
    );
    let o = one(
        "RXE||900000011000001100^Paracetamol^SCT|0.5||TAB^tablet^LOCAL^428673006^tablet^SCT",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!(o.dose.min.unit, DoseUnit::Dmd("428673006".into()));
    for unit in ["mg", "mg^milligram^ISO+", "tab^tablet^SCT"] {
        let rxe = format!("RXE||900000011000001100^Paracetamol^SCT|1||{unit}");
        let e = err(&rde(&[ORC_NW, &rxe, TQ1_OK, RXR_OK]));
        assert_eq!((e.segment, e.field), ("RXE", 5), "{unit}: {e}");
    }
}

#[test]
fn amounts_are_exact_never_rounded() {
    for (t, milli) in [
        ("1", 1_000),
        ("0.125", 125),
        (".5", 500),
        ("2.5000", 2_500),
        ("007", 7_000),
    ] {
        let rxe = format!("RXE||900000011000001100^P^SCT|{t}||mg^mg^UCUM");
        assert_eq!(one(&rxe, TQ1_OK, RXR_OK).dose.min.milli, milli, "{t}");
    }
    for (t, kind) in [
        ("0.1255", "TooPrecise"),
        ("abc", "NotANumber"),
        ("-1", "NotANumber"),
        ("1e3", "NotANumber"),
        ("1,5", "NotANumber"),
        (".", "NotANumber"),
        ("0", "OutOfRange"),
        ("99999999999999999999", "OutOfRange"),
    ] {
        let rxe = format!("RXE||900000011000001100^P^SCT|{t}||mg^mg^UCUM");
        let e = err(&rde(&[ORC_NW, &rxe, TQ1_OK, RXR_OK]));
        assert_eq!(
            (e.segment, e.field, e.code),
            ("RXE", 3, ErrorCode::DataType),
            "{t}"
        );
        assert!(
            format!("{:?}", e.kind).starts_with(kind),
            "{t}: {:?}",
            e.kind
        );
    }
}

#[test]
fn range_dose() {
    let o = one(
        "RXE||900000011000001100^P^SCT|5|10|mg^mg^UCUM",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!((o.dose.min.milli, o.dose.max_milli), (5_000, Some(10_000)));
    let o = one(
        "RXE||900000011000001100^P^SCT|5|5|mg^mg^UCUM",
        TQ1_OK,
        RXR_OK,
    );
    assert_eq!(
        o.dose.max_milli, None,
        "a range of one value is a single dose"
    );
    let e = err(&rde(&[
        ORC_NW,
        "RXE||900000011000001100^P^SCT|10|5|mg^mg^UCUM",
        TQ1_OK,
        RXR_OK,
    ]));
    assert_eq!((e.field, e.kind.clone()), (4, ErrorKind::RangeInverted));
}

#[test]
fn schedules() {
    let s = |tq1: &str| one(RXE_OK, tq1, RXR_OK).schedule;
    assert_eq!(
        s("TQ1|1||BID|2000~0800"),
        Schedule::Times(vec![tod(8, 0), tod(20, 0)])
    );
    assert_eq!(
        s("TQ1|1|||0800~1400~2000"),
        Schedule::Times(vec![tod(8, 0), tod(14, 0), tod(20, 0)])
    );
    assert_eq!(
        s("TQ1|1|||22~063000"),
        Schedule::Times(vec![tod(6, 30), tod(22, 0)])
    );
    assert_eq!(s("TQ1|1||Q4H"), Schedule::Every { minutes: 240 });
    assert_eq!(
        s("TQ1|1||Q30M&Every 30 minutes&HL70335"),
        Schedule::Every { minutes: 30 }
    );
    assert_eq!(
        s("TQ1|1||Q6H||||||PRN^As needed^HL70485|breakthrough pain"),
        Schedule::AsNeeded {
            min_interval_minutes: Some(360),
            max_24h: None,
            reason: Some("breakthrough pain".into())
        }
    );
    assert_eq!(
        s("TQ1|1||PRN"),
        Schedule::AsNeeded {
            min_interval_minutes: None,
            max_24h: None,
            reason: None
        }
    );
    // RXE-19 total daily dose is the 24-hour cap of an as-needed order.
    let o = one(
        "RXE||900000011000001100^P^SCT|1000||mg^mg^UCUM||||||||||||||4000^mg&milligram&UCUM",
        "TQ1|1||Q4H||||||PRN",
        RXR_OK,
    );
    assert_eq!(
        o.schedule,
        Schedule::AsNeeded {
            min_interval_minutes: Some(240),
            max_24h: Some(Max24h::Amount(Amount {
                milli: 4_000_000,
                unit: DoseUnit::Ucum("mg".into())
            })),
            reason: None
        }
    );
}

#[test]
fn institution_codes_need_times_or_configured_standard_times() {
    let raw = rde(&[ORC_NW, RXE_OK, "TQ1|1||BID&Twice a day&HL70335", RXR_OK]);
    let e = err(&raw);
    assert_eq!(
        (e.segment, e.occurrence, e.order, e.field, e.code),
        ("TQ1", 1, Some(1), 4, ErrorCode::RequiredFieldMissing)
    );
    assert_eq!(
        e.kind,
        ErrorKind::StandardTimesNotConfigured { code: "BID".into() }
    );
    assert!(
        e.to_string()
            .contains("configure the trust's standard times"),
        "{e}"
    );
    let mut o = opts();
    o.standard_times
        .insert("BID".into(), vec![tod(18, 0), tod(8, 0)]);
    let m = read_with(&raw, &o).unwrap();
    let OrderEvent::Upsert { order, .. } = &m.events[0] else {
        panic!()
    };
    assert_eq!(order.schedule, Schedule::Times(vec![tod(8, 0), tod(18, 0)]));
    // Explicit times win over configured ones, and must agree with the code's count.
    let raw = rde(&[ORC_NW, RXE_OK, "TQ1|1||BID|0900~2100", RXR_OK]);
    let OrderEvent::Upsert { order, .. } = &read_with(&raw, &o).unwrap().events[0] else {
        panic!()
    };
    assert_eq!(order.schedule, Schedule::Times(vec![tod(9, 0), tod(21, 0)]));
    let e = err(&rde(&[ORC_NW, RXE_OK, "TQ1|1||QID|0600~1200~1800", RXR_OK]));
    assert_eq!((e.field, e.code), (4, ErrorCode::DataType));
}

#[test]
fn start_and_end_with_and_without_offset() {
    let t = |tq1: &str| {
        let o = one(RXE_OK, tq1, RXR_OK);
        (o.starts_at, o.ends_at)
    };
    // Without an offset: London. January is GMT, July is BST.
    assert_eq!(
        t("TQ1|1||Q4H||||20250115080000|20250715080000"),
        (
            Some(ms("2025-01-15T08:00:00Z")),
            Some(ms("2025-07-15T07:00:00Z"))
        )
    );
    // With an offset: exact, whatever London says.
    assert_eq!(
        t("TQ1|1||Q4H||||20250715080000+0000|202507150800-0500"),
        (
            Some(ms("2025-07-15T08:00:00Z")),
            Some(ms("2025-07-15T13:00:00Z"))
        )
    );
    assert_eq!(
        t("TQ1|1||Q4H||||20250715"),
        (Some(ms("2025-07-14T23:00:00Z")), None)
    );
    assert_eq!(
        t("TQ1|1||Q4H||||20250715080000.25+0100"),
        (Some(ms("2025-07-15T07:00:00.250Z")), None)
    );
    // 01:30 on 30 March 2025 does not exist in London; on 26 October it happens twice.
    for ts in ["20250330013000", "20251026013000"] {
        let tq1 = format!("TQ1|1||Q4H||||{ts}");
        let e = err(&rde(&[ORC_NW, RXE_OK, &tq1, RXR_OK]));
        assert!(
            matches!(e.kind, ErrorKind::AmbiguousLocalTime { .. }),
            "{ts}: {e}"
        );
        assert_eq!((e.segment, e.field), ("TQ1", 7));
    }
    for ts in [
        "2025",
        "202503",
        "20250230",
        "20250301T1000",
        "20250301100000+25",
        "2025030110000060",
    ] {
        let tq1 = format!("TQ1|1||Q4H||||{ts}");
        let e = err(&rde(&[ORC_NW, RXE_OK, &tq1, RXR_OK]));
        assert_eq!((e.field, e.code), (7, ErrorCode::DataType), "{ts}: {e}");
    }
    let e = err(&rde(&[
        ORC_NW,
        RXE_OK,
        "TQ1|1||Q4H||||20250302|20250301",
        RXR_OK,
    ]));
    assert_eq!((e.field, e.kind.clone()), (8, ErrorKind::EndBeforeStart));
}

#[test]
fn routes_by_mnemonic_and_snomed() {
    let r = |rxr: &str| one(RXE_OK, TQ1_OK, rxr).route;
    assert_eq!(r("RXR|PO").snomed, "26643006");
    assert_eq!(r("RXR|IV^Intravenous^HL70162").snomed, "47625008");
    let sc = r("RXR|34206005^Subcutaneous route^SCT");
    assert_eq!(
        (sc.snomed.as_str(), sc.display.as_deref()),
        ("34206005", Some("Subcutaneous route"))
    );
    assert_eq!(
        r("RXR|SUBCUT^Subcut^99LOCAL^34206005^Subcutaneous route^SCT").snomed,
        "34206005"
    );
    assert_eq!(
        r("RXR|PO^Oral^HL70162^26643006^Oral route^SCT").snomed,
        "26643006"
    );
    for (rxr, comp, code) in [
        (
            "RXR|XX^Unknown^HL70162",
            Some(1),
            ErrorCode::TableValueNotFound,
        ),
        (
            "RXR|ORAL^Oral^99LOCAL",
            Some(3),
            ErrorCode::TableValueNotFound,
        ),
        (
            "RXR|PO^Oral^HL70162^47625008^IV^SCT",
            Some(4),
            ErrorCode::ApplicationInternal,
        ),
        ("RXR|", None, ErrorCode::RequiredFieldMissing),
    ] {
        let e = err(&rde(&[ORC_NW, RXE_OK, TQ1_OK, rxr]));
        assert_eq!(
            (e.segment, e.field, e.component, e.code),
            ("RXR", 1, comp, code),
            "{rxr}: {e}"
        );
    }
}

#[test]
fn omp_o09_reads_rxo() {
    let raw = "MSH|^~\\&|EPMA|RXX01|||20250301||OMP^O09^OMP_O09|OMP-1|P|2.5\r\
PID|1||9990000018^^^NHS^NH\r\
ORC|NW|ORD-5^EPMA\r\
TQ1|1|||0800~2000\r\
RXO|42109611000001109^Paracetamol 500mg tablets^DMD|500|1000|mg^mg^UCUM|||^With food\r\
RXR|PO\r";
    let m = read(raw).unwrap();
    assert_eq!(m.message_type, OrderMessageType::OmpO09);
    let OrderEvent::Upsert { order, .. } = &m.events[0] else {
        panic!()
    };
    assert_eq!(order.medication.code.0, "42109611000001109");
    assert_eq!(
        (order.dose.min.milli, order.dose.max_milli),
        (500_000, Some(1_000_000))
    );
    assert_eq!(order.schedule, Schedule::Times(vec![tod(8, 0), tod(20, 0)]));
    assert_eq!(order.text.as_deref(), Some("With food"));
}

#[test]
fn nhs_number_from_pid3() {
    let with_pid = |pid: &str| format!("{MSH}\r{pid}\r{ORC_NW}\r{RXE_OK}\r{TQ1_OK}\r{RXR_OK}\r");
    // OID alone, namespace alone, second repetition.
    for pid in [
        "PID|1||9990000018^^^&2.16.840.1.113883.2.1.4.1&ISO^NH",
        "PID|1||K1^^^RXX01^MR~9990000018^^^NHS^NH",
    ] {
        assert_eq!(
            read(&with_pid(pid)).unwrap().nhs_number,
            "9990000018",
            "{pid}"
        );
    }
    // Test numbers are refused by default.
    let e = read_with(&with_pid(PID), &ReadOptions::default()).unwrap_err();
    assert_eq!(
        (e.segment, e.field, e.repetition, e.code),
        ("PID", 3, Some(1), ErrorCode::DataType)
    );
    for (pid, rep, code) in [
        ("PID|1||9990000019^^^NHS^NH", Some(1), ErrorCode::DataType),
        (
            "PID|1||K1^^^RXX01^MR~9990000018^^^NHS^MR",
            None,
            ErrorCode::RequiredFieldMissing,
        ),
        (
            "PID|1||9990000018^^^NHS^NH~9990001235^^^NHS^NH",
            Some(2),
            ErrorCode::DataType,
        ),
        (
            "PID|1||9990000018^^^OTHER^NH",
            None,
            ErrorCode::RequiredFieldMissing,
        ),
    ] {
        let e = err(&with_pid(pid));
        assert_eq!(
            (e.segment, e.field, e.repetition, e.code),
            ("PID", 3, rep, code),
            "{pid}: {e}"
        );
    }
}

const ADT_A08: &str = "MSH|^~\\&|PAS|RXX01|BEDSIDE|RXX01|20250301091500||ADT^A08^ADT_A01|ADT-1|P|2.5\rEVN|A08\rPID|1||9990000018^^^NHS^NH\r";

fn allergies(al1: &[&str]) -> Result<Option<AllergyStatement>, Hl7Error> {
    let mut raw = ADT_A08.to_owned();
    for l in al1 {
        raw.push_str(l);
        raw.push('\r');
    }
    read_allergies(&Message::parse(raw.as_bytes()).unwrap())
}

#[test]
fn al1_allergies() {
    assert_eq!(allergies(&[]).unwrap(), None);
    let Some(AllergyStatement::Allergies(a)) = allergies(&[
        "AL1|1|DA^Drug allergy^HL70127|372687004^Amoxicillin^SCT|SV^Severe^HL70128|Anaphylaxis~Urticaria",
        "AL1|2|DA|3153111000001108^Panadol^DMD|MO|Rash",
        "AL1|3|MC|387207008^Ibuprofen^LOCAL^387207008^Ibuprofen^SCT|MI",
        "AL1|4|MA|3153111000001108^Panadol^https://dmd.nhs.uk|U",
        "AL1|5|FA^Food allergy|256349002^Peanut^SCT|SV|Anaphylaxis",
        "AL1|6|EA|LATEX^Latex^99LOCAL|SV",
        "AL1||DA|372687004^Amoxicillin^SCT",
    ])
    .unwrap() else {
        panic!()
    };
    let summary: Vec<_> = a
        .iter()
        .map(|x| {
            (
                x.id.as_str(),
                x.system,
                x.code.as_str(),
                x.criticality,
                x.reactions.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "AL1-1",
                SubstanceSystem::Snomed,
                "372687004",
                Criticality::High,
                2
            ),
            (
                "AL1-2",
                SubstanceSystem::Dmd,
                "3153111000001108",
                Criticality::Low,
                1
            ),
            (
                "AL1-3",
                SubstanceSystem::Snomed,
                "387207008",
                Criticality::Low,
                0
            ),
            (
                "AL1-4",
                SubstanceSystem::Dmd,
                "3153111000001108",
                Criticality::UnableToAssess,
                0
            ),
            (
                "AL1-7",
                SubstanceSystem::Snomed,
                "372687004",
                Criticality::UnableToAssess,
                0
            ),
        ]
    );
    assert!(
        a.iter()
            .all(|x| x.clinical_status == AllergyClinicalStatus::Active)
    );
    assert_eq!(a[0].display.as_deref(), Some("Amoxicillin"));
    // Only food/environment: nothing said about drugs.
    assert_eq!(
        allergies(&["AL1|1|FA|256349002^Peanut^SCT|SV"]).unwrap(),
        None
    );
}

#[test]
fn al1_none_known_and_contradiction() {
    for code in [
        "409137002^No known drug allergy^SCT",
        "716186003^No known allergy^SCT",
    ] {
        let l = format!("AL1|1|DA|{code}");
        assert_eq!(
            allergies(&[&l]).unwrap(),
            Some(AllergyStatement::NoneKnown),
            "{code}"
        );
    }
    for al1 in [
        [
            "AL1|1|DA|409137002^NKDA^SCT",
            "AL1|2|DA|372687004^Amoxicillin^SCT",
        ],
        [
            "AL1|1|DA|372687004^Amoxicillin^SCT",
            "AL1|2|DA|409137002^NKDA^SCT",
        ],
    ] {
        let e = allergies(&al1).unwrap_err();
        assert_eq!(
            (e.segment, e.occurrence, e.field, e.code, e.kind.clone()),
            (
                "AL1",
                2,
                3,
                ErrorCode::ApplicationInternal,
                ErrorKind::ContradictoryAllergies
            )
        );
    }
}

#[test]
fn al1_refusals() {
    for (al1, field, comp, code) in [
        (
            "AL1|1|DA|AMOX^Amoxicillin^99LOCAL",
            3,
            Some(3),
            ErrorCode::TableValueNotFound,
        ),
        (
            "AL1|1|DA|Amoxicillin",
            3,
            Some(3),
            ErrorCode::TableValueNotFound,
        ),
        ("AL1|1|DA|", 3, None, ErrorCode::RequiredFieldMissing),
        ("AL1|1|DA|1234^Short^SCT", 3, Some(1), ErrorCode::DataType),
        (
            "AL1|1|ZZ|372687004^Amoxicillin^SCT",
            2,
            Some(1),
            ErrorCode::TableValueNotFound,
        ),
        (
            "AL1|1|DA|372687004^Amoxicillin^SCT|XX",
            4,
            Some(1),
            ErrorCode::TableValueNotFound,
        ),
    ] {
        let e = allergies(&[al1]).unwrap_err();
        assert_eq!(
            (e.segment, e.occurrence, e.field, e.component, e.code),
            ("AL1", 1, field, comp, code),
            "{al1}: {e}"
        );
    }
    let a02 =
        Message::parse(b"MSH|^~\\&|PAS||||||ADT^A02|X|P|2.5\rAL1|1|DA|372687004^A^SCT\r").unwrap();
    let e = read_allergies(&a02).unwrap_err();
    assert_eq!(
        (e.segment, e.field, e.component, e.code),
        ("MSH", 9, Some(2), ErrorCode::UnsupportedEventCode)
    );
    // The AL1s of an order message are its PATIENT group's.
    let m = Message::parse(WORKED_1.as_bytes()).unwrap();
    assert!(
        matches!(read_allergies(&m).unwrap(), Some(AllergyStatement::Allergies(a)) if a.len() == 1)
    );
}

/// Message, segment, occurrence, order group, field, component, 0357 code, ERR-2.
type Row = (
    String,
    &'static str,
    u32,
    Option<u32>,
    u32,
    Option<u32>,
    u16,
    &'static str,
);

/// One malformed message per row: the exact segment, occurrence, field, component and
/// table 0357 code it must be refused with, and the ERR-2 location.
#[test]
fn malformed_messages() {
    let second = |lines: &[&str]| {
        let mut v = vec![ORC_NW, RXE_OK, TQ1_OK, RXR_OK, "ORC|NW|ORD-2^EPMA"];
        v.extend_from_slice(lines);
        rde(&v)
    };
    let rows: Vec<Row> = vec![
        (
            WORKED_1.replace("RDE^O11", "ORM^O01"),
            "MSH",
            1,
            None,
            9,
            Some(1),
            200,
            "MSH^1^9^1^1",
        ),
        (
            WORKED_1.replace("RDE^O11", "RDE^O25"),
            "MSH",
            1,
            None,
            9,
            Some(2),
            201,
            "MSH^1^9^1^2",
        ),
        (
            WORKED_1.replace("|EPMA-000123|", "||"),
            "MSH",
            1,
            None,
            10,
            None,
            101,
            "MSH^1^10",
        ),
        (
            format!("{MSH}\r{ORC_NW}\r"),
            "PID",
            1,
            None,
            0,
            None,
            100,
            "PID^1",
        ),
        (
            format!("{MSH}\r{PID}\r"),
            "ORC",
            1,
            None,
            0,
            None,
            100,
            "ORC^1",
        ),
        (
            format!("{MSH}\r{PID}\r{RXE_OK}\r"),
            "RXE",
            1,
            None,
            0,
            None,
            100,
            "RXE^1",
        ),
        (
            format!("{MSH}\r{PID}\r{ORC_NW}\r{PID}\r"),
            "PID",
            2,
            Some(1),
            0,
            None,
            100,
            "PID^2",
        ),
        (
            format!("{MSH}\r{PID}\r{ORC_NW}\rAL1|1|DA|372687004^A^SCT\r"),
            "AL1",
            1,
            Some(1),
            0,
            None,
            100,
            "AL1^1",
        ),
        (
            rde(&[ORC_NW, RXE_OK, RXE_OK]),
            "RXE",
            2,
            Some(1),
            0,
            None,
            100,
            "RXE^2",
        ),
        (
            second(&[TQ1_OK, RXR_OK]),
            "RXE",
            2,
            Some(2),
            0,
            None,
            100,
            "RXE^2",
        ),
        (
            second(&[RXE_OK, RXR_OK]),
            "TQ1",
            2,
            Some(2),
            0,
            None,
            100,
            "TQ1^2",
        ),
        (
            second(&[RXE_OK, TQ1_OK]),
            "RXR",
            2,
            Some(2),
            0,
            None,
            100,
            "RXR^2",
        ),
        (
            rde(&["ORC||ORD-1^EPMA", RXE_OK, TQ1_OK, RXR_OK]),
            "ORC",
            1,
            Some(1),
            1,
            None,
            101,
            "ORC^1^1",
        ),
        (
            rde(&["ORC|NW|^EPMA", RXE_OK, TQ1_OK, RXR_OK]),
            "ORC",
            1,
            Some(1),
            2,
            Some(1),
            101,
            "ORC^1^2^1^1",
        ),
        (
            rde(&["ORC|NW|ORD-1^EPMA|||||||2025-03-01", RXE_OK, TQ1_OK, RXR_OK]),
            "ORC",
            1,
            Some(1),
            9,
            None,
            102,
            "ORC^1^9",
        ),
        (
            second(&[
                "RXE||900000011000001100^P^SCT|abc||mg^mg^UCUM",
                TQ1_OK,
                RXR_OK,
            ]),
            "RXE",
            2,
            Some(2),
            3,
            None,
            102,
            "RXE^2^3",
        ),
        (
            second(&["RXE||900000011000001100^P^SCT|||mg^mg^UCUM", TQ1_OK, RXR_OK]),
            "RXE",
            2,
            Some(2),
            3,
            None,
            101,
            "RXE^2^3",
        ),
        (
            second(&["RXE||900000011000001100^P^SCT|1", TQ1_OK, RXR_OK]),
            "RXE",
            2,
            Some(2),
            5,
            None,
            101,
            "RXE^2^5",
        ),
        (
            second(&[
                "RXE||900000011000001100^P^SCT|1||mg^mg^UCUM||||||||||||||x^mg&mg&UCUM",
                "TQ1|1||PRN",
                RXR_OK,
            ]),
            "RXE",
            2,
            Some(2),
            19,
            Some(1),
            102,
            "RXE^2^19^1^1",
        ),
        (
            second(&[
                "RXE||900000011000001100^P^SCT|1||mg^mg^UCUM||||||||||||||40^mg",
                "TQ1|1||PRN",
                RXR_OK,
            ]),
            "RXE",
            2,
            Some(2),
            19,
            Some(2),
            103,
            "RXE^2^19^1^2",
        ),
        (
            second(&[RXE_OK, "TQ1|1|||0800~2500", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            4,
            None,
            102,
            "TQ1^2^4^2",
        ),
        (
            second(&[RXE_OK, "TQ1|1|||0800+0100", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            4,
            None,
            102,
            "TQ1^2^4^1",
        ),
        (
            second(&[RXE_OK, "TQ1|1||", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            3,
            None,
            101,
            "TQ1^2^3",
        ),
        (
            second(&[RXE_OK, "TQ1|1||Q4H~Q6H", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            3,
            None,
            103,
            "TQ1^2^3^2",
        ),
        (
            second(&[RXE_OK, "TQ1|1||QID||||||PRN", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            3,
            Some(1),
            103,
            "TQ1^2^3^1^1",
        ),
        (
            second(&[RXE_OK, "TQ1|1||Q0H", RXR_OK]),
            "TQ1",
            2,
            Some(2),
            4,
            None,
            101,
            "TQ1^2^4",
        ),
        (
            second(&[RXE_OK, TQ1_OK, "RXR|ZZ"]),
            "RXR",
            2,
            Some(2),
            1,
            Some(1),
            103,
            "RXR^2^1^1^1",
        ),
        (
            second(&[
                "RXE||900000011000001100^P^SCT|1\\X0\\||mg^mg^UCUM",
                TQ1_OK,
                RXR_OK,
            ]),
            "RXE",
            2,
            Some(2),
            3,
            None,
            102,
            "RXE^2^3",
        ),
    ];
    for (raw, seg, occ, order, field, comp, code, erl) in rows {
        let e = err(&raw);
        assert_eq!(
            (
                e.segment,
                e.occurrence,
                e.order,
                e.field,
                e.component,
                e.code.value(),
                e.err_location().as_str()
            ),
            (seg, occ, order, field, comp, code, erl),
            "{e}\n{}",
            raw.replace('\r', "\n")
        );
        assert_eq!(e.code, e.kind.code());
    }
}

#[test]
fn display_names_segment_field_and_order() {
    let raw = rde(&[
        ORC_NW,
        RXE_OK,
        TQ1_OK,
        RXR_OK,
        "ORC|NW|ORD-2^EPMA",
        "RXE||900000011000001100^P^SCT|abc||mg^mg^UCUM",
        TQ1_OK,
        RXR_OK,
    ]);
    assert_eq!(
        err(&raw).to_string(),
        "RXE-3 (order 2): not a number: \"abc\""
    );
    let e = err(&format!("{MSH}\r{PID}\r"));
    assert_eq!(e.to_string(), "ORC: required segment missing");
    assert!(e.is_segment_level());
}

/// A non-ASCII repeat pattern (UTF-8 message) is an unknown code, not a panic when the
/// interval's unit letter is split off.
#[test]
fn non_ascii_repeat_pattern() {
    let msh = MSH.to_owned() + "||||||UNICODE UTF-8";
    let raw = format!("{msh}\r{PID}\r{ORC_NW}\r{RXE_OK}\rTQ1|1||Q4\u{e9}\r{RXR_OK}\r");
    let e = err(&raw);
    assert_eq!(
        (e.segment, e.field, e.kind),
        (
            "TQ1",
            4,
            ErrorKind::StandardTimesNotConfigured {
                code: "Q4\u{e9}".into()
            }
        )
    );
}
