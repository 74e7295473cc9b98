//! The `oos-api` side of the official-SDK check (`tests/official_sdks/run.sh`): against an
//! emulator at URL, `sdk_peer URL create` writes a parameter and a secret parameter for
//! Alibaba's Python SDK to read, and `sdk_peer URL verify` reads back the ones it wrote.

use std::process::ExitCode;

use oos_api::{Client, Config, Credentials};
use oos_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, step] = args.as_slice() else {
        eprintln!("usage: sdk_peer URL create|verify");
        return ExitCode::FAILURE;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("sdk_peer: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ))
            .endpoint_url(url.clone())
            .build(),
    );
    let result = runtime.block_on(async {
        match step.as_str() {
            "create" => create(&client).await,
            "verify" => verify(&client).await,
            other => Err(format!("unknown step {other:?}: use create or verify")),
        }
    });
    match result {
        Ok(done) => {
            println!("oos-api: {done}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sdk_peer: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn create(client: &Client) -> Result<&'static str, String> {
    client
        .create_parameter()
        .name("/peer/from-rust")
        .type_("String")
        .value("written by oos-api")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    client
        .create_secret_parameter()
        .name("peer-secret-from-rust")
        .value("oos-api secret")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok("a parameter and a secret parameter written for the official SDK to read")
}

async fn verify(client: &Client) -> Result<&'static str, String> {
    let parameter = client
        .get_parameter()
        .name("/peer/from-python")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .parameter
        .and_then(|p| p.value);
    if parameter.as_deref() != Some("written by python") {
        return Err(format!("the SDK's parameter reads back as {parameter:?}"));
    }
    let secret = client
        .get_secret_parameter()
        .name("peer-secret-from-python")
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .parameter
        .and_then(|p| p.value);
    if secret.as_deref() != Some("python secret") {
        return Err(format!("the SDK's secret reads back as {secret:?}"));
    }
    Ok("what the official SDK wrote reads back through oos-api")
}
