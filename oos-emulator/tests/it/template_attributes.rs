//! `UpdateTemplateAttributes` and `GetTemplateParameterConstraints` on stored templates.

use crate::common;

use common::{call, ok};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::{json, Value};

const CONTENT: &str = r#"{"FormatVersion": "OOS-2019-06-01",
  "Parameters": {
    "regionId": {"Type": "String", "Default": "cn-hangzhou"},
    "instanceType": {"Type": "String", "AllowedValues": ["ecs.g6.large", "ecs.c6.large"],
                     "AssociationPropertyMetadata": {"RegionId": "regionId"}},
    "count": {"Type": "Number"}},
  "Tasks": [{"Name": "t", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]}"#;

async fn emulator() -> RunningEmulator {
    let data = Data::new().with_template("MyTemplate", CONTENT);
    Emulator::builder().data(data).start().await.unwrap()
}

async fn template(emulator: &RunningEmulator) -> Value {
    ok(emulator, "GetTemplate", &[("TemplateName", "MyTemplate")]).await["Template"].clone()
}

/// The accounts the template is shared with, read from `GetTemplate`.
async fn shared_accounts(emulator: &RunningEmulator) -> Vec<String> {
    let template = template(emulator).await;
    serde_json::from_str(template["SharedAccounts"].as_str().unwrap()).unwrap()
}

/// A request's parameters, and the status and code it must be refused with.
type Refusal<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);

/// Each request of `action` is refused with its status and code.
async fn refused(emulator: &RunningEmulator, action: &str, cases: &[Refusal<'_>]) {
    for (params, status, code) in cases {
        call(emulator, action, params)
            .await
            .assert_error(*status, code);
    }
}

#[tokio::test]
async fn favourites_and_sharing_change_the_template() {
    let emulator = emulator().await;
    ok(
        &emulator,
        "UpdateTemplateAttributes",
        &[("TemplateName", "MyTemplate"), ("IsFavorite", "true")],
    )
    .await;
    let favourites = ok(&emulator, "ListTemplates", &[("IsFavorite", "true")]).await;
    assert_eq!(
        favourites["Templates"][0]["TemplateName"], "MyTemplate",
        "{favourites}"
    );
    assert_eq!(favourites["Templates"][0]["IsFavorite"], true);

    let share = |action: &'static str, accounts: &'static str| {
        [
            ("TemplateName", "MyTemplate"),
            ("SharePermissionAction", action),
            ("AccountIds", accounts),
        ]
    };
    ok(
        &emulator,
        "UpdateTemplateAttributes",
        &share("Share", r#"["111","222"]"#),
    )
    .await;
    assert_eq!(shared_accounts(&emulator).await, ["111", "222"]);
    ok(
        &emulator,
        "UpdateTemplateAttributes",
        &share("Unshare", r#"["111"]"#),
    )
    .await;
    assert_eq!(shared_accounts(&emulator).await, ["222"]);
    // Attributes are no new version.
    assert_eq!(template(&emulator).await["TemplateVersion"], "v1");

    refused(
        &emulator,
        "UpdateTemplateAttributes",
        &[
            (
                &[("TemplateName", "Nope"), ("IsFavorite", "true")],
                404,
                "EntityNotExists.Template",
            ),
            (&share("Lend", r#"["1"]"#), 400, "InvalidParameter"),
            (&share("Share", "not json"), 400, "InvalidParameter"),
        ],
    )
    .await;
}

#[tokio::test]
async fn constraints_are_read_from_the_template_parameters() {
    let emulator = emulator().await;
    let expected = json!([
        {"ParameterKey": "regionId", "Type": "String", "AllowedValues": [], "AssociationParameterNames": []},
        {"ParameterKey": "instanceType", "Type": "String", "AllowedValues": ["ecs.g6.large", "ecs.c6.large"],
         "AssociationParameterNames": ["regionId"]},
        {"ParameterKey": "count", "Type": "Number", "AllowedValues": [], "AssociationParameterNames": []},
    ]);
    let sorted = |answer: Value| {
        let mut list = answer["ParameterConstraints"].as_array().unwrap().clone();
        list.sort_by_key(|c| c["ParameterKey"].as_str().unwrap().to_owned());
        Value::Array(list)
    };
    let mut expected = expected.as_array().unwrap().clone();
    expected.sort_by_key(|c| c["ParameterKey"].as_str().unwrap().to_owned());
    let expected = Value::Array(expected);
    let stored = ok(
        &emulator,
        "GetTemplateParameterConstraints",
        &[("TemplateName", "MyTemplate")],
    )
    .await;
    assert_eq!(sorted(stored), expected);
    let sent = ok(
        &emulator,
        "GetTemplateParameterConstraints",
        &[("TemplateContent", CONTENT)],
    )
    .await;
    assert_eq!(sorted(sent), expected);

    refused(
        &emulator,
        "GetTemplateParameterConstraints",
        &[
            (&[("TemplateName", "Nope")], 404, "EntityNotExists.Template"),
            (
                &[("TemplateName", "MyTemplate"), ("TemplateVersion", "v9")],
                404,
                "EntityNotExists.TemplateVersion",
            ),
            (
                &[("TemplateContent", "{not: [json")],
                400,
                "InvalidParameter",
            ),
        ],
    )
    .await;
}
