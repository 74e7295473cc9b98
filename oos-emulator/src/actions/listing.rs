//! What the list actions share: reading filters, sorting, and paging with bound tokens.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;
use time::OffsetDateTime;

use super::{ActionRequest, Answer, State};
use crate::data::model::parse_date;
use crate::error::ApiError;

const DEFAULT_MAX_RESULTS: u64 = 50;
const MAX_MAX_RESULTS: u64 = 100;

/// Parameters of the request itself rather than of the query; a page token is bound to
/// every other parameter.
const NOT_QUERY: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "Signature",
    "SecurityToken",
    "NextToken",
    "MaxResults",
];

/// `MaxResults`: 1 to 100, 50 when absent.
pub(super) fn max_results(request: &ActionRequest<'_>) -> Result<u64, ApiError> {
    match request.param("MaxResults") {
        None => Ok(DEFAULT_MAX_RESULTS),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_MAX_RESULTS).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_parameter("MaxResults", "it must be an integer from 1 to 100")
            }),
    }
}

/// A non-empty parameter, or `None`.
pub(super) fn filter<'a>(request: &'a ActionRequest<'_>, name: &str) -> Option<&'a str> {
    request.param(name).filter(|v| !v.is_empty())
}

/// A non-empty parameter of at most `max` bytes, or `None`; longer is `InvalidParameter`.
pub(super) fn limited<'a>(
    request: &'a ActionRequest<'_>,
    name: &str,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    match filter(request, name) {
        Some(value) if value.len() > max => Err(ApiError::invalid_parameter(
            name,
            &format!("it must be at most {max} bytes long"),
        )),
        other => Ok(other),
    }
}

/// One of `allowed`, or the first when absent.
pub(super) fn one_of<'a>(
    request: &ActionRequest<'_>,
    name: &str,
    allowed: &[&'a str],
) -> Result<&'a str, ApiError> {
    match filter(request, name) {
        None => Ok(allowed.first().copied().unwrap_or_default()),
        Some(value) => allowed
            .iter()
            .copied()
            .find(|a| *a == value)
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    name,
                    &format!("it must be one of {}", allowed.join(", ")),
                )
            }),
    }
}

/// `SortOrder`: whether it is `Descending` (the default) rather than `Ascending`.
pub(super) fn descending(request: &ActionRequest<'_>) -> Result<bool, ApiError> {
    Ok(one_of(request, "SortOrder", &["Descending", "Ascending"])? == "Descending")
}

/// A boolean parameter: `true` or `false`, in any case.
pub(super) fn boolean(request: &ActionRequest<'_>, name: &str) -> Result<Option<bool>, ApiError> {
    match filter(request, name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid_parameter(
            name,
            "it must be true or false",
        )),
    }
}

/// A date parameter in RFC 3339, such as `2024-03-01T00:00:00Z`.
pub(super) fn date(
    request: &ActionRequest<'_>,
    name: &str,
) -> Result<Option<OffsetDateTime>, ApiError> {
    filter(request, name)
        .map(|text| {
            parse_date(text).ok_or_else(|| {
                ApiError::invalid_parameter(name, "it must be a date such as 2024-03-01T00:00:00Z")
            })
        })
        .transpose()
}

/// A JSON object of strings, such as `Tags`.
pub(super) fn string_map(
    request: &ActionRequest<'_>,
    name: &str,
) -> Result<Option<BTreeMap<String, String>>, ApiError> {
    filter(request, name)
        .map(|text| {
            serde_json::from_str::<BTreeMap<String, String>>(text).map_err(|_| {
                ApiError::invalid_parameter(
                    name,
                    "it must be a JSON object of strings, such as {\"env\":\"prod\"}",
                )
            })
        })
        .transpose()
}

/// A JSON array of strings, such as `ExecutionIds`.
pub(super) fn string_list(
    request: &ActionRequest<'_>,
    name: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    filter(request, name)
        .map(|text| {
            serde_json::from_str::<Vec<String>>(text).map_err(|_| {
                ApiError::invalid_parameter(
                    name,
                    "it must be a JSON array of strings, such as [\"exec-1\"]",
                )
            })
        })
        .transpose()
}

/// Whether `tags` has every pair of `wanted`.
pub(super) fn has_tags(
    tags: &BTreeMap<String, String>,
    wanted: Option<&BTreeMap<String, String>>,
) -> bool {
    wanted.is_none_or(|wanted| wanted.iter().all(|(k, v)| tags.get(k) == Some(v)))
}

/// Whether `value` equals `wanted`, when there is one.
pub(super) fn is(value: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| value == w)
}

/// Whether `value` contains `wanted`, when there is one.
pub(super) fn contains(value: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| value.contains(w))
}

/// Whether a date lies within the bounds given (both inclusive); a record without a date
/// is outside any bound.
pub(super) fn within(
    date: &str,
    after: Option<OffsetDateTime>,
    before: Option<OffsetDateTime>,
) -> bool {
    if after.is_none() && before.is_none() {
        return true;
    }
    parse_date(date).is_some_and(|d| after.is_none_or(|a| d >= a) && before.is_none_or(|b| d <= b))
}

/// Compares dates as dates; a missing or malformed one comes first.
pub(super) fn by_date(a: &str, b: &str) -> Ordering {
    parse_date(a).cmp(&parse_date(b))
}

/// Sorts `items` by `compare`, ties in the order given, then reverses it all when
/// descending: the order is a function of the data, so pages never skip or repeat.
pub(super) fn sort<T>(items: &mut [T], descending: bool, compare: impl Fn(&T, &T) -> Ordering) {
    items.sort_by(compare);
    if descending {
        items.reverse();
    }
}

/// The page of a list: where it starts, how long it is, and the token query it is bound to.
pub(super) struct Paging {
    pub max_results: u64,
    offset: u64,
    binding: Vec<(String, String)>,
}

impl Paging {
    /// Reads `MaxResults` and `NextToken`; the token must have been issued for the same
    /// action and the same other parameters.
    pub fn read(state: &State, request: &ActionRequest<'_>) -> Result<Self, ApiError> {
        let max_results = max_results(request)?;
        let mut binding: Vec<(String, String)> = request
            .params
            .iter()
            .filter(|(name, _)| !NOT_QUERY.contains(&name.as_str()))
            .cloned()
            .collect();
        binding.sort();
        binding.push(("MaxResults".into(), max_results.to_string()));
        let mut paging = Self {
            max_results,
            offset: 0,
            binding,
        };
        if let Some(token) = filter(request, "NextToken") {
            paging.offset = state
                .tokens
                .redeem(request.action, &paging.pairs(), token)?;
        }
        Ok(paging)
    }

    fn pairs(&self) -> Vec<(&str, &str)> {
        self.binding
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// Puts this page of `items` under `key`, with `MaxResults` and, when more follow,
    /// `NextToken`. A token past the end (items removed since) gives an empty last page.
    pub fn answer(
        &self,
        state: &State,
        request: &ActionRequest<'_>,
        items: Vec<Value>,
        key: &str,
        answer: &mut Answer,
    ) {
        let len = items.len();
        let start = usize::try_from(self.offset).unwrap_or(usize::MAX).min(len);
        let page = usize::try_from(self.max_results).unwrap_or(usize::MAX);
        let end = start.saturating_add(page).min(len);
        let page: Vec<Value> = items.into_iter().skip(start).take(end - start).collect();
        answer.insert(key.into(), Value::Array(page));
        answer.insert("MaxResults".into(), self.max_results.into());
        if end < len {
            let token = state
                .tokens
                .issue(request.action, &self.pairs(), end as u64);
            answer.insert("NextToken".into(), token.into());
        }
    }
}
