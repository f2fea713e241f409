//! OpenAPI: the schema as an OpenAPI 3.1 document, for reviewers' usual tools.
//!
//! Equivalent to the schema: GET parameters are query parameters (comma lists as `style: form,
//! explode: false`), POST and DELETE parameters are the properties of a JSON body (OpenAPI 3.1
//! allows one on DELETE) whose requirement rules are JSON Schema (`anyOf`, `required`,
//! `if`/`then`); named types are component schemas, unions are `anyOf` (tried in order); every
//! documented status has a response, and error statuses carry the error envelope
//! (`components.schemas.Error`). What JSON Schema cannot say is kept in `x-` extensions:
//! `x-requirements` (the rules, also for GET), `x-client-scope`, `x-user-scope`, `x-sensitive`,
//! `x-aliases`/`x-alias-of`, `x-rust-name`, `x-note`, `x-idempotent`, `x-paging`,
//! `x-error-envelope`. Notes on the published docs are also appended to the descriptions, so that
//! every viewer shows them.

use crate::diag::{Diagnostic, Diagnostics};
use crate::inspect;
use crate::json::Json;
use crate::model::*;
use crate::schema::{ConstValue, Format, Method, RuleKind};

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The OpenAPI document of a valid schema, as pretty-printed JSON.
pub fn document(model: &Model) -> Result<String, Diagnostics> {
    Ok(to_json(model)?.pretty())
}

/// The OpenAPI document of a valid schema. Fails only when the schema says something OpenAPI
/// cannot: two operations with the same method and path.
pub fn to_json(model: &Model) -> Result<Json, Diagnostics> {
    let api = &model.api;
    let mut problems = Vec::new();
    let mut paths = Json::object();
    for e in &model.endpoints {
        let verb = match e.method {
            Method::Get => "get",
            Method::Post => "post",
            Method::Delete => "delete",
        };
        let mut item = paths.get(&e.path).cloned().unwrap_or_else(Json::object);
        if let Some(Json::Str(other)) = item.get(verb).and_then(|op| op.get("operationId")) {
            problems.push(Diagnostic {
                file: "openapi".into(),
                pos: None,
                path: format!("endpoints.{}", e.name.wire()),
                message: format!(
                    "\"{}\" and \"{other}\" are both {} {}; OpenAPI has one operation per method and path",
                    e.name.wire(),
                    verb.to_uppercase(),
                    e.path
                ),
            });
            continue;
        }
        item.set(verb, operation(e));
        paths.set(&e.path, item);
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }

    let mut schemas = Json::object();
    for t in &model.types {
        schemas.set(t.name.rust(), type_schema(t));
    }
    schemas.set("Error", error_schema(&api.errors));

    let envelope = Json::object()
        .with("status_field", Json::str(&api.errors.status_field))
        .with("error_value", Json::str(&api.errors.error_value))
        .with("message_fields", Json::strings(&api.errors.message_fields));
    Ok(Json::object()
        .with("openapi", Json::str(OPENAPI_VERSION))
        .with(
            "info",
            Json::object()
                .with("title", Json::str(&api.name))
                .with("version", Json::str("unversioned"))
                .with("description", Json::str(text::blank_lines(&api.description))),
        )
        .with(
            "externalDocs",
            Json::object()
                .with("description", Json::str("The published documentation"))
                .with("url", Json::str(&api.docs)),
        )
        .with(
            "servers",
            Json::Array(vec![Json::object().with("url", Json::str(&api.base_url))]),
        )
        .with("paths", paths)
        .with("components", Json::object().with("schemas", schemas))
        .with("x-error-envelope", envelope)
        .with(
            "x-generated",
            Json::str("by personaclick-codegen from the YAML schema. Do not edit: edit the schema and regenerate."),
        ))
}

fn operation(e: &EndpointModel) -> Json {
    let mut op = Json::object()
        .with("operationId", Json::str(e.name.wire()))
        .with("summary", Json::str(e.summary.trim()))
        .with(
            "description",
            Json::str(described(&e.description, e.note.as_deref())),
        );
    if let Some(reason) = &e.deprecated {
        op.set("deprecated", Json::Bool(true));
        op.set("x-deprecated", Json::str(reason));
    }
    match e.method {
        Method::Get => {
            let mut params = Vec::new();
            for p in &e.params {
                params.push(query_param(p, p.name.wire(), None));
            }
            for p in &e.params {
                for alias in &p.aliases {
                    if !e.params.iter().any(|q| q.name.wire() == alias) {
                        params.push(query_param(p, alias, Some(p.name.wire())));
                    }
                }
            }
            if !params.is_empty() {
                op.set("parameters", Json::Array(params));
            }
        }
        // OpenAPI 3.1 allows a body on DELETE: the parameters are one, as for POST.
        Method::Post | Method::Delete => {
            op.set(
                "requestBody",
                Json::object().with("required", Json::Bool(true)).with(
                    "content",
                    Json::object().with(
                        "application/json",
                        Json::object().with("schema", body_schema(e)),
                    ),
                ),
            );
        }
    }
    let mut responses = Json::object();
    let success = |description: &str| {
        let schema = ty_schema(&e.response).with(
            "description",
            Json::str(text::blank_lines(&e.response_description)),
        );
        Json::object()
            .with("description", Json::str(text::blank_lines(description)))
            .with(
                "content",
                Json::object().with("application/json", Json::object().with("schema", schema)),
            )
    };
    if !e.statuses.iter().any(|(code, _)| (200..300).contains(code)) {
        responses.set("200", success(&e.response_description));
    }
    for (code, text) in &e.statuses {
        let response = if (200..300).contains(code) {
            success(text)
        } else {
            Json::object()
                .with("description", Json::str(text::blank_lines(text)))
                .with(
                    "content",
                    Json::object().with(
                        "application/json",
                        Json::object().with("schema", reference("Error")),
                    ),
                )
        };
        responses.set(&code.to_string(), response);
    }
    op.set("responses", responses);
    if !e.requirements.is_empty() {
        op.set(
            "x-requirements",
            Json::Array(
                e.requirements
                    .iter()
                    .map(|r| {
                        Json::object()
                            .with(
                                "kind",
                                Json::str(match r.kind {
                                    RuleKind::AllOf => "all_of",
                                    RuleKind::AnyOf => "any_of",
                                }),
                            )
                            .with("names", Json::strings(&r.names))
                            .with("when", Json::strings(&r.when))
                            .with("description", Json::str(text::blank_lines(&r.description)))
                    })
                    .collect(),
            ),
        );
    }
    op.set("x-idempotent", Json::Bool(e.idempotent));
    if let (Some(p), Some((page, limit, items))) = (&e.paging, inspect::paging_wire(e)) {
        op.set(
            "x-paging",
            Json::object()
                .with("page", Json::str(page))
                .with("limit", Json::str(limit))
                .with("page_size", Json::Int(p.page_size))
                .with("items", Json::str(items)),
        );
    }
    op
}

/// A query parameter; `alias_of` for the extra name a value is also sent under.
fn query_param(p: &FieldModel, name: &str, alias_of: Option<&str>) -> Json {
    // The parameter carries the description and annotations; the schema, the value's type
    // and constraints.
    let Json::Object(entries) = field_schema(p, false) else {
        return Json::object();
    };
    let (annotations, schema): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()));
    let mut param = Json::object()
        .with("name", Json::str(name))
        .with("in", Json::str("query"))
        .with("required", Json::Bool(p.required && alias_of.is_none()));
    if p.style == Style::Comma {
        param.set("style", Json::str("form"));
        param.set("explode", Json::Bool(false));
    }
    param.set("schema", Json::Object(schema));
    match alias_of {
        None => {
            for (k, v) in annotations {
                param.set(&k, v);
            }
        }
        Some(of) => {
            param.set(
                "description",
                Json::str(format!("The value of `{of}`, also sent under this name.")),
            );
            param.set("x-alias-of", Json::str(of));
        }
    }
    param
}

fn body_schema(e: &EndpointModel) -> Json {
    let mut properties = Json::object();
    for p in &e.params {
        properties.set(p.name.wire(), field_schema(p, false));
    }
    for p in &e.params {
        for alias in &p.aliases {
            if !e.params.iter().any(|q| q.name.wire() == alias) {
                let schema = strip(field_schema(p, false), ANNOTATIONS)
                    .with(
                        "description",
                        Json::str(format!(
                            "The value of `{}`, also sent under this name.",
                            p.name.wire()
                        )),
                    )
                    .with("x-alias-of", Json::str(p.name.wire()));
                properties.set(alias, schema);
            }
        }
    }
    let required: Vec<&str> = e
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.wire())
        .collect();
    let mut body = Json::object()
        .with("type", Json::str("object"))
        .with("properties", properties);
    if !required.is_empty() {
        body.set("required", Json::strings(required));
    }
    if let Some(a) = &e.additional {
        body.set(
            "additionalProperties",
            ty_schema(&a.ty).with("description", Json::str(text::blank_lines(&a.description))),
        );
        body.set("x-additional-name", Json::str(a.name.rust()));
        if let Some(item) = &a.item_name {
            body.set("x-additional-item-name", Json::str(item.rust()));
        }
    }
    if !e.requirements.is_empty() {
        body.set(
            "allOf",
            Json::Array(e.requirements.iter().map(rule_schema).collect()),
        );
    }
    body
}

/// A requirement rule as JSON Schema over the body's properties.
fn rule_schema(r: &RuleModel) -> Json {
    let present = |names: &[String]| -> Json {
        Json::object().with(
            "anyOf",
            Json::Array(
                names
                    .iter()
                    .map(|n| Json::object().with("required", Json::strings([n])))
                    .collect(),
            ),
        )
    };
    let holds = match r.kind {
        RuleKind::AllOf => Json::object().with("required", Json::strings(&r.names)),
        RuleKind::AnyOf => present(&r.names),
    };
    let rule = if r.when.is_empty() {
        holds
    } else {
        Json::object()
            .with("if", present(&r.when))
            .with("then", holds)
    };
    rule.with("description", Json::str(text::blank_lines(&r.description)))
}

fn type_schema(t: &TypeModel) -> Json {
    let description = described(&t.description, t.note.as_deref());
    let mut schema = match &t.kind {
        KindModel::Object { fields, additional } => {
            let mut properties = Json::object();
            for f in fields {
                properties.set(f.name.wire(), field_schema(f, t.usage.received()));
            }
            let required: Vec<&str> = fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.wire())
                .collect();
            let mut s = Json::object()
                .with("type", Json::str("object"))
                .with("description", Json::str(description))
                .with("properties", properties);
            if !required.is_empty() {
                s.set("required", Json::strings(required));
            }
            if let Some(a) = additional {
                s.set(
                    "additionalProperties",
                    ty_schema(&a.ty)
                        .with("description", Json::str(text::blank_lines(&a.description))),
                );
                s.set("x-additional-name", Json::str(a.name.rust()));
            }
            s
        }
        KindModel::Enum { values } => {
            let mut s = Json::object()
                .with("type", Json::str("string"))
                .with("description", Json::str(description))
                .with("enum", Json::strings(values.iter().map(|v| v.name.wire())))
                .with(
                    "x-enum-varnames",
                    Json::strings(values.iter().map(|v| v.name.rust())),
                )
                .with(
                    "x-enum-descriptions",
                    Json::strings(values.iter().map(|v| text::blank_lines(&v.description))),
                );
            let notes: Vec<(String, Json)> = values
                .iter()
                .filter_map(|v| {
                    Some((
                        v.name.wire().to_string(),
                        Json::str(text::blank_lines(v.note.as_ref()?)),
                    ))
                })
                .collect();
            if !notes.is_empty() {
                s.set("x-enum-notes", Json::Object(notes));
            }
            let deprecated: Vec<(String, Json)> = values
                .iter()
                .filter_map(|v| {
                    Some((v.name.wire().to_string(), Json::str(v.deprecated.as_ref()?)))
                })
                .collect();
            if !deprecated.is_empty() {
                s.set("x-enum-deprecated", Json::Object(deprecated));
            }
            if t.usage.received() {
                s.set("x-open", Json::Bool(true));
            }
            s
        }
        KindModel::Union { variants } => Json::object()
            .with("description", Json::str(description))
            .with(
                "anyOf",
                Json::Array(
                    variants
                        .iter()
                        .map(|v| {
                            field_schema(v, t.usage.received())
                                .with("title", Json::str(v.name.rust()))
                        })
                        .collect(),
                ),
            )
            .with("x-tried-in-order", Json::Bool(true)),
    };
    if let Some(note) = &t.note {
        schema.set("x-note", Json::str(text::blank_lines(note)));
    }
    if let Some(reason) = &t.deprecated {
        schema.set("deprecated", Json::Bool(true));
        schema.set("x-deprecated", Json::str(reason));
    }
    schema
}

/// A parameter, field or variant: its type with constraints and annotations. `also` widens
/// a response value's type to the other kind the published docs give it.
fn field_schema(f: &FieldModel, reading: bool) -> Json {
    let mut base = ty_schema(match &f.ty {
        Ty::List(inner) => inner,
        other => other,
    });
    if let (Some(kind), true) = (f.also, reading) {
        if let Some(Json::Str(t)) = base.get("type") {
            let widened = [t.clone(), kind.name().to_string()];
            base.set("type", Json::strings(widened));
        }
    }
    if let Some(min) = f.min {
        base.set("minimum", Json::Num(min));
    }
    if let Some(max) = f.max {
        base.set("maximum", Json::Num(max));
    }
    if let Some(n) = f.max_length {
        base.set("maxLength", Json::Int(i64::try_from(n).unwrap_or(i64::MAX)));
    }
    if let Some(format) = f.format {
        base = with_format(base, format);
    }
    if let Some(c) = f.fixed.value() {
        base.set(
            "const",
            match c {
                ConstValue::Bool(b) => Json::Bool(*b),
                ConstValue::Integer(i) => Json::Int(*i),
                ConstValue::String(s) => Json::str(s),
            },
        );
    }
    let mut schema = match &f.ty {
        Ty::List(_) => Json::object()
            .with("type", Json::str("array"))
            .with("items", base),
        _ => base,
    };
    schema.set(
        "description",
        Json::str(described(&f.description, f.note.as_deref())),
    );
    if let Some(reason) = &f.deprecated {
        schema.set("deprecated", Json::Bool(true));
        schema.set("x-deprecated", Json::str(reason));
    }
    if let Some(note) = &f.note {
        schema.set("x-note", Json::str(text::blank_lines(note)));
    }
    let rust = f.name.rust();
    if rust != f.name.wire() {
        schema.set("x-rust-name", Json::str(rust));
    }
    if f.sensitive {
        schema.set("x-sensitive", Json::Bool(true));
    }
    if !f.aliases.is_empty() {
        schema.set("x-aliases", Json::strings(&f.aliases));
    }
    if f.scope == Scope::Client {
        schema.set("x-client-scope", Json::Bool(true));
    }
    if f.scope == Scope::User {
        schema.set("x-user-scope", Json::Bool(true));
    }
    schema
}

/// The schema of a type expression.
fn ty_schema(ty: &Ty) -> Json {
    let typed = |t: &str| Json::object().with("type", Json::str(t));
    match ty {
        Ty::String => typed("string"),
        Ty::Integer => typed("integer"),
        Ty::Number => typed("number"),
        Ty::Boolean => typed("boolean"),
        Ty::Json => Json::object(),
        Ty::Date => with_format(typed("string"), Format::Date),
        Ty::DateTime => with_format(typed("string"), Format::DateTime),
        Ty::Timestamp => with_format(typed("string"), Format::Timestamp),
        Ty::List(inner) => typed("array").with("items", ty_schema(inner)),
        Ty::Map(inner) => typed("object").with("additionalProperties", ty_schema(inner)),
        Ty::Named(n) => reference(n),
    }
}

/// A string schema with a format: the JSON Schema `format` where one matches exactly, the
/// pattern the client checks, and the schema's own name for it.
fn with_format(base: Json, format: Format) -> Json {
    let (name, pattern, ours) = match format {
        Format::Date => (Some("date"), r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date"),
        Format::DateTime => (
            None,
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
            "date_time",
        ),
        Format::Timestamp => (
            Some("date-time"),
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$",
            "timestamp",
        ),
    };
    base.with_opt("format", name.map(Json::str))
        .with("pattern", Json::str(pattern))
        .with("x-format", Json::str(ours))
}

fn reference(name: &str) -> Json {
    Json::object().with("$ref", Json::str(format!("#/components/schemas/{name}")))
}

/// The error envelope: the status field holds the error value; the message is at one of the
/// message paths (`payload.message` is nested).
fn error_schema(errors: &crate::schema::ErrorShape) -> Json {
    /// Adds the property at `path` (a string at its end), creating the objects on the way.
    fn insert(properties: &mut Json, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            if properties.get(first).is_none() {
                properties.set(first, Json::object().with("type", Json::str("string")));
            }
            return;
        }
        let mut object = match properties.get(first) {
            Some(o @ Json::Object(_)) if o.get("properties").is_some() => o.clone(),
            _ => Json::object()
                .with("type", Json::str("object"))
                .with("properties", Json::object()),
        };
        let mut inner = object
            .get("properties")
            .cloned()
            .unwrap_or_else(Json::object);
        insert(&mut inner, rest);
        object.set("properties", inner);
        properties.set(first, object);
    }
    let mut properties = Json::object().with(
        &errors.status_field,
        Json::object()
            .with("type", Json::str("string"))
            .with("const", Json::str(&errors.error_value)),
    );
    for field in &errors.message_fields {
        let parts: Vec<&str> = field.split('.').collect();
        if parts.first() != Some(&errors.status_field.as_str()) {
            insert(&mut properties, &parts);
        }
    }
    let messages = errors
        .message_fields
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Json::object()
        .with(
            "description",
            Json::str(format!(
                "An error. A response whose `{}` is `\"{}\"` is an error whatever its HTTP status; its message is the first of {messages} that is present.",
                errors.status_field, errors.error_value
            )),
        )
        .with("type", Json::str("object"))
        .with("properties", properties)
        .with("required", Json::strings([&errors.status_field]))
}

/// What [`field_schema`] says about a parameter rather than its value.
const ANNOTATIONS: &[&str] = &[
    "description",
    "deprecated",
    "x-deprecated",
    "x-note",
    "x-rust-name",
    "x-sensitive",
    "x-aliases",
    "x-client-scope",
    "x-user-scope",
];

/// A copy of an object without some keys.
fn strip(value: Json, keys: &[&str]) -> Json {
    match value {
        Json::Object(entries) => Json::Object(
            entries
                .into_iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .collect(),
        ),
        other => other,
    }
}

/// A description with the reviewer's note after it.
fn described(description: &str, note: Option<&str>) -> String {
    let mut text = text::blank_lines(description);
    if let Some(note) = note {
        text.push_str("\n\n**Note on the published docs:** ");
        text.push_str(&text::blank_lines(note));
    }
    text
}
