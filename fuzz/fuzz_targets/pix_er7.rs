//! Fuzzes the HL7 v2 ER7 parser of `bedside-pix` and everything that reads a
//! parsed message: `er7::Message::parse`, every field / repetition /
//! component / subcomponent accessor and `Value::text` (escape decoding and
//! MSH-18 character sets), `to_owned_message`, the ITI-8/ITI-10 feed
//! interpreter and its PID demographics reader, and the ITI-9 RSP^K23 interpreter.
//!
//! Asserts: no panic; a decoded message re-encoded with its own separators
//! (`OwnedMessage::encode`, which keeps a v2.7 truncation character and writes
//! ISO 8859-1 when MSH-18 says so) parses and decodes back to the same
//! `OwnedMessage`, whatever its character set.
#![no_main]

use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::er7::Message;
use bedside_pix::{feed, iti9};
use libfuzzer_sys::fuzz_target;

fn walk(msg: &Message<'_>) {
    let _ = msg.message_type();
    let _ = msg.control_id();
    let _ = msg.version();
    let _ = msg.charset();
    let _ = msg.separators().encoding_characters();
    for seg in msg.segments() {
        let _ = (seg.id(), seg.offset());
        for n in 0..=seg.field_count() + 1 {
            let f = seg.field(n);
            for rep in f.repetitions() {
                for comp in rep.components() {
                    for sub in comp.subcomponents() {
                        let _ = (sub.as_str(), sub.offset(), sub.is_empty());
                        let _ = sub.text();
                    }
                }
            }
            let _ = f.repetition(1).component(1).subcomponent(1).text();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    walk(&msg);
    let _ = feed::interpret_feed(&msg);
    let _ = feed::pid_demographics(&msg);
    // The query and ids of the RSP^K23 seed, so that seed reaches `Found`.
    if let Ok(domain) = Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO") {
        let q = PixQuery::nhs_number_for("K1234567", domain);
        let ids = iti9::ControlIds {
            message_control_id: "PPID-000123".into(),
            query_tag: "Q-000123".into(),
        };
        let _ = iti9::interpret_response(data, &ids, &q);
    }
    if let Ok(owned) = msg.to_owned_message() {
        let seps = msg.separators();
        let wire = owned.encode(&seps);
        let back = Message::parse(&wire).unwrap_or_else(|e| {
            panic!("re-encoded message does not parse: {e}\n  input: {data:?}\n  wire:  {wire:?}")
        });
        let again = back.to_owned_message().unwrap_or_else(|e| {
            panic!("re-encoded message does not decode: {e}\n  input: {data:?}\n  wire:  {wire:?}")
        });
        assert_eq!(
            again, owned,
            "ER7 round trip changed the message\n  input: {data:?}\n  wire:  {wire:?}"
        );
    }
});
