//! Load: YAML trees → [`Schema`]. Strict: unknown keys, wrong shapes and missing keys are all
//! reported (every one of them, not just the first), each at its own position.

use crate::diag::{suggest, Diagnostics};
use crate::schema::*;
use crate::yaml::{self, Node, Value};

/// Keys the schema language had and dropped, with what to do instead: a schema written for an
/// older generator gets that, not "unknown key".
const RETIRED_KEYS: &[(&str, &str)] = &[(
    "lenient",
    "every response value is read leniently now (schema/README.md, \"How responses are read\"); remove it, or say `also: number` (or `string`) where the published docs give the value both types",
)];

/// One schema file: its name (for messages) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name used in messages, such as `schema/api.yaml`.
    pub name: String,
    /// The YAML text.
    pub text: String,
}

/// Reads every file and merges them into one schema. Problems are added to `diags`.
pub fn load(files: &[SourceFile], diags: &mut Diagnostics) -> Schema {
    let mut schema = Schema::default();
    for file in files {
        let root = match yaml::parse(&file.text) {
            Ok(root) => root,
            Err(e) => {
                diags.push(
                    &file.name,
                    Some(e.pos),
                    "",
                    format!("YAML syntax: {}", e.message),
                );
                schema.unreadable_files = true;
                continue;
            }
        };
        let loc = Loc {
            file: file.name.clone(),
            pos: Some(root.pos),
            path: String::new(),
        };
        let mut r = Reader { diags };
        r.file(&root, &loc, &mut schema);
    }
    schema
}

struct Reader<'d> {
    diags: &'d mut Diagnostics,
}

/// A mapping whose keys have been checked against the keys its place allows.
struct Map<'n> {
    /// Key, key position, value.
    entries: Vec<(&'n str, yaml::Pos, &'n Node)>,
    loc: Loc,
}

impl<'n> Map<'n> {
    fn get(&self, key: &str) -> Option<(&'n Node, Loc)> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| (*v, self.loc.child(key, v.pos)))
    }
}

impl Reader<'_> {
    fn error(&mut self, loc: &Loc, message: String) {
        self.diags.push(&loc.file, loc.pos, &loc.path, message);
    }

    /// A mapping with only the allowed keys (reports the others and duplicates).
    fn map<'n>(&mut self, node: &'n Node, loc: &Loc, allowed: &[&str]) -> Option<Map<'n>> {
        let Value::Map(entries) = &node.value else {
            if node.is_null() && allowed.is_empty() {
                return Some(Map {
                    entries: Vec::new(),
                    loc: loc.clone(),
                });
            }
            self.error(loc, format!("expected a mapping, found {}", node.kind()));
            return None;
        };
        let mut out: Vec<(&str, yaml::Pos, &Node)> = Vec::new();
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let key_loc = loc.child(key, k.pos);
            if out.iter().any(|(seen, _, _)| *seen == key) {
                self.error(&key_loc, format!("\"{key}\" is given twice"));
            } else if allowed.is_empty() || allowed.contains(&key) {
                out.push((key, k.pos, v));
            } else if let Some((_, why)) = RETIRED_KEYS.iter().find(|(k, _)| *k == key) {
                self.error(&key_loc, format!("\"{key}\" is no longer a key: {why}"));
            } else {
                let hint = suggest(key, allowed.iter().copied());
                self.error(
                    &key_loc,
                    format!(
                        "unknown key \"{key}\"{hint} (allowed here: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(Map {
            entries: out,
            loc: loc.clone(),
        })
    }

    /// Every entry of an open mapping (names chosen by the schema author).
    fn entries<'n>(&mut self, node: &'n Node, loc: &Loc) -> Vec<(Name, &'n Node, Loc)> {
        let Some(map) = self.map(node, loc, &[]) else {
            return Vec::new();
        };
        map.entries
            .iter()
            .map(|(k, key_pos, v)| {
                let name = Name {
                    text: k.to_string(),
                    loc: loc.child(k, *key_pos),
                };
                (name, *v, loc.child(k, v.pos))
            })
            .collect()
    }

    fn string(&mut self, node: &Node, loc: &Loc) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() => Some(text.trim().to_string()),
            _ => {
                self.error(loc, format!("expected text, found {}", node.kind()));
                None
            }
        }
    }

    fn bool(&mut self, node: &Node, loc: &Loc) -> Option<bool> {
        let b = node.as_bool();
        if b.is_none() {
            self.error(
                loc,
                format!("expected true or false, found {}", describe(node)),
            );
        }
        b
    }

    fn number(&mut self, node: &Node, loc: &Loc) -> Option<f64> {
        let n = node.as_f64();
        if n.is_none() {
            self.error(loc, format!("expected a number, found {}", describe(node)));
        }
        n
    }

    fn opt_string(&mut self, map: &Map, key: &str) -> Option<String> {
        let (node, loc) = map.get(key)?;
        self.string(node, &loc)
    }

    fn req_string(&mut self, map: &Map, key: &str) -> String {
        match map.get(key) {
            Some((node, loc)) => self.string(node, &loc).unwrap_or_default(),
            None => {
                self.error(&map.loc, format!("\"{key}\" is missing"));
                String::new()
            }
        }
    }

    fn opt_bool(&mut self, map: &Map, key: &str) -> bool {
        map.get(key)
            .and_then(|(node, loc)| self.bool(node, &loc))
            .unwrap_or(false)
    }

    fn opt_name(&mut self, map: &Map, key: &str) -> Option<Name> {
        let (node, loc) = map.get(key)?;
        let text = self.string(node, &loc)?;
        Some(Name { text, loc })
    }

    /// A list of names; a single name is accepted as a list of one.
    fn names(&mut self, map: &Map, key: &str) -> Vec<Name> {
        let Some((node, loc)) = map.get(key) else {
            return Vec::new();
        };
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let l = Loc {
                        pos: Some(item.pos),
                        path: format!("{}[{i}]", loc.path),
                        ..loc.clone()
                    };
                    let text = self.string(item, &l)?;
                    Some(Name { text, loc: l })
                })
                .collect(),
            _ => self
                .string(node, &loc)
                .map(|text| vec![Name { text, loc }])
                .unwrap_or_default(),
        }
    }

    fn file(&mut self, root: &Node, loc: &Loc, schema: &mut Schema) {
        let Some(map) = self.map(root, loc, &["api", "parameter_sets", "types", "endpoints"])
        else {
            return;
        };
        if let Some((node, l)) = map.get("api") {
            if let Some(prev) = &schema.api {
                let first = prev.loc.file_line();
                self.error(&l, format!("\"api\" is already defined at {first}"));
            } else {
                schema.api = self.api(node, &l);
            }
        }
        if let Some((node, l)) = map.get("parameter_sets") {
            for (name, node, l) in self.entries(node, &l) {
                if let Some(set) = self.param_set(name, node, &l) {
                    schema.parameter_sets.push(set);
                }
            }
        }
        if let Some((node, l)) = map.get("types") {
            for (name, node, l) in self.entries(node, &l) {
                if let Some(t) = self.type_def(name, node, &l) {
                    schema.types.push(t);
                }
            }
        }
        if let Some((node, l)) = map.get("endpoints") {
            for (name, node, l) in self.entries(node, &l) {
                if let Some(e) = self.endpoint(name, node, &l) {
                    schema.endpoints.push(e);
                }
            }
        }
    }

    fn api(&mut self, node: &Node, loc: &Loc) -> Option<Api> {
        let map = self.map(
            node,
            loc,
            &["name", "description", "base_url", "docs", "errors"],
        )?;
        let errors = match map.get("errors") {
            Some((node, l)) => self.error_shape(node, &l)?,
            None => {
                self.error(loc, "\"errors\" is missing".into());
                return None;
            }
        };
        Some(Api {
            name: self.req_string(&map, "name"),
            description: self.req_string(&map, "description"),
            base_url: self.req_string(&map, "base_url"),
            docs: self.req_string(&map, "docs"),
            errors,
            loc: loc.clone(),
        })
    }

    fn error_shape(&mut self, node: &Node, loc: &Loc) -> Option<ErrorShape> {
        let map = self.map(
            node,
            loc,
            &["status_field", "error_value", "message_fields"],
        )?;
        Some(ErrorShape {
            status_field: self.req_string(&map, "status_field"),
            error_value: self.req_string(&map, "error_value"),
            message_fields: self
                .names(&map, "message_fields")
                .into_iter()
                .map(|n| n.text)
                .collect(),
        })
    }

    fn param_set(&mut self, name: Name, node: &Node, loc: &Loc) -> Option<ParamSet> {
        let map = self.map(
            node,
            loc,
            &["description", "include", "params", "requirements"],
        )?;
        Some(ParamSet {
            name,
            description: self.req_string(&map, "description"),
            include: self.names(&map, "include"),
            params: self.fields(&map, "params"),
            requirements: self.requirements(&map),
        })
    }

    fn fields(&mut self, map: &Map, key: &str) -> Vec<Field> {
        let Some((node, loc)) = map.get(key) else {
            return Vec::new();
        };
        self.entries(node, &loc)
            .into_iter()
            .filter_map(|(name, node, l)| self.field(name, node, &l))
            .collect()
    }

    fn field(&mut self, name: Name, node: &Node, loc: &Loc) -> Option<Field> {
        let map = self.map(
            node,
            loc,
            &[
                "type",
                "description",
                "required",
                "rust_name",
                "sensitive",
                "also",
                "page",
                "deprecated",
                "note",
                "aliases",
                "scope",
                "min",
                "max",
                "max_length",
                "format",
                "style",
                "const",
                "override",
            ],
        )?;
        let ty = self.type_field(&map)?;
        let (client_scope, user_scope) = match map.get("scope") {
            Some((node, l)) => match self.string(node, &l).as_deref() {
                Some("client") => (true, false),
                Some("user") => (false, true),
                Some("call") | None => (false, false),
                Some(other) => {
                    self.error(
                        &l,
                        format!("unknown scope \"{other}\" (allowed: client, user, call)"),
                    );
                    (false, false)
                }
            },
            None => (false, false),
        };
        let format = map.get("format").and_then(|(node, l)| {
            let text = self.string(node, &l)?;
            let found = Format::ALL
                .iter()
                .find(|(n, _)| *n == text)
                .map(|(_, f)| *f);
            if found.is_none() {
                let hint = suggest(&text, Format::ALL.iter().map(|(n, _)| *n));
                self.error(&l, format!("unknown format \"{text}\"{hint}"));
            }
            found
        });
        let also = map.get("also").and_then(|(node, l)| {
            let text = self.string(node, &l)?;
            let found = JsonKind::ALL
                .iter()
                .find(|(n, _)| *n == text)
                .map(|(_, k)| *k);
            if found.is_none() {
                let hint = suggest(&text, JsonKind::ALL.iter().map(|(n, _)| *n));
                self.error(
                    &l,
                    format!("unknown kind \"{text}\"{hint} (allowed: string, number, boolean)"),
                );
            }
            found
        });
        let comma = match map.get("style") {
            Some((node, l)) => match self.string(node, &l).as_deref() {
                Some("comma") => true,
                Some(other) => {
                    self.error(&l, format!("unknown style \"{other}\" (allowed: comma)"));
                    false
                }
                None => false,
            },
            None => false,
        };
        let max_length = map.get("max_length").and_then(|(node, l)| {
            let n = node.as_i64().and_then(|n| u64::try_from(n).ok());
            if n.is_none() {
                self.error(
                    &l,
                    format!("expected a whole number ≥ 0, found {}", describe(node)),
                );
            }
            n
        });
        let constant = map.get("const").map(|(node, _)| {
            if let Some(b) = node.as_bool() {
                ConstValue::Bool(b)
            } else if let Some(i) = node.as_i64() {
                ConstValue::Integer(i)
            } else {
                ConstValue::String(node.as_str().unwrap_or_default().to_string())
            }
        });
        Some(Field {
            name,
            ty,
            description: self.req_string(&map, "description"),
            required: self.opt_bool(&map, "required"),
            rust_name: self.opt_name(&map, "rust_name"),
            sensitive: self.opt_bool(&map, "sensitive"),
            also,
            page: self.page(&map, PageOn::Field),
            deprecated: self.opt_string(&map, "deprecated"),
            note: self.opt_string(&map, "note"),
            aliases: self
                .names(&map, "aliases")
                .into_iter()
                .map(|n| n.text)
                .collect(),
            client_scope,
            user_scope,
            min: map.get("min").and_then(|(n, l)| self.number(n, &l)),
            max: map.get("max").and_then(|(n, l)| self.number(n, &l)),
            max_length,
            format,
            comma,
            constant,
            replaces: self.opt_bool(&map, "override"),
        })
    }

    /// The required `type` key, parsed as a type expression.
    fn type_field(&mut self, map: &Map) -> Option<TypeExpr> {
        let Some((node, loc)) = map.get("type") else {
            self.error(&map.loc, "\"type\" is missing".into());
            return None;
        };
        let text = self.string(node, &loc)?;
        match parse_type(&text, &loc) {
            Ok(ty) => Some(ty),
            Err(message) => {
                self.error(&loc, message);
                None
            }
        }
    }

    fn additional(&mut self, map: &Map) -> Option<Additional> {
        let (node, loc) = map.get("additional")?;
        let inner = self.map(node, &loc, &["name", "item_name", "type", "description"])?;
        let ty = self.type_field(&inner)?;
        let name = match self.opt_name(&inner, "name") {
            Some(n) => n,
            None => {
                self.error(&loc, "\"name\" is missing".into());
                return None;
            }
        };
        Some(Additional {
            name,
            item_name: self.opt_name(&inner, "item_name"),
            ty,
            description: self.req_string(&inner, "description"),
            loc,
        })
    }

    fn type_def(&mut self, name: Name, node: &Node, loc: &Loc) -> Option<TypeDef> {
        let map = self.map(
            node,
            loc,
            &[
                "description",
                "note",
                "deprecated",
                "fields",
                "include",
                "additional",
                "values",
                "one_of",
                "page",
            ],
        )?;
        let shapes: Vec<&str> = ["fields", "values", "one_of"]
            .into_iter()
            .filter(|k| map.get(k).is_some())
            .collect();
        let kind = match shapes.as_slice() {
            ["values"] => {
                if map.get("include").is_some() || map.get("additional").is_some() {
                    self.error(loc, "an enum has no \"include\" or \"additional\"".into());
                }
                let (node, l) = map.get("values").expect("checked");
                TypeKind::Enum {
                    values: self.enum_values(node, &l),
                }
            }
            ["one_of"] => {
                if map.get("include").is_some() || map.get("additional").is_some() {
                    self.error(loc, "a union has no \"include\" or \"additional\"".into());
                }
                TypeKind::Union {
                    variants: self.fields(&map, "one_of"),
                }
            }
            [] if map.get("include").is_none() && map.get("additional").is_none() => {
                self.error(
                    loc,
                    "a type needs \"fields\" (an object), \"values\" (an enum) or \"one_of\" (a union)"
                        .into(),
                );
                return None;
            }
            [] | ["fields"] => TypeKind::Object {
                include: self.names(&map, "include"),
                fields: self.fields(&map, "fields"),
                additional: self.additional(&map).map(Box::new),
            },
            _ => {
                self.error(
                    loc,
                    format!(
                        "a type is one kind: {} cannot go together",
                        shapes.join(" and ")
                    ),
                );
                return None;
            }
        };
        Some(TypeDef {
            name,
            description: self.req_string(&map, "description"),
            note: self.opt_string(&map, "note"),
            deprecated: self.opt_string(&map, "deprecated"),
            kind,
            page: self.page(&map, PageOn::Type),
        })
    }

    fn enum_values(&mut self, node: &Node, loc: &Loc) -> Vec<EnumValue> {
        let mut out = Vec::new();
        for (name, node, l) in self.entries(node, loc) {
            // `value: Description.` is short for `value: {description: Description.}`
            if let Value::Scalar { .. } = node.value {
                if let Some(description) = self.string(node, &l) {
                    out.push(EnumValue {
                        name,
                        rust_name: None,
                        description,
                        note: None,
                        deprecated: None,
                    });
                }
                continue;
            }
            let Some(map) = self.map(
                node,
                &l,
                &["rust_name", "description", "note", "deprecated"],
            ) else {
                continue;
            };
            out.push(EnumValue {
                name,
                rust_name: self.opt_name(&map, "rust_name"),
                description: self.req_string(&map, "description"),
                note: self.opt_string(&map, "note"),
                deprecated: self.opt_string(&map, "deprecated"),
            });
        }
        out
    }

    fn requirements(&mut self, map: &Map) -> Vec<Requirement> {
        let Some((node, loc)) = map.get("requirements") else {
            return Vec::new();
        };
        let Value::Seq(items) = &node.value else {
            self.error(
                &loc,
                format!("expected a list of rules, found {}", node.kind()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let l = Loc {
                pos: Some(item.pos),
                path: format!("{}[{i}]", loc.path),
                ..loc.clone()
            };
            let Some(rule) = self.map(item, &l, &["all_of", "any_of", "when", "description"])
            else {
                continue;
            };
            let (kind, key) = match (rule.get("all_of"), rule.get("any_of")) {
                (Some(_), None) => (RuleKind::AllOf, "all_of"),
                (None, Some(_)) => (RuleKind::AnyOf, "any_of"),
                _ => {
                    self.error(
                        &l,
                        "a rule has exactly one of \"all_of\" and \"any_of\"".into(),
                    );
                    continue;
                }
            };
            out.push(Requirement {
                kind,
                names: self.names(&rule, key),
                when: self.names(&rule, "when"),
                description: self.req_string(&rule, "description"),
                loc: l,
            });
        }
        out
    }

    fn endpoint(&mut self, name: Name, node: &Node, loc: &Loc) -> Option<Endpoint> {
        let map = self.map(
            node,
            loc,
            &[
                "summary",
                "description",
                "method",
                "path",
                "idempotent",
                "include",
                "params",
                "additional",
                "requirements",
                "response",
                "statuses",
                "paging",
                "note",
                "deprecated",
                "page",
            ],
        )?;
        let paging = map.get("paging").and_then(|(node, l)| {
            let inner = self.map(node, &l, &["page", "limit", "items"])?;
            let mut name = |key: &str| {
                let found = self.opt_name(&inner, key);
                if found.is_none() {
                    self.error(&l, format!("\"{key}\" is missing"));
                }
                found
            };
            let (page, limit, items) = (name("page"), name("limit"), name("items"));
            Some(Paging {
                page: page?,
                limit: limit?,
                items: items?,
                loc: l,
            })
        });
        let method = match map.get("method") {
            Some((node, l)) => match self.string(node, &l).as_deref() {
                Some("GET") => Some(Method::Get),
                Some("POST") => Some(Method::Post),
                Some("DELETE") => Some(Method::Delete),
                Some(other) => {
                    self.error(
                        &l,
                        format!("unsupported method \"{other}\" (allowed: GET, POST, DELETE)"),
                    );
                    None
                }
                None => None,
            },
            None => {
                self.error(loc, "\"method\" is missing".into());
                None
            }
        };
        let response = match map.get("response") {
            Some((node, l)) => self
                .map(node, &l, &["type", "description"])
                .and_then(|inner| {
                    let description = self.req_string(&inner, "description");
                    Some((self.type_field(&inner)?, description))
                }),
            None => {
                self.error(loc, "\"response\" is missing".into());
                None
            }
        };
        let mut statuses = Vec::new();
        if let Some((node, l)) = map.get("statuses") {
            for (code, node, l) in self.entries(node, &l) {
                match code.text.parse::<u16>() {
                    Ok(c) if (100..600).contains(&c) => {
                        if let Some(text) = self.string(node, &l) {
                            statuses.push((c, text));
                        }
                    }
                    _ => self.error(&l, format!("\"{}\" is not an HTTP status code", code.text)),
                }
            }
        }
        let idempotent = match map.get("idempotent") {
            Some((node, l)) => self.bool(node, &l).unwrap_or(false),
            None => {
                self.error(
                    loc,
                    "\"idempotent\" is missing: say whether a retry is safe".into(),
                );
                false
            }
        };
        let summary = self.req_string(&map, "summary");
        let description = self.req_string(&map, "description");
        let path = self.req_string(&map, "path");
        let include = self.names(&map, "include");
        let params = self.fields(&map, "params");
        let additional = self.additional(&map);
        let requirements = self.requirements(&map);
        let note = self.opt_string(&map, "note");
        let deprecated = self.opt_string(&map, "deprecated");
        let page = self.page(&map, PageOn::Endpoint);
        let (method, (response, response_description)) = (method?, response?);
        Some(Endpoint {
            name,
            summary,
            description,
            method,
            path,
            idempotent,
            include,
            params,
            additional,
            requirements,
            response,
            response_description,
            statuses,
            paging,
            note,
            deprecated,
            page,
        })
    }

    /// The `page` key: what the published page says where we depart from it.
    fn page(&mut self, map: &Map, on: PageOn) -> PageSays {
        let Some((node, loc)) = map.get("page") else {
            return PageSays::default();
        };
        // What a page can say about each kind of item.
        let keys: &[&str] = match on {
            PageOn::Field => &["requirement", "type", "absent"],
            PageOn::Type => &["values", "absent"],
            PageOn::Endpoint => &["statuses", "absent"],
        };
        let Some(inner) = self.map(node, &loc, keys) else {
            return PageSays::default();
        };
        let words = |reader: &mut Self, key: &str| -> Vec<String> {
            reader
                .names(&inner, key)
                .into_iter()
                .map(|n| n.text)
                .collect()
        };
        let requirement = words(self, "requirement");
        for word in &requirement {
            let known = ["required", "optional", "one of", "unstated"].contains(&word.as_str())
                || word.starts_with("unless ");
            if !known {
                self.error(
                    &loc,
                    format!("page.requirement \"{word}\" is not one of required, optional, one of, unless NAME, unstated"),
                );
            }
        }
        // One list of values, or a list of lists.
        let values = match inner.get("values") {
            Some((node, l)) => match &node.value {
                Value::Seq(items) if items.iter().any(|i| matches!(i.value, Value::Seq(_))) => {
                    items
                        .iter()
                        .map(|list| match &list.value {
                            Value::Seq(words) => words
                                .iter()
                                .filter_map(|w| w.as_str().map(str::to_string))
                                .collect(),
                            _ => {
                                self.error(
                                    &l,
                                    "page.values: a list of values, or a list of lists".into(),
                                );
                                Vec::new()
                            }
                        })
                        .collect()
                }
                _ => vec![words(self, "values")],
            },
            None => Vec::new(),
        };
        let statuses = inner.get("statuses").map(|(node, l)| {
            let codes = match &node.value {
                Value::Seq(items) => items.iter().filter_map(Node::as_i64).collect(),
                _ => node.as_i64().into_iter().collect::<Vec<_>>(),
            };
            let codes: Vec<u16> = codes
                .into_iter()
                .filter_map(|c| u16::try_from(c).ok())
                .collect();
            if codes.is_empty() {
                self.error(&l, "page.statuses lists no status code".into());
            }
            codes
        });
        PageSays {
            requirement,
            type_words: words(self, "type"),
            absent: self.opt_bool(&inner, "absent"),
            values,
            statuses,
        }
    }
}

/// The item a `page` record is on.
#[derive(Clone, Copy)]
enum PageOn {
    Field,
    Type,
    Endpoint,
}

fn describe(node: &Node) -> String {
    match node.as_str() {
        Some(text) if !node.is_null() => format!("\"{text}\""),
        _ => node.kind().to_string(),
    }
}

/// Parses `string`, `list<T>`, `map<T>` or a type name.
pub fn parse_type(text: &str, loc: &Loc) -> Result<TypeExpr, String> {
    let text = text.trim();
    for (prefix, wrap) in [
        ("list<", TypeExpr::List as fn(Box<TypeExpr>) -> TypeExpr),
        ("map<", TypeExpr::Map),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let inner = rest
                .strip_suffix('>')
                .ok_or_else(|| format!("\"{text}\" is missing its closing \">\""))?;
            return Ok(wrap(Box::new(parse_type(inner, loc)?)));
        }
    }
    Ok(match text {
        "string" => TypeExpr::String,
        "integer" => TypeExpr::Integer,
        "number" => TypeExpr::Number,
        "boolean" => TypeExpr::Boolean,
        "json" => TypeExpr::Json,
        _ if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            TypeExpr::Named(Name {
                text: text.to_string(),
                loc: loc.clone(),
            })
        }
        _ => return Err(format!("\"{text}\" is not a type expression (string, integer, number, boolean, json, list<T>, map<T> or a type name)")),
    })
}
