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
    /// The parameter at fault, by its wire path (`MaxResults`, `Filter.2.Value`).
    pub parameter: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A required parameter is not set.
    Missing {
        /// The setter that fills it.
        setter: &'static str,
    },
    /// A number outside its documented range.
    OutOfRange {
        /// The value given.
        value: String,
        /// The range, in words.
        range: String,
    },
    /// A value the documentation does not list.
    NotAllowed {
        /// The value given.
        value: String,
        /// The documented values.
        allowed: &'static [&'static str],
    },
    /// A list shorter than documented.
    TooFewItems {
        /// Its elements.
        count: u64,
        /// The fewest allowed.
        min: u64,
    },
    /// A list longer than documented.
    TooManyItems {
        /// Its elements.
        count: u64,
        /// The most allowed.
        max: u64,
    },
    /// A string shorter than documented.
    TooShort {
        /// Its characters.
        length: u64,
        /// The fewest allowed.
        min: u64,
    },
    /// A string longer than documented.
    TooLong {
        /// Its characters.
        length: u64,
        /// The most allowed.
        max: u64,
    },
}

impl BuildError {
    /// A required parameter was not set.
    pub fn missing(parameter: impl Into<String>, setter: &'static str) -> Self {
        Self {
            parameter: parameter.into(),
            problem: Problem::Missing { setter },
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.parameter;
        match &self.problem {
            Problem::Missing { setter } => write!(
                f,
                "required parameter `{p}` is not set: call `.{setter}(..)` before sending"
            ),
            Problem::OutOfRange { value, range } => write!(
                f,
                "parameter `{p}` is {value}, outside its documented range: {range}"
            ),
            Problem::NotAllowed { value, allowed } => write!(
                f,
                "parameter `{p}` is `{value}`, not one of its documented values: {}",
                allowed.join(", ")
            ),
            Problem::TooFewItems { count, min } => write!(
                f,
                "parameter `{p}` has {count} elements; at least {min} are needed"
            ),
            Problem::TooManyItems { count, max } => write!(
                f,
                "parameter `{p}` has {count} elements; at most {max} are allowed"
            ),
            Problem::TooShort { length, min } => write!(
                f,
                "parameter `{p}` has {length} characters; at least {min} are needed"
            ),
            Problem::TooLong { length, max } => write!(
                f,
                "parameter `{p}` has {length} characters; at most {max} are allowed"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// Why a call failed. `E` is the action's service error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built (a required parameter is missing, a value is outside its
    /// documented constraints); nothing was sent.
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
    /// The same error with its service error turned into another type.
    pub fn map_service<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Construction(e) => Error::Construction(e),
            Error::Credentials(e) => Error::Credentials(e),
            Error::Config(e) => Error::Config(e),
            Error::Timeout(d) => Error::Timeout(d),
            Error::Dispatch(e) => Error::Dispatch(e),
            Error::Response {
                status,
                body,
                reason,
            } => Error::Response {
                status,
                body,
                reason,
            },
            Error::Service(e) => Error::Service(f(e)),
            Error::RepeatedPageToken(t) => Error::RepeatedPageToken(t),
        }
    }

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
