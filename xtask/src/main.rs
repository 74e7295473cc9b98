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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.task {
        Task::Codegen { check } => codegen(&root, check),
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
                eprintln!("{} generated file(s) are stale: run `cargo xtask codegen`", stale.len());
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
