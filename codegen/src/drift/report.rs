//! The findings, for the places maintainers look: text for a terminal, Markdown for a pull
//! request comment (grouped by operation, breaking first), JSON for tools (each finding with a
//! stable id and a fingerprint that survives rewording of the page).

use std::fmt::Write as _;

use super::compare::Finding;
use super::doc::Page;
use crate::diff::Class;
use crate::json::Json;

/// What a run found, in numbers: what `--fail-on` looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Findings the schema does not explain.
    pub unexplained: usize,
    /// Of those, the ones adopting would break the crate's users.
    pub breaking: usize,
    /// Findings a `page` record explains.
    pub explained: usize,
    /// Places the readers could not read: a change may hide there, so they count as breaking
    /// for the exit code.
    pub unreadable: usize,
}

/// Counts `findings` and the pages' unreadable places.
pub fn counts(pages: &[Page], findings: &[Finding]) -> Counts {
    let open: Vec<&Finding> = findings.iter().filter(|f| f.explained.is_none()).collect();
    Counts {
        unexplained: open.len(),
        breaking: open.iter().filter(|f| f.class == Class::Breaking).count(),
        explained: findings.len() - open.len(),
        unreadable: pages.iter().map(|p| p.unread.len()).sum(),
    }
}

/// The summary line: `FILES: N unexplained findings (B breaking), E explained by the schema`,
/// and the unreadable places when there are some.
fn summary(pages: &[Page], c: Counts, quote: &str, strong: &str) -> String {
    let files: Vec<String> = pages
        .iter()
        .map(|p| format!("{quote}{}{quote}", p.file))
        .collect();
    let mut line = format!(
        "{}: {strong}{}{strong} unexplained finding{} ({strong}{}{strong} breaking), {} explained by the schema",
        files.join(", "),
        c.unexplained,
        plural(c.unexplained),
        c.breaking,
        c.explained
    );
    if c.unreadable > 0 {
        line.push_str(&format!(
            ", {strong}{}{strong} place{} the reader could not read",
            c.unreadable,
            plural(c.unreadable)
        ));
    }
    line
}

/// Text: a summary line, then each unexplained finding, then the explained ones, one line each
/// with the page's and the schema's places; what the reader could not read comes first.
pub fn text(pages: &[Page], findings: &[Finding]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(pages, counts(pages, findings), "", ""));
    for page in pages {
        for (at, why) in &page.unread {
            let _ = writeln!(out, "\nunreadable at {at}: {why}");
        }
    }
    for (title, explained) in [("Unexplained", false), ("Explained", true)] {
        let group: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.explained.is_some() == explained)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for f in group {
            let _ = writeln!(
                out,
                "  [{}] {} {}{}: {}",
                f.class.as_str(),
                f.kind,
                f.endpoint,
                subject(f),
                f.message
            );
            let _ = writeln!(out, "      page {}: {}", f.page_at, f.page_says);
            if let Some((path, at)) = &f.schema {
                let _ = writeln!(out, "      schema {at}: {path}");
            }
            if let Some(note) = &f.explained {
                let _ = writeln!(out, "      explained: {note}");
            }
            if let Some(snippet) = &f.snippet {
                let _ = writeln!(out, "      add:");
                for line in snippet.lines() {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
    }
    out
}

/// Markdown for a pull request comment: per operation, breaking findings first, explained ones
/// folded away.
pub fn markdown(pages: &[Page], findings: &[Finding]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Docs drift\n");
    let _ = writeln!(
        out,
        "{}.\n",
        summary(pages, counts(pages, findings), "`", "**")
    );
    let unread: Vec<_> = pages.iter().flat_map(|p| &p.unread).collect();
    if !unread.is_empty() {
        let _ = writeln!(out, "### Could not be read\n");
        for (at, why) in unread {
            let _ = writeln!(out, "- {at}: {why}");
        }
        out.push('\n');
    }
    let mut endpoints: Vec<&str> = Vec::new();
    for f in findings {
        if !endpoints.contains(&f.endpoint.as_str()) {
            endpoints.push(&f.endpoint);
        }
    }
    for endpoint in endpoints {
        let mut group: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.endpoint == endpoint && f.explained.is_none())
            .collect();
        if group.is_empty() {
            continue;
        }
        group.sort_by_key(|f| f.class);
        let _ = writeln!(out, "### `{endpoint}`\n");
        for f in group {
            let _ = writeln!(
                out,
                "- **{}** `{}`{}: {} (page {}{})",
                f.class.as_str(),
                f.kind,
                subject(f),
                f.message,
                f.page_at,
                f.schema
                    .as_ref()
                    .map(|(_, at)| format!(", schema {at}"))
                    .unwrap_or_default()
            );
            if let Some(snippet) = &f.snippet {
                let _ = writeln!(out, "\n  ```yaml");
                for line in snippet.lines() {
                    let _ = writeln!(out, "  {line}");
                }
                let _ = writeln!(out, "  ```\n");
            }
        }
        out.push('\n');
    }
    let explained: Vec<&Finding> = findings.iter().filter(|f| f.explained.is_some()).collect();
    if !explained.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} explained by the schema</summary>\n",
            explained.len()
        );
        for f in explained {
            let _ = writeln!(
                out,
                "- `{}` `{}`{}: {}",
                f.kind,
                f.endpoint,
                subject(f),
                f.explained.as_deref().unwrap_or_default()
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

/// JSON: the counts, what could not be read, and every finding.
pub fn json(pages: &[Page], findings: &[Finding]) -> String {
    let c = counts(pages, findings);
    let unread = pages
        .iter()
        .flat_map(|p| &p.unread)
        .map(|(at, why)| {
            Json::object()
                .with("at", Json::str(at.to_string()))
                .with("why", Json::str(why))
        })
        .collect();
    let items = findings
        .iter()
        .map(|f| {
            Json::object()
                .with("id", Json::str(f.id()))
                .with("kind", Json::str(f.kind))
                .with("fingerprint", Json::str(f.fingerprint()))
                .with("class", Json::str(f.class.as_str()))
                .with("endpoint", Json::str(&f.endpoint))
                .with("subject", Json::str(&f.subject))
                .with("message", Json::str(&f.message))
                .with("page_says", Json::str(&f.page_says))
                .with("page_at", Json::str(f.page_at.to_string()))
                .with_opt(
                    "schema",
                    f.schema.as_ref().map(|(path, at)| {
                        Json::object()
                            .with("path", Json::str(path))
                            .with("at", Json::str(at))
                    }),
                )
                .with_opt("explained", f.explained.as_ref().map(Json::str))
                .with_opt("snippet", f.snippet.as_ref().map(Json::str))
        })
        .collect();
    Json::object()
        .with("pages", Json::strings(pages.iter().map(|p| &p.file)))
        .with("unexplained", Json::Int(c.unexplained as i64))
        .with("breaking", Json::Int(c.breaking as i64))
        .with("explained", Json::Int(c.explained as i64))
        .with("unreadable", Json::Array(unread))
        .with("findings", Json::Array(items))
        .pretty()
}

fn subject(f: &Finding) -> String {
    if f.subject.is_empty() {
        String::new()
    } else {
        format!(" {}", f.subject)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
