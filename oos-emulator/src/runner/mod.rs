//! Executions that run: `StartExecution` hands each new execution to a [`Run`], which walks
//! its template's tasks on the emulator's [`Clock`](crate::clock::Clock), writing their task
//! executions and logs and moving the execution from `Running` to `Success` or `Failed`.
//!
//! Runs advance lazily: before each request is answered, every run performs the steps whose
//! time has come, each stamped with the emulated moment it happened at (the execution's start
//! plus the emulated time since). Nothing happens between requests, and nothing needs to: no
//! one can see the state then.
//!
//! What a task does, and how long it takes in emulated time:
//!
//! | Action | What it does | Time |
//! |---|---|---|
//! | `ACS::Sleep` | nothing | its `Duration` (ISO 8601, e.g. `PT1M`) |
//! | `ACS::Approve` | sets the execution `Waiting` until `NotifyExecution` approves (it goes on) or rejects (it fails) | until then |
//! | `ACS::ExecuteAPI` (`Service: OOS`) | runs the emulator's own `API` with `Parameters`, logs the call, picks its `Outputs` with their `ValueSelector` | 1 s |
//! | `ACS::CheckFor` (`Service: OOS`) | the same call; the value at `PropertySelector` must be one of `DesiredValues` (or none of `NotDesiredValues`) | 1 s |
//!
//! Properties may hold `{{ parameter }}`, `{{ task.output }}`, `{{ ACS::ExecutionId }}`,
//! `{{ ACS::RegionId }}`, `{{ ACS::AccountId }}` and, in a loop, `{{ ACS::TaskLoopItem }}`. A
//! task with `Loop` runs once per item of `Items`, `Concurrency` items at a time (a batch
//! takes as long as its slowest item), and fails when more than `MaxErrors` items fail; its
//! `Outputs` gather the items' outputs with `AggregateType: Fn::ListJoin`.
//!
//! Any other action, another service, a property the task needs and lacks, a reference that
//! resolves to nothing or a check that does not hold fails the task one emulated second after
//! it started; the execution then fails with a status message that says why. A stopped clock
//! (speed 0) keeps every execution on its first task, as `StartExecution` left it.

mod expr;
mod program;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::data::model::{parse_date, CurrentTask, Execution, TaskExecution};
use crate::request::ActionRequest;
use crate::state::State;
use expr::{as_text, select, Scope};
use program::{cannot_run, Program, Task};

/// How long a task that is not a sleep or an approval takes, in emulated time.
const STEP: Duration = Duration::from_secs(1);
/// The most steps one run takes while answering one request; the rest wait for the next.
const STEPS_PER_REQUEST: usize = 100_000;

/// The runs of the executions that have not finished, by execution id.
pub(crate) type Runs = BTreeMap<String, Run>;

/// One execution being run.
#[derive(Debug)]
pub(crate) struct Run {
    execution_id: String,
    /// The key that started it, which its API calls are made with.
    access_key_id: String,
    /// Empty when the template cannot run: the run's first step fails the execution.
    program: Program,
    /// When it started: the wall time its logs count from, and the clock's time then.
    started_wall: OffsetDateTime,
    started_at: Duration,
    /// Emulated time since the start at which `step` is due.
    at: Duration,
    step: Step,
    /// Outputs of the tasks that completed, by task name.
    outputs: Map<String, Value>,
}

/// What the run does next; a task in progress travels with the steps that need it.
#[derive(Debug)]
enum Step {
    StartTask(usize),
    /// The task's action runs with these properties (or fails with why they cannot be had),
    /// and the task ends.
    Act(Current, Result<Value, String>),
    /// The task waits for `NotifyExecution`, then acts with these properties.
    AwaitApproval(Current, Value),
    /// The loop's next batch starts (or the loop ends).
    NextBatch(Current, Looping),
    /// The batch's items run and end.
    ActBatch(Current, Looping),
    Finish {
        status: &'static str,
        message: String,
    },
    Done,
}

/// The task in progress.
#[derive(Debug)]
struct Current {
    index: usize,
    task: Task,
    record: String,
}

#[derive(Debug)]
struct Looping {
    items: Vec<Value>,
    next: usize,
    concurrency: usize,
    max_errors: usize,
    errors: usize,
    /// The batch in progress: item, its task execution, its properties.
    batch: Vec<(Value, String, Result<Value, String>)>,
    /// The items' outputs, in item order.
    outputs: Vec<Value>,
}

/// Hands a new execution to a run and takes the steps due at once (its first task starts).
pub(crate) fn start(state: &mut State, execution_id: &str, content: &str, access_key_id: &str) {
    let (program, step) = match Program::read(content) {
        Ok(program) => (program, Step::StartTask(0)),
        Err(why) => (
            Program::default(),
            Step::Finish {
                status: "Failed",
                message: format!("The template cannot run: {why}."),
            },
        ),
    };
    // Its tasks and logs count from the execution's own start, so that all its dates
    // read one clock.
    let started_wall = state
        .data
        .execution(execution_id)
        .and_then(|e| parse_date(&e.start_date))
        .unwrap_or_else(OffsetDateTime::now_utc);
    let run = Run {
        execution_id: execution_id.to_owned(),
        access_key_id: access_key_id.to_owned(),
        program,
        started_wall,
        started_at: state.clock.now(),
        at: Duration::ZERO,
        step,
        outputs: Map::new(),
    };
    state.runs.insert(execution_id.to_owned(), run);
    advance_one(state, execution_id);
}

/// Takes every run's steps that are due.
pub(crate) fn advance(state: &mut State) {
    let ids: Vec<String> = state.runs.keys().cloned().collect();
    for id in ids {
        advance_one(state, &id);
    }
}

/// `NotifyExecution` approved the execution: a task waiting for approval completes now.
pub(crate) fn approve(state: &mut State, execution_id: &str) {
    let now = state.clock.now();
    if let Some(run) = state.runs.get_mut(execution_id) {
        run.step = match std::mem::replace(&mut run.step, Step::Done) {
            Step::AwaitApproval(current, properties) => {
                run.at = now.saturating_sub(run.started_at).max(run.at);
                Step::Act(current, Ok(properties))
            }
            other => other,
        };
    }
}

/// Now, as the execution's logs write it: on its run's clock when it runs, else the wall
/// clock's.
pub(crate) fn timestamp(state: &State, execution_id: &str) -> String {
    match state.runs.get(execution_id) {
        Some(run) => run.stamp_at(state.clock.now().saturating_sub(run.started_at)),
        None => crate::data::model::now(),
    }
}

fn advance_one(state: &mut State, id: &str) {
    let Some(mut run) = state.runs.remove(id) else {
        return;
    };
    let elapsed = state.clock.now().saturating_sub(run.started_at);
    for _ in 0..STEPS_PER_REQUEST {
        let running = state
            .data
            .execution(id)
            .is_some_and(Execution::is_unfinished);
        if !running || matches!(run.step, Step::Done) {
            return;
        }
        if run.at > elapsed || matches!(run.step, Step::AwaitApproval(..)) {
            break;
        }
        run.take_step(state);
    }
    state.runs.insert(id.to_owned(), run);
}

impl Run {
    fn stamp_at(&self, at: Duration) -> String {
        let when = time::Duration::try_from(at)
            .ok()
            .and_then(|d| self.started_wall.checked_add(d))
            .unwrap_or(self.started_wall);
        when.replace_nanosecond(0)
            .unwrap_or(when)
            .format(&Rfc3339)
            .unwrap_or_default()
    }

    fn stamp(&self) -> String {
        self.stamp_at(self.at)
    }

    fn then(&mut self, after: Duration, step: Step) {
        self.at = self.at.saturating_add(after);
        self.step = step;
    }

    fn take_step(&mut self, state: &mut State) {
        match std::mem::replace(&mut self.step, Step::Done) {
            Step::StartTask(index) => self.start_task(state, index),
            Step::Act(current, properties) => self.act(state, current, properties),
            Step::NextBatch(current, looping) => self.next_batch(state, current, looping),
            Step::ActBatch(current, looping) => self.act_batch(state, current, looping),
            Step::Finish { status, message } => self.finish(state, status, message),
            step @ (Step::AwaitApproval(..) | Step::Done) => self.step = step,
        }
    }

    fn execution<'s>(&self, state: &'s mut State) -> Option<&'s mut Execution> {
        state.data.execution_mut(&self.execution_id)
    }

    fn log(&self, state: &mut State, message: String, task: Option<&str>) {
        let at = self.stamp();
        let mut entry = json!({"Timestamp": at, "Message": message});
        if let (Some(task), Some(map)) = (task, entry.as_object_mut()) {
            map.insert("TaskExecutionId".into(), task.into());
        }
        if let Some(execution) = self.execution(state) {
            execution.push_log(entry);
            execution.update_date = at;
        }
    }

    /// A new task execution, numbered after the last.
    fn record(&self, state: &mut State, task: &Task, parent: &str, item: Option<&Value>) -> String {
        let at = self.stamp();
        let Some(execution) = self.execution(state) else {
            return String::new();
        };
        let id = format!(
            "{}.t{:04}",
            self.execution_id,
            execution.task_executions.len() + 1
        );
        execution.task_executions.push(TaskExecution {
            task_execution_id: id.clone(),
            execution_id: self.execution_id.clone(),
            task_name: task.name.clone(),
            task_action: task.action.clone(),
            status: "Running".into(),
            properties: task.properties.to_string(),
            outputs: "{}".into(),
            create_date: at.clone(),
            start_date: at.clone(),
            update_date: at,
            parent_task_execution_id: parent.to_owned(),
            loop_item: item.map(as_text).unwrap_or_default(),
            template_id: execution.template_id.clone(),
            ..TaskExecution::default()
        });
        id
    }

    /// Ends a task execution with `status`.
    fn settle(
        &self,
        state: &mut State,
        record: &str,
        status: &str,
        message: &str,
        outputs: Option<&Value>,
    ) {
        let at = self.stamp();
        let total = self.total_tasks();
        let Some(execution) = self.execution(state) else {
            return;
        };
        // The task ending is among the newest; only the tasks of the template count, not
        // a loop's items, so an item's end changes no counter.
        let Some(task) = execution
            .task_executions
            .iter_mut()
            .rev()
            .find(|t| t.task_execution_id == record)
        else {
            return;
        };
        task.status = status.to_owned();
        task.status_message = message.to_owned();
        if let Some(outputs) = outputs {
            task.outputs = outputs.to_string();
        }
        task.end_date.clone_from(&at);
        task.update_date = at;
        if task.parent_task_execution_id.is_empty() {
            count(execution, total);
        }
    }

    fn total_tasks(&self) -> usize {
        self.program.tasks.len()
    }

    /// `value` with its references resolved, `item` being the loop item if any.
    fn resolve(&self, state: &State, value: &Value, item: Option<&Value>) -> Result<Value, String> {
        let none = Map::new();
        let parameters = state
            .data
            .execution(&self.execution_id)
            .map_or(&none, |e| &e.parameters);
        Scope {
            parameters,
            declared: &self.program.parameters,
            outputs: &self.outputs,
            execution_id: &self.execution_id,
            loop_item: item,
        }
        .substitute(value)
    }

    fn start_task(&mut self, state: &mut State, index: usize) {
        let Some(task) = self.program.tasks.get(index).cloned() else {
            let message = "The execution completed successfully.".to_owned();
            self.then(
                Duration::ZERO,
                Step::Finish {
                    status: "Success",
                    message,
                },
            );
            return;
        };
        let record = self.record(state, &task, "", None);
        let total = self.total_tasks();
        if let Some(execution) = self.execution(state) {
            execution.current_tasks = vec![CurrentTask {
                task_action: task.action.clone(),
                task_execution_id: record.clone(),
                task_name: task.name.clone(),
            }];
            count(execution, total);
        }
        self.log(
            state,
            format!("The task {} started.", task.name),
            Some(&record),
        );
        let properties = match (&task.problem, &task.looping) {
            (Some(problem), _) => Err(problem.clone()),
            // A loop resolves its properties per item, when each item starts.
            (None, Some(spec)) => match self.looping(state, spec) {
                Ok(looping) => {
                    let current = Current {
                        index,
                        task,
                        record,
                    };
                    return self.then(Duration::ZERO, Step::NextBatch(current, looping));
                }
                Err(why) => Err(why),
            },
            (None, None) => self.resolve(state, &task.properties, None),
        };
        let current = Current {
            index,
            task,
            record,
        };
        match (properties, current.task.action.as_str()) {
            (Ok(properties), "ACS::Approve") => {
                self.wait_for_approval(state, &current);
                self.then(Duration::ZERO, Step::AwaitApproval(current, properties));
            }
            (Ok(properties), "ACS::Sleep") => {
                let takes = sleep_duration(&properties).unwrap_or(STEP);
                self.then(takes, Step::Act(current, Ok(properties)));
            }
            (properties, _) => self.then(STEP, Step::Act(current, properties)),
        }
    }

    fn wait_for_approval(&self, state: &mut State, current: &Current) {
        let total = self.total_tasks();
        if let Some(execution) = self.execution(state) {
            execution.status = "Waiting".into();
            if let Some(t) = execution
                .task_executions
                .iter_mut()
                .rev()
                .find(|t| t.task_execution_id == current.record)
            {
                t.status = "Waiting".into();
            }
            count(execution, total);
        }
        self.log(
            state,
            format!("The task {} is waiting for approval.", current.task.name),
            Some(&current.record),
        );
    }

    fn looping(&self, state: &State, spec: &Value) -> Result<Looping, String> {
        let spec = self.resolve(state, spec, None)?;
        let items = match spec.get("Items") {
            Some(Value::Array(items)) => items.clone(),
            Some(other) => return Err(format!("Loop.Items is {other}, not a list")),
            None => return Err("the task has a Loop without Items".into()),
        };
        let count = |key: &str, default: usize| -> Result<usize, String> {
            match spec.get(key) {
                None => Ok(default),
                Some(Value::Number(n)) => n
                    .as_u64()
                    .map(|n| n as usize)
                    .ok_or_else(|| format!("Loop.{key} must be a whole number")),
                Some(Value::String(s)) => match s.strip_suffix('%') {
                    Some(percent) => percent
                        .trim()
                        .parse::<usize>()
                        .map(|p| items.len() * p / 100)
                        .map_err(|_| format!("Loop.{key} `{s}` is not a percentage")),
                    None => s
                        .trim()
                        .parse()
                        .map_err(|_| format!("Loop.{key} `{s}` is not a whole number")),
                },
                Some(other) => Err(format!("Loop.{key} is {other}, not a number")),
            }
        };
        Ok(Looping {
            concurrency: count("Concurrency", 1)?.max(1),
            max_errors: count("MaxErrors", 0)?,
            items,
            next: 0,
            errors: 0,
            batch: Vec::new(),
            outputs: Vec::new(),
        })
    }

    fn act(&mut self, state: &mut State, current: Current, properties: Result<Value, String>) {
        let result = properties
            .and_then(|p| self.run_action(state, &current.task, &p, &current.record))
            .and_then(|answer| outputs(&current.task, &answer));
        match result {
            Ok(outputs) => self.complete(state, current, outputs),
            Err(why) => self.fail(state, current, why),
        }
    }

    /// Runs one action (once the time it takes has passed); its answer, for `Outputs`.
    /// Runs one action (once the time it takes has passed); its answer, for `Outputs`. The
    /// actions it cannot run, and an approval in a loop, failed the task when it was read.
    fn run_action(
        &self,
        state: &mut State,
        task: &Task,
        properties: &Value,
        record: &str,
    ) -> Result<Value, String> {
        match task.action.as_str() {
            "ACS::Sleep" => sleep_duration(properties).map(|_| json!({})),
            "ACS::ExecuteAPI" => self.call(state, properties, record),
            "ACS::CheckFor" => {
                let answer = self.call(state, properties, record)?;
                check(properties, &answer)?;
                Ok(answer)
            }
            "ACS::Approve" => Ok(json!({})),
            other => Err(cannot_run(other)),
        }
    }

    /// An OOS action of the emulator's own, as `ACS::ExecuteAPI` calls it.
    fn call(&self, state: &mut State, properties: &Value, record: &str) -> Result<Value, String> {
        let service = properties
            .get("Service")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !service.eq_ignore_ascii_case("oos") {
            let service = if service.is_empty() {
                "(none)"
            } else {
                service
            };
            return Err(format!(
                "the emulator cannot call service {service}: it runs API calls with `Service: OOS` only"
            ));
        }
        let api = properties
            .get("API")
            .and_then(Value::as_str)
            .ok_or("the task names no API to call")?;
        let spec = crate::spec::action(api).ok_or_else(|| format!("OOS has no API {api}"))?;
        let params: Vec<(String, String)> = match properties.get("Parameters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), as_text(v))).collect(),
            Some(other) => return Err(format!("Parameters is {other}, not an object")),
        };
        let refused =
            |e: crate::error::ApiError| format!("{api} answered {}: {}", e.code, e.message);
        let args = crate::spec::check::check(spec, &params).map_err(refused)?;
        let answer = crate::actions::run(
            state,
            &ActionRequest {
                action: api,
                spec,
                access_key_id: &self.access_key_id,
                params: &params,
                args: &args,
            },
        )
        .map_err(refused)?;
        let request: Map<String, Value> = params.into_iter().map(|(k, v)| (k, v.into())).collect();
        let answer = Value::Object(answer);
        self.log(
            state,
            format!(
                "api call: {api} request:{} response: {answer}",
                Value::Object(request)
            ),
            Some(record),
        );
        Ok(answer)
    }

    fn complete(&mut self, state: &mut State, current: Current, outputs: Value) {
        let name = &current.task.name;
        self.log(
            state,
            format!("The task {name} output: {outputs}"),
            Some(&current.record),
        );
        self.log(
            state,
            format!("The task {name} completed."),
            Some(&current.record),
        );
        self.settle(state, &current.record, "Success", "", Some(&outputs));
        self.outputs.insert(name.clone(), outputs);
        self.then(Duration::ZERO, Step::StartTask(current.index + 1));
    }

    fn fail(&mut self, state: &mut State, current: Current, why: String) {
        let name = &current.task.name;
        self.log(
            state,
            format!("The task {name} failed: {why}"),
            Some(&current.record),
        );
        self.settle(state, &current.record, "Failed", &why, None);
        let message = format!("Task {name} failed: {why}");
        self.then(
            Duration::ZERO,
            Step::Finish {
                status: "Failed",
                message,
            },
        );
    }

    fn next_batch(&mut self, state: &mut State, current: Current, mut looping: Looping) {
        if looping.errors > looping.max_errors {
            let why = format!(
                "{} of its loop items failed, more than MaxErrors ({})",
                looping.errors, looping.max_errors
            );
            return self.fail(state, current, why);
        }
        if looping.next >= looping.items.len() {
            let gathered = gather(&current.task, &looping.outputs);
            return match gathered {
                Ok(outputs) => self.complete(state, current, outputs),
                Err(why) => self.fail(state, current, why),
            };
        }
        let end = looping
            .next
            .saturating_add(looping.concurrency)
            .min(looping.items.len());
        let mut longest = Duration::ZERO;
        for item in looping.items[looping.next..end].iter().cloned() {
            let record = self.record(state, &current.task, &current.record, Some(&item));
            let name = &current.task.name;
            self.log(
                state,
                format!("The task {name} (loop item {}) started.", as_text(&item)),
                Some(&record),
            );
            let properties = self.resolve(state, &current.task.properties, Some(&item));
            let takes = match (&properties, current.task.action.as_str()) {
                (Ok(p), "ACS::Sleep") => sleep_duration(p).unwrap_or(STEP),
                _ => STEP,
            };
            longest = longest.max(takes);
            looping.batch.push((item, record, properties));
        }
        looping.next = end;
        self.then(longest, Step::ActBatch(current, looping));
    }

    fn act_batch(&mut self, state: &mut State, current: Current, mut looping: Looping) {
        let name = current.task.name.clone();
        for (item, record, properties) in std::mem::take(&mut looping.batch) {
            let label = as_text(&item);
            let result = properties
                .and_then(|p| self.run_action(state, &current.task, &p, &record))
                .and_then(|answer| outputs(&current.task, &answer));
            match result {
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
                    self.settle(state, &record, "Failed", &why, None);
                    looping.errors += 1;
                }
            }
        }
        self.then(Duration::ZERO, Step::NextBatch(current, looping));
    }

    fn finish(&mut self, state: &mut State, status: &'static str, message: String) {
        let (status, message, outputs) = match (status, self.template_outputs(state)) {
            ("Success", Ok(outputs)) => (status, message, Some(outputs)),
            ("Success", Err(why)) => ("Failed", format!("The outputs cannot be had: {why}"), None),
            _ => (status, message, None),
        };
        let at = self.stamp();
        let total = self.total_tasks();
        if let Some(execution) = self.execution(state) {
            execution.end(status, &message, &at);
            if let Some(outputs) = outputs {
                execution.outputs = outputs.to_string();
            }
            count(execution, total);
        }
        let done = if status == "Success" {
            "Execution succeeded."
        } else {
            "Execution failed."
        };
        self.log(state, done.to_owned(), None);
        self.step = Step::Done;
    }

    fn template_outputs(&self, state: &State) -> Result<Value, String> {
        let mut outputs = Map::new();
        for (name, declaration) in &self.program.outputs {
            let value = declaration
                .get("Value")
                .ok_or_else(|| format!("output {name} has no Value"))?;
            let value = self
                .resolve(state, value, None)
                .map_err(|why| format!("output {name}: {why}"))?;
            outputs.insert(name.clone(), typed(declaration, value));
        }
        Ok(Value::Object(outputs))
    }
}

/// Recounts an execution's top-level task executions by status.
fn count(execution: &mut Execution, total: usize) {
    let mut counters =
        BTreeMap::from([("Total".to_owned(), i32::try_from(total).unwrap_or(i32::MAX))]);
    for task in execution
        .task_executions
        .iter()
        .filter(|t| t.parent_task_execution_id.is_empty())
    {
        let n = counters.entry(task.status.clone()).or_insert(0);
        *n = n.saturating_add(1);
    }
    execution.counters = Some(counters);
}

/// An `ACS::Sleep`'s `Duration`.
fn sleep_duration(properties: &Value) -> Result<Duration, String> {
    let text = properties
        .get("Duration")
        .and_then(Value::as_str)
        .ok_or("ACS::Sleep needs a Duration such as PT1M")?;
    iso8601::duration(text)
        .map(Duration::from)
        .map_err(|_| format!("the Duration `{text}` is not an ISO 8601 duration such as PT1M"))
}

/// Whether a check's value is what it wants.
fn check(properties: &Value, answer: &Value) -> Result<(), String> {
    let selector = properties
        .get("PropertySelector")
        .and_then(Value::as_str)
        .ok_or("ACS::CheckFor needs a PropertySelector")?;
    let value = as_text(&select(answer, selector)?);
    let list = |key: &str| {
        properties
            .get(key)
            .and_then(Value::as_array)
            .map(|values| values.iter().map(as_text).collect::<Vec<_>>())
    };
    match (list("DesiredValues"), list("NotDesiredValues")) {
        (Some(desired), _) if !desired.contains(&value) => Err(format!(
            "the check did not hold: {selector} is `{value}`, not one of {}",
            desired.join(", ")
        )),
        (_, Some(unwanted)) if unwanted.contains(&value) => Err(format!(
            "the check did not hold: {selector} is `{value}`, one of the NotDesiredValues"
        )),
        (None, None) => Err("ACS::CheckFor needs DesiredValues or NotDesiredValues".into()),
        _ => Ok(()),
    }
}

/// A task's `Outputs`, picked out of its action's answer.
fn outputs(task: &Task, answer: &Value) -> Result<Value, String> {
    let mut outputs = Map::new();
    for (name, declaration) in &task.outputs {
        let selector = declaration
            .get("ValueSelector")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("output {name} has no ValueSelector"))?;
        let value = select(answer, selector).map_err(|why| format!("output {name}: {why}"))?;
        outputs.insert(name.clone(), typed(declaration, value));
    }
    Ok(Value::Object(outputs))
}

/// A loop's `Outputs`: each gathers one field of its items' outputs.
fn gather(task: &Task, items: &[Value]) -> Result<Value, String> {
    let Some(declared) = task
        .looping
        .as_ref()
        .and_then(|l| l.get("Outputs"))
        .and_then(Value::as_object)
    else {
        return Ok(json!({}));
    };
    let mut outputs = Map::new();
    for (name, declaration) in declared {
        match declaration.get("AggregateType").and_then(Value::as_str) {
            Some("Fn::ListJoin") => {}
            other => {
                return Err(format!(
                    "loop output {name}: the emulator aggregates with Fn::ListJoin only, not {}",
                    other.unwrap_or("(none)")
                ))
            }
        }
        let field = declaration
            .get("AggregateField")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("loop output {name} has no AggregateField"))?;
        let values = items
            .iter()
            .map(|item| item.get(field).cloned().unwrap_or(Value::Null))
            .collect();
        outputs.insert(name.clone(), Value::Array(values));
    }
    Ok(Value::Object(outputs))
}

/// `value` as an output declared `Type: String` holds it: text; other types keep it.
fn typed(declaration: &Value, value: Value) -> Value {
    match declaration.get("Type").and_then(Value::as_str) {
        Some("String") => Value::String(as_text(&value)),
        _ => value,
    }
}
