//! Raw TCP (port 9100): jobs and status replies on one socket.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{Link, TransportError};

/// A connected TCP printer.
///
/// ```no_run
/// let link = bedside_printer::transport::tcp::TcpLink::connect("10.1.2.3", 9100, std::time::Duration::from_secs(3))?;
/// # Ok::<(), bedside_printer::transport::TransportError>(())
/// ```
#[derive(Debug)]
pub struct TcpLink {
    stream: TcpStream,
    name: String,
    timeout: Duration,
}

impl TcpLink {
    /// Connects within `timeout` (each resolved address tried in turn); writes then time
    /// out after `timeout` too.
    ///
    /// ```
    /// let e = bedside_printer::transport::tcp::TcpLink::connect("127.0.0.1", 1, std::time::Duration::from_millis(200)).unwrap_err();
    /// assert!(matches!(e, bedside_printer::transport::TransportError::Connect { .. }));
    /// ```
    pub fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpLink, TransportError> {
        let name = format!("tcp://{host}:{port}");
        let err = |message: String| TransportError::Connect {
            printer: name.clone(),
            message,
        };
        let addrs = (host, port)
            .to_socket_addrs()
            .map_err(|e| err(e.to_string()))?;
        let mut last = String::from("no address");
        for a in addrs {
            match TcpStream::connect_timeout(&a, timeout) {
                Ok(stream) => {
                    stream
                        .set_write_timeout(Some(timeout))
                        .map_err(|e| err(e.to_string()))?;
                    let _ = stream.set_nodelay(true);
                    return Ok(TcpLink {
                        stream,
                        name,
                        timeout,
                    });
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(err(last))
    }
}

impl Link for TcpLink {
    fn send(&mut self, data: &[u8]) -> Result<(), TransportError> {
        let mut sent = 0;
        let deadline = Instant::now() + self.timeout;
        while sent < data.len() {
            match self.stream.write(&data[sent..]) {
                Ok(0) => {
                    return Err(TransportError::Disconnected {
                        printer: self.name.clone(),
                        message: "closed while sending".into(),
                    });
                }
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(TransportError::Send {
                        printer: self.name.clone(),
                        sent,
                        total: data.len(),
                        message: e.to_string(),
                    });
                }
            }
            if Instant::now() > deadline && sent < data.len() {
                return Err(TransportError::Send {
                    printer: self.name.clone(),
                    sent,
                    total: data.len(),
                    message: "timed out".into(),
                });
            }
        }
        self.stream.flush().map_err(|e| TransportError::Send {
            printer: self.name.clone(),
            sent,
            total: data.len(),
            message: e.to_string(),
        })
    }

    fn receive(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, TransportError> {
        let now = Instant::now();
        let wait = deadline
            .saturating_duration_since(now)
            .max(Duration::from_millis(1));
        self.stream
            .set_read_timeout(Some(wait))
            .map_err(|e| TransportError::Disconnected {
                printer: self.name.clone(),
                message: e.to_string(),
            })?;
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(TransportError::Disconnected {
                printer: self.name.clone(),
                message: "the printer closed the connection".into(),
            }),
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
            Err(e) => Err(TransportError::Disconnected {
                printer: self.name.clone(),
                message: e.to_string(),
            }),
        }
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}
