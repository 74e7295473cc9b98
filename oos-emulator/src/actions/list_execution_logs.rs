//! `ListExecutionLogs`: the logs of one execution, a page at a time.

use serde_json::Value;

use super::{ActionRequest, Answer, State};
use crate::error::ApiError;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let execution_id = request.required("ExecutionId")?;
    let max_results = super::listing::max_results(request)?;
    // The token stands for the query it came from, page size included, as OOS binds it.
    let max_text = max_results.to_string();
    let binding = [
        ("ExecutionId", execution_id),
        ("MaxResults", max_text.as_str()),
    ];
    let offset = match request.param("NextToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => state.tokens.redeem(request.action, &binding, token)?,
    };

    let execution = state
        .data
        .execution(execution_id)
        .ok_or_else(|| super::cancel_execution::execution_not_found(execution_id))?;
    let logs = &execution.logs;
    let start = usize::try_from(offset)
        .ok()
        .filter(|&s| s <= logs.len())
        .ok_or_else(super::page_token::invalid)?;
    let end = start.saturating_add(max_results as usize).min(logs.len());

    let mut answer = Answer::new();
    answer.insert(
        "ExecutionLogs".into(),
        Value::Array(logs[start..end].to_vec()),
    );
    answer.insert("MaxResults".into(), max_results.into());
    if end < logs.len() {
        answer.insert(
            "NextToken".into(),
            state
                .tokens
                .issue(request.action, &binding, end as u64)
                .into(),
        );
    }
    Ok(answer)
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
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        handle(
            state,
            &ActionRequest {
                action: "ListExecutionLogs",
                access_key_id: "testid",
                params: &params,
            },
        )
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
