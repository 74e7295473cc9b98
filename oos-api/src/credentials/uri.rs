//! Credentials from a URL that hands them out (`ALIBABA_CLOUD_CREDENTIALS_URI`): a sidecar,
//! a local agent, a vault.
//!
//! `GET <uri>` as given, answered with `{"AccessKeyId", "AccessKeySecret", "SecurityToken",
//! "Expiration"}` and, optionally, `"Code": "Success"`. The URI is shown without its query
//! in messages, since a token may be there.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::cache::{cached_provider, CachedProvider};
use super::document::{credentials_document, CodeRule};
use super::http::{display_url, read_body, transport_failure, Http};
use super::{
    lookup_nonempty, process_env, Credentials, CredentialsError, EnvLookup, ProvideCredentials,
    ProvideCredentialsFuture, ENV_CREDENTIALS_URI,
};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(10);

/// GETs the URI; not cached by itself.
pub(crate) struct UriFetcher {
    uri: Result<reqwest::Url, CredentialsError>,
    http: Http,
}

impl UriFetcher {
    pub(crate) fn new(uri: &str, what: &str) -> Self {
        let uri = reqwest::Url::parse(uri.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                // The text itself may hold a token, so it is not repeated.
                CredentialsError::invalid_configuration(format!("{what} is not an http(s) URL"))
            });
        Self {
            uri,
            http: Http::new(CONNECT_TIMEOUT, TIMEOUT),
        }
    }

    /// From `ALIBABA_CLOUD_CREDENTIALS_URI`; unset is
    /// [`NotConfigured`](super::CredentialsErrorKind::NotConfigured).
    pub(crate) fn from_env(lookup: &EnvLookup) -> Result<Self, CredentialsError> {
        match lookup_nonempty(lookup, ENV_CREDENTIALS_URI) {
            Some(uri) => Ok(Self::new(&uri, ENV_CREDENTIALS_URI)),
            None => Err(CredentialsError::not_configured(format!(
                "{ENV_CREDENTIALS_URI} is not set"
            ))),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let uri = self.uri.clone()?;
        let source = format!("the credentials URI {}", display_url(&uri));
        let response = self
            .http
            .request(reqwest::Method::GET, uri)?
            .send()
            .await
            .map_err(|e| transport_failure(e).context(&source))?;
        let status = response.status().as_u16();
        let body = read_body(response).await.map_err(|e| e.context(&source))?;
        if status != 200 {
            return Err(CredentialsError::new(format!(
                "{source} answered HTTP {status}"
            )));
        }
        credentials_document(&body, &source, CodeRule::IfPresent)
    }
}

impl ProvideCredentials for UriFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        self.http.use_client(client);
    }
}

impl fmt::Debug for UriFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UriFetcher")
            .field("uri", &self.uri.as_ref().map(display_url).ok())
            .finish()
    }
}

/// Credentials from a URL that hands them out, cached and refreshed ahead of expiry.
pub struct CredentialsUriProvider {
    inner: CachedProvider<UriFetcher>,
}

impl CredentialsUriProvider {
    /// GETs `uri` (an http or https URL).
    pub fn new(uri: &str) -> Self {
        Self::from_fetcher(UriFetcher::new(uri, "the credentials URI"))
    }

    /// The URI in `ALIBABA_CLOUD_CREDENTIALS_URI`, which must be set.
    pub fn from_env() -> Result<Self, CredentialsError> {
        UriFetcher::from_env(&process_env()).map(Self::from_fetcher)
    }

    /// As [`from_env`](Self::from_env), reading the variable through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self, CredentialsError> {
        UriFetcher::from_env(&(Arc::new(lookup) as EnvLookup)).map(Self::from_fetcher)
    }

    fn from_fetcher(fetcher: UriFetcher) -> Self {
        Self {
            inner: CachedProvider::labelled(fetcher, "the credentials URI"),
        }
    }
}

cached_provider!(CredentialsUriProvider);

impl fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CredentialsUriProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env};

    #[test]
    fn unset_is_not_configured_and_bad_is_invalid() {
        let err = UriFetcher::from_env(&env(&[])).expect_err("unset");
        assert!(err.is_not_configured());

        let p = CredentialsUriProvider::from_env_lookup(|name| {
            (name == ENV_CREDENTIALS_URI).then(|| "not a url?token=SECRETVALUE".to_owned())
        })
        .expect("set");
        let err = block_on(p.provide()).expect_err("bad uri");
        assert!(err.message().contains(ENV_CREDENTIALS_URI), "{err}");
        assert!(!err.message().contains("SECRETVALUE"), "{err}");
        let shown = format!("{p:?}");
        assert!(!shown.contains("SECRETVALUE"), "{shown}");

        let p = CredentialsUriProvider::new("http://127.0.0.1:9/c?token=SECRETVALUE");
        let shown = format!("{p:?}");
        assert!(
            shown.contains("127.0.0.1:9/c") && !shown.contains("SECRETVALUE"),
            "{shown}"
        );
    }
}
