//! `bedside.barcode`: GS1 DataMatrix and GS1-128 to PNG or SVG, and the image reader.

use std::sync::OnceLock;
use std::time::Duration;

use bedside_barcode::datamatrix::{self, DataMatrixOptions, Shape};
use bedside_barcode::gs1_128::{self, Gs1_128Options};
use bedside_barcode::reader::{Reader, ReaderOptions, Symbol, Symbology};
use bedside_barcode::{EncodeError as RustEncodeError, ImageError as RustImageError};
use bedside_barcode::{MAX_PIXELS, RenderError, RenderOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyTuple};

use crate::errors::{self, EncodeError, ImageError, guard, obj, raise};
use crate::gs1::{self, Form, ParseOptions, PyMessage};

fn encode_error(py: Python<'_>, e: &RustEncodeError) -> PyErr {
    let reason = match e {
        RustEncodeError::Composite => "composite",
        RustEncodeError::Empty => "empty",
        RustEncodeError::TooLong { .. } => "too_long",
        RustEncodeError::NoSizeAllowed => "no_size_allowed",
        RustEncodeError::UnsupportedByte { .. } => "unsupported_byte",
        _ => "internal",
    };
    raise::<EncodeError>(py, e.to_string(), &[("reason", obj(py, reason))])
}

fn render_error(py: Python<'_>, e: &RenderError) -> PyErr {
    let reason = match e {
        RenderError::TooLarge { .. } => "too_large",
        RenderError::ZeroModule => "zero_module",
        RenderError::Png(_) => "png",
        _ => "render",
    };
    raise::<EncodeError>(py, e.to_string(), &[("reason", obj(py, reason))])
}

fn image_error(py: Python<'_>, e: &RustImageError) -> PyErr {
    let reason = match e {
        RustImageError::UnknownFormat => "unknown_format",
        RustImageError::Malformed(_) => "malformed",
        RustImageError::BadDimensions { .. } => "bad_dimensions",
        RustImageError::BadFrameLength { .. } => "bad_frame_length",
        _ => "image",
    };
    raise::<ImageError>(py, e.to_string(), &[("reason", obj(py, reason))])
}

/// The validated message to encode: a `Message`, or text/bytes parsed in any form.
fn message_arg(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    gs_substitute: Option<&str>,
) -> PyResult<bedside_gs1::Message<'static>> {
    let owned;
    let m: &PyMessage = match data.cast::<PyMessage>() {
        Ok(m) => m.get(),
        Err(_) => {
            let input = gs1::input_bytes("data", data)?;
            let o = ParseOptions {
                gs_substitute,
                ..ParseOptions::default()
            };
            owned = gs1::parse_bytes(py, &input, Form::Auto, &o)?;
            &owned
        }
    };
    m.message().cloned().ok_or_else(|| {
        errors::NotGs1Error::new_err("plain (non-GS1) data carries no AIs to encode as GS1")
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Svg,
}

fn format_arg(format: Option<&str>) -> PyResult<Format> {
    match format.unwrap_or("png") {
        "png" => Ok(Format::Png),
        "svg" => Ok(Format::Svg),
        other => Err(PyValueError::new_err(format!(
            "format: {other:?} is not 'png' or 'svg'"
        ))),
    }
}

/// Render options, refusing a quiet zone that could not fit any image.
///
/// `bedside-barcode` sizes the image as `width + 2 * quiet_zone` modules in
/// 64-bit arithmetic; a quiet zone of 2^63 modules or more wraps that to a
/// small number, passes the size check and draws a blank image. Any quiet
/// zone over `MAX_PIXELS` modules is too large whatever the module size, so
/// refusing those here is exact and keeps the wrap out of reach.
fn render_opts(
    py: Python<'_>,
    module_px: u32,
    quiet_zone: Option<usize>,
) -> PyResult<RenderOptions> {
    if let Some(q) = quiet_zone
        && u64::try_from(q).map_or(true, |q| q > MAX_PIXELS)
    {
        return Err(raise::<EncodeError>(
            py,
            format!("a quiet zone of {q} modules does not fit in an image"),
            &[("reason", obj(py, "too_large"))],
        ));
    }
    Ok(RenderOptions {
        module_px,
        quiet_zone,
    })
}

/// Encodes GS1 data as a GS1 DataMatrix (ECC 200, FNC1 first) and draws it.
#[pyfunction]
#[pyo3(
    signature = (data, *, format=None, module_px=4, quiet_zone=None, shape=None, gs_substitute=None),
    text_signature = "(data, *, format='png', module_px=4, quiet_zone=None, shape='square', gs_substitute=None)"
)]
pub(crate) fn encode_datamatrix<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    format: Option<String>,
    module_px: u32,
    quiet_zone: Option<usize>,
    shape: Option<String>,
    gs_substitute: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let format = format_arg(format.as_deref())?;
    let shape = match shape.as_deref().unwrap_or("square") {
        "square" => Shape::Square,
        "rectangular" => Shape::Rectangular,
        "any" => Shape::Any,
        "rectangular_dmre" => Shape::RectangularDmre,
        "any_dmre" => Shape::AnyDmre,
        other => {
            return Err(PyValueError::new_err(format!(
                "shape: {other:?} is not one of 'square', 'rectangular', 'any', \
                 'rectangular_dmre', 'any_dmre'"
            )));
        }
    };
    let message = message_arg(py, data, gs_substitute.as_deref())?;
    let opts = DataMatrixOptions {
        shape,
        ..DataMatrixOptions::default()
    };
    let ropts = render_opts(py, module_px, quiet_zone)?;
    let out = guard(py, || {
        let symbol = py
            .detach(|| datamatrix::encode(&message, &opts))
            .map_err(|e| encode_error(py, &e))?;
        Ok(match format {
            Format::Png => py
                .detach(|| symbol.to_png(&ropts))
                .map_err(|e| render_error(py, &e))?,
            Format::Svg => symbol
                .to_svg(&ropts)
                .map_err(|e| render_error(py, &e))?
                .into_bytes(),
        })
    })?;
    Ok(PyBytes::new(py, &out))
}

/// Encodes GS1 data as a GS1-128 linear symbol and draws it.
#[pyfunction]
#[pyo3(
    signature = (data, *, format=None, module_px=2, quiet_zone=None, bar_height=40, enforce_length_limit=true, gs_substitute=None),
    text_signature = "(data, *, format='png', module_px=2, quiet_zone=None, bar_height=40, enforce_length_limit=True, gs_substitute=None)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn encode_gs1_128<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    format: Option<String>,
    module_px: u32,
    quiet_zone: Option<usize>,
    bar_height: usize,
    enforce_length_limit: bool,
    gs_substitute: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let format = format_arg(format.as_deref())?;
    if bar_height == 0 || bar_height > 10_000 {
        return Err(PyValueError::new_err(
            "bar_height must be between 1 and 10000 modules",
        ));
    }
    let message = message_arg(py, data, gs_substitute.as_deref())?;
    let opts = Gs1_128Options {
        bar_height,
        enforce_length_limit,
    };
    let ropts = render_opts(py, module_px, quiet_zone)?;
    let out = guard(py, || {
        let symbol = gs1_128::encode(&message, &opts).map_err(|e| encode_error(py, &e))?;
        Ok(match format {
            Format::Png => py
                .detach(|| symbol.to_png(&ropts))
                .map_err(|e| render_error(py, &e))?,
            Format::Svg => symbol
                .to_svg(&ropts)
                .map_err(|e| render_error(py, &e))?
                .into_bytes(),
        })
    })?;
    Ok(PyBytes::new(py, &out))
}

/// One symbol found in an image. Only a symbol whose `.message` is not `None`
/// (a `]d2`/`]C1`/`]Q3` symbol whose data passed full GS1 validation) may feed
/// identification; the others are reported for display and logging only.
#[pyclass(module = "bedside.barcode", name = "Symbol", frozen)]
pub(crate) struct PySymbol {
    symbol: Symbol,
    message: Option<Py<PyMessage>>,
}

#[pymethods]
impl PySymbol {
    /// `"datamatrix"` or `"code128"`.
    #[getter]
    fn symbology(&self) -> &'static str {
        match self.symbol.symbology() {
            Symbology::DataMatrix => "datamatrix",
            Symbology::Code128 => "code128",
            _ => "other",
        }
    }

    /// The AIM symbology identifier, e.g. `"]d2"`.
    #[getter]
    fn aim(&self) -> String {
        self.symbol.aim().to_owned()
    }

    /// The decoded data (GS for FNC1 separators), without the AIM identifier.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.symbol.data())
    }

    /// The AIM identifier followed by the data: what a scanner would transmit.
    #[getter]
    fn scan_data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.symbol.scan_data())
    }

    /// Corner points `(x, y)` in image pixels.
    #[getter]
    fn position(&self) -> Vec<(f32, f32)> {
        self.symbol.position().iter().map(|p| (p.x, p.y)).collect()
    }

    /// The validated GS1 message, or `None` when the symbol is not GS1 or failed validation.
    #[getter]
    fn message(&self, py: Python<'_>) -> Option<Py<PyMessage>> {
        self.message.as_ref().map(|m| m.clone_ref(py))
    }

    /// Why the symbol is not usable as GS1 (`None` when `.message` is set).
    #[getter]
    fn gs1_error(&self) -> Option<String> {
        self.symbol.gs1_error().map(ToString::to_string)
    }

    fn __repr__(&self) -> String {
        format!(
            "Symbol(aim={}, data={})",
            gs1::py_literal(self.symbol.aim()),
            gs1::py_literal(&bedside_gs1::printable(self.symbol.data()))
        )
    }
}

/// What one `read()` found.
#[pyclass(module = "bedside.barcode", name = "ReadResult", frozen)]
pub(crate) struct PyReadResult {
    symbols: Vec<Py<PySymbol>>,
    timed_out: bool,
}

#[pymethods]
impl PyReadResult {
    /// Every distinct symbol, in the order found.
    #[getter]
    fn symbols<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.symbols.iter().map(|s| s.clone_ref(py)))
    }

    /// The validated GS1 messages, in the order found: the only results an
    /// identification path may use.
    #[getter]
    fn messages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let messages: Vec<Py<PyMessage>> = self
            .symbols
            .iter()
            .filter_map(|s| s.get().message.as_ref().map(|m| m.clone_ref(py)))
            .collect();
        PyTuple::new(py, messages)
    }

    /// Whether the time budget ended before the reader had looked everywhere.
    #[getter]
    fn timed_out(&self) -> bool {
        self.timed_out
    }

    fn __len__(&self) -> usize {
        self.symbols.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ReadResult(symbols={}, timed_out={})",
            self.symbols.len(),
            if self.timed_out { "True" } else { "False" }
        )
    }
}

/// The reader with default options, kept so that its worker thread is reused.
fn default_reader() -> &'static Reader {
    static READER: OnceLock<Reader> = OnceLock::new();
    READER.get_or_init(Reader::default)
}

/// Reads GS1 DataMatrix and GS1-128 symbols from PNG or JPEG bytes.
#[pyfunction]
#[pyo3(signature = (image_bytes, *, budget_ms=None, datamatrix=true, code128=true, exhaustive=false, max_symbols=16))]
pub(crate) fn read(
    py: Python<'_>,
    image_bytes: &Bound<'_, PyAny>,
    budget_ms: Option<u64>,
    datamatrix: bool,
    code128: bool,
    exhaustive: bool,
    max_symbols: usize,
) -> PyResult<PyReadResult> {
    let bytes: Vec<u8> = if let Ok(b) = image_bytes.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = image_bytes.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(errors::wrong_type(
            "image_bytes",
            "bytes or bytearray",
            image_bytes,
        ));
    };
    if budget_ms == Some(0) {
        return Err(PyValueError::new_err("budget_ms must be at least 1"));
    }
    let defaults = ReaderOptions::default();
    let opts = ReaderOptions {
        budget: budget_ms.map_or(defaults.budget, Duration::from_millis),
        datamatrix,
        code128,
        exhaustive,
        max_symbols,
    };
    let decoded = guard(py, || {
        py.detach(|| {
            if opts == defaults {
                default_reader().read_bytes(&bytes)
            } else {
                Reader::new(opts).read_bytes(&bytes)
            }
        })
        .map_err(|e| image_error(py, &e))
    })?;
    let mut symbols = Vec::with_capacity(decoded.symbols.len());
    for symbol in decoded.symbols {
        let message = match symbol.gs1() {
            Ok(g) => Some(Py::new(
                py,
                PyMessage::from_symbol(
                    g.message().clone(),
                    &symbol.scan_data(),
                    aim_symbology(g.aim()),
                ),
            )?),
            Err(_) => None,
        };
        symbols.push(Py::new(py, PySymbol { symbol, message })?);
    }
    Ok(PyReadResult {
        symbols,
        timed_out: decoded.timed_out,
    })
}

fn aim_symbology(aim: &str) -> Option<bedside_gs1::Symbology> {
    let id = aim.as_bytes().get(1..3)?;
    bedside_gs1::Symbology::from_aim(id).map(|(s, _)| s)
}

/// Registers `bedside.barcode`'s classes and functions on `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySymbol>()?;
    m.add_class::<PyReadResult>()?;
    m.add_function(wrap_pyfunction!(encode_datamatrix, m)?)?;
    m.add_function(wrap_pyfunction!(encode_gs1_128, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    Ok(())
}
