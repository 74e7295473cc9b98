//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
//! `ALIBABA_CLOUD_SECURITY_TOKEN` (Function Compute sets all three).

use std::fmt;
use std::sync::Arc;

use super::cache::{cached_provider, CachedProvider};
use super::{
    lookup_nonempty, names_are, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
    ENV_SECURITY_TOKEN,
};

/// Reads the three variables; not cached by itself.
#[derive(Clone)]
pub(crate) struct EnvFetcher {
    lookup: EnvLookup,
}

impl EnvFetcher {
    pub(crate) fn new(lookup: EnvLookup) -> Self {
        Self { lookup }
    }

    pub(crate) fn read(&self) -> Result<Credentials, CredentialsError> {
        let id = lookup_nonempty(&self.lookup, ENV_ACCESS_KEY_ID);
        let secret = lookup_nonempty(&self.lookup, ENV_ACCESS_KEY_SECRET);
        let token = lookup_nonempty(&self.lookup, ENV_SECURITY_TOKEN);
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(match token {
                Some(token) => Credentials::with_security_token(id, secret, token),
                None => Credentials::new(id, secret),
            }),
            (None, None) if token.is_none() => Err(CredentialsError::not_configured(format!(
                "{ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} are not set"
            ))),
            (id, secret) => {
                // Half a key pair is a mistake to report, not a reason to look elsewhere.
                let set = [
                    (ENV_ACCESS_KEY_ID, id.is_some()),
                    (ENV_ACCESS_KEY_SECRET, secret.is_some()),
                    (ENV_SECURITY_TOKEN, token.is_some()),
                ];
                let missing = [
                    (ENV_ACCESS_KEY_ID, id.is_none()),
                    (ENV_ACCESS_KEY_SECRET, secret.is_none()),
                ];
                Err(CredentialsError::invalid_configuration(format!(
                    "{} set but {} not",
                    names_are(&set),
                    names_are(&missing)
                )))
            }
        }
    }
}

impl ProvideCredentials for EnvFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let result = self.read();
        Box::pin(async move { result })
    }
}

impl fmt::Debug for EnvFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvFetcher")
    }
}

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
/// for STS, `ALIBABA_CLOUD_SECURITY_TOKEN`, read on the first call and kept.
///
/// Neither id nor secret set: [`NotConfigured`](super::CredentialsErrorKind::NotConfigured).
/// Only one of them (or only the token): an error naming what is missing.
pub struct EnvironmentProvider {
    inner: CachedProvider<EnvFetcher>,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::from_shared_lookup(process_env())
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_shared_lookup(Arc::new(lookup))
    }

    pub(crate) fn from_shared_lookup(lookup: EnvLookup) -> Self {
        Self {
            inner: CachedProvider::labelled(EnvFetcher::new(lookup), "the environment"),
        }
    }
}

cached_provider!(EnvironmentProvider);

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvironmentProvider")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::credentials::testing::{block_on, env};
    use crate::credentials::CredentialsErrorKind;

    #[test]
    fn pairs_and_tokens() {
        let p = EnvironmentProvider::from_shared_lookup(env(&[
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
        ]));
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id", "sec")));

        let p = EnvironmentProvider::from_lookup(|name| match name {
            ENV_ACCESS_KEY_ID => Some("id".into()),
            ENV_ACCESS_KEY_SECRET => Some("sec".into()),
            ENV_SECURITY_TOKEN => Some("tok".into()),
            _ => None,
        });
        assert_eq!(
            block_on(p.provide()),
            Ok(Credentials::with_security_token("id", "sec", "tok"))
        );
    }

    #[test]
    fn partial_sets_are_errors_naming_what_is_missing() {
        let cases: [(&[(&str, &str)], &str); 4] = [
            (
                &[(ENV_ACCESS_KEY_ID, "id"), (ENV_ACCESS_KEY_SECRET, " ")],
                "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not",
            ),
            (
                &[(ENV_ACCESS_KEY_SECRET, "SECRETVALUE")],
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not",
            ),
            (
                &[(ENV_SECURITY_TOKEN, "TOKENVALUE")],
                "ALIBABA_CLOUD_SECURITY_TOKEN is set but ALIBABA_CLOUD_ACCESS_KEY_ID and \
                 ALIBABA_CLOUD_ACCESS_KEY_SECRET are not",
            ),
            (
                &[
                    (ENV_ACCESS_KEY_ID, "id"),
                    (ENV_SECURITY_TOKEN, "TOKENVALUE"),
                ],
                "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_SECURITY_TOKEN are set but \
                 ALIBABA_CLOUD_ACCESS_KEY_SECRET is not",
            ),
        ];
        for (pairs, expected) in cases {
            let p = EnvironmentProvider::from_shared_lookup(env(pairs));
            let err = block_on(p.provide()).expect_err("partial");
            assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
            assert_eq!(err.message(), expected);
        }
    }

    #[test]
    fn nothing_set_is_not_configured() {
        let p = EnvironmentProvider::from_shared_lookup(env(&[]));
        let err = block_on(p.provide()).expect_err("unset");
        assert!(err.is_not_configured(), "{err:?}");
    }

    #[test]
    fn read_once_then_kept() {
        let reads = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&reads);
        let p = EnvironmentProvider::from_lookup(move |name| {
            counter.fetch_add(1, Ordering::SeqCst);
            match name {
                ENV_ACCESS_KEY_ID => Some("id".into()),
                ENV_ACCESS_KEY_SECRET => Some("sec".into()),
                _ => None,
            }
        });
        for _ in 0..5 {
            assert!(block_on(p.provide()).is_ok());
        }
        assert_eq!(reads.load(Ordering::SeqCst), 3, "one read of each variable");
    }
}
