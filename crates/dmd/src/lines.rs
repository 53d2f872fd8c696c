//! Line numbers from byte offsets, in flat memory.
//!
//! [`LineCounter`] wraps the input: every byte quick-xml consumes passes
//! through it, and the offsets of the newlines consumed but not yet behind the
//! parser's position are kept in a queue. The queue never holds more than the
//! newlines of one event (plus one read-ahead buffer), so memory stays flat
//! while [`LineCounter::line_at`] stays exact for any offset at or after the
//! last [`LineCounter::forget_before`].

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

pub(crate) struct LineCounter<R> {
    inner: R,
    /// Bytes consumed so far.
    consumed: u64,
    /// Newlines at offsets before `base_offset`, forgotten.
    base_lines: u64,
    /// Offsets of the newlines not yet forgotten, ascending.
    pending: VecDeque<u64>,
    /// Whether a leading byte order mark was skipped.
    bom_seen: bool,
}

impl<R> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineCounter {
            inner,
            consumed: 0,
            base_lines: 0,
            pending: VecDeque::new(),
            bom_seen: false,
        }
    }

    /// Forgets the newlines before `offset`; later queries must be at or
    /// after it.
    pub(crate) fn forget_before(&mut self, offset: u64) {
        while self.pending.front().is_some_and(|&nl| nl < offset) {
            self.pending.pop_front();
            self.base_lines += 1;
        }
    }

    /// The 1-based line of byte `offset` (at or after the last `forget_before`).
    pub(crate) fn line_at(&self, offset: u64) -> u32 {
        let before = self.pending.iter().take_while(|&&nl| nl < offset).count() as u64;
        u32::try_from(self.base_lines + before + 1).unwrap_or(u32::MAX)
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            self.pending.push_back(self.consumed + i as u64);
        }
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt == 0 {
            return;
        }
        // The bytes being consumed are the ones the last `fill_buf` returned,
        // still buffered: this call does no I/O.
        if let Ok(buf) = self.inner.fill_buf() {
            // quick-xml drops a leading UTF-8 byte order mark without counting
            // it in its offsets; do the same so that offsets agree.
            if self.consumed == 0 && !self.bom_seen && amt == 3 && buf.starts_with(b"\xEF\xBB\xBF")
            {
                self.bom_seen = true;
                self.inner.consume(amt);
                return;
            }
            let amt = amt.min(buf.len());
            for i in memchr::memchr_iter(b'\n', &buf[..amt]) {
                self.pending.push_back(self.consumed + i as u64);
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        let text = b"ab\ncd\n\nef";
        let mut c = LineCounter::new(&text[..]);
        let mut all = Vec::new();
        loop {
            let buf = c.fill_buf().unwrap_or_default();
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(2);
            all.extend_from_slice(&buf[..n]);
            c.consume(n);
        }
        assert_eq!(all, text);
        assert_eq!(c.line_at(0), 1);
        assert_eq!(c.line_at(2), 1);
        assert_eq!(c.line_at(3), 2);
        assert_eq!(c.line_at(6), 3);
        assert_eq!(c.line_at(7), 4);
        c.forget_before(4);
        assert_eq!(c.line_at(4), 2);
        assert_eq!(c.line_at(8), 4);
    }
}
