//! `ACS::Notify`: recorded among the calls of `GET /_emulator/calls` (service `Notify`),
//! never sent.

use serde_json::json;

use super::{Call, Outcome};

pub(super) fn run(state: &mut crate::state::State, call: &Call<'_>) -> Result<Outcome, String> {
    let kind = call.text("NotifyType").unwrap_or_else(|| "WebHook".into());
    state.cloud.record(json!({
        "Service": "Notify",
        "Action": kind,
        "Parameters": call.properties,
        "ExecutionId": call.run.execution_id,
        "TaskExecutionId": call.record,
        "Time": call.stamp(),
        "Response": {},
        "Error": null,
        "Stubbed": false,
    }));
    Ok(Outcome::answer(json!({})))
}
