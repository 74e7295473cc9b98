//! `client_calls URL [--calls N] [--in-flight K] [--alloc-calls A] [--threads T]`: calls
//! `ListExecutionLogs` through `oos_api::Client` (V3 signature, default configuration) against
//! `fixed_server`, and prints one line of figures (see `oos_bench::separate`).

use std::sync::Arc;

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
        let client = Client::new(
            Config::builder()
                .endpoint_url(options.url.as_str())
                .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
                .build(),
        );
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
