//! The traits that generated operation code implements and the hand-written runtime drives.
//!
//! Everything an action needs at run time (signing, transport, retries, pagination) is
//! written once against these traits; the generated modules only describe each action.

use serde::de::DeserializeOwned;

use crate::error::{BuildError, ErrorMetadata};
use crate::params::Params;

/// How a request is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// `POST`: parameters in the query string, `formData` ones in the body.
    #[default]
    Post,
    /// `GET`, for actions the service takes only that way.
    Get,
}

impl Method {
    /// The HTTP method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// One OOS action's request: its name, its wire parameters and what it answers with.
pub trait Action: Clone + Send + Sync + 'static {
    /// The wire name of the action, sent as `Action` / `x-acs-action`.
    const NAME: &'static str;
    /// Whether the action may be sent again after the service may have seen it
    /// (List/Get/Describe actions are; Start/Create/Update/Delete are not).
    const IDEMPOTENT: bool;
    /// How the action is sent.
    const METHOD: Method = Method::Post;
    /// The action's own error codes that mean "try again later" (besides the common ones).
    const RETRYABLE_CODES: &'static [&'static str] = &[];
    /// The parsed success response.
    type Output: DeserializeOwned + Send + 'static;
    /// The action's typed service error.
    type Error: ServiceError;

    /// Checks the documented constraints (required parameters, ranges, enumerated values,
    /// list sizes); a failure names the parameter and nothing is sent.
    fn validate(&self) -> Result<(), BuildError> {
        Ok(())
    }

    /// Appends every set parameter under its wire name, in its documented encoding.
    fn write_params(&self, _params: &mut Params) {}

    /// Fills the action's idempotency token (`ClientToken`) when it has one and it is unset.
    /// Returns whether the request now carries such a token, which makes retries safe.
    fn ensure_idempotency_token(&mut self) -> bool {
        false
    }

    /// Fills the action's top-level `RegionId` with the client's region when the caller left
    /// it unset (actions such as `TagResources` require it; the others default to it).
    fn fill_region(&mut self, _region: &str) {}
}

/// A per-action service error enum: one variant per documented code, `Common` for the codes
/// every action shares, and `Unhandled`.
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    /// Classifies an error body by its `Code`.
    fn from_metadata(metadata: ErrorMetadata) -> Self;
    /// The error's metadata (code, message, request id, host id, recommend, HTTP status).
    fn metadata(&self) -> &ErrorMetadata;
    /// Whether the code is transient (throttling, unavailable): the client retries it.
    fn is_retryable(&self) -> bool {
        crate::service::RETRYABLE_CODES.contains(&self.metadata().code.as_str())
    }
}

/// An action whose results come in pages chained by a token.
pub trait Paginated: Action {
    /// One element of a page's item list.
    type Item: Send + 'static;

    /// The request's page token (`NextToken`), if set.
    fn page_token(&self) -> Option<&str>;
    /// Sets the request's page token (`NextToken`).
    fn set_page_token(&mut self, token: Option<String>);
    /// Sets the request's page size (`MaxResults`).
    fn set_page_size(&mut self, size: i32);
    /// The response's token for the next page, if any.
    fn next_page_token(output: &Self::Output) -> Option<&str>;
    /// Moves a page's items out of the response.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// A fresh idempotency token (`ClientToken`): 128 random bits as lowercase hex, unique per
/// request and kept across its retries.
pub fn new_idempotency_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}
