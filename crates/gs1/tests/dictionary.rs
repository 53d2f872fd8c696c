//! Proves the embedded AI table equal to the published GS1 Barcode Syntax
//! Dictionary (`../shared/gs1/gs1-syntax-dictionary.txt`): every AI, component,
//! linter, rule, flag, DL key and title.
//!
//! The file is outside this repository. Locally the test looks for it beside the
//! checkout (or at `$GS1_SYNTAX_DICTIONARY`); when it is missing the test fails
//! rather than skips, because CI always has it and a skipped proof is no proof.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use bedside_gs1::dict::{Dictionary, EMBEDDED_RELEASE};

fn dictionary_path() -> PathBuf {
    if let Ok(p) = std::env::var("GS1_SYNTAX_DICTIONARY") {
        return PathBuf::from(p);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // crates/gs1 -> repo root -> its parent holds shared/
    manifest.join("../../../shared/gs1/gs1-syntax-dictionary.txt")
}

fn load_text() -> String {
    let path = dictionary_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the GS1 syntax dictionary is required at {} ({e}); set GS1_SYNTAX_DICTIONARY to its path",
            path.display()
        )
    })
}

#[test]
fn embedded_table_equals_published_dictionary() {
    let text = load_text();
    assert!(
        text.contains(&format!("# Release: {EMBEDDED_RELEASE}")),
        "the dictionary file is not release {EMBEDDED_RELEASE}"
    );
    let loaded = Dictionary::parse(&text).expect("the published dictionary must load");
    let embedded = Dictionary::embedded();
    assert_eq!(
        loaded.entries().len(),
        embedded.entries().len(),
        "entry count"
    );
    for (l, e) in loaded.entries().iter().zip(embedded.entries()) {
        assert_eq!(l, e, "entry for AI ({}) differs", l.first());
    }
    assert_eq!(loaded.ai_count(), 541);
    assert_eq!(embedded.ai_count(), 541);
    // Every AI resolves to the same entry through both indexes.
    for ai in loaded.ais() {
        assert_eq!(loaded.entry(ai), embedded.entry(ai), "lookup of ({ai})");
    }
}

#[test]
fn rule_counts_match_the_release_notes() {
    let d = Dictionary::embedded();
    let req: usize = d.entries().iter().map(|e| e.requisites().len()).sum();
    let ex: usize = d.entries().iter().map(|e| e.exclusions().len()).sum();
    let dl = d
        .entries()
        .iter()
        .filter(|e| e.dl_primary_key().is_some())
        .count();
    assert_eq!((d.entries().len(), req, ex, dl), (224, 198, 84, 16));
}

/// An independent reading of the text, token by token, so the loader itself is
/// checked against the raw file and not only against the table it produced.
#[test]
fn every_line_round_trips_through_the_entry_model() {
    let text = load_text();
    let d = Dictionary::embedded();
    let mut lines = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        let (spec, title) = line.split_once('#').unwrap_or((line, ""));
        let mut toks = spec.split_whitespace();
        let range = toks.next().unwrap();
        let first = range.split('-').next().unwrap();
        let e = d.entry(first.parse().unwrap()).expect("AI in table");
        assert_eq!(e.title(), title.trim(), "title of {range}");
        let rest: Vec<&str> = toks.collect();
        let flags = rest
            .first()
            .filter(|t| !t.starts_with(['N', 'X', 'Y', 'Z', '[']))
            .copied()
            .unwrap_or("");
        assert_eq!(
            e.fnc1_required(),
            !flags.contains('*'),
            "FNC1 flag of {range}"
        );
        assert_eq!(
            e.is_dl_attribute(),
            flags.contains('?'),
            "DL attribute flag of {range}"
        );
        let comps: Vec<&&str> = rest
            .iter()
            .filter(|t| t.starts_with(['N', 'X', 'Y', 'Z', '[']))
            .collect();
        assert_eq!(e.components().len(), comps.len(), "components of {range}");
        for (c, tok) in e.components().iter().zip(&comps) {
            let linters: Vec<&str> = tok.split(',').skip(1).collect();
            let names: Vec<&str> = c.linters().iter().map(|l| l.name()).collect();
            assert_eq!(names, linters, "linters of {range} {tok}");
            assert_eq!(
                c.is_optional(),
                tok.starts_with('['),
                "optional {range} {tok}"
            );
        }
        let reqs: Vec<&str> = rest.iter().filter_map(|t| t.strip_prefix("req=")).collect();
        let got: Vec<String> = e.requisites().iter().map(|r| r.to_string()).collect();
        assert_eq!(got, reqs, "req= of {range}");
        let exs: Vec<&str> = rest.iter().filter_map(|t| t.strip_prefix("ex=")).collect();
        let got: Vec<String> = e
            .exclusions()
            .iter()
            .map(|x| {
                x.patterns()
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(got, exs, "ex= of {range}");
        let dl = rest.iter().find(|t| t.starts_with("dlpkey"));
        match (dl, e.dl_primary_key()) {
            (None, None) => {}
            (Some(t), Some(k)) => {
                let want = t.strip_prefix("dlpkey=").unwrap_or("");
                let got = k
                    .alternatives()
                    .iter()
                    .map(|a| {
                        a.iter()
                            .map(|q| q.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect::<Vec<_>>()
                    .join("|");
                assert_eq!(got, want, "dlpkey of {range}");
            }
            _ => panic!("dlpkey presence differs for {range}"),
        }
    }
    assert_eq!(lines, 224);
}

#[test]
fn loader_reports_line_and_rule() {
    let err = Dictionary::parse("01 *? N14,csum\n10 ? X..20,csum,bogus\n").unwrap_err();
    assert_eq!(err.line, 2);
    let err = Dictionary::parse("10 ? X..20\n01 *? N14\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    let err = Dictionary::parse("01 * N..14\n").unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    assert!(Dictionary::parse("# nothing\n").is_err());
}

#[test]
fn a_loaded_dictionary_drives_the_parser() {
    use bedside_gs1::{Options, Parser};
    let d = Dictionary::parse(&load_text()).unwrap();
    let p = Parser::new(&d, Options::default());
    let m = p.bracketed("(8018)952000099900012352(8019)1").unwrap();
    assert_eq!(m.len(), 2);
}
