//! Per-request signing, written with `oos_api::signing`'s public functions step for step as
//! the client's private `sign_request` does it, so that its full cost can be timed alone.

use oos_api::signing::{acs3, canonical_query, rpc};

use crate::page::{EXECUTION_ID, SAMPLE_TOKEN};

/// The API version the client sends.
const VERSION: &str = "2019-06-01";
/// The action the benchmark signs.
pub const ACTION: &str = "ListExecutionLogs";

/// The access key the benchmark signs with.
pub const ACCESS_KEY_ID: &str = "LTAI5tBenchmarkKeyId00000";
/// Its secret.
pub const ACCESS_KEY_SECRET: &str = "BenchmarkSecret0123456789abcdefABCDEF";
/// A fixed timestamp.
pub const TIMESTAMP: &str = "2026-01-02T03:04:05Z";
/// A fixed nonce.
pub const NONCE: &str = "0123456789abcdef0123456789abcdef";
/// The endpoint host.
pub const HOST: &str = "oos.cn-hangzhou.aliyuncs.com";

/// The parameters of a typical `ListExecutionLogs` request for a second page.
pub fn typical_params() -> Vec<(&'static str, String)> {
    vec![
        ("ExecutionId", EXECUTION_ID.to_owned()),
        ("MaxResults", "50".to_owned()),
        ("NextToken", SAMPLE_TOKEN.to_owned()),
    ]
}

/// [`typical_params`] as the client writes them for signing: all in the query.
pub fn typical_wire_params() -> oos_api::params::Params {
    let mut wire = oos_api::params::Params::new();
    for (name, value) in typical_params() {
        wire.query().set(name, value);
    }
    wire
}

/// A signed request: the query string sent and the headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The query string of the URL.
    pub query: String,
    /// The headers, `authorization` last for V3.
    pub headers: Vec<(&'static str, String)>,
}

/// V3 (`ACS3-HMAC-SHA256`): everything the client does to sign one attempt, header map
/// aside.
pub fn sign_v3(params: &[(&'static str, String)], timestamp: &str, nonce: &str) -> Signed {
    let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let hashed_payload = acs3::hashed_payload(b"");
    let mut headers: Vec<(&'static str, String)> = vec![
        ("host", HOST.to_owned()),
        ("x-acs-action", ACTION.to_owned()),
        ("x-acs-version", VERSION.to_owned()),
        ("x-acs-date", timestamp.to_owned()),
        ("x-acs-signature-nonce", nonce.to_owned()),
        ("x-acs-content-sha256", hashed_payload.clone()),
    ];
    let signing_headers: Vec<(&str, &str)> =
        headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let (canonical_request, signed_headers) =
        acs3::canonical_request("POST", "/", &pairs, &signing_headers, &hashed_payload);
    let signature = acs3::signature(ACCESS_KEY_SECRET, &acs3::string_to_sign(&canonical_request));
    let authorization = acs3::authorization(ACCESS_KEY_ID, &signed_headers, &signature);
    headers.push(("authorization", authorization));
    Signed {
        query: canonical_query(&pairs),
        headers,
    }
}

/// The common parameters an RPC signature adds to the action's.
pub fn rpc_common_params<'a>(timestamp: &'a str, nonce: &'a str) -> [(&'a str, &'a str); 8] {
    [
        ("Action", ACTION),
        ("Version", VERSION),
        ("Format", "JSON"),
        ("AccessKeyId", ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Timestamp", timestamp),
    ]
}

/// The RPC signature 1.0 (`HMAC-SHA1`): everything the client does to sign one attempt.
pub fn sign_rpc(params: &[(&'static str, String)], timestamp: &str, nonce: &str) -> Signed {
    let mut pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    pairs.extend(rpc_common_params(timestamp, nonce));
    let signature = rpc::signature(ACCESS_KEY_SECRET, &rpc::string_to_sign("POST", &pairs));
    pairs.push(("Signature", &signature));
    Signed {
        query: canonical_query(&pairs),
        headers: vec![("host", HOST.to_owned())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_signs_the_typical_request() {
        let params = typical_params();
        let signed = sign_v3(&params, TIMESTAMP, NONCE);
        assert!(signed
            .query
            .starts_with("ExecutionId=exec-8a2aaf460fdf47c6b5ef&MaxResults=50&NextToken=gAAAAABc"));
        let (name, authorization) = signed.headers.last().expect("authorization");
        assert_eq!(*name, "authorization");
        assert!(authorization.starts_with(
            "ACS3-HMAC-SHA256 Credential=LTAI5tBenchmarkKeyId00000,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
        ));
        // Deterministic for fixed inputs, different for another nonce.
        assert_eq!(signed, sign_v3(&params, TIMESTAMP, NONCE));
        assert_ne!(signed, sign_v3(&params, TIMESTAMP, "another"));
    }

    #[test]
    fn rpc_signs_the_typical_request() {
        let signed = sign_rpc(&typical_params(), TIMESTAMP, NONCE);
        assert!(signed.query.contains("&Signature="));
        assert!(signed.query.contains("&SignatureMethod=HMAC-SHA1&"));
        assert!(signed.query.contains("NextToken=gAAAAABc68oiY2KprBVtAOVCNGWOMM7QIVzHFOhxneoi78biGnqJuxBnGISFqK5neTHFPgrs3jK7rqjF3qaN_4ysSzyVr_y6vQ%3D%3D"));
    }
}
