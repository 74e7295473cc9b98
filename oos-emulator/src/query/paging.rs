//! Pages of a list: the page size and the token of the request, and the page, its size and
//! the next token in the answer, under the names the action's pagination gives.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::ParamName;
use crate::state::State;

const DEFAULT_PAGE_SIZE: u64 = 50;
const MAX_PAGE_SIZE: u64 = 100;

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
];

/// The page a request asks for.
pub(crate) struct Paging {
    pub max_results: u64,
    offset: u64,
    binding: Vec<(String, String)>,
    size_param: Option<ParamName>,
}

impl Paging {
    /// Reads the page size (its documented default, or 50; at most 100 where the
    /// documentation sets no bound) and the token, which must have been issued for the same
    /// action and the same other parameters.
    pub fn read(state: &State, request: &ActionRequest<'_>) -> Result<Self, ApiError> {
        let pagination = request.spec.pagination.as_ref();
        let token_param = pagination.map(|p| p.input_token);
        let size_param = pagination.and_then(|p| p.page_size);
        let max_results = match size_param {
            Some(name) => page_size(request, name)?,
            None => DEFAULT_PAGE_SIZE,
        };
        let mut binding: Vec<(String, String)> = request
            .params
            .iter()
            .filter(|(name, _)| {
                !NOT_QUERY.contains(&name.as_str())
                    && Some(name.as_str()) != token_param.map(ParamName::as_str)
                    && Some(name.as_str()) != size_param.map(ParamName::as_str)
            })
            .cloned()
            .collect();
        binding.sort();
        binding.push(("MaxResults".into(), max_results.to_string()));
        let mut paging = Self {
            max_results,
            offset: 0,
            binding,
            size_param,
        };
        if let Some(token) = token_param.and_then(|t| request.str(t)) {
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

    /// Puts this page of `items` where the action's pagination says, with the page size and
    /// the total (where the answer documents them) and, when more follow, the next token.
    /// Only the page's items go through `item`, so a list builds the records of one page.
    pub fn answer<T>(
        &self,
        state: &State,
        request: &ActionRequest<'_>,
        items: &[T],
        item: impl Fn(&T) -> Value,
        answer: &mut Answer,
    ) {
        let len = items.len();
        let start = usize::try_from(self.offset).unwrap_or(usize::MAX).min(len);
        let page = usize::try_from(self.max_results).unwrap_or(usize::MAX);
        let end = start.saturating_add(page).min(len);
        let page: Vec<Value> = items[start..end].iter().map(item).collect();
        let pagination = request.spec.pagination.as_ref();
        let path: &[&str] = pagination.map_or(&[], |p| p.items);
        put(answer, path, Value::Array(page));
        let documents = |name: &str| request.spec.response.iter().any(|f| f.name == name);
        if let Some(size) = self
            .size_param
            .map(ParamName::as_str)
            .filter(|s| documents(s))
        {
            answer.insert(size.into(), self.max_results.into());
        }
        if documents("TotalCount") {
            answer.insert("TotalCount".into(), len.into());
        }
        let output = pagination.map_or("NextToken", |p| p.output_token);
        answer.remove(output);
        if end < len {
            let token = state
                .tokens
                .issue(request.action, &self.pairs(), end as u64);
            answer.insert(output.into(), token.into());
        }
    }

    /// The answer of a list that holds nothing but its page: [`answer`](Self::answer) in
    /// the action's documented shape.
    pub fn list<T>(
        &self,
        state: &State,
        request: &ActionRequest<'_>,
        items: &[T],
        item: impl Fn(&T) -> Value,
    ) -> Answer {
        let mut answer = Answer::new();
        self.answer(state, request, items, item, &mut answer);
        request.shaped(answer)
    }
}

/// Sets the value at `path` (objects created on the way); an empty path changes nothing.
fn put(answer: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = answer;
    for key in parents {
        let entry = at
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        at = next;
    }
    at.insert((*last).to_owned(), value);
}

/// The items at `path` of a documented answer.
pub(crate) fn items_at(answer: &Map<String, Value>, path: &[&str]) -> Vec<Value> {
    let mut at: Option<&Value> = None;
    for (i, key) in path.iter().enumerate() {
        at = if i == 0 {
            answer.get(*key)
        } else {
            at.and_then(|v| v.get(*key))
        };
    }
    at.and_then(Value::as_array).cloned().unwrap_or_default()
}

/// The page size: documented bounds are checked before any handler runs; without them it
/// must be 1 to 100.
fn page_size(request: &ActionRequest<'_>, name: ParamName) -> Result<u64, ApiError> {
    let param = request.spec.param(name.as_str());
    let default = param
        .and_then(|p| p.default)
        .and_then(|d| d.parse::<u64>().ok())
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let Some(text) = request.param(name) else {
        return Ok(default);
    };
    let bounded = param.is_some_and(|p| p.field.limits.maximum.is_some());
    let max = if bounded { u64::MAX } else { MAX_PAGE_SIZE };
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            ApiError::invalid_parameter(name.as_str(), "it must be an integer from 1 to 100")
        })
}
