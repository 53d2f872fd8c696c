//! NHS number parse, validate and format through the C ABI. No allocation: the
//! result is a caller-owned struct.

use bedside_patient::{IssuingRange, NhsNumber, NhsNumberError, TestData};

use crate::abi::{BedsideStatus, guard, text_in, write_out};

/// Flag for [`bedside_nhs_parse`]: accept numbers from the 999 test range
/// (demos, training systems, tests). Production callers leave it clear.
pub const BEDSIDE_NHS_ALLOW_TEST_DATA: u32 = 1;
/// Flag for [`bedside_nhs_parse`]: accept only the 10 digits with no spaces.
pub const BEDSIDE_NHS_COMPACT: u32 = 2;

/// Why a string is not an acceptable NHS number.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideNhsError {
    /// No error: the number is valid.
    #[default]
    None = 0,
    /// The input was empty.
    Empty = 1,
    /// A character other than a digit or a grouping space (at `position`).
    InvalidCharacter = 2,
    /// A space not at a 3 3 4 group boundary (at `position`).
    MisplacedSpace = 3,
    /// Fewer than 10 digits.
    TooFewDigits = 4,
    /// An 11th digit (at `position`).
    TooManyDigits = 5,
    /// The modulus-11 check value is 10: such numbers are never issued.
    CheckValueTen = 6,
    /// The check digit (at `position`) differs from the modulus-11 value.
    CheckDigitMismatch = 7,
    /// All ten digits the same: a dummy value.
    Repdigit = 8,
    /// A 999 test-range number while test data is not allowed.
    TestNumberNotAllowed = 9,
    /// An error added after this header was generated.
    Other = 255,
}

/// The published range a valid number falls in (informational only).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideIssuingRange {
    /// Not a valid number, or none of the published ranges.
    #[default]
    Unlisted = 0,
    /// England, Wales and the Isle of Man.
    EnglandWalesIsleOfMan = 1,
    /// Scottish CHI numbers.
    ScotlandChi = 2,
    /// Northern Ireland Health and Care numbers.
    NorthernIrelandHealthAndCare = 3,
    /// The 999 test range, never issued.
    Test = 4,
}

/// The verdict on an NHS number, filled by [`bedside_nhs_parse`] into memory
/// the caller owns (nothing to free). Text fields are NUL-terminated ASCII.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BedsideNhsInfo {
    /// 1 when the number is valid under the flags given.
    pub valid: u8,
    /// Why not, `NONE` when valid.
    pub error: BedsideNhsError,
    /// 0-based character position the error is about, `SIZE_MAX` when none.
    pub position: usize,
    /// For `CHECK_DIGIT_MISMATCH`: the digit expected (0-9), else 255.
    pub expected_check_digit: u8,
    /// For `CHECK_DIGIT_MISMATCH`: the digit found (0-9), else 255.
    pub found_check_digit: u8,
    /// The 10 digits, `"9434765919"`; empty when invalid.
    pub digits: [u8; 11],
    /// The display form, `"943 476 5919"`; empty when invalid.
    pub formatted: [u8; 13],
    /// 1 for the 999 test range.
    pub is_test: u8,
    /// The published range.
    pub issuing_range: BedsideIssuingRange,
    /// An English sentence for the error (never repeats the digits); empty
    /// when valid. NUL-terminated.
    pub message: [u8; 192],
}

impl Default for BedsideNhsInfo {
    fn default() -> Self {
        BedsideNhsInfo {
            valid: 0,
            error: BedsideNhsError::None,
            position: usize::MAX,
            expected_check_digit: u8::MAX,
            found_check_digit: u8::MAX,
            digits: [0; 11],
            formatted: [0; 13],
            is_test: 0,
            issuing_range: BedsideIssuingRange::Unlisted,
            message: [0; 192],
        }
    }
}

/// Copies `text` into `out`, NUL-terminated, cut at a character boundary.
fn copy_text(out: &mut [u8], text: &str) {
    let mut end = text.len().min(out.len().saturating_sub(1));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out[..end].copy_from_slice(&text.as_bytes()[..end]);
    out[end..].fill(0);
}

fn error_info(e: NhsNumberError) -> BedsideNhsInfo {
    let mut info = BedsideNhsInfo::default();
    copy_text(&mut info.message, &e.to_string());
    let (error, position) = match e {
        NhsNumberError::Empty => (BedsideNhsError::Empty, None),
        NhsNumberError::InvalidCharacter { position, .. } => {
            (BedsideNhsError::InvalidCharacter, Some(position))
        }
        NhsNumberError::MisplacedSpace { position } => {
            (BedsideNhsError::MisplacedSpace, Some(position))
        }
        NhsNumberError::TooFewDigits { .. } => (BedsideNhsError::TooFewDigits, None),
        NhsNumberError::TooManyDigits { position } => {
            (BedsideNhsError::TooManyDigits, Some(position))
        }
        NhsNumberError::CheckValueTen { position } => {
            (BedsideNhsError::CheckValueTen, Some(position))
        }
        NhsNumberError::CheckDigitMismatch {
            position,
            expected,
            found,
        } => {
            info.expected_check_digit = expected;
            info.found_check_digit = found;
            (BedsideNhsError::CheckDigitMismatch, Some(position))
        }
        NhsNumberError::Repdigit { .. } => (BedsideNhsError::Repdigit, None),
        NhsNumberError::TestNumberNotAllowed => (BedsideNhsError::TestNumberNotAllowed, None),
        _ => (BedsideNhsError::Other, None),
    };
    info.error = error;
    info.position = position.unwrap_or(usize::MAX);
    info
}

pub(crate) fn valid_info(n: &NhsNumber) -> BedsideNhsInfo {
    let mut info = BedsideNhsInfo {
        valid: 1,
        is_test: u8::from(n.is_test()),
        issuing_range: match n.issuing_range() {
            IssuingRange::EnglandWalesIsleOfMan => BedsideIssuingRange::EnglandWalesIsleOfMan,
            IssuingRange::ScotlandChi => BedsideIssuingRange::ScotlandChi,
            IssuingRange::NorthernIrelandHealthAndCare => {
                BedsideIssuingRange::NorthernIrelandHealthAndCare
            }
            IssuingRange::Test => BedsideIssuingRange::Test,
            _ => BedsideIssuingRange::Unlisted,
        },
        ..BedsideNhsInfo::default()
    };
    copy_text(&mut info.digits, n.as_str());
    info.formatted = display(n);
    info
}

/// `"943 476 5919"` and a NUL, the display form of `NhsNumber`'s `Display`,
/// copied from the digits without allocating. Going through `core::fmt`
/// instead costs about 700 instructions, more than the rest of the C boundary
/// of a wristband check together (see the README's benchmark); the test below
/// keeps this equal to `Display`.
pub(crate) fn display(n: &NhsNumber) -> [u8; 13] {
    let d = n.digits();
    let mut out = [0u8; 13];
    out[..3].copy_from_slice(&d[..3]);
    out[3] = b' ';
    out[4..7].copy_from_slice(&d[3..6]);
    out[7] = b' ';
    out[8..12].copy_from_slice(&d[6..]);
    out
}

/// Parses and validates an NHS (or CHI / H&C) number: 10 digits, optionally
/// grouped 3 3 4 with single spaces, modulus-11 check digit, not a repdigit,
/// and not from the 999 test range unless `flags` has
/// [`BEDSIDE_NHS_ALLOW_TEST_DATA`]. With [`BEDSIDE_NHS_COMPACT`] spaces are
/// refused. Fills `*info` (caller-owned; nothing to free). An invalid number is
/// not a failed call: the status is `OK` and `info->valid` is 0.
///
/// # Safety
/// `text` is valid for `len` bytes; `info` is a valid place to store a
/// `BedsideNhsInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_nhs_parse(
    text: *const u8,
    len: usize,
    flags: u32,
    info: *mut BedsideNhsInfo,
) -> BedsideStatus {
    guard(|| {
        if info.is_null() {
            return Err(BedsideStatus::NullPointer);
        }
        // SAFETY: forwarded from the caller.
        let text = unsafe { text_in(text, len) }?;
        if flags & !(BEDSIDE_NHS_ALLOW_TEST_DATA | BEDSIDE_NHS_COMPACT) != 0 {
            return Err(BedsideStatus::InvalidArgument);
        }
        let test_data = if flags & BEDSIDE_NHS_ALLOW_TEST_DATA != 0 {
            TestData::Allow
        } else {
            TestData::Reject
        };
        let parsed = if flags & BEDSIDE_NHS_COMPACT != 0 {
            NhsNumber::parse_compact(text, test_data)
        } else {
            NhsNumber::parse(text, test_data)
        };
        let out = match parsed {
            Ok(n) => valid_info(&n),
            Err(e) => error_info(e),
        };
        // SAFETY: checked non-NULL above; forwarded from the caller.
        unsafe { write_out(info, out) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_equals_the_patient_crates_display() {
        for text in ["9434765919", "4010232137", "9990001235", "0000000019"] {
            let Ok(n) = NhsNumber::parse(text, TestData::Allow) else {
                continue;
            };
            let ours = display(&n);
            assert_eq!(ours[12], 0);
            assert_eq!(std::str::from_utf8(&ours[..12]).unwrap(), n.to_string());
        }
    }
}
