//! Wristband printing for Bedside.
//!
//! One band layout model ([`layout`]) feeds every output: ZPL II for
//! Zebra-class thermal wristband printers ([`zpl`]), PDF for laser wristband
//! sheets ([`pdf`]) and PNG previews ([`png`]). Printer status replies are
//! parsed by pure functions ([`status`]); [`transport`] only moves bytes (raw
//! TCP 9100, serial, USB printer class) and [`job`] checks the printer before
//! and after a job so that nothing is reported printed that was not.
#![forbid(unsafe_code)]

pub mod job;
pub mod layout;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod png;
mod raster;
pub mod status;
pub mod transport;
pub mod zpl;
