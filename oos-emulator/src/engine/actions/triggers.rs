//! `ACS::TimerTrigger`, `ACS::EventTrigger`, `ACS::AlarmTrigger`, `ACS::TriggerExecution`:
//! the execution goes on at the trigger's first firing, on the emulator's clock. A timer
//! fires by `Type`: `rate` (`Expression` such as `30 minutes`), `at` (a time) or `cron`
//! (Quartz, seconds optional); an event or alarm fires at once, as if it had happened.

use std::time::Duration;

use croner::parser::{CronParser, Seconds};
use serde_json::json;

use super::{Call, Outcome, STEP};
use crate::eval::duration;
use crate::state::State;

pub(super) fn run(_: &mut State, call: &Call<'_>) -> (Result<Outcome, String>, Duration) {
    if call.task.builtin != Some("ACS::TimerTrigger") {
        return (Ok(Outcome::answer(json!({}))), STEP);
    }
    match wait(call) {
        Ok(takes) => (Ok(Outcome::answer(json!({}))), takes.max(STEP)),
        Err(why) => (Err(why), STEP),
    }
}

/// How long until the timer first fires.
fn wait(call: &Call<'_>) -> Result<Duration, String> {
    let kind = call.text("Type").unwrap_or_else(|| "cron".into());
    let expression = call
        .text("Expression")
        .ok_or("the timer has no Expression")?;
    let now = call.run.moment(call.at);
    match kind.to_ascii_lowercase().as_str() {
        "rate" => {
            let mut parts = expression.split_whitespace();
            let (n, unit) = (parts.next().unwrap_or(""), parts.next().unwrap_or("s"));
            duration::parse(&json!(format!("{n}{}", unit.chars().next().unwrap_or('s'))))
        }
        "at" => {
            let at = time::OffsetDateTime::parse(
                expression.trim(),
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|_| format!("the timer's time `{expression}` is not a UTC time"))?;
            Ok(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
        }
        "cron" => {
            let cron = CronParser::builder()
                .seconds(Seconds::Optional)
                .build()
                .parse(&quartz_steps(expression.trim()))
                .map_err(|e| format!("`{expression}` is not a cron expression: {e}"))?;
            let from = jiff::Timestamp::from_second(now.unix_timestamp())
                .map_err(|e| e.to_string())?
                .to_zoned(jiff::tz::TimeZone::UTC);
            let next = cron
                .find_next_occurrence(&from, false)
                .map_err(|e| format!("`{expression}` never fires: {e}"))?;
            Ok(Duration::from_secs(
                u64::try_from(next.timestamp().as_second() - now.unix_timestamp()).unwrap_or(0),
            ))
        }
        other => Err(format!(
            "the timer's Type {other} is none of rate, at, cron"
        )),
    }
}

/// Quartz's `start/step` (`15/30`: from 15 every 30) as croner writes it (`15-59/30`).
fn quartz_steps(expression: &str) -> String {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    // The largest value of each field, seconds first when there are six or seven.
    let max: &[u32] = if fields.len() >= 6 {
        &[59, 59, 23, 31, 12, 7, 2099]
    } else {
        &[59, 23, 31, 12, 7]
    };
    fields
        .iter()
        .zip(max.iter().chain(std::iter::repeat(&2099)))
        .map(|(field, max)| match field.split_once('/') {
            Some((start, step))
                if start.chars().all(|c| c.is_ascii_digit()) && !start.is_empty() =>
            {
                format!("{start}-{max}/{step}")
            }
            _ => (*field).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::quartz_steps;

    #[test]
    fn quartz_steps_become_ranges() {
        assert_eq!(quartz_steps("0 15/30 * ? * *"), "0 15-59/30 * ? * *");
        assert_eq!(quartz_steps("*/5 1/2 * * *"), "*/5 1-23/2 * * *");
    }
}
