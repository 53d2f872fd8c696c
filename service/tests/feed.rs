//! The ITI-8 / ITI-10 feed keeps the local identity index current: a merge (A40) makes the
//! old hospital number stop resolving, an update (A31) relinking a hospital number to
//! another NHS number turns its bands into a refusal, and a link (A04) makes a new one
//! resolve — each stored and audited before the listener's ACK.
//!
//! Acknowledged means stored: a database that refuses the write (SQLite: another
//! connection holding the write lock; PostgreSQL: the server stopped) gets the sender an
//! `AE` and changes nothing; the same message sent again after the store is back gets `AA`
//! and is applied once; sent a third time, `AA` again and still applied once; a control id
//! reused for another message is refused and not applied.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

const MRN: &str = "TRUST_MRN&2.999.826.0.1.1&ISO";
const NHS: &str = "NHS&2.16.840.1.113883.2.1.4.1&ISO";

async fn send(addr: std::net::SocketAddr, msg: &str) -> String {
    common::mllp_send(addr, msg, Duration::from_secs(5)).await
}

async fn until<F: std::future::Future<Output = bool>>(mut f: impl FnMut() -> F) {
    for _ in 0..100 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached");
}

async fn feed_events_update_the_index(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let feed = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let d = common::demo();
    let nurse = common::token("nurse");
    let (p0, p1) = (&d.patients[0], &d.patients[1]);
    assert_eq!(
        app.identify(&nurse, &p0.wristband_scan).await["status"],
        "match"
    );

    // A40: p0's hospital number merged into a new one.
    let a40 = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A40^ADT_A39|M1|P|2.3.1\rEVN|A40|20261125120000\r\
         PID|||K9999999^^^{MRN}^MR~{}^^^{NHS}^NH\rMRG|{}^^^{MRN}^MR\r",
        p0.nhs_number, p0.mrn
    );
    let ack = send(feed, &a40).await;
    assert!(ack.contains("MSA|AA|M1"), "{ack}");
    let scan = p0.wristband_scan.clone();
    until(|| {
        let (app, nurse, scan) = (&app, &nurse, &scan);
        async move { app.identify(nurse, scan).await["reasons"][0]["code"] == "merged_identifier" }
    })
    .await;

    // A31: p1's hospital number now linked to p0's NHS number.
    let a31 = format!(
        "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A31^ADT_A05|U1|P|2.5\rEVN|A31|20261125120000\r\
         PID|||{}^^^{MRN}^MR~{}^^^{NHS}^NH||~^^^^^^S\rPV1||N\r",
        p1.mrn, p0.nhs_number
    );
    assert!(send(feed, &a31).await.contains("MSA|AA|U1"));
    let scan = p1.wristband_scan.clone();
    until(|| {
        let (app, nurse, scan) = (&app, &nurse, &scan);
        async move {
            let r = app.identify(nurse, scan).await;
            r["status"] == "no_match" && r["reasons"][0]["code"] == "index_disagrees_with_band"
        }
    })
    .await;

    // A04 back to p1's own NHS number: the band matches again.
    let a04 = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A04^ADT_A01|L1|P|2.3.1\rEVN|A04|20261125120000\r\
         PID|||{}^^^{MRN}^MR~{}^^^{NHS}^NH||TEST^PATIENT\rPV1||O\r",
        p1.mrn, p1.nhs_number
    );
    let ack = send(feed, &a04).await;
    assert!(ack.contains("MSA|AA|L1"), "{ack}");
    until(|| {
        let (app, nurse, scan) = (&app, &nurse, &scan);
        async move { app.identify(nurse, scan).await["status"] == "match" }
    })
    .await;

    // Garbage is refused with an error ACK and changes nothing.
    let ack = send(feed, "MSH|^~\\&|X|Y|||||ADT^A02|G1|P|2.5\r").await;
    assert!(!ack.contains("MSA|AA"), "{ack}");
    use sqlx::Row;
    let n = sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'index.feed'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    assert_eq!(n, 3);
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
    app.stop().await;
}
both_backends!(feed, feed_events_update_the_index);

/// Sends one message on a fresh connection and waits up to 60 s for its ACK.
async fn send_slow(addr: std::net::SocketAddr, msg: &str) -> String {
    common::mllp_send(addr, msg, Duration::from_secs(60)).await
}

fn merge_of(p: &bedside::demo::DemoPatient, control_id: &str, new_mrn: &str) -> String {
    format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A40^ADT_A39|{control_id}|P|2.3.1\rEVN|A40|20261125120000\r\
         PID|||{new_mrn}^^^{MRN}^MR~{}^^^{NHS}^NH\rMRG|{}^^^{MRN}^MR\r",
        p.nhs_number, p.mrn
    )
}

/// Audit rows of feed events with this control id.
async fn feed_rows(app: &common::TestApp, control_id: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'index.feed' AND detail LIKE $1")
        .bind(format!("%\"control_id\":\"{control_id}\"%"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// What a refused write must leave: the band still matches, no audit row, no key.
async fn nothing_kept(
    app: &common::TestApp,
    nurse: &str,
    p: &bedside::demo::DemoPatient,
    ctrl: &str,
) {
    use sqlx::Row;
    assert_eq!(
        app.identify(nurse, &p.wristband_scan).await["status"],
        "match"
    );
    assert_eq!(feed_rows(app, ctrl).await, 0);
    let keys = sqlx::query("SELECT COUNT(*) FROM feed_messages WHERE control_id = $1")
        .bind(ctrl)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    assert_eq!(keys, 0, "a refused message left its key");
}

/// The store is back: the sender sends the same message again (as an engine does after an
/// `AE`, a few times if the first try meets a connection that died with the old server)
/// until `AA`; it is then applied once, and a third send changes nothing.
async fn resend_until_stored(
    app: &common::TestApp,
    feed: std::net::SocketAddr,
    nurse: &str,
    p: &bedside::demo::DemoPatient,
    msg: &str,
    ctrl: &str,
) {
    let mut acks = Vec::new();
    for _ in 0..5 {
        let ack = send_slow(feed, msg).await;
        let done = ack.contains(&format!("MSA|AA|{ctrl}"));
        acks.push(ack);
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        acks.last().unwrap().contains(&format!("MSA|AA|{ctrl}")),
        "never stored: {acks:?}"
    );
    // AA means committed: no waiting for a background task.
    let r = app.identify(nurse, &p.wristband_scan).await;
    assert_eq!(r["reasons"][0]["code"], "merged_identifier", "{r}");
    assert_eq!(feed_rows(app, ctrl).await, 1);

    // The ACK was lost on the way back: the same message again is AA, applied once.
    let ack = send_slow(feed, msg).await;
    assert!(ack.contains(&format!("MSA|AA|{ctrl}")), "{ack}");
    assert_eq!(feed_rows(app, ctrl).await, 1, "applied twice");
    assert!(bedside::audit::verify(&app.state.db).await.unwrap().ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_write_lock_gets_ae_and_nothing_is_kept() {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let app = common::TestApp::start(db.config()).await;
    let feed = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let nurse = common::token("nurse");
    let d = common::demo();
    let p0 = &d.patients[0];
    assert_eq!(
        app.identify(&nurse, &p0.wristband_scan).await["status"],
        "match"
    );

    // Another connection takes SQLite's write lock and keeps it.
    use sqlx::Connection;
    let mut other = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let msg = merge_of(p0, "LOCK1", "K9999991");
    let ack = send_slow(feed, &msg).await;
    assert!(ack.contains("MSA|AE|LOCK1"), "{ack}");
    assert!(ack.contains("207&Application internal error"), "{ack}");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    drop(other);
    nothing_kept(&app, &nurse, p0, "LOCK1").await;

    resend_until_stored(&app, feed, &nurse, p0, &msg, "LOCK1").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_gets_ae_and_nothing_is_kept() {
    let Some(pg) = common::PrivatePostgres::start() else {
        return;
    };
    let app = common::TestApp::start(bedside::config::Config {
        database_url: Some(pg.url.clone()),
        listen: "127.0.0.1:0".into(),
        ..bedside::config::Config::default()
    })
    .await;
    let feed = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let nurse = common::token("nurse");
    let d = common::demo();
    let p0 = &d.patients[0];
    assert_eq!(
        app.identify(&nurse, &p0.wristband_scan).await["status"],
        "match"
    );

    pg.stop();
    let msg = merge_of(p0, "DOWN1", "K9999992");
    let ack = send_slow(feed, &msg).await;
    assert!(ack.contains("MSA|AE|DOWN1"), "{ack}");
    assert!(ack.contains("207&Application internal error"), "{ack}");
    pg.start_again();
    // The pool may hold connections that died with the old server: a first query on one
    // of them fails (and drops it), as it would for the first request after a restart.
    for _ in 0..5 {
        if sqlx::query("SELECT 1")
            .execute(&app.state.db.pool)
            .await
            .is_ok()
        {
            break;
        }
    }
    nothing_kept(&app, &nurse, p0, "DOWN1").await;

    resend_until_stored(&app, feed, &nurse, p0, &msg, "DOWN1").await;
    app.stop().await;
}

async fn a_reused_control_id_is_refused_not_dropped(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let feed = app.state.start_feed("127.0.0.1:0").await.unwrap();
    let nurse = common::token("nurse");
    let d = common::demo();
    let (p0, p1) = (&d.patients[0], &d.patients[1]);

    let first = merge_of(p0, "R1", "K9999993");
    assert!(send_slow(feed, &first).await.contains("MSA|AA|R1"));
    assert_eq!(feed_rows(&app, "R1").await, 1);
    // Sent again with a new MSH-7 (an engine may restamp a resend): still the same message.
    let restamped = first.replace("20261125120000||ADT", "20261125120500||ADT");
    assert_ne!(restamped, first);
    assert!(send_slow(feed, &restamped).await.contains("MSA|AA|R1"));
    assert_eq!(feed_rows(&app, "R1").await, 1);

    // Another message under the same MSH-10 from the same sender: refused, not applied.
    let other = merge_of(p1, "R1", "K9999994");
    let ack = send_slow(feed, &other).await;
    assert!(ack.contains("MSA|AE|R1"), "{ack}");
    assert!(ack.contains("205&Duplicate key identifier"), "{ack}");
    assert_eq!(
        app.identify(&nurse, &p1.wristband_scan).await["status"],
        "match"
    );
    assert_eq!(feed_rows(&app, "R1").await, 1);

    // The same MSH-10 from another sender is another message.
    let elsewhere = other.replace("|PAS|RXX|", "|PAS|RYY|");
    assert!(send_slow(feed, &elsewhere).await.contains("MSA|AA|R1"));
    assert_eq!(
        app.identify(&nurse, &p1.wristband_scan).await["reasons"][0]["code"],
        "merged_identifier"
    );
    assert_eq!(feed_rows(&app, "R1").await, 2);
    app.stop().await;
}
both_backends!(
    reused_control_id,
    a_reused_control_id_is_refused_not_dropped
);
