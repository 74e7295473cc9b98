//! The families with state through the typed client: a parameter, a secret parameter, a
//! template's versions and tags, each written and read back.

use oos_api::{Client, SignatureMethod};
use oos_emulator::test_util::client_for;
use oos_emulator::{Emulator, RunningEmulator};
use serde_json::json;

async fn clients() -> (RunningEmulator, [Client; 2]) {
    let emulator = Emulator::builder().start().await.unwrap();
    let clients = [
        client_for(&emulator, SignatureMethod::Acs3HmacSha256),
        client_for(&emulator, SignatureMethod::HmacSha1),
    ];
    (emulator, clients)
}

#[tokio::test]
async fn a_parameter_is_created_updated_and_read_back_at_each_version() {
    let (_emulator, [v3, rpc]) = clients().await;
    let created = v3
        .create_parameter()
        .name("/app/db/host")
        .type_("String")
        .value("db-1.internal")
        .tags(json!({"env": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.parameter.unwrap().parameter_version, Some(json!(1)));
    rpc.update_parameter()
        .name("/app/db/host")
        .value("db-2.internal")
        .send()
        .await
        .unwrap();
    let current = rpc
        .get_parameter()
        .name("/app/db/host")
        .send()
        .await
        .unwrap();
    assert_eq!(
        current.parameter.unwrap().value.as_deref(),
        Some("db-2.internal")
    );
    let first = v3
        .get_parameter()
        .name("/app/db/host")
        .parameter_version(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.parameter.unwrap().value.as_deref(),
        Some("db-1.internal")
    );
    let by_path = v3
        .get_parameters_by_path()
        .path("/app")
        .recursive(true)
        .send()
        .await
        .unwrap();
    assert_eq!(by_path.parameters.unwrap().len(), 1);
    let missing = v3.get_parameter().name("/nope").send().await.unwrap_err();
    let code = missing
        .as_service_error()
        .map(|e| oos_api::action::ServiceError::metadata(e).code().to_owned());
    assert_eq!(code.as_deref(), Some("EntityNotExists.Parameter"));
}

#[tokio::test]
async fn a_secret_is_plain_only_with_decryption() {
    let (_emulator, [v3, rpc]) = clients().await;
    v3.create_secret_parameter()
        .name("db-password")
        .value("s3cret-value")
        .send()
        .await
        .unwrap();
    let hidden = rpc
        .get_secret_parameter()
        .name("db-password")
        .send()
        .await
        .unwrap();
    let sealed = hidden.parameter.unwrap().value.unwrap();
    assert!(!sealed.contains("s3cret-value"), "{sealed}");
    let shown = v3
        .get_secret_parameter()
        .name("db-password")
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        shown.parameter.unwrap().value.as_deref(),
        Some("s3cret-value")
    );
}

#[tokio::test]
async fn a_template_updated_twice_lists_three_versions_with_their_contents() {
    let (_emulator, [v3, rpc]) = clients().await;
    let content = |n: u32| {
        json!({"FormatVersion": "OOS-2019-06-01", "Description": format!("version {n}"),
               "Tasks": [{"Name": format!("task{n}"), "Action": "ACS::Sleep"}]})
        .to_string()
    };
    v3.create_template()
        .template_name("MyTemplate")
        .content(content(1))
        .send()
        .await
        .unwrap();
    for n in [2, 3] {
        rpc.update_template()
            .template_name("MyTemplate")
            .content(content(n))
            .send()
            .await
            .unwrap();
    }
    let versions = v3
        .list_template_versions()
        .template_name("MyTemplate")
        .send()
        .await
        .unwrap()
        .template_versions
        .unwrap();
    let names: Vec<_> = versions
        .iter()
        .filter_map(|v| v.template_version.clone())
        .collect();
    assert_eq!(names, ["v3", "v2", "v1"]);
    for (n, version) in [(1, "v1"), (2, "v2"), (3, "v3")] {
        let got = rpc
            .get_template()
            .template_name("MyTemplate")
            .template_version(version)
            .send()
            .await
            .unwrap();
        assert_eq!(got.content, Some(content(n)));
    }
    v3.tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("template")
        .resource_ids(json!(["MyTemplate"]))
        .tags(json!({"team": "sre"}))
        .send()
        .await
        .unwrap();
    let keys = rpc
        .list_tag_keys()
        .resource_type("template")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.keys, Some(vec!["team".to_owned()]));
}
