//! Secret values at rest: AES-256-GCM under a key drawn when the emulator starts, so that a
//! secret parameter's value is held only encrypted and leaves in plain text only on request.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const NONCE_LEN: usize = 12;

/// Seals and opens secret values. Its key never leaves it, not even in `Debug`.
pub(crate) struct Vault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    pub fn random() -> Self {
        let key: [u8; 32] = rand::random();
        Self {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// The value encrypted under a fresh nonce, as base64 of nonce and ciphertext: what
    /// OOS shows of a secret read without decryption.
    pub fn seal(&self, plain: &str) -> Option<String> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .ok()?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Some(STANDARD.encode(out))
    }

    /// The plain value of what [`seal`](Self::seal) gave.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens() {
        let vault = Vault::random();
        let sealed = vault.seal("hunter2").unwrap();
        assert!(!sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            vault.seal("hunter2").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(vault.open(&sealed).as_deref(), Some("hunter2"));
        assert_eq!(Vault::random().open(&sealed), None, "another key");
        assert_eq!(vault.open("AAAA"), None);
        assert_eq!(format!("{vault:?}"), "Vault(..)");
    }
}
