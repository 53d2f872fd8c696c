//! The exception classes, and the one place Rust's typed errors become them.
//!
//! Every exception derives from `bedside.BedsideError` (a `ValueError`), carries
//! a stable machine-readable code in an attribute, and never a bare string
//! only. Attributes are set on the instance, so they survive `raise … from`.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    bedside,
    BedsideError,
    PyValueError,
    "Base class of every error raised by bedside (a ValueError)."
);
pyo3::create_exception!(
    bedside.gs1,
    Gs1Error,
    BedsideError,
    "GS1 data that is not valid: .error_class, .ai, .offset, .length, .markup, .marked."
);
pyo3::create_exception!(
    bedside.gs1,
    NotGs1Error,
    BedsideError,
    "A rendering asked of plain (non-GS1) scan data, which carries no AIs."
);
pyo3::create_exception!(
    bedside.nhs,
    NhsNumberError,
    BedsideError,
    "Not an acceptable NHS number: .reason, .position."
);
pyo3::create_exception!(
    bedside.wristband,
    WristbandError,
    BedsideError,
    "A GS1 message that is not an acceptable patient wristband: .reason, .ai, .index, .detail."
);
pyo3::create_exception!(
    bedside.wristband,
    PolicyError,
    BedsideError,
    "A wristband policy that cannot be built: .reason."
);
pyo3::create_exception!(
    bedside.barcode,
    EncodeError,
    BedsideError,
    "A message that cannot be encoded as a symbol, or drawn: .reason."
);
pyo3::create_exception!(
    bedside.barcode,
    ImageError,
    BedsideError,
    "Image bytes that cannot be read: .reason."
);
pyo3::create_exception!(
    bedside,
    InternalError,
    BedsideError,
    "A fault inside bedside that was contained instead of crashing the interpreter."
);

/// An exception instance of class `T` with `message` and attributes.
pub(crate) fn raise<T: pyo3::type_object::PyTypeInfo>(
    py: Python<'_>,
    message: String,
    attrs: &[(&str, Py<PyAny>)],
) -> PyErr {
    let err = PyErr::new::<T, _>((message,));
    let value = err.value(py);
    for (name, v) in attrs {
        if let Err(e) = value.setattr(*name, v.bind(py)) {
            return e;
        }
    }
    err
}

/// A Python object from a Rust value, for exception attributes.
pub(crate) fn obj<'py, T>(py: Python<'py>, v: T) -> Py<PyAny>
where
    T: IntoPyObject<'py>,
{
    v.into_py_any(py).unwrap_or_else(|_| py.None())
}

/// A `Gs1Error` from the parts of a `bedside_gs1::Error` (or of a refusal the
/// binding makes on the crate's behalf, such as invalid UTF-8 for text forms).
pub(crate) fn gs1_error(
    py: Python<'_>,
    kind: &bedside_gs1::ErrorKind,
    ai: Option<bedside_gs1::Ai>,
    offset: usize,
    len: usize,
    markup: Option<&str>,
    input: &[u8],
) -> PyErr {
    let message = match ai {
        Some(ai) => format!("AI ({ai}): {kind} (at byte {offset})"),
        None => format!("{kind} (at byte {offset})"),
    };
    let marked = {
        let start = offset.min(input.len());
        let end = offset.saturating_add(len).min(input.len());
        let mut out = bedside_gs1::printable(&input[..start]);
        out.push('|');
        if end > start {
            out.push_str(&bedside_gs1::printable(&input[start..end]));
            out.push('|');
        }
        out.push_str(&bedside_gs1::printable(&input[end..]));
        out
    };
    raise::<Gs1Error>(
        py,
        message,
        &[
            ("error_class", obj(py, kind.class().as_str())),
            ("ai", obj(py, ai.map(|a| a.as_str().to_owned()))),
            ("offset", obj(py, offset)),
            ("length", obj(py, len)),
            ("markup", obj(py, markup)),
            ("marked", obj(py, marked)),
        ],
    )
}

/// A `Gs1Error` from the crate's error for `input`.
pub(crate) fn from_gs1(py: Python<'_>, e: &bedside_gs1::Error, input: &[u8]) -> PyErr {
    gs1_error(py, &e.kind, e.ai, e.offset, e.len, e.markup(), input)
}

/// The NHS number error's stable reason code and position.
pub(crate) fn nhs_reason(e: &bedside_patient::NhsNumberError) -> (&'static str, Option<usize>) {
    use bedside_patient::NhsNumberError as E;
    match *e {
        E::Empty => ("empty", None),
        E::InvalidCharacter { position, .. } => ("invalid_character", Some(position)),
        E::MisplacedSpace { position } => ("misplaced_space", Some(position)),
        E::TooFewDigits { .. } => ("too_few_digits", None),
        E::TooManyDigits { position } => ("too_many_digits", Some(position)),
        E::CheckValueTen { position } => ("check_value_ten", Some(position)),
        E::CheckDigitMismatch { position, .. } => ("check_digit_mismatch", Some(position)),
        E::Repdigit { .. } => ("repdigit", None),
        E::TestNumberNotAllowed => ("test_number_not_allowed", None),
        // The enum is non-exhaustive: a variant added later still raises, typed.
        _ => ("invalid", None),
    }
}

/// An `NhsNumberError` from the crate's error.
pub(crate) fn from_nhs(py: Python<'_>, e: &bedside_patient::NhsNumberError) -> PyErr {
    let (reason, position) = nhs_reason(e);
    raise::<NhsNumberError>(
        py,
        e.to_string(),
        &[("reason", obj(py, reason)), ("position", obj(py, position))],
    )
}

/// The `TypeError` for an argument of the wrong type, naming what was given.
pub(crate) fn wrong_type(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let name = got
        .get_type()
        .name()
        .map_or_else(|_| String::from("?"), |n| n.to_string());
    PyTypeError::new_err(format!("{what}: expected {expected}, got {name}"))
}

/// Runs `f`, turning a panic (which the crates promise never happens) into
/// `InternalError` rather than PyO3's `PanicException`, a `BaseException` that
/// ordinary `except Exception` handlers in an EPR would not catch.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(raise::<InternalError>(
            py,
            String::from("internal error in bedside (contained; please report it)"),
            &[],
        )),
    }
}

/// Registers the exception classes on `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("BedsideError", py.get_type::<BedsideError>())?;
    m.add("Gs1Error", py.get_type::<Gs1Error>())?;
    m.add("NotGs1Error", py.get_type::<NotGs1Error>())?;
    m.add("NhsNumberError", py.get_type::<NhsNumberError>())?;
    m.add("WristbandError", py.get_type::<WristbandError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("EncodeError", py.get_type::<EncodeError>())?;
    m.add("ImageError", py.get_type::<ImageError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
