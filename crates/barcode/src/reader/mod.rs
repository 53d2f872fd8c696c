//! Reading GS1 DataMatrix and GS1-128 symbols from images.
//!
//! The [`Reader`] runs a cascade of binarizations, all ours — a block-local
//! threshold (read plain and inverted, quick scan then thorough), a local
//! contrast-normalised threshold on a noise-filtered image, a three-class
//! split for faint ink on dark backgrounds, a stretched and an upsampled
//! pass, Otsu and a mean-offset threshold — over rxing's Data Matrix detector
//! and Code 128 row decoder; a candidate whose grid fails is resampled from
//! its timing patterns and the grey image. It keeps every distinct symbol,
//! stops at the first step that found something (or runs them all with
//! [`ReaderOptions::exhaustive`]), and honours a per-call time budget: the
//! cascade runs on a worker thread and the caller gets what was found when
//! the budget ends. Every rxing call runs under `catch_unwind`.
//!
//! ```
//! use bedside_barcode::{gs1_128, reader::Reader};
//! let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
//! let png = gs1_128::encode(&m, &Default::default()).unwrap().to_png(&Default::default()).unwrap();
//! let found = Reader::default().read_bytes(&png).unwrap();
//! assert_eq!(found.symbols[0].aim(), "]C1");
//! assert_eq!(found.symbols[0].data(), b"010950600013435210AB1");
//! ```

mod binarize;
mod engine;
mod gate;
mod image;
mod symbol;
pub(crate) mod timing;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rxing::common::BitMatrix;

pub use self::gate::{Gate, NoSymbol, gate};
pub use self::image::{GrayImage, MAX_IMAGE_PIXELS};
pub use self::symbol::{Gs1Rejection, Gs1Symbol, Point, Symbol, Symbology};
pub use crate::error::ImageError;
use binarize::Bits;

/// The default time budget per call: 250 ms in optimised builds; 5 s in
/// debug builds, where the third-party detector runs about twenty times slower.
///
/// ```
/// assert!(bedside_barcode::reader::DEFAULT_BUDGET.as_millis() >= 250);
/// ```
pub const DEFAULT_BUDGET: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(5)
} else {
    Duration::from_millis(250)
};

/// Reader options.
///
/// ```
/// let o = bedside_barcode::reader::ReaderOptions::default();
/// assert_eq!(o.budget, bedside_barcode::reader::DEFAULT_BUDGET);
/// assert!(o.datamatrix && o.code128 && !o.exhaustive);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Wall-clock budget per call; what was found by then is returned.
    pub budget: Duration,
    /// Look for Data Matrix.
    pub datamatrix: bool,
    /// Look for Code 128 / GS1-128 (horizontal and vertical scan lines).
    pub code128: bool,
    /// Run every pass of the cascade instead of stopping at the first pass
    /// that found a symbol (finds more symbols in crowded images, slower).
    pub exhaustive: bool,
    /// Stop after this many distinct symbols.
    pub max_symbols: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            budget: DEFAULT_BUDGET,
            datamatrix: true,
            code128: true,
            exhaustive: false,
            max_symbols: 16,
        }
    }
}

/// What one call found.
///
/// ```
/// let img = bedside_barcode::reader::GrayImage::from_raw(64, 64, vec![255; 64 * 64]).unwrap();
/// let out = bedside_barcode::reader::Reader::default().read(&img);
/// assert!(out.symbols.is_empty() && !out.timed_out);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    /// Every distinct symbol, in the order found.
    pub symbols: Vec<Symbol>,
    /// The budget ended before the cascade did.
    pub timed_out: bool,
    /// Panics inside the third-party detector/decoder that were contained.
    pub contained_panics: usize,
    /// Set when the cheap gate turned the frame away before the cascade:
    /// nothing in it can be a symbol of the kinds looked for.
    pub no_symbol: Option<NoSymbol>,
    /// Exhaustive reads: set when the read ended because, with every symbol
    /// found painted out, the gate saw nothing left that could be another
    /// (rather than by running every step of the cascade).
    pub nothing_more: Option<NoSymbol>,
}

impl Decoded {
    /// The symbols that are validated GS1 (`]d2`/`]C1`/`]Q3` and valid data):
    /// the only ones an identification path may use.
    ///
    /// ```
    /// let out = bedside_barcode::reader::Decoded::default();
    /// assert_eq!(out.gs1_symbols().count(), 0);
    /// ```
    pub fn gs1_symbols(&self) -> impl Iterator<Item = Gs1Symbol> + '_ {
        self.symbols.iter().filter_map(|s| s.gs1().ok())
    }
}

/// The image reader.
///
/// ```
/// use bedside_barcode::reader::{Reader, ReaderOptions};
/// let r = Reader::new(ReaderOptions { code128: false, ..ReaderOptions::default() });
/// assert!(!r.options().code128);
/// ```
pub struct Reader {
    opts: ReaderOptions,
    /// Run the cheap gate before the cascade (on unless built with
    /// [`Reader::without_gate`]).
    gate: bool,
    /// A worker thread kept between calls, with the image buffer it last
    /// used: a thread and a fresh buffer per call cost about 70 µs, a
    /// fifteenth of reading a clean frame. Taken by one call at a time; a
    /// concurrent call starts its own. A worker whose call ran out of budget
    /// is not kept (it may still be busy): it ends when its cascade does.
    idle: Mutex<Option<Worker>>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new(ReaderOptions::default())
    }
}

impl Clone for Reader {
    /// The same options; the clone starts its own worker.
    fn clone(&self) -> Self {
        Reader {
            gate: self.gate,
            ..Reader::new(self.opts)
        }
    }
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

/// A reader thread and the two channels to it.
struct Worker {
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<Msg>,
    spare: Option<GrayImage>,
}

struct Job {
    image: GrayImage,
    opts: ReaderOptions,
    gate: bool,
    deadline: Instant,
    cancel: Arc<AtomicBool>,
}

enum Msg {
    Found(Box<Symbol>),
    Panics(usize),
    /// The gate turned the frame away after the first step.
    NoSymbol(NoSymbol),
    /// Exhaustive: with the symbols found painted out, the gate saw nothing more.
    NothingMore(NoSymbol),
    /// The cascade ended (cut short by the budget if `true`); the image
    /// buffer comes back for the next call.
    Done(GrayImage, bool),
}

fn spawn_worker() -> Option<Worker> {
    let (jobs, job_rx) = mpsc::channel::<Job>();
    let (result_tx, results) = mpsc::channel::<Msg>();
    std::thread::Builder::new()
        .name("bedside-barcode-reader".into())
        .spawn(move || {
            // Ends when the Reader (or the call that gave up on it) drops
            // the job sender.
            while let Ok(job) = job_rx.recv() {
                let mut sink = |m: Msg| result_tx.send(m).is_ok();
                let cut_short = run_cascade(
                    &job.image,
                    &job.opts,
                    job.gate,
                    job.deadline,
                    &job.cancel,
                    &mut sink,
                );
                if result_tx.send(Msg::Done(job.image, cut_short)).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(Worker {
        jobs,
        results,
        spare: None,
    })
}

impl Reader {
    /// A reader with these options.
    ///
    /// ```
    /// let r = bedside_barcode::reader::Reader::new(Default::default());
    /// assert_eq!(r.options().max_symbols, 16);
    /// ```
    pub fn new(opts: ReaderOptions) -> Reader {
        Reader {
            opts,
            gate: true,
            idle: Mutex::new(None),
        }
    }

    /// A reader that skips the cheap gate and runs the cascade on every
    /// frame: for measuring the gate (it must never lose a read).
    ///
    /// ```
    /// use bedside_barcode::reader::{GrayImage, Reader};
    /// let img = GrayImage::from_raw(64, 64, vec![200; 64 * 64]).unwrap();
    /// assert_eq!(Reader::without_gate(Default::default()).read(&img).no_symbol, None);
    /// ```
    pub fn without_gate(opts: ReaderOptions) -> Reader {
        Reader {
            gate: false,
            ..Reader::new(opts)
        }
    }

    /// The options.
    ///
    /// ```
    /// assert!(!bedside_barcode::reader::Reader::default().options().exhaustive);
    /// ```
    pub fn options(&self) -> &ReaderOptions {
        &self.opts
    }

    /// Decodes a PNG or JPEG file and reads it.
    ///
    /// ```
    /// assert!(bedside_barcode::reader::Reader::default().read_bytes(b"GIF89a").is_err());
    /// ```
    pub fn read_bytes(&self, bytes: &[u8]) -> Result<Decoded, ImageError> {
        let img = GrayImage::decode(bytes)?;
        Ok(self.read(&img))
    }

    /// Reads a greyscale image within the time budget.
    ///
    /// ```
    /// use bedside_barcode::{datamatrix, reader::{GrayImage, Reader}, RenderOptions};
    /// let m = bedside_gs1::parse_bracketed("(414)5012345000015(254)WARD7").unwrap();
    /// let s = datamatrix::encode(&m, &Default::default()).unwrap();
    /// let (w, h, px) = s.matrix().to_gray(&RenderOptions { module_px: 3, quiet_zone: Some(4) }).unwrap();
    /// let img = GrayImage::from_raw(w as usize, h as usize, px).unwrap();
    /// let out = Reader::default().read(&img);
    /// assert_eq!(out.gs1_symbols().next().unwrap().message().get_str("254"), Some("WARD7"));
    /// ```
    pub fn read(&self, image: &GrayImage) -> Decoded {
        let deadline = Instant::now() + self.opts.budget;
        let cancel = Arc::new(AtomicBool::new(false));
        let mut out = Decoded::default();
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.take());
        let mut worker = None;
        for candidate in [pooled, None] {
            let Some(mut w) = candidate.or_else(spawn_worker) else {
                continue;
            };
            let img = match w.spare.take() {
                Some(mut buf) => {
                    buf.copy_from(image);
                    buf
                }
                None => image.clone(),
            };
            let job = Job {
                image: img,
                opts: self.opts,
                gate: self.gate,
                deadline,
                cancel: Arc::clone(&cancel),
            };
            // A kept worker that has died since is replaced once.
            if w.jobs.send(job).is_ok() {
                worker = Some(w);
                break;
            }
        }
        let Some(mut w) = worker else {
            // No thread available: run inline (the budget is then checked between passes).
            let mut local = Vec::new();
            let mut sink = |m: Msg| {
                local.push(m);
                true
            };
            out.timed_out = run_cascade(image, &self.opts, self.gate, deadline, &cancel, &mut sink);
            for m in local {
                absorb(&mut out, m);
            }
            return out;
        };
        let mut finished = false;
        loop {
            let now = Instant::now();
            let left = deadline.saturating_duration_since(now);
            match w.results.recv_timeout(left) {
                Ok(Msg::Done(buf, cut_short)) => {
                    out.timed_out |= cut_short;
                    w.spare = Some(buf);
                    finished = true;
                    break;
                }
                Ok(m) => absorb(&mut out, m),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    cancel.store(true, Ordering::Relaxed);
                    out.timed_out = true;
                    // Take whatever is already queued.
                    while let Ok(m) = w.results.try_recv() {
                        absorb(&mut out, m);
                    }
                    break;
                }
                // The worker died (a panic outside the contained calls): report what we have.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    out.contained_panics += 1;
                    break;
                }
            }
        }
        if finished
            && let Ok(mut idle) = self.idle.lock()
            && idle.is_none()
        {
            *idle = Some(w);
        }
        out
    }
}

fn absorb(out: &mut Decoded, m: Msg) {
    match m {
        Msg::Found(s) => out.symbols.push(*s),
        Msg::Panics(n) => out.contained_panics += n,
        Msg::NoSymbol(r) => out.no_symbol = Some(r),
        Msg::NothingMore(r) => out.nothing_more = Some(r),
        Msg::Done(_, cut_short) => out.timed_out |= cut_short,
    }
}

/// One binarization pass of the cascade.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pass {
    /// Our block-local threshold (the first step: fast, and right for most frames).
    Block,
    /// Our local threshold: box pre-filter radius, window radius as a fraction
    /// (1/n) of the shorter side, weight.
    Local {
        blur: usize,
        frac: usize,
        k: f64,
        stretch: bool,
    },
    /// Otsu after a box pre-filter.
    Otsu { blur: usize },
    /// Mean-offset local threshold (faint symbols on any background): box
    /// pre-filter radius, window radius as a fraction (1/n) of the shorter side.
    MeanOffset { blur: usize, frac: usize },
    /// The middle of three global grey classes (faint ink on paper, both
    /// lighter than the background), after a box pre-filter.
    OtsuBand { blur: usize },
    /// Bilinear ×2 then the local threshold (small modules).
    Upscaled,
}

/// One step of the cascade: a binarization, whether dark and light are
/// swapped before detection (light-on-dark symbols), and whether linear
/// symbols are looked for too.
#[derive(Clone, Copy, Debug)]
struct Step {
    pass: Pass,
    invert: bool,
    linear: bool,
    scan: Scan,
}

/// How hard rxing's Data Matrix detector looks at a binarization.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scan {
    /// A few lines out from the centre: enough for most frames, and cheap.
    Quick,
    /// Many lines (try-harder): for symbols away from the centre.
    Thorough,
    /// Quick, then thorough if quick found nothing.
    Both,
}

const fn step(pass: Pass, invert: bool, linear: bool) -> Step {
    Step {
        pass,
        invert,
        linear,
        scan: Scan::Both,
    }
}

const fn scan(pass: Pass, invert: bool, linear: bool, scan: Scan) -> Step {
    Step {
        pass,
        invert,
        linear,
        scan,
    }
}

/// The cascade, cheapest and most often useful first (measured per damage
/// class with the `decode_rate` benchmark): the first step that finds
/// anything ends a non-exhaustive read. The first binarization is read four
/// ways before any other is made: quick, quick inverted (light-on-dark), then
/// the thorough scans.
const STEPS: [Step; 12] = [
    scan(Pass::Block, false, true, Scan::Quick),
    scan(Pass::Block, true, false, Scan::Quick),
    scan(Pass::Block, false, false, Scan::Thorough),
    scan(Pass::Block, true, false, Scan::Thorough),
    step(
        Pass::Local {
            blur: 1,
            frac: 20,
            k: 0.5,
            stretch: false,
        },
        false,
        true,
    ),
    // Faint ink on a background darker than the ink: global, cheap.
    step(Pass::OtsuBand { blur: 1 }, false, false),
    step(
        Pass::Local {
            blur: 0,
            frac: 40,
            k: 0.35,
            stretch: true,
        },
        false,
        false,
    ),
    step(
        Pass::Local {
            blur: 2,
            frac: 10,
            k: 0.5,
            stretch: false,
        },
        false,
        true,
    ),
    step(Pass::Upscaled, false, false),
    step(Pass::Otsu { blur: 1 }, false, false),
    step(Pass::MeanOffset { blur: 0, frac: 20 }, false, false),
    step(
        Pass::Local {
            blur: 1,
            frac: 20,
            k: 0.5,
            stretch: false,
        },
        true,
        false,
    ),
];

/// A binarized image: rxing's own matrix when rxing made it (no copy), or ours.
enum Binary {
    Matrix(BitMatrix),
    Bits(Bits),
}

impl Binary {
    /// The matrix the Data Matrix detector reads, dark set, inverted if asked.
    fn detector_matrix(&self, invert: bool) -> Option<BitMatrix> {
        match self {
            Binary::Matrix(m) => {
                let mut m = m.clone();
                if invert {
                    m.flip_self();
                }
                Some(m)
            }
            Binary::Bits(b) => binarize::to_bitmatrix(b, invert),
        }
    }

    /// Our row-major form, for the linear decoder.
    fn bits(&self) -> Bits {
        match self {
            Binary::Matrix(m) => from_bitmatrix(m),
            Binary::Bits(b) => b.clone(),
        }
    }
}

fn binarize(img: &GrayImage, pass: Pass) -> Option<Binary> {
    let side = img.width().min(img.height());
    let bits = match pass {
        Pass::Block => return binarize::block(img).map(Binary::Matrix),
        Pass::Local {
            blur,
            frac,
            k,
            stretch,
        } => {
            let base = if stretch {
                binarize::stretch(img)
            } else {
                img.clone()
            };
            let f = binarize::box_blur(&base, blur);
            Some(binarize::local(&f, (side / frac).clamp(4, 60), k))
        }
        Pass::Otsu { blur } => Some(binarize::otsu(&binarize::box_blur(img, blur))),
        Pass::OtsuBand { blur } => binarize::otsu_band(&binarize::box_blur(img, blur)),
        Pass::MeanOffset { blur, frac } => Some(binarize::mean_offset(
            &binarize::box_blur(img, blur),
            (side / frac).clamp(4, 60),
            9.0,
            0.25,
        )),
        Pass::Upscaled => {
            if (img.width() * img.height()) as u64 > 1_500_000 {
                return None;
            }
            let up = binarize::upscale(img, 2)?;
            Some(binarize::local(
                &binarize::box_blur(&up, 1),
                (2 * side / 20).clamp(4, 80),
                0.5,
            ))
        }
    };
    bits.map(Binary::Bits)
}

fn from_bitmatrix(m: &BitMatrix) -> Bits {
    let (w, h) = (m.getWidth() as usize, m.getHeight() as usize);
    let mut dark = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            dark.push(m.get(x as u32, y as u32));
        }
    }
    Bits {
        width: w,
        height: h,
        dark,
    }
}

fn run_cascade(
    img: &GrayImage,
    opts: &ReaderOptions,
    gated: bool,
    deadline: Instant,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(Msg) -> bool,
) -> bool {
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();
    let mut stats = engine::Stats::default();
    // The previous step's binarization of the unmasked image, reused when the
    // next step only reads it the other way round.
    let mut previous: Option<(Pass, Binary)> = None;
    // Exhaustive: the frame with every symbol found so far painted out. Once the gate
    // sees nothing left in it that could be a symbol, the later steps cannot find
    // another one and the read ends (the first pass's finds are reused, not re-read).
    let mut painted: Option<GrayImage> = None;
    for (k, step) in STEPS.into_iter().enumerate() {
        // The gate runs once the first step (the cheapest, and the one that
        // reads most frames) has found nothing: a frame read at once never
        // pays for it, a frame with nothing to read stops here.
        if k == 1
            && gated
            && seen.is_empty()
            && let Some(reason) = gate(img).verdict(opts.datamatrix, opts.code128)
        {
            sink(Msg::NoSymbol(reason));
            return false;
        }
        let mut current = None::<GrayImage>;
        let mut any_new = false;
        // In exhaustive mode, a pass that found symbols is run again with
        // them painted out, so a second symbol the detector passed over is found.
        for round in 0..if opts.exhaustive { 4 } else { 1 } {
            if cancel.load(Ordering::Relaxed) || Instant::now() >= deadline {
                return true;
            }
            if seen.len() >= opts.max_symbols {
                return false;
            }
            let image = current.as_ref().unwrap_or(img);
            let reuse = round == 0 && previous.as_ref().is_some_and(|(p, _)| *p == step.pass);
            if !reuse {
                previous = binarize(image, step.pass).map(|b| (step.pass, b));
            }
            let Some((_, binary)) = previous.as_ref() else {
                break;
            };
            let mut found = Vec::new();
            if opts.datamatrix
                && let Some(m) = binary.detector_matrix(step.invert)
            {
                if step.scan != Scan::Thorough {
                    found.extend(engine::datamatrix(&m, Some(image), false, &mut stats));
                }
                if step.scan == Scan::Thorough || (step.scan == Scan::Both && found.is_empty()) {
                    found.extend(engine::datamatrix(&m, Some(image), true, &mut stats));
                }
            }
            if opts.code128 && step.linear && !step.invert {
                found.extend(engine::code128(&binary.bits(), 12, &mut stats));
            }
            if round > 0 {
                // A masked image's binarization is not the next step's.
                previous = None;
            }
            let mut new = 0;
            // Only an exhaustive read looks again with the finds painted out.
            let mut masked = (opts.exhaustive && !found.is_empty()).then(|| image.clone());
            for s in found {
                if let Some(masked) = masked.as_mut() {
                    mask(masked, s.position(), step.invert);
                }
                if opts.exhaustive && gated {
                    mask(
                        painted.get_or_insert_with(|| img.clone()),
                        s.position(),
                        step.invert,
                    );
                }
                let key = (s.aim().to_owned(), s.data().to_vec());
                if !seen.contains(&key) && seen.len() < opts.max_symbols {
                    seen.push(key);
                    new += 1;
                    if !sink(Msg::Found(Box::new(s))) {
                        return false;
                    }
                }
            }
            if stats.panics > 0 {
                sink(Msg::Panics(stats.panics));
                stats.panics = 0;
            }
            if new == 0 {
                break;
            }
            any_new = true;
            current = masked;
        }
        if any_new && !opts.exhaustive {
            break;
        }
        if any_new
            && let Some(p) = painted.as_ref()
            && let Some(reason) = gate(p).verdict(opts.datamatrix, opts.code128)
        {
            sink(Msg::NothingMore(reason));
            return false;
        }
    }
    false
}

/// Paints a found symbol's bounding box (grown by a quarter) with the
/// background, so the next detection run looks elsewhere.
fn mask(img: &mut GrayImage, position: &[Point], invert: bool) {
    if position.len() < 2 {
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in position {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let (gx, gy) = ((x1 - x0) / 4.0 + 2.0, (y1 - y0) / 4.0 + 2.0);
    let clamp = |v: f32, max: usize| v.max(0.0).min(max as f32) as usize;
    let (w, h) = (img.width(), img.height());
    let (xa, xb) = (clamp(x0 - gx, w), clamp(x1 + gx, w));
    let (ya, yb) = (clamp(y0 - gy, h), clamp(y1 + gy, h));
    img.fill_rect(xa, ya, xb, yb, if invert { 0 } else { 255 });
}

/// Decodes a module grid (finder pattern included, no quiet zone) directly,
/// with no image detection: for checking encoders and fuzzing the decoder.
///
/// ```
/// let m = bedside_gs1::parse_bracketed("(01)09506000134352(21)aBc").unwrap();
/// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
/// let sym = bedside_barcode::reader::decode_datamatrix_modules(s.matrix()).unwrap();
/// assert_eq!(sym.aim(), "]d2");
/// assert_eq!(sym.data(), b"0109506000134352\x1d21aBc".as_slice().split_last().map(|_| &b"010950600013435221aBc"[..]).unwrap());
/// ```
pub fn decode_datamatrix_modules(matrix: &crate::ModuleMatrix) -> Option<Symbol> {
    let mut bm = BitMatrix::new(matrix.width() as u32, matrix.height() as u32).ok()?;
    for y in 0..matrix.height() {
        for x in 0..matrix.width() {
            if matrix.get(x, y) {
                bm.set(x as u32, y as u32);
            }
        }
    }
    let mut stats = engine::Stats::default();
    let (aim, data) = engine::decode_grid(&bm, &mut stats)?;
    Some(Symbol::new(Symbology::DataMatrix, &aim, data, Vec::new()))
}
