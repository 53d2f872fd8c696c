//! Deterministic test material (feature `synth`): realistic GS1 payloads for
//! NHS wards, and a generator of damaged camera-like images of a symbol.
//!
//! ```
//! use bedside_barcode::synth::{payloads, Damage, render_scene};
//! let p = payloads(7, 8);
//! assert_eq!(p.len(), 8);
//! let m = bedside_gs1::parse_bracketed(&p[0]).unwrap();
//! let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
//! let img = render_scene(s.matrix(), Damage::Rotation, 1);
//! assert_eq!((img.width(), img.height()), (640, 480));
//! ```

use bedside_gs1::lint::gs1_check_digit;

use crate::matrix::ModuleMatrix;
use crate::reader::GrayImage;

/// SplitMix64: small, seedable, good enough for test material.
///
/// ```
/// let mut r = bedside_barcode::synth::Rng::new(1);
/// assert!(r.unit() < 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    ///
    /// ```
    /// let a = bedside_barcode::synth::Rng::new(5).next_u64();
    /// assert_eq!(a, bedside_barcode::synth::Rng::new(5).next_u64());
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut r = bedside_barcode::synth::Rng::new(1);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    ///
    /// ```
    /// let mut r = bedside_barcode::synth::Rng::new(2);
    /// let u = r.unit();
    /// assert!((0.0..1.0).contains(&u));
    /// ```
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    ///
    /// ```
    /// let mut r = bedside_barcode::synth::Rng::new(3);
    /// assert!((2.0..3.0).contains(&r.range(2.0, 3.0)));
    /// ```
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer below `n` (0 when `n` is 0).
    ///
    /// ```
    /// let mut r = bedside_barcode::synth::Rng::new(4);
    /// assert!(r.below(10) < 10);
    /// ```
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Standard normal (Box–Muller).
    ///
    /// ```
    /// let mut r = bedside_barcode::synth::Rng::new(6);
    /// assert!(r.normal().abs() < 10.0);
    /// ```
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * core::f64::consts::PI * u2).cos()
    }
}

fn digits(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.below(10) as u8))
        .collect()
}

fn with_check(body: &str) -> String {
    let mut s = body.to_owned();
    s.push('0');
    let c = gs1_check_digit(s.as_bytes()).unwrap_or(b'0');
    s.pop();
    s.push(char::from(c));
    s
}

const CSET82_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./_";
const NAMES: [&str; 8] = [
    "Smith",
    "O'Neill",
    "Jones",
    "M%C3%BCller",
    "Patel",
    "Nowak",
    "Okafor",
    "Williams-Ba",
];
const GIVEN: [&str; 6] = ["Amelia", "Oliver", "Zo%C3%AB", "Mohammed", "Ava", "Jack"];

fn mixed(r: &mut Rng, lo: usize, hi: usize) -> String {
    let n = lo + r.below(hi - lo + 1);
    (0..n)
        .map(|_| char::from(CSET82_SAFE[r.below(CSET82_SAFE.len())]))
        .collect()
}

/// `n` bracketed GS1 payloads, cycling through the four ward kinds:
/// wristbands (8018 + 8019 + 7250–7259), medicine packs (01 + 17 + 10 + 21,
/// mixed-case serials), packs with a national healthcare reimbursement
/// number (01 + 710–717) and locations (414 + 254). Every payload is valid.
///
/// ```
/// for p in bedside_barcode::synth::payloads(1, 40) {
///     bedside_gs1::parse_bracketed(&p).unwrap();
/// }
/// ```
pub fn payloads(seed: u64, n: usize) -> Vec<String> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|i| match i % 4 {
            0 => wristband(&mut r),
            1 => {
                let gtin = with_check(&format!("0{}", digits(&mut r, 12)));
                let (yy, mm, dd) = (25 + r.below(10), 1 + r.below(12), r.below(29));
                let batch = mixed(&mut r, 1, 12);
                let serial = mixed(&mut r, 4, 20);
                format!("(01){gtin}(17){yy:02}{mm:02}{dd:02}(10){batch}(21){serial}")
            }
            2 => format!(
                "(01){}({}){}",
                with_check(&format!("0{}", digits(&mut r, 12))),
                710 + r.below(8),
                mixed(&mut r, 3, 20)
            ),
            _ => format!(
                "(414){}(254){}",
                with_check(&format!("50{}", digits(&mut r, 10))),
                mixed(&mut r, 1, 20)
            ),
        })
        .collect()
}

fn wristband(r: &mut Rng) -> String {
    let mut s = format!("(8018){}", with_check(&format!("50{}", digits(r, 15))));
    if r.below(3) > 0 {
        s += &format!("(8019){}", 1 + r.below(99_999));
    }
    match r.below(4) {
        0 => {
            s += &format!(
                "(7250){}{:02}{:02}",
                1930 + r.below(95),
                1 + r.below(12),
                1 + r.below(28)
            );
            s += &format!("(7252){}", [0, 1, 2, 9][r.below(4)]);
            s += &format!(
                "(7253){}(7254){}",
                NAMES[r.below(NAMES.len())],
                GIVEN[r.below(GIVEN.len())]
            );
        }
        1 => {
            s += &format!(
                "(7256){}%20{}",
                GIVEN[r.below(GIVEN.len())],
                NAMES[r.below(NAMES.len())]
            );
            s += &format!("(7257){}%20High%20St", 1 + r.below(200));
        }
        2 => {
            s += &format!(
                "(7259)Baby%20{}(7258){}/{}",
                NAMES[r.below(NAMES.len())],
                1,
                2
            );
            s += &format!(
                "(7250){}{:02}{:02}",
                2020 + r.below(6),
                1 + r.below(12),
                1 + r.below(28)
            );
        }
        _ => {
            s += &format!(
                "(7253){}(7254){}(7255)Jr",
                NAMES[r.below(NAMES.len())],
                GIVEN[r.below(GIVEN.len())]
            );
        }
    }
    s
}

/// The damage classes of the benchmark.
///
/// ```
/// assert_eq!(bedside_barcode::synth::Damage::ALL.len(), 13);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Damage {
    /// Upright, 4 px/module, nothing else.
    Clean,
    /// Any rotation angle.
    Rotation,
    /// Down to 1.5 px/module.
    SmallModules,
    /// Perspective (the camera not square to the label).
    Perspective,
    /// Defocus blur.
    Blur,
    /// Sensor noise.
    Noise,
    /// Grey ink on grey paper.
    LowContrast,
    /// A lighting gradient and a specular glare spot.
    UnevenLight,
    /// Part of the symbol covered (finger, crease, label edge).
    Occlusion,
    /// Printed on a wristband: wrapped round a cylinder.
    Cylinder,
    /// Light modules on a dark background.
    Inverted,
    /// Text and lines intruding on the quiet zone.
    Clutter,
    /// Rotation, mild blur and noise together.
    Combined,
}

impl Damage {
    /// Every class, in report order.
    pub const ALL: [Damage; 13] = [
        Damage::Clean,
        Damage::Rotation,
        Damage::SmallModules,
        Damage::Perspective,
        Damage::Blur,
        Damage::Noise,
        Damage::LowContrast,
        Damage::UnevenLight,
        Damage::Occlusion,
        Damage::Cylinder,
        Damage::Inverted,
        Damage::Clutter,
        Damage::Combined,
    ];

    /// A short name for reports.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::synth::Damage::LowContrast.name(), "low-contrast");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Damage::Clean => "clean",
            Damage::Rotation => "rotation",
            Damage::SmallModules => "small-modules",
            Damage::Perspective => "perspective",
            Damage::Blur => "blur",
            Damage::Noise => "noise",
            Damage::LowContrast => "low-contrast",
            Damage::UnevenLight => "uneven-light",
            Damage::Occlusion => "occlusion",
            Damage::Cylinder => "cylinder",
            Damage::Inverted => "inverted",
            Damage::Clutter => "clutter",
            Damage::Combined => "combined",
        }
    }
}

fn invert3(m: [f64; 9]) -> [f64; 9] {
    let [a, b, c, d, e, f, g, h, i] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    let k = if det.abs() < 1e-18 { 0.0 } else { 1.0 / det };
    [
        (e * i - f * h) * k,
        (c * h - b * i) * k,
        (b * f - c * e) * k,
        (f * g - d * i) * k,
        (a * i - c * g) * k,
        (c * d - a * f) * k,
        (d * h - e * g) * k,
        (b * g - a * h) * k,
        (a * e - b * d) * k,
    ]
}

/// Renders `matrix` into a 640×480 camera-like frame with the given damage;
/// the same (`matrix`, `damage`, `seed`) always gives the same image.
///
/// ```
/// use bedside_barcode::{ModuleMatrix, synth::{render_scene, Damage}};
/// let img = render_scene(&ModuleMatrix::new(10, 10), Damage::Noise, 3);
/// assert_eq!(img.pixels().len(), 640 * 480);
/// ```
pub fn render_scene(matrix: &ModuleMatrix, damage: Damage, seed: u64) -> GrayImage {
    render_scene_sized(matrix, damage, seed, 640, 480)
}

/// [`render_scene`] into a frame of any size (at least 400×400 for the
/// symbol to fit: the scene is laid out round the centre as at 640×480;
/// 640×480 gives exactly [`render_scene`]'s image).
///
/// ```
/// use bedside_barcode::{ModuleMatrix, synth::{render_scene_sized, Damage}};
/// let img = render_scene_sized(&ModuleMatrix::new(10, 10), Damage::Clean, 3, 1280, 720);
/// assert_eq!((img.width(), img.height()), (1280, 720));
/// ```
pub fn render_scene_sized(
    matrix: &ModuleMatrix,
    damage: Damage,
    seed: u64,
    width: usize,
    height: usize,
) -> GrayImage {
    let (fw, fh) = (width.max(400), height.max(400));
    let mut r = Rng::new(seed.wrapping_mul(31).wrapping_add(damage as u64));
    let q = 2.0; // quiet zone drawn as paper, in modules
    let (mw, mh) = (
        matrix.width() as f64 + 2.0 * q,
        matrix.height() as f64 + 2.0 * q,
    );
    let module_px = match damage {
        Damage::SmallModules => r.range(1.5, 2.0),
        Damage::Clean => 4.0,
        _ => r.range(3.0, 5.0).min(380.0 / mw.max(mh)),
    };
    let angle = match damage {
        Damage::Rotation | Damage::Combined | Damage::Perspective | Damage::Cylinder => {
            r.range(0.0, 2.0 * core::f64::consts::PI)
        }
        Damage::Clean => 0.0,
        _ => r.range(-0.15, 0.15),
    };
    let (cx, cy) = (
        fw as f64 / 2.0 + r.range(-60.0, 60.0),
        fh as f64 / 2.0 + r.range(-40.0, 40.0),
    );
    let (sw, sh) = (mw * module_px, mh * module_px);
    let (ca, sa) = (angle.cos(), angle.sin());
    let corner = |u: f64, v: f64| {
        let (x, y) = ((u - 0.5) * sw, (v - 0.5) * sh);
        (cx + x * ca - y * sa, cy + x * sa + y * ca)
    };
    let mut quad = [
        corner(0.0, 0.0),
        corner(1.0, 0.0),
        corner(1.0, 1.0),
        corner(0.0, 1.0),
    ];
    if damage == Damage::Perspective {
        // Shrink one edge: a tilt of the label plane of up to ~45°.
        let t = r.range(0.15, 0.35);
        let edge = r.below(4);
        let (a, b) = (edge, (edge + 1) % 4);
        let (pa, pb) = (quad[a], quad[b]);
        let mid = ((pa.0 + pb.0) / 2.0, (pa.1 + pb.1) / 2.0);
        quad[a] = (pa.0 + (mid.0 - pa.0) * t, pa.1 + (mid.1 - pa.1) * t);
        quad[b] = (pb.0 + (mid.0 - pb.0) * t, pb.1 + (mid.1 - pb.1) * t);
    }
    // The reader's own unit-square-to-quad homography, inverted: image → label.
    let inv =
        crate::reader::timing::SquareToQuad::new(quad).map_or([0.0; 9], |t| invert3(t.matrix()));
    // Cylinder: the label wraps round an axis through the centre, along v.
    let radius = sw / r.range(1.2, 1.9);
    let (paper, ink) = match damage {
        Damage::LowContrast => {
            let p = r.range(140.0, 200.0);
            (p, p - r.range(18.0, 40.0))
        }
        _ => (r.range(200.0, 240.0), r.range(15.0, 50.0)),
    };
    let background = r.range(90.0, 170.0);
    // Super-sampled coverage of dark ink at an image point.
    let sample = |x: f64, y: f64| -> Option<f64> {
        let (mut x, mut y) = (x, y);
        if damage == Damage::Cylinder {
            // Unwrap: the image x offset from the axis is radius·sin(arc/radius).
            let (dx, dy) = (x - cx, y - cy);
            let (ux, uy) = (dx * ca + dy * sa, -dx * sa + dy * ca);
            if ux.abs() >= radius {
                return None;
            }
            let arc = radius * (ux / radius).asin();
            x = cx + arc * ca - uy * sa;
            y = cy + arc * sa + uy * ca;
        }
        let den = inv[6] * x + inv[7] * y + inv[8];
        let u = (inv[0] * x + inv[1] * y + inv[2]) / den;
        let v = (inv[3] * x + inv[4] * y + inv[5]) / den;
        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
            return None;
        }
        let (mx, my) = (u * mw - q, v * mh - q);
        if mx < 0.0 || my < 0.0 {
            return Some(0.0);
        }
        Some(if matrix.get(mx as usize, my as usize) {
            1.0
        } else {
            0.0
        })
    };
    let mut img = vec![0f64; fw * fh];
    for y in 0..fh {
        for x in 0..fw {
            let mut acc = 0.0;
            let mut inside = 0;
            for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                if let Some(c) = sample(x as f64 + ox, y as f64 + oy) {
                    acc += c;
                    inside += 1;
                }
            }
            let cov = acc / 4.0;
            let paper_part = inside as f64 / 4.0;
            let mut v = background * (1.0 - paper_part) + paper * (paper_part - cov) + ink * cov;
            if damage == Damage::Cylinder && paper_part > 0.0 {
                let ux = ((x as f64 - cx) * ca + (y as f64 - cy) * sa) / radius;
                v *= 0.55 + 0.45 * (1.0 - ux * ux).max(0.0).sqrt();
            }
            img[y * fw + x] = v;
        }
    }
    match damage {
        Damage::Occlusion => {
            // One blob over 8–14 % of the symbol, away from the centre.
            let frac = r.range(0.08, 0.14);
            let side = (frac * sw * sh).sqrt();
            let (ox, oy) = (cx + r.range(-0.3, 0.3) * sw, cy + r.range(-0.3, 0.3) * sh);
            let shade = if r.below(2) == 0 { paper } else { ink + 30.0 };
            for y in 0..fh {
                for x in 0..fw {
                    if (x as f64 - ox).abs() < side / 2.0 && (y as f64 - oy).abs() < side / 2.0 {
                        img[y * fw + x] = shade;
                    }
                }
            }
        }
        Damage::Clutter => {
            // Lines and text-like blocks right up to the symbol's edge.
            for _ in 0..6 {
                let horizontal = r.below(2) == 0;
                let off = r.range(0.5, 1.6) * module_px;
                let side = r.below(2) == 0;
                let thick = r.range(1.0, 2.5) * module_px;
                for y in 0..fh {
                    for x in 0..fw {
                        let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                        let (ux, uy) = (dx * ca + dy * sa, -dx * sa + dy * ca);
                        let edge = if horizontal {
                            sh / 2.0 - q * module_px + off
                        } else {
                            sw / 2.0 - q * module_px + off
                        };
                        let d = if horizontal { uy } else { ux };
                        let along = if horizontal { ux } else { uy };
                        let d = if side { d } else { -d };
                        if d > edge && d < edge + thick && along.abs() < r_clutter_len(sw, sh) {
                            img[y * fw + x] = ink;
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if matches!(damage, Damage::Blur | Damage::Combined) {
        let sigma = if damage == Damage::Blur {
            r.range(0.35, 0.6) * module_px
        } else {
            0.3 * module_px
        };
        img = gaussian(&img, fw, fh, sigma);
    }
    if damage == Damage::UnevenLight {
        let (gx, gy) = (r.range(-1.0, 1.0), r.range(-1.0, 1.0));
        let (hx, hy) = (cx + r.range(-0.3, 0.3) * sw, cy + r.range(-0.3, 0.3) * sh);
        let hr = r.range(0.15, 0.3) * sw;
        let strength = r.range(80.0, 160.0);
        for y in 0..fh {
            for x in 0..fw {
                let g = 1.0
                    + 0.45
                        * (gx * (x as f64 - cx) / fw as f64 + gy * (y as f64 - cy) / fh as f64)
                        * 2.0;
                let d2 = ((x as f64 - hx).powi(2) + (y as f64 - hy).powi(2)) / (hr * hr);
                let i = &mut img[y * fw + x];
                *i = *i * g.clamp(0.25, 1.6) + strength * (-d2).exp();
            }
        }
    }
    if matches!(damage, Damage::Noise | Damage::Combined) {
        let sd = if damage == Damage::Noise {
            r.range(18.0, 35.0)
        } else {
            12.0
        };
        for v in &mut img {
            *v += sd * r.normal();
        }
    }
    let mut px: Vec<u8> = img
        .iter()
        .map(|v| v.round().clamp(0.0, 255.0) as u8)
        .collect();
    if damage == Damage::Inverted {
        for p in &mut px {
            *p = 255 - *p;
        }
    }
    GrayImage::from_parts(fw, fh, px)
}

fn r_clutter_len(sw: f64, sh: f64) -> f64 {
    sw.max(sh) * 0.6
}

fn gaussian(img: &[f64], w: usize, h: usize, sigma: f64) -> Vec<f64> {
    let r = (3.0 * sigma).ceil().max(1.0) as isize;
    let k: Vec<f64> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let ks: f64 = k.iter().sum();
    let mut tmp = vec![0f64; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut a = 0.0;
            for (j, kv) in k.iter().enumerate() {
                let xx = (x as isize + j as isize - r).clamp(0, w as isize - 1) as usize;
                a += kv * img[y * w + xx];
            }
            tmp[y * w + x] = a / ks;
        }
    }
    let mut out = vec![0f64; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut a = 0.0;
            for (j, kv) in k.iter().enumerate() {
                let yy = (y as isize + j as isize - r).clamp(0, h as isize - 1) as usize;
                a += kv * tmp[yy * w + x];
            }
            out[y * w + x] = a / ks;
        }
    }
    out
}

/// Frames with no symbol in them, for the reader's gate.
///
/// ```
/// assert_eq!(bedside_barcode::synth::Background::ALL.len(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Background {
    /// One grey level.
    Uniform,
    /// A grey level with sensor noise (σ 5–35).
    Noise,
    /// Lines of text-like glyphs (strokes, 8–14 px high).
    Text,
    /// Horizontal and vertical lines and rules, 1–8 px thick.
    Lines,
    /// A 1-D barcode (bars of 2–8 px), as on a pack next to no Data Matrix.
    Barcode1D,
    /// A QR-like pattern: three nested-square finders and random modules.
    QrLike,
}

impl Background {
    /// Every kind, in report order.
    pub const ALL: [Background; 6] = [
        Background::Uniform,
        Background::Noise,
        Background::Text,
        Background::Lines,
        Background::Barcode1D,
        Background::QrLike,
    ];

    /// A short name for reports.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::synth::Background::Barcode1D.name(), "1d-barcode");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Background::Uniform => "blank",
            Background::Noise => "noise-only",
            Background::Text => "text",
            Background::Lines => "lines",
            Background::Barcode1D => "1d-barcode",
            Background::QrLike => "qr-like",
        }
    }
}

/// A frame with no Data Matrix in it; the same (`kind`, `seed`, size)
/// always gives the same image.
///
/// ```
/// use bedside_barcode::synth::{render_background, Background};
/// let img = render_background(Background::Text, 1, 640, 480);
/// assert_eq!(img.pixels().len(), 640 * 480);
/// ```
pub fn render_background(kind: Background, seed: u64, width: usize, height: usize) -> GrayImage {
    let (w, h) = (width.max(16), height.max(16));
    let mut r = Rng::new(seed.wrapping_mul(977).wrapping_add(kind as u64 + 101));
    let paper = r.range(150.0, 235.0);
    let ink = r.range(15.0, 60.0);
    let mut img = vec![paper; w * h];
    let fill = |img: &mut Vec<f64>, x0: f64, y0: f64, x1: f64, y1: f64, v: f64| {
        let (xa, xb) = (x0.max(0.0) as usize, (x1.max(0.0) as usize).min(w));
        let (ya, yb) = (y0.max(0.0) as usize, (y1.max(0.0) as usize).min(h));
        for y in ya..yb {
            for p in &mut img[y * w + xa.min(xb)..y * w + xb] {
                *p = v;
            }
        }
    };
    match kind {
        Background::Uniform => {}
        Background::Noise => {
            let sd = r.range(5.0, 35.0);
            for v in &mut img {
                *v += sd * r.normal();
            }
        }
        Background::Text => {
            let lines = 3 + r.below(6);
            let size = r.range(8.0, 14.0);
            let stroke = (size / 6.0).max(1.0);
            let mut y = r.range(10.0, 60.0);
            for _ in 0..lines {
                let mut x = r.range(10.0, 80.0);
                let end = x + r.range(150.0, w as f64 - 100.0);
                while x < end {
                    let cw = size * r.range(0.5, 0.8);
                    if r.below(6) == 0 {
                        x += cw; // a space
                        continue;
                    }
                    // A glyph: one to three strokes, vertical and horizontal.
                    for _ in 0..1 + r.below(3) {
                        if r.below(2) == 0 {
                            let sx = x + r.range(0.0, cw - stroke);
                            fill(&mut img, sx, y, sx + stroke, y + size, ink);
                        } else {
                            let sy = y + r.range(0.0, size - stroke);
                            fill(&mut img, x, sy, x + cw, sy + stroke, ink);
                        }
                    }
                    x += cw + stroke;
                }
                y += size * r.range(1.8, 3.0);
                if y + size >= h as f64 {
                    break;
                }
            }
        }
        Background::Lines => {
            for _ in 0..4 + r.below(8) {
                let thick = r.range(1.0, 8.0);
                let (a, b) = (r.range(0.0, 1.0), r.range(0.0, 1.0));
                let (lo, hi) = (a.min(b), a.max(b));
                if r.below(2) == 0 {
                    let y = r.range(0.0, h as f64);
                    fill(&mut img, lo * w as f64, y, hi * w as f64, y + thick, ink);
                } else {
                    let x = r.range(0.0, w as f64);
                    fill(&mut img, x, lo * h as f64, x + thick, hi * h as f64, ink);
                }
            }
        }
        Background::Barcode1D => {
            let module = r.range(2.0, 4.0);
            let bar_h = r.range(40.0, 120.0).min(h as f64 / 2.0);
            let mut x = r.range(20.0, w as f64 / 4.0);
            let y = r.range(10.0, h as f64 - bar_h - 10.0);
            let end = (x + r.range(150.0, 400.0)).min(w as f64 - 20.0);
            let mut dark = true;
            while x < end {
                let width = module * (1 + r.below(4)) as f64;
                if dark {
                    fill(&mut img, x, y, x + width, y + bar_h, ink);
                }
                dark = !dark;
                x += width;
            }
        }
        Background::QrLike => {
            let module = r.range(2.0, 5.0);
            let n = 25.0;
            let (ox, oy) = (
                r.range(10.0, (w as f64 - n * module - 10.0).max(11.0)),
                r.range(10.0, (h as f64 - n * module - 10.0).max(11.0)),
            );
            for my in 0..25 {
                for mx in 0..25 {
                    let finder = |fx: usize, fy: usize| {
                        let (dx, dy) = (mx as isize - fx as isize, my as isize - fy as isize);
                        let d = dx.abs().max(dy.abs());
                        (d <= 3).then_some(d != 2)
                    };
                    let dark = finder(3, 3)
                        .or_else(|| finder(21, 3))
                        .or_else(|| finder(3, 21))
                        .unwrap_or_else(|| r.below(2) == 0);
                    if dark {
                        let (x, y) = (ox + mx as f64 * module, oy + my as f64 * module);
                        fill(&mut img, x, y, x + module, y + module, ink);
                    }
                }
            }
        }
    }
    let px = img
        .iter()
        .map(|v| v.round().clamp(0.0, 255.0) as u8)
        .collect();
    GrayImage::from_parts(w, h, px)
}
