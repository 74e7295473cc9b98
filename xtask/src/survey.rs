//! `cargo xtask survey`: the importer and the generator over every product of a mirror of
//! Alibaba Cloud's metadata (the git repository `dew-serverless/acs-metadata`), into a scratch
//! directory, never into the workspace. `bench/metadata-survey.sh` runs it and compiles the
//! largest products; `docs/metadata-survey.md` holds the figures.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// What became of one document.
struct Outcome {
    product: String,
    version: String,
    actions: usize,
    imported: usize,
    warnings: usize,
    generated: bool,
    lines: usize,
    refusal: Option<String>,
}

pub fn run(mirror: &Path, reference: &str, out: &Path) -> ExitCode {
    let started = Instant::now();
    let listing = match git(
        mirror,
        &["ls-tree", "-r", "--name-only", reference, "en_us"],
    ) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let docs: Vec<&str> = listing
        .lines()
        .filter(|l| l.ends_with("/api-docs.json"))
        .collect();
    let mut outcomes = Vec::new();
    for doc in &docs {
        let parts: Vec<&str> = doc.split('/').collect();
        let (product, version) = (parts[1], parts[2]);
        let dir = out.join(product).join(version);
        let outcome = survey_one(mirror, reference, doc, &dir, product, version);
        match &outcome.refusal {
            Some(why) => eprintln!("{product} {version}: {why}"),
            None => eprintln!(
                "{product} {version}: {} actions imported and generated",
                outcome.imported
            ),
        }
        outcomes.push(outcome);
    }
    let report = table(&outcomes, reference);
    let path = out.join("survey.md");
    if let Err(e) = fs::write(&path, &report) {
        eprintln!("error: {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("{report}");
    println!(
        "{} documents in {:.0?}; report in {}",
        docs.len(),
        started.elapsed(),
        path.display()
    );
    ExitCode::SUCCESS
}

fn git(mirror: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(mirror)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("git output: {e}"))
}

fn survey_one(
    mirror: &Path,
    reference: &str,
    doc: &str,
    dir: &Path,
    product: &str,
    version: &str,
) -> Outcome {
    let mut outcome = Outcome {
        product: product.to_owned(),
        version: version.to_owned(),
        actions: 0,
        imported: 0,
        warnings: 0,
        generated: false,
        lines: 0,
        refusal: None,
    };
    if let Err(why) = import_and_generate(mirror, reference, doc, dir, &mut outcome) {
        // One line: the first of the error's, which names the file, the JSON path and what.
        outcome.refusal = Some(why.lines().next().unwrap_or_default().to_owned());
    }
    outcome
}

fn import_and_generate(
    mirror: &Path,
    reference: &str,
    doc: &str,
    dir: &Path,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let text = git(mirror, &["show", &format!("{reference}:{doc}")])?;
    let _ = fs::remove_dir_all(dir);
    let specs = dir.join("spec");
    fs::create_dir_all(&specs).map_err(|e| e.to_string())?;
    let path = dir.join("api-docs.json");
    fs::write(&path, &text).map_err(|e| e.to_string())?;
    let parsed = codegen::import::openapi::Document::parse(&path, &text)
        .map_err(|e| e.to_string().replace(&format!("{}: ", path.display()), ""))?;
    outcome.actions = parsed.actions().len();
    let service = format!(
        "product: {product}\napi_version: \"{version}\"\nendpoint: {code}.{{region}}.aliyuncs.com\nvpc_endpoint: {code}-vpc.{{region}}.aliyuncs.com\nsources:\n  openapi: api-docs.json\n",
        product = serde_quote(parsed.product()),
        version = parsed.version(),
        code = parsed.product().to_ascii_lowercase(),
    );
    fs::write(specs.join("service.yaml"), service).map_err(|e| e.to_string())?;
    let sources = codegen::import::Sources::new(dir, &specs).map_err(|e| e.to_string())?;
    let imported = sources
        .import_openapi(&path, &[])
        .map_err(|e| e.to_string().replace(&format!("{}: ", path.display()), ""))?;
    outcome.warnings = sources.warnings().len();
    for spec in &imported {
        fs::write(&spec.path, &spec.text).map_err(|e| e.to_string())?;
    }
    outcome.imported = imported.len();
    let set = codegen::load_dir(&specs).map_err(|e| format!("generation: {e}"))?;
    let generated = dir.join("generated");
    for (file, label, tokens) in codegen::generate::files(&set, "spec") {
        let code = codegen::generate::render(&label, tokens)?;
        outcome.lines += code.lines().count();
        let target = generated.join(file);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        fs::write(target, code).map_err(|e| e.to_string())?;
    }
    outcome.generated = true;
    Ok(())
}

/// A product code as a YAML scalar.
fn serde_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn table(outcomes: &[Outcome], reference: &str) -> String {
    let ok: Vec<&Outcome> = outcomes.iter().filter(|o| o.generated).collect();
    let products = |list: &[&Outcome]| {
        let mut names: Vec<&str> = list.iter().map(|o| o.product.as_str()).collect();
        names.dedup();
        names.len()
    };
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Mirror ref `{reference}`: {} documents ({} products), {} actions.\n",
        outcomes.len(),
        products(&all),
        outcomes.iter().map(|o| o.actions).sum::<usize>()
    );
    let _ = writeln!(
        out,
        "Imported and generated: {} documents ({} products), {} actions, {} lines of Rust; {} warnings (unknown keys, actions left out).\n",
        ok.len(),
        products(&ok),
        ok.iter().map(|o| o.imported).sum::<usize>(),
        ok.iter().map(|o| o.lines).sum::<usize>(),
        ok.iter().map(|o| o.warnings).sum::<usize>()
    );
    let _ = writeln!(
        out,
        "| product | version | actions | imported | generated lines | refusal |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | --- |");
    for o in outcomes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            o.product,
            o.version,
            o.actions,
            o.imported,
            o.lines,
            o.refusal
                .as_deref()
                .unwrap_or("")
                .replace('|', "\\|")
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    out
}
