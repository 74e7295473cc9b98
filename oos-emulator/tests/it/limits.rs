//! OOS's limits as the official SDKs meet them: `Content` of up to 64 KB in the query string
//! (a request target far longer than HTTP servers usually take, and than `reqwest` builds,
//! so these requests are written by hand), and a JSON error body for anything over a limit.

use std::io::{Read, Write};

use crate::common::V3;
use oos_emulator::{Emulator, RunningEmulator};
use serde_json::Value;

/// A valid template of `size` bytes: a sleep padded by a long description.
fn template(size: usize) -> String {
    let head = "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties:\n      Duration: PT1S\nDescription: ";
    // `%` and `&` are percent-encoded, tripling the target's length.
    format!("{head}'{}'\n", "%&".repeat((size - head.len() - 3) / 2))
}

/// Sends `requests` on one connection (the last closes it); each answer's status and body.
fn exchange(emulator: &RunningEmulator, requests: &[Vec<u8>]) -> Vec<(u16, Value)> {
    let mut stream = std::net::TcpStream::connect(emulator.addr()).unwrap();
    for (i, request) in requests.iter().enumerate() {
        let mut request = request.clone();
        if i + 1 < requests.len() {
            let text = String::from_utf8(request).unwrap();
            request = text.replacen("connection: close\r\n", "", 1).into_bytes();
        }
        stream.write_all(&request).unwrap();
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.split("HTTP/1.1 ")
        .skip(1)
        .map(|response| {
            let status = response[..3].parse().unwrap();
            let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
            // Each body is one JSON object; what follows it is the next response's.
            let body = serde_json::Deserializer::from_str(body)
                .into_iter::<Value>()
                .next();
            (status, body.and_then(Result::ok).unwrap_or(Value::Null))
        })
        .collect()
}

fn validate(emulator: &RunningEmulator, content: &str) -> Vec<u8> {
    V3::new(emulator, &[("Content", content)])
        .set_header("x-acs-action", "ValidateTemplateContent")
        .raw()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_of_64_kb_in_the_query_string_is_accepted() {
    let emulator = Emulator::builder().start().await.unwrap();
    let content = template(64 * 1024 - 16);
    let request = validate(&emulator, &content);
    assert!(request.len() > 190_000, "{}", request.len());
    let small = validate(&emulator, &template(200));
    let answers = exchange(&emulator, &[request, small]);
    // Both answered, on one connection: the long target did not end it.
    assert_eq!(answers.len(), 2, "{answers:?}");
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["Tasks"][0]["Name"], "nap");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_limit_the_answer_is_a_json_error() {
    let emulator = Emulator::builder().start().await.unwrap();
    let over = validate(&emulator, &template(64 * 1024 + 100));
    let answers = exchange(&emulator, &[over]);
    assert_eq!(answers[0].0, 400);
    assert_eq!(answers[0].1["Code"], "InvalidParameter");
    assert!(answers[0].1["Message"]
        .as_str()
        .unwrap()
        .contains("\"Content\""));
    // A head over 1 MiB: a JSON 413, not hyper's empty answer.
    let huge = validate(&emulator, &"a".repeat(1 << 20));
    let answers = exchange(&emulator, &[huge]);
    assert_eq!(answers[0].0, 413);
    assert_eq!(answers[0].1["Code"], "RequestEntityTooLarge");

    // More header fields than the server takes: a JSON error too, not hyper's empty 431.
    let with_headers = |n: usize| {
        let request = String::from_utf8(validate(&emulator, &template(200))).unwrap();
        let extra: String = (0..n).map(|i| format!("x-extra-{i}: v\r\n")).collect();
        request
            .replacen("\r\n", &format!("\r\n{extra}"), 1)
            .into_bytes()
    };
    let answers = exchange(&emulator, &[with_headers(150)]);
    assert_eq!(answers[0].0, 413, "{answers:?}");
    assert_eq!(answers[0].1["Code"], "RequestEntityTooLarge");
    assert!(answers[0].1["Message"]
        .as_str()
        .unwrap()
        .contains("more than 100 header fields"));
    // Up to the limit, with a long target too (its query moves into a header of its own).
    let mut long = String::from_utf8(validate(&emulator, &template(64 * 1024 - 16))).unwrap();
    let own = long.split("\r\n\r\n").next().unwrap().lines().count() - 1;
    let extra: String = (own..100).map(|i| format!("x-extra-{i}: v\r\n")).collect();
    long = long.replacen("\r\n", &format!("\r\n{extra}"), 1);
    let answers = exchange(&emulator, &[with_headers(80), long.into_bytes()]);
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert!(answers.iter().all(|a| a.0 == 200), "{answers:?}");
}
