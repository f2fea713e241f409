//! The declared `rust-version` is not a silent claim: no crate a user's build compiles (the
//! library's normal and build dependencies, every feature, as locked) declares a newer one.
//! What this cannot check is our own code's use of newer language features: no older
//! toolchain can be installed here. Newer standard library APIs are caught by clippy's
//! `incompatible_msrv` lint, which reads the same `rust-version` (CI runs clippy with
//! `-D warnings`).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn no_dependency_of_a_users_build_needs_a_newer_rust_than_declared() {
    let ours = env!("CARGO_PKG_RUST_VERSION");
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--all-features",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let root = packages
        .values()
        .find(|p| p["name"] == "personaclick")
        .map(|p| p["id"].as_str().unwrap())
        .unwrap();
    // Everything reachable through normal and build dependencies (dev-dependencies are ours).
    let mut seen = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let for_users = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            let dep_id = dep["pkg"].as_str().unwrap();
            if for_users && seen.insert(dep_id) {
                todo.push(dep_id);
            }
        }
    }
    let newer: Vec<String> = seen
        .iter()
        .filter_map(|id| {
            let p = packages[id];
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(ours)).then(|| {
                format!(
                    "{} {} needs Rust {needs}",
                    p["name"].as_str().unwrap_or("?"),
                    p["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        newer.is_empty(),
        "rust-version {ours} is claimed, but a user's build compiles:\n  {}\n\
         Raise rust-version in Cargo.toml, or lock older versions.",
        newer.join("\n  ")
    );
    assert!(
        seen.len() > 20,
        "the walk found the dependencies: {}",
        seen.len()
    );
}
