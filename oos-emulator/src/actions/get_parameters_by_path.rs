//! `GetParametersByPath` and `GetSecretParametersByPath`: the parameters under a path
//! (`/app/db` holds `/app/db/user`; with `Recursive=true`, `/app/db/replica/user` too), by
//! name, with their values, a page at a time.

use serde_json::Value;

use crate::data::parameter::{under_path, Store};
use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::{self, get_parameters_by_path as p};
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let path = request.required(p::PATH)?;
    if !path.starts_with('/') {
        return Err(ApiError::invalid_parameter(
            p::PATH.as_str(),
            "it must start with /",
        ));
    }
    let recursive = request.bool(p::RECURSIVE).unwrap_or(false);
    let decrypt = request
        .bool(params::get_secret_parameters_by_path::WITH_DECRYPTION)
        .unwrap_or(false);
    let parameters: Vec<_> = state
        .data
        .parameters(store)
        .values()
        .filter(|p| under_path(&p.name, path, recursive))
        .filter_map(|p| Some((p, p.current()?)))
        .collect();
    Ok(paging.list(state, request, &parameters, |(p, current)| {
        let value = p.shown_value(current, store, &state.vault, decrypt);
        Value::Object(p.record(current, Some(value)))
    }))
}
