//! Tags over real HTTP, on templates, executions, parameters and secret parameters: given at
//! creation or added later, listed, filtered on, and removed.

use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::json;

use crate::common::{call, call_rpc, ok};

/// `(id, key, value)` of each line of `ListTagResources`.
async fn tagged(
    emulator: &RunningEmulator,
    kind: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String, String)> {
    let mut params = vec![("RegionId", "cn-hangzhou"), ("ResourceType", kind)];
    params.extend_from_slice(extra);
    let body = ok(emulator, "ListTagResources", &params).await;
    body["TagResources"]["TagResource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["ResourceType"], kind);
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (s("ResourceId"), s("TagKey"), s("TagValue"))
        })
        .collect()
}

fn line(id: &str, key: &str, value: &str) -> (String, String, String) {
    (id.to_owned(), key.to_owned(), value.to_owned())
}

#[tokio::test]
async fn tags_given_at_creation_and_later_are_listed_and_removed() {
    let emulator = Emulator::builder()
        .data(Data::new().with_template("t1", "{\"Tasks\": []}"))
        .start()
        .await
        .unwrap();
    ok(
        &emulator,
        "CreateParameter",
        &[
            ("Name", "p1"),
            ("Type", "String"),
            ("Value", "v"),
            ("Tags", r#"{"env":"test"}"#),
        ],
    )
    .await;
    ok(
        &emulator,
        "CreateSecretParameter",
        &[
            ("Name", "s1"),
            ("Value", "v"),
            ("Tags", r#"{"env":"prod"}"#),
        ],
    )
    .await;
    let started = ok(
        &emulator,
        "StartExecution",
        &[("TemplateName", "t1"), ("Tags", r#"{"run":"nightly"}"#)],
    )
    .await;
    let execution = started["Execution"]["ExecutionId"].as_str().unwrap();

    let region = ("RegionId", "cn-hangzhou");
    ok(
        &emulator,
        "TagResources",
        &[
            region,
            ("ResourceType", "template"),
            ("ResourceIds", r#"["t1"]"#),
            ("Tags", r#"{"team":"sre","env":"test"}"#),
        ],
    )
    .await;
    assert_eq!(
        tagged(&emulator, "template", &[]).await,
        [line("t1", "env", "test"), line("t1", "team", "sre")]
    );
    assert_eq!(
        tagged(&emulator, "parameter", &[]).await,
        [line("p1", "env", "test")]
    );
    assert_eq!(
        tagged(&emulator, "secretparameter", &[]).await,
        [line("s1", "env", "prod")]
    );
    assert_eq!(
        tagged(&emulator, "execution", &[]).await,
        [line(execution, "run", "nightly")]
    );
    assert_eq!(
        tagged(&emulator, "template", &[("ResourceIds", r#"["other"]"#)]).await,
        Vec::<(String, String, String)>::new()
    );

    // The other actions see the same tags.
    let templates = ok(&emulator, "ListTemplates", &[("Tags", r#"{"team":"sre"}"#)]).await;
    assert_eq!(templates["Templates"][0]["TemplateName"], "t1");
    let parameters = ok(
        &emulator,
        "ListParameters",
        &[("Tags", r#"{"env":"test"}"#)],
    )
    .await;
    assert_eq!(parameters["Parameters"][0]["Name"], "p1");

    let keys = ok(&emulator, "ListTagKeys", &[("ResourceType", "template")]).await;
    assert_eq!(keys["Keys"], json!(["env", "team"]));
    let every_key = ok(&emulator, "ListTagKeys", &[]).await;
    assert_eq!(every_key["Keys"], json!(["env", "run", "team"]));
    let values = call_rpc(&emulator, "ListTagValues", &[("Key", "env")]).await;
    assert_eq!(
        values.body["Values"],
        json!(["prod", "test"]),
        "{}",
        values.text
    );

    ok(
        &emulator,
        "UntagResources",
        &[
            region,
            ("ResourceType", "template"),
            ("ResourceIds", r#"["t1"]"#),
            ("TagKeys", r#"["env"]"#),
        ],
    )
    .await;
    assert_eq!(
        tagged(&emulator, "template", &[]).await,
        [line("t1", "team", "sre")]
    );
    ok(
        &emulator,
        "UntagResources",
        &[
            region,
            ("ResourceType", "parameter"),
            ("ResourceIds", r#"["p1"]"#),
            ("All", "true"),
        ],
    )
    .await;
    assert!(tagged(&emulator, "parameter", &[]).await.is_empty());
}

#[tokio::test]
async fn tagging_what_is_not_there_changes_nothing() {
    let emulator = Emulator::builder()
        .data(Data::new().with_template("t1", "{}"))
        .start()
        .await
        .unwrap();
    let region = ("RegionId", "cn-hangzhou");
    for (kind, code) in [
        ("template", "EntityNotExists.Template"),
        ("parameter", "EntityNotExists.Parameter"),
        ("secretparameter", "EntityNotExists.Parameter"),
        ("execution", "EntityNotExists.Execution"),
        ("application", "EntityNotExists.Application"),
    ] {
        call(
            &emulator,
            "TagResources",
            &[
                region,
                ("ResourceType", kind),
                ("ResourceIds", r#"["t1","nope"]"#),
                ("Tags", r#"{"a":"b"}"#),
            ],
        )
        .await
        .assert_error(404, code);
    }
    assert!(tagged(&emulator, "template", &[]).await.is_empty());
    call(
        &emulator,
        "TagResources",
        &[
            region,
            ("ResourceType", "bucket"),
            ("ResourceIds", r#"["t1"]"#),
            ("Tags", r#"{"a":"b"}"#),
        ],
    )
    .await
    .assert_error(400, "InvalidParameter");
    call(
        &emulator,
        "UntagResources",
        &[
            region,
            ("ResourceType", "template"),
            ("ResourceIds", r#"["t1"]"#),
        ],
    )
    .await
    .assert_error(400, "MissingParameter");
}
