//! One checked request as the actions see it, and the answer they build.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::data::model::parse_date;
use crate::error::ApiError;
use crate::spec::check::Args;
use crate::spec::{shape, ActionSpec, ParamName, ACTIONS};
use crate::wire::first;

/// The most tags one resource has.
pub(crate) const MAX_TAGS: usize = 20;

/// What an action answers with, less `RequestId`.
pub(crate) type Answer = Map<String, Value>;

/// A verified request whose parameters passed its action's check.
pub(crate) struct ActionRequest<'a> {
    pub action: &'a str,
    pub spec: &'static ActionSpec,
    /// The access key that signed the request.
    pub access_key_id: &'a str,
    /// Every pair of the query and the form, as received.
    pub params: &'a [(String, String)],
    /// The documented parameters, decoded.
    pub args: &'a Args,
    /// Sent by a task of a running execution (`ACS::Template`, a cloud product action) rather
    /// than over HTTP: `StartExecution` fits the task's parameters to the child template's
    /// declarations, as OOS passes a parent's values on.
    pub from_task: bool,
}

impl ActionRequest<'_> {
    /// A parameter as received.
    pub fn param(&self, name: ParamName) -> Option<&str> {
        first(self.params, name.as_str())
    }

    /// A string parameter, unless absent or empty.
    pub fn str(&self, name: ParamName) -> Option<&str> {
        match self.args.get(name.as_str()) {
            Some(Value::String(s)) => Some(s.as_str()).filter(|s| !s.is_empty()),
            _ => self.param(name).filter(|v| !v.is_empty()),
        }
    }

    /// A string parameter the action cannot do without.
    pub fn required(&self, name: ParamName) -> Result<&str, ApiError> {
        self.str(name)
            .ok_or_else(|| ApiError::missing_parameter(name.as_str()))
    }

    /// A string parameter of at most `max` characters.
    pub fn limited(&self, name: ParamName, max: usize) -> Result<Option<&str>, ApiError> {
        match self.str(name) {
            Some(value) if value.chars().count() > max => Err(ApiError::invalid_parameter(
                name.as_str(),
                &format!("it must be at most {max} characters long"),
            )),
            other => Ok(other),
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, name: ParamName) -> Option<bool> {
        self.args.get(name.as_str()).and_then(Value::as_bool)
    }

    /// An integer parameter.
    pub fn int(&self, name: ParamName) -> Option<i64> {
        self.args.get(name.as_str()).and_then(Value::as_i64)
    }

    /// A parameter decoded from JSON (or from keys spread over the wire).
    pub fn value(&self, name: ParamName) -> Option<&Value> {
        self.args.get(name.as_str())
    }

    /// A JSON object of strings, such as `Tags`; some actions document it as a String that
    /// holds the JSON.
    pub fn string_map(
        &self,
        name: ParamName,
    ) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        self.json_as(name, "a JSON object of strings, such as {\"env\":\"prod\"}")
    }

    /// Tags (`name` is the action's `Tags`): at most [`MAX_TAGS`] pairs, as OOS keeps on
    /// one resource.
    pub fn tags(&self, name: ParamName) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        let tags = self.string_map(name)?;
        if tags.as_ref().is_some_and(|t| t.len() > MAX_TAGS) {
            return Err(ApiError::invalid_parameter(
                name.as_str(),
                &format!("it must have at most {MAX_TAGS} pairs"),
            ));
        }
        Ok(tags)
    }

    /// A JSON array of strings, such as `ExecutionIds`; some actions document it as a String
    /// that holds the JSON.
    pub fn string_list(&self, name: ParamName) -> Result<Option<Vec<String>>, ApiError> {
        self.json_as(name, "a JSON array of strings, such as [\"a\",\"b\"]")
    }

    fn json_as<T: serde::de::DeserializeOwned>(
        &self,
        name: ParamName,
        what: &str,
    ) -> Result<Option<T>, ApiError> {
        let invalid = || ApiError::invalid_parameter(name.as_str(), &format!("it must be {what}"));
        match self.args.get(name.as_str()) {
            None => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => {
                serde_json::from_str(text).map(Some).map_err(|_| invalid())
            }
            Some(value) => T::deserialize(value).map(Some).map_err(|_| invalid()),
        }
    }

    /// A date parameter in RFC 3339, such as `2024-03-01T00:00:00Z`.
    pub fn date(&self, name: ParamName) -> Result<Option<OffsetDateTime>, ApiError> {
        self.str(name)
            .map(|text| {
                parse_date(text).ok_or_else(|| {
                    ApiError::invalid_parameter(
                        name.as_str(),
                        "it must be a date such as 2024-03-01T00:00:00Z",
                    )
                })
            })
            .transpose()
    }

    /// A sort order (the action's `SortOrder`): whether it is descending (`default` when
    /// absent).
    pub fn descending(&self, name: ParamName, default: bool) -> bool {
        match self.str(name) {
            Some("Ascending") => false,
            Some("Descending") => true,
            _ => default,
        }
    }

    /// Keys a client token (the action's `ClientToken`) by action, so that one token names
    /// one thing per action.
    pub fn client_token(&self, name: ParamName) -> Result<Option<String>, ApiError> {
        Ok(self
            .limited(name, 64)?
            .map(|token| format!("{}\u{0}{token}", self.action)))
    }

    /// `answer` in the action's documented shape: only documented fields, each of its
    /// documented type, and only those the documented answer shows.
    pub fn shaped(&self, answer: Answer) -> Answer {
        shape::project_like(&answer, self.spec.response, sample_of(self.spec))
    }
}

/// The documented answer of an action, parsed once.
pub(crate) fn sample_of(spec: &'static ActionSpec) -> Option<&'static Value> {
    static SAMPLES: OnceLock<Vec<Value>> = OnceLock::new();
    let samples = SAMPLES.get_or_init(|| {
        ACTIONS
            .iter()
            .map(|a| serde_json::from_str(a.sample).unwrap_or(Value::Null))
            .collect()
    });
    let index = ACTIONS.binary_search_by(|a| a.name.cmp(spec.name)).ok()?;
    samples.get(index).filter(|v| v.is_object())
}
