//! The emulator's own HTTP paths, unsigned, for tests to program other clouds:
//! `POST /_emulator/stubs` (one stub, or a list), `DELETE /_emulator/stubs` (every stub and
//! call forgotten), `GET /_emulator/calls` (every call made, oldest first) and
//! `POST /_emulator/events` (an event or alarm for the executions whose trigger it fires).

use http::StatusCode;
use serde_json::{json, Value};

use super::Stub;
use crate::engine::actions::triggers::EventKind;
use crate::engine::firing::{self, Firing};
use crate::state::State;

/// Where the emulator's own paths begin.
pub(crate) const PREFIX: &str = "/_emulator/";

/// The answer to a request on the emulator's own paths.
pub(crate) fn handle(
    state: &mut State,
    method: &str,
    path: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    match (method, path.trim_end_matches('/')) {
        ("POST", "/_emulator/stubs") => match parse(body) {
            Ok(stubs) => {
                let added = stubs.len();
                for stub in stubs {
                    state.cloud.add(stub);
                }
                (StatusCode::OK, json!({"Added": added}))
            }
            Err(why) => (
                StatusCode::BAD_REQUEST,
                json!({"Code": "InvalidStub", "Message": why}),
            ),
        },
        ("DELETE", "/_emulator/stubs") => {
            state.cloud.clear();
            (StatusCode::OK, json!({"Cleared": true}))
        }
        ("GET", "/_emulator/calls") => (StatusCode::OK, json!({"Calls": state.cloud.calls()})),
        ("POST", "/_emulator/events") => match event(state, body) {
            Ok(started) => (StatusCode::OK, json!({"Started": started})),
            Err(why) => (
                StatusCode::BAD_REQUEST,
                json!({"Code": "InvalidEvent", "Message": why}),
            ),
        },
        _ => (
            StatusCode::NOT_FOUND,
            json!({"Code": "NotFound", "Message": format!("{method} {path} is none of POST or DELETE /_emulator/stubs, GET /_emulator/calls, POST /_emulator/events")}),
        ),
    }
}

/// An event: `{"Type": "Event" or "Alarm" (the default Event), "ExecutionId": only that
/// execution's trigger, "Content": the event}`; the child executions it started.
fn event(state: &mut State, body: &[u8]) -> Result<Vec<Value>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "PascalCase")]
    struct Event {
        #[serde(rename = "Type")]
        kind: Option<String>,
        execution_id: Option<String>,
        content: Option<Value>,
    }
    let event: Event = serde_json::from_slice(body).map_err(|e| format!("not an event: {e}"))?;
    let started = send_event(
        state,
        event.kind.as_deref().unwrap_or("Event"),
        event.execution_id.as_deref(),
        event.content.as_ref(),
    )?;
    Ok(started
        .into_iter()
        .map(|(parent, child)| json!({"ExecutionId": parent, "ChildExecutionId": child}))
        .collect())
}

/// Delivers an event of `kind` (`Event` or `Alarm`) to the running executions whose trigger
/// it fires (only `execution`'s, if named): (parent, child execution id) per child started.
pub(crate) fn send_event(
    state: &mut State,
    kind: &str,
    execution: Option<&str>,
    content: Option<&Value>,
) -> Result<Vec<(String, String)>, String> {
    let kind = EventKind::parse(kind)
        .ok_or_else(|| format!("the event's type {kind} is neither Event nor Alarm"))?;
    firing::deliver(state, Firing::Event(kind), execution, content)
}

fn parse(body: &[u8]) -> Result<Vec<Stub>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let stubs: Vec<Stub> = match value {
        Value::Array(_) => serde_json::from_value(value),
        other => serde_json::from_value(other).map(|s| vec![s]),
    }
    .map_err(|e| format!("not a stub: {e}"))?;
    if let Some((i, problem)) = stubs
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.problem().map(|p| (i, p)))
    {
        return Err(format!("stub {}: {problem}", i + 1));
    }
    Ok(stubs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Data;

    #[test]
    fn stubs_and_events_are_taken_listed_and_refused_with_why() {
        let mut state = State::new(Data::new());
        let (status, body) = handle(
            &mut state,
            "POST",
            "/_emulator/stubs",
            br#"{"Service": "ECS", "Action": "A", "Response": {"x": 1}}"#,
        );
        assert_eq!((status, body), (StatusCode::OK, json!({"Added": 1})));
        let (status, body) = handle(
            &mut state,
            "POST",
            "/_emulator/stubs",
            br#"[{"Service": "ECS", "Action": "A"}]"#,
        );
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body["Message"],
            "stub 1: a stub needs a Response, Responses or an Error"
        );
        let (status, body) = handle(
            &mut state,
            "POST",
            "/_emulator/stubs",
            br#"{"Service": "ECS", "Action": "A", "Reponse": 1}"#,
        );
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["Message"]
            .as_str()
            .unwrap()
            .contains("unknown field `Reponse`"));
        assert_eq!(
            handle(&mut state, "GET", "/_emulator/calls", b"").1,
            json!({"Calls": []})
        );
        assert_eq!(
            handle(&mut state, "GET", "/_emulator/nope", b"").0,
            StatusCode::NOT_FOUND
        );
        // With no execution waiting for one, an event starts nothing.
        assert_eq!(
            handle(
                &mut state,
                "POST",
                "/_emulator/events",
                br#"{"Content": {}}"#
            ),
            (StatusCode::OK, json!({"Started": []}))
        );
        for (body, says) in [
            (&br#"{"Type": "Sometimes"}"#[..], "neither Event nor Alarm"),
            (br#"{"Typo": 1}"#, "unknown field `Typo`"),
            (b"not json", "not an event"),
            (
                br#"{"ExecutionId": "exec-1"}"#,
                "it has no trigger waiting to fire",
            ),
        ] {
            let (status, body) = handle(&mut state, "POST", "/_emulator/events", body);
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_eq!(body["Code"], "InvalidEvent");
            assert!(body["Message"].as_str().unwrap().contains(says), "{body}");
        }
        assert_eq!(
            handle(&mut state, "DELETE", "/_emulator/stubs", b"").0,
            StatusCode::OK
        );
    }
}
