//! Where requests go: the region's public or VPC endpoint, or an explicit URL.

use reqwest::header::HeaderValue;
use reqwest::Url;

use crate::config::Config;
use crate::service;

/// A resolved endpoint: the URL without query, the `host` header value, and the path signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    url: Url,
    host: String,
    /// `host` as a header value, made once: cloning it shares its bytes.
    host_value: HeaderValue,
    canonical_uri: String,
}

impl Endpoint {
    /// Resolves the endpoint from the configuration; the message says what to fix.
    pub(crate) fn resolve(config: &Config) -> Result<Self, String> {
        if let Some(explicit) = config.endpoint_url() {
            return Self::parse(explicit);
        }
        let region = config.region().ok_or_else(|| {
            "no region is configured: set one with Config::builder().region(..) or \
             ALIBABA_CLOUD_REGION_ID, or give an endpoint_url"
                .to_owned()
        })?;
        // A region id is a DNS label; anything else would redirect requests elsewhere.
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(format!("region id {region:?} is not valid"));
        }
        let host = if config.use_vpc_endpoint() {
            service::VPC_ENDPOINT.replace("{region}", region)
        } else {
            match service::REGIONAL_ENDPOINTS
                .iter()
                .find(|(r, _)| *r == region)
            {
                Some((_, host)) => (*host).to_owned(),
                None => service::ENDPOINT.replace("{region}", region),
            }
        };
        Self::parse(&format!("https://{host}"))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let url =
            Url::parse(text).map_err(|e| format!("endpoint URL {text:?} is not valid: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("endpoint URL {text:?} must be http or https"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "endpoint URL {text:?} must have no query or fragment"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("endpoint URL {text:?} must not carry user info"));
        }
        let host_name = url
            .host_str()
            .ok_or_else(|| format!("endpoint URL {text:?} has no host"))?;
        // `port()` is None for the scheme's default port, which is also what HTTP clients
        // leave out of the Host header they send.
        let host = match url.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        let canonical_uri = url.path().to_owned();
        // A parsed URL's host is ASCII without controls, so this only guards against a
        // parser that would one day let something else through.
        let host_value = HeaderValue::from_str(&host)
            .map_err(|_| format!("endpoint URL {text:?} has a host that cannot be sent"))?;
        Ok(Self {
            url,
            host,
            host_value,
            canonical_uri,
        })
    }

    /// The `host` header value, as signed and sent.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// [`host`](Self::host) as a header value.
    pub(crate) fn host_value(&self) -> &HeaderValue {
        &self.host_value
    }

    /// The path as signed (`/` for the service's endpoints).
    pub(crate) fn canonical_uri(&self) -> &str {
        &self.canonical_uri
    }

    /// The request URL carrying `canonical_query` verbatim, so what is sent is what was signed.
    pub(crate) fn url_with_query(&self, canonical_query: &str) -> Url {
        let mut url = self.url.clone();
        // The query is already POP-encoded (only unreserved characters and %XX), which the URL
        // parser leaves untouched.
        url.set_query((!canonical_query.is_empty()).then_some(canonical_query));
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::canonical_query;

    fn resolve(builder: crate::config::ConfigBuilder) -> Result<Endpoint, String> {
        Endpoint::resolve(&builder.build())
    }

    #[test]
    fn public_and_vpc_endpoints() {
        let e = resolve(Config::builder().region("cn-hangzhou")).expect("public");
        assert_eq!(e.url.as_str(), "https://oos.cn-hangzhou.aliyuncs.com/");
        assert_eq!(e.host(), "oos.cn-hangzhou.aliyuncs.com");
        assert_eq!(e.canonical_uri(), "/");

        let e = resolve(
            Config::builder()
                .region("cn-hangzhou")
                .use_vpc_endpoint(true),
        )
        .expect("vpc");
        assert_eq!(e.host(), "oos-vpc.cn-hangzhou.aliyuncs.com");
    }

    #[test]
    fn explicit_endpoint_wins_and_needs_no_region() {
        let e = resolve(
            Config::builder()
                .region("cn-hangzhou")
                .endpoint_url("http://127.0.0.1:8080"),
        )
        .expect("url");
        assert_eq!(e.host(), "127.0.0.1:8080");
        assert_eq!(e.url.as_str(), "http://127.0.0.1:8080/");

        let e = resolve(Config::builder().endpoint_url("https://oos.example.com:443/"))
            .expect("default port");
        assert_eq!(e.host(), "oos.example.com");

        let e = resolve(Config::builder().endpoint_url("http://[::1]:9000/oos")).expect("ipv6");
        assert_eq!(e.host(), "[::1]:9000");
        assert_eq!(e.canonical_uri(), "/oos");
    }

    #[test]
    fn bad_configuration_is_explained() {
        let err = resolve(Config::builder()).expect_err("no region");
        assert!(err.contains("no region"), "{err}");
        assert!(resolve(Config::builder().region("evil.com/x")).is_err());
        assert!(resolve(Config::builder().endpoint_url("not a url")).is_err());
        assert!(resolve(Config::builder().endpoint_url("ftp://x")).is_err());
        assert!(resolve(Config::builder().endpoint_url("http://x/?a=b")).is_err());
        assert!(resolve(Config::builder().endpoint_url("http://u:p@x/")).is_err());
    }

    #[test]
    fn url_carries_the_signed_query_verbatim() {
        let e = resolve(Config::builder().region("cn-hangzhou")).expect("public");
        let q = canonical_query(&[
            ("Name", "a b*c~'\"<>#?&=/中"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY="),
        ]);
        let url = e.url_with_query(&q);
        assert_eq!(url.query(), Some(q.as_str()));
        assert_eq!(
            url.as_str(),
            format!("https://oos.cn-hangzhou.aliyuncs.com/?{q}")
        );
        assert_eq!(
            e.url_with_query("").as_str(),
            "https://oos.cn-hangzhou.aliyuncs.com/"
        );
    }
}
