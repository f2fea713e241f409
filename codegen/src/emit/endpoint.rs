//! An endpoint: a method on `Client`, its request builder, and `send`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::paging::{paging, Paging};
use super::*;

/// What a request builder keeps for itself beside its setters: its client field and its
/// private methods, named apart from every parameter.
pub(super) struct Members {
    pub(super) client: Ident,
    pub(super) new: Ident,
    pub(super) future: Ident,
    pub(super) page_stream: Ident,
    pub(super) item_stream: Ident,
}

pub(super) fn members(e: &EndpointModel) -> Members {
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

/// Everything of one endpoint, item by item.
pub(super) fn endpoint(e: &EndpointModel) -> TokenStream {
    let members = members(e);
    let paging = paging(e);
    let mut out = client_method(e, &members);
    out.extend(builder_struct(e, &members));
    out.extend(builder_debug(e));
    out.extend(builder_impl(e, &members, paging.as_ref()));
    out.extend(async_send(e, &members, paging.as_ref()));
    out.extend(blocking_send(e, &members, paging.as_ref()));
    out
}

/// The parameters the caller sets on the builder: its own (not the client's), free values and
/// acknowledgements.
fn settable(e: &EndpointModel) -> impl Iterator<Item = &FieldModel> {
    e.params
        .iter()
        .filter(|p| p.scope != Scope::Client && p.is_settable())
}

/// The client method's documentation: the summary, the description, the request line, the
/// documented statuses, and whether it is retried.
fn method_doc(e: &EndpointModel) -> TokenStream {
    let mut doc = format!(
        "{}\n\n{}\n\n`{} {}`",
        e.summary,
        text::blank_lines(&e.description),
        text::verb(e.method),
        e.path
    );
    doc.push_str("\n\nDocumented responses:");
    for (code, what) in &e.statuses {
        doc.push_str(&format!("\n- {code}: {what}"));
    }
    if !e.idempotent {
        doc.push_str("\n\nNot idempotent: never retried once it may have reached the server.");
    }
    docs(&doc, e.note.as_deref())
}

/// `client.get_profile()`: the builder, on the client.
fn client_method(e: &EndpointModel, m: &Members) -> TokenStream {
    let (method, builder, new) = (e.name.ident(), ident(&e.builder), &m.new);
    let doc = method_doc(e);
    let dep = deprecated(e.deprecated.as_deref());
    quote! {
        impl<M: Clone> Client<M> {
            #doc
            #dep
            pub fn #method(&self) -> #builder<M> {
                // `Clone::clone`: an endpoint may be named `clone`, a method of this same type.
                #builder::#new(Clone::clone(self))
            }
        }
    }
}

fn builder_struct(e: &EndpointModel, m: &Members) -> TokenStream {
    let (builder, client) = (ident(&e.builder), &m.client);
    let doc = doc_lines(&format!(
        "A [`Client::{}`] call being built: set its parameters, then [`send`](Self::send) it.\n\n`M` is how it is sent: [`Async`](::personaclick::Async) (the default), `send` returns a future; `Blocking` (feature `blocking`), `send` waits for the answer.",
        e.name.rust()
    ));
    let fields = settable(e).map(|p| {
        let n = p.name.ident();
        match p.fixed {
            Fixed::Acknowledgement(_) => quote!(#n: bool,),
            _ => {
                let ty = rust_ty(&p.ty);
                quote!(#n: Option<#ty>,)
            }
        }
    });
    let additional = e.additional.as_ref().map(|a| {
        let (n, ty) = (a.name.ident(), rust_ty(&a.ty));
        quote!(#n: ::std::collections::BTreeMap<String, #ty>,)
    });
    quote! {
        #doc
        #[derive(Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<M = rt::Async> {
            #client: Client<M>,
            #(#fields)*
            #additional
        }
    }
}

/// `Debug`: the parameters that are set, sensitive values redacted, free-form entries by key.
fn builder_debug(e: &EndpointModel) -> TokenStream {
    let (builder, label) = (ident(&e.builder), &e.builder);
    let settable: Vec<FieldModel> = settable(e).cloned().collect();
    let fields = debug_fields(&settable, |f| {
        let n = f.name.ident();
        quote!(self.#n)
    });
    let additional = e.additional.as_ref().map(|a| {
        let (n, label) = (a.name.ident(), a.name.rust());
        quote!(if !self.#n.is_empty() { d.field(#label, &rt::Keys(&self.#n)); })
    });
    quote! {
        impl<M> fmt::Debug for #builder<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct(#label);
                #fields
                #additional
                d.finish()
            }
        }
    }
}

/// What the builder does in any mode: its endpoint, its constructor, its setters, and the
/// call it writes (with the page streams of a paged endpoint).
fn builder_impl(e: &EndpointModel, m: &Members, paging: Option<&Paging>) -> TokenStream {
    let (builder, client, new) = (ident(&e.builder), &m.client, &m.new);
    let (id, path, idempotent) = (e.name.wire(), &e.path, e.idempotent);
    let method = match e.method {
        Method::Get => quote!(rt::Method::Get),
        Method::Post => quote!(rt::Method::Post),
        Method::Delete => quote!(rt::Method::Delete),
    };
    let inits = settable(e).map(|p| {
        let n = p.name.ident();
        match p.fixed {
            Fixed::Acknowledgement(_) => quote!(#n: false,),
            _ => quote!(#n: None,),
        }
    });
    let additional_init = e.additional.as_ref().map(|a| {
        let n = a.name.ident();
        quote!(#n: ::std::collections::BTreeMap::new(),)
    });
    let setters = settable(e).map(setter);
    let additional_setters = e.additional.as_ref().map(additional_setters);
    let future = future_fn(e, m);
    let streams = paging.map(|p| &p.streams);
    quote! {
        impl<M> #builder<M> {
            const ENDPOINT: rt::Endpoint = rt::Endpoint {
                id: #id,
                method: #method,
                path: #path,
                idempotent: #idempotent,
            };

            fn #new(#client: Client<M>) -> Self {
                Self {
                    #client,
                    #(#inits)*
                    #additional_init
                }
            }

            #(#setters)*
            #additional_setters
            #future
            #streams
        }
    }
}

/// The setters of free-form entries: one at a time, and many.
fn additional_setters(a: &AdditionalModel) -> TokenStream {
    let (n, ty) = (a.name.ident(), rust_ty(&a.ty));
    let one = a
        .item_name
        .as_ref()
        .map_or_else(|| ident("additional"), Name::ident);
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
}

/// The call, checked and written in the schema's order, as a future.
fn future_fn(e: &EndpointModel, m: &Members) -> TokenStream {
    let (client, future) = (&m.client, &m.future);
    let response = rust_ty(&e.response);
    let params_binding = e
        .params
        .iter()
        .any(|p| p.scope == Scope::Client)
        .then(|| quote!(let params = self.#client.core.params();));
    let params = e.params.iter().map(write_param);
    let rules = e.requirements.iter().map(|r| rule_call(e, r));
    let additional = e.additional.as_ref().map(|a| {
        let (n, label) = (a.name.ident(), a.name.rust());
        let reserved = e.params.iter().flat_map(|p| {
            std::iter::once(p.name.wire()).chain(p.aliases.iter().map(String::as_str))
        });
        quote!(call.additional(#label, &self.#n, &[#(#reserved),*]);)
    });
    quote! {
        /// The call, checked and written, as a future (whatever the mode).
        fn #future(
            self,
        ) -> impl ::std::future::Future<Output = Result<#response, ::personaclick::Error>> + Send + 'static
        {
            #params_binding
            let mut call = rt::Call::new(&Self::ENDPOINT);
            #(#params)*
            #(#rules)*
            #additional
            // The builder is not kept in the future: only the client and the written call.
            self.#client.core.execute(call)
        }
    }
}

/// Where a parameter's value is: on the client's parameters or on the builder.
fn param_access(p: &FieldModel) -> TokenStream {
    let n = p.name.ident();
    match p.scope {
        Scope::Client => quote!(params.#n),
        _ => quote!(self.#n),
    }
}

/// One parameter, checked against its rule and written (under its aliases too).
fn write_param(p: &FieldModel) -> TokenStream {
    let (wire, value) = (p.name.wire(), param_access(p));
    let write = match &p.fixed {
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
    let aliases = p
        .aliases
        .iter()
        .map(|alias| quote!(call.alias(#alias, &#value);));
    quote!(#write #(#aliases)*)
}

/// A requirement rule, over whether each parameter it names is set.
fn rule_call(e: &EndpointModel, r: &RuleModel) -> TokenStream {
    let is_set = |wire: &String| match e.param(wire) {
        Some(p) if matches!(p.fixed, Fixed::Acknowledgement(_)) => {
            let n = p.name.ident();
            quote!((#wire, self.#n))
        }
        Some(p) => {
            let value = param_access(p);
            quote!((#wire, #value.is_some()))
        }
        None => quote!((#wire, false)),
    };
    let kind = match r.kind {
        RuleKind::AllOf => quote!(rt::RuleKind::AllOf),
        RuleKind::AnyOf => quote!(rt::RuleKind::AnyOf),
    };
    let names = r.names.iter().map(is_set);
    let when = r.when.iter().map(is_set);
    let why = text::paragraphs(&r.description).join(" ");
    quote!(call.rule(#kind, &[#(#names),*], &[#(#when),*], #why);)
}

/// The async builder's `send` (and `pages`, `items`).
fn async_send(e: &EndpointModel, m: &Members, paging: Option<&Paging>) -> TokenStream {
    let (builder, future) = (ident(&e.builder), &m.future);
    let response = rust_ty(&e.response);
    let doc = doc_lines(&format!(
        "Checks the parameters and sends the request: `{} {}`.\n\nThe parameters are checked and written when `send` is called; the future it returns owns them (it is `Send` and `'static`: it can be spawned) and sends the request when awaited.\n\n# Errors\n\n[`Error::InvalidRequest`](::personaclick::Error::InvalidRequest) naming every missing or invalid parameter, before anything is sent; otherwise what the call returned: see [`Error`](::personaclick::Error).",
        text::verb(e.method),
        e.path
    ));
    let methods = paging.map(|p| &p.methods);
    quote! {
        impl #builder {
            #doc
            pub fn send(
                self,
            ) -> impl ::std::future::Future<Output = Result<#response, ::personaclick::Error>> + Send + 'static
            {
                self.#future()
            }

            #methods
        }
    }
}

/// The blocking builder's `send` (and `pages`, `items`).
fn blocking_send(e: &EndpointModel, m: &Members, paging: Option<&Paging>) -> TokenStream {
    let (builder, client, future) = (ident(&e.builder), &m.client, &m.future);
    let response = rust_ty(&e.response);
    let methods = paging.map(|p| &p.blocking);
    quote! {
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

            #methods
        }
    }
}
