//! Tokio transports (feature `net`, off by default). Thin: every protocol decision is made
//! by the pure modules; these only move bytes, enforce timeouts and manage connections.
//!
//! - [`MllpClient`]: ITI-9 over MLLP (optionally TLS with feature `tls`): a small pool with
//!   one outstanding request per connection, a response timeout after which the connection
//!   is closed (never reused), one retry on a fresh connection with new control ids, and a
//!   circuit breaker.
//! - [`MllpListener`]: ITI-8/ITI-10 receiver that hands each event to the application as a
//!   [`Delivery`] and answers `AA` only after the application accepted (stored) it; with
//!   [`MllpListener::run_with_orders`] it also hands configured order messages (e.g.
//!   `RDE^O11`, `OMP^O09`) over, uninterpreted, as [`OrderDelivery`].
//! - [`PixmClient`]: ITI-83 over HTTP(S) with hyper and rustls (ring provider).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use bedside_pix::client::PixClient;
//! use bedside_pix::domain::{Domain, PixQuery};
//! use bedside_pix::net::{MllpClient, MllpConfig};
//! let client = MllpClient::new(MllpConfig::new("127.0.0.1:2575"));
//! let q = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?);
//! match client.query(&q).await {
//!     Ok(outcome) if outcome.is_match() => println!("NHS number {:?}", outcome.nhs_number()),
//!     Ok(outcome) => println!("no match: {}", outcome.kind()),
//!     Err(e) => println!("cannot confirm: {e}"),
//! }
//! # Ok(()) }
//! ```

mod listener;
mod mllp_client;
mod pixm_client;

pub use listener::{Delivery, ListenerConfig, MessageSource, MllpListener, OrderDelivery};
#[cfg(feature = "tls")]
pub use mllp_client::MllpTls;
pub use mllp_client::{MllpClient, MllpConfig};
pub use pixm_client::{PixmClient, PixmConfig, PixmConfigError};

use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncRead, AsyncWrite};

/// Any byte stream the transports can use (plain TCP or TLS).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A boxed stream.
pub(crate) type BoxIo = Box<dyn Io>;

pub(crate) fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
