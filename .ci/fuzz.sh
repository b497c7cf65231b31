#!/usr/bin/env bash
# A short, fixed run of the semantic fuzzer (Fuzz/semantic/fuzz.py): the same 40 generated
# pathways every time (seed 1), each through every command with a 20-second budget per command
# (the debug build), so CI fails on any crash, hang, memory blow-up or broken law they show.
# Longer runs with new seeds are for developers: see Fuzz/semantic/README.md.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${CAREPATH_BIN:-.build/debug/carepath}"
FINDINGS="$(mktemp -d)"
trap 'rm -rf "$FINDINGS"' EXIT
if python3 Fuzz/semantic/fuzz.py --bin "$BIN" --cases 40 --seed 1 --budget 20 --jobs 2 --findings "$FINDINGS" --progress 30; then
    exit 0
fi
echo "fuzz.sh: findings (each folder holds the pathway, the command and its output):" >&2
find "$FINDINGS" -maxdepth 2 -type f -name '*.txt' | head -20 | while read -r f; do echo "--- $f" >&2; head -20 "$f" >&2; done
exit 1
