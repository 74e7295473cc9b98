//! How fast the emulator answers while it runs many executions: 300 executions of a template
//! with a loop, retries, a WaitFor on a stubbed sequence, sleeps and stubbed calls, all
//! started at once at clock speed 1000, while clients call `ListExecutions`,
//! `ListTaskExecutions` and `GetTemplate` as fast as they can. Prints the latency of those
//! calls (p50, p90, p99, max) and how many executions ended in Success.
//!
//! `cargo run --release -p oos-emulator --features test-util --example execution_bench`
//! (add `-- 600 2000 5` for 600 executions at speed 2000, measured for 5 s; speed 0 measures
//! the same calls with nothing running).

use std::time::{Duration, Instant};

use oos_api::SignatureMethod;
use oos_emulator::test_util::client_for;
use oos_emulator::{Emulator, Stub};
use serde_json::json;

const TEMPLATE: &str = "FormatVersion: OOS-2019-06-01
Parameters:
  ids: {Type: List, Default: [i-1, i-2, i-3, i-4, i-5, i-6]}
Tasks:
  - Name: describe
    Action: ACS::ExecuteAPI
    Properties: {Service: ECS, API: DescribeInstances, Parameters: {RegionId: '{{ ACS::RegionId }}'}}
    Outputs:
      ids: {Type: List, ValueSelector: '.Instances.Instance[].InstanceId'}
  - Name: each
    Action: ACS::ExecuteAPI
    Retries: 2
    Properties: {Service: ECS, API: StopInstance, Parameters: {InstanceId: '{{ ACS::TaskLoopItem }}'}}
    Loop:
      Items: '{{ ids }}'
      RateControl: {Mode: Concurrency, Concurrency: 2, MaxErrors: 0}
  - Name: wait
    Action: ACS::WaitFor
    Delay: 5
    Properties:
      Service: ECS
      API: DescribeInstanceStatus
      PropertySelector: .Status
      DesiredValues: [Stopped]
  - Name: pause
    Action: ACS::Sleep
    Properties: {Duration: PT2M}
  - Name: pick
    Action: ACS::Choice
    Properties:
      DefaultTask: ACS::END
      Choices:
        - When: {'Fn::Equals': [{'Fn::Select': [0, '{{ describe.ids }}']}, i-1]}
          NextTask: done
  - Name: done
    Action: ACS::Sleep
    Properties: {Duration: 30s}
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let executions: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(300);
    let speed: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000.0);
    // Seconds of measuring; by default twice the template's emulated length, at least 2 s
    // (and 2 s at speed 0, the baseline, where nothing advances).
    let default_span = if speed > 0.0 {
        (400.0 / speed).max(2.0)
    } else {
        2.0
    };
    let span = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default_span);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(executions, speed, Duration::from_secs_f64(span)));
}

async fn run(executions: usize, speed: f64, span: Duration) {
    let emulator = Emulator::builder()
        .clock_speed(speed)
        .stub(Stub::new(
            "ECS",
            "DescribeInstances",
            json!({"Instances": {"Instance": [{"InstanceId": "i-1"}, {"InstanceId": "i-2"}]}}),
        ))
        .stub(
            Stub::new("ECS", "DescribeInstanceStatus", json!(null)).sequence(vec![
                json!({"Status": "Stopping"}),
                json!({"Status": "Stopped"}),
            ]),
        )
        .start()
        .await
        .expect("the emulator starts");
    let client = client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    client
        .create_template()
        .template_name("bench")
        .content(TEMPLATE)
        .send()
        .await
        .expect("the template is created");

    let started = Instant::now();
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..executions {
        let client = client.clone();
        starts.spawn(async move {
            let execution = client.start_execution().template_name("bench").send().await;
            execution
                .expect("started")
                .execution
                .and_then(|e| e.execution_id)
                .unwrap_or_default()
        });
    }
    let mut ids = Vec::new();
    while let Some(id) = starts.join_next().await {
        ids.push(id.expect("a start"));
    }
    let start_time = started.elapsed();

    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..8 {
        let client = client.clone();
        let ids = ids.clone();
        callers.spawn(async move {
            let mut latencies = Vec::new();
            let until = Instant::now() + span;
            let mut i = caller;
            while Instant::now() < until {
                let id = &ids[i % ids.len()];
                let at = Instant::now();
                let ok = match i % 3 {
                    0 => client
                        .list_executions()
                        .execution_id(id)
                        .send()
                        .await
                        .is_ok(),
                    1 => client
                        .list_task_executions()
                        .execution_id(id)
                        .send()
                        .await
                        .is_ok(),
                    _ => client
                        .get_template()
                        .template_name("bench")
                        .send()
                        .await
                        .is_ok(),
                };
                assert!(ok, "a call failed");
                latencies.push(at.elapsed());
                i += 8;
            }
            latencies
        });
    }
    let mut latencies = Vec::new();
    while let Some(part) = callers.join_next().await {
        latencies.extend(part.expect("a caller"));
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    let succeeded = count_succeeded(&client, &ids).await;
    println!(
        "{executions} executions at speed {speed}: started in {start_time:.2?}; {} API calls while they ran: p50 {:.2?}, p90 {:.2?}, p99 {:.2?}, max {:.2?}; {succeeded} ended in Success",
        latencies.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
    );
}

async fn count_succeeded(client: &oos_api::Client, ids: &[String]) -> usize {
    let mut n = 0;
    for id in ids {
        let listed = client
            .list_executions()
            .execution_id(id)
            .send()
            .await
            .expect("listed");
        let status = listed
            .executions
            .and_then(|mut e| e.pop())
            .and_then(|e| e.status)
            .map(|s| s.as_str().to_owned());
        n += usize::from(status.as_deref() == Some("Success"));
    }
    n
}
