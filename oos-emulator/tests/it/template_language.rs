//! The template language run end to end, one template of the project's own per construct:
//! flow keys, loops and rate control, retries on the clock, the built-in actions, functions
//! and jq, other clouds as stubs (over HTTP and from Rust), public templates and cloud
//! product actions from their definitions, parameters checked at start.

use std::time::Duration;

use crate::common::{
    all_pages, call, client, execution, field, finished, ok, post_admin, start_content,
};
use oos_emulator::{Emulator, RunningEmulator, Stub};
use serde_json::{json, Value};

/// Emulated seconds per real second: a minute of sleeping takes 6 ms.
const FAST: f64 = 10_000.0;
const HEAD: &str = "FormatVersion: OOS-2019-06-01\n";

async fn emulator() -> RunningEmulator {
    Emulator::builder().clock_speed(FAST).start().await.unwrap()
}

/// Starts `body` (after the FormatVersion line) with `parameters`; the execution id.
async fn start(emulator: &RunningEmulator, body: &str, parameters: Value) -> String {
    start_content(emulator, &format!("{HEAD}{body}"), parameters).await
}

async fn run(emulator: &RunningEmulator, body: &str, parameters: Value) -> Value {
    let id = start(emulator, body, parameters).await;
    finished(emulator, &id).await
}

/// The task executions, oldest first: (name, status, loop item).
async fn tasks(emulator: &RunningEmulator, id: &str) -> Vec<(String, String, String)> {
    let params = [("ExecutionId", id), ("SortOrder", "Ascending")];
    let (tasks, _) = all_pages(
        emulator,
        "ListTaskExecutions",
        "TaskExecutions",
        &params,
        "100",
    )
    .await;
    tasks
        .iter()
        .map(|t| {
            let text = |k: &str| t[k].as_str().unwrap_or("").to_owned();
            (text("TaskName"), text("Status"), text("LoopItem"))
        })
        .collect()
}

fn outputs(execution: &Value) -> Value {
    serde_json::from_str(execution["Outputs"].as_str().unwrap_or("{}")).unwrap()
}

async fn calls(emulator: &RunningEmulator) -> Vec<Value> {
    let answer = client()
        .get(format!("{}/_emulator/calls", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    body["Calls"].as_array().unwrap().clone()
}

async fn add_stub(emulator: &RunningEmulator, body: Value) -> (u16, Value) {
    post_admin(emulator, "stubs", body).await
}

#[tokio::test]
async fn on_error_and_on_success_steer_the_flow() {
    let emulator = emulator().await;
    let body = "Tasks:
  - Name: fails
    Action: ACS::Sleep
    Properties: {Duration: never}
    OnError: recover
  - Name: skipped
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
  - Name: recover
    Action: ACS::Sleep
    Properties: {Duration: 2s}
    OnSuccess: ACS::END
  - Name: never
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let id = done["ExecutionId"].as_str().unwrap();
    let names: Vec<_> = tasks(&emulator, id)
        .await
        .into_iter()
        .map(|t| (t.0, t.1))
        .collect();
    assert_eq!(
        names,
        [
            ("fails".into(), "Failed".into()),
            ("recover".into(), "Success".into())
        ]
    );

    let next = "Tasks:
  - Name: fails
    Action: ACS::Sleep
    Properties: {Duration: never}
    OnError: ACS::NEXT
  - Name: after
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
";
    assert_eq!(run(&emulator, next, json!({})).await["Status"], "Success");
    let end = next.replace("ACS::NEXT", "ACS::END");
    let done = run(&emulator, &end, json!({})).await;
    assert_eq!(done["Status"], "Failed");
    assert_eq!(
        done["StatusMessage"],
        "Task fails failed: Duration: `never` is not a duration such as PT1M, 30s, 4m or 15"
    );
}

#[tokio::test]
async fn when_skips_a_task_and_choice_picks_the_next() {
    let emulator = emulator().await;
    let body = "Parameters:
  mode: {Type: String, AllowedValues: [fast, slow]}
Tasks:
  - Name: onlySlow
    Action: ACS::Sleep
    When:
      Fn::Equals: ['{{ mode }}', slow]
    Properties: {Duration: PT1M}
  - Name: pick
    Action: ACS::Choice
    Properties:
      DefaultTask: slowPath
      Choices:
        - When:
            Fn::Equals: [fast, '{{ mode }}']
          NextTask: fastPath
  - Name: slowPath
    Action: ACS::Sleep
    Properties: {Duration: PT1M}
    OnSuccess: ACS::END
  - Name: fastPath
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
";
    let done = run(&emulator, body, json!({"mode": "fast"})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let id = done["ExecutionId"].as_str().unwrap();
    let ran: Vec<_> = tasks(&emulator, id)
        .await
        .into_iter()
        .map(|t| (t.0, t.1))
        .collect();
    assert_eq!(
        ran,
        [
            ("onlySlow".into(), "Skipped".into()),
            ("pick".into(), "Success".into()),
            ("fastPath".into(), "Success".into())
        ]
    );
    let done = run(&emulator, body, json!({"mode": "slow"})).await;
    let id = done["ExecutionId"].as_str().unwrap();
    let ran: Vec<_> = tasks(&emulator, id)
        .await
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(ran, ["onlySlow", "pick", "slowPath"]);
}

#[tokio::test]
async fn functions_references_and_jq_selectors_evaluate() {
    let emulator = emulator().await;
    emulator.stub(Stub::new(
        "ECS",
        "DescribeInstances",
        json!({"Instances": {"Instance": [{"InstanceId": "i-1", "OSType": "linux"}, {"InstanceId": "i-2", "OSType": "windows"}]}}),
    ));
    let body = "Parameters:
  names: {Type: List, Default: [a, b]}
  region: {Type: String, Default: '{{ ACS::RegionId }}'}
Tasks:
  - Name: describe
    Action: ACS::ExecuteApi
    Properties:
      Service: ECS
      API: DescribeInstances
      Parameters:
        RegionId: '{{ region }}'
        Tag: {'Fn::Join': ['-', '{{ names }}']}
    Outputs:
      ids: {Type: List, ValueSelector: '.Instances.Instance[].InstanceId'}
      linux: {Type: List, ValueSelector: '.Instances.Instance[] | select(.OSType == \"linux\") | .InstanceId'}
      count: {Type: Number, ValueSelector: '.Instances.Instance | length'}
Outputs:
  ids: {Type: List, Value: '{{ describe.ids }}'}
  linux: {Type: String, Value: {'Fn::Select': [0, '{{ describe.linux }}']}}
  second: {Type: String, Value: {'Fn::Jq': [First, '.[1]', '{{ describe.ids }}']}}
  many: {Type: Boolean, Value: {'Fn::Not': [{'Fn::Equals': ['{{ describe.count }}', 1]}]}}
  where: {Type: String, Value: '{{ ACS::ExecutionId }} in {{ region }} at {{ ACS::CurrentDate }}'}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let got = outputs(&done);
    assert_eq!(got["ids"], json!(["i-1", "i-2"]));
    assert_eq!(got["linux"], "i-1");
    assert_eq!(got["second"], "i-2");
    assert_eq!(got["many"], true);
    let id = done["ExecutionId"].as_str().unwrap();
    assert!(
        got["where"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{id} in cn-hangzhou at 20")),
        "{got}"
    );
    let calls = calls(&emulator).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["Service"], "ECS");
    assert_eq!(
        calls[0]["Parameters"],
        json!({"RegionId": "cn-hangzhou", "Tag": "a-b"})
    );
    assert_eq!(calls[0]["ExecutionId"], id);
    assert_eq!(calls[0]["Stubbed"], true);
}

#[tokio::test]
async fn default_stubs_let_a_template_proceed_and_every_call_is_recorded() {
    let emulator = emulator().await;
    let body = "Tasks:
  - Name: create
    Action: ACS::ExecuteAPI
    Properties: {Service: VPC, API: CreateVpc, Parameters: {CidrBlock: 10.0.0.0/8}}
    Outputs:
      vpcId: {Type: String, ValueSelector: .VpcId}
  - Name: ready
    Action: ACS::WaitFor
    Properties:
      Service: VPC
      API: DescribeVpcs
      Parameters: {VpcId: '{{ create.vpcId }}'}
      PropertySelector: .Vpcs.Vpc[].Status
      DesiredValues: [Available]
  - Name: check
    Action: ACS::CheckFor
    Properties: {Service: VPC, API: DescribeVpcs, PropertySelector: '.Vpcs.Vpc[].Status', DesiredValues: [Available]}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let calls = calls(&emulator).await;
    let made: Vec<_> = calls
        .iter()
        .map(|c| c["Action"].as_str().unwrap())
        .collect();
    assert_eq!(made, ["CreateVpc", "DescribeVpcs", "DescribeVpcs"]);
    assert!(calls
        .iter()
        .all(|c| c["Stubbed"] == false && c["Response"]["RequestId"].is_string()));
}

#[tokio::test]
async fn wait_for_polls_a_stubbed_sequence_on_the_clock_and_retries_give_up() {
    let emulator = emulator().await;
    let (status, added) = add_stub(
        &emulator,
        json!({"Service": "ECS", "Action": "DescribeInstances", "Parameters": {"InstanceId": "i-1"},
               "Responses": [{"Status": "Starting"}, {"Status": "Starting"}, {"Status": "Running"}]}),
    )
    .await;
    assert_eq!((status, added), (200, json!({"Added": 1})));
    let body = "Parameters:
  id: {Type: String}
Tasks:
  - Name: wait
    Action: ACS::WaitFor
    Delay: 10
    Retries: 3
    Properties:
      Service: ECS
      API: DescribeInstances
      Parameters: {InstanceId: '{{ id }}'}
      PropertySelector: .Status
      DesiredValues: [Running]
";
    let done = run(&emulator, body, json!({"id": "i-1"})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    // Three polls, two waits of ten seconds between them, each poll one second.
    let took = crate::common::seconds_between(&done["StartDate"], &done["EndDate"]);
    assert!((22..=24).contains(&took), "{took} s");
    assert_eq!(calls(&emulator).await.len(), 3);

    // Another instance never starts: three retries, exponential, then the task fails.
    emulator.stub(
        Stub::new("ECS", "DescribeInstances", json!({"Status": "Starting"}))
            .matching(json!({"InstanceId": "i-2"})),
    );
    let exponential = body.replace(
        "    Retries: 3\n",
        "    Retries: 3\n    DelayType: Exponential\n    BackOff: 2\n",
    );
    let done = run(&emulator, &exponential, json!({"id": "i-2"})).await;
    assert_eq!(done["Status"], "Failed");
    assert_eq!(
        done["StatusMessage"],
        "Task wait failed: the check did not hold: .Status is `Starting`, not one of Running"
    );
    let took = crate::common::seconds_between(&done["StartDate"], &done["EndDate"]);
    // Waits of 10, 20 and 40 seconds, four polls.
    assert!((73..=76).contains(&took), "{took} s");

    // A value among StopRetryValues fails the task at its first poll, whatever its Retries.
    emulator.stub(
        Stub::new("ECS", "DescribeInstances", json!({"Status": "Deleted"}))
            .matching(json!({"InstanceId": "i-3"})),
    );
    let stopping = body.replace(
        "      DesiredValues: [Running]\n",
        "      DesiredValues: [Running]\n      StopRetryValues: [Deleted]\n",
    );
    let before = calls(&emulator).await.len();
    let done = run(&emulator, &stopping, json!({"id": "i-3"})).await;
    assert_eq!(done["Status"], "Failed");
    assert_eq!(
        done["StatusMessage"],
        "Task wait failed: The value is one of the StopRetryValues: .Status is `Deleted`"
    );
    assert_eq!(calls(&emulator).await.len(), before + 1);
    let took = crate::common::seconds_between(&done["StartDate"], &done["EndDate"]);
    assert!(took <= 2, "{took} s");

    let (status, refused) = add_stub(&emulator, json!({"Service": "ECS"})).await;
    assert_eq!(status, 400);
    assert_eq!(refused["Message"], "not a stub: missing field `Action`");
}

/// `{{ ACS::RegionId }}` is the region the execution was started in (the request's
/// `RegionId`), in its child executions too; `cn-hangzhou` when the request names none.
#[tokio::test]
async fn acs_region_id_is_the_region_the_execution_was_started_in() {
    let child = format!("{HEAD}Tasks:\n  - Name: inner\n    Action: ACS::ExecuteAPI\n    Properties: {{Service: ECS, API: Inner, Parameters: {{Region: '{{{{ ACS::RegionId }}}}'}}}}\n");
    let emulator = Emulator::builder()
        .clock_speed(FAST)
        .data(oos_emulator::Data::new().with_template("child", child))
        .start()
        .await
        .unwrap();
    let content = format!(
        "{HEAD}Parameters:
  regionId: {{Type: String, Default: '{{{{ ACS::RegionId }}}}'}}
Tasks:
  - Name: outer
    Action: ACS::ExecuteAPI
    Properties: {{Service: ECS, API: Outer, Parameters: {{RegionId: '{{{{ regionId }}}}'}}}}
  - Name: nested
    Action: ACS::Template
    Properties: {{TemplateName: child}}
"
    );
    for (region, want) in [(Some("cn-shanghai"), "cn-shanghai"), (None, "cn-hangzhou")] {
        let mut params = vec![("TemplateContent", content.as_str())];
        params.extend(region.map(|r| ("RegionId", r)));
        let answer = call(&emulator, "StartExecution", &params).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let id = answer.body["Execution"]["ExecutionId"].as_str().unwrap();
        let done = finished(&emulator, id).await;
        assert_eq!(done["Status"], "Success", "{done}");
        let made: Vec<_> = calls(&emulator)
            .await
            .into_iter()
            .rev()
            .take(2)
            .map(|c| (c["Action"].clone(), c["Parameters"].clone()))
            .collect();
        assert_eq!(
            made,
            [
                (json!("Inner"), json!({"Region": want})),
                (json!("Outer"), json!({"RegionId": want})),
            ],
            "{region:?}"
        );
    }

    // A trigger's child executions run in the trigger's region, and so do theirs.
    let trigger = format!(
        "{HEAD}Tasks:
  - Name: on
    Action: ACS::EventTrigger
    Properties: {{Product: ECS, Name: ['Instance:StateChange']}}
  - Name: nested
    Action: ACS::Template
    Properties: {{TemplateName: child}}
"
    );
    let params = [
        ("TemplateContent", trigger.as_str()),
        ("RegionId", "cn-beijing"),
    ];
    let answer = call(&emulator, "StartExecution", &params).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let id = answer.body["Execution"]["ExecutionId"].as_str().unwrap();
    let started = emulator
        .send_event(
            "Event",
            json!({"product": "ECS", "name": "Instance:StateChange"}),
        )
        .unwrap();
    let child = started[0].as_str();
    assert_eq!(finished(&emulator, child).await["Status"], "Success");
    let last = calls(&emulator).await.pop().unwrap();
    assert_eq!(last["Parameters"], json!({"Region": "cn-beijing"}));
    call(&emulator, "CancelExecution", &[("ExecutionId", id)]).await;
}

/// The functions OOS documents that Alibaba's templates do not use are evaluated too, not
/// passed on as data; the one that needs maintenance windows is the emulator's limit.
#[tokio::test]
async fn the_documented_functions_outside_the_corpus_are_evaluated() {
    let emulator = emulator().await;
    let body = "Parameters:
  sizes: {Type: List, Default: [3, '12', 7.5]}
Tasks:
  - Name: nap
    Action: ACS::Sleep
    Properties: {Duration: 1s}
Outputs:
  min: {Type: Number, Value: {'Fn::Min': '{{ sizes }}'}}
  max: {Type: Number, Value: {'Fn::Max': [3, '12', 7.5]}}
  union: {Type: List, Value: {'Fn::Union': [[a, b, c], [b, d], [e]]}}
  difference: {Type: List, Value: {'Fn::Difference': [[a, b, c, d], [b, d, e]]}}
  intersection: {Type: List, Value: {'Fn::Intersection': [[a, b, c, d], [b, d, e], [d, b]]}}
  mapJoin: {Type: Json, Value: {'Fn::MapJoin': [[a, b], [1, x]]}}
  inside: {Type: Boolean, Value: {'Fn::IsIpInCIDR': ['192.168.1.20', '192.168.1.0/24']}}
  outside: {Type: Boolean, Value: {'Fn::IsIpInCIDR': ['192.168.2.20', '192.168.1.0/24']}}
  inside6: {Type: Boolean, Value: {'Fn::IsIpInCIDR': ['2001:db8::1', '2001:db8::/32']}}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    let outputs: Value = serde_json::from_str(done["Outputs"].as_str().unwrap()).unwrap();
    assert_eq!(
        outputs,
        json!({
            "min": 3, "max": 12,
            "union": ["a", "b", "c", "d", "e"],
            "difference": ["a", "c", "e"],
            "intersection": ["b", "d"],
            "mapJoin": {"a": 1, "b": "x"},
            "inside": true, "outside": false, "inside6": true,
        })
    );

    let window = "Tasks:
  - Name: next
    Action: ACS::Sleep
    Properties:
      Duration:
        Fn::CalculateTimeByOpsWindow: ['{{ ACS::CurrentUTCTime }}', {StartTime: '01:00:00Z', EndTime: '02:00:00Z'}]
";
    let done = run(&emulator, window, json!({})).await;
    assert_eq!(done["Status"], "Failed");
    assert!(
        done["StatusMessage"]
            .as_str()
            .unwrap()
            .starts_with("Unsupported by the emulator: Fn::CalculateTimeByOpsWindow"),
        "{done}"
    );
}

/// A sequence may answer errors before it answers: a call that fails for a while and then
/// succeeds, for `Retries` to get past.
#[tokio::test]
async fn a_sequence_of_errors_then_an_answer_is_retried_to_success() {
    let emulator = emulator().await;
    let (status, added) = add_stub(
        &emulator,
        json!({"Service": "ECS", "Action": "StartInstance",
               "Responses": [
                   {"Error": {"Code": "Throttling", "Message": "slow down"}},
                   {"Error": {"Code": "IncorrectInstanceStatus", "Message": "not yet"}},
                   {"InstanceId": "i-1"}]}),
    )
    .await;
    assert_eq!((status, added), (200, json!({"Added": 1})));
    let body = "Tasks:
  - Name: start
    Action: ACS::ExecuteAPI
    Retries: 3
    Delay: 5
    Properties: {Service: ECS, API: StartInstance}
    Outputs:
      id: {Type: String, ValueSelector: .InstanceId}
Outputs:
  id: {Type: String, Value: '{{ start.id }}'}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(done["Outputs"], json!({"id": "i-1"}).to_string());
    // Three calls, two waits of five seconds between them, each call one second.
    let took = crate::common::seconds_between(&done["StartDate"], &done["EndDate"]);
    assert!((12..=14).contains(&took), "{took} s");
    let calls = calls(&emulator).await;
    let answered: Vec<_> = calls
        .iter()
        .map(|c| (c["Error"]["Code"].clone(), c["Response"].clone()))
        .collect();
    assert_eq!(
        answered,
        [
            (json!("Throttling"), Value::Null),
            (json!("IncorrectInstanceStatus"), Value::Null),
            (Value::Null, json!({"InstanceId": "i-1"})),
        ]
    );

    // Without retries, the first error fails the task with it.
    add_stub(
        &emulator,
        json!({"Service": "ECS", "Action": "StopInstance",
               "Responses": [{"Error": {"Code": "Throttling", "Message": "slow down"}}, {}]}),
    )
    .await;
    let once = "Tasks:
  - Name: stop
    Action: ACS::ExecuteAPI
    Properties: {Service: ECS, API: StopInstance}
";
    let done = run(&emulator, once, json!({})).await;
    assert_eq!(
        done["StatusMessage"],
        "Task stop failed: ECS StopInstance answered Throttling: slow down"
    );

    // An error in a sequence needs its Code, as a stub's Error does.
    let (status, refused) = add_stub(
        &emulator,
        json!({"Service": "ECS", "Action": "X", "Responses": [{"Error": {"Message": "no code"}}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(refused["Message"], "stub 1: an Error needs a Code");
}

#[tokio::test]
async fn a_stubbed_error_fails_the_task_with_the_service_s_code() {
    let emulator = emulator().await;
    add_stub(&emulator, json!({"Service": "RAM", "Action": "CreateRole", "Error": {"Code": "EntityAlreadyExists.Role", "Message": "The role exists."}})).await;
    let body = "Tasks:
  - Name: role
    Action: ACS::ExecuteAPI
    Properties: {Service: RAM, API: CreateRole}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(
        done["StatusMessage"],
        "Task role failed: RAM CreateRole answered EntityAlreadyExists.Role: The role exists."
    );
}

#[tokio::test]
async fn loops_run_in_batches_by_rate_control_and_gather_outputs() {
    let emulator = emulator().await;
    let body = "Parameters:
  ids: {Type: List, Default: [i-1, i-2, i-3, i-4, i-5]}
  rateControl:
    Type: Json
    Default: {Mode: Batch, Batch: [1, 2], MaxErrors: 0}
Tasks:
  - Name: each
    Action: ACS::Sleep
    Properties: {Duration: PT1M}
    Loop:
      Items: '{{ ids }}'
      RateControl: '{{ rateControl }}'
      Outputs:
        items: {AggregateType: 'Fn::ListJoin', AggregateField: item}
    Outputs:
      item: {Type: String, ValueSelector: .item}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    // Batches of 1, 2 and 2 (the last size repeats): three minutes.
    let took = crate::common::seconds_between(&done["StartDate"], &done["EndDate"]);
    assert_eq!(took, 180);
    let id = done["ExecutionId"].as_str().unwrap();
    let items: Vec<_> = tasks(&emulator, id)
        .await
        .into_iter()
        .skip(1)
        .map(|t| t.2)
        .collect();
    assert_eq!(items, ["i-1", "i-2", "i-3", "i-4", "i-5"]);

    let concurrency = body.replace(
        "{Mode: Batch, Batch: [1, 2], MaxErrors: 0}",
        "{Mode: Concurrency, Concurrency: 5, MaxErrors: 0}",
    );
    let done = run(&emulator, &concurrency, json!({})).await;
    assert_eq!(
        crate::common::seconds_between(&done["StartDate"], &done["EndDate"]),
        60
    );
}

#[tokio::test]
async fn child_templates_product_actions_and_public_templates() {
    let dir = std::env::temp_dir().join(format!("oos-emulator-public-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(
        dir.join("actions/ACS::Demo::Greet.yml"),
        format!("{HEAD}Parameters:\n  who: {{Type: String}}\nTasks:\n  - Name: say\n    Action: ACS::ExecuteAPI\n    Properties: {{Service: Demo, API: Greet, Parameters: {{Who: '{{{{ who }}}}'}}}}\n    Outputs:\n      text: {{Type: String, ValueSelector: .Text}}\nOutputs:\n  greeting: {{Type: String, Value: '{{{{ say.text }}}}'}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("Demo-Hello.yml"),
        format!("{HEAD}Description:\n  en: Says hello\n  zh-cn: 你好\nParameters:\n  name: {{Type: String, Default: world}}\nTasks:\n  - Name: greet\n    Action: ACS::Demo::Greet\n    Properties: {{who: '{{{{ name }}}}', OOSAssumeRole: ''}}\n    Outputs:\n      greeting: {{Type: String, ValueSelector: .greeting}}\nOutputs:\n  said: {{Type: String, Value: '{{{{ greet.greeting }}}}'}}\n"),
    )
    .unwrap();
    let emulator = Emulator::builder()
        .public_templates(&dir)
        .unwrap()
        .clock_speed(FAST)
        .stub(Stub::new("Demo", "Greet", json!({"Text": "hello"})))
        .start()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let listed = call(&emulator, "ListTemplates", &[("ShareType", "Public")]).await;
    let names = field(listed.body["Templates"].as_array().unwrap(), "TemplateName");
    assert_eq!(names.len(), 2, "{names:?}");
    let got = call(&emulator, "GetTemplate", &[("TemplateName", "Demo-Hello")]).await;
    assert_eq!(got.body["Template"]["ShareType"], "Public");
    let description: Value =
        serde_json::from_str(got.body["Template"]["Description"].as_str().unwrap()).unwrap();
    assert_eq!(description, json!({"en": "Says hello", "zh-cn": "你好"}));

    // Started by name, the product action runs from its definition as a child execution.
    let started = call(
        &emulator,
        "StartExecution",
        &[("TemplateName", "Demo-Hello")],
    )
    .await;
    let id = started.body["Execution"]["ExecutionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = finished(&emulator, &id).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(outputs(&done), json!({"said": "hello"}));
    let children = call(&emulator, "ListExecutions", &[("ParentExecutionId", &id)]).await;
    assert_eq!(
        children.body["Executions"][0]["TemplateName"],
        "ACS::Demo::Greet"
    );
    assert_eq!(
        calls(&emulator).await[0]["Parameters"],
        json!({"Who": "world"})
    );

    // ACS::Template runs a template by name; a product action with no definition is a stub.
    let body = "Tasks:
  - Name: child
    Action: ACS::Template
    Properties: {TemplateName: Demo-Hello, Parameters: {name: you}}
    Outputs:
      said: {Type: String, ValueSelector: .said}
  - Name: elsewhere
    Action: ACS::ECS::StopInstance
    Properties: {instanceId: i-1}
Outputs:
  said: {Type: String, Value: '{{ child.said }}'}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(outputs(&done), json!({"said": "hello"}));
    let last = calls(&emulator).await.pop().unwrap();
    assert_eq!(
        (last["Service"].as_str(), last["Action"].as_str()),
        (Some("ECS"), Some("StopInstance"))
    );
}

#[tokio::test]
async fn a_child_template_at_a_version_takes_the_parameters_that_version_declares() {
    let emulator = emulator().await;
    let version = |parameter: &str| {
        format!(
            "{HEAD}Parameters:\n  {parameter}: {{Type: String}}\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties: {{Duration: PT1S}}\nOutputs:\n  said: {{Type: String, Value: '{{{{ {parameter} }}}}'}}\n"
        )
    };
    ok(
        &emulator,
        "CreateTemplate",
        &[("TemplateName", "Versioned"), ("Content", &version("old"))],
    )
    .await;
    ok(
        &emulator,
        "UpdateTemplate",
        &[("TemplateName", "Versioned"), ("Content", &version("new"))],
    )
    .await;
    let body = "Tasks:
  - Name: child
    Action: ACS::Template
    Properties: {TemplateName: Versioned, TemplateVersion: v1, Parameters: {old: hi}}
    Outputs:
      said: {Type: String, ValueSelector: .said}
Outputs:
  said: {Type: String, Value: '{{ child.said }}'}
";
    let done = run(&emulator, body, json!({})).await;
    assert_eq!(done["Status"], "Success", "{done}");
    assert_eq!(outputs(&done), json!({"said": "hi"}));
}

#[tokio::test]
async fn notify_select_targets_triggers_and_state_templates() {
    let emulator = emulator().await;
    let in_an_hour = crate::common::timestamp(3600);
    let body = "Parameters:
  targets: {Type: Json, Default: {Type: ResourceIds, ResourceIds: [i-1, i-2]}}
Tasks:
  - Name: timer
    Action: ACS::TimerTrigger
    Properties: {Type: at, Expression: 'IN_AN_HOUR'}
  - Name: pick
    Action: ACS::SelectTargets
    Properties:
      ResourceType: ALIYUN::ECS::Instance
      Filters: ['{{ targets }}']
    Outputs:
      ids: {Type: List, ValueSelector: 'Instances.Instance[].InstanceId'}
  - Name: tell
    Action: ACS::Notify
    Properties:
      NotifyType: WebHook
      WebHook: {URI: 'https://hooks.example/x', Content: '{{ pick.ids }}'}
Outputs:
  ids: {Type: List, Value: '{{ pick.ids }}'}
"
    .replace("IN_AN_HOUR", &in_an_hour);
    let id = start(&emulator, &body, json!({})).await;
    let done = finished(&emulator, &id).await;
    // An `at` timer fires once, an emulated hour later, and its execution ends with it; the
    // tasks after the trigger ran in the child execution it started.
    assert_eq!(done["Status"], "Success", "{done}");
    assert!(crate::common::seconds_between(&done["StartDate"], &done["EndDate"]) >= 3600);
    let children = ok(&emulator, "ListExecutions", &[("ParentExecutionId", &id)]).await;
    let child = children["Executions"][0]["ExecutionId"].as_str().unwrap();
    let child = finished(&emulator, child).await;
    assert_eq!(child["Status"], "Success", "{child}");
    assert_eq!(outputs(&child), json!({"ids": ["i-1", "i-2"]}));
    let done = execution(&emulator, &id).await;
    assert_eq!(done["LastTriggerStatus"], "Success", "{done}");
    assert_eq!(
        serde_json::from_str::<Value>(done["LastTriggerOutputs"].as_str().unwrap()).unwrap(),
        json!({"ids": ["i-1", "i-2"]})
    );
    let notified = calls(&emulator)
        .await
        .into_iter()
        .find(|c| c["Service"] == "Notify")
        .unwrap();
    assert_eq!(
        notified["Parameters"]["WebHook"]["Content"],
        json!(["i-1", "i-2"])
    );

    let states = "States:\n  - ResourceType: 'ACS:Inventory'\n    Properties: {Policy: {}}\n";
    let content = format!("FormatVersion: OOS-2019-06-01-State\n{states}");
    let answer = call(
        &emulator,
        "StartExecution",
        &[("TemplateContent", &content)],
    )
    .await;
    let id = answer.body["Execution"]["ExecutionId"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(execution(&emulator, &id).await["Status"], "Waiting");
    call(
        &emulator,
        "NotifyExecution",
        &[("ExecutionId", &id), ("NotifyType", "Approve")],
    )
    .await;
    assert_eq!(finished(&emulator, &id).await["Status"], "Success");
}

#[tokio::test]
async fn start_execution_checks_parameters_against_the_template() {
    let emulator = emulator().await;
    let content = format!("{HEAD}Parameters:\n  size: {{Type: Number, MaxValue: 64}}\n  mode: {{Type: String, AllowedValues: [a, b], Default: a}}\n  disk: {{Type: String, AllowedPattern: 'd-[a-z0-9]+', Default: d-1}}\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties: {{Duration: PT1S}}\n");
    for (given, says) in [
        (json!({}), "the template's parameter size is required"),
        (
            json!({"size": 1, "mode": "c"}),
            "parameter mode is \"c\", not one of its AllowedValues",
        ),
        (
            json!({"size": "big"}),
            "parameter size is \"big\", not of its Type Number",
        ),
        (
            json!({"size": 1, "extra": 1}),
            "the template declares no parameter extra",
        ),
        (
            json!({"size": 65}),
            "parameter size is 65, more than its MaxValue 64",
        ),
        (
            json!({"size": 1, "disk": "vol-1"}),
            "parameter disk is \"vol-1\", not matched by its AllowedPattern d-[a-z0-9]+",
        ),
    ] {
        let answer = call(
            &emulator,
            "StartExecution",
            &[
                ("TemplateContent", &content),
                ("Parameters", &given.to_string()),
            ],
        )
        .await;
        answer.assert_error(400, "InvalidParameter");
        assert!(
            answer.message().contains(says),
            "{given}: {}",
            answer.message()
        );
    }
}
