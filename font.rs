//! The band font: a subset of DejaVu Sans Condensed Bold (Latin, Latin Extended,
//! Vietnamese; see `fonts/LICENSE-DejaVu.txt`), embedded in the crate so it builds
//! from crates.io alone. Layout measures with it, the PDF embeds it, the PNG and
//! graphic ZPL text are rasterised from it.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};

/// The TrueType file.
pub(crate) const FONT_BYTES: &[u8] = include_bytes!("../../fonts/DejaVuSansCondensed-Bold-subset.ttf");

/// Ascent above the baseline, in em (DejaVu: 1901/2048).
pub(crate) const ASCENT_EM: f32 = 1901.0 / 2048.0;
/// Line height (ascent + descent), in em (DejaVu: (1901 + 483)/2048).
pub(crate) const LINE_EM: f32 = (1901.0 + 483.0) / 2048.0;

pub(crate) fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Whether the font has a glyph for `c` (space counts).
pub(crate) fn covers(c: char) -> bool {
    font().is_some_and(|f| c == ' ' || f.glyph_id(c).0 != 0)
}

/// Width of `text` in em (advance widths, no kerning: PDF and PNG use the same).
pub(crate) fn width_em(text: &str) -> f32 {
    let Some(f) = font() else { return 0.0 };
    let upem = f.units_per_em().unwrap_or(2048.0);
    text.chars()
        .map(|c| f.h_advance_unscaled(f.glyph_id(c)) / upem)
        .sum()
}

/// Rasterises `text` with its baseline at (`x`, `baseline`) and an em of `em_px`
/// pixels into `plot(x, y, coverage)`.
pub(crate) fn rasterize(
    text: &str,
    em_px: f32,
    x: f32,
    baseline: f32,
    mut plot: impl FnMut(i64, i64, f32),
) {
    let Some(f) = font() else { return };
    let scale = f.pt_to_px_scale(em_px).unwrap_or(ab_glyph::PxScale::from(em_px));
    let scaled = f.as_scaled(scale);
    let mut pen = x;
    for c in text.chars() {
        let id = f.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline));
        pen += scaled.h_advance(id);
        if let Some(outlined) = f.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, cov| {
                plot(
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                    cov,
                );
            });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn font_parses_and_covers_uk_names() {
        assert!(font().is_some());
        for c in "Zoë O'Brien O’Neill Nguyễn Trần Łukaszewicz Ó Súilleabháin Ðức ß-".chars() {
            assert!(covers(c), "{c:?}");
        }
        for c in ['Ж', '中', '😀'] {
            assert!(!covers(c), "{c:?}");
        }
        let upem = font().unwrap().units_per_em().unwrap();
        assert_eq!(upem, 2048.0);
        assert!(width_em("SMITH") > 2.0 && width_em("SMITH") < 5.0);
    }
}
