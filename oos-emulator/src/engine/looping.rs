//! A task's `Loop`: its items, the batches they run in (`Concurrency`, or `RateControl` in
//! `Concurrency` or `Batch` mode), how many may fail (`MaxErrors`) and how the items'
//! outputs are gathered (`Outputs` with `AggregateType`).

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::actions::{self, Outcome};
use super::program::Task;
use super::{Current, Run, Step, STEP};
use crate::eval::{as_text, truthy, Failure};
use crate::state::State;

/// A loop's plan, once its keys are evaluated.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub items: Vec<Value>,
    /// The size of each batch, in order; they add up to the number of items.
    pub batches: Vec<usize>,
    pub max_errors: usize,
}

impl Plan {
    /// The plan of an evaluated `Loop`.
    pub fn read(spec: &Value) -> Result<Self, String> {
        let items = match spec.get("Items") {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => items,
                _ if text.is_empty() => Vec::new(),
                _ => text
                    .split(',')
                    .map(|s| Value::String(s.trim().to_owned()))
                    .collect(),
            },
            Some(Value::Null) => Vec::new(),
            Some(other) => vec![other.clone()],
            None => return Err("Loop has no Items".into()),
        };
        let total = items.len();
        let rate = match spec.get("RateControl") {
            Some(Value::String(text)) => serde_json::from_str(text).ok(),
            Some(Value::Object(map)) => Some(map.clone()),
            _ => None,
        }
        .unwrap_or_default();
        let get = |key: &str| {
            rate.get(key)
                .or_else(|| spec.get(key))
                .filter(|v| !v.is_null())
        };
        let mode = rate
            .get("Mode")
            .map(as_text)
            .unwrap_or_else(|| "Concurrency".into());
        let batches = if mode.eq_ignore_ascii_case("Batch") {
            let sizes = get("Batch").cloned().unwrap_or(Value::Array(Vec::new()));
            sized(total, &sizes)?
        } else {
            match get("Concurrency") {
                Some(Value::Array(_)) => sized(total, get("Concurrency").unwrap_or(&Value::Null))?,
                Some(value) => even(total, count(value, total, "Concurrency")?.max(1)),
                None => even(total, 1),
            }
        };
        let max_errors = match get("MaxErrors") {
            Some(value) => count(value, total, "MaxErrors")?,
            None => 0,
        };
        Ok(Self {
            items,
            batches,
            max_errors,
        })
    }
}

/// Batches of `size`, the last smaller.
fn even(total: usize, size: usize) -> Vec<usize> {
    (0..total)
        .step_by(size)
        .map(|start| size.min(total - start))
        .collect()
}

/// Batches of the given sizes (numbers or percentages of the items); the last size
/// repeats until every item has a batch.
fn sized(total: usize, sizes: &Value) -> Result<Vec<usize>, String> {
    let sizes: Vec<usize> = match sizes {
        Value::Array(list) => list
            .iter()
            .map(|s| count(s, total, "Batch").map(|n| n.max(1)))
            .collect::<Result<_, _>>()?,
        other => vec![count(other, total, "Batch")?.max(1)],
    };
    let mut batches = Vec::new();
    let mut left = total;
    let mut i = 0;
    while left > 0 {
        let size = sizes
            .get(i)
            .or(sizes.last())
            .copied()
            .unwrap_or(1)
            .min(left);
        batches.push(size);
        left -= size;
        i += 1;
    }
    Ok(batches)
}

/// A count written as a number or a percentage of `total` (`"20%"`).
fn count(value: &Value, total: usize, key: &str) -> Result<usize, String> {
    let refused = || format!("Loop {key} is {value}, neither a whole number nor a percentage");
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|n| *n >= 0.0)
            .map(|n| n as usize)
            .ok_or_else(refused),
        Value::String(text) => match text.trim().strip_suffix('%') {
            Some(percent) => percent
                .trim()
                .parse::<f64>()
                .map(|p| ((total as f64) * p / 100.0).ceil() as usize)
                .map_err(|_| refused()),
            None => text.trim().parse().map_err(|_| refused()),
        },
        _ => Err(refused()),
    }
}

/// A loop's `Outputs`: each gathers one field of its items' outputs.
pub(crate) fn gather(declared: Option<&Value>, items: &[Value]) -> Result<Value, Failure> {
    let Some(declared) = declared.and_then(Value::as_object) else {
        return Ok(Value::Object(Map::new()));
    };
    let mut outputs = Map::new();
    for (name, declaration) in declared {
        let field = declaration
            .get("AggregateField")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("loop output {name} has no AggregateField"))?;
        let values: Vec<Value> = items
            .iter()
            .map(|item| {
                item.as_object()
                    .and_then(|o| {
                        o.get(field).or_else(|| {
                            o.iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(field))
                                .map(|(_, v)| v)
                        })
                    })
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect();
        let kind = declaration
            .get("AggregateType")
            .and_then(Value::as_str)
            .unwrap_or("Fn::ListJoin");
        let value = match kind {
            "Fn::ListJoin" => Value::Array(values),
            "Fn::Sum" => crate::eval::functions::sum(&values),
            "Fn::Distinct" => Value::Array(crate::eval::functions::distinct(&values)),
            other => {
                return Err(Failure::unsupported(format!(
                    "loop output {name} aggregates with {other}"
                )))
            }
        };
        outputs.insert(name.clone(), value);
    }
    Ok(Value::Object(outputs))
}

/// A loop in progress: its plan, how far it has come, its failures and outputs so far.
#[derive(Debug)]
pub(super) struct Looping {
    plan: Plan,
    batch: usize,
    next: usize,
    errors: usize,
    first_error: Option<String>,
    /// The batch in progress: item, its task execution, its outcome.
    running: Vec<(Value, String, Result<Outcome, Failure>)>,
    /// The items' outputs, in item order.
    outputs: Vec<Value>,
}

impl Looping {
    pub fn new(plan: Plan) -> Self {
        Self {
            plan,
            batch: 0,
            next: 0,
            errors: 0,
            first_error: None,
            running: Vec::new(),
            outputs: Vec::new(),
        }
    }
}

/// Running a loop: a batch of items at a time, each a task execution of its own.
impl Run {
    /// One loop item: skipped when the task's `When` does not hold for it.
    fn perform_item(
        &self,
        state: &mut State,
        task: &Task,
        record: &str,
        item: &Value,
    ) -> (Result<Outcome, Failure>, Duration) {
        if let Some(when) = task.key("When") {
            match self.evaluate(state, when, task, record, Some(item)) {
                Ok(holds) if !truthy(&holds) => {
                    let skipped = Outcome {
                        skipped: true,
                        ..Outcome::answer(json!({}))
                    };
                    return (Ok(skipped), Duration::ZERO);
                }
                Ok(_) => {}
                Err(why) => return (Err(why.within("When")), STEP),
            }
        }
        self.perform(state, task, record, Some(item))
    }

    pub(super) fn next_batch(&mut self, state: &mut State, current: Current, mut looping: Looping) {
        if looping.errors > looping.plan.max_errors {
            let why = format!(
                "{} of its loop items failed, more than MaxErrors ({}); the first: {}",
                looping.errors,
                looping.plan.max_errors,
                looping.first_error.as_deref().unwrap_or("")
            );
            return self.fail(state, current, why.into());
        }
        let Some(size) = looping.plan.batches.get(looping.batch).copied() else {
            let declared = current
                .task
                .key("Loop")
                .and_then(|l| l.get("Outputs"))
                .cloned();
            return match gather(declared.as_ref(), &looping.outputs) {
                Ok(outputs) => self.complete(state, current, outputs, None),
                Err(why) => self.fail(state, current, why),
            };
        };
        let mut longest = Duration::ZERO;
        let end = (looping.next + size).min(looping.plan.items.len());
        let batch: Vec<Value> = looping.plan.items[looping.next..end].to_vec();
        for item in batch {
            let record = self.record(state, &current.task, &current.record, Some(&item));
            let name = &current.task.name;
            self.log(
                state,
                format!("The task {name} (loop item {}) started.", as_text(&item)),
                Some(&record),
            );
            let (outcome, takes) =
                if matches!(current.task.builtin, Some("ACS::Approve" | "ACS::Pause")) {
                    (
                        Err(Failure::unsupported(format!(
                            "{} in a loop (approvals are per execution)",
                            current.task.action
                        ))),
                        STEP,
                    )
                } else {
                    self.perform_item(state, &current.task, &record, &item)
                };
            longest = longest.max(takes);
            looping.running.push((item, record, outcome));
        }
        looping.next = end;
        looping.batch += 1;
        self.then(longest, Step::EndBatch(current, looping));
    }

    pub(super) fn end_batch(&mut self, state: &mut State, current: Current, mut looping: Looping) {
        let name = current.task.name.clone();
        let mut unsupported = None;
        for (item, record, outcome) in std::mem::take(&mut looping.running) {
            let label = as_text(&item);
            if outcome.as_ref().is_ok_and(|o| o.skipped) {
                self.log(
                    state,
                    format!(
                        "The task {name} (loop item {label}) was skipped: its When does not hold."
                    ),
                    Some(&record),
                );
                self.settle(state, &record, "Skipped", "When does not hold", None);
                continue;
            }
            let declared = self.declared_outputs(state, &current.task, &record, Some(&item));
            match outcome.and_then(|o| actions::outputs(&declared, &o)) {
                Ok(outputs) => {
                    self.log(
                        state,
                        format!("The task {name} (loop item {label}) output: {outputs}"),
                        Some(&record),
                    );
                    self.log(
                        state,
                        format!("The task {name} (loop item {label}) completed."),
                        Some(&record),
                    );
                    self.settle(state, &record, "Success", "", Some(&outputs));
                    looping.outputs.push(outputs);
                }
                Err(why) => {
                    self.log(
                        state,
                        format!("The task {name} (loop item {label}) failed: {why}"),
                        Some(&record),
                    );
                    self.settle(state, &record, "Failed", &why.to_string(), None);
                    looping.errors += 1;
                    looping
                        .first_error
                        .get_or_insert_with(|| format!("item {label}: {why}"));
                    if why.is_unsupported() {
                        unsupported.get_or_insert(why);
                    }
                }
            }
        }
        // The emulator's own limit is the reason, whatever MaxErrors allows: a test must not
        // pass on what the emulator could not do.
        if let Some(why) = unsupported {
            return self.fail(state, current, why);
        }
        self.then(Duration::ZERO, Step::NextBatch(current, looping));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batches_in_every_mode() {
        let items = json!(["a", "b", "c", "d", "e"]);
        let plan = |spec: Value| Plan::read(&spec).unwrap();
        assert_eq!(plan(json!({"Items": items})).batches, [1, 1, 1, 1, 1]);
        assert_eq!(
            plan(json!({"Items": items, "Concurrency": 2})).batches,
            [2, 2, 1]
        );
        assert_eq!(
            plan(json!({"Items": items, "Concurrency": "40%", "MaxErrors": "20%"})),
            Plan {
                items: items.as_array().unwrap().clone(),
                batches: vec![2, 2, 1],
                max_errors: 1
            }
        );
        assert_eq!(
            plan(json!({"Items": items, "Concurrency": [3, 2]})).batches,
            [3, 2]
        );
        assert_eq!(plan(json!({"Items": items, "RateControl": {"Mode": "Concurrency", "Concurrency": 4, "MaxErrors": 2}})).batches, [4, 1]);
        assert_eq!(plan(json!({"Items": items, "RateControl": {"Mode": "Batch", "Batch": [1, "40%"], "MaxErrors": 0}})).batches, [1, 2, 2]);
        assert_eq!(plan(json!({"Items": "[\"x\"]", "RateControl": "{\"Mode\": \"Concurrency\", \"Concurrency\": 10}"})).batches, [1]);
        assert_eq!(
            plan(json!({"Items": "i-1,i-2"})).items,
            [json!("i-1"), json!("i-2")]
        );
        assert!(plan(json!({"Items": []})).batches.is_empty());
        assert!(Plan::read(&json!({"Items": items, "Concurrency": "lots"}))
            .unwrap_err()
            .contains("neither"));
    }

    #[test]
    fn outputs_gather() {
        let items = [json!({"id": "a", "n": 1}), json!({"id": "a", "N": 2})];
        let declared = json!({"ids": {"AggregateType": "Fn::ListJoin", "AggregateField": "id"}, "sum": {"AggregateType": "Fn::Sum", "AggregateField": "n"}, "one": {"AggregateType": "Fn::Distinct", "AggregateField": "id"}});
        assert_eq!(
            gather(Some(&declared), &items).unwrap(),
            json!({"ids": ["a", "a"], "sum": 3, "one": ["a"]})
        );
        let limit = gather(
            Some(&json!({"x": {"AggregateType": "Fn::Max", "AggregateField": "n"}})),
            &items,
        )
        .unwrap_err();
        assert_eq!(
            limit,
            Failure::unsupported("loop output x aggregates with Fn::Max")
        );
    }
}
