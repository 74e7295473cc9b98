//! The credentials contract, word for word, against the emulator: with only one source set
//! up in the process environment (the metadata service's endpoint; the three OIDC variables
//! and the STS endpoint; a RamRoleArn profile; a credentials URI), a client built with
//! `DefaultProvider::new()` signs its calls with what that source hands out, fetched once
//! for many concurrent calls.
//!
//! `DefaultProvider::new()` reads the process environment, so this binary has it to itself:
//! each test takes a lock, clears every Alibaba Cloud variable and `HOME` (the real home
//! directory is never read), sets its own, and puts everything back when done.

use std::ffi::OsString;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use oos_emulator::{Data, Emulator, RunningEmulator};
use oos_tests::fakes::{
    credentials_document, expiration_in, metadata, rpc_signature_matches, sts_answer, sts_error,
    FakeServer, Reply, Request, TempHome,
};
use serde_json::json;

const FETCHED_ID: &str = "STS.fetched";
const SECRET: &str = "fetched-secret";
const TOKEN: &str = "fetched/token+=";
const CONCURRENT_CALLS: usize = 16;

static ENVIRONMENT: Mutex<()> = Mutex::new(());

/// The process environment as it was, put back on drop, with the lock held meanwhile.
struct Environment {
    saved: Vec<(OsString, OsString)>,
    _lock: MutexGuard<'static, ()>,
}

impl Environment {
    /// Clears every credential-related variable and sets `vars`.
    fn only(vars: &[(&str, &str)]) -> Self {
        let lock = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
        let saved: Vec<_> = std::env::vars_os().collect();
        for (name, _) in &saved {
            let name = name.to_string_lossy();
            if ["ALIBABA_CLOUD_", "ALIBABACLOUD_", "ALICLOUD_"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || name == "HOME"
                || name == "USERPROFILE"
            {
                std::env::remove_var(name.as_ref());
            }
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
        Self { saved, _lock: lock }
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        for (name, _) in std::env::vars_os() {
            if !self.saved.iter().any(|(saved, _)| *saved == name) {
                std::env::remove_var(name);
            }
        }
        for (name, value) in &self.saved {
            std::env::set_var(name, value);
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn emulator() -> RunningEmulator {
    Emulator::builder()
        .data(Data::new().with_execution("exec-1", vec![json!({"Message": "hello"})]))
        .access_key_with_token(FETCHED_ID, SECRET, TOKEN)
        .start()
        .await
        .expect("the emulator starts")
}

/// The contract's code, then many concurrent calls with the same client.
async fn contract(url: String) -> Result<(), Box<dyn std::error::Error>> {
    use oos_api::credentials::DefaultProvider;
    use oos_api::{Client, Config};
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(DefaultProvider::new())
            .endpoint_url(url)
            .build(),
    );
    let calls: Vec<_> = (0..CONCURRENT_CALLS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await??;
    }
    let out = client
        .list_execution_logs()
        .execution_id("exec-1")
        .send()
        .await?;
    assert_eq!(out.execution_logs.map(|l| l.len()), Some(1));
    Ok(())
}

/// Every call reached the emulator signed with the fetched key (and token: the emulator
/// refuses a wrong or missing one) and succeeded.
fn assert_signed_with_fetched_credentials(emulator: &RunningEmulator) {
    let requests = emulator.requests();
    assert_eq!(requests.len(), CONCURRENT_CALLS + 1);
    for r in requests {
        assert_eq!(r.access_key_id.as_deref(), Some(FETCHED_ID), "{r:?}");
        assert_eq!(r.status, Some(200), "{r:?}");
        assert!(r.executed, "{r:?}");
    }
}

/// A fake that hands out the fetched credentials slowly enough for the calls to overlap.
fn slow(reply: Reply) -> Reply {
    reply.after(Duration::from_millis(100))
}

#[test]
fn only_the_metadata_service_endpoint() {
    let home = TempHome::new();
    runtime().block_on(async {
        let imds = FakeServer::start(|r: &Request| {
            slow(metadata("node-role", "imds-token", || {
                credentials_document(
                    FETCHED_ID,
                    SECRET,
                    TOKEN,
                    &expiration_in(Duration::from_secs(6 * 3600)),
                )
            })(r))
        })
        .await;
        let emulator = emulator().await;
        let _env = Environment::only(&[
            ("HOME", home.path()),
            ("ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT", &imds.url()),
        ]);
        contract(emulator.url()).await.expect("calls succeed");
        assert_signed_with_fetched_credentials(&emulator);
        let fetched: Vec<_> = imds
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            fetched,
            [
                "PUT /latest/api/token",
                "GET /latest/meta-data/ram/security-credentials/",
                "GET /latest/meta-data/ram/security-credentials/node-role",
            ]
        );
    });
}

/// An STS that answers with the fetched credentials, once the signature (if any) checks.
async fn sts(signing_secret: Option<&'static str>) -> FakeServer {
    FakeServer::start(move |r: &Request| {
        let signed = signing_secret.is_none_or(|secret| rpc_signature_matches(r, secret));
        slow(if signed {
            Reply::ok(sts_answer(
                FETCHED_ID,
                SECRET,
                TOKEN,
                &expiration_in(Duration::from_secs(3600)),
            ))
        } else {
            Reply::status(400, sts_error("SignatureDoesNotMatch", "bad signature"))
        })
    })
    .await
}

#[test]
fn only_the_oidc_variables_and_the_sts_endpoint() {
    let home = TempHome::new();
    let token_file = home.write("rrsa/token", "the-service-account-jwt");
    runtime().block_on(async {
        let sts = sts(None).await;
        let emulator = emulator().await;
        let _env = Environment::only(&[
            ("HOME", home.path()),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token_file),
            ("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url()),
        ]);
        contract(emulator.url()).await.expect("calls succeed");
        assert_signed_with_fetched_credentials(&emulator);
        let requests = sts.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].query("Action"), Some("AssumeRoleWithOIDC"));
        assert_eq!(
            requests[0].form("OIDCToken"),
            Some("the-service-account-jwt")
        );
    });
}

#[test]
fn only_a_ram_role_arn_profile() {
    let home = TempHome::new();
    runtime().block_on(async {
        let sts = sts(Some("profile-secret")).await;
        home.write(
            ".aliyun/config.json",
            &format!(
                r#"{{"current": "deploy", "profiles": [{{"name": "deploy", "mode": "RamRoleArn",
                    "access_key_id": "profile-id", "access_key_secret": "profile-secret",
                    "ram_role_arn": "acs:ram::1:role/deployer", "ram_session_name": "oos",
                    "sts_endpoint": "{}", "region_id": "cn-hangzhou"}}]}}"#,
                sts.url()
            ),
        );
        let emulator = emulator().await;
        let _env = Environment::only(&[("HOME", home.path())]);
        contract(emulator.url()).await.expect("calls succeed");
        assert_signed_with_fetched_credentials(&emulator);
        let requests = sts.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].query("Action"), Some("AssumeRole"));
        assert_eq!(requests[0].query("AccessKeyId"), Some("profile-id"));
    });
}

#[test]
fn only_a_credentials_uri() {
    let home = TempHome::new();
    runtime().block_on(async {
        let uri = FakeServer::start(|_: &Request| {
            slow(Reply::ok(credentials_document(
                FETCHED_ID,
                SECRET,
                TOKEN,
                &expiration_in(Duration::from_secs(3600)),
            )))
        })
        .await;
        let emulator = emulator().await;
        let url = format!("{}/credentials", uri.url());
        let _env = Environment::only(&[
            ("HOME", home.path()),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &url),
        ]);
        contract(emulator.url()).await.expect("calls succeed");
        assert_signed_with_fetched_credentials(&emulator);
        assert_eq!(uri.requests().len(), 1);
    });
}
