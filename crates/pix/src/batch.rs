//! HL7 v2 message files: split a file into its messages. Pure: bytes in, messages out.
//!
//! Three layouts are read: messages one after another (segments ending in CR, LF or CRLF);
//! the same inside the batch envelope `FHS` `BHS` … `BTS` `FTS` (HL7 v2 batch protocol,
//! each header and trailer optional, `BTS-1` — the message count — checked when given);
//! and MLLP frames (`0x0B` … `0x1C 0x0D`, as a capture of a live feed), decoded by
//! [`crate::mllp::Decoder`]. A UTF-8 byte-order mark and white space before the first
//! segment are skipped. Each message comes out with CR segment terminators, ready for
//! [`crate::er7::Message::parse`]; nothing is parsed or decoded here.
//!
//! ```
//! use bedside_pix::batch::{split, BatchError};
//! let file = b"FHS|^~\\&|PAS\r\nBHS|^~\\&|PAS\r\nMSH|^~\\&|A\r\nEVN|A04\r\nMSH|^~\\&|B\r\nBTS|2\r\nFTS|1\r\n";
//! assert_eq!(split(file)?, vec![b"MSH|^~\\&|A\rEVN|A04\r".to_vec(), b"MSH|^~\\&|B\r".to_vec()]);
//! assert_eq!(split(b"MSH|^~\\&|A\rBTS|3\r"), Err(BatchError::CountMismatch { declared: Some(3), found: 1 }));
//! # Ok::<(), BatchError>(())
//! ```

use crate::mllp::{Decoder, FrameError};

/// Largest single MLLP-framed message accepted in a file: 16 MiB.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// Why a file could not be split. `message` numbers are 1-based in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// No message at all.
    #[error("the file holds no HL7 message")]
    Empty,
    /// A segment other than a batch header came before the first MSH.
    #[error("a segment before the first MSH")]
    SegmentBeforeMsh,
    /// `FHS` or `BHS` after a message (or a second `FHS` inside a batch).
    #[error("batch header {segment} after message {after}")]
    MisplacedHeader {
        /// `FHS` or `BHS`.
        segment: &'static str,
        /// Messages before it.
        after: usize,
    },
    /// `BTS-1` does not count the messages in the batch (or is not a number).
    #[error("BTS-1: the batch trailer's message count is not the {found} messages in the batch")]
    CountMismatch {
        /// BTS-1 as a number, when it is one.
        declared: Option<usize>,
        /// Messages found.
        found: usize,
    },
    /// A message after the `BTS` batch trailer.
    #[error("message {message} comes after the BTS batch trailer")]
    AfterBatchTrailer {
        /// The message.
        message: usize,
    },
    /// Anything after the `FTS` file trailer.
    #[error("data after the FTS file trailer (after message {after})")]
    AfterFileTrailer {
        /// Messages before it.
        after: usize,
    },
    /// An MLLP framing fault in or before a message.
    #[error("message {message}: {source}")]
    Frame {
        /// The message being framed.
        message: usize,
        /// The framing fault.
        source: FrameError,
    },
}

impl BatchError {
    /// The 1-based message the fault is in, or 0 when it concerns the file or envelope.
    ///
    /// ```
    /// assert_eq!(bedside_pix::batch::BatchError::AfterBatchTrailer { message: 3 }.message(), 3);
    /// assert_eq!(bedside_pix::batch::BatchError::Empty.message(), 0);
    /// ```
    #[must_use]
    pub fn message(&self) -> usize {
        match self {
            Self::AfterBatchTrailer { message } | Self::Frame { message, .. } => *message,
            _ => 0,
        }
    }
}

fn skip_prefix(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

/// Whether a file looks like HL7 v2 rather than text: after a byte-order mark and white
/// space, an MLLP start block or `MSH`, `FHS` or `BHS` followed by a punctuation
/// character (the field separator).
///
/// ```
/// use bedside_pix::batch::looks_like_hl7;
/// assert!(looks_like_hl7(b"\xEF\xBB\xBF\r\nMSH|^~\\&|PAS"));
/// assert!(looks_like_hl7(b"\x0bMSH|^~\\&|"));
/// assert!(!looks_like_hl7(b"nhs_number,family\n"));
/// assert!(!looks_like_hl7(b"MSH1"));
/// ```
#[must_use]
pub fn looks_like_hl7(bytes: &[u8]) -> bool {
    let b = skip_prefix(bytes);
    if b.first() == Some(&crate::mllp::START_BLOCK) {
        return true;
    }
    matches!(
        (b.get(..3), b.get(3)),
        (Some(b"MSH" | b"FHS" | b"BHS"), Some(sep)) if sep.is_ascii_punctuation()
    )
}

/// Splits a file into its messages (see the module documentation). Never panics.
///
/// # Errors
/// The first envelope or framing fault.
pub fn split(bytes: &[u8]) -> Result<Vec<Vec<u8>>, BatchError> {
    let b = skip_prefix(bytes);
    if b.first() == Some(&crate::mllp::START_BLOCK) {
        return split_mllp(b);
    }
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut in_batch = false;
    let mut batch_closed = false;
    let mut file_closed = false;
    for line in b.split(|c| *c == b'\r' || *c == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let n = messages.len();
        if file_closed {
            return Err(BatchError::AfterFileTrailer { after: n });
        }
        let id = line.get(..3).unwrap_or(line);
        match id {
            b"MSH" => {
                if batch_closed {
                    return Err(BatchError::AfterBatchTrailer { message: n + 1 });
                }
                let mut m = line.to_vec();
                m.push(b'\r');
                messages.push(m);
            }
            b"FHS" | b"BHS" => {
                let fhs = id == b"FHS";
                if n > 0 || (fhs && in_batch) {
                    let segment = if fhs { "FHS" } else { "BHS" };
                    return Err(BatchError::MisplacedHeader { segment, after: n });
                }
                in_batch |= !fhs;
            }
            b"BTS" => {
                let sep = line.get(3).copied().unwrap_or(b'|');
                let count = line.split(|c| *c == sep).nth(1).unwrap_or_default();
                if !count.is_empty() {
                    let declared = core::str::from_utf8(count)
                        .ok()
                        .and_then(|c| c.trim().parse::<usize>().ok());
                    if declared != Some(n) {
                        return Err(BatchError::CountMismatch { declared, found: n });
                    }
                }
                batch_closed = true;
            }
            b"FTS" => file_closed = true,
            _ => match messages.last_mut() {
                Some(m) => {
                    m.extend_from_slice(line);
                    m.push(b'\r');
                }
                None => return Err(BatchError::SegmentBeforeMsh),
            },
        }
    }
    if messages.is_empty() {
        return Err(BatchError::Empty);
    }
    Ok(messages)
}

fn split_mllp(b: &[u8]) -> Result<Vec<Vec<u8>>, BatchError> {
    let mut d = Decoder::new(MAX_FRAME);
    d.push(b);
    let mut out = Vec::new();
    while let Some(frame) = d.pop() {
        match frame {
            Ok(f) => out.push(f),
            Err(source) => {
                return Err(BatchError::Frame {
                    message: out.len() + 1,
                    source,
                });
            }
        }
    }
    if let Some(source) = d.finish() {
        return Err(BatchError::Frame {
            message: out.len() + 1,
            source,
        });
    }
    if out.is_empty() {
        return Err(BatchError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_and_faults() {
        let two = b"MSH|^~\\&|A\nPID|1\nMSH|^~\\&|B\n";
        assert_eq!(split(two).unwrap().len(), 2);
        let framed = b"\x0bMSH|^~\\&|A\rPID|1\r\x1c\r\r\n\x0bMSH|^~\\&|B\r\x1c\r";
        assert_eq!(
            split(framed).unwrap(),
            vec![b"MSH|^~\\&|A\rPID|1\r".to_vec(), b"MSH|^~\\&|B\r".to_vec()]
        );
        assert!(matches!(
            split(b"\x0bMSH|^~\\&|A\r\x1c\r\x0bMSH"),
            Err(BatchError::Frame { message: 2, .. })
        ));
        assert_eq!(
            split(b"EVN|A04\rMSH|^~\\&|A\r"),
            Err(BatchError::SegmentBeforeMsh)
        );
        assert_eq!(split(b" \r\n"), Err(BatchError::Empty));
        assert_eq!(
            split(b"MSH|^~\\&|A\rFTS|1\rMSH|^~\\&|B\r"),
            Err(BatchError::AfterFileTrailer { after: 1 })
        );
        assert_eq!(
            split(b"MSH|^~\\&|A\rBTS|1\rMSH|^~\\&|B\r"),
            Err(BatchError::AfterBatchTrailer { message: 2 })
        );
        assert_eq!(
            split(b"MSH|^~\\&|A\rBHS|^~\\&\r"),
            Err(BatchError::MisplacedHeader {
                segment: "BHS",
                after: 1
            })
        );
        assert_eq!(
            split(b"BHS|^~\\&\rMSH|^~\\&|A\rBTS|x\r"),
            Err(BatchError::CountMismatch {
                declared: None,
                found: 1
            })
        );
    }
}
