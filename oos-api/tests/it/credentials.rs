//! Credential providers' failures as a caller sees them: the transport's or the file's error
//! kept as a typed cause, each layer of the chain printed once, and no secret in any of it.

use std::error::Error as _;

use oos_api::credentials::{
    CredentialsErrorKind, CredentialsUriProvider, ProfileProvider, ProvideCredentials,
};
use oos_api::{Client, Config, Error};
use tokio::net::TcpListener;

/// A loopback server that accepts every connection and closes it at once, before any
/// answer; it stops with the test's runtime.
async fn dropping_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    addr
}

/// The error of a call whose credentials `provider` cannot give; nothing is sent (the
/// endpoint is a closed loopback port, never reached).
async fn call_without_credentials(
    provider: impl oos_api::credentials::ProvideCredentials + 'static,
) -> Error<oos_api::operation::list_templates::ListTemplatesError> {
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint_url("http://127.0.0.1:9")
            .credentials(provider)
            .build(),
    );
    client
        .list_templates()
        .send()
        .await
        .expect_err("no credentials could be had")
}

/// Each layer's `Display`, outermost first, as a chain printer shows them.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut shown = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        shown.push(cause.to_string());
        source = cause.source();
    }
    shown
}

fn reaches_the_transport_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(layer) = current {
        if layer.downcast_ref::<reqwest::Error>().is_some() {
            return true;
        }
        current = layer.source();
    }
    false
}

fn assert_each_cause_printed_once(shown: &[String]) {
    for pair in shown.windows(2) {
        assert!(
            !pair[1].is_empty() && !pair[0].contains(&pair[1]),
            "a cause is printed by its parent as well: {shown:#?}"
        );
    }
}

#[tokio::test]
async fn a_dropped_connection_is_the_credentials_errors_typed_source() {
    let addr = dropping_server().await;
    let provider = CredentialsUriProvider::new(&format!("http://{addr}/creds?token=SECRETVALUE"));

    let err = provider
        .provide()
        .await
        .expect_err("the server drops the connection");
    assert_eq!(err.kind(), CredentialsErrorKind::ProviderError);
    let source = err.source().expect("the transport's error is kept");
    let transport = source
        .downcast_ref::<reqwest::Error>()
        .expect("the source is the reqwest::Error itself");
    assert!(
        transport.url().is_none(),
        "the URL is removed: {transport:?}"
    );
    let shown = chain(&err);
    assert!(shown.len() >= 2, "{shown:#?}");
    assert!(
        shown[0].contains(&format!("127.0.0.1:{}", addr.port())),
        "{shown:#?}"
    );
    assert_each_cause_printed_once(&shown);
    for layer in &shown {
        assert!(!layer.contains("SECRETVALUE"), "{shown:#?}");
    }
    assert!(!format!("{err:?}").contains("SECRETVALUE"), "{err:?}");
    // A clone shares the cause and compares equal.
    let copy = err.clone();
    assert_eq!(copy, err);
    assert!(copy.source().is_some_and(reaches_the_transport_error));

    // Through a call: the call's error, then the credentials error, then the transport's.
    let err =
        call_without_credentials(CredentialsUriProvider::new(&format!("http://{addr}/creds")))
            .await;
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(reaches_the_transport_error(&err), "{err:?}");
    let shown = chain(&err);
    assert!(shown.len() >= 3, "{shown:#?}");
    assert_each_cause_printed_once(&shown);
}

#[tokio::test]
async fn an_unreadable_profile_file_is_the_credentials_errors_typed_source() {
    // A directory given as the file: set up, but not readable as one.
    let dir = std::env::temp_dir();
    let err = call_without_credentials(ProfileProvider::from_path(&dir)).await;
    let Error::Credentials(credentials) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        credentials.kind(),
        CredentialsErrorKind::InvalidConfiguration
    );
    assert!(
        credentials.message().contains(&dir.display().to_string()),
        "{credentials}"
    );
    assert!(
        credentials
            .source()
            .is_some_and(|cause| cause.downcast_ref::<std::io::Error>().is_some()),
        "{credentials:?}"
    );
    let shown = chain(&err);
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert_each_cause_printed_once(&shown);
}
