//! Property tests: ER7 encode → parse → decode is the identity, whatever the text holds
//! (delimiters, the escape character, control characters, non-ASCII); the parser, the
//! MLLP decoder and the PIXm JSON parser never panic on arbitrary bytes.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::er7::{Message, OwnedField, OwnedMessage, OwnedSegment, Separators};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        "[|^~\\\\&a\\r\\n\\t\\x01é€]{0,8}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

fn field() -> impl Strategy<Value = OwnedField> {
    prop::collection::vec(
        prop::collection::vec(prop::collection::vec(text(), 1..3), 1..4),
        1..3,
    )
    .prop_map(|repetitions| OwnedField { repetitions })
}

fn segment() -> impl Strategy<Value = OwnedSegment> {
    ("Z[A-Z0-9]{2}", prop::collection::vec(field(), 0..5))
        .prop_map(|(id, fields)| OwnedSegment { id, fields })
}

fn seps() -> impl Strategy<Value = Separators> {
    prop_oneof![
        Just(Separators::default()),
        Just(Separators {
            field: b'#',
            component: b':',
            repetition: b'*',
            escape: b'!',
            subcomponent: b'$',
            truncation: None,
        }),
        Just(Separators {
            truncation: Some(b'#'),
            ..Separators::default()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn round_trip(segs in prop::collection::vec(segment(), 0..4), seps in seps(), app in text()) {
        let msh = OwnedSegment::new("MSH")
            .with(3, OwnedField::text(&app))
            .with(9, OwnedField::components(&["ADT", "A31", "ADT_A05"]))
            .with(10, OwnedField::text("1"))
            .with(12, OwnedField::text("2.5"))
            .with(18, OwnedField::text("UNICODE UTF-8"));
        let mut segments = vec![msh];
        segments.extend(segs);
        let msg = OwnedMessage { segments };
        let bytes = msg.encode(&seps);
        let parsed = Message::parse(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.separators(), seps);
        let back = parsed.to_owned_message().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.segments.len(), msg.segments.len());
        // MSH-1/MSH-2 come from the separators; compare from MSH-3 on.
        prop_assert_eq!(&back.segments[0].fields[2..], &msg.segments[0].fields[2..]);
        prop_assert_eq!(&back.segments[1..], &msg.segments[1..]);
        // The encoding never contains raw CR/LF inside segments, nor MLLP bytes.
        prop_assert!(!bytes.contains(&0x0B) && !bytes.contains(&0x1C));
    }

    #[test]
    fn parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(m) = Message::parse(&bytes) {
            let _ = m.to_owned_message();
            let _ = bedside_pix::feed::interpret_feed(&m);
        }
        let mut with_msh = b"MSH|^~\\&|".to_vec();
        with_msh.extend_from_slice(&bytes);
        if let Ok(m) = Message::parse(&with_msh) {
            let _ = m.to_owned_message();
        }
    }

    #[test]
    fn mllp_decoder_never_panics(chunks in prop::collection::vec(prop::collection::vec(prop_oneof![Just(0x0Bu8), Just(0x1C), Just(0x0D), any::<u8>()], 0..40), 0..8), cap in 0usize..64) {
        let mut d = bedside_pix::mllp::Decoder::new(cap);
        for c in &chunks {
            d.push(c);
            let mut guard = 0;
            while let Some(f) = d.pop() {
                if let Ok(f) = f { prop_assert!(f.len() <= cap); }
                guard += 1;
                prop_assert!(guard < 10_000);
            }
        }
        let _ = d.finish();
    }

    #[test]
    fn mllp_round_trip(payloads in prop::collection::vec(prop::collection::vec(any::<u8>().prop_filter("no framing bytes", |b| *b != 0x0B && *b != 0x1C), 0..64), 1..5), split in 1usize..16) {
        let mut wire = Vec::new();
        for p in &payloads {
            wire.extend(bedside_pix::mllp::encode(p).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        let mut d = bedside_pix::mllp::Decoder::new(1024);
        let mut got = Vec::new();
        for c in wire.chunks(split) {
            d.push(c);
            while let Some(f) = d.pop() { got.push(f); }
        }
        let want: Vec<_> = payloads.into_iter().map(Ok).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn pixm_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..128), s in "\\PC{0,64}") {
        let _ = bedside_pix::pixm::parse_response(&bytes);
        let _ = bedside_pix::pixm::parse_response(s.as_bytes());
        let wrapped = format!(r#"{{"resourceType":"Parameters","parameter":[{{"name":"targetIdentifier","valueIdentifier":{s}}}]}}"#);
        let _ = bedside_pix::pixm::parse_response(wrapped.as_bytes());
    }
}

#[test]
fn worked_example_escapes() -> Result<(), bedside_pix::er7::Er7Error> {
    let m = Message::parse(b"MSH|^~\\&|A\rNTE|1||O\\S\\BRIEN \\T\\ SONS\\R\\x\\E\\\\X0A\\\r")?;
    let nte = m
        .segments_by_id("NTE")
        .next()
        .ok_or(bedside_pix::er7::Er7Error::Empty)?;
    assert_eq!(nte.field(3).text()?, "O^BRIEN & SONS~x\\\n");
    Ok(())
}
