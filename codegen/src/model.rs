//! Model: the validated schema resolved into what the emitter needs: Rust names, flattened
//! parameters and rules, and for each type whether requests, responses or both use it.

use std::collections::BTreeSet;

use crate::names;
use crate::schema::*;
use crate::validate::Index;

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
    /// A generated type, by Rust name.
    Named(String),
}

/// A parameter, field or union variant with its Rust name.
#[derive(Clone, Debug)]
pub struct FieldModel {
    /// Wire name (for union variants: the variant name).
    pub wire: String,
    /// Rust identifier (possibly `r#type`).
    pub rust: String,
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
    /// Redacted in Debug.
    pub sensitive: bool,
    /// The other JSON kind the published docs give the value, read even in strict mode.
    pub also: Option<JsonKind>,
    /// Other wire names.
    pub aliases: Vec<String>,
    /// Set on the client.
    pub client: bool,
    /// Preset on a per-user handle.
    pub user: bool,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Longest string.
    pub max_length: Option<u64>,
    /// String format.
    pub format: Option<Format>,
    /// Comma-joined list.
    pub comma: bool,
    /// Fixed value.
    pub constant: Option<ConstValue>,
}

impl FieldModel {
    /// Whether a value is checked before sending.
    pub fn has_rules(&self) -> bool {
        self.required || self.min.is_some() || self.max.is_some() || self.max_length.is_some()
    }
}

/// Free-form entries.
#[derive(Clone, Debug)]
pub struct AdditionalModel {
    /// Rust name of the map.
    pub name: String,
    /// Rust name of the one-entry setter.
    pub item_name: Option<String>,
    /// Value type.
    pub ty: Ty,
    /// Documentation.
    pub description: String,
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeModel {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
    /// The shape.
    pub kind: KindModel,
    /// Sent in some request.
    pub request: bool,
    /// Received in some response.
    pub response: bool,
}

/// The shape of a named type.
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
    /// Wire value.
    pub wire: String,
    /// Rust variant.
    pub rust: String,
    /// Documentation.
    pub description: String,
    /// Reviewer's remark.
    pub note: Option<String>,
    /// Deprecation reason.
    pub deprecated: Option<String>,
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
    /// The id, as written in the schema.
    pub id: String,
    /// The client method's Rust name (the id, escaped if it is a keyword).
    pub method_name: String,
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
}

/// Paging of an endpoint's results.
#[derive(Clone, Debug)]
pub struct PagingModel {
    /// Rust name of the page parameter's setter.
    pub page: String,
    /// Rust name of the limit parameter's setter.
    pub limit: String,
    /// The page size used when the caller sets none: the limit's documented maximum.
    pub page_size: i64,
    /// Rust field names leading to the items in the response.
    pub items: Vec<String>,
    /// The type of one item.
    pub item: Ty,
}

/// Builds the model of a schema that passed validation.
pub fn build(schema: &Schema) -> Model {
    let mut sink = crate::diag::Diagnostics::default();
    let index = Index::new(schema, &mut sink);
    let api = schema.api.as_ref().map_or_else(
        || ApiModel {
            name: String::new(),
            description: String::new(),
            base_url: String::new(),
            docs: String::new(),
            errors: ErrorShape {
                status_field: String::new(),
                error_value: String::new(),
                message_fields: Vec::new(),
            },
        },
        |a| ApiModel {
            name: a.name.clone(),
            description: a.description.clone(),
            base_url: a.base_url.trim_end_matches('/').to_string(),
            docs: a.docs.clone(),
            errors: a.errors.clone(),
        },
    );
    let mut endpoints = Vec::new();
    let mut client_params: Vec<FieldModel> = Vec::new();
    let mut user_params: Vec<FieldModel> = Vec::new();
    for e in &schema.endpoints {
        let params: Vec<FieldModel> = index
            .flatten(&e.name.text, &e.include, &e.params, false, &mut sink)
            .into_iter()
            .map(field)
            .collect();
        for p in params.iter().filter(|p| p.client) {
            if !client_params.iter().any(|c| c.wire == p.wire) {
                client_params.push(p.clone());
            }
        }
        for p in params.iter().filter(|p| p.user) {
            if !user_params.iter().any(|c| c.wire == p.wire) {
                user_params.push(p.clone());
            }
        }
        let paging = e.paging.as_ref().map(|p| {
            let param = |name: &str| params.iter().find(|f| f.wire == name);
            let mut items = Vec::new();
            let mut ty = ty(&e.response);
            for step in p.items.text.split('.') {
                let Ty::Named(name) = &ty else { break };
                let Some(t) = schema.types.iter().find(|t| &t.name.text == name) else {
                    break;
                };
                let TypeKind::Object {
                    include, fields, ..
                } = &t.kind
                else {
                    break;
                };
                let all = index.flatten(&t.name.text, include, fields, true, &mut sink);
                let Some(f) = all.into_iter().find(|f| f.name.text == step) else {
                    break;
                };
                let f = field(f);
                items.push(f.rust.clone());
                ty = f.ty;
            }
            PagingModel {
                page: param(&p.page.text)
                    .map(|f| f.rust.clone())
                    .unwrap_or_default(),
                limit: param(&p.limit.text)
                    .map(|f| f.rust.clone())
                    .unwrap_or_default(),
                page_size: param(&p.limit.text).and_then(|f| f.max).unwrap_or(1.0) as i64,
                items,
                item: match ty {
                    Ty::List(inner) => *inner,
                    other => other,
                },
            }
        });
        endpoints.push(EndpointModel {
            id: e.name.text.clone(),
            method_name: names::explicit_field(&e.name.text).unwrap_or_default(),
            builder: format!("{}Request", names::to_camel(&e.name.text)),
            summary: e.summary.clone(),
            description: e.description.clone(),
            note: e.note.clone(),
            deprecated: e.deprecated.clone(),
            method: e.method,
            path: e.path.clone(),
            idempotent: e.idempotent,
            params,
            additional: e.additional.as_ref().map(additional),
            requirements: index
                .rules(&e.include, &e.requirements)
                .into_iter()
                .map(|r| RuleModel {
                    kind: r.kind,
                    names: r.names.iter().map(|n| n.text.clone()).collect(),
                    when: r.when.iter().map(|n| n.text.clone()).collect(),
                    description: r.description.clone(),
                })
                .collect(),
            response: ty(&e.response),
            response_description: e.response_description.clone(),
            statuses: e.statuses.clone(),
            paging,
        });
    }
    let mut types: Vec<TypeModel> = schema
        .types
        .iter()
        .map(|t| TypeModel {
            name: t.name.text.clone(),
            description: t.description.clone(),
            note: t.note.clone(),
            deprecated: t.deprecated.clone(),
            kind: match &t.kind {
                TypeKind::Object {
                    include,
                    fields,
                    additional: extra,
                } => KindModel::Object {
                    fields: index
                        .flatten(&t.name.text, include, fields, true, &mut sink)
                        .into_iter()
                        .map(field)
                        .collect(),
                    additional: extra.as_deref().map(additional),
                },
                TypeKind::Enum { values } => KindModel::Enum {
                    values: values
                        .iter()
                        .map(|v| ValueModel {
                            wire: v.name.text.clone(),
                            rust: match &v.rust_name {
                                Some(n) => n.text.clone(),
                                None => names::camel(&v.name.text).unwrap_or_default(),
                            },
                            description: v.description.clone(),
                            note: v.note.clone(),
                            deprecated: v.deprecated.clone(),
                        })
                        .collect(),
                },
                TypeKind::Union { variants } => KindModel::Union {
                    variants: variants
                        .iter()
                        .map(|v| FieldModel {
                            rust: v.name.text.clone(),
                            ..field(v)
                        })
                        .collect(),
                },
            },
            request: false,
            response: false,
        })
        .collect();
    mark_usage(&mut types, &endpoints);
    Model {
        api,
        client_params,
        user_params,
        types,
        endpoints,
    }
}

fn field(f: &Field) -> FieldModel {
    FieldModel {
        wire: f.name.text.clone(),
        rust: names::field_or_renamed(&f.name.text, f.rust_name.as_ref().map(|n| n.text.as_str()))
            .unwrap_or_default(),
        ty: formatted(ty(&f.ty), f.format),
        description: f.description.clone(),
        note: f.note.clone(),
        deprecated: f.deprecated.clone(),
        required: f.required,
        sensitive: f.sensitive,
        also: f.also,
        aliases: f.aliases.clone(),
        client: f.client_scope,
        user: f.user_scope,
        min: f.min,
        max: f.max,
        max_length: f.max_length,
        format: f.format,
        comma: f.comma,
        constant: f.constant.clone(),
    }
}

/// A string with a date format is a typed date (in a list, each item is).
fn formatted(ty: Ty, format: Option<Format>) -> Ty {
    match (ty, format) {
        (Ty::String, Some(Format::Date)) => Ty::Date,
        (Ty::String, Some(Format::DateTime)) => Ty::DateTime,
        (Ty::String, Some(Format::Timestamp)) => Ty::Timestamp,
        (Ty::List(inner), Some(f)) => Ty::List(Box::new(formatted(*inner, Some(f)))),
        (ty, _) => ty,
    }
}

fn additional(a: &Additional) -> AdditionalModel {
    AdditionalModel {
        name: a.name.text.clone(),
        item_name: a.item_name.as_ref().map(|n| n.text.clone()),
        ty: ty(&a.ty),
        description: a.description.clone(),
    }
}

fn ty(t: &TypeExpr) -> Ty {
    match t {
        TypeExpr::String => Ty::String,
        TypeExpr::Integer => Ty::Integer,
        TypeExpr::Number => Ty::Number,
        TypeExpr::Boolean => Ty::Boolean,
        TypeExpr::Json => Ty::Json,
        TypeExpr::List(inner) => Ty::List(Box::new(ty(inner))),
        TypeExpr::Map(inner) => Ty::Map(Box::new(ty(inner))),
        TypeExpr::Named(n) => Ty::Named(n.text.clone()),
    }
}

/// Marks each type used by requests, responses or both, following fields transitively.
fn mark_usage(types: &mut [TypeModel], endpoints: &[EndpointModel]) {
    for response in [false, true] {
        let mut todo: Vec<String> = Vec::new();
        for e in endpoints {
            if response {
                named_in(&e.response, &mut todo);
            } else {
                for p in &e.params {
                    named_in(&p.ty, &mut todo);
                }
                if let Some(a) = &e.additional {
                    named_in(&a.ty, &mut todo);
                }
            }
        }
        let mut seen = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(t) = types.iter_mut().find(|t| t.name == name) else {
                continue;
            };
            if response {
                t.response = true;
            } else {
                t.request = true;
            }
            match &t.kind {
                KindModel::Object { fields, additional } => {
                    for f in fields {
                        named_in(&f.ty, &mut todo);
                    }
                    if let Some(a) = additional {
                        named_in(&a.ty, &mut todo);
                    }
                }
                KindModel::Union { variants } => {
                    for v in variants {
                        named_in(&v.ty, &mut todo);
                    }
                }
                KindModel::Enum { .. } => {}
            }
        }
    }
}

fn named_in(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::List(inner) | Ty::Map(inner) => named_in(inner, out),
        Ty::Named(n) => out.push(n.clone()),
        _ => {}
    }
}
