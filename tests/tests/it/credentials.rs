//! Every credentials provider against loopback fakes of the metadata service, STS and a
//! credentials URI: the wire protocol, bad documents, refresh and single flight, and the
//! default chain's order and its stop/continue rules. Nothing here reads the process
//! environment or the real home directory, and nothing leaves 127.0.0.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oos_api::credentials::{
    AssumeRoleProvider, CredentialsErrorKind, CredentialsFileProvider, CredentialsUriProvider,
    DefaultProvider, EcsRamRoleProvider, OidcRoleArnProvider, ProfileProvider,
};
use oos_api::{Credentials, CredentialsError, ProvideCredentials};
use oos_tests::fakes::{
    credentials_document, env, expiration_in, metadata, refused_url, rpc_signature_matches,
    sts_answer, sts_error, FakeServer, Reply, Request, TempHome, TestClock,
};

const ENDPOINT: &str = "ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT";
const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);
const CREDS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

fn id(result: Result<Credentials, CredentialsError>) -> String {
    result.expect("credentials").access_key_id().to_owned()
}

/// A metadata service for role `role` whose documents are numbered `STS.ecs-1`, `-2`, … and
/// expire an hour after `clock`.
async fn numbered_metadata(clock: &TestClock) -> FakeServer {
    let n = AtomicUsize::new(0);
    let clock = clock.clone();
    FakeServer::start(metadata("role", "tok", move || {
        let i = n.fetch_add(1, Ordering::SeqCst) + 1;
        credentials_document(
            &format!("STS.ecs-{i}"),
            "ecs-secret",
            &format!("ecs-token-{i}"),
            &clock.expiration_in(HOUR),
        )
    }))
    .await
}

// ---------------------------------------------------------------------------------------
// ECS metadata service

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_discovers_the_role_once_and_reuses_its_token() {
    let clock = TestClock::new();
    let imds = numbered_metadata(&clock).await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())]))
        .with_clock(clock.source());

    let first = p.provide().await.expect("credentials");
    assert_eq!(first.access_key_id(), "STS.ecs-1");
    assert_eq!(first.access_key_secret(), "ecs-secret");
    assert_eq!(first.security_token(), Some("ecs-token-1"));
    // Cached: no request at all.
    assert_eq!(id(p.provide().await), "STS.ecs-1");
    assert_eq!(imds.requests().len(), 3);

    // In the refresh window (the last 15 minutes): one new fetch, same token, same role.
    clock.advance(50 * MINUTE);
    assert_eq!(id(p.provide().await), "STS.ecs-2");
    assert_eq!(imds.count("PUT", "/latest/api/token"), 1);
    assert_eq!(imds.count("GET", CREDS_PATH), 1);
    assert_eq!(imds.count("GET", &format!("{CREDS_PATH}role")), 2);

    let put = &imds.requests()[0];
    assert_eq!(
        put.header("x-aliyun-ecs-metadata-token-ttl-seconds"),
        Some("21600")
    );
    for get in imds.requests().iter().filter(|r| r.method == "GET") {
        assert_eq!(get.header("x-aliyun-ecs-metadata-token"), Some("tok"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_role_from_the_environment_is_not_discovered() {
    let imds = FakeServer::start(metadata("named", "tok", || {
        credentials_document("STS.n", "s", "t", &expiration_in(HOUR))
    }))
    .await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[
        (ENDPOINT, &imds.url()),
        ("ALIBABA_CLOUD_ECS_METADATA", "named"),
    ]));
    assert_eq!(id(p.provide().await), "STS.n");
    assert_eq!(imds.count("GET", CREDS_PATH), 0);

    let p = EcsRamRoleProvider::from_env_lookup(env(&[]))
        .endpoint(&imds.url())
        .role_name("named");
    assert_eq!(id(p.provide().await), "STS.n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_falls_back_to_imdsv1_when_the_token_is_refused() {
    let imds = FakeServer::start(|r: &Request| match r.method.as_str() {
        "PUT" => Reply::status(404, "no v2 here"),
        _ if r.path == CREDS_PATH => Reply::ok("role"),
        _ => Reply::ok(credentials_document(
            "STS.v1",
            "s",
            "t",
            &expiration_in(HOUR),
        )),
    })
    .await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())]));
    assert_eq!(id(p.provide().await), "STS.v1");
    let gets: Vec<_> = imds
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 2);
    assert!(gets
        .iter()
        .all(|r| r.header("x-aliyun-ecs-metadata-token").is_none()));

    // With IMDSv1 disabled, a refused token is the end of it.
    let p = EcsRamRoleProvider::from_env_lookup(env(&[
        (ENDPOINT, &imds.url()),
        ("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"),
    ]));
    let before = imds.requests().len();
    let err = p.provide().await.expect_err("v2 only");
    assert!(
        err.message().contains("HTTP 404")
            && err.message().contains("ALIBABA_CLOUD_IMDSV1_DISABLED"),
        "{err}"
    );
    assert_eq!(imds.requests().len(), before + 1, "only the token request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_retries_without_a_token_the_service_refuses() {
    let imds = FakeServer::start(|r: &Request| {
        match (r.method.as_str(), r.header("x-aliyun-ecs-metadata-token")) {
            ("PUT", _) => Reply::ok("tok"),
            (_, Some(_)) => Reply::status(401, "token refused"),
            (_, None) => Reply::ok(credentials_document(
                "STS.v1",
                "s",
                "t",
                &expiration_in(HOUR),
            )),
        }
    })
    .await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[
        (ENDPOINT, &imds.url()),
        ("ALIBABA_CLOUD_ECS_METADATA", "role"),
    ]));
    assert_eq!(id(p.provide().await), "STS.v1");
    let seen: Vec<_> = imds
        .requests()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.header("x-aliyun-ecs-metadata-token").is_some(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("PUT".into(), false),
            ("GET".into(), true),
            ("GET".into(), false)
        ]
    );

    let p = EcsRamRoleProvider::from_env_lookup(env(&[
        (ENDPOINT, &imds.url()),
        ("ALIBABA_CLOUD_ECS_METADATA", "role"),
    ]))
    .imdsv1_disabled(true);
    let err = p.provide().await.expect_err("v2 only");
    assert!(err.message().contains("refused with HTTP 401"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_bad_answers_are_errors_naming_source_and_field() {
    let good = credentials_document("STS.id", "SECRETVALUE", "TOKENVALUE", &expiration_in(HOUR));
    let cases = [
        (
            good.replace("Success", "Failed"),
            "`Code` `Failed`, not `Success`",
        ),
        (
            good.replace("\"AccessKeySecret\"", "\"Other\""),
            "no `AccessKeySecret`",
        ),
        (
            good.replace("\"SecurityToken\"", "\"Other\""),
            "no `SecurityToken`",
        ),
        (
            credentials_document("STS.id", "SECRETVALUE", "TOKENVALUE", "soon"),
            "`Expiration` that is not an RFC 3339 time",
        ),
        (
            credentials_document(
                "STS.id",
                "SECRETVALUE",
                "TOKENVALUE",
                "2001-01-01T00:00:00Z",
            ),
            "expired at 2001-01-01T00:00:00Z",
        ),
        ("<html>SECRETVALUE</html>".to_owned(), "not JSON"),
    ];
    for (document, expected) in cases {
        let document = Arc::new(document);
        let imds = FakeServer::start(metadata("role", "tok", {
            let document = Arc::clone(&document);
            move || document.to_string()
        }))
        .await;
        let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())]));
        let err = p.provide().await.expect_err(expected);
        assert!(err.message().contains(expected), "{err}");
        assert!(err.message().contains("metadata service"), "{err}");
        assert!(
            !err.message().contains("SECRETVALUE") && !err.message().contains("TOKENVALUE"),
            "{err}"
        );
        assert_eq!(err.kind(), CredentialsErrorKind::ProviderError);
    }

    let imds = FakeServer::start(|r: &Request| match r.method.as_str() {
        "PUT" => Reply::ok("tok"),
        _ => Reply::status(500, "boom"),
    })
    .await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())]));
    let err = p.provide().await.expect_err("500");
    assert!(err.message().contains("HTTP 500"), "{err}");
    assert!(!err.is_not_configured());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_absent_or_without_a_role_is_not_configured() {
    let started = Instant::now();
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &refused_url())]));
    let err = p.provide().await.expect_err("nothing listens");
    assert!(
        err.is_not_configured() && err.message().contains("unreachable"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    let imds = FakeServer::start(|r: &Request| match r.method.as_str() {
        "PUT" => Reply::ok("tok"),
        _ => Reply::status(404, "no role"),
    })
    .await;
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())]));
    let err = p.provide().await.expect_err("no role");
    assert!(
        err.is_not_configured() && err.message().contains("no RAM role"),
        "{err}"
    );

    // A role that was named but is gone is an error, and the name is not forgotten.
    let p = EcsRamRoleProvider::from_env_lookup(env(&[(ENDPOINT, &imds.url())])).role_name("gone");
    let err = p.provide().await.expect_err("role gone");
    assert!(
        !err.is_not_configured() && err.message().contains("`gone`"),
        "{err}"
    );
    let discoveries = imds.count("GET", CREDS_PATH);
    let err = p.provide().await.expect_err("still gone");
    assert!(err.message().contains("`gone`"), "{err}");
    assert_eq!(imds.count("GET", CREDS_PATH), discoveries, "no discovery");
    assert_eq!(imds.count("GET", &format!("{CREDS_PATH}gone")), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_eight_concurrent_calls_make_one_fetch() {
    let imds = FakeServer::start(|r: &Request| {
        let reply = metadata("role", "tok", || {
            credentials_document("STS.once", "s", "t", &expiration_in(HOUR))
        })(r);
        reply.after(Duration::from_millis(50))
    })
    .await;
    let p = Arc::new(EcsRamRoleProvider::from_env_lookup(env(&[(
        ENDPOINT,
        &imds.url(),
    )])));
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let p = Arc::clone(&p);
            tokio::spawn(async move { p.provide().await })
        })
        .collect();
    for call in calls {
        assert_eq!(id(call.await.expect("task")), "STS.once");
    }
    assert_eq!(
        imds.requests().len(),
        3,
        "one token, one role, one document"
    );
}

// ---------------------------------------------------------------------------------------
// STS

/// An STS that checks the RPC signature with `secret` and answers `Credentials` numbered
/// `STS.role-1`, `-2`, …
async fn sts(secret: &'static str) -> FakeServer {
    let n = AtomicUsize::new(0);
    FakeServer::start(move |r: &Request| {
        let anonymous = r.param("Action") == Some("AssumeRoleWithOIDC");
        if r.method != "POST" || (!anonymous && !rpc_signature_matches(r, secret)) {
            return Reply::status(400, sts_error("SignatureDoesNotMatch", "bad signature"));
        }
        let i = n.fetch_add(1, Ordering::SeqCst) + 1;
        Reply::ok(sts_answer(
            &format!("STS.role-{i}"),
            "role-secret",
            &format!("role-token-{i}"),
            &expiration_in(HOUR),
        ))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_posts_a_signed_form() {
    let sts = sts("src-secret").await;
    let policy = r#"{"Statement": [{"Action": "oos:*", "Effect": "Allow", "Resource": "*"}], "Version": "1"}"#;
    let p = AssumeRoleProvider::new(
        Credentials::with_security_token("src-id", "src-secret", "src/token+="),
        "acs:ram::1:role/deployer",
    )
    .env_lookup(env(&[
        ("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url()),
        ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "from-env"),
    ]))
    .duration(Duration::from_secs(900))
    .policy(policy)
    .external_id("ext-1");
    let c = p.provide().await.expect("assumed");
    assert_eq!(c.access_key_id(), "STS.role-1");
    assert_eq!(c.security_token(), Some("role-token-1"));
    assert!(c.expiration().is_some());

    let r = &sts.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(rpc_signature_matches(r, "src-secret"));
    for (name, value) in [
        ("Action", "AssumeRole"),
        ("Version", "2015-04-01"),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", "src-id"),
    ] {
        assert_eq!(r.query(name), Some(value), "{name} in the query");
    }
    for (name, value) in [
        ("RoleArn", "acs:ram::1:role/deployer"),
        ("RoleSessionName", "from-env"),
        ("DurationSeconds", "900"),
        ("Policy", policy),
        ("ExternalId", "ext-1"),
        ("SecurityToken", "src/token+="),
    ] {
        assert_eq!(r.form(name), Some(value), "{name} in the body");
    }
    // RFC 3986 in the body: spaces are %20 and `*` is %2A, never `+` or a bare `*`.
    let body = String::from_utf8(r.body.clone()).expect("utf-8");
    assert!(
        body.contains("%20") && body.contains("%2A") && !body.contains('+'),
        "{body}"
    );
    assert!(
        !r.raw_query.contains("token"),
        "the token stays out of the URL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_errors_say_what_sts_said_without_secrets() {
    // STS's SignatureDoesNotMatch quotes the string it signed, token included.
    let echo =
        "server string to sign is:POST&%2F&AccessKeyId%3Dsrc-id%26SecurityToken%3DTOKENVALUE";
    let sts = FakeServer::start(move |_: &Request| {
        Reply::status(
            400,
            sts_error("SignatureDoesNotMatch", &format!("{echo} SECRETVALUE")),
        )
    })
    .await;
    let p = AssumeRoleProvider::new(
        Credentials::with_security_token("src-id", "SECRETVALUE", "TOKENVALUE"),
        "acs:ram::1:role/r",
    )
    .env_lookup(env(&[("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url())]));
    let err = p.provide().await.expect_err("refused");
    let m = err.message();
    assert!(
        m.starts_with("assuming role `acs:ram::1:role/r`: STS AssumeRole at http://127.0.0.1:"),
        "{m}"
    );
    assert!(
        m.contains("HTTP 400, SignatureDoesNotMatch") && m.contains("request id fake-request"),
        "{m}"
    );
    assert!(
        !m.contains("SECRETVALUE") && !m.contains("TOKENVALUE"),
        "{m}"
    );

    let unreachable = AssumeRoleProvider::new(Credentials::new("i", "s"), "r")
        .env_lookup(env(&[("ALIBABA_CLOUD_STS_ENDPOINT", &refused_url())]));
    let err = unreachable.provide().await.expect_err("unreachable");
    assert!(err.message().contains("could not connect"), "{err}");
    assert!(
        !err.is_not_configured(),
        "a configured STS that is down is a failure"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_sends_the_token_in_the_body_and_rereads_the_file() {
    let sts = sts("unused").await;
    let home = TempHome::new();
    let token_file = home.write("rrsa/token", "jwt-one\n");
    let clock = TestClock::new();
    let p = OidcRoleArnProvider::from_env_lookup(env(&[
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/ack",
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token_file),
        ("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url()),
    ]))
    .expect("all three set")
    .with_clock(clock.source());
    assert_eq!(id(p.provide().await), "STS.role-1");
    home.write("rrsa/token", "jwt-two");
    assert_eq!(id(p.provide().await), "STS.role-1", "cached");
    clock.advance(50 * MINUTE);
    // The documents expire an hour after the real time, so the clock is now in the window.
    assert_eq!(id(p.provide().await), "STS.role-2");

    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    for (r, token) in requests.iter().zip(["jwt-one", "jwt-two"]) {
        assert_eq!(r.method, "POST");
        assert_eq!(r.query("Action"), Some("AssumeRoleWithOIDC"));
        assert_eq!(r.form("OIDCToken"), Some(token));
        assert_eq!(r.form("RoleArn"), Some("acs:ram::1:role/pod"));
        assert_eq!(
            r.form("OIDCProviderArn"),
            Some("acs:ram::1:oidc-provider/ack")
        );
        assert!(
            !r.raw_query.contains("jwt"),
            "token in the URL: {}",
            r.raw_query
        );
        assert!(r.param("Signature").is_none() && r.param("AccessKeyId").is_none());
    }

    let err = OidcRoleArnProvider::from_env_lookup(env(&[
        ("ALIBABA_CLOUD_ROLE_ARN", "r"),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token_file),
    ]))
    .expect_err("partial");
    assert!(
        err.message()
            .ends_with("ALIBABA_CLOUD_OIDC_PROVIDER_ARN is missing"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Credentials URI, and the cache's behaviour over a real source

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_uri_documents() {
    let answer = Arc::new(Mutex::new(Reply::ok("")));
    let uri = FakeServer::start({
        let answer = Arc::clone(&answer);
        move |_: &Request| answer.lock().expect("lock").clone()
    })
    .await;
    let set = |reply: Reply| *answer.lock().expect("lock") = reply;
    let url = format!("{}/creds?token=QUERYSECRET", uri.url());
    let provider = || {
        CredentialsUriProvider::from_env_lookup(env(&[("ALIBABA_CLOUD_CREDENTIALS_URI", &url)]))
            .expect("set")
    };

    // `Code` may be left out; the query is sent as given.
    set(Reply::ok(
        credentials_document("STS.uri", "s", "t", &expiration_in(HOUR))
            .replace(r#","Code":"Success""#, ""),
    ));
    assert_eq!(id(provider().provide().await), "STS.uri");
    assert_eq!(uri.requests()[0].raw_query, "token=QUERYSECRET");

    for (reply, expected) in [
        (
            Reply::ok(
                credentials_document("STS.uri", "s", "t", &expiration_in(HOUR))
                    .replace("Success", "Failed"),
            ),
            "`Code` `Failed`",
        ),
        (Reply::status(500, "SECRETVALUE"), "answered HTTP 500"),
        (Reply::ok(r#"{"AccessKeyId": "i"}"#), "no `AccessKeySecret`"),
    ] {
        set(reply);
        let err = provider().provide().await.expect_err(expected);
        assert!(err.message().contains(expected), "{err}");
        assert!(err.message().contains("/creds"), "{err}");
        assert!(
            !err.message().contains("QUERYSECRET") && !err.message().contains("SECRETVALUE"),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_serves_the_valid_credentials_then_retries_with_backoff() {
    let clock = TestClock::new();
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let n = Arc::new(AtomicUsize::new(0));
    let uri = FakeServer::start({
        let (clock, failing, n) = (clock.clone(), Arc::clone(&failing), Arc::clone(&n));
        move |_: &Request| {
            if failing.load(Ordering::SeqCst) {
                return Reply::status(503, "down");
            }
            let i = n.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::ok(credentials_document(
                &format!("STS.uri-{i}"),
                "s",
                "t",
                &clock.expiration_in(HOUR),
            ))
        }
    })
    .await;
    let p = CredentialsUriProvider::new(&uri.url()).with_clock(clock.source());
    assert_eq!(id(p.provide().await), "STS.uri-1");

    failing.store(true, Ordering::SeqCst);
    clock.advance(50 * MINUTE);
    assert_eq!(id(p.provide().await), "STS.uri-1", "still valid: served");
    assert_eq!(uri.requests().len(), 2);
    assert_eq!(id(p.provide().await), "STS.uri-1");
    assert_eq!(uri.requests().len(), 2, "backing off: no request");
    clock.advance(Duration::from_secs(1));
    assert_eq!(id(p.provide().await), "STS.uri-1");
    assert_eq!(uri.requests().len(), 3, "retried after the first backoff");

    failing.store(false, Ordering::SeqCst);
    clock.advance(Duration::from_secs(2));
    assert_eq!(id(p.provide().await), "STS.uri-2");

    // Expired and unrefreshable: an error.
    failing.store(true, Ordering::SeqCst);
    clock.advance(2 * HOUR);
    let err = p.provide().await.expect_err("expired");
    assert!(
        err.message().contains("expired at") && err.message().contains("HTTP 503"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// The CLI's config.json and credentials.ini

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ram_role_arn_profile_assumes_its_role() {
    let sts = sts("profile-secret").await;
    let home = TempHome::new();
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "deploy", "profiles": [{{"name": "deploy", "mode": "RamRoleArn",
                "access_key_id": "profile-id", "access_key_secret": "profile-secret",
                "ram_role_arn": "acs:ram::1:role/deployer", "ram_session_name": "cli",
                "expired_seconds": 1800, "sts_endpoint": "{}"}}]}}"#,
            sts.url()
        ),
    );
    let p = ProfileProvider::from_env_lookup(env(&[("HOME", home.path())]));
    assert_eq!(id(p.provide().await), "STS.role-1");
    let r = &sts.requests()[0];
    assert_eq!(r.query("AccessKeyId"), Some("profile-id"));
    assert_eq!(r.form("RoleSessionName"), Some("cli"));
    assert_eq!(r.form("DurationSeconds"), Some("1800"));
    assert_eq!(r.form("SecurityToken"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chainable_profile_signs_with_its_source_profile() {
    let clock = TestClock::new();
    let imds = numbered_metadata(&clock).await;
    let sts = sts("ecs-secret").await;
    let home = TempHome::new();
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "chain", "profiles": [
                {{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "role"}},
                {{"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "ecs",
                  "ram_role_arn": "acs:ram::1:role/next", "sts_endpoint": "{}"}}]}}"#,
            sts.url()
        ),
    );
    let p =
        ProfileProvider::from_env_lookup(env(&[("HOME", home.path()), (ENDPOINT, &imds.url())]));
    assert_eq!(id(p.provide().await), "STS.role-1");
    let r = &sts.requests()[0];
    assert_eq!(r.query("AccessKeyId"), Some("STS.ecs-1"));
    assert_eq!(r.form("SecurityToken"), Some("ecs-token-1"));
    assert_eq!(r.form("RoleArn"), Some("acs:ram::1:role/next"));
    assert_eq!(imds.count("GET", CREDS_PATH), 0, "the role is named");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_and_uri_profiles() {
    let sts = sts("unused").await;
    let uri = FakeServer::start(|_: &Request| {
        Reply::ok(credentials_document(
            "STS.uri",
            "s",
            "t",
            &expiration_in(HOUR),
        ))
    })
    .await;
    let home = TempHome::new();
    let token = home.write("token", "jwt");
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "oidc", "profiles": [
                {{"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/pod",
                  "oidc_provider_arn": "acs:ram::1:oidc-provider/p", "oidc_token_file": "{token}",
                  "role_session_name": "py-style", "sts_endpoint": "{}"}},
                {{"name": "uri", "mode": "CredentialsURI", "credentials_uri": "{}"}}]}}"#,
            sts.url(),
            uri.url()
        ),
    );
    let p = ProfileProvider::from_env_lookup(env(&[("HOME", home.path())]));
    assert_eq!(id(p.provide().await), "STS.role-1");
    assert_eq!(sts.requests()[0].form("OIDCToken"), Some("jwt"));
    assert_eq!(sts.requests()[0].form("RoleSessionName"), Some("py-style"));

    let p = ProfileProvider::from_env_lookup(env(&[
        ("HOME", home.path()),
        ("ALIBABA_CLOUD_PROFILE", "uri"),
    ]));
    assert_eq!(id(p.provide().await), "STS.uri");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_ini_role_and_ecs_sections() {
    let sts = sts("ini-secret").await;
    let imds = numbered_metadata(&TestClock::new()).await;
    let home = TempHome::new();
    home.write(
        ".alibabacloud/credentials.ini",
        "[default]\ntype = ram_role_arn\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n\
         role_arn = acs:ram::1:role/ini\nrole_session_name = ini-session\n\n\
         [ecs]\ntype = ecs_ram_role\nrole_name = role\n",
    );
    let lookup = env(&[
        ("HOME", home.path()),
        ("ALIBABA_CLOUD_STS_ENDPOINT", &sts.url()),
        (ENDPOINT, &imds.url()),
    ]);
    let p = CredentialsFileProvider::from_env_lookup(lookup.clone());
    assert_eq!(id(p.provide().await), "STS.role-1");
    assert_eq!(
        sts.requests()[0].form("RoleSessionName"),
        Some("ini-session")
    );
    assert_eq!(sts.requests()[0].query("AccessKeyId"), Some("ini-id"));

    let p = CredentialsFileProvider::from_env_lookup(lookup).section("ecs");
    assert_eq!(id(p.provide().await), "STS.ecs-1");
}

// ---------------------------------------------------------------------------------------
// The default chain

struct Everything {
    home: TempHome,
    sts: FakeServer,
    uri: FakeServer,
    imds: FakeServer,
    token_file: String,
}

impl Everything {
    /// Every source of the chain set up, each handing out its own key id.
    async fn new() -> Self {
        let home = TempHome::new();
        home.write(
            ".aliyun/config.json",
            r#"{"current": "p", "profiles": [{"name": "p", "mode": "AK",
                "access_key_id": "cli-id", "access_key_secret": "s"}]}"#,
        );
        home.write(
            ".alibabacloud/credentials.ini",
            "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = s\n",
        );
        let token_file = home.write("token", "jwt");
        Self {
            sts: sts("unused").await,
            uri: FakeServer::start(|_: &Request| {
                Reply::ok(credentials_document(
                    "uri-id",
                    "s",
                    "t",
                    &expiration_in(HOUR),
                ))
            })
            .await,
            imds: FakeServer::start(metadata("role", "tok", || {
                credentials_document("ecs-id", "s", "t", &expiration_in(HOUR))
            }))
            .await,
            token_file,
            home,
        }
    }

    fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HOME", self.home.path().to_owned()),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id".into()),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s".into()),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod".into()),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/p".into(),
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", self.token_file.clone()),
            ("ALIBABA_CLOUD_STS_ENDPOINT", self.sts.url()),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", self.uri.url()),
            (ENDPOINT, self.imds.url()),
        ]
    }

    fn chain(&self, vars: &[(&'static str, String)]) -> DefaultProvider {
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        DefaultProvider::from_env_lookup(env(&pairs))
    }

    fn hits(&self) -> [usize; 3] {
        [
            self.sts.requests().len(),
            self.uri.requests().len(),
            self.imds.requests().len(),
        ]
    }
}

fn without(vars: &mut Vec<(&'static str, String)>, names: &[&str]) {
    vars.retain(|(k, _)| !names.contains(k));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_takes_the_first_configured_source_in_order() {
    let all = Everything::new().await;
    let mut vars = all.vars();
    assert_eq!(id(all.chain(&vars).provide().await), "env-id");
    assert_eq!(all.hits(), [0, 0, 0]);

    without(
        &mut vars,
        &[
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        ],
    );
    assert_eq!(id(all.chain(&vars).provide().await), "STS.role-1", "OIDC");
    assert_eq!(all.hits(), [1, 0, 0]);

    without(
        &mut vars,
        &[
            "ALIBABA_CLOUD_ROLE_ARN",
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        ],
    );
    assert_eq!(id(all.chain(&vars).provide().await), "cli-id");

    vars.push(("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true".into()));
    assert_eq!(id(all.chain(&vars).provide().await), "ini-id");

    let empty_home = TempHome::new();
    vars.retain(|(k, _)| *k != "HOME");
    vars.push(("HOME", empty_home.path().to_owned()));
    assert_eq!(
        id(all.chain(&vars).provide().await),
        "uri-id",
        "the URI before ECS"
    );
    assert_eq!(all.hits(), [1, 1, 0]);

    without(&mut vars, &["ALIBABA_CLOUD_CREDENTIALS_URI"]);
    assert_eq!(id(all.chain(&vars).provide().await), "ecs-id");
    assert_eq!(all.hits(), [1, 1, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_stops_at_a_broken_source_and_says_which() {
    let all = Everything::new().await;
    let mut base = all.vars();
    without(
        &mut base,
        &[
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        ],
    );

    let mut partial = base.clone();
    without(&mut partial, &["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"]);
    let err = all
        .chain(&partial)
        .provide()
        .await
        .expect_err("partial OIDC");
    assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(
        err.message().starts_with("OIDC: ")
            && err.message().contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
        "{err}"
    );

    let mut no_oidc = base.clone();
    without(
        &mut no_oidc,
        &[
            "ALIBABA_CLOUD_ROLE_ARN",
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        ],
    );
    all.home.write(
        ".aliyun/config.json",
        r#"{"current": "p", "profiles": [{"name": "p", "mode": "CloudSSO"}]}"#,
    );
    let err = all
        .chain(&no_oidc)
        .provide()
        .await
        .expect_err("unsupported mode");
    assert!(
        err.message().starts_with("CLI profile: profile `p` in ")
            && err.message().contains("CloudSSO"),
        "{err}"
    );

    all.home.write(".aliyun/config.json", "{\"current\": ");
    let err = all
        .chain(&no_oidc)
        .provide()
        .await
        .expect_err("broken json");
    assert!(
        err.message()
            .contains("config.json is not a valid profile file"),
        "{err}"
    );

    let mut no_cli = no_oidc.clone();
    no_cli.push(("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true".into()));
    all.home
        .write(".alibabacloud/credentials.ini", "[default]\ntype = magic\n");
    let err = all.chain(&no_cli).provide().await.expect_err("bad ini");
    assert!(
        err.message().starts_with("credentials file: ") && err.message().contains("unknown `type`"),
        "{err}"
    );
    assert_eq!(
        all.hits(),
        [0, 0, 0],
        "nothing past a broken source was asked"
    );

    // A URI that fails stops the chain before the metadata service.
    let failing_uri = FakeServer::start(|_: &Request| Reply::status(500, "down")).await;
    let empty_home = TempHome::new();
    let mut uri_only = no_oidc.clone();
    uri_only.retain(|(k, _)| !matches!(*k, "HOME" | "ALIBABA_CLOUD_CREDENTIALS_URI"));
    uri_only.push(("HOME", empty_home.path().to_owned()));
    uri_only.push(("ALIBABA_CLOUD_CREDENTIALS_URI", failing_uri.url()));
    let err = all.chain(&uri_only).provide().await.expect_err("URI down");
    assert!(
        err.message().starts_with("credentials URI: ") && err.message().contains("HTTP 500"),
        "{err}"
    );
    assert_eq!(all.hits(), [0, 0, 0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_moves_past_absent_sources() {
    let home = TempHome::new();
    let imds = FakeServer::start(|r: &Request| match r.method.as_str() {
        "PUT" => Reply::ok("tok"),
        _ => Reply::status(404, "no role"),
    })
    .await;
    for endpoint in [refused_url(), imds.url()] {
        let p =
            DefaultProvider::from_env_lookup(env(&[("HOME", home.path()), (ENDPOINT, &endpoint)]));
        let err = p.provide().await.expect_err("nothing anywhere");
        assert!(err.is_not_configured(), "{err}");
        assert!(
            err.message()
                .starts_with("no credentials found; tried, in order: environment: "),
            "{err}"
        );
        assert!(
            err.message().contains("config.json does not exist"),
            "{err}"
        );
        assert!(
            err.message().contains("credentials.ini does not exist"),
            "{err}"
        );
    }
    // A profile named for the other file, a blank CLI profile, a disabled ini section.
    home.write(
        ".aliyun/config.json",
        r#"{"current": "default", "profiles": [{"name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": ""}]}"#,
    );
    home.write(
        ".alibabacloud/credentials.ini",
        "[default]\nenable = false\ntype = access_key\n",
    );
    let p =
        DefaultProvider::from_env_lookup(env(&[("HOME", home.path()), (ENDPOINT, &refused_url())]));
    let err = p.provide().await.expect_err("nothing usable");
    assert!(err.is_not_configured(), "{err}");
    assert!(
        err.message().contains("has no AccessKey") && err.message().contains("enable = false"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_chain_fetches_once_for_many_calls_and_refreshes_ahead() {
    let clock = TestClock::new();
    let n = Arc::new(AtomicUsize::new(0));
    let uri = FakeServer::start({
        let (clock, n) = (clock.clone(), Arc::clone(&n));
        move |_: &Request| {
            let i = n.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::ok(credentials_document(
                &format!("uri-{i}"),
                "s",
                "t",
                &clock.expiration_in(HOUR),
            ))
            .after(Duration::from_millis(50))
        }
    })
    .await;
    let home = TempHome::new();
    let p = Arc::new(
        DefaultProvider::from_env_lookup(env(&[
            ("HOME", home.path()),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url()),
        ]))
        .with_clock(clock.source()),
    );
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let p = Arc::clone(&p);
            tokio::spawn(async move { p.provide().await })
        })
        .collect();
    for call in calls {
        assert_eq!(id(call.await.expect("task")), "uri-1");
    }
    assert_eq!(uri.requests().len(), 1);
    clock.advance(40 * MINUTE);
    assert_eq!(id(p.provide().await), "uri-1");
    clock.advance(10 * MINUTE);
    assert_eq!(id(p.provide().await), "uri-2");
    assert_eq!(uri.requests().len(), 2);
}
