//! Alibaba Cloud request signing: the POP percent-encoding, the RPC signature 1.0
//! (HMAC-SHA1) and the V3 signature (ACS3-HMAC-SHA256).
//!
//! These are pure functions over strings so that they can be checked byte for byte against
//! published vectors; the client builds the request URL from [`canonical_query`] itself, so
//! what is signed is exactly what is sent.

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};

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
    let mut sorted = params.to_vec();
    sort_pairs(&mut sorted);
    canonical_query_sorted(&sorted)
}

/// Sorts pairs by name then value, in byte order (which is how `str` compares).
fn sort_pairs(pairs: &mut [(&str, &str)]) {
    // Equal pairs are interchangeable, so an unstable sort gives the stable one's bytes.
    pairs.sort_unstable();
}

/// [`canonical_query`] of pairs already sorted by [`sort_pairs`].
fn canonical_query_sorted(sorted: &[(&str, &str)]) -> String {
    // Sized for the common case where little needs encoding (a token's `==` becomes
    // `%3D%3D`), so that the string is not grown on every request's path.
    let plain: usize = sorted.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(plain + plain / 8);
    for (i, (name, value)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, POP));
        out.push('=');
        out.extend(utf8_percent_encode(value, POP));
    }
    out
}

/// Lowercase hex of `N / 2` bytes, kept on the stack: digests, signatures and nonces are
/// encoded on every request, and a `String` each would be an allocation each.
#[derive(Clone, Copy)]
pub(crate) struct Hex<const N: usize>([u8; N]);

impl<const N: usize> Hex<N> {
    /// `bytes` must be `N / 2` long, which every caller fixes by its types.
    pub(crate) fn encode(bytes: &[u8]) -> Self {
        let mut out = [0; N];
        // Fails only when the lengths disagree, which the callers' array types rule out.
        let Ok(()) = hex::encode_to_slice(bytes, &mut out) else {
            unreachable!("{} bytes do not make {N} hex digits", bytes.len())
        };
        Self(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Hex digits are ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
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
        let encoded = percent_encode(canonical_query);
        let mut out = String::with_capacity(method.len() + 5 + encoded.len());
        for part in [method, "&%2F&", &encoded] {
            out.push_str(part);
        }
        out
    }

    /// The signature of `string_to_sign`: base64 of HMAC-SHA1 keyed with the secret plus `&`.
    pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
        let mut key = String::with_capacity(access_key_secret.len() + 1);
        key.push_str(access_key_secret);
        key.push('&');
        hmac_sha1_base64(&key, string_to_sign)
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
    use std::fmt;

    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    use super::{canonical_query, Hex};

    /// The algorithm name, the first word of the `Authorization` header.
    pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

    /// [`hashed_payload`] of an empty body, which every RPC-style request has.
    pub const EMPTY_PAYLOAD_SHA256: &str =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// SHA-256 by aws-lc-rs, which rustls already links: as fast as `sha2` on CPUs with the
    /// SHA extensions and faster on those without (its assembly picks AVX2, AVX or SSSE3).
    pub(crate) fn sha256_hex(data: &[u8]) -> Hex<64> {
        Hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data).as_ref())
    }

    /// Lowercase hex SHA-256 of the request body (`x-acs-content-sha256`).
    pub fn hashed_payload(body: &[u8]) -> String {
        sha256_hex(body).as_str().to_owned()
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
        let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (n.as_ref(), *v)).collect();
        let mut signed_headers = String::with_capacity(signed_headers_len(&signed));
        push_signed_headers(&mut signed_headers, &signed);
        let request = build_canonical_request(
            method,
            canonical_uri,
            canonical_query,
            &signed,
            &signed_headers,
            hashed_payload,
        );
        (request, signed_headers)
    }

    /// The length of the signed-header list of `signed`.
    pub(crate) fn signed_headers_len(signed: &[(&str, &str)]) -> usize {
        signed
            .iter()
            .map(|(n, _)| n.len() + 1)
            .sum::<usize>()
            .saturating_sub(1)
    }

    /// Appends the signed-header list: the names of `signed`, joined by `;`.
    pub(crate) fn push_signed_headers(out: &mut String, signed: &[(&str, &str)]) {
        for (i, (name, _)) in signed.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(name);
        }
    }

    /// The canonical request, from headers already lowercased, trimmed, filtered and sorted;
    /// what [`canonical_request_with_query`] and the client's own signing both write.
    pub(crate) fn build_canonical_request(
        method: &str,
        canonical_uri: &str,
        canonical_query: &str,
        signed: &[(&str, &str)],
        signed_headers: &str,
        hashed_payload: &str,
    ) -> String {
        let headers_len: usize = signed.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let mut request = String::with_capacity(
            method.len()
                + canonical_uri.len()
                + canonical_query.len()
                + headers_len
                + signed_headers.len()
                + hashed_payload.len()
                + 5,
        );
        for part in [method, "\n", canonical_uri, "\n", canonical_query, "\n"] {
            request.push_str(part);
        }
        for (name, value) in signed {
            for part in [*name, ":", value, "\n"] {
                request.push_str(part);
            }
        }
        for part in ["\n", signed_headers, "\n", hashed_payload] {
            request.push_str(part);
        }
        request
    }

    /// Lowercase hex SHA-256 of the canonical request.
    pub fn hashed_canonical_request(canonical_request: &str) -> String {
        sha256_hex(canonical_request.as_bytes()).as_str().to_owned()
    }

    /// `ACS3-HMAC-SHA256\n` followed by [`hashed_canonical_request`].
    pub fn string_to_sign(canonical_request: &str) -> String {
        let hashed = sha256_hex(canonical_request.as_bytes());
        let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
        for part in [ALGORITHM, "\n", hashed.as_str()] {
            out.push_str(part);
        }
        out
    }

    /// Lowercase hex HMAC-SHA256 of `string_to_sign`, keyed with the secret.
    pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
        SigningKey::new(access_key_secret)
            .signature(string_to_sign)
            .as_str()
            .to_owned()
    }

    /// The `Authorization` header value.
    pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
        let mut out = String::with_capacity(
            authorization_len(access_key_id, signed_headers.len()) - 64 + signature.len(),
        );
        push_authorization_head(&mut out, access_key_id);
        out.push_str(signed_headers);
        push_authorization_tail(&mut out, signature);
        out
    }

    /// The length of an `Authorization` value with a signed-header list `signed_headers_len`
    /// long (and a 64-digit signature).
    pub(crate) fn authorization_len(access_key_id: &str, signed_headers_len: usize) -> usize {
        ALGORITHM.len() + 12 + access_key_id.len() + 15 + signed_headers_len + 11 + 64
    }

    /// `ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=`: what precedes the signed headers.
    pub(crate) fn push_authorization_head(out: &mut String, access_key_id: &str) {
        for part in [ALGORITHM, " Credential=", access_key_id, ",SignedHeaders="] {
            out.push_str(part);
        }
    }

    /// `,Signature=SIGNATURE`: what follows the signed headers.
    pub(crate) fn push_authorization_tail(out: &mut String, signature: &str) {
        out.push_str(",Signature=");
        out.push_str(signature);
    }

    /// An AccessKey secret made ready to sign with: HMAC's key schedule (two of the five
    /// SHA-256 blocks of a V3 signature) is done once per secret instead of once per request.
    #[derive(Clone)]
    pub struct SigningKey {
        mac: Hmac<Sha256>,
    }

    impl SigningKey {
        /// Prepares `access_key_secret`.
        pub fn new(access_key_secret: &str) -> Self {
            // HMAC accepts keys of any length, so this constructor cannot fail.
            let Ok(mac) = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes()) else {
                unreachable!("HMAC takes keys of any length")
            };
            Self { mac }
        }

        /// [`signature`] of `string_to_sign` with this key.
        pub fn signature(&self, string_to_sign: &str) -> SignatureHex {
            self.hmac(&[string_to_sign.as_bytes()])
        }

        /// The signature of a canonical request: its hash, the string to sign and the HMAC,
        /// with nothing allocated.
        pub fn sign_canonical_request(&self, canonical_request: &str) -> SignatureHex {
            let hashed = sha256_hex(canonical_request.as_bytes());
            self.hmac(&[ALGORITHM.as_bytes(), b"\n", hashed.as_str().as_bytes()])
        }

        fn hmac(&self, parts: &[&[u8]]) -> SignatureHex {
            let mut mac = self.mac.clone();
            for part in parts {
                mac.update(part);
            }
            SignatureHex(Hex::encode(&mac.finalize().into_bytes()))
        }
    }

    impl fmt::Debug for SigningKey {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("SigningKey(** redacted **)")
        }
    }

    /// A V3 signature: 64 lowercase hex digits, kept on the stack.
    #[derive(Clone, Copy)]
    pub struct SignatureHex(Hex<64>);

    impl SignatureHex {
        /// The signature's text.
        pub fn as_str(&self) -> &str {
            self.0.as_str()
        }
    }

    impl fmt::Debug for SignatureHex {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self.as_str(), f)
        }
    }
}

/// A request ready to send: its method, its URL (query included), headers and body, signed.
#[derive(Debug)]
pub(crate) struct SignedRequest {
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<String>,
}

/// What one attempt signs.
pub(crate) struct Signing<'a> {
    pub(crate) signature: crate::config::SignatureMethod,
    pub(crate) method: crate::action::Method,
    pub(crate) action: &'static str,
    pub(crate) endpoint: &'a crate::endpoint::Endpoint,
    pub(crate) credentials: &'a crate::credentials::Credentials,
    /// The V3 key of `credentials`' secret, prepared once; unused by RPC signing.
    pub(crate) key: Option<&'a acs3::SigningKey>,
    pub(crate) params: &'a crate::params::Params,
    pub(crate) timestamp: &'a str,
    pub(crate) nonce: &'a str,
}

/// The `Content-Type` of a form body.
const FORM: &str = "application/x-www-form-urlencoded";

// Names made at compile time: `from_static` checks its argument, which a `const` does once.
const X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
const X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
const X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
const X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
const X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
const X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

// Values known at compile time, checked there rather than on every request.
const FORM_VALUE: HeaderValue = HeaderValue::from_static(FORM);
const EMPTY_PAYLOAD_VALUE: HeaderValue = HeaderValue::from_static(acs3::EMPTY_PAYLOAD_SHA256);
const VERSION_VALUE: HeaderValue = HeaderValue::from_static(crate::service::API_VERSION);

/// The headers reqwest adds to every request of the client (`user-agent`, `accept`), so that
/// the map is sized for them too and never grows.
const CLIENT_DEFAULT_HEADERS: usize = 2;

/// A header value from a string that lives as long as the program, without copying it.
fn static_value(value: &'static str, what: &str) -> Result<HeaderValue, String> {
    // Checked once, by `from_maybe_shared`, and not copied: `from_static` would check it a
    // second time after the check needed to keep it from panicking.
    HeaderValue::from_maybe_shared(Bytes::from_static(value.as_bytes()))
        .map_err(|_| format!("the {what} header value is not valid"))
}

fn value(value: &str, what: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value).map_err(|_| format!("the {what} header value is not valid"))
}

/// Signs one attempt. The query and form body are sent exactly as they were signed. Fails
/// only when a credential cannot be put in a header; the message never shows its value.
pub(crate) fn sign_request(s: &Signing<'_>) -> Result<SignedRequest, String> {
    use crate::action::Method;
    use crate::config::SignatureMethod;

    let (query, form, body) = pairs(s);
    let (url_query, headers) = match s.signature {
        SignatureMethod::Acs3HmacSha256 => sign_v3(s, query, body.as_deref())?,
        SignatureMethod::HmacSha1 => sign_rpc(s, query, &form, body.is_some()),
    };
    Ok(SignedRequest {
        method: match s.method {
            Method::Post => reqwest::Method::POST,
            Method::Get => reqwest::Method::GET,
        },
        url: s.endpoint.url_with_query(&url_query),
        headers,
        body,
    })
}

/// The query's pairs, the form's, and the form body (a GET has none: its form parameters
/// travel in the query too).
type Pairs<'a> = Vec<(&'a str, &'a str)>;

fn pairs<'a>(s: &Signing<'a>) -> (Pairs<'a>, Pairs<'a>, Option<String>) {
    use crate::action::Method;

    let mut query: Pairs<'a> = s.params.query_pairs().iter().collect();
    let mut form: Pairs<'a> = s.params.form_pairs().iter().collect();
    let body = match s.method {
        Method::Get => {
            query.append(&mut form);
            None
        }
        Method::Post if form.is_empty() => None,
        Method::Post => Some(canonical_query(&form)),
    };
    (query, form, body)
}

/// What V3 signing makes for one attempt before it becomes headers: the query to send, the
/// body's hash, and one buffer holding the `Authorization` value, the date, the nonce and the
/// token, with where each ends.
pub(crate) struct V3Signature {
    url_query: String,
    payload_hash: Option<Hex<64>>,
    values: Bytes,
    ends: [usize; 4],
}

/// The V3 signature of one attempt without its header map and URL; for benchmarks, which
/// time the signing apart from the parts a bare HTTP call has too.
pub(crate) fn v3_signature_only(s: &Signing<'_>) -> V3Signature {
    let (query, _, body) = pairs(s);
    v3_signature(s, query, body.as_deref())
}

/// The V3 query and headers.
fn sign_v3<'a>(
    s: &Signing<'a>,
    query: Vec<(&'a str, &'a str)>,
    body: Option<&str>,
) -> Result<(String, HeaderMap), String> {
    let V3Signature {
        url_query,
        payload_hash,
        values,
        ends,
    } = v3_signature(s, query, body);
    let part = |i: usize| {
        let start = if i == 0 { 0 } else { ends[i - 1] };
        HeaderValue::from_maybe_shared(values.slice(start..ends[i]))
    };
    let authorization = part(0).map_err(|_| {
        "the AccessKey id contains characters not allowed in an HTTP header".to_owned()
    })?;

    let mut headers = HeaderMap::with_capacity(8 + CLIENT_DEFAULT_HEADERS);
    if body.is_some() {
        headers.insert(CONTENT_TYPE, FORM_VALUE);
    }
    headers.insert(HOST, s.endpoint.host_value().clone());
    headers.insert(X_ACS_ACTION, static_value(s.action, "x-acs-action")?);
    let payload_hash = match &payload_hash {
        Some(hash) => value(hash.as_str(), "x-acs-content-sha256")?,
        None => EMPTY_PAYLOAD_VALUE,
    };
    headers.insert(X_ACS_CONTENT_SHA256, payload_hash);
    let invalid = |what: &str| format!("the {what} header value is not valid");
    headers.insert(X_ACS_DATE, part(1).map_err(|_| invalid("x-acs-date"))?);
    if s.credentials.security_token().is_some() {
        let token = part(3).map_err(|_| {
            "the security token contains characters not allowed in an HTTP header".to_owned()
        })?;
        headers.insert(X_ACS_SECURITY_TOKEN, token);
    }
    headers.insert(
        X_ACS_SIGNATURE_NONCE,
        part(2).map_err(|_| invalid("x-acs-signature-nonce"))?,
    );
    headers.insert(X_ACS_VERSION, VERSION_VALUE);
    headers.insert(AUTHORIZATION, authorization);
    Ok((url_query, headers))
}

/// Everything is written once, in the order the canonical request wants it, so nothing is
/// sorted, lowercased or copied per header.
fn v3_signature<'a>(
    s: &Signing<'a>,
    mut query: Vec<(&'a str, &'a str)>,
    body: Option<&str>,
) -> V3Signature {
    sort_pairs(&mut query);
    let url_query = canonical_query_sorted(&query);
    let body_hash = body.map(|body| acs3::sha256_hex(body.as_bytes()));
    let payload_hash = body_hash
        .as_ref()
        .map_or(acs3::EMPTY_PAYLOAD_SHA256, Hex::as_str);
    let token = s.credentials.security_token();
    // Sorted by name, as the canonical request lists them.
    let entries = [
        ("content-type", body.map(|_| FORM)),
        ("host", Some(s.endpoint.host())),
        ("x-acs-action", Some(s.action)),
        ("x-acs-content-sha256", Some(payload_hash)),
        ("x-acs-date", Some(s.timestamp)),
        // The token is the caller's, trimmed as `canonical_request_with_query` trims values.
        ("x-acs-security-token", token.map(str::trim)),
        ("x-acs-signature-nonce", Some(s.nonce)),
        ("x-acs-version", Some(crate::service::API_VERSION)),
    ];
    let mut signed = [("", ""); 8];
    let mut count = 0;
    for (name, value) in entries {
        if let Some(value) = value {
            signed[count] = (name, value);
            count += 1;
        }
    }
    let signed = &signed[..count];
    debug_assert!(signed.windows(2).all(|w| w[0].0 < w[1].0));
    // The other values are this crate's own, without surrounding blanks.
    debug_assert!(signed
        .iter()
        .all(|(n, v)| *n == "x-acs-security-token" || v.trim() == *v));

    // Every value made for this request goes into one buffer: the `Authorization` value
    // (whose signed-header list the canonical request borrows), the date, the nonce and the
    // token. reqwest clones the header map into the request it sends, and cloning a value
    // that owns its buffer allocates to share it; slices of one buffer share it once.
    let access_key_id = s.credentials.access_key_id();
    let authorization_len =
        acs3::authorization_len(access_key_id, acs3::signed_headers_len(signed));
    let mut text = String::with_capacity(
        authorization_len + s.timestamp.len() + s.nonce.len() + token.map_or(0, str::len),
    );
    acs3::push_authorization_head(&mut text, access_key_id);
    let list_start = text.len();
    acs3::push_signed_headers(&mut text, signed);
    let canonical_request = acs3::build_canonical_request(
        s.method.as_str(),
        s.endpoint.canonical_uri(),
        &url_query,
        signed,
        &text[list_start..],
        payload_hash,
    );
    let signature = match s.key {
        Some(key) => key.sign_canonical_request(&canonical_request),
        None => acs3::SigningKey::new(s.credentials.access_key_secret())
            .sign_canonical_request(&canonical_request),
    };
    acs3::push_authorization_tail(&mut text, signature.as_str());
    let mut ends = [0; 4];
    for (end, part) in ends
        .iter_mut()
        .zip([s.timestamp, s.nonce, token.unwrap_or("")])
    {
        *end = text.len();
        text.push_str(part);
    }
    ends[3] = text.len();
    V3Signature {
        url_query,
        payload_hash: body_hash,
        values: Bytes::from(text.into_bytes()),
        ends,
    }
}

/// The RPC query (signature last) and headers. Unlike V3 it cannot fail: the credentials
/// travel percent-encoded in the query, never in a header.
fn sign_rpc<'a>(
    s: &Signing<'a>,
    mut query: Vec<(&'a str, &'a str)>,
    form: &[(&str, &str)],
    has_body: bool,
) -> (String, HeaderMap) {
    query.extend([
        ("Action", s.action),
        ("Version", crate::service::API_VERSION),
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
    sort_pairs(&mut query);
    let mut url_query = canonical_query_sorted(&query);
    // The signature covers the body's parameters as well as the query's.
    let to_sign = if has_body {
        let mut all = query.clone();
        all.extend_from_slice(form);
        rpc::string_to_sign(s.method.as_str(), &all)
    } else {
        rpc::string_to_sign_with_query(s.method.as_str(), &url_query)
    };
    let signature = rpc::signature(s.credentials.access_key_secret(), &to_sign);
    // The gateway sorts what it receives, so the signature may simply come last.
    url_query.push_str("&Signature=");
    url_query.extend(utf8_percent_encode(&signature, POP));
    let mut headers = HeaderMap::with_capacity(2 + CLIENT_DEFAULT_HEADERS);
    headers.insert(HOST, s.endpoint.host_value().clone());
    if has_body {
        headers.insert(CONTENT_TYPE, FORM_VALUE);
    }
    (url_query, headers)
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
                key: None,
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

        /// Recomputes an RPC signature from what is on the wire only, as the gateway does:
        /// over every parameter of the query and the form body but `Signature`, which must
        /// be sent once. Returns it.
        fn rpc_verifies(r: &SignedRequest, secret: &str) -> String {
            let query = decoded(r.url.query().unwrap_or(""));
            let body = decoded(r.body.as_deref().unwrap_or(""));
            let (sent, unsigned): (Vec<_>, Vec<_>) = query
                .iter()
                .chain(&body)
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .partition(|(k, _)| *k == "Signature");
            let expected =
                rpc::signature(secret, &rpc::string_to_sign(r.method.as_str(), &unsigned));
            assert_eq!(sent, [("Signature", expected.as_str())]);
            expected
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
            assert!(r.body.is_none());
            rpc_verifies(&r, "secret");
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
            let signature = rpc_verifies(&r, "secret");
            let unsigned: Vec<(&str, &str)> = query
                .iter()
                .filter(|(k, _)| *k != "Signature")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
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
            let body = r.body.as_deref().expect("a form body");
            assert_eq!(
                header(&r, "content-type"),
                Some("application/x-www-form-urlencoded")
            );
            assert!(decoded(body).iter().any(|(k, _)| k == "Content"));
            let query = decoded(r.url.query().unwrap());
            assert!(!query.iter().any(|(k, _)| k == "Content"));
            // The signature covers query and body.
            rpc_verifies(&r, "secret");
        }

        #[test]
        fn a_prepared_key_signs_as_the_secret_does() {
            let creds = Credentials::with_security_token("AKID", "secret", "TOKEN");
            let key = acs3::SigningKey::new("secret");
            for form in [false, true] {
                let params = params(form);
                let with_key = sign_request(&Signing {
                    signature: SignatureMethod::Acs3HmacSha256,
                    method: Method::Post,
                    action: "ListExecutionLogs",
                    endpoint: &endpoint(),
                    credentials: &creds,
                    key: Some(&key),
                    params: &params,
                    timestamp: TS,
                    nonce: NONCE,
                })
                .expect("signed");
                let without = sign(
                    SignatureMethod::Acs3HmacSha256,
                    Method::Post,
                    &creds,
                    &params,
                )
                .expect("signed");
                assert_eq!(with_key.headers, without.headers);
                assert_eq!(with_key.url, without.url);
                v3_verifies(&with_key, "secret");
            }
            let to_sign = "ACS3-HMAC-SHA256\nabc";
            assert_eq!(
                key.signature(to_sign).as_str(),
                acs3::signature("secret", to_sign)
            );
            assert!(!format!("{key:?}").contains("secret"));
        }

        #[test]
        fn a_token_is_sent_as_given_and_signed_trimmed() {
            let creds = Credentials::with_security_token("AKID", "secret", " TOKEN\t");
            let r = sign(
                SignatureMethod::Acs3HmacSha256,
                Method::Post,
                &creds,
                &params(false),
            )
            .expect("signed");
            assert_eq!(header(&r, "x-acs-security-token"), Some(" TOKEN\t"));
            v3_verifies(&r, "secret");
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
