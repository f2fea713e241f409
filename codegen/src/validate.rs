//! Validate: every name resolves, every rule makes sense, every Rust name is possible and
//! unique. All problems are reported; the model stage runs only on a schema that passed.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{suggest, Diagnostics};
use crate::names;
use crate::schema::*;

/// What a request builder (and the per-user handle) has besides its setters: a parameter
/// cannot take these Rust names.
const BUILDER_MEMBERS: &[&str] = &["client", "send", "future", "new"];

/// The builder methods of a paged endpoint.
const PAGING_MEMBERS: &[&str] = &["pages", "items", "page_stream", "item_stream"];

/// The methods of the generated `ClientBuilder` (the runtime's `client!` macro) besides the
/// client parameters' setters, which cannot take these names. Public for the test that keeps
/// it equal to the macro's methods.
pub const CLIENT_BUILDER_METHODS: &[&str] = &[
    "base_url",
    "timeout",
    "attempt_timeout",
    "connect_timeout",
    "retry",
    "max_response_bytes",
    "user_agent",
    "strict_responses",
    "build",
    "params_mut",
];

/// Every object's method (and private field) for the values it could not read from a response:
/// no field of an object can take the name, nor its `additional` map.
pub const OBJECT_REPORT: &str = "unread";

/// Names reserved for what the generator itself emits: its own types, the standard names it
/// uses unqualified (a schema type of that name would hide them), and `M`, the mode parameter
/// of the client and the builders.
pub const RESERVED_TYPES: &[&str] = &[
    "M",
    "Clone",
    "From",
    "Into",
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
    /// overrides applied. Conflicts and unknown includes are reported.
    pub fn flatten(
        &self,
        owner: &'s str,
        include: &'s [Name],
        own: &'s [Field],
        objects_only: bool,
        diags: &mut Diagnostics,
    ) -> Vec<&'s Field> {
        let mut out = Vec::new();
        self.flatten_into(
            include,
            own,
            objects_only,
            diags,
            &mut vec![owner],
            &mut out,
        );
        out
    }

    fn flatten_into(
        &self,
        include: &'s [Name],
        own: &'s [Field],
        objects_only: bool,
        diags: &mut Diagnostics,
        seen: &mut Vec<&'s str>,
        out: &mut Vec<&'s Field>,
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
                Source::Set(s) => self.flatten_into(&s.include, &s.params, false, diags, seen, out),
                Source::Object(t) => {
                    if let TypeKind::Object {
                        include, fields, ..
                    } = &t.kind
                    {
                        self.flatten_into(include, fields, true, diags, seen, out)
                    }
                }
            }
            seen.pop();
        }
        for field in own {
            match out.iter().position(|f| f.name.text == field.name.text) {
                Some(i) if field.replaces => out[i] = field,
                Some(i) => {
                    report(
                        diags,
                        &field.name.loc,
                        format!(
                            "\"{}\" is already included from {}; add `override: true` to replace it",
                            field.name.text,
                            out[i].name.loc.file_line()
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
                None => out.push(field),
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

/// Checks the whole schema.
pub fn validate(schema: &Schema, diags: &mut Diagnostics) {
    let index = Index::new(schema, diags);
    let v = &mut Validator {
        index: &index,
        diags,
    };
    match &schema.api {
        Some(api) => v.api(api),
        // A file that could not be parsed may hold it; its syntax error is reported already.
        None if schema.unreadable_files => {}
        None => v
            .diags
            .push("schema", None, "api", "no file defines \"api\"".into()),
    }
    for t in &schema.types {
        v.type_def(t);
    }
    let mut client_params: BTreeMap<&str, &Field> = BTreeMap::new();
    for s in &schema.parameter_sets {
        let fields = index.flatten(&s.name.text, &s.include, &s.params, false, v.diags);
        v.fields(&fields, Place::Params(None));
        v.requirements(&s.requirements, &fields);
    }
    let mut user_params: BTreeMap<&str, &Field> = BTreeMap::new();
    let mut methods: BTreeMap<String, &Name> = BTreeMap::new();
    for e in &schema.endpoints {
        let fields = index.flatten(&e.name.text, &e.include, &e.params, false, v.diags);
        v.endpoint(e, &fields);
        for f in fields.iter().filter(|f| f.client_scope) {
            match client_params.get(f.name.text.as_str()) {
                Some(prev) if !std::ptr::eq(*prev, *f) => report(
                    v.diags,
                    &f.name.loc,
                    format!("client parameter \"{}\" is defined twice; define it once in a parameter set", f.name.text),
                ),
                _ => {
                    client_params.insert(&f.name.text, f);
                }
            }
        }
        for f in fields.iter().filter(|f| f.user_scope) {
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
        if ["builder", "base_url", "user", "blocking"].contains(&e.name.text.as_str()) {
            report(
                v.diags,
                &e.name.loc,
                format!(
                    "\"{}\" is a method of the client itself; give the endpoint another id",
                    e.name.text
                ),
            );
        }
        if let Ok(method) = names::explicit_field(&e.name.text) {
            let builder = format!("{}Request", names::to_camel(&e.name.text));
            if let Some(t) = index.types.get(builder.as_str()) {
                report(v.diags, &t.name.loc, format!("\"{builder}\" is the name of the builder of endpoint \"{}\"; rename the type", e.name.text));
            }
            if let Some(prev) = methods.insert(method.clone(), &e.name) {
                twice(v.diags, &e.name, prev);
            }
        } else {
            report(
                v.diags,
                &e.name.loc,
                format!(
                    "endpoint id \"{}\" must be a snake_case Rust name",
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
        if rust_name(f).is_some_and(|n| CLIENT_BUILDER_METHODS.contains(&n.as_str())) {
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
}

impl Field {
    fn ty_loc(&self) -> Loc {
        let mut loc = self.name.loc.clone();
        loc.path.push_str(".type");
        loc
    }
}

impl Validator<'_, '_> {
    fn error(&mut self, loc: &Loc, message: String) {
        report(self.diags, loc, message);
    }

    fn api(&mut self, api: &Api) {
        if !(api.base_url.starts_with("https://") || api.base_url.starts_with("http://")) {
            self.error(
                &api.loc,
                format!("base_url \"{}\" is not an http(s) URL", api.base_url),
            );
        }
        if api.errors.message_fields.is_empty() {
            self.error(&api.loc, "errors.message_fields lists no field".into());
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

    fn type_def(&mut self, t: &TypeDef) {
        if let Err(why) = names::explicit_camel(&t.name.text) {
            self.error(&t.name.loc, format!("type name {why}"));
        } else if RESERVED_TYPES.contains(&t.name.text.as_str()) {
            self.error(
                &t.name.loc,
                format!(
                    "\"{}\" is reserved for generated code; rename the type",
                    t.name.text
                ),
            );
        }
        match &t.kind {
            TypeKind::Object {
                include,
                fields,
                additional,
            } => {
                let all = self
                    .index
                    .flatten(&t.name.text, include, fields, true, self.diags);
                self.fields(&all, Place::Object);
                if let Some(a) = additional {
                    self.additional(a, &all, false);
                }
            }
            TypeKind::Enum { values } => {
                if values.is_empty() {
                    self.error(&t.name.loc, "an enum needs at least one value".into());
                }
                let mut seen: BTreeMap<String, &Name> = BTreeMap::new();
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
                        }
                        Err((n, why)) => self.error(&n.loc, why),
                    }
                }
            }
            TypeKind::Union { variants } => {
                if variants.is_empty() {
                    self.error(&t.name.loc, "a union needs at least one variant".into());
                }
                let refs: Vec<&Field> = variants.iter().collect();
                self.fields(&refs, Place::Union);
            }
        }
    }

    fn fields(&mut self, fields: &[&Field], place: Place) {
        let mut rust_names: BTreeMap<String, &Name> = BTreeMap::new();
        for f in fields {
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
                        self.error(&f.name.loc, format!("\"{rust}\" is used by the request builder itself; give the parameter a rust_name"));
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
                }
                Err((n, why)) => self.error(&n.loc, why),
            }
            self.constraints(f, place);
        }
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

    fn requirements(&mut self, rules: &[Requirement], fields: &[&Field]) {
        let known: Vec<&str> = fields.iter().map(|f| f.name.text.as_str()).collect();
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

    fn additional(&mut self, a: &Additional, fields: &[&Field], setter: bool) {
        self.type_expr(&a.ty);
        for n in std::iter::once(&a.name).chain(&a.item_name) {
            if let Err(why) = names::explicit_field(&n.text) {
                self.error(&n.loc, why);
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
        let rust_names: BTreeSet<String> = fields
            .iter()
            .filter_map(|f| match &f.rust_name {
                Some(n) => Some(n.text.clone()),
                None => names::field(&f.name.text).ok(),
            })
            .collect();
        for n in std::iter::once(&a.name).chain(&a.item_name) {
            if rust_names.contains(&n.text) {
                self.error(
                    &n.loc,
                    format!("\"{}\" is also the name of a field", n.text),
                );
            }
        }
    }

    /// The page and limit parameters are integers of the endpoint; the items path leads
    /// through the response's objects to a list.
    fn paging(&mut self, p: &Paging, e: &Endpoint, fields: &[&Field]) {
        for name in [&p.page, &p.limit] {
            match fields.iter().find(|f| f.name.text == name.text) {
                Some(f) if f.ty == TypeExpr::Integer && !f.client_scope && !f.user_scope => {}
                Some(_) => self.error(
                    &name.loc,
                    format!("\"{}\" must be an integer parameter of the call", name.text),
                ),
                None => {
                    let hint = suggest(&name.text, fields.iter().map(|f| f.name.text.as_str()));
                    self.error(
                        &name.loc,
                        format!("no parameter named \"{}\" here{hint}", name.text),
                    );
                }
            }
        }
        if fields
            .iter()
            .find(|f| f.name.text == p.limit.text)
            .is_some_and(|f| f.max.is_none())
        {
            self.error(
                &p.limit.loc,
                format!(
                    "\"{}\" needs a max: it is the page size when none is set",
                    p.limit.text
                ),
            );
        }
        let mut ty = &e.response;
        for step in p.items.text.split('.') {
            let object = match ty {
                TypeExpr::Named(n) => self.index.types.get(n.text.as_str()).copied(),
                _ => None,
            };
            let Some(TypeDef {
                name,
                kind: TypeKind::Object {
                    include, fields, ..
                },
                ..
            }) = object
            else {
                self.error(
                    &p.items.loc,
                    format!("\"{}\": \"{step}\" is not inside an object", p.items.text),
                );
                return;
            };
            let mut sink = Diagnostics::default();
            let all = self
                .index
                .flatten(&name.text, include, fields, true, &mut sink);
            match all.iter().find(|f| f.name.text == step) {
                Some(f) => ty = &f.ty,
                None => {
                    let hint = suggest(step, all.iter().map(|f| f.name.text.as_str()));
                    self.error(
                        &p.items.loc,
                        format!(
                            "\"{}\": {} has no field \"{step}\"{hint}",
                            p.items.text, name.text
                        ),
                    );
                    return;
                }
            }
        }
        if !matches!(ty, TypeExpr::List(_)) {
            self.error(
                &p.items.loc,
                format!("\"{}\" must lead to a list", p.items.text),
            );
        }
    }

    fn endpoint(&mut self, e: &Endpoint, fields: &[&Field]) {
        if !e.path.starts_with('/') {
            self.error(
                &e.name.loc,
                format!("path \"{}\" must start with /", e.path),
            );
        }
        self.fields(fields, Place::Params(Some(e.method)));
        self.requirements(&e.requirements, fields);
        if let Some(p) = &e.paging {
            self.paging(p, e, fields);
            for f in fields {
                if rust_name(f).is_some_and(|n| PAGING_MEMBERS.contains(&n.as_str())) {
                    self.error(&f.name.loc, format!("\"{}\" is a method of this paged endpoint's builder; give the parameter a rust_name", f.name.text));
                }
            }
        }
        if let Some(a) = &e.additional {
            if e.method == Method::Get {
                self.error(
                    &a.loc,
                    "additional parameters need a JSON body (POST)".into(),
                );
            }
            self.additional(a, fields, true);
        }
        self.type_expr(&e.response);
    }
}
