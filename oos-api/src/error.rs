//! Errors: what went wrong with a call, kept apart by where it went wrong.

use std::fmt;
use std::time::Duration;

use crate::action::ServiceError;
use crate::credentials::CredentialsError;

/// What OOS says about a failed call: the error body's fields and the HTTP status.
///
/// Read through its accessors; [`ErrorMetadata::new`] and the `with_*` methods build one, for
/// tests of code that handles errors (a generated error enum is made from it with
/// [`ServiceError::from_metadata`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorMetadata {
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) recommend: Option<String>,
    pub(crate) http_status: u16,
}

impl ErrorMetadata {
    /// Metadata with the given code and HTTP status, and nothing else.
    pub fn new(code: impl Into<String>, http_status: u16) -> Self {
        Self {
            code: code.into(),
            http_status,
            ..Self::default()
        }
    }

    /// The same metadata with the service's message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The same metadata with a request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// The same metadata with the id of the host that answered.
    pub fn with_host_id(mut self, host_id: impl Into<String>) -> Self {
        self.host_id = Some(host_id.into());
        self
    }

    /// The same metadata with the service's diagnosis link.
    pub fn with_recommend(mut self, recommend: impl Into<String>) -> Self {
        self.recommend = Some(recommend.into());
        self
    }

    /// The error code, e.g. `EntityNotExists.Execution`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The host that answered.
    pub fn host_id(&self) -> Option<&str> {
        self.host_id.as_deref()
    }

    /// The service's diagnosis link.
    pub fn recommend(&self) -> Option<&str> {
        self.recommend.as_deref()
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
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

mod sealed_unhandled {
    use super::ErrorMetadata;

    /// An error code that the action's error enum does not name: one OOS added after this
    /// crate was generated, or one it does not document.
    ///
    /// It cannot be named or built outside this crate, so no code depends on a code staying
    /// unhandled: read the code with [`Error::code`](crate::Error::code) or
    /// [`metadata`](Self::metadata), and a release that documents the code moves it to its own
    /// variant without breaking the caller.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Unhandled {
        metadata: ErrorMetadata,
    }

    impl Unhandled {
        pub(crate) fn new(metadata: ErrorMetadata) -> Self {
            Self { metadata }
        }

        /// What OOS said.
        pub fn metadata(&self) -> &ErrorMetadata {
            &self.metadata
        }
    }

    impl std::fmt::Display for Unhandled {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.metadata.fmt(f)
        }
    }

    impl std::error::Error for Unhandled {}
}

pub(crate) use sealed_unhandled::Unhandled;

/// A request that could not be built; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildError {
    pub(crate) parameter: String,
    pub(crate) problem: Problem,
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
    /// A parameter with a problem.
    pub fn new(parameter: impl Into<String>, problem: Problem) -> Self {
        Self {
            parameter: parameter.into(),
            problem,
        }
    }

    /// The parameter at fault, by its wire path (`MaxResults`, `Filter.2.Value`).
    pub fn parameter(&self) -> &str {
        &self.parameter
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

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

/// The transport's failure to deliver a request or read its answer: connection refused or
/// reset, DNS, TLS, a proxy that failed. The transport's error is its
/// [`source`](std::error::Error::source), with its URL removed (its query may carry a
/// signature or a security token).
#[derive(Debug)]
pub struct DispatchError {
    source: reqwest::Error,
}

impl DispatchError {
    pub(crate) fn new(source: reqwest::Error) -> Self {
        Self {
            source: source.without_url(),
        }
    }

    /// Whether no connection could be made, so the service never saw the request.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// Whether the transport gave up waiting.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// The transport's error.
    pub fn as_transport_error(&self) -> &reqwest::Error {
        &self.source
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The transport's own text is the source's, for a chain printer to show once.
        f.write_str(if self.is_connect() {
            "no connection could be made"
        } else {
            "the transport failed"
        })
    }
}

impl std::error::Error for DispatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Why a call failed. `E` is the action's service error enum.
///
/// `Display` describes this layer only; the cause (the service's code and message, the
/// parameter at fault, the transport's error) is its [`source`](std::error::Error::source),
/// so that a printer of the error chain shows each part once. [`code`](Self::code),
/// [`message`](Self::message) and [`request_id`](Self::request_id) read a service error
/// without matching on it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built (a required parameter is missing, a value is outside its
    /// documented constraints); nothing was sent.
    Construction(BuildError),
    /// No credentials could be had; nothing was sent.
    Credentials(CredentialsError),
    /// The client is misconfigured (no region, an invalid endpoint URL); nothing was sent.
    Config(String),
    /// The call, or one attempt of it, ran out of time.
    Timeout(Duration),
    /// The request could not be delivered (connection refused, reset, DNS, TLS).
    Dispatch(DispatchError),
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

impl<E: ServiceError> Error<E> {
    /// What OOS said, if it answered with an error.
    pub fn metadata(&self) -> Option<&ErrorMetadata> {
        self.as_service_error().map(ServiceError::metadata)
    }

    /// The service's error code (`EntityNotExists.Parameter`), if OOS answered with an error;
    /// also the way to read a code that the error enum does not name.
    pub fn code(&self) -> Option<&str> {
        self.metadata().map(ErrorMetadata::code)
    }

    /// The service's message, if OOS answered with an error that has one.
    pub fn message(&self) -> Option<&str> {
        self.metadata().and_then(ErrorMetadata::message)
    }

    /// The request id of the service's error answer, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.metadata().and_then(ErrorMetadata::request_id)
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Construction(_) => f.write_str("request not sent: it is invalid"),
            Error::Credentials(_) => f.write_str("request not sent: no credentials"),
            Error::Config(e) => write!(f, "invalid client configuration: {e}"),
            Error::Timeout(after) => write!(f, "timed out after {after:?}"),
            Error::Dispatch(_) => f.write_str("request could not be sent"),
            Error::Response { status, reason, .. } => {
                write!(f, "unreadable response (HTTP {status}): {reason}")
            }
            Error::Service(_) => f.write_str("service error"),
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
            Error::Credentials(e) => Some(e),
            Error::Dispatch(e) => Some(e),
            Error::Service(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::chain;

    #[derive(Debug)]
    struct Typed(ErrorMetadata);

    impl fmt::Display for Typed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl std::error::Error for Typed {}

    impl ServiceError for Typed {
        fn from_metadata(metadata: ErrorMetadata) -> Self {
            Self(metadata)
        }
        fn metadata(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    #[test]
    fn service_errors_answer_code_message_and_request_id() {
        let metadata = ErrorMetadata::new("EntityNotExists.Parameter", 404)
            .with_message("The parameter does not exist.")
            .with_request_id("RID-1")
            .with_host_id("oos.cn-hangzhou.aliyuncs.com")
            .with_recommend("https://next.api.aliyun.com/troubleshoot");
        let err = Error::Service(Typed::from_metadata(metadata.clone()));
        assert_eq!(err.code(), Some("EntityNotExists.Parameter"));
        assert_eq!(err.message(), Some("The parameter does not exist."));
        assert_eq!(err.request_id(), Some("RID-1"));
        assert_eq!(err.metadata(), Some(&metadata));
        assert_eq!(metadata.http_status(), 404);
        assert_eq!(metadata.host_id(), Some("oos.cn-hangzhou.aliyuncs.com"));
        assert!(metadata
            .recommend()
            .is_some_and(|r| r.starts_with("https://")));

        let other: Error<Typed> = Error::Timeout(Duration::from_secs(1));
        assert_eq!(
            (other.code(), other.message(), other.request_id()),
            (None, None, None)
        );
    }

    #[test]
    fn each_layer_is_printed_once() {
        let service = Error::Service(Typed::from_metadata(
            ErrorMetadata::new("Throttling", 400).with_message("slow down"),
        ));
        assert_eq!(
            chain(&service),
            ["service error", "Throttling: slow down (HTTP 400)"]
        );
        let construction: Error<Typed> =
            Error::Construction(BuildError::missing("ExecutionId", "execution_id"));
        let shown = chain(&construction);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(!shown[0].contains("ExecutionId") && shown[1].contains("ExecutionId"));
        let credentials: Error<Typed> = Error::Credentials(CredentialsError::new(
            "the STS answer had no AccessKeySecret",
        ));
        let shown = chain(&credentials);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(!shown[0].contains("STS") && shown[1].contains("STS"));
        let mut previous = String::new();
        for layer in shown {
            assert!(previous.is_empty() || !layer.contains(&previous));
            previous = layer;
        }
    }

    #[test]
    fn unhandled_codes_keep_their_metadata() {
        let metadata = ErrorMetadata::new("Brand.New", 409).with_message("new");
        let unhandled = Unhandled::new(metadata.clone());
        assert_eq!(unhandled.metadata(), &metadata);
        assert_eq!(unhandled.to_string(), metadata.to_string());
    }

    #[test]
    fn build_errors_answer_through_accessors() {
        let err = BuildError::new(
            "MaxResults",
            Problem::OutOfRange {
                value: "0".into(),
                range: "1 to 100".into(),
            },
        );
        assert_eq!(err.parameter(), "MaxResults");
        assert!(matches!(err.problem(), Problem::OutOfRange { .. }));
        assert!(err.to_string().contains("1 to 100"));
    }
}
