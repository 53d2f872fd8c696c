//! Calendar dates and times of day.

use super::cset::first_non_digit;
use super::{LintCode, LintError, LintResult};

/// Value of the two ASCII digits at `at` (callers have checked they are
/// digits; anything else reads as 0).
fn two_digits(data: &[u8], at: usize) -> u32 {
    let d = |i: usize| u32::from(data.get(i).copied().unwrap_or(b'0').wrapping_sub(b'0') % 10);
    d(at) * 10 + d(at + 1)
}

/// Checks the length and the digits of a fixed-width field.
fn fixed_digits(data: &[u8], width: usize, short: LintCode, long: LintCode) -> LintResult {
    if data.len() != width {
        let code = if data.len() < width { short } else { long };
        return Err(LintError::at(code, 0, data.len()));
    }
    match first_non_digit(data) {
        Some(pos) => Err(LintError::at(LintCode::NonDigitCharacter, pos, 1)),
        None => Ok(()),
    }
}

/// Days in `month` (already checked to be 1-12); the calendar lives in `keys`.
fn days_in_month(year: u32, month: u32) -> u32 {
    let year = u16::try_from(year).unwrap_or(u16::MAX);
    let month = u8::try_from(month).unwrap_or(0);
    u32::from(crate::keys::days_in_month(year, month))
}

/// Month and day rules for a date whose month starts at `month_at`.
/// Day `00` passes here; callers that forbid it check afterwards.
fn month_day(year: u32, data: &[u8], month_at: usize) -> LintResult {
    let month = two_digits(data, month_at);
    if !(1..=12).contains(&month) {
        return Err(LintError::at(LintCode::IllegalMonth, month_at, 2));
    }
    if two_digits(data, month_at + 2) > days_in_month(year, month) {
        return Err(LintError::at(LintCode::IllegalDay, month_at + 2, 2));
    }
    Ok(())
}

/// Rejects day `00` for a date whose day starts at `day_at`.
fn no_zero_day(data: &[u8], day_at: usize) -> LintResult {
    if two_digits(data, day_at) == 0 {
        Err(LintError::at(LintCode::IllegalDay, day_at, 2))
    } else {
        Ok(())
    }
}

/// The engine's fixed reference year for two-digit years (`CURRENT_YEAR` in
/// `lint_yymmd0.c`): 2021.
const REFERENCE_YY: u32 = 21;

/// The full year the engine assumes for a two-digit year when it decides
/// whether February has 29 days.
///
/// Engine behaviour (`lint_yymmd0.c`): the century comes from a window around
/// the fixed year 2021, not the current date: `YY - 21 >= 51` (that is,
/// YY 72..=99) means 19YY, everything else (YY 00..=71) means 20YY. Because
/// 2000 is a leap year and 1900 is never chosen, the practical effect is that
/// Feb 29 is valid exactly when YY is a multiple of 4.
const fn century_window(yy: u32) -> u32 {
    if yy >= REFERENCE_YY + 51 {
        1900 + yy
    } else {
        2000 + yy
    }
}

/// `yymmd0`: `YYMMDD`, a real date, but day `00` ("day unknown") is allowed.
pub(super) fn yymmd0(data: &[u8]) -> LintResult {
    fixed_digits(data, 6, LintCode::DateTooShort, LintCode::DateTooLong)?;
    month_day(century_window(two_digits(data, 0)), data, 2)
}

/// `yymmdd`: `YYMMDD`, a real date (day `00` is not allowed).
pub(super) fn yymmdd(data: &[u8]) -> LintResult {
    yymmd0(data)?;
    no_zero_day(data, 4)
}

/// `yyyymmd0`: `YYYYMMDD`, a real (proleptic Gregorian) date, day `00` allowed.
/// Any year 0000 to 9999 is accepted.
pub(super) fn yyyymmd0(data: &[u8]) -> LintResult {
    fixed_digits(data, 8, LintCode::DateTooShort, LintCode::DateTooLong)?;
    let year = two_digits(data, 0) * 100 + two_digits(data, 2);
    month_day(year, data, 4)
}

/// `yyyymmdd`: `YYYYMMDD`, a real date (day `00` is not allowed).
pub(super) fn yyyymmdd(data: &[u8]) -> LintResult {
    yyyymmd0(data)?;
    no_zero_day(data, 6)
}

/// Two digits, at most `max`.
fn two_digit_field(
    data: &[u8],
    max: u32,
    short: LintCode,
    long: LintCode,
    illegal: LintCode,
) -> LintResult {
    fixed_digits(data, 2, short, long)?;
    if two_digits(data, 0) > max {
        return Err(LintError::at(illegal, 0, 2));
    }
    Ok(())
}

/// `hh`: hour 00 to 23.
pub(super) fn hh(data: &[u8]) -> LintResult {
    two_digit_field(
        data,
        23,
        LintCode::HourTooShort,
        LintCode::HourTooLong,
        LintCode::IllegalHour,
    )
}

/// `mi`: minute 00 to 59.
pub(super) fn mi(data: &[u8]) -> LintResult {
    two_digit_field(
        data,
        59,
        LintCode::MinuteTooShort,
        LintCode::MinuteTooLong,
        LintCode::IllegalMinute,
    )
}

/// `ss`: second 00 to 59.
pub(super) fn ss(data: &[u8]) -> LintResult {
    two_digit_field(
        data,
        59,
        LintCode::SecondTooShort,
        LintCode::SecondTooLong,
        LintCode::IllegalSecond,
    )
}

/// `hhmi`: `HHMM`, hour then minute; the hour is fully checked (digits and
/// range) before the minute.
pub(super) fn hhmi(data: &[u8]) -> LintResult {
    if data.len() != 4 {
        let code = if data.len() < 4 {
            LintCode::HourWithMinuteTooShort
        } else {
            LintCode::HourWithMinuteTooLong
        };
        return Err(LintError::at(code, 0, data.len()));
    }
    let (hour, minute) = data.split_at(2);
    hh(hour)?;
    mi(minute).map_err(|e| e.shifted(2))
}
