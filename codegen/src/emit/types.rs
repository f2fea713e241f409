//! The named types: objects, string enums and unions.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

pub(super) fn type_def(t: &TypeModel) -> TokenStream {
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

/// An object type, item by item.
fn object(
    t: &TypeModel,
    fields: &[FieldModel],
    additional: Option<&AdditionalModel>,
) -> TokenStream {
    let object = Object {
        t,
        fields,
        additional,
        // Impls that name the deprecated type, or deprecated fields, allow it.
        allow: (t.deprecated.is_some() || fields.iter().any(|f| f.deprecated.is_some()))
            .then(|| quote!(#[allow(deprecated)])),
        type_allow: t.deprecated.is_some().then(|| quote!(#[allow(deprecated)])),
    };
    let mut out = object.definition();
    out.extend(object.decoder());
    out.extend(object.debug());
    out.extend(object.report());
    if t.usage.sent() {
        out.extend(object.setters());
        out.extend(object.check());
    }
    out
}

/// An object type and the `allow(deprecated)` its impls need.
struct Object<'m> {
    t: &'m TypeModel,
    fields: &'m [FieldModel],
    additional: Option<&'m AdditionalModel>,
    allow: Option<TokenStream>,
    type_allow: Option<TokenStream>,
}

impl Object<'_> {
    /// The struct. Every object serializes with serde's derive and decodes with
    /// `rt::decode_object`, so values can be stored and read back; requests use the first,
    /// responses the second.
    fn definition(&self) -> TokenStream {
        let t = self.t;
        let name = t.name.ident();
        let doc = docs(&t.description, t.note.as_deref());
        let dep = deprecated(t.deprecated.as_deref());
        let fields = self.fields.iter().map(|f| {
            let (fname, ty, wire) = (f.name.ident(), rust_ty(&f.ty), f.name.wire());
            let doc = docs(&f.description, f.note.as_deref());
            let dep = deprecated(f.deprecated.as_deref());
            // serde writes a field under its name (without `r#`) unless renamed.
            let serde = if f.name.is_renamed() {
                quote!(#[serde(rename = #wire, skip_serializing_if = "Option::is_none")])
            } else {
                quote!(#[serde(skip_serializing_if = "Option::is_none")])
            };
            quote! {
                #doc
                #dep
                #serde
                pub #fname: Option<#ty>,
            }
        });
        let additional = self.additional.map(|a| {
            let (fname, ty) = (a.name.ident(), rust_ty(&a.ty));
            let doc = docs(&a.description, None);
            quote! {
                #doc
                #[serde(flatten)]
                pub #fname: ::std::collections::BTreeMap<String, #ty>,
            }
        });
        quote! {
            #doc
            #dep
            #[derive(Clone, Default, PartialEq)]
            #[derive(rt::serde::Serialize)]
            #[serde(crate = "::personaclick::__private::serde")]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
                #additional
                #[serde(skip)]
                unread: rt::Unread,
            }
        }
    }

    fn decoder(&self) -> TokenStream {
        deserialize_object(
            self.t,
            self.fields,
            self.additional,
            &self.allow,
            &self.type_allow,
        )
    }

    /// `Debug`: the fields that are set, sensitive ones redacted, free-form entries by key,
    /// and what could not be read.
    fn debug(&self) -> TokenStream {
        let (name, label, allow) = (self.t.name.ident(), self.t.name.rust(), &self.allow);
        let fields = debug_fields(self.fields, |f| {
            let n = f.name.ident();
            quote!(self.#n)
        });
        let additional = self.additional.map(|a| {
            let (n, label) = (a.name.ident(), a.name.rust());
            quote!(d.keys(#label, &self.#n);)
        });
        quote! {
            #allow
            impl fmt::Debug for #name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    let mut d = f.debug_struct(#label);
                    #fields
                    #additional
                    d.unread(&self.unread);
                    d.finish()
                }
            }
        }
    }

    /// `unread()`: what a response held that the object could not read.
    fn report(&self) -> TokenStream {
        let (name, type_allow) = (self.t.name.ident(), &self.type_allow);
        quote! {
            #type_allow
            impl #name {
                /// The values of a response this object could not read as the schema documents
                /// them, at any depth below it, each kept as it came (its field is `None`): empty
                /// when everything was read.
                pub fn unread(&self) -> &rt::Unread {
                    &self.unread
                }
            }
        }
    }

    /// `new()` and a setter per field, for objects that requests send.
    fn setters(&self) -> TokenStream {
        let (name, allow) = (self.t.name.ident(), &self.allow);
        let new_doc = format!(
            " An empty [`{}`]; add values with the setters.",
            self.t.name
        );
        let setters = self.fields.iter().map(|f| {
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
        quote! {
            #allow
            impl #name {
                #[doc = #new_doc]
                pub fn new() -> Self {
                    Default::default()
                }

                #(#setters)*
            }
        }
    }

    /// The checks before sending: each field's rule, and the free-form entries'.
    fn check(&self) -> TokenStream {
        let (name, allow) = (self.t.name.ident(), &self.allow);
        let mut checks: Vec<TokenStream> = self
            .fields
            .iter()
            .map(|f| {
                let (fname, wire, rule) = (f.name.ident(), f.name.wire(), rule(f));
                quote!(rt::check(check, &at.field(#wire), &self.#fname, &#rule);)
            })
            .collect();
        checks.extend(self.additional.map(|a| {
            let (n, label) = (a.name.ident(), a.name.rust());
            quote!(rt::Checkable::check_value(&self.#n, &at.field(#label), &rt::Rule::NONE, check);)
        }));
        let body = if checks.is_empty() {
            quote!(
                fn check_value(&self, _: &rt::Path<'_>, _: &rt::Rule, _: &mut rt::Check) {}
            )
        } else {
            quote! {
                fn check_value(&self, at: &rt::Path<'_>, _: &rt::Rule, check: &mut rt::Check) {
                    #(#checks)*
                }
            }
        };
        quote! {
            #allow
            impl rt::Checkable for #name {
                #body
            }
        }
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

/// A string enum, item by item. Only enums PersonaClick sends (in responses) keep values this
/// crate does not know, as `Unknown`.
fn enumeration(t: &TypeModel, values: &[ValueModel]) -> TokenStream {
    let open = t.usage.received();
    let type_allow = t.deprecated.is_some().then(|| quote!(#[allow(deprecated)]));
    let mut out = enum_definition(t, values, open);
    out.extend(enum_values(t, values, open));
    out.extend(enum_traits(t, open, &type_allow));
    if t.usage.sent() {
        let name = t.name.ident();
        out.extend(quote!(#type_allow impl rt::Checkable for #name {}));
    }
    out
}

fn enum_definition(t: &TypeModel, values: &[ValueModel], open: bool) -> TokenStream {
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
    let unknown = open.then(|| {
        quote! {
            /// A value this version of the crate does not know; [`as_str`](Self::as_str) gives it.
            Unknown(rt::UnknownValue),
        }
    });
    quote! {
        #doc
        #dep
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown
        }
    }
}

/// `as_str` and `known`: the values as PersonaClick writes them, both ways.
fn enum_values(t: &TypeModel, values: &[ValueModel], open: bool) -> TokenStream {
    let name = t.name.ident();
    let as_str = values.iter().map(|v| {
        let (var, wire) = (v.name.ident(), v.name.wire());
        quote!(Self::#var => #wire,)
    });
    let unknown = open.then(|| quote!(Self::Unknown(v) => v.as_str(),));
    let known = values.iter().map(|v| {
        let (var, wire) = (v.name.ident(), v.name.wire());
        quote!(#wire => Some(Self::#var),)
    });
    let allow = (t.deprecated.is_some() || values.iter().any(|v| v.deprecated.is_some()))
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        impl #name {
            /// The value as PersonaClick writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #unknown
                }
            }

            /// The known value written as `s`, if any.
            pub fn known(s: &str) -> Option<Self> {
                match s {
                    #(#known)*
                    _ => None,
                }
            }
        }
    }
}

/// Shown, written and read as its string.
fn enum_traits(t: &TypeModel, open: bool, type_allow: &Option<TokenStream>) -> TokenStream {
    let (name, type_name) = (t.name.ident(), t.name.rust());
    let unknown = if open {
        quote!(Some(Self::Unknown))
    } else {
        quote!(None)
    };
    quote! {
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
                rt::deserialize_enum(d, #type_name, Self::known, #unknown)
            }
        }

        #type_allow
        impl rt::Read for #name {
            const EXPECTED: rt::Expected = rt::Expected::Named(#type_name);

            fn read<'de, D: rt::serde::Deserializer<'de>>(d: D, place: rt::Place<'_, '_>) -> Result<rt::Got<Self>, D::Error> {
                rt::read_enum(d, place, Self::known, #unknown)
            }
        }
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
