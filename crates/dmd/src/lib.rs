//! NHSBSA dm+d weekly release reader.
//!
//! Reads the eight XML files of a weekly dm+d release (lookup, ingredient,
//! VTM, VMP, AMP, VMPP, AMPP and the nested-zip GTIN file) one record at a
//! time, into typed records ([`Record`]), with exact decimals ([`Decimal`])
//! and calendar dates. Pure: no database, no network, no floats, no panics.
//!
//! - [`Release::find`] finds the files of one release in a directory.
//! - [`read`] streams one file to a sink (e.g. an SQL insert in a transaction).
//! - [`strength_per_unit`] computes the amount per handled unit
//!   (`numerator / denominator × UDFS`).
//!
//! ```no_run
//! use bedside_dmd::{read, Record, Release};
//! use std::{fs::File, io::BufReader, path::Path};
//!
//! let release = Release::find(Path::new("examples/data/dmd"))?;
//! for (kind, path) in release.files() {
//!     let input = BufReader::new(File::open(path)?);
//!     let counts = read(kind, &path.display().to_string(), input, |record| {
//!         // insert `record` into its table
//!         Ok::<(), std::convert::Infallible>(())
//!     })?;
//!     println!("{kind}: {} records", counts.main(kind));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod decimal;
mod error;
mod lines;
mod reader;
mod records;
mod release;
mod strength;
#[cfg(feature = "synth")]
pub mod synth;

pub use decimal::{Decimal, DecimalError};
pub use error::{DmdError, DmdErrorKind, GtinFault, ReadError, gtin14};
pub use reader::read;
pub use records::{
    Amp, Ampp, ApIngredient, ControlInfo, Counts, FileKind, GtinEntry, Ingredient, LicensedRoute,
    LookupEntry, Record, Vmp, VmpForm, VmpRoute, Vmpp, Vpi, Vtm,
};
pub use release::{Release, ReleaseError};
pub use strength::{Strength, StrengthError, strength_per_unit};
