//! Streams every log of an execution through the paginator, one page in memory at a time.
//!
//! ```sh
//! cargo run -p oos-api --example list_execution_logs [EXECUTION_ID]
//! ```
//!
//! With credentials in the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, … or the Alibaba Cloud
//! CLI's `~/.aliyun/config.json`) it calls OOS itself and needs an execution id. Without
//! any, it starts the loopback emulator in-process with its demo data, so it runs anywhere.

use futures::TryStreamExt;
use oos_api::credentials::{profile_file_path, ENV_ACCESS_KEY_ID};
use oos_api::{Client, Config, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let execution_id = std::env::args().nth(1);
    let has_credentials = std::env::var_os(ENV_ACCESS_KEY_ID).is_some()
        || std::env::var_os("HOME").is_some_and(|home| profile_file_path(home.as_ref()).exists());

    // Kept alive until the end: dropping it stops the emulator.
    let mut _emulator = None;
    let (client, execution_id) = if has_credentials {
        let Some(id) = execution_id else {
            return Err(
                "usage: list_execution_logs EXECUTION_ID (credentials found: this calls OOS)"
                    .into(),
            );
        };
        (Client::from_env(), id)
    } else {
        let emulator = oos_emulator::Emulator::builder()
            .data(oos_emulator::Data::demo())
            .start()
            .await?;
        eprintln!(
            "no credentials in the environment: using the emulator at {}",
            emulator.url()
        );
        let client = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(Credentials::new(
                    oos_emulator::DEFAULT_ACCESS_KEY_ID,
                    oos_emulator::DEFAULT_ACCESS_KEY_SECRET,
                ))
                .endpoint_url(emulator.url())
                .build(),
        );
        _emulator = Some(emulator);
        (
            client,
            execution_id.unwrap_or_else(|| "exec-demo-disk-check".to_owned()),
        )
    };

    let mut logs = client
        .list_execution_logs()
        .execution_id(&execution_id)
        .into_paginator()
        .page_size(10)
        .items();
    let mut count = 0;
    while let Some(log) = logs.try_next().await? {
        count += 1;
        println!(
            "{}  {}",
            log.timestamp.as_deref().unwrap_or("-"),
            log.message.as_deref().unwrap_or("")
        );
    }
    eprintln!("{count} logs of {execution_id}");
    Ok(())
}
