//! A stateful fake PersonaClick server, for testing code that uses this crate without
//! PersonaClick's servers (feature `fake`).
//!
//! [`FakeServer`] is a real HTTP server on `127.0.0.1`, in this process: it keeps profiles,
//! devices, orders, messages and tags in memory and implements every operation of the API
//! with its documented semantics. Requests are checked against the same schema the client is
//! generated from, and a wrong request gets the documented error status with
//! `{"status":"error","message":...}` naming the problem. The newest requests are recorded
//! ([`DEFAULT_RECORDED_REQUESTS`] of them, or as many as
//! [`record_requests`](FakeServerBuilder::record_requests) says), and faults (delays, error
//! statuses, dropped connections, HTML error pages) can be injected.
//!
//! Its cost per call stays flat as it fills: profiles are found through an index of their
//! identifiers and the request record is bounded, so a bulk load of a million profiles runs as
//! fast at its end as at its start.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use personaclick::fake::FakeServer;
//!
//! let fake = FakeServer::start().await?;
//! let client = fake.client()?; // shop_id and shop_secret of the fake's shop
//!
//! client.set_profile().email("john.doe@examplemail.com").first_name("John").send().await?;
//! let profile = client.get_profile().email("john.doe@examplemail.com").send().await?;
//! assert_eq!(profile.first_name.as_deref(), Some("John"));
//! assert_eq!(fake.requests().len(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! The fake's own rules, where PersonaClick's page says nothing:
//! - `did` values must come from `/init` (or from seeding); an unknown `did` is a 403.
//! - `set_profile` with the shop secret and no `did` updates the profile found by `email`,
//!   `phone`, `loyalty_id` or `id`, or creates one. A device that sets an identifier of another
//!   profile joins that profile.
//! - `get_profile` with only a `did` (no secret) returns the public part of the profile: no
//!   contact data, identifiers, names, birthday or orders.
//! - A forced change to an email or phone that another profile has is a 400.
//! - An unknown `shop_id` is a 403, except where the page documents 404 ("The store isn't
//!   found": last order, notifications).

mod server;
mod store;
use crate::dynamic::checker as validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use serde_json::{json, Value};

use crate::{Client, ClientBuilder};
use store::Store;

/// The shop the fake knows by default: the credentials of PersonaClick's own examples.
pub const DEFAULT_SHOP_ID: &str = "0d42fd8b713d0752776ca589cc0056";
/// The secret of the default shop.
pub const DEFAULT_SHOP_SECRET: &str = "0123456789abcdef0123456789abcdef";
/// How many requests a fake keeps by default (the newest): enough for any test's assertions,
/// and about 10 MB under a bulk load of small calls.
pub const DEFAULT_RECORDED_REQUESTS: usize = store::DEFAULT_RECORDED;

/// The type of a custom profile property defined on a fake shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomKind {
    /// A string.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Float,
    /// A list of strings.
    Strings,
    /// Any JSON value.
    Json,
    /// A date and time, `YYYY-MM-DD hh:mm:ss`.
    Date,
}

/// Who a seeded record belongs to. Seeding for someone unknown creates their profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// A device ID (registered as issued, as if `/init` had returned it).
    Did(String),
    /// An email address.
    Email(String),
    /// A phone number.
    Phone(String),
    /// A loyalty card ID.
    LoyaltyId(String),
    /// The store's own user ID (`id`, `external_id`).
    ExternalId(String),
}

/// A fault to inject into the fake's answers.
#[derive(Clone, Debug)]
pub struct Fault {
    pub(crate) path: Option<String>,
    pub(crate) times: usize,
    pub(crate) kind: FaultKind,
}

#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    Delay(Duration),
    Respond {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    Drop,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Fault {
            path: None,
            times: 1,
            kind,
        }
    }

    /// Waits this long before answering (then answers normally).
    pub fn delay(duration: Duration) -> Self {
        Self::new(FaultKind::Delay(duration))
    }

    /// Answers with this status and a JSON error body carrying `message`.
    pub fn status(status: u16, message: &str) -> Self {
        Self::new(FaultKind::Respond {
            status,
            content_type: "application/json",
            body: json!({"status": "error", "message": message}).to_string(),
        })
    }

    /// Answers with a proxy's HTML error page.
    pub fn html(status: u16) -> Self {
        Self::new(FaultKind::Respond {
            status,
            content_type: "text/html; charset=utf-8",
            body: format!(
                "<html><body><h1>{status}</h1>The proxy could not reach the server.</body></html>"
            ),
        })
    }

    /// Answers with this exact body.
    pub fn body(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Self::new(FaultKind::Respond {
            status,
            content_type,
            body: body.into(),
        })
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::Drop)
    }

    /// Only for requests to this path (such as `/profile`); by default, any.
    pub fn on(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }

    /// For the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }
}

/// A request the fake received.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// The HTTP method as it arrived: `GET`, `POST`, `DELETE`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The JSON body, if there was one and it parsed.
    pub body: Option<Value>,
}

impl Recorded {
    /// A parameter's value: from the JSON body, or else from the query.
    pub fn param(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.body.as_ref().and_then(|b| b.get(name)) {
            return Some(v.clone());
        }
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| Value::String(v.clone()))
    }
}

/// Configures a [`FakeServer`] before it starts.
#[derive(Debug)]
#[must_use]
pub struct FakeServerBuilder {
    store: Store,
    port: u16,
}

impl FakeServerBuilder {
    /// Adds a shop (besides the default one) with its secret.
    pub fn shop(mut self, shop_id: &str, secret: &str) -> Self {
        self.store.add_shop(shop_id, secret);
        self
    }

    /// Defines a custom profile property on a shop, so `set_profile` accepts it.
    pub fn custom_property(mut self, shop_id: &str, name: &str, kind: CustomKind) -> Self {
        self.store.define_custom(shop_id, name, kind);
        self
    }

    /// Keeps the newest `limit` requests for [`FakeServer::requests`] (default
    /// [`DEFAULT_RECORDED_REQUESTS`]); older ones are dropped, and counted by
    /// [`FakeServer::requests_seen`]. `0` records none, for a long load that reads no requests.
    pub fn record_requests(mut self, limit: usize) -> Self {
        self.store.set_record_limit(limit);
        self
    }

    /// Listens on this port (default: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts serving on `127.0.0.1`, on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound, or the embedded schema cannot be read (a bug).
    pub async fn start(self) -> std::io::Result<FakeServer> {
        let shared = Arc::new(Shared {
            store: Mutex::new(self.store),
            checker: validate::Checker::load()?,
        });
        let (addr, task) = server::serve(Arc::clone(&shared), self.port).await?;
        Ok(FakeServer { shared, addr, task })
    }
}

pub(crate) struct Shared {
    store: Mutex<Store>,
    checker: validate::Checker,
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-written in a way that
        // matters for a test double; keep serving.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake PersonaClick server. It stops when dropped.
pub struct FakeServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    /// Starts a fake with the default shop ([`DEFAULT_SHOP_ID`], [`DEFAULT_SHOP_SECRET`]) and
    /// the custom properties of PersonaClick's example (`custom_string_property`,
    /// `custom_integer_property`, `custom_float_property`, `custom_array_of_string_property`,
    /// `custom_json_property`, `custom_date_property`).
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<FakeServer> {
        Self::builder().start().await
    }

    /// Configures a fake before starting it.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder {
            store: Store::with_default_shop(),
            port: 0,
        }
    }

    /// The base URL to give the client: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client builder for the default shop pointed at the fake, with its secret (server
    /// side). Leave out the secret with [`device_client`](Self::device_client).
    ///
    /// Its responses are strict ([`ClientBuilder::strict_responses`]): the fake answers as the
    /// schema documents, so a value it could not read is a bug worth a failing test.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.base_url())
            .shop_id(DEFAULT_SHOP_ID)
            .shop_secret(DEFAULT_SHOP_SECRET)
            .strict_responses(true)
    }

    /// A server-side client of the default shop.
    ///
    /// # Errors
    ///
    /// Never in practice: the configuration is valid.
    pub fn client(&self) -> Result<Client, crate::Error> {
        self.client_builder().build()
    }

    /// A device-side client of the default shop: no secret, calls identify the user by `did`.
    /// Its responses are strict, as [`client_builder`](Self::client_builder)'s.
    ///
    /// # Errors
    ///
    /// Never in practice: the configuration is valid.
    pub fn device_client(&self) -> Result<Client, crate::Error> {
        Client::builder()
            .base_url(self.base_url())
            .shop_id(DEFAULT_SHOP_ID)
            .strict_responses(true)
            .build()
    }

    /// The requests received so far, oldest first: every one, or the newest
    /// [`record_requests`](FakeServerBuilder::record_requests) of them
    /// ([`DEFAULT_RECORDED_REQUESTS`] by default) once more have arrived.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.store().requests()
    }

    /// How many requests arrived since the start or the last
    /// [`clear_requests`](Self::clear_requests), including those the record no longer keeps:
    /// `requests_seen() - requests().len()` were dropped.
    pub fn requests_seen(&self) -> u64 {
        self.shared.store().requests_seen()
    }

    /// Forgets the recorded requests, and resets [`requests_seen`](Self::requests_seen).
    pub fn clear_requests(&self) {
        self.shared.store().clear_requests();
    }

    /// Injects a fault; faults apply in the order they were injected.
    pub fn inject(&self, fault: Fault) {
        self.shared.store().faults.push_back(fault);
    }

    /// Adds an order to a profile of the default shop. `products` are the order's products as
    /// `get_last_order_products` returns them (`id`, `name`, `price`, ...); the order's summary in
    /// the profile (`orders[].items`) is derived from them.
    pub fn add_order(&self, who: Who, order_id: &str, status: &str, products: Vec<Value>) {
        self.shared
            .store()
            .add_order(DEFAULT_SHOP_ID, &who, order_id, status, products);
    }

    /// Adds a message sent to a profile of the default shop on `channel` (`web_push`,
    /// `mobile_push`), as `get_notifications` returns it (`type`, `sent_at`, `subject`, ...).
    pub fn add_message(&self, who: Who, channel: &str, message: Value) {
        self.shared
            .store()
            .add_message(DEFAULT_SHOP_ID, &who, channel, message);
    }

    /// Assigns a tag to a profile of the default shop.
    pub fn add_tag(&self, who: Who, tag: &str) {
        self.shared.store().add_tag(DEFAULT_SHOP_ID, &who, tag);
    }

    /// The full profile, as `get_profile` with the secret returns it, if there is one.
    pub fn profile(&self, who: Who) -> Option<Value> {
        self.shared.store().profile_json(DEFAULT_SHOP_ID, &who)
    }
}
