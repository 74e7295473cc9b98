//! OpsItems with state: created, generated, read, listed with filters and pages, deleted.

use crate::common;

use common::{all_pages, call, field, ok};
use oos_emulator::{Data, Emulator};

#[tokio::test]
async fn ops_items_are_created_listed_and_deleted() {
    let emulator = Emulator::builder().data(Data::new()).start().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let title = format!("item {i}");
        let severity = if i % 2 == 0 { "Critical" } else { "Low" };
        let created = ok(
            &emulator,
            "CreateOpsItem",
            &[
                ("Title", &title),
                ("Severity", severity),
                ("Category", "Availability"),
                ("Source", "/aliyun/ecs"),
                ("Priority", "2"),
                ("Tags", r#"{"team": "sre"}"#),
            ],
        )
        .await;
        assert_eq!(created["OpsItem"]["Status"], "Open");
        assert_eq!(created["OpsItem"]["Title"], title.as_str());
        ids.push(created["OpsItem"]["OpsItemId"].as_str().unwrap().to_owned());
    }
    let got = ok(&emulator, "GetOpsItem", &[("OpsItemId", &ids[1])]).await;
    assert_eq!(got["OpsItem"]["Severity"], "Low");
    assert_eq!(got["OpsItem"]["Priority"], 2);
    assert_eq!(got["OpsItem"]["Tags"]["team"], "sre");

    let (all, pages) = all_pages(&emulator, "ListOpsItems", "OpsItems", &[], "2").await;
    assert_eq!((field(&all, "OpsItemId"), pages), (ids.clone(), 3));
    let (critical, _) = all_pages(
        &emulator,
        "ListOpsItems",
        "OpsItems",
        &[
            ("Filter.1.Name", "Severity"),
            ("Filter.1.Operator", "Equal"),
            ("Filter.1.Value.1", "Critical"),
        ],
        "10",
    )
    .await;
    assert_eq!(
        field(&critical, "OpsItemId"),
        [ids[0].clone(), ids[2].clone(), ids[4].clone()]
    );

    let generated = ok(
        &emulator,
        "GenerateOpsItem",
        &[
            (
                "Data",
                r#"{"alertName": "cpu high", "severity": "High", "resourceId": "i-1"}"#,
            ),
            ("DataSource", "/aliyun/cms"),
        ],
    )
    .await;
    let generated_id = generated["OpsItemIds"][0].as_str().unwrap().to_owned();
    let item = ok(&emulator, "GetOpsItem", &[("OpsItemId", &generated_id)]).await;
    assert_eq!(item["OpsItem"]["Title"], "cpu high");
    assert_eq!(item["OpsItem"]["Source"], "/aliyun/cms");
    // Data that is not a JSON object is kept as the description.
    let plain = ok(
        &emulator,
        "GenerateOpsItem",
        &[("Data", "disk full on i-2")],
    )
    .await;
    let plain_id = plain["OpsItemIds"][0].as_str().unwrap().to_owned();
    let item = ok(&emulator, "GetOpsItem", &[("OpsItemId", &plain_id)]).await;
    assert_eq!(item["OpsItem"]["Description"], "disk full on i-2");
    assert_eq!(item["OpsItem"]["Title"], "OpsItem from /aliyun/oos");
    ok(&emulator, "DeleteOpsItems", &[("OpsItemIds.1", &plain_id)]).await;

    // One unknown ID deletes nothing.
    call(
        &emulator,
        "DeleteOpsItems",
        &[("OpsItemIds.1", &ids[0]), ("OpsItemIds.2", "oi-none")],
    )
    .await
    .assert_error(404, "EntityNotExists.OpsItem");
    ok(&emulator, "GetOpsItem", &[("OpsItemId", &ids[0])]).await;
    ok(
        &emulator,
        "DeleteOpsItems",
        &[("OpsItemIds.1", &ids[0]), ("OpsItemIds.2", &generated_id)],
    )
    .await;
    call(&emulator, "GetOpsItem", &[("OpsItemId", &ids[0])])
        .await
        .assert_error(404, "EntityNotExists.OpsItem");
    let (left, _) = all_pages(&emulator, "ListOpsItems", "OpsItems", &[], "50").await;
    assert_eq!(field(&left, "OpsItemId"), ids[1..].to_vec());
}
