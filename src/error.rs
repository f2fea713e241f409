//! The error type of calls and of building a client, and what each kind carries.

use std::fmt;

/// Everything that can go wrong with a call, or with building a [`Client`](crate::Client).
///
/// No variant's `Display` or `Debug` ever contains the shop secret: transport errors are
/// stripped of the request URL (whose query carries it on GET requests), and messages from the
/// server are scrubbed of it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is unusable (missing `shop_id`, a bad base URL, ...).
    InvalidConfig(Invalid),
    /// A parameter is missing or invalid; nothing was sent.
    InvalidRequest(Invalid),
    /// PersonaClick answered with an error: an HTTP error status, or a success status whose
    /// body says `"status": "error"`.
    Api(ApiError),
    /// The request did not complete: connection refused, timeout, reset, ...
    Transport(TransportError),
    /// The response arrived but is not what the schema describes.
    Decode(DecodeError),
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// PersonaClick's error message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// Whether the call timed out (one attempt, or the whole call with its retries).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.kind == TransportKind::Timeout)
    }

    /// Whether trying again later may succeed: a network failure, a timeout, or a status that
    /// means "not now" (408, 429, 500, 502, 503, 504). The client has already retried what was
    /// safe to retry; this tells the caller whether to queue the work for later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => crate::retry::RETRYABLE_STATUSES.contains(&e.status),
            Error::Transport(e) => !matches!(e.kind, TransportKind::TooLarge { .. }),
            _ => false,
        }
    }

    /// The operation (endpoint id, such as `get_profile`) the error belongs to.
    pub fn operation(&self) -> &str {
        match self {
            Error::InvalidConfig(e) | Error::InvalidRequest(e) => e.context,
            Error::Api(e) => e.operation,
            Error::Transport(e) => e.operation,
            Error::Decode(e) => e.operation,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidConfig(e) => write!(f, "invalid client configuration: {e}"),
            Error::InvalidRequest(e) => write!(f, "{}: invalid request, not sent: {e}", e.context),
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => e.source.as_ref().map(|s| s as _),
            _ => None,
        }
    }
}

/// Problems found before sending (or in the client configuration), all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub(crate) context: &'static str,
    pub(crate) problems: Vec<String>,
}

/// A configuration error with one problem.
pub fn invalid_config(context: &'static str, problem: String) -> Error {
    Error::InvalidConfig(Invalid {
        context,
        problems: vec![problem],
    })
}

impl Invalid {
    /// Each problem, naming the parameter it is about.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("; "))
    }
}

/// PersonaClick's answer to a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) message: Option<String>,
}

impl ApiError {
    /// The HTTP status (200 when the body said `"status": "error"`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `message` PersonaClick sent, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: PersonaClick answered {}",
            self.operation, self.status
        )?;
        match &self.message {
            Some(m) => write!(f, ": {m}"),
            None => f.write_str(" without a message"),
        }
    }
}

/// A request that did not complete.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) operation: &'static str,
    pub(crate) kind: TransportKind,
    pub(crate) attempts: u32,
    /// Stripped of the URL, which carries the secret on GET requests.
    pub(crate) source: Option<reqwest::Error>,
}

/// What went wrong on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made: the request never left.
    Connect,
    /// An attempt, or the whole call, took longer than its timeout.
    Timeout,
    /// Sending the request or receiving the response's head failed.
    Request,
    /// The connection broke while the response body was being read.
    Body,
    /// The response body is larger than the client accepts.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl TransportError {
    /// What went wrong.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Connect => "could not connect".to_string(),
            TransportKind::Timeout => "timed out".to_string(),
            TransportKind::Request => "the request failed".to_string(),
            TransportKind::Body => "the connection broke while reading the response".to_string(),
            TransportKind::TooLarge { limit } => {
                format!("the response is larger than {limit} bytes")
            }
        };
        write!(f, "{}: {what}", self.operation)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        match &self.source {
            Some(source) => write!(f, ": {source}"),
            None => Ok(()),
        }
    }
}

/// A response that is not what the schema describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) message: String,
}

impl DecodeError {
    /// The response's `Content-Type`, if it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot decode the {} response ({}): {}",
            self.operation,
            self.status,
            self.content_type.as_deref().unwrap_or("no content type"),
            self.message
        )
    }
}
