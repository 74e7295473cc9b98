//! Every action without state of its own: its documented answer, a page at a time when it
//! pages, with page tokens bound to the query like any list's.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{sample_of, ActionRequest, Answer};
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let mut answer = match sample_of(request.spec) {
        Some(Value::Object(sample)) => sample.clone(),
        _ => Answer::new(),
    };
    answer.remove("RequestId");
    if let Some(pagination) = &request.spec.pagination {
        let paging = Paging::read(state, request)?;
        let items = crate::query::items_at(&answer, pagination.items);
        paging.answer(state, request, &items, Value::clone, &mut answer);
    }
    // The page size goes in as the documentation types it (some document it as text).
    Ok(request.shaped(answer))
}
