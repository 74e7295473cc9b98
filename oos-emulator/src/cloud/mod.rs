//! Every service other than OOS, as templates call it: answered by stubs and recorded.
//!
//! A call is answered by the newest registered [`Stub`] whose service, action and
//! parameters match (a stub's `Parameters` must each equal the call's); a stub with several
//! responses answers them in turn and then repeats its last, so that a test can script a
//! resource that a `WaitFor` polls; an entry that is `{"Error": {"Code": …, "Message": …}}`
//! alone answers that error in its turn, so that a call may fail for a while and then succeed,
//! as `Retries` expects. With no stub, the default answer is a `RequestId` alone,
//! and the tasks reading it take it as the resource behaving as the template expects. Every
//! call is recorded, with the answer given.

pub(crate) mod admin;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The most calls kept; past it, the oldest are dropped.
const CALLS_KEPT: usize = 100_000;

/// A programmed answer of another cloud service.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Stub {
    /// The service as templates name it (`ECS`, `ecs`: case does not matter).
    pub service: String,
    /// The API action (`DescribeInstances`).
    pub action: String,
    /// If set, the call's parameters must include each of these, equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Map<String, Value>>,
    /// One answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// Answers in turn, the last repeated: for polling. An entry that is
    /// `{"Error": {"Code": …, "Message": …}}` and nothing else answers that error in its turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses: Option<Vec<Value>>,
    /// An error instead: `{"Code": "...", "Message": "..."}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

impl Stub {
    /// A stub that answers `service`'s `action` with `response`.
    pub fn new(service: impl Into<String>, action: impl Into<String>, response: Value) -> Self {
        Self {
            service: service.into(),
            action: action.into(),
            response: Some(response),
            ..Self::default()
        }
    }

    /// Only calls whose parameters include these.
    pub fn matching(mut self, parameters: Value) -> Self {
        self.parameters = parameters.as_object().cloned();
        self
    }

    /// Answers in turn, the last repeated; [`Stub::error_answer`] makes an entry an error.
    pub fn sequence(mut self, responses: Vec<Value>) -> Self {
        self.responses = Some(responses);
        self.response = None;
        self
    }

    /// An entry of [`Stub::sequence`] that answers the error `code` in its turn.
    pub fn error_answer(code: &str, message: &str) -> Value {
        json!({"Error": {"Code": code, "Message": message}})
    }

    /// What is wrong with it, if anything.
    pub fn problem(&self) -> Option<&'static str> {
        if self.service.trim().is_empty() || self.action.trim().is_empty() {
            return Some("a stub needs a Service and an Action");
        }
        match (&self.response, &self.responses, &self.error) {
            (None, None, None) => Some("a stub needs a Response, Responses or an Error"),
            (_, Some(list), _) if list.is_empty() => Some("Responses is empty"),
            (_, _, Some(e)) if e.get("Code").and_then(Value::as_str).is_none() => {
                Some("an Error needs a Code")
            }
            (_, Some(list), _)
                if list
                    .iter()
                    .filter_map(sequence_error)
                    .any(|e| e.get("Code").and_then(Value::as_str).is_none()) =>
            {
                Some("an Error needs a Code")
            }
            _ => None,
        }
    }

    fn matches(&self, service: &str, action: &str, parameters: &Map<String, Value>) -> bool {
        self.service.eq_ignore_ascii_case(service)
            && self.action.eq_ignore_ascii_case(action)
            && self.parameters.iter().flatten().all(|(k, v)| {
                parameters.get(k).is_some_and(|given| {
                    given == v || given.as_str() == Some(&crate::eval::as_text(v))
                })
            })
    }
}

/// The error an entry of a sequence answers, if it is one: `{"Error": {…}}` and nothing else.
fn sequence_error(entry: &Value) -> Option<&Value> {
    let map = entry.as_object().filter(|m| m.len() == 1)?;
    map.get("Error").filter(|e| e.is_object())
}

/// How a stubbed call was answered.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Answered {
    /// A registered stub's answer.
    Stubbed(Value),
    /// No stub: the default answer, taken as the resource behaving as expected.
    Default(Value),
    /// A registered error: code and message.
    Error(String, String),
}

/// The stubs and the calls made.
#[derive(Debug, Default)]
pub(crate) struct Cloud {
    stubs: Vec<(Stub, usize)>,
    calls: Vec<Value>,
}

impl Cloud {
    pub fn add(&mut self, stub: Stub) {
        self.stubs.push((stub, 0));
    }

    pub fn clear(&mut self) {
        self.stubs.clear();
        self.calls.clear();
    }

    pub fn calls(&self) -> &[Value] {
        &self.calls
    }

    /// Answers a call and records it with `by` (execution and task execution).
    pub fn call(
        &mut self,
        service: &str,
        action: &str,
        parameters: &Map<String, Value>,
        by: (&str, &str),
        at: &str,
    ) -> Answered {
        let answered = self.answer(service, action, parameters);
        let (response, error) = match &answered {
            Answered::Stubbed(v) | Answered::Default(v) => (v.clone(), Value::Null),
            Answered::Error(code, message) => {
                (Value::Null, json!({"Code": code, "Message": message}))
            }
        };
        self.record(json!({
            "Service": service,
            "Action": action,
            "Parameters": parameters,
            "ExecutionId": by.0,
            "TaskExecutionId": by.1,
            "Time": at,
            "Response": response,
            "Error": error,
            "Stubbed": !matches!(answered, Answered::Default(_)),
        }));
        answered
    }

    /// Records something sent that is not an API call (a notification).
    pub fn record(&mut self, call: Value) {
        if self.calls.len() >= CALLS_KEPT {
            self.calls.drain(..CALLS_KEPT / 10);
        }
        self.calls.push(call);
    }

    fn answer(&mut self, service: &str, action: &str, parameters: &Map<String, Value>) -> Answered {
        let Some((stub, used)) = self
            .stubs
            .iter_mut()
            .rev()
            .find(|(s, _)| s.matches(service, action, parameters))
        else {
            return Answered::Default(json!({"RequestId": crate::handler::new_request_id()}));
        };
        let error = |error: &Value| {
            let text = |k: &str| error.get(k).map(crate::eval::as_text).unwrap_or_default();
            Answered::Error(text("Code"), text("Message"))
        };
        if let Some(e) = &stub.error {
            return error(e);
        }
        let response = match &stub.responses {
            Some(list) => list
                .get(*used)
                .or(list.last())
                .cloned()
                .unwrap_or(Value::Null),
            None => stub.response.clone().unwrap_or(Value::Null),
        };
        *used += 1;
        match sequence_error(&response) {
            Some(e) if stub.responses.is_some() => error(e),
            _ => Answered::Stubbed(response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_matching_stub_answers_and_sequences_repeat_their_last() {
        let mut cloud = Cloud::default();
        let none = Map::new();
        let by = ("exec-1", "exec-1.t0001");
        assert!(
            matches!(cloud.call("ECS", "DescribeInstances", &none, by, "t"), Answered::Default(v) if v["RequestId"].is_string())
        );
        cloud.add(Stub::new("ECS", "DescribeInstances", json!({"n": 1})));
        cloud.add(
            Stub::new("ecs", "describeinstances", json!({"n": 2}))
                .matching(json!({"RegionId": "cn-beijing"})),
        );
        cloud.add(
            Stub::new("ECS", "DescribeInstanceStatus", Value::Null)
                .sequence(vec![json!("Starting"), json!("Running")]),
        );
        let beijing = json!({"RegionId": "cn-beijing", "Other": 1})
            .as_object()
            .cloned()
            .unwrap();
        assert_eq!(
            cloud.call("ECS", "DescribeInstances", &beijing, by, "t"),
            Answered::Stubbed(json!({"n": 2}))
        );
        assert_eq!(
            cloud.call("ECS", "DescribeInstances", &none, by, "t"),
            Answered::Stubbed(json!({"n": 1}))
        );
        let polls: Vec<_> = (0..3)
            .map(|_| cloud.call("ECS", "DescribeInstanceStatus", &none, by, "t"))
            .collect();
        assert_eq!(
            polls,
            [
                Answered::Stubbed(json!("Starting")),
                Answered::Stubbed(json!("Running")),
                Answered::Stubbed(json!("Running"))
            ]
        );
        assert_eq!(cloud.calls().len(), 6);
        assert_eq!(cloud.calls()[1]["Parameters"]["RegionId"], "cn-beijing");
        let failing = Stub {
            error: Some(json!({"Code": "Forbidden", "Message": "no"})),
            ..Stub::new("RAM", "X", Value::Null)
        };
        cloud.add(Stub {
            response: None,
            ..failing
        });
        assert_eq!(
            cloud.call("ram", "x", &none, by, "t"),
            Answered::Error("Forbidden".into(), "no".into())
        );
        // A sequence answers its error entries as errors, and an entry that only carries an
        // `Error` among other keys as the data it is.
        cloud.add(Stub::new("ECS", "Flaky", Value::Null).sequence(vec![
            Stub::error_answer("Throttling", "slow down"),
            json!({"Error": {"Code": "Data"}, "RequestId": "r"}),
        ]));
        assert_eq!(
            cloud.call("ECS", "Flaky", &none, by, "t"),
            Answered::Error("Throttling".into(), "slow down".into())
        );
        assert_eq!(
            cloud.call("ECS", "Flaky", &none, by, "t"),
            Answered::Stubbed(json!({"Error": {"Code": "Data"}, "RequestId": "r"}))
        );
        assert_eq!(cloud.calls()[7]["Error"]["Code"], "Throttling");
        assert_eq!(
            Stub::default().problem(),
            Some("a stub needs a Service and an Action")
        );
        assert_eq!(
            Stub {
                response: None,
                ..Stub::new("a", "b", Value::Null)
            }
            .problem(),
            Some("a stub needs a Response, Responses or an Error")
        );
    }
}
