//! The client, and the thin generic shell of a call: validate, write the parameters, hand
//! them to the one non-generic call loop ([`crate::send`]), and type its answer.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::action::{Action, ServiceError};
use crate::config::{Config, ConfigOverride};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::params::Params;
use crate::send::Request;

const USER_AGENT: &str = concat!("oos-rs/", env!("CARGO_PKG_VERSION"));

/// A client for OOS. Cheap to clone: clones share one configuration and connection pool.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use oos_api::{Client, Config, Credentials};
///
/// let config = Config::builder()
///     .region("cn-hangzhou")
///     .credentials(Credentials::new("access-key-id", "access-key-secret"))
///     .build();
/// let client = Client::new(config);
/// let logs = client.list_execution_logs().execution_id("exec-123").send().await?;
/// # let _ = logs;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    /// Kept as a result so that building a client never fails or panics; a TLS backend that
    /// cannot start is reported by the first call.
    pub(crate) http: Result<reqwest::Client, String>,
    /// Resolved once: the configuration cannot change after the client is built.
    pub(crate) endpoint: Result<Endpoint, String>,
    /// The V3 signing key of the last secret signed with, and that secret; shared with the
    /// clients derived from this one, which sign with the same credentials provider.
    pub(crate) signing_key: Arc<Mutex<Option<(String, crate::signing::acs3::SigningKey)>>>,
}

impl Client {
    /// A client with the given configuration.
    ///
    /// With an HTTP client in the configuration
    /// ([`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client)), that client
    /// carries every call and is offered to the credentials provider for its fetches;
    /// otherwise the client makes its own.
    pub fn new(config: Config) -> Self {
        let http = match &config.http_client {
            Some(given) => {
                if let Some(provider) = &config.credentials {
                    provider.use_http_client(given);
                }
                Ok(given.clone())
            }
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                // A redirect would replay a signed request elsewhere.
                .redirect(reqwest::redirect::Policy::none())
                // The call loop retries by the configured policy. reqwest's own layer only
                // resends HTTP/2 refusals (this crate does not enable HTTP/2), yet it copies
                // each request's headers in case it has to: two allocations a call.
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .user_agent(USER_AGENT)
                .build()
                .map_err(|e| {
                    format!(
                        "the HTTP client could not be created: {}",
                        crate::response::error_chain(&e)
                    )
                }),
        };
        let endpoint = Endpoint::resolve(&config);
        Self {
            inner: Arc::new(Inner {
                config,
                http,
                endpoint,
                signing_key: Arc::default(),
            }),
        }
    }

    /// A client with `config` and `endpoint` that shares this one's transport and prepared
    /// signing key.
    fn derived(&self, config: Config, endpoint: Result<Endpoint, String>) -> Client {
        Self {
            inner: Arc::new(Inner {
                config,
                http: self.inner.http.clone(),
                endpoint,
                signing_key: Arc::clone(&self.inner.signing_key),
            }),
        }
    }

    /// A client for another region, otherwise configured as this one, sharing its
    /// credentials provider (and so its cached credentials) and its connection pool.
    ///
    /// An explicit [`endpoint_url`](crate::ConfigBuilder::endpoint_url) is kept; the region
    /// then only names the region in the requests that carry it.
    pub fn with_region(&self, region: impl Into<String>) -> Client {
        let config = self.inner.config.to_builder().region(region).build();
        let endpoint = Endpoint::resolve(&config);
        self.derived(config, endpoint)
    }

    /// This client with `overrides` applied, sharing everything else (credentials,
    /// connection pool, endpoint).
    pub(crate) fn overridden(&self, overrides: &ConfigOverride) -> Client {
        self.derived(
            self.inner.config.overridden(overrides),
            self.inner.endpoint.clone(),
        )
    }

    /// A client configured from the environment; see [`Config::from_env`].
    pub fn from_env() -> Self {
        Self::new(Config::from_env())
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends one request of any action and returns its parsed answer.
    ///
    /// This is the generic entry point behind every `client.operation().send()`: it validates
    /// the input (a missing required parameter or a value outside its documented constraints
    /// fails with [`Error::Construction`] and nothing is sent), signs each attempt afresh,
    /// retries transient failures as the [`RetryPolicy`](crate::RetryPolicy) allows and turns
    /// OOS error bodies into the action's typed error ([`Error::Service`]).
    ///
    /// Actions that are not idempotent are sent again only when the request provably never
    /// reached the service, or when it carries an idempotency token (`ClientToken`), which is
    /// filled once here so that every attempt carries the same one.
    pub async fn call<I: Action>(&self, mut input: I) -> Result<I::Output, Error<I::Error>> {
        if let Some(region) = &self.inner.config.region {
            input.fill_region(region);
        }
        input.validate().map_err(Error::Construction)?;
        // Filled once, before the first attempt, so that every attempt carries the same token.
        let has_token = input.ensure_idempotency_token();
        let mut params = Params::new();
        input.write_params(&mut params);
        let mut output = None;
        let mut parse = |body: &[u8]| {
            output = Some(serde_json::from_slice::<I::Output>(body).map_err(|e| e.to_string())?);
            Ok(())
        };
        self.send(Request {
            action: I::NAME,
            method: I::METHOD,
            idempotent: I::IDEMPOTENT || has_token,
            retryable_codes: I::RETRYABLE_CODES,
            params: &params,
            parse: &mut parse,
        })
        .await
        .map_err(|e| e.map_service(I::Error::from_metadata))?;
        output.ok_or_else(|| Error::Response {
            status: 0,
            body: String::new(),
            reason: "the call ended without a parsed answer".to_owned(),
        })
    }

    /// Signs a request of `action` with `params` as an attempt of [`Client::call`] signs it
    /// (the configured signature method, the prepared key, header map and URL), with a fresh
    /// timestamp and nonce unless they are given, and returns the URL and headers. With
    /// `whole` false and V3 signing, stops once the `Authorization` value is made, before the
    /// header map and URL (which a bare HTTP call makes too), and returns `None`. For
    /// benchmarks, which time the signing alone.
    #[doc(hidden)]
    pub fn sign_for_benchmark(
        &self,
        action: &'static str,
        params: &Params,
        credentials: &crate::Credentials,
        fixed: Option<(&str, &str)>,
        whole: bool,
    ) -> Result<Option<(reqwest::Url, reqwest::header::HeaderMap)>, String> {
        use crate::config::SignatureMethod;
        use crate::signing::{sign_request, v3_signature_only, Signing};

        let endpoint = self.inner.endpoint.as_ref()?;
        let method = self.inner.config.signature_method;
        let key = match method {
            SignatureMethod::Acs3HmacSha256 => Some(self.signing_key(credentials)),
            SignatureMethod::HmacSha1 => None,
        };
        let (timestamp, nonce) = (crate::send::timestamp_now(), crate::send::nonce());
        let (timestamp, nonce) = fixed.unwrap_or((timestamp.as_str(), nonce.as_str()));
        let signing = Signing {
            signature: method,
            method: crate::action::Method::Post,
            action,
            endpoint,
            credentials,
            key: key.as_ref(),
            params,
            timestamp,
            nonce,
        };
        if !whole && method == SignatureMethod::Acs3HmacSha256 {
            std::hint::black_box(v3_signature_only(&signing));
            return Ok(None);
        }
        let signed = sign_request(&signing)?;
        Ok(Some((signed.url, signed.headers)))
    }

    pub(crate) async fn execute<I: Action>(&self, input: I) -> Result<I::Output, Error<I::Error>> {
        self.call(input).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Parses one HTTP answer (status and complete body) as the client does; exposed for fuzzing.
#[doc(hidden)]
pub fn interpret_answer<I: Action>(status: u16, body: &[u8]) -> Result<I::Output, Error<I::Error>> {
    let retryable = |code: &str| crate::service::RETRYABLE_CODES.contains(&code);
    let answer = crate::response::interpret(
        status,
        bytes::Bytes::copy_from_slice(body),
        None,
        &retryable,
    )
    .map_err(|failed| failed.error.map_service(I::Error::from_metadata))?;
    serde_json::from_slice::<I::Output>(&answer.body).map_err(|e| Error::Response {
        status,
        body: String::from_utf8_lossy(body).into_owned(),
        reason: format!("the success body does not have the expected shape: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::list_execution_logs::{ListExecutionLogsError, ListExecutionLogsInput};
    use crate::service::CommonError;
    use crate::Credentials;

    #[test]
    fn interpret_answer_types_the_answer() {
        type Logs = ListExecutionLogsInput;
        let output = interpret_answer::<Logs>(200, br#"{"NextToken":"n"}"#).expect("ok");
        assert_eq!(output.next_token.as_deref(), Some("n"));
        let err = interpret_answer::<Logs>(400, br#"{"Code":"Throttling"}"#).expect_err("error");
        assert!(matches!(
            err,
            Error::Service(ListExecutionLogsError::Common(CommonError::Throttling(_)))
        ));
        let err = interpret_answer::<Logs>(404, br#"{"Code":"EntityNotExists.Execution"}"#)
            .expect_err("error");
        assert!(matches!(
            err,
            Error::Service(ListExecutionLogsError::EntityNotExistsExecution(_))
        ));
        let err = interpret_answer::<Logs>(503, br#"{"Code":"SomethingNew"}"#).expect_err("error");
        // Unhandled: neither a code of its own nor a common one, read through `code()`.
        assert!(matches!(
            &err,
            Error::Service(e) if e.code() == "SomethingNew"
                && !matches!(e, ListExecutionLogsError::Common(_) | ListExecutionLogsError::EntityNotExistsExecution(_))
        ));
        let err = interpret_answer::<Logs>(502, b"\xff<html>").expect_err("not json");
        assert!(matches!(err, Error::Response { status: 502, .. }));
        let err = interpret_answer::<Logs>(200, br#"{"ExecutionLogs": 5}"#).expect_err("shape");
        assert!(matches!(err, Error::Response { status: 200, .. }));
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn nothing_is_sent_without_required_parameters_region_or_credentials() {
        // Port 9 (discard) on loopback: if anything were sent the error would be Dispatch.
        let client = Client::new(
            Config::builder()
                .endpoint_url("http://127.0.0.1:9")
                .credentials(Credentials::new("a", "b"))
                .build(),
        );
        let err = block_on(client.call(ListExecutionLogsInput::default())).expect_err("missing id");
        assert!(
            matches!(err, Error::Construction(ref e) if e.parameter() == "ExecutionId"),
            "{err:?}"
        );

        let input = ListExecutionLogsInput::default().execution_id("exec-1");
        let client = Client::new(
            Config::builder()
                .credentials(Credentials::new("a", "b"))
                .build(),
        );
        let err = block_on(client.call(input.clone())).expect_err("no region");
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("region")),
            "{err:?}"
        );

        let client = Client::new(Config::builder().region("cn-hangzhou").build());
        let err = block_on(client.call(input)).expect_err("no credentials");
        assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    }

    #[test]
    fn a_client_for_another_region_resolves_its_own_endpoint_and_shares_the_rest() {
        let provider = Arc::new(Credentials::new("id", "secret"));
        let hangzhou = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(Arc::clone(&provider))
                .build(),
        );
        let shanghai = hangzhou.with_region("cn-shanghai");
        let expected = Endpoint::resolve(&Config::builder().region("cn-shanghai").build());
        assert_eq!(shanghai.inner.endpoint, expected);
        assert_ne!(shanghai.inner.endpoint, hangzhou.inner.endpoint);
        assert_eq!(shanghai.config().region(), Some("cn-shanghai"));
        let shared =
            |a: &Client, b: &Client| match (&a.config().credentials, &b.config().credentials) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            };
        assert!(shared(&hangzhou, &shanghai));
        let bad = hangzhou.with_region("cn-hangzhou.evil.example/");
        assert!(bad.inner.endpoint.is_err());

        let overridden = hangzhou
            .overridden(&ConfigOverride::new().retry_policy(crate::RetryPolicy::disabled()));
        assert_eq!(overridden.inner.endpoint, hangzhou.inner.endpoint);
        assert_eq!(
            overridden.config().retry_policy(),
            crate::RetryPolicy::disabled()
        );
        assert_eq!(
            hangzhou.config().retry_policy(),
            crate::RetryPolicy::standard()
        );
        assert!(shared(&hangzhou, &overridden));
        // The V3 key prepared for the shared credentials serves every derived client.
        for derived in [&shanghai, &overridden] {
            assert!(Arc::ptr_eq(
                &derived.inner.signing_key,
                &hangzhou.inner.signing_key
            ));
        }
        // One provider behind them all: the caller's handle and the one it was wrapped in.
        assert_eq!(Arc::strong_count(&provider), 2);
    }

    #[test]
    fn client_debug_hides_secrets() {
        let client = Client::new(
            Config::builder()
                .credentials(Credentials::new("id", "HIDDENSECRET"))
                .build(),
        );
        let shown = format!("{client:?}");
        assert!(
            shown.contains("Config") && !shown.contains("HIDDENSECRET"),
            "{shown}"
        );
        let clone = client.clone();
        assert!(Arc::ptr_eq(&clone.inner, &client.inner));
    }
}
