#!/usr/bin/env bash
# Release-mode simulation benchmark (issue 3).
#
#  1. M/M/c (c = 10, 9 arrivals per hour, 1 per hour per server), 1,000,000 patients, in carepath
#     (one core) and in SimPy (installed here in a virtual environment): patients/s and the ratio.
#  2. 1,000,000 journeys through a cancer pathway (the shipped lung pathway if present, else the
#     synthetic one beside this script).
#  3. Two replications with --jobs 1 and --jobs 2: the speed-up.
#
# Environment: PATIENTS (default 1000000), SIMPY_PATIENTS (default PATIENTS),
# CAREPATH_VENV (default .build/bench-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PATIENTS=${PATIENTS:-1000000}
SIMPY_PATIENTS=${SIMPY_PATIENTS:-$PATIENTS}
VENV=${CAREPATH_VENV:-.build/bench-venv}

swift build -c release --product carepath >/dev/null
BIN=.build/release/carepath

# patients/s and seconds from the --timing line carepath prints on stderr.
timing() { "$BIN" simulate "$@" --timing --format csv 2>&1 >/dev/null | grep '^timing:'; }
rate_of() { sed -E 's/.* ([0-9]+) patients\/s.*/\1/' <<<"$1"; }
seconds_of() { sed -E 's/.* in ([0-9.]+) s;.*/\1/' <<<"$1"; }

echo "== M/M/c, c = 10, lambda = 9/h, mu = 1/h per server, $PATIENTS patients =="
line=$(timing Examples/queueing/mmc.yaml --patients "$PATIENTS" --replications 1 --jobs 1)
echo "carepath: $line"
carepath_rate=$(rate_of "$line")
wait_days=$("$BIN" simulate Examples/queueing/mmc.yaml --patients "$PATIENTS" --replications 1 --jobs 1 --format csv \
    | awk -F, '$1 == "step" && $3 == "mean_wait_days" { print $4 }')
awk -v d="$wait_days" 'BEGIN { printf "carepath: mean wait %.2f min (Erlang C: 40.10 min)\n", d * 1440 }'

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c 'import simpy' 2>/dev/null || "$VENV/bin/pip" install --quiet simpy
simpy_line=$("$VENV/bin/python" Benchmarks/simpy_mmc.py "$SIMPY_PATIENTS")
echo "$simpy_line"
simpy_rate=$(sed -E 's/.* ([0-9]+) patients\/s.*/\1/' <<<"$simpy_line")
awk -v a="$carepath_rate" -v b="$simpy_rate" 'BEGIN { printf "ratio: carepath is %.0fx SimPy (patients/s, one core)\n", a / b }'

echo
if [ -f Pathways/suspected-lung-cancer.yaml ]; then CANCER=Pathways/suspected-lung-cancer.yaml; else CANCER=Benchmarks/cancer-like.yaml; fi
echo "== $CANCER, $PATIENTS journeys, one core =="
line=$(timing "$CANCER" --patients "$PATIENTS" --replications 1 --jobs 1)
echo "carepath: $line"
awk -v s="$(seconds_of "$line")" 'BEGIN { printf "%s journeys in %.2f s (goal: under 2 s)\n", "'"$PATIENTS"'", s }'

echo
echo "== $CANCER, 2 replications of $PATIENTS journeys: --jobs 1 vs --jobs 2 =="
one=$(timing "$CANCER" --patients "$PATIENTS" --replications 2 --jobs 1)
two=$(timing "$CANCER" --patients "$PATIENTS" --replications 2 --jobs 2)
echo "jobs 1: $one"
echo "jobs 2: $two"
awk -v a="$(seconds_of "$one")" -v b="$(seconds_of "$two")" 'BEGIN { printf "speed-up with --jobs 2: %.2fx\n", a / b }'
