//! Which parameter each column (or JSON key) fills: `--map "E-mail=email"`, a column already
//! named as a parameter, `custom_property.NAME` (the operation's free-form entries, by the
//! schema's name for them), or what `--unknown-columns` says. Decided once, from the header,
//! before anything is sent.

use std::collections::BTreeMap;

use personaclick::dynamic::model::{EndpointModel, Model, Scope, Ty};
use serde_json::{Map, Value};

use crate::values;

/// What a column that names no parameter becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Unknown {
    /// An error, before anything is sent: map it or drop it.
    Error,
    /// A free-form entry (a custom property) of the same name.
    Custom,
    /// Left out.
    Ignore,
}

/// Where one column goes.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    /// A parameter, by wire name, with its type.
    Param(String, Ty),
    /// A free-form entry, by name.
    Entry(String),
    /// Every free-form entry, as one object (the key named as the schema names them).
    Entries,
    /// Nowhere.
    Dropped,
}

/// The mapping of one input's columns.
pub struct Mapping {
    model: &'static Model,
    endpoint: &'static EndpointModel,
    explicit: BTreeMap<String, String>,
    unknown: Unknown,
    /// The targets of a CSV header's columns (JSON Lines map each key as it comes).
    columns: BTreeMap<String, Target>,
}

impl Mapping {
    /// From `--map` entries (`COLUMN=PARAMETER`, or `COLUMN=-` to drop it).
    pub fn new(
        model: &'static Model,
        endpoint: &'static EndpointModel,
        maps: &[String],
        unknown: Unknown,
    ) -> Result<Self, String> {
        let mut explicit = BTreeMap::new();
        for m in maps {
            let Some((column, target)) = m.rsplit_once('=') else {
                return Err(format!(
                    "--map {m:?}: must be COLUMN=PARAMETER (or COLUMN=- to leave the column out)"
                ));
            };
            explicit.insert(column.trim().to_string(), target.trim().to_string());
        }
        let mapping = Mapping {
            model,
            endpoint,
            explicit,
            unknown,
            columns: BTreeMap::new(),
        };
        for (column, target) in &mapping.explicit {
            mapping.target(column, Some(target))?;
        }
        Ok(mapping)
    }

    /// Decides every column of a CSV header: every problem at once.
    pub fn for_header(&mut self, header: &[String]) -> Result<(), String> {
        let mut problems = Vec::new();
        let mut columns = Vec::new();
        for column in header {
            match self.target(column, self.explicit.get(column)) {
                Ok(t) => columns.push(t),
                Err(why) => problems.push(why),
            }
        }
        for column in self.explicit.keys() {
            if !header.contains(column) {
                problems.push(format!(
                    "--map names the column `{column}`, which the header does not have"
                ));
            }
        }
        let mut seen: BTreeMap<String, &String> = BTreeMap::new();
        for (column, target) in header.iter().zip(&columns) {
            let name = match target {
                Target::Param(n, _) | Target::Entry(n) => n.clone(),
                Target::Entries => "+entries".to_string(),
                Target::Dropped => continue,
            };
            if let Some(first) = seen.insert(name.clone(), column) {
                problems.push(format!(
                    "columns `{first}` and `{column}` both fill `{name}`"
                ));
            }
        }
        if problems.is_empty() {
            self.columns = header.iter().cloned().zip(columns).collect();
            Ok(())
        } else {
            Err(format!("line 1: {}", problems.join("; ")))
        }
    }

    /// A row's parameters, from a CSV row's cells (in header order) or a JSON Lines object.
    /// An empty CSV cell is a parameter left out.
    pub fn params(
        &self,
        cells: Map<String, Value>,
        csv: bool,
    ) -> Result<Map<String, Value>, String> {
        let mut params = Map::new();
        let mut entries = Map::new();
        let mut filled: BTreeMap<String, String> = BTreeMap::new();
        let mut problems = Vec::new();
        for (column, value) in cells {
            let target = if csv {
                self.columns
                    .get(&column)
                    .cloned()
                    .unwrap_or(Target::Dropped)
            } else {
                match self.target(&column, self.explicit.get(&column)) {
                    Ok(t) => t,
                    Err(why) => {
                        problems.push(why);
                        continue;
                    }
                }
            };
            let (name, ty, entry) = match target {
                Target::Dropped => continue,
                Target::Param(name, ty) => (name, Some(ty), false),
                Target::Entry(name) => (name, None, true),
                // The entries as one object, as the library takes them (JSON Lines).
                Target::Entries => {
                    let value = match value {
                        Value::String(text) if csv && text.trim().is_empty() => Value::Null,
                        Value::String(text) if csv => {
                            serde_json::from_str(&text).unwrap_or(Value::String(text))
                        }
                        other => other,
                    };
                    match value {
                        Value::Object(map) => {
                            for (name, v) in map {
                                if let Some(first) =
                                    filled.insert(format!("+{name}"), column.clone())
                                {
                                    problems.push(format!(
                                        "`{first}` and `{column}` both fill the entry `{name}`"
                                    ));
                                }
                                entries.insert(name, v);
                            }
                        }
                        Value::Null => {}
                        _ => problems
                            .push(format!("`{column}` must be an object of entries by name")),
                    }
                    continue;
                }
            };
            // Two keys of a JSON Lines row, or an entry given both in a `custom_properties`
            // object and in its own column, must not fill one thing (a CSV's header rules out
            // the rest once).
            let key = if entry {
                format!("+{name}")
            } else {
                name.clone()
            };
            if let Some(first) = filled.insert(key, column.clone()) {
                problems.push(format!("`{first}` and `{column}` both fill `{name}`"));
                continue;
            }
            let value = match (csv, value) {
                (true, Value::String(text)) if text.is_empty() => continue,
                (true, Value::String(text)) => {
                    let ty = ty
                        .as_ref()
                        .or(self.endpoint.additional.as_ref().map(|a| &a.ty));
                    match ty.map(|ty| values::from_text(self.model, ty, &text)) {
                        Some(Ok(v)) => v,
                        Some(Err(why)) => {
                            problems.push(format!("column `{column}`: {why}"));
                            continue;
                        }
                        None => Value::String(text),
                    }
                }
                (_, Value::Null) => continue,
                (_, value) => value,
            };
            if entry {
                entries.insert(name, value);
            } else {
                params.insert(name, value);
            }
        }
        if let (Some(a), false) = (&self.endpoint.additional, entries.is_empty()) {
            params.insert(a.name.wire().to_string(), Value::Object(entries));
        }
        if problems.is_empty() {
            Ok(params)
        } else {
            Err(problems.join("; "))
        }
    }

    /// Where `column` goes: its `--map` target, or its own name.
    fn target(&self, column: &str, mapped: Option<&String>) -> Result<Target, String> {
        let name = mapped.map_or(column, String::as_str);
        if name == "-" {
            return Ok(Target::Dropped);
        }
        let e = self.endpoint;
        let param = e
            .params
            .iter()
            .find(|p| p.name.wire() == name || p.aliases.iter().any(|a| a == name));
        if let Some(p) = param {
            if p.scope == Scope::Client {
                return Err(format!(
                    "column `{column}`: `{name}` is a credential, set once for the whole run (see --help), not per row"
                ));
            }
            return Ok(Target::Param(p.name.wire().to_string(), p.ty.clone()));
        }
        if let Some(a) = &e.additional {
            if name == a.name.wire() {
                return Ok(Target::Entries);
            }
            let prefixes = [Some(a.name.wire()), a.item_name.as_ref().map(|n| n.wire())];
            for prefix in prefixes.into_iter().flatten() {
                if let Some(entry) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) {
                    if !entry.is_empty() {
                        return Ok(Target::Entry(entry.to_string()));
                    }
                }
            }
        }
        let operation = e.name.wire();
        if mapped.is_some() {
            return Err(format!(
                "--map {column}={name}: `{name}` is not a parameter of `{operation}`"
            ));
        }
        match (self.unknown, &e.additional) {
            (Unknown::Ignore, _) => Ok(Target::Dropped),
            (Unknown::Custom, Some(_)) => Ok(Target::Entry(column.to_string())),
            _ => {
                let custom = e.additional.as_ref().map(|a| {
                    let prefix = a.item_name.as_ref().unwrap_or(&a.name).wire();
                    format!(", or name it `{prefix}.{column}` (or pass --unknown-columns custom) to send it as a free-form entry")
                });
                Err(format!(
                    "column `{column}` is not a parameter of `{operation}`: map it with --map '{column}=PARAMETER', leave it out with --map '{column}=-'{}",
                    custom.unwrap_or_default()
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        let model = personaclick::dynamic::schema().expect("the embedded schema reads");
        let endpoint = model
            .endpoints
            .iter()
            .find(|e| e.additional.is_some())
            .expect("an operation with free-form entries");
        Mapping::new(model, endpoint, &[], Unknown::Error).unwrap()
    }

    #[test]
    fn an_entry_given_twice_is_refused_in_csv_and_json_lines() {
        let mut m = mapping();
        let (object, column) = ("custom_properties", "custom_property.level");
        m.for_header(&[object.to_string(), column.to_string()])
            .unwrap();
        let cells: Map<String, Value> = [
            (
                object.to_string(),
                Value::String(r#"{"level":"gold"}"#.into()),
            ),
            (column.to_string(), Value::String("silver".into())),
        ]
        .into_iter()
        .collect();
        let e = m.params(cells.clone(), true).unwrap_err();
        assert!(e.contains("both fill"), "{e}");
        let row: Map<String, Value> = [
            (object.to_string(), serde_json::json!({"level": "gold"})),
            (column.to_string(), Value::String("silver".into())),
        ]
        .into_iter()
        .collect();
        assert!(m.params(row, false).unwrap_err().contains("both fill"));
    }
}
