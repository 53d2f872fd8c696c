//! Due times: a regular order's London wall-clock times resolved to instants across the
//! clock changes, the shortest gap between them, and amounts in words.

use crate::time::{LocalResolution, london_date, london_instant, london_when};

/// The `(hour, minute)` of each time in a regular order's comma-separated `HH:MM` list
/// (blank entries skipped), or `None` when any time is malformed.
fn schedule_times(times: &str) -> Option<Vec<(u8, u8)>> {
    times
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (h, m) = t.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60).then_some((h, m))
        })
        .collect()
}

/// The shortest time between two consecutive doses of a regular order (minutes, across
/// midnight too; a day for a single time), or `None` when `times` is not a valid list.
///
/// ```
/// use bedside_ward::medicines::shortest_gap_minutes;
/// assert_eq!(shortest_gap_minutes("08:00,14:00,22:00"), Some(360));
/// assert_eq!(shortest_gap_minutes("22:00, 06:00"), Some(480));
/// assert_eq!(shortest_gap_minutes("09:00"), Some(1440));
/// assert_eq!(shortest_gap_minutes("9am"), None);
/// ```
#[must_use]
pub fn shortest_gap_minutes(times: &str) -> Option<i64> {
    let mut minutes: Vec<i64> = schedule_times(times)?
        .into_iter()
        .map(|(h, m)| i64::from(h) * 60 + i64::from(m))
        .collect();
    minutes.sort_unstable();
    minutes.dedup();
    let first = *minutes.first()?;
    let last = *minutes.last()?;
    let wrap = first + 1440 - last;
    Some(minutes.windows(2).map(|w| w[1] - w[0]).fold(wrap, i64::min))
}

/// Formats thousandths of a unit: 1_000_000 mg → `1 g`, 500_000 → `500 mg`, 2_500 → `2.5 mg`.
#[must_use]
pub fn amount(milli: i64, unit: &str) -> String {
    let (v, u) = if unit == "mg" && milli >= 1_000_000 && milli % 1_000 == 0 {
        (milli / 1000, "g")
    } else {
        (milli, unit)
    };
    let whole = v / 1000;
    let frac = (v % 1000).abs();
    if frac == 0 {
        format!("{whole} {u}")
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{} {u}", f.trim_end_matches('0'))
    }
}

/// One scheduled dose of a regular order, resolved to an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSlot {
    /// The instant (Unix ms); with the order, the dose's identity.
    pub at: i64,
    /// The prescribed wall-clock time, e.g. `01:30`.
    pub label: String,
    /// How the wall-clock time became the instant on its day.
    pub resolution: LocalResolution,
    /// Other prescribed times of the same day that fall on the same instant (only
    /// possible when the clocks go forward: `01:30` moves onto `02:30`).
    pub collides_with: Vec<String>,
}

impl DueSlot {
    /// The plain-words note for a clock change on the due day, if any.
    #[must_use]
    pub fn note(&self) -> Option<String> {
        let day = crate::time::display_date(london_date(self.at));
        match self.resolution {
            LocalResolution::Unique => None,
            LocalResolution::Gap => Some(format!(
                "The clocks go forward on {day}: {} does not exist, so this dose is due at {}.",
                self.label,
                london_when(self.at)
            )),
            LocalResolution::Fold => Some(format!(
                "The clocks go back on {day}: {} happens twice; this dose is due once, at the first {} (BST).",
                self.label, self.label
            )),
        }
    }
}

/// The scheduled dose nearest to `now` for regular `times`: a comma-separated list of
/// Europe/London wall-clock `HH:MM`. Each time is resolved on the London dates of
/// yesterday, today and tomorrow with [`london_instant`]: a time that does not exist (the
/// spring clock change) moves forward by the gap, a time that happens twice (autumn) is
/// its first occurrence — so a dose is never skipped and never due twice. `None` when
/// any time is malformed or the list is empty.
#[must_use]
pub fn nearest_due(times: &str, now: i64) -> Option<DueSlot> {
    let parsed: Vec<(String, u8, u8)> = schedule_times(times)?
        .into_iter()
        .map(|(h, m)| (format!("{h:02}:{m:02}"), h, m))
        .collect();
    let today = london_date(now);
    let mut best: Option<DueSlot> = None;
    for d in [-1, 0, 1] {
        let Ok(date) = today.checked_add(jiff::Span::new().days(d)) else {
            continue;
        };
        let mut day: Vec<DueSlot> = Vec::new();
        for (label, h, m) in &parsed {
            let (at, resolution) = london_instant(date, *h, *m)?;
            day.push(DueSlot {
                at,
                label: label.clone(),
                resolution,
                collides_with: Vec::new(),
            });
        }
        for i in 0..day.len() {
            let others: Vec<String> = day
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.at == day[i].at && o.label != day[i].label)
                .map(|(_, o)| o.label.clone())
                .collect();
            day[i].collides_with = others;
        }
        for slot in day {
            let closer = best
                .as_ref()
                .is_none_or(|b| (slot.at - now).abs() < (b.at - now).abs());
            if closer {
                best = Some(slot);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MINUTE_MS;

    #[test]
    fn amounts_read_naturally() {
        assert_eq!(amount(1_000_000, "mg"), "1 g");
        assert_eq!(amount(500_000, "mg"), "500 mg");
        assert_eq!(amount(2_500, "mg"), "2.5 mg");
        assert_eq!(amount(1_250_000, "mg"), "1.25 g");
        assert_eq!(amount(2_000, ""), "2 ");
    }

    #[test]
    fn nearest_due_wraps_midnight() {
        use crate::time::{DAY_MS, HOUR_MS};
        // A winter day: London is on GMT, wall clock = UTC.
        let day = crate::time::start_of_utc_day_ms(crate::time::Date::constant(2026, 1, 15));
        let at = |h: i64, m: i64| day + h * HOUR_MS + m * MINUTE_MS;
        let due = |t: &str, now: i64| nearest_due(t, now).map(|s| s.at);
        assert_eq!(due("06:00,14:00,22:00", at(13, 10)), Some(at(14, 0)));
        assert_eq!(due("22:00", at(0, 30)), Some(at(22, 0) - DAY_MS));
        assert_eq!(due("25:00", at(1, 0)), None);
        assert_eq!(due("6:00", at(1, 0)), None);
        assert_eq!(due("", at(1, 0)), None);
        // A summer day: 14:00 in London is 13:00 UTC.
        let july = crate::time::start_of_utc_day_ms(crate::time::Date::constant(2026, 7, 1));
        assert_eq!(due("14:00", july + 12 * HOUR_MS), Some(july + 13 * HOUR_MS));
    }

    #[test]
    fn clock_changes_never_skip_or_double_a_dose() {
        use crate::time::{HOUR_MS, parse_instant};
        let t = |s: &str| parse_instant(s).unwrap();
        // Spring forward, 29 March 2026: 01:30 does not exist; the dose moves to 02:30 BST
        // (01:30 UTC), an hour after the 00:30 dose, and says so.
        let s = nearest_due("00:30,01:30", t("2026-03-29T01:20:00Z")).unwrap();
        assert_eq!(
            (s.at, s.label.as_str()),
            (t("2026-03-29T01:30:00Z"), "01:30")
        );
        assert_eq!(s.resolution, LocalResolution::Gap);
        assert!(
            s.note().unwrap().contains("does not exist"),
            "{:?}",
            s.note()
        );
        let first = nearest_due("00:30,01:30", t("2026-03-29T00:20:00Z")).unwrap();
        assert_eq!(s.at - first.at, HOUR_MS, "both doses kept, an hour apart");
        // A 01:30 and a 02:30 dose would fall together: said, not silently merged.
        let c = nearest_due("01:30,02:30", t("2026-03-29T01:30:00Z")).unwrap();
        assert_eq!(c.collides_with.len(), 1, "{c:?}");
        // Fall back, 25 October 2026: 01:30 happens twice; the dose is due once, at the
        // first (00:30 UTC). A scan at the second 01:30 finds that same dose.
        let f1 = nearest_due("01:30", t("2026-10-25T00:30:00Z")).unwrap();
        let f2 = nearest_due("01:30", t("2026-10-25T01:30:00Z")).unwrap();
        assert_eq!(f1.at, t("2026-10-25T00:30:00Z"));
        assert_eq!(f2.at, f1.at, "one dose, not two");
        assert_eq!(f1.resolution, LocalResolution::Fold);
        // Ordinary days either side are not affected.
        let n = nearest_due("01:30", t("2026-10-26T01:30:00Z")).unwrap();
        assert_eq!(
            (n.at, n.resolution),
            (t("2026-10-26T01:30:00Z"), LocalResolution::Unique)
        );
        assert!(n.note().is_none());
    }
}
