//! A response on stdout: as JSON (the default), YAML, or a table for people.

use std::fmt::Write as _;

use comfy_table::{presets, Table};
use serde_json::Value;

/// How a response is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The JSON PersonaClick sent, indented.
    Json,
    /// The same as YAML.
    Yaml,
    /// A table: a list of objects as rows, an object as its fields (nested ones dotted).
    Table,
}

/// `value` as `format` shows it, ending with a newline.
pub fn render(value: &Value, format: Format) -> String {
    match format {
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            text.push('\n');
            text
        }
        Format::Yaml => serde_yaml_ng::to_string(value).unwrap_or_else(|e| format!("# {e}\n")),
        Format::Table => table(value),
    }
}

fn table(value: &Value) -> String {
    if value.as_array().is_some_and(Vec::is_empty) {
        return "(no items)\n".to_string();
    }
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let mut columns: Vec<String> = Vec::new();
            let rows: Vec<Vec<(String, String)>> = items
                .iter()
                .map(|item| {
                    let mut cells = Vec::new();
                    flatten("", item, &mut cells);
                    for (name, _) in &cells {
                        if !columns.contains(name) {
                            columns.push(name.clone());
                        }
                    }
                    cells
                })
                .collect();
            table.set_header(columns.clone());
            for row in rows {
                table.add_row(columns.iter().map(|c| {
                    row.iter()
                        .find(|(name, _)| name == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                }));
            }
        }
        _ => {
            let mut cells = Vec::new();
            flatten("", value, &mut cells);
            table.set_header(["field", "value"]);
            for (name, text) in cells {
                table.add_row([name, text]);
            }
        }
    }
    let mut out = table.to_string();
    let _ = writeln!(out);
    out
}

/// Scalars by dotted path; lists of scalars joined, lists of objects as compact JSON.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            out.push((prefix.to_string(), items.join(", ")));
        }
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_of_objects_is_rows_and_an_object_its_fields() {
        let rows = render(
            &json!([{"id": "1", "price": 2.5}, {"id": "2", "tags": ["a", "b"]}]),
            Format::Table,
        );
        assert!(
            rows.contains("id") && rows.contains("tags") && rows.contains("a, b"),
            "{rows}"
        );
        let fields = render(
            &json!({"email": "j@x", "kids": [{"gender": "m"}]}),
            Format::Table,
        );
        assert!(
            fields.contains("email") && fields.contains(r#"[{"gender":"m"}]"#),
            "{fields}"
        );
    }

    #[test]
    fn an_empty_list_says_so() {
        assert_eq!(render(&json!([]), Format::Table), "(no items)\n");
    }

    #[test]
    fn yaml_and_json_keep_every_value() {
        let v = json!({"a": "1", "b": 1, "c": [true, null]});
        assert_eq!(
            serde_yaml_ng::from_str::<Value>(&render(&v, Format::Yaml)).unwrap(),
            v
        );
        assert_eq!(
            serde_json::from_str::<Value>(&render(&v, Format::Json)).unwrap(),
            v
        );
    }
}
