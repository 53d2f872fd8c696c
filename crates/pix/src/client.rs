//! The transport-independent client interface: one [`PixClient`] trait implemented by the
//! ITI-9 MLLP client and the ITI-83 PIXm client (feature `net`), and the typed
//! [`PixError`] for "no usable answer".
//!
//! ```
//! use std::future::Future;
//! use std::pin::Pin;
//! use bedside_pix::client::{PixClient, PixError, Transport};
//! use bedside_pix::domain::PixQuery;
//! use bedside_pix::outcome::PixOutcome;
//!
//! /// A stand-in that never answers.
//! struct Down;
//! impl PixClient for Down {
//!     fn query<'a>(&'a self, _q: &'a PixQuery) -> Pin<Box<dyn Future<Output = Result<PixOutcome, PixError>> + Send + 'a>> {
//!         Box::pin(async { Err(PixError::CircuitOpen { retry_after_ms: 1000 }) })
//!     }
//! }
//! let c: Box<dyn PixClient> = Box::new(Down);
//! # let _ = c;
//! # let _ = Transport::Mllp;
//! ```

use crate::domain::PixQuery;
use crate::outcome::{OutcomeKind, PixOutcome};
use std::future::Future;
use std::pin::Pin;

/// Which transport an attempt used.
///
/// ```
/// assert_eq!(format!("{}", bedside_pix::client::Transport::Pixm), "PIXm");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// ITI-9 over MLLP.
    Mllp,
    /// ITI-83 over HTTP(S).
    Pixm,
}

impl core::fmt::Display for Transport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Mllp => "ITI-9/MLLP",
            Self::Pixm => "PIXm",
        })
    }
}

/// Why one attempt produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttemptError {
    /// TCP/TLS connect did not finish in time.
    #[error("connect timed out")]
    ConnectTimeout,
    /// TCP/TLS connect failed.
    #[error("connect failed: {0:?}")]
    Connect(std::io::ErrorKind),
    /// No complete response within the response timeout; the connection was closed.
    #[error("no response within the timeout (connection closed)")]
    ResponseTimeout,
    /// Reading or writing failed.
    #[error("I/O error: {0:?}")]
    Io(std::io::ErrorKind),
    /// The peer closed the connection before a complete response.
    #[error("connection closed by the peer before a response")]
    Closed,
    /// The MLLP framing was broken.
    #[error("MLLP framing: {0}")]
    Frame(#[from] crate::mllp::FrameError),
    /// The ITI-9 response was not an answer to our query.
    #[error("ITI-9 response: {0}")]
    Response(#[from] crate::iti9::ResponseError),
    /// The PIXm response was not usable.
    #[error("PIXm response: {0}")]
    Pixm(#[from] crate::pixm::PixmError),
    /// The HTTP exchange failed below the FHIR level.
    #[error("HTTP: {0}")]
    Http(HttpFailure),
    /// The response body exceeded the size cap.
    #[error("response exceeds the {limit}-byte cap")]
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
}

/// Classified HTTP transport failures.
///
/// ```
/// assert_eq!(format!("{}", bedside_pix::client::HttpFailure::Request), "request failed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpFailure {
    /// The request could not be built (bad URL or header value).
    BuildRequest,
    /// Sending the request or receiving the response head failed.
    Request,
    /// Reading the body failed.
    Body,
}

impl core::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::BuildRequest => "request could not be built",
            Self::Request => "request failed",
            Self::Body => "reading the body failed",
        })
    }
}

/// No usable answer: the service must report "cannot confirm" (`unavailable`), never a match.
///
/// ```
/// use bedside_pix::client::{AttemptError, PixError, Transport};
/// let e = PixError::CannotConfirm { transport: Transport::Mllp, first: AttemptError::ResponseTimeout, retry: Some(AttemptError::Closed) };
/// assert_eq!(e.kind().as_str(), "unavailable");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PixError {
    /// The circuit breaker is open: the manager failed repeatedly, not asked this time.
    #[error("identity service unavailable (circuit open, retry in {retry_after_ms} ms)")]
    CircuitOpen {
        /// Milliseconds until a trial request is allowed.
        retry_after_ms: u64,
    },
    /// The attempt and its retry on a fresh connection both failed.
    #[error("cannot confirm: {transport} attempt failed ({first}){}", retry.as_ref().map(|r| format!(", retry failed ({r})")).unwrap_or_default())]
    CannotConfirm {
        /// Transport used.
        transport: Transport,
        /// The first attempt's failure.
        first: AttemptError,
        /// The retry's failure (None when no retry was possible).
        retry: Option<AttemptError>,
    },
    /// The query itself cannot be expressed (e.g. empty identifier).
    #[error("invalid query: {0}")]
    InvalidQuery(#[from] crate::iti9::BuildError),
}

impl PixError {
    /// Always [`OutcomeKind::Unavailable`].
    ///
    /// ```
    /// assert_eq!(bedside_pix::client::PixError::CircuitOpen { retry_after_ms: 0 }.kind().as_str(), "unavailable");
    /// ```
    #[must_use]
    pub fn kind(&self) -> OutcomeKind {
        OutcomeKind::Unavailable
    }
}

/// A boxed future returned by [`PixClient::query`].
pub type QueryFuture<'a> = Pin<Box<dyn Future<Output = Result<PixOutcome, PixError>> + Send + 'a>>;

/// One interface over ITI-9 (MLLP) and ITI-83 (PIXm); object-safe, so the service can hold
/// an `Arc<dyn PixClient>` chosen from configuration.
///
/// ```
/// fn takes(_c: &dyn bedside_pix::client::PixClient) {}
/// ```
pub trait PixClient: Send + Sync {
    /// Asks the manager which identifiers correspond to `query`. `Ok` only when the
    /// manager answered our query; every failure is a [`PixError`].
    fn query<'a>(&'a self, query: &'a PixQuery) -> QueryFuture<'a>;
}
