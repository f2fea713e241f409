//! Criterion prints each benchmark alone; the issue asks for ratios side by side. After the
//! run, this reads the medians criterion saved (`<target>/criterion/.../new/estimates.json`)
//! and prints them with their ratios.

use std::path::PathBuf;
use std::time::SystemTime;

/// Where criterion writes its results: `$CRITERION_HOME`, else `<target>/criterion` next to
/// this executable (`<target>/release/deps/<bench>`), which is then set as `CRITERION_HOME` so
/// criterion writes there too.
pub fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let home = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"));
    // Still single-threaded: nothing else reads the environment yet.
    std::env::set_var("CRITERION_HOME", &home);
    home
}

/// The median (ns) criterion measured for `id` (`group/function/parameter`) in this run, or
/// `None` if it did not run (filtered out, or `--test`/`--list` mode).
pub fn median_ns(id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_home().join(id).join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// A duration in ns, in a readable unit.
pub fn show(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
