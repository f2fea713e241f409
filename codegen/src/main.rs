//! `personaclick-codegen`: the maintainers' command line, on the same library `build.rs` uses.
//! Run `personaclick-codegen help` (or `cargo codegen help` in the personaclick workspace).

use std::path::Path;
use std::process::ExitCode;

use personaclick_codegen::{
    diff, docs, drift, inspect, openapi, read_dir, release, sources, Diagnostics,
};

const USAGE: &str = "\
personaclick-codegen: maintainer tools for a schema in the personaclick-codegen schema language

Usage:
  personaclick-codegen check [PATH]
      Validate the schema: every problem at once, each with file:line:column and its YAML
      path, with the same messages as the build. PATH is a directory of *.yaml files or one
      file (default: schema).
  personaclick-codegen docs [PATH] [--out FILE] [--check]
      Write the Markdown API reference (default FILE: generated/REFERENCE.md).
  personaclick-codegen openapi [PATH] [--out FILE] [--check]
      Write the OpenAPI 3.1 document (default FILE: generated/openapi.json).
  personaclick-codegen diff OLD NEW [--json]
      List every change from OLD to NEW, each breaking or compatible for the semver of the
      generated crate. OLD and NEW are each a file, a directory (its schema/ subdirectory if it
      has one), or a git revision: REV, or REV:PATH with PATH relative to the repository's top
      (default: schema). A path that exists wins over a revision of the same name.
      Example: personaclick-codegen diff HEAD~1 .
  personaclick-codegen drift [--schema DIR] [--format text|markdown|json]
                             [--fail-on breaking|any|none] PAGE...
      Compare what PersonaClick's published pages document with the schema: operations,
      parameters, requirements, types, status codes and response fields. A PAGE is the English
      reference as a browser copies it (text) or a page of the unified docs (Markdown), or a
      directory of them. Where the schema departs from a page on purpose it records what the
      page says (`page:`), and the difference is listed as explained. Every addition comes with
      the YAML to paste.
  personaclick-codegen release-check BASE [--manifest FILE]
      Check that the crate's version is bumped at least as far as the schema's changes since
      BASE (a git revision: the last release's tag) need: breaking -> major (minor below
      1.0), a new item or a deprecation -> minor (patch below 1.0), anything else -> patch.
      The version at BASE is read from FILE at BASE, the new one from FILE (default:
      Cargo.toml); the schema at BASE from BASE:schema, the new one from schema/.
  personaclick-codegen changelog OLD NEW
  personaclick-codegen changelog --initial NEW
      Print the schema part of a changelog entry (Keep a Changelog headings: Added, Changed,
      Deprecated, Removed), from the same diff, each change with its YAML place; with
      --initial, a first release's: every operation and type NEW starts with.
  personaclick-codegen help

Options:
  --out FILE   write there instead (- for standard output)
  --check      write nothing; exit 1 if FILE differs from what would be written
  --json       diff: print JSON (old, new, breaking, compatible, changes[] with class, kind,
               path, at, message)
  --schema DIR drift: the schema (default: schema)
  --format F   drift: text (default), markdown (a pull request comment) or json
  --fail-on L  drift: exit 1 when an unexplained finding is breaking (breaking, the default),
               is any finding at all (any), or never (none); a row the reader could not
               read counts as breaking

Exit codes:
  0  success: the schema is valid, the file is written or fresh, no breaking change,
     the version is bumped far enough
  1  check/docs/openapi: the schema is invalid, or the file is stale (--check);
     diff: at least one breaking change; release-check: the version is not bumped enough
     drift: an unexplained finding at or above --fail-on
  2  usage error, unreadable file, git error; diff: OLD or NEW is not a valid schema;
     drift: a page that cannot be read (empty, binary, cut short, not a PersonaClick page)
";

/// How a command ends.
enum Fail {
    /// Exit 1, with a message.
    Check(String),
    /// Exit 2, with a message and a pointer to the usage.
    Usage(String),
    /// Exit 2: an input that cannot be read; the message says why.
    Unreadable(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("check") => check(&args[1..]),
        Some("docs") => write_cmd(&args[1..], Output::Docs),
        Some("openapi") => write_cmd(&args[1..], Output::OpenApi),
        Some("diff") => diff_cmd(&args[1..]),
        Some("drift") => drift_cmd(&args[1..]),
        Some("release-check") => release_check(&args[1..]),
        Some("changelog") => changelog_cmd(&args[1..]),
        Some(other) => Err(Fail::Usage(format!(
            "unknown command \"{other}\" (commands: check, docs, openapi, diff, drift, release-check, changelog, help)"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Check(message)) => {
            if !message.is_empty() {
                eprint!("{}", with_newline(&message));
            }
            ExitCode::from(1)
        }
        Err(Fail::Usage(message)) => {
            eprint!("error: {}", with_newline(&message));
            eprintln!("Run `personaclick-codegen help` for usage.");
            ExitCode::from(2)
        }
        Err(Fail::Unreadable(message)) => {
            eprint!("error: {}", with_newline(&message));
            ExitCode::from(2)
        }
    }
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// Splits arguments into positionals, and options with and without a value.
struct Args {
    positional: Vec<String>,
    out: Option<String>,
    check: bool,
    json: bool,
    schema: Option<String>,
    format: Option<String>,
    fail_on: Option<String>,
    manifest: Option<String>,
    initial: bool,
}

fn parse(args: &[String], allowed: &[&str]) -> Result<Args, Fail> {
    let mut parsed = Args {
        positional: Vec::new(),
        out: None,
        check: false,
        json: false,
        schema: None,
        format: None,
        fail_on: None,
        manifest: None,
        initial: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let flag = arg.split('=').next().unwrap_or(arg);
        if arg.starts_with("--") && !allowed.contains(&flag) {
            return Err(Fail::Usage(format!(
                "unknown option \"{arg}\" here (allowed: {})",
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                }
            )));
        }
        let mut value = |what: &str| -> Result<String, Fail> {
            match arg.split_once('=') {
                Some((_, v)) => Ok(v.to_string()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| Fail::Usage(format!("{flag} needs {what}"))),
            }
        };
        match flag {
            "--out" => parsed.out = Some(value("a file name")?),
            "--schema" => parsed.schema = Some(value("a directory")?),
            "--format" => parsed.format = Some(value("text, markdown or json")?),
            "--fail-on" => parsed.fail_on = Some(value("breaking, any or none")?),
            "--manifest" => parsed.manifest = Some(value("a Cargo.toml")?),
            "--check" => parsed.check = true,
            "--json" => parsed.json = true,
            "--initial" => parsed.initial = true,
            _ => parsed.positional.push(arg.clone()),
        }
    }
    Ok(parsed)
}

/// Reads the schema at a path (`check`, `docs`, `openapi`): IO problems are usage errors.
fn read(path: &str) -> Result<Vec<personaclick_codegen::SourceFile>, Fail> {
    let p = Path::new(path);
    if !p.exists() {
        return Err(Fail::Usage(format!("{path}: no such file or directory")));
    }
    if p.is_dir() {
        read_dir(p).map_err(|problems| Fail::Usage(lines(&problems)))
    } else {
        sources::read_path(p).map_err(Fail::Usage)
    }
}

fn lines(problems: &Diagnostics) -> String {
    problems
        .0
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_path(args: &Args) -> Result<&str, Fail> {
    match args.positional.as_slice() {
        [] => Ok("schema"),
        [path] => Ok(path),
        [_, extra, ..] => Err(Fail::Usage(format!("unexpected argument \"{extra}\""))),
    }
}

fn check(args: &[String]) -> Result<(), Fail> {
    let args = parse(args, &[])?;
    let path = one_path(&args)?;
    let files = read(path)?;
    match inspect::inspect(&files) {
        Ok(api) => {
            println!(
                "{path}: the schema is valid ({}, {}, {})",
                count(files.len(), "file"),
                count(api.model.endpoints.len(), "endpoint"),
                count(api.model.types.len(), "type")
            );
            Ok(())
        }
        Err(problems) => Err(Fail::Check(format!(
            "error: {path}: the schema is invalid\n{problems}"
        ))),
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[derive(Clone, Copy)]
enum Output {
    Docs,
    OpenApi,
}

fn write_cmd(args: &[String], output: Output) -> Result<(), Fail> {
    let args = parse(args, &["--out", "--check"])?;
    let path = one_path(&args)?;
    let files = read(path)?;
    let api = inspect::inspect(&files).map_err(|problems| {
        Fail::Check(format!("error: {path}: the schema is invalid\n{problems}"))
    })?;
    let (text, default_out) = match output {
        Output::Docs => (docs::reference(&api), "generated/REFERENCE.md"),
        Output::OpenApi => (
            openapi::document(&api.model).map_err(|problems| {
                Fail::Check(format!(
                    "error: {path}: the schema has no OpenAPI equivalent\n{problems}"
                ))
            })?,
            "generated/openapi.json",
        ),
    };
    let out = args.out.as_deref().unwrap_or(default_out);
    if args.check {
        let current = if out == "-" {
            return Err(Fail::Usage("--check needs a file, not -".into()));
        } else {
            std::fs::read_to_string(out).unwrap_or_default()
        };
        return if current == text {
            println!("{out} is fresh");
            Ok(())
        } else {
            Err(Fail::Check(format!(
                "{out} is stale: regenerate it (personaclick-codegen {} {path} --out {out})",
                match output {
                    Output::Docs => "docs",
                    Output::OpenApi => "openapi",
                }
            )))
        };
    }
    if out == "-" {
        print!("{text}");
        return Ok(());
    }
    let target = Path::new(out);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Fail::Usage(format!("{}: cannot create: {e}", dir.display())))?;
    }
    std::fs::write(target, text).map_err(|e| Fail::Usage(format!("{out}: cannot write: {e}")))?;
    eprintln!("wrote {out}");
    Ok(())
}

fn diff_cmd(args: &[String]) -> Result<(), Fail> {
    let args = parse(args, &["--json"])?;
    let [old, new] = args.positional.as_slice() else {
        return Err(Fail::Usage(
            "diff needs two versions: personaclick-codegen diff OLD NEW".into(),
        ));
    };
    let (a, b) = (load_schema(old)?, load_schema(new)?);
    let changes = diff::diff(&a, &b);
    if args.json {
        print!("{}", diff::json(old, new, &changes));
    } else {
        print!("{}", diff::human(old, new, &changes));
    }
    if diff::breaking(&changes) > 0 {
        // The list is the message; exit 1 without repeating it.
        return Err(Fail::Check(String::new()));
    }
    Ok(())
}

/// A schema version, as `diff` reads one.
fn load_schema(arg: &str) -> Result<inspect::Inspected, Fail> {
    let files = sources::read(arg).map_err(Fail::Usage)?;
    inspect::inspect(&files)
        .map_err(|problems| Fail::Usage(format!("{arg} is not a valid schema\n{problems}")))
}

fn release_check(args: &[String]) -> Result<(), Fail> {
    let args = parse(args, &["--manifest"])?;
    let [base] = args.positional.as_slice() else {
        return Err(Fail::Usage(
            "release-check needs the last release: personaclick-codegen release-check BASE".into(),
        ));
    };
    let manifest = args.manifest.as_deref().unwrap_or("Cargo.toml");
    let new_text = std::fs::read_to_string(manifest)
        .map_err(|e| Fail::Usage(format!("{manifest}: cannot read: {e}")))?;
    let old_text = sources::git_show(base, manifest).map_err(Fail::Usage)?;
    let version = |text: &str, which: String| {
        release::package_version(text).map_err(|e| Fail::Usage(format!("{which}: {e}")))
    };
    let old = version(&old_text, format!("{base}:{manifest}"))?;
    let new = version(&new_text, manifest.to_string())?;
    let changes = diff::diff(&load_schema(base)?, &load_schema("schema")?);
    match release::check(&old, &new, &changes) {
        Ok(report) => {
            print!("{report}");
            Ok(())
        }
        Err(report) => Err(Fail::Check(report)),
    }
}

fn changelog_cmd(args: &[String]) -> Result<(), Fail> {
    let args = parse(args, &["--initial"])?;
    if args.initial {
        let [new] = args.positional.as_slice() else {
            return Err(Fail::Usage(
                "changelog --initial needs one version: personaclick-codegen changelog --initial NEW".into(),
            ));
        };
        print!("{}", release::initial(&load_schema(new)?.model));
        return Ok(());
    }
    let [old, new] = args.positional.as_slice() else {
        return Err(Fail::Usage(
            "changelog needs two versions: personaclick-codegen changelog OLD NEW".into(),
        ));
    };
    let changes = diff::diff(&load_schema(old)?, &load_schema(new)?);
    print!("{}", release::changelog(&changes));
    Ok(())
}

fn drift_cmd(args: &[String]) -> Result<(), Fail> {
    let args = parse(args, &["--schema", "--format", "--fail-on"])?;
    if args.positional.is_empty() {
        return Err(Fail::Usage(
            "drift needs a page: personaclick-codegen drift PAGE...".into(),
        ));
    }
    let schema = args.schema.as_deref().unwrap_or("schema");
    let files = read(schema)?;
    let api = inspect::inspect(&files)
        .map_err(|problems| Fail::Usage(format!("{schema} is not a valid schema\n{problems}")))?;
    let mut pages = Vec::new();
    for arg in &args.positional {
        for file in page_files(arg)? {
            let bytes = std::fs::read(&file)
                .map_err(|e| Fail::Unreadable(format!("{file}: cannot read: {e}")))?;
            pages.push(drift::read_page(&file, &bytes, &api).map_err(Fail::Unreadable)?);
        }
    }
    let findings = drift::compare(&pages, &api);
    let report = match args.format.as_deref().unwrap_or("text") {
        "text" => drift::report::text(&pages, &findings),
        "markdown" => drift::report::markdown(&pages, &findings),
        "json" => drift::report::json(&pages, &findings),
        other => {
            return Err(Fail::Usage(format!(
                "unknown format \"{other}\" (text, markdown, json)"
            )))
        }
    };
    let counts = drift::report::counts(&pages, &findings);
    let fail = match args.fail_on.as_deref().unwrap_or("breaking") {
        "breaking" => counts.breaking + counts.unreadable > 0,
        "any" => counts.unexplained + counts.unreadable > 0,
        "none" => false,
        other => {
            return Err(Fail::Usage(format!(
                "unknown --fail-on \"{other}\" (breaking, any, none)"
            )))
        }
    };
    print!("{report}");
    if fail {
        return Err(Fail::Check(String::new()));
    }
    Ok(())
}

/// A page, or the pages of a directory (`*.md` and `*.txt`, in name order).
fn page_files(arg: &str) -> Result<Vec<String>, Fail> {
    let path = Path::new(arg);
    if !path.exists() {
        return Err(Fail::Usage(format!("{arg}: no such file or directory")));
    }
    if !path.is_dir() {
        return Ok(vec![arg.to_string()]);
    }
    let mut files: Vec<String> = std::fs::read_dir(path)
        .map_err(|e| Fail::Usage(format!("{arg}: cannot read: {e}")))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md" || x == "txt")
                && p.file_name().is_some_and(|n| n != "README.md")
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    Ok(files)
}
