//! Trigger executions, as OOS runs them: a task whose action is a trigger
//! ([`Trigger`]) keeps its execution `Running` and, at each firing, starts a child execution
//! of the tasks after it, with the execution's parameters and the trigger task's `Outputs`
//! selected from the event. A timer fires on the emulator's clock until its next firing
//! would fall after its `EndDate` (then the execution succeeds) or until the execution is
//! cancelled; an event or alarm trigger
//! fires at each event a test delivers ([`deliver`]: `POST /_emulator/events`,
//! `RunningEmulator::send_event`, or the `TriggerExecution` API action). Each child that
//! ends reports to its parent's `LastTrigger*` fields.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::actions::triggers::{EventKind, Trigger};
use super::actions::{self, Outcome};
use super::program::Program;
use super::{Current, Run, Step, STEP};
use crate::data::model::Execution;
use crate::eval::{Builtins, Failure};
use crate::state::State;
use crate::template::END;

/// A trigger task waiting for its next firing.
#[derive(Debug)]
pub(super) struct Armed {
    trigger: Trigger,
    /// Emulated time since the execution's start at which the trigger was armed: a rate
    /// counts its periods from there.
    since: Duration,
}

impl Armed {
    /// Whether the run waits for an event rather than for the clock.
    pub fn awaits_event(&self) -> bool {
        matches!(self.trigger, Trigger::Event { .. })
    }
}

/// What fires a trigger from outside the run: an event or alarm, or `TriggerExecution` with
/// `Type=Timer` (a timer's extra firing, its schedule unchanged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Firing {
    Timer,
    Event(EventKind),
}

impl Firing {
    /// `TriggerExecution`'s `Type`: `Event`, `Alarm` or `Timer`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("Timer") {
            Some(Self::Timer)
        } else {
            EventKind::parse(text).map(Self::Event)
        }
    }
}

/// The categories of executions that triggers run.
const CATEGORIES: &[&str] = &["TimerTrigger", "EventTrigger", "AlarmTrigger"];

impl Run {
    /// The task `current` is a trigger: the run waits for its first firing.
    pub(super) fn arm(&mut self, state: &mut State, current: Current) {
        let properties = self
            .evaluate(
                state,
                &current.task.properties(),
                &current.task,
                &current.record,
                None,
            )
            .and_then(|p| {
                Trigger::read(current.task.builtin.unwrap_or_default(), &p).map_err(Failure::from)
            });
        let trigger = match properties {
            Ok(trigger) => trigger,
            Err(why) => return self.then(STEP, Step::End(current, Err(why))),
        };
        let category = trigger.category();
        if let Some(execution) = self.execution(state) {
            category.clone_into(&mut execution.category);
        }
        self.log(
            state,
            format!("The task {} is waiting for its trigger.", current.task.name),
            Some(&current.record),
        );
        let armed = Armed {
            trigger,
            since: self.at,
        };
        if armed.awaits_event() {
            self.step = Step::Armed(current, armed);
        } else {
            self.schedule(state, current, armed);
        }
    }

    /// A timer's firing came due: a child starts, and the timer waits for the next.
    pub(super) fn fire_timer(&mut self, state: &mut State, current: Current, armed: Armed) {
        // Why a child could not start is kept as the last trigger's status, and logged.
        let _ = self.fire(state, &current, json!({}), true);
        self.schedule(state, current, armed);
    }

    /// Waits for the timer's next firing; when it fires no more, the trigger task and the
    /// execution succeed.
    fn schedule(&mut self, state: &mut State, current: Current, armed: Armed) {
        let Trigger::Timer(timer) = &armed.trigger else {
            self.step = Step::Armed(current, armed);
            return;
        };
        let now = self.moment(self.at);
        match timer.next_after(self.moment(armed.since), now) {
            Ok(Some(next)) => {
                let wait = Duration::try_from(next - now).unwrap_or(Duration::ZERO);
                let at = self.stamp_at(self.at.saturating_add(wait));
                if let Some(execution) = self.execution(state) {
                    execution.next_schedule_time = at;
                }
                self.then(wait, Step::Armed(current, armed));
            }
            Ok(None) => {
                if let Some(execution) = self.execution(state) {
                    execution.next_schedule_time.clear();
                }
                self.log(
                    state,
                    format!(
                        "The timer of task {} fires no more: its EndDate has passed.",
                        current.task.name
                    ),
                    Some(&current.record),
                );
                self.complete(state, current, json!({}), Some(END.to_owned()));
            }
            Err(why) => self.then(Duration::ZERO, Step::End(current, Err(why.into()))),
        }
    }

    /// Starts a child execution for one firing of the trigger: the trigger task's `Outputs`
    /// are selected from `event` (`lenient` when the emulator made the event up). Answers the
    /// child's id, or why it could not start (also kept as the last trigger's status).
    fn fire(
        &self,
        state: &mut State,
        current: &Current,
        event: Value,
        lenient: bool,
    ) -> Result<String, Failure> {
        let declared = self.declared_outputs(state, &current.task, &current.record, None);
        let outcome = Outcome {
            lenient,
            ..Outcome::answer(event)
        };
        let started = actions::outputs(&declared, &outcome)
            .and_then(|outputs| self.spawn(state, current, outputs).map_err(Failure::from));
        let name = &current.task.name;
        match &started {
            Ok(child) => self.log(
                state,
                format!("The trigger of task {name} fired: child execution {child} started."),
                Some(&current.record),
            ),
            Err(why) => {
                let at = self.stamp();
                if let Some(execution) = self.execution(state) {
                    execution.last_trigger_time.clone_from(&at);
                    execution.last_trigger_status = "Failed".into();
                    execution.last_trigger_status_message = why.to_string();
                }
                self.log(
                    state,
                    format!("The trigger of task {name} fired, but no child started: {why}"),
                    Some(&current.record),
                );
            }
        }
        started
    }

    /// A child execution of the tasks after `current`, which starts at once on the clock.
    fn spawn(
        &self,
        state: &mut State,
        current: &Current,
        outputs: Value,
    ) -> Result<String, String> {
        let at = self.stamp();
        let parent = self.execution(state).ok_or("the execution is gone")?;
        parent.last_trigger_time.clone_from(&at);
        let child = Execution {
            logs: vec![json!({"Timestamp": at, "Message": "Execution started."})],
            status: "Running".into(),
            account_id: parent.account_id.clone(),
            executed_by: parent.executed_by.clone(),
            description: parent.description.clone(),
            mode: parent.mode.clone(),
            loop_mode: parent.loop_mode.clone(),
            safety_check: parent.safety_check.clone(),
            parameters: parent.parameters.clone(),
            ram_role: parent.ram_role.clone(),
            resource_group_id: parent.resource_group_id.clone(),
            tags: parent.tags.clone(),
            template_id: parent.template_id.clone(),
            template_name: parent.template_name.clone(),
            template_version: parent.template_version.clone(),
            template_content: parent.template_content.clone(),
            region_id: self.builtins.region_id.clone(),
            parent_execution_id: self.execution_id.clone(),
            create_date: at.clone(),
            start_date: at.clone(),
            update_date: at,
            ..Execution::default()
        };
        let id = crate::actions::admit_execution(state, child).map_err(|e| e.message)?;
        // The child runs what follows the trigger, from the program already read: nothing
        // is parsed again at a firing.
        let program = Program {
            parameters: self.program.parameters.clone(),
            tasks: self.program.tasks[current.index + 1..].to_vec(),
            outputs: self.program.outputs.clone(),
        };
        let run = Run {
            execution_id: id.clone(),
            access_key_id: self.access_key_id.clone(),
            program,
            parameters: self.parameters.clone(),
            builtins: Builtins {
                execution_id: id.clone(),
                parent_execution_id: self.execution_id.clone(),
                ..self.builtins.clone()
            },
            depth: self.depth + 1,
            started_wall: self.moment(self.at),
            started_at: self.started_at.saturating_add(self.at),
            at: Duration::ZERO,
            step: Step::StartTask(0),
            outputs: Map::from_iter([(current.task.name.clone(), outputs)]),
            limit: None,
        };
        super::schedule(state, run);
        Ok(id)
    }
}

/// Fires the runs that `firing` is for: `execution_id`'s alone when given (an error, that
/// follows "cannot be triggered:", when it has no such trigger waiting), else every run whose event trigger matches `event`. `event`
/// is what the trigger tasks' `Outputs` select from; without one, each trigger gets an event
/// made from its own properties. Answers the (execution, child execution) pairs started.
pub(crate) fn deliver(
    state: &mut State,
    firing: Firing,
    execution_id: Option<&str>,
    event: Option<&Value>,
) -> Result<Vec<(String, String)>, String> {
    super::advance(state);
    let targets: Vec<String> = match execution_id {
        Some(id) => {
            let run = state.runs.get(id);
            let Some(Step::Armed(_, armed)) = run.map(|r| &r.step) else {
                return Err("it has no trigger waiting to fire".into());
            };
            let fits = match (firing, &armed.trigger) {
                (Firing::Timer, Trigger::Timer(_)) => true,
                (Firing::Event(kind), Trigger::Event { kind: mine, .. }) => kind == *mine,
                _ => false,
            };
            if !fits {
                return Err(format!("it waits for its {}", armed.trigger.category()));
            }
            vec![id.to_owned()]
        }
        None => {
            let Firing::Event(kind) = firing else {
                return Err("a timer fires only for the execution named".into());
            };
            let any = json!({});
            let event = event.unwrap_or(&any);
            state
                .runs
                .iter()
                .filter(|(_, run)| {
                    matches!(&run.step, Step::Armed(_, armed) if armed.trigger.matches(kind, event))
                })
                .map(|(id, _)| id.clone())
                .collect()
        }
    };
    let mut started = Vec::new();
    for id in targets {
        let Some(mut run) = state.runs.remove(&id) else {
            continue;
        };
        // The firing happens now on the run's clock, or where the run has come to.
        let now = state.clock.now().saturating_sub(run.started_at).max(run.at);
        if let Step::Armed(current, armed) = std::mem::replace(&mut run.step, Step::Done) {
            let at = std::mem::replace(&mut run.at, now);
            let (event, lenient) = match event {
                Some(event) => (event.clone(), false),
                None => (armed.trigger.default_event(), true),
            };
            let child = run.fire(state, &current, event, lenient);
            // A timer keeps its schedule; an event trigger waits from now on.
            if !armed.awaits_event() {
                run.at = at;
            }
            run.step = Step::Armed(current, armed);
            if let Ok(child) = child {
                started.push((id.clone(), child));
            }
        }
        state.runs.insert(id, run);
    }
    Ok(started)
}

/// A child execution ended: its trigger parent keeps its status as the last trigger's.
pub(super) fn report(state: &mut State, child_id: &str) {
    let Some(child) = state.data.execution(child_id) else {
        return;
    };
    // Only a trigger's child is reported: an `ACS::Template` child's status and outputs are
    // not copied for nothing.
    let triggered = !child.parent_execution_id.is_empty()
        && state
            .data
            .execution(&child.parent_execution_id)
            .is_some_and(|parent| CATEGORIES.contains(&parent.category.as_str()));
    if !triggered {
        return;
    }
    let (parent_id, status, message, outputs, end) = (
        child.parent_execution_id.clone(),
        child.status.clone(),
        child.status_message.clone(),
        child.outputs.clone(),
        child.end_date.clone(),
    );
    let Some(parent) = state.data.execution_mut(&parent_id) else {
        return;
    };
    if status == "Success" {
        parent.last_successful_trigger_time = end;
    }
    parent.last_trigger_status = status;
    parent.last_trigger_status_message = message;
    parent.last_trigger_outputs = outputs;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{deliver, Firing};
    use crate::actions::MAX_EXECUTIONS;
    use crate::data::Data;
    use crate::engine::actions::triggers::EventKind;
    use crate::state::State;

    /// A firing that finds the emulator full fails as `StartExecution` would, with its
    /// message, kept as the last trigger's.
    #[test]
    fn a_firing_past_the_limit_is_refused_with_start_executions_message() {
        let content = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
            {"Name": "wait", "Action": "ACS::EventTrigger", "Properties": {"Product": "ECS"}},
            {"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "1s"}}]})
        .to_string();
        let mut data = Data::new();
        for i in 0..MAX_EXECUTIONS - 2 {
            data = data.with_execution(format!("exec-{i}"), Vec::new());
        }
        let mut state = State::new(data);
        let start = |state: &mut State| {
            crate::actions::call(state, "StartExecution", &[("TemplateContent", &content)])
                .map(|a| a["Execution"]["ExecutionId"].as_str().unwrap().to_owned())
        };
        let id = start(&mut state).unwrap();
        let event = Firing::Event(EventKind::Event);
        // One place is left: the first firing takes it, the second finds none.
        assert_eq!(
            deliver(&mut state, event, Some(&id), None).unwrap().len(),
            1
        );
        assert!(deliver(&mut state, event, Some(&id), None)
            .unwrap()
            .is_empty());
        let refused = start(&mut state).unwrap_err();
        let parent = state.data.execution(&id).unwrap();
        assert_eq!(parent.last_trigger_status, "Failed");
        assert_eq!(parent.last_trigger_status_message, refused.message);
        assert_eq!(
            refused.message,
            format!("The emulator keeps at most {MAX_EXECUTIONS} executions; delete some first.")
        );
    }
}
