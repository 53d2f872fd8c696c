//! Scans, faults and device status: what the driver delivers.

use std::fmt;
use std::time::SystemTime;

use bedside_gs1::{Message, Parser};

use crate::decode::hidpos::HidPosError;
use crate::decode::serial::SerialError;
use crate::decode::wedge::WedgeError;
use crate::decode::{Aim, Frame, GS, Symbology};
use crate::transport::TransportError;

/// A scanner's stable identity: the device spec it was opened with, keyed by
/// serial number or port path, never by USB bus address.
///
/// ```
/// let k = bedside_scanner::DeviceKey::new("usb:0c2e:0b61:17150B2C11");
/// assert_eq!(k.as_str(), "usb:0c2e:0b61:17150B2C11");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceKey(String);

impl DeviceKey {
    /// Wraps a key.
    ///
    /// ```
    /// assert_eq!(bedside_scanner::DeviceKey::new("x").to_string(), "x");
    /// ```
    pub fn new(key: impl Into<String>) -> DeviceKey {
        DeviceKey(key.into())
    }

    /// The key as text.
    ///
    /// ```
    /// assert_eq!(bedside_scanner::DeviceKey::new("x").as_str(), "x");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One barcode read, typed.
///
/// ```
/// use bedside_scanner::{decode::{Frame, Symbology}, DeviceKey, Scan};
/// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"]C0MRN0042".to_vec()), std::time::UNIX_EPOCH).unwrap();
/// assert_eq!(s.symbology, Symbology::Code128);
/// assert!(s.gs1.is_none());
/// assert_eq!(s.data_text(), "MRN0042");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    /// The scanner that read it.
    pub device: DeviceKey,
    /// The AIM symbology identifier, if the scanner sent one.
    pub aim: Option<Aim>,
    /// The symbology (from the AIM identifier; `Unknown` without one).
    pub symbology: Symbology,
    /// The data after the AIM identifier, byte for byte, GS separators intact.
    pub bytes: Vec<u8>,
    /// The validated GS1 message, for GS1 data (`]d2 ]Q3 ]C1 ]e0 ]J1`), a GS1
    /// Digital Link URI in a plain 2D symbol, or an EAN/UPC composite.
    pub gs1: Option<Message<'static>>,
    /// When the last byte of the scan arrived.
    pub at: SystemTime,
}

impl Scan {
    /// Builds a scan from a decoded frame, parsing GS1 data with the embedded
    /// dictionary and strict defaults. A frame whose AIM identifier announces
    /// GS1 but whose data is not a valid GS1 message is a fault, never a scan.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, FaultKind, Scan};
    /// let bad = Frame::from_scan_data(b"]d2801895200009990001235".to_vec());
    /// let err = Scan::from_frame(DeviceKey::new("t"), bad, std::time::UNIX_EPOCH).unwrap_err();
    /// assert!(matches!(err, FaultKind::Gs1(_)));
    /// ```
    pub fn from_frame(device: DeviceKey, frame: Frame, at: SystemTime) -> Result<Scan, FaultKind> {
        Scan::from_frame_with(&Parser::default(), device, frame, at)
    }

    /// As [`from_frame`](Self::from_frame) with a given GS1 parser.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, Scan};
    /// let p = bedside_gs1::Parser::default();
    /// let f = Frame::from_scan_data(b"]Q1https://id.gs1.org/01/09506000134352".to_vec());
    /// let s = Scan::from_frame_with(&p, DeviceKey::new("t"), f, std::time::UNIX_EPOCH).unwrap();
    /// assert_eq!(s.hri().unwrap(), "(01)09506000134352");
    /// ```
    pub fn from_frame_with(
        parser: &Parser<'_>,
        device: DeviceKey,
        frame: Frame,
        at: SystemTime,
    ) -> Result<Scan, FaultKind> {
        let known = frame
            .aim
            .is_some_and(|a| bedside_gs1::Symbology::from_aim(&a.to_bytes()[1..]).is_some());
        let gs1 = if known {
            let data = frame.scan_data();
            match parser.scan(&data) {
                Ok(s) => s.into_message().map(Message::into_owned),
                Err(e) if frame.is_gs1() => return Err(FaultKind::Gs1(e)),
                Err(_) => None,
            }
        } else {
            None
        };
        Ok(Scan {
            device,
            aim: frame.aim,
            symbology: frame.aim.map_or(Symbology::Unknown, Aim::symbology),
            bytes: frame.data,
            gs1,
            at,
        })
    }

    /// AIM identifier and data, as the scanner transmitted them.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, Scan};
    /// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"]C0A".to_vec()), std::time::UNIX_EPOCH).unwrap();
    /// assert_eq!(s.scan_data(), b"]C0A");
    /// ```
    pub fn scan_data(&self) -> Vec<u8> {
        let mut v = self.aim.map(|a| a.to_bytes().to_vec()).unwrap_or_default();
        v.extend_from_slice(&self.bytes);
        v
    }

    /// The data as text (lossy UTF-8), GS kept as the 0x1D character.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, Scan};
    /// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"A\x1dB".to_vec()), std::time::UNIX_EPOCH).unwrap();
    /// assert_eq!(s.data_text(), "A\u{1d}B");
    /// ```
    pub fn data_text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The data for a person: GS shown as `<GS>`, other control bytes as `<0xNN>`.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, Scan};
    /// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"A\x1dB".to_vec()), std::time::UNIX_EPOCH).unwrap();
    /// assert_eq!(s.data_display(), "A<GS>B");
    /// ```
    pub fn data_display(&self) -> String {
        display_bytes(&self.bytes)
    }

    /// The GS1 data in bracketed human-readable form, `(8018)…(8019)…`.
    ///
    /// ```
    /// use bedside_scanner::{decode::Frame, DeviceKey, Scan};
    /// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"]C10109506000134352".to_vec()), std::time::UNIX_EPOCH).unwrap();
    /// assert_eq!(s.hri().unwrap(), "(01)09506000134352");
    /// ```
    pub fn hri(&self) -> Option<String> {
        self.gs1.as_ref().map(Message::to_bracketed)
    }
}

/// Renders bytes for a terminal: GS as `<GS>`, other control bytes as `<0xNN>`.
///
/// ```
/// assert_eq!(bedside_scanner::display_bytes(b"a\x1d\x00"), "a<GS><0x00>");
/// ```
pub fn display_bytes(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c == GS as char => out.push_str("<GS>"),
            c if c.is_control() => out.push_str(&format!("<0x{:02x}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Why a frame could not become a scan.
///
/// ```
/// use bedside_scanner::FaultKind;
/// use bedside_scanner::decode::serial::SerialError;
/// assert_eq!(FaultKind::Serial(SerialError::MissingPrefix).class(), "frame");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FaultKind {
    /// A HID POS report could not be decoded.
    #[error("HID POS: {0}")]
    HidPos(HidPosError),
    /// A serial frame could not be decoded.
    #[error("serial: {0}")]
    Serial(SerialError),
    /// Keyboard-wedge input could not be decoded.
    #[error("keyboard wedge: {0}")]
    Wedge(WedgeError),
    /// The AIM identifier announced GS1 but the data is not a valid GS1 message.
    #[error("invalid GS1 data: {0}")]
    Gs1(bedside_gs1::Error),
}

impl FaultKind {
    /// A stable class name for scripts: `frame` (the transport's framing
    /// failed: a partial, over-long or corrupt frame) or `gs1`.
    ///
    /// ```
    /// use bedside_scanner::FaultKind;
    /// let e = bedside_gs1::parse_scan(b"]d201").unwrap_err();
    /// assert_eq!(FaultKind::Gs1(e).class(), "gs1");
    /// ```
    pub fn class(&self) -> &'static str {
        match self {
            FaultKind::HidPos(_) | FaultKind::Serial(_) | FaultKind::Wedge(_) => "frame",
            FaultKind::Gs1(_) => "gs1",
        }
    }

    /// A stable code naming the fault: for frames `incomplete`, `too_long`,
    /// `short_report`, `bad_length`, `bad_aim`, `aim_changed`,
    /// `foreign_report`, `missing_prefix`, `unmapped_key`, `unexpected_chord`,
    /// `bad_alt_code`, `rollover`, `bad_report`; for GS1 data the
    /// `bedside-gs1` error class (`BAD_CHECK_DIGIT`, …).
    ///
    /// ```
    /// use bedside_scanner::FaultKind;
    /// use bedside_scanner::decode::serial::SerialError;
    /// assert_eq!(FaultKind::Serial(SerialError::Incomplete { len: 1 }).code(), "incomplete");
    /// ```
    pub fn code(&self) -> &'static str {
        use crate::decode::hidpos::HidPosError as H;
        use crate::decode::serial::SerialError as S;
        use crate::decode::wedge::WedgeError as W;
        match self {
            FaultKind::HidPos(H::Incomplete { .. })
            | FaultKind::Serial(S::Incomplete { .. })
            | FaultKind::Wedge(W::Incomplete { .. }) => "incomplete",
            FaultKind::HidPos(H::TooLong { .. })
            | FaultKind::Serial(S::TooLong { .. })
            | FaultKind::Wedge(W::TooLong { .. }) => "too_long",
            FaultKind::HidPos(H::Short { .. }) => "short_report",
            FaultKind::HidPos(H::BadLength { .. }) => "bad_length",
            FaultKind::HidPos(H::BadAim(_)) => "bad_aim",
            FaultKind::HidPos(H::AimChanged) => "aim_changed",
            FaultKind::HidPos(H::ForeignReport { .. }) => "foreign_report",
            FaultKind::Serial(S::MissingPrefix) => "missing_prefix",
            FaultKind::Wedge(W::UnmappedKey { .. }) => "unmapped_key",
            FaultKind::Wedge(W::UnexpectedChord { .. }) => "unexpected_chord",
            FaultKind::Wedge(W::BadAltCode { .. }) => "bad_alt_code",
            FaultKind::Wedge(W::Rollover) => "rollover",
            FaultKind::Wedge(W::BadReport { .. }) => "bad_report",
            FaultKind::Gs1(e) => e.class().as_str(),
        }
    }
}

/// A frame that could not be decoded, with what is known about it.
///
/// ```
/// use bedside_scanner::{DeviceKey, Fault, FaultKind};
/// use bedside_scanner::decode::serial::SerialError;
/// let f = Fault { device: DeviceKey::new("t"), kind: FaultKind::Serial(SerialError::Incomplete { len: 3 }), aim: None, bytes: vec![], at: std::time::UNIX_EPOCH };
/// assert!(f.to_string().contains("3 bytes"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{device}: {kind}")]
pub struct Fault {
    /// The scanner.
    pub device: DeviceKey,
    /// What went wrong.
    pub kind: FaultKind,
    /// The AIM identifier, when the frame got that far.
    pub aim: Option<Aim>,
    /// The data, when the frame was complete but invalid (GS1 faults).
    pub bytes: Vec<u8>,
    /// When it happened.
    pub at: SystemTime,
}

/// A change in a scanner's connection.
///
/// ```
/// use bedside_scanner::{DeviceKey, Status, StatusKind};
/// let s = Status { device: DeviceKey::new("t"), kind: StatusKind::Connected { description: "pty".into() }, at: std::time::UNIX_EPOCH };
/// assert!(matches!(s.kind, StatusKind::Connected { .. }));
/// ```
#[derive(Clone, Debug)]
pub struct Status {
    /// The scanner.
    pub device: DeviceKey,
    /// What changed.
    pub kind: StatusKind,
    /// When.
    pub at: SystemTime,
}

/// What changed about a scanner's connection.
///
/// ```
/// use bedside_scanner::StatusKind;
/// assert!(matches!(StatusKind::Disconnected { error: None }, StatusKind::Disconnected { .. }));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StatusKind {
    /// The device is open and reading.
    Connected {
        /// What was opened (path, product).
        description: String,
    },
    /// The device went away (unplug, I/O error); reconnection follows.
    Disconnected {
        /// The error that ended the connection, if any.
        error: Option<TransportError>,
    },
    /// The device could not be opened; retried with backoff.
    Unusable {
        /// Why (permission, busy, not a scanner…).
        error: TransportError,
    },
}

/// What the driver delivers: a scan, a fault, or a status change.
///
/// ```
/// use bedside_scanner::{decode::Frame, DeviceKey, Event, Scan};
/// let s = Scan::from_frame(DeviceKey::new("t"), Frame::from_scan_data(b"x".to_vec()), std::time::UNIX_EPOCH).unwrap();
/// assert_eq!(Event::Scan(s).device().as_str(), "t");
/// ```
// Scans dominate the stream; boxing them would cost an allocation per scan
// to shrink the rare status events.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Event {
    /// A barcode was read.
    Scan(Scan),
    /// A frame could not be decoded.
    Fault(Fault),
    /// A device connected, disconnected or could not be used.
    Status(Status),
}

impl Event {
    /// The device the event is about.
    ///
    /// ```
    /// use bedside_scanner::{DeviceKey, Event, Status, StatusKind};
    /// let e = Event::Status(Status { device: DeviceKey::new("d"), kind: StatusKind::Disconnected { error: None }, at: std::time::UNIX_EPOCH });
    /// assert_eq!(e.device().as_str(), "d");
    /// ```
    pub fn device(&self) -> &DeviceKey {
        match self {
            Event::Scan(s) => &s.device,
            Event::Fault(f) => &f.device,
            Event::Status(s) => &s.device,
        }
    }
}
