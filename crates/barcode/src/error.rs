//! Typed errors for encoding, rendering and reading.

use thiserror::Error;

/// Why a GS1 message could not be encoded as a symbol.
///
/// ```
/// use bedside_barcode::{EncodeError, gs1_128};
/// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)ABCDEFGHIJKLMNOPQRST(21)ABCDEFGHIJKLMNOPQRST").unwrap();
/// assert!(matches!(gs1_128::encode(&m, &Default::default()), Err(EncodeError::TooLong { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The message has a composite component (`|`): one symbol cannot carry both parts.
    #[error("a composite message needs two symbols; encode each component separately")]
    Composite,
    /// The message has no elements.
    #[error("the message is empty")]
    Empty,
    /// The data does not fit in any allowed symbol (or breaks the symbology's length limit).
    #[error("the data ({len} characters) does not fit: at most {max}")]
    TooLong {
        /// Data characters (or codewords) needed.
        len: usize,
        /// The limit that applied.
        max: usize,
    },
    /// The size options leave no symbol size to choose from.
    #[error("no symbol size satisfies the size options")]
    NoSizeAllowed,
    /// A byte the symbology cannot carry in GS1 mode.
    #[error("byte {byte:#04x} at offset {offset} cannot be encoded")]
    UnsupportedByte {
        /// Offset in the element string.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The underlying encoder failed in an unexpected way (reported, never a panic).
    #[error("internal encoder failure")]
    Internal,
}

/// Why a symbol could not be rendered.
///
/// ```
/// use bedside_barcode::{RenderError, RenderOptions, ModuleMatrix};
/// let m = ModuleMatrix::new(10, 10);
/// let opts = RenderOptions { module_px: 100_000, ..RenderOptions::default() };
/// assert!(matches!(m.to_png(&opts), Err(RenderError::TooLarge { .. })));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The image would exceed the pixel limit.
    #[error("image of {width}x{height} pixels is too large")]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// A module size of zero pixels.
    #[error("module size must be at least one pixel")]
    ZeroModule,
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Why an image could not be read.
///
/// ```
/// use bedside_barcode::reader::{GrayImage, ImageError};
/// assert!(matches!(GrayImage::decode(b"not an image"), Err(ImageError::UnknownFormat)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ImageError {
    /// Neither PNG nor JPEG.
    #[error("unknown image format (PNG and JPEG are supported)")]
    UnknownFormat,
    /// The PNG or JPEG data is malformed.
    #[error("malformed image: {0}")]
    Malformed(String),
    /// Zero-sized, or larger than the reader's pixel limit.
    #[error("image dimensions {width}x{height} are not supported")]
    BadDimensions {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// A raw frame whose length is not width × height.
    #[error("raw frame has {len} bytes, expected {expected}")]
    BadFrameLength {
        /// Bytes given.
        len: usize,
        /// Bytes expected.
        expected: usize,
    },
}
