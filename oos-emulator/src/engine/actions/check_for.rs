//! `ACS::CheckFor` and `ACS::WaitFor`: an API call whose value at `PropertySelector` must be
//! one of `DesiredValues` (or none of `NotDesiredValues`). `WaitFor` is retried by the
//! engine until it holds (its `Retries`, 30 by default, `Delay` apart); a value among
//! `StopRetryValues` fails it at once. A default stub is the resource in the awaited state.

use serde_json::{Map, Value};

use super::execute_api::api_call;
use super::{select, Call, Outcome};
use crate::eval::{as_text, Failure};
use crate::state::State;

pub(super) fn check(state: &mut State, call: &Call<'_>, waiting: bool) -> Result<Outcome, Failure> {
    let service = call.text("Service").ok_or("the task names no Service")?;
    let api = call.text("API").ok_or("the task names no API")?;
    let parameters = match call.property("Parameters") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let selector = call
        .text("PropertySelector")
        .ok_or("the task needs a PropertySelector")?;
    let outcome = api_call(state, call, &service, &api, &parameters)?;
    if outcome.lenient {
        return Ok(outcome);
    }
    let found = select(&outcome.answer, &selector)?;
    let values: Vec<String> = match &found {
        Value::Array(items) if !items.is_empty() => items.iter().map(as_text).collect(),
        other => vec![as_text(other)],
    };
    let list = |key: &str| {
        call.property(key).map(|v| match v {
            Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>(),
            other => vec![as_text(other)],
        })
    };
    if waiting {
        if let Some(stop) = list("StopRetryValues") {
            if let Some(value) = values.iter().find(|v| stop.contains(v)) {
                return Err(Failure::Final(format!(
                    "The value is one of the StopRetryValues: {selector} is `{value}`"
                )));
            }
        }
    }
    match (list("DesiredValues"), list("NotDesiredValues")) {
        (Some(desired), _) if !values.iter().all(|v| desired.contains(v)) => Err(format!(
            "the check did not hold: {selector} is `{}`, not one of {}",
            values.join(", "),
            desired.join(", ")
        )
        .into()),
        (_, Some(unwanted)) if values.iter().any(|v| unwanted.contains(v)) => Err(format!(
            "the check did not hold: {selector} is `{}`, one of the NotDesiredValues",
            values.join(", ")
        )
        .into()),
        (None, None) => Err("the task needs DesiredValues or NotDesiredValues".into()),
        _ => Ok(outcome),
    }
}
