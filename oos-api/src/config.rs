//! Client configuration: region, credentials, endpoint, timeouts, retries, signature.

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

    /// The configuration.
    pub fn build(self) -> Config {
        self.config
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
