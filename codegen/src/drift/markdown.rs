//! REES46's unified Markdown pages (Russian), one operation a page: the endpoint in a code
//! block (`POST https://…/profile/set`), the parameters in a table (`Параметр | Обязателен? |
//! Описание`, a `*` after the names of a group of which one is required), object structures in
//! tables of their own, and the response in an example (`## Ответ`, JSON with `...` for values)
//! and, on some pages, a table of dotted paths (`payload.messages[].campaign_id`).

use super::doc::*;

/// Reads the page. `names` are unused here (Markdown tables keep cells apart); kept for the
/// readers' common signature.
pub fn read(file: &str, text: &str, _names: &[&str]) -> Result<Page, String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let loc = |i: usize| PageLoc {
        file: file.to_string(),
        line: i + 1,
    };
    let mut page = Page {
        file: file.to_string(),
        language: Language::Russian,
        complete: false,
        shared: Vec::new(),
        endpoints: Vec::new(),
        unread: Vec::new(),
    };
    let fences = lines
        .iter()
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    if fences % 2 == 1 {
        return Err(format!(
            "{file} has a code block that is never closed (an odd number of ``` lines): the page looks cut short"
        ));
    }
    let title = lines
        .iter()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or_default()
        .trim()
        .to_string();
    let Some((line, method, path)) = endpoint_line(&lines) else {
        if title.is_empty() {
            return Err(format!(
                "{file} is not a unified docs page: it has no `# title` and no endpoint line"
            ));
        }
        // An index page (`# Работа с профилем`): no operation on it.
        return Ok(page);
    };
    let mut e = DocEndpoint {
        title,
        method,
        path,
        loc: loc(line),
        uses_shared: false,
        params: Vec::new(),
        additional: None,
        statuses: Vec::new(),
        fields: Vec::new(),
        fields_of: None,
    };
    let sections = sections(&lines);
    if let Some(&(from, to)) = sections.get("Параметры") {
        if let Some(table) = table_after(&lines, from, to) {
            read_params(&table, &lines, &loc, &mut e, &mut page.unread);
        }
    }
    if let Some(&(from, to)) = sections.get("Ответ") {
        // The table of dotted paths, if there is one, and every example, merged: a page may
        // show one example per case (with and without the secret key), and its table may
        // leave out a field its example shows. An error example shows the error envelope, not
        // the response.
        let table =
            table_after(&lines, from, to).filter(|t| t.header.iter().any(|h| h == "Свойство"));
        if let Some(table) = table {
            e.fields = fields_from_table(&table, &loc);
        }
        for (at, json) in json_blocks(&lines, from, to) {
            if is_error_example(&json) {
                continue;
            }
            match Json::parse(&json) {
                Some(value) => merge(&mut e.fields, fields_from_example(&value, &loc(at))),
                None => page.unread.push((
                    loc(at),
                    "the example response is not JSON, even leniently".into(),
                )),
            }
        }
    }
    page.endpoints.push(e);
    Ok(page)
}

/// `GET https://api.rees46.ru/profile` in a code block: its line, method and path.
fn endpoint_line(lines: &[&str]) -> Option<(usize, String, String)> {
    lines.iter().enumerate().find_map(|(i, l)| {
        let (method, url) = l.trim().split_once(' ')?;
        if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
            return None;
        }
        let after = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        let path = &after[after.find('/')?..];
        let path = path.split('?').next().unwrap_or(path);
        Some((i, method.to_string(), path.to_string()))
    })
}

/// `## Heading` → its lines (`from..to`), for the headings of level 2.
fn sections(lines: &[&str]) -> std::collections::BTreeMap<String, (usize, usize)> {
    let starts: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("## ").map(|h| (i, h.trim().to_string())))
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for (k, (i, heading)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |s| s.0);
        out.entry(heading.clone()).or_insert((i + 1, end));
    }
    out
}

/// A Markdown table: its header cells and rows, each with its line index.
struct Table {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| names.contains(&h.as_str()))
    }
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// The first table in `from..to`.
fn table_after(lines: &[&str], from: usize, to: usize) -> Option<Table> {
    let start = (from..to).find(|&i| lines[i].trim_start().starts_with('|'))?;
    let header = cells(lines[start]);
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate().take(to).skip(start + 1) {
        let l = line.trim();
        if !l.starts_with('|') {
            break;
        }
        let row = cells(l);
        if row
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        rows.push((i, row));
    }
    Some(Table { header, rows })
}

/// The ```json blocks in `from..to`: each one's first line, and its text.
fn json_blocks(lines: &[&str], from: usize, to: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some(start) = (i..to).find(|&j| lines[j].trim_start().starts_with("```json")) {
        let Some(end) = (start + 1..to).find(|&j| lines[j].trim_start().starts_with("```")) else {
            break;
        };
        out.push((start + 1, lines[start + 1..end].join("\n")));
        i = end + 1;
    }
    out
}

/// An example of the error envelope (`{"status": "error", ...}`).
fn is_error_example(json: &str) -> bool {
    let compact: String = json.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("\"status\":\"error\"")
}

/// Adds `more` to `fields`: new names at the end, the children of a name both have merged.
fn merge(fields: &mut Vec<DocField>, more: Vec<DocField>) {
    for field in more {
        match fields.iter_mut().find(|f| f.name == field.name) {
            Some(known) => merge(&mut known.children, field.children),
            None => fields.push(field),
        }
    }
}

fn read_params(
    table: &Table,
    lines: &[&str],
    loc: &dyn Fn(usize) -> PageLoc,
    e: &mut DocEndpoint,
    unread: &mut Vec<(PageLoc, String)>,
) {
    let (Some(name_col), Some(required_col)) =
        (table.column(&["Параметр"]), table.column(&["Обязателен?"]))
    else {
        unread.push((
            loc(table.rows.first().map_or(0, |r| r.0)),
            "a parameter table without `Параметр` and `Обязателен?` columns".into(),
        ));
        return;
    };
    let type_col = table.column(&["Тип данных", "Тип"]);
    let description_col = table.column(&["Описание"]);
    let _ = lines;
    for (i, row) in &table.rows {
        let Some(raw) = row.get(name_col) else {
            continue;
        };
        let description = description_col
            .and_then(|c| row.get(c))
            .cloned()
            .unwrap_or_default();
        // `[a-z0-9_]+`: the custom properties.
        if raw.starts_with('[') && raw.contains(']') && raw.contains('+') {
            e.additional = Some(loc(*i));
            continue;
        }
        let starred = raw.ends_with('*');
        let name = raw.trim_end_matches('*').trim_end_matches("[]").to_string();
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            || name.is_empty()
        {
            unread.push((
                loc(*i),
                format!("parameter name {raw:?} is not a wire name"),
            ));
            continue;
        }
        let requirement = match (starred, row.get(required_col).map(String::as_str)) {
            (true, _) => Requirement::OneOf("*".into()),
            (false, Some("Да")) => Requirement::Required,
            (false, Some("Нет")) => Requirement::Optional,
            (false, _) => Requirement::Unstated,
        };
        let type_words = type_col
            .and_then(|c| row.get(c))
            .map(|t| {
                if raw.ends_with("[]") {
                    format!("{t} array")
                } else {
                    t.clone()
                }
            })
            .or_else(|| raw.ends_with("[]").then(|| "Array".to_string()));
        e.params.push(DocParam {
            deprecated: description.to_lowercase().contains("deprecated"),
            values: listed_values(&description),
            name,
            type_words,
            requirement,
            description,
            loc: loc(*i),
        });
    }
}

/// `payload.messages[].campaign_id | Integer | …` rows as a tree of fields.
fn fields_from_table(table: &Table, loc: &dyn Fn(usize) -> PageLoc) -> Vec<DocField> {
    let name_col = table.column(&["Свойство"]).unwrap_or(0);
    let type_col = table.column(&["Тип"]);
    let description_col = table.column(&["Описание"]);
    let mut root: Vec<DocField> = Vec::new();
    for (i, row) in &table.rows {
        let Some(path) = row.get(name_col) else {
            continue;
        };
        // `a.b[].c`, and a map's keys as `image_url_resized['120']`.
        let steps: Vec<&str> = path
            .split('.')
            .flat_map(|s| s.split("['"))
            .map(|s| s.trim_end_matches("[]").trim_end_matches("']"))
            .filter(|s| !s.is_empty())
            .collect();
        let Some((last, parents)) = steps.split_last() else {
            continue;
        };
        let mut level = &mut root;
        for step in parents {
            let at = match level.iter().position(|f| f.name == *step) {
                Some(at) => at,
                None => {
                    level.push(DocField::named(step, loc(*i)));
                    level.len() - 1
                }
            };
            level = &mut level[at].children;
        }
        let field = match level.iter().position(|f| f.name == *last) {
            Some(at) => &mut level[at],
            None => {
                level.push(DocField::named(last, loc(*i)));
                let end = level.len() - 1;
                &mut level[end]
            }
        };
        field.loc = loc(*i);
        field.type_words = type_col.and_then(|c| row.get(c)).cloned();
        field.description = description_col
            .and_then(|c| row.get(c))
            .cloned()
            .unwrap_or_default();
        field.values = listed_values(&field.description);
    }
    root
}

/// The values a description lists: the backticked words after `Значения:` or a colon
/// (`Пол. Значения: `m` и `f``, `через запятую: `email`, `sms``), when there are two or more.
fn listed_values(description: &str) -> Vec<String> {
    let Some(at) = description.find(':') else {
        return Vec::new();
    };
    let after = &description[at + 1..];
    let sentence = &after[..after.find(". ").unwrap_or(after.len())];
    let words: Vec<String> = sentence
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(str::to_string)
        .collect();
    if words.len() >= 2 {
        words
    } else {
        Vec::new()
    }
}

/// The fields an example response shows: an object's keys, a list's first object's.
fn fields_from_example(value: &Json, at: &PageLoc) -> Vec<DocField> {
    match value {
        Json::Object(entries) => entries
            .iter()
            .map(|(key, v)| {
                let mut field = DocField::named(key, at.clone());
                field.type_words = v.type_words().map(str::to_string);
                field.children = fields_from_example(v, at);
                field
            })
            .collect(),
        Json::Array(items) => items
            .iter()
            .find(|i| matches!(i, Json::Object(_)))
            .map_or_else(Vec::new, |first| fields_from_example(first, at)),
        _ => Vec::new(),
    }
}

/// JSON as the pages write their examples: `...` for a value (or an element) is allowed.
#[derive(Debug)]
enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    Text,
    Number,
    Bool,
    Null,
    /// `...`: any value.
    Elided,
}

impl Json {
    fn type_words(&self) -> Option<&'static str> {
        match self {
            Json::Object(_) => Some("Object"),
            Json::Array(_) => Some("Array"),
            Json::Text => Some("String"),
            Json::Number => Some("Number"),
            Json::Bool => Some("Boolean"),
            Json::Null | Json::Elided => None,
        }
    }

    fn parse(text: &str) -> Option<Json> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        let value = p.value()?;
        p.space();
        (p.i == p.s.len()).then_some(value)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn space(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.space();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Json> {
        self.space();
        // Deep nesting is refused rather than followed (a hostile page).
        if self.depth > 64 {
            return None;
        }
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                self.depth += 1;
                let mut entries = Vec::new();
                loop {
                    if self.eat(b'}') {
                        break;
                    }
                    if self.elided() {
                        let _ = self.eat(b',');
                        continue;
                    }
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value()?;
                    entries.push((key, v));
                    if !self.eat(b',') {
                        if !self.eat(b'}') {
                            return None;
                        }
                        break;
                    }
                }
                self.depth -= 1;
                Some(Json::Object(entries))
            }
            b'[' => {
                self.i += 1;
                self.depth += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(b']') {
                        break;
                    }
                    items.push(self.value()?);
                    if !self.eat(b',') {
                        if !self.eat(b']') {
                            return None;
                        }
                        break;
                    }
                }
                self.depth -= 1;
                Some(Json::Array(items))
            }
            // `"..."` is a placeholder, not a string: the page does not say the value's type.
            b'"' => self.string().map(|text| {
                if text == "..." {
                    Json::Elided
                } else {
                    Json::Text
                }
            }),
            b'.' => self.elided().then_some(Json::Elided),
            b't' => self.word("true").then_some(Json::Bool),
            b'f' => self.word("false").then_some(Json::Bool),
            b'n' => self.word("null").then_some(Json::Null),
            b'-' | b'0'..=b'9' => {
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
                {
                    self.i += 1;
                }
                Some(Json::Number)
            }
            _ => None,
        }
    }

    fn elided(&mut self) -> bool {
        self.space();
        if self.s[self.i..].starts_with(b"...") {
            self.i += 3;
            true
        } else {
            false
        }
    }

    fn word(&mut self, w: &str) -> bool {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            true
        } else {
            false
        }
    }

    fn string(&mut self) -> Option<String> {
        self.space();
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let start = self.i;
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b'\\' => self.i = (self.i + 2).min(self.s.len()),
                b'"' => {
                    let text = std::str::from_utf8(&self.s[start..self.i])
                        .ok()?
                        .to_string();
                    self.i += 1;
                    return Some(text);
                }
                _ => self.i += 1,
            }
        }
        None
    }
}
