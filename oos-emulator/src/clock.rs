//! The emulator's clock: how fast executions run. Emulated time runs at `speed` times real
//! time (0 stops it), measured on Tokio's clock so that tests with paused time drive it too.

use std::time::Duration;

use tokio::time::Instant;

/// Emulated time since the emulator started, at a speed that can change while it runs.
#[derive(Debug)]
pub(crate) struct Clock {
    speed: f64,
    /// When the current speed was set, and the emulated time then.
    origin: Instant,
    emulated_at_origin: Duration,
}

impl Clock {
    /// A clock at `speed`, which must be finite and not negative (see [`check_speed`]).
    pub fn new(speed: f64) -> Self {
        Self {
            speed: sane(speed),
            origin: Instant::now(),
            emulated_at_origin: Duration::ZERO,
        }
    }

    /// A clock that does not move: executions stay where `StartExecution` leaves them.
    pub fn stopped() -> Self {
        Self::new(0.0)
    }

    /// Emulated time since the clock started.
    pub fn now(&self) -> Duration {
        let real = Instant::now().saturating_duration_since(self.origin);
        let emulated =
            Duration::try_from_secs_f64(real.as_secs_f64() * self.speed).unwrap_or(Duration::MAX);
        self.emulated_at_origin.saturating_add(emulated)
    }

    /// Goes on at `speed` from now on; what has elapsed so far stays.
    pub fn set_speed(&mut self, speed: f64) {
        self.emulated_at_origin = self.now();
        self.origin = Instant::now();
        self.speed = sane(speed);
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}

/// What is wrong with a clock speed, if anything.
pub(crate) fn check_speed(speed: f64) -> Result<(), String> {
    if speed.is_finite() && speed >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "the clock speed must be a finite number of emulated seconds per second, 0 or more; got {speed}"
        ))
    }
}

fn sane(speed: f64) -> f64 {
    if check_speed(speed).is_ok() {
        speed
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn runs_at_its_speed_and_keeps_what_elapsed() {
        let mut clock = Clock::new(100.0);
        tokio::time::advance(Duration::from_millis(10)).await;
        assert_eq!(clock.now(), Duration::from_secs(1));
        clock.set_speed(0.0);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(clock.now(), Duration::from_secs(1));
        clock.set_speed(2.0);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(clock.now(), Duration::from_secs(3));
        assert_eq!(clock.speed(), 2.0);
    }

    #[test]
    fn speeds_are_checked() {
        assert!(check_speed(0.0).is_ok() && check_speed(1e6).is_ok());
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(check_speed(bad).is_err(), "{bad}");
        }
        assert_eq!(Clock::new(f64::NAN).speed(), 0.0);
    }
}
