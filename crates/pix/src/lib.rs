//! `bedside-pix`: the IHE PIX **Consumer** of the Bedside positive patient identification
//! service. It asks the regional PIX Manager which NHS number belongs to a local identifier
//! (ITI-9 over MLLP or ITI-83 PIXm over HTTPS) and listens for ITI-10/ITI-8 notifications.
//!
//! Safety rule: only [`outcome::PixOutcome::Found`] is a match, it is built in one place
//! ([`outcome::decide`]), and every error, timeout, correlation failure or ambiguous answer
//! is something else.
//!
//! # Layout
//! The default build is pure protocol logic — bytes in, values out, no I/O, no tokio:
//! - [`er7`]: HL7 v2 ER7 zero-copy parser and encoder, escapes, MSH-18 character sets;
//! - [`mllp`]: incremental MLLP frame decoder/encoder;
//! - [`domain`]: identifier domains (OID / FHIR URI / v2 HD) and the query;
//! - [`iti9`]: QBP^Q23 builder and RSP^K23 interpreter;
//! - [`pixm`]: ITI-83 request target and response interpreter;
//! - [`feed`]: ITI-8/ITI-10 ADT interpretation and ACK builder;
//! - [`outcome`]: typed outcomes and the NHS number decision;
//! - [`breaker`]: circuit breaker state machine;
//! - [`client`]: the [`client::PixClient`] trait and [`client::PixError`].
//!
//! Feature `net` (off by default) adds `net`: the tokio MLLP client (pool, retry,
//! circuit breaker), the MLLP listener for ITI-8/ITI-10, and the hyper/rustls PIXm client.
//! Feature `tls` adds MLLP over TLS (tokio-rustls, ring provider).
//!
//! ```
//! use bedside_pix::{domain::{Domain, PixQuery}, outcome::OutcomeKind};
//! let q = PixQuery::nhs_number_for("K1234567", Domain::parse("2.999.826.0.1.1")?);
//! let body = br#"{"resourceType":"Parameters","parameter":[]}"#;
//! assert_eq!(bedside_pix::pixm::interpret_response(200, body, &q)?.kind(), OutcomeKind::NotFound);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod batch;
pub mod breaker;
pub mod client;
pub mod domain;
pub mod er7;
pub mod feed;
pub mod iti9;
pub mod mllp;
pub mod outcome;
pub mod pixm;

#[cfg(feature = "net")]
pub mod net;
