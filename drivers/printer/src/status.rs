//! Printer status replies, parsed by pure functions: bytes in, typed status out.
//!
//! - `~HS` (host status): three `STX … ETX CR LF` strings of comma-separated fields.
//! - `~HQES` (host query, error status): `ERRORS:` and `WARNINGS:` lines, each a flag and
//!   two 8-digit hexadecimal groups.
//!
//! Every fault is a [`StatusError`] with the byte offset and the rule broken. A printer in
//! an error state may not answer at all; callers treat "no reply" as a possible fault (see
//! [`crate::job`]), never as "ready".

use std::fmt;

use thiserror::Error;

const STX: u8 = 0x02;
const ETX: u8 = 0x03;

/// The rule a status reply broke.
///
/// ```
/// use bedside_printer::status::{parse_host_status, StatusRule};
/// assert_eq!(parse_host_status(b"").unwrap_err().rule, StatusRule::MissingStx { line: 1 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusRule {
    /// A `~HS` string did not start with STX.
    MissingStx {
        /// 1-based string number.
        line: u8,
    },
    /// A `~HS` string did not end with ETX.
    MissingEtx {
        /// 1-based string number.
        line: u8,
    },
    /// A string had the wrong number of fields.
    FieldCount {
        /// 1-based string number.
        line: u8,
        /// Fields expected.
        expected: u8,
        /// Fields found.
        found: u8,
    },
    /// A field that must be digits is empty, too long or has a non-digit.
    NotNumber {
        /// 1-based string number.
        line: u8,
        /// 1-based field number.
        field: u8,
    },
    /// A flag field that is not `0` or `1`.
    NotFlag {
        /// 1-based string number.
        line: u8,
        /// 1-based field number.
        field: u8,
    },
    /// Bytes after the last expected string.
    TrailingData,
    /// `~HQES`: no `ERRORS:` line.
    MissingErrors,
    /// `~HQES`: no `WARNINGS:` line.
    MissingWarnings,
    /// `~HQES`: a line is not a flag and two 8-digit hexadecimal groups.
    BadGroups,
}

impl fmt::Display for StatusRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusRule::MissingStx { line } => write!(f, "string {line} does not start with STX"),
            StatusRule::MissingEtx { line } => write!(f, "string {line} does not end with ETX"),
            StatusRule::FieldCount {
                line,
                expected,
                found,
            } => write!(f, "string {line} has {found} fields, {expected} expected"),
            StatusRule::NotNumber { line, field } => {
                write!(f, "string {line} field {field} is not a number")
            }
            StatusRule::NotFlag { line, field } => {
                write!(f, "string {line} field {field} is not 0 or 1")
            }
            StatusRule::TrailingData => f.write_str("unexpected bytes after the reply"),
            StatusRule::MissingErrors => f.write_str("no ERRORS: line"),
            StatusRule::MissingWarnings => f.write_str("no WARNINGS: line"),
            StatusRule::BadGroups => {
                f.write_str("expected a flag and two 8-digit hexadecimal groups")
            }
        }
    }
}

/// A status reply that could not be read.
///
/// ```
/// use bedside_printer::status::parse_host_status;
/// let e = parse_host_status(b"\x02030,1\x03\r\n").unwrap_err();
/// assert_eq!(e.offset, 1);
/// assert!(e.to_string().contains("byte 1: string 1 has 2 fields, 12 expected"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("printer status reply, byte {offset}: {rule}")]
pub struct StatusError {
    /// Byte offset in the reply.
    pub offset: usize,
    /// The rule broken.
    pub rule: StatusRule,
}

/// How the printer delivers labels (`~HS` string 2, field `r`).
///
/// ```
/// assert_eq!(bedside_printer::status::PrintMode::from_digit(2), bedside_printer::status::PrintMode::TearOff);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintMode {
    /// 0: rewind.
    Rewind,
    /// 1: peel-off.
    PeelOff,
    /// 2: tear-off.
    TearOff,
    /// 3: cutter.
    Cutter,
    /// 4: applicator.
    Applicator,
    /// 5: delayed cut.
    DelayedCut,
    /// Any other value, kept.
    Other(u8),
}

impl PrintMode {
    /// From the `~HS` digit.
    ///
    /// ```
    /// assert_eq!(bedside_printer::status::PrintMode::from_digit(3), bedside_printer::status::PrintMode::Cutter);
    /// ```
    #[must_use]
    pub fn from_digit(d: u8) -> Self {
        match d {
            0 => PrintMode::Rewind,
            1 => PrintMode::PeelOff,
            2 => PrintMode::TearOff,
            3 => PrintMode::Cutter,
            4 => PrintMode::Applicator,
            5 => PrintMode::DelayedCut,
            other => PrintMode::Other(other),
        }
    }
}

/// A condition that stops a printer from printing a band now.
///
/// ```
/// assert_eq!(bedside_printer::status::Problem::PaperOut.to_string(), "out of wristbands (media out)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// Media out.
    PaperOut,
    /// Paused.
    Paused,
    /// Printhead open.
    HeadOpen,
    /// Ribbon out (thermal-transfer mode only).
    RibbonOut,
    /// Receive buffer full.
    BufferFull,
    /// Corrupt RAM (configuration lost).
    CorruptRam,
    /// Printhead too cold.
    UnderTemperature,
    /// Printhead too hot.
    OverTemperature,
    /// Cutter fault.
    CutterFault,
    /// Motor too hot.
    MotorOverTemperature,
    /// A bad printhead element.
    BadPrintheadElement,
    /// Printhead not detected.
    PrintheadDetection,
    /// An error bit this driver has no name for (the mask of group 1, group 2).
    OtherError(u32, u32),
    /// In diagnostic mode.
    DiagnosticMode,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::PaperOut => f.write_str("out of wristbands (media out)"),
            Problem::Paused => f.write_str("paused (press the pause button to resume)"),
            Problem::HeadOpen => f.write_str("printhead open (close the lid or cartridge)"),
            Problem::RibbonOut => f.write_str("ribbon out"),
            Problem::BufferFull => f.write_str("receive buffer full"),
            Problem::CorruptRam => f.write_str("configuration memory corrupt"),
            Problem::UnderTemperature => f.write_str("printhead too cold"),
            Problem::OverTemperature => f.write_str("printhead too hot"),
            Problem::CutterFault => f.write_str("cutter fault"),
            Problem::MotorOverTemperature => f.write_str("motor too hot"),
            Problem::BadPrintheadElement => f.write_str("printhead element failed"),
            Problem::PrintheadDetection => f.write_str("printhead not detected"),
            Problem::OtherError(g1, g2) => {
                write!(f, "printer error (codes {g2:08X} {g1:08X})")
            }
            Problem::DiagnosticMode => f.write_str("in diagnostic mode"),
        }
    }
}

/// The `~HS` host status.
///
/// ```
/// use bedside_printer::status::parse_host_status;
/// let reply = b"\x02030,0,0,1800,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n";
/// let s = parse_host_status(reply)?;
/// assert!(s.problems().is_empty());
/// assert_eq!(s.label_length_dots, 1800);
/// # Ok::<(), bedside_printer::status::StatusError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostStatus {
    /// String 1 `aaa`: communication settings.
    pub communication: u32,
    /// Media out.
    pub paper_out: bool,
    /// Paused.
    pub paused: bool,
    /// Label length in dots.
    pub label_length_dots: u32,
    /// Formats waiting in the receive buffer.
    pub formats_in_buffer: u32,
    /// Receive buffer full.
    pub buffer_full: bool,
    /// Communications diagnostic mode.
    pub diagnostic_mode: bool,
    /// A partial format is in progress.
    pub partial_format: bool,
    /// Corrupt RAM.
    pub corrupt_ram: bool,
    /// Under temperature.
    pub under_temperature: bool,
    /// Over temperature.
    pub over_temperature: bool,
    /// String 2 `mmm`: function settings.
    pub function_settings: u32,
    /// Printhead up (open).
    pub head_open: bool,
    /// Ribbon out.
    pub ribbon_out: bool,
    /// Thermal-transfer mode (direct thermal otherwise: wristbands are direct thermal).
    pub thermal_transfer: bool,
    /// Print mode.
    pub print_mode: PrintMode,
    /// Print width mode.
    pub print_width_mode: u8,
    /// A label is waiting (peel-off).
    pub label_waiting: bool,
    /// Labels remaining in the current batch.
    pub labels_remaining: u32,
    /// Graphics stored.
    pub graphics_stored: u32,
    /// String 3 `xxxx`: password.
    pub password: u32,
    /// Static RAM installed.
    pub static_ram: bool,
}

impl HostStatus {
    /// Everything that stops printing now (empty: ready).
    ///
    /// ```
    /// use bedside_printer::status::{parse_host_status, Problem};
    /// let reply = b"\x02030,1,1,1800,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,1,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n";
    /// assert_eq!(parse_host_status(reply)?.problems(), vec![Problem::PaperOut, Problem::Paused, Problem::HeadOpen]);
    /// # Ok::<(), bedside_printer::status::StatusError>(())
    /// ```
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        let flags = [
            (self.paper_out, Problem::PaperOut),
            (self.paused, Problem::Paused),
            (self.head_open, Problem::HeadOpen),
            (self.ribbon_out && self.thermal_transfer, Problem::RibbonOut),
            (self.buffer_full, Problem::BufferFull),
            (self.corrupt_ram, Problem::CorruptRam),
            (self.under_temperature, Problem::UnderTemperature),
            (self.over_temperature, Problem::OverTemperature),
            (self.diagnostic_mode, Problem::DiagnosticMode),
        ];
        for (on, problem) in flags {
            if on {
                p.push(problem);
            }
        }
        p
    }

    /// Whether the printer has finished everything it was sent: no format in the buffer,
    /// none half received, no batch in progress.
    ///
    /// ```
    /// use bedside_printer::status::parse_host_status;
    /// let reply = b"\x02030,0,0,1800,001,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,4,0,00000001,1,000\x03\r\n\x021234,0\x03\r\n";
    /// assert!(!parse_host_status(reply)?.is_idle());
    /// # Ok::<(), bedside_printer::status::StatusError>(())
    /// ```
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.formats_in_buffer == 0 && !self.partial_format && self.labels_remaining == 0
    }
}

struct Fields<'a> {
    line: u8,
    start: usize,
    fields: Vec<(usize, &'a [u8])>,
}

impl Fields<'_> {
    fn number(&self, field: u8, max_digits: usize) -> Result<u32, StatusError> {
        let (offset, f) = self.fields[usize::from(field - 1)];
        let rule = StatusRule::NotNumber {
            line: self.line,
            field,
        };
        if f.is_empty() || f.len() > max_digits || !f.iter().all(u8::is_ascii_digit) {
            return Err(StatusError { offset, rule });
        }
        Ok(f.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    }

    fn flag(&self, field: u8) -> Result<bool, StatusError> {
        let (offset, f) = self.fields[usize::from(field - 1)];
        match f {
            b"0" => Ok(false),
            b"1" => Ok(true),
            _ => Err(StatusError {
                offset,
                rule: StatusRule::NotFlag {
                    line: self.line,
                    field,
                },
            }),
        }
    }
}

/// Reads one `STX fields ETX [CR] [LF]` string at `pos`; returns the fields and the next
/// position.
fn string_at(
    bytes: &[u8],
    pos: usize,
    line: u8,
    expected: u8,
) -> Result<(Fields<'_>, usize), StatusError> {
    // Tolerate line ends (and NUL padding some interfaces add) before STX.
    let mut p = pos;
    while p < bytes.len() && matches!(bytes[p], b'\r' | b'\n' | 0) {
        p += 1;
    }
    if bytes.get(p) != Some(&STX) {
        return Err(StatusError {
            offset: p.min(bytes.len()),
            rule: StatusRule::MissingStx { line },
        });
    }
    let body_start = p + 1;
    let Some(len) = bytes[body_start..]
        .iter()
        .position(|&b| b == ETX || b == STX)
    else {
        return Err(StatusError {
            offset: bytes.len(),
            rule: StatusRule::MissingEtx { line },
        });
    };
    let end = body_start + len;
    if bytes[end] != ETX {
        return Err(StatusError {
            offset: end,
            rule: StatusRule::MissingEtx { line },
        });
    }
    let body = &bytes[body_start..end];
    let mut fields = Vec::new();
    let mut off = body_start;
    for f in body.split(|&b| b == b',') {
        fields.push((off, f));
        off += f.len() + 1;
    }
    if fields.len() != usize::from(expected) {
        return Err(StatusError {
            offset: body_start,
            rule: StatusRule::FieldCount {
                line,
                expected,
                found: u8::try_from(fields.len()).unwrap_or(u8::MAX),
            },
        });
    }
    let mut next = end + 1;
    if bytes.get(next) == Some(&b'\r') {
        next += 1;
    }
    if bytes.get(next) == Some(&b'\n') {
        next += 1;
    }
    Ok((
        Fields {
            line,
            start: body_start,
            fields,
        },
        next,
    ))
}

/// Parses a complete `~HS` reply (three strings).
///
/// ```
/// use bedside_printer::status::{parse_host_status, StatusRule};
/// let e = parse_host_status(b"\x02030,0,0,1800,000,0,0,0,000,0,0,0\x03\r\n").unwrap_err();
/// assert_eq!(e.rule, StatusRule::MissingStx { line: 2 });
/// ```
pub fn parse_host_status(bytes: &[u8]) -> Result<HostStatus, StatusError> {
    let (s1, p) = string_at(bytes, 0, 1, 12)?;
    let (s2, p) = string_at(bytes, p, 2, 11)?;
    let (s3, p) = string_at(bytes, p, 3, 2)?;
    let rest = &bytes[p..];
    if let Some(i) = rest.iter().position(|b| !matches!(b, b'\r' | b'\n' | 0)) {
        return Err(StatusError {
            offset: p + i,
            rule: StatusRule::TrailingData,
        });
    }
    let _ = (s1.start, s2.start, s3.start);
    Ok(HostStatus {
        communication: s1.number(1, 3)?,
        paper_out: s1.flag(2)?,
        paused: s1.flag(3)?,
        label_length_dots: s1.number(4, 5)?,
        formats_in_buffer: s1.number(5, 3)?,
        buffer_full: s1.flag(6)?,
        diagnostic_mode: s1.flag(7)?,
        partial_format: s1.flag(8)?,
        corrupt_ram: s1.flag(10)?,
        under_temperature: s1.flag(11)?,
        over_temperature: s1.flag(12)?,
        function_settings: s2.number(1, 3)?,
        head_open: s2.flag(3)?,
        ribbon_out: s2.flag(4)?,
        thermal_transfer: s2.flag(5)?,
        print_mode: PrintMode::from_digit(u8::try_from(s2.number(6, 1)?).unwrap_or(u8::MAX)),
        print_width_mode: u8::try_from(s2.number(7, 1)?).unwrap_or(u8::MAX),
        label_waiting: s2.flag(8)?,
        labels_remaining: s2.number(9, 8)?,
        graphics_stored: s2.number(11, 3)?,
        password: s3.number(1, 4)?,
        static_ram: s3.flag(2)?,
    })
    .and_then(|s| {
        // Fields documented as unused still have to be numbers.
        s1.number(9, 3)?;
        s2.number(2, 1)?;
        s2.number(10, 1)?;
        Ok(s)
    })
}

/// Known `~HQES` warning bits (group 1).
///
/// ```
/// assert_eq!(bedside_printer::status::Warning::CleanPrinthead.to_string(), "clean the printhead");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// Media needs calibrating.
    CalibrateMedia,
    /// Printhead needs cleaning.
    CleanPrinthead,
    /// Printhead needs replacing.
    ReplacePrinthead,
    /// Warning bits without a name here (group 1, group 2).
    Other(u32, u32),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::CalibrateMedia => f.write_str("calibrate the media"),
            Warning::CleanPrinthead => f.write_str("clean the printhead"),
            Warning::ReplacePrinthead => f.write_str("replace the printhead"),
            Warning::Other(g1, g2) => write!(f, "printer warning (codes {g2:08X} {g1:08X})"),
        }
    }
}

/// The `~HQES` error and warning status.
///
/// ```
/// use bedside_printer::status::{parse_error_status, Problem};
/// let reply = b"\x02\r\n\r\n  PRINTER STATUS\r\n   ERRORS:         1 00000000 00000005\r\n   WARNINGS:       0 00000000 00000000\r\n\x03\r\n";
/// let s = parse_error_status(reply)?;
/// assert_eq!(s.problems(), vec![Problem::PaperOut, Problem::HeadOpen]);
/// # Ok::<(), bedside_printer::status::StatusError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorStatus {
    /// The error flag.
    pub error_flag: bool,
    /// Error group 2.
    pub errors_group2: u32,
    /// Error group 1.
    pub errors_group1: u32,
    /// The warning flag.
    pub warning_flag: bool,
    /// Warning group 2.
    pub warnings_group2: u32,
    /// Warning group 1.
    pub warnings_group1: u32,
}

impl ErrorStatus {
    /// The errors, named where known; any unknown bit is still a problem.
    ///
    /// ```
    /// use bedside_printer::status::{ErrorStatus, Problem};
    /// let s = ErrorStatus { error_flag: true, errors_group2: 0, errors_group1: 0x1000, warning_flag: false, warnings_group2: 0, warnings_group1: 0 };
    /// assert_eq!(s.problems(), vec![Problem::OtherError(0x1000, 0)]);
    /// ```
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        let named = [
            (0x01, Problem::PaperOut),
            (0x02, Problem::RibbonOut),
            (0x04, Problem::HeadOpen),
            (0x08, Problem::CutterFault),
            (0x10, Problem::OverTemperature),
            (0x20, Problem::MotorOverTemperature),
            (0x40, Problem::BadPrintheadElement),
            (0x80, Problem::PrintheadDetection),
        ];
        let mut p = Vec::new();
        let mut known = 0;
        for (bit, problem) in named {
            known |= bit;
            if self.errors_group1 & bit != 0 {
                p.push(problem);
            }
        }
        let other = self.errors_group1 & !known;
        if other != 0 || self.errors_group2 != 0 || (self.error_flag && p.is_empty()) {
            p.push(Problem::OtherError(other, self.errors_group2));
        }
        p
    }

    /// The warnings (they do not stop printing).
    ///
    /// ```
    /// use bedside_printer::status::{ErrorStatus, Warning};
    /// let s = ErrorStatus { error_flag: false, errors_group2: 0, errors_group1: 0, warning_flag: true, warnings_group2: 0, warnings_group1: 2 };
    /// assert_eq!(s.warnings(), vec![Warning::CleanPrinthead]);
    /// ```
    #[must_use]
    pub fn warnings(&self) -> Vec<Warning> {
        let named = [
            (0x1, Warning::CalibrateMedia),
            (0x2, Warning::CleanPrinthead),
            (0x4, Warning::ReplacePrinthead),
        ];
        let mut w = Vec::new();
        for (bit, warning) in named {
            if self.warnings_group1 & bit != 0 {
                w.push(warning);
            }
        }
        let other = self.warnings_group1 & !0x7;
        if other != 0 || self.warnings_group2 != 0 {
            w.push(Warning::Other(other, self.warnings_group2));
        }
        w
    }
}

fn hex8(s: &[u8]) -> Option<u32> {
    if s.len() != 8 {
        return None;
    }
    s.iter().try_fold(0u32, |n, &b| {
        let d = char::from(b).to_digit(16)?;
        Some(n << 4 | d)
    })
}

/// `(flag, group2, group1)` from the text after `ERRORS:` / `WARNINGS:`.
fn groups(line: &[u8]) -> Option<(bool, u32, u32)> {
    let mut parts = line
        .split(|b| *b == b' ' || *b == b'\t')
        .filter(|p| !p.is_empty());
    let flag = match parts.next()? {
        b"0" => false,
        b"1" => true,
        _ => return None,
    };
    let g2 = hex8(parts.next()?)?;
    let g1 = hex8(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    Some((flag, g2, g1))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses a `~HQES` reply.
///
/// ```
/// use bedside_printer::status::{parse_error_status, StatusRule};
/// assert_eq!(parse_error_status(b"\x02 PRINTER STATUS\r\n\x03").unwrap_err().rule, StatusRule::MissingErrors);
/// ```
pub fn parse_error_status(bytes: &[u8]) -> Result<ErrorStatus, StatusError> {
    let line_after = |label: &[u8], missing: StatusRule| -> Result<(usize, &[u8]), StatusError> {
        let at = find(bytes, label).ok_or(StatusError {
            offset: bytes.len(),
            rule: missing,
        })?;
        let start = at + label.len();
        let len = bytes[start..]
            .iter()
            .position(|b| matches!(b, b'\r' | b'\n' | 0x03))
            .unwrap_or(bytes.len() - start);
        Ok((start, &bytes[start..start + len]))
    };
    let (eo, e) = line_after(b"ERRORS:", StatusRule::MissingErrors)?;
    let (wo, w) = line_after(b"WARNINGS:", StatusRule::MissingWarnings)?;
    let (ef, e2, e1) = groups(e).ok_or(StatusError {
        offset: eo,
        rule: StatusRule::BadGroups,
    })?;
    let (wf, w2, w1) = groups(w).ok_or(StatusError {
        offset: wo,
        rule: StatusRule::BadGroups,
    })?;
    Ok(ErrorStatus {
        error_flag: ef,
        errors_group2: e2,
        errors_group1: e1,
        warning_flag: wf,
        warnings_group2: w2,
        warnings_group1: w1,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const READY: &[u8] = b"\x02030,0,0,1800,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n";

    #[test]
    fn ready_and_every_flag() {
        let s = parse_host_status(READY).unwrap();
        assert!(s.problems().is_empty() && s.is_idle());
        assert_eq!(s.print_mode, PrintMode::TearOff);
        // Flip each flag in string 1 and 2 and see it reported.
        let cases: [(usize, Problem); 4] = [
            (5, Problem::PaperOut),
            (7, Problem::Paused),
            (0, Problem::HeadOpen),
            (1, Problem::BufferFull),
        ];
        for (i, want) in cases {
            let mut r = READY.to_vec();
            let at = match want {
                Problem::HeadOpen => 43,
                Problem::BufferFull => 18,
                _ => i,
            };
            r[at] = b'1';
            let s = parse_host_status(&r).unwrap();
            assert_eq!(s.problems(), vec![want], "{}", String::from_utf8_lossy(&r));
        }
    }

    #[test]
    fn ribbon_out_matters_only_in_thermal_transfer() {
        let mut r = READY.to_vec();
        r[45] = b'1'; // p: ribbon out
        assert!(parse_host_status(&r).unwrap().problems().is_empty());
        r[47] = b'1'; // q: thermal transfer
        assert_eq!(
            parse_host_status(&r).unwrap().problems(),
            vec![Problem::RibbonOut]
        );
    }

    #[test]
    fn faults_have_offsets() {
        let mut r = READY.to_vec();
        r[5] = b'7';
        assert_eq!(
            parse_host_status(&r).unwrap_err(),
            StatusError {
                offset: 5,
                rule: StatusRule::NotFlag { line: 1, field: 2 }
            }
        );
        let mut r = READY.to_vec();
        r.extend_from_slice(b"junk");
        assert_eq!(
            parse_host_status(&r).unwrap_err().rule,
            StatusRule::TrailingData
        );
        let r = &READY[..READY.len() - 5];
        assert_eq!(
            parse_host_status(r).unwrap_err().rule,
            StatusRule::MissingEtx { line: 3 }
        );
    }

    #[test]
    fn every_prefix_is_an_error_not_a_panic() {
        for n in 0..READY.len() - 2 {
            assert!(parse_host_status(&READY[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn hqes_unknown_bits_are_problems() {
        let r = b"\x02\r\n PRINTER STATUS\r\n ERRORS: 1 00000001 00000000\r\n WARNINGS: 1 00000000 00000009\r\n\x03\r\n";
        let s = parse_error_status(r).unwrap();
        assert_eq!(s.problems(), vec![Problem::OtherError(0, 1)]);
        assert_eq!(
            s.warnings(),
            vec![Warning::CalibrateMedia, Warning::Other(8, 0)]
        );
        let bad = b" ERRORS: 1 0000000G 00000000\r\n WARNINGS: 0 00000000 00000000";
        assert_eq!(
            parse_error_status(bad).unwrap_err().rule,
            StatusRule::BadGroups
        );
    }
}
