#!/usr/bin/env bash
# Simulation referee for CI: pm4py reads carepath's XES and OCEL event logs back.
# Called by .ci/run after `swift build`. Idempotent: the virtual environment at $CAREPATH_VENV
# is created once and pm4py installed only when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/referee-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import pm4py' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pm4py
fi

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
"$VENV/bin/python" Tests/referees/eventlog_referee.py "$BIN" "$PWD"
