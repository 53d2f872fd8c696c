//! Serial scanners (RS-232, USB CDC-ACM, FTDI and other USB-serial adapters)
//! through `serialport`, built without libudev (ports are listed from sysfs).

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use serialport::SerialPort;

use super::{FrameSink, NodeKind, TransportError, from_io};
use crate::FaultKind;
use crate::config::{Flow, Parity, SerialSettings};
use crate::decode::serial::SerialFramer;

/// How long one read waits before the transport checks its timers.
const POLL: Duration = Duration::from_millis(20);

/// An open serial scanner.
///
/// ```no_run
/// use bedside_scanner::config::SerialSettings;
/// use bedside_scanner::transport::serial::SerialSource;
/// let src = SerialSource::open("/dev/ttyACM0", &SerialSettings::default()).unwrap();
/// assert_eq!(src.path(), "/dev/ttyACM0");
/// ```
pub struct SerialSource {
    port: Box<dyn SerialPort>,
    path: String,
    framer: SerialFramer,
    gap: Duration,
    vid: Option<u16>,
}

impl std::fmt::Debug for SerialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialSource")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn map_err(path: &str, e: serialport::Error, vid: Option<u16>) -> TransportError {
    match e.kind() {
        serialport::ErrorKind::NoDevice => TransportError::NotFound {
            path: path.to_owned(),
        },
        serialport::ErrorKind::Io(kind) => from_io(
            path,
            std::io::Error::new(kind, e.description),
            NodeKind::Tty,
            vid,
        ),
        _ => TransportError::Io {
            path: path.to_owned(),
            kind: ErrorKind::Other,
            message: e.description,
        },
    }
}

impl SerialSource {
    /// Opens `path` with `settings` (exclusive access).
    ///
    /// ```
    /// use bedside_scanner::transport::{serial::SerialSource, TransportError};
    /// let e = SerialSource::open("/dev/does-not-exist", &Default::default()).unwrap_err();
    /// assert!(matches!(e, TransportError::NotFound { .. }));
    /// ```
    pub fn open(path: &str, settings: &SerialSettings) -> Result<SerialSource, TransportError> {
        SerialSource::open_with_vendor(path, settings, None)
    }

    /// As [`open`](Self::open); `vid` goes into the udev rule of a permission error.
    ///
    /// ```
    /// use bedside_scanner::transport::serial::SerialSource;
    /// assert!(SerialSource::open_with_vendor("/dev/does-not-exist", &Default::default(), Some(0x0c2e)).is_err());
    /// ```
    pub fn open_with_vendor(
        path: &str,
        settings: &SerialSettings,
        vid: Option<u16>,
    ) -> Result<SerialSource, TransportError> {
        if !std::path::Path::new(path).exists() && cfg!(unix) {
            return Err(TransportError::NotFound {
                path: path.to_owned(),
            });
        }
        let port = serialport::new(path, settings.baud)
            .data_bits(match settings.data_bits {
                5 => serialport::DataBits::Five,
                6 => serialport::DataBits::Six,
                7 => serialport::DataBits::Seven,
                _ => serialport::DataBits::Eight,
            })
            .parity(match settings.parity {
                Parity::None => serialport::Parity::None,
                Parity::Odd => serialport::Parity::Odd,
                Parity::Even => serialport::Parity::Even,
            })
            .stop_bits(if settings.stop_bits == 2 {
                serialport::StopBits::Two
            } else {
                serialport::StopBits::One
            })
            .flow_control(match settings.flow {
                Flow::None => serialport::FlowControl::None,
                Flow::Hardware => serialport::FlowControl::Hardware,
                Flow::Software => serialport::FlowControl::Software,
            })
            .timeout(POLL)
            .open()
            .map_err(|e| map_err(path, e, vid))?;
        Ok(SerialSource {
            port,
            path: path.to_owned(),
            framer: SerialFramer::new(settings.framing.clone()),
            gap: settings.gap,
            vid,
        })
    }

    /// The port's path.
    ///
    /// ```no_run
    /// # let src = bedside_scanner::transport::serial::SerialSource::open("/dev/ttyACM0", &Default::default()).unwrap();
    /// println!("{}", src.path());
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Reads until the port fails (returned as the error) or the sink asks to
    /// stop (`Ok`). A frame in progress when the port fails is reported as a
    /// fault, never delivered.
    ///
    /// ```no_run
    /// # use bedside_scanner::transport::{serial::SerialSource, FrameSink};
    /// # struct S; impl FrameSink for S { fn deliver(&mut self, _: Result<bedside_scanner::decode::Frame, bedside_scanner::FaultKind>) {} fn stop_requested(&self) -> bool { false } }
    /// let mut src = SerialSource::open("/dev/ttyACM0", &Default::default()).unwrap();
    /// let err = src.run(&mut S).unwrap_err();
    /// eprintln!("scanner gone: {err}");
    /// ```
    pub fn run(&mut self, sink: &mut dyn FrameSink) -> Result<(), TransportError> {
        let mut buf = [0u8; 4096];
        let mut frames = Vec::new();
        let mut last = Instant::now();
        loop {
            if sink.stop_requested() {
                return Ok(());
            }
            match self.port.read(&mut buf) {
                Ok(0) => return Err(self.gone(sink, None)),
                Ok(n) => {
                    last = Instant::now();
                    self.framer.push(&buf[..n], &mut frames);
                    for f in frames.drain(..) {
                        sink.deliver(f.map_err(FaultKind::Serial));
                    }
                }
                Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                    if self.framer.pending() > 0
                        && last.elapsed() >= self.gap
                        && let Some(f) = self.framer.flush_idle()
                    {
                        sink.deliver(f.map_err(FaultKind::Serial));
                    }
                }
                Err(e) => return Err(self.gone(sink, Some(e))),
            }
        }
    }

    fn gone(&mut self, sink: &mut dyn FrameSink, e: Option<std::io::Error>) -> TransportError {
        if let Some(f) = self.framer.flush_idle() {
            // Even with no suffix configured, bytes cut off by a disconnect
            // are not a whole scan.
            let fault = match f {
                Ok(frame) => crate::decode::serial::SerialError::Incomplete {
                    len: frame.data.len() + if frame.aim.is_some() { 3 } else { 0 },
                },
                Err(e) => e,
            };
            sink.deliver(Err(FaultKind::Serial(fault)));
        }
        match e {
            None => TransportError::Disconnected {
                path: self.path.clone(),
            },
            Some(e) => from_io(&self.path, e, NodeKind::Tty, self.vid),
        }
    }
}

/// A serial port found on this machine.
///
/// ```
/// for p in bedside_scanner::transport::serial::list_ports() {
///     println!("{} {:?}", p.path, p.usb);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortInfo {
    /// The port's path.
    pub path: String,
    /// USB identity, when the port is a USB device.
    pub usb: Option<UsbPortInfo>,
}

/// The USB identity of a serial port.
///
/// ```
/// let u = bedside_scanner::transport::serial::UsbPortInfo { vid: 0x0c2e, pid: 0x0b6a, serial: None, manufacturer: None, product: None };
/// assert_eq!(u.vid, 0x0c2e);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbPortInfo {
    /// Vendor ID.
    pub vid: u16,
    /// Product ID.
    pub pid: u16,
    /// Serial number.
    pub serial: Option<String>,
    /// Manufacturer string.
    pub manufacturer: Option<String>,
    /// Product string.
    pub product: Option<String>,
}

/// Lists serial ports (sysfs on Linux; no libudev needed).
///
/// ```
/// let _ = bedside_scanner::transport::serial::list_ports();
/// ```
pub fn list_ports() -> Vec<PortInfo> {
    serialport::available_ports()
        .unwrap_or_default()
        .into_iter()
        .map(|p| PortInfo {
            usb: match p.port_type {
                serialport::SerialPortType::UsbPort(u) => Some(UsbPortInfo {
                    vid: u.vid,
                    pid: u.pid,
                    serial: u.serial_number,
                    manufacturer: u.manufacturer,
                    product: u.product,
                }),
                _ => None,
            },
            path: p.port_name,
        })
        .collect()
}
