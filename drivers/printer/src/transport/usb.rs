//! USB printer class (interface class 7, subclass 1, protocol 2 bidirectional) through
//! `nusb`: `GET_DEVICE_ID` for the IEEE 1284 identity, bulk OUT for jobs, bulk IN for
//! status replies. On Linux the kernel `usblp` driver is detached while the link is open.

use std::time::{Duration, Instant};

use nusb::MaybeFuture;
use nusb::descriptors::TransferType;
use nusb::transfer::{Bulk, ControlIn, ControlType, Direction, In, Out, Recipient, TransferError};

use super::{Found, Link, TransportError, udev_rule};

const CLASS_PRINTER: u8 = 7;
const SUBCLASS_PRINTER: u8 = 1;

/// Reads the `CMD:` (or `COMMAND SET:`) entry of an IEEE 1284 device id, e.g. `ZPL`.
///
/// ```
/// use bedside_printer::transport::usb::device_id_field;
/// let id = "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD510-HC;";
/// assert_eq!(device_id_field(id, &["CMD", "COMMAND SET"]), Some("ZPL"));
/// assert_eq!(device_id_field(id, &["MDL", "MODEL"]), Some("ZD510-HC"));
/// ```
#[must_use]
pub fn device_id_field<'a>(id: &'a str, keys: &[&str]) -> Option<&'a str> {
    id.split(';').find_map(|kv| {
        let (k, v) = kv.split_once(':')?;
        keys.iter()
            .any(|want| k.trim().eq_ignore_ascii_case(want))
            .then(|| v.trim())
    })
}

/// An open USB printer.
///
/// ```no_run
/// let link = bedside_printer::transport::usb::UsbLink::open(Some((0x0a5f, 0x0181)), std::time::Duration::from_secs(3))?;
/// println!("{}", link.device_id());
/// # Ok::<(), bedside_printer::transport::TransportError>(())
/// ```
pub struct UsbLink {
    _interface: nusb::Interface,
    out: nusb::Endpoint<Bulk, Out>,
    input: Option<nusb::Endpoint<Bulk, In>>,
    device_id: String,
    name: String,
    timeout: Duration,
}

impl std::fmt::Debug for UsbLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsbLink")
            .field("name", &self.name)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

fn nusb_err(printer: &str, e: &nusb::Error, vid: u16) -> TransportError {
    match e.kind() {
        nusb::ErrorKind::PermissionDenied => TransportError::PermissionDenied {
            printer: printer.into(),
            fix: udev_rule(vid),
        },
        nusb::ErrorKind::Busy => TransportError::Busy {
            printer: printer.into(),
        },
        nusb::ErrorKind::NotFound | nusb::ErrorKind::Disconnected => TransportError::NotFound {
            printer: printer.into(),
        },
        nusb::ErrorKind::Unsupported => TransportError::Unsupported {
            what: "claiming a USB printer interface with nusb on this OS (print through the system spooler)",
        },
        _ => TransportError::Connect {
            printer: printer.into(),
            message: e.to_string(),
        },
    }
}

fn transfer_err(printer: &str, e: TransferError) -> TransportError {
    TransportError::Disconnected {
        printer: printer.into(),
        message: e.to_string(),
    }
}

impl UsbLink {
    /// Opens the printer with `id` (vendor, product), or the first USB printer-class
    /// device when `id` is `None`.
    ///
    /// ```no_run
    /// let e = bedside_printer::transport::usb::UsbLink::open(Some((0xffff, 0xffff)), std::time::Duration::from_secs(1)).unwrap_err();
    /// assert!(matches!(e, bedside_printer::transport::TransportError::NotFound { .. }));
    /// ```
    pub fn open(id: Option<(u16, u16)>, timeout: Duration) -> Result<UsbLink, TransportError> {
        let wanted = match id {
            Some((v, p)) => format!("usb:{v:04x}:{p:04x}"),
            None => "usb".to_owned(),
        };
        let info = nusb::list_devices()
            .wait()
            .map_err(|e| nusb_err(&wanted, &e, 0))?
            .find(|d| {
                id.is_none_or(|(v, p)| d.vendor_id() == v && d.product_id() == p)
                    && d.interfaces()
                        .any(|i| i.class() == CLASS_PRINTER && i.subclass() == SUBCLASS_PRINTER)
            })
            .ok_or_else(|| TransportError::NotFound {
                printer: wanted.clone(),
            })?;
        let vid = info.vendor_id();
        let name = format!("usb:{:04x}:{:04x}", vid, info.product_id());
        let Some(number) = info
            .interfaces()
            .find(|i| i.class() == CLASS_PRINTER && i.subclass() == SUBCLASS_PRINTER)
            .map(|i| i.interface_number())
        else {
            return Err(TransportError::NotPrinter {
                printer: name,
                reason: "no printer-class interface".into(),
            });
        };
        let device = info.open().wait().map_err(|e| nusb_err(&name, &e, vid))?;
        let interface = device
            .detach_and_claim_interface(number)
            .wait()
            .map_err(|e| nusb_err(&name, &e, vid))?;
        let alt = interface.get_alt_setting();
        let raw = interface
            .control_in(
                ControlIn {
                    control_type: ControlType::Class,
                    recipient: Recipient::Interface,
                    request: 0, // GET_DEVICE_ID
                    value: 0,
                    index: (u16::from(number) << 8) | u16::from(alt),
                    length: 1023,
                },
                timeout,
            )
            .wait()
            .map_err(|e| transfer_err(&name, e))?;
        // Two bytes of big-endian length (including themselves), then the id.
        let device_id = if raw.len() >= 2 {
            let len = (usize::from(raw[0]) << 8 | usize::from(raw[1])).clamp(2, raw.len());
            String::from_utf8_lossy(&raw[2..len]).into_owned()
        } else {
            String::new()
        };
        let endpoints: Vec<(u8, Direction)> = interface
            .descriptor()
            .map(|d| {
                d.endpoints()
                    .filter(|e| e.transfer_type() == TransferType::Bulk)
                    .map(|e| (e.address(), e.direction()))
                    .collect()
            })
            .unwrap_or_default();
        let Some(out_addr) = endpoints
            .iter()
            .find(|(_, d)| *d == Direction::Out)
            .map(|(a, _)| *a)
        else {
            return Err(TransportError::NotPrinter {
                printer: name,
                reason: "no bulk OUT endpoint".into(),
            });
        };
        let out = interface
            .endpoint::<Bulk, Out>(out_addr)
            .map_err(|e| nusb_err(&name, &e, vid))?;
        let input = match endpoints.iter().find(|(_, d)| *d == Direction::In) {
            Some((a, _)) => Some(
                interface
                    .endpoint::<Bulk, In>(*a)
                    .map_err(|e| nusb_err(&name, &e, vid))?,
            ),
            None => None,
        };
        Ok(UsbLink {
            _interface: interface,
            out,
            input,
            device_id,
            name,
            timeout,
        })
    }

    /// The IEEE 1284 device id (`MFG:…;CMD:…;MDL:…;`).
    ///
    /// ```no_run
    /// # let link = bedside_printer::transport::usb::UsbLink::open(None, std::time::Duration::from_secs(3))?;
    /// assert!(link.device_id().contains("CMD:"));
    /// # Ok::<(), bedside_printer::transport::TransportError>(())
    /// ```
    #[must_use]
    pub fn device_id(&self) -> &str {
        &self.device_id
    }
}

impl Link for UsbLink {
    fn send(&mut self, data: &[u8]) -> Result<(), TransportError> {
        let mut sent = 0;
        for chunk in data.chunks(16 * 1024) {
            self.out.submit(chunk.to_vec().into());
            let Some(c) = self.out.wait_next_complete(self.timeout) else {
                self.out.cancel_all();
                let _ = self.out.wait_next_complete(Duration::from_millis(100));
                return Err(TransportError::Send {
                    printer: self.name.clone(),
                    sent,
                    total: data.len(),
                    message: "timed out (printer not taking data)".into(),
                });
            };
            sent += c.actual_len;
            if let Err(e) = c.status {
                return Err(TransportError::Send {
                    printer: self.name.clone(),
                    sent,
                    total: data.len(),
                    message: e.to_string(),
                });
            }
        }
        Ok(())
    }

    fn receive(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, TransportError> {
        let Some(input) = self.input.as_mut() else {
            return Err(TransportError::NotPrinter {
                printer: self.name.clone(),
                reason: "unidirectional (no bulk IN endpoint): status cannot be read".into(),
            });
        };
        if input.pending() == 0 {
            let mps = input.max_packet_size().max(1);
            let b = input.allocate(mps.max(512).div_ceil(mps) * mps);
            input.submit(b);
        }
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        match input.wait_next_complete(wait) {
            None => Ok(0),
            Some(c) => match c.status {
                Ok(()) => {
                    buf.extend_from_slice(&c.buffer[..c.actual_len.min(c.buffer.len())]);
                    Ok(c.actual_len)
                }
                Err(TransferError::Cancelled) => Ok(0),
                Err(e) => Err(transfer_err(&self.name, e)),
            },
        }
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// USB printer-class devices.
pub(crate) fn list() -> Vec<Found> {
    let Ok(devices) = nusb::list_devices().wait() else {
        return Vec::new();
    };
    devices
        .filter(|d| d.interfaces().any(|i| i.class() == CLASS_PRINTER))
        .map(|d| {
            let address = format!("usb:{:04x}:{:04x}", d.vendor_id(), d.product_id());
            let bidirectional = d
                .interfaces()
                .any(|i| i.class() == CLASS_PRINTER && i.protocol() >= 2);
            let description = format!(
                "{} {}",
                d.manufacturer_string().unwrap_or("?"),
                d.product_string().unwrap_or("USB printer")
            );
            let (usable, note) = match d.open().wait() {
                Ok(_) if bidirectional => (true, "USB printer class, bidirectional".to_owned()),
                Ok(_) => (
                    false,
                    "USB printer class without a status channel: jobs cannot be confirmed"
                        .to_owned(),
                ),
                Err(e) => (false, nusb_err(&address, &e, d.vendor_id()).to_string()),
            };
            Found {
                address,
                description,
                usable,
                note,
            }
        })
        .collect()
}
