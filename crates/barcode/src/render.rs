//! SVG and PNG output of a [`ModuleMatrix`], at any module size, with a quiet zone.

use crate::error::RenderError;
use crate::matrix::ModuleMatrix;

/// The largest image the renderers produce, in pixels (64 Mpx).
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// How to draw a matrix.
///
/// ```
/// use bedside_barcode::RenderOptions;
/// let o = RenderOptions::default();
/// assert_eq!(o.module_px, 4);
/// assert_eq!(o.quiet_zone, None); // the symbol's own quiet zone
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Pixels per module (PNG) or user units per module (SVG).
    pub module_px: u32,
    /// Quiet zone in modules on every side; `None` uses [`ModuleMatrix::quiet_zone`].
    pub quiet_zone: Option<usize>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            module_px: 4,
            quiet_zone: None,
        }
    }
}

impl ModuleMatrix {
    fn image_size(&self, opts: &RenderOptions) -> Result<(u64, u64, u64), RenderError> {
        if opts.module_px == 0 {
            return Err(RenderError::ZeroModule);
        }
        let q = opts.quiet_zone.unwrap_or(self.quiet_zone()) as u64;
        let px = u64::from(opts.module_px);
        // Saturating throughout: a quiet zone of 2^63 modules or more must read as too
        // large, never wrap round to a small (blank) image.
        let margin = q.saturating_mul(2);
        let w = (self.width() as u64)
            .saturating_add(margin)
            .saturating_mul(px);
        let h = (self.height() as u64)
            .saturating_add(margin)
            .saturating_mul(px);
        if w == 0
            || h == 0
            || w.saturating_mul(h) > MAX_PIXELS
            || w > u32::MAX as u64
            || h > u32::MAX as u64
        {
            return Err(RenderError::TooLarge {
                width: w,
                height: h,
            });
        }
        Ok((w, h, q))
    }

    /// Rasterises to 8-bit greyscale pixels (0 dark, 255 light), row-major:
    /// `(width, height, pixels)`.
    ///
    /// ```
    /// let mut m = bedside_barcode::ModuleMatrix::new(1, 1);
    /// m.set(0, 0, true);
    /// let opts = bedside_barcode::RenderOptions { module_px: 2, quiet_zone: Some(1) };
    /// let (w, h, px) = m.to_gray(&opts).unwrap();
    /// assert_eq!((w, h), (6, 6));
    /// assert_eq!(px[2 * 6 + 2], 0);
    /// assert_eq!(px[0], 255);
    /// ```
    pub fn to_gray(&self, opts: &RenderOptions) -> Result<(u32, u32, Vec<u8>), RenderError> {
        let (w, h, q) = self.image_size(opts)?;
        let px = u64::from(opts.module_px);
        let mut out = vec![255u8; (w * h) as usize];
        for r in self.rects() {
            let x0 = (r.x as u64 + q) * px;
            let y0 = (r.y as u64 + q) * px;
            let x1 = x0 + r.width as u64 * px;
            let y1 = y0 + r.height as u64 * px;
            for y in y0..y1 {
                let row = (y * w) as usize;
                if let Some(s) = out.get_mut(row + x0 as usize..row + x1 as usize) {
                    s.fill(0);
                }
            }
        }
        Ok((w as u32, h as u32, out))
    }

    /// A greyscale PNG file.
    ///
    /// ```
    /// let m = bedside_barcode::ModuleMatrix::new(10, 10);
    /// let png = m.to_png(&Default::default()).unwrap();
    /// assert_eq!(&png[1..4], b"PNG");
    /// ```
    pub fn to_png(&self, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
        let (w, h, pixels) = self.to_gray(opts)?;
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc
                .write_header()
                .map_err(|e| RenderError::Png(e.to_string()))?;
            writer
                .write_image_data(&pixels)
                .map_err(|e| RenderError::Png(e.to_string()))?;
            writer
                .finish()
                .map_err(|e| RenderError::Png(e.to_string()))?;
        }
        Ok(out)
    }

    /// An SVG document: a light background and one path of dark rectangles,
    /// `module_px` user units per module, crisp edges.
    ///
    /// ```
    /// let mut m = bedside_barcode::ModuleMatrix::new(2, 1);
    /// m.set(0, 0, true);
    /// let svg = m.to_svg(&bedside_barcode::RenderOptions { module_px: 1, quiet_zone: Some(0) }).unwrap();
    /// assert!(svg.contains("M0 0h1v1h-1z"));
    /// ```
    pub fn to_svg(&self, opts: &RenderOptions) -> Result<String, RenderError> {
        let (w, h, q) = self.image_size(opts)?;
        let vw = self.width() as u64 + 2 * q;
        let vh = self.height() as u64 + 2 * q;
        let mut d = String::new();
        for r in self.rects() {
            use core::fmt::Write;
            let _ = write!(
                d,
                "M{} {}h{}v{}h-{}z",
                r.x as u64 + q,
                r.y as u64 + q,
                r.width,
                r.height,
                r.width
            );
        }
        Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {vw} {vh}\" shape-rendering=\"crispEdges\">\n<rect width=\"{vw}\" height=\"{vh}\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"{d}\"/>\n</svg>\n"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quiet zone so large that twice it overflows 64 bits is too large, not a small
    /// image (it used to wrap round in release builds and render blank).
    #[test]
    fn a_quiet_zone_past_half_of_u64_is_too_large() {
        let m = ModuleMatrix::new(10, 10);
        for q in [usize::MAX, usize::MAX / 2 + 1, 1 << 40] {
            let opts = RenderOptions {
                module_px: 1,
                quiet_zone: Some(q),
            };
            assert!(
                matches!(m.to_gray(&opts), Err(RenderError::TooLarge { .. })),
                "quiet zone {q}"
            );
            assert!(m.to_png(&opts).is_err(), "quiet zone {q}");
            assert!(m.to_svg(&opts).is_err(), "quiet zone {q}");
        }
        let ok = RenderOptions {
            module_px: 2,
            quiet_zone: Some(1),
        };
        let (w, h, px) = m.to_gray(&ok).unwrap();
        assert_eq!((w, h, px.len()), (24, 24, 576));
    }
}
