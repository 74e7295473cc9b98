//! The RAM role of an ECS instance, from the instance metadata service.
//!
//! IMDSv2 first: a session token (`PUT /latest/api/token`, valid 6 hours) is fetched once and
//! reused for every later request until shortly before it lapses. Requests fall back to
//! IMDSv1 (no token) only where the official libraries do, and only unless
//! `ALIBABA_CLOUD_IMDSV1_DISABLED=true`: when the token request is answered with an error
//! status, and when a request with the token is refused (401 or 403).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cache::{cached_provider, CachedProvider};
use super::document::{credentials_document, CodeRule};
use super::http::{
    display_url, endpoint_url, is_unreachable, read_body, transport_failure, what_failed, Http,
};
use super::{
    lookup_flag, lookup_nonempty, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED,
    ENV_ECS_METADATA_SERVICE_ENDPOINT, ENV_IMDSV1_DISABLED,
};

/// Where the metadata service answers on every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";

const TOKEN_PATH: &str = "latest/api/token";
const CREDENTIALS_PATH: &str = "latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
const TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// A token is replaced this long before it lapses, so that none is sent as it expires.
const TOKEN_RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);
/// The spelling the Python library's README gives (it reads the other one).
const ENV_IMDSV1_DISABLE_README: &str = "ALIBABA_CLOUD_IMDSV1_DISABLE";

/// As the official libraries: off ECS the chain gives up on the metadata service quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Session {
    token: Option<(String, Instant)>,
    /// The role asked for once and kept.
    discovered_role: Option<String>,
}

/// Fetches from the metadata service; not cached by itself (the session token and the
/// discovered role name are kept, though).
pub(crate) struct EcsFetcher {
    endpoint: Result<reqwest::Url, CredentialsError>,
    role: Option<String>,
    imdsv1_disabled: bool,
    disabled: bool,
    http: Http,
    session: Mutex<Session>,
}

enum Token {
    /// Sent with each request.
    V2(String),
    /// The service refused a token; requests go without one.
    V1,
}

impl EcsFetcher {
    pub(crate) fn from_lookup(lookup: &EnvLookup) -> Self {
        let endpoint = match lookup_nonempty(lookup, ENV_ECS_METADATA_SERVICE_ENDPOINT) {
            Some(text) => endpoint_url(&text, "http", ENV_ECS_METADATA_SERVICE_ENDPOINT),
            None => endpoint_url(DEFAULT_METADATA_ENDPOINT, "http", "the metadata endpoint"),
        };
        Self {
            endpoint,
            role: lookup_nonempty(lookup, ENV_ECS_METADATA).map(|r| r.trim().to_owned()),
            imdsv1_disabled: lookup_flag(lookup, ENV_IMDSV1_DISABLED)
                || lookup_flag(lookup, ENV_IMDSV1_DISABLE_README),
            disabled: lookup_flag(lookup, ENV_ECS_METADATA_DISABLED),
            http: Http::new(CONNECT_TIMEOUT, TIMEOUT),
            session: Mutex::new(Session::default()),
        }
    }

    pub(crate) fn set_role(&mut self, role: Option<String>) {
        self.role = role.filter(|r| !r.trim().is_empty());
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn source(&self, base: &reqwest::Url) -> String {
        format!("the ECS metadata service at {}", display_url(base))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        if self.disabled {
            return Err(CredentialsError::not_configured(format!(
                "{ENV_ECS_METADATA_DISABLED} is true"
            )));
        }
        let base = self.endpoint.clone()?;
        let source = self.source(&base);
        let result = self.fetch_from(&base).await;
        result.map_err(|e| e.context(&source))
    }

    async fn fetch_from(&self, base: &reqwest::Url) -> Result<Credentials, CredentialsError> {
        let mut token = self.token(base).await?;
        let known = self
            .role
            .clone()
            .or_else(|| self.session().discovered_role.clone());
        let role = match known {
            Some(role) => role,
            None => {
                let role = self.discover_role(base, &mut token).await?;
                self.session().discovered_role = Some(role.clone());
                role
            }
        };
        let path = format!("{CREDENTIALS_PATH}{role}");
        let (status, body) = self.get(base, &path, &mut token).await?;
        match status {
            200 => {}
            404 => {
                // The role may have been detached or replaced: ask again next time.
                self.session().discovered_role = None;
                return Err(CredentialsError::new(format!(
                    "the instance has no RAM role `{role}` (HTTP 404)"
                )));
            }
            other => {
                return Err(CredentialsError::new(format!(
                    "the credentials of role `{role}` were refused with HTTP {other}"
                )))
            }
        }
        credentials_document(&body, &format!("role `{role}`"), CodeRule::Required)
    }

    /// The session token, reused while it lasts; [`Token::V1`] where falling back is allowed.
    async fn token(&self, base: &reqwest::Url) -> Result<Token, CredentialsError> {
        if let Some((token, until)) = &self.session().token {
            if Instant::now() < *until {
                return Ok(Token::V2(token.clone()));
            }
        }
        let url = join(base, TOKEN_PATH)?;
        let sent = self
            .http
            .request(reqwest::Method::PUT, url)?
            .header(TOKEN_TTL_HEADER, TOKEN_TTL.as_secs().to_string())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if is_unreachable(&e) => {
                // Nothing answers: this is not an ECS instance (or the service is off).
                return Err(CredentialsError::not_configured(format!(
                    "unreachable ({})",
                    what_failed(&e)
                ))
                .with_source(e.without_url()));
            }
            Err(e) => return Err(transport_failure(e).context("the token request failed")),
        };
        let status = response.status().as_u16();
        if status != 200 {
            if self.imdsv1_disabled {
                return Err(CredentialsError::new(format!(
                    "the IMDSv2 token request was answered with HTTP {status}, and requests \
                     without a token are forbidden by {ENV_IMDSV1_DISABLED}"
                )));
            }
            tracing::debug!(
                status,
                "no IMDSv2 token; asking the metadata service without one"
            );
            return Ok(Token::V1);
        }
        let body = read_body(response)
            .await
            .map_err(|e| e.context("the token could not be read"))?;
        let token = String::from_utf8(body)
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| CredentialsError::new("the IMDSv2 token answered is empty"))?;
        self.session().token = Some((
            token.clone(),
            Instant::now() + TOKEN_TTL - TOKEN_RENEW_BEFORE,
        ));
        Ok(Token::V2(token))
    }

    async fn discover_role(
        &self,
        base: &reqwest::Url,
        token: &mut Token,
    ) -> Result<String, CredentialsError> {
        let (status, body) = self.get(base, CREDENTIALS_PATH, token).await?;
        match status {
            200 => {}
            404 => {
                return Err(CredentialsError::not_configured(
                    "the instance has no RAM role attached",
                ))
            }
            other => {
                return Err(CredentialsError::new(format!(
                    "the request for the instance's RAM role was answered with HTTP {other}"
                )))
            }
        }
        // One role per instance; a list would only ever have one line.
        let text = String::from_utf8_lossy(&body);
        let role = text.lines().map(str::trim).find(|l| !l.is_empty());
        match role {
            Some(role) => Ok(role.to_owned()),
            None => Err(CredentialsError::not_configured(
                "the instance has no RAM role attached",
            )),
        }
    }

    /// GETs `path`, with the token if there is one; a token refused with 401 or 403 is
    /// forgotten and, unless IMDSv1 is disabled, the request is made again without it.
    async fn get(
        &self,
        base: &reqwest::Url,
        path: &str,
        token: &mut Token,
    ) -> Result<(u16, Vec<u8>), CredentialsError> {
        let (status, body) = self.get_once(base, path, token).await?;
        if matches!(status, 401 | 403) && matches!(token, Token::V2(_)) {
            self.session().token = None;
            if self.imdsv1_disabled {
                return Err(CredentialsError::new(format!(
                    "the IMDSv2 token was refused with HTTP {status}, and requests without a \
                     token are forbidden by {ENV_IMDSV1_DISABLED}"
                )));
            }
            tracing::debug!(
                status,
                "IMDSv2 token refused; asking the metadata service without one"
            );
            *token = Token::V1;
            return self.get_once(base, path, token).await;
        }
        Ok((status, body))
    }

    async fn get_once(
        &self,
        base: &reqwest::Url,
        path: &str,
        token: &Token,
    ) -> Result<(u16, Vec<u8>), CredentialsError> {
        let mut request = self.http.request(reqwest::Method::GET, join(base, path)?)?;
        if let Token::V2(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request.send().await.map_err(transport_failure)?;
        let status = response.status().as_u16();
        let body = read_body(response).await?;
        Ok((status, body))
    }
}

fn join(base: &reqwest::Url, path: &str) -> Result<reqwest::Url, CredentialsError> {
    // The base may carry a path prefix (a proxy's); keep it.
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let with_slash = format!("{}/", base.path());
        base.set_path(&with_slash);
    }
    base.join(path).map_err(|e| {
        CredentialsError::invalid_configuration(format!("a bad metadata path `{path}`: {e}"))
    })
}

impl ProvideCredentials for EcsFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        self.http.use_client(client);
    }
}

impl fmt::Debug for EcsFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsFetcher")
            .field("endpoint", &self.endpoint.as_ref().map(display_url).ok())
            .field("role", &self.role)
            .field("imdsv1_disabled", &self.imdsv1_disabled)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// The credentials of the ECS instance's RAM role, from the metadata service, cached and
/// refreshed ahead of expiry.
///
/// Read from the environment: the role name `ALIBABA_CLOUD_ECS_METADATA` (else the
/// instance's role is asked for once), `ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT` (else
/// `http://100.100.100.200`), `ALIBABA_CLOUD_IMDSV1_DISABLED` and
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED`. A metadata service that does not answer at all, or
/// an instance with no role, is [`NotConfigured`](super::CredentialsErrorKind::NotConfigured).
pub struct EcsRamRoleProvider {
    inner: CachedProvider<EcsFetcher>,
}

impl EcsRamRoleProvider {
    /// Configured from the process environment.
    pub fn new() -> Self {
        Self::from_shared_lookup(&process_env())
    }

    /// Configured from variables read through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::from_shared_lookup(&(Arc::new(lookup) as EnvLookup))
    }

    pub(crate) fn from_shared_lookup(lookup: &EnvLookup) -> Self {
        Self {
            inner: CachedProvider::labelled(
                EcsFetcher::from_lookup(lookup),
                "the ECS RAM role (metadata service)",
            ),
        }
    }

    /// Uses this role instead of asking the metadata service which one the instance has.
    pub fn role_name(mut self, role: impl Into<String>) -> Self {
        self.inner.source_mut().set_role(Some(role.into()));
        self
    }

    /// Asks the metadata service at `url` (a URL, or a host that gets `http://`).
    pub fn endpoint(mut self, url: &str) -> Self {
        self.inner.source_mut().endpoint = endpoint_url(url, "http", "the metadata endpoint");
        self
    }

    /// Whether to refuse requests without an IMDSv2 token.
    pub fn imdsv1_disabled(mut self, disabled: bool) -> Self {
        self.inner.source_mut().imdsv1_disabled = disabled;
        self
    }
}

cached_provider!(EcsRamRoleProvider);

impl Default for EcsRamRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EcsRamRoleProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::env;

    #[test]
    fn configuration_from_the_environment() {
        let f = EcsFetcher::from_lookup(&env(&[]));
        assert_eq!(
            f.endpoint.as_ref().map(|u| u.as_str().to_owned()),
            Ok("http://100.100.100.200/".to_owned())
        );
        assert_eq!(f.role, None);
        assert!(!f.imdsv1_disabled && !f.disabled);

        let f = EcsFetcher::from_lookup(&env(&[
            (ENV_ECS_METADATA_SERVICE_ENDPOINT, "127.0.0.1:9"),
            (ENV_ECS_METADATA, " my-role "),
            (ENV_IMDSV1_DISABLED, "TRUE"),
            (ENV_ECS_METADATA_DISABLED, "yes"),
        ]));
        assert_eq!(
            f.endpoint.as_ref().map(|u| u.as_str().to_owned()),
            Ok("http://127.0.0.1:9/".to_owned())
        );
        assert_eq!(f.role.as_deref(), Some("my-role"));
        assert!(f.imdsv1_disabled);
        assert!(
            !f.disabled,
            "only `true` disables, as in the official libraries"
        );

        let f = EcsFetcher::from_lookup(&env(&[(ENV_IMDSV1_DISABLE_README, "true")]));
        assert!(f.imdsv1_disabled);

        let f = EcsFetcher::from_lookup(&env(&[(ENV_ECS_METADATA_SERVICE_ENDPOINT, "ftp://x")]));
        let err = f.endpoint.expect_err("bad endpoint");
        assert!(
            err.message().contains(ENV_ECS_METADATA_SERVICE_ENDPOINT),
            "{err}"
        );
    }

    #[test]
    fn paths_keep_a_proxy_prefix() {
        let base = reqwest::Url::parse("http://proxy:1/ecs").expect("url");
        assert_eq!(
            join(&base, TOKEN_PATH).expect("join").as_str(),
            "http://proxy:1/ecs/latest/api/token"
        );
        let base = reqwest::Url::parse("http://100.100.100.200").expect("url");
        assert_eq!(
            join(&base, "latest/meta-data/ram/security-credentials/r")
                .expect("join")
                .as_str(),
            "http://100.100.100.200/latest/meta-data/ram/security-credentials/r"
        );
    }

    #[test]
    fn disabled_is_not_configured_and_sends_nothing() {
        let p = EcsRamRoleProvider::from_env_lookup(|name| {
            (name == ENV_ECS_METADATA_DISABLED).then(|| "true".to_owned())
        });
        let err = crate::credentials::testing::block_on(p.provide()).expect_err("disabled");
        assert!(err.is_not_configured(), "{err:?}");
        assert!(err.message().contains(ENV_ECS_METADATA_DISABLED), "{err}");
    }
}
