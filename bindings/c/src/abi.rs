//! What every entry point shares: the status codes, the panic guard, pointer
//! checks, borrowed byte views and library-allocated buffers.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The outcome of a call. A verdict about the *data* (an invalid GS1 message, a
/// refused wristband, a bad NHS number) is not a failed call: the call returns
/// [`BedsideStatus::Ok`] and the verdict is in the result. The discriminants are
/// stable and never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BedsideStatus {
    /// The call did what it says; read the result.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = 1,
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument is out of its domain (an unknown enum value, a zero size, a
    /// length larger than `PTRDIFF_MAX`, a malformed GSRN prefix list, ...).
    InvalidArgument = 3,
    /// An index past the end of a list.
    OutOfRange = 4,
    /// The result holds no GS1 message (it is invalid or not GS1), so there is
    /// nothing to render or encode.
    NoMessage = 5,
    /// The message cannot be written in the requested form (a composite in
    /// scan data, no primary key or a non-attribute AI in a Digital Link URI).
    Unrepresentable = 6,
    /// The barcode encoder refused the data (too long for the symbology, a
    /// composite message, no allowed symbol size) or the image could not be drawn.
    EncodeFailed = 7,
    /// The image is not a PNG or JPEG the reader can decode, or a raw frame's
    /// size does not match its dimensions.
    ImageError = 8,
    /// A panic inside the library was caught at the boundary. The call had no
    /// effect; please report it with the input.
    Panic = 100,
}

impl BedsideStatus {
    const fn message(self) -> &'static str {
        match self {
            BedsideStatus::Ok => "ok\0",
            BedsideStatus::NullPointer => "a required pointer argument was NULL\0",
            BedsideStatus::InvalidUtf8 => "a text argument is not valid UTF-8\0",
            BedsideStatus::InvalidArgument => "an argument is out of its domain\0",
            BedsideStatus::OutOfRange => "index out of range\0",
            BedsideStatus::NoMessage => "the result holds no valid GS1 message\0",
            BedsideStatus::Unrepresentable => {
                "the message cannot be written in the requested form\0"
            }
            BedsideStatus::EncodeFailed => "the barcode could not be encoded or drawn\0",
            BedsideStatus::ImageError => "the image could not be decoded\0",
            BedsideStatus::Panic => "internal error: a panic was caught at the C boundary\0",
        }
    }

    const ALL: [BedsideStatus; 10] = [
        BedsideStatus::Ok,
        BedsideStatus::NullPointer,
        BedsideStatus::InvalidUtf8,
        BedsideStatus::InvalidArgument,
        BedsideStatus::OutOfRange,
        BedsideStatus::NoMessage,
        BedsideStatus::Unrepresentable,
        BedsideStatus::EncodeFailed,
        BedsideStatus::ImageError,
        BedsideStatus::Panic,
    ];
}

/// Runs an entry point's body, turning a panic into [`BedsideStatus::Panic`].
pub(crate) fn guard(body: impl FnOnce() -> Result<(), BedsideStatus>) -> BedsideStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => BedsideStatus::Ok,
        Ok(Err(status)) => status,
        Err(_) => BedsideStatus::Panic,
    }
}

/// Runs a `*_free` body; a panic there is swallowed (there is no status to return).
pub(crate) fn guard_free(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// Borrows `len` bytes at `ptr`.
///
/// # Safety
/// When `ptr` is not NULL it must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], BedsideStatus> {
    if ptr.is_null() {
        return Err(BedsideStatus::NullPointer);
    }
    if len > isize::MAX as usize {
        return Err(BedsideStatus::InvalidArgument);
    }
    // SAFETY: not NULL, at most isize::MAX bytes, and the caller promises the
    // memory is readable for `len` bytes while the call runs.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn text_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, BedsideStatus> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_in(ptr, len) }?;
    std::str::from_utf8(bytes).map_err(|_| BedsideStatus::InvalidUtf8)
}

/// Borrows an optional input: NULL gives `None`.
///
/// # Safety
/// When `ptr` is not NULL it must point to a valid, initialised `T` for `'a`.
pub(crate) unsafe fn opt_ref<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: the caller promises a non-NULL pointer is valid and aligned.
    unsafe { ptr.as_ref() }
}

/// Borrows a required input handle or struct.
///
/// # Safety
/// As [`opt_ref`].
pub(crate) unsafe fn req_ref<'a, T>(ptr: *const T) -> Result<&'a T, BedsideStatus> {
    // SAFETY: forwarded from the caller.
    unsafe { opt_ref(ptr) }.ok_or(BedsideStatus::NullPointer)
}

/// Writes `value` through a required out-pointer (without reading or dropping
/// what was there: it may be uninitialised).
///
/// # Safety
/// When `ptr` is not NULL it must be valid for writes of a `T` and aligned.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T) -> Result<(), BedsideStatus> {
    if ptr.is_null() {
        return Err(BedsideStatus::NullPointer);
    }
    // SAFETY: not NULL; the caller promises it is writable and aligned.
    unsafe { ptr.write(value) };
    Ok(())
}

/// Clears a handle out-parameter to NULL before any work, so that a failed call
/// leaves NULL behind.
///
/// # Safety
/// As [`write_out`].
pub(crate) unsafe fn clear_handle<T>(out: *mut *mut T) -> Result<(), BedsideStatus> {
    // SAFETY: forwarded from the caller.
    unsafe { write_out(out, std::ptr::null_mut()) }
}

/// A borrowed view of bytes owned by a handle (or static): valid until that
/// handle is freed. `ptr` is never NULL (an empty view points at a static
/// byte); the bytes are *not* NUL-terminated, always use `len`. Text fields
/// are UTF-8; the raw data of a decoded symbol may be any bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BedsideBytes {
    /// First byte; never NULL.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

static EMPTY: [u8; 1] = [0];

impl BedsideBytes {
    pub(crate) fn of(bytes: &[u8]) -> BedsideBytes {
        if bytes.is_empty() {
            return BedsideBytes::default();
        }
        BedsideBytes {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }
    pub(crate) fn str(text: &str) -> BedsideBytes {
        BedsideBytes::of(text.as_bytes())
    }
    pub(crate) fn opt(text: Option<&str>) -> BedsideBytes {
        text.map_or_else(BedsideBytes::default, BedsideBytes::str)
    }
}

impl Default for BedsideBytes {
    fn default() -> Self {
        BedsideBytes {
            ptr: EMPTY.as_ptr(),
            len: 0,
        }
    }
}

/// Bytes allocated by the library and owned by the caller, who frees them
/// exactly once with [`bedside_buffer_free`]. Text outputs are UTF-8 and are
/// followed by a NUL byte that `len` does not count, so `(const char *)data`
/// may be printed directly. `capacity` belongs to the library: do not change it.
/// An empty buffer has `data == NULL`.
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct BedsideBuffer {
    /// The bytes, or NULL for an empty (freed or never filled) buffer.
    pub data: *mut u8,
    /// Number of bytes of output (not counting the NUL after text).
    pub len: usize,
    /// Size of the allocation, for [`bedside_buffer_free`] only.
    pub capacity: usize,
}

impl Default for BedsideBuffer {
    /// An empty buffer (`data = NULL`), ready to be filled by the library.
    fn default() -> Self {
        BedsideBuffer::EMPTY
    }
}

impl BedsideBuffer {
    pub(crate) const EMPTY: BedsideBuffer = BedsideBuffer {
        data: std::ptr::null_mut(),
        len: 0,
        capacity: 0,
    };

    /// Hands binary output to the caller.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> BedsideBuffer {
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        BedsideBuffer {
            data: bytes.as_mut_ptr(),
            len: bytes.len(),
            capacity: bytes.capacity(),
        }
    }

    /// Hands text output to the caller, NUL-terminated after `len`.
    pub(crate) fn from_text(text: String) -> BedsideBuffer {
        let mut bytes = text.into_bytes();
        let len = bytes.len();
        bytes.push(0);
        let mut buffer = BedsideBuffer::from_bytes(bytes);
        buffer.len = len;
        buffer
    }
}

/// Writes a buffer out-parameter.
///
/// # Safety
/// As [`write_out`].
pub(crate) unsafe fn buffer_out(
    out: *mut BedsideBuffer,
    body: impl FnOnce() -> Result<BedsideBuffer, BedsideStatus>,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { write_out(out, BedsideBuffer::EMPTY) }?;
        let buffer = body()?;
        // SAFETY: checked non-NULL just above; forwarded from the caller.
        unsafe { write_out(out, buffer) }
    })
}

/// Frees a buffer filled by the library and resets it to empty
/// (`data = NULL, len = capacity = 0`), so freeing it again is harmless.
/// NULL, or a buffer whose `data` is NULL, is ignored.
///
/// # Safety
/// `buffer` is NULL or points to a `BedsideBuffer` that the library filled and
/// whose fields the caller did not change.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_buffer_free(buffer: *mut BedsideBuffer) {
    guard_free(|| {
        // SAFETY: the caller passes NULL or a valid, aligned buffer struct.
        let Some(b) = (unsafe { buffer.as_mut() }) else {
            return;
        };
        if !b.data.is_null() {
            // SAFETY: data/capacity came from a Vec<u8> leaked by
            // `from_bytes`, unchanged by contract; `len <= capacity` and u8
            // needs no drop, so rebuilding with length 0 frees it exactly.
            drop(unsafe { Vec::from_raw_parts(b.data, 0, b.capacity) });
        }
        *b = BedsideBuffer::EMPTY;
    });
}

/// The library version, `"MAJOR.MINOR.PATCH"`: a static NUL-terminated string
/// the caller must not free.
#[unsafe(no_mangle)]
pub extern "C" fn bedside_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// A short English description of a status code: a static NUL-terminated
/// string the caller must not free. Unknown codes give `"unknown status"`.
#[unsafe(no_mangle)]
pub extern "C" fn bedside_status_message(code: i32) -> *const c_char {
    let text = BedsideStatus::ALL
        .iter()
        .find(|s| **s as i32 == code)
        .map_or("unknown status\0", |s| s.message());
    text.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let status = guard(|| panic!("boom"));
        std::panic::set_hook(prev);
        assert_eq!(status, BedsideStatus::Panic);
    }

    #[test]
    fn every_status_has_a_terminated_message() {
        for s in BedsideStatus::ALL {
            let p = bedside_status_message(s as i32);
            // SAFETY: static NUL-terminated strings.
            let text = unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap();
            assert!(!text.is_empty() && text != "unknown status", "{s:?}");
        }
        // SAFETY: as above.
        let unknown = unsafe { std::ffi::CStr::from_ptr(bedside_status_message(-7)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown status");
    }

    #[test]
    fn text_buffers_are_terminated_and_freed_once() {
        let mut b = BedsideBuffer::from_text("(01)".to_string());
        assert_eq!(b.len, 4);
        // SAFETY: the buffer holds len + 1 bytes.
        assert_eq!(unsafe { *b.data.add(4) }, 0);
        // SAFETY: a library-filled buffer, freed twice (the second is a no-op).
        unsafe {
            bedside_buffer_free(&mut b);
            bedside_buffer_free(&mut b);
            bedside_buffer_free(std::ptr::null_mut());
        }
        assert_eq!(b, BedsideBuffer::EMPTY);
    }
}
