//! Character-set linters and other per-character checks.

use super::{LintCode, LintError, LintResult};

/// A 256-entry membership table, built at compile time from a list of
/// ranges (inclusive).
pub(crate) const fn byte_set(ranges: &[(u8, u8)]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < ranges.len() {
        let (lo, hi) = ranges[i];
        let mut b = lo as usize;
        while b <= hi as usize {
            table[b] = true;
            b += 1;
        }
        i += 1;
    }
    table
}

/// GS1 character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
pub(crate) static CSET82: [bool; 256] = byte_set(&[
    (b'!', b'"'),
    (b'%', b'/'),
    (b'0', b'9'),
    (b':', b'?'),
    (b'A', b'Z'),
    (b'_', b'_'),
    (b'a', b'z'),
]);

/// GS1 character set 39: `#-/0-9A-Z`.
static CSET39: [bool; 256] = byte_set(&[
    (b'#', b'#'),
    (b'-', b'-'),
    (b'/', b'/'),
    (b'0', b'9'),
    (b'A', b'Z'),
]);

/// GS1 character set 64 without its padding: `-0-9A-Z_a-z`. The same set
/// is the importer index alphabet.
pub(crate) static CSET64: [bool; 256] = byte_set(&[
    (b'-', b'-'),
    (b'0', b'9'),
    (b'A', b'Z'),
    (b'_', b'_'),
    (b'a', b'z'),
]);

/// Whether `cset82` passes: every byte in CSET 82.
#[inline]
pub(crate) fn cset82_admits(data: &[u8]) -> bool {
    data.iter().all(|&b| CSET82[usize::from(b)])
}

/// Whether `cset39` passes: every byte in CSET 39.
#[inline]
pub(crate) fn cset39_admits(data: &[u8]) -> bool {
    data.iter().all(|&b| CSET39[usize::from(b)])
}

/// Offset of the first byte of `data` not in `set`.
fn first_outside(data: &[u8], set: &[bool; 256]) -> Option<usize> {
    data.iter().position(|&b| !set[usize::from(b)])
}

/// Offset of the first byte that is not an ASCII digit.
///
/// Eight bytes at a time ([`eight_digits`]), the tail as the last eight
/// bytes; the chunk that fails (or a tail shorter than a word) is searched
/// byte by byte.
pub(crate) fn first_non_digit(data: &[u8]) -> Option<usize> {
    let mut at = 0;
    for chunk in data.chunks_exact(8) {
        if !eight_digits(chunk) {
            break;
        }
        at += 8;
    }
    // Every whole word passed: the tail is the end of the last eight bytes.
    let whole = data.len() - data.len() % 8;
    if at == whole && data.len() >= 8 && eight_digits(&data[data.len() - 8..]) {
        return None;
    }
    let rest = data.get(at..).unwrap_or_default();
    rest.iter()
        .position(|b| !b.is_ascii_digit())
        .map(|i| at + i)
}

const ONES: u64 = u64::from_le_bytes([1; 8]);

/// Whether all eight bytes of `chunk` are ASCII digits (`false` for a chunk
/// of any other length), in one word: a byte `b` is a digit exactly when
/// none of `b`, `b - 0x30` and `b + 0x46` has its top bit set. Borrows and
/// carries cannot hide a non-digit: they start only at a byte that is itself
/// out of range, and leave the lowest such byte's top bit as computed.
#[inline]
pub(crate) fn eight_digits(chunk: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
        return false;
    };
    let w = u64::from_le_bytes(bytes);
    (w | w.wrapping_sub(0x30 * ONES) | w.wrapping_add(0x46 * ONES)) & (0x80 * ONES) == 0
}

/// Fails with [`LintCode::NonDigitCharacter`] at the first non-digit.
pub(crate) fn digits_only(data: &[u8]) -> LintResult {
    match first_non_digit(data) {
        Some(pos) => Err(LintError::at(LintCode::NonDigitCharacter, pos, 1)),
        None => Ok(()),
    }
}

pub(super) fn numeric(data: &[u8]) -> LintResult {
    digits_only(data)
}

pub(super) fn cset82(data: &[u8]) -> LintResult {
    match first_outside(data, &CSET82) {
        Some(pos) => Err(LintError::at(LintCode::InvalidCset82Character, pos, 1)),
        None => Ok(()),
    }
}

pub(super) fn cset39(data: &[u8]) -> LintResult {
    match first_outside(data, &CSET39) {
        Some(pos) => Err(LintError::at(LintCode::InvalidCset39Character, pos, 1)),
        None => Ok(()),
    }
}

/// CSET 64 with optional `=` padding.
///
/// Engine behaviour (`lint_cset64.c`): padding is at most two `=` at the end,
/// and when present the *whole* component length (padding included) must be a
/// multiple of 3, not of 4 as in RFC 4648. So `"12="` and `"1=="` pass while
/// `"123="` fails. Padding errors are reported before character errors and
/// highlight the run of trailing `=`. An `=` anywhere else is a character
/// error.
pub(super) fn cset64(data: &[u8]) -> LintResult {
    let pads = data.iter().rev().take_while(|&&b| b == b'=').count();
    let body = data.len() - pads;
    if pads > 2 || (pads > 0 && !data.len().is_multiple_of(3)) {
        return Err(LintError::at(LintCode::InvalidCset64Padding, body, pads));
    }
    match first_outside(data.get(..body).unwrap_or_default(), &CSET64) {
        Some(pos) => Err(LintError::at(LintCode::InvalidCset64Character, pos, 1)),
        None => Ok(()),
    }
}

/// At least one byte that is not a digit. On failure the whole component is
/// highlighted.
pub(super) fn hasnondigit(data: &[u8]) -> LintResult {
    if first_non_digit(data).is_some() {
        Ok(())
    } else {
        Err(LintError::at(
            LintCode::RequiresNonDigitCharacter,
            0,
            data.len(),
        ))
    }
}

/// Every `%` must start a `%hh` escape (either case of hex digit).
///
/// Engine behaviour (`lint_pcenc.c`): a `%` with fewer than two bytes after
/// it highlights from the `%` to the end; otherwise the three bytes `%hh` are
/// highlighted. Only the escape syntax is checked: `%00` passes.
pub(super) fn pcenc(data: &[u8]) -> LintResult {
    let mut pos = 0;
    while pos < data.len() {
        if data[pos] == b'%' {
            match (data.get(pos + 1), data.get(pos + 2)) {
                (Some(h), Some(l)) => {
                    if !(h.is_ascii_hexdigit() && l.is_ascii_hexdigit()) {
                        return Err(LintError::at(LintCode::InvalidPercentSequence, pos, 3));
                    }
                    pos += 3;
                }
                _ => {
                    return Err(LintError::at(
                        LintCode::InvalidPercentSequence,
                        pos,
                        data.len() - pos,
                    ));
                }
            }
        } else {
            pos += 1;
        }
    }
    Ok(())
}
