//! The clock, and the time rules of `bedside-ward` re-exported: everything here but
//! [`now_ms`] is pure and lives in [`bedside_ward::time`].

use std::time::{SystemTime, UNIX_EPOCH};

pub use bedside_ward::time::*;

/// Now, in Unix milliseconds (0 if the clock is before 1970).
#[must_use]
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
