//! The `crypto` suite: SHA-256, HMAC-SHA256 and HMAC-SHA1 as oos-api computes them today
//! (RustCrypto `sha2`, `sha1`, `hmac`) against aws-lc-rs, which rustls already links; on the
//! inputs of a V3 signature (its canonical request and string to sign) and of an RPC one.
//!
//! Which `sha2` core runs depends on the build: by default `sha2` picks SHA-NI at run time
//! when the CPU has it and its portable Rust core otherwise; `--features sha-soft` forces the
//! portable core (what a CPU without SHA-NI gets); `--features sha-asm` turns on `sha2`'s
//! `asm` feature, whose fallback is `sha2-asm`'s assembly instead of the portable core, and
//! times that core directly as well.

use std::hint::black_box;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::harness::{compare, report, Case, Plan};
use crate::signing;

/// The SHA-256 core the `sha2` of this build uses, as far as the build and the CPU tell.
pub fn sha2_core() -> &'static str {
    let sha_ni = cpu_has_sha_ni();
    if cfg!(feature = "sha-soft") {
        "portable Rust core (feature sha-soft: sha2/force-soft)"
    } else if sha_ni {
        "SHA-NI, detected at run time"
    } else if cfg!(feature = "sha-asm") {
        "sha2-asm assembly (feature sha-asm; no SHA-NI on this CPU)"
    } else {
        "portable Rust core (no SHA-NI on this CPU)"
    }
}

/// Whether the CPU has the SHA extensions (`sha_ni` in /proc/cpuinfo).
pub fn cpu_has_sha_ni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The inputs: a V3 canonical request and its string to sign, an RPC string to sign, and
/// filler of the sizes a canonical request spans.
pub struct Inputs {
    /// The V3 canonical request of the typical `ListExecutionLogs` request.
    pub canonical_request: String,
    /// Its string to sign (`ACS3-HMAC-SHA256\n` + 64 hex digits).
    pub v3_string_to_sign: String,
    /// The RPC string to sign of the same request.
    pub rpc_string_to_sign: String,
    /// 300 bytes.
    pub small: Vec<u8>,
    /// 600 bytes.
    pub large: Vec<u8>,
}

impl Inputs {
    /// The inputs of the typical request of [`signing::typical_params`].
    pub fn new() -> Self {
        let params = signing::typical_params();
        let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let signed = signing::sign_v3(&params, signing::TIMESTAMP, signing::NONCE);
        let headers: Vec<(&str, &str)> = signed.headers[..signed.headers.len() - 1]
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        let (canonical_request, _) = oos_api::signing::acs3::canonical_request(
            "POST",
            "/",
            &pairs,
            &headers,
            oos_api::signing::acs3::EMPTY_PAYLOAD_SHA256,
        );
        let v3_string_to_sign = oos_api::signing::acs3::string_to_sign(&canonical_request);
        let mut rpc_pairs = pairs.clone();
        rpc_pairs.extend(signing::rpc_common_params(
            signing::TIMESTAMP,
            signing::NONCE,
        ));
        let rpc_string_to_sign = oos_api::signing::rpc::string_to_sign("POST", &rpc_pairs);
        let filler = |n: usize| (0..n).map(|i| b"abcdefghij\n"[i % 11]).collect::<Vec<u8>>();
        Self {
            canonical_request,
            v3_string_to_sign,
            rpc_string_to_sign,
            small: filler(300),
            large: filler(600),
        }
    }
}

impl Default for Inputs {
    fn default() -> Self {
        Self::new()
    }
}

/// SHA-256 with `sha2`.
pub fn sha256_sha2(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-256 with aws-lc-rs.
pub fn sha256_aws_lc(data: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// HMAC-SHA256 with `hmac` + `sha2`, keyed afresh as oos-api does per request.
pub fn hmac_sha256_rustcrypto(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 with aws-lc-rs, keyed afresh.
pub fn hmac_sha256_aws_lc(key: &[u8], data: &[u8]) -> [u8; 32] {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    let tag = aws_lc_rs::hmac::sign(&key, data);
    let mut out = [0; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// HMAC-SHA1 with `hmac` + `sha1`, keyed afresh.
pub fn hmac_sha1_rustcrypto(key: &[u8], data: &[u8]) -> [u8; 20] {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA1 with aws-lc-rs, keyed afresh.
pub fn hmac_sha1_aws_lc(key: &[u8], data: &[u8]) -> [u8; 20] {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    let tag = aws_lc_rs::hmac::sign(&key, data);
    let mut out = [0; 20];
    out.copy_from_slice(tag.as_ref());
    out
}

/// A SHA-256 and an HMAC-SHA256 implementation, for [`sign_v3_with`].
pub struct Backend {
    /// SHA-256 of the data.
    pub sha256: fn(&[u8]) -> [u8; 32],
    /// HMAC-SHA256 of the data (key, data).
    pub hmac_sha256: fn(&[u8], &[u8]) -> [u8; 32],
}

/// RustCrypto `sha2` + `hmac`, as oos-api uses them.
pub const RUSTCRYPTO: Backend = Backend {
    sha256: sha256_sha2,
    hmac_sha256: hmac_sha256_rustcrypto,
};

/// aws-lc-rs.
pub const AWS_LC: Backend = Backend {
    sha256: sha256_aws_lc,
    hmac_sha256: hmac_sha256_aws_lc,
};

/// The `Authorization` of the typical request, built with `oos_api::signing`'s canonical
/// request and `backend`'s hashing, the rest written the same way whatever the backend, so
/// that two backends compare on their cryptography alone.
pub fn sign_v3_with(backend: &Backend, params: &[(&'static str, String)]) -> String {
    let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let headers = [
        ("host", signing::HOST),
        ("x-acs-action", "ListExecutionLogs"),
        ("x-acs-version", "2019-06-01"),
        ("x-acs-date", signing::TIMESTAMP),
        ("x-acs-signature-nonce", signing::NONCE),
        (
            "x-acs-content-sha256",
            oos_api::signing::acs3::EMPTY_PAYLOAD_SHA256,
        ),
    ];
    let (canonical_request, signed_headers) = oos_api::signing::acs3::canonical_request(
        "POST",
        "/",
        &pairs,
        &headers,
        oos_api::signing::acs3::EMPTY_PAYLOAD_SHA256,
    );
    let mut string_to_sign = [0u8; 17 + 64];
    string_to_sign[..17].copy_from_slice(b"ACS3-HMAC-SHA256\n");
    hex::encode_to_slice(
        (backend.sha256)(canonical_request.as_bytes()),
        &mut string_to_sign[17..],
    )
    .expect("64 hex digits fit");
    let mut signature = [0u8; 64];
    hex::encode_to_slice(
        (backend.hmac_sha256)(signing::ACCESS_KEY_SECRET.as_bytes(), &string_to_sign),
        &mut signature,
    )
    .expect("64 hex digits fit");
    let signature = std::str::from_utf8(&signature).expect("hex is ASCII");
    oos_api::signing::acs3::authorization(signing::ACCESS_KEY_ID, &signed_headers, signature)
}

/// Runs the suite.
pub fn crypto() {
    let inputs = Inputs::new();
    println!("\n# 6. Hashing and HMAC: sha2/sha1/hmac (as oos-api today) vs aws-lc-rs (as rustls)");
    println!(
        "CPU SHA-NI: {}; sha2 core in this build: {}",
        if cpu_has_sha_ni() { "yes" } else { "no" },
        sha2_core()
    );
    let secret = signing::ACCESS_KEY_SECRET.as_bytes();
    let rpc_key = format!("{}&", signing::ACCESS_KEY_SECRET);
    let sha_inputs: [(&str, &[u8]); 3] = [
        (
            "the V3 canonical request",
            inputs.canonical_request.as_bytes(),
        ),
        ("300 bytes", &inputs.small),
        ("600 bytes", &inputs.large),
    ];
    for (name, data) in sha_inputs {
        let mut cases = vec![
            Case::new("sha2 Sha256::digest [baseline]", || {
                black_box(sha256_sha2(black_box(data)));
            }),
            Case::new("aws-lc-rs digest(SHA256)", || {
                black_box(sha256_aws_lc(black_box(data)));
            }),
        ];
        report(
            &format!("SHA-256 of {name} ({} bytes)", data.len()),
            &compare(Plan::CPU, &mut cases),
        );
    }
    let sts = inputs.v3_string_to_sign.as_bytes();
    let aws_key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    // Keying hashes the padded key twice; a client can do it once per credential and clone
    // the keyed state per request.
    let keyed = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    let mut cases = vec![
        Case::new("hmac + sha2, keyed per request [baseline]", || {
            black_box(hmac_sha256_rustcrypto(secret, black_box(sts)));
        }),
        Case::new("hmac + sha2, keyed state made once, cloned", || {
            let mut mac = keyed.clone();
            mac.update(black_box(sts));
            black_box(mac.finalize().into_bytes());
        }),
        Case::new("aws-lc-rs hmac, keyed per request", || {
            black_box(hmac_sha256_aws_lc(secret, black_box(sts)));
        }),
        Case::new("aws-lc-rs hmac, key made once", || {
            black_box(aws_lc_rs::hmac::sign(&aws_key, black_box(sts)));
        }),
    ];
    report(
        &format!(
            "HMAC-SHA256 of the V3 string to sign ({} bytes, {}-byte key)",
            sts.len(),
            secret.len()
        ),
        &compare(Plan::CPU, &mut cases),
    );
    let rpc = inputs.rpc_string_to_sign.as_bytes();
    let mut cases = vec![
        Case::new("hmac + sha1, keyed per request [baseline]", || {
            black_box(hmac_sha1_rustcrypto(rpc_key.as_bytes(), black_box(rpc)));
        }),
        Case::new("aws-lc-rs hmac SHA1, keyed per request", || {
            black_box(hmac_sha1_aws_lc(rpc_key.as_bytes(), black_box(rpc)));
        }),
    ];
    report(
        &format!("HMAC-SHA1 of the RPC string to sign ({} bytes)", rpc.len()),
        &compare(Plan::CPU, &mut cases),
    );
    compression(inputs.canonical_request.len());
    let params = signing::typical_params();
    let mut cases = vec![
        Case::new("V3, oos_api::signing as today [baseline]", || {
            black_box(signing::sign_v3(
                black_box(&params),
                signing::TIMESTAMP,
                signing::NONCE,
            ));
        }),
        Case::new("V3, same code, sha2 + hmac", || {
            black_box(sign_v3_with(&RUSTCRYPTO, black_box(&params)));
        }),
        Case::new("V3, same code, aws-lc-rs", || {
            black_box(sign_v3_with(&AWS_LC, black_box(&params)));
        }),
        Case::new("RPC, oos_api::signing as today", || {
            black_box(signing::sign_rpc(
                black_box(&params),
                signing::TIMESTAMP,
                signing::NONCE,
            ));
        }),
    ];
    report(
        "whole signature of the typical request (sha2 core as above)",
        &compare(Plan::CPU, &mut cases),
    );
}

/// The compression of as many 64-byte blocks as SHA-256 makes of `message_len` bytes, through
/// each core this build has.
fn compression(message_len: usize) {
    // The message, its 0x80 byte and its 8-byte length, in whole blocks.
    let n = (message_len + 9).div_ceil(64);
    let blocks = vec![sha2::digest::generic_array::GenericArray::from([7u8; 64]); n];
    let mut cases = vec![Case::new(
        "sha2::compress256 (core as above) [baseline]",
        || {
            let mut state = [0x6a09e667u32; 8];
            sha2::compress256(&mut state, black_box(&blocks));
            black_box(state);
        },
    )];
    #[cfg(feature = "sha-asm")]
    {
        let raw = vec![[7u8; 64]; n];
        cases.push(Case::new("sha2_asm::compress256", move || {
            let mut state = [0x6a09e667u32; 8];
            sha2_asm::compress256(&mut state, black_box(&raw));
            black_box(state);
        }));
    }
    report(
        &format!("SHA-256 compression of {n} blocks (a {message_len}-byte message)"),
        &compare(Plan::CPU, &mut cases),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_libraries_agree() {
        let inputs = Inputs::new();
        for data in [
            inputs.canonical_request.as_bytes(),
            &inputs.small,
            &inputs.large,
            b"",
        ] {
            assert_eq!(sha256_sha2(data), sha256_aws_lc(data));
        }
        let key = signing::ACCESS_KEY_SECRET.as_bytes();
        let sts = inputs.v3_string_to_sign.as_bytes();
        assert_eq!(
            hmac_sha256_rustcrypto(key, sts),
            hmac_sha256_aws_lc(key, sts)
        );
        let rpc = inputs.rpc_string_to_sign.as_bytes();
        assert_eq!(hmac_sha1_rustcrypto(key, rpc), hmac_sha1_aws_lc(key, rpc));
    }

    #[test]
    fn the_aws_lc_signature_is_the_signature() {
        let params = signing::typical_params();
        let (_, today) = signing::sign_v3(&params, signing::TIMESTAMP, signing::NONCE)
            .headers
            .pop()
            .expect("authorization");
        assert_eq!(sign_v3_with(&AWS_LC, &params), today);
        assert_eq!(sign_v3_with(&RUSTCRYPTO, &params), today);
    }

    #[test]
    fn the_inputs_are_the_sizes_of_a_signature() {
        let inputs = Inputs::new();
        assert!((300..=700).contains(&inputs.canonical_request.len()));
        assert_eq!(inputs.v3_string_to_sign.len(), 17 + 64);
        assert!(inputs.rpc_string_to_sign.len() > 200);
    }
}
