//! `ACS::Sleep`: nothing, for its `Duration` (any form of [`crate::eval::duration`]).

use std::time::Duration;

use serde_json::json;

use super::{Call, Outcome, STEP};
use crate::eval::duration;

pub(super) fn run(call: &Call<'_>) -> (Result<Outcome, String>, Duration) {
    match call.property("Duration").map(duration::parse) {
        Some(Ok(takes)) => (Ok(Outcome::answer(json!({}))), takes),
        Some(Err(why)) => (Err(format!("Duration: {why}")), STEP),
        None => (Err("ACS::Sleep needs a Duration such as PT1M".into()), STEP),
    }
}
