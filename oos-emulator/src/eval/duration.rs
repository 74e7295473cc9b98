//! Durations as templates write them: ISO 8601 (`PT1M`, `P1DT2H`), a number and a unit
//! (`3s`, `4m`, `1M`, `2h`, `1d`; the unit's case does not matter, so `1M` is a minute as in
//! OOS's own templates) or a bare number of seconds (`Delay: 15`).

use std::time::Duration;

use serde_json::Value;

/// The duration `value` writes, or why it is none.
pub(crate) fn parse(value: &Value) -> Result<Duration, String> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("{n} is not a number of seconds")),
        Value::String(text) => text_duration(text.trim()),
        other => Err(format!("{other} is not a duration such as PT1M, 30s or 15")),
    }
}

fn text_duration(text: &str) -> Result<Duration, String> {
    let refused = || format!("`{text}` is not a duration such as PT1M, 30s, 4m or 15");
    if text.starts_with(['P', 'p']) {
        return iso8601::duration(&text.to_ascii_uppercase())
            .map(Duration::from)
            .map_err(|_| refused());
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| refused())?;
    let unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return Err(refused()),
    };
    Duration::try_from_secs_f64(number * unit).map_err(|_| refused())
}

/// `seconds` as ISO 8601, the form `Fn::DurationBetween` answers in.
pub(crate) fn iso(seconds: u64) -> String {
    format!("PT{seconds}S")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form() {
        for (written, seconds) in [
            (json!("PT1M"), 60),
            (json!("P1DT1H"), 90_000),
            (json!("3s"), 3),
            (json!("4m"), 240),
            (json!("1M"), 60),
            (json!("2h"), 7200),
            (json!("1d"), 86_400),
            (json!("15"), 15),
            (json!(15), 15),
            (json!(" pt30s "), 30),
        ] {
            assert_eq!(
                parse(&written).unwrap(),
                Duration::from_secs(seconds),
                "{written}"
            );
        }
        for bad in [
            json!("soon"),
            json!("3w"),
            json!(-1),
            json!([1]),
            json!("P"),
        ] {
            assert!(parse(&bad).is_err(), "{bad}");
        }
        assert_eq!(iso(90), "PT90S");
    }
}
