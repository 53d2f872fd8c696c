//! Barcode scanner drivers for Bedside: every bedside scanner — USB HID POS,
//! serial (RS-232, CDC-ACM, USB-serial) and keyboard wedge — as one stream of
//! typed scans with GS (FNC1) separators intact.
//!
//! Layers:
//! 1. [`decode`] — pure frame decoders (HID POS reports, serial framing,
//!    keyboard-wedge key streams, AIM identifiers). `no_std` + `alloc`.
//! 2. `transport` — thin byte movers with time limits: `serial` (feature
//!    `serial`), HID POS over nusb (feature `usb`), hidraw (feature `hidraw`),
//!    evdev keyboard wedge (feature `evdev`).
//! 3. `manager` — discovery, hotplug, reconnect with backoff, several scanners
//!    at once, delivering [`Event`]s (feature `std`).
//!
//! ```
//! use bedside_scanner::decode::Frame;
//! use bedside_scanner::{DeviceKey, Scan};
//!
//! let frame = Frame::from_scan_data(b"]d28018952000099900012352\x1d80191".to_vec());
//! let scan = Scan::from_frame(DeviceKey::new("serial:/dev/ttyACM0"), frame, std::time::SystemTime::now()).unwrap();
//! assert_eq!(scan.gs1.unwrap().to_bracketed(), "(8018)952000099900012352(8019)1");
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod decode;

#[cfg(feature = "std")]
mod scan;
#[cfg(feature = "std")]
pub use scan::{DeviceKey, Event, Fault, FaultKind, Scan, Status, StatusKind, display_bytes};

#[cfg(feature = "std")]
pub mod config;
#[cfg(feature = "std")]
pub mod manager;
#[cfg(feature = "std")]
pub mod transport;
