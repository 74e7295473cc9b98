//! The JSON documents credentials arrive in: the metadata service's and a credentials URI's
//! (`AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`, `Code`) and STS's
//! `Credentials` object; and their `Expiration` times.
//!
//! Errors name the field and never quote a value: a value in the wrong place may be a
//! secret.

use std::time::SystemTime;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{Credentials, CredentialsError};

/// `2024-03-19T02:00:00Z`, as the services write times.
pub(crate) fn format_time(at: SystemTime) -> String {
    // `OffsetDateTime::from` panics outside years 0-9999, which an injected clock may reach.
    let seconds = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    let Ok(t) = OffsetDateTime::from_unix_timestamp(seconds) else {
        return format!("{seconds} s after 1970");
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// An RFC 3339 time, with or without fractional seconds (the official libraries accept only
/// `YYYY-MM-DDTHH:MM:SSZ`, which is one of its forms).
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .ok()
        .map(SystemTime::from)
}

/// Whether a document must say `"Code": "Success"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeRule {
    /// The metadata service always sends it; the official libraries require it.
    Required,
    /// Credentials URIs written for other tools may leave it out; present, it must be
    /// `Success`.
    IfPresent,
}

/// Parses a body as a JSON object; `source` says where it came from, for messages.
pub(crate) fn json_object(
    body: &[u8],
    source: &str,
) -> Result<Map<String, Value>, CredentialsError> {
    // serde_json's message gives a line and column, never the text.
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CredentialsError::new(format!(
            "{source} answered JSON that is not an object"
        ))),
        Err(e) => Err(CredentialsError::new(format!(
            "{source} answered something that is not JSON ({e})"
        ))),
    }
}

/// The credentials of a metadata-service or credentials-URI document.
pub(crate) fn credentials_document(
    body: &[u8],
    source: &str,
    code: CodeRule,
) -> Result<Credentials, CredentialsError> {
    let map = json_object(body, source)?;
    match (map.get("Code"), code) {
        (None, CodeRule::IfPresent) => {}
        (None, CodeRule::Required) => {
            return Err(CredentialsError::new(format!(
                "{source} answered a document without `Code`"
            )))
        }
        (Some(Value::String(c)), _) if c == "Success" => {}
        (Some(Value::String(c)), _) => {
            // A failure code names the failure; it is not a secret.
            return Err(CredentialsError::new(format!(
                "{source} answered `Code` `{c}`, not `Success`"
            )));
        }
        (Some(_), _) => {
            return Err(CredentialsError::new(format!(
                "{source} answered a `Code` that is not a string"
            )))
        }
    }
    credentials_object(&map, source)
}

/// `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration` of an object, all
/// required.
pub(crate) fn credentials_object(
    map: &Map<String, Value>,
    source: &str,
) -> Result<Credentials, CredentialsError> {
    let field = |name: &str| -> Result<&str, CredentialsError> {
        match map.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
            Some(Value::String(_)) => Err(CredentialsError::new(format!(
                "{source} answered an empty `{name}`"
            ))),
            Some(_) => Err(CredentialsError::new(format!(
                "{source} answered a `{name}` that is not a string"
            ))),
            None => Err(CredentialsError::new(format!(
                "{source} answered no `{name}`"
            ))),
        }
    };
    let id = field("AccessKeyId")?;
    let secret = field("AccessKeySecret")?;
    let token = field("SecurityToken")?;
    let expiration_text = field("Expiration")?;
    // Not quoted: a source that mixed its fields up could have put a secret there.
    let expiration = parse_time(expiration_text).ok_or_else(|| {
        CredentialsError::new(format!(
            "{source} answered an `Expiration` that is not an RFC 3339 time such as \
             2024-03-19T02:00:00Z"
        ))
    })?;
    Ok(Credentials::with_security_token(id, secret, token).with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const DOC: &str = r#"{"AccessKeyId": "STS.id", "AccessKeySecret": "SECRETVALUE",
        "SecurityToken": "TOKENVALUE", "Expiration": "2030-01-02T03:04:05Z",
        "LastUpdated": "2030-01-01T21:04:05Z", "Code": "Success"}"#;

    fn expect_err(body: &str, code: CodeRule) -> String {
        let err = credentials_document(body.as_bytes(), "the source", code)
            .expect_err("should be refused")
            .to_string();
        assert!(
            !err.contains("SECRETVALUE") && !err.contains("TOKENVALUE"),
            "{err}"
        );
        assert!(err.starts_with("the source"), "{err}");
        err
    }

    #[test]
    fn times() {
        let at = parse_time("2030-01-02T03:04:05Z").expect("plain");
        assert_eq!(format_time(at), "2030-01-02T03:04:05Z");
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(format_time(far), "400000000000 s after 1970");
        let fractional = parse_time("2030-01-02T03:04:05.250Z").expect("fractional");
        assert_eq!(
            fractional.duration_since(at).ok(),
            Some(Duration::from_millis(250))
        );
        let offset = parse_time("2030-01-02T11:04:05+08:00").expect("offset");
        assert_eq!(offset, at);
        for bad in [
            "",
            "2030-01-02",
            "2030-01-02 03:04:05",
            "tomorrow",
            "2030-13-02T03:04:05Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_good_document() {
        let c = credentials_document(DOC.as_bytes(), "s", CodeRule::Required).expect("parses");
        assert_eq!(c.access_key_id(), "STS.id");
        assert_eq!(c.access_key_secret(), "SECRETVALUE");
        assert_eq!(c.security_token(), Some("TOKENVALUE"));
        assert_eq!(c.expiration(), parse_time("2030-01-02T03:04:05Z"));
    }

    #[test]
    fn code_rules() {
        let without: String = DOC.replace(r#", "Code": "Success""#, "");
        assert!(credentials_document(without.as_bytes(), "s", CodeRule::IfPresent).is_ok());
        let err = expect_err(&without, CodeRule::Required);
        assert!(err.contains("without `Code`"), "{err}");
        let failed = DOC.replace("\"Success\"", "\"Failed\"");
        let err = expect_err(&failed, CodeRule::IfPresent);
        assert!(err.contains("`Failed`"), "{err}");
        let numeric = DOC.replace("\"Success\"", "200");
        let err = expect_err(&numeric, CodeRule::Required);
        assert!(err.contains("`Code` that is not a string"), "{err}");
    }

    #[test]
    fn bad_documents_name_the_field_not_the_value() {
        for (field, value) in [
            ("AccessKeyId", "\"STS.id\""),
            ("AccessKeySecret", "\"SECRETVALUE\""),
            ("SecurityToken", "\"TOKENVALUE\""),
            ("Expiration", "\"2030-01-02T03:04:05Z\""),
        ] {
            let missing = DOC.replace(&format!("\"{field}\": {value},"), "");
            let err = expect_err(&missing, CodeRule::Required);
            assert!(err.contains(&format!("no `{field}`")), "{err}");
            let wrong_type =
                DOC.replace(&format!("\"{field}\": {value}"), &format!("\"{field}\": 7"));
            let err = expect_err(&wrong_type, CodeRule::Required);
            assert!(
                err.contains(&format!("`{field}` that is not a string")),
                "{err}"
            );
            let empty = DOC.replace(
                &format!("\"{field}\": {value}"),
                &format!("\"{field}\": \"\""),
            );
            let err = expect_err(&empty, CodeRule::Required);
            assert!(err.contains(&format!("empty `{field}`")), "{err}");
        }
        let bad_time = DOC.replace("2030-01-02T03:04:05Z", "next tuesday");
        let err = expect_err(&bad_time, CodeRule::Required);
        assert!(
            err.contains("`Expiration` that is not an RFC 3339 time"),
            "{err}"
        );
        assert!(
            !err.contains("next tuesday"),
            "the value is not quoted: {err}"
        );
        let err = expect_err("<html>SECRETVALUE</html>", CodeRule::Required);
        assert!(err.contains("not JSON"), "{err}");
        let err = expect_err("[\"SECRETVALUE\"]", CodeRule::Required);
        assert!(err.contains("not an object"), "{err}");
    }
}
