//! Opaque page tokens, bound to the query that produced them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

const FORMAT: u8 = 1;
const BINDING_LEN: usize = 16;
const MAC_LEN: usize = 16;
const BODY_LEN: usize = 1 + 8 + BINDING_LEN;
const TOKEN_LEN: usize = BODY_LEN + MAC_LEN;

/// Issues and redeems page tokens: base64url of a format byte, the offset of the next item,
/// a hash of the query's other parameters, and an HMAC of those under a per-emulator random
/// key. The HMAC lets the emulator tell a forged token (`InvalidNextToken`) from a genuine
/// one replayed with other parameters (`InvalidNextTokenQuery`), as OOS does.
#[derive(Debug)]
pub(crate) struct PageTokens {
    key: [u8; 32],
}

impl PageTokens {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    pub fn random() -> Self {
        Self::new(rand::random())
    }

    /// A token for `offset`, bound to `action` and the (name, value) pairs of `query`.
    pub fn issue(&self, action: &str, query: &[(&str, &str)], offset: u64) -> String {
        let mut token = Vec::with_capacity(TOKEN_LEN);
        token.push(FORMAT);
        token.extend_from_slice(&offset.to_be_bytes());
        token.extend_from_slice(&binding(action, query));
        let mac = self.mac(&token);
        token.extend_from_slice(&mac);
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The offset a token stands for, if it is genuine and was issued for this query.
    pub fn redeem(
        &self,
        action: &str,
        query: &[(&str, &str)],
        token: &str,
    ) -> Result<u64, ApiError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| invalid())?;
        if bytes.len() != TOKEN_LEN || bytes[0] != FORMAT {
            return Err(invalid());
        }
        let (body, mac) = bytes.split_at(BODY_LEN);
        let mut check = Hmac::<Sha256>::new_from_slice(&self.key).map_err(|_| invalid())?;
        check.update(body);
        check.verify_truncated_left(mac).map_err(|_| invalid())?;
        if body[9..] != binding(action, query) {
            return Err(ApiError::new(
                http::StatusCode::BAD_REQUEST,
                "InvalidNextTokenQuery",
                "Query parameters changed for the next token",
            ));
        }
        let mut offset = [0u8; 8];
        offset.copy_from_slice(&body[1..9]);
        Ok(u64::from_be_bytes(offset))
    }

    fn mac(&self, body: &[u8]) -> [u8; MAC_LEN] {
        let mut out = [0u8; MAC_LEN];
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) {
            mac.update(body);
            out.copy_from_slice(&mac.finalize().into_bytes()[..MAC_LEN]);
        }
        out
    }
}

fn invalid() -> ApiError {
    ApiError::new(
        http::StatusCode::BAD_REQUEST,
        "InvalidNextToken",
        "The NextToken is invalid.",
    )
}

/// Length-prefixed so that no two different queries hash the same input.
fn binding(action: &str, query: &[(&str, &str)]) -> [u8; BINDING_LEN] {
    let mut hasher = Sha256::new();
    for part in std::iter::once(action).chain(query.iter().flat_map(|(n, v)| [*n, *v])) {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let mut out = [0u8; BINDING_LEN];
    out.copy_from_slice(&hasher.finalize()[..BINDING_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &[(&str, &str)] = &[("ExecutionId", "exec-1"), ("MaxResults", "10")];

    #[test]
    fn round_trips() {
        let tokens = PageTokens::random();
        let token = tokens.issue("ListExecutionLogs", Q, 40);
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(tokens.redeem("ListExecutionLogs", Q, &token).unwrap(), 40);
    }

    #[test]
    fn bound_to_the_query() {
        let tokens = PageTokens::random();
        let token = tokens.issue("ListExecutionLogs", Q, 40);
        let other = [("ExecutionId", "exec-2"), ("MaxResults", "10")];
        assert_eq!(
            tokens
                .redeem("ListExecutionLogs", &other, &token)
                .unwrap_err()
                .code,
            "InvalidNextTokenQuery"
        );
        assert_eq!(
            tokens.redeem("OtherAction", Q, &token).unwrap_err().code,
            "InvalidNextTokenQuery"
        );
    }

    #[test]
    fn refuses_forgeries() {
        let tokens = PageTokens::random();
        let token = tokens.issue("ListExecutionLogs", Q, 40);
        let foreign = PageTokens::random().issue("ListExecutionLogs", Q, 40);
        let mut flipped = URL_SAFE_NO_PAD.decode(&token).unwrap();
        flipped[8] ^= 1;
        let flipped = URL_SAFE_NO_PAD.encode(flipped);
        for bad in [
            foreign.as_str(),
            flipped.as_str(),
            "",
            "garbage!",
            "AAAA",
            &token[..token.len() - 2],
        ] {
            assert_eq!(
                tokens.redeem("ListExecutionLogs", Q, bad).unwrap_err().code,
                "InvalidNextToken",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn binding_is_unambiguous() {
        assert_ne!(binding("A", &[("ab", "c")]), binding("A", &[("a", "bc")]));
    }
}
