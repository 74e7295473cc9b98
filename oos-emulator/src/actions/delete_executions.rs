//! `DeleteExecutions`: removes executions, all or none.

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::delete_executions as p;
use crate::state::State;

const MAX_IDS: usize = 100;

/// Unknown ids are ignored, so that a retried call does not fail; an unfinished execution
/// without `Force=true` is `InvalidStatus.Execution` and nothing is deleted.
pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let ids = request.string_list(p::EXECUTION_IDS)?.unwrap_or_default();
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(ApiError::invalid_parameter(
            p::EXECUTION_IDS.as_str(),
            "it must name 1 to 100 executions",
        ));
    }
    let force = request.bool(p::FORCE).unwrap_or(false);
    if !force {
        let running = ids
            .iter()
            .filter_map(|id| state.data.execution(id))
            .find(|e| e.is_unfinished());
        if let Some(execution) = running {
            return Err(ApiError::invalid_status(
                &execution.execution_id,
                &execution.status,
                "deleted without Force",
            ));
        }
    }
    crate::engine::delete(state, &ids);
    Ok(Answer::new())
}
