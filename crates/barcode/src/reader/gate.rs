//! The cheap gate: can this frame hold a symbol at all?
//!
//! One pass over the pixels, integer only, before any binarization: the
//! frame is cut into 8×8-pixel cells and, in each, the pixels whose
//! two-pixel difference across x (and, separately, across y) exceeds an edge
//! threshold are counted. The threshold is set from the frame's own noise
//! (the median two-pixel difference, which on a frame mostly of paper,
//! skin or blanket is the sensor noise), never below a floor that faint
//! print still clears.
//!
//! - A Data Matrix is a grid of square modules: its cells have edges across
//!   x *and* across y. A frame with no 2×2 block of such cells cannot hold
//!   one (the smallest benchmark symbol, 1.5 px modules, covers several).
//! - A linear (Code 128) symbol is bars: edges across x in every cell of a
//!   3×3 block (or across y, bars lying down). A single line, however long,
//!   has edges only along its two sides, two cell rows at most.
//!
//! The reader asks the gate once the cascade's first step (block threshold,
//! quick scan) has found nothing, so a frame read at once never pays for it.
//! The gate only ever says "no symbol" (and the reader then stops);
//! a frame it passes gets the full cascade, unchanged. Its thresholds were
//! set on the `decode_rate` benchmark and other generator seeds so that no
//! frame the cascade reads is turned away (tests/gate.rs holds it to that).

use super::GrayImage;

/// Cell side in pixels.
const CELL: usize = 8;
/// Edge pixels per cell (per direction, over its four sampled rows) for the
/// cell to count.
const MIN_EDGES: u16 = 3;
/// The edge threshold never drops below this (faint print: 18 grey levels).
const FLOOR: u16 = 10;
/// Edge threshold = this × the median two-pixel difference (noise).
const NOISE_FACTOR: u16 = 4;

/// Why the gate turned a frame away.
///
/// ```
/// use bedside_barcode::reader::{GrayImage, NoSymbol, Reader};
/// let img = GrayImage::from_raw(64, 64, vec![200; 64 * 64]).unwrap();
/// assert_eq!(Reader::default().read(&img).no_symbol, Some(NoSymbol::Flat));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoSymbol {
    /// No edge anywhere above the threshold (a blank or uniform frame, or
    /// one too small to hold a cell).
    Flat,
    /// Edges, but nowhere the 2-D texture of a Data Matrix nor the
    /// parallel bars of a linear symbol (noise, lines, sparse marks).
    NoTexture,
}

/// What the gate saw in a frame.
///
/// ```
/// use bedside_barcode::reader::{gate, GrayImage};
/// let g = gate(&GrayImage::from_raw(64, 64, vec![0; 64 * 64]).unwrap());
/// assert!(!g.datamatrix && !g.linear && g.edge_cells == 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// A Data Matrix may be present (a 2×2 block of cells with edges both ways).
    pub datamatrix: bool,
    /// A linear symbol may be present (a 3×3 block of cells with edges one way).
    pub linear: bool,
    /// Cells with any edges (either direction).
    pub edge_cells: usize,
    /// The edge threshold used (grey levels over two pixels).
    pub threshold: u16,
}

impl Gate {
    /// The reason to stop, given which symbologies are looked for; `None`
    /// means run the cascade.
    pub fn verdict(&self, datamatrix: bool, linear: bool) -> Option<NoSymbol> {
        if (datamatrix && self.datamatrix) || (linear && self.linear) {
            None
        } else if self.edge_cells == 0 {
            Some(NoSymbol::Flat)
        } else {
            Some(NoSymbol::NoTexture)
        }
    }
}

/// Runs the gate over a frame (one pass, no allocation beyond two small
/// per-cell tables).
pub fn gate(img: &GrayImage) -> Gate {
    let (w, h) = (img.width(), img.height());
    let px = img.pixels();
    let (cw, ch) = (w / CELL, h / CELL);
    let mut out = Gate {
        datamatrix: false,
        linear: false,
        edge_cells: 0,
        threshold: FLOOR,
    };
    if cw < 2 || ch < 2 || w < 3 || h < 3 {
        return out;
    }
    // Noise: median |p[x+2] - p[x]| over every eighth row.
    let mut hist = [0u32; 256];
    let mut n = 0u32;
    for row in px.chunks_exact(w).step_by(8) {
        for (a, b) in row.iter().zip(&row[2..]) {
            hist[usize::from(a.abs_diff(*b))] += 1;
            n += 1;
        }
    }
    let mut acc = 0;
    let mut median = 0u16;
    for (i, c) in hist.iter().enumerate() {
        acc += c;
        if 2 * acc >= n {
            median = i as u16;
            break;
        }
    }
    let t = FLOOR.max(NOISE_FACTOR * median).min(255) as u8;
    out.threshold = u16::from(t);
    // Edge counts per cell, across x and across y, on every other row (each
    // cell sees four rows of each): counted a cell-width at a time so the
    // compiler vectorises the comparisons.
    let mut ex = vec![0u16; cw * ch];
    let mut ey = vec![0u16; cw * ch];
    let count = |a: &[u8], b: &[u8]| -> u16 {
        a.iter()
            .zip(b)
            .map(|(a, b)| u16::from(a.abs_diff(*b) > t))
            .sum()
    };
    for y in (0..ch * CELL).step_by(2) {
        let row = &px[y * w..y * w + w];
        let base = (y / CELL) * cw;
        for c in 0..cw {
            let x0 = c * CELL;
            let n = CELL.min(w - 2 - x0.min(w - 2));
            ex[base + c] += count(&row[x0..x0 + n], &row[x0 + 2..x0 + 2 + n]);
        }
        if y + 2 < h {
            let below = &px[(y + 2) * w..(y + 2) * w + w];
            for c in 0..cw {
                let x0 = c * CELL;
                ey[base + c] += count(&row[x0..x0 + CELL], &below[x0..x0 + CELL]);
            }
        }
    }
    let both = |i: usize| ex[i] >= MIN_EDGES && ey[i] >= MIN_EDGES;
    out.edge_cells = ex
        .iter()
        .zip(&ey)
        .filter(|(a, b)| **a > 0 || **b > 0)
        .count();
    for cy in 0..ch - 1 {
        for cx in 0..cw - 1 {
            let i = cy * cw + cx;
            if both(i) && both(i + 1) && both(i + cw) && both(i + cw + 1) {
                out.datamatrix = true;
            }
        }
    }
    if cw >= 3 && ch >= 3 {
        for cy in 0..ch - 2 {
            for cx in 0..cw - 2 {
                let block = |e: &[u16]| {
                    (0..3).all(|dy| (0..3).all(|dx| e[(cy + dy) * cw + cx + dx] >= MIN_EDGES))
                };
                if block(&ex) || block(&ey) {
                    out.linear = true;
                }
            }
        }
    }
    out
}
