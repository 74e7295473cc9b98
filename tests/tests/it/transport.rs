//! The user's transport, against the emulator: a `reqwest::Client` of the caller's own (here
//! through a loopback forward proxy) carries every call and every credentials fetch; a client
//! for another region shares the cached credentials; one request overrides timeouts and
//! retries; errors answer `code()`, `message()` and `request_id()`. And the issue's contract,
//! verbatim.

use std::error::Error as _;
use std::time::Duration;

use oos_api::config::ConfigOverride;
use oos_api::credentials::{
    AssumeRoleProvider, CredentialsUriProvider, DefaultProvider, EcsRamRoleProvider,
    OidcRoleArnProvider,
};
use oos_api::{Client, Config, Credentials, Error, ProvideCredentials, RetryPolicy};
use oos_emulator::{Emulator, Fault, FaultRule, RunningEmulator};
use oos_tests::fakes::{
    credentials_document, env, expiration_in, metadata, sts_answer, FakeServer, Reply, TempHome,
};
use oos_tests::proxy::ForwardProxy;

fn proxied(proxy: &ForwardProxy) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(proxy.url()).expect("proxy URL"))
        .build()
        .expect("client")
}

/// An emulator that accepts the STS credentials `uri-id`, and a credentials URI (any path)
/// that hands them out.
async fn emulator_and_credentials_uri() -> (RunningEmulator, FakeServer) {
    let emulator = Emulator::builder()
        .access_key_with_token("uri-id", "uri-secret", "uri-token")
        .start()
        .await
        .expect("emulator");
    let uri = FakeServer::start(|_| {
        Reply::ok(credentials_document(
            "uri-id",
            "uri-secret",
            "uri-token",
            &expiration_in(Duration::from_secs(3600)),
        ))
    })
    .await;
    (emulator, uri)
}

/// The contract of the issue that asked for the user's transport, secrets out of `Debug` and
/// errors that answer, as a downstream crate writes it; kept verbatim.
#[rustfmt::skip]
async fn contract(
    proxy: &str,
    addr: std::net::SocketAddr,
) -> Result<(), Box<dyn std::error::Error>> {
let http = reqwest::Client::builder().proxy(reqwest::Proxy::http(proxy)?).build()?;
let client = Client::new(Config::builder().region("cn-hangzhou")
    .credentials(Credentials::new("testid", "testsecret"))
    .endpoint_url(format!("http://{addr}")).http_client(http).build());
client.list_templates().send().await?;                       // through the proxy
client.list_tag_resources().resource_type("template").send().await?;   // RegionId from the client
let secret = "hunter2-0123456789-secret";
let builder = client.create_secret_parameter().name("bar11-s").value(secret);
assert!(!format!("{builder:?}").contains(secret));
assert!(!format!("{:?}", builder.input()).contains(secret));
builder.send().await?;
let got = client.get_secret_parameter().name("bar11-s").with_decryption(true).send().await?;
assert_eq!(got.parameter.as_ref().and_then(|p| p.value.as_deref()), Some(secret));
assert!(!format!("{got:?}").contains(secret));
let err = client.get_parameter().name("bar11-missing").send().await.unwrap_err();
assert_eq!(err.code(), Some("EntityNotExists.Parameter"));
assert!(err.request_id().is_some() && err.message().is_some());
if let Err(oos_api::Error::Construction(e)) = client.list_executions().status("Paused").send().await {
    panic!("refused before sending: {e}");
}
Ok(())
}

#[tokio::test]
async fn the_contract_holds_through_a_forward_proxy() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let proxy = ForwardProxy::start().await;
    if let Err(e) = contract(&proxy.url(), emulator.addr()).await {
        panic!("{e}: {:?}", e.source());
    }
    // Six calls, every one through the proxy.
    assert_eq!(proxy.forwarded(), 6, "{:?}", proxy.seen());
    assert_eq!(emulator.request_count(), 6);
}

#[tokio::test]
async fn the_given_client_carries_every_call_and_errors_answer() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let proxy = ForwardProxy::start().await;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint_url(emulator.url())
            .http_client(proxied(&proxy))
            .build(),
    );
    client.list_templates().send().await.expect("ListTemplates");
    client
        .create_parameter()
        .name("through-proxy")
        .value("v")
        .type_("String")
        .send()
        .await
        .expect("CreateParameter");
    let err = client
        .get_parameter()
        .name("bar11-missing")
        .send()
        .await
        .expect_err("missing");
    assert_eq!(err.code(), Some("EntityNotExists.Parameter"));
    assert!(
        err.request_id().is_some() && err.message().is_some(),
        "{err:?}"
    );
    // The service's text is the source's, shown once by a chain printer.
    let source = err.source().expect("a source").to_string();
    assert!(source.contains("EntityNotExists.Parameter"), "{source}");
    assert!(!err.to_string().contains("EntityNotExists"), "{err}");
    assert_eq!(proxy.forwarded(), 3, "{:?}", proxy.seen());
    assert_eq!(emulator.request_count(), 3);

    // A proxy whose origin refuses it answers 502 with a text body of its own.
    let to_nothing = ForwardProxy::start().await;
    let unreachable = oos_tests::fakes::refused_url();
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint_url(unreachable)
            .retry_policy(RetryPolicy::disabled())
            .http_client(proxied(&to_nothing))
            .build(),
    );
    let err = client.list_templates().send().await.expect_err("refused");
    // An unreadable answer, not a service error: no code.
    assert!(
        matches!(err, Error::Response { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), None);
    assert_eq!(to_nothing.seen(), ["POST /"]);
    assert_eq!(to_nothing.forwarded(), 0);
}

#[tokio::test]
async fn credentials_are_fetched_with_the_given_client_and_shared_across_regions() {
    let (emulator, uri) = emulator_and_credentials_uri().await;
    let proxy = ForwardProxy::start().await;
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(CredentialsUriProvider::new(&format!("{}/creds", uri.url())))
        .endpoint_url(emulator.url())
        .http_client(proxied(&proxy))
        .build();
    let hangzhou = Client::new(config.clone());
    hangzhou.list_templates().send().await.expect("hangzhou");
    let shanghai = hangzhou.with_region("cn-shanghai");
    assert_eq!(shanghai.config().region(), Some("cn-shanghai"));
    shanghai.list_templates().send().await.expect("shanghai");
    let beijing = Client::new(config.to_builder().region("cn-beijing").build());
    beijing.list_templates().send().await.expect("beijing");
    hangzhou
        .list_templates()
        .send()
        .await
        .expect("hangzhou again");

    // One fetch for the three clients, and it went through the proxy too.
    assert_eq!(uri.count("GET", "/creds"), 1);
    assert_eq!(proxy.forwarded(), 5, "{:?}", proxy.seen());
    assert!(proxy.seen().contains(&"GET /creds".to_owned()));
    let key_ids: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.access_key_id.clone())
        .collect();
    assert_eq!(key_ids, vec![Some("uri-id".to_owned()); 4]);
}

#[tokio::test]
async fn one_request_overrides_timeouts_and_retries() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint_url(emulator.url())
            .retry_policy(
                RetryPolicy::standard()
                    .max_attempts(3)
                    .initial_backoff(Duration::from_millis(1)),
            )
            .build(),
    );
    let slow = || {
        emulator.faults().add(
            FaultRule::new(Fault::Slow(Duration::from_millis(400)))
                .for_action("ListTemplates")
                .times(1),
        )
    };

    // The request's own attempt timeout and no retries: one attempt, then its timeout.
    slow();
    let err = client
        .list_templates()
        .config_override(
            ConfigOverride::new()
                .attempt_timeout(Duration::from_millis(50))
                .retry_policy(RetryPolicy::disabled()),
        )
        .send()
        .await
        .expect_err("times out");
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(50)),
        "{err:?}"
    );
    // The same fault without the override: the client's 30 s limit lets the slow answer in.
    slow();
    client
        .list_templates()
        .send()
        .await
        .expect("slow but in time");

    // Retries alone overridden: a 503 is final for this request, retried for the others.
    let unavailable = || {
        emulator.faults().add(
            FaultRule::new(Fault::ServerError(503))
                .for_action("ListTemplates")
                .times(1),
        )
    };
    unavailable();
    let before = emulator.request_count();
    let err = client
        .list_templates()
        .config_override(ConfigOverride::new().retry_policy(RetryPolicy::disabled()))
        .send()
        .await
        .expect_err("not retried");
    assert_eq!(err.code(), Some("ServiceUnavailable"), "{err:?}");
    assert_eq!(emulator.request_count(), before + 1);
    unavailable();
    client.list_templates().send().await.expect("retried");
    assert_eq!(emulator.request_count(), before + 3);
    assert_eq!(
        client.config().attempt_timeout(),
        Some(Duration::from_secs(30))
    );
}

/// Through the default chain and its cache, and through a CLI profile whose source is made
/// anew at each fetch, the given client reaches the provider that fetches.
#[tokio::test]
async fn the_given_client_reaches_fetching_providers_inside_chains_and_profiles() {
    let (emulator, uri) = emulator_and_credentials_uri().await;
    let home = TempHome::new();
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "p", "profiles": [{{"name": "p", "mode": "CredentialsURI",
                "credentials_uri": "{}/profile"}}]}}"#,
            uri.url()
        ),
    );
    let through_uri_variable = DefaultProvider::from_env_lookup(env(&[
        ("HOME", "/nonexistent"),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
        (
            "ALIBABA_CLOUD_CREDENTIALS_URI",
            &format!("{}/variable", uri.url()),
        ),
    ]));
    let through_profile = DefaultProvider::from_env_lookup(env(&[
        ("HOME", home.path()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    ]));
    for (provider, path) in [
        (through_uri_variable, "/variable"),
        (through_profile, "/profile"),
    ] {
        let proxy = ForwardProxy::start().await;
        let client = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(provider)
                .endpoint_url(emulator.url())
                .http_client(proxied(&proxy))
                .build(),
        );
        client.list_templates().send().await.expect("a call");
        assert_eq!(uri.count("GET", path), 1);
        assert_eq!(
            proxy.seen(),
            [format!("GET {path}"), "POST /".to_owned()],
            "{path}"
        );
    }
}

/// The providers that fetch on their own (the ECS metadata service; STS for a role assumed
/// from a fetching source; STS with an OIDC token) fetch through the given client: every
/// request their services see went through the proxy.
#[tokio::test]
async fn ecs_sts_and_oidc_providers_fetch_with_the_given_client() {
    let emulator = Emulator::builder()
        .access_key_with_token("STS.id", "sts-secret", "sts-token")
        .start()
        .await
        .expect("emulator");
    let home = TempHome::new();
    let token_file = home.write("token", "oidc-token");
    let hour = Duration::from_secs(3600);
    for case in ["ecs", "assume role from ecs", "oidc"] {
        let document =
            credentials_document("STS.id", "sts-secret", "sts-token", &expiration_in(hour));
        let imds = FakeServer::start(metadata("r", "imds-token", move || document.clone())).await;
        let sts = FakeServer::start(move |_| {
            Reply::ok(sts_answer(
                "STS.id",
                "sts-secret",
                "sts-token",
                &expiration_in(hour),
            ))
        })
        .await;
        let ecs = || {
            EcsRamRoleProvider::from_env_lookup(env(&[(
                "ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT",
                &imds.url(),
            )]))
        };
        let sts_env = env(&[("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url())]);
        let provider: Box<dyn ProvideCredentials> = match case {
            "ecs" => Box::new(ecs()),
            "assume role from ecs" => {
                Box::new(AssumeRoleProvider::new(ecs(), "r").env_lookup(sts_env))
            }
            _ => Box::new(OidcRoleArnProvider::new("r", "p", &token_file).env_lookup(sts_env)),
        };
        let proxy = ForwardProxy::start().await;
        let client = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(provider)
                .endpoint_url(emulator.url())
                .http_client(proxied(&proxy))
                .build(),
        );
        client.list_templates().send().await.expect(case);
        let fetched = imds.requests().len() + sts.requests().len();
        let expected = match case {
            "ecs" => (true, false),
            "assume role from ecs" => (true, true),
            _ => (false, true),
        };
        assert_eq!(
            (!imds.requests().is_empty(), !sts.requests().is_empty()),
            expected,
            "{case}"
        );
        // The fetches and the call, each seen and forwarded by the proxy.
        let seen = proxy.seen();
        assert_eq!(seen.len(), fetched + 1, "{case}: {seen:?}");
        assert_eq!(proxy.forwarded(), fetched + 1, "{case}: {seen:?}");
        assert_eq!(seen.last().map(String::as_str), Some("POST /"), "{case}");
    }
}
