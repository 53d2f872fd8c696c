//! GS1 CSET 82 text and the percent-encoding (`pcenc`) used by the person-name AIs.

use alloc::string::String;
use alloc::vec::Vec;

use thiserror::Error;

/// Why a GS1 text value is not acceptable. Positions are 0-based byte offsets in the encoded
/// value (CSET 82 is ASCII, so byte and character positions agree up to the first error).
///
/// ```
/// use bedside_patient::{percent_decode, TextError};
/// assert_eq!(percent_decode("M%C3"), Err(TextError::InvalidUtf8 { position: 1 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TextError {
    /// A character outside GS1 CSET 82 (e.g. space, `#`, non-ASCII).
    #[error("text: character {found:?} at position {position} is not in GS1 CSET 82")]
    NotCset82 {
        /// 0-based offset.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// A `%` not followed by two hexadecimal digits.
    #[error("text: '%' at position {position} does not start a valid %hh escape")]
    BadEscape {
        /// 0-based offset of the `%`.
        position: usize,
    },
    /// The decoded bytes are not valid UTF-8; `position` is the offset in the encoded value
    /// where the invalid sequence starts.
    #[error("text: decoded bytes are not valid UTF-8 at position {position}")]
    InvalidUtf8 {
        /// 0-based offset in the encoded value.
        position: usize,
    },
    /// The decoded text contains a control character (U+0000-U+001F, U+007F-U+009F).
    #[error("text: decoded control character at position {position}")]
    ControlCharacter {
        /// 0-based offset in the encoded value.
        position: usize,
    },
}

/// True for a character of GS1 CSET 82.
pub(crate) fn is_cset82(c: char) -> bool {
    matches!(c,
        '!' | '"' | '%' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '-' | '.' | '/'
        | '0'..='9' | ':' | ';' | '<' | '=' | '>' | '?' | 'A'..='Z' | '_' | 'a'..='z')
}

/// Checks that every character is in GS1 CSET 82.
pub(crate) fn check_cset82(s: &str) -> Result<(), TextError> {
    match s.char_indices().find(|&(_, c)| !is_cset82(c)) {
        Some((position, found)) => Err(TextError::NotCset82 { position, found }),
        None => Ok(()),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a percent-encoded GS1 CSET 82 value (AIs 7253, 7254, 7256, 7257, 7259) to UTF-8
/// text for display. The value must be CSET 82, every `%` must start a `%hh` escape, the
/// decoded bytes must be valid UTF-8 and contain no control characters.
///
/// ```
/// use bedside_patient::percent_decode;
/// assert_eq!(percent_decode("M%C3%BCller")?, "Müller");
/// assert_eq!(percent_decode("O'Brien")?, "O'Brien");
/// assert_eq!(percent_decode("Nguy%E1%BB%85n")?, "Nguyễn");
/// assert!(percent_decode("Van Dyke").is_err()); // raw space is not CSET 82
/// # Ok::<(), bedside_patient::TextError>(())
/// ```
pub fn percent_decode(value: &str) -> Result<String, TextError> {
    check_cset82(value)?;
    let bytes = value.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    // Offset in `value` of each output byte, to report UTF-8 errors where they start.
    let mut origin: Vec<usize> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    origin.push(i);
                    i += 3;
                }
                _ => return Err(TextError::BadEscape { position: i }),
            }
        } else {
            out.push(b);
            origin.push(i);
            i += 1;
        }
    }
    let text = match String::from_utf8(out) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let position = origin.get(at).copied().unwrap_or(value.len());
            return Err(TextError::InvalidUtf8 { position });
        }
    };
    // Map decoded char offsets back to encoded offsets for control characters.
    if let Some((at, _)) = text.char_indices().find(|&(_, c)| c.is_control()) {
        let position = origin.get(at).copied().unwrap_or(value.len());
        return Err(TextError::ControlCharacter { position });
    }
    Ok(text)
}

/// Percent-encodes text into GS1 CSET 82 for the person-name AIs: every byte that is not a
/// CSET 82 character, and `%` itself, becomes `%hh` (upper-case hex). Used by the synthetic
/// generator and tests; a decoded name must never be fed back into a live GS1 string.
///
/// ```
/// use bedside_patient::{percent_decode, percent_encode};
/// assert_eq!(percent_encode("Zoë"), "Zo%C3%AB");
/// assert_eq!(percent_encode("Van Dyke"), "Van%20Dyke");
/// assert_eq!(percent_decode(&percent_encode("100% Nguyễn"))?, "100% Nguyễn");
/// # Ok::<(), bedside_patient::TextError>(())
/// ```
#[must_use]
pub fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        let c = char::from(b);
        if b.is_ascii() && is_cset82(c) && b != b'%' {
            out.push(c);
        } else {
            out.push('%');
            out.push(char::from(
                HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
            ));
            out.push(char::from(
                HEX.get(usize::from(b & 0xF)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors() {
        assert_eq!(
            percent_decode("abc%"),
            Err(TextError::BadEscape { position: 3 })
        );
        assert_eq!(
            percent_decode("abc%4"),
            Err(TextError::BadEscape { position: 3 })
        );
        assert_eq!(
            percent_decode("a%G0"),
            Err(TextError::BadEscape { position: 1 })
        );
        assert_eq!(
            percent_decode("ab#"),
            Err(TextError::NotCset82 {
                position: 2,
                found: '#'
            })
        );
        assert_eq!(
            percent_decode("Zoë"),
            Err(TextError::NotCset82 {
                position: 2,
                found: 'ë'
            })
        );
        assert_eq!(
            percent_decode("ab%FF"),
            Err(TextError::InvalidUtf8 { position: 2 })
        );
        assert_eq!(
            percent_decode("ab%C3%28"),
            Err(TextError::InvalidUtf8 { position: 2 })
        );
        assert_eq!(
            percent_decode("a%0Ab"),
            Err(TextError::ControlCharacter { position: 1 })
        );
        assert_eq!(
            percent_decode("a%C2%85"),
            Err(TextError::ControlCharacter { position: 1 })
        );
        assert_eq!(percent_decode(""), Ok(String::new()));
        assert_eq!(percent_decode("%2541"), Ok("%41".into()));
    }

    #[test]
    fn encode_round_trip() {
        for s in [
            "O'Brien",
            "Zoë",
            "Nguyễn",
            "Van Der Berg",
            "100%",
            "a#b$c",
            "日本",
        ] {
            let e = percent_encode(s);
            assert!(check_cset82(&e).is_ok(), "{e}");
            assert_eq!(percent_decode(&e).as_deref(), Ok(s));
        }
    }
}
