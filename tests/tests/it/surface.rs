//! What the generated surface promises downstream code: the client's region fills a missing
//! `RegionId`, undocumented enum values are sent, waiters need what identifies their
//! resource, outputs are built from `Default` and setters, and undocumented codes are read
//! through `code()`.

use oos_api::action::Action;
use oos_api::operation::list_executions::{ListExecutionsInput, ListExecutionsOutput, Status};
use oos_api::operation::list_tag_resources::ListTagResourcesInput;
use oos_api::waiter::WaitError;
use oos_api::{Error, SignatureMethod};
use oos_emulator::test_util::client_for;
use oos_emulator::{Data, Emulator};

#[test]
fn the_region_fills_region_id_only_when_unset() {
    let mut unset = ListTagResourcesInput::default().resource_type("template");
    unset.fill_region("cn-shanghai");
    assert_eq!(unset.region_id.as_deref(), Some("cn-shanghai"));
    let mut set = ListTagResourcesInput::default().region_id("cn-beijing");
    set.fill_region("cn-shanghai");
    assert_eq!(set.region_id.as_deref(), Some("cn-beijing"));
}

#[tokio::test]
async fn an_action_that_requires_region_id_takes_the_clients() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    // `RegionId` is required by ListTagResources and TagResources; the call sets none.
    client
        .list_tag_resources()
        .resource_type("template")
        .send()
        .await
        .expect("RegionId filled from the client");
    let requests = emulator.requests();
    let last = requests.last().expect("a request was sent");
    assert_eq!(last.status, Some(200));
}

#[tokio::test]
async fn an_undocumented_enum_value_is_sent() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    let input = ListExecutionsInput::default().status("Paused");
    assert_eq!(input.status, Some(Status::Unknown("Paused".into())));
    input
        .validate()
        .expect("an undocumented value passes the checks");
    let result = client.list_executions().status("Paused").send().await;
    // The emulator knows only the documented values and refuses it: what matters is that the
    // request left, and the service decided.
    assert!(
        !matches!(result, Err(Error::Construction(_))),
        "refused before sending: {result:?}"
    );
    assert_eq!(emulator.request_count(), 1);
    // Documented bounds still hold.
    let result = client
        .list_secret_parameters()
        .max_results(1_000)
        .send()
        .await;
    assert!(matches!(result, Err(Error::Construction(_))), "{result:?}");
    assert_eq!(emulator.request_count(), 1);
}

#[tokio::test]
async fn a_waiter_from_the_request_builder_needs_its_execution_id() {
    let emulator = Emulator::builder()
        .data(Data::new().with_execution("exec-1", vec![]))
        .start()
        .await
        .unwrap();
    let client = client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    let error = client
        .list_executions()
        .template_name("any")
        .wait_until_execution_finished()
        .send()
        .await
        .unwrap_err();
    match error {
        WaitError::Call(Error::Construction(e)) => {
            assert_eq!(e.parameter(), "ExecutionId");
            assert_eq!(
                e.to_string(),
                "required parameter `ExecutionId` is not set: call `.execution_id(..)` before sending"
            );
        }
        other => panic!("expected a construction error, got {other}"),
    }
    assert_eq!(emulator.request_count(), 0, "nothing was sent");
    // The client's waiter has nothing to send until the id is set: it cannot be left out.
    let waiter = client
        .wait_until_execution_finished()
        .execution_id("exec-1");
    assert_eq!(waiter.input().execution_id.as_deref(), Some("exec-1"));
}

#[test]
fn outputs_and_nested_types_are_built_from_default_and_setters() {
    use oos_api::types::Execution;
    let output = ListExecutionsOutput::default()
        .request_id("r-1")
        .executions([Execution::default()
            .execution_id("exec-1")
            .status("Success")]);
    assert_eq!(output.request_id.as_deref(), Some("r-1"));
    let executions = output.executions.expect("set");
    assert_eq!(executions[0].execution_id.as_deref(), Some("exec-1"));
    assert_eq!(executions[0].status, Some("Success".into()));
}
