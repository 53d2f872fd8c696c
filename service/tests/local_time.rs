//! Regular order times are Europe/London wall-clock times, across both clock changes of
//! 2026, checked through the real administration check and record on real SQLite and
//! PostgreSQL (the clock passed in, everything else real):
//!
//! - spring forward (29 March, 01:00 GMT → 02:00 BST): a 01:30 dose does not exist that
//!   night; it is due at 02:30 BST (one hour after the 00:30 dose), the answer says so,
//!   and both doses are recorded — none skipped;
//! - fall back (25 October, 02:00 BST → 01:00 GMT): 01:30 happens twice; the dose is due
//!   once, at the first 01:30 (BST); a scan at the second 01:30 (GMT) finds the same dose,
//!   already given — never a double dose;
//! - due times are shown in London time (`BST`/`GMT`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use bedside::clock::parse_instant;
use bedside::demo::DemoOrder;
use bedside::medicines::{Outcome, RecordRefusal, evaluate, record};

fn t(s: &str) -> i64 {
    parse_instant(s).unwrap()
}

async fn add_order(app: &common::TestApp, id: &str, times: &str) {
    let o = DemoOrder {
        window_minutes: 30,
        ..common::paracetamol_order(id, times)
    };
    app.insert_order(&o, t("2026-01-01T00:00:00Z")).await;
}

/// Checks and records at `now`; returns the evaluation's due fields and the outcome.
async fn give(
    app: &common::TestApp,
    order: &str,
    serial: &str,
    now: i64,
) -> (bedside::medicines::Evaluation, Result<i64, &'static str>) {
    let ident = &app.state.identifier;
    let req = common::paracetamol_request(order, serial);
    let ev = evaluate(
        ident,
        &req,
        None,
        &bedside::medicines::Acting::default(),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let shown = ev.clone();
    let r = match record(ident, ev, None, "token:demo-nurse", now)
        .await
        .unwrap()
    {
        Ok((_, rec)) => Ok(rec.administration_id),
        Err(RecordRefusal::Refused(_, code)) => Err(code.as_str()),
        Err(RecordRefusal::Duplicate(_)) => Err("duplicate_administration"),
        Err(RecordRefusal::RecordedMeanwhile(_)) => Err("recorded_meanwhile"),
        Err(other) => panic!("{other:?}"),
    };
    (shown, r)
}

async fn both_clock_changes(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;

    // Spring forward.
    add_order(&app, "DST-SPRING", "00:30,01:30").await;
    let (ev, r) = give(&app, "DST-SPRING", "S1", t("2026-03-29T00:35:00Z")).await;
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    assert_eq!(ev.due_at, Some(t("2026-03-29T00:30:00Z")));
    assert_eq!(ev.due_display.as_deref(), Some("00:30 GMT on 29-Mar-2026"));
    assert!(ev.due_note.is_none());
    r.unwrap();
    // An hour later (02:35 BST), the 01:30 dose: moved to 02:30 BST, said, recorded.
    let (ev, r) = give(&app, "DST-SPRING", "S2", t("2026-03-29T01:35:00Z")).await;
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    assert_eq!(ev.due_at, Some(t("2026-03-29T01:30:00Z")));
    assert_eq!(ev.due_display.as_deref(), Some("02:30 BST on 29-Mar-2026"));
    let note = ev.due_note.clone().unwrap();
    assert!(
        note.contains("01:30 does not exist") && note.contains("02:30 BST"),
        "{note}"
    );
    r.unwrap();
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["due_note"], note.as_str(), "the note is in the answer");

    // Fall back.
    add_order(&app, "DST-AUTUMN", "01:30").await;
    // At the first 01:30 (BST, 00:30 UTC): due now, given.
    let (ev, r) = give(&app, "DST-AUTUMN", "A1", t("2026-10-25T00:32:00Z")).await;
    assert_eq!(ev.outcome, Outcome::Give, "{:?}", ev.problems);
    assert_eq!(ev.due_display.as_deref(), Some("01:30 BST on 25-Oct-2026"));
    assert!(ev.due_note.clone().unwrap().contains("happens twice"));
    r.unwrap();
    // At the second 01:30 (GMT, 01:30 UTC): the same dose, already given — stop.
    let (ev, r) = give(&app, "DST-AUTUMN", "A2", t("2026-10-25T01:32:00Z")).await;
    assert_eq!(ev.due_at, Some(t("2026-10-25T00:30:00Z")), "the same dose");
    assert_eq!(ev.outcome, Outcome::Stop);
    let already = ev
        .problems
        .iter()
        .find(|p| p.code == "already_given")
        .expect("already given");
    assert!(
        already.message.contains("01:30 dose") && already.message.contains("BST"),
        "{}",
        already.message
    );
    assert_eq!(r, Err("administration_refused"), "never a double dose");

    // Summer time shows BST, winter GMT; 14:00 on the order is 14:00 on the ward clock.
    add_order(&app, "SUMMER", "14:00").await;
    let (ev, _) = give(&app, "SUMMER", "J1", t("2026-07-01T13:05:00Z")).await;
    assert_eq!(ev.due_display.as_deref(), Some("14:00 BST on 01-Jul-2026"));
    assert!(
        ev.problems.iter().all(|p| p.right.as_str() != "time"),
        "{:?}",
        ev.problems
    );

    use sqlx::Row;
    let n = sqlx::query("SELECT COUNT(*) FROM administrations WHERE order_id LIKE 'DST-%'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    assert_eq!(n, 3, "two spring doses, one autumn dose");
    app.stop().await;
}
both_backends!(dst, both_clock_changes);
