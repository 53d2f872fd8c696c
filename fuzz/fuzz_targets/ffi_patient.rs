//! Drives the C ABI's NHS number and wristband entry points (`bindings/c`,
//! crate `bedside-ffi`) as a C caller would.
//!
//! Input: byte 0 holds the NHS parse flags and the wristband options; the rest
//! is handed to `bedside_nhs_parse` and to `bedside_wristband_check` (demo
//! policy).
//!
//! Asserts: no call returns `BEDSIDE_STATUS_PANIC`; a call fails only for
//! input that is not UTF-8; a valid NHS number has 10 digits, a check digit
//! that passes modulus 11 and a 3 3 4 display form; an accepted band carries a
//! valid NHS number inside its GSRN, and a refused one says why; the display
//! buffers and the internal AIs (91-93, 98, 99) are UTF-8.
#![no_main]
#![allow(unsafe_code)]

use std::ptr;

use bedside_ffi::*;
use libfuzzer_sys::fuzz_target;

fn view(b: BedsideBytes) -> &'static [u8] {
    assert!(!b.ptr.is_null());
    // SAFETY: the library promises `len` readable bytes while the result
    // lives; the slice is not kept past it.
    unsafe { std::slice::from_raw_parts(b.ptr, b.len) }
}

fn nul_terminated(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).expect("NUL-terminated");
    &bytes[..end]
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let utf8 = std::str::from_utf8(input).is_ok();

    let mut nhs = BedsideNhsInfo::default();
    // SAFETY: the input is valid for its length; `nhs` is a valid out-pointer.
    let s =
        unsafe { bedside_nhs_parse(input.as_ptr(), input.len(), u32::from(flags & 3), &mut nhs) };
    assert_ne!(s, BedsideStatus::Panic);
    assert_eq!(s == BedsideStatus::Ok, utf8);
    if s == BedsideStatus::Ok {
        let message = nul_terminated(&nhs.message);
        assert!(std::str::from_utf8(message).is_ok());
        if nhs.valid == 1 {
            let digits = nul_terminated(&nhs.digits);
            assert_eq!(digits.len(), 10);
            assert!(digits.iter().all(u8::is_ascii_digit));
            let sum: u32 = digits[..9]
                .iter()
                .zip((2..=10).rev())
                .map(|(d, w)| u32::from(d - b'0') * w)
                .sum();
            let check = (11 - sum % 11) % 11;
            assert_eq!(check, u32::from(digits[9] - b'0'));
            assert_eq!(nul_terminated(&nhs.formatted).len(), 12);
            assert_eq!(nhs.error, BedsideNhsError::None);
            assert!(message.is_empty());
        } else {
            assert_ne!(nhs.error, BedsideNhsError::None);
            assert!(!message.is_empty());
        }
    }

    let mut policy = ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(
        unsafe { bedside_wristband_policy_demo(&mut policy) },
        BedsideStatus::Ok
    );
    let mut opts = bedside_gs1_options_default();
    opts.strip_line_endings = flags & 4;
    let mut result = ptr::NonNull::<BedsideWristbandResult>::dangling().as_ptr();
    // SAFETY: a live policy, the input valid for its length, valid out-pointers.
    let s =
        unsafe { bedside_wristband_check(policy, input.as_ptr(), input.len(), &opts, &mut result) };
    assert_ne!(s, BedsideStatus::Panic);
    assert_eq!(s == BedsideStatus::Ok, utf8);
    if s != BedsideStatus::Ok {
        assert!(result.is_null());
    } else {
        let mut w = BedsideWristbandInfo::default();
        // SAFETY: a live handle and a valid out-pointer.
        assert_eq!(
            unsafe { bedside_wristband_result_info(result, &mut w) },
            BedsideStatus::Ok
        );
        let message = view(w.error_message);
        view(w.error_ai);
        let mut name = BedsideBuffer::default();
        let mut dob = BedsideBuffer::default();
        // SAFETY: a live handle and valid buffer structs, freed once below.
        let (sn, sd) = unsafe {
            (
                bedside_wristband_display_name(result, &mut name),
                bedside_wristband_display_date_of_birth(result, &mut dob),
            )
        };
        match w.verdict {
            BedsideWristbandVerdict::Accepted => {
                let nhs = view(w.nhs_number);
                let gsrn = view(w.gsrn);
                assert_eq!(nhs.len(), 10);
                assert_eq!(gsrn.len(), 18);
                assert_eq!(&gsrn[7..17], nhs, "the NHS number is GSRN digits 8-17");
                assert!(message.is_empty());
                assert_eq!((sn, sd), (BedsideStatus::Ok, BedsideStatus::Ok));
                for b in [&name, &dob] {
                    // SAFETY: a filled buffer holds `len` bytes.
                    let bytes = unsafe { std::slice::from_raw_parts(b.data, b.len) };
                    assert!(std::str::from_utf8(bytes).is_ok());
                }
                view(w.family_name);
                view(w.given_name);
                view(w.full_name);
                view(w.srin);
                let mut index = 0;
                loop {
                    let (mut ai, mut value) = (BedsideBytes::default(), BedsideBytes::default());
                    // SAFETY: a live handle and valid out-pointers.
                    let s =
                        unsafe { bedside_wristband_internal(result, index, &mut ai, &mut value) };
                    if s == BedsideStatus::OutOfRange {
                        break;
                    }
                    assert_eq!(s, BedsideStatus::Ok);
                    assert!(matches!(view(ai), b"91" | b"92" | b"93" | b"98" | b"99"));
                    assert!(std::str::from_utf8(view(value)).is_ok());
                    index += 1;
                }
            }
            BedsideWristbandVerdict::Rejected => {
                assert_ne!(w.band_error, BedsideWristbandError::None);
                assert!(!message.is_empty());
                assert_eq!(
                    (sn, sd),
                    (BedsideStatus::NoMessage, BedsideStatus::NoMessage)
                );
            }
            BedsideWristbandVerdict::Gs1Invalid => {
                assert_ne!(w.gs1_error_class, BedsideErrorClass::None);
                assert!(w.gs1_error_offset <= input.len());
                assert!(!message.is_empty());
            }
            BedsideWristbandVerdict::NotGs1 => assert!(message.is_empty()),
        }
        // SAFETY: each handle and buffer is freed once.
        unsafe {
            bedside_buffer_free(&mut name);
            bedside_buffer_free(&mut dob);
            bedside_wristband_result_free(result);
        }
    }
    // SAFETY: freed once, after its last use.
    unsafe { bedside_wristband_policy_free(policy) };
});
