//! The records the emulator keeps: templates and executions, as loaded and as answered.
//!
//! Both are read from the data file with every field optional but the name (and content)
//! or id; the missing ones get defaults in `complete`. Answers are built from them by the
//! `*_view` functions, one per shape OOS answers with.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};
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
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
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
}

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
        let format = if self.content.trim_start().starts_with('{') {
            "JSON"
        } else {
            "YAML"
        };
        or(&mut self.template_format, || format.to_owned());
        or(&mut self.template_type, || "Automation".to_owned());
        or(&mut self.category, || "Other".to_owned());
        if self.description.is_none() {
            let parsed = serde_json::from_str::<Value>(&self.content).ok();
            let description = parsed
                .as_ref()
                .and_then(|c| c.get("Description"))
                .and_then(Value::as_str);
            self.description = Some(description.unwrap_or_default().to_owned());
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
        self
    }

    /// The tasks of the content as (name, action), if the content is JSON with `Tasks`.
    pub fn tasks(content: &str) -> Vec<(String, String)> {
        let Ok(parsed) = serde_json::from_str::<Value>(content) else {
            return Vec::new();
        };
        let Some(tasks) = parsed.get("Tasks").and_then(Value::as_array) else {
            return Vec::new();
        };
        tasks
            .iter()
            .filter_map(|task| {
                let name = task.get("Name")?.as_str()?;
                let action = task.get("Action").and_then(Value::as_str).unwrap_or("");
                Some((name.to_owned(), action.to_owned()))
            })
            .collect()
    }

    /// `GetTemplate`'s `Template`.
    pub fn get_view(&self) -> Value {
        json!({
            "CreatedBy": self.created_by,
            "CreatedDate": self.created_date,
            "Description": self.description.as_deref().unwrap_or_default(),
            "HasTrigger": self.has_trigger,
            "Hash": self.hash,
            "ResourceGroupId": self.resource_group_id,
            "ShareType": self.share_type,
            "SharedAccounts": self.shared_accounts,
            "Tags": self.tags,
            "TemplateFormat": self.template_format,
            "TemplateId": self.template_id,
            "TemplateName": self.template_name,
            "TemplateType": self.template_type,
            "TemplateVersion": self.template_version,
            "UpdatedBy": self.updated_by,
            "UpdatedDate": self.updated_date,
            "VersionName": self.version_name,
        })
    }

    /// An item of `ListTemplates`' `Templates`.
    pub fn list_view(&self) -> Value {
        json!({
            "Category": self.category,
            "Constraints": self.constraints,
            "CreatedBy": self.created_by,
            "CreatedDate": self.created_date,
            "Description": self.description.as_deref().unwrap_or_default(),
            "HasTrigger": self.has_trigger,
            "Hash": self.hash,
            "IsFavorite": self.is_favorite,
            "Popularity": self.popularity.unwrap_or(-1),
            "Publisher": self.publisher,
            "ResourceGroupId": self.resource_group_id,
            "ShareType": self.share_type,
            "Tags": self.tags,
            "TemplateFormat": self.template_format,
            "TemplateId": self.template_id,
            "TemplateName": self.template_name,
            "TemplateType": self.template_type,
            "TemplateVersion": self.template_version,
            "TotalExecutionCount": self.total_execution_count.unwrap_or(0),
            "UpdatedBy": self.updated_by,
            "UpdatedDate": self.updated_date,
            "VersionName": self.version_name,
        })
    }
}

/// A task in progress.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "PascalCase")]
pub(crate) struct CurrentTask {
    pub task_action: String,
    pub task_execution_id: String,
    pub task_name: String,
}

/// An execution: its metadata and its logs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "PascalCase")]
pub(crate) struct Execution {
    pub execution_id: String,
    #[serde(deserialize_with = "log_objects")]
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
        self
    }

    pub fn is_unfinished(&self) -> bool {
        UNFINISHED.contains(&self.status.as_str())
    }

    fn tasks_view(&self) -> Value {
        self.current_tasks
            .iter()
            .map(|t| {
                json!({
                    "TaskAction": t.task_action,
                    "TaskExecutionId": t.task_execution_id,
                    "TaskName": t.task_name,
                })
            })
            .collect()
    }

    /// An item of `ListExecutions`' `Executions`.
    pub fn list_view(&self) -> Value {
        json!({
            "AccountId": self.account_id,
            "Category": self.category,
            "Counters": self.counters.clone().unwrap_or_default(),
            "CreateDate": self.create_date,
            "CurrentTasks": self.tasks_view(),
            "Description": self.description,
            "EndDate": self.end_date,
            "ExecutedBy": self.executed_by,
            "ExecutionId": self.execution_id,
            "IsParent": self.is_parent,
            "LastSuccessfulTriggerTime": self.last_successful_trigger_time,
            "LastTriggerOutputs": self.last_trigger_outputs,
            "LastTriggerStatus": self.last_trigger_status,
            "LastTriggerStatusMessage": self.last_trigger_status_message,
            "LastTriggerTime": self.last_trigger_time,
            "Mode": self.mode,
            "NextScheduleTime": self.next_schedule_time,
            "Outputs": self.outputs,
            "Parameters": Value::Object(self.parameters.clone()),
            "ParentExecutionId": self.parent_execution_id,
            "RamRole": self.ram_role,
            "ResourceGroupId": self.resource_group_id,
            "ResourceStatus": self.resource_status,
            "SafetyCheck": self.safety_check,
            "StartDate": self.start_date,
            "Status": self.status,
            "StatusMessage": self.status_message,
            "StatusReason": self.status_reason,
            "Tags": self.tags,
            "Targets": self.targets,
            "TemplateId": self.template_id,
            "TemplateName": self.template_name,
            "TemplateVersion": self.template_version,
            "UpdateDate": self.update_date,
            "WaitingStatus": self.waiting_status,
        })
    }

    /// `StartExecution`'s `Execution`.
    pub fn start_view(&self) -> Value {
        json!({
            "Counters": self.counters.clone().unwrap_or_default(),
            "CreateDate": self.create_date,
            "CurrentTasks": self.tasks_view(),
            "Description": self.description,
            "EndDate": self.end_date,
            "ExecutedBy": self.executed_by,
            "ExecutionId": self.execution_id,
            "IsParent": self.is_parent,
            "LoopMode": self.loop_mode,
            "Mode": self.mode,
            "Outputs": self.outputs,
            "Parameters": Value::Object(self.parameters.clone()).to_string(),
            "ParentExecutionId": self.parent_execution_id,
            "RamRole": self.ram_role,
            "ResourceGroupId": self.resource_group_id,
            "SafetyCheck": self.safety_check,
            "StartDate": self.start_date,
            "Status": self.status,
            "StatusMessage": self.status_message,
            "Tags": self.tags,
            "TemplateId": self.template_id,
            "TemplateName": self.template_name,
            "TemplateVersion": self.template_version,
            "UpdateDate": self.update_date,
        })
    }
}
