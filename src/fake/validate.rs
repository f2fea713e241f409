//! Checks requests against the schema the client is generated from (embedded at build time),
//! so the fake refuses exactly what the schema says PersonaClick refuses.

use personaclick_codegen::model::{EndpointModel, FieldModel, KindModel, Model, Style, Ty};
use personaclick_codegen::schema::{Format as SchemaFormat, Method, RuleKind};
use serde_json::{Map, Value};

use crate::check::Format;
use crate::read;

const SCHEMA_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

/// What arrived: query pairs (GET) or a JSON object (POST).
pub(crate) enum Input {
    Query(Vec<(String, String)>),
    Body(Map<String, Value>),
}

/// A request that passed: its parameters by wire name (aliases folded in), typed as JSON, and
/// the free-form entries (custom properties).
pub(crate) struct Checked<'m> {
    pub endpoint: &'m EndpointModel,
    pub values: Map<String, Value>,
    pub extra: Map<String, Value>,
}

impl Checked<'_> {
    /// A string parameter (numbers taken as their text, for `number/string` values).
    pub fn text(&self, name: &str) -> Option<String> {
        match self.values.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

pub(crate) struct Checker {
    model: Model,
}

impl Checker {
    pub fn load() -> std::io::Result<Self> {
        let files: Vec<_> = SCHEMA_FILES
            .iter()
            .map(|(name, text)| personaclick_codegen::SourceFile {
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect();
        personaclick_codegen::check(&files)
            .map(|model| Checker { model })
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    pub fn endpoint(&self, method: &str, path: &str) -> Option<&EndpointModel> {
        let method = match method {
            "GET" => Method::Get,
            "POST" => Method::Post,
            _ => return None,
        };
        self.model
            .endpoints
            .iter()
            .find(|e| e.method == method && e.path == path)
    }

    /// Every problem with the request, or its checked values.
    pub fn check<'m>(
        &'m self,
        endpoint: &'m EndpointModel,
        input: Input,
    ) -> Result<Checked<'m>, String> {
        let mut problems = Vec::new();
        let mut values = Map::new();
        let mut extra = Map::new();
        match input {
            Input::Query(pairs) => {
                for p in &endpoint.params {
                    let found = std::iter::once(p.name.wire())
                        .chain(p.aliases.iter().map(String::as_str))
                        .find_map(|name| pairs.iter().find(|(k, _)| k == name));
                    if let Some((_, raw)) = found {
                        match self.query_value(p, raw) {
                            Ok(v) => {
                                values.insert(p.name.wire().to_string(), v);
                            }
                            Err(why) => problems.push(format!("`{}` {why}", p.name.wire())),
                        }
                    }
                }
            }
            Input::Body(body) => {
                for (key, value) in body {
                    if value.is_null() {
                        continue;
                    }
                    let param = endpoint
                        .params
                        .iter()
                        .find(|p| p.name.wire() == key || p.aliases.contains(&key));
                    match param {
                        Some(p) => {
                            if p.fixed.value().is_none() {
                                self.check_value(&p.ty, &value, &key, &mut problems);
                            }
                            // Kept as documented: what is read back is the schema's type.
                            values.insert(p.name.wire().to_string(), self.documented(&p.ty, value));
                        }
                        None if endpoint.additional.is_some() => {
                            extra.insert(key, value);
                        }
                        None => {}
                    }
                }
            }
        }
        for p in &endpoint.params {
            match values.get(p.name.wire()) {
                None if p.required => problems.push(format!("`{}` is required", p.name.wire())),
                Some(v) => self.constraints(p, v, p.name.wire(), &mut problems),
                None => {}
            }
        }
        for rule in &endpoint.requirements {
            let set = |n: &String| values.contains_key(n);
            let trigger = rule.when.iter().find(|n| set(n));
            if !rule.when.is_empty() && trigger.is_none() {
                continue;
            }
            let ok = match rule.kind {
                RuleKind::AllOf => rule.names.iter().all(set),
                RuleKind::AnyOf => rule.names.iter().any(set),
            };
            if !ok {
                let names = rule
                    .names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>();
                let (what, joined) = match rule.kind {
                    RuleKind::AllOf => ("", names.join(" and ")),
                    RuleKind::AnyOf => ("one of ", names.join(", ")),
                };
                let prefix = trigger
                    .map(|t| format!("`{t}` is set, so "))
                    .unwrap_or_default();
                problems.push(format!("{prefix}{what}{joined} is required"));
            }
        }
        if problems.is_empty() {
            Ok(Checked {
                endpoint,
                values,
                extra,
            })
        } else {
            Err(problems.join("; "))
        }
    }

    /// A query value as the JSON value its type says.
    fn query_value(&self, p: &FieldModel, raw: &str) -> Result<Value, String> {
        match &p.ty {
            Ty::List(inner) if p.style == Style::Comma => raw
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|item| self.scalar(inner, item))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            ty => self.scalar(ty, raw),
        }
    }

    fn scalar(&self, ty: &Ty, raw: &str) -> Result<Value, String> {
        match ty {
            Ty::Integer => raw
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("must be a whole number, not {raw:?}")),
            Ty::Number => raw
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Value::from)
                .ok_or_else(|| format!("must be a number, not {raw:?}")),
            Ty::Boolean => match raw {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("must be true or false, not {raw:?}")),
            },
            Ty::Named(name) => {
                let value = Value::String(raw.to_string());
                let mut problems = Vec::new();
                self.check_value(ty, &value, name, &mut problems);
                match problems.pop() {
                    Some(p) => Err(p
                        .split_once("` ")
                        .map_or(p.clone(), |(_, why)| why.to_string())),
                    None => Ok(value),
                }
            }
            _ => Ok(Value::String(raw.to_string())),
        }
    }

    /// Checks a JSON value against a type, recording problems with their path. A value is
    /// taken as the client takes a response's: as documented, or by a lossless conversion (a
    /// number written as a string, `"1"` for `true`, ...: one table, in `crate::read`).
    fn check_value(&self, ty: &Ty, v: &Value, at: &str, problems: &mut Vec<String>) {
        let ok = match ty {
            Ty::String => v.is_string() || v.is_number(),
            Ty::Date | Ty::DateTime | Ty::Timestamp => v.is_string(),
            Ty::Integer => {
                v.is_i64()
                    || v.as_f64().and_then(read::integer_from_f64).is_some()
                    || v.as_str().and_then(read::integer_from_str).is_some()
            }
            Ty::Number => v.is_number() || v.as_str().and_then(read::number_from_str).is_some(),
            Ty::Boolean => {
                v.is_boolean()
                    || v.as_u64().and_then(read::boolean_from_u64).is_some()
                    || v.as_str().and_then(read::boolean_from_str).is_some()
            }
            Ty::Json => true,
            Ty::List(inner) => match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check_value(inner, item, &format!("{at}[{i}]"), problems);
                    }
                    true
                }
                None => false,
            },
            Ty::Map(inner) => match v.as_object() {
                Some(map) => {
                    for (k, item) in map {
                        self.check_value(inner, item, &format!("{at}.{k}"), problems);
                    }
                    true
                }
                None => false,
            },
            Ty::Named(name) => return self.check_named(name, v, at, problems),
        };
        if !ok {
            problems.push(format!("`{at}` must be {}", describe(ty)));
        }
    }

    /// A value that passed [`check_value`](Self::check_value), converted to the documented
    /// type (`"31"` for an integer becomes `31`); anything else as it came.
    fn documented(&self, ty: &Ty, v: Value) -> Value {
        let converted = match (ty, &v) {
            (Ty::String, Value::Number(n)) => Some(Value::String(n.to_string())),
            (Ty::Integer, Value::Number(n)) if !n.is_i64() => {
                n.as_f64().and_then(read::integer_from_f64).map(Value::from)
            }
            (Ty::Integer, Value::String(s)) => read::integer_from_str(s).map(Value::from),
            (Ty::Number, Value::String(s)) => read::number_from_str(s).map(Value::from),
            (Ty::Boolean, Value::Number(n)) => {
                n.as_u64().and_then(read::boolean_from_u64).map(Value::from)
            }
            (Ty::Boolean, Value::String(s)) => read::boolean_from_str(s).map(Value::from),
            _ => None,
        };
        if let Some(value) = converted {
            return value;
        }
        match (ty, v) {
            (Ty::List(inner), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|item| self.documented(inner, item))
                    .collect(),
            ),
            (Ty::Map(inner), Value::Object(map)) => Value::Object(
                map.into_iter()
                    .map(|(k, item)| (k, self.documented(inner, item)))
                    .collect(),
            ),
            (Ty::Named(name), Value::Object(map)) => {
                let fields = self
                    .model
                    .types
                    .iter()
                    .find(|t| t.name.wire() == name)
                    .and_then(|t| match &t.kind {
                        KindModel::Object { fields, .. } => Some(fields),
                        _ => None,
                    });
                match fields {
                    Some(fields) => Value::Object(
                        map.into_iter()
                            .map(
                                |(k, item)| match fields.iter().find(|f| f.name.wire() == k) {
                                    Some(f) => {
                                        let item = self.documented(&f.ty, item);
                                        (k, item)
                                    }
                                    None => (k, item),
                                },
                            )
                            .collect(),
                    ),
                    None => Value::Object(map),
                }
            }
            (_, v) => v,
        }
    }

    fn check_named(&self, name: &str, v: &Value, at: &str, problems: &mut Vec<String>) {
        let Some(t) = self.model.named(name) else {
            return;
        };
        match &t.kind {
            KindModel::Enum { values } => {
                if !values.iter().any(|e| v.as_str() == Some(e.name.wire())) {
                    let allowed = values
                        .iter()
                        .map(|e| format!("{:?}", e.name.wire()))
                        .collect::<Vec<_>>();
                    problems.push(format!("`{at}` must be one of {}", allowed.join(", ")));
                }
            }
            KindModel::Object { fields, .. } => {
                let Some(map) = v.as_object() else {
                    problems.push(format!("`{at}` must be an object"));
                    return;
                };
                for f in fields {
                    let here = format!("{at}.{}", f.name.wire());
                    match map.get(f.name.wire()).filter(|v| !v.is_null()) {
                        Some(value) => {
                            self.check_value(&f.ty, value, &here, problems);
                            self.constraints(f, value, &here, problems);
                        }
                        None if f.required => problems.push(format!("`{here}` is required")),
                        None => {}
                    }
                }
            }
            KindModel::Union { variants } => {
                let fits = variants.iter().any(|variant| {
                    let mut scratch = Vec::new();
                    self.check_value(&variant.ty, v, at, &mut scratch);
                    self.constraints(variant, v, at, &mut scratch);
                    scratch.is_empty()
                });
                if !fits {
                    problems.push(format!("`{at}` is none of the types of {name}"));
                }
            }
        }
    }

    /// Bounds, lengths and formats.
    fn constraints(&self, f: &FieldModel, v: &Value, at: &str, problems: &mut Vec<String>) {
        if let Value::Array(items) = v {
            if f.style != Style::Comma && matches!(f.ty, Ty::List(_)) {
                for (i, item) in items.iter().enumerate() {
                    self.constraints(f, item, &format!("{at}[{i}]"), problems);
                }
            }
            return;
        }
        // A number written as a string is bound like the number.
        if let Some(n) = v
            .as_f64()
            .or_else(|| v.as_str().and_then(read::number_from_str))
        {
            if f.min.is_some_and(|min| n < min) || f.max.is_some_and(|max| n > max) {
                let bound = match (f.min, f.max) {
                    (Some(a), Some(b)) => format!("from {a} to {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                problems.push(format!("`{at}` must be {bound}"));
            }
        }
        if let Some(s) = v.as_str() {
            if f.max_length
                .is_some_and(|max| s.chars().count() as u64 > max)
            {
                problems.push(format!(
                    "`{at}` is longer than {} characters",
                    f.max_length.unwrap_or_default()
                ));
            }
            if let Some(format) = f.format {
                let (format, shape) = match format {
                    SchemaFormat::Date => (Format::Date, "YYYY-MM-DD"),
                    SchemaFormat::DateTime => (Format::DateTime, "YYYY-MM-DD hh:mm:ss"),
                    SchemaFormat::Timestamp => (Format::Timestamp, "YYYY-MM-DDThh:mm:ss.sssZ"),
                };
                if !format.matches(s) {
                    problems.push(format!("`{at}` must be written {shape}"));
                }
            }
        }
    }
}

fn describe(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Date | Ty::DateTime | Ty::Timestamp => "a string".into(),
        Ty::Integer => "a whole number".into(),
        Ty::Number => "a number".into(),
        Ty::Boolean => "true or false".into(),
        Ty::Json => "JSON".into(),
        Ty::List(inner) => format!("a list of {}", describe(inner).trim_start_matches("a ")),
        Ty::Map(_) => "an object".into(),
        Ty::Named(n) => format!("a {n}"),
    }
}
