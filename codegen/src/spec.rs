//! The spec files as written: the serde model of `service.yaml` and of one action file.
//!
//! Every struct denies unknown keys so that a misspelt key is an error, not a silently
//! ignored line. Meaning is checked afterwards, in [`crate::load`].

use std::collections::BTreeMap;

use serde::Deserialize;

/// `spec/<product>/service.yaml`: what all actions of a product share.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Product code, e.g. `Oos`.
    pub product: String,
    /// API version sent with every request.
    pub api_version: String,
    /// Public endpoint pattern with `{region}`.
    pub endpoint: String,
    /// VPC endpoint pattern with `{region}`.
    pub vpc_endpoint: String,
    /// Regions whose public endpoint does not follow the pattern: region id → host.
    #[serde(default)]
    pub endpoints: BTreeMap<String, String>,
    /// Where the importers read the sources of this spec directory.
    #[serde(default)]
    pub sources: Option<SourcesSpec>,
    /// Display names of the metadata's groups of actions, in the README's order.
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// Errors every action can answer with.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
}

/// The documents a spec directory is imported from, relative to the workspace root.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesSpec {
    /// The directory of reference pages (`<Action>.txt`).
    #[serde(default)]
    pub pages: Option<String>,
    /// The OpenAPI metadata document (`api-docs.json`).
    #[serde(default)]
    pub openapi: Option<String>,
}

/// A group of actions: the metadata's directory title and the name it is shown under.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// The metadata's directory title.
    pub title: String,
    /// The display name.
    pub name: String,
}

/// One action file, `spec/<product>/<Action>.yaml`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// The action's wire name, e.g. `ListExecutionLogs`.
    pub action: String,
    /// The one-line summary.
    pub summary: String,
    /// A longer description (Markdown), where the metadata has one.
    #[serde(default)]
    pub description: Option<String>,
    /// The group the metadata files the action under, for the README's table.
    #[serde(default)]
    pub group: Option<String>,
    /// The service marks the action deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// `read`, `write` or `readAndWrite`, as the metadata classifies the action.
    #[serde(default)]
    pub operation_type: Option<String>,
    /// `POST` (the default) or `GET`, for actions the service accepts only by GET.
    #[serde(default)]
    pub method: Option<String>,
    /// Whether sending the action twice is harmless.
    pub idempotent: bool,
    /// Request parameters, without the common ones (`Action`, `Version`, signing).
    #[serde(default)]
    pub request: Vec<FieldSpec>,
    /// Response fields.
    #[serde(default)]
    pub response: Vec<FieldSpec>,
    /// The type of the success answer where it is one value rather than an object (a
    /// `String`, …): the output holds it as `body`. Exclusive with `response`.
    #[serde(default)]
    pub response_body: Option<String>,
    /// The action's own error codes (the common ones live in `service.yaml`).
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// How pages chain, for actions that page.
    #[serde(default)]
    pub pagination: Option<PaginationSpec>,
    /// Waiters: polling this action until a response field reaches a final value. Written by
    /// hand; re-imports keep them.
    #[serde(default)]
    pub waiters: Vec<WaiterSpec>,
    /// The reference page's sample request, verbatim.
    #[serde(default)]
    pub sample_request: Option<String>,
    /// The reference page's sample success response, verbatim JSON.
    #[serde(default)]
    pub sample_response: Option<String>,
    /// The metadata's JSON response demo, verbatim.
    #[serde(default)]
    pub demo_response: Option<String>,
    /// The metadata's XML response demo, verbatim (documentation: the client asks for JSON).
    #[serde(default)]
    pub demo_response_xml: Option<String>,
    /// The metadata's error demo, verbatim.
    #[serde(default)]
    pub demo_error: Option<String>,
    /// The summary to show instead of `summary` (a maintainer's key, kept across re-imports):
    /// English text where the metadata's is not.
    #[serde(default)]
    pub doc_summary: Option<String>,
}

/// A request parameter, a response field, or (under `items`) the element of a List or Map.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The wire name (absent on an element).
    #[serde(default)]
    pub name: String,
    /// String, Integer, Long, Boolean, Float, JSON, List, Object or Map.
    #[serde(rename = "type")]
    pub ty: String,
    /// For List and Map: the element, as a type name or a full element entry.
    #[serde(default)]
    pub items: Option<Items>,
    /// For Object, or List/Map of Object: the nested fields.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Request only: whether the parameter must be set.
    #[serde(default)]
    pub required: Option<bool>,
    /// Request only: the documentation's own required flag, where it differs from `required`.
    #[serde(default)]
    pub doc_required: Option<bool>,
    /// Request only: how a structured value is encoded (`json`, `repeatList`, `flat`, `simple`,
    /// `spaceDelimited`, `pipeDelimited`).
    #[serde(default)]
    pub style: Option<String>,
    /// Request only: `query` (the default) or `formData` (sent in the form body).
    #[serde(default, rename = "in")]
    pub location: Option<String>,
    /// The documentation's example value.
    #[serde(default)]
    pub example: Option<String>,
    /// The documentation's description (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// The metadata's title of the field.
    #[serde(default)]
    pub title: Option<String>,
    /// A finer format of the type (`int32`, `int64`, `float`, `double`, `iso8601`, …).
    #[serde(default)]
    pub format: Option<String>,
    /// The value the service assumes when the parameter is absent.
    #[serde(default)]
    pub default: Option<String>,
    /// The service marks the field deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Smallest value allowed.
    #[serde(default)]
    pub minimum: Option<f64>,
    /// Largest value allowed.
    #[serde(default)]
    pub maximum: Option<f64>,
    /// `minimum` itself is not allowed.
    #[serde(default)]
    pub exclusive_minimum: bool,
    /// `maximum` itself is not allowed.
    #[serde(default)]
    pub exclusive_maximum: bool,
    /// Fewest elements of a List.
    #[serde(default)]
    pub min_items: Option<u64>,
    /// Most elements of a List.
    #[serde(default)]
    pub max_items: Option<u64>,
    /// Shortest String, in characters.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Longest String, in characters.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// A regular expression a String matches (documentation: the service checks it).
    #[serde(default)]
    pub pattern: Option<String>,
    /// How the reference page types the field when that differs from `type`.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// The field is in a sample but in neither source's tables.
    #[serde(default)]
    pub undocumented: bool,
    /// The Rust field name, where the snake_case of `name` will not do (a keyword).
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The Rust name of the nested struct (default: the field name, singular for a List).
    #[serde(default)]
    pub struct_name: Option<String>,
    /// Rustdoc to use instead of the description (kept across re-imports).
    #[serde(default)]
    pub doc: Option<String>,
    /// The values a String (or Integer) may take. A String becomes a Rust enum that keeps any
    /// other value as `Unknown`; a request value outside them is refused before sending.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Values the service takes beyond those the documentation lists (a maintainer's key,
    /// kept across imports): they join `values`.
    #[serde(default)]
    pub extra_values: Option<Vec<String>>,
    /// Labels of values, where the metadata gives one that differs from the value.
    #[serde(default)]
    pub value_titles: BTreeMap<String, String>,
    /// The Rust name of that enum (default: the field name).
    #[serde(default)]
    pub enum_name: Option<String>,
    /// Keep the value as free-form JSON (`serde_json::Value`) whatever its type says.
    #[serde(default)]
    pub free_form: bool,
    /// The title to keep instead of `title` (a maintainer's key, kept across re-imports):
    /// English text where the metadata's is not.
    #[serde(default)]
    pub doc_title: Option<String>,
    /// The value is a secret (a password, a decrypted parameter): `Debug` prints it redacted.
    /// A maintainer's key, kept across imports, for what the metadata does not say.
    #[serde(default)]
    pub secret: bool,
}

/// The element of a List or Map: a type name (`String`, `Object` with the parent's `fields`),
/// or an entry of its own (for nested containers, or an element with constraints or docs).
#[derive(Clone, Debug, PartialEq)]
pub enum Items {
    /// A type name.
    Name(String),
    /// A full element entry (its keys are a field's, without `name`).
    Entry(Box<FieldSpec>),
}

impl<'de> Deserialize<'de> for Items {
    // By hand rather than `untagged`, so that a bad entry reports its own key and line.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Items;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a type name or an element entry")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Items, E> {
                Ok(Items::Name(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
                FieldSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|entry| Items::Entry(Box::new(entry)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Items {
    /// The element's type name.
    pub fn type_name(&self) -> &str {
        match self {
            Items::Name(name) => name,
            Items::Entry(entry) => &entry.ty,
        }
    }
}

/// One documented error code.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The code, e.g. `EntityNotExists.Execution`.
    pub code: String,
    /// The HTTP status it arrives with.
    pub http_status: u16,
    /// Other HTTP statuses the documentation lists the same code under (the emulator answers
    /// with `http_status`).
    #[serde(default)]
    pub also_http_status: Vec<u16>,
    /// The message template, placeholders as the documentation writes them.
    pub message: String,
    /// The documentation's description.
    #[serde(default)]
    pub description: Option<String>,
    /// A transient error the client retries (throttling, unavailable).
    #[serde(default)]
    pub retryable: bool,
}

impl ErrorSpec {
    /// Records that the code is also listed under `status`, unless that is a status it has.
    pub fn also_under(&mut self, status: u16) {
        if status != self.http_status && !self.also_http_status.contains(&status) {
            self.also_http_status.push(status);
        }
    }
}

/// Which fields chain the pages of a paginated action.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSpec {
    /// Request parameter carrying the token (`NextToken`).
    pub input_token: String,
    /// Request parameter setting the page size (`MaxResults`).
    #[serde(default)]
    pub page_size: Option<String>,
    /// Response field carrying the next token (`NextToken`).
    pub output_token: String,
    /// Response field holding the page's list of items; a dotted path reaches into an object
    /// (`TagResources.TagResource`).
    pub items: String,
}

/// A waiter: the generated `client.wait_until_<name>()` sends the action with the caller's
/// parameters again and again until one response field reaches a value that ends the wait.
///
/// ```yaml
/// waiters:
///   - name: ExecutionFinished            # UpperCamelCase; gives `wait_until_execution_finished`
///     description: Waits until the execution has finished, in any way.
///     path: Executions[0].Status         # response field to read: wire names joined by `.`,
///                                        # `[n]` for the n-th element of a List
///     success: [Success]                 # values that end the wait with the response
///     failure: [Failed, Cancelled]       # values that end it with `WaitError::Failed`
///     retry: [Started, Queued, Running, Waiting]   # values that mean: poll again
///     retry_errors: []                   # error codes that mean: poll again (e.g. not yet visible)
///     min_delay: 2                       # seconds before the second poll
///     max_delay: 30                      # the most seconds between two polls
///     max_wait: 3600                     # seconds before `WaitError::Timeout`, unless the
///                                        # caller sets `.max_wait(..)`
/// ```
///
/// The field at `path` must be a String, an enum, a Boolean, an Integer or a Long; for an
/// enum, every value listed must be one of its documented values. `*` alone in one list
/// stands for every value the lists do not name; without it, such a value (or a path that
/// leads nowhere, such as an empty list) ends the wait with `WaitError::UnexpectedState`. A
/// value may appear in one list only. Any error other than a `retry_errors` code (which need
/// not be documented: OOS documents few) ends the wait with the call's error. Delays grow
/// from `min_delay` to `max_delay` with random jitter; `1 <= min_delay <= max_delay <=
/// max_wait`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// The waiter's name, UpperCamelCase.
    pub name: String,
    /// What it waits for (Markdown), for the generated method's documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// The response field read after each poll.
    pub path: String,
    /// Values that end the wait successfully.
    pub success: Vec<String>,
    /// Values that end the wait with a failure naming the value.
    #[serde(default)]
    pub failure: Vec<String>,
    /// Values that mean the wait goes on.
    #[serde(default)]
    pub retry: Vec<String>,
    /// Error codes that mean the wait goes on.
    #[serde(default)]
    pub retry_errors: Vec<String>,
    /// Request parameters (wire names) that identify what is waited on, besides those the
    /// action requires: `client.wait_until_<name>()` asks for each through a setter before
    /// the wait can be sent, so none can be forgotten.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Seconds between the first two polls.
    pub min_delay: u64,
    /// The most seconds between two polls.
    pub max_delay: u64,
    /// Seconds before the wait ends with a timeout.
    pub max_wait: u64,
}
