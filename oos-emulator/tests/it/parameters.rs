//! Parameter Store over real HTTP: common parameters and their versions, paths, and secret
//! parameters, whose values are kept encrypted and shown only when asked for.

use oos_emulator::{Emulator, RunningEmulator};
use serde_json::{json, Value};

use crate::common::{all_pages, call, call_rpc, field, ok, Answer};

async fn create(emulator: &RunningEmulator, name: &str, value: &str) -> Value {
    ok(
        emulator,
        "CreateParameter",
        &[("Name", name), ("Type", "String"), ("Value", value)],
    )
    .await
}

#[tokio::test]
async fn a_parameter_lives_through_its_versions() {
    let emulator = Emulator::builder().start().await.unwrap();
    let created = ok(
        &emulator,
        "CreateParameter",
        &[
            ("Name", "app-db-user"),
            ("Type", "String"),
            ("Value", "alice"),
            ("Description", "who connects"),
            ("Tags", r#"{"env":"test"}"#),
        ],
    )
    .await;
    let parameter = &created["Parameter"];
    assert_eq!(parameter["Name"], "app-db-user");
    assert_eq!(parameter["ParameterVersion"], 1);
    assert_eq!(parameter["Tags"], json!({"env": "test"}));
    assert!(parameter["Id"].as_str().unwrap().starts_with("p-"));
    assert!(parameter.get("Value").is_none(), "{parameter}");
    call(
        &emulator,
        "CreateParameter",
        &[
            ("Name", "app-db-user"),
            ("Type", "String"),
            ("Value", "bob"),
        ],
    )
    .await
    .assert_error(409, "EntityAlreadyExists.Parameter");

    let updated = ok(
        &emulator,
        "UpdateParameter",
        &[("Name", "app-db-user"), ("Value", "bob")],
    )
    .await;
    assert_eq!(updated["Parameter"]["ParameterVersion"], 2);
    let current = ok(&emulator, "GetParameter", &[("Name", "app-db-user")]).await;
    assert_eq!(
        (
            &current["Parameter"]["Value"],
            &current["Parameter"]["ParameterVersion"]
        ),
        (&json!("bob"), &json!(2))
    );
    let first = call_rpc(
        &emulator,
        "GetParameter",
        &[("Name", "app-db-user"), ("ParameterVersion", "1")],
    )
    .await;
    assert_eq!(first.body["Parameter"]["Value"], "alice", "{}", first.text);
    call(
        &emulator,
        "GetParameter",
        &[("Name", "app-db-user"), ("ParameterVersion", "9")],
    )
    .await
    .assert_error(404, "EntityNotExists.ParameterVersion");

    let versions = ok(
        &emulator,
        "ListParameterVersions",
        &[("Name", "app-db-user")],
    )
    .await;
    assert_eq!(versions["TotalCount"], 2);
    assert_eq!(versions["Name"], "app-db-user");
    assert_eq!(
        field(versions["ParameterVersions"].as_array().unwrap(), "Value"),
        ["bob", "alice"]
    );

    let several = ok(
        &emulator,
        "GetParameters",
        &[("Names", r#"["app-db-user","nope"]"#)],
    )
    .await;
    assert_eq!(
        field(several["Parameters"].as_array().unwrap(), "Value"),
        ["bob"]
    );
    assert_eq!(several["InvalidParameters"], json!(["nope"]));

    let listed = ok(&emulator, "ListParameters", &[]).await;
    assert_eq!(listed["TotalCount"], 1);
    assert!(listed["Parameters"][0].get("Value").is_none());

    ok(&emulator, "DeleteParameter", &[("Name", "app-db-user")]).await;
    for action in ["GetParameter", "DeleteParameter", "ListParameterVersions"] {
        call(&emulator, action, &[("Name", "app-db-user")])
            .await
            .assert_error(404, "EntityNotExists.Parameter");
    }
    call(
        &emulator,
        "UpdateParameter",
        &[("Name", "app-db-user"), ("Value", "x")],
    )
    .await
    .assert_error(404, "EntityNotExists.Parameter");
}

#[tokio::test]
async fn names_types_and_client_tokens() {
    let emulator = Emulator::builder().start().await.unwrap();
    for (name, kind) in [
        ("bad name", "String"),
        ("ACS-mine", "String"),
        ("ok", "Number"),
    ] {
        let answer = call(
            &emulator,
            "CreateParameter",
            &[("Name", name), ("Type", kind), ("Value", "v")],
        )
        .await;
        answer.assert_error(400, "InvalidParameter");
    }
    let params = [
        ("Name", "once"),
        ("Type", "StringList"),
        ("Value", "a,b"),
        ("ClientToken", "token-1"),
    ];
    let first = ok(&emulator, "CreateParameter", &params).await;
    let again = ok(&emulator, "CreateParameter", &params).await;
    assert_eq!(first["Parameter"]["Id"], again["Parameter"]["Id"]);
    assert_eq!(again["Parameter"]["Type"], "StringList");
}

#[tokio::test]
async fn paths_list_direct_children_or_everything_below() {
    let emulator = Emulator::builder().start().await.unwrap();
    for name in ["/app/a", "/app/b", "/app/sub/c", "/other/d", "/apple"] {
        create(&emulator, name, name).await;
    }
    let direct = ok(&emulator, "GetParametersByPath", &[("Path", "/app")]).await;
    assert_eq!(
        field(direct["Parameters"].as_array().unwrap(), "Name"),
        ["/app/a", "/app/b"]
    );
    assert_eq!(
        field(direct["Parameters"].as_array().unwrap(), "Value"),
        ["/app/a", "/app/b"]
    );
    let (all, pages) = all_pages(
        &emulator,
        "GetParametersByPath",
        "Parameters",
        &[("Path", "/app/"), ("Recursive", "true")],
        "1",
    )
    .await;
    assert_eq!(field(&all, "Name"), ["/app/a", "/app/b", "/app/sub/c"]);
    assert_eq!(pages, 3);
    let first = ok(
        &emulator,
        "GetParametersByPath",
        &[("Path", "/app"), ("MaxResults", "1")],
    )
    .await;
    let token = first["NextToken"].as_str().unwrap();
    call(
        &emulator,
        "GetParametersByPath",
        &[
            ("Path", "/other"),
            ("MaxResults", "1"),
            ("NextToken", token),
        ],
    )
    .await
    .assert_error(400, "InvalidNextTokenQuery");
    call(&emulator, "GetParametersByPath", &[("Path", "app")])
        .await
        .assert_error(400, "InvalidParameter");
    let listed = ok(
        &emulator,
        "ListParameters",
        &[
            ("Path", "/app"),
            ("Recursive", "true"),
            ("SortField", "Name"),
            ("SortOrder", "Ascending"),
        ],
    )
    .await;
    assert_eq!(
        field(listed["Parameters"].as_array().unwrap(), "Name"),
        ["/app/a", "/app/b", "/app/sub/c"]
    );
}

/// Every answer's text, to look for a secret in.
fn texts(answers: &[Answer]) -> String {
    answers
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn secrets_are_shown_only_when_decryption_is_asked_for() {
    const SECRET: &str = "hunter2-the-secret";
    let emulator = Emulator::builder().start().await.unwrap();
    let created = call(
        &emulator,
        "CreateSecretParameter",
        &[
            ("Name", "/db/password"),
            ("Value", SECRET),
            ("KeyId", "key-1"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.body["Parameter"]["Type"], "Secret");
    assert_eq!(created.body["Parameter"]["KeyId"], "key-1");
    let updated = call(
        &emulator,
        "UpdateSecretParameter",
        &[("Name", "/db/password"), ("Value", "second-secret")],
    )
    .await;
    assert_eq!(updated.body["Parameter"]["ParameterVersion"], 2);

    let name = [("Name", "/db/password")];
    let hidden = [
        created,
        updated,
        call(&emulator, "GetSecretParameter", &name).await,
        call_rpc(
            &emulator,
            "GetSecretParameter",
            &[("Name", "/db/password"), ("WithDecryption", "false")],
        )
        .await,
        call(
            &emulator,
            "GetSecretParameters",
            &[("Names", r#"["/db/password"]"#)],
        )
        .await,
        call(&emulator, "GetSecretParametersByPath", &[("Path", "/db")]).await,
        call(&emulator, "ListSecretParameterVersions", &name).await,
        call(&emulator, "ListSecretParameters", &[]).await,
    ];
    for answer in &hidden {
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let text = texts(&hidden);
    assert!(
        !text.contains(SECRET) && !text.contains("second-secret"),
        "{text}"
    );
    let sealed = hidden[2].body["Parameter"]["Value"].as_str().unwrap();
    assert!(!sealed.is_empty());

    let shown = [("Name", "/db/password"), ("WithDecryption", "true")];
    let current = call(&emulator, "GetSecretParameter", &shown).await;
    assert_eq!(current.body["Parameter"]["Value"], "second-secret");
    let first = call_rpc(
        &emulator,
        "GetSecretParameter",
        &[
            ("Name", "/db/password"),
            ("WithDecryption", "true"),
            ("ParameterVersion", "1"),
        ],
    )
    .await;
    assert_eq!(first.body["Parameter"]["Value"], SECRET, "{}", first.text);
    let versions = call(&emulator, "ListSecretParameterVersions", &shown).await;
    assert_eq!(
        field(
            versions.body["ParameterVersions"].as_array().unwrap(),
            "Value"
        ),
        ["second-secret", SECRET]
    );
    let by_path = call(
        &emulator,
        "GetSecretParametersByPath",
        &[("Path", "/db"), ("WithDecryption", "true")],
    )
    .await;
    assert_eq!(by_path.body["Parameters"][0]["Value"], "second-secret");
    let several = call(
        &emulator,
        "GetSecretParameters",
        &[("Names", r#"["/db/password"]"#), ("WithDecryption", "true")],
    )
    .await;
    assert_eq!(several.body["Parameters"][0]["Value"], "second-secret");

    // The two stores are apart.
    call(&emulator, "GetParameter", &name)
        .await
        .assert_error(404, "EntityNotExists.Parameter");
    call(&emulator, "DeleteSecretParameter", &name).await;
    call(&emulator, "GetSecretParameter", &name)
        .await
        .assert_error(404, "EntityNotExists.Parameter");
}
