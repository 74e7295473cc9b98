//! Values crossing into and out of jq, measured without recursion before anything walks
//! them recursively (serde_json's serializer, jaq's printer, the drop of a nested value).

use jaq_json::{Rc, Val};
use serde_json::Value;

use super::budget::Limits;

/// Whether `value` nests deeper than `max` (a scalar is 0 deep, `[1]` is 1).
pub(super) fn json_deeper_than(value: &Value, max: usize) -> bool {
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        match value {
            Value::Array(_) | Value::Object(_) if depth >= max => return true,
            Value::Array(items) => pending.extend(items.iter().map(|child| (child, depth + 1))),
            Value::Object(map) => pending.extend(map.values().map(|child| (child, depth + 1))),
            _ => {}
        }
    }
    false
}

/// What the outputs so far hold, against the limits.
#[derive(Default)]
pub(super) struct Spent {
    nodes: usize,
}

/// Why an output is not taken.
pub(super) enum Refused {
    /// Over the limits.
    Limit(String),
    /// Not a value JSON holds (NaN, infinity).
    NotJson(String),
}

/// An output as JSON, or why it is over the limits. A value over them is taken apart here,
/// level by level, since dropping it whole would recurse once per level.
pub(super) fn to_json(value: Val, spent: &mut Spent, limits: &Limits) -> Result<Value, Refused> {
    if let Err(why) = measure(&value, spent, limits) {
        dismantle(value);
        return Err(Refused::Limit(why));
    }
    serde_json::from_str(&value.to_string())
        .map_err(|e| Refused::NotJson(format!("gave a value that is not JSON: {e}")))
}

fn measure(value: &Val, spent: &mut Spent, limits: &Limits) -> Result<(), String> {
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        spent.nodes += 1;
        if spent.nodes > limits.nodes {
            return Err(format!(
                "size: its outputs hold more than {} values",
                limits.nodes
            ));
        }
        match value {
            Val::Arr(_) | Val::Obj(_) if depth >= limits.depth => {
                return Err(format!(
                    "size: it built a value nested more than {} deep",
                    limits.depth
                ))
            }
            Val::Arr(items) => pending.extend(items.iter().map(|child| (child, depth + 1))),
            Val::Obj(map) => pending.extend(
                map.iter()
                    .flat_map(|(k, v)| [(k, depth + 1), (v, depth + 1)]),
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Drops `value` one level at a time. A list or map shared elsewhere is only released
/// here; its last holder drops it.
pub(super) fn dismantle(value: Val) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Val::Arr(items) => {
                if let Ok(items) = Rc::try_unwrap(items) {
                    pending.extend(items);
                }
            }
            Val::Obj(map) => {
                if let Ok(map) = Rc::try_unwrap(map) {
                    pending.extend(map.into_iter().flat_map(|(k, v)| [k, v]));
                }
            }
            _ => {}
        }
    }
}
