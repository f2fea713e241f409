//! Rust names for schema names: case conversion, keywords, and what cannot be a name at all.

/// Rust keywords that `r#` can escape.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Whether `name` is a keyword that a raw identifier (`r#type`) escapes.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Keywords that cannot be raw identifiers.
const UNESCAPABLE: &[&str] = &["crate", "self", "Self", "super", "_"];

/// A snake_case field or method name for `wire`, or why there is none.
pub fn field(wire: &str) -> Result<String, String> {
    let snake = to_snake(wire);
    check_snake(&snake).map_err(|why| format!("\"{wire}\" {why}; give it a rust_name"))
}

/// A field's Rust name: its `rust_name` if it has one (checked), else its wire name converted.
pub fn field_or_renamed(wire: &str, rust_name: Option<&str>) -> Result<String, String> {
    match rust_name {
        Some(name) => explicit_field(name),
        None => field(wire),
    }
}

/// Checks a name written as `rust_name` for a field or method.
pub fn explicit_field(name: &str) -> Result<String, String> {
    if to_snake(name) != name {
        return Err(format!("rust_name \"{name}\" is not snake_case"));
    }
    check_snake(name).map_err(|why| format!("rust_name \"{name}\" {why}"))
}

fn check_snake(name: &str) -> Result<String, String> {
    if UNESCAPABLE.contains(&name) {
        return Err("is a Rust keyword that cannot be escaped".into());
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') || name == "_" {
        return Err("does not start with a letter".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err("is not a Rust identifier".into());
    }
    Ok(if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    })
}

/// An UpperCamelCase type or variant name for `wire`, or why there is none.
pub fn camel(wire: &str) -> Result<String, String> {
    let camel = to_camel(wire);
    if !camel.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(format!(
            "\"{wire}\" does not start with a letter; give it a rust_name"
        ));
    }
    if !camel.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "\"{wire}\" is not a Rust identifier; give it a rust_name"
        ));
    }
    if camel == "Self" {
        return Err(format!("\"{wire}\" is a Rust keyword; give it a rust_name"));
    }
    Ok(camel)
}

/// Checks a name written as a type, variant or `rust_name` for one.
pub fn explicit_camel(name: &str) -> Result<String, String> {
    if to_camel(name) != name || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(format!("\"{name}\" is not UpperCamelCase"));
    }
    camel(name)
}

/// `firstName`, `first-name` and `first_name` all become `first_name`.
pub fn to_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// `web_push` becomes `WebPush`, `m` becomes `M`, `getProfile` becomes `GetProfile`.
pub fn to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = true;
    for c in s.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_keywords_and_refuses_what_cannot_be_a_name() {
        assert_eq!(field("type").unwrap(), "r#type");
        assert_eq!(field("firstName").unwrap(), "first_name");
        assert!(field("120").unwrap_err().contains("rust_name"));
        assert!(field("self").is_err());
        assert_eq!(camel("web_push").unwrap(), "WebPush");
        assert!(camel("120").is_err());
        assert!(explicit_field("Px120").is_err());
        assert!(explicit_camel("webPush").is_err());
    }
}
