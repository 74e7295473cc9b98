//! The conformance pass over Alibaba's published templates, read from `../shared/oos-templates`
//! (or `OOS_TEMPLATES`) when that folder is there and skipped when it is not: the project
//! ships none of them. Every template must validate, and at least 95 % of the public ones,
//! started by name with plausible parameters under the default stubs (approvals approved),
//! must end in Success, none with the emulator's `Unsupported by the emulator:` marker. A
//! trigger template's execution keeps running by design: it is judged by the first child
//! execution its trigger starts (an event or alarm trigger is sent one through
//! `TriggerExecution`), then cancelled.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{call, V3};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::{json, Map, Value};

/// The corpus, if present: `OOS_TEMPLATES` must name it when set, as a test told where the
/// corpus is cannot skip it.
fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OOS_TEMPLATES").map(PathBuf::from) {
        assert!(dir.is_dir(), "OOS_TEMPLATES={} is no folder", dir.display());
        return Some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oos-templates");
    dir.is_dir().then_some(dir)
}

/// Every template file under `dir`, sorted, as the emulator reads public templates.
fn files(dir: &Path) -> Vec<PathBuf> {
    Data::public_template_files(dir).unwrap()
}

#[tokio::test]
async fn every_published_template_validates() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no template corpus at ../shared/oos-templates");
        return;
    };
    let emulator = Emulator::builder().start().await.unwrap();
    let files = files(&dir);
    assert!(
        files.len() > 400,
        "{} templates under {}",
        files.len(),
        dir.display()
    );
    let mut refused = Vec::new();
    for file in &files {
        let content = std::fs::read_to_string(file).unwrap();
        let answer = V3::new(&emulator, &[("Content", &content)])
            .set_header("x-acs-action", "ValidateTemplateContent")
            .form_body()
            .send()
            .await;
        if answer.status != 200 {
            refused.push(format!("{}: {}", file.display(), answer.text));
        }
    }
    assert!(
        refused.is_empty(),
        "{} of {} refused:\n{}",
        refused.len(),
        files.len(),
        refused.join("\n")
    );
}

/// A template of the test's own, for parameters that name a template to run.
const CHILD: &str = "conformance-child";

/// A value OOS would accept for a parameter the template leaves without a default: the
/// first allowed value, else one of its type (shaped by what the parameter stands for).
fn plausible(name: &str, declaration: &Value) -> Value {
    if let Some(first) = declaration["AllowedValues"].get(0) {
        return match declaration["Type"].as_str() {
            Some("List") => json!([first]),
            _ => first.clone(),
        };
    }
    if name.to_ascii_lowercase().contains("templatename") {
        return json!(CHILD);
    }
    let hint = format!(
        "{name} {}",
        declaration["AssociationProperty"].as_str().unwrap_or("")
    )
    .to_ascii_lowercase();
    let text = if hint.contains("cron") {
        "0 0 12 ? * *".to_owned()
    } else if hint.contains("region") {
        "cn-hangzhou".to_owned()
    } else if hint.contains("instancetype") {
        "ecs.g6.large".to_owned()
    } else if hint.contains("disk") && !hint.contains("category") {
        "d-emulator0001".to_owned()
    } else if hint.contains("snapshot") {
        "s-emulator0001".to_owned()
    } else if hint.contains("instance") {
        "i-emulator0001".to_owned()
    } else if declaration["AssociationPropertyMetadata"]["Format"].as_str() == Some("HH:mm:ssZ") {
        "08:00:00Z".to_owned()
    } else if hint.contains("time") || hint.contains("date") {
        soon()
    } else {
        let min = declaration["MinLength"].as_u64().unwrap_or(1) as usize;
        "x".repeat(min.max(8))
    };
    match declaration["Type"].as_str() {
        Some("Number") => json!(declaration["MinValue"].as_i64().unwrap_or(1).max(1)),
        Some("Boolean") => json!(false),
        Some("List") => json!([text]),
        Some("Json") if hint.contains("timer") || hint.contains("trigger") => {
            json!({"type": "rate", "expression": "1 hour", "endDate": soon(), "timeZone": "UTC"})
        }
        Some("Json") if hint.contains("targets") || hint.contains("target") => {
            json!({"Type": "ResourceIds", "ResourceIds": ["i-emulator0001"], "RegionId": "cn-hangzhou"})
        }
        Some("Json") => json!({}),
        _ => json!(text),
    }
}

/// Values tried in turn for a parameter whose `AllowedPattern` refuses the plausible one.
const PATTERNED: [&str; 15] = [
    "ecs.g6.large",
    "d-emulator0001",
    "sg-emulator0001",
    "vsw-emulator0001",
    "s-emulator0001",
    "ABC",
    "10",
    "50",
    "{{oos-secret:emulator}}",
    "Emulator2024",
    "192.168.0.1",
    "oss://emulator/key",
    "key=value",
    "emulator",
    "",
];

/// The parameter a refusal names as not matched by its `AllowedPattern`, if it does.
fn unmatched(refusal: &str) -> Option<String> {
    let (before, _) = refusal.split_once(", not matched by its AllowedPattern")?;
    let name = before.rsplit_once("parameter ")?.1.split(' ').next()?;
    Some(name.to_owned())
}

/// Two days from now: a timer's EndDate that bounds how often it fires, as the clock runs
/// fast.
fn soon() -> String {
    crate::common::timestamp(2 * 24 * 3600)
}

/// Parameters for every declared one without a default.
fn parameters(content: &str) -> Map<String, Value> {
    let parsed: Value = if content.trim_start().starts_with('{') {
        serde_json::from_str(content).unwrap()
    } else {
        yaml_serde::from_str(content).unwrap()
    };
    let mut given = Map::new();
    for (name, declaration) in parsed["Parameters"].as_object().into_iter().flatten() {
        if declaration.get("Default").is_none() {
            given.insert(name.clone(), plausible(name, declaration));
        }
    }
    given
}

/// The execution's status and message once it ends, approving what waits for approval; a
/// trigger's execution, that of the first child execution to end.
async fn outcome(emulator: &RunningEmulator, id: &str, until: Instant) -> (String, String) {
    let mut triggered = false;
    loop {
        let listed = call(emulator, "ListExecutions", &[("ExecutionId", id)]).await;
        let execution = &listed.body["Executions"][0];
        let mut status = execution["Status"].as_str().unwrap_or("").to_owned();
        let category = execution["Category"].as_str().unwrap_or("");
        if category.ends_with("Trigger") {
            let last = execution["LastTriggerStatus"].as_str().unwrap_or("");
            if !last.is_empty() {
                call(emulator, "CancelExecution", &[("ExecutionId", id)]).await;
                let message = execution["LastTriggerStatusMessage"].as_str().unwrap_or("");
                return (last.to_owned(), message.to_owned());
            }
            if status == "Running" {
                if !triggered && category != "TimerTrigger" {
                    let kind = category.trim_end_matches("Trigger");
                    let fired = call(
                        emulator,
                        "TriggerExecution",
                        &[
                            ("RegionId", "cn-hangzhou"),
                            ("ExecutionId", id),
                            ("Type", kind),
                        ],
                    )
                    .await;
                    triggered = fired.status == 200;
                }
                let waiting = call(
                    emulator,
                    "ListExecutions",
                    &[("ParentExecutionId", id), ("Status", "Waiting")],
                )
                .await;
                for child in waiting.body["Executions"].as_array().into_iter().flatten() {
                    let child = child["ExecutionId"].as_str().unwrap_or("");
                    call(
                        emulator,
                        "NotifyExecution",
                        &[("ExecutionId", child), ("NotifyType", "Approve")],
                    )
                    .await;
                }
                // Judged by its first child, not by its own end.
                status = "Waiting for a firing".to_owned();
            }
        }
        match status.as_str() {
            "Success" | "Failed" | "Cancelled" => {
                return (
                    status,
                    execution["StatusMessage"].as_str().unwrap_or("").to_owned(),
                )
            }
            _ if Instant::now() > until => return (status, "did not end in time".to_owned()),
            "Waiting for a firing" => tokio::time::sleep(Duration::from_millis(5)).await,
            "Waiting" => {
                call(
                    emulator,
                    "NotifyExecution",
                    &[("ExecutionId", id), ("NotifyType", "Approve")],
                )
                .await;
            }
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_templates_run_to_success_under_default_stubs() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no template corpus at ../shared/oos-templates");
        return;
    };
    let emulator = Emulator::builder()
        .public_templates(&dir)
        .unwrap()
        .clock_speed(1_000_000.0)
        .start()
        .await
        .unwrap();
    let child = "FormatVersion: OOS-2019-06-01\nParameters:\n  parameters:\n    Type: Json\n    Default: {}\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties:\n      Duration: PT1S\n";
    let created = V3::new(&emulator, &[("TemplateName", CHILD), ("Content", child)])
        .set_header("x-acs-action", "CreateTemplate")
        .send()
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let public: Vec<PathBuf> = files(&dir.join("PublicTemplates"));
    assert!(
        public.len() >= 282,
        "{} public templates under {}",
        public.len(),
        dir.display()
    );
    let mut started = Vec::new();
    for file in &public {
        let name = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let content = std::fs::read_to_string(file).unwrap();
        let mut given = parameters(&content);
        // A value its AllowedPattern refuses is replaced by the next of PATTERNED, in turn.
        let mut tried = std::collections::HashMap::<String, usize>::new();
        let answer = loop {
            let text = Value::Object(given.clone()).to_string();
            let answer = V3::new(&emulator, &[("TemplateName", &name), ("Parameters", &text)])
                .set_header("x-acs-action", "StartExecution")
                .form_body()
                .send()
                .await;
            let Some(parameter) = unmatched(answer.message()) else {
                break answer;
            };
            let next = tried.entry(parameter.clone()).or_default();
            let Some(value) = PATTERNED.get(*next) else {
                break answer;
            };
            *next += 1;
            let value = match given.get(&parameter) {
                Some(Value::Array(_)) => json!([value]),
                Some(Value::Number(_)) => value.parse::<i64>().map_or(json!(value), |n| json!(n)),
                _ => json!(value),
            };
            given.insert(parameter, value);
        };
        let id = answer.body["Execution"]["ExecutionId"]
            .as_str()
            .map(str::to_owned);
        let trigger = [
            "ACS::TimerTrigger",
            "ACS::EventTrigger",
            "ACS::AlarmTrigger",
        ]
        .iter()
        .any(|t| content.contains(t));
        let judged = match id {
            // A trigger keeps firing on the fast clock: it is judged, and cancelled, at once.
            Some(id) if trigger => {
                let until = Instant::now() + Duration::from_secs(10);
                Err(outcome(&emulator, &id, until).await)
            }
            Some(id) => Ok(id),
            None => Err(("Refused".to_owned(), answer.text)),
        };
        started.push((name, judged));
    }
    let until = Instant::now() + Duration::from_secs(60);
    let mut failures = Vec::new();
    let mut unsupported = Vec::new();
    for (name, id) in &started {
        let (status, message) = match id {
            Ok(id) => outcome(&emulator, id, until).await,
            Err(judged) => judged.clone(),
        };
        if message.contains("Unsupported by the emulator:") {
            unsupported.push(format!("{name}: {message}"));
        }
        if status != "Success" {
            failures.push(format!("{name}: {status}: {message}"));
        }
    }
    let succeeded = started.len() - failures.len();
    let rate = succeeded as f64 * 100.0 / started.len() as f64;
    eprintln!(
        "{succeeded} of {} public templates succeeded ({rate:.1} %)\n{}",
        started.len(),
        failures.join("\n")
    );
    assert!(
        unsupported.is_empty(),
        "{} ended with the emulator's marker:\n{}",
        unsupported.len(),
        unsupported.join("\n")
    );
    assert!(
        rate >= 95.0,
        "{rate:.1} % succeeded:\n{}",
        failures.join("\n")
    );
}
