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
        Integral { w1, sum, sq }
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
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            let (s, _) = ii.rect(x0, y0, x1, y1);
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
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as f64;
            let (s, q) = ii.rect(x0, y0, x1, y1);
            let m = s as f64 / n;
            let var = (q as f64 / n - m * m).max(0.0);
            let sd = var.sqrt();
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
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as f64;
            let (s, q) = ii.rect(x0, y0, x1, y1);
            let m = s as f64 / n;
            let sd = (q as f64 / n - m * m).max(0.0).sqrt();
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
