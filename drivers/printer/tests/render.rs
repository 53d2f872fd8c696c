//! Every band read back by software someone else wrote.
//!
//! ZPL is rendered by `zpl-renderer-js` (zebrash compiled to WebAssembly, from npm; see
//! `tests/tools/`), PDF rasterised by poppler's `pdftoppm` and its text extracted by
//! `pdftotext`, and every image decoded by PyPI `zxing-cpp`. Each GS1 DataMatrix must read
//! `]d2` with exactly the band's element string, each GS1-128 `]C1` with (8018)(8019).
//!
//! The tools are installed by `scripts/test.sh`. With `CI` set a missing tool fails the
//! test; elsewhere the test says what is missing and skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bedside_patient::{BirthSequence, BirthTime, Date, DateOfBirth, NhsNumber, Sex, TestData};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::{pdf, png, zpl};

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools")
}

/// `None` (after saying why) when a tool is missing outside CI.
fn require(what: &str, ok: bool, hint: &str) -> Option<()> {
    if ok {
        return Some(());
    }
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required in CI: {hint}");
    }
    eprintln!("SKIPPING: {what} not available ({hint})");
    None
}

fn have(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bedside-printer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const ZXING: &str = r#"
import sys
try:
    import zxingcpp
    from PIL import Image
except ImportError as e:
    print("MISSING", e)
    sys.exit(3)
Image.MAX_IMAGE_PIXELS = None
for line in sys.stdin:
    path = line.strip()
    res = zxingcpp.read_barcodes(Image.open(path), text_mode=zxingcpp.TextMode.Plain)
    print(path, ";".join(r.symbology_identifier + ":" + r.bytes.hex() for r in res))
"#;

type Symbols = Vec<(String, Vec<u8>)>;

fn zxing(paths: &[PathBuf]) -> Option<Vec<Symbols>> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ZXING)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    {
        let stdin = child.stdin.as_mut().unwrap();
        for p in paths {
            writeln!(stdin, "{}", p.display()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .map(|l| {
                let rest = l.rsplit_once(' ').map(|(_, r)| r).unwrap_or("");
                rest.split(';')
                    .filter(|s| !s.is_empty())
                    .map(|r| {
                        let (aim, hex) = r.split_once(':').unwrap();
                        let bytes = (0..hex.len() / 2)
                            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                            .collect();
                        (aim.to_owned(), bytes)
                    })
                    .collect()
            })
            .collect(),
    )
}

fn request(nhs: &str, family: &str, given: &str) -> BandRequest {
    let mut r = BandRequest::new(
        NhsNumber::parse(nhs, TestData::Allow).unwrap(),
        family,
        given,
    );
    r.date_of_birth = Some(DateOfBirth {
        date: Date::new(1980, 1, 18).unwrap(),
        time: None,
    });
    r.sex = Some(Sex::Female);
    r.hospital_number = Some("K1234567".into());
    r
}

/// The bands every output is checked on: ordinary, hostile names, the longest names,
/// neonates, unknown patients, alert bands with a GS1-128.
fn bands() -> Vec<(String, BandRequest, BandSize)> {
    let mut v = Vec::new();
    v.push((
        "smith".into(),
        request("9990001235", "Smith", "John"),
        BandSize::Adult,
    ));
    for (i, (family, given)) in [
        ("O'Brien", "Zoë"),
        ("Nguyễn", "Thị Minh"),
        ("Ølstad-Łukasiewicz", "Renée"),
        ("Caret^XZ", "Tilde~JA"),
        ("Under_Score", "Back\\Slash"),
        ("Abcdefghijklmnopqrstuvwxyzabcdefghi", "Maximiliana"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = request("9434765919", family, given);
        r.alert = i % 2 == 0;
        r.linear = i == 0;
        v.push((format!("hostile{i}"), r, BandSize::Adult));
    }
    let mut r = request("9990001235", "x", "y");
    r.baby_of = Some("Smith".into());
    r.mother_name = Some("Jane Smith".into());
    r.birth_sequence = Some(BirthSequence::parse("2/3").unwrap());
    r.date_of_birth = Some(DateOfBirth {
        date: Date::new(2026, 12, 3).unwrap(),
        time: Some(BirthTime::new(4, 17).unwrap()),
    });
    v.push(("neonate".into(), r, BandSize::Neonate));
    let mut r = BandRequest::unknown(
        NhsNumber::parse("9990001235", TestData::Allow).unwrap(),
        Sex::Male,
    );
    r.hospital_number = Some("T0000042".into());
    v.push(("unknown".into(), r, BandSize::Child));
    let mut r = request("9990001235", "Patel", "Anjali");
    r.alert = true;
    r.linear = true;
    v.push(("alert".into(), r, BandSize::Adult));
    v
}

fn check(label: &str, symbols: &Symbols, band: &Band) {
    let dm: Vec<&(String, Vec<u8>)> = symbols.iter().filter(|(a, _)| a == "]d2").collect();
    assert!(
        dm.len() >= 2,
        "{label}: {} GS1 DataMatrix read ({symbols:?})",
        dm.len()
    );
    for (_, bytes) in &dm {
        assert_eq!(
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(band.element_string()),
            "{label}"
        );
    }
    match band.linear_element_string() {
        Some(want) => {
            let c1: Vec<&Vec<u8>> = symbols
                .iter()
                .filter(|(a, _)| a == "]C1")
                .map(|(_, b)| b)
                .collect();
            assert_eq!(c1, vec![&want.to_vec()], "{label}: GS1-128");
        }
        None => assert!(!symbols.iter().any(|(a, _)| a == "]C1"), "{label}"),
    }
    assert!(
        symbols.iter().all(|(a, _)| a == "]d2" || a == "]C1"),
        "{label}: a symbol that is not GS1: {symbols:?}"
    );
}

/// Reads every rendered file with zxing-cpp and checks each against its band (a
/// missing zxing-cpp fails under CI, see [`require`]).
fn decode_and_check(all: &[(String, Band, PathBuf)]) {
    let paths: Vec<PathBuf> = all.iter().map(|(_, _, p)| p.clone()).collect();
    let Some(read) = zxing(&paths) else {
        require(
            "PyPI zxing-cpp",
            false,
            "pip install -r .ci/requirements.txt",
        );
        return;
    };
    for ((label, band, _), symbols) in all.iter().zip(&read) {
        check(label, symbols, band);
    }
}

#[test]
fn zpl_rendered_by_zebrash_decodes_exactly() {
    let node_ok =
        have("node", "--version") && tools_dir().join("node_modules/zpl-renderer-js").is_dir();
    let Some(()) = require(
        "node with zpl-renderer-js",
        node_ok,
        "run scripts/test.sh (npm ci in drivers/printer/tests/tools)",
    ) else {
        return;
    };
    let dir = tmpdir("zpl");
    let mut all: Vec<(String, Band, PathBuf)> = Vec::new();
    for res in [Resolution::Dpi203, Resolution::Dpi300] {
        for size in [BandSize::Adult, BandSize::Child, BandSize::Neonate] {
            // One renderer run per media size and resolution.
            let mut args: Vec<String> = Vec::new();
            for (name, req, _) in bands().into_iter().filter(|b| b.2 == size) {
                let band = Band::new(&req).unwrap();
                let layout = Layout::new(&band, size, res).unwrap();
                let z = zpl::render(&layout, &Default::default()).unwrap();
                let zf = dir.join(format!("{name}-{}.zpl", res.dpi()));
                let pf = dir.join(format!("{name}-{}.png", res.dpi()));
                std::fs::write(&zf, &z).unwrap();
                args.push(zf.display().to_string());
                args.push(pf.display().to_string());
                all.push((format!("{name} {} dpi ZPL", res.dpi()), band, pf));
            }
            if !args.is_empty() {
                render_zpl(&args, size, res);
            }
        }
    }
    decode_and_check(&all);
}

fn render_zpl(args: &[String], size: BandSize, res: Resolution) {
    let m = size.media();
    let out = Command::new("node")
        .current_dir(tools_dir())
        .arg("render-zpl.mjs")
        .arg(m.width_mm.to_string())
        .arg(m.length_mm.to_string())
        .arg(res.dots_per_mm().to_string())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zpl-renderer-js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The traps the ZPL writer avoids, shown with the same renderer and decoder: without the
/// explicit escape character the symbol is plain `]d1` data; with a bare `^FH` the `_1`
/// escapes become hex and the data is silently corrupted.
#[test]
fn zpl_traps_are_real() {
    let node_ok =
        have("node", "--version") && tools_dir().join("node_modules/zpl-renderer-js").is_dir();
    let Some(()) = require("node with zpl-renderer-js", node_ok, "run scripts/test.sh") else {
        return;
    };
    let dir = tmpdir("traps");
    let data = "_18018952000099900012352_180191";
    let good = format!("^XA^FO20,20^BXN,6,200,0,0,6,_^FD{data}^FS^XZ");
    let no_escape = format!("^XA^FO20,20^BXN,6,200^FD{data}^FS^XZ");
    let bare_fh = format!("^XA^FO20,20^BXN,6,200,0,0,6,_^FH^FD{data}^FS^XZ");
    let mut args = Vec::new();
    let mut pngs = Vec::new();
    for (n, z) in [
        ("good", good),
        ("no-escape", no_escape),
        ("bare-fh", bare_fh),
    ] {
        let zf = dir.join(format!("{n}.zpl"));
        let pf = dir.join(format!("{n}.png"));
        std::fs::write(&zf, z).unwrap();
        args.push(zf.display().to_string());
        args.push(pf.display().to_string());
        pngs.push(pf);
    }
    let out = Command::new("node")
        .current_dir(tools_dir())
        .args(["render-zpl.mjs", "50", "50", "8"])
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success());
    let Some(read) = zxing(&pngs) else {
        require(
            "PyPI zxing-cpp",
            false,
            "pip install -r .ci/requirements.txt",
        );
        return;
    };
    assert_eq!(
        read[0],
        vec![(
            "]d2".to_owned(),
            b"8018952000099900012352\x1d80191".to_vec()
        )]
    );
    assert!(read[1].iter().all(|(a, _)| a != "]d2"), "{:?}", read[1]);
    assert!(
        read[2]
            .iter()
            .all(|(a, b)| a != "]d2" || b != b"8018952000099900012352\x1d80191"),
        "{:?}",
        read[2]
    );
}

#[test]
fn pdf_rasterised_by_poppler_decodes_and_carries_the_text() {
    let ok = have("pdftoppm", "-v") && have("pdftotext", "-v");
    let Some(()) = require(
        "poppler-utils (pdftoppm, pdftotext)",
        ok,
        "apt-get install poppler-utils",
    ) else {
        return;
    };
    let dir = tmpdir("pdf");
    let mut all = Vec::new();
    for (name, req, size) in bands() {
        let band = Band::new(&req).unwrap();
        let layout = Layout::new(&band, size, Resolution::Dpi300).unwrap();
        let bytes = pdf::render(&layout, &Default::default()).unwrap();
        assert!(bytes.len() < 150_000, "{name}: {} bytes", bytes.len());
        let f = dir.join(format!("{name}.pdf"));
        std::fs::write(&f, &bytes).unwrap();
        let stem = dir.join(&name);
        let st = Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png", "-singlefile"])
            .arg(&f)
            .arg(&stem)
            .status()
            .unwrap();
        assert!(st.success(), "{name}: pdftoppm");
        let text = Command::new("pdftotext").arg(&f).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        for (_, line) in band.lines() {
            for word in line.split_whitespace() {
                assert!(
                    text.contains(word),
                    "{name}: {word:?} not in the PDF text {text:?}"
                );
            }
        }
        all.push((format!("{name} PDF"), band, stem.with_extension("png")));
    }
    decode_and_check(&all);
}

#[test]
fn png_decodes_exactly() {
    let dir = tmpdir("png");
    let mut all = Vec::new();
    for res in [Resolution::Dpi203, Resolution::Dpi300] {
        for (name, req, size) in bands() {
            let band = Band::new(&req).unwrap();
            let layout = Layout::new(&band, size, res).unwrap();
            for landscape in [false, true] {
                let bytes = png::render(&layout, &png::PngOptions { landscape }).unwrap();
                let f = dir.join(format!("{name}-{}-{landscape}.png", res.dpi()));
                std::fs::write(&f, &bytes).unwrap();
                all.push((format!("{name} {} dpi PNG", res.dpi()), band.clone(), f));
            }
        }
    }
    decode_and_check(&all);
}
