//! Emit: the model → Rust tokens. The code is thin: it declares types, setters and checks, and
//! calls the client runtime (`rt`, the crate's `__private` module) for everything that behaves.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::*;

mod blocking;
mod client;
mod endpoint;
mod paging;
mod types;
mod user;

pub(crate) use client::{client_builder_methods, CLIENT_METHODS};

/// The whole generated module.
pub fn module(model: &Model) -> TokenStream {
    let mut module = quote! {
        use ::personaclick::__private as rt;
        use ::std::fmt;
        use rt::DebugFields as _;
    };
    // Extended with owned streams: interpolating them in `quote!` would copy every token.
    module.extend(client::client(model));
    module.extend(model.types.iter().map(types::type_def));
    module.extend(model.endpoints.iter().map(endpoint::endpoint));
    module.extend(user::user_handle(model));
    module.extend(blocking::blocking(model));
    module
}

/// An identifier the generator makes itself (a type or builder name), never a keyword.
pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Rustdoc attributes: the description, then the reviewer's note, one paragraph each.
pub(super) fn docs(description: &str, note: Option<&str>) -> TokenStream {
    let mut text = text::blank_lines(description);
    if let Some(note) = note {
        text.push_str("\n\n**Note on PersonaClick's docs:** ");
        text.push_str(&text::blank_lines(note));
    }
    doc_lines(&text)
}

pub(super) fn doc_lines(text: &str) -> TokenStream {
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

pub(super) fn deprecated(reason: Option<&str>) -> TokenStream {
    match reason {
        Some(r) => quote!(#[deprecated(note = #r)]),
        None => quote!(),
    }
}

/// The Rust type of a value.
pub(super) fn rust_ty(ty: &Ty) -> TokenStream {
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
pub(super) fn stored_ty(f: &FieldModel) -> TokenStream {
    if f.scope == Scope::Client && f.sensitive {
        quote!(rt::Secret)
    } else {
        rust_ty(&f.ty)
    }
}

/// A constant as a Rust literal.
pub(super) fn const_value(c: &ConstValue) -> TokenStream {
    match c {
        ConstValue::Bool(b) => quote!(#b),
        ConstValue::Integer(i) => quote!(#i),
        ConstValue::String(s) => quote!(#s),
    }
}

/// `rt::Rule { .. }` for a field's checks.
pub(super) fn rule(f: &FieldModel) -> TokenStream {
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

/// Debug entries for the set fields, with sensitive values redacted: one `rt::DebugFields`
/// call per field on `d`, a `fmt::DebugStruct`.
pub(super) fn debug_fields(
    fields: &[FieldModel],
    access: impl Fn(&FieldModel) -> TokenStream,
) -> TokenStream {
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

/// `base`, or `base` with `_` appended until it is none of `taken`: a name the generated code
/// keeps for itself, which no schema name can clash with.
pub(super) fn unique(base: &str, taken: &[&str]) -> Ident {
    let mut name = base.to_string();
    while taken.contains(&name.as_str()) {
        name.push('_');
    }
    ident(&name)
}

/// `pub fn name(mut self, value: ..) -> Self`, storing into the field of the same name (no
/// argument for an acknowledgement): the request builders and the per-user handle alike.
pub(super) fn setter(p: &FieldModel) -> TokenStream {
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

/// A setter's argument type and how it becomes the stored value.
pub(super) fn setter_arg(ty: &Ty) -> (TokenStream, TokenStream) {
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
