//! `ListOpsItems`: the OpsItems, oldest first, narrowed by `Filter` (`Equal` on a field of
//! the record) and `Tags`, a page at a time.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_ops_items as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let filters: Vec<(String, Vec<String>)> = match request.value(p::FILTER) {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(filter).collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                p::FILTER.as_str(),
                "it must be a list",
            ))
        }
    };
    let tags: BTreeMap<String, String> = request.tags(p::TAGS)?.unwrap_or_default();
    let items: Vec<_> = state
        .ops_items
        .all()
        .filter(|record| {
            filters.iter().all(|(name, values)| {
                let field = match record.get(name) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                values.is_empty() || values.contains(&field)
            }) && tags.iter().all(|(k, v)| {
                record
                    .get("Tags")
                    .and_then(|t| t.get(k))
                    .and_then(Value::as_str)
                    == Some(v.as_str())
            })
        })
        .collect();
    Ok(paging.list(state, request, &items, |r| Value::Object((*r).clone())))
}

fn filter(item: &Value) -> Result<(String, Vec<String>), ApiError> {
    let name = item.get("Name").and_then(Value::as_str).ok_or_else(|| {
        ApiError::invalid_parameter(p::FILTER.as_str(), "each filter names a field")
    })?;
    match item.get("Operator").and_then(Value::as_str) {
        None | Some("Equal") => {}
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                p::FILTER.as_str(),
                "the emulator filters with the Equal operator only",
            ))
        }
    }
    let values = match item.get("Value") {
        Some(Value::Array(values)) => values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    Ok((name.to_owned(), values))
}
