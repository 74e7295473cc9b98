//! Trigger executions on the emulator's clock, with templates of the project's own: a timer
//! keeps its execution running and starts a child execution of the tasks after it at each
//! firing, until its EndDate or until cancelled; event and alarm triggers start one at each
//! event a test delivers (`POST /_emulator/events`, `RunningEmulator::send_event`,
//! `TriggerExecution`).

use std::time::Duration;

use crate::common::{
    call, execution, finished, ok, post_admin, recount, seconds_between, start_content, timestamp,
};
use oos_emulator::{Emulator, RunningEmulator};
use serde_json::{json, Value};

/// Emulated seconds per real second: an hour takes 0.36 s.
const FAST: f64 = 10_000.0;

async fn emulator() -> RunningEmulator {
    Emulator::builder().clock_speed(FAST).start().await.unwrap()
}

/// The child executions of `id`, oldest first.
async fn children(emulator: &RunningEmulator, id: &str) -> Vec<Value> {
    let listed = ok(
        emulator,
        "ListExecutions",
        &[
            ("ParentExecutionId", id),
            ("SortField", "StartDate"),
            ("SortOrder", "Ascending"),
            ("MaxResults", "100"),
        ],
    )
    .await;
    listed["Executions"].as_array().unwrap().clone()
}

/// Waits until `id` has at least `n` children; they, oldest first.
async fn at_least(emulator: &RunningEmulator, id: &str, n: usize) -> Vec<Value> {
    for _ in 0..500 {
        let found = children(emulator, id).await;
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{id} never had {n} children: {}",
        execution(emulator, id).await
    );
}

fn outputs(execution: &Value) -> Value {
    serde_json::from_str(execution["Outputs"].as_str().unwrap_or("{}")).unwrap()
}

const TIMER: &str = "FormatVersion: OOS-2019-06-01
Parameters:
  expression: {Type: String}
  kind: {Type: String, Default: rate}
  end: {Type: String, Default: ''}
  greeting: {Type: String, Default: hello}
Tasks:
  - Name: timer
    Action: ACS::TimerTrigger
    Properties: {Type: '{{ kind }}', Expression: '{{ expression }}', EndDate: '{{ end }}'}
  - Name: nap
    Action: ACS::Sleep
    Properties: {Duration: PT1M}
  - Name: say
    Action: ACS::ExecuteAPI
    Properties: {Service: ECS, API: DescribeRegions, Parameters: {Note: '{{ greeting }}'}}
Outputs:
  said: {Type: String, Value: '{{ greeting }}'}
";

#[tokio::test]
async fn a_timer_starts_a_child_at_each_firing_until_its_end_date() {
    let emulator = emulator().await;
    // Three firings fit before the end: one, two and three hours after the start.
    let end = timestamp(3 * 3600 + 1800);
    let id = start_content(
        &emulator,
        TIMER,
        json!({"expression": "1 hour", "end": end, "greeting": "hi"}),
    )
    .await;
    let running = execution(&emulator, &id).await;
    assert_eq!(running["Status"], "Running", "{running}");
    assert_eq!(running["Category"], "TimerTrigger");
    assert!(running["NextScheduleTime"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    // It ends at its last firing, when the next would fall after the EndDate.
    let lasted = seconds_between(&done["StartDate"], &done["EndDate"]);
    assert!((3 * 3600..3 * 3600 + 1800).contains(&lasted), "{done}");
    let kids = children(&emulator, &id).await;
    assert_eq!(kids.len(), 3, "{kids:?}");
    for (i, kid) in kids.iter().enumerate() {
        let kid = finished(&emulator, kid["ExecutionId"].as_str().unwrap()).await;
        assert_eq!(kid["Status"], "Success", "{kid}");
        assert_eq!(kid["ParentExecutionId"], id.as_str());
        assert_eq!(outputs(&kid), json!({"said": "hi"}));
        // Each started an hour after the one before, on the emulator's clock.
        let since = seconds_between(&done["StartDate"], &kid["StartDate"]);
        assert_eq!(since, 3600 * (i as i64 + 1), "{kid}");
    }
    let done = execution(&emulator, &id).await;
    assert_eq!(done["IsParent"], true);
    assert_eq!(done["LastTriggerStatus"], "Success", "{done}");
    assert_eq!(
        serde_json::from_str::<Value>(done["LastTriggerOutputs"].as_str().unwrap()).unwrap(),
        json!({"said": "hi"})
    );
    // The children ran the tasks after the trigger, not the trigger.
    let kid = kids[0]["ExecutionId"].as_str().unwrap();
    let tasks = ok(&emulator, "ListTaskExecutions", &[("ExecutionId", kid)]).await;
    let mut names: Vec<&str> = tasks["TaskExecutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["TaskName"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["nap", "say"]);
}

#[tokio::test]
async fn a_cron_timer_runs_until_cancelled() {
    let emulator = emulator().await;
    let id = start_content(
        &emulator,
        TIMER,
        json!({"kind": "cron", "expression": "0 */10 * * * ?"}),
    )
    .await;
    at_least(&emulator, &id, 3).await;
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", &id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let count = children(&emulator, &id).await.len();
    // Another emulated hour passes: a cancelled timer fires no more.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(children(&emulator, &id).await.len(), count);
    let kids = children(&emulator, &id).await;
    let gap = seconds_between(&kids[0]["StartDate"], &kids[1]["StartDate"]);
    assert_eq!(gap, 600, "{kids:?}");
    assert_eq!(execution(&emulator, &id).await["Status"], "Cancelled");
}

#[tokio::test]
async fn a_timer_that_cannot_be_read_fails_its_execution_with_why() {
    let emulator = emulator().await;
    let id = start_content(
        &emulator,
        TIMER,
        json!({"kind": "cron", "expression": "not a cron"}),
    )
    .await;
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Failed");
    assert!(
        done["StatusMessage"]
            .as_str()
            .unwrap()
            .contains("is not a cron expression"),
        "{done}"
    );
}

const EVENT: &str = "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: eventTrigger
    Action: ACS::EventTrigger
    Properties:
      Product: ECS
      Name: ['Instance:StateChange']
      Level: [INFO]
      Content: {state: [Stopped]}
    Outputs:
      instanceId: {Type: String, ValueSelector: .content.resourceId}
  - Name: start
    Action: ACS::ExecuteAPI
    Properties: {Service: ECS, API: StartInstance, Parameters: {InstanceId: '{{ eventTrigger.instanceId }}'}}
Outputs:
  instanceId: {Type: String, Value: '{{ eventTrigger.instanceId }}'}
";

async fn post_event(emulator: &RunningEmulator, body: Value) -> (u16, Value) {
    post_admin(emulator, "events", body).await
}

fn stopped(instance: &str) -> Value {
    json!({"product": "ECS", "name": "Instance:StateChange", "level": "INFO",
        "content": {"resourceId": instance, "state": "Stopped"}})
}

#[tokio::test]
async fn an_event_trigger_starts_a_child_at_each_event_it_matches() {
    let emulator = emulator().await;
    let id = start_content(&emulator, EVENT, json!({})).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let waiting = execution(&emulator, &id).await;
    assert_eq!(waiting["Status"], "Running", "{waiting}");
    assert_eq!(waiting["Category"], "EventTrigger");
    assert!(children(&emulator, &id).await.is_empty());

    // An event of another name, or an alarm, fires nothing.
    let other =
        json!({"Content": {"product": "ECS", "name": "Instance:PreemptibleInstanceInterruption"}});
    assert_eq!(
        post_event(&emulator, other).await,
        (200, json!({"Started": []}))
    );
    let alarm = json!({"Type": "Alarm", "Content": stopped("i-0")});
    assert_eq!(
        post_event(&emulator, alarm).await,
        (200, json!({"Started": []}))
    );

    let (status, body) = post_event(&emulator, json!({"Content": stopped("i-1")})).await;
    assert_eq!(status, 200, "{body}");
    let started = &body["Started"][0];
    assert_eq!(started["ExecutionId"], id.as_str());
    let first = finished(&emulator, started["ChildExecutionId"].as_str().unwrap()).await;
    assert_eq!(first["Status"], "Success", "{first}");
    assert_eq!(outputs(&first), json!({"instanceId": "i-1"}));

    // From Rust, and through the API as OOS documents it.
    let from_rust = emulator.send_event("Event", stopped("i-2")).unwrap();
    assert_eq!(from_rust.len(), 1);
    let content = stopped("i-3").to_string();
    let triggered = call(
        &emulator,
        "TriggerExecution",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ExecutionId", &id),
            ("Type", "Event"),
            ("Content", &content),
        ],
    )
    .await;
    assert_eq!(triggered.status, 200, "{}", triggered.text);
    let kids = at_least(&emulator, &id, 3).await;
    let mut started: Vec<Value> = Vec::new();
    for kid in &kids {
        let kid = finished(&emulator, kid["ExecutionId"].as_str().unwrap()).await;
        started.push(outputs(&kid)["instanceId"].clone());
    }
    started.sort_by_key(|v| v.to_string());
    assert_eq!(started, [json!("i-1"), json!("i-2"), json!("i-3")]);
    let calls = emulator.cloud_calls();
    let instances: Vec<&Value> = calls
        .iter()
        .filter(|c| c["Action"] == "StartInstance")
        .map(|c| &c["Parameters"]["InstanceId"])
        .collect();
    assert_eq!(instances.len(), 3, "{calls:?}");

    // The execution keeps waiting for events until cancelled.
    let parent = execution(&emulator, &id).await;
    assert_eq!(parent["Status"], "Running");
    assert_eq!(parent["LastTriggerStatus"], "Success", "{parent}");
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", &id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let after = json!({"Content": stopped("i-4")});
    assert_eq!(
        post_event(&emulator, after).await,
        (200, json!({"Started": []}))
    );
    let refused = call(
        &emulator,
        "TriggerExecution",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ExecutionId", &id),
            ("Type", "Event"),
        ],
    )
    .await;
    refused.assert_error(400, "InvalidStatus.Execution");
    assert!(
        refused.message().contains("is Cancelled"),
        "{}",
        refused.text
    );
    assert_eq!(children(&emulator, &id).await.len(), 3);
}

#[tokio::test]
async fn trigger_execution_fires_only_the_trigger_an_execution_waits_for() {
    let emulator = emulator().await;
    let alarm = EVENT.replace("ACS::EventTrigger", "ACS::AlarmTrigger");
    let id = start_content(&emulator, &alarm, json!({})).await;
    let trigger = |kind: &'static str, id: String| {
        let emulator = &emulator;
        async move {
            call(
                emulator,
                "TriggerExecution",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("ExecutionId", &id),
                    ("Type", kind),
                ],
            )
            .await
        }
    };
    for (kind, target, status, code, says) in [
        (
            "Event",
            id.clone(),
            400,
            "InvalidStatus.Execution",
            "is Running and cannot be triggered with Type Event: it waits for its AlarmTrigger",
        ),
        (
            "Timer",
            id.clone(),
            400,
            "InvalidStatus.Execution",
            "waits for its AlarmTrigger",
        ),
        (
            "Sometimes",
            id.clone(),
            400,
            "InvalidParameter",
            "must be Event, Alarm or Timer",
        ),
        (
            "Alarm",
            "exec-nope".to_owned(),
            404,
            "EntityNotExists.Execution",
            "exec-nope",
        ),
    ] {
        let refused = trigger(kind, target).await;
        refused.assert_error(status, code);
        assert!(refused.message().contains(says), "{kind}: {}", refused.text);
    }
    // Without Content, the alarm is made from the trigger's own properties.
    let fired = trigger("Alarm", id.clone()).await;
    assert_eq!(fired.status, 200, "{}", fired.text);
    let kids = at_least(&emulator, &id, 1).await;
    let kid = finished(&emulator, kids[0]["ExecutionId"].as_str().unwrap()).await;
    assert_eq!(kid["Status"], "Success", "{kid}");
    // A timer fires once more on demand, its schedule unchanged.
    let timer = start_content(
        &emulator,
        TIMER,
        json!({"kind": "cron", "expression": "0 0 0 1 1 ? 2099"}),
    )
    .await;
    let fired = trigger("Timer", timer.clone()).await;
    assert_eq!(fired.status, 200, "{}", fired.text);
    assert_eq!(at_least(&emulator, &timer, 1).await.len(), 1);
    assert_eq!(execution(&emulator, &timer).await["Status"], "Running");
}

/// The `TotalExecutionCount` of `name`, as ListTemplates gives it (GetTemplate does not
/// document one).
async fn total_execution_count(emulator: &RunningEmulator, name: &str) -> Value {
    let listed = ok(emulator, "ListTemplates", &[("TemplateName", name)]).await;
    listed["Templates"][0]["TotalExecutionCount"].clone()
}

#[tokio::test]
async fn each_firing_is_a_run_of_the_template_and_counts_in_its_total_execution_count() {
    let emulator = emulator().await;
    ok(
        &emulator,
        "CreateTemplate",
        &[("TemplateName", "hourly"), ("Content", TIMER)],
    )
    .await;
    assert_eq!(total_execution_count(&emulator, "hourly").await, 0);
    let parameters = json!({"expression": "1 hour", "end": timestamp(2 * 3600 + 1800)});
    let started = ok(
        &emulator,
        "StartExecution",
        &[
            ("TemplateName", "hourly"),
            ("Parameters", &parameters.to_string()),
        ],
    )
    .await;
    let id = started["Execution"]["ExecutionId"].as_str().unwrap();
    let done = finished(&emulator, id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let kids = children(&emulator, id).await;
    assert_eq!(kids.len(), 2, "{kids:?}");
    // The trigger's own execution and its two children: three runs of the template, as
    // StartExecution counts each execution it makes.
    assert_eq!(total_execution_count(&emulator, "hourly").await, 3);
}

#[tokio::test]
async fn an_event_trigger_deleted_or_completed_while_waiting_fires_no_more() {
    let emulator = emulator().await;
    let deleted = start_content(&emulator, EVENT, json!({})).await;
    let completed = start_content(&emulator, EVENT, json!({})).await;
    let live = emulator.live_runs();
    assert!(
        live.contains(&deleted) && live.contains(&completed),
        "{live:?}"
    );
    let removed = call(
        &emulator,
        "DeleteExecutions",
        &[
            ("ExecutionIds", &json!([deleted]).to_string()),
            ("Force", "true"),
        ],
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    let notified = call(
        &emulator,
        "NotifyExecution",
        &[
            ("ExecutionId", &completed),
            ("NotifyType", "CompleteExecution"),
        ],
    )
    .await;
    assert_eq!(notified.status, 200, "{}", notified.text);
    assert_eq!(execution(&emulator, &completed).await["Status"], "Success");
    assert_eq!(
        post_event(&emulator, json!({"Content": stopped("i-1")})).await,
        (200, json!({"Started": []}))
    );
    assert!(children(&emulator, &completed).await.is_empty());
    // The deleted execution's run went with it: an event for a run whose execution is gone
    // starts no child, so only the engine's runs show whether it was stopped.
    let live = emulator.live_runs();
    assert!(
        !live.contains(&deleted) && !live.contains(&completed),
        "runs left behind: {live:?} (deleted {deleted}, completed {completed})"
    );
}

/// The counters of `id`'s top-level task executions by status, recounted from what
/// `ListTaskExecutions` lists, with `Total` the template's number of tasks.
async fn recounted(emulator: &RunningEmulator, id: &str, total: usize) -> Value {
    let listed = ok(
        emulator,
        "ListTaskExecutions",
        &[("ExecutionId", id), ("MaxResults", "100")],
    )
    .await;
    recount(listed["TaskExecutions"].as_array().unwrap(), total)
}

/// A trigger execution (and any other) that ends from outside its run while its tasks are in
/// several states: its counters stay those of the task executions listed, loop items apart.
#[tokio::test]
async fn an_execution_ended_from_outside_counts_its_tasks_as_they_are_listed() {
    let emulator = emulator().await;
    let mixed = "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: broken
    Action: ACS::Sleep
    OnError: ACS::NEXT
    Properties: {Duration: never}
  - Name: naps
    Action: ACS::Sleep
    Loop: {Items: [PT1M, PT2M]}
    Properties: {Duration: '{{ ACS::TaskLoopItem }}'}
  - Name: ask
    Action: ACS::Approve
  - Name: after
    Action: ACS::Sleep
    Properties: {Duration: PT1M}
";
    let id = start_content(&emulator, mixed, json!({})).await;
    let mut waiting = execution(&emulator, &id).await;
    for _ in 0..500 {
        if waiting["Status"] == "Waiting" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        waiting = execution(&emulator, &id).await;
    }
    assert_eq!(waiting["Status"], "Waiting", "{waiting}");
    assert_eq!(waiting["Counters"], recounted(&emulator, &id, 4).await);
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", &id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let done = execution(&emulator, &id).await;
    assert_eq!(
        done["Counters"],
        json!({"Total": 4, "Failed": 1, "Success": 1, "Cancelled": 1})
    );
    assert_eq!(done["Counters"], recounted(&emulator, &id, 4).await);

    // A trigger parent rejected after a firing: its trigger task ends with it.
    let parent = start_content(&emulator, EVENT, json!({})).await;
    let (status, _) = post_event(&emulator, json!({"Content": stopped("i-1")})).await;
    assert_eq!(status, 200);
    let rejected = call(
        &emulator,
        "NotifyExecution",
        &[("ExecutionId", &parent), ("NotifyType", "Reject")],
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let done = execution(&emulator, &parent).await;
    assert_eq!(done["Status"], "Failed", "{done}");
    assert_eq!(done["Counters"], json!({"Total": 2, "Failed": 1}));
    assert_eq!(done["Counters"], recounted(&emulator, &parent, 2).await);
}
