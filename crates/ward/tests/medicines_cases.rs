//! The medicines check as a table: a dose that passes every check, and one row per way it
//! can fail, each naming the problem codes it must give (in order) and the outcome. Every
//! `ProblemCode` is reached by a row, every override reason is tried against every
//! warning, and every refusal to record is reached too.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use bedside_patient::{Date, DateOfBirth, Demographics, Policy};
use bedside_ward::identify::{
    BandRules, IndexSummary, Lookup, PixEvidence, ReasonCode, judge, read_band,
};
use bedside_ward::medicines::{
    AdministrationRequest, AllergyCriticality, AllergyEntry, AllergyInputs, CheckInputs,
    CheckerConfirmation, Evaluation, GivenDose, MedicineLevel, Order, OrderKind, Orders, Outcome,
    OverrideReason, PackScan, ProblemCode, Product, ProductSource, Recall, RecallClass,
    RecallNotice, RefusalCode, Scans, Severity, Substance, check, may_record, validate,
};
use bedside_ward::time::{Date as Day, HOUR_MS, MINUTE_MS, parse_instant};

const NHS: &str = "9990001235";
const BAND: &str = "]d28018952000099900012352\u{1d}725019800118\u{1d}7253Smith\u{1d}7254John";

fn at(s: &str) -> i64 {
    parse_instant(s).unwrap()
}

/// A winter afternoon: London is on GMT; the base order is due at 14:00.
fn now() -> i64 {
    at("2026-01-15T14:05:00Z")
}

fn identified(matching: bool) -> bedside_ward::identify::Identification {
    let policy = Policy::demo();
    let rules = BandRules {
        policy: &policy,
        gs_substitute: None,
        mrn_from_ai91: false,
    };
    let band = read_band(BAND, &rules, now()).unwrap();
    let mut d = Demographics::new("SMITH", "John");
    d.date_of_birth = Date::parse_iso8601("1980-01-18")
        .ok()
        .map(DateOfBirth::from_date);
    let one = IndexSummary {
        rows: 1,
        merged: 0,
        distinct_nhs: 1,
        nhs_number: Some(NHS.into()),
        fresh: 1,
    };
    let lookup = Lookup {
        patient: matching.then_some((d, None)),
        gsrn_rows: one,
        mrn_rows: IndexSummary::default(),
    };
    judge(&band, None, Ok(&lookup), &PixEvidence::NotConfigured)
}

fn order() -> Order {
    Order {
        id: "ORD-1".into(),
        nhs_number: NHS.into(),
        level: MedicineLevel::Vmp,
        dmd_id: "VMP-PARA-500".into(),
        dose_milli: 1_000_000,
        dose_max_milli: None,
        dose_unit: "mg".into(),
        route: "oral".into(),
        kind: OrderKind::Regular,
        times: "08:00,14:00,22:00".into(),
        window_minutes: 60,
        min_interval_minutes: 0,
        max_per_24h: 0,
        max_amount_24h_milli: None,
        active: true,
        starts_at: at("2026-01-01T00:00:00Z"),
        ends_at: None,
    }
}

fn prn() -> Order {
    Order {
        kind: OrderKind::Prn,
        times: String::new(),
        min_interval_minutes: 240,
        max_per_24h: 4,
        ..order()
    }
}

/// Everything needed for one check.
#[derive(Clone)]
struct Dose {
    req: AdministrationRequest,
    scans: Scans,
    inputs: CheckInputs,
    now: i64,
}

fn good() -> Dose {
    Dose {
        req: AdministrationRequest {
            patient_scan: BAND.into(),
            product_scan: "]d2…".into(),
            staff_scan: "]d2…".into(),
            checker_scan: None,
            location_scan: None,
            quantity: 2.0,
            route: "oral".into(),
            order_id: None,
            open_patient_nhs_number: None,
            override_reason: None,
        },
        scans: Scans {
            staff: Some("9520000000000011".into()),
            checker: None,
            location: None,
            pack: Some(PackScan {
                gtin: "05000000000011".into(),
                batch: Some("B1".into()),
                expiry: Some(Day::constant(2027, 12, 31)),
                serial: Some("S1".into()),
            }),
        },
        inputs: CheckInputs {
            identification: identified(true),
            staff_known: true,
            checker_known: true,
            location_known: true,
            token_badge: None,
            checker_confirmation: CheckerConfirmation::NotAsked,
            recall: None,
            product_recalled: None,
            serial_used: false,
            product: Some(Product {
                name: "Paracetamol 500 mg tablets (demo)".into(),
                vmp_id: "VMP-PARA-500".into(),
                vtm_id: Some("VTM-PARA".into()),
                amp_id: Some("AMP-PARA-500-GENERIC".into()),
                vmp_name: "Paracetamol 500 mg tablets".into(),
                strength_milli: Some(500_000),
                strength_unit: "mg".into(),
                per_unit: "tablet".into(),
                routes: vec!["oral".into()],
                high_risk: false,
                invalid: false,
                source: ProductSource::Dmd {
                    release: "2026-12-01".into(),
                },
                substances: vec![
                    substance("ING-PARA", "Paracetamol"),
                    substance("EXC-GELATIN", "Gelatin"),
                    substance("VTM-PARA", "Paracetamol"),
                ],
            }),
            orders: Orders::ForMedicine(vec![order()]),
            doses: (0, None),
            order_doses: Vec::new(),
            allergies: AllergyInputs::NoneKnown,
        },
        now: now(),
    }
}

fn substance(id: &str, name: &str) -> Substance {
    Substance {
        id: id.into(),
        name: name.into(),
    }
}

fn allergic_to(code: &str, criticality: AllergyCriticality, active: bool) -> AllergyInputs {
    AllergyInputs::Recorded(vec![
        AllergyEntry {
            code: "VTM-PENICILLIN".into(),
            display: Some("Penicillin".into()),
            implies: Vec::new(),
            criticality: AllergyCriticality::High,
            active: true,
        },
        AllergyEntry {
            code: code.into(),
            display: Some("as recorded".into()),
            implies: Vec::new(),
            criticality,
            active,
        },
    ])
}

fn run(d: &Dose) -> Evaluation {
    let q = validate(&d.req).unwrap();
    check(&d.req, q, &d.scans, &d.inputs, d.now)
}

/// A row: how the dose differs from the good one, and what the check must say.
struct Case {
    name: &'static str,
    change: fn(&mut Dose),
    codes: &'static [ProblemCode],
}

fn notice(reference: &str, class: RecallClass) -> RecallNotice {
    RecallNotice {
        reference: reference.into(),
        class: Some(class),
        every_batch: false,
    }
}

fn pack(d: &mut Dose) -> &mut PackScan {
    d.scans.pack.as_mut().unwrap()
}

fn product(d: &mut Dose) -> &mut Product {
    d.inputs.product.as_mut().unwrap()
}

fn the_order(d: &mut Dose) -> &mut Order {
    match &mut d.inputs.orders {
        Orders::ForMedicine(v) => &mut v[0],
        Orders::Named(o) => o.as_mut().unwrap(),
    }
}

fn table() -> Vec<Case> {
    use ProblemCode::*;
    vec![
        Case {
            name: "every check passes",
            change: |_| {},
            codes: &[],
        },
        Case {
            name: "the band does not identify the patient",
            change: |d| d.inputs.identification = identified(false),
            codes: &[PatientNotConfirmed],
        },
        Case {
            name: "the staff scan is not a badge",
            change: |d| d.scans.staff = None,
            codes: &[NotAStaffBadge],
        },
        Case {
            name: "the giver's badge is not registered",
            change: |d| d.inputs.staff_known = false,
            codes: &[UnknownStaff],
        },
        Case {
            name: "the checker scan is not a badge",
            change: |d| d.scans.checker = Some(None),
            codes: &[CheckerNotAStaffBadge],
        },
        Case {
            name: "the giver checks their own dose",
            change: |d| d.scans.checker = Some(d.scans.staff.clone()),
            codes: &[CheckerSameAsGiver],
        },
        Case {
            name: "the checker's badge is not registered",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_known = false;
            },
            codes: &[UnknownChecker],
        },
        Case {
            name: "a registered second checker",
            change: |d| d.scans.checker = Some(Some("9520000000000028".into())),
            codes: &[],
        },
        Case {
            name: "a token tied to the giver's badge",
            change: |d| d.inputs.token_badge = d.scans.staff.clone(),
            codes: &[],
        },
        Case {
            name: "a token tied to a badge, another person's badge scanned as the giver",
            change: |d| d.inputs.token_badge = Some("9520000000000028".into()),
            codes: &[StaffNotTokenHolder],
        },
        Case {
            name: "a token tied to the giver's badge, another person's badge as the checker",
            change: |d| {
                d.inputs.token_badge = d.scans.staff.clone();
                d.scans.checker = Some(Some("9520000000000028".into()));
            },
            codes: &[],
        },
        Case {
            name: "the token holder's badge as the checker of someone else's badge",
            change: |d| {
                d.inputs.token_badge = Some("9520000000000028".into());
                d.scans.checker = Some(Some("9520000000000028".into()));
            },
            codes: &[StaffNotTokenHolder, CheckerSameAsGiver],
        },
        Case {
            name: "a checker confirmed by PIN",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_confirmation = CheckerConfirmation::Confirmed;
            },
            codes: &[],
        },
        Case {
            name: "a checker without the PIN a session asks for",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_confirmation = CheckerConfirmation::PinMissing;
            },
            codes: &[CheckerPinRequired],
        },
        Case {
            name: "a checker's wrong PIN",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_confirmation = CheckerConfirmation::PinWrong;
            },
            codes: &[CheckerPinIncorrect],
        },
        Case {
            name: "a checker's locked badge",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_confirmation = CheckerConfirmation::Locked;
            },
            codes: &[CheckerPinLocked],
        },
        Case {
            name: "a checker who cannot confirm",
            change: |d| {
                d.scans.checker = Some(Some("9520000000000028".into()));
                d.inputs.checker_confirmation = CheckerConfirmation::CannotConfirm;
            },
            codes: &[CheckerCannotConfirm],
        },
        Case {
            name: "an unknown location",
            change: |d| {
                d.scans.location = Some(Some(("9501234000006".into(), "B7".into())));
                d.inputs.location_known = false;
            },
            codes: &[UnknownLocation],
        },
        Case {
            name: "the location scan is not a location",
            change: |d| d.scans.location = Some(None),
            codes: &[UnknownLocation],
        },
        Case {
            name: "the product scan is not a pack",
            change: |d| d.scans.pack = None,
            codes: &[NotAMedicinePack],
        },
        Case {
            name: "no expiry in the barcode",
            change: |d| pack(d).expiry = None,
            codes: &[ExpiryNotInBarcode],
        },
        Case {
            name: "expired yesterday",
            change: |d| pack(d).expiry = Some(Day::constant(2026, 1, 14)),
            codes: &[Expired],
        },
        Case {
            name: "expires today: still in date",
            change: |d| pack(d).expiry = Some(Day::constant(2026, 1, 15)),
            codes: &[],
        },
        Case {
            name: "the batch is recalled",
            change: |d| {
                d.inputs.recall = Some(Recall::Block {
                    notice: notice("EL(26)A/01", RecallClass::Two),
                })
            },
            codes: &[BatchRecalled],
        },
        Case {
            name: "the batch has a safety notice",
            change: |d| {
                d.inputs.recall = Some(Recall::Warn {
                    notice: notice("EL(26)A/02", RecallClass::Four),
                })
            },
            codes: &[BatchWarning],
        },
        Case {
            name: "no batch, and a batch of the product is recalled",
            change: |d| {
                pack(d).batch = None;
                d.inputs.product_recalled = Some(notice("EL(26)A/01", RecallClass::One));
            },
            codes: &[BatchUnknownProductRecalled],
        },
        Case {
            name: "no batch in the barcode",
            change: |d| pack(d).batch = None,
            codes: &[BatchNotInBarcode],
        },
        Case {
            name: "the pack's serial was used before",
            change: |d| d.inputs.serial_used = true,
            codes: &[SerialAlreadyUsed],
        },
        Case {
            name: "the GTIN is not in the catalogue",
            change: |d| d.inputs.product = None,
            codes: &[UnknownProduct],
        },
        Case {
            name: "dm+d marks the product invalid",
            change: |d| product(d).invalid = true,
            codes: &[InvalidProduct],
        },
        Case {
            name: "no single strength per tablet in the catalogue",
            change: |d| product(d).strength_milli = None,
            codes: &[StrengthUnknown],
        },
        Case {
            name: "a high-risk medicine without a second checker",
            change: |d| product(d).high_risk = true,
            codes: &[SecondCheckerRequired],
        },
        Case {
            name: "the named order is another patient's",
            change: |d| {
                d.inputs.orders = Orders::Named(Some(Box::new(Order {
                    nhs_number: "9990000018".into(),
                    ..order()
                })))
            },
            codes: &[OrderNotForPatient],
        },
        Case {
            name: "the named order does not exist",
            change: |d| d.inputs.orders = Orders::Named(None),
            codes: &[OrderNotForPatient],
        },
        Case {
            name: "no active order for the medicine",
            change: |d| d.inputs.orders = Orders::ForMedicine(Vec::new()),
            codes: &[NoActiveOrder],
        },
        Case {
            name: "two active orders: the nurse must choose",
            change: |d| d.inputs.orders = Orders::ForMedicine(vec![order(), order()]),
            codes: &[ChooseOrder],
        },
        Case {
            name: "the order is for another medicine",
            change: |d| {
                d.inputs.orders = Orders::Named(Some(Box::new(Order {
                    dmd_id: "VMP-IBU-200".into(),
                    ..order()
                })))
            },
            codes: &[WrongMedicine],
        },
        Case {
            name: "a VTM order is met by any product of the moiety (here another brand)",
            change: |d| {
                let o = the_order(d);
                o.level = MedicineLevel::Vtm;
                o.dmd_id = "VTM-PARA".into();
                product(d).amp_id = Some("AMP-PARA-500-BRAND".into());
            },
            codes: &[],
        },
        Case {
            name: "a VTM order is not met by another moiety",
            change: |d| {
                let o = the_order(d);
                o.level = MedicineLevel::Vtm;
                o.dmd_id = "VTM-IBU".into();
            },
            codes: &[WrongMedicine],
        },
        Case {
            name: "an AMP order is not met by another brand of the same VMP",
            change: |d| {
                let o = the_order(d);
                o.level = MedicineLevel::Amp;
                o.dmd_id = "AMP-PARA-500-BRAND".into();
            },
            codes: &[WrongMedicine],
        },
        Case {
            name: "an AMP order is met by that brand",
            change: |d| {
                let o = the_order(d);
                o.level = MedicineLevel::Amp;
                o.dmd_id = "AMP-PARA-500-GENERIC".into();
            },
            codes: &[],
        },
        Case {
            name: "a dose within the prescribed range",
            change: |d| {
                let o = the_order(d);
                o.dose_milli = 500_000;
                o.dose_max_milli = Some(1_000_000);
            },
            codes: &[],
        },
        Case {
            name: "a dose above the prescribed range",
            change: |d| {
                let o = the_order(d);
                o.dose_milli = 250_000;
                o.dose_max_milli = Some(500_000);
            },
            codes: &[WrongDose],
        },
        Case {
            name: "the order is stopped",
            change: |d| the_order(d).active = false,
            codes: &[OrderNotActive],
        },
        Case {
            name: "the order has ended",
            change: |d| the_order(d).ends_at = Some(now() - HOUR_MS),
            codes: &[OrderNotActive],
        },
        Case {
            name: "one tablet, not two",
            change: |d| d.req.quantity = 1.0,
            codes: &[WrongDose],
        },
        Case {
            name: "given by another route",
            change: |d| d.req.route = "intravenous".into(),
            codes: &[WrongRoute],
        },
        Case {
            name: "the product is not for the prescribed route",
            change: |d| {
                the_order(d).route = "rectal".into();
                d.req.route = "rectal".into();
            },
            codes: &[ProductRouteMismatch],
        },
        Case {
            name: "a regular order without valid times",
            change: |d| the_order(d).times = "2pm".into(),
            codes: &[NoSchedule],
        },
        Case {
            name: "two times fall together when the clocks go forward",
            change: |d| {
                the_order(d).times = "01:30,02:30".into();
                d.now = at("2026-03-29T01:30:00Z");
            },
            codes: &[ClockChange],
        },
        Case {
            name: "an hour and a half early",
            change: |d| d.now = at("2026-01-15T12:30:00Z"),
            codes: &[TooEarly],
        },
        Case {
            name: "an hour and a half late",
            change: |d| d.now = at("2026-01-15T15:30:00Z"),
            codes: &[TooLate],
        },
        Case {
            name: "this dose was already recorded",
            change: |d| {
                d.inputs.order_doses = vec![GivenDose {
                    due_at: at("2026-01-15T14:00:00Z"),
                    given_at: at("2026-01-15T13:58:00Z"),
                    dose_milli: 1_000_000,
                }];
                d.inputs.doses = (1, Some(at("2026-01-15T13:58:00Z")));
            },
            codes: &[AlreadyGiven],
        },
        Case {
            name: "the 08:00 dose given late, minutes before this one",
            change: |d| {
                the_order(d).times = "12:00,14:00".into();
                d.inputs.doses = (1, Some(at("2026-01-15T13:30:00Z")));
            },
            codes: &[TooSoonAfterLastDose],
        },
        Case {
            name: "as needed, within the minimum interval",
            change: |d| {
                d.inputs.orders = Orders::ForMedicine(vec![prn()]);
                d.inputs.doses = (1, Some(now() - 2 * HOUR_MS));
            },
            codes: &[PrnTooSoon],
        },
        Case {
            name: "as needed, after the minimum interval",
            change: |d| {
                d.inputs.orders = Orders::ForMedicine(vec![prn()]);
                d.inputs.doses = (1, Some(now() - 5 * HOUR_MS));
            },
            codes: &[],
        },
        Case {
            name: "as needed, the 24-hour maximum reached",
            change: |d| {
                d.inputs.orders = Orders::ForMedicine(vec![prn()]);
                let given = |h: i64| GivenDose {
                    due_at: now() - h * HOUR_MS,
                    given_at: now() - h * HOUR_MS,
                    dose_milli: 1_000_000,
                };
                d.inputs.order_doses = vec![given(5), given(10), given(15), given(20), given(30)];
                d.inputs.doses = (5, Some(now() - 5 * HOUR_MS));
            },
            codes: &[Max24hReached],
        },
        Case {
            name: "as needed, this dose would pass the 24-hour maximum amount",
            change: |d| {
                // 3 g in 24 hours at most: 1 g at 5, 10 and 15 hours ago (and one 30
                // hours ago, outside the 24 hours); this 1 g would make 4 g.
                let capped = Order {
                    max_per_24h: 0,
                    max_amount_24h_milli: Some(3_000_000),
                    ..prn()
                };
                d.inputs.orders = Orders::ForMedicine(vec![capped]);
                let given = |h: i64| GivenDose {
                    due_at: now() - h * HOUR_MS,
                    given_at: now() - h * HOUR_MS,
                    dose_milli: 1_000_000,
                };
                d.inputs.order_doses = vec![given(5), given(10), given(15), given(30)];
                d.inputs.doses = (4, Some(now() - 5 * HOUR_MS));
            },
            codes: &[Max24hReached],
        },
        Case {
            name: "as needed, this dose reaches but does not pass the 24-hour maximum amount",
            change: |d| {
                let capped = Order {
                    max_per_24h: 0,
                    max_amount_24h_milli: Some(4_000_000),
                    ..prn()
                };
                d.inputs.orders = Orders::ForMedicine(vec![capped]);
                let given = |h: i64| GivenDose {
                    due_at: now() - h * HOUR_MS,
                    given_at: now() - h * HOUR_MS,
                    dose_milli: 1_000_000,
                };
                d.inputs.order_doses = vec![given(5), given(10), given(15), given(30)];
                d.inputs.doses = (4, Some(now() - 5 * HOUR_MS));
            },
            codes: &[],
        },
        Case {
            name: "an active allergy to an ingredient",
            change: |d| {
                d.inputs.allergies = allergic_to("ING-PARA", AllergyCriticality::High, true)
            },
            codes: &[Allergy],
        },
        Case {
            name: "an active allergy to an excipient of the brand",
            change: |d| {
                d.inputs.allergies = allergic_to("EXC-GELATIN", AllergyCriticality::Low, true)
            },
            codes: &[Allergy],
        },
        Case {
            name: "an active allergy to the VTM",
            change: |d| {
                d.inputs.allergies =
                    allergic_to("VTM-PARA", AllergyCriticality::UnableToAssess, true)
            },
            codes: &[Allergy],
        },
        Case {
            name: "an active allergy recorded against another product of the same ingredient",
            change: |d| {
                d.inputs.allergies = AllergyInputs::Recorded(vec![AllergyEntry {
                    code: "VMP-PARA-1G-INFUSION".into(),
                    display: Some("Paracetamol 1g/100ml solution for infusion".into()),
                    implies: vec!["ING-PARA".into(), "VTM-PARA".into()],
                    criticality: AllergyCriticality::High,
                    active: true,
                }])
            },
            codes: &[Allergy],
        },
        Case {
            name: "an active allergy recorded against the product's VMP",
            change: |d| {
                d.inputs.allergies = allergic_to("VMP-PARA-500", AllergyCriticality::High, true)
            },
            codes: &[Allergy],
        },
        Case {
            name: "a resolved (or inactive) allergy never blocks",
            change: |d| {
                d.inputs.allergies = allergic_to("ING-PARA", AllergyCriticality::High, false)
            },
            codes: &[],
        },
        Case {
            name: "allergies recorded, none to this product",
            change: |d| d.inputs.allergies = allergic_to("ING-IBU", AllergyCriticality::High, true),
            codes: &[],
        },
        Case {
            name: "no known drug allergy is a statement: nothing to say",
            change: |d| d.inputs.allergies = AllergyInputs::NoneKnown,
            codes: &[],
        },
        Case {
            name: "no allergy statement at all: not recorded",
            change: |d| d.inputs.allergies = AllergyInputs::NotRecorded,
            codes: &[AllergiesNotRecorded],
        },
        Case {
            name: "an allergy comes first, whatever else is wrong",
            change: |d| {
                pack(d).expiry = None;
                d.inputs.serial_used = true;
                d.inputs.allergies = allergic_to("VTM-PARA", AllergyCriticality::High, true);
                d.inputs.orders = Orders::ForMedicine(Vec::new());
            },
            codes: &[
                Allergy,
                ExpiryNotInBarcode,
                SerialAlreadyUsed,
                NoActiveOrder,
            ],
        },
        Case {
            name: "allergies are not judged without an identified patient",
            change: |d| {
                d.inputs.identification = identified(false);
                d.inputs.allergies = AllergyInputs::NotRecorded;
            },
            codes: &[PatientNotConfirmed],
        },
        Case {
            name: "several warnings and a block together",
            change: |d| {
                pack(d).expiry = None;
                pack(d).batch = None;
                d.inputs.serial_used = true;
                d.now = at("2026-01-15T12:30:00Z");
            },
            codes: &[
                ExpiryNotInBarcode,
                BatchNotInBarcode,
                SerialAlreadyUsed,
                TooEarly,
            ],
        },
    ]
}

#[test]
fn every_row_gives_its_problems_and_outcome() {
    for c in table() {
        let mut d = good();
        (c.change)(&mut d);
        let ev = run(&d);
        let codes: Vec<ProblemCode> = ev.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, c.codes, "{}", c.name);
        let expected = if c.codes.iter().any(|p| p.severity() == Severity::Block) {
            Outcome::Stop
        } else if c.codes.is_empty() {
            Outcome::Give
        } else {
            Outcome::Warn
        };
        assert_eq!(ev.outcome, expected, "{}", c.name);
        for p in &ev.problems {
            assert_eq!(p.right, p.code.right(), "{}", c.name);
            assert_eq!(p.severity, p.code.severity(), "{}", c.name);
            assert!(!p.message.is_empty(), "{}", c.name);
            assert!(!p.message.contains(NHS), "{}: {}", c.name, p.message);
        }
        // The audit facts say what the answer says.
        assert_eq!(ev.internal.facts.problems, codes, "{}", c.name);
        assert_eq!(ev.internal.facts.outcome, ev.outcome, "{}", c.name);
    }
}

#[test]
fn a_good_dose_says_what_it_is() {
    let ev = run(&good());
    assert_eq!(ev.outcome, Outcome::Give);
    assert_eq!(ev.dose_given.as_deref(), Some("1 g"));
    assert_eq!(ev.due_at, Some(at("2026-01-15T14:00:00Z")));
    assert_eq!(ev.due_display.as_deref(), Some("14:00 GMT on 15-Jan-2026"));
    assert_eq!(
        ev.patient.as_ref().map(|p| p.nhs_number.as_str()),
        Some(NHS)
    );
    assert_eq!(ev.internal.nhs_number.as_deref(), Some(NHS));
    assert_eq!(ev.internal.dose_milli, 1_000_000);
    assert_eq!(may_record(&ev, None), Ok(None));
    let v = serde_json::to_value(&ev).unwrap();
    assert!(
        v.get("internal").is_none(),
        "internal facts never reach the caller"
    );
    assert_eq!(v["order"]["kind"], "regular");
    let prn_ev = {
        let mut d = good();
        d.inputs.orders = Orders::ForMedicine(vec![prn()]);
        run(&d)
    };
    // As-needed doses are slotted by the minimum interval.
    let slot = 240 * MINUTE_MS;
    assert_eq!(prn_ev.due_at, Some(now().div_euclid(slot) * slot));
}

#[test]
fn every_problem_code_is_reached_by_a_row() {
    let reached: BTreeSet<&str> = table()
        .iter()
        .flat_map(|c| c.codes.iter().map(|p| p.as_str()))
        .collect();
    for code in ProblemCode::ALL {
        assert!(reached.contains(code.as_str()), "no row reaches {code:?}");
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::json!(code.as_str())
        );
        assert_eq!(ProblemCode::parse(code.as_str()), Some(*code));
    }
}

/// Which warnings each override reason answers: the table is the rule.
#[test]
fn override_reasons_answer_only_their_warnings() {
    use OverrideReason::*;
    use ProblemCode::*;
    let rows: &[(ProblemCode, &[OverrideReason])] = &[
        (
            TooEarly,
            &[
                PrescriberConsulted,
                ClinicalNeedDocumented,
                TimingAgreedWithPrescriber,
            ],
        ),
        (
            TooLate,
            &[
                PrescriberConsulted,
                ClinicalNeedDocumented,
                TimingAgreedWithPrescriber,
            ],
        ),
        (
            ClockChange,
            &[
                PrescriberConsulted,
                ClinicalNeedDocumented,
                TimingAgreedWithPrescriber,
            ],
        ),
        (
            TooSoonAfterLastDose,
            &[
                PrescriberConsulted,
                ClinicalNeedDocumented,
                TimingAgreedWithPrescriber,
            ],
        ),
        (
            UnknownLocation,
            &[PrescriberConsulted, ClinicalNeedDocumented],
        ),
        (BatchWarning, &[ClinicalNeedDocumented, RecallNoticeChecked]),
        (
            BatchNotInBarcode,
            &[ClinicalNeedDocumented, RecallNoticeChecked],
        ),
        (
            ExpiryNotInBarcode,
            &[ClinicalNeedDocumented, ExpiryCheckedOnPack],
        ),
        (
            AllergiesNotRecorded,
            &[ClinicalNeedDocumented, AllergiesCheckedWithPatient],
        ),
    ];
    let warnings: Vec<ProblemCode> = ProblemCode::ALL
        .iter()
        .copied()
        .filter(|c| c.severity() == Severity::Warn)
        .collect();
    assert_eq!(warnings.len(), rows.len(), "every warning has a row");
    for (code, answered_by) in rows {
        for &r in OverrideReason::ALL {
            assert_eq!(
                r.answers(*code),
                answered_by.contains(&r),
                "{r:?} vs {code:?}"
            );
        }
    }
    for code in ProblemCode::ALL {
        if code.severity() == Severity::Block {
            for &r in OverrideReason::ALL {
                assert!(!r.answers(*code), "{r:?} must not override {code:?}");
            }
        }
    }
    for &r in OverrideReason::ALL {
        assert_eq!(OverrideReason::parse(r.as_str()), Some(r));
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::json!(r.as_str())
        );
    }
}

#[test]
fn recording_needs_an_answer_to_every_warning() {
    let mut d = good();
    pack(&mut d).expiry = None;
    d.now = at("2026-01-15T12:30:00Z");
    let warn = run(&d);
    assert_eq!(warn.outcome, Outcome::Warn);
    // Only the universal reason answers both the expiry and the timing warning.
    assert_eq!(
        warn.override_reasons,
        [OverrideReason::ClinicalNeedDocumented]
    );
    type Verdict = Result<Option<OverrideReason>, RefusalCode>;
    let cases: &[(Option<&str>, Verdict)] = &[
        (None, Err(RefusalCode::OverrideRequired)),
        (
            Some("timing_agreed_with_prescriber"),
            Err(RefusalCode::OverrideReasonNotApplicable),
        ),
        (
            Some("made_up"),
            Err(RefusalCode::OverrideReasonNotApplicable),
        ),
        (
            Some("clinical_need_documented"),
            Ok(Some(OverrideReason::ClinicalNeedDocumented)),
        ),
    ];
    for (given, expected) in cases {
        assert_eq!(may_record(&warn, *given), *expected, "{given:?}");
    }
    let mut d = good();
    d.inputs.serial_used = true;
    let stop = run(&d);
    assert_eq!(
        may_record(&stop, Some("clinical_need_documented")),
        Err(RefusalCode::AdministrationRefused)
    );
    for code in [
        RefusalCode::AdministrationRefused,
        RefusalCode::OverrideRequired,
        RefusalCode::OverrideReasonNotApplicable,
    ] {
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::json!(code.as_str())
        );
    }
}

#[test]
fn requests_out_of_range_are_refused_before_any_check() {
    let base = good().req;
    let bad = [
        AdministrationRequest {
            quantity: 0.0,
            ..base.clone()
        },
        AdministrationRequest {
            quantity: f64::NAN,
            ..base.clone()
        },
        AdministrationRequest {
            quantity: 1000.5,
            ..base.clone()
        },
        AdministrationRequest {
            route: String::new(),
            ..base.clone()
        },
        AdministrationRequest {
            patient_scan: "x".repeat(4097),
            ..base.clone()
        },
        AdministrationRequest {
            order_id: Some(String::new()),
            ..base.clone()
        },
    ];
    for r in bad {
        assert!(validate(&r).is_err(), "{r:?}");
    }
    assert_eq!(validate(&base), Ok(2000));
    // The identification's reasons travel with patient_not_confirmed.
    let mut d = good();
    d.inputs.identification = identified(false);
    let ev = run(&d);
    assert_eq!(
        ev.problems[0].reasons[0].code,
        ReasonCode::UnknownIdentifier
    );
}

#[test]
fn an_allergy_is_said_in_plain_words_and_not_recorded_is_answered_by_asking() {
    let mut d = good();
    d.inputs.allergies = allergic_to("VTM-PARA", AllergyCriticality::High, true);
    let ev = run(&d);
    assert_eq!(ev.outcome, Outcome::Stop);
    assert_eq!(
        ev.problems[0].message,
        "Allergy: this patient is allergic to paracetamol (high criticality). Do not give; ask the prescriber."
    );
    assert_eq!(
        ev.problems[0].right,
        bedside_ward::medicines::Right::Medicine
    );
    // The ingredient and the VTM share a name: one problem, not two.
    d.inputs.allergies = AllergyInputs::Recorded(vec![
        AllergyEntry {
            code: "VTM-PARA".into(),
            display: None,
            implies: Vec::new(),
            criticality: AllergyCriticality::Low,
            active: true,
        },
        AllergyEntry {
            code: "ING-PARA".into(),
            display: None,
            implies: Vec::new(),
            criticality: AllergyCriticality::Low,
            active: true,
        },
    ]);
    assert_eq!(run(&d).problems.len(), 1);
    // No statement at all: a warning only asking the patient (or a documented clinical
    // need) answers.
    d.inputs.allergies = AllergyInputs::NotRecorded;
    let ev = run(&d);
    assert_eq!(ev.outcome, Outcome::Warn);
    assert_eq!(
        ev.override_reasons,
        [
            OverrideReason::ClinicalNeedDocumented,
            OverrideReason::AllergiesCheckedWithPatient
        ]
    );
    assert_eq!(
        may_record(&ev, Some("allergies_checked_with_patient")),
        Ok(Some(OverrideReason::AllergiesCheckedWithPatient))
    );
    assert_eq!(
        may_record(&ev, Some("prescriber_consulted")),
        Err(RefusalCode::OverrideReasonNotApplicable)
    );
}

#[test]
fn recall_messages_quote_the_reference_class_and_batch() {
    let message = |d: &Dose, code: ProblemCode| {
        run(d)
            .problems
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.message.clone())
            .unwrap()
    };
    let mut d = good();
    d.inputs.recall = Some(Recall::Block {
        notice: notice("EL(26)A/01", RecallClass::Two),
    });
    assert_eq!(
        message(&d, ProblemCode::BatchRecalled),
        "Recalled: EL(26)A/01 (Class 2) — batch B1 of this product must not be used. Do not give; return it to pharmacy."
    );
    assert_eq!(
        run(&d).internal.facts.recall.as_deref(),
        Some("EL(26)A/01"),
        "the audit facts name the notice"
    );
    let mut every = notice("EL(26)A/03", RecallClass::One);
    every.every_batch = true;
    d.inputs.recall = Some(Recall::Block { notice: every });
    assert!(
        message(&d, ProblemCode::BatchRecalled)
            .contains("EL(26)A/03 (Class 1) — every batch of this product")
    );
    d.inputs.recall = Some(Recall::Warn {
        notice: notice("EL(26)A/02", RecallClass::Caution),
    });
    assert!(
        message(&d, ProblemCode::BatchWarning)
            .starts_with("Safety notice: EL(26)A/02 (Caution in use) — batch B1")
    );
    let mut d = good();
    pack(&mut d).batch = None;
    d.inputs.product_recalled = Some(notice("EL(26)A/04", RecallClass::Three));
    assert!(
        message(&d, ProblemCode::BatchUnknownProductRecalled)
            .contains("this product is recalled: EL(26)A/04 (Class 3)")
    );
}
