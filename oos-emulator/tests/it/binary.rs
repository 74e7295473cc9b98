//! The `oos-emulator` binary: first line, serving, signals, bad arguments.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::Rpc;

const BIN: &str = env!("CARGO_BIN_EXE_oos-emulator");

/// Kills the child if a test fails half-way, so no server outlives its test.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and returns it with its first stdout line.
async fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let read = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    (running, line)
}

fn url_of(line: &str) -> String {
    let url = line
        .strip_suffix('\n')
        .unwrap()
        .strip_prefix("listening on ")
        .unwrap();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    url.to_owned()
}

#[tokio::test]
async fn prints_its_url_serves_and_stops_on_sigterm() {
    let (mut running, line) = start(&["--listen", "127.0.0.1:0"]).await;
    let url = url_of(&line);
    let answer = Rpc::at(&url, &[("ExecutionId", "exec-demo-restart")])
        .send()
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["ExecutionLogs"].as_array().unwrap().len(), 12);

    let pid = running.0.id().to_string();
    if Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .is_ok_and(|s| s.success())
    {
        let status = tokio::task::spawn_blocking(move || running.0.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "{status}");
    }
}

#[tokio::test]
async fn serves_a_data_file_with_its_own_key() {
    let path = std::env::temp_dir().join(format!("oos-emulator-bin-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"executions": [{"ExecutionId": "exec-file", "Logs": [{"Message": "from file"}]}]}"#,
    )
    .unwrap();
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--data",
        path.to_str().unwrap(),
        "--access-key-id",
        "k",
        "--access-key-secret",
        "s",
    ];
    let (_running, line) = start(&args).await;
    std::fs::remove_file(&path).unwrap();
    let url = url_of(&line);
    let mut request = Rpc::at(&url, &[("ExecutionId", "exec-file")]).set("AccessKeyId", "k");
    request.secret = "s".into();
    let answer = request.send().await;
    assert_eq!(
        answer.body["ExecutionLogs"][0]["Message"], "from file",
        "{}",
        answer.text
    );
    Rpc::at(&url, &[("ExecutionId", "exec-file")])
        .send()
        .await
        .assert_error(404, "InvalidAccessKeyId.NotFound");
}

#[test]
fn bad_data_file_is_a_clear_error() {
    let path = std::env::temp_dir().join(format!("oos-emulator-bad-{}.json", std::process::id()));
    std::fs::write(&path, "{\"executions\": [\n  {\"ExecutionId\": 7}\n]}").unwrap();
    let output = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data", path.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains(path.to_str().unwrap()) && stderr.contains("line 2"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let missing = Command::new(BIN)
        .args(["--data", "/nonexistent/oos.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/oos.json"));
}

#[test]
fn bad_arguments_are_refused() {
    let half_key = Command::new(BIN)
        .args(["--access-key-id", "only"])
        .output()
        .unwrap();
    assert_eq!(
        half_key.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&half_key.stderr)
    );
    let bad_listen = Command::new(BIN)
        .args(["--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(bad_listen.status.code(), Some(2));
}

#[tokio::test]
async fn a_signal_right_after_the_first_line_stops_it_cleanly() {
    for signal in ["-TERM", "-INT"] {
        let (mut running, _) = start(&["--listen", "127.0.0.1:0"]).await;
        let pid = running.0.id().to_string();
        if !Command::new("kill")
            .args([signal, &pid])
            .status()
            .is_ok_and(|s| s.success())
        {
            return; // no kill(1) here; the guard kills the child
        }
        let status = tokio::task::spawn_blocking(move || running.0.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "{signal}: {status}");
    }
}
