#!/usr/bin/env bash
# Do the schema's diff (cargo codegen diff) and the Rust API's semver check (cargo-semver-checks)
# agree? In a throwaway clone, tagged as a release, two schema edits are each committed and
# checked by both tools: an enum value removed (both must say breaking / major) and an
# optional response field added (both must say compatible / minor). Needs cargo-semver-checks;
# .ci/run calls this once a release is tagged (when it installs the tool anyway).
#
#   scripts/semver-agreement.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
command -v cargo-semver-checks >/dev/null || { echo "needs cargo-semver-checks (cargo install cargo-semver-checks --locked)"; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/personaclick-semver.XXXXXX")"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
git clone -q "$repo" "$work/repo"
cd "$work/repo"
export CARGO_TARGET_DIR="$work/target"
g() { git -c user.name=ci -c user.email=ci@example.com -c commit.gpgsign=false "$@"; }
g tag -f v0.0.0-agreement >/dev/null

# Runs both tools against the tag; prints "schema=<breaking|compatible> rust=<major|minor-ok>".
# A semver-checks run that fails without finding a breaking change is an error, not a verdict.
verdicts() {
    local schema rust
    if cargo run -q --locked -p personaclick-codegen -- diff v0.0.0-agreement . >"$work/diff.txt"; then
        schema=compatible
    else
        schema=breaking
    fi
    if cargo semver-checks --package personaclick --baseline-rev v0.0.0-agreement \
        --release-type minor >"$work/semver.txt" 2>&1; then
        rust=minor-ok
    elif grep -q "semver requires new major version" "$work/semver.txt"; then
        rust=major
    else
        cat "$work/semver.txt" >&2
        echo "cargo-semver-checks failed without a verdict" >&2
        exit 2
    fi
    echo "schema=$schema rust=$rust"
}

fail=0
# 1. An enum value removed: the generated enum loses a variant.
python3 - <<'PY'
import re
p = "schema/notifications.yaml"
s = open(p).read()
s2 = re.sub(r"\n      wallet:[^\n]*(\n        [^\n]*)*", "", s, count=1)
assert s2 != s, "no `wallet` value to remove"
open(p, "w").write(s2)
PY
g commit -qam "remove an enum value"
got="$(verdicts)"
echo "enum value removed: $got"
[ "$got" = "schema=breaking rust=major" ] || { fail=1; cat "$work/diff.txt" "$work/semver.txt"; }

# 2. An optional response field added (on top of the tag, not of 1).
g reset -q --hard v0.0.0-agreement
python3 - <<'PY'
p = "schema/orders.yaml"
s = open(p).read()
anchor = "      vendor_code:"
assert anchor in s, "no vendor_code field to add after"
field = "      agreement_probe:\n        type: string\n        description: A field added to check the tools agree.\n"
open(p, "w").write(s.replace(anchor, field + anchor, 1))
PY
g commit -qam "add an optional field"
got="$(verdicts)"
echo "optional field added: $got"
[ "$got" = "schema=compatible rust=minor-ok" ] || { fail=1; cat "$work/diff.txt" "$work/semver.txt"; }

if [ "$fail" = 0 ]; then
    echo "The schema's diff and cargo-semver-checks agree on both edits."
else
    echo "The schema's diff and cargo-semver-checks disagree: see above."
fi
exit "$fail"
