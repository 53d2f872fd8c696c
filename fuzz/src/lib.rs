//! Shared checks for the Bedside fuzz targets in `fuzz_targets/`.
//!
//! Every target feeds arbitrary bytes to one parser. The parsers promise never
//! to panic, so a panic anywhere is a bug; on top of that these helpers assert
//! the properties each target documents:
//!
//! - an error's byte offset, and the span it marks, lie within the input it
//!   describes ([`check_error`]);
//! - a message that parsed renders to every form and each rendering parses
//!   back to an equal message ([`check_roundtrips`]).
//!
//! A failed assertion panics, which libFuzzer reports as a crash and saves as
//! an artifact under `fuzz/artifacts/<target>/`.

use std::collections::BTreeSet;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Error, ErrorKind, MAX_INPUT, Message, Parser, Scan, Symbology};

/// Checks an error against the input it was reported for: the offset must not
/// lie beyond the end of the input, nor may the bytes it marks
/// (`offset + len`). Also renders it every way a caller would (message,
/// markup, marked input), which must not panic.
pub fn check_error(err: &Error, input: &[u8], what: &str) {
    assert!(
        err.offset <= input.len(),
        "{what}: error offset {} beyond input length {} ({err:?})",
        err.offset,
        input.len()
    );
    assert!(
        err.offset.saturating_add(err.len) <= input.len(),
        "{what}: error marks bytes {}..{} of a {}-byte input ({err:?})",
        err.offset,
        err.offset.saturating_add(err.len),
        input.len()
    );
    let _ = err.to_string();
    let _ = err.class();
    let _ = err.markup();
    let _ = err.mark_input(input);
}

/// Checks the result of a scan-style parse (`Parser::scan`, `Parser::parse`):
/// errors via [`check_error`], any message via [`check_roundtrips`].
pub fn check_scan_result(res: &Result<Scan<'_>, Error>, input: &[u8], what: &str) {
    match res {
        Err(e) => check_error(e, input, what),
        Ok(scan) => {
            let _ = scan.is_gs1();
            if let Content::Primary { digits, .. } = &scan.content {
                assert!(
                    matches!(digits.len(), 8 | 13) && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{what}: EAN/UPC primary data is not 8 or 13 digits: {digits:?}"
                );
            }
            if let Some(m) = scan.message() {
                check_roundtrips(m, what);
            }
            let _ = scan.clone().into_owned();
        }
    }
}

/// The elements of a message as (AI, value) pairs, in order.
fn pairs(m: &Message<'_>) -> Vec<(String, String)> {
    m.iter().map(|e| (e.ai().to_string(), e.value().to_string())).collect()
}

/// The elements of a message as a set: Digital Link reorders the AIs (path
/// qualifiers in dictionary order, fixed-length attributes first) and writes a
/// repeated AI once, so only the set of elements survives a trip through a URI.
fn element_set(m: &Message<'_>) -> BTreeSet<(String, String)> {
    pairs(m).into_iter().collect()
}

/// Whether a rendering was refused only because it is longer than the parsers
/// accept ([`MAX_INPUT`]); rendering adds brackets, separators and percent
/// escapes, so a long valid message may not fit once rendered.
fn too_long(err: &Error, rendered_len: usize) -> bool {
    matches!(err.kind, ErrorKind::InputTooLong { .. }) && rendered_len + 3 > MAX_INPUT
}

/// Renders `m` to every form and asserts each parses back to an equal message:
///
/// - bracketed → [`Parser::bracketed`], equal (same elements, order, composite split);
/// - unbracketed → [`Parser::unbracketed`], equal;
/// - element string → [`Parser::element_string`], equal (not for composite
///   messages: an element string has no way to mark the composite split);
/// - DataMatrix scan data (`]d2…`) → [`Parser::scan`], a GS1 message, equal
///   (`to_scan_data` gives `None` for composites);
/// - Digital Link URI, when `to_digital_link` succeeds → [`Parser::digital_link`],
///   equal as a *set* of elements.
///
/// Renderings longer than the parsers' input limit may be refused with
/// `InputTooLong`; nothing else may fail.
pub fn check_roundtrips(m: &Message<'_>, what: &str) {
    let p = Parser::default();
    let dict = Dictionary::embedded();
    let orig = pairs(m);
    assert!(!m.is_empty(), "{what}: a parsed message has no elements");
    let _ = m.hri(None);
    let _ = m.hri(Some(dict));
    let _ = m.ignored_dl_params().count();

    let b = m.to_bracketed();
    match p.bracketed(&b) {
        Ok(back) => assert!(
            back == *m,
            "{what}: bracketed round trip changed the message\n  rendered: {b:?}\n  before: {orig:?}\n  after:  {:?}",
            pairs(&back)
        ),
        Err(e) => assert!(
            too_long(&e, b.len()),
            "{what}: bracketed rendering does not parse\n  rendered: {b:?}\n  before: {orig:?}\n  error: {e:?}"
        ),
    }

    let u = m.to_unbracketed();
    match p.unbracketed(&u) {
        Ok(back) => assert!(
            back == *m,
            "{what}: unbracketed round trip changed the message\n  rendered: {u:?}\n  before: {orig:?}\n  after:  {:?}",
            pairs(&back)
        ),
        Err(e) => assert!(
            too_long(&e, u.len()),
            "{what}: unbracketed rendering does not parse\n  rendered: {u:?}\n  before: {orig:?}\n  error: {e:?}"
        ),
    }

    if m.composite_index().is_none() {
        let es = m.to_element_string();
        match p.element_string(&es) {
            Ok(back) => assert!(
                back == *m,
                "{what}: element string round trip changed the message\n  rendered: {:?}\n  before: {orig:?}\n  after:  {:?}",
                String::from_utf8_lossy(&es),
                pairs(&back)
            ),
            Err(e) => assert!(
                too_long(&e, es.len()),
                "{what}: element string rendering does not parse\n  rendered: {:?}\n  before: {orig:?}\n  error: {e:?}",
                String::from_utf8_lossy(&es)
            ),
        }

        let sd = m.to_scan_data(Symbology::DataMatrix);
        assert!(sd.is_some(), "{what}: no DataMatrix scan data for a non-composite message");
        if let Some(sd) = sd {
            match p.scan(&sd) {
                Ok(scan) => {
                    assert!(scan.is_gs1(), "{what}: DataMatrix scan data did not read back as GS1 data");
                    let back = scan.message();
                    assert!(
                        back == Some(m),
                        "{what}: scan data round trip changed the message\n  rendered: {:?}\n  before: {orig:?}\n  after:  {:?}",
                        String::from_utf8_lossy(&sd),
                        back.map(pairs)
                    );
                }
                Err(e) => assert!(
                    too_long(&e, sd.len()),
                    "{what}: scan data rendering does not parse\n  rendered: {:?}\n  before: {orig:?}\n  error: {e:?}",
                    String::from_utf8_lossy(&sd)
                ),
            }
        }
    }

    if let Ok(uri) = m.to_digital_link(dict, None) {
        match p.digital_link(&uri) {
            Ok(back) => {
                let (a, z) = (element_set(m), element_set(&back));
                assert!(
                    a == z,
                    "{what}: Digital Link round trip changed the elements\n  rendered: {uri:?}\n  before: {a:?}\n  after:  {z:?}"
                );
                // A URI parsed back renders to the same URI (the path is kept).
                if let Ok(again) = back.to_digital_link(dict, None) {
                    assert!(
                        again == uri,
                        "{what}: Digital Link not stable\n  first:  {uri:?}\n  second: {again:?}"
                    );
                }
            }
            Err(e) => assert!(
                too_long(&e, uri.len()),
                "{what}: Digital Link rendering does not parse\n  rendered: {uri:?}\n  before: {orig:?}\n  error: {e:?}"
            ),
        }
    }

    let owned = m.clone().into_owned();
    assert!(owned == *m, "{what}: into_owned changed the message");
}
