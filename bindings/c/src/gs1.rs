//! GS1 parse, validate and render through the C ABI.

use std::ffi::c_char;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{
    Ai, Content, Error, ErrorClass, MAX_AIS, Message, Options, Parser, Scan, Symbology,
};

use crate::abi::{
    BedsideBuffer, BedsideBytes, BedsideStatus, buffer_out, clear_handle, guard, guard_free,
    opt_ref, req_ref, text_in, write_out,
};

/// The input form given to [`bedside_gs1_parse`] (passed as `uint32_t`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BedsideInputForm {
    /// Tell the form from the first bytes: `]` scan data, `(` bracketed, `^`
    /// unbracketed, `http(s)://` Digital Link, a digit an element string.
    Auto = 0,
    /// `(01)09506000134352(17)261231`.
    Bracketed = 1,
    /// `^010950600013435217261231` (`^` is FNC1).
    Unbracketed = 2,
    /// A raw element string with GS (0x1D) separators, as a reader sends it
    /// after the symbology identifier.
    ElementString = 3,
    /// Scan data with an AIM symbology identifier, `]d2…`.
    ScanData = 4,
    /// A GS1 Digital Link URI.
    DigitalLink = 5,
}

impl BedsideInputForm {
    fn from_u32(v: u32) -> Option<BedsideInputForm> {
        Some(match v {
            0 => BedsideInputForm::Auto,
            1 => BedsideInputForm::Bracketed,
            2 => BedsideInputForm::Unbracketed,
            3 => BedsideInputForm::ElementString,
            4 => BedsideInputForm::ScanData,
            5 => BedsideInputForm::DigitalLink,
            _ => return None,
        })
    }
}

/// The verdict on one input.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideVerdict {
    /// A valid GS1 message: every element and message rule passed.
    #[default]
    Valid = 0,
    /// Not valid: see the error class, AI, offset and message.
    Invalid = 1,
    /// Well-formed data that carries no GS1 AIs (plain data in a `]d1`
    /// symbol, EAN/UPC primary data without a composite). Never AI data.
    NonGs1 = 2,
}

/// The stable class of a GS1 failure; the names from
/// [`bedside_error_class_name`] are the ones `bedside gs1 check` prints.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideErrorClass {
    /// No error (the verdict is not `INVALID`).
    #[default]
    None = 0,
    /// `UNKNOWN_AI`: the AI is not in the dictionary.
    UnknownAi = 1,
    /// `BAD_LENGTH`: a component or value too short, too long or empty.
    BadLength = 2,
    /// `BAD_CHARSET`: a character outside the component's character set.
    BadCharset = 3,
    /// `BAD_CHECK_DIGIT`: a check digit or check-character pair is wrong.
    BadCheckDigit = 4,
    /// `BAD_DATE`: a date that does not exist, or a bad date format.
    BadDate = 5,
    /// `BAD_TIME`: a time of day out of range.
    BadTime = 6,
    /// `BAD_CODE`: a value not in its code list.
    BadCode = 7,
    /// `BAD_VALUE`: another value rule broken.
    BadValue = 8,
    /// `INVALID_PAIR`: two AIs that must not appear together.
    InvalidPair = 9,
    /// `MISSING_REQUISITE`: an AI's required companions are missing.
    MissingRequisite = 10,
    /// `CONFLICTING_REPEAT`: the same AI twice with different values.
    ConflictingRepeat = 11,
    /// `DIGSIG_SERIAL`: a DigSig (8030) with a key lacking its serial.
    DigsigSerial = 12,
    /// `DL_SYNTAX`: a Digital Link URI that is not well formed.
    DlSyntax = 13,
    /// `DL_KEY_QUALIFIER`: a Digital Link key/qualifier sequence not allowed.
    DlKeyQualifier = 14,
    /// `SCAN_AIM`: a missing, malformed or unsupported AIM identifier.
    ScanAim = 15,
    /// `SYNTAX`: input not well formed (brackets, separators, escapes).
    Syntax = 16,
    /// `LIMIT`: a fixed limit exceeded (input size, number of AIs).
    Limit = 17,
    /// A class added to the Rust crate after this header was generated.
    Other = 255,
}

impl BedsideErrorClass {
    pub(crate) fn of(class: ErrorClass) -> BedsideErrorClass {
        match class {
            ErrorClass::UnknownAi => BedsideErrorClass::UnknownAi,
            ErrorClass::BadLength => BedsideErrorClass::BadLength,
            ErrorClass::BadCharset => BedsideErrorClass::BadCharset,
            ErrorClass::BadCheckDigit => BedsideErrorClass::BadCheckDigit,
            ErrorClass::BadDate => BedsideErrorClass::BadDate,
            ErrorClass::BadTime => BedsideErrorClass::BadTime,
            ErrorClass::BadCode => BedsideErrorClass::BadCode,
            ErrorClass::BadValue => BedsideErrorClass::BadValue,
            ErrorClass::InvalidPair => BedsideErrorClass::InvalidPair,
            ErrorClass::MissingRequisite => BedsideErrorClass::MissingRequisite,
            ErrorClass::ConflictingRepeat => BedsideErrorClass::ConflictingRepeat,
            ErrorClass::DigsigSerial => BedsideErrorClass::DigsigSerial,
            ErrorClass::DlSyntax => BedsideErrorClass::DlSyntax,
            ErrorClass::DlKeyQualifier => BedsideErrorClass::DlKeyQualifier,
            ErrorClass::ScanAim => BedsideErrorClass::ScanAim,
            ErrorClass::Syntax => BedsideErrorClass::Syntax,
            ErrorClass::Limit => BedsideErrorClass::Limit,
            _ => BedsideErrorClass::Other,
        }
    }
}

/// The stable name of an error class (`"BAD_CHECK_DIGIT"`), as a static
/// NUL-terminated string the caller must not free; `""` for
/// `BEDSIDE_ERROR_CLASS_NONE` and for unknown codes.
#[unsafe(no_mangle)]
pub extern "C" fn bedside_error_class_name(class: i32) -> *const c_char {
    let name = ErrorClass::ALL
        .into_iter()
        .find(|c| BedsideErrorClass::of(*c) as i32 == class)
        .map_or("", ErrorClass::as_str);
    // Names are static and short; a table of NUL-terminated copies avoids an
    // allocation that the caller would have to free.
    static NAMES: std::sync::OnceLock<Vec<(&'static str, std::ffi::CString)>> =
        std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        ErrorClass::ALL
            .into_iter()
            .filter_map(|c| Some((c.as_str(), std::ffi::CString::new(c.as_str()).ok()?)))
            .collect()
    });
    names
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(c"".as_ptr(), |(_, c)| c.as_ptr())
}

/// What a valid or non-GS1 result carried.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideContentKind {
    /// Nothing (the verdict is `INVALID`).
    #[default]
    None = 0,
    /// A GS1 AI element string.
    Gs1 = 1,
    /// A GS1 Digital Link URI (in a plain-data symbol, or given as a URI).
    DigitalLink = 2,
    /// Plain data that is not GS1.
    Plain = 3,
    /// EAN/UPC primary data, with its composite component when there is one.
    Primary = 4,
}

/// A GS1 symbology, from scan data's AIM identifier or asked of
/// [`bedside_gs1_to_scan_data`] (passed as `uint32_t` there).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BedsideGs1Symbology {
    /// No symbology identifier (the input was not scan data).
    #[default]
    None = 0,
    /// Data Matrix (`]d2` GS1, `]d1` plain).
    DataMatrix = 1,
    /// QR Code (`]Q3` GS1, `]Q1` plain).
    QrCode = 2,
    /// GS1-128 (`]C1`).
    Gs1_128 = 3,
    /// GS1 DataBar (`]e0`).
    DataBar = 4,
    /// DotCode (`]J1` GS1, `]J0` plain).
    DotCode = 5,
    /// EAN-13 / UPC-A (`]E0`).
    Ean13 = 6,
    /// EAN-8 (`]E4`).
    Ean8 = 7,
    /// A symbology added after this header was generated.
    Other = 255,
}

impl BedsideGs1Symbology {
    fn of(s: Option<Symbology>) -> BedsideGs1Symbology {
        match s {
            None => BedsideGs1Symbology::None,
            Some(Symbology::DataMatrix) => BedsideGs1Symbology::DataMatrix,
            Some(Symbology::QrCode) => BedsideGs1Symbology::QrCode,
            Some(Symbology::Gs1_128) => BedsideGs1Symbology::Gs1_128,
            Some(Symbology::DataBar) => BedsideGs1Symbology::DataBar,
            Some(Symbology::DotCode) => BedsideGs1Symbology::DotCode,
            Some(Symbology::Ean13) => BedsideGs1Symbology::Ean13,
            Some(Symbology::Ean8) => BedsideGs1Symbology::Ean8,
            Some(_) => BedsideGs1Symbology::Other,
        }
    }
    fn to_rust(v: u32) -> Option<Symbology> {
        Some(match v {
            1 => Symbology::DataMatrix,
            2 => Symbology::QrCode,
            3 => Symbology::Gs1_128,
            4 => Symbology::DataBar,
            5 => Symbology::DotCode,
            6 => Symbology::Ean13,
            7 => Symbology::Ean8,
            _ => return None,
        })
    }
}

/// Parsing options; [`bedside_gs1_options_default`] gives the strict defaults,
/// and passing NULL where options are asked for means the same. Flags are
/// `uint8_t`: 0 is false, anything else true.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BedsideGs1Options {
    /// Check `req=` rules (default 1). Turn off only to validate part of a label.
    pub validate_requisites: u8,
    /// Accept a 13-, 12- or 8-digit GTIN in a Digital Link URI (default 0).
    pub permit_zero_suppressed_gtin_in_dl: u8,
    /// Remove trailing CR/LF that keyboard-wedge scanners append (default 1).
    pub strip_line_endings: u8,
    /// UTF-8 text some scanners send instead of GS (e.g. `"~"`), replaced by GS
    /// in scan data and element strings; NULL for none (the default).
    pub gs_substitute: *const u8,
    /// Length of `gs_substitute` in bytes.
    pub gs_substitute_len: usize,
}

/// The strict default options (requisites checked, CR/LF stripped, no GS substitute).
#[unsafe(no_mangle)]
pub extern "C" fn bedside_gs1_options_default() -> BedsideGs1Options {
    let d = Options::default();
    BedsideGs1Options {
        validate_requisites: u8::from(d.validate_requisites),
        permit_zero_suppressed_gtin_in_dl: u8::from(d.permit_zero_suppressed_gtin_in_dl),
        strip_line_endings: u8::from(d.strip_line_endings),
        gs_substitute: std::ptr::null(),
        gs_substitute_len: 0,
    }
}

/// Turns C options into parser options.
///
/// # Safety
/// `opts` is NULL or valid; its `gs_substitute` is NULL or valid for its length.
pub(crate) unsafe fn options<'a>(
    opts: *const BedsideGs1Options,
) -> Result<Options<'a>, BedsideStatus> {
    // SAFETY: forwarded from the caller.
    let Some(o) = (unsafe { opt_ref(opts) }) else {
        return Ok(Options::default());
    };
    let gs_substitute = if o.gs_substitute.is_null() {
        None
    } else {
        // SAFETY: non-NULL, and the caller promises it is valid for its length.
        let s = unsafe { text_in(o.gs_substitute, o.gs_substitute_len) }?;
        if s.is_empty() {
            return Err(BedsideStatus::InvalidArgument);
        }
        Some(s)
    };
    Ok(Options {
        validate_requisites: o.validate_requisites != 0,
        permit_zero_suppressed_gtin_in_dl: o.permit_zero_suppressed_gtin_in_dl != 0,
        strip_line_endings: o.strip_line_endings != 0,
        gs_substitute,
    })
}

/// The result of one parse: an opaque handle owned by the caller, freed with
/// [`bedside_gs1_result_free`]. Immutable; may be read from several threads.
pub struct BedsideGs1Result {
    outcome: Outcome,
    /// The AIs of the message's elements, kept so that views of their digits
    /// stay valid; inline, so that a parse allocates no more than it must.
    ais: [Option<Ai>; MAX_AIS],
    /// Number of elements.
    count: usize,
}

// The result lives in one Box whichever variant it holds, so the size
// difference costs nothing.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Parsed(Scan<'static>),
    Failed {
        error: Error,
        message: String,
        markup: String,
    },
}

impl BedsideGs1Result {
    pub(crate) fn new(parsed: Result<Scan<'_>, Error>, input: &[u8]) -> BedsideGs1Result {
        match parsed {
            Ok(scan) => {
                let scan = scan.into_owned();
                let mut ais = [None; MAX_AIS];
                let mut count = 0;
                if let Some(m) = scan.message() {
                    for (slot, e) in ais.iter_mut().zip(m.iter()) {
                        *slot = Some(e.ai());
                        count += 1;
                    }
                }
                BedsideGs1Result {
                    outcome: Outcome::Parsed(scan),
                    ais,
                    count,
                }
            }
            Err(error) => BedsideGs1Result {
                outcome: Outcome::Failed {
                    markup: error.mark_input(input),
                    message: error.to_string(),
                    error,
                },
                ais: [None; MAX_AIS],
                count: 0,
            },
        }
    }

    /// A result for well-formed data that must not be read as GS1.
    pub(crate) fn non_gs1(input: &[u8]) -> BedsideGs1Result {
        BedsideGs1Result {
            outcome: Outcome::Parsed(Scan {
                symbology: None,
                content: Content::Plain(std::borrow::Cow::Owned(input.to_vec())),
            }),
            ais: [None; MAX_AIS],
            count: 0,
        }
    }

    /// The message, for a valid result.
    pub(crate) fn message(&self) -> Option<&Message<'static>> {
        match &self.outcome {
            Outcome::Parsed(scan) => match &scan.content {
                Content::Plain(_)
                | Content::Primary {
                    composite: None, ..
                } => None,
                _ => scan.message(),
            },
            Outcome::Failed { .. } => None,
        }
    }
}

/// Parses `input` in the given form ([`BedsideInputForm`], as `uint32_t`) with
/// `options` (NULL for the strict defaults) and stores a new result handle in
/// `*out` (NULL on any status but `OK`). An invalid or non-GS1 input is *not* a
/// failed call: the status is `OK` and the verdict is in the result.
///
/// The input must be UTF-8 for every form (`BEDSIDE_STATUS_INVALID_UTF8`
/// otherwise); GS separators (0x1D) and NUL bytes are ordinary bytes that the
/// GS1 rules judge. The caller keeps ownership of `input` (it is copied) and
/// owns the result: free it with [`bedside_gs1_result_free`]. When several
/// arguments are wrong, the first checked decides the status: `out`, then
/// `form`, `input`, `options`.
///
/// # Safety
/// `input` is valid for `len` bytes; `options` is NULL or valid; `out` is a
/// valid place to store a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_parse(
    form: u32,
    input: *const u8,
    len: usize,
    options: *const BedsideGs1Options,
    out: *mut *mut BedsideGs1Result,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller (each helper checks for NULL).
        unsafe { clear_handle(out) }?;
        let form = BedsideInputForm::from_u32(form).ok_or(BedsideStatus::InvalidArgument)?;
        // SAFETY: as above.
        let text = unsafe { text_in(input, len) }?;
        // SAFETY: as above.
        let opts = unsafe { self::options(options) }?;
        let result = parse_form(form, text, opts);
        // SAFETY: checked non-NULL by clear_handle.
        unsafe { write_out(out, Box::into_raw(Box::new(result))) }
    })
}

fn gs1(m: Result<Message<'_>, Error>) -> Result<Scan<'_>, Error> {
    m.map(|m| Scan {
        symbology: None,
        content: Content::Gs1(m),
    })
}

/// The parse behind [`bedside_gs1_parse`], shared with the wristband check.
pub(crate) fn parse_form(
    form: BedsideInputForm,
    text: &str,
    opts: Options<'_>,
) -> BedsideGs1Result {
    let p = Parser::new(Dictionary::embedded(), opts);
    let parsed = match form {
        BedsideInputForm::Auto => p.parse(text.as_bytes()),
        BedsideInputForm::Bracketed => gs1(p.bracketed(text)),
        BedsideInputForm::Unbracketed => gs1(p.unbracketed(text)),
        BedsideInputForm::ElementString => gs1(p.element_string(text.as_bytes())),
        BedsideInputForm::ScanData => p.scan(text.as_bytes()),
        BedsideInputForm::DigitalLink => p.digital_link(text).map(|m| Scan {
            symbology: None,
            content: Content::DigitalLink(m),
        }),
    };
    BedsideGs1Result::new(parsed, text.as_bytes())
}

/// Frees a result from [`bedside_gs1_parse`] or [`crate::bedside_read_result_gs1`].
/// NULL is ignored. Every view taken from the result dies with it.
///
/// # Safety
/// `result` is NULL or a handle from this library not yet freed, and no other
/// thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_result_free(result: *mut BedsideGs1Result) {
    guard_free(|| {
        if !result.is_null() {
            // SAFETY: the handle came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    });
}

/// A summary of a result, filled by [`bedside_gs1_result_info`]. Views
/// ([`BedsideBytes`]) point into the result and die with it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BedsideGs1Info {
    /// Valid, invalid or not GS1.
    pub verdict: BedsideVerdict,
    /// The class of the failure; `NONE` unless the verdict is `INVALID`.
    pub error_class: BedsideErrorClass,
    /// The AI at fault (digits), empty when there is none.
    pub error_ai: BedsideBytes,
    /// Byte offset of the fault in the input as given (AIM prefix included).
    pub error_offset: usize,
    /// Number of bytes at fault (0 when the fault is a position).
    pub error_len: usize,
    /// An English sentence naming the rule broken, the AI and the offset.
    pub error_message: BedsideBytes,
    /// The input with the faulty bytes between bars, non-printing bytes as
    /// `<GS>`/`<XX>`.
    pub error_markup: BedsideBytes,
    /// What a valid or non-GS1 input carried.
    pub content: BedsideContentKind,
    /// The symbology from scan data's AIM identifier, `NONE` for other forms.
    pub symbology: BedsideGs1Symbology,
    /// Number of AI elements (0 unless the verdict is `VALID`).
    pub element_count: usize,
}

impl BedsideGs1Result {
    pub(crate) fn info(&self) -> BedsideGs1Info {
        match &self.outcome {
            Outcome::Failed {
                error,
                message,
                markup,
            } => BedsideGs1Info {
                verdict: BedsideVerdict::Invalid,
                error_class: BedsideErrorClass::of(error.class()),
                error_ai: error
                    .ai
                    .as_ref()
                    .map_or_else(BedsideBytes::default, |ai| BedsideBytes::str(ai.as_str())),
                error_offset: error.offset,
                error_len: error.len,
                error_message: BedsideBytes::str(message),
                error_markup: BedsideBytes::str(markup),
                ..BedsideGs1Info::default()
            },
            Outcome::Parsed(scan) => {
                let message = self.message();
                BedsideGs1Info {
                    verdict: if message.is_some() {
                        BedsideVerdict::Valid
                    } else {
                        BedsideVerdict::NonGs1
                    },
                    content: match &scan.content {
                        Content::Gs1(_) => BedsideContentKind::Gs1,
                        Content::DigitalLink(_) => BedsideContentKind::DigitalLink,
                        Content::Plain(_) => BedsideContentKind::Plain,
                        Content::Primary { .. } => BedsideContentKind::Primary,
                        _ => BedsideContentKind::None,
                    },
                    symbology: BedsideGs1Symbology::of(scan.symbology),
                    element_count: if message.is_some() { self.count } else { 0 },
                    ..BedsideGs1Info::default()
                }
            }
        }
    }
}

/// Fills `*info` with the verdict, error details and element count of a result.
///
/// # Safety
/// `result` is a live handle; `info` is a valid place to store a
/// `BedsideGs1Info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_result_info(
    result: *const BedsideGs1Result,
    info: *mut BedsideGs1Info,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        // SAFETY: forwarded from the caller.
        unsafe { write_out(info, r.info()) }
    })
}

/// One AI element of a valid message. Views die with the result.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BedsideGs1Element {
    /// The AI digits, `"01"`.
    pub ai: BedsideBytes,
    /// The value exactly as encoded (percent-encoded names stay encoded).
    pub value: BedsideBytes,
    /// Byte offset of the value in the input.
    pub offset: usize,
    /// 1 when a separator must follow the value if another AI follows.
    pub fnc1_required: u8,
}

/// Fills `*element` with element `index` (0-based, in input order).
/// `BEDSIDE_STATUS_OUT_OF_RANGE` past the end (and for results with no message).
///
/// # Safety
/// `result` is a live handle; `element` is a valid place to store a
/// `BedsideGs1Element`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_result_element(
    result: *const BedsideGs1Result,
    index: usize,
    element: *mut BedsideGs1Element,
) -> BedsideStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let r = unsafe { req_ref(result) }?;
        if element.is_null() {
            return Err(BedsideStatus::NullPointer);
        }
        let m = r.message().ok_or(BedsideStatus::OutOfRange)?;
        let ai = r
            .ais
            .get(index)
            .and_then(Option::as_ref)
            .ok_or(BedsideStatus::OutOfRange)?;
        let e = m.iter().nth(index).ok_or(BedsideStatus::OutOfRange)?;
        // SAFETY: checked non-NULL above; forwarded from the caller.
        unsafe {
            write_out(
                element,
                BedsideGs1Element {
                    ai: BedsideBytes::str(ai.as_str()),
                    value: BedsideBytes::str(e.value()),
                    offset: e.offset(),
                    fnc1_required: u8::from(e.fnc1_required()),
                },
            )
        }
    })
}

/// Runs a render on a live result.
///
/// # Safety
/// `result` is NULL or live; `out` is NULL or a valid buffer struct.
unsafe fn render(
    result: *const BedsideGs1Result,
    out: *mut BedsideBuffer,
    body: impl FnOnce(&Message<'static>) -> Result<BedsideBuffer, BedsideStatus>,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        buffer_out(out, || {
            let r = req_ref(result)?;
            body(r.message().ok_or(BedsideStatus::NoMessage)?)
        })
    }
}

/// Writes the message in bracketed form, `(01)09506000134352(17)261231`, to a
/// new buffer the caller frees with [`crate::bedside_buffer_free`].
/// `BEDSIDE_STATUS_NO_MESSAGE` when the result is not valid GS1.
///
/// # Safety
/// `result` is a live handle; `out` is a valid `BedsideBuffer` to overwrite
/// (its previous contents are not freed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_bracketed(
    result: *const BedsideGs1Result,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            Ok(BedsideBuffer::from_text(m.to_bracketed()))
        })
    }
}

/// Writes the message in the unbracketed `^` form (`^` is FNC1) to a new
/// buffer, as [`bedside_gs1_to_bracketed`].
///
/// # Safety
/// As [`bedside_gs1_to_bracketed`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_unbracketed(
    result: *const BedsideGs1Result,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            Ok(BedsideBuffer::from_text(m.to_unbracketed()))
        })
    }
}

/// Writes the element string as a reader transmits it (GS separators, no
/// symbology identifier) to a new buffer, as [`bedside_gs1_to_bracketed`].
///
/// # Safety
/// As [`bedside_gs1_to_bracketed`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_element_string(
    result: *const BedsideGs1Result,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            String::from_utf8(m.to_element_string())
                .map(BedsideBuffer::from_text)
                .map_err(|_| BedsideStatus::Unrepresentable)
        })
    }
}

/// Writes the human-readable interpretation, one line per element joined by
/// `'\n'` (`"(01) 09506000134352"`; with `with_titles` non-zero each line starts
/// with the AI's data title, `"GTIN (01) …"`), to a new buffer, as
/// [`bedside_gs1_to_bracketed`].
///
/// # Safety
/// As [`bedside_gs1_to_bracketed`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_hri(
    result: *const BedsideGs1Result,
    with_titles: u8,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            let titles = (with_titles != 0).then(Dictionary::embedded);
            Ok(BedsideBuffer::from_text(m.hri(titles).join("\n")))
        })
    }
}

/// Writes scan data for `symbology` ([`BedsideGs1Symbology`], as `uint32_t`):
/// its GS1 AIM identifier and the element string, `]d2…`, to a new buffer, as
/// [`bedside_gs1_to_bracketed`]. `BEDSIDE_STATUS_UNREPRESENTABLE` for a
/// composite message or a symbology that cannot carry AI data alone (EAN/UPC);
/// `BEDSIDE_STATUS_INVALID_ARGUMENT` for an unknown symbology.
///
/// # Safety
/// As [`bedside_gs1_to_bracketed`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_scan_data(
    result: *const BedsideGs1Result,
    symbology: u32,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            let s =
                BedsideGs1Symbology::to_rust(symbology).ok_or(BedsideStatus::InvalidArgument)?;
            let data = m.to_scan_data(s).ok_or(BedsideStatus::Unrepresentable)?;
            String::from_utf8(data)
                .map(BedsideBuffer::from_text)
                .map_err(|_| BedsideStatus::Unrepresentable)
        })
    }
}

/// Writes a GS1 Digital Link URI for the message under `stem` (UTF-8,
/// `stem_len` bytes; NULL for `https://id.gs1.org`) to a new buffer, as
/// [`bedside_gs1_to_bracketed`]. `BEDSIDE_STATUS_UNREPRESENTABLE` when the
/// message has no primary key or holds an AI that may not be a URI attribute.
///
/// # Safety
/// As [`bedside_gs1_to_bracketed`]; `stem` is NULL or valid for `stem_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bedside_gs1_to_digital_link(
    result: *const BedsideGs1Result,
    stem: *const u8,
    stem_len: usize,
    out: *mut BedsideBuffer,
) -> BedsideStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        render(result, out, |m| {
            let stem = if stem.is_null() {
                None
            } else {
                Some(text_in(stem, stem_len)?)
            };
            m.to_digital_link(Dictionary::embedded(), stem)
                .map(BedsideBuffer::from_text)
                .map_err(|_| BedsideStatus::Unrepresentable)
        })
    }
}
