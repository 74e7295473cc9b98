//! `GetParameter` and `GetSecretParameter`: one parameter with its value, at its current
//! version or the one asked for; a secret in plain text only with `WithDecryption=true`.

use serde_json::Value;

use crate::data::parameter::Store;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::{self, get_parameter as p};
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let name = request.required(p::NAME)?;
    let parameter = state
        .data
        .parameters(store)
        .get(name)
        .ok_or_else(|| ApiError::parameter_not_found(name))?;
    let version = match request.int(p::PARAMETER_VERSION) {
        None => parameter.current(),
        Some(number) => Some(parameter.version(number).ok_or_else(|| {
            ApiError::not_found(
                "ParameterVersion",
                "version",
                &format!("{number} of parameter {name}"),
            )
        })?),
    }
    .ok_or_else(|| ApiError::parameter_not_found(name))?;
    let decrypt = request
        .bool(params::get_secret_parameter::WITH_DECRYPTION)
        .unwrap_or(false);
    let value = parameter.shown_value(version, store, &state.vault, decrypt);
    let mut answer = Answer::new();
    answer.insert(
        "Parameter".into(),
        Value::Object(parameter.record(version, Some(value))),
    );
    Ok(request.shaped(answer))
}
