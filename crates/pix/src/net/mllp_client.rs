//! ITI-9 over MLLP: pool, timeouts, retry, circuit breaker.

use super::{BoxIo, unix_millis};
use crate::breaker::CircuitBreaker;
use crate::client::{AttemptError, PixClient, PixError, QueryFuture, Transport};
use crate::domain::PixQuery;
use crate::iti9::{self, ControlIds, MessageHeader};
use crate::mllp::{self, Decoder};
use crate::outcome::PixOutcome;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// TLS settings for MLLP (feature `tls`).
///
/// ```no_run
/// # fn cfg(config: std::sync::Arc<rustls::ClientConfig>) {
/// let tls = bedside_pix::net::MllpTls { config, server_name: "pix.hie.example.nhs.uk".into() };
/// # let _ = tls; }
/// ```
#[cfg(feature = "tls")]
#[derive(Clone)]
pub struct MllpTls {
    /// rustls client configuration (roots, client certificate for ATNA mutual TLS).
    pub config: std::sync::Arc<rustls::ClientConfig>,
    /// The name to verify the manager's certificate against.
    pub server_name: String,
}

#[cfg(feature = "tls")]
impl core::fmt::Debug for MllpTls {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MllpTls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// MLLP client settings.
///
/// ```
/// let c = bedside_pix::net::MllpConfig::new("127.0.0.1:2575");
/// assert_eq!(c.pool_size, 4);
/// assert_eq!(c.response_timeout, std::time::Duration::from_secs(4));
/// ```
#[derive(Debug, Clone)]
pub struct MllpConfig {
    /// `host:port` of the PIX manager.
    pub address: String,
    /// MSH-3..6 and MSH-11.
    pub header: MessageHeader,
    /// TCP (and TLS) connect timeout. Default 2 s.
    pub connect_timeout: Duration,
    /// Time allowed for the complete response frame after sending. Default 4 s.
    pub response_timeout: Duration,
    /// Frame size cap. Default 1 MiB.
    pub max_frame: usize,
    /// Maximum connections (and concurrent queries). Default 4.
    pub pool_size: usize,
    /// Consecutive failed queries that open the circuit. Default 3.
    pub breaker_threshold: u32,
    /// How long the circuit stays open. Default 30 s.
    pub breaker_open_for: Duration,
    /// MLLP over TLS (feature `tls`).
    #[cfg(feature = "tls")]
    pub tls: Option<MllpTls>,
}

impl MllpConfig {
    /// Defaults for a manager at `address`.
    ///
    /// ```
    /// assert_eq!(bedside_pix::net::MllpConfig::new("h:1").address, "h:1");
    /// ```
    #[must_use]
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            header: MessageHeader::default(),
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(4),
            max_frame: mllp::DEFAULT_MAX_FRAME,
            pool_size: 4,
            breaker_threshold: 3,
            breaker_open_for: Duration::from_secs(30),
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

struct Conn {
    io: BoxIo,
    decoder: Decoder,
}

/// The ITI-9 PIX Consumer over MLLP. Cheap to share (`Arc`); all methods take `&self`.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use bedside_pix::{client::PixClient, domain::{Domain, PixQuery}, net::{MllpClient, MllpConfig}};
/// let c = MllpClient::new(MllpConfig::new("127.0.0.1:2575"));
/// let outcome = c.query(&PixQuery::nhs_number_for("K1", Domain::parse("2.999.1")?)).await?;
/// println!("{}", outcome.kind());
/// # Ok(()) }
/// ```
pub struct MllpClient {
    cfg: MllpConfig,
    idle: Mutex<Vec<Conn>>,
    permits: Semaphore,
    breaker: Mutex<CircuitBreaker>,
    counter: AtomicU64,
}

impl core::fmt::Debug for MllpClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MllpClient")
            .field("address", &self.cfg.address)
            .finish_non_exhaustive()
    }
}

/// Result of one attempt: an outcome, or why the attempt failed.
enum Attempt {
    Answered(PixOutcome),
    Failed(AttemptError),
    Invalid(iti9::BuildError),
}

fn io_err(e: &std::io::Error) -> AttemptError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe
        | std::io::ErrorKind::ConnectionAborted => AttemptError::Closed,
        k => AttemptError::Io(k),
    }
}

impl MllpClient {
    /// A client; no connection is made until the first query.
    ///
    /// ```
    /// let c = bedside_pix::net::MllpClient::new(bedside_pix::net::MllpConfig::new("127.0.0.1:2575"));
    /// assert_eq!(c.idle_connections(), 0);
    /// ```
    #[must_use]
    pub fn new(cfg: MllpConfig) -> Self {
        let pool = cfg.pool_size.max(1);
        let breaker = CircuitBreaker::new(cfg.breaker_threshold, cfg.breaker_open_for);
        Self {
            cfg,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(pool),
            breaker: Mutex::new(breaker),
            counter: AtomicU64::new(0),
        }
    }

    /// Connections currently idle in the pool.
    ///
    /// ```
    /// let c = bedside_pix::net::MllpClient::new(bedside_pix::net::MllpConfig::new("127.0.0.1:2575"));
    /// assert_eq!(c.idle_connections(), 0);
    /// ```
    #[must_use]
    pub fn idle_connections(&self) -> usize {
        self.idle.lock().map(|v| v.len()).unwrap_or(0)
    }

    fn next_ids(&self) -> ControlIds {
        ControlIds::generate(unix_millis(), self.counter.fetch_add(1, Ordering::Relaxed))
    }

    async fn connect(&self) -> Result<Conn, AttemptError> {
        let fut = async {
            let tcp = TcpStream::connect(&self.cfg.address)
                .await
                .map_err(|e| AttemptError::Connect(e.kind()))?;
            let _ = tcp.set_nodelay(true);
            #[cfg(feature = "tls")]
            if let Some(tls) = &self.cfg.tls {
                let name = rustls::pki_types::ServerName::try_from(tls.server_name.clone())
                    .map_err(|_| AttemptError::Connect(std::io::ErrorKind::InvalidInput))?;
                let s = tokio_rustls::TlsConnector::from(tls.config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| AttemptError::Connect(e.kind()))?;
                return Ok::<BoxIo, AttemptError>(Box::new(s));
            }
            Ok::<BoxIo, AttemptError>(Box::new(tcp))
        };
        let io = tokio::time::timeout(self.cfg.connect_timeout, fut)
            .await
            .map_err(|_| AttemptError::ConnectTimeout)??;
        Ok(Conn {
            io,
            decoder: Decoder::new(self.cfg.max_frame),
        })
    }

    /// Takes an idle connection that is still open and has nothing unread on it (a late
    /// answer sitting on an idle connection poisons it: it is closed, not reused).
    fn take_idle(&self) -> Option<Conn> {
        loop {
            let mut conn = self.idle.lock().ok()?.pop()?;
            let mut byte = [0u8; 1];
            let mut buf = ReadBuf::new(&mut byte);
            let mut cx = Context::from_waker(Waker::noop());
            match std::pin::Pin::new(&mut conn.io).poll_read(&mut cx, &mut buf) {
                Poll::Pending => return Some(conn),
                // EOF, stray data or an error: drop (close) it and look at the next one.
                Poll::Ready(_) => {}
            }
        }
    }

    fn put_idle(&self, conn: Conn) {
        if let Ok(mut v) = self.idle.lock()
            && v.len() < self.cfg.pool_size.max(1)
        {
            v.push(conn);
        }
    }

    async fn attempt(&self, query: &PixQuery, fresh: bool) -> Attempt {
        let ids = self.next_ids();
        let msg = match iti9::build_query(
            &self.cfg.header,
            &ids,
            query,
            &iti9::hl7_timestamp(unix_millis() / 1000),
        ) {
            Ok(m) => m,
            Err(e) => return Attempt::Invalid(e),
        };
        let frame = match mllp::encode(&msg) {
            Ok(f) => f,
            Err(e) => return Attempt::Failed(e.into()),
        };
        let pooled = if fresh { None } else { self.take_idle() };
        let mut conn = match pooled {
            Some(c) => c,
            None => match self.connect().await {
                Ok(c) => c,
                Err(e) => return Attempt::Failed(e),
            },
        };
        let exchange = async {
            conn.io.write_all(&frame).await.map_err(|e| io_err(&e))?;
            conn.io.flush().await.map_err(|e| io_err(&e))?;
            let mut buf = vec![0u8; 8192];
            loop {
                if let Some(item) = conn.decoder.pop() {
                    return item.map_err(AttemptError::Frame);
                }
                let n = conn.io.read(&mut buf).await.map_err(|e| io_err(&e))?;
                if n == 0 {
                    return Err(match conn.decoder.finish() {
                        Some(e) => AttemptError::Frame(e),
                        None => AttemptError::Closed,
                    });
                }
                conn.decoder.push(&buf[..n]);
            }
        };
        // On timeout or any failure `conn` is dropped here, closing the socket, so a late
        // answer can never be paired with a later query.
        let response = match tokio::time::timeout(self.cfg.response_timeout, exchange).await {
            Err(_) => return Attempt::Failed(AttemptError::ResponseTimeout),
            Ok(Err(e)) => return Attempt::Failed(e),
            Ok(Ok(r)) => r,
        };
        match iti9::interpret_response(&response, &ids, query) {
            Ok(outcome) => {
                if !conn.decoder.has_pending_data() {
                    self.put_idle(conn);
                }
                Attempt::Answered(outcome)
            }
            Err(e) => Attempt::Failed(e.into()),
        }
    }

    async fn run(&self, query: &PixQuery) -> Result<PixOutcome, PixError> {
        // Refuse queries we cannot express before touching the breaker.
        iti9::check_query(query)?;
        if let Ok(mut b) = self.breaker.lock() {
            b.allow(Instant::now()).map_err(|r| PixError::CircuitOpen {
                retry_after_ms: r.retry_after.as_millis() as u64,
            })?;
        }
        let permit = self.permits.acquire().await;
        let first = match self.attempt(query, false).await {
            Attempt::Answered(o) => return Ok(self.succeeded(o)),
            Attempt::Invalid(e) => {
                // Not the manager's fault: release a half-open trial without counting it.
                self.record(true);
                return Err(PixError::InvalidQuery(e));
            }
            Attempt::Failed(e) => e,
        };
        let retry = match self.attempt(query, true).await {
            Attempt::Answered(o) => return Ok(self.succeeded(o)),
            Attempt::Invalid(e) => {
                self.record(true);
                return Err(PixError::InvalidQuery(e));
            }
            Attempt::Failed(e) => e,
        };
        drop(permit);
        self.record(false);
        Err(PixError::CannotConfirm {
            transport: Transport::Mllp,
            first,
            retry: Some(retry),
        })
    }

    fn succeeded(&self, o: PixOutcome) -> PixOutcome {
        self.record(true);
        o
    }

    fn record(&self, ok: bool) {
        if let Ok(mut b) = self.breaker.lock() {
            if ok {
                b.record_success();
            } else {
                b.record_failure(Instant::now());
            }
        }
    }
}

impl PixClient for MllpClient {
    fn query<'a>(&'a self, query: &'a PixQuery) -> QueryFuture<'a> {
        Box::pin(self.run(query))
    }
}
