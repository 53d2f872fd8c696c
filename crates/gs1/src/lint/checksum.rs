//! Check digits: GS1 mod-10, the GS1 alphanumeric check-character pair, and
//! the IBAN mod-97 check.

use super::cset::first_non_digit;
use super::{LintCode, LintError, LintResult, lists};

/// The expected GS1 mod-10 check digit for a complete key (GTIN, SSCC, GSRN,
/// GLN, ...), as an ASCII digit.
///
/// `digits` is the whole key *including* its check-digit position; the check
/// digit is computed from every byte except the last (which is ignored),
/// with weights 3, 1, 3, ... starting from the byte next to the check digit.
/// Returns `None` if `digits` is empty or any byte before the last is not an
/// ASCII digit.
///
/// ```
/// use bedside_gs1::lint::gs1_check_digit;
/// assert_eq!(gs1_check_digit(b"09506000134352"), Some(b'2'));
/// assert_eq!(gs1_check_digit(b"0950600013435?"), Some(b'2'));
/// assert_eq!(gs1_check_digit(b"0"), Some(b'0'));
/// assert_eq!(gs1_check_digit(b""), None);
/// assert_eq!(gs1_check_digit(b"09A0"), None);
/// ```
pub fn gs1_check_digit(digits: &[u8]) -> Option<u8> {
    let (_, body) = digits.split_last()?;
    match first_non_digit(body) {
        Some(_) => None,
        None => Some(mod10_check_digit(weighted_sum(body))),
    }
}

/// The GS1 weighted digit sum of `body` (the key without its check digit,
/// all ASCII digits): the byte next to the check digit weighs 3, then 1, 3,
/// ... leftwards.
///
/// Eight digits at a time from the right: in each little-endian word the
/// odd bytes weigh 3. The sum is reduced mod 10 once, at the end: a `u64`
/// cannot overflow for any slice that fits in memory.
#[inline]
fn weighted_sum(body: &[u8]) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const EVEN_BYTES: u64 = 0x00ff_00ff_00ff_00ff;
    // Digits are validated, so no byte borrows: each becomes 0 to 9.
    let word = |chunk: &[u8]| {
        <[u8; 8]>::try_from(chunk).map_or(0, |b| u64::from_le_bytes(b).wrapping_sub(0x30 * ONES))
    };
    // Four 16-bit lanes of 3 * odd byte + even byte (at most 36 each), then
    // their total (at most 144) in the top lane.
    let weigh = |d: u64| {
        let lanes = 3 * ((d >> 8) & EVEN_BYTES) + (d & EVEN_BYTES);
        lanes.wrapping_mul(0x0001_0001_0001_0001) >> 48
    };
    let mut chunks = body.rchunks_exact(8);
    let mut sum = 0;
    for chunk in &mut chunks {
        sum += weigh(word(chunk));
    }
    // The leading digits that do not fill a word.
    let head = chunks.remainder();
    if head.is_empty() {
        return sum;
    }
    match body.get(..8) {
        Some(first) => {
            // The first word, cut to the head; the head's byte `i` weighs 3
            // when `len - 1 - i` is even, so for an odd length it moves up
            // one byte to an odd place.
            let mut d = word(first) & ((1 << (8 * head.len())) - 1);
            if body.len() % 2 == 1 {
                d <<= 8;
            }
            sum + weigh(d)
        }
        None => {
            let mut three = head.len() % 2 == 1;
            for &b in head {
                sum += u64::from(b.wrapping_sub(b'0')) * if three { 3 } else { 1 };
                three = !three;
            }
            sum
        }
    }
}

/// The check digit (ASCII) that completes a weighted sum to a multiple of 10.
#[inline]
fn mod10_check_digit(sum: u64) -> u8 {
    // Both remainders are below 10, so the result is a single digit.
    b'0' + ((10 - sum % 10) % 10) as u8
}

/// `csum`: the last byte is the GS1 mod-10 check digit of the others.
///
/// An empty component fails with [`LintCode::TooShortForCheckDigit`]; a
/// non-digit anywhere is reported at its position before the check digit is
/// compared.
pub(super) fn csum(data: &[u8]) -> LintResult {
    let Some((&check, body)) = data.split_last() else {
        return Err(LintError::at(LintCode::TooShortForCheckDigit, 0, 0));
    };
    if let Some(pos) = first_non_digit(data) {
        return Err(LintError::at(LintCode::NonDigitCharacter, pos, 1));
    }
    if mod10_check_digit(weighted_sum(body)) == check {
        Ok(())
    } else {
        Err(LintError::at(LintCode::IncorrectCheckDigit, body.len(), 1))
    }
}

/// CSET 82 in its defined order: a character's value for the check-character
/// pair calculation is its index here.
const CSET82_ORDER: &[u8; 82] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/// CSET 32, the alphabet of the check-character pair, in value order.
const CSET32_ORDER: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Byte -> CSET 82 value, or `NOT_CSET82`.
const NOT_CSET82: u8 = u8::MAX;
static CSET82_VALUE: [u8; 256] = {
    let mut t = [NOT_CSET82; 256];
    let mut i = 0;
    while i < CSET82_ORDER.len() {
        t[CSET82_ORDER[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The longest data (before the pair) the check-pair weights cover; the
/// engine supports the same maximum, 97 weights for a 99-character AI.
const MAX_PAIR_DATA: usize = 97;

/// The first [`MAX_PAIR_DATA`] primes: the weights, right to left, of the
/// check-character pair calculation.
static PRIMES: [u16; MAX_PAIR_DATA] = {
    let mut p = [0u16; MAX_PAIR_DATA];
    let mut n: u16 = 2;
    let mut found = 0;
    while found < MAX_PAIR_DATA {
        let mut d: u16 = 2;
        let mut is_prime = true;
        while d * d <= n {
            if n.is_multiple_of(d) {
                is_prime = false;
                break;
            }
            d += 1;
        }
        if is_prime {
            p[found] = n;
            found += 1;
        }
        n += 1;
    }
    p
};

/// Outcome of the pair calculation over the data part.
enum PairCalc {
    Pair([u8; 2]),
    BadChar(usize),
}

/// Computes the pair for `body` (at most [`MAX_PAIR_DATA`] bytes).
fn pair_for(body: &[u8]) -> PairCalc {
    let mut sum: u32 = 0;
    for (pos, &b) in body.iter().enumerate() {
        let value = CSET82_VALUE[usize::from(b)];
        if value == NOT_CSET82 {
            return PairCalc::BadChar(pos);
        }
        // Rightmost data character takes the first prime.
        let weight = body
            .len()
            .checked_sub(pos + 1)
            .and_then(|i| PRIMES.get(i))
            .copied()
            .unwrap_or(0);
        // At most 81 * 509 per step; reduce every step so any length is safe.
        sum = (sum + u32::from(value) * u32::from(weight)) % 1021;
    }
    // sum < 1021 < 1024: two 5-bit halves index CSET 32.
    let hi = CSET32_ORDER[((sum >> 5) & 31) as usize];
    let lo = CSET32_ORDER[(sum & 31) as usize];
    PairCalc::Pair([hi, lo])
}

/// The expected GS1 check-character pair for a complete component (for
/// example a GMN, AI 8013), as two ASCII CSET 32 characters.
///
/// `component` *includes* its two check-character positions, which are
/// ignored; the pair is computed from the bytes before them. Returns `None`
/// if the component is shorter than 2 or longer than 99 bytes, or if a data
/// byte is outside CSET 82.
///
/// ```
/// use bedside_gs1::lint::csum_alpha_pair;
/// assert_eq!(csum_alpha_pair(b"1987654Ad4X4bL5ttr2310c2K"), Some(*b"2K"));
/// assert_eq!(csum_alpha_pair(b"1987654Ad4X4bL5ttr2310c??"), Some(*b"2K"));
/// assert_eq!(csum_alpha_pair(b"22"), Some(*b"22"));
/// assert_eq!(csum_alpha_pair(b"2"), None);
/// ```
pub fn csum_alpha_pair(component: &[u8]) -> Option<[u8; 2]> {
    let body_len = component.len().checked_sub(2)?;
    if body_len > MAX_PAIR_DATA {
        return None;
    }
    match pair_for(component.get(..body_len)?) {
        PairCalc::Pair(p) => Some(p),
        PairCalc::BadChar(_) => None,
    }
}

/// `csumalpha`: the last two bytes are the check-character pair of the rest.
///
/// Engine behaviour (`lint_csumalpha.c`): the length limit (99) is checked
/// first and highlights the whole component; check characters outside
/// CSET 32 are reported as an incorrect pair, not as a character error.
pub(super) fn csumalpha(data: &[u8]) -> LintResult {
    let len = data.len();
    if len > MAX_PAIR_DATA + 2 {
        return Err(LintError::at(LintCode::TooLongForCheckPair, 0, len));
    }
    let Some(body_len) = len.checked_sub(2) else {
        return Err(LintError::at(LintCode::TooShortForCheckPair, 0, len));
    };
    let (body, pair) = data.split_at(body_len);
    match pair_for(body) {
        PairCalc::BadChar(pos) => Err(LintError::at(LintCode::InvalidCset82Character, pos, 1)),
        PairCalc::Pair(expected) if expected == pair => Ok(()),
        PairCalc::Pair(_) => Err(LintError::at(LintCode::IncorrectCheckPair, body_len, 2)),
    }
}

/// The engine's IBAN length bounds: longer than 10, at most 34.
const IBAN_MIN_EXCLUSIVE: usize = 10;
const IBAN_MAX: usize = 34;

/// `iban`: known country code, 11 to 34 characters of `0-9A-Z`, and the
/// ISO 13616 mod-97 check digits.
///
/// Engine behaviour (`lint_iban.c`): there is **no per-country length table**;
/// only the bounds above are checked. Checks run in this order: fewer than 4
/// bytes (too short), country code (highlighting the first two bytes), too
/// long, 10 or fewer bytes (too short), then characters in IBAN rotation order
/// (from offset 4 to the end, then offsets 0 to 3), then the check digits
/// (highlighting offsets 2 and 3). Lower-case letters are invalid characters.
pub(super) fn iban(data: &[u8]) -> LintResult {
    let len = data.len();
    if len < 4 {
        return Err(LintError::at(LintCode::IbanTooShort, 0, len));
    }
    if lists::iso3166alpha2(data.get(..2).unwrap_or_default()).is_err() {
        return Err(LintError::at(LintCode::IllegalIbanCountryCode, 0, 2));
    }
    if len > IBAN_MAX {
        return Err(LintError::at(LintCode::IbanTooLong, 0, len));
    }
    if len <= IBAN_MIN_EXCLUSIVE {
        return Err(LintError::at(LintCode::IbanTooShort, 0, len));
    }
    let mut rem: u32 = 0;
    for pos in (4..len).chain(0..4) {
        let b = data.get(pos).copied().unwrap_or(0);
        rem = match b {
            b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return Err(LintError::at(LintCode::InvalidIbanCharacter, pos, 1)),
        };
    }
    if rem == 1 {
        Ok(())
    } else {
        Err(LintError::at(LintCode::IncorrectIbanChecksum, 2, 2))
    }
}
