//! The client: `Client`, `ClientBuilder` (the runtime's options and the credentials' setters)
//! and `ClientParams`, the values set once and what the runtime knows of the API.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

pub(super) fn client(model: &Model) -> TokenStream {
    let mut out = client_type(model);
    out.extend(client_builder(model));
    out.extend(client_params(model));
    out
}

/// `Client<M>`: the configured engine (shared by clones) and the mode its calls are sent in.
fn client_type(model: &Model) -> TokenStream {
    let api = &model.api;
    let mut about = format!("{}\n\n{}", api.name, text::blank_lines(&api.description));
    about.push_str(&format!("\n\nPersonaClick's documentation: <{}>", api.docs));
    let about = doc_lines(&about);
    quote! {
        #about
        ///
        /// A `Client` is cheap to clone and safe to share between tasks: clones share one
        /// connection pool. Set the store's credentials once, with [`Client::builder`]; the
        /// values that belong to one user (device ID, session, ...) are set on each call.
        ///
        /// `M` is how its calls are sent: [`Async`](::personaclick::Async) (the default),
        /// their `send` returns a future; `Blocking` (feature `blocking`:
        /// `Client::blocking`), `send` waits for the answer.
        #[derive(Clone)]
        pub struct Client<M = rt::Async> {
            core: rt::Core<ClientParams>,
            // Read by the blocking mode's calls only.
            #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
            mode: M,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: Default::default(),
                }
            }

            /// A blocking client for synchronous programs: the same calls, each returning when
            /// it is done. It runs its own runtime (one thread), so the caller needs none.
            ///
            /// # Errors
            ///
            /// When the runtime cannot start.
            #[cfg(feature = "blocking")]
            pub fn blocking(&self) -> Result<Client<rt::Blocking>, ::personaclick::Error> {
                Ok(Client {
                    core: self.core.clone(),
                    mode: rt::Blocking::new()?,
                })
            }
        }

        impl<M> Client<M> {
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }
        }

        #[cfg(feature = "dynamic")]
        impl Client {
            /// A call of the operation named `operation` (its schema id, such as
            /// `get_profile`), its parameters given as JSON by their wire names: checked now, by
            /// the typed builder's rules and in its words, and sent by
            /// [`DynamicCall::send`](::personaclick::dynamic::DynamicCall::send). See
            /// [`dynamic`](::personaclick::dynamic).
            ///
            /// # Errors
            ///
            /// [`Error::InvalidRequest`](::personaclick::Error::InvalidRequest) naming every
            /// problem: an unknown operation or parameter, a value of the wrong type, a missing
            /// parameter, a broken rule. Nothing is sent.
            pub fn dynamic(
                &self,
                operation: &str,
                params: rt::JsonMap,
            ) -> Result<::personaclick::dynamic::DynamicCall, ::personaclick::Error> {
                rt::dynamic_call(&self.core, operation, params)
            }
        }

        impl<M> fmt::Debug for Client<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.core, f)
            }
        }
    }
}

/// The methods of `Client` besides the endpoints': names an endpoint cannot take.
pub(crate) const CLIENT_METHODS: &[&str] = &["builder", "base_url", "user", "blocking", "dynamic"];

/// How a `ClientBuilder` option takes its value.
#[derive(Clone, Copy)]
enum OptionArg {
    Text,
    Duration,
    Retry,
    Bytes,
    Flag,
    Observer,
}

/// The options of `ClientBuilder`, besides the client parameters' setters: each one a method
/// of the same name on the runtime's `CoreBuilder`. A client parameter cannot take one of these
/// names, nor `build` ([`client_builder_methods`]).
const CLIENT_OPTIONS: &[(&str, OptionArg, &str)] = &[
    (
        "base_url",
        OptionArg::Text,
        "The API's base URL; the schema's default when not set. It must be `https://`, except for a loopback address (a local test server).",
    ),
    (
        "timeout",
        OptionArg::Duration,
        "The longest a whole call may take, retries and the waits between them included (default 30 s; `Duration::MAX` for no limit, as for the two below).",
    ),
    (
        "attempt_timeout",
        OptionArg::Duration,
        "The longest one attempt may take, from sending to the last byte of the response (default 10 s).",
    ),
    (
        "connect_timeout",
        OptionArg::Duration,
        "The longest establishing a connection may take (default 5 s).",
    ),
    (
        "retry",
        OptionArg::Retry,
        "When and how to retry (default: 3 attempts, jittered waits from 100 ms to 2 s, `Retry-After` honoured up to 10 s). Only idempotent operations are retried once a request may have reached the server.",
    ),
    (
        "max_response_bytes",
        OptionArg::Bytes,
        "The largest response body accepted, in bytes (default 4 MiB); a larger one fails the call without being read.",
    ),
    (
        "user_agent",
        OptionArg::Text,
        "The `User-Agent` header (default `personaclick-rust/VERSION`).",
    ),
    (
        "strict_responses",
        OptionArg::Flag,
        "Whether a response value of another type than the schema documents fails the call.\n\nBy default (`false`) such a value is read if a lossless conversion reads it (a number written as a string, `\"1\"` for `true`); otherwise its field is `None` and the value is kept, with its JSON path, in the `unread()` of the object holding it, and the call logs one `tracing` warning naming the paths. With `true`, any value not of the documented type, converted or not, fails the call with [`Error::Decode`](::personaclick::Error::Decode) naming its path: for tests that must notice when the schema and the responses part ways.",
    ),
    (
        "on_attempt",
        OptionArg::Observer,
        "A function told of every attempt of every call, once it has ended: the operation, the attempt's number, its HTTP status (and `Retry-After`) or what failed, and how long it took; never a parameter, URL or body. For metrics, and for programs that pace themselves, such as a bulk sync that slows down when PersonaClick answers 429. It runs on the task making the call: keep it quick.",
    ),
];

/// The methods of `ClientBuilder` that are not the client parameters' setters: names those
/// cannot take.
pub(crate) fn client_builder_methods() -> impl Iterator<Item = &'static str> {
    CLIENT_OPTIONS
        .iter()
        .map(|(name, _, _)| *name)
        .chain(["build", "client_param"])
}

/// `ClientBuilder`: the runtime's options, the client parameters' setters, and `build`.
fn client_builder(model: &Model) -> TokenStream {
    let options = CLIENT_OPTIONS.iter().map(|&(name, arg, doc)| {
        let name = ident(name);
        let doc = doc_lines(doc);
        let (ty, value) = match arg {
            OptionArg::Text => (quote!(impl Into<String>), quote!(value.into())),
            OptionArg::Duration => (quote!(::std::time::Duration), quote!(value)),
            OptionArg::Retry => (quote!(::personaclick::RetryPolicy), quote!(value)),
            OptionArg::Bytes => (quote!(usize), quote!(value)),
            OptionArg::Flag => (quote!(bool), quote!(value)),
            OptionArg::Observer => (
                quote!(impl Fn(&::personaclick::Attempt<'_>) + Send + Sync + 'static),
                quote!(value),
            ),
        };
        quote! {
            #doc
            pub fn #name(mut self, value: #ty) -> Self {
                self.core.#name(#value);
                self
            }
        }
    });
    let setters = model.client_params.iter().map(|f| {
        let name = f.name.ident();
        let doc = docs(&f.description, f.note.as_deref());
        let value = if f.sensitive {
            quote!(rt::Secret::new(value.into()))
        } else {
            quote!(value.into())
        };
        quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.core.params.#name = Some(#value);
                self
            }
        }
    });
    let by_name: Vec<TokenStream> = model
        .client_params
        .iter()
        .map(|f| {
            let (name, wire) = (f.name.ident(), f.name.wire());
            quote!(#wire => Ok(self.#name(value)),)
        })
        .collect();
    let names: Vec<&str> = model.client_params.iter().map(|f| f.name.wire()).collect();
    let known = if names.is_empty() {
        "The client has no parameter.".to_string()
    } else {
        format!("The client's parameters are {}.", names.join(", "))
    };
    let unknown = quote! {
        rt::invalid_config(
            "ClientBuilder::client_param",
            format!("`{wire}` is not a client parameter. {}", #known),
        )
    };
    let client_param_body = if by_name.is_empty() {
        quote! {
            let _ = value;
            Err(#unknown)
        }
    } else {
        quote! {
            match wire {
                #(#by_name)*
                _ => Err(#unknown),
            }
        }
    };
    quote! {
        /// Configures a [`Client`]: the store's credentials, the base URL and timeouts.
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `build` is called"]
        pub struct ClientBuilder {
            core: rt::CoreBuilder<ClientParams>,
        }

        impl ClientBuilder {
            #(#options)*
            #(#setters)*

            /// Sets the client parameter whose wire name is `wire` (`shop_id`), as its own
            /// setter does: for programs that read the credentials by name (feature `dynamic`).
            ///
            /// # Errors
            ///
            /// [`Error::InvalidConfig`](::personaclick::Error::InvalidConfig) when no client
            /// parameter has that name.
            #[cfg(feature = "dynamic")]
            pub fn client_param(
                self,
                wire: &str,
                value: impl Into<String>,
            ) -> Result<Self, ::personaclick::Error> {
                #client_param_body
            }

            /// Checks the configuration and builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidConfig`](::personaclick::Error::InvalidConfig) naming every
            /// problem: a required credential that is missing, a base URL that is not
            /// `https://`, ...
            pub fn build(self) -> Result<Client, ::personaclick::Error> {
                Ok(Client {
                    core: self.core.build()?,
                    mode: rt::Async,
                })
            }
        }
    }
}

/// `ClientParams`: the client parameters' values, and what the runtime needs to know of the
/// API (`rt::Api`).
fn client_params(model: &Model) -> TokenStream {
    let api = &model.api;
    let base_url = &api.base_url;
    let status_field = &api.errors.status_field;
    let error_value = &api.errors.error_value;
    let message_fields = &api.errors.message_fields;
    let fields = model.client_params.iter().map(|f| {
        let name = f.name.ident();
        let ty = stored_ty(f);
        quote!(#name: Option<#ty>)
    });
    let checks: Vec<TokenStream> = model
        .client_params
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let name = f.name.ident();
            let wire = f.name.wire();
            let rule = rule(f);
            quote!(rt::check(check, &rt::Path::Root.field(#wire), &self.#name, &#rule);)
        })
        .collect();
    let check = if checks.is_empty() {
        quote!(
            fn check(&self, _: &mut rt::Check) {}
        )
    } else {
        quote! {
            fn check(&self, check: &mut rt::Check) {
                #(#checks)*
            }
        }
    };
    let values: Vec<TokenStream> = model
        .client_params
        .iter()
        .map(|f| {
            let name = f.name.ident();
            let wire = f.name.wire();
            if f.sensitive {
                quote!(#wire => self.#name.as_ref().map(rt::ClientValue::Secret),)
            } else {
                quote!(#wire => self.#name.as_deref().map(rt::ClientValue::Plain),)
            }
        })
        .collect();
    let value = if values.is_empty() {
        quote! {
            fn value(&self, _: &str) -> Option<rt::ClientValue<'_>> {
                None
            }
        }
    } else {
        quote! {
            fn value(&self, wire: &str) -> Option<rt::ClientValue<'_>> {
                match wire {
                    #(#values)*
                    _ => None,
                }
            }
        }
    };
    let debug = debug_fields(&model.client_params, |f| {
        let name = f.name.ident();
        quote!(self.#name)
    });
    quote! {
        /// The parameters set once on a [`Client`]: the same for every call.
        #[derive(Clone, Default)]
        struct ClientParams {
            #(#fields,)*
        }

        impl rt::Api for ClientParams {
            const BASE_URL: &'static str = #base_url;
            const ERRORS: rt::ErrorShape = rt::ErrorShape {
                status_field: #status_field,
                error_value: #error_value,
                message_fields: &[#(#message_fields),*],
            };

            #check

            #value
        }

        impl fmt::Debug for ClientParams {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct("ClientParams");
                #debug
                d.finish()
            }
        }
    }
}
