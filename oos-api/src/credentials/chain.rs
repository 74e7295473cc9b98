//! Chains of sources: the first source that is configured answers, a source that is not
//! passes on, a source that is configured but fails stops the chain. And the default chain.

use std::fmt;
use std::sync::Arc;

use super::cache::{cached_provider, CachedProvider};
use super::ecs::EcsFetcher;
use super::env::EnvFetcher;
use super::ini::IniFetcher;
use super::oidc::OidcFetcher;
use super::profile::ProfileFetcher;
use super::uri::UriFetcher;
use super::{
    process_env, Credentials, CredentialsError, EnvLookup, ProvideCredentials,
    ProvideCredentialsFuture,
};

/// Sources tried in order: the first that hands out credentials wins; one that is not
/// configured ([`CredentialsError::is_not_configured`]) passes on to the next; any other
/// error stops the chain and is returned, prefixed with the source's name, so that a broken
/// source is reported rather than silently replaced by another one's credentials.
///
/// The chain itself keeps nothing: put it in a [`CachedProvider`] if its sources do not
/// cache.
#[derive(Clone, Default)]
pub struct ChainProvider {
    links: Vec<(String, Arc<dyn ProvideCredentials>)>,
}

impl ChainProvider {
    /// An empty chain, which finds no credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a source after the others; `name` is used in messages.
    pub fn with(
        mut self,
        name: impl Into<String>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.links.push((name.into(), Arc::new(provider)));
        self
    }

    fn push_shared(&mut self, name: &str, provider: Arc<dyn ProvideCredentials>) {
        self.links.push((name.to_owned(), provider));
    }

    async fn walk(&self) -> Result<Credentials, CredentialsError> {
        let mut passed = Vec::new();
        for (name, provider) in &self.links {
            match provider.provide().await {
                Ok(credentials) => {
                    tracing::debug!(source = name.as_str(), "credentials found");
                    return Ok(credentials);
                }
                Err(e) if e.is_not_configured() => {
                    tracing::trace!(
                        source = name.as_str(),
                        reason = e.message(),
                        "not configured"
                    );
                    passed.push(format!("{name}: {}", e.message()));
                }
                Err(e) => {
                    tracing::debug!(source = name.as_str(), error = e.message(), "source failed");
                    return Err(e.context(name));
                }
            }
        }
        Err(CredentialsError::not_configured(if passed.is_empty() {
            "no credentials: the chain has no sources".to_owned()
        } else {
            format!(
                "no credentials found; tried, in order: {}",
                passed.join("; ")
            )
        }))
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.walk())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        for (_, provider) in &self.links {
            provider.use_http_client(client);
        }
    }
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.links.iter().map(|(name, _)| name))
            .finish()
    }
}

/// A source that could not even be set up; it answers with why.
struct Unavailable(CredentialsError);

impl ProvideCredentials for Unavailable {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let error = self.0.clone();
        Box::pin(async move { Err(error) })
    }
}

fn shared<P: ProvideCredentials + 'static>(
    result: Result<P, CredentialsError>,
) -> Arc<dyn ProvideCredentials> {
    match result {
        Ok(provider) => Arc::new(provider),
        Err(error) => Arc::new(Unavailable(error)),
    }
}

/// The default chain of Alibaba's official libraries, with one cache in front:
///
/// | # | source | used when | not configured when |
/// |---|---|---|---|
/// | 1 | environment | `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `_SECURITY_TOKEN`) | none of them is set |
/// | 2 | OIDC (RRSA) | `ALIBABA_CLOUD_ROLE_ARN`, `_OIDC_PROVIDER_ARN`, `_OIDC_TOKEN_FILE` | none of the three is set |
/// | 3 | CLI profile | `~/.aliyun/config.json` or `ALIBABA_CLOUD_CONFIG_FILE` | no file; `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`; the profile named by `ALIBABA_CLOUD_PROFILE` is not in it; a blank `AK` profile |
/// | 4 | credentials file | `~/.alibabacloud/credentials.ini` or `ALIBABA_CLOUD_CREDENTIALS_FILE` | no file; no such section; `enable = false` |
/// | 5 | credentials URI | `ALIBABA_CLOUD_CREDENTIALS_URI` | unset |
/// | 6 | ECS RAM role | the metadata service answers | `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`; nothing answers; no role attached |
///
/// Anything else a source runs into stops the chain with an error that names the source
/// and says what is wrong. The credentials URI comes before the metadata service, unlike in
/// the official libraries: set explicitly, it should not be overridden by, nor wait for, an
/// ambient one.
///
/// The chain runs on the first call and whenever the cached credentials need refreshing
/// (files are read again then); see [`CachedProvider`] for the refresh rules.
pub struct DefaultProvider {
    inner: CachedProvider<ChainProvider>,
}

impl DefaultProvider {
    /// Reads the process environment (and the files it points to).
    pub fn new() -> Self {
        Self::from_lookup_env(process_env())
    }

    /// As [`new`](Self::new), reading variables (`HOME` included) through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::from_lookup_env(Arc::new(lookup))
    }

    pub(crate) fn from_lookup_env(lookup: EnvLookup) -> Self {
        let mut chain = ChainProvider::new();
        chain.push_shared(
            "environment",
            Arc::new(EnvFetcher::new(Arc::clone(&lookup))),
        );
        chain.push_shared("OIDC", shared(OidcFetcher::from_env(&lookup)));
        chain.push_shared(
            "CLI profile",
            Arc::new(ProfileFetcher::from_lookup(&lookup)),
        );
        chain.push_shared(
            "credentials file",
            Arc::new(IniFetcher::from_lookup(&lookup)),
        );
        chain.push_shared("credentials URI", shared(UriFetcher::from_env(&lookup)));
        chain.push_shared("ECS RAM role", Arc::new(EcsFetcher::from_lookup(&lookup)));
        Self {
            inner: CachedProvider::labelled(chain, "the default chain"),
        }
    }
}

cached_provider!(DefaultProvider);

impl Default for DefaultProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for DefaultProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DefaultProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env, Scripted, TempHome};
    use crate::credentials::{
        CredentialsErrorKind, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_CREDENTIALS_URI,
        ENV_ECS_METADATA_DISABLED, ENV_ECS_METADATA_SERVICE_ENDPOINT, ENV_OIDC_TOKEN_FILE,
        ENV_PROFILE, ENV_ROLE_ARN,
    };

    #[test]
    fn the_first_configured_source_answers_and_a_failure_stops() {
        let skipped = Scripted::new(vec![Err(CredentialsError::not_configured("nothing here"))]);
        let first = Scripted::new(vec![Ok(Credentials::new("first", "s"))]);
        let never = Scripted::new(vec![Ok(Credentials::new("never", "s"))]);
        let chain = ChainProvider::new()
            .with("skipped", skipped.clone())
            .with("first", first.clone())
            .with("never", never.clone());
        assert_eq!(
            block_on(chain.provide()).map(|c| c.access_key_id().to_owned()),
            Ok("first".into())
        );
        assert_eq!((skipped.calls(), first.calls(), never.calls()), (1, 1, 0));

        let broken = Scripted::new(vec![Err(CredentialsError::invalid_configuration(
            "bad file",
        ))]);
        let chain = ChainProvider::new()
            .with("skipped", skipped.clone())
            .with("broken", broken)
            .with("never", never.clone());
        let err = block_on(chain.provide()).expect_err("stops");
        assert_eq!(err.message(), "broken: bad file");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert_eq!(never.calls(), 0);
        assert_eq!(format!("{chain:?}"), r#"["skipped", "broken", "never"]"#);

        let chain = ChainProvider::new()
            .with("a", skipped.clone())
            .with("b", skipped);
        let err = block_on(chain.provide()).expect_err("none");
        assert!(err.is_not_configured());
        assert_eq!(
            err.message(),
            "no credentials found; tried, in order: a: nothing here; b: nothing here"
        );
        assert!(block_on(ChainProvider::new().provide()).is_err());
    }

    #[test]
    fn default_chain_prefers_environment_then_profile() {
        let home = TempHome::new();
        home.write_config(
            r#"{"current": "sts", "profiles": [{"name": "sts", "mode": "StsToken",
                "access_key_id": "id2", "access_key_secret": "s2", "sts_token": "t2"}]}"#,
        );
        let h = home.path();
        let off = (ENV_ECS_METADATA_DISABLED, "true");

        let with_env = DefaultProvider::from_lookup_env(env(&[
            ("HOME", h),
            off,
            (ENV_ACCESS_KEY_ID, "envid"),
            (ENV_ACCESS_KEY_SECRET, "envsec"),
        ]));
        assert_eq!(
            block_on(with_env.provide()),
            Ok(Credentials::new("envid", "envsec"))
        );

        let from_file = DefaultProvider::from_lookup_env(env(&[("HOME", h), off]));
        assert_eq!(
            block_on(from_file.provide()),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );

        // A profile named for credentials.ini passes over config.json.
        home.write(
            ".alibabacloud/credentials.ini",
            "[ci]\ntype = access_key\naccess_key_id = ini\naccess_key_secret = s\n",
        );
        let from_ini =
            DefaultProvider::from_lookup_env(env(&[("HOME", h), off, (ENV_PROFILE, "ci")]));
        assert_eq!(
            block_on(from_ini.provide()),
            Ok(Credentials::new("ini", "s"))
        );
    }

    #[test]
    fn broken_sources_stop_the_chain_naming_themselves() {
        let home = TempHome::new();
        let h = home.path();
        let off = (ENV_ECS_METADATA_DISABLED, "true");
        // Were the chain to go on, it would reach this URI (nothing listens there).
        let uri = (ENV_CREDENTIALS_URI, "http://127.0.0.1:9/never");

        let partial_env = DefaultProvider::from_lookup_env(env(&[
            ("HOME", h),
            off,
            uri,
            (ENV_ACCESS_KEY_ID, "i"),
        ]));
        let err = block_on(partial_env.provide()).expect_err("partial env");
        assert!(
            err.message()
                .starts_with("environment: ALIBABA_CLOUD_ACCESS_KEY_ID is set"),
            "{err}"
        );

        let partial_oidc = DefaultProvider::from_lookup_env(env(&[
            ("HOME", h),
            off,
            uri,
            (ENV_ROLE_ARN, "r"),
            (ENV_OIDC_TOKEN_FILE, "/t"),
        ]));
        let err = block_on(partial_oidc.provide()).expect_err("partial oidc");
        assert!(
            err.message().starts_with("OIDC: ")
                && err
                    .message()
                    .ends_with("ALIBABA_CLOUD_OIDC_PROVIDER_ARN is missing"),
            "{err}"
        );

        home.write_config("{ not json");
        let broken_file = DefaultProvider::from_lookup_env(env(&[("HOME", h), off, uri]));
        let err = block_on(broken_file.provide()).expect_err("broken config.json");
        assert!(
            err.message().starts_with("CLI profile: ") && err.message().contains("config.json"),
            "{err}"
        );
    }

    #[test]
    fn nothing_configured_lists_every_source() {
        let home = TempHome::new();
        // A port nothing listens on: the metadata service is absent.
        let refused = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = refused.local_addr().expect("addr");
        drop(refused);
        let url = format!("http://{addr}");
        let nothing = DefaultProvider::from_lookup_env(env(&[
            ("HOME", home.path()),
            (ENV_ECS_METADATA_SERVICE_ENDPOINT, &url),
        ]));
        let err = block_on(nothing.provide()).expect_err("no credentials");
        assert!(err.is_not_configured());
        let message = err.message();
        let order = [
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set",
            "OIDC: ",
            "CLI profile: ",
            "credentials file: ",
            "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
            "ECS RAM role: the ECS metadata service at",
        ];
        let mut at = 0;
        for part in order {
            let found = message[at..]
                .find(part)
                .unwrap_or_else(|| panic!("{part} in order: {message}"));
            at += found + part.len();
        }
        assert!(message.contains("unreachable"), "{message}");

        let no_home = DefaultProvider::from_lookup_env(env(&[(ENV_ECS_METADATA_DISABLED, "true")]));
        let err = block_on(no_home.provide()).expect_err("no home");
        assert!(
            err.message()
                .contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED is true"),
            "{err}"
        );
    }
}
