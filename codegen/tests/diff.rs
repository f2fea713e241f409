//! `diff` on the fixture pairs in `tests/fixtures/diff/<case>/{old,new}/`: every change each
//! case makes, with its class, kind and path, and nothing else.

use std::path::PathBuf;

use personaclick_codegen::diff::{self, Change, Class};
use personaclick_codegen::inspect::{inspect, Inspected};
use personaclick_codegen::sources;

use Class::{Breaking as B, Compatible as C};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn load(case: &str, side: &str) -> Inspected {
    let dir = fixtures().join(case).join(side);
    let files = sources::read_path(&dir).unwrap_or_else(|e| panic!("{case}/{side}: {e}"));
    inspect(&files).unwrap_or_else(|e| panic!("{case}/{side}: {e}"))
}

fn changes(case: &str) -> Vec<Change> {
    diff::diff(&load(case, "old"), &load(case, "new"))
}

/// A change as (class, kind, path).
type Expected = (Class, &'static str, &'static str);

/// Each case: every change it makes, breaking ones first.
const CASES: &[(&str, &[Expected])] = &[
    ("unchanged", &[]),
    (
        "docs_only",
        &[
            (C, "docs_changed", "endpoints.get_item"),
            (C, "docs_changed", "types.Item.fields.name"),
        ],
    ),
    (
        "endpoint_removed",
        &[
            (B, "endpoint_removed", "endpoints.save_item"),
            // What only that endpoint sent or received stops being sent or received.
            (B, "type_usage_removed", "types.Item"),
            (B, "type_usage_removed", "types.Amount"),
            (B, "type_usage_removed", "types.Status"),
        ],
    ),
    (
        "endpoint_added",
        &[(C, "endpoint_added", "endpoints.delete_item")],
    ),
    (
        "endpoint_renamed",
        &[
            (B, "endpoint_removed", "endpoints.get_item"),
            (C, "endpoint_added", "endpoints.read_item"),
        ],
    ),
    (
        "endpoint_moved",
        &[(C, "endpoint_moved", "endpoints.get_item")],
    ),
    (
        // GET to DELETE, POST to DELETE: the parameters move (query, body), the Rust API not.
        "method_changed",
        &[
            (C, "endpoint_moved", "endpoints.get_item"),
            (C, "endpoint_moved", "endpoints.save_item"),
        ],
    ),
    (
        "param_removed",
        &[(B, "param_removed", "endpoints.get_item.params.limit")],
    ),
    (
        "param_renamed",
        &[
            (B, "param_removed", "endpoints.get_item.params.color"),
            (C, "param_added", "endpoints.get_item.params.colour"),
        ],
    ),
    (
        "param_type_changed",
        &[(B, "type_changed", "endpoints.get_item.params.id")],
    ),
    (
        // A format makes a string a typed date in Rust: a change of type.
        "format_added",
        &[(B, "type_changed", "endpoints.get_item.params.since")],
    ),
    (
        "optional_to_required",
        &[(B, "now_required", "endpoints.get_item.params.color")],
    ),
    (
        "required_to_optional",
        &[(C, "now_optional", "endpoints.get_item.params.id")],
    ),
    (
        "constraints",
        &[
            (B, "constraint_tightened", "endpoints.get_item.params.limit"),
            (C, "constraint_relaxed", "endpoints.get_item.params.limit"),
        ],
    ),
    (
        "rule_added",
        &[(B, "rule_added", "endpoints.get_item.requirements")],
    ),
    (
        // A rule for a parameter that is new concerns no call that compiled before.
        "rule_added_for_new_param",
        &[
            (C, "param_added", "endpoints.get_item.params.size"),
            (C, "rule_added", "endpoints.get_item.requirements"),
        ],
    ),
    (
        "rule_changed",
        &[
            // any_of with fewer names: tighter. The same rule in fewer cases: looser.
            (B, "rule_tightened", "endpoints.get_item.requirements"),
            (C, "rule_relaxed", "endpoints.get_item.requirements"),
        ],
    ),
    (
        "paging_added",
        &[(C, "paging_added", "endpoints.list_items.paging")],
    ),
    (
        "user_scope_removed",
        &[
            (B, "user_param_removed", "user.session"),
            (B, "user_scope_removed", "endpoints.get_item.params.session"),
        ],
    ),
    (
        "enum_value_removed",
        &[(B, "enum_value_removed", "types.Color.values.blue")],
    ),
    (
        "enum_value_added",
        &[(C, "enum_value_added", "types.Color.values.green")],
    ),
    (
        "field_added",
        &[(C, "field_added", "types.Item.fields.price")],
    ),
    (
        "field_removed",
        &[(B, "field_removed", "types.Item.fields.name")],
    ),
    (
        "field_type_changed",
        &[(B, "type_changed", "types.Item.fields.name")],
    ),
    (
        "response_type_changed",
        &[(B, "response_type_changed", "endpoints.get_item.response")],
    ),
    (
        "variant_added",
        &[(B, "variant_added", "types.Amount.one_of.Many")],
    ),
];

#[test]
fn every_fixture_pair_gives_exactly_its_changes() {
    let mut failures = Vec::new();
    for (case, expected) in CASES {
        let got: Vec<(Class, &str, String)> = changes(case)
            .into_iter()
            .map(|c| (c.class, c.kind, c.path))
            .collect();
        let want: Vec<(Class, &str, String)> = expected
            .iter()
            .map(|(class, kind, path)| (*class, *kind, path.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{case}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_pair_is_tested() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut cases: Vec<String> = CASES.iter().map(|(c, _)| c.to_string()).collect();
    cases.sort();
    assert_eq!(dirs, cases);
}

#[test]
fn the_reverse_of_an_addition_is_breaking() {
    // new → old: what was added is removed.
    for (case, kind) in [
        ("endpoint_added", "endpoint_removed"),
        ("field_added", "field_removed"),
        ("enum_value_added", "enum_value_removed"),
        ("required_to_optional", "now_required"),
        ("paging_added", "paging_removed"),
    ] {
        let back = diff::diff(&load(case, "new"), &load(case, "old"));
        assert_eq!(back.len(), 1, "{case}: {back:?}");
        assert_eq!((back[0].class, back[0].kind), (B, kind), "{case}");
    }
}

#[test]
fn changes_point_at_the_schema() {
    let removed = changes("param_removed");
    assert_eq!(removed[0].at.as_deref(), Some("old/schema.yaml:26:7"));
    let added = changes("field_added");
    assert_eq!(added[0].at.as_deref(), Some("new/schema.yaml:48:7"));
}

#[test]
fn human_output_lists_breaking_changes_first() {
    let out = diff::human("old", "new", &changes("param_renamed"));
    assert_eq!(
        out,
        "Schema diff old → new: 2 changes, 1 breaking, 1 compatible.\n\
         \n\
         Breaking (a semver-major release of the crate; before 1.0, a new minor version):\n  \
         - endpoints.get_item.params.color: parameter removed: the setter `color` is gone [param_removed] (old/schema.yaml:25:7)\n\
         \n\
         Compatible:\n  \
         - endpoints.get_item.params.colour: optional parameter added: setter `colour` [param_added] (new/schema.yaml:25:7)\n"
    );
    assert_eq!(
        diff::human("a", "b", &[]),
        "Schema diff a → b: no changes.\n"
    );
}

#[test]
fn json_output_has_counts_and_every_change() {
    let out = diff::json("old \"v1\"", "new", &changes("constraints"));
    assert!(out.starts_with("{\n  \"old\": \"old \\\"v1\\\"\",\n  \"new\": \"new\",\n  \"breaking\": 1,\n  \"compatible\": 1,\n"), "{out}");
    assert_eq!(out.matches("\"class\": \"breaking\"").count(), 1);
    assert_eq!(out.matches("\"class\": \"compatible\"").count(), 1);
    assert!(out.contains("\"kind\": \"constraint_tightened\""));
    assert!(out.contains("\"message\": \"constraint tightened: max 50 → 20; values that passed may now fail before sending\""), "{out}");
}

/// The real schema against itself, and against each of its files with one line removed:
/// whatever still validates gives a diff, and never a panic.
#[test]
fn the_real_schema_diffs_cleanly() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let files = sources::read_path(&root).expect("schema");
    let real = inspect(&files).expect("valid schema");
    assert!(diff::diff(&real, &real).is_empty());
    let mut compared = 0;
    for (i, file) in files.iter().enumerate() {
        let lines: Vec<&str> = file.text.lines().collect();
        for skip in 0..lines.len() {
            let mut damaged = files.clone();
            damaged[i].text = lines
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != skip)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n");
            if let Ok(other) = inspect(&damaged) {
                diff::diff(&real, &other);
                diff::diff(&other, &real);
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} variants compared");
}
