//! Public template files are checked as `ValidateTemplateContent` checks a template when
//! they are loaded: one that OOS would refuse stops the emulator from starting, with the
//! file, line, task and key at fault, from the library and from the binary alike.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oos_emulator::{Data, Emulator};

const BIN: &str = env!("CARGO_BIN_EXE_oos-emulator");

/// A fresh folder of public templates, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "oos-emulator-public-check-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, content) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const VALID: &str = "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: wait
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
";

/// Parses as YAML; line 6 names a task that does not exist.
const INVALID: &str = "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: stop
    Action: ACS::Sleep
    Properties: {Duration: PT1S}
    OnError: stopp
";

#[tokio::test]
async fn an_invalid_public_template_stops_the_emulator_from_starting() {
    let folder = Folder::new(
        "library",
        &[("Good.yml", VALID), ("nested/Broken-Stop.yml", INVALID)],
    );
    let refused = match Emulator::builder().public_templates(folder.path()) {
        Ok(_) => panic!("an invalid public template was loaded"),
        Err(e) => e.to_string(),
    };
    let file = folder.path().join("nested/Broken-Stop.yml");
    assert!(
        refused.starts_with(&format!("{}: ", file.display())),
        "{refused}"
    );
    assert!(
        refused.contains(
            "the template is not valid: line 6, task stop, key OnError: no task is named stopp"
        ),
        "{refused}"
    );
    // Data loads the same way.
    let refused = Data::new()
        .with_public_templates(folder.path())
        .unwrap_err();
    assert!(
        refused.to_string().contains("no task is named stopp"),
        "{refused}"
    );
}

#[tokio::test]
async fn valid_public_templates_load_and_start() {
    let folder = Folder::new(
        "valid",
        &[
            ("Good.yml", VALID),
            (
                "Good-Json.json",
                r#"{"FormatVersion": "OOS-2019-06-01", "Tasks": [{"Name": "a", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]}"#,
            ),
        ],
    );
    let emulator = Emulator::builder()
        .public_templates(folder.path())
        .unwrap()
        .start()
        .await
        .unwrap();
    let listed = crate::common::call(&emulator, "ListTemplates", &[("ShareType", "Public")]).await;
    assert_eq!(
        listed.body["Templates"].as_array().map(Vec::len),
        Some(2),
        "{}",
        listed.text
    );
}

#[test]
fn the_binary_refuses_an_invalid_public_template() {
    let folder = Folder::new(
        "binary",
        &[("Good.yml", VALID), ("Not-A-Map.yml", "- just\n- a list\n")],
    );
    let mut child = Command::new(BIN)
        .arg("--public-templates")
        .arg(folder.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Loaded, it would serve until stopped: stop it, and fail, rather than wait.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the emulator started with an invalid public template");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "it must not start listening");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file = folder.path().join("Not-A-Map.yml");
    assert!(
        stderr.contains(&format!("{}: ", file.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("the template is not valid: line 1: the template must be a map"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
