//! `cargo xtask`: the workspace's maintainer tasks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "oos-rs maintainer tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate oos-api's operation modules (and the fixture and sample-test code) from the specs.
    Codegen {
        /// Change nothing; exit non-zero and name each file that is stale.
        #[arg(long)]
        check: bool,
    },
    /// Import API reference pages: write each action's spec to spec/oos/ (and keep the page in docs/oos/).
    ImportDoc {
        /// Reference pages in the plain-text format of docs/oos/.
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// Print the specs instead of writing them.
        #[arg(long)]
        stdout: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.task {
        Task::Codegen { check } => codegen(&root, check),
        Task::ImportDoc { pages, stdout } => import_doc(&root, &pages, stdout),
    }
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn codegen(root: &Path, check: bool) -> ExitCode {
    let started = Instant::now();
    if check {
        return match codegen::tree::check(root) {
            Ok(stale) if stale.is_empty() => {
                println!("generated code is up to date ({:.0?})", started.elapsed());
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for s in &stale {
                    eprintln!("{s}");
                }
                eprintln!(
                    "{} generated file(s) are stale: run `cargo xtask codegen`",
                    stale.len()
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    match codegen::tree::write(root) {
        Ok(report) => {
            for path in &report.written {
                println!("wrote {}", path.display());
            }
            for path in &report.removed {
                println!("removed {}", path.display());
            }
            println!(
                "codegen: {} written, {} unchanged, {} removed in {:.0?}",
                report.written.len(),
                report.unchanged,
                report.removed.len(),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn import_doc(root: &Path, pages: &[PathBuf], stdout: bool) -> ExitCode {
    let spec_dir = root.join("spec/oos");
    let service_path = spec_dir.join(codegen::load::SERVICE_FILE);
    let service = match std::fs::read_to_string(&service_path)
        .map_err(|e| format!("{}: {e}", service_path.display()))
        .and_then(|text| {
            codegen::load::parse_service(&service_path, &text).map_err(|e| e.to_string())
        }) {
        Ok(service) => service,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Every page is read and checked before anything is written.
    let mut imported = Vec::new();
    for page in pages {
        let text = match std::fs::read_to_string(page) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: {}: {e}", page.display());
                return ExitCode::FAILURE;
            }
        };
        let existing =
            |action: &str| std::fs::read_to_string(spec_dir.join(format!("{action}.yaml"))).ok();
        match codegen::import::import(page, &text, &service, existing) {
            Ok((action, spec)) => imported.push((page, text, action, spec)),
            Err(e) => {
                eprintln!("error: {e}\nnothing was written");
                return ExitCode::FAILURE;
            }
        }
    }
    for (page, text, action, spec) in imported {
        if stdout {
            print!("{spec}");
            continue;
        }
        let spec_path = spec_dir.join(format!("{action}.yaml"));
        let doc_path = root
            .join("docs/oos")
            .join(page.file_name().unwrap_or_default());
        let written = std::fs::write(&spec_path, &spec).and_then(|()| {
            let same = std::fs::read_to_string(&doc_path).is_ok_and(|t| t == text);
            if same {
                Ok(())
            } else {
                std::fs::write(&doc_path, &text)
            }
        });
        match written {
            Ok(()) => println!(
                "wrote {} (from {})",
                spec_path.strip_prefix(root).unwrap_or(&spec_path).display(),
                page.display()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
