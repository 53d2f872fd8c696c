//! The ITI-8 / ITI-10 feed keeps the local identity index current: a merge (A40) makes the
//! old hospital number stop resolving, an update (A31) relinking a hospital number to
//! another NHS number turns its bands into a refusal, and a link (A04) makes a new one
//! resolve — each applied after the listener's ACK and audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MRN: &str = "TRUST_MRN&2.999.826.0.1.1&ISO";
const NHS: &str = "NHS&2.16.840.1.113883.2.1.4.1&ISO";

async fn send(addr: std::net::SocketAddr, msg: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut framed = vec![0x0b];
    framed.extend_from_slice(msg.as_bytes());
    framed.extend_from_slice(&[0x1c, 0x0d]);
    s.write_all(&framed).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(2).any(|w| w == [0x1c, 0x0d]) {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "listener closed without an ACK");
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8_lossy(&buf).into_owned()
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
