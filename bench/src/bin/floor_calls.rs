//! `floor_calls URL [--calls N] [--in-flight K] [--alloc-calls A] [--threads T]`: the floor of
//! `client_calls`: the same HTTP exchange with a bare reqwest client configured as
//! `oos_api::Client` configures its own, unsigned, the body parsed with serde_json into a
//! hand-written struct of the same shape. Prints one line of figures.

use std::sync::Arc;

use futures::FutureExt;
use oos_bench::alloc::CountingAlloc;
use oos_bench::page::{HandPage, PAGE_LOGS};
use oos_bench::separate::{self, Call, EXECUTION_ID};
use oos_bench::suites::floor_client;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    separate::main_with("floor", |options| {
        let http = floor_client();
        // The query the client sends for the same input.
        let url: Arc<str> = format!("{}/?ExecutionId={EXECUTION_ID}", options.url).into();
        let call: Call = Arc::new(move || {
            let http = http.clone();
            let url = url.clone();
            async move {
                let response = http.post(&*url).send().await.expect("floor request");
                assert!(response.status().is_success());
                let body = response.bytes().await.expect("floor body");
                let page: HandPage = serde_json::from_slice(&body).expect("floor parse");
                assert_eq!(page.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
            }
            .boxed()
        });
        call
    });
}
