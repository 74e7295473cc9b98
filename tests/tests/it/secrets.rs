//! With credentials set, nothing the client shows (tracing output at every level, every
//! error's Debug and Display, the client's and config's Debug) contains the secret or the
//! security token, whatever went wrong.

use std::time::Duration;

use futures::TryStreamExt;
use oos_api::{Client, Config, Credentials, RetryPolicy, SignatureMethod};
use oos_emulator::{Data, Emulator, Fault, ThrottlingCode};
use oos_tests::fakes::refused_url;
use serde_json::json;

// Distinctive, so a leak in any form is found; the token has characters that percent-encoding changes.
const SECRET: &str = "Sec7etKEYvalue9";
const TOKEN: &str = "Tok3n/STS+value=";

/// Every form a leaked value could take on the way: as is, percent-encoded once or twice.
fn forms(value: &str) -> Vec<String> {
    let once = oos_api::signing::percent_encode(value);
    let twice = oos_api::signing::percent_encode(&once);
    vec![value.to_owned(), once, twice]
}

fn assert_clean(what: &str, text: &str) {
    for secret in forms(SECRET).iter().chain(&forms(TOKEN)) {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

#[test]
fn nothing_shows_a_secret() {
    let capture = crate::capture::capture(tracing::Level::TRACE);
    let captured = &capture.captured;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut shown = Vec::new();
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .data(Data::new().with_execution("exec-1", vec![json!({"Message": "m"}); 5]))
            .access_key_with_token("testid", SECRET, TOKEN)
            .start()
            .await
            .unwrap();
        for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
            let config = |secret: &str, token: &str| {
                Config::builder()
                    .region("cn-hangzhou")
                    .credentials(Credentials::with_security_token("testid", secret, token))
                    .endpoint_url(emulator.url())
                    .signature_method(method)
                    .attempt_timeout(Duration::from_millis(200))
                    .retry_policy(
                        RetryPolicy::standard()
                            .initial_backoff(Duration::from_millis(1))
                            .max_backoff(Duration::from_millis(5)),
                    )
            };
            let client = Client::new(config(SECRET, TOKEN).build());
            shown.push(format!("{client:?}"));
            shown.push(format!("{:?}", config(SECRET, TOKEN).build()));

            // Success, and pagination.
            let all: Vec<_> = client
                .list_execution_logs()
                .execution_id("exec-1")
                .into_paginator()
                .page_size(2)
                .items()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(all.len(), 5);

            let mut results = Vec::new();
            // The gateway echoes its string to sign, which holds the token for RPC signing.
            let wrong_secret = Client::new(config("not-the-secret", TOKEN).build());
            results.push(
                wrong_secret
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            let wrong_token = Client::new(config(SECRET, "not-the-token").build());
            results.push(
                wrong_token
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            results.push(client.list_execution_logs().send().await);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-nope")
                    .send()
                    .await,
            );
            emulator
                .faults()
                .inject_n(Fault::Throttling(ThrottlingCode::User), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(Fault::ServerError(503), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(
                Fault::NonJson {
                    status: 502,
                    body: "<html>proxy</html>".into(),
                },
                3,
            );
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator
                .faults()
                .inject_n(Fault::Slow(Duration::from_millis(400)), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(Fault::Truncated, 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            let unreachable =
                Client::new(config(SECRET, TOKEN).endpoint_url(refused_url()).build());
            results.push(
                unreachable
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject(Fault::RepeatToken);
            let pages: Result<Vec<_>, _> = client
                .list_execution_logs()
                .execution_id("exec-1")
                .into_paginator()
                .page_size(2)
                .try_collect()
                .await;
            results.push(pages.map(|_| Default::default()));

            for result in results {
                let e = result.expect_err("every call above fails");
                shown.push(format!("{e:?}"));
                shown.push(format!("{e}"));
                if let Some(service) = e.as_service_error() {
                    shown.push(format!("{service:?} {service}"));
                }
            }
        }
    });
    assert!(shown.len() > 40);
    for text in &shown {
        assert_clean("an error or a Debug", text);
    }
    let log = captured.text();
    assert!(
        log.contains("oos.attempt"),
        "tracing output was captured: {log}"
    );
    assert_clean("the tracing output", &log);
}

/// Every credentials provider, handing out or being handed `SECRET` and `TOKEN`, on its
/// success and failure paths (including services that echo them back): nothing it shows,
/// and nothing traced, contains either.
#[test]
fn no_credentials_provider_shows_a_secret() {
    use oos_api::credentials::{
        AssumeRoleProvider, CredentialsFileProvider, CredentialsUriProvider, DefaultProvider,
        EcsRamRoleProvider, EnvironmentProvider, OidcRoleArnProvider, ProfileProvider,
    };
    use oos_api::ProvideCredentials;
    use oos_tests::fakes::{
        credentials_document, env, expiration_in, metadata, sts_answer, sts_error, FakeServer,
        Reply, Request, TempHome,
    };

    let capture = crate::capture::capture(tracing::Level::TRACE);
    let captured = &capture.captured;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hour = Duration::from_secs(3600);
    let home = TempHome::new();
    let mut shown = Vec::new();

    runtime.block_on(async {
        let good = credentials_document("STS.id", SECRET, TOKEN, &expiration_in(hour));
        let imds = FakeServer::start(metadata("r", "imds-token", {
            let good = good.clone();
            move || good.clone()
        }))
        .await;
        // Documents that fail, holding the secret and token all the same.
        let bad_imds = FakeServer::start(metadata("r", "imds-token", {
            let bad = good.replace("Success", "Failed");
            move || bad.clone()
        }))
        .await;
        let no_expiry = FakeServer::start(|_: &Request| {
            Reply::ok(format!(
                r#"{{"AccessKeyId": "i", "AccessKeySecret": "{SECRET}", "SecurityToken": "{TOKEN}", "Expiration": "{SECRET}"}}"#
            ))
        })
        .await;
        let uri = FakeServer::start({
            let good = good.clone();
            move |_: &Request| Reply::ok(good.clone())
        })
        .await;
        let failing = FakeServer::start(|_: &Request| {
            Reply::status(500, format!("{SECRET} {TOKEN}"))
        })
        .await;
        let sts_ok = FakeServer::start(|_: &Request| {
            Reply::ok(sts_answer("STS.role", SECRET, TOKEN, &expiration_in(Duration::from_secs(3600))))
        })
        .await;
        // As STS does, the error quotes the string to sign: the request's parameters,
        // percent-encoded twice; and, for good measure, the body as received.
        let sts_echo = FakeServer::start(|r: &Request| {
            let body = String::from_utf8_lossy(&r.body);
            let params = oos_api::signing::percent_encode(&format!("{}&{body}", r.raw_query));
            Reply::status(
                400,
                sts_error(
                    "SignatureDoesNotMatch",
                    &format!("string to sign: POST&%2F&{params} (body: {body})"),
                ),
            )
        })
        .await;

        let uri_with_secret = format!("{}/creds?token={SECRET}", failing.url());
        let token_file = home.write("token", TOKEN);
        home.write(
            ".aliyun/config.json",
            &format!(
                r#"{{"current": "ak", "profiles": [
                    {{"name": "ak", "mode": "AK", "access_key_id": "i", "access_key_secret": "{SECRET}"}},
                    {{"name": "sts", "mode": "StsToken", "access_key_id": "i", "access_key_secret": "{SECRET}", "sts_token": "{TOKEN}"}},
                    {{"name": "role", "mode": "RamRoleArn", "access_key_id": "i", "access_key_secret": "{SECRET}",
                      "sts_token": "{TOKEN}", "ram_role_arn": "acs:ram::1:role/r", "sts_endpoint": "{}"}},
                    {{"name": "uri", "mode": "CredentialsURI", "credentials_uri": "{uri_with_secret}"}},
                    {{"name": "oidc", "mode": "OIDC", "ram_role_arn": "r", "oidc_provider_arn": "p",
                      "oidc_token_file": "{token_file}", "sts_endpoint": "{}"}},
                    {{"name": "sso", "mode": "CloudSSO", "access_key_secret": "{SECRET}"}}]}}"#,
                sts_echo.url(),
                sts_echo.url()
            ),
        );
        home.write(
            ".alibabacloud/credentials.ini",
            &format!(
                "[default]\ntype = access_key\naccess_key_id = i\naccess_key_secret = {SECRET}\n\
                 [role]\ntype = ram_role_arn\naccess_key_id = i\naccess_key_secret = {SECRET}\nrole_arn = r\n\
                 [odd]\ntype = {SECRET}\n"
            ),
        );
        let broken_ini = home.write("broken.ini", &format!("[default]\n[{SECRET}\n"));
        let typed = home.write(
            "typed.json",
            &format!(
                r#"{{"current": "typed", "profiles": [{{"name": "typed", "access_key_id": "i",
                    "access_key_secret": ["{SECRET}"]}}]}}"#
            ),
        );
        let empty_home = TempHome::new();
        let h = home.path();
        let sts_env = ("ALIBABA_CLOUD_STS_ENDPOINT", sts_echo.url());
        let sts_env = (sts_env.0, sts_env.1.as_str());
        let endpoint = "ALIBABA_CLOUD_ECS_METADATA_SERVICE_ENDPOINT";

        let providers: Vec<(&str, Box<dyn ProvideCredentials>)> = vec![
            ("env", Box::new(EnvironmentProvider::from_lookup(env(&[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "i"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
                ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
            ])))),
            ("partial env", Box::new(EnvironmentProvider::from_lookup(env(&[
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
                ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
            ])))),
            ("ecs", Box::new(EcsRamRoleProvider::from_env_lookup(env(&[(endpoint, &imds.url())])))),
            ("ecs bad", Box::new(EcsRamRoleProvider::from_env_lookup(env(&[(endpoint, &bad_imds.url())])))),
            ("uri", Box::new(CredentialsUriProvider::new(&uri.url()))),
            ("uri no expiry", Box::new(CredentialsUriProvider::new(&no_expiry.url()))),
            ("uri failing", Box::new(CredentialsUriProvider::new(&uri_with_secret))),
            ("assume ok", Box::new(
                AssumeRoleProvider::new(Credentials::with_security_token("i", SECRET, TOKEN), "r")
                    .env_lookup(env(&[("ALIBABA_CLOUD_STS_ENDPOINT", &sts_ok.url())])),
            )),
            ("assume echo", Box::new(
                AssumeRoleProvider::new(Credentials::with_security_token("i", SECRET, TOKEN), "r")
                    .env_lookup(env(&[sts_env])),
            )),
            ("oidc", Box::new(OidcRoleArnProvider::new("r", "p", &token_file).env_lookup(env(&[sts_env])))),
        ];
        let mut providers = providers;
        providers.push((
            "typed profile",
            Box::new(ProfileProvider::from_env_lookup(env(&[("ALIBABA_CLOUD_CONFIG_FILE", &typed)]))),
        ));
        for profile in ["ak", "sts", "role", "uri", "oidc", "sso"] {
            providers.push((
                "profile",
                Box::new(ProfileProvider::from_env_lookup(env(&[
                    ("HOME", h),
                    ("ALIBABA_CLOUD_PROFILE", profile),
                ]))),
            ));
        }
        for section in ["default", "role", "odd"] {
            providers.push((
                "ini",
                Box::new(
                    CredentialsFileProvider::from_env_lookup(env(&[("HOME", h), sts_env]))
                        .section(section),
                ),
            ));
        }
        providers.push(("broken ini", Box::new(CredentialsFileProvider::from_path(&broken_ini))));
        providers.push((
            "default",
            Box::new(DefaultProvider::from_env_lookup(env(&[
                ("HOME", h),
                ("ALIBABA_CLOUD_PROFILE", "role"),
                sts_env,
            ]))),
        ));
        providers.push((
            "default uri",
            Box::new(DefaultProvider::from_env_lookup(env(&[
                ("HOME", empty_home.path()),
                ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri_with_secret),
            ]))),
        ));

        let (mut ok, mut failed) = (0, 0);
        for (name, provider) in &providers {
            for _ in 0..2 {
                match provider.provide().await {
                    Ok(c) => {
                        ok += 1;
                        shown.push(format!("{name}: {c:?} {c:#?}"));
                    }
                    Err(e) => {
                        failed += 1;
                        shown.push(format!("{name}: {e} {e:?}"));
                    }
                }
            }
        }
        assert!(ok >= 10 && failed >= 20, "{ok} ok, {failed} failed:\n{}", shown.join("\n"));

        // The providers' own Debug, after each has fetched and kept what it could.
        let ecs = EcsRamRoleProvider::from_env_lookup(env(&[(endpoint, &imds.url())]));
        let failing_uri = CredentialsUriProvider::new(&uri_with_secret);
        let assume = AssumeRoleProvider::new(Credentials::with_security_token("i", SECRET, TOKEN), "r")
            .env_lookup(env(&[("ALIBABA_CLOUD_STS_ENDPOINT", &sts_ok.url())]))
            .external_id(SECRET);
        let profile = ProfileProvider::from_env_lookup(env(&[("HOME", h)]));
        let default = DefaultProvider::from_env_lookup(env(&[("HOME", h)]));
        let fetched = [
            ecs.provide().await.is_ok(),
            failing_uri.provide().await.is_ok(),
            assume.provide().await.is_ok(),
            profile.provide().await.is_ok(),
            default.provide().await.is_ok(),
        ];
        assert_eq!(fetched, [true, false, true, true, true]);
        shown.extend([
            format!("{ecs:?}"),
            format!("{failing_uri:?}"),
            format!("{assume:?}"),
            format!("{profile:?}"),
            format!("{:?}", oos_api::credentials::ProfileFile::from_path(format!("{h}/.aliyun/config.json")).map(|f| f.profiles().to_vec())),
            format!("{default:?}"),
        ]);

        // Through the client: a call whose credentials cannot be had.
        let client = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(DefaultProvider::from_env_lookup(env(&[
                    ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri_with_secret),
                    ("HOME", empty_home.path()),
                ])))
                .endpoint_url(refused_url())
                .build(),
        );
        let e = client
            .list_execution_logs()
            .execution_id("exec-1")
            .send()
            .await
            .expect_err("no credentials");
        shown.push(format!("{e} {e:?}"));
        shown.push(format!("{client:?}"));
    });
    for text in &shown {
        assert_clean("a credentials error or Debug", text);
    }
    let log = captured.text();
    assert!(
        log.contains("credentials"),
        "tracing output was captured: {log}"
    );
    assert_clean("the credentials tracing output", &log);
}

/// Every field the specs mark `secret` (the generated `SECRETS`, so a newly marked field is
/// covered without a line here) prints redacted in the `Debug` of what holds it: its input
/// and request builder, its output, its nested type.
#[test]
fn every_secret_field_prints_redacted() {
    use crate::conformance::calls::SECRETS;

    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint_url(refused_url())
            .build(),
    );
    let fields: Vec<&str> = SECRETS.iter().map(|(field, _)| *field).collect();
    // The fields marked today, so that losing the mark fails too.
    for marked in [
        "CreateSecretParameterInput.Value",
        "UpdateSecretParameterInput.Value",
        "SecretParameter.Value",
    ] {
        assert!(
            fields.contains(&marked),
            "{marked} is not marked: {fields:?}"
        );
    }
    for (field, show) in SECRETS {
        let value = format!("canary-{field}-0123456789");
        let texts = show(&client, &value);
        assert!(!texts.is_empty(), "{field}");
        for text in texts {
            assert!(!text.contains(&value), "{field} shows its value: {text}");
            assert!(text.contains("** redacted **"), "{field}: {text}");
        }
    }
}

/// A secret parameter stored and read back decrypted: the value arrives intact, and neither
/// the builders, the inputs, the answers nor any tracing event (at every level) carry it.
#[test]
fn a_secret_value_is_sent_and_read_but_never_shown() {
    let capture = crate::capture::capture(tracing::Level::TRACE);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let value = "hunter2-0123456789-secret";
    let mut shown = Vec::new();
    runtime.block_on(async {
        let emulator = Emulator::builder().start().await.unwrap();
        let client = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(Credentials::new("testid", "testsecret"))
                .endpoint_url(emulator.url())
                .build(),
        );
        let create = client.create_secret_parameter().name("s1").value(value);
        shown.push(format!("{create:?}"));
        shown.push(format!("{:?}", create.input()));
        shown.push(format!("{:?}", create.send().await.unwrap()));
        let update = client
            .update_secret_parameter()
            .name("s1")
            .value(format!("{value}-2"));
        shown.push(format!("{update:?}"));
        shown.push(format!("{:?}", update.send().await.unwrap()));
        let got = client
            .get_secret_parameter()
            .name("s1")
            .with_decryption(true)
            .send()
            .await
            .unwrap();
        let read = got.parameter.as_ref().and_then(|p| p.value.as_deref());
        assert_eq!(read, Some(format!("{value}-2").as_str()));
        shown.push(format!("{got:?}"));
        let many = client
            .get_secret_parameters()
            .names(r#"["s1"]"#)
            .with_decryption(true)
            .send()
            .await
            .unwrap();
        shown.push(format!("{many:?}"));
        let by_path = client
            .get_secret_parameters_by_path()
            .path("/")
            .recursive(true)
            .with_decryption(true)
            .send()
            .await
            .unwrap();
        shown.push(format!("{by_path:?}"));
    });
    for text in &shown {
        assert!(!text.contains(value), "shows the secret: {text}");
    }
    assert!(shown.iter().any(|t| t.contains("** redacted **")));
    let log = capture.captured.text();
    assert!(log.contains("oos.attempt"), "tracing output was captured");
    assert!(!log.contains(value), "a trace carries the secret: {log}");
}
