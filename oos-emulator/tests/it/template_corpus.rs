//! The conformance pass over Alibaba's published templates, read from `../shared/oos-templates`
//! (or `OOS_TEMPLATES`) when that folder is there and skipped when it is not: the project
//! ships none of them. Every template must validate.

use std::path::{Path, PathBuf};

use crate::common::V3;
use oos_emulator::Emulator;

/// The corpus, if present.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("OOS_TEMPLATES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oos-templates")
        });
    dir.is_dir().then_some(dir)
}

/// Every template file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml" | "json")
            ) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
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
