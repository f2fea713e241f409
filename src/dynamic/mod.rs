//! Calls by operation name, their parameters given as JSON (feature `dynamic`): for programs
//! whose requests come from data rather than code, such as the `personaclick` command line and
//! its bulk sync.
//!
//! A dynamic call is checked by the same rules as the typed builders, in the same words, against
//! the schema the client is generated from (embedded in the crate); it is sent by the same
//! client, with its retries, timeouts and error handling. What differs is only the values'
//! types: a parameter given as another JSON type than the schema documents is taken if a
//! lossless conversion reads it (`"31"` for an integer, `"1"` for `true`), as responses are, and
//! otherwise refused; a name that is no parameter of the operation is refused too, so nothing
//! the caller set is dropped unnoticed. Free-form entries (custom properties) are one object
//! under the name the schema gives them (`custom_properties`), as the typed builder holds them.
//! The response is the JSON PersonaClick sent, as it sent it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = personaclick::fake::FakeServer::start().await?;
//! # let client = fake.client()?;
//! use serde_json::json;
//!
//! let params = json!({
//!     "email": "john.doe@examplemail.com",
//!     "first_name": "John",
//!     "age": "31",
//!     "custom_properties": {"custom_integer_property": 100500},
//! });
//! let call = client.dynamic("set_profile", params.as_object().cloned().unwrap_or_default())?;
//! call.send().await?;
//!
//! let params = json!({"email": "john.doe@examplemail.com"});
//! let profile = client
//!     .dynamic("get_profile", params.as_object().cloned().unwrap_or_default())?
//!     .send()
//!     .await?;
//! assert_eq!(profile["age"], 31);
//!
//! // Refused before anything is sent, as the typed builder would refuse it.
//! let refused = client.dynamic("get_notifications", serde_json::Map::new());
//! assert!(matches!(refused, Err(personaclick::Error::InvalidRequest(_))));
//! # Ok(())
//! # }
//! ```

pub(crate) mod checker;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use personaclick_codegen::model::{EndpointModel, Fixed, Scope, Style};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::check::Rule;
use crate::client::{Api, ClientValue, Core, Endpoint, Method};
use crate::error::{Error, Invalid};
use crate::pager::Pages;
use crate::transport::CallFuture;
use checker::{Checker, Checking, Input};

/// The schema's model, as the generator's crate (`personaclick-codegen`) defines it: what
/// [`schema`] returns.
pub use personaclick_codegen::model;

/// The embedded schema, checked once, and the call descriptors of its endpoints (in the same
/// order).
struct Embedded {
    checker: &'static Checker,
    endpoints: Vec<Endpoint>,
}

fn embedded() -> Result<&'static Embedded, Error> {
    static EMBEDDED: OnceLock<Result<Embedded, String>> = OnceLock::new();
    let loaded = EMBEDDED.get_or_init(|| {
        // Kept for the life of the process (once): the descriptors borrow its names.
        let checker: &'static Checker =
            Box::leak(Box::new(Checker::load().map_err(|e| e.to_string())?));
        let endpoints = checker
            .model()
            .endpoints
            .iter()
            .map(|e| Endpoint {
                id: e.name.wire(),
                method: match e.method {
                    model::Method::Get => Method::Get,
                    model::Method::Post => Method::Post,
                    model::Method::Delete => Method::Delete,
                },
                path: &e.path,
                idempotent: e.idempotent,
            })
            .collect();
        Ok(Embedded { checker, endpoints })
    });
    loaded.as_ref().map_err(|why| {
        Error::InvalidConfig(Invalid {
            context: "dynamic call",
            problems: vec![format!("the embedded schema cannot be read: {why}")],
        })
    })
}

/// The schema the client is generated from: every operation, parameter, rule and description.
///
/// # Errors
///
/// [`Error::InvalidConfig`] if the embedded schema cannot be read (it passed the same checks
/// when the crate was built, so this means a broken build).
pub fn schema() -> Result<&'static model::Model, Error> {
    embedded().map(|e| e.checker.model())
}

/// An operation of the embedded schema, and its call descriptor: found once per call.
#[derive(Clone, Copy)]
struct Operation {
    endpoint: &'static EndpointModel,
    descriptor: &'static Endpoint,
}

/// The operation named `name` (its schema id, such as `get_profile`).
fn operation(name: &str) -> Result<Operation, Error> {
    let embedded = embedded()?;
    let model = embedded.checker.model();
    match model.endpoints.iter().position(|e| e.name.wire() == name) {
        Some(i) => Ok(Operation {
            endpoint: &model.endpoints[i],
            descriptor: &embedded.endpoints[i],
        }),
        None => {
            let known: Vec<&str> = model.endpoints.iter().map(|e| e.name.wire()).collect();
            Err(Error::InvalidRequest(Invalid {
                context: "dynamic call",
                problems: vec![format!(
                    "`{name}` is not an operation of the API; it has {}",
                    known.join(", ")
                )],
            }))
        }
    }
}

/// A call by operation name, checked and written, ready to [`send`](Self::send): made by the
/// client's `dynamic` method. It owns what it sends; its `Debug` shows the operation only.
#[must_use = "a request does nothing until it is sent"]
pub struct DynamicCall {
    op: Operation,
    /// The caller's parameters, kept only for a paged operation's later pages.
    params: Option<Map<String, Value>>,
    call: Call,
    sender: Arc<dyn Sender>,
}

impl fmt::Debug for DynamicCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicCall")
            .field("operation", &self.operation())
            .finish_non_exhaustive()
    }
}

impl DynamicCall {
    /// The operation's schema id (`get_profile`).
    pub fn operation(&self) -> &'static str {
        self.op.endpoint.name.wire()
    }

    /// Sends the request: the response's JSON, or what went wrong (as for a typed call).
    pub fn send(self) -> impl Future<Output = Result<Value, Error>> + Send + 'static {
        self.sender.execute(self.call)
    }

    /// Every page of a paged operation, fetched one after the other from the page the call
    /// asks for (the first by default), each of the schema's page size unless the call sets its
    /// own limit: as the typed builders' `pages`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the operation is not paged.
    pub fn pages(self) -> Result<Pages<Value>, Error> {
        let Some(paging) = &self.op.endpoint.paging else {
            return Err(Error::InvalidRequest(Invalid {
                context: "dynamic call",
                problems: vec![format!("`{}` is not paged", self.operation())],
            }));
        };
        let (page, limit) = (paging.page.wire(), paging.limit.wire());
        let mut params = self.params.unwrap_or_default();
        // The call passed its checks: a limit or page it sets is a whole number (maybe written
        // as a string, which the checks read too).
        let whole = |v: &Value| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok());
        let size = match params.get(limit) {
            Some(v) => whole(v).unwrap_or(paging.page_size),
            None => {
                params.insert(limit.to_string(), Value::from(paging.page_size));
                paging.page_size
            }
        };
        let first = params.get(page).and_then(whole).unwrap_or(1);
        let (op, sender) = (self.op, self.sender);
        Ok(Pages::new(
            first,
            size,
            move |page: &Value| page_items(op.endpoint, page).map_or(0, <[Value]>::len),
            move |n| {
                let mut params = params.clone();
                params.insert(page.to_string(), Value::from(n));
                match sender.prepare(op, params) {
                    Ok(call) => sender.execute(call),
                    Err(e) => Box::pin(std::future::ready(Err(e))),
                }
            },
        ))
    }
}

/// The items of one page of a paged operation: the list its paging names in the response
/// (`payload.messages`); `None` when the operation is not paged or the page holds no list there.
pub fn page_items<'v>(endpoint: &EndpointModel, page: &'v Value) -> Option<&'v [Value]> {
    let mut at = page;
    for step in &endpoint.paging.as_ref()?.items {
        at = at.get(step.wire())?;
    }
    at.as_array().map(Vec::as_slice)
}

/// A schema constant (`const:`) as the JSON value sent for it.
pub fn const_json(c: &model::ConstValue) -> Value {
    match c {
        model::ConstValue::Bool(b) => Value::Bool(*b),
        model::ConstValue::Integer(n) => Value::from(*n),
        model::ConstValue::String(s) => Value::String(s.clone()),
    }
}

/// What a dynamic call needs of the client that made it, whatever its parameters' type.
trait Sender: Send + Sync {
    fn prepare(&self, op: Operation, params: Map<String, Value>) -> Result<Call, Error>;
    fn execute(&self, call: Call) -> CallFuture<Value>;
}

impl<P: Api> Sender for Core<P> {
    fn prepare(&self, op: Operation, params: Map<String, Value>) -> Result<Call, Error> {
        prepare(self, op, params)
    }

    fn execute(&self, call: Call) -> CallFuture<Value> {
        Core::execute(self, call)
    }
}

/// A call of `operation` with `params`, checked and written. What the generated `dynamic`
/// method calls.
pub fn call<P: Api>(
    core: &Core<P>,
    operation_name: &str,
    params: Map<String, Value>,
) -> Result<DynamicCall, Error> {
    let op = operation(operation_name)?;
    let params_for_pages = op.endpoint.paging.is_some().then(|| params.clone());
    let call = prepare(core, op, params)?;
    Ok(DynamicCall {
        op,
        params: params_for_pages,
        call,
        sender: Arc::new(core.clone()),
    })
}

/// Checks `params` for `endpoint` as the typed builder would, with the client's own values
/// (credentials) in, and writes the call in the schema's order, as the typed builder does.
fn prepare<P: Api>(
    core: &Core<P>,
    op: Operation,
    mut params: Map<String, Value>,
) -> Result<Call, Error> {
    let endpoint = op.endpoint;
    let embedded = embedded()?;
    let id = endpoint.name.wire();
    let mut problems = Vec::new();
    for p in endpoint.params.iter().filter(|p| p.scope == Scope::Client) {
        let wire = p.name.wire();
        if params.remove(wire).is_some() {
            problems.push(format!(
                "`{wire}` is set on the client (`Client::builder`), not on a call"
            ));
        }
        if let Some(value) = core.params().value(wire) {
            params.insert(wire.to_string(), Value::String(value.text().to_string()));
        }
    }
    let checked = match embedded
        .checker
        .check(endpoint, Input::Body(params), Checking::Sending)
    {
        Ok(checked) if problems.is_empty() => checked,
        Ok(_) => return Err(invalid(id, problems)),
        Err(found) => {
            problems.extend(found.problems().iter().cloned());
            return Err(invalid(id, problems));
        }
    };
    let mut call = Call::new(op.descriptor);
    for p in &endpoint.params {
        let wire = p.name.wire();
        let value = checked.values.get(wire);
        match &p.fixed {
            Fixed::Constant(c) => call.constant(wire, &const_json(c)),
            Fixed::Acknowledgement(c) => call.acknowledged(wire, value.is_some(), &const_json(c)),
            Fixed::Free if p.scope == Scope::Client && p.sensitive => {
                let secret = match core.params().value(wire) {
                    Some(ClientValue::Secret(s)) => Some(s.clone()),
                    _ => None,
                };
                call.secret(wire, &secret, &Rule::NONE);
            }
            Fixed::Free => {
                let Some(value) = value else { continue };
                match (p.style, value) {
                    (Style::Comma, Value::Array(items)) => {
                        call.comma(wire, &Some(items.clone()), &Rule::NONE);
                    }
                    _ => call.param(wire, &Some(value.clone()), &Rule::NONE),
                }
                for alias in &p.aliases {
                    call.alias(alias, &Some(value.clone()));
                }
            }
        }
    }
    if let Some(additional) = &endpoint.additional {
        let reserved: Vec<&str> = endpoint
            .params
            .iter()
            .flat_map(|p| {
                std::iter::once(p.name.wire()).chain(p.aliases.iter().map(String::as_str))
            })
            .collect();
        let extra: BTreeMap<String, Value> = checked.extra.into_iter().collect();
        call.additional(additional.name.rust(), &extra, &reserved);
    }
    Ok(call)
}

fn invalid(context: &'static str, problems: Vec<String>) -> Error {
    Error::InvalidRequest(Invalid { context, problems })
}
