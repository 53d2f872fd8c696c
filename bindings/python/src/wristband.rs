//! `bedside.wristband`: the DCB1077 patient wristband check over a GS1 scan.

use bedside_patient::{
    Date, GsrnError, GsrnPrefix, Policy, Sex, TestData, Wristband, WristbandError as RustError,
};
use pyo3::prelude::*;

use crate::errors::{self, PolicyError, WristbandError, obj, raise};
use crate::gs1::{self, Form, ParseOptions, PyMessage};
use crate::nhs::{PyNhsNumber, text_arg};

fn policy_error(py: Python<'_>, reason: &str, message: String) -> PyErr {
    raise::<PolicyError>(py, message, &[("reason", obj(py, reason))])
}

/// A `datetime.date` (or anything with integer `year`, `month`, `day`) as a `Date`.
fn date_arg(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Date> {
    let part = |name: &str| -> PyResult<i64> {
        v.getattr(name)
            .and_then(|x| x.extract::<i64>())
            .map_err(|_| errors::wrong_type("today", "datetime.date", v))
    };
    let (y, m, d) = (part("year")?, part("month")?, part("day")?);
    let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) else {
        return Err(policy_error(
            py,
            "bad_today",
            format!("today: {y}-{m}-{d} is not a date"),
        ));
    };
    Date::new(y, m, d).map_err(|e| policy_error(py, "bad_today", format!("today: {e}")))
}

fn py_date<'py>(py: Python<'py>, d: &Date) -> PyResult<Bound<'py, PyAny>> {
    py.import("datetime")?
        .getattr("date")?
        .call1((d.year(), d.month(), d.day()))
}

/// What a wristband must satisfy beyond the fixed DCB1077 rules: the GSRN company
/// prefixes under which your trust embeds the NHS number, whether 999 test numbers
/// are accepted, whether a name and a date of birth are required, whether the
/// local AIs 98/99 are tolerated, and today's date (a date of birth after it is
/// refused).
#[pyclass(module = "bedside.wristband", name = "Policy", frozen)]
#[derive(Clone, Debug)]
pub(crate) struct PyPolicy(Policy);

#[pymethods]
impl PyPolicy {
    /// A policy; `gsrn_prefixes` is a non-empty sequence of 7-digit company prefixes.
    /// Raises `PolicyError`.
    #[new]
    #[pyo3(signature = (gsrn_prefixes, *, allow_test=false, require_name=true, require_date_of_birth=true, allow_local_ais=false, today=None))]
    fn new(
        py: Python<'_>,
        gsrn_prefixes: &Bound<'_, PyAny>,
        allow_test: bool,
        require_name: bool,
        require_date_of_birth: bool,
        allow_local_ais: bool,
        today: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if gsrn_prefixes.cast::<pyo3::types::PyString>().is_ok() {
            return Err(errors::wrong_type(
                "gsrn_prefixes",
                "a sequence of str (not one str)",
                gsrn_prefixes,
            ));
        }
        let mut prefixes = Vec::new();
        for item in gsrn_prefixes.try_iter()? {
            let text = text_arg("gsrn_prefixes item", &item?)?;
            let p = GsrnPrefix::new(&text).map_err(|e: GsrnError| {
                policy_error(py, "bad_gsrn_prefix", format!("gsrn_prefixes: {e}"))
            })?;
            prefixes.push(p);
        }
        let mut policy = Policy::new(prefixes)
            .map_err(|e| policy_error(py, "no_gsrn_prefix", e.to_string()))?
            .with_test_data(if allow_test {
                TestData::Allow
            } else {
                TestData::Reject
            })
            .with_require_name(require_name)
            .with_require_date_of_birth(require_date_of_birth)
            .with_local_ais(allow_local_ais);
        if let Some(t) = today {
            policy = policy.with_today(date_arg(py, t)?);
        }
        Ok(PyPolicy(policy))
    }

    /// The demo policy: the GS1 example prefix `9520000` only, 999 test numbers
    /// accepted. No real band is under that prefix, so it refuses every real band.
    #[staticmethod]
    fn demo() -> Self {
        PyPolicy(Policy::demo())
    }

    /// The allowed GSRN company prefixes.
    #[getter]
    fn gsrn_prefixes(&self) -> Vec<String> {
        self.0
            .gsrn_prefixes()
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect()
    }

    /// Whether 999 test-range NHS numbers are accepted.
    #[getter]
    fn allow_test(&self) -> bool {
        self.0.test_data() == TestData::Allow
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(gsrn_prefixes={:?}, allow_test={})",
            self.gsrn_prefixes(),
            if self.allow_test() { "True" } else { "False" }
        )
    }
}

/// An accepted patient wristband: the NHS number embedded in the GSRN, and what
/// else the band carries. Names are decoded from GS1 percent-encoding to text.
#[pyclass(module = "bedside.wristband", name = "Wristband", frozen)]
pub(crate) struct PyWristband {
    band: Wristband,
    message: Py<PyMessage>,
}

fn sex_name(s: Sex) -> &'static str {
    match s {
        Sex::NotKnown => "not_known",
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::NotApplicable => "not_applicable",
    }
}

#[pymethods]
impl PyWristband {
    /// The NHS number embedded in GSRN digits 8-17.
    #[getter]
    fn nhs_number(&self) -> PyNhsNumber {
        PyNhsNumber(*self.band.nhs_number())
    }

    /// The 18-digit GSRN (8018).
    #[getter]
    fn gsrn(&self) -> String {
        self.band.gsrn().as_str().to_owned()
    }

    /// The service relation instance number (8019), or `None`.
    #[getter]
    fn srin(&self) -> Option<String> {
        self.band.srin().map(str::to_owned)
    }

    /// Family name as decoded text, or `None`.
    #[getter]
    fn family(&self) -> Option<String> {
        self.band.demographics().family.clone()
    }

    /// Given name as decoded text, or `None`.
    #[getter]
    fn given(&self) -> Option<String> {
        self.band.demographics().given.clone()
    }

    /// The NPSA display name, `SMITH, John`.
    #[getter]
    fn display_name(&self) -> String {
        self.band.demographics().display_name()
    }

    /// Date of birth as `datetime.date`, or `None`.
    #[getter]
    fn date_of_birth<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.band.demographics().date_of_birth {
            Some(d) => py_date(py, &d.date).map(Some),
            None => Ok(None),
        }
    }

    /// Time of birth `(hour, minute)` from (7251), or `None`.
    #[getter]
    fn birth_time(&self) -> Option<(u8, u8)> {
        self.band
            .demographics()
            .date_of_birth
            .as_ref()
            .and_then(|d| d.time)
            .map(|t| (t.hour(), t.minute()))
    }

    /// The NPSA display form of the date of birth, `18-Jan-1980`, or `None`.
    #[getter]
    fn display_date_of_birth(&self) -> Option<String> {
        self.band.demographics().display_date_of_birth()
    }

    /// `"male"`, `"female"`, `"not_known"`, `"not_applicable"` (ISO 5218), or `None`.
    #[getter]
    fn sex(&self) -> Option<&'static str> {
        self.band.demographics().sex.map(sex_name)
    }

    /// Name suffix (7255), or `None`.
    #[getter]
    fn suffix(&self) -> Option<String> {
        self.band.suffix().map(str::to_owned)
    }

    /// Full name (7256), or `None`.
    #[getter]
    fn full_name(&self) -> Option<String> {
        self.band.full_name().map(str::to_owned)
    }

    /// Address (7257), or `None`.
    #[getter]
    fn address(&self) -> Option<String> {
        self.band.address().map(str::to_owned)
    }

    /// Birth sequence `(position, total)` (7258) for multiple births, or `None`.
    #[getter]
    fn birth_sequence(&self) -> Option<(u8, u8)> {
        self.band
            .birth_sequence()
            .map(|b| (b.position(), b.total()))
    }

    /// "Baby of" name (7259), or `None`.
    #[getter]
    fn baby_of(&self) -> Option<String> {
        self.band.baby_of().map(str::to_owned)
    }

    /// The DCB1077 internal AIs (91, 92, 93 and, if allowed, 98, 99) as raw
    /// `(ai, value)` pairs: their layout is not read.
    #[getter]
    fn internal(&self) -> Vec<(&'static str, String)> {
        self.band
            .internal()
            .iter()
            .map(|(ai, v)| (ai.ai(), v.clone()))
            .collect()
    }

    /// The validated GS1 message the band was read from.
    #[getter]
    fn message(&self, py: Python<'_>) -> Py<PyMessage> {
        self.message.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        // No names or dates of birth in a repr: it ends up in logs.
        format!("Wristband(nhs_number='{}')", self.band.nhs_number())
    }
}

/// The stable reason code, AI, element index and detail of a wristband refusal.
fn reason(e: &RustError) -> (&'static str, Option<String>, Option<usize>, Option<String>) {
    match e {
        RustError::MissingGsrn => ("missing_gsrn", Some("8018".into()), None, None),
        RustError::UnexpectedAi { ai, index } => {
            ("unexpected_ai", Some(ai.clone()), Some(*index), None)
        }
        RustError::ConflictingRepeat { ai, index } => {
            ("conflicting_repeat", Some((*ai).into()), Some(*index), None)
        }
        RustError::Exclusive { ai, index, .. } => {
            ("exclusive", Some((*ai).into()), Some(*index), None)
        }
        RustError::MissingRequisite { ai, index, .. } => {
            ("missing_requisite", Some((*ai).into()), Some(*index), None)
        }
        RustError::InvalidValue { ai, index, reason } => (
            "invalid_value",
            Some((*ai).into()),
            Some(*index),
            Some(reason.to_string()),
        ),
        RustError::InvalidGsrn { index, reason } => (
            "invalid_gsrn",
            Some("8018".into()),
            Some(*index),
            Some(reason.to_string()),
        ),
        RustError::GsrnPrefixNotAllowed { index } => (
            "gsrn_prefix_not_allowed",
            Some("8018".into()),
            Some(*index),
            None,
        ),
        RustError::EmbeddedNhsNumber { index, reason } => (
            "embedded_nhs_number",
            Some("8018".into()),
            Some(*index),
            Some(crate::errors::nhs_reason(reason).0.to_owned()),
        ),
        RustError::MissingName => ("missing_name", None, None, None),
        RustError::MissingDateOfBirth => ("missing_date_of_birth", None, None, None),
        RustError::DateOfBirthInFuture { index } => {
            ("date_of_birth_in_future", None, Some(*index), None)
        }
        // Non-exhaustive: a later refusal is still a typed refusal.
        _ => ("invalid", None, None, None),
    }
}

fn wristband_error(py: Python<'_>, e: &RustError) -> PyErr {
    let (code, ai, index, detail) = reason(e);
    raise::<WristbandError>(
        py,
        e.to_string(),
        &[
            ("reason", obj(py, code)),
            ("ai", obj(py, ai)),
            ("index", obj(py, index)),
            ("detail", obj(py, detail)),
        ],
    )
}

/// Checks a scanned wristband against the DCB1077 rules and `policy`.
#[pyfunction]
#[pyo3(signature = (scan, *, policy=None, gs_substitute=None, strip_line_endings=true))]
pub(crate) fn check(
    py: Python<'_>,
    scan: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyPolicy>>,
    gs_substitute: Option<String>,
    strip_line_endings: bool,
) -> PyResult<PyWristband> {
    let message: Bound<'_, PyMessage> = match scan.cast::<PyMessage>() {
        Ok(m) => m.clone(),
        Err(_) => {
            let input = gs1::input_bytes("scan", scan)?;
            let o = ParseOptions {
                gs_substitute: gs_substitute.as_deref(),
                strip_line_endings,
                ..ParseOptions::default()
            };
            Bound::new(py, gs1::parse_bytes(py, &input, Form::Auto, &o)?)?
        }
    };
    let demo;
    let policy = match policy {
        Some(p) => &p.get().0,
        None => {
            demo = Policy::demo();
            &demo
        }
    };
    let Some(m) = message.get().message() else {
        return Err(raise::<WristbandError>(
            py,
            String::from("wristband: the scan carries no GS1 AI data (plain data is never a band)"),
            &[
                ("reason", obj(py, "not_gs1")),
                ("ai", py.None()),
                ("index", py.None()),
                ("detail", py.None()),
            ],
        ));
    };
    let band = errors::guard(py, || {
        Wristband::from_message(m, policy).map_err(|e| wristband_error(py, &e))
    })?;
    Ok(PyWristband {
        band,
        message: message.unbind(),
    })
}

/// Registers `bedside.wristband`'s classes and functions on `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyWristband>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    Ok(())
}
