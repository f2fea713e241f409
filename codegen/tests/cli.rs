//! The `personaclick-codegen` binary: its commands, outputs and exit codes (0 success, 1 the
//! check failed or a breaking change, 2 usage, IO, git or (diff) schema error).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use personaclick_codegen::{generate, read_dir, SourceFile};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(case: &str, side: &str) -> String {
    manifest()
        .join("tests/fixtures/diff")
        .join(case)
        .join(side)
        .display()
        .to_string()
}

/// Runs the binary in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_personaclick-codegen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run personaclick-codegen")
}

fn run(args: &[&str]) -> Output {
    run_in(&manifest(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// A scratch directory of its own for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn help_lists_commands_and_exit_codes() {
    for args in [&["help"][..], &["--help"], &[]] {
        let o = run(args);
        assert_eq!(code(&o), 0);
        let out = stdout(&o);
        for needle in [
            "check [PATH]",
            "docs [PATH]",
            "openapi [PATH]",
            "diff OLD NEW",
            "Exit codes:",
            "  2  usage error",
        ] {
            assert!(out.contains(needle), "{needle:?} missing from:\n{out}");
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["check", "a", "b"],
        &["check", "--json"],
        &["diff", "only-one"],
        &["docs", "--out"],
        &["check", "no/such/dir"],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn check_accepts_the_real_schema() {
    let o = run_in(&manifest().join(".."), &["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("schema: the schema is valid ("),
        "{}",
        stdout(&o)
    );
}

/// `check` prints exactly the build's problems for every broken fixture, and exits 1.
#[test]
fn check_reports_what_the_build_reports() {
    let broken = manifest().join("../tests/fixtures/broken");
    let mut seen = 0;
    for entry in std::fs::read_dir(&broken).expect("broken fixtures") {
        let path = entry.expect("entry").path();
        let name = format!("broken/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).expect("read");
        let build = generate(&[SourceFile {
            name: name.clone(),
            text,
        }])
        .expect_err("a broken fixture");
        let o = run_in(&manifest().join("../tests/fixtures"), &["check", &name]);
        assert_eq!(code(&o), 1, "{name}");
        assert_eq!(
            stderr(&o),
            format!("error: {name}: the schema is invalid\n{build}"),
            "{name}"
        );
        assert!(stderr(&o).contains(&format!("{name}:")), "file:line:column");
        seen += 1;
    }
    assert!(seen >= 5);
}

#[test]
fn docs_and_openapi_write_what_the_library_makes() {
    let dir = scratch("write");
    let schema = manifest().join("../schema");
    let files = read_dir(&schema).expect("schema");
    let api = personaclick_codegen::inspect::inspect(&files).expect("valid");
    let schema = schema.display().to_string();
    for (command, expected) in [
        ("docs", personaclick_codegen::docs::reference(&api)),
        (
            "openapi",
            personaclick_codegen::openapi::document(&api.model).expect("openapi"),
        ),
    ] {
        let out = dir.join("nested").join(command);
        let out = out.display().to_string();
        let o = run(&[command, &schema, "--out", &out]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&out).expect("written"), expected);
        let o = run(&[command, &schema, "--out", &out, "--check"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        std::fs::write(&out, "stale").expect("write");
        let o = run(&[command, &schema, &format!("--out={out}"), "--check"]);
        assert_eq!(code(&o), 1, "a stale file fails --check");
        assert!(stderr(&o).contains("is stale"), "{}", stderr(&o));
        let o = run(&[command, &schema, "--out", "-"]);
        assert_eq!(stdout(&o), expected);
    }
    // An invalid schema: exit 1 with the build's messages.
    let broken = manifest().join("../tests/fixtures/broken/references.yaml");
    let o = run(&["docs", &broken.display().to_string(), "--out", "-"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("the schema is invalid"));
}

#[test]
fn diff_exit_codes_follow_the_breaking_changes() {
    for (case, exit) in [
        ("unchanged", 0),
        ("docs_only", 0),
        ("enum_value_added", 0),
        ("required_to_optional", 0),
        ("enum_value_removed", 1),
        ("param_renamed", 1),
        ("response_type_changed", 1),
    ] {
        let o = run(&["diff", &fixture(case, "old"), &fixture(case, "new")]);
        assert_eq!(code(&o), exit, "{case}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).starts_with("Schema diff "), "{case}");
        let o = run(&[
            "diff",
            &fixture(case, "old"),
            &fixture(case, "new"),
            "--json",
        ]);
        assert_eq!(code(&o), exit, "{case} --json");
        assert!(
            stdout(&o).contains(&format!("\"breaking\": {exit},")) || exit == 1,
            "{case}: {}",
            stdout(&o)
        );
    }
    // A schema that does not validate is an error, not a diff.
    let broken = manifest().join("../tests/fixtures/broken/rules.yaml");
    let o = run(&[
        "diff",
        &fixture("unchanged", "old"),
        &broken.display().to_string(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is not a valid schema"),
        "{}",
        stderr(&o)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

fn copy_schema(case: &str, side: &str, repo: &Path) {
    let to = repo.join("schema");
    std::fs::create_dir_all(&to).expect("mkdir");
    let from = Path::new(&fixture(case, side)).join("schema.yaml");
    std::fs::copy(from, to.join("schema.yaml")).expect("copy");
}

/// `diff HEAD~1 .` in a repository whose last commit removed an enum value.
#[test]
fn diff_reads_git_revisions() {
    let repo = scratch("git");
    git(&repo, &["init", "-q"]);
    copy_schema("enum_value_removed", "old", &repo);
    git(&repo, &["add", "schema"]);
    git(&repo, &["commit", "-q", "-m", "old"]);
    copy_schema("enum_value_removed", "new", &repo);
    git(&repo, &["commit", "-q", "-am", "new"]);
    std::fs::create_dir_all(repo.join("sub")).expect("mkdir");

    let o = run_in(&repo, &["diff", "HEAD~1", "."]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(
            "types.Color.values.blue: enum value \"blue\" removed: the variant `Blue` is gone [enum_value_removed] (HEAD~1:schema/schema.yaml:59:7)"
        ),
        "{}",
        stdout(&o)
    );
    // Two revisions, `REV:PATH`, and from a subdirectory (paths are from the top).
    for args in [
        &["diff", "HEAD~1", "HEAD"][..],
        &["diff", "HEAD~1:schema", "HEAD:schema/schema.yaml"],
    ] {
        let o = run_in(&repo.join("sub"), args);
        assert_eq!(code(&o), 1, "{args:?}: {}{}", stdout(&o), stderr(&o));
    }
    let o = run_in(&repo, &["diff", "HEAD", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("no changes"));

    for bad in ["no-such-rev", "HEAD:missing", "--output=x"] {
        let o = run_in(&repo, &["diff", bad, "."]);
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
    }
}

/// `release-check v0.4.2` in a repository tagged at the old schema: the version in
/// Cargo.toml must move as far as the schema's change needs, and the report says to what.
#[test]
fn release_check_holds_the_version_to_the_schemas_changes() {
    let manifest = |version: &str| format!("[package]\nname = \"x\"\nversion = \"{version}\"\n");
    for (case, tagged, enough, not_enough) in [
        ("enum_value_removed", "0.4.2", "0.5.0", "0.4.3"),
        ("enum_value_removed", "1.4.2", "2.0.0", "1.5.0"),
        ("field_added", "1.4.2", "1.5.0", "1.4.3"),
        ("field_added", "0.4.2", "0.4.3", "0.4.2"),
        ("docs_only", "1.4.2", "1.4.3", "1.4.2"),
    ] {
        let repo = scratch(&format!("release-{case}-{tagged}"));
        git(&repo, &["init", "-q"]);
        copy_schema(case, "old", &repo);
        std::fs::write(repo.join("Cargo.toml"), manifest(tagged)).unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", "release"]);
        git(&repo, &["tag", &format!("v{tagged}")]);
        copy_schema(case, "new", &repo);
        let tag = format!("v{tagged}");

        std::fs::write(repo.join("Cargo.toml"), manifest(not_enough)).unwrap();
        let o = run_in(&repo, &["release-check", &tag]);
        assert_eq!(
            code(&o),
            1,
            "{case} {tagged} → {not_enough}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        let said = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            said.contains(&format!("make it at least {enough}")),
            "{case}: {said}"
        );

        std::fs::write(repo.join("Cargo.toml"), manifest(enough)).unwrap();
        let o = run_in(&repo, &["release-check", &tag]);
        assert_eq!(
            code(&o),
            0,
            "{case} {tagged} → {enough}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(stdout(&o).contains(&format!("Cargo.toml's version {enough} is enough")));
    }
    let o = run_in(&scratch("release-usage"), &["release-check"]);
    assert_eq!(code(&o), 2);
}
