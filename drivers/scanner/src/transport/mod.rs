//! Transports: thin byte movers with time limits. Each opens a device, reads
//! bytes, feeds the matching pure decoder and hands frames to a [`FrameSink`];
//! it returns when the device goes away (an error) or when asked to stop.

use std::io;

use crate::FaultKind;
use crate::decode::Frame;

#[cfg(all(feature = "evdev", target_os = "linux"))]
pub mod evdev;
#[cfg(target_os = "linux")]
pub mod hidraw;
#[cfg(feature = "serial")]
pub mod serial;
#[cfg(feature = "usb")]
pub mod usb;

/// Where a transport delivers frames.
///
/// ```
/// use bedside_scanner::transport::FrameSink;
/// struct Collect(Vec<bool>);
/// impl FrameSink for Collect {
///     fn deliver(&mut self, r: Result<bedside_scanner::decode::Frame, bedside_scanner::FaultKind>) { self.0.push(r.is_ok()); }
///     fn stop_requested(&self) -> bool { true }
/// }
/// assert!(Collect(vec![]).stop_requested());
/// ```
pub trait FrameSink {
    /// A frame was decoded, or a frame could not be.
    fn deliver(&mut self, frame: Result<Frame, FaultKind>);
    /// Whether the transport should return now.
    fn stop_requested(&self) -> bool;
}

/// Why a device could not be opened or read.
///
/// ```
/// use bedside_scanner::transport::TransportError;
/// let e = TransportError::PermissionDenied { path: "/dev/hidraw0".into(), fix: "…".into() };
/// assert!(e.to_string().contains("permission denied"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The OS refused access. `fix` is a udev rule (Linux) that grants it.
    #[error("permission denied opening {path}; to fix, install this udev rule and replug:\n{fix}")]
    PermissionDenied {
        /// The device node.
        path: String,
        /// How to fix it.
        fix: String,
    },
    /// No such device (not plugged in, or wrong path).
    #[error("{path}: no such device")]
    NotFound {
        /// What was looked for.
        path: String,
    },
    /// Another program holds the device.
    #[error("{path}: busy (another program has it open or claimed)")]
    Busy {
        /// The device.
        path: String,
    },
    /// The device went away while open.
    #[error("{path}: disconnected")]
    Disconnected {
        /// The device.
        path: String,
    },
    /// Another I/O error.
    #[error("{path}: {kind:?}: {message}")]
    Io {
        /// The device.
        path: String,
        /// The error kind.
        kind: io::ErrorKind,
        /// The OS message.
        message: String,
    },
    /// The device is not a barcode scanner in a mode this transport reads.
    #[error("{what}: {reason}")]
    NotScanner {
        /// The device.
        what: String,
        /// Why (e.g. "keyboard-wedge mode: HID POS interface not found").
        reason: String,
    },
    /// The transport was not compiled in or is not available on this OS.
    #[error("{what} is not available in this build or on this platform")]
    Unsupported {
        /// What is missing.
        what: &'static str,
    },
}

/// The kind of node a udev rule should cover.
///
/// ```
/// use bedside_scanner::transport::{udev_rule, NodeKind};
/// assert!(udev_rule(NodeKind::Tty, Some(0x0c2e)).contains("0c2e"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A serial port.
    Tty,
    /// A USB device node for nusb (`/dev/bus/usb/…`).
    Usb,
    /// `/dev/hidrawN`.
    Hidraw,
    /// `/dev/input/eventN`.
    Input,
}

/// A udev rule that gives group `plugdev` (or `dialout` / `input`) access.
///
/// ```
/// let r = bedside_scanner::transport::udev_rule(bedside_scanner::transport::NodeKind::Usb, None);
/// assert!(r.starts_with("SUBSYSTEM==\"usb\""));
/// ```
pub fn udev_rule(kind: NodeKind, vid: Option<u16>) -> String {
    let vendor = vid.map_or(String::new(), |v| {
        format!(", ATTRS{{idVendor}}==\"{v:04x}\"")
    });
    let body = match kind {
        NodeKind::Tty => format!("SUBSYSTEM==\"tty\"{vendor}, MODE=\"0660\", GROUP=\"dialout\""),
        NodeKind::Usb => format!("SUBSYSTEM==\"usb\"{vendor}, MODE=\"0660\", GROUP=\"plugdev\""),
        NodeKind::Hidraw => {
            format!("SUBSYSTEM==\"hidraw\"{vendor}, MODE=\"0660\", GROUP=\"plugdev\"")
        }
        NodeKind::Input => {
            format!("SUBSYSTEM==\"input\"{vendor}, MODE=\"0660\", GROUP=\"input\"")
        }
    };
    format!(
        "{body}\n(save as /etc/udev/rules.d/70-bedside-scanner.rules, add the user to the group, then `udevadm control --reload` and replug)"
    )
}

/// Maps an I/O error on `path` to a typed transport error.
///
/// ```
/// use bedside_scanner::transport::{from_io, NodeKind, TransportError};
/// let e = from_io("/dev/ttyACM0", std::io::Error::from(std::io::ErrorKind::NotFound), NodeKind::Tty, None);
/// assert!(matches!(e, TransportError::NotFound { .. }));
/// ```
pub fn from_io(path: &str, e: io::Error, kind: NodeKind, vid: Option<u16>) -> TransportError {
    let path = path.to_owned();
    match e.kind() {
        io::ErrorKind::PermissionDenied => TransportError::PermissionDenied {
            path,
            fix: udev_rule(kind, vid),
        },
        io::ErrorKind::NotFound => TransportError::NotFound { path },
        io::ErrorKind::ResourceBusy => TransportError::Busy { path },
        io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof => {
            TransportError::Disconnected { path }
        }
        // ENODEV (19) and EIO (5) are what a vanished USB device gives.
        _ if matches!(e.raw_os_error(), Some(19) | Some(5)) => {
            TransportError::Disconnected { path }
        }
        k => TransportError::Io {
            path,
            kind: k,
            message: e.to_string(),
        },
    }
}
