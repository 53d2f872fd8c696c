//! Decode-rate benchmark: damaged GS1 DataMatrix images, our reader against
//! PyPI `zxing-cpp` on the same files in the same run.
//!
//! `cargo bench -p bedside-barcode --features synth --bench decode_rate -- [PER_CLASS] [seed=N] [size=WxH]`
//! (default 100 images per class, payload seed 2026, 640×480). Each image is
//! read by the reader with its cheap gate (the default) and without it
//! (`Reader::without_gate`); a read the gate lost is reported. Frames with
//! no symbol (`synth::Background`) are timed too: that is where the gate pays. Needs `python3` with `zxing-cpp`,
//! `numpy` and `pillow`; without them only our reader is measured.
//!
//! Counts a decode as correct only with AIM `]d2` and the exact bytes
//! (GS separators included); any other payload is a *wrong* decode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use bedside_barcode::reader::{GrayImage, Reader};
use bedside_barcode::synth::{Background, Damage, payloads, render_background, render_scene_sized};
use bedside_barcode::{RenderOptions, datamatrix};

const ZXING: &str = r#"
import sys, time, json
import numpy as np
from PIL import Image
import zxingcpp
out = {}
for line in sys.stdin:
    path = line.strip()
    if not path:
        continue
    img = np.asarray(Image.open(path).convert("L"))
    t = time.perf_counter()
    res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.DataMatrix, text_mode=zxingcpp.TextMode.Plain)
    dt = time.perf_counter() - t
    out[path] = {"ms": dt * 1000.0, "found": [[r.symbology_identifier, r.bytes.hex()] for r in res]}
json.dump(out, sys.stdout)
"#;

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

#[derive(Default)]
struct Tally {
    ok: usize,
    wrong: usize,
    times: Vec<f64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let per_class: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100);
    let seed: u64 = args
        .iter()
        .find_map(|a| a.strip_prefix("seed=")?.parse().ok())
        .unwrap_or(2026);
    let (fw, fh): (usize, usize) = args
        .iter()
        .find_map(|a| {
            let (w, h) = a.strip_prefix("size=")?.split_once('x')?;
            Some((w.parse().ok()?, h.parse().ok()?))
        })
        .unwrap_or((640, 480));
    println!(
        "seed {seed}, {fw}x{fh}, {per_class} images per class{}",
        if args.iter().any(|a| a == "exhaustive") {
            ", every symbol (exhaustive)"
        } else {
            ""
        }
    );
    let dir = std::env::temp_dir().join(format!("bedside-barcode-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // DataMatrix only, as zxing-cpp is asked for below: the comparison is like for like.
    // `exhaustive`: every symbol, as zxing-cpp's `read_barcodes` always reads.
    let exhaustive = args.iter().any(|a| a == "exhaustive");
    let opts = bedside_barcode::reader::ReaderOptions {
        code128: false,
        exhaustive,
        ..Default::default()
    };
    let reader = Reader::new(opts);
    let ungated = Reader::without_gate(opts);
    let mut plain: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut lost = 0;
    let mut blank_cases = Vec::new(); // (class, path)
    let mut blank_ours: BTreeMap<&str, (Vec<f64>, Vec<f64>, usize)> = BTreeMap::new();
    let mut cases = Vec::new(); // (class, path, expected)
    let pays = payloads(seed, per_class);
    let mut ours: BTreeMap<&str, Tally> = BTreeMap::new();
    for damage in Damage::ALL {
        for (i, p) in pays.iter().enumerate() {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let expected = m.to_element_string();
            let sym = datamatrix::encode(&m, &Default::default()).unwrap();
            let img = render_scene_sized(
                sym.matrix(),
                damage,
                seed.wrapping_sub(2026)
                    .wrapping_mul(1_000_003)
                    .wrapping_add(i as u64),
                fw,
                fh,
            );
            let path = dir.join(format!("{}-{i}.png", damage.name()));
            // Stored as PNG so both readers see identical pixels.
            let m2 = img.clone();
            let png = gray_png(m2.width() as u32, m2.height() as u32, m2.pixels());
            std::fs::write(&path, png).unwrap();
            let t = Instant::now();
            let out = reader.read(&img);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let tally = ours.entry(damage.name()).or_default();
            tally.times.push(ms);
            let mut good = false;
            for s in &out.symbols {
                if s.aim() == "]d2" && s.data() == expected.as_slice() {
                    good = true;
                } else {
                    tally.wrong += 1;
                    eprintln!(
                        "WRONG (ours) {}: {} {:?}",
                        path.display(),
                        s.aim(),
                        String::from_utf8_lossy(s.data())
                    );
                }
            }
            if good {
                tally.ok += 1;
            }
            let t = Instant::now();
            let out2 = ungated.read(&img);
            let ms2 = t.elapsed().as_secs_f64() * 1000.0;
            let t2 = plain.entry(damage.name()).or_default();
            t2.times.push(ms2);
            let good2 = out2
                .symbols
                .iter()
                .any(|s| s.aim() == "]d2" && s.data() == expected.as_slice());
            t2.wrong += out2.symbols.len() - usize::from(good2);
            if good2 {
                t2.ok += 1;
                if !good {
                    lost += 1;
                    eprintln!("LOST BY THE GATE {}: {:?}", path.display(), out.no_symbol);
                }
            }
            cases.push((damage.name(), path, expected));
        }
    }
    let _ = RenderOptions::default();
    for kind in Background::ALL {
        for i in 0..per_class {
            let img =
                render_background(kind, seed.wrapping_mul(7919).wrapping_add(i as u64), fw, fh);
            let path = dir.join(format!("{}-{i}.png", kind.name()));
            std::fs::write(
                &path,
                gray_png(img.width() as u32, img.height() as u32, img.pixels()),
            )
            .unwrap();
            let e = blank_ours.entry(kind.name()).or_default();
            let (a, b, rejected) = time_both(&reader, &ungated, &img);
            e.0.push(a);
            e.1.push(b);
            e.2 += usize::from(rejected);
            blank_cases.push((kind.name(), path));
        }
    }

    // zxing-cpp on the same files.
    let mut theirs: BTreeMap<&str, Tally> = BTreeMap::new();
    let child = Command::new("python3")
        .arg("-c")
        .arg(ZXING)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let zx: Option<serde_json::Value> = child.ok().and_then(|mut c| {
        {
            let stdin = c.stdin.as_mut()?;
            for (_, p, _) in &cases {
                writeln!(stdin, "{}", p.display()).ok()?;
            }
            for (_, p) in &blank_cases {
                writeln!(stdin, "{}", p.display()).ok()?;
            }
        }
        let out = c.wait_with_output().ok()?;
        serde_json::from_slice(&out.stdout).ok()
    });
    if let Some(zx) = &zx {
        for (class, path, expected) in &cases {
            let e = &zx[path.display().to_string()];
            let tally = theirs.entry(class).or_default();
            tally.times.push(e["ms"].as_f64().unwrap_or(f64::NAN));
            let mut good = false;
            for f in e["found"].as_array().into_iter().flatten() {
                let aim = f[0].as_str().unwrap_or("");
                let hex = f[1].as_str().unwrap_or("");
                let bytes: Vec<u8> = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                    .collect();
                if aim == "]d2" && bytes == *expected {
                    good = true;
                } else {
                    tally.wrong += 1;
                }
            }
            if good {
                tally.ok += 1;
            }
        }
    } else {
        eprintln!(
            "zxing-cpp not available (pip install zxing-cpp numpy pillow): measuring our reader only"
        );
    }

    println!(
        "| class | ours | zxing-cpp | ours median / p95 ms | without gate median / p95 ms | zxing-cpp median / p95 ms |"
    );
    println!("|---|---|---|---|---|---|");
    let (mut all_ours, mut all_theirs) = (Tally::default(), Tally::default());
    let mut all_plain = Tally::default();
    for damage in Damage::ALL {
        let n = damage.name();
        let o = ours.get_mut(n).unwrap();
        let line_o = format!(
            "{:.0} %{}",
            100.0 * o.ok as f64 / per_class as f64,
            if o.wrong > 0 {
                format!(" ({} wrong)", o.wrong)
            } else {
                String::new()
            }
        );
        all_ours.ok += o.ok;
        all_ours.wrong += o.wrong;
        all_ours.times.extend(o.times.iter());
        let (om, op) = (pct(&mut o.times, 0.5), pct(&mut o.times, 0.95));
        let pl = plain.get_mut(n).unwrap();
        all_plain.ok += pl.ok;
        all_plain.wrong += pl.wrong;
        all_plain.times.extend(pl.times.iter());
        let (pm, pp) = (pct(&mut pl.times, 0.5), pct(&mut pl.times, 0.95));
        let (line_t, tm, tp) = match theirs.get_mut(n) {
            Some(t) => {
                all_theirs.ok += t.ok;
                all_theirs.wrong += t.wrong;
                all_theirs.times.extend(t.times.iter());
                (
                    format!(
                        "{:.0} %{}",
                        100.0 * t.ok as f64 / per_class as f64,
                        if t.wrong > 0 {
                            format!(" ({} wrong)", t.wrong)
                        } else {
                            String::new()
                        }
                    ),
                    pct(&mut t.times, 0.5),
                    pct(&mut t.times, 0.95),
                )
            }
            None => ("-".into(), f64::NAN, f64::NAN),
        };
        println!(
            "| {n} | {line_o} | {line_t} | {om:.1} / {op:.1} | {pm:.1} / {pp:.1} | {tm:.1} / {tp:.1} |"
        );
    }
    let total = per_class * Damage::ALL.len();
    println!(
        "| **all ({total})** | {:.1} % ({} wrong) | {:.1} % ({} wrong) | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} |",
        100.0 * all_ours.ok as f64 / total as f64,
        all_ours.wrong,
        100.0 * all_theirs.ok as f64 / total as f64,
        all_theirs.wrong,
        pct(&mut all_ours.times, 0.5),
        pct(&mut all_ours.times, 0.95),
        pct(&mut all_plain.times, 0.5),
        pct(&mut all_plain.times, 0.95),
        pct(&mut all_theirs.times, 0.5),
        pct(&mut all_theirs.times, 0.95),
    );
    println!(
        "without the gate: {:.1} % ({} wrong); reads lost to the gate: {lost}",
        100.0 * all_plain.ok as f64 / total as f64,
        all_plain.wrong
    );
    println!();
    println!(
        "| frame without a symbol | turned away by the gate | ours median / p95 ms | without gate median / p95 ms | zxing-cpp median / p95 ms |"
    );
    println!("|---|---|---|---|---|");
    for kind in Background::ALL {
        let n = kind.name();
        let (a, b, rejected) = blank_ours.get_mut(n).unwrap();
        let mut zt: Vec<f64> = zx
            .as_ref()
            .map(|zx| {
                blank_cases
                    .iter()
                    .filter(|(c, _)| *c == n)
                    .map(|(_, p)| {
                        zx[p.display().to_string()]["ms"]
                            .as_f64()
                            .unwrap_or(f64::NAN)
                    })
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "| {n} | {rejected} / {per_class} | {:.2} / {:.2} | {:.1} / {:.1} | {:.1} / {:.1} |",
            pct(a, 0.5),
            pct(a, 0.95),
            pct(b, 0.5),
            pct(b, 0.95),
            pct(&mut zt, 0.5),
            pct(&mut zt, 0.95),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Times one frame with and without the gate; whether the gate turned it away.
fn time_both(gated: &Reader, ungated: &Reader, img: &GrayImage) -> (f64, f64, bool) {
    let t = Instant::now();
    let out = gated.read(img);
    let a = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let _ = ungated.read(img);
    let b = t.elapsed().as_secs_f64() * 1000.0;
    (a, b, out.no_symbol.is_some())
}

fn gray_png(w: u32, h: u32, px: &[u8]) -> Vec<u8> {
    let m = bedside_barcode::ModuleMatrix::new(0, 0);
    let _ = m;
    let mut out = Vec::new();
    {
        let mut enc = png_encoder(&mut out, w, h);
        enc.write_image_data(px).unwrap();
    }
    out
}

fn png_encoder(out: &mut Vec<u8>, w: u32, h: u32) -> png::Writer<&mut Vec<u8>> {
    let mut e = png::Encoder::new(out, w, h);
    e.set_color(png::ColorType::Grayscale);
    e.set_depth(png::BitDepth::Eight);
    e.write_header().unwrap()
}
