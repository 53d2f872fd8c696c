//! The time rules that look across doses, through the real check and record on real
//! SQLite and PostgreSQL (the clock passed in, everything else real):
//!
//! - two nurses check PRN doses either side of a minimum-interval slot boundary and both
//!   see "give"; the first records, the second is refused as `recorded_meanwhile` (the
//!   slots differ, so the unique constraint alone would have stored both);
//! - a PRN order's minimum interval counts doses of the same medicine from the patient's
//!   other orders;
//! - two regular times whose due windows overlap: the second dose, due by its window but
//!   minutes after the first, is a `too_soon_after_last_dose` warning that needs a reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use bedside::clock::parse_instant;
use bedside::demo::DemoOrder;
use bedside::medicines::{Outcome, RecordRefusal, RefusalCode, evaluate, record};

fn t(s: &str) -> i64 {
    parse_instant(s).unwrap()
}

async fn add_order(app: &common::TestApp, o: DemoOrder) {
    app.insert_order(&o, t("2026-01-01T00:00:00Z")).await;
}

fn codes(ev: &bedside::medicines::Evaluation) -> Vec<&'static str> {
    ev.problems.iter().map(|p| p.code.as_str()).collect()
}

async fn across_doses(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let ident = &app.state.identifier;
    let actor = "token:demo-nurse";
    add_order(
        &app,
        DemoOrder {
            kind: "prn".into(),
            min_interval_minutes: 240,
            max_per_24h: 4,
            max_amount_24h_milli: None,
            ..common::paracetamol_order("T-PRN", "")
        },
    )
    .await;

    // Two checks two seconds apart, either side of 12:00 UTC (a 4-hour slot boundary):
    // both are "give", and their doses are different slots.
    let (first, second) = (t("2026-06-01T11:59:58Z"), t("2026-06-01T12:00:01Z"));
    let a = evaluate(
        ident,
        &common::paracetamol_request("T-PRN", "RACE-A"),
        None,
        &bedside::medicines::Acting::default(),
        first,
    )
    .await
    .unwrap()
    .unwrap();
    let b = evaluate(
        ident,
        &common::paracetamol_request("T-PRN", "RACE-B"),
        None,
        &bedside::medicines::Acting::default(),
        second,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(a.outcome, Outcome::Give, "{:?}", a.problems);
    assert_eq!(b.outcome, Outcome::Give, "{:?}", b.problems);
    assert_ne!(a.due_at, b.due_at, "different slots");
    record(ident, a, None, actor, first).await.unwrap().unwrap();
    match record(ident, b, None, actor, second).await.unwrap() {
        Err(RecordRefusal::RecordedMeanwhile(ev)) => {
            assert_eq!(ev.outcome, Outcome::Give, "what the nurse was shown");
        }
        other => panic!("the second dose must not be recorded: {other:?}"),
    }
    assert_eq!(app.administrations("T-PRN").await, 1);
    // Checked again, it says why.
    let again = evaluate(
        ident,
        &common::paracetamol_request("T-PRN", "RACE-B"),
        None,
        &bedside::medicines::Acting::default(),
        second,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(again.outcome, Outcome::Stop);
    assert!(
        codes(&again).contains(&"prn_too_soon"),
        "{:?}",
        again.problems
    );

    // The next day: the 08:00 regular dose of the same medicine from another order, then
    // the PRN half an hour later is too soon.
    add_order(&app, common::paracetamol_order("T-REG", "08:00")).await;
    let at = t("2026-06-02T07:05:00Z"); // 08:05 BST
    let ev = evaluate(
        ident,
        &common::paracetamol_request("T-REG", "REG-1"),
        None,
        &bedside::medicines::Acting::default(),
        at,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    record(ident, ev, None, actor, at).await.unwrap().unwrap();
    let prn = evaluate(
        ident,
        &common::paracetamol_request("T-PRN", "PRN-2"),
        None,
        &bedside::medicines::Acting::default(),
        at + 30 * 60_000,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(prn.outcome, Outcome::Stop);
    let too_soon = prn
        .problems
        .iter()
        .find(|p| p.code == "prn_too_soon")
        .expect("prn_too_soon");
    assert!(
        too_soon
            .message
            .contains("this medicine was last given at 08:05 BST"),
        "{}",
        too_soon.message
    );

    // Regular doses at 08:00 and 10:00 with the usual hour's window: windows meet at
    // 09:00. The 08:00 dose given at 08:59, then at 09:01 the 10:00 dose is "due".
    add_order(&app, common::paracetamol_order("T-CLOSE", "08:00,10:00")).await;
    let late = t("2026-06-03T07:59:00Z");
    let ev = evaluate(
        ident,
        &common::paracetamol_request("T-CLOSE", "CLOSE-1"),
        None,
        &bedside::medicines::Acting::default(),
        late,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    record(ident, ev, None, actor, late).await.unwrap().unwrap();
    let early = late + 2 * 60_000;
    let ev = evaluate(
        ident,
        &common::paracetamol_request("T-CLOSE", "CLOSE-2"),
        None,
        &bedside::medicines::Acting::default(),
        early,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ev.due_at, Some(t("2026-06-03T09:00:00Z")), "the 10:00 dose");
    assert_eq!(ev.outcome, Outcome::Warn);
    assert_eq!(codes(&ev), ["too_soon_after_last_dose"]);
    let warning = &ev.problems[0];
    assert!(
        warning.message.contains("08:59 BST") && warning.message.contains("2 h 0 min apart"),
        "{}",
        warning.message
    );
    match record(ident, ev.clone(), None, actor, early).await.unwrap() {
        Err(RecordRefusal::Refused(_, RefusalCode::OverrideRequired)) => {}
        other => panic!("a warning needs a reason: {other:?}"),
    }
    assert_eq!(app.administrations("T-CLOSE").await, 1);
    record(
        ident,
        ev,
        Some("timing_agreed_with_prescriber"),
        actor,
        early,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(app.administrations("T-CLOSE").await, 2);
    // An hour after the late 08:00 dose, the 10:00 dose is no longer too soon.
    add_order(&app, common::paracetamol_order("T-CLOSE2", "08:00,10:00")).await;
    let ev = evaluate(
        ident,
        &common::paracetamol_request("T-CLOSE2", "CLOSE2-1"),
        None,
        &bedside::medicines::Acting::default(),
        t("2026-06-04T07:59:00Z"),
    )
    .await
    .unwrap()
    .unwrap();
    record(ident, ev, None, actor, t("2026-06-04T07:59:00Z"))
        .await
        .unwrap()
        .unwrap();
    let ev = evaluate(
        ident,
        &common::paracetamol_request("T-CLOSE2", "CLOSE2-2"),
        None,
        &bedside::medicines::Acting::default(),
        t("2026-06-04T09:00:00Z"),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    app.stop().await;
}
both_backends!(across, across_doses);
