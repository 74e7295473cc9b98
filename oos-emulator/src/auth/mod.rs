//! Authenticating requests: V3 (`ACS3-HMAC-SHA256`) and RPC signature 1.0 (`HMAC-SHA1`).
//!
//! Checks run in the order Alibaba's gateway applies them: the action and version are
//! looked at before the signature, and the nonce is burnt only by a correctly signed
//! request, so unsigned garbage cannot use up a client's nonces.

mod nonce;
mod rpc;
mod v3;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::HeaderMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::wire::first;
use nonce::NonceStore;

/// The only API version OOS has.
pub(crate) const API_VERSION: &str = "2019-06-01";

/// How far a request's timestamp may be from the server clock, either way.
pub(crate) const SKEW_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many nonces are remembered at most (a few tens of MB in the worst case).
const NONCE_CAPACITY: usize = 200_000;

/// How a request was signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// V3: an `Authorization: ACS3-HMAC-SHA256 ...` header.
    Acs3HmacSha256,
    /// RPC signature 1.0: `Signature`, `SignatureMethod=HMAC-SHA1` and friends as parameters.
    HmacSha1,
    /// No signature could be recognized.
    Unsigned,
}

/// What the server received, decoded but not yet trusted.
pub(crate) struct Received<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded, which is what V3 signs.
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// Pairs of a form body, empty when the body is not a form.
    pub form: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Received<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query and the form together: every parameter the action sees.
    pub fn params(&self) -> Vec<(String, String)> {
        self.query.iter().chain(self.form).cloned().collect()
    }

    /// How the request claims to be signed, decided before anything is verified.
    pub fn signature_method(&self) -> SignatureMethod {
        const RPC_PARAMS: [&str; 4] = [
            "Signature",
            "SignatureMethod",
            "AccessKeyId",
            "SignatureNonce",
        ];
        let rpc = RPC_PARAMS
            .into_iter()
            .any(|name| self.query.iter().chain(self.form).any(|(n, _)| n == name));
        let authorization = self.headers.get(http::header::AUTHORIZATION);
        // An Authorization header of some other scheme (a proxy's, say) does not hide a
        // request signed with parameters.
        let acs3 = authorization.is_some_and(|v| v.as_bytes().starts_with(b"ACS3-"));
        if acs3 || (authorization.is_some() && !rpc) {
            SignatureMethod::Acs3HmacSha256
        } else if rpc {
            SignatureMethod::HmacSha1
        } else if self.headers.contains_key("x-acs-action") {
            SignatureMethod::Acs3HmacSha256
        } else {
            SignatureMethod::Unsigned
        }
    }

    /// The action named by the request, for the record, whether or not it is valid.
    pub fn claimed_action(&self) -> Option<String> {
        self.header("x-acs-action")
            .or_else(|| first(self.query, "Action"))
            .or_else(|| first(self.form, "Action"))
            .map(str::to_owned)
    }
}

/// A request whose signature checked out.
#[derive(Debug)]
pub(crate) struct Verified {
    pub action: String,
    pub access_key_id: String,
    pub params: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub secret: String,
    pub security_token: Option<String>,
}

/// The configured access keys and the nonces already used with them.
#[derive(Debug)]
pub(crate) struct Verifier {
    keys: HashMap<String, Key>,
    nonces: Mutex<NonceStore>,
    /// The server clock that timestamps are checked against; fixed only by the fuzz entry.
    clock: fn() -> OffsetDateTime,
}

impl Verifier {
    pub fn new(keys: HashMap<String, Key>) -> Self {
        Self::with_clock(keys, OffsetDateTime::now_utc)
    }

    pub fn with_clock(keys: HashMap<String, Key>, clock: fn() -> OffsetDateTime) -> Self {
        Self {
            keys,
            nonces: Mutex::new(NonceStore::new(SKEW_WINDOW, NONCE_CAPACITY)),
            clock,
        }
    }

    fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    pub fn verify(&self, received: &Received<'_>) -> Result<Verified, ApiError> {
        match received.signature_method() {
            SignatureMethod::Acs3HmacSha256 => v3::verify(self, received),
            SignatureMethod::HmacSha1 => rpc::verify(self, received),
            SignatureMethod::Unsigned => {
                let params = received.params();
                let action = first(&params, "Action")
                    .ok_or_else(|| ApiError::missing_parameter("Action"))?;
                let version = first(&params, "Version")
                    .ok_or_else(|| ApiError::missing_parameter("Version"))?;
                check_version(version)?;
                check_action(action)?;
                Err(ApiError::incomplete_signature(
                    "the request carries neither an Authorization header nor a Signature parameter",
                ))
            }
        }
    }

    fn key(&self, access_key_id: &str) -> Result<&Key, ApiError> {
        self.keys
            .get(access_key_id)
            .ok_or_else(ApiError::access_key_not_found)
    }

    fn first_use_of_nonce(&self, access_key_id: &str, nonce: &str) -> Result<(), ApiError> {
        let mut nonces = self
            .nonces
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if nonces.first_use(access_key_id, nonce, Instant::now()) {
            Ok(())
        } else {
            Err(ApiError::nonce_used())
        }
    }
}

fn check_version(version: &str) -> Result<(), ApiError> {
    if version == API_VERSION {
        Ok(())
    } else {
        Err(ApiError::invalid_version())
    }
}

fn check_action(action: &str) -> Result<(), ApiError> {
    if crate::spec::action(action).is_some() {
        Ok(())
    } else {
        Err(ApiError::invalid_action())
    }
}

fn check_timestamp(value: &str, now: OffsetDateTime) -> Result<(), ApiError> {
    let at =
        OffsetDateTime::parse(value, &Rfc3339).map_err(|_| ApiError::timestamp_format(value))?;
    let skew = (now - at).unsigned_abs();
    if skew > SKEW_WINDOW {
        Err(ApiError::timestamp_expired(value))
    } else {
        Ok(())
    }
}

/// The security token must be sent exactly when the key has one, and must match it.
fn check_security_token(key: &Key, sent: Option<&str>, action: &str) -> Result<(), ApiError> {
    match (key.security_token.as_deref(), sent) {
        (None, None) => Ok(()),
        (Some(expected), Some(sent)) if constant_time_eq(expected.as_bytes(), sent.as_bytes()) => {
            Ok(())
        }
        _ => Err(ApiError::invalid_sts_token(action)),
    }
}

/// Compares without an early exit so the time taken says nothing about where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let now = OffsetDateTime::now_utc();
        let fmt = |t: OffsetDateTime| t.format(&Rfc3339).unwrap();
        assert!(check_timestamp(&fmt(now), now).is_ok());
        assert!(check_timestamp(&fmt(now - Duration::from_secs(14 * 60)), now).is_ok());
        assert!(check_timestamp(&fmt(now + Duration::from_secs(14 * 60)), now).is_ok());
        let old = check_timestamp(&fmt(now - Duration::from_secs(16 * 60)), now).unwrap_err();
        assert_eq!(old.code, "InvalidTimeStamp.Expired");
        let ahead = check_timestamp(&fmt(now + Duration::from_secs(16 * 60)), now).unwrap_err();
        assert_eq!(ahead.code, "InvalidTimeStamp.Expired");
        assert_eq!(
            check_timestamp("yesterday", now).unwrap_err().code,
            "InvalidTimeStamp.Format"
        );
    }

    #[test]
    fn security_tokens() {
        let plain = Key {
            secret: "s".into(),
            security_token: None,
        };
        let sts = Key {
            secret: "s".into(),
            security_token: Some("tok".into()),
        };
        assert!(check_security_token(&plain, None, "A").is_ok());
        assert!(check_security_token(&plain, Some("tok"), "A").is_err());
        assert!(check_security_token(&sts, Some("tok"), "A").is_ok());
        assert!(check_security_token(&sts, Some("other"), "A").is_err());
        assert_eq!(
            check_security_token(&sts, None, "A").unwrap_err().code,
            "InvalidStsToken"
        );
    }

    #[test]
    fn compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
