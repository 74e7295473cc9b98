//! A task's `Retries`, `Delay`, `DelayType`, `BackOff` and `MaxRetryInterval`: how often a
//! failed attempt is tried again and after how long, on the emulator's clock.

use std::time::Duration;

use serde_json::Value;

use crate::eval::{as_text, duration};

/// How a task is retried.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Retry {
    pub retries: u32,
    pub delay: Duration,
    pub exponential: bool,
    pub back_off: f64,
    pub max_interval: Option<Duration>,
}

/// The keys of a task that say how it is retried.
pub(crate) const KEYS: [&str; 5] = [
    "Retries",
    "Delay",
    "DelayType",
    "BackOff",
    "MaxRetryInterval",
];

/// The most attempts the emulator makes of one task, whatever `Retries` says.
const MAX_RETRIES: u32 = 10_000;

impl Retry {
    /// The policy a task's (evaluated) keys give, with `default_retries` when it sets none.
    pub fn read(get: impl Fn(&str) -> Option<Value>, default_retries: u32) -> Result<Self, String> {
        let number = |key: &str| -> Result<Option<f64>, String> {
            match get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(other) => as_text(&other)
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{key} is {other}, not a number")),
            }
        };
        let seconds = |key: &str| -> Result<Option<Duration>, String> {
            get(key)
                .filter(|v| !v.is_null())
                .map(|v| duration::parse(&v).map_err(|why| format!("{key}: {why}")))
                .transpose()
        };
        let exponential = match get("DelayType").map(|v| as_text(&v)) {
            None => false,
            Some(t) if t.eq_ignore_ascii_case("Constant") => false,
            Some(t) if t.eq_ignore_ascii_case("Exponential") => true,
            Some(other) => {
                return Err(format!(
                    "DelayType {other} is neither Constant nor Exponential"
                ))
            }
        };
        Ok(Self {
            retries: number("Retries")?.map_or(default_retries, |n| {
                n.clamp(0.0, f64::from(MAX_RETRIES)) as u32
            }),
            delay: seconds("Delay")?.unwrap_or(Duration::from_secs(1)),
            exponential,
            back_off: number("BackOff")?.filter(|b| *b >= 1.0).unwrap_or(2.0),
            max_interval: seconds("MaxRetryInterval")?,
        })
    }

    /// The wait before attempt `attempt` (1 for the first retry).
    pub fn wait(&self, attempt: u32) -> Duration {
        let wait = if self.exponential {
            self.delay.mul_f64(
                self.back_off
                    .powi(attempt.saturating_sub(1).min(64) as i32)
                    .min(1e9),
            )
        } else {
            self.delay
        };
        self.max_interval.map_or(wait, |max| wait.min(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(keys: Value, default: u32) -> Result<Retry, String> {
        Retry::read(|k| keys.get(k).cloned(), default)
    }

    #[test]
    fn constant_and_exponential_waits() {
        let constant = read(
            json!({"Retries": 3, "Delay": 15, "DelayType": "Constant"}),
            0,
        )
        .unwrap();
        assert_eq!(
            (constant.retries, constant.wait(1), constant.wait(3)),
            (3, Duration::from_secs(15), Duration::from_secs(15))
        );
        let growing = read(json!({"Retries": "5", "Delay": "2s", "DelayType": "Exponential", "BackOff": 3, "MaxRetryInterval": 30}), 0).unwrap();
        let waits: Vec<u64> = (1..=4).map(|a| growing.wait(a).as_secs()).collect();
        assert_eq!(waits, [2, 6, 18, 30]);
        assert_eq!(read(json!({}), 7).unwrap().retries, 7);
        assert!(read(json!({"DelayType": "Random"}), 0)
            .unwrap_err()
            .contains("neither"));
        assert!(read(json!({"Retries": "many"}), 0)
            .unwrap_err()
            .contains("not a number"));
    }
}
