//! `ListExecutions`: executions matching filters, sorted, a page at a time, without logs.

use super::listing::{self, by_date, contains, has_tags, is, within, Paging};
use super::{ActionRequest, Answer, State};
use crate::error::ApiError;

const SORT_FIELDS: &[&str] = &["StartDate", "EndDate", "Status"];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = listing::filter(request, "TemplateName");
    let status = listing::filter(request, "Status");
    let id = listing::filter(request, "ExecutionId");
    let mode = listing::filter(request, "Mode");
    let executed_by = listing::filter(request, "ExecutedBy");
    let parent = listing::filter(request, "ParentExecutionId");
    let category = listing::filter(request, "Category");
    let categories = listing::string_list(request, "Categories")?;
    let ram_role = listing::filter(request, "RamRole");
    let group = listing::filter(request, "ResourceGroupId");
    let description = listing::filter(request, "Description");
    let tags = listing::string_map(request, "Tags")?;
    let start_before = listing::date(request, "StartDateBefore")?;
    let start_after = listing::date(request, "StartDateAfter")?;
    let end_before = listing::date(request, "EndDateBefore")?;
    let end_after = listing::date(request, "EndDateAfter")?;
    let sort_field = listing::one_of(request, "SortField", SORT_FIELDS)?;
    let descending = listing::descending(request)?;

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
    listing::sort(&mut executions, descending, |a, b| match sort_field {
        "EndDate" => by_date(&a.end_date, &b.end_date),
        "Status" => a.status.cmp(&b.status),
        _ => by_date(&a.start_date, &b.start_date),
    });
    let total = executions.len();
    let items = executions.iter().map(|e| e.list_view()).collect();
    let mut answer = Answer::new();
    paging.answer(state, request, items, "Executions", &mut answer);
    answer.insert("TotalCount".into(), total.into());
    Ok(answer)
}
