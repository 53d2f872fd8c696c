//! Drives the C ABI's GS1 entry points (`bindings/c`, crate `bedside-ffi`)
//! exactly as a C caller would: raw pointers and lengths, out-parameters,
//! handles freed once.
//!
//! Input: byte 0 picks the form (`BedsideInputForm`, 0-5, and 6-7 as unknown
//! values), byte 1 the options and the scan-data symbology, the rest is the
//! text handed over.
//!
//! Asserts: no call returns `BEDSIDE_STATUS_PANIC`; a parse fails only for the
//! documented reasons (unknown form, not UTF-8) and then leaves the handle
//! NULL; an invalid verdict has a class and an offset within the input, a
//! valid one has none and exactly `element_count` reachable elements; every
//! view and buffer is readable for its whole length; renders of a non-valid
//! result say `NO_MESSAGE`.
#![no_main]
#![allow(unsafe_code)]

use std::ptr;

use bedside_ffi::*;
use libfuzzer_sys::fuzz_target;

fn touch(b: BedsideBytes) -> usize {
    assert!(!b.ptr.is_null(), "a view is never NULL");
    // SAFETY: the library promises `len` readable bytes at `ptr` while the
    // result lives.
    let s = unsafe { std::slice::from_raw_parts(b.ptr, b.len) };
    s.iter().map(|&x| usize::from(x)).sum()
}

fn take(mut buf: BedsideBuffer, status: BedsideStatus, valid: bool, what: &str) {
    assert_ne!(status, BedsideStatus::Panic, "{what} panicked");
    if status == BedsideStatus::Ok {
        assert!(valid, "{what} rendered a result that is not valid");
        assert!(!buf.data.is_null() && buf.len <= buf.capacity);
        // SAFETY: a filled buffer holds `len` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(buf.data, buf.len) };
        assert!(std::str::from_utf8(bytes).is_ok(), "{what} is not UTF-8");
    } else {
        assert!(buf.data.is_null(), "{what} failed but left a buffer");
        if !valid {
            assert_eq!(status, BedsideStatus::NoMessage, "{what}");
        }
    }
    // SAFETY: a buffer the library filled (or left empty), freed once.
    unsafe { bedside_buffer_free(&mut buf) };
}

fuzz_target!(|data: &[u8]| {
    let (form, flags, input) = match data {
        [f, o, rest @ ..] => (u32::from(*f % 8), *o, rest),
        _ => return,
    };
    let mut opts = bedside_gs1_options_default();
    opts.validate_requisites = flags & 1;
    opts.strip_line_endings = flags & 2;
    opts.permit_zero_suppressed_gtin_in_dl = flags & 4;
    if flags & 8 != 0 {
        opts.gs_substitute = b"~".as_ptr();
        opts.gs_substitute_len = 1;
    }
    let mut result = ptr::NonNull::<BedsideGs1Result>::dangling().as_ptr();
    // SAFETY: every pointer is valid for the length given.
    let status =
        unsafe { bedside_gs1_parse(form, input.as_ptr(), input.len(), &opts, &mut result) };
    assert_ne!(status, BedsideStatus::Panic);
    if status != BedsideStatus::Ok {
        assert!(result.is_null(), "a failed parse must leave NULL");
        let expected = if form > 5 {
            BedsideStatus::InvalidArgument
        } else {
            BedsideStatus::InvalidUtf8
        };
        assert_eq!(status, expected);
        assert!(form > 5 || std::str::from_utf8(input).is_err());
        return;
    }
    assert!(form <= 5 && std::str::from_utf8(input).is_ok());

    let mut info = BedsideGs1Info::default();
    // SAFETY: a live handle and a valid out-pointer.
    assert_eq!(
        unsafe { bedside_gs1_result_info(result, &mut info) },
        BedsideStatus::Ok
    );
    touch(info.error_ai);
    touch(info.error_message);
    touch(info.error_markup);
    let valid = info.verdict == BedsideVerdict::Valid;
    match info.verdict {
        BedsideVerdict::Invalid => {
            assert_ne!(info.error_class, BedsideErrorClass::None);
            assert!(info.error_offset <= input.len(), "offset beyond the input");
            assert!(info.error_message.len > 0);
            assert_eq!(info.element_count, 0);
        }
        BedsideVerdict::Valid => {
            assert_eq!(info.error_class, BedsideErrorClass::None);
            assert!(info.element_count > 0);
        }
        BedsideVerdict::NonGs1 => assert_eq!(info.element_count, 0),
    }
    for i in 0..=info.element_count {
        let mut e = BedsideGs1Element::default();
        // SAFETY: as above.
        let s = unsafe { bedside_gs1_result_element(result, i, &mut e) };
        if i < info.element_count {
            assert_eq!(s, BedsideStatus::Ok);
            assert!((2..=4).contains(&e.ai.len));
            touch(e.ai);
            touch(e.value);
            assert!(e.offset <= input.len());
        } else {
            assert_eq!(s, BedsideStatus::OutOfRange);
        }
    }

    type Render =
        unsafe extern "C" fn(*const BedsideGs1Result, *mut BedsideBuffer) -> BedsideStatus;
    let renders: [(&str, Render); 3] = [
        ("bracketed", bedside_gs1_to_bracketed),
        ("unbracketed", bedside_gs1_to_unbracketed),
        ("element string", bedside_gs1_to_element_string),
    ];
    // SAFETY (every render): a live handle and a valid buffer struct, freed
    // once in `take`.
    for (what, render) in renders {
        let mut buf = BedsideBuffer::default();
        let s = unsafe { render(result, &mut buf) };
        take(buf, s, valid, what);
    }
    let mut buf = BedsideBuffer::default();
    let s = unsafe { bedside_gs1_to_hri(result, flags & 16, &mut buf) };
    take(buf, s, valid, "hri");
    let mut buf = BedsideBuffer::default();
    let s = unsafe { bedside_gs1_to_scan_data(result, u32::from(flags >> 5) + 1, &mut buf) };
    take(buf, s, valid, "scan data");
    let mut buf = BedsideBuffer::default();
    let s = unsafe { bedside_gs1_to_digital_link(result, ptr::null(), 0, &mut buf) };
    take(buf, s, valid, "digital link");
    // SAFETY: freed once, after the last use of its views.
    unsafe { bedside_gs1_result_free(result) };
});
