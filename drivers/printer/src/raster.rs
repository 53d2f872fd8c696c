//! A 1-dot-per-printer-dot greyscale canvas in band coordinates, shared by the PNG preview
//! and by ZPL text lines whose characters a printer's resident font lacks.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use crate::layout::{DataMatrixItem, LinearItem, TextItem};

/// White = 255, black = 0; `x` across the band, `y` along it.
pub(crate) struct Canvas {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) px: Vec<u8>,
}

impl Canvas {
    pub(crate) fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            px: vec![255; width as usize * height as usize],
        }
    }

    fn set(&mut self, x: i64, y: i64, value: u8) {
        if x >= 0 && y >= 0 && x < i64::from(self.width) && y < i64::from(self.height) {
            let i = y as usize * self.width as usize + x as usize;
            self.px[i] = value;
        }
    }

    pub(crate) fn fill_rect(&mut self, x: u32, y: u32, w: u32, h: u32, value: u8) {
        for yy in y..y.saturating_add(h).min(self.height) {
            for xx in x..x.saturating_add(w).min(self.width) {
                self.set(i64::from(xx), i64::from(yy), value);
            }
        }
    }

    pub(crate) fn datamatrix(&mut self, d: &DataMatrixItem) {
        let m = &d.matrix;
        let off = (d.zpl_size as usize).saturating_sub(m.width()) as u32 / 2;
        let offy = (d.zpl_size as usize).saturating_sub(m.height()) as u32 / 2;
        for row in 0..m.height() {
            for col in 0..m.width() {
                if m.get(col, row) {
                    self.fill_rect(
                        d.x + (off + col as u32) * d.module_dots,
                        d.y + (offy + row as u32) * d.module_dots,
                        d.module_dots,
                        d.module_dots,
                        0,
                    );
                }
            }
        }
    }

    pub(crate) fn linear(&mut self, l: &LinearItem) {
        for (i, dark) in l.modules.iter().enumerate() {
            if *dark {
                self.fill_rect(
                    l.x,
                    l.y + i as u32 * l.module_dots,
                    l.bar_dots,
                    l.module_dots,
                    0,
                );
            }
        }
    }

    /// Draws a text line with its glyph tops towards `+x`, starting at `(t.x, t.y)` offset
    /// by `(dx, dy)`; `ink` is the text value (0 black, 255 white for reversed text).
    pub(crate) fn text(&mut self, font: &FontRef<'_>, t: &TextItem, dx: i64, dy: i64, ink: u8) {
        let h = t.height_dots as f32;
        let scaled = font.as_scaled(PxScale::from(h));
        let descent = -scaled.descent();
        let baseline_x = t.x as f32 + descent;
        let mut pen = 0.0_f32;
        let mut prev = None;
        for c in t.text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(PxScale::from(h), point(pen, 0.0));
            pen += scaled.h_advance(id);
            prev = Some(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let mut hits = Vec::new();
            outline.draw(|gx, gy, coverage| {
                if coverage >= 0.5 {
                    hits.push((gx, gy));
                }
            });
            for (gx, gy) in hits {
                let ux = b.min.x + gx as f32;
                let uy = b.min.y + gy as f32;
                let band_y = t.y as f32 + ux;
                let band_x = baseline_x - uy - 1.0;
                self.set(band_x.round() as i64 + dx, band_y.round() as i64 + dy, ink);
            }
        }
    }
}
