//! GS1 Application Identifier syntax for Bedside: parse, validate and render
//! GS1 element strings, scan data and GS1 Digital Link URIs.
//!
//! Every input form — bracketed `(01)…`, unbracketed `^01…`, raw element
//! strings with GS separators, reader scan data with an AIM symbology
//! identifier (`]d2…`), and Digital Link URIs — ends in the same checks: the AI
//! dictionary (release 2026-01-27, 541 AIs), every component's length,
//! character set and syntax tests (check digits, dates, code lists, …), then
//! the message rules (`ex=` pairs, `req=` requisites, conflicting repeats,
//! DigSig serials). Errors are typed, carry the AI and the byte offset, and
//! belong to a stable [`ErrorClass`].
//!
//! ```
//! use bedside_gs1::{parse_scan, ErrorClass};
//!
//! // A patient wristband: GSRN (8018) and service relation instance (8019).
//! let scan = parse_scan(b"]d2801895200009990001235\x1d80191").unwrap_err();
//! assert_eq!(scan.class(), ErrorClass::BadLength);
//!
//! let scan = parse_scan(b"]d28018952000099900012352\x1d80191").unwrap();
//! let band = scan.message().unwrap();
//! assert_eq!(band.to_bracketed(), "(8018)952000099900012352(8019)1");
//! ```
//!
//! The crate is `no_std` (with `alloc`), has no `unsafe`, and never panics on
//! any input: parsers return errors, and a valid element string is parsed
//! without allocating.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod ai;
pub mod dict;
mod error;
pub mod keys;
pub mod lint;
mod message;
mod parse;
mod render;

pub use ai::{Ai, AiSyntaxError};
pub use error::{Error, ErrorClass, ErrorKind, printable};
pub use lint::{LintCode, LintError, Linter};
pub use message::{Element, MAX_AIS, MAX_INPUT, Message};
pub use parse::{Content, GS, Options, Parser, Scan, Symbology};
pub use render::CANONICAL_DL_STEM;

/// Parses any input form with the embedded dictionary and strict defaults;
/// see [`Parser::parse`].
///
/// ```
/// let s = bedside_gs1::parse(b"(01)09506000134352(17)261231").unwrap();
/// assert_eq!(s.message().unwrap().len(), 2);
/// ```
pub fn parse(input: &[u8]) -> Result<Scan<'_>, Error> {
    Parser::default().parse(input)
}

/// Parses bracketed AI syntax; see [`Parser::bracketed`].
///
/// ```
/// assert!(bedside_gs1::parse_bracketed("(01)09506000134352").is_ok());
/// ```
pub fn parse_bracketed(input: &str) -> Result<Message<'_>, Error> {
    Parser::default().bracketed(input)
}

/// Parses the unbracketed `^` form; see [`Parser::unbracketed`].
///
/// ```
/// assert!(bedside_gs1::parse_unbracketed("^0109506000134352").is_ok());
/// ```
pub fn parse_unbracketed(input: &str) -> Result<Message<'_>, Error> {
    Parser::default().unbracketed(input)
}

/// Parses a raw element string with GS separators; see [`Parser::element_string`].
///
/// ```
/// assert!(bedside_gs1::parse_element_string(b"0109506000134352").is_ok());
/// ```
pub fn parse_element_string(input: &[u8]) -> Result<Message<'_>, Error> {
    Parser::default().element_string(input)
}

/// Parses scan data with an AIM symbology identifier; see [`Parser::scan`].
///
/// ```
/// assert!(bedside_gs1::parse_scan(b"]d20109506000134352").unwrap().is_gs1());
/// ```
pub fn parse_scan(input: &[u8]) -> Result<Scan<'_>, Error> {
    Parser::default().scan(input)
}

/// Parses a GS1 Digital Link URI; see [`Parser::digital_link`].
///
/// ```
/// assert!(bedside_gs1::parse_digital_link("https://id.gs1.org/01/09506000134352").is_ok());
/// ```
pub fn parse_digital_link(input: &str) -> Result<Message<'_>, Error> {
    Parser::default().digital_link(input)
}
