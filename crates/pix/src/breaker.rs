//! A small circuit breaker, pure (the caller passes the clock), so a dead PIX manager
//! fails fast instead of stalling every ward for the full timeout.
//!
//! Closed: requests pass; after `failure_threshold` consecutive failed queries it opens.
//! Open: requests are refused until `open_for` has passed, then one trial request is let
//! through (half-open); its success closes the breaker, its failure reopens it.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use bedside_pix::breaker::CircuitBreaker;
//! let mut b = CircuitBreaker::new(2, Duration::from_secs(10));
//! let t0 = Instant::now();
//! assert!(b.allow(t0).is_ok());
//! b.record_failure(t0);
//! b.record_failure(t0);
//! assert!(b.allow(t0).is_err());
//! assert!(b.allow(t0 + Duration::from_secs(11)).is_ok()); // half-open trial
//! assert!(b.allow(t0 + Duration::from_secs(11)).is_err()); // only one trial at a time
//! b.record_success();
//! assert!(b.allow(t0 + Duration::from_secs(12)).is_ok());
//! ```

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// Consecutive-failure circuit breaker.
///
/// ```
/// let b = bedside_pix::breaker::CircuitBreaker::new(3, std::time::Duration::from_secs(30));
/// assert!(!b.is_open(std::time::Instant::now()));
/// ```
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    failure_threshold: u32,
    open_for: Duration,
    state: State,
}

/// The breaker refused a request; retry after this long.
///
/// ```
/// let e = bedside_pix::breaker::Refused { retry_after: std::time::Duration::from_secs(1) };
/// assert_eq!(e.retry_after.as_secs(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Time until a trial request is allowed (zero while a trial is in flight).
    pub retry_after: Duration,
}

impl CircuitBreaker {
    /// A closed breaker that opens after `failure_threshold` (at least 1) consecutive
    /// failures and stays open for `open_for`.
    ///
    /// ```
    /// let _ = bedside_pix::breaker::CircuitBreaker::new(5, std::time::Duration::from_secs(30));
    /// ```
    #[must_use]
    pub fn new(failure_threshold: u32, open_for: Duration) -> Self {
        Self {
            failure_threshold: failure_threshold.max(1),
            open_for,
            state: State::Closed { failures: 0 },
        }
    }

    /// Asks to send one request at `now`.
    ///
    /// ```
    /// let mut b = bedside_pix::breaker::CircuitBreaker::new(1, std::time::Duration::from_secs(5));
    /// assert!(b.allow(std::time::Instant::now()).is_ok());
    /// ```
    pub fn allow(&mut self, now: Instant) -> Result<(), Refused> {
        match self.state {
            State::Closed { .. } => Ok(()),
            State::Open { until } if now >= until => {
                self.state = State::HalfOpen;
                Ok(())
            }
            State::Open { until } => Err(Refused {
                retry_after: until.saturating_duration_since(now),
            }),
            State::HalfOpen => Err(Refused {
                retry_after: Duration::ZERO,
            }),
        }
    }

    /// Records a query the manager answered (any outcome).
    ///
    /// ```
    /// let mut b = bedside_pix::breaker::CircuitBreaker::new(1, std::time::Duration::from_secs(5));
    /// b.record_success();
    /// ```
    pub fn record_success(&mut self) {
        self.state = State::Closed { failures: 0 };
    }

    /// Records a query that got no usable answer (after its retry).
    ///
    /// ```
    /// let mut b = bedside_pix::breaker::CircuitBreaker::new(1, std::time::Duration::from_secs(5));
    /// let now = std::time::Instant::now();
    /// b.record_failure(now);
    /// assert!(b.is_open(now));
    /// ```
    pub fn record_failure(&mut self, now: Instant) {
        self.state = match self.state {
            State::Closed { failures } if failures + 1 < self.failure_threshold => State::Closed {
                failures: failures + 1,
            },
            _ => State::Open {
                until: now + self.open_for,
            },
        };
    }

    /// True while requests would be refused at `now`.
    ///
    /// ```
    /// let b = bedside_pix::breaker::CircuitBreaker::new(1, std::time::Duration::from_secs(5));
    /// assert!(!b.is_open(std::time::Instant::now()));
    /// ```
    #[must_use]
    pub fn is_open(&self, now: Instant) -> bool {
        match self.state {
            State::Closed { .. } => false,
            State::Open { until } => now < until,
            State::HalfOpen => true,
        }
    }
}
