#!/usr/bin/env bash
# Regional scale run: every shipped pathway, PATIENTS_TOTAL patients in all (default 10 million,
# split evenly, 10 replications each), --jobs 2, release build. Prints each pathway's wall time and
# peak resident memory (GNU time), then the totals. With EVENT_LOG=1 the lung pathway also streams
# its first replication's event log to disk, to show memory stays flat while the log grows.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${PATIENTS_TOTAL:-10000000}
JOBS=${JOBS:-2}
swift build -c release --product carepath >/dev/null
bin=.build/release/carepath
files=$(find Pathways -maxdepth 1 -name '*.yaml' | sort)
count=$(echo "$files" | wc -l | tr -d ' ')
per_file=$(( TOTAL / count / 10 ))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "scale run: $count pathways x 10 replications x $per_file patients = $(( count * 10 * per_file )) patients, --jobs $JOBS"
total_s=0; peak_kb=0
for f in $files; do
  extra=()
  if [ "${EVENT_LOG:-0}" = 1 ] && [[ "$f" == *lung* ]]; then extra=(--event-log "$tmp/lung.csv"); fi
  /usr/bin/time -o "$tmp/time" -f "%e %M" "$bin" simulate "$f" --patients "$per_file" --replications 10 --jobs "$JOBS" --format csv "${extra[@]}" >/dev/null
  read -r secs kb < "$tmp/time"
  printf '%-45s %6.2f s  peak RSS %6.1f MiB\n' "$f" "$secs" "$(echo "$kb / 1024" | bc -l)"
  total_s=$(echo "$total_s + $secs" | bc -l)
  (( kb > peak_kb )) && peak_kb=$kb
done
if [ -f "$tmp/lung.csv" ]; then echo "lung event log streamed to disk: $(du -m "$tmp/lung.csv" | cut -f1) MiB"; fi
printf 'total: %.1f s wall; largest peak RSS of any run: %.1f MiB\n' "$total_s" "$(echo "$peak_kb / 1024" | bc -l)"
