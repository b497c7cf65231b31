#!/usr/bin/env bash
# Builds the libFuzzer harness (Swift's -sanitize=fuzzer with address sanitizer) and fuzzes for
# SECONDS (default 1800) each:
#   parse      — any bytes through parse → resolve → validate → format/inspect/render
#   conditions — any text through the condition parser and type checker
#   writers    — any pathway that loads cleanly through every exporter, the HTML report, a small
#                simulation writing CSV/XES/OCEL event logs, and a diff
# Seeds: Pathways/, Examples/ and the bad-input corpus (for parse), the conditions written in
# them (for conditions), and the shipped pathways plus the hostile report fixture (for writers).
# TARGETS="parse writers" runs only those. Crashes, hangs (-timeout) and memory blow-ups (-rss_limit_mb) are saved
# under Fuzz/findings/; fix each and add it to Tests/PathwayLanguageTests/BadInput.
# Replay inputs without the fuzzer: `swift run FuzzPathway FILE...`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-${SECONDS_EACH:-1800}}
scratch=.build-fuzz
swift build -c release --scratch-path "$scratch" --product FuzzPathway \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xcc -fsanitize=fuzzer-no-link,address 2>&1 \
  | grep -v "FuzzPathway_main\|linker command failed\|link command failed" || true
# SwiftPM links executables against a renamed main; link by hand so libFuzzer's main is used.
R="$scratch/x86_64-unknown-linux-gnu/release"
swiftc -sanitize=fuzzer,address "$R"/FuzzPathway.build/*.o "$R"/PathwayLanguage.build/*.o "$R"/PathwayModel.build/*.o \
  "$R"/PathwaySimulation.build/*.o "$R"/PathwayDiff.build/*.o "$R"/PathwayExport.build/*.o \
  "$R"/Yams.build/*.o "$R"/CYaml.build/src/*.o -o "$scratch/fuzz-pathway" 2>/dev/null

work=$(mktemp -d)
mkdir -p "$work/parse" "$work/conditions" "$work/writers" Fuzz/findings
# The first byte picks the target (modulo 3): 0 = parse, 1 = conditions, 2 = writers.
i=0
for f in $(find Pathways Examples Tests/PathwayLanguageTests/BadInput -name '*.yaml' | sort); do
  { printf '\x00'; cat "$f"; } > "$work/parse/seed-$i"; i=$((i + 1))
done
for f in $(find Pathways Examples Tests/PathwayExportTests/ReportGolden -name '*.yaml' | sort); do
  { printf '\x02'; cat "$f"; } > "$work/writers/seed-$i"; i=$((i + 1))
done
grep -rhoE 'when: "[^"]+"' Pathways Examples | sed -E 's/when: "(.*)"/\1/' | sort -u | while IFS= read -r c; do
  i=$((i + 1)); { printf '\x01'; printf '%s' "$c"; } > "$work/conditions/seed-$i"
done
for target in ${TARGETS:-parse conditions writers}; do
  "$scratch/fuzz-pathway" "$work/$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="Fuzz/findings/$target-" -print_final_stats=1 > "Fuzz/$target.log" 2>&1 &
done
wait
for target in ${TARGETS:-parse conditions writers}; do
  echo "== $target"; grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|cov:" "Fuzz/$target.log" | tail -3
done
ls Fuzz/findings
