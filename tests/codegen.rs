//! The generator's output, guarded: the committed copy in `generated/` must be fresh, each
//! fixture schema's output is an insta snapshot (compiled by `tests/fixtures_compile.rs`), and
//! every validation message for the broken fixtures is a snapshot too.
//!
//! One command refreshes all of it; review the diff before committing:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test codegen
//! ```

use std::path::{Path, PathBuf};

use personaclick_codegen::{generate, read_dir, SourceFile};

const REFRESH: &str = "INSTA_UPDATE=always cargo test --test codegen";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate_dir(dir: &Path) -> String {
    let files = read_dir(dir).unwrap_or_else(|e| panic!("{e}"));
    generate(&files).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

#[test]
fn committed_copy_is_fresh() {
    let fresh = generate_dir(&root().join("schema"));
    let path = root().join("generated/personaclick.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == fresh {
        return;
    }
    if std::env::var("INSTA_UPDATE").as_deref() == Ok("always") {
        std::fs::write(&path, fresh).expect("write generated/personaclick.rs");
        return;
    }
    panic!("generated/personaclick.rs is stale: the schema changed. Refresh it with\n\n    {REFRESH}\n\nand review the diff.");
}

#[test]
fn generation_is_deterministic() {
    let dir = root().join("schema");
    assert_eq!(generate_dir(&dir), generate_dir(&dir));
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
    }
    assert!(variants > 1000, "only {variants} variants");
}
