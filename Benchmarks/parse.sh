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

best_ms() {
  local best=999999
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" validate "$@" >/dev/null || true
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}

files=$(find Pathways -name '*.yaml' | wc -l | tr -d ' ')
echo "parse+validate Pathways/ ($files files): $(best_ms Pathways) ms"
echo "parse+validate generated 10,000-step pathway ($(wc -c < "$tmp/generated-10000.yaml" | tr -d ' ') bytes): $(best_ms "$tmp/generated-10000.yaml") ms"
