//! Our binarizers, written from the published algorithms:
//!
//! - **local contrast-normalised threshold** (Wolf & Jolion, "Extraction and
//!   recognition of artificial text in multimedia documents", 2004): a
//!   Sauvola-type local threshold whose contrast term is normalised by the
//!   image's own maximum local deviation and minimum grey level, so a faint
//!   symbol on a grey band is thresholded as well as a crisp one. Local mean
//!   and deviation come from integral images (summed-area tables, Crow 1984),
//!   O(1) per pixel for any window;
//! - **Otsu's global threshold** (Otsu 1979): maximum between-class variance
//!   over the histogram, the fallback for evenly lit images;
//! - a **box pre-filter** (again from integral images) against sensor noise,
//!   and **bilinear upsampling** for symbols under two pixels per module.
//!
//! Each produces a [`Bits`] image: `true` = dark.

use rxing::common::{BitArray, BitFieldBaseType, BitMatrix};

use super::image::GrayImage;

/// A binary image, row-major, `true` = dark.
#[derive(Clone, Debug)]
pub(crate) struct Bits {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) dark: Vec<bool>,
}

/// Summed-area tables of values and squared values, (w+1)×(h+1).
struct Integral {
    w1: usize,
    h: usize,
    sum: Vec<u64>,
    sq: Vec<u64>,
}

impl Integral {
    fn new(img: &GrayImage) -> Integral {
        let (w, h) = (img.width(), img.height());
        let w1 = w + 1;
        let mut sum = vec![0u64; w1 * (h + 1)];
        let mut sq = vec![0u64; w1 * (h + 1)];
        let px = img.pixels();
        for y in 0..h {
            let mut rs = 0u64;
            let mut rq = 0u64;
            for x in 0..w {
                let v = u64::from(px[y * w + x]);
                rs += v;
                rq += v * v;
                sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1] + rs;
                sq[(y + 1) * w1 + x + 1] = sq[y * w1 + x + 1] + rq;
            }
        }
        Integral { w1, h, sum, sq }
    }

    /// Sum, squared sum and pixel count of the window of radius `r` round (x, y),
    /// clipped to the image.
    fn window(&self, x: usize, y: usize, r: usize) -> (u64, u64, u64) {
        let (w, h) = (self.w1 - 1, self.h);
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
        let (s, q) = self.rect(x0, y0, x1, y1);
        (s, q, ((x1 - x0) * (y1 - y0)) as u64)
    }

    /// Mean and standard deviation of the window of radius `r` round (x, y).
    fn mean_sd(&self, x: usize, y: usize, r: usize) -> (f64, f64) {
        let (s, q, n) = self.window(x, y, r);
        let n = n as f64;
        let m = s as f64 / n;
        (m, (q as f64 / n - m * m).max(0.0).sqrt())
    }

    /// Sum and squared sum over [x0, x1) × [y0, y1).
    fn rect(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> (u64, u64) {
        let w1 = self.w1;
        let a = y0 * w1 + x0;
        let b = y0 * w1 + x1;
        let c = y1 * w1 + x0;
        let d = y1 * w1 + x1;
        (
            self.sum[d] + self.sum[a] - self.sum[b] - self.sum[c],
            self.sq[d] + self.sq[a] - self.sq[b] - self.sq[c],
        )
    }
}

/// A box-filtered copy (window 2r+1, clipped at the borders).
pub(crate) fn box_blur(img: &GrayImage, r: usize) -> GrayImage {
    if r == 0 {
        return img.clone();
    }
    let (w, h) = (img.width(), img.height());
    let ii = Integral::new(img);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (s, _, n) = ii.window(x, y, r);
            out.push(((s + n / 2) / n) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|_| img.clone())
}

/// Bilinear upsampling by an integer factor.
pub(crate) fn upscale(img: &GrayImage, f: usize) -> Option<GrayImage> {
    let (w, h) = (img.width(), img.height());
    let (nw, nh) = (w.checked_mul(f)?, h.checked_mul(f)?);
    let mut out = Vec::with_capacity(nw.checked_mul(nh)?);
    for y in 0..nh {
        let fy = (y as f32 + 0.5) / f as f32 - 0.5;
        let y0 = fy.floor().max(0.0) as usize;
        let y1 = (y0 + 1).min(h - 1);
        let ty = (fy - y0 as f32).clamp(0.0, 1.0);
        for x in 0..nw {
            let fx = (x as f32 + 0.5) / f as f32 - 0.5;
            let x0 = fx.floor().max(0.0) as usize;
            let x1 = (x0 + 1).min(w - 1);
            let tx = (fx - x0 as f32).clamp(0.0, 1.0);
            let p = |xx: usize, yy: usize| f32::from(img.get(xx, yy));
            let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
            let bot = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
            out.push((top * (1.0 - ty) + bot * ty).round().clamp(0.0, 255.0) as u8);
        }
    }
    GrayImage::from_raw(nw, nh, out).ok()
}

/// Wolf–Jolion local threshold with window `2r+1` and weight `k`.
pub(crate) fn local(img: &GrayImage, r: usize, k: f64) -> Bits {
    let (w, h) = (img.width(), img.height());
    let ii = Integral::new(img);
    let min_grey = f64::from(img.pixels().iter().copied().min().unwrap_or(0));
    // First pass: local mean and deviation, and the largest deviation.
    let mut mean = vec![0f32; w * h];
    let mut dev = vec![0f32; w * h];
    let mut max_dev = 1e-6f64;
    for y in 0..h {
        for x in 0..w {
            let (m, sd) = ii.mean_sd(x, y, r);
            if sd > max_dev {
                max_dev = sd;
            }
            mean[y * w + x] = m as f32;
            dev[y * w + x] = sd as f32;
        }
    }
    let px = img.pixels();
    let dark = (0..w * h)
        .map(|i| {
            let m = f64::from(mean[i]);
            let s = f64::from(dev[i]);
            let t = (1.0 - k) * m + k * min_grey + k * (s / max_dev) * (m - min_grey);
            f64::from(px[i]) < t
        })
        .collect();
    Bits {
        width: w,
        height: h,
        dark,
    }
}

/// Mean-offset local threshold (the adaptive threshold over an integral image
/// of Bradley & Roth, "Adaptive Thresholding Using the Integral Image", 2007,
/// with an absolute margin in place of their percentage): a pixel is dark when
/// it is below its window's mean by more than `floor` grey levels and a
/// `frac` of the window's deviation. Flat areas come out light whatever their
/// level, so a faint symbol (ink only 15–25 levels under the paper) on a
/// background darker than its own ink keeps its quiet zone — exactly where a
/// contrast-normalised threshold, whose range is set by the scene's strongest
/// edge, loses it.
pub(crate) fn mean_offset(img: &GrayImage, r: usize, floor: f64, frac: f64) -> Bits {
    let (w, h) = (img.width(), img.height());
    let ii = Integral::new(img);
    let px = img.pixels();
    let mut dark = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (m, sd) = ii.mean_sd(x, y, r);
            let p = px.get(y * w + x).copied().map_or(255.0, f64::from);
            dark.push(p < m - floor.max(frac * sd));
        }
    }
    Bits {
        width: w,
        height: h,
        dark,
    }
}

/// Block-local threshold straight into the detector's bit matrix: the image
/// in 8×8 blocks, each block's black point its mean (or, for a flat block,
/// half its minimum — background — unless its already-computed neighbours
/// above and to the left say it lies inside a dark area), and every pixel
/// compared with the mean black point of the 5×5 blocks round its own (the
/// window kept inside the image). The scheme is the well-known "hybrid"
/// binarization of the ZXing family; this is our own implementation of it,
/// because the first step of every read runs it and rxing's took three
/// quarters of a clean read's time. Integer-only, and laid out so the
/// compiler vectorises it: block statistics are gathered column by column
/// over each band of eight rows before any per-block work, pixels are
/// compared with their thresholds element by element, and the 0/1 results
/// are gathered eight at a time by one multiplication into whole 64-pixel
/// words of the detector's matrix.
/// `None` for images under 40 pixels on a side (the cascade's other
/// binarizers take those).
pub(crate) fn block(img: &GrayImage) -> Option<BitMatrix> {
    const B: usize = 8;
    const MIN_RANGE: u32 = 24;
    let (w, h) = (img.width(), img.height());
    if w < 5 * B || h < 5 * B {
        return None;
    }
    let px = img.pixels();
    let (bw, bh) = (w.div_ceil(B), h.div_ceil(B));
    let mut bp = vec![0u32; bw * bh];
    // Per block row: the eight rows combined column by column first (element
    // by element, which vectorises), then each block's eight columns once.
    let (mut col_sum, mut col_lo, mut col_hi) = (vec![0u16; w], vec![255u8; w], vec![0u8; w]);
    let (mut sum, mut lo, mut hi) = (vec![0u32; bw], vec![255u8; bw], vec![0u8; bw]);
    for by in 0..bh {
        // The last block in a row or column is moved in to stay whole.
        let y0 = (by * B).min(h - B);
        col_sum.fill(0);
        col_lo.fill(255);
        col_hi.fill(0);
        for y in y0..y0 + B {
            let line = px.get(y * w..(y + 1) * w)?;
            for (((s, l), hgh), &p) in col_sum
                .iter_mut()
                .zip(&mut col_lo)
                .zip(&mut col_hi)
                .zip(line)
            {
                *s += u16::from(p);
                *l = (*l).min(p);
                *hgh = (*hgh).max(p);
            }
        }
        for bx in 0..bw {
            // A partial last block: the eight columns ending at the edge.
            let x0 = (bx * B).min(w - B);
            sum[bx] = col_sum[x0..x0 + B].iter().map(|&v| u32::from(v)).sum();
            lo[bx] = col_lo[x0..x0 + B].iter().copied().min().unwrap_or(255);
            hi[bx] = col_hi[x0..x0 + B].iter().copied().max().unwrap_or(0);
        }
        for bx in 0..bw {
            let (l, hgh) = (u32::from(lo[bx]), u32::from(hi[bx]));
            let mut point = sum[bx] / (B * B) as u32;
            if hgh - l <= MIN_RANGE {
                point = l / 2;
                if bx > 0 && by > 0 {
                    let up = bp[(by - 1) * bw + bx];
                    let left = bp[by * bw + bx - 1];
                    let diag = bp[(by - 1) * bw + bx - 1];
                    let neighbours = (up + 2 * left + diag) / 4;
                    if l < neighbours {
                        point = neighbours;
                    }
                }
            }
            bp[by * bw + bx] = point;
        }
    }
    // Each block's threshold: the mean black point of the 5×5 blocks round it.
    let mut thr = vec![0u8; bw * bh];
    for by in 0..bh {
        let cy = by.clamp(2, bh - 3);
        for bx in 0..bw {
            let cx = bx.clamp(2, bw - 3);
            let mut sum = 0u32;
            for yy in cy - 2..=cy + 2 {
                sum += bp[yy * bw + cx - 2..=yy * bw + cx + 2].iter().sum::<u32>();
            }
            thr[by * bw + bx] = (sum / 25).min(255) as u8;
        }
    }
    let mut m = BitMatrix::new(u32::try_from(w).ok()?, u32::try_from(h).ok()?).ok()?;
    let mut row = BitArray::with_size(w);
    // Each pixel's threshold for the current block row, and the pixels'
    // dark flags (0 or 1) of the current image row: both element by element.
    let mut row_thr = vec![0u8; w];
    let mut flags = vec![0u8; w];
    for y in 0..h {
        if y % B == 0 {
            let by = (y / B).min(bh - 1);
            let trow = thr.get(by * bw..(by + 1) * bw)?;
            for (x, t) in row_thr.iter_mut().enumerate() {
                *t = trow[(x / B).min(bw - 1)];
            }
        }
        let line = px.get(y * w..(y + 1) * w)?;
        for ((f, &p), &t) in flags.iter_mut().zip(line).zip(&row_thr) {
            *f = u8::from(p <= t);
        }
        for (k, chunk) in flags.chunks(WORD).enumerate() {
            let mut acc = 0u64;
            for (g, group) in chunk.chunks(8).enumerate() {
                acc |= gather(group) << (8 * g);
            }
            row.setBulk(k * WORD, BitFieldBaseType::try_from(acc).ok()?);
        }
        m.setRow(y as u32, &row);
    }
    Some(m)
}

/// Up to eight 0/1 bytes as the bits of one byte, first in bit 0: each
/// byte's low bit lands in its own bit of the top byte of one product.
fn gather(group: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(group) {
        Ok(g) => u64::from_le_bytes(g).wrapping_mul(0x0102_0408_1020_4080) >> 56,
        Err(_) => group
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &f)| acc | (u64::from(f & 1) << i)),
    }
}

/// Pixels per word of rxing's bit matrix.
const WORD: usize = BitFieldBaseType::BITS as usize;

/// Up to one word of pixels, first pixel in the lowest bit.
fn word(dark: impl Iterator<Item = bool>) -> BitFieldBaseType {
    dark.enumerate()
        .fold(0, |acc, (i, d)| acc | (BitFieldBaseType::from(d) << i))
}

/// Our row-major binary image as the detector's bit matrix (dark set, or
/// light set when `invert`), a word at a time.
pub(crate) fn to_bitmatrix(bits: &Bits, invert: bool) -> Option<BitMatrix> {
    let (w, h) = (bits.width, bits.height);
    if bits.dark.len() != w.checked_mul(h)? {
        return None;
    }
    let mut m = BitMatrix::new(u32::try_from(w).ok()?, u32::try_from(h).ok()?).ok()?;
    let mut row = BitArray::with_size(w);
    for y in 0..h {
        let line = bits.dark.get(y * w..(y + 1) * w)?;
        for (k, c) in line.chunks(WORD).enumerate() {
            row.setBulk(k * WORD, word(c.iter().map(|&d| d != invert)));
        }
        m.setRow(y as u32, &row);
    }
    Some(m)
}

/// Otsu's global threshold.
pub(crate) fn otsu(img: &GrayImage) -> Bits {
    let mut hist = [0u64; 256];
    for &p in img.pixels() {
        hist[usize::from(p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut thr) = (0f64, 0f64, -1f64, 127usize);
    for (t, &c) in hist.iter().enumerate() {
        w_b += c as f64;
        if w_b == 0.0 {
            continue;
        }
        let w_f = total as f64 - w_b;
        if w_f == 0.0 {
            break;
        }
        sum_b += t as f64 * c as f64;
        let m_b = sum_b / w_b;
        let m_f = (sum_all - sum_b) / w_f;
        let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
        if between > best {
            best = between;
            thr = t;
        }
    }
    Bits {
        width: img.width(),
        height: img.height(),
        dark: img
            .pixels()
            .iter()
            .map(|&p| usize::from(p) <= thr)
            .collect(),
    }
}

/// The middle grey class of a three-class Otsu split (Otsu 1979, the
/// multi-level form: the two thresholds that maximise the between-class
/// variance of three classes) as dark, both outer classes as light.
///
/// For the scene a fixed camera sees on a ward: a faint label (ink only a
/// little darker than its paper) on a background darker than the ink — a
/// blanket, a sleeve, a tray. Every threshold that calls the background dark
/// swallows the quiet zone; every local window that reaches the background
/// calls the faint ink light. Three global classes separate background, ink
/// and paper, and only the ink is dark. `None` when the middle class is tiny
/// (no such scene here).
pub(crate) fn otsu_band(img: &GrayImage) -> Option<Bits> {
    let mut hist = [0f64; 256];
    for &p in img.pixels() {
        hist[usize::from(p)] += 1.0;
    }
    // Prefix counts and sums: class [a, b) weight and sum in O(1).
    let mut cw = [0f64; 257];
    let mut cs = [0f64; 257];
    for i in 0..256 {
        cw[i + 1] = cw[i] + hist[i];
        cs[i + 1] = cs[i] + hist[i] * i as f64;
    }
    let class = |a: usize, b: usize| {
        let w = cw[b] - cw[a];
        if w > 0.0 {
            let m = (cs[b] - cs[a]) / w;
            w * m * m
        } else {
            0.0
        }
    };
    // Maximising the sum of w·m² over the classes is maximising the
    // between-class variance (the total mean is fixed).
    let (mut best, mut t1, mut t2) = (-1f64, 0usize, 0usize);
    for a in 1..255 {
        let left = class(0, a);
        for b in a + 1..256 {
            let v = left + class(a, b) + class(b, 256);
            if v > best {
                best = v;
                t1 = a;
                t2 = b;
            }
        }
    }
    let total = cw[256];
    if total <= 0.0 || (cw[t2] - cw[t1]) < total * 0.002 {
        return None;
    }
    Some(Bits {
        width: img.width(),
        height: img.height(),
        dark: img
            .pixels()
            .iter()
            .map(|&p| (t1..t2).contains(&usize::from(p)))
            .collect(),
    })
}

/// Stretches grey levels so the 1st and 99th percentiles span 0–255.
pub(crate) fn stretch(img: &GrayImage) -> GrayImage {
    let mut hist = [0usize; 256];
    for &p in img.pixels() {
        hist[usize::from(p)] += 1;
    }
    let n = img.pixels().len();
    let cut = n / 100;
    let (mut acc, mut lo) = (0usize, 0usize);
    for (i, &c) in hist.iter().enumerate() {
        acc += c;
        if acc > cut {
            lo = i;
            break;
        }
    }
    let (mut acc, mut hi) = (0usize, 255usize);
    for (i, &c) in hist.iter().enumerate().rev() {
        acc += c;
        if acc > cut {
            hi = i;
            break;
        }
    }
    if hi <= lo + 1 {
        return img.clone();
    }
    let span = (hi - lo) as u32;
    let px = img
        .pixels()
        .iter()
        .map(|&p| ((u32::from(p).clamp(lo as u32, hi as u32) - lo as u32) * 255 / span) as u8)
        .collect();
    GrayImage::from_raw(img.width(), img.height(), px).unwrap_or_else(|_| img.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Background 100, paper 200, faint ink 175 in a 10×10 square on the paper.
    fn faint_label() -> GrayImage {
        let (w, h) = (80, 60);
        let mut px = vec![100u8; w * h];
        for y in 10..50 {
            for x in 20..60 {
                px[y * w + x] = if (30..40).contains(&y) && (35..45).contains(&x) {
                    175
                } else {
                    200
                };
            }
        }
        GrayImage::from_raw(w, h, px).unwrap()
    }

    #[test]
    fn gathered_flags_keep_their_order() {
        for pat in 0u32..256 {
            let g: [u8; 8] = core::array::from_fn(|i| ((pat >> i) & 1) as u8);
            assert_eq!(gather(&g), u64::from(pat));
            assert_eq!(gather(&g[..5]), u64::from(pat & 0x1f));
        }
    }

    #[test]
    fn block_threshold_reads_a_checkerboard() {
        // 8-pixel squares of 40 and 210: dark where 40.
        let (w, h) = (96, 64);
        let px: Vec<u8> = (0..w * h)
            .map(|i| {
                if ((i % w) / 8 + (i / w) / 8) % 2 == 0 {
                    40
                } else {
                    210
                }
            })
            .collect();
        let img = GrayImage::from_raw(w, h, px.clone()).unwrap();
        let m = block(&img).unwrap();
        for y in 0..h {
            for x in 0..w {
                assert_eq!(m.get(x as u32, y as u32), px[y * w + x] == 40, "({x},{y})");
            }
        }
        assert!(block(&GrayImage::from_raw(39, 39, vec![0; 39 * 39]).unwrap()).is_none());
    }

    #[test]
    fn otsu_band_marks_only_the_faint_ink() {
        let img = faint_label();
        let b = otsu_band(&img).unwrap();
        for y in 0..img.height() {
            for x in 0..img.width() {
                let ink = (30..40).contains(&y) && (35..45).contains(&x);
                assert_eq!(b.dark[y * img.width() + x], ink, "({x},{y})");
            }
        }
    }

    #[test]
    fn mean_offset_leaves_flat_areas_light_at_any_level() {
        let img = faint_label();
        let b = mean_offset(&img, 8, 9.0, 0.25);
        // Flat background and flat paper far from the ink: light.
        assert!(!b.dark[5 * img.width() + 5]);
        assert!(!b.dark[12 * img.width() + 22]);
        // The ink's centre: dark.
        assert!(b.dark[35 * img.width() + 40]);
    }
}
