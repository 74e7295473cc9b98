//! `cargo xtask`: the workspace's maintainer tasks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod survey;

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
    /// Import API reference pages: write each action's spec (merged with its OpenAPI metadata) to spec/oos/, and keep the page in docs/oos/.
    ImportDoc {
        /// Reference pages in the plain-text format of docs/oos/.
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// Print the specs instead of writing them.
        #[arg(long)]
        stdout: bool,
    },
    /// Import Alibaba Cloud's OpenAPI metadata (api-docs.json): write the spec of every action it describes (merged with its reference page) to spec/oos/, print what changes downstream and add it to CHANGELOG.md. A document from outside the repository is copied to `docs/openapi/<product>/<version>/`.
    ImportOpenapi {
        /// The api-docs document.
        path: PathBuf,
        /// Import only these actions (repeatable); all of them by default.
        #[arg(long = "action", value_name = "NAME")]
        actions: Vec<String>,
        /// The spec directory to write to.
        #[arg(long, default_value = "spec/oos")]
        specs: PathBuf,
        /// Print the specs instead of writing them.
        #[arg(long)]
        stdout: bool,
        /// Make every warning (a key the importer does not know) an error.
        #[arg(long)]
        strict: bool,
        /// Print what the import would change downstream; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import and generate every product of a mirror of Alibaba Cloud's metadata (a git directory of dew-serverless/acs-metadata) into a scratch directory; see bench/metadata-survey.sh.
    Survey {
        /// The mirror's git directory.
        #[arg(long)]
        mirror: PathBuf,
        /// The branch or commit to read.
        #[arg(long = "ref", default_value = "HEAD")]
        reference: String,
        /// The scratch directory (outside the workspace).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.task {
        Task::Codegen { check } => codegen(&root, check),
        Task::ImportDoc { pages, stdout } => import_doc(&root, &pages, stdout),
        Task::Survey {
            mirror,
            reference,
            out,
        } => survey::run(&mirror, &reference, &out),
        Task::ImportOpenapi {
            path,
            actions,
            specs,
            stdout,
            strict,
            dry_run,
        } => import_openapi(
            &root,
            &path,
            &actions,
            &specs,
            Mode {
                stdout,
                strict,
                dry_run,
            },
        ),
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
    let sources = match codegen::import::Sources::new(root, &spec_dir) {
        Ok(sources) => sources,
        Err(e) => return fail(&e),
    };
    // Every page is read and checked, and every spec built, before anything is written.
    let imported = match sources.import_pages(pages) {
        Ok(imported) => imported,
        Err(e) => return fail(&e),
    };
    if stdout {
        return print_specs(&imported);
    }
    // The page is kept beside the others, where the specs say their sources are.
    let pages_dir = sources.service().pages.clone().map(|p| root.join(p));
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    for spec in &imported {
        let (Some(dir), Some(page)) = (&pages_dir, &spec.page) else {
            continue;
        };
        if let Err(code) = keep_copy(&mut writes, page, dir.join(format!("{}.txt", spec.action))) {
            return code;
        }
    }
    writes.extend(imported.iter().map(|s| (s.path.clone(), s.text.clone())));
    write_all(root, &writes)
}

/// How `import-openapi` runs.
struct Mode {
    stdout: bool,
    strict: bool,
    dry_run: bool,
}

fn import_openapi(
    root: &Path,
    path: &Path,
    actions: &[String],
    specs: &Path,
    mode: Mode,
) -> ExitCode {
    let Mode {
        stdout,
        strict,
        dry_run,
    } = mode;
    let spec_dir = root.join(specs);
    let sources = match codegen::import::Sources::new(root, &spec_dir) {
        Ok(sources) => sources.strict(strict),
        Err(e) => return fail(&e),
    };
    // The document is read and parsed once: the import hands back its text and where a
    // copy of it is kept.
    let codegen::import::OpenapiImport {
        specs: imported,
        text,
        copy,
    } = match sources.import_openapi_document(path, actions) {
        Ok(import) => import,
        Err(e) => return fail(&e),
    };
    for warning in sources.warnings() {
        eprintln!("warning: {warning}");
    }
    if stdout {
        return print_specs(&imported);
    }
    let changes = sources.changes(&imported);
    let shown = copy.as_deref().unwrap_or(path);
    let source = shown
        .strip_prefix(root)
        .unwrap_or(shown)
        .display()
        .to_string();
    let report = codegen::import::changes::markdown(&changes, &format!("`{source}`"));
    print!("{report}");
    if dry_run {
        println!("dry run: nothing was written");
        return ExitCode::SUCCESS;
    }
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    // The specs name the copy, so that every clone has the document they were imported from.
    if let Some(copy) = copy {
        writes.push((copy, text));
    }
    writes.extend(imported.iter().map(|s| (s.path.clone(), s.text.clone())));
    if !changes.is_empty() {
        let changelog = root.join("CHANGELOG.md");
        let text = std::fs::read_to_string(&changelog).unwrap_or_default();
        writes.push((
            changelog,
            codegen::import::changes::changelog(&text, &report),
        ));
    }
    write_all(root, &writes)
}

/// `--stdout`: the specs, one after the other.
fn print_specs(imported: &[codegen::import::Imported]) -> ExitCode {
    for spec in imported {
        print!("{}", spec.text);
    }
    ExitCode::SUCCESS
}

/// Adds a copy of the source `from` at `to` to `writes`: the specs name the copy, so that
/// every clone has what they were imported from.
fn keep_copy(
    writes: &mut Vec<(PathBuf, String)>,
    from: &Path,
    to: PathBuf,
) -> Result<(), ExitCode> {
    match std::fs::read_to_string(from) {
        Ok(text) => {
            writes.push((to, text));
            Ok(())
        }
        Err(e) => {
            eprintln!("error: {}: {e}\nnothing was written", from.display());
            Err(ExitCode::FAILURE)
        }
    }
}

fn fail(e: &codegen::SpecError) -> ExitCode {
    eprintln!("error: {e}\nnothing was written");
    ExitCode::FAILURE
}

/// Writes each file that changed, each atomically (a temporary file renamed into place).
fn write_all(root: &Path, writes: &[(PathBuf, String)]) -> ExitCode {
    let (mut written, mut unchanged) = (0, 0);
    for (path, text) in writes {
        if std::fs::read_to_string(path).is_ok_and(|t| t == *text) {
            unchanged += 1;
            continue;
        }
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, text))
            .and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = result {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!(
            "wrote {}",
            path.strip_prefix(root).unwrap_or(path).display()
        );
        written += 1;
    }
    println!("{written} written, {unchanged} unchanged");
    ExitCode::SUCCESS
}
