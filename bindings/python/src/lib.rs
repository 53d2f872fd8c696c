//! Python bindings for Bedside: the `bedside._native` extension module behind the
//! `bedside` package (`bedside.gs1`, `bedside.nhs`, `bedside.wristband`,
//! `bedside.barcode`), built directly on the `bedside-gs1`, `bedside-patient` and
//! `bedside-barcode` crates with PyO3 (one abi3 wheel for CPython 3.9 and later).
//!
//! Every Rust error becomes a typed exception deriving from `bedside.BedsideError`
//! (see `errors.rs`); the crates never panic on any input, and each call into them
//! is also guarded so that a contained fault is an `InternalError`, not a
//! `PanicException`. The crate forbids `unsafe` code: PyO3 owns the FFI.

#![forbid(unsafe_code)]

use pyo3::prelude::*;

mod barcode;
mod errors;
mod gs1;
mod nhs;
mod wristband;

/// The extension module: every class, function and exception, flat; the pure
/// Python modules of the `bedside` package give them their public homes.
#[pymodule]
#[pyo3(name = "_native")]
fn bedside_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    gs1::register(m)?;
    nhs::register(m)?;
    wristband::register(m)?;
    barcode::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
