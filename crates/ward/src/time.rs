//! Time rules, pure: Unix milliseconds, civil dates (proleptic Gregorian, UTC), the
//! conservative "UK today" used for expiry, and Europe/London wall-clock time from the
//! time-zone rules embedded in the crate (never the operating system's database). Nothing
//! here reads a clock: callers pass `now`.

/// Milliseconds in one minute.
pub const MINUTE_MS: i64 = 60_000;
/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// A calendar date: jiff's, the one date type for a day on the calendar (expiry, "today",
/// a schedule day). Re-exported so callers need not name jiff.
pub use jiff::civil::Date;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The UTC date of a Unix millisecond instant (clamped to jiff's range, years -9999 to
/// 9999, far beyond any clock or scan).
///
/// ```
/// use bedside_ward::time::{utc_date, Date};
/// assert_eq!(utc_date(0), Date::constant(1970, 1, 1));
/// assert_eq!(utc_date(-1), Date::constant(1969, 12, 31));
/// ```
#[must_use]
pub fn utc_date(ms: i64) -> Date {
    let ms = ms.clamp(
        jiff::Timestamp::MIN.as_millisecond(),
        jiff::Timestamp::MAX.as_millisecond(),
    );
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date())
        .unwrap_or(Date::constant(1970, 1, 1))
}

/// `DD-Mmm-YYYY`, the NPSA display form of a date (e.g. `31-Jan-2026`).
///
/// ```
/// use bedside_ward::time::{display_date, Date};
/// assert_eq!(display_date(Date::constant(2026, 1, 31)), "31-Jan-2026");
/// ```
#[must_use]
pub fn display_date(d: Date) -> String {
    let m = MONTHS
        .get(usize::try_from(d.month() - 1).unwrap_or(0))
        .copied()
        .unwrap_or("???");
    format!("{:02}-{m}-{:04}", d.day(), d.year())
}

/// Midnight UTC at the start of `d`, in Unix milliseconds.
///
/// ```
/// use bedside_ward::time::{start_of_utc_day_ms, Date, DAY_MS};
/// assert_eq!(start_of_utc_day_ms(Date::constant(1970, 1, 2)), DAY_MS);
/// ```
#[must_use]
pub fn start_of_utc_day_ms(d: Date) -> i64 {
    jiff::tz::Offset::UTC
        .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_millisecond())
        .unwrap_or(0)
}

/// The latest date anywhere in the UK right now, erring late: the later of the UTC date
/// and the UTC+1 (BST) date. Used for expiry so that no clock or time-zone slip can make
/// an expired pack look in date.
#[must_use]
pub fn uk_today_conservative(now_ms: i64) -> Date {
    utc_date(now_ms.saturating_add(HOUR_MS))
}

/// RFC 3339 UTC timestamp with milliseconds, e.g. `2026-11-25T17:35:11.123Z`.
#[must_use]
pub fn rfc3339(ms: i64) -> String {
    let date = utc_date(ms);
    let rem = ms.rem_euclid(DAY_MS);
    format!(
        "{date}T{:02}:{:02}:{:02}.{:03}Z",
        rem / HOUR_MS,
        (rem % HOUR_MS) / MINUTE_MS,
        (rem % MINUTE_MS) / 1000,
        rem % 1000
    )
}

/// The Europe/London time zone from the tz database compiled into the binary.
///
/// ```
/// assert_eq!(bedside_ward::time::london().iana_name(), Some("Europe/London"));
/// ```
#[must_use]
pub fn london() -> jiff::tz::TimeZone {
    // The bundled database always has Europe/London; UTC is never reached in practice and
    // would only make local times read as GMT.
    jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// How a wall-clock time on a London date became an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalResolution {
    /// The time happens exactly once that day.
    Unique,
    /// The time does not exist that day (clocks go forward): it is read with the offset
    /// before the change, i.e. moved forward by the gap (01:30 → 02:30 BST), so the time
    /// since the previous scheduled time is kept.
    Gap,
    /// The time happens twice that day (clocks go back): the first occurrence (BST).
    Fold,
}

/// The instant of wall-clock `hour:minute` on London date `date`, and how it was resolved
/// (see [`LocalResolution`]). `None` only for dates outside the representable range.
///
/// ```
/// use bedside_ward::time::{london_instant, parse_instant, Date, LocalResolution};
/// let spring = Date::constant(2026, 3, 29);
/// assert_eq!(london_instant(spring, 1, 30), Some((parse_instant("2026-03-29T01:30:00Z").unwrap(), LocalResolution::Gap)));
/// let autumn = Date::constant(2026, 10, 25);
/// assert_eq!(london_instant(autumn, 1, 30), Some((parse_instant("2026-10-25T00:30:00Z").unwrap(), LocalResolution::Fold)));
/// let summer = Date::constant(2026, 7, 1);
/// assert_eq!(london_instant(summer, 14, 0), Some((parse_instant("2026-07-01T13:00:00Z").unwrap(), LocalResolution::Unique)));
/// ```
#[must_use]
pub fn london_instant(date: Date, hour: u8, minute: u8) -> Option<(i64, LocalResolution)> {
    use jiff::tz::AmbiguousOffset;
    let time =
        jiff::civil::Time::new(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0).ok()?;
    let dt = date.to_datetime(time);
    let amb = london().to_ambiguous_timestamp(dt);
    let how = match amb.offset() {
        AmbiguousOffset::Unambiguous { .. } => LocalResolution::Unique,
        AmbiguousOffset::Gap { .. } => LocalResolution::Gap,
        AmbiguousOffset::Fold { .. } => LocalResolution::Fold,
    };
    // "Compatible": a gap takes the offset before it, a fold its first occurrence.
    let ts = amb.compatible().ok()?;
    Some((ts.as_millisecond(), how))
}

/// The London calendar date of an instant.
///
/// ```
/// use bedside_ward::time::{london_date, parse_instant};
/// assert_eq!(london_date(parse_instant("2026-06-30T23:30:00Z").unwrap()).to_string(), "2026-07-01");
/// assert_eq!(london_date(parse_instant("2026-12-31T23:30:00Z").unwrap()).to_string(), "2026-12-31");
/// ```
#[must_use]
pub fn london_date(ms: i64) -> Date {
    let off = london_offset_ms(ms);
    utc_date(ms.saturating_add(off))
}

/// London's offset from UTC at an instant, in milliseconds (0 for GMT, 3 600 000 for BST).
#[must_use]
pub fn london_offset_ms(ms: i64) -> i64 {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| i64::from(london().to_offset(t).seconds()) * 1000)
        .unwrap_or(0)
}

/// Wall-clock `HH:MM` in London.
///
/// ```
/// use bedside_ward::time::{london_hhmm, parse_instant};
/// assert_eq!(london_hhmm(parse_instant("2026-07-01T13:05:00Z").unwrap()), "14:05");
/// ```
#[must_use]
pub fn london_hhmm(ms: i64) -> String {
    let rem = (ms + london_offset_ms(ms)).rem_euclid(DAY_MS);
    format!("{:02}:{:02}", rem / HOUR_MS, (rem % HOUR_MS) / MINUTE_MS)
}

/// `GMT` or `BST` at an instant.
#[must_use]
pub fn london_zone(ms: i64) -> &'static str {
    if london_offset_ms(ms) == 0 {
        "GMT"
    } else {
        "BST"
    }
}

/// An instant for people, in London: `14:05 BST on 01-Jul-2026`.
///
/// ```
/// use bedside_ward::time::{london_when, parse_instant};
/// assert_eq!(london_when(parse_instant("2026-07-01T13:05:00Z").unwrap()), "14:05 BST on 01-Jul-2026");
/// assert_eq!(london_when(parse_instant("2026-11-25T14:00:00Z").unwrap()), "14:00 GMT on 25-Nov-2026");
/// ```
#[must_use]
pub fn london_when(ms: i64) -> String {
    format!(
        "{} {} on {}",
        london_hhmm(ms),
        london_zone(ms),
        display_date(london_date(ms))
    )
}

/// Why an instant could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an RFC 3339 date-time (2026-03-29T01:30:00Z) or a date (2026-03-29)")]
pub struct InstantError;

/// Reads an RFC 3339 date-time with an offset (`2026-03-29T01:30:00Z`,
/// `2026-03-29T02:30:00+01:00`) or a date (`2026-03-29`: the start of that day in
/// London), into Unix milliseconds.
///
/// # Errors
/// [`InstantError`] for anything else.
///
/// ```
/// use bedside_ward::time::parse_instant;
/// assert_eq!(parse_instant("1970-01-01T00:00:01Z"), Ok(1000));
/// assert_eq!(parse_instant("2026-07-01"), parse_instant("2026-06-30T23:00:00Z"));
/// assert!(parse_instant("yesterday").is_err());
/// ```
pub fn parse_instant(s: &str) -> Result<i64, InstantError> {
    let s = s.trim();
    if s.len() == 10 {
        let d: jiff::civil::Date = s.parse().map_err(|_| InstantError)?;
        let z = d.to_zoned_datetime(london()).map_err(|_| InstantError)?;
        return Ok(z.timestamp().as_millisecond());
    }
    let t: jiff::Timestamp = s.parse().map_err(|_| InstantError)?;
    Ok(t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-700_000, -1, 0, 1, 19_000, 20_417, 2_000_000] {
            let d = utc_date(days * DAY_MS);
            assert_eq!(start_of_utc_day_ms(d), days * DAY_MS);
        }
        assert_eq!(utc_date(0).to_string(), "1970-01-01");
        assert_eq!(display_date(Date::constant(2026, 1, 31)), "31-Jan-2026");
        assert_eq!(rfc3339(1_000), "1970-01-01T00:00:01.000Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
        // Out of range clamps instead of panicking.
        assert_eq!(utc_date(i64::MAX).year(), 9999);
        assert_eq!(utc_date(i64::MIN).year(), -9999);
    }

    #[test]
    fn london_follows_both_clock_changes() {
        let at = |s: &str| parse_instant(s).unwrap();
        // 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(london_offset_ms(at("2026-03-29T00:59:59Z")), 0);
        assert_eq!(london_offset_ms(at("2026-03-29T01:00:00Z")), HOUR_MS);
        assert_eq!(london_offset_ms(at("2026-10-25T00:59:59Z")), HOUR_MS);
        assert_eq!(london_offset_ms(at("2026-10-25T01:00:00Z")), 0);
        let spring = Date::constant(2026, 3, 29);
        assert_eq!(
            london_instant(spring, 0, 30),
            Some((at("2026-03-29T00:30:00Z"), LocalResolution::Unique))
        );
        assert_eq!(
            london_instant(spring, 2, 0),
            Some((at("2026-03-29T01:00:00Z"), LocalResolution::Unique))
        );
        let autumn = Date::constant(2026, 10, 25);
        assert_eq!(
            london_instant(autumn, 1, 0),
            Some((at("2026-10-25T00:00:00Z"), LocalResolution::Fold))
        );
        assert_eq!(
            london_instant(autumn, 2, 0),
            Some((at("2026-10-25T02:00:00Z"), LocalResolution::Unique))
        );
        assert_eq!(
            london_when(at("2026-10-25T01:30:00Z")),
            "01:30 GMT on 25-Oct-2026"
        );
        assert_eq!(
            london_when(at("2026-10-25T00:30:00Z")),
            "01:30 BST on 25-Oct-2026"
        );
    }

    #[test]
    fn uk_today_errs_late() {
        let late_evening =
            start_of_utc_day_ms(Date::constant(2026, 1, 31)) + 23 * HOUR_MS + 30 * MINUTE_MS;
        assert_eq!(
            uk_today_conservative(late_evening).to_string(),
            "2026-02-01"
        );
    }
}
