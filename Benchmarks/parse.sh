#!/usr/bin/env bash
# Parser benchmark: release build, then time `carepath validate` on the shipped library and on a
# generated 10,000-step pathway (best of 5 runs each, wall clock, process start-up included).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product carepath >/dev/null
bin=.build/release/carepath
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 Benchmarks/generate_pathway.py 10000 > "$tmp/generated-10000.yaml"

# Best of 5 runs: wall-clock ms and CPU ms (user + system), so a busy machine can be told apart
# from a slow parser.
best_ms() {
  local best=999999 best_cpu=999999
  for _ in 1 2 3 4 5; do
    local t0 t1 cpu
    t0=$(date +%s%N)
    /usr/bin/time -o "$tmp/time" -f "%U %S" "$bin" validate "$@" >/dev/null 2>&1 || true
    cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp/time")
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
    (( cpu < best_cpu )) && best_cpu=$cpu
  done
  echo "$best ms wall, $best_cpu ms CPU"
}

files=$(find Pathways -name '*.yaml' | wc -l | tr -d ' ')
echo "parse+validate Pathways/ ($files files): $(best_ms Pathways)"
echo "parse+validate generated 10,000-step pathway ($(wc -c < "$tmp/generated-10000.yaml" | tr -d ' ') bytes): $(best_ms "$tmp/generated-10000.yaml")"
