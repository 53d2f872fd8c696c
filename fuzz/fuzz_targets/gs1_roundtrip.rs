//! Structure-aware round-trip fuzzing: builds a GS1 message from the input
//! using AIs from the embedded dictionary (so most inputs get past AI lookup
//! and, with check digits repaired, past the check-digit tests), then feeds it
//! through `Parser::bracketed` or `Parser::element_string`.
//!
//! Input layout, repeated: two bytes choosing the AI (index into the
//! dictionary's AIs), then value bytes (7-bit) up to a 0xFF byte or the end.
//! A 0xFE byte instead of an AI choice starts the composite component (`|`).
//! The first byte's low bit picks bracketed (0) or element-string (1) input.
//! A fixed-length first component tested with `csum` gets its check digit
//! fixed.
//!
//! Asserts: no panic; an error's offset is within the built input; a message
//! that parses survives every rendering round trip (bracketed, unbracketed,
//! element string, DataMatrix scan data, Digital Link; see
//! `bedside_fuzz::check_roundtrips`).
#![no_main]

use std::sync::OnceLock;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::lint::gs1_check_digit;
use bedside_gs1::{Ai, GS, Linter, Parser};
use libfuzzer_sys::fuzz_target;

fn ais() -> &'static [Ai] {
    static AIS: OnceLock<Vec<Ai>> = OnceLock::new();
    AIS.get_or_init(|| Dictionary::embedded().ais().collect())
}

/// Repairs the check digit of a fixed-length `csum` first component.
fn fix_check_digit(ai: Ai, value: &mut [u8]) {
    let Some(entry) = Dictionary::embedded().entry(ai) else { return };
    let Some(c) = entry.components().first() else { return };
    if c.min() != c.max() || !c.linters().contains(&Linter::Csum) {
        return;
    }
    let n = c.max();
    if value.len() < n || !value[..n].iter().all(u8::is_ascii_digit) {
        return;
    }
    if let Some(d) = gs1_check_digit(&value[..n]) {
        value[n - 1] = d;
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else { return };
    let element_string = mode & 1 == 1;
    let mut elements: Vec<(Option<Ai>, Vec<u8>)> = Vec::new();
    while !rest.is_empty() {
        if rest[0] == 0xFE {
            elements.push((None, Vec::new()));
            rest = &rest[1..];
            continue;
        }
        let [a, b, tail @ ..] = rest else { break };
        let ai = ais()[usize::from(u16::from_le_bytes([*a, *b])) % ais().len()];
        let end = tail.iter().position(|&c| c == 0xFF).unwrap_or(tail.len());
        let mut value: Vec<u8> = tail[..end].iter().map(|&c| c & 0x7F).collect();
        fix_check_digit(ai, &mut value);
        elements.push((Some(ai), value));
        rest = tail.get(end + 1..).unwrap_or_default();
    }

    let p = Parser::default();
    if element_string {
        // An element string has no composite marker: stop at the first one.
        let mut input = Vec::new();
        for (ai, value) in elements.iter().map_while(|(ai, v)| ai.map(|ai| (ai, v))) {
            if !input.is_empty() {
                input.push(GS);
            }
            input.extend_from_slice(ai.as_bytes());
            input.extend_from_slice(value);
        }
        match p.element_string(&input) {
            Ok(m) => bedside_fuzz::check_roundtrips(&m, "roundtrip/element_string"),
            Err(e) => bedside_fuzz::check_error(&e, &input, "roundtrip/element_string"),
        }
    } else {
        let mut input = String::new();
        for (ai, value) in &elements {
            let Some(ai) = ai else {
                input.push('|');
                continue;
            };
            input.push('(');
            input.push_str(ai.as_str());
            input.push(')');
            for &c in value {
                if c == b'(' {
                    input.push('\\');
                }
                input.push(char::from(c));
            }
        }
        match p.bracketed(&input) {
            Ok(m) => bedside_fuzz::check_roundtrips(&m, "roundtrip/bracketed"),
            Err(e) => bedside_fuzz::check_error(&e, input.as_bytes(), "roundtrip/bracketed"),
        }
    }
});
