//! `ACS::Template` and the cloud product actions (`ACS::<Product>::<Name>`): a child
//! execution of a template, the user's or a public one, with the task's parameters. The
//! child runs to its end within the task, which takes the emulated time the child took; its
//! outputs are the task's answer. A product action whose definition is not loaded (see
//! `--public-templates`) is answered as a stubbed call of service `<Product>`, action
//! `<Name>`, so that it can be programmed like any other cloud.

use std::time::Duration;

use serde_json::{Map, Value};

use super::execute_api::stubbed;
use super::{Call, Outcome, STEP};
use crate::engine::Step;
use crate::eval::Failure;
use crate::state::State;

/// How deep child executions may nest.
const MAX_DEPTH: usize = 8;

pub(super) fn run(state: &mut State, call: &Call<'_>) -> (Result<Outcome, Failure>, Duration) {
    let Some(name) = call.text("TemplateName") else {
        return (Err("ACS::Template needs a TemplateName".into()), STEP);
    };
    let parameters = match call.property("Parameters") {
        Some(Value::Object(map)) => map.clone(),
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or_default(),
        _ => Map::new(),
    };
    let version = call.text("TemplateVersion");
    child(state, call, &name, version.as_deref(), parameters)
}

pub(super) fn run_product(
    state: &mut State,
    call: &Call<'_>,
) -> (Result<Outcome, Failure>, Duration) {
    let action = call.task.action.clone();
    if state.data.template(&action).is_none() {
        let mut parts = action.splitn(3, "::").skip(1);
        let (product, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        return (
            stubbed(state, call, product, name).map_err(Failure::Failed),
            STEP,
        );
    }
    let parameters = call.properties.as_object().cloned().unwrap_or_default();
    child(state, call, &action, None, parameters)
}

fn child(
    state: &mut State,
    call: &Call<'_>,
    name: &str,
    version: Option<&str>,
    parameters: Map<String, Value>,
) -> (Result<Outcome, Failure>, Duration) {
    if call.run.depth >= MAX_DEPTH {
        return (
            Err(Failure::unsupported(format!(
                "child templates nested more than {MAX_DEPTH} deep"
            ))),
            STEP,
        );
    }
    // StartExecution fits the parameters to what the child declares as it reads the child.
    let mut params = vec![
        ("TemplateName".to_owned(), name.to_owned()),
        (
            "Parameters".to_owned(),
            Value::Object(parameters).to_string(),
        ),
        (
            "ParentExecutionId".to_owned(),
            call.run.execution_id.clone(),
        ),
    ];
    if let Some(version) = version {
        params.push(("TemplateVersion".to_owned(), version.to_owned()));
    }
    let started = match crate::actions::call_from_task(
        state,
        "StartExecution",
        &params,
        &call.run.access_key_id,
    ) {
        Ok(answer) => answer,
        Err(e) => {
            return (
                Err(format!(
                    "the child execution of {name} could not start: {}: {}",
                    e.code, e.message
                )
                .into()),
                STEP,
            )
        }
    };
    let Some(id) = started
        .get("Execution")
        .and_then(|e| e.get("ExecutionId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return (
            Err(format!("the child execution of {name} has no id").into()),
            STEP,
        );
    };
    let (took, limit) = crate::engine::run_to_end(state, &id);
    let took = took.max(STEP);
    // A run left over stopped short of the end: its step says what for.
    let stopped = state.runs.remove(&id).map(|run| run.step);
    let Some(execution) = state.data.execution_mut(&id) else {
        return (
            Err(format!("the child execution {id} is gone").into()),
            took,
        );
    };
    match execution.status.as_str() {
        "Success" => {
            let outputs =
                serde_json::from_str(&execution.outputs).unwrap_or(Value::Object(Map::new()));
            // Its outputs were selected already; what the task selects again of them reads
            // empty where they are.
            (
                Ok(Outcome {
                    lenient: true,
                    ..Outcome::answer(outputs)
                }),
                took,
            )
        }
        "Waiting" | "Running" => {
            let waits = match stopped {
                Some(Step::AwaitApproval(_)) => {
                    "waits for approval, which a child cannot be given in the emulator"
                }
                // A timer's step is on the clock: a child still at one ran out of steps.
                Some(Step::Armed(_, armed)) if armed.awaits_event() => {
                    "waits for an event for its trigger, which a child is never sent in the emulator"
                }
                _ => "did not end within the steps the emulator takes at once",
            };
            let why = Failure::unsupported(format!("the child execution {id} {waits}"));
            let at = call.run.stamp_at(call.at + took);
            execution.end("Failed", &why.to_string(), &at);
            (Err(why), took)
        }
        status => (
            Err(match limit {
                Some(limit) => limit.within(&format!("the child execution {id} of {name}")),
                None => Failure::Failed(format!(
                    "the child execution {id} of {name} ended {status}: {}",
                    execution.status_message
                )),
            }),
            took,
        ),
    }
}
