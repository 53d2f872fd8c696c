//! Pure frame decoders: bytes (or key events) in, [`Frame`]s out. No I/O, no
//! clocks, no allocation beyond the frame being assembled; usable with
//! `default-features = false` (`no_std` + `alloc`).
//!
//! Time limits (a continuation report that never comes, a scanner without a
//! suffix) belong to the transport: it calls the decoder's `flush_idle` /
//! `abort` when its timer fires.
//!
//! ```
//! use bedside_scanner::decode::{serial::{SerialConfig, SerialFramer}, Symbology};
//! let mut framer = SerialFramer::new(SerialConfig::default());
//! let mut frames = Vec::new();
//! framer.push(b"]d2801895200009990001235", &mut frames);
//! framer.push(b"2\x1d80191\r", &mut frames);
//! let frame = frames.pop().unwrap().unwrap();
//! assert_eq!(frame.aim.unwrap().symbology(), Symbology::DataMatrix);
//! assert_eq!(frame.data, b"8018952000099900012352\x1d80191");
//! ```

use alloc::vec::Vec;

pub mod aim;
pub mod hidpos;
pub mod serial;
pub mod wedge;

pub use aim::{Aim, AimError, Symbology};

/// The ASCII group separator (GS, 0x1D) that readers transmit for FNC1 (`bedside-gs1`'s).
pub use bedside_gs1::GS;

/// Longest scan any decoder assembles (bytes after the AIM identifier).
/// A 2D symbol holds at most ~3,100 bytes; anything longer is a fault.
pub const MAX_SCAN_LEN: usize = 8192;

/// One decoded barcode read: the AIM symbology identifier, when the scanner
/// sent one, and the data after it, byte for byte (GS separators intact).
///
/// ```
/// use bedside_scanner::decode::Frame;
/// let f = Frame::from_scan_data(b"]C1010950600013435210AB1".to_vec());
/// assert_eq!(f.aim.unwrap().to_string(), "]C1");
/// assert_eq!(f.data, b"010950600013435210AB1");
/// assert_eq!(f.scan_data(), b"]C1010950600013435210AB1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The AIM symbology identifier, when one was transmitted.
    pub aim: Option<Aim>,
    /// The symbol's data, without the AIM identifier.
    pub data: Vec<u8>,
}

impl Frame {
    /// Splits scan data as a reader transmits it: a leading `]cm` becomes the
    /// AIM identifier, the rest is data. Data without a valid identifier is
    /// kept whole with `aim: None`.
    ///
    /// ```
    /// use bedside_scanner::decode::Frame;
    /// assert!(Frame::from_scan_data(b"MRN0042".to_vec()).aim.is_none());
    /// ```
    pub fn from_scan_data(mut bytes: Vec<u8>) -> Frame {
        match bytes.get(..3).map(Aim::parse) {
            Some(Ok(aim)) => {
                bytes.drain(..3);
                Frame {
                    aim: Some(aim),
                    data: bytes,
                }
            }
            _ => Frame {
                aim: None,
                data: bytes,
            },
        }
    }

    /// The AIM identifier followed by the data: the input form of
    /// `bedside_gs1::Parser::scan`.
    ///
    /// ```
    /// use bedside_scanner::decode::{Aim, Frame};
    /// let f = Frame { aim: Some(Aim::parse(b"]d2").unwrap()), data: b"0109506000134352".to_vec() };
    /// assert_eq!(f.scan_data(), b"]d20109506000134352");
    /// ```
    pub fn scan_data(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 3);
        if let Some(aim) = self.aim {
            out.extend_from_slice(&aim.to_bytes());
        }
        out.extend_from_slice(&self.data);
        out
    }

    /// Whether the AIM identifier says the data is GS1 AI data
    /// (`]d2 ]Q3 ]C1 ]e0 ]J1`). Without an identifier this is `false`: nothing
    /// guesses AIs out of plain data.
    ///
    /// ```
    /// use bedside_scanner::decode::Frame;
    /// assert!(Frame::from_scan_data(b"]Q3010950600013435".to_vec()).is_gs1());
    /// assert!(!Frame::from_scan_data(b"010950600013435".to_vec()).is_gs1());
    /// ```
    pub fn is_gs1(&self) -> bool {
        self.aim.is_some_and(|a| a.is_gs1())
    }
}
