//! RPC signature 1.0 (`HMAC-SHA1`) verification, over real HTTP.

use crate::common;

use common::{emulator, timestamp, Rpc};
use oos_emulator::{Emulator, SignatureMethod};

const Q: &[(&str, &str)] = &[("ExecutionId", "exec-2")];

#[tokio::test]
async fn accepts_get_post_and_form_bodies() {
    let emulator = emulator().await;
    for request in [
        Rpc::new(&emulator, Q),
        Rpc::new(&emulator, Q).method("POST"),
        Rpc::new(&emulator, Q).in_body(),
    ] {
        let answer = request.send().await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["ExecutionLogs"].as_array().unwrap().len(), 3);
    }
    let records = emulator.requests();
    assert!(records
        .iter()
        .all(|r| r.signature == SignatureMethod::HmacSha1 && r.answered));
    assert_eq!(
        records
            .iter()
            .map(|r| r.http_method.as_str())
            .collect::<Vec<_>>(),
        ["GET", "POST", "POST"]
    );
}

#[tokio::test]
async fn accepts_parameters_split_between_query_and_body() {
    let emulator = emulator().await;
    let request = Rpc::new(&emulator, Q).in_body();
    let signed = request.signed();
    let (in_query, in_body) = signed.split_at(4);
    let query: Vec<(&str, &str)> = in_query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body: Vec<(&str, &str)> = in_body
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = common::client()
        .post(format!(
            "{}/?{}",
            emulator.url(),
            oos_api::signing::canonical_query(&query)
        ))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body(oos_api::signing::canonical_query(&body))
        .send()
        .await
        .unwrap();
    let answer = common::answer(response).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn accepts_form_style_spaces() {
    let emulator = Emulator::builder()
        .data(oos_emulator::Data::new().with_execution("exec a+b", common::logs(1)))
        .start()
        .await
        .unwrap();
    let request = Rpc::new(&emulator, &[("ExecutionId", "exec a+b")]);
    // Form-style encoders (reqwest's `.query`, Java's URLEncoder) write a space as `+`.
    let signed = request.signed();
    let pairs: Vec<(&str, &str)> = signed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let query = oos_api::signing::canonical_query(&pairs).replace("%20", "+");
    assert!(query.contains("exec+a%2Bb"));
    let response = common::client()
        .get(format!("{}/?{query}", emulator.url()))
        .send()
        .await
        .unwrap();
    let answer = common::answer(response).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn wrong_secret_or_tampering_does_not_match() {
    let emulator = emulator().await;
    let mut wrong = Rpc::new(&emulator, Q);
    wrong.secret = "nope".into();
    let answer = wrong.send().await;
    answer.assert_error(400, "SignatureDoesNotMatch");
    assert!(
        answer.message().contains("GET&%2F&"),
        "{}",
        answer.message()
    );

    let request = Rpc::new(&emulator, Q);
    let mut params = request.signed();
    params
        .iter_mut()
        .filter(|(n, _)| n == "ExecutionId")
        .for_each(|(_, v)| *v = "exec-1".into());
    request
        .send_params(params)
        .await
        .assert_error(400, "SignatureDoesNotMatch");

    let request = Rpc::new(&emulator, Q);
    let mut params = request.signed();
    params.push(("MaxResults".into(), "1".into()));
    request
        .send_params(params)
        .await
        .assert_error(400, "SignatureDoesNotMatch");

    // Signed for GET, sent as POST.
    let request = Rpc::new(&emulator, Q);
    let params = request.signed();
    request
        .method("POST")
        .send_params(params)
        .await
        .assert_error(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn missing_parts_are_reported() {
    let emulator = emulator().await;
    let request = Rpc::new(&emulator, Q);
    let unsigned = request.params.clone();
    request
        .send_params(unsigned)
        .await
        .assert_error(400, "IncompleteSignature");
    for name in [
        "AccessKeyId",
        "SignatureNonce",
        "Timestamp",
        "SignatureMethod",
        "SignatureVersion",
        "Action",
        "Version",
    ] {
        let answer = Rpc::new(&emulator, Q).without(name).send().await;
        answer.assert_error(400, "MissingParameter");
        assert!(
            answer.message().contains(&format!("\"{name}\"")),
            "{}",
            answer.message()
        );
    }
    let answer = Rpc::new(&emulator, &[]).send().await;
    answer.assert_error(400, "MissingParameter");
    assert!(answer.message().contains("\"ExecutionId\""));
}

#[tokio::test]
async fn only_hmac_sha1_version_1_0_is_accepted() {
    let emulator = emulator().await;
    Rpc::new(&emulator, Q)
        .set("SignatureMethod", "HMAC-SHA256")
        .send()
        .await
        .assert_error(400, "IncompleteSignature");
    Rpc::new(&emulator, Q)
        .set("SignatureVersion", "2.0")
        .send()
        .await
        .assert_error(400, "IncompleteSignature");
    Rpc::new(&emulator, Q)
        .set("Format", "XML")
        .send()
        .await
        .assert_error(400, "InvalidParameter");
    assert_eq!(
        Rpc::new(&emulator, Q).without("Format").send().await.status,
        200
    );
}

#[tokio::test]
async fn keys_times_nonces_versions_actions() {
    let emulator = emulator().await;
    Rpc::new(&emulator, Q)
        .set("AccessKeyId", "other")
        .send()
        .await
        .assert_error(404, "InvalidAccessKeyId.NotFound");
    Rpc::new(&emulator, Q)
        .set("Timestamp", &timestamp(-20 * 60))
        .send()
        .await
        .assert_error(400, "InvalidTimeStamp.Expired");
    Rpc::new(&emulator, Q)
        .set("Timestamp", &timestamp(20 * 60))
        .send()
        .await
        .assert_error(400, "InvalidTimeStamp.Expired");
    Rpc::new(&emulator, Q)
        .set("Version", "2014-05-26")
        .send()
        .await
        .assert_error(400, "InvalidVersion");
    Rpc::new(&emulator, Q)
        .set("Action", "DescribeInstances")
        .send()
        .await
        .assert_error(400, "InvalidAction.NotFound");
    let request = Rpc::new(&emulator, Q);
    assert_eq!(request.send().await.status, 200);
    request.send().await.assert_error(400, "SignatureNonceUsed");
}

#[tokio::test]
async fn security_token_parameter() {
    let emulator = Emulator::builder()
        .data(oos_emulator::Data::new().with_execution("exec-2", common::logs(1)))
        .access_key_with_token("testid", "testsecret", "tok-1")
        .start()
        .await
        .unwrap();
    assert_eq!(
        Rpc::new(&emulator, Q)
            .set("SecurityToken", "tok-1")
            .send()
            .await
            .status,
        200
    );
    Rpc::new(&emulator, Q)
        .set("SecurityToken", "tok-2")
        .send()
        .await
        .assert_error(400, "InvalidStsToken");
    Rpc::new(&emulator, Q)
        .send()
        .await
        .assert_error(400, "InvalidStsToken");
}

#[tokio::test]
async fn unsigned_requests() {
    let emulator = emulator().await;
    let get = |url: String| async move {
        common::answer(common::client().get(url).send().await.unwrap()).await
    };
    get(format!("{}/", emulator.url()))
        .await
        .assert_error(400, "MissingParameter");
    get(format!(
        "{}/?Action=ListExecutionLogs&Version=2019-06-01",
        emulator.url()
    ))
    .await
    .assert_error(400, "IncompleteSignature");
    get(format!(
        "{}/?Action=Nope&Version=2019-06-01",
        emulator.url()
    ))
    .await
    .assert_error(400, "InvalidAction.NotFound");
    let record = emulator.requests().pop().unwrap();
    assert_eq!(record.signature, SignatureMethod::Unsigned);
    assert_eq!(record.action.as_deref(), Some("Nope"));
    assert_eq!(record.error_code.as_deref(), Some("InvalidAction.NotFound"));
    assert!(!record.executed);
}

#[tokio::test]
async fn another_authorization_scheme_does_not_hide_a_signed_request() {
    let emulator = emulator().await;
    let request = Rpc::new(&emulator, Q);
    let pairs = request.signed();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let url = format!(
        "{}/?{}",
        emulator.url(),
        oos_api::signing::canonical_query(&pairs)
    );
    let response = common::client()
        .get(url)
        .header("authorization", "Basic cHJveHk6cGFzcw==")
        .send()
        .await
        .unwrap();
    assert_eq!(common::answer(response).await.status, 200);
}
