//! The client's engine, shared by every call: configuration and the connection pool. The
//! generated `Client` and `ClientBuilder` hold one and forward to it, so the behaviour lives
//! here, once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::check::{Check, Path};
use crate::error::{Error, Invalid};
use crate::observe::{Attempt, Observer};
use crate::read::Reading;
use crate::retry::{Budget, Jitter, RetryPolicy};
use crate::wire::Secret;

/// What the generated code tells the runtime about its API.
pub trait Api: Clone + Default + fmt::Debug + Send + Sync + 'static {
    /// The default base URL.
    const BASE_URL: &'static str;
    /// How error responses look.
    const ERRORS: ErrorShape;
    /// Checks the parameters set on the client builder.
    fn check(&self, check: &mut Check);
    /// The value of the client parameter `wire`, if it is one and is set (for dynamic calls,
    /// which name parameters at run time).
    fn value(&self, wire: &str) -> Option<ClientValue<'_>>;
}

/// A client parameter's value.
#[derive(Clone, Copy)]
pub enum ClientValue<'a> {
    /// Shown as it is.
    Plain(&'a str),
    /// Never shown (the shop secret).
    Secret(&'a Secret),
}

impl<'a> ClientValue<'a> {
    /// The value as sent.
    pub fn text(self) -> &'a str {
        match self {
            ClientValue::Plain(s) => s,
            ClientValue::Secret(s) => s.expose(),
        }
    }
}

/// How an API signals an error in a response body.
#[derive(Clone, Copy, Debug)]
pub struct ErrorShape {
    /// The top-level field holding the status.
    pub status_field: &'static str,
    /// The value of that field on error.
    pub error_value: &'static str,
    /// Dotted paths to the message, tried in order.
    pub message_fields: &'static [&'static str],
}

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Parameters in the query string.
    Get,
    /// Parameters as a JSON body.
    Post,
    /// Parameters as a JSON body, as for `Post`.
    Delete,
}

impl Method {
    /// Whether the parameters go in a JSON object body (`POST`, `DELETE`), not the query.
    pub(crate) fn has_body(self) -> bool {
        match self {
            Method::Get => false,
            Method::Post | Method::Delete => true,
        }
    }
}

/// One endpoint, as the generated code describes it.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The operation id (the client method's name).
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: &'static str,
    /// Safe to retry.
    pub idempotent: bool,
}

/// The shared state of a client: cheap to clone.
pub struct Core<P> {
    pub(crate) inner: Arc<Inner<P>>,
}

pub(crate) struct Inner<P> {
    pub(crate) http: reqwest::Client,
    /// The base URL, parsed once: each call only sets its path and query on a copy.
    pub(crate) base: reqwest::Url,
    pub(crate) params: P,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: Budget,
    pub(crate) jitter: Jitter,
    pub(crate) max_response_bytes: usize,
    pub(crate) responses: Reading,
    pub(crate) observer: Option<Observer>,
}

impl<P> Clone for Core<P> {
    fn clone(&self) -> Self {
        Core {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<P: Api> Core<P> {
    /// The parameters set on the client.
    pub fn params(&self) -> &P {
        &self.inner.params
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str().trim_end_matches('/')
    }
}

impl<P: Api> fmt::Debug for Core<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("params", &self.inner.params)
            .finish()
    }
}

/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for one attempt, from sending to the last byte of the response.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for a whole call, retries and waits included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body accepted.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 << 20;
/// Retries a client may spend while calls keep failing (see [`RetryPolicy`]).
const RETRY_BUDGET: u64 = 10;

/// A client being configured.
#[derive(Clone, Debug)]
pub struct CoreBuilder<P> {
    /// Parameters set through the generated setters.
    pub params: P,
    base_url: Option<String>,
    timeout: Duration,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    user_agent: Option<String>,
    responses: Reading,
    observer: Option<Observer>,
}

impl<P: Api> Default for CoreBuilder<P> {
    fn default() -> Self {
        CoreBuilder {
            params: P::default(),
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: None,
            responses: Reading::Lenient,
            observer: None,
        }
    }
}

impl<P: Api> CoreBuilder<P> {
    /// Sets the base URL.
    pub fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    /// Sets the whole-call timeout.
    pub fn timeout(&mut self, t: Duration) {
        self.timeout = t;
    }

    /// Sets the per-attempt timeout.
    pub fn attempt_timeout(&mut self, t: Duration) {
        self.attempt_timeout = t;
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(&mut self, t: Duration) {
        self.connect_timeout = t;
    }

    /// Sets the retry policy.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// Sets the largest response body accepted.
    pub fn max_response_bytes(&mut self, n: usize) {
        self.max_response_bytes = n;
    }

    /// Sets the User-Agent header.
    pub fn user_agent(&mut self, ua: String) {
        self.user_agent = Some(ua);
    }

    /// Reads responses as the schema documents them only, failing on anything else (`true`),
    /// or leniently (`false`, the default).
    pub fn strict_responses(&mut self, strict: bool) {
        self.responses = if strict {
            Reading::Strict
        } else {
            Reading::Lenient
        };
    }

    /// Sets the function told of every attempt.
    pub fn on_attempt(&mut self, f: impl Fn(&Attempt<'_>) + Send + Sync + 'static) {
        self.observer = Some(Observer::new(f));
    }

    /// Checks everything and builds the client; every problem is reported at once.
    pub fn build(self) -> Result<Core<P>, Error> {
        let mut check = Check::new("Client::build");
        self.params.check(&mut check);
        let base = self.base_url.as_deref().unwrap_or(P::BASE_URL);
        let base = match checked_base_url(base) {
            Ok(url) => Some(url),
            Err(problem) => {
                check.problem(&Path::Root.field("base_url"), problem);
                None
            }
        };
        if self.timeout.is_zero()
            || self.attempt_timeout.is_zero()
            || self.connect_timeout.is_zero()
        {
            check.problem(
                &crate::check::Path::Root.field("timeout"),
                "must be longer than zero",
            );
        }
        if let Some(invalid) = check.into_invalid() {
            return Err(Error::InvalidConfig(invalid));
        }
        // `base` is `None` only when its problem was recorded above.
        let Some(base) = base else {
            return Err(Error::InvalidConfig(Invalid {
                context: "Client::build",
                problems: vec!["`base_url` is not a valid URL".into()],
            }));
        };
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION")).to_string()
        });
        let http = reqwest::Client::builder()
            // Never follow redirects: a redirected request would carry the shop secret elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Never send a Referer: on GET it would carry the secret in the URL's query.
            .referer(false)
            .connect_timeout(self.connect_timeout)
            // Every attempt's timeout; a request sets a shorter one only when the call's deadline
            // comes first (a per-request timeout costs reqwest three allocations).
            .timeout(self.attempt_timeout)
            .user_agent(user_agent)
            .build()
            .map_err(|e| {
                Error::InvalidConfig(Invalid {
                    context: "Client::build",
                    problems: vec![format!(
                        "the HTTP client cannot be built: {}",
                        e.without_url()
                    )],
                })
            })?;
        Ok(Core {
            inner: Arc::new(Inner {
                http,
                base,
                params: self.params,
                timeout: self.timeout,
                attempt_timeout: self.attempt_timeout,
                retry: self.retry,
                budget: Budget::new(RETRY_BUDGET),
                jitter: Jitter::new(),
                max_response_bytes: self.max_response_bytes,
                responses: self.responses,
                observer: self.observer,
            }),
        })
    }
}

/// An absolute `https://` URL (or `http://` to a loopback address, for local servers and
/// tests), without a trailing slash, query or fragment.
fn checked_base_url(raw: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(raw).map_err(|e| format!("is not a valid URL: {e}"))?;
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err("must not carry a query, fragment or credentials".into());
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err("must use https:// (plain http:// is only allowed to a loopback address): the requests carry the shop secret".into()),
        other => return Err(format!("has the unsupported scheme \"{other}\"")),
    }
    Ok(url)
}
