//! Keyboard-wedge scanners through Linux evdev: `/dev/input/eventN` read as a
//! plain file, grabbed exclusively (EVIOCGRAB, through the `evdev` crate) so
//! the scanner's keystrokes do not also land in the focused application.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use super::hidraw::O_NONBLOCK;
use super::{FrameSink, NodeKind, TransportError, from_io};
use crate::FaultKind;
use crate::config::WedgeOptions;
use crate::decode::wedge::{EvdevDecoder, EventSize, WedgeDecoder};

const POLL: Duration = Duration::from_millis(5);

/// An open keyboard-wedge scanner.
///
/// ```no_run
/// let src = bedside_scanner::transport::evdev::WedgeSource::open("/dev/input/event3".as_ref(), &Default::default()).unwrap();
/// ```
pub struct WedgeSource {
    file: File,
    // Holds the grab: EVIOCGRAB belongs to the open file shared with `file`.
    _grab: Option<evdev::raw_stream::RawDevice>,
    path: String,
    events: EvdevDecoder,
    wedge: WedgeDecoder,
    gap: Duration,
}

impl std::fmt::Debug for WedgeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WedgeSource")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl WedgeSource {
    /// Opens `path` and, if `options.grab`, grabs it exclusively.
    ///
    /// ```
    /// let e = bedside_scanner::transport::evdev::WedgeSource::open("/dev/input/none".as_ref(), &Default::default()).unwrap_err();
    /// assert!(matches!(e, bedside_scanner::transport::TransportError::NotFound { .. }));
    /// ```
    pub fn open(path: &Path, options: &WedgeOptions) -> Result<WedgeSource, TransportError> {
        let shown = path.display().to_string();
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(path)
            .map_err(|e| from_io(&shown, e, NodeKind::Input, None))?;
        let grab = if options.grab {
            let dup = file
                .try_clone()
                .map_err(|e| from_io(&shown, e, NodeKind::Input, None))?;
            let mut raw = evdev::raw_stream::RawDevice::from_fd(OwnedFd::from(dup))
                .map_err(|e| from_io(&shown, e, NodeKind::Input, None))?;
            raw.grab().map_err(|e| match e.kind() {
                ErrorKind::ResourceBusy => TransportError::Busy {
                    path: shown.clone(),
                },
                _ => from_io(&shown, e, NodeKind::Input, None),
            })?;
            Some(raw)
        } else {
            None
        };
        Ok(WedgeSource {
            file,
            _grab: grab,
            path: shown,
            events: EvdevDecoder::new(EventSize::native()),
            wedge: WedgeDecoder::new(options.wedge),
            gap: options.gap,
        })
    }

    /// Reads key events until the device goes away (the error) or the sink
    /// asks to stop.
    ///
    /// ```no_run
    /// # use bedside_scanner::transport::FrameSink;
    /// # struct S; impl FrameSink for S { fn deliver(&mut self, _: Result<bedside_scanner::decode::Frame, bedside_scanner::FaultKind>) {} fn stop_requested(&self) -> bool { false } }
    /// # let mut src = bedside_scanner::transport::evdev::WedgeSource::open("/dev/input/event3".as_ref(), &Default::default()).unwrap();
    /// let err = src.run(&mut S).unwrap_err();
    /// ```
    pub fn run(&mut self, sink: &mut dyn FrameSink) -> Result<(), TransportError> {
        let mut buf = [0u8; 24 * 64];
        let mut keys = Vec::new();
        let mut last = Instant::now();
        loop {
            if sink.stop_requested() {
                return Ok(());
            }
            match self.file.read(&mut buf) {
                Ok(0) => return Err(self.gone(sink, None)),
                Ok(n) => {
                    last = Instant::now();
                    self.events.push(&buf[..n], &mut keys);
                    for k in keys.drain(..) {
                        if let Some(f) = self.wedge.key(k) {
                            sink.deliver(f.map_err(FaultKind::Wedge));
                        }
                    }
                }
                Err(e)
                    if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted =>
                {
                    if self.wedge.pending() > 0
                        && last.elapsed() >= self.gap
                        && let Some(f) = self.wedge.flush_idle()
                    {
                        sink.deliver(f.map_err(FaultKind::Wedge));
                    }
                    std::thread::sleep(POLL);
                }
                Err(e) => return Err(self.gone(sink, Some(e))),
            }
        }
    }

    fn gone(&mut self, sink: &mut dyn FrameSink, e: Option<std::io::Error>) -> TransportError {
        if self.wedge.pending() > 0 {
            let len = self.wedge.pending();
            let _ = self.wedge.flush_idle();
            sink.deliver(Err(FaultKind::Wedge(
                crate::decode::wedge::WedgeError::Incomplete { len },
            )));
        }
        match e {
            None => TransportError::Disconnected {
                path: self.path.clone(),
            },
            Some(e) => from_io(&self.path, e, NodeKind::Input, None),
        }
    }
}
