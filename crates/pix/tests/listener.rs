//! ITI-8 / ITI-10 listener over real loopback sockets, driven by an independent Python
//! source (`tests/peers/feed_source.py`) that validates every ACK with hl7apy.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::feed::{FeedEvent, Trigger};
use bedside_pix::net::{ListenerConfig, MllpListener};
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
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        tokio::spawn(l.run(tx));
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
