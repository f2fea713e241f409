#!/usr/bin/env bash
# Benchmark 4: what depending on `personaclick` costs a user at build time.
#
# Builds two throwaway consumer binaries from clean (a fresh CARGO_TARGET_DIR each), debug and
# release, and prints the wall times and their ratio:
#   generated  depends on this repository's `personaclick` (path dependency) and makes one call;
#   hand       makes the same call written by hand with reqwest (the same version and features
#              as `personaclick` uses) + serde + serde_json.
# Both use tokio with the same features and this repository's Cargo.lock as a starting point, so
# they build the same versions of what they share.
#
#   scripts/build-cost.sh                # debug and release, one build of each
#   REPEAT=3 scripts/build-cost.sh       # three builds of each (medians)
#   PROFILES=debug scripts/build-cost.sh
#   TIMINGS=1 scripts/build-cost.sh      # also cargo's --timings: the units only `generated` builds
#
# Crates are fetched first (`cargo fetch`); the timed builds run with --offline.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
repeat="${REPEAT:-1}"
profiles="${PROFILES:-debug release}"
work="$(mktemp -d "${TMPDIR:-/tmp}/personaclick-build-cost.XXXXXX")"
trap 'rm -rf "$work"' EXIT

reqwest_dep="$(grep -E '^reqwest *=' "$repo/Cargo.toml")"
tokio_dep='tokio = { version = "1", features = ["macros", "rt-multi-thread"] }'

mkdir -p "$work/generated/src" "$work/hand/src"

cat >"$work/generated/Cargo.toml" <<TOML
[package]
name = "consumer-generated"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
personaclick = { path = "$repo" }
$tokio_dep

[workspace]
TOML

cat >"$work/generated/src/main.rs" <<'RUST'
//! One call through the generated client.
#[tokio::main]
async fn main() -> Result<(), personaclick::Error> {
    let client = personaclick::Client::builder()
        .shop_id("0d42fd8b713d0752776ca589cc0056")
        .shop_secret("0123456789abcdef0123456789abcdef")
        .build()?;
    let profile = client
        .get_profile()
        .email("john.doe@examplemail.com")
        .send()
        .await?;
    println!("{:?} has {} orders", profile.first_name, profile.orders.map_or(0, |o| o.len()));
    Ok(())
}
RUST

cat >"$work/hand/Cargo.toml" <<TOML
[package]
name = "consumer-hand"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$reqwest_dep
serde = { version = "1", features = ["derive"] }
serde_json = "1"
$tokio_dep

[workspace]
TOML

cat >"$work/hand/src/main.rs" <<'RUST'
//! The same call, written by hand with reqwest + serde.
#![allow(dead_code)] // The fields a user would declare, even if this one call reads two.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Profile {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    gender: Option<String>,
    birthday: Option<String>,
    orders: Option<Vec<Order>>,
    status: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Order {
    id: Option<serde_json::Value>,
    status: Option<String>,
    value: Option<f64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let body = http
        .get("https://api.personaclick.com/profile")
        .query(&[
            ("shop_id", "0d42fd8b713d0752776ca589cc0056"),
            ("shop_secret", "0123456789abcdef0123456789abcdef"),
            ("email", "john.doe@examplemail.com"),
        ])
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let profile: Profile = serde_json::from_slice(&body)?;
    if profile.status.as_deref() == Some("error") {
        return Err(profile.message.unwrap_or_default().into());
    }
    println!("{:?} has {} orders", profile.first_name, profile.orders.map_or(0, |o| o.len()));
    Ok(())
}
RUST

for c in generated hand; do
    cp "$repo/Cargo.lock" "$work/$c/Cargo.lock"
    (cd "$work/$c" && cargo fetch --quiet)
done

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One build from clean; prints its wall time in seconds.
build() {
    local consumer="$1" profile="$2" target="$work/target-$1-$2"
    local flags=(--offline --quiet)
    [ "$profile" = release ] && flags+=(--release)
    [ -n "${TIMINGS:-}" ] && flags+=(--timings)
    rm -rf "$target"
    local start end
    start="$(now)"
    (cd "$work/$consumer" && CARGO_TARGET_DIR="$target" cargo build "${flags[@]}")
    end="$(now)"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(cargo --version)"
echo "consumers in $work; $repeat build(s) of each, from clean, alternating"
echo
printf '%-8s %12s %12s %10s\n' profile generated hand ratio
for profile in $profiles; do
    : >"$work/times-generated-$profile"
    : >"$work/times-hand-$profile"
    for _ in $(seq "$repeat"); do
        for c in hand generated; do
            build "$c" "$profile" >>"$work/times-$c-$profile"
        done
    done
    g="$(median <"$work/times-generated-$profile")"
    h="$(median <"$work/times-hand-$profile")"
    printf '%-8s %11.1fs %11.1fs %9.2fx\n' "$profile" "$g" "$h" "$(awk -v g="$g" -v h="$h" 'BEGIN { print g / h }')"
    if [ "$repeat" -gt 1 ]; then
        echo "    each build (generated; hand): $(paste -sd' ' "$work/times-generated-$profile"); $(paste -sd' ' "$work/times-hand-$profile")"
    fi
    if [ -n "${TIMINGS:-}" ]; then
        # The units `generated` builds that `hand` does not, and personaclick's own, by time.
        python3 - "$work/target-generated-$profile" "$work/target-hand-$profile" <<'PY'
import json, re, sys, glob
def units(target):
    html = sorted(glob.glob(f"{target}/cargo-timings/cargo-timing*.html"))[-1]
    text = open(html).read()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S).group(1))
    return {(u["name"], u.get("target", "")): u["duration"] for u in data}
g, h = units(sys.argv[1]), units(sys.argv[2])
extra = sorted(((d, n, t) for (n, t), d in g.items() if (n, t) not in h), reverse=True)
print("    units only the generated consumer builds (seconds, each on one core):")
for d, n, t in extra:
    print(f"    {d:7.1f}  {n}{t}")
shared = sorted(((g[k] - h[k], k) for k in g if k in h and abs(g[k] - h[k]) >= 1.0), reverse=True)
if shared:
    print("    units both build, 1 s or more apart (generated - hand; other features, or load):")
    for d, (n, t) in shared:
        print(f"    {d:+7.1f}  {n}{t}")
PY
    fi
done
echo
echo "(goal: generated / hand <= 1.25)"
