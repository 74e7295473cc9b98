//! Errors: what went wrong with a call, kept apart by where it went wrong.

use std::fmt;
use std::time::Duration;

/// What OOS says about a failed call: the error body's fields and the HTTP status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    /// The error code, e.g. `EntityNotExists.Execution`.
    pub code: String,
    /// The service's message.
    pub message: Option<String>,
    /// The request id, to quote to support.
    pub request_id: Option<String>,
    /// The host that answered.
    pub host_id: Option<String>,
    /// The service's diagnosis link.
    pub recommend: Option<String>,
    /// The HTTP status of the answer.
    pub http_status: u16,
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        write!(f, " (HTTP {}", self.http_status)?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        write!(f, ")")
    }
}

/// A request that could not be built; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    /// The wire name of the parameter at fault.
    pub parameter: &'static str,
    /// The setter that fills it.
    pub setter: &'static str,
}

impl BuildError {
    /// A required parameter was not set.
    pub fn missing(parameter: &'static str, setter: &'static str) -> Self {
        Self { parameter, setter }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "required parameter `{}` is not set: call `.{}(..)` before sending",
            self.parameter, self.setter
        )
    }
}

impl std::error::Error for BuildError {}

/// Why a call failed. `E` is the action's service error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built (a required parameter is missing); nothing was sent.
    Construction(BuildError),
    /// No credentials could be had; nothing was sent.
    Credentials(String),
    /// The client is misconfigured (no region, an invalid endpoint URL); nothing was sent.
    Config(String),
    /// The call, or one attempt of it, ran out of time.
    Timeout(Duration),
    /// The request could not be delivered (connection refused, reset, DNS, TLS).
    Dispatch(String),
    /// An answer came that is neither a success nor an OOS error body
    /// (an HTML page from a proxy, a truncated body); its status and body are kept.
    Response {
        /// The HTTP status.
        status: u16,
        /// The raw body, as far as it was read.
        body: String,
        /// Why it could not be read.
        reason: String,
    },
    /// OOS answered with an error.
    Service(E),
    /// The service repeated a page token it had already returned; pagination stopped.
    RepeatedPageToken(String),
}

impl<E> Error<E> {
    /// The service's typed error, if OOS answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service's typed error, if OOS answered with one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Construction(e) => write!(f, "request not sent: {e}"),
            Error::Credentials(e) => write!(f, "no credentials: {e}"),
            Error::Config(e) => write!(f, "invalid client configuration: {e}"),
            Error::Timeout(after) => write!(f, "timed out after {after:?}"),
            Error::Dispatch(e) => write!(f, "request could not be sent: {e}"),
            Error::Response { status, reason, .. } => {
                write!(f, "unreadable response (HTTP {status}): {reason}")
            }
            Error::Service(e) => write!(f, "service error: {e}"),
            Error::RepeatedPageToken(token) => {
                write!(
                    f,
                    "the service repeated page token {token:?}; pagination stopped"
                )
            }
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Construction(e) => Some(e),
            Error::Service(e) => Some(e),
            _ => None,
        }
    }
}
