//! What tests that drive `oos-api` against an emulator share (feature `test-util`): a client
//! pointed at a running emulator, and each action's documented example request.

use std::time::Duration;

use oos_api::{Client, Config, ConfigBuilder, Credentials, RetryPolicy, SignatureMethod};
use serde_json::{Map, Value};

use crate::spec::{ActionSpec, Encoding, Field, Kind};
use crate::{RunningEmulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

/// Actions whose documented example request the documented parameters themselves refuse,
/// with the parameter named: the example breaks the spec, not the emulator.
pub const EXAMPLES_OUTSIDE_THE_SPEC: &[(&str, &str)] = &[
    // The 2026-01-02 edition's template example has a trailing comma.
    ("UpdateTemplate", "Content"),
];

/// Whether an answer refuses parameter `parameter`: `InvalidParameter` naming it, or, for a
/// template's content, `InvalidTemplate`.
pub fn refuses(parameter: &str, code: &str, message: &str) -> bool {
    match code {
        "InvalidParameter" => message.contains(&format!("\"{parameter}\"")),
        "InvalidTemplate" => ["Content", "TemplateContent"].contains(&parameter),
        _ => false,
    }
}

/// Whether an error is one an example request of `action` may get: for an action with
/// state, what the example names is not there (or is there already, or has finished); for
/// an example outside the spec, the parameter it breaks.
pub fn expected_refusal(action: &str, code: &str, message: &str) -> bool {
    let stateful = crate::stateful_actions().any(|a| a == action);
    let state_error = ["EntityNotExists.", "EntityAlreadyExists.", "InvalidStatus."]
        .iter()
        .any(|prefix| code.starts_with(prefix));
    let outside = EXAMPLES_OUTSIDE_THE_SPEC
        .iter()
        .any(|(a, p)| *a == action && refuses(p, code, message));
    (stateful && state_error) || outside
}

/// A configuration for `emulator`: its URL, region `cn-hangzhou`, the default key, this
/// signature method, and retries a few milliseconds apart. Tests that need more (timeouts,
/// another key) go on from here.
pub fn config_for(emulator: &RunningEmulator, signature: SignatureMethod) -> ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .endpoint_url(emulator.url())
        .signature_method(signature)
        .retry_policy(
            RetryPolicy::standard()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
}

/// A client of `emulator` signing with `signature` (see [`config_for`]).
pub fn client_for(emulator: &RunningEmulator, signature: SignatureMethod) -> Client {
    Client::new(config_for(emulator, signature).build())
}

/// The wire parameters of `action`'s documented example request: every parameter that has
/// an example, encoded as the official SDKs encode it (a `repeatList` spread over numbered
/// keys from its fields' examples). A page token is left out: only the service issues one.
pub fn sample_request(action: &ActionSpec) -> Vec<(String, String)> {
    let token = action.pagination.as_ref().map(|p| p.input_token.as_str());
    let mut pairs = Vec::new();
    for param in action.params {
        let field = &param.field;
        if Some(field.name) == token {
            continue;
        }
        match param.encoding {
            Encoding::Flat => {
                if let Some(value) = example_value(field) {
                    flatten(field.name, &value, &mut pairs);
                }
            }
            _ => {
                if let Some(example) = field.example {
                    pairs.push((field.name.to_owned(), example.to_owned()));
                }
            }
        }
    }
    pairs
}

/// A structured value built from the examples of its leaves.
fn example_value(field: &Field) -> Option<Value> {
    if let Some(example) = field.example {
        if let Ok(value @ (Value::Array(_) | Value::Object(_))) = serde_json::from_str(example) {
            return Some(value);
        }
    }
    match &field.kind {
        Kind::List(element) => Some(Value::Array(vec![example_value(element)?])),
        Kind::Object(fields) => {
            let map: Map<String, Value> = fields
                .iter()
                .filter_map(|f| Some((f.name.to_owned(), example_value(f)?)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        _ => field.example.map(|e| Value::String(e.to_owned())),
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{}", i + 1), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                flatten(&format!("{prefix}.{key}"), item, out);
            }
        }
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Null => {}
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}
