//! The client's engine, shared by every call: configuration, the connection pool, and the
//! `client!` macro that declares `Client` and `ClientBuilder` in the generated module (so the
//! generated code is a complete client for any schema, and the behaviour lives here, once).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::check::{Check, Path};
use crate::error::{Error, Invalid};
use crate::read::Reading;
use crate::retry::{Budget, Jitter, RetryPolicy};

/// What the generated code tells the runtime about its API.
pub trait Api: Clone + Default + fmt::Debug + Send + Sync + 'static {
    /// The default base URL.
    const BASE_URL: &'static str;
    /// How error responses look.
    const ERRORS: ErrorShape;
    /// Checks the parameters set on the client builder.
    fn check(&self, check: &mut Check);
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
            // Never follow redirects: a redirected POST would carry the shop secret elsewhere.
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

/// Declares `Client` and `ClientBuilder` for a generated API whose client parameters are
/// `$params`. Used by the generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! __client {
    ($(#[$doc:meta])* params: $params:ident) => {
        $(#[$doc])*
        ///
        /// A `Client` is cheap to clone and safe to share between tasks: clones share one
        /// connection pool. Set the store's credentials once, with [`Client::builder`]; the
        /// values that belong to one user (device ID, session, ...) are set on each call.
        ///
        /// `M` is how its calls are sent: [`Async`]($crate::Async) (the default), their `send`
        /// returns a future; `Blocking` (feature `blocking`: `Client::blocking`), `send`
        /// waits for the answer.
        #[derive(Clone)]
        pub struct Client<M = $crate::Async> {
            core: $crate::__private::Core<$params>,
            mode: M,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: ::std::default::Default::default(),
                }
            }

            /// A blocking client for synchronous programs: the same calls, each returning
            /// when it is done. It runs its own runtime (one thread), so the caller needs
            /// none.
            ///
            /// # Errors
            ///
            /// When the runtime cannot start.
            #[cfg(feature = "blocking")]
            pub fn blocking(&self) -> ::std::result::Result<Client<$crate::Blocking>, $crate::Error> {
                Ok(Client {
                    core: self.core.clone(),
                    mode: $crate::Blocking::new()?,
                })
            }
        }

        impl<M> Client<M> {
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            #[doc(hidden)]
            pub fn __core(&self) -> &$crate::__private::Core<$params> {
                &self.core
            }

            #[doc(hidden)]
            pub fn __mode(&self) -> &M {
                &self.mode
            }
        }

        impl<M> ::std::fmt::Debug for Client<M> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.core, f)
            }
        }

        /// Configures a [`Client`]: the store's credentials, the base URL and timeouts.
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `build` is called"]
        pub struct ClientBuilder {
            core: $crate::__private::CoreBuilder<$params>,
        }

        // The client parameters' setters are generated beside these: a method added here is
        // a name they cannot take (`CLIENT_BUILDER_METHODS` in the generator's validate.rs;
        // tests/codegen.rs checks that the two agree).
        impl ClientBuilder {
            /// The API's base URL; the schema's default when not set. It must be `https://`,
            /// except for a loopback address (a local test server).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.core.base_url(url.into());
                self
            }

            /// The longest a whole call may take, retries and the waits between them included
            /// (default 30 s; `Duration::MAX` for no limit, as for the two below).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.timeout(timeout);
                self
            }

            /// The longest one attempt may take, from sending to the last byte of the response
            /// (default 10 s).
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.attempt_timeout(timeout);
                self
            }

            /// The longest establishing a connection may take (default 5 s).
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.connect_timeout(timeout);
                self
            }

            /// When and how to retry (default: 3 attempts, jittered waits from 100 ms to 2 s,
            /// `Retry-After` honoured up to 10 s). Only idempotent operations are retried
            /// once a request may have reached the server.
            pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
                self.core.retry(policy);
                self
            }

            /// The largest response body accepted, in bytes (default 4 MiB); a larger one fails
            /// the call without being read.
            pub fn max_response_bytes(mut self, bytes: usize) -> Self {
                self.core.max_response_bytes(bytes);
                self
            }

            /// The `User-Agent` header (default `personaclick-rust/VERSION`).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.core.user_agent(user_agent.into());
                self
            }

            /// Whether a response value of another type than the schema documents fails the
            /// call.
            ///
            /// By default (`false`) such a value is read if a lossless conversion reads it (a
            /// number written as a string, `"1"` for `true`); otherwise its field is `None`
            /// and the value is kept, with its JSON path, in the `unread()` of the object
            /// holding it, and the call logs one `tracing` warning naming the paths. With
            /// `true`, any value not of the documented type, converted or not, fails the call
            /// with [`Error::Decode`]($crate::Error::Decode) naming its path: for tests that
            /// must notice when the schema and the responses part ways.
            pub fn strict_responses(mut self, strict: bool) -> Self {
                self.core.strict_responses(strict);
                self
            }

            /// Checks the configuration and builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidConfig`]($crate::Error::InvalidConfig) naming every problem: a
            /// required credential that is missing, a base URL that is not `https://`, ...
            pub fn build(self) -> ::std::result::Result<Client, $crate::Error> {
                Ok(Client {
                    core: self.core.build()?,
                    mode: $crate::Async,
                })
            }

            fn params_mut(&mut self) -> &mut $params {
                &mut self.core.params
            }
        }
    };
}
