//! The per-user handle: the user parameters set once, and every endpoint with them preset.

use proc_macro2::TokenStream;
use quote::quote;

use super::endpoint::members;
use super::*;

pub(super) fn user_handle(model: &Model) -> TokenStream {
    if model.user_params.is_empty() {
        return quote!();
    }
    let names: Vec<String> = model
        .user_params
        .iter()
        .map(|p| format!("`{}`", p.name.wire()))
        .collect();
    let about = doc_lines(&format!(
        "A handle for one user (a device, a session): {} are set once on it and preset on each of its calls.\n\nOne [`Client`] serves many users; a `User` is a cheap, cloneable view of it. `M` is the mode of the calls it makes, as on the request builders.",
        names.join(", ")
    ));
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

        #about
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
