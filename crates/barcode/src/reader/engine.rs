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
use super::symbol::{Point, Symbol, Symbology};

/// Counts of contained panics, for the caller's report.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) panics: usize,
}

pub(crate) fn to_bitmatrix(bits: &Bits, invert: bool) -> Option<BitMatrix> {
    let mut m = BitMatrix::new(bits.width as u32, bits.height as u32).ok()?;
    for y in 0..bits.height {
        let row = bits.dark.get(y * bits.width..(y + 1) * bits.width)?;
        for (x, &d) in row.iter().enumerate() {
            if d != invert {
                m.set(x as u32, y as u32);
            }
        }
    }
    Some(m)
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

/// Every Data Matrix the detector finds in a binary image.
pub(crate) fn datamatrix(image: &BitMatrix, try_harder: bool, stats: &mut Stats) -> Vec<Symbol> {
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
    let mut out = Vec::new();
    for c in candidates {
        if let Some((aim, data)) = decode_grid(c.getBits(), stats) {
            let position = c
                .getPoints()
                .iter()
                .map(|p| Point { x: p.x, y: p.y })
                .collect();
            out.push(Symbol::new(Symbology::DataMatrix, &aim, data, position));
        }
    }
    out
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
        let Some((aim, data)) = interpret_code128(res.getRawBytes()) else {
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

/// Interprets Code 128 symbol characters (start, data, check, optional stop)
/// as ISO/IEC 15417 does: `]C1` when FNC1 follows the start character, FNC1
/// elsewhere as GS. Verifies the mod-103 check character. FNC2, FNC3, FNC4
/// (extended ASCII) and FNC1 in second position are refused: fail closed.
pub(crate) fn interpret_code128(raw: &[u8]) -> Option<(String, Vec<u8>)> {
    let codes = match raw.split_last() {
        Some((106, rest)) => rest,
        _ => raw,
    };
    let (&check, body) = codes.split_last()?;
    let (&start, data) = body.split_first()?;
    let sum = body
        .iter()
        .enumerate()
        .map(|(k, &v)| (k.max(1) as u32) * u32::from(v))
        .sum::<u32>();
    if sum % 103 != u32::from(check) {
        return None;
    }
    let mut set = match start {
        103 => 0,
        104 => 1,
        105 => 2,
        _ => return None,
    };
    let gs1 = data.first() == Some(&102);
    let mut out = Vec::new();
    let mut shift = false;
    for (k, &v) in data.iter().enumerate() {
        if v == 102 {
            if k > 0 {
                if !gs1 {
                    return None;
                }
                out.push(0x1d);
            }
            continue;
        }
        let cur = if shift { 1 - set } else { set };
        let was_shift = shift;
        shift = false;
        match cur {
            2 => match v {
                0..=99 => {
                    out.push(b'0' + v / 10);
                    out.push(b'0' + v % 10);
                }
                100 => set = 1,
                101 => set = 0,
                _ => return None,
            },
            _ => match v {
                0..=95 => out.push(if cur == 0 && v >= 64 { v - 64 } else { v + 32 }),
                98 if !was_shift => shift = true,
                99 if !was_shift => set = 2,
                100 if cur == 0 && !was_shift => set = 1,
                101 if cur == 1 && !was_shift => set = 0,
                _ => return None,
            },
        }
    }
    if out.is_empty() {
        return None;
    }
    Some((if gs1 { "]C1" } else { "]C0" }.to_owned(), out))
}

#[cfg(test)]
mod tests {
    use super::interpret_code128;

    #[test]
    fn code128_interpretation() {
        // START C, FNC1, 01 09 50 60 00 13 43 52, check, STOP
        let mut cw = vec![105u8, 102, 1, 9, 50, 60, 0, 13, 43, 52];
        let sum: u32 = cw
            .iter()
            .enumerate()
            .map(|(k, &v)| (k.max(1) as u32) * u32::from(v))
            .sum();
        cw.push((sum % 103) as u8);
        cw.push(106);
        let (aim, data) = interpret_code128(&cw).unwrap();
        assert_eq!(aim, "]C1");
        assert_eq!(data, b"0109506000134352");
        cw[3] = 10; // corrupt: the check character no longer matches
        assert!(interpret_code128(&cw).is_none());
    }
}
