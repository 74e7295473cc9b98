//! `GetTemplate` and `ListTemplates` over real HTTP: content and metadata, filters,
//! sorting, paging and token binding, errors.

use crate::common;

use common::{all_pages, call, field};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::{json, Value};

/// 25 templates `tpl-00` ..= `tpl-24` with varied metadata.
fn templates() -> Value {
    let templates: Vec<Value> = (0..25)
        .map(|i| {
            let name = format!("tpl-{i:02}");
            let content = if i % 2 == 0 {
                json!({"FormatVersion": "OOS-2019-06-01", "Description": format!("template {i}"),
                       "Tasks": [{"Name": "first", "Action": "ACS::ExecuteAPI"}]})
                .to_string()
            } else {
                format!("FormatVersion: OOS-2019-06-01\nDescription: template {i}\nTasks: []\n")
            };
            json!({
                "TemplateName": name,
                "Content": content,
                "ShareType": if i % 3 == 0 { "Public" } else { "Private" },
                "Category": if i % 2 == 1 { "TimerTrigger" } else { "Other" },
                "HasTrigger": i % 2 == 1,
                "Tags": {"team": if i % 2 == 0 { "sre" } else { "dev" }, "n": i.to_string()},
                "TotalExecutionCount": (i * 7) % 5,
                "Popularity": i % 10,
                "CreatedBy": if i < 5 { "ACS" } else { "root(1467283095216845)" },
                "CreatedDate": format!("2024-01-{:02}T00:00:00Z", i + 1),
                "UpdatedDate": format!("2024-02-{:02}T00:00:00Z", 25 - i),
            })
        })
        .collect();
    json!({ "templates": templates })
}

async fn emulator() -> RunningEmulator {
    let data = Data::from_json(&templates().to_string()).unwrap();
    Emulator::builder().data(data).start().await.unwrap()
}

fn names(range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|i| format!("tpl-{i:02}")).collect()
}

#[tokio::test]
async fn get_template_answers_content_and_metadata() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let answer = call(
        &emulator,
        "GetTemplate",
        &[("TemplateName", "nightly-patching")],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.body["Content"]
        .as_str()
        .unwrap()
        .starts_with("FormatVersion: OOS-2019-06-01"));
    let template = &answer.body["Template"];
    assert_eq!(template["TemplateName"], "nightly-patching");
    assert_eq!(template["TemplateVersion"], "v3");
    assert_eq!(template["VersionName"], "weekly-window");
    assert_eq!(template["TemplateFormat"], "YAML");
    assert_eq!(template["ShareType"], "Private");
    assert_eq!(template["HasTrigger"], true);
    assert_eq!(template["Tags"], json!({"team": "sre"}));
    assert_eq!(template["Hash"].as_str().unwrap().len(), 64);
    assert!(template["TemplateId"].as_str().unwrap().starts_with("t-"));
    assert!(answer.body["RequestId"].is_string());

    let versioned = [
        ("TemplateName", "nightly-patching"),
        ("TemplateVersion", "v3"),
    ];
    assert_eq!(call(&emulator, "GetTemplate", &versioned).await.status, 200);

    let json_template = call(
        &emulator,
        "GetTemplate",
        &[("TemplateName", "ACS-ECS-RestartInstance")],
    )
    .await;
    assert_eq!(json_template.body["Template"]["TemplateFormat"], "JSON");
    assert_eq!(json_template.body["Template"]["CreatedBy"], "ACS");
    assert_eq!(
        json_template.body["Template"]["Description"],
        "Restarts an ECS instance"
    );
}

#[tokio::test]
async fn get_template_errors() {
    let emulator = emulator().await;
    let missing = call(&emulator, "GetTemplate", &[]).await;
    missing.assert_error(400, "MissingParameter");
    assert!(missing.message().contains("\"TemplateName\""));
    call(&emulator, "GetTemplate", &[("TemplateName", "")])
        .await
        .assert_error(400, "MissingParameter");
    let unknown = call(&emulator, "GetTemplate", &[("TemplateName", "nope")]).await;
    unknown.assert_error(404, "EntityNotExists.Template");
    assert_eq!(
        unknown.message(),
        "The specific template nope does not exist."
    );
    call(
        &emulator,
        "GetTemplate",
        &[("TemplateName", "tpl-01"), ("TemplateVersion", "v2")],
    )
    .await
    .assert_error(404, "EntityNotExists.TemplateVersion");
}

#[tokio::test]
async fn list_templates_sorts_by_execution_count_descending_by_default() {
    let emulator = emulator().await;
    let answer = call(&emulator, "ListTemplates", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["MaxResults"], 50);
    assert!(answer.body.get("NextToken").is_none());
    let templates = answer.body["Templates"].as_array().unwrap();
    assert_eq!(templates.len(), 25);
    let counts: Vec<i64> = templates
        .iter()
        .map(|t| t["TotalExecutionCount"].as_i64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // Ties: the order they were added in, reversed.
    let fours: Vec<String> = field(templates, "TemplateName")
        .into_iter()
        .filter(|n| {
            let i: usize = n[4..].parse().unwrap();
            (i * 7) % 5 == 4
        })
        .collect();
    assert_eq!(fours, ["tpl-22", "tpl-17", "tpl-12", "tpl-07", "tpl-02"]);
}

#[tokio::test]
async fn list_templates_pages_a_filtered_sorted_list() {
    let emulator = emulator().await;
    let params = [
        ("Category", "TimerTrigger"),
        ("SortField", "TemplateName"),
        ("SortOrder", "Ascending"),
    ];
    let (items, pages) = all_pages(&emulator, "ListTemplates", "Templates", &params, "3").await;
    assert_eq!(field(&items, "TemplateName"), names((1..25).step_by(2)));
    assert_eq!(pages, 4);

    let params = [("SortField", "CreatedDate"), ("Tags", r#"{"team":"sre"}"#)];
    let (items, pages) = all_pages(&emulator, "ListTemplates", "Templates", &params, "5").await;
    assert_eq!(
        field(&items, "TemplateName"),
        names((0..25).step_by(2).rev())
    );
    assert_eq!(pages, 3);

    let params = [("SortField", "UpdatedDate"), ("SortOrder", "Ascending")];
    let (items, _) = all_pages(&emulator, "ListTemplates", "Templates", &params, "7").await;
    assert_eq!(field(&items, "TemplateName"), names((0..25).rev()));

    let params = [("SortField", "Popularity"), ("TemplateName", "tpl-1")];
    let (items, _) = all_pages(&emulator, "ListTemplates", "Templates", &params, "4").await;
    assert_eq!(field(&items, "TemplateName"), names((10..20).rev()));
}

#[tokio::test]
async fn list_templates_filters() {
    let emulator = emulator().await;
    async fn listed(emulator: &RunningEmulator, params: &[(&str, &str)]) -> Vec<String> {
        let mut params = params.to_vec();
        params.extend([("SortField", "TemplateName"), ("SortOrder", "Ascending")]);
        let answer = call(emulator, "ListTemplates", &params).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        field(answer.body["Templates"].as_array().unwrap(), "TemplateName")
    }
    let cases: &[common::Case] = &[
        (&[("TemplateName", "tpl-2")], names(20..25)),
        (&[("ShareType", "Public")], names((0..25).step_by(3))),
        (&[("TemplateFormat", "YAML")], names((1..25).step_by(2))),
        (
            &[("TemplateFormat", "JSON"), ("ShareType", "Public")],
            names((0..25).step_by(6)),
        ),
        (&[("TemplateType", "Automation")], names(0..25)),
        (&[("TemplateType", "State")], vec![]),
        (&[("HasTrigger", "true")], names((1..25).step_by(2))),
        (&[("HasTrigger", "False")], names((0..25).step_by(2))),
        (&[("CreatedBy", "ACS")], names(0..5)),
        (&[("Tags", r#"{"team":"dev","n":"3"}"#)], names(3..4)),
        (&[("Tags", r#"{"team":"ops"}"#)], vec![]),
        (
            &[
                ("CreatedDateAfter", "2024-01-03T00:00:00Z"),
                ("CreatedDateBefore", "2024-01-05T00:00:00Z"),
            ],
            names(2..5),
        ),
        (
            &[("Category", "Other"), ("TemplateName", "tpl-0")],
            names((0..10).step_by(2)),
        ),
    ];
    for (params, expect) in cases {
        assert_eq!(&listed(&emulator, params).await, expect, "{params:?}");
    }
}

#[tokio::test]
async fn list_templates_tokens_are_bound_to_every_parameter() {
    let emulator = emulator().await;
    let first = call(
        &emulator,
        "ListTemplates",
        &[("Category", "TimerTrigger"), ("MaxResults", "5")],
    )
    .await;
    let token = first.body["NextToken"].as_str().unwrap().to_owned();
    let changed: &[&[(&str, &str)]] = &[
        &[("Category", "Other"), ("MaxResults", "5")],
        &[("Category", "TimerTrigger"), ("MaxResults", "6")],
        &[("Category", "TimerTrigger")],
        &[
            ("Category", "TimerTrigger"),
            ("MaxResults", "5"),
            ("SortOrder", "Ascending"),
        ],
        &[
            ("Category", "TimerTrigger"),
            ("MaxResults", "5"),
            ("Tags", "{}"),
        ],
        &[("MaxResults", "5")],
    ];
    for params in changed {
        let mut params = params.to_vec();
        params.push(("NextToken", &token));
        call(&emulator, "ListTemplates", &params)
            .await
            .assert_error(400, "InvalidNextTokenQuery");
    }
    // Another action's token is not this one's.
    let logs = Data::new().with_execution("exec-1", common::logs(30));
    emulator.replace_data(logs);
    let other = call(
        &emulator,
        "ListExecutionLogs",
        &[("ExecutionId", "exec-1"), ("MaxResults", "5")],
    )
    .await;
    let other = other.body["NextToken"].as_str().unwrap();
    call(
        &emulator,
        "ListTemplates",
        &[("MaxResults", "5"), ("NextToken", other)],
    )
    .await
    .assert_error(400, "InvalidNextTokenQuery");
    call(&emulator, "ListTemplates", &[("NextToken", "forged")])
        .await
        .assert_error(400, "InvalidNextToken");
}

#[tokio::test]
async fn list_templates_parameter_errors() {
    let emulator = emulator().await;
    for (name, value) in [
        ("SortField", "Name"),
        ("SortOrder", "Down"),
        ("Tags", "team=sre"),
        ("Tags", r#"{"team": 1}"#),
        ("Tags", "[]"),
        ("HasTrigger", "yes"),
        ("IsFavorite", "1"),
        ("CreatedDateBefore", "yesterday"),
        ("CreatedDateAfter", "2024-01-01"),
        ("MaxResults", "0"),
        ("MaxResults", "101"),
    ] {
        let answer = call(&emulator, "ListTemplates", &[(name, value)]).await;
        answer.assert_error(400, "InvalidParameter");
        assert!(answer.message().contains(name), "{}", answer.text);
    }
}

#[tokio::test]
async fn templates_load_from_a_data_file() {
    let path = std::env::temp_dir().join(format!(
        "oos-emulator-templates-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_string_pretty(&templates()).unwrap()).unwrap();
    let data = Data::from_file(&path);
    std::fs::write(
        &path,
        "{\"templates\": [\n  {\"TemplateName\": \"a\", \"Content\": 1}\n]}",
    )
    .unwrap();
    let bad = Data::from_file(&path).unwrap_err().to_string();
    std::fs::remove_file(&path).unwrap();
    assert!(bad.starts_with(&path.display().to_string()), "{bad}");
    assert!(bad.contains("line 2"), "{bad}");
    let emulator = Emulator::builder()
        .data(data.unwrap())
        .start()
        .await
        .unwrap();
    let answer = call(&emulator, "GetTemplate", &[("TemplateName", "tpl-03")]).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    // A YAML template's description is read from its content, as a JSON one's is.
    assert_eq!(answer.body["Template"]["Description"], "template 3");
    assert_eq!(answer.body["Template"]["TemplateFormat"], "YAML");
    assert_eq!(
        answer.body["Template"]["Tags"],
        json!({"team": "dev", "n": "3"})
    );
    assert_eq!(
        answer.body["Template"]["CreatedDate"],
        "2024-01-04T00:00:00Z"
    );
}
