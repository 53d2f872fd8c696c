//! Decode-rate benchmark: damaged GS1 DataMatrix images, our reader against
//! PyPI `zxing-cpp` on the same files in the same run.
//!
//! `cargo bench -p bedside-barcode --features synth --bench decode_rate -- [PER_CLASS]`
//! (default 100 images per class). Needs `python3` with `zxing-cpp`,
//! `numpy` and `pillow`; without them only our reader is measured.
//!
//! Counts a decode as correct only with AIM `]d2` and the exact bytes
//! (GS separators included); any other payload is a *wrong* decode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use bedside_barcode::reader::Reader;
use bedside_barcode::synth::{Damage, payloads, render_scene};
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
    let per_class: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100);
    let dir = std::env::temp_dir().join(format!("bedside-barcode-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // DataMatrix only, as zxing-cpp is asked for below: the comparison is like for like.
    let reader = Reader::new(bedside_barcode::reader::ReaderOptions {
        code128: false,
        ..Default::default()
    });
    let mut cases = Vec::new(); // (class, path, expected)
    let pays = payloads(2026, per_class);
    let mut ours: BTreeMap<&str, Tally> = BTreeMap::new();
    for damage in Damage::ALL {
        for (i, p) in pays.iter().enumerate() {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let expected = m.to_element_string();
            let sym = datamatrix::encode(&m, &Default::default()).unwrap();
            let img = render_scene(sym.matrix(), damage, i as u64);
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
            cases.push((damage.name(), path, expected));
        }
    }
    let _ = RenderOptions::default();

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

    println!("| class | ours | zxing-cpp | ours median / p95 ms | zxing-cpp median / p95 ms |");
    println!("|---|---|---|---|---|");
    let (mut all_ours, mut all_theirs) = (Tally::default(), Tally::default());
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
        println!("| {n} | {line_o} | {line_t} | {om:.1} / {op:.1} | {tm:.1} / {tp:.1} |");
    }
    let total = per_class * Damage::ALL.len();
    println!(
        "| **all ({total})** | {:.1} % ({} wrong) | {:.1} % ({} wrong) | {:.1} / {:.1} | {:.1} / {:.1} |",
        100.0 * all_ours.ok as f64 / total as f64,
        all_ours.wrong,
        100.0 * all_theirs.ok as f64 / total as f64,
        all_theirs.wrong,
        pct(&mut all_ours.times, 0.5),
        pct(&mut all_ours.times, 0.95),
        pct(&mut all_theirs.times, 0.5),
        pct(&mut all_theirs.times, 0.95),
    );
    let _ = std::fs::remove_dir_all(&dir);
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
