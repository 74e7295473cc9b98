//! The HTTP plumbing the fetching providers share: the client the user handed to
//! [`Config`](crate::Config) or one made on first use, bounded bodies, and errors described without their URL (a credentials URI may carry a secret in
//! its query).

use std::sync::OnceLock;
use std::time::Duration;

use super::CredentialsError;

const USER_AGENT: &str = concat!("oos-rs/", env!("CARGO_PKG_VERSION"), " credentials");

/// No credentials answer comes near this; a larger one is refused rather than buffered.
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;

/// A reqwest client: the one offered by [`use_client`](Self::use_client), else one with the
/// given timeouts, made when first needed (so that building a chain that never fetches costs
/// nothing). Either is reused for its connection pool.
pub(crate) struct Http {
    connect_timeout: Duration,
    timeout: Duration,
    client: OnceLock<Result<reqwest::Client, CredentialsError>>,
}

impl Http {
    pub(crate) fn new(connect_timeout: Duration, timeout: Duration) -> Self {
        Self {
            connect_timeout,
            timeout,
            client: OnceLock::new(),
        }
    }

    /// Fetches with `client` from now on, unless a client is already in use (a fetch is
    /// under way or done, or another client was offered first).
    pub(crate) fn use_client(&self, client: &reqwest::Client) {
        let _ = self.client.set(Ok(client.clone()));
    }

    /// A request of one fetch, under the fetch's time limit, which is set on each request
    /// so that it holds with an offered client too.
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: reqwest::Url,
    ) -> Result<reqwest::RequestBuilder, CredentialsError> {
        Ok(self.client()?.request(method, url).timeout(self.timeout))
    }

    fn client(&self) -> Result<&reqwest::Client, CredentialsError> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    // A redirect would carry a signed request or a token elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(USER_AGENT)
                    .build()
                    .map_err(|e| {
                        CredentialsError::new("the HTTP client could not be made").with_source(e)
                    })
            })
            .as_ref()
            .map_err(CredentialsError::clone)
    }
}

/// Whether the server was never reached: nothing listens, or it did not answer in time.
pub(crate) fn is_unreachable(error: &reqwest::Error) -> bool {
    error.is_connect() || (error.is_timeout() && !error.is_body())
}

/// What went wrong, in words; the causes are the error's sources.
pub(crate) fn what_failed(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read"
    } else {
        "the request failed"
    }
}

/// A fetch's transport failure: what went wrong in words, and the transport's error as its
/// source, without the URL (a credentials URI may carry a secret in its query).
pub(crate) fn transport_failure(error: reqwest::Error) -> CredentialsError {
    CredentialsError::new(what_failed(&error)).with_source(error.without_url())
}

/// Reads a body of at most [`MAX_BODY_BYTES`].
pub(crate) async fn read_body(
    mut response: reqwest::Response,
) -> Result<Vec<u8>, CredentialsError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_failure)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(CredentialsError::new(format!(
                "the answer is larger than {MAX_BODY_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A URL as it may be shown: without its query, userinfo or fragment.
pub(crate) fn display_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Parses an endpoint given as a URL or a bare host (`host[:port]`), which gets
/// `default_scheme`. `what` names the setting, for the message.
pub(crate) fn endpoint_url(
    text: &str,
    default_scheme: &str,
    what: &str,
) -> Result<reqwest::Url, CredentialsError> {
    let text = text.trim();
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("{default_scheme}://{text}")
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| {
        CredentialsError::invalid_configuration(format!(
            "{what} is not a host or an http(s) URL: `{text}` ({e})"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(CredentialsError::invalid_configuration(format!(
            "{what} is not a host or an http(s) URL: `{text}`"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let url = endpoint_url("sts.cn-hangzhou.aliyuncs.com", "https", "X").expect("host");
        assert_eq!(url.as_str(), "https://sts.cn-hangzhou.aliyuncs.com/");
        let url = endpoint_url("127.0.0.1:8080", "http", "X").expect("host and port");
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
        let url = endpoint_url(" http://127.0.0.1:9/base ", "https", "X").expect("url");
        assert_eq!(url.as_str(), "http://127.0.0.1:9/base");
        for bad in ["ftp://host", "http://", "a b", "https://[::1"] {
            let err = endpoint_url(bad, "https", "SOME_SETTING").expect_err(bad);
            assert!(err.message().contains("SOME_SETTING"), "{err}");
        }
    }

    #[test]
    fn shown_urls_drop_query_and_userinfo() {
        let url =
            reqwest::Url::parse("https://user:pw@host:1/path?token=SECRET#frag").expect("url");
        assert_eq!(display_url(&url), "https://host:1/path");
    }
}
