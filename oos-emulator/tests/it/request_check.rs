//! The check every request passes before its action runs, driven by the generated table:
//! missing, mistyped, out-of-range and badly encoded parameters, both signature methods.

use oos_emulator::{Emulator, RunningEmulator};

use crate::common::{call, call_rpc, Answer};

async fn both(emulator: &RunningEmulator, action: &str, params: &[(&str, &str)]) -> [Answer; 2] {
    [
        call(emulator, action, params).await,
        call_rpc(emulator, action, params).await,
    ]
}

/// Asserts that both ways, the answer is this error and its message names `param`.
async fn refused(
    emulator: &RunningEmulator,
    action: &str,
    params: &[(&str, &str)],
    code: &str,
    param: &str,
) {
    let answers = both(emulator, action, params).await;
    let records = emulator.requests();
    // Each answer against the record of its own request, the last two received.
    for (answer, record) in answers.iter().zip(&records[records.len() - 2..]) {
        answer.assert_error(400, code);
        assert!(
            answer.message().contains(&format!("\"{param}\"")),
            "{action} {params:?}: {}",
            answer.message()
        );
        assert_eq!(
            (record.action.as_deref(), record.error_code.as_deref()),
            (Some(action), Some(code))
        );
    }
}

#[tokio::test]
async fn missing_required_parameters_are_named() {
    let emulator = Emulator::builder().start().await.unwrap();
    refused(
        &emulator,
        "CreateParameter",
        &[("Name", "p")],
        "MissingParameter",
        "Type",
    )
    .await;
    refused(
        &emulator,
        "CreateParameter",
        &[("Name", ""), ("Type", "String"), ("Value", "v")],
        "MissingParameter",
        "Name",
    )
    .await;
    refused(
        &emulator,
        "TagResources",
        &[
            ("ResourceType", "template"),
            ("Tags", "{\"a\":\"b\"}"),
            ("RegionId", "cn-hangzhou"),
        ],
        "MissingParameter",
        "ResourceIds",
    )
    .await;
    // An action with no state of its own is checked the same way.
    refused(
        &emulator,
        "GetOpsItem",
        &[],
        "MissingParameter",
        "OpsItemId",
    )
    .await;
}

#[tokio::test]
async fn values_must_have_their_documented_type_and_bounds() {
    let emulator = Emulator::builder().start().await.unwrap();
    for (params, param) in [
        (
            &[("Name", "s"), ("ParameterVersion", "abc")][..],
            "ParameterVersion",
        ),
        (
            &[("Name", "s"), ("ParameterVersion", "0")][..],
            "ParameterVersion",
        ),
        (
            &[("Name", "s"), ("ParameterVersion", "201")][..],
            "ParameterVersion",
        ),
        (
            &[("Name", "s"), ("ParameterVersion", "1.5")][..],
            "ParameterVersion",
        ),
        (
            &[("Name", "s"), ("WithDecryption", "maybe")][..],
            "WithDecryption",
        ),
    ] {
        refused(
            &emulator,
            "GetSecretParameter",
            params,
            "InvalidParameter",
            param,
        )
        .await;
    }
    refused(
        &emulator,
        "ListParameters",
        &[("MaxResults", "5")],
        "InvalidParameter",
        "MaxResults",
    )
    .await;
    refused(
        &emulator,
        "StartExecution",
        &[("TemplateName", "t"), ("Mode", "Fast")],
        "InvalidParameter",
        "Mode",
    )
    .await;
    refused(
        &emulator,
        "ListExecutions",
        &[("SortOrder", "Sideways")],
        "InvalidParameter",
        "SortOrder",
    )
    .await;
}

#[tokio::test]
async fn json_parameters_must_be_the_json_they_document() {
    let emulator = Emulator::builder().start().await.unwrap();
    let create = |tags: &'static str| {
        [
            ("Name", "p"),
            ("Type", "String"),
            ("Value", "v"),
            ("Tags", tags),
        ]
    };
    refused(
        &emulator,
        "CreateParameter",
        &create("{"),
        "InvalidParameter",
        "Tags",
    )
    .await;
    refused(
        &emulator,
        "StartExecution",
        &[("TemplateName", "t"), ("Tags", "[1]")],
        "InvalidParameter",
        "Tags",
    )
    .await;
    refused(
        &emulator,
        "StartExecution",
        &[("TemplateName", "t"), ("Tags", "{\"a\":1}")],
        "InvalidParameter",
        "Tags.a",
    )
    .await;
    refused(
        &emulator,
        "DeleteExecutions",
        &[("ExecutionIds", "exec-1")],
        "InvalidParameter",
        "ExecutionIds",
    )
    .await;
    refused(
        &emulator,
        "DeleteExecutions",
        &[("ExecutionIds", "[\"a\", 2]")],
        "InvalidParameter",
        "ExecutionIds.2",
    )
    .await;
}

#[tokio::test]
async fn repeat_lists_are_read_from_numbered_keys() {
    let emulator = Emulator::builder().start().await.unwrap();
    let good = [
        ("Filter.1.Name", "Status"),
        ("Filter.1.Operator", "Equal"),
        ("Filter.1.Value.1", "Open"),
        ("Filter.2.Name", "Title"),
    ];
    for answer in both(&emulator, "ListOpsItems", &good).await {
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    for (key, at) in [
        ("Filter.0.Name", "Filter.0"),
        ("Filter.01.Name", "Filter.01"),
        ("Filter.x.Name", "Filter.x"),
        ("Filter.1.Colour", "Filter.1.Colour"),
        ("Filter.1..Name", "Filter.1..Name"),
        ("Filter", "Filter"),
        ("Filter.1", "Filter.1"),
    ] {
        refused(
            &emulator,
            "ListOpsItems",
            &[(key, "v")],
            "InvalidParameter",
            at,
        )
        .await;
    }
    let too_many: Vec<(String, String)> = (1..=6)
        .map(|i| (format!("Filter.{i}.Name"), "Status".to_owned()))
        .collect();
    let too_many: Vec<(&str, &str)> = too_many
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    refused(
        &emulator,
        "ListOpsItems",
        &too_many,
        "InvalidParameter",
        "Filter",
    )
    .await;
}
