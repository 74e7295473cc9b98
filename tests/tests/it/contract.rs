//! The downstream contract: code a crate depending on `oos-api` writes, exactly as promised.

use std::path::Path;

use oos_api::action::ServiceError;
use oos_api::operation::list_execution_logs::{ListExecutionLogsError, ListExecutionLogsOutput};
use oos_api::ErrorMetadata;

/// The reference page's sample response, as the spec holds it.
fn sample(action: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let set = codegen::load_dir(&root.join("spec/oos")).unwrap();
    let action = set.actions.iter().find(|a| a.name == action).unwrap();
    let sample = action
        .samples
        .iter()
        .find(|s| s.key == "sample_response")
        .unwrap();
    sample.json.clone()
}

fn error(code: &str) -> ListExecutionLogsError {
    ListExecutionLogsError::from_metadata(
        ErrorMetadata::new(code, 400)
            .with_message("m")
            .with_request_id("r"),
    )
}

#[test]
#[allow(non_snake_case)]
fn downstream_code_compiles_and_behaves() -> Result<(), Box<dyn std::error::Error>> {
    let sample = sample("ListExecutionLogs");
    let SAMPLE = sample.as_str();
    let err = error("InvalidNextTokenQuery");

    let out: ListExecutionLogsOutput = serde_json::from_str(SAMPLE)?;
    let logs = out.execution_logs.as_deref().unwrap_or_default();
    assert_eq!(
        logs[0].message.as_deref(),
        Some("The task CheckDiskCategory completed.")
    );
    assert_eq!(
        out.request_id.as_deref(),
        Some("BD3B1827-7494-407E-9454-64150572843A")
    );
    assert_eq!(
        serde_json::to_value(&out)?,
        serde_json::from_str::<serde_json::Value>(SAMPLE)?
    );
    let _ = serde_json::from_str::<ListExecutionLogsOutput>("{}")?; // every response field is optional
    match err {
        ListExecutionLogsError::InvalidNextToken(..)
        | ListExecutionLogsError::InvalidNextTokenQuery(..)
        | ListExecutionLogsError::EntityNotExistsExecution(..) => {}
        _ => {}
    }
    Ok(())
}

#[test]
fn absent_and_empty_stay_distinct() {
    let empty: ListExecutionLogsOutput = serde_json::from_str(r#"{"ExecutionLogs": []}"#).unwrap();
    let absent: ListExecutionLogsOutput = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.execution_logs, Some(vec![]));
    assert_eq!(absent.execution_logs, None);
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"ExecutionLogs":[]}"#
    );
    assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
}

/// Codes the action documents get its own variants; codes every action shares are `Common`,
/// one `CommonError` for the whole service; any other is `Unhandled`.
#[test]
fn every_code_maps_to_its_variant_and_keeps_its_metadata() {
    let cases = [
        ("EntityNotExists.Execution", "EntityNotExistsExecution"),
        ("InvalidNextToken", "InvalidNextToken"),
        ("InvalidNextTokenQuery", "InvalidNextTokenQuery"),
        ("InvalidVersion", "Common(InvalidVersion"),
        ("InvalidAction.NotFound", "Common(InvalidActionNotFound"),
        ("User.NoPermission", "Common(UserNoPermission"),
        ("InvalidStsToken", "Common(InvalidStsToken"),
        ("ExpiredStsToken", "Common(ExpiredStsToken"),
        ("InvalidAccountType", "Common(InvalidAccountType"),
        ("SignatureDoesNotMatch", "Common(SignatureDoesNotMatch"),
        ("InvalidTimeStamp.Expired", "Common(InvalidTimeStampExpired"),
        ("Throttling.User", "Common(ThrottlingUser"),
        ("SomethingNew", "Unhandled"),
        ("InternalError", "Common(InternalError"),
    ];
    for (code, variant) in cases {
        let e = error(code);
        let debug = format!("{e:?}");
        assert!(
            debug.starts_with(&format!("{variant}(")),
            "{code} gave {debug}"
        );
        assert_eq!(e.metadata().code(), code);
        assert_eq!(e.metadata().request_id(), Some("r"));
    }
    assert!(error("Throttling.User").is_retryable());
    assert!(error("ServiceUnavailable").is_retryable());
    assert!(!error("InvalidNextToken").is_retryable());
    assert!(!error("SomethingNew").is_retryable());
    assert_eq!(
        error("InvalidNextToken").to_string(),
        "InvalidNextToken: m (HTTP 400, request id r)"
    );
}
