//! Value rules: company prefix position, zero rules, coordinates, piece of
//! total, position in sequence, hyphens.

use super::cset::{digits_only, first_non_digit};
use super::{LintCode, LintError, LintResult};

/// The shortest GS1 Company Prefix.
const GCP_MIN_LEN: usize = 4;

/// `gcppos1`: the component starts with a plausible GS1 Company Prefix, that
/// is, at least four characters of which the first four are digits.
///
/// This is a format check only: Bedside has no registry of allocated
/// prefixes (the engine's optional lookup hook is not provided).
pub(super) fn gcppos1(data: &[u8]) -> LintResult {
    let Some(prefix) = data.get(..GCP_MIN_LEN) else {
        return Err(LintError::at(LintCode::TooShortForGcp, 0, data.len()));
    };
    match first_non_digit(prefix) {
        Some(pos) => Err(LintError::at(LintCode::InvalidGcpPrefix, pos, 1)),
        None => Ok(()),
    }
}

/// `gcppos2`: as `gcppos1`, starting at the second character (after an
/// indicator or extension digit). A component of 0 or 1 bytes is too short
/// and highlighted whole; otherwise positions refer to the full component.
pub(super) fn gcppos2(data: &[u8]) -> LintResult {
    match data.split_first() {
        Some((_, rest)) if !rest.is_empty() => gcppos1(rest).map_err(|e| e.shifted(1)),
        _ => Err(LintError::at(LintCode::TooShortForGcp, 0, data.len())),
    }
}

/// `nonzero`: digits, not all zero. An empty component counts as zero.
pub(super) fn nonzero(data: &[u8]) -> LintResult {
    digits_only(data)?;
    if data.iter().all(|&b| b == b'0') {
        return Err(LintError::at(LintCode::IllegalZeroValue, 0, data.len()));
    }
    Ok(())
}

/// `zero`: one or more `0` and nothing else; otherwise the whole component
/// is highlighted.
pub(super) fn zero(data: &[u8]) -> LintResult {
    if !data.is_empty() && data.iter().all(|&b| b == b'0') {
        Ok(())
    } else {
        Err(LintError::at(LintCode::NotZero, 0, data.len()))
    }
}

/// `nozeroprefix`: digits, the first not `0`. Engine order: the leading `0`
/// is reported before any non-digit. An empty component passes.
pub(super) fn nozeroprefix(data: &[u8]) -> LintResult {
    if data.first() == Some(&b'0') {
        return Err(LintError::at(LintCode::IllegalZeroPrefix, 0, 1));
    }
    digits_only(data)
}

/// Ten digits whose value is at most `max`.
fn coordinate(data: &[u8], max: u64, bad_len: LintCode, bad_value: LintCode) -> LintResult {
    if data.len() != 10 {
        return Err(LintError::at(bad_len, 0, data.len()));
    }
    digits_only(data)?;
    let value = data
        .iter()
        .fold(0u64, |v, &b| v * 10 + u64::from(b.wrapping_sub(b'0') % 10));
    if value > max {
        return Err(LintError::at(bad_value, 0, 10));
    }
    Ok(())
}

/// `latitude`: ten digits, 0000000000 to 1800000000 (degrees north of the
/// south pole in units of 1e-7, so 0900000000 is the equator).
pub(super) fn latitude(data: &[u8]) -> LintResult {
    coordinate(
        data,
        1_800_000_000,
        LintCode::LatitudeInvalidLength,
        LintCode::InvalidLatitude,
    )
}

/// `longitude`: ten digits, 0000000000 to 3600000000.
pub(super) fn longitude(data: &[u8]) -> LintResult {
    coordinate(
        data,
        3_600_000_000,
        LintCode::LongitudeInvalidLength,
        LintCode::InvalidLongitude,
    )
}

/// `pieceoftotal`: digits forming piece and total of equal width (so an
/// even, non-zero length), neither all zeros, piece not above total.
///
/// Engine order (`lint_pieceoftotal.c`): non-digits first, then the length,
/// then a zero piece (highlighting the piece), a zero total (highlighting the
/// total), then piece > total (highlighting everything).
pub(super) fn pieceoftotal(data: &[u8]) -> LintResult {
    digits_only(data)?;
    if data.is_empty() || !data.len().is_multiple_of(2) {
        return Err(LintError::at(
            LintCode::InvalidLengthForPieceOfTotal,
            0,
            data.len(),
        ));
    }
    let half = data.len() / 2;
    let (piece, total) = data.split_at(half);
    if piece.iter().all(|&b| b == b'0') {
        return Err(LintError::at(LintCode::ZeroPieceNumber, 0, half));
    }
    if total.iter().all(|&b| b == b'0') {
        return Err(LintError::at(LintCode::ZeroTotalPieces, half, half));
    }
    // Equal-width digit strings compare like the numbers they spell.
    if piece > total {
        return Err(LintError::at(
            LintCode::PieceNumberExceedsTotal,
            0,
            data.len(),
        ));
    }
    Ok(())
}

/// `posinseqslash`: `<position>/<end>`, both non-empty digit strings without
/// a leading zero (so both non-zero), position not above end.
///
/// Engine behaviour (`lint_posinseqslash.c`): any shape error highlights the
/// whole component; a zero prefix highlights the number concerned (the
/// position is checked first); position > end highlights everything.
pub(super) fn posinseqslash(data: &[u8]) -> LintResult {
    let malformed = LintError::at(LintCode::PositionInSequenceMalformed, 0, data.len());
    let slash = data.iter().position(|b| !b.is_ascii_digit());
    let Some(slash) = slash.filter(|&s| s > 0 && data.get(s) == Some(&b'/')) else {
        return Err(malformed);
    };
    let (position, rest) = data.split_at(slash);
    let end = rest.get(1..).unwrap_or_default();
    if end.is_empty() || first_non_digit(end).is_some() {
        return Err(malformed);
    }
    if position.first() == Some(&b'0') {
        return Err(LintError::at(LintCode::IllegalZeroPrefix, 0, slash));
    }
    if end.first() == Some(&b'0') {
        return Err(LintError::at(
            LintCode::IllegalZeroPrefix,
            slash + 1,
            end.len(),
        ));
    }
    // Without leading zeros, a longer number is larger; equal lengths
    // compare digit by digit.
    if (position.len(), position) > (end.len(), end) {
        return Err(LintError::at(LintCode::PositionExceedsEnd, 0, data.len()));
    }
    Ok(())
}

/// `hyphen`: one or more `-` and nothing else; otherwise the whole component
/// is highlighted.
pub(super) fn hyphen(data: &[u8]) -> LintResult {
    if !data.is_empty() && data.iter().all(|&b| b == b'-') {
        Ok(())
    } else {
        Err(LintError::at(LintCode::NotHyphen, 0, data.len()))
    }
}
