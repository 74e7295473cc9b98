//! `ACS::ExecuteAPI`: an API call. `Service: OOS` runs the emulator's own action (as OOS
//! calls itself, with the starter's access key); any other service is answered by
//! [`crate::cloud`]'s stubs and recorded.

use serde_json::{Map, Value};

use super::{Call, Outcome};
use crate::cloud::Answered;
use crate::eval::as_text;
use crate::state::State;

pub(super) fn run(state: &mut State, call: &Call<'_>) -> Result<Outcome, String> {
    let service = call.text("Service").ok_or("the task names no Service")?;
    let api = call.text("API").ok_or("the task names no API")?;
    let parameters = match call.property("Parameters") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(Value::String(text)) => {
            serde_json::from_str(text).map_err(|_| format!("Parameters is {text}, not a map"))?
        }
        Some(other) => return Err(format!("Parameters is {other}, not a map")),
    };
    api_call(state, call, &service, &api, &parameters)
}

/// One call of `service`'s `api`, logged as OOS logs them.
pub(super) fn api_call(
    state: &mut State,
    call: &Call<'_>,
    service: &str,
    api: &str,
    parameters: &Map<String, Value>,
) -> Result<Outcome, String> {
    // OOS answers its own actions; anything else it is asked for is a stub's to answer.
    let outcome = if service.eq_ignore_ascii_case("OOS") && crate::spec::action(api).is_some() {
        let params: Vec<(String, String)> = parameters
            .iter()
            .filter(|(k, _)| k.as_str() != "RegionId")
            .map(|(k, v)| (k.clone(), as_text(v)))
            .collect();
        crate::actions::call_as(state, api, &params, &call.run.access_key_id)
            .map(|answer| Outcome::answer(Value::Object(answer)))
            .map_err(|e| format!("{api} answered {}: {}", e.code, e.message))?
    } else {
        let by = (call.run.execution_id.as_str(), call.record);
        match state
            .cloud
            .call(service, api, parameters, by, &call.stamp())
        {
            Answered::Stubbed(answer) => Outcome::answer(answer),
            Answered::Default(answer) => Outcome::default_stub(answer),
            Answered::Error(code, message) => {
                return Err(format!("{service} {api} answered {code}: {message}"))
            }
        }
    };
    call.run.log_at(
        state,
        call.at,
        format!(
            "api call: {api} request:{} response: {}",
            Value::Object(parameters.clone()),
            outcome.answer
        ),
        Some(call.record),
    );
    Ok(outcome)
}

/// An action the emulator answers as a stubbed call of `service`'s `api`, with the
/// task's properties as parameters.
pub(super) fn stubbed(
    state: &mut State,
    call: &Call<'_>,
    service: &str,
    api: &str,
) -> Result<Outcome, String> {
    let parameters = call.properties.as_object().cloned().unwrap_or_default();
    api_call(state, call, service, api, &parameters)
}
