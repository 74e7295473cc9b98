//! The data an emulator serves and changes: templates, and executions with their logs.

mod demo;
pub(crate) mod model;
pub(crate) mod ops_items;
pub(crate) mod parameter;
pub(crate) mod tags;
pub(crate) mod vault;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

pub(crate) use model::{Execution, Template};
use parameter::{Parameter, Store};

/// The templates and executions an emulator knows; the actions change them as OOS would
/// (`StartExecution` adds executions, `CancelExecution` and `DeleteExecutions` change and
/// remove them, `UpdateTemplate` adds versions). Parameters and secret parameters start
/// empty: `CreateParameter` and `CreateSecretParameter` add them.
///
/// # File format
///
/// ```json
/// {
///   "templates": [{"TemplateName": "MyTemplate", "Content": "{\"FormatVersion\": \"OOS-2019-06-01\", \"Tasks\": []}"}],
///   "executions": [{"ExecutionId": "exec-1", "Status": "Success", "Logs": [{"Timestamp": "...", "Message": "..."}]}]
/// }
/// ```
///
/// Both keys are optional. A template needs `TemplateName` and `Content`; it may also give
/// any metadata field of `GetTemplate` / `ListTemplates` (`TemplateId`, `TemplateVersion`,
/// `VersionName`, `TemplateFormat`, `TemplateType`, `Category`, `Description`, `Hash`,
/// `ShareType`, `Popularity`, `TotalExecutionCount`, `Publisher`, `HasTrigger`,
/// `IsFavorite`, `ResourceGroupId`, `Tags`, `CreatedBy`, `CreatedDate`, `UpdatedBy`,
/// `UpdatedDate`, `Constraints`, `SharedAccounts`). An execution needs `ExecutionId`; it
/// may give `Logs` and any field of a `ListExecutions` item (`Status`, `Mode`,
/// `TemplateName`, `StartDate`, `Tags`, `Parameters`, `Counters`, `CurrentTasks`, ...) and
/// `LoopMode`. Unknown fields are errors, so that a typo does not go unnoticed.
///
/// Left-out fields get defaults: a template is `v1`, `Private`, `Automation`, category
/// `Other`, created by the emulator's account on `2019-06-01T00:00:00Z`, its format and
/// hash derived from its content; an execution has status `Success`, mode `Automatic`,
/// and starts and ends at the timestamps of its first and last logs. Each log object is
/// served verbatim, so fields a client does not know yet can be tried.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Data {
    executions: Vec<Execution>,
    by_id: HashMap<String, usize>,
    templates: Vec<Template>,
    by_name: HashMap<String, usize>,
    parameters: BTreeMap<String, Parameter>,
    secret_parameters: BTreeMap<String, Parameter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    #[serde(default)]
    executions: Vec<Execution>,
    #[serde(default)]
    templates: Vec<Template>,
}

impl Data {
    /// No templates, no executions.
    pub fn new() -> Self {
        Self::default()
    }

    /// A built-in set for demos: a few templates and executions with realistic logs.
    ///
    /// Executions: `exec-demo-disk-check` (30 logs, `Success`), `exec-demo-restart`
    /// (12 logs, `Failed`) and `exec-demo-patching` (`Running`). Templates:
    /// `ACS-ECS-CheckDiskCategory`, `ACS-ECS-RestartInstance`, `nightly-patching`.
    pub fn demo() -> Self {
        demo::build()
    }

    /// Adds an execution with default metadata (status `Success`), or replaces the logs
    /// of the one with the same id. Logs are served verbatim.
    pub fn with_execution(mut self, execution_id: impl Into<String>, logs: Vec<Value>) -> Self {
        let id = execution_id.into();
        match self.by_id.get(&id) {
            Some(&index) => self.executions[index].logs = logs,
            None => self.insert_execution(Execution::new(id, logs)),
        }
        self
    }

    /// Adds an execution given as an object of the file format (metadata and `Logs`), or
    /// replaces the one with the same id.
    pub fn with_execution_json(mut self, execution: Value) -> Result<Self, DataError> {
        let execution = Execution::deserialize(execution).map_err(DataError::Json)?;
        if execution.execution_id.is_empty() {
            return Err(DataError::Invalid("ExecutionId is empty".into()));
        }
        self.insert_execution(execution.complete());
        Ok(self)
    }

    /// Adds a template with default metadata (see the file format), or replaces the one
    /// with the same name.
    pub fn with_template(mut self, name: impl Into<String>, content: impl Into<String>) -> Self {
        self.insert_template(Template::new(name.into(), content.into()));
        self
    }

    /// Adds a template given as an object of the file format (`TemplateName`, `Content`
    /// and metadata), or replaces the one with the same name.
    pub fn with_template_json(mut self, template: Value) -> Result<Self, DataError> {
        let template = Template::deserialize(template).map_err(DataError::Json)?;
        if let Some(problem) = template.problem() {
            return Err(DataError::Invalid(problem.into()));
        }
        self.insert_template(template.complete());
        Ok(self)
    }

    /// The template files (`.yml`, `.yaml`, `.json`) under `dir`, at any depth, sorted: those
    /// [`Data::with_public_templates`] reads.
    pub fn public_template_files(dir: &Path) -> Result<Vec<PathBuf>, DataError> {
        let mut pending = vec![dir.to_path_buf()];
        let mut files = Vec::new();
        while let Some(dir) = pending.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|source| DataError::Io {
                path: dir.clone(),
                source,
            })?;
            for entry in entries {
                let path = entry
                    .map_err(|source| DataError::Io {
                        path: dir.clone(),
                        source,
                    })?
                    .path();
                if path.is_dir() {
                    pending.push(path);
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yml" | "yaml" | "json")
                ) {
                    files.push(path);
                }
            }
        }
        files.sort();
        Ok(files)
    }

    /// Adds every template file (`.yml`, `.yaml`, `.json`) under `dir`, at any depth, as a
    /// public template named by its file stem (`ACS-ECS-BulkyRunCommand`, or a cloud product
    /// action such as `ACS::ECS::RunCommand`, which tasks then run from this definition).
    /// Public templates are listed with `ShareType` `Public`, started by name and used as
    /// child templates; they cannot be changed. Each file is checked as
    /// `ValidateTemplateContent` checks a template: the first one that is not valid is the
    /// error, naming the file and, where known, the line, task and key at fault.
    pub fn with_public_templates(mut self, dir: impl AsRef<Path>) -> Result<Self, DataError> {
        for path in Self::public_template_files(dir.as_ref())? {
            let content = std::fs::read_to_string(&path).map_err(|source| DataError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            // Checked as OOS checks a template it is given, so that a file it would refuse
            // stops the start rather than the first execution of it.
            let parsed = crate::template::validate::validate(&content).map_err(|at| {
                DataError::Invalid(format!("the template is not valid: {at}")).in_file(&path)
            })?;
            let template = Template {
                description: Some(crate::template::description(&parsed)),
                share_type: "Public".to_owned(),
                publisher: "Alibaba Cloud".to_owned(),
                created_by: "ACS".to_owned(),
                updated_by: "ACS".to_owned(),
                ..Template::new(name, content)
            };
            self.insert_template(template.complete());
        }
        Ok(self)
    }

    /// Parses the JSON file format (see the type's documentation).
    pub fn from_json(json: &str) -> Result<Self, DataError> {
        let file: FileFormat = serde_json::from_str(json).map_err(DataError::Json)?;
        let mut data = Self::new();
        for (index, template) in file.templates.into_iter().enumerate() {
            let name = &template.template_name;
            if let Some(problem) = template.problem() {
                return Err(DataError::Invalid(format!("templates[{index}]: {problem}")));
            }
            if data.by_name.contains_key(name) {
                return Err(DataError::Invalid(format!(
                    "templates[{index}]: TemplateName {name:?} appears twice"
                )));
            }
            data.insert_template(template.complete());
        }
        for (index, execution) in file.executions.into_iter().enumerate() {
            if execution.execution_id.is_empty() {
                return Err(DataError::Invalid(format!(
                    "executions[{index}]: ExecutionId is empty"
                )));
            }
            if data.by_id.contains_key(&execution.execution_id) {
                return Err(DataError::Invalid(format!(
                    "executions[{index}]: ExecutionId {:?} appears twice",
                    execution.execution_id
                )));
            }
            data.insert_execution(execution.complete());
        }
        Ok(data)
    }

    /// Reads and parses a file in the JSON file format.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, DataError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text).map_err(|error| error.in_file(path))
    }

    /// The ids of the executions, in the order they were added.
    pub fn execution_ids(&self) -> impl Iterator<Item = &str> {
        self.executions.iter().map(|e| e.execution_id.as_str())
    }

    /// The names of the templates, in the order they were added.
    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.template_name.as_str())
    }

    pub(crate) fn execution(&self, id: &str) -> Option<&Execution> {
        self.by_id
            .get(id)
            .and_then(|&index| self.executions.get(index))
    }

    pub(crate) fn execution_mut(&mut self, id: &str) -> Option<&mut Execution> {
        self.by_id
            .get(id)
            .and_then(|&index| self.executions.get_mut(index))
    }

    pub(crate) fn executions(&self) -> &[Execution] {
        &self.executions
    }

    pub(crate) fn template(&self, name: &str) -> Option<&Template> {
        self.by_name
            .get(name)
            .and_then(|&index| self.templates.get(index))
    }

    pub(crate) fn template_mut(&mut self, name: &str) -> Option<&mut Template> {
        self.by_name
            .get(name)
            .and_then(|&index| self.templates.get_mut(index))
    }

    pub(crate) fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// Adds or replaces an execution; one that names a known template but no template id
    /// gets the template's.
    pub(crate) fn insert_execution(&mut self, mut execution: Execution) {
        if execution.template_id.is_empty() {
            if let Some(template) = self.template(&execution.template_name) {
                execution.template_id = template.template_id.clone();
            }
        }
        match self.by_id.get(&execution.execution_id) {
            Some(&index) => self.executions[index] = execution,
            None => {
                self.by_id
                    .insert(execution.execution_id.clone(), self.executions.len());
                self.executions.push(execution);
            }
        }
    }

    pub(crate) fn insert_template(&mut self, template: Template) {
        match self.by_name.get(&template.template_name) {
            Some(&index) => self.templates[index] = template,
            None => {
                self.by_name
                    .insert(template.template_name.clone(), self.templates.len());
                self.templates.push(template);
            }
        }
    }

    /// Removes the template of this name, if there is one.
    pub(crate) fn remove_template(&mut self, name: &str) -> Option<Template> {
        let index = self.by_name.remove(name)?;
        let template = self.templates.remove(index);
        self.by_name = self
            .templates
            .iter()
            .enumerate()
            .map(|(index, t)| (t.template_name.clone(), index))
            .collect();
        Some(template)
    }

    /// The parameters of one store, by name.
    pub(crate) fn parameters(&self, store: Store) -> &BTreeMap<String, Parameter> {
        match store {
            Store::Common => &self.parameters,
            Store::Secret => &self.secret_parameters,
        }
    }

    pub(crate) fn parameters_mut(&mut self, store: Store) -> &mut BTreeMap<String, Parameter> {
        match store {
            Store::Common => &mut self.parameters,
            Store::Secret => &mut self.secret_parameters,
        }
    }

    /// Removes the executions with these ids; unknown ids are ignored.
    pub(crate) fn remove_executions(&mut self, ids: &[String]) {
        // A set: AutoDeleteExecutions may name every execution the emulator keeps.
        let ids: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.executions
            .retain(|e| !ids.contains(e.execution_id.as_str()));
        self.by_id = self
            .executions
            .iter()
            .enumerate()
            .map(|(index, e)| (e.execution_id.clone(), index))
            .collect();
    }
}

/// Why data could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Not JSON, or not of the expected shape; the message gives line and column.
    Json(serde_json::Error),
    /// Well-formed, but not consistent (an empty or repeated id or name, an empty content).
    Invalid(String),
    /// One of the others, in a named file.
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        error: Box<DataError>,
    },
}

impl DataError {
    fn in_file(self, path: &Path) -> Self {
        Self::InFile {
            path: path.to_owned(),
            error: Box::new(self),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::Json(error) => write!(f, "invalid emulator data: {error}"),
            Self::Invalid(message) => write!(f, "invalid emulator data: {message}"),
            Self::InFile { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Json(error) => Some(error),
            Self::Invalid(_) => None,
            Self::InFile { error, .. } => Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_file_format() {
        let data = Data::from_json(
            r#"{"executions": [
                {"ExecutionId": "exec-1", "Logs": [{"Message": "a", "Timestamp": "t", "Extra": 1}]},
                {"ExecutionId": "exec-2", "Logs": []}
            ]}"#,
        )
        .unwrap();
        assert_eq!(
            data.execution_ids().collect::<Vec<_>>(),
            ["exec-1", "exec-2"]
        );
        assert_eq!(
            data.execution("exec-1").unwrap().logs,
            [json!({"Message": "a", "Timestamp": "t", "Extra": 1})]
        );
        assert!(data.execution("exec-3").is_none());
    }

    #[test]
    fn errors_say_where() {
        let syntax =
            Data::from_json("{\"executions\": [\n  {\"ExecutionId\": \"x\",}\n]}").unwrap_err();
        assert!(syntax.to_string().contains("line 2 column"), "{syntax}");
        let shape =
            Data::from_json(r#"{"executions": [{"ExecutionId": "x", "Logs": ["not an object"]}]}"#)
                .unwrap_err();
        assert!(shape.to_string().contains("expected a map"), "{shape}");
        assert!(shape.to_string().contains("column"), "{shape}");
        let typo = Data::from_json(r#"{"executions": [{"ExecutionID": "x"}]}"#).unwrap_err();
        assert!(typo.to_string().contains("ExecutionID"), "{typo}");
        let twice =
            Data::from_json(r#"{"executions": [{"ExecutionId": "x"}, {"ExecutionId": "x"}]}"#)
                .unwrap_err();
        assert!(twice.to_string().contains("executions[1]"), "{twice}");
        let empty = Data::from_json(r#"{"executions": [{"ExecutionId": ""}]}"#).unwrap_err();
        assert!(empty.to_string().contains("executions[0]"), "{empty}");
    }

    #[test]
    fn from_file_names_the_file() {
        let missing = Data::from_file("/nonexistent/oos-emulator-data.json").unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("/nonexistent/oos-emulator-data.json"),
            "{missing}"
        );
        let path =
            std::env::temp_dir().join(format!("oos-emulator-data-{}.json", std::process::id()));
        std::fs::write(&path, "{\"executions\": 3}").unwrap();
        let bad = Data::from_file(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            bad.to_string().starts_with(&path.display().to_string()),
            "{bad}"
        );
        assert!(bad.to_string().contains("line 1"), "{bad}");
    }

    #[test]
    fn with_execution_replaces() {
        let data = Data::new()
            .with_execution("a", vec![json!(1)])
            .with_execution("a", vec![json!(2)]);
        assert_eq!(data.execution_ids().count(), 1);
        assert_eq!(data.execution("a").unwrap().logs, [json!(2)]);
    }

    #[test]
    fn parses_templates_and_execution_metadata() {
        let data = Data::from_json(
            r#"{
                "templates": [
                    {"TemplateName": "a", "Content": "{\"Description\": \"does a\"}"},
                    {"TemplateName": "b", "Content": "Tasks: []", "ShareType": "Public",
                     "TemplateVersion": "v4", "Tags": {"k": "v"}, "CreatedDate": "2024-01-01T00:00:00Z"}
                ],
                "executions": [
                    {"ExecutionId": "exec-1", "Status": "Running", "TemplateName": "a",
                     "Logs": [{"Timestamp": "2024-02-02T00:00:00Z", "Message": "m"}]}
                ]
            }"#,
        )
        .unwrap();
        assert_eq!(data.template_names().collect::<Vec<_>>(), ["a", "b"]);
        let a = data.template("a").unwrap();
        assert_eq!(
            (a.template_format.as_str(), a.description.as_deref()),
            ("JSON", Some("does a"))
        );
        assert_eq!(
            (a.template_version.as_str(), a.share_type.as_str()),
            ("v1", "Private")
        );
        assert_eq!((a.popularity, a.total_execution_count), (Some(-1), Some(0)));
        assert_eq!(a.created_date, model::DEFAULT_DATE);
        assert_eq!(a.hash.len(), 64);
        let b = data.template("b").unwrap();
        assert_eq!(b.template_format, "YAML");
        assert_eq!((b.created_by.as_str(), b.popularity), ("ACS", Some(5)));
        assert_eq!(b.updated_date, "2024-01-01T00:00:00Z");
        let execution = data.execution("exec-1").unwrap();
        assert_eq!(execution.template_id, a.template_id);
        assert_eq!(execution.start_date, "2024-02-02T00:00:00Z");
        assert_eq!(execution.end_date, "");
        assert!(execution.is_unfinished());
        assert_eq!(Data::from_json("{}").unwrap(), Data::new());
    }

    #[test]
    fn template_errors_say_where() {
        let typo = Data::from_json(
            "{\"templates\": [\n  {\"TemplateName\": \"a\", \"Content\": \"x\"},\n  {\"TemplateNme\": \"b\"}\n]}",
        )
        .unwrap_err();
        assert!(typo.to_string().contains("TemplateNme"), "{typo}");
        assert!(typo.to_string().contains("line 3"), "{typo}");
        let kind = Data::from_json(
            "{\"templates\": [\n{\"TemplateName\": \"a\", \"Content\": \"x\",\n \"HasTrigger\": \"yes\"}]}",
        )
        .unwrap_err();
        assert!(kind.to_string().contains("line 3"), "{kind}");
        let meta =
            Data::from_json("{\"executions\": [\n{\"ExecutionId\": \"x\",\n \"Tags\": [\"a\"]}]}")
                .unwrap_err();
        assert!(meta.to_string().contains("line 3"), "{meta}");
        for (json, says) in [
            (
                r#"{"templates": [{"Content": "x"}]}"#,
                "templates[0]: TemplateName is empty",
            ),
            (
                r#"{"templates": [{"TemplateName": "a"}]}"#,
                "templates[0]: Content is empty",
            ),
            (
                r#"{"templates": [{"TemplateName": "a", "Content": "x"}, {"TemplateName": "a", "Content": "y"}]}"#,
                "templates[1]: TemplateName \"a\" appears twice",
            ),
            (r#"{"templates": {}}"#, "expected a sequence"),
            (
                r#"{"executions": [], "other": []}"#,
                "unknown field `other`",
            ),
        ] {
            let error = Data::from_json(json).unwrap_err().to_string();
            assert!(error.contains(says), "{error}");
        }
    }

    #[test]
    fn builders_add_and_replace_templates_and_executions() {
        let data = Data::new()
            .with_template("t", "{}")
            .with_template("t", "Tasks: []")
            .with_template_json(
                json!({"TemplateName": "u", "Content": "{}", "Category": "TimerTrigger"}),
            )
            .unwrap()
            .with_execution_json(
                json!({"ExecutionId": "e", "TemplateName": "u", "Status": "Failed"}),
            )
            .unwrap();
        assert_eq!(data.template_names().collect::<Vec<_>>(), ["t", "u"]);
        assert_eq!(data.template("t").unwrap().template_format, "YAML");
        assert_eq!(data.template("u").unwrap().category, "TimerTrigger");
        assert_eq!(data.execution("e").unwrap().status, "Failed");
        assert!(Data::new()
            .with_template_json(json!({"TemplateName": "x"}))
            .is_err());
        assert!(Data::new()
            .with_template_json(json!({"Name": "x"}))
            .is_err());
        assert!(Data::new()
            .with_execution_json(json!({"Status": "x"}))
            .is_err());
        assert!(Data::new().with_execution_json(json!([])).is_err());
    }

    #[test]
    fn demo_has_templates_and_metadata() {
        let data = Data::demo();
        assert_eq!(data.templates.len(), 3);
        let statuses: Vec<&str> = data.executions.iter().map(|e| e.status.as_str()).collect();
        assert_eq!(statuses, ["Success", "Failed", "Running"]);
        for execution in &data.executions {
            if let Some(template) = data.template(&execution.template_name) {
                assert_eq!(execution.template_id, template.template_id);
            }
        }
    }

    #[test]
    fn demo_has_a_few_dozen_logs() {
        let data = Data::demo();
        let total: usize = data.executions.iter().map(|e| e.logs.len()).sum();
        assert!(data.executions.len() >= 2);
        assert!((30..=60).contains(&total), "{total}");
        for execution in &data.executions {
            for log in &execution.logs {
                assert!(log["Timestamp"].is_string() && log["Message"].is_string());
            }
        }
    }
}
