//! The data an emulator serves: executions and their logs.

mod demo;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

/// The executions an emulator knows, each with its logs in the order they are served.
///
/// # File format
///
/// ```json
/// {"executions": [{"ExecutionId": "exec-1", "Logs": [{"Timestamp": "...", "Message": "..."}]}]}
/// ```
///
/// Each log object is served verbatim, so fields a client does not know yet can be tried.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Data {
    executions: Vec<Execution>,
    by_id: HashMap<String, usize>,
}

/// One execution: its id and its logs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Execution {
    pub id: String,
    pub logs: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    executions: Vec<ExecutionFormat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecutionFormat {
    #[serde(rename = "ExecutionId")]
    execution_id: String,
    #[serde(rename = "Logs", default)]
    logs: Vec<Map<String, Value>>,
}

impl Data {
    /// No executions.
    pub fn new() -> Self {
        Self::default()
    }

    /// A built-in set for demos: a couple of executions with a few dozen realistic logs.
    ///
    /// Ids: `exec-demo-disk-check` (30 logs) and `exec-demo-restart` (12 logs).
    pub fn demo() -> Self {
        demo::build()
    }

    /// Adds an execution, or replaces the one with the same id. Logs are served verbatim.
    pub fn with_execution(mut self, execution_id: impl Into<String>, logs: Vec<Value>) -> Self {
        let id = execution_id.into();
        match self.by_id.get(&id) {
            Some(&index) => self.executions[index].logs = logs,
            None => {
                self.by_id.insert(id.clone(), self.executions.len());
                self.executions.push(Execution { id, logs });
            }
        }
        self
    }

    /// Parses the JSON file format (see the type's documentation).
    pub fn from_json(json: &str) -> Result<Self, DataError> {
        let file: FileFormat = serde_json::from_str(json).map_err(DataError::Json)?;
        let mut data = Self::new();
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
            let logs = execution.logs.into_iter().map(Value::Object).collect();
            data = data.with_execution(execution.execution_id, logs);
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
        self.executions.iter().map(|e| e.id.as_str())
    }

    pub(crate) fn execution(&self, id: &str) -> Option<&Execution> {
        self.by_id
            .get(id)
            .and_then(|&index| self.executions.get(index))
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
    /// Well-formed, but not consistent (an empty or repeated id).
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
