//! RPC signature 1.0: `HMAC-SHA1` over every parameter, from the query and a form body.

use oos_api::signing::rpc;

use super::{
    check_action, check_security_token, check_timestamp, check_version, constant_time_eq, Received,
    Verified, Verifier,
};
use crate::error::ApiError;
use crate::wire::first;

pub(super) fn verify(verifier: &Verifier, received: &Received<'_>) -> Result<Verified, ApiError> {
    let params = received.params();
    let required =
        |name: &str| first(&params, name).ok_or_else(|| ApiError::missing_parameter(name));
    let action = required("Action")?;
    check_version(required("Version")?)?;
    check_action(action)?;
    if let Some(format) = first(&params, "Format") {
        if !format.eq_ignore_ascii_case("JSON") {
            return Err(ApiError::invalid_parameter(
                "Format",
                "this endpoint answers in JSON only",
            ));
        }
    }
    let signature = first(&params, "Signature")
        .ok_or_else(|| ApiError::incomplete_signature("the Signature parameter is missing"))?;
    let access_key_id = required("AccessKeyId")?;
    let method = required("SignatureMethod")?;
    let version = required("SignatureVersion")?;
    let nonce = required("SignatureNonce")?;
    let timestamp = required("Timestamp")?;
    if method != "HMAC-SHA1" {
        return Err(ApiError::incomplete_signature(&format!(
            "SignatureMethod {method:?} is not supported; use HMAC-SHA1"
        )));
    }
    if version != "1.0" {
        return Err(ApiError::incomplete_signature(&format!(
            "SignatureVersion {version:?} is not supported; use 1.0"
        )));
    }
    check_timestamp(timestamp, verifier.now())?;
    let key = verifier.key(access_key_id)?;

    let signed: Vec<(&str, &str)> = params
        .iter()
        .filter(|(name, _)| name != "Signature")
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let string_to_sign = rpc::string_to_sign(received.method, &signed);
    let expected = rpc::signature(&key.secret, &string_to_sign);
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(ApiError::signature_mismatch(&string_to_sign));
    }

    check_security_token(key, first(&params, "SecurityToken"), action)?;
    verifier.first_use_of_nonce(access_key_id, nonce)?;
    Ok(Verified {
        action: action.to_owned(),
        access_key_id: access_key_id.to_owned(),
        params: params.clone(),
    })
}
