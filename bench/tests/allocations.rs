//! The call path's heap allocations against the transport floor's, counted rather than timed:
//! a sequential `ListExecutionLogs` call through `oos_api::Client` (signing, retry policy,
//! attempt timeout, parsing) allocates no more than the bare reqwest call that parses the
//! same page into the same type. Only the calling thread is counted: the
//! calls run on a current-thread runtime, and the server on a thread of its own.

use bytes::Bytes;
use oos_api::SignatureMethod;
use oos_bench::alloc::{self, CountingAlloc};
use oos_bench::page::{bench_page, PAGE_LOGS};
use oos_bench::separate::EXECUTION_ID;
use oos_bench::server::{Answer, Server};
use oos_bench::suites::{floor_call, floor_client, oos_client};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const CALLS: u64 = 200;

/// Allocations per call of `CALLS` sequential calls of `call`, after two warm-up calls (the
/// connection is made, the pool and the buffers have their size).
fn per_call<F: std::future::Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    mut call: impl FnMut() -> F,
) -> f64 {
    runtime.block_on(async {
        call().await;
        call().await;
    });
    let ((), counts) = alloc::measure(|| {
        runtime.block_on(async {
            for _ in 0..CALLS {
                call().await;
            }
        })
    });
    counts.on_this_thread as f64 / CALLS as f64
}

#[test]
fn a_call_allocates_no_more_than_the_floor() {
    let server = Server::start(Answer::Fixed {
        body: Bytes::from(bench_page()),
        request_id_header: true,
    });
    let base = server.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let http = floor_client();
    let url = format!("{base}/?ExecutionId={EXECUTION_ID}");
    let floor = per_call(&runtime, || async {
        let page = floor_call(&http, &url).await;
        assert_eq!(page.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
    });

    let client = runtime.block_on(async { oos_client(&base, SignatureMethod::Acs3HmacSha256) });
    let through_client = per_call(&runtime, || async {
        let page = client
            .list_execution_logs()
            .execution_id(EXECUTION_ID)
            .send()
            .await
            .expect("client call");
        assert_eq!(page.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
    });

    assert!(
        floor > 100.0,
        "the floor's count ({floor}) includes the parsed page"
    );
    assert!(
        // Counts are whole per call; a stray allocation in 200 calls (a buffer growing once)
        // is not one per call.
        through_client <= floor + 0.5,
        "a call through the client allocates {through_client} times, the floor {floor}"
    );
}
