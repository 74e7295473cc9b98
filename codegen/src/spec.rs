//! The spec files as written: the serde model of `service.yaml` and of one action file.
//!
//! Every struct denies unknown keys so that a misspelt key is an error, not a silently
//! ignored line. Meaning is checked afterwards, in [`crate::load`].

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
    /// Errors every action can answer with.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
}

/// One action file, `spec/<product>/<Action>.yaml`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// The action's wire name, e.g. `ListExecutionLogs`.
    pub action: String,
    /// The page's one-line summary.
    pub summary: String,
    /// Whether sending the action twice is harmless.
    pub idempotent: bool,
    /// Request parameters, without the common ones (`Action`, `Version`, signing).
    #[serde(default)]
    pub request: Vec<FieldSpec>,
    /// Response fields.
    #[serde(default)]
    pub response: Vec<FieldSpec>,
    /// The action's own error codes (the common ones live in `service.yaml`).
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// How pages chain, for actions that page.
    #[serde(default)]
    pub pagination: Option<PaginationSpec>,
    /// The page's sample request, verbatim.
    #[serde(default)]
    pub sample_request: Option<String>,
    /// The page's sample success response, verbatim JSON.
    #[serde(default)]
    pub sample_response: Option<String>,
}

/// A request parameter or a response field.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The wire name.
    pub name: String,
    /// String, Integer, Long, Boolean, Float, JSON (request only), List, Object or Map.
    #[serde(rename = "type")]
    pub ty: String,
    /// For List and Map: the element type (a scalar or Object).
    #[serde(default)]
    pub items: Option<String>,
    /// For Object, or List/Map of Object: the nested fields.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Request only: whether the parameter must be set.
    #[serde(default)]
    pub required: Option<bool>,
    /// The page's example value.
    #[serde(default)]
    pub example: Option<String>,
    /// The page's description.
    #[serde(default)]
    pub description: Option<String>,
    /// How the page types the field when that differs from `type` (e.g. `-` for a container).
    #[serde(default)]
    pub doc_type: Option<String>,
    /// The field is in the sample but not in the page's tables.
    #[serde(default)]
    pub undocumented: bool,
    /// The Rust field name, where the snake_case of `name` will not do (a keyword).
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The Rust name of the nested struct (default: the field name in the singular).
    #[serde(default)]
    pub struct_name: Option<String>,
    /// Rustdoc to use instead of the page's description (kept across re-imports).
    #[serde(default)]
    pub doc: Option<String>,
    /// For String fields (or lists of them): the values the page enumerates. The field becomes
    /// a Rust enum that keeps any other value as `Unknown`.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// The Rust name of that enum (default: the field name).
    #[serde(default)]
    pub enum_name: Option<String>,
    /// Keep the value as free-form JSON (`serde_json::Value`) whatever its type says: for
    /// values the service does not constrain, such as an execution's template parameters.
    #[serde(default)]
    pub free_form: bool,
}

/// One documented error code.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The code, e.g. `EntityNotExists.Execution`.
    pub code: String,
    /// The HTTP status it arrives with.
    pub http_status: u16,
    /// The message template, placeholders as the page writes them (`{api_name}`, `{{key}}`).
    pub message: String,
    /// The page's description.
    #[serde(default)]
    pub description: Option<String>,
    /// A transient error the client retries (throttling, unavailable).
    #[serde(default)]
    pub retryable: bool,
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
    /// Response field holding the page's list of items.
    pub items: String,
}
