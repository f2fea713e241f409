//! The blocking module: the client and builders in the blocking mode, by their short names.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

pub(super) fn blocking(model: &Model) -> TokenStream {
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
