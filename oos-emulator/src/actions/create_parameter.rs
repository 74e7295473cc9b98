//! `CreateParameter` and `CreateSecretParameter`: a new parameter at version 1; a secret
//! one's value is sealed before it is stored.

use serde_json::Value;

use crate::data::model::{check_name, executed_by, now};
use crate::data::parameter::{Parameter, ParameterVersion, Store};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::create_parameter as p;
use crate::spec::params::create_secret_parameter as secret_params;
use crate::state::State;

/// The most parameters kept in each store.
const MAX_PARAMETERS: usize = 10_000;
const MAX_VALUE: usize = 4096;
const MAX_TEXT: usize = 1024;
const RESERVED: &[&str] = &["ALIYUN", "ACS", "ALIBABA", "ALICLOUD", "OOS"];

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let name = request.required(p::NAME)?;
    check_name(name, RESERVED, true)
        .map_err(|why| ApiError::invalid_parameter(p::NAME.as_str(), &why))?;
    let kind = match store {
        Store::Common => request.required(p::TYPE)?,
        Store::Secret => request.str(p::TYPE).unwrap_or("Secret"),
    };
    let kinds: &[&str] = match store {
        Store::Common => &["String", "StringList"],
        Store::Secret => &["Secret"],
    };
    if !kinds.contains(&kind) {
        return Err(ApiError::invalid_parameter(
            p::TYPE.as_str(),
            &format!("it must be {}", kinds.join(" or ")),
        ));
    }
    let value = request.required(p::VALUE)?;
    if value.chars().count() > MAX_VALUE {
        return Err(ApiError::invalid_parameter(
            p::VALUE.as_str(),
            "it must be 1 to 4096 characters long",
        ));
    }
    let tags = request.tags(p::TAGS)?.unwrap_or_default();
    let description = request.limited(p::DESCRIPTION, 200)?.unwrap_or_default();
    let constraints = request
        .limited(p::CONSTRAINTS, MAX_TEXT)?
        .unwrap_or_default();
    let group = request
        .limited(p::RESOURCE_GROUP_ID, 200)?
        .unwrap_or_default();
    let client_token = request.client_token(p::CLIENT_TOKEN)?;
    if let Some(token) = &client_token {
        let earlier = state
            .client_tokens
            .get(request.access_key_id, token)
            .and_then(|name| state.data.parameters(store).get(name));
        if let Some(parameter) = earlier {
            return Ok(answer(request, parameter));
        }
    }
    let parameters = state.data.parameters(store);
    if parameters.contains_key(name) {
        return Err(ApiError::already_exists("Parameter", "parameter", name));
    }
    if parameters.len() >= MAX_PARAMETERS {
        return Err(ApiError::quota_exceeded(
            "Parameter",
            format!("The emulator keeps at most {MAX_PARAMETERS} parameters; delete some first."),
        ));
    }
    let stored = match store {
        Store::Common => value.to_owned(),
        Store::Secret => state.vault.seal(value).ok_or_else(|| {
            ApiError::invalid_parameter(p::VALUE.as_str(), "it cannot be encrypted")
        })?,
    };
    let at = now();
    let secret = store == Store::Secret;
    let parameter = Parameter {
        name: name.to_owned(),
        id: format!("p-{}", hex::encode(rand::random::<[u8; 10]>())),
        kind: kind.to_owned(),
        description: description.to_owned(),
        constraints: constraints.to_owned(),
        tags,
        resource_group_id: group.to_owned(),
        share_type: "Private".to_owned(),
        key_id: secret.then(|| {
            request
                .str(secret_params::KEY_ID)
                .unwrap_or_default()
                .to_owned()
        }),
        dkms_instance_id: request
            .str(secret_params::DKMS_INSTANCE_ID)
            .filter(|_| secret)
            .map(str::to_owned),
        created_by: executed_by(),
        created_date: at.clone(),
        versions: vec![ParameterVersion {
            version: 1,
            value: stored,
            updated_by: executed_by(),
            updated_date: at,
        }],
    };
    let reply = answer(request, &parameter);
    if let Some(token) = &client_token {
        state
            .client_tokens
            .remember(request.access_key_id, token, name);
    }
    state
        .data
        .parameters_mut(store)
        .insert(name.to_owned(), parameter);
    Ok(reply)
}

fn answer(request: &ActionRequest<'_>, parameter: &Parameter) -> Answer {
    let mut answer = Answer::new();
    if let Some(current) = parameter.current() {
        answer.insert(
            "Parameter".into(),
            Value::Object(parameter.record(current, None)),
        );
    }
    request.shaped(answer)
}
