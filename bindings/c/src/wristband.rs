//! The DCB1077 wristband check through the C ABI: scan data in, an accepted
//! band (NHS number, names, date of birth) or a typed refusal out.

use bedside_gs1::{Content, Error, Options, Parser, dict::Dictionary};
use bedside_patient::{Date, GsrnPrefix, Policy, TestData, Wristband, WristbandError};

use crate::abi::{
    BedsideBuffer, BedsideBytes, BedsideStatus, buffer_out, clear_handle, guard, guard_free,
    req_ref, text_in, write_out,
};
use crate::gs1::{BedsideErrorClass, BedsideGs1Options, options};

/// What a wristband policy is built from ([`bedside_wristband_policy_new`]).
/// Flags are `uint8_t`: 0 is false, anything else true.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BedsideWristbandPolicyConfig {
    /// The GSRN company prefixes (7 digits each) under which the trust embeds
    /// NHS numbers, separated by commas, UTF-8: `"5012345,5098765"`.
    pub gsrn_prefixes: *const u8,
    /// Length of `gsrn_prefixes` in bytes.
    pub gsrn_prefixes_len: usize,
    /// Accept 999 test-range NHS numbers (demo and training systems only).
    pub allow_test_data: u8,
    /// Require a name (7253, 7256, 7259 or DCB1077 93). Production: 1.
    pub require_name: u8,
    /// Require a date of birth (7250, 7251 or 93). Production: 1.
    pub require_date_of_birth: u8,
    /// Tolerate the local-use AIs 98 and 99 (kept raw).
    pub allow_local_ais: u8,
    /// Today's date on the ward, so that a date of birth in the future is
    /// refused; year 0 for no such check.
    pub today_year: u16,
    /// Month of today's date, 1-12 (ignored when `today_year` is 0).
    pub today_month: u8,
    /// Day of today's date, 1-31 (ignored when `today_year` is 0).
    pub today_day: u8,
}

/// A wristband policy: an opaque handle owned by the caller, freed with
/// [`bedside_wristband_policy_free`]. Immutable; share it between threads.
pub struct BedsideWristbandPolicy {
    policy: Policy,
}

/// Builds a policy from `*config` and stores a new handle in `*out` (NULL on
/// failure). `BEDSIDE_STATUS_INVALID_ARGUMENT` for an empty or malformed prefix
/// list or an impossible date.
///
/// # Safety
/// `config` is valid, its `gsrn_prefixes` valid for its length; `out` is a
/// valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_policy_new(
    config: *const BedsideWristbandPolicyConfig,
    out: *mut *mut BedsideWristbandPolicy,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let c = unsafe { req_ref(config) }?;
        // SAFETY: as above.
        let list = unsafe { text_in(c.gsrn_prefixes, c.gsrn_prefixes_len) }?;
        let prefixes = list
            .split(',')
            .map(|p| GsrnPrefix::new(p.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| BedsideStatus::InvalidArgument)?;
        let mut policy = Policy::new(prefixes)
            .map_err(|_| BedsideStatus::InvalidArgument)?
            .with_test_data(if c.allow_test_data != 0 {
                TestData::Allow
            } else {
                TestData::Reject
            })
            .with_require_name(c.require_name != 0)
            .with_require_date_of_birth(c.require_date_of_birth != 0)
            .with_local_ais(c.allow_local_ais != 0);
        if c.today_year != 0 {
            let today = Date::new(c.today_year, c.today_month, c.today_day)
                .map_err(|_| BedsideStatus::InvalidArgument)?;
            policy = policy.with_today(today);
        }
        let handle = Box::into_raw(Box::new(BedsideWristbandPolicy { policy }));
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, handle) }
    })
}

/// The demo policy: GSRN prefix 9520000 (the GS1 example range), 999 test
/// numbers accepted, name and date of birth required. For demos and tests,
/// never production. Stores a new handle in `*out`.
///
/// # Safety
/// `out` is a valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_policy_demo(
    out: *mut *mut BedsideWristbandPolicy,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { clear_handle(out) }?;
        let handle = Box::into_raw(Box::new(BedsideWristbandPolicy {
            policy: Policy::demo(),
        }));
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, handle) }
    })
}

/// Frees a policy. NULL is ignored.
///
/// # Safety
/// `policy` is NULL or a live handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_policy_free(policy: *mut BedsideWristbandPolicy) {
    guard_free(|| {
        if !policy.is_null() {
            // SAFETY: the handle came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(policy) });
        }
    });
}

/// The verdict on a scanned wristband.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideWristbandVerdict {
    /// A valid DCB1077 patient wristband: the identity fields are filled.
    #[default]
    Accepted = 0,
    /// The scan is not valid GS1 data (see the GS1 error fields). Rescan.
    Gs1Invalid = 1,
    /// Valid data that is not GS1 AI data (plain data, a URI): not a wristband.
    NotGs1 = 2,
    /// Valid GS1 data that is not an acceptable wristband (see `band_error`).
    Rejected = 3,
}

/// Why valid GS1 data is not an acceptable wristband.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideWristbandError {
    /// No error.
    #[default]
    None = 0,
    /// No (8018) GSRN: not a patient wristband.
    MissingGsrn = 1,
    /// An AI not allowed on a patient wristband.
    UnexpectedAi = 2,
    /// The same AI twice with different values.
    ConflictingRepeat = 3,
    /// Two AIs that exclude each other.
    Exclusive = 4,
    /// An AI whose required companion is missing.
    MissingRequisite = 5,
    /// A value that breaks its AI's format.
    InvalidValue = 6,
    /// The (8018) value is not a valid GSRN.
    InvalidGsrn = 7,
    /// The GSRN company prefix is not in the policy's list.
    GsrnPrefixNotAllowed = 8,
    /// The NHS number embedded in the GSRN is not valid (or a refused test number).
    EmbeddedNhsNumber = 9,
    /// No name while the policy requires one.
    MissingName = 10,
    /// No date of birth while the policy requires one.
    MissingDateOfBirth = 11,
    /// The date of birth is after the policy's today.
    DateOfBirthInFuture = 12,
    /// An error added after this header was generated.
    Other = 255,
}

/// The result of a wristband check: an opaque handle owned by the caller,
/// freed with [`bedside_wristband_result_free`]. Immutable.
pub struct BedsideWristbandResult {
    outcome: BandOutcome,
}

// The result is boxed whole, so the accepted band is stored inline: one
// allocation per check, not two.
#[allow(clippy::large_enum_variant)]
enum BandOutcome {
    Accepted(Wristband),
    Gs1Invalid {
        error: Error,
        message: String,
    },
    NotGs1,
    Rejected {
        error: WristbandError,
        ai: Option<String>,
        message: String,
    },
}

/// Checks scan data (AIM identifier first, `]d2…`, UTF-8) as a patient
/// wristband under `policy`, with GS1 `options` (NULL for the strict
/// defaults), and stores a new result handle in `*out` (NULL on failure). A
/// refused band is not a failed call: the status is `OK` and the verdict is
/// in the result. The caller keeps `scan` and owns the result: free it with
/// [`bedside_wristband_result_free`].
///
/// # Safety
/// `policy` is a live handle; `scan` is valid for `len` bytes; `options` is
/// NULL or valid; `out` is a valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_check(
    policy: *const BedsideWristbandPolicy,
    scan: *const u8,
    len: usize,
    options: *const BedsideGs1Options,
    out: *mut *mut BedsideWristbandResult,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller (each helper checks for NULL).
        unsafe { clear_handle(out) }?;
        // SAFETY: as above.
        let policy = unsafe { req_ref(policy) }?;
        // SAFETY: as above.
        let scan = unsafe { text_in(scan, len) }?;
        // SAFETY: as above.
        let opts = unsafe { self::options(options) }?;
        let result = check(&policy.policy, scan.as_bytes(), opts);
        let handle = Box::into_raw(Box::new(result));
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, handle) }
    })
}

fn check(policy: &Policy, scan: &[u8], opts: Options<'_>) -> BedsideWristbandResult {
    let parser = Parser::new(Dictionary::embedded(), opts);
    let outcome = match parser.scan(scan) {
        Err(error) => BandOutcome::Gs1Invalid {
            message: error.to_string(),
            error,
        },
        Ok(parsed) => match &parsed.content {
            Content::Gs1(m) => match Wristband::from_message(m, policy) {
                Ok(band) => BandOutcome::Accepted(band),
                Err(error) => BandOutcome::Rejected {
                    ai: band_error_ai(&error),
                    message: error.to_string(),
                    error,
                },
            },
            _ => BandOutcome::NotGs1,
        },
    };
    BedsideWristbandResult { outcome }
}

fn band_error_ai(e: &WristbandError) -> Option<String> {
    match e {
        WristbandError::UnexpectedAi { ai, .. } => Some(ai.clone()),
        WristbandError::ConflictingRepeat { ai, .. }
        | WristbandError::Exclusive { ai, .. }
        | WristbandError::MissingRequisite { ai, .. }
        | WristbandError::InvalidValue { ai, .. } => Some((*ai).to_owned()),
        WristbandError::InvalidGsrn { .. }
        | WristbandError::GsrnPrefixNotAllowed { .. }
        | WristbandError::EmbeddedNhsNumber { .. } => Some("8018".to_owned()),
        _ => None,
    }
}

fn band_error(e: &WristbandError) -> (BedsideWristbandError, Option<usize>) {
    use BedsideWristbandError as B;
    match *e {
        WristbandError::MissingGsrn => (B::MissingGsrn, None),
        WristbandError::UnexpectedAi { index, .. } => (B::UnexpectedAi, Some(index)),
        WristbandError::ConflictingRepeat { index, .. } => (B::ConflictingRepeat, Some(index)),
        WristbandError::Exclusive { index, .. } => (B::Exclusive, Some(index)),
        WristbandError::MissingRequisite { index, .. } => (B::MissingRequisite, Some(index)),
        WristbandError::InvalidValue { index, .. } => (B::InvalidValue, Some(index)),
        WristbandError::InvalidGsrn { index, .. } => (B::InvalidGsrn, Some(index)),
        WristbandError::GsrnPrefixNotAllowed { index } => (B::GsrnPrefixNotAllowed, Some(index)),
        WristbandError::EmbeddedNhsNumber { index, .. } => (B::EmbeddedNhsNumber, Some(index)),
        WristbandError::MissingName => (B::MissingName, None),
        WristbandError::MissingDateOfBirth => (B::MissingDateOfBirth, None),
        WristbandError::DateOfBirthInFuture { index } => (B::DateOfBirthInFuture, Some(index)),
        _ => (B::Other, None),
    }
}

/// A wristband check's verdict and, for an accepted band, the identity on it.
/// Filled by [`bedside_wristband_result_info`]; views die with the result.
/// Names are the decoded UTF-8 as printed on the band, not display forms (see
/// [`bedside_wristband_display_name`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BedsideWristbandInfo {
    /// Accepted, not valid GS1, not GS1, or refused.
    pub verdict: BedsideWristbandVerdict,
    /// For `GS1_INVALID`: the GS1 error class.
    pub gs1_error_class: BedsideErrorClass,
    /// For `GS1_INVALID`: byte offset of the fault in the scan.
    pub gs1_error_offset: usize,
    /// For `REJECTED`: why.
    pub band_error: BedsideWristbandError,
    /// For `REJECTED`: 0-based index of the element at fault, `SIZE_MAX` when none.
    pub band_error_index: usize,
    /// The AI at fault (GS1 or band error), empty when none.
    pub error_ai: BedsideBytes,
    /// An English sentence for a refusal (never repeats patient data); empty
    /// when accepted.
    pub error_message: BedsideBytes,
    /// The NHS number, 10 digits.
    pub nhs_number: BedsideBytes,
    /// The NHS number as displayed, `"999 000 1235"`, NUL-terminated.
    pub nhs_number_display: [u8; 13],
    /// The GSRN (8018), 18 digits.
    pub gsrn: BedsideBytes,
    /// The service relation instance number (8019), empty when absent.
    pub srin: BedsideBytes,
    /// Family name (7253), decoded; empty when absent.
    pub family_name: BedsideBytes,
    /// Given name (7254), decoded; empty when absent.
    pub given_name: BedsideBytes,
    /// Full name (7256), decoded; empty when absent.
    pub full_name: BedsideBytes,
    /// 1 when the band carries a date of birth.
    pub has_date_of_birth: u8,
    /// Year of birth.
    pub birth_year: u16,
    /// Month of birth, 1-12.
    pub birth_month: u8,
    /// Day of birth, 1-31.
    pub birth_day: u8,
    /// 1 when the band carries a time of birth (7251).
    pub has_birth_time: u8,
    /// Hour of birth, 0-23.
    pub birth_hour: u8,
    /// Minute of birth, 0-59.
    pub birth_minute: u8,
    /// ISO 5218 sex code as a character (`'0'`, `'1'`, `'2'`, `'9'`), 0 when absent.
    pub sex: u8,
}

impl BedsideWristbandResult {
    fn info(&self) -> BedsideWristbandInfo {
        let mut info = BedsideWristbandInfo {
            band_error_index: usize::MAX,
            ..BedsideWristbandInfo::default()
        };
        match &self.outcome {
            BandOutcome::Gs1Invalid { error, message } => {
                info.verdict = BedsideWristbandVerdict::Gs1Invalid;
                info.gs1_error_class = BedsideErrorClass::of(error.class());
                info.gs1_error_offset = error.offset;
                info.error_ai = error
                    .ai
                    .as_ref()
                    .map_or_else(BedsideBytes::default, |ai| BedsideBytes::str(ai.as_str()));
                info.error_message = BedsideBytes::str(message);
            }
            BandOutcome::NotGs1 => info.verdict = BedsideWristbandVerdict::NotGs1,
            BandOutcome::Rejected { error, ai, message } => {
                let (kind, index) = band_error(error);
                info.verdict = BedsideWristbandVerdict::Rejected;
                info.band_error = kind;
                info.band_error_index = index.unwrap_or(usize::MAX);
                info.error_ai = BedsideBytes::opt(ai.as_deref());
                info.error_message = BedsideBytes::str(message);
            }
            BandOutcome::Accepted(band) => {
                let nhs = band.nhs_number();
                info.nhs_number = BedsideBytes::str(nhs.as_str());
                info.nhs_number_display = crate::nhs::display(nhs);
                info.gsrn = BedsideBytes::str(band.gsrn().as_str());
                info.srin = BedsideBytes::opt(band.srin());
                let who = band.demographics();
                info.family_name = BedsideBytes::opt(who.family.as_deref());
                info.given_name = BedsideBytes::opt(who.given.as_deref());
                info.full_name = BedsideBytes::opt(band.full_name());
                if let Some(dob) = who.date_of_birth {
                    info.has_date_of_birth = 1;
                    info.birth_year = dob.date.year();
                    info.birth_month = dob.date.month();
                    info.birth_day = dob.date.day();
                    if let Some(t) = dob.time {
                        info.has_birth_time = 1;
                        info.birth_hour = t.hour();
                        info.birth_minute = t.minute();
                    }
                }
                info.sex = who
                    .sex
                    .map_or(0, |s| u8::try_from(u32::from(s.iso5218())).unwrap_or(b'9'));
            }
        }
        info
    }
}

/// Fills `*info` with the verdict and identity of a wristband check.
///
/// # Safety
/// `result` is a live handle; `info` is a valid place to store a
/// `BedsideWristbandInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_result_info(
    result: *const BedsideWristbandResult,
    info: *mut BedsideWristbandInfo,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        // SAFETY: forwarded from the caller.
        unsafe { write_out(info, r.info()) }
    })
}

/// Writes the patient's name as the NPSA rules display it (`"O'BRIEN, Zoë"`:
/// family name upper case, given name title case) to a new buffer the caller
/// frees with [`crate::bedside_buffer_free`]. `BEDSIDE_STATUS_NO_MESSAGE` when
/// the band was not accepted.
///
/// # Safety
/// `result` is a live handle; `out` is a valid `BedsideBuffer` to overwrite.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_display_name(
    result: *const BedsideWristbandResult,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        buffer_out(out, || match &req_ref(result)?.outcome {
            BandOutcome::Accepted(band) => {
                Ok(BedsideBuffer::from_text(band.demographics().display_name()))
            }
            _ => Err(BedsideStatus::NoMessage),
        })
    }
}

/// Writes the date of birth as displayed on screen (`"18-Jan-1980"`, with the
/// time when the band has one) to a new buffer the caller frees with
/// [`crate::bedside_buffer_free`]; an empty text when the band has no date of
/// birth. `BEDSIDE_STATUS_NO_MESSAGE` when the band was not accepted.
///
/// # Safety
/// As [`bedside_wristband_display_name`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_display_date_of_birth(
    result: *const BedsideWristbandResult,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        buffer_out(out, || match &req_ref(result)?.outcome {
            BandOutcome::Accepted(band) => Ok(BedsideBuffer::from_text(
                band.demographics()
                    .display_date_of_birth()
                    .unwrap_or_default(),
            )),
            _ => Err(BedsideStatus::NoMessage),
        })
    }
}

/// Reads internal element `index` (0-based, in band order) of an accepted
/// band: the DCB1077 internal AIs 91 (hospital identifiers, where trusts put
/// the MRN), 92 (baby details), 93 (patient descriptive) and, when the policy
/// allows them, 98/99, kept as raw text because their sub-fields are not
/// standardised. Stores views of the AI digits and the value (UTF-8, valid
/// until the result is freed) in `*ai` and `*value`.
/// `BEDSIDE_STATUS_OUT_OF_RANGE` past the last one (so a caller loops until
/// it), `BEDSIDE_STATUS_NO_MESSAGE` when the band was not accepted.
///
/// # Safety
/// `result` is a live handle; `ai` and `value` are valid places to store a
/// `BedsideBytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_internal(
    result: *const BedsideWristbandResult,
    index: usize,
    ai: *mut BedsideBytes,
    value: *mut BedsideBytes,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        if ai.is_null() || value.is_null() {
            return Err(BedsideStatus::NullPointer);
        }
        let BandOutcome::Accepted(band) = &r.outcome else {
            return Err(BedsideStatus::NoMessage);
        };
        let (which, text) = band
            .internal()
            .get(index)
            .ok_or(BedsideStatus::OutOfRange)?;
        // SAFETY: both checked non-NULL above; forwarded from the caller.
        unsafe {
            write_out(ai, BedsideBytes::str(which.ai()))?;
            write_out(value, BedsideBytes::str(text))
        }
    })
}

/// Frees a wristband result. NULL is ignored.
///
/// # Safety
/// `result` is NULL or a live handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_wristband_result_free(result: *mut BedsideWristbandResult) {
    guard_free(|| {
        if !result.is_null() {
            // SAFETY: the handle came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_may_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<BedsideWristbandPolicy>();
        shareable::<BedsideWristbandResult>();
        shareable::<crate::BedsideGs1Result>();
        shareable::<crate::BedsideReader>();
        shareable::<crate::BedsideReadResult>();
    }
}
