//! The validated model the generator works from: names resolved, types parsed, references
//! checked.

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
    /// Errors every action can answer with.
    pub errors: Vec<ErrorCode>,
}

/// One action, ready to generate.
#[derive(Clone, Debug)]
pub struct Action {
    /// The spec file it came from.
    pub file: PathBuf,
    /// Wire name, UpperCamel (`ListExecutionLogs`).
    pub name: String,
    /// Module name (`list_execution_logs`).
    pub module: String,
    /// One-line summary.
    pub summary: String,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Request parameters.
    pub request: Vec<Field>,
    /// Response fields of the top-level output.
    pub response: Vec<Field>,
    /// The action's own error codes.
    pub errors: Vec<ErrorCode>,
    /// Page chaining.
    pub pagination: Option<Pagination>,
    /// The idempotency token parameter (`ClientToken`), filled automatically when unset.
    pub idempotency_token: Option<String>,
    /// The sample success response, verbatim.
    pub sample_response: Option<String>,
}

/// A request parameter or response field.
#[derive(Clone, Debug)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Its type.
    pub ty: Type,
    /// Request only: must be set before sending.
    pub required: bool,
    /// Example value from the page, when it has a meaningful one.
    pub example: Option<String>,
    /// Description from the page.
    pub description: Option<String>,
    /// In the sample only.
    pub undocumented: bool,
}

/// A field's type.
#[derive(Clone, Debug)]
pub enum Type {
    /// A scalar.
    Scalar(Scalar),
    /// A request parameter sent as a JSON-encoded string.
    Json,
    /// A JSON array.
    List(Box<Type>),
    /// A JSON object with arbitrary keys.
    Map(Box<Type>),
    /// A JSON object with declared fields.
    Object(Struct),
    /// A string with enumerated values (and any other, kept as `Unknown`).
    Enum(Enum),
}

/// A string enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    /// Rust enum name.
    pub name: String,
    /// `(variant, wire value)` pairs, in the page's order.
    pub values: Vec<(String, String)>,
}

/// The scalar types of the reference pages.
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
    /// `Float`
    Float,
}

/// A nested object type.
#[derive(Clone, Debug)]
pub struct Struct {
    /// Rust struct name.
    pub name: String,
    /// Its fields.
    pub fields: Vec<Field>,
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
    /// Output field with the items.
    pub items: String,
    /// The item type.
    pub item: Type,
}
