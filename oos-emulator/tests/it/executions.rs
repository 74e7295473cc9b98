//! `StartExecution`, `ListExecutions`, `CancelExecution` and `DeleteExecutions` over real
//! HTTP, and how they agree with `ListExecutionLogs`, `GetTemplate` and `ListTemplates`.

use crate::common;

use common::{all_pages, call, execution, field, V3};
use oos_emulator::{Data, Emulator, Fault, FaultRule, RunningEmulator};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const STATUSES: [&str; 5] = ["Success", "Failed", "Running", "Cancelled", "Waiting"];

/// Template `tpl-a` (two tasks) and 30 executions `exec-00` ..= `exec-29`, started a day
/// apart, with varied metadata.
fn data() -> Data {
    let content = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Parameters": {
            "status": {"Type": "String", "Default": "Stopped"},
            "count": {"Type": "Number", "Default": 1},
            "a": {"Type": "Number", "Default": 0},
            "b": {"Type": "Number", "Default": 0},
        },
        "Tasks": [
            {"Name": "describeInstances", "Action": "ACS::ExecuteAPI"},
            {"Name": "stopInstances", "Action": "ACS::ExecuteAPI"},
        ],
    });
    let executions: Vec<Value> = (0..30)
        .map(|i| {
            let status = STATUSES[i % 5];
            let finished = ["Success", "Failed", "Cancelled"].contains(&status);
            json!({
                "ExecutionId": format!("exec-{i:02}"),
                "Status": status,
                "Mode": if i % 4 == 0 { "Debug" } else { "Automatic" },
                "TemplateName": if i % 2 == 0 { "tpl-a" } else { "ACS-ECS-other" },
                "StartDate": format!("2024-03-{:02}T00:00:00Z", i + 1),
                "EndDate": if finished { format!("2024-03-{:02}T01:00:00Z", i + 1) } else { String::new() },
                "Tags": {"env": if i % 3 == 0 { "prod" } else { "test" }},
                "Description": format!("run {i}"),
                "ParentExecutionId": if i >= 25 { "exec-00" } else { "" },
                "Category": if i % 5 == 0 { "TimerTrigger" } else { "Other" },
                "ResourceGroupId": if i < 10 { "rg-1" } else { "rg-2" },
                "Logs": [{"Timestamp": "2024-03-01T00:00:00Z", "Message": format!("log of {i}")}],
            })
        })
        .collect();
    Data::from_json(
        &json!({
            "templates": [{"TemplateName": "tpl-a", "Content": content.to_string(), "TemplateVersion": "v2"}],
            "executions": executions,
        })
        .to_string(),
    )
    .unwrap()
}

async fn emulator() -> RunningEmulator {
    Emulator::builder().data(data()).start().await.unwrap()
}

fn ids(range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|i| format!("exec-{i:02}")).collect()
}

async fn listed(emulator: &RunningEmulator, params: &[(&str, &str)]) -> Vec<String> {
    let mut params = params.to_vec();
    params.extend([("SortOrder", "Ascending"), ("MaxResults", "100")]);
    let answer = call(emulator, "ListExecutions", &params).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let executions = answer.body["Executions"].as_array().unwrap();
    assert_eq!(answer.body["TotalCount"], executions.len());
    field(executions, "ExecutionId")
}

async fn start(emulator: &RunningEmulator, params: &[(&str, &str)]) -> Value {
    let answer = call(emulator, "StartExecution", params).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["Execution"].clone()
}

fn is_recent(date: &Value) {
    let date = OffsetDateTime::parse(date.as_str().unwrap(), &Rfc3339).unwrap();
    assert_eq!(date.nanosecond(), 0);
    assert!((OffsetDateTime::now_utc() - date).whole_seconds().abs() < 60);
}

#[tokio::test]
async fn start_execution_of_a_template() {
    let emulator = emulator().await;
    let before = call(&emulator, "ListTemplates", &[]).await;
    assert_eq!(before.body["Templates"][0]["TotalExecutionCount"], 0);
    let started = start(
        &emulator,
        &[
            ("TemplateName", "tpl-a"),
            ("TemplateVersion", "v2"),
            ("Parameters", r#"{"status":"Running","count":3}"#),
            ("Tags", r#"{"env":"demo","owner":"ops"}"#),
            ("Description", "Stop idle test instances"),
            ("ResourceGroupId", "rg-9"),
        ],
    )
    .await;
    let id = started["ExecutionId"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 25);
    assert!(id.starts_with("exec-"));
    assert!(id[5..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(started["Status"], "Running");
    assert_eq!(started["TemplateName"], "tpl-a");
    assert_eq!(started["TemplateVersion"], "v2");
    assert_eq!(started["Mode"], "Automatic");
    assert_eq!(started["LoopMode"], "Automatic");
    assert_eq!(started["SafetyCheck"], "ConfirmEveryHighRiskAction");
    assert_eq!(started["Parameters"], r#"{"count":3,"status":"Running"}"#);
    assert_eq!(started["Outputs"], "{}");
    assert_eq!(started["Counters"], json!({"Total": 2, "Running": 1}));
    assert_eq!(
        started["CurrentTasks"],
        json!([{"TaskAction": "ACS::ExecuteAPI", "TaskExecutionId": format!("{id}.t0001"), "TaskName": "describeInstances"}])
    );
    assert_eq!(started["Tags"], json!({"env": "demo", "owner": "ops"}));
    assert_eq!(started["Description"], "Stop idle test instances");
    assert_eq!(started["ResourceGroupId"], "rg-9");
    assert_eq!(started["EndDate"], "");
    assert_eq!(started["ExecutedBy"], "root(1467283095216845)");
    for date in ["CreateDate", "StartDate", "UpdateDate"] {
        is_recent(&started[date]);
    }

    // The same execution through the other actions.
    let template = call(&emulator, "GetTemplate", &[("TemplateName", "tpl-a")]).await;
    assert_eq!(
        started["TemplateId"],
        template.body["Template"]["TemplateId"]
    );
    let listed = execution(&emulator, &id).await;
    for field in [
        "ExecutionId",
        "Status",
        "TemplateId",
        "StartDate",
        "Tags",
        "Counters",
        "CurrentTasks",
        "Mode",
    ] {
        assert_eq!(listed[field], started[field], "{field}");
    }
    assert_eq!(
        listed["Parameters"],
        json!({"status": "Running", "count": 3})
    );
    assert!(listed.get("Logs").is_none());
    let logs = call(&emulator, "ListExecutionLogs", &[("ExecutionId", &id)]).await;
    let messages: Vec<&str> = logs.body["ExecutionLogs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["Message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["Execution started.", "The task describeInstances started."]
    );
    // Newest first by default.
    let newest = call(&emulator, "ListExecutions", &[("MaxResults", "1")]).await;
    assert_eq!(newest.body["Executions"][0]["ExecutionId"], id.as_str());
    assert_eq!(newest.body["TotalCount"], 31);
    let after = call(&emulator, "ListTemplates", &[]).await;
    assert_eq!(after.body["Templates"][0]["TotalExecutionCount"], 1);
}

#[tokio::test]
async fn start_execution_of_content() {
    let emulator = emulator().await;
    let content =
        r#"{"FormatVersion":"OOS-2019-06-01","Tasks":[{"Name":"sleep","Action":"ACS::Sleep"}]}"#;
    let started = start(
        &emulator,
        &[
            ("TemplateContent", content),
            ("Mode", "Debug"),
            ("LoopMode", "EveryBatchPause"),
            ("ParentExecutionId", "exec-02"),
        ],
    )
    .await;
    assert_eq!(started["TemplateName"], "");
    assert_eq!(started["TemplateId"], "");
    assert_eq!(started["Mode"], "Debug");
    assert_eq!(started["LoopMode"], "EveryBatchPause");
    assert_eq!(started["ParentExecutionId"], "exec-02");
    assert_eq!(started["CurrentTasks"][0]["TaskName"], "sleep");
    assert_eq!(started["Parameters"], "{}");
    assert_eq!(execution(&emulator, "exec-02").await["IsParent"], true);
    let children = listed(&emulator, &[("ParentExecutionId", "exec-02")]).await;
    assert_eq!(children, [started["ExecutionId"].as_str().unwrap()]);

    let yaml = start(
        &emulator,
        &[
            (
                "TemplateContent",
                "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: x\n    Action: ACS::Sleep\n",
            ),
            ("TemplateName", "inline"),
        ],
    )
    .await;
    assert_eq!(yaml["TemplateName"], "inline");
    let id = yaml["ExecutionId"].as_str().unwrap();
    // YAML content is parsed as JSON content is: the execution is on its first task.
    assert_eq!(
        yaml["CurrentTasks"],
        json!([{"TaskAction": "ACS::Sleep", "TaskExecutionId": format!("{id}.t0001"), "TaskName": "x"}])
    );
    let logs = call(&emulator, "ListExecutionLogs", &[("ExecutionId", id)]).await;
    assert_eq!(logs.body["ExecutionLogs"].as_array().unwrap().len(), 2);
    assert_eq!(
        logs.body["ExecutionLogs"][0]["Message"],
        "Execution started."
    );
}

#[tokio::test]
async fn start_execution_errors() {
    let emulator = emulator().await;
    let missing = call(&emulator, "StartExecution", &[]).await;
    missing.assert_error(400, "MissingParameter");
    assert!(missing.message().contains("\"TemplateName\""));
    let unknown = call(&emulator, "StartExecution", &[("TemplateName", "nope")]).await;
    unknown.assert_error(404, "EntityNotExists.Template");
    assert_eq!(
        unknown.message(),
        "The specific template nope does not exist."
    );
    call(
        &emulator,
        "StartExecution",
        &[("TemplateName", "tpl-a"), ("TemplateVersion", "v1")],
    )
    .await
    .assert_error(404, "EntityNotExists.TemplateVersion");
    call(
        &emulator,
        "StartExecution",
        &[
            ("TemplateName", "tpl-a"),
            ("ParentExecutionId", "exec-nope"),
        ],
    )
    .await
    .assert_error(404, "EntityNotExists.Execution");
    for (params, named) in [
        (vec![("Parameters", "[1]")], "Parameters"),
        (vec![("Parameters", "{")], "Parameters"),
        (vec![("Tags", r#"{"a":["b"]}"#)], "Tags"),
        (vec![("Mode", "Manual")], "Mode"),
        (vec![("LoopMode", "Never")], "LoopMode"),
        (
            vec![("SafetyCheck", "Skip"), ("Mode", "Debug")],
            "SafetyCheck",
        ),
        (
            vec![("TemplateURL", "https://example.com/t.json")],
            "TemplateURL",
        ),
    ] {
        let mut params = params;
        params.push(("TemplateName", "tpl-a"));
        let answer = call(&emulator, "StartExecution", &params).await;
        answer.assert_error(400, "InvalidParameter");
        assert!(answer.message().contains(named), "{}", answer.text);
    }
    let long = "x".repeat(1025);
    let many_tags: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let many_tags = Value::Object(many_tags).to_string();
    let token = "t".repeat(65);
    for (name, value) in [
        ("Description", long.as_str()),
        ("Tags", many_tags.as_str()),
        ("ClientToken", token.as_str()),
    ] {
        let params = [("TemplateName", "tpl-a"), (name, value)];
        let answer = call(&emulator, "StartExecution", &params).await;
        answer.assert_error(400, "InvalidParameter");
        assert!(answer.message().contains(name), "{}", answer.text);
    }
    // Nothing was created by any of these.
    assert_eq!(listed(&emulator, &[]).await.len(), 30);
    let skip = [("TemplateName", "tpl-a"), ("SafetyCheck", "Skip")];
    assert_eq!(start(&emulator, &skip).await["SafetyCheck"], "Skip");
}

#[tokio::test]
async fn client_token_makes_retries_safe() {
    let emulator = Emulator::builder()
        .data(data())
        .access_key("testid", "testsecret")
        .access_key("otherid", "othersecret")
        .start()
        .await
        .unwrap();
    let params = [("TemplateName", "tpl-a"), ("ClientToken", "token-1")];
    let first = start(&emulator, &params).await;
    let again = start(&emulator, &params).await;
    assert_eq!(first, again);
    let other = start(
        &emulator,
        &[("TemplateName", "tpl-a"), ("ClientToken", "token-2")],
    )
    .await;
    assert_ne!(other["ExecutionId"], first["ExecutionId"]);
    let mut other_key = V3::new(&emulator, &params).set_header("x-acs-action", "StartExecution");
    other_key.id = "otherid".into();
    other_key.secret = "othersecret".into();
    let other_key = other_key.send().await;
    assert_ne!(
        other_key.body["Execution"]["ExecutionId"],
        first["ExecutionId"]
    );
    assert_eq!(
        listed(&emulator, &[("TemplateName", "tpl-a")]).await.len(),
        18
    );

    // The answer is lost after the execution was created; the retry finds it.
    emulator.faults().add(
        FaultRule::new(Fault::ServerError(500))
            .for_action("StartExecution")
            .after_execution(),
    );
    let params = [("TemplateName", "tpl-a"), ("ClientToken", "token-3")];
    call(&emulator, "StartExecution", &params)
        .await
        .assert_error(500, "InternalError");
    let record = emulator.requests().pop().unwrap();
    assert!(record.executed);
    assert_eq!(record.action.as_deref(), Some("StartExecution"));
    let created = listed(&emulator, &[("TemplateName", "tpl-a")]).await;
    assert_eq!(created.len(), 19);
    let retried = start(&emulator, &params).await;
    assert_eq!(
        listed(&emulator, &[("TemplateName", "tpl-a")]).await,
        created
    );
    let newest = call(&emulator, "ListExecutions", &[("MaxResults", "1")]).await;
    assert_eq!(
        newest.body["Executions"][0]["ExecutionId"],
        retried["ExecutionId"]
    );

    // A dropped connection after execution, retried without a token, creates a second one.
    emulator.faults().add(
        FaultRule::new(Fault::DropConnection)
            .for_action("StartExecution")
            .after_execution(),
    );
    let dropped = V3::new(&emulator, &[("TemplateName", "tpl-a")])
        .set_header("x-acs-action", "StartExecution")
        .request()
        .send()
        .await;
    assert!(dropped.is_err());
    assert!(emulator.requests().pop().unwrap().executed);
    assert_eq!(
        listed(&emulator, &[("TemplateName", "tpl-a")]).await.len(),
        20
    );
}

#[tokio::test]
async fn list_executions_pages_a_filtered_list() {
    let emulator = emulator().await;
    // Newest first by default.
    let (items, pages) = all_pages(&emulator, "ListExecutions", "Executions", &[], "7").await;
    assert_eq!(field(&items, "ExecutionId"), ids((0..30).rev()));
    assert_eq!(pages, 5);
    let params = [("TemplateName", "tpl-a"), ("SortOrder", "Ascending")];
    let (items, pages) = all_pages(&emulator, "ListExecutions", "Executions", &params, "4").await;
    assert_eq!(field(&items, "ExecutionId"), ids((0..30).step_by(2)));
    assert_eq!(pages, 4);
    let params = [("Tags", r#"{"env":"prod"}"#), ("SortField", "EndDate")];
    let (items, _) = all_pages(&emulator, "ListExecutions", "Executions", &params, "2").await;
    // Unfinished ones have no end date and come last when descending.
    assert_eq!(
        field(&items, "ExecutionId"),
        [
            "exec-21", "exec-18", "exec-15", "exec-06", "exec-03", "exec-00", "exec-27", "exec-24",
            "exec-12", "exec-09"
        ]
    );
    let params = [
        ("SortField", "Status"),
        ("SortOrder", "Ascending"),
        ("Mode", "Automatic"),
    ];
    let (items, _) = all_pages(&emulator, "ListExecutions", "Executions", &params, "3").await;
    let statuses = field(&items, "Status");
    assert_eq!(items.len(), 22);
    assert!(statuses.windows(2).all(|w| w[0] <= w[1]), "{statuses:?}");
    for answer in items {
        assert!(answer.get("Logs").is_none());
    }
}

#[tokio::test]
async fn list_executions_filters() {
    let emulator = emulator().await;
    let cases: &[common::Case] = &[
        (&[("Status", "Running")], ids((2..30).step_by(5))),
        (&[("ExecutionId", "exec-07")], ids(7..8)),
        (&[("ExecutionId", "exec-nope")], vec![]),
        (&[("Mode", "Debug")], ids((0..30).step_by(4))),
        (&[("TemplateName", "other")], ids((1..30).step_by(2))),
        (&[("ExecutedBy", "root(1467283095216845)")], ids(0..30)),
        (&[("ExecutedBy", "someone")], vec![]),
        (&[("ParentExecutionId", "exec-00")], ids(25..30)),
        (&[("Category", "TimerTrigger")], ids((0..30).step_by(5))),
        (
            &[("Categories", r#"["TimerTrigger","EventTrigger"]"#)],
            ids((0..30).step_by(5)),
        ),
        (&[("ResourceGroupId", "rg-1")], ids(0..10)),
        (
            &[("Description", "run 2")],
            ids(2..3).into_iter().chain(ids(20..30)).collect(),
        ),
        (
            &[("Tags", r#"{"env":"test"}"#), ("Status", "Success")],
            ids([5, 10, 20, 25].into_iter()),
        ),
        (
            &[
                ("StartDateAfter", "2024-03-05T00:00:00Z"),
                ("StartDateBefore", "2024-03-08T00:00:00Z"),
            ],
            ids(4..8),
        ),
        (
            &[
                ("EndDateAfter", "2024-03-05T00:00:00Z"),
                ("EndDateBefore", "2024-03-10T00:00:00Z"),
            ],
            ids([5, 6, 8].into_iter()),
        ),
    ];
    for (params, expect) in cases {
        assert_eq!(&listed(&emulator, params).await, expect, "{params:?}");
    }
    for (name, value) in [
        ("SortField", "Name"),
        ("SortOrder", "Up"),
        ("Tags", "env"),
        ("Categories", "Other"),
        ("StartDateAfter", "March"),
        ("EndDateBefore", "2024-13-01T00:00:00Z"),
        ("MaxResults", "1000"),
    ] {
        let answer = call(&emulator, "ListExecutions", &[(name, value)]).await;
        answer.assert_error(400, "InvalidParameter");
        assert!(answer.message().contains(name), "{}", answer.text);
    }
}

#[tokio::test]
async fn list_executions_tokens_are_bound_to_the_query() {
    let emulator = emulator().await;
    let params = [("Status", "Success"), ("MaxResults", "2")];
    let first = call(&emulator, "ListExecutions", &params).await;
    let token = first.body["NextToken"].as_str().unwrap().to_owned();
    for changed in [
        [("Status", "Failed"), ("MaxResults", "2")],
        [("Status", "Success"), ("MaxResults", "3")],
        [("Status", "Success"), ("Mode", "Debug")],
        [("TemplateName", "tpl"), ("MaxResults", "2")],
    ] {
        let mut all = changed.to_vec();
        if changed[1].0 == "Mode" {
            all.push(("MaxResults", "2"));
        }
        all.push(("NextToken", &token));
        call(&emulator, "ListExecutions", &all)
            .await
            .assert_error(400, "InvalidNextTokenQuery");
    }
    let same = [params[0], params[1], ("NextToken", &token)];
    let second = call(&emulator, "ListExecutions", &same).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body["Executions"][0]["ExecutionId"], "exec-15");
    call(
        &emulator,
        "ListExecutions",
        &[params[0], params[1], ("NextToken", "AAAA")],
    )
    .await
    .assert_error(400, "InvalidNextToken");
}

#[tokio::test]
async fn repeat_token_works_for_every_list() {
    let emulator = emulator().await;
    for (action, key) in [
        ("ListExecutions", "Executions"),
        ("ListTemplates", "Templates"),
    ] {
        if action == "ListTemplates" {
            emulator.replace_data(Data::demo());
        }
        emulator.faults().inject(Fault::RepeatToken);
        let first = call(&emulator, action, &[("MaxResults", "1")]).await;
        let token = first.body["NextToken"].as_str().unwrap().to_owned();
        let params = [("MaxResults", "1"), ("NextToken", token.as_str())];
        let second = call(&emulator, action, &params).await;
        assert_eq!(second.status, 200, "{}", second.text);
        assert_eq!(second.body["NextToken"], token.as_str(), "{action}");
        assert_eq!(second.body[key].as_array().unwrap().len(), 1);
        let third = call(&emulator, action, &params).await;
        assert_ne!(third.body["NextToken"], token.as_str());
        assert_eq!(emulator.faults().pending(), 0);
    }
}

#[tokio::test]
async fn cancel_execution() {
    let emulator = emulator().await;
    let started = start(&emulator, &[("TemplateName", "tpl-a")]).await;
    let id = started["ExecutionId"].as_str().unwrap();
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert!(cancelled.body["RequestId"].is_string());
    let listed = execution(&emulator, id).await;
    assert_eq!(listed["Status"], "Cancelled");
    is_recent(&listed["EndDate"]);
    assert_eq!(listed["CurrentTasks"], json!([]));
    assert_eq!(listed["Counters"], json!({"Total": 2, "Cancelled": 1}));
    let logs = call(&emulator, "ListExecutionLogs", &[("ExecutionId", id)]).await;
    assert_eq!(
        logs.body["ExecutionLogs"][2]["Message"],
        "Execution cancelled."
    );
    // Again: still cancelled, and the retry succeeds.
    let again = call(&emulator, "CancelExecution", &[("ExecutionId", id)]).await;
    assert_eq!(again.status, 200);
    assert_eq!(execution(&emulator, id).await, listed);
    // Waiting ones can be cancelled too; finished ones cannot.
    let waiting = call(&emulator, "CancelExecution", &[("ExecutionId", "exec-04")]).await;
    assert_eq!(waiting.status, 200);
    assert_eq!(execution(&emulator, "exec-04").await["Status"], "Cancelled");
    for finished in ["exec-00", "exec-01"] {
        let answer = call(&emulator, "CancelExecution", &[("ExecutionId", finished)]).await;
        answer.assert_error(400, "InvalidStatus.Execution");
        assert!(answer.message().contains(finished), "{}", answer.text);
    }
    assert_eq!(execution(&emulator, "exec-00").await["Status"], "Success");
    call(
        &emulator,
        "CancelExecution",
        &[("ExecutionId", "exec-nope")],
    )
    .await
    .assert_error(404, "EntityNotExists.Execution");
    call(&emulator, "CancelExecution", &[])
        .await
        .assert_error(400, "MissingParameter");
}

#[tokio::test]
async fn delete_executions() {
    let emulator = emulator().await;
    let delete = |ids: &'static str, force: Option<&'static str>| {
        let emulator = &emulator;
        async move {
            let mut params = vec![("ExecutionIds", ids)];
            if let Some(force) = force {
                params.push(("Force", force));
            }
            call(emulator, "DeleteExecutions", &params).await
        }
    };
    // Finished ones go; unknown ids are ignored.
    let deleted = delete(r#"["exec-00","exec-01","exec-nope"]"#, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert!(deleted.body["RequestId"].is_string());
    assert_eq!(listed(&emulator, &[]).await, ids(2..30));
    call(
        &emulator,
        "ListExecutionLogs",
        &[("ExecutionId", "exec-00")],
    )
    .await
    .assert_error(404, "EntityNotExists.Execution");
    // A running one without Force: nothing is deleted.
    let refused = delete(r#"["exec-03","exec-02"]"#, Some("false")).await;
    refused.assert_error(400, "InvalidStatus.Execution");
    assert!(refused.message().contains("exec-02"), "{}", refused.text);
    assert_eq!(listed(&emulator, &[]).await, ids(2..30));
    // With Force it goes, with the finished one.
    assert_eq!(
        delete(r#"["exec-03","exec-02"]"#, Some("true"))
            .await
            .status,
        200
    );
    assert_eq!(listed(&emulator, &[]).await, ids(4..30));
    // Deleting again is not an error.
    assert_eq!(delete(r#"["exec-03"]"#, None).await.status, 200);

    delete("", None).await.assert_error(400, "MissingParameter");
    call(&emulator, "DeleteExecutions", &[])
        .await
        .assert_error(400, "MissingParameter");
    for bad in ["exec-05", "[exec-05]", r#"{"a":"b"}"#, "[1]", "[]"] {
        let answer = call(&emulator, "DeleteExecutions", &[("ExecutionIds", bad)]).await;
        answer.assert_error(400, "InvalidParameter");
        assert!(answer.message().contains("ExecutionIds"), "{}", answer.text);
    }
    let many: Vec<String> = (0..101).map(|i| format!("exec-x{i}")).collect();
    let many = serde_json::to_string(&many).unwrap();
    let answer = call(&emulator, "DeleteExecutions", &[("ExecutionIds", &many)]).await;
    answer.assert_error(400, "InvalidParameter");
    let answer = call(
        &emulator,
        "DeleteExecutions",
        &[("ExecutionIds", r#"["exec-05"]"#), ("Force", "maybe")],
    )
    .await;
    answer.assert_error(400, "InvalidParameter");
    assert!(answer.message().contains("Force"));
    assert_eq!(listed(&emulator, &[]).await, ids(4..30));
}

#[tokio::test]
async fn started_executions_can_be_cancelled_and_deleted() {
    let emulator = emulator().await;
    let started = start(
        &emulator,
        &[("TemplateName", "tpl-a"), ("Tags", r#"{"run":"x"}"#)],
    )
    .await;
    let id = started["ExecutionId"].as_str().unwrap();
    let ids_json = json!([id]).to_string();
    call(
        &emulator,
        "DeleteExecutions",
        &[("ExecutionIds", &ids_json)],
    )
    .await
    .assert_error(400, "InvalidStatus.Execution");
    assert_eq!(
        call(&emulator, "CancelExecution", &[("ExecutionId", id)])
            .await
            .status,
        200
    );
    assert_eq!(
        call(
            &emulator,
            "DeleteExecutions",
            &[("ExecutionIds", &ids_json)]
        )
        .await
        .status,
        200
    );
    assert_eq!(
        listed(&emulator, &[("Tags", r#"{"run":"x"}"#)]).await,
        Vec::<String>::new()
    );
    call(&emulator, "CancelExecution", &[("ExecutionId", id)])
        .await
        .assert_error(404, "EntityNotExists.Execution");
}

#[tokio::test]
async fn every_action_is_listed_faultable_and_unknown_ones_are_not_found() {
    let emulator = emulator().await;
    let actions: Vec<&str> = oos_emulator::supported_actions().collect();
    // Every spec of the action directory, and nothing else.
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/oos");
    let mut expected: Vec<String> = std::fs::read_dir(specs)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
        .filter(|name| name != "service")
        .collect();
    expected.sort();
    assert_eq!(actions, expected);
    for action in &actions {
        emulator
            .faults()
            .add(FaultRule::new(Fault::ServerError(503)).for_action(*action));
        call(&emulator, action, &[])
            .await
            .assert_error(503, "ServiceUnavailable");
        let record = emulator.requests().pop().unwrap();
        assert!(!record.executed, "{action}");
        assert_eq!(record.action.as_deref(), Some(*action));
    }
    assert_eq!(emulator.faults().pending(), 0);
    // After execution: the cancel took effect although its answer was cut short.
    emulator.faults().add(
        FaultRule::new(Fault::Truncated)
            .for_action("CancelExecution")
            .after_execution(),
    );
    let cut = V3::new(&emulator, &[("ExecutionId", "exec-02")])
        .set_header("x-acs-action", "CancelExecution")
        .request()
        .send()
        .await
        .unwrap();
    assert!(cut.text().await.is_err());
    assert_eq!(execution(&emulator, "exec-02").await["Status"], "Cancelled");
    for unknown in ["CreateTemplates", "listexecutions", "StartExecutions"] {
        call(&emulator, unknown, &[])
            .await
            .assert_error(400, "InvalidAction.NotFound");
    }
}

#[tokio::test]
async fn task_executions_updates_and_notifications() {
    let emulator = emulator().await;
    let started = start(
        &emulator,
        &[("TemplateName", "tpl-a"), ("Parameters", r#"{"a":1}"#)],
    )
    .await;
    let id = started["ExecutionId"].as_str().unwrap();
    let tasks = call(&emulator, "ListTaskExecutions", &[("ExecutionId", id)]).await;
    assert_eq!(tasks.status, 200, "{}", tasks.text);
    let task = &tasks.body["TaskExecutions"][0];
    assert_eq!(
        (&task["TaskName"], &task["TaskAction"], &task["Status"]),
        (
            &json!("describeInstances"),
            &json!("ACS::ExecuteAPI"),
            &json!("Running")
        )
    );
    let task_id = format!("{id}.t0001");
    assert_eq!(task["TaskExecutionId"], task_id);
    assert_eq!(task["ExecutionId"], id);
    let by_status = call(
        &emulator,
        "ListTaskExecutions",
        &[("Status", "Running"), ("TaskName", "describeInstances")],
    )
    .await;
    assert_eq!(
        by_status.body["TaskExecutions"].as_array().unwrap().len(),
        1,
        "{}",
        by_status.text
    );
    call(
        &emulator,
        "ListTaskExecutions",
        &[("ExecutionId", "exec-nope")],
    )
    .await
    .assert_error(404, "EntityNotExists.Execution");
    let logs = call(
        &emulator,
        "ListExecutionLogs",
        &[("ExecutionId", id), ("TaskExecutionId", &task_id)],
    )
    .await;
    assert_eq!(
        field(logs.body["ExecutionLogs"].as_array().unwrap(), "Message"),
        ["The task describeInstances started."]
    );

    let updated = call(
        &emulator,
        "UpdateExecution",
        &[
            ("ExecutionId", id),
            ("Parameters", r#"{"b":2}"#),
            ("Description", "now described"),
            ("Tags", r#"{"k":"v"}"#),
        ],
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let listed = execution(&emulator, id).await;
    assert_eq!(listed["Parameters"], json!({"a": 1, "b": 2}));
    assert_eq!(
        (&listed["Description"], &listed["Tags"]),
        (&json!("now described"), &json!({"k": "v"}))
    );

    call(
        &emulator,
        "NotifyExecution",
        &[
            ("ExecutionId", id),
            ("NotifyType", "CompleteExecution"),
            ("ExecutionStatus", "Paused"),
        ],
    )
    .await
    .assert_error(400, "InvalidParameter");
    call(
        &emulator,
        "NotifyExecution",
        &[
            ("ExecutionId", id),
            ("NotifyType", "Approve"),
            ("TaskExecutionId", "nope"),
        ],
    )
    .await
    .assert_error(404, "EntityNotExists.TaskExecution");
    let notified = call(
        &emulator,
        "NotifyExecution",
        &[
            ("ExecutionId", id),
            ("NotifyType", "CompleteExecution"),
            ("ExecutionStatus", "Failed"),
        ],
    )
    .await;
    assert_eq!(notified.status, 200, "{}", notified.text);
    let done = execution(&emulator, id).await;
    assert_eq!(
        (&done["Status"], &done["CurrentTasks"]),
        (&json!("Failed"), &json!([]))
    );
    is_recent(&done["EndDate"]);
    let tasks = call(&emulator, "ListTaskExecutions", &[("ExecutionId", id)]).await;
    assert_eq!(tasks.body["TaskExecutions"][0]["Status"], "Failed");
    for (action, params) in [
        (
            "NotifyExecution",
            &[("ExecutionId", id), ("NotifyType", "Approve")][..],
        ),
        (
            "UpdateExecution",
            &[("ExecutionId", id), ("Parameters", "{}")][..],
        ),
    ] {
        call(&emulator, action, params)
            .await
            .assert_error(400, "InvalidStatus.Execution");
    }
    let template = call(&emulator, "GetExecutionTemplate", &[("ExecutionId", id)]).await;
    assert_eq!(
        template.body["Template"]["TemplateName"], "tpl-a",
        "{}",
        template.text
    );
    assert_eq!(template.body["Template"]["TemplateVersion"], "v2");
    assert!(template.body["Content"]
        .as_str()
        .unwrap()
        .contains("stopInstances"));
}

/// The counters are kept as the tasks move rather than recounted: they must still agree with
/// the task executions themselves, the template's tasks only (a loop's items are not counted),
/// through skips, failures a loop absorbs and an `OnError` that goes on.
#[tokio::test]
async fn counters_agree_with_the_task_executions_through_skips_loops_and_failures() {
    let emulator = Emulator::builder()
        .clock_speed(10_000.0)
        .start()
        .await
        .unwrap();
    let content = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Tasks": [
            {"Name": "skipped", "Action": "ACS::Sleep", "When": false, "Properties": {"Duration": "1s"}},
            {"Name": "broken", "Action": "ACS::Sleep", "OnError": "ACS::NEXT", "Properties": {"Duration": "never"}},
            {"Name": "items", "Action": "ACS::Sleep",
             "Loop": {"Items": ["1s", "never", "2s"], "MaxErrors": 1},
             "Properties": {"Duration": "{{ ACS::TaskLoopItem }}"}},
            {"Name": "last", "Action": "ACS::Sleep", "Properties": {"Duration": "1s"}},
        ],
    })
    .to_string();
    let id = common::start_content(&emulator, &content, json!({})).await;
    let done = common::finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let (tasks, _) = all_pages(
        &emulator,
        "ListTaskExecutions",
        "TaskExecutions",
        &[("ExecutionId", &id)],
        "100",
    )
    .await;
    assert_eq!(tasks.len(), 7, "four tasks and three loop items: {tasks:?}");
    assert_eq!(common::recount(&tasks, 4), done["Counters"]);
    assert_eq!(
        done["Counters"],
        json!({"Total": 4, "Skipped": 1, "Failed": 1, "Success": 2})
    );
}

/// Cancelling moves only the unfinished tasks' count to `Cancelled`: a skipped one stays
/// counted as skipped.
#[tokio::test]
async fn a_cancelled_execution_keeps_the_count_of_the_tasks_that_had_ended() {
    let emulator = Emulator::builder().clock_speed(1.0).start().await.unwrap();
    let content = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Tasks": [
            {"Name": "skipped", "Action": "ACS::Sleep", "When": false, "Properties": {"Duration": "1s"}},
            {"Name": "long", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1H"}},
        ],
    })
    .to_string();
    let id = common::start_content(&emulator, &content, json!({})).await;
    let running = execution(&emulator, &id).await;
    assert_eq!(
        running["Counters"],
        json!({"Total": 2, "Skipped": 1, "Running": 1})
    );
    let cancelled = call(&emulator, "CancelExecution", &[("ExecutionId", &id)]).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let done = execution(&emulator, &id).await;
    assert_eq!(
        done["Counters"],
        json!({"Total": 2, "Skipped": 1, "Cancelled": 1})
    );
}
