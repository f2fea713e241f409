//! The schema as written: what `load` reads from the YAML files, before names are resolved.
//! Every item keeps its location so later stages can point at it.

use crate::yaml::Pos;

/// Where an item was written: file, position and YAML path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    /// The file, as named to the generator.
    pub file: String,
    /// Line and column of the value.
    pub pos: Option<Pos>,
    /// The YAML path, such as `endpoints.get_profile.params.email`.
    pub path: String,
}

impl Loc {
    /// `file:line`, for messages that point at another place.
    pub fn file_line(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}", self.file, p.line),
            None => self.file.clone(),
        }
    }

    /// The location of a child, one step deeper in the YAML path.
    pub fn child(&self, key: &str, pos: Pos) -> Loc {
        Loc {
            file: self.file.clone(),
            pos: Some(pos),
            path: if self.path.is_empty() {
                key.to_string()
            } else {
                format!("{}.{}", self.path, key)
            },
        }
    }
}

/// A name written in the schema, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as written.
    pub text: String,
    /// Where it was written.
    pub loc: Loc,
}

/// All files of a schema, merged.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// API metadata (exactly one file defines it).
    pub api: Option<Api>,
    /// Named parameter groups.
    pub parameter_sets: Vec<ParamSet>,
    /// Named types.
    pub types: Vec<TypeDef>,
    /// The operations.
    pub endpoints: Vec<Endpoint>,
    /// Some file could not be parsed, so what seems missing may be in it.
    pub unreadable_files: bool,
}

/// API metadata.
#[derive(Clone, Debug)]
pub struct Api {
    /// Human name of the API.
    pub name: String,
    /// What the API is for.
    pub description: String,
    /// Default base URL.
    pub base_url: String,
    /// Link to the published documentation.
    pub docs: String,
    /// How error responses look.
    pub errors: ErrorShape,
    /// Where `api` was written.
    pub loc: Loc,
}

/// How the API signals an error in a response body.
#[derive(Clone, Debug)]
pub struct ErrorShape {
    /// The top-level field holding the status.
    pub status_field: String,
    /// The status value that means an error.
    pub error_value: String,
    /// Dotted paths to the error message, tried in order.
    pub message_fields: Vec<String>,
}

/// A type expression: `string`, `list<Kid>`, `map<json>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `json`
    Json,
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `map<T>`
    Map(Box<TypeExpr>),
    /// A type defined under `types`.
    Named(Name),
}

/// A fixed value (`const`).
#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    /// `true` or `false`
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A string.
    String(String),
}

/// A string format checked before sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `YYYY-MM-DD`
    Date,
    /// `YYYY-MM-DD hh:mm:ss`
    DateTime,
    /// `YYYY-MM-DDThh:mm:ss.sssZ`
    Timestamp,
}

impl Format {
    /// Every format with its schema name.
    pub const ALL: [(&'static str, Format); 3] = [
        ("date", Format::Date),
        ("date_time", Format::DateTime),
        ("timestamp", Format::Timestamp),
    ];
}

/// A JSON kind of value, as `also` names one: the other type the published docs give a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
}

impl JsonKind {
    /// Every kind with its schema name.
    pub const ALL: [(&'static str, JsonKind); 3] = [
        ("string", JsonKind::String),
        ("number", JsonKind::Number),
        ("boolean", JsonKind::Boolean),
    ];

    /// Its schema name.
    pub fn name(self) -> &'static str {
        match self {
            JsonKind::String => "string",
            JsonKind::Number => "number",
            JsonKind::Boolean => "boolean",
        }
    }
}

/// What a published page says where the schema departs from it on purpose, in a decision the
/// item's `note` explains (the `page` key). `drift` calls a difference explained when the page
/// says exactly what is recorded here. Each list holds the words of one page or more.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSays {
    /// How the page marks its requirement: `required`, `optional`, `one of`, `unless NAME`,
    /// `unstated`.
    pub requirement: Vec<String>,
    /// The page's type words (`number`, `number/string`, `Object array`, `String`).
    pub type_words: Vec<String>,
    /// The page does not document the item (it is documented elsewhere, or we add it).
    pub absent: bool,
    /// The values the page lists, where ours differ (an enum): one list, or several where the
    /// page lists different ones in different places.
    pub values: Vec<Vec<String>>,
    /// The status codes the page lists, where ours differ (an endpoint).
    pub statuses: Option<Vec<u16>>,
}

impl PageSays {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        *self == PageSays::default()
    }
}

/// A parameter, an object field or a union variant.
#[derive(Clone, Debug)]
pub struct Field {
    /// The wire name (or, for union variants, the Rust variant name).
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// Documentation.
    pub description: String,
    /// Must be present.
    pub required: bool,
    /// Rust identifier, when the wire name is not a good one.
    pub rust_name: Option<Name>,
    /// Secret or personal data.
    pub sensitive: bool,
    /// The other JSON kind the published docs give the value ("number/string"): responses
    /// carrying it are read as documented, strict mode too.
    pub also: Option<JsonKind>,
    /// What the published page says where we depart from it.
    pub page: PageSays,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// Reviewer's remark about the docs.
    pub note: Option<String>,
    /// Other wire names.
    pub aliases: Vec<String>,
    /// Set once on the client.
    pub client_scope: bool,
    /// Belongs to one user (device, session): preset on a per-user handle.
    pub user_scope: bool,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Longest string, in characters.
    pub max_length: Option<u64>,
    /// String format.
    pub format: Option<Format>,
    /// Send a list as one comma-joined value.
    pub comma: bool,
    /// Fixed value.
    pub constant: Option<ConstValue>,
    /// Replaces an included field of the same name.
    pub replaces: bool,
}

/// Free-form entries beside the named fields (custom properties, unknown response fields).
#[derive(Clone, Debug)]
pub struct Additional {
    /// Rust name of the map.
    pub name: Name,
    /// Rust name of the setter for one entry (request builders).
    pub item_name: Option<Name>,
    /// Type of each value.
    pub ty: TypeExpr,
    /// Documentation.
    pub description: String,
    /// Where it was written.
    pub loc: Loc,
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: Name,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// Object, enum or union.
    pub kind: TypeKind,
    /// What the published page says where we depart from it.
    pub page: PageSays,
}

/// The three kinds of named type.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object with named fields.
    Object {
        /// Other objects whose fields this one has too.
        include: Vec<Name>,
        /// Its own fields.
        fields: Vec<Field>,
        /// Where fields it does not name go.
        additional: Option<Box<Additional>>,
    },
    /// A string enum.
    Enum {
        /// The values.
        values: Vec<EnumValue>,
    },
    /// One of several types.
    Union {
        /// The variants, tried in order.
        variants: Vec<Field>,
    },
}

/// One value of a string enum.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The wire value.
    pub name: Name,
    /// Rust variant name, when the wire value is not a good one.
    pub rust_name: Option<Name>,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
}

/// A named group of parameters.
#[derive(Clone, Debug)]
pub struct ParamSet {
    /// Its name.
    pub name: Name,
    /// Documentation.
    pub description: String,
    /// Other sets (or object types) it includes.
    pub include: Vec<Name>,
    /// Its own parameters.
    pub params: Vec<Field>,
    /// Rules over several parameters.
    pub requirements: Vec<Requirement>,
}

/// How many of a rule's parameters must be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Every one.
    AllOf,
    /// At least one.
    AnyOf,
}

/// A rule over several parameters.
#[derive(Clone, Debug)]
pub struct Requirement {
    /// All or any.
    pub kind: RuleKind,
    /// The parameters the rule is about.
    pub names: Vec<Name>,
    /// The rule applies only when one of these is set (empty: always).
    pub when: Vec<Name>,
    /// Why; used in error messages.
    pub description: String,
    /// Where it was written.
    pub loc: Loc,
}

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Parameters in the query string.
    Get,
    /// Parameters as a JSON body.
    Post,
    /// Parameters as a JSON body, as for `Post`.
    Delete,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The id, which is the client method's name.
    pub name: Name,
    /// One line.
    pub summary: String,
    /// Documentation.
    pub description: String,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
    /// Safe to retry.
    pub idempotent: bool,
    /// Parameter sets and object types whose fields are parameters.
    pub include: Vec<Name>,
    /// Own parameters.
    pub params: Vec<Field>,
    /// Free-form parameters.
    pub additional: Option<Additional>,
    /// Rules over several parameters.
    pub requirements: Vec<Requirement>,
    /// The response body's type.
    pub response: TypeExpr,
    /// What the response holds.
    pub response_description: String,
    /// Documented status codes.
    pub statuses: Vec<(u16, String)>,
    /// How the results are split into pages, if they are.
    pub paging: Option<Paging>,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// What the published page says where we depart from it.
    pub page: PageSays,
}

/// How an endpoint pages its results.
#[derive(Clone, Debug)]
pub struct Paging {
    /// The parameter holding the page number (the first page is 1).
    pub page: Name,
    /// The parameter holding the page size.
    pub limit: Name,
    /// Dotted path, in the response, to the list of items.
    pub items: Name,
    /// Where it was written.
    pub loc: Loc,
}
