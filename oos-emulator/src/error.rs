//! OOS-shaped error answers.

use http::StatusCode;
use serde::Serialize;

/// The host id OOS puts in error bodies when the request named no host.
pub(crate) const DEFAULT_HOST_ID: &str = "oos.cn-hangzhou.aliyuncs.com";

/// An error answer before it is given a request id and host: status, code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// Wording as Alibaba's gateway gives it, so clients that show messages read naturally.
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MissingParameter",
            format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        )
    }

    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("The specified parameter \"{name}\" is not valid: {why}"),
        )
    }

    /// A template OOS would refuse: what is wrong and where (line, task, key).
    pub fn invalid_template(at: &crate::template::Located) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTemplate",
            format!("The template is not valid: {at}"),
        )
    }

    pub fn incomplete_signature(why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            format!("The request signature does not conform to Aliyun standards: {why}"),
        )
    }

    /// The server's string to sign is part of the message, as with the real service,
    /// because it is what a client author needs to find their canonicalization bug.
    pub fn signature_mismatch(string_to_sign: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
        )
    }

    pub fn invalid_version() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        )
    }

    pub fn invalid_action() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    }

    pub fn timestamp_expired(value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            format!("Specified time stamp or date value is expired: {value} is more than 15 minutes away from the server time."),
        )
    }

    pub fn timestamp_format(value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Format",
            format!("Specified time stamp or date value is not well formatted: {value:?} (expected e.g. 2019-06-01T12:00:00Z)."),
        )
    }

    pub fn nonce_used() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    }

    pub fn access_key_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    }

    pub fn invalid_sts_token(action: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidStsToken",
            format!("Invalid STS token to do the action: ({action})"),
        )
    }

    pub fn request_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request is larger than the {limit} bytes this endpoint accepts."),
        )
    }

    /// `RequestEntityTooLarge` (413) for a request head with more than `most` header fields.
    pub fn too_many_headers(most: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request has more than {most} header fields, which this endpoint does not take."),
        )
    }

    /// `EntityNotExists.<entity>` (404): the `what` named `id` does not exist.
    pub fn not_found(entity: &str, what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            &format!("EntityNotExists.{entity}"),
            format!("The specific {what} {id} does not exist."),
        )
    }

    /// `EntityAlreadyExists.<entity>` (409): a `what` named `id` exists already.
    pub fn already_exists(entity: &str, what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            &format!("EntityAlreadyExists.{entity}"),
            format!("The specific {what} {id} already exists."),
        )
    }

    pub fn execution_not_found(id: &str) -> Self {
        Self::not_found("Execution", "execution", id)
    }

    pub fn template_not_found(name: &str) -> Self {
        Self::not_found("Template", "template", name)
    }

    /// A version the template does not have.
    pub fn version_not_found(name: &str, version: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "EntityNotExists.TemplateVersion",
            format!("The specific version {version} of template {name} does not exist."),
        )
    }

    pub fn parameter_not_found(name: &str) -> Self {
        Self::not_found("Parameter", "parameter", name)
    }

    /// An execution in a status that does not allow what was asked.
    pub fn invalid_status(id: &str, status: &str, what: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidStatus.Execution",
            format!("The execution {id} is {status} and cannot be {what}."),
        )
    }

    /// `QuotaExceeded.<entity>` (400): the emulator keeps no more of these.
    pub fn quota_exceeded(entity: &str, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            &format!("QuotaExceeded.{entity}"),
            message,
        )
    }

    /// The JSON body OOS answers with: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
    pub fn body(&self, request_id: &str, host_id: &str) -> Vec<u8> {
        error_body(request_id, host_id, &self.code, &self.message)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
}

/// Serializes an error body; also used by faults, which answer with codes of their own.
pub(crate) fn error_body(request_id: &str, host_id: &str, code: &str, message: &str) -> Vec<u8> {
    let body = ErrorBody {
        request_id,
        host_id,
        code,
        message,
        recommend: format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product=oos&requestId={request_id}"
        ),
    };
    // Serializing a struct of strings cannot fail; an empty body would still be an answer.
    serde_json::to_vec(&body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_oos_fields() {
        let body = ApiError::missing_parameter("ExecutionId").body("RID", "host");
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["RequestId"], "RID");
        assert_eq!(value["HostId"], "host");
        assert_eq!(value["Code"], "MissingParameter");
        assert!(value["Message"]
            .as_str()
            .unwrap()
            .contains("\"ExecutionId\""));
        assert!(value["Recommend"].as_str().unwrap().starts_with("https://"));
    }
}
