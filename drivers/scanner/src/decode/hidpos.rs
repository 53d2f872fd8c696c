//! HID POS (usage page 0x8C, "Bar Code Scanner") input reports.
//!
//! The layout used by Honeywell and Access-IS (and assumed for Zebra and
//! Datalogic in HID POS mode) is a 64-byte input report with report ID 2:
//!
//! | byte | meaning |
//! |---|---|
//! | 0 | report ID (0x02) |
//! | 1 | length of decoded data in this report (≤ 56) |
//! | 2..5 | AIM symbology identifier `]cm` |
//! | 5..61 | decoded data |
//! | 61 | vendor code ID |
//! | 62 | reserved |
//! | 63 | bit 0: decode data continued (more reports follow) |
//!
//! A scan longer than one report arrives as several reports, the last with
//! the continuation bit clear. Zero-length completions (seen from Linux's f_hid
//! gadget between reports) are ignored. After any fault in the middle of a scan
//! the rest of that scan is discarded, so a mangled scan is never delivered as
//! a shorter one.
//!
//! ```
//! use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosLayout};
//! let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
//! let mut report = [0u8; 64];
//! report[0] = 2;
//! report[1] = 4;
//! report[2..5].copy_from_slice(b"]C0");
//! report[5..9].copy_from_slice(b"MRN1");
//! let frame = d.push(&report).unwrap().unwrap();
//! assert_eq!(frame.aim.unwrap().to_string(), "]C0");
//! assert_eq!(frame.data, b"MRN1");
//! ```

use alloc::vec::Vec;

use super::{Aim, Frame, MAX_SCAN_LEN};

/// Where the fields of a HID POS input report are. The report ID, when the
/// device uses one, is byte 0 of every report as hidraw and usbfs deliver it.
///
/// ```
/// use bedside_scanner::decode::hidpos::HidPosLayout;
/// assert_eq!(HidPosLayout::STANDARD.report_len(), 64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HidPosLayout {
    /// The report ID of scanned-data reports, or `None` if the device sends none.
    pub report_id: Option<u8>,
    /// Offset of the per-report data length byte.
    pub length_at: usize,
    /// Offset of the 3-byte AIM identifier, if the layout has one.
    pub aim_at: Option<usize>,
    /// Offset of the first data byte.
    pub data_at: usize,
    /// Most data bytes one report carries.
    pub max_data: usize,
    /// Offset of the byte holding the continuation flag.
    pub continued_at: usize,
    /// Mask of the continuation flag in that byte.
    pub continued_mask: u8,
}

impl HidPosLayout {
    /// The Honeywell / Access-IS layout (report ID 2, 64 bytes).
    pub const STANDARD: HidPosLayout = HidPosLayout {
        report_id: Some(2),
        length_at: 1,
        aim_at: Some(2),
        data_at: 5,
        max_data: 56,
        continued_at: 63,
        continued_mask: 0x01,
    };

    /// The number of bytes a report of this layout must have.
    ///
    /// ```
    /// use bedside_scanner::decode::hidpos::HidPosLayout;
    /// let l = HidPosLayout { report_id: None, continued_at: 62, ..HidPosLayout::STANDARD };
    /// assert_eq!(l.report_len(), 63);
    /// ```
    pub const fn report_len(&self) -> usize {
        let mut n = max(self.data_at + self.max_data, self.continued_at + 1);
        n = max(n, self.length_at + 1);
        if let Some(at) = self.aim_at {
            n = max(n, at + 3);
        }
        n
    }
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

impl Default for HidPosLayout {
    fn default() -> Self {
        HidPosLayout::STANDARD
    }
}

/// Why a HID POS report could not be decoded.
///
/// ```
/// use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosError, HidPosLayout};
/// let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
/// assert_eq!(d.push(&[2, 1, 0]), Err(HidPosError::Short { len: 3, need: 64 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HidPosError {
    /// A report with another report ID (not scanned data); the scan in
    /// progress, if any, is kept.
    #[error("input report ID {found} is not a scanned-data report")]
    ForeignReport {
        /// The report ID found.
        found: u8,
    },
    /// The report is shorter than the layout.
    #[error("input report of {len} bytes, layout needs {need}")]
    Short {
        /// Bytes received.
        len: usize,
        /// Bytes the layout needs.
        need: usize,
    },
    /// The length byte exceeds what a report can hold.
    #[error("report declares {declared} data bytes, at most {max} fit")]
    BadLength {
        /// The declared length.
        declared: u8,
        /// The layout's maximum.
        max: usize,
    },
    /// A continuation report named another symbology than the first.
    #[error("AIM identifier changed within one scan")]
    AimChanged,
    /// The AIM field is neither empty nor a valid identifier.
    #[error("invalid AIM field: {0}")]
    BadAim(super::AimError),
    /// The reassembled scan exceeds [`MAX_SCAN_LEN`].
    #[error("scan exceeds {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A multi-report scan was cut short (timeout or device gone).
    #[error("scan cut short after {len} bytes: the final report never came")]
    Incomplete {
        /// Bytes received before the cut.
        len: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Assembling,
    /// A fault happened mid-scan: drop reports until the last one.
    Discarding,
}

/// Reassembles scans from HID POS input reports.
///
/// ```
/// use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosLayout};
/// let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
/// let mut first = [0u8; 64];
/// first[0] = 2; first[1] = 56; first[2..5].copy_from_slice(b"]d2");
/// first[5..61].fill(b'1'); first[63] = 1;
/// let mut last = [0u8; 64];
/// last[0] = 2; last[1] = 2; last[2..5].copy_from_slice(b"]d2"); last[5..7].copy_from_slice(b"23");
/// assert_eq!(d.push(&first), Ok(None));
/// assert_eq!(d.push(&[]), Ok(None)); // zero-length completion
/// assert_eq!(d.push(&last).unwrap().unwrap().data.len(), 58);
/// ```
#[derive(Clone, Debug)]
pub struct HidPosDecoder {
    layout: HidPosLayout,
    state: State,
    aim: Option<Aim>,
    buf: Vec<u8>,
}

impl HidPosDecoder {
    /// A decoder for `layout`.
    ///
    /// ```
    /// let d = bedside_scanner::decode::hidpos::HidPosDecoder::new(Default::default());
    /// assert_eq!(d.pending(), 0);
    /// ```
    pub fn new(layout: HidPosLayout) -> HidPosDecoder {
        HidPosDecoder {
            layout,
            state: State::Idle,
            aim: None,
            buf: Vec::new(),
        }
    }

    /// The layout in use.
    ///
    /// ```
    /// let d = bedside_scanner::decode::hidpos::HidPosDecoder::new(Default::default());
    /// assert_eq!(d.layout().report_id, Some(2));
    /// ```
    pub fn layout(&self) -> &HidPosLayout {
        &self.layout
    }

    /// Data bytes of a scan in progress (0 between scans).
    ///
    /// ```
    /// let d = bedside_scanner::decode::hidpos::HidPosDecoder::new(Default::default());
    /// assert_eq!(d.pending(), 0);
    /// ```
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Whether a multi-report scan is under way (the transport should time it out).
    ///
    /// ```
    /// let d = bedside_scanner::decode::hidpos::HidPosDecoder::new(Default::default());
    /// assert!(!d.in_progress());
    /// ```
    pub fn in_progress(&self) -> bool {
        self.state != State::Idle
    }

    /// Abandons a scan in progress (continuation timed out, device gone):
    /// returns [`HidPosError::Incomplete`] if reports were pending.
    ///
    /// ```
    /// let mut d = bedside_scanner::decode::hidpos::HidPosDecoder::new(Default::default());
    /// assert_eq!(d.abort(), None);
    /// ```
    pub fn abort(&mut self) -> Option<HidPosError> {
        let was = self.state;
        let len = self.buf.len();
        self.reset();
        match was {
            State::Assembling => Some(HidPosError::Incomplete { len }),
            State::Idle | State::Discarding => None,
        }
    }

    fn reset(&mut self) {
        self.state = State::Idle;
        self.aim = None;
        self.buf.clear();
    }

    /// Fails the scan in progress; the remaining reports of a scan marked as
    /// continued are dropped.
    fn fail(&mut self, continued: bool, e: HidPosError) -> Result<Option<Frame>, HidPosError> {
        self.reset();
        if continued {
            self.state = State::Discarding;
        }
        Err(e)
    }

    /// Feeds one input report (one interrupt IN completion or hidraw read).
    /// Returns a frame when a scan is complete.
    ///
    /// ```
    /// use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosError};
    /// let mut d = HidPosDecoder::new(Default::default());
    /// let mut r = [0u8; 64];
    /// r[0] = 4;
    /// assert_eq!(d.push(&r), Err(HidPosError::ForeignReport { found: 4 }));
    /// ```
    pub fn push(&mut self, report: &[u8]) -> Result<Option<Frame>, HidPosError> {
        if report.is_empty() {
            return Ok(None);
        }
        let l = self.layout;
        if let Some(id) = l.report_id
            && report[0] != id
        {
            return Err(HidPosError::ForeignReport { found: report[0] });
        }
        let need = l.report_len();
        let Some(&flags) = report.get(l.continued_at) else {
            let continued = self.state != State::Idle;
            return self.fail(
                continued,
                HidPosError::Short {
                    len: report.len(),
                    need,
                },
            );
        };
        let continued = flags & l.continued_mask != 0;
        if report.len() < need {
            return self.fail(
                continued,
                HidPosError::Short {
                    len: report.len(),
                    need,
                },
            );
        }
        if self.state == State::Discarding {
            if !continued {
                self.reset();
            }
            return Ok(None);
        }
        let declared = report[l.length_at];
        let len = usize::from(declared);
        let Some(data) = report
            .get(l.data_at..l.data_at + len)
            .filter(|_| len <= l.max_data)
        else {
            return self.fail(
                continued,
                HidPosError::BadLength {
                    declared,
                    max: l.max_data,
                },
            );
        };
        let aim = match l.aim_at.and_then(|at| report.get(at..at + 3)) {
            None => None,
            Some([0, 0, 0]) => None,
            Some(field) => match Aim::parse(field) {
                Ok(a) => Some(a),
                Err(e) => return self.fail(continued, HidPosError::BadAim(e)),
            },
        };
        if len == 0 && self.state == State::Idle {
            // An empty report between scans carries nothing.
            return Ok(None);
        }
        match (self.aim, aim) {
            (Some(prev), Some(now)) if prev != now => {
                return self.fail(continued, HidPosError::AimChanged);
            }
            (None, Some(now)) if self.buf.is_empty() => self.aim = Some(now),
            (None, Some(_)) => return self.fail(continued, HidPosError::AimChanged),
            _ => {}
        }
        if self.buf.len() + len > MAX_SCAN_LEN {
            return self.fail(continued, HidPosError::TooLong { max: MAX_SCAN_LEN });
        }
        self.buf.extend_from_slice(data);
        if continued {
            self.state = State::Assembling;
            return Ok(None);
        }
        let data = core::mem::take(&mut self.buf);
        let aim = self.aim.take();
        self.reset();
        Ok(Some(match aim {
            Some(aim) => Frame {
                aim: Some(aim),
                data,
            },
            // No AIM field: the scanner may still prefix the data with one.
            None => Frame::from_scan_data(data),
        }))
    }
}

/// Splits scan data into reports of `layout`: the inverse of
/// [`HidPosDecoder`], for tests, fuzzing and device emulation. The AIM
/// identifier goes in the AIM field of every report.
///
/// ```
/// use bedside_scanner::decode::{Aim, hidpos::{encode_reports, HidPosLayout}};
/// let aim = Aim::parse(b"]d2").unwrap();
/// let reports = encode_reports(&HidPosLayout::STANDARD, Some(aim), &[b'1'; 99]);
/// assert_eq!(reports.len(), 2);
/// assert_eq!(reports[0][63], 1);
/// assert_eq!(reports[1][1], 43);
/// ```
pub fn encode_reports(layout: &HidPosLayout, aim: Option<Aim>, data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let chunk = layout.max_data.max(1);
    let mut chunks: Vec<&[u8]> = data.chunks(chunk).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let n = chunks.len();
    for (i, part) in chunks.into_iter().enumerate() {
        let mut r = alloc::vec![0u8; layout.report_len()];
        if let Some(id) = layout.report_id {
            r[0] = id;
        }
        r[layout.length_at] = u8::try_from(part.len()).unwrap_or(u8::MAX);
        if let (Some(at), Some(aim)) = (layout.aim_at, aim) {
            r[at..at + 3].copy_from_slice(&aim.to_bytes());
        }
        r[layout.data_at..layout.data_at + part.len()].copy_from_slice(part);
        if i + 1 < n {
            r[layout.continued_at] |= layout.continued_mask;
        }
        out.push(r);
    }
    out
}

/// Whether a HID report descriptor declares `page` as a usage page (0x8C for
/// a HID POS bar code scanner). Walks the short items; never panics.
///
/// ```
/// use bedside_scanner::decode::hidpos::has_usage_page;
/// // The descriptor of the emulated scanner used in the QEMU test.
/// let desc = [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00,
///             0x75, 0x08, 0x95, 0x3F, 0x09, 0xFE, 0x82, 0x02, 0x01, 0xC0];
/// assert!(has_usage_page(&desc, 0x8C));
/// assert!(!has_usage_page(&[0x05, 0x01, 0x09, 0x06], 0x8C)); // a keyboard
/// ```
pub fn has_usage_page(desc: &[u8], page: u16) -> bool {
    let mut i = 0;
    while let Some(&prefix) = desc.get(i) {
        if prefix == 0xFE {
            // Long item: size byte, tag byte, data.
            let size = desc.get(i + 1).map_or(0, |&s| usize::from(s));
            i += 3 + size;
            continue;
        }
        let size = match prefix & 3 {
            3 => 4,
            n => usize::from(n),
        };
        if prefix & 0xFC == 0x04 {
            let Some(data) = desc.get(i + 1..i + 1 + size) else {
                return false;
            };
            let mut v: u32 = 0;
            for (k, &b) in data.iter().enumerate() {
                v |= u32::from(b) << (8 * k);
            }
            if v == u32::from(page) {
                return true;
            }
        }
        i += 1 + size;
    }
    false
}
