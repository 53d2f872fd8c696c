//! The rules of the Bedside service, pure.
//!
//! Everything the service decides is decided here, from values it has already read:
//!
//! - [`identify`] — a wristband scan, the record open on screen, the identity index and
//!   the PIX manager's answer → `match`, `no_match`, `ambiguous` or `unavailable`, with
//!   reasons; a match only through the judgement.
//! - [`medicines`] — the scans of a dose, what the store holds (catalogue, orders, recalls,
//!   doses given, staff) and the clock → give, warn or stop, with every problem.
//! - [`time`] — Unix milliseconds, civil dates, Europe/London wall-clock time (embedded
//!   rules), the conservative UK date for expiry.
//! - [`access`] — roles.
//! - [`audit`] — the audit trail's typed facts, its canonical form and its hash chain.
//!
//! Architecture invariant: this crate does no I/O and never depends on tokio, sqlx,
//! rusqlite, axum or hyper. It cannot fail for reasons outside its inputs: a store
//! failure reaches it as a value (e.g. [`identify::IndexUnreadable`]) and becomes a
//! refusal. Every reason and problem code is an enum whose serialised name is the
//! service's HTTP and CLI contract, and each is reached by a row of the case tables in
//! `tests/`.
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod identify;
pub mod medicines;
mod names;
pub mod time;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
