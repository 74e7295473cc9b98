//! The fuzzing entry point (`check_request`, see `fuzz/README.md`) and inputs the fuzzers
//! once crashed on.

use oos_emulator::check_request;

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// A seed of `fuzz/seeds/emulator_request`: signed with `testsecret` at `FUZZ_NOW`.
const SIGNED_RPC: &str = "/?AccessKeyId=testid&Action=CancelExecution&ExecutionId=exec-demo-patching&Format=JSON&Signature=vZOxZrntG5Zn3m%2Fjxk40D0TcuhI%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=0123456789abcdef0123456789abcdef&SignatureVersion=1.0&Timestamp=2026-01-02T03%3A04%3A05Z&Version=2019-06-01";

#[test]
fn check_request_verifies_and_runs_the_action() {
    let host = headers(&[("host", "oos.cn-hangzhou.aliyuncs.com")]);
    let answer = check_request("POST", SIGNED_RPC, &host, b"").expect("verified");
    assert_eq!(answer, b"{}");
    let tampered = SIGNED_RPC.replace("exec-demo-patching", "exec-demo-restart");
    assert_eq!(
        check_request("POST", &tampered, &host, b"").unwrap_err(),
        "SignatureDoesNotMatch"
    );
    assert_eq!(
        check_request("GET", SIGNED_RPC, &host, b"").unwrap_err(),
        "SignatureDoesNotMatch"
    );
}

#[test]
fn check_request_refuses_what_cannot_be_a_request() {
    assert!(check_request("BAD METHOD", "/", &[], b"").is_err());
    assert!(check_request("POST", "not a uri", &[], b"").is_err());
    assert!(check_request("POST", "/", &headers(&[("bad name", "v")]), b"").is_err());
    assert!(check_request("POST", "/", &headers(&[("x", "bad\nvalue")]), b"").is_err());
    assert_eq!(
        check_request("POST", "/", &[], &vec![b'a'; 2 << 20]).unwrap_err(),
        "RequestEntityTooLarge"
    );
    assert_eq!(
        check_request("POST", "/", &[], b"").unwrap_err(),
        "MissingParameter"
    );
}
