//! The importers: an action's reference page (`docs/oos/*.txt`) and its OpenAPI metadata
//! (`api-docs.json`) in, one spec per action out.
//!
//! Whichever source is imported, the spec is the merge of both (found where `service.yaml`'s
//! `sources` say), of the hand keys of the spec being replaced and of the fields it already
//! has (`merge.rs`); names that clash across the spec set are told apart (`naming.rs`). Every
//! spec is built and loaded before anything is written, so an import that fails writes
//! nothing.

pub mod changes;
pub mod emit;
pub mod json;
mod merge;
mod naming;
pub mod openapi;
pub mod page;
mod sample;

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::SpecError;
use crate::load::{self, Parsed};
use crate::model::Service;
use crate::spec::ActionSpec;

pub use merge::infer_pagination;

/// One spec file an import writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The action.
    pub action: String,
    /// The spec file.
    pub path: PathBuf,
    /// Its new text.
    pub text: String,
    /// The reference page it was merged with, where there is one.
    pub page: Option<PathBuf>,
}

/// An import of a metadata document: its specs, and the document as the import read it, so
/// that keeping a copy of it reads it no more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenapiImport {
    /// The spec files to write.
    pub specs: Vec<Imported>,
    /// The document's text.
    pub text: String,
    /// Where a document from outside the workspace is kept inside it
    /// ([`Sources::repository_copy`]); `None` for a document already inside.
    pub copy: Option<PathBuf>,
}

/// The sources of a spec directory, as `service.yaml` names them, relative to `root`.
#[derive(Clone, Debug)]
pub struct Sources {
    root: PathBuf,
    spec_dir: PathBuf,
    service: Service,
    /// A key the importer does not know is an error, not a warning.
    strict: bool,
    /// The warnings of the imports so far.
    warnings: RefCell<Vec<SpecError>>,
    /// Actions of the spec directory that the last whole document imported does not describe.
    dropped: RefCell<Vec<String>>,
    /// Each spec the last import writes, by path: the spec it replaces, as it was read (`None`
    /// for a new one), and the new one.
    replaced: RefCell<std::collections::BTreeMap<PathBuf, (Option<ActionSpec>, ActionSpec)>>,
}

impl Sources {
    /// The spec directory `spec_dir` (with its `service.yaml`) of the workspace at `root`.
    pub fn new(root: &Path, spec_dir: &Path) -> Result<Self, SpecError> {
        let service_path = spec_dir.join(load::SERVICE_FILE);
        let text = fs::read_to_string(&service_path)
            .map_err(|e| SpecError::new(&service_path, format!("cannot read the file: {e}")))?;
        let service = load::parse_service(&service_path, &text)?;
        Ok(Self {
            root: root.to_path_buf(),
            spec_dir: spec_dir.to_path_buf(),
            service,
            strict: false,
            warnings: RefCell::new(Vec::new()),
            dropped: RefCell::new(Vec::new()),
            replaced: RefCell::default(),
        })
    }

    /// Makes every warning an error: what a check of a committed document wants.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// What the imports so far passed over without understanding it (keys of the metadata
    /// the importer does not know), each located.
    pub fn warnings(&self) -> Vec<SpecError> {
        self.warnings.borrow().clone()
    }

    /// The spec directory's service.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// The reference page of `action`, where the service names a pages directory with one.
    pub fn page_path(&self, action: &str) -> Option<PathBuf> {
        let dir = self.service.pages.as_ref()?;
        let path = self.root.join(dir).join(format!("{action}.txt"));
        path.is_file().then_some(path)
    }

    /// The metadata document the service names, if it has one.
    pub fn openapi_path(&self) -> Option<PathBuf> {
        let path = self.root.join(self.service.openapi.as_ref()?);
        path.is_file().then_some(path)
    }

    fn common(&self) -> Vec<String> {
        self.service.errors.iter().map(|e| e.code.clone()).collect()
    }

    fn read_page(&self, path: &Path) -> Result<ActionSpec, SpecError> {
        let text = fs::read_to_string(path)
            .map_err(|e| SpecError::new(path, format!("cannot read the page: {e}")))?;
        page::read(path, &text, &self.common())
    }

    /// The metadata document at `path`, checked to be the spec directory's, with its text.
    fn read_openapi(&self, path: &Path) -> Result<(openapi::Document, String), SpecError> {
        let text = fs::read_to_string(path)
            .map_err(|e| SpecError::new(path, format!("cannot read the document: {e}")))?;
        let doc = openapi::Document::parse_with(path, &text, self.strict)?;
        self.describes_service(path, &doc)?;
        Ok((doc, text))
    }

    /// Refuses a document of another product or version than `service.yaml`'s.
    fn describes_service(&self, path: &Path, doc: &openapi::Document) -> Result<(), SpecError> {
        let (product, version) = (doc.product(), doc.version());
        if !product.eq_ignore_ascii_case(&self.service.product)
            || version != self.service.api_version
        {
            return Err(SpecError::new(
                path,
                format!(
                    "the document describes {product} {version}, but {} is {} {}",
                    self.service.file.display(),
                    self.service.product,
                    self.service.api_version
                ),
            )
            .path("$.info")
            .help("import a document of the spec directory's product and version"));
        }
        Ok(())
    }

    /// Imports reference pages (`pages` are their paths), each merged with the metadata's
    /// part of its action.
    pub fn import_pages(&self, pages: &[PathBuf]) -> Result<Vec<Imported>, SpecError> {
        let doc = match self.openapi_path() {
            Some(path) => Some(self.read_openapi(&path)?.0),
            None => None,
        };
        let mut entries = Vec::new();
        for path in pages {
            let page = self.read_page(path)?;
            let meta = match &doc {
                Some(doc) if doc.actions().contains(&page.action) => {
                    Some(doc.action(&page.action, &self.common(), &self.service.groups)?)
                }
                _ => None,
            };
            entries.push((page.action.clone(), Some((path.clone(), page)), meta));
        }
        self.build(entries, self.openapi_label(None))
    }

    /// Imports the actions of the metadata document at `path` (all of them, or those named in
    /// `only`), each merged with its reference page.
    ///
    /// The actions named are imported exactly as a whole import would leave them: every
    /// action of the document is built, so that names two actions' types clash on are told
    /// apart the same way, and only the ones named are returned.
    pub fn import_openapi(&self, path: &Path, only: &[String]) -> Result<Vec<Imported>, SpecError> {
        Ok(self.import_openapi_document(path, only)?.specs)
    }

    /// [`Self::import_openapi`], with the document's text and where it is kept, from the one
    /// read and parse of the document the import makes.
    pub fn import_openapi_document(
        &self,
        path: &Path,
        only: &[String],
    ) -> Result<OpenapiImport, SpecError> {
        let (doc, text) = self.read_openapi(path)?;
        self.import_parsed_openapi(path, &doc, text, only)
    }

    /// [`Self::import_openapi_document`] of a document its caller has read (`text`, from
    /// `path`) and parsed (`doc`, strictly or not as it chose), so that a caller that needs
    /// the document before or after the import reads and parses it once.
    pub fn import_parsed_openapi(
        &self,
        path: &Path,
        doc: &openapi::Document,
        text: String,
        only: &[String],
    ) -> Result<OpenapiImport, SpecError> {
        self.describes_service(path, doc)?;
        let all = doc.actions();
        for name in only {
            if !all.contains(name) {
                return Err(
                    SpecError::new(path, format!("the document has no action `{name}`"))
                        .path("$.apis")
                        .help("name actions of the document's `apis`"),
                );
            }
        }
        let mut entries = Vec::new();
        for action in &all {
            // An action the client cannot send (anonymous, PUT only, a header parameter)
            // leaves the product's others importable: a warning, unless it is named or the
            // import is strict.
            if let Some(why) = doc.unsendable(action) {
                if self.strict || only.contains(action) {
                    return Err(why);
                }
                self.warnings.borrow_mut().push(why.help(format!(
                    "`{action}` is left out: the client cannot send it; the product's other actions are imported"
                )));
                continue;
            }
            let meta = doc.action(action, &self.common(), &self.service.groups)?;
            let page = match self.page_path(action) {
                Some(path) => Some((path.clone(), self.read_page(&path)?)),
                None => None,
            };
            entries.push((action.clone(), page, Some(meta)));
        }
        self.warnings.borrow_mut().extend(doc.warnings());
        let copy = self.copy_of(path, || edition_of(&doc.summaries()));
        let label = self.openapi_label(Some((path, &text, copy.as_deref())));
        let mut imported = self.build(entries, label)?;
        imported.retain(|i| only.is_empty() || only.contains(&i.action));
        if only.is_empty() {
            let mut dropped = Vec::new();
            for file in load::action_files(&self.spec_dir)? {
                let action = file
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                if !all.iter().any(|a| a == action) {
                    dropped.push(action.to_owned());
                }
            }
            *self.dropped.borrow_mut() = dropped;
        }
        Ok(OpenapiImport {
            specs: imported,
            text,
            copy,
        })
    }

    /// What `imported` (the last import's specs) changes downstream, against the specs it
    /// replaces (and, after a whole document, the actions it no longer describes).
    pub fn changes(&self, imported: &[Imported]) -> Vec<changes::Change> {
        let replaced = self.replaced.borrow();
        let pairs: Vec<(Option<ActionSpec>, ActionSpec)> = imported
            .iter()
            .filter_map(|spec| replaced.get(&spec.path).cloned())
            .collect();
        changes::diff(&pairs, &self.dropped.borrow())
    }

    /// Where a document from outside the workspace is kept inside it, so that the specs name
    /// a path every clone has: `docs/openapi/<product>/<version>/<edition>`, the product
    /// and version being the spec directory's (the document's, once it is checked) and the
    /// file name the edition's ([`edition_file_name`]), not the download's: a second download
    /// replaces the first rather than lying beside it. `None` for a document already inside
    /// the workspace. An import names it too ([`OpenapiImport::copy`]), without reading the
    /// document again.
    pub fn repository_copy(&self, given: &Path) -> Option<PathBuf> {
        self.copy_of(given, || {
            edition_file_name(&fs::read(given).unwrap_or_default())
        })
    }

    /// [`Self::repository_copy`], the file name given by `edition` (asked only for a document
    /// from outside the workspace), so that a caller holding the text does not read it again.
    fn copy_of(&self, given: &Path, edition: impl FnOnce() -> &'static str) -> Option<PathBuf> {
        let root = fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let full = fs::canonicalize(given).unwrap_or_else(|_| given.to_path_buf());
        if full.starts_with(&root) {
            return None;
        }
        let name = edition();
        Some(
            self.root
                .join("docs/openapi")
                .join(self.service.product.to_ascii_lowercase())
                .join(&self.service.api_version)
                .join(name),
        )
    }

    /// How spec headers name the metadata: the service's own copy when `given` is the same
    /// document, so that a spec does not change with the path it was imported from; else the
    /// path inside the workspace it is (or is copied to). `given` comes with its text, as the
    /// import read it, and its [`Self::copy_of`].
    fn openapi_label(&self, given: Option<(&Path, &str, Option<&Path>)>) -> Option<String> {
        let configured = self
            .service
            .openapi
            .as_ref()
            .map(|p| p.display().to_string());
        let Some((given, text, copy)) = given else {
            return configured.filter(|_| self.openapi_path().is_some());
        };
        if let Some(kept) = self.openapi_path() {
            // The service's copy itself was just read: its text is the one given.
            let same_file = fs::canonicalize(&kept)
                .is_ok_and(|kept| fs::canonicalize(given).is_ok_and(|given| given == kept));
            if same_file || fs::read(&kept).is_ok_and(|kept| kept == text.as_bytes()) {
                return configured;
            }
        }
        let inside = copy.unwrap_or(given).to_path_buf();
        let root = fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let full = fs::canonicalize(&inside).unwrap_or_else(|_| inside.clone());
        let relative = full
            .strip_prefix(&root)
            .or_else(|_| inside.strip_prefix(&self.root))
            .unwrap_or(&inside);
        Some(relative.display().to_string())
    }

    fn build(
        &self,
        entries: Vec<Entry>,
        openapi: Option<String>,
    ) -> Result<Vec<Imported>, SpecError> {
        self.replaced.borrow_mut().clear();
        let mut imported: Vec<(PathBuf, ActionSpec, Sourced)> = Vec::new();
        for (action, page, meta) in entries {
            let path = self.spec_dir.join(format!("{action}.yaml"));
            let existing = match fs::read_to_string(&path).ok() {
                Some(text) => Some(yaml_serde::from_str::<ActionSpec>(&text).map_err(|e| {
                    SpecError::new(
                        &path,
                        format!("the spec being replaced does not parse: {e}"),
                    )
                    .help("fix or remove the spec, then import again")
                })?),
                None => None,
            };
            let (page_path, page) = page.unzip();
            let has_meta = meta.is_some();
            let mut spec = merge::merge(page, meta, existing.as_ref());
            // A code the service now shares with every action leaves the action's list.
            let common = self.common();
            spec.errors.retain(|e| !common.contains(&e.code));
            naming::fix_rust_names(&mut spec);
            let sources = Sourced {
                page: page_path,
                meta: has_meta,
                previous: existing,
            };
            imported.push((path, spec, sources));
        }
        imported.sort_by(|a, b| a.1.action.cmp(&b.1.action));
        let others = self.others(&imported)?;
        let mut specs: Vec<(PathBuf, ActionSpec)> = imported
            .iter()
            .map(|(p, s, _)| (p.clone(), s.clone()))
            .collect();
        naming::resolve(&self.spec_dir, &self.service, &mut specs, &others)?;
        let mut out = Vec::new();
        for ((path, spec), (_, _, sources)) in specs.into_iter().zip(imported) {
            let header = self.header(
                &spec.action,
                sources.page.is_some(),
                openapi.as_deref().filter(|_| sources.meta),
            );
            let text = emit::file(&header, &spec);
            // A spec that does not load would stop code generation: better to say so now.
            load::parse_action(&path, &text, &self.service).map_err(|e| {
                SpecError::new(&path, format!("the imported spec does not load: {e}"))
                    .help("the sources and the spec format disagree here; write this part of the spec by hand")
            })?;
            out.push(Imported {
                action: spec.action.clone(),
                path: path.clone(),
                text,
                page: sources.page,
            });
            self.replaced
                .borrow_mut()
                .insert(path, (sources.previous, spec));
        }
        Ok(out)
    }

    /// The other specs of the directory, loaded.
    fn others(
        &self,
        imported: &[(PathBuf, ActionSpec, Sourced)],
    ) -> Result<Vec<Parsed>, SpecError> {
        let mut others = Vec::new();
        for path in load::action_files(&self.spec_dir)? {
            if imported.iter().any(|(p, _, _)| *p == path) {
                continue;
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| SpecError::new(&path, format!("cannot read the file: {e}")))?;
            others.push(load::parse_action_types(&path, &text, &self.service)?);
        }
        Ok(others)
    }

    fn header(&self, action: &str, has_page: bool, openapi: Option<&str>) -> String {
        let mut sources = Vec::new();
        if has_page {
            let dir = self
                .service
                .pages
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "docs/oos".into());
            sources.push(format!("its reference page {dir}/{action}.txt"));
        }
        if let Some(doc) = openapi {
            sources.push(format!("the OpenAPI metadata {doc}"));
        }
        format!(
            "{action}, imported from {} by `cargo xtask import-doc` / `cargo xtask import-openapi`.\n\
             Re-importing keeps the hand keys and every field; see spec/README.md.",
            if sources.is_empty() { "its sources".to_owned() } else { sources.join(" and ") }
        )
    }
}

/// An action to import: its name, its reference page (path and spec) and its metadata.
type Entry = (String, Option<(PathBuf, ActionSpec)>, Option<ActionSpec>);

/// What an imported spec is merged from.
#[derive(Clone, Debug)]
struct Sourced {
    /// The reference page's path, where there is one.
    page: Option<PathBuf>,
    /// Whether the metadata describes the action.
    meta: bool,
    /// The spec being replaced, as it was read.
    previous: Option<ActionSpec>,
}

/// The file name an edition of a document is kept under, as Alibaba's metadata service and
/// its mirrors name them: `api-docs.zh.json` for the Chinese edition (most of its action
/// summaries in Chinese; the English edition leaves a few), else `api-docs.json`. Text that
/// does not parse as a document is named as the English edition: its import refuses it.
pub fn edition_file_name(document: &[u8]) -> &'static str {
    let doc = serde_json::from_slice::<serde_json::Value>(document).unwrap_or_default();
    let summaries: Vec<&str> = doc
        .get("apis")
        .and_then(|a| a.as_object())
        .into_iter()
        .flat_map(|apis| apis.values())
        .filter_map(|api| api.get("summary").and_then(|s| s.as_str()))
        .collect();
    edition_of(&summaries)
}

/// [`edition_file_name`] of a document whose action summaries are `summaries`.
fn edition_of(summaries: &[&str]) -> &'static str {
    let chinese = summaries
        .iter()
        .filter(|s| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        .count();
    if !summaries.is_empty() && chinese * 2 > summaries.len() {
        "api-docs.zh.json"
    } else {
        "api-docs.json"
    }
}
