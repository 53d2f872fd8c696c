//! ITI-9 over real loopback sockets against an independent Python PIX Manager
//! (`tests/peers/pix_manager.py`, hl7apy + profile validation). Every typed outcome and
//! every failure path is reached here; no failure path may produce a match.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use bedside_pix::client::{AttemptError, PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::iti9::ResponseError;
use bedside_pix::mllp::FrameError;
use bedside_pix::net::{MllpClient, MllpConfig};
use bedside_pix::outcome::{OutcomeKind, PixOutcome};
use common::Peer;
use std::time::{Duration, Instant};

fn mrn_domain() -> Domain {
    let mut d = Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap();
    d.type_code = "MR".into();
    d
}

fn q(mrn: &str) -> PixQuery {
    PixQuery::nhs_number_for(mrn, mrn_domain())
}

fn cfg(peer: &Peer) -> MllpConfig {
    let mut c = MllpConfig::new(&peer.addr());
    c.response_timeout = Duration::from_millis(800);
    c.connect_timeout = Duration::from_millis(500);
    c.breaker_threshold = 100;
    c
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn outcome(r: Result<PixOutcome, PixError>) -> PixOutcome {
    r.unwrap_or_else(|e| panic!("expected an outcome, got {e}"))
}

/// Every query our client sent was valid against the ITI-9 message profile.
fn assert_all_valid(peer: &Peer) {
    let log = peer.log();
    assert!(!log.is_empty(), "peer saw no query");
    for l in log.iter().filter(|l| l.get("valid").is_some()) {
        assert_eq!(l["valid"], true, "profile validation failed: {l}");
    }
}

#[test]
fn five_expected_action_cases_and_reject() {
    let peer = Peer::start("pix_manager.py");
    let client = MllpClient::new(cfg(&peer));
    rt().block_on(async {
        let found = outcome(client.query(&q("K1234567")).await);
        assert_eq!(found.kind(), OutcomeKind::Found);
        assert_eq!(found.nhs_number(), Some("9990001235"));

        assert_eq!(
            outcome(client.query(&q("K0000002")).await).kind(),
            OutcomeKind::NotFound
        );
        assert_eq!(
            outcome(client.query(&q("K9999999")).await).kind(),
            OutcomeKind::UnknownIdentifier
        );

        let other_source =
            PixQuery::nhs_number_for("K1234567", Domain::parse("OTHER&2.999.1&ISO").unwrap());
        assert_eq!(
            outcome(client.query(&other_source).await).kind(),
            OutcomeKind::UnknownSourceDomain
        );

        let mut bad_target = q("K1234567");
        bad_target
            .target_domains
            .push(Domain::parse("UNKNOWN&2.999.1&ISO").unwrap());
        let o = outcome(client.query(&bad_target).await);
        assert_eq!(o.kind(), OutcomeKind::UnknownTargetDomain);
        assert!(o.detail().contains("repetition 2"), "{}", o.detail());

        assert_eq!(
            outcome(client.query(&q("REJECT")).await).kind(),
            OutcomeKind::Rejected
        );
    });
    assert_all_valid(&peer);
}

#[test]
fn ambiguous_invalid_and_filtered_answers() {
    let peer = Peer::start("pix_manager.py");
    let client = MllpClient::new(cfg(&peer));
    rt().block_on(async {
        let two = outcome(client.query(&q("K0000005")).await);
        assert_eq!(two.kind(), OutcomeKind::Ambiguous);
        assert!(two.nhs_number().is_none());

        let bad = outcome(client.query(&q("K0000006")).await);
        assert_eq!(bad.kind(), OutcomeKind::Ambiguous);
        assert!(bad.detail().contains("modulus-11"), "{}", bad.detail());

        let filtered = outcome(client.query(&q("K0000007")).await);
        assert_eq!(filtered.nhs_number(), Some("9990001235"));
        assert!(
            filtered.detail().contains("echoed"),
            "{}",
            filtered.detail()
        );
        assert!(
            filtered.detail().contains("not asked for"),
            "{}",
            filtered.detail()
        );
    });
    assert_all_valid(&peer);
}

fn unavailable(r: Result<PixOutcome, PixError>) -> (AttemptError, Option<AttemptError>) {
    match r {
        Err(PixError::CannotConfirm { first, retry, .. }) => (first, retry),
        other => panic!("expected cannot-confirm, got {other:?}"),
    }
}

#[test]
fn garbage_wrong_correlation_and_oversize_are_unavailable() {
    let peer = Peer::start("pix_manager.py");
    let mut c = cfg(&peer);
    c.max_frame = 64 * 1024;
    let client = MllpClient::new(c);
    rt().block_on(async {
        let (first, retry) = unavailable(client.query(&q("GARBAGE")).await);
        assert!(
            matches!(first, AttemptError::Response(ResponseError::Parse(_))),
            "{first:?}"
        );
        assert!(matches!(
            retry,
            Some(AttemptError::Response(ResponseError::Parse(_)))
        ));

        let (first, _) = unavailable(client.query(&q("WRONGID")).await);
        assert!(
            matches!(
                first,
                AttemptError::Response(ResponseError::ControlIdMismatch { .. })
            ),
            "{first:?}"
        );

        let (first, _) = unavailable(client.query(&q("HUGE")).await);
        assert!(
            matches!(first, AttemptError::Frame(FrameError::FrameTooLarge { .. })),
            "{first:?}"
        );

        // The connection is still good for real queries afterwards.
        assert_eq!(
            outcome(client.query(&q("K1234567")).await).kind(),
            OutcomeKind::Found
        );
    });
}

#[test]
fn slow_answer_late_answer_and_no_mispairing() {
    let peer = Peer::start("pix_manager.py");
    let client = MllpClient::new(cfg(&peer));
    rt().block_on(async {
        // 0.3 s is inside the 0.8 s timeout.
        assert_eq!(
            outcome(client.query(&q("SLOW")).await).kind(),
            OutcomeKind::Found
        );

        // 1.5 s is not: both attempts time out, and their sockets are closed.
        let t = Instant::now();
        let (first, retry) = unavailable(client.query(&q("LATE")).await);
        assert_eq!(first, AttemptError::ResponseTimeout);
        assert_eq!(retry, Some(AttemptError::ResponseTimeout));
        assert!(t.elapsed() < Duration::from_millis(2500));
        assert_eq!(client.idle_connections(), 0);

        // Wait until the late answers have been sent; they must never be paired with this query.
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let next = outcome(client.query(&q("K0000002")).await);
        assert_eq!(next.kind(), OutcomeKind::NotFound);
    });
    // Retry used new control ids on a new connection.
    let log = peer.log();
    let late: Vec<_> = log.iter().filter(|l| l["mrn"] == "LATE").collect();
    assert_eq!(late.len(), 2);
    assert_ne!(late[0]["msh10"], late[1]["msh10"]);
    assert_ne!(late[0]["qpd2"], late[1]["qpd2"]);
    assert_ne!(late[0]["conn"], late[1]["conn"]);
    let after: Vec<_> = log.iter().filter(|l| l["mrn"] == "K0000002").collect();
    assert!(
        after
            .iter()
            .all(|a| a["conn"] != late[0]["conn"] && a["conn"] != late[1]["conn"])
    );
    assert_all_valid(&peer);
}

#[test]
fn dropped_connection_retry_then_unavailable() {
    let peer = Peer::start("pix_manager.py");
    let client = MllpClient::new(cfg(&peer));
    rt().block_on(async {
        // First attempt dropped, retry on a fresh connection answers.
        assert_eq!(
            outcome(client.query(&q("DROPONCE")).await).kind(),
            OutcomeKind::Found
        );
        // Always dropped: cannot confirm.
        let (first, retry) = unavailable(client.query(&q("DROP")).await);
        assert_eq!(first, AttemptError::Closed);
        assert_eq!(retry, Some(AttemptError::Closed));
    });
    let log = peer.log();
    let d: Vec<_> = log.iter().filter(|l| l["mrn"] == "DROPONCE").collect();
    assert_eq!(d.len(), 2);
    assert_ne!(d[0]["msh10"], d[1]["msh10"]);
    assert_ne!(d[0]["conn"], d[1]["conn"]);
}

#[test]
fn circuit_breaker_stops_asking_a_dead_manager() {
    let peer = Peer::start("pix_manager.py");
    let mut c = cfg(&peer);
    c.breaker_threshold = 2;
    c.breaker_open_for = Duration::from_secs(60);
    let client = MllpClient::new(c);
    rt().block_on(async {
        let _ = unavailable(client.query(&q("DROP")).await);
        let _ = unavailable(client.query(&q("DROP")).await);
        let t = Instant::now();
        let r = client.query(&q("K1234567")).await;
        assert!(matches!(r, Err(PixError::CircuitOpen { .. })), "{r:?}");
        // Refused at once, not after a connect or response timeout (500 and 800 ms here);
        // the margin is for a busy test machine, the proof is the error and the log below.
        assert!(
            t.elapsed() < Duration::from_millis(400),
            "{:?}",
            t.elapsed()
        );
    });
    // The open circuit never reached the manager.
    std::thread::sleep(Duration::from_millis(100));
    assert!(peer.log().iter().all(|l| l["mrn"] != "K1234567"));
}

#[test]
fn dead_port_is_unavailable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = MllpClient::new(MllpConfig::new(&format!("127.0.0.1:{port}")));
    rt().block_on(async {
        let (first, _) = unavailable(client.query(&q("K1234567")).await);
        assert!(matches!(first, AttemptError::Connect(_)), "{first:?}");
    });
}

#[test]
fn pool_of_four_serves_concurrent_queries() {
    let peer = Peer::start("pix_manager.py");
    let client = std::sync::Arc::new(MllpClient::new(cfg(&peer)));
    rt().block_on(async {
        let mut tasks = Vec::new();
        for i in 0..16 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                let mrn = if i % 2 == 0 { "K1234567" } else { "K0000002" };
                (i, c.query(&q(mrn)).await)
            }));
        }
        for t in tasks {
            let (i, r) = t.await.unwrap();
            let want = if i % 2 == 0 {
                OutcomeKind::Found
            } else {
                OutcomeKind::NotFound
            };
            assert_eq!(outcome(r).kind(), want);
        }
    });
    let conns: std::collections::HashSet<String> =
        peer.log().iter().map(|l| l["conn"].to_string()).collect();
    assert!(conns.len() <= 4, "used {} connections", conns.len());
    assert_all_valid(&peer);
}

#[test]
fn peer_profile_validation_rejects_a_broken_query() {
    // Proves the peer's validator is not a no-op: QPD-4 without CX.4 must be rejected.
    use std::io::{Read, Write};
    let peer = Peer::start("pix_manager.py");
    let mut s = std::net::TcpStream::connect(peer.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let bad = b"MSH|^~\\&|BEDSIDE_PPID|W|PIX_MGR|HIE|20250314101500+0000||QBP^Q23^QBP_Q21|C1|P|2.5\rQPD|IHE PIX Query|T1|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR|NHS\rRCP|I\r";
    s.write_all(&bedside_pix::mllp::encode(bad).unwrap())
        .unwrap();
    let mut d = bedside_pix::mllp::Decoder::new(1 << 20);
    let mut buf = [0u8; 4096];
    let frame = loop {
        if let Some(f) = d.pop() {
            break f.unwrap();
        }
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "peer closed");
        d.push(&buf[..n]);
    };
    let text = String::from_utf8_lossy(&frame).into_owned();
    assert!(text.contains("\rMSA|AR|C1\r"), "{text}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(peer.log().iter().any(|l| l["valid"] == false));
}
