//! Text (a flag's value, a CSV cell) as the JSON a dynamic call takes, by the schema's type.
//!
//! Scalars stay text: the library's checks read `"31"` as an integer and `"true"` as a boolean
//! and word what they cannot read, as they do for every caller. Objects, maps and lists of
//! objects are written as JSON (`--kids '[{"gender":"m"}]'`).

use personaclick::dynamic::model::{KindModel, Model, Ty};
use serde_json::Value;

/// How a type is written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// As it is: a string, number, boolean, date or enum value.
    Scalar,
    /// One item of a list of scalars per value (`--type bulk --type chain`, or `bulk,chain`).
    Items,
    /// As JSON.
    Json,
    /// A scalar or, if it parses, JSON (a union of scalar types).
    ScalarOrJson,
}

/// How values of `ty` are written as text.
pub fn written(model: &Model, ty: &Ty) -> Written {
    match ty {
        Ty::String
        | Ty::Integer
        | Ty::Number
        | Ty::Boolean
        | Ty::Date
        | Ty::DateTime
        | Ty::Timestamp => Written::Scalar,
        Ty::List(inner) if written(model, inner) == Written::Scalar => Written::Items,
        Ty::Named(name) => match model.named(name).map(|t| &t.kind) {
            Some(KindModel::Enum { .. }) => Written::Scalar,
            Some(KindModel::Union { .. }) => Written::ScalarOrJson,
            _ => Written::Json,
        },
        _ => Written::Json,
    }
}

/// One value of `ty` from `text`, or why it is not one.
pub fn from_text(model: &Model, ty: &Ty, text: &str) -> Result<Value, String> {
    match written(model, ty) {
        Written::Scalar => Ok(Value::String(text.to_string())),
        Written::Items => Ok(Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
        // A number JSON cannot hold exactly (a 23-digit card number) stays text, unaltered.
        Written::ScalarOrJson => Ok(serde_json::from_str(text)
            .ok()
            .filter(|v: &Value| !v.is_null())
            .filter(|_| inexact_number(text).is_none())
            .unwrap_or_else(|| Value::String(text.to_string()))),
        Written::Json => match inexact(text) {
            Some(why) => Err(why),
            None => serde_json::from_str(text).map_err(|e| format!("is not JSON: {e}")),
        },
    }
}

/// The first number literal in the JSON `text` that a 64-bit integer or float cannot hold
/// exactly, if any (outside strings).
pub fn inexact_number(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            let literal = &text[start..i];
            let mantissa = literal.split(['e', 'E']).next().unwrap_or("");
            let significant = mantissa
                .bytes()
                .filter(u8::is_ascii_digit)
                .skip_while(|&d| d == b'0')
                .count();
            let integer = !literal.contains(['.', 'e', 'E']);
            let exact = if integer {
                literal.parse::<i64>().is_ok() || literal.parse::<u64>().is_ok()
            } else {
                significant <= 17
            };
            if !exact {
                return Some(literal);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// What is wrong with the JSON `text` if a number in it would not be read as written.
pub fn inexact(text: &str) -> Option<String> {
    inexact_number(text).map(|number| {
        format!(
            "the number {number} has more digits than a JSON number keeps exactly (a 64-bit integer, or 17 significant digits): write it as a string"
        )
    })
}

/// Several values of `ty` given one by one (a repeated flag) as one value: a list's items are
/// joined, a list of objects takes each JSON array or object given, and anything else takes
/// the last one given.
pub fn from_texts<'a>(
    model: &Model,
    ty: &Ty,
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Value>, String> {
    let mut joined: Option<Value> = None;
    for text in texts {
        let value = from_text(model, ty, text)?;
        joined = Some(match (joined, value, ty) {
            (Some(Value::Array(mut all)), Value::Array(more), Ty::List(_)) => {
                all.extend(more);
                Value::Array(all)
            }
            (Some(Value::Array(mut all)), one, Ty::List(_)) => {
                all.push(one);
                Value::Array(all)
            }
            (None, Value::Object(one), Ty::List(_)) => Value::Array(vec![Value::Object(one)]),
            (_, value, _) => value,
        });
    }
    Ok(joined)
}

/// The type in a few words, for help texts: `integer`, `list of string`, `Kid (JSON)`.
pub fn type_words(model: &Model, ty: &Ty) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Integer => "integer".into(),
        Ty::Number => "number".into(),
        Ty::Boolean => "true or false".into(),
        Ty::Json => "JSON".into(),
        Ty::Date => "date YYYY-MM-DD".into(),
        Ty::DateTime => "date and time YYYY-MM-DD hh:mm:ss".into(),
        Ty::Timestamp => "timestamp YYYY-MM-DDThh:mm:ss.sssZ".into(),
        Ty::List(inner) => match written(model, ty) {
            Written::Items => format!(
                "list of {}, comma-separated or repeated",
                type_words(model, inner)
            ),
            _ => format!(
                "JSON list of {}",
                type_words(model, inner).trim_start_matches("JSON ")
            ),
        },
        Ty::Map(inner) => format!("JSON object of {}", type_words(model, inner)),
        Ty::Named(name) => match model.named(name).map(|t| &t.kind) {
            Some(KindModel::Enum { values }) => {
                let values: Vec<&str> = values.iter().map(|v| v.name.wire()).collect();
                format!("one of {}", values.join(", "))
            }
            Some(KindModel::Union { variants }) => {
                let kinds: Vec<String> =
                    variants.iter().map(|v| type_words(model, &v.ty)).collect();
                kinds.join(" or ")
            }
            _ => format!("{name} as JSON"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> &'static Model {
        personaclick::dynamic::schema().expect("the embedded schema reads")
    }

    #[test]
    fn scalars_stay_text_for_the_library_to_read() {
        assert_eq!(
            from_text(model(), &Ty::Integer, "31"),
            Ok(Value::String("31".into()))
        );
        assert_eq!(
            from_text(model(), &Ty::Integer, "x"),
            Ok(Value::String("x".into()))
        );
    }

    #[test]
    fn a_number_json_cannot_hold_stays_text() {
        let union = Ty::Named("CustomValue".into());
        assert_eq!(from_text(model(), &union, "42"), Ok(Value::from(42)));
        assert_eq!(
            from_text(model(), &union, "7.62"),
            Ok(serde_json::json!(7.62))
        );
        let card = "12345678901234567890123";
        assert_eq!(
            from_text(model(), &union, card),
            Ok(Value::String(card.into()))
        );
    }

    #[test]
    fn lists_of_scalars_split_on_commas_and_repeat() {
        let ty = Ty::List(Box::new(Ty::String));
        let v = from_texts(model(), &ty, ["a,b", "c"]).unwrap();
        assert_eq!(v, Some(serde_json::json!(["a", "b", "c"])));
    }

    #[test]
    fn objects_are_json_and_bad_json_is_named() {
        let ty = Ty::List(Box::new(Ty::Named("Kid".into())));
        let v = from_texts(model(), &ty, [r#"{"gender":"m"}"#, r#"[{"gender":"f"}]"#]).unwrap();
        assert_eq!(
            v,
            Some(serde_json::json!([{"gender": "m"}, {"gender": "f"}]))
        );
        let bad = from_text(model(), &ty, "[{gender}]").unwrap_err();
        assert!(bad.starts_with("is not JSON: "), "{bad}");
    }
}
