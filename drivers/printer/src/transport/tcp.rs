//! Raw TCP (port 9100): jobs and status replies on one socket.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{Link, TransportError, read_some, write_all_to};

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
        let deadline = Instant::now() + self.timeout;
        write_all_to(
            &mut self.stream,
            &self.name,
            data,
            Some(deadline),
            "closed while sending",
        )
    }

    fn receive(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, TransportError> {
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        self.stream
            .set_read_timeout(Some(wait))
            .map_err(|e| TransportError::Disconnected {
                printer: self.name.clone(),
                message: e.to_string(),
            })?;
        read_some(&mut self.stream, &self.name, buf, true)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}
