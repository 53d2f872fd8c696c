//! Calendar dates and dates of birth (GS1 7250 `YYYYMMDD`, 7251 `YYYYMMDDHHMI`).

use core::fmt;

use bedside_gs1::keys::days_in_month;

use thiserror::Error;

/// Why a date or date-time string is not acceptable. Positions are 0-based byte offsets in the
/// input (all valid inputs are ASCII digits).
///
/// ```
/// use bedside_patient::{Date, DateError};
/// assert_eq!(Date::parse_yyyymmdd("19800230"), Err(DateError::DayOutOfRange { position: 6, day: 30, max: 29 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DateError {
    /// Wrong number of characters.
    #[error("date: {found} characters, exactly {expected} required")]
    Length {
        /// Required length.
        expected: usize,
        /// Length given.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("date: non-digit at position {position}")]
    NonDigit {
        /// 0-based offset.
        position: usize,
    },
    /// Year 0000.
    #[error("date: year 0000 at position 0 is not a calendar year")]
    YearZero,
    /// Month outside 01-12.
    #[error("date: month {month:02} at position {position} is outside 01-12")]
    MonthOutOfRange {
        /// 0-based offset of the month.
        position: usize,
        /// The month given.
        month: u8,
    },
    /// Day outside 01 to the length of the month (leap years included).
    #[error("date: day {day:02} at position {position} is outside 01-{max:02} for that month")]
    DayOutOfRange {
        /// 0-based offset of the day.
        position: usize,
        /// The day given.
        day: u8,
        /// Last day of that month.
        max: u8,
    },
    /// Hour outside 00-23.
    #[error("time: hour {hour:02} at position {position} is outside 00-23")]
    HourOutOfRange {
        /// 0-based offset of the hour.
        position: usize,
        /// The hour given.
        hour: u8,
    },
    /// Minute outside 00-59.
    #[error("time: minute {minute:02} at position {position} is outside 00-59")]
    MinuteOutOfRange {
        /// 0-based offset of the minute.
        position: usize,
        /// The minute given.
        minute: u8,
    },
}

/// A proleptic Gregorian calendar date, always valid (checked on construction).
///
/// ```
/// use bedside_patient::Date;
/// let d = Date::new(1980, 1, 18)?;
/// assert_eq!(d.to_string(), "18-Jan-1980");
/// assert!(Date::new(2023, 2, 29).is_err());
/// assert!(Date::new(2024, 2, 29).is_ok());
/// # Ok::<(), bedside_patient::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Reads `N` ASCII digits at `offset`.
fn digits_at(bytes: &[u8], offset: usize, n: usize) -> Result<u16, DateError> {
    let mut v: u16 = 0;
    for i in offset..offset + n {
        let b = *bytes.get(i).ok_or(DateError::NonDigit { position: i })?;
        if !b.is_ascii_digit() {
            return Err(DateError::NonDigit { position: i });
        }
        v = v * 10 + u16::from(b - b'0');
    }
    Ok(v)
}

/// Checks that `s` has exactly `n` characters, each an ASCII digit, except the positions in
/// `dashes`, which must be `-`. Returns the bytes (then exactly `n` ASCII bytes).
fn fixed_ascii<'a>(s: &'a str, n: usize, dashes: &[usize]) -> Result<&'a [u8], DateError> {
    let found = s.chars().count();
    if found != n {
        return Err(DateError::Length { expected: n, found });
    }
    for (position, c) in s.chars().enumerate() {
        let ok = if dashes.contains(&position) {
            c == '-'
        } else {
            c.is_ascii_digit()
        };
        if !ok {
            return Err(DateError::NonDigit { position });
        }
    }
    Ok(s.as_bytes())
}

impl Date {
    /// A valid date from year (1-9999), month (1-12) and day. Errors report positions as if
    /// the date were written `YYYYMMDD`.
    ///
    /// ```
    /// use bedside_patient::Date;
    /// assert!(Date::new(1900, 2, 29).is_err()); // 1900 was not a leap year
    /// assert!(Date::new(2000, 2, 29).is_ok());
    /// ```
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if year == 0 {
            return Err(DateError::YearZero);
        }
        if year > 9999 {
            return Err(DateError::Length {
                expected: 4,
                found: 5,
            });
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::MonthOutOfRange { position: 4, month });
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(DateError::DayOutOfRange {
                position: 6,
                day,
                max,
            });
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYYMMDD` (GS1 `yyyymmdd` linter: a real calendar date, leap years included).
    ///
    /// ```
    /// use bedside_patient::Date;
    /// assert_eq!(Date::parse_yyyymmdd("19800118")?, Date::new(1980, 1, 18)?);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    pub fn parse_yyyymmdd(s: &str) -> Result<Self, DateError> {
        let b = fixed_ascii(s, 8, &[])?;
        let year = digits_at(b, 0, 4)?;
        let month = u8::try_from(digits_at(b, 4, 2)?).unwrap_or(u8::MAX);
        let day = u8::try_from(digits_at(b, 6, 2)?).unwrap_or(u8::MAX);
        Self::new(year, month, day)
    }

    /// Year (1-9999).
    ///
    /// ```
    /// # use bedside_patient::Date;
    /// assert_eq!(Date::new(1980, 1, 18)?.year(), 1980);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// Month (1-12).
    ///
    /// ```
    /// # use bedside_patient::Date;
    /// assert_eq!(Date::new(1980, 1, 18)?.month(), 1);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// Day of month (1-31).
    ///
    /// ```
    /// # use bedside_patient::Date;
    /// assert_eq!(Date::new(1980, 1, 18)?.day(), 18);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// Machine form `YYYY-MM-DD` (ISO 8601), for FHIR `birthDate` and logs of non-personal
    /// dates.
    ///
    /// ```
    /// # use bedside_patient::Date;
    /// assert_eq!(Date::new(1980, 1, 18)?.to_iso8601(), "1980-01-18");
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub fn to_iso8601(&self) -> alloc::string::String {
        alloc::format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Parses the ISO 8601 form `YYYY-MM-DD`.
    ///
    /// ```
    /// # use bedside_patient::Date;
    /// assert_eq!(Date::parse_iso8601("1980-01-18")?, Date::new(1980, 1, 18)?);
    /// assert!(Date::parse_iso8601("1980-1-18").is_err());
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    pub fn parse_iso8601(s: &str) -> Result<Self, DateError> {
        let b = fixed_ascii(s, 10, &[4, 7])?;
        let year = digits_at(b, 0, 4)?;
        let month = u8::try_from(digits_at(b, 5, 2)?).unwrap_or(u8::MAX);
        let day = u8::try_from(digits_at(b, 8, 2)?).unwrap_or(u8::MAX);
        Self::new(year, month, day).map_err(|e| match e {
            DateError::MonthOutOfRange { month, .. } => {
                DateError::MonthOutOfRange { position: 5, month }
            }
            DateError::DayOutOfRange { day, max, .. } => DateError::DayOutOfRange {
                position: 8,
                day,
                max,
            },
            other => other,
        })
    }
}

impl fmt::Display for Date {
    /// NPSA wristband form `DD-Mmm-YYYY`, e.g. `18-Jan-1980`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or("???");
        write!(f, "{:02}-{}-{:04}", self.day, month, self.year)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            year: u16,
            month: u8,
            day: u8,
        }
        let r = Raw::deserialize(d)?;
        Date::new(r.year, r.month, r.day).map_err(serde::de::Error::custom)
    }
}

/// A time of birth (hours and minutes), as carried by GS1 7251 for neonates.
///
/// ```
/// use bedside_patient::BirthTime;
/// let t = BirthTime::new(23, 59)?;
/// assert_eq!(t.to_string(), "23:59");
/// assert!(BirthTime::new(24, 0).is_err());
/// # Ok::<(), bedside_patient::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BirthTime {
    hour: u8,
    minute: u8,
}

impl BirthTime {
    /// A valid time, hour 0-23 and minute 0-59 (positions in errors as in `HHMI`).
    ///
    /// ```
    /// # use bedside_patient::BirthTime;
    /// assert!(BirthTime::new(7, 5).is_ok());
    /// assert!(BirthTime::new(7, 60).is_err());
    /// ```
    pub fn new(hour: u8, minute: u8) -> Result<Self, DateError> {
        if hour > 23 {
            return Err(DateError::HourOutOfRange { position: 0, hour });
        }
        if minute > 59 {
            return Err(DateError::MinuteOutOfRange {
                position: 2,
                minute,
            });
        }
        Ok(BirthTime { hour, minute })
    }

    /// Hour (0-23).
    ///
    /// ```
    /// # use bedside_patient::BirthTime;
    /// assert_eq!(BirthTime::new(7, 5)?.hour(), 7);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn hour(&self) -> u8 {
        self.hour
    }

    /// Minute (0-59).
    ///
    /// ```
    /// # use bedside_patient::BirthTime;
    /// assert_eq!(BirthTime::new(7, 5)?.minute(), 5);
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn minute(&self) -> u8 {
        self.minute
    }
}

impl fmt::Display for BirthTime {
    /// `HH:MM`, 24-hour clock.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for BirthTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            hour: u8,
            minute: u8,
        }
        let r = Raw::deserialize(d)?;
        BirthTime::new(r.hour, r.minute).map_err(serde::de::Error::custom)
    }
}

/// A date of birth, with the time of birth when known (neonates, GS1 7251).
///
/// ```
/// use bedside_patient::DateOfBirth;
/// let dob = DateOfBirth::parse_gs1_7251("202603141205")?;
/// assert_eq!(dob.to_string(), "14-Mar-2026 12:05");
/// assert_eq!(DateOfBirth::parse_gs1_7250("19800118")?.to_string(), "18-Jan-1980");
/// # Ok::<(), bedside_patient::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DateOfBirth {
    /// The calendar date.
    pub date: Date,
    /// Time of birth, if recorded.
    pub time: Option<BirthTime>,
}

impl DateOfBirth {
    /// A date of birth without a time.
    ///
    /// ```
    /// # use bedside_patient::{Date, DateOfBirth};
    /// let dob = DateOfBirth::from_date(Date::new(1980, 1, 18)?);
    /// assert!(dob.time.is_none());
    /// # Ok::<(), bedside_patient::DateError>(())
    /// ```
    #[must_use]
    pub const fn from_date(date: Date) -> Self {
        DateOfBirth { date, time: None }
    }

    /// GS1 AI 7250 value: `YYYYMMDD`.
    ///
    /// ```
    /// # use bedside_patient::DateOfBirth;
    /// assert!(DateOfBirth::parse_gs1_7250("20230229").is_err());
    /// ```
    pub fn parse_gs1_7250(s: &str) -> Result<Self, DateError> {
        Ok(Self::from_date(Date::parse_yyyymmdd(s)?))
    }

    /// GS1 AI 7251 value: `YYYYMMDDHHMI`.
    ///
    /// ```
    /// # use bedside_patient::{DateError, DateOfBirth};
    /// assert_eq!(
    ///     DateOfBirth::parse_gs1_7251("202603142460"),
    ///     Err(DateError::HourOutOfRange { position: 8, hour: 24 })
    /// );
    /// ```
    pub fn parse_gs1_7251(s: &str) -> Result<Self, DateError> {
        let b = fixed_ascii(s, 12, &[])?;
        let date_part = s.get(..8).ok_or(DateError::NonDigit { position: 0 })?;
        let date = Date::parse_yyyymmdd(date_part)?;
        let hour = u8::try_from(digits_at(b, 8, 2)?).unwrap_or(u8::MAX);
        let minute = u8::try_from(digits_at(b, 10, 2)?).unwrap_or(u8::MAX);
        let time = BirthTime::new(hour, minute).map_err(|e| match e {
            DateError::HourOutOfRange { hour, .. } => {
                DateError::HourOutOfRange { position: 8, hour }
            }
            DateError::MinuteOutOfRange { minute, .. } => DateError::MinuteOutOfRange {
                position: 10,
                minute,
            },
            other => other,
        })?;
        Ok(DateOfBirth {
            date,
            time: Some(time),
        })
    }
}

impl fmt::Display for DateOfBirth {
    /// `18-Jan-1980`, or `14-Mar-2026 12:05` with a time of birth.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some(t) => write!(f, "{} {}", self.date, t),
            None => write!(f, "{}", self.date),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert!(Date::parse_yyyymmdd("20000229").is_ok());
        assert!(Date::parse_yyyymmdd("19000229").is_err());
        assert!(Date::parse_yyyymmdd("20240229").is_ok());
        assert!(Date::parse_yyyymmdd("20230229").is_err());
        assert!(Date::parse_yyyymmdd("20230431").is_err());
        assert!(Date::parse_yyyymmdd("20231231").is_ok());
        assert_eq!(Date::parse_yyyymmdd("00000101"), Err(DateError::YearZero));
        assert_eq!(
            Date::parse_yyyymmdd("19801318"),
            Err(DateError::MonthOutOfRange {
                position: 4,
                month: 13
            })
        );
        assert_eq!(
            Date::parse_yyyymmdd("19800100"),
            Err(DateError::DayOutOfRange {
                position: 6,
                day: 0,
                max: 31
            })
        );
        assert_eq!(
            Date::parse_yyyymmdd("1980011"),
            Err(DateError::Length {
                expected: 8,
                found: 7
            })
        );
        assert_eq!(
            Date::parse_yyyymmdd("1980O118"),
            Err(DateError::NonDigit { position: 4 })
        );
        assert_eq!(
            Date::parse_yyyymmdd("1980é118").map(|_| ()),
            Err(DateError::NonDigit { position: 4 })
        );
    }

    #[test]
    fn display_npsa() {
        let all: alloc::vec::Vec<_> = (1..=12u8)
            .filter_map(|m| Date::new(2001, m, 9).ok())
            .map(|d| alloc::format!("{d}"))
            .collect();
        assert_eq!(
            all.first().map(alloc::string::String::as_str),
            Some("09-Jan-2001")
        );
        assert_eq!(
            all.last().map(alloc::string::String::as_str),
            Some("09-Dec-2001")
        );
        assert_eq!(all.len(), 12);
    }

    #[test]
    fn gs1_7251() {
        let dob = DateOfBirth::parse_gs1_7251("202603140000");
        assert_eq!(dob.map(|d| d.to_string()), Ok("14-Mar-2026 00:00".into()));
        assert_eq!(
            DateOfBirth::parse_gs1_7251("202603141260"),
            Err(DateError::MinuteOutOfRange {
                position: 10,
                minute: 60
            })
        );
        assert_eq!(
            DateOfBirth::parse_gs1_7251("2026031412"),
            Err(DateError::Length {
                expected: 12,
                found: 10
            })
        );
        assert_eq!(
            DateOfBirth::parse_gs1_7251("20260314125x"),
            Err(DateError::NonDigit { position: 11 })
        );
    }

    #[test]
    fn iso() {
        assert_eq!(
            Date::parse_iso8601("1980-02-30"),
            Err(DateError::DayOutOfRange {
                position: 8,
                day: 30,
                max: 29
            })
        );
        assert_eq!(
            Date::parse_iso8601("1980/02/03"),
            Err(DateError::NonDigit { position: 4 })
        );
    }
}
