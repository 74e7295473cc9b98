//! The validated model the generator works from: names resolved, types parsed, references
//! checked, nested types gathered across the spec set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What all actions of a product share.
#[derive(Clone, Debug)]
pub struct Service {
    /// The `service.yaml` it came from.
    pub file: PathBuf,
    /// Product code.
    pub product: String,
    /// API version.
    pub api_version: String,
    /// Public endpoint pattern.
    pub endpoint: String,
    /// VPC endpoint pattern.
    pub vpc_endpoint: String,
    /// Regions whose public endpoint does not follow the pattern: region id → host.
    pub endpoints: BTreeMap<String, String>,
    /// The directory of reference pages, relative to the workspace root.
    pub pages: Option<PathBuf>,
    /// The OpenAPI metadata document, relative to the workspace root.
    pub openapi: Option<PathBuf>,
    /// Display names of the metadata's directory titles: `(title, name)`, in display order.
    pub groups: Vec<(String, String)>,
    /// Errors every action can answer with.
    pub errors: Vec<ErrorCode>,
}

/// How an action is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `POST` (parameters in the query string, `formData` ones in the body).
    Post,
    /// `GET`, for actions the service takes only that way.
    Get,
}

/// One action, ready to generate.
#[derive(Clone, Debug)]
pub struct Action {
    /// The spec file it came from.
    pub file: PathBuf,
    /// Wire name, as documented (`ListExecutionLogs`; a few products have `createTicket…`).
    pub name: String,
    /// The UpperCamelCase stem of its Rust types (`ListExecutionLogsInput`, …).
    pub rust_name: String,
    /// Module name (`list_execution_logs`; `pub_` for an action named by a keyword).
    pub module: String,
    /// One-line summary.
    pub summary: String,
    /// Longer description.
    pub description: Option<String>,
    /// The group it is listed under.
    pub group: Option<String>,
    /// Deprecated by the service.
    pub deprecated: bool,
    /// How it is sent.
    pub method: Method,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Request parameters.
    pub request: Vec<Field>,
    /// Response fields of the top-level output.
    pub response: Vec<Field>,
    /// The success answer is one value, not an object: `response` is its one field `body`,
    /// which the output holds transparently.
    pub body: bool,
    /// The action's own error codes.
    pub errors: Vec<ErrorCode>,
    /// Page chaining.
    pub pagination: Option<Pagination>,
    /// Waiters that poll this action.
    pub waiters: Vec<Waiter>,
    /// The idempotency token parameter (`ClientToken`), filled automatically when unset.
    pub idempotency_token: Option<String>,
    /// Documented success answers (the page's sample, the metadata's demo), each of which
    /// must round-trip through the output type.
    pub samples: Vec<Sample>,
}

/// A documented success answer.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The spec key it came from (`sample_response`, `demo_response`).
    pub key: &'static str,
    /// The JSON text, verbatim.
    pub json: String,
}

/// A request parameter or response field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Its type, constraints and documentation.
    pub shape: Shape,
    /// Request only: must be set before sending.
    pub required: bool,
    /// The documentation's own required flag, where it differs.
    pub doc_required: Option<bool>,
    /// In a sample only.
    pub undocumented: bool,
    /// Request only: how a structured value is encoded.
    pub style: Style,
    /// Request only: where it is sent.
    pub location: Location,
    /// Deprecated by the service.
    pub deprecated: bool,
    /// The value the service assumes when it is absent.
    pub default: Option<String>,
    /// Holds a secret: redacted from `Debug`.
    pub secret: bool,
}

/// A value's type with what the documentation says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// The type.
    pub ty: Type,
    /// Description (Markdown).
    pub description: Option<String>,
    /// Example value.
    pub example: Option<String>,
    /// Title, where the metadata gives one (`doc_title` where a maintainer gave one).
    pub title: Option<String>,
    /// Finer format (`iso8601`, …), for the docs.
    pub format: Option<String>,
    /// What a request value must satisfy.
    pub constraints: Constraints,
}

/// A field's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A scalar.
    Scalar(Scalar),
    /// Any JSON value.
    Json,
    /// A JSON array.
    List(Box<Shape>),
    /// A JSON object with arbitrary keys.
    Map(Box<Shape>),
    /// A nested object type, by name (see [`SpecSet::structs`]).
    Object(String),
    /// A string enum, by name (see [`SpecSet::enums`]).
    Enum(String),
}

/// The scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `String`
    String,
    /// `Integer` (32-bit)
    Integer,
    /// `Long` (64-bit)
    Long,
    /// `Boolean`
    Boolean,
    /// `Float` (64-bit, so that documented values keep their exact decimal form)
    Float,
}

/// Documented constraints on a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// Smallest value.
    pub minimum: Option<f64>,
    /// Largest value.
    pub maximum: Option<f64>,
    /// `minimum` is excluded.
    pub exclusive_minimum: bool,
    /// `maximum` is excluded.
    pub exclusive_maximum: bool,
    /// Fewest elements.
    pub min_items: Option<u64>,
    /// Most elements.
    pub max_items: Option<u64>,
    /// Shortest string, in characters.
    pub min_length: Option<u64>,
    /// Longest string, in characters.
    pub max_length: Option<u64>,
    /// Pattern (documented, not checked by the client).
    pub pattern: Option<String>,
    /// Allowed values of a scalar that is not a Rust enum (an Integer, or strings that cannot
    /// be variants).
    pub allowed: Option<Vec<String>>,
}

impl Constraints {
    /// Whether the client has anything to check: bounds, list sizes or string lengths. Allowed
    /// values are not checked by the client: a value the service adds is sent, and it decides.
    pub fn is_bounded(&self) -> bool {
        self.minimum.is_some()
            || self.maximum.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
    }

    /// Whether the service (the emulator) has anything to check: the bounds and the allowed
    /// values.
    pub fn is_checked(&self) -> bool {
        self.is_bounded() || self.allowed.is_some()
    }
}

/// How a structured request value is encoded on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A scalar: `Name=value`.
    Plain,
    /// One JSON string.
    Json,
    /// `Name.1=…`, `Name.1.Field=…` (the metadata's `repeatList`).
    RepeatList,
    /// `Name.Key=…`, `Name.1=…` (the metadata's `flat`).
    Flat,
    /// Elements joined by `,`.
    Simple,
    /// Elements joined by a space.
    SpaceDelimited,
    /// Elements joined by `|`.
    PipeDelimited,
}

impl Style {
    /// The spec's name of the style.
    pub fn name(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Json => "json",
            Style::RepeatList => "repeatList",
            Style::Flat => "flat",
            Style::Simple => "simple",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
        }
    }
}

/// Where a request parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The query string.
    Query,
    /// The `application/x-www-form-urlencoded` body.
    Form,
}

/// A nested object type, gathered from every action that declares it.
#[derive(Clone, Debug)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// The union of the fields every declaration lists.
    pub fields: Vec<Field>,
    /// The actions that use it.
    pub users: BTreeSet<String>,
    /// Used in a request: it is encoded and checked.
    pub in_request: bool,
    /// Where it is first declared.
    pub origin: Origin,
}

/// Where a nested type is declared: for errors that name both of two declarations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The spec file.
    pub file: PathBuf,
    /// The line of the field that declares it.
    pub line: Option<usize>,
    /// The field's path.
    pub path: String,
    /// The same path as keys: the section, then field names.
    pub keys: Vec<String>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, " ({})", self.path)
    }
}

/// A string enum, gathered from every action that declares it.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// `(variant, wire value)` pairs, in documented order.
    pub values: Vec<(String, String)>,
    /// The actions that use it.
    pub users: BTreeSet<String>,
    /// Used in a request: a value outside `values` is refused before sending.
    pub in_request: bool,
    /// Where it is first declared.
    pub origin: Origin,
}

/// A documented error code.
#[derive(Clone, Debug)]
pub struct ErrorCode {
    /// Wire code.
    pub code: String,
    /// Enum variant name.
    pub variant: String,
    /// HTTP status.
    pub http_status: u16,
    /// Message template.
    pub message: String,
    /// Description.
    pub description: Option<String>,
    /// Transient.
    pub retryable: bool,
}

/// Which fields chain pages, as Rust field names.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// Input field carrying the token.
    pub input_token: String,
    /// Input field for the page size, and whether it is 64-bit.
    pub page_size: Option<(String, Scalar)>,
    /// Output field with the next token.
    pub output_token: String,
    /// Output fields leading to the items: the first is the output's, each further one a
    /// field of the object before it.
    pub items: Vec<String>,
    /// The item type.
    pub item: Type,
}

/// A waiter: polls an action until one response field reaches a value that ends the wait.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// UpperCamel name (`ExecutionFinished`).
    pub name: String,
    /// The line of its declaration.
    pub line: Option<usize>,
    /// What it waits for.
    pub description: Option<String>,
    /// The path as the spec writes it (`Executions[0].Status`).
    pub path: String,
    /// How to reach the value from the output, step by step.
    pub steps: Vec<PathStep>,
    /// What the value is, for turning it into its wire text.
    pub value: WaitedValue,
    /// Values that end the wait successfully (`*`: any value no list names).
    pub success: Vec<String>,
    /// Values that end it with a failure.
    pub failure: Vec<String>,
    /// Values that mean: poll again.
    pub retry: Vec<String>,
    /// Error codes that mean: poll again.
    pub retry_errors: Vec<String>,
    /// The request parameters (wire names, in request order) that identify what is waited
    /// on: the action's required ones and the waiter's `requires`.
    pub requires: Vec<String>,
    /// Seconds between the first two polls.
    pub min_delay: u64,
    /// The most seconds between two polls.
    pub max_delay: u64,
    /// Seconds before the wait times out.
    pub max_wait: u64,
}

/// One step of a waiter's path through an output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// An optional field of a struct, by its Rust name.
    Field(String),
    /// The element of a list at this index.
    Index(usize),
}

/// The kind of value a waiter compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitedValue {
    /// A `String`.
    String,
    /// A string enum (`as_str`).
    Enum,
    /// A `bool`, as `true` / `false`.
    Boolean,
    /// An integer, in decimal.
    Integer,
}

/// A loaded spec directory.
#[derive(Clone, Debug)]
pub struct SpecSet {
    /// The directory.
    pub dir: PathBuf,
    /// `service.yaml`.
    pub service: Service,
    /// Every other `*.yaml` file, sorted by action name.
    pub actions: Vec<Action>,
    /// Every nested object type, by name.
    pub structs: BTreeMap<String, StructDef>,
    /// Every string enum, by name.
    pub enums: BTreeMap<String, EnumDef>,
}

impl SpecSet {
    /// Whether a nested type is shared by several actions (and so lives in `types`).
    pub fn is_shared(&self, name: &str) -> bool {
        let users = self
            .structs
            .get(name)
            .map(|s| &s.users)
            .or_else(|| self.enums.get(name).map(|e| &e.users));
        users.is_some_and(|u| u.len() > 1)
    }
}
