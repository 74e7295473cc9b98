//! Started executions run: their tasks on the emulator's clock, their logs in task order,
//! their task executions alongside, and how they end (`Success`, `Failed`, `Cancelled`).

use std::time::Duration;

use crate::common::{all_pages, call, execution, field, finished};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Emulated seconds per real second: a one-minute sleep takes 6 ms.
const FAST: f64 = 10_000.0;

async fn emulator(templates: &[(&str, Value)], speed: f64) -> RunningEmulator {
    let mut data = Data::new();
    for (name, content) in templates {
        data = data.with_template(*name, content.to_string());
    }
    Emulator::builder()
        .data(data)
        .clock_speed(speed)
        .start()
        .await
        .unwrap()
}

async fn start(emulator: &RunningEmulator, params: &[(&str, &str)]) -> String {
    let answer = call(emulator, "StartExecution", params).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["Execution"]["ExecutionId"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn logs(emulator: &RunningEmulator, id: &str) -> Vec<Value> {
    all_pages(
        emulator,
        "ListExecutionLogs",
        "ExecutionLogs",
        &[("ExecutionId", id)],
        "100",
    )
    .await
    .0
}

fn messages(logs: &[Value]) -> Vec<String> {
    field(logs, "Message")
}

async fn tasks(emulator: &RunningEmulator, id: &str) -> Vec<Value> {
    let params = [("ExecutionId", id), ("SortOrder", "Ascending")];
    all_pages(
        emulator,
        "ListTaskExecutions",
        "TaskExecutions",
        &params,
        "100",
    )
    .await
    .0
}

fn date(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(value.as_str().unwrap(), &Rfc3339).unwrap()
}

fn sleeps() -> Value {
    json!({
        "FormatVersion": "OOS-2019-06-01",
        "Parameters": {"pause": {"Type": "String", "Default": "PT1M"}},
        "Tasks": [
            {"Name": "first", "Action": "ACS::Sleep", "Properties": {"Duration": "{{ pause }}"}},
            {"Name": "second", "Action": "ACS::Sleep", "Properties": {"Duration": "PT2H"}},
        ],
        "Outputs": {"ran": {"Type": "String", "Value": "{{ ACS::ExecutionId }}"}},
    })
}

#[tokio::test]
async fn sleeps_run_on_the_clock_from_running_to_success() {
    let emulator = emulator(&[("sleeps", sleeps())], FAST).await;
    let id = start(&emulator, &[("TemplateName", "sleeps")]).await;
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(done["Counters"], json!({"Total": 2, "Success": 2}));
    assert_eq!(done["CurrentTasks"], json!([]));
    assert_eq!(done["Outputs"], json!({"ran": id}).to_string());
    // The emulated durations show in the dates: one minute, then two hours.
    let elapsed = date(&done["EndDate"]) - date(&done["StartDate"]);
    assert_eq!(elapsed.whole_seconds(), 60 + 2 * 3600);

    let logs = logs(&emulator, &id).await;
    assert_eq!(
        messages(&logs),
        [
            "Execution started.",
            "The task first started.",
            "The task first output: {}",
            "The task first completed.",
            "The task second started.",
            "The task second output: {}",
            "The task second completed.",
            "Execution succeeded.",
        ]
    );
    let stamps: Vec<OffsetDateTime> = logs.iter().map(|l| date(&l["Timestamp"])).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "in time order");
    assert_eq!((stamps[2] - stamps[1]).whole_seconds(), 60);
    assert_eq!(logs[1]["TaskExecutionId"], format!("{id}.t0001"));
    assert_eq!(logs[4]["TaskExecutionId"], format!("{id}.t0002"));

    let tasks = tasks(&emulator, &id).await;
    assert_eq!(field(&tasks, "TaskName"), ["first", "second"]);
    assert_eq!(field(&tasks, "Status"), ["Success", "Success"]);
    assert_eq!(
        (date(&tasks[1]["EndDate"]) - date(&tasks[1]["StartDate"])).whole_seconds(),
        7200
    );
    // The execution, its task executions and its logs read one clock.
    assert_eq!(logs[1]["Timestamp"], done["StartDate"]);
    assert_eq!(tasks[0]["StartDate"], done["StartDate"]);
    assert_eq!(tasks[1]["EndDate"], done["EndDate"]);
}

#[tokio::test]
async fn a_stopped_clock_keeps_the_first_task_until_it_moves() {
    let emulator = emulator(&[("sleeps", sleeps())], 0.0).await;
    assert_eq!(emulator.clock_speed(), 0.0);
    let id = start(&emulator, &[("TemplateName", "sleeps")]).await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    let still = execution(&emulator, &id).await;
    assert_eq!(still["Status"], "Running");
    assert_eq!(still["Counters"], json!({"Total": 2, "Running": 1}));
    assert_eq!(still["CurrentTasks"][0]["TaskName"], "first");
    assert_eq!(logs(&emulator, &id).await.len(), 2);

    assert!(emulator.set_clock_speed(-1.0).unwrap_err().contains("-1"));
    emulator.set_clock_speed(FAST).unwrap();
    assert_eq!(finished(&emulator, &id).await["Status"], "Success");
}

#[tokio::test]
async fn a_negative_speed_is_refused_at_start() {
    let error = Emulator::builder()
        .clock_speed(f64::NAN)
        .start()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("clock speed"), "{error}");
}

#[tokio::test]
async fn execute_api_reads_a_stored_parameter_and_check_for_holds_or_fails() {
    let template = |desired: &str| {
        json!({
            "FormatVersion": "OOS-2019-06-01",
            "Parameters": {"name": {"Type": "String"}},
            "Tasks": [
                {"Name": "read", "Action": "ACS::ExecuteAPI",
                 "Properties": {"Service": "OOS", "API": "GetParameter", "Parameters": {"Name": "{{ name }}"}},
                 "Outputs": {"value": {"Type": "String", "ValueSelector": ".Parameter.Value"}}},
                {"Name": "check", "Action": "ACS::CheckFor",
                 "Properties": {"Service": "OOS", "API": "GetParameter", "Parameters": {"Name": "{{ name }}"},
                                "PropertySelector": ".Parameter.Value", "DesiredValues": [desired]}},
            ],
            "Outputs": {"read": {"Type": "String", "Value": "{{ read.value }}"}},
        })
    };
    let emulator = emulator(
        &[("holds", template("ready")), ("fails", template("done"))],
        FAST,
    )
    .await;
    let created = call(
        &emulator,
        "CreateParameter",
        &[
            ("Name", "/app/state"),
            ("Value", "ready"),
            ("Type", "String"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let parameters = json!({"name": "/app/state"}).to_string();

    let id = start(
        &emulator,
        &[("TemplateName", "holds"), ("Parameters", &parameters)],
    )
    .await;
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(done["Outputs"], json!({"read": "ready"}).to_string());
    let said = messages(&logs(&emulator, &id).await);
    assert!(
        said[2].starts_with("api call: GetParameter request:{\"Name\":\"/app/state\"} response: {"),
        "{}",
        said[2]
    );
    assert!(said[2].contains("\"Value\":\"ready\""), "{}", said[2]);
    assert_eq!(said[3], "The task read output: {\"value\":\"ready\"}");
    let tasks = tasks(&emulator, &id).await;
    assert_eq!(tasks[0]["Outputs"], json!({"value": "ready"}).to_string());

    let id = start(
        &emulator,
        &[("TemplateName", "fails"), ("Parameters", &parameters)],
    )
    .await;
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Failed");
    assert_eq!(
        done["StatusMessage"],
        "Task check failed: the check did not hold: .Parameter.Value is `ready`, not one of done"
    );
    assert_eq!(
        done["Counters"],
        json!({"Total": 2, "Success": 1, "Failed": 1})
    );
    let said = messages(&logs(&emulator, &id).await);
    assert_eq!(
        said[said.len() - 2..],
        [
            "The task check failed: the check did not hold: .Parameter.Value is `ready`, not one of done",
            "Execution failed.",
        ]
    );

    // A parameter that is not there fails the call, and the message says so.
    let missing = json!({"name": "/app/none"}).to_string();
    let id = start(
        &emulator,
        &[("TemplateName", "holds"), ("Parameters", &missing)],
    )
    .await;
    let done = finished(&emulator, &id).await;
    assert_eq!(
        done["StatusMessage"],
        "Task read failed: GetParameter answered EntityNotExists.Parameter: The specific parameter /app/none does not exist."
    );
}

#[tokio::test]
async fn what_the_emulator_cannot_run_fails_with_the_reason() {
    let cases = [
        (json!({"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "soon"}}),
         "Task nap failed: Duration: `soon` is not a duration such as PT1M, 30s, 4m or 15"),
        (json!({"Name": "pkg", "Action": "ACS::ExecuteAPI", "Properties": {"Service": "ECS", "API": "X", "Parameters": {"P": {"Fn::FindMatchedPackage": ["a", "b"]}}}}),
         "Unsupported by the emulator: Fn::FindMatchedPackage (software packages are not modelled), in task pkg"),
        // In a loop too, however many items may fail.
        (json!({"Name": "ask", "Action": "ACS::Approve", "Loop": {"Items": ["a", "b"], "MaxErrors": 5}}),
         "Unsupported by the emulator: ACS::Approve in a loop (approvals are per execution), in task ask"),
    ];
    let emulator = emulator(&[], FAST).await;
    for (task, says) in cases {
        let content = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [task]}).to_string();
        let id = start(&emulator, &[("TemplateContent", &content)]).await;
        let done = finished(&emulator, &id).await;
        assert_eq!(
            (done["Status"].as_str(), done["StatusMessage"].as_str()),
            (Some("Failed"), Some(says))
        );
    }
    // What cannot run at all is refused before it starts.
    let refused = call(
        &emulator,
        "StartExecution",
        &[("TemplateContent", "{\"FormatVersion\": \"OOS-2019-06-01\"}")],
    )
    .await;
    refused.assert_error(400, "InvalidTemplate");
    assert!(
        refused.message().contains("the template has no Tasks"),
        "{}",
        refused.text
    );
}

/// The marker leads every message that reports the emulator's limit, so that a test can
/// tell it with `starts_with`: the task's, the execution's, and a parent's over a child's;
/// and neither `Retries`, a loop's `MaxErrors` nor `OnError` turns such a task into a
/// success or a retried call.
#[tokio::test]
async fn the_unsupported_marker_leads_the_message_whatever_the_task_allows() {
    const MARKER: &str = "Unsupported by the emulator:";
    let package = json!({"Fn::FindMatchedPackage": ["a", "b"]});
    let child = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "inner", "Action": "ACS::ExecuteAPI",
         "Properties": {"Service": "ECS", "API": "X", "Parameters": {"P": package}}}]});
    let emulator = emulator(&[("child", child)], FAST).await;
    let cases = [
        json!({"Name": "pkg", "Action": "ACS::ExecuteAPI", "Retries": 3, "OnError": "ACS::NEXT",
               "Properties": {"Service": "ECS", "API": "X", "Parameters": {"P": package}}}),
        json!({"Name": "pkg", "Action": "ACS::ExecuteAPI",
               "Loop": {"Items": ["a", "b"], "MaxErrors": "100%"},
               "Properties": {"Service": "ECS", "API": "X", "Parameters": {"P": package}}}),
        json!({"Name": "pkg", "Action": "ACS::Template", "OnError": "after",
               "Properties": {"TemplateName": "child"}}),
    ];
    for task in cases {
        let content = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
            task,
            {"Name": "after", "Action": "ACS::Sleep", "Properties": {"Duration": "1s"}},
        ]})
        .to_string();
        let id = start(&emulator, &[("TemplateContent", &content)]).await;
        let done = finished(&emulator, &id).await;
        let said = done["StatusMessage"].as_str().unwrap_or_default();
        assert_eq!(done["Status"], "Failed", "{content}: {said}");
        assert!(said.starts_with(MARKER), "{content}: {said}");
        assert!(said.contains("task pkg"), "{content}: {said}");
        let tasks = tasks(&emulator, &id).await;
        assert!(
            tasks.iter().all(|t| t["TaskName"] == "pkg"),
            "{content}: nothing runs after it: {tasks:?}"
        );
        for task in &tasks {
            let said = task["StatusMessage"].as_str().unwrap_or_default();
            assert!(said.starts_with(MARKER), "{content}: {said}");
        }
        let retried = messages(&logs(&emulator, &id).await)
            .into_iter()
            .filter(|m| m.contains("; retry "))
            .count();
        assert_eq!(retried, 0, "{content}");
    }

    // Wherever the limit is met: a task's When, its Loop, a Sleep's Duration, a Delay, a
    // parameter's Default, the template's Outputs.
    let nap = |extra: Value| {
        let mut task =
            json!({"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "1s"}});
        task.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        task
    };
    let templates = [
        json!({"Tasks": [nap(json!({"When": package}))]}),
        json!({"Tasks": [nap(json!({"Loop": {"Items": package}}))]}),
        json!({"Tasks": [nap(json!({"Properties": {"Duration": package}}))]}),
        json!({"Tasks": [nap(json!({"Retries": 1, "Delay": package, "Properties": {"Duration": "never"}}))]}),
        json!({"Parameters": {"p": {"Type": "String", "Default": package}}, "Tasks": [nap(json!({}))]}),
        // Met before another Default's failure of the template's own: the limit is the reason.
        json!({"Parameters": {
            "p": {"Type": "String", "Default": package},
            "q": {"Type": "String", "Default": "{{ nowhere }}"}}, "Tasks": [nap(json!({}))]}),
        json!({"Tasks": [nap(json!({}))], "Outputs": {"o": {"Type": "String", "Value": package}}}),
    ];
    for mut template in templates {
        template["FormatVersion"] = json!("OOS-2019-06-01");
        let content = template.to_string();
        let id = start(&emulator, &[("TemplateContent", &content)]).await;
        let done = finished(&emulator, &id).await;
        let said = done["StatusMessage"].as_str().unwrap_or_default();
        assert_eq!(done["Status"], "Failed", "{content}: {said}");
        assert!(said.starts_with(MARKER), "{content}: {said}");
    }
}

/// A template that starts itself as its child nests until the emulator's limit, and its
/// execution fails there with the marker; the emulator answers on.
#[tokio::test]
async fn a_template_that_starts_itself_stops_at_the_nesting_limit() {
    let again = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "again", "Action": "ACS::Template", "Properties": {"TemplateName": "again"}}]});
    let emulator = emulator(&[("again", again)], FAST).await;
    let id = start(&emulator, &[("TemplateName", "again")]).await;
    let done = finished(&emulator, &id).await;
    let said = done["StatusMessage"].as_str().unwrap_or_default();
    assert_eq!(done["Status"], "Failed", "{said}");
    assert!(
        said.starts_with("Unsupported by the emulator: child templates nested more than 8 deep"),
        "{said}"
    );
    // The execution and its eight nested children, each failed.
    let all = call(&emulator, "ListExecutions", &[("MaxResults", "100")]).await;
    let executions = all.body["Executions"].as_array().unwrap();
    assert_eq!(executions.len(), 9, "{}", all.text);
    assert!(executions.iter().all(|e| e["Status"] == "Failed"));
}

/// A child that stops to wait for what a child is never given fails its parent's task as a
/// limit of the emulator, naming what it waits for: an approval, or an event for its trigger.
#[tokio::test]
async fn a_child_that_waits_fails_as_a_limit_naming_what_it_waits_for() {
    let approval = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "approve", "Action": "ACS::Approve", "Properties": {"NotifyType": "None"}}]});
    let listener = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "wait", "Action": "ACS::EventTrigger",
         "Properties": {"Product": "ECS", "Name": ["Instance:StateChange"]}},
        {"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "1s"}}]});
    let parent = |child: &str| {
        json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
            {"Name": "child", "Action": "ACS::Template", "Properties": {"TemplateName": child}}]})
    };
    let emulator = emulator(
        &[
            ("approval", approval),
            ("listener", listener),
            ("asks", parent("approval")),
            ("listens", parent("listener")),
        ],
        FAST,
    )
    .await;
    for (template, waits) in [
        ("asks", "waits for approval"),
        ("listens", "waits for an event"),
    ] {
        let id = start(&emulator, &[("TemplateName", template)]).await;
        let done = finished(&emulator, &id).await;
        let said = done["StatusMessage"].as_str().unwrap_or_default();
        assert_eq!(done["Status"], "Failed", "{template}: {said}");
        assert!(
            said.starts_with("Unsupported by the emulator: the child execution "),
            "{template}: {said}"
        );
        assert!(said.contains(waits), "{template}: {said}");
    }
}

#[tokio::test]
async fn an_approval_waits_for_notify_execution() {
    let approval = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Tasks": [
            {"Name": "approve", "Action": "ACS::Approve", "Properties": {"NotifyType": "None"}},
            {"Name": "after", "Action": "ACS::Sleep", "Properties": {"Duration": "PT5M"}},
        ],
    });
    let emulator = emulator(&[("approval", approval)], FAST).await;
    let id = start(&emulator, &[("TemplateName", "approval")]).await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    let waiting = execution(&emulator, &id).await;
    assert_eq!(waiting["Status"], "Waiting");
    assert_eq!(waiting["Counters"], json!({"Total": 2, "Waiting": 1}));
    let notified = call(
        &emulator,
        "NotifyExecution",
        &[("ExecutionId", &id), ("NotifyType", "Approve")],
    )
    .await;
    assert_eq!(notified.status, 200, "{}", notified.text);
    assert_eq!(finished(&emulator, &id).await["Status"], "Success");
    assert_eq!(
        messages(&logs(&emulator, &id).await),
        [
            "Execution started.",
            "The task approve started.",
            "The task approve is waiting for approval.",
            "Notified Approve.",
            "The task approve output: {}",
            "The task approve completed.",
            "The task after started.",
            "The task after output: {}",
            "The task after completed.",
            "Execution succeeded.",
        ]
    );

    let id = start(&emulator, &[("TemplateName", "approval")]).await;
    call(
        &emulator,
        "NotifyExecution",
        &[("ExecutionId", &id), ("NotifyType", "Reject")],
    )
    .await;
    let done = finished(&emulator, &id).await;
    assert_eq!(
        (done["Status"].as_str(), done["StatusMessage"].as_str()),
        (Some("Failed"), Some("The execution was rejected."))
    );
    // The task that waited ends with the execution, and counts as it ended.
    assert_eq!(done["Counters"], json!({"Total": 2, "Failed": 1}));
    assert_eq!(field(&tasks(&emulator, &id).await, "Status"), ["Failed"]);
}

#[tokio::test]
async fn cancel_execution_stops_a_running_execution() {
    let long = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "long", "Action": "ACS::Sleep", "Properties": {"Duration": "P30D"}},
        {"Name": "never", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}},
    ]});
    let emulator = emulator(&[("long", long)], 1.0).await;
    let id = start(&emulator, &[("TemplateName", "long")]).await;
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", &id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    emulator.set_clock_speed(1e9).unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let done = execution(&emulator, &id).await;
    assert_eq!(done["Status"], "Cancelled");
    assert_eq!(
        messages(&logs(&emulator, &id).await),
        [
            "Execution started.",
            "The task long started.",
            "Execution cancelled."
        ]
    );
    let tasks = tasks(&emulator, &id).await;
    assert_eq!(field(&tasks, "Status"), ["Cancelled"]);
}

#[tokio::test]
async fn a_loop_runs_its_items_in_batches_with_per_item_logs() {
    let looping = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Parameters": {"disks": {"Type": "List", "Default": ["d-1", "d-2", "d-3"]}},
        "Tasks": [{
            "Name": "CheckDiskCategory",
            "Action": "ACS::ExecuteAPI",
            "Properties": {"Service": "OOS", "API": "ListParameters", "Parameters": {"MaxResults": 10, "Name": "{{ ACS::TaskLoopItem }}"}},
            "Outputs": {"count": {"Type": "Number", "ValueSelector": ".TotalCount"}},
            "Loop": {"Items": "{{ disks }}", "Concurrency": 2, "Outputs": {"counts": {"AggregateType": "Fn::ListJoin", "AggregateField": "count"}}},
        }],
    });
    let emulator = emulator(&[("loop", looping)], FAST).await;
    let id = start(&emulator, &[("TemplateName", "loop")]).await;
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let said: Vec<String> = messages(&logs(&emulator, &id).await)
        .into_iter()
        .map(|m| {
            if m.starts_with("api call: ListParameters") {
                "api call".to_owned()
            } else {
                m
            }
        })
        .collect();
    let task = "The task CheckDiskCategory";
    assert_eq!(
        said,
        [
            "Execution started.".to_owned(),
            format!("{task} started."),
            // Each item's call is made as it starts; the batch ends one emulated second on.
            format!("{task} (loop item d-1) started."),
            "api call".to_owned(),
            format!("{task} (loop item d-2) started."),
            "api call".to_owned(),
            format!("{task} (loop item d-1) output: {{\"count\":0}}"),
            format!("{task} (loop item d-1) completed."),
            format!("{task} (loop item d-2) output: {{\"count\":0}}"),
            format!("{task} (loop item d-2) completed."),
            format!("{task} (loop item d-3) started."),
            "api call".to_owned(),
            format!("{task} (loop item d-3) output: {{\"count\":0}}"),
            format!("{task} (loop item d-3) completed."),
            format!("{task} output: {{\"counts\":[0,0,0]}}"),
            format!("{task} completed."),
            "Execution succeeded.".to_owned(),
        ]
    );
    let tasks = tasks(&emulator, &id).await;
    let parent = format!("{id}.t0001");
    assert_eq!(field(&tasks, "TaskExecutionId")[0], parent);
    assert_eq!(field(&tasks, "LoopItem")[1..], ["d-1", "d-2", "d-3"]);
    assert!(tasks[1..]
        .iter()
        .all(|t| t["ParentTaskExecutionId"] == parent.as_str()));
    // Only the loop's own task execution counts as a task of the execution.
    assert_eq!(done["Counters"], json!({"Total": 1, "Success": 1}));
}

#[tokio::test]
async fn a_loop_fails_past_max_errors() {
    let looping = |max_errors: u32| {
        json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [{
            "Name": "each", "Action": "ACS::Sleep",
            "Properties": {"Duration": "{{ ACS::TaskLoopItem }}"},
            "Loop": {"Items": ["PT1S", "never", "PT2S"], "MaxErrors": max_errors},
        }]})
        .to_string()
    };
    let emulator = emulator(&[], FAST).await;
    let id = start(&emulator, &[("TemplateContent", &looping(0))]).await;
    let done = finished(&emulator, &id).await;
    assert_eq!(
        done["StatusMessage"],
                "Task each failed: 1 of its loop items failed, more than MaxErrors (0); the first: item never: Duration: `never` is not a duration such as PT1M, 30s, 4m or 15"
    );
    // The third item never started: the loop stopped at the batch that failed.
    let tasks = tasks(&emulator, &id).await;
    assert_eq!(field(&tasks, "LoopItem")[1..], ["PT1S", "never"]);
    let id = start(&emulator, &[("TemplateContent", &looping(1))]).await;
    assert_eq!(finished(&emulator, &id).await["Status"], "Success");
}
