//! Sampling a Data Matrix grid from its timing patterns, for symbols whose
//! modules are not evenly spaced in the image.
//!
//! rxing's detector samples the module grid through one perspective transform
//! from the four corners it traced. That assumes the modules are evenly spaced
//! between the corners, which is false on a wristband: wrapped round a wrist,
//! the columns near the band's edges are foreshortened and the middle ones are
//! not, so the sampling points drift half a module off and the symbol fails to
//! decode although every module is plainly visible.
//!
//! The symbol itself says where its modules are. The top row and the right
//! column alternate dark and light, one module each (ISO/IEC 16022, the
//! alignment patterns; its reference decode algorithm also finds the grid
//! from them). So, in the frame rectified by the corners, this walks along the
//! top row and along the right column, takes each module's centre from the
//! dark and light runs actually seen there, and samples every module at the
//! crossing of its column's and its row's centre. A warp along either axis of
//! the symbol (the band curves one way) is followed exactly; the module count
//! comes from the runs too, so a dimension the detector misjudged is
//! corrected. The grid still has to pass the decoder's Reed–Solomon check,
//! so a poor grid is a miss, never a wrong read.

use rxing::common::BitMatrix;

use super::image::GrayImage;
use super::symbol::Point;

/// Homography taking the unit square (u, v) to the quadrilateral `q` =
/// [(0,0), (1,0), (1,1), (0,1)] images, after Heckbert's square-to-quad
/// mapping (Heckbert, "Fundamentals of Texture Mapping and Image Warping",
/// 1989): x = (a·u + b·v + c) / (g·u + h·v + 1), likewise y with d, e, f.
/// Also the damaged-image generator's camera model (`synth`, inverted there).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SquareToQuad {
    m: [f64; 8],
}

impl SquareToQuad {
    /// `None` for a quadrilateral with no such mapping (collapsed to a line).
    pub(crate) fn new(q: [(f64, f64); 4]) -> Option<SquareToQuad> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let sx = x0 - x1 + x2 - x3;
        let sy = y0 - y1 + y2 - y3;
        let m = if sx.abs() < 1e-9 && sy.abs() < 1e-9 {
            [x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0.0, 0.0]
        } else {
            let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
            let den = dx1 * dy2 - dx2 * dy1;
            if den.abs() < 1e-9 {
                return None;
            }
            let g = (sx * dy2 - dx2 * sy) / den;
            let h = (dx1 * sy - sx * dy1) / den;
            [
                x1 - x0 + g * x1,
                x3 - x0 + h * x3,
                x0,
                y1 - y0 + g * y1,
                y3 - y0 + h * y3,
                y0,
                g,
                h,
            ]
        };
        m.iter()
            .all(|v| v.is_finite())
            .then_some(SquareToQuad { m })
    }

    /// The 3×3 matrix, row-major, last element 1.
    #[cfg(feature = "synth")]
    pub(crate) fn matrix(&self) -> [f64; 9] {
        let [a, b, c, d, e, f, g, h] = self.m;
        [a, b, c, d, e, f, g, h, 1.0]
    }

    fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h] = self.m;
        let w = g * u + h * v + 1.0;
        ((a * u + b * v + c) / w, (d * u + e * v + f) / w)
    }
}

/// Reads the binary image at an image point; outside it is light.
fn dark_at(image: &BitMatrix, (x, y): (f64, f64)) -> bool {
    if !(x.is_finite() && y.is_finite()) || x < 0.0 || y < 0.0 {
        return false;
    }
    let (xi, yi) = (x as u32, y as u32);
    xi < image.getWidth() && yi < image.getHeight() && image.get(xi, yi)
}

/// Samples per expected module along a timing pattern.
const OVERSAMPLE: usize = 12;

/// The runs along a line: (dark, start, end) in sample indices, end exclusive.
fn runs(bits: &[bool]) -> Vec<(bool, usize, usize)> {
    let mut out: Vec<(bool, usize, usize)> = Vec::new();
    for (i, &b) in bits.iter().enumerate() {
        match out.last_mut() {
            Some(r) if r.0 == b => r.2 = i + 1,
            _ => out.push((b, i, i + 1)),
        }
    }
    out
}

/// Module centres (as fractions of the line) from an alternating timing
/// pattern sampled as `bits`, which must start with a `first`-coloured module
/// and alternate. Runs shorter than a third of a module (noise, a scratch)
/// are absorbed by their neighbours first. `None` unless the line shows a
/// plausible count of alternating modules of plausible, similar-ish sizes.
fn centres(bits: &[bool], first: bool, expected: usize) -> Option<Vec<f64>> {
    let n = bits.len();
    if n == 0 || expected == 0 {
        return None;
    }
    let module = n as f64 / expected as f64;
    let min_run = ((module / 3.0) as usize).max(1);
    let mut cleaned = bits.to_vec();
    // Absorb short runs, shortest first, until none is left (bounded: each
    // pass merges at least one run).
    for _ in 0..n {
        let rs = runs(&cleaned);
        let Some(&(dark, s, e)) = rs
            .iter()
            .enumerate()
            .filter(|(i, r)| r.2 - r.1 < min_run && *i != 0 && *i != rs.len() - 1)
            .min_by_key(|(_, r)| r.2 - r.1)
            .map(|(_, r)| r)
        else {
            break;
        };
        for b in &mut cleaned[s..e] {
            *b = !dark;
        }
    }
    let mut rs = runs(&cleaned);
    // A sliver of the wrong colour at either end is the corner estimate
    // overshooting into the quiet zone or the neighbouring module: drop it.
    if rs
        .first()
        .is_some_and(|r| r.0 != first && r.2 - r.1 < min_run * 2)
    {
        rs.remove(0);
    }
    if rs
        .last()
        .is_some_and(|r| r.2 - r.1 < min_run && rs.len() > 1)
    {
        rs.pop();
    }
    if rs.first().map(|r| r.0) != Some(first) {
        return None;
    }
    let count = rs.len();
    // Both timing patterns have an even number of modules and end on the
    // colour opposite to where they start.
    if !(8..=144).contains(&count) || !count.is_multiple_of(2) {
        return None;
    }
    // Runs may vary (that is the point: foreshortening), but not wildly.
    let (lo, hi) = rs.iter().fold((usize::MAX, 0), |(lo, hi), r| {
        (lo.min(r.2 - r.1), hi.max(r.2 - r.1))
    });
    if hi > lo * 4 {
        return None;
    }
    Some(
        rs.iter()
            .map(|r| (r.1 + r.2) as f64 / 2.0 / n as f64)
            .collect(),
    )
}

/// Samples `steps` points along the segment (u0, v0)-(u1, v1) of the unit
/// square, each the majority of three reads spread across the line by
/// `spread` (in unit-square units) so a single noisy pixel cannot flip it.
fn profile(
    image: &BitMatrix,
    t: &SquareToQuad,
    (u0, v0): (f64, f64),
    (u1, v1): (f64, f64),
    steps: usize,
    across: (f64, f64),
) -> Vec<bool> {
    (0..steps)
        .map(|k| {
            let f = (k as f64 + 0.5) / steps as f64;
            let (u, v) = (u0 + (u1 - u0) * f, v0 + (v1 - v0) * f);
            let votes = [-1.0, 0.0, 1.0]
                .iter()
                .filter(|&&s| dark_at(image, t.map(u + s * across.0, v + s * across.1)))
                .count();
            votes >= 2
        })
        .collect()
}

/// The unit-square frame of a detected candidate: `corners` are the
/// detector's top-left, top-right, bottom-right and bottom-left in the
/// symbol's own frame (the solid L on the left and bottom), on the outer edge
/// of the modules.
fn frame(corners: &[Point]) -> Option<SquareToQuad> {
    let [tl, tr, br, bl] = corners else {
        return None;
    };
    let q = |p: &Point| (f64::from(p.x), f64::from(p.y));
    SquareToQuad::new([q(tl), q(tr), q(br), q(bl)])
}

/// Column and row centres (fractions of the symbol's width and height) read
/// from the timing patterns on the binary image, starting from the
/// detector's estimate of `cols` × `rows`; `None` when the patterns cannot be
/// followed.
pub(crate) fn timing_centres(
    image: &BitMatrix,
    corners: &[Point],
    cols: usize,
    rows: usize,
) -> Option<(Vec<f64>, Vec<f64>)> {
    if !(8..=144).contains(&cols) || !(8..=144).contains(&rows) {
        return None;
    }
    let t = frame(corners)?;
    // Along the top row: dark first (the corner of the solid L).
    let v_top = 0.5 / rows as f64;
    let top = profile(
        image,
        &t,
        (0.0, v_top),
        (1.0, v_top),
        cols * OVERSAMPLE,
        (0.0, 0.2 / rows as f64),
    );
    let col_centres = centres(&top, true, cols)?;
    // Down the right column, at its measured centre: light first (the top
    // right module), dark last (the corner of the solid bottom edge).
    let u_right = *col_centres.last()?;
    let right = profile(
        image,
        &t,
        (u_right, 0.0),
        (u_right, 1.0),
        rows * OVERSAMPLE,
        (0.2 / col_centres.len() as f64, 0.0),
    );
    let row_centres = centres(&right, false, rows)?;
    Some((col_centres, row_centres))
}

/// Evenly spaced module centres for `n` modules.
pub(crate) fn even_centres(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect()
}

/// Samples the binary image at every (column, row) centre: the module grid,
/// finder pattern included.
pub(crate) fn sample_binary(
    image: &BitMatrix,
    corners: &[Point],
    cols: &[f64],
    rows: &[f64],
) -> Option<BitMatrix> {
    let t = frame(corners)?;
    let mut grid = BitMatrix::new(cols.len() as u32, rows.len() as u32).ok()?;
    for (j, &v) in rows.iter().enumerate() {
        for (i, &u) in cols.iter().enumerate() {
            if dark_at(image, t.map(u, v)) {
                grid.set(i as u32, j as u32);
            }
        }
    }
    Some(grid)
}

/// Grey level at an image point, bilinearly interpolated; `None` outside.
fn grey_at(img: &GrayImage, (x, y): (f64, f64)) -> Option<f64> {
    let (w, h) = (img.width(), img.height());
    if !(x.is_finite() && y.is_finite()) || w < 2 || h < 2 {
        return None;
    }
    let (fx, fy) = (x - 0.5, y - 0.5);
    if fx < 0.0 || fy < 0.0 || fx > (w - 1) as f64 || fy > (h - 1) as f64 {
        return None;
    }
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (tx, ty) = (fx - x0 as f64, fy - y0 as f64);
    let p = |xx: usize, yy: usize| f64::from(img.get(xx, yy));
    let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
    let bottom = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
    Some(top * (1.0 - ty) + bottom * ty)
}

/// Samples the *grey* image at every (column, row) centre and decides each
/// module against a threshold halfway between the grid's own two-class
/// (Otsu) split and the mean of its 5×5-module neighbourhood. A blurred
/// isolated module loses its pixels to any image-wide threshold, but its
/// centre stays darker (or lighter) than its neighbours: deciding per module,
/// after sampling, keeps it. `None` when a centre falls outside the image or
/// the grid has no contrast.
pub(crate) fn sample_grey(
    img: &GrayImage,
    corners: &[Point],
    cols: &[f64],
    rows: &[f64],
) -> Option<BitMatrix> {
    let t = frame(corners)?;
    let (nc, nr) = (cols.len(), rows.len());
    let mut v = Vec::with_capacity(nc * nr);
    for &row in rows {
        for &col in cols {
            v.push(grey_at(img, t.map(col, row))?);
        }
    }
    // Otsu over the samples themselves.
    let (lo, hi) = v
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    if hi - lo < 8.0 {
        return None;
    }
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    let (mut best, mut global, mut left) = (-1.0, (lo + hi) / 2.0, 0.0);
    for k in 1..sorted.len() {
        left += sorted[k - 1];
        let (wl, wr) = (k as f64, (sorted.len() - k) as f64);
        let (ml, mr) = (left / wl, (total - left) / wr);
        let between = wl * wr * (ml - mr) * (ml - mr);
        if between > best {
            best = between;
            global = (sorted[k - 1] + sorted[k]) / 2.0;
        }
    }
    let mut grid = BitMatrix::new(nc as u32, nr as u32).ok()?;
    for j in 0..nr {
        for i in 0..nc {
            let (j0, j1) = (j.saturating_sub(2), (j + 3).min(nr));
            let (i0, i1) = (i.saturating_sub(2), (i + 3).min(nc));
            let mut sum = 0.0;
            for jj in j0..j1 {
                sum += v[jj * nc + i0..jj * nc + i1].iter().sum::<f64>();
            }
            let local = sum / ((j1 - j0) * (i1 - i0)) as f64;
            if v[j * nc + i] < (global + local) / 2.0 {
                grid.set(i as u32, j as u32);
            }
        }
    }
    Some(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_square_maps_to_its_corners() {
        let q = [(10.0, 20.0), (110.0, 30.0), (120.0, 140.0), (5.0, 120.0)];
        let t = SquareToQuad::new(q).unwrap();
        for ((u, v), (x, y)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .into_iter()
            .zip(q)
        {
            let (mx, my) = t.map(u, v);
            assert!((mx - x).abs() < 1e-6 && (my - y).abs() < 1e-6, "{u},{v}");
        }
    }

    #[test]
    fn centres_follow_uneven_runs_and_ignore_specks() {
        // Ten modules, the outer ones foreshortened to half width, one
        // single-sample speck in the middle.
        let widths = [6, 9, 12, 12, 12, 12, 12, 12, 9, 6];
        let mut bits = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            bits.extend(std::iter::repeat_n(i % 2 == 0, *w));
        }
        bits[50] = !bits[50];
        let c = centres(&bits, true, 10).unwrap();
        assert_eq!(c.len(), 10);
        let n = bits.len() as f64;
        assert!((c[0] - 3.0 / n).abs() < 1e-9);
        assert!((c[9] - (n - 3.0) / n).abs() < 1e-9);
    }

    #[test]
    fn a_line_that_does_not_alternate_is_refused() {
        assert!(centres(&[true; 120], true, 10).is_none());
        // Starts light where dark is required.
        let bits: Vec<bool> = (0..120).map(|i| (i / 12) % 2 == 1).collect();
        assert!(centres(&bits, true, 10).is_none());
    }
}
