//! Credentials and where they come from.
//!
//! [`DefaultProvider`], which [`Config::from_env`](crate::Config::from_env) uses, looks in
//! this order and takes the first source that is configured:
//!
//! 1. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
//!    for STS, `ALIBABA_CLOUD_SECURITY_TOKEN` ([`EnvironmentProvider`]);
//! 2. OIDC, as ACK's RRSA sets it up: `ALIBABA_CLOUD_ROLE_ARN`,
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE`
//!    ([`OidcRoleArnProvider`]);
//! 3. the Alibaba Cloud CLI's `~/.aliyun/config.json` ([`ProfileProvider`]);
//! 4. `~/.alibabacloud/credentials.ini` ([`CredentialsFileProvider`]);
//! 5. the URL in `ALIBABA_CLOUD_CREDENTIALS_URI` ([`CredentialsUriProvider`]);
//! 6. the ECS instance's RAM role, from the metadata service ([`EcsRamRoleProvider`]).
//!
//! A source that is not set up at all (no variable, no file, no metadata service) passes on
//! to the next one; a source that is set up but broken (a partial set of variables, a file
//! that does not parse, an STS error) stops the chain with an error naming it, rather than
//! letting another source's credentials be used by surprise.
//!
//! Every provider here keeps what it fetched in one kind of cache ([`CachedProvider`]):
//! static credentials are read once, expiring ones are refreshed ahead of their expiry by
//! one fetch however many calls wait, and a failed refresh keeps the still-valid credentials
//! in use.
//!
//! Secrets and security tokens never appear in `Debug` output, errors or traces.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

mod cache;
mod chain;
mod document;
mod ecs;
mod env;
mod http;
mod ini;
mod oidc;
mod profile;
mod sts;
mod uri;

pub use cache::CachedProvider;
pub use chain::{ChainProvider, DefaultProvider};
pub use ecs::{EcsRamRoleProvider, DEFAULT_METADATA_ENDPOINT};
pub use env::EnvironmentProvider;
pub use ini::{credentials_file_path, CredentialsFileProvider};
pub use oidc::OidcRoleArnProvider;
pub use profile::{profile_file_path, Profile, ProfileFile, ProfileProvider};
pub use sts::{AssumeRoleProvider, DEFAULT_STS_ENDPOINT};
pub use uri::CredentialsUriProvider;

/// Environment variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Environment variable holding the region id.
pub const ENV_REGION_ID: &str = "ALIBABA_CLOUD_REGION_ID";
/// Environment variable naming the profile to use, in `config.json` and in `credentials.ini`.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// Environment variable holding the path of the CLI's `config.json`.
pub const ENV_CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// Environment variable that, set to `true`, leaves the CLI's `config.json` out of the chain.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// Environment variable holding the path of `credentials.ini`.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// Environment variable holding the ARN of the RAM role to assume (OIDC).
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// Environment variable holding the ARN of the OIDC identity provider.
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// Environment variable holding the path of the OIDC token file.
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// Environment variable holding the session name used when assuming a role.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// Environment variable holding a URL that hands out credentials.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// Environment variable naming the ECS instance's RAM role (else it is asked for).
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// Environment variable that, set to `true`, leaves the ECS metadata service out.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// Environment variable that, set to `true`, forbids metadata requests without an IMDSv2
/// token.
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// Environment variable holding the metadata service's URL, for proxies and tests.
pub const ENV_ECS_METADATA_SERVICE_ENDPOINT: &str = "ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT";
/// Environment variable holding the STS endpoint, a host or a URL (ACK sets it).
pub const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Environment variable holding the region whose STS endpoint is used.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// Environment variable that, set to `true`, makes the regional STS endpoint the VPC one.
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

/// A way to read an environment variable; tests pass a map instead of the process environment.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment (emptiness is judged by [`lookup_nonempty`]).
pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// Reads `name`, treating an empty (or all-blank) value as unset.
pub(crate) fn lookup_nonempty(lookup: &EnvLookup, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

/// Whether `name` is set to `true` (any case), the only value the official libraries honour.
pub(crate) fn lookup_flag(lookup: &EnvLookup, name: &str) -> bool {
    lookup(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The names flagged `true`, as the subject of a sentence: `A is`, `A and B are`; for
/// messages saying which of a set of variables are set and which are missing.
pub(crate) fn names_are(names: &[(&str, bool)]) -> String {
    let named: Vec<&str> = names
        .iter()
        .filter(|(_, flagged)| *flagged)
        .map(|(name, _)| *name)
        .collect();
    let verb = if named.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", named.join(" and "))
}

/// The home directory as the environment tells it (`HOME`, else `USERPROFILE`).
pub(crate) fn home_dir(lookup: &EnvLookup) -> Option<PathBuf> {
    lookup_nonempty(lookup, "HOME")
        .or_else(|| lookup_nonempty(lookup, "USERPROFILE"))
        .map(PathBuf::from)
}

/// An AccessKey pair, optionally with an STS security token and the time it expires.
///
/// Cheap to clone: every call takes a copy from its provider, so the values are shared
/// rather than copied.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    inner: Arc<Parts>,
}

#[derive(Clone, PartialEq, Eq)]
struct Parts {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// A long-lived AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self::from_parts(access_key_id.into(), access_key_secret.into(), None)
    }

    /// Temporary STS credentials: an AccessKey pair and its security token.
    pub fn with_security_token(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self::from_parts(
            access_key_id.into(),
            access_key_secret.into(),
            Some(security_token.into()),
        )
    }

    fn from_parts(
        access_key_id: String,
        access_key_secret: String,
        security_token: Option<String>,
    ) -> Self {
        Self {
            inner: Arc::new(Parts {
                access_key_id,
                access_key_secret,
                security_token,
                expiration: None,
            }),
        }
    }

    /// The same credentials, valid until `expiration`; caches refresh them before then.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        Arc::make_mut(&mut self.inner).expiration = Some(expiration);
        self
    }

    /// The AccessKey id (not secret: it is sent with every request).
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The AccessKey secret.
    pub fn access_key_secret(&self) -> &str {
        &self.inner.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.inner.security_token.as_deref()
    }

    /// When these credentials stop working, if they expire.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.inner.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id())
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration().map(document::format_time))
            .finish()
    }
}

/// What kind of failure a [`CredentialsError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source is not set up at all (no variable, no file, no metadata service): a chain
    /// moves on to its next source.
    NotConfigured,
    /// The source is set up, but wrongly: a partial set of variables, a file that does not
    /// parse, a missing field, an unsupported mode.
    InvalidConfiguration,
    /// The source could not hand out credentials: unreachable, an error answer, a document
    /// that is not what it should be, credentials that expired and could not be refreshed.
    ProviderError,
}

/// Why no credentials could be had. The message never contains a secret.
///
/// A failure with a cause (the transport's error of a fetch, the [`std::io::Error`] of a file
/// that cannot be read, the [`serde_json::Error`] of a CLI profile file that does not parse)
/// keeps it as its [`source`](std::error::Error::source), and `Display` shows the message
/// only (which names the file, and where known its line), so that a printer of the error
/// chain shows the cause once. Errors compare by kind and message.
#[derive(Clone, Debug)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    // Shared so that the error stays `Clone`: a cache hands the same failure to every caller
    // waiting on one fetch.
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl CredentialsError {
    /// A [`ProviderError`](CredentialsErrorKind::ProviderError) with the given explanation.
    /// Never put a secret in it.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::ProviderError, message)
    }

    /// A source that is not set up, which a chain passes over.
    pub fn not_configured(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::NotConfigured, message)
    }

    /// A source that is set up wrongly.
    pub fn invalid_configuration(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::InvalidConfiguration, message)
    }

    /// The same error, caused by `source` (a transport's error, an I/O error), which becomes
    /// its [`source`](std::error::Error::source). The message should not repeat the
    /// source's text, nor the source carry a secret.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    fn with_kind(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Whether the source is simply not set up, so that a chain may try the next one.
    pub fn is_not_configured(&self) -> bool {
        self.kind == CredentialsErrorKind::NotConfigured
    }

    /// The explanation, without the cause's own text.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error, but a failure even if it said "not configured": once a source is
    /// known to be set up, a part of it that is missing is a failure of that source.
    pub(crate) fn configured(mut self) -> Self {
        if self.kind == CredentialsErrorKind::NotConfigured {
            self.kind = CredentialsErrorKind::ProviderError;
        }
        self
    }

    /// The same error, its message preceded by `context` (a source, a file).
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl PartialEq for CredentialsError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for CredentialsError {}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// The future a [`ProvideCredentials`] returns.
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked once per call; the providers of this module answer from
/// their cache and fetch only when it needs refreshing.
pub trait ProvideCredentials: Send + Sync {
    /// The credentials to sign the next call with.
    fn provide(&self) -> ProvideCredentialsFuture<'_>;

    /// The credentials [`provide`](Self::provide) would hand out, when they are at hand
    /// without waiting, fetching or refreshing: static credentials, or cached ones that are
    /// not yet due for a refresh. A call signs with them and skips `provide`'s future, the
    /// common case of every call after the first. `None`, the default, says: ask `provide`.
    ///
    /// An implementation returns `Some` only with exactly what `provide` would answer at
    /// that moment, and leaves any refresh to `provide`.
    fn provide_now(&self) -> Option<Credentials> {
        None
    }

    /// Offered the HTTP client given to [`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client)
    /// when a [`Client`](crate::Client) is built with it: a provider that fetches over HTTP
    /// (STS, a credentials URI, the ECS metadata service) fetches with it from then on, so
    /// that its proxy, roots and TLS settings apply to credentials too. A provider that
    /// already fetched, or was offered another client first, keeps the one it has. The
    /// default ignores it, as providers that do not fetch should.
    fn use_http_client(&self, client: &reqwest::Client) {
        let _ = client;
    }
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }

    fn provide_now(&self) -> Option<Credentials> {
        Some(self.clone())
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide()
    }

    fn provide_now(&self) -> Option<Credentials> {
        (**self).provide_now()
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        (**self).use_http_client(client)
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Box<P> {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide()
    }

    fn provide_now(&self) -> Option<Credentials> {
        (**self).provide_now()
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        (**self).use_http_client(client)
    }
}

#[cfg(test)]
pub(crate) mod testing;
