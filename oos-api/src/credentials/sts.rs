//! STS: which endpoint, the settings a role session takes, the `AssumeRole` call (signed
//! with the RPC signature 1.0) and the answer both `AssumeRole` and `AssumeRoleWithOIDC`
//! give.
//!
//! Requests are POSTs: the action and signature parameters go in the query, everything that
//! names the role or could be sensitive (the security token, the OIDC token) in a form body,
//! so that none of it lands in a proxy's or server's access log. Both parts are signed
//! together, encoded the RFC 3986 way (`%20`, `%2A`), as the gateway recomputes them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::cache::{cached_provider, CachedProvider};
use super::document::{credentials_object, json_object};
use super::http::{display_url, endpoint_url, read_body, transport_failure, Http};
use super::{
    lookup_flag, lookup_nonempty, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_ROLE_SESSION_NAME, ENV_STS_ENDPOINT,
    ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED,
};
use crate::redact::Redactor;
use crate::send::{nonce, timestamp_now};
use crate::signing::{canonical_query, rpc};

/// The global STS endpoint, used when neither an endpoint nor a region is configured.
pub const DEFAULT_STS_ENDPOINT: &str = "sts.aliyuncs.com";

pub(crate) const API_VERSION: &str = "2015-04-01";
/// STS's own default session length.
pub(crate) const DEFAULT_DURATION: Duration = Duration::from_secs(3600);
/// STS refuses shorter sessions.
pub(crate) const MIN_DURATION: Duration = Duration::from_secs(900);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where STS is: an explicit endpoint, else `ALIBABA_CLOUD_STS_ENDPOINT`, else the regional
/// (or VPC) endpoint of the configured region or `ALIBABA_CLOUD_STS_REGION`, else
/// [`DEFAULT_STS_ENDPOINT`].
#[derive(Clone, Debug, Default)]
pub(crate) struct EndpointSettings {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) vpc: Option<bool>,
}

impl EndpointSettings {
    pub(crate) fn resolve(&self, lookup: &EnvLookup) -> Result<reqwest::Url, CredentialsError> {
        if let Some(endpoint) = self.endpoint.as_deref().filter(|e| !e.trim().is_empty()) {
            return endpoint_url(endpoint, "https", "the STS endpoint");
        }
        if let Some(endpoint) = lookup_nonempty(lookup, ENV_STS_ENDPOINT) {
            return endpoint_url(&endpoint, "https", ENV_STS_ENDPOINT);
        }
        let region = self
            .region
            .clone()
            .filter(|r| !r.trim().is_empty())
            .or_else(|| lookup_nonempty(lookup, ENV_STS_REGION));
        let vpc = self
            .vpc
            .unwrap_or_else(|| lookup_flag(lookup, ENV_VPC_ENDPOINT_ENABLED));
        // A VPC endpoint needs a region; without one the official libraries use the global
        // endpoint, and so does this.
        let host = match region {
            Some(region) => {
                let prefix = if vpc { "sts-vpc" } else { "sts" };
                format!("{prefix}.{}.aliyuncs.com", region.trim())
            }
            None => DEFAULT_STS_ENDPOINT.to_owned(),
        };
        endpoint_url(&host, "https", "the STS endpoint")
    }
}

/// What a role session is asked for with, shared by `AssumeRole` and `AssumeRoleWithOIDC`.
#[derive(Clone)]
pub(crate) struct RoleSettings {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) duration: Duration,
    pub(crate) policy: Option<String>,
    pub(crate) endpoint: EndpointSettings,
    /// Where the session name and the STS endpoint settings are read when not given.
    pub(crate) lookup: EnvLookup,
}

impl RoleSettings {
    pub(crate) fn new(role_arn: String, lookup: EnvLookup) -> Self {
        Self {
            role_arn,
            session_name: None,
            duration: DEFAULT_DURATION,
            policy: None,
            endpoint: EndpointSettings::default(),
            lookup,
        }
    }

    fn session_name(&self) -> String {
        self.session_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| lookup_nonempty(&self.lookup, ENV_ROLE_SESSION_NAME))
            .unwrap_or_else(|| {
                let secs = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                format!("oos-rs-{secs}")
            })
    }

    /// The parameters every role session request carries, checked.
    pub(crate) fn params(&self) -> Result<Vec<(&'static str, String)>, CredentialsError> {
        if self.role_arn.trim().is_empty() {
            return Err(CredentialsError::invalid_configuration(
                "the role ARN is empty",
            ));
        }
        if self.duration < MIN_DURATION {
            return Err(CredentialsError::invalid_configuration(format!(
                "a role session lasts at least {} s; {} s was asked for",
                MIN_DURATION.as_secs(),
                self.duration.as_secs()
            )));
        }
        let mut params = vec![
            ("RoleArn", self.role_arn.trim().to_owned()),
            ("RoleSessionName", self.session_name()),
            ("DurationSeconds", self.duration.as_secs().to_string()),
        ];
        if let Some(policy) = self.policy.as_ref().filter(|p| !p.trim().is_empty()) {
            params.push(("Policy", policy.clone()));
        }
        Ok(params)
    }
}

impl fmt::Debug for RoleSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleSettings")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("policy", &self.policy.as_ref().map(|_| "<set>"))
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

/// Builder methods shared by the providers that assume a role.
macro_rules! role_settings_methods {
    () => {
        /// The session name (default: `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `oos-rs-`
        /// and the time).
        pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
            self.settings_mut().session_name = Some(name.into());
            self
        }

        /// How long the session lasts (default one hour; at least 15 minutes, at most the
        /// role's maximum).
        pub fn duration(mut self, duration: std::time::Duration) -> Self {
            self.settings_mut().duration = duration;
            self
        }

        /// A policy that narrows what the session may do.
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.settings_mut().policy = Some(policy.into());
            self
        }

        /// STS at this host or URL (default: `ALIBABA_CLOUD_STS_ENDPOINT`, else the region's
        /// endpoint, else `sts.aliyuncs.com`).
        pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
            self.settings_mut().endpoint.endpoint = Some(endpoint.into());
            self
        }

        /// The region whose STS endpoint is used (default: `ALIBABA_CLOUD_STS_REGION`).
        pub fn sts_region(mut self, region: impl Into<String>) -> Self {
            self.settings_mut().endpoint.region = Some(region.into());
            self
        }

        /// Whether the regional endpoint is the VPC one, `sts-vpc.<region>.aliyuncs.com`
        /// (default: `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`).
        pub fn vpc_endpoint(mut self, vpc: bool) -> Self {
            self.settings_mut().endpoint.vpc = Some(vpc);
            self
        }

        /// Reads the defaults above through `lookup` instead of the process environment.
        pub fn env_lookup(
            mut self,
            lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        ) -> Self {
            self.settings_mut().lookup = std::sync::Arc::new(lookup);
            self
        }
    };
}
pub(crate) use role_settings_methods;

pub(crate) fn new_http() -> Http {
    Http::new(CONNECT_TIMEOUT, TIMEOUT)
}

/// POSTs one STS action and reads the `Credentials` of its answer. `scrub` masks values the
/// service might echo (its `SignatureDoesNotMatch` message quotes the string it signed).
pub(crate) async fn call(
    http: &Http,
    endpoint: &reqwest::Url,
    action: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    scrub: &Redactor,
) -> Result<Credentials, CredentialsError> {
    let source = format!("STS {action} at {}", display_url(endpoint));
    let mut url = endpoint.clone();
    url.set_query(Some(&canonical_query(query)));
    let response = http
        .request(reqwest::Method::POST, url)?
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(canonical_query(form))
        .send()
        .await
        .map_err(|e| transport_failure(e).context(&source))?;
    let status = response.status().as_u16();
    let body = read_body(response).await.map_err(|e| e.context(&source))?;
    if status != 200 {
        return Err(CredentialsError::new(
            scrub.text(error_answer(&source, status, &body)),
        ));
    }
    let map = json_object(&body, &source)?;
    match map.get("Credentials") {
        Some(serde_json::Value::Object(credentials)) => credentials_object(credentials, &source),
        Some(_) => Err(CredentialsError::new(format!(
            "{source} answered `Credentials` that are not an object"
        ))),
        None => Err(CredentialsError::new(format!(
            "{source} answered no `Credentials`"
        ))),
    }
}

/// `HTTP 403, NoPermission: message (request id …)` from an STS error answer.
fn error_answer(source: &str, status: u16, body: &[u8]) -> String {
    let Ok(map) = json_object(body, source) else {
        return format!("{source} answered HTTP {status} with a body that is not JSON");
    };
    let text = |name: &str| map.get(name).and_then(|v| v.as_str()).unwrap_or("");
    let mut message = format!("{source} answered HTTP {status}");
    if !text("Code").is_empty() {
        message.push_str(&format!(", {}", text("Code")));
    }
    if !text("Message").is_empty() {
        message.push_str(&format!(": {}", text("Message")));
    }
    if !text("RequestId").is_empty() {
        message.push_str(&format!(" (request id {})", text("RequestId")));
    }
    message
}

/// `AssumeRole` with credentials from another provider; not cached by itself.
pub(crate) struct AssumeRoleFetcher {
    source: Arc<dyn ProvideCredentials>,
    source_name: String,
    settings: RoleSettings,
    external_id: Option<String>,
    http: Http,
}

impl AssumeRoleFetcher {
    pub(crate) fn new(
        source: Arc<dyn ProvideCredentials>,
        source_name: impl Into<String>,
        settings: RoleSettings,
    ) -> Self {
        Self {
            source,
            source_name: source_name.into(),
            settings,
            external_id: None,
            http: new_http(),
        }
    }

    pub(crate) fn set_external_id(&mut self, external_id: Option<String>) {
        self.external_id = external_id.filter(|e| !e.trim().is_empty());
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let role = &self.settings.role_arn;
        let context = format!("assuming role `{role}`");
        let result = self.assume().await;
        result.map_err(|e| e.context(&context))
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let endpoint = self.settings.endpoint.resolve(&self.settings.lookup)?;
        let mut form = self.settings.params()?;
        // The source is asked on every refresh, so that it can refresh in turn.
        let source = self.source.provide().await.map_err(|e| {
            e.configured()
                .context(format!("the source credentials ({})", self.source_name))
        })?;
        if let Some(external_id) = &self.external_id {
            form.push(("ExternalId", external_id.clone()));
        }
        if let Some(token) = source.security_token() {
            form.push(("SecurityToken", token.to_owned()));
        }
        let nonce = nonce();
        let timestamp = timestamp_now();
        let mut query: Vec<(&str, &str)> = vec![
            ("Action", "AssumeRole"),
            ("Format", "JSON"),
            ("Version", API_VERSION),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", nonce.as_str()),
            ("Timestamp", timestamp.as_str()),
            ("AccessKeyId", source.access_key_id()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let signed: Vec<(&str, &str)> = query.iter().chain(&form).copied().collect();
        let signature = rpc::signature(
            source.access_key_secret(),
            &rpc::string_to_sign("POST", &signed),
        );
        query.push(("Signature", &signature));
        call(
            &self.http,
            &endpoint,
            "AssumeRole",
            &query,
            &form,
            &Redactor::new(&source),
        )
        .await
    }
}

impl ProvideCredentials for AssumeRoleFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        self.http.use_client(client);
        self.source.use_http_client(client);
    }
}

impl fmt::Debug for AssumeRoleFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleFetcher")
            .field("source", &self.source_name)
            .field("settings", &self.settings)
            .field("external_id", &self.external_id.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// Temporary credentials of a RAM role, from STS `AssumeRole` signed with another
/// provider's credentials; cached and refreshed ahead of expiry (asking the source again
/// each time).
///
/// ```no_run
/// use oos_api::credentials::{AssumeRoleProvider, EcsRamRoleProvider};
/// let provider = AssumeRoleProvider::new(EcsRamRoleProvider::new(), "acs:ram::123:role/deployer")
///     .role_session_name("deploy")
///     .sts_region("cn-hangzhou")
///     .vpc_endpoint(true);
/// ```
pub struct AssumeRoleProvider {
    inner: CachedProvider<AssumeRoleFetcher>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with what `source` provides; defaults are read from the process
    /// environment.
    pub fn new(source: impl ProvideCredentials + 'static, role_arn: impl Into<String>) -> Self {
        Self::from_parts(
            Arc::new(source),
            "the given provider",
            RoleSettings::new(role_arn.into(), process_env()),
        )
    }

    pub(crate) fn from_parts(
        source: Arc<dyn ProvideCredentials>,
        source_name: &str,
        settings: RoleSettings,
    ) -> Self {
        Self {
            inner: CachedProvider::labelled(
                AssumeRoleFetcher::new(source, source_name, settings),
                "the AssumeRole session",
            ),
        }
    }

    fn settings_mut(&mut self) -> &mut RoleSettings {
        &mut self.inner.source_mut().settings
    }

    role_settings_methods!();

    /// The external id the role's trust policy asks for.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.inner
            .source_mut()
            .set_external_id(Some(external_id.into()));
        self
    }
}

cached_provider!(AssumeRoleProvider);

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AssumeRoleProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env};

    fn resolve(settings: EndpointSettings, pairs: &[(&str, &str)]) -> String {
        settings.resolve(&env(pairs)).expect("resolves").to_string()
    }

    #[test]
    fn endpoint_precedence() {
        let none = EndpointSettings::default();
        assert_eq!(resolve(none.clone(), &[]), "https://sts.aliyuncs.com/");
        assert_eq!(
            resolve(none.clone(), &[(ENV_STS_REGION, "cn-shanghai")]),
            "https://sts.cn-shanghai.aliyuncs.com/"
        );
        assert_eq!(
            resolve(
                none.clone(),
                &[
                    (ENV_STS_REGION, "cn-shanghai"),
                    (ENV_VPC_ENDPOINT_ENABLED, "true")
                ]
            ),
            "https://sts-vpc.cn-shanghai.aliyuncs.com/"
        );
        // VPC without a region: the global endpoint, as the official libraries do.
        assert_eq!(
            resolve(none.clone(), &[(ENV_VPC_ENDPOINT_ENABLED, "true")]),
            "https://sts.aliyuncs.com/"
        );
        // ACK sets all three; the endpoint wins.
        let ack = [
            (ENV_STS_ENDPOINT, "sts-vpc.ap-northeast-1.aliyuncs.com"),
            (ENV_STS_REGION, "cn-shanghai"),
            (ENV_VPC_ENDPOINT_ENABLED, "true"),
        ];
        assert_eq!(
            resolve(none.clone(), &ack),
            "https://sts-vpc.ap-northeast-1.aliyuncs.com/"
        );
        assert_eq!(
            resolve(none.clone(), &[(ENV_STS_ENDPOINT, "http://127.0.0.1:8080")]),
            "http://127.0.0.1:8080/"
        );
        // Settings from code or a profile beat the environment's region, not its endpoint.
        let regional = EndpointSettings {
            region: Some("cn-beijing".into()),
            vpc: Some(false),
            ..Default::default()
        };
        assert_eq!(
            resolve(
                regional.clone(),
                &[
                    (ENV_STS_REGION, "cn-shanghai"),
                    (ENV_VPC_ENDPOINT_ENABLED, "true")
                ]
            ),
            "https://sts.cn-beijing.aliyuncs.com/"
        );
        assert_eq!(
            resolve(regional, &ack),
            "https://sts-vpc.ap-northeast-1.aliyuncs.com/"
        );
        let explicit = EndpointSettings {
            endpoint: Some("sts.example.test".into()),
            ..Default::default()
        };
        assert_eq!(resolve(explicit, &ack), "https://sts.example.test/");

        let err = none
            .resolve(&env(&[(ENV_STS_ENDPOINT, "ftp://nope")]))
            .expect_err("bad endpoint");
        assert!(err.message().contains(ENV_STS_ENDPOINT), "{err}");
    }

    #[test]
    fn session_settings() {
        let mut s = RoleSettings::new("acs:ram::1:role/r".into(), env(&[]));
        let params = s.params().expect("params");
        assert_eq!(params[0], ("RoleArn", "acs:ram::1:role/r".to_owned()));
        assert!(params[1].1.starts_with("oos-rs-"), "{params:?}");
        assert_eq!(params[2], ("DurationSeconds", "3600".to_owned()));
        assert_eq!(params.len(), 3);

        s.lookup = env(&[(ENV_ROLE_SESSION_NAME, "from-env")]);
        s.policy = Some("{\"Statement\": []}".into());
        let params = s.params().expect("params");
        assert_eq!(params[1].1, "from-env");
        assert_eq!(params[3].0, "Policy");
        s.session_name = Some("explicit".into());
        assert_eq!(s.params().expect("params")[1].1, "explicit");

        s.duration = Duration::from_secs(899);
        let err = s.params().expect_err("too short");
        assert!(err.message().contains("900"), "{err}");
        s.duration = MIN_DURATION;
        s.role_arn = " ".into();
        assert!(s.params().is_err());
    }

    #[test]
    fn error_answers_are_summarized() {
        let body = br#"{"RequestId": "R1", "Code": "NoPermission", "Message": "not allowed", "HostId": "h"}"#;
        assert_eq!(
            error_answer("STS AssumeRole at https://x/", 403, body),
            "STS AssumeRole at https://x/ answered HTTP 403, NoPermission: not allowed (request id R1)"
        );
        assert_eq!(
            error_answer("S", 502, b"<html>SECRET</html>"),
            "S answered HTTP 502 with a body that is not JSON"
        );
    }

    #[test]
    fn a_failing_source_is_named() {
        let p = AssumeRoleProvider::new(
            crate::credentials::EnvironmentProvider::from_lookup(|_| None),
            "acs:ram::1:role/r",
        )
        .env_lookup(|_| None);
        let err = block_on(p.provide()).expect_err("no source");
        assert!(
            err.message()
                .starts_with("assuming role `acs:ram::1:role/r`: the source credentials"),
            "{err}"
        );
        assert!(
            !err.is_not_configured(),
            "a configured role with no source is a failure"
        );
        let shown = format!("{p:?}");
        assert!(shown.contains("acs:ram::1:role/r"), "{shown}");
    }
}
