//! Agreement with the GS1 Barcode Syntax Engine (the reference implementation).
//!
//! `tests/vectors/engine-verdicts.jsonl` holds our own generated inputs with the
//! engine's verdicts, error classes and outputs (see `tests/vectors/README.md`
//! for how it was produced). Every input must get the same verdict and class
//! from us, and for valid inputs the same canonical AI string, HRI and Digital
//! Link URI. Deliberate deviations are listed in `DEVIATIONS` with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Message, Options, Parser};
use serde_json::Value;

/// Inputs where we knowingly differ from the engine, with the reason.
const DEVIATIONS: &[(&str, &str)] = &[
    (
        "0109520000120610",
        "the engine's setDataStr takes data without a leading ^ as plain (non-GS1) data; \
         Parser::unbracketed is only for the ^ form, so plain data there is a SYNTAX error",
    ),
    (
        "ftp://id.gs1.org/01/09520000479589",
        "the engine treats a non-http(s) string as plain data; Parser::digital_link only takes URIs",
    ),
    (
        "https://id.gs1.org/01/09520000479589/10/AB%2",
        "the engine keeps a malformed %-sequence as data; RFC 3986 section 2.1 allows % only \
         as %HH and a Digital Link URI is an RFC 3986 URI, so we refuse it (DL_SYNTAX)",
    ),
    (
        "https://id.gs1.org/01/09520000479589/10/AB%ZZ",
        "as above: %ZZ is not a percent-encoded octet",
    ),
    (
        "Https://id.gs1.org/01/09520000479589",
        "as above: mixed-case schemes are not GS1 Digital Link URIs for the engine or for us",
    ),
];

fn verdict_of(
    p: &Parser<'_>,
    mode: &str,
    input: &str,
) -> (String, Option<String>, Option<Message<'static>>) {
    let result = match mode {
        "scan" => p.scan(input.as_bytes()).map(|s| match &s.content {
            // Plain data, and EAN/UPC primary data without a composite, carry no AIs.
            Content::Plain(_)
            | Content::Primary {
                composite: None, ..
            } => None,
            _ => s.into_owned().into_message(),
        }),
        "bracketed" => p.bracketed(input).map(|m| Some(m.into_owned())),
        "unbracketed" => p.unbracketed(input).map(|m| Some(m.into_owned())),
        "dl" => p.digital_link(input).map(|m| Some(m.into_owned())),
        other => panic!("unknown mode {other}"),
    };
    match result {
        Ok(Some(m)) => ("valid".into(), None, Some(m)),
        Ok(None) => ("non-gs1".into(), None, None),
        Err(e) => ("invalid".into(), Some(e.class().as_str().to_string()), None),
    }
}

#[test]
fn verdicts_and_classes_agree_with_the_engine() {
    let text = include_str!("vectors/engine-verdicts.jsonl");
    // The engine reads CR/LF as data; our default strips them (keyboard-wedge
    // scanners append them), so compare with stripping off.
    let dict = Dictionary::embedded();
    let p = Parser::new(
        dict,
        Options {
            strip_line_endings: false,
            ..Options::default()
        },
    );
    let mut total = 0;
    let mut mismatches = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let mode = v["mode"].as_str().unwrap();
        let input = v["input"].as_str().unwrap();
        let want = v["verdict"].as_str().unwrap();
        let want_class = v["class"].as_str().map(String::from);
        total += 1;
        if DEVIATIONS.iter().any(|(i, _)| *i == input) {
            continue;
        }
        let (got, got_class, msg) = verdict_of(&p, mode, input);
        if got != want || (want == "invalid" && got_class != want_class) {
            mismatches.push(format!(
                "{mode} {input:?}: engine {want} {want_class:?} ({}), we {got} {got_class:?}",
                v["engine_error"].as_str().unwrap_or("")
            ));
            continue;
        }
        if let (Some(m), Some(ai_string)) = (msg, v["ai_string"].as_str()) {
            if ai_string.is_empty() {
                continue;
            }
            if m.to_bracketed() != ai_string {
                mismatches.push(format!(
                    "{mode} {input:?}: ai_string engine {ai_string}, we {}",
                    m.to_bracketed()
                ));
            }
            let hri: Vec<String> = v["hri"].as_array().map_or_else(Vec::new, |a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            });
            if !hri.is_empty() && m.hri(None) != hri {
                mismatches.push(format!(
                    "{mode} {input:?}: HRI engine {hri:?}, we {:?}",
                    m.hri(None)
                ));
            }
            if let Some(dl) = v["dl"].as_str().filter(|d| !d.is_empty()) {
                match m.to_digital_link(dict, None) {
                    Ok(ours) if ours == dl => {}
                    other => {
                        mismatches.push(format!("{mode} {input:?}: DL engine {dl}, we {other:?}"))
                    }
                }
            }
        }
    }
    assert!(total > 3000, "vector file too small: {total}");
    assert!(
        mismatches.is_empty(),
        "{} of {total} vectors disagree with the engine:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
