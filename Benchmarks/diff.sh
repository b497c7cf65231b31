#!/usr/bin/env bash
# Diff benchmark: release build, then time (best of 5, wall clock, process start-up and parsing
# included) `carepath diff` of two generated 5,000-step pathways and `carepath compare` of 50
# variants of a generated 200-step pathway. Targets: each under 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product carepath >/dev/null
bin=.build/release/carepath
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 Benchmarks/generate_variant.py 5000 > "$tmp/standard-5000.yaml"
python3 Benchmarks/generate_variant.py 5000 1 > "$tmp/variant-5000.yaml"
mkdir "$tmp/region"
python3 Benchmarks/generate_variant.py 200 > "$tmp/standard-200.yaml"
for i in $(seq 1 50); do python3 Benchmarks/generate_variant.py 200 "$i" > "$tmp/region/trust-$i.yaml"; done

best_ms() {
  local best=999999
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" "$@" >/dev/null || true
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}

changes=$("$bin" diff --format json "$tmp/standard-5000.yaml" "$tmp/variant-5000.yaml" | grep -c '"class"' || true)
echo "diff of two 5,000-step pathways ($changes changes): $(best_ms diff "$tmp/standard-5000.yaml" "$tmp/variant-5000.yaml") ms"
echo "  of which (one run, --timing): $("$bin" diff --timing "$tmp/standard-5000.yaml" "$tmp/variant-5000.yaml" 2>&1 >/dev/null | tail -1)"
echo "compare of 50 variants of a 200-step pathway: $(best_ms compare "$tmp/standard-200.yaml" "$tmp/region") ms"
echo "  of which (one run, --timing): $("$bin" compare --timing "$tmp/standard-200.yaml" "$tmp/region" 2>&1 >/dev/null | tail -1)"
echo "(for scale) validate of both 5,000-step files: $(best_ms validate "$tmp/standard-5000.yaml" "$tmp/variant-5000.yaml") ms"
