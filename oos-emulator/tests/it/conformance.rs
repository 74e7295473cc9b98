//! Every action of the specs, from the generated table: its documented example request,
//! signed both ways, is answered in the documented shape, or with the error the emulator's
//! state calls for; never `InvalidAction.NotFound`, a signature error or a 5xx.

use oos_emulator::spec::{conforms, ACTIONS};
use oos_emulator::test_util::{
    expected_refusal, refuses, sample_request, EXAMPLES_OUTSIDE_THE_SPEC,
};
use oos_emulator::{stateful_actions, Data, Emulator};

use crate::common::{call, call_rpc, Answer};

fn judge(action: &str, answer: &Answer) -> Result<(), String> {
    let spec = oos_emulator::spec::action(action).ok_or("not in the table")?;
    if answer.status == 200 {
        return conforms(spec, &answer.body);
    }
    if answer.status < 500 && expected_refusal(action, answer.code(), answer.message()) {
        answer.assert_error(answer.status, answer.code());
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}",
            answer.status,
            answer.code(),
            answer.message()
        ))
    }
}

#[tokio::test]
async fn every_example_request_is_answered_in_its_documented_shape() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let stateful: Vec<&str> = stateful_actions().collect();
    let mut failures = Vec::new();
    let mut answered = 0;
    for action in ACTIONS {
        let pairs = sample_request(action);
        let params: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        for (method, answer) in [
            ("V3", call(&emulator, action.name, &params).await),
            ("RPC", call_rpc(&emulator, action.name, &params).await),
        ] {
            match judge(action.name, &answer) {
                Ok(()) => answered += usize::from(answer.status == 200),
                Err(why) => failures.push(format!("{} ({method}): {why}", action.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Each action without state answers its documented answer, both ways.
    let stateless = ACTIONS.len() - stateful.len();
    assert!(
        answered >= 2 * (stateless - EXAMPLES_OUTSIDE_THE_SPEC.len()),
        "{answered}"
    );
}

#[tokio::test]
async fn the_documented_answers_fit_the_documented_fields() {
    for action in ACTIONS {
        let sample: serde_json::Value = serde_json::from_str(action.sample).unwrap();
        conforms(action, &sample).unwrap_or_else(|why| panic!("{}: {why}", action.name));
    }
}

#[tokio::test]
async fn an_action_without_state_pages_its_documented_items_with_bound_tokens() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let first = call(&emulator, "ListPatchBaselines", &[("MaxResults", "1")]).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let spec = oos_emulator::spec::action("ListPatchBaselines").unwrap();
    conforms(spec, &first.body).unwrap();
    // The documented answer holds one baseline: one page, and the sample's token is gone.
    assert_eq!(
        first.body["PatchBaselines"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(first.body.get("NextToken").is_none(), "{}", first.text);
    // A token the emulator did not issue, or issued for another query, is refused.
    call(&emulator, "ListPatchBaselines", &[("NextToken", "forged")])
        .await
        .assert_error(400, "InvalidNextToken");
    let templates = call(&emulator, "ListTemplates", &[("MaxResults", "1")]).await;
    let token = templates.body["NextToken"]
        .as_str()
        .expect("three demo templates, one a page");
    call(
        &emulator,
        "ListPatchBaselines",
        &[("MaxResults", "1"), ("NextToken", token)],
    )
    .await
    .assert_error(400, "InvalidNextTokenQuery");
    assert_ne!(first.body["RequestId"], "");
}

#[tokio::test]
async fn each_example_listed_as_outside_the_spec_is_refused_for_its_parameter() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    for (name, parameter) in EXAMPLES_OUTSIDE_THE_SPEC {
        let action = oos_emulator::spec::action(name).expect("listed actions are in the table");
        let pairs = sample_request(action);
        let params: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let answer = call(&emulator, name, &params).await;
        // An entry whose example has come to fit the spec no longer belongs on the list.
        assert!(
            refuses(parameter, answer.code(), answer.message()),
            "{name}: {} {}",
            answer.code(),
            answer.message()
        );
    }
}
