//! Client configuration: region, credentials, endpoint, transport, timeouts, retries,
//! signature; and the per-request overrides of timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{self, DefaultProvider, EnvLookup, ProfileProvider, ProvideCredentials};
use crate::retry::RetryPolicy;

/// Which signature requests carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// V3, `ACS3-HMAC-SHA256`, in the `Authorization` header (the default).
    #[default]
    Acs3HmacSha256,
    /// The RPC signature 1.0, `HMAC-SHA1`, in the query string.
    HmacSha1,
}

/// Default for [`ConfigBuilder::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`ConfigBuilder::attempt_timeout`].
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default for [`ConfigBuilder::max_response_bytes`]: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// How a [`Client`](crate::Client) reaches and authenticates to OOS.
///
/// Built with [`Config::builder`] or [`Config::from_env`]. Nothing is checked when it is
/// built: a missing region or credentials surface when a call is made.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_vpc_endpoint: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) signature_method: SignatureMethod,
    pub(crate) max_response_bytes: usize,
    pub(crate) http_client: Option<reqwest::Client>,
}

impl Config {
    /// A builder with defaults: no region, no credentials, the public endpoint, V3 signature,
    /// [`RetryPolicy::standard`], 10 s to connect, 30 s per attempt, no overall limit.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config::default(),
        }
    }

    /// Configuration from the environment, as the Alibaba Cloud CLI and SDKs read it.
    ///
    /// Region: `ALIBABA_CLOUD_REGION_ID`, else the `region_id` of the CLI profile.
    /// Credentials: [`DefaultProvider`], the official libraries' chain (environment, OIDC,
    /// `~/.aliyun/config.json`, `~/.alibabacloud/credentials.ini`, a credentials URI, the ECS
    /// RAM role), fetched on the first call and cached.
    pub fn from_env() -> Self {
        Self::from_lookup(credentials::process_env())
    }

    /// As [`from_env`](Self::from_env), reading variables (`HOME` included) through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::from_lookup(Arc::new(lookup))
    }

    fn from_lookup(lookup: EnvLookup) -> Self {
        let region = credentials::lookup_nonempty(&lookup, credentials::ENV_REGION_ID)
            .or_else(|| ProfileProvider::from_lookup_env(&lookup).region());
        let mut builder = Self::builder().credentials(DefaultProvider::from_lookup_env(lookup));
        if let Some(region) = region {
            builder = builder.region(region);
        }
        builder.build()
    }

    /// The region id, if one is set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The explicit endpoint URL, if one is set.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// Whether the VPC endpoint is used instead of the public one.
    pub fn use_vpc_endpoint(&self) -> bool {
        self.use_vpc_endpoint
    }

    /// The limit on establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The limit on one attempt (sending and reading the answer), if any.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The limit on a whole call, retries and waits included, if any.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry_policy
    }

    /// The signature method.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// The largest response body accepted.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// Whether a credentials provider is set.
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// The HTTP client given with [`ConfigBuilder::http_client`], if any.
    pub fn http_client(&self) -> Option<&reqwest::Client> {
        self.http_client.as_ref()
    }

    /// A builder that starts from this configuration. The credentials provider is shared,
    /// not copied, so a client built from it (for another region, say) uses the same cached
    /// credentials; so is the HTTP client, if one was given.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            config: self.clone(),
        }
    }

    /// This configuration with `overrides` applied.
    pub(crate) fn overridden(&self, overrides: &ConfigOverride) -> Config {
        let mut config = self.clone();
        if let Some(timeout) = overrides.attempt_timeout {
            config.attempt_timeout = timeout;
        }
        if let Some(timeout) = overrides.operation_timeout {
            config.operation_timeout = timeout;
        }
        if let Some(policy) = overrides.retry_policy {
            config.retry_policy = policy;
        }
        if let Some(bytes) = overrides.max_response_bytes {
            config.max_response_bytes = bytes;
        }
        config
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            region: None,
            credentials: None,
            endpoint_url: None,
            use_vpc_endpoint: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: None,
            retry_policy: RetryPolicy::standard(),
            signature_method: SignatureMethod::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The provider is opaque (and may hold secrets), so only its presence is shown.
        f.debug_struct("Config")
            .field("region", &self.region)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<provider>"),
            )
            .field("endpoint_url", &self.endpoint_url)
            .field("use_vpc_endpoint", &self.use_vpc_endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("signature_method", &self.signature_method)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("http_client", &self.http_client.as_ref().map(|_| "<given>"))
            .finish()
    }
}

/// Builds a [`Config`].
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The region id, e.g. `cn-hangzhou`; it picks the endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// Where credentials come from: a [`Credentials`](crate::Credentials) value or any provider.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }

    /// Sends requests to this URL instead of the region's endpoint (`http` is allowed, for
    /// emulators and proxies). It must have no query or fragment; its path is signed as sent.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Uses `oos-vpc.{region}.aliyuncs.com`, reachable from inside an Alibaba Cloud VPC.
    pub fn use_vpc_endpoint(mut self, use_vpc: bool) -> Self {
        self.config.use_vpc_endpoint = use_vpc;
        self
    }

    /// The limit on establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// The limit on one attempt, from sending to the end of the body (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.attempt_timeout = Some(timeout);
        self
    }

    /// The limit on a whole call, every attempt and wait included (default none).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.config.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::standard`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry_policy = policy;
        self
    }

    /// The signature method (default [`SignatureMethod::Acs3HmacSha256`]).
    pub fn signature_method(mut self, method: SignatureMethod) -> Self {
        self.config.signature_method = method;
        self
    }

    /// The largest response body accepted (default 16 MiB); a larger one fails the call.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// The HTTP client that carries every call, and every credentials fetch of providers
    /// that fetch over HTTP (see [`ProvideCredentials::use_http_client`]): for a proxy,
    /// custom root certificates, client certificates or another TLS setup. Without it the
    /// client makes its own, with the TLS backend the crate's features choose (`rustls` by
    /// default, or `native-tls`).
    ///
    /// The client is used as given, so [`connect_timeout`](Self::connect_timeout) and the
    /// `oos-rs` user agent do not apply to it; the attempt and operation timeouts still do.
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: OOS does not redirect,
    /// and a followed redirect would send a signed request elsewhere. The client's own also
    /// has `retry(reqwest::retry::never().max_retries_per_request(0))`, which spares each
    /// call two copies of its headers; calls are retried by the [`RetryPolicy`] either way.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.config
    }
}

/// Settings that one request overrides, for itself (and the pages or polls it leads to),
/// leaving the client's configuration alone; given to a request builder's
/// [`config_override`](crate::RequestBuilder::config_override).
///
/// ```no_run
/// # async fn example(client: oos_api::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use oos_api::{config::ConfigOverride, RetryPolicy};
///
/// let template = client
///     .get_template()
///     .template_name("ACS-ECS-BulkyRunCommand")
///     .config_override(
///         ConfigOverride::new()
///             .attempt_timeout(Duration::from_secs(5))
///             .retry_policy(RetryPolicy::disabled()),
///     )
///     .send()
///     .await?;
/// # let _ = template;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigOverride {
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Option<Duration>>,
    retry_policy: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
}

impl ConfigOverride {
    /// Overrides nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The limit on one attempt, from sending to the end of the body.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(Some(timeout));
        self
    }

    /// No limit on one attempt (the operation timeout, if any, still holds).
    pub fn no_attempt_timeout(mut self) -> Self {
        self.attempt_timeout = Some(None);
        self
    }

    /// The limit on the whole call, every attempt and wait included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(Some(timeout));
        self
    }

    /// No limit on the whole call.
    pub fn no_operation_timeout(mut self) -> Self {
        self.operation_timeout = Some(None);
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The largest response body accepted.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credentials::testing::TempHome;
    use crate::Credentials;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults() {
        let c = Config::builder().build();
        assert_eq!(c.region(), None);
        assert!(!c.has_credentials());
        assert_eq!(c.signature_method(), SignatureMethod::Acs3HmacSha256);
        assert_eq!(c.retry_policy(), RetryPolicy::standard());
        assert_eq!(c.max_response_bytes(), 16 * 1024 * 1024);
        assert_eq!(c.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(c.attempt_timeout(), Some(DEFAULT_ATTEMPT_TIMEOUT));
        assert_eq!(c.operation_timeout(), None);
        assert!(!c.use_vpc_endpoint());
    }

    #[test]
    fn builder_sets_everything() {
        let c = Config::builder()
            .region("cn-beijing")
            .credentials(Credentials::new("id", "VERYSECRET"))
            .endpoint_url("http://127.0.0.1:9")
            .use_vpc_endpoint(true)
            .connect_timeout(Duration::from_secs(1))
            .attempt_timeout(Duration::from_secs(2))
            .operation_timeout(Duration::from_secs(3))
            .retry_policy(RetryPolicy::disabled())
            .signature_method(SignatureMethod::HmacSha1)
            .max_response_bytes(10)
            .build();
        assert_eq!(c.region(), Some("cn-beijing"));
        assert!(c.has_credentials());
        assert_eq!(c.endpoint_url(), Some("http://127.0.0.1:9"));
        assert!(c.use_vpc_endpoint());
        assert_eq!(c.connect_timeout(), Duration::from_secs(1));
        assert_eq!(c.attempt_timeout(), Some(Duration::from_secs(2)));
        assert_eq!(c.operation_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(c.retry_policy(), RetryPolicy::disabled());
        assert_eq!(c.signature_method(), SignatureMethod::HmacSha1);
        assert_eq!(c.max_response_bytes(), 10);
        let shown = format!("{c:?}");
        assert!(!shown.contains("VERYSECRET"), "{shown}");
    }

    #[test]
    fn to_builder_keeps_everything_and_shares_the_provider() {
        let provider = Arc::new(Credentials::new("id", "secret"));
        let http = reqwest::Client::new();
        let c = Config::builder()
            .region("cn-beijing")
            .credentials(Arc::clone(&provider))
            .endpoint_url("http://127.0.0.1:9")
            .attempt_timeout(Duration::from_secs(2))
            .retry_policy(RetryPolicy::disabled())
            .signature_method(SignatureMethod::HmacSha1)
            .http_client(http)
            .build();
        let other = c.to_builder().region("cn-shanghai").build();
        assert_eq!(other.region(), Some("cn-shanghai"));
        assert_eq!(other.endpoint_url(), c.endpoint_url());
        assert_eq!(other.attempt_timeout(), Some(Duration::from_secs(2)));
        assert_eq!(other.retry_policy(), RetryPolicy::disabled());
        assert_eq!(other.signature_method(), SignatureMethod::HmacSha1);
        assert!(other.http_client().is_some());
        let (a, b) = (
            c.credentials.as_ref().expect("provider"),
            other.credentials.as_ref().expect("provider"),
        );
        assert!(Arc::ptr_eq(a, b));
        // The caller's own handle plus the two configurations.
        assert_eq!(Arc::strong_count(&provider), 2);
        assert!(format!("{other:?}").contains("<given>"));
    }

    #[test]
    fn overrides_replace_only_what_they_set() {
        let c = Config::builder()
            .attempt_timeout(Duration::from_secs(2))
            .operation_timeout(Duration::from_secs(9))
            .build();
        let same = c.overridden(&ConfigOverride::new());
        assert_eq!(format!("{same:?}"), format!("{c:?}"));
        let o = c.overridden(
            &ConfigOverride::new()
                .attempt_timeout(Duration::from_millis(5))
                .no_operation_timeout()
                .retry_policy(RetryPolicy::disabled())
                .max_response_bytes(7),
        );
        assert_eq!(o.attempt_timeout(), Some(Duration::from_millis(5)));
        assert_eq!(o.operation_timeout(), None);
        assert_eq!(o.retry_policy(), RetryPolicy::disabled());
        assert_eq!(o.max_response_bytes(), 7);
        let o = c.overridden(
            &ConfigOverride::new()
                .no_attempt_timeout()
                .operation_timeout(Duration::from_secs(1)),
        );
        assert_eq!(o.attempt_timeout(), None);
        assert_eq!(o.operation_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(o.retry_policy(), c.retry_policy());
    }

    #[test]
    fn from_env_reads_region_from_env_then_profile() {
        let c = Config::from_env_lookup(lookup(&[
            ("ALIBABA_CLOUD_REGION_ID", "cn-shanghai"),
            ("HOME", "/nonexistent"),
        ]));
        assert_eq!(c.region(), Some("cn-shanghai"));
        assert!(c.has_credentials());

        let home = TempHome::new();
        home.write_config(
            r#"{"current": "p", "profiles": [{"name": "p", "mode": "AK", "access_key_id": "i",
                "access_key_secret": "s", "region_id": "cn-qingdao"}]}"#,
        );
        let h = home.0.to_str().expect("utf-8 temp dir");
        let c = Config::from_env_lookup(lookup(&[("HOME", h)]));
        assert_eq!(c.region(), Some("cn-qingdao"));
        let c = Config::from_env_lookup(lookup(&[
            ("HOME", h),
            ("ALIBABA_CLOUD_REGION_ID", "cn-shenzhen"),
        ]));
        assert_eq!(c.region(), Some("cn-shenzhen"));

        let c = Config::from_env_lookup(lookup(&[]));
        assert_eq!(c.region(), None);
    }
}
