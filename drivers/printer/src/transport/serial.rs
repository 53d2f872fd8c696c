//! Serial printers (RS-232, USB-serial adapters) through `serialport`.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use serialport::{DataBits, FlowControl, Parity, SerialPort, StopBits};

use super::{Flow, Found, Link, TransportError, read_some, write_all_to};

/// An open serial printer (8 data bits, no parity, 1 stop bit: the Zebra default).
///
/// ```no_run
/// use bedside_printer::transport::{serial::SerialLink, Flow};
/// let link = SerialLink::open("/dev/ttyUSB0", 9600, Flow::None, std::time::Duration::from_secs(3))?;
/// # Ok::<(), bedside_printer::transport::TransportError>(())
/// ```
pub struct SerialLink {
    port: Box<dyn SerialPort>,
    name: String,
    timeout: Duration,
}

impl std::fmt::Debug for SerialLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialLink")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SerialLink {
    /// Opens `path` at `baud`.
    ///
    /// ```
    /// use bedside_printer::transport::{serial::SerialLink, Flow, TransportError};
    /// let e = SerialLink::open("/dev/does-not-exist", 9600, Flow::None, std::time::Duration::from_millis(100)).unwrap_err();
    /// assert!(matches!(e, TransportError::NotFound { .. } | TransportError::Connect { .. }));
    /// ```
    pub fn open(
        path: &str,
        baud: u32,
        flow: Flow,
        timeout: Duration,
    ) -> Result<SerialLink, TransportError> {
        let name = format!("serial:{path}");
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(match flow {
                Flow::None => FlowControl::None,
                Flow::Hardware => FlowControl::Hardware,
                Flow::Software => FlowControl::Software,
            })
            .timeout(timeout)
            .open()
            .map_err(|e| match e.kind() {
                serialport::ErrorKind::NoDevice => TransportError::NotFound { printer: name.clone() },
                serialport::ErrorKind::Io(ErrorKind::NotFound) => TransportError::NotFound { printer: name.clone() },
                serialport::ErrorKind::Io(ErrorKind::PermissionDenied) => TransportError::PermissionDenied {
                    printer: name.clone(),
                    fix: "add the service user to the `dialout` group (or a udev rule giving it the port)".into(),
                },
                _ => TransportError::Connect { printer: name.clone(), message: e.to_string() },
            })?;
        Ok(SerialLink {
            port,
            name,
            timeout,
        })
    }
}

impl Link for SerialLink {
    fn send(&mut self, data: &[u8]) -> Result<(), TransportError> {
        // The port's timeout bounds each write call.
        let _ = self.port.set_timeout(self.timeout);
        write_all_to(&mut self.port, &self.name, data, None, "port closed")
    }

    fn receive(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, TransportError> {
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        let _ = self.port.set_timeout(wait);
        read_some(&mut self.port, &self.name, buf, false)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// Serial ports: any of them may have a printer on it; `bedside printer status` asks.
pub(crate) fn list() -> Vec<Found> {
    serialport::available_ports()
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let description = match &p.port_type {
                serialport::SerialPortType::UsbPort(u) => format!(
                    "USB serial {:04x}:{:04x} {}",
                    u.vid,
                    u.pid,
                    u.product.clone().unwrap_or_default()
                ),
                serialport::SerialPortType::PciPort => "serial port (PCI)".into(),
                _ => "serial port".into(),
            };
            Found {
                address: format!("serial:{}", p.port_name),
                description,
                usable: true,
                note: "a printer may be attached: check with `bedside printer status --printer serial:…`".into(),
            }
        })
        .collect()
}
