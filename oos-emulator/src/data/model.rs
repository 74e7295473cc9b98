//! The records the emulator keeps: templates and executions, as loaded and as answered.
//!
//! Both are read from the data file with every field optional but the name (and content)
//! or id; the missing ones get defaults in `complete`. Answers are built from them by the
//! `*_view` functions, one per shape OOS answers with.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The account the emulator pretends to be.
pub(crate) const ACCOUNT_ID: &str = "1467283095216845";
/// The date of records that name none: the day OOS's API version is dated.
pub(crate) const DEFAULT_DATE: &str = "2019-06-01T00:00:00Z";

/// The statuses of executions that have not finished.
pub(crate) const UNFINISHED: &[&str] = &["Started", "Queued", "Running", "Waiting", "Pending"];

pub(crate) fn executed_by() -> String {
    format!("root({ACCOUNT_ID})")
}

/// Now, in UTC, to the second: `2024-03-19T02:14:33Z`.
pub(crate) fn now() -> String {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .unwrap_or_else(|_| DEFAULT_DATE.to_owned())
}

/// A date as OOS writes them, or `None` when it is not one (such as an empty one).
pub(crate) fn parse_date(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

/// A template: its content and the metadata OOS keeps about it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "PascalCase")]
pub(crate) struct Template {
    pub template_name: String,
    pub content: String,
    pub template_id: String,
    pub template_version: String,
    pub version_name: String,
    pub template_format: String,
    pub template_type: String,
    pub category: String,
    pub description: Option<String>,
    pub hash: String,
    pub share_type: String,
    pub popularity: Option<i32>,
    pub total_execution_count: Option<i32>,
    pub publisher: String,
    pub has_trigger: bool,
    pub is_favorite: bool,
    pub resource_group_id: String,
    pub tags: BTreeMap<String, String>,
    pub created_by: String,
    pub created_date: String,
    pub updated_by: String,
    pub updated_date: String,
    pub constraints: String,
    pub shared_accounts: String,
    /// Every version, oldest first; the last is the current one, whose content and
    /// metadata the fields above hold.
    #[serde(skip)]
    pub versions: Vec<TemplateVersion>,
}

/// One version of a template, as `UpdateTemplate` left it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TemplateVersion {
    pub template_version: String,
    pub version_name: String,
    #[serde(skip)]
    pub content: String,
    pub template_format: String,
    pub hash: String,
    pub description: String,
    pub updated_by: String,
    pub updated_date: String,
}

/// A template's format, as OOS tells them apart: JSON starts with a brace.
pub(crate) fn content_format(content: &str) -> &'static str {
    if crate::template::is_json(content) {
        "JSON"
    } else {
        "YAML"
    }
}

/// What is wrong with a name for a template or a parameter, if anything: 1 to 200 letters,
/// digits, `-`, `_` and `.` (and `/` for a parameter's path), not starting like the
/// service's own names.
pub(crate) fn check_name(name: &str, reserved: &[&str], slashes: bool) -> Result<(), String> {
    let fits = (1..=200).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c) || (slashes && c == '/'));
    if !fits {
        return Err(if slashes {
            "it must be 1 to 200 letters, digits, hyphens, underscores, periods and slashes"
                .to_owned()
        } else {
            "it must be 1 to 200 letters, digits, hyphens, underscores and periods".to_owned()
        });
    }
    let upper = name.trim_start_matches('/').to_ascii_uppercase();
    if let Some(prefix) = reserved.iter().find(|p| upper.starts_with(*p)) {
        return Err(format!("it cannot start with {prefix}"));
    }
    Ok(())
}

/// A record as one JSON object of wire names; a record always serializes to an object.
fn record(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The most logs kept for one execution.
pub(crate) const MAX_LOGS: usize = 20_000;

fn or(field: &mut String, default: impl FnOnce() -> String) {
    if field.is_empty() {
        *field = default();
    }
}

impl Template {
    pub fn new(name: String, content: String) -> Self {
        Self {
            template_name: name,
            content,
            ..Self::default()
        }
        .complete()
    }

    /// What makes it unusable, if anything.
    pub fn problem(&self) -> Option<&'static str> {
        if self.template_name.is_empty() {
            Some("TemplateName is empty")
        } else if self.content.is_empty() {
            Some("Content is empty")
        } else {
            None
        }
    }

    /// Fills in what the data left out.
    pub fn complete(mut self) -> Self {
        let digest = hex::encode(Sha256::digest(self.content.as_bytes()));
        let name_digest = hex::encode(Sha256::digest(self.template_name.as_bytes()));
        or(&mut self.template_id, || {
            format!("t-{}", &name_digest[..14])
        });
        or(&mut self.template_version, || "v1".to_owned());
        let format = content_format(&self.content);
        or(&mut self.template_format, || format.to_owned());
        or(&mut self.template_type, || "Automation".to_owned());
        or(&mut self.category, || "Other".to_owned());
        if self.description.is_none() {
            let parsed = crate::template::parse(&self.content).ok();
            self.description = Some(
                parsed
                    .as_ref()
                    .map(crate::template::description)
                    .unwrap_or_default(),
            );
        }
        or(&mut self.hash, || digest);
        or(&mut self.share_type, || "Private".to_owned());
        let public = self.share_type == "Public";
        self.popularity.get_or_insert(if public { 5 } else { -1 });
        self.total_execution_count
            .get_or_insert(if public { -1 } else { 0 });
        or(&mut self.created_by, || {
            if public {
                "ACS".to_owned()
            } else {
                executed_by()
            }
        });
        or(&mut self.created_date, || DEFAULT_DATE.to_owned());
        let (created_by, created_date) = (self.created_by.clone(), self.created_date.clone());
        or(&mut self.updated_by, || created_by);
        or(&mut self.updated_date, || created_date);
        if self.versions.is_empty() {
            self.versions.push(self.current_version());
        }
        self
    }

    /// The current content and metadata, as a version.
    pub fn current_version(&self) -> TemplateVersion {
        TemplateVersion {
            template_version: self.template_version.clone(),
            version_name: self.version_name.clone(),
            content: self.content.clone(),
            template_format: self.template_format.clone(),
            hash: self.hash.clone(),
            description: self.description.clone().unwrap_or_default(),
            updated_by: self.updated_by.clone(),
            updated_date: self.updated_date.clone(),
        }
    }

    /// The version of this name.
    pub fn version(&self, version: &str) -> Option<&TemplateVersion> {
        self.versions.iter().find(|v| v.template_version == version)
    }

    /// The name of the version after the newest: `v4` after `v3`.
    pub fn next_version(&self) -> String {
        let newest = self
            .versions
            .iter()
            .filter_map(|v| v.template_version.strip_prefix('v')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("v{}", newest.saturating_add(1))
    }

    /// The template as one JSON object of wire names, to be projected onto an answer.
    pub fn record(&self) -> Map<String, Value> {
        record(self)
    }

    /// The template as it was at `version`.
    pub fn at_version(&self, version: &TemplateVersion) -> Self {
        Self {
            template_version: version.template_version.clone(),
            version_name: version.version_name.clone(),
            content: version.content.clone(),
            template_format: version.template_format.clone(),
            hash: version.hash.clone(),
            description: Some(version.description.clone()),
            updated_by: version.updated_by.clone(),
            updated_date: version.updated_date.clone(),
            versions: Vec::new(),
            ..self.clone()
        }
    }
}

/// A task in progress.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "PascalCase")]
pub(crate) struct CurrentTask {
    pub task_action: String,
    pub task_execution_id: String,
    pub task_name: String,
}

/// An execution: its metadata and its logs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "PascalCase")]
pub(crate) struct Execution {
    pub execution_id: String,
    #[serde(deserialize_with = "log_objects", skip_serializing)]
    pub logs: Vec<Value>,
    pub account_id: String,
    pub category: String,
    pub counters: Option<BTreeMap<String, i32>>,
    pub create_date: String,
    pub current_tasks: Vec<CurrentTask>,
    pub description: String,
    pub end_date: String,
    pub executed_by: String,
    pub is_parent: bool,
    pub last_successful_trigger_time: String,
    pub last_trigger_outputs: String,
    pub last_trigger_status: String,
    pub last_trigger_status_message: String,
    pub last_trigger_time: String,
    pub loop_mode: String,
    pub mode: String,
    pub next_schedule_time: String,
    pub outputs: String,
    pub parameters: Map<String, Value>,
    pub parent_execution_id: String,
    pub ram_role: String,
    pub resource_group_id: String,
    pub resource_status: String,
    pub safety_check: String,
    pub start_date: String,
    pub status: String,
    pub status_message: String,
    pub status_reason: String,
    pub tags: BTreeMap<String, String>,
    pub targets: String,
    pub template_id: String,
    pub template_name: String,
    pub template_version: String,
    pub update_date: String,
    pub waiting_status: String,
    /// The content the execution runs, as it was when it started; empty for executions
    /// loaded from data, which run their template's current content.
    #[serde(skip)]
    pub template_content: String,
    /// The region it runs in (`{{ ACS::RegionId }}`), set as it starts.
    #[serde(skip)]
    pub region_id: String,
    /// Its tasks' executions, in the order they started.
    #[serde(skip)]
    pub task_executions: Vec<TaskExecution>,
}

/// One run of one task of an execution.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TaskExecution {
    pub task_execution_id: String,
    pub execution_id: String,
    pub task_name: String,
    pub task_action: String,
    pub status: String,
    pub status_message: String,
    pub properties: String,
    pub outputs: String,
    pub create_date: String,
    pub start_date: String,
    pub end_date: String,
    pub update_date: String,
    pub parent_task_execution_id: String,
    pub child_execution_id: String,
    pub loop_item: String,
    pub template_id: String,
}

/// Logs must be objects in the file; they are kept as values, to serve verbatim.
fn log_objects<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Value>, D::Error> {
    let logs = Vec::<Map<String, Value>>::deserialize(deserializer)?;
    Ok(logs.into_iter().map(Value::Object).collect())
}

impl Execution {
    pub fn new(id: String, logs: Vec<Value>) -> Self {
        Self {
            execution_id: id,
            logs,
            ..Self::default()
        }
        .complete()
    }

    /// Fills in what the data left out; dates default to those of the first and last logs.
    pub fn complete(mut self) -> Self {
        let log_date = |log: Option<&Value>| {
            log.and_then(|l| l.get("Timestamp"))
                .and_then(Value::as_str)
                .filter(|t| parse_date(t).is_some())
                .unwrap_or(DEFAULT_DATE)
                .to_owned()
        };
        let first = log_date(self.logs.first());
        let last = log_date(self.logs.last());
        or(&mut self.account_id, || ACCOUNT_ID.to_owned());
        or(&mut self.category, || "Other".to_owned());
        or(&mut self.status, || "Success".to_owned());
        let finished = !self.is_unfinished();
        let total = i32::try_from(self.current_tasks.len()).unwrap_or(i32::MAX);
        let status = self.status.clone();
        self.counters.get_or_insert_with(|| {
            if finished {
                BTreeMap::new()
            } else {
                BTreeMap::from([("Total".to_owned(), total), (status, total)])
            }
        });
        or(&mut self.start_date, || first.clone());
        let start = self.start_date.clone();
        or(&mut self.create_date, || start);
        if finished {
            or(&mut self.end_date, || last.clone());
        }
        or(&mut self.update_date, || last);
        or(&mut self.executed_by, executed_by);
        or(&mut self.loop_mode, || "Automatic".to_owned());
        or(&mut self.mode, || "Automatic".to_owned());
        or(&mut self.outputs, || "{}".to_owned());
        or(&mut self.safety_check, || {
            "ConfirmEveryHighRiskAction".to_owned()
        });
        if self.task_executions.is_empty() {
            let status = if finished { &self.status } else { "Running" };
            self.task_executions = self
                .current_tasks
                .iter()
                .map(|task| TaskExecution {
                    task_execution_id: task.task_execution_id.clone(),
                    execution_id: self.execution_id.clone(),
                    task_name: task.task_name.clone(),
                    task_action: task.task_action.clone(),
                    status: status.to_owned(),
                    create_date: self.start_date.clone(),
                    start_date: self.start_date.clone(),
                    update_date: self.update_date.clone(),
                    template_id: self.template_id.clone(),
                    properties: "{}".to_owned(),
                    outputs: "{}".to_owned(),
                    ..TaskExecution::default()
                })
                .collect();
        }
        self
    }

    /// The execution as one JSON object of wire names, to be projected onto an answer.
    pub fn record(&self) -> Map<String, Value> {
        record(self)
    }

    /// Adds a log entry, unless the execution has [`MAX_LOGS`] already.
    pub fn push_log(&mut self, log: Value) {
        if self.logs.len() < MAX_LOGS {
            self.logs.push(log);
        }
    }

    pub fn is_unfinished(&self) -> bool {
        UNFINISHED.contains(&self.status.as_str())
    }

    /// Ends the execution with `status` at `at`; the task executions that had not finished
    /// end with it, and count under it.
    pub fn end(&mut self, status: &str, message: &str, at: &str) {
        self.status = status.to_owned();
        self.status_message = message.to_owned();
        self.end_date = at.to_owned();
        self.update_date = at.to_owned();
        self.current_tasks.clear();
        let mut moved = Vec::new();
        for task in &mut self.task_executions {
            if UNFINISHED.contains(&task.status.as_str()) {
                let was = std::mem::replace(&mut task.status, status.to_owned());
                task.end_date = at.to_owned();
                task.update_date = at.to_owned();
                if task.parent_task_execution_id.is_empty() {
                    moved.push(was);
                }
            }
        }
        for was in moved {
            self.tally(Some(&was), status);
        }
    }

    /// Keeps the counters of the top-level task executions by status as one of them moves
    /// from status `from` (none for a new one) to `to`. Every move of a counted task goes
    /// through here, so the counters cannot drift from the statuses ListTaskExecutions shows.
    /// Counting as tasks move, rather than recounting every task execution, keeps a long
    /// execution's cost linear in what it writes.
    pub(crate) fn tally(&mut self, from: Option<&str>, to: &str) {
        let counters = self.counters.get_or_insert_with(BTreeMap::new);
        if let Some(from) = from {
            if let Some(n) = counters.get_mut(from) {
                *n = n.saturating_sub(1);
                // A status no task has any more is not listed, as OOS lists none at zero.
                if *n <= 0 {
                    counters.remove(from);
                }
            }
        }
        let n = counters.entry(to.to_owned()).or_insert(0);
        *n = n.saturating_add(1);
    }

    /// Sets `Total`, the template's number of tasks, among the counters.
    pub(crate) fn count_total(&mut self, total: usize) {
        self.counters
            .get_or_insert_with(BTreeMap::new)
            .insert("Total".to_owned(), i32::try_from(total).unwrap_or(i32::MAX));
    }
}

impl TaskExecution {
    /// The task execution as one JSON object of wire names.
    pub fn record(&self) -> Map<String, Value> {
        record(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counters `execution`'s top-level task executions give, recounted.
    fn recounted(execution: &Execution, total: i32) -> BTreeMap<String, i32> {
        let mut counts = BTreeMap::from([("Total".to_owned(), total)]);
        for task in &execution.task_executions {
            if task.parent_task_execution_id.is_empty() {
                *counts.entry(task.status.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    #[test]
    fn ending_moves_the_counts_of_the_unfinished_top_level_tasks_only() {
        let mut execution = Execution::default();
        execution.count_total(5);
        // Each task as the engine records it: counted Running, then moved to its status;
        // the loop's items under `looped` are not counted.
        for (id, parent, status) in [
            ("t1", "", "Success"),
            ("t2", "", "Failed"),
            ("t3", "", "Waiting"),
            ("looped", "", "Running"),
            ("item1", "looped", "Success"),
            ("item2", "looped", "Running"),
        ] {
            execution.task_executions.push(TaskExecution {
                task_execution_id: id.to_owned(),
                parent_task_execution_id: parent.to_owned(),
                status: status.to_owned(),
                ..TaskExecution::default()
            });
            if parent.is_empty() {
                execution.tally(None, "Running");
                execution.tally(Some("Running"), status);
            }
        }
        assert_eq!(execution.counters, Some(recounted(&execution, 5)));
        execution.end("Cancelled", "cancelled", "2026-01-01T00:00:00Z");
        let statuses: Vec<&str> = execution
            .task_executions
            .iter()
            .map(|t| t.status.as_str())
            .collect();
        assert_eq!(
            statuses,
            [
                "Success",
                "Failed",
                "Cancelled",
                "Cancelled",
                "Success",
                "Cancelled"
            ]
        );
        let counters = execution.counters.clone().unwrap();
        assert_eq!(
            counters,
            BTreeMap::from([
                ("Cancelled".to_owned(), 2),
                ("Failed".to_owned(), 1),
                ("Success".to_owned(), 1),
                ("Total".to_owned(), 5),
            ])
        );
        assert_eq!(counters, recounted(&execution, 5));
    }
}
