//! Greyscale images: decoded PNG or JPEG files, or raw camera frames.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::ImageError;

/// The largest image the reader accepts, in pixels (40 Mpx).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// An 8-bit greyscale image, row-major, 0 = black.
///
/// ```
/// use bedside_barcode::reader::GrayImage;
/// let img = GrayImage::from_raw(4, 2, vec![255; 8]).unwrap();
/// assert_eq!((img.width(), img.height()), (4, 2));
/// assert!(GrayImage::from_raw(4, 2, vec![0; 7]).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrayImage {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn check_dims(width: u64, height: u64) -> Result<(), ImageError> {
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Err(ImageError::BadDimensions { width, height });
    }
    Ok(())
}

impl GrayImage {
    /// Makes this image a copy of `other`, reusing this one's buffer.
    pub(crate) fn copy_from(&mut self, other: &GrayImage) {
        self.width = other.width;
        self.height = other.height;
        self.pixels.clear();
        self.pixels.extend_from_slice(&other.pixels);
    }

    /// A raw greyscale frame (for example the Y plane of a camera's YUV frame).
    ///
    /// ```
    /// let img = bedside_barcode::reader::GrayImage::from_raw(2, 2, vec![0, 255, 255, 0]).unwrap();
    /// assert_eq!(img.get(1, 1), 0);
    /// ```
    pub fn from_raw(width: usize, height: usize, pixels: Vec<u8>) -> Result<GrayImage, ImageError> {
        check_dims(width as u64, height as u64)?;
        let expected = width * height;
        if pixels.len() != expected {
            return Err(ImageError::BadFrameLength {
                len: pixels.len(),
                expected,
            });
        }
        Ok(GrayImage {
            width,
            height,
            pixels,
        })
    }

    /// For generated images whose size is known to be right.
    #[cfg(feature = "synth")]
    pub(crate) fn from_parts(width: usize, height: usize, mut pixels: Vec<u8>) -> GrayImage {
        pixels.resize(width * height, 255);
        GrayImage {
            width,
            height,
            pixels,
        }
    }

    /// Decodes a PNG or JPEG file (any colour type; alpha is composed on white).
    ///
    /// ```
    /// let png = bedside_barcode::ModuleMatrix::new(4, 4).to_png(&Default::default()).unwrap();
    /// let img = bedside_barcode::reader::GrayImage::decode(&png).unwrap();
    /// assert_eq!(img.width(), 32);
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<GrayImage, ImageError> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            catch_unwind(AssertUnwindSafe(|| decode_png(bytes)))
                .unwrap_or_else(|_| Err(ImageError::Malformed("PNG decoder failed".into())))
        } else if bytes.starts_with(&[0xff, 0xd8]) {
            catch_unwind(AssertUnwindSafe(|| decode_jpeg(bytes)))
                .unwrap_or_else(|_| Err(ImageError::Malformed("JPEG decoder failed".into())))
        } else {
            Err(ImageError::UnknownFormat)
        }
    }

    /// Width in pixels.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::reader::GrayImage::from_raw(3, 1, vec![0; 3]).unwrap().width(), 3);
    /// ```
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::reader::GrayImage::from_raw(3, 1, vec![0; 3]).unwrap().height(), 1);
    /// ```
    pub fn height(&self) -> usize {
        self.height
    }

    /// The pixels, row-major.
    ///
    /// ```
    /// assert_eq!(bedside_barcode::reader::GrayImage::from_raw(3, 1, vec![7; 3]).unwrap().pixels(), [7, 7, 7]);
    /// ```
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixel at (`x`, `y`); 255 (white) outside the image.
    ///
    /// ```
    /// let img = bedside_barcode::reader::GrayImage::from_raw(1, 1, vec![9]).unwrap();
    /// assert_eq!((img.get(0, 0), img.get(1, 0)), (9, 255));
    /// ```
    pub fn get(&self, x: usize, y: usize) -> u8 {
        if x < self.width && y < self.height {
            self.pixels.get(y * self.width + x).copied().unwrap_or(255)
        } else {
            255
        }
    }
}

impl GrayImage {
    /// Fills [x0, x1) × [y0, y1) with `value` (clipped to the image).
    pub(crate) fn fill_rect(&mut self, x0: usize, y0: usize, x1: usize, y1: usize, value: u8) {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        for y in y0..y1 {
            if let Some(row) = self
                .pixels
                .get_mut(y * self.width + x0..y * self.width + x1.max(x0))
            {
                row.fill(value);
            }
        }
    }
}

fn decode_png(bytes: &[u8]) -> Result<GrayImage, ImageError> {
    let bad = |e: png::DecodingError| ImageError::Malformed(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: 256 * 1024 * 1024,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (w, h) = {
        let info = reader.info();
        (u64::from(info.width), u64::from(info.height))
    };
    check_dims(w, h)?;
    let size = reader
        .output_buffer_size()
        .ok_or(ImageError::BadDimensions {
            width: w,
            height: h,
        })?;
    let mut buf = vec![0u8; size];
    let frame = reader.next_frame(&mut buf).map_err(bad)?;
    let (w, h) = (frame.width as usize, frame.height as usize);
    let data = buf.get(..frame.buffer_size()).unwrap_or(&[]);
    let pixels = match frame.color_type {
        png::ColorType::Grayscale => data.to_vec(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .map(|p| over_white(p[0], p[1]))
            .collect(),
        png::ColorType::Rgb => data
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        png::ColorType::Rgba => data
            .chunks_exact(4)
            .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
            .collect(),
        png::ColorType::Indexed => {
            return Err(ImageError::Malformed("unexpanded palette".into()));
        }
    };
    GrayImage::from_raw(w, h, pixels)
}

fn decode_jpeg(bytes: &[u8]) -> Result<GrayImage, ImageError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(256 * 1024 * 1024);
    decoder
        .read_info()
        .map_err(|e| ImageError::Malformed(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| ImageError::Malformed("no JPEG header".into()))?;
    check_dims(u64::from(info.width), u64::from(info.height))?;
    let data = decoder
        .decode()
        .map_err(|e| ImageError::Malformed(e.to_string()))?;
    let pixels: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => data,
        jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).map(|p| p[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => data
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .map(|p| {
                let k = u32::from(255 - p[3]);
                let c = |v: u8| ((255 - u32::from(v)) * k / 255) as u8;
                luma(c(p[0]), c(p[1]), c(p[2]))
            })
            .collect(),
    };
    GrayImage::from_raw(usize::from(info.width), usize::from(info.height), pixels)
}

/// ITU-R BT.601 luma, integer arithmetic.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000) as u8
}

fn over_white(v: u8, a: u8) -> u8 {
    ((u32::from(v) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8
}
