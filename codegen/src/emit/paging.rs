//! Paging: a stream of pages and one of items, for endpoints whose results come in pages.

use proc_macro2::TokenStream;
use quote::quote;

use super::endpoint::{members, Members};
use super::*;

/// `r.a.as_ref().and_then(|v| v.b.as_ref()).map_or(0, Vec::len)` and
/// `r.a.and_then(|v| v.b).unwrap_or_default()` for the items path `a.b`.
fn items_access(path: &[Name]) -> (TokenStream, TokenStream) {
    let Some((first, rest)) = path.split_first() else {
        // The validator requires a path to a list inside the response.
        return (quote!(0), quote!(Vec::new()));
    };
    let first = first.ident();
    let mut count = quote!(r.#first.as_ref());
    let mut take = quote!(r.#first);
    for step in rest {
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
pub(super) struct Paging {
    pub(super) streams: TokenStream,
    pub(super) methods: TokenStream,
    pub(super) blocking: TokenStream,
}

pub(super) fn paging(e: &EndpointModel) -> Option<Paging> {
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
