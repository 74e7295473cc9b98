//! The benchmark suites: parsing, signing, loopback calls, pagination, code generation, and
//! hashing (its own module, `crypto`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{FutureExt, TryStreamExt};
use oos_api::operation::list_execution_logs::ListExecutionLogsOutput;
use oos_api::{Client, Config, Credentials, RetryPolicy, SignatureMethod};
use tokio::runtime::Runtime;

use crate::harness::{compare, human_ns, report, Case, Measured, Plan};
use crate::page::{self, HandPage, EXECUTION_ID, PAGE_LOGS};
use crate::separate::Call;
use crate::server::{Answer, Server};
use crate::signing::ACTION;
use crate::{alloc, signing};

/// The suites, in the order `all` runs them.
pub const SUITES: &[&str] = &["parse", "sign", "calls", "paginate", "codegen", "crypto"];

/// Runs the named suites (`all` or none for every one) and prints their tables.
pub fn run(names: &[String]) {
    let all = names.is_empty() || names.iter().any(|n| n == "all");
    for name in names {
        let known =
            name == "all" || name.starts_with("profile-") || SUITES.contains(&name.as_str());
        if !known {
            eprintln!(
                "unknown suite {name:?}; the suites are all, {}",
                SUITES.join(", ")
            );
            std::process::exit(2);
        }
    }
    let wanted = |suite: &str| all || names.iter().any(|n| n == suite);
    println!("# oos-bench");
    println!(
        "cores: {}, profile: {}, counting allocator: {}, sonic-rs: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug (numbers meaningless)"
        } else {
            "optimised"
        },
        if alloc::installed() {
            "installed"
        } else {
            "not installed"
        },
        if cfg!(feature = "sonic") {
            "compiled (feature `sonic`)"
        } else {
            "not compiled (add --features sonic)"
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut seq_call_ns = None;
    let mut sign_ns = None;
    if wanted("parse") {
        parse();
    }
    if wanted("sign") {
        sign_ns = Some(sign());
    }
    if wanted("calls") {
        seq_call_ns = Some(calls(&runtime));
    }
    if let (Some((v3, rpc)), Some(call)) = (sign_ns, seq_call_ns) {
        println!(
            "\nsigning's share of one sequential client call ({}): V3 {:.1}%, RPC {:.1}%",
            human_ns(call),
            100.0 * v3 / call,
            100.0 * rpc / call
        );
    }
    if wanted("paginate") {
        paginate(&runtime);
    }
    if wanted("codegen") {
        codegen();
    }
    if wanted("crypto") {
        crate::crypto::crypto();
    }
    // Profiling drivers, not part of `all`: `profile-floor`, `profile-client`, making
    // OOS_BENCH_CALLS (default 20,000) sequential calls, and `profile-sign`, signing 50 times
    // as many requests.
    let calls = std::env::var("OOS_BENCH_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    for (name, index) in [("profile-floor", 0), ("profile-client", 1)] {
        if names.iter().any(|n| n == name) {
            profile(&runtime, index, calls);
        }
    }
    if names.iter().any(|n| n == "profile-sign") {
        profile_sign(calls * 50);
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn median_of<'a>(measured: &'a [Measured], name_start: &str) -> Option<&'a Measured> {
    measured.iter().find(|m| m.name.starts_with(name_start))
}

// ---------------------------------------------------------------------------------------------
// 1. Parsing

/// Parses the 50-entry page into the generated type, a hand-written struct and a `Value`.
pub fn parse() {
    let page = page::bench_page();
    let bytes = page.as_bytes();
    println!(
        "\n# 1. Parsing a {PAGE_LOGS}-entry ListExecutionLogs page ({} bytes)",
        bytes.len()
    );
    let mut cases = vec![
        Case::new("hand-written struct, serde_json [baseline]", || {
            black_box(serde_json::from_slice::<HandPage>(black_box(bytes)).expect("parses"));
        }),
        Case::new("generated ListExecutionLogsOutput, serde_json", || {
            black_box(
                serde_json::from_slice::<ListExecutionLogsOutput>(black_box(bytes))
                    .expect("parses"),
            );
        }),
        Case::new("serde_json::Value", || {
            black_box(
                serde_json::from_slice::<serde_json::Value>(black_box(bytes)).expect("parses"),
            );
        }),
    ];
    #[cfg(feature = "sonic")]
    {
        cases.push(Case::new(
            "generated ListExecutionLogsOutput, sonic-rs",
            || {
                black_box(
                    sonic_rs::from_slice::<ListExecutionLogsOutput>(black_box(bytes))
                        .expect("parses"),
                );
            },
        ));
        cases.push(Case::new("hand-written struct, sonic-rs", || {
            black_box(sonic_rs::from_slice::<HandPage>(black_box(bytes)).expect("parses"));
        }));
    }
    let measured = compare(Plan::CPU, &mut cases);
    report(
        "parse (time per page; ratio to the hand-written struct)",
        &measured,
    );
    let mb_s = |m: &Measured| bytes.len() as f64 / m.median() * 1e3;
    for m in &measured {
        println!("  {:<50} {:>8.0} MB/s", m.name, mb_s(m));
    }
    let ratio = measured[1].ratio_to(&measured[0]);
    println!(
        "target generated within 5% of hand-written: {:+.1}% -> {}",
        (ratio - 1.0) * 100.0,
        verdict(ratio <= 1.05)
    );
    match median_of(&measured, "generated ListExecutionLogsOutput, sonic-rs") {
        Some(sonic) => {
            let speedup = 1.0 / sonic.ratio_to(&measured[1]);
            println!(
                "sonic-rs into the generated types vs serde_json: {speedup:.2}x faster -> {} the 1.5x bar",
                if speedup >= 1.5 { "beats" } else { "does NOT beat" }
            );
        }
        None => println!("sonic-rs: not measured (run with --features sonic)"),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Signing

/// Times V3 and RPC signing of a typical request; returns the full V3 and RPC costs in ns.
pub fn sign() -> (f64, f64) {
    println!(
        "\n# 2. Signing a typical ListExecutionLogs request (ExecutionId, MaxResults, NextToken)"
    );
    let params = signing::typical_params();
    let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let v3 = signing::sign_v3(&params, signing::TIMESTAMP, signing::NONCE);
    let headers: Vec<(&str, &str)> = v3.headers[..v3.headers.len() - 1]
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    let hashed = oos_api::signing::acs3::hashed_payload(b"");
    let (canonical_request, _) =
        oos_api::signing::acs3::canonical_request("POST", "/", &pairs, &headers, &hashed);
    let rpc_pairs: Vec<(&str, &str)> = {
        let mut p = pairs.clone();
        p.extend(signing::rpc_common_params(
            signing::TIMESTAMP,
            signing::NONCE,
        ));
        p
    };
    let rpc_string = oos_api::signing::rpc::string_to_sign("POST", &rpc_pairs);
    // The client's own signing of one attempt, through its benchmark hook: canonical query,
    // canonical request, hashes, HMAC with the key prepared once, `Authorization`, header map
    // and URL.
    let wire = signing::typical_wire_params();
    let credentials = Credentials::new(signing::ACCESS_KEY_ID, signing::ACCESS_KEY_SECRET);
    let v3_client = oos_client(
        &format!("https://{}", signing::HOST),
        SignatureMethod::Acs3HmacSha256,
    );
    let rpc_client = oos_client(
        &format!("https://{}", signing::HOST),
        SignatureMethod::HmacSha1,
    );
    let fixed = Some((signing::TIMESTAMP, signing::NONCE));
    // The parts of the client's signing that a bare reqwest call has too (it parses its URL
    // and fills a header map), timed alone as the client makes them.
    let (signed_url, signed_headers) = v3_client
        .sign_for_benchmark(ACTION, &wire, &credentials, fixed, true)
        .expect("signed")
        .expect("whole");
    let signed_query = signed_url.query().unwrap_or_default().to_owned();
    let mut base_url = signed_url.clone();
    base_url.set_query(None);
    let mut cases = vec![
        Case::new("canonical_query of the 3 parameters [baseline]", || {
            black_box(oos_api::signing::canonical_query(black_box(&pairs)));
        }),
        Case::new(
            "V3 signature: query, canonical request, Authorization",
            || {
                black_box(
                    v3_client
                        .sign_for_benchmark(ACTION, black_box(&wire), &credentials, fixed, false)
                        .expect("signed"),
                );
            },
        ),
        Case::new("V3, the client's whole signing of an attempt", || {
            black_box(
                v3_client
                    .sign_for_benchmark(ACTION, black_box(&wire), &credentials, fixed, true)
                    .expect("signed"),
            );
        }),
        Case::new("V3, the same with a fresh timestamp and nonce", || {
            black_box(
                v3_client
                    .sign_for_benchmark(ACTION, black_box(&wire), &credentials, None, true)
                    .expect("signed"),
            );
        }),
        Case::new("  of which: the URL with the signed query", || {
            let mut url = black_box(&base_url).clone();
            url.set_query(Some(black_box(&signed_query)));
            black_box(url);
        }),
        Case::new("  of which: the header map of the signed headers", || {
            let mut map = reqwest::header::HeaderMap::with_capacity(black_box(10));
            for (name, value) in black_box(&signed_headers) {
                map.insert(name, value.clone());
            }
            black_box(map);
        }),
        Case::new("RPC, the client's whole signing of an attempt", || {
            black_box(
                rpc_client
                    .sign_for_benchmark(ACTION, black_box(&wire), &credentials, fixed, true)
                    .expect("signed"),
            );
        }),
        Case::new("V3 with the public functions, step by step", || {
            black_box(signing::sign_v3(
                black_box(&params),
                signing::TIMESTAMP,
                signing::NONCE,
            ));
        }),
        Case::new("V3 string_to_sign + signature only", || {
            let sts = oos_api::signing::acs3::string_to_sign(black_box(&canonical_request));
            black_box(oos_api::signing::acs3::signature(
                signing::ACCESS_KEY_SECRET,
                &sts,
            ));
        }),
        Case::new("RPC with the public functions, step by step", || {
            black_box(signing::sign_rpc(
                black_box(&params),
                signing::TIMESTAMP,
                signing::NONCE,
            ));
        }),
        Case::new("RPC signature only (string to sign given)", || {
            black_box(oos_api::signing::rpc::signature(
                signing::ACCESS_KEY_SECRET,
                black_box(&rpc_string),
            ));
        }),
    ];
    let measured = compare(Plan::CPU, &mut cases);
    report(
        "sign (time per request; ratio to canonical_query alone)",
        &measured,
    );
    let median = |name: &str| median_of(&measured, name).map_or(f64::NAN, Measured::median);
    (
        median("V3, the client's whole signing"),
        median("RPC, the client's whole signing"),
    )
}

/// Signs `requests` typical requests as the client signs an attempt (V3, fresh timestamp and
/// nonce): a driver to run under a profiler.
pub fn profile_sign(requests: usize) {
    let wire = signing::typical_wire_params();
    let credentials = Credentials::new(signing::ACCESS_KEY_ID, signing::ACCESS_KEY_SECRET);
    let client = oos_client(
        &format!("https://{}", signing::HOST),
        SignatureMethod::Acs3HmacSha256,
    );
    let start = Instant::now();
    for _ in 0..requests {
        black_box(
            client
                .sign_for_benchmark(ACTION, black_box(&wire), &credentials, None, true)
                .expect("signed"),
        );
    }
    let took = start.elapsed().as_secs_f64();
    println!(
        "V3 signing: {requests} requests, {:.0} ns each",
        took * 1e9 / requests as f64
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Calls through the client vs the transport floor

/// An `oos_api::Client` for the loopback server at `url`, with the default configuration
/// (standard retry policy, 30 s attempt timeout) and `method`.
pub fn oos_client(url: &str, method: SignatureMethod) -> Client {
    Client::new(
        Config::builder()
            .endpoint_url(url)
            .credentials(Credentials::new(
                signing::ACCESS_KEY_ID,
                signing::ACCESS_KEY_SECRET,
            ))
            .retry_policy(RetryPolicy::standard())
            .signature_method(method)
            .build(),
    )
}

/// A bare reqwest client configured as `oos_api::Client` configures its own (same pool,
/// same redirect policy, same connect timeout), for the transport floor. It keeps reqwest's
/// retry layer, which the client turns off: the floor stays the one the per-call goal was
/// set against (see BENCHMARKS.md).
pub fn floor_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("oos-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client")
}

/// The transport floor's call: POST with the query string the client sends, unsigned, the
/// body read whole and parsed into the generated type.
pub async fn floor_call(http: &reqwest::Client, url: &str) -> ListExecutionLogsOutput {
    let response = http.post(url).send().await.expect("floor request");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("floor body");
    serde_json::from_slice(&body).expect("floor parse")
}

fn client_call(client: Client) -> Call {
    Arc::new(move || {
        let client = client.clone();
        async move {
            let output = client
                .list_execution_logs()
                .execution_id(EXECUTION_ID)
                .max_results(50)
                .send()
                .await
                .expect("client call");
            assert_eq!(output.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
        }
        .boxed()
    })
}

fn bare_call(http: reqwest::Client, url: String) -> Call {
    let url: Arc<str> = url.into();
    Arc::new(move || {
        let http = http.clone();
        let url = url.clone();
        async move {
            let output = floor_call(&http, &url).await;
            assert_eq!(output.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
        }
        .boxed()
    })
}

/// Makes `calls` calls, `in_flight` at a time (each in-flight slot its own task), and returns
/// how long they took.
async fn burst(call: &Call, in_flight: usize, calls: usize) -> Duration {
    let start = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            let share = calls / in_flight;
            tokio::spawn(async move {
                for _ in 0..share {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("call task");
    }
    start.elapsed()
}

fn report_rate(title: &str, measured: &[Measured]) {
    report(title, measured);
    let best = measured[0].spread().0;
    for m in measured {
        println!(
            "  {:<50} {:>9.0} calls/s  ({:+.1}% time per call vs the floor; best rounds {:+.1}%)",
            m.name,
            1e9 / m.median(),
            (m.ratio_to(&measured[0]) - 1.0) * 100.0,
            (m.spread().0 / best - 1.0) * 100.0
        );
    }
}

/// The loopback servers and the calls of the calls suite, floor first.
struct CallCases {
    _servers: (Server, Server),
    cases: Vec<(&'static str, Call)>,
}

fn call_cases(runtime: &Runtime, body: Bytes) -> CallCases {
    let server = Server::start(Answer::Fixed {
        body: body.clone(),
        request_id_header: true,
    });
    let no_id_server = Server::start(Answer::Fixed {
        body,
        request_id_header: false,
    });
    let query =
        oos_api::signing::canonical_query(&[("ExecutionId", EXECUTION_ID), ("MaxResults", "50")]);
    let floor_url = format!("{}/?{query}", server.url());
    // The V3 headers of one signed request, precomputed: what the wire carries beyond the
    // floor's request, without the work of making them.
    let signed = signing::sign_v3(
        &[
            ("ExecutionId", EXECUTION_ID.to_owned()),
            ("MaxResults", "50".to_owned()),
        ],
        signing::TIMESTAMP,
        signing::NONCE,
    );
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &signed.headers {
        if *name != "host" {
            headers.insert(
                *name,
                reqwest::header::HeaderValue::from_str(value).expect("header"),
            );
        }
    }
    let cases = runtime.block_on(async {
        let with_headers: Call = {
            let http = floor_client();
            let url: Arc<str> = floor_url.clone().into();
            Arc::new(move || {
                let http = http.clone();
                let url = url.clone();
                let headers = headers.clone();
                async move {
                    let response = http
                        .post(&*url)
                        .headers(headers)
                        .send()
                        .await
                        .expect("send");
                    let body = response.bytes().await.expect("body");
                    let output: ListExecutionLogsOutput =
                        serde_json::from_slice(&body).expect("parse");
                    assert_eq!(output.execution_logs.map(|l| l.len()), Some(PAGE_LOGS));
                }
                .boxed()
            })
        };
        vec![
            (
                "floor: bare reqwest + serde_json, unsigned [baseline]",
                bare_call(floor_client(), floor_url.clone()),
            ),
            (
                "oos_api::Client, V3 (default)",
                client_call(oos_client(&server.url(), SignatureMethod::Acs3HmacSha256)),
            ),
            (
                "oos_api::Client, RPC HMAC-SHA1",
                client_call(oos_client(&server.url(), SignatureMethod::HmacSha1)),
            ),
            (
                "oos_api::Client, V3, no x-acs-request-id header",
                client_call(oos_client(
                    &no_id_server.url(),
                    SignatureMethod::Acs3HmacSha256,
                )),
            ),
            (
                "diagnostic: floor + V3's 6 headers, precomputed",
                with_headers,
            ),
        ]
    });
    CallCases {
        _servers: (server, no_id_server),
        cases,
    }
}

/// Calls per second through `oos_api::Client` and through the bare floor, one at a time and
/// 8 in flight; returns the client's sequential time per call (V3) in ns.
pub fn calls(runtime: &Runtime) -> f64 {
    let body = Bytes::from(page::bench_page());
    println!(
        "\n# 3. Calls on loopback: oos_api::Client vs bare reqwest + serde (the floor), {} byte page",
        body.len()
    );
    let CallCases {
        _servers: _keep,
        cases,
    } = call_cases(runtime, body);
    let mut sequential_client = 0.0;
    for in_flight in [1usize, 8] {
        // Warm up (connections, pools) and size the rounds to about 0.2 s.
        let per_call: Vec<f64> = cases
            .iter()
            .map(|(_, call)| {
                runtime.block_on(burst(call, in_flight, 16 * in_flight));
                let took = runtime.block_on(burst(call, in_flight, 200 * in_flight));
                took.as_secs_f64() / (200 * in_flight) as f64
            })
            .collect();
        let rounds = 21;
        let mut wall: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
        let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
        for _ in 0..rounds {
            for (i, (_, call)) in cases.iter().enumerate() {
                let n = (((0.15 / per_call[i]) as usize).max(in_flight) / in_flight) * in_flight;
                let cpu_start = crate::harness::process_cpu_ns();
                let took = runtime.block_on(burst(call, in_flight, n));
                cpu[i].push((crate::harness::process_cpu_ns() - cpu_start) / n as f64);
                wall[i].push(took.as_nanos() as f64 / n as f64);
            }
        }
        let as_measured = |values: Vec<Vec<f64>>| -> Vec<Measured> {
            cases
                .iter()
                .zip(values)
                .map(|((name, _), rounds)| Measured {
                    name: (*name).to_owned(),
                    rounds,
                })
                .collect()
        };
        let wall = as_measured(wall);
        let cpu = as_measured(cpu);
        let title = if in_flight == 1 {
            "calls, one at a time: wall time per call".to_owned()
        } else {
            format!("calls, {in_flight} in flight: wall time per call")
        };
        report_rate(&title, &wall);
        report(
            &format!(
                "calls, {in_flight} in flight: process CPU time per call (client + server, all threads)"
            ),
            &cpu,
        );
        let ratio = wall[1].ratio_to(&wall[0]);
        println!(
            "target client (V3) within 10% of the floor, {in_flight} in flight: {:+.1}% (wall), {:+.1}% (CPU) -> {}",
            (ratio - 1.0) * 100.0,
            (cpu[1].ratio_to(&cpu[0]) - 1.0) * 100.0,
            verdict(ratio <= 1.10)
        );
        if in_flight == 1 {
            sequential_client = wall[1].median();
        }
    }
    if alloc::installed() {
        println!("\nheap allocations per call (sequential, 500 calls, server side included):");
        for (name, call) in &cases {
            let ((), counts) = alloc::measure(|| {
                runtime.block_on(burst(call, 1, 500));
            });
            let per = counts.allocations as f64 / 500.0;
            println!("  {name:<50} {per:>7.0}");
        }
    }
    sequential_client
}

/// Makes `calls` sequential calls of case `index` of the calls suite (0 the floor, 1 the V3
/// client): a driver to run under a profiler (`valgrind --tool=callgrind`, `perf`).
pub fn profile(runtime: &Runtime, index: usize, calls: usize) {
    let CallCases {
        _servers: _keep,
        cases,
    } = call_cases(runtime, Bytes::from(page::bench_page()));
    let (name, call) = &cases[index];
    let start = Instant::now();
    runtime.block_on(burst(call, 1, calls));
    let took = start.elapsed().as_secs_f64();
    println!("{name}: {calls} calls, {:.0} calls/s", calls as f64 / took);
}

// ---------------------------------------------------------------------------------------------
// 4. Pagination

/// The logs per page the paginated server serves.
pub const PAGE_SIZE: usize = 100;

/// Walks every page through the paginator's `.items()`, one item at a time; returns the count.
pub async fn walk_items(client: &Client) -> usize {
    let mut items = client
        .list_execution_logs()
        .execution_id(EXECUTION_ID)
        .into_paginator()
        .page_size(PAGE_SIZE as i32)
        .items();
    let mut count = 0;
    while let Some(log) = items.try_next().await.expect("page") {
        black_box(&log);
        count += 1;
    }
    count
}

/// The floor of a walk: the same requests with bare reqwest, each page parsed and its items
/// taken one at a time.
pub async fn walk_floor(http: &reqwest::Client, base: &str) -> usize {
    let mut count = 0;
    let mut token: Option<String> = None;
    loop {
        let mut url = format!("{base}/?ExecutionId={EXECUTION_ID}&MaxResults={PAGE_SIZE}");
        if let Some(token) = &token {
            url.push_str("&NextToken=");
            url.push_str(token);
        }
        let page = floor_call(http, &url).await;
        for log in page.execution_logs.unwrap_or_default() {
            black_box(&log);
            count += 1;
        }
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            return count;
        }
    }
}

/// Times the paginator over 10,000 logs against the floor, and measures peak heap for 1,000,
/// 10,000 and 100,000 logs.
pub fn paginate(runtime: &Runtime) {
    println!("\n# 4. Paginator: ListExecutionLogs .items() in pages of {PAGE_SIZE}");
    let totals = [1_000usize, 10_000, 100_000];
    let mut peaks: Vec<(usize, usize, usize)> = Vec::new();
    for total in totals {
        let server = Server::start(Answer::Pages {
            total,
            page_size: PAGE_SIZE,
        });
        let url = server.url();
        let client = oos_client(&url, SignatureMethod::Acs3HmacSha256);
        let http = floor_client();
        runtime.block_on(async {
            assert_eq!(walk_items(&client).await, total);
            assert_eq!(walk_floor(&http, &url).await, total);
        });
        if total == 10_000 {
            let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
            for _ in 0..7 {
                let start = Instant::now();
                runtime.block_on(walk_floor(&http, &url));
                times[0].push(start.elapsed().as_nanos() as f64);
                let start = Instant::now();
                runtime.block_on(walk_items(&client));
                times[1].push(start.elapsed().as_nanos() as f64);
            }
            let measured: Vec<Measured> = [
                "floor: bare reqwest page loop [baseline]",
                "Paginator::items(), one item at a time",
            ]
            .iter()
            .zip(times)
            .map(|(name, rounds)| Measured {
                name: (*name).to_owned(),
                rounds,
            })
            .collect();
            report(
                &format!(
                    "walk {total} logs ({} pages), time per walk",
                    total / PAGE_SIZE
                ),
                &measured,
            );
        }
        if alloc::installed() {
            // The median of three walks: hyper's adaptive read buffers (client and server)
            // make single figures jitter by some kilobytes.
            let peak = |f: &dyn Fn() -> usize| {
                let mut peaks: Vec<usize> = (0..3)
                    .map(|_| {
                        let (count, counts) = alloc::measure(f);
                        assert_eq!(count, total);
                        counts.peak_bytes
                    })
                    .collect();
                peaks.sort_unstable();
                peaks[1]
            };
            let items = peak(&|| runtime.block_on(walk_items(&client)));
            let floor = peak(&|| runtime.block_on(walk_floor(&http, &url)));
            peaks.push((total, items, floor));
        }
    }
    if peaks.is_empty() {
        println!("peak heap: not measured (the counting allocator is not installed)");
        return;
    }
    println!(
        "\npeak heap: the most the process's live bytes grew during one walk (client, server \
         and runtime threads; counted afresh for each walk; median of 3 walks):"
    );
    println!(
        "{:>8} {:>6} {:>22} {:>12} {:>22}",
        "logs", "pages", "Paginator::items()", "vs 1,000", "floor page loop"
    );
    let first = peaks[0].1 as f64;
    for (total, items, floor) in &peaks {
        println!(
            "{:>8} {:>6} {:>16} bytes {:>11.2}x {:>16} bytes",
            total,
            total / PAGE_SIZE,
            items,
            *items as f64 / first,
            floor
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Code generation

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate is in the workspace")
        .to_owned()
}

/// Times `codegen::tree::outputs` (what `cargo xtask codegen` computes) against loading the
/// specs alone.
pub fn codegen() {
    let root = workspace_root();
    let outputs = codegen::tree::outputs(&root).expect("codegen");
    let bytes: usize = outputs.iter().map(|o| o.contents.len()).sum();
    let specs: usize = codegen::tree::JOBS
        .iter()
        .map(|job| {
            codegen::load_dir(&root.join(job.specs))
                .expect("specs load")
                .actions
                .len()
        })
        .sum();
    println!(
        "\n# 5. Code generation: {specs} action specs -> {} files, {bytes} bytes",
        outputs.len()
    );
    let mut cases = vec![
        Case::new(
            "load and check the specs only (load_dir) [baseline]",
            || {
                for job in codegen::tree::JOBS {
                    black_box(codegen::load_dir(&root.join(job.specs)).expect("specs load"));
                }
            },
        ),
        Case::new("codegen::tree::outputs (cargo xtask codegen)", || {
            black_box(codegen::tree::outputs(&root).expect("codegen"));
        }),
    ];
    let measured = compare(
        Plan {
            round: Duration::from_millis(200),
            rounds: 9,
        },
        &mut cases,
    );
    report("codegen (time per run over the whole spec tree)", &measured);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn every_call_case_gets_the_fixed_page() {
        let runtime = runtime();
        let CallCases {
            _servers: _keep,
            cases,
        } = call_cases(&runtime, Bytes::from(page::bench_page()));
        assert_eq!(cases.len(), 5);
        for (name, call) in &cases {
            // Each call asserts that the page parsed into 50 entries.
            let took = runtime.block_on(burst(call, 2, 4));
            assert!(took < Duration::from_secs(30), "{name}");
        }
    }

    #[test]
    fn the_paginated_server_chains_its_pages() {
        let runtime = runtime();
        let server = Server::start(Answer::Pages {
            total: 250,
            page_size: PAGE_SIZE,
        });
        let client = oos_client(&server.url(), SignatureMethod::Acs3HmacSha256);
        let pages: Vec<ListExecutionLogsOutput> = runtime
            .block_on(
                client
                    .list_execution_logs()
                    .execution_id(EXECUTION_ID)
                    .into_paginator()
                    .page_size(PAGE_SIZE as i32)
                    .try_collect(),
            )
            .expect("pages");
        let sizes: Vec<usize> = pages
            .iter()
            .map(|p| p.execution_logs.as_ref().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [100, 100, 50]);
        assert_eq!(pages[2].next_token, None);
        let first = pages[1].execution_logs.as_ref().expect("logs")[0].clone();
        assert_eq!(
            first.timestamp.as_deref(),
            Some(page::timestamp(100).as_str())
        );
        assert_eq!(runtime.block_on(walk_items(&client)), 250);
        assert_eq!(
            runtime.block_on(walk_floor(&floor_client(), &server.url())),
            250
        );
    }

    #[test]
    fn the_codegen_suite_finds_the_spec_tree() {
        let outputs = codegen::tree::outputs(&workspace_root()).expect("codegen");
        assert!(outputs.len() > 2);
    }
}
