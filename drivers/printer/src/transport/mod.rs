//! Transports: they only move bytes, each with a time limit.
//!
//! - [`tcp`]: raw TCP, port 9100 (jobs and status replies on one socket);
//! - [`serial`] (feature `serial`): RS-232 and USB-serial through `serialport`;
//! - [`usb`] (feature `usb`): USB printer class (interface 7/1/2) through `nusb`, with
//!   `GET_DEVICE_ID`, bulk OUT for jobs and bulk IN for replies.
//!
//! [`PrinterAddress`] is the `--printer` syntax: `tcp://host:9100`, `usb`, `usb:VID:PID`,
//! `serial:/dev/ttyUSB0[,baud=9600][,flow=none|hardware|software]`.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use thiserror::Error;

pub mod tcp;

#[cfg(feature = "serial")]
pub mod serial;

#[cfg(feature = "usb")]
pub mod usb;

/// Serial flow control.
///
/// ```
/// assert_eq!("hardware".parse::<bedside_printer::transport::Flow>(), Ok(bedside_printer::transport::Flow::Hardware));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    /// None.
    #[default]
    None,
    /// RTS/CTS (DTR on some printers).
    Hardware,
    /// XON/XOFF.
    Software,
}

impl FromStr for Flow {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Flow::None),
            "hardware" | "rtscts" => Ok(Flow::Hardware),
            "software" | "xonxoff" => Ok(Flow::Software),
            _ => Err(AddressError::Option {
                option: "flow".into(),
                value: s.into(),
            }),
        }
    }
}

/// Where a printer is.
///
/// ```
/// use bedside_printer::transport::PrinterAddress;
/// assert_eq!("tcp://10.0.0.5:9100".parse::<PrinterAddress>()?, PrinterAddress::Tcp { host: "10.0.0.5".into(), port: 9100 });
/// assert_eq!("usb:0a5f:0181".parse::<PrinterAddress>()?, PrinterAddress::Usb { id: Some((0x0a5f, 0x0181)) });
/// assert!(matches!("serial:/dev/ttyUSB0,baud=19200".parse::<PrinterAddress>()?, PrinterAddress::Serial { baud: 19200, .. }));
/// assert!("lpt1".parse::<PrinterAddress>().is_err());
/// # Ok::<(), bedside_printer::transport::AddressError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterAddress {
    /// Raw TCP.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port (9100 by default).
        port: u16,
    },
    /// USB printer class; the first printer when no id is given.
    Usb {
        /// Vendor and product id.
        id: Option<(u16, u16)>,
    },
    /// A serial port.
    Serial {
        /// Device path.
        path: String,
        /// Baud rate (9600 by default, the Zebra default).
        baud: u32,
        /// Flow control.
        flow: Flow,
    },
}

/// A `--printer` value that could not be read.
///
/// ```
/// use bedside_printer::transport::{AddressError, PrinterAddress};
/// assert!(matches!("tcp://host:99999".parse::<PrinterAddress>(), Err(AddressError::Port { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Not one of the known forms.
    #[error("printer address {0:?}: expected tcp://host:9100, usb, usb:VID:PID or serial:/dev/…")]
    Form(String),
    /// A bad port number.
    #[error("printer address: port {port:?} is not 1-65535")]
    Port {
        /// The text.
        port: String,
    },
    /// A bad USB id.
    #[error("printer address: {id:?} is not a hexadecimal VID:PID")]
    UsbId {
        /// The text.
        id: String,
    },
    /// A bad serial option.
    #[error("printer address: option {option}={value:?} not understood")]
    Option {
        /// The option.
        option: String,
        /// Its value.
        value: String,
    },
}

impl FromStr for PrinterAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = s.strip_prefix("tcp://") {
            let rest = rest.trim_end_matches('/');
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) if !h.is_empty() && !h.ends_with(':') => {
                    let port = p
                        .parse::<u16>()
                        .ok()
                        .filter(|p| *p != 0)
                        .ok_or_else(|| AddressError::Port { port: p.into() })?;
                    (h.trim_start_matches('[').trim_end_matches(']'), port)
                }
                _ => (rest, 9100),
            };
            if host.is_empty() {
                return Err(AddressError::Form(s.into()));
            }
            return Ok(PrinterAddress::Tcp {
                host: host.into(),
                port,
            });
        }
        if s == "usb" {
            return Ok(PrinterAddress::Usb { id: None });
        }
        if let Some(id) = s.strip_prefix("usb:") {
            let bad = || AddressError::UsbId { id: id.into() };
            let (v, p) = id.split_once(':').ok_or_else(bad)?;
            let v = u16::from_str_radix(v, 16).map_err(|_| bad())?;
            let p = u16::from_str_radix(p, 16).map_err(|_| bad())?;
            return Ok(PrinterAddress::Usb { id: Some((v, p)) });
        }
        if let Some(spec) = s.strip_prefix("serial:") {
            let mut parts = spec.split(',');
            let path = parts.next().unwrap_or_default();
            if path.is_empty() {
                return Err(AddressError::Form(s.into()));
            }
            let mut baud = 9600;
            let mut flow = Flow::None;
            for opt in parts {
                let (k, v) = opt.split_once('=').ok_or_else(|| AddressError::Option {
                    option: opt.into(),
                    value: String::new(),
                })?;
                match k {
                    "baud" => {
                        baud = v.parse().ok().filter(|b| *b > 0).ok_or_else(|| {
                            AddressError::Option {
                                option: k.into(),
                                value: v.into(),
                            }
                        })?;
                    }
                    "flow" => flow = v.parse()?,
                    _ => {
                        return Err(AddressError::Option {
                            option: k.into(),
                            value: v.into(),
                        });
                    }
                }
            }
            return Ok(PrinterAddress::Serial {
                path: path.into(),
                baud,
                flow,
            });
        }
        Err(AddressError::Form(s.into()))
    }
}

impl fmt::Display for PrinterAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterAddress::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            PrinterAddress::Usb { id: None } => f.write_str("usb"),
            PrinterAddress::Usb { id: Some((v, p)) } => write!(f, "usb:{v:04x}:{p:04x}"),
            PrinterAddress::Serial { path, baud, .. } => write!(f, "serial:{path},baud={baud}"),
        }
    }
}

/// A transport failure.
///
/// ```
/// use bedside_printer::transport::TransportError;
/// let e = TransportError::NoReply { printer: "tcp://p:9100".into(), waited_ms: 5000 };
/// assert!(e.to_string().contains("did not answer"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Could not connect or open.
    #[error("{printer}: cannot connect: {message}")]
    Connect {
        /// The printer.
        printer: String,
        /// Why.
        message: String,
    },
    /// No such device.
    #[error("{printer}: not found")]
    NotFound {
        /// The printer.
        printer: String,
    },
    /// Not allowed to open the device.
    #[error("{printer}: permission denied; to fix it: {fix}")]
    PermissionDenied {
        /// The printer.
        printer: String,
        /// The udev rule (or other step) that grants access.
        fix: String,
    },
    /// Another program holds the device.
    #[error("{printer}: busy (another program or the kernel usblp driver has it)")]
    Busy {
        /// The printer.
        printer: String,
    },
    /// Writing timed out or failed.
    #[error("{printer}: sending failed after {sent} of {total} bytes: {message}")]
    Send {
        /// The printer.
        printer: String,
        /// Bytes accepted.
        sent: usize,
        /// Bytes to send.
        total: usize,
        /// Why.
        message: String,
    },
    /// Nothing came back in time. A printer in an error state (media out, head open) may
    /// not answer at all, so this is treated as a possible fault.
    #[error(
        "{printer}: did not answer within {waited_ms} ms (it may be off, out of wristbands, open or in error)"
    )]
    NoReply {
        /// The printer.
        printer: String,
        /// How long we waited.
        waited_ms: u64,
    },
    /// Part of a reply came, then nothing.
    #[error("{printer}: reply cut short after {received} bytes")]
    Incomplete {
        /// The printer.
        printer: String,
        /// Bytes received.
        received: usize,
    },
    /// The connection was closed or the device went away.
    #[error("{printer}: connection lost: {message}")]
    Disconnected {
        /// The printer.
        printer: String,
        /// Why.
        message: String,
    },
    /// The device is not a printer this driver can use.
    #[error("{printer}: not usable: {reason}")]
    NotPrinter {
        /// The printer.
        printer: String,
        /// Why.
        reason: String,
    },
    /// This transport is not compiled in or not available on this OS.
    #[error("{what} is not available in this build or on this system")]
    Unsupported {
        /// What.
        what: &'static str,
    },
}

/// Writes all of `data` to a byte stream and flushes it: what the TCP and serial links
/// share. `deadline` bounds the whole write where the stream's own timeout covers only
/// one write call; `closed` names a zero-length write (the other end went away).
pub(crate) fn write_all_to(
    w: &mut dyn std::io::Write,
    printer: &str,
    data: &[u8],
    deadline: Option<Instant>,
    closed: &str,
) -> Result<(), TransportError> {
    let failed = |sent: usize, message: String| TransportError::Send {
        printer: printer.to_owned(),
        sent,
        total: data.len(),
        message,
    };
    let mut sent = 0;
    while sent < data.len() {
        match w.write(&data[sent..]) {
            Ok(0) => {
                return Err(TransportError::Disconnected {
                    printer: printer.to_owned(),
                    message: closed.to_owned(),
                });
            }
            Ok(n) => sent += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(failed(sent, e.to_string())),
        }
        if deadline.is_some_and(|d| Instant::now() > d) && sent < data.len() {
            return Err(failed(sent, "timed out".into()));
        }
    }
    w.flush().map_err(|e| failed(sent, e.to_string()))
}

/// One read of whatever a byte stream has by now, appended to `buf`; `Ok(0)` when
/// nothing came before the stream's read timeout. `eof_closes`: a zero-length read means
/// the other end closed (TCP), not merely that nothing came (serial).
pub(crate) fn read_some(
    r: &mut dyn std::io::Read,
    printer: &str,
    buf: &mut Vec<u8>,
    eof_closes: bool,
) -> Result<usize, TransportError> {
    use std::io::ErrorKind;
    let gone = |message: String| TransportError::Disconnected {
        printer: printer.to_owned(),
        message,
    };
    let mut chunk = [0u8; 4096];
    match r.read(&mut chunk) {
        Ok(0) if eof_closes => Err(gone("the printer closed the connection".into())),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
            ) =>
        {
            Ok(0)
        }
        Err(e) => Err(gone(e.to_string())),
    }
}

/// A byte pipe to a printer.
pub trait Link: Send {
    /// Sends all of `data` within the link's time limit.
    ///
    /// ```no_run
    /// # use bedside_printer::transport::{Link, tcp::TcpLink};
    /// let mut l = TcpLink::connect("p", 9100, std::time::Duration::from_secs(2))?;
    /// l.send(b"~HS")?;
    /// # Ok::<(), bedside_printer::transport::TransportError>(())
    /// ```
    fn send(&mut self, data: &[u8]) -> Result<(), TransportError>;

    /// Appends to `buf` whatever arrives before `deadline`; returns the number of bytes
    /// (0 when nothing came in time).
    ///
    /// ```no_run
    /// # use bedside_printer::transport::{Link, tcp::TcpLink};
    /// # let mut l = TcpLink::connect("p", 9100, std::time::Duration::from_secs(2))?;
    /// let mut buf = Vec::new();
    /// l.receive(&mut buf, std::time::Instant::now() + std::time::Duration::from_millis(200))?;
    /// # Ok::<(), bedside_printer::transport::TransportError>(())
    /// ```
    fn receive(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, TransportError>;

    /// Discards anything already received (a late reply to an earlier query).
    ///
    /// ```no_run
    /// # use bedside_printer::transport::{Link, tcp::TcpLink};
    /// # let mut l = TcpLink::connect("p", 9100, std::time::Duration::from_secs(2))?;
    /// l.drain()?;
    /// # Ok::<(), bedside_printer::transport::TransportError>(())
    /// ```
    fn drain(&mut self) -> Result<(), TransportError> {
        let mut sink = Vec::new();
        while self.receive(&mut sink, Instant::now() + Duration::from_millis(20))? > 0 {
            sink.clear();
        }
        Ok(())
    }

    /// The printer's address, for messages.
    ///
    /// ```no_run
    /// # use bedside_printer::transport::{Link, tcp::TcpLink};
    /// # let l = TcpLink::connect("p", 9100, std::time::Duration::from_secs(2))?;
    /// println!("{}", l.name());
    /// # Ok::<(), bedside_printer::transport::TransportError>(())
    /// ```
    fn name(&self) -> String;
}

/// Sends `command` and reads until `frames` ETX bytes (each reply string ends with ETX,
/// optionally CR LF) have arrived, or `timeout` passes.
///
/// ```no_run
/// # use bedside_printer::transport::{query, tcp::TcpLink};
/// # let mut l = TcpLink::connect("p", 9100, std::time::Duration::from_secs(2))?;
/// let reply = query(&mut l, b"~HS", 3, std::time::Duration::from_secs(3))?;
/// # Ok::<(), bedside_printer::transport::TransportError>(())
/// ```
pub fn query(
    link: &mut dyn Link,
    command: &[u8],
    frames: usize,
    timeout: Duration,
) -> Result<Vec<u8>, TransportError> {
    link.drain()?;
    link.send(command)?;
    let start = Instant::now();
    let deadline = start + timeout;
    let mut buf = Vec::new();
    loop {
        let n = link.receive(&mut buf, deadline)?;
        let etx = buf.iter().filter(|b| **b == 0x03).count();
        if etx >= frames {
            // Collect the CR LF after the last ETX if it is on its way.
            let _ = link.receive(&mut buf, Instant::now() + Duration::from_millis(30));
            return Ok(buf);
        }
        if n == 0 && Instant::now() >= deadline {
            return Err(if buf.is_empty() {
                TransportError::NoReply {
                    printer: link.name(),
                    waited_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
                }
            } else {
                TransportError::Incomplete {
                    printer: link.name(),
                    received: buf.len(),
                }
            });
        }
    }
}

/// Opens a link to the printer at `address`, with `timeout` for connecting and each write.
///
/// ```no_run
/// let mut link = bedside_printer::transport::open(&"tcp://127.0.0.1:9100".parse()?, std::time::Duration::from_secs(3))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open(address: &PrinterAddress, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
    match address {
        PrinterAddress::Tcp { host, port } => {
            Ok(Box::new(tcp::TcpLink::connect(host, *port, timeout)?))
        }
        #[cfg(feature = "serial")]
        PrinterAddress::Serial { path, baud, flow } => Ok(Box::new(serial::SerialLink::open(
            path, *baud, *flow, timeout,
        )?)),
        #[cfg(not(feature = "serial"))]
        PrinterAddress::Serial { .. } => Err(TransportError::Unsupported {
            what: "serial printing (feature `serial`)",
        }),
        #[cfg(feature = "usb")]
        PrinterAddress::Usb { id } => Ok(Box::new(usb::UsbLink::open(*id, timeout)?)),
        #[cfg(not(feature = "usb"))]
        PrinterAddress::Usb { .. } => Err(TransportError::Unsupported {
            what: "USB printing (feature `usb`)",
        }),
    }
}

/// A printer (or possible printer) found on this machine.
///
/// ```
/// let found: Vec<bedside_printer::transport::Found> = bedside_printer::transport::list();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The `--printer` address.
    pub address: String,
    /// What it is.
    pub description: String,
    /// Whether this driver can open it now.
    pub usable: bool,
    /// Why not, or how it was identified.
    pub note: String,
}

/// USB printer-class devices and serial ports on this machine. Network printers cannot be
/// discovered this way: address them as `tcp://host:9100`.
///
/// ```
/// for f in bedside_printer::transport::list() { println!("{} {}", f.address, f.description); }
/// ```
#[must_use]
pub fn list() -> Vec<Found> {
    #[allow(unused_mut)]
    let mut out = Vec::new();
    #[cfg(feature = "usb")]
    out.extend(usb::list());
    #[cfg(feature = "serial")]
    out.extend(serial::list());
    out
}

/// The udev rule that lets the service user open a USB printer (Linux).
///
/// ```
/// assert!(bedside_printer::transport::udev_rule(0x0a5f).contains("0a5f"));
/// ```
#[must_use]
pub fn udev_rule(vid: u16) -> String {
    format!(
        "add to /etc/udev/rules.d/70-bedside-printer.rules: SUBSYSTEM==\"usb\", ATTR{{idVendor}}==\"{vid:04x}\", MODE=\"0660\", GROUP=\"bedside\" — then `udevadm control --reload && udevadm trigger` and replug"
    )
}
