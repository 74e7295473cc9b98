//! Following an execution end to end: the documented contract against an emulator URL, every
//! entry exactly once and in order for executions of 1 to 10,000 entries while the emulator
//! runs them and misbehaves on a seeded schedule, and memory that stays flat however many
//! entries come.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use oos_api::follow::FollowError;
use oos_api::operation::list_execution_logs::ExecutionLog;
use oos_api::{Client, Config, Error, RetryPolicy, SignatureMethod};
use oos_emulator::test_util::config_for;
use oos_emulator::{Data, Emulator, Fault, RunningEmulator, ThrottlingCode};
use serde_json::json;

/// Counts the bytes each thread holds, so that one thread's follower can be measured while
/// other tests of the binary run.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn account(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; the counting beside it
// touches only const-initialized thread locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        account(layout.size() as isize);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        account(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        account(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// A template that loops over `items` one-second sleeps: `5 + 3 * items` log entries.
fn looping(items: usize) -> String {
    let items: Vec<String> = (0..items).map(|i| format!("item-{i}")).collect();
    json!({
        "FormatVersion": "OOS-2019-06-01",
        "Tasks": [{
            "Name": "each",
            "Action": "ACS::Sleep",
            "Properties": {"Duration": "PT1S"},
            "Loop": {"Items": items},
        }],
    })
    .to_string()
}

fn entries(items: usize) -> usize {
    5 + 3 * items
}

/// A client of `emulator` that retries hard and fast, as a soak needs.
fn config(emulator: &RunningEmulator) -> Config {
    config_for(emulator, SignatureMethod::Acs3HmacSha256)
        .attempt_timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::standard()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
}

/// Faults the client survives by retrying, and a service that repeats a page token.
fn faults() -> Vec<Fault> {
    vec![
        Fault::Throttling(ThrottlingCode::User),
        Fault::ServerError(503),
        Fault::DropConnection,
        Fault::Truncated,
        Fault::Slow(Duration::from_millis(30)),
        Fault::NonJson {
            status: 502,
            body: "<html>bad gateway</html>".into(),
        },
        Fault::RepeatToken,
    ]
}

/// A fingerprint of a sequence of entries: their number and a hash over all of them in order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fingerprint {
    count: usize,
    hash: u64,
}

impl Fingerprint {
    fn add(&mut self, log: &ExecutionLog) {
        let mut hasher = DefaultHasher::new();
        self.hash.hash(&mut hasher);
        (&log.timestamp, &log.message, &log.task_execution_id).hash(&mut hasher);
        self.hash = hasher.finish();
        self.count += 1;
    }
}

/// Every entry of `id`, read in one go once nothing changes any more.
async fn settled(client: &Client, id: &str) -> Fingerprint {
    let mut all = client
        .list_execution_logs()
        .execution_id(id)
        .into_paginator()
        .page_size(100)
        .items();
    let mut print = Fingerprint::default();
    while let Some(log) = all.try_next().await.unwrap() {
        print.add(&log);
    }
    print
}

/// Follows `id` on a thread of its own: what arrived, and the most bytes that thread held
/// meanwhile beyond what it held before.
async fn follow_measured(config: Config, id: String) -> (Result<Fingerprint, FollowError>, isize) {
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let base = LIVE.with(Cell::get);
        PEAK.with(|peak| peak.set(base));
        let result = runtime.block_on(async move {
            let client = Client::new(config);
            let mut logs = client
                .list_execution_logs()
                .execution_id(&id)
                .follow()
                .min_delay(Duration::from_millis(2))
                .max_delay(Duration::from_millis(20));
            let mut print = Fingerprint::default();
            while let Some(log) = logs.try_next().await? {
                print.add(&log);
            }
            Ok(print)
        });
        drop(runtime);
        (result, PEAK.with(Cell::get) - base)
    })
    .await
    .unwrap()
}

/// An emulator running at `speed`, a client of it, and an execution it has started of
/// the template `content`.
async fn started(content: String, speed: f64) -> (RunningEmulator, Client, String) {
    let emulator = Emulator::builder()
        .data(Data::new().with_template("t", content))
        .clock_speed(speed)
        .start()
        .await
        .unwrap();
    let client = Client::new(config(&emulator));
    let started = client
        .start_execution()
        .template_name("t")
        .send()
        .await
        .unwrap();
    let id = started.execution.and_then(|e| e.execution_id).unwrap();
    (emulator, client, id)
}

/// The documented contract, verbatim, against an emulator URL.
#[rustfmt::skip]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_contract() -> Result<(), Box<dyn std::error::Error>> {
    let content = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "wait", "Action": "ACS::Sleep", "Properties": {"Duration": "PT30S"}},
        {"Name": "again", "Action": "ACS::Sleep", "Properties": {"Duration": "PT30S"}},
    ]});
    let emulator = Emulator::builder()
        .data(Data::new().with_template("MyTemplate", content.to_string()))
        .clock_speed(1000.0)
        .start()
        .await?;
    let client = oos_emulator::test_util::client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    let mut printed = Vec::new();

    use futures::TryStreamExt;
    let started = client.start_execution().template_name("MyTemplate").send().await?;
    let id = started.execution.and_then(|e| e.execution_id).expect("an execution id");
    let mut logs = client.list_execution_logs().execution_id(&id).follow();
    while let Some(log) = logs.try_next().await? {
        println!("{}", log.message.unwrap_or_default());
        printed.push(());
    }
    let done = client.wait_until_execution_finished().execution_id(&id)
        .max_wait(std::time::Duration::from_secs(60)).send().await?;

    assert_eq!(printed.len(), 8);
    let execution = done.executions.unwrap_or_default().remove(0);
    assert_eq!(execution.status.map(|s| s.to_string()).as_deref(), Some("Success"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_executions_of_1_to_10_000_entries_are_read_once_each() {
    for n in [1usize, 2, 99, 100, 101, 10_000] {
        let logs = (0..n)
            .map(|i| json!({"Message": format!("log {i}"), "Timestamp": "2024-03-19T02:14:33Z"}))
            .collect();
        let emulator = Emulator::builder()
            .data(Data::new().with_execution("exec-done", logs))
            .start()
            .await
            .unwrap();
        let client = Client::new(config(&emulator));
        let messages: Vec<String> = client
            .list_execution_logs()
            .execution_id("exec-done")
            .follow()
            .map_ok(|log| log.message.unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<String> = (0..n).map(|i| format!("log {i}")).collect();
        assert_eq!(messages, expected, "{n} entries");
    }
}

/// A request answered as usual, taking its turn in a fault schedule.
const PASS: Fault = Fault::Slow(Duration::ZERO);

/// The faults to queue for following `entries` entries: each of `faults()` in turn from the
/// `seed`-th, a [`PASS`] between two, as many rules as there are requests sure to come, so
/// that the follow consumes the schedule in full however fast or slow the machine is
/// against the execution's clock.
///
/// Whatever the timing, a follow reads every page of 100 entries (the first read of each
/// page after the first carries a `NextToken`), asks `ListExecutions` at least once (to
/// learn that the execution ended) and then reads its last page once more. Every request
/// takes the first queued rule it is eligible for, a fault only adds requests (a retry,
/// or asking again after a repeated token), and [`Fault::RepeatToken`] waits for a request
/// with a token. So while rules are left, each of those requests takes one: as many rules
/// as there are of them (of them with a token, where a `RepeatToken` may be queued) are
/// all applied.
fn schedule(seed: usize, entries: usize) -> Vec<Fault> {
    let pages = entries.div_ceil(100);
    let with_token = pages.saturating_sub(1);
    let kinds: Vec<Fault> = faults()
        .into_iter()
        .filter(|fault| with_token > 0 || *fault != Fault::RepeatToken)
        .collect();
    let budget = if with_token > 0 {
        with_token
    } else {
        pages + 2
    };
    (0..budget)
        .map(|i| match i % 2 {
            0 => kinds[(seed + i / 2) % kinds.len()].clone(),
            _ => PASS,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_executions_are_followed_exactly_once_through_seeded_faults() {
    // 8, 305 and 9,998 entries, written while the stream reads them.
    let mut applied: Vec<Fault> = Vec::new();
    for (seed, items, speed) in [(1usize, 1usize, 20.0), (2, 100, 500.0), (3, 3331, 3000.0)] {
        let (emulator, client, id) = started(looping(items), speed).await;
        let schedule = schedule(seed, entries(items));
        for fault in &schedule {
            emulator.faults().inject(fault.clone());
        }
        let (followed, _) = follow_measured(config(&emulator), id.clone()).await;
        let followed = followed.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        // Exactly the schedule was applied: nothing left over, nothing else.
        assert_eq!(emulator.faults().pending(), 0, "seed {seed}: {schedule:?}");
        assert_eq!(
            emulator.faults().injected(),
            schedule.len() as u64,
            "seed {seed}"
        );
        applied.extend(schedule.into_iter().filter(|fault| *fault != PASS));
        let all = settled(&client, &id).await;
        assert_eq!(all.count, entries(items), "seed {seed}");
        assert_eq!(
            followed, all,
            "seed {seed}: a gap, a duplicate or another order"
        );
        let status = client
            .list_executions()
            .execution_id(&id)
            .send()
            .await
            .unwrap()
            .executions
            .unwrap()
            .remove(0)
            .status
            .unwrap();
        assert_eq!(status.as_str(), "Success");
    }
    // 2 + 2 + 50 faults, every kind among them.
    assert_eq!(applied.len(), 54, "{applied:?}");
    for kind in faults() {
        assert!(applied.contains(&kind), "{kind:?} never applied");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_however_many_entries_arrive() {
    let mut peaks = Vec::new();
    for items in [332usize, 3331] {
        let (emulator, _client, id) = started(looping(items), 4000.0).await;
        let (followed, peak) = follow_measured(config(&emulator), id).await;
        assert_eq!(followed.unwrap().count, entries(items));
        eprintln!(
            "following {} entries held at most {peak} bytes",
            entries(items)
        );
        peaks.push(peak);
    }
    // Ten times the entries may not take much more memory: the stream holds one page.
    assert!(
        peaks[1] < peaks[0] + 64 * 1024,
        "peak bytes grew with the entries: {peaks:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_failure_ends_the_stream_with_the_typed_error() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = Client::new(config(&emulator));
    let mut logs = client
        .list_execution_logs()
        .execution_id("exec-none")
        .follow();
    let error = logs.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, FollowError::Logs(Error::Service(ref e)) if e.to_string().contains("EntityNotExists.Execution")),
        "{error:?}"
    );
    assert!(logs.next().await.is_none(), "nothing follows an error");

    let error = client
        .list_execution_logs()
        .follow()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, FollowError::Logs(Error::Construction(ref e)) if e.parameter() == "ExecutionId"),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_execution_ends_the_stream() {
    let long = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "long", "Action": "ACS::Sleep", "Properties": {"Duration": "P1D"}},
    ]});
    let (_emulator, client, id) = started(long.to_string(), 1.0).await;
    let mut logs = client
        .list_execution_logs()
        .execution_id(&id)
        .follow()
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(5));
    assert_eq!(
        logs.try_next().await.unwrap().unwrap().message.as_deref(),
        Some("Execution started.")
    );
    assert!(logs.try_next().await.unwrap().is_some());
    client
        .delete_executions()
        .execution_ids([id.as_str()])
        .force(true)
        .send()
        .await
        .unwrap();
    let error = logs.try_next().await.unwrap_err();
    assert!(
        matches!(
            error,
            FollowError::NotListed { .. } | FollowError::Logs(Error::Service(_))
        ),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_backs_off_while_nothing_new_arrives() {
    let still = json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "still", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1H"}},
    ]});
    let (emulator, client, id) = started(still.to_string(), 0.0).await;
    let before = emulator.request_count();
    let mut logs = client
        .list_execution_logs()
        .execution_id(&id)
        .follow()
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(80));
    let read = tokio::time::timeout(Duration::from_millis(600), async {
        let mut n = 0;
        while logs.try_next().await.unwrap().is_some() {
            n += 1;
        }
        n
    })
    .await;
    assert!(
        read.is_err(),
        "an unfinished execution is followed until it ends"
    );
    // Every 5 ms for 600 ms would be 120 rounds of two requests; backing off to 80 ms, about 12.
    let rounds = (emulator.request_count() - before) / 2;
    assert!((4..=20).contains(&rounds), "{rounds} rounds of polling");
}
