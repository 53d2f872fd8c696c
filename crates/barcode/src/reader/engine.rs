//! The calls into rxing's Data Matrix detector/decoder and Code 128 row
//! decoder, each under `catch_unwind`: a panic there costs one attempt, never
//! the caller.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rxing::DecodeHints;
use rxing::common::{BitArray, BitMatrix, DetectorRXingResult};
use rxing::datamatrix::decoder::Decoder;
use rxing::datamatrix::detector::zxing_cpp_detector;
use rxing::oned::{Code128Reader, OneDReader};

use super::binarize::Bits;
use super::image::GrayImage;
use super::symbol::{Point, Symbol, Symbology};
use super::timing;

/// Counts of contained panics, for the caller's report.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) panics: usize,
}

/// Text from rxing's decoder as bytes: Latin-1 characters as single bytes
/// (Data Matrix's default character set), anything else as UTF-8.
fn text_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let u = c as u32;
        if u < 256 {
            out.push(u as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

/// Decodes a sampled module grid (finder pattern included) as Data Matrix.
pub(crate) fn decode_grid(bits: &BitMatrix, stats: &mut Stats) -> Option<(String, Vec<u8>)> {
    let r = catch_unwind(AssertUnwindSafe(|| Decoder::new().decode(bits)));
    match r {
        Ok(Ok(d)) => Some((
            format!("]d{}", d.getSymbologyModifier()),
            text_bytes(d.getText()),
        )),
        Ok(Err(_)) => None,
        Err(_) => {
            stats.panics += 1;
            None
        }
    }
}

/// Every Data Matrix the detector finds in a binary image. `grey`, when
/// given, is the image that was binarized (same size): a candidate whose
/// grid does not decode is then resampled from it too.
pub(crate) fn datamatrix(
    image: &BitMatrix,
    grey: Option<&GrayImage>,
    try_harder: bool,
    stats: &mut Stats,
) -> Vec<Symbol> {
    let found = catch_unwind(AssertUnwindSafe(|| {
        zxing_cpp_detector::detect(image, try_harder, true)
    }));
    let candidates = match found {
        Ok(Ok(c)) => c,
        Ok(Err(_)) => return Vec::new(),
        Err(_) => {
            stats.panics += 1;
            return Vec::new();
        }
    };
    let grey = grey.filter(|g| {
        g.width() == image.getWidth() as usize && g.height() == image.getHeight() as usize
    });
    let mut out = Vec::new();
    for c in candidates {
        let position: Vec<Point> = c
            .getPoints()
            .iter()
            .map(|p| Point { x: p.x, y: p.y })
            .collect();
        let decoded = decode_grid(c.getBits(), stats)
            .or_else(|| resampled(image, grey, &position, c.getBits(), stats));
        if let Some((aim, data)) = decoded {
            out.push(Symbol::new(Symbology::DataMatrix, &aim, data, position));
        }
    }
    out
}

/// When the detector's evenly spaced grid does not decode: the grid the
/// symbol's own timing patterns give (curved bands), then the grey image
/// sampled at those centres and at even ones (blur). Each grid must still
/// pass the decoder's Reed–Solomon check.
fn resampled(
    image: &BitMatrix,
    grey: Option<&GrayImage>,
    position: &[Point],
    bits: &BitMatrix,
    stats: &mut Stats,
) -> Option<(String, Vec<u8>)> {
    let (cols, rows) = (bits.getWidth() as usize, bits.getHeight() as usize);
    let timing = timing::timing_centres(image, position, cols, rows);
    if let Some((c, r)) = &timing
        && let Some(grid) = timing::sample_binary(image, position, c, r)
        && let Some(d) = decode_grid(&grid, stats)
    {
        return Some(d);
    }
    let grey = grey?;
    let even = (timing::even_centres(cols), timing::even_centres(rows));
    for (c, r) in timing.iter().chain(std::iter::once(&even)) {
        if let Some(grid) = timing::sample_grey(grey, position, c, r)
            && let Some(d) = decode_grid(&grid, stats)
        {
            return Some(d);
        }
    }
    None
}

/// Code 128 along `lines` rows and columns, both directions. A result is
/// kept only when two scan lines agree on it.
pub(crate) fn code128(bits: &Bits, lines: usize, stats: &mut Stats) -> Vec<Symbol> {
    let hints = DecodeHints::default();
    let mut reader = Code128Reader;
    let mut seen: Vec<(String, Vec<u8>, Vec<Point>, usize)> = Vec::new();
    let (w, h) = (bits.width, bits.height);
    let mut scan = |row: BitArray, n: u32, vertical: bool, reader: &mut Code128Reader| {
        let r = catch_unwind(AssertUnwindSafe(|| reader.decode_row(n, &row, &hints)));
        let res = match r {
            Ok(Ok(res)) => res,
            Ok(Err(_)) => return,
            Err(_) => {
                stats.panics += 1;
                return;
            }
        };
        // Interpret the codewords ourselves: the AIM modifier and FNC1
        // handling must not depend on how the row decoder labels them.
        let Some((aim, data)) = crate::gs1_128::decode_codewords(res.getRawBytes()) else {
            return;
        };
        let pos: Vec<Point> = res
            .getPoints()
            .iter()
            .map(|p| {
                if vertical {
                    Point {
                        x: n as f32,
                        y: p.x,
                    }
                } else {
                    Point {
                        x: p.x,
                        y: n as f32,
                    }
                }
            })
            .collect();
        if let Some(e) = seen.iter_mut().find(|e| e.0 == aim && e.1 == data) {
            e.3 += 1;
        } else {
            seen.push((aim, data, pos, 1));
        }
    };
    let lines = lines.max(1);
    for k in 0..lines {
        let y = (h * (2 * k + 1)) / (2 * lines);
        if y < h {
            for rev in [false, true] {
                let mut row = BitArray::with_size(w);
                for x in 0..w {
                    let src = if rev { w - 1 - x } else { x };
                    if bits.dark.get(y * w + src) == Some(&true) {
                        row.set(x);
                    }
                }
                scan(row, y as u32, false, &mut reader);
            }
        }
        let x = (w * (2 * k + 1)) / (2 * lines);
        if x < w {
            for rev in [false, true] {
                let mut col = BitArray::with_size(h);
                for yy in 0..h {
                    let src = if rev { h - 1 - yy } else { yy };
                    if bits.dark.get(src * w + x) == Some(&true) {
                        col.set(yy);
                    }
                }
                scan(col, x as u32, true, &mut reader);
            }
        }
    }
    seen.into_iter()
        .filter(|e| e.3 >= 2)
        .map(|(aim, data, pos, _)| Symbol::new(Symbology::Code128, &aim, data, pos))
        .collect()
}
