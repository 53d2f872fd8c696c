//! The C ABI of Bedside: GS1 syntax (parse, validate, render), NHS numbers, the
//! DCB1077 wristband check, GS1 DataMatrix and GS1-128 encoding, and the image
//! reader, for electronic patient records written in C, C#, Java or anything
//! else that can call a C function.
//!
//! The header `include/bedside.h` is generated from this crate by cbindgen
//! (`tests/header.rs` fails when the committed header drifts from the code).
//!
//! Rules every entry point keeps:
//!
//! - it returns a [`BedsideStatus`] (or a pointer to a static string) and its
//!   body runs under [`std::panic::catch_unwind`]: a panic becomes
//!   [`BedsideStatus::Panic`], never an unwind into the caller;
//! - inputs are `(const uint8_t *, size_t)` pairs; a NULL pointer is
//!   [`BedsideStatus::NullPointer`], text that is not UTF-8 is
//!   [`BedsideStatus::InvalidUtf8`];
//! - out-parameters are cleared first (handles to NULL, buffers to empty), so a
//!   failed call never leaves a value the caller could free twice;
//! - handles are immutable after creation and may be read from several threads
//!   at once; there is no global mutable state.
//!
//! ```
//! use bedside_ffi::*;
//! let input = b"(01)09506000134352(17)261231";
//! let mut result = std::ptr::null_mut();
//! // SAFETY: the pointers are valid for the stated lengths.
//! let status = unsafe {
//!     bedside_gs1_parse(
//!         BedsideInputForm::Bracketed as u32,
//!         input.as_ptr(),
//!         input.len(),
//!         std::ptr::null(),
//!         &mut result,
//!     )
//! };
//! assert_eq!(status, BedsideStatus::Ok);
//! let mut info = BedsideGs1Info::default();
//! // SAFETY: `result` came from bedside_gs1_parse and is freed once, below.
//! unsafe {
//!     assert_eq!(bedside_gs1_result_info(result, &mut info), BedsideStatus::Ok);
//!     assert_eq!(info.verdict, BedsideVerdict::Valid);
//!     assert_eq!(info.element_count, 2);
//!     bedside_gs1_result_free(result);
//! }
//! ```
// This crate *is* the FFI boundary: exported `#[unsafe(no_mangle)]` functions
// and raw-pointer reads are its purpose. Every `unsafe` block says why it is
// sound (`clippy::undocumented_unsafe_blocks` is denied below); the crates it
// wraps keep `forbid(unsafe_code)`.
#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]

mod abi;
mod barcode;
mod gs1;
mod nhs;
mod wristband;

pub use crate::abi::{
    BedsideBuffer, BedsideBytes, BedsideStatus, bedside_buffer_free, bedside_status_message,
    bedside_version,
};
pub use crate::barcode::{
    BEDSIDE_QUIET_ZONE_DEFAULT, BedsideBarcodeSymbology, BedsideImageFormat, BedsideReadInfo,
    BedsideReadResult, BedsideReader, BedsideReaderOptions, BedsideReaderSymbology,
    BedsideSymbolInfo, bedside_barcode_encode, bedside_read_result_free, bedside_read_result_gs1,
    bedside_read_result_info, bedside_read_result_symbol, bedside_reader_free, bedside_reader_new,
    bedside_reader_options_default, bedside_reader_read, bedside_reader_read_gray,
};
pub use crate::gs1::{
    BedsideContentKind, BedsideErrorClass, BedsideGs1Element, BedsideGs1Info, BedsideGs1Options,
    BedsideGs1Result, BedsideGs1Symbology, BedsideInputForm, BedsideVerdict,
    bedside_error_class_name, bedside_gs1_options_default, bedside_gs1_parse,
    bedside_gs1_result_element, bedside_gs1_result_free, bedside_gs1_result_info,
    bedside_gs1_to_bracketed, bedside_gs1_to_digital_link, bedside_gs1_to_element_string,
    bedside_gs1_to_hri, bedside_gs1_to_scan_data, bedside_gs1_to_unbracketed,
};
pub use crate::nhs::{
    BEDSIDE_NHS_ALLOW_TEST_DATA, BEDSIDE_NHS_COMPACT, BedsideIssuingRange, BedsideNhsError,
    BedsideNhsInfo, bedside_nhs_parse,
};
pub use crate::wristband::{
    BedsideWristbandError, BedsideWristbandInfo, BedsideWristbandPolicy,
    BedsideWristbandPolicyConfig, BedsideWristbandResult, BedsideWristbandVerdict,
    bedside_wristband_check, bedside_wristband_display_date_of_birth,
    bedside_wristband_display_name, bedside_wristband_internal, bedside_wristband_policy_demo,
    bedside_wristband_policy_free, bedside_wristband_policy_new, bedside_wristband_result_free,
    bedside_wristband_result_info,
};
