//! Emit: the model → Rust tokens. The code is thin: it declares types, setters and checks, and
//! calls the client runtime (`rt`, the crate's `__private` module) for everything that behaves.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::*;

/// The whole generated module.
pub fn module(model: &Model) -> TokenStream {
    let mut module = quote! {
        use ::personaclick::__private as rt;
        use ::std::fmt;
        use rt::DebugFields as _;
    };
    // Extended with owned streams: interpolating them in `quote!` would copy every token.
    module.extend(client(model));
    module.extend(model.types.iter().map(type_def));
    module.extend(model.endpoints.iter().map(endpoint));
    module.extend(user_handle(model));
    module.extend(blocking(model));
    module
}

/// An identifier the generator makes itself (a type or builder name), never a keyword.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Rustdoc attributes: the description, then the reviewer's note, one paragraph each.
fn docs(description: &str, note: Option<&str>) -> TokenStream {
    let mut text = text::blank_lines(description);
    if let Some(note) = note {
        text.push_str("\n\n**Note on PersonaClick's docs:** ");
        text.push_str(&text::blank_lines(note));
    }
    doc_lines(&text)
}

fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

fn deprecated(reason: Option<&str>) -> TokenStream {
    match reason {
        Some(r) => quote!(#[deprecated(note = #r)]),
        None => quote!(),
    }
}

/// The Rust type of a value.
fn rust_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Json => quote!(rt::Json),
        Ty::Date => quote!(rt::Date),
        Ty::DateTime => quote!(rt::DateTime),
        Ty::Timestamp => quote!(rt::Timestamp),
        Ty::List(inner) => {
            let inner = rust_ty(inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_ty(inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        Ty::Named(n) => {
            let n = ident(n);
            quote!(#n)
        }
    }
}

/// How a parameter's value is stored: client secrets in `rt::Secret`.
fn stored_ty(f: &FieldModel) -> TokenStream {
    if f.scope == Scope::Client && f.sensitive {
        quote!(rt::Secret)
    } else {
        rust_ty(&f.ty)
    }
}

/// A constant as a Rust literal.
fn const_value(c: &ConstValue) -> TokenStream {
    match c {
        ConstValue::Bool(b) => quote!(#b),
        ConstValue::Integer(i) => quote!(#i),
        ConstValue::String(s) => quote!(#s),
    }
}

/// `rt::Rule { .. }` for a field's checks.
fn rule(f: &FieldModel) -> TokenStream {
    if !f.has_rules() {
        return quote!(rt::Rule::NONE);
    }
    // Only what differs from no rule at all. A format needs no rule: a formatted string is a
    // typed date, which checks itself.
    let mut set = Vec::new();
    if f.required {
        if f.min.is_none() && f.max.is_none() && f.max_length.is_none() {
            return quote!(rt::Rule::REQUIRED);
        }
        set.push(quote!(required: true));
    }
    if let Some(v) = f.min {
        set.push(quote!(min: Some(#v)));
    }
    if let Some(v) = f.max {
        set.push(quote!(max: Some(#v)));
    }
    if let Some(n) = f.max_length {
        let n = Literal::usize_unsuffixed(n as usize);
        set.push(quote!(max_length: Some(#n)));
    }
    quote!(rt::Rule { #(#set,)* ..rt::Rule::NONE })
}

// ---------------------------------------------------------------------------------------------
// The client: parameters set once, and the API's constants.

fn client(model: &Model) -> TokenStream {
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

        impl<M> fmt::Debug for Client<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.core, f)
            }
        }
    }
}

/// How a `ClientBuilder` option takes its value.
#[derive(Clone, Copy)]
enum OptionArg {
    Text,
    Duration,
    Retry,
    Bytes,
    Flag,
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
];

/// The methods of `ClientBuilder` that are not the client parameters' setters: names those
/// cannot take.
pub(crate) fn client_builder_methods() -> impl Iterator<Item = &'static str> {
    CLIENT_OPTIONS
        .iter()
        .map(|(name, _, _)| *name)
        .chain(["build"])
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

/// Debug entries for the set fields, with sensitive values redacted: one `rt::DebugFields`
/// call per field on `d`, a `fmt::DebugStruct`.
fn debug_fields(fields: &[FieldModel], access: impl Fn(&FieldModel) -> TokenStream) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let wire = f.name.rust();
        let value = access(f);
        match f.fixed {
            Fixed::Acknowledgement(_) => return quote!(d.flag(#wire, #value);),
            Fixed::Constant(_) => return quote!(),
            Fixed::Free => {}
        }
        if f.sensitive {
            quote!(d.redacted(#wire, &#value);)
        } else {
            quote!(d.opt(#wire, &#value);)
        }
    });
    quote!(#(#entries)*)
}

// ---------------------------------------------------------------------------------------------
// Named types.

fn type_def(t: &TypeModel) -> TokenStream {
    match &t.kind {
        KindModel::Object { fields, additional } => object(t, fields, additional.as_ref()),
        KindModel::Enum { values } => enumeration(t, values),
        KindModel::Union { variants } => union(t, variants),
    }
}

fn serde_derives() -> TokenStream {
    quote! {
        #[derive(rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = "::personaclick::__private::serde")]
    }
}

fn object(
    t: &TypeModel,
    fields: &[FieldModel],
    additional: Option<&AdditionalModel>,
) -> TokenStream {
    let name = t.name.ident();
    let doc = docs(&t.description, t.note.as_deref());
    let dep = deprecated(t.deprecated.as_deref());
    // Every type serializes with serde's derive and decodes with `rt::decode_object`, so
    // values can be stored and read back; requests use the first, responses the second.
    let derive_ser = quote! {
        #[derive(rt::serde::Serialize)]
        #[serde(crate = "::personaclick::__private::serde")]
    };
    let struct_fields = fields.iter().map(|f| {
        let fname = f.name.ident();
        let ty = rust_ty(&f.ty);
        let doc = docs(&f.description, f.note.as_deref());
        let dep = deprecated(f.deprecated.as_deref());
        let wire = f.name.wire();
        // serde writes a field under its name (without `r#`) unless renamed.
        let serde = if f.name.rust() == wire {
            quote!(#[serde(skip_serializing_if = "Option::is_none")])
        } else {
            quote!(#[serde(rename = #wire, skip_serializing_if = "Option::is_none")])
        };
        quote! {
            #doc
            #dep
            #serde
            pub #fname: Option<#ty>,
        }
    });
    let extra = additional.map(|a| {
        let fname = a.name.ident();
        let ty = rust_ty(&a.ty);
        let doc = docs(&a.description, None);
        let serde = quote!(#[serde(flatten)]);
        quote! {
            #doc
            #serde
            pub #fname: ::std::collections::BTreeMap<String, #ty>,
        }
    });
    // Impls that name the deprecated type, or deprecated fields, allow it.
    let type_allow = t.deprecated.is_some().then(|| quote!(#[allow(deprecated)]));
    let allow = (t.deprecated.is_some() || fields.iter().any(|f| f.deprecated.is_some()))
        .then(|| quote!(#[allow(deprecated)]));
    let deserialize = deserialize_object(t, fields, additional, &allow, &type_allow);
    let debug = debug_fields(fields, |f| {
        let n = f.name.ident();
        quote!(self.#n)
    });
    let debug_extra = additional.map(|a| {
        let n = a.name.ident();
        let label = a.name.rust();
        quote!(d.keys(#label, &self.#n);)
    });
    let type_name = t.name.rust();
    let request_side = t.usage.sent().then(|| {
        let setters = fields.iter().map(|f| {
            let fname = f.name.ident();
            let doc = docs(
                &format!("Sets `{}`: {}", f.name.wire(), f.description),
                None,
            );
            let (arg, value) = setter_arg(&f.ty);
            quote! {
                #doc
                #[must_use]
                pub fn #fname(mut self, value: #arg) -> Self {
                    self.#fname = Some(#value);
                    self
                }
            }
        });
        let checks = fields.iter().map(|f| {
            let fname = f.name.ident();
            let wire = f.name.wire();
            let rule = rule(f);
            quote!(rt::check(check, &at.field(#wire), &self.#fname, &#rule);)
        });
        let extra_check = additional.map(|a| {
            let n = a.name.ident();
            let label = a.name.rust();
            quote!(rt::Checkable::check_value(&self.#n, &at.field(#label), &rt::Rule::NONE, check);)
        });
        let new_doc = format!(" An empty [`{type_name}`]; add values with the setters.");
        quote! {
            #allow
            impl #name {
                #[doc = #new_doc]
                pub fn new() -> Self {
                    Default::default()
                }
                #(#setters)*
            }

            #allow
            impl rt::Checkable for #name {
                fn check_value(&self, at: &rt::Path<'_>, _: &rt::Rule, check: &mut rt::Check) {
                    #(#checks)*
                    #extra_check
                    let _ = (at, check);
                }
            }
        }
    });
    quote! {
        #doc
        #dep
        #[derive(Clone, Default, PartialEq)]
        #derive_ser
        #[non_exhaustive]
        pub struct #name {
            #(#struct_fields)*
            #extra
            #[serde(skip)]
            unread: rt::Unread,
        }

        #deserialize

        #allow
        impl fmt::Debug for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct(#type_name);
                #debug
                #debug_extra
                d.unread(&self.unread);
                d.finish()
            }
        }

        #type_allow
        impl #name {
            /// The values of a response this object could not read as the schema documents
            /// them, at any depth below it, each kept as it came (its field is `None`): empty
            /// when everything was read.
            pub fn unread(&self) -> &rt::Unread {
                &self.unread
            }
        }

        #request_side
    }
}

/// The decoder: `rt::decode_object` takes an object only (serde's derive would also take an
/// array, field by field) and reads it key by key with `rt::Object::field`, the type's own
/// `match` from wire names (and aliases) to fields, each read with `rt::field` (what it cannot
/// read goes to the object's `unread` report); other keys are skipped or kept in the
/// `additional` map.
fn deserialize_object(
    t: &TypeModel,
    fields: &[FieldModel],
    additional: Option<&AdditionalModel>,
    allow: &Option<TokenStream>,
    type_allow: &Option<TokenStream>,
) -> TokenStream {
    let name = t.name.ident();
    let arms = fields.iter().map(|f| {
        let fname = f.name.ident();
        let keys = std::iter::once(f.name.wire()).chain(f.aliases.iter().map(String::as_str));
        let shown = if f.sensitive {
            quote!(Redacted)
        } else {
            quote!(Plain)
        };
        // The other kind the published docs give the value is read even strictly.
        let entry = match f.also {
            Some(kind) => {
                let kind = match kind {
                    JsonKind::String => quote!(String),
                    JsonKind::Number => quote!(Number),
                    JsonKind::Boolean => quote!(Boolean),
                };
                quote!(entry.also(rt::JsonKind::#kind))
            }
            None => quote!(entry),
        };
        quote!(#(#keys)|* => #entry.read(map, &mut self.#fname, rt::Shown::#shown),)
    });
    let rest = match additional {
        Some(a) => {
            let n = a.name.ident();
            quote!(_ => entry.keep(map, &mut self.#n),)
        }
        None => quote!(_ => entry.skip(map),),
    };
    let type_name = t.name.rust();
    quote! {
        #allow
        impl rt::Object for #name {
            const NAME: &'static str = #type_name;

            #[inline]
            fn field<'de, A: rt::MapAccess<'de>>(&mut self, key: rt::Key<'de>, map: &mut A, reading: rt::Reading) -> Result<(), A::Error> {
                let entry = rt::Entry::new(key.as_str(), &mut self.unread, reading);
                match key.as_str() {
                    #(#arms)*
                    #rest
                }
            }

            fn unread(&self) -> &rt::Unread {
                &self.unread
            }

            fn unread_mut(&mut self) -> &mut rt::Unread {
                &mut self.unread
            }
        }

        #type_allow
        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                rt::decode_object(d)
            }
        }
    }
}

/// A setter's argument type and how it becomes the stored value.
fn setter_arg(ty: &Ty) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String => (quote!(impl Into<String>), quote!(value.into())),
        Ty::Json | Ty::Date | Ty::DateTime | Ty::Timestamp => {
            let ty = rust_ty(ty);
            (quote!(impl Into<#ty>), quote!(value.into()))
        }
        Ty::List(inner) => {
            let item = rust_ty(inner);
            if **inner == Ty::String {
                (
                    quote!(impl IntoIterator<Item = impl Into<String>>),
                    quote!(value.into_iter().map(Into::into).collect()),
                )
            } else {
                (
                    quote!(impl IntoIterator<Item = #item>),
                    quote!(value.into_iter().collect()),
                )
            }
        }
        Ty::Map(inner) => {
            let item = rust_ty(inner);
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, #item)>),
                quote!(value.into_iter().map(|(k, v)| (k.into(), v)).collect()),
            )
        }
        other => (rust_ty(other), quote!(value)),
    }
}

fn enumeration(t: &TypeModel, values: &[ValueModel]) -> TokenStream {
    let name = t.name.ident();
    let doc = docs(&t.description, t.note.as_deref());
    let dep = deprecated(t.deprecated.as_deref());
    let variants = values.iter().map(|v| {
        let var = v.name.ident();
        let doc = docs(
            &format!("`{}`: {}", v.name.wire(), v.description),
            v.note.as_deref(),
        );
        let dep = deprecated(v.deprecated.as_deref());
        quote!(#doc #dep #var,)
    });
    let open = t.usage.received();
    let unknown = open.then(|| {
        quote! {
            /// A value this version of the crate does not know; [`as_str`](Self::as_str) gives it.
            Unknown(rt::UnknownValue),
        }
    });
    let as_str_arms = values.iter().map(|v| {
        let var = v.name.ident();
        let wire = v.name.wire();
        quote!(Self::#var => #wire,)
    });
    let unknown_arm = open.then(|| quote!(Self::Unknown(v) => v.as_str(),));
    let known_arms = values.iter().map(|v| {
        let var = v.name.ident();
        let wire = v.name.wire();
        quote!(#wire => Some(Self::#var),)
    });
    // Only enums PersonaClick sends keep values this crate does not know.
    let unknown_ctor = if open {
        quote!(Some(Self::Unknown))
    } else {
        quote!(None)
    };
    let type_name = t.name.rust();
    let type_allow = t.deprecated.is_some().then(|| quote!(#[allow(deprecated)]));
    let check = t
        .usage
        .sent()
        .then(|| quote!(#type_allow impl rt::Checkable for #name {}));
    let allow_deprecated = (t.deprecated.is_some()
        || values.iter().any(|v| v.deprecated.is_some()))
    .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #allow_deprecated
        impl #name {
            /// The value as PersonaClick writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    #unknown_arm
                }
            }

            /// The known value written as `s`, if any.
            pub fn known(s: &str) -> Option<Self> {
                match s {
                    #(#known_arms)*
                    _ => None,
                }
            }
        }

        #type_allow
        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #type_allow
        impl rt::serde::Serialize for #name {
            fn serialize<S: rt::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #type_allow
        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                rt::deserialize_enum(d, #type_name, Self::known, #unknown_ctor)
            }
        }

        #type_allow
        impl rt::Read for #name {
            const EXPECTED: rt::Expected = rt::Expected::Named(#type_name);

            fn read<'de, D: rt::serde::Deserializer<'de>>(d: D, place: rt::Place<'_, '_>) -> Result<rt::Got<Self>, D::Error> {
                rt::read_enum(d, place, Self::known, #unknown_ctor)
            }
        }
        #check
    }
}

fn union(t: &TypeModel, variants: &[FieldModel]) -> TokenStream {
    let name = t.name.ident();
    let type_name = t.name.rust();
    let doc = docs(&t.description, t.note.as_deref());
    let dep = deprecated(t.deprecated.as_deref());
    let derives = serde_derives();
    let vars = variants.iter().map(|v| {
        let var = v.name.ident();
        let ty = rust_ty(&v.ty);
        let doc = docs(&v.description, v.note.as_deref());
        quote!(#doc #var(#ty),)
    });
    // `From` for the first variant of each Rust type, and the types it converts from
    // losslessly, so that `custom_property("age", 31)` and `custom_property("name", "John")`
    // just work.
    let mut seen: Vec<&Ty> = Vec::new();
    let mut froms = Vec::new();
    for v in variants {
        if seen.contains(&&v.ty) {
            continue;
        }
        seen.push(&v.ty);
        let own = (rust_ty(&v.ty), quote!(value), None);
        for (source, value, cfg) in std::iter::once(own).chain(union_sources(&v.ty)) {
            froms.push(union_from(t, v, source, value, cfg));
        }
    }
    let check = t.usage.sent().then(|| {
        let arms = variants.iter().map(|v| {
            let var = v.name.ident();
            let rule = rule(v);
            quote!(Self::#var(v) => rt::Checkable::check_value(v, at, &#rule, check),)
        });
        quote! {
            impl rt::Checkable for #name {
                fn check_value(&self, at: &rt::Path<'_>, _: &rt::Rule, check: &mut rt::Check) {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq)]
        #derives
        #[serde(untagged)]
        pub enum #name {
            #(#vars)*
        }

        #(#froms)*

        impl rt::Read for #name {
            const EXPECTED: rt::Expected = rt::Expected::Named(#type_name);

            fn read<'de, D: rt::serde::Deserializer<'de>>(d: D, _: rt::Place<'_, '_>) -> Result<rt::Got<Self>, D::Error> {
                rt::read_union(d)
            }
        }
        #check
    }
}

/// The other types a union's variant of type `ty` is made from with `From`, losslessly: each
/// with the conversion of `value` and the `cfg` it needs, if any.
fn union_sources(ty: &Ty) -> Vec<(TokenStream, TokenStream, Option<TokenStream>)> {
    let into = quote!(value.into());
    let jiff = Some(quote!(#[cfg(feature = "jiff")]));
    let sources = match ty {
        Ty::Integer => vec![
            quote!(i32),
            quote!(u32),
            quote!(i16),
            quote!(u16),
            quote!(i8),
            quote!(u8),
        ],
        Ty::Number => vec![quote!(f32)],
        Ty::String => vec![quote!(&str)],
        // With the runtime's `jiff` feature, a date also comes from jiff's type.
        Ty::Date => return vec![(quote!(rt::jiff::civil::Date), into, jiff)],
        Ty::DateTime => return vec![(quote!(rt::jiff::civil::DateTime), into, jiff)],
        Ty::Timestamp => return vec![(quote!(rt::jiff::Timestamp), into, jiff)],
        _ => vec![],
    };
    sources
        .into_iter()
        .map(|source| (source, into.clone(), None))
        .collect()
}

/// `impl From<source> for Union`, into the variant `v`.
fn union_from(
    t: &TypeModel,
    v: &FieldModel,
    source: TokenStream,
    value: TokenStream,
    cfg: Option<TokenStream>,
) -> TokenStream {
    let (name, var) = (t.name.ident(), v.name.ident());
    let doc = format!(" A [`{}::{}`].", t.name, v.name);
    quote! {
        #cfg
        impl From<#source> for #name {
            #[doc = #doc]
            fn from(value: #source) -> Self {
                Self::#var(#value)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoints: a method on `Client`, a request builder, and `send`.

/// `base`, or `base` with `_` appended until it is none of `taken`: a name the generated code
/// keeps for itself, which no schema name can clash with.
fn unique(base: &str, taken: &[&str]) -> Ident {
    let mut name = base.to_string();
    while taken.contains(&name.as_str()) {
        name.push('_');
    }
    ident(&name)
}

/// What a request builder keeps for itself beside its setters: its client field and its
/// private methods, named apart from every parameter.
struct Members {
    client: Ident,
    new: Ident,
    future: Ident,
    page_stream: Ident,
    item_stream: Ident,
}

fn members(e: &EndpointModel) -> Members {
    let mut taken: Vec<&str> = e.params.iter().map(|p| p.name.rust()).collect();
    if let Some(a) = &e.additional {
        taken.extend(std::iter::once(&a.name).chain(&a.item_name).map(Name::rust));
    }
    Members {
        client: unique("client", &taken),
        new: unique("new", &taken),
        future: unique("future", &taken),
        page_stream: unique("page_stream", &taken),
        item_stream: unique("item_stream", &taken),
    }
}

fn endpoint(e: &EndpointModel) -> TokenStream {
    let Members {
        client,
        new,
        future,
        ..
    } = members(e);
    let method_name = e.name.ident();
    let builder = ident(&e.builder);
    let id = e.name.wire();
    let path = &e.path;
    let http = match e.method {
        Method::Get => quote!(rt::Method::Get),
        Method::Post => quote!(rt::Method::Post),
    };
    let verb = match e.method {
        Method::Get => "GET",
        Method::Post => "POST",
    };
    let idempotent = e.idempotent;
    let response = rust_ty(&e.response);
    let mut text = format!(
        "{}\n\n{}\n\n`{verb} {}`",
        e.summary,
        text::blank_lines(&e.description),
        e.path
    );
    text.push_str("\n\nDocumented responses:");
    for (code, what) in &e.statuses {
        text.push_str(&format!("\n- {code}: {what}"));
    }
    if !e.idempotent {
        text.push_str("\n\nNot idempotent: never retried once it may have reached the server.");
    }
    let method_doc = docs(&text, e.note.as_deref());
    let dep = deprecated(e.deprecated.as_deref());
    let own: Vec<&FieldModel> = e
        .params
        .iter()
        .filter(|p| p.scope != Scope::Client)
        .collect();
    let settable: Vec<&FieldModel> = own.iter().copied().filter(|p| p.is_settable()).collect();
    let fields = settable.iter().map(|p| {
        let n = p.name.ident();
        if let Fixed::Acknowledgement(_) = p.fixed {
            quote!(#n: bool,)
        } else {
            let ty = rust_ty(&p.ty);
            quote!(#n: Option<#ty>,)
        }
    });
    let inits = settable.iter().map(|p| {
        let n = p.name.ident();
        if let Fixed::Acknowledgement(_) = p.fixed {
            quote!(#n: false,)
        } else {
            quote!(#n: None,)
        }
    });
    let extra_field = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        let ty = rust_ty(&a.ty);
        quote!(#n: ::std::collections::BTreeMap<String, #ty>,)
    });
    let extra_init = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        quote!(#n: ::std::collections::BTreeMap::new(),)
    });
    let setters = settable.iter().map(|p| setter(p));
    let extra_setters = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        let ty = rust_ty(&a.ty);
        let one = a.item_name.as_ref().map_or_else(|| ident("additional"), Name::ident);
        let doc = docs(&a.description, None);
        quote! {
            #doc
            pub fn #one(mut self, name: impl Into<String>, value: impl Into<#ty>) -> Self {
                self.#n.insert(name.into(), value.into());
                self
            }

            #doc
            pub fn #n(mut self, values: impl IntoIterator<Item = (impl Into<String>, impl Into<#ty>)>) -> Self {
                self.#n.extend(values.into_iter().map(|(k, v)| (k.into(), v.into())));
                self
            }
        }
    });
    let access = |p: &FieldModel| {
        let n = p.name.ident();
        if p.scope == Scope::Client {
            quote!(params.#n)
        } else {
            quote!(self.#n)
        }
    };
    let uses_client = e.params.iter().any(|p| p.scope == Scope::Client);
    let client_binding = uses_client.then(|| quote!(let params = self.#client.core.params();));
    // Each parameter in the schema's order: checked against its rule and written, in one step.
    let params = e.params.iter().map(|p| {
        let value = access(p);
        let wire = p.name.wire();
        let first = match &p.fixed {
            Fixed::Acknowledgement(c) => {
                let c = const_value(c);
                quote!(call.acknowledged(#wire, #value, &#c);)
            }
            Fixed::Constant(c) => {
                let c = const_value(c);
                quote!(call.constant(#wire, &#c);)
            }
            Fixed::Free => {
                let rule = rule(p);
                if p.scope == Scope::Client && p.sensitive {
                    quote!(call.secret(#wire, &#value, &#rule);)
                } else if p.style == Style::Comma {
                    quote!(call.comma(#wire, &#value, &#rule);)
                } else {
                    quote!(call.param(#wire, &#value, &#rule);)
                }
            }
        };
        let aliases = p.aliases.iter().map(move |alias| {
            let value = access(p);
            quote!(call.alias(#alias, &#value);)
        });
        quote!(#first #(#aliases)*)
    });
    let is_set = |wire: &String| match e.param(wire) {
        Some(p) if matches!(p.fixed, Fixed::Acknowledgement(_)) => {
            let n = p.name.ident();
            quote!((#wire, self.#n))
        }
        Some(p) => {
            let v = access(p);
            quote!((#wire, #v.is_some()))
        }
        None => quote!((#wire, false)),
    };
    let rules = e.requirements.iter().map(|r| {
        let kind = match r.kind {
            RuleKind::AllOf => quote!(rt::RuleKind::AllOf),
            RuleKind::AnyOf => quote!(rt::RuleKind::AnyOf),
        };
        let names = r.names.iter().map(is_set);
        let when = r.when.iter().map(is_set);
        let why = text::blank_lines(&r.description).replace("\n\n", " ");
        quote!(call.rule(#kind, &[#(#names),*], &[#(#when),*], #why);)
    });
    let extra = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        let label = a.name.rust();
        let reserved = e.params.iter().flat_map(|p| {
            std::iter::once(p.name.wire()).chain(p.aliases.iter().map(String::as_str))
        });
        quote!(call.additional(#label, &self.#n, &[#(#reserved),*]);)
    });
    let debug_params: Vec<FieldModel> = settable.iter().map(|p| (*p).clone()).collect();
    let debug = debug_fields(&debug_params, |f| {
        let n = f.name.ident();
        quote!(self.#n)
    });
    let debug_extra = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        let label = a.name.rust();
        quote!(if !self.#n.is_empty() { d.field(#label, &rt::Keys(&self.#n)); })
    });
    let builder_doc = format!(
        " A [`Client::{id}`] call being built: set its parameters, then [`send`](Self::send) it.\n\n `M` is how it is sent: [`Async`](::personaclick::Async) (the default), `send` returns a future; `Blocking` (feature `blocking`), `send` waits for the answer."
    );
    let send_doc = format!(
        " Checks the parameters and sends the request: `{verb} {path}`.\n\n The parameters are checked and written when `send` is called; the future it returns owns them (it is `Send` and `'static`: it can be spawned) and sends the request when awaited.\n\n # Errors\n\n [`Error::InvalidRequest`](::personaclick::Error::InvalidRequest) naming every missing or invalid parameter, before anything is sent; otherwise what the call returned: see [`Error`](::personaclick::Error)."
    );
    let builder_name = &e.builder;
    let paging = paging(e);
    let (paging_streams, paging_methods, paging_blocking) = match &paging {
        Some(p) => (Some(&p.streams), Some(&p.methods), Some(&p.blocking)),
        None => (None, None, None),
    };
    quote! {
        impl<M: Clone> Client<M> {
            #method_doc
            #dep
            pub fn #method_name(&self) -> #builder<M> {
                // `Clone::clone`: an endpoint may be named `clone`, a method of this same type.
                #builder::#new(Clone::clone(self))
            }
        }

        #[doc = #builder_doc]
        #[derive(Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<M = rt::Async> {
            #client: Client<M>,
            #(#fields)*
            #extra_field
        }

        impl<M> fmt::Debug for #builder<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct(#builder_name);
                #debug
                #debug_extra
                d.finish()
            }
        }

        impl<M> #builder<M> {
            const ENDPOINT: rt::Endpoint = rt::Endpoint {
                id: #id,
                method: #http,
                path: #path,
                idempotent: #idempotent,
            };

            fn #new(#client: Client<M>) -> Self {
                Self {
                    #client,
                    #(#inits)*
                    #extra_init
                }
            }

            #(#setters)*
            #extra_setters

            /// The call, checked and written, as a future (whatever the mode).
            fn #future(
                self,
            ) -> impl ::std::future::Future<Output = Result<#response, ::personaclick::Error>> + Send + 'static
            {
                #client_binding
                let mut call = rt::Call::new(&Self::ENDPOINT);
                #(#params)*
                #(#rules)*
                #extra
                // The builder is not kept in the future: only the client and the written call.
                self.#client.core.execute(call)
            }

            #paging_streams
        }

        impl #builder {
            #[doc = #send_doc]
            pub fn send(
                self,
            ) -> impl ::std::future::Future<Output = Result<#response, ::personaclick::Error>> + Send + 'static
            {
                self.#future()
            }

            #paging_methods
        }

        #[cfg(feature = "blocking")]
        impl #builder<rt::Blocking> {
            /// Checks the parameters, sends the request and waits for the answer.
            ///
            /// # Errors
            ///
            /// As the async `send`, and [`Error::InvalidConfig`](::personaclick::Error::InvalidConfig)
            /// when called inside an async runtime (use the async client there).
            pub fn send(self) -> Result<#response, ::personaclick::Error> {
                let blocking = self.#client.mode.clone();
                blocking.call(self.#future())
            }

            #paging_blocking
        }
    }
}

/// `pub fn name(mut self, value: ..) -> Self`, storing into the field of the same name (no
/// argument for an acknowledgement): the request builders and the per-user handle alike.
fn setter(p: &FieldModel) -> TokenStream {
    let n = p.name.ident();
    let dep = deprecated(p.deprecated.as_deref());
    if let Fixed::Acknowledgement(_) = p.fixed {
        let doc = docs(
            &format!(
                "{}\n\nCalling this acknowledges it; the request sends `{}` with the fixed value.",
                p.description,
                p.name.wire()
            ),
            p.note.as_deref(),
        );
        return quote! {
            #doc #dep
            pub fn #n(mut self) -> Self {
                self.#n = true;
                self
            }
        };
    }
    let mut text = p.description.clone();
    let mut facts = Vec::new();
    if p.required {
        facts.push("Required.".to_string());
    }
    if let Some(f) = p.format {
        facts.push(
            match f {
                Format::Date => "Format: `YYYY-MM-DD`.",
                Format::DateTime => "Format: `YYYY-MM-DD hh:mm:ss`.",
                Format::Timestamp => "Format: `YYYY-MM-DDThh:mm:ss.sssZ`.",
            }
            .to_string(),
        );
    }
    match (p.min, p.max) {
        (Some(a), Some(b)) => facts.push(format!("From {a} to {b}.")),
        (Some(a), None) => facts.push(format!("At least {a}.")),
        (None, Some(b)) => facts.push(format!("At most {b}.")),
        _ => {}
    }
    if let Some(n) = p.max_length {
        facts.push(format!("At most {n} characters."));
    }
    if p.style == Style::Comma {
        facts.push("Sent as one comma-separated value.".into());
    }
    if !p.aliases.is_empty() {
        facts.push(format!(
            "Sent as `{}` and also as {}.",
            p.name.wire(),
            p.aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !facts.is_empty() {
        text.push_str("\n\n");
        text.push_str(&facts.join(" "));
    }
    let doc = docs(&text, p.note.as_deref());
    let (arg, value) = setter_arg(&p.ty);
    quote! {
        #doc #dep
        pub fn #n(mut self, value: #arg) -> Self {
            self.#n = Some(#value);
            self
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The per-user handle.

fn user_handle(model: &Model) -> TokenStream {
    if model.user_params.is_empty() {
        return quote!();
    }
    let names: Vec<String> = model
        .user_params
        .iter()
        .map(|p| format!("`{}`", p.name.wire()))
        .collect();
    let about = format!(
        " A handle for one user (a device, a session): {} are set once on it and preset on each of its calls.\n\n One [`Client`] serves many users; a `User` is a cheap, cloneable view of it. `M` is the mode of the calls it makes, as on the request builders.",
        names.join(", ")
    );
    let fields = model.user_params.iter().map(|p| {
        let n = p.name.ident();
        let ty = rust_ty(&p.ty);
        quote!(#n: Option<#ty>,)
    });
    let inits = model.user_params.iter().map(|p| {
        let n = p.name.ident();
        quote!(#n: None,)
    });
    let setters = model.user_params.iter().map(setter);
    let debug = debug_fields(&model.user_params, |f| {
        let n = f.name.ident();
        quote!(self.#n)
    });
    // The handle's own client field and constructor, named apart from its setters (the user
    // parameters) and its methods (the endpoints).
    let taken: Vec<&str> = model
        .user_params
        .iter()
        .map(|p| p.name.rust())
        .chain(model.endpoints.iter().map(|e| e.name.rust()))
        .collect();
    let (client, new) = (unique("client", &taken), unique("new", &taken));
    let methods = model.endpoints.iter().map(|e| {
        let builder_new = members(e).new;
        let m = e.name.ident();
        let builder = ident(&e.builder);
        let doc = format!(
            " [`Client::{}`], with this user's values preset.",
            e.name.rust()
        );
        let presets = e.params.iter().filter(|p| p.scope == Scope::User).map(|p| {
            let n = p.name.ident();
            quote!(if self.#n.is_some() { request.#n = self.#n.clone(); })
        });
        quote! {
            #[doc = #doc]
            pub fn #m(&self) -> #builder<M> {
                #[allow(unused_mut)]
                let mut request = #builder::#builder_new(Clone::clone(&self.#client));
                #(#presets)*
                request
            }
        }
    });
    quote! {
        impl<M: Clone> Client<M> {
            /// A handle for one user, whose per-user values are set once: see [`User`].
            pub fn user(&self) -> User<M> {
                User::#new(Clone::clone(self))
            }
        }

        #[doc = #about]
        #[derive(Clone)]
        pub struct User<M = rt::Async> {
            #client: Client<M>,
            #(#fields)*
        }

        impl<M> fmt::Debug for User<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct("User");
                #debug
                d.finish()
            }
        }

        impl<M> User<M> {
            fn #new(#client: Client<M>) -> Self {
                User { #client, #(#inits)* }
            }

            #(#setters)*
        }

        impl<M: Clone> User<M> {
            #(#methods)*
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paging: a stream of pages and one of items, for endpoints whose results come in pages.

/// `r.a.as_ref().and_then(|v| v.b.as_ref()).map_or(0, Vec::len)` and
/// `r.a.and_then(|v| v.b).unwrap_or_default()` for the items path `a.b`.
fn items_access(path: &[Name]) -> (TokenStream, TokenStream) {
    let mut count = quote!(Some(r));
    let mut take = quote!(Some(r));
    for step in path {
        let f = step.ident();
        count = quote!(#count.and_then(|v| v.#f.as_ref()));
        take = quote!(#take.and_then(|v| v.#f));
    }
    (
        quote!(#count.map_or(0, Vec::len)),
        quote!(#take.unwrap_or_default()),
    )
}

/// An endpoint's paging methods: the streams, built in any mode; `pages` and `items` of the
/// async builder; and those of the blocking one.
struct Paging {
    streams: TokenStream,
    methods: TokenStream,
    blocking: TokenStream,
}

fn paging(e: &EndpointModel) -> Option<Paging> {
    let p = e.paging.as_ref()?;
    let Members {
        client,
        future,
        page_stream,
        item_stream,
        ..
    } = members(e);
    let response = rust_ty(&e.response);
    let item = rust_ty(&p.item);
    let (page, limit) = (p.page.ident(), p.limit.ident());
    let size = p.page_size;
    let (count, take) = items_access(&p.items);
    let pages_doc = format!(
        " Every page, from `{}` (default 1) on, with `{}` items each (default {size}, the most allowed): the stream ends after a short or empty page, or after an error, which it yields.",
        p.page.rust(), p.limit.rust()
    );
    let items_doc = " Every item of every page, in order: see [`pages`](Self::pages).";
    let streams = quote! {
        fn #page_stream(self) -> rt::Pages<#response>
        where
            M: Clone + Send + 'static,
        {
            let first = self.#page.unwrap_or(1);
            let size = self.#limit.unwrap_or(#size);
            // `Clone::clone`: a parameter may be named `clone`, and its setter would be found first.
            rt::Pages::new(first, size, |r: &#response| #count, move |page| {
                Box::pin(Clone::clone(&self).#page(page).#limit(size).#future())
            })
        }

        fn #item_stream(self) -> rt::Items<#response, #item>
        where
            M: Clone + Send + 'static,
        {
            rt::Items::new(self.#page_stream(), |r: #response| #take)
        }
    };
    let methods = quote! {
        #[doc = #pages_doc]
        pub fn pages(self) -> rt::Pages<#response> {
            self.#page_stream()
        }

        #[doc = #items_doc]
        pub fn items(self) -> rt::Items<#response, #item> {
            self.#item_stream()
        }
    };
    let blocking = quote! {
        #[doc = #pages_doc]
        pub fn pages(self) -> rt::BlockingIter<rt::Pages<#response>> {
            let blocking = self.#client.mode.clone();
            rt::BlockingIter::new(self.#page_stream(), blocking)
        }

        #[doc = #items_doc]
        pub fn items(self) -> rt::BlockingIter<rt::Items<#response, #item>> {
            let blocking = self.#client.mode.clone();
            rt::BlockingIter::new(self.#item_stream(), blocking)
        }
    };
    Some(Paging {
        streams,
        methods,
        blocking,
    })
}

// ---------------------------------------------------------------------------------------------
// The blocking module: the client and builders in the blocking mode, by their short names.

fn blocking(model: &Model) -> TokenStream {
    // Each builder's blocking `send` is emitted beside its async one; here are only the names.
    let endpoints = model.endpoints.iter().map(|e| {
        let builder = ident(&e.builder);
        let doc = format!(" A blocking [`{0}`](super::{0}): the same setters, and `send` returns when the call is done.", e.builder);
        quote! {
            #[doc = #doc]
            pub type #builder = super::#builder<rt::Blocking>;
        }
    });
    let user = (!model.user_params.is_empty()).then(|| {
        quote! {
            /// A blocking [`super::User`]: its calls are blocking.
            pub type User = super::User<rt::Blocking>;
        }
    });
    quote! {
        /// Blocking versions of the client and its request builders (feature `blocking`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            use super::*;

            /// A blocking [`super::Client`], from [`super::Client::blocking`]: the same calls,
            /// and their `send` returns when the call is done.
            pub type Client = super::Client<rt::Blocking>;

            #user
            #(#endpoints)*
        }
    }
}
