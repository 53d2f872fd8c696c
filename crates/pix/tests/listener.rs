//! ITI-8 / ITI-10 listener over real loopback sockets, driven by an independent Python
//! source (`tests/peers/feed_source.py`) that validates every ACK with hl7apy.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::feed::{FeedEvent, Trigger};
use bedside_pix::net::{Delivery, ListenerConfig, MllpListener};
use std::process::Command;

#[test]
fn acks_and_events() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (port, mut rx) = rt.block_on(async {
        let l = MllpListener::bind("127.0.0.1:0", ListenerConfig::default())
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(64);
        tokio::spawn(l.run(tx));
        // The application: keeps each event, then accepts it (AA only after that).
        let (kept, rx) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            while let Some(d) = deliveries.recv().await {
                let _ = kept.send(d.event().clone()).await;
                d.accept();
            }
        });
        (port, rx)
    });
    let script = format!("{}/tests/peers/feed_source.py", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3").arg(&script).arg(port.to_string()).output().unwrap_or_else(|e| {
        panic!("cannot run python3 for feed_source.py: {e}. Install Python 3 and `pip install -r .ci/requirements.txt`")
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "feed_source.py failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let acks: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ack = |name: &str| {
        acks.iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no ack for {name}: {stdout}"))
    };

    for a in &acks {
        if a["name"] == "garbage" {
            // Nothing to echo in MSA-2 for a payload that is not HL7 at all; that is the only defect.
            assert!(
                a["valid"] == true || a["error"].as_str().unwrap().contains("MSA.MSA_2"),
                "{a}"
            );
            continue;
        }
        assert_eq!(a["valid"], true, "ACK not valid HL7 per hl7apy: {a}");
    }
    for (name, ctrl) in [
        ("a01", "F-A01"),
        ("a04", "F-A04"),
        ("a05", "F-A05"),
        ("a08", "F-A08"),
        ("a31", "F-A31"),
        ("a40", "F-A40"),
        ("a31_after_garbage", "F-A31B"),
    ] {
        assert_eq!(ack(name)["msa1"], "AA", "{name}");
        assert_eq!(ack(name)["msa2"], ctrl, "{name}");
    }
    assert_eq!(ack("a31")["type"], "ACK^A31^ACK");
    assert_eq!(ack("a02")["msa1"], "AR");
    assert!(
        ack("a02")["err"]
            .as_str()
            .unwrap()
            .contains("201^Unsupported event code")
    );
    assert_eq!(ack("no_authority")["msa1"], "AE");
    assert!(
        ack("no_authority")["err"]
            .as_str()
            .unwrap()
            .contains("PID^1^3^1^4")
    );
    assert_eq!(ack("a40_no_mrg")["msa1"], "AE");
    assert_eq!(ack("garbage")["msa1"], "AR");
    assert_eq!(ack("garbage")["msa2"], "");

    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert_eq!(events.len(), 7, "{events:?}");
    assert!(
        matches!(&events[0], FeedEvent::Link { trigger: Trigger::A01, identifiers, .. } if identifiers[0].value == "K1234567")
    );
    assert!(
        matches!(&events[1], FeedEvent::Link { trigger: Trigger::A04, identifiers, .. } if identifiers.len() == 2)
    );
    assert!(matches!(
        &events[2],
        FeedEvent::Link {
            trigger: Trigger::A05,
            ..
        }
    ));
    assert!(matches!(
        &events[3],
        FeedEvent::Update {
            trigger: Trigger::A08,
            ..
        }
    ));
    match &events[4] {
        FeedEvent::Update {
            trigger: Trigger::A31,
            identifiers,
            control_id,
        } => {
            assert_eq!(control_id, "F-A31");
            assert_eq!(identifiers[1].value, "9990001235");
            assert_eq!(identifiers[1].universal_id, "2.16.840.1.113883.2.1.4.1");
        }
        other => panic!("{other:?}"),
    }
    match &events[5] {
        FeedEvent::Merge {
            survivor, subsumed, ..
        } => {
            assert_eq!(survivor[0].value, "K7654321");
            assert_eq!(subsumed[0].value, "K1234567");
        }
        other => panic!("{other:?}"),
    }
    drop(rx);
}

#[test]
fn listener_stops_when_the_event_receiver_is_gone() {
    // With nobody to hand events to, the listener stops accepting (it could never AA).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let l = MllpListener::bind("127.0.0.1:0", ListenerConfig::default())
            .await
            .unwrap();
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(rx);
        // run returns at once because nobody listens for events.
        tokio::time::timeout(std::time::Duration::from_secs(2), l.run(tx))
            .await
            .unwrap()
            .unwrap();
    });
}

/// One MLLP exchange on a fresh connection: the ACK text, and how long it took.
async fn exchange(port: u16, msg: &str) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = std::time::Instant::now();
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut framed = vec![0x0b];
    framed.extend_from_slice(msg.as_bytes());
    framed.extend_from_slice(&[0x1c, 0x0d]);
    s.write_all(&framed).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(2).any(|w| w == [0x1c, 0x0d]) {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "listener closed without an ACK");
        buf.extend_from_slice(&chunk[..n]);
    }
    (
        String::from_utf8_lossy(&buf).into_owned(),
        started.elapsed(),
    )
}

fn a01(control_id: &str) -> String {
    format!(
        "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20261125120000||ADT^A01^ADT_A01|{control_id}|P|2.5\r\
         EVN|A01\rPID|||K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\rPV1||I\r"
    )
}

#[test]
fn aa_only_after_the_application_accepts_and_ae_when_it_does_not() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let cfg = ListenerConfig {
            apply_timeout: std::time::Duration::from_millis(600),
            ..ListenerConfig::default()
        };
        let l = MllpListener::bind("127.0.0.1:0", cfg).await.unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        tokio::spawn(l.run(tx));
        // The application decides by control id: slow accept, refuse, drop, never answer.
        tokio::spawn(async move {
            let mut parked = Vec::new();
            while let Some(d) = deliveries.recv().await {
                assert_eq!(d.source().application, "PAS");
                assert_eq!(d.source().facility, "RXX");
                match d.event().control_id() {
                    "SLOW" => {
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                        d.accept();
                    }
                    "REFUSE" => d.refuse(bedside_pix::feed::FeedError::NotStored),
                    "REUSED" => d.refuse(bedside_pix::feed::FeedError::ControlIdReused {
                        control_id: "REUSED".into(),
                    }),
                    "DROP" => drop(d),
                    _ => parked.push(d), // never answered
                }
            }
        });

        // AA, and not before the application accepted.
        let (ack, took) = exchange(port, &a01("SLOW")).await;
        assert!(ack.contains("\rMSA|AA|SLOW"), "{ack}");
        assert!(took >= std::time::Duration::from_millis(300), "{took:?}");

        // A store that refused: AE with ERR 207, so the sender sends it again.
        let (ack, _) = exchange(port, &a01("REFUSE")).await;
        assert!(ack.contains("\rMSA|AE|REFUSE"), "{ack}");
        assert!(
            ack.contains("207^Application internal error^HL70357"),
            "{ack}"
        );

        // A control id reused for another message: AE with ERR 205 at MSH-10.
        let (ack, _) = exchange(port, &a01("REUSED")).await;
        assert!(ack.contains("\rMSA|AE|REUSED"), "{ack}");
        assert!(
            ack.contains("ERR||MSH^1^10|205^Duplicate key identifier^HL70357|E"),
            "{ack}"
        );

        // Dropped unanswered: AE, never AA.
        let (ack, _) = exchange(port, &a01("DROP")).await;
        assert!(ack.contains("\rMSA|AE|DROP"), "{ack}");

        // Never answered: AE once the apply timeout has passed.
        let (ack, took) = exchange(port, &a01("STALL")).await;
        assert!(ack.contains("\rMSA|AE|STALL"), "{ack}");
        assert!(took >= std::time::Duration::from_millis(600), "{took:?}");
    });
}

/// The ER7 payload of a framed ACK (between VT and FS CR).
fn ack_payload(framed: &str) -> &[u8] {
    let bytes = framed.as_bytes();
    let start = bytes.iter().position(|&b| b == 0x0b).map_or(0, |p| p + 1);
    let end = bytes
        .windows(2)
        .position(|w| w == [0x1c, 0x0d])
        .unwrap_or(bytes.len());
    &bytes[start..end]
}

fn rde(control_id: &str) -> String {
    format!(
        "MSH|^~\\&|EPMA|RXX|BEDSIDE|BEDSIDE|20261125120000||RDE^O11^RDE_O11|{control_id}|P|2.5\r\
         PID|||K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\r\
         ORC|NW|P-{control_id}\r\
         RXE|^^^20261125120000|322236009^Paracetamol 500mg tablets^SCT|1||TAB\r"
    )
}

fn omp(control_id: &str) -> String {
    format!(
        "MSH|^~\\&|EPMA|RXX|BEDSIDE|BEDSIDE|20261125120000||OMP^O09^OMP_O09|{control_id}|P|2.5\r\
         PID|||K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\r\
         ORC|NW|P-{control_id}\r\
         RXO|322236009^Paracetamol 500mg tablets^SCT|1||TAB\r"
    )
}

fn order_config(apply_timeout_ms: u64) -> ListenerConfig {
    ListenerConfig {
        apply_timeout: std::time::Duration::from_millis(apply_timeout_ms),
        order_types: vec![("RDE".into(), "O11".into()), ("OMP".into(), "O09".into())],
        ..ListenerConfig::default()
    }
}

fn rt2() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn orders_are_delivered_raw_and_acknowledged_after_commit() {
    use bedside_pix::er7::Message;
    use bedside_pix::feed::FeedError;
    use bedside_pix::net::OrderDelivery;
    rt2().block_on(async {
        let l = MllpListener::bind("127.0.0.1:0", order_config(600))
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (identity, mut identity_rx) = tokio::sync::mpsc::channel::<Delivery>(8);
        let (orders, mut orders_rx) = tokio::sync::mpsc::channel::<OrderDelivery>(8);
        tokio::spawn(l.run_with_orders(identity, orders));
        // Identity deliveries still come on their own channel, with their raw message.
        let (seen_identity, mut identity_seen) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            while let Some(d) = identity_rx.recv().await {
                let _ = seen_identity
                    .send((d.event().clone(), d.raw().to_vec()))
                    .await;
                d.accept();
            }
        });
        // The order reader decides by control id.
        let (seen_order, mut order_seen) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            let mut parked = Vec::new();
            while let Some(o) = orders_rx.recv().await {
                assert_eq!(o.source().application, "EPMA");
                assert_eq!(o.source().facility, "RXX");
                let (code, trigger) = o.message_type();
                let _ = seen_order
                    .send((
                        code.to_owned(),
                        trigger.to_owned(),
                        o.control_id().to_owned(),
                        o.raw().to_vec(),
                    ))
                    .await;
                match o.control_id() {
                    "SLOW" => {
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                        o.accept();
                    }
                    "OMP1" => o.accept(),
                    "BADPRODUCT" => o.refuse(FeedError::Application {
                        code: 103,
                        location: "RXE^1^2".into(),
                        message: "Give code not in dm+d | check product^form".into(),
                    }),
                    "DROP" => drop(o),
                    _ => parked.push(o), // never answered
                }
            }
        });

        // RDE^O11: delivered as an order with its exact bytes; AA only after accept().
        let sent = rde("SLOW");
        let (ack, took) = exchange(port, &sent).await;
        assert!(ack.contains("\rMSA|AA|SLOW\r"), "{ack}");
        assert!(took >= std::time::Duration::from_millis(300), "{took:?}");
        let (code, trigger, control_id, raw) = order_seen.recv().await.unwrap();
        assert_eq!((code.as_str(), trigger.as_str()), ("RDE", "O11"));
        assert_eq!(control_id, "SLOW");
        assert_eq!(raw, sent.as_bytes());
        let parsed = Message::parse(&raw).unwrap();
        assert_eq!(
            parsed
                .segment("RXE")
                .unwrap()
                .field(2)
                .component(1)
                .as_str(),
            "322236009"
        );

        // OMP^O09 too.
        let sent = omp("OMP1");
        let (ack, _) = exchange(port, &sent).await;
        assert!(ack.contains("\rMSA|AA|OMP1\r"), "{ack}");
        let (code, trigger, _, raw) = order_seen.recv().await.unwrap();
        assert_eq!((code.as_str(), trigger.as_str()), ("OMP", "O09"));
        assert_eq!(raw, sent.as_bytes());

        // Refused by the order reader: AE with ERR-2/3/4/8 exactly.
        let (ack, _) = exchange(port, &rde("BADPRODUCT")).await;
        assert_eq!(order_seen.recv().await.unwrap().2, "BADPRODUCT");
        let msg = Message::parse(ack_payload(&ack)).unwrap();
        let msa = msg.segment("MSA").unwrap();
        assert_eq!(msa.field(1).as_str(), "AE", "{ack}");
        assert_eq!(msa.field(2).as_str(), "BADPRODUCT", "{ack}");
        let err = msg.segment("ERR").unwrap();
        assert_eq!(err.field(1).as_str(), "", "{ack}");
        assert_eq!(err.field(2).as_str(), "RXE^1^2", "{ack}");
        assert_eq!(err.field(2).component(1).as_str(), "RXE");
        assert_eq!(err.field(2).component(2).as_str(), "1");
        assert_eq!(err.field(2).component(3).as_str(), "2");
        assert_eq!(err.field(3).component(1).as_str(), "103", "{ack}");
        assert_eq!(
            err.field(3).component(2).as_str(),
            "Table value not found",
            "{ack}"
        );
        assert_eq!(err.field(3).component(3).as_str(), "HL70357", "{ack}");
        assert_eq!(err.field(4).as_str(), "E", "{ack}");
        for unused in 5..=7 {
            assert!(err.field(unused).is_empty(), "ERR-{unused}: {ack}");
        }
        // ERR-8 travels escaped and reads back as the application wrote it.
        assert_eq!(
            err.field(8).as_str(),
            "Give code not in dm+d \\F\\ check product\\S\\form",
            "{ack}"
        );
        assert_eq!(
            err.field(8).text().unwrap(),
            "Give code not in dm+d | check product^form"
        );
        assert_eq!(err.field_count(), 8, "{ack}");

        // Dropped unanswered: AE (not delivered), never AA.
        let (ack, _) = exchange(port, &rde("DROP")).await;
        assert_eq!(order_seen.recv().await.unwrap().2, "DROP");
        assert!(ack.contains("\rMSA|AE|DROP\r"), "{ack}");
        assert!(
            ack.contains("207^Application internal error^HL70357"),
            "{ack}"
        );

        // Never answered: AE once the apply timeout has passed.
        let (ack, took) = exchange(port, &rde("STALL")).await;
        assert!(ack.contains("\rMSA|AE|STALL\r"), "{ack}");
        assert!(
            ack.contains("207^Application internal error^HL70357"),
            "{ack}"
        );
        assert!(took >= std::time::Duration::from_millis(600), "{took:?}");
        assert_eq!(order_seen.recv().await.unwrap().2, "STALL");

        // An ADT still goes to the identity channel, with its raw message (AL1 included).
        let sent = format!("{}AL1|1|DA|^Penicillin^L|SV\r", a01("ADT-WITH-ORDERS"));
        let (ack, _) = exchange(port, &sent).await;
        assert!(ack.contains("\rMSA|AA|ADT-WITH-ORDERS\r"), "{ack}");
        let (event, raw) = identity_seen.recv().await.unwrap();
        assert_eq!(event.control_id(), "ADT-WITH-ORDERS");
        assert!(matches!(
            event,
            FeedEvent::Link {
                trigger: Trigger::A01,
                ..
            }
        ));
        assert_eq!(raw, sent.as_bytes());
        let parsed = Message::parse(&raw).unwrap();
        let al1 = parsed.segments_by_id("AL1").next().unwrap();
        assert_eq!(al1.field(3).component(2).text().unwrap(), "Penicillin");
        assert!(order_seen.try_recv().is_err(), "an ADT reached the orders");
    });
}

#[test]
fn identity_delivery_carries_its_raw_message() {
    rt2().block_on(async {
        let l = MllpListener::bind("127.0.0.1:0", ListenerConfig::default())
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        tokio::spawn(l.run(tx));
        let (seen, mut raws) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            while let Some(d) = deliveries.recv().await {
                let _ = seen.send(d.raw().to_vec()).await;
                d.accept();
            }
        });
        let sent = a01("RAW1");
        let (ack, _) = exchange(port, &sent).await;
        assert!(ack.contains("\rMSA|AA|RAW1\r"), "{ack}");
        assert_eq!(raws.recv().await.unwrap(), sent.as_bytes());
    });
}

/// The ACK today's listener gives an order message: AR, unsupported message type.
fn assert_refused_as_unsupported(ack: &str, control_id: &str) {
    assert!(ack.contains(&format!("\rMSA|AR|{control_id}\r")), "{ack}");
    assert!(
        ack.contains("\rERR||MSH^1^9^1^1|200^Unsupported message type^HL70357|E\r"),
        "{ack}"
    );
}

#[test]
fn orders_are_refused_as_before_unless_configured_and_received() {
    use bedside_pix::net::OrderDelivery;
    rt2().block_on(async {
        // 1. Default configuration, run(): refused as unsupported, nothing delivered.
        let l = MllpListener::bind("127.0.0.1:0", ListenerConfig::default())
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        tokio::spawn(l.run(tx));
        let (ack, _) = exchange(port, &rde("PLAIN")).await;
        assert_refused_as_unsupported(&ack, "PLAIN");
        assert!(deliveries.try_recv().is_err());

        // 2. Order types configured but run() (no order receiver): still refused.
        let l = MllpListener::bind("127.0.0.1:0", order_config(600))
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        tokio::spawn(l.run(tx));
        let (ack, _) = exchange(port, &rde("NORECEIVER")).await;
        assert_refused_as_unsupported(&ack, "NORECEIVER");
        assert!(deliveries.try_recv().is_err());

        // 3. run_with_orders without order types: refused, and nothing reaches either channel.
        let l = MllpListener::bind("127.0.0.1:0", ListenerConfig::default())
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(8);
        let (otx, mut orders) = tokio::sync::mpsc::channel::<OrderDelivery>(8);
        tokio::spawn(l.run_with_orders(tx, otx));
        let (ack, _) = exchange(port, &rde("NOTYPES")).await;
        assert_refused_as_unsupported(&ack, "NOTYPES");
        // A configured type does not let other order types through.
        let l = MllpListener::bind(
            "127.0.0.1:0",
            ListenerConfig {
                order_types: vec![("RDE".into(), "O11".into())],
                ..ListenerConfig::default()
            },
        )
        .await
        .unwrap();
        let port2 = l.local_addr().unwrap().port();
        let (tx2, mut deliveries2) = tokio::sync::mpsc::channel::<Delivery>(8);
        let (otx2, mut orders2) = tokio::sync::mpsc::channel::<OrderDelivery>(8);
        tokio::spawn(l.run_with_orders(tx2, otx2));
        let (ack, _) = exchange(port2, &omp("OMPNOTSET")).await;
        assert_refused_as_unsupported(&ack, "OMPNOTSET");
        assert!(deliveries.try_recv().is_err());
        assert!(orders.try_recv().is_err());
        assert!(deliveries2.try_recv().is_err());
        assert!(orders2.try_recv().is_err());
    });
}

#[test]
fn run_with_orders_stops_only_when_both_receivers_are_gone() {
    use bedside_pix::net::OrderDelivery;
    rt2().block_on(async {
        let l = MllpListener::bind("127.0.0.1:0", order_config(600))
            .await
            .unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::mpsc::channel::<Delivery>(1);
        let (otx, orx) = tokio::sync::mpsc::channel::<OrderDelivery>(1);
        let running = tokio::spawn(l.run_with_orders(tx, otx));
        drop(orx);
        // Orders have nobody to receive them: AE (not delivered), the listener still serves.
        let (ack, _) = exchange(port, &rde("GONE")).await;
        assert!(ack.contains("\rMSA|AE|GONE\r"), "{ack}");
        assert!(!running.is_finished());
        drop(rx);
        tokio::time::timeout(std::time::Duration::from_secs(2), running)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    });
}

#[test]
fn application_error_in_a_v23_ack_goes_in_err1() {
    use bedside_pix::er7::Message;
    use bedside_pix::feed::{AckCode, AckSender, FeedError, build_ack};
    let rde23 = rde("OLD").replace("|P|2.5\r", "|P|2.3.1\r");
    let original = Message::parse(rde23.as_bytes()).unwrap();
    let e = FeedError::Application {
        code: 204,
        location: "PID^1^3".into(),
        message: "patient not known here".into(),
    };
    let ack = build_ack(
        Some(&original),
        e.ack_code(),
        Some(&e),
        &AckSender::default(),
        "A1",
        "20261125120001",
    );
    assert_eq!(e.ack_code(), AckCode::Error);
    let text = String::from_utf8(ack).unwrap();
    assert!(text.contains("\rMSA|AE|OLD\r"), "{text}");
    // ELD has no user message: seg^seq^field^code&text&table only.
    assert!(
        text.ends_with("\rERR|PID^1^3^204&Unknown key identifier&HL70357\r"),
        "{text}"
    );
}
