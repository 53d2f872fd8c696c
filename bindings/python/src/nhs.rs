//! `bedside.nhs`: the NHS number (and the CHI and H&C numbers that share its format).

use bedside_patient::{IssuingRange, NhsNumber, TestData};
use pyo3::prelude::*;

use crate::errors::{self, wrong_type};

/// The text of a `str` argument (any other type is a `TypeError`).
pub(crate) fn text_arg(what: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    match v.cast::<pyo3::types::PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(wrong_type(what, "str", v)),
    }
}

fn test_data(allow_test: bool) -> TestData {
    if allow_test {
        TestData::Allow
    } else {
        TestData::Reject
    }
}

/// A valid NHS number: 10 digits, modulus-11 check digit correct, not a repdigit,
/// and from the 999 test range only when `allow_test` was given.
/// `str()` is the `943 476 5919` (3 3 4) display form; `.digits` the 10 digits.
#[pyclass(module = "bedside.nhs", name = "NhsNumber", frozen, hash, eq, ord)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PyNhsNumber(pub(crate) NhsNumber);

#[pymethods]
impl PyNhsNumber {
    /// Parses a number typed or scanned by a person: 10 digits, optionally with
    /// single spaces at the 3 3 4 boundaries. Raises `NhsNumberError`.
    #[new]
    #[pyo3(signature = (text, *, allow_test=false))]
    fn new(py: Python<'_>, text: &Bound<'_, PyAny>, allow_test: bool) -> PyResult<Self> {
        Self::parse(py, text, allow_test)
    }

    /// Same as the constructor: parses `943 476 5919` or `9434765919`.
    #[staticmethod]
    #[pyo3(signature = (text, *, allow_test=false))]
    fn parse(py: Python<'_>, text: &Bound<'_, PyAny>, allow_test: bool) -> PyResult<Self> {
        let text = text_arg("text", text)?;
        NhsNumber::parse(&text, test_data(allow_test))
            .map(PyNhsNumber)
            .map_err(|e| errors::from_nhs(py, &e))
    }

    /// Parses exactly 10 digits with no spaces (machine-to-machine form).
    #[staticmethod]
    #[pyo3(signature = (text, *, allow_test=false))]
    fn parse_compact(py: Python<'_>, text: &Bound<'_, PyAny>, allow_test: bool) -> PyResult<Self> {
        let text = text_arg("text", text)?;
        NhsNumber::parse_compact(&text, test_data(allow_test))
            .map(PyNhsNumber)
            .map_err(|e| errors::from_nhs(py, &e))
    }

    /// Builds the number from its first nine digits by computing the check digit;
    /// `None` when no valid number has those nine digits (check value 10, repdigit).
    /// Test-range numbers are returned: this is for generators and tests, not input.
    #[staticmethod]
    fn from_first_nine(first_nine: &Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        let text = text_arg("first_nine", first_nine)?;
        let Ok(nine) = <[u8; 9]>::try_from(text.as_bytes()) else {
            return Ok(None);
        };
        Ok(NhsNumber::from_first_nine(nine).map(PyNhsNumber))
    }

    /// The 10 digits, no spaces: `"9434765919"`.
    #[getter]
    fn digits(&self) -> String {
        self.0.as_str().to_owned()
    }

    /// Whether the number is from the `999` test range.
    #[getter]
    fn is_test(&self) -> bool {
        self.0.is_test()
    }

    /// The published range the number falls in (informational only):
    /// `"england_wales_isle_of_man"`, `"scotland_chi"`, `"northern_ireland_hc"`,
    /// `"test"` or `"unlisted"`.
    #[getter]
    fn issuing_range(&self) -> &'static str {
        match self.0.issuing_range() {
            IssuingRange::EnglandWalesIsleOfMan => "england_wales_isle_of_man",
            IssuingRange::ScotlandChi => "scotland_chi",
            IssuingRange::NorthernIrelandHealthAndCare => "northern_ireland_hc",
            IssuingRange::Test => "test",
            _ => "unlisted",
        }
    }

    /// The `943 476 5919` display form.
    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("NhsNumber('{}')", self.0)
    }
}

/// Whether `text` is a valid NHS number (see `NhsNumber`); never raises for bad text.
#[pyfunction]
#[pyo3(signature = (text, *, allow_test=false))]
pub(crate) fn is_valid(text: &Bound<'_, PyAny>, allow_test: bool) -> PyResult<bool> {
    let text = text_arg("text", text)?;
    Ok(NhsNumber::parse(&text, test_data(allow_test)).is_ok())
}

/// The `943 476 5919` display form of a valid number. Raises `NhsNumberError`.
#[pyfunction]
#[pyo3(signature = (text, *, allow_test=false))]
pub(crate) fn format(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    allow_test: bool,
) -> PyResult<String> {
    let text = text_arg("text", text)?;
    NhsNumber::parse(&text, test_data(allow_test))
        .map(|n| n.to_string())
        .map_err(|e| errors::from_nhs(py, &e))
}

/// Registers `bedside.nhs`'s classes and functions on `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNhsNumber>()?;
    m.add_function(wrap_pyfunction!(is_valid, m)?)?;
    m.add_function(wrap_pyfunction!(format, m)?)?;
    Ok(())
}
