//! The triggers as their tasks define them. `ACS::TimerTrigger` fires by `Type`: `rate`
//! (`Expression` such as `30 minutes`), `at` (a time) or `cron` (Quartz, seconds optional, in
//! `TimeZone`), until its `EndDate`; `ACS::EventTrigger` and `ACS::AlarmTrigger` fire at
//! each event a test delivers that their properties match. How a run waits for them and
//! starts a child execution at each firing is `engine::firing`.
//!
//! `ACS::TriggerExecution` as a task goes on at once, as if the trigger had fired.

use std::time::Duration;

use croner::parser::{CronParser, Seconds};
use croner::Cron;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::{Call, Outcome, STEP};
use crate::data::model::parse_date;
use crate::eval::{as_text, duration};
use crate::state::State;

/// `ACS::TriggerExecution` as a task: nothing to wait for.
pub(super) fn run(_: &mut State, _: &Call<'_>) -> (Result<Outcome, String>, Duration) {
    (Ok(Outcome::answer(json!({}))), STEP)
}

/// The built-in actions that keep their execution running and start a child execution at
/// each firing.
pub(crate) const KINDS: &[&str] = &[
    "ACS::TimerTrigger",
    "ACS::EventTrigger",
    "ACS::AlarmTrigger",
];

/// A trigger task, read from its evaluated properties.
#[derive(Debug)]
pub(crate) enum Trigger {
    Timer(Timer),
    /// An event or alarm trigger: what an event must be to fire it.
    Event {
        kind: EventKind,
        filter: Map<String, Value>,
    },
}

/// Which kind of event fires a trigger, as `TriggerExecution`'s `Type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventKind {
    Event,
    Alarm,
}

impl EventKind {
    /// `Event` or `Alarm` (without regard to case).
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("Event") {
            Some(Self::Event)
        } else if text.eq_ignore_ascii_case("Alarm") {
            Some(Self::Alarm)
        } else {
            None
        }
    }

    pub fn category(self) -> &'static str {
        match self {
            Self::Event => "EventTrigger",
            Self::Alarm => "AlarmTrigger",
        }
    }
}

impl Trigger {
    /// The trigger of a task whose action is one of [`KINDS`].
    pub fn read(action: &str, properties: &Value) -> Result<Self, String> {
        match action {
            "ACS::TimerTrigger" => Timer::read(properties).map(Self::Timer),
            other => Ok(Self::Event {
                kind: if other == "ACS::AlarmTrigger" {
                    EventKind::Alarm
                } else {
                    EventKind::Event
                },
                filter: properties.as_object().cloned().unwrap_or_default(),
            }),
        }
    }

    /// The execution's `Category` while the trigger runs it.
    pub fn category(&self) -> &'static str {
        match self {
            Self::Timer(_) => "TimerTrigger",
            Self::Event { kind, .. } => kind.category(),
        }
    }

    /// Whether `event` fires this trigger: every key its filter shares with the event
    /// (`Product`, `Name`, `Level`, `RegionId` for an event; `Namespace`, `MetricName` for an
    /// alarm) holds the event's value, or lists it. Keys the event does not carry, and the
    /// keys that say what to do rather than what to match (`Tags`, `Content`, thresholds),
    /// match anything: the test delivering the event stands for the cloud that matched it.
    pub fn matches(&self, kind: EventKind, event: &Value) -> bool {
        let Self::Event { kind: mine, filter } = self else {
            return false;
        };
        if *mine != kind {
            return false;
        }
        const KEYS: &[&str] = &[
            "Product",
            "Name",
            "Level",
            "RegionId",
            "Namespace",
            "MetricName",
        ];
        KEYS.iter().all(|key| {
            let wanted = filter.get(*key).filter(|v| !v.is_null());
            let given = lookup(event, key);
            match (wanted, given) {
                (Some(wanted), Some(given)) => {
                    let given = as_text(given);
                    let one = |w: &Value| as_text(w).eq_ignore_ascii_case(&given);
                    match wanted {
                        Value::Array(list) => list.is_empty() || list.iter().any(one),
                        single => one(single),
                    }
                }
                _ => true,
            }
        })
    }

    /// The event a trigger fires on when the test sends none: the first of each listed
    /// value, in the shape of OOS's events (lower-case keys, `content` for the resource).
    pub fn default_event(&self) -> Value {
        let Self::Event { filter, .. } = self else {
            return json!({});
        };
        let first = |key: &str| match filter.get(key) {
            Some(Value::Array(list)) => list.first().map(as_text),
            Some(Value::Null) | None => None,
            Some(other) => Some(as_text(other)),
        };
        let mut event = Map::new();
        for (key, field) in [
            ("Product", "product"),
            ("Name", "name"),
            ("Level", "level"),
            ("RegionId", "regionId"),
            ("Namespace", "namespace"),
            ("MetricName", "metricName"),
        ] {
            if let Some(value) = first(key) {
                event.insert(field.into(), value.into());
            }
        }
        event.insert("content".into(), json!({}));
        Value::Object(event)
    }
}

/// The value of `key` in an event, in OOS's casing (`product`) or the template's (`Product`).
fn lookup<'v>(event: &'v Value, key: &str) -> Option<&'v Value> {
    let map = event.as_object()?;
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

/// A timer's schedule.
#[derive(Debug)]
pub(crate) struct Timer {
    schedule: Schedule,
    /// After it, the timer fires no more.
    end: Option<OffsetDateTime>,
}

#[derive(Debug)]
enum Schedule {
    Rate(Duration),
    At(OffsetDateTime),
    Cron(Box<Cron>, jiff::tz::TimeZone),
}

impl Timer {
    fn read(properties: &Value) -> Result<Self, String> {
        let text = |key: &str| {
            properties
                .get(key)
                .filter(|v| !v.is_null())
                .map(as_text)
                .filter(|t| !t.trim().is_empty())
        };
        let kind = text("Type").unwrap_or_else(|| "cron".into());
        let expression = text("Expression").ok_or("the timer has no Expression")?;
        let end = match text("EndDate") {
            Some(end) => Some(parse_date(&end).ok_or_else(|| {
                format!("the timer's EndDate `{end}` is not a time such as 2030-01-01T00:00:00Z")
            })?),
            None => None,
        };
        let schedule = match kind.to_ascii_lowercase().as_str() {
            "rate" => {
                let mut parts = expression.split_whitespace();
                let (n, unit) = (parts.next().unwrap_or(""), parts.next().unwrap_or("s"));
                let every =
                    duration::parse(&json!(format!("{n}{}", unit.chars().next().unwrap_or('s'))))?;
                if every.is_zero() {
                    return Err(format!("the timer's rate `{expression}` is zero"));
                }
                Schedule::Rate(every)
            }
            "at" => Schedule::At(parse_date(&expression).ok_or_else(|| {
                format!(
                    "the timer's time `{expression}` is not a time such as 2030-01-01T00:00:00Z"
                )
            })?),
            "cron" => {
                let cron = CronParser::builder()
                    .seconds(Seconds::Optional)
                    .build()
                    .parse(&quartz_steps(expression.trim()))
                    .map_err(|e| format!("`{expression}` is not a cron expression: {e}"))?;
                let zone = text("TimeZone").unwrap_or_else(|| "UTC".into());
                let zone = jiff::tz::TimeZone::get(zone.trim())
                    .map_err(|_| format!("the timer's TimeZone `{zone}` is not a time zone"))?;
                Schedule::Cron(Box::new(cron), zone)
            }
            other => {
                return Err(format!(
                    "the timer's Type {other} is none of rate, at, cron"
                ))
            }
        };
        Ok(Self { schedule, end })
    }

    /// When the timer fires next after `now`, the timer having been armed at `armed`; `None`
    /// when it fires no more.
    pub fn next_after(
        &self,
        armed: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, String> {
        let next = match &self.schedule {
            Schedule::Rate(every) => {
                let every = time::Duration::try_from(*every).map_err(|e| e.to_string())?;
                let since = now - armed;
                let periods = (since.as_seconds_f64() / every.as_seconds_f64()).floor() + 1.0;
                armed.checked_add(every * periods.max(1.0))
            }
            Schedule::At(at) => Some(*at).filter(|at| *at > now),
            Schedule::Cron(cron, zone) => {
                let from = jiff::Timestamp::from_second(now.unix_timestamp())
                    .map_err(|e| e.to_string())?
                    .to_zoned(zone.clone());
                match cron.find_next_occurrence(&from, false) {
                    Ok(next) => {
                        OffsetDateTime::from_unix_timestamp(next.timestamp().as_second()).ok()
                    }
                    Err(_) => None,
                }
            }
        };
        Ok(next.filter(|next| self.end.is_none_or(|end| *next <= end)))
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
    use serde_json::json;
    use time::macros::datetime;

    use super::{quartz_steps, EventKind, Trigger};

    #[test]
    fn quartz_steps_become_ranges() {
        assert_eq!(quartz_steps("0 15/30 * ? * *"), "0 15-59/30 * ? * *");
        assert_eq!(quartz_steps("*/5 1/2 * * *"), "*/5 1-23/2 * * *");
    }

    fn timer(properties: serde_json::Value) -> super::Timer {
        match Trigger::read("ACS::TimerTrigger", &properties).unwrap() {
            Trigger::Timer(timer) => timer,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_rate_fires_each_period_after_it_was_armed_until_its_end() {
        let t = timer(json!({"Type": "rate", "Expression": "30 minutes",
            "EndDate": "2030-01-01T01:00:00Z"}));
        let armed = datetime!(2030-01-01 0:00 UTC);
        let next = |now| t.next_after(armed, now).unwrap();
        assert_eq!(next(armed), Some(datetime!(2030-01-01 0:30 UTC)));
        assert_eq!(
            next(datetime!(2030-01-01 0:30 UTC)),
            Some(datetime!(2030-01-01 1:00 UTC))
        );
        assert_eq!(next(datetime!(2030-01-01 1:00 UTC)), None);
    }

    #[test]
    fn a_cron_fires_in_its_time_zone() {
        let t = timer(json!({"Type": "cron", "Expression": "0 0 12 ? * *",
            "TimeZone": "Asia/Shanghai"}));
        let now = datetime!(2030-01-01 0:00 UTC);
        // Noon in Shanghai is 04:00 UTC.
        assert_eq!(
            t.next_after(now, now).unwrap(),
            Some(datetime!(2030-01-01 4:00 UTC))
        );
    }

    #[test]
    fn an_at_fires_once() {
        let t = timer(json!({"Type": "at", "Expression": "2030-01-01T02:00:00Z"}));
        let now = datetime!(2030-01-01 0:00 UTC);
        assert_eq!(
            t.next_after(now, now).unwrap(),
            Some(datetime!(2030-01-01 2:00 UTC))
        );
        assert_eq!(
            t.next_after(now, datetime!(2030-01-01 2:00 UTC)).unwrap(),
            None
        );
    }

    #[test]
    fn a_bad_timer_says_what_is_wrong() {
        for (properties, says) in [
            (json!({"Type": "rate"}), "no Expression"),
            (json!({"Type": "weekly", "Expression": "x"}), "none of rate"),
            (
                json!({"Type": "cron", "Expression": "61 * * * *"}),
                "not a cron",
            ),
            (
                json!({"Type": "cron", "Expression": "0 * * * *", "TimeZone": "Mars/Base"}),
                "not a time zone",
            ),
            (
                json!({"Type": "rate", "Expression": "1 hour", "EndDate": "soon"}),
                "EndDate",
            ),
        ] {
            let why = Trigger::read("ACS::TimerTrigger", &properties).unwrap_err();
            assert!(why.contains(says), "{properties}: {why}");
        }
    }

    #[test]
    fn an_event_matches_on_what_its_trigger_lists() {
        let trigger = Trigger::read(
            "ACS::EventTrigger",
            &json!({"Product": "ECS", "Name": ["Instance:StateChange"], "Level": ["INFO"],
                "Tags": [{"Key": "k"}]}),
        )
        .unwrap();
        let event = json!({"product": "ECS", "name": "Instance:StateChange", "level": "INFO"});
        assert!(trigger.matches(EventKind::Event, &event));
        assert!(!trigger.matches(EventKind::Alarm, &event));
        let other = json!({"product": "ECS", "name": "Instance:PreemptibleInstanceInterruption"});
        assert!(!trigger.matches(EventKind::Event, &other));
        // What the event leaves out matches anything.
        assert!(trigger.matches(EventKind::Event, &json!({"content": {}})));
        assert_eq!(
            trigger.default_event(),
            json!({"product": "ECS", "name": "Instance:StateChange", "level": "INFO",
                "content": {}})
        );
    }
}
