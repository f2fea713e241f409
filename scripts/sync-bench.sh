#!/usr/bin/env bash
# Benchmark: `personaclick sync-profiles` of N generated rows against the fake server on
# loopback (BENCHMARKS.md, "Bulk sync"). Both are release builds, in separate processes; the
# CLI's wall time, CPU time and peak memory are measured by GNU time, the fake's peak memory
# from /proc when the run ends.
#
#   scripts/sync-bench.sh                 # 100000 and 1000000 rows
#   ROWS="10000" scripts/sync-bench.sh    # other sizes
#   CONCURRENCY=32 RATE=1000000 scripts/sync-bench.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
rows_list="${ROWS:-100000 1000000}"
concurrency="${CONCURRENCY:-32}"
rate="${RATE:-1000000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/personaclick-sync-bench.XXXXXX")"
fake_pid=""
cleanup() {
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cd "$repo"
cargo build --release --locked -q -p personaclick-cli --bin personaclick
cargo build --release --locked -q --features fake --bin personaclick-fake
bin="$repo/target/release"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time: apt-get install time)"; exit 2; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "concurrency $concurrency, rate limit $rate/s; the fake runs in its own process"
printf '\n%10s %10s %10s %12s %14s %12s %12s\n' rows seconds rows/s "CPU s" "CPU us/row" "CLI peak MB" "fake peak MB"
for rows in $rows_list; do
    input="$work/rows-$rows.csv"
    python3 - "$rows" >"$input" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
out.write("email,first_name,last_name,age,kids\n")
for i in range(n):
    out.write(f'user{i}@example.com,Name{i},Surname{i % 997},{18 + i % 60},"[{{""gender"":""f"",""birthday"":""2015-01-{1 + i % 28:02d}""}}]"\n')
PY
    port=$((20000 + RANDOM % 20000))
    "$bin/personaclick-fake" --port "$port" >"$work/fake.log" 2>&1 &
    fake_pid=$!
    for _ in $(seq 50); do
        grep -q "listening" "$work/fake.log" 2>/dev/null && break
        sleep 0.1
    done
    PERSONACLICK_SHOP_ID=0d42fd8b713d0752776ca589cc0056 \
    PERSONACLICK_SHOP_SECRET=0123456789abcdef0123456789abcdef \
    PERSONACLICK_BASE_URL="http://127.0.0.1:$port" \
    PERSONACLICK_CONFIG=/nonexistent \
        /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
        "$bin/personaclick" sync-profiles "$input" --concurrency "$concurrency" --rate "$rate" \
        --json >"$work/summary.json" 2>"$work/stderr" || { cat "$work/stderr"; exit 1; }
    fake_peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$fake_pid/status")"
    kill "$fake_pid"
    wait "$fake_pid" 2>/dev/null || true
    fake_pid=""
    read -r wall user sys peak_kb <"$work/time"
    sent="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$work/summary.json")"
    [ "$sent" = "$rows" ] || { echo "only $sent of $rows rows sent"; cat "$work/stderr"; exit 1; }
    python3 - "$rows" "$wall" "$user" "$sys" "$peak_kb" "$fake_peak_kb" <<'PY'
import sys
rows, wall, user, sys_, peak, fake_peak = sys.argv[1:]
rows = int(rows); wall = float(wall); cpu = float(user) + float(sys_)
print(f"{rows:>10} {wall:>10.1f} {rows / wall:>10.0f} {cpu:>12.1f} {cpu / rows * 1e6:>14.1f} {int(peak) / 1024:>12.1f} {int(fake_peak) / 1024:>12.1f}")
PY
    rm -f "$input" "$input.checkpoint" "$input.rejects.jsonl"
done
