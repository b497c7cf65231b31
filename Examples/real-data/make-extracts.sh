#!/usr/bin/env bash
# Regenerates the sample extracts in this folder, byte for byte:
#
#   bash Examples/real-data/make-extracts.sh [CAREPATH]
#
# CAREPATH is the carepath binary (default: $CAREPATH_BIN, else .build/release/carepath or
# .build/debug/carepath, else `carepath` on the PATH). Needs python3 (standard library only).
#
# 1. Refreshes suspected-lung-cancer.yaml, this folder's copy of the shipped standard (the
#    overlays here extend it, and carepath keeps `extends` inside the folder of the file named).
# 2. Simulates the hidden truth (hidden-truth.yaml: how the fictional trust really runs the
#    pathway) with a fixed seed: 8 weeks of warm-up, then 8 weeks of referrals, one replication.
# 3. Cuts the simulated events into a GP extract and a trust EPR extract of the patients referred
#    in those 8 weeks (split-extract.py), adding three data problems for the tutorial to find.
# 4. Recalibrates trust-calibrated.yaml from the extracts, as the tutorial does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${1:-${CAREPATH_BIN:-}}"
if [ -z "$bin" ]; then
    for candidate in "$root/.build/release/carepath" "$root/.build/debug/carepath"; do
        if [ -x "$candidate" ]; then bin="$candidate"; break; fi
    done
fi
bin="${bin:-carepath}"
if ! command -v "$bin" >/dev/null 2>&1; then
    echo "make-extracts.sh: no carepath binary found (build it with 'swift build', or pass its path)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$root/Pathways/suspected-lung-cancer.yaml" "$here/suspected-lung-cancer.yaml"

# Time 0 is Monday 1 January 2024; 56 days of warm-up put the first referral kept on Monday
# 26 February, and 56 days of referrals run to Sunday 21 April.
"$bin" simulate "$here/hidden-truth.yaml" --warmup 56 --days 56 --replications 1 --seed 2024 \
    --event-log "$work/simulated.csv" > /dev/null 2>&1
python3 "$here/split-extract.py" "$work/simulated.csv" 2024-02-26 2024-04-21 \
    "$here/gp-extract.csv" "$here/trust-extract.csv"

cd "$root"
"$bin" calibrate Examples/real-data/suspected-lung-cancer.yaml \
    Examples/real-data/gp-extract.csv Examples/real-data/trust-extract.csv \
    --case "NHS Number" --activity Event --timestamp "Event Date Time" --lifecycle "Event Status" \
    --mapping Examples/real-data/activity-map.csv \
    -o Examples/real-data/trust-calibrated.yaml > /dev/null 2>&1
echo "make-extracts.sh: wrote gp-extract.csv, trust-extract.csv and trust-calibrated.yaml in Examples/real-data"
