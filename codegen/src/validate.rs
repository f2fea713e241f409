//! Validate: every name resolves, every rule makes sense, every Rust name is possible and
//! unique. All problems are reported; the model stage runs only on a schema that passed.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{suggest, Diagnostics};
use crate::model::{
    self, AdditionalModel, ApiModel, EndpointModel, FieldModel, Fixed, KindModel, Model,
    PagingModel, RuleModel, Scope, Style, Ty, TypeModel, Usage, ValueModel,
};
use crate::names;
use crate::schema::*;

/// The public method of every request builder besides its setters: a parameter cannot take
/// its name. (What a builder keeps for itself is named apart from the parameters.)
const BUILDER_MEMBERS: &[&str] = &["send"];

/// The public methods of a paged endpoint's builder.
const PAGING_MEMBERS: &[&str] = &["pages", "items"];

/// Every object's method (and private field) for the values it could not read from a response:
/// no field of an object can take the name, nor its `additional` map.
pub const OBJECT_REPORT: &str = "unread";

/// Names reserved for what the generator itself emits: its own types, the standard names it
/// uses unqualified (a schema type of that name would hide them), and `M`, the mode parameter
/// of the client and the builders.
pub const RESERVED_TYPES: &[&str] = &[
    "M",
    "Clone",
    "Default",
    "From",
    "Into",
    "IntoIterator",
    "Send",
    "Client",
    "ClientBuilder",
    "ClientParams",
    "Error",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Date",
    "DateTime",
    "Timestamp",
    "User",
    "Pages",
    "Items",
    "RetryPolicy",
    "Unread",
    "UnreadValue",
    "Expected",
];

/// A field as an include brings it: the field, and the parameter set or object type it came
/// from (the innermost; `None` for the owner's own).
#[derive(Clone, Copy)]
pub struct Flat<'s> {
    /// The field.
    pub field: &'s Field,
    /// Where it came from.
    pub origin: Option<&'s str>,
}

/// What an `include` can name.
#[derive(Clone, Copy)]
pub enum Source<'s> {
    /// A parameter set.
    Set(&'s ParamSet),
    /// An object type.
    Object(&'s TypeDef),
}

/// The schema's names, looked up by later stages too.
pub struct Index<'s> {
    /// Types by name.
    pub types: BTreeMap<&'s str, &'s TypeDef>,
    /// Parameter sets by name.
    pub sets: BTreeMap<&'s str, &'s ParamSet>,
}

impl<'s> Index<'s> {
    /// Indexes a schema, reporting names defined twice.
    pub fn new(schema: &'s Schema, diags: &mut Diagnostics) -> Self {
        let mut types = BTreeMap::new();
        let mut sets = BTreeMap::new();
        for t in &schema.types {
            if let Some(prev) = types.insert(t.name.text.as_str(), t) {
                twice(diags, &t.name, &prev.name);
            }
        }
        for s in &schema.parameter_sets {
            if let Some(prev) = sets.insert(s.name.text.as_str(), s) {
                twice(diags, &s.name, &prev.name);
            } else if let Some(t) = types.get(s.name.text.as_str()) {
                twice(diags, &s.name, &t.name);
            }
        }
        Index { types, sets }
    }

    /// What `include: [name]` refers to.
    pub fn source(&self, name: &str) -> Option<Source<'s>> {
        if let Some(s) = self.sets.get(name) {
            return Some(Source::Set(s));
        }
        match self.types.get(name) {
            Some(t) if matches!(t.kind, TypeKind::Object { .. }) => Some(Source::Object(t)),
            _ => None,
        }
    }

    /// The fields of a parameter set, an object or an endpoint, includes first, with
    /// overrides applied, each with the set or object it came from. Conflicts and unknown
    /// includes are reported.
    pub fn flatten(
        &self,
        owner: &'s str,
        include: &'s [Name],
        own: &'s [Field],
        objects_only: bool,
        diags: &mut Diagnostics,
    ) -> Vec<Flat<'s>> {
        let mut out = Vec::new();
        self.flatten_into(
            include,
            own,
            None,
            objects_only,
            diags,
            &mut vec![owner],
            &mut out,
        );
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn flatten_into(
        &self,
        include: &'s [Name],
        own: &'s [Field],
        origin: Option<&'s str>,
        objects_only: bool,
        diags: &mut Diagnostics,
        seen: &mut Vec<&'s str>,
        out: &mut Vec<Flat<'s>>,
    ) {
        for name in include {
            if seen.contains(&name.text.as_str()) {
                report(
                    diags,
                    &name.loc,
                    format!("\"{}\" includes itself", name.text),
                );
                continue;
            }
            let source = self
                .source(&name.text)
                .filter(|s| !objects_only || matches!(s, Source::Object(_)));
            let Some(source) = source else {
                let known: Vec<&str> = if objects_only {
                    self.objects().collect()
                } else {
                    self.objects().chain(self.sets.keys().copied()).collect()
                };
                let what = if objects_only {
                    "object type"
                } else {
                    "parameter set or object type"
                };
                let hint = suggest(&name.text, known.iter().copied());
                report(
                    diags,
                    &name.loc,
                    format!("no {what} named \"{}\"{hint}", name.text),
                );
                continue;
            };
            seen.push(&name.text);
            match source {
                Source::Set(s) => {
                    let from = Some(s.name.text.as_str());
                    self.flatten_into(&s.include, &s.params, from, false, diags, seen, out)
                }
                Source::Object(t) => {
                    if let TypeKind::Object {
                        include, fields, ..
                    } = &t.kind
                    {
                        let from = Some(t.name.text.as_str());
                        self.flatten_into(include, fields, from, true, diags, seen, out)
                    }
                }
            }
            seen.pop();
        }
        for field in own {
            match out
                .iter()
                .position(|f| f.field.name.text == field.name.text)
            {
                Some(i) if field.replaces => out[i] = Flat { field, origin },
                Some(i) => {
                    report(
                        diags,
                        &field.name.loc,
                        format!(
                            "\"{}\" is already included from {}; add `override: true` to replace it",
                            field.name.text,
                            out[i].field.name.loc.file_line()
                        ),
                    );
                }
                None if field.replaces => report(
                    diags,
                    &field.name.loc,
                    format!(
                        "`override: true`, but no included field is named \"{}\"",
                        field.name.text
                    ),
                ),
                None => out.push(Flat { field, origin }),
            }
        }
    }

    /// The requirement rules of an endpoint or set: those of included sets, then its own.
    pub fn rules(&self, include: &'s [Name], own: &'s [Requirement]) -> Vec<&'s Requirement> {
        let mut out = Vec::new();
        let mut stack: Vec<&'s [Name]> = vec![include];
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some(names) = stack.pop() {
            for n in names {
                if let Some(s) = self.sets.get(n.text.as_str()) {
                    if seen.insert(&n.text) {
                        out.extend(&s.requirements);
                        stack.push(&s.include);
                    }
                }
            }
        }
        out.extend(own);
        out
    }

    fn objects(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.types
            .values()
            .filter(|t| matches!(t.kind, TypeKind::Object { .. }))
            .map(|t| t.name.text.as_str())
    }
}

fn report(diags: &mut Diagnostics, loc: &Loc, message: String) {
    diags.push(&loc.file, loc.pos, &loc.path, message);
}

fn twice(diags: &mut Diagnostics, name: &Name, first: &Name) {
    report(
        diags,
        &name.loc,
        format!(
            "\"{}\" is already defined at {}",
            name.text,
            first.loc.file_line()
        ),
    );
}

/// Checks the whole schema and, if it has no problem (and `diags` none from loading either),
/// hands over its model. Every problem is added to `diags`; the model is built on the way, in
/// the same pass, from the names and includes the checks resolve.
pub fn validate(schema: &Schema, diags: &mut Diagnostics) -> Option<Model> {
    let index = Index::new(schema, diags);
    let v = &mut Validator {
        index: &index,
        diags,
        objects: BTreeMap::new(),
    };
    let api = match &schema.api {
        Some(api) => Some(v.api(api)),
        // A file that could not be parsed may hold it; its syntax error is reported already.
        None if schema.unreadable_files => None,
        None => {
            v.diags
                .push("schema", None, "api", "no file defines \"api\"".into());
            None
        }
    };
    let types: Vec<TypeModel> = schema.types.iter().filter_map(|t| v.type_def(t)).collect();
    let mut client_params: BTreeMap<&str, &Field> = BTreeMap::new();
    for s in &schema.parameter_sets {
        let fields = index.flatten(&s.name.text, &s.include, &s.params, false, v.diags);
        v.fields(&fields, Place::Params(None));
        v.requirements(&s.requirements, &fields);
    }
    let mut user_params: BTreeMap<&str, &Field> = BTreeMap::new();
    let mut methods: BTreeMap<String, &Name> = BTreeMap::new();
    let mut endpoints = Vec::new();
    for e in &schema.endpoints {
        let fields = index.flatten(&e.name.text, &e.include, &e.params, false, v.diags);
        if let Some(model) = v.endpoint(e, &fields) {
            if let Some(prev) = methods.insert(model.name.rust().to_string(), &e.name) {
                twice(v.diags, &e.name, prev);
            }
            endpoints.push(model);
        }
        for f in fields.iter().map(|f| f.field).filter(|f| f.client_scope) {
            match client_params.get(f.name.text.as_str()) {
                Some(prev) if !std::ptr::eq(*prev, f) => report(
                    v.diags,
                    &f.name.loc,
                    format!("client parameter \"{}\" is defined twice; define it once in a parameter set", f.name.text),
                ),
                _ => {
                    client_params.insert(&f.name.text, f);
                }
            }
        }
        for f in fields.iter().map(|f| f.field).filter(|f| f.user_scope) {
            match user_params.get(f.name.text.as_str()) {
                Some(prev) if prev.ty != f.ty || prev.rust_name.as_ref().map(|n| &n.text) != f.rust_name.as_ref().map(|n| &n.text) => report(
                    v.diags,
                    &f.name.loc,
                    format!("user parameter \"{}\" is defined differently elsewhere; a per-user handle holds one value for it", f.name.text),
                ),
                _ => {
                    user_params.insert(&f.name.text, f);
                }
            }
        }
        if crate::emit::CLIENT_METHODS.contains(&e.name.text.as_str()) {
            report(
                v.diags,
                &e.name.loc,
                format!(
                    "\"{}\" is a method of the client itself; give the endpoint another id",
                    e.name.text
                ),
            );
        }
        // Only a valid id has a builder (an invalid one is reported as such).
        let builder = builder_name(&e.name.text);
        let valid_id = names::explicit_field(&e.name.text).is_ok();
        if let Some(t) = index.types.get(builder.as_str()).filter(|_| valid_id) {
            report(
                v.diags,
                &t.name.loc,
                format!(
                    "\"{builder}\" is the name of the builder of endpoint \"{}\"; rename the type",
                    e.name.text
                ),
            );
        }
    }
    for (name, f) in &user_params {
        if let Some(e) = rust_name(f).and_then(|n| methods.get(&n)) {
            report(
                v.diags,
                &f.name.loc,
                format!("user parameter \"{name}\" would be a setter of the per-user handle, which has a method for endpoint \"{}\" of the same name; give it a rust_name", e.text),
            );
        }
    }
    for (name, f) in &client_params {
        if rust_name(f).is_some_and(|n| crate::emit::client_builder_methods().any(|m| m == n)) {
            report(
                v.diags,
                &f.name.loc,
                format!("client parameter \"{name}\" would be a setter of the same name as a method of ClientBuilder; give it a rust_name"),
            );
        }
        if f.ty != TypeExpr::String {
            report(
                v.diags,
                &f.ty_loc(),
                format!("client parameter \"{name}\" must be a string"),
            );
        }
    }
    if !v.diags.is_empty() {
        return None;
    }
    // No problem was reported: every piece was built (each one left out is reported where
    // it is left out), and the api section is there.
    let mut model = Model {
        api: api?,
        client_params: first_use(&endpoints, Scope::Client),
        user_params: first_use(&endpoints, Scope::User),
        types,
        endpoints,
    };
    mark_usage(&mut model);
    Some(model)
}

/// An optional part of a model, once built: `None` if it is there but could not be built.
fn complete<T>(part: Option<Option<T>>) -> Option<Option<T>> {
    match part {
        Some(built) => built.map(Some),
        None => Some(None),
    }
}

/// The request builder's type name for endpoint `id`.
fn builder_name(id: &str) -> String {
    format!("{}Request", names::to_camel(id))
}

/// The parameters of `scope`, each once, in the order the endpoints first use them.
fn first_use(endpoints: &[EndpointModel], scope: Scope) -> Vec<FieldModel> {
    let mut out: Vec<FieldModel> = Vec::new();
    for p in endpoints.iter().flat_map(|e| &e.params) {
        if p.scope == scope && !out.iter().any(|o| o.name.wire() == p.name.wire()) {
            out.push(p.clone());
        }
    }
    out
}

/// Marks each type used by requests, responses or both, following fields transitively.
fn mark_usage(model: &mut Model) {
    for usage in [Usage::Request, Usage::Response] {
        let mut todo: Vec<String> = Vec::new();
        for e in &model.endpoints {
            if usage == Usage::Response {
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
            let Some(t) = model.types.iter_mut().find(|t| t.name.wire() == name) else {
                continue;
            };
            t.usage = t.usage.and(usage);
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

/// A type expression, resolved.
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

/// A field's model, once its Rust name is known.
fn field_model(flat: Flat<'_>, rust: &str) -> FieldModel {
    let f = flat.field;
    let scope = match (f.client_scope, f.user_scope) {
        (true, _) => Scope::Client,
        (false, true) => Scope::User,
        (false, false) => Scope::Call,
    };
    let fixed = match &f.constant {
        None => Fixed::Free,
        // A credential-like constant on the client is not the caller's to acknowledge.
        Some(c) if f.required && scope != Scope::Client => Fixed::Acknowledgement(c.clone()),
        Some(c) => Fixed::Constant(c.clone()),
    };
    FieldModel {
        name: model::Name::new(&f.name.text, rust),
        ty: formatted(ty(&f.ty), f.format),
        description: f.description.clone(),
        note: f.note.clone(),
        deprecated: f.deprecated.clone(),
        required: f.required,
        sensitive: f.sensitive,
        also: f.also,
        aliases: f.aliases.clone(),
        scope,
        min: f.min,
        max: f.max,
        max_length: f.max_length,
        format: f.format,
        style: if f.comma { Style::Comma } else { Style::Plain },
        fixed,
        loc: f.name.loc.clone(),
        origin: flat.origin.map(str::to_string),
        page: f.page.clone(),
    }
}

/// A field's Rust name, or what is wrong with it and where: at its `rust_name` if it has one.
fn field_rust_name(f: &Field) -> Result<String, (&Name, String)> {
    let rust_name = f.rust_name.as_ref();
    names::field_or_renamed(&f.name.text, rust_name.map(|n| n.text.as_str()))
        .map_err(|why| (rust_name.unwrap_or(&f.name), why))
}

/// A field's Rust name, when it has a valid one (an invalid one is reported by `fields`).
fn rust_name(f: &Field) -> Option<String> {
    field_rust_name(f).ok()
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Parameters; `Some(method)` when the endpoint is known.
    Params(Option<Method>),
    /// Fields of an object type.
    Object,
    /// Variants of a union.
    Union,
}

struct Validator<'a, 's> {
    index: &'a Index<'s>,
    diags: &'a mut Diagnostics,
    /// Each object type's fields, flattened once (paging walks them).
    objects: BTreeMap<&'s str, Vec<Flat<'s>>>,
}

impl Field {
    fn ty_loc(&self) -> Loc {
        let mut loc = self.name.loc.clone();
        loc.path.push_str(".type");
        loc
    }
}

impl<'s> Validator<'_, 's> {
    fn error(&mut self, loc: &Loc, message: String) {
        report(self.diags, loc, message);
    }

    fn api(&mut self, api: &Api) -> ApiModel {
        if !(api.base_url.starts_with("https://") || api.base_url.starts_with("http://")) {
            self.error(
                &api.loc,
                format!("base_url \"{}\" is not an http(s) URL", api.base_url),
            );
        }
        if api.errors.message_fields.is_empty() {
            self.error(&api.loc, "errors.message_fields lists no field".into());
        }
        ApiModel {
            name: api.name.clone(),
            description: api.description.clone(),
            base_url: api.base_url.trim_end_matches('/').to_string(),
            docs: api.docs.clone(),
            errors: api.errors.clone(),
            loc: api.loc.clone(),
        }
    }

    /// Resolves named types in a type expression.
    fn type_expr(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::List(inner) | TypeExpr::Map(inner) => self.type_expr(inner),
            TypeExpr::Named(name) if !self.index.types.contains_key(name.text.as_str()) => {
                let known = ["string", "integer", "number", "boolean", "json"]
                    .into_iter()
                    .chain(self.index.types.keys().copied());
                let hint = suggest(&name.text, known);
                self.error(&name.loc, format!("unknown type \"{}\"{hint}", name.text));
            }
            _ => {}
        }
    }

    fn type_def(&mut self, t: &'s TypeDef) -> Option<TypeModel> {
        let named = match names::explicit_camel(&t.name.text) {
            Err(why) => {
                self.error(&t.name.loc, format!("type name {why}"));
                false
            }
            Ok(_) if RESERVED_TYPES.contains(&t.name.text.as_str()) => {
                self.error(
                    &t.name.loc,
                    format!(
                        "\"{}\" is reserved for generated code; rename the type",
                        t.name.text
                    ),
                );
                false
            }
            Ok(_) => true,
        };
        let kind = match &t.kind {
            TypeKind::Object {
                include,
                fields,
                additional,
            } => {
                let all = self
                    .index
                    .flatten(&t.name.text, include, fields, true, self.diags);
                let fields = self.fields(&all, Place::Object);
                let additional = additional
                    .as_deref()
                    .and_then(|a| self.additional(a, &all, false));
                self.objects.insert(&t.name.text, all);
                KindModel::Object { fields, additional }
            }
            TypeKind::Enum { values } => {
                if values.is_empty() {
                    self.error(&t.name.loc, "an enum needs at least one value".into());
                }
                let mut seen: BTreeMap<String, &Name> = BTreeMap::new();
                let mut models = Vec::new();
                for v in values {
                    let rust = match &v.rust_name {
                        Some(n) => names::explicit_camel(&n.text).map_err(|why| (n, why)),
                        None => names::camel(&v.name.text).map_err(|why| (&v.name, why)),
                    };
                    match rust {
                        Ok(rust) if rust == "Unknown" => self.error(&v.name.loc, "\"Unknown\" is reserved for values this crate does not know; give it another rust_name".into()),
                        Ok(rust) => {
                            if let Some(prev) = seen.insert(rust.clone(), &v.name) {
                                self.error(&v.name.loc, format!("\"{}\" and \"{}\" both become the variant {rust}; give one a rust_name", prev.text, v.name.text));
                            }
                            models.push(ValueModel {
                                name: model::Name::new(&v.name.text, &rust),
                                description: v.description.clone(),
                                note: v.note.clone(),
                                deprecated: v.deprecated.clone(),
                                loc: v.name.loc.clone(),
                            });
                        }
                        Err((n, why)) => self.error(&n.loc, why),
                    }
                }
                KindModel::Enum { values: models }
            }
            TypeKind::Union { variants } => {
                if variants.is_empty() {
                    self.error(&t.name.loc, "a union needs at least one variant".into());
                }
                let own: Vec<Flat> = variants
                    .iter()
                    .map(|field| Flat {
                        field,
                        origin: None,
                    })
                    .collect();
                KindModel::Union {
                    variants: self.fields(&own, Place::Union),
                }
            }
        };
        named.then(|| TypeModel {
            name: model::Name::same(&t.name.text),
            description: t.description.clone(),
            note: t.note.clone(),
            deprecated: t.deprecated.clone(),
            kind,
            usage: Usage::Unused,
            loc: t.name.loc.clone(),
            page: t.page.clone(),
        })
    }

    /// Checks fields; the model of each one whose name resolves.
    fn fields(&mut self, fields: &[Flat<'_>], place: Place) -> Vec<FieldModel> {
        let mut rust_names: BTreeMap<String, &Name> = BTreeMap::new();
        let mut models = Vec::new();
        for flat in fields {
            let f = flat.field;
            self.type_expr(&f.ty);
            let rust = match place {
                Place::Union => names::explicit_camel(&f.name.text)
                    .map_err(|why| (&f.name, format!("variant name {why}"))),
                _ => field_rust_name(f),
            };
            match rust {
                Ok(rust) => {
                    if matches!(place, Place::Params(_)) && BUILDER_MEMBERS.contains(&rust.as_str())
                    {
                        self.error(&f.name.loc, format!("\"{rust}\" is the request builder's own method; give the parameter a rust_name"));
                    }
                    // Every object may be sent one day: reserved in all of them, so that it
                    // never has to be renamed later.
                    if place == Place::Object && rust == "new" {
                        self.error(&f.name.loc, "\"new\" is the constructor of the object's type, beside its setters; give the field a rust_name".into());
                    }
                    if place == Place::Object && rust == OBJECT_REPORT {
                        self.error(&f.name.loc, format!("\"{OBJECT_REPORT}\" is the method of every object that tells what it could not read from a response, beside its setters; give the field a rust_name"));
                    }
                    if let Some(prev) = rust_names.insert(rust.clone(), &f.name) {
                        self.error(&f.name.loc, format!("\"{}\" and \"{}\" both become `{rust}` in Rust; give one a rust_name", prev.text, f.name.text));
                    }
                    models.push(field_model(*flat, &rust));
                }
                Err((n, why)) => self.error(&n.loc, why),
            }
            self.constraints(f, place);
        }
        models
    }

    fn constraints(&mut self, f: &Field, place: Place) {
        let loc = &f.name.loc;
        let base = match &f.ty {
            TypeExpr::List(inner) => inner.as_ref(),
            other => other,
        };
        let numeric = matches!(base, TypeExpr::Integer | TypeExpr::Number);
        if (f.min.is_some() || f.max.is_some()) && !numeric {
            self.error(
                loc,
                "min and max apply to integer and number values only".into(),
            );
        }
        if let (Some(min), Some(max)) = (f.min, f.max) {
            if min > max {
                self.error(loc, format!("min ({min}) is greater than max ({max})"));
            }
        }
        if (f.max_length.is_some() || f.format.is_some()) && *base != TypeExpr::String {
            self.error(
                loc,
                "max_length and format apply to string values only".into(),
            );
        }
        if let Some(kind) = f.also {
            // The kinds the conversion table reads as each type.
            let converts = match base {
                // A date is text only.
                TypeExpr::String => kind == JsonKind::Number && f.format.is_none(),
                TypeExpr::Integer | TypeExpr::Number => kind == JsonKind::String,
                TypeExpr::Boolean => matches!(kind, JsonKind::String | JsonKind::Number),
                _ => false,
            };
            if !converts {
                self.error(
                    loc,
                    format!("also: {} is not a kind responses convert to this type (string: number; integer, number: string; boolean: string or number)", kind.name()),
                );
            }
        }
        if f.comma && !matches!(f.ty, TypeExpr::List(_)) {
            self.error(loc, "style: comma applies to lists only".into());
        }
        if (f.client_scope || f.user_scope) && !matches!(place, Place::Params(_)) {
            self.error(loc, "scope applies to parameters only".into());
        }
        if f.replaces && place == Place::Union {
            self.error(loc, "override applies to included fields only".into());
        }
        if let Some(c) = &f.constant {
            let fits = matches!(
                (c, &f.ty),
                (ConstValue::Bool(_), TypeExpr::Boolean)
                    | (ConstValue::Integer(_), TypeExpr::Integer)
                    | (ConstValue::String(_), TypeExpr::String)
            );
            if !fits {
                self.error(loc, "const does not match the type".into());
            }
            if !matches!(place, Place::Params(_)) {
                self.error(loc, "const applies to parameters only".into());
            }
        }
        if place == Place::Params(Some(Method::Get)) {
            let scalar = |t: &TypeExpr| match t {
                TypeExpr::String | TypeExpr::Integer | TypeExpr::Number | TypeExpr::Boolean => true,
                TypeExpr::Named(n) => matches!(
                    self.index.types.get(n.text.as_str()).map(|t| &t.kind),
                    Some(TypeKind::Enum { .. }) | None
                ),
                _ => false,
            };
            let ok = match &f.ty {
                TypeExpr::List(inner) => f.comma && scalar(inner),
                other => scalar(other),
            };
            if !ok {
                self.error(loc, "a GET parameter is sent in the query string: it must be a string, number, boolean or enum, or a list of those with `style: comma`".into());
            }
        }
    }

    fn requirements(&mut self, rules: &[Requirement], fields: &[Flat<'_>]) {
        let known: Vec<&str> = fields.iter().map(|f| f.field.name.text.as_str()).collect();
        for rule in rules {
            if rule.names.is_empty() {
                self.error(&rule.loc, "the rule names no parameter".into());
            }
            for name in rule.names.iter().chain(&rule.when) {
                if !known.contains(&name.text.as_str()) {
                    let hint = suggest(&name.text, known.iter().copied());
                    self.error(
                        &name.loc,
                        format!("no parameter named \"{}\" here{hint}", name.text),
                    );
                }
            }
        }
    }

    fn additional(
        &mut self,
        a: &Additional,
        fields: &[Flat<'_>],
        setter: bool,
    ) -> Option<AdditionalModel> {
        self.type_expr(&a.ty);
        let mut named = Vec::new();
        for n in std::iter::once(&a.name).chain(&a.item_name) {
            match names::explicit_field(&n.text) {
                Ok(rust) => named.push(model::Name::new(&n.text, &rust)),
                Err(why) => self.error(&n.loc, why),
            }
        }
        if setter && a.item_name.is_none() {
            self.error(
                &a.loc,
                "\"item_name\" is missing: the request builder's setter for one entry".into(),
            );
        }
        if !setter && a.name.text == OBJECT_REPORT {
            self.error(&a.name.loc, format!("\"{OBJECT_REPORT}\" is the method of every object that tells what it could not read from a response; name the map otherwise"));
        }
        let rust_names: BTreeSet<String> =
            fields.iter().filter_map(|f| rust_name(f.field)).collect();
        for n in std::iter::once(&a.name).chain(&a.item_name) {
            if rust_names.contains(&n.text) {
                self.error(
                    &n.loc,
                    format!("\"{}\" is also the name of a field", n.text),
                );
            }
        }
        let mut named = named.into_iter();
        let name = named.next()?;
        let item_name = named.next();
        if a.item_name.is_some() && item_name.is_none() {
            return None;
        }
        Some(AdditionalModel {
            name,
            item_name,
            ty: ty(&a.ty),
            description: a.description.clone(),
            loc: a.loc.clone(),
        })
    }

    /// The page and limit parameters are integers of the endpoint; the items path leads
    /// through the response's objects to a list.
    fn paging(
        &mut self,
        p: &Paging,
        e: &Endpoint,
        fields: &[Flat<'_>],
        params: &[FieldModel],
    ) -> Option<PagingModel> {
        for name in [&p.page, &p.limit] {
            match fields.iter().find(|f| f.field.name.text == name.text) {
                Some(f)
                    if f.field.ty == TypeExpr::Integer
                        && !f.field.client_scope
                        && !f.field.user_scope => {}
                Some(_) => self.error(
                    &name.loc,
                    format!("\"{}\" must be an integer parameter of the call", name.text),
                ),
                None => {
                    let known = fields.iter().map(|f| f.field.name.text.as_str());
                    let hint = suggest(&name.text, known);
                    self.error(
                        &name.loc,
                        format!("no parameter named \"{}\" here{hint}", name.text),
                    );
                }
            }
        }
        let limit = fields.iter().find(|f| f.field.name.text == p.limit.text);
        if limit.is_some_and(|f| f.field.max.is_none()) {
            self.error(
                &p.limit.loc,
                format!(
                    "\"{}\" needs a max: it is the page size when none is set",
                    p.limit.text
                ),
            );
        }
        let mut ty = &e.response;
        let mut item = None;
        // `None` once a step's name does not resolve (reported with its type).
        let mut items = Some(Vec::new());
        for step in p.items.text.split('.') {
            let object = match ty {
                TypeExpr::Named(n) => self.index.types.get(n.text.as_str()).copied(),
                _ => None,
            };
            let Some(TypeDef {
                name,
                kind: TypeKind::Object { .. },
                ..
            }) = object
            else {
                self.error(
                    &p.items.loc,
                    format!("\"{}\": \"{step}\" is not inside an object", p.items.text),
                );
                return None;
            };
            let all = self
                .objects
                .get(name.text.as_str())
                .map_or(&[][..], Vec::as_slice);
            match all.iter().find(|f| f.field.name.text == step) {
                Some(f) => {
                    ty = &f.field.ty;
                    items = items.zip(rust_name(f.field)).map(|(mut items, rust)| {
                        items.push(model::Name::new(step, &rust));
                        items
                    });
                    item = Some(formatted(self::ty(ty), f.field.format));
                }
                None => {
                    let hint = suggest(step, all.iter().map(|f| f.field.name.text.as_str()));
                    self.error(
                        &p.items.loc,
                        format!(
                            "\"{}\": {} has no field \"{step}\"{hint}",
                            p.items.text, name.text
                        ),
                    );
                    return None;
                }
            }
        }
        let Some(Ty::List(item)) = item else {
            self.error(
                &p.items.loc,
                format!("\"{}\" must lead to a list", p.items.text),
            );
            return None;
        };
        let param = |wire: &str| params.iter().find(|f| f.name.wire() == wire);
        let (page, limit) = (param(&p.page.text)?, param(&p.limit.text)?);
        Some(PagingModel {
            page: page.name.clone(),
            limit: limit.name.clone(),
            page_size: limit.max? as i64,
            items: items?,
            item: *item,
            loc: p.loc.clone(),
        })
    }

    fn endpoint(&mut self, e: &Endpoint, fields: &[Flat<'_>]) -> Option<EndpointModel> {
        if !e.path.starts_with('/') {
            self.error(
                &e.name.loc,
                format!("path \"{}\" must start with /", e.path),
            );
        }
        let params = self.fields(fields, Place::Params(Some(e.method)));
        self.requirements(&e.requirements, fields);
        // Each part is checked whatever the others give; the model needs them all.
        let paging = e.paging.as_ref().map(|p| {
            for f in fields.iter().map(|f| f.field) {
                if rust_name(f).is_some_and(|n| PAGING_MEMBERS.contains(&n.as_str())) {
                    self.error(&f.name.loc, format!("\"{}\" is a method of this paged endpoint's builder; give the parameter a rust_name", f.name.text));
                }
            }
            self.paging(p, e, fields, &params)
        });
        let additional = e.additional.as_ref().map(|a| {
            if e.method == Method::Get {
                self.error(
                    &a.loc,
                    "additional parameters need a JSON body (POST or DELETE)".into(),
                );
            }
            self.additional(a, fields, true)
        });
        self.type_expr(&e.response);
        let method = names::explicit_field(&e.name.text);
        if method.is_err() {
            self.error(
                &e.name.loc,
                format!(
                    "endpoint id \"{}\" must be a snake_case Rust name",
                    e.name.text
                ),
            );
        }
        let requirements = self
            .index
            .rules(&e.include, &e.requirements)
            .into_iter()
            .map(|r| RuleModel {
                kind: r.kind,
                names: r.names.iter().map(|n| n.text.clone()).collect(),
                when: r.when.iter().map(|n| n.text.clone()).collect(),
                description: r.description.clone(),
            })
            .collect();
        Some(EndpointModel {
            name: model::Name::new(&e.name.text, &method.ok()?),
            builder: builder_name(&e.name.text),
            summary: e.summary.clone(),
            description: e.description.clone(),
            note: e.note.clone(),
            deprecated: e.deprecated.clone(),
            method: e.method,
            path: e.path.clone(),
            idempotent: e.idempotent,
            params,
            includes: e.include.iter().map(|n| n.text.clone()).collect(),
            additional: complete(additional)?,
            requirements,
            response: ty(&e.response),
            response_description: e.response_description.clone(),
            statuses: e.statuses.clone(),
            paging: complete(paging)?,
            loc: e.name.loc.clone(),
            page: e.page.clone(),
        })
    }
}
