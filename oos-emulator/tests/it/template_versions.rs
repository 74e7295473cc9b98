//! Templates created, updated into new versions, read back at each version, validated and
//! deleted, over real HTTP; executions run the version they were started on.

use oos_emulator::{Data, Emulator};
use serde_json::{json, Value};

use crate::common::{call, call_rpc, field, ok};

const V1: &str = r#"{"FormatVersion": "OOS-2019-06-01", "Description": "first", "Tasks": [{"Name": "one", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]}"#;
const V2: &str = "FormatVersion: OOS-2019-06-01\nDescription: second\nParameters:\n  name:\n    Type: String\nTasks:\n  - Name: two\n    Action: ACS::ExecuteAPI\n";
const V3: &str = r#"{"FormatVersion": "OOS-2019-06-01", "Description": "third", "Tasks": [{"Name": "three", "Action": "ACS::Approve"}]}"#;

#[tokio::test]
async fn a_template_updated_twice_has_three_versions_each_with_its_content() {
    let emulator = Emulator::builder().start().await.unwrap();
    let created = ok(
        &emulator,
        "CreateTemplate",
        &[
            ("TemplateName", "MyTemplate"),
            ("Content", V1),
            ("Tags", r#"{"team":"sre"}"#),
        ],
    )
    .await;
    assert_eq!(created["Template"]["TemplateVersion"], "v1");
    assert_eq!(created["Template"]["TemplateFormat"], "JSON");
    assert_eq!(created["Template"]["Description"], "first");
    call(
        &emulator,
        "CreateTemplate",
        &[("TemplateName", "MyTemplate"), ("Content", V1)],
    )
    .await
    .assert_error(409, "EntityAlreadyExists.Template");

    let second = ok(
        &emulator,
        "UpdateTemplate",
        &[
            ("TemplateName", "MyTemplate"),
            ("Content", V2),
            ("VersionName", "yaml"),
        ],
    )
    .await;
    assert_eq!(second["Template"]["TemplateVersion"], "v2");
    assert_eq!(second["Template"]["TemplateFormat"], "YAML");
    let third = call_rpc(
        &emulator,
        "UpdateTemplate",
        &[("TemplateName", "MyTemplate"), ("Content", V3)],
    )
    .await;
    assert_eq!(
        third.body["Template"]["TemplateVersion"], "v3",
        "{}",
        third.text
    );

    let versions = ok(
        &emulator,
        "ListTemplateVersions",
        &[("TemplateName", "MyTemplate")],
    )
    .await;
    let listed = versions["TemplateVersions"].as_array().unwrap();
    assert_eq!(field(listed, "TemplateVersion"), ["v3", "v2", "v1"]);
    assert_eq!(field(listed, "Description"), ["third", "second", "first"]);
    assert_eq!(field(listed, "VersionName"), ["", "yaml", ""]);
    for (version, content, format) in [("v1", V1, "JSON"), ("v2", V2, "YAML"), ("v3", V3, "JSON")] {
        let got = ok(
            &emulator,
            "GetTemplate",
            &[("TemplateName", "MyTemplate"), ("TemplateVersion", version)],
        )
        .await;
        assert_eq!(got["Content"], content);
        assert_eq!(got["Template"]["TemplateVersion"], version);
        assert_eq!(got["Template"]["TemplateFormat"], format);
    }
    let current = ok(&emulator, "GetTemplate", &[("TemplateName", "MyTemplate")]).await;
    assert_eq!(current["Content"], V3);
    assert_eq!(current["Template"]["Tags"], json!({"team": "sre"}));
    call(
        &emulator,
        "GetTemplate",
        &[("TemplateName", "MyTemplate"), ("TemplateVersion", "v4")],
    )
    .await
    .assert_error(404, "EntityNotExists.TemplateVersion");

    // An execution runs the version it was started on, whatever came after.
    let started = ok(
        &emulator,
        "StartExecution",
        &[
            ("TemplateName", "MyTemplate"),
            ("TemplateVersion", "v2"),
            ("Parameters", r#"{"name":"web"}"#),
        ],
    )
    .await;
    assert_eq!(started["Execution"]["TemplateVersion"], "v2");
    assert_eq!(started["Execution"]["CurrentTasks"][0]["TaskName"], "two");
    let id = started["Execution"]["ExecutionId"].as_str().unwrap();
    let template = ok(&emulator, "GetExecutionTemplate", &[("ExecutionId", id)]).await;
    assert_eq!(template["Content"], V2);
    assert_eq!(template["Template"]["TemplateVersion"], "v2");

    ok(
        &emulator,
        "DeleteTemplate",
        &[
            ("TemplateName", "MyTemplate"),
            ("AutoDeleteExecutions", "true"),
        ],
    )
    .await;
    call(&emulator, "GetTemplate", &[("TemplateName", "MyTemplate")])
        .await
        .assert_error(404, "EntityNotExists.Template");
    call(&emulator, "GetExecutionTemplate", &[("ExecutionId", id)])
        .await
        .assert_error(404, "EntityNotExists.Execution");
}

#[tokio::test]
async fn templates_are_checked_and_deleted_all_or_none() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    for (name, content, param) in [
        ("ACS-mine", V1, "\"TemplateName\""),
        ("has space", V1, "\"TemplateName\""),
        ("bad-json", "{\"Tasks\": [", "not valid JSON"),
        (
            "no-tasks",
            "{\"FormatVersion\": \"OOS-2019-06-01\"}",
            "no Tasks",
        ),
        (
            "nameless-task",
            "FormatVersion: OOS-2019-06-01\nTasks:\n  - Action: ACS::Sleep\n",
            "task 1 has no Name",
        ),
    ] {
        let answer = call(
            &emulator,
            "CreateTemplate",
            &[("TemplateName", name), ("Content", content)],
        )
        .await;
        let code = if param.contains("TemplateName") {
            "InvalidParameter"
        } else {
            "InvalidTemplate"
        };
        answer.assert_error(400, code);
        assert!(answer.message().contains(param), "{}", answer.message());
    }
    call(
        &emulator,
        "UpdateTemplate",
        &[("TemplateName", "ACS-ECS-RestartInstance"), ("Content", V1)],
    )
    .await
    .assert_error(400, "InvalidParameter");
    call(
        &emulator,
        "UpdateTemplate",
        &[("TemplateName", "nope"), ("Content", V1)],
    )
    .await
    .assert_error(404, "EntityNotExists.Template");
    for name in ["a", "b"] {
        ok(
            &emulator,
            "CreateTemplate",
            &[("TemplateName", name), ("Content", V1)],
        )
        .await;
    }
    call(
        &emulator,
        "DeleteTemplates",
        &[("TemplateNames", r#"["a","missing"]"#)],
    )
    .await
    .assert_error(404, "EntityNotExists.Template");
    ok(&emulator, "GetTemplate", &[("TemplateName", "a")]).await;
    ok(
        &emulator,
        "DeleteTemplates",
        &[("TemplateNames", r#"["a","b"]"#)],
    )
    .await;
    call(&emulator, "GetTemplate", &[("TemplateName", "b")])
        .await
        .assert_error(404, "EntityNotExists.Template");
}

#[tokio::test]
async fn content_is_validated_as_json_or_yaml() {
    let emulator = Emulator::builder().start().await.unwrap();
    let json = ok(&emulator, "ValidateTemplateContent", &[("Content", V1)]).await;
    assert_eq!(json["Tasks"][0]["Name"], "one");
    assert_eq!(json["Tasks"][0]["Type"], "ACS::Sleep");
    let properties: Value =
        serde_json::from_str(json["Tasks"][0]["Properties"].as_str().unwrap()).unwrap();
    assert_eq!(properties, json!({"Duration": "PT1S"}));
    let yaml = ok(&emulator, "ValidateTemplateContent", &[("Content", V2)]).await;
    assert_eq!(yaml["Tasks"][0]["Type"], "ACS::ExecuteAPI");
    let parameters: Value = serde_json::from_str(yaml["Parameters"].as_str().unwrap()).unwrap();
    assert_eq!(parameters, json!({"name": {"Type": "String"}}));
    // A State-type template's states are its tasks.
    let state = "FormatVersion: OOS-2019-06-01-State\nStates:\n  - ResourceType: 'ACS:Inventory'\n    Properties: {Policy: {}}\n  - Name: patch\n    ResourceType: 'ACS:Patch'\n";
    let states = ok(&emulator, "ValidateTemplateContent", &[("Content", state)]).await;
    let listed: Vec<(&str, &str)> = states["Tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["Name"].as_str().unwrap(), t["Type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [("state1", "ACS:Inventory"), ("patch", "ACS:Patch")]
    );
    let properties: Value =
        serde_json::from_str(states["Tasks"][0]["Properties"].as_str().unwrap()).unwrap();
    assert_eq!(properties, json!({"Policy": {}}));
    for (bad, says) in [
        ("Tasks: [", "line 2: the content is not valid YAML"),
        ("[1, 2]", "line 1: the template must be a map"),
        (
            "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: x\n",
            "line 3, task x: the task has no Action",
        ),
    ] {
        let answer = call(&emulator, "ValidateTemplateContent", &[("Content", bad)]).await;
        answer.assert_error(400, "InvalidTemplate");
        assert!(answer.message().contains(says), "{}", answer.message());
    }
    call(&emulator, "ValidateTemplateContent", &[])
        .await
        .assert_error(400, "MissingParameter");
}
