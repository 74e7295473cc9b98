//! The call path's heap allocations against the transport floor's, counted rather than timed:
//! a sequential `ListExecutionLogs` call through `oos_api::Client` (signing, retry policy,
//! attempt timeout, parsing) allocates no more than the bare reqwest call that parses the
//! same page into the same type. Only the calling thread is counted: the
//! calls run on a current-thread runtime, and the server on a thread of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::Bytes;
use oos_api::SignatureMethod;
use oos_bench::page::{bench_page, PAGE_LOGS};
use oos_bench::separate::EXECUTION_ID;
use oos_bench::server::{Answer, Server};
use oos_bench::suites::{floor_call, floor_client, oos_client};

thread_local! {
    // A const-initialised `Cell` has no destructor, so the allocator may read it at any time.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting the allocations (and reallocations) of each thread.
struct PerThread;

fn count() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded to `System` unchanged; a thread-local counter moves beside it.
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: PerThread = PerThread;

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
        let before = ALLOCATIONS.with(Cell::get);
        for _ in 0..CALLS {
            call().await;
        }
        (ALLOCATIONS.with(Cell::get) - before) as f64 / CALLS as f64
    })
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
