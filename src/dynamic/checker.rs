//! Checks requests given as JSON against the schema the client is generated from (embedded at
//! build time), with the client's own checks and words (`crate::check`): the fake refuses what
//! the schema says PersonaClick refuses, and a dynamic call ([`super::DynamicCall`]) is
//! refused what the typed builders refuse.

// The parts that read what arrived (query strings, lookups by path) are the fake's.
#![cfg_attr(not(feature = "fake"), allow(dead_code))]

use personaclick_codegen::model::{EndpointModel, FieldModel, Fixed, KindModel, Model, Style, Ty};
use personaclick_codegen::schema::{Format as SchemaFormat, Method, RuleKind};
use serde_json::{Map, Value};

use super::const_json;
use crate::check::{self, check_number, Check, Checkable, Format, Path, Rule};
use crate::error::Invalid;
use crate::read;

const SCHEMA_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

/// Who is checking: the two differ where a server and a sender should.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checking {
    /// A request that arrived (the fake): an unknown parameter is ignored, as a server does,
    /// and an acknowledgement is a required parameter like any other.
    Arrived,
    /// A request about to be sent (a dynamic call): an unknown parameter is a problem (nothing
    /// the caller set is dropped), and an acknowledgement left out is worded as the typed
    /// builders word it.
    Sending,
}

/// What arrived: query pairs (GET) or a JSON object (POST, DELETE).
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
        Self::from_files(&files)
    }

    /// The checker of a schema given as its files (the embedded one, or a test's).
    pub fn from_files(files: &[personaclick_codegen::SourceFile]) -> std::io::Result<Self> {
        personaclick_codegen::check(files)
            .map(|model| Checker { model })
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    /// The schema it checks against.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The schema's endpoint for an HTTP method (as the request line writes it) and path.
    pub fn endpoint(&self, method: &str, path: &str) -> Option<&EndpointModel> {
        let method = match method {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            _ => return None,
        };
        self.model
            .endpoints
            .iter()
            .find(|e| e.method == method && e.path == path)
    }

    /// Every problem with the request, or its checked values. The problems are found and
    /// worded by the client's own checks (`crate::check`), where the client checks the same
    /// thing: a missing parameter, a bound, a length, a format, a requirement rule; what only
    /// a hand-written request can get wrong (a value of another type) is the fake's own.
    pub fn check<'m>(
        &'m self,
        endpoint: &'m EndpointModel,
        input: Input,
        checking: Checking,
    ) -> Result<Checked<'m>, Invalid> {
        let mut check = Check::new(match checking {
            Checking::Arrived => "fake",
            Checking::Sending => "dynamic call",
        });
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
                            Err(why) => check.problem(&Path::Root.field(p.name.wire()), why),
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
                            match p.fixed.value() {
                                None => self.check_value(
                                    &p.ty,
                                    &value,
                                    &Path::Root.field(&key),
                                    &mut check,
                                    checking,
                                ),
                                // A sender may only write the fixed value, which is sent anyway.
                                Some(c)
                                    if checking == Checking::Sending && value != const_json(c) =>
                                {
                                    check.problem(
                                        &Path::Root.field(&key),
                                        format_args!("can only be {}", const_json(c)),
                                    );
                                }
                                Some(_) => {}
                            }
                            // Kept as documented: what is read back is the schema's type.
                            values.insert(p.name.wire().to_string(), self.documented(&p.ty, value));
                        }
                        // A sender gives the free-form entries as one map, under its name.
                        None if checking == Checking::Sending => match &endpoint.additional {
                            Some(a) if a.name.wire() == key => {
                                let at = Path::Root.field(&key);
                                match value {
                                    Value::Object(entries) => {
                                        for (name, v) in entries {
                                            self.check_value(
                                                &a.ty,
                                                &v,
                                                &Path::Key(&at, &name),
                                                &mut check,
                                                checking,
                                            );
                                            extra.insert(name, self.documented(&a.ty, v));
                                        }
                                    }
                                    _ => {
                                        check.problem(&at, "must be an object: the entries by name")
                                    }
                                }
                            }
                            _ => {
                                let at = Path::Root.field(&key);
                                check.problem(&at, unknown_param(endpoint, &key));
                            }
                        },
                        None if endpoint.additional.is_some() => {
                            extra.insert(key, value);
                        }
                        None => {}
                    }
                }
            }
        }
        for p in &endpoint.params {
            let at = Path::Root.field(p.name.wire());
            match values.get(p.name.wire()) {
                None if matches!(p.fixed, Fixed::Acknowledgement(_))
                    && checking == Checking::Sending =>
                {
                    check.acknowledged(p.name.wire(), false);
                }
                None if p.required => check.problem(&at, "is required"),
                Some(v) => self.constraints(p, v, &at, &mut check),
                None => {}
            }
        }
        for rule in &endpoint.requirements {
            let set = |names: &'m [String]| -> Vec<(&'m str, bool)> {
                names
                    .iter()
                    .map(|n| (n.as_str(), values.contains_key(n)))
                    .collect()
            };
            let kind = match rule.kind {
                RuleKind::AllOf => check::RuleKind::AllOf,
                RuleKind::AnyOf => check::RuleKind::AnyOf,
            };
            check.rule(kind, &set(&rule.names), &set(&rule.when), &rule.description);
        }
        match check.into_invalid() {
            None => Ok(Checked {
                endpoint,
                values,
                extra,
            }),
            Some(invalid) => Err(invalid),
        }
    }

    /// A query value as the JSON value its type says, or what is wrong with it.
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
            Ty::Named(name) => match self.not_a_value_of(name, raw) {
                Some(why) => Err(why),
                None => Ok(Value::String(raw.to_string())),
            },
            _ => Ok(Value::String(raw.to_string())),
        }
    }

    /// What is wrong with `raw` as a value of the enum `name`, if anything.
    fn not_a_value_of(&self, name: &str, raw: &str) -> Option<String> {
        let KindModel::Enum { values } = &self.model.named(name)?.kind else {
            return None;
        };
        if values.iter().any(|e| e.name.wire() == raw) {
            return None;
        }
        let allowed: Vec<String> = values
            .iter()
            .map(|e| format!("{:?}", e.name.wire()))
            .collect();
        Some(format!("must be one of {}", allowed.join(", ")))
    }

    /// Checks a JSON value against a type. A value is taken as the client takes a response's:
    /// as documented, or by a lossless conversion (a number written as a string, `"1"` for
    /// `true`, ...: one table, in `crate::read`).
    fn check_value(
        &self,
        ty: &Ty,
        v: &Value,
        at: &Path<'_>,
        check: &mut Check,
        checking: Checking,
    ) {
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
                        self.check_value(inner, item, &Path::Index(at, i), check, checking);
                    }
                    true
                }
                None => false,
            },
            Ty::Map(inner) => match v.as_object() {
                Some(map) => {
                    for (k, item) in map {
                        self.check_value(inner, item, &Path::Key(at, k), check, checking);
                    }
                    true
                }
                None => false,
            },
            Ty::Named(name) => return self.check_named(name, v, at, check, checking),
        };
        if !ok {
            check.problem(at, format_args!("must be {}", describe(ty)));
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

    fn check_named(
        &self,
        name: &str,
        v: &Value,
        at: &Path<'_>,
        check: &mut Check,
        checking: Checking,
    ) {
        let Some(t) = self.model.named(name) else {
            return;
        };
        match &t.kind {
            KindModel::Enum { .. } => {
                let why = match v.as_str() {
                    Some(s) => self.not_a_value_of(name, s),
                    None => self.not_a_value_of(name, ""),
                };
                if let Some(why) = why {
                    check.problem(at, why);
                }
            }
            KindModel::Object { fields, additional } => {
                let Some(map) = v.as_object() else {
                    check.problem(at, "must be an object");
                    return;
                };
                if checking == Checking::Sending && additional.is_none() {
                    for key in map
                        .keys()
                        .filter(|k| !fields.iter().any(|f| f.name.wire() == *k))
                    {
                        let why = match personaclick_codegen::diag::did_you_mean(
                            key,
                            fields.iter().map(|f| f.name.wire()),
                        ) {
                            Some(near) => {
                                format!("is not a field of {name} (did you mean `{near}`?)")
                            }
                            None => format!("is not a field of {name}"),
                        };
                        check.problem(&at.field(key), why);
                    }
                }
                for f in fields {
                    let here = at.field(f.name.wire());
                    match map.get(f.name.wire()).filter(|v| !v.is_null()) {
                        Some(value) => {
                            self.check_value(&f.ty, value, &here, check, checking);
                            self.constraints(f, value, &here, check);
                        }
                        None if f.required => check.problem(&here, "is required"),
                        None => {}
                    }
                }
            }
            KindModel::Union { variants } => {
                let fits = variants.iter().any(|variant| {
                    let mut scratch = Check::new("fake");
                    self.check_value(&variant.ty, v, at, &mut scratch, checking);
                    self.constraints(variant, v, at, &mut scratch);
                    !scratch.has_problems()
                });
                if !fits {
                    check.problem(at, format_args!("is none of the types of {name}"));
                }
            }
        }
    }

    /// Bounds, lengths and formats, checked as the client checks them.
    fn constraints(&self, f: &FieldModel, v: &Value, at: &Path<'_>, check: &mut Check) {
        if let Value::Array(items) = v {
            if f.style != Style::Comma && matches!(f.ty, Ty::List(_)) {
                for (i, item) in items.iter().enumerate() {
                    self.constraints(f, item, &Path::Index(at, i), check);
                }
            }
            return;
        }
        let rule = Rule {
            required: false,
            min: f.min,
            max: f.max,
            max_length: f
                .max_length
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        };
        // A number written as a string is bound like the number.
        if let Some(n) = v
            .as_f64()
            .or_else(|| v.as_str().and_then(read::number_from_str))
        {
            if f.min.is_some() || f.max.is_some() {
                check_number(n, at, &rule, check);
            }
        }
        if let Some(s) = v.as_str() {
            s.to_string().check_value(at, &rule, check);
            if let Some(format) = f.format {
                let format = match format {
                    SchemaFormat::Date => Format::Date,
                    SchemaFormat::DateTime => Format::DateTime,
                    SchemaFormat::Timestamp => Format::Timestamp,
                };
                if !format.matches(s) {
                    check.problem(at, format_args!("must be {}", format.what()));
                }
            }
        }
    }
}

/// A key that names no parameter of `endpoint`: the nearest one it may mean, and where the
/// free-form entries go.
fn unknown_param(endpoint: &EndpointModel, key: &str) -> String {
    let mut why = format!("is not a parameter of `{}`", endpoint.name.wire());
    let near = personaclick_codegen::diag::did_you_mean(
        key,
        endpoint.params.iter().map(|p| p.name.wire()),
    );
    if let Some(name) = near {
        why.push_str(&format!(" (did you mean `{name}`?)"));
    }
    if let Some(a) = &endpoint.additional {
        why.push_str(&format!("; free-form entries go in `{}`", a.name.wire()));
    }
    why
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
