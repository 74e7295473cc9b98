//! `ListTaskExecutions`: the task executions of one execution, or of all, filtered and
//! sorted, a page at a time.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::filters::{by_date, is, sort, within};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_task_executions as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let execution_id = request.str(p::EXECUTION_ID);
    if let Some(id) = execution_id {
        if state.data.execution(id).is_none() {
            return Err(ApiError::execution_not_found(id));
        }
    }
    let status = request.str(p::STATUS);
    let task_id = request.str(p::TASK_EXECUTION_ID);
    let name = request.str(p::TASK_NAME);
    let action = request.str(p::TASK_ACTION);
    let parent = request.str(p::PARENT_TASK_EXECUTION_ID);
    let start_before = request.date(p::START_DATE_BEFORE)?;
    let start_after = request.date(p::START_DATE_AFTER)?;
    let end_before = request.date(p::END_DATE_BEFORE)?;
    let end_after = request.date(p::END_DATE_AFTER)?;
    let sort_field = request.str(p::SORT_FIELD).unwrap_or("StartDate");
    let descending = request.descending(p::SORT_ORDER, false);

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
