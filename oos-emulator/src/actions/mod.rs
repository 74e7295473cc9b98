//! The OOS actions the emulator answers, found by name in a dispatch table.
//!
//! An action is a function from the in-memory state and the request's parameters to the
//! fields of its answer; the server adds `RequestId`. New actions go in a module of their
//! own and a line in [`ACTIONS`].

mod cancel_execution;
mod delete_executions;
mod get_template;
mod list_execution_logs;
mod list_executions;
mod list_templates;
mod listing;
mod page_token;
mod start_execution;
mod state;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::wire::first;
pub(crate) use page_token::PageTokens;
pub(crate) use state::State;

/// The parameters of one verified request.
pub(crate) struct ActionRequest<'a> {
    pub action: &'a str,
    /// The access key that signed the request.
    pub access_key_id: &'a str,
    pub params: &'a [(String, String)],
}

impl ActionRequest<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        first(self.params, name)
    }

    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.param(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::missing_parameter(name))
    }
}

/// What an action answers with, less `RequestId`.
pub(crate) type Answer = Map<String, Value>;

pub(crate) type Handler = fn(&mut State, &ActionRequest<'_>) -> Result<Answer, ApiError>;

const ACTIONS: &[(&str, Handler)] = &[
    ("ListExecutionLogs", list_execution_logs::handle),
    ("ListExecutions", list_executions::handle),
    ("StartExecution", start_execution::handle),
    ("CancelExecution", cancel_execution::handle),
    ("DeleteExecutions", delete_executions::handle),
    ("GetTemplate", get_template::handle),
    ("ListTemplates", list_templates::handle),
];

pub(crate) fn find(action: &str) -> Option<Handler> {
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, handler)| *handler)
}

/// The names of the actions the emulator answers.
pub fn supported_actions() -> impl Iterator<Item = &'static str> {
    ACTIONS.iter().map(|(name, _)| *name)
}
