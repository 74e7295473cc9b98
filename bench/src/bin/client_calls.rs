//! `client_calls URL [--calls N] [--in-flight K] [--alloc-calls A] [--threads T]`: calls
//! `ListExecutionLogs` through `oos_api::Client` (V3 signature, default configuration) against
//! `fixed_server`, and prints one line of figures (see `oos_bench::separate`).
//!
//! `OOS_BENCH_OPERATION_TIMEOUT_MS=N` adds an operation timeout of N ms to the configuration,
//! to measure the call path with both of its time limits set.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use oos_api::{Client, Config, Credentials};
use oos_bench::alloc::CountingAlloc;
use oos_bench::page::PAGE_LOGS;
use oos_bench::separate::{self, Call, EXECUTION_ID};
use oos_bench::signing::{ACCESS_KEY_ID, ACCESS_KEY_SECRET};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    separate::main_with("client", |options| {
        let mut config = Config::builder()
            .endpoint_url(options.url.as_str())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET));
        if let Some(ms) = std::env::var("OOS_BENCH_OPERATION_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            config = config.operation_timeout(Duration::from_millis(ms));
        }
        let client = Client::new(config.build());
        let call: Call = Arc::new(move || {
            let client = client.clone();
            async move {
                let output = client
                    .list_execution_logs()
                    .execution_id(EXECUTION_ID)
                    .send()
                    .await
                    .expect("client call");
                assert_eq!(output.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
            }
            .boxed()
        });
        call
    });
}
