//! Identification through a PIX manager (ITI-9 over MLLP): an in-process Rust responder
//! on loopback plays the manager. Found / disagreeing / two NHS numbers / not found /
//! unknown / garbage / slow / down: only an agreeing single answer is ever a match.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bedside::config::PixSettings;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Clone, Debug)]
enum Mode {
    Found(String),
    Two(String, String),
    NotFound,
    Unknown,
    Garbage,
    Reject,
    Slow(u64),
}

const NHS_CX: &str = "^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH";

fn answer(req: &str, mode: &Mode) -> String {
    let segs: Vec<&str> = req.split('\r').filter(|s| !s.is_empty()).collect();
    let msh: Vec<&str> = segs
        .iter()
        .find(|s| s.starts_with("MSH"))
        .unwrap()
        .split('|')
        .collect();
    let qpd_line = *segs.iter().find(|s| s.starts_with("QPD")).unwrap();
    let qpd: Vec<&str> = qpd_line.split('|').collect();
    let (ctl, tag) = (msh[9], qpd[2]);
    let head = format!(
        "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE|WARD|20261125101501+0000||RSP^K23^RSP_K23|R-{ctl}|P|2.5"
    );
    match mode {
        Mode::Found(n) => {
            format!("{head}\rMSA|AA|{ctl}\rQAK|{tag}|OK\r{qpd_line}\rPID|||{n}{NHS_CX}||~^^^^^^S\r")
        }
        Mode::Two(a, b) => format!(
            "{head}\rMSA|AA|{ctl}\rQAK|{tag}|OK\r{qpd_line}\rPID|||{a}{NHS_CX}~{b}{NHS_CX}||~^^^^^^S\r"
        ),
        Mode::NotFound => format!("{head}\rMSA|AA|{ctl}\rQAK|{tag}|NF\r{qpd_line}\r"),
        Mode::Unknown => format!(
            "{head}\rMSA|AE|{ctl}\rERR||QPD^1^3^1^1|204^Unknown key identifier^HL70357|E\rQAK|{tag}|AE\r{qpd_line}\r"
        ),
        Mode::Garbage => "this is not HL7 at all\r".to_owned(),
        Mode::Reject => format!(
            "{head}\rMSA|AR|{ctl}\rERR||QPD^1^3^1^4|204^Unknown key identifier^HL70357|E\rQAK|{tag}|AR\r{qpd_line}\r"
        ),
        Mode::Slow(_) => format!(
            "{head}\rMSA|AA|{ctl}\rQAK|{tag}|OK\r{qpd_line}\rPID|||9990001235{NHS_CX}||~^^^^^^S\r"
        ),
    }
}

struct Manager {
    addr: String,
    queries: Arc<AtomicUsize>,
}

async fn manager(mode: Mode) -> Manager {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let queries = Arc::new(AtomicUsize::new(0));
    let q = queries.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let (mode, q) = (mode.clone(), q.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = s.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(2).position(|w| w == [0x1c, 0x0d]) {
                        let frame: Vec<u8> = buf.drain(..end + 2).collect();
                        let start = frame.iter().position(|&b| b == 0x0b).map_or(0, |i| i + 1);
                        let req = String::from_utf8_lossy(&frame[start..end]).into_owned();
                        q.fetch_add(1, Ordering::SeqCst);
                        if let Mode::Slow(ms) = mode {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                        }
                        let mut out = vec![0x0b];
                        out.extend_from_slice(answer(&req, &mode).as_bytes());
                        out.extend_from_slice(&[0x1c, 0x0d]);
                        if s.write_all(&out).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    Manager { addr, queries }
}

/// The service on a fresh SQLite database with the manager at `addr`: answers cached for
/// `ttl` seconds, a whole query bounded by `timeout_ms`.
async fn app_with_pix(addr: &str, ttl: u64, timeout_ms: u64) -> (common::TestApp, common::TestDb) {
    let db = common::TestDb::new(common::Backend::Sqlite).await.unwrap();
    let mut cfg = db.config();
    cfg.pix = Some(PixSettings {
        exchange: format!("mllp://{addr}"),
        timeout_ms,
        cache_ttl_seconds: ttl,
        pool_size: 4,
    });
    (common::TestApp::start(cfg).await, db)
}

fn reason(r: &Value) -> &str {
    r["reasons"][0]["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreeing_answer_matches_and_is_cached() {
    let d = common::demo();
    let p = &d.patients[0];
    let m = manager(Mode::Found(p.nhs_number.clone())).await;
    let (app, _db) = app_with_pix(&m.addr, 60, 300).await;
    let nurse = common::token("nurse");
    let r = app.identify(&nurse, &p.wristband_scan).await;
    assert_eq!(r["status"], "match", "{r}");
    assert!(
        r["sources"].as_array().unwrap().iter().any(|s| s == "pix"),
        "{r}"
    );
    // The audit row says what agreed, as the answer does.
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit WHERE action = 'identify' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["sources"], r["sources"], "{detail}");
    app.identify(&nurse, &p.wristband_scan).await;
    assert_eq!(
        m.queries.load(Ordering::SeqCst),
        1,
        "second answer from the cache"
    );
    let ready = app.req("GET", "/readyz", None, None, b"").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["pix"], "reachable");
    app.stop().await;
}

/// An ITI-8/ITI-10 notification that arrives while a query is in flight empties the
/// cache, and the answer to that query (asked before the change) is not stored after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_in_flight_during_an_invalidation_is_not_cached() {
    let d = common::demo();
    let p = &d.patients[0];
    assert_eq!(p.nhs_number, "9990001235", "the slow manager's answer");
    let m = manager(Mode::Slow(400)).await;
    let (app, _db) = app_with_pix(&m.addr, 60, 5_000).await;
    let nurse = common::token("nurse");
    let ident = app.state.identifier.clone();
    let scan = p.wristband_scan.clone();
    let first = tokio::spawn(async move { ident.identify(&scan, None).await });
    // The manager has the query; the notification lands before its answer.
    let deadline = Instant::now() + Duration::from_secs(5);
    while m.queries.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(m.queries.load(Ordering::SeqCst), 1);
    app.state.identifier.pix.as_ref().unwrap().invalidate();
    let first = first.await.unwrap();
    assert_eq!(first.decision.status().as_str(), "match");
    // Not from the cache: the manager is asked again.
    let r = app.identify(&nurse, &p.wristband_scan).await;
    assert_eq!(r["status"], "match", "{r}");
    assert_eq!(
        m.queries.load(Ordering::SeqCst),
        2,
        "asked again, not cached"
    );
    // That answer, asked after the change, is cached.
    app.identify(&nurse, &p.wristband_scan).await;
    assert_eq!(
        m.queries.load(Ordering::SeqCst),
        2,
        "the fresh answer is cached"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_index_entry_is_refreshed_by_pix() {
    let d = common::demo();
    let stale = d
        .wristbands
        .iter()
        .find(|b| b.expect_reason.as_deref() == Some("stale_index_entry"))
        .unwrap();
    let who = d
        .patients
        .iter()
        .find(|p| stale.scan.starts_with(&p.wristband_scan[..28]))
        .unwrap();
    let m = manager(Mode::Found(who.nhs_number.clone())).await;
    let (app, _db) = app_with_pix(&m.addr, 0, 300).await;
    let r = app.identify(&common::token("nurse"), &stale.scan).await;
    assert_eq!(r["status"], "match", "{r}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_other_answer_is_never_a_match() {
    let d = common::demo();
    let p = &d.patients[0];
    let other = d.patients[1].nhs_number.clone();
    let cases = [
        (
            Mode::Found(other.clone()),
            "no_match",
            "pix_disagrees_with_band",
        ),
        (
            Mode::Two(p.nhs_number.clone(), other),
            "ambiguous",
            "multiple_nhs_numbers",
        ),
        (Mode::NotFound, "no_match", "pix_not_found"),
        (Mode::Unknown, "no_match", "unknown_identifier"),
        (Mode::Garbage, "unavailable", "pix_unavailable"),
        (Mode::Reject, "unavailable", "pix_rejected"),
        (Mode::Slow(2000), "unavailable", "pix_timeout"),
    ];
    for (mode, status, code) in cases {
        let m = manager(mode.clone()).await;
        let (app, _db) = app_with_pix(&m.addr, 60, 300).await;
        let t = Instant::now();
        let r = app
            .identify(&common::token("nurse"), &p.wristband_scan)
            .await;
        assert_eq!(r["status"], status, "{mode:?}: {r}");
        assert_eq!(reason(&r), code, "{mode:?}: {r}");
        assert!(r.get("patient").is_none());
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "{mode:?} took {:?}",
            t.elapsed()
        );
        // Only single-NHS-number answers are cached; anything else is asked again.
        let before = m.queries.load(Ordering::SeqCst);
        let again = app
            .identify(&common::token("nurse"), &p.wristband_scan)
            .await;
        assert_eq!(again["status"], status);
        if !matches!(mode, Mode::Found(_)) {
            assert!(
                m.queries.load(Ordering::SeqCst) > before,
                "{mode:?} answer was cached"
            );
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_down_is_unavailable_and_service_stays_responsive() {
    // A port with nothing listening.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    drop(l);
    let (app, _db) = app_with_pix(&addr, 60, 300).await;
    let p = common::demo().patients[0].wristband_scan.clone();
    for _ in 0..5 {
        let t = Instant::now();
        let r = app.identify(&common::token("nurse"), &p).await;
        assert_eq!(r["status"], "unavailable", "{r}");
        assert_eq!(reason(&r), "pix_unavailable");
        assert!(t.elapsed() < Duration::from_secs(3));
    }
    app.req("GET", "/readyz", None, None, b"")
        .await
        .assert_problem(503, "pix_unreachable");
    assert_eq!(
        app.req("GET", "/healthz", None, None, b"").await.status,
        200
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let d = common::demo();
    let p = d.patients[0].clone();
    // The manager answers after 700 ms; the timeout is 2 s, so the request is in flight.
    let m = manager(Mode::Slow(700)).await;
    let (app, _db) = app_with_pix(&m.addr, 0, 2000).await;
    let addr = app.addr;
    let body = serde_json::json!({"scan": p.wristband_scan}).to_string();
    let token = common::token("nurse");
    let inflight = tokio::task::spawn_blocking(move || {
        common::http(
            addr,
            "POST",
            "/v1/identify",
            Some(&token),
            Some("application/json"),
            body.as_bytes(),
        )
    });
    tokio::time::sleep(Duration::from_millis(250)).await;
    let db_handle = app.state.db.clone();
    app.stop().await; // returns only after in-flight requests finished
    let r = inflight.await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "match");
    assert!(bedside::audit::verify(&db_handle).await.unwrap().ok);
    // And no new connection is accepted any more.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// Two instances on one PostgreSQL database, each with its own PIX answer cache (TTL
/// 60 s): a merge sent to instance A's feed drops B's cache within a second (LISTEN/NOTIFY),
/// so B asks the manager again and stops matching the merged-away hospital number; a token
/// revoked through A's database is refused by B at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_at_one_instance_drops_every_instances_cache() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    let d = common::demo();
    let p = &d.patients[0];
    let m = manager(Mode::Found(p.nhs_number.clone())).await;
    let with_pix = || {
        let mut cfg = db.config();
        cfg.pix = Some(PixSettings {
            exchange: format!("mllp://{}", m.addr),
            timeout_ms: 2000,
            cache_ttl_seconds: 60,
            pool_size: 2,
        });
        cfg
    };
    let a = common::TestApp::start(with_pix()).await;
    let b = common::TestApp::start(with_pix()).await;
    let feed = a.state.start_feed("127.0.0.1:0").await.unwrap();
    let nurse = common::token("nurse");
    // Both listen for each other's invalidations (a listener that has just started drops
    // its caches, so what it cached before is not counted on).
    for app in [&a, &b] {
        tokio::time::timeout(Duration::from_secs(10), app.state.cache_sync_ready())
            .await
            .expect("listening for cache invalidations");
    }

    // B matches and caches the manager's answer.
    assert_eq!(
        b.identify(&nurse, &p.wristband_scan).await["status"],
        "match"
    );
    assert_eq!(
        b.identify(&nurse, &p.wristband_scan).await["status"],
        "match"
    );
    assert_eq!(
        m.queries.load(Ordering::SeqCst),
        1,
        "B's second answer from its cache"
    );

    // A40 to A: p's hospital number merged away.
    let a40 = format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A40^ADT_A39|X1|P|2.5\rEVN|A40\r\
         PID|||K9999995^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR~{}^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH\r\
         MRG|{}^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\r",
        p.nhs_number, p.mrn
    );
    let acked = common::mllp_send(feed, &a40, Duration::from_secs(10)).await;
    assert!(acked.contains("MSA|AA|X1"), "{acked}");
    let since = Instant::now();

    // Within one second B's cache is gone: B asks the manager again, and refuses.
    let mut last = Value::Null;
    while since.elapsed() < Duration::from_secs(1) {
        let before = m.queries.load(Ordering::SeqCst);
        last = b.identify(&nurse, &p.wristband_scan).await;
        if m.queries.load(Ordering::SeqCst) > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        m.queries.load(Ordering::SeqCst) >= 2,
        "B still answered from its cache {:?} after A's merge",
        since.elapsed()
    );
    assert_ne!(last["status"], "match", "{last}");
    assert_eq!(reason(&last), "merged_identifier", "{last}");

    // A token in use at B (its row now in B's one-second token cache) is revoked through
    // A's database: B refuses it well before its cache would have expired.
    let created = bedside::tokens::create(
        &a.state.db,
        bedside::server::auth::Role::Nurse,
        "ward 7 scanner",
        None,
        None,
        "test",
        bedside::clock::now_ms(),
    )
    .await
    .unwrap();
    let body = serde_json::json!({"scan": d.patients[1].wristband_scan});
    let used = b.post_json("/v1/identify", &created.token, &body).await;
    assert_eq!(used.status, 200, "{}", used.text());
    bedside::tokens::revoke(&a.state.db, &created.id, "test", bedside::clock::now_ms())
        .await
        .unwrap();
    let since = Instant::now();
    let mut status = 200;
    while since.elapsed() < Duration::from_millis(400) {
        status = b
            .post_json("/v1/identify", &created.token, &body)
            .await
            .status;
        if status == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        status,
        401,
        "B still accepted a revoked token {:?} after",
        since.elapsed()
    );
    a.stop().await;
    b.stop().await;
}
