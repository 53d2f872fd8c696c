//! Round trips of generated GS1 payloads (wristbands, medicine packs, NHRN,
//! locations): our encoders → our reader, → PyPI `zxing-cpp` (independent
//! decoder), and symbol sizes against Debian `zint`. The peers are required:
//! CI installs them (.ci/requirements.txt, .ci/apt.txt); without them these
//! tests fail and say what is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bedside_barcode::datamatrix::{self, DataMatrixOptions, Shape};
use bedside_barcode::reader::{Reader, decode_datamatrix_modules};
use bedside_barcode::synth::payloads;
use bedside_barcode::{RenderOptions, gs1_128};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bedside-barcode-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn datamatrix_round_trips_through_our_decoder() {
    for (i, p) in payloads(11, 2000).iter().enumerate() {
        let m = bedside_gs1::parse_bracketed(p).unwrap();
        let expected = m.to_element_string();
        for shape in [Shape::Square, Shape::Any, Shape::AnyDmre] {
            let opts = DataMatrixOptions {
                shape,
                ..Default::default()
            };
            let s = datamatrix::encode(&m, &opts).unwrap();
            if s.is_dmre() {
                continue; // rxing's decoder has no DMRE tables; zxing-cpp checks those below.
            }
            let sym = decode_datamatrix_modules(s.matrix())
                .unwrap_or_else(|| panic!("#{i} {p} {shape:?}: not decoded"));
            assert_eq!(sym.aim(), "]d2", "{p}");
            assert_eq!(sym.data(), expected.as_slice(), "{p}");
            assert_eq!(
                sym.gs1().unwrap().message().to_bracketed(),
                m.to_bracketed()
            );
        }
    }
}

#[test]
fn images_round_trip_through_our_reader() {
    let reader = Reader::default();
    for p in payloads(12, 120) {
        let m = bedside_gs1::parse_bracketed(&p).unwrap();
        let expected = m.to_element_string();
        let dm = datamatrix::encode(&m, &Default::default()).unwrap();
        let png = dm
            .to_png(&RenderOptions {
                module_px: 3,
                quiet_zone: Some(3),
            })
            .unwrap();
        let out = reader.read_bytes(&png).unwrap();
        let g: Vec<_> = out.gs1_symbols().collect();
        assert_eq!(g.len(), 1, "{p}: {:?}", out.symbols);
        assert_eq!(
            (g[0].aim(), g[0].data()),
            ("]d2", expected.as_slice()),
            "{p}"
        );
        if let Ok(lin) = gs1_128::encode(&m, &Default::default()) {
            let png = lin
                .to_png(&RenderOptions {
                    module_px: 2,
                    quiet_zone: None,
                })
                .unwrap();
            let out = reader.read_bytes(&png).unwrap();
            let g: Vec<_> = out.gs1_symbols().collect();
            assert_eq!(g.len(), 1, "{p}: {:?}", out.symbols);
            assert_eq!(
                (g[0].aim(), g[0].data()),
                ("]C1", expected.as_slice()),
                "{p}"
            );
        }
    }
}

#[test]
fn both_symbols_in_one_image() {
    let band = bedside_gs1::parse_bracketed("(8018)502000099900012359(8019)3").unwrap();
    let pack =
        bedside_gs1::parse_bracketed("(01)09506000134352(17)271130(10)Ab12(21)sEr1aL").unwrap();
    let a = datamatrix::encode(&band, &Default::default()).unwrap();
    let b = datamatrix::encode(&pack, &Default::default()).unwrap();
    let o = RenderOptions {
        module_px: 4,
        quiet_zone: Some(2),
    };
    let (aw, ah, ap) = a.matrix().to_gray(&o).unwrap();
    let (bw, bh, bp) = b.matrix().to_gray(&o).unwrap();
    let (w, h) = (aw + bw + 60, ah.max(bh) + 40);
    let mut px = vec![255u8; (w * h) as usize];
    for y in 0..ah {
        for x in 0..aw {
            px[((y + 20) * w + x + 20) as usize] = ap[(y * aw + x) as usize];
        }
    }
    for y in 0..bh {
        for x in 0..bw {
            px[((y + 20) * w + x + aw + 40) as usize] = bp[(y * bw + x) as usize];
        }
    }
    let img = bedside_barcode::reader::GrayImage::from_raw(w as usize, h as usize, px).unwrap();
    let out = Reader::new(bedside_barcode::reader::ReaderOptions {
        exhaustive: true,
        ..Default::default()
    })
    .read(&img);
    let mut got: Vec<String> = out
        .gs1_symbols()
        .map(|g| g.message().to_bracketed())
        .collect();
    got.sort();
    let mut want = vec![band.to_bracketed(), pack.to_bracketed()];
    want.sort();
    assert_eq!(got, want);
    // Both painted out, nothing on the white page could be a third: the read
    // ends there rather than running the rest of the cascade.
    assert!(out.nothing_more.is_some(), "{out:?}");
    assert!(!out.timed_out);

    // With one of them alone, an exhaustive read finds it and, with it painted
    // out, ends at once.
    let mut one = vec![255u8; (w * h) as usize];
    for y in 0..ah {
        for x in 0..aw {
            one[((y + 20) * w + x + 20) as usize] = ap[(y * aw + x) as usize];
        }
    }
    let img = bedside_barcode::reader::GrayImage::from_raw(w as usize, h as usize, one).unwrap();
    let out = Reader::new(bedside_barcode::reader::ReaderOptions {
        exhaustive: true,
        ..Default::default()
    })
    .read(&img);
    assert_eq!(out.gs1_symbols().count(), 1);
    assert!(out.nothing_more.is_some(), "{out:?}");
}

const ZXING: &str = r#"
import sys
try:
    import zxingcpp
    from PIL import Image
except ImportError as e:
    print("MISSING", e)
    sys.exit(3)
for line in sys.stdin:
    path = line.strip()
    res = zxingcpp.read_barcodes(Image.open(path), text_mode=zxingcpp.TextMode.Plain)
    print(path, ";".join(r.symbology_identifier + ":" + r.bytes.hex() for r in res))
"#;

fn zxing_read(paths: &[PathBuf]) -> Vec<Vec<(String, Vec<u8>)>> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ZXING)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is required for the zxing-cpp peer test (CI installs it)");
    {
        let stdin = child.stdin.as_mut().unwrap();
        for p in paths {
            writeln!(stdin, "{}", p.display()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "PyPI zxing-cpp is required (pip install -r .ci/requirements.txt): {text}"
    );
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
        .collect()
}

#[test]
fn zxing_cpp_reads_our_symbols_exactly() {
    let dir = tmpdir("zxing");
    let mut files = Vec::new();
    let mut want = Vec::new();
    for (i, p) in payloads(13, 600).iter().enumerate() {
        let m = bedside_gs1::parse_bracketed(p).unwrap();
        let es = m.to_element_string();
        let shape = [Shape::Square, Shape::Any, Shape::AnyDmre][i % 3];
        let dm = datamatrix::encode(
            &m,
            &DataMatrixOptions {
                shape,
                ..Default::default()
            },
        )
        .unwrap();
        let f = dir.join(format!("dm{i}.png"));
        std::fs::write(
            &f,
            dm.to_png(&RenderOptions {
                module_px: 3,
                quiet_zone: None,
            })
            .unwrap(),
        )
        .unwrap();
        files.push(f);
        // zxing-cpp reports GS1 in a DMRE size as ]d8 (zint's DMRE symbols too).
        want.push((
            if dm.is_dmre() { "]d8" } else { "]d2" },
            es.clone(),
            p.clone(),
        ));
        if let Ok(lin) = gs1_128::encode(&m, &Default::default()) {
            let f = dir.join(format!("c{i}.png"));
            std::fs::write(
                &f,
                lin.to_png(&RenderOptions {
                    module_px: 2,
                    quiet_zone: None,
                })
                .unwrap(),
            )
            .unwrap();
            files.push(f);
            want.push(("]C1", es, p.clone()));
        }
    }
    let got = zxing_read(&files);
    assert_eq!(got.len(), files.len());
    let mut lin = 0;
    for ((aim, bytes, p), found) in want.iter().zip(&got) {
        assert_eq!(found.len(), 1, "{p} ({aim}): {found:?}");
        assert_eq!(found[0].0, *aim, "{p}");
        assert_eq!(&found[0].1, bytes, "{p}");
        lin += usize::from(*aim == "]C1");
    }
    assert!(lin > 100, "GS1-128 cases: {lin}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// (rows, hex digits per row) of `zint --dump`.
fn zint_dump(args: &[&str], data: &str) -> (usize, usize) {
    let out = Command::new("zint")
        .args(args)
        .args(["--gs1parens", "--gs1nocheck", "--dump", "-d", data])
        .output()
        .expect("Debian zint is required for the size comparison (apt-get install zint; CI installs it)");
    assert!(
        out.status.success(),
        "zint failed on {data}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let hex = rows
        .first()
        .map(|r| r.chars().filter(char::is_ascii_hexdigit).count())
        .unwrap_or(0);
    (rows.len(), hex)
}

fn zint_dm_area(shape: &[&str], data: &str) -> usize {
    let (rows, hex) = zint_dump(&[&["--barcode=71", "--gs1"][..], shape].concat(), data);
    // The dump packs a row into hex digits; the width is the only Data Matrix
    // width for this height in that range.
    const SIZES: &[(usize, usize)] = &[
        (10, 10),
        (12, 12),
        (14, 14),
        (16, 16),
        (18, 18),
        (20, 20),
        (22, 22),
        (24, 24),
        (26, 26),
        (32, 32),
        (36, 36),
        (40, 40),
        (44, 44),
        (48, 48),
        (52, 52),
        (64, 64),
        (72, 72),
        (80, 80),
        (88, 88),
        (96, 96),
        (104, 104),
        (120, 120),
        (132, 132),
        (144, 144),
        (8, 18),
        (8, 32),
        (12, 26),
        (12, 36),
        (16, 36),
        (16, 48),
        (8, 48),
        (8, 64),
        (8, 80),
        (8, 96),
        (8, 120),
        (8, 144),
        (12, 64),
        (12, 88),
        (16, 64),
        (20, 36),
        (20, 44),
        (20, 64),
        (22, 48),
        (24, 48),
        (24, 64),
        (26, 40),
        (26, 48),
        (26, 64),
    ];
    let w = SIZES
        .iter()
        .find(|(h, w)| *h == rows && w.div_ceil(4) == hex)
        .map(|(_, w)| *w)
        .unwrap_or_else(|| panic!("unknown zint size {rows} rows × {hex} hex digits for {data}"));
    rows * w
}

#[test]
fn datamatrix_never_larger_than_zint() {
    let mut compared = 0;
    for (i, p) in payloads(14, 240).iter().enumerate() {
        let m = bedside_gs1::parse_bracketed(p).unwrap();
        let zdata = p.clone();
        let (shape, zargs): (Shape, &[&str]) = match i % 3 {
            0 => (Shape::Square, &["--square"]),
            1 => (Shape::Any, &[]),
            _ => (Shape::AnyDmre, &["--dmre"]),
        };
        let ours = datamatrix::encode(
            &m,
            &DataMatrixOptions {
                shape,
                ..Default::default()
            },
        )
        .unwrap();
        let zint = zint_dm_area(zargs, &zdata);
        assert!(
            ours.width() * ours.height() <= zint,
            "{p} ({shape:?}): ours {}x{} vs zint area {zint}",
            ours.height(),
            ours.width()
        );
        compared += 1;
    }
    assert_eq!(compared, 240);
}

#[test]
fn gs1_128_never_wider_than_zint() {
    for p in payloads(15, 200) {
        let m = bedside_gs1::parse_bracketed(&p).unwrap();
        let Ok(ours) = gs1_128::encode(&m, &Default::default()) else {
            continue;
        };
        let (_, hex) = zint_dump(&["--barcode=16"], &p);
        assert!(
            ours.width().div_ceil(4) <= hex,
            "{p}: ours {} modules, zint {} hex digits",
            ours.width(),
            hex
        );
    }
}
