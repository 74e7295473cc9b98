//! `ACS::SelectTargets`: the resources a template acts on. A registered stub of service
//! `OOS`, action `SelectTargets` answers first (matched on `ResourceType` or any property);
//! else the resources its filters name (`ResourceIds`), described as their product's
//! Describe action would (`Instances.Instance[]` for ECS instances), and none for filters
//! by tag or over everything, which stand for resources the emulator does not hold.

use serde_json::{json, Value};

use super::execute_api::stubbed;
use super::{Call, Outcome};
use crate::eval::as_text;
use crate::state::State;

pub(super) fn run(state: &mut State, call: &Call<'_>) -> Result<Outcome, String> {
    let outcome = stubbed(state, call, "OOS", "SelectTargets")?;
    if !outcome.lenient {
        return Ok(outcome);
    }
    let mut ids = Vec::new();
    let filters = match call.property("Filters") {
        Some(Value::Array(filters)) => filters.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    for filter in filters {
        let filter = match filter {
            Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
            other => other,
        };
        if let Some(Value::Array(found)) = filter.get("ResourceIds") {
            ids.extend(found.iter().map(as_text));
        }
    }
    let kind = call.text("ResourceType").unwrap_or_default();
    let described: Vec<Value> = ids
        .iter()
        .map(|id| json!({"InstanceId": id, "ResourceId": id, "OSType": "linux", "Status": "Running", "RegionId": call.text("RegionId").unwrap_or_default()}))
        .collect();
    let answer = if kind.eq_ignore_ascii_case("ALIYUN::ECS::Instance") {
        json!({"Instances": {"Instance": described}, "ResourceIds": ids})
    } else {
        json!({"Resources": described, "ResourceIds": ids})
    };
    Ok(Outcome::default_stub(answer))
}
