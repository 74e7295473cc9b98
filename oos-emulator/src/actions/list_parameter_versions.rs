//! `ListParameterVersions` and `ListSecretParameterVersions`: a parameter's versions with
//! their values, newest first, a page at a time; a secret's in plain text only with
//! `WithDecryption=true`.

use serde_json::{Map, Value};

use crate::data::parameter::{ParameterVersion, Store};
use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::{self, list_parameter_versions as p};
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.required(p::NAME)?;
    let parameter = state
        .data
        .parameters(store)
        .get(name)
        .ok_or_else(|| ApiError::parameter_not_found(name))?;
    let decrypt = request
        .bool(params::list_secret_parameter_versions::WITH_DECRYPTION)
        .unwrap_or(false);
    let versions: Vec<_> = parameter.versions.iter().rev().collect();
    let mut answer = match parameter.current() {
        Some(current) => parameter.record(current, None),
        None => Answer::new(),
    };
    for key in ["UpdatedBy", "UpdatedDate", "ParameterVersion", "Tags"] {
        answer.remove(key);
    }
    let item = |version: &&ParameterVersion| {
        let mut item = Map::new();
        item.insert("ParameterVersion".into(), version.version.into());
        item.insert(
            "Value".into(),
            parameter
                .shown_value(version, store, &state.vault, decrypt)
                .into(),
        );
        item.insert("UpdatedBy".into(), version.updated_by.clone().into());
        item.insert("UpdatedDate".into(), version.updated_date.clone().into());
        Value::Object(item)
    };
    paging.answer(state, request, &versions, item, &mut answer);
    Ok(request.shaped(answer))
}
