//! `ListTaskExecutions`: the task executions of one execution, or of all, filtered and
//! sorted, a page at a time.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::filters::{by_date, is, sort, within};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let execution_id = request.str("ExecutionId");
    if let Some(id) = execution_id {
        if state.data.execution(id).is_none() {
            return Err(ApiError::execution_not_found(id));
        }
    }
    let status = request.str("Status");
    let task_id = request.str("TaskExecutionId");
    let name = request.str("TaskName");
    let action = request.str("TaskAction");
    let parent = request.str("ParentTaskExecutionId");
    let start_before = request.date("StartDateBefore")?;
    let start_after = request.date("StartDateAfter")?;
    let end_before = request.date("EndDateBefore")?;
    let end_after = request.date("EndDateAfter")?;
    let sort_field = request.str("SortField").unwrap_or("StartDate");
    let descending = request.descending(false);

    let mut tasks: Vec<_> = state
        .data
        .executions()
        .iter()
        .filter(|e| is(&e.execution_id, execution_id))
        .flat_map(|e| &e.task_executions)
        .filter(|t| {
            is(&t.status, status)
                && is(&t.task_execution_id, task_id)
                && is(&t.task_name, name)
                && is(&t.task_action, action)
                && is(&t.parent_task_execution_id, parent)
                && within(&t.start_date, start_after, start_before)
                && within(&t.end_date, end_after, end_before)
        })
        .collect();
    sort(&mut tasks, descending, |a, b| match sort_field {
        "EndDate" => by_date(&a.end_date, &b.end_date),
        "Status" => a.status.cmp(&b.status),
        _ => by_date(&a.start_date, &b.start_date),
    });
    Ok(paging.list(state, request, &tasks, |t| Value::Object(t.record())))
}
