//! PNG previews of a band, one pixel per printer dot, with the physical resolution
//! recorded (`pHYs`) so a preview prints at actual size.
//!
//! ```
//! use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
//! use bedside_printer::png::{render, PngOptions};
//! use bedside_patient::{NhsNumber, TestData};
//! let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
//! let png = render(&Layout::new(&band, BandSize::Adult, Resolution::Dpi203)?, &PngOptions::default())?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use thiserror::Error;

use crate::layout::{BandError, Item, Layout, Measure};
use crate::raster::Canvas;

/// Why a PNG could not be made.
///
/// ```
/// use bedside_printer::png::PngError;
/// let e = PngError::from(bedside_printer::layout::BandError::Font);
/// assert!(e.to_string().contains("font"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PngError {
    /// The layout's font could not be read.
    #[error(transparent)]
    Band(#[from] BandError),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// Preview options.
///
/// ```
/// assert!(!bedside_printer::png::PngOptions::default().landscape);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PngOptions {
    /// Turn the band so its text reads left to right (for a screen); otherwise the image
    /// is the band as it leaves the printer (narrow and tall).
    pub landscape: bool,
}

/// The band as a greyscale bitmap in band coordinates (`x` across, `y` along).
pub(crate) fn rasterise(layout: &Layout) -> Result<Canvas, BandError> {
    let measure = Measure::new()?;
    let mut c = Canvas::new(layout.width_dots(), layout.length_dots());
    for item in layout.items() {
        match item {
            Item::DataMatrix(d) => c.datamatrix(d),
            Item::Linear(l) => c.linear(l),
            Item::Text(t) => {
                if t.reverse {
                    let pad = (t.height_dots / 6).max(2);
                    c.fill_rect(
                        t.x.saturating_sub(pad),
                        t.y.saturating_sub(pad),
                        t.height_dots + 2 * pad,
                        t.length_dots + 2 * pad,
                        0,
                    );
                    c.text(measure.font(), t, 0, 0, 255);
                } else {
                    c.text(measure.font(), t, 0, 0, 0);
                }
            }
        }
    }
    Ok(c)
}

/// Renders a layout as an 8-bit greyscale PNG.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
/// use bedside_printer::png::{render, PngOptions};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
/// let l = Layout::new(&band, BandSize::Child, Resolution::Dpi300)?;
/// let png = render(&l, &PngOptions { landscape: true })?;
/// // IHDR width and height, big-endian, at bytes 16..24.
/// assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), l.length_dots());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(layout: &Layout, opts: &PngOptions) -> Result<Vec<u8>, PngError> {
    let c = rasterise(layout)?;
    let (w, h, px) = if opts.landscape {
        // Turned a quarter anticlockwise: band y runs left to right, band x upwards.
        let (w, h) = (c.height, c.width);
        let mut px = vec![255u8; c.px.len()];
        for y in 0..c.height as usize {
            for x in 0..c.width as usize {
                let u = y;
                let v = c.width as usize - 1 - x;
                px[v * w as usize + u] = c.px[y * c.width as usize + x];
            }
        }
        (w, h, px)
    } else {
        (c.width, c.height, c.px)
    };
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = layout.resolution().dots_per_mm() * 1000;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header()?;
        writer.write_image_data(&px)?;
    }
    Ok(out)
}
