//! `GetParameters` and `GetSecretParameters`: several parameters by name with their
//! current values; the names not found come back as `InvalidParameters`.

use serde_json::Value;

use crate::data::parameter::Store;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::{self, get_parameters as p};
use crate::state::State;

const MAX_NAMES: usize = 20;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let names = request.string_list(p::NAMES)?.unwrap_or_default();
    if names.is_empty() || names.len() > MAX_NAMES {
        return Err(ApiError::invalid_parameter(
            p::NAMES.as_str(),
            "it must name 1 to 20 parameters",
        ));
    }
    let decrypt = request
        .bool(params::get_secret_parameters::WITH_DECRYPTION)
        .unwrap_or(false);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        let parameter = state.data.parameters(store).get(&name);
        match parameter.and_then(|p| Some((p, p.current()?))) {
            Some((parameter, current)) => {
                let value = parameter.shown_value(current, store, &state.vault, decrypt);
                found.push(Value::Object(parameter.record(current, Some(value))));
            }
            None => missing.push(Value::String(name)),
        }
    }
    let mut answer = Answer::new();
    answer.insert("Parameters".into(), Value::Array(found));
    answer.insert("InvalidParameters".into(), Value::Array(missing));
    Ok(request.shaped(answer))
}
