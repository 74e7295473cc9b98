//! V3 (`ACS3-HMAC-SHA256`) verification, over real HTTP.

use crate::common;

use common::{emulator, timestamp, V3};
use oos_api::signing::acs3;
use oos_emulator::{Emulator, SignatureMethod};

const Q: &[(&str, &str)] = &[("ExecutionId", "exec-2")];

#[tokio::test]
async fn accepts_post_get_and_form_bodies() {
    let emulator = emulator().await;
    for request in [
        V3::new(&emulator, Q),
        V3::new(&emulator, Q).method("GET"),
        V3::new(&emulator, Q).form_body(),
    ] {
        let answer = request.send().await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["ExecutionLogs"].as_array().unwrap().len(), 3);
        assert_eq!(
            answer.body["RequestId"],
            answer.headers["x-acs-request-id"].to_str().unwrap()
        );
    }
    let records = emulator.requests();
    assert_eq!(records.len(), 3);
    assert!(records
        .iter()
        .all(|r| r.signature == SignatureMethod::Acs3HmacSha256 && r.answered && r.executed));
    assert_eq!(records[1].http_method, "GET");
    assert_eq!(records[0].access_key_id.as_deref(), Some("testid"));
}

#[tokio::test]
async fn accepts_action_and_version_repeated_in_the_query() {
    let emulator = emulator().await;
    let q = [
        ("Action", "ListExecutionLogs"),
        ("Version", "2019-06-01"),
        ("ExecutionId", "exec-2"),
    ];
    assert_eq!(V3::new(&emulator, &q).send().await.status, 200);
    let conflicting = [("Action", "StartExecution"), ("ExecutionId", "exec-2")];
    V3::new(&emulator, &conflicting)
        .send()
        .await
        .assert_error(400, "InvalidParameter");
}

#[tokio::test]
async fn accepts_special_characters_and_other_keys() {
    let emulator = Emulator::builder()
        .data(oos_emulator::Data::new().with_execution("exec ü/*+~&=", common::logs(2)))
        .access_key("a", "sa")
        .access_key("b", "sb")
        .start()
        .await
        .unwrap();
    let mut request = V3::new(&emulator, &[("ExecutionId", "exec ü/*+~&=")]);
    request.id = "b".into();
    request.secret = "sb".into();
    let answer = request.send().await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let mut default_key = V3::new(&emulator, Q);
    default_key.id = "testid".into();
    default_key
        .send()
        .await
        .assert_error(404, "InvalidAccessKeyId.NotFound");
}

#[tokio::test]
async fn wrong_secret_or_tampering_does_not_match() {
    let emulator = emulator().await;
    let mut wrong = V3::new(&emulator, Q);
    wrong.secret = "nope".into();
    let answer = wrong.send().await;
    answer.assert_error(400, "SignatureDoesNotMatch");
    assert!(
        answer.message().contains("ACS3-HMAC-SHA256\n"),
        "{}",
        answer.message()
    );
    assert_eq!(answer.body["HostId"], emulator.addr().to_string());

    let request = V3::new(&emulator, Q);
    let tampered_query = request.url().replace("exec-2", "exec-1");
    request
        .send_with(request.signed_headers(), tampered_query)
        .await
        .assert_error(400, "SignatureDoesNotMatch");

    let request = V3::new(&emulator, Q);
    let mut headers = request.signed_headers();
    for (name, value) in &mut headers {
        if name == "x-acs-date" {
            *value = timestamp(-1);
        }
    }
    request
        .send_with(headers, request.url())
        .await
        .assert_error(400, "SignatureDoesNotMatch");

    let mut request = V3::new(&emulator, Q).method("GET");
    let headers = request.signed_headers();
    request.method = "POST".into();
    request
        .send_with(headers, request.url())
        .await
        .assert_error(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn body_must_match_its_hash() {
    let emulator = emulator().await;
    let mut request = V3::new(&emulator, Q).form_body();
    request.body = b"ExecutionId=exec-1".to_vec();
    request
        .send()
        .await
        .assert_error(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn required_headers_are_named_when_missing() {
    let emulator = emulator().await;
    for name in [
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        let answer = V3::new(&emulator, Q).without_header(name).send().await;
        answer.assert_error(400, "MissingParameter");
        assert!(
            answer.message().contains(&format!("\"{name}\"")),
            "{}",
            answer.message()
        );
    }
}

#[tokio::test]
async fn malformed_authorization_is_incomplete() {
    let emulator = emulator().await;
    let request = V3::new(&emulator, Q);
    let signed = request.signed_headers();
    let good = signed
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();
    let cut = good[..good.find(",Signature=").unwrap()].to_owned();
    for bad in [
        "".to_owned(),
        "ACS3-HMAC-SHA256".to_owned(),
        cut,
        good.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"),
        good.replace("Credential=", "Cred="),
        format!("{good},Extra=1"),
    ] {
        let mut request = V3::new(&emulator, Q);
        let headers: Vec<(String, String)> = request
            .signed_headers()
            .into_iter()
            .map(|(n, v)| {
                if n == "authorization" {
                    (n, bad.clone())
                } else {
                    (n, v)
                }
            })
            .collect();
        request.headers.clear();
        let answer = request.send_with(headers, request.url()).await;
        answer.assert_error(400, "IncompleteSignature");
    }
    let unsigned = V3::new(&emulator, Q);
    let headers: Vec<(String, String)> = unsigned.headers.clone();
    unsigned
        .send_with(headers, unsigned.url())
        .await
        .assert_error(400, "IncompleteSignature");
}

#[tokio::test]
async fn security_relevant_headers_must_be_signed() {
    let emulator = emulator().await;
    let request = V3::new(&emulator, Q);
    let (canonical, signed) = {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .filter(|(n, _)| n != "x-acs-signature-nonce")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain([("host", request.host.as_str())])
            .collect();
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        acs3::canonical_request("POST", "/", &query, &headers, &acs3::hashed_payload(b""))
    };
    let signature = acs3::signature(common::SECRET, &acs3::string_to_sign(&canonical));
    let mut headers = request.headers.clone();
    headers.push((
        "authorization".into(),
        acs3::authorization("testid", &signed, &signature),
    ));
    let answer = request.send_with(headers, request.url()).await;
    answer.assert_error(400, "IncompleteSignature");
    assert!(
        answer.message().contains("x-acs-signature-nonce"),
        "{}",
        answer.message()
    );
}

#[tokio::test]
async fn unknown_key_is_not_found() {
    let emulator = emulator().await;
    let mut request = V3::new(&emulator, Q);
    request.id = "someone".into();
    request
        .send()
        .await
        .assert_error(404, "InvalidAccessKeyId.NotFound");
}

#[tokio::test]
async fn stale_or_future_dates_are_expired() {
    let emulator = emulator().await;
    for offset in [-16 * 60, 16 * 60, -365 * 24 * 3600] {
        let request = V3::new(&emulator, Q).set_header("x-acs-date", &timestamp(offset));
        request
            .send()
            .await
            .assert_error(400, "InvalidTimeStamp.Expired");
    }
    for offset in [-14 * 60, 14 * 60] {
        let answer = V3::new(&emulator, Q)
            .set_header("x-acs-date", &timestamp(offset))
            .send()
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    V3::new(&emulator, Q)
        .set_header("x-acs-date", "last tuesday")
        .send()
        .await
        .assert_error(400, "InvalidTimeStamp.Format");
}

#[tokio::test]
async fn replayed_nonce_is_refused() {
    let emulator = emulator().await;
    let request = V3::new(&emulator, Q);
    assert_eq!(request.send().await.status, 200);
    request.send().await.assert_error(400, "SignatureNonceUsed");
    // A badly signed request does not burn the nonce.
    let mut bad = V3::new(&emulator, Q);
    bad.secret = "nope".into();
    bad.send().await.assert_error(400, "SignatureDoesNotMatch");
    let mut good = bad.clone();
    good.secret = common::SECRET.into();
    assert_eq!(good.send().await.status, 200);
}

#[tokio::test]
async fn version_and_action_are_checked() {
    let emulator = emulator().await;
    V3::new(&emulator, Q)
        .set_header("x-acs-version", "2014-05-26")
        .send()
        .await
        .assert_error(400, "InvalidVersion");
    V3::new(&emulator, Q)
        .set_header("x-acs-action", "DescribeInstances")
        .send()
        .await
        .assert_error(400, "InvalidAction.NotFound");
}

#[tokio::test]
async fn security_tokens_are_checked_when_configured() {
    let emulator = Emulator::builder()
        .data(oos_emulator::Data::new().with_execution("exec-2", common::logs(1)))
        .access_key_with_token("sts", "stssecret", "tok-123")
        .start()
        .await
        .unwrap();
    let mut request = V3::new(&emulator, Q).set_header("x-acs-security-token", "tok-123");
    request.id = "sts".into();
    request.secret = "stssecret".into();
    assert_eq!(request.send().await.status, 200);
    let wrong = request
        .clone()
        .set_header("x-acs-security-token", "tok-999")
        .set_header("x-acs-signature-nonce", "n2");
    let answer = wrong.send().await;
    answer.assert_error(400, "InvalidStsToken");
    assert!(answer.message().contains("ListExecutionLogs"));
    request
        .without_header("x-acs-security-token")
        .set_header("x-acs-signature-nonce", "n3")
        .send()
        .await
        .assert_error(400, "InvalidStsToken");
}

/// The official Python SDK (alibabacloud-tea-openapi) signs every header it sends, with
/// header names as they are and query names unencoded; checked by hand against that SDK,
/// reproduced here so that the emulator keeps accepting it.
#[tokio::test]
async fn accepts_every_header_signed_like_the_python_sdk() {
    use sha2::{Digest, Sha256};

    let emulator = emulator().await;
    let hashed = acs3::hashed_payload(b"");
    let mut headers = [
        ("host", emulator.addr().to_string()),
        ("x-acs-version", "2019-06-01".to_owned()),
        ("x-acs-action", "ListExecutionLogs".to_owned()),
        (
            "user-agent",
            "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.3.0 TeaDSL/1".to_owned(),
        ),
        ("x-acs-date", timestamp(0)),
        ("x-acs-signature-nonce", common::nonce()),
        ("accept", "application/json".to_owned()),
        ("x-acs-content-sha256", hashed.clone()),
    ];
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    let signed = signed.join(";");
    let canonical = format!(
        "POST\n/\nExecutionId=exec-2&RegionId=cn-hangzhou\n{canonical_headers}\n{signed}\n{hashed}"
    );
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let signature = acs3::signature(common::SECRET, &string_to_sign);
    let mut request = common::client()
        .post(format!(
            "{}/?ExecutionId=exec-2&RegionId=cn-hangzhou",
            emulator.url()
        ))
        .header(
            "authorization",
            acs3::authorization("testid", &signed, &signature),
        );
    for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
        request = request.header(*name, value);
    }
    let answer = common::answer(request.send().await.unwrap()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}
