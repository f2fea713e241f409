//! Model: the schema as [`validate`](crate::validate::validate) hands it over once it has no
//! problem — every name resolved to its Rust forms, includes flattened, roles typed, and each
//! item's place in the YAML kept. The emitter and the maintainer tools read nothing else.

use std::fmt;

use proc_macro2::{Ident, Span};

pub use crate::schema::{
    ConstValue, ErrorShape, Format, JsonKind, Loc, Method, PageSays, RuleKind,
};

/// The resolved API.
#[derive(Clone, Debug)]
pub struct Model {
    /// Metadata.
    pub api: ApiModel,
    /// Parameters set once on the client, in first-use order.
    pub client_params: Vec<FieldModel>,
    /// Parameters that belong to one user, preset on a per-user handle, in first-use order.
    pub user_params: Vec<FieldModel>,
    /// Named types, in schema order.
    pub types: Vec<TypeModel>,
    /// Endpoints, in schema order.
    pub endpoints: Vec<EndpointModel>,
}

impl Model {
    /// The named type `name`.
    pub fn named(&self, name: &str) -> Option<&TypeModel> {
        self.types.iter().find(|t| t.name.wire() == name)
    }
}

/// API metadata.
#[derive(Clone, Debug)]
pub struct ApiModel {
    /// Human name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Default base URL, without a trailing slash.
    pub base_url: String,
    /// Docs link.
    pub docs: String,
    /// Error envelope.
    pub errors: ErrorShape,
    /// Where the `api` section is.
    pub loc: Loc,
}

/// A name of the schema and its Rust forms, made once: the wire name (as PersonaClick writes
/// it, or as the schema names a type, variant or endpoint), and the Rust identifier, kept
/// without `r#` ([`rust`](Name::rust), what messages and `Debug` show) and escaped where it is
/// a keyword ([`ident`](Name::ident), what code uses). `Display` shows the Rust form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    wire: String,
    rust: String,
}

impl Name {
    /// `wire` in Rust as `rust` (possibly written `r#type`: the prefix is dropped here and
    /// added back by [`ident`](Name::ident)).
    pub fn new(wire: impl Into<String>, rust: &str) -> Self {
        Name {
            wire: wire.into(),
            rust: rust.strip_prefix("r#").unwrap_or(rust).to_string(),
        }
    }

    /// A name that is the same on the wire and in Rust (types, union variants).
    pub fn same(name: impl Into<String>) -> Self {
        let name = name.into();
        Name {
            rust: name.clone(),
            wire: name,
        }
    }

    /// As on the wire, or as the schema writes it.
    pub fn wire(&self) -> &str {
        &self.wire
    }

    /// The Rust name, without `r#`.
    pub fn rust(&self) -> &str {
        &self.rust
    }

    /// The Rust identifier, raw (`r#type`) where the name is a keyword.
    pub fn ident(&self) -> Ident {
        if crate::names::is_keyword(&self.rust) {
            Ident::new_raw(&self.rust, Span::call_site())
        } else {
            Ident::new(&self.rust, Span::call_site())
        }
    }

    /// Whether the Rust name differs from the wire name.
    pub fn is_renamed(&self) -> bool {
        self.rust != self.wire
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rust)
    }
}

/// A resolved type expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// `serde_json::Value`
    Json,
    /// A string with `format: date`: a typed date.
    Date,
    /// A string with `format: date_time`: a typed date and time.
    DateTime,
    /// A string with `format: timestamp`: a typed instant.
    Timestamp,
    /// `Vec<T>`
    List(Box<Ty>),
    /// `BTreeMap<String, T>`
    Map(Box<Ty>),
    /// A generated type, by name.
    Named(String),
}

/// Where a parameter's value is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// On each call (and every object field and union variant).
    Call,
    /// Once, on the client builder (credentials).
    Client,
    /// On a per-user handle, or on each call.
    User,
}

/// How a list parameter is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// As JSON (or, in a query, as one value).
    Plain,
    /// As one comma-joined value (`type=bulk,chain`).
    Comma,
}

/// Whether a parameter's value is fixed by the schema (`const`).
#[derive(Clone, Debug, PartialEq)]
pub enum Fixed {
    /// The caller gives the value.
    Free,
    /// Always sent with this value; the caller sets nothing.
    Constant(ConstValue),
    /// A required constant: the caller must acknowledge it (a setter without argument), and
    /// the request then sends this value.
    Acknowledgement(ConstValue),
}

impl Fixed {
    /// The fixed value, if there is one.
    pub fn value(&self) -> Option<&ConstValue> {
        match self {
            Fixed::Free => None,
            Fixed::Constant(c) | Fixed::Acknowledgement(c) => Some(c),
        }
    }
}

/// Which messages use a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// None directly (a type only included by others).
    Unused,
    /// Requests only.
    Request,
    /// Responses only.
    Response,
    /// Both.
    Both,
}

impl Usage {
    /// Whether some request sends it.
    pub fn sent(self) -> bool {
        matches!(self, Usage::Request | Usage::Both)
    }

    /// Whether some response carries it.
    pub fn received(self) -> bool {
        matches!(self, Usage::Response | Usage::Both)
    }

    /// This usage, and also the one given.
    pub fn and(self, other: Usage) -> Usage {
        match (
            self.sent() || other.sent(),
            self.received() || other.received(),
        ) {
            (true, true) => Usage::Both,
            (true, false) => Usage::Request,
            (false, true) => Usage::Response,
            (false, false) => Usage::Unused,
        }
    }
}

/// A parameter, field or union variant.
#[derive(Clone, Debug)]
pub struct FieldModel {
    /// Wire name and Rust name (for union variants: the variant name, both).
    pub name: Name,
    /// Type.
    pub ty: Ty,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// Must be present.
    pub required: bool,
    /// Secret or personal data: redacted in Debug.
    pub sensitive: bool,
    /// The other JSON kind the published docs give the value, read even in strict mode.
    pub also: Option<JsonKind>,
    /// Other wire names.
    pub aliases: Vec<String>,
    /// Where its value is set.
    pub scope: Scope,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Longest string.
    pub max_length: Option<u64>,
    /// String format.
    pub format: Option<Format>,
    /// How a list is written.
    pub style: Style,
    /// A value fixed by the schema.
    pub fixed: Fixed,
    /// Where it is written.
    pub loc: Loc,
    /// The parameter set or object type it was included from (the innermost one); `None` for
    /// the owner's own fields.
    pub origin: Option<String>,
    /// What the published page says where we depart from it (`drift` reads it).
    pub page: PageSays,
}

impl FieldModel {
    /// Whether a value is checked before sending.
    pub fn has_rules(&self) -> bool {
        self.required || self.min.is_some() || self.max.is_some() || self.max_length.is_some()
    }

    /// The caller sets it (a free value or an acknowledgement; a plain constant is not set).
    pub fn is_settable(&self) -> bool {
        !matches!(self.fixed, Fixed::Constant(_))
    }
}

/// Free-form entries.
#[derive(Clone, Debug)]
pub struct AdditionalModel {
    /// The map's name (Rust field, and the label shown).
    pub name: Name,
    /// The one-entry setter's name.
    pub item_name: Option<Name>,
    /// Value type.
    pub ty: Ty,
    /// Documentation.
    pub description: String,
    /// Where it is written.
    pub loc: Loc,
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeModel {
    /// Its name (the same in the schema and in Rust).
    pub name: Name,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// The shape.
    pub kind: KindModel,
    /// Which messages use it.
    pub usage: Usage,
    /// Where it is written.
    pub loc: Loc,
    /// What the published page says where we depart from it.
    pub page: PageSays,
}

/// The shape of a named type.
// Made once per generation and read in place: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum KindModel {
    /// An object.
    Object {
        /// Fields, includes flattened.
        fields: Vec<FieldModel>,
        /// Unknown fields' map.
        additional: Option<AdditionalModel>,
    },
    /// A string enum.
    Enum {
        /// Values.
        values: Vec<ValueModel>,
    },
    /// A union.
    Union {
        /// Variants.
        variants: Vec<FieldModel>,
    },
}

/// An enum value.
#[derive(Clone, Debug)]
pub struct ValueModel {
    /// The wire value, and the Rust variant.
    pub name: Name,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// Where it is written.
    pub loc: Loc,
}

/// A requirement rule.
#[derive(Clone, Debug)]
pub struct RuleModel {
    /// All or any.
    pub kind: RuleKind,
    /// Wire names.
    pub names: Vec<String>,
    /// Applies when one of these is set.
    pub when: Vec<String>,
    /// Why.
    pub description: String,
}

/// An endpoint.
#[derive(Clone, Debug)]
pub struct EndpointModel {
    /// The id as the schema writes it, and the client method's Rust name.
    pub name: Name,
    /// The request builder's type name.
    pub builder: String,
    /// One line.
    pub summary: String,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path.
    pub path: String,
    /// Safe to retry.
    pub idempotent: bool,
    /// All parameters, client ones included.
    pub params: Vec<FieldModel>,
    /// The parameter sets and object types it includes, as written (its params hold theirs).
    pub includes: Vec<String>,
    /// Free-form parameters.
    pub additional: Option<AdditionalModel>,
    /// Rules, those of included sets first.
    pub requirements: Vec<RuleModel>,
    /// Response type.
    pub response: Ty,
    /// What the response holds.
    pub response_description: String,
    /// Documented statuses.
    pub statuses: Vec<(u16, String)>,
    /// How results are paged, if they are.
    pub paging: Option<PagingModel>,
    /// Where it is written.
    pub loc: Loc,
    /// What the published page says where we depart from it.
    pub page: PageSays,
}

impl EndpointModel {
    /// The parameter whose wire name is `wire`.
    pub fn param(&self, wire: &str) -> Option<&FieldModel> {
        self.params.iter().find(|p| p.name.wire() == wire)
    }
}

/// Paging of an endpoint's results.
#[derive(Clone, Debug)]
pub struct PagingModel {
    /// The page parameter.
    pub page: Name,
    /// The limit parameter.
    pub limit: Name,
    /// The page size used when the caller sets none: the limit's documented maximum.
    pub page_size: i64,
    /// The fields leading to the items in the response.
    pub items: Vec<Name>,
    /// The type of one item.
    pub item: Ty,
    /// Where it is written.
    pub loc: Loc,
}

impl PagingModel {
    /// The items' path as the schema writes it: wire names joined by `.`.
    pub fn items_path(&self) -> String {
        let wire: Vec<&str> = self.items.iter().map(Name::wire).collect();
        wire.join(".")
    }
}

/// The prose helpers every output shares.
pub mod text {
    use super::Method;

    /// `GET`, `POST` or `DELETE`.
    pub fn verb(m: Method) -> &'static str {
        match m {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    /// Text split into paragraphs: YAML keeps a blank line of a folded scalar as one newline.
    pub fn paragraphs(text: &str) -> Vec<&str> {
        text.split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The paragraphs separated by blank lines, as rustdoc and Markdown want them.
    /// Idempotent: text that has paragraphs already keeps them.
    pub fn blank_lines(text: &str) -> String {
        paragraphs(text).join("\n\n")
    }
}
