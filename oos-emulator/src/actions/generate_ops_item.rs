//! `GenerateOpsItem`: an OpsItem made from another system's data (an alert, an event): its
//! title, severity, category and resources read from that data where it is a JSON object
//! that has them; other data is kept as the description.

use serde_json::{Map, Value};

use crate::data::ops_items::MAX_OPS_ITEMS;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::generate_ops_item as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let text = request
        .limited(p::DATA, 64 * 1024)?
        .ok_or_else(|| ApiError::missing_parameter(p::DATA.as_str()))?;
    let data: Map<String, Value> = serde_json::from_str(text).unwrap_or_else(|_| {
        let mut plain = Map::new();
        plain.insert("Description".into(), text.into());
        plain
    });
    let source = request.str(p::DATA_SOURCE).unwrap_or("/aliyun/oos");
    let read = |keys: &[&str]| -> Option<Value> {
        keys.iter()
            .find_map(|k| data.get(*k))
            .filter(|v| v.is_string() || v.is_number())
            .cloned()
    };
    let mut fields = Map::new();
    let title = read(&["Title", "title", "alertName", "AlertName", "eventName"])
        .unwrap_or_else(|| format!("OpsItem from {source}").into());
    fields.insert("Title".into(), title);
    fields.insert("Source".into(), source.into());
    for (field, keys) in [
        ("Severity", &["Severity", "severity", "level"][..]),
        ("Category", &["Category", "category"][..]),
        (
            "Description",
            &["Description", "description", "content"][..],
        ),
        ("Priority", &["Priority", "priority"][..]),
    ] {
        if let Some(value) = read(keys) {
            fields.insert(field.into(), value);
        }
    }
    if let Some(Value::String(resource)) = data.get("resourceId").or(data.get("ResourceId")) {
        fields.insert(
            "Resources".into(),
            serde_json::to_string(&[resource])
                .unwrap_or_default()
                .into(),
        );
    }
    if state.ops_items.len() >= MAX_OPS_ITEMS {
        return Err(ApiError::quota_exceeded(
            "OpsItem",
            format!("The emulator keeps at most {MAX_OPS_ITEMS} OpsItems; delete some first."),
        ));
    }
    let record = state.ops_items.create(fields);
    let mut answer = Answer::new();
    answer.insert(
        "OpsItemIds".into(),
        Value::Array(vec![record["OpsItemId"].clone()]),
    );
    Ok(request.shaped(answer))
}
