//! Administrations to the EPR through the durable outbox, on real SQLite and PostgreSQL,
//! against a real MLLP EPR (`peers/epr_peer.py`: PyPI `hl7` framing and ACKs, `hl7apy`
//! strict HL7 2.5 RAS_O17 validation, de-duplication by MSH-10).
//!
//! What is asserted, precisely:
//! - content: every field of the contract in the message the EPR received, escaping of a
//!   name full of delimiters, and the entered-in-error `D` after the `A`;
//! - down for N records, then up: the EPR stores exactly N messages, in the order the
//!   doses were recorded, each MSH-10 stored once and no delivery a duplicate;
//! - AE: the message is held (visible, counted, audited), blocks the patient's next one,
//!   and `bedside outbox retry ID` re-queues it; retrying a sent message is refused;
//! - a `bedside serve` killed after sending and before the ACK: after a restart the EPR
//!   receives that MSH-10 again (a delivery it marks duplicate) and stores it once;
//!   nothing is missing;
//! - two `bedside serve` instances on one PostgreSQL database with a fast EPR: every
//!   message is delivered exactly once (no duplicate deliveries at all — with an EPR that
//!   answers at once there is no legitimate retry), in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bedside_pix::er7::Message;
use serde_json::{Value, json};
use sqlx::Row;

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

/// The EPR peer, a child process; killed on drop.
struct Peer {
    child: Child,
    port: u16,
    control: PathBuf,
    log: PathBuf,
    _dir: common::tempdir::TempDir,
}

impl Peer {
    /// Starts the peer in `mode`; `down` needs a port, so a free one is picked first.
    fn start(mode: &str) -> Peer {
        let dir = common::tempdir::TempDir::new("epr");
        let control = dir.path().join("control");
        let log = dir.path().join("log.jsonl");
        std::fs::write(&control, mode).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/epr_peer.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--control")
            .arg(&control)
            .arg("--log")
            .arg(&log)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), format!("epr peer listening on {port}"));
        Peer {
            child,
            port,
            control,
            log,
            _dir: dir,
        }
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn set(&self, mode: &str) {
        std::fs::write(&self.control, mode).unwrap();
        // The peer reads the file every 50 ms (and for every message).
        std::thread::sleep(Duration::from_millis(200));
    }

    fn records(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Control ids stored, in the order stored.
    fn stored(&self) -> Vec<String> {
        self.records()
            .iter()
            .filter(|r| r["stored"] == true)
            .map(|r| r["control_id"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_for(what: &str, limit: Duration, mut f: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !f().await {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn epr_settings() -> bedside::config::EprSettings {
    bedside::config::EprSettings {
        ack_timeout_ms: 1000,
        retry_min_ms: 50,
        retry_max_ms: 300,
        poll_ms: 20,
        ..bedside::config::EprSettings::default()
    }
}

/// An in-process service sending to `peer`, with its sender running.
async fn start(db: &common::TestDb, peer: &Peer) -> (common::TestApp, tokio::task::JoinHandle<()>) {
    let cfg = bedside::config::Config {
        epr_mllp: Some(peer.addr()),
        epr: epr_settings(),
        ..db.config()
    };
    let app = common::TestApp::start(cfg).await;
    let epr = Arc::new(app.state.db.epr().unwrap().clone());
    let sender =
        bedside::outbox::spawn_sender(app.state.db.clone(), epr, app.state.metrics.clone());
    (app, sender)
}

/// `n` paracetamol orders due now for the first demo patient (`{prefix}-0` …).
async fn orders(db: &bedside::db::Db, prefix: &str, n: usize) {
    orders_of(db, prefix, 0, n).await;
}

/// `n` paracetamol orders due now for demo patient `patient`.
async fn orders_of(db: &bedside::db::Db, prefix: &str, patient: usize, n: usize) {
    let now = bedside::clock::now_ms();
    let nhs = common::demo().patients[patient].nhs_number.clone();
    let mut conn = db.pool.acquire().await.unwrap();
    for i in 0..n {
        let o = bedside::demo::DemoOrder {
            nhs_number: nhs.clone(),
            ..common::paracetamol_order(&format!("{prefix}-{i}"), &bedside::clock::london_hhmm(now))
        };
        bedside::demo::insert_order(&mut conn, &o, now - 60_000)
            .await
            .unwrap();
    }
}

/// The body recording order `{prefix}-{i}` for the first demo patient.
fn dose(prefix: &str, i: usize) -> Value {
    dose_of(prefix, 0, i)
}

/// The body recording order `{prefix}-{i}` for demo patient `patient` (from the second
/// dose on, the service warns that the medicine was just given; the override reason
/// records it).
fn dose_of(prefix: &str, patient: usize, i: usize) -> Value {
    let d = common::demo();
    json!({
        "patient_scan": d.patients[patient].wristband_scan,
        "product_scan": format!("]d201{}1728123110PA2811\u{1d}21{prefix}{i}", d.medicines[0].gtin),
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2, "route": "oral", "order_id": format!("{prefix}-{i}"),
        "override_reason": "clinical_need_documented",
    })
}

async fn outbox_rows(db: &bedside::db::Db) -> Vec<(i64, i64, String, String, i64)> {
    sqlx::query("SELECT id, administration_id, control_id, state, attempts FROM outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                r.try_get(2).unwrap(),
                r.try_get(3).unwrap(),
                r.try_get(4).unwrap(),
            )
        })
        .collect()
}

async fn audit_count(db: &bedside::db::Db, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit WHERE action = $1")
        .bind(action)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

fn field(msg: &Message<'_>, seg: &str, n: usize) -> String {
    msg.segment(seg).unwrap().field(n).as_str().to_owned()
}

async fn content(db: common::TestDb) {
    let peer = Peer::start("aa");
    let (app, sender) = start(&db, &peer).await;
    let d = common::demo();
    let pool = app.state.db.pool.clone();
    // A name full of HL7 delimiters and a line break: escaped, never structure.
    let hostile = "O'Neill|Nora^X&Y~Z\\W\rPID|evil";
    sqlx::query("UPDATE staff SET name = $1 WHERE gsrn = $2")
        .bind(hostile)
        .bind(&d.staff[0].gsrn)
        .execute(&pool)
        .await
        .unwrap();
    orders(&app.state.db, "OC", 1).await;
    let mut body = dose("OC", 0);
    body["checker_scan"] = json!(d.staff[1].badge_scan);
    body["location_scan"] = json!(d.locations[0].scan);
    let nurse = common::token("nurse");
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["administration_id"].as_i64().unwrap();
    let r = app
        .post_json(
            &format!("/v1/administrations/{id}/entered-in-error"),
            &nurse,
            &json!({"reason": "wrong patient | really"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    wait_for("two messages", Duration::from_secs(20), async || {
        peer.records().len() >= 2
    })
    .await;
    let recs = peer.records();
    assert_eq!(recs.len(), 2, "{recs:?}");
    let rows = outbox_rows(&app.state.db).await;
    assert_eq!(rows.len(), 2);
    wait_for("both sent", Duration::from_secs(5), async || {
        outbox_rows(&app.state.db)
            .await
            .iter()
            .all(|r| r.3 == "sent")
    })
    .await;
    let a = sqlx::query("SELECT a.nhs_number, a.given_at, a.medicine_id, a.medicine_name, a.dose_milli, a.dose_unit, o.number, o.namespace, a.staff_gsrn, a.checker_gsrn FROM administrations a JOIN orders o ON o.id = a.order_id WHERE a.id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let nhs: String = a.try_get(0).unwrap();
    let given: i64 = a.try_get(1).unwrap();
    let medicine: String = a.try_get(2).unwrap();
    let name: String = a.try_get(3).unwrap();
    let dose_milli: i64 = a.try_get(4).unwrap();
    let unit: String = a.try_get(5).unwrap();
    let number: String = a.try_get(6).unwrap();
    let namespace: String = a.try_get(7).unwrap();
    for (rec, (row, action)) in recs.iter().zip(rows.iter().zip(["A", "D"])) {
        assert_eq!(rec["valid"], true, "{}", rec["errors"]);
        assert_eq!(rec["duplicate"], false);
        assert_eq!(rec["control_id"].as_str().unwrap(), row.2);
        assert_eq!(row.1, id);
        let text = rec["message"].as_str().unwrap();
        let msg = Message::parse(text.as_bytes()).unwrap();
        let ids: Vec<&str> = msg.segments().iter().map(|s| s.id()).collect();
        assert_eq!(ids, ["MSH", "PID", "ORC", "RXA", "RXR"], "{text:?}");
        assert_eq!(msg.message_type(), ("RAS", "O17", "RAS_O17"));
        assert_eq!(msg.control_id().unwrap(), row.2);
        assert_eq!(msg.version(), "2.5");
        assert_eq!(field(&msg, "MSH", 11), "P");
        assert_eq!(field(&msg, "MSH", 18), "UNICODE UTF-8");
        assert_eq!(field(&msg, "MSH", 3), "BEDSIDE");
        assert_eq!(field(&msg, "MSH", 5), "EPR");
        let pid = msg.segment("PID").unwrap();
        assert_eq!(pid.field(3).component(1).as_str(), nhs);
        assert_eq!(pid.field(3).component(5).as_str(), "NH");
        assert!(!pid.field(5).is_empty(), "PID-5 is required");
        let orc = msg.segment("ORC").unwrap();
        assert_eq!(orc.field(1).as_str(), "RE");
        assert_eq!(orc.field(2).component(1).text().unwrap(), number);
        assert_eq!(orc.field(2).component(2).text().unwrap(), namespace);
        let rxa = msg.segment("RXA").unwrap();
        assert_eq!(rxa.field(3).as_str(), bedside_orders::hl7_out::ts(given));
        assert_eq!(rxa.field(5).component(1).as_str(), medicine);
        assert_eq!(rxa.field(5).component(2).text().unwrap(), name);
        assert_eq!(rxa.field(5).component(3).as_str(), "SCT");
        assert_eq!(
            rxa.field(6).as_str(),
            bedside_orders::hl7_out::nm(dose_milli)
        );
        assert_eq!(rxa.field(6).as_str(), "1000");
        assert_eq!(rxa.field(7).as_str(), unit);
        // The first dose of the medicine needed no override (see `down_then_up`).
        assert!(rxa.field(9).is_empty());
        let providers: Vec<_> = rxa.field(10).repetitions().collect();
        assert_eq!(providers.len(), 2, "giver and second checker");
        assert_eq!(providers[0].component(1).as_str(), d.staff[0].gsrn);
        assert_eq!(providers[0].component(2).text().unwrap(), hostile);
        assert_eq!(providers[1].component(1).as_str(), d.staff[1].gsrn);
        assert_eq!(
            rxa.field(11).component(1).text().unwrap(),
            d.locations[0].extension
        );
        assert_eq!(rxa.field(11).component(4).as_str(), d.locations[0].gln);
        assert_eq!(rxa.field(15).as_str(), "PA2811");
        assert_eq!(rxa.field(16).as_str(), "20281231");
        assert_eq!(rxa.field(20).as_str(), "CP");
        assert_eq!(rxa.field(21).as_str(), action);
        let rxr = msg.segment("RXR").unwrap();
        assert_eq!(rxr.field(1).component(1).as_str(), "PO");
    }
    // Counted.
    let m = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(m.contains("bedside_outbox_sent_total 2"), "{m}");
    assert!(m.contains("bedside_outbox_ack_total{code=\"AA\"} 2"), "{m}");
    sender.abort();
    app.stop().await;
}
both_backends!(message_content, content);

async fn down_then_up(db: common::TestDb) {
    const N: usize = 5;
    let peer = Peer::start("down");
    let (app, sender) = start(&db, &peer).await;
    orders(&app.state.db, "OD", N).await;
    let nurse = common::token("nurse");
    let mut ids = Vec::new();
    for i in 0..N {
        let r = app
            .post_json("/v1/administrations", &nurse, &dose("OD", i))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        ids.push(r.json()["administration_id"].as_i64().unwrap());
    }
    // While the EPR is down: retried (counted and audited), nothing delivered, all kept.
    wait_for("retries", Duration::from_secs(10), async || {
        audit_count(&app.state.db, "outbox.retry").await >= 3
    })
    .await;
    assert!(peer.records().is_empty());
    let rows = outbox_rows(&app.state.db).await;
    assert_eq!(rows.len(), N);
    assert!(rows.iter().all(|r| r.3 == "pending"));
    // In order per patient: only the first has been tried.
    assert!(rows[0].4 >= 3, "{rows:?}");
    assert!(rows[1..].iter().all(|r| r.4 == 0), "{rows:?}");
    let m = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(m.contains("bedside_outbox_retries_total "), "{m}");

    peer.set("aa");
    wait_for("all sent", Duration::from_secs(20), async || {
        outbox_rows(&app.state.db)
            .await
            .iter()
            .all(|r| r.3 == "sent")
    })
    .await;
    let rows = outbox_rows(&app.state.db).await;
    let recs = peer.records();
    assert_eq!(recs.len(), N, "exactly N deliveries: {recs:?}");
    assert!(
        recs.iter()
            .all(|r| r["valid"] == true && r["duplicate"] == false)
    );
    // In the order recorded, once each.
    let expected: Vec<String> = rows.iter().map(|r| r.2.clone()).collect();
    assert_eq!(peer.stored(), expected);
    assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), ids);
    // From the second dose on the warning was overridden: RXA-9 says with what.
    for (i, r) in recs.iter().enumerate() {
        let msg = Message::parse(r["message"].as_str().unwrap().as_bytes()).unwrap();
        let rxa9 = msg.segment("RXA").unwrap().field(9);
        if i == 0 {
            assert!(rxa9.is_empty());
        } else {
            assert_eq!(rxa9.component(1).as_str(), "clinical_need_documented");
            assert_eq!(rxa9.component(3).as_str(), "99BEDSIDE");
        }
    }
    sender.abort();
    app.stop().await;
}
both_backends!(epr_down_then_up, down_then_up);

async fn configured_later(db: common::TestDb) {
    let nurse = common::token("nurse");
    // Recorded while no EPR is configured: never queued.
    let app = common::TestApp::start(db.config()).await;
    orders(&app.state.db, "OL", 2).await;
    let r = app
        .post_json("/v1/administrations", &nurse, &dose("OL", 0))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let before = r.json()["administration_id"].as_i64().unwrap();
    assert!(outbox_rows(&app.state.db).await.is_empty());
    app.stop().await;

    let peer = Peer::start("aa");
    let (app, sender) = start(&db, &peer).await;
    let r = app
        .post_json("/v1/administrations", &nurse, &dose("OL", 1))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let after = r.json()["administration_id"].as_i64().unwrap();
    for id in [before, after] {
        let r = app
            .post_json(
                &format!("/v1/administrations/{id}/entered-in-error"),
                &nurse,
                &json!({"reason": "wrong patient"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // The past is not sent, nor its correction: the EPR never had it. The later record
    // gets its A and then its D.
    wait_for("sent", Duration::from_secs(10), async || {
        let r = outbox_rows(&app.state.db).await;
        r.len() == 2 && r.iter().all(|r| r.3 == "sent")
    })
    .await;
    let rows = outbox_rows(&app.state.db).await;
    assert!(rows.iter().all(|r| r.1 == after), "{rows:?}");
    let actions: Vec<String> = peer
        .records()
        .iter()
        .map(|r| {
            let msg = Message::parse(r["message"].as_str().unwrap().as_bytes()).unwrap();
            field(&msg, "RXA", 21)
        })
        .collect();
    assert_eq!(actions, ["A", "D"]);
    sender.abort();
    app.stop().await;
}
both_backends!(epr_configured_later, configured_later);

fn cli(db: &common::TestDb, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["outbox"])
        .args(args)
        .args(["--database-url", &db.url])
        .env_remove("BEDSIDE_DATABASE_URL")
        .env_remove("BEDSIDE_CONFIG")
        .output()
        .unwrap()
}

async fn rejected(db: common::TestDb) {
    let peer = Peer::start("ae");
    let (app, sender) = start(&db, &peer).await;
    orders(&app.state.db, "OR", 3).await;
    let nurse = common::token("nurse");
    for i in 0..2 {
        let r = app
            .post_json("/v1/administrations", &nurse, &dose("OR", i))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    wait_for("held", Duration::from_secs(10), async || {
        outbox_rows(&app.state.db).await[0].3 == "held"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = outbox_rows(&app.state.db).await;
    // Held, not dropped; the patient's next message waits behind it.
    assert_eq!(rows[0].3, "held");
    assert_eq!(rows[1].3, "pending");
    assert_eq!(rows[1].4, 0);
    assert_eq!(peer.records().len(), 1);
    assert_eq!(audit_count(&app.state.db, "outbox.rejected").await, 1);
    let m = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(m.contains("bedside_outbox_ack_total{code=\"AE\"} 1"), "{m}");

    // Visible.
    let out = cli(&db, &["list", "--state", "held", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let held = list["messages"].as_array().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["id"], rows[0].0);
    assert_eq!(held[0]["last_ack_code"], "AE");
    assert!(held[0].get("payload").is_none());
    let out = cli(&db, &["list"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains(" held administration "),
        "{text}"
    );

    // Re-queued by the CLI once the EPR is fixed: both go, in order.
    peer.set("aa");
    let id = rows[0].0.to_string();
    let out = cli(&db, &["retry", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["requeued"], rows[0].0);
    wait_for("all sent", Duration::from_secs(10), async || {
        outbox_rows(&app.state.db)
            .await
            .iter()
            .all(|r| r.3 == "sent")
    })
    .await;
    let expected: Vec<String> = rows.iter().map(|r| r.2.clone()).collect();
    assert_eq!(peer.stored(), expected);
    assert_eq!(audit_count(&app.state.db, "outbox.requeued").await, 1);

    // AR is held and counted the same way.
    peer.set("ar");
    let r = app
        .post_json("/v1/administrations", &nurse, &dose("OR", 2))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    wait_for("held after AR", Duration::from_secs(10), async || {
        outbox_rows(&app.state.db).await[2].3 == "held"
    })
    .await;
    assert_eq!(audit_count(&app.state.db, "outbox.rejected").await, 2);
    let m = app.req("GET", "/metrics", None, None, b"").await.text();
    assert!(m.contains("bedside_outbox_ack_total{code=\"AR\"} 1"), "{m}");
    // The gauge is refreshed every second.
    wait_for("the unsent gauge", Duration::from_secs(5), async || {
        let m = app.req("GET", "/metrics", None, None, b"").await.text();
        m.contains("bedside_outbox_unsent 1\n")
    })
    .await;

    // A sent message is never sent again; an unknown one is not there.
    let out = cli(&db, &["retry", &id]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("accepted by the receiver (AA)"), "{err}");
    let out = cli(&db, &["retry", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no outbox message has id 999999"));
    sender.abort();
    app.stop().await;
}
both_backends!(rejected_held_and_requeued, rejected);

fn serve(db: &common::TestDb, peer: &Peer, dir: &Path) -> (Child, std::net::SocketAddr) {
    let cfg = dir.join("config.json");
    std::fs::write(
        &cfg,
        json!({
            "epr": {"ack_timeout_ms": 4000, "retry_min_ms": 50, "retry_max_ms": 300, "poll_ms": 20},
        })
        .to_string(),
    )
    .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("serve")
        .args(["--listen", "127.0.0.1:0", "--database-url", &db.url])
        .arg("--config")
        .arg(&cfg)
        .args(["--epr-mllp", &peer.addr()])
        .env_remove("BEDSIDE_DATABASE_URL")
        .env_remove("BEDSIDE_CONFIG")
        .env_remove("BEDSIDE_EPR_MLLP");
    let (child, addr, _stderr) = common::spawn_serve(cmd);
    (child, addr)
}

fn post(addr: std::net::SocketAddr, body: &Value) -> i64 {
    let r = common::http(
        addr,
        "POST",
        "/v1/administrations",
        Some(&common::token("nurse")),
        Some("application/json"),
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["administration_id"].as_i64().unwrap()
}

async fn killed(db: common::TestDb) {
    let peer = Peer::start("none");
    let dir = common::tempdir::TempDir::new("outbox-kill");
    let (mut child, addr) = serve(&db, &peer, dir.path());
    let store = bedside::db::Db::connect_migrated(&db.url, 2).await.unwrap();
    orders(&store, "OK", 2).await;
    let first = tokio::task::spawn_blocking(move || post(addr, &dose("OK", 0)))
        .await
        .unwrap();
    // The EPR has it (and stored it) but never answered: kill the service now.
    wait_for("delivery", Duration::from_secs(10), async || {
        peer.records().len() == 1
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let rows = outbox_rows(&store).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].3, "pending", "not sent without an AA");

    peer.set("aa");
    let (mut child, addr) = serve(&db, &peer, dir.path());
    let second = tokio::task::spawn_blocking(move || post(addr, &dose("OK", 1)))
        .await
        .unwrap();
    wait_for("all sent", Duration::from_secs(20), async || {
        let r = outbox_rows(&store).await;
        r.len() == 2 && r.iter().all(|r| r.3 == "sent")
    })
    .await;
    let rows = outbox_rows(&store).await;
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        [first, second]
    );
    let recs = peer.records();
    // The first MSH-10 twice on the wire (the second time a duplicate the EPR drops),
    // then the second: exactly once each from the EPR's point of view, none missing.
    let wire: Vec<(&str, bool)> = recs
        .iter()
        .map(|r| (r["control_id"].as_str().unwrap(), r["duplicate"] == true))
        .collect();
    assert_eq!(
        wire,
        [
            (rows[0].2.as_str(), false),
            (rows[0].2.as_str(), true),
            (rows[1].2.as_str(), false)
        ]
    );
    assert_eq!(peer.stored(), [rows[0].2.clone(), rows[1].2.clone()]);
    child.kill().unwrap();
    child.wait().unwrap();
    store.close().await;
}
both_backends!(killed_between_send_and_ack, killed);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_never_send_twice() {
    let Some(db) = common::TestDb::new(common::Backend::Postgres).await else {
        return;
    };
    // Three patients, so that both instances have something to send at once.
    const PATIENTS: usize = 3;
    const EACH: usize = 5;
    let peer = Peer::start("aa");
    let dir = common::tempdir::TempDir::new("outbox-two");
    let store = bedside::db::Db::connect_migrated(&db.url, 2).await.unwrap();
    // One starts (and seeds the demo data) before the other.
    let (mut a, addr_a) = serve(&db, &peer, dir.path());
    let (mut b, addr_b) = serve(&db, &peer, dir.path());
    for p in 0..PATIENTS {
        orders_of(&store, &format!("O2P{p}"), p, EACH).await;
    }
    let posts: Vec<_> = (0..PATIENTS)
        .map(|p| {
            tokio::task::spawn_blocking(move || {
                (0..EACH)
                    .map(|i| {
                        let addr = if (p + i) % 2 == 0 { addr_a } else { addr_b };
                        post(addr, &dose_of(&format!("O2P{p}"), p, i))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for p in posts {
        p.await.unwrap();
    }
    let n = PATIENTS * EACH;
    wait_for("all sent", Duration::from_secs(30), async || {
        let r = outbox_rows(&store).await;
        r.len() == n && r.iter().all(|r| r.3 == "sent")
    })
    .await;
    let rows = outbox_rows(&store).await;
    // One attempt each, and the EPR saw each MSH-10 exactly once.
    assert!(rows.iter().all(|r| r.4 == 1), "{rows:?}");
    let recs = peer.records();
    assert_eq!(recs.len(), n, "{recs:?}");
    assert!(
        recs.iter()
            .all(|r| r["duplicate"] == false && r["valid"] == true)
    );
    let stored = peer.stored();
    let mut all: Vec<String> = rows.iter().map(|r| r.2.clone()).collect();
    let mut got = stored.clone();
    all.sort();
    got.sort();
    assert_eq!(got, all);
    // In order per patient: each patient's messages arrived in the order recorded.
    let partitions: Vec<(i64, String, String)> =
        sqlx::query("SELECT id, partition_key, control_id FROM outbox ORDER BY id")
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get(0).unwrap(),
                    r.try_get(1).unwrap(),
                    r.try_get(2).unwrap(),
                )
            })
            .collect();
    for p in 0..PATIENTS {
        let nhs = &common::demo().patients[p].nhs_number;
        let expected: Vec<&String> = partitions
            .iter()
            .filter(|x| &x.1 == nhs)
            .map(|x| &x.2)
            .collect();
        assert_eq!(expected.len(), EACH);
        let arrived: Vec<&String> = stored.iter().filter(|c| expected.contains(c)).collect();
        assert_eq!(arrived, expected, "patient {p}");
    }
    for c in [&mut a, &mut b] {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    store.close().await;
}
