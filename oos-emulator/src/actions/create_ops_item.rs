//! `CreateOpsItem`: a new OpsItem, `Open`; a `ClientToken` seen before answers with the
//! OpsItem its first request created.

use serde_json::{Map, Value};

use crate::data::ops_items::MAX_OPS_ITEMS;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::create_ops_item as p;
use crate::spec::ParamName;
use crate::state::State;

/// The request parameters an OpsItem keeps as they are sent.
const TEXT: &[(ParamName, usize)] = &[
    (p::TITLE, 1024),
    (p::DESCRIPTION, 4096),
    (p::SEVERITY, 64),
    (p::CATEGORY, 64),
    (p::SOURCE, 256),
    (p::RESOURCE_GROUP_ID, 200),
    (p::SOLUTIONS, 8 * 1024),
    (p::RESOURCES, 8 * 1024),
    (p::DEDUP_STRING, 256),
];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let token = request.client_token(p::CLIENT_TOKEN)?;
    if let Some(token) = &token {
        let earlier = state
            .client_tokens
            .get(request.access_key_id, token)
            .and_then(|id| state.ops_items.get(id));
        if let Some(record) = earlier {
            return Ok(answer(request, record.clone()));
        }
    }
    let mut fields = Map::new();
    for (name, max) in TEXT {
        if let Some(value) = request.limited(*name, *max)? {
            fields.insert(name.as_str().into(), value.into());
        }
    }
    if !fields.contains_key(p::TITLE.as_str()) {
        return Err(ApiError::missing_parameter(p::TITLE.as_str()));
    }
    if let Some(priority) = request.int(p::PRIORITY) {
        fields.insert(p::PRIORITY.as_str().into(), priority.into());
    }
    if let Some(tags) = request.tags(p::TAGS)? {
        let tags: Map<String, Value> = tags.into_iter().map(|(k, v)| (k, v.into())).collect();
        fields.insert(p::TAGS.as_str().into(), Value::Object(tags));
    }
    if state.ops_items.len() >= MAX_OPS_ITEMS {
        return Err(ApiError::quota_exceeded(
            "OpsItem",
            format!("The emulator keeps at most {MAX_OPS_ITEMS} OpsItems; delete some first."),
        ));
    }
    let record = state.ops_items.create(fields);
    if let (Some(token), Some(id)) = (token, record["OpsItemId"].as_str()) {
        state
            .client_tokens
            .remember(request.access_key_id, &token, id);
    }
    Ok(answer(request, record))
}

fn answer(request: &ActionRequest<'_>, record: Map<String, Value>) -> Answer {
    let mut answer = Answer::new();
    answer.insert("OpsItem".into(), Value::Object(record));
    request.shaped(answer)
}
