//! `ListExecutions`: executions matching filters, sorted, a page at a time, without logs.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::filters::{by_date, contains, has_tags, is, sort, within};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_executions as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.str(p::TEMPLATE_NAME);
    let status = request.str(p::STATUS);
    let id = request.str(p::EXECUTION_ID);
    let mode = request.str(p::MODE);
    let executed_by = request.str(p::EXECUTED_BY);
    let parent = request.str(p::PARENT_EXECUTION_ID);
    let category = request.str(p::CATEGORY);
    let categories = request.string_list(p::CATEGORIES)?;
    let ram_role = request.str(p::RAM_ROLE);
    let group = request.str(p::RESOURCE_GROUP_ID);
    let description = request.str(p::DESCRIPTION);
    let tags = request.string_map(p::TAGS)?;
    let start_before = request.date(p::START_DATE_BEFORE)?;
    let start_after = request.date(p::START_DATE_AFTER)?;
    let end_before = request.date(p::END_DATE_BEFORE)?;
    let end_after = request.date(p::END_DATE_AFTER)?;
    let sort_field = request.str(p::SORT_FIELD).unwrap_or("StartDate");
    let descending = request.descending(p::SORT_ORDER, true);

    let mut executions: Vec<_> = state
        .data
        .executions()
        .iter()
        .filter(|e| {
            contains(&e.template_name, name)
                && is(&e.status, status)
                && is(&e.execution_id, id)
                && is(&e.mode, mode)
                && is(&e.executed_by, executed_by)
                && is(&e.parent_execution_id, parent)
                && is(&e.category, category)
                && categories.as_ref().is_none_or(|c| c.contains(&e.category))
                && is(&e.ram_role, ram_role)
                && is(&e.resource_group_id, group)
                && contains(&e.description, description)
                && has_tags(&e.tags, tags.as_ref())
                && within(&e.start_date, start_after, start_before)
                && within(&e.end_date, end_after, end_before)
        })
        .collect();
    sort(&mut executions, descending, |a, b| match sort_field {
        "EndDate" => by_date(&a.end_date, &b.end_date),
        "Status" => a.status.cmp(&b.status),
        _ => by_date(&a.start_date, &b.start_date),
    });
    Ok(paging.list(state, request, &executions, |e| Value::Object(e.record())))
}
