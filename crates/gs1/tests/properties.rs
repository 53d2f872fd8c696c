//! No parser panics on any input, and every error points inside the input.
//!
//! Three kinds of input feed every entry point (`parse`, `scan`,
//! `element_string`, `bracketed`, `unbracketed`, `digital_link`): arbitrary
//! bytes, strings over the characters GS1 syntax cares about, and random edits
//! of valid inputs (which reach the deep validation paths far more often than
//! noise does).
//!
//! With the default options (trailing CR/LF stripping only, which keeps a
//! prefix of the input) `offset + len <= input.len()` must hold for every
//! error. With a GS substitute the parser works on a rewritten copy, so for
//! those runs only the absence of panics is checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Error, Message, Options, Parser, Scan};
use proptest::prelude::*;

/// Case count: the default here, or `PROPTEST_CASES` for a deeper run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Valid inputs of every form, to mutate.
const SEEDS: &[&str] = &[
    "(01)09506000134352(17)261231(10)AB\\(1(21)Sx\\(9",
    "(8018)952000099900012352(8019)1(7250)19800229(7252)2(7253)O%27Brien(7254)Zo%C3%AB",
    "(8017)950600013435200008(8019)12(7256)Dr%20A%20Person",
    "(414)9506000134352(254)WARD7",
    "(01)09506000134352|(10)AB1(21)X",
    "(00)095060001343520000(4309)03189873650356417453(4324)2512311530",
    "(01)09506000134352(3103)001234(3922)995(8008)2512311530",
    "(8003)09506000134352ASSET1(8030)ABCdef-_0123456789",
    "^010950600013435217261231^10AB1^21S1",
    "^8018952000099900012352^80191",
    "]d2010950600013435217261231\x1d10AB1\x1d21S1",
    "]d28018952000099900012352\x1d80191\x1d725019800229",
    "]Q3414950600013435225412",
    "]C10109506000134352\x1d10A",
    "]e00109506000134352",
    "]J1800495060001343\x1d",
    "]E09501101530003|]e099COMPOSITE\x1d98XYZ",
    "]E495060002",
    "]d1https://id.gs1.org/01/09506000134352/10/AB1?17=261231",
    "]Q1HELLO",
    "0109506000134352\x1d10AB1",
    "https://id.gs1.org/01/09506000134352/10/AB%281/21/S1?17=261231&3103=001234&src=x",
    "https://example.nhs.uk/ward/8018/952000099900012352/8019/1?7250=19800229&7253=O%2527Brien",
    "https://id.gs1.org/414/9506000134352/254/W%2B7?",
    "http://x.org/a/b/00/095060001343520000#frag",
];

/// Bytes that matter to some parser: structure, escapes, separators.
const INTERESTING: &[u8] = b"()\\|^]%+?&=/#:.0123456789AZaz\x1d\r\n\x00\xff d2Q3E0";

fn parsers() -> [Parser<'static>; 3] {
    let d = Dictionary::embedded();
    [
        Parser::default(),
        Parser::new(
            d,
            Options {
                validate_requisites: false,
                permit_zero_suppressed_gtin_in_dl: true,
                ..Options::default()
            },
        ),
        Parser::new(
            d,
            Options {
                strip_line_endings: false,
                ..Options::default()
            },
        ),
    ]
}

fn check_err(e: &Error, input: &[u8], what: &str) {
    assert!(
        e.offset <= input.len() && e.offset + e.len <= input.len(),
        "{what}: error {e:?} outside input of {} bytes: {:?}",
        input.len(),
        String::from_utf8_lossy(input)
    );
    // The renderings of an error never panic either.
    let _ = e.to_string();
    let _ = e.mark_input(input);
    let _ = e.class().as_str();
    if let Some(m) = e.markup() {
        assert!(m.starts_with('('), "{what}: markup {m}");
    }
}

/// Everything one can do with a parsed message, to shake out panics in rendering.
fn exercise(m: &Message<'_>) {
    let d = Dictionary::embedded();
    let _ = m.to_bracketed();
    let _ = m.to_unbracketed();
    let _ = m.to_element_string();
    let _ = m.to_scan_data(bedside_gs1::Symbology::DataMatrix);
    let _ = m.hri(Some(d));
    let _ = m.to_digital_link(d, None);
    let _ = m.to_digital_link(d, Some("https://example.nhs.uk/"));
    let _ = m.pairs();
    let _ = m.composite_index();
    let _ = m.ignored_dl_params().count();
    let _ = bedside_gs1::keys::MedicinePack::from_message(m, 2026);
    for e in m.iter() {
        assert!(e.entry(d).is_some());
    }
}

fn scan_ok(s: &Scan<'_>) {
    if let Some(m) = s.message() {
        exercise(m);
    }
}

/// Runs every entry point on `input`; `exact` says whether offsets must be checked.
fn run_all(p: &Parser<'_>, input: &[u8], exact: bool) {
    let check = |r: Result<(), Error>, what: &str| {
        if let Err(e) = r
            && exact
        {
            check_err(&e, input, what);
        }
    };
    check(p.parse(input).map(|s| scan_ok(&s)), "parse");
    check(p.scan(input).map(|s| scan_ok(&s)), "scan");
    check(
        p.element_string(input).map(|m| exercise(&m)),
        "element_string",
    );
    if let Ok(text) = std::str::from_utf8(input) {
        check(p.bracketed(text).map(|m| exercise(&m)), "bracketed");
        check(p.unbracketed(text).map(|m| exercise(&m)), "unbracketed");
        check(p.digital_link(text).map(|m| exercise(&m)), "digital_link");
    }
}

fn run_everywhere(input: &[u8]) {
    for p in parsers() {
        run_all(&p, input, true);
    }
    // GS substitutes rewrite the input: panics only.
    let d = Dictionary::embedded();
    for sub in ["~", "<GS>", "^", "0"] {
        let p = Parser::new(
            d,
            Options {
                gs_substitute: Some(sub),
                ..Options::default()
            },
        );
        let rewritten = input.windows(sub.len()).any(|w| w == sub.as_bytes());
        run_all(&p, input, !rewritten);
    }
}

/// One random edit of a valid input.
fn mutate(seed: &str, edits: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut v = seed.as_bytes().to_vec();
    for &(op, at, byte) in edits {
        let at = if v.is_empty() { 0 } else { at % (v.len() + 1) };
        let b = INTERESTING[usize::from(byte) % INTERESTING.len()];
        match op % 5 {
            0 => v.insert(at, b),
            1 if at < v.len() => {
                v.remove(at);
            }
            2 if at < v.len() => v[at] = b,
            3 if at < v.len() => v[at] = byte,
            4 => v.truncate(at),
            _ => v.push(b),
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(2000), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..160)) {
        run_everywhere(&input);
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        run_everywhere(input.as_bytes());
    }

    /// Strings over the GS1 syntax characters, behind each form's prefix.
    #[test]
    fn syntax_soup_never_panics(
        prefix in prop_oneof![
            Just(""), Just("("), Just("^"), Just("]d2"), Just("]d1"), Just("]Q1"), Just("]E0"), Just("]E4"),
            Just("]C1"), Just("]e0"), Just("https://id.gs1.org/"), Just("]d1https://a.b/01/"),
            Just("https://a.b/c/414/9506000134352/"), Just("(01)09506000134352("),
        ],
        body in "[()\\\\|^%+?&=/#:.0-9A-Za-z\\x1d\\r\\n ]{0,100}",
    ) {
        let input = format!("{prefix}{body}");
        run_everywhere(input.as_bytes());
    }

    #[test]
    fn mutated_valid_inputs_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let seed = SEEDS[which.index(SEEDS.len())];
        let input = mutate(seed, &edits);
        run_everywhere(&input);
    }
}

/// The seeds are what they claim: valid (so mutations start from deep paths).
#[test]
fn seeds_are_valid() {
    let p = Parser::default();
    for s in SEEDS {
        if let Err(e) = p.parse(s.as_bytes()) {
            panic!("{s:?}: {e} [{}]", e.mark_input(s.as_bytes()));
        }
    }
}

/// A zero-suppressed GTIN is padded before its checks: errors found in the
/// padded value must still point into the URI (found by the DL fuzz target).
#[test]
fn zero_suppressed_gtin_errors_point_into_the_input() {
    for uri in [
        "http://id.g801g/01/895060%5EN",
        "https://id.gs1.org/01/95060001%5E",
        "https://id.gs1.org/01/9506000134%5E52",
        "https://id.gs1.org/01/950600013435%5E",
        "https://id.gs1.org/01/9506000134X",
    ] {
        run_everywhere(uri.as_bytes());
    }
    let p = Parser::new(
        Dictionary::embedded(),
        Options {
            permit_zero_suppressed_gtin_in_dl: true,
            ..Options::default()
        },
    );
    let e = p.digital_link("http://id.g801g/01/895060%5EN").unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (bedside_gs1::ErrorKind::IllegalCaret, 25)
    );
}

/// Limits: the longest inputs, the most AIs, and one byte over.
#[test]
fn limits_never_panic() {
    let max = bedside_gs1::MAX_INPUT;
    let mut cases: Vec<Vec<u8>> = Vec::new();
    for n in [max - 4, max - 3, max - 1, max, max + 1, max + 10] {
        cases.push(vec![b'1'; n]);
        let mut scan = b"]d2".to_vec();
        scan.extend(std::iter::repeat_n(b'9', n));
        cases.push(scan);
        let mut br = b"(10)".to_vec();
        br.extend(std::iter::repeat_n(b'(', n));
        cases.push(br);
        let mut dl = b"https://id.gs1.org/01/09506000134352?".to_vec();
        dl.extend(std::iter::repeat_n(b'&', n));
        cases.push(dl);
    }
    for k in [63, 64, 65, 200] {
        cases.push("(10)A".repeat(k).into_bytes());
        cases.push(format!("(01)09506000134352{}", "(10)A".repeat(k)).into_bytes());
        cases.push(format!("^01095060001343521{}", "0A^1".repeat(k)).into_bytes());
        let q: String = (0..k).map(|i| format!("&x{i}=1")).collect();
        cases.push(format!("https://id.gs1.org/01/09506000134352?{q}").into_bytes());
        cases.push(format!("]d2{}", "10A\x1d".repeat(k)).into_bytes());
    }
    for c in &cases {
        run_everywhere(c);
    }
}
