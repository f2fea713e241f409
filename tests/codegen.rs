//! The generator's output, guarded: the committed files in `generated/` (the client, the
//! Markdown reference and the OpenAPI document) must be fresh, each fixture schema's output is
//! an insta snapshot (compiled by `tests/fixtures_compile.rs`), every validation message for
//! the broken fixtures is a snapshot too, and the OpenAPI export passes an independent
//! validator.
//!
//! One command refreshes all of it; review the diff before committing:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test codegen
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use personaclick_codegen::{docs, generate, inspect, openapi, read_dir, SourceFile};

const REFRESH: &str = "INSTA_UPDATE=always cargo test --test codegen";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate_dir(dir: &Path) -> String {
    let files = read_dir(dir).unwrap_or_else(|e| panic!("{e}"));
    generate(&files).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// Each file in `generated/`, made from `schema/` by the library functions the
/// `personaclick-codegen` binary calls too.
fn generated_files() -> Vec<(&'static str, String)> {
    let schema = root().join("schema");
    let api = read_dir(&schema)
        .and_then(|files| inspect::inspect(&files))
        .unwrap_or_else(|e| panic!("{e}"));
    vec![
        ("generated/personaclick.rs", generate_dir(&schema)),
        ("generated/REFERENCE.md", docs::reference(&api)),
        (
            "generated/openapi.json",
            openapi::document(&api.model).unwrap_or_else(|e| panic!("{e}")),
        ),
    ]
}

/// Whether the committed file is `fresh`; with `INSTA_UPDATE=always`, makes it so.
fn is_fresh(relative: &str, fresh: &str) -> bool {
    let path = root().join(relative);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == fresh {
        return true;
    }
    if std::env::var("INSTA_UPDATE").as_deref() == Ok("always") {
        std::fs::write(&path, fresh).unwrap_or_else(|e| panic!("write {relative}: {e}"));
        return true;
    }
    false
}

#[test]
fn committed_copy_is_fresh() {
    let stale: Vec<&str> = generated_files()
        .iter()
        .filter(|(path, fresh)| !is_fresh(path, fresh))
        .map(|(path, _)| *path)
        .collect();
    assert!(
        stale.is_empty(),
        "{} stale: the schema changed. Refresh with\n\n    {REFRESH}\n\nand review the diff.",
        stale.join(", ")
    );
}

#[test]
fn generation_is_deterministic() {
    let dir = root().join("schema");
    assert_eq!(generate_dir(&dir), generate_dir(&dir));
}

/// The build script compiles `generate_unformatted`'s output, reviewers read `generate`'s: they
/// must be the same code, for the real schema and every fixture (formatting the one gives the
/// other, byte for byte).
#[test]
fn unformatted_output_is_the_same_code() {
    let dirs = std::iter::once(root().join("schema")).chain(fixture_dirs("schemas"));
    for dir in dirs {
        let files = read_dir(&dir).unwrap();
        let unformatted = personaclick_codegen::generate_unformatted(&files).unwrap();
        let body = unformatted
            .strip_prefix(personaclick_codegen::HEADER)
            .expect("the do-not-edit line comes first");
        let parsed = syn::parse_file(body).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let formatted = format!(
            "{}\n\n{}",
            personaclick_codegen::HEADER,
            prettyplease::unparse(&parsed)
        );
        assert!(
            formatted == generate(&files).unwrap(),
            "{}: not the same code",
            dir.display()
        );
    }
}

#[test]
fn output_starts_with_the_do_not_edit_line() {
    let code = generate_dir(&root().join("schema"));
    assert!(code.starts_with(personaclick_codegen::HEADER));
    assert!(personaclick_codegen::HEADER.contains("Do not edit"));
}

fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(kind))
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures in tests/fixtures/{kind}");
    dirs
}

fn name_of(path: &Path) -> String {
    path.file_stem()
        .expect("name")
        .to_string_lossy()
        .into_owned()
}

/// Each construct of the schema language, generated: the raw `.snap.rs` files are what
/// `tests/fixtures_compile.rs` compiles.
#[test]
fn fixture_schemas() {
    for dir in fixture_dirs("schemas") {
        let code = generate_dir(&dir);
        insta::assert_binary_snapshot!(&format!("{}.rs", name_of(&dir)), code.into_bytes());
    }
}

/// Every message for each broken schema, at once.
#[test]
fn broken_schemas() {
    for path in fixture_dirs("broken") {
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let name = format!(
            "broken/{}",
            path.file_name().expect("name").to_string_lossy()
        );
        let problems = match generate(&[SourceFile { name, text }]) {
            Ok(_) => panic!("{} should not pass validation", path.display()),
            Err(problems) => problems,
        };
        insta::assert_snapshot!(format!("broken_{}", name_of(&path)), problems.to_string());
    }
}

/// The same schema split differently over files gives the same client.
#[test]
fn files_merge_and_definitions_clash_across_files() {
    let a = SourceFile {
        name: "a.yaml".into(),
        text: "types:\n  T:\n    description: t\n    values: {x: X.}\n".into(),
    };
    let b = SourceFile {
        name: "b.yaml".into(),
        text: "types:\n  T:\n    description: again\n    values: {y: Y.}\n".into(),
    };
    let problems = generate(&[a, b]).unwrap_err().to_string();
    assert!(
        problems.contains("b.yaml:2:3: types.T: \"T\" is already defined at a.yaml:2"),
        "{problems}"
    );
}

/// Damaged schemas get messages, never a panic: every line of the real schema removed in
/// turn, and every file cut short at many points.
#[test]
fn damaged_schemas_never_panic() {
    let files = read_dir(&root().join("schema")).expect("schema");
    let mut variants = 0;
    let mut still_valid = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let lines: Vec<&str> = file.text.lines().collect();
        let cuts = (0..file.text.len())
            .step_by(41)
            .filter(|at| file.text.is_char_boundary(*at))
            .map(|at| file.text[..at].to_string());
        let without_a_line = (0..lines.len()).map(|skip| {
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != skip)
                .map(|(_, l)| *l)
                .collect();
            kept.join("\n")
        });
        for text in cuts.chain(without_a_line) {
            let mut damaged = files.clone();
            damaged[i].text = text;
            variants += 1;
            // `check` runs every stage but emission; emission is run below on a sample.
            if personaclick_codegen::check(&damaged).is_ok() && still_valid.len() < 25 {
                still_valid.push(damaged);
            }
        }
    }
    for files in &still_valid {
        generate(files).expect("a schema that checks generates");
        let api = inspect::inspect(files).expect("a schema that checks inspects");
        docs::reference(&api);
        openapi::document(&api.model).expect("an OpenAPI document");
    }
    assert!(variants > 1000, "only {variants} variants");
}

/// The OpenAPI document of a schema directory, parsed.
fn openapi_of(dir: &Path) -> serde_json::Value {
    let files = read_dir(dir).unwrap_or_else(|e| panic!("{e}"));
    let api = inspect::inspect(&files).unwrap_or_else(|e| panic!("{e}"));
    let text = openapi::document(&api.model).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", dir.display()))
}

/// Every `$ref` of the document points at a schema it defines, and every operation of the
/// schema is there once, with its method and path.
#[test]
fn openapi_export_is_complete_and_self_consistent() {
    let doc = openapi_of(&root().join("schema"));
    assert_eq!(doc["openapi"], "3.1.0");
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(target)) => out.push(target),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(targets.len() > 20);
    for target in targets {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {target}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{target}");
    }
    let files = read_dir(&root().join("schema")).expect("schema");
    let model = personaclick_codegen::check(&files).expect("valid");
    for e in &model.endpoints {
        let verb = match e.method {
            personaclick_codegen::schema::Method::Get => "get",
            personaclick_codegen::schema::Method::Post => "post",
            personaclick_codegen::schema::Method::Delete => "delete",
        };
        let op = &doc["paths"][&e.path][verb];
        assert_eq!(op["operationId"], e.name.wire(), "{} {}", verb, e.path);
        assert!(op["responses"]["200"].is_object(), "{}", e.name.wire());
    }
    assert_eq!(
        doc["paths"]["/notifications"]["get"]["parameters"]
            .as_array()
            .map(|p| p.iter().filter(|p| p["name"] == "type").count()),
        Some(1)
    );
}

/// The command that validates OpenAPI documents: `$OPENAPI_SPEC_VALIDATOR` (`.ci/run` sets
/// it), else `openapi-spec-validator` on the PATH. Missing, the test fails under CI (or when the
/// variable is set) and is skipped, with a message, elsewhere.
fn openapi_validator() -> Option<std::ffi::OsString> {
    let configured = std::env::var_os("OPENAPI_SPEC_VALIDATOR");
    let program = configured
        .clone()
        .unwrap_or_else(|| "openapi-spec-validator".into());
    let runs = Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return Some(program);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let install = "pip install openapi-spec-validator==0.9.0 (bash .ci/run installs it in a venv)";
    if configured.is_some() || ci {
        panic!("the OpenAPI validator {program:?} does not run; install it: {install}");
    }
    eprintln!("skipped: openapi-spec-validator is not installed; install it with {install}");
    None
}

/// The OpenAPI documents of the real schema and of every fixture schema pass an independent
/// OpenAPI 3.1 validator, and a broken document does not (so the validator really checks).
#[test]
fn openapi_export_passes_an_independent_validator() {
    let Some(validator) = openapi_validator() else {
        return;
    };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("openapi");
    std::fs::create_dir_all(&out).expect("temp dir");
    let mut dirs = vec![root().join("schema")];
    dirs.extend(fixture_dirs("schemas"));
    let mut paths = Vec::new();
    for dir in &dirs {
        let doc = openapi_of(dir);
        let path = out.join(format!("{}.json", name_of(dir)));
        std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
        paths.push(path);
    }
    let run = |files: &[PathBuf]| {
        Command::new(&validator)
            .args(["--schema", "3.1", "--validation-errors", "all"])
            .args(files)
            .output()
            .expect("run the validator")
    };
    let o = run(&paths);
    assert!(
        o.status.success(),
        "openapi-spec-validator rejects the export:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    // A query parameter without `in` is invalid OpenAPI: the validator must say so.
    let mut broken = openapi_of(&root().join("schema"));
    let param = &mut broken["paths"]["/profile"]["get"]["parameters"][0];
    param.as_object_mut().expect("a parameter").remove("in");
    let path = out.join("broken.json");
    std::fs::write(&path, broken.to_string()).expect("write");
    assert!(
        !run(&[path]).status.success(),
        "the validator accepts a broken document"
    );
}

/// `diff --json` output is JSON, with the counts and every change.
#[test]
fn diff_json_is_json() {
    let fixtures = root().join("codegen/tests/fixtures/diff/param_renamed");
    let load = |side: &str| {
        let files = read_dir(&fixtures.join(side)).expect("fixture");
        inspect::inspect(&files).expect("valid")
    };
    let changes = personaclick_codegen::diff::diff(&load("old"), &load("new"));
    let text = personaclick_codegen::diff::json("HEAD~1", ".", &changes);
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["old"], "HEAD~1");
    assert_eq!(v["breaking"], 1);
    assert_eq!(v["compatible"], 1);
    assert_eq!(v["changes"][0]["kind"], "param_removed");
    assert_eq!(v["changes"][0]["class"], "breaking");
    assert_eq!(v["changes"][0]["path"], "endpoints.get_item.params.color");
    assert_eq!(v["changes"][1]["at"], "new/schema.yaml:25:7");
}

/// The reference has every operation with its method and path, every documented status,
/// every note on the published docs, and no link to a missing heading.
#[test]
fn reference_has_every_operation_and_note() {
    let files = read_dir(&root().join("schema")).expect("schema");
    let api = inspect::inspect(&files).expect("valid");
    let text = docs::reference(&api);
    let model = &api.model;
    let first_paragraph = |note: &str| note.lines().next().unwrap_or_default().trim().to_string();
    let mut notes = Vec::new();
    for e in &model.endpoints {
        let verb = match e.method {
            personaclick_codegen::schema::Method::Get => "GET",
            personaclick_codegen::schema::Method::Post => "POST",
            personaclick_codegen::schema::Method::Delete => "DELETE",
        };
        assert!(
            text.contains(&format!("\n### {}\n", e.name.wire())),
            "{}",
            e.name.wire()
        );
        assert!(
            text.contains(&format!("`{verb} {}`", e.path)),
            "{}",
            e.name.wire()
        );
        for (code, _) in &e.statuses {
            assert!(
                text.contains(&format!("\n| {code} | ")),
                "{} {code}",
                e.name.wire()
            );
        }
        notes.extend(e.note.clone());
        notes.extend(e.params.iter().filter_map(|p| p.note.clone()));
    }
    for t in &model.types {
        notes.extend(t.note.clone());
        match &t.kind {
            personaclick_codegen::model::KindModel::Object { fields, .. }
            | personaclick_codegen::model::KindModel::Union { variants: fields } => {
                notes.extend(fields.iter().filter_map(|f| f.note.clone()))
            }
            personaclick_codegen::model::KindModel::Enum { values } => {
                notes.extend(values.iter().filter_map(|v| v.note.clone()))
            }
        }
    }
    assert!(notes.len() > 20, "only {} notes", notes.len());
    for note in &notes {
        assert!(
            text.contains(&first_paragraph(note)),
            "note missing: {note}"
        );
    }
    // Every `(#anchor)` link has a heading with that anchor (GitHub's rules: lower case,
    // punctuation dropped, spaces as hyphens).
    let anchors: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| {
            h.trim_start_matches('#')
                .trim()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
                .map(|c| {
                    if c == ' ' {
                        '-'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect()
        })
        .collect();
    for link in text.split("](#").skip(1) {
        let anchor = &link[..link.find(')').expect("closing )")];
        assert!(
            anchors.iter().any(|a| a == anchor),
            "no heading for #{anchor}"
        );
    }
}
