//! One checked request as the actions see it, and the answer they build.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::data::model::parse_date;
use crate::error::ApiError;
use crate::spec::check::Args;
use crate::spec::{shape, ActionSpec, ACTIONS};
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
}

impl ActionRequest<'_> {
    /// A parameter as received.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.documented(name);
        first(self.params, name)
    }

    /// Handlers name parameters as text: a name no spec documents (a misspelling) would
    /// read as absent, so debug builds refuse to read it. Handlers shared by related
    /// actions (plain and secret parameters) read names only one of them documents.
    fn documented(&self, name: &str) {
        debug_assert!(
            ACTIONS
                .iter()
                .any(|action| action.params.iter().any(|p| p.field.name == name)),
            "{} reads {name}, which no action's spec documents",
            self.action
        );
    }

    /// A string parameter, unless absent or empty.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.documented(name);
        match self.args.get(name) {
            Some(Value::String(s)) => Some(s.as_str()).filter(|s| !s.is_empty()),
            _ => self.param(name).filter(|v| !v.is_empty()),
        }
    }

    /// A string parameter the action cannot do without.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.str(name)
            .ok_or_else(|| ApiError::missing_parameter(name))
    }

    /// A string parameter of at most `max` characters.
    pub fn limited(&self, name: &str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.str(name) {
            Some(value) if value.chars().count() > max => Err(ApiError::invalid_parameter(
                name,
                &format!("it must be at most {max} characters long"),
            )),
            other => Ok(other),
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.documented(name);
        self.args.get(name).and_then(Value::as_bool)
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.documented(name);
        self.args.get(name).and_then(Value::as_i64)
    }

    /// A parameter decoded from JSON (or from keys spread over the wire).
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.documented(name);
        self.args.get(name)
    }

    /// A JSON object of strings, such as `Tags`; some actions document it as a String that
    /// holds the JSON.
    pub fn string_map(&self, name: &str) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        self.json_as(name, "a JSON object of strings, such as {\"env\":\"prod\"}")
    }

    /// `Tags`: at most [`MAX_TAGS`] pairs, as OOS keeps on one resource.
    pub fn tags(&self) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        let tags = self.string_map("Tags")?;
        if tags.as_ref().is_some_and(|t| t.len() > MAX_TAGS) {
            return Err(ApiError::invalid_parameter(
                "Tags",
                &format!("it must have at most {MAX_TAGS} pairs"),
            ));
        }
        Ok(tags)
    }

    /// A JSON array of strings, such as `ExecutionIds`; some actions document it as a String
    /// that holds the JSON.
    pub fn string_list(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        self.json_as(name, "a JSON array of strings, such as [\"a\",\"b\"]")
    }

    fn json_as<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, ApiError> {
        self.documented(name);
        let invalid = || ApiError::invalid_parameter(name, &format!("it must be {what}"));
        match self.args.get(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => {
                serde_json::from_str(text).map(Some).map_err(|_| invalid())
            }
            Some(value) => T::deserialize(value).map(Some).map_err(|_| invalid()),
        }
    }

    /// A date parameter in RFC 3339, such as `2024-03-01T00:00:00Z`.
    pub fn date(&self, name: &str) -> Result<Option<OffsetDateTime>, ApiError> {
        self.str(name)
            .map(|text| {
                parse_date(text).ok_or_else(|| {
                    ApiError::invalid_parameter(
                        name,
                        "it must be a date such as 2024-03-01T00:00:00Z",
                    )
                })
            })
            .transpose()
    }

    /// `SortOrder`: whether it is descending (`default` when absent).
    pub fn descending(&self, default: bool) -> bool {
        match self.str("SortOrder") {
            Some("Ascending") => false,
            Some("Descending") => true,
            _ => default,
        }
    }

    /// Keys `ClientToken` by action, so that one token names one thing per action.
    pub fn client_token(&self) -> Result<Option<String>, ApiError> {
        Ok(self
            .limited("ClientToken", 64)?
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
