//! When a failed attempt is sent again, and how long to wait first.

use std::time::Duration;

/// How many times a call is attempted and how long to wait between attempts.
///
/// The wait before attempt `n + 1` is drawn uniformly from
/// `[0, min(max_backoff, initial_backoff * 2^(n-1))]` ("full jitter"), so that clients that
/// failed together do not retry together. A service's `x-acs-retry-after` (milliseconds) is
/// the least wait; when it is longer than `max_backoff` the call fails instead of waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryPolicy {
    /// Three attempts, backoff from 100 ms, at most 20 s.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// The number of attempts, the first included; 0 is taken as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The upper bound of the first wait; it doubles with each retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest upper bound a wait can have.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The number of attempts, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The upper bound of the wait after failed attempt `attempt` (1-based).
    pub(crate) fn backoff_ceiling(&self, attempt: u32) -> Duration {
        doubled(self.initial_backoff, self.max_backoff, attempt)
    }

    /// The wait after failed attempt `attempt` (1-based); `unit` is a uniform draw from [0, 1].
    /// `None` when the service asks for a longer wait than `max_backoff`: waiting that long
    /// (possibly forever, the header being the service's to set) is not worth a retry.
    pub(crate) fn backoff(
        &self,
        attempt: u32,
        unit: f64,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let jittered = self.backoff_ceiling(attempt).mul_f64(fraction(unit));
        match retry_after {
            Some(least) if least > self.max_backoff => None,
            Some(least) => Some(jittered.max(least)),
            None => Some(jittered),
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

/// `initial` doubled after each attempt but the first (`attempt` is 1-based), at most `max`.
pub(crate) fn doubled(initial: Duration, max: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    initial.saturating_mul(1u32 << doublings).min(max)
}

/// `unit`, a draw from [0, 1], kept within it: `Duration::mul_f64` panics on NaN or negative
/// factors.
pub(crate) fn fraction(unit: f64) -> f64 {
    if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// A wait drawn uniformly from `[min, min(max, min * 2^(attempt-1))]`, the delays of waiters
/// and log streams; `unit` is a uniform draw from [0, 1]. `min` must not exceed `max`.
pub(crate) fn jittered_delay(min: Duration, max: Duration, attempt: u32, unit: f64) -> Duration {
    let ceiling = doubled(min, max, attempt).max(min);
    min + (ceiling - min).mul_f64(fraction(unit))
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// OOS answered with an error body.
    Service {
        /// The code is one the spec calls transient (throttling, unavailable).
        retryable_code: bool,
        /// The HTTP status.
        status: u16,
    },
    /// An answer that is not an OOS error body (a proxy's page, a truncated or oversized body).
    Response {
        /// The HTTP status.
        status: u16,
        /// Reading the body failed midway, so another attempt may succeed.
        interrupted: bool,
    },
    /// No connection was made: the request never left this machine.
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// The connection failed after the request may have been sent.
    Transport,
}

/// Whether another attempt may follow `failure`. `idempotent` says whether the action may be
/// repeated after the service may have acted on it (by nature or thanks to a client token).
pub(crate) fn should_retry(failure: Failure, idempotent: bool) -> bool {
    let transient = match failure {
        Failure::Connect => return true,
        Failure::Service {
            retryable_code,
            status,
        } => retryable_code || status >= 500,
        Failure::Response {
            status,
            interrupted,
        } => interrupted || status >= 500,
        Failure::Timeout | Failure::Transport => true,
    };
    transient && idempotent
}

/// Parses `x-acs-retry-after`: a whole number of milliseconds.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_table() {
        use Failure::*;
        let cases = [
            (Connect, true, true),
            (Connect, false, true),
            (
                Service {
                    retryable_code: true,
                    status: 400,
                },
                true,
                true,
            ),
            (
                Service {
                    retryable_code: true,
                    status: 400,
                },
                false,
                false,
            ),
            (
                Service {
                    retryable_code: false,
                    status: 400,
                },
                true,
                false,
            ),
            (
                Service {
                    retryable_code: false,
                    status: 404,
                },
                true,
                false,
            ),
            (
                Service {
                    retryable_code: false,
                    status: 500,
                },
                true,
                true,
            ),
            (
                Service {
                    retryable_code: false,
                    status: 503,
                },
                false,
                false,
            ),
            (
                Response {
                    status: 502,
                    interrupted: false,
                },
                true,
                true,
            ),
            (
                Response {
                    status: 502,
                    interrupted: false,
                },
                false,
                false,
            ),
            (
                Response {
                    status: 200,
                    interrupted: false,
                },
                true,
                false,
            ),
            (
                Response {
                    status: 200,
                    interrupted: true,
                },
                true,
                true,
            ),
            (
                Response {
                    status: 200,
                    interrupted: true,
                },
                false,
                false,
            ),
            (Timeout, true, true),
            (Timeout, false, false),
            (Transport, true, true),
            (Transport, false, false),
        ];
        for (failure, idempotent, expected) in cases {
            assert_eq!(
                should_retry(failure, idempotent),
                expected,
                "{failure:?} idempotent={idempotent}"
            );
        }
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let p = RetryPolicy::standard();
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(5), Duration::from_millis(1600));
        assert_eq!(p.backoff_ceiling(20), Duration::from_secs(20));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(20));
        for attempt in 1..40 {
            for unit in [0.0, 0.3, 1.0, 7.0, -1.0, f64::NAN] {
                let wait = p.backoff(attempt, unit, None).expect("no retry-after");
                assert!(
                    wait <= p.backoff_ceiling(attempt),
                    "{attempt} {unit} {wait:?}"
                );
            }
        }
        assert_eq!(p.backoff(1, 0.0, None), Some(Duration::ZERO));
        assert_eq!(p.backoff(1, 1.0, None), Some(Duration::from_millis(100)));
    }

    #[test]
    fn retry_after_is_the_least_wait() {
        let p = RetryPolicy::standard();
        let least = Duration::from_millis(1500);
        assert_eq!(p.backoff(1, 0.5, Some(least)), Some(least));
        assert_eq!(
            p.backoff(30, 1.0, Some(least)),
            Some(Duration::from_secs(20))
        );
        assert_eq!(
            p.backoff(1, 0.5, Some(Duration::from_secs(20))),
            Some(Duration::from_secs(20))
        );
        assert_eq!(p.backoff(1, 0.5, Some(Duration::from_millis(20_001))), None);
        assert_eq!(
            p.backoff(1, 0.5, parse_retry_after(&u64::MAX.to_string())),
            None
        );
        assert_eq!(parse_retry_after(" 250 "), Some(Duration::from_millis(250)));
        assert_eq!(parse_retry_after("1.5"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn builders() {
        let p = RetryPolicy::standard()
            .max_attempts(0)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(15));
        assert_eq!(p.attempts(), 1);
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(15));
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        assert_eq!(RetryPolicy::default(), RetryPolicy::standard());
        assert_eq!(RetryPolicy::standard().attempts(), 3);
    }
}
