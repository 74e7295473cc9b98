//! `ListExecutions`: executions matching filters, sorted, a page at a time, without logs.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::filters::{by_date, contains, has_tags, is, sort, within};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.str("TemplateName");
    let status = request.str("Status");
    let id = request.str("ExecutionId");
    let mode = request.str("Mode");
    let executed_by = request.str("ExecutedBy");
    let parent = request.str("ParentExecutionId");
    let category = request.str("Category");
    let categories = request.string_list("Categories")?;
    let ram_role = request.str("RamRole");
    let group = request.str("ResourceGroupId");
    let description = request.str("Description");
    let tags = request.string_map("Tags")?;
    let start_before = request.date("StartDateBefore")?;
    let start_after = request.date("StartDateAfter")?;
    let end_before = request.date("EndDateBefore")?;
    let end_after = request.date("EndDateAfter")?;
    let sort_field = request.str("SortField").unwrap_or("StartDate");
    let descending = request.descending(true);

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
