//! Fuzzes `Dictionary::parse` on arbitrary text in the GS1 Barcode Syntax
//! Dictionary format, then parses data with the dictionary it built.
//!
//! Input layout: dictionary text, optionally a NUL byte and data to parse
//! with that dictionary (`Parser::parse`); if there is no NUL, a few fixed
//! NHS samples are parsed instead.
//!
//! Asserts: no panic (loading, lookups, parsing and rendering with a
//! hospital-supplied dictionary must never crash the service); a load error's
//! line number is within the text; a parse error's offset is within the data.
#![no_main]

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Options, Parser};
use libfuzzer_sys::fuzz_target;

const SAMPLES: &[&[u8]] = &[
    b"]d28018952000099900012352\x1d80191",
    b"]d2010950600013435217270131 10BATCH42\x1d21SER",
    b"(414)5012345000010(254)WARD7",
    b"https://id.gs1.org/01/09506000134352/10/AB1?17=261231",
    b"^80179520000000000016",
];

fuzz_target!(|data: &[u8]| {
    let (text, scan) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let dict = match Dictionary::parse(text) {
        Ok(d) => d,
        Err(e) => {
            assert!(
                e.line <= text.lines().count(),
                "dictionary error on line {} of a {}-line text: {e:?}",
                e.line,
                text.lines().count()
            );
            let _ = e.to_string();
            return;
        }
    };
    assert!(dict.ai_count() > 0, "an empty dictionary was accepted");
    for ai in dict.ais() {
        let e = dict.entry(ai);
        assert!(e.is_some(), "({ai}) listed but has no entry");
        let _ = dict.is_dl_primary_key(ai);
        let _ = dict.lookup_prefix(ai.as_bytes());
    }
    for opts in [
        Options::default(),
        Options {
            validate_requisites: false,
            permit_zero_suppressed_gtin_in_dl: true,
            ..Options::default()
        },
    ] {
        let p = Parser::new(&dict, opts);
        let inputs: Vec<&[u8]> = match scan {
            Some(s) => vec![s],
            None => SAMPLES.to_vec(),
        };
        for input in inputs {
            match p.parse(input) {
                Err(e) => bedside_fuzz::check_error(&e, input, "custom dictionary parse"),
                Ok(s) => {
                    if let Some(m) = s.message() {
                        let _ = m.to_bracketed();
                        let _ = m.to_unbracketed();
                        let _ = m.to_element_string();
                        let _ = m.hri(Some(&dict));
                        let _ = m.to_digital_link(&dict, None);
                    }
                }
            }
        }
    }
});
