//! MLLP (release 1) framing as a pure, incremental codec: push bytes in, pop frames or
//! errors out. No I/O; the tokio transports in `net` feed it.
//!
//! A frame is `0x0B` + message + `0x1C 0x0D`. Whitespace (CR, LF, space, tab) between
//! frames is tolerated; any other byte outside a frame is reported once per run as
//! [`FrameError::DataOutsideFrame`]. A frame larger than the cap is reported and
//! discarded up to its end block. A `0x0B` inside a frame abandons the partial frame.
//! [`Decoder::finish`] reports a frame cut off by end of stream.
//!
//! ```
//! use bedside_pix::mllp::{encode, Decoder};
//! let mut d = Decoder::new(1024);
//! let wire = encode(b"MSH|^~\\&|A\r")?;
//! d.push(&wire[..5]);
//! assert!(d.pop().is_none());
//! d.push(&wire[5..]);
//! assert_eq!(d.pop(), Some(Ok(b"MSH|^~\\&|A\r".to_vec())));
//! # Ok::<(), bedside_pix::mllp::FrameError>(())
//! ```

/// Start block byte (VT).
pub const START_BLOCK: u8 = 0x0B;
/// End block byte (FS).
pub const END_BLOCK: u8 = 0x1C;
/// Carriage return that must follow the end block.
pub const CARRIAGE_RETURN: u8 = 0x0D;
/// Default frame size cap: 1 MiB.
pub const DEFAULT_MAX_FRAME: usize = 1024 * 1024;

/// Framing errors. Offsets count bytes from the start of the stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Bytes that are neither whitespace nor a start block appeared between frames.
    #[error("byte {offset}: data outside an MLLP frame (expected 0x0B start block)")]
    DataOutsideFrame {
        /// Stream offset of the first stray byte.
        offset: u64,
    },
    /// A frame grew past the size cap; it is discarded up to its end block.
    #[error("byte {offset}: MLLP frame exceeds the {limit}-byte cap")]
    FrameTooLarge {
        /// Stream offset of the frame's start block.
        offset: u64,
        /// The cap in bytes.
        limit: usize,
    },
    /// A start block appeared before the current frame's end block; the partial frame is dropped.
    #[error("byte {offset}: start block 0x0B inside an unfinished frame")]
    NestedStartBlock {
        /// Stream offset of the second start block.
        offset: u64,
    },
    /// The end block 0x1C was not followed by 0x0D.
    #[error("byte {offset}: end block 0x1C not followed by 0x0D")]
    BadEndBlock {
        /// Stream offset of the byte after 0x1C.
        offset: u64,
    },
    /// The stream ended inside a frame (missing end block).
    #[error("byte {offset}: stream ended inside an MLLP frame (missing 0x1C 0x0D)")]
    Truncated {
        /// Stream offset of the unfinished frame's start block.
        offset: u64,
    },
    /// The payload to encode contains a framing byte (0x0B or 0x1C).
    #[error("payload byte {offset}: framing byte 0x{byte:02X} cannot be sent inside an MLLP frame")]
    ForbiddenByte {
        /// Offset in the payload.
        offset: usize,
        /// The byte.
        byte: u8,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between frames. `garbage` is true while inside a reported run of stray bytes.
    Idle { garbage: bool },
    /// Inside a frame that started at `start` (stream offset of 0x0B).
    InFrame { start: u64 },
    /// Discarding an oversized frame until its end block.
    Discarding,
}

/// Incremental MLLP frame decoder.
///
/// ```
/// use bedside_pix::mllp::{Decoder, FrameError};
/// let mut d = Decoder::new(16);
/// d.push(b"xx\x0bMSH\x1c\r");
/// assert_eq!(d.pop(), Some(Err(FrameError::DataOutsideFrame { offset: 0 })));
/// assert_eq!(d.pop(), Some(Ok(b"MSH".to_vec())));
/// assert_eq!(d.pop(), None);
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Next unread index in `buf`.
    pos: usize,
    /// Content of the current frame.
    frame: Vec<u8>,
    state: State,
    max_frame: usize,
}

impl Decoder {
    /// A decoder that rejects frames whose content exceeds `max_frame` bytes.
    ///
    /// ```
    /// let d = bedside_pix::mllp::Decoder::new(bedside_pix::mllp::DEFAULT_MAX_FRAME);
    /// assert!(d.is_idle());
    /// ```
    #[must_use]
    pub fn new(max_frame: usize) -> Self {
        Self {
            buf: Vec::new(),
            base: 0,
            pos: 0,
            frame: Vec::new(),
            state: State::Idle { garbage: false },
            max_frame,
        }
    }

    /// Appends received bytes.
    ///
    /// ```
    /// let mut d = bedside_pix::mllp::Decoder::new(64);
    /// d.push(b"\x0b");
    /// assert!(!d.is_idle());
    /// ```
    pub fn push(&mut self, bytes: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// True when no partial frame or unread byte is pending: the stream may end here.
    ///
    /// ```
    /// let mut d = bedside_pix::mllp::Decoder::new(64);
    /// d.push(b"\x0bA\x1c\r");
    /// assert!(!d.is_idle());
    /// let _ = d.pop();
    /// assert!(d.is_idle());
    /// ```
    #[must_use]
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle { .. }) && self.pos >= self.buf.len()
    }

    /// True when bytes were received beyond the last frame popped (for a strictly
    /// request/response connection that means an unsolicited or late message).
    ///
    /// ```
    /// let mut d = bedside_pix::mllp::Decoder::new(64);
    /// d.push(b"\x0bA\x1c\r\x0bB");
    /// let _ = d.pop();
    /// assert!(d.has_pending_data());
    /// ```
    #[must_use]
    pub fn has_pending_data(&self) -> bool {
        !matches!(self.state, State::Idle { .. })
            || self.buf[self.pos.min(self.buf.len())..]
                .iter()
                .any(|b| !matches!(*b, b'\r' | b'\n' | b' ' | b'\t'))
    }

    /// Pops the next complete frame (its content without framing bytes) or framing error.
    /// Returns `None` when more bytes are needed.
    ///
    /// ```
    /// use bedside_pix::mllp::{Decoder, FrameError};
    /// let mut d = Decoder::new(64);
    /// d.push(b"\x0bA\x1cX");
    /// assert_eq!(d.pop(), Some(Err(FrameError::BadEndBlock { offset: 3 })));
    /// ```
    pub fn pop(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        while self.pos < self.buf.len() {
            let off = self.base + self.pos as u64;
            let b = self.buf[self.pos];
            match self.state {
                State::Idle { garbage } => {
                    if b == START_BLOCK {
                        self.state = State::InFrame { start: off };
                        self.frame.clear();
                        self.pos += 1;
                    } else if matches!(b, b'\r' | b'\n' | b' ' | b'\t') {
                        self.pos += 1;
                    } else {
                        self.pos += 1;
                        if !garbage {
                            self.state = State::Idle { garbage: true };
                            return Some(Err(FrameError::DataOutsideFrame { offset: off }));
                        }
                    }
                }
                State::InFrame { start } => {
                    let rest = &self.buf[self.pos..];
                    let stop = rest
                        .iter()
                        .position(|c| *c == END_BLOCK || *c == START_BLOCK);
                    let take = stop.unwrap_or(rest.len());
                    if self.frame.len() + take > self.max_frame {
                        self.state = State::Discarding;
                        self.frame.clear();
                        return Some(Err(FrameError::FrameTooLarge {
                            offset: start,
                            limit: self.max_frame,
                        }));
                    }
                    self.frame.extend_from_slice(&rest[..take]);
                    self.pos += take;
                    stop?;
                    let marker = self.buf[self.pos];
                    let moff = self.base + self.pos as u64;
                    if marker == START_BLOCK {
                        self.frame.clear();
                        self.state = State::InFrame { start: moff };
                        self.pos += 1;
                        return Some(Err(FrameError::NestedStartBlock { offset: moff }));
                    }
                    // END_BLOCK: need the following byte.
                    if self.pos + 1 >= self.buf.len() {
                        return None;
                    }
                    let next = self.buf[self.pos + 1];
                    if next == CARRIAGE_RETURN {
                        self.pos += 2;
                        self.state = State::Idle { garbage: false };
                        return Some(Ok(core::mem::take(&mut self.frame)));
                    }
                    self.pos += 1;
                    self.frame.clear();
                    self.state = State::Idle { garbage: false };
                    return Some(Err(FrameError::BadEndBlock { offset: moff + 1 }));
                }
                State::Discarding => {
                    let rest = &self.buf[self.pos..];
                    match rest
                        .windows(2)
                        .position(|w| w == [END_BLOCK, CARRIAGE_RETURN])
                    {
                        Some(p) => {
                            self.pos += p + 2;
                            self.state = State::Idle { garbage: false };
                        }
                        None => {
                            // Keep a trailing END_BLOCK in case its CR comes next.
                            let keep = usize::from(rest.last() == Some(&END_BLOCK));
                            self.pos = self.buf.len() - keep;
                            return None;
                        }
                    }
                }
            }
        }
        None
    }

    /// Reports a frame cut off by the end of the stream (call when the peer closes).
    ///
    /// ```
    /// use bedside_pix::mllp::{Decoder, FrameError};
    /// let mut d = Decoder::new(64);
    /// d.push(b"\x0bMSH|");
    /// assert_eq!(d.pop(), None);
    /// assert_eq!(d.finish(), Some(FrameError::Truncated { offset: 0 }));
    /// ```
    pub fn finish(&mut self) -> Option<FrameError> {
        let state = self.state;
        self.state = State::Idle { garbage: false };
        self.frame.clear();
        match state {
            State::InFrame { start } => Some(FrameError::Truncated { offset: start }),
            State::Discarding => Some(FrameError::Truncated {
                offset: self.base + self.pos as u64,
            }),
            State::Idle { .. } => None,
        }
    }
}

/// Wraps a message in an MLLP frame. Fails if the payload holds 0x0B or 0x1C.
///
/// ```
/// assert_eq!(bedside_pix::mllp::encode(b"A\r")?, b"\x0bA\r\x1c\r");
/// assert!(bedside_pix::mllp::encode(b"A\x1c").is_err());
/// # Ok::<(), bedside_pix::mllp::FrameError>(())
/// ```
pub fn encode(payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    if let Some(i) = payload
        .iter()
        .position(|b| *b == START_BLOCK || *b == END_BLOCK)
    {
        return Err(FrameError::ForbiddenByte {
            offset: i,
            byte: payload[i],
        });
    }
    let mut out = Vec::with_capacity(payload.len() + 3);
    out.push(START_BLOCK);
    out.extend_from_slice(payload);
    out.push(END_BLOCK);
    out.push(CARRIAGE_RETURN);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_by_byte() -> Result<(), FrameError> {
        let wire = [encode(b"ONE\r")?, encode(b"TWO\r")?].concat();
        let mut d = Decoder::new(64);
        let mut got = Vec::new();
        for b in &wire {
            d.push(&[*b]);
            while let Some(f) = d.pop() {
                got.push(f);
            }
        }
        assert_eq!(got, vec![Ok(b"ONE\r".to_vec()), Ok(b"TWO\r".to_vec())]);
        assert!(d.is_idle());
        assert_eq!(d.finish(), None);
        Ok(())
    }

    #[test]
    fn oversize_then_resync() {
        let mut d = Decoder::new(4);
        d.push(b"\x0b123456789\x1c\r\x0bok\x1c\r");
        assert_eq!(
            d.pop(),
            Some(Err(FrameError::FrameTooLarge {
                offset: 0,
                limit: 4
            }))
        );
        assert_eq!(d.pop(), Some(Ok(b"ok".to_vec())));
    }

    #[test]
    fn nested_start() {
        let mut d = Decoder::new(64);
        d.push(b"\x0babc\x0bdef\x1c\r");
        assert_eq!(
            d.pop(),
            Some(Err(FrameError::NestedStartBlock { offset: 4 }))
        );
        assert_eq!(d.pop(), Some(Ok(b"def".to_vec())));
    }

    #[test]
    fn discarding_split_end() {
        let mut d = Decoder::new(2);
        d.push(b"\x0b12345\x1c");
        assert!(matches!(
            d.pop(),
            Some(Err(FrameError::FrameTooLarge { .. }))
        ));
        assert_eq!(d.pop(), None);
        d.push(b"\r\x0bab\x1c\r");
        assert_eq!(d.pop(), Some(Ok(b"ab".to_vec())));
    }
}
