//! HID POS scanners through Linux hidraw (`/dev/hidrawN`): plain file reads,
//! no driver detach, report descriptor checked in sysfs. Also lists HID
//! devices from sysfs for discovery and `bedside scanner list`.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{FrameSink, NodeKind, TransportError, from_io};
use crate::FaultKind;
use crate::config::HidPosOptions;
use crate::decode::hidpos::{HidPosDecoder, HidPosError, has_usage_page};

/// Linux `O_NONBLOCK` (same value on every architecture Bedside targets).
pub(crate) const O_NONBLOCK: i32 = 0o4000;
const POLL: Duration = Duration::from_millis(5);

/// A hidraw node as described by sysfs.
///
/// ```
/// for n in bedside_scanner::transport::hidraw::list() {
///     println!("{} {:04x}:{:04x} hidpos={}", n.path.display(), n.vid, n.pid, n.hidpos);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HidrawNode {
    /// `/dev/hidrawN`.
    pub path: PathBuf,
    /// Vendor ID.
    pub vid: u16,
    /// Product ID.
    pub pid: u16,
    /// The device's serial number (`HID_UNIQ`), if any.
    pub serial: Option<String>,
    /// The device's name (`HID_NAME`).
    pub name: String,
    /// Whether its report descriptor has usage page 0x8C (HID POS scanner).
    pub hidpos: bool,
    /// Whether its report descriptor is a keyboard (usage page 1, usage 6).
    pub keyboard: bool,
}

fn sysfs_node(name: &str) -> Option<HidrawNode> {
    let dev = Path::new("/sys/class/hidraw").join(name).join("device");
    let uevent = std::fs::read_to_string(dev.join("uevent")).ok()?;
    let desc = std::fs::read(dev.join("report_descriptor")).unwrap_or_default();
    let mut vid = 0;
    let mut pid = 0;
    let mut serial = None;
    let mut hname = String::new();
    for line in uevent.lines() {
        if let Some(id) = line.strip_prefix("HID_ID=") {
            let mut parts = id.split(':').skip(1);
            vid = parts
                .next()
                .and_then(|v| u32::from_str_radix(v, 16).ok())
                .unwrap_or(0) as u16;
            pid = parts
                .next()
                .and_then(|v| u32::from_str_radix(v, 16).ok())
                .unwrap_or(0) as u16;
        } else if let Some(u) = line.strip_prefix("HID_UNIQ=") {
            serial = Some(u.to_owned()).filter(|s| !s.is_empty());
        } else if let Some(n) = line.strip_prefix("HID_NAME=") {
            hname = n.to_owned();
        }
    }
    Some(HidrawNode {
        path: Path::new("/dev").join(name),
        vid,
        pid,
        serial,
        name: hname,
        hidpos: has_usage_page(&desc, 0x8C),
        keyboard: desc.windows(4).any(|w| w == [0x05, 0x01, 0x09, 0x06]),
    })
}

/// Lists hidraw nodes from sysfs (empty where there is no sysfs).
///
/// ```
/// let _ = bedside_scanner::transport::hidraw::list();
/// ```
pub fn list() -> Vec<HidrawNode> {
    let Ok(dir) = std::fs::read_dir("/sys/class/hidraw") else {
        return Vec::new();
    };
    let mut v: Vec<HidrawNode> = dir
        .flatten()
        .filter_map(|e| sysfs_node(&e.file_name().to_string_lossy()))
        .collect();
    v.sort_by(|a, b| a.path.cmp(&b.path));
    v
}

/// An open HID POS scanner on hidraw.
///
/// ```no_run
/// let src = bedside_scanner::transport::hidraw::HidrawSource::open("/dev/hidraw0".as_ref(), &Default::default()).unwrap();
/// ```
#[derive(Debug)]
pub struct HidrawSource {
    file: File,
    path: String,
    decoder: HidPosDecoder,
    options: HidPosOptions,
    vid: Option<u16>,
}

impl HidrawSource {
    /// Opens `path` after checking in sysfs that it is a HID POS scanner.
    ///
    /// ```
    /// let e = bedside_scanner::transport::hidraw::HidrawSource::open("/dev/hidraw-none".as_ref(), &Default::default()).unwrap_err();
    /// assert!(matches!(e, bedside_scanner::transport::TransportError::NotFound { .. }));
    /// ```
    pub fn open(path: &Path, options: &HidPosOptions) -> Result<HidrawSource, TransportError> {
        let shown = path.display().to_string();
        let real =
            std::fs::canonicalize(path).map_err(|e| from_io(&shown, e, NodeKind::Hidraw, None))?;
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let node = sysfs_node(&name);
        if let Some(n) = &node
            && !n.hidpos
        {
            return Err(TransportError::NotScanner {
                what: shown,
                reason: if n.keyboard {
                    "a keyboard: the scanner is in keyboard-wedge mode (use evdev:, or switch it to HID POS)".into()
                } else {
                    "report descriptor has no HID POS usage page 0x8C".into()
                },
            });
        }
        let vid = node.as_ref().map(|n| n.vid);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&real)
            .map_err(|e| from_io(&shown, e, NodeKind::Hidraw, vid))?;
        Ok(HidrawSource {
            file,
            path: shown,
            decoder: HidPosDecoder::new(options.layout),
            options: options.clone(),
            vid,
        })
    }

    /// Reads reports until the device goes away (the error) or the sink asks
    /// to stop.
    ///
    /// ```no_run
    /// # use bedside_scanner::transport::FrameSink;
    /// # struct S; impl FrameSink for S { fn deliver(&mut self, _: Result<bedside_scanner::decode::Frame, bedside_scanner::FaultKind>) {} fn stop_requested(&self) -> bool { false } }
    /// # let mut src = bedside_scanner::transport::hidraw::HidrawSource::open("/dev/hidraw0".as_ref(), &Default::default()).unwrap();
    /// let err = src.run(&mut S).unwrap_err();
    /// ```
    pub fn run(&mut self, sink: &mut dyn FrameSink) -> Result<(), TransportError> {
        let mut buf = [0u8; 1024];
        let mut started = Instant::now();
        loop {
            if sink.stop_requested() {
                return Ok(());
            }
            match self.file.read(&mut buf) {
                Ok(0) => return Err(self.gone(sink, None)),
                Ok(n) => {
                    if !self.decoder.in_progress() {
                        started = Instant::now();
                    }
                    match self.decoder.push(&buf[..n]) {
                        Ok(Some(frame)) => {
                            sink.deliver(Ok(frame));
                            if !self.options.feedback.is_empty() {
                                let _ = self.file.write(&self.options.feedback);
                            }
                        }
                        Ok(None) | Err(HidPosError::ForeignReport { .. }) => {}
                        Err(e) => sink.deliver(Err(FaultKind::HidPos(e))),
                    }
                }
                Err(e)
                    if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted =>
                {
                    if self.decoder.in_progress()
                        && started.elapsed() >= self.options.gap
                        && let Some(e) = self.decoder.abort()
                    {
                        sink.deliver(Err(FaultKind::HidPos(e)));
                    }
                    std::thread::sleep(POLL);
                }
                Err(e) => return Err(self.gone(sink, Some(e))),
            }
        }
    }

    fn gone(&mut self, sink: &mut dyn FrameSink, e: Option<std::io::Error>) -> TransportError {
        if let Some(f) = self.decoder.abort() {
            sink.deliver(Err(FaultKind::HidPos(f)));
        }
        match e {
            None => TransportError::Disconnected {
                path: self.path.clone(),
            },
            Some(e) => from_io(&self.path, e, NodeKind::Hidraw, self.vid),
        }
    }
}
