//! What the fuzz targets share: the repository's spec files, and the input formats of
//! `response_parsing` and `emulator_request` (also written by `examples/make_seeds.rs`).

use std::path::{Path, PathBuf};

use codegen::model::Service;
use oos_api::signing::{acs3, canonical_query, rpc};
use percent_encoding::percent_decode_str;

/// The repository root (the parent of `fuzz/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

/// `spec/oos/service.yaml`, parsed.
pub fn oos_service() -> Service {
    let path = root().join("spec/oos/service.yaml");
    let text = std::fs::read_to_string(&path).expect("spec/oos/service.yaml");
    codegen::load::parse_service(&path, &text).expect("spec/oos/service.yaml loads")
}

// ---------------------------------------------------------------------------------------
// response_parsing: one byte choosing the action, the status (big-endian u16), the body.

/// The actions `response_parsing` interprets answers for, by the input's first byte.
pub const RESPONSE_ACTIONS: [&str; 3] = ["ListExecutionLogs", "StartExecution", "ListExecutions"];

/// Encodes one `response_parsing` input.
pub fn response_input(action: usize, status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = vec![action as u8];
    out.extend_from_slice(&status.to_be_bytes());
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------
// emulator_request: an HTTP/1-like text.
//
//     [SIGN-V3 |SIGN-RPC ]METHOD URI
//     name: value
//     ...
//     (empty line)
//     body bytes
//
// With a `SIGN-` prefix the request is signed (again) before it is checked, with the key
// the emulator's fuzz entry accepts, so that mutations of signed parts still verify and
// reach the actions.

/// A request as `oos_emulator::check_request` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How an input asks to be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    No,
    V3,
    Rpc,
}

/// Reads one `emulator_request` input; `None` when its head is not UTF-8 or has no request
/// line.
pub fn parse_request(data: &[u8]) -> Option<(Sign, RawRequest)> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let mut line = lines.next()?;
    let sign = if let Some(rest) = line.strip_prefix("SIGN-V3 ") {
        line = rest;
        Sign::V3
    } else if let Some(rest) = line.strip_prefix("SIGN-RPC ") {
        line = rest;
        Sign::Rpc
    } else {
        Sign::No
    };
    let (method, uri) = line.split_once(' ')?;
    let headers = lines
        .map(|l| match l.split_once(':') {
            Some((n, v)) => (n.to_owned(), v.strip_prefix(' ').unwrap_or(v).to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect();
    Some((
        sign,
        RawRequest {
            method: method.to_owned(),
            uri: uri.to_owned(),
            headers,
            body: body.to_vec(),
        },
    ))
}

/// Writes a request in the `emulator_request` format.
pub fn format_request(sign: Sign, request: &RawRequest) -> Vec<u8> {
    let prefix = match sign {
        Sign::No => "",
        Sign::V3 => "SIGN-V3 ",
        Sign::Rpc => "SIGN-RPC ",
    };
    let mut out = format!("{prefix}{} {}\n", request.method, request.uri);
    for (n, v) in &request.headers {
        out.push_str(&format!("{n}: {v}\n"));
    }
    out.push('\n');
    let mut out = out.into_bytes();
    out.extend_from_slice(&request.body);
    out
}

/// Decodes a query as the emulator does (`+` is a space, bad UTF-8 is replaced).
fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    encoded
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect()
}

fn header<'a>(request: &'a RawRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn secret_of(id: &str) -> &'static str {
    let (sts_id, sts_secret, _) = oos_emulator::FUZZ_STS_KEY;
    if id == sts_id {
        sts_secret
    } else {
        oos_emulator::DEFAULT_ACCESS_KEY_SECRET
    }
}

/// Signs `request` as asked, replacing any signature it carries (and, for V3, setting
/// `x-acs-content-sha256` to the body's hash).
pub fn sign(sign: Sign, request: &mut RawRequest) {
    let (path, query) = request
        .uri
        .split_once('?')
        .unwrap_or((request.uri.as_str(), ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    match sign {
        Sign::No => {}
        Sign::V3 => {
            // The body's hash is set too: a mutated hash would only ever be refused.
            let payload = acs3::hashed_payload(&request.body);
            request.headers.retain(|(n, _)| {
                !n.eq_ignore_ascii_case("authorization")
                    && !n.eq_ignore_ascii_case("x-acs-content-sha256")
            });
            request
                .headers
                .push(("x-acs-content-sha256".to_owned(), payload.clone()));
            let id = if header(request, "x-acs-security-token").is_some() {
                oos_emulator::FUZZ_STS_KEY.0
            } else {
                oos_emulator::DEFAULT_ACCESS_KEY_ID
            };
            let pairs = decode_pairs(&query);
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let lower: Vec<(String, &str)> = request
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.as_str()))
                .collect();
            let headers: Vec<(&str, &str)> = lower.iter().map(|(n, v)| (n.as_str(), *v)).collect();
            let path = if path.is_empty() { "/" } else { path.as_str() };
            let (canonical, signed) =
                acs3::canonical_request(&request.method, path, &pairs, &headers, &payload);
            let signature = acs3::signature(secret_of(id), &acs3::string_to_sign(&canonical));
            request.headers.push((
                "authorization".to_owned(),
                acs3::authorization(id, &signed, &signature),
            ));
        }
        Sign::Rpc => {
            let mut query_pairs = decode_pairs(&query);
            query_pairs.retain(|(n, _)| n != "Signature");
            let form = header(request, "content-type").is_some_and(|ct| {
                ct.split(';').next().is_some_and(|m| {
                    m.trim()
                        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                })
            });
            let form_pairs = if form {
                decode_pairs(&String::from_utf8_lossy(&request.body))
            } else {
                Vec::new()
            };
            let all: Vec<(&str, &str)> = query_pairs
                .iter()
                .chain(&form_pairs)
                .filter(|(n, _)| n != "Signature")
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let id = all
                .iter()
                .find(|(n, _)| *n == "AccessKeyId")
                .map_or("", |(_, v)| *v);
            let signature =
                rpc::signature(secret_of(id), &rpc::string_to_sign(&request.method, &all));
            let mut pairs: Vec<(&str, &str)> = query_pairs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            pairs.push(("Signature", &signature));
            request.uri = format!("{path}?{}", canonical_query(&pairs));
        }
    }
}
