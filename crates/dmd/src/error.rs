//! Errors of [`read`](crate::read).

use std::sync::Arc;

use crate::DecimalError;

/// A fault in a dm+d file, with where it is.
///
/// Its `Display` reads
/// `f_vmp2_3260821.xml line 14, element VMP/UDFS: not a decimal: "1,5"`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file} line {line}, element {element}: {kind}")]
pub struct DmdError {
    /// The file name given to [`read`](crate::read).
    pub file: String,
    /// 1-based line of the element's start tag (or of the bad markup).
    pub line: u32,
    /// The element, as `RECORD/FIELD` (`VMP/UDFS`, `AMPP/GTINDATA/GTIN`,
    /// `ROUTE/INFO/CD`), or the root / `-` when no element applies.
    pub element: String,
    /// What is wrong.
    pub kind: DmdErrorKind,
}

/// What is wrong in a dm+d file.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DmdErrorKind {
    /// Not well-formed XML (or not UTF-8).
    #[error("malformed XML: {0}")]
    Malformed(quick_xml::Error),
    /// The input ended inside an element.
    #[error("file ends inside <{open}>")]
    Truncated {
        /// The innermost open element.
        open: String,
    },
    /// The file has no root element at all.
    #[error("no root element")]
    NoRoot,
    /// The root element is not the one of the file kind.
    #[error("root element is <{found}>, a {kind} file has <{expected}>")]
    WrongRoot {
        /// The root found.
        found: String,
        /// The root expected.
        expected: &'static str,
        /// The file kind asked for.
        kind: crate::FileKind,
    },
    /// A required element of the record is absent.
    #[error("missing required element {0}")]
    Missing(&'static str),
    /// The same element appears twice in one record.
    #[error("duplicate element")]
    Duplicate,
    /// An element that holds a value contains elements.
    #[error("element inside a value element: <{0}>")]
    NotText(String),
    /// A required value is empty.
    #[error("empty value")]
    Empty,
    /// An id is not 1 to 18 digits.
    #[error("not an id (1 to 18 digits): {0:?}")]
    BadId(String),
    /// A code is not digits.
    #[error("not a code (digits): {0:?}")]
    BadCode(String),
    /// A flag (`INVALID`) is not a number 0 or 1.
    #[error("not a flag (0 or 1): {0:?}")]
    BadFlag(String),
    /// A number is not a decimal.
    #[error("not a decimal: {text:?}")]
    BadNumber {
        /// The text as written.
        text: String,
        /// Why.
        reason: DecimalError,
    },
    /// A date is not `CCYY-MM-DD`, or no such day.
    #[error("not a date (CCYY-MM-DD): {0:?}")]
    BadDate(String),
    /// A GTIN is not a GTIN.
    #[error("bad GTIN {text:?}: {fault}")]
    BadGtin {
        /// The text as written.
        text: String,
        /// Why.
        fault: GtinFault,
    },
    /// An entity reference other than the five XML ones or a character reference.
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
}

/// Why a dm+d GTIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GtinFault {
    /// Not 13 or 14 characters.
    #[error("{0} characters, a GTIN has 13 or 14")]
    Length(usize),
    /// A character that is not a digit.
    #[error("not all digits")]
    NonDigit,
    /// The GS1 check digit does not match.
    #[error("check digit {found}, expected {expected}")]
    CheckDigit {
        /// The last digit as written.
        found: u8,
        /// The check digit of the other digits.
        expected: u8,
    },
}

/// Why [`read`](crate::read) stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    /// The file is faulty.
    #[error(transparent)]
    Dmd(#[from] DmdError),
    /// The input could not be read.
    #[error("{file}: read failed: {source}")]
    Io {
        /// The file name given to `read`.
        file: String,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The sink refused a record; its error as it returned it.
    #[error("record not stored: {0}")]
    Sink(E),
}

impl<E> ReadError<E> {
    /// The file fault, if that is why reading stopped.
    #[must_use]
    pub fn as_dmd(&self) -> Option<&DmdError> {
        match self {
            ReadError::Dmd(e) => Some(e),
            _ => None,
        }
    }
}

/// Normalises a dm+d GTIN (13 or 14 digits) to the 14 digits of AI (01),
/// checking the GS1 check digit.
///
/// ```
/// use bedside_dmd::{gtin14, GtinFault};
/// assert_eq!(gtin14("5037563003235"), Ok("05037563003235".to_owned()));
/// assert_eq!(gtin14("5037563003236"), Err(GtinFault::CheckDigit { found: 6, expected: 5 }));
/// ```
///
/// # Errors
///
/// [`GtinFault`] for a wrong length, a non-digit or a wrong check digit.
pub fn gtin14(text: &str) -> Result<String, GtinFault> {
    let bytes = text.as_bytes();
    if bytes.len() != 13 && bytes.len() != 14 {
        return Err(GtinFault::Length(text.chars().count()));
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err(GtinFault::NonDigit);
    }
    let mut padded = String::with_capacity(14);
    if bytes.len() == 13 {
        padded.push('0');
    }
    padded.push_str(text);
    let digits = padded.as_bytes();
    let expected = gs1_check(&digits[..13]);
    let found = digits[13] - b'0';
    if found != expected {
        return Err(GtinFault::CheckDigit { found, expected });
    }
    Ok(padded)
}

/// GS1 mod-10 check digit of `body` (ASCII digits): weights 3, 1, 3, … from
/// the right.
pub(crate) fn gs1_check(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    // `sum % 10` is below 10, so the cast keeps the value.
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_forms() {
        // The real extract's GTIN-13s (notes §1.3).
        assert_eq!(gtin14("5037563003235").as_deref(), Ok("05037563003235"));
        assert_eq!(gtin14("5012617019844").as_deref(), Ok("05012617019844"));
        assert_eq!(gtin14("05037563003235").as_deref(), Ok("05037563003235"));
        assert_eq!(gtin14("503756300323"), Err(GtinFault::Length(12)));
        assert_eq!(gtin14("50375630032A5"), Err(GtinFault::NonDigit));
        assert_eq!(gtin14("503756300323é"), Err(GtinFault::NonDigit));
    }
}
