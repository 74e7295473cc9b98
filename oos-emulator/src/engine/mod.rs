//! Executions that run: `StartExecution` hands each new execution to a [`Run`], which walks
//! its template's tasks on the emulator's [`Clock`](crate::clock::Clock), writing their task
//! executions and logs ([`logbook`]) and moving the execution from `Running` to `Success` or
//! `Failed`.
//!
//! Runs advance before each request is answered: every run whose next step's time has come
//! (the queue of [`runs`] says which, without a scan) performs its due steps, each stamped
//! with the emulated moment it happened at (the execution's start plus the emulated time
//! since), so that what a request reads is up to date. Between requests the server's ticker
//! takes due steps a few runs at a time ([`advance_some`]), so that a request seldom finds
//! many left: executions started together reach their steps together. A task's action is
//! performed when the task starts (its retries and polls included, each wait adding to the
//! time it takes, see [`actions::perform`]) and the task ends that much emulated time later.
//!
//! Flow: a task whose `When` does not hold is `Skipped`; a task that succeeds goes to its
//! `OnSuccess` (a task, `ACS::NEXT` or `ACS::END`), a choice to the task it picks, any other
//! to the next; one that fails goes to its `OnError` if it has one (the execution goes on;
//! `ACS::END` ends it `Failed`), else the execution fails with its reason. A `Loop` runs
//! its items in batches ([`looping`]), each item a task execution of its own. A trigger task
//! keeps its execution running and starts a child execution at each firing ([`firing`]).

pub(crate) mod actions;
pub(crate) mod firing;
mod logbook;
mod looping;
mod program;
mod retry;
mod runs;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::data::model::{parse_date, CurrentTask, Execution};
use crate::eval::{truthy, Builtins, Context, Failure, TaskScope};
use crate::state::State;
use crate::template::{END, NEXT};
use actions::Outcome;
use logbook::tally;
use looping::{Looping, Plan};
use program::{Program, Task};

/// How long a task that is not a sleep or a wait takes, in emulated time.
const STEP: Duration = Duration::from_secs(1);
/// The most steps one run takes while answering one request; the rest wait for the next.
const STEPS_PER_REQUEST: usize = 100_000;
/// How often `ACS::WaitFor` polls when its task says nothing.
const WAIT_FOR_RETRIES: u32 = 30;
/// The region templates run in when their `StartExecution` names none.
const REGION: &str = "cn-hangzhou";

pub(crate) use runs::Runs;

/// One execution being run.
#[derive(Debug)]
pub(crate) struct Run {
    execution_id: String,
    /// The key that started it, which its API calls are made with.
    access_key_id: String,
    /// Empty when the template cannot run: the run's first step fails the execution.
    program: Program,
    /// Every parameter's value: given, else its evaluated `Default`.
    parameters: Map<String, Value>,
    builtins: Builtins,
    /// How many executions this one is the child of.
    depth: usize,
    /// When it started: the wall time its logs count from, and the clock's time then.
    started_wall: OffsetDateTime,
    started_at: Duration,
    /// Emulated time since the start at which `step` is due.
    at: Duration,
    step: Step,
    /// Outputs of the tasks that completed, by task name.
    outputs: Map<String, Value>,
    /// The limit of the emulator that ended the execution, if one did: a parent that runs it
    /// as a child passes it on as its own task's failure.
    limit: Option<Failure>,
}

/// What the run does next; a task in progress travels with the steps that need it.
#[derive(Debug)]
enum Step {
    StartTask(usize),
    /// The task's action was performed; the task ends with its outcome.
    End(Current, Result<Outcome, Failure>),
    /// The task waits for `NotifyExecution`.
    AwaitApproval(Current),
    /// A trigger task waits for its next firing: on the clock (a timer), or for an event.
    Armed(Current, firing::Armed),
    /// The loop's next batch starts (or the loop ends).
    NextBatch(Current, Looping),
    /// The batch's items end.
    EndBatch(Current, Looping),
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
    task: Arc<Task>,
    record: String,
}

/// Hands a new execution to a run and takes the steps due at once (its first task starts).
/// `template` is its template's parsed content, or why that content does not parse;
/// `region_id` the region it was started in (`{{ ACS::RegionId }}`): the request's, else
/// its parent's, else [`REGION`].
pub(crate) fn start(
    state: &mut State,
    execution_id: &str,
    template: Result<&Value, String>,
    access_key_id: &str,
    region_id: Option<&str>,
) {
    let execution = state.data.execution(execution_id);
    let given = execution.map(|e| e.parameters.clone()).unwrap_or_default();
    let parent = execution
        .map(|e| e.parent_execution_id.clone())
        .unwrap_or_default();
    let region_id = region_id
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            state
                .data
                .execution(&parent)
                .map(|p| p.region_id.clone())
                .filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| REGION.into());
    if let Some(execution) = state.data.execution_mut(execution_id) {
        execution.region_id.clone_from(&region_id);
    }
    let execution = state.data.execution(execution_id);
    let builtins = Builtins {
        region_id,
        account_id: crate::data::model::ACCOUNT_ID.into(),
        execution_id: execution_id.into(),
        parent_execution_id: parent.clone(),
        execute_user: crate::data::model::executed_by(),
        template_name: execution
            .map(|e| e.template_name.clone())
            .unwrap_or_default(),
        template_version: execution
            .map(|e| e.template_version.clone())
            .unwrap_or_default(),
    };
    // Its tasks and logs count from the execution's own start, so that all its dates
    // read one clock.
    let started_wall = execution
        .and_then(|e| parse_date(&e.start_date))
        .unwrap_or_else(OffsetDateTime::now_utc);
    // Counted along the stored parents: a parent's run is out of `state.runs` while it takes
    // the step that starts its child.
    let depth = ancestors(state, &parent);
    let mut run = Run {
        execution_id: execution_id.to_owned(),
        access_key_id: access_key_id.to_owned(),
        program: Program::default(),
        parameters: Map::new(),
        builtins,
        depth,
        started_wall,
        started_at: state.clock.now(),
        at: Duration::ZERO,
        step: Step::StartTask(0),
        outputs: Map::new(),
        limit: None,
    };
    let ready = template
        .and_then(Program::read)
        .map_err(Failure::Failed)
        .and_then(|program| {
            run.parameters = run.effective_parameters(state, &program.parameters, given)?;
            run.program = program;
            Ok(())
        });
    if let Err(why) = ready {
        let why = why.reword(
            |why| format!("The template cannot run: {why}."),
            |why| format!("{why}, so the template cannot run."),
        );
        run.step = run.ending(why);
    }
    schedule(state, run);
}

/// How many executions `parent` and its own parents make (0 for none), counted up to a bound
/// past which nothing nests.
fn ancestors(state: &State, parent: &str) -> usize {
    let mut depth = 0;
    let mut next = parent;
    while let Some(execution) = state.data.execution(next).filter(|_| !next.is_empty()) {
        depth += 1;
        next = &execution.parent_execution_id;
        if depth > 64 {
            break;
        }
    }
    depth
}

/// Hands a new run to the engine and takes its steps due at once.
fn schedule(state: &mut State, run: Run) {
    let id = run.execution_id.clone();
    state.runs.insert(id.clone(), run);
    advance_one(state, &id, false);
}

/// Takes every run's steps that are due.
pub(crate) fn advance(state: &mut State) {
    advance_some(state, usize::MAX);
}

/// Takes the due steps of at most `runs` runs; whether more runs have steps due. The
/// server's ticker calls it between requests, a few runs at a time, so that a request finds
/// little left to do and waits little for the lock.
pub(crate) fn advance_some(state: &mut State, runs: usize) -> bool {
    let now = state.clock.now();
    for id in state.runs.take_due(now, runs) {
        advance_one(state, &id, false);
    }
    state.runs.any_due(now)
}

/// Runs `id` to its end without waiting for the clock, as a child execution runs within its
/// parent's task: how much emulated time it took, and the limit of the emulator that ended
/// it, if one did.
pub(crate) fn run_to_end(state: &mut State, id: &str) -> (Duration, Option<Failure>) {
    advance_one(state, id, true)
}

/// `NotifyExecution` approved the execution: a task waiting for approval completes now.
pub(crate) fn approve(state: &mut State, execution_id: &str) {
    let now = state.clock.now();
    if let Some(mut run) = state.runs.remove(execution_id) {
        run.step = match std::mem::replace(&mut run.step, Step::Done) {
            Step::AwaitApproval(current) => {
                run.at = now.saturating_sub(run.started_at).max(run.at);
                Step::End(current, Ok(Outcome::answer(json!({}))))
            }
            other => other,
        };
        // Put back, it is queued at its new step.
        state.runs.insert(execution_id.to_owned(), run);
    }
}

/// The executions `ids` ended or went away from outside their runs (cancelled, ended by a
/// notification, deleted): their runs stop here, so that no step, firing or event reaches
/// them again and nothing has to look for them later.
pub(crate) fn stop(state: &mut State, ids: &[String]) {
    for id in ids {
        state.runs.remove(id);
    }
}

/// The executions `ids` are deleted: their records, and with them their runs ([`stop`]).
pub(crate) fn delete(state: &mut State, ids: &[String]) {
    state.data.remove_executions(ids);
    stop(state, ids);
}

/// Now, as the execution's logs write it: on its run's clock when it runs, else the wall
/// clock's.
pub(crate) fn timestamp(state: &State, execution_id: &str) -> String {
    match state.runs.get(execution_id) {
        Some(run) => run.stamp_at(state.clock.now().saturating_sub(run.started_at).max(run.at)),
        None => crate::data::model::now(),
    }
}

/// Takes `id`'s due steps (all of them, `to_end`): how far its run has come, and, once it
/// has finished and is dropped, the limit of the emulator that ended it, if one did.
fn advance_one(state: &mut State, id: &str, to_end: bool) -> (Duration, Option<Failure>) {
    let Some(mut run) = state.runs.remove(id) else {
        return (Duration::ZERO, None);
    };
    let elapsed = state.clock.now().saturating_sub(run.started_at);
    for _ in 0..STEPS_PER_REQUEST {
        let running = state
            .data
            .execution(id)
            .is_some_and(Execution::is_unfinished);
        if !running || matches!(run.step, Step::Done) {
            return (run.at, run.limit);
        }
        if (!to_end && run.at > elapsed) || run.waits() {
            break;
        }
        run.take_step(state);
    }
    let at = run.at;
    state.runs.insert(id.to_owned(), run);
    (at, None)
}

impl Run {
    /// Whether a step is due at clock time `now`.
    fn due(&self, now: Duration) -> bool {
        self.due_at().is_some_and(|at| at <= now)
    }

    /// The clock time of its next step; `None` when it waits for something else.
    fn due_at(&self) -> Option<Duration> {
        (!self.waits() && !matches!(self.step, Step::Done))
            .then(|| self.started_at.saturating_add(self.at))
    }

    /// Whether the run waits for something other than the clock: an approval or an event.
    fn waits(&self) -> bool {
        match &self.step {
            Step::AwaitApproval(..) => true,
            Step::Armed(_, armed) => armed.awaits_event(),
            _ => false,
        }
    }

    fn then(&mut self, after: Duration, step: Step) {
        self.at = self.at.saturating_add(after);
        self.step = step;
    }

    fn take_step(&mut self, state: &mut State) {
        match std::mem::replace(&mut self.step, Step::Done) {
            Step::StartTask(index) => self.start_task(state, index),
            Step::End(current, outcome) => self.end(state, current, outcome),
            Step::NextBatch(current, looping) => self.next_batch(state, current, looping),
            Step::EndBatch(current, looping) => self.end_batch(state, current, looping),
            Step::Finish { status, message } => self.finish(state, status, message),
            Step::Armed(current, armed) if !armed.awaits_event() => {
                self.fire_timer(state, current, armed)
            }
            step @ (Step::AwaitApproval(..) | Step::Armed(..) | Step::Done) => self.step = step,
        }
    }

    fn execution<'s>(&self, state: &'s mut State) -> Option<&'s mut Execution> {
        state.data.execution_mut(&self.execution_id)
    }

    /// Every declared parameter's value: as given, else its `Default` evaluated (defaults
    /// may read built-in values such as `{{ ACS::RegionId }}`).
    fn effective_parameters(
        &self,
        state: &State,
        declared: &Map<String, Value>,
        given: Map<String, Value>,
    ) -> Result<Map<String, Value>, Failure> {
        let mut values = given;
        // A default may read another parameter, declared before or after it: each pass
        // settles those whose references are known, until none is left or none moves.
        let mut pending: Vec<(&String, &Value)> = declared
            .iter()
            .filter(|(name, _)| !values.contains_key(*name))
            .filter_map(|(name, d)| d.get("Default").map(|default| (name, default)))
            .collect();
        while !pending.is_empty() {
            let mut left = Vec::new();
            let mut last = None;
            for (name, default) in pending.iter().copied() {
                match self.evaluate_with(state, &values, TaskScope::default(), false, default) {
                    Ok(value) => {
                        values.insert(name.clone(), value);
                    }
                    Err(why) => {
                        let why = why.within(&format!("parameter {name}'s Default"));
                        // A limit of the emulator is no reference still to settle: it is the
                        // reason, not a template's failure met later in the pass.
                        if why.is_unsupported() {
                            return Err(why);
                        }
                        last = Some(why);
                        left.push((name, default));
                    }
                }
            }
            if left.len() == pending.len() {
                return Err(last.unwrap_or_else(|| Failure::from("")));
            }
            pending = left;
        }
        Ok(values)
    }

    /// `value` evaluated against this run's outputs and built-in values; a reference to a
    /// task that did not run reads empty when `unrun_is_empty`, else fails.
    fn evaluate_with(
        &self,
        state: &State,
        parameters: &Map<String, Value>,
        task: TaskScope<'_>,
        unrun_is_empty: bool,
        value: &Value,
    ) -> Result<Value, Failure> {
        let store = |reference: &str| parameter_store(state, reference);
        Context {
            unrun_is_empty,
            parameters,
            outputs: &self.outputs,
            builtins: &self.builtins,
            task,
            now: self.moment(self.at),
            store: &store,
        }
        .evaluate(value)
    }

    /// `value` evaluated for `task` (and its loop item).
    fn evaluate(
        &self,
        state: &State,
        value: &Value,
        task: &Task,
        record: &str,
        item: Option<&Value>,
    ) -> Result<Value, Failure> {
        let scope = TaskScope {
            name: &task.name,
            action: &task.action,
            task_execution_id: record,
            loop_item: item,
        };
        self.evaluate_with(state, &self.parameters, scope, false, value)
    }

    fn start_task(&mut self, state: &mut State, index: usize) {
        let Some(task) = self.program.tasks.get(index).cloned() else {
            let message = "The execution completed successfully.".to_owned();
            return self.then(
                Duration::ZERO,
                Step::Finish {
                    status: "Success",
                    message,
                },
            );
        };
        let record = self.record(state, &task, "", None);
        let total = self.program.tasks.len();
        if let Some(execution) = self.execution(state) {
            execution.current_tasks = vec![CurrentTask {
                task_action: task.action.clone(),
                task_execution_id: record.clone(),
                task_name: task.name.clone(),
            }];
            tally(execution, total, None, "Running");
        }
        self.log(
            state,
            format!("The task {} started.", task.name),
            Some(&record),
        );
        let current = Current {
            index,
            task,
            record,
        };
        if let Some(problem) = &current.task.problem {
            let why = Failure::from(problem.clone());
            return self.then(STEP, Step::End(current, Err(why)));
        }
        if current
            .task
            .builtin
            .is_some_and(|b| actions::triggers::KINDS.contains(&b))
        {
            return self.arm(state, current);
        }
        // A loop's `When` is each item's (it may read `ACS::TaskLoopItem`).
        let when = current
            .task
            .key("When")
            .filter(|_| current.task.key("Loop").is_none());
        if let Some(when) = when.cloned() {
            match self.evaluate(state, &when, &current.task, &current.record, None) {
                Ok(holds) if !truthy(&holds) => return self.skip(state, current),
                Ok(_) => {}
                Err(why) => return self.then(STEP, Step::End(current, Err(why.within("When")))),
            }
        }
        if let Some(spec) = current.task.key("Loop").cloned() {
            let plan = self
                .evaluate(state, &spec, &current.task, &current.record, None)
                .and_then(|spec| Plan::read(&spec).map_err(Failure::from));
            return match plan {
                Ok(plan) => self.then(Duration::ZERO, Step::NextBatch(current, Looping::new(plan))),
                Err(why) => self.then(STEP, Step::End(current, Err(why.within("Loop")))),
            };
        }
        if matches!(current.task.builtin, Some("ACS::Approve" | "ACS::Pause")) {
            self.wait_for_approval(state, &current);
            return self.then(Duration::ZERO, Step::AwaitApproval(current));
        }
        let (outcome, takes) = self.perform(state, &current.task, &current.record, None);
        self.then(takes, Step::End(current, outcome));
    }

    /// Performs a task's action (or one loop item's) with its retries: the outcome and the
    /// emulated time it took.
    fn perform(
        &self,
        state: &mut State,
        task: &Task,
        record: &str,
        item: Option<&Value>,
    ) -> (Result<Outcome, Failure>, Duration) {
        let properties = match self.evaluate(state, &task.properties(), task, record, item) {
            Ok(p) => p,
            Err(why) => return (Err(why), STEP),
        };
        // What cannot be evaluated in the retry keys reads as unset (null), save a limit of
        // the emulator, which is the task's failure. Each key is evaluated once.
        let mut keys = Map::new();
        for key in retry::KEYS {
            let Some(value) = task.key(key) else { continue };
            let value = match self.evaluate(state, value, task, record, item) {
                Ok(value) => value,
                Err(why) if why.is_unsupported() => return (Err(why.within(key)), STEP),
                Err(_) => Value::Null,
            };
            keys.insert(key.to_owned(), value);
        }
        let default = if task.builtin == Some("ACS::WaitFor") {
            WAIT_FOR_RETRIES
        } else {
            0
        };
        let retry = retry::Retry::read(|key| keys.get(key).cloned(), default);
        let retry = match retry {
            Ok(retry) => retry,
            Err(why) => return (Err(why.into()), STEP),
        };
        let mut took = Duration::ZERO;
        let mut attempt = 0;
        loop {
            let call = actions::Call {
                run: self,
                task,
                properties: &properties,
                record,
                at: self.at + took,
            };
            let (outcome, takes) = actions::perform(state, &call);
            took += takes;
            match outcome {
                Err(why) if attempt < retry.retries && why.is_retryable() => {
                    attempt += 1;
                    self.log(
                        state,
                        format!(
                            "The task {} failed: {why}; retry {attempt} of {}.",
                            task.name, retry.retries
                        ),
                        Some(record),
                    );
                    took += retry.wait(attempt);
                }
                outcome => return (outcome, took),
            }
        }
    }

    /// The task's `Outputs`, their selectors' references resolved (a selector may hold
    /// `{{ parameter }}`); one that does not resolve is left as written, for jq to refuse.
    fn declared_outputs(
        &self,
        state: &State,
        task: &Task,
        record: &str,
        item: Option<&Value>,
    ) -> Map<String, Value> {
        let mut declared = task.outputs();
        for declaration in declared.values_mut() {
            let Some(selector) = declaration
                .get("ValueSelector")
                .filter(|s| s.as_str().is_some_and(|s| s.contains("{{")))
                .cloned()
            else {
                continue;
            };
            if let (Ok(resolved), Some(map)) = (
                self.evaluate(state, &selector, task, record, item),
                declaration.as_object_mut(),
            ) {
                map.insert("ValueSelector".into(), resolved);
            }
        }
        declared
    }

    fn wait_for_approval(&self, state: &mut State, current: &Current) {
        let total = self.program.tasks.len();
        if let Some(execution) = self.execution(state) {
            execution.status = "Waiting".into();
            let was = execution
                .task_executions
                .iter_mut()
                .rev()
                .find(|t| t.task_execution_id == current.record)
                .map(|t| std::mem::replace(&mut t.status, "Waiting".into()));
            if let Some(was) = was {
                tally(execution, total, Some(&was), "Waiting");
            }
        }
        self.log(
            state,
            format!("The task {} is waiting for approval.", current.task.name),
            Some(&current.record),
        );
    }

    fn skip(&mut self, state: &mut State, current: Current) {
        self.log(
            state,
            format!(
                "The task {} was skipped: its When does not hold.",
                current.task.name
            ),
            Some(&current.record),
        );
        self.settle(
            state,
            &current.record,
            "Skipped",
            "When does not hold",
            None,
        );
        self.then(Duration::ZERO, Step::StartTask(current.index + 1));
    }

    fn end(&mut self, state: &mut State, current: Current, outcome: Result<Outcome, Failure>) {
        if let Some(execution) = self.execution(state) {
            if execution.status == "Waiting" {
                execution.status = "Running".into();
            }
        }
        let result = outcome.and_then(|outcome| {
            let declared = self.declared_outputs(state, &current.task, &current.record, None);
            let outputs = actions::outputs(&declared, &outcome)?;
            Ok((outputs, outcome.goto))
        });
        match result {
            Ok((outputs, goto)) => self.complete(state, current, outputs, goto),
            Err(why) => self.fail(state, current, why),
        }
    }

    fn complete(
        &mut self,
        state: &mut State,
        current: Current,
        outputs: Value,
        goto: Option<String>,
    ) {
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
        let target = goto.or_else(|| current.task.text("OnSuccess").map(str::to_owned));
        match target {
            Some(target) => self.go(current.index, &target, "Success"),
            None => self.then(Duration::ZERO, Step::StartTask(current.index + 1)),
        }
    }

    fn fail(&mut self, state: &mut State, current: Current, why: Failure) {
        let name = &current.task.name;
        self.log(
            state,
            format!("The task {name} failed: {why}"),
            Some(&current.record),
        );
        self.settle(state, &current.record, "Failed", &why.to_string(), None);
        // A limit of the emulator ends the execution whatever `OnError` says: a test must
        // not pass on what the emulator could not do.
        let unsupported = why.is_unsupported();
        let why = why.reword(
            |why| format!("Task {name} failed: {why}"),
            |why| format!("{why}, in task {name}"),
        );
        match current.task.text("OnError").map(str::to_owned) {
            Some(target) if !unsupported && !target.eq_ignore_ascii_case(END) => {
                self.go(current.index, &target, "Failed")
            }
            _ => {
                let step = self.ending(why);
                self.then(Duration::ZERO, step);
            }
        }
    }

    /// The step that ends the execution `Failed` with `why`.
    fn ending(&mut self, why: Failure) -> Step {
        Step::Finish {
            status: "Failed",
            message: self.ended_by(why),
        }
    }

    /// The execution's message for `why`, which ends it; a limit of the emulator is kept for
    /// a parent that runs it as a child.
    fn ended_by(&mut self, why: Failure) -> String {
        let message = why.to_string();
        if why.is_unsupported() {
            self.limit = Some(why);
        }
        message
    }

    /// To the task `target` names: another task, the next, or the end (with `status`).
    fn go(&mut self, index: usize, target: &str, status: &'static str) {
        let step = if target.eq_ignore_ascii_case(END) {
            let message = if status == "Success" {
                "The execution completed successfully.".to_owned()
            } else {
                format!("The execution ended at {END} after a task failed.")
            };
            Step::Finish { status, message }
        } else if target.eq_ignore_ascii_case(NEXT) {
            Step::StartTask(index + 1)
        } else {
            match self.program.position(target) {
                Some(i) => Step::StartTask(i),
                None => Step::Finish {
                    status: "Failed",
                    message: format!("The template goes to task {target}, which it does not have."),
                },
            }
        };
        self.then(Duration::ZERO, step);
    }

    fn finish(&mut self, state: &mut State, status: &'static str, message: String) {
        let (status, message, outputs) = match (status, self.template_outputs(state)) {
            ("Success", Ok(outputs)) => (status, message, Some(outputs)),
            ("Success", Err(why)) => {
                let why = why.reword(
                    |why| format!("The outputs cannot be had: {why}"),
                    |why| format!("{why}, so the outputs cannot be had"),
                );
                ("Failed", self.ended_by(why), None)
            }
            _ => (status, message, None),
        };
        let at = self.stamp();
        let total = self.program.tasks.len();
        if let Some(execution) = self.execution(state) {
            execution.end(status, &message, &at);
            if let Some(outputs) = outputs {
                execution.outputs = outputs.to_string();
            }
            // `end` moved the unfinished tasks' count to the final status; `Total` is set
            // here too for an execution that ended before any task started.
            execution.count_total(total);
        }
        let done = if status == "Success" {
            "Execution succeeded."
        } else {
            "Execution failed."
        };
        self.log(state, done.to_owned(), None);
        self.step = Step::Done;
        firing::report(state, &self.execution_id);
    }

    fn template_outputs(&self, state: &State) -> Result<Value, Failure> {
        let mut outputs = Map::new();
        for (name, declaration) in &self.program.outputs {
            let value = declaration
                .get("Value")
                .ok_or_else(|| format!("output {name} has no Value"))?;
            // The template's outputs may read tasks a branch left out: those read empty.
            let value = self
                .evaluate_with(state, &self.parameters, TaskScope::default(), true, value)
                .map_err(|why| why.within(&format!("output {name}")))?;
            outputs.insert(name.clone(), actions::typed(declaration, value));
        }
        Ok(Value::Object(outputs))
    }
}

/// `{{ oos:name }}` and `{{ oos-secret:name }}`: a parameter's current value, a secret's
/// opened.
fn parameter_store(state: &State, reference: &str) -> Option<Value> {
    use crate::data::parameter::Store;
    let (store, name) = match reference.split_once(':')? {
        ("oos", name) => (Store::Common, name),
        ("oos-secret", name) => (Store::Secret, name),
        _ => return None,
    };
    let parameter = state.data.parameters(store).get(name)?;
    let version = parameter.current()?;
    Some(
        parameter
            .shown_value(version, store, &state.vault, true)
            .into(),
    )
}
