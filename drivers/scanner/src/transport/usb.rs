//! HID POS scanners over `nusb`. On Linux the usbhid driver is detached from
//! the scanner's HID interface (and re-attached when the source is dropped).
//! On Windows and macOS the OS owns HID interfaces and nusb cannot claim
//! them: use an OS-HID backend there (hidraw on Linux is [`super::hidraw`]).

use std::time::{Duration, Instant};

use nusb::MaybeFuture;
use nusb::descriptors::TransferType;
use nusb::transfer::{
    ControlIn, ControlOut, ControlType, Direction, In, Interrupt, Recipient, TransferError,
};

use super::{FrameSink, NodeKind, TransportError, udev_rule};
use crate::FaultKind;
use crate::config::HidPosOptions;
use crate::decode::hidpos::{HidPosDecoder, has_usage_page};

const POLL: Duration = Duration::from_millis(50);

/// A USB device as listed by nusb, reduced to what the driver needs.
///
/// ```
/// for d in bedside_scanner::transport::usb::list() {
///     println!("{:04x}:{:04x} {:?} hid={}", d.vid, d.pid, d.product, d.has_hid);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbDevice {
    /// Vendor ID.
    pub vid: u16,
    /// Product ID.
    pub pid: u16,
    /// Serial number string, if the device has one.
    pub serial: Option<String>,
    /// Manufacturer string.
    pub manufacturer: Option<String>,
    /// Product string.
    pub product: Option<String>,
    /// Bus and port chain (stable while the cable stays in the same port).
    pub port_path: String,
    /// Whether it has a HID interface (class 3).
    pub has_hid: bool,
    /// Whether it has a CDC interface (class 2 or 10).
    pub has_cdc: bool,
    /// Whether one HID interface is a boot keyboard (3/1/1): keyboard-wedge mode.
    pub keyboard: bool,
}

fn describe(d: &nusb::DeviceInfo) -> UsbDevice {
    let chain: Vec<String> = d.port_chain().iter().map(u8::to_string).collect();
    UsbDevice {
        vid: d.vendor_id(),
        pid: d.product_id(),
        serial: d.serial_number().map(str::to_owned),
        manufacturer: d.manufacturer_string().map(str::to_owned),
        product: d.product_string().map(str::to_owned),
        port_path: format!("{}-{}", d.bus_id(), chain.join(".")),
        has_hid: d.interfaces().any(|i| i.class() == 3),
        has_cdc: d.interfaces().any(|i| i.class() == 2 || i.class() == 10),
        keyboard: d
            .interfaces()
            .any(|i| i.class() == 3 && i.subclass() == 1 && i.protocol() == 1),
    }
}

/// Lists USB devices (empty when USB enumeration is unavailable).
///
/// ```
/// let _ = bedside_scanner::transport::usb::list();
/// ```
pub fn list() -> Vec<UsbDevice> {
    match nusb::list_devices().wait() {
        Ok(it) => it.map(|d| describe(&d)).collect(),
        Err(_) => Vec::new(),
    }
}

/// Watches for USB hotplug events; each event calls `wake`. Returns `false`
/// if the OS offers no watcher. On Linux the watcher needs a running udev
/// daemon: without one it is silent, so callers must also re-list periodically.
///
/// ```no_run
/// bedside_scanner::transport::usb::watch(|| println!("USB changed"));
/// ```
pub fn watch(wake: impl Fn() + Send + 'static) -> bool {
    let Ok(mut w) = nusb::watch_devices() else {
        return false;
    };
    std::thread::Builder::new()
        .name("bedside-usb-hotplug".into())
        .spawn(move || {
            use futures_lite::StreamExt;
            while futures_lite::future::block_on(w.next()).is_some() {
                wake();
            }
        })
        .is_ok()
}

fn nusb_err(what: &str, e: nusb::Error, vid: u16) -> TransportError {
    match e.kind() {
        nusb::ErrorKind::PermissionDenied => TransportError::PermissionDenied {
            path: what.to_owned(),
            fix: udev_rule(NodeKind::Usb, Some(vid)),
        },
        nusb::ErrorKind::Busy => TransportError::Busy {
            path: what.to_owned(),
        },
        nusb::ErrorKind::Disconnected => TransportError::Disconnected {
            path: what.to_owned(),
        },
        nusb::ErrorKind::NotFound => TransportError::NotFound {
            path: what.to_owned(),
        },
        nusb::ErrorKind::Unsupported => TransportError::Unsupported {
            what: "claiming a HID interface with nusb (use the OS HID backend)",
        },
        _ => TransportError::Io {
            path: what.to_owned(),
            kind: std::io::ErrorKind::Other,
            message: e.to_string(),
        },
    }
}

/// An open HID POS scanner on USB.
///
/// ```no_run
/// use bedside_scanner::transport::usb::HidPosSource;
/// let src = HidPosSource::open(0x0c2e, 0x0b61, None, &Default::default()).unwrap();
/// println!("{}", src.description());
/// ```
pub struct HidPosSource {
    interface: nusb::Interface,
    endpoint: nusb::Endpoint<Interrupt, In>,
    decoder: HidPosDecoder,
    options: HidPosOptions,
    what: String,
    description: String,
}

impl std::fmt::Debug for HidPosSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HidPosSource")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

impl HidPosSource {
    /// Finds the device with `vid`:`pid` (and `serial`), claims its HID
    /// interface whose report descriptor has usage page 0x8C, and opens the
    /// interrupt IN endpoint.
    ///
    /// ```no_run
    /// let e = bedside_scanner::transport::usb::HidPosSource::open(0xffff, 0xffff, None, &Default::default()).unwrap_err();
    /// assert!(matches!(e, bedside_scanner::transport::TransportError::NotFound { .. }));
    /// ```
    pub fn open(
        vid: u16,
        pid: u16,
        serial: Option<&str>,
        options: &HidPosOptions,
    ) -> Result<HidPosSource, TransportError> {
        let what = format!("usb:{vid:04x}:{pid:04x}");
        let info = nusb::list_devices()
            .wait()
            .map_err(|e| nusb_err(&what, e, vid))?
            .find(|d| {
                d.vendor_id() == vid
                    && d.product_id() == pid
                    && serial.is_none_or(|s| d.serial_number() == Some(s))
            })
            .ok_or_else(|| TransportError::NotFound { path: what.clone() })?;
        let device = info.open().wait().map_err(|e| nusb_err(&what, e, vid))?;
        let hid: Vec<u8> = info
            .interfaces()
            .filter(|i| i.class() == 3)
            .map(|i| i.interface_number())
            .collect();
        let mut last_err = TransportError::NotScanner {
            what: what.clone(),
            reason: "no HID interface: not in HID POS mode".into(),
        };
        for n in hid {
            let interface = match device.detach_and_claim_interface(n).wait() {
                Ok(i) => i,
                Err(e) => {
                    last_err = nusb_err(&what, e, vid);
                    continue;
                }
            };
            let desc = interface
                .control_in(
                    ControlIn {
                        control_type: ControlType::Standard,
                        recipient: Recipient::Interface,
                        request: 0x06,
                        value: 0x2200,
                        index: u16::from(n),
                        length: 1024,
                    },
                    Duration::from_secs(1),
                )
                .wait()
                .unwrap_or_default();
            if !has_usage_page(&desc, 0x8C) {
                last_err = TransportError::NotScanner {
                    what: what.clone(),
                    reason: "HID interface without usage page 0x8C: the scanner is in keyboard-wedge (or another) mode; scan its HID POS programming barcode".into(),
                };
                continue;
            }
            let Some(addr) = interface.descriptor().and_then(|d| {
                d.endpoints()
                    .find(|e| {
                        e.transfer_type() == TransferType::Interrupt
                            && e.direction() == Direction::In
                    })
                    .map(|e| e.address())
            }) else {
                continue;
            };
            let mut endpoint = interface
                .endpoint::<Interrupt, In>(addr)
                .map_err(|e| nusb_err(&what, e, vid))?;
            let mps = endpoint.max_packet_size().max(1);
            let len = options.layout.report_len().div_ceil(mps) * mps;
            for _ in 0..2 {
                let buf = endpoint.allocate(len);
                endpoint.submit(buf);
            }
            let description = format!(
                "{} {} (HID POS, interface {n})",
                info.manufacturer_string().unwrap_or("?"),
                info.product_string().unwrap_or("?")
            );
            return Ok(HidPosSource {
                interface,
                endpoint,
                decoder: HidPosDecoder::new(options.layout),
                options: options.clone(),
                what,
                description,
            });
        }
        Err(last_err)
    }

    /// Manufacturer, product and interface, for status messages.
    ///
    /// ```no_run
    /// # let src = bedside_scanner::transport::usb::HidPosSource::open(0x0c2e, 0x0b61, None, &Default::default()).unwrap();
    /// println!("{}", src.description());
    /// ```
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Reads reports until the device goes away (the error) or the sink asks
    /// to stop. A scan cut short by a disconnect or a missing continuation
    /// report is reported as a fault.
    ///
    /// ```no_run
    /// # use bedside_scanner::transport::FrameSink;
    /// # struct S; impl FrameSink for S { fn deliver(&mut self, _: Result<bedside_scanner::decode::Frame, bedside_scanner::FaultKind>) {} fn stop_requested(&self) -> bool { false } }
    /// # let mut src = bedside_scanner::transport::usb::HidPosSource::open(0x0c2e, 0x0b61, None, &Default::default()).unwrap();
    /// let err = src.run(&mut S).unwrap_err();
    /// ```
    pub fn run(&mut self, sink: &mut dyn FrameSink) -> Result<(), TransportError> {
        let mut started = Instant::now();
        loop {
            if sink.stop_requested() {
                return Ok(());
            }
            if self.decoder.in_progress()
                && started.elapsed() >= self.options.gap
                && let Some(e) = self.decoder.abort()
            {
                sink.deliver(Err(FaultKind::HidPos(e)));
            }
            let Some(c) = self.endpoint.wait_next_complete(POLL) else {
                continue;
            };
            match c.status {
                Ok(()) => {
                    if !self.decoder.in_progress() {
                        started = Instant::now();
                    }
                    let report: &[u8] = &c.buffer;
                    match self.decoder.push(report) {
                        Ok(Some(frame)) => {
                            sink.deliver(Ok(frame));
                            self.feedback();
                        }
                        Ok(None) => {}
                        Err(crate::decode::hidpos::HidPosError::ForeignReport { .. }) => {}
                        Err(e) => sink.deliver(Err(FaultKind::HidPos(e))),
                    }
                    let mut buf = c.buffer;
                    buf.clear();
                    self.endpoint.submit(buf);
                }
                Err(TransferError::Cancelled) => {
                    let mut buf = c.buffer;
                    buf.clear();
                    self.endpoint.submit(buf);
                }
                Err(e) => {
                    if let Some(f) = self.decoder.abort() {
                        sink.deliver(Err(FaultKind::HidPos(f)));
                    }
                    return Err(match e {
                        TransferError::Disconnected => TransportError::Disconnected {
                            path: self.what.clone(),
                        },
                        other => TransportError::Io {
                            path: self.what.clone(),
                            kind: std::io::ErrorKind::Other,
                            message: other.to_string(),
                        },
                    });
                }
            }
        }
    }

    fn feedback(&self) {
        if self.options.feedback.is_empty() {
            return;
        }
        let id = self.options.feedback[0];
        // HID SET_REPORT (output): best effort, a failed beep is not a failed scan.
        let _ = self
            .interface
            .control_out(
                ControlOut {
                    control_type: ControlType::Class,
                    recipient: Recipient::Interface,
                    request: 0x09,
                    value: 0x0200 | u16::from(id),
                    index: u16::from(self.interface.interface_number()),
                    data: &self.options.feedback,
                },
                Duration::from_millis(200),
            )
            .wait();
    }
}
