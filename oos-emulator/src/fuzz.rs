//! A way into request checking without a network, for the fuzz targets in `fuzz/`.

use std::collections::HashMap;

use http::{HeaderName, HeaderValue, Method, Request, Uri};
use time::OffsetDateTime;

use crate::actions;
use crate::auth::{Key, Verifier};
use crate::data::Data;
use crate::handler::verify_request;
use crate::records::RequestRecord;
use crate::request::ActionRequest;
use crate::server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_MAX_REQUEST_BYTES};
use crate::spec;
use crate::state::State;

/// The server clock [`check_request`] verifies timestamps against: 2026-01-02T03:04:05Z.
#[doc(hidden)]
pub const FUZZ_NOW: OffsetDateTime = time::macros::datetime!(2026-01-02 03:04:05 UTC);

/// The temporary key [`check_request`] accepts besides `testid` / `testsecret`:
/// id, secret and security token.
#[doc(hidden)]
pub const FUZZ_STS_KEY: (&str, &str, &str) = ("stsid", "stssecret", "ststoken");

/// Checks one request as the server does (size limit, parameter decoding, V3 or RPC
/// signature with a fresh nonce store, clock fixed at [`FUZZ_NOW`]) and, once verified,
/// runs its action on [`Data::demo`]; exposed for fuzzing. Answers the action's JSON
/// answer, or the error code (or why the request could not even be built).
#[doc(hidden)]
pub fn check_request(
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Vec<u8>, String> {
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let uri = Uri::try_from(uri).map_err(|e| e.to_string())?;
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|e| e.to_string())?;
        request = request.header(name, value);
    }
    let (parts, ()) = request.body(()).map_err(|e| e.to_string())?.into_parts();
    let uri_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len.saturating_add(body.len()) > DEFAULT_MAX_REQUEST_BYTES {
        return Err("RequestEntityTooLarge".to_owned());
    }

    let (sts_id, sts_secret, sts_token) = FUZZ_STS_KEY;
    let keys = HashMap::from([
        (
            DEFAULT_ACCESS_KEY_ID.to_owned(),
            Key {
                secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
                security_token: None,
            },
        ),
        (
            sts_id.to_owned(),
            Key {
                secret: sts_secret.to_owned(),
                security_token: Some(sts_token.to_owned()),
            },
        ),
    ]);
    let verifier = Verifier::with_clock(keys, || FUZZ_NOW);
    let mut record = RequestRecord::new(parts.method.as_str());
    let verified = verify_request(&verifier, &parts, body, &mut record).map_err(|e| e.code)?;
    let spec = spec::action(&verified.action).ok_or("InvalidAction.NotFound")?;
    let args = spec::check::check(spec, &verified.params).map_err(|e| e.code)?;
    let mut state = State::new(Data::demo());
    let answer = actions::run(
        &mut state,
        &ActionRequest {
            action: &verified.action,
            spec,
            access_key_id: &verified.access_key_id,
            params: &verified.params,
            args: &args,
            from_task: false,
        },
    )
    .map_err(|e| e.code)?;
    serde_json::to_vec(&answer).map_err(|e| e.to_string())
}
