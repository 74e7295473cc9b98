//! Checks `oos_api::signing` against the published signing vectors in `tests/data/signing.json`,
//! every intermediate string byte for byte.

use oos_api::signing::{acs3, canonical_query, percent_encode, percent_encode_path, rpc};
use serde_json::{Map, Value};

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/signing.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let root: Value = serde_json::from_str(&text).expect("signing.json is JSON");
    root["vectors"]
        .as_array()
        .expect("`vectors` is an array")
        .clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn pairs(map: &Value) -> Vec<(&str, &str)> {
    let map: &Map<String, Value> = map.as_object().expect("an object of strings");
    map.iter()
        .map(|(k, v)| (k.as_str(), v.as_str().expect("string value")))
        .collect()
}

fn cases(v: &Value) -> Vec<(&str, &str)> {
    v["inputs"]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c[0].as_str().expect("case[0]"),
                c[1].as_str().expect("case[1]"),
            )
        })
        .collect()
}

fn check_rpc_v1(v: &Value) {
    let (inputs, expected) = (&v["inputs"], &v["expected"]);
    let params = pairs(&inputs["params"]);
    let secret = s(inputs, "access_key_secret");
    assert_eq!(
        canonical_query(&params),
        s(expected, "canonicalized_query_string")
    );
    let string_to_sign = rpc::string_to_sign(s(inputs, "method"), &params);
    assert_eq!(string_to_sign, s(expected, "string_to_sign"));
    assert_eq!(format!("{secret}&"), s(expected, "hmac_key"));
    assert_eq!(
        rpc::hmac_sha1_base64(s(expected, "hmac_key"), &string_to_sign),
        s(expected, "signature")
    );
    let signature = rpc::signature(secret, &string_to_sign);
    assert_eq!(signature, s(expected, "signature"));
    assert_eq!(
        percent_encode(&signature),
        s(expected, "signature_url_encoded")
    );
}

fn check_hmac_sha1(v: &Value) {
    let expected = v["expected"]["signature"].as_array().expect("signatures");
    let cases = cases(v);
    assert_eq!(cases.len(), expected.len(), "one signature per case");
    for ((data, key), want) in cases.into_iter().zip(expected) {
        assert_eq!(
            rpc::hmac_sha1_base64(key, data),
            want.as_str().expect("string"),
            "data {data:?}"
        );
    }
}

fn check_percent_encode(v: &Value) {
    let expected = v["expected"]["encoded"].as_array().expect("encoded");
    let cases = cases(v);
    assert_eq!(cases.len(), expected.len(), "one result per case");
    for ((kind, input), want) in cases.into_iter().zip(expected) {
        let got = match kind {
            "query_value" => percent_encode(input),
            "path" => percent_encode_path(input),
            other => panic!("unknown percent-encoding case kind {other:?}"),
        };
        assert_eq!(got, want.as_str().expect("string"), "{kind} {input:?}");
    }
}

fn check_acs3(v: &Value) {
    let (inputs, expected) = (&v["inputs"], &v["expected"]);
    let query = pairs(&inputs["query"]);
    let headers = pairs(&inputs["headers"]);
    let hashed_payload = acs3::hashed_payload(s(inputs, "body").as_bytes());
    assert_eq!(hashed_payload, s(expected, "hashed_request_payload"));
    assert_eq!(
        canonical_query(&query),
        s(expected, "canonical_query_string")
    );
    let (canonical_request, signed_headers) = acs3::canonical_request(
        s(inputs, "method"),
        s(inputs, "canonical_uri"),
        &query,
        &headers,
        &hashed_payload,
    );
    assert_eq!(signed_headers, s(expected, "signed_headers"));
    assert_eq!(canonical_request, s(expected, "canonical_request"));
    assert_eq!(
        acs3::hashed_canonical_request(&canonical_request),
        s(expected, "hashed_canonical_request")
    );
    let string_to_sign = acs3::string_to_sign(&canonical_request);
    assert_eq!(string_to_sign, s(expected, "string_to_sign"));
    let signature = acs3::signature(s(inputs, "access_key_secret"), &string_to_sign);
    assert_eq!(signature, s(expected, "signature"));
    assert_eq!(
        acs3::authorization(s(inputs, "access_key_id"), &signed_headers, &signature),
        s(expected, "authorization")
    );
}

#[test]
fn every_vector_matches() {
    let vectors = vectors();
    assert!(!vectors.is_empty(), "no vectors");
    for v in &vectors {
        let kind = s(v, "kind");
        let name = s(v, "name");
        eprintln!("checking {kind} {name}");
        match kind {
            "rpc_v1_signature" => check_rpc_v1(v),
            "hmac_sha1_base64" => check_hmac_sha1(v),
            "percent_encode" => check_percent_encode(v),
            "acs3_hmac_sha256" => check_acs3(v),
            other => panic!("vector {name}: unknown kind {other:?}; teach this test to check it"),
        }
    }
}

#[test]
fn every_kind_is_covered() {
    let mut kinds: Vec<String> = vectors().iter().map(|v| s(v, "kind").to_owned()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "acs3_hmac_sha256",
            "hmac_sha1_base64",
            "percent_encode",
            "rpc_v1_signature"
        ]
    );
}

#[test]
fn the_copy_is_verbatim_when_the_shared_original_is_present() {
    // Outside the development workspace the shared original does not exist; nothing to compare.
    let original = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/signing.json"
    );
    if let Ok(original) = std::fs::read(original) {
        let copy = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/signing.json"
        ))
        .expect("copy");
        assert!(
            original == copy,
            "tests/data/signing.json differs from shared/vectors/signing.json"
        );
    }
}
