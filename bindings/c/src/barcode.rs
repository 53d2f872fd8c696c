//! GS1 DataMatrix / GS1-128 encoding and the image reader through the C ABI.

use std::time::Duration;

use bedside_barcode::reader::{Decoded, GrayImage, Reader, ReaderOptions, Symbology};
use bedside_barcode::{ModuleMatrix, RenderOptions, datamatrix, gs1_128};
use bedside_gs1::{Options, Parser, dict::Dictionary};

use crate::abi::{
    BedsideBuffer, BedsideBytes, BedsideStatus, buffer_out, bytes_in, clear_handle, guard,
    guard_free, opt_ref, req_ref, write_out,
};
use crate::gs1::BedsideGs1Result;

/// The symbology [`bedside_barcode_encode`] draws (passed as `uint32_t`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BedsideBarcodeSymbology {
    /// GS1 DataMatrix (ECC 200, square sizes), read back as `]d2`.
    Datamatrix = 1,
    /// GS1-128 (Code 128 with FNC1 first), read back as `]C1`; at most 48
    /// data characters, as GS1 requires.
    Gs1_128 = 2,
}

/// The image format [`bedside_barcode_encode`] writes (passed as `uint32_t`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BedsideImageFormat {
    /// An 8-bit greyscale PNG.
    Png = 1,
    /// An SVG document (UTF-8 text, NUL-terminated after `len`).
    Svg = 2,
}

/// Quiet zone value for [`bedside_barcode_encode`] meaning "the symbology's
/// own minimum" (2 modules for DataMatrix, 10 for GS1-128).
pub const BEDSIDE_QUIET_ZONE_DEFAULT: u32 = 0xFFFF_FFFF;

/// Encodes the valid GS1 message of `message` as a `symbology` symbol
/// ([`BedsideBarcodeSymbology`]) and draws it in `format`
/// ([`BedsideImageFormat`]) with `module_px` pixels per module (1-100) and a
/// quiet zone of `quiet_zone` modules ([`BEDSIDE_QUIET_ZONE_DEFAULT`] for the
/// symbology's minimum), into a new buffer the caller frees with
/// [`crate::bedside_buffer_free`].
///
/// `BEDSIDE_STATUS_NO_MESSAGE` when `message` is not a valid GS1 result;
/// `BEDSIDE_STATUS_ENCODE_FAILED` when the data does not fit the symbology (a
/// composite, too long for GS1-128) or the image would be too large;
/// `BEDSIDE_STATUS_INVALID_ARGUMENT` for unknown enum values or a module size
/// out of range.
///
/// # Safety
/// `message` is a live result handle; `out` is a valid `BedsideBuffer` to
/// overwrite.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_barcode_encode(
    message: *const BedsideGs1Result,
    symbology: u32,
    format: u32,
    module_px: u32,
    quiet_zone: u32,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        buffer_out(out, || {
            let r = req_ref(message)?;
            if !(1..=100).contains(&module_px) || !(1..=2).contains(&format) {
                return Err(BedsideStatus::InvalidArgument);
            }
            let quiet_zone = if quiet_zone == BEDSIDE_QUIET_ZONE_DEFAULT {
                None
            } else {
                Some(usize::try_from(quiet_zone).map_err(|_| BedsideStatus::InvalidArgument)?)
            };
            let m = r.message().ok_or(BedsideStatus::NoMessage)?;
            let matrix: ModuleMatrix = match symbology {
                1 => datamatrix::encode(m, &datamatrix::DataMatrixOptions::default())
                    .map_err(|_| BedsideStatus::EncodeFailed)?
                    .into_matrix(),
                2 => gs1_128::encode(m, &gs1_128::Gs1_128Options::default())
                    .map_err(|_| BedsideStatus::EncodeFailed)?
                    .into_matrix(),
                _ => return Err(BedsideStatus::InvalidArgument),
            };
            let opts = RenderOptions {
                module_px,
                quiet_zone,
            };
            if format == 1 {
                matrix
                    .to_png(&opts)
                    .map(BedsideBuffer::from_bytes)
                    .map_err(|_| BedsideStatus::EncodeFailed)
            } else {
                matrix
                    .to_svg(&opts)
                    .map(BedsideBuffer::from_text)
                    .map_err(|_| BedsideStatus::EncodeFailed)
            }
        })
    }
}

/// Reader options; [`bedside_reader_options_default`] gives the defaults, and
/// NULL where options are asked for means the same. Flags are `uint8_t`: 0 is
/// false, anything else true.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BedsideReaderOptions {
    /// Wall-clock budget per read in milliseconds (default 250 in release
    /// builds); what was found by then is returned.
    pub budget_ms: u32,
    /// Look for Data Matrix (default 1).
    pub datamatrix: u8,
    /// Look for Code 128 / GS1-128 (default 1).
    pub code128: u8,
    /// Run every pass instead of stopping at the first that found a symbol (default 0).
    pub exhaustive: u8,
    /// Stop after this many distinct symbols (default 16; at least 1).
    pub max_symbols: u32,
}

/// The default reader options.
#[unsafe(no_mangle)]
pub extern "C" fn bedside_reader_options_default() -> BedsideReaderOptions {
    let d = ReaderOptions::default();
    BedsideReaderOptions {
        budget_ms: u32::try_from(d.budget.as_millis()).unwrap_or(u32::MAX),
        datamatrix: u8::from(d.datamatrix),
        code128: u8::from(d.code128),
        exhaustive: u8::from(d.exhaustive),
        max_symbols: u32::try_from(d.max_symbols).unwrap_or(u32::MAX),
    }
}

/// An image reader: an opaque handle owned by the caller, freed with
/// [`bedside_reader_free`]. One reader may serve several threads at once (a
/// concurrent call runs on its own worker); keep one per process or per
/// scanner station, as it keeps a worker thread warm between calls.
pub struct BedsideReader {
    reader: Reader,
}

/// Makes a reader with `options` (NULL for the defaults) and stores the handle
/// in `*out`. `BEDSIDE_STATUS_INVALID_ARGUMENT` for a zero budget or
/// `max_symbols` 0.
///
/// # Safety
/// `options` is NULL or valid; `out` is a valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_reader_new(
    options: *const BedsideReaderOptions,
    out: *mut *mut BedsideReader,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let o = unsafe { opt_ref(options) }
            .copied()
            .unwrap_or_else(|| bedside_reader_options_default());
        if o.budget_ms == 0 || o.max_symbols == 0 {
            return Err(BedsideStatus::InvalidArgument);
        }
        let reader = Reader::new(ReaderOptions {
            budget: Duration::from_millis(u64::from(o.budget_ms)),
            datamatrix: o.datamatrix != 0,
            code128: o.code128 != 0,
            exhaustive: o.exhaustive != 0,
            max_symbols: usize::try_from(o.max_symbols).unwrap_or(usize::MAX),
        });
        let handle = Box::into_raw(Box::new(BedsideReader { reader }));
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, handle) }
    })
}

/// Frees a reader. NULL is ignored.
///
/// # Safety
/// `reader` is NULL or a live handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_reader_free(reader: *mut BedsideReader) {
    guard_free(|| {
        if !reader.is_null() {
            // SAFETY: the handle came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(reader) });
        }
    });
}

/// What one read found: an opaque handle owned by the caller, freed with
/// [`bedside_read_result_free`]. Immutable.
pub struct BedsideReadResult {
    decoded: Decoded,
}

fn store(out: *mut *mut BedsideReadResult, decoded: Decoded) -> Result<(), BedsideStatus> {
    let handle = Box::into_raw(Box::new(BedsideReadResult { decoded }));
    // SAFETY: the callers checked `out` with clear_handle before any work.
    unsafe { write_out(out, handle) }
}

/// Reads a PNG or JPEG image (`len` bytes, the file's contents) and stores a
/// new result handle in `*out`. `BEDSIDE_STATUS_IMAGE_ERROR` when the bytes
/// are not an image the reader decodes. Finding nothing is not an error: the
/// result then has no symbols. The caller keeps `image`.
///
/// # Safety
/// `reader` is a live handle; `image` is valid for `len` bytes; `out` is a
/// valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_reader_read(
    reader: *const BedsideReader,
    image: *const u8,
    len: usize,
    out: *mut *mut BedsideReadResult,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller (each helper checks for NULL).
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let r = unsafe { req_ref(reader) }?;
        // SAFETY: as above.
        let bytes = unsafe { bytes_in(image, len) }?;
        let decoded = r
            .reader
            .read_bytes(bytes)
            .map_err(|_| BedsideStatus::ImageError)?;
        store(out, decoded)
    })
}

/// Reads a raw 8-bit greyscale frame of `width` x `height` pixels (row-major,
/// `len == width * height`; for example a camera's Y plane) and stores a new
/// result handle in `*out`. `BEDSIDE_STATUS_IMAGE_ERROR` when the length does
/// not match or the dimensions are out of range.
///
/// # Safety
/// As [`bedside_reader_read`], with `pixels` valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_reader_read_gray(
    reader: *const BedsideReader,
    pixels: *const u8,
    len: usize,
    width: u32,
    height: u32,
    out: *mut *mut BedsideReadResult,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller (each helper checks for NULL).
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let r = unsafe { req_ref(reader) }?;
        // SAFETY: as above.
        let bytes = unsafe { bytes_in(pixels, len) }?;
        let w = usize::try_from(width).map_err(|_| BedsideStatus::InvalidArgument)?;
        let h = usize::try_from(height).map_err(|_| BedsideStatus::InvalidArgument)?;
        if w.checked_mul(h) != Some(bytes.len()) {
            return Err(BedsideStatus::ImageError);
        }
        let image =
            GrayImage::from_raw(w, h, bytes.to_vec()).map_err(|_| BedsideStatus::ImageError)?;
        store(out, r.reader.read(&image))
    })
}

/// Frees a read result. NULL is ignored.
///
/// # Safety
/// `result` is NULL or a live handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_read_result_free(result: *mut BedsideReadResult) {
    guard_free(|| {
        if !result.is_null() {
            // SAFETY: the handle came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    });
}

/// A summary of a read, filled by [`bedside_read_result_info`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BedsideReadInfo {
    /// Number of distinct symbols found (GS1 or not).
    pub symbol_count: usize,
    /// Number of those that are validated GS1 (`]d2`/`]C1`/`]Q3` and valid data).
    pub gs1_count: usize,
    /// 1 when the budget ended before the search did.
    pub timed_out: u8,
    /// Panics inside the third-party decoder that were contained.
    pub contained_panics: usize,
}

/// Fills `*info` with a read's summary.
///
/// # Safety
/// `result` is a live handle; `info` is a valid place to store a `BedsideReadInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_read_result_info(
    result: *const BedsideReadResult,
    info: *mut BedsideReadInfo,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        let d = &r.decoded;
        let value = BedsideReadInfo {
            symbol_count: d.symbols.len(),
            gs1_count: d.gs1_symbols().count(),
            timed_out: u8::from(d.timed_out),
            contained_panics: d.contained_panics,
        };
        // SAFETY: forwarded from the caller.
        unsafe { write_out(info, value) }
    })
}

/// The symbology of a decoded symbol.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideReaderSymbology {
    /// Data Matrix.
    #[default]
    Datamatrix = 1,
    /// Code 128 (GS1-128 when the AIM identifier is `]C1`).
    Code128 = 2,
    /// A symbology added after this header was generated.
    Other = 255,
}

/// One decoded symbol, filled by [`bedside_read_result_symbol`]. Views die
/// with the read result.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BedsideSymbolInfo {
    /// The symbology.
    pub symbology: BedsideReaderSymbology,
    /// The AIM symbology identifier, `"]d2"`.
    pub aim: BedsideBytes,
    /// The symbol's data after the AIM identifier: raw bytes, not necessarily
    /// UTF-8. For display and logging only; identification takes the GS1
    /// result from [`bedside_read_result_gs1`].
    pub data: BedsideBytes,
    /// 1 when the symbol is validated GS1 (`]d2`/`]C1`/`]Q3` and the data
    /// passed every GS1 rule).
    pub is_gs1: u8,
}

/// Fills `*symbol` with symbol `index` (0-based, in the order found).
///
/// # Safety
/// `result` is a live handle; `symbol` is a valid place to store a
/// `BedsideSymbolInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_read_result_symbol(
    result: *const BedsideReadResult,
    index: usize,
    symbol: *mut BedsideSymbolInfo,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        if symbol.is_null() {
            return Err(BedsideStatus::NullPointer);
        }
        let s = r
            .decoded
            .symbols
            .get(index)
            .ok_or(BedsideStatus::OutOfRange)?;
        let value = BedsideSymbolInfo {
            symbology: match s.symbology() {
                Symbology::DataMatrix => BedsideReaderSymbology::Datamatrix,
                Symbology::Code128 => BedsideReaderSymbology::Code128,
                _ => BedsideReaderSymbology::Other,
            },
            aim: BedsideBytes::str(s.aim()),
            data: BedsideBytes::of(s.data()),
            is_gs1: u8::from(s.gs1().is_ok()),
        };
        // SAFETY: checked non-NULL above; forwarded from the caller.
        unsafe { write_out(symbol, value) }
    })
}

/// Parses symbol `index`'s scan data (AIM identifier and data, line endings
/// kept as data) as GS1 and stores a new GS1 result handle in `*out`, to be
/// freed with [`crate::bedside_gs1_result_free`]. The verdict is `VALID`
/// exactly when the symbol is validated GS1; otherwise the result says why.
///
/// # Safety
/// `result` is a live handle; `out` is a valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_read_result_gs1(
    result: *const BedsideReadResult,
    index: usize,
    out: *mut *mut BedsideGs1Result,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let r = unsafe { req_ref(result) }?;
        let s = r
            .decoded
            .symbols
            .get(index)
            .ok_or(BedsideStatus::OutOfRange)?;
        let scan = s.scan_data();
        let parser = Parser::new(
            Dictionary::embedded(),
            Options {
                strip_line_endings: false,
                ..Options::default()
            },
        );
        let parsed = parser.scan(&scan);
        let mut gs1 = BedsideGs1Result::new(parsed, &scan);
        // Only the three GS1 AIM identifiers may feed identification; a GS1
        // element string in any other symbol is reported as not GS1.
        if s.gs1().is_err() && gs1.message().is_some() {
            gs1 = BedsideGs1Result::non_gs1(&scan);
        }
        let handle = Box::into_raw(Box::new(gs1));
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, handle) }
    })
}
