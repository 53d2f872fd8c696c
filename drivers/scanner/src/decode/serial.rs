//! Serial framing (RS-232, USB CDC-ACM, USB-serial adapters): a byte stream
//! cut into scans by a suffix (CR, LF, CR LF, ETX, TAB), by STX/ETX packets,
//! or — for scanners that send no suffix — by an idle gap the transport times.
//!
//! Safety rules: a frame whose suffix never came is reported as
//! [`SerialError::Incomplete`] when the line goes idle, never glued to the
//! next scan; an over-long frame is reported and dropped up to its suffix;
//! stray control bytes between frames (NUL, XON/XOFF, the LF of a CR LF) are
//! skipped.
//!
//! ```
//! use bedside_scanner::decode::serial::{SerialConfig, SerialFramer, Terminator, Suffix};
//! let mut f = SerialFramer::new(SerialConfig { terminator: Terminator::Suffix(Suffix::CrLf), ..Default::default() });
//! let mut out = Vec::new();
//! f.push(b"\0]E09501101530003\r\n]C0MRN1\r\n", &mut out);
//! assert_eq!(out.len(), 2);
//! assert_eq!(out[1].as_ref().unwrap().data, b"MRN1");
//! ```

use alloc::vec::Vec;

use super::{Frame, MAX_SCAN_LEN};

const STX: u8 = 0x02;
const ETX: u8 = 0x03;

/// The suffix a scanner appends to every scan.
///
/// ```
/// use bedside_scanner::decode::serial::Suffix;
/// assert_eq!(Suffix::parse("crlf"), Some(Suffix::CrLf));
/// assert_eq!(Suffix::Etx.byte(), 0x03);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Suffix {
    /// Carriage return (the usual default).
    #[default]
    Cr,
    /// Line feed.
    Lf,
    /// CR LF (framed on CR; the LF is skipped as noise).
    CrLf,
    /// ETX (0x03).
    Etx,
    /// Horizontal tab.
    Tab,
}

impl Suffix {
    /// The byte that ends a frame.
    ///
    /// ```
    /// assert_eq!(bedside_scanner::decode::serial::Suffix::Lf.byte(), b'\n');
    /// ```
    pub const fn byte(self) -> u8 {
        match self {
            Suffix::Cr | Suffix::CrLf => b'\r',
            Suffix::Lf => b'\n',
            Suffix::Etx => ETX,
            Suffix::Tab => b'\t',
        }
    }

    /// Reads a suffix name as written in device specs and TOML: `cr`, `lf`,
    /// `crlf`, `etx`, `tab` (case-insensitive).
    ///
    /// ```
    /// assert!(bedside_scanner::decode::serial::Suffix::parse("CR").is_some());
    /// ```
    pub fn parse(name: &str) -> Option<Suffix> {
        Some(match name.to_ascii_lowercase().as_str() {
            "cr" => Suffix::Cr,
            "lf" => Suffix::Lf,
            "crlf" => Suffix::CrLf,
            "etx" => Suffix::Etx,
            "tab" => Suffix::Tab,
            _ => return None,
        })
    }
}

/// How frames end.
///
/// ```
/// use bedside_scanner::decode::serial::Terminator;
/// assert_eq!(Terminator::default(), Terminator::Suffix(Default::default()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Terminator {
    /// A suffix byte ends each frame.
    Suffix(Suffix),
    /// No suffix: a frame ends when the line is idle for the inter-byte
    /// timeout (the transport calls [`SerialFramer::flush_idle`]).
    Idle,
    /// STX … ETX packets; bytes outside a packet are ignored.
    StxEtx,
}

impl Default for Terminator {
    fn default() -> Self {
        Terminator::Suffix(Suffix::default())
    }
}

/// Serial framing settings.
///
/// ```
/// use bedside_scanner::decode::serial::SerialConfig;
/// let c = SerialConfig::default();
/// assert!(c.prefix.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SerialConfig {
    /// How frames end.
    pub terminator: Terminator,
    /// A fixed prefix the scanner sends before each scan (stripped; a frame
    /// without it is an error). Empty: none.
    pub prefix: Vec<u8>,
    /// Longest frame accepted, in bytes.
    pub max_len: usize,
    /// Bytes skipped when they come before a frame's first byte.
    pub noise: Vec<u8>,
}

impl Default for SerialConfig {
    fn default() -> Self {
        SerialConfig {
            terminator: Terminator::default(),
            prefix: Vec::new(),
            max_len: MAX_SCAN_LEN,
            noise: alloc::vec![0x00, b'\r', b'\n', 0x11, 0x13],
        }
    }
}

/// Why a serial frame could not be delivered.
///
/// ```
/// use bedside_scanner::decode::serial::{SerialConfig, SerialError, SerialFramer};
/// let mut f = SerialFramer::new(SerialConfig::default());
/// let mut out = Vec::new();
/// f.push(b"]C0MRN", &mut out);
/// assert_eq!(f.flush_idle(), Some(Err(SerialError::Incomplete { len: 6 })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerialError {
    /// The line went idle (or closed) before the suffix: the bytes are dropped.
    #[error("{len} bytes without a suffix before the line went idle")]
    Incomplete {
        /// Bytes dropped.
        len: usize,
    },
    /// The frame exceeded the configured maximum and was dropped.
    #[error("frame longer than {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The configured prefix was missing.
    #[error("frame does not start with the configured prefix")]
    MissingPrefix,
}

/// Cuts a serial byte stream into frames.
///
/// ```
/// use bedside_scanner::decode::serial::{SerialConfig, SerialFramer, Terminator};
/// let mut f = SerialFramer::new(SerialConfig { terminator: Terminator::StxEtx, ..Default::default() });
/// let mut out = Vec::new();
/// f.push(b"junk\x02]d1HELLO\x03\r\n", &mut out);
/// assert_eq!(out[0].as_ref().unwrap().data, b"HELLO");
/// ```
#[derive(Clone, Debug)]
pub struct SerialFramer {
    cfg: SerialConfig,
    buf: Vec<u8>,
    overflow: bool,
    in_packet: bool,
}

impl SerialFramer {
    /// A framer with `cfg`.
    ///
    /// ```
    /// let f = bedside_scanner::decode::serial::SerialFramer::new(Default::default());
    /// assert_eq!(f.pending(), 0);
    /// ```
    pub fn new(cfg: SerialConfig) -> SerialFramer {
        SerialFramer {
            cfg,
            buf: Vec::new(),
            overflow: false,
            in_packet: false,
        }
    }

    /// The configuration.
    ///
    /// ```
    /// let f = bedside_scanner::decode::serial::SerialFramer::new(Default::default());
    /// assert_eq!(f.config().max_len, 8192);
    /// ```
    pub fn config(&self) -> &SerialConfig {
        &self.cfg
    }

    /// Bytes of a frame in progress. The transport times the line while this
    /// is non-zero and calls [`flush_idle`](Self::flush_idle) after the gap.
    ///
    /// ```
    /// let mut f = bedside_scanner::decode::serial::SerialFramer::new(Default::default());
    /// f.push_byte(b'A');
    /// assert_eq!(f.pending(), 1);
    /// ```
    pub fn pending(&self) -> usize {
        if self.overflow {
            self.cfg.max_len.saturating_add(1)
        } else {
            self.buf.len()
        }
    }

    /// Feeds bytes; each completed frame or fault is appended to `out`.
    ///
    /// ```
    /// let mut f = bedside_scanner::decode::serial::SerialFramer::new(Default::default());
    /// let mut out = Vec::new();
    /// f.push(b"]C0A\r]C0B\r", &mut out);
    /// assert_eq!(out.len(), 2);
    /// ```
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Result<Frame, SerialError>>) {
        for &b in bytes {
            if let Some(r) = self.push_byte(b) {
                out.push(r);
            }
        }
    }

    /// Feeds one byte.
    ///
    /// ```
    /// let mut f = bedside_scanner::decode::serial::SerialFramer::new(Default::default());
    /// assert!(f.push_byte(b'A').is_none());
    /// assert!(f.push_byte(b'\r').unwrap().is_ok());
    /// ```
    pub fn push_byte(&mut self, b: u8) -> Option<Result<Frame, SerialError>> {
        match self.cfg.terminator {
            Terminator::Suffix(s) if b == s.byte() => self.finish(),
            Terminator::Suffix(_) | Terminator::Idle => {
                if self.buf.is_empty() && !self.overflow && self.cfg.noise.contains(&b) {
                    return None;
                }
                self.take(b);
                None
            }
            Terminator::StxEtx => match b {
                STX => {
                    let cut = self.in_packet && (self.overflow || !self.buf.is_empty());
                    let len = self.buf.len();
                    self.clear();
                    self.in_packet = true;
                    cut.then_some(Err(SerialError::Incomplete { len }))
                }
                ETX if self.in_packet => {
                    // An empty packet carries nothing and is skipped.
                    self.in_packet = false;
                    self.finish()
                }
                _ if self.in_packet => {
                    self.take(b);
                    None
                }
                _ => None,
            },
        }
    }

    /// The line has been idle for the inter-byte timeout (or has closed). With
    /// [`Terminator::Idle`] this ends the frame; otherwise bytes pending are a
    /// frame whose end never came: they are dropped and reported.
    ///
    /// ```
    /// use bedside_scanner::decode::serial::{SerialConfig, SerialFramer, Terminator};
    /// let mut f = SerialFramer::new(SerialConfig { terminator: Terminator::Idle, ..Default::default() });
    /// f.push_byte(b'7');
    /// assert_eq!(f.flush_idle().unwrap().unwrap().data, b"7");
    /// assert_eq!(f.flush_idle(), None);
    /// ```
    pub fn flush_idle(&mut self) -> Option<Result<Frame, SerialError>> {
        if self.buf.is_empty() && !self.overflow {
            self.in_packet = false;
            return None;
        }
        match self.cfg.terminator {
            Terminator::Idle => self.finish(),
            Terminator::Suffix(_) | Terminator::StxEtx => {
                let len = self.pending();
                self.clear();
                self.in_packet = false;
                Some(Err(SerialError::Incomplete { len }))
            }
        }
    }

    fn take(&mut self, b: u8) {
        if self.overflow {
            return;
        }
        if self.buf.len() >= self.cfg.max_len {
            self.overflow = true;
            self.buf.clear();
            return;
        }
        self.buf.push(b);
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.overflow = false;
    }

    fn finish(&mut self) -> Option<Result<Frame, SerialError>> {
        if self.overflow {
            self.clear();
            return Some(Err(SerialError::TooLong {
                max: self.cfg.max_len,
            }));
        }
        if self.buf.is_empty() {
            return None;
        }
        let mut bytes = core::mem::take(&mut self.buf);
        if self.cfg.terminator == Terminator::Suffix(Suffix::Lf) && bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if !self.cfg.prefix.is_empty() {
            if !bytes.starts_with(&self.cfg.prefix) {
                return Some(Err(SerialError::MissingPrefix));
            }
            bytes.drain(..self.cfg.prefix.len());
        }
        Some(Ok(Frame::from_scan_data(bytes)))
    }
}
