//! `cargo xtask survey`: the importer and the generator over every product of a mirror of
//! Alibaba Cloud's metadata (the git repository `dew-serverless/acs-metadata`), into a scratch
//! directory, never into the workspace. `bench/metadata-survey.sh` runs it and compiles the
//! largest products; `docs/metadata-survey.md` holds the figures.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use codegen::import::json::Json;

/// What became of one document.
struct Outcome {
    product: String,
    version: String,
    actions: usize,
    imported: usize,
    /// What each warning says, its quoted names and JSON path left out, for the tally.
    warning_kinds: Vec<String>,
    generated: bool,
    lines: usize,
    refusal: Option<String>,
    /// Where the document was read from, when not at the surveyed ref (its blob is absent
    /// there: a file too large for the mirror's snapshot): the newest commit that holds it.
    source: Option<String>,
    /// Actions that list one error code under two HTTP statuses.
    two_status_actions: usize,
    /// Of those, imported with every such code kept with `also_http_status` (or left out
    /// by a documented rule: common to every action, no Rust variant).
    two_status_kept: usize,
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
        warning_kinds: Vec::new(),
        generated: false,
        lines: 0,
        refusal: None,
        source: None,
        two_status_actions: 0,
        two_status_kept: 0,
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
    let text = match git(mirror, &["show", &format!("{reference}:{doc}")]) {
        Ok(text) => text,
        Err(absent) => {
            // The snapshot lists the file but lacks its blob (the mirror's largest files):
            // the newest commit of any ref that holds one stands in, and the report says so.
            let (commit, text) = newest_present(mirror, doc).ok_or(absent)?;
            outcome.source = Some(commit);
            text
        }
    };
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
    // The document parsed above is the one imported: it is read and parsed once.
    let imported = sources
        .import_parsed_openapi(&path, &parsed, text, &[])
        .map_err(|e| e.to_string().replace(&format!("{}: ", path.display()), ""))?
        .specs;
    outcome.warning_kinds = sources
        .warnings()
        .iter()
        .map(|w| warning_kind(&w.to_string(), w.path.as_deref()))
        .collect();
    for spec in &imported {
        fs::write(&spec.path, &spec.text).map_err(|e| e.to_string())?;
    }
    let (listed, kept) = two_statuses(parsed.root(), &imported);
    outcome.two_status_actions = listed;
    outcome.two_status_kept = kept;
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

/// A warning's kind: its message without the JSON path and with quoted names elided
/// (`unknown key `…``, `reference `…` names no schema of the document: read as free-form
/// JSON`); an action left out is tallied as such.
fn warning_kind(text: &str, path: Option<&str>) -> String {
    if text.contains("is left out: the client cannot send it") {
        return "an action the client cannot send, left out".into();
    }
    let first = text.lines().next().unwrap_or_default();
    let message = match path {
        Some(path) => first
            .split_once(&format!("{path}: "))
            .map_or(first, |(_, m)| m),
        None => first,
    };
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("`…`");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The newest commit (of every ref) whose `doc` the mirror holds, with the document.
fn newest_present(mirror: &Path, doc: &str) -> Option<(String, String)> {
    let log = git(
        mirror,
        &["log", "--all", "--date-order", "--format=%H %cs", "--", doc],
    )
    .ok()?;
    log.lines().find_map(|line| {
        let (commit, date) = line.split_once(' ')?;
        let text = git(mirror, &["show", &format!("{commit}:{doc}")]).ok()?;
        Some((
            format!("{} ({date})", &commit[..commit.len().min(10)]),
            text,
        ))
    })
}

/// Of the document's actions that list one error code under two HTTP statuses: how many
/// there are, and how many were imported with each such code keeping its other statuses
/// (`also_http_status`), or left out by a documented rule (a code common to every action, or
/// one that names no Rust variant).
fn two_statuses(document: &Json, imported: &[codegen::import::Imported]) -> (usize, usize) {
    let Some(apis) = document.get_last("apis").and_then(Json::last_members) else {
        return (0, 0);
    };
    let (mut listed, mut kept) = (0, 0);
    for (action, api) in apis {
        let mut statuses: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        // What the importer reads as HTTP error statuses; a code also listed under `200` or
        // `4092` is left out of those by rule (spec/README.md).
        let error_status = |s: &str| s.parse::<u16>().is_ok_and(|n| (400..600).contains(&n));
        for (status, codes) in api
            .get_last("errorCodes")
            .and_then(Json::last_members)
            .into_iter()
            .flatten()
            .filter(|(s, _)| error_status(s))
        {
            for code in codes.as_array().into_iter().flatten() {
                if let Some(code) = code.get_last("errorCode").and_then(Json::as_str) {
                    let seen = statuses.entry(code).or_default();
                    if !seen.contains(&status) {
                        seen.push(status);
                    }
                }
            }
        }
        let twice: Vec<&str> = statuses
            .iter()
            .filter(|(_, s)| s.len() > 1)
            .map(|(c, _)| *c)
            .collect();
        if twice.is_empty() {
            continue;
        }
        listed += 1;
        let Some(spec) = imported.iter().find(|i| i.action == action) else {
            continue;
        };
        let Ok(spec) = yaml_serde::from_str::<codegen::spec::ActionSpec>(&spec.text) else {
            continue;
        };
        let all_kept = twice.iter().all(|code| {
            match spec.errors.iter().find(|e| e.code == *code) {
                Some(e) => !e.also_http_status.is_empty(),
                // Left out by rule: a common code, or one that names no variant.
                None => true,
            }
        });
        if all_kept {
            kept += 1;
        }
    }
    (listed, kept)
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
        ok.iter().map(|o| o.warning_kinds.len()).sum::<usize>()
    );
    let two: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.two_status_actions > 0)
        .collect();
    let _ = writeln!(
        out,
        "One error code under two HTTP statuses: {} actions of {} documents list one; {} of them imported and generated with every such code keeping its other statuses (`also_http_status`, or left out by rule), in {} generated documents.\n",
        two.iter().map(|o| o.two_status_actions).sum::<usize>(),
        two.len(),
        two.iter()
            .filter(|o| o.generated)
            .map(|o| o.two_status_kept)
            .sum::<usize>(),
        two.iter().filter(|o| o.generated).count(),
    );
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for kind in ok.iter().flat_map(|o| &o.warning_kinds) {
        *kinds.entry(kind.as_str()).or_default() += 1;
    }
    let _ = writeln!(out, "| warning | count |\n| --- | ---: |");
    for (kind, n) in &kinds {
        let _ = writeln!(out, "| {} | {n} |", kind.replace('|', "\\|"));
    }
    let _ = writeln!(out);
    for o in outcomes.iter().filter(|o| o.source.is_some()) {
        let _ = writeln!(
            out,
            "{} {}: the ref lacks the document's blob; read from commit {}.\n",
            o.product,
            o.version,
            o.source.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "| product | version | actions | imported | generated lines | two-status actions (kept) | refusal |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | --- |");
    for o in outcomes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} ({}) | {} |",
            o.product,
            o.version,
            o.actions,
            o.imported,
            o.lines,
            o.two_status_actions,
            o.two_status_kept,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_tallied_without_its_path_and_names() {
        let text = "x/api-docs.json: $.apis.A.responses.200.schema.properties.B.$ref: reference `#/components/schemas/C` names no schema of the document: read as free-form JSON\n  help: report this document";
        assert_eq!(
            warning_kind(
                text,
                Some("$.apis.A.responses.200.schema.properties.B.$ref")
            ),
            "reference `…` names no schema of the document: read as free-form JSON"
        );
        let left_out = "x/api-docs.json: $.apis.A.security: the action is authorised by Anonymous, not by an AccessKey\n  help: `A` is left out: the client cannot send it; the product's other actions are imported";
        assert_eq!(
            warning_kind(left_out, Some("$.apis.A.security")),
            "an action the client cannot send, left out"
        );
    }

    fn json(text: &str) -> Json {
        serde_json::from_str(text).expect("test JSON")
    }

    fn spec(action: &str, also: &str) -> codegen::import::Imported {
        codegen::import::Imported {
            action: action.into(),
            path: format!("{action}.yaml").into(),
            text: format!("action: {action}\nsummary: s\nidempotent: false\nerrors:\n  - code: Bad\n    http_status: 400\n{also}    message: m\n"),
            page: None,
        }
    }

    #[test]
    fn actions_with_a_code_under_two_error_statuses_are_counted_with_what_was_kept() {
        let document = &json(
            r#"{"apis": {
            "Kept": {"errorCodes": {"400": [{"errorCode": "Bad"}], "403": [{"errorCode": "Bad"}]}},
            "Lost": {"errorCodes": {"400": [{"errorCode": "Bad"}], "404": [{"errorCode": "Bad"}]}},
            "NotAStatus": {"errorCodes": {"400": [{"errorCode": "Bad"}], "4092": [{"errorCode": "Bad"}]}},
            "Once": {"errorCodes": {"400": [{"errorCode": "Bad"}]}}
        }}"#,
        );
        let imported = [
            spec("Kept", "    also_http_status: [403]\n"),
            spec("Lost", ""),
            spec("NotAStatus", ""),
            spec("Once", ""),
        ];
        // `4092` is no HTTP error status: `NotAStatus` lists `Bad` under one.
        assert_eq!(two_statuses(document, &imported), (2, 1));
        assert_eq!(
            two_statuses(document, &imported[..1]),
            (2, 1),
            "an action not imported is not kept"
        );
    }

    /// The counts are those of the document as serde_json reads it (they were counted from a
    /// `serde_json::Value` before the survey counted from the parsed document): of a key
    /// written twice, the last counts.
    #[test]
    fn a_key_written_twice_counts_once_with_its_last_value() {
        let text = r#"{"apis": {
            "Twice": {"errorCodes": {"400": [{"errorCode": "Bad"}], "403": [{"errorCode": "Bad"}]}},
            "Twice": {"errorCodes": {"400": [{"errorCode": "Bad"}]}},
            "Status": {"errorCodes": {"400": [{"errorCode": "Bad"}], "403": [{"errorCode": "Other"}], "403": [{"errorCode": "Bad"}]}},
            "Code": {"errorCodes": {"400": [{"errorCode": "Bad"}], "404": [{"errorCode": "Bad", "errorCode": "Good"}]}}
        }}"#;
        // What serde_json reads: each key once, its last value.
        let serde: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let apis = &serde["apis"];
        assert_eq!(apis.as_object().map(|a| a.len()), Some(3));
        assert_eq!(
            apis["Twice"]["errorCodes"].as_object().map(|c| c.len()),
            Some(1)
        );
        assert_eq!(apis["Status"]["errorCodes"]["403"][0]["errorCode"], "Bad");
        assert_eq!(apis["Code"]["errorCodes"]["404"][0]["errorCode"], "Good");
        let imported = [
            spec("Twice", "    also_http_status: [403]\n"),
            spec("Status", "    also_http_status: [403]\n"),
            spec("Code", "    also_http_status: [404]\n"),
        ];
        // Read the first of each key instead, `Twice` and `Code` would count and `Status` not;
        // read every member, all three would.
        assert_eq!(two_statuses(&json(text), &imported), (1, 1));
    }
}
