//! The module matrix every symbol is drawn from, and the drawing primitives
//! (dark runs and rectangles in module units) that the SVG, PNG, PDF and ZPL
//! renderers share.

/// A dark horizontal run of modules: `len` modules from (`x`, `y`).
///
/// ```
/// use bedside_barcode::{ModuleMatrix, Run};
/// let mut m = ModuleMatrix::new(4, 1);
/// m.set(1, 0, true);
/// m.set(2, 0, true);
/// assert_eq!(m.runs().collect::<Vec<_>>(), [Run { x: 1, y: 0, len: 2 }]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// First module's column.
    pub x: usize,
    /// Row.
    pub y: usize,
    /// Number of dark modules.
    pub len: usize,
}

/// A dark rectangle in module units, origin top-left.
///
/// ```
/// use bedside_barcode::{ModuleMatrix, Rect};
/// let mut m = ModuleMatrix::new(3, 2);
/// m.set(0, 0, true);
/// m.set(0, 1, true);
/// assert_eq!(m.rects(), [Rect { x: 0, y: 0, width: 1, height: 2 }]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left column.
    pub x: usize,
    /// Top row.
    pub y: usize,
    /// Width in modules.
    pub width: usize,
    /// Height in modules.
    pub height: usize,
}

/// A rectangular grid of modules, `true` = dark, row-major, no quiet zone.
///
/// ```
/// use bedside_barcode::ModuleMatrix;
/// let mut m = ModuleMatrix::new(2, 2);
/// m.set(1, 1, true);
/// assert!(m.get(1, 1));
/// assert!(!m.get(5, 5)); // outside is light
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ModuleMatrix {
    width: usize,
    height: usize,
    modules: Vec<bool>,
    quiet_zone: usize,
}

impl ModuleMatrix {
    /// An all-light matrix.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::new(3, 2);
    /// assert_eq!((m.width(), m.height()), (3, 2));
    /// ```
    pub fn new(width: usize, height: usize) -> ModuleMatrix {
        ModuleMatrix {
            width,
            height,
            modules: vec![false; width.saturating_mul(height)],
            quiet_zone: 2,
        }
    }

    /// A matrix from row-major modules; `None` unless `modules.len() == width * height`.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::from_modules(2, vec![true, false, false, true]).unwrap();
    /// assert!(m.get(0, 0) && m.get(1, 1));
    /// assert!(bedside_barcode::ModuleMatrix::from_modules(3, vec![true; 4]).is_none());
    /// ```
    pub fn from_modules(width: usize, modules: Vec<bool>) -> Option<ModuleMatrix> {
        if width == 0 || !modules.len().is_multiple_of(width) {
            return None;
        }
        Some(ModuleMatrix {
            width,
            height: modules.len() / width,
            modules,
            quiet_zone: 2,
        })
    }

    /// Width in modules.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::ModuleMatrix::new(7, 1).width(), 7);
    /// ```
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in modules.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::ModuleMatrix::new(7, 1).height(), 1);
    /// ```
    pub fn height(&self) -> usize {
        self.height
    }

    /// Whether the module at (`x`, `y`) is dark; outside the matrix is light.
    ///
    /// ```
    /// assert!(!bedside_barcode::ModuleMatrix::new(1, 1).get(0, 0));
    /// ```
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.modules.get(y * self.width + x) == Some(&true)
    }

    /// Sets a module; outside the matrix this does nothing.
    ///
    /// ```
    /// let mut m = bedside_barcode::ModuleMatrix::new(1, 1);
    /// m.set(0, 0, true);
    /// m.set(9, 9, true);
    /// assert!(m.get(0, 0));
    /// ```
    pub fn set(&mut self, x: usize, y: usize, dark: bool) {
        if x < self.width
            && y < self.height
            && let Some(m) = self.modules.get_mut(y * self.width + x)
        {
            *m = dark;
        }
    }

    /// The modules, row-major.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::ModuleMatrix::new(2, 3).modules().len(), 6);
    /// ```
    pub fn modules(&self) -> &[bool] {
        &self.modules
    }

    /// Dark horizontal runs, row by row, left to right.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::from_modules(3, vec![true, true, false, false, true, true]).unwrap();
    /// assert_eq!(m.runs().count(), 2);
    /// ```
    pub fn runs(&self) -> impl Iterator<Item = Run> + '_ {
        (0..self.height).flat_map(move |y| {
            let row = self
                .modules
                .get(y * self.width..(y + 1) * self.width)
                .unwrap_or(&[]);
            let mut out = Vec::new();
            let mut x = 0;
            while x < row.len() {
                if row[x] {
                    let start = x;
                    while x < row.len() && row[x] {
                        x += 1;
                    }
                    out.push(Run {
                        x: start,
                        y,
                        len: x - start,
                    });
                } else {
                    x += 1;
                }
            }
            out
        })
    }

    /// Dark rectangles covering exactly the dark modules: horizontal runs,
    /// merged downwards while the run below is identical. A linear symbol
    /// gives one rectangle per bar; a 2D symbol far fewer shapes than modules.
    ///
    /// ```
    /// let bars = bedside_barcode::ModuleMatrix::from_modules(3, vec![true, false, true].repeat(5)).unwrap();
    /// assert_eq!(bars.rects().len(), 2);
    /// assert_eq!(bars.rects()[0].height, 5);
    /// ```
    pub fn rects(&self) -> Vec<Rect> {
        let mut open: Vec<Rect> = Vec::new();
        let mut done = Vec::new();
        let mut row_runs: Vec<Run> = Vec::new();
        let mut current_y = 0;
        let flush = |open: &mut Vec<Rect>, done: &mut Vec<Rect>, runs: &[Run], y: usize| {
            let mut next = Vec::with_capacity(runs.len());
            for r in runs {
                if let Some(pos) = open
                    .iter()
                    .position(|o| o.x == r.x && o.width == r.len && o.y + o.height == y)
                {
                    let mut o = open.swap_remove(pos);
                    o.height += 1;
                    next.push(o);
                } else {
                    next.push(Rect {
                        x: r.x,
                        y,
                        width: r.len,
                        height: 1,
                    });
                }
            }
            done.append(open);
            *open = next;
        };
        for run in self.runs() {
            if run.y != current_y {
                flush(&mut open, &mut done, &row_runs, current_y);
                row_runs.clear();
                // Rows with no runs in between close every open rectangle.
                if run.y > current_y + 1 {
                    done.append(&mut open);
                }
                current_y = run.y;
            }
            row_runs.push(run);
        }
        flush(&mut open, &mut done, &row_runs, current_y);
        done.append(&mut open);
        done.sort_by_key(|r| (r.y, r.x));
        done
    }

    /// The matrix with its dark and light modules swapped.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::new(1, 1).inverted();
    /// assert!(m.get(0, 0));
    /// ```
    pub fn inverted(&self) -> ModuleMatrix {
        ModuleMatrix {
            width: self.width,
            height: self.height,
            modules: self.modules.iter().map(|m| !m).collect(),
            quiet_zone: self.quiet_zone,
        }
    }

    /// The light margin, in modules, this symbol needs on every side (2 for
    /// Data Matrix, 10 for GS1-128); renderers use it unless told otherwise.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::ModuleMatrix::new(1, 1).quiet_zone(), 2);
    /// ```
    pub fn quiet_zone(&self) -> usize {
        self.quiet_zone
    }

    /// Sets the recommended quiet zone.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::new(1, 1).with_quiet_zone(10);
    /// assert_eq!(m.quiet_zone(), 10);
    /// ```
    pub fn with_quiet_zone(mut self, modules: usize) -> ModuleMatrix {
        self.quiet_zone = modules;
        self
    }
}
