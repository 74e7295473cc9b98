//! Keeping credentials out of errors. The gateway's `SignatureDoesNotMatch` message echoes its
//! string to sign, which for RPC signing holds the security token (percent-encoded twice), and
//! a proxy's error page may echo the request URL: whatever the service sends back is scrubbed
//! of the caller's secret and token before it reaches an error.

use crate::credentials::Credentials;
use crate::error::{Error, ErrorMetadata};
use crate::signing::percent_encode;

const MASK: &str = "***";

/// What `Debug` shows in place of a field the specs mark `secret`.
pub(crate) const REDACTED: &str = "** redacted **";

/// The forms in which one caller's secrets could come back.
pub(crate) struct Redactor {
    needles: Vec<String>,
}

impl Redactor {
    pub(crate) fn new(credentials: &Credentials) -> Self {
        let mut needles = Vec::new();
        for secret in [
            Some(credentials.access_key_secret()),
            credentials.security_token(),
        ]
        .into_iter()
        .flatten()
        {
            // Too short a value would mask unrelated text and protects nothing.
            if secret.len() < 4 {
                continue;
            }
            let once = percent_encode(secret);
            let twice = percent_encode(&once);
            needles.extend([secret.to_owned(), once, twice]);
        }
        // Longest first, so that an encoded form is masked whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        needles.dedup();
        Self { needles }
    }

    pub(crate) fn text(&self, text: String) -> String {
        if !self.needles.iter().any(|n| text.contains(n.as_str())) {
            return text;
        }
        self.needles
            .iter()
            .fold(text, |text, needle| text.replace(needle.as_str(), MASK))
    }

    fn option(&self, text: Option<String>) -> Option<String> {
        text.map(|t| self.text(t))
    }

    pub(crate) fn error(&self, error: Error<ErrorMetadata>) -> Error<ErrorMetadata> {
        match error {
            Error::Service(m) => Error::Service(ErrorMetadata {
                code: self.text(m.code),
                message: self.option(m.message),
                request_id: self.option(m.request_id),
                host_id: self.option(m.host_id),
                recommend: self.option(m.recommend),
                http_status: m.http_status,
            }),
            Error::Response {
                status,
                body,
                reason,
            } => Error::Response {
                status,
                body: self.text(body),
                reason: self.text(reason),
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_secret_and_token_is_masked() {
        let redactor = Redactor::new(&Credentials::with_security_token(
            "id",
            "s3cret-value",
            "tok/en+=",
        ));
        let text =
            "a s3cret-value b tok/en+= c tok%2Fen%2B%3D d tok%252Fen%252B%253D e id".to_owned();
        assert_eq!(redactor.text(text), "a *** b *** c *** d *** e id");
        let untouched = "nothing to hide".to_owned();
        assert_eq!(redactor.text(untouched.clone()), untouched);
    }
}
