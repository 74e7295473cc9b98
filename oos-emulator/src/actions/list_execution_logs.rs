//! `ListExecutionLogs`: the logs of one execution, a page at a time, served verbatim.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_execution_logs as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let execution_id = request.required(p::EXECUTION_ID)?;
    let paging = Paging::read(state, request)?;
    let task = request.str(p::TASK_EXECUTION_ID);
    let log_type = request.str(p::LOG_TYPE);
    let execution = state
        .data
        .execution(execution_id)
        .ok_or_else(|| ApiError::execution_not_found(execution_id))?;
    let logs: Vec<&Value> = execution
        .logs
        .iter()
        .filter(|log| task.is_none_or(|t| field(log, "TaskExecutionId") == Some(t)))
        .filter(|log| log_type.is_none_or(|t| field(log, "LogType") == Some(t)))
        .collect();
    // Not shaped: each log is served verbatim, fields the documentation lacks included.
    let mut answer = Answer::new();
    paging.answer(state, request, &logs, |log| Value::clone(log), &mut answer);
    Ok(answer)
}

fn field<'a>(log: &'a Value, name: &str) -> Option<&'a str> {
    log.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use http::StatusCode;

    use super::*;
    use crate::data::Data;

    fn state(logs: usize) -> State {
        let logs = (0..logs)
            .map(|i| json!({"Message": format!("m{i}"), "Timestamp": "t"}))
            .collect();
        State::new(Data::new().with_execution("exec-1", logs))
    }

    fn call(state: &mut State, params: &[(&str, &str)]) -> Result<Answer, ApiError> {
        crate::actions::call(state, "ListExecutionLogs", params)
    }

    #[test]
    fn pages_through_everything() {
        let mut state = state(25);
        let mut token: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let mut params = vec![("ExecutionId", "exec-1"), ("MaxResults", "10")];
            if let Some(t) = &token {
                params.push(("NextToken", t));
            }
            let answer = call(&mut state, &params).unwrap();
            assert_eq!(answer["MaxResults"], 10);
            seen.extend(
                answer["ExecutionLogs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["Message"].clone()),
            );
            token = answer
                .get("NextToken")
                .map(|t| t.as_str().unwrap().to_owned());
            if token.is_none() {
                break;
            }
        }
        let expect: Vec<Value> = (0..25).map(|i| json!(format!("m{i}"))).collect();
        assert_eq!(seen, expect);
    }

    #[test]
    fn defaults_to_fifty() {
        let answer = call(&mut state(60), &[("ExecutionId", "exec-1")]).unwrap();
        assert_eq!(answer["ExecutionLogs"].as_array().unwrap().len(), 50);
        assert_eq!(answer["MaxResults"], 50);
        assert!(answer.contains_key("NextToken"));
    }

    #[test]
    fn empty_execution_has_one_empty_page() {
        let answer = call(&mut state(0), &[("ExecutionId", "exec-1")]).unwrap();
        assert_eq!(answer["ExecutionLogs"], json!([]));
        assert!(!answer.contains_key("NextToken"));
    }

    #[test]
    fn validates_parameters() {
        let mut state = state(3);
        assert_eq!(call(&mut state, &[]).unwrap_err().code, "MissingParameter");
        assert_eq!(
            call(&mut state, &[("ExecutionId", "")]).unwrap_err().code,
            "MissingParameter"
        );
        for bad in [
            "0",
            "101",
            "-1",
            "ten",
            "",
            "1.5",
            "99999999999999999999999",
        ] {
            let error = call(
                &mut state,
                &[("ExecutionId", "exec-1"), ("MaxResults", bad)],
            )
            .unwrap_err();
            assert_eq!(error.code, "InvalidParameter", "{bad:?}");
        }
        let missing = call(&mut state, &[("ExecutionId", "exec-9")]).unwrap_err();
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(
            missing.message,
            "The specific execution exec-9 does not exist."
        );
    }
}
