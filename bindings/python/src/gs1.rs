//! `bedside.gs1`: parse and validate GS1 data in every input form, and render it.

use std::borrow::Cow;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Ai, Content, ErrorKind, Message, Options, Parser, Symbology};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString, PyTuple};

use crate::errors::{self, EncodeError, NotGs1Error, guard, obj, raise};

/// The bytes of a `str` (UTF-8), `bytes` or `bytearray` argument.
pub(crate) fn input_bytes<'a>(what: &str, text: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(s) = text.cast::<PyString>() {
        // A lone surrogate cannot be encoded: UnicodeEncodeError (a ValueError).
        let s = s.to_cow()?;
        return Ok(Cow::Owned(s.into_owned().into_bytes()));
    }
    if let Ok(b) = text.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(b) = text.cast::<PyByteArray>() {
        return Ok(Cow::Owned(b.to_vec()));
    }
    Err(errors::wrong_type(what, "str, bytes or bytearray", text))
}

/// `s` as a Python string literal (single quotes, backslash escapes), for reprs.
pub(crate) fn py_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            ' '..='~' => out.push(c),
            c if u32::from(c) < 0x100 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('\'');
    out
}

/// The input forms `parse(form=…)` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    Auto,
    Scan,
    Bracketed,
    Unbracketed,
    ElementString,
    DigitalLink,
}

impl Form {
    fn from_name(name: &str) -> PyResult<Form> {
        Ok(match name {
            "auto" => Form::Auto,
            "scan" => Form::Scan,
            "bracketed" => Form::Bracketed,
            "unbracketed" => Form::Unbracketed,
            "element_string" => Form::ElementString,
            "digital_link" => Form::DigitalLink,
            other => {
                return Err(PyValueError::new_err(format!(
                    "form: {other:?} is not one of 'auto', 'scan', 'bracketed', 'unbracketed', \
                     'element_string', 'digital_link'"
                )));
            }
        })
    }
}

/// A symbology's name in the Python API.
pub(crate) fn symbology_name(s: Symbology) -> &'static str {
    match s {
        Symbology::DataMatrix => "datamatrix",
        Symbology::QrCode => "qr",
        Symbology::Gs1_128 => "gs1-128",
        Symbology::DataBar => "databar",
        Symbology::DotCode => "dotcode",
        Symbology::Ean13 => "ean-13",
        Symbology::Ean8 => "ean-8",
        // The enum is non-exhaustive; a later symbology gets a neutral name.
        _ => "other",
    }
}

fn symbology_from_name(name: &str) -> PyResult<Symbology> {
    Ok(match name {
        "datamatrix" => Symbology::DataMatrix,
        "qr" => Symbology::QrCode,
        "gs1-128" => Symbology::Gs1_128,
        "databar" => Symbology::DataBar,
        "dotcode" => Symbology::DotCode,
        "ean-13" => Symbology::Ean13,
        "ean-8" => Symbology::Ean8,
        other => {
            return Err(PyValueError::new_err(format!(
                "symbology: {other:?} is not one of 'datamatrix', 'qr', 'gs1-128', 'databar', \
                 'dotcode', 'ean-13', 'ean-8'"
            )));
        }
    })
}

/// What a parsed input carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Gs1,
    DigitalLink,
    Plain,
    Primary,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Gs1 => "gs1",
            Kind::DigitalLink => "digital_link",
            Kind::Plain => "plain",
            Kind::Primary => "primary",
        }
    }
}

/// One AI element: `.ai`, `.value`, `.title`, `.offset`, `.fnc1_required`.
#[pyclass(module = "bedside.gs1", name = "Element", frozen, eq, hash)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PyElement {
    /// The Application Identifier, e.g. `"01"`.
    #[pyo3(get)]
    ai: String,
    /// The value exactly as encoded (percent-encoded names stay encoded).
    #[pyo3(get)]
    value: String,
    /// The AI's data title from the GS1 Barcode Syntax Dictionary, e.g. `"GTIN"`.
    #[pyo3(get)]
    title: String,
    /// Byte offset of the value in the input as given.
    #[pyo3(get)]
    offset: usize,
    /// Whether a separator (FNC1/GS) must follow the value when another AI follows.
    #[pyo3(get)]
    fnc1_required: bool,
}

#[pymethods]
impl PyElement {
    fn __repr__(&self) -> String {
        format!(
            "Element(ai={}, value={})",
            py_literal(&self.ai),
            py_literal(&self.value)
        )
    }

    /// `(ai, value)`, so `ai, value = element` works.
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = PyTuple::new(py, [self.ai.as_str(), self.value.as_str()])?;
        t.try_iter().map(Bound::into_any)
    }
}

/// A parsed, fully validated input: GS1 AI data, a Digital Link URI, or
/// plain (non-GS1) data, which carries no AIs.
#[pyclass(module = "bedside.gs1", name = "Message", frozen)]
pub(crate) struct PyMessage {
    msg: Option<Message<'static>>,
    kind: Kind,
    symbology: Option<Symbology>,
    plain: Option<Vec<u8>>,
    primary: Option<String>,
    input: Vec<u8>,
}

impl PyMessage {
    /// The validated GS1 message, if the input carried AIs.
    pub(crate) fn message(&self) -> Option<&Message<'static>> {
        self.msg.as_ref()
    }

    fn ai_data(&self) -> PyResult<&Message<'static>> {
        self.msg.as_ref().ok_or_else(|| {
            NotGs1Error::new_err(format!(
                "this is {} data, which carries no GS1 AIs",
                self.kind.name()
            ))
        })
    }

    /// Builds from a parsed scan (any content).
    fn from_content(symbology: Option<Symbology>, content: Content<'_>, input: &[u8]) -> PyMessage {
        let (kind, msg, plain, primary) = match content {
            Content::Gs1(m) => (Kind::Gs1, Some(m.into_owned()), None, None),
            Content::DigitalLink(m) => (Kind::DigitalLink, Some(m.into_owned()), None, None),
            Content::Plain(p) => (Kind::Plain, None, Some(p.into_owned()), None),
            Content::Primary { digits, composite } => (
                Kind::Primary,
                composite.map(Message::into_owned),
                None,
                Some(digits.into_owned()),
            ),
            // Content is non-exhaustive: unknown content is never read as AIs.
            _ => (Kind::Plain, None, Some(Vec::new()), None),
        };
        PyMessage {
            msg,
            kind,
            symbology,
            plain,
            primary,
            input: input.to_vec(),
        }
    }

    /// A GS1 message the image reader decoded and validated from `scan_data`.
    pub(crate) fn from_symbol(
        m: Message<'static>,
        scan_data: &[u8],
        symbology: Option<Symbology>,
    ) -> PyMessage {
        PyMessage {
            msg: Some(m),
            kind: Kind::Gs1,
            symbology,
            plain: None,
            primary: None,
            input: scan_data.to_vec(),
        }
    }

    fn from_message(kind: Kind, m: Message<'_>, input: &[u8]) -> PyMessage {
        PyMessage {
            msg: Some(m.into_owned()),
            kind,
            symbology: None,
            plain: None,
            primary: None,
            input: input.to_vec(),
        }
    }
}

/// Options for one parse call, as the Python keywords give them.
pub(crate) struct ParseOptions<'s> {
    pub(crate) gs_substitute: Option<&'s str>,
    pub(crate) requisites: bool,
    pub(crate) strip_line_endings: bool,
    pub(crate) permit_zero_suppressed_gtin: bool,
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        ParseOptions {
            gs_substitute: None,
            requisites: true,
            strip_line_endings: true,
            permit_zero_suppressed_gtin: false,
        }
    }
}

/// Parses `input` in `form` with the embedded dictionary.
pub(crate) fn parse_bytes(
    py: Python<'_>,
    input: &[u8],
    form: Form,
    o: &ParseOptions<'_>,
) -> PyResult<PyMessage> {
    if o.gs_substitute == Some("") {
        return Err(PyValueError::new_err("gs_substitute must not be empty"));
    }
    let opts = Options {
        validate_requisites: o.requisites,
        permit_zero_suppressed_gtin_in_dl: o.permit_zero_suppressed_gtin,
        strip_line_endings: o.strip_line_endings,
        gs_substitute: o.gs_substitute,
    };
    let p = Parser::new(Dictionary::embedded(), opts);
    let text = || {
        std::str::from_utf8(input).map_err(|e| {
            errors::gs1_error(
                py,
                &ErrorKind::UnrecognisedInput,
                None,
                e.valid_up_to(),
                1,
                None,
                input,
            )
        })
    };
    let fail = |e: bedside_gs1::Error| errors::from_gs1(py, &e, input);
    guard(py, || {
        Ok(match form {
            Form::Auto => {
                let s = p.parse(input).map_err(fail)?;
                PyMessage::from_content(s.symbology, s.content, input)
            }
            Form::Scan => {
                let s = p.scan(input).map_err(fail)?;
                PyMessage::from_content(s.symbology, s.content, input)
            }
            Form::ElementString => {
                PyMessage::from_message(Kind::Gs1, p.element_string(input).map_err(fail)?, input)
            }
            Form::Bracketed => {
                PyMessage::from_message(Kind::Gs1, p.bracketed(text()?).map_err(fail)?, input)
            }
            Form::Unbracketed => {
                PyMessage::from_message(Kind::Gs1, p.unbracketed(text()?).map_err(fail)?, input)
            }
            Form::DigitalLink => PyMessage::from_message(
                Kind::DigitalLink,
                p.digital_link(text()?).map_err(fail)?,
                input,
            ),
        })
    })
}

fn element(dict: &Dictionary, e: &bedside_gs1::Element<'_>) -> PyElement {
    PyElement {
        ai: e.ai().as_str().to_owned(),
        value: e.value().to_owned(),
        title: e
            .entry(dict)
            .map_or_else(String::new, |x| x.title().to_owned()),
        offset: e.offset(),
        fnc1_required: e.fnc1_required(),
    }
}

#[pymethods]
impl PyMessage {
    /// The AI elements in input order (empty for plain data).
    #[getter]
    fn elements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let dict = Dictionary::embedded();
        let items: Vec<PyElement> = self
            .msg
            .iter()
            .flat_map(|m| m.iter().map(|e| element(dict, &e)).collect::<Vec<_>>())
            .collect();
        PyTuple::new(py, items)
    }

    /// What the input carried: `"gs1"`, `"digital_link"`, `"plain"` or `"primary"` (EAN/UPC).
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.name()
    }

    /// Whether the input carried GS1 AIs (an element string, a Digital Link URI or
    /// an EAN/UPC composite component). Plain data never does.
    #[getter]
    fn is_gs1(&self) -> bool {
        self.msg.is_some()
    }

    /// The symbology named by the input's AIM identifier (`"datamatrix"`, `"qr"`,
    /// `"gs1-128"`, `"databar"`, `"dotcode"`, `"ean-13"`, `"ean-8"`), or `None`.
    #[getter]
    fn symbology(&self) -> Option<&'static str> {
        self.symbology.map(symbology_name)
    }

    /// The data of a plain (non-GS1) symbol, or `None`.
    #[getter]
    fn plain_data<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.plain.as_deref().map(|p| PyBytes::new(py, p))
    }

    /// The EAN/UPC primary digits, or `None`.
    #[getter]
    fn primary(&self) -> Option<&str> {
        self.primary.as_deref()
    }

    /// Index of the first element of a composite component (`|`), or `None`.
    #[getter]
    fn composite_index(&self) -> Option<usize> {
        self.msg.as_ref().and_then(Message::composite_index)
    }

    /// Query parameters of a Digital Link URI that are not AIs and were ignored.
    #[getter]
    fn ignored_dl_params(&self) -> Vec<String> {
        self.msg.as_ref().map_or_else(Vec::new, |m| {
            m.ignored_dl_params().map(str::to_owned).collect()
        })
    }

    /// The value of the first occurrence of `ai`, or `default`.
    #[pyo3(signature = (ai, default=None))]
    fn get(&self, ai: String, default: Option<String>) -> Option<String> {
        self.msg
            .as_ref()
            .and_then(|m| m.get_str(&ai))
            .map(str::to_owned)
            .or(default)
    }

    fn __getitem__(&self, ai: String) -> PyResult<String> {
        match self.msg.as_ref().and_then(|m| m.get_str(&ai)) {
            Some(v) => Ok(v.to_owned()),
            None => Err(PyKeyError::new_err(ai)),
        }
    }

    fn __contains__(&self, ai: String) -> bool {
        self.msg.as_ref().and_then(|m| m.get_str(&ai)).is_some()
    }

    fn __len__(&self) -> usize {
        self.msg.as_ref().map_or(0, Message::len)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.elements(py)?.try_iter().map(Bound::into_any)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyMessage>() {
            Ok(o) => {
                let o = o.get();
                self.kind == o.kind
                    && self.msg == o.msg
                    && self.plain == o.plain
                    && self.primary == o.primary
            }
            Err(_) => false,
        }
    }

    /// Consistent with `==`: the kind, the elements and the composite split, the
    /// plain data and the primary digits.
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.kind.name().hash(&mut h);
        if let Some(m) = &self.msg {
            for e in m.iter() {
                (e.ai().as_str(), e.value()).hash(&mut h);
            }
            m.composite_index().hash(&mut h);
        }
        self.plain.hash(&mut h);
        self.primary.hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        match (&self.msg, &self.plain) {
            (Some(m), _) => format!("Message({})", py_literal(&m.to_bracketed())),
            (None, Some(p)) => format!(
                "Message(kind='plain', data={})",
                py_literal(&bedside_gs1::printable(p))
            ),
            (None, None) => format!(
                "Message(kind={}, primary={})",
                py_literal(self.kind.name()),
                py_literal(self.primary.as_deref().unwrap_or(""))
            ),
        }
    }

    /// `(ai, value)` pairs in input order.
    fn pairs(&self) -> Vec<(String, String)> {
        self.msg.as_ref().map_or_else(Vec::new, |m| {
            m.iter()
                .map(|e| (e.ai().as_str().to_owned(), e.value().to_owned()))
                .collect()
        })
    }

    /// The canonical bracketed form, `(01)09506000134352(10)AB1` (`(` in values as `\(`).
    fn bracketed(&self) -> PyResult<String> {
        Ok(self.ai_data()?.to_bracketed())
    }

    /// The unbracketed form with `^` for FNC1, `^010950600013435210AB1`.
    fn unbracketed(&self) -> PyResult<String> {
        Ok(self.ai_data()?.to_unbracketed())
    }

    /// The element string as a reader transmits it: GS (`"\x1d"`) separators, no AIM identifier.
    fn element_string(&self) -> PyResult<String> {
        let bytes = self.ai_data()?.to_element_string();
        Ok(bytes.into_iter().map(char::from).collect())
    }

    /// Human-readable interpretation lines, `GTIN (01) 09506000134352`
    /// (without titles when `titles` is false: `(01) 09506000134352`).
    #[pyo3(signature = (titles=true))]
    fn hri(&self, titles: bool) -> PyResult<Vec<String>> {
        let dict = titles.then(Dictionary::embedded);
        Ok(self.ai_data()?.hri(dict))
    }

    /// A GS1 Digital Link URI under `stem` (default `https://id.gs1.org`).
    /// Raises `Gs1Error` when the data has no primary key or an AI that may not be
    /// a query attribute.
    #[pyo3(signature = (stem=None))]
    fn digital_link(&self, py: Python<'_>, stem: Option<String>) -> PyResult<String> {
        let m = self.ai_data()?;
        m.to_digital_link(Dictionary::embedded(), stem.as_deref())
            .map_err(|e| errors::from_gs1(py, &e, &self.input))
    }

    /// Scan data for a GS1 symbology: its AIM identifier and the element string,
    /// e.g. `"]d2010950600013435210AB1"`. Raises `EncodeError` for EAN/UPC (which
    /// cannot carry AI data alone) and for a composite message (two symbols).
    #[pyo3(signature = (symbology=None), text_signature = "(self, symbology='datamatrix')")]
    fn scan_data(&self, py: Python<'_>, symbology: Option<String>) -> PyResult<String> {
        let symbology = symbology.as_deref().unwrap_or("datamatrix");
        let sym = symbology_from_name(symbology)?;
        let m = self.ai_data()?;
        match m.to_scan_data(sym) {
            Some(bytes) => Ok(bytes.into_iter().map(char::from).collect()),
            None => {
                let reason = if m.composite_index().is_some() {
                    "composite"
                } else {
                    "not_gs1_symbology"
                };
                Err(raise::<EncodeError>(
                    py,
                    format!(
                        "{symbology} scan data cannot carry this message ({})",
                        reason.replace('_', " ")
                    ),
                    &[("reason", obj(py, reason))],
                ))
            }
        }
    }
}

/// Parses and fully validates GS1 data.
#[pyfunction]
#[pyo3(signature = (text, *, gs_substitute=None, requisites=true, strip_line_endings=true, form=None, permit_zero_suppressed_gtin=false), text_signature = "(text, *, gs_substitute=None, requisites=True, strip_line_endings=True, form='auto', permit_zero_suppressed_gtin=False)")]
pub(crate) fn parse(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    gs_substitute: Option<String>,
    requisites: bool,
    strip_line_endings: bool,
    form: Option<String>,
    permit_zero_suppressed_gtin: bool,
) -> PyResult<PyMessage> {
    let form = Form::from_name(form.as_deref().unwrap_or("auto"))?;
    let input = input_bytes("text", text)?;
    let o = ParseOptions {
        gs_substitute: gs_substitute.as_deref(),
        requisites,
        strip_line_endings,
        permit_zero_suppressed_gtin,
    };
    parse_bytes(py, &input, form, &o)
}

/// The data title of an AI in the embedded dictionary, or `None` for an unknown AI.
#[pyfunction]
pub(crate) fn ai_title(ai: Cow<'_, str>) -> Option<String> {
    let ai = Ai::new(ai.as_bytes())?;
    Dictionary::embedded()
        .entry(ai)
        .map(|e| e.title().to_owned())
}

/// Scan bytes for a person: printable ASCII as is, GS as `<GS>`, others `<XX>`.
#[pyfunction]
pub(crate) fn printable(data: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(bedside_gs1::printable(&input_bytes("data", data)?))
}

/// Registers `bedside.gs1`'s classes and functions on `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyElement>()?;
    m.add_class::<PyMessage>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(ai_title, m)?)?;
    m.add_function(wrap_pyfunction!(printable, m)?)?;
    m.add("DICTIONARY_RELEASE", bedside_gs1::dict::EMBEDDED_RELEASE)?;
    m.add("MAX_INPUT", bedside_gs1::MAX_INPUT)?;
    Ok(())
}
