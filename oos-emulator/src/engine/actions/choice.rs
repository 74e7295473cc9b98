//! `ACS::Choice`: the `NextTask` of the first of its `Choices` whose `When` holds, else its
//! `DefaultTask` (else the next task).

use serde_json::{json, Value};

use super::{Call, Outcome};
use crate::eval::{as_text, truthy};
use crate::template::NEXT;

pub(super) fn run(call: &Call<'_>) -> Result<Outcome, String> {
    let choices = call
        .property("Choices")
        .and_then(Value::as_array)
        .ok_or("ACS::Choice needs a list of Choices")?;
    let picked = choices
        .iter()
        .find(|choice| choice.get("When").is_some_and(truthy))
        .map(|choice| {
            choice
                .get("NextTask")
                .map(as_text)
                .ok_or("a choice has no NextTask")
        })
        .transpose()?;
    let next = picked
        .or_else(|| call.text("DefaultTask"))
        .unwrap_or_else(|| NEXT.to_owned());
    Ok(Outcome {
        goto: Some(next.clone()),
        ..Outcome::answer(json!({"NextTask": next}))
    })
}
