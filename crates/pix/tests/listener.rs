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
