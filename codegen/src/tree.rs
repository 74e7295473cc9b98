//! The generated tree of the workspace: which spec directory produces which files, checking
//! them for staleness and writing them all-or-nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::generate;
use crate::load::{self, SpecErrors};

/// A spec directory and where its code goes, relative to the workspace root.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    /// The spec directory.
    pub specs: &'static str,
    /// The directory of the generated module tree.
    pub out: &'static str,
    /// The generated sample round-trip tests.
    pub sample_tests: &'static str,
    /// How the sample tests reach the operations.
    pub crate_path: &'static str,
    /// Whether the sample tests snapshot what each sample parsed into.
    pub snapshot: bool,
    /// A Markdown file whose table of actions the specs give.
    pub readme: Option<&'static str>,
    /// The emulator's table of actions, and the conformance test's list of typed inputs.
    pub emulator: Option<EmulatorOutputs>,
}

/// Where the emulator's view of a spec set goes, relative to the workspace root.
#[derive(Clone, Copy, Debug)]
pub struct EmulatorOutputs {
    /// The table the emulator checks requests against and answers from.
    pub table: &'static str,
    /// The conformance test's `(action, typed input)` list.
    pub calls: &'static str,
}

/// Every generator job of the workspace.
pub const JOBS: &[Job] = &[
    Job {
        specs: "spec/oos",
        out: "oos-api/src/generated",
        sample_tests: "tests/tests/generated/samples.rs",
        crate_path: "oos_api",
        snapshot: true,
        readme: Some("README.md"),
        emulator: Some(EmulatorOutputs {
            table: "oos-emulator/src/generated/table.rs",
            calls: "tests/tests/it/generated/calls.rs",
        }),
    },
    // Edge-case specs, compiled inside oos-api's unit tests so their code is proven to build.
    Job {
        specs: "tests/fixtures/specs",
        out: "tests/fixtures/generated",
        sample_tests: "tests/fixtures/generated/samples.rs",
        crate_path: "crate::fixtures",
        snapshot: false,
        readme: None,
        emulator: None,
    },
    // Another product's actions imported from its metadata (relabelled as OOS), compiled inside
    // oos-api's unit tests with their demos round-tripped.
    Job {
        specs: "tests/fixtures/ecs/specs",
        out: "tests/fixtures/ecs/generated",
        sample_tests: "tests/fixtures/ecs/generated/samples.rs",
        crate_path: "crate::ecs_fixtures",
        snapshot: false,
        readme: None,
        emulator: None,
    },
];

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Its full text.
    pub contents: String,
}

/// Why generation could not run.
#[derive(Debug)]
pub enum Error {
    /// The specs have errors; nothing was written.
    Spec(SpecErrors),
    /// The generator produced code that does not parse (a generator bug).
    Generate(String),
    /// Reading or writing the tree failed.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(e) => write!(f, "{e}\nnothing was written"),
            Error::Generate(e) => write!(f, "{e}\nnothing was written"),
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

/// A generated file that differs from what the specs give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// The file is missing.
    Missing(PathBuf),
    /// The file's text differs.
    Changed(PathBuf),
    /// A generated file no spec produces any more.
    Orphan(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "{}: missing", p.display()),
            Stale::Changed(p) => write!(f, "{}: stale", p.display()),
            Stale::Orphan(p) => write!(
                f,
                "{}: generated from a spec that no longer exists",
                p.display()
            ),
        }
    }
}

/// Every file the specs under `root` give, in a stable order.
pub fn outputs(root: &Path) -> Result<Vec<Output>, Error> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for job in JOBS {
        match load::load_dir(&root.join(job.specs)) {
            Ok(set) => {
                let dir = Path::new(job.out);
                for (path, label, tokens) in generate::files(&set, job.specs) {
                    out.push(Output {
                        path: dir.join(path),
                        contents: generate::render(&label, tokens).map_err(Error::Generate)?,
                    });
                }
                out.push(Output {
                    path: PathBuf::from(job.sample_tests),
                    contents: generate::render(
                        &format!("the sample responses in {}/", job.specs),
                        generate::sample_tests(&set.actions, job.crate_path, job.snapshot),
                    )
                    .map_err(Error::Generate)?,
                });
                if let Some(emulator) = job.emulator {
                    out.push(Output {
                        path: PathBuf::from(emulator.table),
                        contents: generate::render(
                            &format!("{}/", job.specs),
                            generate::emulator::table(&set, job.specs),
                        )
                        .map_err(Error::Generate)?,
                    });
                    out.push(Output {
                        path: PathBuf::from(emulator.calls),
                        contents: generate::render(
                            &format!("the actions in {}/", job.specs),
                            generate::emulator::sample_calls(&set, job.crate_path),
                        )
                        .map_err(Error::Generate)?,
                    });
                }
                if let Some(readme) = job.readme {
                    let path = root.join(readme);
                    let text = fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
                    let spliced = generate::splice(&text, &generate::actions_table(&set))
                        .ok_or_else(|| {
                            Error::Generate(format!(
                                "{readme} has no table markers: put `{}` and `{}` on lines of their own where the table of actions goes",
                                generate::readme::BEGIN,
                                generate::readme::END
                            ))
                        })?;
                    out.push(Output {
                        path: PathBuf::from(readme),
                        contents: spliced,
                    });
                }
            }
            Err(SpecErrors(e)) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Spec(SpecErrors(errors)));
    }
    Ok(out)
}

/// The generated files that are missing, differ, or belong to no spec.
pub fn check(root: &Path) -> Result<Vec<Stale>, Error> {
    let outputs = outputs(root)?;
    let mut stale = Vec::new();
    for output in &outputs {
        match fs::read_to_string(root.join(&output.path)) {
            Ok(text) if text == output.contents => {}
            Ok(_) => stale.push(Stale::Changed(output.path.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(output.path.clone()))
            }
            Err(e) => return Err(Error::Io(output.path.clone(), e)),
        }
    }
    for orphan in orphans(root, &outputs)? {
        stale.push(Stale::Orphan(orphan));
    }
    Ok(stale)
}

/// What [`write()`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files written because they were missing or stale.
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Generated files removed because their spec is gone.
    pub removed: Vec<PathBuf>,
}

/// Regenerates the tree. Every spec is loaded and every file rendered before anything is
/// written, so a spec error leaves the tree untouched; each file is replaced atomically.
pub fn write(root: &Path) -> Result<Report, Error> {
    let outputs = outputs(root)?;
    let mut report = Report::default();
    for output in &outputs {
        let path = root.join(&output.path);
        if fs::read_to_string(&path).is_ok_and(|text| text == output.contents) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::Io(parent.to_path_buf(), e))?;
        }
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        fs::write(&tmp, &output.contents).map_err(|e| Error::Io(tmp.clone(), e))?;
        fs::rename(&tmp, &path).map_err(|e| Error::Io(path.clone(), e))?;
        report.written.push(output.path.clone());
    }
    for orphan in orphans(root, &outputs)? {
        fs::remove_file(root.join(&orphan)).map_err(|e| Error::Io(orphan.clone(), e))?;
        report.removed.push(orphan);
    }
    Ok(report)
}

/// Generated files (by their header) in the jobs' output directories and their `operation/`
/// that no spec gives: an action's module once its spec is gone, `waiters.rs` once no action
/// declares a waiter.
fn orphans(root: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for job in JOBS {
        let out = Path::new(job.out);
        for rel_dir in [out.to_path_buf(), out.join("operation")] {
            let dir = root.join(&rel_dir);
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::Io(dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| Error::Io(dir.clone(), e))?;
                let rel = rel_dir.join(entry.file_name());
                let generated =
                    fs::read_to_string(entry.path()).is_ok_and(|t| t.starts_with("// @generated"));
                if generated && !outputs.iter().any(|o| o.path == rel) {
                    found.push(rel);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}
