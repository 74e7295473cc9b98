//! V3: `Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`.

use http::HeaderMap;
use oos_api::signing::{acs3, canonical_query};

use super::{
    check_action, check_security_token, check_timestamp, check_version, constant_time_eq, Received,
    Verified, Verifier,
};
use crate::error::ApiError;
use crate::wire::first;

/// Headers whose values decide what the request does or whether it is fresh; leaving one
/// unsigned would let it be changed in transit.
const MUST_SIGN: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
];

const SECURITY_TOKEN: &str = "x-acs-security-token";

#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, ApiError> {
    let shape = "expected `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`";
    let (algorithm, rest) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| ApiError::incomplete_signature(shape))?;
    if algorithm != acs3::ALGORITHM {
        return Err(ApiError::incomplete_signature(&format!(
            "the Authorization algorithm {algorithm:?} is not supported; {shape}"
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| ApiError::incomplete_signature(shape))?;
        let slot = match name.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(ApiError::incomplete_signature(shape)),
        };
        *slot = Some(value.trim()).filter(|v| !v.is_empty());
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) => Ok(Authorization {
            credential,
            signed_headers,
            signature,
        }),
        _ => Err(ApiError::incomplete_signature(shape)),
    }
}

/// The canonical headers of the headers the client says it signed, whichever they are.
///
/// `acs3::canonical_request` keeps only `host`, `content-type` and `x-acs-*`, which is what
/// our client signs; but the official Python SDK signs every header it sends
/// (`user-agent` included), so the server must follow the list it is given.
/// Several values of one header are trimmed, sorted and joined with commas, as that SDK does.
fn canonical_headers(headers: &HeaderMap, names: &[String]) -> String {
    let mut out = String::new();
    for name in names {
        let mut values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
            .collect();
        values.sort();
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}

pub(super) fn verify(verifier: &Verifier, received: &Received<'_>) -> Result<Verified, ApiError> {
    let required = |name: &str| {
        received
            .header(name)
            .ok_or_else(|| ApiError::missing_parameter(name))
    };
    let action = required("x-acs-action")?;
    let version = required("x-acs-version")?;
    let params = received.params();
    for (name, from_header) in [("Action", action), ("Version", version)] {
        if first(&params, name).is_some_and(|value| value != from_header) {
            return Err(ApiError::invalid_parameter(
                name,
                "it differs from the x-acs- header of the same meaning",
            ));
        }
    }
    check_version(version)?;
    check_action(action)?;
    let authorization = received
        .header("authorization")
        .ok_or_else(|| ApiError::incomplete_signature("the Authorization header is missing"))?;
    let authorization = parse_authorization(authorization)?;
    let date = required("x-acs-date")?;
    let nonce = required("x-acs-signature-nonce")?;
    let content_sha256 = required("x-acs-content-sha256")?;
    check_timestamp(date, verifier.now())?;
    let key = verifier.key(authorization.credential)?;

    let mut signed_names: Vec<String> = authorization
        .signed_headers
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    signed_names.sort();
    signed_names.dedup();
    let token_sent = received.headers.contains_key(SECURITY_TOKEN);
    for name in MUST_SIGN
        .into_iter()
        .chain(token_sent.then_some(SECURITY_TOKEN))
    {
        if !signed_names.iter().any(|n| n == name) {
            return Err(ApiError::incomplete_signature(&format!(
                "SignedHeaders must include {name}"
            )));
        }
    }
    if !content_sha256.eq_ignore_ascii_case(&acs3::hashed_payload(received.body)) {
        return Err(ApiError::new(
            http::StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "The x-acs-content-sha256 header is not the SHA-256 of the received body.",
        ));
    }

    let query: Vec<(&str, &str)> = received
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let path = if received.path.is_empty() {
        "/"
    } else {
        received.path
    };
    let canonical_request = format!(
        "{}\n{path}\n{}\n{}\n{}\n{content_sha256}",
        received.method,
        canonical_query(&query),
        canonical_headers(received.headers, &signed_names),
        signed_names.join(";"),
    );
    let string_to_sign = acs3::string_to_sign(&canonical_request);
    let expected = acs3::signature(&key.secret, &string_to_sign);
    if !constant_time_eq(
        expected.as_bytes(),
        authorization.signature.to_ascii_lowercase().as_bytes(),
    ) {
        return Err(ApiError::signature_mismatch(&string_to_sign));
    }

    check_security_token(key, received.header(SECURITY_TOKEN), action)?;
    verifier.first_use_of_nonce(authorization.credential, nonce)?;
    Ok(Verified {
        action: action.to_owned(),
        access_key_id: authorization.credential.to_owned(),
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization() {
        let parsed = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=id, SignedHeaders=host;x-acs-date ,Signature=ab",
        )
        .unwrap();
        assert_eq!(
            parsed,
            Authorization {
                credential: "id",
                signed_headers: "host;x-acs-date",
                signature: "ab"
            }
        );
    }

    /// The official V3 example (RunInstances, from Alibaba's signature documentation).
    #[test]
    fn canonical_headers_match_the_official_example() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-version", "2014-05-26"),
            ("user-agent", "not signed"),
        ] {
            headers.insert(name, value.parse().unwrap());
        }
        let names: Vec<String> = [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ]
        .map(String::from)
        .to_vec();
        let expected = "host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n";
        assert_eq!(canonical_headers(&headers, &names), expected);
    }

    #[test]
    fn several_values_are_sorted_and_joined() {
        let mut headers = HeaderMap::new();
        headers.append("x-acs-b", " 2 ".parse().unwrap());
        headers.append("x-acs-b", "1".parse().unwrap());
        let names = vec!["x-acs-a".to_owned(), "x-acs-b".to_owned()];
        assert_eq!(
            canonical_headers(&headers, &names),
            "x-acs-a:\nx-acs-b:1,2\n"
        );
    }

    #[test]
    fn refuses_malformed_authorization() {
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SM3 Credential=id,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=ab,Extra=1",
            "ACS3-HMAC-SHA256 Credential",
            "acs id:signature",
        ] {
            assert_eq!(
                parse_authorization(bad).unwrap_err().code,
                "IncompleteSignature",
                "{bad:?}"
            );
        }
    }
}
