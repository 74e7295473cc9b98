//! `ACS::Approve` and `ACS::Pause`: the engine sets the execution `Waiting` until
//! `NotifyExecution` approves; reached here only once approved.

use serde_json::json;

use super::{Call, Outcome};

pub(super) fn run(_: &Call<'_>) -> Result<Outcome, String> {
    Ok(Outcome::answer(json!({})))
}
