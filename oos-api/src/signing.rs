//! Alibaba Cloud request signing: the POP percent-encoding, the RPC signature 1.0
//! (HMAC-SHA1) and the V3 signature (ACS3-HMAC-SHA256).
//!
//! These are pure functions over strings so that they can be checked byte for byte against
//! published vectors; the client builds the request URL from [`canonical_query`] itself, so
//! what is signed is exactly what is sent.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but `A-Z a-z 0-9 - _ . ~` is encoded (RFC 3986 unreserved set), which is what
/// Alibaba's gateway recomputes; `application/x-www-form-urlencoded` rules (`+` for space,
/// `*` kept) would break signatures.
const POP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Like [`POP`] but keeps `/`, for resource paths.
const POP_PATH: &AsciiSet = &POP.remove(b'/');

/// POP percent-encoding: `A-Z a-z 0-9 - _ . ~` are kept, every other UTF-8 byte becomes
/// `%XX` with uppercase hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, POP).to_string()
}

/// POP percent-encoding for a path: as [`percent_encode`] but `/` is kept.
pub fn percent_encode_path(s: &str) -> String {
    utf8_percent_encode(s, POP_PATH).to_string()
}

/// The canonical query string: pairs sorted by name then value (byte order), both
/// percent-encoded with [`percent_encode`], written `name=value` and joined by `&`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    // Sized for the common case where little needs encoding; it is on every request's path.
    let mut out = String::with_capacity(params.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, POP));
        out.push('=');
        out.extend(utf8_percent_encode(value, POP));
    }
    out
}

/// The RPC signature, version 1.0 (`SignatureMethod=HMAC-SHA1`).
pub mod rpc {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha1::Sha1;

    use super::{canonical_query, percent_encode};

    /// `METHOD&%2F&` followed by the percent-encoded canonical query of `params`, which must
    /// not contain `Signature`.
    pub fn string_to_sign(method: &str, params: &[(&str, &str)]) -> String {
        string_to_sign_with_query(method, &canonical_query(params))
    }

    /// [`string_to_sign`] for a query already in canonical form.
    pub fn string_to_sign_with_query(method: &str, canonical_query: &str) -> String {
        format!("{method}&%2F&{}", percent_encode(canonical_query))
    }

    /// The signature of `string_to_sign`: base64 of HMAC-SHA1 keyed with the secret plus `&`.
    pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
        hmac_sha1_base64(&format!("{access_key_secret}&"), string_to_sign)
    }

    /// Base64 of HMAC-SHA1 of `data`, with `key` used exactly as given.
    pub fn hmac_sha1_base64(key: &str, data: &str) -> String {
        // HMAC accepts keys of any length, so this constructor cannot fail.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(data.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// The V3 signature, `ACS3-HMAC-SHA256`.
pub mod acs3 {
    use std::borrow::Cow;

    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    use super::canonical_query;

    /// The algorithm name, the first word of the `Authorization` header.
    pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

    /// [`hashed_payload`] of an empty body, which every RPC-style request has.
    pub const EMPTY_PAYLOAD_SHA256: &str =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// Lowercase hex SHA-256 of the request body (`x-acs-content-sha256`).
    pub fn hashed_payload(body: &[u8]) -> String {
        hex::encode(Sha256::digest(body))
    }

    fn is_signed_header(name: &str) -> bool {
        name == "host" || name == "content-type" || name.starts_with("x-acs-")
    }

    /// The canonical request and the signed-header list.
    ///
    /// `headers` are `(name, value)` pairs; names are lowercased and values trimmed. Only
    /// `host`, `content-type` and `x-acs-*` headers are signed, sorted by name.
    pub fn canonical_request(
        method: &str,
        canonical_uri: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        hashed_payload: &str,
    ) -> (String, String) {
        canonical_request_with_query(
            method,
            canonical_uri,
            &canonical_query(query),
            headers,
            hashed_payload,
        )
    }

    /// [`canonical_request`] for a query already in canonical form, so that a client that
    /// sends [`canonical_query`] as its URL's query builds it once.
    pub fn canonical_request_with_query(
        method: &str,
        canonical_uri: &str,
        canonical_query: &str,
        headers: &[(&str, &str)],
        hashed_payload: &str,
    ) -> (String, String) {
        // Names are usually lowercase already; only others are copied.
        let mut signed: Vec<(Cow<'_, str>, &str)> = headers
            .iter()
            .map(|(name, value)| {
                let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(name.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(*name)
                };
                (name, value.trim())
            })
            .filter(|(name, _)| is_signed_header(name))
            .collect();
        signed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut signed_headers =
            String::with_capacity(signed.iter().map(|(n, _)| n.len() + 1).sum());
        for (i, (name, _)) in signed.iter().enumerate() {
            if i > 0 {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
        }
        let headers_len: usize = signed.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let mut request = String::with_capacity(
            method.len()
                + canonical_uri.len()
                + canonical_query.len()
                + headers_len
                + signed_headers.len()
                + hashed_payload.len()
                + 8,
        );
        for part in [method, "\n", canonical_uri, "\n", canonical_query, "\n"] {
            request.push_str(part);
        }
        for (name, value) in &signed {
            request.push_str(name);
            request.push(':');
            request.push_str(value);
            request.push('\n');
        }
        for part in ["\n", signed_headers.as_str(), "\n", hashed_payload] {
            request.push_str(part);
        }
        (request, signed_headers)
    }

    /// Lowercase hex SHA-256 of the canonical request.
    pub fn hashed_canonical_request(canonical_request: &str) -> String {
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    }

    /// `ACS3-HMAC-SHA256\n` followed by [`hashed_canonical_request`].
    pub fn string_to_sign(canonical_request: &str) -> String {
        format!(
            "{ALGORITHM}\n{}",
            hashed_canonical_request(canonical_request)
        )
    }

    /// Lowercase hex HMAC-SHA256 of `string_to_sign`, keyed with the secret.
    pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
        // HMAC accepts keys of any length, so this constructor cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes()) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(string_to_sign.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The `Authorization` header value.
    pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
        format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
    }
}

/// A request ready to send: its method, its URL (query included), headers and body, signed.
#[derive(Debug)]
pub(crate) struct SignedRequest {
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Option<String>,
}

/// What one attempt signs.
pub(crate) struct Signing<'a> {
    pub(crate) signature: crate::config::SignatureMethod,
    pub(crate) method: crate::action::Method,
    pub(crate) action: &'a str,
    pub(crate) endpoint: &'a crate::endpoint::Endpoint,
    pub(crate) credentials: &'a crate::credentials::Credentials,
    pub(crate) params: &'a crate::params::Params,
    pub(crate) timestamp: &'a str,
    pub(crate) nonce: &'a str,
}

/// The `Content-Type` of a form body.
const FORM: &str = "application/x-www-form-urlencoded";

/// Signs one attempt. The query and form body are sent exactly as they were signed. Fails
/// only when a credential cannot be put in a header; the message never shows its value.
pub(crate) fn sign_request(s: &Signing<'_>) -> Result<SignedRequest, String> {
    use crate::action::Method;
    use crate::config::SignatureMethod;
    use crate::service;

    let mut query: Vec<(&str, &str)> = s.params.query_pairs().iter().collect();
    let form: Vec<(&str, &str)> = s.params.form_pairs().iter().collect();
    // A GET has no body: its form parameters travel in the query too.
    let (query_only, body) = match s.method {
        Method::Get => {
            query.extend(form.iter().copied());
            (true, None)
        }
        Method::Post if form.is_empty() => (true, None),
        Method::Post => (false, Some(canonical_query(&form))),
    };
    let mut headers: Vec<(&str, String)> = vec![("host", s.endpoint.host().to_owned())];
    let url_query = match s.signature {
        SignatureMethod::Acs3HmacSha256 => {
            let hashed_payload = match &body {
                Some(body) => std::borrow::Cow::Owned(acs3::hashed_payload(body.as_bytes())),
                None => std::borrow::Cow::Borrowed(acs3::EMPTY_PAYLOAD_SHA256),
            };
            headers.extend([
                ("x-acs-action", s.action.to_owned()),
                ("x-acs-version", service::API_VERSION.to_owned()),
                ("x-acs-date", s.timestamp.to_owned()),
                ("x-acs-signature-nonce", s.nonce.to_owned()),
                ("x-acs-content-sha256", hashed_payload.clone().into_owned()),
            ]);
            if body.is_some() {
                headers.push(("content-type", FORM.to_owned()));
            }
            if let Some(token) = s.credentials.security_token() {
                headers.push(("x-acs-security-token", token.to_owned()));
            }
            let signing_headers: Vec<(&str, &str)> =
                headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let url_query = canonical_query(&query);
            let (canonical_request, signed_headers) = acs3::canonical_request_with_query(
                s.method.as_str(),
                s.endpoint.canonical_uri(),
                &url_query,
                &signing_headers,
                &hashed_payload,
            );
            let signature = acs3::signature(
                s.credentials.access_key_secret(),
                &acs3::string_to_sign(&canonical_request),
            );
            let authorization =
                acs3::authorization(s.credentials.access_key_id(), &signed_headers, &signature);
            headers.push(("authorization", authorization));
            url_query
        }
        SignatureMethod::HmacSha1 => {
            query.extend([
                ("Action", s.action),
                ("Version", service::API_VERSION),
                ("Format", "JSON"),
                ("AccessKeyId", s.credentials.access_key_id()),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
                ("SignatureNonce", s.nonce),
                ("Timestamp", s.timestamp),
            ]);
            if let Some(token) = s.credentials.security_token() {
                query.push(("SecurityToken", token));
            }
            let mut url_query = canonical_query(&query);
            // The signature covers the body's parameters as well as the query's.
            let to_sign = if query_only {
                rpc::string_to_sign_with_query(s.method.as_str(), &url_query)
            } else {
                let mut all = query.clone();
                all.extend(form.iter().copied());
                rpc::string_to_sign(s.method.as_str(), &all)
            };
            let signature = rpc::signature(s.credentials.access_key_secret(), &to_sign);
            if body.is_some() {
                headers.push(("content-type", FORM.to_owned()));
            }
            // The gateway sorts what it receives, so the signature may simply come last.
            url_query.push_str("&Signature=");
            url_query.push_str(&percent_encode(&signature));
            url_query
        }
    };
    let mut header_map = reqwest::header::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let value = reqwest::header::HeaderValue::try_from(value).map_err(|_| match name {
            "x-acs-security-token" => {
                "the security token contains characters not allowed in an HTTP header".to_owned()
            }
            "authorization" => {
                "the AccessKey id contains characters not allowed in an HTTP header".to_owned()
            }
            _ => format!("the {name} header value is not valid"),
        })?;
        header_map.insert(reqwest::header::HeaderName::from_static(name), value);
    }
    Ok(SignedRequest {
        method: match s.method {
            Method::Post => reqwest::Method::POST,
            Method::Get => reqwest::Method::GET,
        },
        url: s.endpoint.url_with_query(&url_query),
        headers: header_map,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(percent_encode(" *+/=&%"), "%20%2A%2B%2F%3D%26%25");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode_path("/a b/"), "/a%20b/");
    }

    #[test]
    fn canonical_query_sorts_by_name_then_value() {
        let q = canonical_query(&[("b", "2"), ("a", "z"), ("a", "y"), ("B", "1")]);
        assert_eq!(q, "B=1&a=y&a=z&b=2");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn unsigned_headers_are_left_out() {
        let (request, signed) = acs3::canonical_request(
            "POST",
            "/",
            &[],
            &[
                ("User-Agent", "x"),
                ("X-Acs-Date", " d "),
                ("Host", "h"),
                ("content-type", "t"),
            ],
            "p",
        );
        assert_eq!(signed, "content-type;host;x-acs-date");
        assert_eq!(
            request,
            "POST\n/\n\ncontent-type:t\nhost:h\nx-acs-date:d\n\ncontent-type;host;x-acs-date\np"
        );
    }

    mod requests {
        use std::collections::BTreeMap;

        use percent_encoding::percent_decode_str;

        use crate::action::Method;
        use crate::config::{Config, SignatureMethod};
        use crate::credentials::Credentials;
        use crate::endpoint::Endpoint;
        use crate::params::Params;
        use crate::signing::{
            acs3, canonical_query, percent_encode, rpc, sign_request, SignedRequest, Signing,
        };

        const TS: &str = "2026-01-02T03:04:05Z";
        const NONCE: &str = "0123456789abcdef0123456789abcdef";

        fn endpoint() -> Endpoint {
            Endpoint::resolve(&Config::builder().region("cn-hangzhou").build()).expect("endpoint")
        }

        fn params(form: bool) -> Params {
            let mut p = Params::new();
            p.query().set("ExecutionId", "exec-1 *~/".to_owned());
            p.query().set("MaxResults", "50".to_owned());
            if form {
                p.form().set("Content", "{\"a\": 1} & more".to_owned());
            }
            p
        }

        fn sign(
            method: SignatureMethod,
            http: Method,
            creds: &Credentials,
            params: &Params,
        ) -> Result<SignedRequest, String> {
            sign_request(&Signing {
                signature: method,
                method: http,
                action: "ListExecutionLogs",
                endpoint: &endpoint(),
                credentials: creds,
                params,
                timestamp: TS,
                nonce: NONCE,
            })
        }

        /// Pairs as a server decodes them from a query or a form body.
        fn decoded(text: &str) -> Vec<(String, String)> {
            let decode = |s: &str| {
                percent_decode_str(s)
                    .decode_utf8()
                    .expect("utf-8")
                    .into_owned()
            };
            text.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').expect("k=v");
                    (decode(k), decode(v))
                })
                .collect()
        }

        fn header<'a>(r: &'a SignedRequest, name: &str) -> Option<&'a str> {
            r.headers
                .get(name)
                .map(|v| v.to_str().expect("ascii header"))
        }

        /// Recomputes a V3 signature from what is on the wire only, as the gateway does.
        fn v3_verifies(r: &SignedRequest, secret: &str) {
            let query = decoded(r.url.query().unwrap_or(""));
            let query: Vec<(&str, &str)> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let headers: Vec<(&str, &str)> = r
                .headers
                .iter()
                .filter(|(n, _)| n.as_str() != "authorization")
                .map(|(n, v)| (n.as_str(), v.to_str().expect("ascii")))
                .collect();
            let body = r.body.as_deref().unwrap_or("");
            assert_eq!(
                header(r, "x-acs-content-sha256"),
                Some(acs3::hashed_payload(body.as_bytes()).as_str())
            );
            let (canonical, signed) = acs3::canonical_request(
                r.method.as_str(),
                r.url.path(),
                &query,
                &headers,
                &acs3::hashed_payload(body.as_bytes()),
            );
            let authorization = header(r, "authorization").expect("signed");
            let id = authorization
                .split("Credential=")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .expect("credential");
            let expected = acs3::authorization(
                id,
                &signed,
                &acs3::signature(secret, &acs3::string_to_sign(&canonical)),
            );
            assert_eq!(authorization, expected);
        }

        #[test]
        fn v3_request_verifies_as_a_server_would() {
            let creds = Credentials::with_security_token("AKID", "secret", "TOKEN");
            let r = sign(
                SignatureMethod::Acs3HmacSha256,
                Method::Post,
                &creds,
                &params(false),
            )
            .expect("signed");
            assert_eq!(r.method, reqwest::Method::POST);
            assert_eq!(r.url.path(), "/");
            assert_eq!(
                r.url.query(),
                Some("ExecutionId=exec-1%20%2A~%2F&MaxResults=50")
            );
            assert_eq!(header(&r, "host"), Some("oos.cn-hangzhou.aliyuncs.com"));
            assert_eq!(header(&r, "x-acs-action"), Some("ListExecutionLogs"));
            assert_eq!(header(&r, "x-acs-version"), Some("2019-06-01"));
            assert_eq!(header(&r, "x-acs-date"), Some(TS));
            assert_eq!(header(&r, "x-acs-signature-nonce"), Some(NONCE));
            assert_eq!(header(&r, "x-acs-security-token"), Some("TOKEN"));
            assert!(r.body.is_none() && header(&r, "content-type").is_none());
            assert!(header(&r, "authorization").unwrap().contains(
                "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,"
            ));
            v3_verifies(&r, "secret");
            assert!(!r.url.as_str().contains("TOKEN"));
        }

        #[test]
        fn v3_form_parameters_travel_in_a_signed_body() {
            let creds = Credentials::new("AKID", "secret");
            let r = sign(
                SignatureMethod::Acs3HmacSha256,
                Method::Post,
                &creds,
                &params(true),
            )
            .expect("signed");
            assert_eq!(
                r.body.as_deref(),
                Some("Content=%7B%22a%22%3A%201%7D%20%26%20more")
            );
            assert_eq!(
                header(&r, "content-type"),
                Some("application/x-www-form-urlencoded")
            );
            assert!(
                !r.url.as_str().contains("Content"),
                "form parameters are not in the query"
            );
            assert_ne!(
                header(&r, "x-acs-content-sha256"),
                Some(acs3::EMPTY_PAYLOAD_SHA256)
            );
            assert!(header(&r, "authorization")
                .unwrap()
                .contains("SignedHeaders=content-type;host;"));
            v3_verifies(&r, "secret");
        }

        #[test]
        fn a_get_sends_every_parameter_in_the_query() {
            let creds = Credentials::new("AKID", "secret");
            let r = sign(
                SignatureMethod::Acs3HmacSha256,
                Method::Get,
                &creds,
                &params(true),
            )
            .expect("signed");
            assert_eq!(r.method, reqwest::Method::GET);
            assert!(r.body.is_none());
            let query: BTreeMap<String, String> =
                decoded(r.url.query().unwrap()).into_iter().collect();
            assert_eq!(query["Content"], "{\"a\": 1} & more");
            v3_verifies(&r, "secret");
            let r = sign(
                SignatureMethod::HmacSha1,
                Method::Get,
                &creds,
                &params(true),
            )
            .expect("signed");
            let query: Vec<(String, String)> = decoded(r.url.query().unwrap());
            let unsigned: Vec<(&str, &str)> = query
                .iter()
                .filter(|(k, _)| k != "Signature")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signature = rpc::signature("secret", &rpc::string_to_sign("GET", &unsigned));
            assert!(query
                .iter()
                .any(|(k, v)| k == "Signature" && *v == signature));
        }

        #[test]
        fn rpc_request_verifies_as_a_server_would() {
            let creds = Credentials::with_security_token("AKID", "secret", "TOK+/=");
            let r = sign(
                SignatureMethod::HmacSha1,
                Method::Post,
                &creds,
                &params(false),
            )
            .expect("signed");
            assert_eq!(header(&r, "host"), Some("oos.cn-hangzhou.aliyuncs.com"));
            assert!(header(&r, "authorization").is_none());
            let query: BTreeMap<String, String> =
                decoded(r.url.query().unwrap()).into_iter().collect();
            let expect = |k: &str| query.get(k).map(String::as_str);
            assert_eq!(expect("Action"), Some("ListExecutionLogs"));
            assert_eq!(expect("Version"), Some("2019-06-01"));
            assert_eq!(expect("Format"), Some("JSON"));
            assert_eq!(expect("AccessKeyId"), Some("AKID"));
            assert_eq!(expect("SignatureMethod"), Some("HMAC-SHA1"));
            assert_eq!(expect("SignatureVersion"), Some("1.0"));
            assert_eq!(expect("SignatureNonce"), Some(NONCE));
            assert_eq!(expect("Timestamp"), Some(TS));
            assert_eq!(expect("SecurityToken"), Some("TOK+/="));
            assert_eq!(expect("ExecutionId"), Some("exec-1 *~/"));
            let unsigned: Vec<(&str, &str)> = query
                .iter()
                .filter(|(k, _)| *k != "Signature")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signature = rpc::signature("secret", &rpc::string_to_sign("POST", &unsigned));
            assert_eq!(expect("Signature"), Some(signature.as_str()));
            // The URL is the canonical query that was signed, then the signature.
            let sent = format!(
                "{}&Signature={}",
                canonical_query(&unsigned),
                percent_encode(&signature)
            );
            assert_eq!(r.url.query(), Some(sent.as_str()));
        }

        #[test]
        fn rpc_signs_the_body_parameters_too() {
            let creds = Credentials::new("AKID", "secret");
            let r = sign(
                SignatureMethod::HmacSha1,
                Method::Post,
                &creds,
                &params(true),
            )
            .expect("signed");
            let body = r.body.clone().expect("a form body");
            assert_eq!(
                header(&r, "content-type"),
                Some("application/x-www-form-urlencoded")
            );
            let query = decoded(r.url.query().unwrap());
            let mut all: Vec<(String, String)> = query
                .iter()
                .filter(|(k, _)| k != "Signature")
                .cloned()
                .collect();
            all.extend(decoded(&body));
            let all: Vec<(&str, &str)> =
                all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let signature = rpc::signature("secret", &rpc::string_to_sign("POST", &all));
            assert!(
                query
                    .iter()
                    .any(|(k, v)| k == "Signature" && *v == signature),
                "the signature covers query and body"
            );
            assert!(!query.iter().any(|(k, _)| k == "Content"));
        }

        #[test]
        fn bad_token_is_refused_without_showing_it() {
            let creds = Credentials::with_security_token("AKID", "secret", "bad\ntokenvalue");
            let err = sign(
                SignatureMethod::Acs3HmacSha256,
                Method::Post,
                &creds,
                &Params::new(),
            )
            .expect_err("newline in header");
            assert!(
                err.contains("security token") && !err.contains("tokenvalue"),
                "{err}"
            );
        }
    }
}
